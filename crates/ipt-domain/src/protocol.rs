//! The protocol catalogue: each IPT format as data — its session counts, phase boundaries,
//! phase tasks, per-session checklist and recommended instruments.
//!
//! Defaults come from the clinical reference §1 (phase table and variant table). Sources
//! disagree on exact boundaries, so every count here can be overridden per deployment
//! (`ProtocolOverride`) and per course (`PhasePlan`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One of the treatment phases. `Maintenance` is the phase of a maintenance (IPT-M) course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Initial,
    Middle,
    Termination,
    Maintenance,
}

impl Phase {
    pub const ALL: [Phase; 4] = [
        Self::Initial,
        Self::Middle,
        Self::Termination,
        Self::Maintenance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Middle => "middle",
            Self::Termination => "termination",
            Self::Maintenance => "maintenance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Initial => "Initial phase",
            Self::Middle => "Middle phase",
            Self::Termination => "Termination phase",
            Self::Maintenance => "Maintenance",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code.trim())
    }
}

/// The delivery format of a course (reference §1.1, §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Standard acute individual IPT, 12–16 weekly sessions.
    Individual,
    /// IPT-B: 8 sessions, optionally preceded by an engagement session.
    Brief,
    /// IPT-A for adolescents: 12 sessions with parent involvement at three points.
    Adolescent,
    /// Perinatal IPT after birth: 12 sessions (O'Hara 2000).
    PerinatalPostpartum,
    /// Perinatal IPT in pregnancy: 16 sessions (Spinelli).
    PerinatalAntenatal,
    /// IPT for older adults, with optional caregiver involvement.
    OlderAdult,
    /// Telephone IPT: 12 weekly calls (Dennis 2020).
    Telephone,
    /// WHO group IPT: one individual pre-group session, then 8 group sessions.
    Group,
    /// IPT-M: monthly maintenance sessions for 12–36 months (Frank 1990/2007; Reynolds 1999).
    Maintenance,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Self::Individual,
        Self::Brief,
        Self::Adolescent,
        Self::PerinatalPostpartum,
        Self::PerinatalAntenatal,
        Self::OlderAdult,
        Self::Telephone,
        Self::Group,
        Self::Maintenance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Brief => "brief",
            Self::Adolescent => "adolescent",
            Self::PerinatalPostpartum => "perinatal_postpartum",
            Self::PerinatalAntenatal => "perinatal_antenatal",
            Self::OlderAdult => "older_adult",
            Self::Telephone => "telephone",
            Self::Group => "group",
            Self::Maintenance => "maintenance",
        }
    }

    pub fn parse(code: &str) -> Result<Self, ProtocolError> {
        Self::ALL
            .into_iter()
            .find(|f| f.code() == code.trim())
            .ok_or_else(|| ProtocolError::UnknownFormat(code.to_string()))
    }
}

/// How a session is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    InPerson,
    Video,
    Phone,
    Group,
}

impl Modality {
    pub const ALL: [Modality; 4] = [Self::InPerson, Self::Video, Self::Phone, Self::Group];
    pub fn code(self) -> &'static str {
        match self {
            Self::InPerson => "in_person",
            Self::Video => "video",
            Self::Phone => "phone",
            Self::Group => "group",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code.trim())
    }
}

/// How often sessions are agreed to happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Weekly,
    Fortnightly,
    TwiceMonthly,
    Monthly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [
        Self::Weekly,
        Self::Fortnightly,
        Self::TwiceMonthly,
        Self::Monthly,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Weekly => "weekly",
            Self::Fortnightly => "fortnightly",
            Self::TwiceMonthly => "twice_monthly",
            Self::Monthly => "monthly",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code.trim())
    }
    /// The fewest days between two sessions at this frequency (a month taken as four weeks),
    /// for checking that a contract's sessions fit before its end.
    pub fn min_days_between(self) -> i64 {
        match self {
            Self::Weekly => 7,
            Self::Fortnightly | Self::TwiceMonthly => 14,
            Self::Monthly => 28,
        }
    }

    /// Typical days between sessions, for scheduling and overdue checks.
    pub fn days_between(self) -> i64 {
        match self {
            Self::Weekly => 7,
            Self::Fortnightly => 14,
            Self::TwiceMonthly => 15,
            Self::Monthly => 30,
        }
    }
}

/// A session with a special purpose within a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialSession {
    /// IPT-B: a motivational engagement session before session 1 (Swartz 2014).
    Engagement,
    /// IPT-A: a parent takes part (session 1, a middle session, termination).
    ParentInvolvement,
    /// Older adults: a caregiver may take part (optional).
    CaregiverInvolvement,
    /// WHO group IPT: the individual meeting before the group starts.
    PreGroupIndividual,
    /// WHO group IPT: a session of the group.
    GroupSession,
}

impl SpecialSession {
    pub const ALL: [SpecialSession; 5] = [
        Self::Engagement,
        Self::ParentInvolvement,
        Self::CaregiverInvolvement,
        Self::PreGroupIndividual,
        Self::GroupSession,
    ];

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Engagement => "engagement",
            Self::ParentInvolvement => "parent_involvement",
            Self::CaregiverInvolvement => "caregiver_involvement",
            Self::PreGroupIndividual => "pre_group_individual",
            Self::GroupSession => "group_session",
        }
    }
}

