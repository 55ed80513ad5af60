//! Therapy sessions: what happened in each meeting, with the IPT techniques used and the phase
//! tasks done (reference §3.1, §7.1).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::course::Course;
use crate::ids::{CourseId, SessionId};
use crate::input::{self, Refusals};
use crate::problem_area::Strategy;
use crate::protocol::{
    ChecklistItem, Modality, Phase, PhasePlan, PhaseTask, Protocol, SpecialSession,
};
use crate::rule::{Code, FieldError};

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

    /// The phase of a session numbered `number` on `course`: a session being corrected keeps
    /// the phase it was held in; a new one is in the phase the course is in now (a session 3 on
    /// a course still in its initial phase is an initial-phase session, whatever the plan's
    /// numbers say). A course not active in a phase falls back on the plan.
    pub fn held(course: &Course, editing: Option<&TherapySession>, number: SessionNumber) -> Self {
        if let Some(saved) = editing {
            return saved.phase.clone();
        }
        match course.status.phase() {
            Some(phase) => Self {
                phase,
                override_reason: None,
            },
            None => Self::derived(&course.phase_plan, number),
        }
    }

    /// The course's phase, when `phase` comes after it: a session cannot be held in a phase
    /// the course has not reached.
    pub fn after_course(course: &Course, phase: Phase) -> Option<Phase> {
        let now = course.status.phase()?;
        let order: &[Phase] = if now == Phase::Maintenance || phase == Phase::Maintenance {
            &[Phase::Maintenance, Phase::Termination]
        } else {
            &[Phase::Initial, Phase::Middle, Phase::Termination]
        };
        let at = |p: Phase| order.iter().position(|q| *q == p);
        match (at(now), at(phase)) {
            (Some(i), Some(j)) if j > i => Some(now),
            _ => None,
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
    /// Checks that hold across fields: the first one broken.
    pub fn check(&self) -> Result<(), SessionError> {
        next_date_after(self.date, self.next_date)?;
        techniques_need_attendance(
            self.attendance,
            !self.techniques.is_empty() || !self.strategies.is_empty(),
        )
    }
}

/// The next session comes after this one.
fn next_date_after(date: Date, next: Option<Date>) -> Result<(), SessionError> {
    match next {
        Some(next) if next <= date => Err(SessionError::NextDateNotAfter { date, next }),
        _ => Ok(()),
    }
}

/// Techniques and strategies are recorded only for a session that took place.
fn techniques_need_attendance(attendance: Attendance, worked: bool) -> Result<(), SessionError> {
    if attendance != Attendance::Attended && worked {
        return Err(SessionError::TechniquesWithoutAttendance);
    }
    Ok(())
}

/// The next session planned: the date set at the most recent session, while the course is
/// open. An earlier session's "next date" was superseded by the session held since, and once
/// the contract's last session has been held there is no next session. The caseload shows it
/// even when it has passed (a session that did not happen, or is not written up yet).
pub fn next_planned(
    sessions: &[TherapySession],
    course_open: bool,
    planned_sessions: u16,
) -> Option<Date> {
    if sessions_complete(sessions, course_open, planned_sessions) {
        return None;
    }
    sessions
        .iter()
        .max_by_key(|s| (s.date, s.number.get()))?
        .next_date
}

/// The contract's sessions have all been held, or the course is over: there is no next session
/// to plan.
pub fn sessions_complete(
    sessions: &[TherapySession],
    course_open: bool,
    planned_sessions: u16,
) -> bool {
    !course_open
        || sessions
            .iter()
            .max_by_key(|s| (s.date, s.number.get()))
            .is_some_and(|latest| latest.number.get() >= planned_sessions)
}

/// The next session as the patient is told of it: the planned one, if it is still to come.
pub fn upcoming(
    sessions: &[TherapySession],
    course_open: bool,
    planned_sessions: u16,
    today: Date,
) -> Option<Date> {
    next_planned(sessions, course_open, planned_sessions).filter(|d| *d >= today)
}

/// A session as a door gives it: what was typed, as text and codes, read once by the core
/// (`SessionInput::read`). A field not given is `None`: a new session then takes the next free
/// number, today, the format's usual modality and "attended", and a corrected session keeps its
/// number and date. A field given empty (`Some("")`) is empty: a number or a date is then
/// required. The field names are the ones every door uses (form fields, JSON members).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionInput {
    pub number: Option<String>,
    pub date: Option<String>,
    /// A phase other than the one the plan gives the number needs a reason.
    pub phase: Option<String>,
    pub phase_override_reason: Option<String>,
    pub modality: Option<String>,
    pub attendance: Option<String>,
    pub special: Option<String>,
    /// The patient's 0–10 mood rating at this session.
    pub mood: Option<String>,
    pub interval_events: String,
    pub strategies: Vec<String>,
    pub techniques: Vec<String>,
    pub tasks_done: Vec<String>,
    pub checklist: Vec<String>,
    pub agreed_actions: String,
    pub risk_reviewed: bool,
    pub risk_concern: bool,
    pub risk_note: String,
    pub notes: String,
    pub next_date: Option<String>,
}

