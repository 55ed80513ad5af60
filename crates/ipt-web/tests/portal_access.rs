//! The patient portal's access and questionnaires through the real router: invitations (expiry,
//! revocation, single use), portal code + passphrase, throttling, kiosk mode, one patient never
//! reaching another's records, assigned questionnaires answered as drafts, reviewed and sent,
//! and the safety net (crisis resources at once, one clinician alert) — with the audit trail.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use ipt_app::App;
use ipt_app::ports::{AlertFilter, AuditFilter, Clock, UserRecord};
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::ids::{CourseId, PatientId};
use ipt_domain::patient::{Language, Patient};
use ipt_domain::protocol::{Format, ProtocolCatalogue};
use ipt_store_tests::harness::{self, TestDb};
use ipt_web::WebOptions;
use ipt_web::portal::crisis::{CrisisResources, CrisisText};
use time::OffsetDateTime;

use crate::support::*;

const PASSPHRASE: &str = "green kettle river";

/// A clock the test moves by hand.
#[derive(Clone)]
struct TestClock(Arc<Mutex<OffsetDateTime>>);

impl TestClock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(OffsetDateTime::now_utc())))
    }
    fn advance(&self, by: time::Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

fn crisis_options() -> WebOptions {
    let mut map = BTreeMap::new();
    map.insert(
        "en".to_string(),
        CrisisText {
            heading: "Help right now at Clinica Test".into(),
            lines: vec!["Emergency: 112".into(), "Crisis line: 800 000 000".into()],
        },
    );
    WebOptions {
        crisis: CrisisResources::new(map).unwrap(),
        ..WebOptions::default()
    }
}

async fn on(db: TestDb, options: WebOptions) -> (TestApp, TestClock) {
    let clock = TestClock::new();
    let app = App::new(
        db.store.clone(),
        Arc::new(clock.clone()),
        ProtocolCatalogue::default(),
    );
    let router = ipt_web::router(ipt_web::AppState::with_options(app.clone(), options)).layer(
        axum::extract::connect_info::MockConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40100,
        ))),
    );
    (TestApp { db, app, router }, clock)
}

/// Every backend under test, with a clock of the test's own.
async fn all(options: WebOptions) -> Vec<(TestApp, TestClock)> {
    let mut v = vec![on(harness::sqlite().await, options.clone()).await];
    if let Some(pg) = harness::postgres().await {
        v.push(on(pg, options).await);
    }
    v
}

/// A clinician signed in, with one patient and a course.
pub(crate) struct Setup {
    pub(crate) clinician: UserRecord,
    pub(crate) session: String,
    pub(crate) patient: Patient,
    pub(crate) course: Course,
}

async fn setup(t: &TestApp, username: &str, patient: &str, language: Language) -> Setup {
    let clinician = match t.db.store.user_by_username(username).await.unwrap() {
        Some(u) => u,
        None => t.user(username, Role::Clinician).await,
    };
    let session = t.sign_in(username).await;
    let patient = t
        .app
        .register_patient(&Actor::System, patient, None, language, clinician.id)
        .await
        .unwrap();
    let course = t.course(&patient, Format::Individual).await;
    Setup {
        clinician,
        session,
        patient,
        course,
    }
}

pub(crate) fn portal_path(course: CourseId) -> String {
    format!("/courses/{course}/portal")
}

