//! Refusals as data. A rule of the core that refuses an input says which field it is about,
//! which rule it broke (a stable code) and the values a message needs. Every door words it in
//! its own language: the pages through their catalogues (`rule-<code>`), the JSON API as the
//! code with English text beside it. No rule's message is written twice.

use serde::Serialize;
use time::Date;

/// A value a refusal's message needs, typed so each door can format it for its reader (a date
/// in the reader's locale, for example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Date(#[serde(with = "iso_date")] Date),
    Number(i64),
}

mod iso_date {
    use serde::Serializer;
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!(
            "{:04}-{:02}-{:02}",
            d.year(),
            d.month() as u8,
            d.day()
        ))
    }
}

/// Declares `Code` with its stable snake-case names and the list of all codes.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        /// The rules a refusal can name. Each is worded once per language by the doors (the
        /// pages' `rule-<code>` messages, the API's English text beside the code), and a test
        /// checks that every catalogue words every code. The code is stable: programs match on
        /// it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $name,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The stable snake-case code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }
        }
    };
}

codes! {
    /// A value that must be given is missing.
    Required = "required",
    /// A change that does not say which version of the record it was made to.
    VersionMissing = "version_missing",
    /// A date that is not a calendar date written YYYY-MM-DD.
    DateInvalid = "date_invalid",
    /// An approximate date that is not YYYY, YYYY-MM or YYYY-MM-DD.
    ApproxDateInvalid = "approx_date_invalid",
    /// A date after `today`: records describe what has happened.
    DateInFuture = "date_in_future",
    /// A code (`value`) that is not one of the field's choices.
    NotOneOf = "not_one_of",
    /// A text longer than `max` characters.
    TooLong = "too_long",
    /// A text holding a control character (NUL, an escape, or a line break in a one-line
    /// field) at character `position` (from 1).
    ControlCharacter = "control_character",
    /// A whole number outside `min`..=`max`, or not a whole number.
    NumberOutOfRange = "number_out_of_range",
    // Alerts, the patient portal and supervision.
    /// An acknowledgement needs a note of the action taken, of at least `min` characters.
    AlertNoteRequired = "alert_note_required",
    AlertAlreadyAcknowledged = "alert_already_acknowledged",
    /// Only an open invitation can be revoked.
    InvitationNotOpen = "invitation_not_open",
    /// A questionnaire assignment that was already stopped.
    AssignmentStopped = "assignment_stopped",
    /// Only an open goal of an open course can be rated.
    GoalNotOpen = "goal_not_open",
    /// A record (a session, say) that is not one of this course's.
    NotInCourse = "not_in_course",
    CourseNotStarted = "course_not_started",
    CourseClosed = "course_closed",
    BeforeCourseStart = "before_course_start",
    PatientHasOpenCourse = "patient_has_open_course",
    EndNotAfterAgreement = "end_not_after_agreement",
    SpecialNotInFormat = "special_not_in_format",
    PhaseNotInFormat = "phase_not_in_format",
    /// Session `n` of the course is already recorded.
    SessionNumberTaken = "session_number_taken",
    PhaseOverrideNeedsReason = "phase_override_needs_reason",
    /// The next session must come after this one (`date`).
    NextDateNotAfter = "next_date_not_after",
    TechniquesWithoutAttendance = "techniques_without_attendance",
    /// A person who is not in the course's interpersonal inventory.
    NotInInventory = "not_in_inventory",
    /// An episode that ends before it begins.
    EndBeforeOnset = "end_before_onset",
    // Initial-phase forms: indication, diagnosis, focus, formulation, contract, assessments.
    NotAClinician = "not_a_clinician",
    NotASupervisor = "not_a_supervisor",
    SupervisorInactive = "supervisor_inactive",
    NoSuchUser = "no_such_user",
    /// A switched-off account, for which a token would not work.
    AccountInactive = "account_inactive",
    UsernameInvalid = "username_invalid",
    UsernameTaken = "username_taken",
    PasswordTooShort = "password_too_short",
    /// A password that is, or contains, the account's username.
    PasswordHasUsername = "password_has_username",
    /// A password on the list of common and breached passwords, or made of patterns guessed
    /// first (repeats, sequences, keyboard rows, dates).
    PasswordGuessable = "password_guessable",
    /// A code from the authenticator app (or a recovery code) that is not right, or was used.
    SecondFactorWrong = "second_factor_wrong",
    /// Two-factor sign-in is on already: turn it off before enrolling again.
    SecondFactorAlreadyOn = "second_factor_already_on",
    /// The deployment requires two-factor sign-in, so it cannot be turned off.
    SecondFactorRequired = "second_factor_required",
    UnknownRole = "unknown_role",
    /// A focus without an area.
    FocusNone = "focus_none",
    /// More than `max` focus areas.
    FocusTooMany = "focus_too_many",
    /// The same focus area chosen twice.
    FocusDuplicate = "focus_duplicate",
    DisputeNeedsStage = "dispute_needs_stage",
    StageOnlyForDisputes = "stage_only_for_disputes",
    /// A contract of `sessions` at `frequency` that cannot be kept before its end; the earliest
    /// end that could is `earliest`.
    ContractDoesNotFit = "contract_does_not_fit",
    /// A warning, not a refusal: an acute course's contract (`format`) at a pace other than
    /// weekly (`frequency`); acute IPT is weekly, maintenance IPT monthly (reference §1.1, §1.2).
    AcuteNotWeekly = "acute_not_weekly",
    /// A change of focus area after the initial phase, given without a reason.
    FocusChangeNeedsReason = "focus_change_needs_reason",
    /// A session's phase after the phase its course is in (`phase`).
    SessionPhaseAhead = "session_phase_ahead",
    // Assessments: questionnaires entered by a clinician or answered in the portal.
    /// An item answer (`index`, from 0) that is not a whole number of zero or more.
    AnswerInvalid = "answer_invalid",
    /// An item answer that is not on the item's scale: `item` is its label, `allowed` its
    /// values.
    AnswerNotOnScale = "answer_not_on_scale",
    /// Not one answer per item: the instrument has `expected` items, `given` were sent.
    AnswerCount = "answer_count",
    /// Both of two alternative ratings of one item (items `first` and `second`) answered.
    AlternativesBoth = "alternatives_both",
    /// A questionnaire with no item answered.
    NothingAnswered = "nothing_answered",
    /// Answers that make no valid result (too many missing, say) can be kept only as a draft.
    FinalNeedsAValidResult = "final_needs_a_valid_result",
    /// A final questionnaire is a record: it is never changed, a new one is entered instead.
    AssessmentFinal = "assessment_final",
    // Ending, patient and course forms: termination review, relapse plan, maintenance decision,
    // patients, courses.
    /// A value (`value`) that is not a record's id.
    IdInvalid = "id_invalid",
    /// The patient's clinician must be an active clinician or supervisor account.
    NoSuchClinician = "no_such_clinician",
    /// A termination review with none of its parts written.
    ReviewEmpty = "review_empty",
    // The safety plan and the medication record.
    /// A dose change or stop of a medicine (`medicine`) the record does not show as taken.
    MedicationNotCurrent = "medication_not_current",
    /// A start of a medicine (`medicine`) the record already shows as taken.
    MedicationAlreadyCurrent = "medication_already_current",
    /// A change dated before the medicine's latest recorded change (`date`).
    MedicationChangeOutOfOrder = "medication_change_out_of_order",
    /// A maintenance course needs a recorded decision for maintenance IPT.
    MaintenanceNotDecided = "maintenance_not_decided",
    // Lists read a page at a time.
    /// A page cursor (`after`) that is not one this list gave out.
    CursorInvalid = "cursor_invalid",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Tests and doors compare a code with its stable name.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One refused field: `field` is the input's name (the same on the page form and in the API's
/// JSON), `code` the rule, `args` what the message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: Code,
    pub args: Vec<(&'static str, Arg)>,
}

impl FieldError {
    pub fn new(field: &'static str, code: Code) -> Self {
        Self {
            field,
            code,
            args: vec![],
        }
    }

    pub fn date(mut self, name: &'static str, d: Date) -> Self {
        self.args.push((name, Arg::Date(d)));
        self
    }

    pub fn number(mut self, name: &'static str, n: i64) -> Self {
        self.args.push((name, Arg::Number(n)));
        self
    }

    pub fn text(mut self, name: &'static str, s: impl Into<String>) -> Self {
        self.args.push((name, Arg::Text(s.into())));
        self
    }
}

impl std::fmt::Display for FieldError {
    /// For logs and tests only: the doors word the refusal themselves.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.code)
    }
}

/// A date that must not lie after today (records describe what has happened).
pub fn not_after_today(field: &'static str, d: Date, today: Date) -> Result<(), FieldError> {
    if d > today {
        return Err(FieldError::new(field, Code::DateInFuture).date("today", today));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_future_date_is_refused_with_today_as_its_argument() {
        let e = not_after_today("date", date!(2026 - 12 - 02), date!(2026 - 12 - 01)).unwrap_err();
        assert_eq!(e.code, Code::DateInFuture);
        assert_eq!(e.args, vec![("today", Arg::Date(date!(2026 - 12 - 01)))]);
        assert!(not_after_today("date", date!(2026 - 12 - 01), date!(2026 - 12 - 01)).is_ok());
    }

    #[test]
    fn arguments_serialise_plainly() {
        let e = FieldError::new("date", Code::Required)
            .date("d", date!(2026 - 01 - 05))
            .number("n", 3);
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["args"][0][1], "2026-01-05");
        assert_eq!(v["args"][1][1], 3);
    }
}
