//! Courses and supervisors' comments on them: tables `courses` and `supervisor_comments`.
//!
//! A course row carries the records of the initial phase that are parts of the `Course`
//! aggregate — the indication, diagnosis, focus areas, formulation and contract — and the
//! later ones: relapse plan, maintenance decision, termination review, safety plan and
//! medication record. Each is a JSON (or
//! text) column, written by `create_course` and `update_course`.

use ipt_app::ports::{AuditEvent, StoreError};
use ipt_domain::course::{Course, CourseStatus, EndReason, Formulation};
use ipt_domain::ids::{CommentId, CourseId, PatientId, SessionId, UserId};
use ipt_domain::patient::Patient;
use ipt_domain::protocol::PhasePlan;
use ipt_domain::supervision::SupervisorComment;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::sealed::Column;
use crate::{DomainRow, Keyring, corrupt, from_code};

/// Every column of `courses`, as its reads name them.
macro_rules! columns {
    () => {
        "id, patient_id, clinician_id, format, status, end_reason, phase_plan, started_on, \
         ended_on, indication, diagnosis, focus, formulation_text, formulation_accepted_on, \
         contract, relapse_plan, maintenance, continues_course_id, version, termination_review, \
         formulation_patient_wording, focus_history, safety_plan, medication, inventory_globals"
    };
}

/// A new course. Its first seven values are fixed for its life; the rest are what
/// `bind_record` binds, as the update does.
pub const INSERT: &str = "INSERT INTO courses (id, patient_id, clinician_id, format, started_on, \
     continues_course_id, version, status, end_reason, phase_plan, ended_on, indication, \
     diagnosis, focus, formulation_text, formulation_accepted_on, contract, relapse_plan, \
     maintenance, termination_review, formulation_patient_wording, focus_history, safety_plan, \
     medication, inventory_globals) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
     $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)";

/// A changed course: what `bind_record` binds, then its id and the version read.
pub const UPDATE: &str = "UPDATE courses SET status = $1, end_reason = $2, phase_plan = $3, \
     ended_on = $4, indication = $5, diagnosis = $6, focus = $7, formulation_text = $8, \
     formulation_accepted_on = $9, contract = $10, relapse_plan = $11, maintenance = $12, \
     termination_review = $13, formulation_patient_wording = $14, focus_history = $15, \
     safety_plan = $16, medication = $17, inventory_globals = $18, version = version + 1 \
     WHERE id = $19 AND version = $20";

pub const BY_ID: &str = concat!("SELECT ", columns!(), " FROM courses WHERE id = $1");
pub const OF_PATIENT: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM courses WHERE patient_id = $1 ORDER BY started_on, id"
);
/// A page of a patient's courses: the first `$2`, or (`PAGE_AFTER`) those after the one
/// started on `$3` with id `$4`.
pub const PAGE_FIRST: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM courses WHERE patient_id = $1 ORDER BY started_on, id LIMIT $2"
);
pub const PAGE_AFTER: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM courses WHERE patient_id = $1 AND (started_on > $3 OR (started_on = $3 AND id > $4)) \
     ORDER BY started_on, id LIMIT $2"
);
/// A page of a course's comments, as `PAGE_FIRST` and `PAGE_AFTER` by time written.
pub const COMMENTS_FIRST: &str =
    "SELECT * FROM supervisor_comments WHERE course_id = $1 ORDER BY written_at, id LIMIT $2";
pub const COMMENTS_AFTER: &str = "SELECT * FROM supervisor_comments WHERE course_id = $1 \
     AND (written_at > $3 OR (written_at = $3 AND id > $4)) ORDER BY written_at, id LIMIT $2";

/// The courses of one clinician's patients (read by `caseload::caseload_records`).
pub const OF_CLINICIAN: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM courses WHERE patient_id IN (SELECT id FROM patients WHERE clinician_id = $1) \
     ORDER BY started_on, id"
);

/// The `end_reason` column: set (sealed) for a course that ended early.
pub fn end_reason(keys: &Keyring, c: &Course) -> Option<String> {
    match &c.status {
        CourseStatus::EndedEarly(r) => {
            Some(keys.seal_json(course_col("end_reason"), c.id.as_uuid(), r))
        }
        _ => None,
    }
}

/// The audit event of a course read, completed with the course's patient.
pub fn course_read(a: &AuditEvent, course: Option<&Course>) -> AuditEvent {
    AuditEvent {
        patient: a.patient.or(course.map(|c| c.patient)),
        ..a.clone()
    }
}

