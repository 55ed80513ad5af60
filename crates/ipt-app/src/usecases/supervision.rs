//! Supervision: comments by a supervisor on a supervisee's course.

use ipt_domain::authz::{Action, Actor, Resource, can};
use ipt_domain::ids::{CourseId, SessionId, UserId};
use ipt_domain::rule::{Code, FieldError};
use ipt_domain::supervision::{SupervisorComment, check_supervision};

use crate::access::Access;
use crate::ports::UserRecord;
use crate::{App, AppError, new_id};

impl App {
    /// Comment on a course as its clinician's supervisor (the policy's `CommentAsSupervisor`).
    pub async fn add_supervisor_comment(
        &self,
        actor: &Actor,
        course: CourseId,
        session: Option<&str>,
        text: &str,
    ) -> Result<SupervisorComment, AppError> {
        // The session the comment is about, by id; empty is none.
        let session = match session.map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(raw.parse::<SessionId>().map_err(|_| {
                AppError::Rejected(vec![
                    FieldError::new("session_id", Code::IdInvalid).text("value", raw),
                ])
            })?),
        };
        let c = self.course_with(actor, course, Access::Read).await?;
        let patient = self.patient(actor, c.patient).await?;
        self.authorize(actor, Action::CommentAsSupervisor, &patient)
            .await
            .map_err(|_| AppError::NotFound("course"))?;
        let author = actor.user_id().ok_or(AppError::Forbidden)?;
        let comment = SupervisorComment::new(new_id(), course, session, author, text, self.now());
        let mut refused: Vec<FieldError> = comment
            .as_ref()
            .err()
            .cloned()
            .map(FieldError::from)
            .into_iter()
            .collect();
        if let Some(sid) = session {
            let read = self.audit(
                actor,
                "session.read",
                "course",
                course.as_uuid(),
                Some(c.patient),
            );
            if !self
                .store
                .sessions(course, &read)
                .await?
                .iter()
                .any(|s| s.id == sid)
            {
                refused.push(FieldError::new("session_id", Code::NotInCourse));
            }
        }
        if !refused.is_empty() {
            return Err(AppError::Rejected(refused));
        }
        let comment = comment.map_err(|e| AppError::from(FieldError::from(e)))?;
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

    /// The supervision comments of a course the caller has loaded (its view was read with the
    /// access check), without reading the course again.
    pub async fn supervisor_comments_in(
        &self,
        actor: &Actor,
        view: &crate::CourseView,
    ) -> Result<Vec<SupervisorComment>, AppError> {
        let audit = self.audit(
            actor,
            "supervisor_comment.read",
            "course",
            view.course.id.as_uuid(),
            Some(view.patient.id),
        );
        Ok(self.store.comments(view.course.id, &audit).await?)
    }

    /// Whether `actor` may comment as a supervisor on this loaded course's patient.
    pub async fn may_comment_on(&self, actor: &Actor, view: &crate::CourseView) -> bool {
        self.authorize(actor, Action::CommentAsSupervisor, &view.patient)
            .await
            .is_ok()
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

impl App {
    /// Assign a supervisor to a clinician (or clear it, with `None`), naming the version of the
    /// clinician's account that was read. Only those who manage users may; a supervisor must be
    /// an active supervisor account and only clinicians are supervised (the domain's rule).
    pub async fn assign_supervisor(
        &self,
        actor: &Actor,
        clinician: UserId,
        supervisor: Option<&str>,
        version: Option<i64>,
    ) -> Result<UserRecord, AppError> {
        if !can(actor, Action::ManageUsers, &Resource::User(clinician)).is_allowed() {
            return Err(AppError::Forbidden);
        }
        // The supervisor is named by id; empty is none, anything else not an id is no account.
        let supervisor = match supervisor.map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => raw
                .parse::<UserId>()
                .map(Some)
                .map_err(|_| FieldError::new("supervisor_id", ipt_domain::rule::Code::NoSuchUser)),
        };
        let supervisor = super::versioned(version, supervisor.map_err(|e| vec![e]))?;
        let version = version.unwrap_or_default();
        let account = self
            .store
            .user(clinician)
            .await?
            .ok_or(AppError::NotFound("user"))?;
        let chosen = match supervisor {
            Some(id) => Some(self.store.user(id).await?.ok_or(FieldError::new(
                "supervisor_id",
                ipt_domain::rule::Code::NoSuchUser,
            ))?),
            None => None,
        };
        check_supervision(account.role, chosen.as_ref().map(|s| (s.role, s.active)))
            .map_err(AppError::Rejected)?;
        let audit = self.audit(actor, "user.supervisor", "user", clinician.as_uuid(), None);
        let version = self
            .store
            .set_supervisor(clinician, supervisor, version, &audit)
            .await?;
        Ok(UserRecord {
            supervisor,
            version,
            ..account
        })
    }
}
