//! `/courses/{id}/suggestions`: which problem areas the inventory and timeline point to, with
//! every reason behind each (`ipt_domain::suggestion::suggest`), and the form where the
//! clinician chooses one or two focus areas, staging a role dispute. Decision support only:
//! the page says so, and nothing is chosen for the clinician.
//!
//! In English the reasons are the domain's own sentences. In other languages they are rebuilt
//! from their parts (kind, record, timing), so names, dates and areas read naturally.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ipt_app::{AppError, CourseView};
use ipt_domain::approx_date::{ApproxDate, DatePrecision};
use ipt_domain::course::Course;
use ipt_domain::inventory::{ConflictLevel, InventoryPerson, NetworkIndices};
use ipt_domain::problem_area::{AreaKind, DisputeStage, FocusAreaInput, FocusAreas, FocusInput};
use ipt_domain::rule::{Arg, Code, FieldError};
use ipt_domain::suggestion::{
    Note, NoteKind, Reason, ReasonKind, StageHint, SuggestionRules, Suggestions, Timing, suggest,
};
use ipt_domain::timeline::{EventKind, TimelineEvent};

use super::form::{Errors, FormData, Input, Posted};
use super::inventory::{relationship_label, ring_label};
use super::timeline::kind_label;
use super::view::{
    Head, REFUSED, STALE, approx_human, load_page, page_ctx, respond, saved, write_access,
};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Lang, Tr};
use crate::kit::{PageCtx, PageError, fail};

pub struct ReasonView {
    pub text: String,
    /// A link to the record the reason rests on: (href, text).
    pub link: Option<(String, String)>,
}

pub struct SuggestionView {
    pub area: String,
    pub strength: String,
    pub score: String,
    pub reasons: Vec<ReasonView>,
    pub stage_hint: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "initial/suggestions.html")]
pub struct SuggestionsPage {
    pub page: PageCtx,
    pub head: Head,
    pub onset: String,
    pub ranked: Vec<SuggestionView>,
    pub notes: Vec<String>,
    pub current_focus: String,
    pub fields: Vec<Input>,
    /// The focus chosen before, newest first, each with its date and reason.
    pub history: Vec<String>,
    pub version: i64,
    pub has_errors: bool,
    pub message: Option<String>,
}

fn area_label(t: &Tr, a: AreaKind) -> String {
    t.get(&format!("area-{}", a.code()))
}

fn stage_label(t: &Tr, s: DisputeStage) -> String {
    t.get(&format!("stage-{}", s.code()))
}