/// The audit events of `course_and_patient`: the course's, and the patient's when found.
pub fn course_and_patient_read(
    course: Option<&Course>,
    patient: Option<&Patient>,
    course_audit: &AuditEvent,
    patient_audit: &AuditEvent,
) -> Vec<AuditEvent> {
    let mut events = vec![course_read(course_audit, course)];
    if let Some(p) = patient {
        events.push(AuditEvent {
            entity_id: p.id.as_uuid(),
            patient: Some(p.id),
            ..patient_audit.clone()
        });
    }
    events
}

/// An optional column that reads as None when its value cannot be decoded, rather than as an
/// error (`Corrupt`). Only `courses.formulation_accepted_on` is read so, as it always was.
pub struct OrNone<T>(pub Option<T>);

impl<'r, DB: sqlx::Database, T: sqlx::Decode<'r, DB>> sqlx::Decode<'r, DB> for OrNone<T> {
    fn decode(
        value: <DB as sqlx::Database>::ValueRef<'r>,
    ) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(OrNone(
            <Option<T> as sqlx::Decode<'r, DB>>::decode(value)
                .ok()
                .flatten(),
        ))
    }
}

impl<DB: sqlx::Database, T: sqlx::Type<DB>> sqlx::Type<DB> for OrNone<T> {
    fn type_info() -> DB::TypeInfo {
        T::type_info()
    }

    /// Whatever the column holds: a value of another type reads as None.
    fn compatible(_: &DB::TypeInfo) -> bool {
        true
    }
}

/// A row of `courses`. The records of the course (all but its codes, dates and phase plan)
/// are sealed (sealed.rs): each is read as the text its column holds and opened here.
#[derive(sqlx::FromRow)]
pub struct CourseRow {
    id: Uuid,
    patient_id: Uuid,
    clinician_id: Uuid,
    format: String,
    status: String,
    end_reason: Option<String>,
    phase_plan: Json<PhasePlan>,
    started_on: Date,
    ended_on: Option<Date>,
    indication: String,
    diagnosis: Option<String>,
    focus: Option<String>,
    formulation_text: Option<String>,
    formulation_accepted_on: OrNone<Date>,
    formulation_patient_wording: String,
    contract: Option<String>,
    relapse_plan: Option<String>,
    maintenance: Option<String>,
    termination_review: Option<String>,
    focus_history: String,
    safety_plan: Option<String>,
    medication: String,
    /// NULL while neither point is recorded (so the column needs no sealed default).
    inventory_globals: Option<String>,
    continues_course_id: Option<Uuid>,
    version: i64,
}

/// A sealed column of `courses`.
pub const fn course_col(name: &'static str) -> Column {
    ("courses", name)
}

impl DomainRow for CourseRow {
    type Domain = Course;

    fn into_domain(self, keys: &Keyring) -> Result<Course, StoreError> {
        let id = self.id;
        let end_reason: Option<EndReason> =
            keys.open_json_opt(course_col("end_reason"), id, self.end_reason.as_deref())?;
        let status = CourseStatus::parse(&self.status, end_reason)
            .ok_or_else(|| corrupt(format!("course status '{}'", self.status)))?;
        let wording = keys.open(
            course_col("formulation_patient_wording"),
            id,
            &self.formulation_patient_wording,
        )?;
        let formulation = keys
            .open_opt(
                course_col("formulation_text"),
                id,
                self.formulation_text.as_deref(),
            )?
            .map(|text| Formulation {
                text,
                accepted_on: self.formulation_accepted_on.0,
                patient_wording: wording,
            });
        Ok(Course {
            id: CourseId::from_uuid(id),
            patient: PatientId::from_uuid(self.patient_id),
            clinician: UserId::from_uuid(self.clinician_id),
            format: from_code("format", &self.format)?,
            status,
            phase_plan: self.phase_plan.0,
            started_on: self.started_on,
            ended_on: self.ended_on,
            indication: keys.open_json(course_col("indication"), id, &self.indication)?,
            diagnosis: keys.open_json_opt(
                course_col("diagnosis"),
                id,
                self.diagnosis.as_deref(),
            )?,
            focus: keys.open_json_opt(course_col("focus"), id, self.focus.as_deref())?,
            focus_history: keys.open_json(course_col("focus_history"), id, &self.focus_history)?,
            formulation,
            contract: keys.open_json_opt(course_col("contract"), id, self.contract.as_deref())?,
            relapse_plan: keys.open_json_opt(
                course_col("relapse_plan"),
                id,
                self.relapse_plan.as_deref(),
            )?,
            maintenance: keys.open_json_opt(
                course_col("maintenance"),
                id,
                self.maintenance.as_deref(),
            )?,
            termination: keys.open_json_opt(
                course_col("termination_review"),
                id,
                self.termination_review.as_deref(),
            )?,
            safety_plan: keys.open_json_opt(
                course_col("safety_plan"),
                id,
                self.safety_plan.as_deref(),
            )?,
            medication: keys.open_json(course_col("medication"), id, &self.medication)?,
            inventory_globals: keys
                .open_json_opt(
                    course_col("inventory_globals"),
                    id,
                    self.inventory_globals.as_deref(),
                )?
                .unwrap_or_default(),
            continues: self.continues_course_id.map(CourseId::from_uuid),
            version: self.version,
        })
    }
}

