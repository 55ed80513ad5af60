//! Supervision: comments by a supervisor on a supervisee's course.

use ipt_domain::authz::{Action, Actor};
use ipt_domain::ids::{CourseId, SessionId};
use ipt_domain::supervision::SupervisorComment;

use crate::access::Access;
use crate::{App, AppError, new_id};

impl App {
    /// Comment on a course as its clinician's supervisor (the policy's `CommentAsSupervisor`).
    pub async fn add_supervisor_comment(
        &self,
        actor: &Actor,
        course: CourseId,
        session: Option<SessionId>,
        text: &str,
    ) -> Result<SupervisorComment, AppError> {
        let c = self.course_with(actor, course, Access::Read).await?;
        let patient = self.patient(actor, c.patient).await?;
        self.authorize(actor, Action::CommentAsSupervisor, &patient)
            .await
            .map_err(|_| AppError::NotFound("course"))?;
        let author = actor.user_id().ok_or(AppError::Forbidden)?;
        let comment = SupervisorComment::new(new_id(), course, session, author, text, self.now())
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let audit = self.audit(
            actor,
            "supervisor_comment.create",
            "supervisor_comment",
            comment.id.as_uuid(),
            Some(c.patient),
        );
        self.store.add_comment(&comment, &audit).await?;
        Ok(comment)
    }

    /// The supervision comments on a course, for everyone who may read it.
    pub async fn supervisor_comments(
        &self,
        actor: &Actor,
        course: CourseId,
    ) -> Result<Vec<SupervisorComment>, AppError> {
        let c = self.course_with(actor, course, Access::Read).await?;
        let audit = self.audit(
            actor,
            "supervisor_comment.read",
            "course",
            course.as_uuid(),
            Some(c.patient),
        );
        Ok(self.store.comments(course, &audit).await?)
    }

    /// Whether `actor` may comment on this course as a supervisor (to offer the form).
    pub async fn may_comment(&self, actor: &Actor, course: CourseId) -> bool {
        let Ok(c) = self.course_with(actor, course, Access::Read).await else {
            return false;
        };
        let Ok(patient) = self.patient(actor, c.patient).await else {
            return false;
        };
        self.authorize(actor, Action::CommentAsSupervisor, &patient)
            .await
            .is_ok()
    }
}
