//! A test harness for pages and the API: the real router over a fresh database, with users
//! signed in through the real sign-in form.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use ipt_app::App;
use ipt_app::ports::SystemClock;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::patient::{Language, Patient};
use ipt_domain::protocol::{Format, ProtocolCatalogue};
use ipt_store_tests::harness::{self, TestDb};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub db: TestDb,
    pub app: App,
    pub router: axum::Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookie: Vec<String>,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    /// The page's text without tags, for asserting what a user reads.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in self.body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push(' ');
                }
                _ if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("&#39;", "'")
            .replace("&#34;", "\"")
            .replace("&amp;", "&")
    }
}

impl TestApp {
    pub async fn sqlite() -> Self {
        Self::on(harness::sqlite().await).await
    }

    /// Every backend under test: SQLite, and PostgreSQL when configured.
    pub async fn all() -> Vec<Self> {
        let mut v = vec![Self::sqlite().await];
        if let Some(pg) = harness::postgres().await {
            v.push(Self::on(pg).await);
        }
        v
    }

    pub async fn on(db: TestDb) -> Self {
        let app = App::new(
            db.store.clone(),
            Arc::new(SystemClock),
            ProtocolCatalogue::default(),
        );
        let router = ipt_web::router(ipt_web::AppState::new(app.clone()))
            .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        Self { db, app, router }
    }

    /// A user with the test password; clinicians get `supervisor` as their supervisor if given.
    pub async fn user(&self, username: &str, role: Role) -> ipt_app::ports::UserRecord {
        self.app
            .add_user(
                &Actor::System,
                username,
                &format!("Dr {username}"),
                role,
                PASSWORD,
                true,
            )
            .await
            .unwrap()
    }

    pub async fn supervise(
        &self,
        clinician: &ipt_app::ports::UserRecord,
        supervisor: &ipt_app::ports::UserRecord,
    ) {
        // Through the store: supervision is set by administrators, outside these tests' scope.
        let mut c = clinician.clone();
        c.supervisor = Some(supervisor.id);
        if let Some(sqlite) = &self.db.sqlite {
            sqlx::query("UPDATE users SET supervisor_id = $1 WHERE id = $2")
                .bind(supervisor.id.as_uuid())
                .bind(c.id.as_uuid())
                .execute(&sqlite.pool)
                .await
                .unwrap();
        }
        if let Some(pg) = &self.db.pg {
            sqlx::query("UPDATE users SET supervisor_id = $1 WHERE id = $2")
                .bind(supervisor.id.as_uuid())
                .bind(c.id.as_uuid())
                .execute(&pg.pool)
                .await
                .unwrap();
        }
    }

    pub async fn patient(&self, clinician: &ipt_app::ports::UserRecord, name: &str) -> Patient {
        self.app
            .register_patient(&Actor::System, name, None, Language::En, clinician.id)
            .await
            .unwrap()
    }

    pub async fn course(&self, patient: &Patient, format: Format) -> Course {
        self.app
            .start_course(&Actor::System, patient.id, format, self.app.today())
            .await
            .unwrap()
    }

    /// A course that started `days_ago` days ago and is in its initial phase, so that sessions
    /// can be recorded on it with their dates since then.
    pub async fn started_course(&self, patient: &Patient, format: Format, days_ago: i64) -> Course {
        let c = self
            .app
            .start_course(
                &Actor::System,
                patient.id,
                format,
                self.app.today() - time::Duration::days(days_ago),
            )
            .await
            .unwrap();
        let first = self.app.protocols.get(format).phases()[0];
        self.app
            .transition(
                &Actor::System,
                c.id,
                c.version,
                ipt_domain::course::CourseStatus::Active(first),
            )
            .await
            .unwrap()
    }

    /// What the middle phase needs besides the initial-phase forms (reference §1.1): an event
    /// on the interpersonal timeline and a baseline score of the format's main questionnaire
    /// (a PHQ-9 of 14 with item 9 at 0, or the first recommended instrument's).
    pub async fn middle_prerequisites(&self, course: &Course) {
        self.timeline_event(course).await;
        self.baseline(course).await;
    }

    /// A course of `format` that started `days_ago` days ago, taken into its middle phase the
    /// way a clinician would (diagnosis, a person in the inventory, a timeline event, a
    /// baseline, a focus, an accepted formulation) with a weekly contract of `sessions` ending
    /// `end_in_days` from today.
    pub async fn middle_course(
        &self,
        patient: &Patient,
        format: Format,
        days_ago: i64,
        sessions: u16,
        end_in_days: i64,
    ) -> Course {
        use ipt_domain::course::{CourseStatus, DepressionSeverity, Diagnosis, Formulation};
        use ipt_domain::inventory::{
            Alias, ClosenessRing, ConflictLevel, InventoryNotes, InventoryPerson, Reciprocity,
            RelationshipKind,
        };
        use ipt_domain::problem_area::{DisputeStage, FocusAreas, ProblemArea};
        let (app, sys, today) = (&self.app, &Actor::System, self.app.today());
        let c = self.started_course(patient, format, days_ago).await;
        let c = app
            .record_diagnosis(
                sys,
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
            sys,
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
                sys,
                c.id,
                c.version,
                FocusAreas::new(vec![ProblemArea::RoleDispute(DisputeStage::Renegotiation)])
                    .unwrap(),
            )
            .await
            .unwrap();
        let c = app
            .set_formulation(
                sys,
                c.id,
                c.version,
                Formulation::new("Low mood since the quarrel with her sister.", Some(today))
                    .unwrap(),
            )
            .await
            .unwrap();
        let c = app
            .agree_contract(
                sys,
                c.id,
                c.version,
                ipt_app::ContractTerms {
                    sessions,
                    frequency: ipt_domain::protocol::Frequency::Weekly,
                    end_date: today + time::Duration::days(end_in_days),
                    agreed_on: today,
                },
            )
            .await
            .unwrap();
        self.middle_prerequisites(&c).await;
        app.transition(
            sys,
            c.id,
            c.version,
            CourseStatus::Active(ipt_domain::protocol::Phase::Middle),
        )
        .await
        .unwrap()
    }

