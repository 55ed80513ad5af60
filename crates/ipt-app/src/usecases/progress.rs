//! The progress charts of a course (measurement-based care): everything the charts draw, read
//! in one go with the same access check as the course page. A user who may not read the course
//! is answered "not found", exactly as for a missing one.

use ipt_domain::authz::Actor;
use ipt_domain::diary::DiaryEntry;
use ipt_domain::ids::CourseId;

use crate::{App, AppError, CourseView};

/// What the progress page draws: the course with its scores, sessions, timeline, goals and
/// inventory snapshots, and the patient's mood diary.
#[derive(Debug, Clone)]
pub struct CourseProgress {
    pub view: CourseView,
    /// Oldest day first; empty when the patient keeps no diary.
    pub diary: Vec<DiaryEntry>,
}

impl App {
    /// Load a course's progress for charts. Every read is audited, the diary included.
    pub async fn course_progress(
        &self,
        actor: &Actor,
        id: CourseId,
    ) -> Result<CourseProgress, AppError> {
        let view = self.course_view(actor, id).await?;
        let audit = self.audit(
            actor,
            "diary.read",
            "course",
            id.as_uuid(),
            Some(view.patient.id),
        );
        let diary = self.store.diary_entries(id, &audit).await?;
        Ok(CourseProgress { view, diary })
    }
}
