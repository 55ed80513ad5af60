//! What the ending and the summary review: each instrument's baseline against its latest total
//! with the change metrics in words, the non-response path, goals, and the closeness circle at
//! the start against now.
//!
//! Scores are shown as scores: the words say what a number did (fell by half, crossed a
//! cut-off), never that someone is well or recovered (reference §1.1, termination tasks).

use ipt_app::usecases::sessions::SESSION_MOOD;
use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::course::Goal;
use ipt_domain::inventory::{
    ClosenessRing, InventoryPerson, InventorySnapshot, NetworkIndices, SnapshotKind,
};
use ipt_domain::measures::{Catalogue, Change};
use ipt_domain::protocol::Protocol;
use ipt_report::{CircleLabels, CirclePerson, closeness_circle};

use crate::i18n::Tr;

/// One instrument's change over the course.
pub struct ScoreRow {
    pub instrument: String,
    pub baseline: String,
    pub latest: String,
    pub count: String,
    /// The change metrics, each as a sentence.
    pub change: Vec<String>,
    /// For a questionnaire that asks nothing about suicide or self-harm: ask separately.
    pub risk_note: Option<String>,
}

/// The score review, and whether the main measure shows the treatment has not helped enough.
pub struct ScoreReview {
    pub rows: Vec<ScoreRow>,
    /// The plain statement of non-response, when the main measure shows it.
    pub non_response: Option<String>,
}

/// Instruments that are single ratings of our own: shown as a trend, never as the main measure.
const RATINGS: [&str; 2] = [SESSION_MOOD, "goal_progress"];

fn total_of(a: &Assessment) -> Option<f64> {
    a.result.as_ref().filter(|r| r.valid).and_then(|r| r.total)
}

fn severity_of(t: &Tr, a: &Assessment) -> Option<String> {
    a.result
        .as_ref()
        .and_then(|r| r.severity.as_deref())
        .map(|c| t.get(&format!("severity-{c}")))
}

fn point(t: &Tr, a: &Assessment) -> String {
    let total = total_of(a).map(|x| t.number(x)).unwrap_or_default();
    let date = t.date(a.administered_at.date());
    match severity_of(t, a) {
        Some(s) => t.with(
            "sessions-score-point-severity",
            &[("total", total), ("severity", s), ("date", date)],
        ),
        None => t.with("sessions-score-point", &[("total", total), ("date", date)]),
    }
}

/// The change metrics an instrument defines, in words.
pub(crate) fn change_words(t: &Tr, c: &Change) -> Vec<String> {
    let mut v = vec![];
    match c.response {
        Some(true) => v.push(t.get("sessions-change-response-yes")),
        Some(false) => v.push(t.get("sessions-change-response-no")),
        None => {}
    }
    match c.remission {
        Some(true) => v.push(t.get("sessions-change-remission-yes")),
        Some(false) => v.push(t.get("sessions-change-remission-no")),
        None => {}
    }
    match (c.reliable_improvement, c.reliable_deterioration) {
        (Some(true), _) => v.push(t.get("sessions-change-reliable-improvement")),
        (_, Some(true)) => v.push(t.get("sessions-change-reliable-deterioration")),
        (Some(false), _) | (_, Some(false)) => v.push(t.get("sessions-change-no-reliable")),
        (None, None) => {}
    }
    if c.clinically_significant_improvement == Some(true) {
        v.push(t.get("sessions-change-below-caseness"));
    }
    v
}

