//! The Course aggregate: one episode of IPT for one patient, and the state machine that moves
//! it through its phases.
//!
//! A phase changes only through a guarded transition (ARCHITECTURE "state machine, not flags").
//! The guards are the clinical hand-offs of the reference: the middle phase starts once the
//! formulation has been explicitly accepted and a contract agreed (§3.5, §1.1 tasks 8–9), and a
//! course completes with end measures repeated and a written relapse-prevention plan (§1.1,
//! termination tasks). A refused transition names every unmet guard, not just the first.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ids::{CourseId, GoalId, PatientId, UserId};
pub use crate::indication::DepressionSeverity;
use crate::indication::IndicationRecord;
use crate::problem_area::{AreaKind, FocusAreas};
use crate::protocol::{Format, Frequency, Gates, Phase, PhasePlan, Protocol, ProtocolError};
use crate::rule::{self, FieldError};
use crate::safety::{MedicationChange, SafetyPlan};

/// Why a course ended before completion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum EndReason {
    Dropout,
    ReferredOn,
    Other(String),
}

impl EndReason {
    /// Every reason's code, in the order the forms offer them.
    pub const CODES: [&'static str; 3] = ["dropout", "referred_on", "other"];

    pub fn code(&self) -> &'static str {
        match self {
            Self::Dropout => "dropout",
            Self::ReferredOn => "referred_on",
            Self::Other(_) => "other",
        }
    }

    /// Parse a reason code; "other" needs a short explanation.
    pub fn parse(code: &str, detail: &str) -> Result<Self, CourseError> {
        match code.trim() {
            "dropout" => Ok(Self::Dropout),
            "referred_on" => Ok(Self::ReferredOn),
            "other" if detail.trim().is_empty() => Err(CourseError::OtherReasonNeedsDetail),
            "other" => Ok(Self::Other(detail.trim().to_string())),
            other => Err(CourseError::UnknownEndReason(other.to_string())),
        }
    }
}

/// Where a course stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "detail")]
pub enum CourseStatus {
    /// Referred, not yet started.
    Referred,
    /// In treatment, in this phase.
    Active(Phase),
    /// Finished as planned.
    Completed,
    /// Finished the acute course and continued in maintenance IPT.
    ContinuedInMaintenance,
    /// Ended before completion.
    EndedEarly(EndReason),
}

impl CourseStatus {
    /// Every status's code, in the order a course moves through them.
    pub const CODES: [&'static str; 8] = [
        "referred",
        "initial",
        "middle",
        "termination",
        "maintenance_phase",
        "completed",
        "maintenance",
        "ended_early",
    ];

    /// A short code: referred, initial, middle, termination, maintenance_phase, completed,
    /// maintenance, ended_early.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Referred => "referred",
            Self::Active(Phase::Initial) => "initial",
            Self::Active(Phase::Middle) => "middle",
            Self::Active(Phase::Termination) => "termination",
            Self::Active(Phase::Maintenance) => "maintenance_phase",
            Self::Completed => "completed",
            Self::ContinuedInMaintenance => "maintenance",
            Self::EndedEarly(_) => "ended_early",
        }
    }

    pub fn parse(code: &str, end_reason: Option<EndReason>) -> Option<Self> {
        Some(match code {
            "referred" => Self::Referred,
            "initial" => Self::Active(Phase::Initial),
            "middle" => Self::Active(Phase::Middle),
            "termination" => Self::Active(Phase::Termination),
            "maintenance_phase" => Self::Active(Phase::Maintenance),
            "completed" => Self::Completed,
            "maintenance" => Self::ContinuedInMaintenance,
            "ended_early" => Self::EndedEarly(end_reason?),
            _ => return None,
        })
    }

    pub fn is_open(&self) -> bool {
        matches!(self, Self::Referred | Self::Active(_))
    }

    pub fn phase(&self) -> Option<Phase> {
        match self {
            Self::Active(p) => Some(*p),
            _ => None,
        }
    }
}

impl fmt::Display for CourseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Referred => f.write_str("referred"),
            Self::Active(p) => f.write_str(p.label()),
            Self::Completed => f.write_str("completed"),
            Self::ContinuedInMaintenance => f.write_str("continued in maintenance"),
            Self::EndedEarly(r) => write!(f, "ended early ({})", r.code()),
        }
    }
}

/// The clinician's diagnosis. The software records it; it never makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// In the clinician's words, e.g. "Major depressive disorder, single episode (F32.1)".
    pub statement: String,
    pub severity: DepressionSeverity,
    pub recorded_on: Date,
}

impl Diagnosis {
    pub fn new(
        statement: &str,
        severity: DepressionSeverity,
        recorded_on: Date,
    ) -> Result<Self, CourseError> {
        let statement = statement.trim();
        if statement.is_empty() {
            return Err(CourseError::EmptyDiagnosis);
        }
        Ok(Self {
            statement: statement.to_string(),
            severity,
            recorded_on,
        })
    }
}

/// The diagnosis as a door was given it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiagnosisInput {
    pub statement: String,
    pub severity: Option<String>,
    pub recorded_on: Option<String>,
}

impl DiagnosisInput {
    /// The statement (at most `SHORT_TEXT` characters) and a severity are required; the date is
    /// today when not given and never after today.
    pub fn read(&self, today: Date) -> Result<Diagnosis, Vec<FieldError>> {
        use crate::input::{self, Refusals};
        let mut r = Refusals::new();
        let statement = r
            .take(input::bounded_text(
                "statement",
                &self.statement,
                input::SHORT_TEXT,
            ))
            .filter(|s| {
                if s.is_empty() {
                    r.push(FieldError::new("statement", rule::Code::Required));
                }
                !s.is_empty()
            });
        let severity = r.take(
            input::choice(
                "severity",
                self.severity.as_deref(),
                DepressionSeverity::parse,
            )
            .and_then(|s| input::required("severity", s)),
        );
        let recorded_on = r.take(input::record_date(
            "recorded_on",
            self.recorded_on.as_deref(),
            today,
        ));
        match (statement, severity, recorded_on) {
            (Some(statement), Some(severity), Some(recorded_on)) if r.is_empty() => Ok(Diagnosis {
                statement,
                severity,
                recorded_on,
            }),
            _ => Err(r.into_vec()),
        }
    }
}

/// The treatment contract (reference §1.1 task 9): how many sessions, how often, until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub sessions: u16,
    pub frequency: Frequency,
    pub end_date: Date,
    pub agreed_on: Date,
}

impl Contract {
    /// The last session comes after the day the contract was agreed.
    pub fn check_end(end_date: Date, agreed_on: Date) -> Result<(), FieldError> {
        if end_date <= agreed_on {
            return Err(
                FieldError::new("end_date", crate::rule::Code::EndNotAfterAgreement)
                    .date("agreed", agreed_on),
            );
        }
        Ok(())
    }

    /// The sessions fit between the course's start and the last session at the agreed
    /// frequency: `n` sessions need `n − 1` intervals (a month taken as four weeks). A contract
    /// that cannot be kept is refused with the earliest end that could (`earliest`).
    pub fn check_fits(
        started_on: Date,
        sessions: u16,
        frequency: Frequency,
        end_date: Date,
    ) -> Result<(), FieldError> {
        let span = i64::from(sessions.saturating_sub(1)) * frequency.min_days_between();
        let earliest = started_on + time::Duration::days(span);
        if end_date < earliest {
            return Err(
                FieldError::new("end_date", crate::rule::Code::ContractDoesNotFit)
                    .number("sessions", i64::from(sessions))
                    .text("frequency", frequency.code())
                    .date("earliest", earliest),
            );
        }
        Ok(())
    }

    /// What a clinician should look at again in an accepted contract, as coded warnings: an
    /// acute course (any format but maintenance) agreed at a pace other than weekly. Acute IPT
    /// is delivered weekly and maintenance IPT monthly (reference §1.1, §1.2); a slower acute
    /// pace is allowed (a patient's availability, say) but is not the protocol's dose.
    pub fn warnings(&self, format: Format) -> Vec<FieldError> {
        let mut out = vec![];
        if format != Format::Maintenance && self.frequency != Frequency::Weekly {
            out.push(
                FieldError::new("frequency", crate::rule::Code::AcuteNotWeekly)
                    .text("frequency", self.frequency.code())
                    .text("format", format.code()),
            );
        }
        out
    }

