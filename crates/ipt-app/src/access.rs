//! Enforcing the access policy in the use cases, so pages and the API share one gate. A denied
//! record answers exactly like a missing one.

use ipt_domain::authz::{Actor, Role};
use ipt_domain::patient::Patient;

use crate::{App, AppError};

/// Reading a patient's records, or changing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl App {
    /// May `actor` read or change `patient`'s records? Denied answers `NotFound`.
    pub async fn check_patient(
        &self,
        actor: &Actor,
        patient: &Patient,
        access: Access,
    ) -> Result<(), AppError> {
        let allowed = match actor {
            Actor::System => true,
            Actor::User {
                role: Role::Admin, ..
            } => false,
            Actor::User {
                id,
                role: Role::Clinician,
            } => patient.clinician == *id,
            Actor::User {
                id,
                role: Role::Supervisor,
            } => {
                patient.clinician == *id
                    || (access == Access::Read
                        && self
                            .store
                            .user(patient.clinician)
                            .await?
                            .is_some_and(|c| c.supervisor == Some(*id)))
            }
        };
        if allowed {
            Ok(())
        } else {
            Err(AppError::NotFound("patient"))
        }
    }
}
