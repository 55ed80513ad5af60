//! Therapy sessions and the course's goals: tables `therapy_sessions` and `goals`. A session's
//! risk alert and mood rating are written with it (`assessments.rs` has their statements).

use ipt_app::ports::StoreError;
use ipt_domain::course::Goal;
use ipt_domain::ids::{CourseId, GoalId, SessionId};
use ipt_domain::problem_area::Strategy;
use ipt_domain::protocol::{ChecklistItem, PhaseTask};
use ipt_domain::session::{RiskReview, SessionNumber, SessionPhase, Technique, TherapySession};
use sqlx::types::Json;
use time::Date;
use uuid::Uuid;

use crate::sealed::Column;
use crate::{DomainRow, Keyring, corrupt, from_code};

/// Every column of `therapy_sessions`, in the order `INSERT` binds them.
macro_rules! columns {
    () => {
        "id, course_id, number, session_date, phase, phase_override_reason, modality, \
         attendance, special, techniques, strategies, tasks_done, checklist, interval_events, \
         agreed_actions, risk_reviewed, risk_concern, risk_note, notes, next_date, version"
    };
}

pub const INSERT: &str = concat!(
    "INSERT INTO therapy_sessions (",
    columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
     $18, $19, $20, $21)"
);

/// A changed session: what `bind_session` binds, then its id and the version read.
pub const UPDATE: &str = "UPDATE therapy_sessions SET number = $1, session_date = $2, \
     phase = $3, phase_override_reason = $4, modality = $5, attendance = $6, special = $7, \
     techniques = $8, strategies = $9, tasks_done = $10, checklist = $11, interval_events = $12, \
     agreed_actions = $13, risk_reviewed = $14, risk_concern = $15, risk_note = $16, \
     notes = $17, next_date = $18, version = version + 1 WHERE id = $19 AND version = $20";

pub const OF_COURSE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM therapy_sessions WHERE course_id = $1 ORDER BY number"
);

/// A page of a course's sessions: the first `$2`, or (`PAGE_AFTER`) those after number `$3`.
pub const PAGE_FIRST: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM therapy_sessions WHERE course_id = $1 ORDER BY number LIMIT $2"
);
pub const PAGE_AFTER: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM therapy_sessions WHERE course_id = $1 AND number > $3 ORDER BY number LIMIT $2"
);

/// What the caseload reads of a session (`caseload::SESSIONS`): what it counts and dates.
#[derive(sqlx::FromRow)]
pub struct SessionSummaryRow {
    id: Uuid,
    course_id: Uuid,
    number: i64,
    session_date: Date,
    phase: String,
    modality: String,
    attendance: String,
    special: Option<String>,
    risk_reviewed: bool,
    risk_concern: bool,
    next_date: Option<Date>,
    version: i64,
}

impl DomainRow for SessionSummaryRow {
    type Domain = TherapySession;

    /// The session without its clinical content, which is left empty (`CaseloadRecord`).
    fn into_domain(self, _: &Keyring) -> Result<TherapySession, StoreError> {
        Ok(TherapySession {
            id: SessionId::from_uuid(self.id),
            course: CourseId::from_uuid(self.course_id),
            number: SessionNumber::new(self.number as u16).map_err(corrupt)?,
            date: self.session_date,
            phase: SessionPhase {
                phase: from_code("phase", &self.phase)?,
                override_reason: None,
            },
            modality: from_code("modality", &self.modality)?,
            attendance: from_code("attendance", &self.attendance)?,
            special: self.special.map(|s| from_code("special", &s)).transpose()?,
            techniques: vec![],
            strategies: vec![],
            tasks_done: vec![],
            checklist: vec![],
            interval_events: String::new(),
            agreed_actions: String::new(),
            risk_review: RiskReview {
                reviewed: self.risk_reviewed,
                concern: self.risk_concern,
                note: String::new(),
            },
            notes: String::new(),
            next_date: self.next_date,
            version: self.version,
        })
    }
}

/// A sealed column of `therapy_sessions`.
pub const fn session_col(name: &'static str) -> Column {
    ("therapy_sessions", name)
}

/// The sealed column of `goals`.
pub const GOAL_DESCRIPTION: Column = ("goals", "description");