    /// A contract must fit the format's session range and end after it was agreed.
    pub fn new(
        protocol: &Protocol,
        sessions: u16,
        frequency: Frequency,
        end_date: Date,
        agreed_on: Date,
    ) -> Result<Self, CourseError> {
        protocol.check_session_count(sessions)?;
        Self::check_end(end_date, agreed_on).map_err(CourseError::Refused)?;
        Ok(Self {
            sessions,
            frequency,
            end_date,
            agreed_on,
        })
    }
}

/// The contract as a door was given it: the number of sessions, the frequency's code, the date
/// of the last session and the day it was agreed (today when not given or left empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractInput {
    pub sessions: Option<String>,
    pub frequency: Option<String>,
    pub end_date: Option<String>,
    pub agreed_on: Option<String>,
}

impl ContractInput {
    /// The number of sessions must lie in the format's range (`min`..=`max`), the contract is
    /// agreed between the course's start and today, and its last session comes after that day.
    pub fn read(
        &self,
        course: &Course,
        protocol: &Protocol,
        today: Date,
    ) -> Result<Contract, Vec<FieldError>> {
        use crate::input::{self, Refusals};
        let mut r = Refusals::new();
        let sessions = r
            .take(
                input::whole_number(
                    "sessions",
                    self.sessions.as_deref(),
                    i64::from(protocol.min_sessions),
                    i64::from(protocol.max_sessions),
                )
                .and_then(|n| input::required("sessions", n)),
            )
            .and_then(|n| u16::try_from(n).ok());
        let frequency = r.take(
            input::choice("frequency", self.frequency.as_deref(), Frequency::parse)
                .and_then(|f| input::required("frequency", f)),
        );
        let end_date = r.take(input::required_date("end_date", self.end_date.as_deref()));
        let agreed_on = r
            .take(input::date("agreed_on", self.agreed_on.as_deref()))
            .map(|d| d.unwrap_or(today))
            .and_then(|a| r.take(course.check_contract_agreed_on(a, today)).map(|_| a));
        // One refusal for the end date: after the agreement first, then room for the sessions.
        let end_after_agreement = match (end_date, agreed_on) {
            (Some(end), Some(agreed)) => r.take(Contract::check_end(end, agreed)).is_some(),
            _ => true,
        };
        if let (true, Some(n), Some(f), Some(end)) =
            (end_after_agreement, sessions, frequency, end_date)
        {
            r.take(Contract::check_fits(course.started_on, n, f, end));
        }
        match (sessions, frequency, end_date, agreed_on) {
            (Some(sessions), Some(frequency), Some(end_date), Some(agreed_on)) if r.is_empty() => {
                Ok(Contract {
                    sessions,
                    frequency,
                    end_date,
                    agreed_on,
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

/// The formulation as a door was given it. A door that does not carry the patient's own
/// wording (`None`) keeps the wording already saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormulationInput {
    pub text: String,
    pub accepted_on: Option<String>,
    pub patient_wording: Option<String>,
}

impl FormulationInput {
    /// The text is required (at most `Formulation::MAX_TEXT_CHARS`), the acceptance date is
    /// optional and never after today, the patient's wording at most
    /// `Formulation::MAX_PATIENT_WORDING_CHARS`.
    pub fn read(
        &self,
        saved: Option<&Formulation>,
        today: Date,
    ) -> Result<Formulation, Vec<FieldError>> {
        use crate::input::{self, Refusals};
        let mut r = Refusals::new();
        let text = r
            .take(input::bounded_text(
                "text",
                &self.text,
                Formulation::MAX_TEXT_CHARS,
            ))
            .filter(|t| {
                if t.is_empty() {
                    r.push(FieldError::new("text", rule::Code::Required));
                }
                !t.is_empty()
            });
        let accepted_on = r
            .take(input::date("accepted_on", self.accepted_on.as_deref()))
            .and_then(|d| match d {
                Some(d) => r
                    .take(rule::not_after_today("accepted_on", d, today))
                    .map(|_| Some(d)),
                None => Some(None),
            });
        let wording = match &self.patient_wording {
            None => Some(saved.map(|f| f.patient_wording.clone()).unwrap_or_default()),
            Some(w) => r.take(input::bounded_text(
                "patient_wording",
                w,
                Formulation::MAX_PATIENT_WORDING_CHARS,
            )),
        };
        match (text, accepted_on, wording) {
            (Some(text), Some(accepted_on), Some(patient_wording)) if r.is_empty() => {
                Ok(Formulation {
                    text,
                    accepted_on,
                    patient_wording,
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

/// The interpersonal formulation (reference §3.5): a short statement shared with the patient.
/// Its explicit acceptance is the hand-off into the middle phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Formulation {
    pub text: String,
    pub accepted_on: Option<Date>,
    /// The formulation as the patient put it in their own words, shown on their portal. Empty
    /// until written; the portal then shows the clinician's text.
    #[serde(default)]
    pub patient_wording: String,
}

impl Formulation {
    pub fn new(text: &str, accepted_on: Option<Date>) -> Result<Self, CourseError> {
        if text.trim().is_empty() {
            return Err(CourseError::EmptyFormulation);
        }
        Ok(Self {
            text: text.trim().to_string(),
            accepted_on,
            patient_wording: String::new(),
        })
    }

    /// The same formulation with the patient's own wording (bounded like the text).
    pub fn with_patient_wording(mut self, wording: &str) -> Result<Self, CourseError> {
        let w = wording.trim();
        if w.chars().count() > Self::MAX_PATIENT_WORDING_CHARS {
            return Err(CourseError::PatientWordingTooLong(
                Self::MAX_PATIENT_WORDING_CHARS,
            ));
        }
        self.patient_wording = w.to_string();
        Ok(self)
    }

    pub const MAX_PATIENT_WORDING_CHARS: usize = 4000;
    /// A formulation is a short statement; this bounds a paste gone wrong.
    pub const MAX_TEXT_CHARS: usize = 8000;

    /// What the patient sees: their own wording when written, else the agreed text.
    pub fn for_patient(&self) -> &str {
        if self.patient_wording.is_empty() {
            &self.text
        } else {
            &self.patient_wording
        }
    }

    pub fn is_accepted(&self) -> bool {
        self.accepted_on.is_some()
    }
}

/// The written relapse-prevention plan made in termination (reference §1.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RelapsePreventionPlan {
    pub warning_signs: String,
    pub triggers: String,
    pub coping: String,
    pub supports: String,
    /// When to seek help, and where (which service, which number).
    pub seek_help: String,
    pub written_on: Option<Date>,
}

impl RelapsePreventionPlan {
    /// A plan is complete when it names warning signs and where to seek help: the two parts a
    /// patient needs on a bad day.
    pub fn check(&self) -> Result<(), CourseError> {
        let mut missing = vec![];
        if self.warning_signs.trim().is_empty() {
            missing.push("warning signs");
        }
        if self.seek_help.trim().is_empty() {
            missing.push("when and where to seek help");
        }
        if self.written_on.is_none() {
            missing.push("the date it was written");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(CourseError::IncompleteRelapsePlan(missing.join(", ")))
        }
    }
}

/// What happens after the acute course (reference §1.1, termination tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceChoice {
    /// No further treatment planned.
    NoFurtherTreatment,
    /// Maintenance IPT (IPT-M).
    MaintenanceIpt,
    /// Continue or start medication.
    Medication,
    /// IPT-M with medication.
    Combined,
    /// Non-response path: refer on or change treatment.
    ReferOrChange,
}

impl MaintenanceChoice {
    pub const ALL: [MaintenanceChoice; 5] = [
        Self::NoFurtherTreatment,
        Self::MaintenanceIpt,
        Self::Medication,
        Self::Combined,
        Self::ReferOrChange,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::NoFurtherTreatment => "no_further_treatment",
            Self::MaintenanceIpt => "maintenance_ipt",
            Self::Medication => "medication",
            Self::Combined => "combined",
            Self::ReferOrChange => "refer_or_change",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
    pub fn continues_in_maintenance_ipt(self) -> bool {
        matches!(self, Self::MaintenanceIpt | Self::Combined)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceDecision {
    pub choice: MaintenanceChoice,
    pub rationale: String,
    pub decided_on: Date,
}

/// What was reviewed and said in the termination phase (reference §1.1, termination tasks):
/// the gains, credited to the patient; feelings about ending; and, when treatment did not help
/// enough, the alternatives considered (the treatment failed, not the patient).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TerminationReview {
    pub gains: String,
    pub feelings_about_ending: String,
    pub non_response_plan: String,
    pub reviewed_on: Option<Date>,
}

/// A treatment goal, tied to a focus area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: GoalId,
    pub area: AreaKind,
    pub description: String,
    /// Self- or clinician-rated progress, 0–10.
    pub progress: Option<u8>,
    pub status: GoalStatus,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    Open,
    Achieved,
    Dropped,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 3] = [Self::Open, Self::Achieved, Self::Dropped];
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Achieved => "achieved",
            Self::Dropped => "dropped",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

impl Goal {
    pub fn check(&self) -> Result<(), FieldError> {
        if self.description.trim().is_empty() {
            return Err(FieldError::new("description", rule::Code::Required));
        }
        if let Some(p) = self.progress
            && p > 10
        {
            return Err(FieldError::new("progress", rule::Code::NumberOutOfRange)
                .number("min", 0)
                .number("max", 10));
        }
        Ok(())
    }
}

/// A goal as a door gives it (see `crate::input`). Adding needs an area; a correction keeps
/// the goal's area and status unless others are given. Progress is 0–10, empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoalInput {
    pub area: Option<String>,
    pub description: String,
    pub progress: Option<String>,
    pub status: Option<String>,
}

impl GoalInput {
    /// Read the input into a goal: a new one with `id`, or a correction of `editing`.
    pub fn read(&self, id: GoalId, editing: Option<&Goal>) -> Result<Goal, Vec<FieldError>> {
        use crate::input::{self, Refusals};
        let mut r = Refusals::new();
        let area = match (&self.area, editing) {
            (None, Some(g)) => Some(g.area),
            (raw, _) => r.take(
                input::choice("area", raw.as_deref(), |c| AreaKind::parse(c).ok())
                    .and_then(|a| input::required("area", a)),
            ),
        };
        let description = match input::long_text("description", &self.description) {
            Ok(d) if d.is_empty() => {
                r.push(FieldError::new("description", rule::Code::Required));
                d
            }
            Ok(d) => d,
            Err(e) => {
                r.push(e);
                String::new()
            }
        };
        let progress = r
            .take(input::whole_number(
                "progress",
                self.progress.as_deref(),
                0,
                10,
            ))
            .flatten()
            .map(|p| p as u8);
        let status = match (&self.status, editing) {
            (None, Some(g)) => Some(g.status),
            (None, None) => Some(GoalStatus::Open),
            (Some(raw), _) => r.take(
                input::choice("status", Some(raw), GoalStatus::parse)
                    .and_then(|st| input::required("status", st)),
            ),
        };
        // A field that could not be read has its refusal noted, so none is ever empty.
        match (area, status) {
            (Some(area), Some(status)) if r.is_empty() => Ok(Goal {
                id: editing.map(|g| g.id).unwrap_or(id),
                area,
                description,
                progress,
                status,
                version: editing.map(|g| g.version).unwrap_or(0),
            }),
            _ => Err(r.into_vec()),
        }
    }
}

/// Facts from outside the course row that the guards need (counted by the app from storage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CourseFacts {
    pub inventory_people: usize,
    /// Events on the interpersonal timeline.
    pub timeline_events: usize,
    /// A final score of a depression measure (the format's main one, or another such as the
    /// PHQ-9) is on file: `Protocol::is_baseline_measure`.
    pub baseline_measure_recorded: bool,
    /// Attended sessions held in the middle phase.
    pub middle_sessions_attended: u16,
    pub end_measure_recorded: bool,
    /// The main measure, baseline against latest, shows no reliable improvement (or, for an
    /// instrument without a reliable-change index, no response).
    pub main_measure_not_improved: bool,
    /// Risk alerts of the patient not yet acknowledged by a clinician.
    pub open_risk_alerts: usize,
}

/// A condition a transition needs. Its Display is the message a clinician reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    DiagnosisRecorded,
    InventoryHasPerson,
    TimelineHasEvent,
    BaselineMeasureRecorded,
    FocusAreasChosen,
    FormulationAccepted,
    ContractAgreed,
    /// The protocol's minimum of attended middle-phase sessions before the termination phase.
    MiddleSessionsHeld,
    EndMeasureRecorded,
    RelapsePlanWritten,
    /// A course whose main measure has not improved is completed only with the next step
    /// written down (reference §1.1, non-response: alternatives reviewed).
    NonResponseNextStep,
    MaintenanceIptDecided,
    /// No course ends while a risk alert of its patient waits: a positive risk answer or a
    /// recorded concern is seen and acted on first.
    RiskAlertsAcknowledged,
}

impl Guard {
    pub const ALL: [Guard; 13] = [
        Self::DiagnosisRecorded,
        Self::InventoryHasPerson,
        Self::TimelineHasEvent,
        Self::BaselineMeasureRecorded,
        Self::FocusAreasChosen,
        Self::FormulationAccepted,
        Self::ContractAgreed,
        Self::MiddleSessionsHeld,
        Self::EndMeasureRecorded,
        Self::RelapsePlanWritten,
        Self::NonResponseNextStep,
        Self::MaintenanceIptDecided,
        Self::RiskAlertsAcknowledged,
    ];

    /// The stable code the API and the catalogues use (`diagnosis_recorded` …).
    pub fn code(self) -> &'static str {
        match self {
            Self::DiagnosisRecorded => "diagnosis_recorded",
            Self::InventoryHasPerson => "inventory_has_person",
            Self::TimelineHasEvent => "timeline_has_event",
            Self::BaselineMeasureRecorded => "baseline_measure_recorded",
            Self::FocusAreasChosen => "focus_areas_chosen",
            Self::FormulationAccepted => "formulation_accepted",
            Self::ContractAgreed => "contract_agreed",
            Self::MiddleSessionsHeld => "middle_sessions_held",
            Self::EndMeasureRecorded => "end_measure_recorded",
            Self::RelapsePlanWritten => "relapse_plan_written",
            Self::NonResponseNextStep => "non_response_next_step",
            Self::MaintenanceIptDecided => "maintenance_ipt_decided",
            Self::RiskAlertsAcknowledged => "risk_alerts_acknowledged",
        }
    }
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DiagnosisRecorded => "record the diagnosis",
            Self::InventoryHasPerson => "add at least one person to the interpersonal inventory",
            Self::TimelineHasEvent => "add at least one event to the interpersonal timeline",
            Self::BaselineMeasureRecorded => {
                "record a baseline score of a depression questionnaire"
            }
            Self::FocusAreasChosen => "choose one or two focus areas",
            Self::FormulationAccepted => "record the date the patient accepted the formulation",
            Self::ContractAgreed => {
                "agree the contract (number of sessions, frequency and end date)"
            }
            Self::MiddleSessionsHeld => {
                "hold the protocol's minimum of middle-phase sessions first (or end the course early)"
            }
            Self::EndMeasureRecorded => "record an end-of-treatment measure",
            Self::RelapsePlanWritten => {
                "write the relapse-prevention plan (warning signs and where to seek help)"
            }
            Self::NonResponseNextStep => {
                "the main questionnaire shows no reliable improvement: write the next step (alternatives reviewed) in the termination review"
            }
            Self::MaintenanceIptDecided => "record a maintenance decision for maintenance IPT",
            Self::RiskAlertsAcknowledged => {
                "acknowledge the patient's open risk alert, with the action taken, before the course ends"
            }
        })
    }
}

/// One choice of focus: the areas (a dispute with its stage), when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusChoice {
    pub areas: FocusAreas,
    pub chosen_on: Date,
    pub reason: String,
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a course cannot move from {from} to {to}")]
    NotAllowed {
        from: CourseStatus,
        to: CourseStatus,
    },
    #[error("before moving to {to}: {}", unmet.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Unmet { to: CourseStatus, unmet: Vec<Guard> },
}

/// One episode of IPT for one patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub id: CourseId,
    pub patient: PatientId,
    pub clinician: UserId,
    pub format: Format,
    pub status: CourseStatus,
    pub phase_plan: PhasePlan,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub indication: IndicationRecord,
    pub diagnosis: Option<Diagnosis>,
    pub focus: Option<FocusAreas>,
    /// Every focus chosen, oldest first, with the reason given for it.
    #[serde(default)]
    pub focus_history: Vec<FocusChoice>,
    pub formulation: Option<Formulation>,
    pub contract: Option<Contract>,
    pub relapse_plan: Option<RelapsePreventionPlan>,
    pub maintenance: Option<MaintenanceDecision>,
    pub termination: Option<TerminationReview>,
    /// The safety plan written with the patient, when risk came up.
    #[serde(default)]
    pub safety_plan: Option<SafetyPlan>,
    /// The inventory's global fields at the start and the end (reference §3.2).
    #[serde(default)]
    pub inventory_globals: crate::inventory::GlobalsRecord,
    /// The medication record: every change, oldest first.
    #[serde(default)]
    pub medication: Vec<MedicationChange>,
    /// The acute course a maintenance course continues.
    pub continues: Option<CourseId>,
    pub version: i64,
}