/// Review every instrument given in the course, the format's recommended ones first.
pub fn score_review(t: &Tr, protocol: &Protocol, assessments: &[Assessment]) -> ScoreReview {
    let mut finals: Vec<&Assessment> = assessments
        .iter()
        .filter(|a| a.status == AssessmentStatus::Final && total_of(a).is_some())
        .collect();
    finals.sort_by_key(|a| (a.administered_at, a.id));
    let mut codes: Vec<String> = protocol
        .recommended_instruments
        .iter()
        .filter(|c| finals.iter().any(|a| &a.instrument == *c))
        .cloned()
        .collect();
    for a in &finals {
        if !codes.contains(&a.instrument) && !RATINGS.contains(&a.instrument.as_str()) {
            codes.push(a.instrument.clone());
        }
    }
    for r in RATINGS {
        if !codes.iter().any(|c| c == r) && finals.iter().any(|a| a.instrument == r) {
            codes.push(r.to_string());
        }
    }
    let mut rows = vec![];
    let mut non_response = None;
    let mut main_judged = false;
    for code in codes {
        let list: Vec<&&Assessment> = finals.iter().filter(|a| a.instrument == code).collect();
        let (Some(first), Some(last)) = (list.first(), list.last()) else {
            continue;
        };
        let instrument = Catalogue::builtin().get(&code);
        let name = instrument
            .map(|i| i.short_name.clone())
            .unwrap_or_else(|| code.to_uppercase());
        let mut change = vec![];
        if list.len() < 2 {
            change.push(t.get("sessions-change-one-score"));
        } else if let Some(i) = instrument {
            let (b, l) = (
                total_of(first).unwrap_or(0.0),
                total_of(last).unwrap_or(0.0),
            );
            if let Ok(c) = ipt_app::measures::change_of_totals(i, b, l) {
                change = change_words(t, &c);
                // The main measure is the first one that defines response.
                if !main_judged && c.response.is_some() {
                    main_judged = true;
                    let worse = c.reliable_deterioration == Some(true);
                    if c.response == Some(false) || worse {
                        non_response = Some(t.with(
                            "sessions-non-response-statement",
                            &[
                                ("instrument", name.clone()),
                                ("baseline", t.number(b)),
                                ("latest", t.number(l)),
                            ],
                        ));
                    }
                }
            }
            if change.is_empty() {
                change.push(t.get("sessions-change-trend-only"));
            }
        }
        rows.push(ScoreRow {
            instrument: name,
            baseline: point(t, first),
            latest: if list.len() < 2 {
                "—".into()
            } else {
                point(t, last)
            },
            count: t.count("sessions-score-count", list.len() as i64),
            change,
            risk_note: instrument
                .filter(|i| ipt_app::measures::asks_no_risk_item(i))
                .map(|_| t.get("score-risk-not-asked")),
        });
    }
    ScoreReview { rows, non_response }
}

/// A goal as the ending and the summary list it.
pub struct GoalLine {
    pub area: String,
    pub description: String,
    pub progress: String,
    pub status: String,
}

pub fn goal_lines(t: &Tr, goals: &[Goal]) -> Vec<GoalLine> {
    goals
        .iter()
        .map(|g| GoalLine {
            area: t.get(&format!("area-{}", g.area.code())),
            description: g.description.clone(),
            progress: g
                .progress
                .map(|p| t.with("sessions-goal-progress-of-ten", &[("n", p.to_string())]))
                .unwrap_or_else(|| t.get("not-set")),
            status: t.get(&format!("sessions-goal-status-{}", g.status.code())),
        })
        .collect()
}

/// One ring of the closeness circle, at the start and now.
pub struct RingRow {
    pub ring: String,
    pub start: String,
    pub now: String,
}

/// The closeness circle at the start of the middle phase against now (or the end snapshot).
pub struct CircleReview {
    pub start_on: Option<String>,
    pub now_label: String,
    pub rows: Vec<RingRow>,
    /// (what, at start, now)
    pub indices: Vec<(String, String, String)>,
    /// The two circles drawn side by side: (caption, SVG). Empty without a start snapshot.
    pub drawings: Vec<(String, String)>,
    /// Said under the circles when a snapshot lacks death or conflict, or had them filled in.
    pub note: Option<String>,
}

