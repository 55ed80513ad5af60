//! The safety net: where to get help at once. Each site sets its own crisis resources per
//! language in `ipt.toml` (`[crisis.en]`, `[crisis.it]`: a heading and lines such as phone
//! numbers); a language the site left out gets our default text from the catalogue, which tells
//! the patient to contact local emergency services now and to tell their clinician.
//!
//! They are shown on `/portal/help` (no sign-in needed), and at once, in a `role="alert"` box,
//! whenever a patient answers a risk question positively.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use super::{PortalCtx, ctx, identify, public_ctx};
use crate::AppState;
use crate::i18n::{Lang, Tr};

/// A site's crisis resources in one language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisText {
    /// The box's heading, e.g. "If you are in danger now".
    pub heading: String,
    /// One line each: services, phone numbers, opening hours.
    #[serde(default)]
    pub lines: Vec<String>,
}

/// The site's crisis resources by language code (`en`, `it`). Empty by default: every language
/// then shows the catalogue's default text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrisisResources {
    by_language: BTreeMap<String, CrisisText>,
}

/// What a page shows: the heading and the lines, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrisisView {
    pub heading: String,
    pub lines: Vec<String>,
    /// Always shown after the site's lines: tell your clinician too.
    pub tell_clinician: String,
}

impl CrisisResources {
    /// Build from configuration, checking every entry: a language the interface speaks, a
    /// heading, and at least one line, none empty.
    pub fn new(by_language: BTreeMap<String, CrisisText>) -> Result<Self, String> {
        let mut checked = BTreeMap::new();
        for (lang, text) in by_language {
            let Some(l) = Lang::parse(&lang).filter(|l| l.code() == lang.trim()) else {
                let known: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
                return Err(format!(
                    "[crisis.{lang}]: '{lang}' is not a language of the interface ({})",
                    known.join(", ")
                ));
            };
            if text.heading.trim().is_empty() {
                return Err(format!("[crisis.{lang}]: the heading is empty"));
            }
            if text.lines.is_empty() || text.lines.iter().any(|x| x.trim().is_empty()) {
                return Err(format!(
                    "[crisis.{lang}]: give at least one line, and no empty ones (for example \"Emergency services: 112\")"
                ));
            }
            checked.insert(
                l.code().to_string(),
                CrisisText {
                    heading: text.heading.trim().to_string(),
                    lines: text.lines.iter().map(|x| x.trim().to_string()).collect(),
                },
            );
        }
        Ok(Self {
            by_language: checked,
        })
    }

    /// Whether the site configured resources for this language.
    pub fn configured(&self, lang: Lang) -> bool {
        self.by_language.contains_key(lang.code())
    }

    /// The resources in the reader's language: the site's, else our default text.
    pub fn view(&self, t: &Tr) -> CrisisView {
        let tell_clinician = t.get("portal-crisis-tell-clinician");
        match self.by_language.get(t.lang.code()) {
            Some(c) => CrisisView {
                heading: c.heading.clone(),
                lines: c.lines.clone(),
                tell_clinician,
            },
            None => CrisisView {
                heading: t.get("portal-crisis-default-heading"),
                lines: vec![
                    t.get("portal-crisis-default-emergency"),
                    t.get("portal-crisis-default-not-alone"),
                ],
                tell_clinician,
            },
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/help.html")]
pub struct HelpPage {
    pub page: PortalCtx,
    pub crisis: CrisisView,
}

/// `/portal/help`: open to everyone, in the patient's language when signed in.
pub async fn help(State(state): State<AppState>, headers: HeaderMap) -> HelpPage {
    let page = match identify(&state, &headers).await {
        Some(who) => ctx(&who, "portal-help-title", "/portal/help"),
        None => public_ctx(&headers, "portal-help-title", "/portal/help"),
    };
    HelpPage {
        crisis: state.options.crisis.view(&page.t),
        page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_sets_its_own_text_and_other_languages_keep_the_default() {
        let mut map = BTreeMap::new();
        map.insert(
            "it".to_string(),
            CrisisText {
                heading: " Se sei in pericolo adesso ".into(),
                lines: vec!["Emergenze: 112".into()],
            },
        );
        let r = CrisisResources::new(map).unwrap();
        let it = r.view(&Tr::new(Lang::It));
        assert_eq!(it.heading, "Se sei in pericolo adesso");
        assert_eq!(it.lines, vec!["Emergenze: 112".to_string()]);
        let en = r.view(&Tr::new(Lang::En));
        assert!(en.lines.join(" ").contains("112"), "{en:?}");
        assert!(en.tell_clinician.contains("therapist"), "{en:?}");
        assert!(r.configured(Lang::It) && !r.configured(Lang::En));
    }

    #[test]
    fn bad_entries_are_refused_with_the_reason() {
        let bad = |lang: &str, heading: &str, lines: Vec<&str>| {
            let mut map = BTreeMap::new();
            map.insert(
                lang.to_string(),
                CrisisText {
                    heading: heading.into(),
                    lines: lines.into_iter().map(String::from).collect(),
                },
            );
            CrisisResources::new(map).unwrap_err()
        };
        assert!(bad("fr", "Danger", vec!["112"]).contains("not a language"));
        assert!(bad("en", " ", vec!["112"]).contains("heading"));
        assert!(bad("en", "Danger", vec![]).contains("at least one line"));
        assert!(bad("en", "Danger", vec!["112", ""]).contains("no empty"));
    }
}
