use axum::http::StatusCode;
use ipt_domain::authz::Role;
use ipt_domain::protocol::Format;

use crate::support::*;

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_and_signing_out_ends_the_session() {
    for t in TestApp::all().await {
        t.user("rosa", Role::Clinician).await;
        let r = t
            .post(
                "/login",
                None,
                &[("username", "rosa"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let cookie = r
            .set_cookie
            .iter()
            .find(|c| c.starts_with("ipt_session="))
            .unwrap();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        let session = cookie.split(';').next().unwrap().to_string();
        assert_eq!(
            t.get("/caseload", Some(&session)).await.status,
            StatusCode::OK
        );
        let out = t.post("/logout", Some(&session), &[]).await;
        assert_eq!(out.location.as_deref(), Some("/login?notice=signed-out"));
        let after = t.get("/caseload", Some(&session)).await;
        assert_eq!(
            after.status,
            StatusCode::SEE_OTHER,
            "the old cookie no longer works"
        );
        assert!(after.location.unwrap().starts_with("/login"));
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_failures_are_throttled() {
    let t = TestApp::sqlite().await;
    t.user("rosa", Role::Clinician).await;
    let r = t
        .post(
            "/login",
            None,
            &[("username", "rosa"), ("password", "nope")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("The username or password is not right."));
    assert!(r.body.contains("value=\"rosa\""), "the username is kept");
    for _ in 0..4 {
        t.post(
            "/login",
            None,
            &[("username", "rosa"), ("password", "nope")],
        )
        .await;
    }
    let locked = t
        .post(
            "/login",
            None,
            &[("username", "rosa"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        locked.text().contains("Too many failed attempts"),
        "{}",
        locked.text()
    );
    let unknown = t
        .post("/login", None, &[("username", "nobody"), ("password", "x")])
        .await;
    assert!(
        unknown
            .text()
            .contains("The username or password is not right.")
    );
}

#[tokio::test]
async fn pages_need_a_session_and_cross_site_posts_are_refused() {
    let t = TestApp::sqlite().await;
    let r = t.get("/caseload", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login"));
    let req = axum::http::Request::post("/patients")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .body(axum::body::Body::from("name=x"))
        .unwrap();
    assert_eq!(t.request(req).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn first_run_explains_how_to_create_the_administrator() {
    let t = TestApp::sqlite().await;
    let r = t.get("/login", None).await;
    assert!(
        r.content_type.starts_with("text/html"),
        "{}",
        r.content_type
    );
    assert!(
        r.text()
            .contains("ipt user add --username NAME --role admin"),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn a_clinician_sees_only_their_own_patients_and_another_clinicians_answer_not_found() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let bruno = t.user("bruno", Role::Clinician).await;
        let mine = t.patient(&anna, "Carla Mine").await;
        let theirs = t.patient(&bruno, "Dario Theirs").await;
        let course = t.course(&theirs, Format::Individual).await;
        let s = t.sign_in("anna").await;
        let page = t.get("/caseload", Some(&s)).await.text();
        assert!(
            page.contains("Carla Mine") && !page.contains("Dario Theirs"),
            "{page}"
        );
        assert_eq!(
            t.get(&format!("/patients/{}", mine.id), Some(&s))
                .await
                .status,
            StatusCode::OK
        );
        for path in [
            format!("/patients/{}", theirs.id),
            format!("/courses/{}", course.id),
            format!("/patients/{}", uuid::Uuid::now_v7()),
        ] {
            let r = t.get(&path, Some(&s)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                r.text()
                    .contains("There is nothing here, or you do not have access to it.")
            );
        }
        let r = t
            .post(
                &format!("/patients/{}/courses", theirs.id),
                Some(&s),
                &[("format", "brief")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "cannot start a course for another clinician's patient"
        );
    }
}

#[tokio::test]
async fn a_supervisor_reads_supervisees_patients_but_cannot_change_them() {
    let t = TestApp::sqlite().await;
    let sup = t.user("sara", Role::Supervisor).await;
    let anna = t.user("anna", Role::Clinician).await;
    let other = t.user("olga", Role::Clinician).await;
    t.supervise(&anna, &sup).await;
    let p = t.patient(&anna, "Ettore Supervised").await;
    let q = t.patient(&other, "Fabio Elsewhere").await;
    let course = t.course(&p, Format::Individual).await;
    let s = t.sign_in("sara").await;
    let caseload = t.get("/caseload", Some(&s)).await.text();
    assert!(caseload.contains("Ettore Supervised") && !caseload.contains("Fabio Elsewhere"));
    assert_eq!(
        t.get(&format!("/courses/{}", course.id), Some(&s))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(&format!("/patients/{}", q.id), Some(&s)).await.status,
        StatusCode::NOT_FOUND
    );
    let r = t
        .post(
            &format!("/courses/{}/transition", course.id),
            Some(&s),
            &[("target", "initial"), ("version", "1")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a supervisor does not change a supervisee's course"
    );
}

#[tokio::test]
async fn administrators_manage_users_and_open_no_clinical_record() {
    let t = TestApp::sqlite().await;
    t.user("root", Role::Admin).await;
    let anna = t.user("anna", Role::Clinician).await;
    let p = t.patient(&anna, "Gina Private").await;
    let s = t.sign_in("root").await;
    assert_eq!(
        t.get("/", Some(&s)).await.location.as_deref(),
        Some("/admin/users")
    );
    assert_eq!(
        t.get("/caseload", Some(&s)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&format!("/patients/{}", p.id), Some(&s)).await.status,
        StatusCode::NOT_FOUND
    );
    let bad = t
        .post(
            "/admin/users",
            Some(&s),
            &[
                ("username", "x"),
                ("role", "therapist"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(
        text.contains("is not a role")
            && text.contains("at least 12 characters")
            && text.contains("2–40 characters"),
        "{text}"
    );
    let ok = t
        .post(
            "/admin/users",
            Some(&s),
            &[
                ("username", "newdoc"),
                ("display_name", "Dr New"),
                ("role", "clinician"),
                ("password", "lantern orbit pebble mango"),
            ],
        )
        .await;
    // A common password, and one holding the username, are refused with the reason.
    for (password, reason) in [
        ("password1234", "too easy to guess"),
        ("Newdoc-lantern-orbit", "must not contain the username"),
    ] {
        let r = t
            .post(
                "/admin/users",
                Some(&s),
                &[
                    ("username", "newdoc2"),
                    ("role", "clinician"),
                    ("password", password.replace("Newdoc", "Newdoc2").as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        assert!(r.text().contains(reason), "{password}: {}", r.text());
    }
    assert_eq!(
        ok.location.as_deref(),
        Some("/admin/users?notice=users-added")
    );
    assert!(
        t.get("/admin/users", Some(&s))
            .await
            .text()
            .contains("Dr New")
    );
    let clin = t.sign_in("anna").await;
    assert_eq!(
        t.get("/admin/users", Some(&clin)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn registering_a_patient_shows_field_errors_keeps_input_and_saves_nothing_partial() {
    for t in TestApp::all().await {
        t.user("anna", Role::Clinician).await;
        let s = t.sign_in("anna").await;
        let bad = t
            .post(
                "/patients",
                Some(&s),
                &[
                    ("name", "Hana Typed"),
                    ("date_of_birth", "21/07/1984"),
                    ("language", "it"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            bad.text().contains("Write the date as YYYY-MM-DD"),
            "{}",
            bad.text()
        );
        assert!(
            bad.body.contains("value=\"Hana Typed\""),
            "what was typed is kept"
        );
        assert_eq!(t.db.store.count_patients().await.unwrap(), 0);
        let empty = t
            .post(
                "/patients",
                Some(&s),
                &[("name", "  "), ("date_of_birth", "")],
            )
            .await;
        assert!(empty.text().contains("This field is required."));
        let ok = t
            .post(
                "/patients",
                Some(&s),
                &[
                    ("name", "Hana Typed"),
                    ("date_of_birth", "1984-07-21"),
                    ("language", "it"),
                ],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let page = t.get(ok.location.as_ref().unwrap(), Some(&s)).await.text();
        assert!(
            page.contains("The patient is registered.") && page.contains("Born 21 Jul 1984"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn a_course_starts_from_the_patient_page_and_refused_moves_list_every_missing_step() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let p = t.patient(&anna, "Ivo Course").await;
        let s = t.sign_in("anna").await;
        let r = t
            .post(
                &format!("/patients/{}/courses", p.id),
                Some(&s),
                &[("format", "individual")],
            )
            .await;
        let course_path = r.location.unwrap();
        let page = t.get(&course_path, Some(&s)).await.text();
        assert!(
            page.contains("Individual IPT for Ivo Course") && page.contains("Referred"),
            "{page}"
        );
        assert!(
            page.contains("Session 16"),
            "the phase plan shows 16 sessions"
        );
        let moved = t
            .post(
                &format!("{course_path}/transition"),
                Some(&s),
                &[("target", "initial"), ("version", "1")],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER);
        let shown = t
            .get(moved.location.as_ref().unwrap(), Some(&s))
            .await
            .text();
        assert!(
            shown.contains("The course is now: Initial phase."),
            "{shown}"
        );
        let refused = t
            .post(
                &format!("{course_path}/transition"),
                Some(&s),
                &[("target", "middle"), ("version", "2")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = refused.text();
        for guard in [
            "record the diagnosis",
            "add at least one person",
            "choose one or two focus areas",
            "accepted the formulation",
            "agree the contract",
        ] {
            assert!(text.contains(guard), "{guard} missing: {text}");
        }
        let stale = t
            .post(
                &format!("{course_path}/transition"),
                Some(&s),
                &[("target", "middle"), ("version", "1")],
            )
            .await;
        assert!(
            stale.text().contains("Someone else changed this record"),
            "{}",
            stale.text()
        );
        let ended = t
            .post(
                &format!("{course_path}/transition"),
                Some(&s),
                &[
                    ("target", "ended_early"),
                    ("version", "2"),
                    ("reason", "other"),
                    ("detail", ""),
                ],
            )
            .await;
        assert!(
            ended.text().contains("say briefly what it was"),
            "{}",
            ended.text()
        );
    }
}

#[tokio::test]
async fn a_risk_alert_shows_on_the_caseload_and_stays_until_acknowledged_with_a_note() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        let p = t.patient(&anna, "Lea Risk").await;
        let course = t.course(&p, Format::Individual).await;
        let answers = vec![
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(2),
        ];
        let result = ipt_app::measures::summarise("phq9", &answers).unwrap();
        let assessment = ipt_domain::assessment::Assessment {
            id: ipt_app::new_id(),
            patient: p.id,
            course: Some(course.id),
            session: None,
            instrument: "phq9".into(),
            answers,
            status: ipt_domain::assessment::AssessmentStatus::Final,
            mode: ipt_domain::assessment::AdministrationMode::Clinician,
            administered_at: t.app.now(),
            phase: None,
            result: Some(result),
            version: 0,
        };
        t.app
            .record_assessment(&ipt_domain::authz::Actor::System, assessment)
            .await
            .unwrap();
        let s = t.sign_in("anna").await;
        let caseload = t.get("/caseload", Some(&s)).await.text();
        assert!(
            caseload.contains("PHQ9: risk item 9 answered positively")
                && caseload.contains("1 open alert"),
            "{caseload}"
        );
        let patient_page = t.get(&format!("/patients/{}", p.id), Some(&s)).await;
        assert!(
            patient_page
                .text()
                .contains("This patient has an open risk alert")
        );
        let alert_id = patient_page
            .body
            .split("/alerts/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let ack = format!("/patients/{}/alerts/{alert_id}/acknowledge", p.id);
        let no_note = t
            .post(&ack, Some(&s), &[("note", ""), ("version", "1")])
            .await;
        assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            no_note.text().contains("describe the action taken"),
            "{}",
            no_note.text()
        );
        let done = t
            .post(
                &ack,
                Some(&s),
                &[("note", "Phoned; safety plan agreed."), ("version", "1")],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        let after = t.get(&format!("/patients/{}", p.id), Some(&s)).await.text();
        assert!(
            after.contains("No open alerts.") && after.contains("Phoned; safety plan agreed."),
            "{after}"
        );
        assert!(t.get("/caseload", Some(&s)).await.text().contains("none"));
        let audit =
            t.db.store
                .audit_events(&ipt_app::ports::AuditFilter {
                    patient: Some(p.id),
                    ..Default::default()
                })
                .await
                .unwrap();
        assert!(audit.iter().any(|e| e.action == "risk_alert.acknowledge"));
    }
}

#[tokio::test]
async fn the_interface_speaks_italian_when_asked() {
    let t = TestApp::sqlite().await;
    t.user("anna", Role::Clinician).await;
    let s = t.sign_in("anna").await;
    let r = t
        .post(
            "/language",
            Some(&s),
            &[("lang", "it"), ("back", "/caseload")],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/caseload"));
    let lang = r.set_cookie[0].split(';').next().unwrap().to_string();
    let page = t.get("/caseload", Some(&format!("{s}; {lang}"))).await;
    assert!(page.body.contains("<html lang=\"it\">"));
    assert!(page.text().contains("Pazienti in carico"));
    let evil = t
        .post(
            "/language",
            Some(&s),
            &[("lang", "it"), ("back", "//evil.example")],
        )
        .await;
    assert_eq!(evil.location.as_deref(), Some("/"), "no open redirect");
}

#[tokio::test]
async fn an_idle_session_ends_and_the_sign_in_page_says_why() {
    use std::sync::Arc;
    let db = ipt_store_tests::harness::sqlite().await;
    let app = ipt_app::App::new(
        db.store.clone(),
        Arc::new(ipt_app::ports::SystemClock),
        ipt_domain::protocol::ProtocolCatalogue::default(),
    );
    let options = ipt_web::WebOptions {
        idle_timeout: std::time::Duration::from_secs(1),
        secure_cookies: true,
        ..Default::default()
    };
    let router = ipt_web::router(ipt_web::AppState::with_options(app.clone(), options)).layer(
        axum::extract::connect_info::MockConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40001,
        ))),
    );
    let t = TestApp { db, app, router };
    t.user("anna", Role::Clinician).await;
    let r = t
        .post(
            "/login",
            None,
            &[("username", "anna"), ("password", PASSWORD)],
        )
        .await;
    let cookie = r
        .set_cookie
        .iter()
        .find(|c| c.starts_with("ipt_session="))
        .unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let s = cookie.split(';').next().unwrap().to_string();
    assert_eq!(t.get("/caseload", Some(&s)).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = t.get("/caseload", Some(&s)).await;
    assert_eq!(r.location.as_deref(), Some("/login?expired=1"));
    let login = t.get("/login?expired=1", None).await.text();
    assert!(
        login.contains("Your session ended after a period of inactivity"),
        "{login}"
    );
    let audit =
        t.db.store
            .audit_events(&ipt_app::ports::AuditFilter::default())
            .await
            .unwrap();
    assert!(audit.iter().any(|e| e.action == "user.session_expired"));
}

#[tokio::test]
async fn a_supervisor_comments_on_a_supervisees_course_and_the_clinician_reads_it() {
    for t in TestApp::all().await {
        let sup = t.user("sara", Role::Supervisor).await;
        let anna = t.user("anna", Role::Clinician).await;
        t.user("otto", Role::Supervisor).await;
        t.supervise(&anna, &sup).await;
        let p = t.patient(&anna, "Nina Supervised").await;
        let c = t.course(&p, Format::Individual).await;
        let path = format!("/courses/{}/comments", c.id);
        let s = t.sign_in("sara").await;
        let page = t.get(&format!("/courses/{}", c.id), Some(&s)).await.text();
        assert!(page.contains("Add a supervision comment"), "{page}");
        let empty = t.post(&path, Some(&s), &[("text", "  ")]).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.text().contains("write the comment"));
        let ok = t
            .post(
                &path,
                Some(&s),
                &[(
                    "text",
                    "Good use of the timeline; keep the focus on the loss.",
                )],
            )
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        let clin = t.sign_in("anna").await;
        let seen = t
            .get(&format!("/courses/{}", c.id), Some(&clin))
            .await
            .text();
        assert!(
            seen.contains("keep the focus on the loss.") && seen.contains("Dr sara"),
            "{seen}"
        );
        assert!(
            !seen.contains("Add a supervision comment"),
            "the clinician is not offered the form"
        );
        assert_eq!(
            t.post(&path, Some(&clin), &[("text", "self-supervision")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let other = t.sign_in("otto").await;
        assert_eq!(
            t.post(&path, Some(&other), &[("text", "not mine")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}