/// Where a special session falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "at", content = "n")]
pub enum SessionSlot {
    /// A fixed session number.
    Number(u16),
    /// The middle of the middle phase.
    MidCourse,
    /// The last session.
    Last,
    /// Any session, at the clinician's choice.
    Any,
    /// Every session from this number on.
    From(u16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialSessionRule {
    pub kind: SpecialSession,
    pub slot: SessionSlot,
    pub optional: bool,
}

/// A task of a phase, done once per course (reference §1.1) or checked per session (§7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseTask {
    // Initial phase (§1.1, initial-phase tasks 1–9).
    DiagnoseAndRate,
    Psychoeducation,
    SickRole,
    MedicationReview,
    InterpersonalInventory,
    Timeline,
    ChooseProblemAreas,
    FormulationAgreed,
    ContractAgreed,
    ParentPsychoeducation,
    /// Older adults: the GDS-15 asks nothing about suicide, so ask separately (its own note;
    /// #14, "Instruments without a risk item").
    SeparateSuicideScreen,
    // Initial phase of lay-facilitated group IPT: eligibility comes from a screening measure,
    // not from a diagnosis, and medication is for a clinician to consider on referral.
    ReviewScreeningAnswers,
    CheckEligibilityAndRefer,
    PrepareForGroup,
    // Middle phase.
    IntervalMoodAndEvents,
    LinkMoodToEvents,
    ProblemAreaWork,
    TrackSymptoms,
    KeepFocus,
    RemindTimeLimit,
    ParentAdolescentSession,
    MidpointReview,
    // Termination phase.
    DiscussEnding,
    ReviewSymptomChange,
    ReviewGainsCreditPatient,
    FeelingsAboutEnding,
    RelapsePreventionPlan,
    MaintenanceDecision,
    ParentProgressReview,
    // Maintenance.
    ReviewWellbeing,
    WatchWarningSigns,
}

impl PhaseTask {
    pub fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    pub fn parse(code: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(code.trim().to_string())).ok()
    }

    /// Our own short wording of the task.
    pub fn label(self) -> &'static str {
        use PhaseTask::*;
        match self {
            DiagnoseAndRate => "Diagnose the depression and rate its severity",
            Psychoeducation => "Explain depression as a common, treatable illness",
            SickRole => "Agree the sick role",
            MedicationReview => "Consider whether medication is needed",
            InterpersonalInventory => "Take the interpersonal inventory",
            Timeline => "Build the interpersonal timeline",
            ChooseProblemAreas => "Choose one or two problem areas",
            FormulationAgreed => "Share the formulation and get the patient's agreement",
            ContractAgreed => "Agree the contract: sessions, frequency, end date",
            ParentPsychoeducation => "Meet a parent: information and psychoeducation",
            SeparateSuicideScreen => {
                "Ask about suicidal thoughts separately: the GDS-15 does not ask about them"
            }
            ReviewScreeningAnswers => "Go through the screening questionnaire's answers together",
            CheckEligibilityAndRefer => {
                "Check eligibility; refer on for psychosis, bipolar disorder or acute suicide risk"
            }
            PrepareForGroup => "Prepare the person for the group",
            IntervalMoodAndEvents => "Ask about mood and events since the last meeting",
            LinkMoodToEvents => "Link mood to interpersonal events",
            ProblemAreaWork => "Work on the focus area's goals",
            TrackSymptoms => "Repeat the symptom measure",
            KeepFocus => "Keep to the agreed focus",
            RemindTimeLimit => "Remind of the time limit",
            ParentAdolescentSession => {
                "Hold a parent–adolescent session if the area involves a parent"
            }
            MidpointReview => "Review progress at the midpoint",
            DiscussEnding => "Talk about the ending ahead of time",
            ReviewSymptomChange => "Repeat the measures and review change",
            ReviewGainsCreditPatient => "Review gains and credit the patient with them",
            FeelingsAboutEnding => "Explore feelings about ending",
            RelapsePreventionPlan => "Write the relapse-prevention plan",
            MaintenanceDecision => "Decide about continuation or maintenance",
            ParentProgressReview => "Review progress with a parent",
            ReviewWellbeing => "Review mood and relationships since the last meeting",
            WatchWarningSigns => "Check for early warning signs",
        }
    }
}

/// An item a supervisor or the clinician checks in a session (reference §7.1, composite of the
/// adherence scales; configurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistItem {
    // Every session.
    SymptomMeasureGiven,
    RiskReviewed,
    // Initial.
    SymptomReview,
    DiagnosisGiven,
    SickRoleGiven,
    InventoryTaken,
    TimelineDone,
    ProblemAreaChosen,
    FormulationShared,
    TimeLimitStated,
    // Middle.
    OpeningInterval,
    MoodEventLink,
    AreaGoalsWorked,
    TechniquesUsed,
    FocusKept,
    NoProscribedTechniques,
    // Termination.
    EndingDiscussed,
    GainsCredited,
    RelapseSignsPlanned,
    EndingFeelingsExplored,
    MaintenanceDecided,
}

