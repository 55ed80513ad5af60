//! The progress page of a course (measurement-based care): for every instrument given, the
//! score trajectory on its severity bands with the reliable-change band around the baseline,
//! session and phase markers and life events, and the item heat map; then goal progress, the
//! closeness circle at the start and now, and the mood diary when the patient keeps one.
//!
//! The charts are SVG drawn on the server by `ipt-report` from translated labels. Each one has
//! a text alternative (its `<desc>`, also shown as the figure's caption) and the same numbers
//! as a table. The words describe what the numbers did; they never say that someone is well.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use ipt_app::ports::AlertFilter;
use ipt_app::usecases::progress::CourseProgress;
use ipt_app::{AppError, CourseView};
use ipt_domain::approx_date::{ApproxDate, DatePrecision};
use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::course::{Goal, GoalStatus};
use ipt_domain::diary::DiaryEntry;
use ipt_domain::ids::CourseId;
use ipt_domain::inventory::{ClosenessRing, InventorySnapshot, NetworkIndices, SnapshotKind};
use ipt_domain::measures::{AnswerKind, BandSet, Catalogue, Instrument};
use ipt_domain::session::{Attendance, TherapySession};
use ipt_report::{
    CircleLabels, CirclePerson, CircleSide, DiaryDay, DiaryLabels, GoalBar, GoalLabels, Heatmap,
    HeatmapLabels, HeatmapRow, LifeEvent, PairLabels, PhaseMarker, ScorePoint, SessionMarker,
    SeverityBand, Trajectory, TrajectoryLabels, closeness_pair, diary_mood, goal_progress,
    item_heatmap, score_trajectory,
};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, ctx, fail, format_label, status_label};

pub fn routes() -> Router<AppState> {
    Router::new().route("/courses/{id}/progress", get(page))
}

/// The top of the page: where the course is, and any open alert (as on the other course pages).
pub struct Header {
    pub patient_id: String,
    pub patient_name: String,
    pub course_id: String,
    pub course_title: String,
    pub status: String,
    pub status_code: &'static str,
    pub open_alert: bool,
    pub sections: Vec<(String, String)>,
}

/// A chart's numbers as a table; the first cell of each row is the row's header.
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One chart with its text alternative and its table view.
pub struct ChartBlock {
    /// The id of the heading that names the chart, for `aria-labelledby`.
    pub id: String,
    /// The chart's own heading; None when the section's heading (with `id`) names it.
    pub heading: Option<String>,
    pub svg: String,
    /// The text alternative: the same words as the drawing's `<desc>`.
    pub summary: String,
    /// A word for the clinician beside the chart: that the questionnaire asks nothing about
    /// suicide or self-harm, so they ask separately (#14, finding 2).
    pub note: Option<String>,
    pub table: Option<Table>,
}

/// Everything charted for one instrument.
pub struct InstrumentBlock {
    pub id: String,
    pub trajectory: ChartBlock,
    pub heatmap: Option<ChartBlock>,
}

#[derive(Template, WebTemplate)]
#[template(path = "charts/progress.html")]
pub struct ProgressPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    pub instruments: Vec<InstrumentBlock>,
    pub goals: Option<ChartBlock>,
    pub circles: Option<ChartBlock>,
    pub secondary: crate::sessions::secondary::SecondaryPanel,
    pub diary: Option<ChartBlock>,
    pub measures_link: String,
    pub goals_link: String,
    pub timeline_link: String,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<ProgressPage, PageError> {
    let page = ctx(
        &headers,
        Some(&user),
        "charts-title",
        &format!("/courses/{id}/progress"),
    );
    let Ok(id) = id.parse::<CourseId>() else {
        return Err(fail(page)(AppError::NotFound("course")));
    };
    let actor = user.actor();
    let progress = match state.app.course_progress(&actor, id).await {
        Ok(p) => p,
        Err(e) => return Err(fail(page)(e)),
    };
    let open_alert = match state
        .app
        .alerts(
            &actor,
            AlertFilter {
                patient: Some(progress.view.patient.id),
                open_only: true,
                ..Default::default()
            },
        )
        .await
    {
        Ok(a) => !a.is_empty(),
        Err(e) => return Err(fail(page)(e)),
    };
    let t = page.t;
    let c = &progress.view.course;
    let header = Header {
        patient_id: progress.view.patient.id.to_string(),
        patient_name: progress.view.patient.name.as_str().to_string(),
        course_id: c.id.to_string(),
        course_title: t.with(
            "course-title",
            &[
                ("format", format_label(&t, c.format)),
                ("patient", progress.view.patient.name.as_str().to_string()),
            ],
        ),
        status: status_label(&t, &c.status),
        status_code: c.status.code(),
        open_alert,
        sections: (state.section_links)(&t, &c.id.to_string()),
    };
    let recommended = state
        .app
        .protocols
        .get(c.format)
        .recommended_instruments
        .clone();
    let texts = |code: &str| state.app.text_packs.text_for(code, t.lang.code());
    let instruments = instrument_blocks(&t, &progress, &recommended, &texts);
    Ok(ProgressPage {
        heading: t.get("charts-title"),
        instruments,
        goals: goals_block(&t, &progress.view.goals),
        circles: circles_block(&t, &progress),
        secondary: crate::sessions::secondary::secondary_panel(
            &t,
            &progress.view.secondary_outcomes(),
        ),
        diary: diary_block(&t, &progress.diary),
        measures_link: format!("/courses/{id}/measures"),
        goals_link: format!("/courses/{id}/goals"),
        timeline_link: format!("/courses/{id}/timeline"),
        header,
        page,
    })
}

