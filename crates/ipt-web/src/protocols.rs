//! The protocol catalogue, as a page and as JSON: which formats this deployment runs, with
//! their session counts and phase plans. Holds no patient data, so it needs no sign-in.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ipt_domain::protocol::{Phase, Protocol};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::schemas::{FormatCode, PhaseCode};
use crate::kit::PageCtx;

#[derive(Serialize, ToSchema)]
pub struct ProtocolSummary {
    #[schema(value_type = FormatCode)]
    pub format: &'static str,
    pub name: String,
    /// [min, max]
    #[schema(value_type = Vec<u16>, min_items = 2, max_items = 2)]
    pub sessions: (u16, u16),
    pub default_sessions: u16,
    pub phases: Vec<PhaseSummary>,
    pub recommended_instruments: Vec<String>,
    pub measure_every: u16,
}

#[derive(Serialize, ToSchema)]
pub struct PhaseSummary {
    #[schema(value_type = PhaseCode)]
    pub phase: &'static str,
    /// [first, last] of the format's default number of sessions
    #[schema(value_type = Option<Vec<u16>>, min_items = 2, max_items = 2)]
    pub sessions: Option<(u16, u16)>,
    pub tasks: Vec<String>,
}

fn summary(p: &Protocol) -> ProtocolSummary {
    let plan = p.phase_plan(p.default_sessions);
    let range = |phase: Phase| -> Option<(u16, u16)> {
        let ns: Vec<u16> = (1..=plan.total)
            .filter(|n| plan.phase_of(*n) == phase)
            .collect();
        Some((*ns.first()?, *ns.last()?))
    };
    ProtocolSummary {
        format: p.format.code(),
        name: p.name.clone(),
        sessions: (p.min_sessions, p.max_sessions),
        default_sessions: p.default_sessions,
        phases: p
            .phases()
            .iter()
            .map(|ph| PhaseSummary {
                phase: ph.code(),
                sessions: range(*ph),
                tasks: p
                    .tasks
                    .get(ph)
                    .map(|t| t.iter().map(|t| t.code()).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        recommended_instruments: p.recommended_instruments.clone(),
        measure_every: p.measure_every,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/protocols",
    operation_id = "listProtocols",
    tag = "Meta",
    summary = "The treatment formats this deployment runs (public: no sign-in)",
    security(()),
    responses((status = 200, description = "The protocol catalogue", body = Vec<ProtocolSummary>)),
)]
pub async fn json(State(state): State<AppState>) -> Json<Vec<ProtocolSummary>> {
    Json(state.app.protocols.all().iter().map(summary).collect())
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "pages/about.html")]
pub struct AboutPage {
    pub page: PageCtx,
    pub backend: &'static str,
}

/// What this server is, with links to the catalogue and the operator endpoints. No sign-in.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let user = crate::auth::identify(&state, &headers).await;
    let page = crate::kit::ctx(&headers, user.as_ref(), "about-title", "/about");
    AboutPage {
        backend: state.app.backend(),
        page,
    }
    .into_response()
}

/// One format as the page shows it, in the reader's language.
pub struct FormatRow {
    pub name: String,
    pub sessions: String,
    pub phases: Vec<String>,
    pub instruments: String,
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "pages/protocols.html")]
pub struct ProtocolsPage {
    pub page: PageCtx,
    pub rows: Vec<FormatRow>,
}

/// The treatment formats this deployment runs, with the phase boundaries of each format's
/// default number of sessions.
pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let user = crate::auth::identify(&state, &headers).await;
    let page = crate::kit::ctx(&headers, user.as_ref(), "protocols-title", "/protocols");
    let t = page.t;
    let rows = state
        .app
        .protocols
        .all()
        .iter()
        .map(|p| {
            let s = summary(p);
            FormatRow {
                name: crate::kit::format_label(&t, p.format),
                sessions: t.with(
                    "protocols-sessions-range",
                    &[
                        ("min", s.sessions.0.to_string()),
                        ("max", s.sessions.1.to_string()),
                        ("default", s.default_sessions.to_string()),
                    ],
                ),
                phases: s
                    .phases
                    .iter()
                    .map(|ph| {
                        let name = t.get(&format!("phase-{}", ph.phase));
                        match ph.sessions {
                            Some((a, b)) if a == b => t.with(
                                "protocols-phase-one",
                                &[("phase", name), ("n", a.to_string())],
                            ),
                            Some((a, b)) => t.with(
                                "protocols-phase-range",
                                &[
                                    ("phase", name),
                                    ("from", a.to_string()),
                                    ("to", b.to_string()),
                                ],
                            ),
                            None => name,
                        }
                    })
                    .collect(),
                instruments: s.recommended_instruments.join(", "),
            }
        })
        .collect();
    ProtocolsPage { page, rows }.into_response()
}