impl Course {
    /// A new course, referred and not yet started, planned with the protocol's default count.
    pub fn new(
        id: CourseId,
        patient: PatientId,
        clinician: UserId,
        protocol: &Protocol,
        started_on: Date,
    ) -> Self {
        Self {
            id,
            patient,
            clinician,
            format: protocol.format,
            status: CourseStatus::Referred,
            phase_plan: protocol.phase_plan(protocol.default_sessions),
            started_on,
            ended_on: None,
            indication: IndicationRecord::default(),
            diagnosis: None,
            focus: None,
            focus_history: vec![],
            formulation: None,
            contract: None,
            relapse_plan: None,
            maintenance: None,
            termination: None,
            safety_plan: None,
            inventory_globals: Default::default(),
            medication: vec![],
            continues: None,
            version: 0,
        }
    }

    /// A maintenance course that continues `acute`, pre-filled with its diagnosis, focus and
    /// relapse-prevention plan, monthly by default (reference §1.2, IPT-M).
    pub fn maintenance_after(
        acute: &Course,
        id: CourseId,
        protocol: &Protocol,
        started_on: Date,
    ) -> Self {
        let mut c = Self::new(id, acute.patient, acute.clinician, protocol, started_on);
        c.indication = acute.indication.clone();
        c.diagnosis = acute.diagnosis.clone();
        c.focus = acute.focus.clone();
        c.formulation = acute.formulation.clone();
        c.relapse_plan = acute.relapse_plan.clone();
        c.safety_plan = acute.safety_plan.clone();
        c.medication = acute.medication.clone();
        c.continues = Some(acute.id);
        c
    }

