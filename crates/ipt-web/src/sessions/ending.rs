//! The ending of a course (reference §1.1, termination tasks): review of gains (scores from
//! baseline to now, goals, the closeness circle at the start against now), feelings about
//! ending, the relapse-prevention plan, the maintenance decision, and the non-response path.
//!
//! When the scores show the treatment has not helped enough, the page says so plainly and puts
//! it on the treatment, never on the patient, and lists the alternatives to review.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_domain::course::{Course, CourseStatus, MaintenanceChoice};
use ipt_domain::ending::{MaintenanceDecisionInput, RelapsePlanInput, TerminationReviewInput};
use time::Date;

use super::outcomes::{
    CircleReview, GoalLine, ScoreReview, circle_review, goal_lines, score_review,
};
use super::view::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, ctx, fail, guard_label};
use crate::refusals::place;

pub struct Completion {
    pub label: String,
    pub unmet: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions/ending.html")]
pub struct EndingPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    pub can_write: bool,
    pub phase_note: Option<String>,
    pub scores: ScoreReview,
    pub goals: Vec<GoalLine>,
    pub circle: CircleReview,
    pub secondary: super::secondary::SecondaryPanel,
    pub measures_link: String,
    pub goals_link: String,
    pub review: FormBlock,
    pub plan: FormBlock,
    pub decision: FormBlock,
    pub choices: CheckGroup,
    pub alternatives: Vec<String>,
    pub maintenance_action: Option<String>,
    pub maintenance_link: Option<String>,
    pub completion: Vec<Completion>,
    pub course_link: String,
}

/// Which form was posted, with what was typed and what is wrong with it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    None,
    Review,
    Plan,
    Decision,
}

type Pending<'a> = super::view::Pending<'a, Which>;

fn iso(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The saved values of one form, by field name.
fn saved_review(c: &Course, today: Date) -> HashMap<&'static str, String> {
    let r = c.termination.clone().unwrap_or_default();
    HashMap::from([
        ("gains", r.gains),
        ("feelings_about_ending", r.feelings_about_ending),
        ("non_response_plan", r.non_response_plan),
        ("reviewed_on", iso(r.reviewed_on.or(Some(today)))),
    ])
}

fn saved_plan(c: &Course, today: Date) -> HashMap<&'static str, String> {
    let p = c.relapse_plan.clone().unwrap_or_default();
    HashMap::from([
        ("warning_signs", p.warning_signs),
        ("triggers", p.triggers),
        ("coping", p.coping),
        ("supports", p.supports),
        ("seek_help", p.seek_help),
        ("written_on", iso(p.written_on.or(Some(today)))),
    ])
}

fn saved_decision(c: &Course, today: Date) -> HashMap<&'static str, String> {
    let d = c.maintenance.as_ref();
    HashMap::from([
        (
            "choice",
            d.map(|d| d.choice.code().to_string()).unwrap_or_default(),
        ),
        (
            "rationale",
            d.map(|d| d.rationale.clone()).unwrap_or_default(),
        ),
        (
            "decided_on",
            iso(Some(d.map(|d| d.decided_on).unwrap_or(today))),
        ),
    ])
}

