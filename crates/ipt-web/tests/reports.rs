//! The PDF documents through the real router: the course summary and "my plan" download as PDF
//! files named by id, in the patient's language unless another is asked for, readable back as
//! text; another clinician gets the same 404 as for a missing course; the download is audited.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use ipt_app::ports::AuditFilter;
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::{
    Course, CourseStatus, DepressionSeverity, Diagnosis, Formulation, Goal, GoalStatus,
};
use ipt_domain::ending::RelapsePlanInput;
use ipt_domain::inventory::{
    Alias, ClosenessRing, ConflictLevel, InventoryNotes, InventoryPerson, Reciprocity,
    RelationshipKind,
};
use ipt_domain::patient::Language;
use ipt_domain::problem_area::{AreaKind, DisputeStage, FocusAreas, ProblemArea};
use ipt_domain::protocol::{Format, Frequency, Phase};

use crate::support::*;

const SYSTEM: Actor = Actor::System;
const NAME: &str = "Niccolò D'Amico";

pub(crate) struct Pdf {
    pub(crate) status: StatusCode,
    content_type: String,
    disposition: String,
    body: Vec<u8>,
}

impl Pdf {
    /// The document's text, white space collapsed.
    pub(crate) fn text(&self) -> String {
        let raw = pdf_extract::extract_text_from_mem(&self.body).expect("a readable PDF");
        raw.replace('\u{2019}', "'")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

pub(crate) async fn fetch(t: &TestApp, path: &str, cookie: &str) -> Pdf {
    use tower::ServiceExt;
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    let h = |name| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (content_type, disposition) = (h(header::CONTENT_TYPE), h(header::CONTENT_DISPOSITION));
    Pdf {
        status: res.status(),
        content_type,
        disposition,
        body: res.into_body().collect().await.unwrap().to_bytes().to_vec(),
    }
}

pub(crate) async fn phq9(t: &TestApp, c: &Course, answers: [u8; 9], phase: Phase, days_ago: i64) {
    let answers: Vec<Option<u8>> = answers.into_iter().map(Some).collect();
    let result = ipt_app::measures::summarise("phq9", &answers).unwrap();
    t.app
        .record_assessment(
            &SYSTEM,
            Assessment {
                id: ipt_app::new_id(),
                patient: c.patient,
                course: Some(c.id),
                session: None,
                instrument: "phq9".into(),
                answers,
                status: AssessmentStatus::Final,
                mode: AdministrationMode::Clinician,
                administered_at: t.app.now() - time::Duration::days(days_ago),
                phase: Some(phase),
                result: Some(result),
                version: 0,
            },
        )
        .await
        .unwrap();
}

/// An Italian-speaking patient's course in the middle phase, with two PHQ-9 scores, a goal and
/// a relapse-prevention plan whose text looks like typst markup.
async fn course_with_data(t: &TestApp) -> Course {
    let anna = t.user("anna", Role::Clinician).await;
    let app = &t.app;
    let today = app.today();
    let p = app
        .register_patient(&SYSTEM, NAME, None, Language::It, anna.id)
        .await
        .unwrap();
    let c = t.course(&p, Format::Individual).await;
    let c = app
        .transition(
            &SYSTEM,
            c.id,
            c.version,
            CourseStatus::Active(Phase::Initial),
        )
        .await
        .unwrap();
    let c = app
        .record_diagnosis(
            &SYSTEM,
            c.id,
            c.version,
            Diagnosis::new(
                "Episodio depressivo maggiore",
                DepressionSeverity::Moderate,
                today,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    app.add_person(
        &SYSTEM,
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
            &SYSTEM,
            c.id,
            c.version,
            FocusAreas::new(vec![
                ProblemArea::Grief,
                ProblemArea::RoleDispute(DisputeStage::Renegotiation),
            ])
            .unwrap(),
        )
        .await
        .unwrap();
    let c = app
        .set_formulation(
            &SYSTEM,
            c.id,
            c.version,
            Formulation::new("Umore basso dalla perdita della madre.", Some(today))
                .unwrap()
                .with_patient_wording("Sono giù da quando è morta mia madre.")
                .unwrap(),
        )
        .await
        .unwrap();
    let c = app
        .agree_contract(
            &SYSTEM,
            c.id,
            c.version,
            ipt_app::ContractTerms {
                sessions: 16,
                frequency: Frequency::Weekly,
                end_date: today + time::Duration::days(120),
                agreed_on: today,
            },
        )
        .await
        .unwrap();
    t.timeline_event(&c).await;
    phq9(t, &c, [3, 3, 3, 3, 3, 3, 0, 0, 0], Phase::Initial, 60).await;
    let c = app
        .transition(
            &SYSTEM,
            c.id,
            c.version,
            CourseStatus::Active(Phase::Middle),
        )
        .await
        .unwrap();
    phq9(t, &c, [1, 1, 1, 1, 1, 1, 0, 0, 0], Phase::Middle, 1).await;
    app.add_goal(
        &SYSTEM,
        c.id,
        Goal {
            id: ipt_app::new_id(),
            area: AreaKind::Grief,
            description: "Andare al cimitero con mio fratello.".into(),
            progress: Some(6),
            status: GoalStatus::Open,
            version: 0,
        },
    )
    .await
    .unwrap();
    app.enter_relapse_plan(
        &SYSTEM,
        c.id,
        Some(c.version),
        &RelapsePlanInput {
            warning_signs: "Dormo male; #set [x] *non* chiamo $Marta$.".into(),
            triggers: String::new(),
            coping: "Camminare con un'amica.".into(),
            supports: "Mio fratello.".into(),
            seek_help: "Chiamare il centro; in crisi, il 112.".into(),
            written_on: Some(today.to_string()),
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn both_documents_download_as_pdf_in_the_patients_language() {
    for t in TestApp::all().await {
        let c = course_with_data(&t).await;
        let s = t.sign_in("anna").await;

        let summary = fetch(&t, &format!("/courses/{}/summary.pdf", c.id), &s).await;
        assert_eq!(summary.status, StatusCode::OK);
        assert_eq!(summary.content_type, "application/pdf");
        assert_eq!(
            summary.disposition,
            format!("attachment; filename=\"course-summary-{}.pdf\"", c.id)
        );
        assert!(summary.body.starts_with(b"%PDF-"));
        let text = summary.text();
        for expected in [
            "Riepilogo del percorso",
            NAME,
            "Il percorso",
            "IPT individuale",
            "Aree di intervento",
            "Lutto",
            "Punteggi dall'inizio all'ultimo rilevato",
            "PHQ-9",
            "svolte 0 su 16 previste",
            "Piano di prevenzione delle ricadute",
            "Dormo male; #set [x] *non* chiamo $Marta$.",
            "Pagina 1 di",
        ] {
            assert!(text.contains(expected), "{expected:?} missing: {text}");
        }
        assert!(!text.contains("reports-"), "an untranslated key: {text}");

        let plan = fetch(&t, &format!("/courses/{}/plan.pdf", c.id), &s).await;
        assert_eq!(plan.status, StatusCode::OK);
        assert_eq!(plan.content_type, "application/pdf");
        assert_eq!(
            plan.disposition,
            format!("attachment; filename=\"my-plan-{}.pdf\"", c.id)
        );
        let text = plan.text();
        for expected in [
            "Il mio piano",
            "Sono giù da quando è morta mia madre.",
            "Su che cosa stiamo lavorando",
            "Andare al cimitero con mio fratello.",
            "6 su 10",
            "Che cosa mi aiuta",
            "Camminare con un'amica.",
            "Che cosa viene dopo",
        ] {
            assert!(text.contains(expected), "{expected:?} missing: {text}");
        }
        assert!(
            !text.contains(&c.id.to_string()),
            "ids stay out of the page"
        );

        // Another language on request.
        let english = fetch(&t, &format!("/courses/{}/plan.pdf?lang=en", c.id), &s).await;
        assert_eq!(english.status, StatusCode::OK);
        assert!(english.text().contains("My plan"), "{}", english.text());
        let unknown = fetch(&t, &format!("/courses/{}/plan.pdf?lang=fr", c.id), &s).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Who took which document is in the audit trail, with ids only.
        let events =
            t.db.store
                .audit_events(&AuditFilter {
                    limit: 500,
                    ..Default::default()
                })
                .await
                .unwrap();
        for action in ["document.course_summary", "document.my_plan"] {
            assert!(
                events
                    .iter()
                    .any(|e| e.action == action && e.entity_id == c.id.as_uuid()),
                "{action} is audited"
            );
        }
    }
}

/// The clinician and their supervisor get the documents; another clinician, another supervisor
/// and an administrator get the 404 of a missing course.
#[tokio::test]
async fn only_those_who_may_read_the_course_get_the_documents() {
    for t in TestApp::all().await {
        let c = course_with_data(&t).await;
        let anna = t.db.store.user_by_username("anna").await.unwrap().unwrap();
        let sup = t.user("sara", Role::Supervisor).await;
        t.supervise(&anna, &sup).await;
        t.user("bruno", Role::Clinician).await;
        t.user("otto", Role::Supervisor).await;
        t.user("ada", Role::Admin).await;
        for (who, allowed) in [
            ("sara", true),
            ("bruno", false),
            ("otto", false),
            ("ada", false),
        ] {
            let s = t.sign_in(who).await;
            for doc in ["summary.pdf", "plan.pdf", "plan.pdf?lang=fr"] {
                let r = fetch(&t, &format!("/courses/{}/{doc}", c.id), &s).await;
                let expected = match (allowed, doc.contains("lang=fr")) {
                    (false, _) => StatusCode::NOT_FOUND,
                    (true, true) => StatusCode::UNPROCESSABLE_ENTITY,
                    (true, false) => StatusCode::OK,
                };
                assert_eq!(r.status, expected, "{who} {doc}");
                assert_eq!(
                    r.content_type == "application/pdf",
                    expected == StatusCode::OK
                );
            }
            let missing = fetch(&t, "/courses/not-an-id/summary.pdf", &s).await;
            assert_eq!(missing.status, StatusCode::NOT_FOUND);
        }
        let anonymous = t.get(&format!("/courses/{}/summary.pdf", c.id), None).await;
        assert_ne!(anonymous.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_course_and_summary_pages_link_to_the_documents() {
    let t = TestApp::sqlite().await;
    let c = course_with_data(&t).await;
    let s = t.sign_in("anna").await;
    for page in [
        format!("/courses/{}", c.id),
        format!("/courses/{}/summary", c.id),
    ] {
        let r = t.get(&page, Some(&s)).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        assert!(
            r.body
                .contains(&format!("href=\"/courses/{}/summary.pdf\"", c.id))
                && r.body
                    .contains(&format!("href=\"/courses/{}/plan.pdf\"", c.id)),
            "{page}"
        );
    }
}
