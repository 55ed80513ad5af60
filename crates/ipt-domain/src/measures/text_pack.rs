//! Text packs: item text and response-option labels for one instrument in one language.
//!
//! Many instruments may not have their text shipped in an open-source repository (EPDS, WSAS
//! …; see instruments.md). The repository ships text only for instruments whose licence allows
//! it (`text_shippable`); a deploying service that is licensed to use other texts puts them in
//! a text-pack folder. Without a pack a clinician can still enter item scores, but the patient
//! portal will not offer the instrument ([`TextPacks::for_patient`] says why).
//!
//! # File format (format 1)
//!
//! One UTF-8 TOML file per instrument and language, named `<instrument>.<lang>.toml`
//! (e.g. `epds.it.toml`). `<instrument>` is a catalogue code; `<lang>` is a lowercase language
//! tag such as `en`, `it` or `pt-br`. Files not ending in `.toml` are ignored.
//!
//! ```toml
//! format = 1                      # optional; the only format so far
//! instrument = "epds"             # optional; must match the file name when given
//! language = "en"                 # optional; must match the file name when given
//! title = "Edinburgh Postnatal Depression Scale"
//! instructions = "…"              # optional: shown before the items
//! attribution = "…"               # required: the credit line shown with the instrument
//! licence = "…"                   # required: the terms under which you hold this text
//!
//! # Labels for a response scale shared by several items (scale names are the ones in the
//! # instrument definition). Options are listed in display order.
//! [scales.frequency]
//! options = [
//!   { value = 0, label = "…" },
//!   { value = 1, label = "…" },
//! ]
//!
//! # One entry per item of the instrument, by item id, in any order.
//! [[items]]
//! id = "q1"
//! text = "…"
//! # Optional: this item's own option labels, in display order, replacing the scale's.
//! options = [ { value = 3, label = "…" }, { value = 2, label = "…" } ]
//! ```
//!
//! A pack is refused unless it has text for every item of the instrument and no others, and a
//! label for every allowed value of every item (including values such as "not assessed") and
//! no others. `value` is the stored answer value; for instruments that store scored values
//! (EPDS) it is the score, so a reverse-scored item lists its options 3, 2, 1, 0.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::catalogue::Catalogue;
use super::definition::Instrument;

/// Where a pack came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextOrigin {
    /// Shipped in this repository (shippable instruments only).
    Shipped,
    /// Installed by the deploying service.
    Local,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionText {
    pub value: u8,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemText {
    pub id: String,
    /// The item's label in the instrument, e.g. `9` or `16b`.
    pub label: String,
    pub text: String,
    /// Option labels in display order.
    pub options: Vec<OptionText>,
}

/// A checked text pack: item text in the instrument's item order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPack {
    pub instrument: String,
    pub language: String,
    pub origin: TextOrigin,
    pub title: String,
    pub instructions: Option<String>,
    pub attribution: String,
    pub licence: String,
    pub items: Vec<ItemText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    #[serde(default = "format_one")]
    format: u32,
    instrument: Option<String>,
    language: Option<String>,
    title: String,
    instructions: Option<String>,
    attribution: String,
    licence: String,
    #[serde(default)]
    scales: BTreeMap<String, RawOptions>,
    items: Vec<RawItem>,
}

fn format_one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOptions {
    options: Vec<OptionText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    text: String,
    options: Option<Vec<OptionText>>,
}

/// A text pack that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("text pack {file}: {problem}")]
pub struct TextPackError {
    pub file: String,
    pub problem: String,
}

