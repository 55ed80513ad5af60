//! Reads the JSON API needs as use cases of their own, where the pages read inline: the
//! patients on a caseload, one patient's courses, the open alerts of a caseload, and a course's
//! inventory and sessions. Each one checks access first, so a denied record answers exactly
//! like a missing one, and audits the read.

use ipt_domain::alert::RiskAlert;
use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::ids::{CourseId, PatientId};
use ipt_domain::inventory::InventoryPerson;
use ipt_domain::patient::Patient;
use ipt_domain::session::TherapySession;

use crate::access::Access;
use crate::{App, AppError};

impl App {
    /// The courses of one patient the actor may read, oldest first.
    pub async fn courses_of_patient(
        &self,
        actor: &Actor,
        patient: PatientId,
    ) -> Result<Vec<Course>, AppError> {
        Ok(self.patient_with_courses(actor, patient).await?.1)
    }

    /// A patient the actor may read, and their courses, oldest first (the patient page).
    pub async fn patient_with_courses(
        &self,
        actor: &Actor,
        patient: PatientId,
    ) -> Result<(Patient, Vec<Course>), AppError> {
        let p = self.patient(actor, patient).await?;
        let audit = self.audit(actor, "course.list", "patient", p.id.as_uuid(), Some(p.id));
        let courses = self.store.courses_of_patient(p.id, &audit).await?;
        Ok((p, courses))
    }

    /// One page of the patients on the actor's caseload (a supervisor's includes their
    /// supervisees'), by name then id; each owner's page is read from the cursor and merged.
    /// Administrators see no clinical records: `Forbidden`.
    pub async fn caseload_patients_page(
        &self,
        actor: &Actor,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<crate::paging::Page<Patient>, AppError> {
        use crate::paging::{ListKind, Page, PageRequest, Position};
        let kind = ListKind::Patients;
        let req = PageRequest::parse(kind, limit, after).map_err(AppError::Rejected)?;
        let after = req
            .after
            .and_then(Position::named)
            .map(|(name, id)| (name, id.into()));
        let mut patients = vec![];
        for owner in self.caseload_owners(actor).await? {
            let audit = self.audit(actor, "patient.list", "user", owner.as_uuid(), None);
            patients.extend(
                self.store
                    .patients_page(owner, after.clone(), req.limit + 1, &audit)
                    .await?,
            );
        }
        patients.sort_by(|a, b| {
            (a.name.as_str(), a.id.as_uuid()).cmp(&(b.name.as_str(), b.id.as_uuid()))
        });
        Ok(Page::of(patients, kind, req.limit, |p| Position::Named {
            name: p.name.as_str().to_string(),
            id: p.id.as_uuid(),
        }))
    }

    /// One page of the open risk alerts of every patient on the actor's caseload (a
    /// supervisor's includes their supervisees'), oldest first. Each owner's alerts are read a
    /// page at a time from where the last page ended, and the owners' pages merged.
    pub async fn caseload_open_alerts_page(
        &self,
        actor: &Actor,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<crate::paging::Page<RiskAlert>, AppError> {
        use crate::paging::{ListKind, Page, PageRequest, Position};
        let kind = ListKind::Alerts;
        let req = PageRequest::parse(kind, limit, after).map_err(AppError::Rejected)?;
        let after = req
            .after
            .and_then(Position::timed)
            .map(|(at, id)| (at, id.into()));
        let mut alerts = vec![];
        for owner in self.caseload_owners(actor).await? {
            let audit = self.audit(actor, "risk_alert.list", "user", owner.as_uuid(), None);
            alerts.extend(
                self.store
                    .open_alerts_page(owner, after, req.limit + 1, &audit)
                    .await?,
            );
        }
        alerts.sort_by_key(|a| (a.raised_at, a.id));
        Ok(Page::of(alerts, kind, req.limit, |a| Position::Timed {
            at: a.raised_at,
            id: a.id.as_uuid(),
        }))
    }

    /// The interpersonal inventory of a course the actor may read (or change).
    pub async fn course_inventory(
        &self,
        actor: &Actor,
        course: CourseId,
        access: Access,
    ) -> Result<Vec<InventoryPerson>, AppError> {
        let c = self.course_with(actor, course, access).await?;
        let audit = self.audit(
            actor,
            "inventory.read",
            "inventory",
            c.id.as_uuid(),
            Some(c.patient),
        );
        Ok(self.store.inventory(c.id, &audit).await?)
    }

    /// The sessions of a course the actor may read (or change), in number order.
    pub async fn course_sessions(
        &self,
        actor: &Actor,
        course: CourseId,
        access: Access,
    ) -> Result<Vec<TherapySession>, AppError> {
        let c = self.course_with(actor, course, access).await?;
        let audit = self.audit(
            actor,
            "session.read",
            "course",
            c.id.as_uuid(),
            Some(c.patient),
        );
        let mut sessions = self.store.sessions(c.id, &audit).await?;
        sessions.sort_by_key(|s| s.number);
        Ok(sessions)
    }
}
