//! Two records that keep a course safe around the therapy itself: the patient's safety plan,
//! written with them when suicide risk has come up, and the medication record that gives the
//! initial phase's medication review (reference §1.1, task 4) and the escalation prompts
//! (reference §5.4) something to stand on.
//!
//! The safety plan follows the widely taught structure of a stepwise crisis plan (the patient's
//! own warning signs, what they can do alone, people and places that help, people to ask, the
//! professionals and crisis services to call, and making the surroundings safer); the wording of
//! every field and hint is ours. The site's crisis resources are shown with it by the doors, so
//! a plan always ends with somewhere to turn.
//!
//! Decision support only: the software records what the clinician and patient agreed, and
//! never rates risk by itself.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::alert::{AlertSource, RiskAlert};
use crate::assessment::{Assessment, AssessmentStatus};
use crate::course::Course;
use crate::input::{self, LONG_TEXT, Refusals, SHORT_TEXT};
use crate::rule::{Code, FieldError};

/// The safety plan, in the patient's words as agreed in session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SafetyPlan {
    /// What tells the patient a crisis may be building: thoughts, moods, situations.
    pub warning_signs: String,
    /// What the patient can do on their own to get through the worst of it.
    pub coping_steps: String,
    /// People and places that take the patient's mind off things.
    pub people_and_places: String,
    /// People the patient can ask for help, with how to reach them.
    pub people_to_ask: String,
    /// Professionals the patient can contact: the therapist, the family doctor, the team.
    pub professional_contacts: String,
    /// What the patient agreed to do to make their surroundings safer.
    pub safer_environment: String,
    pub written_on: Option<Date>,
}

impl SafetyPlan {
    /// The parts, by field name, in the order a patient reads them.
    pub fn parts(&self) -> [(&'static str, &str); 6] {
        [
            ("warning_signs", &self.warning_signs),
            ("coping_steps", &self.coping_steps),
            ("people_and_places", &self.people_and_places),
            ("people_to_ask", &self.people_to_ask),
            ("professional_contacts", &self.professional_contacts),
            ("safer_environment", &self.safer_environment),
        ]
    }
}

/// The safety plan as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafetyPlanInput {
    pub warning_signs: String,
    pub coping_steps: String,
    pub people_and_places: String,
    pub people_to_ask: String,
    pub professional_contacts: String,
    pub safer_environment: String,
    pub written_on: Option<String>,
}

