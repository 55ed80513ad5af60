//! Use cases of the termination phase: the termination review, the relapse-prevention plan, the
//! decision about what follows the acute course, and continuing into maintenance IPT.
//!
//! Each write takes what a door was given (`ipt_domain::ending`), has the domain read it, and
//! saves it over the version the user opened: a missing version is refused with the other
//! fields, a stale one is a `Conflict` and nothing is saved.

use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::ending::{
    MaintenanceDecisionInput, RelapsePlanInput, TerminationReviewInput,
    check_continues_in_maintenance,
};
use ipt_domain::ids::CourseId;
use ipt_domain::protocol::Format;

use super::versioned;
use crate::access::Access;
use crate::{App, AppError, new_id};

impl App {
    /// Record the termination review: gains credited to the patient, feelings about ending, and
    /// (when treatment did not help enough) the alternatives considered.
    pub async fn enter_termination_review(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &TerminationReviewInput,
    ) -> Result<Course, AppError> {
        let review = versioned(version, input.read(self.today()))?;
        self.edit_course(actor, id, version, "course.termination_review", |c, _| {
            c.termination = Some(review);
            Ok(())
        })
        .await
    }

    /// Write the relapse-prevention plan.
    pub async fn enter_relapse_plan(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &RelapsePlanInput,
    ) -> Result<Course, AppError> {
        let plan = versioned(version, input.read(self.today()))?;
        self.edit_course(actor, id, version, "course.relapse_plan", |c, _| {
            c.relapse_plan = Some(plan);
            Ok(())
        })
        .await
    }

    /// Record what follows the acute course.
    pub async fn enter_maintenance_decision(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &MaintenanceDecisionInput,
    ) -> Result<Course, AppError> {
        let decision = versioned(version, input.read(self.today()))?;
        self.edit_course(actor, id, version, "course.maintenance_decision", |c, _| {
            c.maintenance = Some(decision);
            Ok(())
        })
        .await
    }

    /// The maintenance course that continues `acute`, if one has been started.
    pub async fn continuation_of(
        &self,
        actor: &Actor,
        acute: CourseId,
    ) -> Result<Option<Course>, AppError> {
        let course = self.course(actor, acute).await?;
        let audit = self.audit(
            actor,
            "course.list",
            "patient",
            course.patient.as_uuid(),
            Some(course.patient),
        );
        Ok(self
            .store
            .courses_of_patient(course.patient, &audit)
            .await?
            .into_iter()
            .find(|c| c.continues == Some(acute)))
    }

    /// Continue an acute course in maintenance IPT: start the pre-filled maintenance course, or
    /// return the one already started (a second click never makes a second course). The flag
    /// says whether the course is new.
    pub async fn continue_in_maintenance(
        &self,
        actor: &Actor,
        acute: CourseId,
    ) -> Result<(Course, bool), AppError> {
        self.course_with(actor, acute, Access::Write).await?;
        if let Some(existing) = self.continuation_of(actor, acute).await? {
            return Ok((existing, false));
        }
        Ok((self.start_maintenance_course(actor, acute).await?, true))
    }

    /// Start maintenance IPT after an acute course: a new course pre-filled from the old one,
    /// once a decision for maintenance IPT was recorded.
    pub async fn start_maintenance_course(
        &self,
        actor: &Actor,
        acute: CourseId,
    ) -> Result<Course, AppError> {
        let acute = self.course_with(actor, acute, Access::Write).await?;
        check_continues_in_maintenance(acute.maintenance.as_ref())
            .map_err(|e| AppError::Rejected(vec![e]))?;
        let mut course = Course::maintenance_after(
            &acute,
            new_id(),
            self.protocols.get(Format::Maintenance),
            self.today(),
        );
        course.version = 1;
        let audit = self.audit(
            actor,
            "course.create",
            "course",
            course.id.as_uuid(),
            Some(course.patient),
        );
        self.store.create_course(&course, &audit).await?;
        Ok(course)
    }
}
