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
use ipt_app::ports::ChangeSummary;
use ipt_app::usecases::analytics::{InstrumentOutcome, OutcomeSummary, SecondaryOutcome};

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
    pub secondary: Vec<SecondaryRow>,
    pub not_summarised: String,
}

/// One secondary measure in one format (or all formats together), formatted.
pub struct SecondaryRow {
    /// The questionnaire's name on its first line; empty on the lines under it.
    pub name: String,
    pub format: String,
    pub courses: String,
    pub mean_change: String,
    pub improved: String,
    pub reliably_improved: String,
    pub reliably_deteriorated: String,
    pub left_caseness: String,
    pub rules: String,
}

fn part(t: &Tr, count: u64, of: u64) -> String {
    if of == 0 {
        return "—".into();
    }
    t.with(
        "analytics-share",
        &[
            (
                "percent",
                t.number((count as f64 * 1000.0 / of as f64).round() / 10.0),
            ),
            ("n", count.to_string()),
        ],
    )
}

fn secondary_rows(t: &Tr, o: &SecondaryOutcome) -> Vec<SecondaryRow> {
    let direction = t.get(if o.higher_is_better {
        "analytics-secondary-higher"
    } else {
        "analytics-secondary-lower"
    });
    let reliable = match o.reliable_change {
        Some(p) => t.with("analytics-secondary-rci", &[("rci", t.number(p))]),
        None => t.get("analytics-secondary-no-rci"),
    };
    let caseness = match o.caseness {
        Some(c) => t.with(
            if c.at_or_below {
                "analytics-secondary-case-below"
            } else {
                "analytics-secondary-case-above"
            },
            &[("threshold", t.number(c.threshold))],
        ),
        None => t.get("analytics-secondary-no-case"),
    };
    let rules = format!("{direction} {reliable} {caseness}");
    let line = |name: String, format: String, s: &ChangeSummary, rules: String| SecondaryRow {
        name,
        format,
        courses: s.courses.to_string(),
        mean_change: s
            .mean_change
            .map(|m| crate::sessions::secondary::signed(t, m))
            .unwrap_or_else(|| "—".into()),
        improved: part(t, s.improved, s.courses),
        reliably_improved: if o.reliable_change.is_some() {
            part(t, s.reliably_improved, s.courses)
        } else {
            "—".into()
        },
        reliably_deteriorated: if o.reliable_change.is_some() {
            part(t, s.reliably_deteriorated, s.courses)
        } else {
            "—".into()
        },
        left_caseness: if o.caseness.is_some() {
            part(t, s.left_caseness, s.cases_at_start)
        } else {
            "—".into()
        },
        rules,
    };
    let mut rows = vec![line(
        o.name.clone(),
        t.get("analytics-secondary-all-formats"),
        &o.total(),
        rules,
    )];
    for f in &o.by_format {
        rows.push(line(
            String::new(),
            t.get(&format!("format-{}", f.format)),
            f,
            String::new(),
        ));
    }
    rows
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
            secondary,
            not_summarised,
        }) => AnalyticsPage {
            rows: instruments.iter().map(|o| row(&t, o)).collect(),
            secondary: secondary
                .iter()
                .filter(|o| !o.by_format.is_empty())
                .flat_map(|o| secondary_rows(&t, o))
                .collect(),
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
