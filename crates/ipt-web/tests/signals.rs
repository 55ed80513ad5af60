//! Caseload signals on the page and in the API: each with its reason and a link to act on it,
//! in the reader's language, and the "with signals" filter.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ipt_app::ports::ApiToken;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::protocol::{Format, Modality, Phase};
use ipt_domain::session::{Attendance, RiskReview, SessionNumber, SessionPhase, TherapySession};
use serde_json::Value;

use crate::support::*;

async fn session(t: &TestApp, course: &Course, n: u16, attendance: Attendance) {
    let s = TherapySession {
        id: ipt_app::new_id(),
        course: course.id,
        number: SessionNumber::new(n).unwrap(),
        date: t.app.today() - time::Duration::weeks(i64::from(4 - n)),
        phase: SessionPhase {
            phase: Phase::Initial,
            override_reason: None,
        },
        modality: Modality::InPerson,
        attendance,
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
    t.app.record_session(&Actor::System, s).await.unwrap();
}

#[tokio::test]
async fn the_caseload_shows_each_signal_with_its_reason_and_where_to_act() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let mia = t.patient(&anna, "Mia Signals").await;
        t.patient(&anna, "Ugo Quiet").await;
        let course = t.started_course(&mia, Format::Individual, 60).await;
        session(&t, &course, 1, Attendance::Attended).await;
        session(&t, &course, 2, Attendance::NoShow).await;
        session(&t, &course, 3, Attendance::NoShow).await;

        let s = t.sign_in("anna").await;
        let page = t.get("/caseload", Some(&s)).await;
        let text = page.text();
        assert!(
            text.contains(
                "Measures overdue : Treatment has begun and no PHQ-9 baseline has been recorded. Record a measure"
            ),
            "{text}"
        );
        assert!(
            text.contains("Missed sessions : 2 sessions missed in a row without notice"),
            "{text}"
        );
        assert!(
            page.body
                .contains(&format!("href=\"/courses/{}/measures\"", course.id))
        );
        assert!(
            page.body
                .contains(&format!("href=\"/courses/{}/sessions\"", course.id))
        );
        assert!(
            page.body.contains("aria-hidden=\"true\">●"),
            "marked by an icon as well as colour"
        );
        assert!(text.contains("Ugo Quiet"));

        let filtered = t.get("/caseload?show=signals", Some(&s)).await.text();
        assert!(
            filtered.contains("Mia Signals") && !filtered.contains("Ugo Quiet"),
            "{filtered}"
        );

        let it = t
            .get("/caseload", Some(&format!("{s}; ipt_lang=it")))
            .await
            .text();
        assert!(
            it.contains("Misure in ritardo") && it.contains("Sedute mancate"),
            "{it}"
        );

        // The same signals in the JSON API.
        let raw = ipt_web::auth::new_token();
        let tok = ApiToken {
            id: ipt_app::new_id(),
            user: anna.id,
            name: "tests".into(),
            token_hash: ipt_web::auth::hash_token(&raw),
            created_at: t.app.now(),
            revoked_at: None,
            last_used_at: None,
        };
        let audit = t.app.audit(
            &Actor::System,
            "api_token.create",
            "api_token",
            tok.id.as_uuid(),
            None,
        );
        t.db.store.create_token(&tok, &audit).await.unwrap();
        let reply = t
            .request(
                Request::get("/api/v1/caseload")
                    .header(header::AUTHORIZATION, format!("Bearer {raw}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        let rows: Value = serde_json::from_str(&reply.body).unwrap();
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["patient"]["name"] == "Mia Signals")
            .unwrap();
        let kinds: Vec<&str> = row["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["measures_overdue", "missed_sessions"]);
        assert_eq!(row["signals"][0]["detail"]["due"], "baseline");
        assert_eq!(row["signals"][1]["detail"]["in_a_row"], 2);
        assert_eq!(
            row["signals"][1]["link"],
            format!("/courses/{}/sessions", course.id)
        );
    }
}
