//! The four interpersonal problem areas of IPT, and the focus a course works on.
//!
//! Source: clinical reference §2. A course picks one, at most two, focal areas (ISIPT; NHS
//! leaflets). A role dispute is always staged: renegotiation, impasse or dissolution.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::input::{self, Refusals};
use crate::rule::{Code, FieldError};

/// The stage of a role dispute (reference §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStage {
    /// Both parties know of the disagreement and are still trying, unsuccessfully, to change it.
    Renegotiation,
    /// Talking has stopped; resentment without discussion.
    Impasse,
    /// The relationship is judged beyond repair.
    Dissolution,
}

impl DisputeStage {
    pub const ALL: [DisputeStage; 3] = [Self::Renegotiation, Self::Impasse, Self::Dissolution];

    pub fn code(self) -> &'static str {
        match self {
            Self::Renegotiation => "renegotiation",
            Self::Impasse => "impasse",
            Self::Dissolution => "dissolution",
        }
    }

    pub fn parse(code: &str) -> Result<Self, ProblemAreaError> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| ProblemAreaError::UnknownStage(code.to_string()))
    }
}

/// An interpersonal problem area. The canonical code is stored; display labels differ by
/// school and language (IPT-UK "interpersonal sensitivity", WHO group IPT "loneliness").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "area", content = "stage", rename_all = "snake_case")]
pub enum ProblemArea {
    Grief,
    RoleDispute(DisputeStage),
    RoleTransition,
    InterpersonalDeficits,
}

/// The area without its dispute stage: what suggestions and strategy lists are keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    Grief,
    RoleDispute,
    RoleTransition,
    InterpersonalDeficits,
}

impl AreaKind {
    pub const ALL: [AreaKind; 4] = [
        Self::Grief,
        Self::RoleDispute,
        Self::RoleTransition,
        Self::InterpersonalDeficits,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Grief => "grief",
            Self::RoleDispute => "role_dispute",
            Self::RoleTransition => "role_transition",
            Self::InterpersonalDeficits => "interpersonal_deficits",
        }
    }

    /// English clinical label; translated labels live in the web layer's catalogues.
    pub fn label(self) -> &'static str {
        match self {
            Self::Grief => "Grief",
            Self::RoleDispute => "Role dispute",
            Self::RoleTransition => "Role transition",
            Self::InterpersonalDeficits => "Interpersonal deficits",
        }
    }

    pub fn parse(code: &str) -> Result<Self, ProblemAreaError> {
        Self::ALL
            .into_iter()
            .find(|a| a.code() == code.trim())
            .ok_or_else(|| ProblemAreaError::UnknownArea(code.to_string()))
    }

    /// The strategies for this area, as a session checklist (reference §2.1–2.4, paraphrased).
    pub fn strategies(self) -> &'static [Strategy] {
        use Strategy::*;
        match self {
            Self::Grief => &[
                LinkOnsetToDeath,
                ReconstructRelationshipWithDeceased,
                ReviewEventsAroundDeath,
                ExploreFeelingsAboutLoss,
                EncourageNewConnections,
            ],
            Self::RoleDispute => &[
                StageTheDispute,
                ClarifyExpectations,
                LookForParallels,
                ExploreWhatMaintainsDispute,
                CommunicationWork,
                DecideOnAPlan,
            ],
            Self::RoleTransition => &[
                ReviewOldRole,
                ExploreNewRole,
                ExploreFeelingsAboutChange,
                EvaluateLossRealistically,
                BuildSupportAndSkills,
            ],
            Self::InterpersonalDeficits => &[
                ReviewPastRelationships,
                FindRepeatingPatterns,
                UseTherapeuticRelationship,
                RehearseSocialSkills,
                SetGradedContactGoals,
            ],
        }
    }
}

/// One problem-area strategy, used as a checklist item in session notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    LinkOnsetToDeath,
    ReconstructRelationshipWithDeceased,
    ReviewEventsAroundDeath,
    ExploreFeelingsAboutLoss,
    EncourageNewConnections,
    StageTheDispute,
    ClarifyExpectations,
    LookForParallels,
    ExploreWhatMaintainsDispute,
    CommunicationWork,
    DecideOnAPlan,
    ReviewOldRole,
    ExploreNewRole,
    ExploreFeelingsAboutChange,
    EvaluateLossRealistically,
    BuildSupportAndSkills,
    ReviewPastRelationships,
    FindRepeatingPatterns,
    UseTherapeuticRelationship,
    RehearseSocialSkills,
    SetGradedContactGoals,
}

