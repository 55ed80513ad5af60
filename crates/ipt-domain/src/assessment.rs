//! A stored administration of an instrument: the answers, and what scoring made of them.
//!
//! A draft (in progress) is a distinct state and never counts in results.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::ids::{AssessmentId, CourseId, PatientId, SessionId};
use crate::input::{self, Refusals};
use crate::measures::{Catalogue, Instrument};
use crate::protocol::Phase;
use crate::rule::{self, Code, FieldError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    Draft,
    Final,
}

impl AssessmentStatus {
    pub const ALL: [AssessmentStatus; 2] = [Self::Final, Self::Draft];
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Final => "final",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "draft" => Some(Self::Draft),
            "final" => Some(Self::Final),
            _ => None,
        }
    }
}

/// Who filled it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdministrationMode {
    /// The patient, on their own device.
    SelfReport,
    /// The clinician, entering or rating.
    Clinician,
    /// The patient, on a clinic device handed to them.
    Kiosk,
}

impl AdministrationMode {
    pub const ALL: [AdministrationMode; 3] = [Self::SelfReport, Self::Clinician, Self::Kiosk];
    pub fn code(self) -> &'static str {
        match self {
            Self::SelfReport => "self",
            Self::Clinician => "clinician",
            Self::Kiosk => "kiosk",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code.trim())
    }
}

/// The scored outcome kept with a final assessment. It records the scoring version so results
/// can be recomputed when a definition changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSummary {
    pub total: Option<f64>,
    pub severity: Option<String>,
    pub risk_items: Vec<u16>,
    pub valid: bool,
    pub prorated: bool,
    pub scoring_version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub patient: PatientId,
    pub course: Option<CourseId>,
    pub session: Option<SessionId>,
    /// Instrument code from the catalogue, e.g. `phq9`.
    pub instrument: String,
    /// Item answers in item order; None is a missing item.
    pub answers: Vec<Option<u8>>,
    pub status: AssessmentStatus,
    pub mode: AdministrationMode,
    pub administered_at: OffsetDateTime,
    /// The course phase when it was given (for "end-of-treatment measure" and charts).
    pub phase: Option<Phase>,
    /// Present on final assessments only.
    pub result: Option<ScoreSummary>,
    pub version: i64,
}

impl Assessment {
    /// Single ratings of our own (session mood, goal progress) are not outcome measures.
    pub const NOT_OUTCOME_MEASURES: [&'static str; 2] = ["session_mood", "goal_progress"];

    /// Whether this assessment counts as an end-of-treatment measure: a final, valid result of
    /// a validated instrument, given in the termination phase.
    pub fn is_end_measure(&self) -> bool {
        self.status == AssessmentStatus::Final
            && !Self::NOT_OUTCOME_MEASURES.contains(&self.instrument.as_str())
            && self.phase == Some(Phase::Termination)
            && self.result.as_ref().is_some_and(|r| r.valid)
    }
}

/// A questionnaire as a door was given it: a clinician's entry form, or a program's JSON body.
/// The core reads it once (`read`), so both doors refuse the same answers with the same codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssessmentInput {
    /// The instrument's code in the catalogue (`phq9`).
    pub instrument: Option<String>,
    /// Item answers in item order, as typed: `None` or blank is a missing item. `None` for the
    /// whole list: no answers were given at all.
    pub answers: Option<Vec<Option<String>>>,
    /// `final` or `draft`; not given: final when the answers make a valid result, else a draft.
    pub status: Option<String>,
    /// Who filled it in (`self`, `clinician`, `kiosk`); not given: the clinician.
    pub mode: Option<String>,
    /// A session of the course it belongs to, if any.
    pub session_id: Option<String>,
    /// When it was given: a date (YYYY-MM-DD) or an RFC 3339 instant; not given: now.
    pub administered_at: Option<String>,
}

