//! Enforcing the access policy (`ipt_domain::authz::can`) in the use cases, so pages and the
//! API share one gate. A denied record answers exactly like a missing one.

use ipt_domain::authz::{Action, Actor, Resource, can};
use ipt_domain::course::Course;
use ipt_domain::ids::CourseId;
use ipt_domain::patient::Patient;

use crate::{App, AppError};

/// A course loaded once for a request with the right to change it checked: a use case that
/// takes one reads the course no second time. Only `App::writable_course` makes one.
#[derive(Debug, Clone)]
pub struct WritableCourse {
    course: Course,
}

impl std::ops::Deref for WritableCourse {
    type Target = Course;
    fn deref(&self) -> &Course {
        &self.course
    }
}

/// Reading a patient's records, or changing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl App {
    /// The course `id`, read once with its patient, when `actor` may change it; anything else
    /// is "not found".
    pub async fn writable_course(
        &self,
        actor: &Actor,
        id: CourseId,
    ) -> Result<WritableCourse, AppError> {
        let course = self.course_with(actor, id, Access::Write).await?;
        Ok(WritableCourse { course })
    }

    /// The policy's view of a patient: whose patient it is, and who supervises that clinician.
    pub async fn patient_resource(&self, patient: &Patient) -> Result<Resource, AppError> {
        let clinician_supervisor = self
            .store
            .user(patient.clinician)
            .await?
            .and_then(|c| c.supervisor);
        Ok(Resource::Patient {
            clinician: patient.clinician,
            clinician_supervisor,
        })
    }

    /// May `actor` do `action` to `patient`'s records? Denied answers `NotFound`.
    pub async fn authorize(
        &self,
        actor: &Actor,
        action: Action,
        patient: &Patient,
    ) -> Result<(), AppError> {
        let resource = self.patient_resource(patient).await?;
        if can(actor, action, &resource).is_allowed() {
            Ok(())
        } else {
            Err(AppError::NotFound("patient"))
        }
    }

    /// Read or change access, as the course and patient use cases need it.
    pub async fn check_patient(
        &self,
        actor: &Actor,
        patient: &Patient,
        access: Access,
    ) -> Result<(), AppError> {
        let action = match access {
            Access::Read => Action::ReadCourse,
            Access::Write => Action::EditCourse,
        };
        self.authorize(actor, action, patient).await
    }
}
