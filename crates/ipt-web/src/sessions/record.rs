//! Recording, listing and correcting therapy sessions. Number, date and phase come filled in;
//! the checklists follow the course's focus areas, its format and the session's phase.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::usecases::sessions::SESSION_MOOD;
use ipt_domain::alert::AlertSource;
use ipt_domain::assessment::AssessmentStatus;
use ipt_domain::ids::{CourseId, SessionId};
use ipt_domain::problem_area::Strategy;
use ipt_domain::protocol::{ChecklistItem, Modality, Phase, PhaseTask, Protocol, SpecialSession};
use ipt_domain::session::{
    Attendance, SessionInput, SessionNumber, SessionPhase, Technique, TherapySession,
};
use time::Date;

use super::view::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, attended_label, ctx, fail, session_label};

// ---- The list ---------------------------------------------------------------------------------

pub struct Row {
    pub label: String,
    pub link: String,
    pub date: String,
    pub phase: String,
    pub phase_code: &'static str,
    pub override_reason: Option<String>,
    pub attendance: String,
    pub special: String,
    pub mood: String,
    pub risk: String,
    pub concern: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions/list.html")]
pub struct ListPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    pub can_write: bool,
    pub open: bool,
    pub rows: Vec<Row>,
    pub planned: String,
    pub measures: Vec<MeasureNote>,
    pub measures_link: String,
    pub new_link: String,
    pub special_plan: Vec<String>,
}

fn special_label(t: &Tr, s: SpecialSession) -> String {
    t.get(&format!("sessions-special-{}", s.code()))
}

fn phase_label(t: &Tr, p: Phase) -> String {
    t.get(&format!("phase-{}", p.code()))
}

/// The latest mood rating given for a session (a correction is a newer rating).
fn mood_of(l: &Loaded, session: SessionId) -> Option<u8> {
    l.view
        .assessments
        .iter()
        .filter(|a| {
            a.instrument == SESSION_MOOD
                && a.session == Some(session)
                && a.status == AssessmentStatus::Final
        })
        .max_by_key(|a| (a.administered_at, a.id))
        .and_then(|a| a.answers.first().copied().flatten())
}

