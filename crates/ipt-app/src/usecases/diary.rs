//! The interpersonal mood diary, for the patient on the portal and for the clinician in the
//! course workspace.
//!
//! A patient writes one entry per day: a mood from 0 to 10, the people they spent time with
//! (chosen from their inventory by alias, or added by name) and how each contact went. Writing
//! a day that already has an entry edits it, with the version that was read, so two devices
//! never overwrite each other silently. The clinician reads the same entries and the same
//! "people and mood" summary; neither side is told that a person causes a mood.

use ipt_domain::authz::Actor;
use ipt_domain::course::Course;
use ipt_domain::diary::{
    DiaryEntry, DiaryError, DiaryMood, Interaction, InteractionQuality, PersonMood, people_and_mood,
};
use ipt_domain::ids::{CourseId, InventoryPersonId};
use ipt_domain::inventory::InventoryPerson;
use ipt_domain::patient::Patient;
use time::Date;

use crate::access::Access;
use crate::ports::StoreError;
use crate::usecases::portal::PortalPatient;
use crate::{App, AppError, new_id};

/// Someone the patient can choose in the diary form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiaryPerson {
    /// The inventory person, or None for someone the patient added by name before.
    pub person: Option<InventoryPersonId>,
    pub alias: String,
}

/// One contact as the patient entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiaryContact {
    pub person: Option<InventoryPersonId>,
    /// Ignored for an inventory person (their alias is copied from the inventory).
    pub alias: String,
    pub quality: InteractionQuality,
    /// The optional "how easy was it to say what you needed?" (0–4).
    pub self_expression: Option<ipt_domain::inventory::SelfExpression>,
}

/// A day of the diary as the patient wrote it, before it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiaryDraft {
    pub date: Date,
    pub mood: DiaryMood,
    pub contacts: Vec<DiaryContact>,
    pub note: String,
    /// The version of the entry that was read; None when the day was empty.
    pub version: Option<i64>,
}

/// The diary of a course, with what the forms and the summary need.
#[derive(Debug, Clone)]
pub struct DiaryView {
    pub course: Course,
    /// Oldest day first.
    pub entries: Vec<DiaryEntry>,
    /// The people to choose from: living inventory people, then people added by name.
    pub people: Vec<DiaryPerson>,
    pub summary: Vec<PersonMood>,
    /// New entries can be written (the course is open).
    pub writable: bool,
}

impl DiaryView {
    pub fn entry_on(&self, date: Date) -> Option<&DiaryEntry> {
        self.entries.iter().find(|e| e.date == date)
    }
}