/// What a session is read against: its course and the course's format, the sessions already
/// recorded, the session being corrected (as the user opened it: its version is the one the
/// change is based on), and today.
#[derive(Debug, Clone, Copy)]
pub struct SessionContext<'a> {
    pub course: &'a Course,
    pub protocol: &'a Protocol,
    pub held: &'a [TherapySession],
    pub editing: Option<&'a TherapySession>,
    pub today: Date,
}

impl SessionContext<'_> {
    /// The number a new session takes when none is given: the one after the highest recorded.
    pub fn next_number(&self) -> u16 {
        self.held
            .iter()
            .map(|s| s.number.get() + 1)
            .max()
            .unwrap_or(1)
            .min(SessionNumber::MAX)
    }
}

impl SessionInput {
    /// Read the input into a session (with `id` if it is new) and its mood rating, or name
    /// every field that is wrong: its own rules, and its course's (a started, open course for a
    /// new session, a date within the course and not after today, a kind and a phase the format
    /// has, a number not already recorded).
    pub fn read(
        &self,
        id: SessionId,
        cx: &SessionContext<'_>,
    ) -> Result<(TherapySession, Option<u8>), Vec<FieldError>> {
        let mut r = Refusals::new();
        let id = cx.editing.map(|e| e.id).unwrap_or(id);
        let number = match &self.number {
            None => Some(
                cx.editing
                    .map(|e| e.number.get())
                    .unwrap_or_else(|| cx.next_number()),
            ),
            Some(raw) => r
                .take(
                    input::whole_number("number", Some(raw), 0, i64::from(SessionNumber::MAX))
                        .and_then(|n| input::required("number", n)),
                )
                .map(|n| n as u16),
        }
        .and_then(|n| SessionNumber::new(n).ok());
        if let Some(n) = number
            && cx.held.iter().any(|s| s.number == n && s.id != id)
        {
            r.push(
                FieldError::new("number", Code::SessionNumberTaken).number("n", i64::from(n.get())),
            );
        }
        let date = match &self.date {
            None => Some(cx.editing.map(|e| e.date).unwrap_or(cx.today)),
            Some(raw) => r.take(input::required_date("date", Some(raw))),
        };
        let attendance = match &self.attendance {
            None => Some(Attendance::Attended),
            Some(raw) => r.take(
                input::choice("attendance", Some(raw), Attendance::parse)
                    .and_then(|a| input::required("attendance", a)),
            ),
        };
        let modality = match &self.modality {
            None => Some(cx.protocol.default_modality),
            Some(raw) => r.take(
                input::choice("modality", Some(raw), Modality::parse)
                    .and_then(|m| input::required("modality", m)),
            ),
        };
        let chosen_phase = r.take(input::choice("phase", self.phase.as_deref(), Phase::parse));
        let phase = match (number, chosen_phase) {
            (Some(n), Some(chosen)) => {
                let derived = SessionPhase::held(cx.course, cx.editing, n);
                match chosen {
                    // Choosing the derived phase is no override.
                    None => Some(derived),
                    Some(p) if p == derived.phase => Some(derived),
                    Some(p) => {
                        let ahead = SessionPhase::after_course(cx.course, p);
                        if let Some(now) = ahead {
                            r.push(
                                FieldError::new("phase", Code::SessionPhaseAhead)
                                    .text("phase", now.code()),
                            );
                            None
                        } else {
                            r.take(
                                SessionPhase::overridden(
                                    p,
                                    self.phase_override_reason.as_deref().unwrap_or(""),
                                )
                                .map_err(FieldError::from),
                            )
                        }
                    }
                }
            }
            _ => None,
        };
        let special = r.take(input::choice(
            "special",
            self.special.as_deref(),
            SpecialSession::parse,
        ));
        let techniques = r.take(input::choices(
            "techniques",
            &self.techniques,
            Technique::parse,
        ));
        let strategies = r.take(input::choices(
            "strategies",
            &self.strategies,
            input::serde_code::<Strategy>,
        ));
        let tasks_done = r.take(input::choices(
            "tasks_done",
            &self.tasks_done,
            PhaseTask::parse,
        ));
        let checklist = r.take(input::choices(
            "checklist",
            &self.checklist,
            input::serde_code::<ChecklistItem>,
        ));
        let next_date = r.take(input::date("next_date", self.next_date.as_deref()));
        // The session's free text: a wrong character is named now; the text is read again
        // below (`input::text`) only once every check has passed.
        for (field, raw) in [
            ("interval_events", &self.interval_events),
            ("agreed_actions", &self.agreed_actions),
            ("risk_note", &self.risk_note),
            ("notes", &self.notes),
        ] {
            r.take(input::long_text(field, raw));
        }
        if let Some(reason) = &self.phase_override_reason {
            r.take(input::bounded_text(
                "phase_override_reason",
                reason,
                input::LONG_TEXT,
            ));
        }
        let mood = r
            .take(input::whole_number("mood", self.mood.as_deref(), 0, 10))
            .flatten()
            .map(|m| m as u8);
        // The rules across fields, wherever both fields could be read.
        if let (Some(date), Some(Some(next))) = (date, next_date) {
            r.extend(
                next_date_after(date, Some(next))
                    .err()
                    .map(FieldError::from),
            );
        }
        if let Some(attendance) = attendance {
            let worked = !self.techniques.is_empty() || !self.strategies.is_empty();
            r.extend(
                techniques_need_attendance(attendance, worked)
                    .err()
                    .map(FieldError::from),
            );
        }
        let (
            Some(number),
            Some(date),
            Some(phase),
            Some(modality),
            Some(attendance),
            Some(special),
            Some(next_date),
            Some(strategies),
            Some(techniques),
            Some(tasks_done),
            Some(checklist),
        ) = (
            number, date, phase, modality, attendance, special, next_date, strategies, techniques,
            tasks_done, checklist,
        )
        else {
            return Err(r.into_vec());
        };
        let session = TherapySession {
            id,
            course: cx.course.id,
            number,
            date,
            phase,
            modality,
            attendance,
            special,
            techniques,
            strategies,
            tasks_done,
            checklist,
            interval_events: input::text(&self.interval_events),
            agreed_actions: input::text(&self.agreed_actions),
            // A recorded concern means risk was reviewed.
            risk_review: RiskReview {
                reviewed: self.risk_reviewed || self.risk_concern,
                concern: self.risk_concern,
                note: input::text(&self.risk_note),
            },
            notes: input::text(&self.notes),
            next_date,
            version: cx.editing.map(|e| e.version).unwrap_or(0),
        };
        // The course's rules, once the session's own hold.
        r.finish()?;
        let refused = session.course_refusals(cx);
        if !refused.is_empty() {
            return Err(refused);
        }
        Ok((session, mood))
    }
}

