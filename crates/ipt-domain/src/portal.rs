//! The patient portal's rules: invitations, the way a patient comes back (a portal code and a
//! passphrase of their own), portal sign-ins, and the questionnaires a clinician assigns.
//!
//! Tokens and codes are random and made outside the domain; the domain sees only their hashes.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::ids::{AssignmentId, CourseId, InvitationId, PatientId, UserId};

/// A link a clinician gives a patient to open the portal for the first time. The link carries a
/// random token; storage keeps its SHA-256 hash. It works once: opening it lets the patient
/// choose a passphrase, after which they come back with their portal code and passphrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub patient: PatientId,
    pub token_hash: String,
    pub created_by: UserId,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    /// When the patient set their passphrase with it.
    pub accepted_at: Option<OffsetDateTime>,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Open,
    Accepted,
    Revoked,
    Expired,
}

impl InvitationState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }
}

impl Invitation {
    /// Allowed lifetimes of an invitation link, in hours.
    pub const MIN_HOURS: i64 = 1;
    pub const MAX_HOURS: i64 = 24 * 30;

    /// The state at `now`. Revocation and acceptance win over expiry: they happened first.
    pub fn state(&self, now: OffsetDateTime) -> InvitationState {
        if self.revoked_at.is_some() {
            InvitationState::Revoked
        } else if self.accepted_at.is_some() {
            InvitationState::Accepted
        } else if now >= self.expires_at {
            InvitationState::Expired
        } else {
            InvitationState::Open
        }
    }

    /// A lifetime in hours, checked against the allowed range.
    pub fn lifetime(hours: i64) -> Result<Duration, PortalError> {
        if !(Self::MIN_HOURS..=Self::MAX_HOURS).contains(&hours) {
            return Err(PortalError::LifetimeOutOfRange {
                min: Self::MIN_HOURS,
                max: Self::MAX_HOURS,
            });
        }
        Ok(Duration::hours(hours))
    }
}

/// How a returning patient signs in: a portal code shown to them once (an identifier, like a
/// user name) and a passphrase they chose. Both are stored as hashes only: the code as SHA-256
/// (it is looked up), the passphrase as Argon2id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalAccess {
    pub patient: PatientId,
    pub code_hash: String,
    pub passphrase_hash: String,
    pub set_at: OffsetDateTime,
}

impl std::fmt::Display for PortalAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "portal access of patient {}", self.patient)
    }
}

/// The rules a passphrase must meet: long enough to resist guessing (with throttling on every
/// attempt), short enough to remember. A few ordinary words make a good one.
pub fn check_passphrase(passphrase: &str, confirm: &str) -> Result<(), PortalError> {
    let chars = passphrase.chars().count();
    if chars < PASSPHRASE_MIN_CHARS {
        return Err(PortalError::PassphraseTooShort(PASSPHRASE_MIN_CHARS));
    }
    if chars > PASSPHRASE_MAX_CHARS {
        return Err(PortalError::PassphraseTooLong(PASSPHRASE_MAX_CHARS));
    }
    let mut distinct: Vec<char> = passphrase.to_lowercase().chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err(PortalError::PassphraseTooSimple);
    }
    if passphrase != confirm {
        return Err(PortalError::PassphrasesDiffer);
    }
    Ok(())
}

pub const PASSPHRASE_MIN_CHARS: usize = 10;
pub const PASSPHRASE_MAX_CHARS: usize = 200;

/// A signed-in portal visit. `kiosk_by` is the clinician who handed a clinic device to the
/// patient: leaving kiosk mode needs that clinician's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSession {
    pub token_hash: String,
    pub patient: PatientId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub kiosk_by: Option<UserId>,
}

/// How often an assigned questionnaire is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Once, from the day it is assigned.
    Once,
    /// Before every session: due again after each session the patient attends.
    BeforeEachSession,
    /// Weekly: due when none was completed in the last seven days.
    Weekly,
}