impl SafetyPlanInput {
    /// A plan names at least the warning signs and the patient's own first steps: without them
    /// it cannot be used on a bad day. Every other part may wait for a later session.
    pub fn read(&self, today: Date) -> Result<SafetyPlan, Vec<FieldError>> {
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
        let coping_steps = part("coping_steps", &self.coping_steps, true);
        let people_and_places = part("people_and_places", &self.people_and_places, false);
        let people_to_ask = part("people_to_ask", &self.people_to_ask, false);
        let professional_contacts =
            part("professional_contacts", &self.professional_contacts, false);
        let safer_environment = part("safer_environment", &self.safer_environment, false);
        let written_on = r.take(input::record_date(
            "written_on",
            self.written_on.as_deref(),
            today,
        ));
        match (
            warning_signs,
            coping_steps,
            people_and_places,
            people_to_ask,
            professional_contacts,
            safer_environment,
            written_on,
        ) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f), Some(on)) if r.is_empty() => {
                Ok(SafetyPlan {
                    warning_signs: a,
                    coping_steps: b,
                    people_and_places: c,
                    people_to_ask: d,
                    professional_contacts: e,
                    safer_environment: f,
                    written_on: Some(on),
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

/// What happened to a medicine on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MedicationChangeKind {
    /// Already being taken when it was first recorded here (at assessment, say).
    AlreadyTaking,
    Started,
    DoseChanged,
    Stopped,
}

impl MedicationChangeKind {
    pub const ALL: [MedicationChangeKind; 4] = [
        Self::AlreadyTaking,
        Self::Started,
        Self::DoseChanged,
        Self::Stopped,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::AlreadyTaking => "already_taking",
            Self::Started => "started",
            Self::DoseChanged => "dose_changed",
            Self::Stopped => "stopped",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// Whether this change begins a medicine (it must not be current already).
    fn begins(self) -> bool {
        matches!(self, Self::AlreadyTaking | Self::Started)
    }
}

/// One entry of the medication record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicationChange {
    pub medicine: String,
    pub kind: MedicationChangeKind,
    /// The dose from this day on (empty when stopped or not known).
    #[serde(default)]
    pub dose: String,
    #[serde(default)]
    pub prescriber: String,
    pub on: Date,
    #[serde(default)]
    pub note: String,
}

/// A medicine being taken, as the record stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentMedicine {
    pub medicine: String,
    pub dose: String,
    pub prescriber: String,
    /// The day it was started (or first recorded as taken).
    pub since: Date,
    /// The day of its latest change.
    pub changed_on: Date,
}

/// Two names of one medicine: the same letters, whatever their case and spacing.
fn same_medicine(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The medicines being taken after `changes` (oldest first), in the order they began.
pub fn current_medication(changes: &[MedicationChange]) -> Vec<CurrentMedicine> {
    let mut now: Vec<CurrentMedicine> = vec![];
    for c in changes {
        let at = now
            .iter()
            .position(|m| same_medicine(&m.medicine, &c.medicine));
        match (c.kind, at) {
            (k, None) if k.begins() => now.push(CurrentMedicine {
                medicine: c.medicine.clone(),
                dose: c.dose.clone(),
                prescriber: c.prescriber.clone(),
                since: c.on,
                changed_on: c.on,
            }),
            (MedicationChangeKind::DoseChanged, Some(i)) => {
                now[i].dose = c.dose.clone();
                if !c.prescriber.is_empty() {
                    now[i].prescriber = c.prescriber.clone();
                }
                now[i].changed_on = c.on;
            }
            (MedicationChangeKind::Stopped, Some(i)) => {
                now.remove(i);
            }
            // `record_medication_change` keeps the record free of these.
            _ => {}
        }
    }
    now
}

/// Add `change` to the record `changes` (oldest first), refusing what would make it untrue: a
/// dose change or stop of a medicine not being taken, a start of one already taken, or a change
/// dated before the medicine's latest recorded change (the record reads in order).
pub fn record_medication_change(
    changes: &mut Vec<MedicationChange>,
    change: MedicationChange,
) -> Result<(), FieldError> {
    if let Some(last) = changes
        .iter()
        .rev()
        .find(|c| same_medicine(&c.medicine, &change.medicine))
        && change.on < last.on
    {
        return Err(FieldError::new("on", Code::MedicationChangeOutOfOrder).date("date", last.on));
    }
    let current = current_medication(changes)
        .into_iter()
        .any(|m| same_medicine(&m.medicine, &change.medicine));
    if change.kind.begins() && current {
        return Err(FieldError::new("medicine", Code::MedicationAlreadyCurrent)
            .text("medicine", &change.medicine));
    }
    if !change.kind.begins() && !current {
        return Err(FieldError::new("medicine", Code::MedicationNotCurrent)
            .text("medicine", &change.medicine));
    }
    // Keep the record in date order; a change on the same day goes after those already there.
    let at = changes.partition_point(|c| c.on <= change.on);
    changes.insert(at, change);
    Ok(())
}

/// A medication change as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MedicationChangeInput {
    pub medicine: String,
    pub kind: Option<String>,
    pub dose: String,
    pub prescriber: String,
    pub on: Option<String>,
    pub note: String,
}

impl MedicationChangeInput {
    /// The medicine and what happened are needed; a dose change needs the new dose. The day is
    /// today when not given, and never after today.
    pub fn read(&self, today: Date) -> Result<MedicationChange, Vec<FieldError>> {
        let mut r = Refusals::new();
        let medicine = r.take(
            input::bounded_text("medicine", &self.medicine, SHORT_TEXT).and_then(|m| {
                if m.is_empty() {
                    Err(FieldError::new("medicine", Code::Required))
                } else {
                    Ok(m)
                }
            }),
        );
        let kind = r.take(
            input::choice("kind", self.kind.as_deref(), MedicationChangeKind::parse)
                .and_then(|k| input::required("kind", k)),
        );
        let dose = r.take(input::bounded_text("dose", &self.dose, SHORT_TEXT));
        if kind == Some(MedicationChangeKind::DoseChanged) && dose.as_deref() == Some("") {
            r.push(FieldError::new("dose", Code::Required));
        }
        let prescriber = r.take(input::bounded_text(
            "prescriber",
            &self.prescriber,
            SHORT_TEXT,
        ));
        let on = r.take(input::record_date("on", self.on.as_deref(), today));
        let note = r.take(input::bounded_text("note", &self.note, LONG_TEXT));
        match (medicine, kind, dose, prescriber, on, note) {
            (Some(medicine), Some(kind), Some(dose), Some(prescriber), Some(on), Some(note))
                if r.is_empty() =>
            {
                Ok(MedicationChange {
                    medicine,
                    kind,
                    dose,
                    prescriber,
                    on,
                    note,
                })
            }
            _ => Err(r.into_vec()),
        }
    }
}

/// Whether the course should prompt for a safety plan: it is open, a final questionnaire on it
/// answered a risk item positively, and no plan is written yet. Decision support: the plan is
/// the clinician's and the patient's to write.
pub fn safety_plan_due(course: &Course, assessments: &[Assessment]) -> bool {
    course.status.is_open()
        && course.safety_plan.is_none()
        && assessments.iter().any(|a| {
            a.course == Some(course.id)
                && a.status == AssessmentStatus::Final
                && a.result.as_ref().is_some_and(|r| !r.risk_items.is_empty())
        })
}

/// A course's risk record as the documents and the safety page show it: the alerts still open,
/// those acknowledged, and the latest risk item answered positively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskRecord<'a> {
    /// Open alerts, oldest first.
    pub open: Vec<&'a RiskAlert>,
    /// Acknowledged alerts, oldest first.
    pub acknowledged: Vec<&'a RiskAlert>,
    /// The latest alert raised by a questionnaire's risk item: which instrument, which items,
    /// when.
    pub last_positive_item: Option<&'a RiskAlert>,
}

