//! Instrument definitions: the data that says how an instrument is answered and scored.
//!
//! Each instrument lives in its own TOML file under `crates/ipt-domain/instruments/` (the format
//! is described in `instruments/README.md`). The file is deserialised into [`Instrument`] and
//! then checked by [`Instrument::validate`], which also fills in item numbers and labels. Scoring
//! rules carry their sources inside the file, next to the rule.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::thresholds::ChangeRule;

/// Who may complete an instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rater {
    /// The patient answers (in the portal, on a kiosk, or with a clinician entering answers).
    SelfReport,
    /// Rated by a clinician from an interview; never offered to patients (e.g. HAM-D).
    Clinician,
}

impl Rater {
    pub fn code(self) -> &'static str {
        match self {
            Self::SelfReport => "self_report",
            Self::Clinician => "clinician",
        }
    }
}

/// Whether item text may be shipped in this open-source repository (instruments.md legend).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextStatus {
    /// ✅ text may be embedded verbatim, with the attribution line.
    Ship,
    /// ⚠ probably free, terms unclear: no text until confirmed in writing.
    Check,
    /// ❌ no text: ids and scoring only; text comes from a locally licensed text pack.
    NoText,
}

/// What a stored answer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// The response code; reverse-keyed items are reversed when scoring.
    Responses,
    /// The already-scored value (the scoring key has been applied when entering), so nothing
    /// is reversed when scoring. EPDS uses this: its scoring sheet gives scored options.
    Scores,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The primary publication.
    pub citation: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    pub status: TextStatus,
    /// The terms of use as we understand them.
    pub terms: String,
    /// The line shown wherever the instrument is shown.
    pub attribution: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoincCodes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
}

/// A value that is a valid answer but carries no score, such as "not assessed" (HAM-D item 16)
/// or "not applicable" (WSAS work item). The item is then left out of the total; it is not
/// missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludedValue {
    pub value: u8,
    /// A code such as `not_assessed` or `not_applicable`.
    pub meaning: String,
}

/// A response scale: scored values are the whole numbers `min..=max`; a value scores itself
/// (or `min + max - value` on a reverse-keyed item when answers are responses).
///
/// A scale whose published values are signed (the Rathus Assertiveness Schedule: −3 … +3 with
/// no 0) is stored as codes: the published value is `code + offset`, and `gaps` lists the codes
/// that are no answer (RAS: min 0, max 6, offset −3, gap 3). Reversing a code (`min + max −
/// code`) is then negating the published value, and the total of the codes is the published
/// total less the sum of the offsets ([`Instrument::total_offset`]), so the scoring engine stays
/// on whole non-negative numbers while every door reads and shows the published values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub min: u8,
    pub max: u8,
    /// Published value = code + offset.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offset: i8,
    /// Codes inside `min..=max` that are not an answer (the RAS's missing 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded: Vec<ExcludedValue>,
    /// What the codes mean, in a few words (not the instrument's option text).
    pub coding: String,
    /// LOINC answer codes for `min..=max`, in order, where they exist.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loinc_answers: Vec<String>,
}

impl Scale {
    /// Whether the code `value` is an allowed answer (scored or excluded).
    pub fn allows(&self, value: u32) -> bool {
        ((u32::from(self.min)..=u32::from(self.max)).contains(&value)
            && !self.gaps.iter().any(|g| u32::from(*g) == value))
            || self.excluded.iter().any(|e| u32::from(e.value) == value)
    }

    /// Whether the published values are signed, so that doors read and write them with their
    /// sign and convert with [`Scale::code_of`] and [`Scale::shown`].
    pub fn is_signed(&self) -> bool {
        self.offset != 0
    }

    /// The published value of a stored code.
    pub fn shown(&self, code: u8) -> i16 {
        i16::from(code) + i16::from(self.offset)
    }

    /// The stored code of a published value, when it is an allowed answer.
    pub fn code_of(&self, published: i64) -> Option<u32> {
        let code = u32::try_from(published - i64::from(self.offset)).ok()?;
        self.allows(code).then_some(code)
    }

    pub fn is_excluded(&self, value: u8) -> bool {
        self.excluded.iter().any(|e| e.value == value)
    }

    /// Every allowed answer code, scored ones first.
    pub fn values(&self) -> Vec<u8> {
        let mut v: Vec<u8> = (self.min..=self.max)
            .filter(|c| !self.gaps.contains(c))
            .collect();
        v.extend(self.excluded.iter().map(|e| e.value));
        v
    }

