//! What the JSON API reads and writes. These types are the API's contract, kept apart from the
//! domain types: dates are `YYYY-MM-DD`, instants RFC 3339 in UTC, statuses and kinds plain
//! codes, and references end in `_id`. Requests have every member optional and deny unknown
//! members (see `problem::read_json`); handlers parse them into domain types.

use ipt_app::CourseView;
use ipt_app::caseload::CaseloadRow;
use ipt_app::prompts::CoursePrompts;
use ipt_domain::alert::{AlertSource, RiskAlert};
use ipt_domain::assessment::{Assessment, ScoreSummary};
use ipt_domain::course::{
    Contract, Course, CourseStatus, Diagnosis, EndReason, Formulation, Goal, Guard,
    MaintenanceDecision, RelapsePreventionPlan, TerminationReview,
};
use ipt_domain::eligibility::Eligibility;
use ipt_domain::ids::*;
use ipt_domain::indication::IndicationRecord;
use ipt_domain::inventory::{
    ConflictLevel, InventoryNotes, InventoryPerson, InventorySnapshot, Reciprocity,
    RelationshipKind,
};
use ipt_domain::patient::Patient;
use ipt_domain::problem_area::{AreaKind, FocusAreas};
use ipt_domain::prompts::SuggestedFlag;
use ipt_domain::protocol::{ChecklistItem, Format, PhasePlan, PhaseTask, SpecialSession};
use ipt_domain::safety::{CurrentMedicine, MedicationChange, SafetyPlan, current_medication};
use ipt_domain::session::{Technique, TherapySession};
use ipt_domain::signals::{MeasureDue, Signal};
use ipt_domain::supervision::SupervisorComment;
use ipt_domain::timeline::{MoodEpisode, TimelineEvent};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::problem::UnmetGuard;
use super::schemas::*;

/// A date as `YYYY-MM-DD`.
pub fn day(d: Date) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    d.format(fmt).unwrap_or_default()
}

/// An instant as RFC 3339, in UTC.
pub fn instant(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

// ---- Responses ---------------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Patient)]
pub struct PatientDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: PatientId,
    pub name: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<String>,
    #[schema(value_type = LanguageCode)]
    pub language: &'static str,
    #[schema(value_type = uuid::Uuid)]
    pub clinician_id: UserId,
    pub version: i64,
}

impl From<&Patient> for PatientDto {
    fn from(p: &Patient) -> Self {
        Self {
            id: p.id,
            name: p.name.as_str().to_string(),
            date_of_birth: p.date_of_birth.map(day),
            language: p.language.code(),
            clinician_id: p.clinician,
            version: p.version,
        }
    }
}

/// A patient with every risk alert ever raised for them, open ones first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PatientDetail)]
pub struct PatientDetailDto {
    #[serde(flatten)]
    pub patient: PatientDto,
    pub alerts: Vec<AlertDto>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[schema(as = AlertSource)]
pub enum AlertSourceDto {
    Instrument {
        instrument: String,
        /// Item numbers answered positively.
        items: Vec<u16>,
    },
    SessionRiskReview {
        #[schema(value_type = uuid::Uuid)]
        session_id: SessionId,
    },
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Acknowledgement)]
pub struct AcknowledgementDto {
    #[schema(value_type = uuid::Uuid)]
    pub by: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub at: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Alert)]
pub struct AlertDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: AlertId,
    #[schema(value_type = uuid::Uuid)]
    pub patient_id: PatientId,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub course_id: Option<CourseId>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub assessment_id: Option<AssessmentId>,
    pub source: AlertSourceDto,
    pub description: String,
    #[schema(value_type = String, format = DateTime)]
    pub raised_at: String,
    pub open: bool,
    pub acknowledgement: Option<AcknowledgementDto>,
    pub version: i64,
}

impl From<&RiskAlert> for AlertDto {
    fn from(a: &RiskAlert) -> Self {
        Self {
            id: a.id,
            patient_id: a.patient,
            course_id: a.course,
            assessment_id: a.assessment,
            source: match &a.source {
                AlertSource::Instrument { instrument, items } => AlertSourceDto::Instrument {
                    instrument: instrument.clone(),
                    items: items.clone(),
                },
                AlertSource::SessionRiskReview { session } => AlertSourceDto::SessionRiskReview {
                    session_id: *session,
                },
            },
            description: a.source.describe(),
            raised_at: instant(a.raised_at),
            open: a.is_open(),
            acknowledgement: a.acknowledgement.as_ref().map(|k| AcknowledgementDto {
                by: k.by,
                at: instant(k.at),
                note: k.action_note.clone(),
            }),
            version: a.version,
        }
    }
}

/// A course's status: its code, and for a course ended early the reason.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = EndReason)]
pub struct EndReasonDto {
    #[schema(value_type = EndReasonCode)]
    pub reason: &'static str,
    pub detail: Option<String>,
}

fn end_reason(s: &CourseStatus) -> Option<EndReasonDto> {
    match s {
        CourseStatus::EndedEarly(r) => Some(EndReasonDto {
            reason: r.code(),
            detail: match r {
                EndReason::Other(d) => Some(d.clone()),
                _ => None,
            },
        }),
        _ => None,
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CourseSummary)]
pub struct CourseSummaryDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: CourseId,
    #[schema(value_type = uuid::Uuid)]
    pub patient_id: PatientId,
    #[schema(value_type = FormatCode)]
    pub format: &'static str,
    #[schema(value_type = CourseStatusCode)]
    pub status: &'static str,
    pub end_reason: Option<EndReasonDto>,
    #[schema(value_type = String, format = Date)]
    pub started_on: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub ended_on: Option<String>,
    pub planned_sessions: u16,
    pub version: i64,
}

