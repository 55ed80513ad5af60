//! PDF documents of a course: the course summary (discharge letter) and the patient's "my plan".
//!
//! This module gathers the data through the app (access-checked and audited as
//! `document.<kind>`), translates every label from `locales/<lang>/reports.ftl` into the
//! patient's language (or the one asked for), and hands plain models to `ipt-report`, which
//! typesets them. The pages link here, and the CLI (`ipt report …`) calls the same functions.
//!
//! Scores are described as scores (reference §1.1): the words say what a number did, never that
//! someone is well. A patient's document shows the formulation only once the patient accepted it,
//! in the patient's own wording when there is one.

use std::collections::HashMap;

use axum::Extension;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ipt_app::access::Access;
use ipt_app::usecases::reports::{DocumentData, DocumentKind};
use ipt_app::usecases::sessions::SESSION_MOOD;
use ipt_app::{App, AppError};
use ipt_domain::alert::{AlertSource, RiskAlert};
use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::authz::Actor;
use ipt_domain::course::{Goal, RelapsePreventionPlan};
use ipt_domain::ids::CourseId;
use ipt_domain::measures::{Catalogue, Instrument, RCI_Z, ReliableChange};
use ipt_domain::protocol::Phase;
use ipt_domain::safety::{RiskRecord, SafetyPlan};
use ipt_domain::session::{Attendance, TherapySession};
use ipt_report::pdf::{
    Chart, CourseSummaryDoc, FactSection, FocusExplained, Frame, GoalLine, GoalSection, Labelled,
    LinesSection, MyPlanDoc, OutcomeGroup, OutcomeSection, ScoreColumns, ScoreLine, ScoreSection,
    TextSection,
};
use ipt_report::{
    PhaseMarker, ScorePoint, SessionMarker, SeverityBand, Trajectory, TrajectoryLabels,
    score_trajectory,
};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::{Lang, Tr};
use crate::kit::{PageError, ctx, format_label, status_label};
use crate::portal::crisis::CrisisResources;
use crate::sessions::outcomes::score_review;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/courses/{id}/summary.pdf", get(summary_pdf))
        .route("/courses/{id}/plan.pdf", get(plan_pdf))
}

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Not found (also for a course the actor may not read), storage trouble …
    #[error(transparent)]
    App(#[from] AppError),
    /// The typesetter failed; the message names template positions, never patient data.
    #[error("the document could not be typeset: {0}")]
    Typeset(String),
}

/// A language code the documents are written in, exactly `en` or `it`.
pub fn parse_lang(code: &str) -> Option<Lang> {
    let code = code.trim().to_ascii_lowercase();
    Lang::ALL.into_iter().find(|l| l.code() == code)
}

/// The patient's language, unless another was asked for.
fn language(d: &DocumentData, asked: Option<Lang>) -> Lang {
    asked
        .or_else(|| parse_lang(d.patient.language.code()))
        .unwrap_or_default()
}

/// The course summary as a PDF, in `lang` or else the patient's language.
pub async fn course_summary_pdf(
    app: &App,
    actor: &Actor,
    course: CourseId,
    lang: Option<Lang>,
) -> Result<Vec<u8>, ReportError> {
    let d = app
        .document_data(actor, course, DocumentKind::CourseSummary)
        .await?;
    let t = Tr::new(language(&d, lang));
    let doc = summary_doc(app, &t, &d);
    typeset(move || ipt_report::course_summary(&doc)).await
}

/// The patient's "my plan" as a PDF, in `lang` or else the patient's language.
pub async fn my_plan_pdf(
    app: &App,
    actor: &Actor,
    course: CourseId,
    lang: Option<Lang>,
    crisis: &CrisisResources,
) -> Result<Vec<u8>, ReportError> {
    let d = app
        .document_data(actor, course, DocumentKind::MyPlan)
        .await?;
    let t = Tr::new(language(&d, lang));
    let doc = plan_doc(app, &t, &d, crisis);
    typeset(move || ipt_report::my_plan(&doc)).await
}

