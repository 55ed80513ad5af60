//! Assessments and what they feed: risk alerts, the per-course outcome rows and outcome
//! counts, and the interpersonal mood diary (tables `assessments`, `risk_alerts`,
//! `course_outcomes`, `diary_entries`).

use ipt_app::ports::{ChangeSummary, OutcomeCounts, StoreError};
use ipt_domain::alert::{Acknowledgement, AlertSource, RiskAlert};
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus, ScoreSummary};
use ipt_domain::diary::{DiaryEntry, DiaryMood};
use ipt_domain::ids::UserId;
use ipt_domain::ids::{AlertId, AssessmentId, CourseId, DiaryEntryId, PatientId, SessionId};
use ipt_domain::protocol::Phase;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::sealed::Column;
use crate::{DomainRow, Keyring, corrupt, from_code};

/// The head of an insert of assessment rows; each row has `COLUMNS` values, as
/// `bind_assessment` binds them.
pub const INSERT: &str = "INSERT INTO assessments (id, patient_id, course_id, session_id, \
     instrument, answers, status, mode, administered_at, phase, result, total, severity, risk, \
     version) VALUES ";
pub const COLUMNS: usize = 15;

/// A changed draft: what `bind_answers` binds, then its id, the version read and the draft
/// status. A final assessment is a record of what was answered; only drafts change.
pub const UPDATE: &str = "UPDATE assessments SET answers = $1, status = $2, mode = $3, \
     administered_at = $4, phase = $5, result = $6, total = $7, severity = $8, risk = $9, \
     version = version + 1 WHERE id = $10 AND version = $11 AND status = $12";

/// Keeps a course's outcome row (first and latest final total per instrument) in step with a
/// final assessment: $1 the course, $2 the instrument, $3 the total, $4 when it was given.
pub const NOTE_OUTCOME: &str = "INSERT INTO course_outcomes (course_id, instrument, \
     baseline_total, baseline_at, latest_total, latest_at, finals) \
     VALUES ($1, $2, $3, $4, $3, $4, 1) \
     ON CONFLICT (course_id, instrument) DO UPDATE SET \
     baseline_total = CASE WHEN excluded.baseline_at < course_outcomes.baseline_at \
         THEN excluded.baseline_total ELSE course_outcomes.baseline_total END, \
     baseline_at = CASE WHEN excluded.baseline_at < course_outcomes.baseline_at \
         THEN excluded.baseline_at ELSE course_outcomes.baseline_at END, \
     latest_total = CASE WHEN excluded.latest_at >= course_outcomes.latest_at \
         THEN excluded.latest_total ELSE course_outcomes.latest_total END, \
     latest_at = CASE WHEN excluded.latest_at >= course_outcomes.latest_at \
         THEN excluded.latest_at ELSE course_outcomes.latest_at END, \
     finals = course_outcomes.finals + 1";

/// Outcome counts of one instrument ($1) from the outcome rows: $2 the fraction of baseline a
/// responder is at or below, $3 the remission ceiling, $4 the reliable change, $5 the least
/// baseline counted.
pub const OUTCOME_COUNTS: &str = "SELECT COUNT(*) AS courses, \
     COALESCE(SUM(CASE WHEN latest_total <= baseline_total * $2 THEN 1 ELSE 0 END), 0) \
     AS responders, \
     COALESCE(SUM(CASE WHEN latest_total <= $3 THEN 1 ELSE 0 END), 0) AS remitters, \
     COALESCE(SUM(CASE WHEN baseline_total - latest_total >= $4 THEN 1 ELSE 0 END), 0) \
     AS improved, \
     COALESCE(SUM(CASE WHEN latest_total - baseline_total >= $4 THEN 1 ELSE 0 END), 0) \
     AS deteriorated \
     FROM course_outcomes WHERE instrument = $1 AND finals >= 2 AND baseline_total >= $5";