impl Strategy {
    /// A short description in our own words.
    pub fn label(self) -> &'static str {
        use Strategy::*;
        match self {
            LinkOnsetToDeath => "Connect when the depression began with the death",
            ReconstructRelationshipWithDeceased => {
                "Go over the relationship with the person who died, good and bad sides"
            }
            ReviewEventsAroundDeath => {
                "Go through what happened before, during and after the death"
            }
            ExploreFeelingsAboutLoss => {
                "Make room for feelings about the loss (guilt, anger, relief)"
            }
            EncourageNewConnections => "Support new or renewed relationships and interests",
            StageTheDispute => "Decide the stage of the dispute",
            ClarifyExpectations => "Clarify what each person expects and what the issues are",
            LookForParallels => "Look for similar patterns in other relationships",
            ExploreWhatMaintainsDispute => "Ask what keeps the dispute going",
            CommunicationWork => "Work on communication (analysis, role play)",
            DecideOnAPlan => "Weigh options and choose a plan of action",
            ReviewOldRole => "Review the good and bad sides of the old role",
            ExploreNewRole => "Explore the new role, including its opportunities",
            ExploreFeelingsAboutChange => {
                "Make room for feelings about the change and what was lost"
            }
            EvaluateLossRealistically => "Weigh what was lost realistically",
            BuildSupportAndSkills => "Build support and the skills the new role needs",
            ReviewPastRelationships => "Review important past relationships",
            FindRepeatingPatterns => "Find patterns that repeat across relationships",
            UseTherapeuticRelationship => {
                "Use the therapy relationship as a safe place to practise"
            }
            RehearseSocialSkills => "Rehearse ways of starting and keeping contact",
            SetGradedContactGoals => "Set small, graded goals for social contact",
        }
    }
}

impl ProblemArea {
    pub fn kind(self) -> AreaKind {
        match self {
            Self::Grief => AreaKind::Grief,
            Self::RoleDispute(_) => AreaKind::RoleDispute,
            Self::RoleTransition => AreaKind::RoleTransition,
            Self::InterpersonalDeficits => AreaKind::InterpersonalDeficits,
        }
    }

    /// Build an area from its kind and, for disputes, the stage (required for a dispute).
    pub fn from_kind(
        kind: AreaKind,
        stage: Option<DisputeStage>,
    ) -> Result<Self, ProblemAreaError> {
        match (kind, stage) {
            (AreaKind::RoleDispute, Some(stage)) => Ok(Self::RoleDispute(stage)),
            (AreaKind::RoleDispute, None) => Err(ProblemAreaError::DisputeNeedsStage),
            (_, Some(_)) => Err(ProblemAreaError::StageOnlyForDisputes),
            (AreaKind::Grief, None) => Ok(Self::Grief),
            (AreaKind::RoleTransition, None) => Ok(Self::RoleTransition),
            (AreaKind::InterpersonalDeficits, None) => Ok(Self::InterpersonalDeficits),
        }
    }

    pub fn stage(self) -> Option<DisputeStage> {
        match self {
            Self::RoleDispute(stage) => Some(stage),
            _ => None,
        }
    }
}

impl fmt::Display for ProblemArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RoleDispute(stage) => write!(f, "Role dispute ({})", stage.code()),
            other => f.write_str(other.kind().label()),
        }
    }
}

/// The one or two problem areas a course focuses on. Never empty, never more than two, and
/// never the same area twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<ProblemArea>", into = "Vec<ProblemArea>")]
pub struct FocusAreas(Vec<ProblemArea>);

impl FocusAreas {
    pub fn new(areas: Vec<ProblemArea>) -> Result<Self, ProblemAreaError> {
        match areas.len() {
            0 => return Err(ProblemAreaError::NoFocusArea),
            1 | 2 => {}
            n => return Err(ProblemAreaError::TooManyFocusAreas(n)),
        }
        if areas.len() == 2 && areas[0].kind() == areas[1].kind() {
            return Err(ProblemAreaError::DuplicateFocusArea(
                areas[0].kind().label(),
            ));
        }
        Ok(Self(areas))
    }