impl<'a> RiskRecord<'a> {
    /// The record of `course` from the patient's alerts: those raised on the course, and those
    /// raised outside any course while it ran (a questionnaire answered with no course named).
    pub fn of(course: &Course, alerts: &'a [RiskAlert]) -> Self {
        let during = |a: &RiskAlert| {
            let day = a.raised_at.date();
            day >= course.started_on && course.ended_on.is_none_or(|e| day <= e)
        };
        let mut mine: Vec<&RiskAlert> = alerts
            .iter()
            .filter(|a| a.patient == course.patient)
            .filter(|a| a.course == Some(course.id) || (a.course.is_none() && during(a)))
            .collect();
        mine.sort_by_key(|a| (a.raised_at, a.id));
        let last_positive_item = mine
            .iter()
            .rev()
            .find(|a| matches!(a.source, AlertSource::Instrument { .. }))
            .copied();
        let (acknowledged, open) = mine.into_iter().partition(|a| a.acknowledgement.is_some());
        Self {
            open,
            acknowledged,
            last_positive_item,
        }
    }

    /// Nothing to show: no alert was raised on the course.
    pub fn is_empty(&self) -> bool {
        self.open.is_empty() && self.acknowledged.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 10);

    fn change(
        medicine: &str,
        kind: MedicationChangeKind,
        dose: &str,
        on: Date,
    ) -> MedicationChange {
        MedicationChange {
            medicine: medicine.into(),
            kind,
            dose: dose.into(),
            prescriber: "Dr Example".into(),
            on,
            note: String::new(),
        }
    }