/// A whole row of `therapy_sessions`: its free text sealed (sealed.rs).
#[derive(sqlx::FromRow)]
pub struct SessionRow {
    #[sqlx(flatten)]
    summary: SessionSummaryRow,
    phase_override_reason: Option<String>,
    techniques: Json<Vec<Technique>>,
    strategies: Json<Vec<Strategy>>,
    tasks_done: Json<Vec<PhaseTask>>,
    checklist: Json<Vec<ChecklistItem>>,
    interval_events: String,
    agreed_actions: String,
    risk_note: String,
    notes: String,
}

impl DomainRow for SessionRow {
    type Domain = TherapySession;

    fn into_domain(self, keys: &Keyring) -> Result<TherapySession, StoreError> {
        let id = self.summary.id;
        let mut s = self.summary.into_domain(keys)?;
        s.phase.override_reason = keys.open_opt(
            session_col("phase_override_reason"),
            id,
            self.phase_override_reason.as_deref(),
        )?;
        s.techniques = self.techniques.0;
        s.strategies = self.strategies.0;
        s.tasks_done = self.tasks_done.0;
        s.checklist = self.checklist.0;
        s.interval_events = keys.open(session_col("interval_events"), id, &self.interval_events)?;
        s.agreed_actions = keys.open(session_col("agreed_actions"), id, &self.agreed_actions)?;
        s.risk_review.note = keys.open(session_col("risk_note"), id, &self.risk_note)?;
        s.notes = keys.open(session_col("notes"), id, &self.notes)?;
        Ok(s)
    }
}

/// A row of `goals`.
#[derive(sqlx::FromRow)]
pub struct GoalRow {
    id: Uuid,
    area: String,
    description: String,
    progress: Option<i64>,
    status: String,
    version: i64,
}

impl DomainRow for GoalRow {
    type Domain = Goal;

    fn into_domain(self, keys: &Keyring) -> Result<Goal, StoreError> {
        Ok(Goal {
            description: keys.open(GOAL_DESCRIPTION, self.id, &self.description)?,
            id: GoalId::from_uuid(self.id),
            area: from_code("area", &self.area)?,
            progress: self.progress.map(|p| p as u8),
            status: from_code("status", &self.status)?,
            version: self.version,
        })
    }
}