impl ChecklistItem {
    pub const EVERY_SESSION: [ChecklistItem; 2] = [Self::SymptomMeasureGiven, Self::RiskReviewed];

    pub fn for_phase(phase: Phase) -> Vec<ChecklistItem> {
        use ChecklistItem::*;
        let mut v: Vec<ChecklistItem> = match phase {
            Phase::Initial => vec![
                SymptomReview,
                DiagnosisGiven,
                SickRoleGiven,
                InventoryTaken,
                TimelineDone,
                ProblemAreaChosen,
                FormulationShared,
                TimeLimitStated,
            ],
            Phase::Middle | Phase::Maintenance => vec![
                OpeningInterval,
                MoodEventLink,
                AreaGoalsWorked,
                TechniquesUsed,
                FocusKept,
                NoProscribedTechniques,
            ],
            Phase::Termination => vec![
                EndingDiscussed,
                GainsCredited,
                RelapseSignsPlanned,
                EndingFeelingsExplored,
                MaintenanceDecided,
            ],
        };
        v.extend(Self::EVERY_SESSION);
        v
    }
}

/// A protocol: one format's structure as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    pub format: Format,
    pub name: String,
    pub min_sessions: u16,
    pub max_sessions: u16,
    pub default_sessions: u16,
    /// Sessions in the initial phase (sessions 1..=initial_sessions).
    pub initial_sessions: u16,
    /// Sessions in the termination phase (the last N).
    pub termination_sessions: u16,
    pub default_frequency: Frequency,
    pub default_modality: Modality,
    /// Typical length of a session in minutes.
    pub session_minutes: u16,
    pub special_sessions: Vec<SpecialSessionRule>,
    pub tasks: BTreeMap<Phase, Vec<PhaseTask>>,
    /// Instrument codes from the measurement catalogue, in order of preference.
    pub recommended_instruments: Vec<String>,
    /// How often the main symptom measure is repeated: every Nth session. The whole schedule is
    /// a baseline, this repeat, and an end measure in the termination phase; the caseload's
    /// "measures overdue" signal checks it (`crate::signals`).
    pub measure_every: u16,
    /// The secondary measures (#21: perceived support, loneliness), given once at the start of
    /// the course and once in its termination phase, so that the seed's secondary outcomes are
    /// collected without the clinician remembering. `[protocols.<format>]
    /// secondary_instruments` changes the list; an empty list turns the prompt off.
    pub secondary_instruments: Vec<String>,
    /// For IPT-M, the course length in months.
    pub months: Option<(u16, u16)>,
    /// Which hand-off conditions the phase moves of this format require.
    pub gates: Gates,
}

/// The hand-off conditions a format's phase moves require besides the formulation, focus and
/// contract, which every acute format needs (reference §1.1: the initial-phase tasks lead into
/// the middle phase; the termination phase follows the problem-area work). Each can be changed
/// per deployment in `ipt.toml` (`[protocols.<format>.gates]`); a refused move names every
/// unmet one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gates {
    /// The middle phase needs a recorded diagnosis (initial task 1). Off for lay-facilitated
    /// group IPT, where eligibility comes from a screening measure instead.
    pub diagnosis: bool,
    /// The middle phase needs at least one person in the interpersonal inventory (task 5).
    pub inventory: bool,
    /// The middle phase needs at least one event on the interpersonal timeline (task 6).
    pub timeline: bool,
    /// The middle phase needs a baseline score of one of the format's recommended instruments
    /// (task 1: quantify severity with a rating scale; repeated through treatment).
    pub baseline_measure: bool,
    /// The termination phase needs at least this many attended middle-phase sessions. By
    /// default the format's shortest contract less its initial and termination sessions.
    pub min_middle_sessions: u16,
    /// Completing a course whose main measure shows no reliable improvement needs the next step
    /// written in the termination review (the non-response path: alternatives reviewed).
    pub non_response_next_step: bool,
}

impl Gates {
    /// Every gate on, with no minimum of middle-phase sessions yet (the protocol sets it).
    pub const ALL_ON: Gates = Gates {
        diagnosis: true,
        inventory: true,
        timeline: true,
        baseline_measure: true,
        min_middle_sessions: 0,
        non_response_next_step: true,
    };
}

/// A deployment's changes to a format's gates; what is left out keeps the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatesOverride {
    pub diagnosis: Option<bool>,
    pub inventory: Option<bool>,
    pub timeline: Option<bool>,
    pub baseline_measure: Option<bool>,
    pub min_middle_sessions: Option<u16>,
    pub non_response_next_step: Option<bool>,
}

impl Protocol {
    /// Whether a total of `code` is a baseline the middle phase's gate accepts: the format's
    /// main measure (its first recommended instrument) or any depression measure of the
    /// catalogue (PHQ-9, PHQ-A, EPDS, GDS-15, HAM-D). An anxiety, functioning or support
    /// questionnaire alone is not a baseline of the depression IPT treats (#14, "Gates": a
    /// course with only a GAD-7 entered the middle phase).
    pub fn is_baseline_measure(&self, code: &str) -> bool {
        self.recommended_instruments
            .first()
            .is_some_and(|c| c == code)
            || crate::measures::Catalogue::builtin()
                .get(code)
                .is_some_and(|i| i.measures_depression())
    }

