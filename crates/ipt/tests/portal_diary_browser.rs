//! The diary-and-plan browser test: a clinician sets up a course (two people in the inventory,
//! a formulation accepted with the patient's own wording, a baseline PHQ-9) and hands the device
//! over in kiosk mode; the patient, at phone size (390 × 844), writes their mood diary on several
//! days, changes an earlier day, and finds the days in the chart and the "people and mood"
//! summary, then reads My plan, My progress and the learning pages. Every portal page visited is
//! checked with axe-core. A second test switches the portal to Italian and checks that no
//! English catalogue text is left on the diary page.
//!
//! Like `browser.rs` it needs Debian's `chromium` and `chromium-driver`, and passes with a note
//! without them unless IPT_REQUIRE_BROWSER=1.

use std::collections::BTreeSet;

use crate::support::*;
use crate::webdriver::{Driver, browser, expect};

fn day(n: i64) -> time::Date {
    time::OffsetDateTime::now_utc().date() - time::Duration::days(n)
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// How the English pages write a date.
fn en_date(d: time::Date) -> String {
    let m = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{} {} {}", d.day(), m[d.month() as usize - 1], d.year())
}

/// The clinician signs in, registers a patient, starts a course with Sam and Ada in the
/// inventory and (optionally) an accepted formulation and a baseline PHQ-9, then hands the
/// device to the patient in kiosk mode. Returns the course's address.
fn set_up_and_hand_over(driver: &Driver, b: &str, full: bool) -> String {
    driver.goto(&format!("{b}/login"));
    driver.type_into("#username", "maria");
    driver.type_into("#password", "lantern orbit pebble mango");
    driver.submit("/login");
    expect(driver, "No patients yet.");
    driver.goto(&format!("{b}/patients/new"));
    driver.type_into("#name", "Teresa Example");
    driver.submit("/patients");
    expect(driver, "The patient is registered.");
    driver.select("#format", "individual");
    driver.submit("/courses");
    expect(driver, "Individual IPT for Teresa Example");
    let course_url = driver.url();
    for (alias, relationship, ring) in [("Sam", "friend", "2"), ("Ada", "sibling", "1")] {
        driver.goto(&format!("{course_url}/inventory/new"));
        driver.type_into("#alias", alias);
        driver.select("#relationship", relationship);
        driver.select("#ring", ring);
        driver.submit("/inventory");
        expect(driver, alias);
    }
    if full {
        driver.goto(&format!("{course_url}/formulation"));
        driver.type_into(
            "#patient-wording",
            "Since I moved to the city I have felt far from the people I love.",
        );
        driver.set_value("#accepted-on", &iso(day(0)));
        driver.submit("/formulation");
        driver.goto(&format!("{course_url}/measures/new?instrument=phq9"));
        for i in 1..=8 {
            driver.click(&format!("#item-q{i}-4"));
        }
        driver.click("#item-q9-2");
        driver.submit("/measures");
    }
    driver.goto(&format!("{course_url}/portal"));
    driver.submit("/portal/kiosk");
    driver.wait_url("/portal/questionnaires");
    course_url
}

/// Fill the diary form on the page: a mood, the listed people ticked with how it went, people
/// added by name, and a note.
fn fill_day(
    driver: &Driver,
    mood: u8,
    people: &[(&str, &str)],
    added: &[(&str, &str)],
    note: &str,
) {
    driver.click(&format!("#mood-{mood}"));
    for (alias, quality) in people {
        // The person's line, found by the name the patient reads.
        let i = driver
            .eval(&format!(
                "const l = Array.from(document.querySelectorAll('.people label[for^=with-]')).find(l => l.textContent.trim() === '{alias}'); return l ? l.htmlFor.slice(5) : '';"
            ))
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(!i.is_empty(), "{alias} is offered in the diary form");
        let ticked = driver.eval(&format!(
            "return document.getElementById('with-{i}').checked;"
        ));
        if ticked != serde_json::json!(true) {
            driver.click(&format!("#with-{i}"));
        }
        driver.select(&format!("#quality-{i}"), quality);
    }
    for (k, (alias, quality)) in added.iter().enumerate() {
        driver.type_into(&format!("#new-alias-{k}"), alias);
        driver.select(&format!("#new-quality-{k}"), quality);
    }
    if !note.is_empty() {
        driver.type_into("#note", note);
    }
}

#[test]
fn a_patient_keeps_a_mood_diary_on_a_phone_and_finds_it_in_the_chart_summary_and_plan() {
    let Some(driver) = browser() else {
        return;
    };
    let dir = Scratch::new();
    let server = start_server_with_clinician(&dir);
    let b = &server.base;
    let course_url = set_up_and_hand_over(&driver, b, true);
    // With IPT_SCREENSHOTS=DIR, pictures of the phone-sized pages are saved there.
    let shots = std::env::var("IPT_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from);
    let shot = |name: &str| {
        if let Some(dir) = &shots {
            // The whole page at phone width, then back to the phone's height.
            driver.resize(390, 3600);
            driver.screenshot(&dir.join(format!("{name}.png")));
            driver.resize(390, 844);
        }
    };

    driver.resize(390, 844);
    driver.goto(&format!("{b}/portal/diary"));
    let page = expect(&driver, "How was your mood on this day?");
    assert!(page.contains("No days written yet."), "{page}");
    driver.assert_accessible("the empty diary");

    // Today: Sam (went well) and someone new, Zoe.
    fill_day(
        &driver,
        6,
        &[("Sam", "1")],
        &[("Zoe", "2")],
        "Coffee with Sam",
    );
    driver.submit(&format!("/portal/diary/{}", iso(day(0))));
    expect(
        &driver,
        &format!("Your entry for {} is saved.", en_date(day(0))),
    );

    // Two days ago: Sam, very well.
    driver.goto(&format!("{b}/portal/diary/{}", iso(day(2))));
    expect(&driver, "You are changing an earlier day.");
    driver.assert_accessible("an earlier day's form");
    fill_day(&driver, 7, &[("Sam", "2")], &[], "");
    driver.submit(&format!("/portal/diary/{}", iso(day(2))));
    expect(
        &driver,
        &format!("Your entry for {} is saved.", en_date(day(2))),
    );

    // Three days ago, through "write about another day": Sam, very badly.
    driver.set_value("#day", &iso(day(3)));
    driver.submit("/portal/diary");
    expect(&driver, "You are changing an earlier day.");
    fill_day(&driver, 4, &[("Sam", "-2")], &[], "");
    driver.submit(&format!("/portal/diary/{}", iso(day(3))));
    expect(
        &driver,
        &format!("Your entry for {} is saved.", en_date(day(3))),
    );

    // Yesterday: Ada, badly; then the patient changes their mind about the mood.
    driver.goto(&format!("{b}/portal/diary/{}", iso(day(1))));
    fill_day(&driver, 3, &[("Ada", "-1")], &[], "");
    driver.submit(&format!("/portal/diary/{}", iso(day(1))));
    expect(&driver, "is saved.");
    driver.click_and_wait(&format!("a[href='/portal/diary/{}']", iso(day(1))));
    expect(&driver, "You are changing an earlier day.");
    assert_eq!(
        driver.eval("return document.querySelector('.people input[type=checkbox]:checked + label').textContent.trim();"),
        serde_json::json!("Ada"),
        "the saved day comes back as it was"
    );
    driver.click("#mood-5");
    driver.submit(&format!("/portal/diary/{}", iso(day(1))));
    let page = expect(&driver, "is saved.");

    // The history, newest first, with the change.
    let history = page.split("Your diary so far").nth(1).unwrap_or_default();
    assert!(
        history.find(&en_date(day(0))) < history.find(&en_date(day(3))),
        "{history}"
    );
    assert!(history.contains("Mood 5 out of 10"), "{history}");
    assert!(history.contains("Coffee with Sam"), "{history}");
    // The chart: every day and every contact, with a text alternative and a table.
    let marks = driver.eval("return document.querySelectorAll('svg.diary-mood g.contact').length;");
    assert_eq!(marks, serde_json::json!(5), "one mark per contact");
    let points = driver.eval("return document.querySelectorAll('svg.diary-mood g.point').length;");
    assert_eq!(points, serde_json::json!(4), "one point per day");
    let titles = driver.eval(
        "return Array.from(document.querySelectorAll('svg.diary-mood title')).map(t => t.textContent).join(' | ');",
    );
    assert!(
        titles
            .as_str()
            .unwrap_or_default()
            .contains("Zoe: went very well"),
        "{titles}"
    );
    assert!(
        page.contains(&format!(
            "Mood on 4 days between {} and {}: lowest 4, highest 7, average 5.5.",
            en_date(day(3)),
            en_date(day(0))
        )),
        "{page}"
    );
    assert!(page.contains("Show the chart as a table"), "{page}");
    // People and mood: Sam on days 0, 2 and 3 (6, 7, 4), without on day 1 (5).
    assert!(
        page.contains(
            "On the 3 days you saw Sam, your mood averaged 5.7; on the one day without, 5."
        ),
        "{page}"
    );
    assert!(
        page.contains("Too few days to read anything into yet."),
        "{page}"
    );
    assert!(page.contains("not a cause"), "{page}");
    driver.assert_accessible("the diary with entries");
    shot("portal-diary");

    // My plan: the formulation in the patient's own words.
    driver.goto(&format!("{b}/portal/plan"));
    expect(
        &driver,
        "Since I moved to the city I have felt far from the people I love.",
    );
    driver.assert_accessible("my plan");
    shot("portal-plan");

    // My progress: the baseline PHQ-9 on its bands, in plain words.
    driver.goto(&format!("{b}/portal/progress"));
    let page = expect(&driver, "PHQ-9");
    assert!(
        page.contains("that is in the range we call \"many problems\""),
        "{page}"
    );
    driver.find("svg.score-trajectory");
    driver.assert_accessible("my progress");
    shot("portal-progress");

    // Learning pages.
    driver.goto(&format!("{b}/portal/learn"));
    expect(&driver, "Depression: common and treatable");
    driver.assert_accessible("the learning pages");
    driver.click_and_wait("a[href='/portal/learn/sick-role']");
    expect(&driver, "The sick role is temporary.");
    driver.assert_accessible("a learning page");
    shot("portal-learn");

    // The clinician sees the same diary in the course workspace (after kiosk mode ends).
    driver.goto(&format!("{b}/portal/kiosk/exit"));
    driver.type_into("#password", "lantern orbit pebble mango");
    driver.submit("/portal/kiosk/exit");
    driver.resize(1280, 1600);
    driver.goto(&format!("{course_url}/diary"));
    let page = expect(&driver, "Coffee with Sam");
    assert!(
        page.contains("On the 3 days with Sam, the patient's mood averaged 5.7"),
        "{page}"
    );
}

/// The English catalogue's sentences and phrases (fragments between placeholders, at least
/// 12 characters and two words), less those that read the same in Italian.
fn english_only_fragments() -> BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ipt-web/locales");
    let values = |lang: &str| -> Vec<String> {
        let mut out = vec![];
        for entry in std::fs::read_dir(root.join(lang)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if line.starts_with(|c: char| c.is_ascii_alphabetic())
                    && let Some((_, v)) = line.split_once(" = ")
                {
                    out.push(v.to_string());
                }
            }
        }
        out
    };
    let italian = values("it").join("\n");
    let mut fragments = BTreeSet::new();
    for v in values("en") {
        let mut rest = v.as_str();
        loop {
            let (before, after) = match rest.split_once('{') {
                Some((b, a)) => (b, a.split_once('}').map(|x| x.1).unwrap_or("")),
                None => (rest, ""),
            };
            let f = before
                .trim()
                .trim_matches(|c: char| c.is_ascii_punctuation())
                .trim();
            if f.chars().count() >= 12 && f.contains(' ') && !italian.contains(f) {
                fragments.insert(f.to_string());
            }
            if after.is_empty() {
                break;
            }
            rest = after;
        }
    }
    fragments
}

