//! The research export page: an administrator downloads the pseudonymous CSV (with and without
//! date shifting); clinicians and supervisors are answered "not found".

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use ipt_app::ports::AuditFilter;
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::protocol::Format;
use tower::ServiceExt;

use crate::support::*;

/// POST the export form; returns status, headers and body.
async fn download(
    t: &TestApp,
    session: &str,
    date_shift: bool,
) -> (StatusCode, header::HeaderMap, String) {
    let form = if date_shift { "date_shift=on" } else { "" };
    post_form(t, session, form).await
}

async fn post_form(
    t: &TestApp,
    session: &str,
    form: &'static str,
) -> (StatusCode, header::HeaderMap, String) {
    let req = Request::post("/admin/export")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, session)
        .body(Body::from(form))
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

async fn phq9(
    t: &TestApp,
    p: &ipt_domain::patient::Patient,
    course: &ipt_domain::course::Course,
    status: AssessmentStatus,
) -> Assessment {
    let answers = vec![
        Some(2),
        Some(1),
        Some(2),
        Some(1),
        Some(2),
        Some(1),
        Some(1),
        Some(0),
        Some(0),
    ];
    let result = ipt_app::measures::summarise("phq9", &answers).unwrap();
    let a = Assessment {
        id: ipt_app::new_id(),
        patient: p.id,
        course: Some(course.id),
        session: None,
        instrument: "phq9".into(),
        answers,
        status,
        mode: AdministrationMode::SelfReport,
        administered_at: t.app.now(),
        phase: None,
        result: (status == AssessmentStatus::Final).then_some(result),
        version: 0,
    };
    t.app.record_assessment(&Actor::System, a).await.unwrap()
}

#[tokio::test]
async fn an_administrator_downloads_the_pseudonymous_csv_and_nobody_else_can() {
    for t in TestApp::all().await {
        let admin = t.user("ada", Role::Admin).await;
        let anna = t.user("anna", Role::Clinician).await;
        t.user("sven", Role::Supervisor).await;
        let p = t.patient(&anna, "Lea Exportable").await;
        let course = t.course(&p, Format::Individual).await;
        let fin = phq9(&t, &p, &course, AssessmentStatus::Final).await;
        phq9(&t, &p, &course, AssessmentStatus::Draft).await;

        let s = t.sign_in("ada").await;
        let page = t.get("/admin/export", Some(&s)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(
            text.contains("Research export (CSV)") && text.contains("Shift dates per patient"),
            "{text}"
        );
        assert!(
            text.contains("never holds"),
            "the page says what is left out: {text}"
        );

        let (status, headers, csv) = download(&t, &s, false).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"ipt-assessments-")
                && disposition.ends_with(".csv\""),
            "{disposition}"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines.len(),
            2,
            "the header and the one final assessment, not the draft:\n{csv}"
        );
        let head: Vec<&str> = lines[0].split(',').collect();
        let row: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(head.len(), row.len());
        let col = |name: &str| row[head.iter().position(|h| *h == name).unwrap()];
        assert!(col("patient").starts_with("P-") && col("course").starts_with("C-"));
        assert_eq!(col("instrument"), "phq9");
        assert_eq!(col("total"), "10");
        assert_eq!(col("severity"), "moderate");
        assert_eq!(col("item_1"), "2");
        assert_eq!(col("date"), t.app.today().to_string());
        assert_eq!(col("date_shifted"), "0");
        for secret in [
            "Lea Exportable".to_string(),
            "anna".into(),
            p.id.to_string(),
            course.id.to_string(),
            fin.id.to_string(),
            p.id.as_uuid().simple().to_string(),
        ] {
            assert!(!csv.contains(&secret), "{secret} leaked:\n{csv}");
        }

        let (status, _, shifted) = download(&t, &s, true).await;
        assert_eq!(status, StatusCode::OK);
        let srow: Vec<&str> = shifted.lines().nth(1).unwrap().split(',').collect();
        let date_at = head.iter().position(|h| *h == "date").unwrap();
        assert_ne!(srow[date_at], t.app.today().to_string(), "the date moved");
        assert_eq!(srow[date_at + 1], "1");
        assert_ne!(srow[0], row[0], "each export has its own pseudonyms");

        let audit =
            t.db.store
                .audit_events(&AuditFilter {
                    actor: Some(admin.id),
                    limit: 500,
                    ..Default::default()
                })
                .await
                .unwrap();
        let exports = audit
            .iter()
            .filter(|e| e.action == "export.assessments")
            .count();
        assert_eq!(exports, 2, "one audit event per export");
        assert!(
            audit
                .iter()
                .any(|e| e.action == "export.assessment.read" && e.patient == Some(p.id)),
            "the reads are audited per patient"
        );

        for who in ["anna", "sven"] {
            let s = t.sign_in(who).await;
            assert_eq!(
                t.get("/admin/export", Some(&s)).await.status,
                StatusCode::NOT_FOUND,
                "{who}"
            );
            let (status, headers, body) = download(&t, &s, false).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who}");
            assert!(
                headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
            assert!(!body.starts_with("patient,"), "{who} got data");
        }
        assert_eq!(
            t.get("/admin/export", None).await.status,
            StatusCode::SEE_OTHER,
            "signed out"
        );
    }
}

/// The relationships file from the same page: one row per person of each circle kept, the
/// self-expression rating included, no alias.
#[tokio::test]
async fn the_relationships_file_is_downloaded_from_the_same_page() {
    for t in TestApp::all().await {
        let clin = t.user("anna", Role::Clinician).await;
        t.user("root", Role::Admin).await;
        let s = t.sign_in("root").await;
        let p = t.patient(&clin, "Rel Exportable").await;
        t.middle_course(&p, Format::Individual, 30, 12, 60).await;
        let page = t.get("/admin/export", Some(&s)).await.text();
        assert!(page.contains("Download the relationships CSV"), "{page}");
        let (status, headers, csv) = post_form(&t, &s, "what=relationships").await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(disposition.contains("ipt-relationships-"), "{disposition}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            ipt_app::usecases::export::relationship_header().join(",")
        );
        // The middle course's start snapshot holds Marta, the sister in the outer ring.
        assert_eq!(lines.len(), 2, "{csv}");
        let row: Vec<&str> = lines[1].split(',').collect();
        assert!(row[0].starts_with("P-") && row[1].starts_with("C-") && row[7].starts_with("R-"));
        assert_eq!(&row[4..6], ["start", &t.app.today().to_string()]);
        assert_eq!(&row[8..10], ["sibling", "3"]);
        assert!(
            !csv.contains("Marta") && !csv.contains("Rel Exportable"),
            "{csv}"
        );
    }
}
