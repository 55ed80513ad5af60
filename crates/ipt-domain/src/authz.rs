//! Roles of the people who use IPT Workbench, and the access policy: a pure
//! `can(actor, action, resource)` that every use case consults before it touches a record.
//!
//! The rules, in one place:
//! - **admin** manages users and sites, and may list the audit log, see programme outcomes
//!   (aggregates) and export pseudonymous data. An admin never reads or writes a clinical
//!   record, even one that names them as clinician. The audit listing an admin sees holds ids,
//!   actions and times only, never clinical content; pseudonymous export has no names and no free
//!   text (issue 6).
//! - **clinician** registers patients (who become theirs) and reads and writes only their own
//!   patients: `Resource::Patient { clinician }` equal to themselves.
//! - **supervisor** reads the patients of their supervisees (the patient's clinician has them as
//!   supervisor) and may comment on them, but never edits them. A supervisor who also treats
//!   patients acts as a clinician on those patients, and may register patients of their own.
//! - **`Actor::System`** (command line, demo seeding) may do everything.
//!
//! An action asked of a resource it does not apply to (reading a patient on `Resource::System`)
//! is denied. Denied is denied: the web layer answers "not found" for a denied record, so a
//! denial never reveals that the record exists.

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

/// What a user can ask to do. Patient-scoped actions act on a `Resource::Patient`; the others on
/// `Resource::System`, or a `Resource::User` for account management.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // Patient-scoped (Resource::Patient).
    /// See the patient's record: demographics, caseload row, alerts, printable summaries.
    ReadPatient,
    /// Change the patient's demographics and settings, and invite them to the portal.
    EditPatient,
    /// See a course and everything in it: inventory, timeline, sessions, formulation, contract,
    /// diary, charts and course documents.
    ReadCourse,
    /// Start a course or change anything in it: inventory, timeline, focus areas, formulation,
    /// contract, sessions, phase transitions, termination, relapse-prevention plan.
    EditCourse,
    /// Enter a questionnaire for the patient (scored at once; may raise a risk alert).
    RecordAssessment,
    /// Acknowledge a risk alert with an action note; a clinician's act, not a supervisor's.
    AcknowledgeAlert,
    /// A supervisor's comment on a supervisee's patient (later: fidelity ratings of sessions).
    CommentAsSupervisor,

    // System-scoped (Resource::System).
    /// Register a new patient, who becomes the registering user's patient.
    RegisterPatient,
    /// Open one's own caseload dashboard (rows are then filtered by `ReadPatient`).
    ViewCaseload,
    /// List the audit log: who, what action, when, which record id. No clinical content.
    ViewAudit,
    /// Aggregate outcomes by site, clinician, format and problem area; no identifiable data.
    ViewProgrammeOutcomes,
    /// Export assessments as pseudonymous CSV (no names, no free text).
    ExportPseudonymousData,
    /// Create, change and deactivate sites and site settings (crisis resources).
    ManageSites,

    // System- or user-scoped.
    /// List and create users (on `Resource::System`), or change any user (on `Resource::User`).
    ManageUsers,
    /// Change one's own account (password, language); only on `Resource::User` of oneself.
    ManageOwnAccount,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Self::ReadPatient,
        Self::EditPatient,
        Self::ReadCourse,
        Self::EditCourse,
        Self::RecordAssessment,
        Self::AcknowledgeAlert,
        Self::CommentAsSupervisor,
        Self::RegisterPatient,
        Self::ViewCaseload,
        Self::ViewAudit,
        Self::ViewProgrammeOutcomes,
        Self::ExportPseudonymousData,
        Self::ManageSites,
        Self::ManageUsers,
        Self::ManageOwnAccount,
    ];

    /// Does this action touch a patient's clinical record?
    pub fn is_clinical(self) -> bool {
        matches!(
            self,
            Self::ReadPatient
                | Self::EditPatient
                | Self::ReadCourse
                | Self::EditCourse
                | Self::RecordAssessment
                | Self::AcknowledgeAlert
                | Self::CommentAsSupervisor
        )
    }
}

/// What an action is done to, with the ownership facts the policy needs. The caller loads these
/// facts from the store; the policy itself never does I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A patient, or anything belonging to one (course, session, assessment, alert, diary).
    Patient {
        /// The patient's treating clinician.
        clinician: UserId,
        /// That clinician's supervisor, if they have one.
        clinician_supervisor: Option<UserId>,
    },
    /// The system as a whole: no particular patient or user.
    System,
    /// A user account.
    User(UserId),
}

/// The policy's answer. Denied is denied: callers answer "not found" for a denied record.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Allow,
    Deny,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Self::Allow
    }
}

