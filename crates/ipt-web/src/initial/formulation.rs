//! `/courses/{id}/formulation`: the interpersonal formulation (clinical reference §3.5). A draft
//! is put together from the records (diagnosis, focus areas, the events and people that matter,
//! the contract) in our own words and in the patient's language; the clinician edits it and
//! records the date the patient explicitly accepted it, which is what opens the middle phase.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ipt_app::{AppError, CourseView};
use ipt_domain::course::{Course, FormulationInput};
use ipt_domain::inventory::{ClosenessRing, ConflictLevel, InventoryPerson};
use ipt_domain::problem_area::ProblemArea;
use ipt_domain::suggestion::{SuggestionRules, life_change_percent, loss_closeness};
use ipt_domain::timeline::{EventKind, TimelineEvent};

use super::form::{Errors, FormData, Input, Posted};
use super::timeline::kind_label;
use super::view::{
    Head, REFUSED, STALE, approx_human, load_page, page_ctx, patient_tr, respond, saved,
    write_access,
};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, fail};

/// Events this many months either side of onset count as "around that time".
const AROUND_ONSET_MONTHS: i32 = 12;

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn person_of<'a>(view: &'a CourseView, e: &TimelineEvent) -> Option<&'a InventoryPerson> {
    e.person
        .and_then(|id| view.inventory.iter().find(|p| p.id == id))
}

/// An event in a few words, for the patient: "the death of Mother (March 2026)".
fn event_phrase(t: &Tr, view: &CourseView, e: &TimelineEvent) -> String {
    let mut details = vec![];
    if let Some(p) = person_of(view, e) {
        details.push(p.alias.as_str().to_string());
    }
    details.push(approx_human(t, &e.date));
    let mut what = lower_first(&kind_label(t, e.kind));
    let description = e.description.trim();
    if !description.is_empty() {
        let short: String = description.chars().take(60).collect();
        what = format!("{what}: {}", short.trim_end());
    }
    format!("{what} ({})", details.join(", "))
}

/// Names joined the way the language lists them: "A, B and C".
fn list(t: &Tr, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => t.with(
            "initial-draft-list",
            &[("items", rest.join(", ")), ("last", last.clone())],
        ),
    }
}

/// The events near onset, earliest first, at most three. The death of someone the inventory
/// shows was not a significant other is left out: the draft names only significant losses
/// (#14 finding 4); a death naming nobody in the inventory stays, as the clinician wrote it.
fn key_events(view: &CourseView) -> Vec<&TimelineEvent> {
    let Some(onset) = view.timeline.current_onset() else {
        return vec![];
    };
    view.timeline
        .events_sorted()
        .into_iter()
        .filter(|e| e.date.months_until(&onset).abs() <= AROUND_ONSET_MONTHS)
        .filter(|e| {
            e.kind != EventKind::Death
                || person_of(view, e).is_none_or(|p| loss_closeness(Some(p)).is_significant())
        })
        .take(3)
        .collect()
}

/// The draft, and what the records still lack for a complete one.
pub fn draft(view: &CourseView) -> (String, Vec<&'static str>) {
    let t = patient_tr(view.patient.language);
    let c: &Course = &view.course;
    let mut parts: Vec<String> = vec![];
    let mut missing = vec![];

    match &c.diagnosis {
        Some(d) => parts.push(t.with(
            "initial-draft-diagnosis",
            &[
                ("statement", d.statement.clone()),
                (
                    "severity",
                    t.get(&format!("severity-{}", d.severity.code())),
                ),
            ],
        )),
        None => missing.push("initial-draft-missing-diagnosis"),
    }
    parts.push(t.get("initial-draft-sick-role"));

    if let Some(onset) = view.timeline.current_onset() {
        let mut s = t.with(
            "initial-draft-onset",
            &[("onset", approx_human(&t, &onset))],
        );
        let events: Vec<String> = key_events(view)
            .into_iter()
            .map(|e| event_phrase(&t, view, e))
            .collect();
        if !events.is_empty() {
            s = format!(
                "{s} {}",
                t.with(
                    "initial-draft-around-onset",
                    &[("events", list(&t, &events))]
                )
            );
        }
        parts.push(s);
    } else {
        missing.push("initial-draft-missing-onset");
    }

    match &c.focus {
        Some(focus) => {
            for area in focus.areas() {
                parts.push(area_sentence(&t, view, *area));
            }
        }
        None => missing.push("initial-draft-missing-focus"),
    }

    match &c.contract {
        Some(k) => parts.push(t.with(
            "initial-draft-contract",
            &[
                ("sessions", k.sessions.to_string()),
                (
                    "frequency",
                    t.get(&format!("frequency-{}", k.frequency.code())),
                ),
                ("end", t.date(k.end_date)),
            ],
        )),
        None => missing.push("initial-draft-missing-contract"),
    }
    parts.push(t.get("initial-draft-closing"));
    (parts.join("\n\n"), missing)
}

