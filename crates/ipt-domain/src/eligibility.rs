//! Who a lay-facilitated group is for (WHO Group IPT, clinical reference §1.2): the pre-group
//! meeting reviews the person's screening answers rather than making a diagnosis, and refers on
//! those a group led by non-specialists cannot serve safely — psychotic features, a history of
//! bipolar disorder or mania, and suicide risk that needs a same-day assessment (reference §5.4).
//!
//! The screening threshold is the PHQ-9's usual cut-off of 10 for probable major depression
//! (Kroenke, Spitzer & Williams 2001, J Gen Intern Med 16:606–613: sensitivity and specificity
//! 88% at ≥10), the cut-off group IPT programmes commonly use to invite people to a group.
//!
//! Decision support only: the facilitator and their supervisor decide, and a referral rule
//! always comes before the score.

use crate::assessment::{Assessment, AssessmentStatus};
use crate::course::Course;
use crate::indication::EscalationFlag;
use crate::protocol::Format;

/// The screening questionnaire of the group format, and its threshold.
pub const SCREENING_INSTRUMENT: &str = "phq9";
pub const SCREENING_THRESHOLD: u32 = 10;

/// Why a person should be referred on rather than join the group now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReferOn {
    PsychoticFeatures,
    BipolarHistory,
    /// Recorded as high suicide risk on the indication record.
    HighSuicideRisk,
    /// The screening's suicide item was answered positively: assess the same day first.
    SuicideItemPositive,
}

impl ReferOn {
    pub fn code(self) -> &'static str {
        match self {
            Self::PsychoticFeatures => "psychotic_features",
            Self::BipolarHistory => "bipolar_history",
            Self::HighSuicideRisk => "high_suicide_risk",
            Self::SuicideItemPositive => "suicide_item_positive",
        }
    }
}

/// The screening finding for a group member.
#[derive(Debug, Clone, PartialEq)]
pub enum Eligibility {
    /// No final screening score on the course yet.
    NotScreened,
    /// A referral rule applies, whatever the score.
    ReferOn(Vec<ReferOn>),
    /// The latest screening total, against the threshold.
    Screened {
        total: u32,
        threshold: u32,
        on: time::Date,
        at_or_above: bool,
    },
}

/// The eligibility of a group course's member from the course's screening questionnaires and
/// its indication record; `None` for other formats.
pub fn group_eligibility(course: &Course, assessments: &[Assessment]) -> Option<Eligibility> {
    if course.format != Format::Group {
        return None;
    }
    let latest = assessments
        .iter()
        .filter(|a| {
            a.course == Some(course.id)
                && a.instrument == SCREENING_INSTRUMENT
                && a.status == AssessmentStatus::Final
        })
        .max_by_key(|a| (a.administered_at, a.id));
    let flags = &course.indication.escalation_flags;
    let mut refer: Vec<ReferOn> = [
        (
            EscalationFlag::PsychoticFeatures,
            ReferOn::PsychoticFeatures,
        ),
        (EscalationFlag::BipolarHistory, ReferOn::BipolarHistory),
        (EscalationFlag::HighSuicideRisk, ReferOn::HighSuicideRisk),
    ]
    .into_iter()
    .filter(|(f, _)| flags.contains(f))
    .map(|(_, r)| r)
    .collect();
    if latest
        .and_then(|a| a.result.as_ref())
        .is_some_and(|r| !r.risk_items.is_empty())
    {
        refer.push(ReferOn::SuicideItemPositive);
    }
    if !refer.is_empty() {
        return Some(Eligibility::ReferOn(refer));
    }
    let Some((a, total)) = latest.and_then(|a| {
        let r = a.result.as_ref().filter(|r| r.valid)?;
        Some((a, r.total? as u32))
    }) else {
        return Some(Eligibility::NotScreened);
    };
    Some(Eligibility::Screened {
        total,
        threshold: SCREENING_THRESHOLD,
        on: a.administered_at.date(),
        at_or_above: total >= SCREENING_THRESHOLD,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{AdministrationMode, ScoreSummary};
    use crate::ids::{AssessmentId, CourseId, PatientId, UserId};
    use crate::protocol::ProtocolCatalogue;
    use time::macros::{date, datetime};
    use uuid::Uuid;

    fn course(format: Format) -> Course {
        let cat = ProtocolCatalogue::default();
        Course::new(
            CourseId::from_uuid(Uuid::from_u128(1)),
            PatientId::from_uuid(Uuid::from_u128(2)),
            UserId::from_uuid(Uuid::from_u128(3)),
            cat.get(format),
            date!(2026 - 01 - 05),
        )
    }

    fn phq9(c: &Course, n: u128, total: f64, risk: bool, at: time::OffsetDateTime) -> Assessment {
        Assessment {
            id: AssessmentId::from_uuid(Uuid::from_u128(100 + n)),
            patient: c.patient,
            course: Some(c.id),
            session: None,
            instrument: "phq9".into(),
            answers: vec![],
            status: AssessmentStatus::Final,
            mode: AdministrationMode::Clinician,
            administered_at: at,
            phase: None,
            result: Some(ScoreSummary {
                total: Some(total),
                severity: None,
                risk_items: if risk { vec![9] } else { vec![] },
                valid: true,
                prorated: false,
                scoring_version: "1".into(),
            }),
            version: 1,
        }
    }

    #[test]
    fn only_group_courses_have_a_screening_finding() {
        assert_eq!(group_eligibility(&course(Format::Individual), &[]), None);
        assert_eq!(
            group_eligibility(&course(Format::Group), &[]),
            Some(Eligibility::NotScreened)
        );
    }

    #[test]
    fn the_latest_screening_total_is_read_against_ten() {
        let c = course(Format::Group);
        let old = phq9(&c, 1, 8.0, false, datetime!(2026-01-05 10:00 UTC));
        let new = phq9(&c, 2, 14.0, false, datetime!(2026-01-06 10:00 UTC));
        assert_eq!(
            group_eligibility(&c, &[new.clone(), old.clone()]),
            Some(Eligibility::Screened {
                total: 14,
                threshold: 10,
                on: date!(2026 - 01 - 06),
                at_or_above: true
            })
        );
        assert!(matches!(
            group_eligibility(&c, &[old]),
            Some(Eligibility::Screened {
                at_or_above: false,
                ..
            })
        ));
    }

    #[test]
    fn a_referral_rule_comes_before_the_score() {
        let mut c = course(Format::Group);
        let risky = phq9(&c, 1, 19.0, true, datetime!(2026-01-05 10:00 UTC));
        assert_eq!(
            group_eligibility(&c, std::slice::from_ref(&risky)),
            Some(Eligibility::ReferOn(vec![ReferOn::SuicideItemPositive]))
        );
        c.indication.escalation_flags.extend([
            EscalationFlag::BipolarHistory,
            EscalationFlag::PsychoticFeatures,
        ]);
        let calm = phq9(&c, 2, 15.0, false, datetime!(2026-01-06 10:00 UTC));
        assert_eq!(
            group_eligibility(&c, &[risky, calm]),
            Some(Eligibility::ReferOn(vec![
                ReferOn::PsychoticFeatures,
                ReferOn::BipolarHistory
            ]))
        );
    }
}
