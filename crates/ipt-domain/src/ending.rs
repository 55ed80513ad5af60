//! The written records of the termination phase (reference §1.1, termination tasks), read from
//! what a door was given: the termination review, the relapse-prevention plan and the decision
//! about what follows the acute course.
//!
//! Each input holds the plain fields a page form or a JSON body carries. Its `read` names every
//! refused field at once. A date that was not given at all (`None`) is today, as a program that
//! sends no date means; a date given empty (a cleared form field) is refused as required. A
//! date is never after today: these records describe what has been done.

use time::Date;

use crate::course::{
    MaintenanceChoice, MaintenanceDecision, RelapsePreventionPlan, TerminationReview,
};
use crate::input::{self, LONG_TEXT, Refusals};
use crate::rule::{Code, FieldError};

/// The termination review as typed: gains credited to the patient, feelings about ending, and
/// the alternatives considered when treatment did not help enough.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerminationReviewInput {
    pub gains: String,
    pub feelings_about_ending: String,
    pub non_response_plan: String,
    pub reviewed_on: Option<String>,
}

impl TerminationReviewInput {
    /// At least one of the three parts must be written; the refusal is given at `gains`, the
    /// first of them.
    pub fn read(&self, today: Date) -> Result<TerminationReview, Vec<FieldError>> {
        let mut r = Refusals::new();
        let gains = r.take(input::bounded_text("gains", &self.gains, LONG_TEXT));
        let feelings = r.take(input::bounded_text(
            "feelings_about_ending",
            &self.feelings_about_ending,
            LONG_TEXT,
        ));
        let non_response = r.take(input::bounded_text(
            "non_response_plan",
            &self.non_response_plan,
            LONG_TEXT,
        ));
        let parts = [
            &self.gains,
            &self.feelings_about_ending,
            &self.non_response_plan,
        ];
        if parts.iter().all(|s| s.trim().is_empty()) {
            r.push(FieldError::new("gains", Code::ReviewEmpty));
        }
        let reviewed_on = r.take(input::record_date(
            "reviewed_on",
            self.reviewed_on.as_deref(),
            today,
        ));
        match (gains, feelings, non_response, reviewed_on) {
            (Some(gains), Some(feelings_about_ending), Some(non_response_plan), Some(d))
                if r.is_empty() =>
            {
                Ok(TerminationReview {
                    gains,
                    feelings_about_ending,
                    non_response_plan,
                    reviewed_on: Some(d),
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

/// The relapse-prevention plan as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelapsePlanInput {
    pub warning_signs: String,
    pub triggers: String,
    pub coping: String,
    pub supports: String,
    pub seek_help: String,
    pub written_on: Option<String>,
}

impl RelapsePlanInput {
    /// The plan must name the early warning signs and when and where to seek help: the two parts
    /// a patient needs on a bad day (the same test as `RelapsePreventionPlan::check`, which the
    /// course's completion guard applies).
    pub fn read(&self, today: Date) -> Result<RelapsePreventionPlan, Vec<FieldError>> {
        let mut r = Refusals::new();
        let mut part = |field: &'static str, raw: &str, needed: bool| {
            let text = r.take(input::bounded_text(field, raw, LONG_TEXT))?;
            if needed && text.is_empty() {
                r.push(FieldError::new(field, Code::Required));
                return None;
            }
            Some(text)
        };
        let warning_signs = part("warning_signs", &self.warning_signs, true);
        let triggers = part("triggers", &self.triggers, false);
        let coping = part("coping", &self.coping, false);
        let supports = part("supports", &self.supports, false);
        let seek_help = part("seek_help", &self.seek_help, true);
        let written_on = r.take(input::record_date(
            "written_on",
            self.written_on.as_deref(),
            today,
        ));
        match (
            warning_signs,
            triggers,
            coping,
            supports,
            seek_help,
            written_on,
        ) {
            (
                Some(warning_signs),
                Some(triggers),
                Some(coping),
                Some(supports),
                Some(seek_help),
                Some(d),
            ) if r.is_empty() => Ok(RelapsePreventionPlan {
                warning_signs,
                triggers,
                coping,
                supports,
                seek_help,
                written_on: Some(d),
            }),
            _ => Err(r.into_vec()),
        }
    }
}

/// The decision about what follows the acute course, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaintenanceDecisionInput {
    pub choice: Option<String>,
    pub rationale: String,
    pub decided_on: Option<String>,
}

impl MaintenanceDecisionInput {
    pub fn read(&self, today: Date) -> Result<MaintenanceDecision, Vec<FieldError>> {
        let mut r = Refusals::new();
        let choice = r.take(
            input::choice("choice", self.choice.as_deref(), MaintenanceChoice::parse)
                .and_then(|c| input::required("choice", c)),
        );
        let rationale = r.take(input::bounded_text("rationale", &self.rationale, LONG_TEXT));
        let decided_on = r.take(input::record_date(
            "decided_on",
            self.decided_on.as_deref(),
            today,
        ));
        match (choice, rationale, decided_on) {
            (Some(choice), Some(rationale), Some(decided_on)) if r.is_empty() => {
                Ok(MaintenanceDecision {
                    choice,
                    rationale,
                    decided_on,
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

/// A maintenance course continues an acute course only after a decision for maintenance IPT
/// (alone or with medication) was recorded.
pub fn check_continues_in_maintenance(
    decision: Option<&MaintenanceDecision>,
) -> Result<(), FieldError> {
    if decision.is_some_and(|m| m.choice.continues_in_maintenance_ipt()) {
        Ok(())
    } else {
        Err(FieldError::new("choice", Code::MaintenanceNotDecided))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 02);

    fn codes(e: &[FieldError]) -> Vec<(&str, &str)> {
        e.iter().map(|e| (e.field, e.code.as_str())).collect()
    }

    #[test]
    fn a_review_needs_one_written_part_and_a_past_date() {
        let empty = TerminationReviewInput {
            gains: "  ".into(),
            reviewed_on: Some("2026-12-03".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(&empty.read(TODAY).unwrap_err()),
            [("gains", "review_empty"), ("reviewed_on", "date_in_future")]
        );
        let ok = TerminationReviewInput {
            feelings_about_ending: " sad but ready ".into(),
            ..Default::default()
        };
        let review = ok.read(TODAY).unwrap();
        assert_eq!(review.feelings_about_ending, "sad but ready");
        assert_eq!(review.reviewed_on, Some(TODAY), "no date given is today");
        let cleared = TerminationReviewInput {
            reviewed_on: Some(String::new()),
            ..ok
        };
        assert_eq!(
            codes(&cleared.read(TODAY).unwrap_err()),
            [("reviewed_on", "required")]
        );
    }

    #[test]
    fn a_plan_names_warning_signs_and_where_to_seek_help() {
        let plan = RelapsePlanInput {
            triggers: "anniversaries".into(),
            written_on: Some("02/12/2026".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(&plan.read(TODAY).unwrap_err()),
            [
                ("warning_signs", "required"),
                ("seek_help", "required"),
                ("written_on", "date_invalid")
            ]
        );
        let plan = RelapsePlanInput {
            warning_signs: "sleeping badly".into(),
            seek_help: "call the clinic".into(),
            written_on: Some("2026-11-30".into()),
            ..plan
        };
        let p = plan.read(TODAY).unwrap();
        assert!(
            p.check().is_ok(),
            "what the input accepts, the guard accepts"
        );
        assert_eq!(p.written_on, Some(date!(2026 - 11 - 30)));
    }

    #[test]
    fn a_decision_is_one_of_the_choices() {
        let none = MaintenanceDecisionInput::default();
        assert_eq!(
            codes(&none.read(TODAY).unwrap_err()),
            [("choice", "required")]
        );
        let odd = MaintenanceDecisionInput {
            choice: Some("holiday".into()),
            rationale: "x".repeat(LONG_TEXT + 1),
            ..Default::default()
        };
        assert_eq!(
            codes(&odd.read(TODAY).unwrap_err()),
            [("choice", "not_one_of"), ("rationale", "too_long")]
        );
        let d = MaintenanceDecisionInput {
            choice: Some("maintenance_ipt".into()),
            ..Default::default()
        }
        .read(TODAY)
        .unwrap();
        assert!(check_continues_in_maintenance(Some(&d)).is_ok());
        assert_eq!(
            check_continues_in_maintenance(None).unwrap_err().code,
            Code::MaintenanceNotDecided
        );
    }
}