/// Change of one instrument ($1) per course format: $2 is +1 where higher is better and −1
/// where lower is, $3 the reliable change in points, $4 the caseness cut-off and $5 its side
/// (+1: a case at or above it, −1: at or below it, 0: no caseness rule).
pub const CHANGE_SUMMARY: &str = "SELECT c.format AS format, COUNT(*) AS courses, \
     AVG(o.latest_total - o.baseline_total) AS mean_change, \
     COALESCE(SUM(CASE WHEN (o.latest_total - o.baseline_total) * $2 > 0 THEN 1 ELSE 0 END), 0) \
     AS improved, \
     COALESCE(SUM(CASE WHEN (o.latest_total - o.baseline_total) * $2 >= $3 THEN 1 ELSE 0 END), 0) \
     AS reliably_improved, \
     COALESCE(SUM(CASE WHEN (o.baseline_total - o.latest_total) * $2 >= $3 THEN 1 ELSE 0 END), 0) \
     AS reliably_deteriorated, \
     COALESCE(SUM(CASE WHEN $5 <> 0 AND (o.baseline_total - $4) * $5 >= 0 THEN 1 ELSE 0 END), 0) \
     AS cases_at_start, \
     COALESCE(SUM(CASE WHEN $5 <> 0 AND (o.baseline_total - $4) * $5 >= 0 \
         AND (o.latest_total - $4) * $5 < 0 THEN 1 ELSE 0 END), 0) AS left_caseness \
     FROM course_outcomes o JOIN courses c ON c.id = o.course_id \
     WHERE o.instrument = $1 AND o.finals >= 2 GROUP BY c.format ORDER BY c.format";

pub const INSERT_ALERT: &str = "INSERT INTO risk_alerts (id, patient_id, course_id, \
     assessment_id, source, raised_at, acknowledged_by, acknowledged_at, action_note, version) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

// Alerts, newest first, one statement per filter so each is planned on its own index (a
// `$1 IS NULL OR …` filter made both databases read every alert in the programme, #15). Open
// alerts only when the last parameter is true.

/// $1's alerts.
pub const ALERTS_OF_PATIENT: &str = "SELECT r.* FROM risk_alerts r WHERE r.patient_id = $1 \
     AND ($2 = FALSE OR r.acknowledged_at IS NULL) ORDER BY r.raised_at DESC, r.id";
/// $1's alerts, when $1 is one of clinician $2's patients.
pub const ALERTS_OF_PATIENT_OF_CLINICIAN: &str = "SELECT r.* FROM risk_alerts r \
     JOIN patients p ON p.id = r.patient_id WHERE r.patient_id = $1 AND p.clinician_id = $2 \
     AND ($3 = FALSE OR r.acknowledged_at IS NULL) ORDER BY r.raised_at DESC, r.id";
/// The alerts of clinician $1's patients: their patients first, then each one's alerts.
pub const ALERTS_OF_CLINICIAN: &str = "SELECT r.* FROM patients p \
     JOIN risk_alerts r ON r.patient_id = p.id WHERE p.clinician_id = $1 \
     AND ($2 = FALSE OR r.acknowledged_at IS NULL) ORDER BY r.raised_at DESC, r.id";
/// A page of the open alerts of clinician $1's patients, oldest first: the first $2, or
/// (`OPEN_OF_CLINICIAN_AFTER`) those after the one raised at $3 with id $4.
pub const OPEN_OF_CLINICIAN_FIRST: &str = "SELECT r.* FROM patients p \
     JOIN risk_alerts r ON r.patient_id = p.id WHERE p.clinician_id = $1 \
     AND r.acknowledged_at IS NULL ORDER BY r.raised_at, r.id LIMIT $2";
pub const OPEN_OF_CLINICIAN_AFTER: &str = "SELECT r.* FROM patients p \
     JOIN risk_alerts r ON r.patient_id = p.id WHERE p.clinician_id = $1 \
     AND r.acknowledged_at IS NULL AND (r.raised_at > $3 OR (r.raised_at = $3 AND r.id > $4)) \
     ORDER BY r.raised_at, r.id LIMIT $2";
/// Every alert of the programme (the system's own reads).
pub const ALERTS_ALL: &str = "SELECT r.* FROM risk_alerts r \
     WHERE ($1 = FALSE OR r.acknowledged_at IS NULL) ORDER BY r.raised_at DESC, r.id";

