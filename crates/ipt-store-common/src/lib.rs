//! What the SQLite and PostgreSQL stores share.
//!
//! Both dialects accept the same statements for everything IPT Workbench does (`$n`
//! placeholders, `ON CONFLICT`, plain types through sqlx's `uuid`, `time` and `json` support),
//! so the statements are written once, in `impl_store!`, and each backend crate expands it over
//! its own pool type and its own migrations. Where a dialect ever needs its own SQL, that
//! method moves out of the macro into the backend crate.

use ipt_app::ports::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

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
            id: uuid_nil(),
        },
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
            StoreError::Corrupt(e.to_string())
        }
        other => StoreError::Backend(other.to_string()),
    }
}

fn uuid_nil() -> uuid::Uuid {
    uuid::Uuid::nil()
}

pub fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

pub use uuid;

pub mod group_commit;
pub use group_commit::{BatchResult, GroupCommit};

/// Expand the `Store` implementation for `$store`, whose field `pool` is a `sqlx::Pool<$db>`.
/// `$begin` opens every transaction that writes: SQLite needs `BEGIN IMMEDIATE`, because a
/// deferred one that read first cannot take the write lock when another connection holds it
/// (SQLite answers "database is locked" at once rather than wait). Reads run in a plain
/// `BEGIN` (deferred: a snapshot, concurrent with everything else under WAL), and their audit
/// events are committed afterwards through the store's `writes` queue, by group commit,
/// before the data is returned. `$store` has fields `pool` and `writes` (made with
/// `shared_sql::write_queue`).
#[macro_export]
macro_rules! impl_store {
    ($store:ty, $db:ty, $backend:literal, $begin:literal) => {
        mod shared_sql {
            use super::*;
            use ipt_app::ports::*;
            use ipt_domain::alert::*;
            use ipt_domain::assessment::*;
            use ipt_domain::authz::Role;
            use ipt_domain::course::*;
            use ipt_domain::diary::*;
            use ipt_domain::ids::*;
            use ipt_domain::portal::*;
            use ipt_domain::inventory::*;
            use ipt_domain::patient::*;
            use ipt_domain::protocol::Phase;
            use ipt_domain::session::*;
            use ipt_domain::timeline::*;
            use ipt_store_common::{code, corrupt, from_code, map_err};
            use sqlx::types::Json;
            use sqlx::{Row, Transaction};
            use time::{Date, OffsetDateTime};
            use uuid::Uuid;

            type Tx<'a> = Transaction<'a, $db>;
            type R = <$db as sqlx::Database>::Row;

            async fn audit(tx: &mut Tx<'_>, a: &AuditEvent) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, patient_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(a.id.as_uuid())
                .bind(a.at)
                .bind(a.actor.map(|u| u.as_uuid()))
                .bind(&a.action)
                .bind(&a.entity)
                .bind(a.entity_id)
                .bind(a.patient.map(|p| p.as_uuid()))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            }

            /// After an UPDATE … WHERE version = expected touched no row: say why.
            async fn refused(
                tx: &mut Tx<'_>,
                table: &'static str,
                entity: &'static str,
                id: Uuid,
                expected: i64,
            ) -> StoreError {
                // Built from constants only, never from input.
                    let sql = format!("SELECT version FROM {table} WHERE id = $1");
                match sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await {
                    Ok(Some(actual)) => StoreError::Conflict { entity, id, expected, actual },
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
            ) -> StoreError {
                let e = refused(&mut tx, table, entity, id, expected).await;
                rollback(tx, e).await
            }

            /// Roll back now and hand back the error that made us stop.
            async fn rollback(tx: Tx<'_>, e: StoreError) -> StoreError {
                if let Err(r) = tx.rollback().await {
                    tracing::warn!(error = %r, "rollback failed");
                }
                e
            }

            async fn finish(tx: Tx<'_>) -> Result<(), StoreError> {
                tx.commit().await.map_err(map_err)
            }

            /// A write that goes through the store's group-commit queue (`writes`; see
            /// `ipt_store_common::group_commit`).
            pub(crate) enum Batched {
                /// The audit events of a read.
                Audits(Vec<AuditEvent>),
                /// A questionnaire submission: the assessment, its risk alert, its audit event.
                Assessment(Box<(Assessment, Option<RiskAlert>, AuditEvent)>),
            }

            /// Many audit rows in few statements (a statement per row costs a round trip to
            /// the connection each: a caseload page reads 40 patients).
            async fn audit_many(tx: &mut Tx<'_>, events: &[&AuditEvent]) -> Result<(), StoreError> {
                // 7 parameters a row; SQLite allows 32 766 in a statement, PostgreSQL 65 535.
                for chunk in events.chunks(500) {
                    let mut sql = String::from(
                        "INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, patient_id) VALUES ",
                    );
                    for i in 0..chunk.len() {
                        let n = i * 7;
                        if i > 0 {
                            sql.push_str(", ");
                        }
                        sql.push_str(&format!(
                            "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                            n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7
                        ));
                    }
                    // Built from constants and placeholder numbers only, never from input.
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for a in chunk {
                        q = q
                            .bind(a.id.as_uuid())
                            .bind(a.at)
                            .bind(a.actor.map(|u| u.as_uuid()))
                            .bind(a.action.clone())
                            .bind(a.entity.clone())
                            .bind(a.entity_id)
                            .bind(a.patient.map(|p| p.as_uuid()));
                    }
                    q.execute(&mut **tx).await.map_err(map_err)?;
                }
                Ok(())
            }

            async fn apply(tx: &mut Tx<'_>, item: &Batched) -> Result<(), StoreError> {
                match item {
                    Batched::Audits(events) => {
                        let events: Vec<&AuditEvent> = events.iter().collect();
                        audit_many(tx, &events).await?
                    }
                    Batched::Assessment(b) => {
                        let (x, alert, a) = &**b;
                        insert_assessment(tx, x).await?;
                        if let Some(al) = alert {
                            insert_alert(tx, al).await?;
                        }
                        audit(tx, a).await?;
                    }
                }
                Ok(())
            }

            async fn statement(tx: &mut Tx<'_>, sql: &'static str) -> Result<(), StoreError> {
                sqlx::query(sql).execute(&mut **tx).await.map_err(map_err).map(|_| ())
            }

            /// One batch in one transaction. First all at once, the audit rows of every item in
            /// one statement; should any item fail, that is rolled back and the batch is written
            /// again with each item in its own savepoint, so that only the failing one is lost.
            async fn write_batch(pool: sqlx::Pool<$db>, items: Vec<Batched>) -> ipt_store_common::BatchResult {
                let mut tx = pool.begin_with($begin).await.map_err(map_err)?;
                let mut all = Ok(());
                // Every audit row of the batch, reads' and submissions', in one statement.
                let audits: Vec<&AuditEvent> = items
                    .iter()
                    .flat_map(|i| match i {
                        Batched::Audits(events) => events.iter().collect::<Vec<_>>(),
                        Batched::Assessment(b) => vec![&b.2],
                    })
                    .collect();
                let submissions: Vec<&(Assessment, Option<RiskAlert>, AuditEvent)> = items
                    .iter()
                    .filter_map(|i| match i {
                        Batched::Assessment(b) => Some(&**b),
                        Batched::Audits(_) => None,
                    })
                    .collect();
                if !submissions.is_empty() {
                    let rows: Vec<&Assessment> = submissions.iter().map(|b| &b.0).collect();
                    all = insert_assessments(&mut tx, &rows).await;
                }
                for (x, alert, _) in submissions {
                    if all.is_err() {
                        break;
                    }
                    all = note_outcome(&mut tx, x).await;
                    if let (Ok(()), Some(al)) = (&all, alert) {
                        all = insert_alert(&mut tx, al).await;
                    }
                }
                if all.is_ok() && !audits.is_empty() {
                    all = audit_many(&mut tx, &audits).await;
                }
                match all {
                    Ok(()) => {
                        finish(tx).await?;
                        return Ok(items.iter().map(|_| Ok(())).collect());
                    }
                    Err(e) => {
                        let _ = rollback(tx, e).await;
                    }
                }
                write_each(pool, items).await
            }

            /// One batch in one transaction, each item in its own savepoint.
            async fn write_each(pool: sqlx::Pool<$db>, items: Vec<Batched>) -> ipt_store_common::BatchResult {
                let mut tx = pool.begin_with($begin).await.map_err(map_err)?;
                let mut outcomes = Vec::with_capacity(items.len());
                for item in &items {
                    if let Err(e) = statement(&mut tx, "SAVEPOINT batched").await {
                        return Err(rollback(tx, e).await);
                    }
                    let outcome = apply(&mut tx, item).await;
                    let undo = if outcome.is_err() {
                        statement(&mut tx, "ROLLBACK TO SAVEPOINT batched").await
                    } else {
                        Ok(())
                    };
                    if let Err(e) = undo {
                        return Err(rollback(tx, e).await);
                    }
                    if let Err(e) = statement(&mut tx, "RELEASE SAVEPOINT batched").await {
                        return Err(rollback(tx, e).await);
                    }
                    outcomes.push(outcome);
                }
                finish(tx).await?;
                Ok(outcomes)
            }

            /// The store's group-commit queue: each batch is one write transaction.
            pub(crate) fn write_queue(pool: sqlx::Pool<$db>) -> ipt_store_common::GroupCommit<Batched> {
                ipt_store_common::GroupCommit::new(std::sync::Arc::new(move |items: Vec<Batched>| {
                    Box::pin(write_batch(pool.clone(), items))
                }))
            }

            fn get<'r, T>(row: &'r R, col: &str) -> Result<T, StoreError>
            where
                T: sqlx::Decode<'r, $db> + sqlx::Type<$db>,
            {
                row.try_get(col).map_err(map_err)
            }

            fn user_row(r: &R) -> Result<UserRecord, StoreError> {
                Ok(UserRecord {
                    id: UserId::from_uuid(get(r, "id")?),
                    username: get(r, "username")?,
                    display_name: get(r, "display_name")?,
                    role: from_code::<Role>("role", &get::<String>(r, "role")?)?,
                    password_hash: get(r, "password_hash")?,
                    active: get(r, "active")?,
                    supervisor: get::<Option<Uuid>>(r, "supervisor_id")?.map(UserId::from_uuid),
                    version: get(r, "version")?,
                })
            }

            fn patient_row(r: &R) -> Result<Patient, StoreError> {
                Ok(Patient {
                    id: PatientId::from_uuid(get(r, "id")?),
                    name: PatientName::parse(&get::<String>(r, "name")?).map_err(corrupt)?,
                    date_of_birth: get(r, "date_of_birth")?,
                    language: Language::parse(&get::<String>(r, "language")?).map_err(corrupt)?,
                    clinician: UserId::from_uuid(get(r, "clinician_id")?),
                    version: get(r, "version")?,
                })
            }

            fn course_row(r: &R) -> Result<Course, StoreError> {
                let status: String = get(r, "status")?;
                let end_reason: Option<Json<EndReason>> = get(r, "end_reason")?;
                let formulation_text: Option<String> = get(r, "formulation_text")?;
                let patient_wording: String = get(r, "formulation_patient_wording")?;
                Ok(Course {
                    id: CourseId::from_uuid(get(r, "id")?),
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    clinician: UserId::from_uuid(get(r, "clinician_id")?),
                    format: from_code("format", &get::<String>(r, "format")?)?,
                    status: CourseStatus::parse(&status, end_reason.map(|j| j.0))
                        .ok_or_else(|| corrupt(format!("course status '{status}'")))?,
                    phase_plan: get::<Json<_>>(r, "phase_plan")?.0,
                    started_on: get(r, "started_on")?,
                    ended_on: get(r, "ended_on")?,
                    indication: get::<Json<_>>(r, "indication")?.0,
                    diagnosis: get::<Option<Json<_>>>(r, "diagnosis")?.map(|j| j.0),
                    focus: get::<Option<Json<_>>>(r, "focus")?.map(|j| j.0),
                    formulation: formulation_text.map(|text| Formulation {
                        text,
                        accepted_on: get(r, "formulation_accepted_on").ok().flatten(),
                        patient_wording,
                    }),
                    contract: get::<Option<Json<_>>>(r, "contract")?.map(|j| j.0),
                    relapse_plan: get::<Option<Json<_>>>(r, "relapse_plan")?.map(|j| j.0),
                    maintenance: get::<Option<Json<_>>>(r, "maintenance")?.map(|j| j.0),
                    termination: get::<Option<Json<_>>>(r, "termination_review")?.map(|j| j.0),
                    continues: get::<Option<Uuid>>(r, "continues_course_id")?.map(CourseId::from_uuid),
                    version: get(r, "version")?,
                })
            }

            fn person_row(r: &R) -> Result<InventoryPerson, StoreError> {
                Ok(InventoryPerson {
                    id: InventoryPersonId::from_uuid(get(r, "id")?),
                    alias: Alias::parse(&get::<String>(r, "alias")?).map_err(corrupt)?,
                    relationship: from_code("relationship", &get::<String>(r, "relationship")?)?,
                    ring: ClosenessRing::new(get::<i64>(r, "ring")? as u8).map_err(corrupt)?,
                    contact_frequency: get(r, "contact_frequency")?,
                    confidant: get(r, "confidant")?,
                    practical_support: get(r, "practical_support")?,
                    conflict: from_code("conflict", &get::<String>(r, "conflict")?)?,
                    reciprocity: from_code("reciprocity", &get::<String>(r, "reciprocity")?)?,
                    deceased: get(r, "deceased")?,
                    area_tags: get::<Json<_>>(r, "area_tags")?.0,
                    notes: get::<Json<_>>(r, "notes")?.0,
                    version: get(r, "version")?,
                })
            }

            fn approx(r: &R, col: &str) -> Result<ipt_domain::approx_date::ApproxDate, StoreError> {
                get::<String>(r, col)?.parse().map_err(corrupt)
            }

            fn event_row(r: &R) -> Result<TimelineEvent, StoreError> {
                Ok(TimelineEvent {
                    id: TimelineEventId::from_uuid(get(r, "id")?),
                    date: approx(r, "event_date")?,
                    kind: from_code("kind", &get::<String>(r, "kind")?)?,
                    person: get::<Option<Uuid>>(r, "person_id")?.map(InventoryPersonId::from_uuid),
                    description: get(r, "description")?,
                    version: get(r, "version")?,
                })
            }

            fn episode_row(r: &R) -> Result<MoodEpisode, StoreError> {
                let end: Option<String> = get(r, "end_date")?;
                Ok(MoodEpisode {
                    id: MoodEpisodeId::from_uuid(get(r, "id")?),
                    onset: approx(r, "onset")?,
                    end: end.map(|e| e.parse()).transpose().map_err(corrupt)?,
                    severity: from_code("severity", &get::<String>(r, "severity")?)?,
                    current: get(r, "is_current")?,
                    version: get(r, "version")?,
                })
            }

            fn session_row(r: &R) -> Result<TherapySession, StoreError> {
                let mut s = caseload_session_row(r)?;
                s.phase.override_reason = get(r, "phase_override_reason")?;
                s.techniques = get::<Json<_>>(r, "techniques")?.0;
                s.strategies = get::<Json<_>>(r, "strategies")?.0;
                s.tasks_done = get::<Json<_>>(r, "tasks_done")?.0;
                s.checklist = get::<Json<_>>(r, "checklist")?.0;
                s.interval_events = get(r, "interval_events")?;
                s.agreed_actions = get(r, "agreed_actions")?;
                s.risk_review.note = get(r, "risk_note")?;
                s.notes = get(r, "notes")?;
                Ok(s)
            }

            /// A session as the caseload reads it: what it counts and dates (`CaseloadRecord`).
            /// Its clinical content is not read and is left empty.
            fn caseload_session_row(r: &R) -> Result<TherapySession, StoreError> {
                Ok(TherapySession {
                    id: SessionId::from_uuid(get(r, "id")?),
                    course: CourseId::from_uuid(get(r, "course_id")?),
                    number: SessionNumber::new(get::<i64>(r, "number")? as u16).map_err(corrupt)?,
                    date: get(r, "session_date")?,
                    phase: SessionPhase {
                        phase: from_code("phase", &get::<String>(r, "phase")?)?,
                        override_reason: None,
                    },
                    modality: from_code("modality", &get::<String>(r, "modality")?)?,
                    attendance: from_code("attendance", &get::<String>(r, "attendance")?)?,
                    special: get::<Option<String>>(r, "special")?.map(|s| from_code("special", &s)).transpose()?,
                    techniques: vec![],
                    strategies: vec![],
                    tasks_done: vec![],
                    checklist: vec![],
                    interval_events: String::new(),
                    agreed_actions: String::new(),
                    risk_review: RiskReview {
                        reviewed: get(r, "risk_reviewed")?,
                        concern: get(r, "risk_concern")?,
                        note: String::new(),
                    },
                    notes: String::new(),
                    next_date: get(r, "next_date")?,
                    version: get(r, "version")?,
                })
            }

            /// An assessment as the caseload reads it: its scores, not its item answers.
            fn caseload_assessment_row(r: &R) -> Result<Assessment, StoreError> {
                Ok(Assessment {
                    id: AssessmentId::from_uuid(get(r, "id")?),
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    course: get::<Option<Uuid>>(r, "course_id")?.map(CourseId::from_uuid),
                    session: get::<Option<Uuid>>(r, "session_id")?.map(SessionId::from_uuid),
                    instrument: get(r, "instrument")?,
                    answers: vec![],
                    status: from_code("status", &get::<String>(r, "status")?)?,
                    mode: AdministrationMode::parse(&get::<String>(r, "mode")?)
                        .ok_or_else(|| corrupt("assessment mode"))?,
                    administered_at: get(r, "administered_at")?,
                    phase: get::<Option<String>>(r, "phase")?.map(|p| from_code::<Phase>("phase", &p)).transpose()?,
                    result: get::<Option<Json<_>>>(r, "result")?.map(|j| j.0),
                    version: get(r, "version")?,
                })
            }

            fn goal_row(r: &R) -> Result<Goal, StoreError> {
                Ok(Goal {
                    id: GoalId::from_uuid(get(r, "id")?),
                    area: from_code("area", &get::<String>(r, "area")?)?,
                    description: get(r, "description")?,
                    progress: get::<Option<i64>>(r, "progress")?.map(|p| p as u8),
                    status: from_code("status", &get::<String>(r, "status")?)?,
                    version: get(r, "version")?,
                })
            }

            fn assessment_row(r: &R) -> Result<Assessment, StoreError> {
                let mut x = caseload_assessment_row(r)?;
                x.answers = get::<Json<_>>(r, "answers")?.0;
                Ok(x)
            }

            async fn insert_alert(tx: &mut Tx<'_>, al: &RiskAlert) -> Result<(), StoreError> {
                let ack = al.acknowledgement.as_ref();
                sqlx::query(
                    "INSERT INTO risk_alerts (id, patient_id, course_id, assessment_id, source, raised_at, \
                     acknowledged_by, acknowledged_at, action_note, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(al.id.as_uuid())
                .bind(al.patient.as_uuid())
                .bind(al.course.map(|c| c.as_uuid()))
                .bind(al.assessment.map(|x| x.as_uuid()))
                .bind(Json(&al.source))
                .bind(al.raised_at)
                .bind(ack.map(|k| k.by.as_uuid()))
                .bind(ack.map(|k| k.at))
                .bind(ack.map(|k| k.action_note.clone()))
                .bind(al.version)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            }

            fn alert_row(r: &R) -> Result<RiskAlert, StoreError> {
                let by: Option<Uuid> = get(r, "acknowledged_by")?;
                let at: Option<OffsetDateTime> = get(r, "acknowledged_at")?;
                let note: Option<String> = get(r, "action_note")?;
                Ok(RiskAlert {
                    id: AlertId::from_uuid(get(r, "id")?),
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    course: get::<Option<Uuid>>(r, "course_id")?.map(CourseId::from_uuid),
                    assessment: get::<Option<Uuid>>(r, "assessment_id")?.map(AssessmentId::from_uuid),
                    source: get::<Json<_>>(r, "source")?.0,
                    raised_at: get(r, "raised_at")?,
                    acknowledgement: match (by, at) {
                        (Some(by), Some(at)) => Some(Acknowledgement { by: UserId::from_uuid(by), at, action_note: note.unwrap_or_default() }),
                        _ => None,
                    },
                    version: get(r, "version")?,
                })
            }

            fn web_session_row(r: &R) -> Result<WebSession, StoreError> {
                Ok(WebSession {
                    token_hash: get(r, "token_hash")?,
                    user: UserId::from_uuid(get(r, "user_id")?),
                    created_at: get(r, "created_at")?,
                    last_seen_at: get(r, "last_seen_at")?,
                    expires_at: get(r, "expires_at")?,
                })
            }

            async fn insert_patient(tx: &mut Tx<'_>, p: &Patient) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO patients (id, name, date_of_birth, language, clinician_id, version) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(p.id.as_uuid())
                .bind(p.name.as_str())
                .bind(p.date_of_birth)
                .bind(p.language.code())
                .bind(p.clinician.as_uuid())
                .bind(p.version)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            }

            async fn insert_course(tx: &mut Tx<'_>, c: &Course) -> Result<(), StoreError> {
                // Built from constants only, never from input.
                let sql = format!(
                    "INSERT INTO courses ({COURSE_COLUMNS}) VALUES \
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(c.id.as_uuid())
                    .bind(c.patient.as_uuid())
                    .bind(c.clinician.as_uuid())
                    .bind(code(&c.format))
                    .bind(c.status.code())
                    .bind(end_reason(c))
                    .bind(Json(c.phase_plan))
                    .bind(c.started_on)
                    .bind(c.ended_on)
                    .bind(Json(&c.indication))
                    .bind(c.diagnosis.as_ref().map(Json))
                    .bind(c.focus.as_ref().map(Json))
                    .bind(c.formulation.as_ref().map(|f| f.text.clone()))
                    .bind(c.formulation.as_ref().and_then(|f| f.accepted_on))
                    .bind(c.contract.as_ref().map(Json))
                    .bind(c.relapse_plan.as_ref().map(Json))
                    .bind(c.maintenance.as_ref().map(Json))
                    .bind(c.continues.map(|x| x.as_uuid()))
                    .bind(c.version)
                    .bind(c.termination.as_ref().map(Json))
                    .bind(c.formulation.as_ref().map(|f| f.patient_wording.clone()).unwrap_or_default())
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            async fn insert_session(tx: &mut Tx<'_>, s: &TherapySession) -> Result<(), StoreError> {
                // Built from constants only, never from input.
                let sql = format!(
                    "INSERT INTO therapy_sessions ({SESSION_COLUMNS}) VALUES \
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(s.id.as_uuid())
                    .bind(s.course.as_uuid())
                    .bind(s.number.get() as i64)
                    .bind(s.date)
                    .bind(s.phase.phase.code())
                    .bind(&s.phase.override_reason)
                    .bind(s.modality.code())
                    .bind(s.attendance.code())
                    .bind(s.special.map(|x| x.code()))
                    .bind(Json(&s.techniques))
                    .bind(Json(&s.strategies))
                    .bind(Json(&s.tasks_done))
                    .bind(Json(&s.checklist))
                    .bind(&s.interval_events)
                    .bind(&s.agreed_actions)
                    .bind(s.risk_review.reviewed)
                    .bind(s.risk_review.concern)
                    .bind(&s.risk_review.note)
                    .bind(&s.notes)
                    .bind(s.next_date)
                    .bind(s.version)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| match map_err(e) {
                        StoreError::Duplicate(_) => {
                            StoreError::Duplicate(format!("session {} of this course is already recorded", s.number.get()))
                        }
                        other => other,
                    })?;
                Ok(())
            }

            async fn insert_assessment(tx: &mut Tx<'_>, x: &Assessment) -> Result<(), StoreError> {
                insert_assessments(tx, &[x]).await?;
                note_outcome(tx, x).await
            }

            /// Many assessment rows in few statements (without their outcome rows: see
            /// `note_outcome`).
            async fn insert_assessments(tx: &mut Tx<'_>, all: &[&Assessment]) -> Result<(), StoreError> {
                const COLUMNS: usize = 15;
                for chunk in all.chunks(200) {
                    let mut sql = String::from(
                        "INSERT INTO assessments (id, patient_id, course_id, session_id, instrument, answers, status, mode, \
                         administered_at, phase, result, total, severity, risk, version) VALUES ",
                    );
                    for i in 0..chunk.len() {
                        if i > 0 {
                            sql.push_str(", ");
                        }
                        let marks: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", i * COLUMNS + c)).collect();
                        sql.push('(');
                        sql.push_str(&marks.join(", "));
                        sql.push(')');
                    }
                    // Built from constants and placeholder numbers only, never from input.
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for x in chunk {
                        q = bind_assessment(q, x);
                    }
                    q.execute(&mut **tx).await.map_err(map_err)?;
                }
                Ok(())
            }

            fn bind_assessment<'q>(
                q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments>,
                x: &Assessment,
            ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments> {
                let r = x.result.as_ref();
                q.bind(x.id.as_uuid())
                .bind(x.patient.as_uuid())
                .bind(x.course.map(|c| c.as_uuid()))
                .bind(x.session.map(|s| s.as_uuid()))
                .bind(&x.instrument)
                .bind(Json(&x.answers))
                .bind(x.status.code())
                .bind(x.mode.code())
                .bind(x.administered_at)
                .bind(x.phase.map(|p| p.code()))
                .bind(r.map(Json))
                .bind(r.and_then(|r| r.total))
                .bind(r.and_then(|r| r.severity.clone()))
                .bind(r.map(|r| !r.risk_items.is_empty()).unwrap_or(false))
                .bind(x.version)
            }

            /// Keep the course's outcome row (first and latest final total per instrument) in
            /// step with a final assessment, in the same transaction: outcome analytics then read
            /// one row per course instead of every assessment.
            async fn note_outcome(tx: &mut Tx<'_>, x: &Assessment) -> Result<(), StoreError> {
                let (Some(course), Some(total)) = (x.course, x.result.as_ref().and_then(|r| r.total)) else {
                    return Ok(());
                };
                if x.status != AssessmentStatus::Final || Assessment::NOT_OUTCOME_MEASURES.contains(&x.instrument.as_str()) {
                    return Ok(());
                }
                sqlx::query(
                    "INSERT INTO course_outcomes (course_id, instrument, baseline_total, baseline_at, latest_total, latest_at, finals) \
                     VALUES ($1, $2, $3, $4, $3, $4, 1) \
                     ON CONFLICT (course_id, instrument) DO UPDATE SET \
                     baseline_total = CASE WHEN excluded.baseline_at < course_outcomes.baseline_at \
                         THEN excluded.baseline_total ELSE course_outcomes.baseline_total END, \
                     baseline_at = CASE WHEN excluded.baseline_at < course_outcomes.baseline_at \
                         THEN excluded.baseline_at ELSE course_outcomes.baseline_at END, \
                     latest_total = CASE WHEN excluded.latest_at >= course_outcomes.latest_at \
                         THEN excluded.latest_total ELSE course_outcomes.latest_total END, \
                     latest_at = CASE WHEN excluded.latest_at >= course_outcomes.latest_at \
                         THEN excluded.latest_at ELSE course_outcomes.latest_at END, \
                     finals = course_outcomes.finals + 1",
                )
                .bind(course.as_uuid())
                .bind(&x.instrument)
                .bind(total)
                .bind(x.administered_at)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            }

            async fn insert_diary(tx: &mut Tx<'_>, e: &DiaryEntry) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO diary_entries (id, course_id, patient_id, entry_date, mood, interactions, note, recorded_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(e.id.as_uuid())
                .bind(e.course.as_uuid())
                .bind(e.patient.as_uuid())
                .bind(e.date)
                .bind(e.mood.get() as i64)
                .bind(Json(&e.interactions))
                .bind(&e.note)
                .bind(e.recorded_at)
                .bind(e.version)
                .execute(&mut **tx)
                .await
                .map_err(|err| match map_err(err) {
                    StoreError::Duplicate(_) => StoreError::Duplicate(format!("the diary already has an entry for {}", e.date)),
                    other => other,
                })?;
                Ok(())
            }

            fn invitation_row(r: &R) -> Result<Invitation, StoreError> {
                Ok(Invitation {
                    id: InvitationId::from_uuid(get(r, "id")?),
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    token_hash: get(r, "token_hash")?,
                    created_by: UserId::from_uuid(get(r, "created_by")?),
                    created_at: get(r, "created_at")?,
                    expires_at: get(r, "expires_at")?,
                    revoked_at: get(r, "revoked_at")?,
                    accepted_at: get(r, "accepted_at")?,
                })
            }

            fn access_row(r: &R) -> Result<PortalAccess, StoreError> {
                Ok(PortalAccess {
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    code_hash: get(r, "code_hash")?,
                    passphrase_hash: get(r, "passphrase_hash")?,
                    set_at: get(r, "set_at")?,
                })
            }

            fn portal_session_row(r: &R) -> Result<PortalSession, StoreError> {
                Ok(PortalSession {
                    token_hash: get(r, "token_hash")?,
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    created_at: get(r, "created_at")?,
                    last_seen_at: get(r, "last_seen_at")?,
                    expires_at: get(r, "expires_at")?,
                    kiosk_by: get::<Option<Uuid>>(r, "kiosk_by")?.map(UserId::from_uuid),
                })
            }

            fn assignment_row(r: &R) -> Result<Assignment, StoreError> {
                Ok(Assignment {
                    id: AssignmentId::from_uuid(get(r, "id")?),
                    course: CourseId::from_uuid(get(r, "course_id")?),
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    instrument: get(r, "instrument")?,
                    schedule: Schedule::parse(&get::<String>(r, "schedule")?).map_err(corrupt)?,
                    assigned_by: UserId::from_uuid(get(r, "assigned_by")?),
                    assigned_on: get(r, "assigned_on")?,
                    ended_on: get(r, "ended_on")?,
                    version: get(r, "version")?,
                })
            }

            fn diary_row(r: &R) -> Result<DiaryEntry, StoreError> {
                let mood = get::<i64>(r, "mood")?;
                Ok(DiaryEntry {
                    id: DiaryEntryId::from_uuid(get(r, "id")?),
                    course: CourseId::from_uuid(get(r, "course_id")?),
                    patient: PatientId::from_uuid(get(r, "patient_id")?),
                    date: get(r, "entry_date")?,
                    mood: u8::try_from(mood).map_err(corrupt).and_then(|m| DiaryMood::new(m).map_err(corrupt))?,
                    interactions: get::<Json<_>>(r, "interactions")?.0,
                    note: get(r, "note")?,
                    recorded_at: get(r, "recorded_at")?,
                    version: get(r, "version")?,
                })
            }

            fn token_row(r: &R) -> Result<ApiToken, StoreError> {
                Ok(ApiToken {
                    id: TokenId::from_uuid(get(r, "id")?),
                    user: UserId::from_uuid(get(r, "user_id")?),
                    name: get(r, "name")?,
                    token_hash: get(r, "token_hash")?,
                    created_at: get(r, "created_at")?,
                    revoked_at: get(r, "revoked_at")?,
                    last_used_at: get(r, "last_used_at")?,
                })
            }

            const COURSE_COLUMNS: &str = "id, patient_id, clinician_id, format, status, end_reason, phase_plan, \
                started_on, ended_on, indication, diagnosis, focus, formulation_text, formulation_accepted_on, \
                contract, relapse_plan, maintenance, continues_course_id, version, termination_review, \
                formulation_patient_wording";
            const SESSION_COLUMNS: &str = "id, course_id, number, session_date, phase, phase_override_reason, \
                modality, attendance, special, techniques, strategies, tasks_done, checklist, interval_events, \
                agreed_actions, risk_reviewed, risk_concern, risk_note, notes, next_date, version";

            fn end_reason(c: &Course) -> Option<Json<EndReason>> {
                match &c.status {
                    CourseStatus::EndedEarly(r) => Some(Json(r.clone())),
                    _ => None,
                }
            }

            #[async_trait::async_trait]
            impl Store for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn ping(&self) -> Result<(), StoreError> {
                    sqlx::query("SELECT 1").execute(&self.pool).await.map_err(map_err)?;
                    Ok(())
                }

                fn pool_stats(&self) -> PoolStats {
                    PoolStats {
                        size: self.pool.size(),
                        idle: self.pool.num_idle() as u32,
                        max: self.pool.options().get_max_connections(),
                    }
                }

                async fn create_user(&self, u: &UserRecord, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO users (id, username, display_name, role, password_hash, active, supervisor_id, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
                    .map_err(|e| match map_err(e) {
                        StoreError::Duplicate(_) => StoreError::Duplicate(format!("a user named '{}' already exists", u.username)),
                        other => other,
                    })?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
                    let row = sqlx::query("SELECT * FROM users WHERE username = $1")
                        .bind(username)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(user_row).transpose()
                }

                async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
                    let row = sqlx::query("SELECT * FROM users WHERE id = $1")
                        .bind(id.as_uuid())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(user_row).transpose()
                }

                async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
                    let rows = sqlx::query("SELECT * FROM users ORDER BY username")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                    rows.iter().map(user_row).collect()
                }

                async fn supervisees(&self, supervisor: UserId) -> Result<Vec<UserRecord>, StoreError> {
                    let rows = sqlx::query("SELECT * FROM users WHERE supervisor_id = $1 ORDER BY username")
                        .bind(supervisor.as_uuid())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                    rows.iter().map(user_row).collect()
                }

                async fn user_language(&self, user: UserId) -> Result<Option<Language>, StoreError> {
                    let code: Option<Option<String>> = sqlx::query_scalar("SELECT language FROM users WHERE id = $1")
                        .bind(user.as_uuid())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    match code.flatten() {
                        Some(c) => Language::parse(&c).map(Some).map_err(corrupt),
                        None => Ok(None),
                    }
                }

                async fn set_supervisor(&self, user: UserId, supervisor: Option<UserId>, version: i64, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query("UPDATE users SET supervisor_id = $1, version = version + 1 WHERE id = $2 AND version = $3")
                        .bind(supervisor.map(|s| s.as_uuid()))
                        .bind(user.as_uuid())
                        .bind(version)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?
                        .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "users", "user", user.as_uuid(), version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(version + 1)
                }

                async fn set_user_language(&self, user: UserId, language: Option<Language>, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
                        .bind(language.map(|l| l.code()))
                        .bind(user.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?
                        .rows_affected();
                    if n == 0 {
                        return Err(rollback(tx, StoreError::NotFound { entity: "user", id: user.as_uuid() }).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn create_patient(&self, p: &Patient, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    insert_patient(&mut tx, p).await?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn patient(&self, id: PatientId, a: &AuditEvent) -> Result<Option<Patient>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let row = sqlx::query("SELECT * FROM patients WHERE id = $1")
                        .bind(id.as_uuid())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    row.as_ref().map(patient_row).transpose()
                }

                async fn list_patients(&self, clinician: Option<UserId>, a: &AuditEvent) -> Result<Vec<Patient>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = match clinician {
                        Some(c) => sqlx::query("SELECT * FROM patients WHERE clinician_id = $1 ORDER BY name, id")
                            .bind(c.as_uuid())
                            .fetch_all(&mut *tx)
                            .await,
                        None => sqlx::query("SELECT * FROM patients ORDER BY name, id").fetch_all(&mut *tx).await,
                    }
                    .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(patient_row).collect()
                }

                async fn update_patient(&self, p: &Patient, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE patients SET name = $1, date_of_birth = $2, language = $3, clinician_id = $4, \
                         version = version + 1 WHERE id = $5 AND version = $6",
                    )
                    .bind(p.name.as_str())
                    .bind(p.date_of_birth)
                    .bind(p.language.code())
                    .bind(p.clinician.as_uuid())
                    .bind(p.id.as_uuid())
                    .bind(p.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "patients", "patient", p.id.as_uuid(), p.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(p.version + 1)
                }

                async fn count_patients(&self) -> Result<u64, StoreError> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patients")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(map_err)?;
                    Ok(n as u64)
                }

                async fn has_users(&self) -> Result<bool, StoreError> {
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) AS one")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(map_err)?;
                    Ok(n > 0)
                }

                async fn create_course(&self, c: &Course, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    insert_course(&mut tx, c).await?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn course(&self, id: CourseId, a: &AuditEvent) -> Result<Option<Course>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    // Built from constants only, never from input.
                    let sql = format!("SELECT {COURSE_COLUMNS} FROM courses WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.as_uuid()).fetch_optional(&mut *tx).await.map_err(map_err)?;
                    let course = row.as_ref().map(course_row).transpose()?;
                    let mut a = a.clone();
                    a.patient = a.patient.or(course.as_ref().map(|c| c.patient));
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a])).await?;
                    Ok(course)
                }

                async fn course_and_patient(
                    &self,
                    id: CourseId,
                    course_audit: &AuditEvent,
                    patient_audit: &AuditEvent,
                ) -> Result<Option<(Course, Patient)>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    // Built from constants only, never from input.
                    let sql = format!("SELECT {COURSE_COLUMNS} FROM courses WHERE id = $1");
                    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.as_uuid()).fetch_optional(&mut *tx).await.map_err(map_err)?;
                    let course = row.as_ref().map(course_row).transpose()?;
                    let patient = match &course {
                        Some(c) => sqlx::query("SELECT * FROM patients WHERE id = $1")
                            .bind(c.patient.as_uuid())
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(map_err)?
                            .as_ref()
                            .map(patient_row)
                            .transpose()?,
                        None => None,
                    };
                    finish(tx).await?;
                    let mut events = vec![AuditEvent {
                        patient: course_audit.patient.or(course.as_ref().map(|c| c.patient)),
                        ..course_audit.clone()
                    }];
                    if let Some(p) = &patient {
                        events.push(AuditEvent {
                            entity_id: p.id.as_uuid(),
                            patient: Some(p.id),
                            ..patient_audit.clone()
                        });
                    }
                    self.writes.commit(Batched::Audits(events)).await?;
                    Ok(course.zip(patient))
                }

                async fn courses_of_patient(&self, patient: PatientId, a: &AuditEvent) -> Result<Vec<Course>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    // Built from constants only, never from input.
                    let sql = format!("SELECT {COURSE_COLUMNS} FROM courses WHERE patient_id = $1 ORDER BY started_on, id");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(patient.as_uuid()).fetch_all(&mut *tx).await.map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(course_row).collect()
                }

                async fn update_course(&self, c: &Course, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE courses SET status = $1, end_reason = $2, phase_plan = $3, ended_on = $4, \
                         indication = $5, diagnosis = $6, focus = $7, formulation_text = $8, \
                         formulation_accepted_on = $9, contract = $10, relapse_plan = $11, maintenance = $12, \
                         termination_review = $15, formulation_patient_wording = $16, version = version + 1 \
                         WHERE id = $13 AND version = $14",
                    )
                    .bind(c.status.code())
                    .bind(end_reason(c))
                    .bind(Json(c.phase_plan))
                    .bind(c.ended_on)
                    .bind(Json(&c.indication))
                    .bind(c.diagnosis.as_ref().map(Json))
                    .bind(c.focus.as_ref().map(Json))
                    .bind(c.formulation.as_ref().map(|f| f.text.clone()))
                    .bind(c.formulation.as_ref().and_then(|f| f.accepted_on))
                    .bind(c.contract.as_ref().map(Json))
                    .bind(c.relapse_plan.as_ref().map(Json))
                    .bind(c.maintenance.as_ref().map(Json))
                    .bind(c.id.as_uuid())
                    .bind(c.version)
                    .bind(c.termination.as_ref().map(Json))
                    .bind(c.formulation.as_ref().map(|f| f.patient_wording.clone()).unwrap_or_default())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "courses", "course", c.id.as_uuid(), c.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(c.version + 1)
                }

                async fn add_person(&self, course: CourseId, p: &InventoryPerson, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO inventory_people (id, course_id, alias, relationship, ring, contact_frequency, \
                         confidant, practical_support, conflict, reciprocity, deceased, area_tags, notes, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    )
                    .bind(p.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(p.alias.as_str())
                    .bind(code(&p.relationship))
                    .bind(p.ring.number() as i64)
                    .bind(&p.contact_frequency)
                    .bind(p.confidant)
                    .bind(p.practical_support)
                    .bind(code(&p.conflict))
                    .bind(code(&p.reciprocity))
                    .bind(p.deceased)
                    .bind(Json(&p.area_tags))
                    .bind(Json(&p.notes))
                    .bind(p.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn update_person(&self, course: CourseId, p: &InventoryPerson, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE inventory_people SET alias = $1, relationship = $2, ring = $3, contact_frequency = $4, \
                         confidant = $5, practical_support = $6, conflict = $7, reciprocity = $8, deceased = $9, \
                         area_tags = $10, notes = $11, version = version + 1 \
                         WHERE id = $12 AND course_id = $13 AND version = $14",
                    )
                    .bind(p.alias.as_str())
                    .bind(code(&p.relationship))
                    .bind(p.ring.number() as i64)
                    .bind(&p.contact_frequency)
                    .bind(p.confidant)
                    .bind(p.practical_support)
                    .bind(code(&p.conflict))
                    .bind(code(&p.reciprocity))
                    .bind(p.deceased)
                    .bind(Json(&p.area_tags))
                    .bind(Json(&p.notes))
                    .bind(p.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(p.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "inventory_people", "inventory person", p.id.as_uuid(), p.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(p.version + 1)
                }

                async fn delete_person(&self, course: CourseId, id: InventoryPersonId, version: i64, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    // Events that name the person keep the event and lose the link.
                    sqlx::query("UPDATE timeline_events SET person_id = NULL WHERE person_id = $1")
                        .bind(id.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let n = sqlx::query("DELETE FROM inventory_people WHERE id = $1 AND course_id = $2 AND version = $3")
                        .bind(id.as_uuid())
                        .bind(course.as_uuid())
                        .bind(version)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?
                        .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "inventory_people", "inventory person", id.as_uuid(), version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn inventory(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<InventoryPerson>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM inventory_people WHERE course_id = $1 ORDER BY ring = 0, ring, alias, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(person_row).collect()
                }

                async fn add_snapshot(&self, course: CourseId, s: &InventorySnapshot, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO inventory_snapshots (id, course_id, kind, taken_on, people) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(s.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(s.kind.code())
                    .bind(s.taken_on)
                    .bind(Json(&s.people))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn snapshots(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<InventorySnapshot>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM inventory_snapshots WHERE course_id = $1 ORDER BY taken_on, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter()
                        .map(|r| {
                            Ok(InventorySnapshot {
                                id: SnapshotId::from_uuid(get(r, "id")?),
                                kind: SnapshotKind::parse(&get::<String>(r, "kind")?).ok_or_else(|| corrupt("snapshot kind"))?,
                                taken_on: get(r, "taken_on")?,
                                people: get::<Json<_>>(r, "people")?.0,
                            })
                        })
                        .collect()
                }

                async fn add_event(&self, course: CourseId, e: &TimelineEvent, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO timeline_events (id, course_id, event_date, sort_date, kind, person_id, description, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(e.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(e.date.to_string())
                    .bind(e.date.midpoint())
                    .bind(e.kind.code())
                    .bind(e.person.map(|p| p.as_uuid()))
                    .bind(&e.description)
                    .bind(e.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn update_event(&self, course: CourseId, e: &TimelineEvent, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE timeline_events SET event_date = $1, sort_date = $2, kind = $3, person_id = $4, \
                         description = $5, version = version + 1 WHERE id = $6 AND course_id = $7 AND version = $8",
                    )
                    .bind(e.date.to_string())
                    .bind(e.date.midpoint())
                    .bind(e.kind.code())
                    .bind(e.person.map(|p| p.as_uuid()))
                    .bind(&e.description)
                    .bind(e.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(e.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "timeline_events", "timeline event", e.id.as_uuid(), e.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(e.version + 1)
                }

                async fn delete_event(&self, course: CourseId, id: TimelineEventId, version: i64, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query("DELETE FROM timeline_events WHERE id = $1 AND course_id = $2 AND version = $3")
                        .bind(id.as_uuid())
                        .bind(course.as_uuid())
                        .bind(version)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?
                        .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "timeline_events", "timeline event", id.as_uuid(), version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn add_episode(&self, course: CourseId, e: &MoodEpisode, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    if e.current {
                        // Only one episode is the current one.
                        sqlx::query("UPDATE mood_episodes SET is_current = $1, version = version + 1 WHERE course_id = $2 AND is_current = $3")
                            .bind(false)
                            .bind(course.as_uuid())
                            .bind(true)
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err)?;
                    }
                    sqlx::query(
                        "INSERT INTO mood_episodes (id, course_id, onset, end_date, severity, is_current, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(e.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(e.onset.to_string())
                    .bind(e.end.map(|d| d.to_string()))
                    .bind(e.severity.code())
                    .bind(e.current)
                    .bind(e.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn update_episode(&self, course: CourseId, e: &MoodEpisode, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE mood_episodes SET onset = $1, end_date = $2, severity = $3, is_current = $4, \
                         version = version + 1 WHERE id = $5 AND course_id = $6 AND version = $7",
                    )
                    .bind(e.onset.to_string())
                    .bind(e.end.map(|d| d.to_string()))
                    .bind(e.severity.code())
                    .bind(e.current)
                    .bind(e.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(e.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "mood_episodes", "mood episode", e.id.as_uuid(), e.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(e.version + 1)
                }

                async fn timeline(&self, course: CourseId, a: &AuditEvent) -> Result<Timeline, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let events = sqlx::query("SELECT * FROM timeline_events WHERE course_id = $1 ORDER BY sort_date, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let episodes = sqlx::query("SELECT * FROM mood_episodes WHERE course_id = $1 ORDER BY onset, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    Ok(Timeline {
                        events: events.iter().map(event_row).collect::<Result<_, _>>()?,
                        episodes: episodes.iter().map(episode_row).collect::<Result<_, _>>()?,
                    })
                }

                async fn add_session(&self, s: &TherapySession, alert: Option<&RiskAlert>, mood: Option<(&Assessment, &AuditEvent)>, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    if let Err(e) = insert_session(&mut tx, s).await {
                        return Err(rollback(tx, e).await);
                    }
                    if let Some(al) = alert {
                        insert_alert(&mut tx, al).await?;
                    }
                    if let Some((m, ma)) = mood {
                        insert_assessment(&mut tx, m).await?;
                        audit(&mut tx, ma).await?;
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn update_session(&self, s: &TherapySession, alert: Option<&RiskAlert>, mood: Option<(&Assessment, &AuditEvent)>, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE therapy_sessions SET number = $1, session_date = $2, phase = $3, phase_override_reason = $4, \
                         modality = $5, attendance = $6, special = $7, techniques = $8, strategies = $9, tasks_done = $10, \
                         checklist = $11, interval_events = $12, agreed_actions = $13, risk_reviewed = $14, \
                         risk_concern = $15, risk_note = $16, notes = $17, next_date = $18, version = version + 1 \
                         WHERE id = $19 AND version = $20",
                    )
                    .bind(s.number.get() as i64)
                    .bind(s.date)
                    .bind(s.phase.phase.code())
                    .bind(&s.phase.override_reason)
                    .bind(s.modality.code())
                    .bind(s.attendance.code())
                    .bind(s.special.map(|x| x.code()))
                    .bind(Json(&s.techniques))
                    .bind(Json(&s.strategies))
                    .bind(Json(&s.tasks_done))
                    .bind(Json(&s.checklist))
                    .bind(&s.interval_events)
                    .bind(&s.agreed_actions)
                    .bind(s.risk_review.reviewed)
                    .bind(s.risk_review.concern)
                    .bind(&s.risk_review.note)
                    .bind(&s.notes)
                    .bind(s.next_date)
                    .bind(s.id.as_uuid())
                    .bind(s.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "therapy_sessions", "session", s.id.as_uuid(), s.version).await);
                    }
                    if let Some(al) = alert {
                        insert_alert(&mut tx, al).await?;
                    }
                    if let Some((m, ma)) = mood {
                        insert_assessment(&mut tx, m).await?;
                        audit(&mut tx, ma).await?;
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(s.version + 1)
                }

                async fn sessions(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<TherapySession>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    // Built from constants only, never from input.
                    let sql = format!("SELECT {SESSION_COLUMNS} FROM therapy_sessions WHERE course_id = $1 ORDER BY number");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(course.as_uuid()).fetch_all(&mut *tx).await.map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(session_row).collect()
                }

                async fn add_goal(&self, course: CourseId, g: &Goal, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO goals (id, course_id, area, description, progress, status, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(g.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(g.area.code())
                    .bind(&g.description)
                    .bind(g.progress.map(i64::from))
                    .bind(g.status.code())
                    .bind(g.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn update_goal(&self, course: CourseId, g: &Goal, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE goals SET area = $1, description = $2, progress = $3, status = $4, version = version + 1 \
                         WHERE id = $5 AND course_id = $6 AND version = $7",
                    )
                    .bind(g.area.code())
                    .bind(&g.description)
                    .bind(g.progress.map(i64::from))
                    .bind(g.status.code())
                    .bind(g.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(g.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "goals", "goal", g.id.as_uuid(), g.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(g.version + 1)
                }

                async fn goals(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<Goal>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM goals WHERE course_id = $1 ORDER BY id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(goal_row).collect()
                }

                async fn add_assessment(&self, x: &Assessment, alert: Option<&RiskAlert>, a: &AuditEvent) -> Result<(), StoreError> {
                    if x.status == AssessmentStatus::Final && x.result.is_none() {
                        return Err(StoreError::Backend("a final assessment needs its result".into()));
                    }
                    // Submissions are group-committed with other writes (see `Batched`).
                    self.writes
                        .commit(Batched::Assessment(Box::new((x.clone(), alert.cloned(), a.clone()))))
                        .await
                }

                async fn update_assessment(&self, x: &Assessment, alert: Option<&RiskAlert>, a: &AuditEvent) -> Result<i64, StoreError> {
                    if x.status == AssessmentStatus::Final && x.result.is_none() {
                        return Err(StoreError::Backend("a final assessment needs its result".into()));
                    }
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let r = x.result.as_ref();
                    // A final assessment is a record of what was answered; only drafts change.
                    let n = sqlx::query(
                        "UPDATE assessments SET answers = $1, status = $2, mode = $3, administered_at = $4, phase = $5, \
                         result = $6, total = $7, severity = $8, risk = $9, version = version + 1 \
                         WHERE id = $10 AND version = $11 AND status = $12",
                    )
                    .bind(Json(&x.answers))
                    .bind(x.status.code())
                    .bind(x.mode.code())
                    .bind(x.administered_at)
                    .bind(x.phase.map(|p| p.code()))
                    .bind(r.map(Json))
                    .bind(r.and_then(|r| r.total))
                    .bind(r.and_then(|r| r.severity.clone()))
                    .bind(r.map(|r| !r.risk_items.is_empty()).unwrap_or(false))
                    .bind(x.id.as_uuid())
                    .bind(x.version)
                    .bind(AssessmentStatus::Draft.code())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "assessments", "assessment", x.id.as_uuid(), x.version).await);
                    }
                    note_outcome(&mut tx, x).await?;
                    if let Some(al) = alert {
                        insert_alert(&mut tx, al).await?;
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(x.version + 1)
                }

                async fn assessments_of_course(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<Assessment>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM assessments WHERE course_id = $1 ORDER BY administered_at, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(assessment_row).collect()
                }

                async fn add_alert(&self, al: &RiskAlert, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    insert_alert(&mut tx, al).await?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn alerts(&self, f: &AlertFilter, a: &AuditEvent) -> Result<Vec<RiskAlert>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query(
                        "SELECT r.* FROM risk_alerts r JOIN patients p ON p.id = r.patient_id \
                         WHERE ($1 IS NULL OR r.patient_id = $1) AND ($2 IS NULL OR p.clinician_id = $2) \
                         AND ($3 = FALSE OR r.acknowledged_at IS NULL) ORDER BY r.raised_at DESC, r.id",
                    )
                    .bind(f.patient.map(|p| p.as_uuid()))
                    .bind(f.clinician.map(|c| c.as_uuid()))
                    .bind(f.open_only)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(alert_row).collect()
                }

                async fn acknowledge_alert(&self, al: &RiskAlert, a: &AuditEvent) -> Result<i64, StoreError> {
                    let Some(ack) = al.acknowledgement.as_ref() else {
                        return Err(StoreError::Backend("acknowledge_alert needs an acknowledgement".into()));
                    };
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    // Only an open alert can be acknowledged, and only once.
                    let n = sqlx::query(
                        "UPDATE risk_alerts SET acknowledged_by = $1, acknowledged_at = $2, action_note = $3, \
                         version = version + 1 WHERE id = $4 AND version = $5 AND acknowledged_at IS NULL",
                    )
                    .bind(ack.by.as_uuid())
                    .bind(ack.at)
                    .bind(&ack.action_note)
                    .bind(al.id.as_uuid())
                    .bind(al.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "risk_alerts", "risk alert", al.id.as_uuid(), al.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(al.version + 1)
                }

                async fn add_comment(&self, c: &ipt_domain::supervision::SupervisorComment, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO supervisor_comments (id, course_id, session_id, author_id, body, written_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(c.id.as_uuid())
                    .bind(c.course.as_uuid())
                    .bind(c.session.map(|s| s.as_uuid()))
                    .bind(c.author.as_uuid())
                    .bind(&c.text)
                    .bind(c.written_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn comments(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<ipt_domain::supervision::SupervisorComment>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM supervisor_comments WHERE course_id = $1 ORDER BY written_at, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter()
                        .map(|r| {
                            Ok(ipt_domain::supervision::SupervisorComment {
                                id: CommentId::from_uuid(get(r, "id")?),
                                course: CourseId::from_uuid(get(r, "course_id")?),
                                session: get::<Option<Uuid>>(r, "session_id")?.map(SessionId::from_uuid),
                                author: UserId::from_uuid(get(r, "author_id")?),
                                text: get(r, "body")?,
                                written_at: get(r, "written_at")?,
                            })
                        })
                        .collect()
                }

                async fn create_web_session(&self, w: &WebSession, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO web_sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&w.token_hash)
                    .bind(w.user.as_uuid())
                    .bind(w.created_at)
                    .bind(w.last_seen_at)
                    .bind(w.expires_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn web_session(&self, token_hash: &str) -> Result<Option<WebSession>, StoreError> {
                    let row = sqlx::query("SELECT * FROM web_sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(web_session_row).transpose()
                }

                async fn touch_web_session(&self, token_hash: &str, at: OffsetDateTime, expires_at: OffsetDateTime) -> Result<(), StoreError> {
                    sqlx::query("UPDATE web_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
                        .bind(at)
                        .bind(expires_at)
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(map_err)?;
                    Ok(())
                }

                async fn delete_web_session(&self, token_hash: &str, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query("DELETE FROM web_sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn create_token(&self, t: &ApiToken, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, revoked_at, last_used_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(t.id.as_uuid())
                    .bind(t.user.as_uuid())
                    .bind(&t.name)
                    .bind(&t.token_hash)
                    .bind(t.created_at)
                    .bind(t.revoked_at)
                    .bind(t.last_used_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>, StoreError> {
                    let row = sqlx::query("SELECT * FROM api_tokens WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(token_row).transpose()
                }

                async fn tokens_of_user(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
                    let rows = sqlx::query("SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id")
                        .bind(user.as_uuid())
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                    rows.iter().map(token_row).collect()
                }

                async fn revoke_token(&self, id: TokenId, at: OffsetDateTime, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                        .bind(at)
                        .bind(id.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?
                        .rows_affected();
                    if n == 0 {
                        return Err(rollback(tx, StoreError::NotFound { entity: "active API token", id: id.as_uuid() }).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn token_used(&self, id: TokenId, at: OffsetDateTime) -> Result<(), StoreError> {
                    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                        .bind(at)
                        .bind(id.as_uuid())
                        .execute(&self.pool)
                        .await
                        .map_err(map_err)?;
                    Ok(())
                }

                async fn create_invitation(&self, i: &Invitation, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO portal_invitations (id, patient_id, token_hash, created_by, created_at, expires_at, revoked_at, accepted_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(i.id.as_uuid())
                    .bind(i.patient.as_uuid())
                    .bind(&i.token_hash)
                    .bind(i.created_by.as_uuid())
                    .bind(i.created_at)
                    .bind(i.expires_at)
                    .bind(i.revoked_at)
                    .bind(i.accepted_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<Invitation>, StoreError> {
                    let row = sqlx::query("SELECT * FROM portal_invitations WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(invitation_row).transpose()
                }

                async fn invitations_of_patient(&self, patient: PatientId, a: &AuditEvent) -> Result<Vec<Invitation>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM portal_invitations WHERE patient_id = $1 ORDER BY created_at DESC, id")
                        .bind(patient.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(invitation_row).collect()
                }

                async fn revoke_invitation(&self, id: InvitationId, at: OffsetDateTime, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE portal_invitations SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND accepted_at IS NULL",
                    )
                    .bind(at)
                    .bind(id.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(rollback(tx, StoreError::NotFound { entity: "open invitation", id: id.as_uuid() }).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn accept_invitation(&self, id: InvitationId, at: OffsetDateTime, access: &PortalAccess, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE portal_invitations SET accepted_at = $1 \
                         WHERE id = $2 AND patient_id = $3 AND revoked_at IS NULL AND accepted_at IS NULL AND expires_at > $1",
                    )
                    .bind(at)
                    .bind(id.as_uuid())
                    .bind(access.patient.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(rollback(tx, StoreError::NotFound { entity: "open invitation", id: id.as_uuid() }).await);
                    }
                    sqlx::query(
                        "INSERT INTO portal_access (patient_id, code_hash, passphrase_hash, set_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (patient_id) DO UPDATE SET code_hash = excluded.code_hash, \
                         passphrase_hash = excluded.passphrase_hash, set_at = excluded.set_at",
                    )
                    .bind(access.patient.as_uuid())
                    .bind(&access.code_hash)
                    .bind(&access.passphrase_hash)
                    .bind(access.set_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    // Every open invitation of the patient is spent once one is accepted.
                    sqlx::query(
                        "UPDATE portal_invitations SET revoked_at = $1 \
                         WHERE patient_id = $2 AND id <> $3 AND revoked_at IS NULL AND accepted_at IS NULL",
                    )
                    .bind(at)
                    .bind(access.patient.as_uuid())
                    .bind(id.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    // Earlier portal sign-ins end with the new passphrase.
                    sqlx::query("DELETE FROM portal_sessions WHERE patient_id = $1")
                        .bind(access.patient.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn portal_access_by_code(&self, code_hash: &str) -> Result<Option<PortalAccess>, StoreError> {
                    let row = sqlx::query("SELECT * FROM portal_access WHERE code_hash = $1")
                        .bind(code_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(access_row).transpose()
                }

                async fn portal_access(&self, patient: PatientId) -> Result<Option<PortalAccess>, StoreError> {
                    let row = sqlx::query("SELECT * FROM portal_access WHERE patient_id = $1")
                        .bind(patient.as_uuid())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(access_row).transpose()
                }

                async fn set_passphrase(&self, patient: PatientId, passphrase_hash: &str, at: OffsetDateTime, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query("UPDATE portal_access SET passphrase_hash = $1, set_at = $2 WHERE patient_id = $3")
                        .bind(passphrase_hash)
                        .bind(at)
                        .bind(patient.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?
                        .rows_affected();
                    if n == 0 {
                        return Err(rollback(tx, StoreError::NotFound { entity: "portal access", id: patient.as_uuid() }).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn create_portal_session(&self, w: &PortalSession, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO portal_sessions (token_hash, patient_id, created_at, last_seen_at, expires_at, kiosk_by) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&w.token_hash)
                    .bind(w.patient.as_uuid())
                    .bind(w.created_at)
                    .bind(w.last_seen_at)
                    .bind(w.expires_at)
                    .bind(w.kiosk_by.map(|u| u.as_uuid()))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn portal_session(&self, token_hash: &str) -> Result<Option<PortalSession>, StoreError> {
                    let row = sqlx::query("SELECT * FROM portal_sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    row.as_ref().map(portal_session_row).transpose()
                }

                async fn touch_portal_session(&self, token_hash: &str, at: OffsetDateTime, expires_at: OffsetDateTime) -> Result<(), StoreError> {
                    sqlx::query("UPDATE portal_sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
                        .bind(at)
                        .bind(expires_at)
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(map_err)?;
                    Ok(())
                }

                async fn delete_portal_session(&self, token_hash: &str, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query("DELETE FROM portal_sessions WHERE token_hash = $1")
                        .bind(token_hash)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn portal_language(&self, patient: PatientId) -> Result<Option<Language>, StoreError> {
                    let code: Option<String> = sqlx::query_scalar("SELECT language FROM portal_preferences WHERE patient_id = $1")
                        .bind(patient.as_uuid())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                    code.map(|c| Language::parse(&c).map_err(corrupt)).transpose()
                }

                async fn set_portal_language(&self, patient: PatientId, language: Language, at: OffsetDateTime, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO portal_preferences (patient_id, language, updated_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (patient_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
                    )
                    .bind(patient.as_uuid())
                    .bind(language.code())
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn add_assignment(&self, x: &Assignment, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    sqlx::query(
                        "INSERT INTO questionnaire_assignments (id, course_id, patient_id, instrument, schedule, assigned_by, assigned_on, ended_on, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(x.id.as_uuid())
                    .bind(x.course.as_uuid())
                    .bind(x.patient.as_uuid())
                    .bind(&x.instrument)
                    .bind(x.schedule.code())
                    .bind(x.assigned_by.as_uuid())
                    .bind(x.assigned_on)
                    .bind(x.ended_on)
                    .bind(x.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn update_assignment(&self, x: &Assignment, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE questionnaire_assignments SET schedule = $1, ended_on = $2, version = version + 1 \
                         WHERE id = $3 AND course_id = $4 AND version = $5",
                    )
                    .bind(x.schedule.code())
                    .bind(x.ended_on)
                    .bind(x.id.as_uuid())
                    .bind(x.course.as_uuid())
                    .bind(x.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "questionnaire_assignments", "assignment", x.id.as_uuid(), x.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(x.version + 1)
                }

                async fn assignments_of_course(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<Assignment>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM questionnaire_assignments WHERE course_id = $1 ORDER BY assigned_on, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(assignment_row).collect()
                }

                async fn add_diary_entry(&self, e: &DiaryEntry, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    insert_diary(&mut tx, e).await?;
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn update_diary_entry(&self, e: &DiaryEntry, a: &AuditEvent) -> Result<i64, StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    let n = sqlx::query(
                        "UPDATE diary_entries SET mood = $1, interactions = $2, note = $3, recorded_at = $4, version = version + 1 \
                         WHERE id = $5 AND course_id = $6 AND version = $7",
                    )
                    .bind(e.mood.get() as i64)
                    .bind(Json(&e.interactions))
                    .bind(&e.note)
                    .bind(e.recorded_at)
                    .bind(e.id.as_uuid())
                    .bind(e.course.as_uuid())
                    .bind(e.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                    if n == 0 {
                        return Err(refuse(tx, "diary_entries", "diary entry", e.id.as_uuid(), e.version).await);
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await?;
                    Ok(e.version + 1)
                }

                async fn diary_entries(&self, course: CourseId, a: &AuditEvent) -> Result<Vec<DiaryEntry>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let rows = sqlx::query("SELECT * FROM diary_entries WHERE course_id = $1 ORDER BY entry_date, id")
                        .bind(course.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    rows.iter().map(diary_row).collect()
                }

                async fn caseload_records(&self, clinician: UserId, a: &AuditEvent) -> Result<Vec<CaseloadRecord>, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let patients = sqlx::query("SELECT * FROM patients WHERE clinician_id = $1 ORDER BY name, id")
                        .bind(clinician.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    // Built from constants only, never from input.
                    let sql = format!(
                        "SELECT {COURSE_COLUMNS} FROM courses WHERE patient_id IN \
                         (SELECT id FROM patients WHERE clinician_id = $1) ORDER BY started_on, id"
                    );
                    let courses = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(clinician.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    const OF_CASELOAD: &str = "course_id IN (SELECT c.id FROM courses c JOIN patients p \
                        ON p.id = c.patient_id WHERE p.clinician_id = $1)";
                    // Only what the caseload counts and dates (see `caseload_session_row`).
                    let sql = format!(
                        "SELECT id, course_id, number, session_date, phase, modality, attendance, special, \
                         risk_reviewed, risk_concern, next_date, version \
                         FROM therapy_sessions WHERE {OF_CASELOAD} ORDER BY course_id, number"
                    );
                    let sessions = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(clinician.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let sql = format!(
                        "SELECT id, patient_id, course_id, session_id, instrument, status, mode, administered_at, \
                         phase, result, version FROM assessments WHERE {OF_CASELOAD} ORDER BY administered_at, id"
                    );
                    let assessments = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .bind(clinician.as_uuid())
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let mut out: Vec<CaseloadRecord> = patients
                        .iter()
                        .map(|r| {
                            Ok(CaseloadRecord {
                                patient: patient_row(r)?,
                                courses: vec![],
                                sessions: vec![],
                                assessments: vec![],
                            })
                        })
                        .collect::<Result<_, StoreError>>()?;
                    let index: std::collections::HashMap<PatientId, usize> =
                        out.iter().enumerate().map(|(i, r)| (r.patient.id, i)).collect();
                    let mut course_owner: std::collections::HashMap<CourseId, usize> = Default::default();
                    for r in &courses {
                        let c = course_row(r)?;
                        if let Some(&i) = index.get(&c.patient) {
                            course_owner.insert(c.id, i);
                            out[i].courses.push(c);
                        }
                    }
                    for r in &sessions {
                        let s = caseload_session_row(r)?;
                        if let Some(&i) = course_owner.get(&s.course) {
                            out[i].sessions.push(s);
                        }
                    }
                    for r in &assessments {
                        let x = caseload_assessment_row(r)?;
                        if let Some(&i) = x.course.and_then(|c| course_owner.get(&c)) {
                            out[i].assessments.push(x);
                        }
                    }
                    finish(tx).await?;
                    let mut events: Vec<AuditEvent> = out
                        .iter()
                        .map(|rec| {
                            let mut e = a.clone();
                            e.id = AuditEventId::from_uuid(Uuid::now_v7());
                            e.entity = "patient".into();
                            e.entity_id = rec.patient.id.as_uuid();
                            e.patient = Some(rec.patient.id);
                            e
                        })
                        .collect();
                    events.push(a.clone());
                    self.writes.commit(Batched::Audits(events)).await?;
                    Ok(out)
                }

                async fn bulk_load(&self, b: &BulkLoad, a: &AuditEvent) -> Result<(), StoreError> {
                    let mut tx = self.pool.begin_with($begin).await.map_err(map_err)?;
                    for p in &b.patients {
                        insert_patient(&mut tx, p).await?;
                    }
                    for c in &b.courses {
                        insert_course(&mut tx, c).await?;
                    }
                    for s in &b.sessions {
                        insert_session(&mut tx, s).await?;
                    }
                    for x in &b.assessments {
                        if x.status == AssessmentStatus::Final && x.result.is_none() {
                            return Err(StoreError::Backend("a final assessment needs its result".into()));
                        }
                        insert_assessment(&mut tx, x).await?;
                    }
                    for e in &b.diary {
                        insert_diary(&mut tx, e).await?;
                    }
                    audit(&mut tx, a).await?;
                    finish(tx).await
                }

                async fn outcome_counts(&self, instrument: &str, rules: &OutcomeRules, a: &AuditEvent) -> Result<OutcomeCounts, StoreError> {
                    let mut tx = self.pool.begin_with("BEGIN").await.map_err(map_err)?;
                    let row = sqlx::query(
                        "SELECT COUNT(*) AS courses, \
                         COALESCE(SUM(CASE WHEN latest_total <= baseline_total * $2 THEN 1 ELSE 0 END), 0) AS responders, \
                         COALESCE(SUM(CASE WHEN latest_total <= $3 THEN 1 ELSE 0 END), 0) AS remitters, \
                         COALESCE(SUM(CASE WHEN baseline_total - latest_total >= $4 THEN 1 ELSE 0 END), 0) AS improved, \
                         COALESCE(SUM(CASE WHEN latest_total - baseline_total >= $4 THEN 1 ELSE 0 END), 0) AS deteriorated \
                         FROM course_outcomes WHERE instrument = $1 AND finals >= 2 AND baseline_total >= $5",
                    )
                    .bind(instrument)
                    .bind(1.0 - rules.response_fraction)
                    .bind(rules.remission_at_most)
                    .bind(rules.reliable_change)
                    .bind(rules.min_baseline)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    finish(tx).await?;
                    self.writes.commit(Batched::Audits(vec![a.clone()])).await?;
                    let n = |c: &str| get::<i64>(&row, c).map(|v| v.max(0) as u64);
                    Ok(OutcomeCounts {
                        courses: n("courses")?,
                        responders: n("responders")?,
                        remitters: n("remitters")?,
                        reliably_improved: n("improved")?,
                        reliably_deteriorated: n("deteriorated")?,
                    })
                }

                async fn audit_events(&self, f: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError> {
                    let limit = if f.limit == 0 { 1000 } else { f.limit } as i64;
                    let rows = sqlx::query(
                        "SELECT * FROM audit_events WHERE ($1 IS NULL OR patient_id = $1) AND ($2 IS NULL OR actor_id = $2) \
                         ORDER BY at DESC, id DESC LIMIT $3",
                    )
                    .bind(f.patient.map(|p| p.as_uuid()))
                    .bind(f.actor.map(|u| u.as_uuid()))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)?;
                    rows.iter()
                        .map(|r| {
                            Ok(AuditEvent {
                                id: AuditEventId::from_uuid(get(r, "id")?),
                                at: get::<OffsetDateTime>(r, "at")?,
                                actor: get::<Option<Uuid>>(r, "actor_id")?.map(UserId::from_uuid),
                                action: get(r, "action")?,
                                entity: get(r, "entity")?,
                                entity_id: get(r, "entity_id")?,
                                patient: get::<Option<Uuid>>(r, "patient_id")?.map(PatientId::from_uuid),
                            })
                        })
                        .collect()
                }
            }

            #[allow(dead_code)]
            fn _unused(_: Date) {}
        }
    };
}
