//! Goals per focus area: add a goal, and rate its progress (0–10) and status as the course
//! goes on. Each goal is versioned: a stale save is refused and shows what is saved now.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_domain::course::{Goal, GoalInput, GoalStatus};
use ipt_domain::ids::{CourseId, GoalId};
use ipt_domain::problem_area::AreaKind;

use super::view::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, ctx, fail};

pub struct GoalForm {
    pub id: String,
    pub action: String,
    pub summary: String,
    pub inputs: Vec<Input>,
    pub version: i64,
    pub has_errors: bool,
    pub conflict: Option<String>,
}

pub struct AreaBlock {
    pub heading: String,
    pub in_focus: bool,
    pub goals: Vec<GoalForm>,
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions/goals.html")]
pub struct GoalsPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    pub can_write: bool,
    pub blocks: Vec<AreaBlock>,
    pub no_focus: Option<String>,
    pub add: Vec<Input>,
    pub add_errors: bool,
    pub add_action: String,
}

/// A goal form as typed.
#[derive(Debug, Clone, Default)]
struct Typed {
    area: String,
    description: String,
    progress: String,
    status: String,
}

impl Typed {
    fn from_form(f: &FormData) -> Self {
        Self {
            area: f.get("area"),
            description: f.get("description"),
            progress: f.get("progress"),
            status: f.get("status"),
        }
    }
    /// What was typed, as the core reads it; a correction's form has no area (it keeps it).
    fn input(&self, adding: bool) -> GoalInput {
        GoalInput {
            area: adding.then(|| self.area.clone()),
            description: self.description.clone(),
            progress: Some(self.progress.clone()),
            status: (!adding || !self.status.is_empty()).then(|| self.status.clone()),
        }
    }

    fn of(g: &Goal) -> Self {
        Self {
            area: g.area.code().to_string(),
            description: g.description.clone(),
            progress: g.progress.map(|p| p.to_string()).unwrap_or_default(),
            status: g.status.code().to_string(),
        }
    }
}

/// What the page shows besides the saved goals: a form being corrected.
enum Pending<'a> {
    None,
    Add(&'a Typed, Errors),
    Edit {
        goal: GoalId,
        typed: &'a Typed,
        errors: Errors,
        /// After a refused stale save: the goal as saved now.
        saved: Option<&'a Goal>,
    },
}

fn status_options(t: &Tr) -> Vec<(String, String)> {
    GoalStatus::ALL
        .iter()
        .map(|s| {
            (
                s.code().to_string(),
                t.get(&format!("sessions-goal-status-{}", s.code())),
            )
        })
        .collect()
}

fn goal_form(t: &Tr, course: CourseId, g: &Goal, pending: &Pending<'_>) -> GoalForm {
    let scope = format!("goal-{}", g.id);
    let (typed, errors, saved, version) = match pending {
        Pending::Edit {
            goal,
            typed,
            errors,
            saved,
        } if *goal == g.id => (
            (*typed).clone(),
            errors.clone(),
            saved.map(Typed::of),
            saved.map(|s| s.version).unwrap_or(g.version),
        ),
        _ => (Typed::of(g), Errors::new(), None, g.version),
    };
    let sv = |pick: fn(&Typed) -> String| saved.as_ref().map(pick);
    let inputs = vec![
        input(
            "description",
            t.get("sessions-goal-description"),
            "textarea",
            &typed.description,
        )
        .scoped(&scope)
        .required()
        .error_from(&errors)
        .saved_from(sv(|s| s.description.clone()).as_deref(), t),
        input(
            "progress",
            t.get("sessions-goal-progress"),
            "number",
            &typed.progress,
        )
        .scoped(&scope)
        .range(0, 10)
        .hint(t.get("sessions-goal-progress-hint"))
        .error_from(&errors)
        .saved_from(sv(|s| s.progress.clone()).as_deref(), t),
        input(
            "status",
            t.get("sessions-goal-status"),
            "select",
            &typed.status,
        )
        .scoped(&scope)
        .options(status_options(t))
        .error_from(&errors)
        .saved_from(sv(|s| s.status.clone()).as_deref(), t),
    ];
    GoalForm {
        id: scope,
        action: format!("/courses/{course}/goals/{}", g.id),
        summary: g.description.clone(),
        has_errors: !errors.is_empty(),
        conflict: saved.as_ref().map(|_| t.get("sessions-goal-conflict")),
        inputs,
        version,
    }
}