pub async fn list(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<ListPage, PageError> {
    let page = notices(
        ctx(
            &headers,
            Some(&user),
            "sessions-list-title",
            &format!("/courses/{id}/sessions"),
        ),
        &q,
    );
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    let t = l.page.t;
    let c = &l.view.course;
    let rows = l
        .view
        .sessions
        .iter()
        .map(|s| Row {
            label: session_label(&t, c, s.number.get()),
            link: format!("/courses/{}/sessions/{}", c.id, s.id),
            date: t.date(s.date),
            phase: phase_label(&t, s.phase.phase),
            phase_code: s.phase.phase.code(),
            override_reason: s.phase.override_reason.clone(),
            attendance: t.get(&format!("attendance-{}", s.attendance.code())),
            special: s.special.map(|x| special_label(&t, x)).unwrap_or_default(),
            mood: mood_of(&l, s.id)
                .map(|m| t.with("sessions-mood-of-ten", &[("n", m.to_string())]))
                .unwrap_or_else(|| "—".into()),
            risk: t.get(match (s.risk_review.reviewed, s.risk_review.concern) {
                (_, true) => "sessions-risk-concern",
                (true, false) => "sessions-risk-no-concern",
                (false, false) => "sessions-risk-not-reviewed",
            }),
            concern: s.risk_review.concern,
        })
        .collect();
    let attended = l
        .view
        .sessions
        .iter()
        .filter(|s| s.attendance == Attendance::Attended)
        .count();
    let planned = attended_label(&t, c, attended);
    // Where the format's special sessions fall in this course's plan (IPT-A parents, group …).
    let plan = c.phase_plan;
    let first = if l
        .protocol
        .special_sessions
        .iter()
        .any(|r| r.slot == ipt_domain::protocol::SessionSlot::Number(0))
    {
        0
    } else {
        1
    };
    let mut special_plan: Vec<String> = vec![];
    for rule in &l.protocol.special_sessions {
        let numbers: Vec<String> = (first..=plan.total)
            .filter(|n| {
                l.protocol
                    .special_sessions_at(*n, &plan)
                    .iter()
                    .any(|r| r == rule)
            })
            .map(|n| n.to_string())
            .collect();
        let key = match (rule.slot, rule.optional) {
            (ipt_domain::protocol::SessionSlot::Any, _) => "sessions-special-plan-any",
            (_, true) => "sessions-special-plan-optional",
            (_, false) => "sessions-special-plan",
        };
        special_plan.push(t.with(
            key,
            &[
                ("kind", special_label(&t, rule.kind)),
                ("sessions", numbers.join(", ")),
            ],
        ));
    }
    Ok(ListPage {
        heading: t.get("sessions-list-title"),
        can_write: l.can_write,
        open: c.status.is_open(),
        rows,
        planned,
        measures: recommended_measures(&state, &t, &l.protocol),
        measures_link: format!("/courses/{}/measures", c.id),
        new_link: format!("/courses/{}/sessions/new", c.id),
        special_plan,
        header: l.header,
        page: l.page,
    })
}

// ---- The form ---------------------------------------------------------------------------------

/// What the user typed (or what is saved), as text: a form with errors shows it back unchanged.
#[derive(Debug, Clone, Default)]
struct Typed {
    number: String,
    date: String,
    phase: String,
    phase_override_reason: String,
    modality: String,
    attendance: String,
    special: String,
    mood: String,
    interval_events: String,
    strategies: Vec<String>,
    techniques: Vec<String>,
    tasks_done: Vec<String>,
    checklist: Vec<String>,
    agreed_actions: String,
    risk_reviewed: bool,
    risk_concern: bool,
    risk_note: String,
    notes: String,
    next_date: String,
}

fn iso(d: Date) -> String {
    d.to_string()
}

impl Typed {
    fn from_form(f: &FormData) -> Self {
        Self {
            number: f.get("number"),
            date: f.get("date"),
            phase: f.get("phase"),
            phase_override_reason: f.get("phase_override_reason"),
            modality: f.get("modality"),
            attendance: f.get("attendance"),
            special: f.get("special"),
            mood: f.get("mood"),
            interval_events: f.get("interval_events"),
            strategies: f.all("strategies"),
            techniques: f.all("techniques"),
            tasks_done: f.all("tasks_done"),
            checklist: f.all("checklist"),
            agreed_actions: f.get("agreed_actions"),
            risk_reviewed: f.has("risk_reviewed"),
            risk_concern: f.has("risk_concern"),
            risk_note: f.get("risk_note"),
            notes: f.get("notes"),
            next_date: f.get("next_date"),
        }
    }

    fn of_session(s: &TherapySession, mood: Option<u8>) -> Self {
        Self {
            number: s.number.get().to_string(),
            date: iso(s.date),
            phase: if s.phase.override_reason.is_some() {
                s.phase.phase.code().to_string()
            } else {
                String::new()
            },
            phase_override_reason: s.phase.override_reason.clone().unwrap_or_default(),
            modality: s.modality.code().to_string(),
            attendance: s.attendance.code().to_string(),
            special: s.special.map(|x| x.code().to_string()).unwrap_or_default(),
            mood: mood.map(|m| m.to_string()).unwrap_or_default(),
            interval_events: s.interval_events.clone(),
            strategies: s.strategies.iter().map(code_of).collect(),
            techniques: s.techniques.iter().map(|x| x.code().to_string()).collect(),
            tasks_done: s.tasks_done.iter().map(|x| x.code()).collect(),
            checklist: s.checklist.iter().map(code_of).collect(),
            agreed_actions: s.agreed_actions.clone(),
            risk_reviewed: s.risk_review.reviewed,
            risk_concern: s.risk_review.concern,
            risk_note: s.risk_review.note.clone(),
            notes: s.notes.clone(),
            next_date: s.next_date.map(iso).unwrap_or_default(),
        }
    }

    /// A new session: the next free number, today, the format's usual modality, attended, and
    /// the special session the format places at that number.
    fn blank(l: &Loaded, today: Date) -> Self {
        let c = &l.view.course;
        let number = l
            .view
            .sessions
            .iter()
            .map(|s| s.number.get() + 1)
            .max()
            .unwrap_or(1)
            .min(SessionNumber::MAX);
        let special = l
            .protocol
            .special_sessions_at(number, &c.phase_plan)
            .iter()
            .find(|r| !r.optional)
            .map(|r| r.kind.code().to_string())
            .unwrap_or_default();
        let every = c
            .contract
            .map(|k| k.frequency)
            .unwrap_or(l.protocol.default_frequency)
            .days_between();
        // Suggest the next meeting from the agreed rhythm, but not after the last planned one.
        let next = if number < c.planned_sessions() {
            iso(today + time::Duration::days(every))
        } else {
            String::new()
        };
        Self {
            number: number.to_string(),
            date: iso(today),
            modality: l.protocol.default_modality.code().to_string(),
            attendance: Attendance::Attended.code().to_string(),
            special,
            risk_reviewed: false,
            next_date: next,
            ..Default::default()
        }
    }

    /// What was typed, as the core reads it. Every field of the form is given (empty if the
    /// user left it so): the page's defaults are already in the form it showed.
    fn input(&self) -> SessionInput {
        let given = |s: &String| Some(s.clone());
        SessionInput {
            number: given(&self.number),
            date: given(&self.date),
            phase: given(&self.phase),
            phase_override_reason: given(&self.phase_override_reason),
            modality: given(&self.modality),
            attendance: given(&self.attendance),
            special: given(&self.special),
            mood: given(&self.mood),
            interval_events: self.interval_events.clone(),
            strategies: self.strategies.clone(),
            techniques: self.techniques.clone(),
            tasks_done: self.tasks_done.clone(),
            checklist: self.checklist.clone(),
            agreed_actions: self.agreed_actions.clone(),
            risk_reviewed: self.risk_reviewed,
            risk_concern: self.risk_concern,
            risk_note: self.risk_note.clone(),
            notes: self.notes.clone(),
            next_date: given(&self.next_date),
        }
    }

    fn parsed_number(&self) -> Option<SessionNumber> {
        self.number
            .trim()
            .parse::<u16>()
            .ok()
            .and_then(|n| SessionNumber::new(n).ok())
    }

    /// The phase the checklists are shown for: the chosen one, else the plan's for the number.
    fn shown_phase(&self, l: &Loaded) -> Phase {
        let plan = &l.view.course.phase_plan;
        Phase::parse(&self.phase)
            .or_else(|| {
                self.parsed_number()
                    .map(|n| SessionPhase::derived(plan, n).phase)
            })
            .unwrap_or(l.protocol.phases()[0])
    }
}

pub struct RiskView {
    pub reviewed: bool,
    pub concern: bool,
    pub note: Input,
    pub saved: Option<String>,
}

pub struct AlertNote {
    pub text: String,
    pub link: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions/session.html")]
pub struct SessionPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    pub special_marker: Option<String>,
    pub can_write: bool,
    pub alert: Option<AlertNote>,
    pub measures: Vec<MeasureNote>,
    pub measure_due: Option<String>,
    pub measures_link: String,
    pub has_errors: bool,
    pub form_error: Option<String>,
    pub conflict: Option<String>,
    pub action: String,
    pub basics: Vec<Input>,
    pub phase_note: String,
    pub phase_inputs: Vec<Input>,
    pub delivery: Vec<Input>,
    pub interval: Vec<Input>,
    pub areas: Vec<CheckGroup>,
    pub areas_note: Option<String>,
    pub techniques: CheckGroup,
    pub tasks: Vec<CheckGroup>,
    pub checklist: CheckGroup,
    pub actions: Vec<Input>,
    pub risk: RiskView,
    pub closing: Vec<Input>,
    pub version: i64,
    pub submit: String,
    pub back: String,
}

fn checks<T: Copy>(
    scope: &str,
    items: &[T],
    code: impl Fn(T) -> String,
    label: impl Fn(&str) -> String,
    hint: impl Fn(&str) -> Option<String>,
    ticked: &[String],
) -> Vec<Check> {
    items
        .iter()
        .map(|x| {
            let c = code(*x);
            Check {
                id: format!("{scope}-{}", c.replace('_', "-")),
                label: label(&c),
                hint: hint(&c),
                checked: ticked.contains(&c),
                value: c,
            }
        })
        .collect()
}

struct FormState<'a> {
    typed: &'a Typed,
    errors: Errors,
    form_error: Option<String>,
    /// After a refused stale save: the session as saved now.
    saved: Option<&'a TherapySession>,
    editing: Option<&'a TherapySession>,
}

