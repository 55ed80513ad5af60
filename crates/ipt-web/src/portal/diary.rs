//! The mood diary on the portal: today's entry at the top (mood 0–10, the people the patient
//! spent time with and how each contact went, an optional note), then the history, newest
//! first, the chart with a table view, and the "people and mood" summary.
//!
//! The form works without JavaScript. Every refusal is shown in the patient's language next to
//! what they typed, which is never lost: after a stale save the form keeps their words and shows
//! what is saved now. The chart, history and summary builders are shared with the clinician's
//! view of the same diary (`clinician_diary.rs`), which words them for a clinician.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::usecases::diary::{
    DiaryContact, DiaryDraft, DiarySaveError, DiaryView, latest_diary_day,
};
use ipt_app::usecases::portal::PortalPatient;
use ipt_domain::diary::{DiaryEntry, DiaryError, DiaryMood, InteractionQuality, PersonMood};
use ipt_domain::ids::InventoryPersonId;
use ipt_domain::inventory::SelfExpression;
use ipt_report::{DiaryDay, DiaryLabels, diary_mood};
use time::Date;

use super::{PortalCtx, ctx};
use crate::AppState;
use crate::i18n::Tr;

/// The few styles of the portal's diary, plan, progress and learning pages and of the
/// clinician's diary page (`/assets/portal-pages.css`); every page works without them.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("pages.css"),
    )
}

/// Empty "add someone" lines offered under the list of people.
const NEW_ROWS: usize = 3;
/// More person lines than this in one form is not a person's form.
const MAX_ROWS: usize = 200;

/// Whose words the shared blocks use: the patient's ("your mood") or the clinician's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    Patient,
    Clinician,
}

impl Voice {
    fn key(self, patient: &'static str, clinician: &'static str) -> &'static str {
        match self {
            Self::Patient => patient,
            Self::Clinician => clinician,
        }
    }
}

/// The chart, its text alternative and its data as a table.
pub struct ChartView {
    pub svg: String,
    pub alt: String,
    /// (day, mood, people and how it went), oldest first like the chart.
    pub rows: Vec<(String, String, String)>,
}

/// One day in the history list.
pub struct HistoryItem {
    pub date: String,
    pub mood: String,
    pub people: Vec<String>,
    pub note: String,
    /// (address, accessible label) of the page that changes this day.
    pub edit: Option<(String, String)>,
}

/// One person in the "people and mood" summary.
pub struct SummaryRow {
    pub person: String,
    pub with: String,
    pub without: String,
    pub sentence: String,
    /// How easy it was to say what one needed, first against latest, when answered twice.
    pub speak: Option<String>,
    /// Too few days on one side to read anything into.
    pub few: bool,
}

/// What the chart, history and summary show, for either voice.
pub struct DiaryBlocks {
    pub has_entries: bool,
    pub chart_heading: String,
    pub chart: ChartView,
    pub history_heading: String,
    pub history: Vec<HistoryItem>,
    pub history_none: String,
    pub summary_intro: String,
    pub summary_caution: String,
    pub summary: Vec<SummaryRow>,
    pub summary_none: String,
}

/// A day as YYYY-MM-DD, as addresses and date fields carry it.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

pub fn parse_day(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), fmt).ok()
}

fn quality_code(q: i8) -> &'static str {
    match q {
        -2 => "m2",
        -1 => "m1",
        0 => "0",
        1 => "p1",
        _ => "p2",
    }
}

/// How a contact went, in words ("went well").
pub fn went(t: &Tr, q: InteractionQuality) -> String {
    t.get(&format!("portal-diary-went-{}", quality_code(q.get())))
}

fn people_line(t: &Tr, e: &DiaryEntry) -> Vec<String> {
    e.interactions
        .iter()
        .map(|i| format!("{} ({})", i.alias.trim(), went(t, i.quality)))
        .collect()
}

