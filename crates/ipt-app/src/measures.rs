//! Scoring at the app boundary: turn item answers into the summary kept with an assessment,
//! and compare totals, with the deployment's scoring and change settings (`[measures]` in
//! `ipt.toml`) or, when none are given, the cited defaults of each definition.

use std::sync::OnceLock;

use ipt_domain::assessment::ScoreSummary;
use ipt_domain::measures::{
    Catalogue, Change, ChangeConfig, ChangeError, Instrument, ScoreError, ScoreResult,
    ScoringConfig,
};

use crate::AppError;

/// The measurement settings of this process.
#[derive(Debug, Clone, Default)]
pub struct MeasureSettings {
    pub scoring: ScoringConfig,
    pub change: ChangeConfig,
}

static SETTINGS: OnceLock<MeasureSettings> = OnceLock::new();

/// Apply the deployment's settings, once, at start. Every entry is checked against the
/// catalogue and refused with the reason when it does not fit.
pub fn configure(
    scoring: ScoringConfig,
    change_overrides: Option<ChangeConfig>,
) -> Result<(), AppError> {
    let catalogue = Catalogue::builtin();
    scoring
        .validate(catalogue)
        .map_err(|e| AppError::Config(format!("[measures.scoring]: {e}")))?;
    let change = match change_overrides {
        Some(o) => ChangeConfig::defaults()
            .with_overrides(catalogue, o)
            .map_err(|e| AppError::Config(format!("[measures.change]: {e}")))?,
        None => ChangeConfig::defaults(),
    };
    let settings = MeasureSettings { scoring, change };
    if SETTINGS.set(settings.clone()).is_err()
        && SETTINGS.get().map(|s| (&s.scoring, &s.change))
            != Some((&settings.scoring, &settings.change))
    {
        return Err(AppError::Internal(
            "measurement settings were already applied".into(),
        ));
    }
    Ok(())
}

/// The settings in force: configured, or the defaults.
pub fn settings() -> &'static MeasureSettings {
    static DEFAULTS: OnceLock<MeasureSettings> = OnceLock::new();
    SETTINGS
        .get()
        .unwrap_or_else(|| DEFAULTS.get_or_init(MeasureSettings::default))
}

/// Score answers typed as `1,2,,3` (an empty field is a missing item).
pub fn score_text(code: &str, input: &str) -> Result<ScoreResult, ScoreError> {
    let instrument = Catalogue::builtin().require(code)?;
    let answers = instrument.parse_answers(input)?;
    instrument.evaluate(&answers, &settings().scoring)
}

/// Change between two stored (published) totals with the thresholds in force: the totals are
/// taken back to the engine's scale first, which is the same number except on a signed
/// instrument (the RAS, whose results store −90 … +90).
pub fn change_of_totals(
    instrument: &Instrument,
    baseline: f64,
    followup: f64,
) -> Result<Change, ChangeError> {
    change(
        instrument,
        instrument.engine_total(baseline),
        instrument.engine_total(followup),
    )
}

/// Change between two engine totals with the thresholds in force.
pub fn change(
    instrument: &Instrument,
    baseline: u32,
    followup: u32,
) -> Result<Change, ChangeError> {
    instrument.change_with(&settings().change, baseline, followup)
}

/// Score `answers` for `instrument` with the built-in catalogue and the settings in force.
pub fn summarise(instrument: &str, answers: &[Option<u8>]) -> Result<ScoreSummary, AppError> {
    let instrument = Catalogue::builtin()
        .require(instrument)
        .map_err(|e| AppError::Internal(format!("scoring a read questionnaire: {e}")))?;
    // The answers were read against the instrument before (`AssessmentInput`), so a failure
    // here is the software's, not the user's.
    let r = instrument
        .score_with(answers, &settings().scoring)
        .map_err(|e| AppError::Internal(format!("scoring a read questionnaire: {e}")))?;
    Ok(summary_of(&r))
}

/// The summary kept with an assessment, from a scoring result. The total is kept as published
/// (a signed instrument's engine total plus its offset), so that every reader shows it as is.
pub fn summary_of(r: &ScoreResult) -> ScoreSummary {
    let offset = Catalogue::builtin()
        .get(&r.instrument)
        .map_or(0, |i| i.total_offset());
    ScoreSummary {
        total: r.total.map(|t| f64::from(t) + f64::from(offset)),
        severity: r.severity.clone(),
        risk_items: r.risk_items.clone(),
        valid: r.valid,
        prorated: r.prorated,
        scoring_version: r.version.clone(),
    }
}