impl TherapySession {
    /// The course's rules for this session: a new one needs a started, open course; any is
    /// dated within the course and not after today, of a kind and in a phase the format has.
    pub fn course_refusals(&self, cx: &SessionContext<'_>) -> Vec<FieldError> {
        let mut refused = vec![];
        let dated = if cx.editing.is_none() {
            cx.course.check_new_session(self.date, cx.today)
        } else {
            cx.course.check_session_date(self.date, cx.today)
        };
        refused.extend(dated.err());
        if let Err(kind) = cx
            .course
            .check_session_kind(cx.protocol, self.special, self.phase.phase)
        {
            refused.extend(kind);
        }
        refused
    }
}

impl From<SessionError> for FieldError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::NumberOutOfRange(_) => FieldError::new("number", Code::NumberOutOfRange)
                .number("min", 0)
                .number("max", i64::from(SessionNumber::MAX)),
            SessionError::OverrideNeedsReason => {
                FieldError::new("phase_override_reason", Code::PhaseOverrideNeedsReason)
            }
            SessionError::NextDateNotAfter { date, .. } => {
                FieldError::new("next_date", Code::NextDateNotAfter).date("date", date)
            }
            SessionError::TechniquesWithoutAttendance => {
                FieldError::new("techniques", Code::TechniquesWithoutAttendance)
            }
        }
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

    /// Finding 5 of #14: a session's phase is its course's phase when it was held, not the
    /// plan's for its number; it can never be ahead of the course.
    #[test]
    fn a_session_is_in_the_phase_its_course_is_in() {
        let cat = crate::protocol::ProtocolCatalogue::default();
        let p = cat.get(crate::protocol::Format::Individual);
        let mut c = Course::new(
            CourseId::from_uuid(uuid::Uuid::nil()),
            crate::ids::PatientId::from_uuid(uuid::Uuid::nil()),
            crate::ids::UserId::from_uuid(uuid::Uuid::nil()),
            p,
            time::macros::date!(2026 - 01 - 05),
        );
        c.status = crate::course::CourseStatus::Active(Phase::Initial);
        // Session 5 would be "middle" by the plan; the course is still initial.
        let n = SessionNumber::new(5).unwrap();
        assert_eq!(SessionPhase::held(&c, None, n).phase, Phase::Initial);
        assert_eq!(
            SessionPhase::after_course(&c, Phase::Middle),
            Some(Phase::Initial)
        );
        assert_eq!(SessionPhase::after_course(&c, Phase::Initial), None);
        c.status = crate::course::CourseStatus::Active(Phase::Middle);
        assert_eq!(SessionPhase::held(&c, None, n).phase, Phase::Middle);
        assert_eq!(SessionPhase::after_course(&c, Phase::Initial), None);
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

    fn held(n: u16, date: Date, next: Option<Date>) -> TherapySession {
        TherapySession {
            id: SessionId::from_uuid(uuid::Uuid::from_u128(u128::from(n))),
            course: CourseId::from_uuid(uuid::Uuid::nil()),
            number: SessionNumber::new(n).unwrap(),
            date,
            phase: SessionPhase {
                phase: Phase::Middle,
                override_reason: None,
            },
            modality: Modality::InPerson,
            attendance: Attendance::Attended,
            special: None,
            techniques: vec![],
            strategies: vec![],
            tasks_done: vec![],
            checklist: vec![],
            interval_events: String::new(),
            agreed_actions: String::new(),
            risk_review: RiskReview::default(),
            notes: String::new(),
            next_date: next,
            version: 1,
        }
    }

    #[test]
    fn the_next_session_is_the_one_set_at_the_latest_session() {
        use time::macros::date;
        let today = date!(2026 - 12 - 01);
        let s10 = held(10, date!(2026 - 11 - 17), Some(date!(2026 - 12 - 08)));
        let s11 = held(11, date!(2026 - 11 - 24), Some(date!(2026 - 12 - 15)));
        assert_eq!(
            upcoming(&[s10.clone(), s11.clone()], true, 12, today),
            Some(date!(2026 - 12 - 15)),
            "the latest session's date, not the earliest still to come"
        );
        assert_eq!(
            upcoming(&[s10.clone(), s11.clone()], false, 12, today),
            None,
            "closed"
        );
        let last = held(12, date!(2026 - 11 - 30), None);
        assert_eq!(
            upcoming(&[s10.clone(), s11.clone(), last], true, 12, today),
            None,
            "after the last session an earlier session's next date is not announced"
        );
        let last_with_date = held(12, date!(2026 - 11 - 30), Some(date!(2026 - 12 - 07)));
        assert_eq!(
            upcoming(&[s11, last_with_date], true, 12, today),
            None,
            "contract done"
        );
        let past = held(5, date!(2026 - 11 - 01), Some(date!(2026 - 11 - 08)));
        assert_eq!(
            upcoming(std::slice::from_ref(&past), true, 12, today),
            None,
            "a date gone by"
        );
        assert_eq!(
            next_planned(&[past], true, 12),
            Some(date!(2026 - 11 - 08)),
            "the caseload still shows it"
        );
        assert_eq!(upcoming(&[], true, 12, today), None);
    }
}