/// The course's main measure as a chart, for the course overview: the first instrument the
/// progress page shows (the format's recommended measure when given). None when nothing has been
/// scored yet or the read fails (the overview then simply leaves the chart out; access was
/// already checked by the overview itself).
/// The main measure's trajectory for the course overview, from the view the page has already
/// read (the trajectory needs no diary).
pub fn main_trajectory(state: &AppState, view: &CourseView, t: &Tr) -> Option<ChartBlock> {
    let progress = CourseProgress {
        view: view.clone(),
        diary: vec![],
    };
    let recommended = state
        .app
        .protocols
        .get(progress.view.course.format)
        .recommended_instruments
        .clone();
    let texts = |code: &str| state.app.text_packs.text_for(code, t.lang.code());
    instrument_blocks(t, &progress, &recommended, &texts)
        .into_iter()
        .next()
        .map(|b| ChartBlock {
            // The overview's own section heading names the chart.
            id: "glance-h".into(),
            heading: None,
            ..b.trajectory
        })
}

// ---- Score trajectories and item heat maps ---------------------------------------------------

fn total_of(a: &Assessment) -> Option<f64> {
    a.result
        .as_ref()
        .filter(|r| r.valid)
        .and_then(|r| r.total)
        .filter(|t| t.is_finite())
}

fn severity_words(t: &Tr, a: &Assessment) -> Option<String> {
    a.result
        .as_ref()
        .and_then(|r| r.severity.as_deref())
        .map(|c| t.get(&format!("severity-{c}")))
}

/// The band set in force: the deployment's choice (`[measures.scoring.bands]`), else the
/// instrument's default.
fn band_set(inst: &Instrument) -> Option<&BandSet> {
    ipt_app::measures::settings()
        .scoring
        .bands
        .get(&inst.code)
        .and_then(|id| inst.band_set(id))
        .or_else(|| inst.default_band_set())
}

/// The smallest whole-point change from baseline that counts as reliable under the thresholds
/// in force, when the instrument defines one.
fn reliable_points(inst: &Instrument) -> Option<u32> {
    let settings = ipt_app::measures::settings();
    settings
        .change
        .rule(&inst.code)
        .unwrap_or(&inst.change)
        .reliable_change
        .map(|rc| rc.min_points())
        .filter(|p| *p < u32::MAX)
}

/// A signed difference in the reader's number format: "+3", "−4", "0".
fn signed(t: &Tr, d: f64) -> String {
    if d > 0.0 {
        format!("+{}", t.number(d))
    } else if d < 0.0 {
        format!("−{}", t.number(-d))
    } else {
        t.number(0.0)
    }
}

/// The instruments given in this course, in the order a clinician reads them: the format's
/// recommended measures, then any others, then the single ratings of our own.
fn instrument_order(finals: &[&Assessment], recommended: &[String]) -> Vec<String> {
    let ratings = Assessment::NOT_OUTCOME_MEASURES;
    let mut codes: Vec<String> = recommended
        .iter()
        .filter(|c| finals.iter().any(|a| &a.instrument == *c))
        .cloned()
        .collect();
    for a in finals {
        if !codes.contains(&a.instrument) && !ratings.contains(&a.instrument.as_str()) {
            codes.push(a.instrument.clone());
        }
    }
    for r in ratings {
        if !codes.iter().any(|c| c == r) && finals.iter().any(|a| a.instrument == r) {
            codes.push(r.to_string());
        }
    }
    codes
}

