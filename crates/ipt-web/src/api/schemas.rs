//! Schemas of the OpenAPI document that the derive cannot read off a DTO: the code lists, built
//! from the domain's own lists (`ALL`, `CODES`) so the document cannot drift from what the API
//! accepts and answers, and the shapes of the few domain types the API serialises as they are.
//!
//! DTO fields name these with `#[schema(value_type = …)]`. The domain shapes are written out
//! as documentation types here; the response validation of the API tests checks them against
//! what the API really sends.

use std::borrow::Cow;

use ipt_domain::assessment::{AdministrationMode, AssessmentStatus};
use ipt_domain::course::{
    CourseStatus, DepressionSeverity, EndReason, GoalStatus, Guard, MaintenanceChoice,
};
use ipt_domain::indication::{EscalationFlag, FirstLineReason, Symptom};
use ipt_domain::inventory::{ConflictLevel, Reciprocity, RelationshipKind, SnapshotKind};
use ipt_domain::patient::Language;
use ipt_domain::problem_area::{AreaKind, DisputeStage};
use ipt_domain::protocol::{Format, Frequency, Modality, Phase, SpecialSession};
use ipt_domain::safety::MedicationChangeKind;
use ipt_domain::session::{Attendance, Technique};
use ipt_domain::signals::SignalKind;
use ipt_domain::timeline::{EpisodeSeverity, EventKind};
use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use super::problem::{TYPE_CONFLICT, TYPE_INVALID, TYPE_MALFORMED, TYPE_TRANSITION};

/// A string schema that takes one of `codes`.
fn codes<S: Into<String>>(codes: impl IntoIterator<Item = S>, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            codes.into_iter().map(Into::into).collect::<Vec<String>>(),
        ))
        .description(Some(description))
        .into()
}

