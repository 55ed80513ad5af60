//! Use cases of the initial part of a course: correcting and removing inventory people,
//! timeline events and mood episodes, and storing questionnaires entered by the clinician
//! (final when complete, a draft otherwise).
//!
//! Every change goes through `course_with(…, Access::Write)` (via `patient_of`), so a
//! supervisor or another clinician is refused exactly as if the course did not exist, and every
//! write carries its audit event into the same transaction. Stale copies are refused by the
//! store with `Conflict`, and nothing is saved.

use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::authz::{Action, Actor};
use ipt_domain::ids::{CourseId, InventoryPersonId, TimelineEventId};
use ipt_domain::timeline::MoodEpisode;

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

    /// Store a questionnaire the clinician entered. A complete, valid one is final (and
    /// `record_assessment` raises the alert for a positive risk item). An incomplete one is kept
    /// as a draft, never as a result; but a risk item answered positively on it still raises an
    /// alert at once, because risk is flagged whatever the total (`risk_items` come from
    /// scoring the answers given).
    pub async fn record_entered_assessment(
        &self,
        actor: &Actor,
        mut assessment: Assessment,
        risk_items: &[u16],
    ) -> Result<Assessment, AppError> {
        if assessment.status == AssessmentStatus::Final {
            return self.record_assessment(actor, assessment).await;
        }
        assessment.result = None;
        let course = self.draft_access(actor, &assessment).await?;
        assessment.version = 1;
        let audit = self.audit(
            actor,
            "assessment.create",
            "assessment",
            assessment.id.as_uuid(),
            Some(assessment.patient),
        );
        let alert = draft_alert(&assessment, course, risk_items, self);
        self.store
            .add_assessment(&assessment, alert.as_ref(), &audit)
            .await?;
        Ok(assessment)
    }

    /// Complete or correct a draft questionnaire (a final one is a record and never changes).
    /// The draft must carry the version that was read. An alert is raised for positive risk
    /// items unless this assessment has raised one already.
    pub async fn update_entered_assessment(
        &self,
        actor: &Actor,
        mut assessment: Assessment,
        risk_items: &[u16],
    ) -> Result<Assessment, AppError> {
        if assessment.status == AssessmentStatus::Final
            && !assessment.result.as_ref().is_some_and(|r| r.valid)
        {
            return Err(AppError::Invalid("an incomplete or invalid questionnaire can be kept as a draft, not as a final result".into()));
        }
        if assessment.status == AssessmentStatus::Draft {
            assessment.result = None;
        }
        let course = self.draft_access(actor, &assessment).await?;
        let pid = Some(assessment.patient);
        let read = self.audit(
            actor,
            "assessment.read",
            "assessment",
            course.as_uuid(),
            pid,
        );
        let stored = self
            .store
            .assessments_of_course(course, &read)
            .await?
            .into_iter()
            .find(|a| a.id == assessment.id)
            .ok_or(AppError::NotFound("assessment"))?;
        if stored.status == AssessmentStatus::Final {
            return Err(AppError::Invalid(
                "a final questionnaire is a record and cannot be changed; enter a new one instead"
                    .into(),
            ));
        }
        if stored.version != assessment.version || stored.instrument != assessment.instrument {
            return Err(AppError::Conflict {
                what: "assessment",
                expected: assessment.version,
                actual: stored.version,
            });
        }
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
            draft_alert(&assessment, course, risk_items, self)
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
        Ok(assessment)
    }

    /// The checks `record_assessment` makes, for entered questionnaires: the actor may record
    /// assessments for the patient, and the course is theirs.
    async fn draft_access(
        &self,
        actor: &Actor,
        assessment: &Assessment,
    ) -> Result<CourseId, AppError> {
        let patient = self.patient(actor, assessment.patient).await?;
        self.authorize(actor, Action::RecordAssessment, &patient)
            .await?;
        let Some(course) = assessment.course else {
            return Err(AppError::Invalid(
                "an entered questionnaire belongs to a course".into(),
            ));
        };
        if self.course(actor, course).await?.patient != assessment.patient {
            return Err(AppError::Invalid(
                "the assessment's course belongs to another patient".into(),
            ));
        }
        Ok(course)
    }
}

/// The alert for risk items answered positively on a draft (the domain's rule).
fn draft_alert(
    assessment: &Assessment,
    course: CourseId,
    risk_items: &[u16],
    app: &App,
) -> Option<RiskAlert> {
    let assessment = Assessment {
        course: Some(course),
        ..assessment.clone()
    };
    RiskAlert::from_draft(&assessment, risk_items, new_id(), app.now())
}
