//! The patient portal's core: who the signed-in patient is, and the audit of what they do.
//!
//! A portal visitor is never an `Actor` of the clinician side: every portal use case takes a
//! `PortalPatient` and reaches only that patient's own records, so there is no id a patient can
//! send that opens someone else's. Ids of child records (a diary entry, an assignment) are always
//! checked to belong to the patient's course; any other id answers "not found".

use ipt_domain::course::{Course, CourseStatus};
use ipt_domain::ids::{PatientId, UserId};
use ipt_domain::patient::{Language, Patient};
use time::{Date, Duration};
use uuid::Uuid;

use crate::ports::AuditEvent;
use crate::{App, AppError, new_id};

/// The patient signed in to the portal, as found from their portal session.
#[derive(Debug, Clone)]
pub struct PortalPatient {
    pub patient: Patient,
    /// The language of the portal's pages: the patient's own choice, else their record's. It
    /// is a display preference only: the record's language (`patient.language`) still decides
    /// the questionnaires' text and the documents.
    pub language: Language,
    /// The hash of the session token, for signing out.
    pub token_hash: String,
    /// Set in kiosk mode: the clinician who handed over the device.
    pub kiosk_by: Option<UserId>,
}

impl PortalPatient {
    pub fn id(&self) -> PatientId {
        self.patient.id
    }
}

impl App {
    /// The audit event for something a patient did or saw on the portal. The actor is the
    /// patient (no user account), recorded through the patient id and a `portal.` action.
    pub fn portal_audit(
        &self,
        who: &PortalPatient,
        action: &str,
        entity: &str,
        entity_id: Uuid,
    ) -> AuditEvent {
        AuditEvent {
            id: new_id(),
            at: self.now(),
            actor: who.kiosk_by,
            action: format!("portal.{action}"),
            entity: entity.to_string(),
            entity_id,
            patient: Some(who.patient.id),
        }
    }

    /// The patient behind a portal session token hash, if the session is live. An idle session
    /// is removed when presented; a live one is extended by `idle`.
    pub async fn portal_identify(
        &self,
        token_hash: &str,
        idle: Duration,
    ) -> Result<Option<PortalPatient>, AppError> {
        let Some(session) = self.store.portal_session(token_hash).await? else {
            return Ok(None);
        };
        let now = self.now();
        let audit_for = |action: &str| AuditEvent {
            id: new_id(),
            at: now,
            actor: session.kiosk_by,
            action: format!("portal.{action}"),
            entity: "patient".into(),
            entity_id: session.patient.as_uuid(),
            patient: Some(session.patient),
        };
        if session.expires_at <= now {
            self.store
                .delete_portal_session(token_hash, &audit_for("session_expired"))
                .await?;
            return Ok(None);
        }
        let Some(patient) = self
            .store
            .patient(session.patient, &audit_for("patient.read"))
            .await?
        else {
            return Ok(None);
        };
        // At most once a minute: each touch is a durable write.
        if now - session.last_seen_at >= super::web_sessions::TOUCH_EVERY {
            self.store
                .touch_portal_session(token_hash, now, now + idle)
                .await?;
        }
        let language = self
            .store
            .portal_language(patient.id)
            .await?
            .unwrap_or(patient.language);
        Ok(Some(PortalPatient {
            language,
            patient,
            token_hash: token_hash.to_string(),
            kiosk_by: session.kiosk_by,
        }))
    }

    /// The patient picks the language of their portal pages. It is kept as their preference,
    /// apart from the record: the clinician's pages, the documents and the questionnaires
    /// assigned to them keep the record's language.
    pub async fn set_portal_language(
        &self,
        who: &PortalPatient,
        language: Language,
    ) -> Result<(), AppError> {
        if language == who.language {
            return Ok(());
        }
        let audit = self.portal_audit(who, "language.set", "patient", who.id().as_uuid());
        self.store
            .set_portal_language(who.id(), language, self.now(), &audit)
            .await?;
        Ok(())
    }

    /// The course the portal works with: the patient's open course, else their latest one.
    pub async fn portal_course(&self, who: &PortalPatient) -> Result<Option<Course>, AppError> {
        let courses = self
            .store
            .courses_of_patient(
                who.id(),
                &self.portal_audit(who, "course.list", "patient", who.id().as_uuid()),
            )
            .await?;
        let open = courses
            .iter()
            .rev()
            .find(|c| matches!(c.status, CourseStatus::Active(_) | CourseStatus::Referred))
            .cloned();
        Ok(open.or_else(|| courses.last().cloned()))
    }

    /// The date of the patient's next session, as the portal's home page tells it: the
    /// planned one of their portal course, if it is still to come.
    pub async fn portal_next_session(&self, who: &PortalPatient) -> Result<Option<Date>, AppError> {
        let Some(course) = self.portal_course(who).await? else {
            return Ok(None);
        };
        let audit = self.portal_audit(who, "session.list", "course", course.id.as_uuid());
        let sessions = self.store.sessions(course.id, &audit).await?;
        Ok(ipt_domain::session::upcoming(
            &sessions,
            course.status.is_open(),
            course.planned_sessions(),
            self.today(),
        ))
    }
}