    pub fn areas(&self) -> &[ProblemArea] {
        &self.0
    }

    pub fn contains(&self, kind: AreaKind) -> bool {
        self.0.iter().any(|a| a.kind() == kind)
    }
}

impl TryFrom<Vec<ProblemArea>> for FocusAreas {
    type Error = ProblemAreaError;
    fn try_from(v: Vec<ProblemArea>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<FocusAreas> for Vec<ProblemArea> {
    fn from(f: FocusAreas) -> Self {
        f.0
    }
}

/// One focus area as a door was given it: the area's code and, for a role dispute, its stage's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FocusAreaInput {
    pub area: Option<String>,
    pub stage: Option<String>,
}

/// The focus as a door was given it: the areas in the order chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FocusInput {
    pub areas: Vec<FocusAreaInput>,
    /// Why this focus: optional at the first choice, needed for a change of areas after the
    /// initial phase (`Course::choose_focus`).
    pub reason: Option<String>,
}

impl FocusInput {
    /// One or two different areas; a role dispute with its stage, any other area without one.
    /// A refusal about one area is named `areas.area` or `areas.stage` with its position
    /// (`index`, from 0); one about the choice as a whole is named `areas`. The reason comes
    /// back trimmed, at most a long text.
    pub fn read(&self) -> Result<(FocusAreas, String), Vec<FieldError>> {
        let mut r = Refusals::new();
        let reason = r.take(input::bounded_text(
            "reason",
            self.reason.as_deref().unwrap_or(""),
            input::LONG_TEXT,
        ));
        let at = |field: &'static str, code: Code, i: usize| {
            FieldError::new(field, code).number("index", i as i64)
        };
        let mut areas = vec![];
        for (i, a) in self.areas.iter().enumerate() {
            let kind = match a.area.as_deref().map(str::trim) {
                None | Some("") => {
                    r.push(at("areas.area", Code::Required, i));
                    None
                }
                Some(code) => match AreaKind::parse(code) {
                    Ok(k) => Some(k),
                    Err(_) => {
                        r.push(at("areas.area", Code::NotOneOf, i).text("value", code));
                        None
                    }
                },
            };
            let stage = match a.stage.as_deref().map(str::trim) {
                None | Some("") => Some(None),
                Some(code) => match DisputeStage::parse(code) {
                    Ok(s) => Some(Some(s)),
                    Err(_) => {
                        r.push(at("areas.stage", Code::NotOneOf, i).text("value", code));
                        None
                    }
                },
            };
            let (Some(kind), Some(stage)) = (kind, stage) else {
                continue;
            };
            match ProblemArea::from_kind(kind, stage) {
                Ok(area) => areas.push(area),
                Err(ProblemAreaError::DisputeNeedsStage) => {
                    r.push(at("areas.stage", Code::DisputeNeedsStage, i))
                }
                Err(_) => r.push(at("areas.stage", Code::StageOnlyForDisputes, i)),
            }
        }
        let Some(reason) = reason.filter(|_| r.is_empty()) else {
            return Err(r.into_vec());
        };
        let areas = FocusAreas::new(areas).map_err(|e| {
            vec![match e {
                ProblemAreaError::TooManyFocusAreas(_) => {
                    FieldError::new("areas", Code::FocusTooMany).number("max", 2)
                }
                ProblemAreaError::DuplicateFocusArea(_) => {
                    FieldError::new("areas", Code::FocusDuplicate).number("index", 1)
                }
                _ => FieldError::new("areas", Code::FocusNone),
            }]
        })?;
        Ok((areas, reason))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemAreaError {
    #[error("choose at least one focus area")]
    NoFocusArea,
    #[error("IPT works on one or two focus areas; {0} were chosen")]
    TooManyFocusAreas(usize),
    #[error("'{0}' was chosen twice; choose two different areas or just one")]
    DuplicateFocusArea(&'static str),
    #[error("a role dispute needs its stage: renegotiation, impasse or dissolution")]
    DisputeNeedsStage,
    #[error("only a role dispute has a stage")]
    StageOnlyForDisputes,
    #[error(
        "'{0}' is not a problem area (grief, role_dispute, role_transition, interpersonal_deficits)"
    )]
    UnknownArea(String),
    #[error("'{0}' is not a dispute stage (renegotiation, impasse, dissolution)")]
    UnknownStage(String),
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_focus_input_names_each_area_by_its_position() {
        let area = |a: &str, st: &str| FocusAreaInput {
            area: Some(a.into()),
            stage: (!st.is_empty()).then(|| st.into()),
        };
        let codes = |i: FocusInput| {
            i.read()
                .unwrap_err()
                .iter()
                .map(|e| (e.field, e.code.as_str(), e.args.clone()))
                .collect::<Vec<_>>()
        };
        let got = codes(FocusInput {
            areas: vec![area("role_dispute", ""), area("grief", "impasse")],
            ..Default::default()
        });
        assert_eq!(
            got.iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(),
            [
                ("areas.stage", "dispute_needs_stage"),
                ("areas.stage", "stage_only_for_disputes")
            ]
        );
        assert_eq!(got[1].2, vec![("index", crate::rule::Arg::Number(1))]);
        let got = codes(FocusInput {
            areas: vec![area("grief", ""), area(" grief", "")],
            ..Default::default()
        });
        assert_eq!(got[0].1, "focus_duplicate");
        assert_eq!(codes(FocusInput::default())[0].1, "focus_none");
        let (ok, reason) = FocusInput {
            areas: vec![area("role_dispute", "impasse"), area("grief", "")],
            reason: Some("  the dispute came first  ".into()),
        }
        .read()
        .unwrap();
        assert_eq!(reason, "the dispute came first");
        assert_eq!(
            ok.areas()[0],
            ProblemArea::RoleDispute(DisputeStage::Impasse)
        );
    }