/// Refuse a final assessment without its result (before anything is written).
pub fn check_final(x: &Assessment) -> Result<(), StoreError> {
    if x.status == AssessmentStatus::Final && x.result.is_none() {
        return Err(StoreError::Backend(
            "a final assessment needs its result".into(),
        ));
    }
    Ok(())
}

/// The course and total a final assessment adds to the course's outcome row, if it counts:
/// an outcome measure, given in a course, with a total.
pub fn outcome(x: &Assessment) -> Option<(CourseId, f64)> {
    let (Some(course), Some(total)) = (x.course, x.result.as_ref().and_then(|r| r.total)) else {
        return None;
    };
    if x.status != AssessmentStatus::Final
        || Assessment::NOT_OUTCOME_MEASURES.contains(&x.instrument.as_str())
    {
        return None;
    }
    Some((course, total))
}

/// What the caseload reads of an assessment (`caseload::ASSESSMENTS`): its scores, not its
/// item answers.
#[derive(sqlx::FromRow)]
pub struct AssessmentSummaryRow {
    id: Uuid,
    patient_id: Uuid,
    course_id: Option<Uuid>,
    session_id: Option<Uuid>,
    instrument: String,
    status: String,
    mode: String,
    administered_at: OffsetDateTime,
    phase: Option<String>,
    result: Option<Json<ScoreSummary>>,
    version: i64,
}

impl DomainRow for AssessmentSummaryRow {
    type Domain = Assessment;

    /// The assessment without its answers, which are left empty (`CaseloadRecord`).
    fn into_domain(self, _: &Keyring) -> Result<Assessment, StoreError> {
        Ok(Assessment {
            id: AssessmentId::from_uuid(self.id),
            patient: PatientId::from_uuid(self.patient_id),
            course: self.course_id.map(CourseId::from_uuid),
            session: self.session_id.map(SessionId::from_uuid),
            instrument: self.instrument,
            answers: vec![],
            status: from_code("status", &self.status)?,
            mode: AdministrationMode::parse(&self.mode)
                .ok_or_else(|| corrupt("assessment mode"))?,
            administered_at: self.administered_at,
            phase: self
                .phase
                .map(|p| from_code::<Phase>("phase", &p))
                .transpose()?,
            result: self.result.map(|j| j.0),
            version: self.version,
        })
    }
}

/// A row of `assessments` (its `total`, `severity` and `risk` repeat the result for queries).
#[derive(sqlx::FromRow)]
pub struct AssessmentRow {
    #[sqlx(flatten)]
    summary: AssessmentSummaryRow,
    answers: Json<Vec<Option<u8>>>,
}

impl DomainRow for AssessmentRow {
    type Domain = Assessment;

    fn into_domain(self, keys: &Keyring) -> Result<Assessment, StoreError> {
        let mut x = self.summary.into_domain(keys)?;
        x.answers = self.answers.0;
        Ok(x)
    }
}

/// A page of a course's assessments, in the order of `assessments_course` (course, time): the
/// first `$2`, or (`PAGE_AFTER`) those after the one administered at `$3` with id `$4`.
pub const PAGE_FIRST: &str =
    "SELECT * FROM assessments WHERE course_id = $1 ORDER BY administered_at, id LIMIT $2";
pub const PAGE_AFTER: &str = "SELECT * FROM assessments WHERE course_id = $1 \
     AND (administered_at > $3 OR (administered_at = $3 AND id > $4)) \
     ORDER BY administered_at, id LIMIT $2";

/// The sealed column of `risk_alerts`: the note of what was done about an alert.
pub const ALERT_NOTE: Column = ("risk_alerts", "action_note");

/// The sealed columns of `diary_entries`.
pub const DIARY_INTERACTIONS: Column = ("diary_entries", "interactions");
pub const DIARY_NOTE: Column = ("diary_entries", "note");

/// A row of `risk_alerts`.
#[derive(sqlx::FromRow)]
pub struct AlertRow {
    id: Uuid,
    patient_id: Uuid,
    course_id: Option<Uuid>,
    assessment_id: Option<Uuid>,
    source: Json<AlertSource>,
    raised_at: OffsetDateTime,
    acknowledged_by: Option<Uuid>,
    acknowledged_at: Option<OffsetDateTime>,
    action_note: Option<String>,
    version: i64,
}