/// One circle as an SVG drawing, with translated labels.
fn drawing(
    t: &Tr,
    id: &str,
    title: String,
    people: Vec<CirclePerson>,
    n: &NetworkIndices,
) -> String {
    let labels = CircleLabels {
        id: id.to_string(),
        description: t.with(
            "sessions-circle-svg-desc",
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
    };
    closeness_circle(&people, &labels)
}

/// What a snapshot kept of each person, drawn as the live circle draws them.
fn snapshot_people(s: &InventorySnapshot) -> Vec<CirclePerson> {
    s.people.iter().map(CirclePerson::of_snapshot).collect()
}

fn ring_label(t: &Tr, r: ClosenessRing) -> String {
    t.get(&format!("initial-ring-{}", r.number()))
}

fn names(list: Vec<String>) -> String {
    if list.is_empty() {
        "—".into()
    } else {
        list.join(", ")
    }
}

pub fn circle_review(
    t: &Tr,
    snapshots: &[InventorySnapshot],
    inventory: &[InventoryPerson],
) -> CircleReview {
    let start = snapshots.iter().find(|s| s.kind == SnapshotKind::Start);
    let end = snapshots.iter().rev().find(|s| s.kind == SnapshotKind::End);
    let named = |alias: &str, deceased: bool| {
        if deceased {
            t.with("sessions-circle-deceased", &[("name", alias.to_string())])
        } else {
            alias.to_string()
        }
    };
    let in_snapshot = |s: &InventorySnapshot, ring: ClosenessRing| {
        s.people
            .iter()
            .filter(|p| p.ring == ring)
            .map(|p| named(&p.alias, p.is_deceased()))
            .collect::<Vec<_>>()
    };
    let (now_label, now_indices) = match end {
        Some(e) => (
            t.with("sessions-circle-end", &[("date", t.date(e.taken_on))]),
            NetworkIndices::of_snapshot(e),
        ),
        None => (
            t.get("sessions-circle-now"),
            NetworkIndices::of_people(inventory),
        ),
    };
    let rows = ClosenessRing::ALL
        .iter()
        .map(|ring| RingRow {
            ring: ring_label(t, *ring),
            start: start
                .map(|s| names(in_snapshot(s, *ring)))
                .unwrap_or_else(|| "—".into()),
            now: names(match end {
                Some(e) => in_snapshot(e, *ring),
                None => inventory
                    .iter()
                    .filter(|p| p.ring == *ring)
                    .map(|p| named(p.alias.as_str(), p.deceased))
                    .collect(),
            }),
        })
        .collect();
    let start_indices = start.map(NetworkIndices::of_snapshot);
    let yes_no = |b: bool| t.get(if b { "yes" } else { "no" });
    let pick = |f: &dyn Fn(&NetworkIndices) -> String| {
        (
            start_indices.as_ref().map(f).unwrap_or_else(|| "—".into()),
            f(&now_indices),
        )
    };
    let mut indices = vec![];
    for (key, f) in [
        (
            "sessions-circle-in-circle",
            &(|n: &NetworkIndices| n.in_circle.to_string()) as &dyn Fn(&NetworkIndices) -> String,
        ),
        ("sessions-circle-inner", &|n: &NetworkIndices| {
            n.inner_ring.to_string()
        }),
        ("sessions-circle-confidant", &|n: &NetworkIndices| {
            yes_no(n.confidant_present)
        }),
    ] {
        let (a, b) = pick(f);
        indices.push((t.get(key), a, b));
    }
    let drawings = match (start, &start_indices) {
        (Some(s), Some(si)) => {
            let now_people = match end {
                Some(e) => snapshot_people(e),
                None => inventory.iter().map(CirclePerson::of_person).collect(),
            };
            let start_caption = t.with("sessions-circle-start-on", &[("date", t.date(s.taken_on))]);
            vec![
                (
                    start_caption.clone(),
                    drawing(t, "circle-start", start_caption, snapshot_people(s), si),
                ),
                (
                    now_label.clone(),
                    drawing(t, "circle-now", now_label.clone(), now_people, &now_indices),
                ),
            ]
        }
        _ => vec![],
    };
    let kept: Vec<&InventorySnapshot> = start.into_iter().chain(end).collect();
    CircleReview {
        note: crate::charts::snapshot_note(t, &kept),
        start_on: start.map(|s| t.date(s.taken_on)),
        now_label,
        rows,
        indices,
        drawings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use ipt_domain::assessment::AdministrationMode;
    use ipt_domain::ids::{AssessmentId, PatientId};
    use ipt_domain::protocol::{Format, ProtocolCatalogue};

    fn scored(code: &str, answers: Vec<Option<u8>>, days_ago: i64) -> Assessment {
        Assessment {
            id: ipt_app::new_id::<AssessmentId>(),
            patient: ipt_app::new_id::<PatientId>(),
            course: None,
            session: None,
            instrument: code.into(),
            result: Some(ipt_app::measures::summarise(code, &answers).unwrap()),
            answers,
            status: AssessmentStatus::Final,
            mode: AdministrationMode::Clinician,
            administered_at: time::OffsetDateTime::now_utc() - time::Duration::days(days_ago),
            phase: None,
            version: 0,
        }
    }

    /// The ending's score review says, beside a GDS-15, that it asks nothing about suicide or
    /// self-harm; not beside the PHQ-9 (it asks) or the session mood rating (no questionnaire).
    #[test]
    fn a_score_without_a_risk_item_says_to_ask_about_suicide_separately() {
        let t = Tr::new(Lang::En);
        let catalogue = ProtocolCatalogue::default();
        let review = score_review(
            &t,
            catalogue.get(Format::OlderAdult),
            &[
                scored("gds15", vec![Some(1); 15], 60),
                scored("gds15", vec![Some(0); 15], 1),
                scored("phq9", vec![Some(1); 9], 60),
                scored(SESSION_MOOD, vec![Some(5)], 1),
            ],
        );
        let notes: Vec<(&str, bool)> = review
            .rows
            .iter()
            .map(|r| (r.instrument.as_str(), r.risk_note.is_some()))
            .collect();
        assert_eq!(
            notes,
            [("GDS-15", true), ("PHQ-9", false), ("Mood 0-10", false)]
        );
        assert_eq!(
            review.rows[0].risk_note.as_deref(),
            Some(
                "This questionnaire has no item on suicide or self-harm: ask about them separately."
            )
        );
    }
}