/// How the main measure moved over a course: baseline (its first final total) against its
/// latest, with the change metrics in force.
#[derive(Debug, Clone, PartialEq)]
pub struct MainOutcome {
    pub instrument: String,
    pub baseline: f64,
    pub latest: f64,
    pub change: Change,
}

impl MainOutcome {
    /// The treatment has not helped enough on this measure: no reliable improvement (or, for
    /// an instrument without a reliable-change index, no response), or a reliable worsening.
    /// This is what opens the non-response path of the termination phase (reference §1.1).
    pub fn not_improved(&self) -> bool {
        let c = &self.change;
        c.reliable_deterioration == Some(true)
            || match c.reliable_improvement {
                Some(improved) => !improved,
                None => c.response == Some(false),
            }
    }
}

fn final_total(a: &ipt_domain::assessment::Assessment) -> Option<f64> {
    (a.status == ipt_domain::assessment::AssessmentStatus::Final)
        .then_some(())
        .and(a.result.as_ref())
        .filter(|r| r.valid)
        .and_then(|r| r.total)
}

/// The course's main measure and its change: the first of the format's recommended instruments,
/// then any other questionnaire in the order first given (never a single rating of our own),
/// that has two final totals and defines response or reliable change, never a secondary outcome
/// (MSPSS, UCLA-3, RAS). None while no measure has two scores.
pub fn main_outcome(
    protocol: &ipt_domain::protocol::Protocol,
    assessments: &[ipt_domain::assessment::Assessment],
) -> Option<MainOutcome> {
    use ipt_domain::assessment::Assessment;
    let mut finals: Vec<&Assessment> = assessments
        .iter()
        .filter(|a| final_total(a).is_some())
        .filter(|a| !Assessment::NOT_OUTCOME_MEASURES.contains(&a.instrument.as_str()))
        .collect();
    finals.sort_by_key(|a| (a.administered_at, a.id));
    let mut codes: Vec<&str> = protocol
        .recommended_instruments
        .iter()
        .map(String::as_str)
        .collect();
    for a in &finals {
        let secondary = Catalogue::builtin()
            .get(&a.instrument)
            .is_some_and(|i| i.construct.is_secondary_outcome());
        if !secondary && !codes.contains(&a.instrument.as_str()) {
            codes.push(&a.instrument);
        }
    }
    codes.into_iter().find_map(|code| {
        let list: Vec<f64> = finals
            .iter()
            .filter(|a| a.instrument == code)
            .filter_map(|a| final_total(a))
            .collect();
        let (&baseline, &latest) = (list.first()?, list.last()?);
        if list.len() < 2 {
            return None;
        }
        let instrument = Catalogue::builtin().get(code)?;
        let change = change_of_totals(instrument, baseline, latest).ok()?;
        (change.response.is_some() || change.reliable_improvement.is_some()).then(|| MainOutcome {
            instrument: code.to_string(),
            baseline,
            latest,
            change,
        })
    })
}

/// Whether a baseline depression measure is on file: a final, valid total of the format's main
/// measure or of another depression measure (`Protocol::is_baseline_measure`); a GAD-7 alone is
/// not one (#14, "Gates").
pub fn baseline_recorded(
    protocol: &ipt_domain::protocol::Protocol,
    assessments: &[ipt_domain::assessment::Assessment],
) -> bool {
    assessments
        .iter()
        .any(|a| final_total(a).is_some() && protocol.is_baseline_measure(&a.instrument))
}

/// Whether a score of `instrument` says nothing about suicide or self-harm, so whoever shows it
/// to a clinician says "ask about them separately" (GDS-15, WSAS, MSPSS …: the GDS-15's own
/// note asks for a separate suicide screen). True for a symptom or outcome questionnaire with
/// no risk item, in its definition or in the deployment's `[measures.scoring.risk]`; never for
/// our single session ratings (mood, goal progress), which are not questionnaires about
/// symptoms and where the note would be noise.
pub fn asks_no_risk_item(instrument: &Instrument) -> bool {
    instrument.risk.is_empty()
        && settings()
            .scoring
            .risk
            .get(&instrument.code)
            .is_none_or(|items| items.is_empty())
        && !ipt_domain::assessment::Assessment::NOT_OUTCOME_MEASURES
            .contains(&instrument.code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_questionnaires_without_a_risk_item_say_so() {
        let said = |code: &str| asks_no_risk_item(Catalogue::builtin().get(code).unwrap());
        for code in ["gds15", "wsas", "mspss", "gad7", "ucla3", "phq2"] {
            assert!(said(code), "{code}");
        }
        for code in [
            "phq9",
            "phqa",
            "epds",
            "hamd17",
            "session_mood",
            "goal_progress",
        ] {
            assert!(!said(code), "{code}");
        }
    }
}
