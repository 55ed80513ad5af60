//! What an attacker tries first (#16): many passwords at once, from one instance or two; a
//! flood of slow checks; a form without its fields; a language switch that sends the browser
//! elsewhere; another course's record ids.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use ipt_app::App;
use ipt_app::ports::{Store, SystemClock};
use ipt_domain::authz::Role;
use ipt_domain::protocol::{Format, ProtocolCatalogue};
use serde_json::json;
use tower::ServiceExt;

use crate::api::{put as api_put, token};
use crate::support::*;

/// A router of its own over `store`, as a second `ipt serve` would have, with room for many
/// password checks at once (so that only the throttle limits them), seen from `ip`.
fn instance(store: Arc<dyn Store>, ip: [u8; 4]) -> axum::Router {
    let app = App::new(store, Arc::new(SystemClock), ProtocolCatalogue::default())
        .with_secret_check_limit(64);
    ipt_web::router(ipt_web::AppState::new(app))
        .layer(MockConnectInfo(SocketAddr::from((ip, 40000))))
}

/// How many audit events of `action` name the account `user`.
async fn refusals(t: &TestApp, action: &str, user: ipt_domain::ids::UserId) -> usize {
    let all = ipt_app::ports::AuditFilter {
        limit: 10_000,
        ..Default::default()
    };
    t.db.store
        .audit_events(&all)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action && e.entity_id == user.as_uuid())
        .count()
}