fn chart(t: &Tr, entries: &[DiaryEntry], voice: Voice) -> ChartView {
    let days: Vec<DiaryDay> = entries
        .iter()
        .map(|e| DiaryDay {
            date: e.date,
            mood: e.mood.get(),
            interactions: e
                .interactions
                .iter()
                .map(|i| (i.alias.trim().to_string(), i.quality.get()))
                .collect(),
        })
        .collect();
    let alt = match (entries.first(), entries.last()) {
        (Some(f), Some(l)) if entries.len() > 1 => {
            let moods: Vec<u8> = entries.iter().map(|e| e.mood.get()).collect();
            let sum: f64 = moods.iter().map(|m| f64::from(*m)).sum();
            let average = (sum / moods.len() as f64 * 10.0).round() / 10.0;
            t.with(
                voice.key("portal-diary-chart-alt", "portal-diary-clin-chart-alt"),
                &[
                    ("days", t.count("portal-diary-days", entries.len() as i64)),
                    ("first", t.date(f.date)),
                    ("last", t.date(l.date)),
                    ("low", moods.iter().min().unwrap_or(&0).to_string()),
                    ("high", moods.iter().max().unwrap_or(&0).to_string()),
                    ("average", t.number(average)),
                ],
            )
        }
        (Some(f), _) => t.with(
            "portal-diary-chart-alt-one",
            &[
                ("first", t.date(f.date)),
                ("mood", f.mood.get().to_string()),
            ],
        ),
        _ => t.get("portal-diary-chart-empty"),
    };
    let svg = diary_mood(
        &days,
        &DiaryLabels {
            id: "diary-chart".into(),
            title: t.get("portal-diary-chart-title"),
            description: alt.clone(),
            axis: t.get("portal-diary-chart-axis"),
            contacts: t.get("portal-diary-chart-contacts"),
            quality: ["m2", "m1", "0", "p1", "p2"]
                .map(|q| t.get(&format!("portal-diary-went-{q}"))),
            more: t.get("portal-diary-chart-more"),
            empty: t.get("portal-diary-chart-empty"),
        },
    );
    let rows = entries
        .iter()
        .map(|e| {
            let people = people_line(t, e);
            (
                t.date(e.date),
                e.mood.get().to_string(),
                if people.is_empty() {
                    t.get("portal-diary-no-people")
                } else {
                    people.join("; ")
                },
            )
        })
        .collect();
    ChartView { svg, alt, rows }
}

fn summary_row(t: &Tr, p: &PersonMood, voice: Voice) -> SummaryRow {
    let mood = |x: f64| t.number((x * 10.0).round() / 10.0);
    let with = t.with(
        "portal-diary-average-over",
        &[
            ("mood", mood(p.mood_with)),
            ("days", t.count("portal-diary-days", p.days_with as i64)),
        ],
    );
    let (without, sentence) = match p.mood_without {
        Some(w) => (
            t.with(
                "portal-diary-average-over",
                &[
                    ("mood", mood(w)),
                    ("days", t.count("portal-diary-days", p.days_without as i64)),
                ],
            ),
            t.with(
                voice.key("portal-diary-sentence", "portal-diary-clin-sentence"),
                &[
                    (
                        "days_with",
                        t.count("portal-diary-the-days", p.days_with as i64),
                    ),
                    ("person", p.alias.clone()),
                    ("mood_with", mood(p.mood_with)),
                    (
                        "days_without",
                        t.count("portal-diary-the-days", p.days_without as i64),
                    ),
                    ("mood_without", mood(w)),
                ],
            ),
        ),
        None => (
            t.get("portal-diary-no-days-without"),
            t.with(
                voice.key(
                    "portal-diary-sentence-every-day",
                    "portal-diary-clin-sentence-every-day",
                ),
                &[
                    ("person", p.alias.clone()),
                    ("days", t.count("portal-diary-days", p.days_with as i64)),
                ],
            ),
        ),
    };
    let speak = p.self_expression_moved().map(|(first, latest)| {
        t.with(
            voice.key(
                "portal-diary-speak-summary",
                "portal-diary-clin-speak-summary",
            ),
            &[
                ("person", p.alias.clone()),
                (
                    "first",
                    t.get(&format!("portal-expression-{}", first.value())),
                ),
                (
                    "latest",
                    t.get(&format!("portal-expression-{}", latest.value())),
                ),
                (
                    "answers",
                    t.count("portal-diary-answers", p.self_expression.len() as i64),
                ),
            ],
        )
    });
    SummaryRow {
        person: p.alias.clone(),
        with,
        without,
        sentence,
        speak,
        few: !p.enough_days(),
    }
}

