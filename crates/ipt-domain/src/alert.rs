//! Risk alerts. Any positive risk item — PHQ-9 item 9, EPDS item 10, HAM-D item 3, the PHQ-A
//! suicide questions, or a clinician's concern in a session's risk review — raises an alert that
//! stays open until a clinician acknowledges it with a note of the action taken. Alerts are
//! never deleted (clinical reference §9: "an alert must create a clinician task").

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::assessment::{Assessment, AssessmentStatus};
use crate::ids::{AlertId, AssessmentId, CourseId, PatientId, SessionId, UserId};

/// What raised the alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AlertSource {
    /// Risk items answered positively on an instrument (item numbers, 1-based).
    Instrument { instrument: String, items: Vec<u16> },
    /// The clinician recorded a concern in a session's risk review.
    SessionRiskReview { session: SessionId },
}

impl AlertSource {
    pub fn describe(&self) -> String {
        match self {
            Self::Instrument { instrument, items } => {
                let items: Vec<String> = items.iter().map(u16::to_string).collect();
                format!(
                    "{instrument}: risk item {} answered positively",
                    items.join(", ")
                )
            }
            Self::SessionRiskReview { .. } => "concern recorded in a session's risk review".into(),
        }
    }
}

/// The clinician's acknowledgement: who, when, and what was done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub by: UserId,
    pub at: OffsetDateTime,
    pub action_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAlert {
    pub id: AlertId,
    pub patient: PatientId,
    pub course: Option<CourseId>,
    pub assessment: Option<AssessmentId>,
    pub source: AlertSource,
    pub raised_at: OffsetDateTime,
    pub acknowledgement: Option<Acknowledgement>,
    pub version: i64,
}

impl RiskAlert {
    /// The shortest note of the action taken that closes an alert.
    pub const MIN_NOTE_CHARS: usize = 5;

    /// The alert a final assessment raises, if any of its risk items are positive; an invalid
    /// result still raises (risk is flagged whatever the total). A draft has no result yet: its
    /// positive risk answers raise an alert through `from_draft` instead, at once.
    pub fn from_assessment(a: &Assessment, id: AlertId, now: OffsetDateTime) -> Option<Self> {
        if a.status != AssessmentStatus::Final {
            return None;
        }
        let items = a
            .result
            .as_ref()
            .map(|r| r.risk_items.clone())
            .unwrap_or_default();
        if items.is_empty() {
            return None;
        }
        Some(Self {
            id,
            patient: a.patient,
            course: a.course,
            assessment: Some(a.id),
            source: AlertSource::Instrument {
                instrument: a.instrument.clone(),
                items,
            },
            raised_at: now,
            acknowledgement: None,
            version: 1,
        })
    }

    /// The alert raised by risk items answered positively on a draft (an unfinished
    /// questionnaire): a risk answer cannot wait for the rest of the form.
    pub fn from_draft(
        a: &Assessment,
        risk_items: &[u16],
        id: AlertId,
        now: OffsetDateTime,
    ) -> Option<Self> {
        if risk_items.is_empty() {
            return None;
        }
        Some(Self {
            id,
            patient: a.patient,
            course: a.course,
            assessment: Some(a.id),
            source: AlertSource::Instrument {
                instrument: a.instrument.clone(),
                items: risk_items.to_vec(),
            },
            raised_at: now,
            acknowledgement: None,
            version: 1,
        })
    }

    /// The alert a session's risk review raises when the clinician records a concern.
    pub fn from_session_concern(
        session: SessionId,
        patient: PatientId,
        course: CourseId,
        id: AlertId,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            patient,
            course: Some(course),
            assessment: None,
            source: AlertSource::SessionRiskReview { session },
            raised_at: now,
            acknowledgement: None,
            version: 1,
        }
    }

    pub fn is_open(&self) -> bool {
        self.acknowledgement.is_none()
    }

    /// Close the alert with a note of the action taken. The note is required: an alert is a
    /// task, and acknowledging it records what was done.
    pub fn acknowledge(
        &mut self,
        by: UserId,
        note: &str,
        at: OffsetDateTime,
    ) -> Result<(), AlertError> {
        if !self.is_open() {
            return Err(AlertError::AlreadyAcknowledged);
        }
        let note = note.trim();
        if note.chars().count() < Self::MIN_NOTE_CHARS {
            return Err(AlertError::NoteRequired);
        }
        crate::input::bounded_text("note", note, crate::input::LONG_TEXT)
            .map_err(AlertError::Note)?;
        self.acknowledgement = Some(Acknowledgement {
            by,
            at,
            action_note: note.to_string(),
        });
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlertError {
    #[error(
        "describe the action taken (for example: safety assessment done by phone, crisis plan agreed)"
    )]
    NoteRequired,
    #[error("this alert has already been acknowledged")]
    AlreadyAcknowledged,
    /// A note too long, or holding a control character.
    #[error("{0}")]
    Note(crate::rule::FieldError),
}

