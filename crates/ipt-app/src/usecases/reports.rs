//! Documents of a course (the course summary and the patient's "my plan"): one read of
//! everything a document shows, access-checked, with the first audit event naming the document
//! produced, so the audit trail shows who took which document of whose course, and when.

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::Assessment;
use ipt_domain::authz::Actor;
use ipt_domain::course::{Course, Goal};
use ipt_domain::ids::CourseId;
use ipt_domain::inventory::{InventoryPerson, InventorySnapshot};
use ipt_domain::patient::Patient;
use ipt_domain::session::TherapySession;

use crate::access::Access;
use crate::ports::AlertFilter;
use crate::{App, AppError};

/// The documents a course can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// The course summary, or discharge letter.
    CourseSummary,
    /// The patient's own plan.
    MyPlan,
}

impl DocumentKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::CourseSummary => "course_summary",
            Self::MyPlan => "my_plan",
        }
    }
}

/// What a document is made from: only the records the documents show (no inventory or
/// timeline, which stay out of documents that leave the clinic).
#[derive(Debug, Clone)]
pub struct DocumentData {
    pub patient: Patient,
    pub course: Course,
    pub sessions: Vec<TherapySession>,
    pub goals: Vec<Goal>,
    pub assessments: Vec<Assessment>,
    /// The patient's risk alerts, open and acknowledged (`RiskRecord::of` picks the course's).
    pub alerts: Vec<RiskAlert>,
    /// The display name of the course's clinician, when the account still exists.
    pub clinician: Option<String>,
    /// The interpersonal inventory and its snapshots, for the secondary outcomes.
    pub inventory: Vec<InventoryPerson>,
    pub snapshots: Vec<InventorySnapshot>,
}

impl DocumentData {
    /// Perceived support, loneliness, assertiveness and the circle, as the course pages show.
    pub fn secondary_outcomes(&self) -> crate::outcomes::SecondaryOutcomes {
        crate::outcomes::SecondaryOutcomes::of(&self.assessments, &self.snapshots, &self.inventory)
    }
}

impl App {
    /// Read a course for a document. The course read is audited as `document.<kind>`; the
    /// records that follow are audited as ordinary reads. A course the actor may not read
    /// answers `NotFound`, like a missing one.
    pub async fn document_data(
        &self,
        actor: &Actor,
        id: CourseId,
        kind: DocumentKind,
    ) -> Result<DocumentData, AppError> {
        let audit = self.audit(
            actor,
            &format!("document.{}", kind.code()),
            "course",
            id.as_uuid(),
            None,
        );
        let course = self
            .store
            .course(id, &audit)
            .await?
            .ok_or(AppError::NotFound("course"))?;
        let patient = self
            .patient_with(actor, course.patient, Access::Read)
            .await
            .map_err(|_| AppError::NotFound("course"))?;
        let pid = Some(course.patient);
        let a = |what: &str| self.audit(actor, &format!("{what}.read"), what, id.as_uuid(), pid);
        let clinician = self
            .store
            .user(course.clinician)
            .await?
            .map(|u| u.display_name);
        Ok(DocumentData {
            patient,
            sessions: self.store.sessions(id, &a("session")).await?,
            goals: self.store.goals(id, &a("goal")).await?,
            inventory: self.store.inventory(id, &a("inventory")).await?,
            snapshots: self.store.snapshots(id, &a("inventory_snapshot")).await?,
            assessments: self
                .store
                .assessments_of_course(id, &a("assessment"))
                .await?,
            alerts: self
                .store
                .alerts(
                    &AlertFilter {
                        patient: pid,
                        ..Default::default()
                    },
                    &a("risk_alert"),
                )
                .await?,
            course,
            clinician,
        })
    }
}
