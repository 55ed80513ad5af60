//! A course's long lists read a page at a time (#15): its assessments and its sessions, for
//! the API (and every later door) to list without reading them all.

use ipt_domain::assessment::Assessment;
use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::ids::CourseId;
use ipt_domain::session::TherapySession;

use crate::access::Access;
use crate::paging::{ListKind, Page, PageRequest, Position};
use crate::{App, AppError};

impl App {
    /// One page of a course's assessments, oldest first (by administration time, then id).
    /// `limit` and `after` are what the caller sent (`paging::PageRequest::parse`).
    pub async fn course_assessments_page(
        &self,
        actor: &Actor,
        course: CourseId,
        limit: Option<&str>,
        after: Option<&str>,
    ) -> Result<Page<Assessment>, AppError> {
        let req =
            PageRequest::parse(ListKind::Assessments, limit, after).map_err(AppError::Rejected)?;
        let c = self.course_with(actor, course, Access::Read).await?;
        let audit = self.audit(
            actor,
            "assessment.list",
            "course",
            course.as_uuid(),
            Some(c.patient),
        );
        let after = match req.after {
            Some(Position::Assessment { at, id }) => Some((at, id.into())),
            _ => None,
        };
        let rows = self
            .store
            .assessments_page(course, after, req.limit + 1, &audit)
            .await?;
        Ok(Page::of(rows, req.limit, |x| Position::Assessment {
            at: x.administered_at,
            id: x.id.as_uuid(),
        }))
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
        let req =
            PageRequest::parse(ListKind::Sessions, limit, after).map_err(AppError::Rejected)?;
        let c = self.course_with(actor, course, Access::Read).await?;
        let audit = self.audit(
            actor,
            "session.list",
            "course",
            course.as_uuid(),
            Some(c.patient),
        );
        let after = match req.after {
            Some(Position::Session { number }) => Some(number),
            _ => None,
        };
        let rows = self
            .store
            .sessions_page(course, after, req.limit + 1, &audit)
            .await?;
        let page = Page::of(rows, req.limit, |s| Position::Session {
            number: s.number.get(),
        });
        Ok((c, page))
    }
}
