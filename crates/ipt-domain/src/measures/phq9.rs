//! The PHQ-9 diagnostic algorithm, as a *screening finding* for the initial phase.
//!
//! Source: Spitzer, Kroenke & Williams (PHQ Primary Care Study, JAMA 1999;282:1737) and
//! Kroenke, Spitzer & Williams 2001 (J Gen Intern Med 16:606-613); the same rules are in
//! CamCOPS task `phq9` (instruments.md "Notes"):
//! - an item counts as a symptom when it is rated ≥ 2 ("more than half the days"); item 9
//!   counts when rated ≥ 1;
//! - items 1–2 (little interest or pleasure; feeling down) are the core symptoms;
//! - **major depressive syndrome**: at least one core symptom and ≥ 5 symptoms in total;
//! - **other depressive syndrome**: at least one core symptom and 2–4 symptoms in total.
//!
//! The finding supports the clinician's diagnostic assessment; it never replaces it, and every
//! statement says so. Scoring a PHQ-9 carries it in [`ScoreResult::screening`]
//! (`super::ScoreResult`), so every door that scores a PHQ-9 (`ipt score phq9 …`) gets it.

use serde::{Deserialize, Serialize};

use super::answers::{Answers, ScoreError};
use super::catalogue::Catalogue;
use super::definition::Instrument;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreeningFinding {
    MajorDepressiveSyndrome,
    OtherDepressiveSyndrome,
    NoDepressiveSyndrome,
    /// Missing items could change the finding.
    Indeterminate,
}

impl ScreeningFinding {
    pub fn code(self) -> &'static str {
        match self {
            Self::MajorDepressiveSyndrome => "major_depressive_syndrome",
            Self::OtherDepressiveSyndrome => "other_depressive_syndrome",
            Self::NoDepressiveSyndrome => "no_depressive_syndrome",
            Self::Indeterminate => "indeterminate",
        }
    }

    /// A plain-English statement, always worded as a screening finding.
    pub fn statement(self) -> &'static str {
        match self {
            Self::MajorDepressiveSyndrome => {
                "Screening finding: the PHQ-9 answers fit the pattern of a major depressive syndrome. \
                 This is not a diagnosis; confirm it in a clinical interview."
            }
            Self::OtherDepressiveSyndrome => {
                "Screening finding: the PHQ-9 answers fit the pattern of an other depressive syndrome. \
                 This is not a diagnosis; confirm it in a clinical interview."
            }
            Self::NoDepressiveSyndrome => {
                "Screening finding: the PHQ-9 answers do not fit the pattern of a depressive syndrome. \
                 This does not rule out depression; the clinical interview decides."
            }
            Self::Indeterminate => {
                "Screening finding: too many PHQ-9 items are missing to apply the diagnostic algorithm."
            }
        }
    }
}

/// The algorithm's output. Symptom counts are over the answered items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phq9Screen {
    pub finding: ScreeningFinding,
    pub core_symptoms: u8,
    pub total_symptoms: u8,
    pub statement: String,
}

fn classify(core: u8, total: u8) -> ScreeningFinding {
    match (core >= 1, total) {
        (true, 5..) => ScreeningFinding::MajorDepressiveSyndrome,
        (true, 2..=4) => ScreeningFinding::OtherDepressiveSyndrome,
        _ => ScreeningFinding::NoDepressiveSyndrome,
    }
}

/// Apply the algorithm to PHQ-9 answers. With missing items the finding is given only when
/// every way of answering them would give the same finding.
pub fn screen(answers: &Answers) -> Result<Phq9Screen, ScoreError> {
    if answers.instrument() != "phq9" {
        return Err(ScoreError::WrongInstrument {
            expected: "phq9".into(),
            found: answers.instrument().to_string(),
        });
    }
    Ok(screen_with(Catalogue::builtin().require("phq9")?, answers))
}

