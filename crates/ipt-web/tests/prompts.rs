//! Scores reach the prompts (#14, finding 7, "Scores reach the prompts" and "Instruments without
//! a risk item"): the indication page and the API suggest flags from the scores on file, for the
//! clinician to confirm; the course page raises the mid-course review when the main measure is
//! not on track, and the older-adult course a separate suicide screen. On both databases.

use axum::http::StatusCode;
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::protocol::{Format, Phase};
use serde_json::json;

use crate::api::{get as api_get, ok, put as api_put, token};
use crate::sessions::{middle_course, phq9};
use crate::support::*;

const SYSTEM: Actor = Actor::System;

/// A PHQ-9 of 22 with item 9 at 2: the course of finding 7.
const PHQ9_22_ITEM9: [u8; 9] = [3, 3, 3, 3, 2, 2, 2, 2, 2];

/// A scored questionnaire on the course, given `days_ago`, in the course's initial phase.
pub(crate) async fn scored(
    t: &TestApp,
    c: &Course,
    code: &str,
    answers: &[u8],
    status: AssessmentStatus,
    days_ago: i64,
) {
    let answers: Vec<Option<u8>> = answers.iter().map(|&v| Some(v)).collect();
    let result = ipt_app::measures::summarise(code, &answers).unwrap();
    t.app
        .record_assessment(
            &SYSTEM,
            Assessment {
                id: ipt_app::new_id(),
                patient: c.patient,
                course: Some(c.id),
                session: None,
                instrument: code.into(),
                answers,
                status,
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

/// Finding 7 of #14: a PHQ-9 of 22 with item 9 positive left the indication page at
/// "moderate" with no prompt. Now both flags are suggested beside the boxes, with the score and
/// its date, and neither box is ticked; the API's course view lists them; once the clinician
/// ticks them, nothing is suggested again.
#[tokio::test]
async fn finding_7_a_phq9_of_22_with_item_9_suggests_both_flags_unticked() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let p = t.patient(&anna, "Indication Patient").await;
        let c = t.started_course(&p, Format::Individual, 14).await;
        scored(&t, &c, "phq9", &PHQ9_22_ITEM9, AssessmentStatus::Final, 2).await;
        let s = t.sign_in("anna").await;
        let page = t
            .get(&format!("/courses/{}/indication", c.id), Some(&s))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let b = &page.body;
        assert!(b.contains("Suggested by the scores on file"), "{b}");
        assert!(
            b.contains("PHQ-9 total 22 on"),
            "the score and its date: {b}"
        );
        assert!(b.contains("at or above 16"), "{b}");
        assert!(b.contains("risk item 9 answered above zero"), "{b}");
        assert!(b.contains("NICE NG222"), "{b}");
        assert!(
            b.contains("Suggested by the scores:"),
            "beside the flag: {b}"
        );
        for flag in ["more_severe_depression", "high_suicide_risk"] {
            assert!(b.contains(&format!("value=\"{flag}\"")), "{flag}: {b}");
            assert!(!b.contains(&format!("value=\"{flag}\" checked")), "{flag}");
        }
        // The PHQ-9 algorithm's finding, worded as a screening finding.
        assert!(b.contains("PHQ-9 screening algorithm"), "{b}");
        assert!(
            b.contains("fit the pattern of a major depressive syndrome"),
            "{b}"
        );
        assert!(b.contains("This is not a diagnosis"), "{b}");

        // The same through the API.
        let (_, tok) = token(&t, &anna).await;
        let r = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        ok(&r, StatusCode::OK);
        let flags: Vec<&str> = r.json["suggested_flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["flag"].as_str().unwrap())
            .collect();
        assert_eq!(flags, ["high_suicide_risk", "more_severe_depression"]);
        let severe = &r.json["suggested_flags"][1];
        assert_eq!(
            (&severe["instrument"], &severe["total"], &severe["at_least"]),
            (&json!("phq9"), &json!(22), &json!(16))
        );
        assert_eq!(r.json["suggested_flags"][0]["risk_items"], json!([9]));
        assert!(
            r.json["course"]["indication"]["escalation_flags"]
                .as_array()
                .unwrap()
                .is_empty(),
            "never ticked by the software"
        );

        // The clinician confirms both: nothing is suggested any more.
        let version = r.json["course"]["version"].as_i64().unwrap();
        let r = api_put(
            &t,
            &format!("/api/v1/courses/{}/indication", c.id),
            &tok,
            json!({"symptoms": [], "two_weeks_or_more": false, "interpersonal_link": "",
                   "first_line_reasons": [],
                   "escalation_flags": ["high_suicide_risk", "more_severe_depression"],
                   "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        let r = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        assert_eq!(r.json["suggested_flags"], json!([]));
        let page = t
            .get(&format!("/courses/{}/indication", c.id), Some(&s))
            .await;
        assert!(!page.body.contains("Suggested by the scores on file"));
        assert!(page.body.contains("Guideline prompts for the flags ticked"));
    }
}

/// Below the threshold, with item 9 at 0, nothing is suggested; the Italian page words the
/// suggestion in Italian.
#[tokio::test]
async fn a_phq9_below_16_without_risk_suggests_nothing_and_italian_is_italian() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let p = t.patient(&anna, "Quiet Scores").await;
        let c = t.started_course(&p, Format::Individual, 14).await;
        scored(
            &t,
            &c,
            "phq9",
            &[2, 2, 2, 2, 2, 2, 2, 1, 0],
            AssessmentStatus::Final,
            1,
        )
        .await;
        let s = t.sign_in("anna").await;
        let page = t
            .get(&format!("/courses/{}/indication", c.id), Some(&s))
            .await;
        assert!(
            !page.body.contains("Suggested by the scores"),
            "15 is below 16"
        );
        assert!(page.body.contains("Latest PHQ-9: total 15"));

        let p2 = t.patient(&anna, "Paziente Italiano").await;
        let c2 = t.started_course(&p2, Format::Individual, 14).await;
        scored(&t, &c2, "phq9", &PHQ9_22_ITEM9, AssessmentStatus::Final, 1).await;
        let it = t
            .request(
                axum::http::Request::get(format!("/courses/{}/indication", c2.id))
                    .header(axum::http::header::COOKIE, &s)
                    .header(axum::http::header::ACCEPT_LANGUAGE, "it")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(
            it.body.contains("Suggeriti dai punteggi registrati"),
            "{}",
            it.body
        );
        assert!(it.body.contains("Non è una diagnosi"), "{}", it.body);
    }
}

/// #14 "Scores reach the prompts": at mid-course (6 of 12 sessions attended) a PHQ-9 that fell
/// only from 18 to 17 raises "discuss combination with medication or referral" on the course
/// page; before mid-course it does not.
#[tokio::test]
async fn mid_course_not_on_track_prompts_combination_or_referral_on_the_course_page() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let p = t.patient(&anna, "Slow Progress").await;
        let c = middle_course(&t, &p, Format::Individual, 12).await;
        let w = t.app.writable_course(&SYSTEM, c.id).await.unwrap();
        let session = || ipt_domain::session::SessionInput {
            interval_events: "An ordinary week".into(),
            ..Default::default()
        };
        for _ in 0..5 {
            t.app.enter_session(&SYSTEM, &w, &session()).await.unwrap();
        }
        phq9(&t, &c, [3, 3, 3, 3, 3, 2, 0, 0, 0], Phase::Middle).await;
        let s = t.sign_in("anna").await;
        let before = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert_eq!(before.status, StatusCode::OK);
        assert!(
            !before
                .body
                .contains("Discuss combination with medication or referral"),
            "5 of 12 is before mid-course"
        );
        t.app.enter_session(&SYSTEM, &w, &session()).await.unwrap();
        let page = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert!(
            page.body
                .contains("Discuss combination with medication or referral"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains("PHQ-9 went from 18 to 17 with 6 of 12 sessions attended"),
            "{}",
            page.body
        );
        // The API's course view carries the same review.
        let (_, tok) = token(&t, &anna).await;
        let r = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        ok(&r, StatusCode::OK);
        assert_eq!(
            r.json["prompts"]["mid_course_review"],
            json!({"instrument": "phq9", "baseline": 18, "latest": 17, "attended": 6,
                   "planned": 12, "deteriorated": false})
        );
        // A course on track at mid-course raises nothing.
        let p2 = t.patient(&anna, "Good Progress").await;
        let c2 = middle_course(&t, &p2, Format::Individual, 12).await;
        let w2 = t.app.writable_course(&SYSTEM, c2.id).await.unwrap();
        for _ in 0..6 {
            t.app.enter_session(&SYSTEM, &w2, &session()).await.unwrap();
        }
        phq9(&t, &c2, [2, 2, 1, 1, 1, 1, 0, 0, 0], Phase::Middle).await;
        let page = t.get(&format!("/courses/{}", c2.id), Some(&s)).await;
        assert!(!page.body.contains("Discuss combination with medication"));
        let r = api_get(&t, &format!("/api/v1/courses/{}", c2.id), &tok).await;
        assert_eq!(r.json["prompts"]["mid_course_review"], json!(null));
        // Group IPT's lay facilitators are not asked to consider medication (finding 8): they
        // discuss a referral with their supervisor.
        let p3 = t.patient(&anna, "Group Member").await;
        let c3 = middle_course(&t, &p3, Format::Group, 9).await;
        let w3 = t.app.writable_course(&SYSTEM, c3.id).await.unwrap();
        for _ in 0..5 {
            t.app.enter_session(&SYSTEM, &w3, &session()).await.unwrap();
        }
        phq9(&t, &c3, [3, 3, 3, 3, 3, 2, 0, 0, 0], Phase::Middle).await;
        let page = t.get(&format!("/courses/{}", c3.id), Some(&s)).await;
        assert!(
            page.body
                .contains("Discuss with your supervisor a referral to a clinician"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("Discuss combination with medication"));
    }
}

/// #14 "Instruments without a risk item": the GDS-15 of the older-adult format asks nothing
/// about suicide, so its course page prompts a separate screen, and its initial phase lists the
/// task, until a PHQ-9 has been scored or a session records risk as reviewed.
#[tokio::test]
async fn an_older_adult_course_prompts_a_separate_suicide_screen_until_one_is_recorded() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let p = t.patient(&anna, "Older Patient").await;
        let c = t.started_course(&p, Format::OlderAdult, 14).await;
        let s = t.sign_in("anna").await;
        const PROMPT: &str = "Screen for suicide risk separately";
        let page = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert!(page.body.contains(PROMPT), "{}", page.body);
        assert!(page.body.contains("The GDS-15 asks nothing about suicide"));
        let form = t
            .get(&format!("/courses/{}/sessions/new", c.id), Some(&s))
            .await;
        assert!(
            form.body.contains("value=\"separate_suicide_screen\""),
            "the initial-phase task: {}",
            form.body
        );
        let (_, tok) = token(&t, &anna).await;
        let api = |id| format!("/api/v1/courses/{id}");
        let r = api_get(&t, &api(c.id), &tok).await;
        assert_eq!(r.json["prompts"]["separate_suicide_screen"], json!(true));
        // A GDS-15 alone still asks nothing about suicide.
        scored(&t, &c, "gds15", &[0; 15], AssessmentStatus::Final, 1).await;
        let page = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert!(page.body.contains(PROMPT));
        // A PHQ-9 on file (item 9 answered) ends the prompt.
        scored(&t, &c, "phq9", &[0; 9], AssessmentStatus::Final, 0).await;
        let page = t.get(&format!("/courses/{}", c.id), Some(&s)).await;
        assert!(!page.body.contains(PROMPT), "{}", page.body);
        let r = api_get(&t, &api(c.id), &tok).await;
        assert_eq!(r.json["prompts"]["separate_suicide_screen"], json!(false));

        // Or a session that records the separate screen as done.
        let p2 = t.patient(&anna, "Older Patient Two").await;
        let c2 = t.started_course(&p2, Format::OlderAdult, 14).await;
        let w = t.app.writable_course(&SYSTEM, c2.id).await.unwrap();
        t.app
            .enter_session(
                &SYSTEM,
                &w,
                &ipt_domain::session::SessionInput {
                    interval_events: "First meeting".into(),
                    tasks_done: vec!["separate_suicide_screen".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let page = t.get(&format!("/courses/{}", c2.id), Some(&s)).await;
        assert!(!page.body.contains(PROMPT), "{}", page.body);
        // An individual course never shows it: the PHQ-9 has item 9.
        let p3 = t.patient(&anna, "Adult Patient").await;
        let c3 = t.started_course(&p3, Format::Individual, 14).await;
        let page = t.get(&format!("/courses/{}", c3.id), Some(&s)).await;
        assert!(!page.body.contains(PROMPT));
    }
}
