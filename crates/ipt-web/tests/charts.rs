//! The progress page of a course through the real router: the score trajectory drawn on its
//! severity bands with the reliable-change band, the item heat map, goals and the diary, each
//! with its table view; the same 404 as for a missing course for another clinician; the page in
//! Italian; the reads audited.

use axum::http::StatusCode;
use ipt_app::ports::{AuditEvent, AuditFilter};
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::{Course, Goal, GoalStatus};
use ipt_domain::diary::{DiaryEntry, DiaryMood, Interaction, InteractionQuality};
use ipt_domain::ids::SessionId;
use ipt_domain::problem_area::AreaKind;
use ipt_domain::protocol::Modality;
use ipt_domain::protocol::{Format, Phase};
use ipt_domain::session::{Attendance, RiskReview, SessionNumber, SessionPhase, TherapySession};
use ipt_domain::timeline::{EventKind, TimelineEvent};

use crate::support::*;

const SYSTEM: Actor = Actor::System;

async fn phq9(
    t: &TestApp,
    c: &Course,
    answers: [Option<u8>; 9],
    days_ago: i64,
    session: Option<SessionId>,
) {
    let result = ipt_app::measures::summarise("phq9", &answers).unwrap();
    assert!(result.valid);
    t.app
        .record_assessment(
            &SYSTEM,
            Assessment {
                id: ipt_app::new_id(),
                patient: c.patient,
                course: Some(c.id),
                session,
                instrument: "phq9".into(),
                answers: answers.to_vec(),
                status: AssessmentStatus::Final,
                mode: AdministrationMode::Clinician,
                administered_at: t.app.now() - time::Duration::days(days_ago),
                phase: Some(Phase::Initial),
                result: Some(result),
                version: 0,
            },
        )
        .await
        .unwrap();
}

/// A course with two sessions, three PHQ-9 scores (one with an unanswered item, the first
/// given at session 1), a life event between them and a rated goal.
async fn course_with_scores(t: &TestApp, clinician: &ipt_app::ports::UserRecord) -> Course {
    let p = t.patient(clinician, "Lucia Ferri").await;
    let c = t.started_course(&p, Format::Individual, 60).await;
    let today = t.app.today();
    // Session 1 in the initial phase, session 4 opening the middle phase.
    let mut held = vec![];
    for (number, days_ago, phase) in [(1, 42, Phase::Initial), (4, 21, Phase::Middle)] {
        let session = TherapySession {
            id: ipt_app::new_id(),
            course: c.id,
            number: SessionNumber::new(number).unwrap(),
            date: today - time::Duration::days(days_ago),
            phase: SessionPhase::overridden(phase, "set for the test").unwrap(),
            modality: Modality::InPerson,
            attendance: Attendance::Attended,
            special: None,
            techniques: vec![],
            strategies: vec![],
            tasks_done: vec![],
            checklist: vec![],
            interval_events: String::new(),
            agreed_actions: String::new(),
            risk_review: RiskReview::default(),
            notes: String::new(),
            next_date: None,
            version: 0,
        };
        held.push(t.app.record_session(&SYSTEM, session).await.unwrap().id);
    }
    let s = Some;
    phq9(
        t,
        &c,
        [s(3), s(3), s(2), s(2), s(2), s(2), s(2), s(1), s(0)],
        42,
        Some(held[0]),
    )
    .await;
    phq9(
        t,
        &c,
        [s(2), s(2), None, s(2), s(1), s(2), s(1), s(1), s(0)],
        21,
        None,
    )
    .await;
    phq9(
        t,
        &c,
        [s(1), s(1), s(1), s(1), s(0), s(1), s(0), s(0), s(0)],
        1,
        None,
    )
    .await;
    t.app
        .add_event(
            &SYSTEM,
            c.id,
            TimelineEvent {
                id: ipt_app::new_id(),
                date: ipt_domain::approx_date::ApproxDate::Day(today - time::Duration::days(30)),
                kind: EventKind::Move,
                person: None,
                description: "moved in with her sister".into(),
                version: 0,
            },
        )
        .await
        .unwrap();
    t.app
        .add_goal(
            &SYSTEM,
            c.id,
            Goal {
                id: ipt_app::new_id(),
                area: AreaKind::RoleTransition,
                description: "Join the neighbourhood choir".into(),
                progress: Some(6),
                status: GoalStatus::Open,
                version: 0,
            },
        )
        .await
        .unwrap();
    c
}