impl From<&Course> for CourseSummaryDto {
    fn from(c: &Course) -> Self {
        Self {
            id: c.id,
            patient_id: c.patient,
            format: c.format.code(),
            status: c.status.code(),
            end_reason: end_reason(&c.status),
            started_on: day(c.started_on),
            ended_on: c.ended_on.map(day),
            planned_sessions: c.planned_sessions(),
            version: c.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Diagnosis)]
pub struct DiagnosisDto {
    pub statement: String,
    #[schema(value_type = SeverityCode)]
    pub severity: &'static str,
    #[schema(value_type = String, format = Date)]
    pub recorded_on: String,
}

impl From<&Diagnosis> for DiagnosisDto {
    fn from(d: &Diagnosis) -> Self {
        Self {
            statement: d.statement.clone(),
            severity: d.severity.code(),
            recorded_on: day(d.recorded_on),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FocusArea)]
pub struct FocusAreaDto {
    #[schema(value_type = AreaCode)]
    pub area: &'static str,
    #[schema(value_type = Option<DisputeStageCode>)]
    pub stage: Option<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Formulation)]
pub struct FormulationDto {
    pub text: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub accepted_on: Option<String>,
}

impl From<&Formulation> for FormulationDto {
    fn from(f: &Formulation) -> Self {
        Self {
            text: f.text.clone(),
            accepted_on: f.accepted_on.map(day),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Contract)]
pub struct ContractDto {
    pub sessions: u16,
    #[schema(value_type = FrequencyCode)]
    pub frequency: &'static str,
    #[schema(value_type = String, format = Date)]
    pub end_date: String,
    #[schema(value_type = String, format = Date)]
    pub agreed_on: String,
    /// What to look at again in this accepted contract: `acute_not_weekly` when an acute
    /// course is agreed at a pace other than weekly. Empty when there is nothing to check.
    pub warnings: Vec<WarningDto>,
}

/// A coded warning of the core about a record it accepted, with English text beside the code
/// (the pages word the same code in the reader's language).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Warning)]
pub struct WarningDto {
    /// The JSON member it is about.
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl ContractDto {
    /// The contract of a course of `format`, with the core's warnings about it.
    pub fn of(c: &Contract, format: Format) -> Self {
        let en = crate::i18n::Tr::new(crate::i18n::Lang::En);
        Self {
            sessions: c.sessions,
            frequency: c.frequency.code(),
            end_date: day(c.end_date),
            agreed_on: day(c.agreed_on),
            warnings: c
                .warnings(format)
                .iter()
                .map(|w| WarningDto {
                    field: w.field,
                    code: w.code.as_str(),
                    message: en.rule(w),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RelapsePlan)]
pub struct RelapsePlanDto {
    pub warning_signs: String,
    pub triggers: String,
    pub coping: String,
    pub supports: String,
    pub seek_help: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub written_on: Option<String>,
}

impl From<&RelapsePreventionPlan> for RelapsePlanDto {
    fn from(p: &RelapsePreventionPlan) -> Self {
        Self {
            warning_signs: p.warning_signs.clone(),
            triggers: p.triggers.clone(),
            coping: p.coping.clone(),
            supports: p.supports.clone(),
            seek_help: p.seek_help.clone(),
            written_on: p.written_on.map(day),
        }
    }
}

/// The safety plan written with the patient. The site's crisis resources are not part of it:
/// every door shows them beside it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SafetyPlan)]
pub struct SafetyPlanDto {
    pub warning_signs: String,
    pub coping_steps: String,
    pub people_and_places: String,
    pub people_to_ask: String,
    pub professional_contacts: String,
    pub safer_environment: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub written_on: Option<String>,
}

impl From<&SafetyPlan> for SafetyPlanDto {
    fn from(p: &SafetyPlan) -> Self {
        Self {
            warning_signs: p.warning_signs.clone(),
            coping_steps: p.coping_steps.clone(),
            people_and_places: p.people_and_places.clone(),
            people_to_ask: p.people_to_ask.clone(),
            professional_contacts: p.professional_contacts.clone(),
            safer_environment: p.safer_environment.clone(),
            written_on: p.written_on.map(day),
        }
    }
}

/// The interpersonal inventory's global fields at one point (reference §3.2), in the
/// clinician's words.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = InventoryPatterns)]
pub struct InventoryPatternsDto {
    /// Attachment and relational patterns.
    pub relational_patterns: String,
    /// The ability to assert oneself, confront or express anger.
    pub self_assertion: String,
    pub social_risk_taking: String,
    /// A brief history of relationships since childhood.
    pub relationship_history: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub recorded_on: Option<String>,
}

impl From<&ipt_domain::inventory::InventoryGlobals> for InventoryPatternsDto {
    fn from(g: &ipt_domain::inventory::InventoryGlobals) -> Self {
        Self {
            relational_patterns: g.relational_patterns.clone(),
            self_assertion: g.self_assertion.clone(),
            social_risk_taking: g.social_risk_taking.clone(),
            relationship_history: g.relationship_history.clone(),
            recorded_on: g.recorded_on.map(day),
        }
    }
}

/// The global fields at the start and at the end; null where not recorded.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = InventoryPatternsRecord)]
pub struct InventoryPatternsRecordDto {
    pub start: Option<InventoryPatternsDto>,
    pub end: Option<InventoryPatternsDto>,
}

/// One entry of the medication record.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MedicationChange)]
pub struct MedicationChangeDto {
    pub medicine: String,
    #[schema(value_type = MedicationChangeKindCode)]
    pub kind: &'static str,
    pub dose: String,
    pub prescriber: String,
    #[schema(value_type = String, format = Date)]
    pub on: String,
    pub note: String,
}

impl From<&MedicationChange> for MedicationChangeDto {
    fn from(c: &MedicationChange) -> Self {
        Self {
            medicine: c.medicine.clone(),
            kind: c.kind.code(),
            dose: c.dose.clone(),
            prescriber: c.prescriber.clone(),
            on: day(c.on),
            note: c.note.clone(),
        }
    }
}

/// A medicine being taken, as the record stands.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CurrentMedicine)]
pub struct CurrentMedicineDto {
    pub medicine: String,
    pub dose: String,
    pub prescriber: String,
    #[schema(value_type = String, format = Date)]
    pub since: String,
    #[schema(value_type = String, format = Date)]
    pub changed_on: String,
}

impl From<&CurrentMedicine> for CurrentMedicineDto {
    fn from(m: &CurrentMedicine) -> Self {
        Self {
            medicine: m.medicine.clone(),
            dose: m.dose.clone(),
            prescriber: m.prescriber.clone(),
            since: day(m.since),
            changed_on: day(m.changed_on),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MaintenanceDecision)]
pub struct MaintenanceDecisionDto {
    #[schema(value_type = MaintenanceChoiceCode)]
    pub choice: &'static str,
    pub rationale: String,
    #[schema(value_type = String, format = Date)]
    pub decided_on: String,
}

impl From<&MaintenanceDecision> for MaintenanceDecisionDto {
    fn from(m: &MaintenanceDecision) -> Self {
        Self {
            choice: m.choice.code(),
            rationale: m.rationale.clone(),
            decided_on: day(m.decided_on),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TerminationReview)]
pub struct TerminationReviewDto {
    pub gains: String,
    pub feelings_about_ending: String,
    pub non_response_plan: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub reviewed_on: Option<String>,
}

impl From<&TerminationReview> for TerminationReviewDto {
    fn from(t: &TerminationReview) -> Self {
        Self {
            gains: t.gains.clone(),
            feelings_about_ending: t.feelings_about_ending.clone(),
            non_response_plan: t.non_response_plan.clone(),
            reviewed_on: t.reviewed_on.map(day),
        }
    }
}

fn focus_dto(f: &FocusAreas) -> Vec<FocusAreaDto> {
    f.areas()
        .iter()
        .map(|a| FocusAreaDto {
            area: a.kind().code(),
            stage: a.stage().map(|s| s.code()),
        })
        .collect()
}

/// One choice of focus in the course's history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = FocusChoice)]
pub struct FocusChoiceDto {
    pub areas: Vec<FocusAreaDto>,
    #[schema(value_type = String, format = Date)]
    pub chosen_on: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Course)]
pub struct CourseDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: CourseId,
    #[schema(value_type = uuid::Uuid)]
    pub patient_id: PatientId,
    #[schema(value_type = uuid::Uuid)]
    pub clinician_id: UserId,
    #[schema(value_type = FormatCode)]
    pub format: &'static str,
    #[schema(value_type = CourseStatusCode)]
    pub status: &'static str,
    pub end_reason: Option<EndReasonDto>,
    #[schema(value_type = PhasePlanDoc)]
    pub phase_plan: PhasePlan,
    pub planned_sessions: u16,
    #[schema(value_type = String, format = Date)]
    pub started_on: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub ended_on: Option<String>,
    #[schema(value_type = IndicationDoc)]
    pub indication: IndicationRecord,
    pub diagnosis: Option<DiagnosisDto>,
    pub focus: Vec<FocusAreaDto>,
    /// Every focus chosen, oldest first, with the day and the reason given.
    pub focus_history: Vec<FocusChoiceDto>,
    pub formulation: Option<FormulationDto>,
    pub contract: Option<ContractDto>,
    pub relapse_plan: Option<RelapsePlanDto>,
    pub maintenance_decision: Option<MaintenanceDecisionDto>,
    pub termination_review: Option<TerminationReviewDto>,
    pub safety_plan: Option<SafetyPlanDto>,
    /// The inventory's global fields at the start and the end of the course.
    pub inventory_patterns: InventoryPatternsRecordDto,
    /// The medication record, every change oldest first.
    pub medication: Vec<MedicationChangeDto>,
    /// What the medication record shows as being taken now.
    pub current_medication: Vec<CurrentMedicineDto>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub continues_course_id: Option<CourseId>,
    pub version: i64,
}

impl From<&Course> for CourseDto {
    fn from(c: &Course) -> Self {
        Self {
            id: c.id,
            patient_id: c.patient,
            clinician_id: c.clinician,
            format: c.format.code(),
            status: c.status.code(),
            end_reason: end_reason(&c.status),
            phase_plan: c.phase_plan,
            planned_sessions: c.planned_sessions(),
            started_on: day(c.started_on),
            ended_on: c.ended_on.map(day),
            indication: c.indication.clone(),
            diagnosis: c.diagnosis.as_ref().map(Into::into),
            focus: c.focus.as_ref().map(focus_dto).unwrap_or_default(),
            focus_history: c
                .focus_history
                .iter()
                .map(|h| FocusChoiceDto {
                    areas: focus_dto(&h.areas),
                    chosen_on: day(h.chosen_on),
                    reason: h.reason.clone(),
                })
                .collect(),
            formulation: c.formulation.as_ref().map(Into::into),
            contract: c.contract.as_ref().map(|k| ContractDto::of(k, c.format)),
            relapse_plan: c.relapse_plan.as_ref().map(Into::into),
            maintenance_decision: c.maintenance.as_ref().map(Into::into),
            termination_review: c.termination.as_ref().map(Into::into),
            safety_plan: c.safety_plan.as_ref().map(Into::into),
            inventory_patterns: InventoryPatternsRecordDto {
                start: c.inventory_globals.start.as_ref().map(Into::into),
                end: c.inventory_globals.end.as_ref().map(Into::into),
            },
            medication: c.medication.iter().map(Into::into).collect(),
            current_medication: current_medication(&c.medication)
                .iter()
                .map(Into::into)
                .collect(),
            continues_course_id: c.continues,
            version: c.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = InventoryPerson)]
pub struct InventoryPersonDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: InventoryPersonId,
    pub alias: String,
    #[schema(value_type = RelationshipCode)]
    pub relationship: RelationshipKind,
    /// 1 (closest) to 3, or 0 for outside the circle.
    #[schema(maximum = 3)]
    pub ring: u8,
    pub contact_frequency: String,
    pub confidant: bool,
    pub practical_support: bool,
    #[schema(value_type = ConflictCode)]
    pub conflict: ConflictLevel,
    #[schema(value_type = ReciprocityCode)]
    pub reciprocity: Reciprocity,
    pub deceased: bool,
    #[schema(value_type = Vec<AreaCode>)]
    pub area_tags: Vec<AreaKind>,
    /// How easy the patient finds it to tell this person what they need: 0 (very hard) to 4
    /// (easy), our own course measure; null when not asked.
    #[schema(value_type = Option<u8>, maximum = 4)]
    pub self_expression: Option<u8>,
    #[schema(value_type = InventoryNotesIn)]
    pub notes: InventoryNotes,
    pub version: i64,
}

impl From<&InventoryPerson> for InventoryPersonDto {
    fn from(p: &InventoryPerson) -> Self {
        Self {
            id: p.id,
            alias: p.alias.as_str().to_string(),
            relationship: p.relationship,
            ring: p.ring.number(),
            contact_frequency: p.contact_frequency.clone(),
            confidant: p.confidant,
            practical_support: p.practical_support,
            conflict: p.conflict,
            reciprocity: p.reciprocity,
            deceased: p.deceased,
            area_tags: p.area_tags.clone(),
            self_expression: p.self_expression.map(|r| r.value()),
            notes: p.notes.clone(),
            version: p.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SnapshotPerson)]
pub struct SnapshotPersonDto {
    #[schema(value_type = uuid::Uuid)]
    pub person_id: InventoryPersonId,
    pub alias: String,
    #[schema(value_type = RelationshipCode)]
    pub relationship: RelationshipKind,
    #[schema(maximum = 3)]
    pub ring: u8,
    pub confidant: bool,
    /// The self-expression rating when the snapshot was taken (0–4), null when not asked.
    #[schema(value_type = Option<u8>, maximum = 4)]
    pub self_expression: Option<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Snapshot)]
pub struct SnapshotDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: SnapshotId,
    #[schema(value_type = SnapshotKindCode)]
    pub kind: &'static str,
    #[schema(value_type = String, format = Date)]
    pub taken_on: String,
    pub people: Vec<SnapshotPersonDto>,
}

impl From<&InventorySnapshot> for SnapshotDto {
    fn from(s: &InventorySnapshot) -> Self {
        Self {
            id: s.id,
            kind: s.kind.code(),
            taken_on: day(s.taken_on),
            people: s
                .people
                .iter()
                .map(|p| SnapshotPersonDto {
                    person_id: p.person,
                    alias: p.alias.clone(),
                    relationship: p.relationship,
                    ring: p.ring.number(),
                    confidant: p.confidant,
                    self_expression: p.self_expression.map(|r| r.value()),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TimelineEvent)]
pub struct TimelineEventDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: TimelineEventId,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: as precisely as it is known.
    #[schema(value_type = ApproxDay)]
    pub date: String,
    #[schema(value_type = EventKindCode)]
    pub kind: &'static str,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub person_id: Option<InventoryPersonId>,
    pub description: String,
    pub version: i64,
}

impl From<&TimelineEvent> for TimelineEventDto {
    fn from(e: &TimelineEvent) -> Self {
        Self {
            id: e.id,
            date: e.date.to_string(),
            kind: e.kind.code(),
            person_id: e.person,
            description: e.description.clone(),
            version: e.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MoodEpisode)]
pub struct MoodEpisodeDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: MoodEpisodeId,
    #[schema(value_type = ApproxDay)]
    pub onset: String,
    #[schema(value_type = Option<ApproxDay>)]
    pub end: Option<String>,
    #[schema(value_type = EpisodeSeverityCode)]
    pub severity: &'static str,
    pub current: bool,
    pub version: i64,
}

impl From<&MoodEpisode> for MoodEpisodeDto {
    fn from(e: &MoodEpisode) -> Self {
        Self {
            id: e.id,
            onset: e.onset.to_string(),
            end: e.end.map(|d| d.to_string()),
            severity: e.severity.code(),
            current: e.current,
            version: e.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Timeline)]
pub struct TimelineDto {
    pub events: Vec<TimelineEventDto>,
    pub episodes: Vec<MoodEpisodeDto>,
}

#[derive(Debug, Serialize, Deserialize, Default, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = RiskReview)]
pub struct RiskReviewDto {
    pub reviewed: bool,
    pub concern: bool,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Session)]
pub struct SessionDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: SessionId,
    #[schema(value_type = uuid::Uuid)]
    pub course_id: CourseId,
    pub number: u16,
    #[schema(value_type = String, format = Date)]
    pub date: String,
    #[schema(value_type = PhaseCode)]
    pub phase: &'static str,
    pub phase_override_reason: Option<String>,
    #[schema(value_type = ModalityCode)]
    pub modality: &'static str,
    #[schema(value_type = AttendanceCode)]
    pub attendance: &'static str,
    #[schema(value_type = Option<SpecialSessionCode>)]
    pub special: Option<SpecialSession>,
    #[schema(value_type = Vec<TechniqueCode>)]
    pub techniques: Vec<Technique>,
    #[schema(value_type = Vec<String>)]
    pub strategies: Vec<ipt_domain::problem_area::Strategy>,
    #[schema(value_type = Vec<String>)]
    pub tasks_done: Vec<PhaseTask>,
    #[schema(value_type = Vec<String>)]
    pub checklist: Vec<ChecklistItem>,
    pub interval_events: String,
    pub agreed_actions: String,
    pub risk_review: RiskReviewDto,
    pub notes: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_date: Option<String>,
    /// The N of "session n of N": the course's planned sessions (`Course.planned_sessions`),
    /// the contract's count once one is agreed, else the format's usual count.
    pub planned_sessions: u16,
    /// Whether a contract is agreed; before it, `planned_sessions` is only the format's usual
    /// count and the pages say "Session n" with no contract agreed.
    pub contract_agreed: bool,
    pub version: i64,
}

impl SessionDto {
    /// A session of `course`, with where it stands in the course's plan.
    pub fn of(s: &TherapySession, course: &Course) -> Self {
        Self {
            id: s.id,
            course_id: s.course,
            number: s.number.get(),
            date: day(s.date),
            phase: s.phase.phase.code(),
            phase_override_reason: s.phase.override_reason.clone(),
            modality: s.modality.code(),
            attendance: s.attendance.code(),
            special: s.special,
            techniques: s.techniques.clone(),
            strategies: s.strategies.clone(),
            tasks_done: s.tasks_done.clone(),
            checklist: s.checklist.clone(),
            interval_events: s.interval_events.clone(),
            agreed_actions: s.agreed_actions.clone(),
            risk_review: RiskReviewDto {
                reviewed: s.risk_review.reviewed,
                concern: s.risk_review.concern,
                note: s.risk_review.note.clone(),
            },
            notes: s.notes.clone(),
            next_date: s.next_date.map(day),
            planned_sessions: course.planned_sessions(),
            contract_agreed: course.contract.is_some(),
            version: s.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Goal)]
pub struct GoalDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: GoalId,
    #[schema(value_type = AreaCode)]
    pub area: &'static str,
    pub description: String,
    #[schema(maximum = 10)]
    pub progress: Option<u8>,
    #[schema(value_type = GoalStatusCode)]
    pub status: &'static str,
    pub version: i64,
}

impl From<&Goal> for GoalDto {
    fn from(g: &Goal) -> Self {
        Self {
            id: g.id,
            area: g.area.code(),
            description: g.description.clone(),
            progress: g.progress,
            status: g.status.code(),
            version: g.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Assessment)]
pub struct AssessmentDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: AssessmentId,
    #[schema(value_type = uuid::Uuid)]
    pub patient_id: PatientId,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub course_id: Option<CourseId>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub session_id: Option<SessionId>,
    pub instrument: String,
    /// The answers as published, in item order (the RAS: −3 … +3); `null` for a missing item.
    pub answers: Vec<Option<i16>>,
    #[schema(value_type = AssessmentStatusCode)]
    pub status: &'static str,
    #[schema(value_type = ModeCode)]
    pub mode: &'static str,
    #[schema(value_type = String, format = DateTime)]
    pub administered_at: String,
    #[schema(value_type = Option<PhaseCode>)]
    pub phase: Option<&'static str>,
    #[schema(value_type = Option<ScoreSummaryDoc>)]
    pub result: Option<ScoreSummary>,
    pub version: i64,
}

impl From<&Assessment> for AssessmentDto {
    fn from(a: &Assessment) -> Self {
        Self {
            id: a.id,
            patient_id: a.patient,
            course_id: a.course,
            session_id: a.session,
            instrument: a.instrument.clone(),
            answers: match ipt_domain::measures::Catalogue::builtin().get(&a.instrument) {
                Some(i) => i.published_answers(&a.answers),
                None => a.answers.iter().map(|c| c.map(i16::from)).collect(),
            },
            status: a.status.code(),
            mode: a.mode.code(),
            administered_at: instant(a.administered_at),
            phase: a.phase.map(|p| p.code()),
            result: a.result.clone(),
            version: a.version,
        }
    }
}

/// One page of a list (`paging` in the core): its rows, and where the next page starts.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageDto<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// The next page's URL; null on the last page.
    pub next: Option<String>,
}

/// An assessment just recorded, with what scoring noticed and whether it raised an alert.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RecordedAssessment)]
pub struct RecordedAssessmentDto {
    #[serde(flatten)]
    pub assessment: AssessmentDto,
    /// Scoring remarks that did not stop the result, e.g. an unanswered risk item.
    pub scoring_messages: Vec<String>,
    pub risk_alert_raised: bool,
}

/// A status the course could move to next, and what it still needs.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Move)]
pub struct MoveDto {
    #[schema(value_type = TargetStatusCode)]
    pub target: &'static str,
    pub ready: bool,
    pub unmet: Vec<UnmetGuard>,
}

/// An escalation flag the scores on file suggest, for the clinician to confirm by ticking it in
/// the indication record (`PUT /indication`); never ticked by the software (#14, finding 7).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SuggestedFlag)]
pub struct SuggestedFlagDto {
    #[schema(value_type = EscalationFlagCode)]
    pub flag: &'static str,
    /// The instrument whose score suggests it.
    pub instrument: String,
    pub total: Option<u32>,
    #[schema(value_type = String, format = Date)]
    pub on: String,
    /// Its positive risk items (for `high_suicide_risk`).
    pub risk_items: Vec<u16>,
    /// The instrument's "more severe" threshold the total reached (for
    /// `more_severe_depression`).
    pub at_least: Option<u32>,
    /// Where the rule comes from.
    pub source: String,
}

impl From<&SuggestedFlag> for SuggestedFlagDto {
    fn from(s: &SuggestedFlag) -> Self {
        Self {
            flag: s.flag.code(),
            instrument: s.evidence.instrument.clone(),
            total: s.evidence.total,
            on: day(s.evidence.on),
            risk_items: s.evidence.risk_items.clone(),
            at_least: s.at_least,
            source: s.source.clone(),
        }
    }
}

/// The mid-course review: half the planned sessions attended and the main measure not on track
/// (or reliably worse), so combination with medication or referral is to be discussed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MidCourseReview)]
pub struct MidCourseReviewDto {
    pub instrument: String,
    pub baseline: u32,
    pub latest: u32,
    pub attended: u16,
    pub planned: u16,
    /// Reliably worse, not only short of the on-track improvement.
    pub deteriorated: bool,
}

/// What the course page prompts from the scores.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CoursePrompts)]
pub struct CoursePromptsDto {
    pub mid_course_review: Option<MidCourseReviewDto>,
    /// The format's main measure asks nothing about suicide (GDS-15) and no separate screen is
    /// on file yet: no risk-bearing score, no session recording it.
    pub separate_suicide_screen: bool,
    /// A risk item was answered positively on the course and no safety plan is written yet.
    pub safety_plan_due: bool,
    /// A group course before its middle phase: what the screening shows.
    pub group_eligibility: Option<GroupEligibilityDto>,
    /// The format's secondary measures due now: `at` is `start` (not yet given) or `end` (the
    /// course is in its termination phase and the measure was not given there).
    pub secondary_due: Vec<SecondaryDueDto>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SecondaryDue)]
pub struct SecondaryDueDto {
    pub instrument: String,
    #[schema(value_type = String)]
    pub at: ipt_domain::prompts::PlanPoint,
}

/// A group member's screening finding (decision support for the facilitator).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = GroupEligibility)]
pub struct GroupEligibilityDto {
    /// `not_screened`, `refer_on`, `at_or_above_threshold` or `below_threshold`.
    pub finding: &'static str,
    /// Why to refer on (`psychotic_features`, `bipolar_history`, `high_suicide_risk`,
    /// `suicide_item_positive`); empty unless the finding is `refer_on`.
    pub refer_on: Vec<&'static str>,
    pub total: Option<u32>,
    pub threshold: u32,
    #[schema(value_type = Option<String>, format = Date)]
    pub screened_on: Option<String>,
}

impl From<&Eligibility> for GroupEligibilityDto {
    fn from(e: &Eligibility) -> Self {
        let threshold = ipt_domain::eligibility::SCREENING_THRESHOLD;
        match e {
            Eligibility::NotScreened => Self {
                finding: "not_screened",
                refer_on: vec![],
                total: None,
                threshold,
                screened_on: None,
            },
            Eligibility::ReferOn(r) => Self {
                finding: "refer_on",
                refer_on: r.iter().map(|r| r.code()).collect(),
                total: None,
                threshold,
                screened_on: None,
            },
            Eligibility::Screened {
                total,
                threshold,
                on,
                at_or_above,
            } => Self {
                finding: if *at_or_above {
                    "at_or_above_threshold"
                } else {
                    "below_threshold"
                },
                refer_on: vec![],
                total: Some(*total),
                threshold: *threshold,
                screened_on: Some(day(*on)),
            },
        }
    }
}

impl From<&CoursePrompts> for CoursePromptsDto {
    fn from(p: &CoursePrompts) -> Self {
        Self {
            mid_course_review: p.mid_course_review.as_ref().map(|r| MidCourseReviewDto {
                instrument: r.instrument.clone(),
                baseline: r.baseline,
                latest: r.latest,
                attended: r.attended,
                planned: r.planned,
                deteriorated: r.deteriorated,
            }),
            separate_suicide_screen: p.separate_suicide_screen,
            safety_plan_due: p.safety_plan_due,
            group_eligibility: p.group_eligibility.as_ref().map(Into::into),
            secondary_due: p
                .secondary_due
                .iter()
                .map(|d| SecondaryDueDto {
                    instrument: d.instrument.clone(),
                    at: d.at,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CourseView)]
pub struct CourseViewDto {
    pub course: CourseDto,
    pub patient: PatientDto,
    pub next: Vec<MoveDto>,
    /// Escalation flags the scores suggest and the indication record does not tick yet.
    pub suggested_flags: Vec<SuggestedFlagDto>,
    /// The prompts the course page shows from the scores.
    pub prompts: CoursePromptsDto,
    pub inventory: Vec<InventoryPersonDto>,
    pub snapshots: Vec<SnapshotDto>,
    pub timeline: TimelineDto,
    /// The most recent 100 sessions, by number; `sessions_total` counts them all, and
    /// `sessions_more` (when some are left out) lists them all a page at a time.
    pub sessions: Vec<SessionDto>,
    pub sessions_total: usize,
    pub sessions_more: Option<String>,
    pub goals: Vec<GoalDto>,
    /// The most recent 100 assessments, oldest of them first; `assessments_total` counts them
    /// all, and `assessments_more` (when some are left out) lists them all a page at a time.
    pub assessments: Vec<AssessmentDto>,
    pub assessments_total: usize,
    pub assessments_more: Option<String>,
    /// Perceived support, loneliness, assertiveness and the closeness circle, start against
    /// latest (over every assessment of the course, not only the 100 listed).
    pub secondary_outcomes: SecondaryOutcomesDto,
}

impl CourseViewDto {
    /// The view, with each next move and what it still needs (`unmet`, from the core).
    pub fn of(
        v: &CourseView,
        suggested: &[SuggestedFlag],
        prompts: &CoursePrompts,
        unmet: impl Fn(&CourseStatus) -> Vec<Guard>,
    ) -> Self {
        let c = &v.course;
        let (sessions, sessions_total) = ipt_app::paging::recent(&v.sessions);
        let (assessments, assessments_total) = ipt_app::paging::recent(&v.assessments);
        let more = |shown: usize, total: usize, list: &str| {
            (shown < total).then(|| format!("/api/v1/courses/{}/{list}", c.id))
        };
        Self {
            sessions_more: more(sessions.len(), sessions_total, "sessions"),
            assessments_more: more(assessments.len(), assessments_total, "assessments"),
            sessions_total,
            assessments_total,
            course: c.into(),
            patient: (&v.patient).into(),
            suggested_flags: suggested.iter().map(Into::into).collect(),
            prompts: prompts.into(),
            next: c
                .next_statuses()
                .iter()
                .map(|target| {
                    let unmet: Vec<UnmetGuard> = unmet(target).iter().map(UnmetGuard::of).collect();
                    MoveDto {
                        target: target.code(),
                        ready: unmet.is_empty(),
                        unmet,
                    }
                })
                .collect(),
            inventory: v.inventory.iter().map(Into::into).collect(),
            snapshots: v.snapshots.iter().map(Into::into).collect(),
            timeline: TimelineDto {
                events: v
                    .timeline
                    .events_sorted()
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                episodes: v.timeline.episodes.iter().map(Into::into).collect(),
            },
            sessions: sessions.iter().map(|s| SessionDto::of(s, c)).collect(),
            goals: v.goals.iter().map(Into::into).collect(),
            assessments: assessments.iter().map(Into::into).collect(),
            secondary_outcomes: (&v.secondary_outcomes()).into(),
        }
    }
}

/// One score of a secondary questionnaire.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OutcomeScore)]
pub struct OutcomeScoreDto {
    pub total: f64,
    #[schema(format = DateTime)]
    pub at: String,
}

/// A subscale's item mean at the first and the latest score.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SubscaleChange)]
pub struct SubscaleChangeDto {
    pub code: String,
    pub name: String,
    pub first_mean: Option<f64>,
    pub latest_mean: Option<f64>,
}

/// The change metrics the instrument defines; null where it defines none.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OutcomeChange)]
pub struct OutcomeChangeDto {
    pub reliable_improvement: Option<bool>,
    pub reliable_deterioration: Option<bool>,
    pub clinically_significant_improvement: Option<bool>,
}

/// One secondary questionnaire over the course.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = MeasureChange)]
pub struct MeasureChangeDto {
    pub instrument: String,
    pub short_name: String,
    /// `social_support`, `loneliness` or `assertiveness`.
    pub construct: &'static str,
    pub higher_is_better: bool,
    /// The published range (the RAS: −90 to +90).
    pub min_total: i32,
    pub max_total: i32,
    pub first: OutcomeScoreDto,
    /// Null while there is one score only.
    pub latest: Option<OutcomeScoreDto>,
    pub finals: usize,
    /// Latest minus first.
    pub difference: Option<f64>,
    pub change: Option<OutcomeChangeDto>,
    pub subscales: Vec<SubscaleChangeDto>,
}

/// The closeness circle's counts (living people only).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NetworkIndices)]
pub struct NetworkIndicesDto {
    pub in_circle: usize,
    pub inner_ring: usize,
    pub confidant_present: bool,
}

/// The circle at the start of the middle phase against the end snapshot (or now).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = NetworkChange)]
pub struct NetworkChangeDto {
    #[schema(format = Date)]
    pub start_on: Option<String>,
    pub start: Option<NetworkIndicesDto>,
    /// Null when `latest` is the inventory as it is now.
    #[schema(format = Date)]
    pub end_on: Option<String>,
    pub latest: NetworkIndicesDto,
}

/// One relationship's self-expression rating (0–4) at the start and the latest point.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = RelationshipExpression)]
pub struct RelationshipExpressionDto {
    #[schema(value_type = uuid::Uuid)]
    pub person_id: InventoryPersonId,
    pub alias: String,
    pub start: Option<u8>,
    pub latest: Option<u8>,
    pub change: Option<i8>,
}

/// Our own per-relationship rating, "How easy is it to tell this person what you need?" (0
/// very hard to 4 easy): a course measure, not a validated scale.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SelfExpressionChange)]
pub struct SelfExpressionDto {
    pub relationships: Vec<RelationshipExpressionDto>,
    pub start_index: Option<f64>,
    pub latest_index: Option<f64>,
    /// Relationships rated at both points; `mean_change` is over these.
    pub paired: usize,
    pub mean_change: Option<f64>,
}

/// The seed's secondary outcomes: perceived support, loneliness, assertiveness, the circle.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SecondaryOutcomes)]
pub struct SecondaryOutcomesDto {
    pub measures: Vec<MeasureChangeDto>,
    pub network: NetworkChangeDto,
    pub self_expression: SelfExpressionDto,
}

impl From<&ipt_app::outcomes::SecondaryOutcomes> for SecondaryOutcomesDto {
    fn from(x: &ipt_app::outcomes::SecondaryOutcomes) -> Self {
        let score = |p: &ipt_app::outcomes::ScorePoint| OutcomeScoreDto {
            total: p.total,
            at: instant(p.at),
        };
        let net = |n: &ipt_domain::inventory::NetworkIndices| NetworkIndicesDto {
            in_circle: n.in_circle,
            inner_ring: n.inner_ring,
            confidant_present: n.confidant_present,
        };
        let se = &x.self_expression;
        Self {
            measures: x
                .measures
                .iter()
                .map(|m| MeasureChangeDto {
                    instrument: m.instrument.clone(),
                    short_name: m.short_name.clone(),
                    construct: m.construct.code(),
                    higher_is_better: m.higher_is_better,
                    min_total: m.min_total,
                    max_total: m.max_total,
                    first: score(&m.first),
                    latest: m.latest.as_ref().map(score),
                    finals: m.finals,
                    difference: m.difference(),
                    change: m.change.map(|c| OutcomeChangeDto {
                        reliable_improvement: c.reliable_improvement,
                        reliable_deterioration: c.reliable_deterioration,
                        clinically_significant_improvement: c.clinically_significant_improvement,
                    }),
                    subscales: m
                        .subscales
                        .iter()
                        .map(|s| SubscaleChangeDto {
                            code: s.code.clone(),
                            name: s.name.clone(),
                            first_mean: s.first_mean,
                            latest_mean: s.latest_mean,
                        })
                        .collect(),
                })
                .collect(),
            network: NetworkChangeDto {
                start_on: x.network.start_on.map(day),
                start: x.network.start.as_ref().map(net),
                end_on: x.network.end_on.map(day),
                latest: net(&x.network.latest),
            },
            self_expression: SelfExpressionDto {
                relationships: se
                    .relationships
                    .iter()
                    .map(|r| RelationshipExpressionDto {
                        person_id: r.person,
                        alias: r.alias.clone(),
                        start: r.start.map(|v| v.value()),
                        latest: r.latest.map(|v| v.value()),
                        change: r.change(),
                    })
                    .collect(),
                start_index: se.start_index,
                latest_index: se.latest_index,
                paired: se.paired,
                mean_change: se.mean_change,
            },
        }
    }
}

/// `trend`'s codes, as `CaseloadRowDto::from` writes them.
fn trend_schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["first", "better", "worse", "same"]))
        .into()
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LatestScore)]
pub struct LatestScoreDto {
    pub instrument: String,
    pub total: f64,
    pub severity: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub on: String,
    pub previous: Option<f64>,
    /// `first`, `better`, `worse` or `same` (lower totals are better on every instrument used).
    #[schema(schema_with = trend_schema)]
    pub trend: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CaseloadRow)]
pub struct CaseloadRowDto {
    pub patient: PatientDto,
    pub course: Option<CourseSummaryDto>,
    pub sessions_attended: usize,
    pub planned_sessions: u16,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_session: Option<String>,
    pub latest_score: Option<LatestScoreDto>,
    pub open_alerts: Vec<AlertDto>,
    pub signals: Vec<SignalDto>,
}

/// A caseload signal: its kind, the facts that explain it, and the page where it is acted on.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Signal)]
pub struct SignalDto {
    #[schema(value_type = SignalKindCode)]
    pub kind: &'static str,
    /// The web page to act on it (the patient's alerts, or the course's measures, sessions,
    /// contract or overview).
    pub link: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl SignalDto {
    pub fn new(s: &Signal, patient: PatientId, course: Option<CourseId>) -> Self {
        use serde_json::json;
        let detail = match s {
            Signal::OpenAlerts { count } => json!({ "count": count }),
            Signal::ReliableDeterioration {
                instrument,
                baseline,
                latest,
                latest_on,
                reliable_points,
            } => json!({
                "instrument": instrument,
                "baseline": baseline,
                "latest": latest,
                "latest_on": day(*latest_on),
                "reliable_points": reliable_points,
            }),
            Signal::NotOnTrack {
                instrument,
                baseline,
                latest,
                improvement_percent,
                threshold_percent,
                attended,
                planned,
            } => json!({
                "instrument": instrument,
                "baseline": baseline,
                "latest": latest,
                "improvement_percent": (improvement_percent * 10.0).round() / 10.0,
                "threshold_percent": threshold_percent,
                "attended": attended,
                "planned": planned,
            }),
            Signal::MeasuresOverdue {
                instrument,
                due,
                last_measured,
            } => {
                let (due, every, since) = match due {
                    MeasureDue::Baseline => ("baseline", None, None),
                    MeasureDue::End => ("end", None, None),
                    MeasureDue::Repeat {
                        every,
                        sessions_since,
                    } => ("repeat", Some(*every), Some(*sessions_since)),
                };
                json!({
                    "instrument": instrument,
                    "due": due,
                    "every": every,
                    "sessions_since": since,
                    "last_measured": last_measured.map(day),
                })
            }
            Signal::MissedSessions {
                in_a_row,
                last_missed,
            } => json!({ "in_a_row": in_a_row, "last_missed": day(*last_missed) }),
            Signal::ContractOverrunning {
                attended,
                contracted,
                end_date,
                sessions_over,
                past_end_date,
            } => json!({
                "attended": attended,
                "contracted": contracted,
                "end_date": day(*end_date),
                "sessions_over": sessions_over,
                "past_end_date": past_end_date,
            }),
            Signal::EndingDiscussionDue(d) => json!({
                "attended": d.attended,
                "planned": d.planned,
                "sessions_left": d.sessions_left,
                "end_date": d.end_date.map(day),
                "days_left": d.days_left,
            }),
        };
        Self {
            kind: s.kind().code(),
            link: crate::signals::link(s, patient, course),
            detail,
        }
    }
}

impl From<&CaseloadRow> for CaseloadRowDto {
    fn from(r: &CaseloadRow) -> Self {
        Self {
            patient: (&r.patient).into(),
            course: r.course.as_ref().map(Into::into),
            sessions_attended: r.sessions_attended,
            planned_sessions: r.planned_sessions,
            next_session: r.next_session.map(day),
            latest_score: r.latest.as_ref().map(|s| LatestScoreDto {
                instrument: s.instrument.clone(),
                total: s.total,
                severity: s.severity.clone(),
                on: day(s.on),
                previous: s.previous,
                trend: match s.previous {
                    None => "first",
                    Some(p) if s.total < p => "better",
                    Some(p) if s.total > p => "worse",
                    Some(_) => "same",
                },
            }),
            open_alerts: r.open_alerts.iter().map(Into::into).collect(),
            signals: r
                .signals
                .iter()
                .map(|s| SignalDto::new(s, r.patient.id, r.course.as_ref().map(|c| c.id)))
                .collect(),
        }
    }
}

// ---- Requests ----------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewPatient {
    #[schema(required = true, value_type = String)]
    pub name: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub date_of_birth: Option<String>,
    #[schema(value_type = Option<LanguageCode>, default = "en")]
    pub language: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewCourse {
    #[schema(required = true, value_type = uuid::Uuid)]
    pub patient_id: Option<String>,
    #[schema(required = true, value_type = FormatCode)]
    pub format: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub started_on: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = Transition)]
pub struct NewTransition {
    #[schema(required = true, value_type = TargetStatusCode)]
    pub target: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
    #[schema(value_type = Option<EndReasonCode>)]
    pub end_reason: Option<String>,
    pub end_detail: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewInventoryPerson {
    #[schema(required = true, value_type = String, max_length = 60)]
    pub alias: Option<String>,
    #[schema(required = true, value_type = RelationshipCode)]
    pub relationship: Option<String>,
    #[schema(required = true, value_type = u8, maximum = 3)]
    pub ring: Option<u8>,
    pub contact_frequency: String,
    pub confidant: bool,
    pub practical_support: bool,
    #[schema(value_type = Option<ConflictCode>)]
    pub conflict: Option<String>,
    #[schema(value_type = Option<ReciprocityCode>)]
    pub reciprocity: Option<String>,
    pub deceased: bool,
    #[schema(value_type = Vec<AreaCode>)]
    pub area_tags: Vec<String>,
    /// 0 (very hard) to 4 (easy): "How easy is it to tell this person what you need?"; leave
    /// it out when not asked.
    #[schema(value_type = Option<u8>, maximum = 4)]
    pub self_expression: Option<u8>,
    pub notes: InventoryNotesIn,
}

/// The inventory's free-text notes about a person, each optional.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = InventoryNotes)]
pub struct InventoryNotesIn {
    pub shared_activities: String,
    pub satisfying_aspects: String,
    pub unsatisfying_aspects: String,
    pub expectations: String,
    pub communication_style: String,
    pub change_since_depression: String,
    pub wished_changes: String,
}

impl From<InventoryNotesIn> for InventoryNotes {
    fn from(n: InventoryNotesIn) -> Self {
        Self {
            shared_activities: n.shared_activities,
            satisfying_aspects: n.satisfying_aspects,
            unsatisfying_aspects: n.unsatisfying_aspects,
            expectations: n.expectations,
            communication_style: n.communication_style,
            change_since_depression: n.change_since_depression,
            wished_changes: n.wished_changes,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewTimelineEvent {
    #[schema(required = true, value_type = ApproxDay)]
    pub date: Option<String>,
    #[schema(required = true, value_type = EventKindCode)]
    pub kind: Option<String>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub person_id: Option<String>,
    pub description: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewMoodEpisode {
    #[schema(required = true, value_type = ApproxDay)]
    pub onset: Option<String>,
    #[schema(value_type = Option<ApproxDay>)]
    pub end: Option<String>,
    #[schema(required = true, value_type = EpisodeSeverityCode)]
    pub severity: Option<String>,
    pub current: bool,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewSession {
    #[schema(maximum = 60)]
    pub number: Option<u16>,
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    #[schema(value_type = Option<AttendanceCode>, default = "attended")]
    pub attendance: Option<String>,
    #[schema(value_type = Option<ModalityCode>)]
    pub modality: Option<String>,
    #[schema(value_type = Option<PhaseCode>)]
    pub phase: Option<String>,
    pub phase_override_reason: Option<String>,
    #[schema(value_type = Option<SpecialSessionCode>)]
    pub special: Option<String>,
    #[schema(value_type = Vec<TechniqueCode>)]
    pub techniques: Vec<String>,
    pub strategies: Vec<String>,
    pub tasks_done: Vec<String>,
    pub checklist: Vec<String>,
    pub interval_events: String,
    pub agreed_actions: String,
    pub risk_review: RiskReviewDto,
    pub notes: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_date: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewAssessment {
    #[schema(required = true, value_type = String)]
    pub instrument: Option<String>,
    /// Item answers in item order; `null` for a missing item.
    #[schema(required = true, value_type = Vec<Option<u8>>)]
    pub answers: Option<Vec<serde_json::Value>>,
    #[schema(value_type = Option<AssessmentStatusCode>, default = "final")]
    pub status: Option<String>,
    #[schema(value_type = Option<ModeCode>, default = "clinician")]
    pub mode: Option<String>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub session_id: Option<String>,
    /// When it was given: an RFC 3339 time, or a date (YYYY-MM-DD); never after today. Now
    /// when left out.
    #[schema(value_type = Option<String>)]
    pub administered_at: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewAcknowledgement {
    #[schema(required = true, value_type = String)]
    pub note: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewGoal {
    #[schema(required = true, value_type = AreaCode)]
    pub area: Option<String>,
    #[schema(required = true, value_type = String)]
    pub description: Option<String>,
    #[schema(maximum = 10)]
    pub progress: Option<u8>,
    #[schema(value_type = Option<GoalStatusCode>, default = "open")]
    pub status: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = DiagnosisInput)]
pub struct DiagnosisIn {
    #[schema(required = true, value_type = String)]
    pub statement: Option<String>,
    #[schema(required = true, value_type = SeverityCode)]
    pub severity: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub recorded_on: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FocusAreaInput)]
pub struct FocusAreaIn {
    #[schema(required = true, value_type = AreaCode)]
    pub area: Option<String>,
    #[schema(value_type = Option<DisputeStageCode>)]
    pub stage: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FocusInput)]
pub struct FocusIn {
    #[schema(required = true, value_type = Vec<FocusAreaIn>, min_items = 1, max_items = 2)]
    pub areas: Option<Vec<FocusAreaIn>>,
    /// Why this focus: optional at the first choice; a change of area after the initial phase
    /// needs it (and withdraws the formulation's acceptance).
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub reason: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = FormulationInput)]
pub struct FormulationIn {
    #[schema(required = true, value_type = String, max_length = 8000)]
    pub text: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub accepted_on: Option<String>,
    /// The formulation in the patient's own words, shown on their portal; the saved wording is
    /// kept when absent.
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub patient_wording: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = ContractInput)]
pub struct ContractIn {
    #[schema(required = true, value_type = u16)]
    pub sessions: Option<u16>,
    #[schema(required = true, value_type = FrequencyCode)]
    pub frequency: Option<String>,
    #[schema(required = true, value_type = String, format = Date)]
    pub end_date: Option<String>,
    /// The day the contract was agreed; today when absent (a course entered from elsewhere
    /// gives its real date).
    #[schema(value_type = Option<String>, format = Date)]
    pub agreed_on: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = RelapsePlanInput)]
pub struct RelapsePlanIn {
    #[schema(required = true)]
    pub warning_signs: String,
    pub triggers: String,
    pub coping: String,
    pub supports: String,
    #[schema(required = true)]
    pub seek_help: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub written_on: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = SafetyPlanInput)]
pub struct SafetyPlanIn {
    #[schema(required = true)]
    pub warning_signs: String,
    #[schema(required = true)]
    pub coping_steps: String,
    pub people_and_places: String,
    pub people_to_ask: String,
    pub professional_contacts: String,
    pub safer_environment: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub written_on: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

/// The global fields of one point; all four empty clears it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = InventoryPatternsInput)]
pub struct InventoryPatternsIn {
    pub relational_patterns: String,
    pub self_assertion: String,
    pub social_risk_taking: String,
    pub relationship_history: String,
    /// Today when left out; never in the future.
    #[schema(value_type = Option<String>, format = Date)]
    pub recorded_on: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = MedicationChangeInput)]
pub struct MedicationChangeIn {
    #[schema(required = true)]
    pub medicine: String,
    #[schema(required = true, value_type = MedicationChangeKindCode)]
    pub kind: Option<String>,
    /// The dose from this day on; needed for a dose change.
    pub dose: String,
    pub prescriber: String,
    /// The day of the change; today when absent.
    #[schema(value_type = Option<String>, format = Date)]
    pub on: Option<String>,
    pub note: String,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = MaintenanceDecisionInput)]
pub struct MaintenanceDecisionIn {
    #[schema(required = true, value_type = MaintenanceChoiceCode)]
    pub choice: Option<String>,
    pub rationale: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = IndicationInput)]
pub struct IndicationIn {
    #[schema(value_type = Vec<SymptomCode>)]
    pub symptoms: Vec<String>,
    pub two_weeks_or_more: bool,
    #[schema(value_type = Option<SeverityCode>)]
    pub severity: Option<String>,
    pub interpersonal_link: String,
    #[schema(value_type = Vec<FirstLineReasonCode>)]
    pub first_line_reasons: Vec<String>,
    #[schema(value_type = Vec<EscalationFlagCode>)]
    pub escalation_flags: Vec<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = TerminationReviewInput)]
pub struct TerminationReviewIn {
    pub gains: String,
    pub feelings_about_ending: String,
    pub non_response_plan: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub reviewed_on: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

/// A whole inventory person, replacing the stored one: the members of `NewInventoryPerson`
/// and the version that was read.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = InventoryPersonInput)]
pub struct InventoryPersonIn {
    #[schema(required = true, value_type = String, max_length = 60)]
    pub alias: Option<String>,
    #[schema(required = true, value_type = RelationshipCode)]
    pub relationship: Option<String>,
    #[schema(required = true, value_type = u8, maximum = 3)]
    pub ring: Option<u8>,
    pub contact_frequency: String,
    pub confidant: bool,
    pub practical_support: bool,
    #[schema(value_type = Option<ConflictCode>)]
    pub conflict: Option<String>,
    #[schema(value_type = Option<ReciprocityCode>)]
    pub reciprocity: Option<String>,
    pub deceased: bool,
    #[schema(value_type = Vec<AreaCode>)]
    pub area_tags: Vec<String>,
    /// 0 (very hard) to 4 (easy): "How easy is it to tell this person what you need?"; leave
    /// it out when not asked.
    #[schema(value_type = Option<u8>, maximum = 4)]
    pub self_expression: Option<u8>,
    pub notes: InventoryNotesIn,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

impl InventoryPersonIn {
    pub fn split(self) -> (NewInventoryPerson, Option<i64>) {
        (
            NewInventoryPerson {
                alias: self.alias,
                relationship: self.relationship,
                ring: self.ring,
                contact_frequency: self.contact_frequency,
                confidant: self.confidant,
                practical_support: self.practical_support,
                conflict: self.conflict,
                reciprocity: self.reciprocity,
                deceased: self.deceased,
                area_tags: self.area_tags,
                self_expression: self.self_expression,
                notes: self.notes,
            },
            self.version,
        )
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = TimelineEventInput)]
pub struct TimelineEventIn {
    #[schema(required = true, value_type = ApproxDay)]
    pub date: Option<String>,
    #[schema(required = true, value_type = EventKindCode)]
    pub kind: Option<String>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub person_id: Option<String>,
    pub description: String,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

impl TimelineEventIn {
    pub fn split(self) -> (NewTimelineEvent, Option<i64>) {
        (
            NewTimelineEvent {
                date: self.date,
                kind: self.kind,
                person_id: self.person_id,
                description: self.description,
            },
            self.version,
        )
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = MoodEpisodeInput)]
pub struct MoodEpisodeIn {
    #[schema(required = true, value_type = ApproxDay)]
    pub onset: Option<String>,
    #[schema(value_type = Option<ApproxDay>)]
    pub end: Option<String>,
    #[schema(required = true, value_type = EpisodeSeverityCode)]
    pub severity: Option<String>,
    pub current: bool,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

impl MoodEpisodeIn {
    pub fn split(self) -> (NewMoodEpisode, Option<i64>) {
        (
            NewMoodEpisode {
                onset: self.onset,
                end: self.end,
                severity: self.severity,
                current: self.current,
            },
            self.version,
        )
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = SessionInput)]
pub struct SessionIn {
    #[schema(maximum = 60)]
    pub number: Option<u16>,
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    #[schema(value_type = Option<AttendanceCode>, default = "attended")]
    pub attendance: Option<String>,
    #[schema(value_type = Option<ModalityCode>)]
    pub modality: Option<String>,
    #[schema(value_type = Option<PhaseCode>)]
    pub phase: Option<String>,
    pub phase_override_reason: Option<String>,
    #[schema(value_type = Option<SpecialSessionCode>)]
    pub special: Option<String>,
    #[schema(value_type = Vec<TechniqueCode>)]
    pub techniques: Vec<String>,
    pub strategies: Vec<String>,
    pub tasks_done: Vec<String>,
    pub checklist: Vec<String>,
    pub interval_events: String,
    pub agreed_actions: String,
    pub risk_review: RiskReviewDto,
    pub notes: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_date: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

impl SessionIn {
    pub fn split(self) -> (NewSession, Option<i64>) {
        (
            NewSession {
                number: self.number,
                date: self.date,
                attendance: self.attendance,
                modality: self.modality,
                phase: self.phase,
                phase_override_reason: self.phase_override_reason,
                special: self.special,
                techniques: self.techniques,
                strategies: self.strategies,
                tasks_done: self.tasks_done,
                checklist: self.checklist,
                interval_events: self.interval_events,
                agreed_actions: self.agreed_actions,
                risk_review: self.risk_review,
                notes: self.notes,
                next_date: self.next_date,
            },
            self.version,
        )
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = GoalInput)]
pub struct GoalIn {
    #[schema(required = true, value_type = AreaCode)]
    pub area: Option<String>,
    #[schema(required = true, value_type = String)]
    pub description: Option<String>,
    #[schema(maximum = 10)]
    pub progress: Option<u8>,
    #[schema(value_type = Option<GoalStatusCode>, default = "open")]
    pub status: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

impl GoalIn {
    pub fn split(self) -> (NewGoal, Option<i64>) {
        (
            NewGoal {
                area: self.area,
                description: self.description,
                progress: self.progress,
                status: self.status,
            },
            self.version,
        )
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewComment {
    #[schema(required = true, value_type = String, max_length = 4000)]
    pub text: Option<String>,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub session_id: Option<String>,
}

/// A supervisor's comment on a course.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Comment)]
pub struct CommentDto {
    #[schema(value_type = uuid::Uuid)]
    pub id: CommentId,
    #[schema(value_type = uuid::Uuid)]
    pub course_id: CourseId,
    #[schema(value_type = Option<uuid::Uuid>)]
    pub session_id: Option<SessionId>,
    #[schema(value_type = uuid::Uuid)]
    pub author_id: UserId,
    pub text: String,
    #[schema(value_type = String, format = DateTime)]
    pub written_at: String,
}

impl From<&SupervisorComment> for CommentDto {
    fn from(c: &SupervisorComment) -> Self {
        Self {
            id: c.id,
            course_id: c.course,
            session_id: c.session,
            author_id: c.author,
            text: c.text.clone(),
            written_at: instant(c.written_at),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = SupervisorInput)]
pub struct SupervisorIn {
    /// The supervisor's user id, or null for none.
    #[schema(required = true, value_type = Option<uuid::Uuid>)]
    pub supervisor_id: Option<String>,
    #[schema(required = true, value_type = i64)]
    pub version: Option<i64>,
}

/// A clinician's supervision after it was set.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Supervision)]
pub struct SupervisionDto {
    #[schema(format = Uuid)]
    pub user_id: String,
    #[schema(format = Uuid)]
    pub supervisor_id: Option<String>,
    pub version: i64,
}
