//! The initial phase's records of their own: the interpersonal inventory and its snapshots,
//! the timeline's events and mood episodes (tables `inventory_people`,
//! `inventory_snapshots`, `timeline_events`, `mood_episodes`). The indication, formulation
//! and contract are parts of the course row (`courses.rs`).

use ipt_app::ports::StoreError;
use ipt_domain::approx_date::ApproxDate;
use ipt_domain::ids::{InventoryPersonId, MoodEpisodeId, SnapshotId, TimelineEventId};
use ipt_domain::inventory::{
    Alias, ClosenessRing, InventoryNotes, InventoryPerson, InventorySnapshot, SelfExpression,
    SnapshotKind, SnapshotPerson,
};
use ipt_domain::problem_area::AreaKind;
use ipt_domain::timeline::{MoodEpisode, TimelineEvent};
use sqlx::types::Json;
use time::Date;
use uuid::Uuid;

use crate::sealed::Column;
use crate::{DomainRow, Keyring, corrupt, from_code};

/// An approximate date, as its TEXT column holds it.
fn approx(s: &str) -> Result<ApproxDate, StoreError> {
    s.parse().map_err(corrupt)
}

/// The sealed columns of the inventory and the timeline (sealed.rs).
pub const PERSON_ALIAS: Column = ("inventory_people", "alias");
pub const PERSON_NOTES: Column = ("inventory_people", "notes");
pub const SNAPSHOT_PEOPLE: Column = ("inventory_snapshots", "people");
pub const EVENT_DESCRIPTION: Column = ("timeline_events", "description");

/// The inventory in the order it is shown: the patient's own ring (0) last, then by ring,
/// alias and id. Sorted here, after the aliases are opened: the database holds them sealed.
pub fn sort_inventory(people: &mut [InventoryPerson]) {
    people.sort_by(|a, b| {
        let key = |p: &InventoryPerson| (p.ring.number() == 0, p.ring.number());
        key(a)
            .cmp(&key(b))
            .then_with(|| a.alias.as_str().cmp(b.alias.as_str()))
            .then_with(|| a.id.as_uuid().cmp(&b.id.as_uuid()))
    });
}

/// A row of `inventory_people`.
#[derive(sqlx::FromRow)]
pub struct PersonRow {
    id: Uuid,
    alias: String,
    relationship: String,
    ring: i64,
    contact_frequency: String,
    confidant: bool,
    practical_support: bool,
    conflict: String,
    reciprocity: String,
    deceased: bool,
    area_tags: Json<Vec<AreaKind>>,
    notes: String,
    self_expression: Option<i64>,
    version: i64,
}

impl DomainRow for PersonRow {
    type Domain = InventoryPerson;

    fn into_domain(self, keys: &Keyring) -> Result<InventoryPerson, StoreError> {
        let alias = keys.open(PERSON_ALIAS, self.id, &self.alias)?;
        Ok(InventoryPerson {
            id: InventoryPersonId::from_uuid(self.id),
            alias: Alias::parse(&alias).map_err(corrupt)?,
            relationship: from_code("relationship", &self.relationship)?,
            ring: ClosenessRing::new(self.ring as u8).map_err(corrupt)?,
            contact_frequency: self.contact_frequency,
            confidant: self.confidant,
            practical_support: self.practical_support,
            conflict: from_code("conflict", &self.conflict)?,
            reciprocity: from_code("reciprocity", &self.reciprocity)?,
            deceased: self.deceased,
            area_tags: self.area_tags.0,
            self_expression: self
                .self_expression
                .map(|n| {
                    u8::try_from(n)
                        .map_err(|_| corrupt("self-expression rating"))
                        .and_then(|n| SelfExpression::new(n).map_err(corrupt))
                })
                .transpose()?,
            notes: keys.open_json::<InventoryNotes>(PERSON_NOTES, self.id, &self.notes)?,
            version: self.version,
        })
    }
}

/// A row of `inventory_snapshots`.
#[derive(sqlx::FromRow)]
pub struct SnapshotRow {
    id: Uuid,
    kind: String,
    taken_on: Date,
    people: String,
}

