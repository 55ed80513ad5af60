//! The safety page of a course: the risk record (every alert with its dates, the last risk item
//! answered positively), the safety plan written with the patient beside the site's crisis
//! contacts, and the medication record with its changes.
//!
//! The rules are the core's (`ipt_domain::safety`): the page shows what is saved, sends what was
//! typed, and words the core's refusals at their fields. A stale save keeps what was typed and
//! shows what was saved meanwhile.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::ports::AlertFilter;
use ipt_domain::course::Course;
use ipt_domain::safety::{
    MedicationChangeInput, MedicationChangeKind, RiskRecord, SafetyPlanInput, current_medication,
};
use ipt_report::pdf::Labelled;

use super::view::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::kit::{PageCtx, PageError, ctx, fail};
use crate::portal::crisis::CrisisView;
use crate::refusals::place;
use crate::reports::risk_items;

/// The notices this page accepts in `?notice=`.
const NOTICES: [&str; 2] = ["plan-saved", "medication-added"];

/// The safety plan's fields: name, whether it has a hint, whether it is required.
const PLAN_FIELDS: [(&str, bool, bool); 6] = [
    ("warning_signs", true, true),
    ("coping_steps", true, true),
    ("people_and_places", false, false),
    ("people_to_ask", true, false),
    ("professional_contacts", true, false),
    ("safer_environment", true, false),
];

/// The medication form's fields, where its refusals are shown.
const MEDICATION_SLOTS: [&str; 6] = ["medicine", "kind", "dose", "prescriber", "on", "note"];

pub struct MedicationRow {
    pub on: String,
    pub medicine: String,
    pub kind: String,
    pub dose: String,
    pub prescriber: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions/safety.html")]
pub struct SafetyPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    pub can_write: bool,
    pub risk: Vec<Labelled>,
    pub alerts_link: Option<String>,
    pub plan_prompt: bool,
    pub plan_written: Option<String>,
    pub plan: FormBlock,
    pub crisis: CrisisView,
    pub current: Vec<String>,
    pub history: Vec<MedicationRow>,
    pub medication: FormBlock,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    None,
    Plan,
    Medication,
}

type Pending<'a> = super::view::Pending<'a, Which>;

fn saved_plan(c: &Course, today: time::Date) -> HashMap<&'static str, String> {
    let p = c.safety_plan.clone().unwrap_or_default();
    let mut saved: HashMap<&'static str, String> = p
        .parts()
        .into_iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    saved.insert("written_on", p.written_on.unwrap_or(today).to_string());
    saved
}

