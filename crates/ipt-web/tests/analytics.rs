//! Programme outcomes: for supervisors and administrators, aggregates only.

use axum::http::StatusCode;
use ipt_domain::assessment::AssessmentStatus;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::protocol::Format;

use crate::support::*;

#[tokio::test]
async fn supervisors_and_admins_see_programme_outcomes_and_clinicians_do_not() {
    for t in TestApp::all().await {
        let anna = t.user("anna", Role::Clinician).await;
        t.user("sara", Role::Supervisor).await;
        t.user("root", Role::Admin).await;
        // Two courses: 20 → 4 (response, remission) and 15 → 14 (neither).
        for (name, totals) in [
            ("First Sample", [20.0, 4.0]),
            ("Second Sample", [15.0, 14.0]),
        ] {
            let p = t.patient(&anna, name).await;
            let c = t.course(&p, Format::Individual).await;
            for (k, total) in totals.into_iter().enumerate() {
                let mut x =
                    ipt_store_tests::fixtures::assessment(&p, c.id, AssessmentStatus::Final);
                x.administered_at += time::Duration::weeks(k as i64 * 12);
                x.result.as_mut().unwrap().total = Some(total);
                t.db.store
                    .add_assessment(
                        &x,
                        None,
                        &t.app.audit(
                            &Actor::System,
                            "assessment.create",
                            "assessment",
                            x.id.as_uuid(),
                            Some(p.id),
                        ),
                    )
                    .await
                    .unwrap();
            }
        }
        let sup = t.sign_in("sara").await;
        let page = t.get("/analytics", Some(&sup)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let text = page.text();
        assert!(
            text.contains("PHQ-9") || text.contains("Patient Health Questionnaire"),
            "{text}"
        );
        assert!(
            text.contains("50 % (1)"),
            "one of two courses responded: {text}"
        );
        assert!(!text.contains("First Sample"), "no patient is named");
        let it = t
            .get("/analytics", Some(&format!("{sup}; ipt_lang=it")))
            .await;
        assert!(it.text().contains("Esiti del programma"), "{}", it.text());

        let admin = t.sign_in("root").await;
        let json = t.get("/api/v1/analytics/outcomes", Some(&admin)).await;
        assert_eq!(json.status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        let phq9 = v["instruments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["instrument"] == "phq9")
            .unwrap();
        assert_eq!(phq9["counts"]["courses"], 2);
        assert_eq!(phq9["counts"]["responders"], 1);
        assert_eq!(phq9["counts"]["remitters"], 1);

        let clin = t.sign_in("anna").await;
        assert_eq!(
            t.get("/analytics", Some(&clin)).await.status,
            StatusCode::NOT_FOUND
        );
        // Not patient data, so the API says plainly that the role may not see it.
        assert_eq!(
            t.get("/api/v1/analytics/outcomes", Some(&clin))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}
