//! Many patients' records at once: the caseload read (one clinician's patients with their
//! courses, sessions and assessments) and the bulk load of synthetic data. Their rows are the
//! other parts' (`patients.rs`, `courses.rs`, `sessions.rs`, `assessments.rs`).

use std::collections::HashMap;

use ipt_app::ports::{AuditEvent, CaseloadRecord};
use ipt_domain::assessment::Assessment;
use ipt_domain::course::Course;
use ipt_domain::ids::{AuditEventId, CourseId, PatientId};
use ipt_domain::patient::Patient;
use ipt_domain::session::TherapySession;
use uuid::Uuid;

/// The sessions and assessments of one clinician's patients' courses.
macro_rules! of_caseload {
    () => {
        "course_id IN (SELECT c.id FROM courses c JOIN patients p ON p.id = c.patient_id \
         WHERE p.clinician_id = $1)"
    };
}

/// Only what the caseload counts and dates of a session (`sessions::SessionSummaryRow`).
pub const SESSIONS: &str = concat!(
    "SELECT id, course_id, number, session_date, phase, modality, attendance, special, \
     risk_reviewed, risk_concern, next_date, version FROM therapy_sessions WHERE ",
    of_caseload!(),
    " ORDER BY course_id, number"
);

/// Only the scores of an assessment (`assessments::AssessmentSummaryRow`).
pub const ASSESSMENTS: &str = concat!(
    "SELECT id, patient_id, course_id, session_id, instrument, status, mode, administered_at, \
     phase, result, version FROM assessments WHERE ",
    of_caseload!(),
    " ORDER BY administered_at, id"
);

/// Each patient with their courses, and the sessions and assessments of those courses, in
/// the order read. Records of courses not among `courses` are left out.
pub fn records(
    patients: Vec<Patient>,
    courses: Vec<Course>,
    sessions: Vec<TherapySession>,
    assessments: Vec<Assessment>,
) -> Vec<CaseloadRecord> {
    let mut out: Vec<CaseloadRecord> = patients
        .into_iter()
        .map(|patient| CaseloadRecord {
            patient,
            courses: vec![],
            sessions: vec![],
            assessments: vec![],
        })
        .collect();
    let index: HashMap<PatientId, usize> = out
        .iter()
        .enumerate()
        .map(|(i, r)| (r.patient.id, i))
        .collect();
    let mut course_owner: HashMap<CourseId, usize> = HashMap::new();
    for c in courses {
        if let Some(&i) = index.get(&c.patient) {
            course_owner.insert(c.id, i);
            out[i].courses.push(c);
        }
    }
    for s in sessions {
        if let Some(&i) = course_owner.get(&s.course) {
            out[i].sessions.push(s);
        }
    }
    for x in assessments {
        if let Some(&i) = x.course.and_then(|c| course_owner.get(&c)) {
            out[i].assessments.push(x);
        }
    }
    out
}

/// The caseload read's audit events: one per patient, copied from `a` with the patient's
/// id, and `a` itself.
pub fn read_events(records: &[CaseloadRecord], a: &AuditEvent) -> Vec<AuditEvent> {
    let mut events: Vec<AuditEvent> = records
        .iter()
        .map(|rec| {
            let mut e = a.clone();
            e.id = AuditEventId::from_uuid(Uuid::now_v7());
            e.entity = "patient".into();
            e.entity_id = rec.patient.id.as_uuid();
            e.patient = Some(rec.patient.id);
            e
        })
        .collect();
    events.push(a.clone());
    events
}

/// The caseload's and the bulk load's statements, expanded by `impl_store!` into
/// `shared_sql::caseload`.
#[doc(hidden)]
#[macro_export]
macro_rules! caseload_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod caseload {
            use super::*;
            pub(crate) use $crate::caseload::*;

            /// The rows `sql` finds for `clinician`, in `tx`.
            async fn of_clinician(
                tx: &mut Tx<'_>,
                sql: &'static str,
                clinician: UserId,
            ) -> Result<Vec<Row>, StoreError> {
                sqlx::query(sql)
                    .bind(clinician.as_uuid())
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(map_err)
            }

            pub(crate) async fn caseload_records(
                s: &$store,
                clinician: UserId,
                a: &AuditEvent,
            ) -> Result<Vec<CaseloadRecord>, StoreError> {
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let patient_rows = of_clinician(&mut tx, patients::OF_CLINICIAN, clinician).await?;
                let course_rows = of_clinician(&mut tx, courses::OF_CLINICIAN, clinician).await?;
                let session_rows = of_clinician(&mut tx, SESSIONS, clinician).await?;
                let assessment_rows = of_clinician(&mut tx, ASSESSMENTS, clinician).await?;
                let out = records(
                    patients::PatientRow::decode_all(&patient_rows, &s.keys)?,
                    courses::CourseRow::decode_all(&course_rows, &s.keys)?,
                    sessions::SessionSummaryRow::decode_all(&session_rows, &s.keys)?,
                    assessments::AssessmentSummaryRow::decode_all(&assessment_rows, &s.keys)?,
                );
                finish(tx).await?;
                audit::after_read(s, read_events(&out, a)).await?;
                Ok(out)
            }

            pub(crate) async fn bulk_load(
                s: &$store,
                b: &BulkLoad,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                for p in &b.patients {
                    patients::insert(&mut tx, p).await?;
                }
                for c in &b.courses {
                    courses::insert(&s.keys, &mut tx, c).await?;
                }
                for session in &b.sessions {
                    sessions::insert(&s.keys, &mut tx, session).await?;
                }
                for x in &b.assessments {
                    assessments::check_final(x)?;
                    assessments::insert(&mut tx, x).await?;
                }
                for e in &b.diary {
                    assessments::insert_diary(&s.keys, &mut tx, e).await?;
                }
                for al in &b.alerts {
                    assessments::insert_alert(&s.keys, &mut tx, al).await?;
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }
        }
    };
}