/// The statements of sessions and goals, expanded by `impl_store!` into
/// `shared_sql::sessions`.
#[doc(hidden)]
#[macro_export]
macro_rules! sessions_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod sessions {
            use super::*;
            pub(crate) use $crate::sessions::*;

            // Sessions. A concern in the risk review raises an alert, stored in the same
            // transaction.

            /// What a session's insert and update both write ($1 to $18 of `UPDATE`), its
            /// free text sealed with `keys`.
            fn bind_session(keys: &Keyring, q: Query, s: &TherapySession) -> Query {
                let id = s.id.as_uuid();
                let reason = s.phase.override_reason.as_deref();
                q.bind(s.number.get() as i64)
                    .bind(s.date)
                    .bind(s.phase.phase.code())
                    .bind(keys.seal_opt(session_col("phase_override_reason"), id, reason))
                    .bind(s.modality.code())
                    .bind(s.attendance.code())
                    .bind(s.special.map(|x| x.code()))
                    .bind(Json(&s.techniques))
                    .bind(Json(&s.strategies))
                    .bind(Json(&s.tasks_done))
                    .bind(Json(&s.checklist))
                    .bind(keys.seal(session_col("interval_events"), id, &s.interval_events))
                    .bind(keys.seal(session_col("agreed_actions"), id, &s.agreed_actions))
                    .bind(s.risk_review.reviewed)
                    .bind(s.risk_review.concern)
                    .bind(keys.seal(session_col("risk_note"), id, &s.risk_review.note))
                    .bind(keys.seal(session_col("notes"), id, &s.notes))
                    .bind(s.next_date)
            }

            pub(crate) async fn insert(
                keys: &Keyring,
                tx: &mut Tx<'_>,
                s: &TherapySession,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(INSERT)
                    .bind(s.id.as_uuid())
                    .bind(s.course.as_uuid());
                bind_session(keys, q, s)
                    .bind(s.version)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| {
                        duplicate_as(e, || {
                            let n = s.number.get();
                            format!("session {n} of this course is already recorded")
                        })
                    })?;
                Ok(())
            }

            /// The rest of a session's write, after its row: the alert its risk review raises,
            /// the mood rating with its audit event, and the session's audit event.
            async fn write_rest(
                keys: &Keyring,
                tx: &mut Tx<'_>,
                alert: Option<&RiskAlert>,
                mood: Option<(&Assessment, &AuditEvent)>,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                if let Some(al) = alert {
                    assessments::insert_alert(keys, tx, al).await?;
                }
                if let Some((m, ma)) = mood {
                    assessments::insert(tx, m).await?;
                    audit::write(tx, ma).await?;
                }
                audit::write(tx, a).await
            }

            pub(crate) async fn add_session(
                s: &$store,
                session: &TherapySession,
                alert: Option<&RiskAlert>,
                mood: Option<(&Assessment, &AuditEvent)>,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                if let Err(e) = insert(&s.keys, &mut tx, session).await {
                    return Err(rollback(tx, e).await);
                }
                write_rest(&s.keys, &mut tx, alert, mood, a).await?;
                finish(tx).await
            }

            pub(crate) async fn update_session(
                s: &$store,
                session: &TherapySession,
                alert: Option<&RiskAlert>,
                mood: Option<(&Assessment, &AuditEvent)>,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let (id, version) = (session.id.as_uuid(), session.version);
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let n = bind_session(&s.keys, sqlx::query(UPDATE), session)
                    .bind(id)
                    .bind(version)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                if n == 0 {
                    return Err(refuse(tx, "therapy_sessions", "session", id, version, None).await);
                }
                write_rest(&s.keys, &mut tx, alert, mood, a).await?;
                finish(tx).await?;
                Ok(version + 1)
            }

            pub(crate) async fn sessions(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<TherapySession>, StoreError> {
                let q = sqlx::query(OF_COURSE).bind(course.as_uuid());
                read_all::<SessionRow>(s, q, a).await
            }

            pub(crate) async fn sessions_page(
                s: &$store,
                course: CourseId,
                after: Option<u16>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<TherapySession>, StoreError> {
                let q = match after {
                    None => sqlx::query(PAGE_FIRST)
                        .bind(course.as_uuid())
                        .bind(i64::from(limit)),
                    Some(n) => sqlx::query(PAGE_AFTER)
                        .bind(course.as_uuid())
                        .bind(i64::from(limit))
                        .bind(i64::from(n)),
                };
                read_all::<SessionRow>(s, q, a).await
            }

            // Goals.

            pub(crate) async fn add_goal(
                s: &$store,
                course: CourseId,
                g: &Goal,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO goals (id, course_id, area, description, progress, status, \
                     version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(g.id.as_uuid())
                .bind(course.as_uuid())
                .bind(g.area.code())
                .bind(
                    s.keys
                        .seal(GOAL_DESCRIPTION, g.id.as_uuid(), &g.description),
                )
                .bind(g.progress.map(i64::from))
                .bind(g.status.code())
                .bind(g.version);
                write_one(s, q, a).await
            }

            pub(crate) async fn update_goal(
                s: &$store,
                course: CourseId,
                g: &Goal,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE goals SET area = $1, description = $2, progress = $3, \
                     status = $4, version = version + 1 \
                     WHERE id = $5 AND course_id = $6 AND version = $7",
                )
                .bind(g.area.code())
                .bind(
                    s.keys
                        .seal(GOAL_DESCRIPTION, g.id.as_uuid(), &g.description),
                )
                .bind(g.progress.map(i64::from))
                .bind(g.status.code())
                .bind(g.id.as_uuid())
                .bind(course.as_uuid())
                .bind(g.version);
                write_versioned(
                    s,
                    q,
                    "goals",
                    "goal",
                    g.id.as_uuid(),
                    g.version,
                    Some(course.as_uuid()),
                    a,
                )
                .await
            }

            pub(crate) async fn goals(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<Goal>, StoreError> {
                let q = sqlx::query("SELECT * FROM goals WHERE course_id = $1 ORDER BY id")
                    .bind(course.as_uuid());
                read_all::<GoalRow>(s, q, a).await
            }
        }
    };
}
