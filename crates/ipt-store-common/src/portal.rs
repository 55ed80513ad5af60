//! The patient portal: invitations, the patient's own way back in (code and passphrase),
//! portal sign-ins, the portal language the patient chose, and the questionnaires assigned
//! for the portal (tables `portal_invitations`, `portal_access`, `portal_sessions`,
//! `portal_preferences`, `questionnaire_assignments`). Tokens, codes and passphrases are
//! stored only as hashes.

use ipt_app::ports::StoreError;
use ipt_domain::ids::{AssignmentId, CourseId, InvitationId, PatientId, UserId};
use ipt_domain::portal::{Assignment, Invitation, PortalAccess, PortalSession, Schedule};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{DomainRow, Keyring, corrupt};

/// A row of `portal_invitations`.
#[derive(sqlx::FromRow)]
pub struct InvitationRow {
    id: Uuid,
    patient_id: Uuid,
    token_hash: String,
    created_by: Uuid,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    accepted_at: Option<OffsetDateTime>,
}

impl DomainRow for InvitationRow {
    type Domain = Invitation;

    fn into_domain(self, _: &Keyring) -> Result<Invitation, StoreError> {
        Ok(Invitation {
            id: InvitationId::from_uuid(self.id),
            patient: PatientId::from_uuid(self.patient_id),
            token_hash: self.token_hash,
            created_by: UserId::from_uuid(self.created_by),
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
            accepted_at: self.accepted_at,
        })
    }
}

/// A row of `portal_access`.
#[derive(sqlx::FromRow)]
pub struct AccessRow {
    patient_id: Uuid,
    code_hash: String,
    passphrase_hash: String,
    set_at: OffsetDateTime,
}

impl DomainRow for AccessRow {
    type Domain = PortalAccess;

    fn into_domain(self, _: &Keyring) -> Result<PortalAccess, StoreError> {
        Ok(PortalAccess {
            patient: PatientId::from_uuid(self.patient_id),
            code_hash: self.code_hash,
            passphrase_hash: self.passphrase_hash,
            set_at: self.set_at,
        })
    }
}

/// A row of `portal_sessions`.
#[derive(sqlx::FromRow)]
pub struct PortalSessionRow {
    token_hash: String,
    patient_id: Uuid,
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    kiosk_by: Option<Uuid>,
}

impl DomainRow for PortalSessionRow {
    type Domain = PortalSession;

    fn into_domain(self, _: &Keyring) -> Result<PortalSession, StoreError> {
        Ok(PortalSession {
            token_hash: self.token_hash,
            patient: PatientId::from_uuid(self.patient_id),
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            expires_at: self.expires_at,
            kiosk_by: self.kiosk_by.map(UserId::from_uuid),
        })
    }
}

/// A row of `questionnaire_assignments`.
#[derive(sqlx::FromRow)]
pub struct AssignmentRow {
    id: Uuid,
    course_id: Uuid,
    patient_id: Uuid,
    instrument: String,
    schedule: String,
    assigned_by: Uuid,
    assigned_on: Date,
    ended_on: Option<Date>,
    version: i64,
}

impl DomainRow for AssignmentRow {
    type Domain = Assignment;

    fn into_domain(self, _: &Keyring) -> Result<Assignment, StoreError> {
        Ok(Assignment {
            id: AssignmentId::from_uuid(self.id),
            course: CourseId::from_uuid(self.course_id),
            patient: PatientId::from_uuid(self.patient_id),
            instrument: self.instrument,
            schedule: Schedule::parse(&self.schedule).map_err(corrupt)?,
            assigned_by: UserId::from_uuid(self.assigned_by),
            assigned_on: self.assigned_on,
            ended_on: self.ended_on,
            version: self.version,
        })
    }
}

