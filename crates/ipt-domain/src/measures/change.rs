//! Change between two totals on the same instrument: response, remission, reliable change,
//! clinically significant change and reliable recovery.
//!
//! Each instrument's default thresholds live in its definition file (`[change]`), with the
//! source of every number; [`ChangeConfig`] lets a service override them.
//!
//! - **Response**: the total fell by at least `response_reduction` (50 %) of the baseline.
//! - **Remission**: the follow-up total meets the remission cut-off (PHQ-9 ≤ 4, HAM-D ≤ 7 …).
//! - **Reliable improvement / deterioration**: the change is at least a fixed number of points
//!   (PHQ-9 6, GAD-7 4, EPDS 4), or, where no such number is published, larger than
//!   1.96 × S_diff with S_diff = SD × √(2 (1 − r)) (Jacobson & Truax 1991, J Consult Clin
//!   Psychol 59:12–19).
//! - **Clinically significant improvement**: a reliable improvement *and* a case at baseline
//!   that is not a case at follow-up (Jacobson & Truax 1991: reliable change and crossing the
//!   cut-off). Crossing the cut-off alone is not enough: PHQ-9 10 → 9 is no improvement.
//!   `None` where the instrument has no caseness or no reliable-change rule.
//! - **Reliable recovery**: the NHS Talking Therapies name for the same two criteria on one
//!   measure, so it always equals clinically significant improvement here (the paired
//!   PHQ-9 + GAD-7 version is [`paired_outcome`]).
//!
//! A metric that an instrument does not define is `None` (JSON `null`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::catalogue::Catalogue;
use super::definition::Instrument;
use super::thresholds::{Change, ChangeRule};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("unknown instrument '{code}' (known: {known})")]
    UnknownInstrument { code: String, known: String },
    #[error("{instrument}: {which} total {value} is out of range ({min}–{max})")]
    TotalOutOfRange {
        instrument: String,
        which: &'static str,
        value: u32,
        min: u32,
        max: u32,
    },
    #[error("{which} total '{text}' is not a whole number")]
    NotANumber { which: &'static str, text: String },
    #[error("change rule for {instrument} is not valid: {problem}")]
    BadRule { instrument: String, problem: String },
}

/// The catalogue's instruments for change: an unknown code is refused with the codes there are.
impl Catalogue {
    pub(crate) fn require_for_change(&self, code: &str) -> Result<&Instrument, ChangeError> {
        self.get(code)
            .ok_or_else(|| ChangeError::UnknownInstrument {
                code: code.to_string(),
                known: self.codes().join(", "),
            })
    }
}

/// Parse a total typed on the command line.
pub fn parse_total(which: &'static str, text: &str) -> Result<u32, ChangeError> {
    text.trim()
        .parse::<u32>()
        .map_err(|_| ChangeError::NotANumber {
            which,
            text: text.to_string(),
        })
}

/// Change thresholds per instrument: the cited defaults from the definitions, with local
/// overrides. Deserialises from a map `instrument code -> ChangeRule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChangeConfig {
    rules: BTreeMap<String, ChangeRule>,
}

impl Default for ChangeConfig {
    fn default() -> Self {
        Self::defaults()
    }
}

impl ChangeConfig {
    /// The defaults from the built-in catalogue.
    pub fn defaults() -> Self {
        Self::from_catalogue(Catalogue::builtin())
    }

    pub fn from_catalogue(catalogue: &Catalogue) -> Self {
        ChangeConfig {
            rules: catalogue
                .instruments()
                .iter()
                .map(|i| (i.code.clone(), i.change.clone()))
                .collect(),
        }
    }

    pub fn rule(&self, code: &str) -> Option<&ChangeRule> {
        self.rules.get(code)
    }

    /// Replace one instrument's rule, after checking it against the instrument.
    pub fn set_rule(
        &mut self,
        instrument: &Instrument,
        rule: ChangeRule,
    ) -> Result<(), ChangeError> {
        rule.validate(instrument.min_total(), instrument.max_total())
            .map_err(|problem| ChangeError::BadRule {
                instrument: instrument.code.clone(),
                problem,
            })?;
        self.rules.insert(instrument.code.clone(), rule);
        Ok(())
    }