/// The chart, history (newest first) and summary of a diary. `edit` adds a "change this day"
/// link to each day (the patient's own view of an open course).
pub fn blocks(t: &Tr, view: &DiaryView, voice: Voice, edit: bool) -> DiaryBlocks {
    let history = view
        .entries
        .iter()
        .rev()
        .map(|e| HistoryItem {
            date: t.date(e.date),
            mood: t.with(
                "portal-diary-mood-of-ten",
                &[("mood", e.mood.get().to_string())],
            ),
            people: people_line(t, e),
            note: e.note.clone(),
            edit: edit.then(|| {
                (
                    format!("/portal/diary/{}", iso(e.date)),
                    t.with("portal-diary-change-day-label", &[("date", t.date(e.date))]),
                )
            }),
        })
        .collect();
    DiaryBlocks {
        has_entries: !view.entries.is_empty(),
        chart_heading: t.get(voice.key("portal-diary-chart", "portal-diary-clin-chart")),
        chart: chart(t, &view.entries, voice),
        history_heading: t.get(voice.key("portal-diary-history", "portal-diary-clin-history")),
        history,
        history_none: t.get(voice.key("portal-diary-history-none", "portal-diary-clin-none")),
        summary_none: t.get(voice.key(
            "portal-diary-summary-none",
            "portal-diary-clin-summary-none",
        )),
        summary_intro: t.get(voice.key(
            "portal-diary-summary-intro",
            "portal-diary-clin-summary-intro",
        )),
        summary_caution: t.get(voice.key(
            "portal-diary-summary-caution",
            "portal-diary-clin-summary-caution",
        )),
        summary: view
            .summary
            .iter()
            .map(|p| summary_row(t, p, voice))
            .collect(),
    }
}

// ---- The entry form -------------------------------------------------------------------------

/// One person the patient can tick.
pub struct PersonChoice {
    pub index: usize,
    pub alias: String,
    /// The inventory person's id, or empty for someone added by name.
    pub person: String,
    pub checked: bool,
    /// -2…2 as typed, "0" by default.
    pub quality: String,
    pub how_label: String,
    /// 0–4 as typed, empty when not answered (the question is optional).
    pub speak: String,
    pub speak_label: String,
}

/// One "add someone" line.
pub struct NewRow {
    pub index: usize,
    pub alias: String,
    pub quality: String,
    pub name_label: String,
    pub how_label: String,
    pub speak: String,
    pub speak_label: String,
}