async fn sign_in(router: &axum::Router, username: &str, password: &str) -> StatusCode {
    let body = format!(
        "username={}&password={}",
        urlencode(username),
        urlencode(password)
    );
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    router.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn twenty_parallel_guesses_check_five_and_every_instance_shares_the_count() {
    for t in TestApp::all().await {
        t.user("rosa", Role::Clinician).await;
        let first = instance(t.db.store.clone(), [10, 0, 0, 1]);
        let guesses: Vec<_> = (0..20)
            .map(|i| {
                let r = first.clone();
                tokio::spawn(async move { sign_in(&r, "rosa", &format!("guess number {i}")).await })
            })
            .collect();
        let mut checked = 0;
        let mut locked = 0;
        for g in guesses {
            match g.await.unwrap() {
                StatusCode::UNAUTHORIZED => checked += 1,
                StatusCode::TOO_MANY_REQUESTS => locked += 1,
                other => panic!("{other}"),
            }
        }
        assert_eq!(
            (checked, locked),
            (5, 15),
            "five checked, the rest refused unchecked"
        );
        // Each refused check of the real account is audited, by the account's id.
        let rosa = t.db.store.user_by_username("rosa").await.unwrap().unwrap();
        let refused = refusals(&t, "user.sign_in_refused", rosa.id).await;
        assert_eq!(
            refused, 5,
            "one audit event per password checked and refused"
        );
        // Another instance on the same database (or this one restarted) knows.
        let second = instance(t.db.second_instance().await, [10, 0, 0, 1]);
        assert_eq!(
            sign_in(&second, "rosa", PASSWORD).await,
            StatusCode::TOO_MANY_REQUESTS,
            "even the right password waits out the window"
        );
        // One address cannot lock the account for everyone: the clinician's own device can
        // still sign in, and that clears the account's failures.
        let elsewhere = instance(t.db.second_instance().await, [10, 0, 0, 2]);
        assert_eq!(
            sign_in(&elsewhere, "rosa", PASSWORD).await,
            StatusCode::SEE_OTHER
        );
        // Usernames of half a megabyte are counted like any other, under a key of fixed size
        // (a bigger body is refused before it is read).
        let huge = "u".repeat(1 << 19);
        assert_eq!(
            sign_in(&elsewhere, &huge, "x").await,
            StatusCode::UNAUTHORIZED
        );
    }
}

/// A password check that says when it starts and then waits until it is let go, holding its
/// place for a check meanwhile.
struct Gate {
    entered: Arc<tokio::sync::Notify>,
    release: tokio::sync::Mutex<Option<tokio::sync::oneshot::Receiver<()>>>,
}

#[async_trait::async_trait]
impl ipt_app::ports::Hasher for Gate {
    async fn hash(&self, secret: String) -> Result<String, ipt_app::AppError> {
        ipt_app::password::hash(&secret)
    }
    async fn verify(&self, _secret: String, _stored: String) -> bool {
        self.entered.notify_one();
        if let Some(rx) = self.release.lock().await.take() {
            let _ = rx.await;
        }
        false
    }
}

#[tokio::test]
async fn when_every_place_for_a_check_is_taken_the_next_is_told_to_try_again_shortly() {
    let t = TestApp::sqlite().await;
    t.user("rosa", Role::Clinician).await;
    let (release, rx) = tokio::sync::oneshot::channel();
    let entered = Arc::new(tokio::sync::Notify::new());
    let gate = Gate {
        entered: entered.clone(),
        release: tokio::sync::Mutex::new(Some(rx)),
    };
    let app = App::new(
        t.db.store.clone(),
        Arc::new(SystemClock),
        ProtocolCatalogue::default(),
    )
    .with_hasher(Arc::new(gate))
    .with_secret_check_limit(1);
    let ip = "10.0.0.9".parse().unwrap();
    let held = {
        let app = app.clone();
        tokio::spawn(async move { app.staff_sign_in("rosa", "first try", ip).await })
    };
    entered.notified().await;
    let second = app.staff_sign_in("rosa", "second try", ip).await;
    assert!(matches!(second, Err(ipt_app::AppError::Busy)), "{second:?}");
    release.send(()).unwrap();
    assert!(
        matches!(held.await.unwrap(), Ok(None)),
        "the first was checked"
    );
    // With the place free again, the next try is checked.
    let third = app.staff_sign_in("rosa", "third try", ip).await;
    assert!(matches!(third, Ok(None)), "{third:?}");
}

#[tokio::test]
async fn the_sign_in_form_without_its_fields_is_answered_by_our_own_page() {
    let t = TestApp::sqlite().await;
    t.user("rosa", Role::Clinician).await;
    for form in [
        &[("username", "rosa")][..],
        &[("password", "x")][..],
        &[][..],
    ] {
        let r = t.post("/login", None, form).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{form:?}");
        assert!(
            r.text().contains("The username or password is not right."),
            "{}",
            r.text()
        );
    }
}

#[tokio::test]
async fn the_language_switch_sends_the_browser_only_to_a_path_on_this_site() {
    let t = TestApp::sqlite().await;
    for (back, to) in [
        ("/caseload?x=1", "/caseload?x=1"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/a\r\nSet-Cookie: stolen=1", "/"),
        ("/a\u{0}b", "/"),
        ("", "/"),
    ] {
        let r = t
            .post("/language", None, &[("lang", "it"), ("back", back)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{back:?}");
        assert_eq!(r.location.as_deref(), Some(to), "{back:?}");
    }
}

#[tokio::test]
async fn another_patients_record_ids_are_not_found_under_ones_own_course() {
    for t in TestApp::all().await {
        let clinician = t.user("rosa", Role::Clinician).await;
        let (_, tok) = token(&t, &clinician).await;
        let mine = t.patient(&clinician, "Mine Example").await;
        let my_course = t.started_course(&mine, Format::Individual, 20).await;
        let theirs = t.patient(&clinician, "Theirs Example").await;
        let their_course = t.started_course(&theirs, Format::Individual, 20).await;
        let goal = api_post_ok(
            &t,
            &tok,
            &format!("/api/v1/courses/{}/goals", their_course.id),
            json!({"area": "role_dispute", "description": "Speak up at home"}),
        )
        .await;
        let person = api_post_ok(
            &t,
            &tok,
            &format!("/api/v1/courses/{}/inventory", their_course.id),
            json!({"alias": "Marta", "relationship": "friend", "ring": 2}),
        )
        .await;
        for (what, id, body) in [
            (
                "goals",
                &goal,
                json!({"area": "role_dispute", "description": "Mine now", "version": 1}),
            ),
            (
                "inventory",
                &person,
                json!({"alias": "Mine now", "relationship": "friend", "ring": 2, "version": 1}),
            ),
        ] {
            let r = api_put(
                &t,
                &format!("/api/v1/courses/{}/{what}/{id}", my_course.id),
                &tok,
                body,
            )
            .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{what}: {}", r.json);
            assert!(
                !r.json.to_string().contains("version"),
                "{what}: the answer tells nothing of the record: {}",
                r.json
            );
        }
    }
}

async fn api_post_ok(t: &TestApp, tok: &str, path: &str, body: serde_json::Value) -> String {
    let r = crate::api::post(t, path, tok, body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.json);
    r.json["id"].as_str().expect("an id").to_string()
}

#[tokio::test]
async fn wrong_api_tokens_are_counted_and_a_valid_token_still_works() {
    for t in TestApp::all().await {
        let clinician = t.user("rosa", Role::Clinician).await;
        let (_, tok) = token(&t, &clinician).await;
        let call = |bearer: String| {
            let req = Request::get("/api/v1/patients")
                .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
                .body(Body::empty())
                .unwrap();
            t.request(req)
        };
        for i in 0..5 {
            let r = call(format!("{:064}", i)).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "wrong token {i}");
        }
        let r = call("f".repeat(64)).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        assert!(r.body.contains("try again in"), "{}", r.body);
        assert_eq!(call(tok.clone()).await.status, StatusCode::OK);
    }
}

// ---- Two-step sign-in (TOTP) ------------------------------------------------------------------

/// The code `secret` (as the enrolment page shows it) gives `steps_ahead` 30-second steps
/// from now.
fn code_for(secret: &str, steps_ahead: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.replace(' ', ""))
        .to_bytes()
        .unwrap();
    let t =
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 0, 30, bytes, None, "t".into()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    t.generate(now + 30 * steps_ahead)
}

/// The text of the first `<tag class="…">…</tag>` after `marker`.
fn between(body: &str, marker: &str, end: &str) -> Vec<String> {
    body.split(marker)
        .skip(1)
        .map(|s| s.split(end).next().unwrap_or("").to_string())
        .collect()
}

fn cookie_of(r: &Reply, name: &str) -> Option<String> {
    r.set_cookie
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// Sign in with the password; the challenge cookie and where it leads.
async fn password_step(t: &TestApp, router: Option<&axum::Router>, user: &str) -> (String, String) {
    let body = format!("username={user}&password={}", urlencode(PASSWORD));
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap();
    let r = match router {
        Some(r) => reply(r.clone().oneshot(req).await.unwrap()).await,
        None => t.request(req).await,
    };
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let challenge = cookie_of(&r, "ipt_challenge").expect("a challenge cookie");
    (challenge, r.location.unwrap())
}

/// GET `path` when `form` is None, else POST it.
async fn send(
    router: &axum::Router,
    path: &str,
    cookie: &str,
    form: Option<&[(&str, &str)]>,
) -> Reply {
    let req = match form {
        None => Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty()),
        Some(form) => {
            let body = form
                .iter()
                .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
                .collect::<Vec<_>>()
                .join("&");
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .header(header::COOKIE, cookie)
                .body(Body::from(body))
        }
    };
    reply(router.clone().oneshot(req.unwrap()).await.unwrap()).await
}

#[tokio::test]
async fn two_step_sign_in_takes_each_code_once_and_recovery_codes_once() {
    for t in TestApp::all().await {
        t.user("rosa", Role::Clinician).await;
        let session = t.sign_in("rosa").await;
        // Turn it on from the account's security page.
        let page = t.post("/account/security/enrol", Some(&session), &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        assert!(page.body.contains("<svg"), "a QR code is drawn");
        let secret = between(&page.body, "<code class=\"secret\">", "</code>")[0].clone();
        let wrong = t
            .post(
                "/account/security/confirm",
                Some(&session),
                &[("code", "000000")],
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong.text().contains("This code is not right"),
            "{}",
            wrong.text()
        );
        let codes_page = t
            .post(
                "/account/security/confirm",
                Some(&session),
                &[("code", &code_for(&secret, 0))],
            )
            .await;
        assert_eq!(codes_page.status, StatusCode::OK, "{}", codes_page.text());
        let recovery = between(&codes_page.body, "<li><code>", "</code>");
        assert_eq!(recovery.len(), 10, "{}", codes_page.body);
        let security = t.get("/account/security", Some(&session)).await;
        assert!(
            security.text().contains("Recovery codes left: 10."),
            "{}",
            security.text()
        );

        // The password alone no longer signs in: it leads to the code, and the challenge
        // cookie is not a session.
        let (challenge, to) = password_step(&t, None, "rosa").await;
        assert_eq!(to, "/login/code");
        let no_session = t.get("/caseload", Some(&challenge)).await;
        assert_eq!(no_session.status, StatusCode::SEE_OTHER);
        let code = code_for(&secret, 1);
        let ok = t
            .post("/login/code", Some(&challenge), &[("code", &code)])
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
        let s = cookie_of(&ok, "ipt_session").expect("signed in");
        assert_eq!(t.get("/caseload", Some(&s)).await.status, StatusCode::OK);
        // The same code again, seen over a shoulder: refused.
        let (challenge, _) = password_step(&t, None, "rosa").await;
        let replay = t
            .post("/login/code", Some(&challenge), &[("code", &code)])
            .await;
        assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
        let rosa = t.db.store.user_by_username("rosa").await.unwrap().unwrap();
        assert_eq!(
            refusals(&t, "user.second_factor_refused", rosa.id).await,
            1,
            "the refused code is audited"
        );
        // A recovery code works once, however it is typed.
        let typed = recovery[0].to_uppercase().replace('-', " ");
        let ok = t
            .post("/login/code", Some(&challenge), &[("code", &typed)])
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
        let (challenge, _) = password_step(&t, None, "rosa").await;
        let again = t
            .post("/login/code", Some(&challenge), &[("code", &recovery[0])])
            .await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        // A used challenge is gone.
        let gone = t
            .post("/login/code", Some(&challenge), &[("code", &recovery[1])])
            .await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        let s = cookie_of(&gone, "ipt_session").unwrap();
        let reused = t
            .post("/login/code", Some(&challenge), &[("code", &recovery[2])])
            .await;
        assert_eq!(
            reused.location.as_deref(),
            Some("/login?notice=login-challenge-expired")
        );
        let security = t.get("/account/security", Some(&s)).await;
        assert!(
            security.text().contains("Recovery codes left: 8."),
            "{}",
            security.text()
        );
    }
}

#[tokio::test]
async fn where_the_service_requires_it_every_sign_in_sets_it_up_first_and_keeps_it() {
    for t in TestApp::all().await {
        t.user("rosa", Role::Clinician).await;
        let app = App::new(
            t.db.store.clone(),
            Arc::new(SystemClock),
            ProtocolCatalogue::default(),
        )
        .with_second_factor_required(true);
        let router = ipt_web::router(ipt_web::AppState::new(app))
            .layer(MockConnectInfo(SocketAddr::from(([10, 0, 0, 5], 40000))));
        let (challenge, to) = password_step(&t, Some(&router), "rosa").await;
        assert_eq!(to, "/login/enrol");
        let page = send(&router, "/login/enrol", &challenge, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("asks every staff account"),
            "{}",
            page.body
        );
        let secret = between(&page.body, "<code class=\"secret\">", "</code>")[0].clone();
        // A reload shows the same key, not a new one.
        let again = send(&router, "/login/enrol", &challenge, None).await;
        assert!(again.body.contains(&secret));
        let code = code_for(&secret, 0);
        let done = send(
            &router,
            "/login/enrol",
            &challenge,
            Some(&[("code", &code)]),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert_eq!(between(&done.body, "<li><code>", "</code>").len(), 10);
        let s = cookie_of(&done, "ipt_session").expect("signed in after enrolment");
        let caseload = send(&router, "/caseload", &s, None).await;
        assert_eq!(caseload.status, StatusCode::OK);
        // It cannot be turned off here.
        let code = code_for(&secret, 1);
        let off = send(
            &router,
            "/account/security/off",
            &s,
            Some(&[("code", &code)]),
        )
        .await;
        assert_eq!(off.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", off.body);
        assert!(
            off.body.contains("requires two-factor sign-in"),
            "{}",
            off.body
        );
        // The next sign-in asks for the code.
        let (_, to) = password_step(&t, Some(&router), "rosa").await;
        assert_eq!(to, "/login/code");
    }
}
