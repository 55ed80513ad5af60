//! Programme outcomes for supervisors and administrators: per instrument, the share of courses
//! that showed response, remission, reliable improvement and reliable deterioration. Aggregates
//! only; the page names no patient. The same figures are at `/api/v1/analytics/outcomes`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use ipt_app::usecases::analytics::{InstrumentOutcome, OutcomeSummary};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, ctx, fail};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/analytics", get(page))
        .route("/api/v1/analytics/outcomes", get(json))
}

/// One instrument's row, formatted for the reader's language.
pub struct Row {
    pub name: String,
    pub courses: String,
    pub response: String,
    pub remission: String,
    pub improved: String,
    pub deteriorated: String,
    pub rules: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/analytics.html")]
pub struct AnalyticsPage {
    pub page: PageCtx,
    pub rows: Vec<Row>,
    pub not_summarised: String,
}

fn share(t: &Tr, o: &InstrumentOutcome, count: u64) -> String {
    match o.rate(count) {
        Some(r) => t.with(
            "analytics-share",
            &[
                ("percent", t.number((r * 1000.0).round() / 10.0)),
                ("n", count.to_string()),
            ],
        ),
        None => "—".into(),
    }
}

fn row(t: &Tr, o: &InstrumentOutcome) -> Row {
    Row {
        name: o.name.clone(),
        courses: o.counts.courses.to_string(),
        response: share(t, o, o.counts.responders),
        remission: share(t, o, o.counts.remitters),
        improved: share(t, o, o.counts.reliably_improved),
        deteriorated: share(t, o, o.counts.reliably_deteriorated),
        rules: t.with(
            "analytics-rules",
            &[
                ("response", t.number(o.rules.response_percent)),
                ("remission", t.number(o.rules.remission_at_most)),
                ("rci", t.number(o.rules.reliable_change_points)),
                ("baseline", t.number(o.rules.min_baseline)),
            ],
        ),
    }
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Response {
    let page = ctx(&headers, Some(&user), "analytics-title", "/analytics");
    let t = page.t;
    match state.app.outcome_summary(&user.actor()).await {
        Ok(OutcomeSummary {
            instruments,
            not_summarised,
        }) => AnalyticsPage {
            rows: instruments.iter().map(|o| row(&t, o)).collect(),
            not_summarised: not_summarised.join(", "),
            page,
        }
        .into_response(),
        Err(e) => fail(page)(e).into_response(),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/analytics/outcomes",
    operation_id = "getProgrammeOutcomes",
    tag = "Analytics",
    summary = "Programme outcomes per instrument: response, remission, reliable change (supervisors and administrators)",
    responses(
        (status = 200, description = "The outcome figures", body = crate::api::schemas::OutcomeSummaryDoc),
        (status = 401, response = crate::api::problem::Unauthorised),
        (status = 429, response = crate::api::problem::TooManyRequests),
        (status = 403, response = crate::api::problem::Forbidden),
    ),
)]
pub async fn json(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Response {
    match state.app.outcome_summary(&user.actor()).await {
        Ok(summary) => Json(summary).into_response(),
        Err(e) => crate::api::problem::ApiProblem::from(e).into_response(),
    }
}