pub struct EntryForm {
    pub action: String,
    pub heading: String,
    pub past: bool,
    pub mood: String,
    pub people: Vec<PersonChoice>,
    pub added: Vec<NewRow>,
    pub note: String,
    pub version: String,
    pub has_errors: bool,
    pub mood_error: Option<String>,
    pub people_error: Option<String>,
    pub note_error: Option<String>,
    pub date_error: Option<String>,
    /// After a stale save: the explanation, and the day as saved now.
    pub conflict: Option<String>,
    pub saved_now: Option<HistoryItem>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/diary_page.html")]
pub struct DiaryPage {
    pub page: PortalCtx,
    pub intro: String,
    /// Shown instead of the form: no course yet, or the course has ended.
    pub status: Option<String>,
    pub form: Option<EntryForm>,
    pub today: String,
    pub other_day: String,
    pub other_day_error: Option<String>,
    /// The values of the mood scale, 0 to 10.
    pub moods: Vec<String>,
    /// (value, label) of how a contact went.
    pub qualities: Vec<(String, String)>,
    /// (value, label) of how easy it was to say what one needed: "" (not answered), 0–4.
    pub speaks: Vec<(String, String)>,
    pub blocks: Option<DiaryBlocks>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/diary_message.html")]
pub struct MessagePage {
    pub page: PortalCtx,
    pub heading: String,
    pub message: String,
}

/// An error as a portal page in the patient's language. Missing and not-theirs answer alike.
pub fn error_page(mut page: PortalCtx, e: &AppError) -> Response {
    let t = page.t;
    let (status, heading, message) = match e {
        AppError::NotFound(_) | AppError::Forbidden => (
            StatusCode::NOT_FOUND,
            t.get("error-not-found-title"),
            t.get("error-not-found"),
        ),
        AppError::Unavailable(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            t.get("error-unavailable"),
            t.get("error-unavailable"),
        ),
        AppError::Conflict { .. } => (
            StatusCode::CONFLICT,
            t.get("error-conflict"),
            t.get("error-conflict"),
        ),
        other => {
            tracing::error!(error = %other, "portal page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                t.get("error-internal"),
                t.get("error-internal"),
            )
        }
    };
    page.title = heading.clone();
    (
        status,
        MessagePage {
            page,
            heading,
            message,
        },
    )
        .into_response()
}

pub fn not_found(page: PortalCtx) -> Response {
    error_page(page, &AppError::NotFound("page"))
}

/// The form as typed, kept whole so a refused save loses nothing.
#[derive(Debug, Clone, Default)]
struct Typed {
    mood: String,
    version: String,
    /// (index, alias, person id, ticked, quality, self-expression)
    people: Vec<(usize, String, String, bool, String, String)>,
    /// (index, alias, quality, self-expression)
    added: Vec<(usize, String, String, String)>,
    note: String,
}

impl Typed {
    fn from_form(fields: &[(String, String)]) -> Self {
        let f: HashMap<&str, &str> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let get = |k: &str| f.get(k).map(|v| v.to_string()).unwrap_or_default();
        let mut indices: Vec<usize> = fields
            .iter()
            .filter_map(|(k, _)| k.strip_prefix("alias-")?.parse().ok())
            .filter(|i| *i < MAX_ROWS)
            .collect();
        indices.sort_unstable();
        indices.dedup();
        Self {
            mood: get("mood"),
            version: get("version"),
            people: indices
                .into_iter()
                .map(|i| {
                    (
                        i,
                        get(&format!("alias-{i}")),
                        get(&format!("person-{i}")),
                        f.contains_key(format!("with-{i}").as_str()),
                        get(&format!("quality-{i}")),
                        get(&format!("speak-{i}")),
                    )
                })
                .collect(),
            added: (0..NEW_ROWS)
                .map(|k| {
                    (
                        k,
                        get(&format!("new-alias-{k}")),
                        get(&format!("new-quality-{k}")),
                        get(&format!("new-speak-{k}")),
                    )
                })
                .collect(),
            note: get("note"),
        }
    }
}

/// Field errors, in the patient's language.
#[derive(Default)]
struct Errors {
    mood: Option<String>,
    people: Option<String>,
    note: Option<String>,
    date: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        self.mood.is_some() || self.people.is_some() || self.note.is_some() || self.date.is_some()
    }

