//! Therapy sessions: what happened in each meeting, with the IPT techniques used and the phase
//! tasks done (reference §3.1, §7.1).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{CourseId, SessionId};
use crate::problem_area::Strategy;
use crate::protocol::{ChecklistItem, Modality, Phase, PhasePlan, PhaseTask, SpecialSession};

/// An IPT technique (reference §3.1), for session notes and fidelity coding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Technique {
    ExploratoryNondirective,
    ExploratoryDirect,
    EncourageAffect,
    Clarification,
    CommunicationAnalysis,
    DecisionAnalysis,
    RolePlay,
    TherapeuticRelationship,
    Directive,
    WorkAtHome,
}

impl Technique {
    pub const ALL: [Technique; 10] = [
        Self::ExploratoryNondirective,
        Self::ExploratoryDirect,
        Self::EncourageAffect,
        Self::Clarification,
        Self::CommunicationAnalysis,
        Self::DecisionAnalysis,
        Self::RolePlay,
        Self::TherapeuticRelationship,
        Self::Directive,
        Self::WorkAtHome,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::ExploratoryNondirective => "exploratory_nondirective",
            Self::ExploratoryDirect => "exploratory_direct",
            Self::EncourageAffect => "encourage_affect",
            Self::Clarification => "clarification",
            Self::CommunicationAnalysis => "communication_analysis",
            Self::DecisionAnalysis => "decision_analysis",
            Self::RolePlay => "role_play",
            Self::TherapeuticRelationship => "therapeutic_relationship",
            Self::Directive => "directive",
            Self::WorkAtHome => "work_at_home",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::ExploratoryNondirective => "Open exploration",
            Self::ExploratoryDirect => "Focused questions",
            Self::EncourageAffect => "Encouraging feelings",
            Self::Clarification => "Clarification",
            Self::CommunicationAnalysis => "Communication analysis",
            Self::DecisionAnalysis => "Decision analysis",
            Self::RolePlay => "Role play",
            Self::TherapeuticRelationship => "Use of the therapy relationship",
            Self::Directive => "Advice and suggestions",
            Self::WorkAtHome => "Between-session task",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }
}

/// Whether the patient came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Attended,
    Cancelled,
    NoShow,
}

impl Attendance {
    pub const ALL: [Attendance; 3] = [Self::Attended, Self::Cancelled, Self::NoShow];
    pub fn code(self) -> &'static str {
        match self {
            Self::Attended => "attended",
            Self::Cancelled => "cancelled",
            Self::NoShow => "no_show",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }
}

/// The clinician's review of risk in the session. Recording it is part of every session
/// (reference §7.1 "every session: risk reviewed").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RiskReview {
    pub reviewed: bool,
    /// The clinician has a concern about risk to self or others.
    pub concern: bool,
    /// What was discussed and agreed (clinical free text).
    pub note: String,
}

/// A session number: 0 is reserved for an engagement session before session 1 (IPT-B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct SessionNumber(u16);

impl SessionNumber {
    pub const MAX: u16 = 60;
    pub fn new(n: u16) -> Result<Self, SessionError> {
        if n > Self::MAX {
            return Err(SessionError::NumberOutOfRange(n));
        }
        Ok(Self(n))
    }
    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for SessionNumber {
    type Error = SessionError;
    fn try_from(n: u16) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

impl From<SessionNumber> for u16 {
    fn from(n: SessionNumber) -> u16 {
        n.0
    }
}

/// The phase a session belongs to: derived from the phase plan, or set by the clinician with a
/// reason (for example a late extra initial session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionPhase {
    pub phase: Phase,
    pub override_reason: Option<String>,
}

impl SessionPhase {
    pub fn derived(plan: &PhasePlan, number: SessionNumber) -> Self {
        let phase = if number.get() == 0 {
            Phase::Initial
        } else {
            plan.phase_of(number.get())
        };
        Self {
            phase,
            override_reason: None,
        }
    }

    /// Override the derived phase; a reason is required so that fidelity review can see why.
    pub fn overridden(phase: Phase, reason: &str) -> Result<Self, SessionError> {
        if reason.trim().is_empty() {
            return Err(SessionError::OverrideNeedsReason);
        }
        Ok(Self {
            phase,
            override_reason: Some(reason.trim().to_string()),
        })
    }
}

/// One therapy session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TherapySession {
    pub id: SessionId,
    pub course: CourseId,
    pub number: SessionNumber,
    pub date: Date,
    pub phase: SessionPhase,
    pub modality: Modality,
    pub attendance: Attendance,
    pub special: Option<SpecialSession>,
    pub techniques: Vec<Technique>,
    pub strategies: Vec<Strategy>,
    pub tasks_done: Vec<PhaseTask>,
    pub checklist: Vec<ChecklistItem>,
    /// Mood and interpersonal events since the last meeting (clinical free text).
    pub interval_events: String,
    pub agreed_actions: String,
    pub risk_review: RiskReview,
    pub notes: String,
    pub next_date: Option<Date>,
    pub version: i64,
}

impl TherapySession {
    /// Checks that hold across fields.
    pub fn check(&self) -> Result<(), SessionError> {
        if let Some(next) = self.next_date
            && next <= self.date
        {
            return Err(SessionError::NextDateNotAfter {
                date: self.date,
                next,
            });
        }
        if self.attendance != Attendance::Attended
            && (!self.techniques.is_empty() || !self.strategies.is_empty())
        {
            return Err(SessionError::TechniquesWithoutAttendance);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("session numbers run from 0 (engagement) to 60; got {0}")]
    NumberOutOfRange(u16),
    #[error("give a reason for changing the session's phase")]
    OverrideNeedsReason,
    #[error("the next session ({next}) must come after this one ({date})")]
    NextDateNotAfter { date: Date, next: Date },
    #[error("techniques and strategies can only be recorded for a session that took place")]
    TechniquesWithoutAttendance,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_is_derived_from_the_plan_and_overridable_with_a_reason() {
        let plan = PhasePlan::new(16, 3, 14).unwrap();
        assert_eq!(
            SessionPhase::derived(&plan, SessionNumber::new(2).unwrap()).phase,
            Phase::Initial
        );
        assert_eq!(
            SessionPhase::derived(&plan, SessionNumber::new(8).unwrap()).phase,
            Phase::Middle
        );
        assert_eq!(
            SessionPhase::derived(&plan, SessionNumber::new(0).unwrap()).phase,
            Phase::Initial
        );
        assert_eq!(
            SessionPhase::overridden(Phase::Initial, " "),
            Err(SessionError::OverrideNeedsReason)
        );
        let o = SessionPhase::overridden(Phase::Initial, "inventory not finished").unwrap();
        assert_eq!(o.override_reason.as_deref(), Some("inventory not finished"));
    }

    #[test]
    fn technique_codes_match_the_reference() {
        assert_eq!(
            Technique::parse("communication_analysis"),
            Some(Technique::CommunicationAnalysis)
        );
        assert_eq!(Technique::ALL.len(), 10);
        for t in Technique::ALL {
            assert_eq!(Technique::parse(t.code()), Some(t));
        }
    }

    #[test]
    fn session_numbers_are_bounded() {
        assert!(SessionNumber::new(61).is_err());
        assert!(SessionNumber::new(0).is_ok());
    }
}
