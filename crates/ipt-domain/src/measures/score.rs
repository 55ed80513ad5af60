//! Scoring: totals, subscales, reverse keys, the missing-item policy, severity bands and risk
//! items.
//!
//! Rules, in order:
//! 1. Each scored item gives its value, or `min + max − value` when it is reverse-keyed and the
//!    instrument stores responses (GDS-15). Instruments that store scored values (EPDS) are
//!    never reversed here.
//! 2. An answer with an excluded value ("not assessed", "not applicable") leaves the item out
//!    of the total; it is not missing.
//! 3. With no missing items the total is the sum. With at most `missing.max_prorated` missing
//!    items the total is prorated: `sum × counted / answered`, rounded half up to a whole
//!    number, and `prorated` is true. With more, the result is invalid: no total, no severity.
//!    Only instruments with a prorating convention allow any (the PHQ-9, 2 items); EPDS,
//!    GAD-7, GDS-15, MSPSS, PHQ-A and the rest have `max_prorated = 0`, so a missing item
//!    makes the result invalid, and the doors keep it as a draft (a final one is refused as
//!    `final_needs_a_valid_result`; the portal refuses unanswered items first).
//! 4. Severity is the band of the (possibly prorated) total in the chosen band set.
//! 5. Risk rules are checked on every answered item whatever the validity: an item is flagged
//!    when its answer is at least the threshold. A risk item left unanswered is reported in
//!    `errors` so that someone asks about it directly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::answers::{Answers, ScoreError};
use super::catalogue::Catalogue;
use super::definition::{AnswerKind, Instrument};
use super::phq9::{Phq9Screen, screen_with};

/// The catalogue's instruments for scoring: an unknown code is refused with the codes there are.
impl Catalogue {
    /// Look an instrument up, or say which codes exist.
    pub fn require(&self, code: &str) -> Result<&Instrument, ScoreError> {
        self.get(code).ok_or_else(|| ScoreError::UnknownInstrument {
            code: code.to_string(),
            known: self.codes().join(", "),
        })
    }
}

/// A subscale score. `mean` is the mean of the answered items, rounded to two decimals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscaleScore {
    pub total: u32,
    pub mean: f64,
    pub prorated: bool,
}

/// The result of scoring one set of answers. Serialises with exactly the keys `instrument`,
/// `version`, `total`, `severity`, `subscales`, `risk_items`, `valid`, `prorated`, `errors`,
/// and for the PHQ-9 also `screening`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreResult {
    /// Instrument code.
    pub instrument: String,
    /// The scoring version of the definition used.
    pub version: String,
    /// `None` when too many items are missing.
    pub total: Option<u32>,
    /// Lowercase band code, e.g. `moderately_severe`; `None` when invalid or unbanded.
    pub severity: Option<String>,
    /// Subscale code → score (`None` when too many of its items are missing).
    pub subscales: BTreeMap<String, Option<SubscaleScore>>,
    /// Flagged risk items, as 1-based item numbers, ascending.
    pub risk_items: Vec<u16>,
    pub valid: bool,
    pub prorated: bool,
    /// Problems found, in plain words: too many missing items, unanswered risk items.
    pub errors: Vec<String>,
    /// PHQ-9 only: what its diagnostic algorithm finds (Kroenke, Spitzer & Williams 2001, J Gen
    /// Intern Med 16:606-613), worded as a screening finding, never a diagnosis. Absent for
    /// every other instrument, so their JSON keeps the agreed keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<Phq9Screen>,
    /// A signed instrument's published total (the RAS: −90 … +90), `total` being the engine's
    /// total of codes (0 … 180). Absent for every other instrument, whose total is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_total: Option<i32>,
}

/// Local choices that change scoring: another band set, other risk thresholds. Store it with
/// results (or its effect is lost on recomputation). In `ipt.toml`:
///
/// ```toml
/// [measures.scoring.bands]
/// hamd17 = "camcops"
/// [measures.scoring.risk.hamd17]
/// q3 = 1
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringConfig {
    /// Instrument code → band set id.
    pub bands: BTreeMap<String, String>,
    /// Instrument code → item id → threshold. Overrides a default rule or adds a new one.
    pub risk: BTreeMap<String, BTreeMap<String, u8>>,
}