/// A questionnaire read from its input, not scored yet.
#[derive(Debug, Clone, PartialEq)]
pub struct EnteredAnswers {
    pub instrument: &'static Instrument,
    pub answers: Vec<Option<u8>>,
    /// `None`: as scoring allows (final when valid, else a draft).
    pub status: Option<AssessmentStatus>,
    pub mode: AdministrationMode,
    pub session: Option<SessionId>,
    pub administered_at: OffsetDateTime,
}

impl AssessmentInput {
    /// Read every field, naming every refused one at once. `sessions` are the course's own
    /// sessions; `now` is the time of entry (its date is today). A date given alone is now when
    /// it is today, else midday (UTC) of that day; it is never after today.
    pub fn read(
        &self,
        sessions: &[SessionId],
        now: OffsetDateTime,
    ) -> Result<EnteredAnswers, Vec<FieldError>> {
        let mut r = Refusals::new();
        let instrument = r.take(
            input::choice("instrument", self.instrument.as_deref(), |c| {
                Catalogue::builtin().get(c)
            })
            .and_then(|i| input::required("instrument", i)),
        );
        let answers = match (
            r.take(input::required("answers", self.answers.as_ref())),
            instrument,
        ) {
            (Some(raw), Some(inst)) => read_answers(&mut r, inst, raw),
            _ => None,
        };
        let status = r.take(input::choice(
            "status",
            self.status.as_deref(),
            AssessmentStatus::parse,
        ));
        let mode = r.take(
            input::choice("mode", self.mode.as_deref(), AdministrationMode::parse)
                .map(|m| m.unwrap_or(AdministrationMode::Clinician)),
        );
        let session = r.take(session_of(self.session_id.as_deref(), sessions));
        let administered_at = r.take(when(self.administered_at.as_deref(), now));
        match (instrument, answers, status, mode, session, administered_at) {
            (
                Some(instrument),
                Some(answers),
                Some(status),
                Some(mode),
                Some(session),
                Some(at),
            ) if r.is_empty() => Ok(EnteredAnswers {
                instrument,
                answers,
                status,
                mode,
                session,
                administered_at: at,
            }),
            _ => Err(r.into_vec()),
        }
    }
}

/// The answers in item order: a whole number for each answered item, as many as the
/// instrument takes (`Instrument::item_slots`), each on its item's scale, at most one of two
/// alternative ratings of an item (HAM-D 16a/16b), and at least one answered.
fn read_answers(
    r: &mut Refusals,
    inst: &Instrument,
    raw: &[Option<String>],
) -> Option<Vec<Option<u8>>> {
    let mut numbers = Vec::with_capacity(raw.len());
    let mut refused = false;
    // A signed instrument (the RAS) is answered in its published values, −3 … +3; the others
    // in whole numbers, their values being their codes.
    let signed = inst.scales.values().any(|s| s.is_signed());
    for (i, raw) in raw.iter().enumerate() {
        let raw = raw.as_deref().unwrap_or("").trim();
        if raw.is_empty() {
            numbers.push(None);
        } else if signed && let Some(n) = crate::measures::signed_number(raw) {
            let scale = inst.items.get(i).map(|item| inst.scale_of(item));
            match scale.and_then(|s| s.code_of(n)) {
                Some(code) => numbers.push(Some(code)),
                // Off the scale (a 0, a 4): refused below, at its item, like any other.
                None => numbers.push(Some(u32::MAX)),
            }
        } else if raw.bytes().all(|b| b.is_ascii_digit()) {
            numbers.push(Some(raw.parse::<u32>().unwrap_or(u32::MAX)));
        } else {
            r.push(FieldError::new("answers", Code::AnswerInvalid).number("index", i as i64));
            refused = true;
        }
    }
    if refused {
        return None;
    }
    let Some(slots) = inst.item_slots(&numbers) else {
        r.push(
            FieldError::new("answers", Code::AnswerCount)
                .text("expected", inst.expected_counts())
                .number("given", raw.len() as i64),
        );
        return None;
    };
    let mut answers = Vec::with_capacity(slots.len());
    for (item, v) in inst.items.iter().zip(slots) {
        let scale = inst.scale_of(item);
        match v {
            None => answers.push(None),
            Some(v) if scale.allows(v) => answers.push(u8::try_from(v).ok()),
            Some(_) => {
                r.push(
                    FieldError::new("answers", Code::AnswerNotOnScale)
                        .text("item", item.label.clone())
                        .text("allowed", scale.describe()),
                );
                refused = true;
                answers.push(None);
            }
        }
    }
    if refused {
        return None;
    }
    for (k, item) in inst.items.iter().enumerate() {
        let Some(h) = item
            .alternative_of
            .as_deref()
            .and_then(|head| inst.items.iter().position(|i| i.id == head))
        else {
            continue;
        };
        if answers[k].is_some() && answers[h].is_some() {
            r.push(
                FieldError::new("answers", Code::AlternativesBoth)
                    .text("first", inst.items[h].label.clone())
                    .text("second", item.label.clone()),
            );
            refused = true;
        }
    }
    if refused {
        return None;
    }
    if answers.iter().all(Option::is_none) {
        r.push(FieldError::new("answers", Code::NothingAnswered));
        return None;
    }
    Some(answers)
}