/// Lowercase language tags: `en`, `it`, `pt-br`.
fn normalise_language(lang: &str) -> Option<String> {
    let l = lang.trim().to_ascii_lowercase();
    let mut parts = l.split('-');
    let first = parts.next()?;
    let first_ok = (2..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (first_ok && rest_ok).then_some(l)
}

impl TextPack {
    /// Parse and check a local pack for `instrument` in `lang`.
    pub fn parse(
        instrument: &Instrument,
        lang: &str,
        src: &str,
    ) -> Result<TextPack, TextPackError> {
        Self::parse_as(instrument, lang, src, TextOrigin::Local)
    }

    fn parse_as(
        instrument: &Instrument,
        lang: &str,
        src: &str,
        origin: TextOrigin,
    ) -> Result<TextPack, TextPackError> {
        let file = format!("{}.{lang}.toml", instrument.code);
        let fail = |problem: String| TextPackError {
            file: file.clone(),
            problem,
        };
        let language = normalise_language(lang).ok_or_else(|| {
            fail(format!(
                "'{lang}' is not a language tag such as en, it or pt-br"
            ))
        })?;
        let raw: RawPack = toml::from_str(src).map_err(|e| fail(e.to_string()))?;
        if raw.format != 1 {
            return Err(fail(format!(
                "format {} is not supported (only format 1)",
                raw.format
            )));
        }
        if let Some(i) = &raw.instrument
            && i != &instrument.code
        {
            return Err(fail(format!(
                "says instrument '{i}' but the file is for {}",
                instrument.code
            )));
        }
        if let Some(l) = &raw.language
            && normalise_language(l).as_deref() != Some(language.as_str())
        {
            return Err(fail(format!(
                "says language '{l}' but the file is for {language}"
            )));
        }
        for (name, text) in [
            ("title", &raw.title),
            ("attribution", &raw.attribution),
            ("licence", &raw.licence),
        ] {
            if text.trim().is_empty() {
                return Err(fail(format!("{name} is empty")));
            }
        }
        for name in raw.scales.keys() {
            if !instrument.scales.contains_key(name) {
                return Err(fail(format!("{} has no scale '{name}'", instrument.code)));
            }
        }
        let mut given: BTreeMap<&str, &RawItem> = BTreeMap::new();
        for it in &raw.items {
            if instrument.item(&it.id).is_none() {
                return Err(fail(format!("{} has no item '{}'", instrument.code, it.id)));
            }
            if given.insert(&it.id, it).is_some() {
                return Err(fail(format!("item {} appears twice", it.id)));
            }
        }
        let mut items = Vec::with_capacity(instrument.items.len());
        for item in &instrument.items {
            let raw_item = given
                .get(item.id.as_str())
                .ok_or_else(|| fail(format!("no text for item {} ({})", item.label, item.id)))?;
            if raw_item.text.trim().is_empty() {
                return Err(fail(format!("item {} has empty text", item.label)));
            }
            let options = match (&raw_item.options, raw.scales.get(&item.scale)) {
                (Some(o), _) => o.clone(),
                (None, Some(s)) => s.options.clone(),
                (None, None) => {
                    return Err(fail(format!(
                        "no option labels for item {} (give [scales.{}] or the item's own options)",
                        item.label, item.scale
                    )));
                }
            };
            let want: BTreeSet<u8> = instrument.scale_of(item).values().into_iter().collect();
            let mut got = BTreeSet::new();
            for o in &options {
                if !want.contains(&o.value) {
                    return Err(fail(format!(
                        "item {}: {} is not an allowed value",
                        item.label, o.value
                    )));
                }
                if !got.insert(o.value) {
                    return Err(fail(format!(
                        "item {}: value {} is labelled twice",
                        item.label, o.value
                    )));
                }
                if o.label.trim().is_empty() {
                    return Err(fail(format!(
                        "item {}: value {} has an empty label",
                        item.label, o.value
                    )));
                }
            }
            if let Some(v) = want.difference(&got).next() {
                return Err(fail(format!("item {}: no label for value {v}", item.label)));
            }
            items.push(ItemText {
                id: item.id.clone(),
                label: item.label.clone(),
                text: raw_item.text.clone(),
                options,
            });
        }
        Ok(TextPack {
            instrument: instrument.code.clone(),
            language,
            origin,
            title: raw.title,
            instructions: raw.instructions,
            attribution: raw.attribution,
            licence: raw.licence,
            items,
        })
    }

    pub fn item(&self, id: &str) -> Option<&ItemText> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// The packs shipped in this repository, for instruments whose text may ship.
const SHIPPED: &[(&str, &str, &str)] = &[
    (
        "phq9",
        "en",
        include_str!("../../instruments/text/phq9.en.toml"),
    ),
    (
        "phq2",
        "en",
        include_str!("../../instruments/text/phq2.en.toml"),
    ),
    (
        "gad7",
        "en",
        include_str!("../../instruments/text/gad7.en.toml"),
    ),
    (
        "hamd17",
        "en",
        include_str!("../../instruments/text/hamd17.en.toml"),
    ),
    (
        "gds15",
        "en",
        include_str!("../../instruments/text/gds15.en.toml"),
    ),
    (
        "session_mood",
        "en",
        include_str!("../../instruments/text/session_mood.en.toml"),
    ),
    (
        "goal_progress",
        "en",
        include_str!("../../instruments/text/goal_progress.en.toml"),
    ),
];

/// The shipped packs. They are checked by the test suite, so a failure here is a build defect.
pub fn shipped_packs() -> &'static [TextPack] {
    static PACKS: OnceLock<Vec<TextPack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        let cat = Catalogue::builtin();
        SHIPPED
            .iter()
            .map(|(code, lang, src)| {
                let inst = cat
                    .get(code)
                    .unwrap_or_else(|| panic!("shipped text for unknown instrument {code}"));
                assert!(
                    inst.text_shippable,
                    "shipped text for {code}, whose licence forbids it"
                );
                TextPack::parse_as(inst, lang, src, TextOrigin::Shipped)
                    .unwrap_or_else(|e| panic!("{e}"))
            })
            .collect()
    })
}