/// Why a diary entry was not saved.
#[derive(Debug, thiserror::Error)]
pub enum DiarySaveError {
    /// The entry itself does not make sense (a future day, a long note …).
    #[error(transparent)]
    Entry(#[from] DiaryError),
    /// The course has ended: its diary can be read, not written.
    #[error("the course has ended; its diary can no longer be changed")]
    Closed,
    /// Not found, changed meanwhile (`Conflict`), storage trouble …
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for DiarySaveError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

/// The latest day a diary entry may be written for. The server's clock is UTC while patients
/// write in their own local day, which can already be tomorrow in UTC terms (up to 14 hours
/// east), so one day of slack is allowed; anything later is refused as a day not yet come.
pub fn latest_diary_day(today_utc: Date) -> Date {
    today_utc.next_day().unwrap_or(today_utc)
}

/// The people to choose from: inventory people who are alive (the diary is about time spent
/// together), then everyone the patient added by name on earlier days, each once.
fn people_to_choose(inventory: &[InventoryPerson], entries: &[DiaryEntry]) -> Vec<DiaryPerson> {
    let mut people: Vec<DiaryPerson> = inventory
        .iter()
        .filter(|p| !p.deceased)
        .map(|p| DiaryPerson {
            person: Some(p.id),
            alias: p.alias.as_str().to_string(),
        })
        .collect();
    let mut added: Vec<DiaryPerson> = vec![];
    // Newest first, so the latest spelling of a name is kept.
    for e in entries.iter().rev() {
        for i in e.interactions.iter().filter(|i| i.person.is_none()) {
            let alias = i.alias.trim();
            let key = alias.to_lowercase();
            if alias.is_empty()
                || people.iter().any(|p| p.alias.to_lowercase() == key)
                || added.iter().any(|p| p.alias.to_lowercase() == key)
            {
                continue;
            }
            added.push(DiaryPerson {
                person: None,
                alias: alias.to_string(),
            });
        }
    }
    added.sort_by_key(|p| p.alias.to_lowercase());
    people.extend(added);
    people
}

/// Turn what the patient entered into interactions: an inventory person must be a living
/// person of this course's inventory (any other id answers "not found") and keeps the
/// inventory's alias; a name typed in that matches someone in the inventory is linked to them.
fn resolve(
    inventory: &[InventoryPerson],
    contacts: &[DiaryContact],
) -> Result<Vec<Interaction>, AppError> {
    contacts
        .iter()
        .map(|c| match c.person {
            Some(id) => inventory
                .iter()
                .find(|p| p.id == id && !p.deceased)
                .map(|p| Interaction {
                    person: Some(p.id),
                    alias: p.alias.as_str().to_string(),
                    quality: c.quality,
                    self_expression: c.self_expression,
                })
                .ok_or(AppError::NotFound("inventory person")),
            None => {
                let alias = c.alias.trim();
                let known = inventory.iter().find(|p| {
                    !p.deceased && p.alias.as_str().to_lowercase() == alias.to_lowercase()
                });
                Ok(Interaction {
                    person: known.map(|p| p.id),
                    alias: known
                        .map(|p| p.alias.as_str().to_string())
                        .unwrap_or_else(|| alias.to_string()),
                    quality: c.quality,
                    self_expression: c.self_expression,
                })
            }
        })
        .collect()
}

impl App {
    /// The patient's diary for the portal: their current course's entries, the people to choose
    /// from and the summary. None when they have no course yet.
    pub async fn portal_diary(&self, who: &PortalPatient) -> Result<Option<DiaryView>, AppError> {
        let Some(course) = self.portal_course(who).await? else {
            return Ok(None);
        };
        let id = course.id.as_uuid();
        let inventory = self
            .store
            .inventory(
                course.id,
                &self.portal_audit(who, "inventory.read", "course", id),
            )
            .await?;
        let entries = self
            .store
            .diary_entries(
                course.id,
                &self.portal_audit(who, "diary.read", "course", id),
            )
            .await?;
        Ok(Some(DiaryView {
            people: people_to_choose(&inventory, &entries),
            summary: people_and_mood(&entries),
            writable: course.status.is_open(),
            entries,
            course,
        }))
    }

    /// Write a day of the patient's diary: a new entry when the day is empty, else an edit of
    /// the entry with the version that was read. A stale version is refused with `Conflict` and
    /// nothing is saved; the caller keeps what was typed.
    pub async fn portal_save_diary(
        &self,
        who: &PortalPatient,
        draft: DiaryDraft,
    ) -> Result<DiaryEntry, DiarySaveError> {
        let course = self
            .portal_course(who)
            .await?
            .ok_or(AppError::NotFound("course"))?;
        if !course.status.is_open() {
            return Err(DiarySaveError::Closed);
        }
        let id = course.id.as_uuid();
        let inventory = self
            .store
            .inventory(
                course.id,
                &self.portal_audit(who, "inventory.read", "course", id),
            )
            .await?;
        let interactions = resolve(&inventory, &draft.contacts)?;
        let entries = self
            .store
            .diary_entries(
                course.id,
                &self.portal_audit(who, "diary.read", "course", id),
            )
            .await?;
        let existing = entries.iter().find(|e| e.date == draft.date);
        let mut entry = DiaryEntry {
            id: existing.map(|e| e.id).unwrap_or_else(new_id),
            course: course.id,
            patient: who.id(),
            date: draft.date,
            mood: draft.mood,
            interactions,
            note: draft.note.trim().to_string(),
            recorded_at: self.now(),
            version: 1,
        };
        entry.check(latest_diary_day(self.today()))?;
        match (existing, draft.version) {
            (None, _) => {
                let audit =
                    self.portal_audit(who, "diary.create", "diary_entry", entry.id.as_uuid());
                match self.store.add_diary_entry(&entry, &audit).await {
                    Ok(()) => Ok(entry),
                    // Written from another device in the meantime.
                    Err(StoreError::Duplicate(_)) => Err(AppError::Conflict {
                        what: "diary entry",
                        expected: draft.version.unwrap_or(0),
                        actual: 1,
                    }
                    .into()),
                    Err(e) => Err(e.into()),
                }
            }
            (Some(saved), read) if read != Some(saved.version) => Err(AppError::Conflict {
                what: "diary entry",
                expected: read.unwrap_or(0),
                actual: saved.version,
            }
            .into()),
            (Some(saved), _) => {
                entry.version = saved.version;
                let audit =
                    self.portal_audit(who, "diary.update", "diary_entry", entry.id.as_uuid());
                entry.version = self.store.update_diary_entry(&entry, &audit).await?;
                Ok(entry)
            }
        }
    }

    /// A course's diary for the clinician's workspace: whoever may read the course reads its
    /// diary; anyone else gets "not found".
    pub async fn course_diary(
        &self,
        actor: &Actor,
        id: CourseId,
    ) -> Result<(Patient, DiaryView), AppError> {
        let course = self.course_with(actor, id, Access::Read).await?;
        let patient = self.patient(actor, course.patient).await?;
        let pid = Some(course.patient);
        let inventory = self
            .store
            .inventory(
                id,
                &self.audit(actor, "inventory.read", "course", id.as_uuid(), pid),
            )
            .await?;
        let entries = self
            .store
            .diary_entries(
                id,
                &self.audit(actor, "diary.read", "course", id.as_uuid(), pid),
            )
            .await?;
        Ok((
            patient,
            DiaryView {
                people: people_to_choose(&inventory, &entries),
                summary: people_and_mood(&entries),
                writable: false,
                entries,
                course,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipt_domain::ids::{CourseId, DiaryEntryId, PatientId};
    use ipt_domain::inventory::{Alias, ClosenessRing, RelationshipKind};
    use time::macros::{date, datetime};

    fn person(alias: &str, deceased: bool) -> InventoryPerson {
        InventoryPerson {
            id: new_id(),
            alias: Alias::parse(alias).unwrap(),
            relationship: RelationshipKind::Friend,
            ring: ClosenessRing::Middle,
            contact_frequency: String::new(),
            confidant: false,
            practical_support: false,
            conflict: Default::default(),
            reciprocity: Default::default(),
            deceased,
            area_tags: vec![],
            self_expression: None,
            notes: Default::default(),
            version: 1,
        }
    }

    fn entry(d: Date, people: &[(Option<InventoryPersonId>, &str)]) -> DiaryEntry {
        DiaryEntry {
            id: DiaryEntryId::from(uuid::Uuid::nil()),
            course: CourseId::from(uuid::Uuid::nil()),
            patient: PatientId::from(uuid::Uuid::nil()),
            date: d,
            mood: DiaryMood::new(5).unwrap(),
            interactions: people
                .iter()
                .map(|(id, a)| Interaction {
                    person: *id,
                    alias: a.to_string(),
                    quality: InteractionQuality::new(0).unwrap(),
                    self_expression: None,
                })
                .collect(),
            note: String::new(),
            recorded_at: datetime!(2026-03-01 20:00 UTC),
            version: 1,
        }
    }

    #[test]
    fn the_people_to_choose_are_the_living_inventory_then_names_added_before() {
        let sam = person("Sam", false);
        let gran = person("Gran", true);
        let entries = vec![
            entry(
                date!(2026 - 03 - 01),
                &[(None, "zoe"), (Some(sam.id), "Sam")],
            ),
            entry(
                date!(2026 - 03 - 02),
                &[(None, "Zoe"), (None, "sam"), (None, "Ada")],
            ),
        ];
        let people = people_to_choose(&[sam.clone(), gran], &entries);
        let aliases: Vec<&str> = people.iter().map(|p| p.alias.as_str()).collect();
        assert_eq!(aliases, ["Sam", "Ada", "Zoe"], "no deceased, no repeats");
        assert_eq!(people[0].person, Some(sam.id));
        assert_eq!(people[2].person, None);
    }

    #[test]
    fn contacts_resolve_against_the_inventory_only() {
        let sam = person("Sam", false);
        let gran = person("Gran", true);
        let q = InteractionQuality::new(1).unwrap();
        let typed = resolve(
            std::slice::from_ref(&sam),
            &[DiaryContact {
                person: None,
                alias: " sam ".into(),
                quality: q,
                self_expression: None,
            }],
        )
        .unwrap();
        assert_eq!(typed[0].person, Some(sam.id), "a typed name is linked");
        assert_eq!(typed[0].alias, "Sam");
        for id in [gran.id, new_id()] {
            let r = resolve(
                &[sam.clone(), gran.clone()],
                &[DiaryContact {
                    person: Some(id),
                    alias: "anything".into(),
                    quality: q,
                    self_expression: None,
                }],
            );
            assert!(matches!(r, Err(AppError::NotFound(_))));
        }
    }

    #[test]
    fn one_day_of_slack_for_time_zones() {
        assert_eq!(
            latest_diary_day(date!(2026 - 03 - 31)),
            date!(2026 - 04 - 01)
        );
    }
}
