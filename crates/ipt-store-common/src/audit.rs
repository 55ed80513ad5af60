//! The audit trail: table `audit_events`. A write's audit event is written in the write's own
//! transaction (`audit::write`); a read's go through the store's write queue
//! (`audit::after_read`, see `group_commit.rs`).

use ipt_app::ports::{AuditEvent, AuditFilter, StoreError};
use ipt_domain::ids::{AuditEventId, PatientId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::DomainRow;

/// The head of an insert of audit rows; each row has `COLUMNS` values.
pub const INSERT: &str =
    "INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, patient_id) VALUES ";
pub const COLUMNS: usize = 7;

// Audit events, newest first, at most the last parameter: one statement per filter, so each is
// planned on its own index (`audit_events_patient`, `audit_events_actor`) rather than one
// `$1 IS NULL OR …` filter that reads the whole trail (#15).

/// Of patient $1.
pub const OF_PATIENT: &str = "SELECT * FROM audit_events WHERE patient_id = $1 \
    ORDER BY at DESC, id DESC LIMIT $2";
/// By actor $1.
pub const OF_ACTOR: &str = "SELECT * FROM audit_events WHERE actor_id = $1 \
    ORDER BY at DESC, id DESC LIMIT $2";
/// Of patient $1 by actor $2.
pub const OF_PATIENT_BY_ACTOR: &str = "SELECT * FROM audit_events WHERE patient_id = $1 \
    AND actor_id = $2 ORDER BY at DESC, id DESC LIMIT $3";
/// All of them.
pub const ALL: &str = "SELECT * FROM audit_events ORDER BY at DESC, id DESC LIMIT $1";

/// How many events `audit_events` lists: the filter's limit, or 1000 when it sets none.
pub fn limit(f: &AuditFilter) -> i64 {
    (if f.limit == 0 { 1000 } else { f.limit }) as i64
}

/// A row of `audit_events`.
#[derive(sqlx::FromRow)]
pub struct AuditEventRow {
    id: Uuid,
    at: OffsetDateTime,
    actor_id: Option<Uuid>,
    action: String,
    entity: String,
    entity_id: Uuid,
    patient_id: Option<Uuid>,
}

impl DomainRow for AuditEventRow {
    type Domain = AuditEvent;

    fn into_domain(self) -> Result<AuditEvent, StoreError> {
        Ok(AuditEvent {
            id: AuditEventId::from_uuid(self.id),
            at: self.at,
            actor: self.actor_id.map(UserId::from_uuid),
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            patient: self.patient_id.map(PatientId::from_uuid),
        })
    }
}

/// The audit trail's statements, expanded by `impl_store!` into `shared_sql::audit`.
#[doc(hidden)]
#[macro_export]
macro_rules! audit_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod audit {
            use super::*;
            pub(crate) use $crate::audit::*;

            /// The audit event of a write, in the write's transaction.
            pub(crate) async fn write(tx: &mut Tx<'_>, a: &AuditEvent) -> Result<(), StoreError> {
                write_many(tx, &[a]).await
            }

            /// Many audit rows in few statements (a statement per row costs a round trip to
            /// the connection each: a caseload page reads 40 patients).
            pub(crate) async fn write_many(
                tx: &mut Tx<'_>,
                events: &[&AuditEvent],
            ) -> Result<(), StoreError> {
                // 7 parameters a row; SQLite allows 32 766 in a statement, PostgreSQL 65 535.
                for chunk in events.chunks(500) {
                    // Built from constants and placeholder numbers only, never from input.
                    let sql = $crate::values(INSERT, chunk.len(), COLUMNS);
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

            /// Commit the audit events of a read, by group commit, before its data is
            /// returned.
            pub(crate) async fn after_read(
                s: &$store,
                events: Vec<AuditEvent>,
            ) -> Result<(), StoreError> {
                s.writes.commit(Batched::Audits(events)).await
            }

            pub(crate) async fn audit_events(
                s: &$store,
                f: &AuditFilter,
            ) -> Result<Vec<AuditEvent>, StoreError> {
                let q = match (f.patient, f.actor) {
                    (Some(p), None) => sqlx::query(OF_PATIENT).bind(p.as_uuid()),
                    (None, Some(u)) => sqlx::query(OF_ACTOR).bind(u.as_uuid()),
                    (Some(p), Some(u)) => sqlx::query(OF_PATIENT_BY_ACTOR)
                        .bind(p.as_uuid())
                        .bind(u.as_uuid()),
                    (None, None) => sqlx::query(ALL),
                }
                .bind(limit(f));
                select_all::<AuditEventRow>(s, q).await
            }
        }
    };
}