/// Build one form: its inputs show what was typed when it is the posted form, else what is saved.
#[allow(clippy::too_many_arguments)]
fn block(
    t: &Tr,
    which: Which,
    pending: &Pending<'_>,
    saved: &HashMap<&'static str, String>,
    fields: &[(&'static str, &'static str, Option<&'static str>, bool)],
    action: String,
    version: i64,
) -> FormBlock {
    let mine = pending.which == which;
    let inputs = fields
        .iter()
        .filter(|(name, ..)| *name != "choice")
        .map(|(name, kind, hint, required)| {
            let value = if mine {
                pending.typed.get(name)
            } else {
                saved.get(name).cloned().unwrap_or_default()
            };
            let mut i = input(name, t.get(&format!("sessions-field-{name}")), kind, &value);
            if let Some(h) = hint {
                i = i.hint(t.get(h));
            }
            if *required {
                i = i.required();
            }
            if mine {
                i = i.error_from(&pending.errors);
                if pending.conflict {
                    i = i.saved_from(saved.get(name).map(String::as_str), t);
                }
            }
            i
        })
        .collect();
    pending.block(t, which, inputs, action, version)
}

async fn ending_page(
    state: &AppState,
    user: &CurrentUser,
    l: Loaded,
    pending: Pending<'_>,
) -> EndingPage {
    let t = l.page.t;
    let c = &l.view.course;
    let today = state.app.today();
    let id = c.id;
    let scores = score_review(&t, &l.protocol, &l.view.assessments);
    let review = block(
        &t,
        Which::Review,
        &pending,
        &saved_review(c, today),
        &[
            (
                "gains",
                "textarea",
                Some("sessions-field-gains-hint"),
                false,
            ),
            (
                "feelings_about_ending",
                "textarea",
                Some("sessions-field-feelings_about_ending-hint"),
                false,
            ),
            (
                "non_response_plan",
                "textarea",
                Some("sessions-field-non_response_plan-hint"),
                false,
            ),
            ("reviewed_on", "date", None, true),
        ],
        format!("/courses/{id}/termination/review"),
        c.version,
    );
    let plan = block(
        &t,
        Which::Plan,
        &pending,
        &saved_plan(c, today),
        &[
            (
                "warning_signs",
                "textarea",
                Some("sessions-field-warning_signs-hint"),
                true,
            ),
            (
                "triggers",
                "textarea",
                Some("sessions-field-triggers-hint"),
                false,
            ),
            (
                "coping",
                "textarea",
                Some("sessions-field-coping-hint"),
                false,
            ),
            (
                "supports",
                "textarea",
                Some("sessions-field-supports-hint"),
                false,
            ),
            (
                "seek_help",
                "textarea",
                Some("sessions-field-seek_help-hint"),
                true,
            ),
            ("written_on", "date", None, true),
        ],
        format!("/courses/{id}/termination/relapse-plan"),
        c.version,
    );
    let saved_choice = saved_decision(c, today);
    let decision = block(
        &t,
        Which::Decision,
        &pending,
        &saved_choice,
        &[
            (
                "rationale",
                "textarea",
                Some("sessions-field-rationale-hint"),
                false,
            ),
            ("decided_on", "date", None, true),
        ],
        format!("/courses/{id}/termination/maintenance"),
        c.version,
    );
    let mine = pending.which == Which::Decision;
    let chosen = if mine {
        pending.typed.get("choice")
    } else {
        saved_choice.get("choice").cloned().unwrap_or_default()
    };
    let mut choices = check_group(
        "choice",
        "choice",
        t.get("sessions-field-choice"),
        MaintenanceChoice::ALL
            .iter()
            .map(|m| Check {
                id: format!("choice-{}", m.code().replace('_', "-")),
                value: m.code().to_string(),
                label: t.get(&format!("sessions-choice-{}", m.code())),
                hint: Some(t.get(&format!("sessions-choice-{}-hint", m.code()))),
                checked: chosen == m.code(),
            })
            .collect(),
    )
    .radio();
    if mine {
        choices.error = pending.errors.get("choice").cloned();
        if pending.conflict {
            choices = choices.saved_from(
                saved_choice
                    .get("choice")
                    .filter(|c| !c.is_empty())
                    .map(|c| vec![c.clone()]),
                &t,
            );
        }
    }
    let decided_maintenance = c
        .maintenance
        .as_ref()
        .is_some_and(|m| m.choice.continues_in_maintenance_ipt());
    let existing = if decided_maintenance {
        state
            .app
            .continuation_of(&user.actor(), id)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let maintenance_link = existing.as_ref().map(|m| format!("/courses/{}", m.id));
    let maintenance_action = (decided_maintenance && existing.is_none() && l.can_write)
        .then(|| format!("/courses/{id}/termination/start-maintenance"));
    // What still stands between the course and its close, from the course's own guards.
    let facts = Some(l.view.facts(&l.protocol, l.open_alerts.len()));
    let completion = c
        .next_statuses()
        .into_iter()
        .filter(|s| {
            matches!(
                s,
                CourseStatus::Completed | CourseStatus::ContinuedInMaintenance
            )
        })
        .map(|s| Completion {
            label: t.with(
                "sessions-completion-to",
                &[("status", crate::kit::status_label(&t, &s))],
            ),
            unmet: facts
                .as_ref()
                .map(|f| {
                    state
                        .app
                        .unmet_guards(c, &s, f)
                        .iter()
                        .map(|g| guard_label(&t, g, &l.protocol))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let phase_note = (c.status != CourseStatus::Active(ipt_domain::protocol::Phase::Termination))
        .then(|| {
            t.with(
                "sessions-ending-phase-note",
                &[("status", crate::kit::status_label(&t, &c.status))],
            )
        });
    EndingPage {
        heading: t.get("sessions-ending-title"),
        can_write: l.can_write,
        phase_note,
        goals: goal_lines(&t, &l.view.goals),
        circle: circle_review(&t, &l.view.snapshots, &l.view.inventory),
        secondary: super::secondary::secondary_panel(&t, &l.view.secondary_outcomes()),
        measures_link: format!("/courses/{id}/measures"),
        goals_link: format!("/courses/{id}/goals"),
        scores,
        review,
        plan,
        decision,
        choices,
        alternatives: ["medication", "other-therapy", "combined", "referral"]
            .iter()
            .map(|k| t.get(&format!("sessions-alternative-{k}")))
            .collect(),
        maintenance_action,
        maintenance_link,
        completion,
        course_link: format!("/courses/{id}"),
        header: l.header,
        page: l.page,
    }
}

fn path_of(id: &str) -> String {
    format!("/courses/{id}/termination")
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<EndingPage, PageError> {
    let page = notices(
        ctx(
            &headers,
            Some(&user),
            "sessions-ending-title",
            &path_of(&id),
        ),
        &q,
    );
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    Ok(ending_page(&state, &user, l, Pending::none(Which::None)).await)
}

/// Load the course for a change; refused (404) when the user may not change it.
async fn writable(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: &str,
) -> Result<Loaded, PageError> {
    load_writable(
        state,
        user,
        headers,
        "sessions-ending-title",
        &path_of(id),
        id,
    )
    .await
}

/// The fields of each form, where its refusals are shown.
impl Which {
    fn slots(self) -> &'static [&'static str] {
        match self {
            Which::None => &[],
            Which::Review => &[
                "gains",
                "feelings_about_ending",
                "non_response_plan",
                "reviewed_on",
            ],
            Which::Plan => &[
                "warning_signs",
                "triggers",
                "coping",
                "supports",
                "seek_help",
                "written_on",
            ],
            Which::Decision => &["choice", "rationale", "decided_on"],
        }
    }
}

/// Save one of the forms: re-show the page with the typed values on a refusal (each at its
/// field, any other above the form) or a stale version, else go back to the page with a notice.
async fn finish(
    state: &AppState,
    user: &CurrentUser,
    l: Loaded,
    which: Which,
    data: &FormData,
    result: Result<Course, AppError>,
    notice: &str,
) -> Response {
    match result {
        Ok(c) => {
            Redirect::to(&format!("/courses/{}/termination?notice={notice}", c.id)).into_response()
        }
        Err(AppError::Conflict { .. }) => {
            // Show the saved values as they are now, with the new version to save over them.
            let fresh = match load(state, user, l.page, l.view.course.id).await {
                Ok(f) => f,
                Err(e) => return e.into_response(),
            };
            let p = ending_page(
                state,
                user,
                fresh,
                Pending {
                    which,
                    typed: data,
                    errors: Errors::new(),
                    form_error: None,
                    conflict: true,
                },
            )
            .await;
            (StatusCode::CONFLICT, p).into_response()
        }
        Err(AppError::Rejected(refused)) => {
            let (errors, rest) = place(&l.page.t, &refused, which.slots());
            let form_error = (!rest.is_empty()).then(|| rest.join(" "));
            let p = ending_page(
                state,
                user,
                l,
                Pending {
                    which,
                    typed: data,
                    errors,
                    form_error,
                    conflict: false,
                },
            )
            .await;
            (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
        }
        Err(e) => fail(l.page)(e).into_response(),
    }
}

/// A form's field as the core reads it: the page always sends its fields, so an absent one
/// counts as cleared.
fn field(data: &FormData, name: &str) -> Option<String> {
    Some(data.get(name))
}

pub async fn save_review(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = match writable(&state, &user, &headers, &id).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let data = FormData(form);
    let input = TerminationReviewInput {
        gains: data.get("gains"),
        feelings_about_ending: data.get("feelings_about_ending"),
        non_response_plan: data.get("non_response_plan"),
        reviewed_on: field(&data, "reviewed_on"),
    };
    let result = state
        .app
        .enter_termination_review(&user.actor(), l.view.course.id, data.version(), &input)
        .await;
    finish(
        &state,
        &user,
        l,
        Which::Review,
        &data,
        result,
        "review-saved",
    )
    .await
}

pub async fn save_plan(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = match writable(&state, &user, &headers, &id).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let data = FormData(form);
    let input = RelapsePlanInput {
        warning_signs: data.get("warning_signs"),
        triggers: data.get("triggers"),
        coping: data.get("coping"),
        supports: data.get("supports"),
        seek_help: data.get("seek_help"),
        written_on: field(&data, "written_on"),
    };
    let result = state
        .app
        .enter_relapse_plan(&user.actor(), l.view.course.id, data.version(), &input)
        .await;
    finish(&state, &user, l, Which::Plan, &data, result, "plan-saved").await
}

pub async fn decide(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = match writable(&state, &user, &headers, &id).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let data = FormData(form);
    let input = MaintenanceDecisionInput {
        choice: field(&data, "choice"),
        rationale: data.get("rationale"),
        decided_on: field(&data, "decided_on"),
    };
    let result = state
        .app
        .enter_maintenance_decision(&user.actor(), l.view.course.id, data.version(), &input)
        .await;
    finish(
        &state,
        &user,
        l,
        Which::Decision,
        &data,
        result,
        "decision-saved",
    )
    .await
}

pub async fn start_maintenance(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let l = match writable(&state, &user, &headers, &id).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    match state
        .app
        .continue_in_maintenance(&user.actor(), l.view.course.id)
        .await
    {
        Ok((course, created)) => {
            if created {
                tracing::info!(acute = %l.view.course.id, course = %course.id, "maintenance course started");
            }
            Redirect::to(&format!("/courses/{}", course.id)).into_response()
        }
        Err(AppError::Rejected(refused)) => {
            // No decision for maintenance IPT yet: the decision form, as saved, says so.
            let saved = saved_decision(&l.view.course, state.app.today());
            let data = FormData(saved.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
            finish(
                &state,
                &user,
                l,
                Which::Decision,
                &data,
                Err(AppError::Rejected(refused)),
                "",
            )
            .await
        }
        Err(e) => fail(l.page)(e).into_response(),
    }
}