/// The focus areas in words: "Role dispute (impasse), Grief".
pub fn focus_words(t: &Tr, f: &FocusAreas) -> String {
    f.areas()
        .iter()
        .map(|a| match a.stage() {
            Some(s) => format!("{} ({})", area_label(t, a.kind()), stage_label(t, s)),
            None => area_label(t, a.kind()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Looks up the records a reason names.
struct Records<'a> {
    view: &'a CourseView,
}

impl<'a> Records<'a> {
    fn person(
        &self,
        id: Option<ipt_domain::ids::InventoryPersonId>,
    ) -> Option<&'a InventoryPerson> {
        id.and_then(|id| self.view.inventory.iter().find(|p| p.id == id))
    }

    fn event(&self, id: Option<ipt_domain::ids::TimelineEventId>) -> Option<&'a TimelineEvent> {
        id.and_then(|id| self.view.timeline.events.iter().find(|e| e.id == id))
    }
}

/// How far from onset, in words (the domain's `distance_phrase`, translated).
fn distance(t: &Tr, months_before: i32, approximate: bool) -> String {
    let n = months_before.unsigned_abs();
    let about = if approximate {
        t.get("initial-dist-about")
    } else {
        String::new()
    };
    let side = if months_before > 0 { "before" } else { "after" };
    match n {
        0 => t.get("initial-dist-around"),
        1..=23 => format!(
            "{about}{}",
            t.count(&format!("initial-dist-months-{side}"), i64::from(n))
        ),
        _ => t.with(
            &format!("initial-dist-years-{side}"),
            &[("n", ((n + 6) / 12).to_string())],
        ),
    }
}

/// Who or what an event is about, in words.
fn event_subject(t: &Tr, e: &TimelineEvent, person: Option<&InventoryPerson>) -> String {
    if let Some(p) = person {
        let alias = ("alias", p.alias.as_str().to_string());
        return match e.kind {
            EventKind::Death => t.with("initial-why-subject-death", &[alias]),
            EventKind::Separation => t.with("initial-why-subject-separation", &[alias]),
            EventKind::Conflict => t.with("initial-why-subject-conflict", &[alias]),
            EventKind::Illness => t.with("initial-why-subject-illness", &[alias]),
            other => t.with(
                "initial-why-subject-other",
                &[("kind", kind_label(t, other)), alias],
            ),
        };
    }
    let d = e.description.trim();
    if d.is_empty() {
        kind_label(t, e.kind)
    } else {
        let short: String = if d.chars().count() > 80 {
            format!("{}…", d.chars().take(79).collect::<String>().trim_end())
        } else {
            d.to_string()
        };
        format!("{}: {short}", kind_label(t, e.kind))
    }
}

/// "Morte di 'Mamma' (marzo 2026), 2 mesi prima dell'esordio → Lutto".
fn event_sentence(
    t: &Tr,
    e: &TimelineEvent,
    person: Option<&InventoryPerson>,
    timing: Option<Timing>,
    onset: Option<ApproxDate>,
    area: AreaKind,
) -> String {
    let subject = event_subject(t, e, person);
    let date = approx_human(t, &e.date);
    let area = area_label(t, area);
    match onset {
        None => t.with(
            "initial-why-event-no-onset",
            &[("subject", subject), ("date", date), ("area", area)],
        ),
        Some(onset) => {
            let months_before = match timing {
                Some(
                    Timing::NearOnset { months_before }
                    | Timing::Recent { months_before }
                    | Timing::LongBefore { months_before },
                ) => months_before,
                Some(Timing::AfterOnset { months_after }) => -months_after,
                _ => e.date.months_until(&onset),
            };
            let approximate = e.date.precision() == DatePrecision::Year
                || onset.precision() == DatePrecision::Year;
            t.with(
                "initial-why-event",
                &[
                    ("subject", subject),
                    ("date", date),
                    ("distance", distance(t, months_before, approximate)),
                    ("area", area),
                ],
            )
        }
    }
}

/// A reason in the reader's language.
fn reason_text(
    t: &Tr,
    r: &Reason,
    area: AreaKind,
    records: &Records,
    onset: Option<ApproxDate>,
) -> String {
    if t.lang == Lang::En {
        return r.text.clone();
    }
    let person = records.person(r.person);
    let alias = || {
        (
            "alias",
            person
                .map(|p| p.alias.as_str().to_string())
                .unwrap_or_default(),
        )
    };
    let with_comment = |base: String, key: Option<&str>| match key {
        Some(k) => format!("{base} {}", t.get(k)),
        None => base,
    };
    // How close the person who died was, which weighed the grief reason (#14 finding 4).
    let with_closeness = |base: String| match r.closeness {
        None => base,
        Some(c) => {
            let key = format!("initial-why-loss-{}", c.code());
            let text = match person {
                Some(p) => t.with(
                    &key,
                    &[
                        ("relationship", relationship_label(t, p.relationship)),
                        ("ring", ring_label(t, p.ring)),
                    ],
                ),
                None => t.get(&key),
            };
            format!("{base} {text}")
        }
    };
    match r.kind {
        ReasonKind::Death
        | ReasonKind::ConflictEvent
        | ReasonKind::LifeChange
        | ReasonKind::SeparationAsDispute => {
            let Some(e) = records.event(r.event) else {
                return r.text.clone();
            };
            let base = with_closeness(event_sentence(t, e, person, r.timing, onset, area));
            let comment = match (r.kind, r.timing) {
                (ReasonKind::Death, Some(Timing::Recent { .. })) => {
                    Some("initial-why-grief-recent")
                }
                (ReasonKind::Death, Some(Timing::LongBefore { .. })) => {
                    Some("initial-why-grief-long")
                }
                (ReasonKind::Death | ReasonKind::LifeChange, Some(Timing::AfterOnset { .. })) => {
                    Some("initial-why-after-onset")
                }
                (ReasonKind::SeparationAsDispute, _) => Some("initial-why-dissolution"),
                _ => None,
            };
            with_comment(base, comment)
        }
        ReasonKind::DeceasedWithoutDate => {
            with_closeness(t.with("initial-why-deceased-no-date", &[alias()]))
        }
        ReasonKind::ConflictInInventory => {
            let Some(p) = person else {
                return r.text.clone();
            };
            let key = if p.conflict == ConflictLevel::Hidden {
                "initial-why-conflict-hidden"
            } else {
                "initial-why-conflict-open"
            };
            t.with(
                key,
                &[
                    alias(),
                    ("relationship", relationship_label(t, p.relationship)),
                    ("ring", ring_label(t, p.ring)),
                ],
            )
        }
        ReasonKind::ExpectationsNotMet => t.with("initial-why-expectations", &[alias()]),
        ReasonKind::ClinicianTag => {
            t.with("initial-why-tag", &[alias(), ("area", area_label(t, area))])
        }
        ReasonKind::NoEventNearOnset => t.with(
            "initial-why-no-event",
            &[
                (
                    "months",
                    SuggestionRules::default()
                        .residual_lookback_months
                        .to_string(),
                ),
                (
                    "onset",
                    onset.map(|o| approx_human(t, &o)).unwrap_or_default(),
                ),
            ],
        ),
        ReasonKind::NoOnsetToCompare => t.get("initial-why-no-onset"),
        ReasonKind::NothingRecorded => t.get("initial-why-nothing"),
        ReasonKind::FewPeopleInCircle => {
            let n = NetworkIndices::of_people(&records.view.inventory).in_circle;
            t.count("initial-why-few-people", n as i64)
        }
        ReasonKind::EmptyInnerRing => t.get("initial-why-empty-inner"),
        ReasonKind::NoConfidant => t.get("initial-why-no-confidant"),
    }
}

fn stage_hint_text(t: &Tr, h: &StageHint, records: &Records) -> String {
    if t.lang == Lang::En {
        return h.text.clone();
    }
    let alias = records
        .person(Some(h.person))
        .map(|p| p.alias.as_str().to_string())
        .unwrap_or_default();
    t.with(
        &format!("initial-hint-stage-{}", h.stage.code()),
        &[("alias", alias)],
    )
}

fn note_text(t: &Tr, n: &Note, s: &Suggestions, records: &Records) -> String {
    if t.lang == Lang::En {
        return n.text.clone();
    }
    match n.kind {
        NoteKind::NoOnsetRecorded => t.get("initial-note-no-onset"),
        NoteKind::MoreInformationNeeded => t.get(if records.view.timeline.events.is_empty() {
            "initial-note-more-info-empty"
        } else {
            "initial-note-more-info-inventory"
        }),
        NoteKind::Ambiguous => {
            let score = |a: AreaKind| s.get(a).map(|x| x.score).unwrap_or(0).to_string();
            match n.areas.as_slice() {
                [a, b, ..] => t.with(
                    "initial-note-ambiguous",
                    &[
                        ("first", area_label(t, *a)),
                        ("first_score", score(*a)),
                        ("second", area_label(t, *b)),
                        ("second_score", score(*b)),
                    ],
                ),
                _ => n.text.clone(),
            }
        }
        NoteKind::ManyAreas => t.get("initial-note-many-areas"),
        NoteKind::FewPeopleRecorded => t.count(
            "initial-note-few-recorded",
            records
                .view
                .inventory
                .iter()
                .filter(|p| !p.deceased)
                .count() as i64,
        ),
    }
}

/// The focus form's values.
pub struct FocusValues {
    primary: String,
    secondary: String,
    stage: String,
    /// Why this focus: written fresh for each choice, never prefilled.
    reason: String,
}

impl FocusValues {
    fn of(c: &Course) -> Self {
        let areas = c.focus.as_ref().map(FocusAreas::areas).unwrap_or_default();
        let code = |i: usize| {
            areas
                .get(i)
                .map(|a| a.kind().code().to_string())
                .unwrap_or_default()
        };
        Self {
            primary: code(0),
            secondary: code(1),
            stage: areas
                .iter()
                .find_map(|a| a.stage())
                .map(|s| s.code().to_string())
                .unwrap_or_default(),
            reason: String::new(),
        }
    }

    fn posted(f: &FormData) -> Self {
        Self {
            primary: f.get("primary").trim().to_string(),
            secondary: f.get("secondary").trim().to_string(),
            stage: f.get("stage").trim().to_string(),
            reason: f.get("reason").to_string(),
        }
    }

    /// The form as the core reads it, with the page's name for each area's position. The form
    /// has one stage field: it belongs to the area chosen as a role dispute, or else to the
    /// first area (where the core says only a dispute has a stage).
    fn input(&self) -> (FocusInput, Vec<&'static str>) {
        let mut areas = vec![];
        let mut names = vec![];
        for (name, raw) in [("primary", &self.primary), ("secondary", &self.secondary)] {
            if !raw.is_empty() {
                areas.push(FocusAreaInput {
                    area: Some(raw.clone()),
                    stage: None,
                });
                names.push(name);
            }
        }
        if !self.stage.is_empty() {
            let dispute = AreaKind::RoleDispute.code();
            let at = areas
                .iter()
                .position(|a| a.area.as_deref() == Some(dispute))
                .unwrap_or(0);
            // With no area at all, the core's refusal is that none was chosen.
            if let Some(a) = areas.get_mut(at) {
                a.stage = Some(self.stage.clone());
            }
        }
        (
            FocusInput {
                areas,
                reason: Some(self.reason.clone()),
            },
            names,
        )
    }
}

/// The core's refusals at the page's fields: an area's at its select, a stage's at the stage,
/// a refusal of the choice as a whole at the first area (none chosen) or the second.
fn focus_errors(t: &Tr, refused: &[FieldError], names: &[&'static str]) -> Errors {
    let mut errors = Errors::new();
    for e in refused {
        let index = e.args.iter().find_map(|(k, v)| match (k, v) {
            (&"index", Arg::Number(i)) => usize::try_from(*i).ok(),
            _ => None,
        });
        let field = match e.field {
            "areas.area" => index
                .and_then(|i| names.get(i).copied())
                .unwrap_or("primary"),
            "areas.stage" => "stage",
            "areas" if e.code == Code::FocusNone => "primary",
            "areas" => "secondary",
            other => other,
        };
        errors.entry(field.to_string()).or_insert_with(|| t.rule(e));
    }
    errors
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    q: &HashMap<String, String>,
    posted: Option<Posted<FocusValues>>,
) -> Result<SuggestionsPage, PageError> {
    let (mut page, view, head) = load_page(state, user, page, id, "suggestions", q).await?;
    let t = page.t;
    let s = suggest(&view.inventory, &view.timeline, None);
    let records = Records { view: &view };
    let c = view.course.id;
    let ranked = s
        .ranked
        .iter()
        .map(|sug| SuggestionView {
            area: area_label(&t, sug.area),
            strength: t.get(&format!("initial-strength-{}", sug.strength.code())),
            score: t.with(
                "initial-suggestions-score",
                &[("score", sug.score.to_string())],
            ),
            reasons: sug
                .reasons
                .iter()
                .map(|r| ReasonView {
                    text: reason_text(&t, r, sug.area, &records, s.onset),
                    link: match (records.event(r.event), records.person(r.person)) {
                        (Some(e), _) => Some((
                            format!("/courses/{c}/timeline/events/{}", e.id),
                            t.get("initial-why-see-event"),
                        )),
                        (None, Some(p)) => Some((
                            format!("/courses/{c}/inventory/{}", p.id),
                            t.with(
                                "initial-why-see-person",
                                &[("alias", p.alias.as_str().to_string())],
                            ),
                        )),
                        _ => None,
                    },
                })
                .collect(),
            stage_hint: sug
                .stage_hint
                .as_ref()
                .map(|h| stage_hint_text(&t, h, &records)),
        })
        .collect();
    let notes = s
        .notes
        .iter()
        .map(|n| note_text(&t, n, &s, &records))
        .collect();

    let course = &view.course;
    let saved_values = FocusValues::of(course);
    let (values, errors, version, stale, message) = match posted {
        Some(p) => (
            p.values,
            p.errors,
            p.version.unwrap_or(course.version),
            p.stale,
            p.message,
        ),
        None => (
            FocusValues::of(course),
            Errors::new(),
            course.version,
            false,
            None,
        ),
    };
    let sv = stale.then_some(&saved_values);
    let areas = |empty: &str| {
        let mut v = vec![(String::new(), t.get(empty))];
        v.extend(
            AreaKind::ALL
                .iter()
                .map(|a| (a.code().to_string(), area_label(&t, *a))),
        );
        v
    };
    let mut stages = vec![(String::new(), t.get("initial-focus-no-stage"))];
    stages.extend(
        DisputeStage::ALL
            .iter()
            .map(|s| (s.code().to_string(), stage_label(&t, *s))),
    );
    let fields = vec![
        Input::new(
            "primary",
            t.get("initial-focus-primary"),
            "select",
            &values.primary,
        )
        .options(areas("initial-choose"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.primary.as_str()), &t),
        Input::new(
            "secondary",
            t.get("initial-focus-secondary"),
            "select",
            &values.secondary,
        )
        .options(areas("initial-focus-no-second"))
        .hint(t.get("initial-focus-secondary-hint"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.secondary.as_str()), &t),
        Input::new(
            "stage",
            t.get("initial-focus-stage"),
            "select",
            &values.stage,
        )
        .options(stages)
        .hint(t.get("initial-focus-stage-hint"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.stage.as_str()), &t),
        Input::new(
            "reason",
            t.get("initial-focus-reason"),
            "textarea",
            &values.reason,
        )
        .hint(t.get("initial-focus-reason-hint"))
        .error_from(&errors),
    ];
    // Every choice so far, newest first, with its reason.
    let history = course
        .focus_history
        .iter()
        .rev()
        .map(|h| {
            let reason = if h.reason.is_empty() {
                t.get("initial-focus-history-no-reason")
            } else {
                h.reason.clone()
            };
            t.with(
                "initial-focus-history-entry",
                &[
                    ("date", t.date(h.chosen_on)),
                    ("focus", focus_words(&t, &h.areas)),
                    ("reason", reason),
                ],
            )
        })
        .collect();
    page.title = format!("{} · {}", t.get("section-suggestions"), head.patient_name);
    Ok(SuggestionsPage {
        onset: s
            .onset
            .map(|d| t.with("initial-onset-current", &[("date", approx_human(&t, &d))]))
            .unwrap_or_else(|| t.get("initial-onset-none")),
        ranked,
        notes,
        current_focus: t.with(
            "initial-focus-current",
            &[(
                "focus",
                course
                    .focus
                    .as_ref()
                    .map(|f| focus_words(&t, f))
                    .unwrap_or_else(|| t.get("not-set")),
            )],
        ),
        fields,
        history,
        version,
        has_errors: !errors.is_empty(),
        message,
        head,
        page,
    })
}

fn path(id: &str) -> String {
    format!("/courses/{id}/suggestions")
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<SuggestionsPage, PageError> {
    let page = page_ctx(&headers, &user, "section-suggestions", &path(&id));
    render(&state, &user, page, &id, &q, None).await
}

pub async fn choose(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-suggestions", &path(&id));
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let f = FormData(pairs);
    let values = FocusValues::posted(&f);
    let q = HashMap::new();
    let (input, names) = values.input();
    match state
        .app
        .enter_focus(&user.actor(), course.id, f.version_given(), &input)
        .await
    {
        Ok(_) => saved(&id, "suggestions", "focus"),
        Err(AppError::Conflict { .. }) => {
            let posted = Posted::stale(values, &t);
            respond(
                render(&state, &user, page, &id, &q, Some(posted)).await,
                STALE,
            )
        }
        Err(AppError::Rejected(refused)) => {
            let (whole, fields): (Vec<_>, Vec<_>) =
                refused.into_iter().partition(|e| e.field == "version");
            let mut posted =
                Posted::invalid(values, focus_errors(&t, &fields, &names), f.version());
            if !whole.is_empty() {
                posted.message = Some(t.rules(&whole));
            }
            respond(
                render(&state, &user, page, &id, &q, Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}
