//! Typed text stays in the record it was typed for. The autosave of text areas once keyed its
//! drafts by the shared `…/new` address and left its 400 ms timer running past the save, so text
//! typed for one new person reappeared in the next new person's form and was saved there. Here a
//! clinician types and saves at machine speed (the last keystroke and the click together, and a
//! paste followed at once by the click) on every form with text areas that creates records, and
//! the test proves that each record holds its own text, that the next form starts empty, that a
//! refused save keeps what was typed, and that a restored draft says so beside its field.
//!
//! Like `browser.rs` it needs Debian's `chromium` and `chromium-driver`, and passes with a note
//! without them unless IPT_REQUIRE_BROWSER=1.

use std::time::Duration;

use serde_json::json;

use crate::support::*;
use crate::webdriver::{Driver, browser, expect};

/// Sign in, register a patient and start a course (into the initial phase); the course's URL.
fn a_started_course(d: &Driver, b: &str) -> String {
    d.goto(&format!("{b}/login"));
    d.type_into("#username", "maria");
    d.type_into("#password", "lantern orbit pebble mango");
    d.submit("/login");
    expect(d, "No patients yet.");
    d.goto(&format!("{b}/patients/new"));
    d.type_into("#name", "Draft Example");
    d.submit("/patients");
    expect(d, "The patient is registered.");
    d.select("#format", "individual");
    d.submit("/courses");
    expect(d, "Individual IPT for Draft Example");
    let course = d.url();
    d.click_and_wait("form[action$='/transition'] button.primary");
    expect(d, "The course is now: Initial phase.");
    course
}

/// Every draft text kept in the tab's session storage.
fn stored_drafts(d: &Driver) -> Vec<String> {
    let v = d.eval(
        "return Object.keys(sessionStorage).filter(k => k.startsWith('ipt-draft|text|')).map(k => sessionStorage.getItem(k));",
    );
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The values of the text areas `names` in the form `form`.
fn values(d: &Driver, form: &str, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|n| d.value(&format!("{form} textarea[name={n}]")))
        .collect()
}

fn restored_notices(d: &Driver) -> i64 {
    d.eval("return document.querySelectorAll('.draft-restored').length;")
        .as_i64()
        .unwrap_or(-1)
}

/// Fill the text areas of `form` at machine speed, each with `tag-name`: typed key by key into
/// all but the last, the last pasted, and the form's button clicked straight after the last
/// keystroke (well inside the autosave's 400 ms). Waits for the answer.
fn type_and_save_at_once(d: &Driver, form: &str, names: &[&str], tag: &str) {
    for (i, n) in names.iter().enumerate() {
        let css = format!("{form} textarea[name={n}]");
        let text = format!("{tag}-{n}");
        if i + 1 == names.len() {
            d.paste(&css, &text);
        } else {
            d.send_keys(&css, &text);
        }
    }
    d.click_and_wait(&format!("{form} button[type=submit]"));
}

/// The address of the link in main whose text (or accessible name) is or ends with `text`.
fn link_to(d: &Driver, text: &str) -> String {
    d.eval(&format!(
        "const t = {}; const a = Array.from(document.querySelectorAll('main a')).find(a => \
           a.textContent.trim() === t || (a.getAttribute('aria-label') || '').endsWith(': ' + t)); \
         return a ? a.href : '';",
        json!(text)
    ))
    .as_str()
    .unwrap_or_default()
    .to_string()
}

const NOTES: [&str; 7] = [
    "shared_activities",
    "satisfying_aspects",
    "unsatisfying_aspects",
    "expectations",
    "communication_style",
    "change_since_depression",
    "wished_changes",
];