/// The code serde writes for a value (for domain enums without a `code()`).
fn serde_code(v: impl Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Code lists: each a named schema in the document, its codes taken from the domain.
macro_rules! code_lists {
    ($($(#[doc = $doc:literal])* $name:ident => $codes:expr;)*) => {$(
        $(#[doc = $doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                codes($codes, concat!($($doc),*).trim())
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )*};
}

code_lists! {
    /// A treatment format of the protocol catalogue.
    FormatCode => Format::ALL.map(Format::code);
    /// Where a course stands.
    CourseStatusCode => CourseStatus::CODES;
    /// A status a course can be moved to (every status but referred).
    TargetStatusCode => CourseStatus::CODES.into_iter().filter(|c| *c != "referred");
    /// Why a course ended before completion.
    EndReasonCode => EndReason::CODES;
    /// A phase of treatment.
    PhaseCode => Phase::ALL.map(Phase::code);
    /// An interpersonal problem area.
    AreaCode => AreaKind::ALL.map(AreaKind::code);
    /// The stage of a role dispute.
    DisputeStageCode => DisputeStage::ALL.map(DisputeStage::code);
    /// A depression severity.
    SeverityCode => DepressionSeverity::ALL.map(DepressionSeverity::code);
    /// How often sessions are held.
    FrequencyCode => Frequency::ALL.map(Frequency::code);
    /// What happens after the acute course.
    MaintenanceChoiceCode => MaintenanceChoice::ALL.map(MaintenanceChoice::code);
    /// What happened to a medicine on a day.
    MedicationChangeKindCode => MedicationChangeKind::ALL.map(MedicationChangeKind::code);
    /// Where a treatment goal stands.
    GoalStatusCode => GoalStatus::ALL.map(GoalStatus::code);
    /// A person's relationship to the patient.
    RelationshipCode => RelationshipKind::ALL.map(RelationshipKind::code);
    /// How much conflict there is with a person.
    ConflictCode => ConflictLevel::ALL.map(ConflictLevel::code);
    /// Whether mutual expectations are met.
    ReciprocityCode => Reciprocity::ALL.map(serde_code);
    /// When an inventory snapshot was taken.
    SnapshotKindCode => SnapshotKind::ALL.map(SnapshotKind::code);
    /// The kind of an interpersonal event.
    EventKindCode => EventKind::ALL.map(EventKind::code);
    /// The severity of a mood episode.
    EpisodeSeverityCode => EpisodeSeverity::ALL.map(EpisodeSeverity::code);
    /// Whether the patient came.
    AttendanceCode => Attendance::ALL.map(Attendance::code);
    /// How a session was held.
    ModalityCode => Modality::ALL.map(Modality::code);
    /// A session with a special purpose within a format.
    SpecialSessionCode => SpecialSession::ALL.map(SpecialSession::code);
    /// An IPT technique.
    TechniqueCode => Technique::ALL.map(Technique::code);
    /// Who filled a questionnaire in.
    ModeCode => AdministrationMode::ALL.map(AdministrationMode::code);
    /// A final result, or a draft.
    AssessmentStatusCode => AssessmentStatus::ALL.map(AssessmentStatus::code);
    /// A language the product speaks.
    LanguageCode => Language::ALL.map(Language::code);
    /// A condition a course transition needs.
    GuardCode => Guard::ALL.map(serde_code);
    /// A caseload signal.
    SignalKindCode => SignalKind::ALL.map(SignalKind::code);
    /// A DSM-5 criterion-A symptom.
    SymptomCode => Symptom::ALL.map(Symptom::code);
    /// A reason IPT is a first-line choice.
    FirstLineReasonCode => FirstLineReason::ALL.map(FirstLineReason::code);
    /// A reason to consider more than IPT alone.
    EscalationFlagCode => EscalationFlag::ALL.map(EscalationFlag::code);
    /// Which patients a caseload shows (the handler's own choices).
    CaseloadShowCode => ["all", "open", "alerts"];
    /// How a caseload is sorted (the handler's own choices).
    CaseloadSortCode => ["name", "next", "alerts"];
    /// The problem type: `about:blank` for a plain status, or one with extension members.
    ProblemType => ["about:blank", TYPE_INVALID, TYPE_MALFORMED, TYPE_CONFLICT, TYPE_TRANSITION];
}

/// A date as precisely as it is known.
pub struct ApproxDay;

impl PartialSchema for ApproxDay {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"))
            .description(Some(
                "As precisely as it is known: YYYY, YYYY-MM or YYYY-MM-DD",
            ))
            .into()
    }
}

impl ToSchema for ApproxDay {}

// ---- Domain types the API writes as they are ----------------------------------------------

/// Phase boundaries of a course: sessions 1..=initial_end are initial, termination_start..
/// are termination, the rest middle.
#[derive(ToSchema)]
#[schema(as = PhasePlan)]
#[allow(dead_code)]
pub struct PhasePlanDoc {
    total: u16,
    initial_end: u16,
    termination_start: u16,
}

/// The indication and suitability checklist of a course (decision support).
#[derive(ToSchema)]
#[schema(as = Indication)]
#[allow(dead_code)]
pub struct IndicationDoc {
    symptoms: Vec<SymptomCode>,
    /// Symptoms present most of the day, nearly every day, for at least two weeks.
    two_weeks_or_more: bool,
    severity: Option<SeverityCode>,
    /// The recent interpersonal link, in the clinician's words.
    interpersonal_link: String,
    first_line_reasons: Vec<FirstLineReasonCode>,
    escalation_flags: Vec<EscalationFlagCode>,
}

/// The scored outcome of a questionnaire.
#[derive(ToSchema)]
#[schema(as = ScoreSummary)]
#[allow(dead_code)]
pub struct ScoreSummaryDoc {
    total: Option<f64>,
    severity: Option<String>,
    /// Item numbers answered positively on a risk item.
    risk_items: Vec<u16>,
    valid: bool,
    prorated: bool,
    /// The version of the scoring rules, so results can be recomputed.
    scoring_version: String,
}

/// Programme outcomes over every course, per instrument (aggregates only).
#[derive(ToSchema)]
#[schema(as = OutcomeSummary)]
#[allow(dead_code)]
pub struct OutcomeSummaryDoc {
    instruments: Vec<InstrumentOutcomeDoc>,
    /// Perceived support, loneliness and assertiveness: change per course format.
    secondary: Vec<SecondaryOutcomeDoc>,
    /// Instruments summarised neither way (no lower-is-better rule, not a secondary measure).
    not_summarised: Vec<String>,
}

/// One secondary measure across the programme.
#[derive(ToSchema)]
#[schema(as = SecondaryOutcome)]
#[allow(dead_code)]
pub struct SecondaryOutcomeDoc {
    instrument: String,
    name: String,
    /// `social_support`, `loneliness` or `assertiveness`.
    construct: String,
    higher_is_better: bool,
    /// The reliable change in points; null where the instrument has no index.
    reliable_change: Option<f64>,
    caseness: Option<CasenessDoc>,
    by_format: Vec<ChangeSummaryDoc>,
}

/// A caseness cut-off and its side.
#[derive(ToSchema)]
#[schema(as = Caseness)]
#[allow(dead_code)]
pub struct CasenessDoc {
    threshold: f64,
    /// A course starts as a case at or below the threshold (else at or above it).
    at_or_below: bool,
}

/// One format's change on one secondary measure.
#[derive(ToSchema)]
#[schema(as = ChangeSummary)]
#[allow(dead_code)]
pub struct ChangeSummaryDoc {
    format: String,
    courses: u64,
    /// Mean of latest minus first, in points.
    mean_change: Option<f64>,
    /// Moved the better way at all.
    improved: u64,
    reliably_improved: u64,
    reliably_deteriorated: u64,
    cases_at_start: u64,
    left_caseness: u64,
}

/// One instrument's outcome figures.
#[derive(ToSchema)]
#[schema(as = InstrumentOutcome)]
#[allow(dead_code)]
pub struct InstrumentOutcomeDoc {
    instrument: String,
    name: String,
    rules: OutcomeRulesDoc,
    counts: OutcomeCountsDoc,
}

/// The rules behind the counts.
#[derive(ToSchema)]
#[schema(as = OutcomeRules)]
#[allow(dead_code)]
pub struct OutcomeRulesDoc {
    response_percent: f64,
    remission_at_most: f64,
    reliable_change_points: f64,
    min_baseline: f64,
}

/// How many courses showed each outcome.
#[derive(ToSchema)]
#[schema(as = OutcomeCounts)]
#[allow(dead_code)]
pub struct OutcomeCountsDoc {
    courses: u64,
    responders: u64,
    remitters: u64,
    reliably_improved: u64,
    reliably_deteriorated: u64,
}