/// Typesetting takes a noticeable slice of CPU: keep it off the async workers.
async fn typeset(
    job: impl FnOnce() -> Result<Vec<u8>, ipt_report::PdfError> + Send + 'static,
) -> Result<Vec<u8>, ReportError> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| ReportError::Typeset(e.to_string()))?
        .map_err(|e| ReportError::Typeset(e.to_string()))
}

// ---- HTTP ------------------------------------------------------------------------------------

async fn summary_pdf(
    state: State<AppState>,
    user: Extension<CurrentUser>,
    headers: HeaderMap,
    id: Path<String>,
    q: Query<HashMap<String, String>>,
) -> Response {
    download(state, user, headers, id, q, DocumentKind::CourseSummary).await
}

async fn plan_pdf(
    state: State<AppState>,
    user: Extension<CurrentUser>,
    headers: HeaderMap,
    id: Path<String>,
    q: Query<HashMap<String, String>>,
) -> Response {
    download(state, user, headers, id, q, DocumentKind::MyPlan).await
}

async fn download(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    kind: DocumentKind,
) -> Response {
    let title = match kind {
        DocumentKind::CourseSummary => "reports-summary-title",
        DocumentKind::MyPlan => "reports-plan-title",
    };
    let page = ctx(&headers, Some(&user), title, &format!("/courses/{id}"));
    let Ok(course) = id.parse::<CourseId>() else {
        return PageError {
            page,
            error: AppError::NotFound("course"),
        }
        .into_response();
    };
    let actor = user.actor();
    let lang = match q.get("lang").map(|c| c.trim()).filter(|c| !c.is_empty()) {
        None => None,
        Some(code) => match parse_lang(code) {
            Some(l) => Some(l),
            None => {
                // Access first, so that the answer never reveals whether the course exists.
                if let Err(error) = state.app.course_with(&actor, course, Access::Read).await {
                    return PageError { page, error }.into_response();
                }
                let t = page.t;
                let refusal = crate::kit::MessagePage {
                    heading: t.get("form-errors-title"),
                    message: t.with("reports-unknown-language", &[("languages", languages())]),
                    back_link: "/".into(),
                    back_text: t.get("back-to-caseload"),
                    page,
                };
                return (axum::http::StatusCode::UNPROCESSABLE_ENTITY, refusal).into_response();
            }
        },
    };
    let result = match kind {
        DocumentKind::CourseSummary => course_summary_pdf(&state.app, &actor, course, lang).await,
        DocumentKind::MyPlan => {
            my_plan_pdf(&state.app, &actor, course, lang, &state.options.crisis).await
        }
    };
    match result {
        Ok(pdf) => {
            let name = format!("{}-{course}.pdf", kind.code().replace('_', "-"));
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/pdf"),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                pdf,
            )
                .into_response()
        }
        Err(ReportError::App(error)) => PageError { page, error }.into_response(),
        Err(ReportError::Typeset(m)) => {
            tracing::error!(course = %course, document = kind.code(), error = %m, "a document could not be typeset");
            PageError {
                page,
                error: AppError::Internal("typesetting failed".into()),
            }
            .into_response()
        }
    }
}

/// The language codes the documents accept, for messages.
pub fn languages() -> String {
    Lang::ALL.map(|l| l.code()).join(", ")
}

// ---- The documents --------------------------------------------------------------------------

fn frame(
    t: &Tr,
    app: &App,
    d: &DocumentData,
    title: &str,
    confidential: &str,
    note: &str,
) -> Frame {
    Frame {
        title: t.get(title),
        patient: d.patient.name.as_str().to_string(),
        confidential: t.get(confidential),
        // The typesetter fills in the numbers.
        page_of: t.with(
            "reports-page-of",
            &[("n", "{n}".into()), ("total", "{total}".into())],
        ),
        printed: t.with("reports-prepared-on", &[("date", t.date(app.today()))]),
        note: t.get(note),
    }
}