impl DomainRow for SnapshotRow {
    type Domain = InventorySnapshot;

    fn into_domain(self, keys: &Keyring) -> Result<InventorySnapshot, StoreError> {
        Ok(InventorySnapshot {
            id: SnapshotId::from_uuid(self.id),
            kind: SnapshotKind::parse(&self.kind).ok_or_else(|| corrupt("snapshot kind"))?,
            taken_on: self.taken_on,
            people: keys.open_json::<Vec<SnapshotPerson>>(
                SNAPSHOT_PEOPLE,
                self.id,
                &self.people,
            )?,
        })
    }
}

/// A row of `timeline_events`.
#[derive(sqlx::FromRow)]
pub struct EventRow {
    id: Uuid,
    event_date: String,
    kind: String,
    person_id: Option<Uuid>,
    description: String,
    version: i64,
}

impl DomainRow for EventRow {
    type Domain = TimelineEvent;

    fn into_domain(self, keys: &Keyring) -> Result<TimelineEvent, StoreError> {
        Ok(TimelineEvent {
            id: TimelineEventId::from_uuid(self.id),
            date: approx(&self.event_date)?,
            kind: from_code("kind", &self.kind)?,
            person: self.person_id.map(InventoryPersonId::from_uuid),
            description: keys.open(EVENT_DESCRIPTION, self.id, &self.description)?,
            version: self.version,
        })
    }
}

/// A row of `mood_episodes`.
#[derive(sqlx::FromRow)]
pub struct EpisodeRow {
    id: Uuid,
    onset: String,
    end_date: Option<String>,
    severity: String,
    is_current: bool,
    version: i64,
}

impl DomainRow for EpisodeRow {
    type Domain = MoodEpisode;

    fn into_domain(self, _: &Keyring) -> Result<MoodEpisode, StoreError> {
        Ok(MoodEpisode {
            id: MoodEpisodeId::from_uuid(self.id),
            onset: approx(&self.onset)?,
            end: self.end_date.as_deref().map(approx).transpose()?,
            severity: from_code("severity", &self.severity)?,
            current: self.is_current,
            version: self.version,
        })
    }
}