    /// Choose or change the focus, keeping the history (reference §2: the focus is renegotiated
    /// openly, and a supervisor sees when and why). A change of areas withdraws the
    /// formulation's acceptance, which names the old areas, until the patient agrees the new one;
    /// after the initial phase such a change needs its reason. A new dispute stage alone keeps
    /// the acceptance. Choosing what is already chosen changes nothing.
    pub fn choose_focus(
        &mut self,
        focus: FocusAreas,
        reason: &str,
        on: Date,
    ) -> Result<(), FieldError> {
        if self.focus.as_ref() == Some(&focus) {
            return Ok(());
        }
        let kinds = |f: &FocusAreas| {
            let mut k: Vec<AreaKind> = f.areas().iter().map(|a| a.kind()).collect();
            k.sort_by_key(|k| k.code());
            k
        };
        let areas_change = self
            .focus
            .as_ref()
            .is_some_and(|f| kinds(f) != kinds(&focus));
        let reason = reason.trim();
        let past_initial = matches!(
            self.status,
            CourseStatus::Active(Phase::Middle | Phase::Termination)
        );
        if areas_change && past_initial && reason.is_empty() {
            return Err(FieldError::new(
                "reason",
                rule::Code::FocusChangeNeedsReason,
            ));
        }
        if areas_change && let Some(f) = self.formulation.as_mut() {
            f.accepted_on = None;
        }
        self.focus_history.push(FocusChoice {
            areas: focus.clone(),
            chosen_on: on,
            reason: reason.to_string(),
        });
        self.focus = Some(focus);
        Ok(())
    }

    /// Agree or change the contract; the phase plan follows the session count.
    pub fn agree_contract(&mut self, protocol: &Protocol, contract: Contract) {
        self.phase_plan = protocol.phase_plan(contract.sessions);
        self.contract = Some(contract);
    }

    /// Which guards stand between this course and `target` under the format's `gates`. Empty
    /// when the move is allowed.
    pub fn unmet_guards(
        &self,
        target: &CourseStatus,
        facts: &CourseFacts,
        gates: &Gates,
    ) -> Vec<Guard> {
        let mut unmet = vec![];
        let mut need = |ok: bool, g: Guard| {
            if !ok {
                unmet.push(g)
            }
        };
        let accepted = self
            .formulation
            .as_ref()
            .is_some_and(Formulation::is_accepted);
        let plan_written = self
            .relapse_plan
            .as_ref()
            .is_some_and(|p| p.check().is_ok());
        match target {
            CourseStatus::Active(Phase::Middle) => {
                need(
                    !gates.diagnosis || self.diagnosis.is_some(),
                    Guard::DiagnosisRecorded,
                );
                need(
                    !gates.inventory || facts.inventory_people >= 1,
                    Guard::InventoryHasPerson,
                );
                need(
                    !gates.timeline || facts.timeline_events >= 1,
                    Guard::TimelineHasEvent,
                );
                need(
                    !gates.baseline_measure || facts.baseline_measure_recorded,
                    Guard::BaselineMeasureRecorded,
                );
                need(self.focus.is_some(), Guard::FocusAreasChosen);
                need(accepted, Guard::FormulationAccepted);
                need(self.contract.is_some(), Guard::ContractAgreed);
            }
            CourseStatus::Active(Phase::Termination) if self.format != Format::Maintenance => {
                // A focus changed in the middle phase withdrew the acceptance: the patient
                // agrees the new formulation before the ending is prepared.
                need(accepted, Guard::FormulationAccepted);
                need(
                    facts.middle_sessions_attended >= gates.min_middle_sessions,
                    Guard::MiddleSessionsHeld,
                );
            }
            CourseStatus::Active(Phase::Maintenance) => {
                need(self.contract.is_some(), Guard::ContractAgreed);
            }
            CourseStatus::EndedEarly(_) => {
                need(facts.open_risk_alerts == 0, Guard::RiskAlertsAcknowledged);
            }
            CourseStatus::Completed => {
                need(facts.open_risk_alerts == 0, Guard::RiskAlertsAcknowledged);
                need(facts.end_measure_recorded, Guard::EndMeasureRecorded);
                need(plan_written, Guard::RelapsePlanWritten);
                need(
                    !gates.non_response_next_step
                        || !facts.main_measure_not_improved
                        || self
                            .termination
                            .as_ref()
                            .is_some_and(|t| !t.non_response_plan.trim().is_empty()),
                    Guard::NonResponseNextStep,
                );
            }
            CourseStatus::ContinuedInMaintenance => {
                need(facts.open_risk_alerts == 0, Guard::RiskAlertsAcknowledged);
                need(facts.end_measure_recorded, Guard::EndMeasureRecorded);
                need(plan_written, Guard::RelapsePlanWritten);
                need(
                    self.maintenance
                        .as_ref()
                        .is_some_and(|m| m.choice.continues_in_maintenance_ipt()),
                    Guard::MaintenanceIptDecided,
                );
            }
            _ => {}
        }
        unmet
    }

    /// Whether `target` follows the current status in the protocol's order, guards aside.
    fn allowed(&self, target: &CourseStatus) -> bool {
        let phases: &[Phase] = if self.format == Format::Maintenance {
            &[Phase::Maintenance, Phase::Termination]
        } else {
            &[Phase::Initial, Phase::Middle, Phase::Termination]
        };
        match (&self.status, target) {
            (s, CourseStatus::EndedEarly(_)) => s.is_open(),
            (CourseStatus::Referred, CourseStatus::Active(p)) => *p == phases[0],
            (CourseStatus::Active(from), CourseStatus::Active(to)) => {
                let i = phases.iter().position(|p| p == from);
                let j = phases.iter().position(|p| p == to);
                matches!((i, j), (Some(i), Some(j)) if j == i + 1)
            }
            (CourseStatus::Active(Phase::Termination), CourseStatus::Completed) => true,
            (CourseStatus::Active(Phase::Termination), CourseStatus::ContinuedInMaintenance) => {
                self.format != Format::Maintenance
            }
            _ => false,
        }
    }

