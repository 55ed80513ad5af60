//! The seed's secondary outcomes through the real router, on SQLite and PostgreSQL (#21):
//! perceived support, loneliness, the closeness circle and the per-relationship self-expression
//! rating, start against latest, on the course pages, the PDF, the API and the portal; the
//! inventory's patterns across relationships at the start and the end; the format's plan that
//! asks for the secondary measures; the programme's summary of them.

use axum::http::StatusCode;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::inventory::SnapshotKind;
use ipt_domain::protocol::{Format, Phase};
use serde_json::json;

use crate::api::{get as api_get, post as api_post, put as api_put, token};
use crate::portal_diary::portal_session;
use crate::reports::fetch;
use crate::support::*;

const SYSTEM: Actor = Actor::System;

/// A final score of `code` with the same answer on every item, `days_ago` days ago.
async fn scored(t: &TestApp, c: &Course, code: &str, answer: u8, items: usize, days_ago: i64) {
    t.record_final(c, code, vec![Some(answer); items], days_ago, Phase::Middle)
        .await;
}

/// The rating of `alias`, as the inventory page's form posts it, over the person's version.
async fn rate(t: &TestApp, session: &str, c: &Course, alias: &str, rating: &str) -> Reply {
    let view = t.app.course_view(&SYSTEM, c.id).await.unwrap();
    let p = view
        .inventory
        .iter()
        .find(|p| p.alias.as_str() == alias)
        .unwrap();
    t.post(
        &format!("/courses/{}/inventory/{}", c.id, p.id),
        Some(session),
        &[
            ("alias", alias),
            ("relationship", p.relationship.code()),
            ("ring", &p.ring.number().to_string()),
            ("conflict", p.conflict.code()),
            ("reciprocity", "unknown"),
            ("self_expression", rating),
            ("version", &p.version.to_string()),
        ],
    )
    .await
}

