//! The JSON API: personal tokens, every route's happy path, problem JSON that names the field,
//! version conflicts, access (another clinician's patient answers like a missing one), risk
//! alerts, and the OpenAPI document against the registered routes.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ipt_app::new_id;
use ipt_app::ports::{ApiToken, UserRecord};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::ids::TokenId;
use ipt_domain::protocol::Format;
use ipt_web::api::{ROUTES, openapi};
use serde_json::{Value, json};

use crate::support::*;

/// A personal API token for `user`, made the way `ipt token create` makes one.
pub(crate) async fn token(t: &TestApp, user: &UserRecord) -> (TokenId, String) {
    token_last_used(t, user, None).await
}

/// `token`, as if last used at `last_used`.
async fn token_last_used(
    t: &TestApp,
    user: &UserRecord,
    last_used: Option<time::OffsetDateTime>,
) -> (TokenId, String) {
    let raw = ipt_web::auth::new_token();
    let tok = ApiToken {
        id: new_id(),
        user: user.id,
        name: "tests".into(),
        token_hash: ipt_web::auth::hash_token(&raw),
        created_at: last_used.unwrap_or_else(|| t.app.now()),
        revoked_at: None,
        last_used_at: last_used,
    };
    let audit = t.app.audit(
        &Actor::System,
        "api_token.create",
        "api_token",
        tok.id.as_uuid(),
        None,
    );
    t.db.store.create_token(&tok, &audit).await.unwrap();
    (tok.id, raw)
}

pub(crate) struct Res {
    pub(crate) status: StatusCode,
    pub(crate) json: Value,
    pub(crate) reply: Reply,
}

impl Res {
    /// The fields a problem's `errors` names.
    fn fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn assert_problem(&self, status: u16) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}",
            serde_json::to_string_pretty(&self.json).unwrap()
        );
        assert_eq!(
            self.reply.content_type, "application/problem+json",
            "{}",
            self.reply.body
        );
        assert_eq!(self.json["status"], status);
        assert!(self.json["title"].is_string() && self.json["detail"].is_string());
        assert!(self.json["type"].is_string());
    }
}