    /// Move the course to `target`, or say every reason it cannot move.
    pub fn transition(
        &mut self,
        target: CourseStatus,
        facts: &CourseFacts,
        gates: &Gates,
        on: Date,
    ) -> Result<(), TransitionError> {
        if !self.allowed(&target) {
            return Err(TransitionError::NotAllowed {
                from: self.status.clone(),
                to: target,
            });
        }
        let unmet = self.unmet_guards(&target, facts, gates);
        if !unmet.is_empty() {
            return Err(TransitionError::Unmet { to: target, unmet });
        }
        if !target.is_open() {
            self.ended_on = Some(on);
        }
        self.status = target;
        Ok(())
    }

    /// The statuses this course could move to next (guards aside), for offering buttons.
    pub fn next_statuses(&self) -> Vec<CourseStatus> {
        let mut candidates: Vec<CourseStatus> =
            Phase::ALL.into_iter().map(CourseStatus::Active).collect();
        candidates.extend([
            CourseStatus::Completed,
            CourseStatus::ContinuedInMaintenance,
        ]);
        candidates.retain(|c| self.allowed(c));
        candidates
    }

    /// A new session is recorded only on a course that has started and is still open, on a
    /// day it could have taken place.
    pub fn check_new_session(&self, date: Date, today: Date) -> Result<(), FieldError> {
        match &self.status {
            CourseStatus::Referred => {
                return Err(FieldError::new("date", crate::rule::Code::CourseNotStarted));
            }
            s if !s.is_open() => {
                return Err(FieldError::new("date", crate::rule::Code::CourseClosed));
            }
            _ => {}
        }
        self.check_session_date(date, today)
    }

    /// A session is of a kind and in a phase that the course's format has: a group session
    /// belongs to a group format, a maintenance-phase session to maintenance IPT.
    pub fn check_session_kind(
        &self,
        protocol: &Protocol,
        special: Option<crate::protocol::SpecialSession>,
        phase: Phase,
    ) -> Result<(), Vec<FieldError>> {
        let mut refused = vec![];
        if let Some(kind) = special
            && !protocol.special_sessions.iter().any(|r| r.kind == kind)
        {
            refused.push(
                FieldError::new("special", crate::rule::Code::SpecialNotInFormat)
                    .text("kind", kind.code())
                    .text("format", protocol.format.code()),
            );
        }
        if !protocol.phases().contains(&phase) {
            refused.push(
                FieldError::new("phase", crate::rule::Code::PhaseNotInFormat)
                    .text("phase", phase.code())
                    .text("format", protocol.format.code()),
            );
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(refused)
        }
    }

    /// A session took place between the course's start and today. A course entered from
    /// elsewhere is given its real start date, so its earlier sessions can be entered too.
    pub fn check_session_date(&self, date: Date, today: Date) -> Result<(), FieldError> {
        rule::not_after_today("date", date, today)?;
        if date < self.started_on {
            return Err(
                FieldError::new("date", crate::rule::Code::BeforeCourseStart)
                    .date("started", self.started_on),
            );
        }
        Ok(())
    }

    /// The contract is agreed on a day of the course, not before it started nor after today.
    pub fn check_contract_agreed_on(&self, agreed_on: Date, today: Date) -> Result<(), FieldError> {
        rule::not_after_today("agreed_on", agreed_on, today)?;
        if agreed_on < self.started_on {
            return Err(
                FieldError::new("agreed_on", crate::rule::Code::BeforeCourseStart)
                    .date("started", self.started_on),
            );
        }
        Ok(())
    }

    /// The planned number of sessions: the contract's, or the plan's default.
    pub fn planned_sessions(&self) -> u16 {
        self.contract
            .map(|c| c.sessions)
            .unwrap_or(self.phase_plan.total)
    }

    /// The N of "session `n` of N": the contract's number of sessions once one is agreed, and
    /// `None` before (the plan's default count is no agreement), or for an IPT-B engagement
    /// session (number 0), which comes before the contracted sessions.
    pub fn session_of(&self, n: u16) -> Option<u16> {
        self.contract.filter(|_| n > 0).map(|c| c.sessions)
    }
}

/// A new course as a door was given it: whose, in which format, from which day (today when not
/// given or left empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseStartInput {
    pub patient_id: Option<String>,
    pub format: Option<String>,
    pub started_on: Option<String>,
}

impl CourseStartInput {
    /// The patient's id, the format's code and the start, never after today.
    pub fn read(&self, today: Date) -> Result<(PatientId, Format, Date), Vec<FieldError>> {
        use crate::input::{self, Refusals};
        let mut r = Refusals::new();
        let patient = match self.patient_id.as_deref().map(str::trim) {
            None | Some("") => {
                r.push(FieldError::new("patient_id", rule::Code::Required));
                None
            }
            Some(raw) => match raw.parse::<PatientId>() {
                Ok(p) => Some(p),
                Err(_) => {
                    r.push(FieldError::new("patient_id", rule::Code::IdInvalid).text("value", raw));
                    None
                }
            },
        };
        let format = r.take(
            input::choice("format", self.format.as_deref(), |c| Format::parse(c).ok())
                .and_then(|f| input::required("format", f)),
        );
        let started_on = r
            .take(input::date("started_on", self.started_on.as_deref()))
            .map(|d| d.unwrap_or(today))
            .and_then(|d| r.take(check_start_date(d, today)).map(|_| d));
        match (patient, format, started_on) {
            (Some(p), Some(f), Some(d)) if r.is_empty() => Ok((p, f, d)),
            _ => Err(r.into_vec()),
        }
    }
}

/// A move of a course as a door was given it: the target status's code and, for ending early,
/// the reason's code and (for "other") a few words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransitionInput {
    pub target: Option<String>,
    pub end_reason: Option<String>,
    pub end_detail: Option<String>,
}

impl TransitionInput {
    /// The status moved to. Whether the course may move there is the transition's guards' to
    /// say (`Course::transition`).
    pub fn read(&self) -> Result<CourseStatus, Vec<FieldError>> {
        use crate::input::{self, Refusals, SHORT_TEXT};
        let mut r = Refusals::new();
        let target = self.target.as_deref().map(str::trim).unwrap_or("");
        if target.is_empty() {
            return Err(vec![FieldError::new("target", rule::Code::Required)]);
        }
        if target != "ended_early" {
            return CourseStatus::parse(target, None).ok_or_else(|| {
                vec![FieldError::new("target", rule::Code::NotOneOf).text("value", target)]
            });
        }
        let code = r.take(
            input::choice("end_reason", self.end_reason.as_deref(), |c| {
                EndReason::CODES.iter().copied().find(|code| *code == c)
            })
            .and_then(|c| input::required("end_reason", c)),
        );
        let detail = r.take(input::bounded_text(
            "end_detail",
            self.end_detail.as_deref().unwrap_or(""),
            SHORT_TEXT,
        ));
        match (code, detail) {
            (Some(code), Some(detail)) if r.is_empty() => match EndReason::parse(code, &detail) {
                Ok(reason) => Ok(CourseStatus::EndedEarly(reason)),
                Err(_) => Err(vec![FieldError::new("end_detail", rule::Code::Required)]),
            },
            _ => Err(r.into_vec()),
        }
    }
}

/// A course starts on a day that has come: today, or earlier for a course already under way
/// elsewhere when it is entered.
pub fn check_start_date(started_on: Date, today: Date) -> Result<(), FieldError> {
    rule::not_after_today("started_on", started_on, today)
}

