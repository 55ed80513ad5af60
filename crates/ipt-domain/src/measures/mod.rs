//! The measurement engine: instrument catalogue, scoring, severity, risk rules, change metrics
//! and text packs. Pure: no I/O; definitions are embedded with `include_str!` and parsed on
//! first use.
//!
//! Facts, cut-offs, licences and LOINC codes come from `shared/domain/instruments.md`; every
//! rule cites its source inside the instrument's definition file
//! (`crates/ipt-domain/instruments/<code>.toml`). Confidence markers in those sources: **[V]**
//! checked against the cited source, **[R]** recalled from well-known literature and not
//! re-checked, **[?]** uncertain — check before relying on it.
//!
//! ```
//! use ipt_domain::measures::{self, Catalogue};
//!
//! let r = measures::score("phq9", "1,2,,3,1,0,1,2,1").unwrap();
//! assert_eq!(r.total, Some(12)); // 11 over 8 answered items, prorated: 11 × 9 / 8 = 12.4 → 12
//! assert!(r.prorated);
//! assert_eq!(r.severity.as_deref(), Some("moderate"));
//! assert_eq!(r.risk_items, vec![9]);
//!
//! let c = measures::change("phq9", 18, 7).unwrap();
//! assert_eq!(c.response, Some(true));
//! assert_eq!(c.reliable_recovery, Some(true));
//!
//! let phq9 = Catalogue::builtin().get("phq9").unwrap();
//! assert_eq!(phq9.max_total(), 27);
//! ```

mod answers;
mod catalogue;
mod change;
mod definition;
pub mod phq9;
mod score;
mod text_pack;
mod thresholds;

pub use answers::{Answers, ScoreError, parse_answer_list, signed_number};
pub use catalogue::{Catalogue, InstrumentSummary};
pub use change::{ChangeConfig, ChangeError, PairedOutcome, paired_outcome, parse_total};
pub use definition::{
    AnswerKind, Band, BandSet, Bands, Construct, DefinitionError, Derivation, ExcludedValue,
    Instrument, Item, Licence, LoincCodes, MissingPolicy, MoreSevere, Rater, RiskRule, Scale,
    Source, Subscale, TextStatus,
};
pub use score::{ScoreResult, ScoringConfig, SubscaleScore};
pub use text_pack::{
    ItemText, OptionText, TextOrigin, TextPack, TextPackError, TextPacks, Unavailable,
    shipped_packs,
};
pub use thresholds::{Change, ChangeRule, Cutoff, Direction, RCI_Z, ReliableChange};

/// Look up an instrument in the built-in catalogue.
pub fn instrument(code: &str) -> Result<&'static Instrument, ScoreError> {
    Catalogue::builtin().require(code)
}

/// `ipt score <id> <answers>`: look the instrument up, parse the answer syntax and score with
/// the default configuration.
pub fn score(code: &str, answers: &str) -> Result<ScoreResult, ScoreError> {
    instrument(code)?.score_str(answers)
}

/// `ipt change <id> <baseline> <followup>` with the default thresholds.
pub fn change(code: &str, baseline: u32, followup: u32) -> Result<Change, ChangeError> {
    Catalogue::builtin()
        .require_for_change(code)?
        .change(baseline, followup)
}
