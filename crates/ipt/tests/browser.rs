//! The browser test: headless Chromium, driven through WebDriver, signs in and walks one course
//! from registration to completion through the real server, asserting what the user sees at
//! each step.
//!
//! It needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them it
//! says so and passes, unless IPT_REQUIRE_BROWSER=1 (set by CI), when their absence fails it.
//! With IPT_SCREENSHOTS=DIR it saves screenshots of the main pages there (docs/screenshots).

use std::time::Duration;

use crate::support::*;
use crate::webdriver::Driver;

/// Wait for `needle` in the page's main landmark and fail with what the user saw otherwise.
fn expect(driver: &Driver, needle: &str) -> String {
    let t = driver.wait_text(needle);
    assert!(
        t.contains(needle),
        "expected to see {needle:?}; the page shows:\n{t}"
    );
    t
}

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

#[test]
fn a_clinician_signs_in_and_walks_a_course_from_registration_to_completion() {
    let Some(driver) = Driver::start() else {
        assert!(
            std::env::var("IPT_REQUIRE_BROWSER").is_err(),
            "IPT_REQUIRE_BROWSER is set but chromium/chromedriver could not be started"
        );
        eprintln!("skipped: chromium and chromium-driver are not installed");
        return;
    };
    let dir = Scratch::new();
    let server = start_server_with_clinician(&dir);
    let b = &server.base;
    let shots = std::env::var("IPT_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from);
    let shot = |name: &str| {
        if let Some(dir) = &shots {
            driver.screenshot(&dir.join(format!("{name}.png")));
        }
    };

    // Sign in: a wrong password is refused, the right one opens the caseload.
    driver.goto(&format!("{b}/"));
    assert!(driver.wait_url("/login").ends_with("/login"));
    driver.type_into("#username", "maria");
    driver.type_into("#password", "wrong password");
    driver.submit("/login");
    expect(&driver, "The username or password is not right.");
    driver.type_into("#password", "lantern orbit pebble mango");
    shot("01-sign-in");
    driver.submit("/login");
    expect(&driver, "No patients yet.");

    // Register a patient: an impossible date of birth is explained and the name is kept.
    driver.goto(&format!("{b}/patients/new"));
    driver.type_into("#name", "Teresa Example");
    driver.set_value("#date_of_birth", "2990-12-31");
    driver.submit("/patients");
    expect(&driver, "The date cannot be in the future.");
    driver.set_value("#date_of_birth", "1980-12-31");
    driver.submit("/patients");
    expect(&driver, "The patient is registered.");

    // Start an individual course and move it into the initial phase.
    driver.select("#format", "individual");
    driver.submit("/courses");
    expect(&driver, "Individual IPT for Teresa Example");
    let course_url = driver.url();
    driver.click_and_wait("form[action$='/transition'] button.primary");
    expect(&driver, "The course is now: Initial phase.");
    // Too early for the middle phase: every missing step is listed.
    driver.click_and_wait("form[action$='/transition'] button");
    let t = expect(&driver, "record the diagnosis");
    assert!(
        t.contains("agree the contract") && t.contains("add at least one person"),
        "{t}"
    );

    // Diagnosis and indication.
    driver.goto(&format!("{course_url}/indication"));
    for s in [
        "depressed-mood",
        "loss-of-interest",
        "sleep-change",
        "fatigue",
        "poor-concentration",
    ] {
        driver.click(&format!("#symptom-{s}"));
    }
    driver.click("#two-weeks");
    driver.submit("/indication");
    driver.goto(&format!("{course_url}/indication"));
    driver.type_into("#statement", "Major depressive disorder, single episode");
    driver.select("#dx-severity", "moderate");
    driver.submit("/diagnosis");
    driver.goto(&course_url);
    expect(&driver, "Major depressive disorder, single episode");

    // Baseline PHQ-9, scored at once: 2 on items 1–8 and 0 on item 9 is 16.
    driver.goto(&format!("{course_url}/measures/new?instrument=phq9"));
    for i in 1..=8 {
        driver.click(&format!("#item-q{i}-4"));
    }
    driver.click("#item-q9-2");
    driver.submit("/measures");
    driver.goto(&format!("{course_url}/measures"));
    expect(&driver, "16");

    // The result page shows every item's answer on screen at a phone's, a laptop's and a wide
    // screen's width: the long item text wraps instead of pushing the answers off to the right.
    driver.click_and_wait("main table a[href*='/measures/']");
    expect(&driver, "Thoughts that you would be better off dead");
    for (w, h) in [(375, 812), (1280, 1600), (1920, 1080)] {
        driver.resize(w, h);
        let off = driver.eval(
            "const vw = document.documentElement.clientWidth; \
             const dds = Array.from(document.querySelectorAll('main dl.facts dd')); \
             return {n: dds.length, off: dds.filter(d => { const r = d.getBoundingClientRect(); return r.right > vw + 1 || r.width < 8; }).length, \
                     scroll: document.documentElement.scrollWidth - vw};",
        );
        assert_eq!(
            off["n"],
            serde_json::json!(10),
            "ten answers at {w} px: {off}"
        );
        assert_eq!(
            off["off"],
            serde_json::json!(0),
            "every answer on screen at {w} px: {off}"
        );
        assert!(
            off["scroll"].as_i64().unwrap_or(1) <= 0,
            "no sideways scrolling at {w} px: {off}"
        );
    }
    driver.resize(1280, 1600);

    // Interpersonal inventory with its closeness circle.
    driver.goto(&format!("{course_url}/inventory/new"));
    driver.type_into("#alias", "Mother");
    driver.select("#relationship", "parent");
    driver.select("#ring", "1");
    driver.click("#deceased");
    // Saving updates the page inline: the circle appears without a full reload (a marker set on
    // the page before saving survives), and the address follows.
    driver.eval("window.__stillHere = true;");
    driver.submit("/inventory");
    expect(&driver, "Mother");
    driver.find("main svg");
    assert_eq!(
        driver.eval("return window.__stillHere === true;"),
        serde_json::json!(true),
        "no full reload"
    );
    assert!(driver.url().contains("/inventory"), "{}", driver.url());
    shot("03-inventory");

    // Timeline: the death before onset, and the current episode.
    driver.goto(&format!("{course_url}/timeline"));
    driver.type_into("#new-event-date", "2026-08");
    driver.select("#new-event-kind", "death");
    driver.click("#new-event-person-id option:nth-child(2)");
    driver.type_into("#new-event-description", "Died after a short illness");
    driver.submit("/timeline/events");
    driver.goto(&format!("{course_url}/timeline"));
    driver.type_into("#new-episode-onset", "2026-10");
    driver.click("#new-episode-current");
    driver.submit("/timeline/episodes");
    driver.goto(&format!("{course_url}/timeline"));
    expect(&driver, "Died after a short illness");

    // Suggestions cite the record; the clinician chooses grief.
    driver.goto(&format!("{course_url}/suggestions"));
    expect(&driver, "'Mother'");
    shot("04-suggestions");
    driver.select("#primary", "grief");
    driver.submit("/suggestions");
    driver.goto(&course_url);
    expect(&driver, "Grief");

    // Contract: the defaults are the format's.
    driver.goto(&format!("{course_url}/contract"));
    driver.submit("/contract");
    driver.goto(&course_url);
    expect(&driver, "16 sessions");

    // Formulation: the draft comes from the records; the patient accepts it today.
    driver.goto(&format!("{course_url}/formulation"));
    driver.set_value("#accepted-on", &today());
    driver.submit("/formulation");

    // Into the middle phase.
    driver.goto(&course_url);
    driver.click_and_wait("form[action$='/transition'] button.primary");
    expect(&driver, "The course is now: Middle phase.");
    shot("02-course");

    // A middle-phase session, with a technique and a risk review.
    driver.goto(&format!("{course_url}/sessions/new"));
    driver.set_value("#number", "4");
    driver.set_value("#mood", "4");
    driver.click("input[name=techniques]");
    driver.click("#risk-reviewed");
    driver.type_into("#interval-events", "Visited the grave for the first time.");
    // Notes are autosaved in the tab: leaving and coming back offers the text again.
    std::thread::sleep(Duration::from_millis(600));
    driver.goto(&format!("{course_url}/sessions/new"));
    expect(
        &driver,
        "you typed this in this tab earlier and it was not saved",
    );
    assert_eq!(
        driver.value("#interval-events"),
        "Visited the grave for the first time."
    );
    driver.set_value("#number", "4");
    driver.set_value("#mood", "4");
    driver.click("input[name=techniques]");
    driver.click("#risk-reviewed");
    shot("05-session");
    driver.submit("/sessions");
    driver.goto(&format!("{course_url}/sessions"));
    expect(&driver, "Session 4");

    // A PHQ-9 with item 9 positive raises an alert that stays until acknowledged.
    driver.goto(&format!("{course_url}/measures/new?instrument=phq9"));
    for i in 1..=8 {
        driver.click(&format!("#item-q{i}-3"));
    }
    driver.click("#item-q9-3");
    driver.submit("/measures");
    driver.goto(&format!("{b}/caseload"));
    expect(&driver, "1 open alert");
    driver.click_and_wait("main table a");
    expect(&driver, "This patient has an open risk alert.");
    shot("06-alert");
    driver.type_into(
        "textarea[name=note]",
        "Phoned Teresa the same day; safety plan agreed; no plan or intent.",
    );
    driver.submit("/acknowledge");
    expect(&driver, "No open alerts.");

    // Termination comes after the protocol's six attended middle-phase sessions.
    driver.goto(&course_url);
    expect(
        &driver,
        "hold at least 6 attended middle-phase sessions first",
    );
    for n in 5..=9 {
        driver.goto(&format!("{course_url}/sessions/new"));
        driver.set_value("#number", &n.to_string());
        driver.click("#risk-reviewed");
        driver.submit("/sessions");
    }

    // Termination: end measure, review, relapse-prevention plan, decision, completion.
    driver.goto(&course_url);
    driver.click_and_wait("form[action$='/transition'] button.primary");
    expect(&driver, "The course is now: Termination phase.");
    driver.goto(&format!("{course_url}/measures/new?instrument=phq9"));
    for i in 1..=9 {
        driver.click(&format!("#item-q{i}-2"));
    }
    driver.submit("/measures");
    driver.goto(&format!("{course_url}/termination"));
    driver.type_into(
        "#gains",
        "Talks about her mother with her sister; back at the choir.",
    );
    driver.type_into("#feelings-about-ending", "Sad to stop, and ready.");
    driver.submit("/termination/review");
    driver.goto(&format!("{course_url}/termination"));
    driver.type_into("#warning-signs", "Waking early; cancelling the choir.");
    driver.type_into(
        "#seek-help",
        "Call the clinic; in a crisis, emergency services.",
    );
    driver.submit("/termination/relapse-plan");
    driver.goto(&format!("{course_url}/termination"));
    driver.click("#choice-no-further-treatment");
    driver.type_into("#rationale", "First episode, good response.");
    driver.submit("/termination/maintenance");
    driver.goto(&format!("{course_url}/termination"));
    shot("07-ending");
    // The start circle (a snapshot taken on entering the middle phase) draws the mother who
    // died as the live circle does, and counts only the living.
    let marks = driver.eval(
        "const svgs = Array.from(document.querySelectorAll('main table.circles svg')); \
         return svgs.map(s => s.querySelectorAll('.is-deceased').length);",
    );
    assert_eq!(
        marks,
        serde_json::json!([1, 1]),
        "deceased at start and now: {marks}"
    );
    driver.goto(&course_url);
    driver.click_and_wait("form[action$='/transition'] button.primary");
    expect(&driver, "The course is now: Completed.");
    driver.goto(&format!("{course_url}/summary"));
    let t = expect(&driver, "Waking early");
    assert!(t.contains("Teresa Example"), "{t}");
    shot("08-summary");
    driver.goto(&format!("{b}/caseload"));
    let t = expect(&driver, "Completed");
    assert!(t.contains("Teresa Example"), "{t}");
}