    /// The recommended instruments a baseline can come from, in order of preference.
    pub fn baseline_instruments(&self) -> Vec<&str> {
        self.recommended_instruments
            .iter()
            .map(String::as_str)
            .filter(|c| self.is_baseline_measure(c))
            .collect()
    }

    /// The protocol's minimum of middle-phase sessions: its shortest contract less the initial
    /// and termination sessions (none for maintenance IPT, which has no middle phase).
    pub fn derived_min_middle_sessions(&self) -> u16 {
        if self.format == Format::Maintenance {
            return 0;
        }
        self.min_sessions
            .saturating_sub(self.initial_sessions + self.termination_sessions)
    }

    /// The phases an active course of this format moves through, in order.
    pub fn phases(&self) -> &'static [Phase] {
        if self.format == Format::Maintenance {
            &[Phase::Maintenance, Phase::Termination]
        } else {
            &[Phase::Initial, Phase::Middle, Phase::Termination]
        }
    }

    /// The default phase plan for a course of `sessions` sessions.
    pub fn phase_plan(&self, sessions: u16) -> PhasePlan {
        let total = sessions.max(1);
        if self.format == Format::Maintenance {
            return PhasePlan {
                total,
                initial_end: 0,
                termination_start: total,
            };
        }
        let initial_end = self.initial_sessions.min(total.saturating_sub(1)).max(1);
        let termination_start = total
            .saturating_sub(self.termination_sessions.saturating_sub(1))
            .max(initial_end + 1);
        PhasePlan {
            total,
            initial_end,
            termination_start,
        }
    }

    pub fn check_session_count(&self, n: u16) -> Result<(), ProtocolError> {
        if n < self.min_sessions || n > self.max_sessions {
            return Err(ProtocolError::SessionCountOutOfRange {
                format: self.name.clone(),
                n,
                min: self.min_sessions,
                max: self.max_sessions,
            });
        }
        Ok(())
    }

    /// The special sessions that fall on session `n` of a course planned with `plan`.
    pub fn special_sessions_at(&self, n: u16, plan: &PhasePlan) -> Vec<SpecialSessionRule> {
        let mid = (plan.initial_end + 1 + plan.termination_start.saturating_sub(1)) / 2;
        self.special_sessions
            .iter()
            .copied()
            .filter(|r| match r.slot {
                SessionSlot::Number(k) => k == n,
                SessionSlot::MidCourse => n == mid,
                SessionSlot::Last => n == plan.total,
                SessionSlot::Any => true,
                SessionSlot::From(k) => n >= k,
            })
            .collect()
    }
}

/// Phase boundaries of one course: sessions 1..=initial_end are initial, termination_start..
/// are termination, the rest middle. Overridable per course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhasePlan {
    pub total: u16,
    pub initial_end: u16,
    pub termination_start: u16,
}

impl PhasePlan {
    pub fn new(
        total: u16,
        initial_end: u16,
        termination_start: u16,
    ) -> Result<Self, ProtocolError> {
        if total == 0 || termination_start > total || initial_end >= termination_start {
            return Err(ProtocolError::BadPhasePlan {
                total,
                initial_end,
                termination_start,
            });
        }
        Ok(Self {
            total,
            initial_end,
            termination_start,
        })
    }

    /// The phase a session number falls in. Sessions past the plan count as termination: the
    /// contract is overrunning, which the caseload flags separately.
    pub fn phase_of(&self, session: u16) -> Phase {
        if self.initial_end == 0 {
            return if session >= self.termination_start {
                Phase::Termination
            } else {
                Phase::Maintenance
            };
        }
        if session <= self.initial_end {
            Phase::Initial
        } else if session >= self.termination_start {
            Phase::Termination
        } else {
            Phase::Middle
        }
    }
}

/// Deployment overrides of a format's counts (from `ipt.toml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolOverride {
    pub min_sessions: Option<u16>,
    pub max_sessions: Option<u16>,
    pub default_sessions: Option<u16>,
    pub initial_sessions: Option<u16>,
    pub termination_sessions: Option<u16>,
    pub measure_every: Option<u16>,
    /// Instrument codes to give at the start and the end (every one must be in the catalogue).
    pub secondary_instruments: Option<Vec<String>>,
    /// `[protocols.<format>.gates]`: the phase moves' conditions.
    pub gates: Option<GatesOverride>,
}

/// All protocols known to the deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolCatalogue {
    protocols: Vec<Protocol>,
}

impl Default for ProtocolCatalogue {
    fn default() -> Self {
        Self {
            protocols: Format::ALL.into_iter().map(default_protocol).collect(),
        }
    }
}

impl ProtocolCatalogue {
    pub fn get(&self, format: Format) -> &Protocol {
        self.protocols
            .iter()
            .find(|p| p.format == format)
            .expect("the catalogue holds every format")
    }

    pub fn all(&self) -> &[Protocol] {
        &self.protocols
    }

