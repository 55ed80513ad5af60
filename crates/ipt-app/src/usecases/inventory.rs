//! Use cases of the interpersonal inventory read from what a door was given: the core reads
//! the person (`InventoryPersonInput`) and either names every wrong field or writes it, with its
//! audit row, on a course already loaded for writing.

use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::ids::{CourseId, InventoryPersonId};
use ipt_domain::inventory::{
    InventoryGlobalsInput, InventoryPerson, InventoryPersonInput, SnapshotKind,
};

use super::versioned;
use crate::access::WritableCourse;
use crate::{App, AppError, new_id};

impl App {
    /// Add a person to the inventory.
    pub async fn enter_person(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        input: &InventoryPersonInput,
    ) -> Result<InventoryPerson, AppError> {
        let person = input.read(new_id(), 1).map_err(AppError::Rejected)?;
        let audit = self.audit(
            actor,
            "inventory_person.create",
            "inventory_person",
            person.id.as_uuid(),
            Some(course.patient),
        );
        self.store.add_person(course.id, &person, &audit).await?;
        Ok(person)
    }

    /// Correct a person of the inventory. `version` is the one the user opened: a missing one
    /// is refused with the other fields; a stale one is a `Conflict`, and a person removed
    /// meanwhile is `NotFound` (the store checks both in the write's transaction).
    pub async fn correct_person(
        &self,
        actor: &Actor,
        course: &WritableCourse,
        id: InventoryPersonId,
        version: Option<i64>,
        input: &InventoryPersonInput,
    ) -> Result<InventoryPerson, AppError> {
        let read = input.read(id, version.unwrap_or(0));
        let mut person = versioned(version, read)?;
        let audit = self.audit(
            actor,
            "inventory_person.update",
            "inventory_person",
            person.id.as_uuid(),
            Some(course.patient),
        );
        person.version = self.store.update_person(course.id, &person, &audit).await?;
        Ok(person)
    }

    /// Record the inventory's global fields at the start or at the end of the course, over the
    /// course version the user opened (all fields empty clears that point).
    pub async fn enter_inventory_globals(
        &self,
        actor: &Actor,
        id: CourseId,
        kind: SnapshotKind,
        version: Option<i64>,
        input: &InventoryGlobalsInput,
    ) -> Result<Course, AppError> {
        let globals = versioned(version, input.read(self.today()))?;
        self.edit_course(actor, id, version, "course.inventory_globals", |c, _| {
            c.inventory_globals.set(kind, globals);
            Ok(())
        })
        .await
    }
}
