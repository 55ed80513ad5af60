//! The session, goal, ending and summary pages of a course, through the real router.

use axum::http::StatusCode;
use ipt_app::ports::{AlertFilter, UserRecord};
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::{Course, CourseStatus, DepressionSeverity, Diagnosis, Formulation};
use ipt_domain::inventory::{
    Alias, ClosenessRing, ConflictLevel, InventoryNotes, InventoryPerson, Reciprocity,
    RelationshipKind,
};
use ipt_domain::patient::Patient;
use ipt_domain::problem_area::{DisputeStage, FocusAreas, ProblemArea};
use ipt_domain::protocol::{Format, Frequency, Phase};
use ipt_domain::session::Technique;

use crate::support::*;

const SYSTEM: Actor = Actor::System;

fn iso(d: time::Date) -> String {
    d.to_string()
}

/// A course moved into the middle phase the way a clinician would get it there: diagnosis,
/// one person in the inventory, an event on the timeline, a baseline PHQ-9 (`BASELINE`), focus areas, an
/// accepted formulation and a contract.
pub(crate) async fn middle_course(
    t: &TestApp,
    patient: &Patient,
    format: Format,
    sessions: u16,
) -> Course {
    let c = ready_but_baseline(t, patient, format, sessions).await;
    phq9(t, &c, BASELINE, Phase::Initial).await;
    t.app
        .transition(
            &SYSTEM,
            c.id,
            c.version,
            CourseStatus::Active(Phase::Middle),
        )
        .await
        .unwrap()
}

/// A course in its initial phase with everything the middle phase needs but a baseline score:
/// diagnosis, a person in the inventory, a timeline event, focus, accepted formulation, contract.
pub(crate) async fn ready_but_baseline(
    t: &TestApp,
    patient: &Patient,
    format: Format,
    sessions: u16,
) -> Course {
    let app = &t.app;
    let today = app.today();
    let c = t.course(patient, format).await;
    let c = app
        .transition(
            &SYSTEM,
            c.id,
            c.version,
            CourseStatus::Active(Phase::Initial),
        )
        .await
        .unwrap();
    let c = app
        .record_diagnosis(
            &SYSTEM,
            c.id,
            c.version,
            Diagnosis::new(
                "Major depressive episode",
                DepressionSeverity::Moderate,
                today,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    app.add_person(
        &SYSTEM,
        c.id,
        InventoryPerson {
            id: ipt_app::new_id(),
            alias: Alias::parse("Marta").unwrap(),
            relationship: RelationshipKind::Sibling,
            ring: ClosenessRing::Outer,
            contact_frequency: String::new(),
            confidant: false,
            practical_support: false,
            conflict: ConflictLevel::Open,
            reciprocity: Reciprocity::NotMet,
            deceased: false,
            area_tags: vec![],
            self_expression: None,
            notes: InventoryNotes::default(),
            version: 0,
        },
    )
    .await
    .unwrap();
    let c = app
        .choose_focus(
            &SYSTEM,
            c.id,
            c.version,
            FocusAreas::new(vec![
                ProblemArea::Grief,
                ProblemArea::RoleDispute(DisputeStage::Renegotiation),
            ])
            .unwrap(),
        )
        .await
        .unwrap();
    let c = app
        .set_formulation(
            &SYSTEM,
            c.id,
            c.version,
            Formulation::new("Low mood since the loss and the quarrel.", Some(today)).unwrap(),
        )
        .await
        .unwrap();
    let c = app
        .agree_contract(
            &SYSTEM,
            c.id,
            c.version,
            ipt_app::ContractTerms {
                sessions,
                frequency: Frequency::Weekly,
                end_date: today + time::Duration::days(120),
                agreed_on: today,
            },
        )
        .await
        .unwrap();
    t.timeline_event(&c).await;
    c
}

/// The baseline PHQ-9 of `middle_course`: 18, item 9 at 0.
pub(crate) const BASELINE: [u8; 9] = [3, 3, 3, 3, 3, 3, 0, 0, 0];

async fn to_termination(t: &TestApp, c: &Course) -> Course {
    let c = t.app.course(&SYSTEM, c.id).await.unwrap();
    t.middle_sessions(&c).await;
    t.app
        .transition(
            &SYSTEM,
            c.id,
            c.version,
            CourseStatus::Active(Phase::Termination),
        )
        .await
        .unwrap()
}

/// A final PHQ-9 with item 9 at 0 (no risk alert), given in `phase`.
pub(crate) async fn phq9(t: &TestApp, c: &Course, answers: [u8; 9], phase: Phase) {
    let answers: Vec<Option<u8>> = answers.into_iter().map(Some).collect();
    let result = ipt_app::measures::summarise("phq9", &answers).unwrap();
    t.app
        .record_assessment(
            &SYSTEM,
            Assessment {
                id: ipt_app::new_id(),
                patient: c.patient,
                course: Some(c.id),
                session: None,
                instrument: "phq9".into(),
                answers,
                status: AssessmentStatus::Final,
                mode: AdministrationMode::Clinician,
                administered_at: t.app.now(),
                phase: Some(phase),
                result: Some(result),
                version: 0,
            },
        )
        .await
        .unwrap();
}

async fn clinician_with_course(
    t: &TestApp,
    format: Format,
) -> (UserRecord, Patient, Course, String) {
    let anna = t.user("anna", Role::Clinician).await;
    let p = t.patient(&anna, "Nora Sessions").await;
    let sessions = if format == Format::Adolescent { 12 } else { 16 };
    let c = middle_course(t, &p, format, sessions).await;
    let s = t.sign_in("anna").await;
    (anna, p, c, s)
}

/// The form of a session as a browser sends it, with the given changes.
fn session_form<'a>(
    today: &'a str,
    next: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("number", "5"),
        ("date", today),
        ("phase", ""),
        ("phase_override_reason", ""),
        ("modality", "in_person"),
        ("attendance", "attended"),
        (
            "interval_events",
            "Argued with her sister on Sunday; low for two days.",
        ),
        ("agreed_actions", ""),
        ("risk_reviewed", "yes"),
        ("risk_note", ""),
        ("notes", ""),
        ("next_date", next),
        ("version", "0"),
    ];
    f.extend_from_slice(extra);
    f
}