/// Why an instrument cannot be offered in the patient portal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("{name} is rated by a clinician and is never offered in the patient portal")]
    ClinicianOnly { instrument: String, name: String },
    #[error(
        "{name} has no item text in language '{language}': its licence does not let us ship the text, \
         so the service must install a text pack it is licensed to use ({instrument}.{language}.toml); \
         a clinician can still enter item scores"
    )]
    NoText {
        instrument: String,
        name: String,
        language: String,
    },
}

/// Locally installed packs, with the shipped ones behind them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextPacks {
    local: BTreeMap<(String, String), TextPack>,
}

impl TextPacks {
    /// No local packs: only shipped text.
    pub fn shipped_only() -> Self {
        Self::default()
    }

    /// Build from the files of a text-pack folder, as `(file name, contents)`; the caller does
    /// the reading. Files not ending in `.toml` are ignored. Bad packs are left out and
    /// reported, so one bad file does not hide the others.
    pub fn from_files<I, N, C>(files: I) -> (TextPacks, Vec<TextPackError>)
    where
        I: IntoIterator<Item = (N, C)>,
        N: AsRef<str>,
        C: AsRef<str>,
    {
        let cat = Catalogue::builtin();
        let mut packs = TextPacks::default();
        let mut errors = Vec::new();
        for (name, contents) in files {
            let path = name.as_ref();
            let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
            let Some(stem) = file.strip_suffix(".toml") else {
                continue;
            };
            let fail = |problem: String| TextPackError {
                file: file.to_string(),
                problem,
            };
            let Some((code, lang)) = stem.split_once('.') else {
                errors.push(fail(
                    "the name must be <instrument>.<lang>.toml, e.g. epds.it.toml".into(),
                ));
                continue;
            };
            let Some(inst) = cat.get(code) else {
                errors.push(fail(format!(
                    "unknown instrument '{code}' (known: {})",
                    cat.codes().join(", ")
                )));
                continue;
            };
            match TextPack::parse(inst, lang, contents.as_ref()) {
                Ok(pack) => {
                    if let Err(e) = packs.insert(pack) {
                        errors.push(fail(e.problem));
                    }
                }
                Err(e) => errors.push(fail(e.problem)),
            }
        }
        (packs, errors)
    }

    /// Add a local pack; a second pack for the same instrument and language is refused.
    pub fn insert(&mut self, pack: TextPack) -> Result<(), TextPackError> {
        let key = (pack.instrument.clone(), pack.language.clone());
        if self.local.contains_key(&key) {
            return Err(TextPackError {
                file: format!("{}.{}.toml", key.0, key.1),
                problem: "a pack for this instrument and language is already loaded".into(),
            });
        }
        self.local.insert(key, pack);
        Ok(())
    }

    /// The text for `instrument` in `lang`: a local pack first, then the shipped text (which
    /// exists only for shippable instruments). No fallback to another language.
    pub fn text_for(&self, instrument: &str, lang: &str) -> Option<&TextPack> {
        let lang = normalise_language(lang)?;
        self.local
            .get(&(instrument.to_string(), lang.clone()))
            .or_else(|| {
                shipped_packs()
                    .iter()
                    .find(|p| p.instrument == instrument && p.language == lang)
            })
    }

    /// Languages with text for `instrument`, local or shipped.
    pub fn languages_for(&self, instrument: &str) -> Vec<String> {
        let mut langs: BTreeSet<String> = self
            .local
            .keys()
            .filter(|(i, _)| i == instrument)
            .map(|(_, l)| l.clone())
            .collect();
        langs.extend(
            shipped_packs()
                .iter()
                .filter(|p| p.instrument == instrument)
                .map(|p| p.language.clone()),
        );
        langs.into_iter().collect()
    }

