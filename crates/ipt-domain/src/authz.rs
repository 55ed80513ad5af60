//! Roles of the people who use IPT Workbench. The full access policy (`can(actor, action,
//! resource)`) grows here as the clinician workspace arrives.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users and sites; reads no clinical records.
    Admin,
    /// Treats patients; sees only their own.
    Clinician,
    /// Reads their supervisees' patients and may comment.
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 3] = [Self::Admin, Self::Clinician, Self::Supervisor];

    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Clinician => "clinician",
            Self::Supervisor => "supervisor",
        }
    }

    pub fn parse(code: &str) -> Result<Self, UnknownRole> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code.trim().to_ascii_lowercase())
            .ok_or_else(|| UnknownRole(code.to_string()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a role; use one of: admin, clinician, supervisor")]
pub struct UnknownRole(pub String);

/// Who is acting: a signed-in user, or the system itself (command line, demo seeding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    User { id: UserId, role: Role },
    System,
}

impl Actor {
    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Self::User { id, .. } => Some(*id),
            Self::System => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_case_insensitively_and_name_the_choices_on_error() {
        assert_eq!(Role::parse("Clinician"), Ok(Role::Clinician));
        let e = Role::parse("therapist").unwrap_err();
        assert!(e.to_string().contains("admin, clinician, supervisor"));
    }
}
