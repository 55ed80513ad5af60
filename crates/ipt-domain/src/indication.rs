//! The indication and suitability record: the DSM-5 major-depression A-criteria checklist, the
//! reasons IPT is a first-line choice, and escalation flags with their guideline prompts.
//!
//! Decision support only: nothing here diagnoses or blocks. The clinician decides.
//! Sources: DSM-5 criterion A for a major depressive episode (5 of 9 symptoms, at least one of
//! depressed mood or loss of interest, over the same 2 weeks); clinical reference §4 and §5.4.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::input::{self, Refusals};
use crate::rule::FieldError;

/// The nine DSM-5 criterion-A symptoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    DepressedMood,
    LossOfInterest,
    WeightOrAppetiteChange,
    SleepChange,
    PsychomotorChange,
    FatigueOrLossOfEnergy,
    WorthlessnessOrGuilt,
    PoorConcentration,
    ThoughtsOfDeath,
}

impl Symptom {
    pub const ALL: [Symptom; 9] = [
        Self::DepressedMood,
        Self::LossOfInterest,
        Self::WeightOrAppetiteChange,
        Self::SleepChange,
        Self::PsychomotorChange,
        Self::FatigueOrLossOfEnergy,
        Self::WorthlessnessOrGuilt,
        Self::PoorConcentration,
        Self::ThoughtsOfDeath,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::DepressedMood => "depressed_mood",
            Self::LossOfInterest => "loss_of_interest",
            Self::WeightOrAppetiteChange => "weight_or_appetite_change",
            Self::SleepChange => "sleep_change",
            Self::PsychomotorChange => "psychomotor_change",
            Self::FatigueOrLossOfEnergy => "fatigue",
            Self::WorthlessnessOrGuilt => "worthlessness_or_guilt",
            Self::PoorConcentration => "poor_concentration",
            Self::ThoughtsOfDeath => "thoughts_of_death",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// Why IPT is a first-line option for this patient (reference §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FirstLineReason {
    PrefersPsychotherapy,
    PerinatalAvoidsMedication,
    MedicationNotTolerated,
    Adolescent,
    OlderAdult,
    ClearInterpersonalTrigger,
    LowResourceGroupSetting,
}

impl FirstLineReason {
    pub const ALL: [FirstLineReason; 7] = [
        Self::PrefersPsychotherapy,
        Self::PerinatalAvoidsMedication,
        Self::MedicationNotTolerated,
        Self::Adolescent,
        Self::OlderAdult,
        Self::ClearInterpersonalTrigger,
        Self::LowResourceGroupSetting,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PrefersPsychotherapy => "prefers_psychotherapy",
            Self::PerinatalAvoidsMedication => "perinatal_avoids_medication",
            Self::MedicationNotTolerated => "medication_not_tolerated",
            Self::Adolescent => "adolescent",
            Self::OlderAdult => "older_adult",
            Self::ClearInterpersonalTrigger => "clear_interpersonal_trigger",
            Self::LowResourceGroupSetting => "low_resource_group_setting",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// A reason to consider escalation, combined treatment or referral (reference §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationFlag {
    PsychoticFeatures,
    BipolarHistory,
    HighSuicideRisk,
    SubstanceDependence,
    MoreSevereDepression,
}

impl EscalationFlag {
    pub const ALL: [EscalationFlag; 5] = [
        Self::PsychoticFeatures,
        Self::BipolarHistory,
        Self::HighSuicideRisk,
        Self::SubstanceDependence,
        Self::MoreSevereDepression,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PsychoticFeatures => "psychotic_features",
            Self::BipolarHistory => "bipolar_history",
            Self::HighSuicideRisk => "high_suicide_risk",
            Self::SubstanceDependence => "substance_dependence",
            Self::MoreSevereDepression => "more_severe_depression",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// The guideline prompt, in our own words, with its source.
    pub fn prompt(self) -> GuidelinePrompt {
        let (text, source) = match self {
            Self::PsychoticFeatures => (
                "Psychotic features: consider referral to specialist mental-health services and \
                 combined medication (antidepressant with antipsychotic). Psychological treatment \
                 usually waits until the psychotic symptoms have improved.",
                "NICE NG222 1.12.1–1.12.2",
            ),
            Self::BipolarHistory => (
                "History of mania or bipolar disorder: IPT alone is not suitable. Review the \
                 diagnosis and mood-stabiliser treatment; an interpersonal approach can only be an \
                 add-on.",
                "Clinical reference §5.4 (IPSRT as adjunct)",
            ),
            Self::HighSuicideRisk => (
                "High suicide risk: arrange a same-day safety assessment, follow the crisis \
                 pathway and increase contact. Treatment for depression is not withheld because of \
                 risk; IPT can continue as part of care.",
                "NICE NG222 1.2.12, 1.16.11",
            ),
            Self::SubstanceDependence => (
                "Substance dependence: consider assessment and treatment of the dependence \
                 alongside, or before, psychotherapy for depression, and coordinate with the \
                 services involved.",
                "Clinical reference §5.1 (specialist referral for complicating comorbidity, NICE NG222 1.16.9)",
            ),
            Self::MoreSevereDepression => (
                "More severe depression (for example PHQ-9 16 or more): discuss combining \
                 psychotherapy with an antidepressant.",
                "NICE NG222 1.6.1; CANMAT 2016",
            ),
        };
        GuidelinePrompt {
            flag: self,
            text,
            source,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GuidelinePrompt {
    pub flag: EscalationFlag,
    pub text: &'static str,
    pub source: &'static str,
}

/// How severe the clinician judges the depression (on the checklist, and at diagnosis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DepressionSeverity {
    Mild,
    Moderate,
    Severe,
}

impl DepressionSeverity {
    pub const ALL: [DepressionSeverity; 3] = [Self::Mild, Self::Moderate, Self::Severe];
    pub fn code(self) -> &'static str {
        match self {
            Self::Mild => "mild",
            Self::Moderate => "moderate",
            Self::Severe => "severe",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// The indication and suitability record of a course.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicationRecord {
    pub symptoms: BTreeSet<Symptom>,
    /// Symptoms present most of the day, nearly every day, for at least two weeks.
    pub two_weeks_or_more: bool,
    pub severity: Option<DepressionSeverity>,
    /// The recent interpersonal link, in the clinician's words.
    pub interpersonal_link: String,
    pub first_line_reasons: BTreeSet<FirstLineReason>,
    pub escalation_flags: BTreeSet<EscalationFlag>,
}

/// The indication record as a door was given it: the codes ticked, the severity's code (empty
/// or absent when not judged) and the link in the clinician's words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicationInput {
    pub symptoms: Vec<String>,
    pub two_weeks_or_more: bool,
    pub severity: Option<String>,
    pub interpersonal_link: String,
    pub first_line_reasons: Vec<String>,
    pub escalation_flags: Vec<String>,
}

impl IndicationInput {
    /// Every code must be one of its list's (an unknown one is refused with its position, never
    /// dropped); the link is at most `LONG_TEXT` characters. Nothing here requires a tick: the
    /// record is decision support, and an empty one is a true record of nothing found yet.
    pub fn read(&self) -> Result<IndicationRecord, Vec<FieldError>> {
        let mut r = Refusals::new();
        let symptoms = r.take(input::choices("symptoms", &self.symptoms, Symptom::parse));
        let severity = r.take(input::choice(
            "severity",
            self.severity.as_deref(),
            DepressionSeverity::parse,
        ));
        let link = r.take(input::bounded_text(
            "interpersonal_link",
            &self.interpersonal_link,
            input::LONG_TEXT,
        ));
        let reasons = r.take(input::choices(
            "first_line_reasons",
            &self.first_line_reasons,
            FirstLineReason::parse,
        ));
        let flags = r.take(input::choices(
            "escalation_flags",
            &self.escalation_flags,
            EscalationFlag::parse,
        ));
        match (symptoms, severity, link, reasons, flags) {
            (Some(symptoms), Some(severity), Some(link), Some(reasons), Some(flags))
                if r.is_empty() =>
            {
                Ok(IndicationRecord {
                    symptoms: symptoms.into_iter().collect(),
                    two_weeks_or_more: self.two_weeks_or_more,
                    severity,
                    interpersonal_link: link,
                    first_line_reasons: reasons.into_iter().collect(),
                    escalation_flags: flags.into_iter().collect(),
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

/// What the A-criteria checklist shows. Worded as a finding for the clinician to weigh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriteriaFinding {
    /// The checklist is consistent with the A criteria of a major depressive episode.
    ConsistentWithMajorDepressiveEpisode,
    /// Fewer than five symptoms, or neither core symptom.
    BelowThreshold,
    /// Enough symptoms, but the two-week duration is not confirmed.
    DurationNotConfirmed,
}

impl IndicationRecord {
    pub fn core_symptom_present(&self) -> bool {
        self.symptoms.contains(&Symptom::DepressedMood)
            || self.symptoms.contains(&Symptom::LossOfInterest)
    }

    /// DSM-5 criterion A: ≥5 of the 9 symptoms, including depressed mood or loss of interest,
    /// during the same 2-week period.
    pub fn a_criteria(&self) -> CriteriaFinding {
        if self.symptoms.len() < 5 || !self.core_symptom_present() {
            CriteriaFinding::BelowThreshold
        } else if !self.two_weeks_or_more {
            CriteriaFinding::DurationNotConfirmed
        } else {
            CriteriaFinding::ConsistentWithMajorDepressiveEpisode
        }
    }

    /// The guideline prompt of each escalation flag, in a stable order.
    pub fn prompts(&self) -> Vec<GuidelinePrompt> {
        self.escalation_flags.iter().map(|f| f.prompt()).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_indication_input_refuses_unknown_codes_by_position() {
        let raw = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let bad = super::IndicationInput {
            symptoms: raw(&["sleep_change", "sadness"]),
            severity: Some("extreme".into()),
            escalation_flags: raw(&["bipolar"]),
            ..Default::default()
        };
        let e = bad.read().unwrap_err();
        let got: Vec<_> = e.iter().map(|e| (e.field, e.code.as_str())).collect();
        assert_eq!(
            got,
            [
                ("symptoms", "not_one_of"),
                ("severity", "not_one_of"),
                ("escalation_flags", "not_one_of")
            ]
        );
        let ok = super::IndicationInput {
            symptoms: raw(&["sleep_change", "depressed_mood", "sleep_change"]),
            severity: Some(" ".into()),
            interpersonal_link: " after the move ".into(),
            ..Default::default()
        }
        .read()
        .unwrap();
        assert_eq!(ok.symptoms.len(), 2);
        assert_eq!(ok.severity, None, "blank is not judged");
        assert_eq!(ok.interpersonal_link, "after the move");
    }

    use super::*;

    fn with(symptoms: &[Symptom], weeks: bool) -> IndicationRecord {
        IndicationRecord {
            symptoms: symptoms.iter().copied().collect(),
            two_weeks_or_more: weeks,
            ..Default::default()
        }
    }

    #[test]
    fn five_symptoms_with_a_core_one_for_two_weeks() {
        use Symptom::*;
        let five = [
            DepressedMood,
            SleepChange,
            FatigueOrLossOfEnergy,
            PoorConcentration,
            WorthlessnessOrGuilt,
        ];
        assert_eq!(
            with(&five, true).a_criteria(),
            CriteriaFinding::ConsistentWithMajorDepressiveEpisode
        );
        assert_eq!(
            with(&five, false).a_criteria(),
            CriteriaFinding::DurationNotConfirmed
        );
        assert_eq!(
            with(&five[..4], true).a_criteria(),
            CriteriaFinding::BelowThreshold
        );
        let no_core = [
            WeightOrAppetiteChange,
            SleepChange,
            FatigueOrLossOfEnergy,
            PoorConcentration,
            WorthlessnessOrGuilt,
            ThoughtsOfDeath,
        ];
        assert_eq!(
            with(&no_core, true).a_criteria(),
            CriteriaFinding::BelowThreshold
        );
        let anhedonia = [
            LossOfInterest,
            SleepChange,
            FatigueOrLossOfEnergy,
            PoorConcentration,
            PsychomotorChange,
        ];
        assert_eq!(
            with(&anhedonia, true).a_criteria(),
            CriteriaFinding::ConsistentWithMajorDepressiveEpisode
        );
    }

    #[test]
    fn every_flag_yields_a_sourced_prompt() {
        let r = IndicationRecord {
            escalation_flags: EscalationFlag::ALL.into_iter().collect(),
            ..Default::default()
        };
        let prompts = r.prompts();
        assert_eq!(prompts.len(), 5);
        for p in prompts {
            assert!(!p.text.is_empty() && !p.source.is_empty());
        }
        assert!(
            EscalationFlag::PsychoticFeatures
                .prompt()
                .text
                .contains("specialist")
        );
    }
}
