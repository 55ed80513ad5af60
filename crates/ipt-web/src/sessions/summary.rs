//! The printable course summary: who, when, which format, sessions attended of those planned,
//! focus areas, scores from baseline to the latest with their change, goals, the
//! relapse-prevention plan and the maintenance decision. The print styles hide navigation and
//! forms, so the page prints as a clean document.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use ipt_domain::session::Attendance;

use super::outcomes::{GoalLine, ScoreReview, goal_lines, score_review};
use super::view::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::kit::{PageCtx, PageError, attended_label, ctx, format_label};

#[derive(Template, WebTemplate)]
#[template(path = "sessions/summary.html")]
pub struct SummaryPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    /// (label, value)
    pub facts: Vec<(String, String)>,
    pub scores: ScoreReview,
    pub secondary: super::secondary::SecondaryPanel,
    pub goals: Vec<GoalLine>,
    pub gains: Option<String>,
    pub plan: Vec<(String, String)>,
    pub decision: Vec<(String, String)>,
    pub alternatives: Vec<String>,
    pub printed: String,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<SummaryPage, PageError> {
    let page = notices(
        ctx(
            &headers,
            Some(&user),
            "sessions-summary-title",
            &format!("/courses/{id}/summary"),
        ),
        &q,
    );
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    let t = l.page.t;
    let c = &l.view.course;
    let p = &l.view.patient;
    let not_set = || t.get("not-set");
    let clinician = state
        .app
        .user(c.clinician)
        .await
        .ok()
        .flatten()
        .map(|u| u.display_name)
        .unwrap_or_else(not_set);
    let attended = l
        .view
        .sessions
        .iter()
        .filter(|s| s.attendance == Attendance::Attended)
        .count();
    let focus = c
        .focus
        .as_ref()
        .map(|f| {
            f.areas()
                .iter()
                .map(|a| {
                    let base = t.get(&format!("area-{}", a.kind().code()));
                    match a.stage() {
                        Some(s) => format!("{base} ({})", t.get(&format!("stage-{}", s.code()))),
                        None => base,
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(not_set);
    let mut facts = vec![(
        t.get("sessions-summary-patient"),
        p.name.as_str().to_string(),
    )];
    if let Some(d) = p.date_of_birth {
        facts.push((t.get("patient-dob"), t.date(d)));
    }
    facts.extend([
        (t.get("patient-format"), format_label(&t, c.format)),
        (t.get("course-status"), l.header.status.clone()),
        (t.get("sessions-summary-clinician"), clinician),
        (t.get("sessions-summary-started"), t.date(c.started_on)),
        (
            t.get("sessions-summary-ended"),
            c.ended_on.map(|d| t.date(d)).unwrap_or_else(not_set),
        ),
        (
            t.get("sessions-summary-sessions"),
            attended_label(&t, c, attended),
        ),
        (
            t.get("course-diagnosis"),
            c.diagnosis
                .as_ref()
                .map(|d| d.statement.clone())
                .unwrap_or_else(not_set),
        ),
        (t.get("course-focus"), focus),
    ]);
    let plan = c
        .relapse_plan
        .as_ref()
        .map(|r| {
            [
                ("warning_signs", r.warning_signs.clone()),
                ("triggers", r.triggers.clone()),
                ("coping", r.coping.clone()),
                ("supports", r.supports.clone()),
                ("seek_help", r.seek_help.clone()),
                (
                    "written_on",
                    r.written_on.map(|d| t.date(d)).unwrap_or_default(),
                ),
            ]
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (t.get(&format!("sessions-field-{k}")), v))
            .collect()
        })
        .unwrap_or_default();
    let decision = c
        .maintenance
        .as_ref()
        .map(|m| {
            let mut v = vec![
                (
                    t.get("sessions-field-choice"),
                    t.get(&format!("sessions-choice-{}", m.choice.code())),
                ),
                (t.get("sessions-field-decided_on"), t.date(m.decided_on)),
            ];
            if !m.rationale.trim().is_empty() {
                v.push((t.get("sessions-field-rationale"), m.rationale.clone()));
            }
            v
        })
        .unwrap_or_default();
    let gains = c
        .termination
        .as_ref()
        .map(|r| r.gains.clone())
        .filter(|g| !g.trim().is_empty());
    Ok(SummaryPage {
        heading: t.get("sessions-summary-title"),
        facts,
        scores: score_review(&t, &l.protocol, &l.view.assessments),
        secondary: super::secondary::secondary_panel(&t, &l.view.secondary_outcomes()),
        goals: goal_lines(&t, &l.view.goals),
        gains,
        plan,
        decision,
        alternatives: ["medication", "other-therapy", "combined", "referral"]
            .iter()
            .map(|k| t.get(&format!("sessions-alternative-{k}")))
            .collect(),
        printed: t.with(
            "sessions-summary-printed",
            &[("date", t.date(state.app.today()))],
        ),
        header: l.header,
        page: l.page,
    })
}