    /// Put a domain refusal next to the field it is about, in the catalogue's words.
    fn from_domain(t: &Tr, e: &DiaryError) -> Self {
        let mut out = Self::default();
        match e {
            DiaryError::MoodMissing => out.mood = Some(t.get("portal-diary-error-mood-missing")),
            DiaryError::MoodNotANumber(_) | DiaryError::MoodOutOfRange(_) => {
                out.mood = Some(t.get("portal-diary-error-mood-range"))
            }
            DiaryError::QualityOutOfRange(_) => {
                out.people = Some(t.get("portal-diary-error-quality"))
            }
            DiaryError::FutureDate(d) => {
                out.date = Some(t.with("portal-diary-error-future", &[("date", t.date(*d))]))
            }
            DiaryError::NoteTooLong(n) => {
                out.note = Some(t.with("portal-diary-error-note-long", &[("n", n.to_string())]))
            }
            DiaryError::NoteControlCharacter => {
                out.note = Some(t.get("portal-diary-error-control-character"))
            }
            DiaryError::AliasControlCharacter => {
                out.people = Some(t.get("portal-diary-error-control-character"))
            }
            DiaryError::TooManyPeople(n) => {
                out.people = Some(t.with("portal-diary-error-too-many", &[("n", n.to_string())]))
            }
            DiaryError::EmptyAlias => out.people = Some(t.get("portal-diary-error-alias-empty")),
            DiaryError::AliasTooLong(n) => {
                out.people = Some(t.with("portal-diary-error-alias-long", &[("n", n.to_string())]))
            }
            DiaryError::PersonTwice(p) => {
                out.people = Some(t.with("portal-diary-error-twice", &[("person", p.clone())]))
            }
        }
        out
    }
}

/// What parsing the form can find wrong before the app sees it.
enum Refused {
    Fields(Errors),
    /// An id that is not a person of this patient's list: "not found".
    UnknownId,
}

fn parse(t: &Tr, typed: &Typed, date: Date) -> Result<DiaryDraft, Refused> {
    let mut errors = Errors::default();
    let mood = match DiaryMood::parse(&typed.mood) {
        Ok(m) => Some(m),
        Err(e) => {
            errors.mood = Errors::from_domain(t, &e).mood;
            None
        }
    };
    let mut contacts = vec![];
    // The optional self-expression answer: empty is "not answered"; anything but 0–4 is refused.
    let mut speak_of = |raw: &str| -> Option<SelfExpression> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match raw
            .parse::<u8>()
            .ok()
            .and_then(|n| SelfExpression::new(n).ok())
        {
            Some(r) => Some(r),
            None => {
                errors.people = Some(t.get("portal-diary-error-speak"));
                None
            }
        }
    };
    let mut parsed = vec![];
    for (_, alias, person, ticked, quality, speak) in &typed.people {
        if !ticked {
            continue;
        }
        let person = match person.trim() {
            "" => None,
            id => Some(
                id.parse::<InventoryPersonId>()
                    .map_err(|_| Refused::UnknownId)?,
            ),
        };
        parsed.push((person, alias.clone(), quality, speak_of(speak)));
    }
    for (_, alias, quality, speak) in &typed.added {
        if alias.trim().is_empty() {
            continue;
        }
        parsed.push((None, alias.clone(), quality, speak_of(speak)));
    }
    for (person, alias, quality, self_expression) in parsed {
        match InteractionQuality::parse(quality) {
            Ok(quality) => contacts.push(DiaryContact {
                person,
                alias,
                quality,
                self_expression,
            }),
            Err(_) => errors.people = Some(t.get("portal-diary-error-quality")),
        }
    }
    match mood {
        Some(mood) if !errors.any() => Ok(DiaryDraft {
            date,
            mood,
            contacts,
            note: typed.note.clone(),
            version: typed.version.trim().parse().ok(),
        }),
        _ => Err(Refused::Fields(errors)),
    }
}

fn quality_options(t: &Tr) -> Vec<(String, String)> {
    InteractionQuality::ALL
        .iter()
        .map(|q| {
            (
                q.to_string(),
                t.get(&format!("portal-diary-quality-{}", quality_code(*q))),
            )
        })
        .collect()
}

