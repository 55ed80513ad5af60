//! What the SQLite and PostgreSQL stores share.
//!
//! Both dialects accept the same statements for everything IPT Workbench does (`$n`
//! placeholders, `ON CONFLICT`, plain types through sqlx's `uuid`, `time` and `json` support),
//! so the statements are written once, here, and each backend crate expands `impl_store!` over
//! its own pool type and its own migrations. Where a dialect ever needs its own SQL, that
//! method moves out of the macros into the backend crate.
//!
//! The SQL lives in one file per aggregate ("Where the SQL lives" in docs/architecture.md).
//! Each file holds the row structs its reads decode (derived `sqlx::FromRow`, mapped to the
//! domain by `DomainRow::into_domain`), whatever else needs no database type, and one macro
//! with its statements. `impl_store!` expands each of those macros into a module of the same
//! name in the backend crate, over the backend's database type, and writes `impl Store`: one
//! call into those modules per method.
//!
//! rustfmt formats the macros' bodies like any code, but silently leaves a whole macro as it
//! is when a line of a multi-line string in it is too long for it (from about 90 columns):
//! wrap such SQL shorter, or make it a constant outside the macro.

use ipt_app::ports::StoreError;
use ipt_domain::patient::Language;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use sealed::Keyring;

pub mod assessments;
pub mod audit;
pub mod caseload;
pub mod census;
pub mod courses;
pub mod group_commit;
pub mod initial_phase;
pub mod patients;
pub mod portal;
pub mod sealed;
pub mod second_factor;
pub mod sessions;
pub mod users;

pub use group_commit::{BatchResult, Batched, GroupCommit};
pub use uuid;

/// The stable code of a unit enum (its serde name), as stored in a TEXT column.
pub fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("code() is for unit enums; got {other:?}"),
    }
}

/// Read a unit enum back from its code.
pub fn from_code<T: DeserializeOwned>(column: &str, s: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| StoreError::Corrupt(format!("column {column}: unknown code '{s}'")))
}

/// Map a driver error to a store error the app understands. The message keeps the driver's
/// wording for operators; it never contains row data.
pub fn map_err(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(format!(
            "a record with the same key already exists ({})",
            db.constraint().unwrap_or("unique")
        )),
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound {
            entity: "referenced record",
            id: uuid::Uuid::nil(),
        },
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(e.to_string())
        }
        other => StoreError::Backend(other.to_string()),
    }
}

/// `map_err`, with a unique violation worded as `message` says.
pub fn duplicate_as(e: sqlx::Error, message: impl FnOnce() -> String) -> StoreError {
    match map_err(e) {
        StoreError::Duplicate(_) => StoreError::Duplicate(message()),
        other => other,
    }
}

pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// A language code as stored, where none may be.
pub fn language(code: Option<String>) -> Result<Option<Language>, StoreError> {
    code.map(|c| Language::parse(&c).map_err(corrupt))
        .transpose()
}

/// A row struct (derived `sqlx::FromRow`, so it decodes on either database) and the domain
/// record it maps to.
pub trait DomainRow: Sized {
    type Domain;

    /// Check and convert what the columns hold (codes, numbers in range, parsed text), and
    /// open its sealed columns with `keys` (sealed.rs).
    fn into_domain(self, keys: &Keyring) -> Result<Self::Domain, StoreError>;

    /// Decode `row` and map it to the domain.
    fn decode<'r, R: sqlx::Row>(row: &'r R, keys: &Keyring) -> Result<Self::Domain, StoreError>
    where
        Self: sqlx::FromRow<'r, R>,
    {
        Self::from_row(row).map_err(map_err)?.into_domain(keys)
    }

    /// Decode every row and map it to the domain.
    fn decode_all<R: sqlx::Row>(rows: &[R], keys: &Keyring) -> Result<Vec<Self::Domain>, StoreError>
    where
        Self: for<'r> sqlx::FromRow<'r, R>,
    {
        rows.iter().map(|r| Self::decode(r, keys)).collect()
    }
}