/// One focus area in words, naming the people and events it concerns where the records say.
fn area_sentence(t: &Tr, view: &CourseView, area: ProblemArea) -> String {
    let living = || view.inventory.iter().filter(|p| !p.deceased);
    match area {
        ProblemArea::Grief => {
            // Only significant losses are named (IPT grief concerns a significant other,
            // reference §2.1); a distant one is left for the clinician to add if it matters.
            let lost: Vec<String> = view
                .inventory
                .iter()
                .filter(|p| p.deceased && loss_closeness(Some(p)).is_significant())
                .map(|p| p.alias.as_str().to_string())
                .collect();
            if lost.is_empty() {
                t.get("initial-draft-grief")
            } else {
                t.with("initial-draft-grief-named", &[("who", list(t, &lost))])
            }
        }
        ProblemArea::RoleDispute(stage) => {
            // The person with the plainest conflict: open before hidden, closer first.
            let mut in_conflict: Vec<&InventoryPerson> = living()
                .filter(|p| p.conflict != ConflictLevel::None)
                .collect();
            in_conflict.sort_by_key(|p| {
                (
                    p.conflict != ConflictLevel::Open,
                    p.ring == ClosenessRing::Outside,
                    p.ring,
                )
            });
            let stage = t.get(&format!("stage-{}", stage.code()));
            match in_conflict.first() {
                Some(p) => t.with(
                    "initial-draft-dispute-named",
                    &[("who", p.alias.as_str().to_string()), ("stage", stage)],
                ),
                None => t.with("initial-draft-dispute", &[("stage", stage)]),
            }
        }
        ProblemArea::RoleTransition => {
            let rules = SuggestionRules::default();
            let change = key_events(view)
                .into_iter()
                .find(|e| {
                    e.kind != EventKind::Other && life_change_percent(&rules, e.kind).is_some()
                })
                .map(|e| event_phrase(t, view, e));
            match change {
                Some(what) => t.with("initial-draft-transition-named", &[("what", what)]),
                None => t.get("initial-draft-transition"),
            }
        }
        ProblemArea::InterpersonalDeficits => t.get("initial-draft-deficits"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/formulation.html")]
pub struct FormulationPage {
    pub page: PageCtx,
    pub head: Head,
    pub status: String,
    /// The draft's paragraphs.
    pub draft: Vec<String>,
    pub draft_hint: String,
    pub missing: Vec<String>,
    pub fields: Vec<Input>,
    pub version: i64,
    pub has_errors: bool,
    pub message: Option<String>,
}

pub struct FormulationValues {
    text: String,
    accepted_on: String,
    /// The formulation in the patient's own words, shown on their portal.
    patient_wording: String,
}

impl FormulationValues {
    fn of(c: &Course) -> Option<Self> {
        c.formulation.as_ref().map(|f| Self {
            text: f.text.clone(),
            accepted_on: f.accepted_on.map(|d| d.to_string()).unwrap_or_default(),
            patient_wording: f.patient_wording.clone(),
        })
    }

    fn posted(f: &FormData) -> Self {
        Self {
            text: f.get("text").to_string(),
            accepted_on: f.get("accepted_on").trim().to_string(),
            patient_wording: f.get("patient_wording").to_string(),
        }
    }
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    q: &HashMap<String, String>,
    posted: Option<Posted<FormulationValues>>,
) -> Result<FormulationPage, PageError> {
    let (mut page, view, head) = load_page(state, user, page, id, "formulation", q).await?;
    let t = page.t;
    let c = &view.course;
    let (draft_text, missing) = draft(&view);
    let saved_values = FormulationValues::of(c);
    let (values, errors, version, stale, message) = match posted {
        Some(p) => (
            p.values,
            p.errors,
            p.version.unwrap_or(c.version),
            p.stale,
            p.message,
        ),
        None => (
            FormulationValues::of(c).unwrap_or(FormulationValues {
                text: draft_text.clone(),
                accepted_on: String::new(),
                patient_wording: String::new(),
            }),
            Errors::new(),
            c.version,
            false,
            None,
        ),
    };
    let sv = if stale { saved_values.as_ref() } else { None };
    let fields = vec![
        Input::new(
            "text",
            t.get("initial-formulation-text"),
            "textarea",
            &values.text,
        )
        .hint(t.get("initial-formulation-text-hint"))
        .rows(14)
        .required()
        .error_from(&errors)
        .saved_from(sv.map(|s| s.text.as_str()), &t),
        Input::new(
            "accepted_on",
            t.get("initial-formulation-accepted"),
            "date",
            &values.accepted_on,
        )
        .hint(t.get("initial-formulation-accepted-hint"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.accepted_on.as_str()), &t),
        Input::new(
            "patient_wording",
            t.get("portal-clinician-formulation-wording"),
            "textarea",
            &values.patient_wording,
        )
        .hint(t.get("portal-clinician-formulation-wording-hint"))
        .rows(6)
        .error_from(&errors)
        .saved_from(sv.map(|s| s.patient_wording.as_str()), &t),
    ];
    let status = match &c.formulation {
        None => t.get("initial-formulation-status-none"),
        Some(f) => match f.accepted_on {
            Some(d) => t.with(
                "initial-formulation-status-accepted",
                &[("date", t.date(d))],
            ),
            None => t.get("initial-formulation-status-not-accepted"),
        },
    };
    page.title = format!("{} · {}", t.get("section-formulation"), head.patient_name);
    Ok(FormulationPage {
        status,
        draft: draft_text.split("\n\n").map(str::to_string).collect(),
        draft_hint: t.with(
            "initial-formulation-draft-hint",
            &[(
                "language",
                t.get(&format!("language-{}", view.patient.language.code())),
            )],
        ),
        missing: missing.into_iter().map(|k| t.get(k)).collect(),
        fields,
        version,
        has_errors: !errors.is_empty(),
        message,
        head,
        page,
    })
}

fn path(id: &str) -> String {
    format!("/courses/{id}/formulation")
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<FormulationPage, PageError> {
    let page = page_ctx(&headers, &user, "section-formulation", &path(&id));
    render(&state, &user, page, &id, &q, None).await
}

pub async fn save(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-formulation", &path(&id));
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let f = FormData(pairs);
    let values = FormulationValues::posted(&f);
    let q = HashMap::new();
    let input = FormulationInput {
        text: values.text.clone(),
        accepted_on: Some(values.accepted_on.clone()),
        patient_wording: Some(values.patient_wording.clone()),
    };
    match state
        .app
        .enter_formulation(&user.actor(), course.id, f.version_given(), &input)
        .await
    {
        Ok(_) => saved(&id, "formulation", "formulation"),
        Err(AppError::Conflict { .. }) => {
            let posted = Posted::stale(values, &t);
            respond(
                render(&state, &user, page, &id, &q, Some(posted)).await,
                STALE,
            )
        }
        Err(AppError::Rejected(refused)) => {
            let posted = Posted::rejected(values, &t, &refused, f.version());
            respond(
                render(&state, &user, page, &id, &q, Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}
