//! Errors of the use cases, worded for the person who caused them.

use ipt_domain::course::TransitionError;
use ipt_domain::inventory::InventoryError;
use ipt_domain::rule::FieldError;
use ipt_domain::session::SessionError;
use ipt_domain::timeline::TimelineError;

use crate::ports::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The record does not exist, or the actor may not see it (the two answer alike).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Someone else changed the record first; nothing was saved.
    #[error(
        "{what} was changed by someone else since you opened it (your copy is version {expected}, the saved one is version {actual}). Nothing was saved: reload to see the changes, then make yours again."
    )]
    Conflict {
        what: &'static str,
        expected: i64,
        actual: i64,
    },
    /// Input that a rule of the core refuses, as codes (field, rule, arguments) that each door
    /// words in its reader's language.
    #[error("{}", list_fields(.0))]
    Rejected(Vec<FieldError>),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("{0}")]
    Duplicate(String),
    #[error("not allowed")]
    Forbidden,
    /// Too many attempts at a secret (a password, a code, a token) from here or at this
    /// account: nothing was checked. Try again in `retry_after_secs`.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: i64 },
    /// Every place for a slow secret check is taken: nothing was checked; try again shortly.
    #[error("too many sign-ins are being checked at once; try again shortly")]
    Busy,
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// The deployment's configuration does not fit (a `[measures.*]` or `[signals]` entry):
    /// for the operator at start, never a user's input.
    #[error("configuration: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

fn list_fields(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::Rejected(vec![e])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, .. } => Self::NotFound(entity),
            StoreError::Conflict {
                entity,
                expected,
                actual,
                ..
            } => Self::Conflict {
                what: entity,
                expected,
                actual,
            },
            StoreError::Duplicate(m) => Self::Duplicate(m),
            StoreError::Unavailable(m) => Self::Unavailable(m),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// A domain check that names its field and rule: a refusal with its code.
macro_rules! rejected_from {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> Self {
                Self::Rejected(vec![FieldError::from(e)])
            }
        }
    )*};
}

rejected_from!(InventoryError, SessionError, TimelineError);