fn session_page(state: &AppState, l: Loaded, f: FormState<'_>) -> SessionPage {
    let t = l.page.t;
    let c = &l.view.course;
    let typed = f.typed;
    let errors = &f.errors;
    let saved_typed = f.saved.map(|s| Typed::of_session(s, mood_of(&l, s.id)));
    let sv = |pick: fn(&Typed) -> String| saved_typed.as_ref().map(pick);
    let sv_list = |pick: fn(&Typed) -> Vec<String>| saved_typed.as_ref().map(pick);
    let plan = &c.phase_plan;
    let number = typed.parsed_number();
    let phase = typed.shown_phase(&l);

    // When and how.
    let mut number_hint = t.get("sessions-number-hint");
    if l.protocol
        .special_sessions
        .iter()
        .any(|r| r.kind == SpecialSession::Engagement)
    {
        number_hint = format!("{number_hint} {}", t.get("sessions-number-hint-engagement"));
    }
    let basics = vec![
        input("number", t.get("sessions-number"), "number", &typed.number)
            .range(0, i64::from(SessionNumber::MAX))
            .hint(number_hint)
            .required()
            .error_from(errors)
            .saved_from(sv(|s| s.number.clone()).as_deref(), &t),
        input("date", t.get("sessions-date"), "date", &typed.date)
            .hint(t.get("sessions-date-hint"))
            .required()
            .error_from(errors)
            .saved_from(sv(|s| s.date.clone()).as_deref(), &t),
    ];
    let phase_note = match number {
        Some(n) => t.with(
            "sessions-phase-derived",
            &[
                (
                    "phase",
                    phase_label(&t, SessionPhase::derived(plan, n).phase),
                ),
                ("n", n.get().to_string()),
                ("total", plan.total.to_string()),
            ],
        ),
        None => t.get("sessions-phase-derived-unknown"),
    };
    let mut phase_options = vec![(String::new(), t.get("sessions-phase-as-planned"))];
    phase_options.extend(
        l.protocol
            .phases()
            .iter()
            .map(|p| (p.code().to_string(), phase_label(&t, *p))),
    );
    let phase_inputs = vec![
        input(
            "phase",
            t.get("sessions-phase-override"),
            "select",
            &typed.phase,
        )
        .options(phase_options)
        .hint(t.get("sessions-phase-override-hint"))
        .error_from(errors)
        .saved_from(sv(|s| s.phase.clone()).as_deref(), &t),
        input(
            "phase_override_reason",
            t.get("sessions-phase-reason"),
            "text",
            &typed.phase_override_reason,
        )
        .hint(t.get("sessions-phase-reason-hint"))
        .error_from(errors)
        .saved_from(sv(|s| s.phase_override_reason.clone()).as_deref(), &t),
    ];
    let mut delivery = vec![
        input(
            "modality",
            t.get("sessions-modality"),
            "select",
            &typed.modality,
        )
        .options(
            Modality::ALL
                .iter()
                .map(|m| {
                    (
                        m.code().to_string(),
                        t.get(&format!("sessions-modality-{}", m.code())),
                    )
                })
                .collect(),
        )
        .error_from(errors)
        .saved_from(sv(|s| s.modality.clone()).as_deref(), &t),
        input(
            "attendance",
            t.get("sessions-attendance"),
            "select",
            &typed.attendance,
        )
        .options(
            Attendance::ALL
                .iter()
                .map(|a| {
                    (
                        a.code().to_string(),
                        t.get(&format!("attendance-{}", a.code())),
                    )
                })
                .collect(),
        )
        .hint(t.get("sessions-attendance-hint"))
        .error_from(errors)
        .saved_from(sv(|s| s.attendance.clone()).as_deref(), &t),
    ];
    let mut special_marker = None;
    if !l.protocol.special_sessions.is_empty() {
        let mut kinds: Vec<SpecialSession> = vec![];
        for r in &l.protocol.special_sessions {
            if !kinds.contains(&r.kind) {
                kinds.push(r.kind);
            }
        }
        let mut options = vec![(String::new(), t.get("sessions-special-none"))];
        options.extend(
            kinds
                .iter()
                .map(|k| (k.code().to_string(), special_label(&t, *k))),
        );
        let here: Vec<String> = number
            .map(|n| l.protocol.special_sessions_at(n.get(), plan))
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let label = special_label(&t, r.kind);
                if r.optional {
                    t.with("sessions-special-optional", &[("kind", label)])
                } else {
                    label
                }
            })
            .collect();
        let hint = if here.is_empty() {
            t.get("sessions-special-hint-none")
        } else {
            t.with("sessions-special-hint", &[("kinds", here.join("; "))])
        };
        delivery.push(
            input(
                "special",
                t.get("sessions-special"),
                "select",
                &typed.special,
            )
            .options(options)
            .hint(hint)
            .error_from(errors)
            .saved_from(sv(|s| s.special.clone()).as_deref(), &t),
        );
        special_marker = kinds
            .iter()
            .find(|k| k.code() == typed.special.trim())
            .map(|k| {
                t.with(
                    "sessions-special-marker",
                    &[("kind", special_label(&t, *k))],
                )
            });
    }

    // Since the last meeting.
    let mood_hint = if f.editing.is_some() && !typed.mood.is_empty() {
        format!(
            "{} {}",
            t.get("sessions-mood-hint"),
            t.get("sessions-mood-correction")
        )
    } else {
        t.get("sessions-mood-hint")
    };
    let interval = vec![
        input("mood", t.get("sessions-mood"), "number", &typed.mood)
            .range(0, 10)
            .hint(mood_hint)
            .error_from(errors)
            .saved_from(sv(|s| s.mood.clone()).as_deref(), &t),
        input(
            "interval_events",
            t.get("sessions-interval-events"),
            "textarea",
            &typed.interval_events,
        )
        .hint(t.get("sessions-interval-events-hint"))
        .saved_from(sv(|s| s.interval_events.clone()).as_deref(), &t),
    ];

    // Work on each focus area: that area's strategies (reference §2).
    let strategy_label = |c: &str| t.get(&format!("sessions-strategy-{c}"));
    let mut areas: Vec<CheckGroup> = vec![];
    let mut listed: Vec<String> = vec![];
    let saved_strategies = sv_list(|s| s.strategies.clone());
    if let Some(focus) = &c.focus {
        for area in focus.areas() {
            let kind = area.kind();
            let mut legend = t.get(&format!("area-{}", kind.code()));
            if let Some(stage) = area.stage() {
                legend = format!("{legend} ({})", t.get(&format!("stage-{}", stage.code())));
            }
            let items = checks(
                &format!("strategy-{}", kind.code().replace('_', "-")),
                kind.strategies(),
                code_of,
                strategy_label,
                |_| None,
                &typed.strategies,
            );
            listed.extend(items.iter().map(|i| i.value.clone()));
            let saved: Option<Vec<String>> = saved_strategies.as_ref().map(|v| {
                v.iter()
                    .filter(|c| items.iter().any(|i| &&i.value == c))
                    .cloned()
                    .collect()
            });
            areas.push(
                check_group(
                    &format!("area-{}", kind.code().replace('_', "-")),
                    "strategies",
                    legend,
                    items,
                )
                .hint(t.get("sessions-strategies-hint"))
                .saved_from(saved, &t),
            );
        }
    }
    // Strategies recorded earlier for an area no longer in focus stay visible and kept.
    let others: Vec<Strategy> = typed
        .strategies
        .iter()
        .filter(|c| !listed.contains(c))
        .filter_map(|c| parse_code(c))
        .collect();
    if !others.is_empty() {
        areas.push(check_group(
            "area-other",
            "strategies",
            t.get("sessions-strategies-other"),
            checks(
                "strategy-other",
                &others,
                code_of,
                strategy_label,
                |_| None,
                &typed.strategies,
            ),
        ));
    }
    let areas_note = c.focus.is_none().then(|| t.get("sessions-no-focus"));

    let techniques = check_group(
        "techniques",
        "techniques",
        t.get("sessions-techniques"),
        checks(
            "technique",
            &Technique::ALL,
            |x| x.code().to_string(),
            |c| t.get(&format!("sessions-technique-{c}")),
            |c| Some(t.get(&format!("sessions-technique-{c}-hint"))),
            &typed.techniques,
        ),
    )
    .hint(t.get("sessions-techniques-hint"))
    .saved_from(sv_list(|s| s.techniques.clone()), &t);

    // The phase's tasks first; other phases' tasks folded, open when something in them is ticked.
    let task_label = |c: &str| t.get(&format!("sessions-task-{c}"));
    // The medication review reads the course's medication record (reference §1.1, task 4).
    let medication_review = PhaseTask::MedicationReview.code();
    let medication_hint = medication_hint(&t, &l.view.course);
    let task_hint = |c: &str| (c == medication_review).then(|| medication_hint.clone());
    let mut phases: Vec<Phase> = vec![phase];
    phases.extend(l.protocol.phases().iter().filter(|p| **p != phase));
    let mut tasks: Vec<CheckGroup> = vec![];
    let mut task_codes: Vec<String> = vec![];
    for (i, p) in phases.iter().enumerate() {
        let Some(list) = l.protocol.tasks.get(p) else {
            continue;
        };
        let items = checks(
            &format!("task-{}", p.code()),
            list,
            |x| x.code(),
            task_label,
            task_hint,
            &typed.tasks_done,
        );
        task_codes.extend(items.iter().map(|i| i.value.clone()));
        let saved: Option<Vec<String>> = sv_list(|s| s.tasks_done.clone()).map(|v| {
            v.into_iter()
                .filter(|c| items.iter().any(|i| &i.value == c))
                .collect()
        });
        let mut g = check_group(
            &format!("tasks-{}", p.code()),
            "tasks_done",
            t.with("sessions-tasks-of", &[("phase", phase_label(&t, *p))]),
            items,
        )
        .saved_from(saved, &t);
        if i == 0 {
            g = g.hint(t.get("sessions-tasks-hint"));
        } else {
            g.folded = true;
        }
        tasks.push(g);
    }
    let other_tasks: Vec<PhaseTask> = typed
        .tasks_done
        .iter()
        .filter(|c| !task_codes.contains(c))
        .filter_map(|c| PhaseTask::parse(c))
        .collect();
    if !other_tasks.is_empty() {
        tasks.push(check_group(
            "tasks-other",
            "tasks_done",
            t.get("sessions-tasks-other"),
            checks(
                "task-other",
                &other_tasks,
                |x| x.code(),
                task_label,
                |_| None,
                &typed.tasks_done,
            ),
        ));
    }

    // The fidelity checklist of the phase (reference §7.1), keeping anything ticked earlier.
    let mut items = ChecklistItem::for_phase(phase);
    for c in &typed.checklist {
        if let Some(x) = parse_code::<ChecklistItem>(c)
            && !items.contains(&x)
        {
            items.push(x);
        }
    }
    let checklist = check_group(
        "checklist",
        "checklist",
        t.get("sessions-checklist"),
        checks(
            "check",
            &items,
            code_of,
            |c| t.get(&format!("sessions-check-{c}")),
            |_| None,
            &typed.checklist,
        ),
    )
    .hint(t.get("sessions-checklist-hint"))
    .saved_from(sv_list(|s| s.checklist.clone()), &t);

    let actions = vec![
        input(
            "agreed_actions",
            t.get("sessions-agreed-actions"),
            "textarea",
            &typed.agreed_actions,
        )
        .hint(t.get("sessions-agreed-actions-hint"))
        .saved_from(sv(|s| s.agreed_actions.clone()).as_deref(), &t),
    ];
    let risk_saved = saved_typed.as_ref().and_then(|s| {
        (s.risk_reviewed != typed.risk_reviewed || s.risk_concern != typed.risk_concern).then(
            || {
                t.get(match (s.risk_reviewed, s.risk_concern) {
                    (_, true) => "sessions-risk-concern",
                    (true, false) => "sessions-risk-no-concern",
                    (false, false) => "sessions-risk-not-reviewed",
                })
            },
        )
    });
    let risk = RiskView {
        reviewed: typed.risk_reviewed,
        concern: typed.risk_concern,
        note: input(
            "risk_note",
            t.get("sessions-risk-note"),
            "textarea",
            &typed.risk_note,
        )
        .hint(t.get("sessions-risk-note-hint"))
        .saved_from(sv(|s| s.risk_note.clone()).as_deref(), &t),
        saved: risk_saved,
    };
    let closing = vec![
        input("notes", t.get("sessions-notes"), "textarea", &typed.notes)
            .saved_from(sv(|s| s.notes.clone()).as_deref(), &t),
        input(
            "next_date",
            t.get("sessions-next-date"),
            "date",
            &typed.next_date,
        )
        .hint(t.get("sessions-next-date-hint"))
        .error_from(errors)
        .saved_from(sv(|s| s.next_date.clone()).as_deref(), &t),
    ];

    // IPT Institute: the main measure at baseline and every few sessions (protocol data).
    let measure_due = number.and_then(|n| {
        let n = n.get();
        let every = l.protocol.measure_every.max(1);
        (n == 1 || (n > 0 && n % every == 0) || n == c.planned_sessions())
            .then(|| t.with("sessions-measure-due", &[("every", every.to_string())]))
    });
    let alert = f.editing.and_then(|s| {
        l.open_alerts
            .iter()
            .any(|a| a.source == AlertSource::SessionRiskReview { session: s.id })
            .then(|| AlertNote {
                text: t.get("sessions-alert-open"),
                link: format!("/patients/{}#alerts", l.view.patient.id),
            })
    });
    let (heading, action, submit) = match f.editing {
        Some(s) => (
            t.with(
                "sessions-session-title",
                &[
                    ("session", session_label(&t, c, s.number.get())),
                    ("date", t.date(s.date)),
                ],
            ),
            format!("/courses/{}/sessions/{}", c.id, s.id),
            t.get("sessions-save"),
        ),
        None => (
            t.get("sessions-new-title"),
            format!("/courses/{}/sessions", c.id),
            t.get("sessions-record"),
        ),
    };
    let version = f.saved.or(f.editing).map(|s| s.version).unwrap_or_default();
    SessionPage {
        heading,
        special_marker,
        can_write: l.can_write,
        alert,
        measures: recommended_measures(state, &t, &l.protocol),
        measure_due,
        measures_link: format!("/courses/{}/measures", c.id),
        has_errors: !f.errors.is_empty(),
        form_error: f.form_error,
        conflict: f.saved.map(|_| t.get("sessions-conflict")),
        action,
        basics,
        phase_note,
        phase_inputs,
        delivery,
        interval,
        areas,
        areas_note,
        techniques,
        tasks,
        checklist,
        actions,
        risk,
        closing,
        version,
        submit,
        back: format!("/courses/{}/sessions", c.id),
        header: l.header,
        page: l.page,
    }
}

