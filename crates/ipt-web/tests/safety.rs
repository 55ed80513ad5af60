//! The safety page of a course through the real router, on SQLite and PostgreSQL: a positive
//! risk item prompts for a safety plan; the plan written on the page reaches the API, the
//! patient's own plan page with the site's crisis contacts, and both PDFs, whose risk sections
//! name the alerts with their dates and the last positive item; the medication record keeps
//! every change in order and refuses what would make it untrue; a stale save loses nothing.

use axum::http::StatusCode;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::protocol::{Format, Phase};
use serde_json::json;

use crate::api::{post as api_post, put as api_put, token};
use crate::portal_diary::portal_session;
use crate::reports::{fetch, phq9};
use crate::support::*;

const SYSTEM: Actor = Actor::System;

#[tokio::test]
async fn a_safety_plan_written_on_the_page_reaches_the_api_the_portal_and_both_documents() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let session = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Safety Example").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let page_path = format!("/courses/{}/safety", c.id);

        // Nothing raised yet: the page says so, and that it is no risk assessment.
        let page = t.get(&page_path, Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(
            text.contains("No risk alert has been raised on this course"),
            "{text}"
        );
        assert!(text.contains("This is not a risk assessment"), "{text}");
        assert!(
            !text.contains("no safety plan has been written yet"),
            "{text}"
        );

        // PHQ-9 item 9 answered 2: an open alert, and the page prompts for a plan.
        phq9(&t, &c, [2, 2, 2, 2, 2, 2, 2, 2, 2], Phase::Initial, 1).await;
        let text = t.get(&page_path, Some(&session)).await.text();
        assert!(text.contains("Open alert"), "{text}");
        assert!(text.contains("PHQ-9, item 9"), "{text}");
        assert!(
            text.contains("Last risk item answered positively"),
            "{text}"
        );
        assert!(
            text.contains("no safety plan has been written yet"),
            "{text}"
        );
        // The site's crisis contacts (here the default text) are shown with the plan.
        assert!(
            text.contains("Crisis contacts shown with the plan"),
            "{text}"
        );
        // The course page and the API prompt for a plan too.
        let course_page = format!("/courses/{}", c.id);
        let text = t.get(&course_page, Some(&session)).await.text();
        assert!(
            text.contains("Write a safety plan with the patient"),
            "{text}"
        );
        let v = crate::api::get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        assert_eq!(v.json["prompts"]["safety_plan_due"], true, "{}", v.json);

        let version = t
            .app
            .course_view(&SYSTEM, c.id)
            .await
            .unwrap()
            .course
            .version;
        let today = t.app.today().to_string();
        let r = t
            .post(
                &format!("{page_path}/plan"),
                Some(&session),
                &[
                    ("warning_signs", "Lying awake going over every mistake"),
                    ("coping_steps", "Walk to the river and back; put music on"),
                    ("people_and_places", "The allotment"),
                    ("people_to_ask", "My brother Dario, on his mobile"),
                    ("professional_contacts", "My therapist on weekdays"),
                    ("safer_environment", "Dario keeps the tablets"),
                    ("written_on", &today),
                    ("version", &version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let text = t
            .get(r.location.as_deref().unwrap(), Some(&session))
            .await
            .text();
        assert!(text.contains("The safety plan was saved."), "{text}");
        assert!(text.contains("Walk to the river and back"), "{text}");
        assert!(
            !text.contains("no safety plan has been written yet"),
            "{text}"
        );

        let text = t.get(&course_page, Some(&session)).await.text();
        assert!(
            !text.contains("Write a safety plan with the patient"),
            "{text}"
        );

        // The API reads what the page wrote.
        let course = crate::api::get(&t, &format!("/api/v1/courses/{}", c.id), &tok)
            .await
            .json;
        assert_eq!(
            course["course"]["safety_plan"]["coping_steps"],
            "Walk to the river and back; put music on"
        );
        assert_eq!(course["course"]["safety_plan"]["written_on"], today);
        assert_eq!(course["prompts"]["safety_plan_due"], false);

        // The patient's own plan page shows it with where to get help at once.
        let cookie = portal_session(&t, &p).await;
        let plan = t.get("/portal/plan", Some(&cookie)).await;
        assert_eq!(plan.status, StatusCode::OK);
        let text = plan.text();
        assert!(text.contains("My safety plan"), "{text}");
        assert!(text.contains("Things I can do on my own"), "{text}");
        assert!(text.contains("Walk to the river and back"), "{text}");
        assert!(text.contains("emergency"), "{text}");

        // The course summary's risk section names the open alert and the last positive item.
        let pdf = fetch(&t, &format!("/courses/{}/summary.pdf", c.id), &session).await;
        assert_eq!(pdf.status, StatusCode::OK);
        let text = pdf.text();
        for expected in [
            "Risk",
            "Open alert",
            "PHQ-9, item 9",
            // The label is hyphenated across lines in its narrow column.
            "Last risk item",
            "PHQ-9, item 9, ",
            "Safety plan",
            "Walk to the river and back",
            "Dario keeps the tablets",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }

        // "My plan" carries the plan, the crisis contacts and the patient's own risk record.
        let pdf = fetch(&t, &format!("/courses/{}/plan.pdf", c.id), &session).await;
        assert_eq!(pdf.status, StatusCode::OK);
        let text = pdf.text();
        for expected in [
            "My safety plan",
            "Things I can do on my own",
            "Walk to the river and back",
            "You gave an answer about your safety that your clinician will talk through with you",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        assert!(
            !text.contains("Open alert"),
            "clinician words in the patient's plan: {text}"
        );

        // Once acknowledged, both documents say when it was followed up.
        let alerts = t
            .app
            .alerts(
                &SYSTEM,
                ipt_app::ports::AlertFilter {
                    patient: Some(p.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let ack = api_post(
            &t,
            &format!(
                "/api/v1/patients/{}/alerts/{}/acknowledgements",
                p.id, alerts[0].id
            ),
            &tok,
            json!({"note": "Safety plan written together", "version": alerts[0].version}),
        )
        .await;
        assert_eq!(ack.status, StatusCode::CREATED, "{}", ack.json);
        let text = fetch(&t, &format!("/courses/{}/summary.pdf", c.id), &session)
            .await
            .text();
        assert!(text.contains("Acknowledged alert"), "{text}");
        assert!(text.contains("Safety plan written together"), "{text}");
        assert!(!text.contains("Open alert"), "{text}");
        let text = fetch(&t, &format!("/courses/{}/plan.pdf", c.id), &session)
            .await
            .text();
        assert!(text.contains("your clinician followed it up on"), "{text}");
    }
}

#[tokio::test]
async fn the_medication_record_keeps_every_change_in_order_through_page_and_api() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let session = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Medication Example").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let page_path = format!("/courses/{}/safety", c.id);
        let today = t.app.today();
        let earlier = (today - time::Duration::days(20)).to_string();

        let text = t.get(&page_path, Some(&session)).await.text();
        assert!(
            text.contains("The record shows no medicine being taken."),
            "{text}"
        );
        let text = t
            .get(&format!("/courses/{}/sessions/new", c.id), Some(&session))
            .await
            .text();
        assert!(
            text.contains("The medication record shows no medicine being taken."),
            "{text}"
        );

        // Started on the page, twenty days ago.
        let version = t
            .app
            .course_view(&SYSTEM, c.id)
            .await
            .unwrap()
            .course
            .version;
        let r = t
            .post(
                &format!("{page_path}/medication"),
                Some(&session),
                &[
                    ("medicine", "Sertraline"),
                    ("kind", "started"),
                    ("dose", "50 mg"),
                    ("prescriber", "Family doctor"),
                    ("on", &earlier),
                    ("note", ""),
                    ("version", &version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

        // A second start of the same medicine, differently spelt, is refused on both doors.
        let version = version + 1;
        let api = api_post(
            &t,
            &format!("/api/v1/courses/{}/medication", c.id),
            &tok,
            json!({"medicine": " sertraline", "kind": "started", "dose": "50 mg", "version": version}),
        )
        .await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(api.json["errors"][0]["code"], "medication_already_current");

        // The dose is raised through the API, today.
        let api = api_post(
            &t,
            &format!("/api/v1/courses/{}/medication", c.id),
            &tok,
            json!({"medicine": "Sertraline", "kind": "dose_changed", "dose": "100 mg", "version": version}),
        )
        .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.json);
        assert_eq!(api.json["medication"].as_array().unwrap().len(), 2);
        assert_eq!(api.json["current_medication"][0]["dose"], "100 mg");
        assert_eq!(api.json["current_medication"][0]["since"], earlier);

        // A change dated before the latest is refused, at its date, and nothing is added.
        let r = t
            .post(
                &format!("{page_path}/medication"),
                Some(&session),
                &[
                    ("medicine", "Sertraline"),
                    ("kind", "stopped"),
                    ("dose", ""),
                    ("prescriber", ""),
                    ("on", &(today - time::Duration::days(5)).to_string()),
                    ("note", "Typed on the page"),
                    ("version", &(version + 1).to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = r.text();
        assert!(text.contains("cannot be dated before it"), "{text}");
        assert!(
            r.body.contains("Typed on the page"),
            "what was typed is kept"
        );

        // A stale version is a conflict: nothing saved, what was typed kept.
        let r = t
            .post(
                &format!("{page_path}/medication"),
                Some(&session),
                &[
                    ("medicine", "Sertraline"),
                    ("kind", "stopped"),
                    ("on", &today.to_string()),
                    ("note", "Stopped for side effects"),
                    ("version", &version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Stopped for side effects"));
        let held = t.app.course_view(&SYSTEM, c.id).await.unwrap().course;
        assert_eq!(held.medication.len(), 2);

        // The page shows what is taken now and every change, newest first.
        let text = t.get(&page_path, Some(&session)).await.text();
        assert!(text.contains("Sertraline 100 mg (Family doctor)"), "{text}");
        assert!(text.contains("Dose changed"), "{text}");

        // The medication review task of a new session reads the record.
        let text = t
            .get(&format!("/courses/{}/sessions/new", c.id), Some(&session))
            .await
            .text();
        assert!(
            text.contains("The medication record shows: Sertraline 100 mg."),
            "{text}"
        );

        // A safety plan written through the API is replaced whole, over its version.
        let api = api_put(
            &t,
            &format!("/api/v1/courses/{}/safety-plan", c.id),
            &tok,
            json!({"warning_signs": "Not answering the phone", "coping_steps": "Shower, then a walk", "version": held.version}),
        )
        .await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.json);
        assert_eq!(api.json["safety_plan"]["people_to_ask"], "");
        assert_eq!(api.json["medication"].as_array().unwrap().len(), 2, "kept");
    }
}

#[tokio::test]
async fn a_group_members_screening_decides_the_prompt_and_a_referral_rule_comes_first() {
    for t in TestApp::all().await {
        let lay = t.user("facilitator", Role::Clinician).await;
        let session = t.sign_in("facilitator").await;
        let (_, tok) = token(&t, &lay).await;
        let p = t.patient(&lay, "Group Member Example").await;
        let c = t.started_course(&p, Format::Group, 7).await;
        let page = format!("/courses/{}", c.id);
        let api = format!("/api/v1/courses/{}", c.id);

        let text = t.get(&page, Some(&session)).await.text();
        assert!(
            text.contains("No screening questionnaire (PHQ-9) is recorded"),
            "{text}"
        );
        let v = crate::api::get(&t, &api, &tok).await.json;
        assert_eq!(v["prompts"]["group_eligibility"]["finding"], "not_screened");

        // PHQ-9 of 18 with item 9 at 0: at or above the threshold of 10.
        phq9(&t, &c, [2, 2, 2, 2, 2, 2, 2, 2, 0], Phase::Initial, 2).await;
        let text = t.get(&page, Some(&session)).await.text();
        assert!(
            text.contains("PHQ-9 16 on") && text.contains("at or above the group"),
            "{text}"
        );
        assert!(text.contains("not a diagnosis"), "{text}");
        let v = crate::api::get(&t, &api, &tok).await.json;
        let e = &v["prompts"]["group_eligibility"];
        assert_eq!(e["finding"], "at_or_above_threshold");
        assert_eq!(
            (e["total"].as_u64(), e["threshold"].as_u64()),
            (Some(16), Some(10))
        );

        // A later screening with the suicide item positive: refer on, whatever the score.
        phq9(&t, &c, [2, 2, 2, 2, 2, 2, 2, 2, 1], Phase::Initial, 1).await;
        let text = t.get(&page, Some(&session)).await.text();
        assert!(text.contains("Refer on before the group"), "{text}");
        assert!(text.contains("thoughts of death or self-harm"), "{text}");
        assert!(!text.contains("at or above the group"), "{text}");
        let v = crate::api::get(&t, &api, &tok).await.json;
        assert_eq!(
            v["prompts"]["group_eligibility"]["refer_on"],
            json!(["suicide_item_positive"])
        );

        // An individual course has no such finding.
        let q = t.patient(&lay, "Individual Example").await;
        let d = t.started_course(&q, Format::Individual, 7).await;
        let v = crate::api::get(&t, &format!("/api/v1/courses/{}", d.id), &tok)
            .await
            .json;
        assert!(v["prompts"]["group_eligibility"].is_null(), "{v}");
    }
}
