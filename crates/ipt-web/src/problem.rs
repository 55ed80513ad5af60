//! RFC 9457 problem details for the JSON API, mapped from app errors.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ipt_app::AppError;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(self)).into_response();
        r.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/problem+json"),
        );
        r
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        let (status, title) = match &e {
            AppError::Rejected(_) | AppError::Transition(_) => {
                (422, "The request could not be applied")
            }
            AppError::NotFound(_) | AppError::Forbidden => (404, "Not found"),
            AppError::Conflict { .. } => (409, "Changed by someone else"),
            AppError::Duplicate(_) => (409, "Already exists"),
            AppError::Unavailable(_) | AppError::Busy => (503, "Service unavailable"),
            AppError::Throttled { .. } => (429, "Too many requests"),
            AppError::Internal(_) | AppError::Config(_) => (500, "Internal error"),
        };
        let detail = match &e {
            // Denied answers like missing, so the existence of a record is not revealed.
            AppError::Forbidden => "not found".to_string(),
            AppError::Internal(m) | AppError::Config(m) => {
                tracing::error!(error = %m, "internal error");
                "something went wrong on our side; it has been logged".to_string()
            }
            AppError::Rejected(errors) => crate::i18n::Tr::new(crate::i18n::Lang::En).rules(errors),
            other => other.to_string(),
        };
        Problem {
            kind: "about:blank",
            title,
            status,
            detail,
        }
    }
}

pub async fn not_found() -> Problem {
    Problem {
        kind: "about:blank",
        title: "Not found",
        status: 404,
        detail: "there is nothing at this address".into(),
    }
}