    /// The text to show a patient, or why the instrument cannot be offered to them.
    pub fn for_patient(
        &self,
        instrument: &Instrument,
        lang: &str,
    ) -> Result<&TextPack, Unavailable> {
        if !instrument.offered_to_patients() {
            return Err(Unavailable::ClinicianOnly {
                instrument: instrument.code.clone(),
                name: instrument.short_name.clone(),
            });
        }
        self.text_for(&instrument.code, lang)
            .ok_or_else(|| Unavailable::NoText {
                instrument: instrument.code.clone(),
                name: instrument.short_name.clone(),
                language: lang.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(code: &str) -> &'static Instrument {
        Catalogue::builtin().get(code).unwrap()
    }

    fn ucla_pack(extra: &str) -> String {
        format!(
            r#"
title = "Three-item loneliness scale"
attribution = "Hughes et al. 2004"
licence = "test text"
[scales.frequency3]
options = [{{ value = 1, label = "a" }}, {{ value = 2, label = "b" }}, {{ value = 3, label = "c" }}]
[[items]]
id = "q1"
text = "one"
[[items]]
id = "q2"
text = "two"
{extra}
"#
        )
    }

    #[test]
    fn a_complete_pack_parses_in_item_order() {
        let src = ucla_pack("[[items]]\nid = \"q3\"\ntext = \"three\"\n");
        let p = TextPack::parse(inst("ucla3"), "EN", &src).unwrap();
        assert_eq!(p.language, "en");
        assert_eq!(p.origin, TextOrigin::Local);
        assert_eq!(p.items.len(), 3);
        assert_eq!(p.item("q3").unwrap().options[2].label, "c");
    }

    #[test]
    fn a_missing_item_is_named() {
        let e = TextPack::parse(inst("ucla3"), "en", &ucla_pack("")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "text pack ucla3.en.toml: no text for item 3 (q3)"
        );
    }

    #[test]
    fn unknown_items_and_options_are_refused() {
        let e = TextPack::parse(
            inst("ucla3"),
            "en",
            &ucla_pack("[[items]]\nid = \"q4\"\ntext = \"x\"\n"),
        )
        .unwrap_err();
        assert!(e.problem.contains("no item 'q4'"), "{e}");
        let bad = ucla_pack(
            "[[items]]\nid = \"q3\"\ntext = \"x\"\noptions = [{ value = 1, label = \"a\" }, { value = 2, label = \"b\" }]\n",
        );
        let e = TextPack::parse(inst("ucla3"), "en", &bad).unwrap_err();
        assert!(e.problem.contains("no label for value 3"), "{e}");
    }

    #[test]
    fn every_shipped_pack_is_for_a_shippable_instrument() {
        for p in shipped_packs() {
            assert!(inst(&p.instrument).text_shippable, "{}", p.instrument);
            assert_eq!(p.origin, TextOrigin::Shipped);
        }
        for i in Catalogue::builtin().instruments() {
            let has_text = shipped_packs().iter().any(|p| p.instrument == i.code);
            assert_eq!(has_text, i.text_shippable, "{}", i.code);
        }
    }

    #[test]
    fn lookup_prefers_local_and_falls_back_to_shipped() {
        let packs = TextPacks::shipped_only();
        assert_eq!(
            packs.text_for("phq9", "en").unwrap().origin,
            TextOrigin::Shipped
        );
        assert!(packs.text_for("phq9", "it").is_none());
        assert!(packs.text_for("epds", "en").is_none());
        let src = ucla_pack("[[items]]\nid = \"q3\"\ntext = \"three\"\n");
        let (packs, errors) = TextPacks::from_files([
            ("/srv/packs/ucla3.en.toml", src.as_str()),
            ("/srv/packs/README.md", "ignored"),
            ("/srv/packs/nonsense.toml", ""),
            ("/srv/packs/bdi.en.toml", ""),
        ]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].to_string().contains("<instrument>.<lang>.toml"));
        assert!(errors[1].to_string().contains("unknown instrument 'bdi'"));
        assert_eq!(
            packs.text_for("ucla3", "en").unwrap().origin,
            TextOrigin::Local
        );
        assert_eq!(packs.languages_for("ucla3"), vec!["en".to_string()]);
    }

    #[test]
    fn the_portal_says_why_it_cannot_offer_an_instrument() {
        let packs = TextPacks::shipped_only();
        let e = packs.for_patient(inst("hamd17"), "en").unwrap_err();
        assert!(e.to_string().contains("rated by a clinician"));
        let e = packs.for_patient(inst("epds"), "en").unwrap_err();
        assert!(e.to_string().contains("epds.en.toml"), "{e}");
        assert!(packs.for_patient(inst("phq9"), "en").is_ok());
    }
}
