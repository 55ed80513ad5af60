//! The prompts that scores raise on a course's pages (#14, finding 7 and "Scores reach the
//! prompts"), from what a `CourseView` already holds, with the settings in force. The rules are
//! the domain's (`ipt_domain::prompts`, `ipt_domain::signals::mid_course_review`); this only
//! feeds them.

use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::eligibility::Eligibility;
use ipt_domain::measures::Catalogue;
use ipt_domain::measures::phq9::Phq9Screen;
use ipt_domain::prompts::{self, SuggestedFlag};
use ipt_domain::protocol::Protocol;
use ipt_domain::signals::{MidCourseReview, SignalFacts};
use time::Date;

use crate::CourseView;

/// What the indication page shows beside the clinician's own record.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicationSupport {
    /// Flags the scores suggest and the clinician has not ticked, with their evidence.
    pub suggested_flags: Vec<SuggestedFlag>,
    /// The latest final PHQ-9 of the course and the PHQ-9 algorithm's screening finding.
    pub phq9: Option<Phq9Finding>,
}

/// The latest PHQ-9 and what the diagnostic algorithm finds in its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Phq9Finding {
    pub total: Option<u32>,
    pub on: Date,
    pub screen: Phq9Screen,
}

/// The course page's prompts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CoursePrompts {
    /// Mid-course and not on track: discuss combination with medication, or referral.
    pub mid_course_review: Option<MidCourseReview>,
    /// The format's main measure asks nothing about suicide and nothing on file has asked yet.
    pub separate_suicide_screen: bool,
    /// A risk item was answered positively and no safety plan is written yet.
    pub safety_plan_due: bool,
    /// A group course before its middle phase: the screening finding and any referral rule.
    pub group_eligibility: Option<Eligibility>,
    /// The format's secondary measures due now, at the start or in the termination phase.
    pub secondary_due: Vec<prompts::SecondaryDue>,
}

/// The indication page's decision support for `view`.
pub fn indication_support(view: &CourseView, protocol: &Protocol) -> IndicationSupport {
    let catalogue = Catalogue::builtin();
    IndicationSupport {
        suggested_flags: prompts::suggested_flags(
            protocol,
            &view.assessments,
            &view.course.indication,
            catalogue,
        ),
        phq9: latest_phq9(&view.assessments),
    }
}

/// The PHQ-9 algorithm over the latest final PHQ-9's stored answers, scored again with the
/// settings in force (the summary kept with an assessment does not carry the finding).
fn latest_phq9(assessments: &[Assessment]) -> Option<Phq9Finding> {
    let a = assessments
        .iter()
        .filter(|a| a.instrument == "phq9" && a.status == AssessmentStatus::Final)
        .max_by_key(|a| (a.administered_at, a.id))?;
    let phq9 = Catalogue::builtin().get("phq9")?;
    let r = phq9
        .score_with(&a.answers, &crate::measures::settings().scoring)
        .ok()?;
    Some(Phq9Finding {
        total: r.total,
        on: a.administered_at.date(),
        screen: r.screening?,
    })
}

/// The course page's prompts for `view`.
pub fn course_prompts(view: &CourseView, protocol: &Protocol) -> CoursePrompts {
    let catalogue = Catalogue::builtin();
    let code = prompts::main_measure(protocol, &view.assessments);
    let scores = code
        .map(|c| prompts::score_points(c, &view.assessments))
        .unwrap_or_default();
    let facts = SignalFacts {
        course: &view.course,
        protocol,
        sessions: &view.sessions,
        instrument: code.and_then(|c| catalogue.get(c)),
        scores: &scores,
        open_alerts: 0,
    };
    CoursePrompts {
        mid_course_review: ipt_domain::signals::mid_course_review(
            &facts,
            crate::signals::config(),
            &crate::measures::settings().change,
        ),
        separate_suicide_screen: view.course.status.is_open()
            && prompts::separate_suicide_screen_due(
                protocol,
                &view.assessments,
                &view.sessions,
                catalogue,
                &crate::measures::settings().scoring,
            ),
        safety_plan_due: ipt_domain::safety::safety_plan_due(&view.course, &view.assessments),
        group_eligibility: (view.course.status.is_open()
            && matches!(
                view.course.status.phase(),
                None | Some(ipt_domain::protocol::Phase::Initial)
            ))
        .then(|| ipt_domain::eligibility::group_eligibility(&view.course, &view.assessments))
        .flatten(),
        secondary_due: prompts::secondary_measures_due(&view.course, protocol, &view.assessments),
    }
}
