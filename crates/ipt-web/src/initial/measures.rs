//! `/courses/{id}/measures`: the course's questionnaires and rating scales, and item entry.
//!
//! Entry shows each item's text when a text pack (or shipped text) exists in the user's
//! language, and otherwise "Item N" with its allowed values, so scores from a paper form can
//! always be entered (EPDS without a licensed pack, for example). Answers are scored at once.
//! A complete, valid set is stored as a final result; an incomplete one is kept as a draft with
//! no result. A positive risk item raises an alert either way.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::{AppError, CourseView};
use ipt_domain::assessment::{Assessment, AssessmentInput, AssessmentStatus};
use ipt_domain::ids::AssessmentId;
use ipt_domain::measures::{AnswerKind, Catalogue, Instrument, Item, Rater, TextStatus};
use ipt_domain::rule::{Arg, FieldError};
use time::Date;

use super::form::{Errors, FormData, Input};
use super::view::{Head, REFUSED, STALE, load_page, page_ctx, parse_course, respond, write_access};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, fail};
use crate::refusals::place;

/// One row of the list of assessments.
pub struct AssessmentRow {
    pub instrument: String,
    pub date: String,
    pub total: String,
    pub severity: String,
    pub risk: String,
    pub risk_positive: bool,
    pub status: String,
    pub notes: String,
    pub phase: String,
    pub link: String,
    pub link_text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/measures.html")]
pub struct MeasuresPage {
    pub page: PageCtx,
    pub head: Head,
    pub rows: Vec<AssessmentRow>,
    pub picker: Input,
}

/// One item of the entry form.
pub struct ItemView {
    pub id: String,
    pub name: String,
    pub legend: String,
    pub hint: Option<String>,
    /// (value, label, checked); the first is "not answered" with an empty value.
    pub options: Vec<(String, String, bool)>,
    pub error: Option<String>,
    /// For a record shown read-only: the answer in words.
    pub answer: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/measure_entry.html")]
pub struct EntryPage {
    pub page: PageCtx,
    pub head: Head,
    pub heading: String,
    pub code: String,
    pub action: String,
    pub readonly: bool,
    pub notes: Vec<String>,
    pub instructions: Option<String>,
    pub attribution: String,
    pub items: Vec<ItemView>,
    pub fields: Vec<Input>,
    pub version: i64,
    pub has_errors: bool,
    pub message: Option<String>,
    pub result: Option<String>,
    /// What a skipped item does to this instrument's result: prorated or no total.
    pub missing_hint: String,
}

/// The instruments in the order to offer them: the format's recommended ones first.
fn ordered_instruments(view: &CourseView, state: &AppState) -> Vec<&'static Instrument> {
    let recommended = &state
        .app
        .protocols
        .get(view.course.format)
        .recommended_instruments;
    let mut all: Vec<&'static Instrument> = Catalogue::builtin().instruments().iter().collect();
    all.sort_by_key(|i| {
        (
            recommended
                .iter()
                .position(|c| *c == i.code)
                .unwrap_or(usize::MAX),
            i.short_name.clone(),
        )
    });
    all
}

fn severity_words(t: &Tr, code: &str) -> String {
    t.get(&format!("severity-{code}"))
}

/// What a score says about risk: the items answered positively, none, or (for a questionnaire
/// with no risk item, such as the GDS-15) that it does not ask, so the clinician asks separately.
/// A session rating (mood, goal progress) asks nothing about risk and claims nothing: "—".
fn risk_words(t: &Tr, inst: Option<&Instrument>, items: &[u16]) -> String {
    if items.is_empty() && inst.is_some_and(ipt_app::measures::asks_no_risk_item) {
        t.get("initial-measure-risk-not-asked")
    } else if items.is_empty()
        && inst.is_some_and(|i| Assessment::NOT_OUTCOME_MEASURES.contains(&i.code.as_str()))
    {
        "—".into()
    } else if items.is_empty() {
        t.get("initial-measure-risk-none")
    } else {
        t.with(
            "initial-measure-risk-items",
            &[(
                "items",
                items
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        )
    }
}

fn rows(t: &Tr, view: &CourseView) -> Vec<AssessmentRow> {
    let mut list: Vec<&Assessment> = view.assessments.iter().collect();
    list.sort_by_key(|a| std::cmp::Reverse(a.administered_at));
    list.into_iter()
        .map(|a| {
            let inst = Catalogue::builtin().get(&a.instrument);
            let name = inst
                .map(|i| i.short_name.clone())
                .unwrap_or_else(|| a.instrument.clone());
            let max = inst.map(Instrument::max_total).unwrap_or(0);
            // Risk is read from the answers for drafts too: risk does not wait for a total.
            let risk = match &a.result {
                Some(r) => r.risk_items.clone(),
                None => ipt_app::measures::summarise(&a.instrument, &a.answers)
                    .map(|s| s.risk_items)
                    .unwrap_or_default(),
            };
            let (total, severity, notes) = match (&a.status, &a.result) {
                (AssessmentStatus::Final, Some(r)) => (
                    r.total
                        .map(|x| {
                            t.with(
                                "initial-measure-total",
                                &[("total", t.number(x)), ("max", max.to_string())],
                            )
                        })
                        .unwrap_or_else(|| t.get("initial-measure-no-total")),
                    r.severity
                        .as_deref()
                        .map(|s| severity_words(t, s))
                        .unwrap_or_else(|| t.get("initial-measure-no-band")),
                    if r.prorated {
                        t.get("initial-measure-prorated")
                    } else if !r.valid {
                        t.get("initial-measure-invalid")
                    } else {
                        String::new()
                    },
                ),
                _ => (
                    t.get("initial-measure-no-total"),
                    t.get("initial-measure-no-band"),
                    t.get("initial-measure-draft-note"),
                ),
            };
            AssessmentRow {
                instrument: name,
                date: t.date(a.administered_at.date()),
                total,
                severity,
                risk: risk_words(t, inst, &risk),
                risk_positive: !risk.is_empty(),
                status: t.get(&format!("initial-measure-status-{}", a.status.code())),
                notes,
                phase: a
                    .phase
                    .map(|p| t.get(&format!("phase-{}", p.code())))
                    .unwrap_or_else(|| t.get("not-set")),
                link: format!("/courses/{}/measures/{}", view.course.id, a.id),
                link_text: t.get(if a.status == AssessmentStatus::Draft {
                    "initial-measure-continue"
                } else {
                    "initial-measure-view"
                }),
            }
        })
        .collect()
}

fn list_path(id: &str) -> String {
    format!("/courses/{id}/measures")
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<MeasuresPage, PageError> {
    let page = page_ctx(&headers, &user, "section-measures", &list_path(&id));
    let (mut page, view, head) = load_page(&state, &user, page, &id, "measures", &q).await?;
    let t = page.t;
    let recommended = &state
        .app
        .protocols
        .get(view.course.format)
        .recommended_instruments;
    let picker = Input::new("instrument", t.get("initial-measure-pick"), "select", "")
        .options(
            ordered_instruments(&view, &state)
                .into_iter()
                .map(|i| {
                    let mut label = format!("{} — {}", i.short_name, i.name);
                    if recommended.contains(&i.code) {
                        label = t.with("initial-measure-recommended", &[("name", label)]);
                    }
                    (i.code.clone(), label)
                })
                .collect(),
        )
        .hint(t.get("initial-measure-pick-hint"));
    page.title = format!("{} · {}", t.get("section-measures"), head.patient_name);
    Ok(MeasuresPage {
        rows: rows(&t, &view),
        picker,
        head,
        page,
    })
}

/// The posted entry: raw values by item index, and the other fields.
struct EntryValues {
    answers: Vec<String>,
    date: String,
    session: String,
}

impl EntryValues {
    fn blank(inst: &Instrument, today: Date) -> Self {
        Self {
            answers: vec![String::new(); inst.items.len()],
            date: today.to_string(),
            session: String::new(),
        }
    }

    fn of(inst: &Instrument, a: &Assessment) -> Self {
        // As published, as the form posts them (the RAS: −3 … +3).
        let mut answers: Vec<String> = inst
            .published_answers(&a.answers)
            .iter()
            .map(|v| v.map(|x| x.to_string()).unwrap_or_default())
            .collect();
        answers.resize(inst.items.len(), String::new());
        Self {
            answers,
            date: a.administered_at.date().to_string(),
            session: a.session.map(|s| s.to_string()).unwrap_or_default(),
        }
    }

    fn posted(inst: &Instrument, f: &FormData) -> Self {
        Self {
            answers: inst
                .items
                .iter()
                .map(|i| f.get(&item_name(&i.id)).trim().to_string())
                .collect(),
            date: f.get("administered_on").trim().to_string(),
            session: f.get("session").trim().to_string(),
        }
    }
}

fn item_name(id: &str) -> String {
    format!("item_{id}")
}

/// The text status of an instrument for the user's language, as notes for the entry page.
fn text_notes(t: &Tr, inst: &Instrument, has_text: bool) -> Vec<String> {
    let mut notes = vec![];
    let name = ("name", inst.short_name.clone());
    if !has_text {
        notes.push(if inst.licence.status == TextStatus::Ship {
            t.with(
                "initial-measure-no-text-language",
                std::slice::from_ref(&name),
            )
        } else {
            t.with(
                "initial-measure-text-not-installed",
                std::slice::from_ref(&name),
            )
        });
    }
    if inst.answers == AnswerKind::Scores {
        notes.push(t.get("initial-measure-enter-scores"));
    }
    if inst.rater == Rater::Clinician {
        notes.push(t.with("initial-measure-clinician-rated", &[name]));
    }
    notes
}

fn option_label(t: &Tr, inst: &Instrument, item: &ipt_domain::measures::Item, v: u8) -> String {
    let scale = inst.scale_of(item);
    match scale.excluded.iter().find(|e| e.value == v) {
        Some(e) => t.with(
            "initial-measure-excluded",
            &[
                ("value", v.to_string()),
                ("meaning", t.get(&format!("initial-excluded-{}", e.meaning))),
            ],
        ),
        None => v.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
async fn entry_page(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    q: &HashMap<String, String>,
    inst: &'static Instrument,
    existing: Option<&Assessment>,
    posted: Option<(EntryValues, Errors, Option<String>, i64)>,
) -> Result<EntryPage, PageError> {
    let (mut page, view, head) = load_page(state, user, page, id, "measures", q).await?;
    let t = page.t;
    let pack = state.app.text_packs.text_for(&inst.code, t.lang.code());
    let readonly = !head.can_edit || existing.is_some_and(|a| a.status == AssessmentStatus::Final);
    let (values, errors, message, version) = match posted {
        Some(p) => p,
        None => match existing {
            Some(a) => (EntryValues::of(inst, a), Errors::new(), None, a.version),
            None => (
                EntryValues::blank(inst, state.app.today()),
                Errors::new(),
                None,
                0,
            ),
        },
    };
    let items = inst
        .items
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let text = pack.and_then(|p| p.item(&item.id));
            let value = values.answers.get(k).cloned().unwrap_or_default();
            let legend = match text {
                Some(x) => format!("{}. {}", item.label, x.text),
                None => t.with("initial-measure-item", &[("n", item.label.clone())]),
            };
            let mut options = vec![(
                String::new(),
                t.get("initial-measure-not-answered"),
                value.is_empty(),
            )];
            // Each option posts its published value (a signed scale's code is not what the
            // paper form says), shown with its sign there.
            let scale = inst.scale_of(item);
            let shown = |code: u8| {
                let v = scale.shown(code);
                if scale.is_signed() && v > 0 {
                    format!("+{v}")
                } else {
                    v.to_string()
                }
            };
            let labelled: Vec<(String, String)> = match text {
                Some(x) => x
                    .options
                    .iter()
                    .map(|o| {
                        (
                            scale.shown(o.value).to_string(),
                            format!("{} · {}", shown(o.value), o.label),
                        )
                    })
                    .collect(),
                None => scale
                    .values()
                    .into_iter()
                    .map(|v| {
                        let label = if scale.is_signed() {
                            shown(v)
                        } else {
                            option_label(&t, inst, item, v)
                        };
                        (scale.shown(v).to_string(), label)
                    })
                    .collect(),
            };
            let answer = labelled
                .iter()
                .find(|(v, _)| *v == value)
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| t.get("initial-measure-not-answered"));
            options.extend(labelled.into_iter().map(|(v, l)| {
                let chosen = v == value;
                (v, l, chosen)
            }));
            let mut hints = vec![];
            if text.is_none() && t.lang == crate::i18n::Lang::En {
                hints.push(item.concept.clone());
            }
            if !item.scored {
                hints.push(t.get("initial-measure-unscored"));
            }
            if let Some(head_id) = &item.alternative_of {
                let head_label = inst
                    .item(head_id)
                    .map(|i| i.label.clone())
                    .unwrap_or_default();
                hints.push(t.with("initial-measure-alternative", &[("item", head_label)]));
            }
            let name = item_name(&item.id);
            ItemView {
                id: format!("item-{}", item.id),
                error: errors.get(&name).cloned(),
                name,
                legend,
                hint: (!hints.is_empty()).then(|| hints.join(" · ")),
                options,
                answer,
            }
        })
        .collect();
    let mut sessions = vec![(String::new(), t.get("initial-measure-no-session"))];
    let mut held: Vec<_> = view.sessions.iter().collect();
    held.sort_by_key(|s| s.number.get());
    sessions.extend(held.into_iter().map(|s| {
        (
            s.id.to_string(),
            format!(
                "{} ({})",
                crate::kit::session_label(&t, &view.course, s.number.get()),
                t.date(s.date)
            ),
        )
    }));
    let fields = vec![
        Input::new(
            "administered_on",
            t.get("initial-measure-date"),
            "date",
            &values.date,
        )
        .required()
        .error_from(&errors),
        Input::new(
            "session",
            t.get("initial-measure-session"),
            "select",
            &values.session,
        )
        .options(sessions)
        .hint(t.get("initial-measure-session-hint"))
        .error_from(&errors),
    ];
    let result = existing.and_then(|a| a.result.as_ref()).map(|r| {
        let total = r
            .total
            .map(|x| {
                t.with(
                    "initial-measure-total",
                    &[
                        ("total", t.number(x)),
                        ("max", inst.shown_range().1.to_string()),
                    ],
                )
            })
            .unwrap_or_else(|| t.get("initial-measure-no-total"));
        let severity = r
            .severity
            .as_deref()
            .map(|s| severity_words(&t, s))
            .unwrap_or_else(|| t.get("initial-measure-no-band"));
        t.with(
            "initial-measure-result",
            &[
                ("total", total),
                ("severity", severity),
                ("risk", risk_words(&t, Some(inst), &r.risk_items)),
            ],
        )
    });
    let heading = format!("{} — {}", inst.short_name, inst.name);
    page.title = format!("{} · {}", inst.short_name, head.patient_name);
    let missing_hint = match inst.missing.max_prorated {
        0 => t.with(
            "initial-measure-entry-hint-complete",
            &[("instrument", inst.short_name.clone())],
        ),
        n => t.with(
            "initial-measure-entry-hint-prorated",
            &[
                ("n", n.to_string()),
                ("instrument", inst.short_name.clone()),
            ],
        ),
    };
    Ok(EntryPage {
        missing_hint,
        code: inst.code.clone(),
        action: match existing {
            Some(a) => format!("/courses/{}/measures/{}", head.course_id, a.id),
            None => format!("/courses/{}/measures", head.course_id),
        },
        readonly,
        notes: text_notes(&t, inst, pack.is_some()),
        instructions: pack.and_then(|p| p.instructions.clone()),
        attribution: pack
            .map(|p| p.attribution.clone())
            .unwrap_or_else(|| inst.licence.attribution.clone()),
        items,
        fields,
        version,
        has_errors: !errors.is_empty(),
        message,
        result,
        heading,
        head,
        page,
    })
}

pub async fn new_entry(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-measures", &list_path(&id));
    let code = q.get("instrument").map(String::as_str).unwrap_or("");
    let Some(inst) = Catalogue::builtin().get(code) else {
        // No instrument chosen (or an unknown one): back to the list to choose.
        return Redirect::to(&list_path(&id)).into_response();
    };
    match entry_page(&state, &user, page, &id, &q, inst, None, None).await {
        Ok(p) => p.into_response(),
        Err(e) => e.into_response(),
    }
}

/// Find a stored assessment of this course.
fn find(view: &CourseView, aid: &str) -> Option<Assessment> {
    let aid = aid.parse::<AssessmentId>().ok()?;
    view.assessments.iter().find(|a| a.id == aid).cloned()
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-measures", &list_path(&id));
    let t = page.t;
    let view = match super::view::load(&state, &user, &t, &id, "measures").await {
        Ok((v, _)) => v,
        Err(e) => return fail(page)(e).into_response(),
    };
    let Some(a) = find(&view, &aid) else {
        return fail(page)(AppError::NotFound("assessment")).into_response();
    };
    let Some(inst) = Catalogue::builtin().get(&a.instrument) else {
        return fail(page)(AppError::NotFound("instrument")).into_response();
    };
    match entry_page(&state, &user, page, &id, &q, inst, Some(&a), None).await {
        Ok(p) => p.into_response(),
        Err(e) => e.into_response(),
    }
}

/// What the entry form carries, as the core reads it: every item's answer as typed (blank is
/// unanswered), the date, the session. No status is asked for: the answers decide it (final
/// when they give a valid result, a draft otherwise).
fn entry_input(inst: &Instrument, values: &EntryValues) -> AssessmentInput {
    AssessmentInput {
        instrument: Some(inst.code.clone()),
        answers: Some(values.answers.iter().cloned().map(Some).collect()),
        status: None,
        mode: None,
        session_id: Some(values.session.clone()),
        administered_at: Some(values.date.clone()),
    }
}

/// The item a refusal of the answers names: by its index, or by its label (for alternative
/// ratings, the second of the two).
fn refused_item<'a>(inst: &'a Instrument, e: &FieldError) -> Option<&'a Item> {
    e.args.iter().find_map(|(k, v)| match (*k, v) {
        ("index", Arg::Number(i)) => inst.items.get(usize::try_from(*i).ok()?),
        ("item" | "second", Arg::Text(label)) => inst.items.iter().find(|i| &i.label == label),
        _ => None,
    })
}

/// The core's refusals on the entry form: at the item, the date or the session they name,
/// and the others above the form.
fn placed(t: &Tr, inst: &Instrument, refused: &[FieldError]) -> (Errors, Option<String>) {
    let mut errors = Errors::new();
    let mut others = vec![];
    for e in refused {
        match (e.field, refused_item(inst, e)) {
            ("answers", Some(item)) => {
                errors
                    .entry(item_name(&item.id))
                    .or_insert_with(|| t.rule(e));
            }
            // The form's own names for the core's fields.
            ("administered_at", _) => others.push(FieldError {
                field: "administered_on",
                ..e.clone()
            }),
            ("session_id", _) => others.push(FieldError {
                field: "session",
                ..e.clone()
            }),
            _ => others.push(e.clone()),
        }
    }
    let (fields, rest): (Errors, _) = place(t, &others, &["administered_on", "session"]);
    errors.extend(fields);
    (errors, (!rest.is_empty()).then(|| rest.join(" ")))
}

/// Save a new entry, or complete a draft (`existing`): the core reads, scores and keeps it.
async fn save(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    inst: &'static Instrument,
    existing: Option<Assessment>,
    f: &FormData,
) -> Response {
    let t = page.t;
    let actor = user.actor();
    let q = HashMap::new();
    let course = match parse_course(id) {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let values = EntryValues::posted(inst, f);
    let version = f.version();
    let input = entry_input(inst, &values);
    let result = match &existing {
        None => {
            state
                .app
                .record_entered_assessment(&actor, course, &input)
                .await
        }
        Some(a) => {
            state
                .app
                .update_entered_assessment(&actor, course, a.id, f.version_given(), &input)
                .await
        }
    };
    match result {
        Ok(entered) => {
            let notice = if !entered.risk_items.is_empty() {
                "measure-risk"
            } else if entered.assessment.status == AssessmentStatus::Final {
                "measure-final"
            } else {
                "measure-draft"
            };
            super::view::saved(id, "measures", notice)
        }
        Err(AppError::Conflict { .. }) => {
            // Say which answers differ from the saved ones; the form carries the saved version
            // now, so saving again replaces them with what the user typed.
            let view = match super::view::load(state, user, &t, id, "measures").await {
                Ok((v, _)) => v,
                Err(e) => return fail(page)(e).into_response(),
            };
            let fresh = existing
                .as_ref()
                .and_then(|a| find(&view, &a.id.to_string()));
            let fresh_version = fresh.as_ref().map(|a| a.version).unwrap_or(version);
            let differ: Vec<String> = fresh
                .as_ref()
                .map(|a| {
                    let saved = EntryValues::of(inst, a);
                    inst.items
                        .iter()
                        .zip(saved.answers.iter().zip(&values.answers))
                        .filter(|(_, (s, v))| s != v)
                        .map(|(i, _)| i.label.clone())
                        .collect()
                })
                .unwrap_or_default();
            let mut message = t.get("initial-conflict");
            if !differ.is_empty() {
                message = format!(
                    "{message} {}",
                    t.with(
                        "initial-measure-conflict-items",
                        &[("items", differ.join(", "))]
                    )
                );
            }
            let r = entry_page(
                state,
                user,
                page,
                id,
                &q,
                inst,
                fresh.as_ref().or(existing.as_ref()),
                Some((values, Errors::new(), Some(message), fresh_version)),
            )
            .await;
            respond(r, STALE)
        }
        Err(AppError::Rejected(refused)) => {
            let (errors, message) = placed(&t, inst, &refused);
            let r = entry_page(
                state,
                user,
                page,
                id,
                &q,
                inst,
                existing.as_ref(),
                Some((values, errors, message, version)),
            )
            .await;
            respond(r, REFUSED)
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-measures", &list_path(&id));
    if let Err(e) = write_access(&state, &user, &id).await {
        return fail(page)(e).into_response();
    }
    let f = FormData(pairs);
    let Some(inst) = Catalogue::builtin().get(f.get("instrument")) else {
        // No form to show it on: the core refuses the code, and the page says so.
        let input = AssessmentInput {
            instrument: Some(f.get("instrument").to_string()),
            answers: Some(vec![]),
            ..Default::default()
        };
        let refused = match parse_course(&id) {
            Ok(course) => {
                state
                    .app
                    .record_entered_assessment(&user.actor(), course, &input)
                    .await
            }
            Err(e) => Err(e),
        };
        return match refused {
            Err(e) => fail(page)(e).into_response(),
            Ok(_) => Redirect::to(&list_path(&id)).into_response(),
        };
    };
    save(&state, &user, page, &id, inst, None, &f).await
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, aid)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-measures", &list_path(&id));
    let t = page.t;
    if let Err(e) = write_access(&state, &user, &id).await {
        return fail(page)(e).into_response();
    }
    let view = match super::view::load(&state, &user, &t, &id, "measures").await {
        Ok((v, _)) => v,
        Err(e) => return fail(page)(e).into_response(),
    };
    let Some(existing) = find(&view, &aid) else {
        return fail(page)(AppError::NotFound("assessment")).into_response();
    };
    let Some(inst) = Catalogue::builtin().get(&existing.instrument) else {
        return fail(page)(AppError::NotFound("instrument")).into_response();
    };
    let f = FormData(pairs);
    save(&state, &user, page, &id, inst, Some(existing), &f).await
}