    #[test]
    fn a_safety_plan_needs_warning_signs_and_own_steps_and_no_future_date() {
        let e = SafetyPlanInput {
            written_on: Some("2026-03-11".into()),
            ..Default::default()
        }
        .read(TODAY)
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("warning_signs", Code::Required),
                ("coping_steps", Code::Required),
                ("written_on", Code::DateInFuture),
            ]
        );
        let plan = SafetyPlanInput {
            warning_signs: " Not sleeping, pulling away from friends ".into(),
            coping_steps: "Walk the dog; call my sister".into(),
            ..Default::default()
        }
        .read(TODAY)
        .unwrap();
        assert_eq!(
            plan.warning_signs,
            "Not sleeping, pulling away from friends"
        );
        assert_eq!(plan.written_on, Some(TODAY));
        assert_eq!(
            plan.parts()[1],
            ("coping_steps", "Walk the dog; call my sister")
        );
    }

    #[test]
    fn the_medication_record_tracks_what_is_taken_now() {
        use MedicationChangeKind::*;
        let mut rec = vec![];
        record_medication_change(
            &mut rec,
            change("Sertraline", Started, "50 mg", date!(2026 - 01 - 05)),
        )
        .unwrap();
        record_medication_change(
            &mut rec,
            change("sertraline ", DoseChanged, "100 mg", date!(2026 - 02 - 01)),
        )
        .unwrap();
        record_medication_change(
            &mut rec,
            change("Mirtazapine", AlreadyTaking, "15 mg", date!(2026 - 01 - 01)),
        )
        .unwrap();
        // Kept in date order, whatever order it was typed in.
        assert_eq!(rec[0].medicine, "Mirtazapine");
        let now = current_medication(&rec);
        assert_eq!(now.len(), 2);
        assert_eq!(
            (now[1].dose.as_str(), now[1].since),
            ("100 mg", date!(2026 - 01 - 05))
        );
        record_medication_change(
            &mut rec,
            change("Mirtazapine", Stopped, "", date!(2026 - 03 - 01)),
        )
        .unwrap();
        assert_eq!(current_medication(&rec).len(), 1);
    }

    #[test]
    fn a_medication_record_refuses_changes_that_would_make_it_untrue() {
        use MedicationChangeKind::*;
        let mut rec = vec![];
        let e = record_medication_change(&mut rec, change("Sertraline", Stopped, "", TODAY))
            .unwrap_err();
        assert_eq!((e.field, e.code), ("medicine", Code::MedicationNotCurrent));
        record_medication_change(
            &mut rec,
            change("Sertraline", Started, "50 mg", date!(2026 - 02 - 01)),
        )
        .unwrap();
        let e = record_medication_change(&mut rec, change("SERTRALINE", Started, "50 mg", TODAY))
            .unwrap_err();
        assert_eq!(e.code, Code::MedicationAlreadyCurrent);
        let e = record_medication_change(
            &mut rec,
            change("Sertraline", DoseChanged, "100 mg", date!(2026 - 01 - 20)),
        )
        .unwrap_err();
        assert_eq!((e.field, e.code), ("on", Code::MedicationChangeOutOfOrder));
        assert_eq!(rec.len(), 1, "nothing refused was kept");
    }

    #[test]
    fn the_risk_record_of_a_course_names_open_and_acknowledged_alerts_and_the_last_positive_item() {
        use crate::alert::Acknowledgement;
        use crate::ids::{CourseId, PatientId, SessionId, UserId};
        use crate::protocol::ProtocolCatalogue;
        use time::macros::datetime;
        let cat = ProtocolCatalogue::default();
        let proto = cat.get(crate::protocol::Format::Individual);
        let patient = PatientId::from_uuid(uuid::Uuid::from_u128(1));
        let mut course = Course::new(
            CourseId::from_uuid(uuid::Uuid::from_u128(2)),
            patient,
            UserId::from_uuid(uuid::Uuid::from_u128(3)),
            proto,
            date!(2026 - 01 - 05),
        );
        course.ended_on = Some(date!(2026 - 03 - 01));
        let alert = |course_id: Option<CourseId>, source: AlertSource, at: time::OffsetDateTime| {
            RiskAlert {
                id: crate::ids::AlertId::from_uuid(uuid::Uuid::from_u128(4)),
                patient,
                course: course_id,
                assessment: None,
                source,
                raised_at: at,
                acknowledgement: None,
                version: 1,
            }
        };
        let phq = |items: Vec<u16>| AlertSource::Instrument {
            instrument: "phq9".into(),
            items,
        };
        let mut first = alert(
            Some(course.id),
            phq(vec![9]),
            datetime!(2026-01-12 10:00 UTC),
        );
        first.acknowledgement = Some(Acknowledgement {
            by: UserId::from_uuid(uuid::Uuid::from_u128(5)),
            at: datetime!(2026-01-12 11:00 UTC),
            action_note: "safety plan written".into(),
        });
        let alerts = vec![
            alert(
                Some(course.id),
                AlertSource::SessionRiskReview {
                    session: SessionId::from_uuid(uuid::Uuid::from_u128(6)),
                },
                datetime!(2026-02-20 10:00 UTC),
            ),
            first,
            alert(None, phq(vec![9]), datetime!(2026-02-02 09:00 UTC)),
            // Another course's, and one after this course ended: not this course's.
            alert(
                Some(CourseId::from_uuid(uuid::Uuid::from_u128(7))),
                phq(vec![9]),
                datetime!(2026-02-03 09:00 UTC),
            ),
            alert(None, phq(vec![9]), datetime!(2026-04-01 09:00 UTC)),
        ];
        let r = RiskRecord::of(&course, &alerts);
        assert_eq!(r.acknowledged.len(), 1);
        assert_eq!(r.open.len(), 2);
        assert!(r.open[0].raised_at < r.open[1].raised_at, "oldest first");
        let last = r.last_positive_item.unwrap();
        assert_eq!(last.raised_at, datetime!(2026-02-02 09:00 UTC));
        assert!(!r.is_empty());
    }

    #[test]
    fn a_dose_change_needs_its_dose_and_every_change_its_medicine_and_kind() {
        let e = MedicationChangeInput {
            kind: Some("dose_changed".into()),
            ..Default::default()
        }
        .read(TODAY)
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            fields,
            vec![("medicine", Code::Required), ("dose", Code::Required)]
        );
        let e = MedicationChangeInput {
            medicine: "Sertraline".into(),
            kind: Some("doubled".into()),
            ..Default::default()
        }
        .read(TODAY)
        .unwrap_err();
        assert_eq!((e[0].field, e[0].code), ("kind", Code::NotOneOf));
        let c = MedicationChangeInput {
            medicine: "Sertraline".into(),
            kind: Some("started".into()),
            dose: "50 mg".into(),
            ..Default::default()
        }
        .read(TODAY)
        .unwrap();
        assert_eq!((c.kind, c.on), (MedicationChangeKind::Started, TODAY));
    }
}