/// Create an invitation through the clinician's page; returns the token from the link shown.
pub(crate) async fn invite(t: &TestApp, s: &Setup, hours: &str) -> String {
    let r = t
        .post(
            &format!("{}/invitations", portal_path(s.course.id)),
            Some(&s.session),
            &[("hours", hours)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(r.text().contains("shown only this once"), "{}", r.text());
    let at = r
        .body
        .find("/portal/invitation/")
        .expect("the link is shown")
        + 19;
    let token: String = r.body[at..].chars().take(64).collect();
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
    token
}

/// Accept an invitation with the test passphrase; returns (portal code, portal cookie).
pub(crate) async fn accept(t: &TestApp, token: &str) -> (String, String) {
    let r = t
        .post(
            &format!("/portal/invitation/{token}"),
            None,
            &[("passphrase", PASSPHRASE), ("confirm", PASSPHRASE)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let at = r
        .body
        .find("id=\"portal-code\">")
        .expect("the code is shown")
        + 17;
    let code: String = r.body[at..].chars().take(11).collect();
    assert_eq!(code.len(), 11, "{code}");
    (code, portal_cookie(&r))
}

fn portal_cookie(r: &Reply) -> String {
    r.set_cookie
        .iter()
        .find(|c| c.starts_with("ipt_portal=") && !c.starts_with("ipt_portal=;"))
        .expect("a portal cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

async fn sign_in(t: &TestApp, code: &str, passphrase: &str) -> Reply {
    t.post(
        "/portal/sign-in",
        None,
        &[("code", code), ("passphrase", passphrase)],
    )
    .await
}

pub(crate) async fn assign(t: &TestApp, s: &Setup, instrument: &str, schedule: &str) -> Reply {
    t.post(
        &format!("{}/assignments", portal_path(s.course.id)),
        Some(&s.session),
        &[("instrument", instrument), ("schedule", schedule)],
    )
    .await
}

pub(crate) async fn assignment_id(t: &TestApp, s: &Setup) -> String {
    t.app
        .course_assignments(&Actor::System, s.course.id)
        .await
        .unwrap()
        .last()
        .expect("an assignment")
        .id
        .to_string()
}

pub(crate) async fn assessments(t: &TestApp, course: CourseId) -> Vec<Assessment> {
    t.db.store
        .assessments_of_course(
            course,
            &t.app
                .audit(&Actor::System, "t", "t", course.as_uuid(), None),
        )
        .await
        .unwrap()
}

async fn actions(t: &TestApp, patient: PatientId) -> Vec<String> {
    t.db.store
        .audit_events(&AuditFilter {
            patient: Some(patient),
            actor: None,
            limit: 1000,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn open_alerts(t: &TestApp, patient: PatientId) -> usize {
    t.app
        .alerts(
            &Actor::System,
            AlertFilter {
                patient: Some(patient),
                open_only: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .len()
}

/// Save one answer on its screen (`item` is 1-based).
async fn answer(
    t: &TestApp,
    cookie: &str,
    aid: &str,
    item: usize,
    value: &str,
    version: i64,
) -> Reply {
    let n = item.to_string();
    let v = version.to_string();
    t.post(
        &format!("/portal/questionnaires/{aid}"),
        Some(cookie),
        &[
            ("item", &n),
            ("version", &v),
            (&format!("answer_q{item}"), value),
            ("go", "next"),
        ],
    )
    .await
}

pub(crate) async fn draft_version(t: &TestApp, course: CourseId) -> i64 {
    assessments(t, course)
        .await
        .iter()
        .find(|a| a.status == AssessmentStatus::Draft)
        .map(|a| a.version)
        .unwrap_or(0)
}

#[tokio::test]
async fn invitations_expire_work_once_and_can_be_revoked() {
    for (t, clock) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;

        // Expiry: an hour-long link stops working after its hour.
        let token = invite(&t, &s, "1").await;
        let r = t.get(&format!("/portal/invitation/{token}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("Choose a passphrase"), "{}", r.text());
        clock.advance(time::Duration::minutes(61));
        let r = t.get(&format!("/portal/invitation/{token}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(
            r.text().contains("This link cannot be used"),
            "{}",
            r.text()
        );
        let r = t
            .post(
                &format!("/portal/invitation/{token}"),
                None,
                &[("passphrase", PASSPHRASE), ("confirm", PASSPHRASE)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "an expired link sets nothing"
        );
        assert!(
            t.db.store
                .portal_access(s.patient.id)
                .await
                .unwrap()
                .is_none()
        );

        // An unknown token answers exactly like an expired one.
        let unknown = t
            .get(&format!("/portal/invitation/{}", "ab".repeat(32)), None)
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert_eq!(unknown.text(), r.text());

        // Revocation: the clinician's page lists the link as open, revoking ends it.
        let s = Setup {
            session: t.sign_in("anna").await,
            ..s
        };
        let token = invite(&t, &s, "72").await;
        let list = t
            .app
            .invitations(&s.clinician_actor(), s.patient.id)
            .await
            .unwrap();
        let open = list
            .iter()
            .find(|v| v.state == ipt_domain::portal::InvitationState::Open)
            .expect("an open invitation");
        let r = t
            .post(
                &format!(
                    "{}/invitations/{}/revoke",
                    portal_path(s.course.id),
                    open.invitation.id
                ),
                Some(&s.session),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = t.get(&portal_path(s.course.id), Some(&s.session)).await;
        assert!(page.text().contains("Revoked"), "{}", page.text());
        assert!(page.text().contains("Expired"), "{}", page.text());
        let r = t.get(&format!("/portal/invitation/{token}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Single use: accepted once, then the link is spent.
        let token = invite(&t, &s, "72").await;
        let (code, cookie) = accept(&t, &token).await;
        assert!(t.get("/portal", Some(&cookie)).await.status == StatusCode::OK);
        let r = t.get(&format!("/portal/invitation/{token}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let page = t.get(&portal_path(s.course.id), Some(&s.session)).await;
        assert!(
            page.text().contains("Used by the patient"),
            "{}",
            page.text()
        );
        assert!(
            page.text().contains("set up their portal access"),
            "{}",
            page.text()
        );
        // The code works with the passphrase, and the stored code is only a hash.
        let stored =
            t.db.store
                .portal_access(s.patient.id)
                .await
                .unwrap()
                .unwrap();
        assert_ne!(stored.code_hash, code.replace('-', ""));
        assert!(stored.passphrase_hash.starts_with("$argon2id$"));
        let r = sign_in(&t, &code.to_lowercase(), PASSPHRASE).await;
        assert_eq!(r.location.as_deref(), Some("/portal"), "{}", r.text());

        // Every use is audited.
        let done = actions(&t, s.patient.id).await;
        for action in [
            "invitation.create",
            "invitation.list",
            "invitation.revoke",
            "portal.invitation.open",
            "portal.invitation.refused",
            "portal.invitation.accept",
            "portal.sign_in",
        ] {
            assert!(done.iter().any(|a| a == action), "{action} in {done:?}");
        }
    }
}

impl Setup {
    fn clinician_actor(&self) -> Actor {
        Actor::User {
            id: self.clinician.id,
            role: Role::Clinician,
        }
    }
}

#[tokio::test]
async fn bad_tokens_and_passphrases_are_throttled() {
    for (t, _) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        let token = invite(&t, &s, "72").await;
        for _ in 0..5 {
            let r = t
                .get(&format!("/portal/invitation/{}", "0".repeat(64)), None)
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
        }
        // Locked: even the right link waits, and the page says how long.
        let r = t.get(&format!("/portal/invitation/{token}"), None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().contains("too many tries"), "{}", r.text());
        assert!(r.text().contains("minutes"), "{}", r.text());
    }
    for (t, _) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        let token = invite(&t, &s, "72").await;
        let (code, _) = accept(&t, &token).await;
        for _ in 0..5 {
            let r = sign_in(&t, &code, "not my passphrase").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(r.text().contains("is not right"), "{}", r.text());
        }
        let r = sign_in(&t, &code, PASSPHRASE).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(r.text().contains("too many tries"), "{}", r.text());
        assert!(r.set_cookie.is_empty(), "no session while locked");
        let done = actions(&t, s.patient.id).await;
        assert!(
            done.iter()
                .filter(|a| *a == "portal.sign_in.refused")
                .count()
                >= 5,
            "{done:?}"
        );
    }
}

#[tokio::test]
async fn a_patient_reaches_only_their_own_questionnaires_and_answers() {
    for (t, _) in all(WebOptions::default()).await {
        let a = setup(&t, "anna", "Pia Example", Language::En).await;
        let b = setup(&t, "anna", "Bruno Other", Language::En).await;
        assert_eq!(
            assign(&t, &a, "phq9", "once").await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            assign(&t, &b, "phq9", "once").await.status,
            StatusCode::SEE_OTHER
        );
        let a_aid = assignment_id(&t, &a).await;
        let b_aid = assignment_id(&t, &b).await;
        let (_, a_cookie) = accept(&t, &invite(&t, &a, "72").await).await;
        let (_, b_cookie) = accept(&t, &invite(&t, &b, "72").await).await;

        // B answers and sends their questionnaire.
        for item in 1..=9 {
            let v = draft_version(&t, b.course.id).await;
            let r = answer(&t, &b_cookie, &b_aid, item, "0", v).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        }
        let v = draft_version(&t, b.course.id).await.to_string();
        let r = t
            .post(
                &format!("/portal/questionnaires/{b_aid}/submit"),
                Some(&b_cookie),
                &[("version", &v)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let b_result = r.location.unwrap();
        assert_eq!(
            t.get(&b_result, Some(&b_cookie)).await.status,
            StatusCode::OK
        );
        let b_assessment = b_result.rsplit('/').next().unwrap().to_string();

        // A sees none of it: every id of B's answers "not found".
        for path in [
            format!("/portal/questionnaires/{b_aid}?item=1"),
            format!("/portal/questionnaires/{b_aid}/review"),
            b_result.clone(),
            format!("/portal/questionnaires/{a_aid}/results/{b_assessment}"),
        ] {
            let r = t.get(&path, Some(&a_cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
            assert!(!r.text().contains("Bruno"), "{path}");
        }
        let r = answer(&t, &a_cookie, &b_aid, 1, "3", 0).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = t
            .post(
                &format!("/portal/questionnaires/{b_aid}/submit"),
                Some(&a_cookie),
                &[("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let b_answers = assessments(&t, b.course.id).await;
        assert_eq!(b_answers.len(), 1);
        assert_eq!(
            b_answers[0].answers[0],
            Some(0),
            "B's answers are untouched"
        );
        assert!(assessments(&t, a.course.id).await.is_empty());

        // Another clinician does not see the course's portal page either.
        t.user("carla", Role::Clinician).await;
        let carla = t.sign_in("carla").await;
        let r = t.get(&portal_path(a.course.id), Some(&carla)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = t
            .post(
                &format!("{}/invitations", portal_path(a.course.id)),
                Some(&carla),
                &[("hours", "72")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn kiosk_mode_ends_only_with_the_clinicians_own_password() {
    for (t, _) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        t.app
            .add_user(
                &Actor::System,
                "bruno",
                "Dr Bruno",
                Role::Clinician,
                "another long password",
                true,
            )
            .await
            .unwrap();
        assert_eq!(
            assign(&t, &s, "phq9", "weekly").await.status,
            StatusCode::SEE_OTHER
        );
        let aid = assignment_id(&t, &s).await;
        let r = t
            .post(
                &format!("{}/kiosk", portal_path(s.course.id)),
                Some(&s.session),
                &[],
            )
            .await;
        assert_eq!(r.location.as_deref(), Some("/portal/questionnaires"));
        let kiosk = portal_cookie(&r);
        assert!(
            r.set_cookie.iter().any(|c| c.starts_with("ipt_session=;")),
            "{:?}",
            r.set_cookie
        );
        // The clinician's own session is over on this device.
        let r = t.get("/caseload", Some(&s.session)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let list = t.get("/portal/questionnaires", Some(&kiosk)).await;
        assert!(
            list.text().contains("Give the device back"),
            "{}",
            list.text()
        );
        // Answers given in kiosk mode are marked as such.
        let r = answer(&t, &kiosk, &aid, 1, "1", 0).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            assessments(&t, s.course.id).await[0].mode,
            AdministrationMode::Kiosk
        );
        // Signing out is not a way out of kiosk mode.
        let r = t.post("/portal/sign-out", Some(&kiosk), &[]).await;
        assert_eq!(r.location.as_deref(), Some("/portal/kiosk/exit"));
        // Another clinician's password, or a wrong one, keeps the device in kiosk mode.
        for wrong in ["another long password", "not the password"] {
            let r = t
                .post("/portal/kiosk/exit", Some(&kiosk), &[("password", wrong)])
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            assert!(r.text().contains("password is not right"), "{}", r.text());
        }
        assert_eq!(t.get("/portal", Some(&kiosk)).await.status, StatusCode::OK);
        // The clinician's password ends kiosk mode and signs them back in.
        let r = t
            .post(
                "/portal/kiosk/exit",
                Some(&kiosk),
                &[("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.location,
            Some(format!("/patients/{}", s.patient.id)),
            "{}",
            r.text()
        );
        let session = r
            .set_cookie
            .iter()
            .find(|c| c.starts_with("ipt_session=") && !c.starts_with("ipt_session=;"))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            t.get("/caseload", Some(&session)).await.status,
            StatusCode::OK
        );
        let r = t.get("/portal", Some(&kiosk)).await;
        assert_eq!(r.location.as_deref(), Some("/portal/sign-in?expired=1"));
        let done = actions(&t, s.patient.id).await;
        for action in [
            "portal.kiosk_start",
            "portal.kiosk_end.refused",
            "portal.kiosk_end",
        ] {
            assert!(done.iter().any(|a| a == action), "{action} in {done:?}");
        }
    }
}

#[tokio::test]
async fn ham_d_is_never_assigned_and_other_refusals_say_why() {
    for (t, _) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        let page = t.get(&portal_path(s.course.id), Some(&s.session)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("<option value=\"phq9\">"),
            "PHQ-9 is offered"
        );
        assert!(
            !page.body.contains("<option value=\"hamd17\""),
            "HAM-D is not"
        );
        assert!(
            page.text().contains("never offered to patients"),
            "{}",
            page.text()
        );
        assert!(page.text().contains("epds.en.toml"), "{}", page.text());

        let r = assign(&t, &s, "hamd17", "weekly").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("HAM-D")
                && r.text().contains("rated by a clinician from an interview"),
            "{}",
            r.text()
        );
        let r = assign(&t, &s, "epds", "weekly").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("epds.en.toml"), "{}", r.text());
        let r = assign(&t, &s, "phq9", "monthly").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Choose how often"), "{}", r.text());
        assert!(
            t.app
                .course_assignments(&Actor::System, s.course.id)
                .await
                .unwrap()
                .is_empty(),
            "nothing was assigned"
        );

        // PHQ-9 once; a second one while it is active is refused; stopping is versioned.
        assert_eq!(
            assign(&t, &s, "phq9", "before_each_session").await.status,
            StatusCode::SEE_OTHER
        );
        let r = assign(&t, &s, "phq9", "weekly").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("already assigned"), "{}", r.text());
        let aid = assignment_id(&t, &s).await;
        let stop = format!("{}/assignments/{aid}/stop", portal_path(s.course.id));
        let r = t.post(&stop, Some(&s.session), &[("version", "7")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let r = t.post(&stop, Some(&s.session), &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = t.get(&r.location.unwrap(), Some(&s.session)).await;
        assert!(page.text().contains("was stopped"), "{}", page.text());

        // The patient does not see a stopped questionnaire.
        let (_, cookie) = accept(&t, &invite(&t, &s, "72").await).await;
        let list = t.get("/portal/questionnaires", Some(&cookie)).await;
        assert!(
            list.text().contains("nothing to fill in"),
            "{}",
            list.text()
        );
        let r = t
            .get(
                &format!("/portal/questionnaires/{aid}?item=1"),
                Some(&cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // An Italian-speaking patient is not offered PHQ-9 without Italian text.
        let it = setup(&t, "anna", "Paola Rossi", Language::It).await;
        let r = assign(&t, &it, "phq9", "weekly").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("phq9.it.toml"), "{}", r.text());

        let done = actions(&t, s.patient.id).await;
        for action in ["assignment.create", "assignment.stop", "assignment.list"] {
            assert!(done.iter().any(|a| a == action), "{action} in {done:?}");
        }
    }
}

#[tokio::test]
async fn answers_are_drafted_reviewed_and_sent_with_nothing_half_written() {
    for (t, _) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        assert_eq!(
            assign(&t, &s, "phq9", "once").await.status,
            StatusCode::SEE_OTHER
        );
        let aid = assignment_id(&t, &s).await;
        let (_, cookie) = accept(&t, &invite(&t, &s, "72").await).await;
        let q = format!("/portal/questionnaires/{aid}");

        let list = t.get("/portal/questionnaires", Some(&cookie)).await;
        assert!(
            list.text().contains("Ready for you to fill in"),
            "{}",
            list.text()
        );
        let first = t.get(&format!("{q}?item=1"), Some(&cookie)).await;
        assert!(
            first.text().contains("Question 1 of 10"),
            "{}",
            first.text()
        );
        assert!(first.body.contains("<progress value=\"1\" max=\"10\""));
        assert!(first.text().contains("Little interest or pleasure"));

        // The first answer starts a draft; the screen shows it again when coming back.
        let r = answer(&t, &cookie, &aid, 1, "2", 0).await;
        assert_eq!(r.location, Some(format!("{q}?item=2")));
        let saved = assessments(&t, s.course.id).await;
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].status, AssessmentStatus::Draft);
        assert_eq!(saved[0].mode, AdministrationMode::SelfReport);
        assert_eq!(saved[0].answers[0], Some(2));
        let back = t.get(&format!("{q}?item=1"), Some(&cookie)).await;
        assert!(
            back.body.contains("value=\"2\" checked"),
            "the saved answer is chosen"
        );
        let list = t.get("/portal/questionnaires", Some(&cookie)).await;
        assert!(list.text().contains("Started"), "{}", list.text());

        // A value that is not a choice is refused by name, and nothing changes.
        let r = answer(&t, &cookie, &aid, 2, "7", 1).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .contains("choose one of the answers for question 2"),
            "{}",
            r.text()
        );
        // A stale screen (another window saved first) is refused with what is saved now.
        let r = answer(&t, &cookie, &aid, 2, "1", 0).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(
            r.text().contains("changed in another window"),
            "{}",
            r.text()
        );
        let saved = &assessments(&t, s.course.id).await[0];
        assert_eq!((saved.version, saved.answers[1]), (1, None));

        // Sending with questions unanswered names them and writes nothing.
        let r = t
            .post(&format!("{q}/submit"), Some(&cookie), &[("version", "1")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .contains("Please answer these questions before sending: 2, 3, 4, 5, 6, 7, 8, 9"),
            "{}",
            r.text()
        );
        let saved = &assessments(&t, s.course.id).await[0];
        assert_eq!((saved.status, saved.version), (AssessmentStatus::Draft, 1));
        assert!(saved.result.is_none());

        // All on one page: every question, saved together.
        let all = t.get(&format!("{q}?view=all"), Some(&cookie)).await;
        assert_eq!(all.body.matches("<fieldset class=\"question\"").count(), 10);
        assert!(all.text().contains("Show one question at a time"));
        let mut form: Vec<(String, String)> = vec![
            ("view".into(), "all".into()),
            ("item".into(), "1".into()),
            ("version".into(), "1".into()),
            ("go".into(), "review".into()),
        ];
        for item in 2..=8 {
            form.push((format!("answer_q{item}"), "1".into()));
        }
        form.push(("answer_q9".into(), "0".into()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = t.post(&q, Some(&cookie), &pairs).await;
        assert_eq!(r.location, Some(format!("{q}/review")), "{}", r.text());
        let review = t.get(&format!("{q}/review"), Some(&cookie)).await;
        assert!(
            review.text().contains("More than half the days"),
            "{}",
            review.text()
        );
        assert!(
            review.text().contains("No answer yet"),
            "item 10 is optional and unanswered"
        );
        assert!(
            !review.body.contains("role=\"alert\""),
            "no risk, no crisis box"
        );

        let r = t
            .post(&format!("{q}/submit"), Some(&cookie), &[("version", "2")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let result = t.get(&r.location.unwrap(), Some(&cookie)).await;
        let text = result.text();
        assert!(text.contains("Your total score is 9"), "{text}");
        assert!(text.contains("scores go from 0 to 27"), "{text}");
        // The band in the patient's own words, never the clinician's label ("mild").
        assert!(
            text.contains("in the range we call “some problems”")
                && text.contains("talk about your answers with your therapist"),
            "{text}"
        );
        assert!(!text.contains("mild"), "{text}");
        assert!(!text.to_lowercase().contains("you are fine"), "{text}");
        let saved = &assessments(&t, s.course.id).await[0];
        assert_eq!(saved.status, AssessmentStatus::Final);
        let result = saved.result.as_ref().unwrap();
        assert_eq!((result.total, result.valid), (Some(9.0), true));
        assert_eq!(open_alerts(&t, s.patient.id).await, 0);
        let list = t.get("/portal/questionnaires", Some(&cookie)).await;
        assert!(list.text().contains("Done. Thank you."), "{}", list.text());
        assert!(
            list.text().contains("See your answers from"),
            "{}",
            list.text()
        );

        let done = actions(&t, s.patient.id).await;
        for action in [
            "portal.assignment.list",
            "portal.assessment.create",
            "portal.assessment.update",
            "portal.assessment.submit",
            "portal.assessment.read",
        ] {
            assert!(done.iter().any(|a| a == action), "{action} in {done:?}");
        }
    }
}

#[tokio::test]
async fn a_positive_risk_answer_shows_crisis_resources_at_once_and_alerts_the_clinician_once() {
    for (t, _) in all(crisis_options()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        assert_eq!(
            assign(&t, &s, "phq9", "weekly").await.status,
            StatusCode::SEE_OTHER
        );
        let aid = assignment_id(&t, &s).await;
        let (code, cookie) = accept(&t, &invite(&t, &s, "72").await).await;
        let q = format!("/portal/questionnaires/{aid}");
        for item in 1..=8 {
            let v = draft_version(&t, s.course.id).await;
            answer(&t, &cookie, &aid, item, "1", v).await;
        }
        let screen = t.get(&format!("{q}?item=9"), Some(&cookie)).await;
        assert!(
            !screen.body.contains("role=\"alert\""),
            "no crisis box before a risk answer"
        );
        assert_eq!(open_alerts(&t, s.patient.id).await, 0);

        // Item 9 answered positively: the alert is raised with the save, and the next screen
        // opens with the site's crisis resources.
        let v = draft_version(&t, s.course.id).await;
        let r = answer(&t, &cookie, &aid, 9, "2", v).await;
        assert_eq!(r.location, Some(format!("{q}?item=10")));
        assert_eq!(open_alerts(&t, s.patient.id).await, 1);
        let next = t.get(&format!("{q}?item=10"), Some(&cookie)).await;
        assert!(
            next.body.contains("class=\"crisis\" role=\"alert\""),
            "{}",
            next.body
        );
        assert!(
            next.text().contains("Help right now at Clinica Test"),
            "{}",
            next.text()
        );
        assert!(
            next.text().contains("Crisis line: 800 000 000"),
            "{}",
            next.text()
        );
        assert!(
            next.text().contains("tell your therapist"),
            "{}",
            next.text()
        );

        // More answers and sending raise no second alert for the same answers.
        let v = draft_version(&t, s.course.id).await;
        answer(&t, &cookie, &aid, 10, "1", v).await;
        let v = draft_version(&t, s.course.id).await;
        let r = answer(&t, &cookie, &aid, 9, "3", v).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let v = draft_version(&t, s.course.id).await.to_string();
        let r = t
            .post(&format!("{q}/submit"), Some(&cookie), &[("version", &v)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let result = t.get(&r.location.unwrap(), Some(&cookie)).await;
        assert!(result.body.contains("class=\"crisis\" role=\"alert\""));
        assert!(result.text().contains("Crisis line: 800 000 000"));
        assert!(
            result
                .text()
                .contains("Your therapist will see this answer"),
            "{}",
            result.text()
        );
        assert_eq!(
            open_alerts(&t, s.patient.id).await,
            1,
            "one alert per assessment"
        );
        let alert = t
            .app
            .alerts(
                &Actor::System,
                AlertFilter {
                    patient: Some(s.patient.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .remove(0);
        assert_eq!(
            alert.assessment,
            Some(assessments(&t, s.course.id).await[0].id)
        );

        // The clinician's caseload shows the open alert.
        let caseload = t.get("/caseload", Some(&s.session)).await;
        assert!(
            caseload.text().contains("Open alerts"),
            "{}",
            caseload.text()
        );
        assert!(
            caseload.text().contains("risk item 9"),
            "{}",
            caseload.text()
        );

        // The help page is open to everyone: the site's text in English, ours in Italian.
        let help = t.get("/portal/help", None).await;
        assert_eq!(help.status, StatusCode::OK);
        assert!(help.text().contains("Crisis line: 800 000 000"));
        let it = t.get("/portal/help", Some("ipt_lang=it")).await;
        assert!(
            it.text().contains("112") && it.text().contains("pronto soccorso"),
            "{}",
            it.text()
        );

        // Sign out, and back in with the code and passphrase.
        let r = t.post("/portal/sign-out", Some(&cookie), &[]).await;
        assert_eq!(
            r.location.as_deref(),
            Some("/portal/sign-in?notice=signed-out")
        );
        assert_eq!(
            t.get("/portal", Some(&cookie)).await.location.as_deref(),
            Some("/portal/sign-in?expired=1")
        );
        let r = sign_in(&t, &code, PASSPHRASE).await;
        assert_eq!(r.location.as_deref(), Some("/portal"));
        let again = portal_cookie(&r);
        let list = t.get("/portal/questionnaires", Some(&again)).await;
        assert!(list.text().contains("ready again on"), "{}", list.text());
    }
}

#[tokio::test]
async fn passphrase_rules_are_explained_in_the_patients_language() {
    let (t, _) = on(harness::sqlite().await, WebOptions::default()).await;
    let s = setup(&t, "anna", "Paola Rossi", Language::It).await;
    let token = invite(&t, &s, "72").await;
    let r = t.get(&format!("/portal/invitation/{token}"), None).await;
    assert!(
        r.text().contains("Scegli una frase segreta"),
        "{}",
        r.text()
    );
    let post = |p: &'static str, c: &'static str| {
        let path = format!("/portal/invitation/{token}");
        let t = &t;
        async move {
            t.post(&path, None, &[("passphrase", p), ("confirm", c)])
                .await
        }
    };
    let r = post("corta", "corta").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("La frase segreta è troppo corta"),
        "{}",
        r.text()
    );
    let r = post("aaaaaaaaaaaa", "aaaaaaaaaaaa").await;
    assert!(r.text().contains("ripete sempre le stesse"), "{}", r.text());
    let r = post("verde bollitore fiume", "verde bollitore fiumi").await;
    assert!(r.text().contains("non sono uguali"), "{}", r.text());
    assert!(
        t.db.store
            .portal_access(s.patient.id)
            .await
            .unwrap()
            .is_none()
    );
    // The link still works after refused passphrases.
    let r = post("verde bollitore fiume", "verde bollitore fiume").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains("Il tuo codice del portale"),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn the_formulation_keeps_the_patients_own_wording() {
    let (t, _) = on(harness::sqlite().await, WebOptions::default()).await;
    let s = setup(&t, "anna", "Pia Example", Language::En).await;
    let page = t
        .get(
            &format!("/courses/{}/formulation", s.course.id),
            Some(&s.session),
        )
        .await;
    assert!(
        page.text().contains("In the patient's own words"),
        "{}",
        page.text()
    );
    let version = s.course.version.to_string();
    let r = t
        .post(
            &format!("/courses/{}/formulation", s.course.id),
            Some(&s.session),
            &[
                (
                    "text",
                    "Low mood since the move; focus on the role transition.",
                ),
                ("accepted_on", ""),
                (
                    "patient_wording",
                    "Since we moved I feel lost, and I want to find my feet.",
                ),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let course = t.app.course(&Actor::System, s.course.id).await.unwrap();
    let f = course.formulation.unwrap();
    assert_eq!(
        f.for_patient(),
        "Since we moved I feel lost, and I want to find my feet."
    );
    let long = "x".repeat(4001);
    let version = course.version.to_string();
    let r = t
        .post(
            &format!("/courses/{}/formulation", s.course.id),
            Some(&s.session),
            &[
                ("text", "Low mood."),
                ("patient_wording", &long),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Every portal page of this part speaks the reader's language with no catalogue key showing,
/// in English and in Italian.
#[tokio::test]
async fn the_pages_show_no_missing_text_in_either_language() {
    let (t, _) = on(harness::sqlite().await, crisis_options()).await;
    let s = setup(&t, "anna", "Pia Example", Language::En).await;
    assert_eq!(
        assign(&t, &s, "phq9", "weekly").await.status,
        StatusCode::SEE_OTHER
    );
    let aid = assignment_id(&t, &s).await;
    let token = invite(&t, &s, "72").await;
    let (_, cookie) = accept(&t, &token).await;
    for item in 1..=9 {
        let v = draft_version(&t, s.course.id).await;
        answer(
            &t,
            &cookie,
            &aid,
            item,
            if item == 9 { "1" } else { "2" },
            v,
        )
        .await;
    }
    let q = format!("/portal/questionnaires/{aid}");
    let english = [
        format!("{q}?item=3"),
        format!("{q}?view=all"),
        format!("{q}/review"),
        "/portal/questionnaires".to_string(),
        "/portal/help".to_string(),
    ];
    for path in &english {
        let r = t.get(path, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.text().contains("portal-"), "{path}: {}", r.text());
    }
    let v = draft_version(&t, s.course.id).await.to_string();
    let r = t
        .post(&format!("{q}/submit"), Some(&cookie), &[("version", &v)])
        .await;
    let result = r.location.unwrap();
    // Switch the patient to Italian: the frame, the list, the result and the help speak it.
    let r = t
        .post(
            "/portal/language",
            Some(&cookie),
            &[("lang", "it"), ("back", &result)],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some(result.as_str()));
    let page = t.get(&result, Some(&cookie)).await;
    assert!(page.text().contains("Grazie"), "{}", page.text());
    assert!(
        page.text()
            .contains("parla delle tue risposte con il tuo terapeuta"),
        "{}",
        page.text()
    );
    for path in ["/portal/questionnaires", "/portal/help", result.as_str()] {
        let r = t.get(path, Some(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.text().contains("portal-"), "{path}: {}", r.text());
        assert!(!r.text().contains("Questionnaires"), "{path}: {}", r.text());
    }
    // With the record itself in Italian, PHQ-9 has no Italian text here: the questions say so
    // rather than show English.
    set_record_language(&t, s.patient.id, Language::It).await;
    let r = t.get(&format!("{q}?item=1"), Some(&cookie)).await;
    assert!(
        r.text()
            .contains("non è ancora disponibile nella tua lingua"),
        "{}",
        r.text()
    );
    // Pages before sign-in, and the clinician's page, in Italian.
    for path in ["/portal/sign-in", "/portal/help"] {
        let r = t.get(path, Some("ipt_lang=it")).await;
        assert!(!r.text().contains("portal-"), "{path}: {}", r.text());
        assert!(
            r.text().contains("Il mio spazio IPT"),
            "{path}: {}",
            r.text()
        );
    }
    let italian_clinician = format!("{}; ipt_lang=it", s.session);
    let r = t
        .get(&portal_path(s.course.id), Some(&italian_clinician))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("portal-"), "{}", r.text());
    assert!(r.text().contains("Portale del paziente"), "{}", r.text());
    assert!(
        r.text().contains("non viene mai proposto ai pazienti"),
        "{}",
        r.text()
    );
}

/// Change the language on the patient's record, as a clinician editing it would.
async fn set_record_language(t: &TestApp, patient: PatientId, language: Language) {
    let mut record = t.app.patient(&Actor::System, patient).await.unwrap();
    record.language = language;
    let audit = t.app.audit(
        &Actor::System,
        "patient.update",
        "patient",
        record.id.as_uuid(),
        Some(record.id),
    );
    t.db.store.update_patient(&record, &audit).await.unwrap();
}

/// The PDF course summary's text, fetched as the clinician.
async fn summary_text(t: &TestApp, course: CourseId, cookie: &str) -> String {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = Request::get(format!("/courses/{course}/summary.pdf"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    pdf_extract::extract_text_from_mem(&bytes)
        .expect("a readable PDF")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn the_portal_language_is_the_patients_own_and_leaves_the_record_as_it_was() {
    for (t, _) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        assert_eq!(
            assign(&t, &s, "phq9", "weekly").await.status,
            StatusCode::SEE_OTHER
        );
        let token = invite(&t, &s, "24").await;
        let (code, cookie) = accept(&t, &token).await;
        let r = t
            .post(
                "/portal/language",
                Some(&cookie),
                &[("lang", "it"), ("back", "/portal/questionnaires")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location.as_deref(), Some("/portal/questionnaires"));

        // The patient's pages are Italian now, on this device and after signing in again…
        let list = t.get("/portal/questionnaires", Some(&cookie)).await;
        assert!(list.body.contains("<html lang=\"it\""), "{}", list.text());
        assert!(list.text().contains("Questionari"), "{}", list.text());
        let again = sign_in(&t, &code, PASSPHRASE).await;
        let fresh = portal_cookie(&again);
        let home = t.get("/portal", Some(&fresh)).await;
        assert!(home.body.contains("<html lang=\"it\""), "{}", home.text());
        // … and the weekly PHQ-9 is still theirs to fill in, in the language it was assigned in.
        assert!(
            list.body.contains("/portal/questionnaires/"),
            "the questionnaire is still offered: {}",
            list.text()
        );
        let aid = assignment_id(&t, &s).await;
        let item = t
            .get(
                &format!("/portal/questionnaires/{aid}?item=1"),
                Some(&cookie),
            )
            .await;
        assert_eq!(item.status, StatusCode::OK);
        assert!(
            item.text().contains("Questo questionario è in Inglese")
                && item
                    .text()
                    .contains("Little interest or pleasure in doing things"),
            "{}",
            item.text()
        );
        assert!(
            item.body.contains("lang=\"en\""),
            "the English wording is marked as such"
        );

        // The record keeps English: the clinician's pages, the summary document, the assignment.
        let patient = t.app.patient(&Actor::System, s.patient.id).await.unwrap();
        assert_eq!(patient.language, Language::En);
        assert_eq!(
            patient.version, s.patient.version,
            "the record was not touched"
        );
        let page = t
            .get(&format!("/patients/{}", s.patient.id), Some(&s.session))
            .await;
        assert!(page.text().contains("English"), "{}", page.text());
        let clinician = t.get(&portal_path(s.course.id), Some(&s.session)).await;
        assert!(
            !clinician.text().contains("Not delivered"),
            "{}",
            clinician.text()
        );
        let pdf = summary_text(&t, s.course.id, &s.session).await;
        assert!(pdf.contains("Course summary"), "{pdf}");
        assert!(
            actions(&t, s.patient.id)
                .await
                .contains(&"portal.language.set".to_string())
        );

        // Were the record itself changed to Italian, the PHQ-9 (shipped in English only) could
        // no longer be given, and the clinician is told instead of reading "Active".
        set_record_language(&t, s.patient.id, Language::It).await;
        let clinician = t.get(&portal_path(s.course.id), Some(&s.session)).await;
        let text = clinician.text();
        assert!(
            text.contains("Not delivered. The patient is not offered this questionnaire"),
            "{text}"
        );
        assert!(text.contains("phq9.it.toml"), "{text}");
    }
}

#[tokio::test]
async fn after_the_last_session_the_portal_announces_no_next_session() {
    use ipt_domain::course::CourseStatus;
    use ipt_domain::protocol::Phase;
    for (t, _) in all(WebOptions::default()).await {
        let s = setup(&t, "anna", "Pia Example", Language::En).await;
        let c = t
            .app
            .transition(
                &Actor::System,
                s.course.id,
                s.course.version,
                CourseStatus::Active(Phase::Initial),
            )
            .await
            .unwrap();
        let token = invite(&t, &s, "24").await;
        let (_, cookie) = accept(&t, &token).await;
        let today = t.app.today();
        let planned = c.planned_sessions();
        let held = |number: u16, date: time::Date, next: Option<time::Date>| {
            let mut x = ipt_store_tests::fixtures::session(c.id, number);
            x.date = date;
            x.next_date = next;
            x.phase.phase = Phase::Initial;
            x.techniques.clear();
            x.strategies.clear();
            x
        };
        // The session before the last one planned the last for next week…
        let in_a_week = today + time::Duration::days(7);
        t.app
            .record_session(&Actor::System, held(planned - 1, today, Some(in_a_week)))
            .await
            .unwrap();
        let home = t.get("/portal", Some(&cookie)).await;
        assert!(
            home.text().contains("Your next session is planned for"),
            "{}",
            home.text()
        );
        // … and once the last session is held (today, as it happens), there is no next one.
        t.app
            .record_session(&Actor::System, held(planned, today, None))
            .await
            .unwrap();
        let home = t.get("/portal", Some(&cookie)).await;
        assert!(
            !home.text().contains("Your next session is planned for"),
            "{}",
            home.text()
        );
        let plan = t.get("/portal/plan", Some(&cookie)).await;
        assert!(
            plan.text().contains("have all taken place")
                && !plan.text().contains("No next session is planned yet"),
            "{}",
            plan.text()
        );
    }
}
