//! Snapshot tests of the measurement-based-care charts: the score trajectory, the item heat
//! map, goal progress, the mood diary and the closeness circles side by side. Each renders a
//! fixed example and must match `tests/snapshots/<name>.svg`; regenerate after an intended
//! change with `UPDATE_SNAPSHOTS=1 cargo test -p ipt-report` and review the diff.

use std::path::PathBuf;

use ipt_domain::course::GoalStatus;
use ipt_domain::inventory::ClosenessRing;
use ipt_report::{
    CircleLabels, CirclePerson, CircleSide, DiaryDay, DiaryLabels, GoalBar, GoalLabels, Heatmap,
    HeatmapLabels, HeatmapRow, PairLabels, closeness_pair, diary_mood, goal_progress, item_heatmap,
};
use ipt_report::{
    LifeEvent, PhaseMarker, ScorePoint, SessionMarker, SeverityBand, Trajectory, TrajectoryLabels,
    score_trajectory,
};
use time::macros::date;
use time::{Date, Duration};

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from its snapshot; if the change is intended, run with UPDATE_SNAPSHOTS=1 and review the diff"
    );
}

/// A well-formedness check without an XML parser: every element opened is closed, in order.
fn assert_balanced(svg: &str) {
    let mut stack: Vec<String> = vec![];
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("tag closes") + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "closing </{name}>");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap().to_string();
            stack.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn phq9_bands() -> Vec<SeverityBand> {
    [
        (0, 4, "0–4 minimal"),
        (5, 9, "5–9 mild"),
        (10, 14, "10–14 moderate"),
        (15, 19, "15–19 moderately severe"),
        (20, 27, "20–27 severe"),
    ]
    .into_iter()
    .map(|(lo, hi, label)| SeverityBand {
        lower: f64::from(lo) - 0.5,
        upper: f64::from(hi) + 0.5,
        label: label.into(),
    })
    .collect()
}

fn trajectory_labels(id: &str) -> TrajectoryLabels {
    TrajectoryLabels {
        id: id.into(),
        title: "PHQ-9 over the course".into(),
        description: "6 PHQ-9 totals from 12 Jan 2026 to 27 Apr 2026: first 19 (moderately severe), latest 7 (mild).".into(),
        axis: "PHQ-9 total".into(),
        baseline: "Baseline 19".into(),
        reliable_band: "Band: less than 6 points from the baseline, not a reliable change".into(),
        session_prefix: "S".into(),
        events: "Life events".into(),
        empty: "No PHQ-9 scores yet.".into(),
    }
}

fn weekly_course() -> Trajectory {
    let start = date!(2026 - 01 - 12);
    let week = |n: i64| start + Duration::weeks(n);
    let totals = [
        (0, 19.0, 1),
        (3, 17.0, 4),
        (6, 14.0, 7),
        (9, 11.0, 10),
        (12, 9.0, 13),
        (15, 7.0, 16),
    ];
    Trajectory {
        instrument: "PHQ-9".into(),
        y_min: 0.0,
        y_max: 27.0,
        bands: phq9_bands(),
        points: totals
            .iter()
            .map(|&(w, total, s)| ScorePoint {
                date: week(w),
                total,
                session: Some(s),
            })
            .collect(),
        baseline: Some(19.0),
        // PHQ-9: a change of 6 points is reliable, so whole totals within 5 are not.
        reliable_change: Some(5.5),
        sessions: (0..16)
            .map(|n| SessionMarker {
                date: week(n),
                number: n as u16 + 1,
            })
            .collect(),
        phases: vec![
            PhaseMarker {
                date: week(0),
                label: "Initial phase".into(),
            },
            PhaseMarker {
                date: week(3),
                label: "Middle phase".into(),
            },
            PhaseMarker {
                date: week(13),
                label: "Termination".into(),
            },
        ],
        events: vec![
            LifeEvent {
                date: date!(2026 - 02 - 20),
                label: "20 Feb 2026 · Conflict · argument with partner".into(),
            },
            LifeEvent {
                date: date!(2026 - 03 - 30),
                label: "March 2026 · Work · started a new job".into(),
            },
            LifeEvent {
                date: date!(2015 - 06 - 01),
                label: "Before the course: not drawn".into(),
            },
        ],
        labels: trajectory_labels("phq9"),
    }
}