fn instrument_blocks<'a>(
    t: &Tr,
    progress: &CourseProgress,
    recommended: &[String],
    texts: &dyn Fn(&str) -> Option<&'a ipt_domain::measures::TextPack>,
) -> Vec<InstrumentBlock> {
    let view = &progress.view;
    let mut finals: Vec<&Assessment> = view
        .assessments
        .iter()
        .filter(|a| a.status == AssessmentStatus::Final && total_of(a).is_some())
        .collect();
    finals.sort_by_key(|a| (a.administered_at, a.id));
    let marks = Annotations {
        sessions: session_markers(&view.sessions),
        phases: phase_markers(t, progress),
        events: life_events(t, progress),
    };
    instrument_order(&finals, recommended)
        .into_iter()
        .filter_map(|code| {
            let inst = Catalogue::builtin().get(&code)?;
            let given: Vec<&Assessment> = finals
                .iter()
                .copied()
                .filter(|a| a.instrument == code)
                .collect();
            let slug = slug(&code);
            let trajectory = trajectory_block(t, inst, &given, &view.sessions, &marks, &slug);
            // The heat map colours item scores from 0 up; a signed instrument (the RAS, −3 …
            // +3) has no such reading, so it shows its totals only.
            let signed = inst.scales.values().any(|s| s.is_signed());
            let heatmap = (inst.scored_item_count() > 1 && !signed)
                .then(|| heatmap_block(t, inst, &given, texts(&code), &slug));
            Some(InstrumentBlock {
                id: format!("instrument-{slug}"),
                trajectory,
                heatmap,
            })
        })
        .collect()
}