fn session_id_from(location: &str) -> String {
    location
        .split("/sessions/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn recording_a_session_keeps_its_techniques_strategies_tasks_and_mood_rating() {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Individual).await;
        let today = iso(t.app.today());
        let next = iso(t.app.today() + time::Duration::days(7));

        let form = t
            .get(&format!("/courses/{}/sessions/new", c.id), Some(&s))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        let text = form.text();
        for expected in [
            "Record a session",
            "Grief",
            "Role dispute (renegotiation)",
            "Connect when the depression began with the death",
            "Decide the stage of the dispute",
            "Communication analysis",
            "Tasks: Middle phase",
            "Session checklist",
            "Risk review",
            "PHQ-9",
            "Give or enter a questionnaire on the measures page",
        ] {
            assert!(text.contains(expected), "{expected} missing: {text}");
        }
        assert!(
            form.body
                .contains("name=\"number\" type=\"number\" value=\"1\""),
            "next free number"
        );
        assert!(
            form.body.contains(&format!("value=\"{today}\"")),
            "today's date"
        );
        assert!(
            form.body.contains("<legend>"),
            "checklists are fieldsets with legends"
        );
        assert!(
            form.body
                .contains(&format!("href=\"/courses/{}/measures\"", c.id))
        );

        let r = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &session_form(
                    &today,
                    &next,
                    &[
                        ("mood", "6"),
                        ("techniques", "communication_analysis"),
                        ("techniques", "role_play"),
                        ("strategies", "clarify_expectations"),
                        ("strategies", "link_onset_to_death"),
                        ("tasks_done", "interval_mood_and_events"),
                        ("tasks_done", "link_mood_to_events"),
                        ("checklist", "opening_interval"),
                        ("checklist", "risk_reviewed"),
                    ],
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.location.unwrap();
        assert!(location.ends_with("?notice=session-recorded"), "{location}");
        let sid = session_id_from(&location);

        let page = t.get(&location, Some(&s)).await;
        let text = page.text();
        assert!(text.contains("The session is recorded."), "{text}");
        assert!(text.contains("Session 5"), "{text}");
        assert!(
            text.contains("Phase from the plan for session 5 of 16: Middle phase."),
            "{text}"
        );
        for ticked in [
            "value=\"communication_analysis\" checked",
            "value=\"role_play\" checked",
            "value=\"clarify_expectations\" checked",
            "value=\"link_onset_to_death\" checked",
            "value=\"interval_mood_and_events\" checked",
            "value=\"opening_interval\" checked",
        ] {
            assert!(page.body.contains(ticked), "{ticked} not kept");
        }
        assert!(
            page.body
                .contains("name=\"mood\" type=\"number\" value=\"6\"")
        );

        let sessions = t.app.course_view(&SYSTEM, c.id).await.unwrap().sessions;
        assert_eq!(sessions.len(), 1);
        let saved = &sessions[0];
        assert_eq!(saved.id.to_string(), sid);
        assert_eq!(saved.phase.phase, Phase::Middle);
        assert_eq!(
            saved.techniques,
            vec![Technique::CommunicationAnalysis, Technique::RolePlay]
        );
        assert_eq!(saved.strategies.len(), 2);
        assert_eq!(saved.tasks_done.len(), 2);
        assert!(saved.risk_review.reviewed && !saved.risk_review.concern);

        let view = t.app.course_view(&SYSTEM, c.id).await.unwrap();
        let mood: Vec<_> = view
            .assessments
            .iter()
            .filter(|a| a.instrument == "session_mood")
            .collect();
        assert_eq!(mood.len(), 1);
        assert_eq!(mood[0].answers, vec![Some(6)]);
        assert_eq!(mood[0].session, Some(saved.id));
        assert!(mood[0].result.as_ref().unwrap().valid);
        let facts = t.app.course_facts(&SYSTEM, &view.course).await.unwrap();
        assert!(
            !facts.end_measure_recorded,
            "a mood rating never stands in for the end measure"
        );

        let list = t
            .get(&format!("/courses/{}/sessions", c.id), Some(&s))
            .await
            .text();
        assert!(
            list.contains("Session 5")
                && list.contains("6 of 10")
                && list.contains("reviewed, no concern")
                && list.contains("1 of 16 planned sessions attended"),
            "{list}"
        );
        let course = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert!(
            course
                .body
                .contains(&format!("/courses/{}/sessions/{sid}", c.id)),
            "the course plan links to the session"
        );

        // The next new session starts from the next free number.
        let again = t
            .get(&format!("/courses/{}/sessions/new", c.id), Some(&s))
            .await;
        assert!(
            again
                .body
                .contains("name=\"number\" type=\"number\" value=\"6\"")
        );
    }
}

#[tokio::test]
async fn a_risk_concern_raises_an_alert_and_the_session_links_to_it() {
    for t in TestApp::all().await {
        let (_, p, c, s) = clinician_with_course(&t, Format::Individual).await;
        let today = iso(t.app.today());
        let next = iso(t.app.today() + time::Duration::days(7));
        let r = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &session_form(
                    &today,
                    &next,
                    &[
                        ("risk_concern", "yes"),
                        (
                            "risk_note",
                            "Passive thoughts of death; safety plan agreed.",
                        ),
                    ],
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let location = r.location.unwrap();
        let page = t.get(&location, Some(&s)).await;
        let text = page.text();
        assert!(
            text.contains("A risk alert was raised from this session's risk review"),
            "{text}"
        );
        assert!(
            page.body
                .contains(&format!("href=\"/patients/{}#alerts\"", p.id))
        );
        let open = |t: &TestApp| {
            let pid = p.id;
            let app = t.app.clone();
            async move {
                app.alerts(
                    &SYSTEM,
                    AlertFilter {
                        patient: Some(pid),
                        open_only: true,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }
        };
        assert_eq!(open(&t).await.len(), 1);
        let list = t
            .get(&format!("/courses/{}/sessions", c.id), Some(&s))
            .await
            .text();
        assert!(
            list.contains("concern recorded: risk alert raised"),
            "{list}"
        );
        assert!(
            t.get("/caseload", Some(&s))
                .await
                .text()
                .contains("1 open alert"),
            "the alert is on the caseload"
        );

        // Saving the session again with the same concern raises no second alert.
        let resave = t
            .post(
                &location.replace("?notice=session-recorded", ""),
                Some(&s),
                &session_form(
                    &today,
                    &next,
                    &[
                        ("risk_concern", "yes"),
                        ("risk_note", "Safety plan reviewed again."),
                        ("version", "1"),
                    ],
                )
                .into_iter()
                .filter(|(k, v)| *k != "version" || *v != "0")
                .collect::<Vec<_>>(),
            )
            .await;
        assert_eq!(resave.status, StatusCode::SEE_OTHER, "{}", resave.text());
        assert_eq!(open(&t).await.len(), 1);

        // A concern added when correcting another session raises its own alert.
        let r2 = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &session_form(&today, &next, &[("number", "6")])
                    .into_iter()
                    .filter(|(k, v)| *k != "number" || *v != "5")
                    .collect::<Vec<_>>(),
            )
            .await;
        assert_eq!(r2.status, StatusCode::SEE_OTHER, "{}", r2.text());
        let second = r2.location.unwrap().replace("?notice=session-recorded", "");
        let corrected = t
            .post(
                &second,
                Some(&s),
                &[
                    ("number", "6"),
                    ("date", &today),
                    ("modality", "in_person"),
                    ("attendance", "attended"),
                    ("risk_reviewed", "yes"),
                    ("risk_concern", "yes"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(
            corrected.status,
            StatusCode::SEE_OTHER,
            "{}",
            corrected.text()
        );
        assert_eq!(open(&t).await.len(), 2);
    }
}

#[tokio::test]
async fn a_session_with_errors_shows_them_by_field_keeps_the_typing_and_saves_nothing() {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Individual).await;
        let today = iso(t.app.today());
        let before = iso(t.app.today() - time::Duration::days(3));
        let r = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &[
                    ("number", "5"),
                    ("date", &today),
                    ("phase", "initial"),
                    ("phase_override_reason", ""),
                    ("modality", "in_person"),
                    ("attendance", "no_show"),
                    ("mood", "11"),
                    ("interval_events", "Typed text that must survive."),
                    ("techniques", "role_play"),
                    ("next_date", &before),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = r.text();
        for expected in [
            "Please correct the marked fields. Nothing was saved.",
            "Give a reason for changing the phase.",
            "Enter a whole number from 0 to 10",
            "The next session must come after this one.",
            "Techniques and strategies can be recorded only for a session that took place.",
        ] {
            assert!(text.contains(expected), "{expected} missing: {text}");
        }
        assert!(r.body.contains("Typed text that must survive."));
        assert!(r.body.contains("value=\"role_play\" checked"));
        assert!(r.body.contains("aria-invalid=\"true\""));
        assert!(
            t.app
                .course_view(&SYSTEM, c.id)
                .await
                .unwrap()
                .sessions
                .is_empty(),
            "nothing saved"
        );

        let bad_date = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &[
                    ("number", "x"),
                    ("date", "5/3/2026"),
                    ("modality", "in_person"),
                    ("attendance", "attended"),
                ],
            )
            .await;
        let text = bad_date.text();
        assert!(
            text.contains("Enter a whole number from 0 to 60.")
                && text.contains("Write the date as YYYY-MM-DD"),
            "{text}"
        );

        // A phase change with a reason is kept as an override.
        let ok = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &[
                    ("number", "4"),
                    ("date", &today),
                    ("phase", "initial"),
                    ("phase_override_reason", "Inventory not finished"),
                    ("modality", "video"),
                    ("attendance", "attended"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
        let list = t
            .get(&format!("/courses/{}/sessions", c.id), Some(&s))
            .await
            .text();
        assert!(
            list.contains("Initial phase phase changed: Inventory not finished"),
            "{list}"
        );
        let dup = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &[
                    ("number", "4"),
                    ("date", &today),
                    ("modality", "in_person"),
                    ("attendance", "attended"),
                ],
            )
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            dup.text()
                .contains("Session 4 is already recorded for this course.")
        );
    }
}

#[tokio::test]
async fn a_stale_session_edit_is_refused_keeps_the_text_and_shows_what_changed() {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Individual).await;
        let today = iso(t.app.today());
        let next = iso(t.app.today() + time::Duration::days(7));
        let r = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &session_form(&today, &next, &[]),
            )
            .await;
        let path = r.location.unwrap().replace("?notice=session-recorded", "");
        let edit = |notes: &'static str, version: &'static str| {
            let mut f: Vec<(&str, &str)> = session_form(&today, &next, &[])
                .into_iter()
                .filter(|(k, _)| *k != "version" && *k != "notes")
                .collect();
            f.push(("notes", notes));
            f.push(("version", version));
            f
        };
        let first = t
            .post(&path, Some(&s), &edit("Colleague's correction.", "1"))
            .await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
        assert!(first.location.unwrap().ends_with("notice=session-saved"));
        let stale = t
            .post(&path, Some(&s), &edit("My own longer note.", "1"))
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let text = stale.text();
        assert!(
            text.contains(
                "Someone else saved this session after you opened it. Nothing was saved."
            ),
            "{text}"
        );
        assert!(
            stale.body.contains("My own longer note."),
            "the user's text is kept"
        );
        assert!(
            text.contains("Saved meanwhile: Colleague's correction."),
            "what changed is shown: {text}"
        );
        assert!(stale.body.contains("name=\"version\" value=\"2\""));
        let saved = t.app.course_view(&SYSTEM, c.id).await.unwrap().sessions;
        assert_eq!(saved[0].notes, "Colleague's correction.");
        let again = t
            .post(&path, Some(&s), &edit("My own longer note.", "2"))
            .await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
        let saved = t.app.course_view(&SYSTEM, c.id).await.unwrap().sessions;
        assert_eq!(saved[0].notes, "My own longer note.");
        assert_eq!(saved[0].version, 3);
    }
}

#[tokio::test]
async fn goals_are_added_per_focus_area_rated_and_versioned() {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Individual).await;
        let goals = format!("/courses/{}/goals", c.id);
        let page = t.get(&goals, Some(&s)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("No goal for this area yet."));
        let bad = t
            .post(
                &goals,
                Some(&s),
                &[
                    ("area", "role_dispute"),
                    ("description", " "),
                    ("progress", "12"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text();
        assert!(
            text.contains("This field is required.") && text.contains("from 0 to 10"),
            "{text}"
        );
        let ok = t
            .post(
                &goals,
                Some(&s),
                &[
                    ("area", "role_dispute"),
                    (
                        "description",
                        "Talk with Marta about the house without a row.",
                    ),
                    ("progress", "2"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
        let goal = t.app.course_view(&SYSTEM, c.id).await.unwrap().goals[0].clone();
        let action = format!("{goals}/{}", goal.id);
        let page = t.get(ok.location.as_ref().unwrap(), Some(&s)).await;
        assert!(page.text().contains("The goal is added."));
        assert!(page.body.contains(&format!("action=\"{action}\"")));

        let saved = t
            .post(
                &action,
                Some(&s),
                &[
                    ("description", "Talk with Marta about the house calmly."),
                    ("progress", "7"),
                    ("status", "achieved"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let g = t.app.course_view(&SYSTEM, c.id).await.unwrap().goals[0].clone();
        assert_eq!((g.progress, g.version), (Some(7), 2));
        let stale = t
            .post(
                &action,
                Some(&s),
                &[
                    ("description", "My stale wording."),
                    ("progress", "3"),
                    ("status", "open"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let text = stale.text();
        assert!(
            stale.body.contains("My stale wording.")
                && text.contains("Saved meanwhile: Talk with Marta about the house calmly."),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_full_ending_reviews_gains_writes_the_plan_and_completes_the_course() {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Individual).await;
        t.post(
            &format!("/courses/{}/goals", c.id),
            Some(&s),
            &[
                ("area", "grief"),
                ("description", "Visit the grave with my brother."),
                ("progress", "8"),
            ],
        )
        .await;
        let c = to_termination(&t, &c).await;
        phq9(&t, &c, [1, 1, 1, 1, 1, 1, 0, 0, 0], Phase::Termination).await;
        let ending = format!("/courses/{}/termination", c.id);
        let page = t.get(&ending, Some(&s)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        for expected in [
            "Review of gains",
            "PHQ-9",
            "18 (moderately severe)",
            "6 (mild)",
            "Response: the score fell by half or more from the baseline.",
            "Reliable improvement",
            "Visit the grave with my brother.",
            "progress 8 of 10",
            "Closeness circle at the start and now",
            "Marta",
            "People in the circle",
            "record an end-of-treatment measure",
        ] {
            if expected == "record an end-of-treatment measure" {
                assert!(
                    !text.contains(expected),
                    "the end measure is recorded: {text}"
                );
            } else {
                assert!(text.contains(expected), "{expected} missing: {text}");
            }
        }
        assert!(!text.contains("has not helped enough so far"));
        assert_eq!(
            page.body
                .matches("class=\"chart closeness-circle\"")
                .count(),
            2,
            "the circle at the start and now, side by side"
        );
        assert!(page.body.contains("<title id=\"circle-start-title\">"));
        // The start circle is a snapshot: it draws Marta's open conflict as the live circle does.
        let start = &page.body[page.body.find("<title id=\"circle-start-title\">").unwrap()..];
        let start = &start[..start.find("</svg>").unwrap()];
        assert!(
            start.contains("is-conflict") && start.contains("Marta"),
            "the start circle marks the conflict: {start}"
        );
        assert!(text.contains("write the relapse-prevention plan"), "{text}");
        let lower = text.to_lowercase();
        assert!(
            !lower.contains("recovered") && !lower.contains(" fine"),
            "{text}"
        );

        let version = c.version.to_string();
        let bad = t
            .post(
                &format!("{ending}/relapse-plan"),
                Some(&s),
                &[
                    ("warning_signs", ""),
                    ("triggers", "Anniversary of the death."),
                    ("seek_help", ""),
                    ("written_on", ""),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text();
        assert!(
            text.contains("Write the early warning signs")
                && text.contains("Write when and where to seek help")
                && text.contains("This field is required."),
            "{text}"
        );
        assert!(
            bad.body.contains("Anniversary of the death."),
            "typing kept"
        );
        let today = iso(t.app.today());
        let plan = t
            .post(
                &format!("{ending}/relapse-plan"),
                Some(&s),
                &[
                    ("warning_signs", "Sleeping badly; not calling Marta."),
                    ("triggers", "Anniversary of the death."),
                    ("coping", "Walk with a friend."),
                    ("supports", "Brother, GP."),
                    (
                        "seek_help",
                        "Call the clinic; in a crisis, emergency services.",
                    ),
                    ("written_on", &today),
                    ("version", &version),
                ],
            )
            .await;
        assert_eq!(plan.status, StatusCode::SEE_OTHER, "{}", plan.text());
        let c = t.app.course(&SYSTEM, c.id).await.unwrap();
        let review = t
            .post(
                &format!("{ending}/review"),
                Some(&s),
                &[
                    ("gains", "Talks with Marta again; mood lifted."),
                    ("feelings_about_ending", "Sad to stop, proud of the work."),
                    ("non_response_plan", ""),
                    ("reviewed_on", &today),
                    ("version", &c.version.to_string()),
                ],
            )
            .await;
        assert_eq!(review.status, StatusCode::SEE_OTHER, "{}", review.text());
        let stale = t
            .post(
                &format!("{ending}/review"),
                Some(&s),
                &[
                    ("gains", "A stale copy."),
                    ("reviewed_on", &today),
                    ("version", &c.version.to_string()),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("A stale copy."));
        assert!(
            stale
                .text()
                .contains("Saved meanwhile: Talks with Marta again; mood lifted.")
        );
        let c = t.app.course(&SYSTEM, c.id).await.unwrap();
        let decide = t
            .post(
                &format!("{ending}/maintenance"),
                Some(&s),
                &[
                    ("choice", "no_further_treatment"),
                    (
                        "rationale",
                        "First episode; review with the GP in three months.",
                    ),
                    ("decided_on", &today),
                    ("version", &c.version.to_string()),
                ],
            )
            .await;
        assert_eq!(decide.status, StatusCode::SEE_OTHER, "{}", decide.text());
        let page = t
            .get(decide.location.as_ref().unwrap(), Some(&s))
            .await
            .text();
        assert!(
            page.contains("The decision is saved.")
                && page.contains("ready: close the course from the course page."),
            "{page}"
        );

        let c = t.app.course(&SYSTEM, c.id).await.unwrap();
        let done = t
            .post(
                &format!("/courses/{}/transition", c.id),
                Some(&s),
                &[("target", "completed"), ("version", &c.version.to_string())],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        let c = t.app.course(&SYSTEM, c.id).await.unwrap();
        assert_eq!(c.status, CourseStatus::Completed);

        let summary = t.get(&format!("/courses/{}/summary", c.id), Some(&s)).await;
        assert_eq!(summary.status, StatusCode::OK);
        let text = summary.text();
        for expected in [
            "Course summary",
            "Nora Sessions",
            "Individual IPT",
            "Completed",
            "6 of 16 planned sessions attended",
            "Grief, Role dispute (renegotiation)",
            "18 (moderately severe)",
            "Response: the score fell by half or more",
            "Visit the grave with my brother.",
            "Sleeping badly; not calling Marta.",
            "Call the clinic; in a crisis, emergency services.",
            "No further treatment planned",
            "First episode; review with the GP in three months.",
            "Talks with Marta again; mood lifted.",
            "IPT Workbench supports clinical judgement. It does not diagnose.",
        ] {
            assert!(text.contains(expected), "{expected} missing: {text}");
        }
        assert!(!text.to_lowercase().contains("recovered"));
        // Print styles hide the navigation, so the summary prints as a document.
        assert!(summary.body.contains("class=\"sections\""));
    }
}

#[tokio::test]
async fn deciding_maintenance_ipt_starts_one_prefilled_maintenance_course() {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Individual).await;
        let c = to_termination(&t, &c).await;
        let ending = format!("/courses/{}/termination", c.id);
        let today = iso(t.app.today());
        let r = t
            .post(
                &format!("{ending}/relapse-plan"),
                Some(&s),
                &[
                    ("warning_signs", "Early waking."),
                    ("seek_help", "Call the clinic."),
                    ("written_on", &today),
                    ("version", &c.version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let c = t.app.course(&SYSTEM, c.id).await.unwrap();
        let page = t.get(&ending, Some(&s)).await.text();
        assert!(!page.contains("Start the maintenance course"));
        let r = t
            .post(
                &format!("{ending}/maintenance"),
                Some(&s),
                &[
                    ("choice", "maintenance_ipt"),
                    ("rationale", "Third episode."),
                    ("decided_on", &today),
                    ("version", &c.version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = t.get(&ending, Some(&s)).await.text();
        assert!(page.contains("Start the maintenance course"), "{page}");
        let started = t
            .post(&format!("{ending}/start-maintenance"), Some(&s), &[])
            .await;
        assert_eq!(started.status, StatusCode::SEE_OTHER);
        let new_path = started.location.unwrap();
        let new_id: ipt_domain::ids::CourseId =
            new_path.trim_start_matches("/courses/").parse().unwrap();
        let m = t.app.course(&SYSTEM, new_id).await.unwrap();
        assert_eq!(m.format, Format::Maintenance);
        assert_eq!(m.continues, Some(c.id));
        assert_eq!(m.focus, c.focus);
        assert_eq!(m.diagnosis, c.diagnosis);
        assert_eq!(
            m.relapse_plan.as_ref().map(|p| p.warning_signs.as_str()),
            Some("Early waking.")
        );
        let shown = t.get(&new_path, Some(&s)).await.text();
        assert!(
            shown.contains("Maintenance IPT (IPT-M) for Nora Sessions"),
            "{shown}"
        );
        let twice = t
            .post(&format!("{ending}/start-maintenance"), Some(&s), &[])
            .await;
        assert_eq!(
            twice.location.as_deref(),
            Some(new_path.as_str()),
            "no second course"
        );
        let page = t.get(&ending, Some(&s)).await;
        assert!(page.body.contains(&format!("href=\"{new_path}\"")));
        assert!(!page.text().contains("Start the maintenance course"));
    }
}

#[tokio::test]
async fn when_the_scores_show_no_response_the_ending_puts_it_on_the_treatment_and_offers_alternatives()
 {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Individual).await;
        let c = to_termination(&t, &c).await;
        phq9(&t, &c, [3, 3, 3, 3, 3, 0, 0, 0, 0], Phase::Termination).await;
        let page = t
            .get(&format!("/courses/{}/termination", c.id), Some(&s))
            .await;
        let text = page.text();
        for expected in [
            "When the treatment has not helped enough",
            "On PHQ-9 the score went from 18 to 15. By that measure this treatment has not helped enough so far.",
            "the treatment did not help enough; the patient did not fail",
            "adding or changing antidepressant medication",
            "a different psychotherapy",
            "psychotherapy combined with medication",
            "referral to another or a more specialised service",
            "Refer on or change treatment",
            "No response: the score fell by less than half from the baseline.",
        ] {
            assert!(text.contains(expected), "{expected} missing: {text}");
        }
        let lower = text.to_lowercase();
        for never in ["patient failed", "you failed", "recovered", "you are fine"] {
            assert!(!lower.contains(never), "{never} must never be said");
        }
        let r = t
            .post(
                &format!("/courses/{}/termination/maintenance", c.id),
                Some(&s),
                &[
                    ("choice", "refer_or_change"),
                    ("rationale", "Refer for a medication review and CBT."),
                    ("decided_on", &iso(t.app.today())),
                    ("version", &c.version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let summary = t
            .get(&format!("/courses/{}/summary", c.id), Some(&s))
            .await
            .text();
        assert!(
            summary.contains("this treatment has not helped enough so far")
                && summary.contains("Refer on or change treatment"),
            "{summary}"
        );
    }
}

#[tokio::test]
async fn another_clinician_gets_not_found_and_a_supervisor_reads_without_changing() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let sara = t.user("sara", Role::Supervisor).await;
        t.user("bruno", Role::Clinician).await;
        t.supervise(&anna, &sara).await;
        let p = t.patient(&anna, "Olga Private").await;
        let c = middle_course(&t, &p, Format::Individual, 16).await;
        t.app
            .add_goal(
                &SYSTEM,
                c.id,
                ipt_domain::course::Goal {
                    id: ipt_app::new_id(),
                    area: ipt_domain::problem_area::AreaKind::Grief,
                    description: "Sort the letters.".into(),
                    progress: None,
                    status: ipt_domain::course::GoalStatus::Open,
                    version: 0,
                },
            )
            .await
            .unwrap();
        let a = t.sign_in("anna").await;
        let today = iso(t.app.today());
        let rec = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&a),
                &[
                    ("number", "4"),
                    ("date", &today),
                    ("modality", "in_person"),
                    ("attendance", "attended"),
                ],
            )
            .await;
        let session = rec
            .location
            .unwrap()
            .replace("?notice=session-recorded", "");
        let goal = t.app.course_view(&SYSTEM, c.id).await.unwrap().goals[0].id;
        let pages = [
            format!("/courses/{}/sessions", c.id),
            session.clone(),
            format!("/courses/{}/goals", c.id),
            format!("/courses/{}/termination", c.id),
            format!("/courses/{}/summary", c.id),
        ];
        let posts = [
            format!("/courses/{}/sessions", c.id),
            session.clone(),
            format!("/courses/{}/goals", c.id),
            format!("/courses/{}/goals/{goal}", c.id),
            format!("/courses/{}/termination/review", c.id),
            format!("/courses/{}/termination/relapse-plan", c.id),
            format!("/courses/{}/termination/maintenance", c.id),
            format!("/courses/{}/termination/start-maintenance", c.id),
        ];
        let form = [
            ("number", "9"),
            ("date", today.as_str()),
            ("modality", "in_person"),
            ("attendance", "attended"),
            ("description", "x"),
            ("gains", "x"),
            ("reviewed_on", today.as_str()),
            ("version", "1"),
        ];

        let b = t.sign_in("bruno").await;
        for path in pages
            .iter()
            .chain([&format!("/courses/{}/sessions/new", c.id)])
        {
            let r = t.get(path, Some(&b)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                r.text()
                    .contains("There is nothing here, or you do not have access to it.")
            );
        }
        for path in &posts {
            assert_eq!(
                t.post(path, Some(&b), &form).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let missing = format!("/courses/{}/sessions/{}", c.id, uuid::Uuid::now_v7());
        assert_eq!(
            t.get(&missing, Some(&a)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.get("/courses/not-a-uuid/sessions", Some(&a)).await.status,
            StatusCode::NOT_FOUND
        );

        let sup = t.sign_in("sara").await;
        for path in &pages {
            let r = t.get(path, Some(&sup)).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            if !path.ends_with("/summary") {
                assert!(
                    r.text()
                        .contains("Only the patient's clinician can change it."),
                    "{path}"
                );
            }
        }
        assert_eq!(
            t.get(&format!("/courses/{}/sessions/new", c.id), Some(&sup))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        for path in &posts {
            assert_eq!(
                t.post(path, Some(&sup), &form).await.status,
                StatusCode::NOT_FOUND,
                "a supervisor does not change {path}"
            );
        }
        let view = t.app.course_view(&SYSTEM, c.id).await.unwrap();
        assert_eq!(view.sessions.len(), 1, "nothing was recorded by others");
        assert_eq!(view.goals.len(), 1);
        assert!(view.course.termination.is_none());
        assert_eq!(
            t.get(&pages[0], None).await.status,
            StatusCode::SEE_OTHER,
            "signed-in only"
        );
    }
}

#[tokio::test]
async fn adolescent_parent_involvement_sessions_are_marked_in_the_form_and_the_list() {
    for t in TestApp::all().await {
        let (_, _, c, s) = clinician_with_course(&t, Format::Adolescent).await;
        let list = t
            .get(&format!("/courses/{}/sessions", c.id), Some(&s))
            .await
            .text();
        assert!(
            list.contains("Parent involvement: session 1")
                && list.contains("Parent involvement (optional): session 6")
                && list.contains("Parent involvement: session 12"),
            "{list}"
        );
        assert!(list.contains("PHQ-A"), "{list}");
        let form = t
            .get(&format!("/courses/{}/sessions/new", c.id), Some(&s))
            .await;
        let text = form.text();
        assert!(
            text.contains("Parent involvement session")
                && text.contains("The format plans here: Parent involvement."),
            "{text}"
        );
        assert!(
            form.body
                .contains("<option value=\"parent_involvement\" selected>")
        );
        assert!(
            text.contains("Meet a parent: information and psychoeducation"),
            "{text}"
        );
        let today = iso(t.app.today());
        let r = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &[
                    ("number", "1"),
                    ("date", &today),
                    ("modality", "in_person"),
                    ("attendance", "attended"),
                    ("special", "parent_involvement"),
                    ("tasks_done", "parent_psychoeducation"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let list = t
            .get(&format!("/courses/{}/sessions", c.id), Some(&s))
            .await
            .text();
        assert!(
            list.contains("Session 1") && list.contains("Parent involvement"),
            "{list}"
        );
        let s1 = t.app.course_view(&SYSTEM, c.id).await.unwrap().sessions;
        assert_eq!(
            s1[0].special,
            Some(ipt_domain::protocol::SpecialSession::ParentInvolvement)
        );
        let bad = t
            .post(
                &format!("/courses/{}/sessions", c.id),
                Some(&s),
                &[
                    ("number", "2"),
                    ("date", &today),
                    ("modality", "in_person"),
                    ("attendance", "attended"),
                    ("special", "engagement"),
                ],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not a special session of IPT-A"
        );
    }
}

#[tokio::test]
async fn perinatal_and_older_adult_courses_recommend_their_own_measures() {
    let t = TestApp::sqlite().await;
    let anna = t.user("anna", Role::Clinician).await;
    let s = t.sign_in("anna").await;
    let p = t.patient(&anna, "Pia Perinatal").await;
    let c = t.course(&p, Format::PerinatalPostpartum).await;
    let text = t
        .get(&format!("/courses/{}/sessions", c.id), Some(&s))
        .await
        .text();
    assert!(
        text.contains("EPDS : no questionnaire text in English is installed at this site")
            && text.contains("needs a site text pack"),
        "{text}"
    );
    let q = t.patient(&anna, "Oreste Older").await;
    let c = t.course(&q, Format::OlderAdult).await;
    let text = t
        .get(&format!("/courses/{}/sessions/new", c.id), Some(&s))
        .await
        .text();
    assert!(
        text.contains("GDS-15 : questionnaire text is available in this language."),
        "{text}"
    );
    assert!(text.contains("Caregiver involvement (optional)"), "{text}");
}

#[tokio::test]
async fn the_session_pages_speak_italian() {
    let t = TestApp::sqlite().await;
    let anna = t.user("anna", Role::Clinician).await;
    let p = t.patient(&anna, "Ugo Italiano").await;
    let c = middle_course(&t, &p, Format::Individual, 16).await;
    let s = t.sign_in("anna").await;
    let cookie = format!("{s}; ipt_lang=it");
    for (path, expected) in [
        (
            format!("/courses/{}/sessions/new", c.id),
            "Registra una seduta",
        ),
        (format!("/courses/{}/goals", c.id), "Aggiungi un obiettivo"),
        (
            format!("/courses/{}/termination", c.id),
            "Piano di prevenzione delle ricadute",
        ),
        (
            format!("/courses/{}/summary", c.id),
            "Riepilogo del percorso",
        ),
    ] {
        let r = t.get(&path, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        let text = r.text();
        assert!(text.contains(expected), "{expected} missing: {text}");
        assert!(
            !text.contains("sessions-"),
            "an untranslated key on {path}: {text}"
        );
    }
}

/// No course ends past an open risk alert, through the page or the API: the refusal names the
/// alert as the step missing, and once a clinician acknowledges it the course can close.
#[tokio::test]
async fn a_course_cannot_be_completed_past_an_open_risk_alert() {
    use ipt_domain::ending::RelapsePlanInput;
    for t in TestApp::all().await {
        let (anna, p, c, s) = clinician_with_course(&t, Format::Individual).await;
        let (_, tok) = crate::api::token(&t, &anna).await;
        let c = to_termination(&t, &c).await;
        // The end measure has item 9 positive: it raises an alert.
        phq9(&t, &c, [1, 1, 1, 1, 1, 1, 0, 0, 2], Phase::Termination).await;
        let c = t
            .app
            .enter_relapse_plan(
                &SYSTEM,
                c.id,
                Some(c.version),
                &RelapsePlanInput {
                    warning_signs: "Waking early for a week.".into(),
                    triggers: String::new(),
                    coping: String::new(),
                    supports: String::new(),
                    seek_help: "Call the clinic; in a crisis, emergency services.".into(),
                    written_on: None,
                },
            )
            .await
            .unwrap();
        let version = c.version.to_string();
        let page = t
            .post(
                &format!("/courses/{}/transition", c.id),
                Some(&s),
                &[("target", "completed"), ("version", &version)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.text()
        );
        assert!(
            page.text()
                .contains("acknowledge the patient's open risk alert on their page"),
            "{}",
            page.text()
        );
        let api = crate::api::post(
            &t,
            &format!("/api/v1/courses/{}/transitions", c.id),
            &tok,
            serde_json::json!({"target": "ended_early", "end_reason": "dropout", "version": c.version}),
        )
        .await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", api.json);
        assert!(
            api.json["unmet"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["code"] == "risk_alerts_acknowledged"),
            "{}",
            api.json
        );
        let still = t.app.course(&SYSTEM, c.id).await.unwrap();
        assert_eq!(still.status, CourseStatus::Active(Phase::Termination));

        // Acknowledged with the action taken: now the course closes.
        let alert = t
            .app
            .alerts(
                &SYSTEM,
                AlertFilter {
                    patient: Some(p.id),
                    open_only: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .remove(0);
        let ack = t
            .post(
                &format!("/patients/{}/alerts/{}/acknowledge", p.id, alert.id),
                Some(&s),
                &[
                    (
                        "note",
                        "Phoned the same day; no plan or intent; safety plan agreed.",
                    ),
                    ("version", &alert.version.to_string()),
                ],
            )
            .await;
        assert_eq!(ack.status, StatusCode::SEE_OTHER, "{}", ack.text());
        let done = t
            .post(
                &format!("/courses/{}/transition", c.id),
                Some(&s),
                &[("target", "completed"), ("version", &version)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
        assert_eq!(
            t.app.course(&SYSTEM, c.id).await.unwrap().status,
            CourseStatus::Completed
        );
    }
}