impl From<bool> for Decision {
    fn from(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Deny }
    }
}

/// May `actor` do `action` to `resource`? See the module documentation for the rules.
pub fn can(actor: &Actor, action: Action, resource: &Resource) -> Decision {
    let (me, role) = match *actor {
        Actor::System => return Decision::Allow,
        Actor::User { id, role } => (id, role),
    };
    use Action as A;
    let allowed = match *resource {
        Resource::Patient {
            clinician,
            clinician_supervisor,
        } => {
            // Admins never touch clinical records, even if wrongly named as a clinician.
            let treats = role != Role::Admin && clinician == me;
            let supervises = role == Role::Supervisor && clinician_supervisor == Some(me);
            match action {
                A::ReadPatient | A::ReadCourse => treats || supervises,
                A::EditPatient | A::EditCourse | A::RecordAssessment | A::AcknowledgeAlert => {
                    treats
                }
                A::CommentAsSupervisor => supervises,
                A::RegisterPatient
                | A::ViewCaseload
                | A::ViewAudit
                | A::ViewProgrammeOutcomes
                | A::ExportPseudonymousData
                | A::ManageSites
                | A::ManageUsers
                | A::ManageOwnAccount => false,
            }
        }
        Resource::System => match action {
            A::RegisterPatient | A::ViewCaseload => role != Role::Admin,
            A::ViewAudit | A::ExportPseudonymousData | A::ManageSites | A::ManageUsers => {
                role == Role::Admin
            }
            A::ViewProgrammeOutcomes => role != Role::Clinician,
            A::ReadPatient
            | A::EditPatient
            | A::ReadCourse
            | A::EditCourse
            | A::RecordAssessment
            | A::AcknowledgeAlert
            | A::CommentAsSupervisor
            | A::ManageOwnAccount => false,
        },
        Resource::User(user) => match action {
            A::ManageUsers => role == Role::Admin,
            A::ManageOwnAccount => user == me,
            _ => false,
        },
    };
    allowed.into()
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

    mod policy {
        use super::super::*;
        use uuid::Uuid;

        const ME: UserId = UserId::from_uuid(Uuid::from_u128(1));
        const OTHER_CLINICIAN: UserId = UserId::from_uuid(Uuid::from_u128(2));
        const OTHER_SUPERVISOR: UserId = UserId::from_uuid(Uuid::from_u128(3));

        /// The columns of the matrix, in the order of the letters in `EXPECTED`.
        const COLUMNS: [(&str, Resource); 7] = [
            (
                "own patient",
                Resource::Patient {
                    clinician: ME,
                    clinician_supervisor: Some(OTHER_SUPERVISOR),
                },
            ),
            (
                "another clinician's patient (no supervisor)",
                Resource::Patient {
                    clinician: OTHER_CLINICIAN,
                    clinician_supervisor: None,
                },
            ),
            (
                "supervisee's patient",
                Resource::Patient {
                    clinician: OTHER_CLINICIAN,
                    clinician_supervisor: Some(ME),
                },
            ),
            (
                "non-supervisee's patient",
                Resource::Patient {
                    clinician: OTHER_CLINICIAN,
                    clinician_supervisor: Some(OTHER_SUPERVISOR),
                },
            ),
            ("system", Resource::System),
            ("own account", Resource::User(ME)),
            ("another user's account", Resource::User(OTHER_CLINICIAN)),
        ];

        /// Written by hand, not computed: `Y` allowed, `.` denied, one letter per column above.
        /// Per action: [admin, clinician, supervisor, system actor].
        #[rustfmt::skip]
        const EXPECTED: [(Action, [&str; 4]); 15] = [
            //                                  admin      clinician  supervisor system
            (Action::ReadPatient,            [".......", "Y......", "Y.Y....", "YYYYYYY"]),
            (Action::EditPatient,            [".......", "Y......", "Y......", "YYYYYYY"]),
            (Action::ReadCourse,             [".......", "Y......", "Y.Y....", "YYYYYYY"]),
            (Action::EditCourse,             [".......", "Y......", "Y......", "YYYYYYY"]),
            (Action::RecordAssessment,       [".......", "Y......", "Y......", "YYYYYYY"]),
            (Action::AcknowledgeAlert,       [".......", "Y......", "Y......", "YYYYYYY"]),
            (Action::CommentAsSupervisor,    [".......", ".......", "..Y....", "YYYYYYY"]),
            (Action::RegisterPatient,        [".......", "....Y..", "....Y..", "YYYYYYY"]),
            (Action::ViewCaseload,           [".......", "....Y..", "....Y..", "YYYYYYY"]),
            (Action::ViewAudit,              ["....Y..", ".......", ".......", "YYYYYYY"]),
            (Action::ViewProgrammeOutcomes,  ["....Y..", ".......", "....Y..", "YYYYYYY"]),
            (Action::ExportPseudonymousData, ["....Y..", ".......", ".......", "YYYYYYY"]),
            (Action::ManageSites,            ["....Y..", ".......", ".......", "YYYYYYY"]),
            (Action::ManageUsers,            ["....YYY", ".......", ".......", "YYYYYYY"]),
            (Action::ManageOwnAccount,       [".....Y.", ".....Y.", ".....Y.", "YYYYYYY"]),
        ];

        fn actors() -> [Actor; 4] {
            [
                Actor::User {
                    id: ME,
                    role: Role::Admin,
                },
                Actor::User {
                    id: ME,
                    role: Role::Clinician,
                },
                Actor::User {
                    id: ME,
                    role: Role::Supervisor,
                },
                Actor::System,
            ]
        }

        #[test]
        fn every_action_role_and_resource_matches_the_hand_written_table() {
            let mut failures = Vec::new();
            for (action, rows) in EXPECTED {
                for (actor, row) in actors().iter().zip(rows) {
                    assert_eq!(row.len(), COLUMNS.len(), "{action:?} row for {actor:?}");
                    for ((name, resource), want) in COLUMNS.iter().zip(row.chars()) {
                        let want = match want {
                            'Y' => Decision::Allow,
                            '.' => Decision::Deny,
                            other => panic!("bad cell {other:?} in the table"),
                        };
                        let got = can(actor, action, resource);
                        if got != want {
                            failures.push(format!(
                                "{actor:?} {action:?} on {name}: expected {want:?}, got {got:?}"
                            ));
                        }
                    }
                }
            }
            assert!(
                failures.is_empty(),
                "policy differs from the table:\n{}",
                failures.join("\n")
            );
        }

        #[test]
        fn the_table_lists_every_action_exactly_once() {
            // No wildcard: adding an Action stops this compiling until the table is extended.
            fn row(action: Action) -> usize {
                match action {
                    Action::ReadPatient => 0,
                    Action::EditPatient => 1,
                    Action::ReadCourse => 2,
                    Action::EditCourse => 3,
                    Action::RecordAssessment => 4,
                    Action::AcknowledgeAlert => 5,
                    Action::CommentAsSupervisor => 6,
                    Action::RegisterPatient => 7,
                    Action::ViewCaseload => 8,
                    Action::ViewAudit => 9,
                    Action::ViewProgrammeOutcomes => 10,
                    Action::ExportPseudonymousData => 11,
                    Action::ManageSites => 12,
                    Action::ManageUsers => 13,
                    Action::ManageOwnAccount => 14,
                }
            }
            for (i, (action, _)) in EXPECTED.iter().enumerate() {
                assert_eq!(row(*action), i, "{action:?} out of place in EXPECTED");
                assert_eq!(
                    Action::ALL[i],
                    *action,
                    "{action:?} out of place in Action::ALL"
                );
            }
        }

        #[test]
        fn admin_never_reads_or_writes_any_clinical_resource() {
            let others = [None, Some(ME), Some(OTHER_SUPERVISOR)];
            let clinicians = [ME, OTHER_CLINICIAN, OTHER_SUPERVISOR];
            let admin = Actor::User {
                id: ME,
                role: Role::Admin,
            };
            for action in Action::ALL {
                for clinician in clinicians {
                    for clinician_supervisor in others {
                        let patient = Resource::Patient {
                            clinician,
                            clinician_supervisor,
                        };
                        assert_eq!(
                            can(&admin, action, &patient),
                            Decision::Deny,
                            "admin {action:?} on {patient:?}"
                        );
                    }
                }
                if action.is_clinical() {
                    assert_eq!(can(&admin, action, &Resource::System), Decision::Deny);
                }
            }
        }

        #[test]
        fn a_supervisor_never_changes_a_supervisees_records() {
            let sup = Actor::User {
                id: ME,
                role: Role::Supervisor,
            };
            let patient = Resource::Patient {
                clinician: OTHER_CLINICIAN,
                clinician_supervisor: Some(ME),
            };
            let allowed: Vec<Action> = Action::ALL
                .into_iter()
                .filter(|a| can(&sup, *a, &patient).is_allowed())
                .collect();
            assert_eq!(
                allowed,
                [
                    Action::ReadPatient,
                    Action::ReadCourse,
                    Action::CommentAsSupervisor
                ]
            );
        }

        #[test]
        fn decisions_convert_from_bools() {
            assert!(Decision::from(true).is_allowed());
            assert!(!Decision::from(false).is_allowed());
        }
    }
}