#[test]
fn score_trajectory_matches_its_snapshot() {
    let chart = weekly_course();
    let svg = score_trajectory(&chart);
    assert_balanced(&svg);
    assert!(svg.contains("class=\"reliable-change\""));
    assert!(svg.contains("Middle phase") && svg.contains("S16"));
    assert!(!svg.contains("Before the course"));
    check("score_trajectory.svg", &svg);
    assert_eq!(svg, score_trajectory(&chart), "deterministic");
}

#[test]
fn score_trajectory_with_one_total_matches_its_snapshot() {
    let mut chart = weekly_course();
    chart.points.truncate(1);
    chart.sessions.truncate(1);
    chart.phases.truncate(1);
    chart.events.clear();
    chart.labels = TrajectoryLabels {
        description: "One PHQ-9 total, 19 (moderately severe), on 12 Jan 2026.".into(),
        ..trajectory_labels("phq9-one")
    };
    let svg = score_trajectory(&chart);
    assert_balanced(&svg);
    check("score_trajectory_one.svg", &svg);
}

#[test]
fn score_trajectory_without_totals_matches_its_snapshot() {
    let mut chart = weekly_course();
    chart.points.clear();
    let svg = score_trajectory(&chart);
    assert_balanced(&svg);
    assert!(svg.contains("No PHQ-9 scores yet."));
    check("score_trajectory_empty.svg", &svg);
}

/// Daily ratings over a few days, and monthly ones over a year, both lay out.
#[test]
fn score_trajectory_spans_days_to_a_year() {
    let mood = |dates: Vec<Date>| Trajectory {
        instrument: "Mood".into(),
        y_min: 0.0,
        y_max: 10.0,
        points: dates
            .into_iter()
            .enumerate()
            .map(|(i, date)| ScorePoint {
                date,
                total: (3 + i % 5) as f64,
                session: None,
            })
            .collect(),
        labels: trajectory_labels("mood"),
        ..Default::default()
    };
    let days = score_trajectory(&mood(
        (0..4)
            .map(|d| date!(2026 - 03 - 02) + Duration::days(d))
            .collect(),
    ));
    assert!(days.contains(">2026-03-0"), "day ticks on a short span");
    let year = score_trajectory(&mood(
        (0..13)
            .map(|m| date!(2025 - 04 - 15) + Duration::days(30 * m))
            .collect(),
    ));
    assert!(year.contains(">2025-07<") && !year.contains(">2025-07-01<"));
    assert_balanced(&days);
    assert_balanced(&year);
    // Many totals: every point drawn, and the first and last written beside it.
    let many = score_trajectory(&mood(
        (0..40)
            .map(|d| date!(2026 - 01 - 01) + Duration::days(d))
            .collect(),
    ));
    assert_eq!(many.matches("class=\"point\"").count(), 40);
    check("score_trajectory_daily.svg", &many);
}

#[test]
fn item_heatmap_matches_its_snapshot() {
    let answers: [[Option<u8>; 4]; 9] = [
        [Some(3), Some(2), Some(1), Some(1)],
        [Some(3), Some(3), Some(2), Some(1)],
        [Some(2), None, Some(2), Some(1)],
        [Some(3), Some(2), Some(2), Some(0)],
        [Some(1), Some(1), Some(0), Some(0)],
        [Some(2), Some(2), Some(1), Some(1)],
        [Some(2), Some(1), Some(1), Some(0)],
        [Some(1), Some(1), Some(0), Some(0)],
        [Some(1), Some(0), Some(0), Some(0)],
    ];
    let concepts = [
        "little interest or pleasure",
        "low mood, hopelessness",
        "sleep problems",
        "tiredness, low energy",
        "appetite change",
        "feeling bad about oneself",
        "trouble concentrating",
        "moving slowly or restless",
        "thoughts of self-harm",
    ];
    let h = Heatmap {
        columns: ["12 Jan 2026", "2 Feb 2026", "23 Feb 2026", "27 Apr 2026"]
            .map(String::from)
            .to_vec(),
        rows: concepts
            .iter()
            .zip(answers)
            .enumerate()
            .map(|(i, (c, v))| HeatmapRow {
                label: format!("{} · {c}", i + 1),
                max: 3,
                values: v.to_vec(),
            })
            .collect(),
        labels: HeatmapLabels {
            id: "phq9-items".into(),
            title: "PHQ-9 items over the course".into(),
            description: "9 items at 4 administrations; 1 item not answered.".into(),
            items: "Item".into(),
            score: "Item score".into(),
            missing: "not answered".into(),
            empty: "No answers yet.".into(),
        },
    };
    let svg = item_heatmap(&h);
    assert_balanced(&svg);
    assert_eq!(svg.matches("class=\"cell\"").count(), 36);
    check("item_heatmap.svg", &svg);
}

