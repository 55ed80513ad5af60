//! Use cases of the initial part of a course: correcting and removing inventory people,
//! timeline events and mood episodes, and storing questionnaires entered through a door (the
//! clinician's entry page, the JSON API): read by the core from `AssessmentInput`, final when
//! complete, a draft otherwise.
//!
//! Every change goes through `course_with(…, Access::Write)` (via `patient_of`), so a
//! supervisor or another clinician is refused exactly as if the course did not exist, and every
//! write carries its audit event into the same transaction. Stale copies are refused by the
//! store with `Conflict`, and nothing is saved.

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::{
    Assessment, AssessmentInput, AssessmentStatus, EnteredAnswers, ScoreSummary,
};
use ipt_domain::authz::{Action, Actor};
use ipt_domain::course::Course;
use ipt_domain::ids::{AssessmentId, CourseId, InventoryPersonId, SessionId, TimelineEventId};
use ipt_domain::patient::Patient;
use ipt_domain::rule::{Code, FieldError};
use ipt_domain::timeline::MoodEpisode;

use super::versioned;
use crate::access::Access;
use crate::ports::AlertFilter;
use crate::{App, AppError, new_id};

impl App {
    /// Remove a person from the inventory. Timeline events that named them keep the event and
    /// lose the link (the store does both in one transaction).
    pub async fn delete_person(
        &self,
        actor: &Actor,
        course: CourseId,
        id: InventoryPersonId,
        version: i64,
    ) -> Result<(), AppError> {
        let pid = self.patient_of(actor, course).await?;
        let audit = self.audit(
            actor,
            "inventory_person.delete",
            "inventory_person",
            id.as_uuid(),
            pid,
        );
        self.store
            .delete_person(course, id, version, &audit)
            .await?;
        Ok(())
    }

    pub async fn delete_event(
        &self,
        actor: &Actor,
        course: CourseId,
        id: TimelineEventId,
        version: i64,
    ) -> Result<(), AppError> {
        let pid = self.patient_of(actor, course).await?;
        let audit = self.audit(
            actor,
            "timeline_event.delete",
            "timeline_event",
            id.as_uuid(),
            pid,
        );
        self.store.delete_event(course, id, version, &audit).await?;
        Ok(())
    }

    /// Save changes to a mood episode carrying the version that was read. Only one episode is
    /// the current one: marking this one current clears the mark on the others in the same
    /// transaction (each change audited).
    pub async fn update_episode(
        &self,
        actor: &Actor,
        course: CourseId,
        mut episode: MoodEpisode,
    ) -> Result<MoodEpisode, AppError> {
        episode.check()?;
        let pid = self.patient_of(actor, course).await?;
        episode.check_happened(self.today())?;
        let audit = self.audit(
            actor,
            "mood_episode.update",
            "mood_episode",
            episode.id.as_uuid(),
            pid,
        );
        episode.version = self.store.update_episode(course, &episode, &audit).await?;
        Ok(episode)
    }

    /// Store a questionnaire entered through a door (the clinician's entry page, the JSON
    /// API), read by the core from what was given. Final when asked for, or when no status is
    /// asked for and the answers give a valid result; a final result that is not valid is
    /// refused (`final_needs_a_valid_result`). Otherwise it is kept as a draft, never as a
    /// result; but a risk item answered positively on it still raises an alert at once,
    /// because risk is flagged whatever the total.
    pub async fn record_entered_assessment(
        &self,
        actor: &Actor,
        course: CourseId,
        input: &AssessmentInput,
    ) -> Result<EnteredAssessment, AppError> {
        let (course, patient) = self.course_and_patient(actor, course, Access::Read).await?;
        self.record_entered_assessment_for(actor, &patient, &course, input)
            .await
    }

    /// `record_entered_assessment` for a caller that has already read the course and its
    /// patient as this actor, so that neither is read again.
    pub async fn record_entered_assessment_for(
        &self,
        actor: &Actor,
        patient: &Patient,
        course: &Course,
        input: &AssessmentInput,
    ) -> Result<EnteredAssessment, AppError> {
        if course.patient != patient.id {
            return Err(AppError::NotFound("course"));
        }
        self.authorize(actor, Action::RecordAssessment, patient)
            .await?;
        let sessions = self.sessions_named(actor, course, input).await?;
        let read = input
            .read(&sessions, self.now())
            .map_err(AppError::Rejected)?;
        let scored = score(&read)?;
        let assessment = scored.assessment(new_id(), course, &read, 1);
        let alert = if assessment.status == AssessmentStatus::Final {
            RiskAlert::from_assessment(&assessment, new_id(), self.now())
        } else {
            RiskAlert::from_draft(&assessment, &scored.risk_items, new_id(), self.now())
        };
        let audit = self.audit(
            actor,
            "assessment.create",
            "assessment",
            assessment.id.as_uuid(),
            Some(assessment.patient),
        );
        self.store
            .add_assessment(&assessment, alert.as_ref(), &audit)
            .await?;
        Ok(scored.entered(assessment, alert.is_some()))
    }