    /// Overlay `overrides` (e.g. from `ipt.toml`) on these rules, checking each one.
    pub fn with_overrides(
        mut self,
        catalogue: &Catalogue,
        overrides: ChangeConfig,
    ) -> Result<Self, ChangeError> {
        for (code, rule) in overrides.rules {
            let inst = catalogue.require_for_change(&code)?;
            self.set_rule(inst, rule)?;
        }
        Ok(self)
    }
}

impl Instrument {
    /// Change between two totals with this instrument's default thresholds.
    pub fn change(&self, baseline: u32, followup: u32) -> Result<Change, ChangeError> {
        self.change_by(&self.change, baseline, followup)
    }

    /// Change between two totals with the thresholds in `config`.
    pub fn change_with(
        &self,
        config: &ChangeConfig,
        baseline: u32,
        followup: u32,
    ) -> Result<Change, ChangeError> {
        self.change_by(
            config.rule(&self.code).unwrap_or(&self.change),
            baseline,
            followup,
        )
    }

    /// Change over a course: from the first total (the baseline) to the last. `None` with
    /// fewer than two totals.
    pub fn course_change(
        &self,
        config: &ChangeConfig,
        totals: &[u32],
    ) -> Result<Option<Change>, ChangeError> {
        match (totals.first(), totals.last()) {
            (Some(&b), Some(&f)) if totals.len() >= 2 => self.change_with(config, b, f).map(Some),
            _ => Ok(None),
        }
    }

    fn change_by(
        &self,
        rule: &ChangeRule,
        baseline: u32,
        followup: u32,
    ) -> Result<Change, ChangeError> {
        let (min, max) = (self.min_total(), self.max_total());
        for (which, value) in [("baseline", baseline), ("follow-up", followup)] {
            if !(min..=max).contains(&value) {
                return Err(ChangeError::TotalOutOfRange {
                    instrument: self.code.clone(),
                    which,
                    value,
                    min,
                    max,
                });
            }
        }
        Ok(rule.compare(baseline, followup))
    }
}

/// The NHS Talking Therapies paired outcome over PHQ-9 and GAD-7 (instruments.md §6.2, from
/// the NHS Talking Therapies manual [R]). Services that use an anxiety-disorder-specific
/// measure instead of GAD-7 need their own pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairedOutcome {
    /// PHQ-9 or GAD-7 at or above its caseness cut-off at the start.
    pub case_at_start: bool,
    /// A case at the start and neither measure at caseness at the end.
    pub recovery: bool,
    /// A reliable improvement on at least one measure and no reliable deterioration on the
    /// other.
    pub reliable_improvement: bool,
    /// A reliable deterioration on at least one measure and no reliable improvement on the
    /// other.
    pub reliable_deterioration: bool,
    /// Recovery and reliable improvement.
    pub reliable_recovery: bool,
}