/// The algorithm over answers already checked against `phq9` (the scorer's own definition).
pub(crate) fn screen_with(phq9: &Instrument, answers: &Answers) -> Phq9Screen {
    let mut lo = (0u8, 0u8); // (core, total) counting missing items as absent
    let mut hi = (0u8, 0u8); // … and as present
    for n in 1..=9u8 {
        let threshold = if n == 9 { 1 } else { 2 };
        let core = u8::from(n <= 2);
        match answers.get(phq9, &format!("q{n}")) {
            Some(v) if v >= threshold => {
                lo = (lo.0 + core, lo.1 + 1);
                hi = (hi.0 + core, hi.1 + 1);
            }
            Some(_) => {}
            None => hi = (hi.0 + core, hi.1 + 1),
        }
    }
    // The classification is monotone in each item, so equal ends mean every filling agrees.
    let (a, b) = (classify(lo.0, lo.1), classify(hi.0, hi.1));
    let finding = if a == b {
        a
    } else {
        ScreeningFinding::Indeterminate
    };
    Phq9Screen {
        finding,
        core_symptoms: lo.0,
        total_symptoms: lo.1,
        statement: finding.statement().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> Phq9Screen {
        let p = Catalogue::builtin().get("phq9").unwrap();
        screen(&p.parse_answers(s).unwrap()).unwrap()
    }

    #[test]
    fn major_needs_a_core_symptom_and_five_symptoms() {
        let r = run("2,0,2,2,2,2,0,0,0");
        assert_eq!(r.finding, ScreeningFinding::MajorDepressiveSyndrome);
        assert_eq!((r.core_symptoms, r.total_symptoms), (1, 5));
        assert!(r.statement.contains("not a diagnosis"));
    }

    #[test]
    fn item_9_counts_from_1() {
        let r = run("0,2,2,2,2,0,0,0,1");
        assert_eq!(r.finding, ScreeningFinding::MajorDepressiveSyndrome);
    }

    #[test]
    fn other_is_two_to_four_symptoms_with_a_core_symptom() {
        assert_eq!(
            run("2,0,2,0,0,0,0,0,0").finding,
            ScreeningFinding::OtherDepressiveSyndrome
        );
        assert_eq!(
            run("3,3,3,3,1,1,1,1,0").finding,
            ScreeningFinding::OtherDepressiveSyndrome
        );
    }

    #[test]
    fn no_core_symptom_means_no_syndrome() {
        assert_eq!(
            run("1,1,3,3,3,3,3,3,3").finding,
            ScreeningFinding::NoDepressiveSyndrome
        );
        assert_eq!(
            run("2,0,0,0,0,0,0,0,0").finding,
            ScreeningFinding::NoDepressiveSyndrome
        );
    }

    #[test]
    fn the_phq9_score_carries_the_finding_and_other_instruments_do_not() {
        // #14 finding 10: the algorithm was called by nothing; scoring now carries it.
        let r = crate::measures::score("phq9", "2,0,2,2,2,2,0,0,0").unwrap();
        let s = r
            .screening
            .clone()
            .expect("a PHQ-9 score carries the screening finding");
        assert_eq!(s.finding, ScreeningFinding::MajorDepressiveSyndrome);
        assert_eq!(s, run("2,0,2,2,2,2,0,0,0"));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["screening"]["finding"], "major_depressive_syndrome");
        // A total of 10 without a core symptom: moderate, but not the syndrome's pattern.
        let r = crate::measures::score("phq9", "1,1,2,2,1,1,1,1,0").unwrap();
        assert_eq!(r.total, Some(10));
        assert_eq!(
            r.screening.unwrap().finding,
            ScreeningFinding::NoDepressiveSyndrome
        );
        let r = crate::measures::score("phq9", "2,0,2,2,2,,0,0,0").unwrap();
        assert_eq!(
            r.screening.unwrap().finding,
            ScreeningFinding::Indeterminate
        );
        let g = crate::measures::score("gad7", "3,3,3,3,3,3,3").unwrap();
        assert_eq!(g.screening, None);
        assert!(serde_json::to_value(&g).unwrap().get("screening").is_none());
    }

    #[test]
    fn missing_items_give_a_finding_only_when_they_cannot_change_it() {
        assert_eq!(
            run("2,2,2,2,2,,,,").finding,
            ScreeningFinding::MajorDepressiveSyndrome
        );
        assert_eq!(
            run("2,0,2,2,2,,0,0,0").finding,
            ScreeningFinding::Indeterminate
        );
        assert_eq!(
            run("0,0,3,3,3,3,3,3,").finding,
            ScreeningFinding::NoDepressiveSyndrome
        );
    }
}
