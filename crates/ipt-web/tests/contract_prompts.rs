//! A realistic contract (#14, "A realistic contract"): a non-weekly acute contract is accepted
//! with a warning through the page and the API alike; every session says "session n of N"
//! against the contract (or that none is agreed); and 2–4 sessions before the planned end the
//! course page and the caseload prompt the termination discussion. SQLite and PostgreSQL.

use axum::http::StatusCode;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::{Course, CourseStatus};
use ipt_domain::protocol::{Format, Phase};
use serde_json::json;

use crate::api::{get as api_get, post as api_post, put as api_put, token};
use crate::support::*;

const WARNING_EN: &str = "Acute IPT is planned as weekly sessions, and this contract agrees a slower pace. Keep it if there is a reason for it, such as the patient's availability, and note that reason in the record.";
const WARNING_IT: &str = "questo contratto concorda un ritmo più lento";

#[tokio::test]
async fn a_fortnightly_acute_contract_is_accepted_with_a_warning_by_page_and_api_alike() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let s = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let end = (t.app.today() + time::Duration::days(200)).to_string();

        // Through the page: saved, and the contract page then shows the warning.
        let p = t.patient(&anna, "Page Pace").await;
        let c = t.started_course(&p, Format::Individual, 1).await;
        let page = format!("/courses/{}/contract", c.id);
        let r = t
            .post(
                &page,
                Some(&s),
                &[
                    ("sessions", "12"),
                    ("frequency", "fortnightly"),
                    ("end_date", &end),
                    ("agreed_on", ""),
                    ("version", &c.version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let text = t.get(&page, Some(&s)).await.text();
        assert!(text.contains("To check in this contract"), "{text}");
        assert!(text.contains(WARNING_EN), "{text}");
        let it = t
            .get(&page, Some(&format!("{s}; ipt_lang=it")))
            .await
            .text();
        assert!(it.contains(WARNING_IT), "{it}");
        assert!(!it.contains(WARNING_EN), "{it}");

        // Through the API: the same code, with the very words the page showed.
        let p = t.patient(&anna, "Api Pace").await;
        let c = t.started_course(&p, Format::Individual, 1).await;
        let path = format!("/api/v1/courses/{}/contract", c.id);
        let r = api_put(
            &t,
            &path,
            &tok,
            json!({"sessions": 12, "frequency": "fortnightly", "end_date": end, "version": c.version}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.reply.body);
        let w = &r.json["contract"]["warnings"];
        assert_eq!(w.as_array().unwrap().len(), 1, "{w}");
        assert_eq!(w[0]["code"], "acute_not_weekly");
        assert_eq!(w[0]["field"], "frequency");
        assert_eq!(w[0]["message"], WARNING_EN);
        assert_eq!(r.json["contract"]["frequency"], "fortnightly", "accepted");

        // Weekly, as acute IPT is given: nothing to check, on either door.
        let version = r.json["version"].clone();
        let r = api_put(
            &t,
            &path,
            &tok,
            json!({"sessions": 12, "frequency": "weekly", "end_date": end, "version": version}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.reply.body);
        assert_eq!(r.json["contract"]["warnings"], json!([]));
        let text = t
            .get(&format!("/courses/{}/contract", c.id), Some(&s))
            .await
            .text();
        assert!(!text.contains(WARNING_EN), "{text}");
        assert!(!text.contains("To check in this contract"), "{text}");
    }
}

#[tokio::test]
async fn every_session_says_which_of_the_contracted_sessions_it_is() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let s = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Nina Count").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let sessions = format!("/api/v1/courses/{}/sessions", c.id);

        // Before the contract: "Session 1", and no contract agreed.
        let r = api_post(
            &t,
            &sessions,
            &tok,
            json!({"number": 1, "risk_review": {"reviewed": true}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.reply.body);
        assert_eq!(r.json["contract_agreed"], false);
        assert_eq!(r.json["planned_sessions"], c.planned_sessions());
        let sid = r.json["id"].as_str().unwrap().to_string();
        let list = t
            .get(&format!("/courses/{}/sessions", c.id), Some(&s))
            .await
            .text();
        assert!(list.contains("Session 1"), "{list}");
        assert!(!list.contains("Session 1 of"), "{list}");
        assert!(
            list.contains("One session attended; no contract agreed yet"),
            "{list}"
        );
        let one = t
            .get(&format!("/courses/{}/sessions/{sid}", c.id), Some(&s))
            .await
            .text();
        assert!(one.contains("Session 1,"), "{one}");
        let summary = t
            .get(&format!("/courses/{}/summary", c.id), Some(&s))
            .await
            .text();
        assert!(summary.contains("no contract agreed yet"), "{summary}");

        // Twelve sessions agreed: "Session 1 of 12" everywhere a session is named.
        let end = (t.app.today() + time::Duration::days(90)).to_string();
        let course = t.app.course(&Actor::System, c.id).await.unwrap();
        let r = api_put(
            &t,
            &format!("/api/v1/courses/{}/contract", c.id),
            &tok,
            json!({"sessions": 12, "frequency": "weekly", "end_date": end, "version": course.version}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.reply.body);
        let list = t
            .get(&format!("/courses/{}/sessions", c.id), Some(&s))
            .await
            .text();
        assert!(list.contains("Session 1 of 12"), "{list}");
        assert!(list.contains("1 of 12 planned sessions attended"), "{list}");
        let one = t
            .get(&format!("/courses/{}/sessions/{sid}", c.id), Some(&s))
            .await
            .text();
        assert!(one.contains("Session 1 of 12,"), "{one}");
        let overview = t.get(&format!("/courses/{}", c.id), Some(&s)).await.text();
        assert!(overview.contains("Session 12 of 12"), "{overview}");
        let summary = t
            .get(&format!("/courses/{}/summary", c.id), Some(&s))
            .await
            .text();
        assert!(
            summary.contains("1 of 12 planned sessions attended"),
            "{summary}"
        );
        let it = t
            .get(
                &format!("/courses/{}/sessions", c.id),
                Some(&format!("{s}; ipt_lang=it")),
            )
            .await
            .text();
        assert!(it.contains("Seduta 1 di 12"), "{it}");

        let view = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        assert_eq!(view.json["sessions"][0]["planned_sessions"], 12);
        assert_eq!(view.json["sessions"][0]["contract_agreed"], true);
        let r = api_post(
            &t,
            &sessions,
            &tok,
            json!({"number": 2, "risk_review": {"reviewed": true}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.reply.body);
        assert_eq!(
            (&r.json["planned_sessions"], &r.json["contract_agreed"]),
            (&json!(12), &json!(true))
        );
    }
}

/// Attended sessions recorded on a course, numbered after those recorded, dated today.
async fn attend(t: &TestApp, course: &Course, n: usize) {
    let w = t
        .app
        .writable_course(&Actor::System, course.id)
        .await
        .unwrap();
    for _ in 0..n {
        t.app
            .enter_session(
                &Actor::System,
                &w,
                &ipt_domain::session::SessionInput {
                    risk_reviewed: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}

const PROMPT: &str = "Time to talk about the ending";
const MARKER: &str = "Ending to discuss";

#[tokio::test]
async fn four_sessions_before_the_planned_end_the_course_and_the_caseload_prompt_the_ending() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let s = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Olga Ending").await;
        let c = t.middle_course(&p, Format::Individual, 70, 12, 90).await;
        let overview = format!("/courses/{}", c.id);

        // Seven of twelve attended: five left, the end date three months away.
        attend(&t, &c, 7).await;
        let text = t.get(&overview, Some(&s)).await.text();
        assert!(!text.contains(PROMPT), "{text}");
        let caseload = t.get("/caseload", Some(&s)).await.text();
        assert!(!caseload.contains(MARKER), "{caseload}");

        // The eighth: four left.
        attend(&t, &c, 1).await;
        let text = t.get(&overview, Some(&s)).await.text();
        assert!(text.contains(PROMPT), "{text}");
        assert!(
            text.contains("8 of 12 planned sessions attended, 4 left."),
            "{text}"
        );
        assert!(
            text.contains("move the course to its termination phase"),
            "{text}"
        );
        let caseload = t.get("/caseload", Some(&s)).await.text();
        assert!(caseload.contains(MARKER), "{caseload}");
        assert!(caseload.contains("Plan the ending"), "{caseload}");
        let page = t.get("/caseload", Some(&s)).await.body;
        assert!(
            page.contains(&format!("href=\"/courses/{}#ending\"", c.id)),
            "the marker links to the prompt"
        );
        let it = t
            .get(&overview, Some(&format!("{s}; ipt_lang=it")))
            .await
            .text();
        assert!(it.contains("parlare della conclusione"), "{it}");
        let api = api_get(&t, "/api/v1/caseload", &tok).await;
        let signal = api.json[0]["signals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == "ending_discussion_due")
            .cloned()
            .expect("the caseload API carries the prompt");
        assert_eq!(signal["detail"]["sessions_left"], 4);
        assert_eq!(signal["detail"]["planned"], 12);
        assert_eq!(signal["link"], format!("/courses/{}#ending", c.id));

        // Moving into the termination phase answers it.
        let now = t.app.course(&Actor::System, c.id).await.unwrap();
        t.app
            .transition(
                &Actor::System,
                c.id,
                now.version,
                CourseStatus::Active(Phase::Termination),
            )
            .await
            .unwrap();
        assert!(!t.get(&overview, Some(&s)).await.text().contains(PROMPT));
        assert!(!t.get("/caseload", Some(&s)).await.text().contains(MARKER));
    }
}

#[tokio::test]
async fn four_weeks_before_the_contract_end_the_ending_is_prompted_whatever_the_count() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let s = t.sign_in("anna").await;
        let p = t.patient(&anna, "Pia Late").await;
        // Sixteen weekly sessions, begun four months ago, ending in three weeks; two attended.
        let c = t.middle_course(&p, Format::Individual, 120, 16, 21).await;
        attend(&t, &c, 2).await;
        let text = t.get(&format!("/courses/{}", c.id), Some(&s)).await.text();
        assert!(text.contains(PROMPT), "{text}");
        assert!(
            text.contains("2 of 16 planned sessions attended, 14 left."),
            "{text}"
        );
        assert!(text.contains("within four weeks"), "{text}");
        assert!(t.get("/caseload", Some(&s)).await.text().contains(MARKER));
    }
}
