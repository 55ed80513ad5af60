//! Programme outcomes: for each outcome instrument, how many courses with a baseline and a later
//! result showed response, remission, reliable improvement or reliable deterioration.
//!
//! The thresholds come from each instrument's change rules (with the deployment's overrides):
//! response is the rule's `response_reduction` (50 % for PHQ-9, after the convention in
//! Kroenke, Spitzer & Williams 2001 and the STAR*D reports), remission its remission cut-off,
//! and reliable change the Jacobson & Truax (1991) index. Courses whose baseline is below the
//! instrument's caseness cut-off are left out, as IAPT-style reporting does (NHS Digital,
//! "Psychological Therapies: reports on the use of IAPT services", recovery definitions),
//! because a course that starts below caseness has little room to show change.
//!
//! Only instruments where a lower total is better are summarised; the others are listed as not
//! summarised rather than given a made-up rule.

use ipt_domain::authz::{Action, Actor, Resource, can};
use ipt_domain::measures::{Catalogue, Cutoff, Direction};
use serde::Serialize;

use crate::ports::{ChangeRules, ChangeSummary, OutcomeCounts, OutcomeRules};
use crate::{App, AppError};

/// One instrument's outcome figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstrumentOutcome {
    pub instrument: String,
    pub name: String,
    pub rules: OutcomeRulesView,
    pub counts: OutcomeCounts,
}

/// The rules behind the counts, for the reader.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OutcomeRulesView {
    pub response_percent: f64,
    pub remission_at_most: f64,
    pub reliable_change_points: f64,
    pub min_baseline: f64,
}

impl InstrumentOutcome {
    /// A count as a share of the courses, or None with no courses.
    pub fn rate(&self, count: u64) -> Option<f64> {
        (self.counts.courses > 0).then(|| count as f64 / self.counts.courses as f64)
    }
}

/// Outcomes over every course in the programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeSummary {
    pub instruments: Vec<InstrumentOutcome>,
    /// Perceived support, loneliness and assertiveness: change per format (#21).
    pub secondary: Vec<SecondaryOutcome>,
    /// Instruments summarised neither way (no lower-is-better rule, not a secondary measure).
    pub not_summarised: Vec<String>,
}

/// One secondary measure across the programme: the mean change and how many courses moved the
/// better way, reliably or out of the caseness range, per course format.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondaryOutcome {
    pub instrument: String,
    pub name: String,
    pub construct: &'static str,
    pub higher_is_better: bool,
    /// The reliable change in points, when the instrument has an index.
    pub reliable_change: Option<f64>,
    pub caseness: Option<Caseness>,
    pub by_format: Vec<ChangeSummary>,
}

/// A caseness cut-off: a course "starts as a case" at or below it (`at_or_below`) or at or
/// above it, and "leaves caseness" when its latest total is on the other side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Caseness {
    pub threshold: f64,
    pub at_or_below: bool,
}

impl SecondaryOutcome {
    /// Every format's courses together.
    pub fn total(&self) -> ChangeSummary {
        let mut t = ChangeSummary {
            format: String::new(),
            courses: 0,
            mean_change: None,
            improved: 0,
            reliably_improved: 0,
            reliably_deteriorated: 0,
            cases_at_start: 0,
            left_caseness: 0,
        };
        let mut sum = 0.0;
        for f in &self.by_format {
            t.courses += f.courses;
            sum += f.mean_change.unwrap_or(0.0) * f.courses as f64;
            t.improved += f.improved;
            t.reliably_improved += f.reliably_improved;
            t.reliably_deteriorated += f.reliably_deteriorated;
            t.cases_at_start += f.cases_at_start;
            t.left_caseness += f.left_caseness;
        }
        t.mean_change = (t.courses > 0).then(|| (sum / t.courses as f64 * 100.0).round() / 100.0);
        t
    }
}