#[tokio::test]
async fn the_self_expression_rating_is_refused_alike_by_page_and_api_and_its_change_is_shown() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let session = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Rating Example").await;
        let c = t.started_course(&p, Format::Individual, 20).await;
        let inventory = format!("/courses/{}/inventory", c.id);

        // The page offers the question in our words, with "not asked" first.
        let form = t.get(&format!("{inventory}/new"), Some(&session)).await;
        let text = form.text();
        assert!(
            text.contains("How easy is it to tell this person what you need?"),
            "{text}"
        );
        assert!(text.contains("not a validated scale"), "{text}");

        // The same bad rating through the page and the API: the same refusal, nothing saved.
        let page = t
            .post(
                &inventory,
                Some(&session),
                &[
                    ("alias", "Sara"),
                    ("relationship", "friend"),
                    ("ring", "2"),
                    ("conflict", "none"),
                    ("reciprocity", "unknown"),
                    ("self_expression", "7"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.text().contains("Enter a whole number from 0 to 4."),
            "{}",
            page.text()
        );
        let api = api_post(
            &t,
            &format!("/api/v1/courses/{}/inventory", c.id),
            &tok,
            json!({"alias": "Sara", "relationship": "friend", "ring": 2, "self_expression": 7}),
        )
        .await;
        api.assert_problem(422);
        assert_eq!(api.json["errors"][0]["field"], "self_expression");
        assert_eq!(api.json["errors"][0]["code"], "number_out_of_range");
        assert!(
            t.app
                .course_view(&SYSTEM, c.id)
                .await
                .unwrap()
                .inventory
                .is_empty()
        );

        // Rated 1 ("hard") at the start, 3 ("fairly easy") later.
        let made = api_post(
            &t,
            &format!("/api/v1/courses/{}/inventory", c.id),
            &tok,
            json!({"alias": "Sara", "relationship": "friend", "ring": 2, "self_expression": 1}),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
        assert_eq!(made.json["self_expression"], 1);
        let text = t.get(&inventory, Some(&session)).await.text();
        assert!(text.contains("1: hard"), "{text}");
        let course = t.app.course_view(&SYSTEM, c.id).await.unwrap().course;
        t.app
            .take_snapshot(&SYSTEM, &course, SnapshotKind::Start)
            .await
            .unwrap();
        let r = rate(&t, &session, &c, "Sara", "3").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

        // The course page's panel: the index and Sara's own line, each labelled as our measure.
        let text = t
            .get(&format!("/courses/{}", c.id), Some(&session))
            .await
            .text();
        assert!(
            text.contains("Assertiveness in the relationships"),
            "{text}"
        );
        assert!(
            text.contains("+2, over one relationship rated at both points"),
            "{text}"
        );
        assert!(
            text.contains("Sara: how easy it is to say what they need"),
            "{text}"
        );
        assert!(text.contains("a course measure of this software"), "{text}");
        // The API says the same.
        let v = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        let se = &v.json["secondary_outcomes"]["self_expression"];
        assert_eq!(se["mean_change"], 2.0, "{}", v.json);
        assert_eq!(se["relationships"][0]["start"], 1);
        assert_eq!(se["relationships"][0]["latest"], 3);
        assert_eq!(v.json["snapshots"][0]["people"][0]["self_expression"], 1);
    }
}

#[tokio::test]
async fn support_and_loneliness_are_asked_for_then_compared_on_every_course_page_the_pdf_and_the_portal()
 {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let session = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Support Example").await;
        let c = t.middle_course(&p, Format::Individual, 60, 12, 30).await;
        let course_page = format!("/courses/{}", c.id);

        // The format's plan asks for both secondary measures at the start.
        let text = t.get(&course_page, Some(&session)).await.text();
        assert!(
            text.contains("MSPSS is due at the start of the course"),
            "{text}"
        );
        assert!(text.contains("UCLA-3 is due at the start"), "{text}");
        let v = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        assert_eq!(
            v.json["prompts"]["secondary_due"],
            json!([
                {"instrument": "mspss", "at": "start"},
                {"instrument": "ucla3", "at": "start"}
            ])
        );
        // Nothing measured: the panel says what to give.
        assert!(
            text.contains("No support or loneliness questionnaire yet"),
            "{text}"
        );

        // MSPSS 36 → 60 (reliable: 10 points), UCLA-3 9 → 8 (within error: 3 points).
        scored(&t, &c, "mspss", 3, 12, 40).await;
        scored(&t, &c, "ucla3", 3, 3, 40).await;
        scored(&t, &c, "mspss", 5, 12, 2).await;
        t.record_final(
            &c,
            "ucla3",
            vec![Some(3), Some(3), Some(2)],
            2,
            Phase::Middle,
        )
        .await;

        for path in [
            course_page.clone(),
            format!("/courses/{}/progress", c.id),
            format!("/courses/{}/termination", c.id),
            format!("/courses/{}/summary", c.id),
            format!("/courses/{}/inventory/patterns", c.id),
        ] {
            let page = t.get(&path, Some(&session)).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            let text = page.text();
            assert!(
                text.contains("Support, isolation and assertiveness"),
                "{path}"
            );
            assert!(text.contains("MSPSS total (12–84)"), "{path}: {text}");
            assert!(text.contains("+24: Reliable improvement"), "{path}: {text}");
            assert!(text.contains("MSPSS: family (item mean, 1–7)"), "{path}");
            assert!(text.contains("UCLA-3 total (3–9)"), "{path}");
            assert!(text.contains("−1: No reliable change"), "{path}: {text}");
            assert!(text.contains("Lower means less lonely."), "{path}");
            // The circle, start (Marta in the outer ring) against now.
            assert!(text.contains("People in the closeness circle"), "{path}");
        }
        // Both given: the plan no longer asks for them at the start.
        let text = t.get(&course_page, Some(&session)).await.text();
        assert!(
            !text.contains("is due at the start of the course"),
            "{text}"
        );

        // In Italian, the same panel in Italian words.
        let it = t
            .get(&course_page, Some(&format!("{session}; ipt_lang=it")))
            .await
            .text();
        assert!(it.contains("Supporto, isolamento e assertività"), "{it}");
        assert!(it.contains("MSPSS totale (12–84)"), "{it}");
        assert!(it.contains("Più basso significa meno solitudine."), "{it}");

        // The summary PDF carries the section.
        let pdf = fetch(&t, &format!("/courses/{}/summary.pdf", c.id), &session).await;
        assert_eq!(pdf.status, StatusCode::OK);
        let text = pdf.text();
        assert!(
            text.contains("Support, isolation and assertiveness"),
            "{text}"
        );
        assert!(text.contains("Perceived support"), "{text}");
        assert!(text.contains("+24"), "{text}");

        // The API's course view: the numbers behind the panel.
        let v = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        let m = &v.json["secondary_outcomes"]["measures"];
        assert_eq!(m[0]["instrument"], "mspss");
        assert_eq!(m[0]["difference"], 24.0);
        assert_eq!(m[0]["change"]["reliable_improvement"], true);
        assert_eq!(m[1]["instrument"], "ucla3");
        assert_eq!(m[1]["difference"], -1.0);
        assert_eq!(m[1]["higher_is_better"], false);

        // The portal: plain words, the hoped-for direction, never a clinician's band label.
        let portal = portal_session(&t, &p).await;
        let text = t.get("/portal/progress", Some(&portal)).await.text();
        assert!(text.contains("You and the people around you"), "{text}");
        assert!(
            text.contains("The support you feel from others: 36"),
            "{text}"
        );
        assert!(
            text.contains("This is a clear change in the hoped-for direction."),
            "{text}"
        );
        assert!(
            text.contains("within the usual ups and downs of this questionnaire"),
            "{text}"
        );
        for label in [
            "Low perceived support",
            "Moderate perceived support",
            "High perceived support",
            "Lonely",
            "Not lonely",
        ] {
            assert!(!text.contains(label), "{label} reached the portal: {text}");
        }
    }
}

