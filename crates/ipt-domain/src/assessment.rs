//! A stored administration of an instrument: the answers, and what scoring made of them.
//!
//! A draft (in progress) is a distinct state and never counts in results.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{AssessmentId, CourseId, PatientId, SessionId};
use crate::protocol::Phase;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    Draft,
    Final,
}

impl AssessmentStatus {
    pub const ALL: [AssessmentStatus; 2] = [Self::Final, Self::Draft];
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Final => "final",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "draft" => Some(Self::Draft),
            "final" => Some(Self::Final),
            _ => None,
        }
    }
}

/// Who filled it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdministrationMode {
    /// The patient, on their own device.
    SelfReport,
    /// The clinician, entering or rating.
    Clinician,
    /// The patient, on a clinic device handed to them.
    Kiosk,
}

impl AdministrationMode {
    pub const ALL: [AdministrationMode; 3] = [Self::SelfReport, Self::Clinician, Self::Kiosk];
    pub fn code(self) -> &'static str {
        match self {
            Self::SelfReport => "self",
            Self::Clinician => "clinician",
            Self::Kiosk => "kiosk",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code.trim())
    }
}

/// The scored outcome kept with a final assessment. It records the scoring version so results
/// can be recomputed when a definition changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSummary {
    pub total: Option<f64>,
    pub severity: Option<String>,
    pub risk_items: Vec<u16>,
    pub valid: bool,
    pub prorated: bool,
    pub scoring_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub patient: PatientId,
    pub course: Option<CourseId>,
    pub session: Option<SessionId>,
    /// Instrument code from the catalogue, e.g. `phq9`.
    pub instrument: String,
    /// Item answers in item order; None is a missing item.
    pub answers: Vec<Option<u8>>,
    pub status: AssessmentStatus,
    pub mode: AdministrationMode,
    pub administered_at: OffsetDateTime,
    /// The course phase when it was given (for "end-of-treatment measure" and charts).
    pub phase: Option<Phase>,
    /// Present on final assessments only.
    pub result: Option<ScoreSummary>,
    pub version: i64,
}

impl Assessment {
    /// Single ratings of our own (session mood, goal progress) are not outcome measures.
    pub const NOT_OUTCOME_MEASURES: [&'static str; 2] = ["session_mood", "goal_progress"];

    /// Whether this assessment counts as an end-of-treatment measure: a final, valid result of
    /// a validated instrument, given in the termination phase.
    pub fn is_end_measure(&self) -> bool {
        self.status == AssessmentStatus::Final
            && !Self::NOT_OUTCOME_MEASURES.contains(&self.instrument.as_str())
            && self.phase == Some(Phase::Termination)
            && self.result.as_ref().is_some_and(|r| r.valid)
    }
}
