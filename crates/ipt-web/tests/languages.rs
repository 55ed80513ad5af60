//! Languages: a user's choice follows them, and switching changes every visible string.
//!
//! The "every string" check reads the English catalogue itself: no fixed English phrase from it
//! may remain on a page shown in Italian.

use axum::http::StatusCode;
use ipt_domain::authz::Role;
use ipt_domain::protocol::Format;

use crate::support::*;

/// The fixed fragments of every English catalogue value that differs in Italian and is long
/// enough to be a phrase (placeables split a value into fragments).
fn english_phrases() -> Vec<(String, String)> {
    let dir = |lang: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang)
    };
    let read = |lang: &str| {
        let mut map = std::collections::BTreeMap::new();
        for entry in std::fs::read_dir(dir(lang)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if line.starts_with(|c: char| c.is_ascii_alphabetic())
                    && let Some((k, v)) = line.split_once('=')
                {
                    map.insert(k.trim().to_string(), v.trim().to_string());
                }
            }
        }
        map
    };
    let (en, it) = (read("en"), read("it"));
    let mut out = vec![];
    for (key, value) in &en {
        if it.get(key) == Some(value) || value.contains("->") {
            continue;
        }
        for fragment in value.split(['{', '}']).step_by(2) {
            let f = fragment.trim();
            if f.chars().count() >= 14 && f.contains(' ') {
                out.push((key.clone(), f.to_string()));
            }
        }
    }
    assert!(out.len() > 100, "the English catalogue was read");
    out
}

fn unescape(s: &str) -> String {
    s.replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn assert_all_italian(path: &str, page: &Reply, phrases: &[(String, String)]) {
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text());
    assert!(page.body.contains("<html lang=\"it\">"), "{path}");
    let text = unescape(&page.text());
    let left: Vec<_> = phrases
        .iter()
        .filter(|(_, p)| text.contains(p.as_str()))
        .collect();
    assert!(left.is_empty(), "{path} still shows English: {left:#?}");
}

#[tokio::test]
async fn switching_to_italian_changes_every_visible_string_of_the_clinician_pages() {
    let phrases = english_phrases();
    let t = TestApp::sqlite().await;
    let anna = t.user("anna", Role::Clinician).await;
    let mut p = t.patient(&anna, "Olga Sample").await;
    // Texts written for the patient (the draft formulation) follow the patient's language.
    p.language = ipt_domain::patient::Language::It;
    p.version =
        t.db.store
            .update_patient(
                &p,
                &t.app.audit(
                    &ipt_domain::authz::Actor::System,
                    "patient.update",
                    "patient",
                    p.id.as_uuid(),
                    Some(p.id),
                ),
            )
            .await
            .unwrap();
    let c = t.course(&p, Format::Individual).await;
    let session = t.sign_in("anna").await;
    // Switch through the language form, as a user does.
    let r = t
        .post(
            "/language",
            Some(&session),
            &[("lang", "it"), ("back", "/caseload")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.set_cookie.iter().any(|c| c.starts_with("ipt_lang=it")));
    let it = format!("{session}; ipt_lang=it");
    let course = format!("/courses/{}", c.id);
    let mut paths = vec![
        "/caseload".to_string(),
        "/patients/new".into(),
        format!("/patients/{}", p.id),
        course.clone(),
        "/protocols".into(),
    ];
    for section in [
        "indication",
        "measures",
        "inventory",
        "timeline",
        "suggestions",
        "formulation",
        "contract",
        "sessions",
        "sessions/new",
        "goals",
        "termination",
        "summary",
    ] {
        paths.push(format!("{course}/{section}"));
    }
    for path in &paths {
        let page = t.get(path, Some(&it)).await;
        assert_all_italian(path, &page, &phrases);
    }
    // The sign-in page, before anyone signs in.
    let login = t.get("/login", Some("ipt_lang=it")).await;
    assert_all_italian("/login", &login, &phrases);
}

#[tokio::test]
async fn a_users_language_follows_them_to_another_device() {
    for t in TestApp::all().await {
        t.user("bruna", Role::Clinician).await;
        let first = t.sign_in("bruna").await;
        let r = t
            .post("/language", Some(&first), &[("lang", "it"), ("back", "/")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // A new device: no language cookie, an English browser.
        let r = t
            .post(
                "/login",
                None,
                &[("username", "bruna"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            r.set_cookie.iter().any(|c| c.starts_with("ipt_lang=it")),
            "{:?}",
            r.set_cookie
        );
        // The change is audited.
        let events =
            t.db.store
                .audit_events(&ipt_app::ports::AuditFilter {
                    limit: 100,
                    ..Default::default()
                })
                .await
                .unwrap();
        assert!(events.iter().any(|e| e.action == "user.language"));
    }
}