/// The counting rules of a secondary measure, from its change rule in force.
pub fn change_rules_for(code: &str) -> Option<ChangeRules> {
    let rule = crate::measures::settings().change.rule(code)?;
    let better = match rule.direction {
        Direction::HigherIsBetter => 1.0,
        Direction::LowerIsBetter => -1.0,
    };
    Some(ChangeRules {
        better,
        reliable_change: rule.reliable_change.map(|r| f64::from(r.min_points())),
        caseness: rule.caseness.map(|c| match c {
            Cutoff::AtLeast(t) => (f64::from(t), 1.0),
            Cutoff::AtMost(t) => (f64::from(t), -1.0),
        }),
    })
}

/// The counting rules of one instrument, or None when it cannot be summarised this way.
pub fn rules_for(code: &str) -> Option<OutcomeRules> {
    let rule = crate::measures::settings().change.rule(code)?;
    if rule.direction != Direction::LowerIsBetter {
        return None;
    }
    let response = rule.response_reduction?;
    let remission = match rule.remission? {
        Cutoff::AtMost(t) => f64::from(t),
        Cutoff::AtLeast(_) => return None,
    };
    let reliable = f64::from(rule.reliable_change?.min_points());
    let min_baseline = match rule.caseness {
        Some(Cutoff::AtLeast(c)) => f64::from(c),
        _ => 0.0,
    };
    Some(OutcomeRules {
        response_fraction: response,
        remission_at_most: remission,
        reliable_change: reliable,
        min_baseline,
    })
}

impl App {
    /// The programme's outcome summary. Aggregates only: no patient is identifiable in it.
    pub async fn outcome_summary(&self, actor: &Actor) -> Result<OutcomeSummary, AppError> {
        if !can(actor, Action::ViewProgrammeOutcomes, &Resource::System).is_allowed() {
            return Err(AppError::Forbidden);
        }
        let mut instruments = vec![];
        let mut secondary = vec![];
        let mut not_summarised = vec![];
        for inst in Catalogue::builtin().instruments() {
            if ipt_domain::assessment::Assessment::NOT_OUTCOME_MEASURES
                .contains(&inst.code.as_str())
            {
                continue;
            }
            let audit = self.audit(
                actor,
                "analytics.outcomes",
                "instrument",
                uuid::Uuid::nil(),
                None,
            );
            if crate::outcomes::SECONDARY_CONSTRUCTS.contains(&inst.construct)
                && let Some(rules) = change_rules_for(&inst.code)
            {
                let by_format = self
                    .store
                    .change_summary(&inst.code, &rules, &audit)
                    .await?;
                secondary.push(SecondaryOutcome {
                    instrument: inst.code.clone(),
                    name: inst.name.clone(),
                    construct: inst.construct.code(),
                    higher_is_better: rules.better > 0.0,
                    reliable_change: rules.reliable_change,
                    caseness: rules.caseness.map(|(threshold, side)| Caseness {
                        threshold,
                        at_or_below: side < 0.0,
                    }),
                    by_format,
                });
                continue;
            }
            let Some(rules) = rules_for(&inst.code) else {
                not_summarised.push(inst.code.clone());
                continue;
            };
            let counts = self
                .store
                .outcome_counts(&inst.code, &rules, &audit)
                .await?;
            instruments.push(InstrumentOutcome {
                instrument: inst.code.clone(),
                name: inst.name.clone(),
                rules: OutcomeRulesView {
                    response_percent: rules.response_fraction * 100.0,
                    remission_at_most: rules.remission_at_most,
                    reliable_change_points: rules.reliable_change,
                    min_baseline: rules.min_baseline,
                },
                counts,
            });
        }
        Ok(OutcomeSummary {
            instruments,
            secondary,
            not_summarised,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phq9_is_summarised_with_its_published_thresholds() {
        let r = rules_for("phq9").expect("PHQ-9 has a lower-is-better rule");
        assert_eq!(r.response_fraction, 0.5);
        assert!(r.remission_at_most < 10.0);
        assert!(r.reliable_change >= 1.0);
        assert_eq!(rules_for("no-such-instrument"), None);
    }
}