/// PHQ-9 and GAD-7 `(baseline, follow-up)` pairs combined as NHS Talking Therapies does.
pub fn paired_outcome(
    config: &ChangeConfig,
    phq9: (u32, u32),
    gad7: (u32, u32),
) -> Result<PairedOutcome, ChangeError> {
    let cat = Catalogue::builtin();
    let p = cat.require_for_change("phq9")?;
    let g = cat.require_for_change("gad7")?;
    let pc = p.change_with(config, phq9.0, phq9.1)?;
    let gc = g.change_with(config, gad7.0, gad7.1)?;
    let rule = |i: &Instrument| {
        config
            .rule(&i.code)
            .cloned()
            .unwrap_or_else(|| i.change.clone())
    };
    let (pr, gr) = (rule(p), rule(g));
    let case = |r: &ChangeRule, t: u32| r.caseness.is_some_and(|c| c.is_met(t));
    let case_at_start = case(&pr, phq9.0) || case(&gr, gad7.0);
    let case_at_end = case(&pr, phq9.1) || case(&gr, gad7.1);
    let yes = |b: Option<bool>| b.unwrap_or(false);
    let improved = yes(pc.reliable_improvement) || yes(gc.reliable_improvement);
    let worse = yes(pc.reliable_deterioration) || yes(gc.reliable_deterioration);
    let recovery = case_at_start && !case_at_end;
    let reliable_improvement = improved && !worse;
    Ok(PairedOutcome {
        case_at_start,
        recovery,
        reliable_improvement,
        reliable_deterioration: worse && !improved,
        reliable_recovery: recovery && reliable_improvement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::thresholds::{Cutoff, Direction, ReliableChange};

    fn rule(rc: ReliableChange) -> ChangeRule {
        ChangeRule {
            direction: Direction::LowerIsBetter,
            response_reduction: Some(0.5),
            remission: Some(Cutoff::AtMost(4)),
            reliable_change: Some(rc),
            caseness: Some(Cutoff::AtLeast(10)),
            sources: vec![],
        }
    }

    #[test]
    fn jacobson_truax_threshold_is_strictly_above_1_96_s_diff() {
        // SD 5, r 0.82: S_diff = 5 × √0.36 = 3.0; 1.96 × 3 = 5.88, so 6 points is reliable.
        let rc = ReliableChange::JacobsonTruax {
            sd: 5.0,
            reliability: 0.82,
        };
        assert!((rc.s_diff().unwrap() - 3.0).abs() < 1e-9);
        assert!(!rc.is_reliable(5));
        assert!(rc.is_reliable(6));
        assert_eq!(rc.min_points(), 6);
        assert_eq!(ReliableChange::Points(4).min_points(), 4);
    }

    #[test]
    fn crossing_the_cut_off_without_reliable_change_is_not_clinically_significant() {
        // #14 finding 10: PHQ-9 10 -> 9 only crosses the cut-off of 10; 1 point is not a
        // reliable change (6 points), so Jacobson & Truax's criteria are not both met.
        let r = rule(ReliableChange::Points(6));
        let c = r.compare(10, 9);
        assert_eq!(c.clinically_significant_improvement, Some(false));
        assert_eq!(c.reliable_recovery, Some(false));
        let c = r.compare(12, 6);
        assert_eq!(c.clinically_significant_improvement, Some(true));
        // Reliable but still a case: not clinically significant either.
        assert_eq!(
            r.compare(20, 14).clinically_significant_improvement,
            Some(false)
        );
        // No reliable-change rule: the metric is not defined rather than guessed.
        let mut no_rci = r.clone();
        no_rci.reliable_change = None;
        assert_eq!(
            no_rci.compare(12, 3).clinically_significant_improvement,
            None
        );
    }

    #[test]
    fn response_needs_half_the_baseline() {
        let r = rule(ReliableChange::Points(6));
        assert_eq!(r.compare(20, 10).response, Some(true));
        assert_eq!(r.compare(20, 11).response, Some(false));
        assert_eq!(r.compare(15, 7).response, Some(true)); // 8 ≥ 7.5
        assert_eq!(r.compare(15, 8).response, Some(false)); // 7 < 7.5
        assert_eq!(r.compare(0, 0).response, Some(false));
    }

    #[test]
    fn higher_is_better_reverses_improvement() {
        let r = ChangeRule {
            direction: Direction::HigherIsBetter,
            response_reduction: None,
            remission: None,
            reliable_change: Some(ReliableChange::Points(10)),
            caseness: Some(Cutoff::AtMost(35)),
            sources: vec![],
        };
        let c = r.compare(30, 45);
        assert_eq!(c.reliable_improvement, Some(true));
        assert_eq!(c.reliable_deterioration, Some(false));
        assert_eq!(c.clinically_significant_improvement, Some(true));
        assert_eq!(c.reliable_recovery, Some(true));
        assert_eq!(c.response, None);
        assert_eq!(r.compare(45, 30).reliable_deterioration, Some(true));
    }

    #[test]
    fn rule_validation_refuses_nonsense() {
        let mut r = rule(ReliableChange::Points(0));
        assert!(r.validate(0, 27).is_err());
        r.reliable_change = Some(ReliableChange::JacobsonTruax {
            sd: 5.0,
            reliability: 1.0,
        });
        assert!(r.validate(0, 27).is_err());
        r.reliable_change = Some(ReliableChange::Points(6));
        r.caseness = Some(Cutoff::AtLeast(30));
        assert!(r.validate(0, 27).is_err());
    }
}