fn speak_options(t: &Tr) -> Vec<(String, String)> {
    std::iter::once((String::new(), t.get("portal-diary-speak-none")))
        .chain(SelfExpression::ALL.iter().map(|n| {
            (
                n.to_string(),
                format!("{n}: {}", t.get(&format!("portal-expression-{n}"))),
            )
        }))
        .collect()
}

fn speak_label(t: &Tr, alias: &str) -> String {
    t.with("portal-diary-speak", &[("person", alias.to_string())])
}

fn mood_options() -> Vec<String> {
    (0..=DiaryMood::MAX).map(|m| m.to_string()).collect()
}

fn how_label(t: &Tr, alias: &str) -> String {
    t.with("portal-diary-how-it-went", &[("person", alias.to_string())])
}

fn new_rows(t: &Tr, typed: Option<&Typed>) -> Vec<NewRow> {
    (0..NEW_ROWS)
        .map(|k| {
            let (alias, quality, speak) = typed
                .and_then(|ty| ty.added.iter().find(|a| a.0 == k))
                .map(|a| (a.1.clone(), a.2.clone(), a.3.clone()))
                .unwrap_or_else(|| (String::new(), "0".into(), String::new()));
            let n = (k + 1).to_string();
            NewRow {
                index: k,
                alias,
                quality,
                name_label: t.with("portal-diary-add-name", &[("n", n.clone())]),
                how_label: t.with("portal-diary-add-how", &[("n", n.clone())]),
                speak,
                speak_label: t.with("portal-diary-add-speak", &[("n", n)]),
            }
        })
        .collect()
}

/// The people to tick: everyone on the patient's list, ticked as the saved entry says, and
/// anyone in the entry who is no longer on the list (kept by name, so nothing is lost).
fn choices_from(t: &Tr, view: &DiaryView, entry: Option<&DiaryEntry>) -> Vec<PersonChoice> {
    let mut out: Vec<PersonChoice> = view
        .people
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let hit = entry.and_then(|e| {
                e.interactions.iter().find(|i| match p.person {
                    Some(id) => i.person == Some(id),
                    None => i.person.is_none() && i.alias.trim().eq_ignore_ascii_case(&p.alias),
                })
            });
            PersonChoice {
                index,
                alias: p.alias.clone(),
                person: p.person.map(|id| id.to_string()).unwrap_or_default(),
                checked: hit.is_some(),
                quality: hit
                    .map(|i| i.quality.get().to_string())
                    .unwrap_or("0".into()),
                how_label: how_label(t, &p.alias),
                speak: hit
                    .and_then(|i| i.self_expression)
                    .map(|r| r.value().to_string())
                    .unwrap_or_default(),
                speak_label: speak_label(t, &p.alias),
            }
        })
        .collect();
    if let Some(e) = entry {
        for i in &e.interactions {
            let listed = view.people.iter().any(|p| match p.person {
                Some(id) => i.person == Some(id),
                None => i.alias.trim().eq_ignore_ascii_case(&p.alias),
            });
            if !listed {
                let index = out.len();
                out.push(PersonChoice {
                    index,
                    alias: i.alias.trim().to_string(),
                    person: String::new(),
                    checked: true,
                    quality: i.quality.get().to_string(),
                    how_label: how_label(t, i.alias.trim()),
                    speak: i
                        .self_expression
                        .map(|r| r.value().to_string())
                        .unwrap_or_default(),
                    speak_label: speak_label(t, i.alias.trim()),
                });
            }
        }
    }
    out
}

fn choices_typed(t: &Tr, typed: &Typed) -> Vec<PersonChoice> {
    typed
        .people
        .iter()
        .map(
            |(index, alias, person, checked, quality, speak)| PersonChoice {
                index: *index,
                alias: alias.clone(),
                person: person.clone(),
                checked: *checked,
                quality: quality.clone(),
                how_label: how_label(t, alias),
                speak: speak.clone(),
                speak_label: speak_label(t, alias),
            },
        )
        .collect()
}