#[tokio::test]
async fn patterns_across_relationships_are_kept_at_the_start_and_the_end_and_a_stale_save_loses_nothing()
 {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let session = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Patterns Example").await;
        let c = t.started_course(&p, Format::Individual, 10).await;
        let page = format!("/courses/{}/inventory/patterns", c.id);
        let text = t.get(&page, Some(&session)).await.text();
        assert!(
            text.contains("Asserting oneself, confronting, expressing anger"),
            "{text}"
        );
        assert!(
            text.contains("At the start") && text.contains("At the end"),
            "{text}"
        );

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
                &format!("{page}/start"),
                Some(&session),
                &[
                    ("relational_patterns", "Keeps people at arm's length"),
                    ("self_assertion", "Cannot say no to her mother"),
                    ("social_risk_taking", ""),
                    ("relationship_history", ""),
                    ("recorded_on", &today),
                    ("version", &version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let text = t
            .get(r.location.as_deref().unwrap(), Some(&session))
            .await
            .text();
        assert!(
            text.contains("The patterns across relationships were saved."),
            "{text}"
        );
        assert!(text.contains("Cannot say no to her mother"), "{text}");

        // A save over the old version is refused and keeps what was typed.
        let stale = t
            .post(
                &format!("{page}/end"),
                Some(&session),
                &[
                    ("self_assertion", "Told her mother no, twice"),
                    ("recorded_on", &today),
                    ("version", &version.to_string()),
                ],
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(
            stale.text().contains("Told her mother no, twice"),
            "{}",
            stale.text()
        );

        // A date in the future: the same refusal through the page and the API.
        let fresh = t
            .app
            .course_view(&SYSTEM, c.id)
            .await
            .unwrap()
            .course
            .version;
        let tomorrow = (t.app.today() + time::Duration::days(1)).to_string();
        let page_refusal = t
            .post(
                &format!("{page}/end"),
                Some(&session),
                &[
                    ("self_assertion", "Told her mother no, twice"),
                    ("recorded_on", &tomorrow),
                    ("version", &fresh.to_string()),
                ],
            )
            .await;
        assert_eq!(page_refusal.status, StatusCode::UNPROCESSABLE_ENTITY);
        let api = api_put(
            &t,
            &format!("/api/v1/courses/{}/inventory-patterns/end", c.id),
            &tok,
            json!({"self_assertion": "Told her mother no, twice", "recorded_on": tomorrow, "version": fresh}),
        )
        .await;
        api.assert_problem(422);
        assert_eq!(api.json["errors"][0]["field"], "recorded_on");
        assert_eq!(api.json["errors"][0]["code"], "date_in_future");
        let message = api.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(page_refusal.text().contains(&message), "{message}");

        // Through the API, the end point is kept beside the start.
        let ok = api_put(
            &t,
            &format!("/api/v1/courses/{}/inventory-patterns/end", c.id),
            &tok,
            json!({"self_assertion": "Told her mother no, twice", "version": fresh}),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
        let patterns = &ok.json["inventory_patterns"];
        assert_eq!(
            patterns["start"]["self_assertion"],
            "Cannot say no to her mother"
        );
        assert_eq!(
            patterns["end"]["self_assertion"],
            "Told her mother no, twice"
        );
        assert_eq!(patterns["end"]["recorded_on"], today);
        let bad_kind = api_put(
            &t,
            &format!("/api/v1/courses/{}/inventory-patterns/middle", c.id),
            &tok,
            json!({"version": fresh}),
        )
        .await;
        bad_kind.assert_problem(404);
    }
}

#[tokio::test]
async fn the_programme_summarises_each_secondary_measure_by_format() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let sup = t.user("sara", Role::Supervisor).await;
        t.supervise(&anna, &sup).await;
        let (_, tok) = token(&t, &sup).await;
        // Two courses: support up by 24 (reliable, out of the low range), and down by 12.
        for (name, first, latest) in [("Up Example", 2, 4), ("Down Example", 4, 3)] {
            let p = t.patient(&anna, name).await;
            let c = t.started_course(&p, Format::Individual, 30).await;
            scored(&t, &c, "mspss", first, 12, 20).await;
            scored(&t, &c, "mspss", latest, 12, 2).await;
        }
        let v = api_get(&t, "/api/v1/analytics/outcomes", &tok).await;
        assert_eq!(v.status, StatusCode::OK, "{}", v.json);
        let mspss = v.json["secondary"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["instrument"] == "mspss")
            .unwrap()
            .clone();
        assert_eq!(mspss["higher_is_better"], true);
        assert_eq!(mspss["caseness"]["threshold"], 35.0);
        let f = &mspss["by_format"][0];
        assert_eq!(f["format"], "individual");
        assert_eq!(f["courses"], 2);
        // (+24 − 12) / 2.
        assert_eq!(f["mean_change"], 6.0);
        assert_eq!(f["improved"], 1);
        assert_eq!(f["reliably_improved"], 1);
        assert_eq!(f["reliably_deteriorated"], 1);
        // 24 at the start is a case (35 or less); it ended at 48, out of the range.
        assert_eq!(f["cases_at_start"], 1);
        assert_eq!(f["left_caseness"], 1);
        assert!(
            !v.json["not_summarised"]
                .as_array()
                .unwrap()
                .contains(&json!("mspss"))
        );
        let sup_session = t.sign_in("sara").await;
        let text = t.get("/analytics", Some(&sup_session)).await.text();
        assert!(text.contains("Left the clinical range"), "{text}");
        assert!(
            text.contains("Multidimensional Scale of Perceived Social Support"),
            "{text}"
        );
        assert!(text.contains("+6"), "{text}");
    }
}

/// The summary PDF of an Italian-speaking patient carries the section in Italian.
#[tokio::test]
async fn the_summary_pdf_speaks_the_patients_language() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let session = t.sign_in("anna").await;
        let p = t
            .app
            .register_patient(
                &SYSTEM,
                "Giulia Esiti",
                None,
                ipt_domain::patient::Language::It,
                anna.id,
            )
            .await
            .unwrap();
        let c = t.started_course(&p, Format::Individual, 40).await;
        scored(&t, &c, "mspss", 3, 12, 30).await;
        scored(&t, &c, "mspss", 4, 12, 1).await;
        let pdf = fetch(&t, &format!("/courses/{}/summary.pdf", c.id), &session).await;
        assert_eq!(pdf.status, StatusCode::OK);
        let text = pdf.text();
        assert!(
            text.contains("Supporto, isolamento e assertività"),
            "{text}"
        );
        assert!(text.contains("Supporto percepito"), "{text}");
        assert!(text.contains("+12"), "{text}");
        // An empty section says what to give, in the same language.
        let q = t
            .app
            .register_patient(
                &SYSTEM,
                "Marco Vuoto",
                None,
                ipt_domain::patient::Language::It,
                anna.id,
            )
            .await
            .unwrap();
        let empty = t.started_course(&q, Format::Individual, 5).await;
        let text = fetch(&t, &format!("/courses/{}/summary.pdf", empty.id), &session)
            .await
            .text();
        assert!(
            text.contains("Ancora nessun questionario su supporto o solitudine"),
            "{text}"
        );
    }
}