#[test]
fn text_typed_and_saved_at_machine_speed_stays_in_its_own_record() {
    let Some(d) = browser() else {
        return;
    };
    let dir = Scratch::new();
    let server = start_server_with_clinician(&dir);
    let course = a_started_course(&d, &server.base);

    // Two new people in a row, each saved the moment the last note is in.
    let form = "form[action$='/inventory']";
    for (alias, tag) in [("Alpha", "first"), ("Beta", "second")] {
        d.goto(&format!("{course}/inventory/new"));
        assert_eq!(restored_notices(&d), 0, "nothing to restore in a new form");
        assert!(
            values(&d, form, &NOTES).iter().all(String::is_empty),
            "the new person's form starts empty: {:?}",
            values(&d, form, &NOTES)
        );
        d.type_into("#alias", alias);
        d.select("#relationship", "friend");
        d.select("#ring", "2");
        type_and_save_at_once(&d, form, &NOTES, tag);
        expect(&d, alias);
        // Long after the save, no timer brings the text back.
        std::thread::sleep(Duration::from_millis(700));
        assert!(stored_drafts(&d).is_empty(), "{:?}", stored_drafts(&d));
    }
    // Each person holds exactly their own notes.
    for (alias, tag) in [("Alpha", "first"), ("Beta", "second")] {
        d.goto(&format!("{course}/inventory"));
        let href = link_to(&d, alias);
        assert!(!href.is_empty(), "a link to {alias}");
        d.goto(&href);
        let expected: Vec<String> = NOTES.iter().map(|n| format!("{tag}-{n}")).collect();
        assert_eq!(
            values(&d, "main form[action*='/inventory/']", &NOTES),
            expected,
            "{alias}"
        );
    }
    // A third new form is empty too, also after a reload.
    d.goto(&format!("{course}/inventory/new"));
    assert!(values(&d, form, &NOTES).iter().all(String::is_empty));
    assert_eq!(restored_notices(&d), 0);

    // Timeline events: a refused save (a date after today) keeps the text typed; the corrected
    // save stores it, and the next new event's form is empty.
    let events = "form[action$='/timeline/events']";
    d.goto(&format!("{course}/timeline"));
    d.type_into("#new-event-date", "2099-01");
    d.select("#new-event-kind", "move");
    type_and_save_at_once(&d, events, &["description"], "moving");
    expect(&d, "after today");
    assert_eq!(
        d.value(&format!("{events} textarea[name=description]")),
        "moving-description",
        "a refused save loses nothing"
    );
    d.type_into("#new-event-date", "2026-06");
    d.click_and_wait(&format!("{events} button[type=submit]"));
    expect(&d, "moving-description");
    assert_eq!(d.value(&format!("{events} textarea[name=description]")), "");
    d.select("#new-event-kind", "job_change");
    d.type_into("#new-event-date", "2026-07");
    type_and_save_at_once(&d, events, &["description"], "job");
    let page = expect(&d, "job-description");
    // Each event's text stands only with its own event, as often as the other's (the list and
    // the chart's table each show both once).
    assert_eq!(
        page.matches("moving-description").count(),
        page.matches("job-description").count(),
        "{page}"
    );
    assert!(
        page.lines()
            .all(|l| !(l.contains("moving-description") && l.contains("job-description"))),
        "{page}"
    );
    assert!(
        page.lines()
            .filter(|l| l.contains("moving-description"))
            .all(|l| l.contains("Move") && !l.contains("Change of job")),
        "{page}"
    );
    assert_eq!(d.value(&format!("{events} textarea[name=description]")), "");

    // Forms of one record (the formulation): saved at once, reopened, the saved text is shown
    // and no stale draft is offered over it.
    let formulation = "form[action$='/formulation']";
    d.goto(&format!("{course}/formulation"));
    d.eval(&format!(
        "document.querySelector(\"{formulation} textarea[name=text]\").value = '';"
    ));
    type_and_save_at_once(&d, formulation, &["text", "patient_wording"], "formulation");
    d.goto(&format!("{course}/formulation"));
    assert_eq!(restored_notices(&d), 0);
    assert_eq!(
        values(&d, formulation, &["text", "patient_wording"]),
        vec!["formulation-text", "formulation-patient_wording"]
    );
    std::thread::sleep(Duration::from_millis(700));
    assert!(stored_drafts(&d).is_empty(), "{:?}", stored_drafts(&d));

    // Goals: the add form sits on the page the save returns to.
    let goals = "form[action$='/goals']";
    for tag in ["goal-one", "goal-two"] {
        d.goto(&format!("{course}/goals"));
        assert_eq!(d.value(&format!("{goals} textarea[name=description]")), "");
        type_and_save_at_once(&d, goals, &["description"], tag);
        expect(&d, &format!("{tag}-description"));
        assert_eq!(d.value(&format!("{goals} textarea[name=description]")), "");
    }

    // Sessions: four text areas, two sessions in a row.
    let sessions = "form[action$='/sessions']";
    let areas = ["interval_events", "agreed_actions", "risk_note", "notes"];
    for (n, tag) in [("1", "s1"), ("2", "s2")] {
        d.goto(&format!("{course}/sessions/new"));
        assert_eq!(restored_notices(&d), 0);
        assert!(values(&d, sessions, &areas).iter().all(String::is_empty));
        d.set_value("#number", n);
        d.click("#risk-reviewed");
        type_and_save_at_once(&d, sessions, &areas, tag);
        expect(&d, &format!("Session {n}"));
    }
    for (n, tag) in [("1", "s1"), ("2", "s2")] {
        d.goto(&format!("{course}/sessions"));
        d.goto(&link_to(&d, &format!("Session {n}")));
        let expected: Vec<String> = areas.iter().map(|a| format!("{tag}-{a}")).collect();
        assert_eq!(
            values(&d, "main form[action*='/sessions/']", &areas),
            expected
        );
    }
    std::thread::sleep(Duration::from_millis(700));
    assert!(stored_drafts(&d).is_empty(), "{:?}", stored_drafts(&d));
}

#[test]
fn an_unsaved_draft_is_restored_beside_its_field_and_can_be_discarded() {
    let Some(d) = browser() else {
        return;
    };
    let dir = Scratch::new();
    let server = start_server_with_clinician(&dir);
    let course = a_started_course(&d, &server.base);

    // Typed, not saved, and the page reloaded: the text is back, with a notice right after it.
    d.goto(&format!("{course}/sessions/new"));
    d.type_into("textarea[name=notes]", "Unsaved session note");
    std::thread::sleep(Duration::from_millis(700));
    d.goto(&format!("{course}/sessions/new"));
    assert_eq!(d.value("textarea[name=notes]"), "Unsaved session note");
    assert_eq!(restored_notices(&d), 1);
    let beside = d.eval(
        "const f = document.querySelector('textarea[name=notes]'); const n = f.nextElementSibling; \
         return n && n.classList.contains('draft-restored') ? n.textContent : '';",
    );
    let beside = beside.as_str().unwrap_or_default();
    assert!(
        beside.contains("it was not saved") && beside.contains("still not saved"),
        "the notice sits beside the field and says what happened: {beside:?}"
    );
    // The other text areas were not touched and carry no notice.
    assert_eq!(d.value("textarea[name=agreed_actions]"), "");
    // Discarding empties the field and forgets the draft.
    d.click(".draft-restored button");
    assert_eq!(d.value("textarea[name=notes]"), "");
    assert!(stored_drafts(&d).is_empty(), "{:?}", stored_drafts(&d));
    d.goto(&format!("{course}/sessions/new"));
    assert_eq!(restored_notices(&d), 0);
    assert_eq!(d.value("textarea[name=notes]"), "");
}