fn history_item(t: &Tr, e: &DiaryEntry) -> HistoryItem {
    HistoryItem {
        date: t.date(e.date),
        mood: t.with(
            "portal-diary-saved-now",
            &[("mood", e.mood.get().to_string())],
        ),
        people: people_line(t, e),
        note: e.note.clone(),
        edit: None,
    }
}

/// The form for `date`: as saved, or as typed when a save was refused.
fn entry_form(
    t: &Tr,
    view: &DiaryView,
    date: Date,
    today: Date,
    typed: Option<&Typed>,
    errors: Errors,
    conflict: bool,
) -> EntryForm {
    let saved = view.entry_on(date);
    let added = new_rows(t, typed);
    let (mood, people, note, version) = match typed {
        Some(ty) => (
            ty.mood.clone(),
            choices_typed(t, ty),
            ty.note.clone(),
            // After a conflict the form carries the saved version, so saving again keeps the
            // patient's words knowingly.
            if conflict {
                saved.map(|e| e.version.to_string()).unwrap_or_default()
            } else {
                ty.version.clone()
            },
        ),
        None => (
            saved.map(|e| e.mood.get().to_string()).unwrap_or_default(),
            choices_from(t, view, saved),
            saved.map(|e| e.note.clone()).unwrap_or_default(),
            saved.map(|e| e.version.to_string()).unwrap_or_default(),
        ),
    };
    EntryForm {
        action: format!("/portal/diary/{}", iso(date)),
        heading: if date == today {
            t.with("portal-diary-today", &[("date", t.date(date))])
        } else {
            t.with("portal-diary-day", &[("date", t.date(date))])
        },
        past: date != today,
        mood,
        people,
        added,
        note,
        version,
        has_errors: errors.any() || conflict,
        mood_error: errors.mood,
        people_error: errors.people,
        note_error: errors.note,
        date_error: errors.date,
        conflict: conflict.then(|| t.get("portal-diary-error-conflict")),
        saved_now: if conflict {
            saved.map(|e| history_item(t, e))
        } else {
            None
        },
    }
}

// ---- Pages ------------------------------------------------------------------------------------

/// The day the form is for, and what to show in it.
struct Shown<'a> {
    date: Date,
    typed: Option<&'a Typed>,
    errors: Errors,
    conflict: bool,
}

impl Shown<'_> {
    fn day(date: Date) -> Self {
        Self {
            date,
            typed: None,
            errors: Errors::default(),
            conflict: false,
        }
    }
}

fn render(
    page: PortalCtx,
    view: Option<&DiaryView>,
    today: Date,
    shown: Shown<'_>,
    other_day_error: Option<String>,
) -> DiaryPage {
    let t = page.t;
    let (status, form, blocks) = match view {
        None => (Some(t.get("portal-diary-no-course")), None, None),
        Some(v) => (
            (!v.writable).then(|| t.get("portal-diary-closed")),
            v.writable.then(|| {
                entry_form(
                    &t,
                    v,
                    shown.date,
                    today,
                    shown.typed,
                    shown.errors,
                    shown.conflict,
                )
            }),
            Some(blocks(&t, v, Voice::Patient, v.writable)),
        ),
    };
    DiaryPage {
        intro: t.get("portal-diary-intro"),
        status,
        form,
        today: iso(latest_diary_day(today)),
        other_day: String::new(),
        other_day_error,
        moods: mood_options(),
        qualities: quality_options(&t),
        speaks: speak_options(&t),
        blocks,
        page,
    }
}