impl ScoringConfig {
    /// Check every entry against the catalogue.
    pub fn validate(&self, catalogue: &Catalogue) -> Result<(), ScoreError> {
        for (code, set) in &self.bands {
            let inst = catalogue.require(code)?;
            if inst.band_set(set).is_none() {
                return Err(ScoreError::Config(format!(
                    "{code} has no band set '{set}'"
                )));
            }
        }
        for (code, items) in &self.risk {
            let inst = catalogue.require(code)?;
            for (id, &at_least) in items {
                let item = inst
                    .item(id)
                    .ok_or_else(|| ScoreError::Config(format!("{code} has no item '{id}'")))?;
                let scale = inst.scale_of(item);
                if at_least <= scale.min || at_least > scale.max {
                    return Err(ScoreError::Config(format!(
                        "risk threshold {at_least} for {code} {id} must be in {}–{}",
                        scale.min + 1,
                        scale.max
                    )));
                }
            }
        }
        Ok(())
    }
}

fn round_half_up_div(num: u64, den: u64) -> u32 {
    u32::try_from((2 * num + den) / (2 * den)).unwrap_or(u32::MAX)
}

struct Tally {
    sum: u64,
    counted: u64,
    missing: Vec<String>,
}

impl Instrument {
    /// Score raw answers (in item order, `None` = missing) with the default configuration.
    pub fn score(&self, answers: &[Option<u8>]) -> Result<ScoreResult, ScoreError> {
        self.evaluate(&self.answers(answers)?, &ScoringConfig::default())
    }

    /// Score raw answers with local configuration.
    pub fn score_with(
        &self,
        answers: &[Option<u8>],
        config: &ScoringConfig,
    ) -> Result<ScoreResult, ScoreError> {
        self.evaluate(&self.answers(answers)?, config)
    }

    /// Score answers typed in the command-line syntax (`1,2,,3,…`).
    pub fn score_str(&self, input: &str) -> Result<ScoreResult, ScoreError> {
        self.evaluate(&self.parse_answers(input)?, &ScoringConfig::default())
    }

    fn item_score(&self, index: usize, value: u8) -> Option<u8> {
        let item = &self.items[index];
        let scale = self.scale_of(item);
        if scale.is_excluded(value) {
            return None;
        }
        Some(
            if item.reverse_keyed && self.answers == AnswerKind::Responses {
                scale.min + scale.max - value
            } else {
                value
            },
        )
    }