#[tokio::test]
async fn the_progress_page_draws_the_trajectory_with_its_bands_and_tables() {
    for t in TestApp::all().await {
        let carla = t.user("carla", Role::Clinician).await;
        let c = course_with_scores(&t, &carla).await;
        let s = t.sign_in("carla").await;
        let path = format!("/courses/{}/progress", c.id);

        let r = t.get(&path, Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let body = &r.body;
        // The trajectory: an SVG with its title and description, the PHQ-9 severity bands by
        // name and range, the reliable-change band (PHQ-9: 6 points) and the three totals.
        assert!(body.contains("class=\"chart score-trajectory\""));
        assert!(body.contains("<title id=\"trajectory-phq9-title\">PHQ-9 over the course</title>"));
        for band in ["0–4 minimal", "5–9 mild", "10–14 moderate", "20–27 severe"] {
            assert!(body.contains(band), "band {band}");
        }
        assert!(body.contains("class=\"reliable-change\""));
        // Sessions held and the phases they opened are marked on the time axis.
        assert!(body.contains("<g class=\"session\"><title>S1 ·"));
        assert!(body.contains("<g class=\"session\"><title>S4 ·"));
        assert!(body.contains("<g class=\"phase\"><title>Initial phase ·"));
        assert!(body.contains("<g class=\"phase\"><title>Middle phase ·"));
        // The first total was given at session 1.
        assert!(body.contains("<g class=\"point\"><title>S1 ·"));
        assert!(body.contains("less than 6 points from the baseline"));
        assert_eq!(
            body.matches("<g class=\"point\">").count(),
            3,
            "one point per total"
        );
        // The text alternative, in the drawing and under it.
        let text = r.text();
        assert!(text.contains("3 PHQ-9 totals from"), "{text}");
        assert!(text.contains("the first 17 (moderately severe), the latest 5 (mild)"));
        assert!(text.contains("From the first to the latest: reliable improvement."));
        // The life event is annotated, the goal and the heat map are drawn.
        assert!(text.contains("Move · moved in with her sister"));
        assert!(body.contains("class=\"chart item-heatmap\""));
        assert!(
            body.contains("class=\"missing\""),
            "the unanswered item is marked"
        );
        assert!(body.contains("class=\"chart goal-progress\""));
        assert!(text.contains("Join the neighbourhood choir"));
        // Each chart has its table view.
        assert!(body.matches("<details class=\"chart-table\">").count() >= 3);
        assert!(text.contains("Show the numbers as a table"));
        assert!(text.contains(
            "Date Session Phase Total Severity band Change from baseline Reliable change"
        ));
        assert!(text.contains("baseline"));
        assert!(text.contains("−12"), "the change from baseline, signed");
        // No start snapshot yet, and no diary: the circles say why, the diary is left out.
        assert!(text.contains("nothing to compare with yet"));
        assert!(!body.contains("diary-mood"));
        // The page is listed among the course's sections.
        let course = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert!(course.body.contains(&format!("href=\"{path}\"")));

        // Reading the charts is audited, diary included.
        let audit: Vec<AuditEvent> =
            t.db.store
                .audit_events(&AuditFilter {
                    actor: Some(carla.id),
                    limit: 1000,
                    ..Default::default()
                })
                .await
                .unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "diary.read" && e.actor == Some(carla.id))
        );
        assert!(
            audit
                .iter()
                .any(|e| e.action == "assessment.read" && e.actor == Some(carla.id))
        );
    }
}