impl DomainRow for AlertRow {
    type Domain = RiskAlert;

    fn into_domain(self, keys: &Keyring) -> Result<RiskAlert, StoreError> {
        let note = keys.open_opt(ALERT_NOTE, self.id, self.action_note.as_deref())?;
        let acknowledgement = match (self.acknowledged_by, self.acknowledged_at) {
            (Some(by), Some(at)) => Some(Acknowledgement {
                by: UserId::from_uuid(by),
                at,
                action_note: note.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(RiskAlert {
            id: AlertId::from_uuid(self.id),
            patient: PatientId::from_uuid(self.patient_id),
            course: self.course_id.map(CourseId::from_uuid),
            assessment: self.assessment_id.map(AssessmentId::from_uuid),
            source: self.source.0,
            raised_at: self.raised_at,
            acknowledgement,
            version: self.version,
        })
    }
}

/// A row of `diary_entries`.
#[derive(sqlx::FromRow)]
pub struct DiaryRow {
    id: Uuid,
    course_id: Uuid,
    patient_id: Uuid,
    entry_date: Date,
    mood: i64,
    interactions: String,
    note: String,
    recorded_at: OffsetDateTime,
    version: i64,
}

impl DomainRow for DiaryRow {
    type Domain = DiaryEntry;

    fn into_domain(self, keys: &Keyring) -> Result<DiaryEntry, StoreError> {
        let mood = u8::try_from(self.mood)
            .map_err(corrupt)
            .and_then(|m| DiaryMood::new(m).map_err(corrupt))?;
        Ok(DiaryEntry {
            id: DiaryEntryId::from_uuid(self.id),
            course: CourseId::from_uuid(self.course_id),
            patient: PatientId::from_uuid(self.patient_id),
            date: self.entry_date,
            mood,
            interactions: keys.open_json(DIARY_INTERACTIONS, self.id, &self.interactions)?,
            note: keys.open(DIARY_NOTE, self.id, &self.note)?,
            recorded_at: self.recorded_at,
            version: self.version,
        })
    }
}

/// The one row of `OUTCOME_COUNTS`.
#[derive(sqlx::FromRow)]
pub struct OutcomeCountsRow {
    courses: i64,
    responders: i64,
    remitters: i64,
    improved: i64,
    deteriorated: i64,
}

impl DomainRow for OutcomeCountsRow {
    type Domain = OutcomeCounts;

    fn into_domain(self, _: &Keyring) -> Result<OutcomeCounts, StoreError> {
        let n = |v: i64| v.max(0) as u64;
        Ok(OutcomeCounts {
            courses: n(self.courses),
            responders: n(self.responders),
            remitters: n(self.remitters),
            reliably_improved: n(self.improved),
            reliably_deteriorated: n(self.deteriorated),
        })
    }
}

/// A row of [`CHANGE_SUMMARY`].
#[derive(sqlx::FromRow)]
pub struct ChangeSummaryRow {
    format: String,
    courses: i64,
    mean_change: Option<f64>,
    improved: i64,
    reliably_improved: i64,
    reliably_deteriorated: i64,
    cases_at_start: i64,
    left_caseness: i64,
}

impl DomainRow for ChangeSummaryRow {
    type Domain = ChangeSummary;

    fn into_domain(self, _: &Keyring) -> Result<ChangeSummary, StoreError> {
        let n = |v: i64| v.max(0) as u64;
        Ok(ChangeSummary {
            format: self.format,
            courses: n(self.courses),
            mean_change: self.mean_change.map(|m| (m * 100.0).round() / 100.0),
            improved: n(self.improved),
            reliably_improved: n(self.reliably_improved),
            reliably_deteriorated: n(self.reliably_deteriorated),
            cases_at_start: n(self.cases_at_start),
            left_caseness: n(self.left_caseness),
        })
    }
}

/// The statements of assessments, alerts, outcomes and the diary, expanded by `impl_store!`
/// into `shared_sql::assessments`.
#[doc(hidden)]
#[macro_export]
macro_rules! assessments_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod assessments {
            use super::*;
            pub(crate) use $crate::assessments::*;

            // Assessments. A final assessment must carry its result; drafts never count in
            // results. Adding or completing one stores the risk alert it raises in the same
            // transaction.

            /// What an assessment's insert and update both write ($1 to $9 of `UPDATE`).
            fn bind_answers(q: Query, x: &Assessment) -> Query {
                let r = x.result.as_ref();
                q.bind(Json(&x.answers))
                    .bind(x.status.code())
                    .bind(x.mode.code())
                    .bind(x.administered_at)
                    .bind(x.phase.map(|p| p.code()))
                    .bind(r.map(Json))
                    .bind(r.and_then(|r| r.total))
                    .bind(r.and_then(|r| r.severity.clone()))
                    .bind(r.map(|r| !r.risk_items.is_empty()).unwrap_or(false))
            }

            fn bind_assessment(q: Query, x: &Assessment) -> Query {
                let q = q
                    .bind(x.id.as_uuid())
                    .bind(x.patient.as_uuid())
                    .bind(x.course.map(|c| c.as_uuid()))
                    .bind(x.session.map(|s| s.as_uuid()))
                    .bind(&x.instrument);
                bind_answers(q, x).bind(x.version)
            }

            /// An assessment and its outcome row.
            pub(crate) async fn insert(tx: &mut Tx<'_>, x: &Assessment) -> Result<(), StoreError> {
                insert_many(tx, &[x]).await?;
                note_outcome(tx, x).await
            }

            /// Many assessment rows in few statements (without their outcome rows: see
            /// `note_outcome`).
            pub(crate) async fn insert_many(
                tx: &mut Tx<'_>,
                all: &[&Assessment],
            ) -> Result<(), StoreError> {
                for chunk in all.chunks(200) {
                    // Built from constants and placeholder numbers only, never from input.
                    let sql = $crate::values(INSERT, chunk.len(), COLUMNS);
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for x in chunk {
                        q = bind_assessment(q, x);
                    }
                    q.execute(&mut **tx).await.map_err(map_err)?;
                }
                Ok(())
            }

            /// Keep the course's outcome row in step with a final assessment, in the same
            /// transaction: outcome analytics then read one row per course instead of every
            /// assessment.
            pub(crate) async fn note_outcome(
                tx: &mut Tx<'_>,
                x: &Assessment,
            ) -> Result<(), StoreError> {
                let Some((course, total)) = outcome(x) else {
                    return Ok(());
                };
                sqlx::query(NOTE_OUTCOME)
                    .bind(course.as_uuid())
                    .bind(&x.instrument)
                    .bind(total)
                    .bind(x.administered_at)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            pub(crate) async fn add_assessment(
                s: &$store,
                x: &Assessment,
                alert: Option<&RiskAlert>,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                check_final(x)?;
                // Submissions are group-committed with other writes (see `Batched`).
                let submission = Box::new((x.clone(), alert.cloned(), a.clone()));
                s.writes.commit(Batched::Assessment(submission)).await
            }

            pub(crate) async fn update_assessment(
                s: &$store,
                x: &Assessment,
                alert: Option<&RiskAlert>,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                check_final(x)?;
                let (id, version) = (x.id.as_uuid(), x.version);
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let n = bind_answers(sqlx::query(UPDATE), x)
                    .bind(id)
                    .bind(version)
                    .bind(AssessmentStatus::Draft.code())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?
                    .rows_affected();
                if n == 0 {
                    return Err(refuse(tx, "assessments", "assessment", id, version, None).await);
                }
                note_outcome(&mut tx, x).await?;
                if let Some(al) = alert {
                    insert_alert(&s.keys, &mut tx, al).await?;
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await?;
                Ok(version + 1)
            }

            pub(crate) async fn assessments_of_course(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<Assessment>, StoreError> {
                let q = sqlx::query(
                    "SELECT * FROM assessments WHERE course_id = $1 ORDER BY administered_at, id",
                )
                .bind(course.as_uuid());
                read_all::<AssessmentRow>(s, q, a).await
            }

            pub(crate) async fn assessments_page(
                s: &$store,
                course: CourseId,
                after: Option<(OffsetDateTime, AssessmentId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<Assessment>, StoreError> {
                let q = match after {
                    None => sqlx::query(PAGE_FIRST)
                        .bind(course.as_uuid())
                        .bind(i64::from(limit)),
                    Some((at, id)) => sqlx::query(PAGE_AFTER)
                        .bind(course.as_uuid())
                        .bind(i64::from(limit))
                        .bind(at)
                        .bind(id.as_uuid()),
                };
                read_all::<AssessmentRow>(s, q, a).await
            }

            // Risk alerts: added, acknowledged, never deleted.

            pub(crate) async fn insert_alert(
                keys: &Keyring,
                tx: &mut Tx<'_>,
                al: &RiskAlert,
            ) -> Result<(), StoreError> {
                let ack = al.acknowledgement.as_ref();
                sqlx::query(INSERT_ALERT)
                    .bind(al.id.as_uuid())
                    .bind(al.patient.as_uuid())
                    .bind(al.course.map(|c| c.as_uuid()))
                    .bind(al.assessment.map(|x| x.as_uuid()))
                    .bind(Json(&al.source))
                    .bind(al.raised_at)
                    .bind(ack.map(|k| k.by.as_uuid()))
                    .bind(ack.map(|k| k.at))
                    .bind(ack.map(|k| keys.seal(ALERT_NOTE, al.id.as_uuid(), &k.action_note)))
                    .bind(al.version)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            pub(crate) async fn add_alert(
                s: &$store,
                al: &RiskAlert,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                insert_alert(&s.keys, &mut tx, al).await?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn alerts(
                s: &$store,
                f: &AlertFilter,
                a: &AuditEvent,
            ) -> Result<Vec<RiskAlert>, StoreError> {
                let q = match (f.patient, f.clinician) {
                    (Some(p), None) => sqlx::query(ALERTS_OF_PATIENT).bind(p.as_uuid()),
                    (Some(p), Some(c)) => sqlx::query(ALERTS_OF_PATIENT_OF_CLINICIAN)
                        .bind(p.as_uuid())
                        .bind(c.as_uuid()),
                    (None, Some(c)) => sqlx::query(ALERTS_OF_CLINICIAN).bind(c.as_uuid()),
                    (None, None) => sqlx::query(ALERTS_ALL),
                };
                read_all::<AlertRow>(s, q.bind(f.open_only), a).await
            }

            pub(crate) async fn open_alerts_page(
                s: &$store,
                clinician: UserId,
                after: Option<(OffsetDateTime, AlertId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<RiskAlert>, StoreError> {
                let q = match after {
                    None => sqlx::query(OPEN_OF_CLINICIAN_FIRST)
                        .bind(clinician.as_uuid())
                        .bind(i64::from(limit)),
                    Some((at, id)) => sqlx::query(OPEN_OF_CLINICIAN_AFTER)
                        .bind(clinician.as_uuid())
                        .bind(i64::from(limit))
                        .bind(at)
                        .bind(id.as_uuid()),
                };
                read_all::<AlertRow>(s, q, a).await
            }

            pub(crate) async fn acknowledge_alert(
                s: &$store,
                al: &RiskAlert,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let Some(ack) = al.acknowledgement.as_ref() else {
                    return Err(StoreError::Backend(
                        "acknowledge_alert needs an acknowledgement".into(),
                    ));
                };
                // Only an open alert can be acknowledged, and only once.
                let q = sqlx::query(
                    "UPDATE risk_alerts SET acknowledged_by = $1, acknowledged_at = $2, \
                     action_note = $3, version = version + 1 \
                     WHERE id = $4 AND version = $5 AND acknowledged_at IS NULL",
                )
                .bind(ack.by.as_uuid())
                .bind(ack.at)
                .bind(s.keys.seal(ALERT_NOTE, al.id.as_uuid(), &ack.action_note))
                .bind(al.id.as_uuid())
                .bind(al.version);
                let (id, version) = (al.id.as_uuid(), al.version);
                write_versioned(s, q, "risk_alerts", "risk alert", id, version, None, a).await
            }

            // The interpersonal mood diary: one entry per course and day.

            pub(crate) async fn insert_diary(
                keys: &Keyring,
                tx: &mut Tx<'_>,
                e: &DiaryEntry,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO diary_entries (id, course_id, patient_id, entry_date, mood, \
                     interactions, note, recorded_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(e.id.as_uuid())
                .bind(e.course.as_uuid())
                .bind(e.patient.as_uuid())
                .bind(e.date)
                .bind(e.mood.get() as i64)
                .bind(keys.seal_json(DIARY_INTERACTIONS, e.id.as_uuid(), &e.interactions))
                .bind(keys.seal(DIARY_NOTE, e.id.as_uuid(), &e.note))
                .bind(e.recorded_at)
                .bind(e.version)
                .execute(&mut **tx)
                .await
                .map_err(|err| {
                    duplicate_as(err, || {
                        format!("the diary already has an entry for {}", e.date)
                    })
                })?;
                Ok(())
            }

            pub(crate) async fn add_diary_entry(
                s: &$store,
                e: &DiaryEntry,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                insert_diary(&s.keys, &mut tx, e).await?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn update_diary_entry(
                s: &$store,
                e: &DiaryEntry,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE diary_entries SET mood = $1, interactions = $2, note = $3, \
                     recorded_at = $4, version = version + 1 \
                     WHERE id = $5 AND course_id = $6 AND version = $7",
                )
                .bind(e.mood.get() as i64)
                .bind(
                    s.keys
                        .seal_json(DIARY_INTERACTIONS, e.id.as_uuid(), &e.interactions),
                )
                .bind(s.keys.seal(DIARY_NOTE, e.id.as_uuid(), &e.note))
                .bind(e.recorded_at)
                .bind(e.id.as_uuid())
                .bind(e.course.as_uuid())
                .bind(e.version);
                let (id, version) = (e.id.as_uuid(), e.version);
                write_versioned(
                    s,
                    q,
                    "diary_entries",
                    "diary entry",
                    id,
                    version,
                    Some(e.course.as_uuid()),
                    a,
                )
                .await
            }

            pub(crate) async fn diary_entries(
                s: &$store,
                course: CourseId,
                a: &AuditEvent,
            ) -> Result<Vec<DiaryEntry>, StoreError> {
                let q = sqlx::query(
                    "SELECT * FROM diary_entries WHERE course_id = $1 ORDER BY entry_date, id",
                )
                .bind(course.as_uuid());
                read_all::<DiaryRow>(s, q, a).await
            }

            // Outcome counts, from the outcome rows `note_outcome` keeps.

            pub(crate) async fn outcome_counts(
                s: &$store,
                instrument: &str,
                rules: &OutcomeRules,
                a: &AuditEvent,
            ) -> Result<OutcomeCounts, StoreError> {
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let row = sqlx::query(OUTCOME_COUNTS)
                    .bind(instrument)
                    .bind(1.0 - rules.response_fraction)
                    .bind(rules.remission_at_most)
                    .bind(rules.reliable_change)
                    .bind(rules.min_baseline)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                finish(tx).await?;
                audit::after_read(s, vec![a.clone()]).await?;
                OutcomeCountsRow::decode(&row, &s.keys)
            }

            pub(crate) async fn change_summary(
                s: &$store,
                instrument: &str,
                rules: &ChangeRules,
                a: &AuditEvent,
            ) -> Result<Vec<ChangeSummary>, StoreError> {
                // Without a reliable-change index nothing counts as reliable: no change reaches
                // a threshold larger than any total.
                let reliable = rules.reliable_change.unwrap_or(1.0e9);
                let (cut, side) = rules.caseness.unwrap_or((0.0, 0.0));
                let mut tx = s.pool.begin_with("BEGIN").await.map_err(map_err)?;
                let rows = sqlx::query(CHANGE_SUMMARY)
                    .bind(instrument)
                    .bind(rules.better)
                    .bind(reliable)
                    .bind(cut)
                    .bind(side)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(map_err)?;
                finish(tx).await?;
                audit::after_read(s, vec![a.clone()]).await?;
                ChangeSummaryRow::decode_all(&rows, &s.keys)
            }
        }
    };
}