/// The RAS (#21): answered −3 … +3 through the entry page and the API alike, a 0 refused the
/// same way by both, the published total kept and shown, and its change given without a
/// reliability verdict (no published SD is cited).
#[tokio::test]
async fn the_ras_is_entered_in_published_values_and_its_change_is_shown_without_a_verdict() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let session = t.sign_in("anna").await;
        let (_, tok) = token(&t, &anna).await;
        let p = t.patient(&anna, "Assert Example").await;
        let c = t.started_course(&p, Format::Individual, 40).await;
        let measures = format!("/courses/{}/measures", c.id);
        let api = format!("/api/v1/courses/{}/assessments", c.id);
        let names: Vec<String> = (1..=30).map(|n| format!("item_q{n}")).collect();

        // The entry page offers the published values, with their signs.
        let entry = t
            .get(&format!("{measures}/new?instrument=ras"), Some(&session))
            .await;
        assert_eq!(entry.status, StatusCode::OK);
        assert!(
            entry.body.contains("name=\"item_q1\" value=\"-3\""),
            "{}",
            entry.body
        );
        assert!(entry.text().contains("+3"), "{}", entry.text());
        assert!(
            !entry.body.contains("name=\"item_q1\" value=\"0\""),
            "no middle value"
        );

        // A 0 is refused alike by the page and the API, and nothing is saved.
        let mut form: Vec<(&str, &str)> = vec![("instrument", "ras"), ("version", "0")];
        for (i, n) in names.iter().enumerate() {
            form.push((n.as_str(), if i == 6 { "0" } else { "+1" }));
        }
        let page = t.post(&measures, Some(&session), &form).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.text()
        );
        let mut answers: Vec<serde_json::Value> = vec![json!(1); 30];
        answers[6] = json!(0);
        let refused = api_post(
            &t,
            &api,
            &tok,
            json!({"instrument": "ras", "answers": answers}),
        )
        .await;
        refused.assert_problem(422);
        assert_eq!(refused.json["errors"][0]["code"], "answer_not_on_scale");
        let message = refused.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains("−3 to −1 or +1 to +3"), "{message}");
        assert!(page.text().contains(&message), "{message}");
        assert!(
            t.app
                .course_view(&SYSTEM, c.id)
                .await
                .unwrap()
                .assessments
                .is_empty()
        );

        // −1 everywhere through the page: +4 (−13 forward, +17 reversed).
        let today = (t.app.today() - time::Duration::days(10)).to_string();
        let mut form: Vec<(&str, &str)> = vec![
            ("instrument", "ras"),
            ("version", "0"),
            ("administered_on", &today),
        ];
        for n in &names {
            form.push((n.as_str(), "-1"));
        }
        let saved = t.post(&measures, Some(&session), &form).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        // +3 everywhere through the API: −12.
        let made = api_post(
            &t,
            &api,
            &tok,
            json!({"instrument": "ras", "answers": vec![3; 30]}),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
        assert_eq!(made.json["result"]["total"], -12.0, "{}", made.json);
        assert_eq!(made.json["answers"][0], 3);

        let text = t
            .get(&format!("/courses/{}", c.id), Some(&session))
            .await
            .text();
        assert!(text.contains("Assertiveness (questionnaire)"), "{text}");
        assert!(text.contains("RAS total (-90–90)"), "{text}");
        assert!(text.contains("−16"), "{text}");
        assert!(
            text.contains("no reliable-change rule here, so the change is not judged"),
            "{text}"
        );
        let v = api_get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        let ras = &v.json["secondary_outcomes"]["measures"][0];
        assert_eq!(ras["instrument"], "ras");
        assert_eq!(
            (ras["min_total"].clone(), ras["max_total"].clone()),
            (json!(-90), json!(90))
        );
        assert_eq!(ras["difference"], -16.0);
        assert_eq!(
            ras["change"]["reliable_improvement"],
            serde_json::Value::Null
        );
        // The progress chart draws it on its own range.
        let progress = t
            .get(&format!("/courses/{}/progress", c.id), Some(&session))
            .await;
        assert_eq!(progress.status, StatusCode::OK);
        assert!(progress.text().contains("RAS"), "{}", progress.text());
    }
}
