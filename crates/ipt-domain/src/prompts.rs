//! Scores reach the escalation prompts (#14, finding 7): what the scores on file suggest to the
//! clinician, who confirms or dismisses it. Nothing here ticks a flag or blocks a move.
//!
//! - The course's latest main-measure score at or above the instrument's own "more severe"
//!   threshold (PHQ-9 16 or more, NICE NG222; HAM-D 24 or more, Zimmerman 2013; reference
//!   §5.4) suggests [`EscalationFlag::MoreSevereDepression`].
//! - A positive risk item on the latest assessment of any instrument that has one suggests
//!   [`EscalationFlag::HighSuicideRisk`] (reference §5.4: PHQ-9 item 9, EPDS item 10).
//! - A format whose main measure asks nothing about suicide (the GDS-15 of older adults) prompts
//!   a separate suicide screen until an instrument with a risk item has been scored on the
//!   course, or a session records that risk was asked about.
//!
//! Pure: the caller passes what it has loaded.

use serde::Serialize;
use time::Date;

use crate::assessment::{Assessment, AssessmentStatus};
use crate::indication::{EscalationFlag, IndicationRecord};
use crate::measures::{Catalogue, Instrument, ScoringConfig};
use crate::protocol::{PhaseTask, Protocol};
use crate::session::TherapySession;
use crate::signals::ScorePoint;

/// A final outcome total: not a draft, not one of our session ratings, with a total.
fn scored(a: &Assessment) -> Option<u32> {
    if a.status != AssessmentStatus::Final
        || Assessment::NOT_OUTCOME_MEASURES.contains(&a.instrument.as_str())
    {
        return None;
    }
    let total = a.result.as_ref()?.total?;
    // Totals are whole numbers (prorated totals are rounded when scored).
    (total >= 0.0).then(|| total.round() as u32)
}

/// The course's main measure: the first of the format's recommended instruments that has a
/// final total, else the outcome measure given last (never a session rating, never a secondary
/// outcome such as the MSPSS or the RAS), else the format's first recommended instrument (whose
/// schedule is then due).
pub fn main_measure<'a>(protocol: &'a Protocol, assessments: &'a [Assessment]) -> Option<&'a str> {
    let given = |code: &str| {
        assessments
            .iter()
            .any(|a| a.instrument == code && scored(a).is_some())
    };
    protocol
        .recommended_instruments
        .iter()
        .find(|c| given(c))
        .or_else(|| {
            assessments
                .iter()
                .filter(|a| scored(a).is_some())
                .filter(|a| {
                    Catalogue::builtin()
                        .get(&a.instrument)
                        .is_none_or(|i| !i.construct.is_secondary_outcome())
                })
                .max_by_key(|a| a.administered_at)
                .map(|a| &a.instrument)
        })
        .or(protocol.recommended_instruments.first())
        .map(String::as_str)
}

/// The final totals of `code`, oldest first.
pub fn score_points(code: &str, assessments: &[Assessment]) -> Vec<ScorePoint> {
    let mut list: Vec<&Assessment> = assessments
        .iter()
        .filter(|a| a.instrument == code && scored(a).is_some())
        .collect();
    list.sort_by_key(|a| (a.administered_at, a.id));
    list.into_iter()
        .filter_map(|a| {
            Some(ScorePoint {
                on: a.administered_at.date(),
                total: scored(a)?,
                phase: a.phase,
            })
        })
        .collect()
}

/// The score a suggestion rests on, for the clinician to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreEvidence {
    /// The instrument's code.
    pub instrument: String,
    /// Its total, when the answers gave a valid one.
    pub total: Option<u32>,
    pub on: Date,
    /// The numbers of its positive risk items.
    pub risk_items: Vec<u16>,
}

/// A flag the scores on file suggest, with what suggests it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuggestedFlag {
    pub flag: EscalationFlag,
    pub evidence: ScoreEvidence,
    /// The instrument's "more severe" threshold that the total reached (none for a risk item).
    pub at_least: Option<u32>,
    /// Where the rule comes from, as a short citation.
    pub source: String,
}

