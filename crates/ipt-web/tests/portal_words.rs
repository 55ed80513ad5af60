//! What a patient reads on the portal about their scores and their course (#14, findings 3 and
//! 9): every band of every instrument has plain, non-reassuring, non-diagnostic words of ours in
//! every language; no clinician band label ("minimal", "normal range", "negative screen", "below
//! threshold", "not lonely" …) reaches the result page or "My progress"; and the page about IPT
//! quotes the patient's own format, session count and end date instead of "12 to 16 weekly".

use std::sync::Arc;

use axum::http::StatusCode;
use ipt_app::App;
use ipt_app::ports::SystemClock;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::measures::{
    AnswerKind, Catalogue, Instrument, OptionText, TextOrigin, TextPack, TextPacks,
};
use ipt_domain::patient::Language;
use ipt_domain::protocol::{Format, Frequency, ProtocolCatalogue};
use ipt_store_tests::harness::{self, TestDb};
use ipt_web::WebOptions;
use ipt_web::i18n::{Lang, Tr};
use ipt_web::portal::words::band_words;

use crate::portal_access::{
    Setup, accept, assessments, assign, assignment_id, draft_version, invite,
};
use crate::support::*;

/// Words a patient must never read about a score: reassurance and diagnosis, and the
/// clinician's band names.
const FORBIDDEN_EN: [&str; 22] = [
    "normal",
    "fine",
    "not lonely",
    "negative",
    "positive",
    "screen",
    "threshold",
    "nothing to worry",
    "no need to worry",
    "healthy",
    "recovered",
    "cured",
    "well",
    "depression",
    "depressed",
    "diagnos",
    "minimal",
    "mild",
    "moderate",
    "severe",
    "subclinical",
    "impairment",
];
const FORBIDDEN_IT: [&str; 20] = [
    "normal",
    "norma",
    "stai bene",
    "a posto",
    "nessuna solitudine",
    "negativ",
    "positiv",
    "screening",
    "soglia",
    "niente di cui preoccupar",
    "sano",
    "guarit",
    "depress",
    "diagnos",
    "minim",
    "lieve",
    "moderat",
    "grave",
    "subclinic",
    "compromission",
];

fn forbidden(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &FORBIDDEN_EN,
        Lang::It => &FORBIDDEN_IT,
    }
}

/// Every band of every built-in instrument, in every band set.
fn all_bands() -> Vec<(&'static Instrument, String)> {
    Catalogue::builtin()
        .instruments()
        .iter()
        .flat_map(|i| {
            i.bands
                .iter()
                .flat_map(|b| &b.sets)
                .flat_map(|s| &s.bands)
                .map(move |b| (i, b.code.clone()))
        })
        .collect()
}

#[test]
fn every_band_of_every_instrument_has_plain_patient_words_in_every_language() {
    let bands = all_bands();
    // The catalogue has banded instruments (a test that checks nothing would pass).
    assert!(bands.len() > 30, "{}", bands.len());
    for lang in Lang::ALL {
        let t = Tr::new(lang);
        for (i, band) in &bands {
            let words = band_words(&t, &i.code, band)
                .unwrap_or_else(|| panic!("no patient words for {} {band} in {lang:?}", i.code));
            let lower = words.to_lowercase();
            for word in forbidden(lang) {
                assert!(
                    !lower.contains(word),
                    "{} {band} in {lang:?}: \"{words}\" says \"{word}\"",
                    i.code
                );
            }
            let clinician = t.get(&format!("severity-{band}")).to_lowercase();
            assert_ne!(lower, clinician, "{} {band} in {lang:?}", i.code);
        }
    }
    // A band a deployment's own band set brings, with no words of ours, has none (the pages
    // then show the score and its range alone).
    assert_eq!(band_words(&Tr::new(Lang::En), "phq9", "local_band"), None);
}

// ---- Through the portal -----------------------------------------------------------------------

/// Placeholder text of our own for every item of every self-report instrument in English and
/// Italian, so that any of them can be assigned and answered through the portal.
fn test_packs() -> TextPacks {
    let mut packs = TextPacks::shipped_only();
    for i in Catalogue::builtin().instruments() {
        if !i.offered_to_patients() {
            continue;
        }
        for lang in ["en", "it"] {
            if packs.text_for(&i.code, lang).is_some() {
                continue;
            }
            let items = i
                .items
                .iter()
                .map(|item| {
                    let scale = i.scale_of(item);
                    let mut values: Vec<u8> = (scale.min..=scale.max).collect();
                    values.extend(scale.excluded.iter().map(|e| e.value));
                    ipt_domain::measures::ItemText {
                        id: item.id.clone(),
                        label: item.label.clone(),
                        text: format!("Test question {}", item.label),
                        options: values
                            .into_iter()
                            .map(|value| OptionText {
                                value,
                                label: format!("Test answer {value}"),
                            })
                            .collect(),
                    }
                })
                .collect();
            packs
                .insert(TextPack {
                    instrument: i.code.clone(),
                    language: lang.into(),
                    origin: TextOrigin::Local,
                    title: format!("Test {}", i.short_name),
                    instructions: None,
                    attribution: "Test text".into(),
                    licence: "Test only".into(),
                    items,
                })
                .unwrap();
        }
    }
    packs
}