async fn safety_page(
    state: &AppState,
    user: &CurrentUser,
    l: Loaded,
    p: Pending<'_>,
) -> SafetyPage {
    let t = l.page.t;
    let c = &l.view.course;
    let id = c.id;
    let today = state.app.today();
    // Every alert of the patient, acknowledged ones too: the record shows them all.
    let alerts = state
        .app
        .alerts(
            &user.actor(),
            AlertFilter {
                patient: Some(c.patient),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_default();
    let record = RiskRecord::of(c, &alerts);

    let saved = saved_plan(c, today);
    let mine = p.which == Which::Plan;
    let mut inputs: Vec<Input> = PLAN_FIELDS
        .iter()
        .map(|(name, hint, required)| {
            let value = if mine {
                p.typed.get(name)
            } else {
                saved.get(name).cloned().unwrap_or_default()
            };
            let mut i = input(
                name,
                t.get(&format!("safety-field-{name}")),
                "textarea",
                &value,
            )
            .rows(3);
            if *hint {
                i = i.hint(t.get(&format!("safety-field-{name}-hint")));
            }
            if *required {
                i = i.required();
            }
            i
        })
        .collect();
    inputs.push(
        input(
            "written_on",
            t.get("safety-field-written_on"),
            "date",
            &if mine {
                p.typed.get("written_on")
            } else {
                saved["written_on"].clone()
            },
        )
        .required(),
    );
    let inputs = p.mark(&t, Which::Plan, inputs, &saved);
    let plan = p.block(
        &t,
        Which::Plan,
        inputs,
        format!("/courses/{id}/safety/plan"),
        c.version,
    );

    let mine = p.which == Which::Medication;
    let typed = |name: &str| {
        if mine {
            p.typed.get(name)
        } else {
            String::new()
        }
    };
    let mut kinds = vec![(String::new(), t.get("safety-kind-choose"))];
    kinds.extend(MedicationChangeKind::ALL.iter().map(|k| {
        (
            k.code().to_string(),
            t.get(&format!("safety-kind-{}", k.code())),
        )
    }));
    let on = if mine {
        p.typed.get("on")
    } else {
        today.to_string()
    };
    let mut inputs = vec![
        input(
            "medicine",
            t.get("safety-field-medicine"),
            "text",
            &typed("medicine"),
        )
        .required(),
        input("kind", t.get("safety-field-kind"), "select", &typed("kind"))
            .options(kinds)
            .required(),
        input("dose", t.get("safety-field-dose"), "text", &typed("dose"))
            .hint(t.get("safety-field-dose-hint")),
        input(
            "prescriber",
            t.get("safety-field-prescriber"),
            "text",
            &typed("prescriber"),
        ),
        input("on", t.get("safety-field-on"), "date", &on).required(),
        input(
            "note",
            t.get("safety-field-note"),
            "textarea",
            &typed("note"),
        )
        .rows(2),
    ];
    if mine {
        inputs = inputs
            .into_iter()
            .map(|i| i.error_from(&p.errors))
            .collect();
    }
    let medication = p.block(
        &t,
        Which::Medication,
        inputs,
        format!("/courses/{id}/safety/medication"),
        c.version,
    );
    let current = current_medication(&c.medication)
        .iter()
        .map(|m| {
            t.with(
                "safety-medication-line",
                &[
                    ("medicine", m.medicine.clone()),
                    ("dose", m.dose.clone()),
                    (
                        "prescriber",
                        if m.prescriber.is_empty() {
                            t.get("not-set")
                        } else {
                            m.prescriber.clone()
                        },
                    ),
                    (
                        "since",
                        t.with("safety-medication-since", &[("date", t.date(m.since))]),
                    ),
                ],
            )
        })
        .collect();
    let history = c
        .medication
        .iter()
        .rev()
        .map(|m| MedicationRow {
            on: t.date(m.on),
            medicine: m.medicine.clone(),
            kind: t.get(&format!("safety-kind-{}", m.kind.code())),
            dose: m.dose.clone(),
            prescriber: m.prescriber.clone(),
            note: m.note.clone(),
        })
        .collect();
    SafetyPage {
        heading: t.get("safety-title"),
        can_write: l.can_write,
        risk: risk_items(&t, &record),
        alerts_link: (!record.open.is_empty()).then(|| format!("/patients/{}#alerts", c.patient)),
        plan_prompt: record.last_positive_item.is_some() && c.safety_plan.is_none(),
        plan_written: c
            .safety_plan
            .as_ref()
            .and_then(|s| s.written_on)
            .map(|d| t.with("safety-plan-written", &[("date", t.date(d))])),
        plan,
        crisis: state.options.crisis.view(&t),
        current,
        history,
        medication,
        header: l.header,
        page: l.page,
    }
}

fn path_of(id: &str) -> String {
    format!("/courses/{id}/safety")
}

fn with_notices(mut page: PageCtx, q: &HashMap<String, String>) -> PageCtx {
    page = notices(page, q);
    if let Some(n) = q.get("notice").filter(|n| NOTICES.contains(&n.as_str())) {
        page.notices.push(page.t.get(&format!("safety-notice-{n}")));
    }
    page
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<SafetyPage, PageError> {
    let page = with_notices(
        ctx(&headers, Some(&user), "safety-title", &path_of(&id)),
        &q,
    );
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    Ok(safety_page(&state, &user, l, Pending::none(Which::None)).await)
}

/// Load the course for a change; refused (404) when the user may not change it.
async fn writable(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: &str,
) -> Result<Loaded, PageError> {
    load_writable(state, user, headers, "safety-title", &path_of(id), id).await
}

async fn finish(
    state: &AppState,
    user: &CurrentUser,
    l: Loaded,
    which: Which,
    data: &FormData,
    result: Result<Course, AppError>,
) -> Response {
    let (notice, slots): (&str, &[&str]) = match which {
        Which::Plan => (
            "plan-saved",
            &[
                "warning_signs",
                "coping_steps",
                "people_and_places",
                "people_to_ask",
                "professional_contacts",
                "safer_environment",
                "written_on",
            ],
        ),
        _ => ("medication-added", &MEDICATION_SLOTS),
    };
    match result {
        Ok(c) => Redirect::to(&format!("/courses/{}/safety?notice={notice}", c.id)).into_response(),
        Err(AppError::Conflict { .. }) => {
            let fresh = match load(state, user, l.page, l.view.course.id).await {
                Ok(f) => f,
                Err(e) => return e.into_response(),
            };
            let pending = Pending {
                which,
                typed: data,
                errors: Errors::new(),
                form_error: None,
                conflict: true,
            };
            let p = safety_page(state, user, fresh, pending).await;
            (StatusCode::CONFLICT, p).into_response()
        }
        Err(AppError::Rejected(refused)) => {
            let (errors, rest) = place(&l.page.t, &refused, slots);
            let pending = Pending {
                which,
                typed: data,
                errors,
                form_error: (!rest.is_empty()).then(|| rest.join(" ")),
                conflict: false,
            };
            let p = safety_page(state, user, l, pending).await;
            (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
        }
        Err(e) => fail(l.page)(e).into_response(),
    }
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
    let input = SafetyPlanInput {
        warning_signs: data.get("warning_signs"),
        coping_steps: data.get("coping_steps"),
        people_and_places: data.get("people_and_places"),
        people_to_ask: data.get("people_to_ask"),
        professional_contacts: data.get("professional_contacts"),
        safer_environment: data.get("safer_environment"),
        // The page always sends the field: an absent one counts as cleared.
        written_on: Some(data.get("written_on")),
    };
    let result = state
        .app
        .enter_safety_plan(&user.actor(), l.view.course.id, data.version(), &input)
        .await;
    finish(&state, &user, l, Which::Plan, &data, result).await
}

pub async fn add_medication(
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
    let input = MedicationChangeInput {
        medicine: data.get("medicine"),
        kind: Some(data.get("kind")).filter(|k| !k.trim().is_empty()),
        dose: data.get("dose"),
        prescriber: data.get("prescriber"),
        on: Some(data.get("on")),
        note: data.get("note"),
    };
    let result = state
        .app
        .record_medication_change(&user.actor(), l.view.course.id, data.version(), &input)
        .await;
    finish(&state, &user, l, Which::Medication, &data, result).await
}