/// `head` followed by `rows` groups of `columns` placeholders: `($1, $2), ($3, $4)`.
pub fn values(head: &str, rows: usize, columns: usize) -> String {
    let groups: Vec<String> = (0..rows)
        .map(|row| {
            let marks: Vec<String> = (1..=columns)
                .map(|c| format!("${}", row * columns + c))
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect();
    format!("{head}{}", groups.join(", "))
}

/// Roll back now and hand back the error that made us stop.
pub async fn rollback<DB: sqlx::Database>(
    tx: sqlx::Transaction<'_, DB>,
    e: StoreError,
) -> StoreError {
    if let Err(r) = tx.rollback().await {
        tracing::warn!(error = %r, "rollback failed");
    }
    e
}

pub async fn finish<DB: sqlx::Database>(tx: sqlx::Transaction<'_, DB>) -> Result<(), StoreError> {
    tx.commit().await.map_err(map_err)
}

/// Expand the `Store` implementation for `$store`, whose field `pool` is a `sqlx::Pool<$db>`,
/// whose field `writes` is made with `shared_sql::write_queue`, and whose field `keys` is the
/// `Keyring` its sealed columns are sealed with (sealed.rs).
///
/// `$begin` opens every transaction that writes: SQLite needs `BEGIN IMMEDIATE`, because a
/// deferred one that read first cannot take the write lock when another connection holds it
/// (SQLite answers "database is locked" at once rather than wait). Reads run in a plain
/// `BEGIN` (deferred: a snapshot, concurrent with everything else under WAL), and their audit
/// events are committed afterwards through the store's `writes` queue, by group commit,
/// before the data is returned.
///
/// The helpers below serve every part; each part's macro (`users_sql!` in `users.rs` …)
/// expands into a module of its own name beside them.
#[macro_export]
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:literal, $begin:literal) => {
        mod shared_sql {
            use super::*;
            use ipt_app::ports::*;
            use ipt_domain::alert::*;
            use ipt_domain::assessment::*;
            use ipt_domain::course::*;
            use ipt_domain::diary::*;
            use ipt_domain::ids::*;
            use ipt_domain::inventory::*;
            use ipt_domain::patient::*;
            use ipt_domain::portal::*;
            use ipt_domain::session::*;
            use ipt_domain::timeline::*;
            use sqlx::types::Json;
            use time::OffsetDateTime;
            use uuid::Uuid;
            use $crate::{Batched, DomainRow, code, duplicate_as, finish, map_err, rollback};

            pub(crate) use group_commit::write_queue;

            /// What every start does once the migrations have run: the audit rows written
            /// before the chain (migration 0012) get their hashes; keys that are not the
            /// database's are refused, before any request; the text written before
            /// encryption (migration 0015) is sealed.
            pub(crate) async fn after_migrations(s: &$store) -> Result<(), StoreError> {
                audit::seal(&s.pool).await?;
                sealed::unlock(s).await
            }

            impl $store {
                /// The keys its free text is sealed with.
                pub fn keys(&self) -> &$crate::Keyring {
                    &self.keys
                }
            }

            type Tx<'a> = sqlx::Transaction<'a, $db>;
            type Query = sqlx::query::Query<'static, $db, <$db as sqlx::Database>::Arguments>;
            type Row = <$db as sqlx::Database>::Row;

            /// After an UPDATE … WHERE version = expected touched no row: say why.
            /// A record of a course (`course`) is looked for in that course only: another
            /// course's record answers `NotFound` like a missing one, never `Conflict` with its
            /// version, which would tell that it exists.
            async fn refused(
                tx: &mut Tx<'_>,
                table: &'static str,
                entity: &'static str,
                id: Uuid,
                expected: i64,
                course: Option<Uuid>,
            ) -> StoreError {
                // Built from constants only, never from input.
                let actual = match course {
                    None => {
                        let sql = format!("SELECT version FROM {table} WHERE id = $1");
                        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                            .bind(id)
                            .fetch_optional(&mut **tx)
                            .await
                    }
                    Some(course) => {
                        let sql =
                            format!("SELECT version FROM {table} WHERE id = $1 AND course_id = $2");
                        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                            .bind(id)
                            .bind(course)
                            .fetch_optional(&mut **tx)
                            .await
                    }
                };
                match actual {
                    Ok(Some(actual)) => StoreError::Conflict {
                        entity,
                        id,
                        expected,
                        actual,
                    },
                    Ok(None) => StoreError::NotFound { entity, id },
                    Err(e) => map_err(e),
                }
            }

            /// `refused`, then roll back at once. A dropped transaction rolls back only when its
            /// connection is next used; until then SQLite keeps its write lock, and another
            /// connection's write would wait for it and fail with "database is locked".
            async fn refuse(
                mut tx: Tx<'_>,
                table: &'static str,
                entity: &'static str,
                id: Uuid,
                expected: i64,
                course: Option<Uuid>,
            ) -> StoreError {
                let e = refused(&mut tx, table, entity, id, expected, course).await;
                rollback(tx, e).await
            }

            /// The row `q` finds, if any, from the pool (records that are not patient data).
            async fn select_optional<T>(
                s: &$store,
                q: Query,
            ) -> Result<Option<T::Domain>, StoreError>
            where
                T: DomainRow + for<'r> sqlx::FromRow<'r, Row>,
            {
                let row = q.fetch_optional(&s.pool).await.map_err(map_err)?;
                row.as_ref().map(|r| T::decode(r, &s.keys)).transpose()
            }

            /// The rows `q` finds, from the pool (records that are not patient data).
            async fn select_all<T>(s: &$store, q: Query) -> Result<Vec<T::Domain>, StoreError>
            where
                T: DomainRow + for<'r> sqlx::FromRow<'r, Row>,
            {
                let rows = q.fetch_all(&s.pool).await.map_err(map_err)?;
                T::decode_all(&rows, &s.keys)
            }

            /// Patient data: the row `q` finds, read in a read transaction, returned once the
            /// read's audit event `a` is committed.
            async fn read_optional<T>(
                s: &$store,
                q: Query,
                a: &AuditEvent,
            ) -> Result<Option<T::Domain>, StoreError>
            where
                T: DomainRow + for<'r> sqlx::FromRow<'r, Row>,
            {
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let row = q.fetch_optional(&mut *tx).await.map_err(map_err)?;
                finish(tx).await?;
                audit::after_read(s, vec![a.clone()]).await?;
                row.as_ref().map(|r| T::decode(r, &s.keys)).transpose()
            }

            /// Patient data: the rows `q` finds, read in a read transaction, returned once the
            /// read's audit event `a` is committed.
            async fn read_all<T>(
                s: &$store,
                q: Query,
                a: &AuditEvent,
            ) -> Result<Vec<T::Domain>, StoreError>
            where
                T: DomainRow + for<'r> sqlx::FromRow<'r, Row>,
            {
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let rows = q.fetch_all(&mut *tx).await.map_err(map_err)?;
                finish(tx).await?;
                audit::after_read(s, vec![a.clone()]).await?;
                T::decode_all(&rows, &s.keys)
            }

            /// One statement on the pool, without an audit event (the bookkeeping of sign-ins
            /// and tokens).
            async fn execute(s: &$store, q: Query) -> Result<(), StoreError> {
                q.execute(&s.pool).await.map_err(map_err)?;
                Ok(())
            }

            /// One statement and its audit event, in one write transaction.
            async fn write_one(s: &$store, q: Query, a: &AuditEvent) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                q.execute(&mut *tx).await.map_err(map_err)?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            /// A statement that must touch a row, and its audit event: `missing` when it
            /// touched none (and nothing is written).
            async fn write_found(
                s: &$store,
                q: Query,
                missing: StoreError,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let n = q.execute(&mut *tx).await.map_err(map_err)?.rows_affected();
                if n == 0 {
                    return Err(rollback(tx, missing).await);
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            /// A versioned UPDATE or DELETE of `id` in `table` (… WHERE version = `version`)
            /// and its audit event: `Conflict` or `NotFound` when it touched no row (and
            /// nothing is written). Returns the new version.
            #[allow(clippy::too_many_arguments)]
            async fn write_versioned(
                s: &$store,
                q: Query,
                table: &'static str,
                entity: &'static str,
                id: Uuid,
                version: i64,
                course: Option<Uuid>,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let n = q.execute(&mut *tx).await.map_err(map_err)?.rows_affected();
                if n == 0 {
                    return Err(refuse(tx, table, entity, id, version, course).await);
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await?;
                Ok(version + 1)
            }

            $crate::group_commit_sql!($store, $db, $begin);
            $crate::audit_sql!($store, $db, $begin);
            $crate::users_sql!($store, $db, $begin);
            $crate::second_factor_sql!($store, $db, $begin);
            $crate::patients_sql!($store, $db, $begin);
            $crate::courses_sql!($store, $db, $begin);
            $crate::initial_phase_sql!($store, $db, $begin);
            $crate::sessions_sql!($store, $db, $begin);
            $crate::assessments_sql!($store, $db, $begin);
            $crate::portal_sql!($store, $db, $begin);
            $crate::caseload_sql!($store, $db, $begin);
            $crate::census_sql!($store, $db, $backend);
            $crate::sealed_sql!($store, $db, $begin);
            $crate::store_impl!($store, $backend);
        }
    };
}

/// `impl Store for $store`: each method is one call into the module of its part, in the
/// trait's order. Expanded by `impl_store!`.
#[doc(hidden)]
#[macro_export]
macro_rules! store_impl {
    ($store:ty, $backend:literal) => {
        #[async_trait::async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                $backend
            }

            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1")
                    .execute(&self.pool)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            fn pool_stats(&self) -> PoolStats {
                PoolStats {
                    size: self.pool.size(),
                    idle: self.pool.num_idle() as u32,
                    max: self.pool.options().get_max_connections(),
                }
            }

            // users.rs

            async fn create_user(&self, u: &UserRecord, a: &AuditEvent) -> Result<(), StoreError> {
                users::create_user(self, u, a).await
            }

            async fn user_by_username(
                &self,
                username: &str,
            ) -> Result<Option<UserRecord>, StoreError> {
                users::user_by_username(self, username).await
            }

            async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
                users::user(self, id).await
            }

            async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
                users::list_users(self).await
            }

            async fn set_supervisor(
                &self,
                user: UserId,
                supervisor: Option<UserId>,
                version: i64,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                users::set_supervisor(self, user, supervisor, version, a).await
            }

            async fn supervisees(&self, supervisor: UserId) -> Result<Vec<UserRecord>, StoreError> {
                users::supervisees(self, supervisor).await
            }

            async fn user_language(&self, user: UserId) -> Result<Option<Language>, StoreError> {
                users::user_language(self, user).await
            }

            async fn set_user_language(
                &self,
                user: UserId,
                language: Option<Language>,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                users::set_user_language(self, user, language, a).await
            }

            async fn has_users(&self) -> Result<bool, StoreError> {
                users::has_users(self).await
            }

            async fn create_web_session(
                &self,
                w: &WebSession,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                users::create_web_session(self, w, a).await
            }

            async fn web_session(
                &self,
                token_hash: &str,
            ) -> Result<Option<WebSession>, StoreError> {
                users::web_session(self, token_hash).await
            }

            async fn touch_web_session(
                &self,
                token_hash: &str,
                at: OffsetDateTime,
                expires_at: OffsetDateTime,
            ) -> Result<(), StoreError> {
                users::touch_web_session(self, token_hash, at, expires_at).await
            }

            async fn delete_web_session(
                &self,
                token_hash: &str,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                users::delete_web_session(self, token_hash, a).await
            }

            async fn create_token(&self, t: &ApiToken, a: &AuditEvent) -> Result<(), StoreError> {
                users::create_token(self, t, a).await
            }

            async fn token_by_hash(
                &self,
                token_hash: &str,
            ) -> Result<Option<ApiToken>, StoreError> {
                users::token_by_hash(self, token_hash).await
            }

            async fn tokens_of_user(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
                users::tokens_of_user(self, user).await
            }

            async fn revoke_token(
                &self,
                id: TokenId,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                users::revoke_token(self, id, at, a).await
            }

            async fn token_used(&self, id: TokenId, at: OffsetDateTime) -> Result<(), StoreError> {
                users::token_used(self, id, at).await
            }

            async fn second_factor(
                &self,
                user: UserId,
            ) -> Result<Option<SecondFactor>, StoreError> {
                second_factor::second_factor(self, user).await
            }

            async fn begin_second_factor(
                &self,
                user: UserId,
                secret: &str,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                second_factor::begin_second_factor(self, user, secret, a).await
            }

            async fn enable_second_factor(
                &self,
                user: UserId,
                at: OffsetDateTime,
                step: i64,
                hashes: &[String],
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                second_factor::enable_second_factor(self, user, at, step, hashes, a).await
            }

            async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
                second_factor::use_totp_step(self, user, step).await
            }

            async fn use_recovery_code(
                &self,
                user: UserId,
                code_hash: &str,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<bool, StoreError> {
                second_factor::use_recovery_code(self, user, code_hash, at, a).await
            }

            async fn unused_recovery_codes(&self, user: UserId) -> Result<u32, StoreError> {
                second_factor::unused_recovery_codes(self, user).await
            }

            async fn replace_recovery_codes(
                &self,
                user: UserId,
                hashes: &[String],
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                second_factor::replace_recovery_codes_of(self, user, hashes, a).await
            }

            async fn remove_second_factor(
                &self,
                user: UserId,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                second_factor::remove_second_factor(self, user, a).await
            }

            async fn create_sign_in_challenge(
                &self,
                token_hash: &str,
                user: UserId,
                expires_at: OffsetDateTime,
            ) -> Result<(), StoreError> {
                second_factor::create_sign_in_challenge(self, token_hash, user, expires_at).await
            }

            async fn sign_in_challenge(
                &self,
                token_hash: &str,
            ) -> Result<Option<SignInChallenge>, StoreError> {
                second_factor::sign_in_challenge(self, token_hash).await
            }

            async fn delete_sign_in_challenge(&self, token_hash: &str) -> Result<(), StoreError> {
                second_factor::delete_sign_in_challenge(self, token_hash).await
            }

            async fn count_attempts(
                &self,
                keys: &[String],
                now: i64,
                window: i64,
            ) -> Result<Vec<AttemptCount>, StoreError> {
                users::count_attempts(self, keys, now, window).await
            }

            async fn settle_attempts(
                &self,
                uncount: &[String],
                forget: &[String],
            ) -> Result<(), StoreError> {
                users::settle_attempts(self, uncount, forget).await
            }

            async fn attempts(
                &self,
                keys: &[String],
                now: i64,
                window: i64,
            ) -> Result<Vec<AttemptCount>, StoreError> {
                users::attempts(self, keys, now, window).await
            }

            // patients.rs

            async fn create_patient(&self, p: &Patient, a: &AuditEvent) -> Result<(), StoreError> {
                patients::create_patient(self, p, a).await
            }

            async fn patient(
                &self,
                id: PatientId,
                a: &AuditEvent,
            ) -> Result<Option<Patient>, StoreError> {
                patients::patient(self, id, a).await
            }

            async fn list_patients(
                &self,
                clinician: Option<UserId>,
                a: &AuditEvent,
            ) -> Result<Vec<Patient>, StoreError> {
                patients::list_patients(self, clinician, a).await
            }

            async fn patients_page(
                &self,
                clinician: UserId,
                after: Option<(String, PatientId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<Patient>, StoreError> {
                patients::patients_page(self, clinician, after, limit, a).await
            }

            async fn update_patient(&self, p: &Patient, a: &AuditEvent) -> Result<i64, StoreError> {
                patients::update_patient(self, p, a).await
            }

            async fn count_patients(&self) -> Result<u64, StoreError> {
                patients::count_patients(self).await
            }

            // courses.rs

            async fn create_course(&self, c: &Course, a: &AuditEvent) -> Result<(), StoreError> {
                courses::create_course(self, c, a).await
            }

            async fn course(
                &self,
                id: CourseId,
                a: &AuditEvent,
            ) -> Result<Option<Course>, StoreError> {
                courses::course(self, id, a).await
            }

            async fn course_and_patient(
                &self,
                id: CourseId,
                course_audit: &AuditEvent,
                patient_audit: &AuditEvent,
            ) -> Result<Option<(Course, Patient)>, StoreError> {
                courses::course_and_patient(self, id, course_audit, patient_audit).await
            }

            async fn courses_of_patient(
                &self,
                patient: PatientId,
                a: &AuditEvent,
            ) -> Result<Vec<Course>, StoreError> {
                courses::courses_of_patient(self, patient, a).await
            }

            async fn courses_page(
                &self,
                patient: PatientId,
                after: Option<(time::Date, CourseId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<Course>, StoreError> {
                courses::courses_page(self, patient, after, limit, a).await
            }

            async fn update_course(&self, c: &Course, a: &AuditEvent) -> Result<i64, StoreError> {
                courses::update_course(self, c, a).await
            }

            async fn add_comment(
                &self,
                c: &ipt_domain::supervision::SupervisorComment,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                courses::add_comment(self, c, a).await
            }

            async fn comments_page(
                &self,
                course: CourseId,
                after: Option<(OffsetDateTime, CommentId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<ipt_domain::supervision::SupervisorComment>, StoreError> {
                courses::comments_page(self, course, after, limit, a).await
            }

            async fn comments(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<ipt_domain::supervision::SupervisorComment>, StoreError> {
                courses::comments(self, course, a).await
            }

            // initial_phase.rs

            async fn add_person(
                &self,
                course: CourseId,
                p: &InventoryPerson,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                initial_phase::add_person(self, course, p, a).await
            }

            async fn update_person(
                &self,
                course: CourseId,
                p: &InventoryPerson,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                initial_phase::update_person(self, course, p, a).await
            }

            async fn delete_person(
                &self,
                course: CourseId,
                id: InventoryPersonId,
                version: i64,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                initial_phase::delete_person(self, course, id, version, a).await
            }

            async fn inventory(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<InventoryPerson>, StoreError> {
                initial_phase::inventory(self, course, a).await
            }

            async fn add_snapshot(
                &self,
                course: CourseId,
                snapshot: &InventorySnapshot,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                initial_phase::add_snapshot(self, course, snapshot, a).await
            }

            async fn snapshots(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<InventorySnapshot>, StoreError> {
                initial_phase::snapshots(self, course, a).await
            }

            async fn add_event(
                &self,
                course: CourseId,
                e: &TimelineEvent,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                initial_phase::add_event(self, course, e, a).await
            }

            async fn update_event(
                &self,
                course: CourseId,
                e: &TimelineEvent,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                initial_phase::update_event(self, course, e, a).await
            }

            async fn delete_event(
                &self,
                course: CourseId,
                id: TimelineEventId,
                version: i64,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                initial_phase::delete_event(self, course, id, version, a).await
            }

            async fn add_episode(
                &self,
                course: CourseId,
                e: &MoodEpisode,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                initial_phase::add_episode(self, course, e, a).await
            }

            async fn update_episode(
                &self,
                course: CourseId,
                e: &MoodEpisode,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                initial_phase::update_episode(self, course, e, a).await
            }

            async fn timeline(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Timeline, StoreError> {
                initial_phase::timeline(self, course, a).await
            }

            // sessions.rs

            async fn add_session(
                &self,
                s: &TherapySession,
                alert: Option<&RiskAlert>,
                mood: Option<(&Assessment, &AuditEvent)>,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                sessions::add_session(self, s, alert, mood, a).await
            }

            async fn update_session(
                &self,
                s: &TherapySession,
                alert: Option<&RiskAlert>,
                mood: Option<(&Assessment, &AuditEvent)>,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                sessions::update_session(self, s, alert, mood, a).await
            }

            async fn sessions_page(
                &self,
                course: CourseId,
                after: Option<u16>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<TherapySession>, StoreError> {
                sessions::sessions_page(self, course, after, limit, a).await
            }

            async fn sessions(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<TherapySession>, StoreError> {
                sessions::sessions(self, course, a).await
            }

            async fn add_goal(
                &self,
                course: CourseId,
                g: &Goal,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                sessions::add_goal(self, course, g, a).await
            }

            async fn update_goal(
                &self,
                course: CourseId,
                g: &Goal,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                sessions::update_goal(self, course, g, a).await
            }

            async fn goals(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<Goal>, StoreError> {
                sessions::goals(self, course, a).await
            }

            // assessments.rs

            async fn add_assessment(
                &self,
                x: &Assessment,
                alert: Option<&RiskAlert>,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                assessments::add_assessment(self, x, alert, a).await
            }

            async fn update_assessment(
                &self,
                x: &Assessment,
                alert: Option<&RiskAlert>,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                assessments::update_assessment(self, x, alert, a).await
            }

            async fn assessments_of_course(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<Assessment>, StoreError> {
                assessments::assessments_of_course(self, course, a).await
            }

            async fn assessments_page(
                &self,
                course: CourseId,
                after: Option<(OffsetDateTime, AssessmentId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<Assessment>, StoreError> {
                assessments::assessments_page(self, course, after, limit, a).await
            }

            async fn add_alert(&self, al: &RiskAlert, a: &AuditEvent) -> Result<(), StoreError> {
                assessments::add_alert(self, al, a).await
            }

            async fn alerts(
                &self,
                f: &AlertFilter,
                a: &AuditEvent,
            ) -> Result<Vec<RiskAlert>, StoreError> {
                assessments::alerts(self, f, a).await
            }

            async fn open_alerts_page(
                &self,
                clinician: UserId,
                after: Option<(OffsetDateTime, AlertId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<RiskAlert>, StoreError> {
                assessments::open_alerts_page(self, clinician, after, limit, a).await
            }

            async fn acknowledge_alert(
                &self,
                al: &RiskAlert,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                assessments::acknowledge_alert(self, al, a).await
            }

            async fn add_diary_entry(
                &self,
                e: &DiaryEntry,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                assessments::add_diary_entry(self, e, a).await
            }

            async fn update_diary_entry(
                &self,
                e: &DiaryEntry,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                assessments::update_diary_entry(self, e, a).await
            }

            async fn diary_entries(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<DiaryEntry>, StoreError> {
                assessments::diary_entries(self, course, a).await
            }

            async fn outcome_counts(
                &self,
                instrument: &str,
                rules: &OutcomeRules,
                a: &AuditEvent,
            ) -> Result<OutcomeCounts, StoreError> {
                assessments::outcome_counts(self, instrument, rules, a).await
            }

            async fn change_summary(
                &self,
                instrument: &str,
                rules: &ChangeRules,
                a: &AuditEvent,
            ) -> Result<Vec<ChangeSummary>, StoreError> {
                assessments::change_summary(self, instrument, rules, a).await
            }

            // portal.rs

            async fn create_invitation(
                &self,
                i: &Invitation,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::create_invitation(self, i, a).await
            }

            async fn invitation_by_hash(
                &self,
                token_hash: &str,
            ) -> Result<Option<Invitation>, StoreError> {
                portal::invitation_by_hash(self, token_hash).await
            }

            async fn invitations_of_patient(
                &self,
                patient: PatientId,
                a: &AuditEvent,
            ) -> Result<Vec<Invitation>, StoreError> {
                portal::invitations_of_patient(self, patient, a).await
            }

            async fn revoke_invitation(
                &self,
                id: InvitationId,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::revoke_invitation(self, id, at, a).await
            }

            async fn accept_invitation(
                &self,
                id: InvitationId,
                at: OffsetDateTime,
                access: &PortalAccess,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::accept_invitation(self, id, at, access, a).await
            }

            async fn portal_access_by_code(
                &self,
                code_hash: &str,
            ) -> Result<Option<PortalAccess>, StoreError> {
                portal::portal_access_by_code(self, code_hash).await
            }

            async fn portal_access(
                &self,
                patient: PatientId,
            ) -> Result<Option<PortalAccess>, StoreError> {
                portal::portal_access(self, patient).await
            }

            async fn set_passphrase(
                &self,
                patient: PatientId,
                passphrase_hash: &str,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::set_passphrase(self, patient, passphrase_hash, at, a).await
            }

            async fn create_portal_session(
                &self,
                w: &PortalSession,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::create_portal_session(self, w, a).await
            }

            async fn portal_session(
                &self,
                token_hash: &str,
            ) -> Result<Option<PortalSession>, StoreError> {
                portal::portal_session(self, token_hash).await
            }

            async fn touch_portal_session(
                &self,
                token_hash: &str,
                at: OffsetDateTime,
                expires_at: OffsetDateTime,
            ) -> Result<(), StoreError> {
                portal::touch_portal_session(self, token_hash, at, expires_at).await
            }

            async fn delete_portal_session(
                &self,
                token_hash: &str,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::delete_portal_session(self, token_hash, a).await
            }

            async fn portal_language(
                &self,
                patient: PatientId,
            ) -> Result<Option<Language>, StoreError> {
                portal::portal_language(self, patient).await
            }

            async fn set_portal_language(
                &self,
                patient: PatientId,
                language: Language,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::set_portal_language(self, patient, language, at, a).await
            }

            async fn add_assignment(
                &self,
                x: &Assignment,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                portal::add_assignment(self, x, a).await
            }

            async fn update_assignment(
                &self,
                x: &Assignment,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                portal::update_assignment(self, x, a).await
            }

            async fn assignments_of_course(
                &self,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<Assignment>, StoreError> {
                portal::assignments_of_course(self, course, a).await
            }

            // caseload.rs

            async fn caseload_records(
                &self,
                clinician: UserId,
                a: &AuditEvent,
            ) -> Result<Vec<CaseloadRecord>, StoreError> {
                caseload::caseload_records(self, clinician, a).await
            }

            async fn bulk_load(&self, b: &BulkLoad, a: &AuditEvent) -> Result<(), StoreError> {
                caseload::bulk_load(self, b, a).await
            }

            async fn refresh_statistics(&self) -> Result<(), StoreError> {
                // The same statement on both databases: every table's planner statistics.
                sqlx::query("ANALYZE")
                    .execute(&self.pool)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            async fn operator_warnings(&self) -> Result<Vec<String>, StoreError> {
                if $backend != "postgres" {
                    return Ok(vec![]);
                }
                let autovacuum: String = sqlx::query_scalar("SHOW autovacuum")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(map_err)?;
                Ok(if autovacuum.trim() == "on" {
                    vec![]
                } else {
                    vec![format!(
                        "PostgreSQL runs with autovacuum={autovacuum}: table statistics will go stale \
                         as records are added and the caseload's plans will degrade. Turn autovacuum \
                         on (see the operator guide, \"PostgreSQL\"), or run ANALYZE after large \
                         changes."
                    )]
                })
            }

            async fn census(&self) -> Result<DatabaseCensus, StoreError> {
                census::census(self).await
            }

            // audit.rs

            async fn audit_events(&self, f: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError> {
                audit::audit_events(self, f).await
            }

            async fn record_refusal(&self, a: &AuditEvent) -> Result<(), StoreError> {
                audit::record_refusal(self, a).await
            }

            async fn audit_chain(&self) -> Result<AuditChainHead, StoreError> {
                audit::chain(self).await
            }

            async fn verify_audit_chain(
                &self,
                anchor: Option<ChainPoint>,
            ) -> Result<AuditVerification, StoreError> {
                audit::verify(self, anchor).await
            }

            async fn prune_audit(
                &self,
                before: OffsetDateTime,
                batch: u32,
                a: &AuditEvent,
            ) -> Result<AuditPrune, StoreError> {
                audit::prune(self, before, batch, a).await
            }

            // sealed.rs

            async fn reseal_batch(
                &self,
                from: ResealCursor,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<ResealBatch, StoreError> {
                sealed::reseal_batch(self, from, limit, a).await
            }

            async fn key_usage(&self) -> Result<KeyUsage, StoreError> {
                sealed::key_usage(self).await
            }

            async fn retire_unused_keys(&self) -> Result<Vec<String>, StoreError> {
                sealed::retire_unused_keys(self).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_numbers_placeholders_row_by_row() {
        assert_eq!(values("V ", 1, 2), "V ($1, $2)");
        assert_eq!(values("V ", 2, 3), "V ($1, $2, $3), ($4, $5, $6)");
    }
}
