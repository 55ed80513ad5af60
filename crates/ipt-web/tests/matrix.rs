//! The authorisation matrix: every patient-data route × every role, including another
//! clinician's patient. Reads are open to the patient's clinician and that clinician's
//! supervisor; changes to the clinician alone; administrators and everyone else get 404, the
//! same answer as a record that does not exist.

use axum::http::StatusCode;
use ipt_domain::authz::Role;
use ipt_domain::protocol::Format;

use crate::support::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Read,
    Write,
    /// Only the supervisor of the patient's clinician.
    Comment,
}

/// Every route that touches one patient's data. `{p}` is the patient, `{c}` the course.
const ROUTES: &[(Kind, &str, &str)] = &[
    (Kind::Read, "GET", "/patients/{p}"),
    (Kind::Read, "GET", "/courses/{c}"),
    (Kind::Write, "POST", "/patients/{p}/courses"),
    (Kind::Write, "POST", "/courses/{c}/transition"),
    // Initial phase.
    (Kind::Read, "GET", "/courses/{c}/indication"),
    (Kind::Write, "POST", "/courses/{c}/indication"),
    (Kind::Write, "POST", "/courses/{c}/diagnosis"),
    (Kind::Read, "GET", "/courses/{c}/measures"),
    (Kind::Write, "POST", "/courses/{c}/measures"),
    (Kind::Read, "GET", "/courses/{c}/inventory"),
    (Kind::Write, "POST", "/courses/{c}/inventory"),
    (Kind::Read, "GET", "/courses/{c}/timeline"),
    (Kind::Write, "POST", "/courses/{c}/timeline/events"),
    (Kind::Write, "POST", "/courses/{c}/timeline/episodes"),
    (Kind::Read, "GET", "/courses/{c}/suggestions"),
    (Kind::Write, "POST", "/courses/{c}/suggestions"),
    (Kind::Read, "GET", "/courses/{c}/formulation"),
    (Kind::Write, "POST", "/courses/{c}/formulation"),
    (Kind::Read, "GET", "/courses/{c}/contract"),
    (Kind::Write, "POST", "/courses/{c}/contract"),
    // Sessions, goals, ending.
    (Kind::Read, "GET", "/courses/{c}/sessions"),
    (Kind::Write, "POST", "/courses/{c}/sessions"),
    (Kind::Read, "GET", "/courses/{c}/goals"),
    (Kind::Write, "POST", "/courses/{c}/goals"),
    (Kind::Read, "GET", "/courses/{c}/termination"),
    (Kind::Write, "POST", "/courses/{c}/termination/review"),
    (Kind::Write, "POST", "/courses/{c}/termination/relapse-plan"),
    (Kind::Write, "POST", "/courses/{c}/termination/maintenance"),
    (
        Kind::Write,
        "POST",
        "/courses/{c}/termination/start-maintenance",
    ),
    (Kind::Read, "GET", "/courses/{c}/summary"),
    // Measurement-based care views and documents.
    (Kind::Read, "GET", "/courses/{c}/progress"),
    (Kind::Read, "GET", "/courses/{c}/summary.pdf"),
    (Kind::Read, "GET", "/courses/{c}/plan.pdf"),
    // The patient portal, from the course workspace.
    (Kind::Read, "GET", "/courses/{c}/portal"),
    (Kind::Read, "GET", "/courses/{c}/diary"),
    (Kind::Write, "POST", "/courses/{c}/portal/invitations"),
    (Kind::Write, "POST", "/courses/{c}/portal/assignments"),
    // (Starting kiosk mode hands the device over and ends the clinician's sign-in, so it is
    // tested on its own in portal_access.rs rather than in this shared loop.)
    (Kind::Comment, "POST", "/courses/{c}/comments"),
];

/// Who asks, and whether they may read / change the owner's patient (written out by hand).
const ROLES: &[(&str, bool, bool)] = &[
    ("owner", true, true),
    ("supervisor_of_owner", true, false),
    ("other_clinician", false, false),
    ("other_supervisor", false, false),
    ("admin", false, false),
];

#[tokio::test]
async fn every_patient_route_answers_each_role_as_the_policy_says() {
    for t in TestApp::all().await {
        let sup = t.user("supervisor_of_owner", Role::Supervisor).await;
        let owner = t.user("owner", Role::Clinician).await;
        t.supervise(&owner, &sup).await;
        t.user("other_clinician", Role::Clinician).await;
        t.user("other_supervisor", Role::Supervisor).await;
        t.user("admin", Role::Admin).await;
        let p = t.patient(&owner, "Matrix Patient").await;
        let c = t.course(&p, Format::Individual).await;
        for (who, may_read, may_write) in ROLES {
            let session = t.sign_in(who).await;
            for (kind, method, template) in ROUTES {
                let path = template
                    .replace("{p}", &p.id.to_string())
                    .replace("{c}", &c.id.to_string());
                let reply = if *method == "GET" {
                    t.get(&path, Some(&session)).await
                } else {
                    // A harmless form: the point is whether the request gets past the gate.
                    t.post(
                        &path,
                        Some(&session),
                        &[
                            ("format", "brief"),
                            ("target", "ended_early"),
                            ("version", "0"),
                        ],
                    )
                    .await
                };
                let allowed = match kind {
                    Kind::Read => *may_read,
                    Kind::Write => *may_write,
                    Kind::Comment => *who == "supervisor_of_owner",
                };
                if allowed {
                    assert_ne!(
                        reply.status,
                        StatusCode::NOT_FOUND,
                        "{who} {method} {path} should be allowed: {}",
                        reply.text()
                    );
                } else {
                    assert_eq!(
                        reply.status,
                        StatusCode::NOT_FOUND,
                        "{who} {method} {path} should look missing"
                    );
                    assert!(
                        !reply.text().contains("Matrix Patient"),
                        "{who} {method} {path} leaked the name"
                    );
                }
            }
        }
    }
}
