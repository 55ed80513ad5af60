pub mod accounts;
pub mod analytics;
pub mod api;
pub mod api_tokens;
pub mod audit_trail;
pub mod diary;
pub mod ending;
pub mod export;
pub mod initial;
pub mod initial_phase;
pub mod inventory;
pub mod lists;
pub mod operations;
pub mod portal;
pub mod portal_access;
pub mod portal_plan;
pub mod progress;
pub mod reports;
pub mod safety;
pub mod seeding;
pub mod sessions;
pub mod sign_in;
pub mod supervision;
pub mod throttle;
pub mod timeline;
pub mod two_factor;
pub mod web_sessions;

/// A correction needs the version the user opened; a missing one is refused with the rest.
pub(crate) fn versioned<T>(
    version: Option<i64>,
    read: Result<T, Vec<ipt_domain::rule::FieldError>>,
) -> Result<T, crate::AppError> {
    match (version, read) {
        (Some(_), Ok(x)) => Ok(x),
        (None, read) => {
            let mut refused = vec![ipt_domain::rule::FieldError::new(
                "version",
                ipt_domain::rule::Code::VersionMissing,
            )];
            refused.extend(read.err().unwrap_or_default());
            Err(crate::AppError::Rejected(refused))
        }
        (Some(_), Err(refused)) => Err(crate::AppError::Rejected(refused)),
    }
}
