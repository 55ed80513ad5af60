//! Use cases of the interpersonal timeline read from what a door was given: the core reads the
//! event (`TimelineEventInput`, against the course's inventory and today) or the episode
//! (`MoodEpisodeInput`) and either names every wrong field or writes it with its audit row.

use ipt_domain::authz::Actor;
use ipt_domain::ids::{InventoryPersonId, MoodEpisodeId, TimelineEventId};
use ipt_domain::timeline::{MoodEpisode, MoodEpisodeInput, TimelineEvent, TimelineEventInput};

use super::versioned;
use crate::access::WritableCourse;
use crate::{App, AppError, new_id};

impl App {
    /// The ids of the course's inventory, read once, when an event names someone.
    async fn inventory_ids(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        input: &TimelineEventInput,
    ) -> Result<Vec<InventoryPersonId>, AppError> {
        if input
            .person_id
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
        {
            return Ok(vec![]);
        }
        let read = self.audit(
            actor,
            "inventory.read",
            "inventory",
            course.id.as_uuid(),
            Some(course.patient),
        );
        Ok(self
            .store
            .inventory(course.id, &read)
            .await?
            .iter()
            .map(|p| p.id)
            .collect())
    }

    /// Add a life event to the timeline.
    pub async fn enter_event(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        input: &TimelineEventInput,
    ) -> Result<TimelineEvent, AppError> {
        let people = self.inventory_ids(actor, course, input).await?;
        let event = input
            .read(new_id(), 1, &people, self.today())
            .map_err(AppError::Rejected)?;
        let audit = self.audit(
            actor,
            "timeline_event.create",
            "timeline_event",
            event.id.as_uuid(),
            Some(course.patient),
        );
        self.store.add_event(course.id, &event, &audit).await?;
        Ok(event)
    }

    /// Correct a life event; `version` is the one the user opened (a stale one is a
    /// `Conflict`, checked by the store in the write's transaction).
    pub async fn correct_event(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        id: TimelineEventId,
        version: Option<i64>,
        input: &TimelineEventInput,
    ) -> Result<TimelineEvent, AppError> {
        let people = self.inventory_ids(actor, course, input).await?;
        let read = input.read(id, version.unwrap_or(0), &people, self.today());
        let mut event = versioned(version, read)?;
        let audit = self.audit(
            actor,
            "timeline_event.update",
            "timeline_event",
            event.id.as_uuid(),
            Some(course.patient),
        );
        event.version = self.store.update_event(course.id, &event, &audit).await?;
        Ok(event)
    }

    /// Add a mood episode to the timeline.
    pub async fn enter_episode(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        input: &MoodEpisodeInput,
    ) -> Result<MoodEpisode, AppError> {
        let episode = input
            .read(new_id(), 0, self.today())
            .map_err(AppError::Rejected)?;
        self.add_episode(actor, course.id, episode).await
    }

    /// Correct a mood episode; marking it current clears the mark on the others.
    pub async fn correct_episode(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        id: MoodEpisodeId,
        version: Option<i64>,
        input: &MoodEpisodeInput,
    ) -> Result<MoodEpisode, AppError> {
        let read = input.read(id, version.unwrap_or(0), self.today());
        let episode = versioned(version, read)?;
        self.update_episode(actor, course.id, episode).await
    }
}