#[test]
fn switching_the_portal_to_italian_leaves_no_english_on_the_diary_page() {
    let Some(driver) = browser() else {
        return;
    };
    let dir = Scratch::new();
    let server = start_server_with_clinician(&dir);
    let b = &server.base;
    set_up_and_hand_over(&driver, b, false);
    driver.resize(390, 844);

    // A day with a person and a note, so the history, the chart and the summary are shown.
    driver.goto(&format!("{b}/portal/diary"));
    fill_day(&driver, 6, &[("Sam", "1"), ("Ada", "-1")], &[], "Quiet day");
    driver.submit(&format!("/portal/diary/{}", iso(day(0))));
    expect(&driver, "is saved.");
    driver.goto(&format!("{b}/portal/diary"));
    expect(&driver, "People and mood");
    let visible = || {
        driver
            .eval("return document.body.innerText;")
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let english = visible();
    let fragments = english_only_fragments();
    let seen: Vec<&String> = fragments.iter().filter(|f| english.contains(*f)).collect();
    assert!(
        seen.len() >= 15,
        "the English diary page shows the catalogue's words: {seen:?}\n{english}"
    );

    // The language switch in the header, at any time.
    driver.select("#lang-select", "it");
    driver.submit("/portal/language");
    expect(&driver, "Diario dell'umore");
    let italian = visible();
    let left: Vec<&String> = fragments.iter().filter(|f| italian.contains(*f)).collect();
    assert!(
        left.is_empty(),
        "English left on the Italian page: {left:?}\n{italian}"
    );
    assert!(
        italian.contains("Com'era il tuo umore in questo giorno?"),
        "{italian}"
    );
    assert!(
        italian.contains("Quiet day"),
        "the patient's own words stay: {italian}"
    );
    driver.assert_accessible("the diary in Italian");
}