async fn call(
    t: &TestApp,
    method: &str,
    path: &str,
    tok: Option<&str>,
    body: Option<Value>,
) -> Res {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(tok) = tok {
        req = req.header(header::AUTHORIZATION, format!("Bearer {tok}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let reply = t.request(req.body(body).unwrap()).await;
    Res {
        status: reply.status,
        json: serde_json::from_str(&reply.body).unwrap_or(Value::Null),
        reply,
    }
}

pub(crate) async fn get(t: &TestApp, path: &str, tok: &str) -> Res {
    call(t, "GET", path, Some(tok), None).await
}

pub(crate) async fn post(t: &TestApp, path: &str, tok: &str, body: Value) -> Res {
    call(t, "POST", path, Some(tok), Some(body)).await
}

pub(crate) async fn put(t: &TestApp, path: &str, tok: &str, body: Value) -> Res {
    call(t, "PUT", path, Some(tok), Some(body)).await
}

pub(crate) fn ok(r: &Res, status: StatusCode) {
    assert_eq!(
        r.status,
        status,
        "{}",
        serde_json::to_string_pretty(&r.json).unwrap_or_else(|_| r.reply.body.clone())
    );
    assert!(r.reply.content_type.starts_with("application/json"));
}

fn days_from_today(t: &TestApp, days: i64) -> String {
    (t.app.today() + time::Duration::days(days)).to_string()
}

/// A token's "last used" time is rewritten only when a minute has passed since the one stored,
/// so a busy client does not pay a write per call.
#[tokio::test]
async fn a_tokens_last_use_is_kept_to_the_minute() {
    for t in TestApp::all().await {
        let rosa = t.user("rosa", Role::Clinician).await;
        for (ago, rewritten) in [
            (time::Duration::seconds(20), false),
            (time::Duration::minutes(2), true),
        ] {
            let before = t.app.now() - ago;
            let (id, raw) = token_last_used(&t, &rosa, Some(before)).await;
            ok(&get(&t, "/api/v1/patients", &raw).await, StatusCode::OK);
            let stored =
                t.db.store
                    .tokens_of_user(rosa.id)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|x| x.id == id)
                    .and_then(|x| x.last_used_at)
                    .unwrap();
            assert_eq!(
                stored - before > time::Duration::seconds(10),
                rewritten,
                "used {ago} before: stored {stored}, was {before}"
            );
        }
    }
}

#[tokio::test]
async fn no_token_an_unknown_token_and_a_revoked_token_are_refused_with_problem_json() {
    for t in TestApp::all().await {
        let rosa = t.user("rosa", Role::Clinician).await;
        let r = call(&t, "GET", "/api/v1/patients", None, None).await;
        r.assert_problem(401);
        assert!(r.json["detail"].as_str().unwrap().contains("Bearer"));
        let r = call(&t, "GET", "/api/v1/patients", Some("not-a-token"), None).await;
        r.assert_problem(401);

        let (id, tok) = token(&t, &rosa).await;
        ok(&get(&t, "/api/v1/patients", &tok).await, StatusCode::OK);
        let listed = t.db.store.tokens_of_user(rosa.id).await.unwrap();
        assert!(listed[0].last_used_at.is_some(), "use is recorded");
        let audit = t.app.audit(
            &Actor::System,
            "api_token.revoke",
            "api_token",
            id.as_uuid(),
            None,
        );
        t.db.store
            .revoke_token(id, t.app.now(), &audit)
            .await
            .unwrap();
        get(&t, "/api/v1/patients", &tok).await.assert_problem(401);

        // A signed-in browser session works too.
        let cookie = t.sign_in("rosa").await;
        let req = Request::get("/api/v1/caseload")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        assert_eq!(t.request(req).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_clinician_runs_a_whole_course_through_the_api() {
    for t in TestApp::all().await {
        let rosa = t.user("rosa", Role::Clinician).await;
        let (_, tok) = token(&t, &rosa).await;
        let tok = tok.as_str();

        // Register a patient and start a course.
        let r = post(
            &t,
            "/api/v1/patients",
            tok,
            json!({"name": "Ada Test", "date_of_birth": "1990-04-01", "language": "it"}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        let pid = r.json["id"].as_str().unwrap().to_string();
        assert_eq!(
            r.reply.location.as_deref(),
            Some(format!("/api/v1/patients/{pid}").as_str())
        );
        assert_eq!(r.json["date_of_birth"], "1990-04-01");
        assert_eq!(r.json["clinician_id"], rosa.id.to_string());
        let list = get(&t, "/api/v1/patients", tok).await;
        ok(&list, StatusCode::OK);
        assert_eq!(list.json["items"][0]["name"], "Ada Test");

        let r = post(
            &t,
            "/api/v1/courses",
            tok,
            json!({"patient_id": pid, "format": "individual"}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        let cid = r.json["id"].as_str().unwrap().to_string();
        assert_eq!(r.json["status"], "referred");
        assert_eq!(
            r.reply.location.as_deref(),
            Some(format!("/api/v1/courses/{cid}").as_str())
        );
        let courses = get(&t, &format!("/api/v1/patients/{pid}/courses"), tok).await;
        ok(&courses, StatusCode::OK);
        assert_eq!(courses.json["items"][0]["id"], cid.as_str());
        assert_eq!(courses.json["next"], Value::Null);
        let course = format!("/api/v1/courses/{cid}");

        // Initial phase.
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "initial", "version": 1}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["status"], "initial");
        let mut version = r.json["version"].as_i64().unwrap();

        let r = post(
            &t,
            &format!("{course}/inventory"),
            tok,
            json!({"alias": "Marco", "relationship": "partner", "ring": 1, "confidant": true,
                   "conflict": "open", "area_tags": ["role_dispute"],
                   "notes": {"expectations": "more help at home"}}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["ring"], 1);
        let person = r.json["id"].as_str().unwrap().to_string();

        let r = post(
            &t,
            &format!("{course}/timeline/events"),
            tok,
            json!({"date": "2026-01", "kind": "conflict", "person_id": person,
                   "description": "arguments about the move"}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["date"], "2026-01");
        let r = post(
            &t,
            &format!("{course}/timeline/episodes"),
            tok,
            json!({"onset": "2026-02", "severity": "moderate", "current": true}),
        )
        .await;
        ok(&r, StatusCode::CREATED);

        let r = put(
            &t,
            &format!("{course}/diagnosis"),
            tok,
            json!({"statement": "Major depressive disorder, single episode", "severity": "moderate", "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        version = r.json["version"].as_i64().unwrap();
        let r = put(
            &t,
            &format!("{course}/focus"),
            tok,
            json!({"areas": [{"area": "role_dispute", "stage": "renegotiation"}], "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["focus"][0]["stage"], "renegotiation");
        version = r.json["version"].as_i64().unwrap();
        let r = put(
            &t,
            &format!("{course}/formulation"),
            tok,
            json!({"text": "Depression began with the dispute over the move.",
                   "accepted_on": t.app.today().to_string(), "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        version = r.json["version"].as_i64().unwrap();
        let r = put(
            &t,
            &format!("{course}/contract"),
            tok,
            json!({"sessions": 12, "frequency": "weekly", "end_date": days_from_today(&t, 90), "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["contract"]["sessions"], 12);
        version = r.json["version"].as_i64().unwrap();

        // The middle phase needs a baseline of the main questionnaire as well.
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "middle", "version": version}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(r.json["unmet"][0]["code"], "baseline_measure_recorded");
        let r = post(
            &t,
            &format!("{course}/assessments"),
            tok,
            json!({"instrument": "phq9", "answers": [3, 3, 2, 2, 2, 2, 1, 1, 0]}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["phase"], "initial");
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "middle", "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["status"], "middle");
        version = r.json["version"].as_i64().unwrap();

        // Middle phase: a session with a concern, a goal, and a PHQ-9 with item 9 positive.
        let r = post(
            &t,
            &format!("{course}/sessions"),
            tok,
            json!({"number": 5, "techniques": ["communication_analysis"],
                   "risk_review": {"reviewed": true, "concern": true, "note": "passive thoughts"},
                   "next_date": days_from_today(&t, 7)}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["phase"], "middle", "the course's phase");
        assert_eq!(r.json["modality"], "in_person", "the format's default");
        assert_eq!(r.json["date"], t.app.today().to_string());
        let r = post(
            &t,
            &format!("{course}/goals"),
            tok,
            json!({"area": "role_dispute", "description": "Talk about the move calmly", "progress": 3}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["status"], "open");

        let r = post(
            &t,
            &format!("{course}/assessments"),
            tok,
            json!({"instrument": "phq9", "answers": [2, 2, 1, 2, 1, 1, 1, 1, 1]}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["result"]["total"], 12.0);
        assert_eq!(r.json["result"]["risk_items"], json!([9]));
        assert_eq!(r.json["risk_alert_raised"], true);
        assert_eq!(r.json["phase"], "middle");

        // Two open alerts now: the session's concern and the PHQ-9 item.
        let alerts = get(&t, "/api/v1/alerts", tok).await;
        ok(&alerts, StatusCode::OK);
        let open = alerts.json["items"].as_array().unwrap();
        assert_eq!(open.len(), 2, "{}", alerts.reply.body);
        // A page at a time: one, then the other, then no next page.
        let first = get(&t, "/api/v1/alerts?limit=1", tok).await;
        ok(&first, StatusCode::OK);
        assert_eq!(first.json["items"][0], open[0]);
        let next = first.json["next"].as_str().unwrap().to_string();
        let second = get(&t, &next, tok).await;
        assert_eq!(second.json["items"][0], open[1]);
        assert_eq!(second.json["next"], Value::Null);
        let phq = open
            .iter()
            .find(|a| a["source"]["kind"] == "instrument")
            .unwrap();
        assert_eq!(phq["source"]["items"], json!([9]));
        let aid = phq["id"].as_str().unwrap();
        let ack = format!("/api/v1/patients/{pid}/alerts/{aid}/acknowledgements");
        let r = post(&t, &ack, tok, json!({"note": "ok", "version": 1})).await;
        r.assert_problem(422);
        assert_eq!(r.fields(), ["note"], "a note too short names the field");
        let r = post(
            &t,
            &ack,
            tok,
            json!({"note": "Called her; safety plan agreed; no intent.", "version": 1}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["open"], false);
        assert_eq!(r.json["acknowledgement"]["by"], rosa.id.to_string());
        let again = post(
            &t,
            &ack,
            tok,
            json!({"note": "Called her again today.", "version": r.json["version"]}),
        )
        .await;
        again.assert_problem(409);
        let alerts = get(&t, "/api/v1/alerts", tok).await;
        assert_eq!(alerts.json["items"].as_array().unwrap().len(), 1);
        let patient = get(&t, &format!("/api/v1/patients/{pid}"), tok).await;
        ok(&patient, StatusCode::OK);
        assert_eq!(
            patient.json["alerts"].as_array().unwrap().len(),
            2,
            "kept for ever"
        );

        let caseload = get(&t, "/api/v1/caseload", tok).await;
        ok(&caseload, StatusCode::OK);
        let row = &caseload.json[0];
        assert_eq!(row["course"]["status"], "middle");
        assert_eq!(row["latest_score"]["instrument"], "phq9");
        assert_eq!(row["latest_score"]["trend"], "better");
        assert_eq!(row["open_alerts"].as_array().unwrap().len(), 1);
        assert_eq!(row["sessions_attended"], 1);
        let only = get(&t, "/api/v1/caseload?show=alerts&sort=next", tok).await;
        assert_eq!(only.json.as_array().unwrap().len(), 1);
        get(&t, "/api/v1/caseload?sort=age", tok)
            .await
            .assert_problem(422);

        // The session's concern is acknowledged too: no course ends past an open alert.
        let concern = get(&t, "/api/v1/alerts", tok).await.json["items"][0].clone();
        let r = post(
            &t,
            &format!(
                "/api/v1/patients/{pid}/alerts/{}/acknowledgements",
                concern["id"].as_str().unwrap()
            ),
            tok,
            json!({"note": "Talked it through at the session; plan agreed.", "version": concern["version"]}),
        )
        .await;
        ok(&r, StatusCode::CREATED);

        // Termination, once the protocol's six middle-phase sessions are held, then completion.
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "termination", "version": version}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(r.json["unmet"][0]["code"], "middle_sessions_held");
        for n in 6..=10 {
            let r = post(
                &t,
                &format!("{course}/sessions"),
                tok,
                json!({"number": n, "risk_review": {"reviewed": true}}),
            )
            .await;
            ok(&r, StatusCode::CREATED);
        }
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "termination", "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        version = r.json["version"].as_i64().unwrap();
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "completed", "version": version}),
        )
        .await;
        r.assert_problem(422);
        let unmet: Vec<&str> = r.json["unmet"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["code"].as_str().unwrap())
            .collect();
        // 16 at baseline, 12 now: not a reliable improvement, so the next step is asked for.
        assert_eq!(
            unmet,
            [
                "end_measure_recorded",
                "relapse_plan_written",
                "non_response_next_step"
            ]
        );
        let r = post(
            &t,
            &format!("{course}/assessments"),
            tok,
            json!({"instrument": "phq9", "answers": [1, 1, 0, 1, 0, 0, 0, 0, 0]}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["risk_alert_raised"], false);
        let r = put(
            &t,
            &format!("{course}/relapse-plan"),
            tok,
            json!({"warning_signs": "sleeping badly", "seek_help": "call the clinic", "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        version = r.json["version"].as_i64().unwrap();
        let r = put(
            &t,
            &format!("{course}/maintenance-decision"),
            tok,
            json!({"choice": "no_further_treatment", "rationale": "remitted", "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        version = r.json["version"].as_i64().unwrap();
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "completed", "version": version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["status"], "completed");

        // The course view holds it all.
        let view = get(&t, &course, tok).await;
        ok(&view, StatusCode::OK);
        let v = &view.json;
        assert_eq!(v["patient"]["id"], pid.as_str());
        assert_eq!(v["inventory"][0]["alias"], "Marco");
        assert_eq!(v["timeline"]["events"][0]["person_id"], person.as_str());
        assert_eq!(v["timeline"]["episodes"].as_array().unwrap().len(), 1);
        assert_eq!(v["sessions"][0]["number"], 5);
        assert_eq!(v["goals"].as_array().unwrap().len(), 1);
        assert_eq!(v["sessions"].as_array().unwrap().len(), 6);
        assert_eq!(v["assessments"].as_array().unwrap().len(), 3);
        assert_eq!(
            (
                v["assessments_total"].as_u64(),
                v["sessions_total"].as_u64()
            ),
            (Some(3), Some(6))
        );
        assert_eq!(
            (&v["assessments_more"], &v["sessions_more"]),
            (&Value::Null, &Value::Null)
        );
        assert_eq!(
            v["course"]["focus_history"][0]["areas"][0]["area"],
            "role_dispute"
        );
        assert_eq!(v["snapshots"].as_array().unwrap().len(), 2, "start and end");
        assert_eq!(v["next"], json!([]));

        // The long lists, a page at a time: every row once, in order, then no next page.
        for (list, limit, numbers) in [("sessions", 4, "number"), ("assessments", 2, "id")] {
            let mut url = format!("{course}/{list}?limit={limit}");
            let mut seen = Vec::new();
            let mut pages = 0;
            loop {
                let r = get(&t, &url, tok).await;
                ok(&r, StatusCode::OK);
                let items = r.json["items"].as_array().unwrap();
                assert!(items.len() <= limit, "{url}");
                seen.extend(items.iter().map(|x| x[numbers].clone()));
                pages += 1;
                match r.json["next"].as_str() {
                    Some(next) => {
                        assert!(next.contains(&format!("limit={limit}")), "{next}");
                        url = next.to_string();
                    }
                    None => break,
                }
            }
            let whole: Vec<Value> = v[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x[numbers].clone())
                .collect();
            let mut sorted = whole.clone();
            if list == "sessions" {
                sorted.sort_by_key(|n| n.as_i64());
            }
            assert_eq!(seen.len(), whole.len(), "{list}: every row once");
            if list == "sessions" {
                assert_eq!(seen, sorted, "sessions by number");
            }
            assert_eq!(pages, whole.len().div_ceil(limit), "{list}");
        }
        assert_eq!(
            v["course"]["relapse_plan"]["warning_signs"],
            "sleeping badly"
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_every_field_named_and_nothing_saved() {
    for t in TestApp::all().await {
        let rosa = t.user("rosa", Role::Clinician).await;
        let (_, tok) = token(&t, &rosa).await;
        let tok = tok.as_str();

        let r = post(
            &t,
            "/api/v1/patients",
            tok,
            json!({"name": "  ", "date_of_birth": "14/03/1990", "language": "fr"}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(r.json["type"], "urn:ipt:problem:invalid-input");
        assert_eq!(r.fields(), ["name", "date_of_birth", "language"]);
        assert!(
            r.json["detail"]
                .as_str()
                .unwrap()
                .contains("date_of_birth: write the date as YYYY-MM-DD"),
            "{}",
            r.json["detail"]
        );
        let r = post(
            &t,
            "/api/v1/patients",
            tok,
            json!({"name": "Ada", "date_of_birth": days_from_today(&t, 3)}),
        )
        .await;
        assert_eq!(r.fields(), ["date_of_birth"]);
        assert!(
            r.json["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("future")
        );
        let r = post(
            &t,
            "/api/v1/patients",
            tok,
            json!({"name": 42, "nmae": "x"}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(
            r.fields(),
            ["name", "nmae"],
            "wrong type and unknown member"
        );
        let list = get(&t, "/api/v1/patients", tok).await;
        assert_eq!(list.json["items"], json!([]), "nothing was saved");

        let p = t.patient(&rosa, "Bea Test").await;
        let c = t.course(&p, Format::Individual).await;
        let course = format!("/api/v1/courses/{}", c.id);
        let r = post(
            &t,
            "/api/v1/courses",
            tok,
            json!({"patient_id": "nope", "format": "weekly"}),
        )
        .await;
        assert_eq!(r.fields(), ["patient_id", "format"]);
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "initial", "version": "one"}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(r.fields(), ["version"]);
        assert!(
            r.json["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("whole number")
        );
        let r = post(
            &t,
            &format!("{course}/transitions"),
            tok,
            json!({"target": "ended_early"}),
        )
        .await;
        assert_eq!(r.fields(), ["version", "end_reason"]);

        let r = post(
            &t,
            &format!("{course}/inventory"),
            tok,
            json!({"alias": "", "relationship": "cousin", "ring": 7, "area_tags": ["grief", "loneliness"]}),
        )
        .await;
        assert_eq!(
            r.fields(),
            ["alias", "relationship", "ring", "area_tags[1]"]
        );
        let r = post(
            &t,
            &format!("{course}/timeline/events"),
            tok,
            json!({"date": "spring 2019", "kind": "death", "person_id": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
        assert_eq!(r.fields(), ["date", "person_id"]);
        assert!(
            r.json["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("YYYY-MM")
        );
        let r = post(
            &t,
            &format!("{course}/sessions"),
            tok,
            json!({"attendance": "no_show", "techniques": ["role_play"], "next_date": "2000-01-01"}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(
            r.fields(),
            ["next_date", "techniques"],
            "the session's own rules are all named at once (the page names both too)"
        );
        let r = post(
            &t,
            &format!("{course}/sessions"),
            tok,
            json!({"attendance": "no_show", "techniques": ["role_play"]}),
        )
        .await;
        assert_eq!(r.fields(), ["techniques"]);

        // Questionnaires: bad items by index, wrong counts, and invalid finals with the
        // scoring errors.
        let a = format!("{course}/assessments");
        let r = post(&t, &a, tok, json!({"instrument": "phq99", "answers": []})).await;
        assert_eq!(r.fields(), ["instrument"]);
        let r = post(
            &t,
            &a,
            tok,
            json!({"instrument": "phq9", "answers": [1, 1, "x", 1, 1, 1, 1, 1, -1]}),
        )
        .await;
        assert_eq!(r.fields(), ["answers[2]", "answers[8]"]);
        let r = post(
            &t,
            &a,
            tok,
            json!({"instrument": "phq9", "answers": [1, 1, 1]}),
        )
        .await;
        assert_eq!(r.fields(), ["answers"]);
        assert!(
            r.json["detail"].as_str().unwrap().contains("expected 9"),
            "{}",
            r.json["detail"]
        );
        let r = post(
            &t,
            &a,
            tok,
            json!({"instrument": "phq9", "answers": [1, 1, 7, 1, 1, 1, 1, 1, 0]}),
        )
        .await;
        assert_eq!(r.fields(), ["answers"]);
        let too_few = json!([1, 1, null, null, null, 1, 1, 1, 0]);
        let r = post(
            &t,
            &a,
            tok,
            json!({"instrument": "phq9", "answers": too_few}),
        )
        .await;
        r.assert_problem(422);
        assert!(r.json["detail"].as_str().unwrap().starts_with("answers: "));
        let r = post(
            &t,
            &a,
            tok,
            json!({"instrument": "phq9", "answers": too_few, "status": "draft"}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["status"], "draft");
        assert_eq!(r.json["result"], Value::Null, "a draft carries no result");
        let view = get(&t, &course, tok).await;
        assert_eq!(
            view.json["assessments"].as_array().unwrap().len(),
            1,
            "only the draft"
        );
        assert_eq!(view.json["inventory"], json!([]));
        assert_eq!(view.json["sessions"], json!([]));
    }
}

/// The course view holds a course's most recent 100 assessments with the count of all and the
/// link that lists them all; the list's pages hold every one.
#[tokio::test]
async fn the_course_view_holds_the_recent_assessments_and_links_to_all() {
    for t in TestApp::all().await {
        let u = t.user("busy", Role::Clinician).await;
        let p = t.patient(&u, "Marta Molti").await;
        let c = t.started_course(&p, Format::Individual, 200).await;
        let (_, tok) = token(&t, &u).await;
        // One audit event per write, each with its own id.
        let audit = || {
            t.app.audit(
                &Actor::System,
                "assessment.create",
                "course",
                c.id.as_uuid(),
                Some(p.id),
            )
        };
        let mut ids = Vec::new();
        for i in 0..105i64 {
            let mut x = ipt_store_tests::fixtures::assessment(
                &p,
                c.id,
                ipt_domain::assessment::AssessmentStatus::Final,
            );
            x.result.as_mut().unwrap().risk_items.clear();
            x.administered_at = t.app.now() - time::Duration::hours(200 - i);
            t.db.store.add_assessment(&x, None, &audit()).await.unwrap();
            ids.push(x.id.to_string());
        }
        let view = get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
        ok(&view, StatusCode::OK);
        let shown: Vec<&str> = view.json["assessments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap())
            .collect();
        assert_eq!(shown.len(), 100);
        assert_eq!(
            shown,
            ids[5..].iter().map(String::as_str).collect::<Vec<_>>(),
            "the most recent"
        );
        assert_eq!(view.json["assessments_total"], 105);
        let more = view.json["assessments_more"].as_str().unwrap().to_string();
        let mut all = 0;
        let mut url = format!("{more}?limit=200");
        loop {
            let r = get(&t, &url, &tok).await;
            ok(&r, StatusCode::OK);
            all += r.json["items"].as_array().unwrap().len();
            match r.json["next"].as_str() {
                Some(n) => url = n.to_string(),
                None => break,
            }
        }
        assert_eq!(all, 105, "the pages hold every one");
    }
}

/// A page's `limit` and `after` are read by the core: out of range, made up, or a cursor of
/// another list, each is refused with its field and code, the same on both databases.
#[tokio::test]
async fn a_bad_page_limit_or_cursor_is_refused_with_its_code() {
    for t in TestApp::all().await {
        let u = t.user("pager", Role::Clinician).await;
        let p = t.patient(&u, "Paola Pagina").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let (_, tok) = token(&t, &u).await;
        let sessions = format!("/api/v1/courses/{}/sessions", c.id);
        let assessments = format!("/api/v1/courses/{}/assessments", c.id);
        for n in [1, 5] {
            let r = post(
                &t,
                &sessions,
                &tok,
                json!({"number": n, "risk_review": {"reviewed": true}}),
            )
            .await;
            ok(&r, StatusCode::CREATED);
        }
        let first = get(&t, &format!("{sessions}?limit=1"), &tok).await;
        ok(&first, StatusCode::OK);
        let cursor = first.json["next_cursor"].as_str().unwrap().to_string();
        for (url, field, code) in [
            (
                format!("{sessions}?limit=0"),
                "limit",
                "number_out_of_range",
            ),
            (
                format!("{sessions}?limit=201"),
                "limit",
                "number_out_of_range",
            ),
            (
                format!("{sessions}?limit=ten"),
                "limit",
                "number_out_of_range",
            ),
            (
                format!("{sessions}?after=not-a-cursor"),
                "after",
                "cursor_invalid",
            ),
            (
                format!("{assessments}?after={cursor}"),
                "after",
                "cursor_invalid",
            ),
        ] {
            let r = get(&t, &url, &tok).await;
            r.assert_problem(422);
            assert_eq!(r.json["errors"][0]["field"], field, "{url}");
            assert_eq!(r.json["errors"][0]["code"], code, "{url}");
        }
        let r = get(&t, &format!("{sessions}?limit=200&after={cursor}"), &tok).await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["items"][0]["number"], 5);
        assert_eq!(r.json["next"], Value::Null);
    }
}

#[tokio::test]
async fn malformed_bodies_give_problem_json_that_names_the_problem() {
    let t = TestApp::sqlite().await;
    let rosa = t.user("rosa", Role::Clinician).await;
    let (_, tok) = token(&t, &rosa).await;
    let send = |body: &'static str, content_type: Option<&'static str>| {
        let mut req = Request::post("/api/v1/patients")
            .header(header::AUTHORIZATION, format!("Bearer {tok}"));
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        req.body(Body::from(body)).unwrap()
    };
    let cases = [
        (
            r#"{"name": "Ada""#,
            Some("application/json"),
            400,
            "not valid JSON",
        ),
        (
            r#"{"name": "Ada",}"#,
            Some("application/json"),
            400,
            "line 1 column",
        ),
        (r#"["Ada"]"#, Some("application/json"), 400, "JSON object"),
        ("", Some("application/json"), 400, "not valid JSON"),
        (
            r#"{"name": "Ada"}"#,
            None,
            415,
            "Content-Type: application/json",
        ),
        (
            "name=Ada",
            Some("application/x-www-form-urlencoded"),
            415,
            "JSON",
        ),
    ];
    for (body, ct, status, says) in cases {
        let reply = t.request(send(body, ct)).await;
        assert_eq!(reply.status.as_u16(), status, "{body}: {}", reply.body);
        assert_eq!(reply.content_type, "application/problem+json", "{body}");
        let json: Value = serde_json::from_str(&reply.body).unwrap();
        assert_eq!(json["errors"][0]["field"], "body", "{body}");
        assert!(
            json["detail"].as_str().unwrap().contains(says),
            "{body}: {}",
            json["detail"]
        );
    }
    let r = call(&t, "DELETE", "/api/v1/patients", Some(&tok), None).await;
    r.assert_problem(405);
    assert!(r.reply.body.contains("Allow"));
}

#[tokio::test]
async fn a_stale_version_is_refused_with_both_versions_and_nothing_saved() {
    for t in TestApp::all().await {
        let rosa = t.user("rosa", Role::Clinician).await;
        let (_, tok) = token(&t, &rosa).await;
        let p = t.patient(&rosa, "Cleo Test").await;
        let c = t.course(&p, Format::Individual).await;
        let course = format!("/api/v1/courses/{}", c.id);
        let first = post(
            &t,
            &format!("{course}/transitions"),
            &tok,
            json!({"target": "initial", "version": 1}),
        )
        .await;
        ok(&first, StatusCode::OK);
        let stale = put(
            &t,
            &format!("{course}/diagnosis"),
            &tok,
            json!({"statement": "MDD", "severity": "mild", "version": 1}),
        )
        .await;
        stale.assert_problem(409);
        assert_eq!(stale.json["type"], "urn:ipt:problem:version-conflict");
        assert_eq!(stale.json["your_version"], 1);
        assert_eq!(stale.json["current_version"], first.json["version"]);
        assert_eq!(stale.fields(), ["version"]);
        let view = get(&t, &course, &tok).await;
        assert_eq!(view.json["course"]["diagnosis"], Value::Null);
    }
}

/// The API's patient routes × roles: reads for the patient's clinician and their supervisor,
/// changes for the clinician alone; everyone else gets the same 404 as a missing record.
#[tokio::test]
async fn another_clinicians_patient_answers_exactly_like_a_missing_one() {
    for t in TestApp::all().await {
        let sup = t.user("sup", Role::Supervisor).await;
        let owner = t.user("owner", Role::Clinician).await;
        t.supervise(&owner, &sup).await;
        let other = t.user("other", Role::Clinician).await;
        let admin = t.user("admin", Role::Admin).await;
        let p = t.patient(&owner, "Dora Secret").await;
        let c = t.course(&p, Format::Individual).await;
        let missing = uuid::Uuid::now_v7().to_string();
        // A real alert to acknowledge: a PHQ-9 with item 9 answered positively.
        let (_, owner_tok) = token(&t, &owner).await;
        let raised = post(
            &t,
            &format!("/api/v1/courses/{}/assessments", c.id),
            &owner_tok,
            json!({"instrument": "phq9", "answers": [1, 1, 1, 1, 1, 1, 1, 1, 2]}),
        )
        .await;
        ok(&raised, StatusCode::CREATED);
        let alerts = get(&t, "/api/v1/alerts", &owner_tok).await;
        let alert = alerts.json["items"][0]["id"].as_str().unwrap().to_string();
        // (method, path with {p} and {c}, body, changes data)
        let routes: Vec<(&str, &str, Option<Value>, bool)> = vec![
            ("GET", "/api/v1/patients/{p}", None, false),
            ("GET", "/api/v1/patients/{p}/courses", None, false),
            ("GET", "/api/v1/courses/{c}", None, false),
            (
                "POST",
                "/api/v1/courses",
                Some(json!({"patient_id": "{p}", "format": "brief"})),
                true,
            ),
            (
                "POST",
                "/api/v1/courses/{c}/transitions",
                Some(json!({"target": "initial", "version": 99})),
                true,
            ),
            (
                "PUT",
                "/api/v1/courses/{c}/diagnosis",
                Some(json!({"statement": "x", "severity": "mild", "version": 99})),
                true,
            ),
            (
                "PUT",
                "/api/v1/courses/{c}/focus",
                Some(json!({"areas": [{"area": "grief"}], "version": 99})),
                true,
            ),
            (
                "PUT",
                "/api/v1/courses/{c}/formulation",
                Some(json!({"text": "x", "version": 99})),
                true,
            ),
            (
                "PUT",
                "/api/v1/courses/{c}/contract",
                Some(
                    json!({"sessions": 12, "frequency": "weekly", "end_date": "2100-01-01", "version": 99}),
                ),
                true,
            ),
            (
                "PUT",
                "/api/v1/courses/{c}/relapse-plan",
                Some(json!({"warning_signs": "x", "seek_help": "y", "version": 99})),
                true,
            ),
            (
                "PUT",
                "/api/v1/courses/{c}/maintenance-decision",
                Some(json!({"choice": "medication", "version": 99})),
                true,
            ),
            (
                "POST",
                "/api/v1/courses/{c}/inventory",
                Some(json!({"alias": "A", "relationship": "friend", "ring": 2})),
                true,
            ),
            (
                "PUT",
                "/api/v1/courses/{c}/inventory-patterns/start",
                Some(json!({"self_assertion": "x", "version": 99})),
                true,
            ),
            (
                "POST",
                "/api/v1/courses/{c}/timeline/events",
                Some(json!({"date": "2020", "kind": "move"})),
                true,
            ),
            (
                "POST",
                "/api/v1/courses/{c}/timeline/episodes",
                Some(json!({"onset": "2020", "severity": "mild"})),
                true,
            ),
            ("GET", "/api/v1/courses/{c}/sessions", None, false),
            (
                "GET",
                "/api/v1/courses/{c}/assessments?limit=1",
                None,
                false,
            ),
            (
                "POST",
                "/api/v1/courses/{c}/sessions",
                Some(json!({"number": 1})),
                true,
            ),
            (
                "POST",
                "/api/v1/courses/{c}/goals",
                Some(json!({"area": "grief", "description": "x"})),
                true,
            ),
            (
                "POST",
                "/api/v1/courses/{c}/assessments",
                Some(json!({"instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 0]})),
                true,
            ),
            (
                "POST",
                "/api/v1/patients/{p}/alerts/{a}/acknowledgements",
                Some(json!({"note": "done that", "version": 1})),
                true,
            ),
        ];
        let who = [
            (&owner, true, true),
            (&sup, true, false),
            (&other, false, false),
            (&admin, false, false),
        ];
        for (user, may_read, may_write) in who {
            let (_, tok) = token(&t, user).await;
            for (method, template, body, writes) in &routes {
                let fill = |s: &str, pid: &str, cid: &str| {
                    s.replace("{p}", pid)
                        .replace("{c}", cid)
                        .replace("{a}", &alert)
                };
                let path = fill(template, &p.id.to_string(), &c.id.to_string());
                let body_real = body.as_ref().map(|b| {
                    serde_json::from_str(&fill(
                        &b.to_string(),
                        &p.id.to_string(),
                        &c.id.to_string(),
                    ))
                    .unwrap()
                });
                let r = call(&t, method, &path, Some(&tok), body_real).await;
                let allowed = if *writes { may_write } else { may_read };
                let name = &user.username;
                if allowed {
                    assert_ne!(
                        r.status,
                        StatusCode::NOT_FOUND,
                        "{name} {method} {path}: {}",
                        r.reply.body
                    );
                    continue;
                }
                r.assert_problem(404);
                assert!(
                    !r.reply.body.contains("Dora"),
                    "{name} {method} {path} leaked the name"
                );
                // The very same answer as for a record that does not exist.
                let gone = fill(template, &missing, &missing);
                let body_gone = body.as_ref().map(|b| {
                    serde_json::from_str(&fill(&b.to_string(), &missing, &missing)).unwrap()
                });
                let m = call(&t, method, &gone, Some(&tok), body_gone).await;
                assert_eq!(
                    (r.status, &r.json),
                    (m.status, &m.json),
                    "{name} {method} {template}: denied and missing differ"
                );
            }
        }
        // Collections are the caller's own; administrators read no clinical records.
        let (_, other_tok) = token(&t, &other).await;
        assert_eq!(
            get(&t, "/api/v1/patients", &other_tok).await.json["items"],
            json!([])
        );
        assert_eq!(
            get(&t, "/api/v1/caseload", &other_tok).await.json,
            json!([])
        );
        let (_, sup_tok) = token(&t, &sup).await;
        let seen = get(&t, "/api/v1/patients", &sup_tok).await;
        assert_eq!(
            seen.json["items"][0]["name"], "Dora Secret",
            "a supervisor sees supervisees' patients"
        );
        let (_, admin_tok) = token(&t, &admin).await;
        for path in ["/api/v1/patients", "/api/v1/caseload", "/api/v1/alerts"] {
            get(&t, path, &admin_tok).await.assert_problem(403);
        }
        post(&t, "/api/v1/patients", &admin_tok, json!({"name": "Eve"}))
            .await
            .assert_problem(403);
    }
}

#[tokio::test]
async fn a_refused_transition_lists_every_unmet_guard_by_code_and_message() {
    let t = TestApp::sqlite().await;
    let rosa = t.user("rosa", Role::Clinician).await;
    let (_, tok) = token(&t, &rosa).await;
    let p = t.patient(&rosa, "Fay Test").await;
    let c = t.course(&p, Format::Individual).await;
    let path = format!("/api/v1/courses/{}/transitions", c.id);
    let r = post(&t, &path, &tok, json!({"target": "middle", "version": 1})).await;
    r.assert_problem(422);
    assert_eq!(r.fields(), ["target"], "referred cannot jump to middle");
    let r = post(&t, &path, &tok, json!({"target": "initial", "version": 1})).await;
    ok(&r, StatusCode::OK);
    let r = post(&t, &path, &tok, json!({"target": "middle", "version": 2})).await;
    r.assert_problem(422);
    assert_eq!(r.json["type"], "urn:ipt:problem:transition-refused");
    let unmet = r.json["unmet"].as_array().unwrap();
    let codes: Vec<&str> = unmet.iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        [
            "diagnosis_recorded",
            "inventory_has_person",
            "timeline_has_event",
            "baseline_measure_recorded",
            "focus_areas_chosen",
            "formulation_accepted",
            "contract_agreed"
        ]
    );
    assert_eq!(unmet[0]["message"], "record the diagnosis");
    let view = get(&t, &format!("/api/v1/courses/{}", c.id), &tok).await;
    let next = &view.json["next"][0];
    assert_eq!(
        (next["target"].as_str(), next["ready"].as_bool()),
        (Some("middle"), Some(false))
    );
    assert_eq!(next["unmet"].as_array().unwrap().len(), 7);
    let r = post(
        &t,
        &path,
        &tok,
        json!({"target": "ended_early", "end_reason": "other", "version": 2}),
    )
    .await;
    assert_eq!(r.fields(), ["end_detail"]);
    let r = post(
        &t,
        &path,
        &tok,
        json!({"target": "ended_early", "end_reason": "other", "end_detail": "moved abroad", "version": 2}),
    )
    .await;
    ok(&r, StatusCode::OK);
    assert_eq!(
        r.json["end_reason"],
        json!({"reason": "other", "detail": "moved abroad"})
    );
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_registered_routes() {
    let t = TestApp::sqlite().await;
    let rosa = t.user("rosa", Role::Clinician).await;
    let (_, tok) = token(&t, &rosa).await;
    let served = get(&t, "/api/v1/openapi.json", &tok).await;
    ok(&served, StatusCode::OK);
    assert_eq!(&served.json, openapi::document());
    assert_eq!(served.json["openapi"], "3.1.0");

    let mut registered: Vec<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .chain(
            openapi::REGISTERED_ELSEWHERE
                .iter()
                .map(|(m, p)| (m.to_string(), p.to_string())),
        )
        .collect();
    registered.sort();
    let documented = openapi::operations(openapi::document());
    let missing: Vec<_> = registered
        .iter()
        .filter(|r| !documented.contains(r))
        .collect();
    let extra: Vec<_> = documented
        .iter()
        .filter(|d| !registered.contains(d))
        .collect();
    assert!(
        missing.is_empty(),
        "registered but not documented: {missing:?}"
    );
    assert!(extra.is_empty(), "documented but not registered: {extra:?}");

    // And the router really serves every documented operation: none falls through to "nothing
    // at this address" or "method not allowed".
    for (method, path) in &documented {
        let concrete = path
            .split('/')
            .map(|seg| {
                if seg.starts_with('{') {
                    uuid::Uuid::now_v7().to_string()
                } else {
                    seg.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = (method != "GET").then(|| json!({}));
        let r = call(&t, method, &concrete, Some(&tok), body).await;
        assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(
            !r.reply.body.contains("there is nothing at this address"),
            "{method} {path} is not routed"
        );
    }
}

async fn delete(t: &TestApp, path: &str, tok: &str) -> Res {
    call(t, "DELETE", path, Some(tok), None).await
}

/// Corrections and removals, the indication and the termination review: each saves with the
/// version that was read, refuses a stale one with 409, names a bad field, and answers another
/// clinician exactly as for a missing course.
#[tokio::test]
async fn records_are_corrected_and_removed_with_versions_through_the_api() {
    for t in TestApp::all().await {
        let rosa = t.user("rosa", Role::Clinician).await;
        let other = t.user("other", Role::Clinician).await;
        let (_, tok) = token(&t, &rosa).await;
        let (_, other_tok) = token(&t, &other).await;
        let tok = tok.as_str();
        let p = t.patient(&rosa, "Gia Test").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let course = format!("/api/v1/courses/{}", c.id);
        let missing = format!("/api/v1/courses/{}", uuid::Uuid::now_v7());

        // Indication.
        let ind = format!("{course}/indication");
        let r = put(
            &t,
            &ind,
            tok,
            json!({"symptoms": ["depressed_mood", "sleep_change"], "two_weeks_or_more": true,
                   "severity": "moderate", "first_line_reasons": ["prefers_psychotherapy"],
                   "version": c.version}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(
            r.json["indication"]["symptoms"],
            json!(["depressed_mood", "sleep_change"])
        );
        let v = r.json["version"].as_i64().unwrap();
        put(&t, &ind, tok, json!({"version": 1}))
            .await
            .assert_problem(409);
        let r = put(
            &t,
            &ind,
            tok,
            json!({"symptoms": ["sadness"], "escalation_flags": ["x"], "version": v}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(r.fields(), ["symptoms[0]", "escalation_flags[0]"]);

        // Termination review.
        let tr = format!("{course}/termination-review");
        let r = put(&t, &tr, tok, json!({"gains": "  ", "version": v})).await;
        r.assert_problem(422);
        assert_eq!(r.fields(), ["gains"]);
        let r = put(
            &t,
            &tr,
            tok,
            json!({"gains": "spoke up at home", "reviewed_on": days_from_today(&t, 2), "version": v}),
        )
        .await;
        assert_eq!(r.fields(), ["reviewed_on"]);
        let r = put(
            &t,
            &tr,
            tok,
            json!({"gains": "spoke up at home", "version": v}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["termination_review"]["gains"], "spoke up at home");
        assert_eq!(
            r.json["termination_review"]["reviewed_on"],
            t.app.today().to_string()
        );
        put(&t, &tr, tok, json!({"gains": "x", "version": v}))
            .await
            .assert_problem(409);

        // Inventory person: replace, stale, bad field, remove.
        let r = post(
            &t,
            &format!("{course}/inventory"),
            tok,
            json!({"alias": "Marco", "relationship": "partner", "ring": 1}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        let person = format!("{course}/inventory/{}", r.json["id"].as_str().unwrap());
        let r = put(
            &t,
            &person,
            tok,
            json!({"alias": "Marco", "relationship": "partner", "ring": 2, "version": 1}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(
            (r.json["ring"].as_i64(), r.json["version"].as_i64()),
            (Some(2), Some(2))
        );
        let r = put(
            &t,
            &person,
            tok,
            json!({"alias": "Marco", "relationship": "partner", "ring": 3, "version": 1}),
        )
        .await;
        r.assert_problem(409);
        assert_eq!(r.json["current_version"], 2);
        let r = put(
            &t,
            &person,
            tok,
            json!({"alias": "Marco", "relationship": "cousin", "ring": 2}),
        )
        .await;
        assert_eq!(r.fields(), ["version", "relationship"]);
        delete(&t, &person, tok).await.assert_problem(422);
        let r = delete(&t, &format!("{person}?version=1"), tok).await;
        r.assert_problem(409);
        let r = delete(&t, &format!("{person}?version=2"), tok).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.reply.body);
        delete(&t, &format!("{person}?version=2"), tok)
            .await
            .assert_problem(404);

        // Timeline event and mood episode.
        let r = post(
            &t,
            &format!("{course}/timeline/events"),
            tok,
            json!({"date": "2025", "kind": "move"}),
        )
        .await;
        let event = format!(
            "{course}/timeline/events/{}",
            r.json["id"].as_str().unwrap()
        );
        let r = put(
            &t,
            &event,
            tok,
            json!({"date": "2025-06", "kind": "move", "description": "to Turin", "version": 1}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["date"], "2025-06");
        put(
            &t,
            &event,
            tok,
            json!({"date": "2025", "kind": "move", "version": 1}),
        )
        .await
        .assert_problem(409);
        let r = put(
            &t,
            &event,
            tok,
            json!({"date": "June", "kind": "move", "version": 2}),
        )
        .await;
        assert_eq!(r.fields(), ["date"]);
        delete(&t, &format!("{event}?version=1"), tok)
            .await
            .assert_problem(409);
        let r = delete(&t, &format!("{event}?version=two"), tok).await;
        assert_eq!(r.fields(), ["version"]);
        let r = delete(&t, &format!("{event}?version=2"), tok).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);

        let r = post(
            &t,
            &format!("{course}/timeline/episodes"),
            tok,
            json!({"onset": "2025", "severity": "mild"}),
        )
        .await;
        let episode = format!(
            "{course}/timeline/episodes/{}",
            r.json["id"].as_str().unwrap()
        );
        let r = put(
            &t,
            &episode,
            tok,
            json!({"onset": "2025", "severity": "severe", "current": true, "version": 1}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["severity"], "severe");
        put(
            &t,
            &episode,
            tok,
            json!({"onset": "2025", "severity": "mild", "version": 1}),
        )
        .await
        .assert_problem(409);
        let r = put(
            &t,
            &episode,
            tok,
            json!({"onset": "2025", "severity": "awful", "version": 2}),
        )
        .await;
        assert_eq!(r.fields(), ["severity"]);

        // Session and goal.
        let r = post(&t, &format!("{course}/sessions"), tok, json!({"number": 1})).await;
        ok(&r, StatusCode::CREATED);
        let session = format!("{course}/sessions/{}", r.json["id"].as_str().unwrap());
        post(&t, &format!("{course}/sessions"), tok, json!({"number": 2})).await;
        let r = put(
            &t,
            &session,
            tok,
            json!({"notes": "went well", "version": 1}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(
            (r.json["number"].as_i64(), r.json["notes"].as_str()),
            (Some(1), Some("went well"))
        );
        put(&t, &session, tok, json!({"notes": "x", "version": 1}))
            .await
            .assert_problem(409);
        let r = put(
            &t,
            &session,
            tok,
            json!({"number": 2, "attendance": "late", "version": 2}),
        )
        .await;
        assert_eq!(r.fields(), ["number", "attendance"]);

        let r = post(
            &t,
            &format!("{course}/goals"),
            tok,
            json!({"area": "role_dispute", "description": "Talk calmly"}),
        )
        .await;
        let goal = format!("{course}/goals/{}", r.json["id"].as_str().unwrap());
        let r = put(
            &t,
            &goal,
            tok,
            json!({"area": "role_dispute", "description": "Talk calmly", "progress": 6, "status": "achieved", "version": 1}),
        )
        .await;
        ok(&r, StatusCode::OK);
        assert_eq!(r.json["status"], "achieved");
        put(
            &t,
            &goal,
            tok,
            json!({"area": "grief", "description": "x", "version": 1}),
        )
        .await
        .assert_problem(409);
        let r = put(
            &t,
            &goal,
            tok,
            json!({"area": "grief", "description": "x", "progress": 11, "version": 2}),
        )
        .await;
        assert_eq!(r.fields(), ["progress"]);

        // Another clinician: every one of these answers like a missing course.
        let item = |path: &str| path.replacen(&course, &missing, 1);
        let writes: Vec<(&str, String, Option<Value>)> = vec![
            ("PUT", ind.clone(), Some(json!({"version": 99}))),
            (
                "PUT",
                tr.clone(),
                Some(json!({"gains": "x", "version": 99})),
            ),
            (
                "PUT",
                person.clone(),
                Some(json!({"alias": "A", "relationship": "friend", "ring": 1, "version": 1})),
            ),
            ("DELETE", format!("{person}?version=1"), None),
            (
                "PUT",
                event.clone(),
                Some(json!({"date": "2020", "kind": "move", "version": 1})),
            ),
            ("DELETE", format!("{event}?version=1"), None),
            (
                "PUT",
                episode.clone(),
                Some(json!({"onset": "2020", "severity": "mild", "version": 1})),
            ),
            ("PUT", session.clone(), Some(json!({"version": 1}))),
            (
                "PUT",
                goal.clone(),
                Some(json!({"area": "grief", "description": "x", "version": 1})),
            ),
        ];
        for (method, path, body) in writes {
            let r = call(&t, method, &path, Some(&other_tok), body.clone()).await;
            r.assert_problem(404);
            let m = call(&t, method, &item(&path), Some(&other_tok), body).await;
            assert_eq!((r.status, &r.json), (m.status, &m.json), "{method} {path}");
        }
        let view = get(&t, &course, tok).await;
        assert_eq!(
            view.json["goals"][0]["status"], "achieved",
            "nothing changed"
        );
    }
}

/// Supervision comments: the clinician's supervisor posts; the clinician and the supervisor
/// read; everyone else, the clinician included for posting, gets the missing-course answer.
#[tokio::test]
async fn a_supervisor_comments_on_a_course_through_the_api() {
    for t in TestApp::all().await {
        let sup = t.user("sup", Role::Supervisor).await;
        let owner = t.user("owner", Role::Clinician).await;
        let other = t.user("other", Role::Clinician).await;
        t.supervise(&owner, &sup).await;
        let (_, sup_tok) = token(&t, &sup).await;
        let (_, owner_tok) = token(&t, &owner).await;
        let (_, other_tok) = token(&t, &other).await;
        let p = t.patient(&owner, "Hana Test").await;
        let c = t.course(&p, Format::Individual).await;
        let path = format!("/api/v1/courses/{}/comments", c.id);
        let gone = format!("/api/v1/courses/{}/comments", uuid::Uuid::now_v7());

        let r = post(
            &t,
            &path,
            &sup_tok,
            json!({"text": "Explore the role dispute."}),
        )
        .await;
        ok(&r, StatusCode::CREATED);
        assert_eq!(r.json["author_id"], sup.id.to_string());
        let r = post(
            &t,
            &path,
            &sup_tok,
            json!({"text": " ", "session_id": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
        r.assert_problem(422);
        assert_eq!(r.fields(), ["text", "session_id"]);
        let r = post(&t, &path, &sup_tok, json!({"txt": "x"})).await;
        assert_eq!(r.fields(), ["txt"]);

        for tok in [&owner_tok, &sup_tok] {
            let list = get(&t, &path, tok).await;
            ok(&list, StatusCode::OK);
            assert_eq!(list.json["items"].as_array().unwrap().len(), 1);
            assert_eq!(list.json["items"][0]["text"], "Explore the role dispute.");
        }
        for tok in [&owner_tok, &other_tok] {
            let r = post(&t, &path, tok, json!({"text": "hello"})).await;
            r.assert_problem(404);
            let m = post(&t, &gone, tok, json!({"text": "hello"})).await;
            assert_eq!((r.status, &r.json), (m.status, &m.json));
        }
        let r = get(&t, &path, &other_tok).await;
        r.assert_problem(404);
        assert_eq!(r.json, get(&t, &gone, &other_tok).await.json);
        assert_eq!(
            get(&t, &path, &owner_tok).await.json["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
}
