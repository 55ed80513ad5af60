//! The protocol catalogue, as a page and as JSON: which formats this deployment runs, with
//! their session counts and phase plans. Holds no patient data, so it needs no sign-in.

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use ipt_domain::protocol::{Phase, Protocol};
use serde::Serialize;

use crate::AppState;

#[derive(Serialize)]
pub struct ProtocolSummary {
    pub format: &'static str,
    pub name: String,
    pub sessions: (u16, u16),
    pub default_sessions: u16,
    pub phases: Vec<PhaseSummary>,
    pub recommended_instruments: Vec<String>,
    pub measure_every: u16,
}

#[derive(Serialize)]
pub struct PhaseSummary {
    pub phase: &'static str,
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

pub async fn json(State(state): State<AppState>) -> Json<Vec<ProtocolSummary>> {
    Json(state.app.protocols.all().iter().map(summary).collect())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn layout(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · IPT Workbench</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}}\
         table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}}\
         a{{color:#0b4f8a}}</style></head><body><header><p><a href=\"/\">IPT Workbench</a></p></header>\
         <main>{}</main></body></html>",
        esc(title),
        body
    ))
}

pub async fn index(State(state): State<AppState>) -> Html<String> {
    let body = format!(
        "<h1>IPT Workbench</h1>\
         <p>Software for delivering Interpersonal Psychotherapy for depression. This server stores its \
         data in {backend}.</p>\
         <ul><li><a href=\"/protocols\">Treatment formats and their phases</a></li>\
         <li><a href=\"/api/v1/protocols\">The same catalogue as JSON</a></li>\
         <li><a href=\"/healthz\">Health</a> and <a href=\"/readyz\">readiness</a></li>\
         <li><a href=\"/metrics\">Metrics</a> (Prometheus)</li></ul>",
        backend = esc(state.app.store.backend())
    );
    layout("Home", &body)
}

pub async fn page(State(state): State<AppState>) -> Html<String> {
    let mut rows = String::new();
    for p in state.app.protocols.all() {
        let s = summary(p);
        let phases: Vec<String> = s
            .phases
            .iter()
            .map(|ph| match ph.sessions {
                Some((a, b)) if a == b => format!("{}: session {a}", ph.phase),
                Some((a, b)) => format!("{}: sessions {a}–{b}", ph.phase),
                None => ph.phase.to_string(),
            })
            .collect();
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}–{} (default {})</td><td>{}</td><td>{}</td></tr>",
            esc(&s.name),
            s.sessions.0,
            s.sessions.1,
            s.default_sessions,
            esc(&phases.join("; ")),
            esc(&s.recommended_instruments.join(", "))
        ));
    }
    let body = format!(
        "<h1>Treatment formats</h1><p>Phase boundaries shown for each format's default number of sessions. \
         A deployment can change them in <code>ipt.toml</code>.</p>\
         <table><caption>Formats</caption><thead><tr><th scope=\"col\">Format</th><th scope=\"col\">Sessions</th>\
         <th scope=\"col\">Phases</th><th scope=\"col\">Recommended measures</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    layout("Treatment formats", &body)
}