/// The portal's statements, expanded by `impl_store!` into `shared_sql::portal`.
#[doc(hidden)]
#[macro_export]
macro_rules! portal_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod portal {
            use super::*;
            pub(crate) use $crate::portal::*;

            // Invitations.

            pub(crate) async fn create_invitation(
                s: &$store,
                i: &Invitation,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO portal_invitations (id, patient_id, token_hash, created_by, \
                     created_at, expires_at, revoked_at, accepted_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(i.id.as_uuid())
                .bind(i.patient.as_uuid())
                .bind(&i.token_hash)
                .bind(i.created_by.as_uuid())
                .bind(i.created_at)
                .bind(i.expires_at)
                .bind(i.revoked_at)
                .bind(i.accepted_at);
                write_one(s, q, a).await
            }

            pub(crate) async fn invitation_by_hash(
                s: &$store,
                token_hash: &str,
            ) -> Result<Option<Invitation>, StoreError> {
                let q = sqlx::query("SELECT * FROM portal_invitations WHERE token_hash = $1")
                    .bind(token_hash);
                select_optional::<InvitationRow>(s, q).await
            }

            pub(crate) async fn invitations_of_patient(
                s: &$store,
                patient: PatientId,
                a: &AuditEvent,
            ) -> Result<Vec<Invitation>, StoreError> {
                let q = sqlx::query(
                    "SELECT * FROM portal_invitations WHERE patient_id = $1 \
                     ORDER BY created_at DESC, id",
                )
                .bind(patient.as_uuid());
                read_all::<InvitationRow>(s, q, a).await
            }

            pub(crate) async fn revoke_invitation(
                s: &$store,
                id: InvitationId,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "UPDATE portal_invitations SET revoked_at = $1 \
                     WHERE id = $2 AND revoked_at IS NULL AND accepted_at IS NULL",
                )
                .bind(at)
                .bind(id.as_uuid());
                let missing = StoreError::NotFound {
                    entity: "open invitation",
                    id: id.as_uuid(),
                };
                write_found(s, q, missing, a).await
            }

            pub(crate) async fn accept_invitation(
                s: &$store,
                id: InvitationId,
                at: OffsetDateTime,
                access: &PortalAccess,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let n = sqlx::query(
                    "UPDATE portal_invitations SET accepted_at = $1 \
                     WHERE id = $2 AND patient_id = $3 AND revoked_at IS NULL \
                     AND accepted_at IS NULL AND expires_at > $1",
                )
                .bind(at)
                .bind(id.as_uuid())
                .bind(access.patient.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
                if n == 0 {
                    let missing = StoreError::NotFound {
                        entity: "open invitation",
                        id: id.as_uuid(),
                    };
                    return Err(rollback(tx, missing).await);
                }
                sqlx::query(
                    "INSERT INTO portal_access (patient_id, code_hash, passphrase_hash, \
                     set_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (patient_id) DO UPDATE SET \
                     code_hash = excluded.code_hash, \
                     passphrase_hash = excluded.passphrase_hash, \
                     set_at = excluded.set_at",
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
                     WHERE patient_id = $2 AND id <> $3 AND revoked_at IS NULL \
                     AND accepted_at IS NULL",
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
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            // The patient's own way back in.

            pub(crate) async fn portal_access_by_code(
                s: &$store,
                code_hash: &str,
            ) -> Result<Option<PortalAccess>, StoreError> {
                let q =
                    sqlx::query("SELECT * FROM portal_access WHERE code_hash = $1").bind(code_hash);
                select_optional::<AccessRow>(s, q).await
            }

            pub(crate) async fn portal_access(
                s: &$store,
                patient: PatientId,
            ) -> Result<Option<PortalAccess>, StoreError> {
                let q = sqlx::query("SELECT * FROM portal_access WHERE patient_id = $1")
                    .bind(patient.as_uuid());
                select_optional::<AccessRow>(s, q).await
            }

            pub(crate) async fn set_passphrase(
                s: &$store,
                patient: PatientId,
                passphrase_hash: &str,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "UPDATE portal_access SET passphrase_hash = $1, set_at = $2 \
                     WHERE patient_id = $3",
                )
                .bind(passphrase_hash)
                .bind(at)
                .bind(patient.as_uuid());
                let missing = StoreError::NotFound {
                    entity: "portal access",
                    id: patient.as_uuid(),
                };
                write_found(s, q, missing, a).await
            }

            // Portal sign-ins.

            pub(crate) async fn create_portal_session(
                s: &$store,
                w: &PortalSession,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO portal_sessions (token_hash, patient_id, created_at, \
                     last_seen_at, expires_at, kiosk_by) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&w.token_hash)
                .bind(w.patient.as_uuid())
                .bind(w.created_at)
                .bind(w.last_seen_at)
                .bind(w.expires_at)
                .bind(w.kiosk_by.map(|u| u.as_uuid()));
                write_one(s, q, a).await
            }

            pub(crate) async fn portal_session(
                s: &$store,
                token_hash: &str,
            ) -> Result<Option<PortalSession>, StoreError> {
                let q = sqlx::query("SELECT * FROM portal_sessions WHERE token_hash = $1")
                    .bind(token_hash);
                select_optional::<PortalSessionRow>(s, q).await
            }

            pub(crate) async fn touch_portal_session(
                s: &$store,
                token_hash: &str,
                at: OffsetDateTime,
                expires_at: OffsetDateTime,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "UPDATE portal_sessions SET last_seen_at = $1, expires_at = $2 \
                     WHERE token_hash = $3",
                )
                .bind(at)
                .bind(expires_at)
                .bind(token_hash);
                execute(s, q).await
            }

            pub(crate) async fn delete_portal_session(
                s: &$store,
                token_hash: &str,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query("DELETE FROM portal_sessions WHERE token_hash = $1")
                    .bind(token_hash);
                write_one(s, q, a).await
            }

            // The portal language: the patient's own display preference, apart from the
            // record's language.

            pub(crate) async fn portal_language(
                s: &$store,
                patient: PatientId,
            ) -> Result<Option<Language>, StoreError> {
                let code: Option<String> = sqlx::query_scalar(
                    "SELECT language FROM portal_preferences WHERE patient_id = $1",
                )
                .bind(patient.as_uuid())
                .fetch_optional(&s.pool)
                .await
                .map_err(map_err)?;
                $crate::language(code)
            }

            pub(crate) async fn set_portal_language(
                s: &$store,
                patient: PatientId,
                language: Language,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO portal_preferences (patient_id, language, updated_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (patient_id) DO UPDATE SET \
                     language = excluded.language, updated_at = excluded.updated_at",
                )
                .bind(patient.as_uuid())
                .bind(language.code())
                .bind(at);
                write_one(s, q, a).await
            }

            // Questionnaires assigned for the portal.

            pub(crate) async fn add_assignment(
                s: &$store,
                x: &Assignment,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO questionnaire_assignments (id, course_id, patient_id, \
                     instrument, schedule, assigned_by, assigned_on, ended_on, version) \
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
                .bind(x.version);
                write_one(s, q, a).await
            }

            pub(crate) async fn update_assignment(
                s: &$store,
                x: &Assignment,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE questionnaire_assignments SET schedule = $1, ended_on = $2, \
                     version = version + 1 \
                     WHERE id = $3 AND course_id = $4 AND version = $5",
                )
                .bind(x.schedule.code())
                .bind(x.ended_on)
                .bind(x.id.as_uuid())
                .bind(x.course.as_uuid())
                .bind(x.version);
                let (table, id) = ("questionnaire_assignments", x.id.as_uuid());
                write_versioned(
                    s,
                    q,
                    table,
                    "assignment",
                    id,
                    x.version,
                    Some(x.course.as_uuid()),
                    a,
                )
                .await
            }

            pub(crate) async fn assignments_of_course(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<Assignment>, StoreError> {
                let q = sqlx::query(
                    "SELECT * FROM questionnaire_assignments WHERE course_id = $1 \
                     ORDER BY assigned_on, id",
                )
                .bind(course.as_uuid());
                read_all::<AssignmentRow>(s, q, a).await
            }
        }
    };
}