async fn on(db: TestDb) -> TestApp {
    let app = App::new(
        db.store.clone(),
        Arc::new(SystemClock),
        ProtocolCatalogue::default(),
    )
    .with_text_packs(test_packs());
    let router = ipt_web::router(ipt_web::AppState::with_options(
        app.clone(),
        WebOptions::default(),
    ))
    .layer(axum::extract::connect_info::MockConnectInfo(
        std::net::SocketAddr::from(([127, 0, 0, 1], 40200)),
    ));
    TestApp { db, app, router }
}

async fn all() -> Vec<TestApp> {
    let mut v = vec![on(harness::sqlite().await).await];
    if let Some(pg) = harness::postgres().await {
        v.push(on(pg).await);
    }
    v
}

/// A clinician signed in, and a patient speaking `language` with a course in `format`.
async fn setup(t: &TestApp, patient: &str, language: Language, format: Format) -> Setup {
    let clinician = match t.db.store.user_by_username("anna").await.unwrap() {
        Some(u) => u,
        None => t.user("anna", Role::Clinician).await,
    };
    let session = t.sign_in("anna").await;
    let patient = t
        .app
        .register_patient(&Actor::System, patient, None, language, clinician.id)
        .await
        .unwrap();
    let course = t.course(&patient, format).await;
    Setup {
        clinician,
        session,
        patient,
        course,
    }
}