    /// Apply deployment overrides, keyed by format code. Refuses unknown formats and counts
    /// that would make a protocol inconsistent, naming the problem.
    pub fn with_overrides(
        mut self,
        overrides: &BTreeMap<String, ProtocolOverride>,
    ) -> Result<Self, ProtocolError> {
        for (code, o) in overrides {
            let format = Format::parse(code)?;
            let p = self
                .protocols
                .iter_mut()
                .find(|p| p.format == format)
                .expect("the catalogue holds every format");
            if let Some(v) = o.min_sessions {
                p.min_sessions = v;
            }
            if let Some(v) = o.max_sessions {
                p.max_sessions = v;
            }
            if let Some(v) = o.default_sessions {
                p.default_sessions = v;
            }
            if let Some(v) = o.initial_sessions {
                p.initial_sessions = v;
            }
            if let Some(v) = o.termination_sessions {
                p.termination_sessions = v;
            }
            if let Some(v) = o.measure_every {
                p.measure_every = v.max(1);
            }
            if let Some(list) = &o.secondary_instruments {
                let catalogue = crate::measures::Catalogue::builtin();
                if let Some(bad) = list.iter().find(|c| catalogue.get(c).is_none()) {
                    return Err(ProtocolError::BadOverride(format!(
                        "{code}: secondary_instruments names '{bad}', which is not an instrument (known: {})",
                        catalogue.codes().join(", ")
                    )));
                }
                p.secondary_instruments = list.iter().map(|c| c.trim().to_string()).collect();
            }
            // The minimum follows changed counts unless the deployment set it.
            p.gates.min_middle_sessions = p.derived_min_middle_sessions();
            if let Some(g) = o.gates {
                let gates = &mut p.gates;
                gates.diagnosis = g.diagnosis.unwrap_or(gates.diagnosis);
                gates.inventory = g.inventory.unwrap_or(gates.inventory);
                gates.timeline = g.timeline.unwrap_or(gates.timeline);
                gates.baseline_measure = g.baseline_measure.unwrap_or(gates.baseline_measure);
                gates.min_middle_sessions =
                    g.min_middle_sessions.unwrap_or(gates.min_middle_sessions);
                gates.non_response_next_step = g
                    .non_response_next_step
                    .unwrap_or(gates.non_response_next_step);
            }
            if p.min_sessions == 0
                || p.min_sessions > p.max_sessions
                || !(p.min_sessions..=p.max_sessions).contains(&p.default_sessions)
                || p.initial_sessions + p.termination_sessions >= p.min_sessions.max(2)
                    && format != Format::Maintenance
            {
                return Err(ProtocolError::BadOverride(format!(
                    "{code}: sessions {}–{} (default {}), initial {}, termination {} do not fit together",
                    p.min_sessions,
                    p.max_sessions,
                    p.default_sessions,
                    p.initial_sessions,
                    p.termination_sessions
                )));
            }
        }
        Ok(self)
    }
}

fn tasks(list: &[(Phase, &[PhaseTask])]) -> BTreeMap<Phase, Vec<PhaseTask>> {
    list.iter().map(|(p, t)| (*p, t.to_vec())).collect()
}

const INITIAL_TASKS: &[PhaseTask] = &[
    PhaseTask::DiagnoseAndRate,
    PhaseTask::Psychoeducation,
    PhaseTask::SickRole,
    PhaseTask::MedicationReview,
    PhaseTask::InterpersonalInventory,
    PhaseTask::Timeline,
    PhaseTask::ChooseProblemAreas,
    PhaseTask::FormulationAgreed,
    PhaseTask::ContractAgreed,
];
const MIDDLE_TASKS: &[PhaseTask] = &[
    PhaseTask::IntervalMoodAndEvents,
    PhaseTask::LinkMoodToEvents,
    PhaseTask::ProblemAreaWork,
    PhaseTask::TrackSymptoms,
    PhaseTask::KeepFocus,
    PhaseTask::RemindTimeLimit,
];
const TERMINATION_TASKS: &[PhaseTask] = &[
    PhaseTask::DiscussEnding,
    PhaseTask::ReviewSymptomChange,
    PhaseTask::ReviewGainsCreditPatient,
    PhaseTask::FeelingsAboutEnding,
    PhaseTask::RelapsePreventionPlan,
    PhaseTask::MaintenanceDecision,
];

fn standard_tasks() -> BTreeMap<Phase, Vec<PhaseTask>> {
    tasks(&[
        (Phase::Initial, INITIAL_TASKS),
        (Phase::Middle, MIDDLE_TASKS),
        (Phase::Termination, TERMINATION_TASKS),
    ])
}

