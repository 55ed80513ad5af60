//! User accounts, their sign-in sessions and their API tokens: tables `users`, `web_sessions`
//! and `api_tokens`; and the attempts at secrets counted by the sign-in throttle
//! (`sign_in_attempts`). None of it is patient data, so reads are not audited.

pub use ipt_app::ports::AttemptCount;
use ipt_app::ports::{ApiToken, StoreError, UserRecord, WebSession};
use ipt_domain::authz::Role;
use ipt_domain::ids::{TokenId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{DomainRow, Keyring, from_code};

/// Count one attempt under key $1 at $2 (seconds): a window that began at or before $3 is
/// over, and a new one starts with this attempt. Every `SET` reads the row as it was.
pub const COUNT_ATTEMPT: &str = "INSERT INTO sign_in_attempts (key, window_start, attempts) \
    VALUES ($1, $2, 1) ON CONFLICT (key) DO UPDATE SET \
    attempts = CASE WHEN sign_in_attempts.window_start <= $3 THEN 1 \
        ELSE sign_in_attempts.attempts + 1 END, \
    window_start = CASE WHEN sign_in_attempts.window_start <= $3 THEN $2 \
        ELSE sign_in_attempts.window_start END \
    RETURNING attempts, window_start";

/// A row of `users` (its `language` is read alone, by `Store::user_language`).
#[derive(sqlx::FromRow)]
pub struct UserRow {
    id: Uuid,
    username: String,
    display_name: String,
    role: String,
    password_hash: String,
    active: bool,
    supervisor_id: Option<Uuid>,
    version: i64,
}

impl DomainRow for UserRow {
    type Domain = UserRecord;

    fn into_domain(self, _: &Keyring) -> Result<UserRecord, StoreError> {
        Ok(UserRecord {
            id: UserId::from_uuid(self.id),
            username: self.username,
            display_name: self.display_name,
            role: from_code::<Role>("role", &self.role)?,
            password_hash: self.password_hash,
            active: self.active,
            supervisor: self.supervisor_id.map(UserId::from_uuid),
            version: self.version,
        })
    }
}

/// A row of `web_sessions`.
#[derive(sqlx::FromRow)]
pub struct WebSessionRow {
    token_hash: String,
    user_id: Uuid,
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

impl DomainRow for WebSessionRow {
    type Domain = WebSession;

    fn into_domain(self, _: &Keyring) -> Result<WebSession, StoreError> {
        Ok(WebSession {
            token_hash: self.token_hash,
            user: UserId::from_uuid(self.user_id),
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            expires_at: self.expires_at,
        })
    }
}

/// A row of `api_tokens`.
#[derive(sqlx::FromRow)]
pub struct ApiTokenRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    token_hash: String,
    created_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    last_used_at: Option<OffsetDateTime>,
}

impl DomainRow for ApiTokenRow {
    type Domain = ApiToken;

    fn into_domain(self, _: &Keyring) -> Result<ApiToken, StoreError> {
        Ok(ApiToken {
            id: TokenId::from_uuid(self.id),
            user: UserId::from_uuid(self.user_id),
            name: self.name,
            token_hash: self.token_hash,
            created_at: self.created_at,
            revoked_at: self.revoked_at,
            last_used_at: self.last_used_at,
        })
    }
}

/// The statements of users, web sessions and API tokens, expanded by `impl_store!` into
/// `shared_sql::users`.
#[doc(hidden)]
#[macro_export]
macro_rules! users_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod users {
            use super::*;
            pub(crate) use $crate::users::*;

            // Users.

            pub(crate) async fn create_user(
                s: &$store,
                u: &UserRecord,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                sqlx::query(
                    "INSERT INTO users (id, username, display_name, role, password_hash, active, \
                     supervisor_id, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(u.id.as_uuid())
                .bind(&u.username)
                .bind(&u.display_name)
                .bind(u.role.code())
                .bind(&u.password_hash)
                .bind(u.active)
                .bind(u.supervisor.map(|s| s.as_uuid()))
                .bind(u.version)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    duplicate_as(e, || {
                        format!("a user named '{}' already exists", u.username)
                    })
                })?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn user_by_username(
                s: &$store,
                username: &str,
            ) -> Result<Option<UserRecord>, StoreError> {
                let q = sqlx::query("SELECT * FROM users WHERE username = $1").bind(username);
                select_optional::<UserRow>(s, q).await
            }

            pub(crate) async fn user(
                s: &$store,
                id: UserId,
            ) -> Result<Option<UserRecord>, StoreError> {
                let q = sqlx::query("SELECT * FROM users WHERE id = $1").bind(id.as_uuid());
                select_optional::<UserRow>(s, q).await
            }

            pub(crate) async fn list_users(s: &$store) -> Result<Vec<UserRecord>, StoreError> {
                let q = sqlx::query("SELECT * FROM users ORDER BY username");
                select_all::<UserRow>(s, q).await
            }

            pub(crate) async fn set_supervisor(
                s: &$store,
                user: UserId,
                supervisor: Option<UserId>,
                version: i64,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE users SET supervisor_id = $1, version = version + 1 \
                     WHERE id = $2 AND version = $3",
                )
                .bind(supervisor.map(|s| s.as_uuid()))
                .bind(user.as_uuid())
                .bind(version);
                write_versioned(s, q, "users", "user", user.as_uuid(), version, None, a).await
            }

            pub(crate) async fn supervisees(
                s: &$store,
                supervisor: UserId,
            ) -> Result<Vec<UserRecord>, StoreError> {
                let q =
                    sqlx::query("SELECT * FROM users WHERE supervisor_id = $1 ORDER BY username")
                        .bind(supervisor.as_uuid());
                select_all::<UserRow>(s, q).await
            }

            pub(crate) async fn user_language(
                s: &$store,
                user: UserId,
            ) -> Result<Option<Language>, StoreError> {
                let code: Option<Option<String>> =
                    sqlx::query_scalar("SELECT language FROM users WHERE id = $1")
                        .bind(user.as_uuid())
                        .fetch_optional(&s.pool)
                        .await
                        .map_err(map_err)?;
                $crate::language(code.flatten())
            }

            pub(crate) async fn set_user_language(
                s: &$store,
                user: UserId,
                language: Option<Language>,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
                    .bind(language.map(|l| l.code()))
                    .bind(user.as_uuid());
                let missing = StoreError::NotFound {
                    entity: "user",
                    id: user.as_uuid(),
                };
                write_found(s, q, missing, a).await
            }

            pub(crate) async fn has_users(s: &$store) -> Result<bool, StoreError> {
                let n: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) AS one")
                        .fetch_one(&s.pool)
                        .await
                        .map_err(map_err)?;
                Ok(n > 0)
            }

            // Sign-in sessions.

            pub(crate) async fn create_web_session(
                s: &$store,
                w: &WebSession,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO web_sessions (token_hash, user_id, created_at, last_seen_at, \
                     expires_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&w.token_hash)
                .bind(w.user.as_uuid())
                .bind(w.created_at)
                .bind(w.last_seen_at)
                .bind(w.expires_at);
                write_one(s, q, a).await
            }

            pub(crate) async fn web_session(
                s: &$store,
                token_hash: &str,
            ) -> Result<Option<WebSession>, StoreError> {
                let q = sqlx::query("SELECT * FROM web_sessions WHERE token_hash = $1")
                    .bind(token_hash);
                select_optional::<WebSessionRow>(s, q).await
            }

            pub(crate) async fn touch_web_session(
                s: &$store,
                token_hash: &str,
                at: OffsetDateTime,
                expires_at: OffsetDateTime,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "UPDATE web_sessions SET last_seen_at = $1, expires_at = $2 \
                     WHERE token_hash = $3",
                )
                .bind(at)
                .bind(expires_at)
                .bind(token_hash);
                execute(s, q).await
            }

            pub(crate) async fn delete_web_session(
                s: &$store,
                token_hash: &str,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q =
                    sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1").bind(token_hash);
                write_one(s, q, a).await
            }

            // API tokens.

            pub(crate) async fn create_token(
                s: &$store,
                t: &ApiToken,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, \
                     revoked_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(t.id.as_uuid())
                .bind(t.user.as_uuid())
                .bind(&t.name)
                .bind(&t.token_hash)
                .bind(t.created_at)
                .bind(t.revoked_at)
                .bind(t.last_used_at);
                write_one(s, q, a).await
            }

            pub(crate) async fn token_by_hash(
                s: &$store,
                token_hash: &str,
            ) -> Result<Option<ApiToken>, StoreError> {
                let q =
                    sqlx::query("SELECT * FROM api_tokens WHERE token_hash = $1").bind(token_hash);
                select_optional::<ApiTokenRow>(s, q).await
            }

            pub(crate) async fn tokens_of_user(
                s: &$store,
                user: UserId,
            ) -> Result<Vec<ApiToken>, StoreError> {
                let q = sqlx::query(
                    "SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id",
                )
                .bind(user.as_uuid());
                select_all::<ApiTokenRow>(s, q).await
            }

            pub(crate) async fn revoke_token(
                s: &$store,
                id: TokenId,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                )
                .bind(at)
                .bind(id.as_uuid());
                let missing = StoreError::NotFound {
                    entity: "active API token",
                    id: id.as_uuid(),
                };
                write_found(s, q, missing, a).await
            }

            pub(crate) async fn token_used(
                s: &$store,
                id: TokenId,
                at: OffsetDateTime,
            ) -> Result<(), StoreError> {
                let q = sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id.as_uuid());
                execute(s, q).await
            }

            // Attempts at secrets (`sign_in_attempts`): one upsert per key, so that the
            // row's lock makes each count atomic on PostgreSQL (SQLite has one writer).

            pub(crate) async fn count_attempts(
                s: &$store,
                keys: &[String],
                now: i64,
                window: i64,
            ) -> Result<Vec<AttemptCount>, StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let mut out = Vec::with_capacity(keys.len());
                for key in keys {
                    let (attempts, window_start): (i64, i64) = sqlx::query_as(COUNT_ATTEMPT)
                        .bind(key)
                        .bind(now)
                        .bind(now - window)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    out.push(AttemptCount {
                        attempts,
                        window_start,
                    });
                }
                sqlx::query("DELETE FROM sign_in_attempts WHERE window_start <= $1")
                    .bind(now - window)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                finish(tx).await?;
                Ok(out)
            }

            pub(crate) async fn settle_attempts(
                s: &$store,
                uncount: &[String],
                forget: &[String],
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                for key in uncount {
                    sqlx::query(
                        "UPDATE sign_in_attempts SET attempts = attempts - 1 \
                         WHERE key = $1 AND attempts > 0",
                    )
                    .bind(key)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                }
                for key in forget {
                    sqlx::query("DELETE FROM sign_in_attempts WHERE key = $1")
                        .bind(key)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                finish(tx).await
            }

            pub(crate) async fn attempts(
                s: &$store,
                keys: &[String],
                now: i64,
                window: i64,
            ) -> Result<Vec<AttemptCount>, StoreError> {
                let mut out = Vec::with_capacity(keys.len());
                for key in keys {
                    let row: Option<(i64, i64)> = sqlx::query_as(
                        "SELECT attempts, window_start FROM sign_in_attempts \
                         WHERE key = $1 AND window_start > $2",
                    )
                    .bind(key)
                    .bind(now - window)
                    .fetch_optional(&s.pool)
                    .await
                    .map_err(map_err)?;
                    let (attempts, window_start) = row.unwrap_or((0, now));
                    out.push(AttemptCount {
                        attempts,
                        window_start,
                    });
                }
                Ok(out)
            }
        }
    };
}
