use std::path::PathBuf;

use ipt_domain::inventory::ClosenessRing;
use ipt_domain::timeline::EpisodeSeverity;
use ipt_report::{
    ChartEpisode, ChartEvent, CircleLabels, CirclePerson, TimelineLabels, closeness_circle,
    timeline_chart,
};
use time::macros::date;

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

fn person(alias: &str, ring: ClosenessRing, flags: (bool, bool, bool)) -> CirclePerson {
    CirclePerson {
        alias: alias.into(),
        ring,
        confidant: flags.0,
        conflict: flags.1,
        deceased: flags.2,
    }
}

fn circle_labels() -> CircleLabels {
    CircleLabels {
        id: "circle".into(),
        title: "Closeness circle".into(),
        description: "6 people: 2 in the closest ring, 2 in the middle ring, 1 in the outer ring and 1 outside the circle.".into(),
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
fn closeness_circle_matches_its_snapshot() {
    let people = [
        person("Partner", ClosenessRing::Inner, (false, true, false)),
        person("Mother", ClosenessRing::Inner, (true, false, true)),
        person("Anna & Co", ClosenessRing::Middle, (true, false, false)),
        person("Brother", ClosenessRing::Middle, (false, false, false)),
        person(
            "Colleague with a very long name",
            ClosenessRing::Outer,
            (false, false, false),
        ),
        person("Former boss", ClosenessRing::Outside, (false, true, false)),
    ];
    let svg = closeness_circle(&people, &circle_labels());
    check("closeness_circle.svg", &svg);
    // The same input gives the same bytes.
    assert_eq!(svg, closeness_circle(&people, &circle_labels()));
}

#[test]
fn empty_closeness_circle_matches_its_snapshot() {
    check(
        "closeness_circle_empty.svg",
        &closeness_circle(&[], &circle_labels()),
    );
}

#[test]
fn timeline_chart_matches_its_snapshot() {
    let labels = TimelineLabels {
        id: "timeline".into(),
        title: "Mood episodes and life events".into(),
        description: "2 episodes and 3 events between 2019 and 2026.".into(),
        events: "Life events".into(),
        episodes: "Mood episodes".into(),
        severity: ["mild".into(), "moderate".into(), "severe".into()],
        current: "current".into(),
        ongoing: "ongoing".into(),
        today: "Today".into(),
        empty: "Nothing recorded yet.".into(),
    };
    let episodes = [
        ChartEpisode {
            onset: "2019-10".parse().unwrap(),
            end: Some("2020-04".parse().unwrap()),
            severity: EpisodeSeverity::Mild,
            current: false,
            label: "Mild episode, October 2019 – April 2020".into(),
        },
        ChartEpisode {
            onset: "2026-01".parse().unwrap(),
            end: None,
            severity: EpisodeSeverity::Moderate,
            current: true,
            label: "Moderate episode, January 2026 – ongoing".into(),
        },
    ];
    let events = [
        ChartEvent {
            date: "2025-11-14".parse().unwrap(),
            label: "14 Nov 2025 · Death · Mother".into(),
        },
        ChartEvent {
            date: "2019".parse().unwrap(),
            label: "2019 · Move · moved to Turin".into(),
        },
        ChartEvent {
            date: "2026-02".parse().unwrap(),
            label: "Feb 2026 · Conflict · Partner".into(),
        },
    ];
    let svg = timeline_chart(&episodes, &events, date!(2026 - 05 - 04), &labels);
    check("timeline_chart.svg", &svg);
}