fn attended(sessions: &[TherapySession]) -> usize {
    sessions
        .iter()
        .filter(|s| s.attendance == Attendance::Attended)
        .count()
}

fn goal_section(t: &Tr, heading: &str, goals: &[Goal]) -> GoalSection {
    GoalSection {
        heading: t.get(heading),
        area: t.get("reports-col-area"),
        goal: t.get("reports-col-goal"),
        progress: t.get("reports-col-progress"),
        status: t.get("reports-col-status"),
        rows: goals
            .iter()
            .map(|g| GoalLine {
                area: t.get(&format!("area-{}", g.area.code())),
                description: g.description.clone(),
                progress: g
                    .progress
                    .map(|p| t.with("reports-progress", &[("n", p.to_string())]))
                    .unwrap_or_else(|| t.get("reports-progress-none")),
                status: t.get(&format!("sessions-goal-status-{}", g.status.code())),
            })
            .collect(),
        empty: t.get("reports-goals-none"),
    }
}

/// The plan's fields with the given label prefix, leaving out empty ones.
fn relapse_items(t: &Tr, plan: Option<&RelapsePreventionPlan>, prefix: &str) -> Vec<Labelled> {
    let Some(r) = plan else { return vec![] };
    [
        ("warning_signs", &r.warning_signs),
        ("triggers", &r.triggers),
        ("coping", &r.coping),
        ("supports", &r.supports),
        ("seek_help", &r.seek_help),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| Labelled::new(t.get(&format!("{prefix}{k}")), v.trim()))
    .collect()
}

/// The safety plan's parts with the given label prefix, leaving out empty ones, then the day it
/// was written.
fn safety_items(t: &Tr, plan: Option<&SafetyPlan>, prefix: &str) -> Vec<Labelled> {
    let Some(p) = plan else { return vec![] };
    let mut items: Vec<Labelled> = p
        .parts()
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| Labelled::new(t.get(&format!("{prefix}{k}")), v.trim()))
        .collect();
    if let Some(on) = p.written_on {
        items.push(Labelled::new(t.get("safety-field-written_on"), t.date(on)));
    }
    items
}

/// An instrument's short name, or its code when the catalogue does not know it.
fn instrument_name(code: &str) -> String {
    Catalogue::builtin()
        .get(code)
        .map(|i| i.short_name.clone())
        .unwrap_or_else(|| code.to_string())
}