impl From<AlertError> for crate::rule::FieldError {
    fn from(e: AlertError) -> Self {
        use crate::rule::{Code, FieldError};
        match e {
            AlertError::NoteRequired => FieldError::new("note", Code::AlertNoteRequired)
                .number("min", RiskAlert::MIN_NOTE_CHARS as i64),
            AlertError::AlreadyAcknowledged => {
                FieldError::new("alert", Code::AlertAlreadyAcknowledged)
            }
            AlertError::Note(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::{AdministrationMode, ScoreSummary};
    use time::macros::datetime;
    use uuid::Uuid;

    fn assessment(status: AssessmentStatus, risk: Vec<u16>) -> Assessment {
        Assessment {
            id: AssessmentId::from_uuid(Uuid::nil()),
            patient: PatientId::from_uuid(Uuid::nil()),
            course: None,
            session: None,
            instrument: "phq9".into(),
            answers: vec![],
            status,
            mode: AdministrationMode::SelfReport,
            administered_at: datetime!(2026-03-02 10:00 UTC),
            phase: None,
            result: Some(ScoreSummary {
                total: Some(12.0),
                severity: None,
                risk_items: risk,
                valid: true,
                prorated: false,
                scoring_version: "1".into(),
            }),
            version: 1,
        }
    }

    #[test]
    fn a_positive_risk_item_on_a_final_assessment_raises_an_alert() {
        let now = datetime!(2026-03-02 10:01 UTC);
        let id = AlertId::from_uuid(Uuid::max());
        let alert =
            RiskAlert::from_assessment(&assessment(AssessmentStatus::Final, vec![9]), id, now)
                .unwrap();
        assert!(alert.is_open());
        assert_eq!(
            alert.source.describe(),
            "phq9: risk item 9 answered positively"
        );
        assert!(
            RiskAlert::from_assessment(&assessment(AssessmentStatus::Final, vec![]), id, now)
                .is_none()
        );
        assert!(
            RiskAlert::from_assessment(&assessment(AssessmentStatus::Draft, vec![9]), id, now)
                .is_none()
        );
    }

    #[test]
    fn a_draft_with_a_positive_risk_answer_raises_an_alert_at_once() {
        let now = datetime!(2026-03-02 10:01 UTC);
        let draft = assessment(AssessmentStatus::Draft, vec![]);
        let id = AlertId::from_uuid(Uuid::max());
        let alert = RiskAlert::from_draft(&draft, &[9], id, now).unwrap();
        assert_eq!(
            alert.source.describe(),
            "phq9: risk item 9 answered positively"
        );
        assert!(RiskAlert::from_draft(&draft, &[], id, now).is_none());
    }

    #[test]
    fn acknowledging_needs_a_note_and_happens_once() {
        let now = datetime!(2026-03-02 10:01 UTC);
        let mut alert = RiskAlert::from_assessment(
            &assessment(AssessmentStatus::Final, vec![9]),
            AlertId::from_uuid(Uuid::max()),
            now,
        )
        .unwrap();
        let who = UserId::from_uuid(Uuid::nil());
        assert_eq!(
            alert.acknowledge(who, "  ", now),
            Err(AlertError::NoteRequired)
        );
        assert!(alert.is_open());
        alert
            .acknowledge(
                who,
                "Called the patient; safety plan agreed; no intent.",
                now,
            )
            .unwrap();
        assert!(!alert.is_open());
        assert_eq!(
            alert.acknowledge(who, "again, later", now),
            Err(AlertError::AlreadyAcknowledged)
        );
    }
}
