//! The patient's questionnaires: the list of what was assigned, answering one question per
//! screen (or all on one page), review, sending, and a careful word about the result.
//!
//! Every screen saves its answer as a draft before moving on, so nothing typed is lost. When a
//! risk question is answered positively the clinician's alert is raised with that save, and
//! the next screen opens with the crisis resources in a `role="alert"` box (no script needed).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::usecases::portal::PortalPatient;
use ipt_app::usecases::portal_access::{AnswerError, PortalQuestionnaire, risk_items_of};
use ipt_domain::assessment::Assessment;
use ipt_domain::ids::{AssessmentId, AssignmentId};
use ipt_domain::measures::{Instrument, TextPack};
use ipt_domain::portal::Due;

use super::access::{error_page, message};
use super::crisis::CrisisView;
use super::words::band_words;
use super::{PortalCtx, ctx};
use crate::AppState;
use crate::i18n::Tr;

const LIST: &str = "/portal/questionnaires";

fn path(id: AssignmentId) -> String {
    format!("{LIST}/{id}")
}

fn parse_assignment(id: &str) -> Result<AssignmentId, AppError> {
    id.parse().map_err(|_| AppError::NotFound("assignment"))
}

/// The questionnaire's text in the patient's language (it was checked to exist).
fn pack<'a>(state: &'a AppState, who: &PortalPatient, inst: &Instrument) -> Option<&'a TextPack> {
    state
        .app
        .text_packs
        .for_patient(inst, who.patient.language.code())
        .ok()
}

/// The crisis box, when a risk question has been answered positively.
fn crisis_if(state: &AppState, t: &Tr, risk: bool) -> Option<CrisisView> {
    risk.then(|| state.options.crisis.view(t))
}

fn draft_risk(q: &PortalQuestionnaire) -> bool {
    q.draft
        .as_ref()
        .is_some_and(|d| !risk_items_of(&d.instrument, &d.answers).is_empty())
}

fn title_of(state: &AppState, who: &PortalPatient, q: &PortalQuestionnaire) -> String {
    pack(state, who, q.instrument)
        .map(|p| p.title.clone())
        .unwrap_or_else(|| q.instrument.short_name.clone())
}

// ---- The list ---------------------------------------------------------------------------------

