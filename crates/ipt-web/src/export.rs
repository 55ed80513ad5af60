//! The research export for administrators: `/admin/export` explains what the file holds and
//! what it never holds, and its form returns the pseudonymous CSV of every final assessment
//! (`ipt_app::usecases::export`). Everyone else gets "not found", like the other admin pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use ipt_app::AppError;
use ipt_app::usecases::export::{DATE_SHIFT_MAX_DAYS, ExportError, ExportOptions};
use ipt_domain::authz::Role;
use serde::Deserialize;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::kit::{PageCtx, PageError, ctx};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/export", get(page).post(download))
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/export.html")]
pub struct ExportPage {
    pub page: PageCtx,
    pub date_shift_hint: String,
}

/// The page context, or "not found" for anyone but an administrator.
fn admin_only(page: PageCtx, user: &CurrentUser) -> Result<PageCtx, Box<PageError>> {
    if user.role != Role::Admin {
        return Err(Box::new(PageError {
            page,
            error: AppError::Forbidden,
        }));
    }
    Ok(page)
}

pub async fn page(
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<ExportPage, PageError> {
    let page = admin_only(
        ctx(&headers, Some(&user), "export-title", "/admin/export"),
        &user,
    )
    .map_err(|e| *e)?;
    let date_shift_hint = page.t.with(
        "export-date-shift-hint",
        &[("days", DATE_SHIFT_MAX_DAYS.to_string())],
    );
    Ok(ExportPage {
        page,
        date_shift_hint,
    })
}

#[derive(Deserialize, Default)]
pub struct ExportForm {
    #[serde(default)]
    date_shift: String,
    /// `assessments` (the default) or `relationships`.
    #[serde(default)]
    what: String,
}

pub async fn download(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(f): Form<ExportForm>,
) -> Result<Response, PageError> {
    let page = admin_only(
        ctx(&headers, Some(&user), "export-title", "/admin/export"),
        &user,
    )
    .map_err(|e| *e)?;
    let options = ExportOptions {
        date_shift: !f.date_shift.trim().is_empty(),
    };
    let mut csv = Vec::new();
    let relationships = f.what == "relationships";
    let result = if relationships {
        state
            .app
            .export_relationships(&user.actor(), options, &mut csv)
            .await
    } else {
        state
            .app
            .export_assessments(&user.actor(), options, &mut csv)
            .await
    };
    let report = match result {
        Ok(r) => r,
        Err(ExportError::App(error)) => return Err(PageError { page, error }),
        Err(ExportError::Write(e)) => {
            return Err(PageError {
                page,
                error: AppError::Internal(format!("research export: {e}")),
            });
        }
    };
    // Counts only: the log never carries patient data.
    tracing::info!(
        rows = report.rows,
        patients = report.patients,
        date_shift = report.date_shift,
        "research export downloaded"
    );
    let fmt = time::macros::format_description!("[year][month][day]");
    let stamp = state.app.today().format(fmt).unwrap_or_default();
    let what = if relationships {
        "relationships"
    } else {
        "assessments"
    };
    let disposition = format!("attachment; filename=\"ipt-{what}-{stamp}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv,
    )
        .into_response())
}
