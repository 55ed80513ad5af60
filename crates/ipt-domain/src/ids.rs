//! Stable identifiers. Every record carries a UUID (v7 when created by the application), so
//! records made offline or on another node can be merged later without renumbering.
//!
//! The domain never *generates* ids: that needs a clock and randomness, which live in the app
//! layer. Here ids are only wrapped, parsed and compared.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| IdParseError { kind: stringify!($name), input: s.chars().take(64).collect() })
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }
    };
}

/// The input was not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{input}' is not a valid {kind} (expected a UUID such as 0190f0c4-5b7e-7c39-8d6a-2f1e4b9c0a11)"
)]
pub struct IdParseError {
    pub kind: &'static str,
    pub input: String,
}

id_type!(/// A person receiving care.
    PatientId);
id_type!(/// One episode of IPT for one patient.
    CourseId);
id_type!(/// One therapy session within a course.
    SessionId);
id_type!(/// A user of the system (clinician, supervisor, admin).
    UserId);
id_type!(/// A person in a patient's interpersonal inventory.
    InventoryPersonId);
id_type!(/// An event on a patient's interpersonal timeline.
    TimelineEventId);
id_type!(/// A mood episode on a patient's timeline.
    MoodEpisodeId);
id_type!(/// A treatment goal.
    GoalId);
id_type!(/// A snapshot of the interpersonal inventory (start or end of a course).
    SnapshotId);
id_type!(/// An audit event.
    AuditEventId);
id_type!(/// A completed or draft measurement (questionnaire or rating).
    AssessmentId);
id_type!(/// A risk alert raised for a clinician.
    AlertId);
id_type!(/// A personal API token.
    TokenId);
id_type!(/// A supervisor's comment on a course.
    CommentId);
id_type!(/// An invitation to the patient portal.
    InvitationId);
id_type!(/// A questionnaire a clinician has assigned for the patient to fill in on the portal.
    AssignmentId);
id_type!(/// One day's entry in a patient's interpersonal mood diary.
    DiaryEntryId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_round_trip() {
        let s = "0190f0c4-5b7e-7c39-8d6a-2f1e4b9c0a11";
        let id: CourseId = s.parse().unwrap();
        assert_eq!(id.to_string(), s);
    }

    #[test]
    fn rejects_garbage_with_a_named_kind() {
        let err = "not-an-id".parse::<PatientId>().unwrap_err();
        assert_eq!(err.kind, "PatientId");
        assert!(err.to_string().contains("not-an-id"));
    }
}
