//! Long lists read a page at a time (#15): a course's assessments, sessions and supervision
//! comments, and a patient's courses, for the API (and every later door) to list without
//! reading them all.

use std::future::Future;

use ipt_domain::assessment::Assessment;
use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::ids::{CourseId, PatientId};
use ipt_domain::session::TherapySession;
use ipt_domain::supervision::SupervisorComment;

use crate::access::Access;
use crate::paging::{ListKind, Page, PageRequest, Position};
use crate::ports::{AuditEvent, StoreError};
use crate::{App, AppError};

const ASSESSMENTS: CourseList = CourseList {
    kind: ListKind::Assessments,
    action: "assessment.list",
};
const SESSIONS: CourseList = CourseList {
    kind: ListKind::Sessions,
    action: "session.list",
};
const COMMENTS: CourseList = CourseList {
    kind: ListKind::Comments,
    action: "supervisor_comment.read",
};

/// A list of a course's records: which list it is, and the audit action of reading a page.
struct CourseList {
    kind: ListKind,
    action: &'static str,
}

impl App {
    /// One page of the list `list` of a course the actor may read: the caller's `limit` and
    /// `after` checked first, then the course, then `read` (given where to start and how many
    /// rows to read: one more than the page, to know whether another follows) under the list's
    /// audit event, naming the course and its patient.
    async fn course_page<T, Fut>(
        &self,
        actor: &Actor,
        course: CourseId,
        CourseList { kind, action }: CourseList,
        (limit, after): (Option<&str>, Option<&str>),
        read: impl FnOnce(Option<Position>, u32, AuditEvent) -> Fut,
        position: impl Fn(&T) -> Position,
    ) -> Result<(Course, Page<T>), AppError>
    where
        Fut: Future<Output = Result<Vec<T>, StoreError>>,
    {
        let req = PageRequest::parse(kind, limit, after).map_err(AppError::Rejected)?;
        let c = self.course_with(actor, course, Access::Read).await?;
        let audit = self.audit(actor, action, "course", course.as_uuid(), Some(c.patient));
        let rows = read(req.after, req.limit + 1, audit).await?;
        Ok((c, Page::of(rows, kind, req.limit, position)))
    }

    /// One page of a course's assessments, oldest first (by administration time, then id).
    /// `limit` and `after` are what the caller sent (`paging::PageRequest::parse`).
    pub async fn course_assessments_page(
        &self,
        actor: &Actor,
        course: CourseId,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<Page<Assessment>, AppError> {
        let read = |from: Option<Position>, n, audit: AuditEvent| async move {
            let from = from
                .and_then(Position::timed)
                .map(|(at, id)| (at, id.into()));
            self.store.assessments_page(course, from, n, &audit).await
        };
        let at = |x: &Assessment| Position::Timed {
            at: x.administered_at,
            id: x.id.as_uuid(),
        };
        let (_, page) = self
            .course_page(actor, course, ASSESSMENTS, (limit, after), read, at)
            .await?;
        Ok(page)
    }

    /// One page of a course's sessions, by number, with the course (where each session
    /// stands in its plan).
    pub async fn course_sessions_page(
        &self,
        actor: &Actor,
        course: CourseId,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<(Course, Page<TherapySession>), AppError> {
        let read = |from: Option<Position>, n, audit: AuditEvent| async move {
            let from = match from {
                Some(Position::Session { number }) => Some(number),
                _ => None,
            };
            self.store.sessions_page(course, from, n, &audit).await
        };
        let at = |s: &TherapySession| Position::Session {
            number: s.number.get(),
        };
        self.course_page(actor, course, SESSIONS, (limit, after), read, at)
            .await
    }

    /// One page of a course's supervision comments, oldest first, for everyone who may read
    /// the course.
    pub async fn course_comments_page(
        &self,
        actor: &Actor,
        course: CourseId,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<Page<SupervisorComment>, AppError> {
        let read = |from: Option<Position>, n, audit: AuditEvent| async move {
            let from = from
                .and_then(Position::timed)
                .map(|(at, id)| (at, id.into()));
            self.store.comments_page(course, from, n, &audit).await
        };
        let at = |x: &SupervisorComment| Position::Timed {
            at: x.written_at,
            id: x.id.as_uuid(),
        };
        let (_, page) = self
            .course_page(actor, course, COMMENTS, (limit, after), read, at)
            .await?;
        Ok(page)
    }

    /// One page of a patient's courses, oldest first (by start date, then id).
    pub async fn patient_courses_page(
        &self,
        actor: &Actor,
        patient: PatientId,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<Page<Course>, AppError> {
        let kind = ListKind::Courses;
        let req = PageRequest::parse(kind, limit, after).map_err(AppError::Rejected)?;
        let p = self.patient(actor, patient).await?;
        let audit = self.audit(actor, "course.list", "patient", p.id.as_uuid(), Some(p.id));
        let after = req
            .after
            .and_then(Position::dated)
            .map(|(on, id)| (on, id.into()));
        let rows = self
            .store
            .courses_page(p.id, after, req.limit + 1, &audit)
            .await?;
        Ok(Page::of(rows, kind, req.limit, |c| Position::Dated {
            on: c.started_on,
            id: c.id.as_uuid(),
        }))
    }
}