    /// An event on the course's interpersonal timeline.
    pub async fn timeline_event(&self, course: &Course) {
        let w = self
            .app
            .writable_course(&Actor::System, course.id)
            .await
            .unwrap();
        self.app
            .enter_event(
                &Actor::System,
                &w,
                &ipt_domain::timeline::TimelineEventInput {
                    date: Some(course.started_on.year().to_string()),
                    kind: Some("conflict".into()),
                    person_id: None,
                    description: "Arguments at home began".into(),
                },
            )
            .await
            .unwrap();
    }

    /// A final score of `code` on `course`, entered by the clinician `days_ago` days ago in
    /// `phase`, scored as the app scores it.
    pub async fn record_final(
        &self,
        course: &Course,
        code: &str,
        answers: Vec<Option<u8>>,
        days_ago: i64,
        phase: ipt_domain::protocol::Phase,
    ) {
        use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
        let result = ipt_app::measures::summarise(code, &answers).unwrap();
        self.app
            .record_assessment(
                &Actor::System,
                Assessment {
                    id: ipt_app::new_id(),
                    patient: course.patient,
                    course: Some(course.id),
                    session: None,
                    instrument: code.into(),
                    answers,
                    status: AssessmentStatus::Final,
                    mode: AdministrationMode::Clinician,
                    administered_at: self.app.now() - time::Duration::days(days_ago),
                    phase: Some(phase),
                    result: Some(result),
                    version: 0,
                },
            )
            .await
            .unwrap();
    }

    /// A final baseline score of the format's main questionnaire, in the initial phase.
    pub async fn baseline(&self, course: &Course) {
        let protocol = self.app.protocols.get(course.format);
        let code = if protocol.recommended_instruments.iter().any(|c| c == "phq9") {
            "phq9".to_string()
        } else {
            protocol.recommended_instruments[0].clone()
        };
        let items = ipt_domain::measures::Catalogue::builtin()
            .get(&code)
            .unwrap()
            .items
            .len();
        // Mostly 1s (a middling score), item 9 of the PHQ-9 at 0.
        let answers: Vec<Option<u8>> = (0..items)
            .map(|i| Some(if code == "phq9" && i == 8 { 0 } else { 1 }))
            .collect();
        let result = ipt_app::measures::summarise(&code, &answers).unwrap();
        self.app
            .record_assessment(
                &Actor::System,
                ipt_domain::assessment::Assessment {
                    id: ipt_app::new_id(),
                    patient: course.patient,
                    course: Some(course.id),
                    session: None,
                    instrument: code,
                    answers,
                    status: ipt_domain::assessment::AssessmentStatus::Final,
                    mode: ipt_domain::assessment::AdministrationMode::Clinician,
                    administered_at: self.app.now() - time::Duration::days(1),
                    phase: Some(ipt_domain::protocol::Phase::Initial),
                    result: Some(result),
                    version: 0,
                },
            )
            .await
            .unwrap();
    }

    /// The protocol's minimum of attended middle-phase sessions, recorded on a course in its
    /// middle phase (numbered after any recorded, dated today), so that it may move on.
    pub async fn middle_sessions(&self, course: &Course) {
        let w = self
            .app
            .writable_course(&Actor::System, course.id)
            .await
            .unwrap();
        let n = self
            .app
            .protocols
            .get(course.format)
            .gates
            .min_middle_sessions;
        for _ in 0..n {
            self.app
                .enter_session(
                    &Actor::System,
                    &w,
                    &ipt_domain::session::SessionInput {
                        interval_events: "A calmer week".into(),
                        risk_reviewed: true,
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
    }

    /// Send a request through the whole router. An answer under `/api/v1` is checked against
    /// the OpenAPI document (`openapi_check`): a response it does not describe fails the test.
    pub async fn request(&self, req: Request<Body>) -> Reply {
        let (method, uri) = (req.method().to_string(), req.uri().to_string());
        let r = reply(self.router.clone().oneshot(req).await.unwrap()).await;
        crate::openapi_check::check(&method, &uri, r.status.as_u16(), &r.content_type, &r.body);
        r
    }

    pub async fn get(&self, path: &str, session: Option<&str>) -> Reply {
        let mut req = Request::get(path);
        if let Some(c) = session {
            req = req.header(header::COOKIE, c);
        }
        self.request(req.body(Body::empty()).unwrap()).await
    }

    /// POST a form the way a browser on the same site does.
    pub async fn post(&self, path: &str, session: Option<&str>, form: &[(&str, &str)]) -> Reply {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin");
        if let Some(c) = session {
            req = req.header(header::COOKIE, c);
        }
        self.request(req.body(Body::from(body)).unwrap()).await
    }

    /// Sign in through the form; returns the Cookie header value to send afterwards.
    pub async fn sign_in(&self, username: &str) -> String {
        let r = self
            .post(
                "/login",
                None,
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            r.text()
        );
        let c = r
            .set_cookie
            .iter()
            .find(|c| c.starts_with("ipt_session="))
            .expect("a session cookie");
        c.split(';').next().unwrap().to_string()
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A router's answer, read whole.
pub async fn reply(res: axum::response::Response) -> Reply {
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string());
    let set_cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    // Binary answers (PDF, CSV) are read lossily; their own tests read the bytes.
    let body =
        String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    Reply {
        status,
        location,
        set_cookie,
        content_type,
        body,
    }
}