fn goals_page(l: Loaded, pending: Pending<'_>) -> GoalsPage {
    let t = l.page.t;
    let c = &l.view.course;
    let focus: Vec<AreaKind> = c
        .focus
        .as_ref()
        .map(|f| f.areas().iter().map(|a| a.kind()).collect())
        .unwrap_or_default();
    // Focus areas first, then any other area a goal was set for.
    let mut kinds = focus.clone();
    for g in &l.view.goals {
        if !kinds.contains(&g.area) {
            kinds.push(g.area);
        }
    }
    let blocks = kinds
        .iter()
        .map(|k| AreaBlock {
            heading: t.get(&format!("area-{}", k.code())),
            in_focus: focus.contains(k),
            goals: l
                .view
                .goals
                .iter()
                .filter(|g| g.area == *k)
                .map(|g| goal_form(&t, c.id, g, &pending))
                .collect(),
        })
        .collect();
    let (typed, errors) = match &pending {
        Pending::Add(typed, errors) => ((*typed).clone(), errors.clone()),
        _ => (
            Typed {
                area: focus
                    .first()
                    .map(|k| k.code().to_string())
                    .unwrap_or_default(),
                ..Default::default()
            },
            Errors::new(),
        ),
    };
    let area_choices: Vec<AreaKind> = if focus.is_empty() {
        AreaKind::ALL.to_vec()
    } else {
        focus.clone()
    };
    let add = vec![
        input("area", t.get("sessions-goal-area"), "select", &typed.area)
            .scoped("new")
            .options(
                area_choices
                    .iter()
                    .map(|k| (k.code().to_string(), t.get(&format!("area-{}", k.code()))))
                    .collect(),
            )
            .error_from(&errors),
        input(
            "description",
            t.get("sessions-goal-description"),
            "textarea",
            &typed.description,
        )
        .scoped("new")
        .hint(t.get("sessions-goal-description-hint"))
        .required()
        .error_from(&errors),
        input(
            "progress",
            t.get("sessions-goal-progress"),
            "number",
            &typed.progress,
        )
        .scoped("new")
        .range(0, 10)
        .hint(t.get("sessions-goal-progress-hint"))
        .error_from(&errors),
    ];
    GoalsPage {
        heading: t.get("sessions-goals-title"),
        can_write: l.can_write,
        blocks,
        no_focus: focus.is_empty().then(|| t.get("sessions-goals-no-focus")),
        add,
        add_errors: !errors.is_empty(),
        add_action: format!("/courses/{}/goals", c.id),
        header: l.header,
        page: l.page,
    }
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<GoalsPage, PageError> {
    let page = notices(
        ctx(
            &headers,
            Some(&user),
            "sessions-goals-title",
            &format!("/courses/{id}/goals"),
        ),
        &q,
    );
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    Ok(goals_page(l, Pending::None))
}

/// The fields of the goal forms that show their own refusal.
const SLOTS: &[&str] = &["area", "description", "progress", "status"];

pub async fn add(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let page = ctx(
        &headers,
        Some(&user),
        "sessions-goals-title",
        &format!("/courses/{id}/goals"),
    );
    let (page, id) = match parse_course(page, &id) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let actor = user.actor();
    let course = match state.app.writable_course(&actor, id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let typed = Typed::from_form(&FormData(form));
    let refused = match state
        .app
        .enter_goal(&actor, &course, &typed.input(true))
        .await
    {
        Ok(g) => {
            return Redirect::to(&format!(
                "/courses/{id}/goals?notice=goal-added#goal-{}",
                g.id
            ))
            .into_response();
        }
        Err(AppError::Rejected(refused)) => refused,
        Err(e) => return fail(page)(e).into_response(),
    };
    let (errors, rest) = place(&page.t, &refused, SLOTS);
    if !rest.is_empty() {
        return fail(page)(AppError::Rejected(refused)).into_response();
    }
    match load(&state, &user, page, id).await {
        Ok(l) => {
            let p = goals_page(l, Pending::Add(&typed, errors));
            (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, gid)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let page = ctx(
        &headers,
        Some(&user),
        "sessions-goals-title",
        &format!("/courses/{id}/goals"),
    );
    let (page, id) = match parse_course(page, &id) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let Ok(goal_id) = gid.parse::<GoalId>() else {
        return not_found(page).into_response();
    };
    let actor = user.actor();
    let course = match state.app.writable_course(&actor, id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let data = FormData(form);
    let typed = Typed::from_form(&data);
    let saved = state
        .app
        .correct_goal(
            &actor,
            &course,
            goal_id,
            data.version(),
            &typed.input(false),
        )
        .await;
    let (errors, conflict) = match saved {
        Ok(g) => {
            return Redirect::to(&format!(
                "/courses/{id}/goals?notice=goal-saved#goal-{}",
                g.id
            ))
            .into_response();
        }
        Err(AppError::Rejected(refused)) => {
            let (errors, rest) = place(&page.t, &refused, SLOTS);
            if !rest.is_empty() {
                return fail(page)(AppError::Rejected(refused)).into_response();
            }
            (errors, false)
        }
        Err(AppError::Conflict { .. }) => (Errors::new(), true),
        Err(e) => return fail(page)(e).into_response(),
    };
    // Refused or stale: the goals again, as they are now, with this one's form as typed.
    let l = match load(&state, &user, page, id).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let Some(stored) = l.view.goals.iter().find(|g| g.id == goal_id).cloned() else {
        return not_found(l.page).into_response();
    };
    let p = goals_page(
        l,
        Pending::Edit {
            goal: stored.id,
            typed: &typed,
            errors,
            saved: conflict.then_some(&stored),
        },
    );
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, p).into_response()
}
