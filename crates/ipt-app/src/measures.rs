//! Scoring at the app boundary: turn item answers into the summary kept with an assessment.

use ipt_domain::assessment::ScoreSummary;
use ipt_domain::measures::Catalogue;

use crate::AppError;

/// Score `answers` for `instrument` with the built-in catalogue.
pub fn summarise(instrument: &str, answers: &[Option<u8>]) -> Result<ScoreSummary, AppError> {
    let instrument = Catalogue::builtin()
        .require(instrument)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let r = instrument
        .score(answers)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    Ok(ScoreSummary {
        total: r.total.map(f64::from),
        severity: r.severity,
        risk_items: r.risk_items,
        valid: r.valid,
        prorated: r.prorated,
        scoring_version: r.version,
    })
}