impl Schedule {
    pub const ALL: [Schedule; 3] = [Self::Once, Self::BeforeEachSession, Self::Weekly];
    pub fn code(self) -> &'static str {
        match self {
            Self::Once => "once",
            Self::BeforeEachSession => "before_each_session",
            Self::Weekly => "weekly",
        }
    }
    pub fn parse(code: &str) -> Result<Self, PortalError> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| PortalError::UnknownSchedule(code.chars().take(40).collect()))
    }
}

/// A questionnaire the clinician asked the patient to fill in on the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: AssignmentId,
    pub course: CourseId,
    pub patient: PatientId,
    /// Instrument code from the catalogue.
    pub instrument: String,
    pub schedule: Schedule,
    pub assigned_by: UserId,
    pub assigned_on: Date,
    /// Set when the clinician stops it; it is then no longer offered.
    pub ended_on: Option<Date>,
    pub version: i64,
}

/// Whether an assignment is waiting for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// Waiting now.
    Now,
    /// Done for now; offered again from this date (weekly), or after the next session.
    Later(Option<Date>),
    /// A one-off that has been completed, or an assignment that was stopped.
    Finished,
}

impl Assignment {
    /// Whether the questionnaire is due `today`, given the dates of the patient's completed
    /// (final) answers to this instrument and the date of the last session they attended.
    pub fn due(&self, completed: &[Date], last_attended: Option<Date>, today: Date) -> Due {
        if self.ended_on.is_some_and(|d| d <= today) {
            return Due::Finished;
        }
        let since = |from: Date| completed.iter().any(|d| *d >= from);
        match self.schedule {
            Schedule::Once => {
                if since(self.assigned_on) {
                    Due::Finished
                } else {
                    Due::Now
                }
            }
            Schedule::Weekly => {
                let latest = completed
                    .iter()
                    .filter(|d| **d >= self.assigned_on)
                    .max()
                    .copied();
                match latest {
                    Some(d) if d + Duration::days(7) > today => {
                        Due::Later(Some(d + Duration::days(7)))
                    }
                    _ => Due::Now,
                }
            }
            Schedule::BeforeEachSession => {
                // Answered since the later of the assignment and the last attended session:
                // it is ready for the next session.
                let from = last_attended
                    .map(|s| (s + Duration::days(1)).max(self.assigned_on))
                    .unwrap_or(self.assigned_on);
                if since(from) {
                    Due::Later(None)
                } else {
                    Due::Now
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalError {
    #[error("an invitation can last from {min} hour to {max} hours")]
    LifetimeOutOfRange { min: i64, max: i64 },
    #[error("the passphrase needs at least {0} characters; a few ordinary words work well")]
    PassphraseTooShort(usize),
    #[error("the passphrase can be at most {0} characters")]
    PassphraseTooLong(usize),
    #[error("the passphrase repeats too few different characters; try a few ordinary words")]
    PassphraseTooSimple,
    #[error("the two passphrases are not the same")]
    PassphrasesDiffer,
    #[error("'{0}' is not a schedule (once, before_each_session or weekly)")]
    UnknownSchedule(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn invitation() -> Invitation {
        Invitation {
            id: InvitationId::from(uuid::Uuid::nil()),
            patient: PatientId::from(uuid::Uuid::nil()),
            token_hash: "h".into(),
            created_by: UserId::from(uuid::Uuid::nil()),
            created_at: datetime!(2026-03-01 09:00 UTC),
            expires_at: datetime!(2026-03-08 09:00 UTC),
            revoked_at: None,
            accepted_at: None,
        }
    }

    #[test]
    fn an_invitation_expires_at_its_time_and_revocation_wins() {
        let mut inv = invitation();
        assert_eq!(
            inv.state(datetime!(2026-03-08 08:59 UTC)),
            InvitationState::Open
        );
        assert_eq!(
            inv.state(datetime!(2026-03-08 09:00 UTC)),
            InvitationState::Expired
        );
        inv.accepted_at = Some(datetime!(2026-03-02 10:00 UTC));
        assert_eq!(
            inv.state(datetime!(2026-03-09 00:00 UTC)),
            InvitationState::Accepted
        );
        inv.revoked_at = Some(datetime!(2026-03-03 10:00 UTC));
        assert_eq!(
            inv.state(datetime!(2026-03-04 00:00 UTC)),
            InvitationState::Revoked
        );
        assert!(Invitation::lifetime(0).is_err());
        assert!(Invitation::lifetime(24 * 31).is_err());
        assert_eq!(Invitation::lifetime(72).unwrap(), Duration::hours(72));
    }

    #[test]
    fn passphrases_must_be_long_varied_and_confirmed() {
        assert_eq!(
            check_passphrase("short", "short"),
            Err(PortalError::PassphraseTooShort(PASSPHRASE_MIN_CHARS))
        );
        assert_eq!(
            check_passphrase("aaaaaaaaaaaa", "aaaaaaaaaaaa"),
            Err(PortalError::PassphraseTooSimple)
        );
        assert_eq!(
            check_passphrase("green kettle river", "green kettle rivers"),
            Err(PortalError::PassphrasesDiffer)
        );
        assert!(check_passphrase("green kettle river", "green kettle river").is_ok());
    }

    fn assignment(schedule: Schedule) -> Assignment {
        Assignment {
            id: AssignmentId::from(uuid::Uuid::nil()),
            course: CourseId::from(uuid::Uuid::nil()),
            patient: PatientId::from(uuid::Uuid::nil()),
            instrument: "phq9".into(),
            schedule,
            assigned_by: UserId::from(uuid::Uuid::nil()),
            assigned_on: date!(2026 - 03 - 02),
            ended_on: None,
            version: 1,
        }
    }

    #[test]
    fn a_one_off_is_due_until_answered_after_it_was_assigned() {
        let a = assignment(Schedule::Once);
        let today = date!(2026 - 03 - 05);
        assert_eq!(a.due(&[], None, today), Due::Now);
        assert_eq!(
            a.due(&[date!(2026 - 03 - 01)], None, today),
            Due::Now,
            "an answer from before the assignment does not count"
        );
        assert_eq!(a.due(&[date!(2026 - 03 - 02)], None, today), Due::Finished);
    }

    #[test]
    fn weekly_is_due_again_seven_days_after_the_last_answer() {
        let a = assignment(Schedule::Weekly);
        let answered = [date!(2026 - 03 - 03)];
        assert_eq!(
            a.due(&answered, None, date!(2026 - 03 - 09)),
            Due::Later(Some(date!(2026 - 03 - 10)))
        );
        assert_eq!(a.due(&answered, None, date!(2026 - 03 - 10)), Due::Now);
    }

    #[test]
    fn before_each_session_is_due_again_after_each_attended_session() {
        let a = assignment(Schedule::BeforeEachSession);
        let answered = [date!(2026 - 03 - 04)];
        let today = date!(2026 - 03 - 06);
        assert_eq!(
            a.due(&answered, Some(date!(2026 - 03 - 03)), today),
            Due::Later(None)
        );
        assert_eq!(
            a.due(&answered, Some(date!(2026 - 03 - 05)), today),
            Due::Now,
            "the answer came before the last session"
        );
        assert_eq!(
            a.due(&answered, Some(date!(2026 - 03 - 04)), today),
            Due::Now,
            "an answer on the day of the session was for that session"
        );
    }

    #[test]
    fn a_stopped_assignment_is_never_offered() {
        let mut a = assignment(Schedule::Weekly);
        a.ended_on = Some(date!(2026 - 03 - 04));
        assert_eq!(a.due(&[], None, date!(2026 - 03 - 04)), Due::Finished);
        assert_eq!(a.due(&[], None, date!(2026 - 03 - 03)), Due::Now);
        assert_eq!(Schedule::parse("weekly"), Ok(Schedule::Weekly));
        assert!(Schedule::parse("monthly").is_err());
    }
}