/// An id fragment from an instrument code.
fn slug(code: &str) -> String {
    code.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Sessions held (attended), as marks on the time axis.
fn session_markers(sessions: &[TherapySession]) -> Vec<SessionMarker> {
    sessions
        .iter()
        .filter(|s| s.attendance == Attendance::Attended)
        .map(|s| SessionMarker {
            date: s.date,
            number: s.number.get(),
        })
        .collect()
}

/// Where each phase began, read from the sessions (the course keeps no dates of its phase
/// changes): the first session of each new phase, in date order. An ended course gets a mark
/// for its end, named by how it ended.
fn phase_markers(t: &Tr, progress: &CourseProgress) -> Vec<PhaseMarker> {
    let mut sessions: Vec<&TherapySession> = progress.view.sessions.iter().collect();
    sessions.sort_by_key(|s| (s.date, s.number.get()));
    let mut out = vec![];
    let mut current = None;
    for s in sessions {
        if current != Some(s.phase.phase) {
            current = Some(s.phase.phase);
            out.push(PhaseMarker {
                date: s.date,
                label: t.get(&format!("phase-{}", s.phase.phase.code())),
            });
        }
    }
    let c = &progress.view.course;
    if let Some(end) = c.ended_on {
        out.push(PhaseMarker {
            date: end,
            label: status_label(t, &c.status),
        });
    }
    out
}

/// Human words for an approximate date, in the reader's language.
fn approx_words(t: &Tr, d: &ApproxDate) -> String {
    match *d {
        ApproxDate::Year(y) => y.to_string(),
        ApproxDate::Month(y, m) => format!("{} {y}", t.get(&format!("initial-month-{}", m as u8))),
        ApproxDate::Day(day) => t.date(day),
    }
}

/// Life events known to the day or the month, to annotate the charts. Events known only to the
/// year are left to the timeline page: drawn at mid-year they would suggest a precision the
/// record does not have. The chart itself leaves out events outside its dates.
fn life_events(t: &Tr, progress: &CourseProgress) -> Vec<LifeEvent> {
    let view = &progress.view;
    view.timeline
        .events_sorted()
        .into_iter()
        .filter(|e| e.date.precision() != DatePrecision::Year)
        .map(|e| {
            let mut parts = vec![
                approx_words(t, &e.date),
                t.get(&format!("initial-event-{}", e.kind.code())),
            ];
            if let Some(p) = e
                .person
                .and_then(|id| view.inventory.iter().find(|p| p.id == id))
            {
                parts.push(p.alias.as_str().to_string());
            }
            let d = e.description.trim();
            if !d.is_empty() {
                parts.push(d.chars().take(50).collect());
            }
            LifeEvent {
                date: e.date.midpoint(),
                label: parts.join(" · "),
            }
        })
        .collect()
}

fn score_words(t: &Tr, a: &Assessment) -> String {
    let total = total_of(a).map(|x| t.number(x)).unwrap_or_default();
    match severity_words(t, a) {
        Some(s) => t.with(
            "charts-score-severity",
            &[("total", total), ("severity", s)],
        ),
        None => total,
    }
}

/// Whether the change from the baseline is reliable, in words; None where the instrument
/// defines no reliable change.
fn reliable_words(t: &Tr, inst: &Instrument, baseline: f64, total: f64) -> Option<String> {
    let c = ipt_app::measures::change_of_totals(inst, baseline, total).ok()?;
    match (c.reliable_improvement, c.reliable_deterioration) {
        (Some(true), _) => Some(t.get("charts-reliable-improvement")),
        (_, Some(true)) => Some(t.get("charts-reliable-deterioration")),
        (Some(false), _) | (_, Some(false)) => Some(t.get("charts-reliable-none")),
        (None, None) => None,
    }
}

/// What every trajectory of the course is annotated with.
struct Annotations {
    sessions: Vec<SessionMarker>,
    phases: Vec<PhaseMarker>,
    events: Vec<LifeEvent>,
}

fn trajectory_block(
    t: &Tr,
    inst: &Instrument,
    given: &[&Assessment],
    all_sessions: &[TherapySession],
    marks: &Annotations,
    slug: &str,
) -> ChartBlock {
    let name = inst.short_name.clone();
    let number_of = |a: &Assessment| {
        a.session
            .and_then(|id| all_sessions.iter().find(|s| s.id == id))
            .map(|s| s.number.get())
    };
    let bands: Vec<SeverityBand> = band_set(inst)
        .map(|set| {
            set.bands
                .iter()
                .map(|b| SeverityBand {
                    // Whole-number totals: a total on a cut-off sits inside its band.
                    lower: f64::from(b.min) - 0.5,
                    upper: f64::from(b.max) + 0.5,
                    label: t.with(
                        "charts-band",
                        &[
                            ("min", b.min.to_string()),
                            ("max", b.max.to_string()),
                            ("name", t.get(&format!("severity-{}", b.code))),
                        ],
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    let baseline = given.first().and_then(|a| total_of(a));
    let rc = reliable_points(inst);
    let summary = match (given.first(), given.last()) {
        (Some(first), Some(last)) if given.len() > 1 => {
            let mut s = t.with(
                "charts-trajectory-desc",
                &[
                    ("n", given.len().to_string()),
                    ("instrument", name.clone()),
                    ("from", t.date(first.administered_at.date())),
                    ("to", t.date(last.administered_at.date())),
                    ("first", score_words(t, first)),
                    ("latest", score_words(t, last)),
                ],
            );
            if let (Some(b), Some(l)) = (total_of(first), total_of(last))
                && let Some(words) = reliable_words(t, inst, b, l)
            {
                s.push(' ');
                s.push_str(&t.with("charts-trajectory-change", &[("change", words)]));
            }
            s
        }
        (Some(only), _) => t.with(
            "charts-trajectory-desc-one",
            &[
                ("instrument", name.clone()),
                ("date", t.date(only.administered_at.date())),
                ("score", score_words(t, only)),
            ],
        ),
        _ => t.with("charts-no-scores", &[("instrument", name.clone())]),
    };
    let chart = Trajectory {
        instrument: name.clone(),
        y_min: f64::from(inst.shown_range().0),
        y_max: f64::from(inst.shown_range().1),
        bands,
        points: given
            .iter()
            .filter_map(|a| {
                Some(ScorePoint {
                    date: a.administered_at.date(),
                    total: total_of(a)?,
                    session: number_of(a),
                })
            })
            .collect(),
        baseline,
        // The band holds the whole-number totals that are not a reliable change.
        reliable_change: rc.map(|p| f64::from(p) - 0.5),
        sessions: marks.sessions.clone(),
        phases: marks.phases.clone(),
        events: marks.events.clone(),
        labels: TrajectoryLabels {
            id: format!("trajectory-{slug}"),
            title: t.with("charts-trajectory-title", &[("instrument", name.clone())]),
            description: summary.clone(),
            axis: t.with("charts-axis-total", &[("instrument", name.clone())]),
            baseline: baseline
                .map(|b| t.with("charts-baseline", &[("total", t.number(b))]))
                .unwrap_or_default(),
            reliable_band: rc
                .map(|p| t.with("charts-reliable-band", &[("points", p.to_string())]))
                .unwrap_or_default(),
            session_prefix: t.get("charts-session-prefix"),
            events: t.get("charts-events"),
            empty: t.with("charts-no-scores", &[("instrument", name.clone())]),
        },
    };
    let rows = given
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let total = total_of(a).unwrap_or(0.0);
            let (change, reliable) = match baseline {
                Some(b) if i > 0 => (
                    signed(t, total - b),
                    reliable_words(t, inst, b, total).unwrap_or_else(|| "—".into()),
                ),
                _ => (t.get("charts-baseline-row"), "—".into()),
            };
            vec![
                t.date(a.administered_at.date()),
                number_of(a)
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "—".into()),
                a.phase
                    .map(|p| t.get(&format!("phase-{}", p.code())))
                    .unwrap_or_else(|| "—".into()),
                t.number(total),
                severity_words(t, a).unwrap_or_else(|| "—".into()),
                change,
                reliable,
            ]
        })
        .collect();
    ChartBlock {
        id: format!("trajectory-{slug}-h"),
        heading: Some(t.with("charts-trajectory-title", &[("instrument", name.clone())])),
        svg: score_trajectory(&chart),
        summary,
        note: ipt_app::measures::asks_no_risk_item(inst).then(|| t.get("score-risk-not-asked")),
        table: Some(Table {
            caption: t.with("charts-trajectory-table", &[("instrument", name)]),
            headers: [
                "charts-col-date",
                "charts-col-session",
                "charts-col-phase",
                "charts-col-total",
                "charts-col-severity",
                "charts-col-change",
                "charts-col-reliable",
            ]
            .iter()
            .map(|k| t.get(k))
            .collect(),
            rows,
        }),
    }
}

/// One item's score in an administration: the answer as scored (reverse-keyed items turned
/// round when answers are stored as responses); None when unanswered or "not applicable".
fn item_score(inst: &Instrument, a: &Assessment, index: usize) -> Option<u8> {
    let item = inst.items.get(index)?;
    let scale = inst.scale_of(item);
    let v = a.answers.get(index).copied().flatten()?;
    if scale.is_excluded(v) || v < scale.min || v > scale.max {
        return None;
    }
    if item.reverse_keyed && inst.answers == AnswerKind::Responses {
        Some(scale.min + scale.max - v)
    } else {
        Some(v)
    }
}

fn heatmap_block(
    t: &Tr,
    inst: &Instrument,
    given: &[&Assessment],
    text: Option<&ipt_domain::measures::TextPack>,
    slug: &str,
) -> ChartBlock {
    let name = inst.short_name.clone();
    let columns: Vec<String> = given
        .iter()
        .map(|a| t.date(a.administered_at.date()))
        .collect();
    let mut missing = 0usize;
    let rows: Vec<(String, HeatmapRow)> = inst
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.scored)
        .map(|(i, item)| {
            // The item's words come from a text pack in the reader's language, when the site
            // has one; otherwise the item is named by its number.
            let words = text
                .and_then(|p| p.item(&item.id))
                .map(|x| x.text.trim().to_string())
                .filter(|x| !x.is_empty());
            let label = match words {
                Some(w) => format!("{} · {w}", item.label),
                None => t.with("charts-item", &[("label", item.label.clone())]),
            };
            let values: Vec<Option<u8>> = given.iter().map(|a| item_score(inst, a, i)).collect();
            missing += values.iter().filter(|v| v.is_none()).count();
            (
                label.clone(),
                HeatmapRow {
                    label,
                    max: inst.scale_of(item).max,
                    values,
                },
            )
        })
        .collect();
    let summary = t.with(
        "charts-heatmap-desc",
        &[
            ("instrument", name.clone()),
            ("items", rows.len().to_string()),
            ("times", given.len().to_string()),
            ("missing", missing.to_string()),
        ],
    );
    let not_answered = t.get("charts-not-answered");
    let table_rows = rows
        .iter()
        .map(|(label, row)| {
            let mut r = vec![label.clone()];
            r.extend(row.values.iter().map(|v| match v {
                Some(v) => v.to_string(),
                None => not_answered.clone(),
            }));
            r
        })
        .collect();
    let chart = Heatmap {
        columns: columns.clone(),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
        labels: HeatmapLabels {
            id: format!("heatmap-{slug}"),
            title: t.with("charts-heatmap-title", &[("instrument", name.clone())]),
            description: summary.clone(),
            items: t.get("charts-col-item"),
            score: t.get("charts-item-score"),
            missing: not_answered,
            empty: t.with("charts-no-scores", &[("instrument", name.clone())]),
        },
    };
    let mut headers = vec![t.get("charts-col-item")];
    headers.extend(columns);
    ChartBlock {
        id: format!("heatmap-{slug}-h"),
        heading: Some(t.with("charts-heatmap-title", &[("instrument", name.clone())])),
        svg: item_heatmap(&chart),
        summary,
        note: None,
        table: Some(Table {
            caption: t.with("charts-heatmap-table", &[("instrument", name)]),
            headers,
            rows: table_rows,
        }),
    }
}

// ---- Goals -----------------------------------------------------------------------------------

fn goals_block(t: &Tr, goals: &[Goal]) -> Option<ChartBlock> {
    if goals.is_empty() {
        return None;
    }
    let status = |s: GoalStatus| t.get(&format!("sessions-goal-status-{}", s.code()));
    let area = |g: &Goal| t.get(&format!("area-{}", g.area.code()));
    let count = |s: GoalStatus| goals.iter().filter(|g| g.status == s).count().to_string();
    let summary = t.with(
        "charts-goals-desc",
        &[
            ("n", goals.len().to_string()),
            ("achieved", count(GoalStatus::Achieved)),
            ("open", count(GoalStatus::Open)),
            ("dropped", count(GoalStatus::Dropped)),
            (
                "rated",
                goals
                    .iter()
                    .filter(|g| g.progress.is_some())
                    .count()
                    .to_string(),
            ),
        ],
    );
    let rating = |g: &Goal| {
        g.progress
            .map(|p| t.with("charts-goal-rating", &[("n", p.to_string())]))
            .unwrap_or_else(|| t.get("charts-goal-not-rated"))
    };
    let bars: Vec<GoalBar> = goals
        .iter()
        .map(|g| GoalBar {
            label: g.description.clone(),
            detail: format!("{} · {}", area(g), status(g.status)),
            progress: g.progress,
            status: g.status,
        })
        .collect();
    let labels = GoalLabels {
        id: "goal-progress".into(),
        title: t.get("charts-goals-title"),
        description: summary.clone(),
        not_rated: t.get("charts-goal-not-rated"),
        empty: t.get("charts-goals-none"),
    };
    Some(ChartBlock {
        id: "goals-section-h".into(),
        heading: None,
        svg: goal_progress(&bars, &labels),
        summary,
        note: None,
        table: Some(Table {
            caption: t.get("charts-goals-table"),
            headers: [
                "charts-col-goal",
                "charts-col-area",
                "charts-col-progress",
                "charts-col-status",
            ]
            .iter()
            .map(|k| t.get(k))
            .collect(),
            rows: goals
                .iter()
                .map(|g| vec![g.description.clone(), area(g), rating(g), status(g.status)])
                .collect(),
        }),
    })
}

// ---- Closeness circles -----------------------------------------------------------------------

fn circle_labels(t: &Tr, id: &str, title: String, n: &NetworkIndices) -> CircleLabels {
    CircleLabels {
        id: id.into(),
        description: t.with(
            "charts-circle-desc",
            &[
                ("n", n.in_circle.to_string()),
                ("inner", n.inner_ring.to_string()),
            ],
        ),
        title,
        centre: t.get("sessions-circle-centre"),
        rings: [1, 2, 3].map(|r| t.get(&format!("initial-ring-{r}"))),
        outside: t.get("initial-ring-0"),
        confidant: t.get("sessions-circle-mark-confidant"),
        conflict: t.get("sessions-circle-mark-conflict"),
        deceased: t.get("sessions-circle-mark-deceased"),
        empty: t.get("sessions-circle-empty"),
    }
}

/// What a snapshot kept of each person, drawn as the live circle draws them.
fn snapshot_people(s: &InventorySnapshot) -> Vec<CirclePerson> {
    s.people.iter().map(CirclePerson::of_snapshot).collect()
}

fn names_in(people: &[CirclePerson], ring: ClosenessRing) -> String {
    let list: Vec<&str> = people
        .iter()
        .filter(|p| p.ring == ring)
        .map(|p| p.alias.as_str())
        .collect();
    if list.is_empty() {
        "—".into()
    } else {
        list.join(", ")
    }
}

/// What a reader must know about snapshots taken before death and conflict were kept: which
/// values were filled in later from the inventory, and for how many people they are unknown.
pub fn snapshot_note(t: &Tr, snapshots: &[&InventorySnapshot]) -> Option<String> {
    let mut notes = vec![];
    if snapshots.iter().any(|s| s.has_backfilled()) {
        notes.push(t.get("charts-snapshot-backfilled"));
    }
    let unknown: usize = snapshots
        .iter()
        .map(|s| s.people_without_attributes())
        .sum();
    if unknown > 0 {
        notes.push(t.count("charts-snapshot-unrecorded", unknown as i64));
    }
    (!notes.is_empty()).then(|| notes.join(" "))
}

/// The circle at the start of the middle phase beside the circle now (or at the end), each
/// drawn with everything the circle shows (ring, confidant, conflict, death). Without a start
/// snapshot there is nothing to compare yet.
fn circles_block(t: &Tr, progress: &CourseProgress) -> Option<ChartBlock> {
    let view = &progress.view;
    let start = view
        .snapshots
        .iter()
        .find(|s| s.kind == SnapshotKind::Start)?;
    let end = view
        .snapshots
        .iter()
        .rev()
        .find(|s| s.kind == SnapshotKind::End);
    let start_people = snapshot_people(start);
    let start_n = NetworkIndices::of_snapshot(start);
    let (now_caption, now_people, now_n) = match end {
        Some(e) => (
            t.with("charts-circle-end", &[("date", t.date(e.taken_on))]),
            snapshot_people(e),
            NetworkIndices::of_snapshot(e),
        ),
        None => (
            t.get("charts-circle-now"),
            view.inventory.iter().map(CirclePerson::of_person).collect(),
            NetworkIndices::of_people(&view.inventory),
        ),
    };
    let start_caption = t.with("charts-circle-start", &[("date", t.date(start.taken_on))]);
    let summary = t.with(
        "charts-circles-desc",
        &[
            ("start_n", start_n.in_circle.to_string()),
            ("now_n", now_n.in_circle.to_string()),
            ("start_inner", start_n.inner_ring.to_string()),
            ("now_inner", now_n.inner_ring.to_string()),
        ],
    );
    let mut kept = vec![start];
    kept.extend(end);
    let summary = match snapshot_note(t, &kept) {
        Some(note) => format!("{summary} {note}"),
        None => summary,
    };
    let a = circle_labels(t, "circle-start", start_caption.clone(), &start_n);
    let b = circle_labels(t, "circle-now", now_caption.clone(), &now_n);
    let svg = closeness_pair(
        CircleSide {
            caption: &start_caption,
            people: &start_people,
            labels: &a,
        },
        CircleSide {
            caption: &now_caption,
            people: &now_people,
            labels: &b,
        },
        &PairLabels {
            id: "circles".into(),
            title: t.get("charts-circles-title"),
            description: summary.clone(),
        },
    );
    let mut rows: Vec<Vec<String>> = ClosenessRing::ALL
        .iter()
        .map(|r| {
            vec![
                t.get(&format!("initial-ring-{}", r.number())),
                names_in(&start_people, *r),
                names_in(&now_people, *r),
            ]
        })
        .collect();
    let yes_no = |b: bool| t.get(if b { "yes" } else { "no" });
    rows.push(vec![
        t.get("charts-circle-confidant"),
        yes_no(start_n.confidant_present),
        yes_no(now_n.confidant_present),
    ]);
    Some(ChartBlock {
        id: "circles-section-h".into(),
        heading: None,
        svg,
        summary,
        note: None,
        table: Some(Table {
            caption: t.get("charts-circles-table"),
            headers: vec![t.get("charts-col-ring"), start_caption, now_caption],
            rows,
        }),
    })
}

// ---- Mood diary ------------------------------------------------------------------------------

fn quality_key(q: i8) -> &'static str {
    match q.clamp(-2, 2) {
        -2 => "charts-quality-m2",
        -1 => "charts-quality-m1",
        0 => "charts-quality-0",
        1 => "charts-quality-p1",
        _ => "charts-quality-p2",
    }
}

/// The diary chart, only when the patient has written in the diary.
fn diary_block(t: &Tr, entries: &[DiaryEntry]) -> Option<ChartBlock> {
    let first = entries.iter().map(|e| e.date).min()?;
    let last = entries.iter().map(|e| e.date).max()?;
    let moods = entries.iter().map(|e| e.mood.get());
    let (lo, hi) = (moods.clone().min().unwrap_or(0), moods.max().unwrap_or(0));
    let summary = t.with(
        "charts-diary-desc",
        &[
            ("n", entries.len().to_string()),
            ("from", t.date(first)),
            ("to", t.date(last)),
            ("low", lo.to_string()),
            ("high", hi.to_string()),
        ],
    );
    let days: Vec<DiaryDay> = entries
        .iter()
        .map(|e| DiaryDay {
            date: e.date,
            mood: e.mood.get(),
            interactions: e
                .interactions
                .iter()
                .map(|i| (i.alias.clone(), i.quality.get()))
                .collect(),
        })
        .collect();
    let labels = DiaryLabels {
        id: "diary".into(),
        title: t.get("charts-diary-title"),
        description: summary.clone(),
        axis: t.get("charts-diary-axis"),
        contacts: t.get("charts-diary-contacts"),
        quality: [-2i8, -1, 0, 1, 2].map(|q| t.get(quality_key(q))),
        more: t.get("charts-diary-more"),
        empty: t.get("charts-diary-none"),
    };
    let mut sorted: Vec<&DiaryEntry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.date);
    let rows = sorted
        .iter()
        .map(|e| {
            let people: Vec<String> = e
                .interactions
                .iter()
                .map(|i| {
                    t.with(
                        "charts-diary-contact",
                        &[
                            ("name", i.alias.clone()),
                            ("how", t.get(quality_key(i.quality.get()))),
                        ],
                    )
                })
                .collect();
            vec![
                t.date(e.date),
                e.mood.get().to_string(),
                if people.is_empty() {
                    "—".into()
                } else {
                    people.join("; ")
                },
            ]
        })
        .collect();
    Some(ChartBlock {
        id: "diary-section-h".into(),
        heading: None,
        svg: diary_mood(&days, &labels),
        summary,
        note: None,
        table: Some(Table {
            caption: t.get("charts-diary-table"),
            headers: ["charts-col-date", "charts-col-mood", "charts-col-people"]
                .iter()
                .map(|k| t.get(k))
                .collect(),
            rows,
        }),
    })
}