fn instruments(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

/// The default protocol of each format (reference §1).
fn default_protocol(format: Format) -> Protocol {
    let base = Protocol {
        format,
        name: String::new(),
        min_sessions: 12,
        max_sessions: 16,
        default_sessions: 16,
        // Markowitz: the initial phase "should not last more than three sessions".
        initial_sessions: 3,
        // Last 2–4 sessions; 3 fits both the 12- and 16-session tables.
        termination_sessions: 3,
        default_frequency: Frequency::Weekly,
        default_modality: Modality::InPerson,
        // ISIPT: 45–50 minutes; NHS: about 50.
        session_minutes: 50,
        special_sessions: vec![],
        tasks: standard_tasks(),
        recommended_instruments: instruments(&["phq9", "gad7"]),
        // IPT Institute certification: PHQ-9 at baseline and every 4 sessions.
        measure_every: 4,
        // The seed's secondary outcomes: perceived support and loneliness, start and end.
        secondary_instruments: instruments(&["mspss", "ucla3"]),
        months: None,
        gates: Gates::ALL_ON,
    };
    let mut p = match format {
        Format::Individual => Protocol {
            name: "Individual IPT (acute)".into(),
            ..base
        },
        Format::Brief => Protocol {
            name: "Brief IPT (IPT-B)".into(),
            min_sessions: 8,
            max_sessions: 9,
            default_sessions: 8,
            // IPT-B cuts the initial phase to two sessions (Swartz 2014).
            initial_sessions: 2,
            termination_sessions: 2,
            special_sessions: vec![SpecialSessionRule {
                kind: SpecialSession::Engagement,
                slot: SessionSlot::Number(0),
                optional: true,
            }],
            ..base
        },
        Format::Adolescent => {
            let mut t = standard_tasks();
            t.entry(Phase::Initial)
                .or_default()
                .push(PhaseTask::ParentPsychoeducation);
            t.entry(Phase::Middle)
                .or_default()
                .push(PhaseTask::ParentAdolescentSession);
            t.entry(Phase::Termination)
                .or_default()
                .push(PhaseTask::ParentProgressReview);
            Protocol {
                name: "IPT for adolescents (IPT-A)".into(),
                min_sessions: 12,
                max_sessions: 16,
                default_sessions: 12,
                // Parents take part at session 1, in the middle (if the area involves a parent)
                // and at termination (Penn State Clearinghouse summary of IPT-A).
                special_sessions: vec![
                    SpecialSessionRule {
                        kind: SpecialSession::ParentInvolvement,
                        slot: SessionSlot::Number(1),
                        optional: false,
                    },
                    SpecialSessionRule {
                        kind: SpecialSession::ParentInvolvement,
                        slot: SessionSlot::MidCourse,
                        optional: true,
                    },
                    SpecialSessionRule {
                        kind: SpecialSession::ParentInvolvement,
                        slot: SessionSlot::Last,
                        optional: false,
                    },
                ],
                tasks: t,
                // PHQ-A first; the PHQ-9 is also validated in adolescents aged 13–17
                // (Richardson et al. 2010, Pediatrics 126:1117).
                recommended_instruments: instruments(&["phqa", "phq9"]),
                ..base
            }
        }
        Format::PerinatalPostpartum => Protocol {
            name: "Perinatal IPT, postpartum".into(),
            min_sessions: 12,
            max_sessions: 16,
            default_sessions: 12,
            recommended_instruments: instruments(&["epds", "phq9"]),
            ..base
        },
        Format::PerinatalAntenatal => Protocol {
            name: "Perinatal IPT, antenatal".into(),
            min_sessions: 12,
            max_sessions: 16,
            default_sessions: 16,
            recommended_instruments: instruments(&["epds", "phq9"]),
            ..base
        },
        Format::OlderAdult => {
            let mut t = standard_tasks();
            // Right after rating the depression: the GDS-15 has no suicide item.
            t.entry(Phase::Initial)
                .or_default()
                .insert(1, PhaseTask::SeparateSuicideScreen);
            Protocol {
                name: "IPT for older adults".into(),
                special_sessions: vec![SpecialSessionRule {
                    kind: SpecialSession::CaregiverInvolvement,
                    slot: SessionSlot::Any,
                    optional: true,
                }],
                tasks: t,
                recommended_instruments: instruments(&["gds15", "phq9"]),
                ..base
            }
        }
        Format::Telephone => Protocol {
            name: "Telephone IPT".into(),
            min_sessions: 12,
            max_sessions: 12,
            default_sessions: 12,
            default_modality: Modality::Phone,
            // Dennis 2020: 60-minute calls.
            session_minutes: 60,
            ..base
        },
        Format::Group => {
            let mut t = standard_tasks();
            // Lay facilitators neither diagnose nor prescribe (finding 8 of #14): the pre-group
            // session reviews the screening answers, checks eligibility with the referral rules,
            // and prepares the person for the group.
            t.insert(
                Phase::Initial,
                vec![
                    PhaseTask::ReviewScreeningAnswers,
                    PhaseTask::CheckEligibilityAndRefer,
                    PhaseTask::Psychoeducation,
                    PhaseTask::SickRole,
                    PhaseTask::InterpersonalInventory,
                    PhaseTask::ChooseProblemAreas,
                    PhaseTask::FormulationAgreed,
                    PhaseTask::ContractAgreed,
                    PhaseTask::PrepareForGroup,
                ],
            );
            t.entry(Phase::Middle)
                .or_default()
                .push(PhaseTask::MidpointReview);
            Protocol {
                name: "Group IPT (WHO)".into(),
                // Session 1 is the individual pre-group meeting; sessions 2–9 are the 8 group
                // sessions. Ethiopian adaptation: group session 1 initial, 2–7 middle, 8 ending.
                min_sessions: 9,
                max_sessions: 9,
                default_sessions: 9,
                initial_sessions: 2,
                termination_sessions: 1,
                default_modality: Modality::Group,
                session_minutes: 90,
                special_sessions: vec![
                    SpecialSessionRule {
                        kind: SpecialSession::PreGroupIndividual,
                        slot: SessionSlot::Number(1),
                        optional: false,
                    },
                    SpecialSessionRule {
                        kind: SpecialSession::GroupSession,
                        slot: SessionSlot::From(2),
                        optional: false,
                    },
                ],
                tasks: t,
                recommended_instruments: instruments(&["phq9"]),
                measure_every: 1,
                // The screening measure stands for the diagnosis; the pre-group session links
                // onset to triggers in conversation rather than on a drawn timeline.
                gates: Gates {
                    diagnosis: false,
                    timeline: false,
                    ..Gates::ALL_ON
                },
                ..base
            }
        }
        Format::Maintenance => Protocol {
            name: "Maintenance IPT (IPT-M)".into(),
            // Monthly for 12–36 months (Frank 1990/2007; Reynolds 1999).
            min_sessions: 12,
            max_sessions: 36,
            default_sessions: 24,
            initial_sessions: 0,
            termination_sessions: 1,
            default_frequency: Frequency::Monthly,
            tasks: tasks(&[
                (
                    Phase::Maintenance,
                    &[
                        PhaseTask::ReviewWellbeing,
                        PhaseTask::WatchWarningSigns,
                        PhaseTask::TrackSymptoms,
                    ],
                ),
                (
                    Phase::Termination,
                    &[
                        PhaseTask::ReviewGainsCreditPatient,
                        PhaseTask::RelapsePreventionPlan,
                        PhaseTask::MaintenanceDecision,
                    ],
                ),
            ]),
            measure_every: 1,
            months: Some((12, 36)),
            ..base
        },
    };
    p.gates.min_middle_sessions = p.derived_min_middle_sessions();
    p
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error(
        "'{0}' is not a course format (individual, brief, adolescent, perinatal_postpartum, perinatal_antenatal, older_adult, telephone, group, maintenance)"
    )]
    UnknownFormat(String),
    #[error("{format} runs {min}–{max} sessions; {n} is outside that range")]
    SessionCountOutOfRange {
        format: String,
        n: u16,
        min: u16,
        max: u16,
    },
    #[error(
        "phase plan does not fit: {total} sessions, initial phase to session {initial_end}, termination from session {termination_start}"
    )]
    BadPhasePlan {
        total: u16,
        initial_end: u16,
        termination_start: u16,
    },
    #[error("protocol override refused: {0}")]
    BadOverride(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn individual_16_follows_the_reference_table() {
        let cat = ProtocolCatalogue::default();
        let p = cat.get(Format::Individual);
        assert_eq!(
            (p.min_sessions, p.max_sessions, p.default_sessions),
            (12, 16, 16)
        );
        let plan = p.phase_plan(16);
        assert_eq!(plan.phase_of(1), Phase::Initial);
        assert_eq!(plan.phase_of(3), Phase::Initial);
        assert_eq!(plan.phase_of(4), Phase::Middle);
        assert_eq!(plan.phase_of(13), Phase::Middle);
        assert_eq!(plan.phase_of(14), Phase::Termination);
        assert_eq!(plan.phase_of(16), Phase::Termination);
        assert_eq!(
            plan.phase_of(17),
            Phase::Termination,
            "overrun counts as termination"
        );
    }

    #[test]
    fn twelve_session_course_ends_with_10_to_12() {
        let plan = ProtocolCatalogue::default()
            .get(Format::Individual)
            .phase_plan(12);
        assert_eq!(plan.phase_of(9), Phase::Middle);
        assert_eq!(plan.phase_of(10), Phase::Termination);
    }

    #[test]
    fn brief_has_two_initial_sessions_and_an_optional_engagement() {
        let cat = ProtocolCatalogue::default();
        let p = cat.get(Format::Brief);
        let plan = p.phase_plan(8);
        assert_eq!(plan.phase_of(2), Phase::Initial);
        assert_eq!(plan.phase_of(3), Phase::Middle);
        assert_eq!(plan.phase_of(7), Phase::Termination);
        let engagement = p.special_sessions_at(0, &plan);
        assert_eq!(engagement.len(), 1);
        assert!(engagement[0].optional);
    }

    #[test]
    fn adolescent_parents_join_at_start_middle_and_end() {
        let cat = ProtocolCatalogue::default();
        let p = cat.get(Format::Adolescent);
        let plan = p.phase_plan(12);
        let parent_sessions: Vec<u16> = (1..=12)
            .filter(|n| {
                p.special_sessions_at(*n, &plan)
                    .iter()
                    .any(|r| r.kind == SpecialSession::ParentInvolvement)
            })
            .collect();
        assert_eq!(parent_sessions.len(), 3);
        assert_eq!(parent_sessions[0], 1);
        assert_eq!(*parent_sessions.last().unwrap(), 12);
        assert_eq!(plan.phase_of(parent_sessions[1]), Phase::Middle);
    }

    #[test]
    fn group_is_one_pre_group_then_eight_group_sessions() {
        let cat = ProtocolCatalogue::default();
        let p = cat.get(Format::Group);
        let plan = p.phase_plan(p.default_sessions);
        assert_eq!(plan.total, 9);
        let group_sessions = (1..=9)
            .filter(|n| {
                p.special_sessions_at(*n, &plan)
                    .iter()
                    .any(|r| r.kind == SpecialSession::GroupSession)
            })
            .count();
        assert_eq!(group_sessions, 8);
        assert_eq!(
            plan.phase_of(2),
            Phase::Initial,
            "first group session is initial"
        );
        assert_eq!(plan.phase_of(8), Phase::Middle);
        assert_eq!(plan.phase_of(9), Phase::Termination);
    }

    #[test]
    fn maintenance_is_monthly_for_12_to_36_months() {
        let cat = ProtocolCatalogue::default();
        let p = cat.get(Format::Maintenance);
        assert_eq!(p.default_frequency, Frequency::Monthly);
        assert_eq!(p.months, Some((12, 36)));
        let plan = p.phase_plan(24);
        assert_eq!(plan.phase_of(1), Phase::Maintenance);
        assert_eq!(plan.phase_of(24), Phase::Termination);
        assert_eq!(p.phases(), &[Phase::Maintenance, Phase::Termination]);
    }

    #[test]
    fn a_baseline_is_a_depression_measure_never_a_gad7_alone() {
        let cat = ProtocolCatalogue::default();
        let individual = cat.get(Format::Individual);
        assert!(individual.is_baseline_measure("phq9"));
        assert!(individual.is_baseline_measure("hamd17"));
        for code in ["gad7", "wsas", "mspss", "ucla3", "phq2", "session_mood"] {
            assert!(!individual.is_baseline_measure(code), "{code}");
        }
        assert_eq!(individual.baseline_instruments(), ["phq9"]);
        for (f, first) in [
            (Format::Adolescent, "phqa"),
            (Format::PerinatalPostpartum, "epds"),
            (Format::OlderAdult, "gds15"),
        ] {
            let p = cat.get(f);
            assert!(p.is_baseline_measure(first), "{f:?}");
            assert_eq!(p.baseline_instruments()[0], first);
        }
        // Older adults start with the separate suicide screen next to the rating.
        let tasks = &cat.get(Format::OlderAdult).tasks[&Phase::Initial];
        assert_eq!(tasks[1], PhaseTask::SeparateSuicideScreen);
        assert!(
            !cat.get(Format::Individual).tasks[&Phase::Initial]
                .contains(&PhaseTask::SeparateSuicideScreen)
        );
    }

    #[test]
    fn each_format_has_tasks_for_each_of_its_phases_and_instruments() {
        let cat = ProtocolCatalogue::default();
        for p in cat.all() {
            for phase in p.phases() {
                assert!(
                    !p.tasks.get(phase).map(Vec::is_empty).unwrap_or(true),
                    "{:?} {:?}",
                    p.format,
                    phase
                );
            }
            assert!(!p.recommended_instruments.is_empty());
            assert!(p.check_session_count(p.default_sessions).is_ok());
            let plan = p.phase_plan(p.default_sessions);
            assert!(
                PhasePlan::new(plan.total, plan.initial_end, plan.termination_start).is_ok()
                    || p.format == Format::Maintenance
            );
        }
    }

    #[test]
    fn overrides_change_counts_and_refuse_nonsense() {
        let mut o = BTreeMap::new();
        o.insert(
            "individual".to_string(),
            ProtocolOverride {
                initial_sessions: Some(4),
                ..Default::default()
            },
        );
        let cat = ProtocolCatalogue::default().with_overrides(&o).unwrap();
        assert_eq!(
            cat.get(Format::Individual).phase_plan(16).phase_of(4),
            Phase::Initial
        );

        let mut bad = BTreeMap::new();
        bad.insert(
            "individual".to_string(),
            ProtocolOverride {
                default_sessions: Some(40),
                ..Default::default()
            },
        );
        assert!(matches!(
            ProtocolCatalogue::default().with_overrides(&bad),
            Err(ProtocolError::BadOverride(_))
        ));
        let mut unknown = BTreeMap::new();
        unknown.insert("yoga".to_string(), ProtocolOverride::default());
        assert!(matches!(
            ProtocolCatalogue::default().with_overrides(&unknown),
            Err(ProtocolError::UnknownFormat(_))
        ));
    }

    #[test]
    fn task_codes_round_trip() {
        assert_eq!(PhaseTask::SickRole.code(), "sick_role");
        assert_eq!(PhaseTask::parse("sick_role"), Some(PhaseTask::SickRole));
        assert_eq!(PhaseTask::parse("nap"), None);
    }

    #[test]
    fn session_checklist_always_includes_measure_and_risk() {
        for phase in Phase::ALL {
            let items = ChecklistItem::for_phase(phase);
            assert!(items.contains(&ChecklistItem::RiskReviewed));
            assert!(items.contains(&ChecklistItem::SymptomMeasureGiven));
        }
    }
}