    /// Add up a set of units (each a list of item indices of which at most one is answered).
    fn tally<'a>(&self, answers: &Answers, units: impl Iterator<Item = &'a [usize]>) -> Tally {
        let v = answers.values();
        let mut t = Tally {
            sum: 0,
            counted: 0,
            missing: Vec::new(),
        };
        for members in units {
            match members.iter().find_map(|&i| v[i].map(|x| (i, x))) {
                None => {
                    t.counted += 1;
                    let labels: Vec<&str> = members
                        .iter()
                        .map(|&i| self.items[i].label.as_str())
                        .collect();
                    t.missing.push(labels.join("/"));
                }
                Some((i, x)) => {
                    if let Some(s) = self.item_score(i, x) {
                        t.counted += 1;
                        t.sum += u64::from(s);
                    }
                }
            }
        }
        t
    }

    /// Score checked answers.
    pub fn evaluate(
        &self,
        answers: &Answers,
        config: &ScoringConfig,
    ) -> Result<ScoreResult, ScoreError> {
        if answers.instrument() != self.code {
            return Err(ScoreError::WrongInstrument {
                expected: self.code.clone(),
                found: answers.instrument().to_string(),
            });
        }
        let mut errors = Vec::new();
        let units = self.units();
        let t = self.tally(answers, units.iter().map(|u| u.members.as_slice()));
        let answered = t.counted - t.missing.len() as u64;
        let limit = usize::from(self.missing.max_prorated);
        let (total, prorated) = if t.missing.is_empty() {
            (Some(u32::try_from(t.sum).unwrap_or(u32::MAX)), false)
        } else if t.missing.len() <= limit && answered > 0 {
            (Some(round_half_up_div(t.sum * t.counted, answered)), true)
        } else if limit == 0 {
            // No published prorating rule for this instrument (its `[missing]` source says so):
            // an incomplete set gives no total rather than an estimated one.
            errors.push(format!(
                "item {} unanswered: {} is scored only when every item is answered (no prorating)",
                t.missing.join(", "),
                self.short_name
            ));
            (None, false)
        } else {
            errors.push(format!(
                "too many missing items: {} of {} unanswered (item {}); at most {limit} may be missing",
                t.missing.len(),
                t.counted,
                t.missing.join(", ")
            ));
            (None, false)
        };

        let band_set = match config.bands.get(&self.code) {
            Some(id) => Some(self.band_set(id).ok_or_else(|| {
                ScoreError::Config(format!("{} has no band set '{id}'", self.code))
            })?),
            None => self.default_band_set(),
        };
        let severity = total
            .and_then(|t| band_set.and_then(|s| s.band_for(t)))
            .map(|b| b.code.clone());

        let mut subscales = BTreeMap::new();
        for sub in &self.subscales {
            let idx: Vec<[usize; 1]> = sub
                .items
                .iter()
                .filter_map(|id| self.item_index(id))
                .map(|i| [i])
                .collect();
            let st = self.tally(answers, idx.iter().map(|a| a.as_slice()));
            let answered = st.counted - st.missing.len() as u64;
            let score =
                (st.missing.len() <= usize::from(sub.max_prorated) && answered > 0).then(|| {
                    let mean = st.sum as f64 / answered as f64;
                    SubscaleScore {
                        total: round_half_up_div(st.sum * st.counted, answered),
                        mean: (mean * 100.0).round() / 100.0,
                        prorated: !st.missing.is_empty(),
                    }
                });
            subscales.insert(sub.code.clone(), score);
        }

        let mut thresholds: BTreeMap<&str, u8> = self
            .risk
            .iter()
            .map(|r| (r.item.as_str(), r.at_least))
            .collect();
        if let Some(over) = config.risk.get(&self.code) {
            for (id, &at) in over {
                if self.item(id).is_none() {
                    return Err(ScoreError::Config(format!(
                        "{} has no item '{id}'",
                        self.code
                    )));
                }
                thresholds.insert(id.as_str(), at);
            }
        }
        let mut risk_items = Vec::new();
        for (id, at_least) in thresholds {
            let Some(i) = self.item_index(id) else {
                continue;
            };
            let item = &self.items[i];
            match answers.values()[i] {
                Some(v) if v >= at_least && !self.scale_of(item).is_excluded(v) => {
                    risk_items.push(item.number)
                }
                Some(_) => {}
                None => errors.push(format!(
                    "risk item {} ({}) was not answered: ask about it directly",
                    item.label, item.concept
                )),
            }
        }
        risk_items.sort_unstable();
        risk_items.dedup();

        Ok(ScoreResult {
            instrument: self.code.clone(),
            version: self.version.clone(),
            total,
            severity,
            subscales,
            risk_items,
            valid: total.is_some(),
            prorated,
            errors,
            screening: (self.code == "phq9").then(|| screen_with(self, answers)),
            published_total: total
                .filter(|_| self.total_offset() != 0)
                .map(|t| t as i32 + self.total_offset()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(code: &str) -> &'static Instrument {
        Catalogue::builtin().get(code).unwrap()
    }

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(round_half_up_div(5, 2), 3); // 2.5 → 3
        assert_eq!(round_half_up_div(7, 3), 2); // 2.33 → 2
        assert_eq!(round_half_up_div(8, 3), 3); // 2.67 → 3
    }

    #[test]
    fn result_serialises_with_exactly_the_agreed_keys() {
        let r = inst("phq9").score_str("1,1,1,1,1,1,1,1,1").unwrap();
        let v = serde_json::to_value(&r).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec![
            "screening",
            "instrument",
            "version",
            "total",
            "severity",
            "subscales",
            "risk_items",
            "valid",
            "prorated",
            "errors",
        ];
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(v["severity"], "mild");
        assert_eq!(v["risk_items"], serde_json::json!([9]));
    }

    #[test]
    fn config_can_pick_another_band_set_and_threshold() {
        let h = inst("hamd17");
        let answers = vec![Some(1); 17]; // compact form: item 16 rated by history
        let default = h.score(&answers).unwrap();
        assert_eq!(default.total, Some(17));
        assert_eq!(default.severity.as_deref(), Some("moderate"));
        assert!(default.risk_items.is_empty());
        let mut cfg = ScoringConfig::default();
        cfg.bands.insert("hamd17".into(), "camcops".into());
        cfg.risk
            .insert("hamd17".into(), BTreeMap::from([("q3".to_string(), 1)]));
        cfg.validate(Catalogue::builtin()).unwrap();
        let local = h.score_with(&answers, &cfg).unwrap();
        assert_eq!(local.severity.as_deref(), Some("moderate"));
        assert_eq!(local.risk_items, vec![3]);
        let mut bad = ScoringConfig::default();
        bad.bands.insert("hamd17".into(), "nope".into());
        assert!(bad.validate(Catalogue::builtin()).is_err());
        bad.bands.clear();
        bad.risk
            .insert("phq9".into(), BTreeMap::from([("q9".to_string(), 0)]));
        assert!(bad.validate(Catalogue::builtin()).is_err());
    }

    #[test]
    fn answers_for_another_instrument_are_refused() {
        let a = inst("gad7").parse_answers("0,0,0,0,0,0,0").unwrap();
        let e = inst("phq9")
            .evaluate(&a, &ScoringConfig::default())
            .unwrap_err();
        assert_eq!(e.to_string(), "these answers are for gad7, not phq9");
    }
}