pub struct Row {
    pub title: String,
    pub schedule: String,
    pub status: String,
    /// (href, text) to answer it.
    pub answer: Option<(String, String)>,
    /// (href, text) to the latest answers sent.
    pub last: Option<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/questionnaire_list.html")]
pub struct ListPage {
    pub page: PortalCtx,
    pub rows: Vec<Row>,
    pub crisis: Option<CrisisView>,
}

pub async fn list(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
) -> Response {
    let page = ctx(&who, "portal-q-list-title", LIST);
    let t = page.t;
    let all = match state.app.portal_questionnaires(&who).await {
        Ok(x) => x,
        Err(e) => return error_page(page, e),
    };
    let risk = all.items.iter().any(draft_risk);
    let rows = all
        .items
        .iter()
        .map(|q| {
            let status = if q.unavailable.is_some() {
                t.get("portal-q-status-unavailable")
            } else if q.draft.is_some() {
                t.get("portal-q-status-started")
            } else {
                match q.due {
                    Due::Now => t.get("portal-q-status-ready"),
                    Due::Later(Some(d)) => {
                        t.with("portal-q-status-later-date", &[("date", t.date(d))])
                    }
                    Due::Later(None) => t.get("portal-q-status-later-session"),
                    Due::Finished => t.get("portal-q-status-finished"),
                }
            };
            let id = q.assignment.id;
            Row {
                title: title_of(&state, &who, q),
                schedule: t.get(&format!(
                    "portal-q-schedule-{}",
                    q.assignment.schedule.code()
                )),
                status,
                answer: q.open().then(|| {
                    (
                        format!("{}?item=1", path(id)),
                        t.get(if q.draft.is_some() {
                            "portal-q-continue"
                        } else {
                            "portal-q-start"
                        }),
                    )
                }),
                last: q.last.as_ref().map(|a| {
                    (
                        format!("{}/results/{}", path(id), a.id),
                        t.with(
                            "portal-q-see-last",
                            &[("date", t.date(a.administered_at.date()))],
                        ),
                    )
                }),
            }
        })
        .collect();
    ListPage {
        crisis: crisis_if(&state, &t, risk),
        rows,
        page,
    }
    .into_response()
}

// ---- Answering --------------------------------------------------------------------------------

pub struct Choice {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct Question {
    pub id: String,
    pub name: String,
    pub legend: String,
    pub choices: Vec<Choice>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/questionnaire_item.html")]
pub struct ItemPage {
    pub page: PortalCtx,
    pub heading: String,
    pub instructions: Option<String>,
    pub attribution: String,
    pub action: String,
    pub version: i64,
    /// All questions on one page.
    pub all: bool,
    pub position: usize,
    pub total: usize,
    pub progress: String,
    pub questions: Vec<Question>,
    pub first: bool,
    pub last: bool,
    pub crisis: Option<CrisisView>,
    pub message: Option<String>,
    /// (href, text) of the switch between one question and all questions.
    pub toggle: (String, String),
    pub review: String,
    /// The language of the questionnaire's wording (the record's), for `lang` on the form.
    pub text_lang: String,
    /// Said when the wording is in another language than the patient's pages.
    pub text_lang_note: Option<String>,
}

/// How the questionnaire is shown: one question (1-based) or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    One(usize),
    All,
}

fn view_of(q: &HashMap<String, String>, total: usize) -> View {
    if q.get("view").is_some_and(|v| v == "all") {
        return View::All;
    }
    let n = q
        .get("item")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(1);
    View::One(n.clamp(1, total.max(1)))
}

/// Answers shown on the form: what was posted (after a refusal) or what is saved.
fn build_item_page(
    state: &AppState,
    who: &PortalPatient,
    page: PortalCtx,
    q: &PortalQuestionnaire,
    view: View,
    shown: &[Option<u8>],
    message: Option<String>,
) -> Response {
    let t = page.t;
    let Some(pack) = pack(state, who, q.instrument) else {
        return not_available(page);
    };
    let inst = q.instrument;
    let total = inst.items.len();
    let id = q.assignment.id;
    let question = |k: usize| {
        let item = &inst.items[k];
        let text = pack.item(&item.id);
        let chosen = shown.get(k).copied().flatten();
        let base = format!("q-{}", item.id);
        Question {
            legend: match text {
                Some(x) => format!("{}. {}", item.label, x.text),
                None => item.label.clone(),
            },
            name: format!("answer_{}", item.id),
            choices: text
                .map(|x| x.options.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|o| Choice {
                    id: format!("{base}-{}", o.value),
                    value: o.value.to_string(),
                    label: o.label.clone(),
                    checked: chosen == Some(o.value),
                })
                .collect(),
            id: base,
        }
    };
    let (questions, position) = match view {
        View::All => ((0..total).map(question).collect(), 1),
        View::One(n) => (vec![question(n - 1)], n),
    };
    let risk = !risk_items_of(&inst.code, shown).is_empty();
    let mut page = page;
    page.title = format!("{} · {}", pack.title, page.title);
    // The language switch comes back to this very screen.
    page.path = match view {
        View::All => format!("{}?view=all", path(id)),
        View::One(n) => format!("{}?item={n}", path(id)),
    };
    let text_lang_note = (pack.language != page.lang).then(|| {
        t.with(
            "portal-q-text-language",
            &[("language", t.get(&format!("language-{}", pack.language)))],
        )
    });
    ItemPage {
        text_lang: pack.language.clone(),
        text_lang_note,
        heading: pack.title.clone(),
        instructions: pack.instructions.clone(),
        attribution: pack.attribution.clone(),
        action: path(id),
        version: q.draft.as_ref().map(|d| d.version).unwrap_or(0),
        all: view == View::All,
        position,
        total,
        progress: t.with(
            "portal-q-progress",
            &[("n", position.to_string()), ("total", total.to_string())],
        ),
        questions,
        first: position == 1,
        last: position == total,
        crisis: crisis_if(state, &t, risk),
        message,
        toggle: match view {
            View::All => (format!("{}?item=1", path(id)), t.get("portal-q-view-one")),
            View::One(_) => (format!("{}?view=all", path(id)), t.get("portal-q-view-all")),
        },
        review: format!("{}/review", path(id)),
        page,
    }
    .into_response()
}

fn not_available(page: PortalCtx) -> Response {
    let t = page.t;
    message(
        StatusCode::NOT_FOUND,
        page,
        "portal-q-not-available-title",
        t.get("portal-q-status-unavailable"),
        Some((LIST.to_string(), t.get("portal-q-back-to-list"))),
    )
}

fn not_due(page: PortalCtx) -> Response {
    let t = page.t;
    message(
        StatusCode::CONFLICT,
        page,
        "portal-q-not-due-title",
        t.get("portal-q-not-due"),
        Some((LIST.to_string(), t.get("portal-q-back-to-list"))),
    )
}

/// Load one of the patient's questionnaires for answering, or the page that says why not.
async fn load(
    state: &AppState,
    who: &PortalPatient,
    page: PortalCtx,
    id: &str,
) -> Result<(PortalCtx, PortalQuestionnaire), Response> {
    let id = match parse_assignment(id) {
        Ok(id) => id,
        Err(e) => return Err(error_page(page, e)),
    };
    match state.app.portal_questionnaire(who, id).await {
        Ok((_, q)) if q.unavailable.is_some() => Err(not_available(page)),
        Ok((_, q)) => Ok((page, q)),
        Err(e) => Err(error_page(page, e)),
    }
}

fn saved_answers(q: &PortalQuestionnaire) -> Vec<Option<u8>> {
    let mut v = q
        .draft
        .as_ref()
        .map(|d| d.answers.clone())
        .unwrap_or_default();
    v.resize(q.instrument.items.len(), None);
    v
}

/// `GET /portal/questionnaires/{assignment}?item=N` (or `?view=all`).
pub async fn item(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let page = ctx(&who, "portal-q-list-title", LIST);
    let (page, q) = match load(&state, &who, page, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !q.open() {
        return not_due(page);
    }
    let view = view_of(&query, q.instrument.items.len());
    let shown = saved_answers(&q);
    build_item_page(&state, &who, page, &q, view, &shown, None)
}

/// `POST /portal/questionnaires/{assignment}`: save the answers on the screen, then go where
/// the button says (`go` = back, next, review or save).
pub async fn save(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = ctx(&who, "portal-q-list-title", LIST);
    let t = page.t;
    let (page, q) = match load(&state, &who, page, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let inst = q.instrument;
    let total = inst.items.len();
    let all = get("view").is_some_and(|v| v == "all");
    let position = get("item")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, total.max(1));
    let view = if all { View::All } else { View::One(position) };
    let version = get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    // What the screen sent: a radio group left alone sends nothing and changes nothing.
    let mut shown = saved_answers(&q);
    let mut changes = vec![];
    let mut bad = None;
    for (k, item) in inst.items.iter().enumerate() {
        if let Some(raw) = get(&format!("answer_{}", item.id)) {
            match raw.parse::<u8>() {
                Ok(v) => {
                    shown[k] = Some(v);
                    changes.push((item.id.clone(), Some(v)));
                }
                Err(_) => bad = Some(item.label.clone()),
            }
        }
    }
    if let Some(label) = bad {
        let text = t.with("portal-q-not-allowed", &[("n", label)]);
        let r = build_item_page(&state, &who, page, &q, view, &shown, Some(text));
        return with_status(r, StatusCode::UNPROCESSABLE_ENTITY);
    }
    match state
        .app
        .portal_save_answers(&who, q.assignment.id, &changes, version)
        .await
    {
        Ok(_) => {}
        Err(AnswerError::NotAllowed(label)) => {
            let text = t.with("portal-q-not-allowed", &[("n", label)]);
            let r = build_item_page(&state, &who, page, &q, view, &shown, Some(text));
            return with_status(r, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(AnswerError::App(AppError::Conflict { .. })) => {
            // Another window saved first: show what is saved now, and say so.
            let page = ctx(&who, "portal-q-list-title", LIST);
            let (page, fresh) = match load(&state, &who, page, &id).await {
                Ok(x) => x,
                Err(r) => return r,
            };
            let saved = saved_answers(&fresh);
            let text = t.get("portal-q-conflict");
            let r = build_item_page(&state, &who, page, &fresh, view, &saved, Some(text));
            return with_status(r, StatusCode::CONFLICT);
        }
        Err(AnswerError::NotOffered(_)) => return not_available(page),
        Err(AnswerError::NotDue | AnswerError::NothingSaved | AnswerError::Unanswered(_)) => {
            return not_due(page);
        }
        Err(AnswerError::App(e)) => return error_page(page, e),
    }
    let base = path(q.assignment.id);
    let target = match (get("go").as_deref(), view) {
        (Some("back"), View::One(n)) => format!("{base}?item={}", n.saturating_sub(1).max(1)),
        (Some("save"), View::All) => format!("{base}?view=all"),
        (Some("review"), _) | (_, View::All) => format!("{base}/review"),
        (_, View::One(n)) if n >= total => format!("{base}/review"),
        (_, View::One(n)) => format!("{base}?item={}", n + 1),
    };
    Redirect::to(&target).into_response()
}

fn with_status(mut r: Response, status: StatusCode) -> Response {
    if r.status() == StatusCode::OK {
        *r.status_mut() = status;
    }
    r
}

// ---- Review and send --------------------------------------------------------------------------

pub struct ReviewRow {
    pub label: String,
    pub text: String,
    pub answer: Option<String>,
    pub change: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/questionnaire_review.html")]
pub struct ReviewPage {
    pub page: PortalCtx,
    pub heading: String,
    pub rows: Vec<ReviewRow>,
    pub action: String,
    pub version: i64,
    pub message: Option<String>,
    pub crisis: Option<CrisisView>,
    pub back: String,
}

fn review_page(
    state: &AppState,
    who: &PortalPatient,
    page: PortalCtx,
    q: &PortalQuestionnaire,
    message: Option<String>,
) -> Response {
    let t = page.t;
    let Some(pack) = pack(state, who, q.instrument) else {
        return not_available(page);
    };
    let answers = saved_answers(q);
    let id = q.assignment.id;
    let rows = q
        .instrument
        .items
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let text = pack.item(&item.id);
            ReviewRow {
                label: item.label.clone(),
                text: text.map(|x| x.text.clone()).unwrap_or_default(),
                answer: answers[k].and_then(|v| {
                    text.and_then(|x| x.options.iter().find(|o| o.value == v))
                        .map(|o| o.label.clone())
                }),
                change: format!("{}?item={}", path(id), k + 1),
            }
        })
        .collect();
    let mut page = page;
    page.title = format!("{} · {}", t.get("portal-q-review-title"), pack.title);
    page.path = format!("{}/review", path(id));
    ReviewPage {
        heading: pack.title.clone(),
        rows,
        action: format!("{}/submit", path(id)),
        version: q.draft.as_ref().map(|d| d.version).unwrap_or(0),
        message,
        crisis: crisis_if(state, &t, draft_risk(q)),
        back: format!("{}?item={}", path(id), q.instrument.items.len()),
        page,
    }
    .into_response()
}

pub async fn review(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(id): Path<String>,
) -> Response {
    let page = ctx(&who, "portal-q-review-title", LIST);
    let (page, q) = match load(&state, &who, page, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if !q.open() {
        return not_due(page);
    }
    review_page(&state, &who, page, &q, None)
}

/// `POST …/submit`: send the reviewed answers; a missing answer is named, and nothing is sent.
pub async fn submit(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = ctx(&who, "portal-q-review-title", LIST);
    let t = page.t;
    let (page, q) = match load(&state, &who, page, &id).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let version = pairs
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    match state
        .app
        .portal_submit(&who, q.assignment.id, version)
        .await
    {
        Ok(a) => {
            Redirect::to(&format!("{}/results/{}", path(q.assignment.id), a.id)).into_response()
        }
        Err(AnswerError::Unanswered(labels)) => {
            let text = t.with("portal-q-unanswered", &[("items", labels.join(", "))]);
            with_status(
                review_page(&state, &who, page, &q, Some(text)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(AnswerError::NothingSaved) => {
            let text = t.get("portal-q-nothing-saved");
            with_status(
                review_page(&state, &who, page, &q, Some(text)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(AnswerError::App(AppError::Conflict { .. })) => {
            let page = ctx(&who, "portal-q-review-title", LIST);
            let (page, fresh) = match load(&state, &who, page, &id).await {
                Ok(x) => x,
                Err(r) => return r,
            };
            with_status(
                review_page(&state, &who, page, &fresh, Some(t.get("portal-q-conflict"))),
                StatusCode::CONFLICT,
            )
        }
        // A refusal of the core (answers that give no valid result): worded, and nothing sent.
        Err(AnswerError::App(AppError::Rejected(refused))) => with_status(
            review_page(&state, &who, page, &q, Some(t.rules(&refused))),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(AnswerError::NotOffered(_)) => not_available(page),
        Err(AnswerError::NotDue | AnswerError::NotAllowed(_)) => not_due(page),
        Err(AnswerError::App(e)) => error_page(page, e),
    }
}

// ---- The result -------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "portal/questionnaire_result.html")]
pub struct ResultPage {
    pub page: PortalCtx,
    pub heading: String,
    pub sent: String,
    pub total: Option<String>,
    pub band: String,
    pub crisis: Option<CrisisView>,
    pub risk_note: Option<String>,
}

/// The result in plain, careful words: the total and its range, and the band in the patient's
/// own words (the catalogue "My progress" uses too), always with "talk about it with your
/// therapist" — never a verdict, never the clinician's band name. A band with no patient
/// phrase (a deployment's own band set) is left out: the score and its range say enough.
fn result_words(t: &Tr, inst: &Instrument, a: &Assessment) -> (Option<String>, String) {
    let r = a.result.as_ref();
    let total = r.and_then(|r| r.total).map(|x| {
        t.with(
            "portal-q-result-total",
            &[
                ("total", t.number(x)),
                ("min", inst.shown_range().0.to_string()),
                ("max", inst.shown_range().1.to_string()),
            ],
        )
    });
    let words = r
        .and_then(|r| r.severity.as_deref())
        .and_then(|code| band_words(t, &inst.code, code));
    let band = match words {
        Some(words) => t.with("portal-q-result-band", &[("band", words)]),
        None => t.get("portal-q-result-no-band"),
    };
    (total, band)
}

pub async fn result(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path((id, aid)): Path<(String, String)>,
) -> Response {
    let page = ctx(&who, "portal-q-result-title", LIST);
    let t = page.t;
    let (Ok(id), Ok(aid)) = (parse_assignment(&id), aid.parse::<AssessmentId>()) else {
        return error_page(page, AppError::NotFound("assessment"));
    };
    let (q, a) = match state.app.portal_result(&who, id, aid).await {
        Ok(x) => x,
        Err(e) => return error_page(page, e),
    };
    let risk = a.result.as_ref().is_some_and(|r| !r.risk_items.is_empty());
    let (total, band) = result_words(&t, q.instrument, &a);
    let mut page = page;
    page.path = format!("{}/results/{}", path(id), a.id);
    ResultPage {
        heading: title_of(&state, &who, &q),
        sent: t.with(
            "portal-q-result-sent",
            &[("date", t.date(a.administered_at.date()))],
        ),
        total,
        band,
        crisis: crisis_if(&state, &t, risk),
        risk_note: risk.then(|| t.get("portal-q-result-risk")),
        page,
    }
    .into_response()
}