    /// Complete or correct a draft questionnaire, read from what the door was given as
    /// `record_entered_assessment` reads a new one. A final questionnaire is a record and never
    /// changes (`assessment_final`). The change must carry the version that was read (a
    /// missing one is refused with the other fields, a stale one is a `Conflict`). An alert is
    /// raised for positive risk items unless this assessment has raised one already.
    pub async fn update_entered_assessment(
        &self,
        actor: &Actor,
        course: CourseId,
        id: AssessmentId,
        version: Option<i64>,
        input: &AssessmentInput,
    ) -> Result<EnteredAssessment, AppError> {
        let (course, patient) = self.course_and_patient(actor, course, Access::Read).await?;
        self.authorize(actor, Action::RecordAssessment, &patient)
            .await?;
        let pid = Some(patient.id);
        let read = self.audit(
            actor,
            "assessment.read",
            "assessment",
            course.id.as_uuid(),
            pid,
        );
        let stored = self
            .store
            .assessments_of_course(course.id, &read)
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(AppError::NotFound("assessment"))?;
        if stored.status == AssessmentStatus::Final {
            return Err(FieldError::new("status", Code::AssessmentFinal).into());
        }
        let sessions = self.sessions_named(actor, &course, input).await?;
        let entered = versioned(version, input.read(&sessions, self.now()))?;
        // `versioned` refused a missing version.
        let version = version.unwrap_or_default();
        if stored.version != version || stored.instrument != entered.instrument.code {
            return Err(AppError::Conflict {
                what: "assessment",
                expected: version,
                actual: stored.version,
            });
        }
        let scored = score(&entered)?;
        let mut assessment = scored.assessment(id, &course, &entered, version);
        let list = self.audit(
            actor,
            "risk_alert.list",
            "risk_alert",
            assessment.id.as_uuid(),
            pid,
        );
        let already = self
            .store
            .alerts(
                &AlertFilter {
                    patient: Some(assessment.patient),
                    ..Default::default()
                },
                &list,
            )
            .await?
            .iter()
            .any(|a| a.assessment == Some(assessment.id));
        let alert = if already {
            None
        } else if assessment.status == AssessmentStatus::Final {
            RiskAlert::from_assessment(&assessment, new_id(), self.now())
        } else {
            RiskAlert::from_draft(&assessment, &scored.risk_items, new_id(), self.now())
        };
        let audit = self.audit(
            actor,
            "assessment.update",
            "assessment",
            assessment.id.as_uuid(),
            pid,
        );
        assessment.version = self
            .store
            .update_assessment(&assessment, alert.as_ref(), &audit)
            .await?;
        Ok(scored.entered(assessment, alert.is_some()))
    }

    /// The course's sessions, read only when the input names one.
    async fn sessions_named(
        &self,
        actor: &Actor,
        course: &Course,
        input: &AssessmentInput,
    ) -> Result<Vec<SessionId>, AppError> {
        if input
            .session_id
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            return Ok(vec![]);
        }
        let audit = self.audit(
            actor,
            "session.read",
            "course",
            course.id.as_uuid(),
            Some(course.patient),
        );
        Ok(self
            .store
            .sessions(course.id, &audit)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect())
    }
}

/// A questionnaire entered through a door, as stored, with what scoring said about it.
#[derive(Debug, Clone)]
pub struct EnteredAssessment {
    pub assessment: Assessment,
    /// Scoring's notes, in English (too many items unanswered, a risk item unanswered): shown
    /// beside a result for information. A refusal is always a code, never one of these.
    pub scoring_messages: Vec<String>,
    /// Risk items answered positively, from the answers given (on a draft too).
    pub risk_items: Vec<u16>,
    /// Whether this write raised a risk alert.
    pub alert_raised: bool,
}

/// The answers scored, and the status they are kept with.
struct Scored {
    status: AssessmentStatus,
    summary: ScoreSummary,
    risk_items: Vec<u16>,
    messages: Vec<String>,
}

/// Score what was read, with the settings in force, and decide its status: final only with a
/// valid result, which a final asked for must have.
fn score(read: &EnteredAnswers) -> Result<Scored, AppError> {
    let r = read
        .instrument
        .score_with(&read.answers, &crate::measures::settings().scoring)
        // The answers were checked against the instrument when read.
        .map_err(|e| AppError::Internal(format!("scoring checked answers: {e}")))?;
    let status = match read.status {
        Some(AssessmentStatus::Final) if !r.valid => {
            return Err(FieldError::new("answers", Code::FinalNeedsAValidResult).into());
        }
        Some(status) => status,
        None if r.valid => AssessmentStatus::Final,
        None => AssessmentStatus::Draft,
    };
    Ok(Scored {
        status,
        summary: crate::measures::summary_of(&r),
        risk_items: r.risk_items,
        messages: r.errors,
    })
}

impl Scored {
    fn assessment(
        &self,
        id: AssessmentId,
        course: &Course,
        read: &EnteredAnswers,
        version: i64,
    ) -> Assessment {
        Assessment {
            id,
            patient: course.patient,
            course: Some(course.id),
            session: read.session,
            instrument: read.instrument.code.clone(),
            answers: read.answers.clone(),
            status: self.status,
            mode: read.mode,
            administered_at: read.administered_at,
            phase: course.status.phase(),
            result: (self.status == AssessmentStatus::Final).then(|| self.summary.clone()),
            version,
        }
    }

    fn entered(self, assessment: Assessment, alert_raised: bool) -> EnteredAssessment {
        EnteredAssessment {
            assessment,
            scoring_messages: self.messages,
            risk_items: self.risk_items,
            alert_raised,
        }
    }
}