#[test]
fn goal_progress_matches_its_snapshot() {
    let goals = [
        GoalBar {
            label: "Talk with my partner about the move without shouting".into(),
            detail: "Role dispute · open".into(),
            progress: Some(6),
            status: GoalStatus::Open,
        },
        GoalBar {
            label: "Meet a friend once a week".into(),
            detail: "Role transition · achieved".into(),
            progress: Some(10),
            status: GoalStatus::Achieved,
        },
        GoalBar {
            label: "Join the choir".into(),
            detail: "Role transition · dropped".into(),
            progress: Some(2),
            status: GoalStatus::Dropped,
        },
        GoalBar {
            label: "Visit my mother's grave".into(),
            detail: "Grief · open".into(),
            progress: None,
            status: GoalStatus::Open,
        },
    ];
    let labels = GoalLabels {
        id: "goals".into(),
        title: "Goal progress".into(),
        description: "4 goals: 1 achieved, 1 dropped, 2 open; 3 rated.".into(),
        not_rated: "not rated yet".into(),
        empty: "No goals yet.".into(),
    };
    let svg = goal_progress(&goals, &labels);
    assert_balanced(&svg);
    check("goal_progress.svg", &svg);
}

#[test]
fn diary_mood_matches_its_snapshot() {
    let start = date!(2026 - 03 - 02);
    let people = ["Marco", "Mum", "Giulia", "Work team"];
    let days: Vec<DiaryDay> = (0..14)
        .filter(|d| d % 5 != 3)
        .map(|d: i64| DiaryDay {
            date: start + Duration::days(d),
            mood: [3, 4, 4, 2, 5, 6, 5, 7, 6, 6, 7, 8, 7, 7][d as usize],
            interactions: (0..(d % 4) as usize)
                .map(|k| {
                    (
                        people[k].to_string(),
                        [-2, 1, 2, 0, -1][(d as usize + k) % 5],
                    )
                })
                .collect(),
        })
        .collect();
    let labels = DiaryLabels {
        id: "diary".into(),
        title: "Mood diary".into(),
        description: "11 days from 2 Mar 2026 to 15 Mar 2026; mood from 2 to 8.".into(),
        axis: "Mood (0–10)".into(),
        contacts: "People seen".into(),
        quality: [
            "went very badly".into(),
            "went badly".into(),
            "neither well nor badly".into(),
            "went well".into(),
            "went very well".into(),
        ],
        more: "more".into(),
        empty: "No diary days yet.".into(),
    };
    let svg = diary_mood(&days, &labels);
    assert_balanced(&svg);
    check("diary_mood.svg", &svg);
}

fn circle_labels(id: &str, title: &str) -> CircleLabels {
    CircleLabels {
        id: id.into(),
        title: title.into(),
        description: format!("{title}: the people in each ring."),
        centre: "Patient".into(),
        rings: ["Closest".into(), "Close".into(), "Less close".into()],
        outside: "Outside the circle".into(),
        confidant: "confidant".into(),
        conflict: "conflict".into(),
        deceased: "deceased".into(),
        empty: "Nobody is placed yet.".into(),
    }
}

#[test]
fn closeness_pair_matches_its_snapshot() {
    let person = |alias: &str, ring, confidant| CirclePerson {
        alias: alias.into(),
        ring,
        confidant,
        conflict: false,
        deceased: false,
    };
    let start = [
        person("Partner", ClosenessRing::Middle, false),
        person("Mother", ClosenessRing::Outer, false),
        person("Colleague", ClosenessRing::Outside, false),
    ];
    let now = [
        person("Partner", ClosenessRing::Inner, true),
        person("Mother", ClosenessRing::Middle, false),
        person("Colleague", ClosenessRing::Outer, false),
        person("Choir friend", ClosenessRing::Middle, false),
    ];
    let (a, b) = (
        circle_labels("circle-start", "At the start"),
        circle_labels("circle-now", "Now"),
    );
    let svg = closeness_pair(
        CircleSide {
            caption: "At the start (3 Feb 2026)",
            people: &start,
            labels: &a,
        },
        CircleSide {
            caption: "Now",
            people: &now,
            labels: &b,
        },
        &PairLabels {
            id: "circles".into(),
            title: "Closeness circle at the start and now".into(),
            description:
                "In the circle: 2 at the start, 4 now. Closest ring: 0 at the start, 1 now.".into(),
        },
    );
    assert_balanced(&svg);
    check("closeness_pair.svg", &svg);
}