/// The flags the scores suggest and the clinician has not ticked yet, in the flags' order.
///
/// "More severe" reads the latest total of the main measure ([`main_measure`]); a main
/// measure without a "more severe" threshold of its own (GDS-15, EPDS) leaves it to the latest
/// total of the course's other depression measure that has one (a PHQ-9). "High suicide risk"
/// reads, for each instrument, its latest assessment with a result (a draft too: risk items are
/// checked on every entry, as alerts are raised), and is suggested when one of them is positive.
pub fn suggested_flags(
    protocol: &Protocol,
    assessments: &[Assessment],
    record: &IndicationRecord,
    catalogue: &Catalogue,
) -> Vec<SuggestedFlag> {
    let mut out = vec![];
    let ticked = |f| record.escalation_flags.contains(&f);

    if !ticked(EscalationFlag::HighSuicideRisk) {
        let mut latest: Vec<&Assessment> = vec![];
        let mut by_time: Vec<&Assessment> =
            assessments.iter().filter(|a| a.result.is_some()).collect();
        by_time.sort_by_key(|a| std::cmp::Reverse((a.administered_at, a.id)));
        for a in by_time {
            if !latest.iter().any(|l| l.instrument == a.instrument) {
                latest.push(a);
            }
        }
        // The most recent positive one is the evidence shown.
        if let Some(a) = latest
            .into_iter()
            .find(|a| a.result.as_ref().is_some_and(|r| !r.risk_items.is_empty()))
            && let Some(r) = &a.result
        {
            out.push(SuggestedFlag {
                flag: EscalationFlag::HighSuicideRisk,
                evidence: ScoreEvidence {
                    instrument: a.instrument.clone(),
                    total: r
                        .valid
                        .then_some(r.total)
                        .flatten()
                        .map(|t| t.round() as u32),
                    on: a.administered_at.date(),
                    risk_items: r.risk_items.clone(),
                },
                at_least: None,
                source: EscalationFlag::HighSuicideRisk.prompt().source.to_string(),
            });
        }
    }
    if !ticked(EscalationFlag::MoreSevereDepression)
        && let Some(s) = more_severe(protocol, assessments, catalogue)
    {
        out.push(s);
    }
    out
}

fn more_severe(
    protocol: &Protocol,
    assessments: &[Assessment],
    catalogue: &Catalogue,
) -> Option<SuggestedFlag> {
    let threshold_of = |code: &str| {
        catalogue
            .get(code)
            .and_then(|i| i.more_severe.as_ref().map(|m| (i, m)))
    };
    let main = main_measure(protocol, assessments)?;
    let code = match threshold_of(main) {
        Some(_) => main.to_string(),
        None => {
            // The latest total of another measure with a threshold of its own.
            let a = assessments
                .iter()
                .filter(|a| scored(a).is_some() && threshold_of(&a.instrument).is_some())
                .max_by_key(|a| (a.administered_at, a.id))?;
            a.instrument.clone()
        }
    };
    let (instrument, rule): (&Instrument, _) = threshold_of(&code)?;
    let latest = *score_points(&code, assessments).last()?;
    instrument
        .is_more_severe(latest.total)
        .then(|| SuggestedFlag {
            flag: EscalationFlag::MoreSevereDepression,
            evidence: ScoreEvidence {
                instrument: code.clone(),
                total: Some(latest.total),
                on: latest.on,
                risk_items: vec![],
            },
            at_least: Some(rule.at_least),
            source: rule.citation.clone(),
        })
}

/// Whether `instrument` has a risk item, in its definition or in the deployment's
/// `[measures.scoring.risk]`.
pub fn has_risk_item(instrument: &Instrument, scoring: &ScoringConfig) -> bool {
    !instrument.risk.is_empty()
        || scoring
            .risk
            .get(&instrument.code)
            .is_some_and(|items| !items.is_empty())
}

/// Whether the course still needs a separate suicide screen: its format's main measure (the
/// first recommended instrument, GDS-15 for older adults) asks nothing about suicide, and
/// nothing on the course has asked yet: no final score of an instrument with a risk item (a
/// PHQ-9), and no session that records the separate screen as done or risk as reviewed. The
/// GDS-15's own note asks for the separate screen (Sheikh & Yesavage 1986; #14, "Instruments
/// without a risk item").
pub fn separate_suicide_screen_due(
    protocol: &Protocol,
    assessments: &[Assessment],
    sessions: &[TherapySession],
    catalogue: &Catalogue,
    scoring: &ScoringConfig,
) -> bool {
    let Some(main) = protocol
        .recommended_instruments
        .first()
        .and_then(|c| catalogue.get(c))
    else {
        return false;
    };
    if has_risk_item(main, scoring) {
        return false;
    }
    let risk_scored = assessments.iter().any(|a| {
        a.status == AssessmentStatus::Final
            && a.result.is_some()
            && catalogue
                .get(&a.instrument)
                .is_some_and(|i| has_risk_item(i, scoring))
    });
    let asked = sessions.iter().any(|s| {
        s.risk_review.reviewed || s.tasks_done.contains(&PhaseTask::SeparateSuicideScreen)
    });
    !risk_scored && !asked
}

