//! The change rule of one instrument (its thresholds, each with its source in the instrument's
//! definition file) and what it finds between two totals. See `change` for the metrics and the
//! service's overrides.

use serde::{Deserialize, Serialize};

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    LowerIsBetter,
    HigherIsBetter,
}

/// A cut-off on a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cutoff {
    AtLeast(u32),
    AtMost(u32),
}

impl Cutoff {
    pub fn is_met(self, total: u32) -> bool {
        match self {
            Self::AtLeast(t) => total >= t,
            Self::AtMost(t) => total <= t,
        }
    }

    fn threshold(self) -> u32 {
        match self {
            Self::AtLeast(t) | Self::AtMost(t) => t,
        }
    }
}

/// The Jacobson–Truax criterion: a change is reliable when |change| / S_diff > 1.96.
pub const RCI_Z: f64 = 1.96;

/// How large a change must be to count as reliable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliableChange {
    /// A published fixed threshold: a change of at least this many points.
    Points(u32),
    /// Jacobson–Truax from a documented standard deviation and reliability.
    JacobsonTruax { sd: f64, reliability: f64 },
}

impl ReliableChange {
    /// S_diff = SD × √(2 (1 − r)) (Jacobson & Truax 1991).
    pub fn s_diff(&self) -> Option<f64> {
        match *self {
            Self::Points(_) => None,
            Self::JacobsonTruax { sd, reliability } => {
                Some(sd * (2.0 * (1.0 - reliability)).sqrt())
            }
        }
    }

    /// Whether a change of `points` (in either direction) is reliable.
    pub fn is_reliable(&self, points: u32) -> bool {
        match *self {
            Self::Points(p) => points >= p,
            Self::JacobsonTruax { .. } => {
                let s = self.s_diff().unwrap_or(f64::INFINITY);
                f64::from(points) / s > RCI_Z
            }
        }
    }

    /// The smallest whole-point change that counts as reliable.
    pub fn min_points(&self) -> u32 {
        (1..=10_000)
            .find(|&p| self.is_reliable(p))
            .unwrap_or(u32::MAX)
    }
}

/// The change thresholds for one instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeRule {
    pub direction: Direction,
    /// Fraction of the baseline the total must fall by to count as response (0.5 = 50 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_reduction: Option<f64>,
    /// The follow-up total that counts as remission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remission: Option<Cutoff>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reliable_change: Option<ReliableChange>,
    /// The total that makes someone a "case".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caseness: Option<Cutoff>,
    /// Where each number comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl ChangeRule {
    /// Check the rule against the instrument's total range.
    pub fn validate(&self, min: u32, max: u32) -> Result<(), String> {
        if let Some(r) = self.response_reduction {
            if !(r > 0.0 && r <= 1.0) {
                return Err("response_reduction must be above 0 and at most 1".into());
            }
            if self.direction != Direction::LowerIsBetter {
                return Err("response is defined only where lower is better".into());
            }
        }
        for c in [self.remission, self.caseness].into_iter().flatten() {
            if !(min..=max).contains(&c.threshold()) {
                return Err(format!("cut-off {} is outside {min}..{max}", c.threshold()));
            }
        }
        match self.reliable_change {
            Some(ReliableChange::Points(0)) => return Err("reliable change of 0 points".into()),
            Some(ReliableChange::JacobsonTruax { sd, reliability })
                if !(sd > 0.0 && reliability > 0.0 && reliability < 1.0) =>
            {
                return Err("Jacobson–Truax needs sd > 0 and 0 < reliability < 1".into());
            }
            _ => {}
        }
        Ok(())
    }

    /// Compare two totals (no range check; see [`Instrument::change`]).
    pub fn compare(&self, baseline: u32, followup: u32) -> Change {
        let improvement: i64 = match self.direction {
            Direction::LowerIsBetter => i64::from(baseline) - i64::from(followup),
            Direction::HigherIsBetter => i64::from(followup) - i64::from(baseline),
        };
        let size = u32::try_from(improvement.unsigned_abs()).unwrap_or(u32::MAX);
        // From a baseline of 0 there is nothing to reduce, so there is no response.
        let response = self.response_reduction.map(|fraction| {
            baseline > 0 && improvement as f64 >= fraction * f64::from(baseline) - 1e-9
        });
        let remission = self.remission.map(|c| c.is_met(followup));
        let reliable_improvement = self
            .reliable_change
            .map(|rc| improvement > 0 && rc.is_reliable(size));
        let reliable_deterioration = self
            .reliable_change
            .map(|rc| improvement < 0 && rc.is_reliable(size));
        // Clinically significant improvement needs both criteria of Jacobson & Truax (1991,
        // J Consult Clin Psychol 59:12-19): a reliable change *and* a move from the clinical
        // range past the cut-off. Crossing the cut-off alone (PHQ-9 10 -> 9) can be
        // measurement error, so without a reliable-change rule the metric is not defined.
        let crossed = self
            .caseness
            .map(|c| c.is_met(baseline) && !c.is_met(followup));
        let csi = match (crossed, reliable_improvement) {
            (Some(c), Some(r)) => Some(c && r),
            _ => None,
        };
        // NHS Talking Therapies "reliable recovery" is the same pair of criteria on one
        // measure, so the two metrics agree; both keys stay for the agreed JSON shape.
        let reliable_recovery = csi;
        Change {
            response,
            remission,
            reliable_improvement,
            reliable_deterioration,
            clinically_significant_improvement: csi,
            reliable_recovery,
        }
    }
}

/// Change between two totals. Serialises with exactly the keys `response`, `remission`,
/// `reliable_improvement`, `reliable_deterioration`, `clinically_significant_improvement`,
/// `reliable_recovery`; `null` where the instrument does not define the metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub response: Option<bool>,
    pub remission: Option<bool>,
    pub reliable_improvement: Option<bool>,
    pub reliable_deterioration: Option<bool>,
    pub clinically_significant_improvement: Option<bool>,
    pub reliable_recovery: Option<bool>,
}
