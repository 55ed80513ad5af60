//! "My plan" on the portal: the formulation in the patient's wording, the focus areas explained
//! in plain words (each with its learning page), the goals with the patient's own 0–10 rating,
//! the actions agreed at the last session, the relapse-prevention plan and the next sessions.
//!
//! The patient's rating is kept on the goal, so the clinician's goal page shows the same
//! number; a rating made against a goal the clinician changed meanwhile is refused and asked
//! again, never saved over their change.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::usecases::portal::PortalPatient;
use ipt_app::usecases::portal_plan::PortalPlan;
use ipt_domain::course::{Goal, GoalStatus};
use ipt_domain::ids::GoalId;
use ipt_domain::problem_area::AreaKind;

use super::crisis::CrisisView;
use super::diary::{error_page, not_found};
use super::learn::topic_of_area;
use super::{PortalCtx, ctx};
use crate::AppState;
use crate::i18n::Tr;

/// A focus area in plain words, with its learning page.
pub struct AreaView {
    pub name: String,
    pub about: String,
    pub learn_href: String,
    pub learn_text: String,
}

pub struct GoalView {
    pub id: String,
    pub action: String,
    pub description: String,
    pub area: String,
    pub status: String,
    /// "5 out of 10", or "not rated yet".
    pub progress: String,
    /// Open goals can be rated.
    pub open: bool,
    pub version: i64,
    /// The rating shown selected in the form.
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/plan.html")]
pub struct PlanPage {
    pub page: PortalCtx,
    pub intro: String,
    pub no_course: Option<String>,
    pub formulation: Option<String>,
    pub focus: Vec<AreaView>,
    pub goals: Vec<GoalView>,
    /// ("From your session on …", what was agreed)
    pub actions: Option<(String, String)>,
    /// (what, text) of the relapse-prevention plan, and when it was written.
    pub relapse: Vec<(String, String)>,
    pub relapse_written: Option<String>,
    /// (what, text) of the safety plan, when it was written, and where to get help at once.
    pub safety: Vec<(String, String)>,
    pub safety_written: Option<String>,
    pub crisis: CrisisView,
    pub upcoming: Vec<String>,
    pub sessions_complete: bool,
    pub ratings: Vec<String>,
}

/// The patient's name for a problem area, and what it means, in plain words.
pub fn area_words(t: &Tr, area: AreaKind) -> (String, String) {
    (
        t.get(&format!("portal-plan-area-{}", area.code())),
        t.get(&format!("portal-plan-area-{}-about", area.code())),
    )
}

fn goal_view(t: &Tr, g: &Goal, pending: Option<(&str, String)>) -> GoalView {
    let (value, error) = match pending {
        Some((typed, error)) => (typed.to_string(), Some(error)),
        None => (g.progress.map(|p| p.to_string()).unwrap_or_default(), None),
    };
    GoalView {
        id: format!("goal-{}", g.id),
        action: format!("/portal/plan/goals/{}", g.id),
        description: g.description.clone(),
        area: area_words(t, g.area).0,
        status: t.get(&format!("portal-plan-goal-status-{}", g.status.code())),
        progress: match g.progress {
            Some(p) => t.with("portal-plan-goal-progress", &[("n", p.to_string())]),
            None => t.get("portal-plan-goal-not-rated"),
        },
        open: g.status == GoalStatus::Open,
        version: g.version,
        value,
        error,
    }
}

/// A refused rating: which goal, what was chosen, and why.
struct Pending {
    goal: GoalId,
    typed: String,
    error: String,
}

fn render(
    page: PortalCtx,
    plan: Option<&PortalPlan>,
    pending: Option<&Pending>,
    crisis: CrisisView,
) -> PlanPage {
    let t = page.t;
    let ratings = (0..=10).map(|n: u8| n.to_string()).collect();
    let Some(plan) = plan else {
        return PlanPage {
            intro: t.get("portal-plan-intro"),
            no_course: Some(t.get("portal-plan-no-course")),
            formulation: None,
            focus: vec![],
            goals: vec![],
            actions: None,
            relapse: vec![],
            relapse_written: None,
            safety: vec![],
            safety_written: None,
            crisis,
            upcoming: vec![],
            sessions_complete: false,
            ratings,
            page,
        };
    };
    let focus = plan
        .focus
        .iter()
        .map(|a| {
            let (name, about) = area_words(&t, *a);
            AreaView {
                learn_text: t.with("portal-plan-area-learn", &[("area", name.clone())]),
                name,
                about,
                learn_href: format!("/portal/learn/{}", topic_of_area(*a)),
            }
        })
        .collect();
    let goals = plan
        .goals
        .iter()
        .map(|g| {
            let mine = pending
                .filter(|p| p.goal == g.id)
                .map(|p| (p.typed.as_str(), p.error.clone()));
            goal_view(&t, g, mine)
        })
        .collect();
    let relapse = plan
        .relapse_plan
        .as_ref()
        .map(|r| {
            [
                ("warning", &r.warning_signs),
                ("triggers", &r.triggers),
                ("coping", &r.coping),
                ("supports", &r.supports),
                ("help", &r.seek_help),
            ]
            .into_iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(k, text)| {
                (
                    t.get(&format!("portal-plan-relapse-{k}")),
                    text.trim().to_string(),
                )
            })
            .collect()
        })
        .unwrap_or_default();
    PlanPage {
        intro: t.get("portal-plan-intro"),
        no_course: None,
        formulation: plan.formulation.clone(),
        focus,
        goals,
        actions: plan.actions.as_ref().map(|(d, text)| {
            (
                t.with("portal-plan-actions-from", &[("date", t.date(*d))]),
                text.clone(),
            )
        }),
        relapse,
        relapse_written: plan
            .relapse_plan
            .as_ref()
            .and_then(|r| r.written_on)
            .map(|d| t.with("portal-plan-relapse-written", &[("date", t.date(d))])),
        safety: plan
            .safety_plan
            .as_ref()
            .map(|p| {
                p.parts()
                    .into_iter()
                    .filter(|(_, text)| !text.trim().is_empty())
                    .map(|(k, text)| {
                        (
                            t.get(&format!("reports-plan-safety-{k}")),
                            text.trim().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        safety_written: plan
            .safety_plan
            .as_ref()
            .and_then(|p| p.written_on)
            .map(|d| t.with("portal-plan-relapse-written", &[("date", t.date(d))])),
        crisis,
        upcoming: plan.upcoming.iter().map(|d| t.date(*d)).collect(),
        sessions_complete: plan.sessions_complete,
        ratings,
        page,
    }
}

/// `GET /portal/plan`.
pub async fn page(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut page = ctx(&who, "portal-plan-title", "/portal/plan");
    if q.contains_key("rated") {
        page.notices.push(page.t.get("portal-plan-goal-saved"));
    }
    match state.app.portal_plan(&who).await {
        Ok(plan) => {
            let crisis = state.options.crisis.view(&page.t);
            render(page, plan.as_ref(), None, crisis).into_response()
        }
        Err(e) => error_page(page, &e),
    }
}

/// `POST /portal/plan/goals/{id}`: the patient's 0–10 rating of one of their open goals.
pub async fn rate_goal(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let page = ctx(&who, "portal-plan-title", "/portal/plan");
    let t = page.t;
    let Ok(goal) = id.parse::<GoalId>() else {
        return not_found(page);
    };
    let typed = form.get("progress").cloned().unwrap_or_default();
    let version = form
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok());
    let refusal = match state
        .app
        .portal_rate_goal(&who, goal, version, &typed)
        .await
    {
        Ok(_) => {
            return Redirect::to(&format!("/portal/plan?rated=1#goal-{goal}")).into_response();
        }
        Err(AppError::Conflict { .. }) => (
            StatusCode::CONFLICT,
            t.get("portal-plan-goal-error-conflict"),
        ),
        Err(AppError::Rejected(refused)) => (StatusCode::UNPROCESSABLE_ENTITY, t.rules(&refused)),
        Err(e) => return error_page(page, &e),
    };
    let plan = match state.app.portal_plan(&who).await {
        Ok(p) => p,
        Err(e) => return error_page(page, &e),
    };
    // The goal must be one of the patient's own, whatever the form said.
    if !plan
        .as_ref()
        .is_some_and(|p| p.goals.iter().any(|g| g.id == goal))
    {
        return not_found(page);
    }
    let pending = Pending {
        goal,
        typed,
        error: refusal.1,
    };
    let crisis = state.options.crisis.view(&page.t);
    (
        refusal.0,
        render(page, plan.as_ref(), Some(&pending), crisis),
    )
        .into_response()
}