/// When a secondary measure of the format's plan is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanPoint {
    /// Not yet given in this course.
    Start,
    /// The course is in its termination phase and the measure was not given there yet.
    End,
}

/// A secondary measure the format's plan asks for now (`Protocol::secondary_instruments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecondaryDue {
    pub instrument: String,
    pub at: PlanPoint,
}

/// The secondary measures due on an open course: each of the plan's instruments once at the
/// start (as soon as the course is open, until a final score is on file) and once in the
/// termination phase. A measure never given is asked for at the start, even late; in the
/// termination phase only the end measure is asked for, which then stands for both.
pub fn secondary_measures_due(
    course: &crate::course::Course,
    protocol: &Protocol,
    assessments: &[Assessment],
) -> Vec<SecondaryDue> {
    use crate::protocol::Phase;
    if !course.status.is_open() {
        return vec![];
    }
    let ending = course.status.phase() == Some(Phase::Termination);
    protocol
        .secondary_instruments
        .iter()
        .filter_map(|code| {
            let finals: Vec<&Assessment> = assessments
                .iter()
                .filter(|a| a.instrument == *code && a.status == AssessmentStatus::Final)
                .filter(|a| a.result.as_ref().is_some_and(|r| r.valid))
                .collect();
            let at = if ending {
                (!finals.iter().any(|a| a.phase == Some(Phase::Termination)))
                    .then_some(PlanPoint::End)
            } else {
                finals.is_empty().then_some(PlanPoint::Start)
            }?;
            Some(SecondaryDue {
                instrument: code.clone(),
                at,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{AdministrationMode, ScoreSummary};
    use crate::ids::{AssessmentId, PatientId};
    use crate::protocol::{Format, ProtocolCatalogue};
    use time::macros::datetime;
    use uuid::Uuid;

    fn protocol(f: Format) -> Protocol {
        ProtocolCatalogue::default().get(f).clone()
    }

    fn scored_on(code: &str, answers: &[u8], day: u8, status: AssessmentStatus) -> Assessment {
        let inst = Catalogue::builtin().get(code).unwrap();
        let answers: Vec<Option<u8>> = answers.iter().map(|&v| Some(v)).collect();
        let r = inst
            .score_with(&answers, &ScoringConfig::default())
            .unwrap();
        let at = datetime!(2026-03-01 10:00 UTC) + time::Duration::days(i64::from(day));
        Assessment {
            id: AssessmentId::from_uuid(Uuid::from_u128(
                u128::from(day) + 1000 * code.len() as u128,
            )),
            patient: PatientId::from_uuid(Uuid::nil()),
            course: None,
            session: None,
            instrument: code.into(),
            answers,
            status,
            mode: AdministrationMode::Clinician,
            administered_at: at,
            phase: None,
            result: Some(ScoreSummary {
                total: r.total.map(f64::from),
                severity: r.severity.clone(),
                risk_items: r.risk_items.clone(),
                valid: r.valid,
                prorated: r.prorated,
                scoring_version: r.version.clone(),
            }),
            version: 1,
        }
    }

    fn final_(code: &str, answers: &[u8], day: u8) -> Assessment {
        scored_on(code, answers, day, AssessmentStatus::Final)
    }

    #[test]
    fn a_secondary_outcome_never_becomes_the_main_measure() {
        let p = protocol(Format::Individual);
        let support = [final_("mspss", &[3; 12], 1), final_("ucla3", &[2; 3], 2)];
        assert_eq!(main_measure(&p, &support), Some("phq9"));
        let with_gad = [final_("mspss", &[3; 12], 3), final_("gad7", &[1; 7], 1)];
        assert_eq!(main_measure(&p, &with_gad), Some("gad7"));
    }

    #[test]
    fn secondary_measures_are_asked_for_at_the_start_and_in_the_termination_phase() {
        use crate::course::{Course, CourseStatus};
        use crate::ids::{CourseId, UserId};
        use crate::protocol::Phase;
        let p = protocol(Format::Individual);
        assert_eq!(p.secondary_instruments, ["mspss", "ucla3"]);
        let mut c = Course::new(
            CourseId::from_uuid(Uuid::from_u128(1)),
            PatientId::from_uuid(Uuid::from_u128(2)),
            UserId::from_uuid(Uuid::from_u128(3)),
            &p,
            time::macros::date!(2026 - 01 - 05),
        );
        let due = |c: &Course, list: &[Assessment]| -> Vec<(String, PlanPoint)> {
            secondary_measures_due(c, &p, list)
                .into_iter()
                .map(|d| (d.instrument, d.at))
                .collect()
        };
        c.status = CourseStatus::Active(Phase::Initial);
        let mut mspss = final_("mspss", &[3; 12], 1);
        assert_eq!(
            due(&c, std::slice::from_ref(&mspss)),
            [("ucla3".to_string(), PlanPoint::Start)]
        );
        // A draft does not count.
        let draft = scored_on("ucla3", &[2; 3], 1, AssessmentStatus::Draft);
        assert_eq!(due(&c, &[mspss.clone(), draft]).len(), 1);
        // In the termination phase, what was given earlier does not count as the end measure.
        c.status = CourseStatus::Active(Phase::Termination);
        assert_eq!(due(&c, std::slice::from_ref(&mspss)).len(), 2);
        mspss.phase = Some(Phase::Termination);
        assert_eq!(due(&c, &[mspss]), [("ucla3".to_string(), PlanPoint::End)]);
        // A closed course asks for nothing.
        c.status = CourseStatus::Completed;
        assert!(due(&c, &[]).is_empty());
    }

    const PHQ9_22_ITEM9_2: [u8; 9] = [3, 3, 3, 3, 2, 2, 2, 2, 2];
    const PHQ9_12_NO_RISK: [u8; 9] = [2, 2, 2, 2, 1, 1, 1, 1, 0];

    fn flags(p: &Protocol, list: &[Assessment], record: &IndicationRecord) -> Vec<EscalationFlag> {
        suggested_flags(p, list, record, Catalogue::builtin())
            .into_iter()
            .map(|s| s.flag)
            .collect()
    }

    /// #14 finding 7: a PHQ-9 of 22 with item 9 positive left the indication page silent.
    #[test]
    fn finding_7_a_phq9_of_22_with_item_9_suggests_more_severe_and_high_risk() {
        let p = protocol(Format::Individual);
        let list = [final_("phq9", &PHQ9_22_ITEM9_2, 1)];
        let got = suggested_flags(
            &p,
            &list,
            &IndicationRecord::default(),
            Catalogue::builtin(),
        );
        assert_eq!(
            got.iter().map(|s| s.flag).collect::<Vec<_>>(),
            [
                EscalationFlag::HighSuicideRisk,
                EscalationFlag::MoreSevereDepression
            ]
        );
        let severe = got
            .iter()
            .find(|s| s.flag == EscalationFlag::MoreSevereDepression)
            .expect("more severe suggested");
        assert_eq!(severe.evidence.total, Some(22));
        assert_eq!(severe.at_least, Some(16));
        assert!(severe.source.contains("NICE NG222"), "{}", severe.source);
        let risk = got
            .iter()
            .find(|s| s.flag == EscalationFlag::HighSuicideRisk)
            .expect("high risk suggested");
        assert_eq!(risk.evidence.risk_items, [9]);
        assert_eq!(risk.evidence.instrument, "phq9");
    }

    #[test]
    fn the_threshold_is_16_and_only_the_latest_total_counts() {
        let p = protocol(Format::Individual);
        let at = |answers: [u8; 9]| {
            flags(
                &p,
                &[final_("phq9", &answers, 1)],
                &IndicationRecord::default(),
            )
        };
        assert_eq!(
            at([2, 2, 2, 2, 2, 2, 2, 2, 0]),
            [EscalationFlag::MoreSevereDepression]
        );
        assert!(
            at([2, 2, 2, 2, 2, 2, 2, 1, 0]).is_empty(),
            "15 is not more severe"
        );
        // 22 then 12: the latest total decides.
        let list = [
            final_("phq9", &[3, 3, 3, 3, 2, 2, 2, 2, 0], 1),
            final_("phq9", &PHQ9_12_NO_RISK, 20),
        ];
        assert!(flags(&p, &list, &IndicationRecord::default()).is_empty());
    }

    #[test]
    fn a_flag_already_ticked_is_not_suggested_again() {
        let p = protocol(Format::Individual);
        let list = [final_("phq9", &PHQ9_22_ITEM9_2, 1)];
        let record = IndicationRecord {
            escalation_flags: [EscalationFlag::HighSuicideRisk].into_iter().collect(),
            ..Default::default()
        };
        assert_eq!(
            flags(&p, &list, &record),
            [EscalationFlag::MoreSevereDepression]
        );
    }

    #[test]
    fn a_later_negative_risk_item_on_the_same_instrument_clears_the_suggestion() {
        let p = protocol(Format::Individual);
        let list = [
            final_("phq9", &PHQ9_22_ITEM9_2, 1),
            final_("phq9", &PHQ9_12_NO_RISK, 10),
        ];
        assert!(flags(&p, &list, &IndicationRecord::default()).is_empty());
        // A draft with item 9 positive is on file too: risk items are checked on every entry.
        let mut list = list.to_vec();
        list.push(scored_on(
            "phq9",
            &PHQ9_22_ITEM9_2,
            12,
            AssessmentStatus::Draft,
        ));
        assert!(
            flags(&p, &list, &IndicationRecord::default())
                .contains(&EscalationFlag::HighSuicideRisk)
        );
    }

    #[test]
    fn a_positive_epds_item_10_suggests_high_risk_whatever_the_phq9_says() {
        let p = protocol(Format::PerinatalPostpartum);
        let list = [
            final_("epds", &[0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 1),
            final_("phq9", &PHQ9_12_NO_RISK, 2),
        ];
        assert_eq!(
            flags(&p, &list, &IndicationRecord::default()),
            [EscalationFlag::HighSuicideRisk]
        );
    }

    #[test]
    fn a_main_measure_without_a_threshold_leaves_more_severe_to_the_phq9() {
        // Older adults: GDS-15 is the main measure and defines no "more severe" total.
        let p = protocol(Format::OlderAdult);
        let gds_high = [1u8; 15];
        let list = [final_("gds15", &gds_high, 1)];
        assert!(flags(&p, &list, &IndicationRecord::default()).is_empty());
        let list = [
            final_("gds15", &gds_high, 1),
            final_("phq9", &[2, 2, 2, 2, 2, 2, 2, 2, 0], 2),
        ];
        assert_eq!(
            flags(&p, &list, &IndicationRecord::default()),
            [EscalationFlag::MoreSevereDepression]
        );
    }

    #[test]
    fn the_main_measure_is_the_first_recommended_one_given() {
        let p = protocol(Format::Individual);
        let list = [final_("gad7", &[1; 7], 1), final_("phq9", &[0; 9], 2)];
        assert_eq!(main_measure(&p, &list), Some("phq9"));
        let list = [final_("wsas", &[1, 1, 1, 1, 1], 1)];
        assert_eq!(main_measure(&p, &list), Some("wsas"));
        assert_eq!(main_measure(&p, &[]), Some("phq9"));
    }

    #[test]
    fn an_older_adult_course_prompts_a_separate_suicide_screen_until_one_is_on_file() {
        let p = protocol(Format::OlderAdult);
        let (cat, cfg) = (Catalogue::builtin(), ScoringConfig::default());
        let gds = [final_("gds15", &[0; 15], 1)];
        assert!(separate_suicide_screen_due(&p, &gds, &[], cat, &cfg));
        let mut with_phq9 = gds.to_vec();
        with_phq9.push(final_("phq9", &[0; 9], 2));
        assert!(!separate_suicide_screen_due(&p, &with_phq9, &[], cat, &cfg));
        // A format whose main measure has a risk item never prompts.
        assert!(!separate_suicide_screen_due(
            &protocol(Format::Individual),
            &[],
            &[],
            cat,
            &cfg
        ));
        // A deployment that gives the GDS-15 a risk item has no separate screen to prompt.
        let mut risky = ScoringConfig::default();
        risky.risk.insert(
            "gds15".into(),
            [("q3".to_string(), 1u8)].into_iter().collect(),
        );
        assert!(!separate_suicide_screen_due(&p, &gds, &[], cat, &risky));
    }
}