impl<'a> FormState<'a> {
    fn of(typed: &'a Typed) -> Self {
        Self {
            typed,
            errors: Errors::new(),
            form_error: None,
            saved: None,
            editing: None,
        }
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<SessionPage, PageError> {
    let page = ctx(
        &headers,
        Some(&user),
        "sessions-new-title",
        &format!("/courses/{id}/sessions/new"),
    );
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    if !l.can_write || !l.view.course.status.is_open() {
        // Reading is allowed elsewhere; recording needs the course's clinician and an open course.
        return Err(not_found(l.page));
    }
    let typed = Typed::blank(&l, state.app.today());
    Ok(session_page(
        &state,
        l,
        FormState {
            ..FormState::of(&typed)
        },
    ))
}

fn redirect_after(course: CourseId, session: SessionId, notice: &str) -> Response {
    Redirect::to(&format!(
        "/courses/{course}/sessions/{session}?notice={notice}"
    ))
    .into_response()
}

/// `POST /courses/{id}/sessions`: the course is read once, with the right to change it, and
/// the core reads the form and writes the session (with its mood rating) in one transaction.
/// The whole course is read only to show the form again when something is refused.
pub async fn create(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let page = ctx(
        &headers,
        Some(&user),
        "sessions-new-title",
        &format!("/courses/{id}/sessions/new"),
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
    let t = page.t;
    let typed = Typed::from_form(&FormData(form));
    let refused = match state
        .app
        .enter_session(&actor, &course, &typed.input())
        .await
    {
        Ok(session) => {
            tracing::info!(course = %course.id, session = %session.id, "session recorded");
            return redirect_after(course.id, session.id, "session-recorded");
        }
        Err(AppError::Rejected(refused)) => refused,
        Err(e) => return fail(page)(e).into_response(),
    };
    // The form shown again, with what was refused; the page's data is read only now.
    let (errors, form_error) = placed(&t, state.app.protocols.get(course.format), &refused);
    match load(&state, &user, page, id).await {
        Ok(l) => {
            let p = session_page(
                &state,
                l,
                FormState {
                    errors,
                    form_error,
                    ..FormState::of(&typed)
                },
            );
            (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The fields of this form that show their own refusal beside them.
const FIELDS_WITH_A_SLOT: &[&str] = &[
    "number",
    "date",
    "phase",
    "phase_override_reason",
    "modality",
    "attendance",
    "special",
    "mood",
    "next_date",
];

/// The core's refusals on this form: a course that takes no new session, a choice among
/// checkboxes, and a field this format's form does not show (a special session on a format
/// without them) are said above the form; the others beside their fields.
fn placed(
    t: &Tr,
    protocol: &Protocol,
    refused: &[ipt_domain::rule::FieldError],
) -> (Errors, Option<String>) {
    use ipt_domain::rule::Code;
    let (above, beside): (Vec<_>, Vec<_>) = refused.iter().cloned().partition(|e| {
        matches!(e.code, Code::CourseNotStarted | Code::CourseClosed)
            || (e.field == "special" && protocol.special_sessions.is_empty())
    });
    let (errors, mut form) = place(t, &beside, FIELDS_WITH_A_SLOT);
    form.splice(0..0, above.iter().map(|e| t.rule(e)));
    (errors, (!form.is_empty()).then(|| form.join(" ")))
}

fn find_session(l: &Loaded, sid: &str) -> Option<TherapySession> {
    let sid = sid.parse::<SessionId>().ok()?;
    l.view.sessions.iter().find(|s| s.id == sid).cloned()
}

pub async fn show(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, sid)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<SessionPage, PageError> {
    let page = notices(
        ctx(
            &headers,
            Some(&user),
            "sessions-list-title",
            &format!("/courses/{id}/sessions/{sid}"),
        ),
        &q,
    );
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    let Some(session) = find_session(&l, &sid) else {
        return Err(not_found(l.page));
    };
    let typed = Typed::of_session(&session, mood_of(&l, session.id));
    let mut p = session_page(
        &state,
        l,
        FormState {
            editing: Some(&session),
            ..FormState::of(&typed)
        },
    );
    p.page.title = p.heading.clone();
    Ok(p)
}

pub async fn update(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, sid)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let page = ctx(
        &headers,
        Some(&user),
        "sessions-list-title",
        &format!("/courses/{id}/sessions/{sid}"),
    );
    let (page, id) = match parse_course(page, &id) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let Ok(session_id) = sid.parse::<SessionId>() else {
        return not_found(page).into_response();
    };
    let actor = user.actor();
    let course = match state.app.writable_course(&actor, id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let t = page.t;
    let data = FormData(form);
    let typed = Typed::from_form(&data);
    let saved = state
        .app
        .correct_session(&actor, &course, session_id, data.version(), &typed.input())
        .await;
    let refused = match saved {
        Ok(saved) => {
            tracing::info!(course = %saved.course, session = %saved.id, "session updated");
            return redirect_after(saved.course, saved.id, "session-saved");
        }
        Err(AppError::Rejected(refused)) => Some(refused),
        Err(AppError::Conflict { .. }) => None,
        Err(e) => return fail(page)(e).into_response(),
    };
    // Refused or stale: the form again, over the course as it is now.
    let l = match load(&state, &user, page, id).await {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let Some(stored) = find_session(&l, &sid) else {
        return not_found(l.page).into_response();
    };
    match refused {
        Some(refused) => {
            let (errors, form_error) = placed(&t, &l.protocol, &refused);
            // The version the user opened, so that saving again is checked against it.
            let opened = TherapySession {
                version: data.version().unwrap_or(stored.version),
                ..stored.clone()
            };
            let p = session_page(
                &state,
                l,
                FormState {
                    errors,
                    form_error,
                    editing: Some(&opened),
                    ..FormState::of(&typed)
                },
            );
            (StatusCode::UNPROCESSABLE_ENTITY, p).into_response()
        }
        None => {
            let p = session_page(
                &state,
                l,
                FormState {
                    saved: Some(&stored),
                    editing: Some(&stored),
                    ..FormState::of(&typed)
                },
            );
            (StatusCode::CONFLICT, p).into_response()
        }
    }
}

/// What the medication record shows now, for the medication review task.
fn medication_hint(t: &Tr, course: &ipt_domain::course::Course) -> String {
    let now = ipt_domain::safety::current_medication(&course.medication);
    if now.is_empty() {
        return t.get("sessions-task-medication-none");
    }
    let list = now
        .iter()
        .map(|m| {
            if m.dose.is_empty() {
                m.medicine.clone()
            } else {
                format!("{} {}", m.medicine, m.dose)
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    t.with("sessions-task-medication-now", &[("medicines", list)])
}