/// Whether `text` holds `phrase` as whole words, whatever the case.
fn says(text: &str, phrase: &str) -> bool {
    let (text, phrase) = (text.to_lowercase(), phrase.to_lowercase());
    text.match_indices(&phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The clinician's band names that must not reach a portal page, in both languages: every
/// `severity-*` label of the instrument's bands, but those that are everyday words our own
/// patient text also uses ("low mood", "lonely less often").
fn clinician_labels(i: &Instrument) -> Vec<String> {
    const EVERYDAY: [&str; 7] = [
        "low",
        "high",
        "lonely",
        "none",
        "basso",
        "alto",
        "solitudine",
    ];
    let mut v = vec![];
    for lang in Lang::ALL {
        let t = Tr::new(lang);
        for set in i.bands.iter().flat_map(|b| &b.sets) {
            for b in &set.bands {
                let label = t.get(&format!("severity-{}", b.code));
                if !EVERYDAY.contains(&label.as_str()) && !v.contains(&label) {
                    v.push(label);
                }
            }
        }
    }
    v
}

/// Fill in `code` on the portal with the lowest-scoring answer to every question (all on one page),
/// send it, and return the result page with the band it landed in (if the instrument has a
/// band set in force).
async fn answer_lowest(
    t: &TestApp,
    s: &Setup,
    cookie: &str,
    code: &str,
) -> (Reply, Option<String>) {
    let i = Catalogue::builtin().get(code).unwrap();
    let r = assign(t, s, code, "once").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{code}: {}", r.text());
    let aid = assignment_id(t, s).await;
    let q = format!("/portal/questionnaires/{aid}");
    let names: Vec<String> = i.items.iter().map(|x| format!("answer_{}", x.id)).collect();
    let values: Vec<String> = i
        .items
        .iter()
        .map(|x| {
            // The answer that scores lowest: a reverse-keyed response's highest (GDS-15), where
            // answers are responses rather than scores (EPDS).
            let scale = i.scale_of(x);
            let reversed = x.reverse_keyed && i.answers == AnswerKind::Responses;
            let lowest = if reversed { scale.max } else { scale.min };
            lowest.to_string()
        })
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("view", "all"), ("version", "0"), ("go", "review")];
    form.extend(
        names
            .iter()
            .map(String::as_str)
            .zip(values.iter().map(String::as_str)),
    );
    let r = t.post(&q, Some(cookie), &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{code}: {}", r.text());
    let version = draft_version(t, s.course.id).await.to_string();
    let r = t
        .post(
            &format!("{q}/submit"),
            Some(cookie),
            &[("version", &version)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{code}: {}", r.text());
    let page = t.get(&r.location.unwrap(), Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{code}: {}", page.text());
    let band = assessments(t, s.course.id)
        .await
        .into_iter()
        .filter(|a| a.instrument == code)
        .find_map(|a| a.result)
        .unwrap_or_else(|| panic!("{code} was scored"))
        .severity;
    (page, band)
}

/// The instruments answered, and the band each lands in with the lowest answers: PHQ-9
/// "minimal", PHQ-2 "negative screen", EPDS "below threshold", GDS-15 "normal range" and the
/// others' lowest bands. UCLA-3 defines its "not lonely" band set without making it the default,
/// so it has no band unless a service chooses that set: its page names no range at all.
const ANSWERED: [(&str, Option<&str>); 9] = [
    ("phq9", Some("minimal")),
    ("phq2", Some("negative")),
    ("gad7", Some("minimal")),
    ("epds", Some("below_threshold")),
    ("ucla3", None),
    ("gds15", Some("normal")),
    ("phqa", Some("minimal")),
    ("wsas", Some("subclinical")),
    ("mspss", Some("low")),
];

#[tokio::test]
async fn no_clinician_band_label_reaches_the_result_page_or_my_progress() {
    for t in all().await {
        for (lang, language, name) in [
            (Lang::En, Language::En, "Pia Example"),
            (Lang::It, Language::It, "Paola Rossi"),
        ] {
            let tr = Tr::new(lang);
            let s = setup(&t, name, language, Format::Individual).await;
            let (_, cookie) = accept(&t, &invite(&t, &s, "72").await).await;
            for (code, expected) in ANSWERED {
                let (page, band) = answer_lowest(&t, &s, &cookie, code).await;
                assert_eq!(band.as_deref(), expected, "{code}");
                let text = page.text();
                if let Some(band) = &band {
                    let words = band_words(&tr, code, band).unwrap();
                    assert!(text.contains(&words), "{code} in {lang:?}: {text}");
                }
                let i = Catalogue::builtin().get(code).unwrap();
                for label in clinician_labels(i) {
                    assert!(
                        !says(&text, &label),
                        "{code} result in {lang:?} says \"{label}\": {text}"
                    );
                }
            }
            let progress = t.get("/portal/progress", Some(&cookie)).await;
            assert_eq!(progress.status, StatusCode::OK);
            let text = progress.text();
            for (code, band) in ANSWERED {
                if let Some(band) = band {
                    let words = band_words(&tr, code, band).unwrap();
                    assert!(text.contains(&words), "{code} in {lang:?}: {text}");
                }
                let i = Catalogue::builtin().get(code).unwrap();
                for label in clinician_labels(i) {
                    assert!(
                        !says(&text, &label),
                        "progress in {lang:?} says \"{label}\" ({code}): {text}"
                    );
                }
            }
        }
    }
}

// ---- The patient's own course on the learning pages -------------------------------------------

#[tokio::test]
async fn the_page_about_ipt_quotes_the_patients_own_course() {
    for t in all().await {
        for (lang, language) in [(Lang::En, Language::En), (Lang::It, Language::It)] {
            let tr = Tr::new(lang);
            let usual = match lang {
                Lang::En => ["12 to 16", "12 and 16"],
                Lang::It => ["da 12 a 16", "12 e 16"],
            };
            for (format, agreed) in [
                (Format::Group, Some(9)),
                (Format::Group, None),
                (Format::Brief, Some(8)),
                (Format::Brief, None),
            ] {
                let name = format!("Patient {} {}", format.code(), agreed.is_some());
                let mut s = setup(&t, &name, language, format).await;
                let end = t.app.today() + time::Duration::days(70);
                if let Some(n) = agreed {
                    s.course = t
                        .app
                        .agree_contract(
                            &Actor::System,
                            s.course.id,
                            s.course.version,
                            ipt_app::ContractTerms {
                                sessions: n,
                                frequency: Frequency::Weekly,
                                end_date: end,
                                agreed_on: t.app.today(),
                            },
                        )
                        .await
                        .unwrap();
                }
                let (_, cookie) = accept(&t, &invite(&t, &s, "72").await).await;
                let page = t.get("/portal/learn/ipt", Some(&cookie)).await;
                assert_eq!(page.status, StatusCode::OK);
                let text = page.text();
                let case = format!("{format:?} {agreed:?} in {lang:?}: {text}");
                for u in usual {
                    assert!(!text.contains(u), "{case}");
                }
                assert!(
                    text.contains(&tr.get(&format!("portal-learn-format-{}", format.code()))),
                    "{case}"
                );
                let count = match (lang, format, agreed) {
                    (Lang::En, _, Some(n)) => format!("agreed on {n} sessions, weekly"),
                    (Lang::It, _, Some(n)) => format!("concordato {n} sedute"),
                    (Lang::En, Format::Group, None) => "usually 9 sessions, weekly".into(),
                    (Lang::It, Format::Group, None) => "di solito sono 9 sedute".into(),
                    (Lang::En, _, None) => "usually 8 to 9 sessions, weekly".into(),
                    (Lang::It, _, None) => "di solito sono da 8 a 9 sedute".into(),
                };
                assert!(text.contains(&count), "{count} for {case}");
                assert_eq!(text.contains(&tr.date(end)), agreed.is_some(), "{case}");
                if agreed.is_none() {
                    let together = match lang {
                        Lang::En => "agree together on the number of sessions",
                        Lang::It => "concordate insieme il numero di sedute",
                    };
                    assert!(text.contains(together), "{case}");
                }
            }
        }
    }
}
