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

/// Change between two totals with the thresholds in force.
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

/// The summary kept with an assessment, from a scoring result.
pub fn summary_of(r: &ScoreResult) -> ScoreSummary {
    ScoreSummary {
        total: r.total.map(f64::from),
        severity: r.severity.clone(),
        risk_items: r.risk_items.clone(),
        valid: r.valid,
        prorated: r.prorated,
        scoring_version: r.version.clone(),
    }
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