/// Keys the page looks up from codes, for the catalogue test below.
#[cfg(test)]
fn looked_up_keys() -> Vec<String> {
    let mut keys: Vec<String> = vec![];
    for q in -2..=2 {
        keys.push(quality_key(q).to_string());
    }
    for m in 1..=12 {
        keys.push(format!("initial-month-{m}"));
    }
    for p in ipt_domain::protocol::Phase::ALL {
        keys.push(format!("phase-{}", p.code()));
    }
    for s in GoalStatus::ALL {
        keys.push(format!("sessions-goal-status-{}", s.code()));
    }
    for inst in Catalogue::builtin().instruments() {
        for set in inst.bands.iter().flat_map(|b| &b.sets) {
            for band in &set.bands {
                keys.push(format!("severity-{}", band.code));
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_label_looked_up_from_a_code_exists() {
        for lang in Lang::ALL {
            let t = Tr::new(lang);
            for k in looked_up_keys() {
                assert_ne!(t.get(&k), k, "{k} is missing in {}", lang.code());
            }
        }
    }

    #[test]
    fn changes_are_signed_in_the_reader_s_format() {
        let it = Tr::new(Lang::It);
        assert_eq!(signed(&it, 2.5), "+2,5");
        assert_eq!(signed(&it, -4.0), "−4");
        assert_eq!(signed(&it, 0.0), "0");
    }

    #[test]
    fn recommended_measures_come_first_and_ratings_last() {
        let a = |code: &str| Assessment {
            id: ipt_app::new_id(),
            patient: ipt_app::new_id(),
            course: None,
            session: None,
            instrument: code.into(),
            answers: vec![],
            status: AssessmentStatus::Final,
            mode: ipt_domain::assessment::AdministrationMode::Clinician,
            administered_at: time::OffsetDateTime::UNIX_EPOCH,
            phase: None,
            result: None,
            version: 1,
        };
        let list = [a("session_mood"), a("gad7"), a("phq9"), a("wsas")];
        let refs: Vec<&Assessment> = list.iter().collect();
        assert_eq!(
            instrument_order(&refs, &["phq9".into(), "epds".into()]),
            ["phq9", "gad7", "wsas", "session_mood"]
        );
    }
}
