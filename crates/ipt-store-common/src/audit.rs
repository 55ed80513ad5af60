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

/// Audit events, newest first.
pub const SELECT: &str = "SELECT * FROM audit_events \
    WHERE ($1 IS NULL OR patient_id = $1) AND ($2 IS NULL OR actor_id = $2) \
    ORDER BY at DESC, id DESC LIMIT $3";

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
                let q = sqlx::query(SELECT)
                    .bind(f.patient.map(|p| p.as_uuid()))
                    .bind(f.actor.map(|u| u.as_uuid()))
                    .bind(limit(f));
                select_all::<AuditEventRow>(s, q).await
            }
        }
    };
}