    /// "0–3", "0–2 or 3 (not assessed)", or for a signed scale "−3 to −1 or +1 to +3": the
    /// allowed values in plain words, as they are published.
    pub fn describe(&self) -> String {
        if self.is_signed() {
            let sign = |v: i16| {
                if v > 0 {
                    format!("+{v}")
                } else if v < 0 {
                    format!("−{}", -v)
                } else {
                    "0".into()
                }
            };
            let mut runs: Vec<(i16, i16)> = vec![];
            for c in (self.min..=self.max).filter(|c| !self.gaps.contains(c)) {
                let v = self.shown(c);
                match runs.last_mut() {
                    Some(r) if r.1 + 1 == v => r.1 = v,
                    _ => runs.push((v, v)),
                }
            }
            return runs
                .iter()
                .map(|(a, b)| {
                    if a == b {
                        sign(*a)
                    } else {
                        format!("{} to {}", sign(*a), sign(*b))
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ");
        }
        let mut s = format!("{}–{}", self.min, self.max);
        for e in &self.excluded {
            s.push_str(&format!(
                " or {} ({})",
                e.value,
                e.meaning.replace('_', " ")
            ));
        }
        s
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &i8) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable id, e.g. `q9`. Answers, text packs and risk rules refer to items by id.
    pub id: String,
    /// The item's number on the form (1-based). Filled in on load when the file leaves it out:
    /// one more than the previous item, or the same as the head of an alternative group.
    #[serde(default)]
    pub number: u16,
    /// The label used in messages, e.g. `9` or `16b`. Defaults to the number.
    #[serde(default)]
    pub label: String,
    /// Name of a scale in the instrument's `scales`.
    pub scale: String,
    /// Unscored items (e.g. the PHQ-9 difficulty question) are recorded but not added up.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub scored: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub reverse_keyed: bool,
    /// Id of the first item of a group of alternative ratings of which only one is given and
    /// only one counts (HAM-D item 16: 16a by history or 16b by measured weight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_of: Option<String>,
    /// What the item is about, in our own few words (never the instrument's item text).
    pub concept: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loinc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscale {
    pub code: String,
    pub name: String,
    /// Item ids.
    pub items: Vec<String>,
    /// How many of its items may be missing and still give a prorated subscale score.
    #[serde(default)]
    pub max_prorated: u8,
    pub source: String,
}

/// The missing-item policy: up to `max_prorated` scored items may be missing, and the total is
/// then prorated (mean of the answered items × the number of items, rounded half up to a whole
/// number); with more missing items the result is invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingPolicy {
    pub max_prorated: u8,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Lowercase code, e.g. `moderately_severe`.
    pub code: String,
    pub min: u32,
    pub max: u32,
    /// Short English label for listings; screens take labels from translation catalogues.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandSet {
    pub id: String,
    pub source: String,
    pub bands: Vec<Band>,
}

impl BandSet {
    pub fn band_for(&self, total: u32) -> Option<&Band> {
        self.bands.iter().find(|b| (b.min..=b.max).contains(&total))
    }
}

/// Severity band sets over the total. `default` is used unless configuration picks another;
/// without a default the instrument reports no severity unless configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    pub sets: Vec<BandSet>,
}

/// A risk rule: the item is flagged when its answer is at least `at_least`, whatever the
/// total and whether or not the result is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRule {
    /// Item id.
    pub item: String,
    pub at_least: u8,
    pub source: String,
}

/// What an instrument measures. The middle phase's baseline gate asks for a depression measure
/// (`Construct::Depression`), so a GAD-7 alone never counts as the baseline (#14, "Gates").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Construct {
    /// A measure of the severity of depression (PHQ-9, PHQ-A, EPDS, GDS-15, HAM-D).
    Depression,
    /// An ultra-brief depression screen (PHQ-2): it screens, it does not rate severity.
    DepressionScreen,
    Anxiety,
    /// Work and social functioning (WSAS).
    Functioning,
    /// Perceived social support (MSPSS).
    SocialSupport,
    Loneliness,
    /// Assertiveness (the Rathus Assertiveness Schedule, where a site licenses its text).
    Assertiveness,
    /// One of our own single session ratings (mood, goal progress).
    SessionRating,
}

