//! Use cases of the initial phase's forms on the course record: the indication checklist, the
//! diagnosis, the focus areas, the formulation and the contract.
//!
//! Each takes what a door was given, has the domain read it, and saves it over the version the
//! user opened: a missing version is refused with the other fields, a stale one is a
//! `Conflict` and nothing is saved.

use ipt_domain::authz::Actor;
use ipt_domain::course::{ContractInput, Course, DiagnosisInput, FormulationInput};
use ipt_domain::ids::CourseId;
use ipt_domain::indication::IndicationInput;
use ipt_domain::problem_area::FocusInput;

use super::versioned;
use crate::{App, AppError};

impl App {
    /// Record the indication and suitability checklist (decision support: nothing in it blocks).
    pub async fn enter_indication(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &IndicationInput,
    ) -> Result<Course, AppError> {
        let record = versioned(version, input.read())?;
        self.edit_course(actor, id, version, "course.indication", |c, _| {
            c.indication = record;
            Ok(())
        })
        .await
    }

    /// Record the clinician's diagnosis (the software records it, it never makes it).
    pub async fn enter_diagnosis(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &DiagnosisInput,
    ) -> Result<Course, AppError> {
        let diagnosis = versioned(version, input.read(self.today()))?;
        self.edit_course(actor, id, version, "course.diagnosis", |c, _| {
            c.diagnosis = Some(diagnosis);
            Ok(())
        })
        .await
    }

    /// Agree the treatment contract: the format's own range of sessions, agreed between the
    /// course's start and today, ending after that day.
    pub async fn enter_contract(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &ContractInput,
    ) -> Result<Course, AppError> {
        let today = self.today();
        self.edit_course(actor, id, version, "course.contract", |c, cat| {
            let p = cat.get(c.format);
            let contract = versioned(version, input.read(c, p, today))?;
            c.agree_contract(p, contract);
            Ok(())
        })
        .await
    }

    /// Choose the focus: one or two problem areas, a role dispute with its stage.
    pub async fn enter_focus(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &FocusInput,
    ) -> Result<Course, AppError> {
        let (focus, reason) = versioned(version, input.read())?;
        let today = self.today();
        self.edit_course(actor, id, version, "course.focus", |c, _| {
            c.choose_focus(focus, &reason, today)
                .map_err(|e| AppError::Rejected(vec![e]))
        })
        .await
    }

    /// Write the interpersonal formulation and, once the patient has agreed it, the date they
    /// accepted it (the hand-off into the middle phase).
    pub async fn enter_formulation(
        &self,
        actor: &Actor,
        id: CourseId,
        version: Option<i64>,
        input: &FormulationInput,
    ) -> Result<Course, AppError> {
        let today = self.today();
        self.edit_course(actor, id, version, "course.formulation", |c, _| {
            let f = versioned(version, input.read(c.formulation.as_ref(), today))?;
            c.formulation = Some(f);
            Ok(())
        })
        .await
    }
}