/// A patient has one open course at a time: a second would split their sessions, measures and
/// risk alerts between two records, and each would look incomplete. End or complete the open
/// one first (a maintenance course follows a closed acute one).
pub fn check_no_open_course(existing: &[Course]) -> Result<(), FieldError> {
    match existing.iter().find(|c| c.status.is_open()) {
        Some(open) => Err(
            FieldError::new("patient_id", crate::rule::Code::PatientHasOpenCourse)
                .date("started", open.started_on)
                .text("course", open.id.to_string()),
        ),
        None => Ok(()),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CourseError {
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    /// Refused by a rule that speaks in codes (the doors word it).
    #[error("{0}")]
    Refused(FieldError),
    #[error("write the diagnosis in words")]
    EmptyDiagnosis,
    #[error("the formulation is empty")]
    EmptyFormulation,
    #[error("the patient's wording is longer than {0} characters")]
    PatientWordingTooLong(usize),
    #[error("the relapse-prevention plan is missing: {0}")]
    IncompleteRelapsePlan(String),
    #[error("'{0}' is not a reason for ending (dropout, referred_on, other)")]
    UnknownEndReason(String),
    #[error("when the reason is 'other', say briefly what it was")]
    OtherReasonNeedsDetail,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every gate on, with no minimum of middle-phase sessions (tests that need one set it).
    const GATES: Gates = Gates::ALL_ON;

    #[test]
    fn a_contract_whose_sessions_cannot_fit_before_its_end_is_refused() {
        let start = date!(2026 - 12 - 02);
        // Twelve fortnightly sessions need 22 weeks; 19 days is far too short.
        let e = Contract::check_fits(
            start,
            12,
            Frequency::Fortnightly,
            start + time::Duration::days(19),
        )
        .unwrap_err();
        assert_eq!(
            (e.field, e.code.as_str()),
            ("end_date", "contract_does_not_fit")
        );
        assert!(
            e.args
                .contains(&("earliest", crate::rule::Arg::Date(date!(2027 - 05 - 05))))
        );
        assert!(Contract::check_fits(start, 12, Frequency::Weekly, date!(2027 - 02 - 17)).is_ok());
        assert!(Contract::check_fits(start, 12, Frequency::Weekly, date!(2027 - 02 - 16)).is_err());
    }
    use crate::problem_area::ProblemArea;
    use crate::protocol::ProtocolCatalogue;
    use time::macros::date;
    use uuid::Uuid;

    /// The code lists the JSON API documents name every status, reason and guard: a new
    /// variant needs a place here (the match is exhaustive) and in the list.
    #[test]
    fn the_code_lists_name_every_status_reason_and_guard() {
        for code in CourseStatus::CODES {
            let status = CourseStatus::parse(code, Some(EndReason::Dropout)).unwrap();
            assert_eq!(status.code(), code);
        }
        for code in EndReason::CODES {
            assert_eq!(EndReason::parse(code, "moved away").unwrap().code(), code);
        }
        fn place(g: Guard) -> usize {
            match g {
                Guard::DiagnosisRecorded => 0,
                Guard::InventoryHasPerson => 1,
                Guard::TimelineHasEvent => 2,
                Guard::BaselineMeasureRecorded => 3,
                Guard::FocusAreasChosen => 4,
                Guard::FormulationAccepted => 5,
                Guard::ContractAgreed => 6,
                Guard::MiddleSessionsHeld => 7,
                Guard::EndMeasureRecorded => 8,
                Guard::RelapsePlanWritten => 9,
                Guard::NonResponseNextStep => 10,
                Guard::MaintenanceIptDecided => 11,
                Guard::RiskAlertsAcknowledged => 12,
            }
        }
        for (i, g) in Guard::ALL.into_iter().enumerate() {
            assert_eq!(place(g), i, "{g:?} out of place in Guard::ALL");
        }
    }

    fn today() -> time::Date {
        date!(2026 - 06 - 01)
    }

    fn course(format: Format) -> (Course, Protocol) {
        let cat = ProtocolCatalogue::default();
        let p = cat.get(format).clone();
        let c = Course::new(
            CourseId::from_uuid(Uuid::nil()),
            PatientId::from_uuid(Uuid::nil()),
            UserId::from_uuid(Uuid::nil()),
            &p,
            date!(2026 - 01 - 05),
        );
        (c, p)
    }

    fn ready_for_middle(c: &mut Course, p: &Protocol) {
        c.diagnosis = Some(
            Diagnosis::new(
                "MDD, single episode",
                DepressionSeverity::Moderate,
                date!(2026 - 01 - 05),
            )
            .unwrap(),
        );
        c.focus = Some(FocusAreas::new(vec![ProblemArea::Grief]).unwrap());
        c.formulation = Some(Formulation::new("text", Some(date!(2026 - 01 - 19))).unwrap());
        let contract = Contract::new(
            p,
            p.default_sessions,
            Frequency::Weekly,
            date!(2026 - 05 - 01),
            date!(2026 - 01 - 19),
        )
        .unwrap();
        c.agree_contract(p, contract);
    }

    fn plan() -> RelapsePreventionPlan {
        RelapsePreventionPlan {
            warning_signs: "sleeping badly, avoiding friends".into(),
            seek_help: "call the clinic; out of hours, emergency services".into(),
            written_on: Some(date!(2026 - 04 - 20)),
            ..Default::default()
        }
    }

    #[test]
    fn the_middle_phase_names_every_unmet_guard() {
        let (mut c, _) = course(Format::Individual);
        c.transition(
            CourseStatus::Active(Phase::Initial),
            &CourseFacts::default(),
            &GATES,
            date!(2026 - 01 - 05),
        )
        .unwrap();
        let err = c
            .transition(
                CourseStatus::Active(Phase::Middle),
                &CourseFacts::default(),
                &GATES,
                date!(2026 - 01 - 26),
            )
            .unwrap_err();
        let TransitionError::Unmet { unmet, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(
            unmet,
            &vec![
                Guard::DiagnosisRecorded,
                Guard::InventoryHasPerson,
                Guard::TimelineHasEvent,
                Guard::BaselineMeasureRecorded,
                Guard::FocusAreasChosen,
                Guard::FormulationAccepted,
                Guard::ContractAgreed
            ]
        );
        let msg = err.to_string();
        assert!(
            msg.contains("record the diagnosis") && msg.contains("contract"),
            "{msg}"
        );
        assert_eq!(
            c.status,
            CourseStatus::Active(Phase::Initial),
            "a refused move changes nothing"
        );
    }

    /// Finding 5 of #14: the middle phase needs a baseline measure and a timeline, the
    /// termination phase the protocol's minimum of attended middle-phase sessions.
    #[test]
    fn the_reference_prerequisites_gate_the_middle_and_termination_phases() {
        let (mut c, p) = course(Format::Individual);
        c.status = CourseStatus::Active(Phase::Initial);
        ready_for_middle(&mut c, &p);
        let facts = CourseFacts {
            inventory_people: 2,
            ..CourseFacts::default()
        };
        let unmet = c.unmet_guards(&CourseStatus::Active(Phase::Middle), &facts, &p.gates);
        assert_eq!(
            unmet,
            vec![Guard::TimelineHasEvent, Guard::BaselineMeasureRecorded]
        );
        let facts = CourseFacts {
            timeline_events: 1,
            baseline_measure_recorded: true,
            ..facts
        };
        c.transition(
            CourseStatus::Active(Phase::Middle),
            &facts,
            &p.gates,
            date!(2026 - 01 - 26),
        )
        .unwrap();
        // 12–16 sessions, 3 initial and 3 ending: at least 6 attended in the middle.
        assert_eq!(p.gates.min_middle_sessions, 6);
        let err = c
            .transition(
                CourseStatus::Active(Phase::Termination),
                &facts,
                &p.gates,
                date!(2026 - 01 - 27),
            )
            .unwrap_err();
        assert_eq!(
            err,
            TransitionError::Unmet {
                to: CourseStatus::Active(Phase::Termination),
                unmet: vec![Guard::MiddleSessionsHeld]
            }
        );
        let held = CourseFacts {
            middle_sessions_attended: 6,
            ..facts
        };
        c.transition(
            CourseStatus::Active(Phase::Termination),
            &held,
            &p.gates,
            date!(2026 - 04 - 06),
        )
        .unwrap();
        // A deployment can switch a gate off.
        let (mut g, gp) = course(Format::Individual);
        g.status = CourseStatus::Active(Phase::Initial);
        ready_for_middle(&mut g, &gp);
        let gates = Gates {
            timeline: false,
            baseline_measure: false,
            ..gp.gates
        };
        assert!(
            g.unmet_guards(
                &CourseStatus::Active(Phase::Middle),
                &facts_with_people(),
                &gates
            )
            .is_empty()
        );
    }

    fn facts_with_people() -> CourseFacts {
        CourseFacts {
            inventory_people: 1,
            ..CourseFacts::default()
        }
    }

    /// Finding 8 of #14: lay facilitators do not diagnose; the group format's gates do not ask
    /// for a diagnosis, and its initial tasks are screening-based.
    #[test]
    fn a_group_member_reaches_the_middle_phase_without_a_diagnosis() {
        let (mut c, p) = course(Format::Group);
        c.status = CourseStatus::Active(Phase::Initial);
        ready_for_middle(&mut c, &p);
        c.diagnosis = None;
        let facts = CourseFacts {
            inventory_people: 1,
            baseline_measure_recorded: true,
            ..CourseFacts::default()
        };
        assert!(
            c.unmet_guards(&CourseStatus::Active(Phase::Middle), &facts, &p.gates)
                .is_empty()
        );
        let initial = &p.tasks[&Phase::Initial];
        assert!(!initial.contains(&crate::protocol::PhaseTask::DiagnoseAndRate));
        assert!(!initial.contains(&crate::protocol::PhaseTask::MedicationReview));
        assert!(initial.contains(&crate::protocol::PhaseTask::CheckEligibilityAndRefer));
        // Without the screening score it still cannot start.
        assert_eq!(
            c.unmet_guards(
                &CourseStatus::Active(Phase::Middle),
                &facts_with_people(),
                &p.gates
            ),
            vec![Guard::BaselineMeasureRecorded]
        );
    }

    /// A course whose main measure has not improved is completed only with its next step.
    #[test]
    fn a_non_response_needs_the_next_step_before_completion() {
        let (mut c, p) = course(Format::Individual);
        ready_for_middle(&mut c, &p);
        c.status = CourseStatus::Active(Phase::Termination);
        c.relapse_plan = Some(plan());
        let facts = CourseFacts {
            end_measure_recorded: true,
            main_measure_not_improved: true,
            ..CourseFacts::default()
        };
        assert_eq!(
            c.unmet_guards(&CourseStatus::Completed, &facts, &p.gates),
            vec![Guard::NonResponseNextStep]
        );
        c.termination = Some(TerminationReview {
            gains: String::new(),
            feelings_about_ending: String::new(),
            non_response_plan: "medication review with the GP; referral discussed".into(),
            reviewed_on: Some(date!(2026 - 04 - 20)),
        });
        assert!(
            c.unmet_guards(&CourseStatus::Completed, &facts, &p.gates)
                .is_empty()
        );
    }

    /// A change of focus areas withdraws the formulation's acceptance and is kept in the
    /// history; after the initial phase it needs a reason; a new dispute stage alone does not.
    #[test]
    fn a_focus_change_withdraws_the_acceptance_and_is_kept() {
        let (mut c, p) = course(Format::Individual);
        ready_for_middle(&mut c, &p);
        c.focus = None;
        c.status = CourseStatus::Active(Phase::Initial);
        let day = date!(2026 - 01 - 12);
        c.choose_focus(FocusAreas::new(vec![ProblemArea::Grief]).unwrap(), "", day)
            .unwrap();
        assert!(c.formulation.as_ref().unwrap().is_accepted());
        c.status = CourseStatus::Active(Phase::Middle);
        let dispute = FocusAreas::new(vec![ProblemArea::RoleDispute(
            crate::problem_area::DisputeStage::Impasse,
        )])
        .unwrap();
        let e = c.choose_focus(dispute.clone(), "  ", day).unwrap_err();
        assert_eq!(
            (e.field, e.code.as_str()),
            ("reason", "focus_change_needs_reason")
        );
        assert_eq!(c.focus_history.len(), 1, "a refused change keeps nothing");
        c.choose_focus(dispute, "the conflict with her sister drives the mood", day)
            .unwrap();
        assert!(!c.formulation.as_ref().unwrap().is_accepted());
        assert_eq!(c.focus_history.len(), 2);
        assert_eq!(
            c.focus_history[1].reason,
            "the conflict with her sister drives the mood"
        );
        // The next move needs the formulation agreed again.
        let facts = CourseFacts {
            middle_sessions_attended: 10,
            ..CourseFacts::default()
        };
        assert_eq!(
            c.unmet_guards(&CourseStatus::Active(Phase::Termination), &facts, &p.gates),
            vec![Guard::FormulationAccepted]
        );
        // A stage moving on keeps the acceptance, and needs no reason.
        c.formulation.as_mut().unwrap().accepted_on = Some(day);
        let renegotiating = FocusAreas::new(vec![ProblemArea::RoleDispute(
            crate::problem_area::DisputeStage::Renegotiation,
        )])
        .unwrap();
        c.choose_focus(renegotiating, "", day).unwrap();
        assert!(c.formulation.as_ref().unwrap().is_accepted());
        assert_eq!(c.focus_history.len(), 3);
    }

    #[test]
    fn an_unaccepted_formulation_blocks_the_middle_phase() {
        let (mut c, p) = course(Format::Individual);
        c.status = CourseStatus::Active(Phase::Initial);
        ready_for_middle(&mut c, &p);
        c.formulation.as_mut().unwrap().accepted_on = None;
        let facts = CourseFacts {
            inventory_people: 2,
            timeline_events: 1,
            baseline_measure_recorded: true,
            end_measure_recorded: false,
            open_risk_alerts: 0,
            ..CourseFacts::default()
        };
        let err = c
            .transition(
                CourseStatus::Active(Phase::Middle),
                &facts,
                &GATES,
                date!(2026 - 01 - 26),
            )
            .unwrap_err();
        assert_eq!(
            err,
            TransitionError::Unmet {
                to: CourseStatus::Active(Phase::Middle),
                unmet: vec![Guard::FormulationAccepted]
            }
        );
    }

    #[test]
    fn a_full_course_runs_from_referral_to_completion() {
        let (mut c, p) = course(Format::Individual);
        let mut facts = CourseFacts {
            inventory_people: 3,
            timeline_events: 1,
            baseline_measure_recorded: true,
            end_measure_recorded: false,
            open_risk_alerts: 0,
            ..CourseFacts::default()
        };
        c.transition(
            CourseStatus::Active(Phase::Initial),
            &facts,
            &GATES,
            date!(2026 - 01 - 05),
        )
        .unwrap();
        ready_for_middle(&mut c, &p);
        c.transition(
            CourseStatus::Active(Phase::Middle),
            &facts,
            &GATES,
            date!(2026 - 01 - 26),
        )
        .unwrap();
        c.transition(
            CourseStatus::Active(Phase::Termination),
            &facts,
            &GATES,
            date!(2026 - 04 - 06),
        )
        .unwrap();
        let err = c
            .transition(
                CourseStatus::Completed,
                &facts,
                &GATES,
                date!(2026 - 04 - 27),
            )
            .unwrap_err();
        assert_eq!(
            err,
            TransitionError::Unmet {
                to: CourseStatus::Completed,
                unmet: vec![Guard::EndMeasureRecorded, Guard::RelapsePlanWritten]
            }
        );
        facts.end_measure_recorded = true;
        c.relapse_plan = Some(plan());
        c.transition(
            CourseStatus::Completed,
            &facts,
            &GATES,
            date!(2026 - 04 - 27),
        )
        .unwrap();
        assert_eq!(c.ended_on, Some(date!(2026 - 04 - 27)));
        assert!(c.next_statuses().is_empty());
    }

    #[test]
    fn phases_cannot_be_skipped_or_reversed() {
        let (mut c, p) = course(Format::Individual);
        let facts = CourseFacts {
            inventory_people: 1,
            timeline_events: 1,
            baseline_measure_recorded: true,
            end_measure_recorded: true,
            open_risk_alerts: 0,
            ..CourseFacts::default()
        };
        ready_for_middle(&mut c, &p);
        assert!(matches!(
            c.transition(
                CourseStatus::Active(Phase::Middle),
                &facts,
                &GATES,
                date!(2026 - 01 - 05)
            ),
            Err(TransitionError::NotAllowed { .. })
        ));
        c.status = CourseStatus::Active(Phase::Termination);
        assert!(matches!(
            c.transition(
                CourseStatus::Active(Phase::Initial),
                &facts,
                &GATES,
                date!(2026 - 01 - 05)
            ),
            Err(TransitionError::NotAllowed { .. })
        ));
    }

    #[test]
    fn any_open_course_can_end_early_with_a_reason_but_a_closed_one_cannot() {
        let (mut c, _) = course(Format::Brief);
        c.transition(
            CourseStatus::EndedEarly(EndReason::Dropout),
            &CourseFacts::default(),
            &GATES,
            date!(2026 - 02 - 01),
        )
        .unwrap();
        assert!(
            c.transition(
                CourseStatus::EndedEarly(EndReason::ReferredOn),
                &CourseFacts::default(),
                &GATES,
                date!(2026 - 02 - 02)
            )
            .is_err()
        );
        assert_eq!(
            EndReason::parse("other", "  "),
            Err(CourseError::OtherReasonNeedsDetail)
        );
        assert_eq!(
            EndReason::parse("other", "moved abroad"),
            Ok(EndReason::Other("moved abroad".into()))
        );
    }

    #[test]
    fn continuing_in_maintenance_needs_the_decision() {
        let (mut c, p) = course(Format::Individual);
        ready_for_middle(&mut c, &p);
        c.status = CourseStatus::Active(Phase::Termination);
        c.relapse_plan = Some(plan());
        let facts = CourseFacts {
            inventory_people: 1,
            timeline_events: 1,
            baseline_measure_recorded: true,
            end_measure_recorded: true,
            open_risk_alerts: 0,
            ..CourseFacts::default()
        };
        let err = c
            .transition(
                CourseStatus::ContinuedInMaintenance,
                &facts,
                &GATES,
                date!(2026 - 05 - 01),
            )
            .unwrap_err();
        assert!(
            matches!(err, TransitionError::Unmet { ref unmet, .. } if unmet == &vec![Guard::MaintenanceIptDecided])
        );
        c.maintenance = Some(MaintenanceDecision {
            choice: MaintenanceChoice::MaintenanceIpt,
            rationale: "recurrent depression".into(),
            decided_on: date!(2026 - 04 - 27),
        });
        c.transition(
            CourseStatus::ContinuedInMaintenance,
            &facts,
            &GATES,
            date!(2026 - 05 - 01),
        )
        .unwrap();

        let cat = ProtocolCatalogue::default();
        let m = Course::maintenance_after(
            &c,
            CourseId::from_uuid(Uuid::max()),
            cat.get(Format::Maintenance),
            date!(2026 - 05 - 02),
        );
        assert_eq!(m.continues, Some(c.id));
        assert_eq!(m.focus, c.focus);
        assert_eq!(m.status, CourseStatus::Referred);
        assert_eq!(
            m.next_statuses(),
            vec![CourseStatus::Active(Phase::Maintenance)]
        );
    }

    #[test]
    fn a_contract_must_fit_the_format_and_the_calendar() {
        let (_, p) = course(Format::Individual);
        assert!(matches!(
            Contract::new(
                &p,
                20,
                Frequency::Weekly,
                date!(2026 - 05 - 01),
                date!(2026 - 01 - 01)
            ),
            Err(CourseError::Protocol(
                ProtocolError::SessionCountOutOfRange { n: 20, .. }
            ))
        ));
        assert!(matches!(
            Contract::new(
                &p,
                12,
                Frequency::Weekly,
                date!(2026 - 01 - 01),
                date!(2026 - 01 - 01)
            ),
            Err(CourseError::Refused(FieldError {
                code: crate::rule::Code::EndNotAfterAgreement,
                ..
            }))
        ));
    }

    #[test]
    fn a_twelve_session_contract_moves_the_phase_plan() {
        let (mut c, p) = course(Format::Individual);
        let contract = Contract::new(
            &p,
            12,
            Frequency::Weekly,
            date!(2026 - 04 - 01),
            date!(2026 - 01 - 10),
        )
        .unwrap();
        c.agree_contract(&p, contract);
        assert_eq!(c.phase_plan.phase_of(10), Phase::Termination);
        assert_eq!(c.planned_sessions(), 12);
    }

    #[test]
    fn a_non_weekly_acute_contract_warns_and_a_monthly_maintenance_one_does_not() {
        let k = |frequency| Contract {
            sessions: 12,
            frequency,
            end_date: date!(2027 - 06 - 01),
            agreed_on: date!(2026 - 12 - 01),
        };
        for format in Format::ALL {
            for f in Frequency::ALL {
                let w = k(f).warnings(format);
                let expected = format != Format::Maintenance && f != Frequency::Weekly;
                assert_eq!(!w.is_empty(), expected, "{format:?} {f:?}: {w:?}");
                if expected {
                    assert_eq!(
                        (w[0].field, w[0].code.as_str()),
                        ("frequency", "acute_not_weekly")
                    );
                    assert!(
                        w[0].args
                            .contains(&("frequency", crate::rule::Arg::Text(f.code().into())))
                    );
                }
            }
        }
    }

    #[test]
    fn session_n_of_n_counts_the_agreed_contract_only() {
        let (mut c, p) = course(Format::Brief);
        assert_eq!(c.session_of(3), None, "no contract agreed: no N");
        let contract = Contract::new(
            &p,
            8,
            Frequency::Weekly,
            date!(2026 - 04 - 01),
            date!(2026 - 01 - 10),
        )
        .unwrap();
        c.agree_contract(&p, contract);
        assert_eq!(c.session_of(3), Some(8));
        assert_eq!(
            c.session_of(9),
            Some(8),
            "an overrun still counts against the contract"
        );
        assert_eq!(
            c.session_of(0),
            None,
            "the engagement session comes before the count"
        );
    }

    #[test]
    fn status_codes_round_trip() {
        for s in [
            CourseStatus::Referred,
            CourseStatus::Active(Phase::Initial),
            CourseStatus::Active(Phase::Middle),
            CourseStatus::Active(Phase::Termination),
            CourseStatus::Active(Phase::Maintenance),
            CourseStatus::Completed,
            CourseStatus::ContinuedInMaintenance,
        ] {
            assert_eq!(CourseStatus::parse(s.code(), None), Some(s));
        }
        assert_eq!(
            CourseStatus::parse("ended_early", Some(EndReason::Dropout)),
            Some(CourseStatus::EndedEarly(EndReason::Dropout))
        );
    }

    #[test]
    fn no_course_ends_past_an_open_risk_alert() {
        let (mut c, _) = course(Format::Individual);
        c.status = CourseStatus::Active(Phase::Termination);
        let facts = CourseFacts {
            inventory_people: 1,
            timeline_events: 1,
            baseline_measure_recorded: true,
            end_measure_recorded: true,
            open_risk_alerts: 1,
            ..CourseFacts::default()
        };
        for target in [
            CourseStatus::Completed,
            CourseStatus::ContinuedInMaintenance,
            CourseStatus::EndedEarly(EndReason::Dropout),
        ] {
            assert!(
                c.unmet_guards(&target, &facts, &GATES)
                    .contains(&Guard::RiskAlertsAcknowledged),
                "{target:?}"
            );
            let mut moved = c.clone();
            assert!(
                moved
                    .transition(target.clone(), &facts, &GATES, today())
                    .is_err()
            );
            assert_eq!(moved.status, c.status, "{target:?}: nothing changed");
        }
        let cleared = CourseFacts {
            open_risk_alerts: 0,
            ..facts
        };
        assert!(
            !c.unmet_guards(
                &CourseStatus::EndedEarly(EndReason::Dropout),
                &cleared,
                &GATES
            )
            .contains(&Guard::RiskAlertsAcknowledged)
        );
    }

    proptest::proptest! {
        /// Whatever the course looks like, a move that ends it is refused while an alert is open.
        #[test]
        fn an_open_alert_always_blocks_the_end(
            phase in 0usize..3,
            alerts in 1usize..5,
            inventory in 0usize..4,
            end_measure: bool,
            target in 0usize..3,
        ) {
            let (mut c, _) = course(Format::Individual);
            c.status = CourseStatus::Active([Phase::Initial, Phase::Middle, Phase::Termination][phase]);
            let facts = CourseFacts { inventory_people: inventory, end_measure_recorded: end_measure, open_risk_alerts: alerts, ..CourseFacts::default() };
            let target = [
                CourseStatus::Completed,
                CourseStatus::ContinuedInMaintenance,
                CourseStatus::EndedEarly(EndReason::Dropout),
            ][target].clone();
            let before = c.status.clone();
            proptest::prop_assert!(c.transition(target, &facts, &GATES, today()).is_err());
            proptest::prop_assert_eq!(c.status, before);
        }
    }
}
