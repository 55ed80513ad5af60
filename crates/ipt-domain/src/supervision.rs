//! Supervision: a supervisor reads a supervisee's course and comments on it (reference §7.2:
//! supervisors review cases and recordings; fidelity ratings will join these comments).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::authz::Role;
use crate::ids::{CommentId, CourseId, SessionId, UserId};
use crate::rule::FieldError;

/// Who may supervise whom: a clinician's supervisor is an active account with the supervisor
/// role, and only clinicians have one (supervisors see their supervisees' courses, reference
/// §7.2).
pub fn check_supervision(
    clinician_role: Role,
    supervisor: Option<(Role, bool)>,
) -> Result<(), Vec<FieldError>> {
    let mut refused = vec![];
    if clinician_role != Role::Clinician {
        refused.push(FieldError::new(
            "clinician",
            crate::rule::Code::NotAClinician,
        ));
    }
    match supervisor {
        Some((role, _)) if role != Role::Supervisor => {
            refused.push(FieldError::new(
                "supervisor_id",
                crate::rule::Code::NotASupervisor,
            ));
        }
        Some((_, false)) => refused.push(FieldError::new(
            "supervisor_id",
            crate::rule::Code::SupervisorInactive,
        )),
        _ => {}
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(refused)
    }
}

/// A supervisor's comment on a course, or on one of its sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorComment {
    pub id: CommentId,
    pub course: CourseId,
    pub session: Option<SessionId>,
    pub author: UserId,
    pub text: String,
    pub written_at: OffsetDateTime,
}

impl SupervisorComment {
    pub const MAX_CHARS: usize = 4000;

    pub fn new(
        id: CommentId,
        course: CourseId,
        session: Option<SessionId>,
        author: UserId,
        text: &str,
        written_at: OffsetDateTime,
    ) -> Result<Self, CommentError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CommentError::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(CommentError::TooLong(Self::MAX_CHARS));
        }
        crate::input::check_characters("text", text, true).map_err(CommentError::Characters)?;
        Ok(Self {
            id,
            course,
            session,
            author,
            text: text.to_string(),
            written_at,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    #[error("write the comment")]
    Empty,
    #[error("keep the comment to {0} characters or fewer")]
    TooLong(usize),
    #[error("the comment holds a control character")]
    Characters(crate::rule::FieldError),
}

impl From<CommentError> for crate::rule::FieldError {
    fn from(e: CommentError) -> Self {
        use crate::rule::{Code, FieldError};
        match e {
            CommentError::Empty => FieldError::new("text", Code::Required),
            CommentError::TooLong(max) => {
                FieldError::new("text", Code::TooLong).number("max", max as i64)
            }
            CommentError::Characters(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_comment_has_words_and_a_limit() {
        let n = Uuid::nil();
        let at = time::macros::datetime!(2026-03-02 10:00 UTC);
        let c = |t: &str| SupervisorComment::new(n.into(), n.into(), None, n.into(), t, at);
        assert_eq!(c("  "), Err(CommentError::Empty));
        assert_eq!(c(&"x".repeat(4001)), Err(CommentError::TooLong(4000)));
        assert_eq!(
            c(" Good focus on the dispute. ").unwrap().text,
            "Good focus on the dispute."
        );
    }

    #[test]
    fn only_an_active_supervisor_supervises_and_only_a_clinician_is_supervised() {
        use super::check_supervision;
        use crate::authz::Role;
        assert!(check_supervision(Role::Clinician, Some((Role::Supervisor, true))).is_ok());
        assert!(
            check_supervision(Role::Clinician, None).is_ok(),
            "clearing is fine"
        );
        let codes = |r: Result<(), Vec<crate::rule::FieldError>>| {
            r.unwrap_err()
                .iter()
                .map(|e| e.code.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(check_supervision(
                Role::Clinician,
                Some((Role::Clinician, true))
            )),
            vec!["not_a_supervisor"]
        );
        assert_eq!(
            codes(check_supervision(
                Role::Supervisor,
                Some((Role::Supervisor, false))
            )),
            vec!["not_a_clinician", "supervisor_inactive"]
        );
    }
}
