//! Caseload signals at the app boundary: the deployment's `[signals]` settings (from `ipt.toml`),
//! applied once at start like `[measures]`, and the rules of `ipt_domain::signals` run over what
//! the caseload has loaded, with the change thresholds in force.

use std::sync::OnceLock;

use ipt_domain::signals::{Signal, SignalConfig, SignalFacts};
use time::Date;

use crate::AppError;

static CONFIG: OnceLock<SignalConfig> = OnceLock::new();

/// Apply the deployment's settings, once, at start. A value out of range is refused with the
/// reason.
pub fn configure(config: SignalConfig) -> Result<(), AppError> {
    config
        .validate()
        .map_err(|e| AppError::Config(format!("[signals]: {e}")))?;
    if CONFIG.set(config).is_err() && CONFIG.get() != Some(&config) {
        return Err(AppError::Internal(
            "signal settings were already applied".into(),
        ));
    }
    Ok(())
}

/// The settings in force: configured, or the cited defaults.
pub fn config() -> &'static SignalConfig {
    static DEFAULTS: OnceLock<SignalConfig> = OnceLock::new();
    CONFIG
        .get()
        .unwrap_or_else(|| DEFAULTS.get_or_init(SignalConfig::default))
}

/// The signals of one course with the settings in force.
pub fn evaluate(facts: &SignalFacts<'_>, today: Date) -> Vec<Signal> {
    ipt_domain::signals::signals(facts, today, config(), &crate::measures::settings().change)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_settings_are_refused_with_the_reason() {
        let e = configure(SignalConfig {
            not_on_track_improvement_percent: 0,
        })
        .unwrap_err();
        assert!(e.to_string().contains("[signals]"), "{e}");
        assert!(e.to_string().contains("between 1 and 100"), "{e}");
        assert_eq!(config().not_on_track_improvement_percent, 20);
    }
}