/// `GET /portal/diary`: today's entry, the history, the chart and the summary. `?day=` opens
/// another day (the "write about another day" field); `?saved=` confirms a save.
pub async fn page(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut page = ctx(&who, "portal-diary-title", "/portal/diary");
    let t = page.t;
    let today = state.app.today();
    let mut other_day_error = None;
    if let Some(day) = q.get("day") {
        match parse_day(day) {
            Some(d) if d == today => {}
            Some(d) => return Redirect::to(&format!("/portal/diary/{}", iso(d))).into_response(),
            None => other_day_error = Some(t.get("portal-diary-error-date")),
        }
    }
    if let Some(d) = q.get("saved").and_then(|s| parse_day(s)) {
        page.notices
            .push(t.with("portal-diary-saved", &[("date", t.date(d))]));
    }
    let view = match state.app.portal_diary(&who).await {
        Ok(v) => v,
        Err(e) => return error_page(page, &e),
    };
    let status = if other_day_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (
        status,
        render(
            page,
            view.as_ref(),
            today,
            Shown::day(today),
            other_day_error,
        ),
    )
        .into_response()
}

/// `GET /portal/diary/{date}`: the form for an earlier day (or today).
pub async fn day(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(date): Path<String>,
) -> Response {
    let page = ctx(&who, "portal-diary-title", "/portal/diary");
    let t = page.t;
    let Some(date) = parse_day(&date) else {
        return not_found(page);
    };
    let today = state.app.today();
    let view = match state.app.portal_diary(&who).await {
        Ok(v) => v,
        Err(e) => return error_page(page, &e),
    };
    let mut shown = Shown::day(date);
    if date > latest_diary_day(today) {
        shown.errors.date = Some(t.with("portal-diary-error-future", &[("date", t.date(date))]));
    }
    render(page, view.as_ref(), today, shown, None).into_response()
}

/// `POST /portal/diary/{date}`: save the day. A refusal shows the form again, as typed.
pub async fn save(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Path(date): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let page = ctx(&who, "portal-diary-title", "/portal/diary");
    let t = page.t;
    let Some(date) = parse_day(&date) else {
        return not_found(page);
    };
    let today = state.app.today();
    let typed = Typed::from_form(&fields);
    let refused = |page: PortalCtx, view: Option<DiaryView>, errors: Errors, conflict: bool| {
        let status = if conflict {
            StatusCode::CONFLICT
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let shown = Shown {
            date,
            typed: Some(&typed),
            errors,
            conflict,
        };
        (status, render(page, view.as_ref(), today, shown, None)).into_response()
    };
    let draft = match parse(&t, &typed, date) {
        Ok(d) => d,
        Err(Refused::UnknownId) => return not_found(page),
        Err(Refused::Fields(errors)) => {
            let view = match state.app.portal_diary(&who).await {
                Ok(v) => v,
                Err(e) => return error_page(page, &e),
            };
            return refused(page, view, errors, false);
        }
    };
    let outcome = state.app.portal_save_diary(&who, draft).await;
    match outcome {
        Ok(entry) => {
            tracing::info!(entry = %entry.id, "diary day saved");
            Redirect::to(&format!("/portal/diary?saved={}", iso(date))).into_response()
        }
        Err(DiarySaveError::Entry(e)) => match reload(&state, &who, page).await {
            Ok((page, view)) => refused(page, view, Errors::from_domain(&t, &e), false),
            Err(r) => r,
        },
        Err(DiarySaveError::Closed) => match reload(&state, &who, page).await {
            Ok((page, view)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                render(page, view.as_ref(), today, Shown::day(date), None),
            )
                .into_response(),
            Err(r) => r,
        },
        Err(DiarySaveError::App(AppError::Conflict { .. })) => {
            match reload(&state, &who, page).await {
                Ok((page, view)) => refused(page, view, Errors::default(), true),
                Err(r) => r,
            }
        }
        Err(DiarySaveError::App(e)) => error_page(page, &e),
    }
}

/// The diary again, after a refused save.
async fn reload(
    state: &AppState,
    who: &PortalPatient,
    page: PortalCtx,
) -> Result<(PortalCtx, Option<DiaryView>), Response> {
    match state.app.portal_diary(who).await {
        Ok(v) => Ok((page, v)),
        Err(e) => Err(error_page(page, &e)),
    }
}
