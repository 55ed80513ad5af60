//! Translation catalogues (Fluent). Every user-visible string of the web pages comes from
//! `locales/<lang>/*.ftl`; a test fails when a key is missing in any language.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent wraps arguments in invisible isolation marks by default; HTML does not need them.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    It,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::It];

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::It => "it",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().get(..2) {
            Some("en") => Some(Self::En),
            Some("it") => Some(Self::It),
            _ => None,
        }
    }

    /// The first supported language in an Accept-Language header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header
            .split(',')
            .filter_map(|part| Self::parse(part.split(';').next().unwrap_or("")))
            .next()
    }

    fn id(self) -> LanguageIdentifier {
        self.code().parse().expect("valid language id")
    }

    /// The name of the language in itself, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::It => "Italiano",
        }
    }
}

/// A translator for one language, handed to every template as `t`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The text for `key`. A missing key shows the key itself (and the catalogue test fails).
    pub fn get(&self, key: &str) -> String {
        LOCALES
            .try_lookup(&self.lang.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The text for `key`, or None when no catalogue has it: for wording that falls back on
    /// purpose (a patient phrase for a band a deployment chose, say).
    pub fn find(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.lang.id(), key)
    }

    /// The text for `key` with named arguments.
    pub fn with(&self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(&self.lang.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// A refusal of the core, in this language: the catalogue's `rule-<code>` with the
    /// refusal's arguments (dates in the language's form).
    pub fn rule(&self, e: &ipt_domain::rule::FieldError) -> String {
        use ipt_domain::rule::Arg;
        let args: Vec<(&str, String)> = e
            .args
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Arg::Text(s) => s.clone(),
                    Arg::Date(d) => self.date(*d),
                    Arg::Number(n) => n.to_string(),
                };
                (*k, v)
            })
            .collect();
        let code = format!("rule-{}", e.code.as_str().replace('_', "-"));
        // A field may word a rule its own way (`rule-required--alias`); else the rule's words.
        // (Looked up with the arguments: a message with placeables is not found without them.)
        let own = format!("{code}--{}", e.field.replace(['_', '.'], "-"));
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.clone())))
            .collect();
        if let Some(text) = LOCALES.try_lookup_with_args(&self.lang.id(), &own, &map) {
            return text;
        }
        self.with(&code, &args)
    }

    /// Every refusal, one sentence each.
    pub fn rules(&self, errors: &[ipt_domain::rule::FieldError]) -> String {
        errors
            .iter()
            .map(|e| self.rule(e))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A count-dependent text (Fluent selects the plural form for the language).
    pub fn count(&self, key: &str, n: i64) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue<'_>> = HashMap::new();
        map.insert(Cow::Borrowed("n"), FluentValue::from(n));
        LOCALES
            .try_lookup_with_args(&self.lang.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// A date in the language's usual form (25/11/2026 in Italian, 25 Nov 2026 in English).
    pub fn date(&self, d: time::Date) -> String {
        match self.lang {
            Lang::It => format!("{:02}/{:02}/{}", d.day(), d.month() as u8, d.year()),
            Lang::En => {
                let m = [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec",
                ];
                format!("{} {} {}", d.day(), m[d.month() as usize - 1], d.year())
            }
        }
    }

    /// A number with the language's decimal separator.
    pub fn number(&self, x: f64) -> String {
        let s = if x.fract() == 0.0 {
            format!("{x:.0}")
        } else {
            format!("{x:.1}")
        };
        match self.lang {
            Lang::It => s.replace('.', ","),
            Lang::En => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: &str) -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut out = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                let first = line.chars().next();
                if first.is_some_and(|c| c.is_ascii_alphabetic())
                    && let Some((key, _)) = line.split_once('=')
                {
                    out.insert(key.trim().to_string());
                }
            }
        }
        out
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let en = keys("en");
        assert!(en.len() > 50, "the English catalogue is loaded");
        for lang in Lang::ALL.iter().map(|l| l.code()).filter(|c| *c != "en") {
            let other = keys(lang);
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty(), "{lang} is missing {missing:?}");
            assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
        }
    }

    /// Every rule the core can name is worded in every language, and no catalogue words a rule
    /// the core no longer has.
    #[test]
    fn every_rule_of_the_core_is_worded_in_every_language() {
        use ipt_domain::rule::Code;
        let wanted: BTreeSet<String> = Code::ALL
            .iter()
            .map(|c| format!("rule-{}", c.as_str().replace('_', "-")))
            .collect();
        for lang in Lang::ALL.iter().map(|l| l.code()) {
            // A field's own wording (`rule-<code>--<field>`) words a rule the core has.
            let have: BTreeSet<String> = keys(lang)
                .into_iter()
                .filter(|k| k.starts_with("rule-"))
                .map(|k| k.split("--").next().unwrap_or_default().to_string())
                .collect();
            let missing: Vec<_> = wanted.difference(&have).collect();
            let stale: Vec<_> = have.difference(&wanted).collect();
            assert!(missing.is_empty(), "{lang} does not word {missing:?}");
            assert!(
                stale.is_empty(),
                "{lang} words rules the core lacks: {stale:?}"
            );
        }
    }

    #[test]
    fn lookups_translate_and_format() {
        assert_eq!(Tr::new(Lang::It).get("nav-caseload"), "Pazienti in carico");
        assert_eq!(Tr::new(Lang::En).get("nav-caseload"), "Caseload");
        assert_eq!(
            Tr::new(Lang::It).date(time::macros::date!(2026 - 03 - 05)),
            "05/03/2026"
        );
        assert_eq!(Tr::new(Lang::It).number(7.5), "7,5");
        assert_eq!(
            Lang::from_accept_language("fr-FR, it;q=0.8, en;q=0.5"),
            Some(Lang::It)
        );
        assert!(
            Tr::new(Lang::En)
                .count("alerts-open-count", 1)
                .contains('1')
        );
    }
}