/// The sealed column of `supervisor_comments`.
pub const COMMENT_BODY: Column = ("supervisor_comments", "body");

/// A row of `supervisor_comments`.
#[derive(sqlx::FromRow)]
pub struct CommentRow {
    id: Uuid,
    course_id: Uuid,
    session_id: Option<Uuid>,
    author_id: Uuid,
    body: String,
    written_at: OffsetDateTime,
}

impl DomainRow for CommentRow {
    type Domain = SupervisorComment;

    fn into_domain(self, keys: &Keyring) -> Result<SupervisorComment, StoreError> {
        Ok(SupervisorComment {
            text: keys.open(COMMENT_BODY, self.id, &self.body)?,
            id: CommentId::from_uuid(self.id),
            course: CourseId::from_uuid(self.course_id),
            session: self.session_id.map(SessionId::from_uuid),
            author: UserId::from_uuid(self.author_id),
            written_at: self.written_at,
        })
    }
}

/// The statements of courses and comments, expanded by `impl_store!` into
/// `shared_sql::courses`.
#[doc(hidden)]
#[macro_export]
macro_rules! courses_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod courses {
            use super::*;
            use ipt_domain::supervision::SupervisorComment;
            pub(crate) use $crate::courses::*;

            /// What a course's insert and update both write ($1 to $18 of `UPDATE`), its
            /// records sealed with `keys`.
            fn bind_record(keys: &Keyring, q: Query, c: &Course) -> Query {
                let f = c.formulation.as_ref();
                let id = c.id.as_uuid();
                let wording = f.map(|f| f.patient_wording.as_str()).unwrap_or_default();
                q.bind(c.status.code())
                    .bind(end_reason(keys, c))
                    .bind(Json(c.phase_plan))
                    .bind(c.ended_on)
                    .bind(keys.seal_json(course_col("indication"), id, &c.indication))
                    .bind(keys.seal_json_opt(course_col("diagnosis"), id, c.diagnosis.as_ref()))
                    .bind(keys.seal_json_opt(course_col("focus"), id, c.focus.as_ref()))
                    .bind(keys.seal_opt(
                        course_col("formulation_text"),
                        id,
                        f.map(|f| f.text.as_str()),
                    ))
                    .bind(f.and_then(|f| f.accepted_on))
                    .bind(keys.seal_json_opt(course_col("contract"), id, c.contract.as_ref()))
                    .bind(keys.seal_json_opt(
                        course_col("relapse_plan"),
                        id,
                        c.relapse_plan.as_ref(),
                    ))
                    .bind(keys.seal_json_opt(course_col("maintenance"), id, c.maintenance.as_ref()))
                    .bind(keys.seal_json_opt(
                        course_col("termination_review"),
                        id,
                        c.termination.as_ref(),
                    ))
                    .bind(keys.seal(course_col("formulation_patient_wording"), id, wording))
                    .bind(keys.seal_json(course_col("focus_history"), id, &c.focus_history))
                    .bind(keys.seal_json_opt(course_col("safety_plan"), id, c.safety_plan.as_ref()))
                    .bind(keys.seal_json(course_col("medication"), id, &c.medication))
                    .bind(keys.seal_json_opt(
                        course_col("inventory_globals"),
                        id,
                        Some(&c.inventory_globals).filter(|g| !g.is_empty()),
                    ))
            }

            pub(crate) async fn insert(
                keys: &Keyring,
                tx: &mut Tx<'_>,
                c: &Course,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(INSERT)
                    .bind(c.id.as_uuid())
                    .bind(c.patient.as_uuid())
                    .bind(c.clinician.as_uuid())
                    .bind(code(&c.format))
                    .bind(c.started_on)
                    .bind(c.continues.map(|x| x.as_uuid()))
                    .bind(c.version);
                bind_record(keys, q, c)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            async fn by_id(
                keys: &Keyring,
                tx: &mut Tx<'_>,
                id: CourseId,
            ) -> Result<Option<Course>, StoreError> {
                let row = sqlx::query(BY_ID)
                    .bind(id.as_uuid())
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(map_err)?;
                row.as_ref().map(|r| CourseRow::decode(r, keys)).transpose()
            }

            pub(crate) async fn create_course(
                s: &$store,
                c: &Course,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                insert(&s.keys, &mut tx, c).await?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn course(
                s: &$store,
                id: CourseId,
                a: &AuditEvent,
            ) -> Result<Option<Course>, StoreError> {
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let course = by_id(&s.keys, &mut tx, id).await?;
                finish(tx).await?;
                audit::after_read(s, vec![course_read(a, course.as_ref())]).await?;
                Ok(course)
            }

            pub(crate) async fn course_and_patient(
                s: &$store,
                id: CourseId,
                course_audit: &AuditEvent,
                patient_audit: &AuditEvent,
            ) -> Result<Option<(Course, Patient)>, StoreError> {
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let course = by_id(&s.keys, &mut tx, id).await?;
                let patient = match &course {
                    Some(c) => sqlx::query(patients::BY_ID)
                        .bind(c.patient.as_uuid())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?
                        .as_ref()
                        .map(|r| patients::PatientRow::decode(r, &s.keys))
                        .transpose()?,
                    None => None,
                };
                finish(tx).await?;
                let events = course_and_patient_read(
                    course.as_ref(),
                    patient.as_ref(),
                    course_audit,
                    patient_audit,
                );
                audit::after_read(s, events).await?;
                Ok(course.zip(patient))
            }

            pub(crate) async fn courses_of_patient(
                s: &$store,
                patient: PatientId,
                a: &AuditEvent,
            ) -> Result<Vec<Course>, StoreError> {
                let q = sqlx::query(OF_PATIENT).bind(patient.as_uuid());
                read_all::<CourseRow>(s, q, a).await
            }

            pub(crate) async fn courses_page(
                s: &$store,
                patient: PatientId,
                after: Option<(time::Date, CourseId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<Course>, StoreError> {
                let q = match after {
                    None => sqlx::query(PAGE_FIRST)
                        .bind(patient.as_uuid())
                        .bind(i64::from(limit)),
                    Some((on, id)) => sqlx::query(PAGE_AFTER)
                        .bind(patient.as_uuid())
                        .bind(i64::from(limit))
                        .bind(on)
                        .bind(id.as_uuid()),
                };
                read_all::<CourseRow>(s, q, a).await
            }

            pub(crate) async fn comments_page(
                s: &$store,
                course: CourseId,
                after: Option<(OffsetDateTime, CommentId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<SupervisorComment>, StoreError> {
                let q = match after {
                    None => sqlx::query(COMMENTS_FIRST)
                        .bind(course.as_uuid())
                        .bind(i64::from(limit)),
                    Some((at, id)) => sqlx::query(COMMENTS_AFTER)
                        .bind(course.as_uuid())
                        .bind(i64::from(limit))
                        .bind(at)
                        .bind(id.as_uuid()),
                };
                read_all::<CommentRow>(s, q, a).await
            }

            pub(crate) async fn update_course(
                s: &$store,
                c: &Course,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = bind_record(&s.keys, sqlx::query(UPDATE), c)
                    .bind(c.id.as_uuid())
                    .bind(c.version);
                write_versioned(
                    s,
                    q,
                    "courses",
                    "course",
                    c.id.as_uuid(),
                    c.version,
                    None,
                    a,
                )
                .await
            }

            // Supervisors' comments: added, never changed.

            pub(crate) async fn add_comment(
                s: &$store,
                c: &SupervisorComment,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let q = sqlx::query(
                    "INSERT INTO supervisor_comments (id, course_id, session_id, author_id, body, \
                     written_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(c.id.as_uuid())
                .bind(c.course.as_uuid())
                .bind(c.session.map(|s| s.as_uuid()))
                .bind(c.author.as_uuid())
                .bind(s.keys.seal(COMMENT_BODY, c.id.as_uuid(), &c.text))
                .bind(c.written_at);
                write_one(s, q, a).await
            }

            pub(crate) async fn comments(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<SupervisorComment>, StoreError> {
                let q = sqlx::query(
                    "SELECT * FROM supervisor_comments WHERE course_id = $1 \
                     ORDER BY written_at, id",
                )
                .bind(course.as_uuid());
                read_all::<CommentRow>(s, q, a).await
            }
        }
    };
}