/// The session it belongs to: one of the course's, or none.
fn session_of(raw: Option<&str>, sessions: &[SessionId]) -> Result<Option<SessionId>, FieldError> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<SessionId>()
        .ok()
        .filter(|s| sessions.contains(s))
        .map(Some)
        .ok_or_else(|| FieldError::new("session_id", Code::NotInCourse))
}

/// When it was given: a date or an instant, not after today; not given, now.
fn when(raw: Option<&str>, now: OffsetDateTime) -> Result<OffsetDateTime, FieldError> {
    const FIELD: &str = "administered_at";
    let Some(raw) = raw else {
        return Ok(now);
    };
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::new(FIELD, Code::Required));
    }
    let today = now.date();
    let at = match input::date(FIELD, Some(raw)) {
        Ok(Some(d)) => {
            rule::not_after_today(FIELD, d, today)?;
            return Ok(on_day(d, now));
        }
        _ => OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
            .map_err(|_| FieldError::new(FIELD, Code::DateInvalid).text("value", raw))?,
    };
    rule::not_after_today(FIELD, at.to_offset(time::UtcOffset::UTC).date(), today)?;
    Ok(at)
}

/// A questionnaire dated `d`: now when that is today, else midday (UTC) of that day.
fn on_day(d: Date, now: OffsetDateTime) -> OffsetDateTime {
    if d == now.date() {
        now
    } else {
        d.midnight().assume_utc() + time::Duration::hours(12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-02 10:30 UTC);

    fn phq9(answers: &[&str]) -> AssessmentInput {
        AssessmentInput {
            instrument: Some("phq9".into()),
            answers: Some(answers.iter().map(|a| Some(a.to_string())).collect()),
            ..Default::default()
        }
    }

    fn codes(r: Result<EnteredAnswers, Vec<FieldError>>) -> Vec<(&'static str, &'static str)> {
        r.unwrap_err()
            .iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    #[test]
    fn good_answers_are_read_with_their_defaults() {
        let a = phq9(&["1", "2", "", "0", "3", "1", "1", "1", "0"])
            .read(&[], NOW)
            .unwrap();
        assert_eq!(a.instrument.code, "phq9");
        assert_eq!(a.answers[..3], [Some(1), Some(2), None]);
        assert_eq!(
            a.answers.len(),
            10,
            "laid out one per item, the unscored tail too"
        );
        assert_eq!((a.status, a.mode), (None, AdministrationMode::Clinician));
        assert_eq!((a.session, a.administered_at), (None, NOW));
    }

    #[test]
    fn a_bad_answer_is_named_by_its_index_and_one_off_the_scale_by_its_item() {
        use crate::rule::Arg;
        let args = |r: Result<EnteredAnswers, Vec<FieldError>>| {
            r.unwrap_err()
                .into_iter()
                .map(|e| (e.code.as_str(), e.args))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            args(phq9(&["1", "x", "7", "-1", "1", "1", "1", "1", "1"]).read(&[], NOW)),
            vec![
                ("answer_invalid", vec![("index", Arg::Number(1))]),
                ("answer_invalid", vec![("index", Arg::Number(3))]),
            ]
        );
        assert_eq!(
            args(phq9(&["1", "1", "7", "1", "1", "1", "1", "1", "1"]).read(&[], NOW)),
            vec![(
                "answer_not_on_scale",
                vec![
                    ("item", Arg::Text("3".into())),
                    ("allowed", Arg::Text("0–3".into()))
                ]
            )]
        );
        assert_eq!(
            codes(phq9(&["1", "1"]).read(&[], NOW)),
            [("answers", "answer_count")]
        );
        assert_eq!(
            codes(phq9(&[""; 9]).read(&[], NOW)),
            [("answers", "nothing_answered")]
        );
    }

    #[test]
    fn alternative_ratings_of_one_item_are_not_both_answered() {
        let inst = Catalogue::builtin().get("hamd17").unwrap();
        let mut answers = vec![None; inst.items.len()];
        for id in ["q16a", "q16b"] {
            let k = inst.items.iter().position(|i| i.id == id).unwrap();
            answers[k] = Some("1".to_string());
        }
        let input = AssessmentInput {
            instrument: Some("hamd17".into()),
            answers: Some(answers),
            ..Default::default()
        };
        let e = input.read(&[], NOW).unwrap_err();
        assert_eq!(e[0].code, Code::AlternativesBoth);
        assert_eq!(
            e[0].args,
            vec![
                ("first", crate::rule::Arg::Text("16a".into())),
                ("second", crate::rule::Arg::Text("16b".into()))
            ]
        );
    }

    #[test]
    fn every_other_field_is_refused_by_name() {
        let input = AssessmentInput {
            instrument: Some("phq99".into()),
            answers: Some(vec![]),
            status: Some("done".into()),
            mode: Some("phone".into()),
            session_id: Some(crate::ids::SessionId::from_uuid(uuid::Uuid::nil()).to_string()),
            administered_at: Some("2026-12-03".into()),
        };
        assert_eq!(
            codes(input.read(&[], NOW)),
            [
                ("instrument", "not_one_of"),
                ("status", "not_one_of"),
                ("mode", "not_one_of"),
                ("session_id", "not_in_course"),
                ("administered_at", "date_in_future"),
            ]
        );
        assert_eq!(
            codes(AssessmentInput::default().read(&[], NOW)),
            [("instrument", "required"), ("answers", "required")]
        );
    }

    #[test]
    fn a_date_or_an_instant_is_read_and_an_empty_one_is_required() {
        let at = |raw: &str| {
            let mut i = phq9(&["1"; 9]);
            i.administered_at = Some(raw.into());
            i.read(&[], NOW)
        };
        assert_eq!(at("2026-12-02").unwrap().administered_at, NOW);
        assert_eq!(
            at("2026-11-30").unwrap().administered_at,
            datetime!(2026-11-30 12:00 UTC)
        );
        assert_eq!(
            at("2026-11-30T08:00:00+01:00").unwrap().administered_at,
            datetime!(2026-11-30 07:00 UTC)
        );
        assert_eq!(codes(at(" ")), [("administered_at", "required")]);
        assert_eq!(
            codes(at("yesterday")),
            [("administered_at", "date_invalid")]
        );
        assert_eq!(
            codes(at("2026-12-03T00:30:00Z")),
            [("administered_at", "date_in_future")]
        );
    }
}