#[tokio::test]
async fn another_clinician_or_an_administrator_gets_not_found() {
    for t in TestApp::all().await {
        let carla = t.user("carla", Role::Clinician).await;
        t.user("otto", Role::Clinician).await;
        let sara = t.user("sara", Role::Supervisor).await;
        t.user("root", Role::Admin).await;
        t.supervise(&carla, &sara).await;
        let c = course_with_scores(&t, &carla).await;
        // Carla's supervisor reads the charts; an administrator does not see clinical records.
        let sup = t.sign_in("sara").await;
        let r = t
            .get(&format!("/courses/{}/progress", c.id), Some(&sup))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("score-trajectory"));
        let admin = t.sign_in("root").await;
        let r = t
            .get(&format!("/courses/{}/progress", c.id), Some(&admin))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let s = t.sign_in("otto").await;
        let r = t
            .get(&format!("/courses/{}/progress", c.id), Some(&s))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.body.contains("Lucia") && !r.body.contains("score-trajectory"));
        // The same answer as for a course that does not exist, or a malformed id.
        let missing = t
            .get(
                &format!("/courses/{}/progress", uuid::Uuid::now_v7()),
                Some(&s),
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let bad = t.get("/courses/not-an-id/progress", Some(&s)).await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);
        // Signed out: sent to sign in.
        let out = t.get(&format!("/courses/{}/progress", c.id), None).await;
        assert_ne!(out.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_page_speaks_italian() {
    for t in TestApp::all().await {
        let carla = t.user("carla", Role::Clinician).await;
        let c = course_with_scores(&t, &carla).await;
        let s = t.sign_in("carla").await;
        let r = t
            .get(
                &format!("/courses/{}/progress", c.id),
                Some(&format!("{s}; ipt_lang=it")),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let text = r.text();
        for words in [
            "Grafici dei progressi",
            "Punteggi durante il percorso",
            "PHQ-9 durante il percorso",
            "Mostra i numeri in una tabella",
            "0–4 minima",
            "Variazione dal valore iniziale",
            "miglioramento affidabile",
            "Progressi sugli obiettivi",
            "Cerchio delle relazioni all'inizio e ora",
        ] {
            assert!(text.contains(words), "{words} in: {text}");
        }
        for english in ["Progress charts", "Show the numbers", "over the course"] {
            assert!(!text.contains(english), "{english} left in English");
        }
    }
}

#[tokio::test]
async fn the_diary_is_charted_when_the_patient_keeps_one() {
    for t in TestApp::all().await {
        let carla = t.user("carla", Role::Clinician).await;
        let c = course_with_scores(&t, &carla).await;
        let today = t.app.today();
        for (days_ago, mood, quality) in [(3, 4, -2), (2, 6, 1), (1, 7, 2)] {
            let entry = DiaryEntry {
                id: ipt_app::new_id(),
                course: c.id,
                patient: c.patient,
                date: today - time::Duration::days(days_ago),
                mood: DiaryMood::new(mood).unwrap(),
                interactions: vec![Interaction {
                    person: None,
                    alias: "Sister".into(),
                    quality: InteractionQuality::new(quality).unwrap(),
                    self_expression: None,
                }],
                note: String::new(),
                recorded_at: t.app.now(),
                version: 1,
            };
            let audit = t.app.audit(
                &SYSTEM,
                "diary.create",
                "diary_entry",
                entry.id.as_uuid(),
                Some(c.patient),
            );
            t.db.store.add_diary_entry(&entry, &audit).await.unwrap();
        }
        let s = t.sign_in("carla").await;
        let r = t
            .get(&format!("/courses/{}/progress", c.id), Some(&s))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("class=\"chart diary-mood\""));
        let text = r.text();
        assert!(text.contains("Diary days: 3"), "{text}");
        assert!(text.contains("Sister: went very badly"));
        assert!(text.contains("Sister: went very well"));
    }
}

#[tokio::test]
async fn the_course_overview_shows_the_main_measure_at_a_glance() {
    let t = TestApp::sqlite().await;
    let carla = t.user("carla", Role::Clinician).await;
    let c = course_with_scores(&t, &carla).await;
    let s = t.sign_in("carla").await;
    let r = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("class=\"chart score-trajectory\""),
        "{}",
        r.text()
    );
    assert!(r.text().contains("Progress at a glance"));
    assert!(
        r.body
            .contains(&format!("href=\"/courses/{}/progress\"", c.id))
    );
    // A course with no scores yet shows no empty chart.
    let p = t.patient(&carla, "No Scores Yet").await;
    let empty = t.course(&p, Format::Individual).await;
    let r = t.get(&format!("/courses/{}", empty.id), Some(&s)).await;
    assert!(!r.body.contains("score-trajectory"));
}

/// A score of a questionnaire with no risk item is never read as "no risk": the progress page
/// and the overview's chart say it asks nothing about suicide or self-harm (#14, finding 2);
/// the PHQ-9, which asks, and the session mood rating, which is no questionnaire, do not.
#[tokio::test]
async fn a_gds15_score_says_suicide_was_not_asked_on_the_progress_page() {
    for t in TestApp::all().await {
        let carla = t.user("carla", Role::Clinician).await;
        let p = t.patient(&carla, "Rosa Anziani").await;
        let c = t.started_course(&p, Format::OlderAdult, 30).await;
        for (code, answers, days_ago) in [
            ("gds15", vec![Some(0); 15], 20),
            ("gds15", vec![Some(1); 15], 10),
            ("phq9", vec![Some(1); 9], 10),
            ("session_mood", vec![Some(6)], 5),
        ] {
            t.record_final(&c, code, answers, days_ago, Phase::Initial)
                .await;
        }
        let s = t.sign_in("carla").await;
        let note =
            "This questionnaire has no item on suicide or self-harm: ask about them separately.";
        let r = t
            .get(&format!("/courses/{}/progress", c.id), Some(&s))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let text = r.text();
        assert_eq!(text.matches(note).count(), 1, "GDS-15 only: {text}");
        let gds = text.find("GDS-15").expect("the GDS-15 is charted");
        let at = text.find(note).unwrap();
        assert!(at > gds, "the note is with the GDS-15: {text}");
        // The overview's chart is the older-adult format's main measure, the GDS-15.
        let r = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert!(r.text().contains(note), "{}", r.text());
        // In Italian too.
        let it = t
            .get(
                &format!("/courses/{}/progress", c.id),
                Some(&format!("{s}; ipt_lang=it")),
            )
            .await
            .text();
        assert!(
            it.contains("non ha item su suicidio o autolesionismo"),
            "{it}"
        );
        // The measures page words the session rating with no claim either way.
        let m = t
            .get(&format!("/courses/{}/measures", c.id), Some(&s))
            .await;
        assert_eq!(
            m.text().matches("no item on suicide or self-harm").count(),
            2,
            "the two GDS-15 rows, not the mood rating: {}",
            m.text()
        );
    }
}