fn item_numbers(items: &[u16]) -> String {
    items
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What raised an alert, in clinicians' words.
pub fn alert_source(t: &Tr, a: &RiskAlert) -> String {
    match &a.source {
        AlertSource::Instrument { instrument, items } => t.with(
            "safety-source-instrument",
            &[
                ("instrument", instrument_name(instrument)),
                ("items", item_numbers(items)),
            ],
        ),
        AlertSource::SessionRiskReview { .. } => t.get("safety-source-session"),
    }
}

/// The last risk item answered positively, under `label`, worded by `key` (instrument, items,
/// date).
fn last_positive_item(t: &Tr, r: &RiskRecord<'_>, label: &str, key: &str) -> Option<Labelled> {
    let a = r.last_positive_item?;
    let AlertSource::Instrument { instrument, items } = &a.source else {
        return None;
    };
    Some(Labelled::new(
        t.get(label),
        t.with(
            key,
            &[
                ("instrument", instrument_name(instrument)),
                ("items", item_numbers(items)),
                ("date", t.date(a.raised_at.date())),
            ],
        ),
    ))
}

/// The course's risk record for clinicians: every alert with its dates (open ones first), and
/// the last risk item answered positively.
pub fn risk_items(t: &Tr, r: &RiskRecord<'_>) -> Vec<Labelled> {
    let mut items = vec![];
    for a in &r.open {
        items.push(Labelled::new(
            t.get("safety-risk-open"),
            t.with(
                "safety-risk-raised",
                &[
                    ("date", t.date(a.raised_at.date())),
                    ("source", alert_source(t, a)),
                ],
            ),
        ));
    }
    for a in &r.acknowledged {
        let Some(ack) = &a.acknowledgement else {
            continue;
        };
        items.push(Labelled::new(
            t.get("safety-risk-acknowledged"),
            t.with(
                "safety-risk-raised-ack",
                &[
                    ("raised", t.date(a.raised_at.date())),
                    ("acknowledged", t.date(ack.at.date())),
                    ("source", alert_source(t, a)),
                    ("note", ack.action_note.trim().to_string()),
                ],
            ),
        ));
    }
    items.extend(last_positive_item(
        t,
        r,
        "safety-risk-last-item",
        "safety-risk-last",
    ));
    items
}

/// The same record in the patient's words: when they gave an answer about their safety, and
/// whether their clinician has followed it up. Never a reassurance.
fn risk_items_for_patient(t: &Tr, r: &RiskRecord<'_>) -> Vec<Labelled> {
    let mut all: Vec<&RiskAlert> = r.open.iter().chain(&r.acknowledged).copied().collect();
    all.sort_by_key(|a| (a.raised_at, a.id));
    let mut items: Vec<Labelled> = all
        .into_iter()
        .map(|a| {
            let text = match &a.acknowledgement {
                Some(ack) => t.with("reports-plan-risk-ack", &[("date", t.date(ack.at.date()))]),
                None => t.get("reports-plan-risk-open"),
            };
            Labelled::new(t.date(a.raised_at.date()), text)
        })
        .collect();
    items.extend(last_positive_item(
        t,
        r,
        "reports-plan-risk-last",
        "reports-plan-risk-last-value",
    ));
    items
}

fn text_or_none(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The secondary-outcomes panel as the summary prints it: one group per outcome, each with its
/// lines and how to read them.
fn secondary_section(t: &Tr, closed: bool, d: &DocumentData) -> OutcomeSection {
    let panel = crate::sessions::secondary::secondary_panel(t, &d.secondary_outcomes());
    let mut groups: Vec<OutcomeGroup> = vec![];
    for r in panel.rows {
        let line = [r.measure, r.start, r.latest, r.change];
        match groups.last_mut() {
            Some(g) if r.outcome.is_empty() => g.rows.push(line),
            _ => groups.push(OutcomeGroup {
                outcome: r.outcome,
                rows: vec![line],
                reading: r.reading,
            }),
        }
    }
    OutcomeSection {
        heading: t.get("secondary-title"),
        columns: [
            t.get("secondary-col-measure"),
            t.get("secondary-col-start"),
            t.get(if closed {
                "reports-col-end"
            } else {
                "reports-col-latest"
            }),
            t.get("secondary-col-change"),
        ],
        groups,
        empty: panel.missing.unwrap_or_else(|| t.get("secondary-none")),
        note: panel.note,
    }
}

pub fn summary_doc(app: &App, t: &Tr, d: &DocumentData) -> CourseSummaryDoc {
    let c = &d.course;
    let p = &d.patient;
    let mut course = vec![Labelled::new(
        t.get("reports-summary-patient"),
        p.name.as_str(),
    )];
    if let Some(dob) = p.date_of_birth {
        course.push(Labelled::new(t.get("reports-summary-dob"), t.date(dob)));
    }
    course.extend([
        Labelled::new(t.get("reports-summary-format"), format_label(t, c.format)),
        Labelled::new(t.get("reports-summary-status"), status_label(t, &c.status)),
        Labelled::new(
            t.get("reports-summary-clinician"),
            d.clinician.clone().unwrap_or_else(|| t.get("not-set")),
        ),
        Labelled::new(t.get("reports-summary-started"), t.date(c.started_on)),
        Labelled::new(
            t.get("reports-summary-ended"),
            c.ended_on
                .map(|e| t.date(e))
                .unwrap_or_else(|| t.get("reports-summary-in-progress")),
        ),
        Labelled::new(
            t.get("reports-summary-sessions"),
            t.with(
                "reports-summary-attended",
                &[
                    ("n", attended(&d.sessions).to_string()),
                    ("total", c.planned_sessions().to_string()),
                ],
            ),
        ),
    ]);
    if let Some(dx) = &c.diagnosis {
        course.push(Labelled::new(
            t.get("reports-summary-diagnosis"),
            dx.statement.trim(),
        ));
    }
    let focus = c
        .focus
        .as_ref()
        .map(|f| {
            f.areas()
                .iter()
                .map(|a| {
                    Labelled::new(
                        t.get(&format!("area-{}", a.kind().code())),
                        a.stage()
                            .map(|s| {
                                t.with(
                                    "reports-summary-stage",
                                    &[("stage", t.get(&format!("stage-{}", s.code())))],
                                )
                            })
                            .unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let closed = !c.status.is_open();
    let protocol = app.protocols.get(c.format);
    let review = score_review(t, protocol, &d.assessments);
    let rows = review
        .rows
        .into_iter()
        .map(|r| ScoreLine {
            instrument: r.instrument,
            baseline: r.baseline,
            end: r.latest,
            count: r.count,
            change: r.change,
        })
        .collect();
    let (statement, statement_notes) = match review.non_response {
        Some(s) => (
            Some(s),
            vec![
                t.get("reports-summary-not-patient"),
                t.get("reports-summary-alternatives"),
            ],
        ),
        None => (None, vec![]),
    };
    let mut maintenance = vec![];
    if let Some(m) = &c.maintenance {
        maintenance.push(Labelled::new(
            t.get("sessions-field-choice"),
            t.get(&format!("sessions-choice-{}", m.choice.code())),
        ));
        maintenance.push(Labelled::new(
            t.get("sessions-field-decided_on"),
            t.date(m.decided_on),
        ));
        if let Some(r) = text_or_none(&m.rationale) {
            maintenance.push(Labelled::new(t.get("sessions-field-rationale"), r));
        }
    }
    let mut relapse = relapse_items(t, c.relapse_plan.as_ref(), "sessions-field-");
    if let Some(on) = c.relapse_plan.as_ref().and_then(|r| r.written_on)
        && !relapse.is_empty()
    {
        relapse.push(Labelled::new(
            t.get("sessions-field-written_on"),
            t.date(on),
        ));
    }
    CourseSummaryDoc {
        lang: t.lang.code().into(),
        frame: frame(
            t,
            app,
            d,
            "reports-summary-title",
            "reports-summary-confidential",
            "reports-summary-note",
        ),
        heading: t.get("reports-summary-title"),
        course: FactSection {
            heading: t.get("reports-summary-course"),
            items: course,
            empty: t.get("reports-none"),
        },
        focus: FactSection {
            heading: t.get("reports-summary-focus"),
            items: focus,
            empty: t.get("reports-summary-focus-none"),
        },
        scores: ScoreSection {
            heading: t.get(if closed {
                "reports-summary-scores"
            } else {
                "reports-summary-scores-so-far"
            }),
            columns: ScoreColumns {
                instrument: t.get("reports-col-instrument"),
                baseline: t.get("reports-col-baseline"),
                end: t.get(if closed {
                    "reports-col-end"
                } else {
                    "reports-col-latest"
                }),
                count: t.get("reports-col-count"),
                change: t.get("reports-col-change"),
            },
            rows,
            empty: t.get("reports-summary-scores-none"),
            note: t.get("reports-summary-scores-note"),
            statement,
            statement_notes,
            charts: charts(t, app, d),
        },
        secondary: secondary_section(t, closed, d),
        goals: goal_section(t, "reports-summary-goals", &d.goals),
        gains: TextSection {
            heading: t.get("reports-summary-gains"),
            text: c.termination.as_ref().and_then(|r| text_or_none(&r.gains)),
            empty: t.get("reports-summary-gains-none"),
        },
        risk: FactSection {
            heading: t.get("reports-summary-risk"),
            items: risk_items(t, &RiskRecord::of(c, &d.alerts)),
            empty: t.get("reports-summary-risk-none"),
        },
        safety_plan: FactSection {
            heading: t.get("reports-summary-safety"),
            items: safety_items(t, c.safety_plan.as_ref(), "safety-field-"),
            empty: t.get("reports-summary-safety-none"),
        },
        relapse_plan: FactSection {
            heading: t.get("reports-summary-relapse"),
            items: relapse,
            empty: t.get("reports-summary-relapse-none"),
        },
        maintenance: FactSection {
            heading: t.get("reports-summary-maintenance"),
            items: maintenance,
            empty: t.get("reports-summary-maintenance-none"),
        },
    }
}

// ---- The score charts -----------------------------------------------------------------------

fn total_of(a: &Assessment) -> Option<f64> {
    a.result.as_ref().filter(|r| r.valid).and_then(|r| r.total)
}

/// Half the width of the band of "no reliable change" around the baseline, in points.
fn reliable_half_width(rule: &ReliableChange) -> Option<f64> {
    match rule {
        ReliableChange::Points(p) => Some(f64::from(*p)),
        ReliableChange::JacobsonTruax { .. } => rule.s_diff().map(|s| RCI_Z * s),
    }
}

/// One trajectory per questionnaire of the catalogue scored in the course (single ratings such
/// as the session mood are left out), the format's recommended ones first.
fn charts(t: &Tr, app: &App, d: &DocumentData) -> Vec<Chart> {
    let mut finals: Vec<&Assessment> = d
        .assessments
        .iter()
        .filter(|a| a.status == AssessmentStatus::Final && total_of(a).is_some())
        .collect();
    finals.sort_by_key(|a| (a.administered_at, a.id));
    let protocol = app.protocols.get(d.course.format);
    let mut codes: Vec<&str> = protocol
        .recommended_instruments
        .iter()
        .map(String::as_str)
        .filter(|c| finals.iter().any(|a| a.instrument == *c))
        .collect();
    for a in &finals {
        if !codes.contains(&a.instrument.as_str()) {
            codes.push(&a.instrument);
        }
    }
    codes
        .into_iter()
        .filter(|c| *c != SESSION_MOOD && *c != "goal_progress")
        .filter_map(|code| {
            let instrument = Catalogue::builtin().get(code)?;
            let list: Vec<&Assessment> = finals
                .iter()
                .copied()
                .filter(|a| a.instrument == code)
                .collect();
            Some(trajectory_chart(t, instrument, &list, &d.sessions))
        })
        .collect()
}

fn trajectory_chart(
    t: &Tr,
    instrument: &Instrument,
    list: &[&Assessment],
    sessions: &[TherapySession],
) -> Chart {
    let name = instrument.short_name.clone();
    let settings = ipt_app::measures::settings();
    let band_set = match settings.scoring.bands.get(&instrument.code) {
        Some(id) => instrument.band_set(id),
        None => instrument.default_band_set(),
    };
    let bands = band_set
        .map(|s| {
            s.bands
                .iter()
                .map(|b| SeverityBand {
                    lower: f64::from(b.min) - 0.5,
                    upper: f64::from(b.max) + 0.5,
                    label: format!(
                        "{} ({}–{})",
                        t.get(&format!("severity-{}", b.code)),
                        b.min,
                        b.max
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    let session_number = |a: &Assessment| {
        a.session
            .and_then(|id| sessions.iter().find(|s| s.id == id).map(|s| s.number.get()))
    };
    let points: Vec<ScorePoint> = list
        .iter()
        .filter_map(|a| {
            Some(ScorePoint {
                date: a.administered_at.date(),
                total: total_of(a)?,
                session: session_number(a),
            })
        })
        .collect();
    let baseline = points.first().map(|p| p.total);
    let reliable = settings
        .change
        .rule(&instrument.code)
        .and_then(|r| r.reliable_change.as_ref())
        .and_then(reliable_half_width);
    let mut held: Vec<&TherapySession> = sessions
        .iter()
        .filter(|s| s.attendance == Attendance::Attended)
        .collect();
    held.sort_by_key(|s| (s.date, s.number.get()));
    let mut phases: Vec<PhaseMarker> = vec![];
    let mut last: Option<Phase> = None;
    for s in &held {
        if last != Some(s.phase.phase) {
            last = Some(s.phase.phase);
            phases.push(PhaseMarker {
                date: s.date,
                label: t.get(&format!("phase-{}", s.phase.phase.code())),
            });
        }
    }
    let caption = t.with("reports-chart-caption", &[("instrument", name.clone())]);
    let alt = match (points.first(), points.last()) {
        (Some(f), Some(l)) if points.len() > 1 => t.with(
            "reports-chart-desc",
            &[
                ("instrument", name.clone()),
                ("count", points.len().to_string()),
                ("first", t.number(f.total)),
                ("first_date", t.date(f.date)),
                ("last", t.number(l.total)),
                ("last_date", t.date(l.date)),
            ],
        ),
        (Some(f), _) => t.with(
            "reports-chart-desc-one",
            &[
                ("instrument", name.clone()),
                ("first", t.number(f.total)),
                ("first_date", t.date(f.date)),
            ],
        ),
        _ => t.get("reports-chart-empty"),
    };
    let svg = score_trajectory(&Trajectory {
        instrument: name.clone(),
        y_min: f64::from(instrument.shown_range().0),
        y_max: f64::from(instrument.shown_range().1),
        bands,
        points,
        baseline,
        reliable_change: reliable,
        sessions: held
            .iter()
            .map(|s| SessionMarker {
                date: s.date,
                number: s.number.get(),
            })
            .collect(),
        phases,
        // Life events stay in the clinic: documents that leave it show the scores only.
        events: vec![],
        labels: TrajectoryLabels {
            id: format!("trajectory-{}", instrument.code),
            title: caption.clone(),
            description: alt.clone(),
            axis: t.with("reports-chart-axis", &[("instrument", name.clone())]),
            baseline: baseline
                .map(|b| t.with("reports-chart-baseline", &[("total", t.number(b))]))
                .unwrap_or_default(),
            reliable_band: reliable
                .map(|r| t.with("reports-chart-reliable", &[("points", t.number(r))]))
                .unwrap_or_default(),
            session_prefix: t.get("reports-chart-session"),
            events: t.get("reports-chart-events"),
            empty: t.get("reports-chart-empty"),
        },
    });
    Chart { caption, alt, svg }
}

// ---- My plan ---------------------------------------------------------------------------------

pub fn plan_doc(app: &App, t: &Tr, d: &DocumentData, crisis: &CrisisResources) -> MyPlanDoc {
    let c = &d.course;
    // A formulation becomes the patient's once they have accepted it (a draft stays in the
    // clinic), and is shown in their own wording when it has been written down.
    let formulation = c
        .formulation
        .as_ref()
        .filter(|f| f.is_accepted())
        .and_then(|f| text_or_none(f.for_patient()));
    let focus = c
        .focus
        .as_ref()
        .map(|f| {
            f.areas()
                .iter()
                .map(|a| {
                    let code = a.kind().code();
                    FocusExplained {
                        name: t.get(&format!("area-{code}")),
                        explanation: t.get(&format!("reports-plan-area-{code}")),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let mut by_date: Vec<&TherapySession> = d.sessions.iter().collect();
    by_date.sort_by_key(|s| (s.date, s.number.get()));
    let actions = by_date
        .iter()
        .rev()
        .find(|s| !s.agreed_actions.trim().is_empty())
        .map(|s| {
            format!(
                "{}\n\n{}",
                t.with("reports-plan-actions-from", &[("date", t.date(s.date))]),
                s.agreed_actions.trim()
            )
        });
    let today = app.today();
    let mut upcoming = vec![];
    if c.status.is_open() {
        if let Some(next) =
            ipt_domain::session::upcoming(&d.sessions, true, c.planned_sessions(), today)
        {
            upcoming.push(Labelled::new(t.get("reports-plan-next"), t.date(next)));
        }
        upcoming.push(Labelled::new(
            t.get("reports-plan-sessions"),
            t.with(
                "reports-plan-sessions-held",
                &[
                    ("n", attended(&d.sessions).to_string()),
                    ("total", c.planned_sessions().to_string()),
                ],
            ),
        ));
        if let Some(k) = &c.contract {
            upcoming.push(Labelled::new(
                t.get("reports-plan-frequency"),
                t.get(&format!("frequency-{}", k.frequency.code())),
            ));
            upcoming.push(Labelled::new(t.get("reports-plan-end"), t.date(k.end_date)));
        }
    }
    MyPlanDoc {
        lang: t.lang.code().into(),
        frame: frame(
            t,
            app,
            d,
            "reports-plan-title",
            "reports-plan-confidential",
            "reports-plan-note",
        ),
        heading: t.get("reports-plan-title"),
        intro: t.get("reports-plan-intro"),
        formulation: TextSection {
            heading: t.get("reports-plan-formulation"),
            text: formulation,
            empty: t.get("reports-plan-formulation-none"),
        },
        focus_heading: t.get("reports-plan-focus"),
        focus,
        focus_empty: t.get("reports-plan-focus-none"),
        goals: goal_section(t, "reports-plan-goals", &d.goals),
        actions: TextSection {
            heading: t.get("reports-plan-actions"),
            text: actions,
            empty: t.get("reports-plan-actions-none"),
        },
        risk: FactSection {
            heading: t.get("reports-plan-risk"),
            items: risk_items_for_patient(t, &RiskRecord::of(c, &d.alerts)),
            empty: String::new(),
        },
        safety_plan: FactSection {
            heading: t.get("reports-plan-safety"),
            items: safety_items(t, c.safety_plan.as_ref(), "reports-plan-safety-"),
            empty: t.get("reports-plan-safety-none"),
        },
        crisis: {
            let v = crisis.view(t);
            let mut lines = v.lines;
            lines.push(v.tell_clinician);
            LinesSection {
                heading: v.heading,
                lines,
            }
        },
        relapse_plan: FactSection {
            heading: t.get("reports-plan-relapse"),
            items: relapse_items(t, c.relapse_plan.as_ref(), "reports-plan-"),
            empty: t.get("reports-plan-relapse-none"),
        },
        upcoming: FactSection {
            heading: t.get("reports-plan-upcoming"),
            items: upcoming,
            empty: t.get("reports-plan-upcoming-none"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipt_domain::problem_area::AreaKind;

    /// Every label looked up from a domain code exists in every language.
    #[test]
    fn every_plain_words_area_text_exists() {
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for a in AreaKind::ALL {
                let key = format!("reports-plan-area-{}", a.code());
                assert_ne!(t.get(&key), key, "{key} in {}", lang.code());
            }
        }
    }

    #[test]
    fn only_exact_language_codes_are_accepted() {
        assert_eq!(parse_lang("it"), Some(Lang::It));
        assert_eq!(parse_lang(" EN "), Some(Lang::En));
        assert_eq!(parse_lang("italiano"), None);
        assert_eq!(parse_lang("fr"), None);
        assert_eq!(languages(), "en, it");
    }
}