impl Construct {
    /// One of the seed's secondary outcomes (perceived support, loneliness, assertiveness):
    /// measured beside the symptoms, never standing in for the course's main measure.
    pub fn is_secondary_outcome(self) -> bool {
        matches!(
            self,
            Self::SocialSupport | Self::Loneliness | Self::Assertiveness
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Depression => "depression",
            Self::DepressionScreen => "depression_screen",
            Self::Anxiety => "anxiety",
            Self::Functioning => "functioning",
            Self::SocialSupport => "social_support",
            Self::Loneliness => "loneliness",
            Self::Assertiveness => "assertiveness",
            Self::SessionRating => "session_rating",
        }
    }
}

/// The total from which the instrument's own source calls the depression "more severe", the
/// point where a guideline advises discussing combined treatment (reference §5.4: PHQ-9 16 or
/// more in NICE NG222 terms; HAM-D 24 or more, "severe" per Zimmerman 2013).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoreSevere {
    pub at_least: u32,
    /// The short citation shown beside a suggestion (any language): e.g. `NICE NG222 1.6.1`.
    pub citation: String,
    pub source: String,
}

/// An instrument whose items are a subset of another's (PHQ-2 = PHQ-9 items 1–2): item `i` of
/// this instrument takes the answer to item `items[i]` of `instrument`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derivation {
    pub instrument: String,
    pub items: Vec<String>,
}

/// One instrument definition, as read from its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// Catalogue code, e.g. `phq9`.
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// Scoring version. The major number changes whenever the same answers could score
    /// differently; results store it so they can be recomputed.
    pub version: String,
    pub rater: Rater,
    pub population: String,
    /// What it measures.
    pub construct: Construct,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Whether item text may ship in the repository (only for ✅ SHIP in instruments.md).
    pub text_shippable: bool,
    pub answers: AnswerKind,
    pub source: Source,
    pub licence: Licence,
    #[serde(default)]
    pub loinc: LoincCodes,
    pub scales: BTreeMap<String, Scale>,
    pub items: Vec<Item>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscales: Vec<Subscale>,
    pub missing: MissingPolicy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands: Option<Bands>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub risk: Vec<RiskRule>,
    pub change: ChangeRule,
    /// Where the instrument defines a "more severe" threshold (depression measures only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub more_severe: Option<MoreSevere>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<Derivation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A definition file that does not make sense. Only raised while loading definitions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("instrument definition {file}: {problem}")]
pub struct DefinitionError {
    pub file: String,
    pub problem: String,
}

/// One scoring unit: a scored item, or a group of alternative ratings of which one counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unit {
    /// Indices into `items`; the first is the group head.
    pub members: Vec<usize>,
}

impl Instrument {
    /// Parse one definition file and validate it.
    pub fn from_toml(file: &str, src: &str) -> Result<Instrument, DefinitionError> {
        let mut inst: Instrument = toml::from_str(src).map_err(|e| DefinitionError {
            file: file.to_string(),
            problem: e.to_string(),
        })?;
        inst.validate().map_err(|problem| DefinitionError {
            file: file.to_string(),
            problem,
        })?;
        Ok(inst)
    }