/// The statements of the inventory and the timeline, expanded by `impl_store!` into
/// `shared_sql::initial_phase`.
#[doc(hidden)]
#[macro_export]
macro_rules! initial_phase_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod initial_phase {
            use super::*;
            pub(crate) use $crate::initial_phase::*;

            // The interpersonal inventory.

            /// What a person's insert and update both write, in this order.
            fn bind_person(keys: &Keyring, q: Query, p: &InventoryPerson) -> Query {
                let id = p.id.as_uuid();
                q.bind(keys.seal(PERSON_ALIAS, id, p.alias.as_str()))
                    .bind(code(&p.relationship))
                    .bind(p.ring.number() as i64)
                    .bind(&p.contact_frequency)
                    .bind(p.confidant)
                    .bind(p.practical_support)
                    .bind(code(&p.conflict))
                    .bind(code(&p.reciprocity))
                    .bind(p.deceased)
                    .bind(Json(&p.area_tags))
                    .bind(keys.seal_json(PERSON_NOTES, id, &p.notes))
                    .bind(p.self_expression.map(|r| i64::from(r.value())))
            }

            pub(crate) async fn add_person(
                s: &$store,
                course: CourseId,
                p: &InventoryPerson,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO inventory_people (id, course_id, alias, relationship, \
                     ring, contact_frequency, confidant, practical_support, conflict, \
                     reciprocity, deceased, area_tags, notes, self_expression, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                     $14, $15)",
                )
                .bind(p.id.as_uuid())
                .bind(course.as_uuid());
                write_one(s, bind_person(&s.keys, q, p).bind(p.version), a).await
            }

            pub(crate) async fn update_person(
                s: &$store,
                course: CourseId,
                p: &InventoryPerson,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE inventory_people SET alias = $1, relationship = $2, ring = $3, \
                     contact_frequency = $4, confidant = $5, practical_support = $6, \
                     conflict = $7, reciprocity = $8, deceased = $9, area_tags = $10, \
                     notes = $11, self_expression = $12, version = version + 1 \
                     WHERE id = $13 AND course_id = $14 AND version = $15",
                );
                let q = bind_person(&s.keys, q, p)
                    .bind(p.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(p.version);
                let (id, version) = (p.id.as_uuid(), p.version);
                write_versioned(
                    s,
                    q,
                    "inventory_people",
                    "inventory person",
                    id,
                    version,
                    Some(course.as_uuid()),
                    a,
                )
                .await
            }

            pub(crate) async fn delete_person(
                s: &$store,
                course: CourseId,
                id: InventoryPersonId,
                version: i64,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                // Events that name the person keep the event and lose the link.
                sqlx::query(
                    "UPDATE timeline_events SET person_id = NULL \
                     WHERE person_id = $1 AND course_id = $2",
                )
                .bind(id.as_uuid())
                .bind(course.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                let n = sqlx::query(
                    "DELETE FROM inventory_people \
                     WHERE id = $1 AND course_id = $2 AND version = $3",
                )
                .bind(id.as_uuid())
                .bind(course.as_uuid())
                .bind(version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
                if n == 0 {
                    let (table, entity) = ("inventory_people", "inventory person");
                    return Err(refuse(
                        tx,
                        table,
                        entity,
                        id.as_uuid(),
                        version,
                        Some(course.as_uuid()),
                    )
                    .await);
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn inventory(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<InventoryPerson>, StoreError> {
                let q = sqlx::query("SELECT * FROM inventory_people WHERE course_id = $1")
                    .bind(course.as_uuid());
                let mut people = read_all::<PersonRow>(s, q, a).await?;
                sort_inventory(&mut people);
                Ok(people)
            }

            pub(crate) async fn add_snapshot(
                s: &$store,
                course: CourseId,
                snapshot: &InventorySnapshot,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO inventory_snapshots (id, course_id, kind, taken_on, people) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(snapshot.id.as_uuid())
                .bind(course.as_uuid())
                .bind(snapshot.kind.code())
                .bind(snapshot.taken_on)
                .bind(s.keys.seal_json(
                    SNAPSHOT_PEOPLE,
                    snapshot.id.as_uuid(),
                    &snapshot.people,
                ));
                write_one(s, q, a).await
            }

            pub(crate) async fn snapshots(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<InventorySnapshot>, StoreError> {
                let q = sqlx::query(
                    "SELECT * FROM inventory_snapshots WHERE course_id = $1 ORDER BY taken_on, id",
                )
                .bind(course.as_uuid());
                read_all::<SnapshotRow>(s, q, a).await
            }

            // The timeline.

            /// What an event's insert and update both write, in this order.
            fn bind_event(keys: &Keyring, q: Query, e: &TimelineEvent) -> Query {
                q.bind(e.date.to_string())
                    .bind(e.date.midpoint())
                    .bind(e.kind.code())
                    .bind(e.person.map(|p| p.as_uuid()))
                    .bind(keys.seal(EVENT_DESCRIPTION, e.id.as_uuid(), &e.description))
            }

            pub(crate) async fn add_event(
                s: &$store,
                course: CourseId,
                e: &TimelineEvent,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO timeline_events (id, course_id, event_date, sort_date, \
                     kind, person_id, description, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(e.id.as_uuid())
                .bind(course.as_uuid());
                write_one(s, bind_event(&s.keys, q, e).bind(e.version), a).await
            }

            pub(crate) async fn update_event(
                s: &$store,
                course: CourseId,
                e: &TimelineEvent,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE timeline_events SET event_date = $1, sort_date = $2, kind = $3, \
                     person_id = $4, description = $5, version = version + 1 \
                     WHERE id = $6 AND course_id = $7 AND version = $8",
                );
                let q = bind_event(&s.keys, q, e)
                    .bind(e.id.as_uuid())
                    .bind(course.as_uuid())
                    .bind(e.version);
                let (id, version) = (e.id.as_uuid(), e.version);
                write_versioned(
                    s,
                    q,
                    "timeline_events",
                    "timeline event",
                    id,
                    version,
                    Some(course.as_uuid()),
                    a,
                )
                .await
            }

            pub(crate) async fn delete_event(
                s: &$store,
                course: CourseId,
                id: TimelineEventId,
                version: i64,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "DELETE FROM timeline_events WHERE id = $1 AND course_id = $2 AND version = $3",
                )
                .bind(id.as_uuid())
                .bind(course.as_uuid())
                .bind(version);
                let (table, entity) = ("timeline_events", "timeline event");
                write_versioned(
                    s,
                    q,
                    table,
                    entity,
                    id.as_uuid(),
                    version,
                    Some(course.as_uuid()),
                    a,
                )
                .await
                .map(|_| ())
            }

            pub(crate) async fn add_episode(
                s: &$store,
                course: CourseId,
                e: &MoodEpisode,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                sqlx::query(
                    "INSERT INTO mood_episodes (id, course_id, onset, end_date, severity, \
                     is_current, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(e.id.as_uuid())
                .bind(course.as_uuid())
                .bind(e.onset.to_string())
                .bind(e.end.map(|d| d.to_string()))
                .bind(e.severity.code())
                .bind(e.current)
                .bind(e.version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                // After the insert: clearing appends audit rows, and those come last (the
                // audit chain's lock, see audit.rs).
                if e.current {
                    clear_current(&mut tx, course, e.id, a).await?;
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn update_episode(
                s: &$store,
                course: CourseId,
                e: &MoodEpisode,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE mood_episodes SET onset = $1, end_date = $2, severity = $3, \
                     is_current = $4, version = version + 1 \
                     WHERE id = $5 AND course_id = $6 AND version = $7",
                )
                .bind(e.onset.to_string())
                .bind(e.end.map(|d| d.to_string()))
                .bind(e.severity.code())
                .bind(e.current)
                .bind(e.id.as_uuid())
                .bind(course.as_uuid())
                .bind(e.version);
                let (id, version) = (e.id.as_uuid(), e.version);
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                if q.execute(&mut *tx).await.map_err(map_err)?.rows_affected() == 0 {
                    return Err(refuse(
                        tx,
                        "mood_episodes",
                        "mood episode",
                        id,
                        version,
                        Some(course.as_uuid()),
                    )
                    .await);
                }
                if e.current {
                    clear_current(&mut tx, course, e.id, a).await?;
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await?;
                Ok(version + 1)
            }

            /// Only one episode is the current one: clear the mark on the course's others, in
            /// the caller's transaction, with an audit row (like `a`) for each one changed.
            async fn clear_current(
                tx: &mut Tx<'_>,
                course: CourseId,
                except: MoodEpisodeId,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let cleared: Vec<Uuid> = sqlx::query_scalar(
                    "UPDATE mood_episodes SET is_current = $1, version = version + 1 \
                     WHERE course_id = $2 AND is_current = $3 AND id <> $4 RETURNING id",
                )
                .bind(false)
                .bind(course.as_uuid())
                .bind(true)
                .bind(except.as_uuid())
                .fetch_all(&mut **tx)
                .await
                .map_err(map_err)?;
                let rows: Vec<AuditEvent> = cleared
                    .into_iter()
                    .map(|other| AuditEvent {
                        id: Uuid::now_v7().into(),
                        entity_id: other,
                        ..a.clone()
                    })
                    .collect();
                audit::write_many(tx, &rows.iter().collect::<Vec<_>>()).await
            }

            pub(crate) async fn timeline(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Timeline, StoreError> {
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let events = sqlx::query(
                    "SELECT * FROM timeline_events WHERE course_id = $1 ORDER BY sort_date, id",
                )
                .bind(course.as_uuid())
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
                let episodes = sqlx::query(
                    "SELECT * FROM mood_episodes WHERE course_id = $1 ORDER BY onset, id",
                )
                .bind(course.as_uuid())
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
                finish(tx).await?;
                audit::after_read(s, vec![a.clone()]).await?;
                Ok(Timeline {
                    events: EventRow::decode_all(&events, &s.keys)?,
                    episodes: EpisodeRow::decode_all(&episodes, &s.keys)?,
                })
            }
        }
    };
}
