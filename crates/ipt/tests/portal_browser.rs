//! The portal browser test: a clinician assigns PHQ-9 and creates an invitation; the patient,
//! in a browser of their own at phone size (390 × 844), opens the link, sets a passphrase,
//! notes the code, answers one question per screen with item 9 positive, sees the site's crisis
//! resources at once, sends the answers and reads the result; the clinician's caseload then
//! shows the open risk alert. Every portal page visited is checked with axe-core.
//!
//! Like `browser.rs` it needs Debian's `chromium` and `chromium-driver`, and passes with a note
//! without them unless IPT_REQUIRE_BROWSER=1.

use crate::support::*;
use crate::webdriver::{browser, expect};

/// The site's configuration: its own crisis resources in English, longer invitation links.
const CONFIG: &str = r#"
[portal]
invitation_hours = 48

[crisis.en]
heading = "Help now at the Test Clinic"
lines = ["Emergency services: 112", "Test crisis line (day and night): 800 123 456"]
"#;

fn start_server(dir: &Scratch) -> Server {
    std::fs::write(dir.0.join("ipt.toml"), CONFIG).unwrap();
    start_server_with_clinician(dir)
}

#[test]
fn a_patient_answers_phq9_on_a_phone_and_a_risk_answer_reaches_the_clinician() {
    let Some(clinic) = browser() else {
        return;
    };
    let dir = Scratch::new();
    let server = start_server(&dir);
    let b = &server.base;

    // The clinician registers a patient, starts a course, assigns PHQ-9 and invites the patient.
    clinic.goto(&format!("{b}/login"));
    clinic.type_into("#username", "maria");
    clinic.type_into("#password", "lantern orbit pebble mango");
    clinic.submit("/login");
    expect(&clinic, "No patients yet.");
    clinic.goto(&format!("{b}/patients/new"));
    clinic.type_into("#name", "Teresa Example");
    clinic.submit("/patients");
    expect(&clinic, "The patient is registered.");
    clinic.select("#format", "individual");
    clinic.submit("/courses");
    expect(&clinic, "Individual IPT for Teresa Example");
    let course_url = clinic.url();
    clinic.goto(&format!("{course_url}/portal"));
    let page = expect(&clinic, "Questionnaires on the portal");
    assert!(page.contains("never offered to patients"), "{page}");
    clinic.select("#instrument", "phq9");
    clinic.select("#schedule", "once");
    clinic.submit("/portal/assignments");
    expect(&clinic, "The questionnaire was assigned.");
    assert_eq!(clinic.value("#hours"), "48", "the site's default lifetime");
    clinic.submit("/portal/invitations");
    expect(&clinic, "shown only this once");
    let link = clinic.value("#invitation-link");
    assert!(
        link.starts_with(&format!("{b}/portal/invitation/")),
        "{link}"
    );

    // The patient, on a phone, in a browser of their own.
    let Some(phone) = browser() else {
        return;
    };
    phone.resize(390, 844);
    let shots = std::env::var("IPT_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from);
    let shot = |name: &str| {
        if let Some(dir) = &shots {
            phone.screenshot(&dir.join(format!("portal-{name}.png")));
        }
    };
    phone.goto(&link);
    expect(&phone, "Choose a passphrase");
    phone.assert_accessible("the invitation page");
    shot("01-invitation");
    phone.type_into("#passphrase", "short");
    phone.type_into("#confirm", "short");
    phone.click_and_wait("main form button[type=submit]");
    expect(&phone, "The passphrase is too short.");
    phone.type_into("#passphrase", "green kettle river");
    phone.type_into("#confirm", "green kettle river");
    phone.click_and_wait("main form button[type=submit]");
    expect(&phone, "Write the code down now");
    phone.assert_accessible("the portal code page");
    shot("02-code");
    let code = phone
        .eval("return document.getElementById('portal-code').textContent.trim();")
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(code.len(), 11, "{code}");

    // One question per screen, with a progress indicator.
    phone.goto(&format!("{b}/portal/questionnaires"));
    expect(&phone, "Ready for you to fill in.");
    phone.assert_accessible("the questionnaire list");
    phone.click_and_wait("main a.action-link");
    expect(&phone, "Question 1 of 10");
    phone.assert_accessible("a question screen");
    shot("03-question");
    let url = phone.url();
    let assignment = url
        .split("/portal/questionnaires/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .expect("the questionnaire's address")
        .to_string();
    let form = format!("/portal/questionnaires/{assignment}");
    for item in 1..=8 {
        expect(&phone, &format!("Question {item} of 10"));
        phone.click(&format!("#q-q{item}-1"));
        phone.submit(&form);
    }
    expect(&phone, "Question 9 of 10");
    let before = phone.wait_text("Question 9 of 10");
    assert!(!before.contains("Help now at the Test Clinic"), "{before}");
    // Item 9 positive: the crisis resources are on the very next screen.
    phone.click("#q-q9-2");
    phone.submit(&form);
    let next = expect(&phone, "Question 10 of 10");
    assert!(
        next.contains("Help now at the Test Clinic")
            && next.contains("Test crisis line (day and night): 800 123 456"),
        "{next}"
    );
    let alert_role = phone.eval("return document.querySelector('.crisis').getAttribute('role');");
    assert_eq!(alert_role.as_str(), Some("alert"));
    phone.assert_accessible("the question screen with the crisis box");
    shot("04-crisis");
    phone.click("#q-q10-1");
    phone.submit(&form);
    expect(&phone, "Check your answers.");
    phone.assert_accessible("the review page");
    shot("05-review");
    phone.submit("/submit");
    let result = expect(&phone, "Your answers were sent to your therapist");
    assert!(
        result.contains("Test crisis line (day and night): 800 123 456")
            && result.contains("talk about your answers with your therapist")
            && result.contains("the range we call"),
        "{result}"
    );
    assert!(!result.to_lowercase().contains("you are fine"), "{result}");
    phone.assert_accessible("the result page");
    shot("06-result");
    phone.goto(&format!("{b}/portal/help"));
    expect(&phone, "Test crisis line (day and night): 800 123 456");
    phone.assert_accessible("the help page");

    // Sign out, and back in with the code and the passphrase.
    phone.goto(&format!("{b}/portal"));
    phone.click_and_wait("form[action='/portal/sign-out'] button");
    expect(&phone, "You have signed out.");
    phone.assert_accessible("the sign-in page");
    shot("07-sign-in");
    phone.type_into("#code", &code);
    phone.type_into("#passphrase", "green kettle river");
    phone.submit("/portal/sign-in");
    phone.goto(&format!("{b}/portal/questionnaires"));
    expect(&phone, "Done. Thank you.");

    // The patient reads the portal in Italian from now on: their pages follow, on every
    // sign-in, but the clinical record keeps its language (and with it the documents and the
    // questionnaires assigned in it).
    phone.click("#lang-select option[value=\"it\"]");
    phone.wait_text("Questionari");
    assert_eq!(
        phone.eval("return document.documentElement.lang;"),
        serde_json::json!("it")
    );
    clinic.goto(&format!("{b}/caseload"));
    clinic.click_and_wait("main table a");
    let record = expect(&clinic, "English");
    assert!(!record.contains("Italian"), "{record}");
    clinic.goto(&format!("{course_url}/portal"));
    let portal = expect(&clinic, "PHQ-9");
    assert!(!portal.contains("Not delivered"), "{portal}");

    // The clinician's caseload shows the open risk alert.
    clinic.goto(&format!("{b}/caseload"));
    let caseload = expect(&clinic, "Open alerts");
    clinic.goto(&format!("{course_url}/portal"));
    expect(&clinic, "The patient set up their portal access");
    if let Some(dir) = &shots {
        clinic.screenshot(&dir.join("portal-08-clinician.png"));
    }
    clinic.goto(&format!("{b}/caseload"));
    expect(&clinic, "Open alerts");
    assert!(
        caseload.contains("Teresa Example") && caseload.contains("risk item 9"),
        "{caseload}"
    );
}

/// The portal's settings are checked at start: a crisis entry for a language the interface does
/// not speak, an empty line, or an impossible invitation lifetime stops the program with the
/// reason; good ones pass.
#[test]
fn the_portal_settings_are_checked_at_start() {
    let dir = Scratch::new();
    for (toml, reason) in [
        (
            "[crisis.fr]\nheading = \"Urgence\"\nlines = [\"112\"]\n",
            "not a language of the interface",
        ),
        (
            "[crisis.en]\nheading = \"Help now\"\nlines = [\"112\", \" \"]\n",
            "no empty ones",
        ),
        ("[crisis.en]\nlines = [\"112\"]\n", "heading"),
        ("[portal]\ninvitation_hours = 0\n", "invitation_hours"),
        ("[portal]\ninvitation_days = 3\n", "invitation_days"),
    ] {
        std::fs::write(dir.0.join("ipt.toml"), toml).unwrap();
        let o = ipt(&dir, &["migrate"], None);
        assert!(!o.status.success(), "{toml} was accepted");
        assert!(text(&o).contains(reason), "{toml}: {}", text(&o));
    }
    std::fs::write(dir.0.join("ipt.toml"), CONFIG).unwrap();
    let o = ipt(&dir, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
}