    /// Check the definition and fill in item numbers and labels.
    pub fn validate(&mut self) -> Result<(), String> {
        if self.code.is_empty()
            || !self
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!(
                "code '{}' must be lowercase letters, digits or _",
                self.code
            ));
        }
        if self.version.trim().is_empty() {
            return Err("version is empty".into());
        }
        if self.text_shippable != (self.licence.status == TextStatus::Ship) {
            return Err(
                "text_shippable must be true exactly when the licence status is ship".into(),
            );
        }
        for (name, s) in &self.scales {
            if s.min > s.max {
                return Err(format!("scale {name}: min is above max"));
            }
            let mut seen = BTreeSet::new();
            for e in &s.excluded {
                if (s.min..=s.max).contains(&e.value) || !seen.insert(e.value) {
                    return Err(format!("scale {name}: excluded value {} clashes", e.value));
                }
            }
            if s.gaps.iter().any(|g| *g <= s.min || *g >= s.max) {
                return Err(format!("scale {name}: a gap must lie inside the scale"));
            }
            if !s.loinc_answers.is_empty()
                && s.loinc_answers.len() != usize::from(s.max - s.min) + 1
            {
                return Err(format!(
                    "scale {name}: one LOINC answer code per scored value"
                ));
            }
        }
        if self.items.is_empty() {
            return Err("no items".into());
        }
        let mut ids = BTreeSet::new();
        let mut last_number = 0u16;
        for i in 0..self.items.len() {
            let item = &self.items[i];
            if !ids.insert(item.id.clone()) {
                return Err(format!("item id {} appears twice", item.id));
            }
            if !self.scales.contains_key(&item.scale) {
                return Err(format!("item {}: unknown scale {}", item.id, item.scale));
            }
            if item.reverse_keyed && !item.scored {
                return Err(format!(
                    "item {}: only scored items can be reverse-keyed",
                    item.id
                ));
            }
            let number = if let Some(head) = &item.alternative_of {
                let h = self.items[..i]
                    .iter()
                    .find(|x| &x.id == head)
                    .ok_or_else(|| {
                        format!(
                            "item {}: alternative of unknown or later item {head}",
                            item.id
                        )
                    })?;
                if h.alternative_of.is_some() || !h.scored || !item.scored {
                    return Err(format!(
                        "item {}: alternatives must be scored and point at a group head",
                        item.id
                    ));
                }
                let (a, b) = (&self.scales[&h.scale], &self.scales[&item.scale]);
                if (a.min, a.max) != (b.min, b.max) {
                    return Err(format!(
                        "item {}: alternatives must share a scored range",
                        item.id
                    ));
                }
                h.number
            } else {
                last_number + 1
            };
            let item = &mut self.items[i];
            if item.number == 0 {
                item.number = number;
            }
            if item.alternative_of.is_none() {
                last_number = item.number;
            }
            if item.label.is_empty() {
                item.label = item.number.to_string();
            }
        }
        if !self.items.iter().any(|i| i.scored) {
            return Err("no scored items".into());
        }
        let units = self.units().len();
        if usize::from(self.missing.max_prorated) >= units {
            return Err("missing.max_prorated must leave at least one item answered".into());
        }
        for sub in &self.subscales {
            if sub.items.is_empty() || usize::from(sub.max_prorated) >= sub.items.len() {
                return Err(format!(
                    "subscale {}: bad item list or max_prorated",
                    sub.code
                ));
            }
            for id in &sub.items {
                match self.item(id) {
                    Some(it) if it.scored && it.alternative_of.is_none() => {}
                    _ => return Err(format!("subscale {}: {id} is not a scored item", sub.code)),
                }
            }
        }
        let (lo, hi) = (self.min_total(), self.max_total());
        if let Some(bands) = &self.bands {
            if let Some(d) = &bands.default
                && !bands.sets.iter().any(|s| &s.id == d)
            {
                return Err(format!("default band set {d} does not exist"));
            }
            for set in &bands.sets {
                let mut next = lo;
                for b in &set.bands {
                    if b.min != next || b.max < b.min || !is_code(&b.code) {
                        return Err(format!(
                            "band set {}: band {} does not continue from {next}",
                            set.id, b.code
                        ));
                    }
                    next = b.max + 1;
                }
                if next != hi + 1 {
                    return Err(format!("band set {}: bands must cover {lo}..{hi}", set.id));
                }
            }
        }
        for r in &self.risk {
            let item = self
                .item(&r.item)
                .ok_or_else(|| format!("risk rule on unknown item {}", r.item))?;
            let scale = &self.scales[&item.scale];
            if r.at_least <= scale.min || r.at_least > scale.max {
                return Err(format!(
                    "risk rule on {}: threshold outside the scale",
                    r.item
                ));
            }
            if item.reverse_keyed && self.answers == AnswerKind::Responses {
                return Err(format!(
                    "risk rule on {}: reverse-keyed response item",
                    r.item
                ));
            }
        }
        if let Some(d) = &self.derived_from
            && d.items.len() != self.items.len()
        {
            return Err("derived_from.items must name one source item per item".into());
        }
        // Cut-offs, bands and risk thresholds are written on the engine's codes; on a signed
        // scale they would read wrongly, so none is allowed there yet.
        if self.scales.values().any(Scale::is_signed) {
            let c = &self.change;
            if self.bands.is_some()
                || !self.risk.is_empty()
                || self.more_severe.is_some()
                || c.remission.is_some()
                || c.caseness.is_some()
                || c.response_reduction.is_some()
                || self.derived_from.is_some()
            {
                return Err(
                    "a signed scale takes no bands, risk rules, cut-offs or derivations".into(),
                );
            }
        }
        self.change.validate(lo, hi)?;
        if let Some(m) = &self.more_severe {
            if self.construct != Construct::Depression {
                return Err("more_severe is only for a depression measure".into());
            }
            if !(lo..=hi).contains(&m.at_least)
                || m.source.trim().is_empty()
                || m.citation.trim().is_empty()
            {
                return Err(format!(
                    "more_severe.at_least must be within {lo}..{hi}, with its citation and source"
                ));
            }
        }
        Ok(())
    }

    /// Whether a total of this instrument rates the severity of depression: what the middle
    /// phase's baseline gate asks for (#14, "Gates").
    pub fn measures_depression(&self) -> bool {
        self.construct == Construct::Depression
    }

    /// Whether `total` reaches the instrument's own "more severe" threshold, when it has one.
    pub fn is_more_severe(&self, total: u32) -> bool {
        self.more_severe
            .as_ref()
            .is_some_and(|m| total >= m.at_least)
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    pub(crate) fn item_index(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|i| i.id == id)
    }

    pub fn scale_of(&self, item: &Item) -> &Scale {
        &self.scales[&item.scale]
    }

    /// Scored items grouped so that alternative ratings form one unit.
    pub(crate) fn units(&self) -> Vec<Unit> {
        let mut units: Vec<Unit> = Vec::new();
        for (i, item) in self.items.iter().enumerate() {
            if !item.scored {
                continue;
            }
            match &item.alternative_of {
                None => units.push(Unit { members: vec![i] }),
                Some(head) => {
                    if let Some(u) = units
                        .iter_mut()
                        .find(|u| self.items[u.members[0]].id == *head)
                    {
                        u.members.push(i);
                    }
                }
            }
        }
        units
    }

    /// The number of scored items (alternative ratings count once).
    pub fn scored_item_count(&self) -> usize {
        self.units().len()
    }

    /// The lowest possible total.
    pub fn min_total(&self) -> u32 {
        self.units()
            .iter()
            .map(|u| u32::from(self.scale_of(&self.items[u.members[0]]).min))
            .sum()
    }

    /// The highest possible total.
    pub fn max_total(&self) -> u32 {
        self.units()
            .iter()
            .map(|u| u32::from(self.scale_of(&self.items[u.members[0]]).max))
            .sum()
    }

    /// What the published total adds to the engine's total of codes: the sum of the scored
    /// items' offsets (RAS: 30 × −3 = −90). 0 for every unsigned instrument.
    pub fn total_offset(&self) -> i32 {
        self.units()
            .iter()
            .map(|u| i32::from(self.scale_of(&self.items[u.members[0]]).offset))
            .sum()
    }

    /// The published total of an engine total.
    pub fn shown_total(&self, total: u32) -> f64 {
        f64::from(total) + f64::from(self.total_offset())
    }

    /// The engine total of a published total (stored results hold published totals), for the
    /// change rules, which are written on the engine's totals.
    pub fn engine_total(&self, shown: f64) -> u32 {
        (shown - f64::from(self.total_offset())).max(0.0).round() as u32
    }

    /// Stored answer codes as published, item by item (the RAS's code 0 is −3); the same
    /// numbers on every unsigned instrument.
    pub fn published_answers(&self, codes: &[Option<u8>]) -> Vec<Option<i16>> {
        codes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.map(|c| match self.items.get(i) {
                    Some(item) => self.scale_of(item).shown(c),
                    None => i16::from(c),
                })
            })
            .collect()
    }

    /// The lowest and highest published totals.
    pub fn shown_range(&self) -> (i32, i32) {
        let o = self.total_offset();
        (self.min_total() as i32 + o, self.max_total() as i32 + o)
    }

    /// Whether the instrument may be offered to patients (portal or kiosk).
    pub fn offered_to_patients(&self) -> bool {
        self.rater == Rater::SelfReport
    }

    /// The band set used by default, if any.
    pub fn default_band_set(&self) -> Option<&BandSet> {
        let bands = self.bands.as_ref()?;
        let id = bands.default.as_ref()?;
        bands.sets.iter().find(|s| &s.id == id)
    }

    pub fn band_set(&self, id: &str) -> Option<&BandSet> {
        self.bands.as_ref()?.sets.iter().find(|s| s.id == id)
    }
}

/// Lowercase snake_case codes only.
pub(crate) fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.starts_with('_')
}