    use super::*;

    #[test]
    fn focus_areas_hold_one_or_two() {
        assert_eq!(FocusAreas::new(vec![]), Err(ProblemAreaError::NoFocusArea));
        assert!(FocusAreas::new(vec![ProblemArea::Grief]).is_ok());
        assert!(FocusAreas::new(vec![ProblemArea::Grief, ProblemArea::RoleTransition]).is_ok());
        assert_eq!(
            FocusAreas::new(vec![
                ProblemArea::Grief,
                ProblemArea::RoleTransition,
                ProblemArea::InterpersonalDeficits
            ]),
            Err(ProblemAreaError::TooManyFocusAreas(3))
        );
    }

    #[test]
    fn the_same_area_twice_is_refused_even_with_different_stages() {
        let err = FocusAreas::new(vec![
            ProblemArea::RoleDispute(DisputeStage::Impasse),
            ProblemArea::RoleDispute(DisputeStage::Renegotiation),
        ])
        .unwrap_err();
        assert_eq!(err, ProblemAreaError::DuplicateFocusArea("Role dispute"));
    }

    #[test]
    fn focus_areas_deserialise_through_the_guard() {
        let json = r#"[{"area":"grief"},{"area":"role_dispute","stage":"impasse"}]"#;
        let f: FocusAreas = serde_json::from_str(json).unwrap();
        assert_eq!(
            f.areas()[1],
            ProblemArea::RoleDispute(DisputeStage::Impasse)
        );
        let too_many =
            r#"[{"area":"grief"},{"area":"role_transition"},{"area":"interpersonal_deficits"}]"#;
        assert!(serde_json::from_str::<FocusAreas>(too_many).is_err());
    }

    #[test]
    fn a_dispute_needs_a_stage() {
        assert_eq!(
            ProblemArea::from_kind(AreaKind::RoleDispute, None),
            Err(ProblemAreaError::DisputeNeedsStage)
        );
        assert_eq!(
            ProblemArea::from_kind(AreaKind::Grief, Some(DisputeStage::Impasse)),
            Err(ProblemAreaError::StageOnlyForDisputes)
        );
    }

    #[test]
    fn every_area_has_strategies() {
        for kind in AreaKind::ALL {
            assert!(kind.strategies().len() >= 4, "{kind:?}");
            assert_eq!(AreaKind::parse(kind.code()), Ok(kind));
        }
    }
}
