//! Use cases of the safety plan and the medication record (`ipt_domain::safety`).
//!
//! Both are parts of the course and are saved over the version the user opened: a missing
//! version is refused with the other fields, a stale one is a `Conflict` and nothing is saved.
//! A medication change is added to the record, never written over it.

use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::ids::CourseId;
use ipt_domain::safety::{self, MedicationChangeInput, SafetyPlanInput};

use super::versioned;
use crate::{App, AppError};

impl App {
    /// Write (or rewrite) the course's safety plan.
    pub async fn enter_safety_plan(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &SafetyPlanInput,
    ) -> Result<Course, AppError> {
        let plan = versioned(version, input.read(self.today()))?;
        self.edit_course(actor, id, version, "course.safety_plan", |c, _| {
            c.safety_plan = Some(plan);
            Ok(())
        })
        .await
    }

    /// Add one change to the course's medication record.
    pub async fn record_medication_change(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &MedicationChangeInput,
    ) -> Result<Course, AppError> {
        let change = versioned(version, input.read(self.today()))?;
        self.edit_course(actor, id, version, "course.medication", |c, _| {
            safety::record_medication_change(&mut c.medication, change)
                .map_err(|e| AppError::Rejected(vec![e]))
        })
        .await
    }
}
