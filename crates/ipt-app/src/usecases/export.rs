//! The research export: every final assessment as one CSV row, pseudonymous, for programme
//! evaluation and research (issue 6). Run from `ipt export assessments` and `/admin/export`.
//!
//! What a row holds: pseudonymous patient and course ids, the course's format, status and focus
//! areas (codes), the instrument, the recorded item answers, total, severity band, risk flag,
//! validity and proration, the session number and phase, and the date given. What it never
//! holds: names, dates of birth, user accounts, internal record ids, or any free text (notes,
//! formulation, relapse-prevention plan, diagnosis wording, the detail of an "other" end
//! reason). The columns are listed in `docs/operator-guide.md`.
//!
//! **Pseudonyms.** `HMAC-SHA256(key, "patient:" + id)` (or `"course:"`), truncated to 64 bits
//! and written as 16 hex digits, with a 256-bit key drawn at random for each export and never
//! stored. Within one file the same patient always has the same pseudonym; across files the
//! pseudonyms differ, so two exports cannot be linked to each other, and nobody — not even
//! someone holding the database — can recompute them once the export is done. A research team
//! needs linkage *within* a dataset (repeated measures of one patient and course), which one
//! complete file gives; to follow patients over time it takes a fresh, complete export rather
//! than joining old files. A persistent key would allow joining files, but it would be a secret
//! that re-identifies everyone if it leaked with the database.
//!
//! **Date shift** (optional). Every date of one patient moves by the same number of days, drawn
//! per patient from ±1 to ±[`DATE_SHIFT_MAX_DAYS`] (never 0) from the same per-export key: the
//! intervals between a patient's assessments stay exact, while calendar dates no longer match
//! clinic records. Rows are ordered by pseudonym, so their order says nothing about names.

use std::collections::HashMap;
use std::io::Write;

use hmac::{Hmac, KeyInit, Mac};
use ipt_domain::assessment::{Assessment, AssessmentStatus};
use ipt_domain::authz::{Action, Actor, Resource, can};
use ipt_domain::course::Course;
use ipt_domain::ids::{CourseId, InventoryPersonId, PatientId};
use ipt_domain::inventory::{InventorySnapshot, SnapshotPerson};
use ipt_domain::measures::Catalogue;
use ipt_domain::problem_area::ProblemArea;
use sha2::Sha256;
use time::{Date, Duration};

use crate::ports::StoreError;
use crate::{App, AppError, new_id};

/// The largest date shift, in days either way (about six months).
pub const DATE_SHIFT_MAX_DAYS: i64 = 183;

/// How to export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Shift each patient's dates by a random number of days.
    pub date_shift: bool,
}

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub rows: usize,
    pub patients: usize,
    pub courses: usize,
    pub date_shift: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("the export could not be written: {0}")]
    Write(#[from] std::io::Error),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        Self::App(e.into())
    }
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        Self::Write(e.into())
    }
}

/// Pseudonyms and date shifts under one export's secret key.
pub struct Pseudonymiser {
    key: [u8; 32],
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser(<key>)")
    }
}

impl Pseudonymiser {
    /// A fresh random key, for one export.
    pub fn random() -> Result<Self, AppError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| AppError::Internal(format!("no randomness for the export key: {e}")))?;
        Ok(Self { key })
    }

    /// A given key (tests).
    pub fn with_key(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self, label: &str, id: uuid::Uuid) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        mac.update(label.as_bytes());
        mac.update(b":");
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn code(&self, prefix: &str, label: &str, id: uuid::Uuid) -> String {
        let mac = self.mac(label, id);
        let hex: String = mac[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("{prefix}-{hex}")
    }

    pub fn patient(&self, id: PatientId) -> String {
        self.code("P", "patient", id.as_uuid())
    }

    pub fn course(&self, id: CourseId) -> String {
        self.code("C", "course", id.as_uuid())
    }

    /// The patient's date shift in days: ±1 to ±`DATE_SHIFT_MAX_DAYS`, never 0.
    pub fn shift_days(&self, id: PatientId) -> i64 {
        let mac = self.mac("date-shift", id.as_uuid());
        let n = u64::from_le_bytes(mac[..8].try_into().expect("8 bytes"));
        let span = 2 * DATE_SHIFT_MAX_DAYS as u64;
        let k = (n % span) as i64; // 0 ..= 2N-1
        if k < DATE_SHIFT_MAX_DAYS {
            k - DATE_SHIFT_MAX_DAYS // -N ..= -1
        } else {
            k - DATE_SHIFT_MAX_DAYS + 1 // 1 ..= N
        }
    }
}

/// The number of item columns: the most items any instrument in the catalogue has.
pub fn item_columns() -> usize {
    Catalogue::builtin()
        .instruments()
        .iter()
        .map(|i| i.items.len())
        .max()
        .unwrap_or(0)
}

/// The header row, in column order.
pub fn header() -> Vec<String> {
    let mut h: Vec<String> = [
        "patient",
        "course",
        "course_format",
        "course_status",
        "focus_area_1",
        "focus_area_2",
        "dispute_stage",
        "instrument",
        "scoring_version",
        "mode",
        "date",
        "date_shifted",
        "session_number",
        "phase",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend((1..=item_columns()).map(|i| format!("item_{i}")));
    h.extend(
        ["total", "severity", "risk_flag", "valid", "prorated"]
            .iter()
            .map(|s| s.to_string()),
    );
    h
}

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_string()
}

fn iso(d: Date) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    d.format(fmt).unwrap_or_default()
}

/// A total as written: whole numbers without a decimal point.
fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

/// One row, from records already loaded. Only codes, numbers and dates go in.
fn row(
    p: &Pseudonymiser,
    course: &Course,
    a: &Assessment,
    session_number: Option<u16>,
    shift: Option<i64>,
    items: usize,
) -> Result<Vec<String>, AppError> {
    let result = a.result.as_ref();
    let areas: Vec<ProblemArea> = course
        .focus
        .as_ref()
        .map(|f| f.areas().to_vec())
        .unwrap_or_default();
    let area = |i: usize| {
        areas
            .get(i)
            .map(|a| a.kind().code().to_string())
            .unwrap_or_default()
    };
    let stage = areas
        .iter()
        .find_map(|a| a.stage())
        .map(|s| s.code().to_string())
        .unwrap_or_default();
    let date = a.administered_at.date() + Duration::days(shift.unwrap_or(0));
    if a.answers.len() > items {
        return Err(AppError::Internal(format!(
            "an assessment of {} has {} answers, more than the {items} item columns",
            a.instrument,
            a.answers.len()
        )));
    }
    let mut r = vec![
        p.patient(a.patient),
        p.course(course.id),
        course.format.code().to_string(),
        course.status.code().to_string(),
        area(0),
        area(1),
        stage,
        a.instrument.clone(),
        result
            .map(|r| r.scoring_version.clone())
            .unwrap_or_default(),
        a.mode.code().to_string(),
        iso(date),
        flag(shift.is_some()),
        session_number.map(|n| n.to_string()).unwrap_or_default(),
        a.phase.map(|p| p.code().to_string()).unwrap_or_default(),
    ];
    // As published: the RAS's codes are written −3 … +3.
    let answers: Vec<Option<i16>> = match Catalogue::builtin().get(&a.instrument) {
        Some(inst) => inst.published_answers(&a.answers),
        None => a.answers.iter().map(|c| c.map(i16::from)).collect(),
    };
    r.extend((0..items).map(|i| {
        answers
            .get(i)
            .copied()
            .flatten()
            .map(|v| v.to_string())
            .unwrap_or_default()
    }));
    r.extend([
        result.and_then(|r| r.total).map(number).unwrap_or_default(),
        result.and_then(|r| r.severity.clone()).unwrap_or_default(),
        flag(result.is_some_and(|r| !r.risk_items.is_empty())),
        flag(result.is_some_and(|r| r.valid)),
        flag(result.is_some_and(|r| r.prorated)),
    ]);
    Ok(r)
}

/// The CSV writer of every export: RFC 4180 with CRLF line ends.
fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

impl App {
    /// The start of every export: administrators only, one audit event for the export
    /// (`action`), and every patient in pseudonym order, which is random for each export, so
    /// row order reveals nothing about names.
    async fn export_patients(
        &self,
        actor: &Actor,
        action: &str,
        p: &Pseudonymiser,
    ) -> Result<Vec<ipt_domain::patient::Patient>, ExportError> {
        if !can(actor, Action::ExportPseudonymousData, &Resource::System).is_allowed() {
            return Err(AppError::Forbidden.into());
        }
        let export_id: uuid::Uuid = new_id();
        let audit = self.audit(actor, action, "export", export_id, None);
        let mut patients = self.store.list_patients(None, &audit).await?;
        patients.sort_by_cached_key(|pt| p.patient(pt.id));
        Ok(patients)
    }

    /// A patient's courses, read under audit, and the patient's date shift when asked for.
    async fn export_courses(
        &self,
        actor: &Actor,
        p: &Pseudonymiser,
        patient: &ipt_domain::patient::Patient,
        options: ExportOptions,
    ) -> Result<(Vec<Course>, Option<i64>), ExportError> {
        let audit = self.audit(
            actor,
            "export.course.list",
            "patient",
            patient.id.as_uuid(),
            Some(patient.id),
        );
        let courses = self.store.courses_of_patient(patient.id, &audit).await?;
        Ok((
            courses,
            options.date_shift.then(|| p.shift_days(patient.id)),
        ))
    }

    /// Write every final assessment as a pseudonymous CSV row to `out` (see the module
    /// documentation). Administrators only (`Action::ExportPseudonymousData`). The export is one
    /// audit event (`export.assessments`), and each read of a patient's records is audited as
    /// the store does for any read.
    pub async fn export_assessments<W: Write + Send>(
        &self,
        actor: &Actor,
        options: ExportOptions,
        out: W,
    ) -> Result<ExportReport, ExportError> {
        let p = Pseudonymiser::random()?;
        self.export_with(actor, options, &p, out).await
    }

    /// The export under one pseudonymiser.
    async fn export_with<W: Write + Send>(
        &self,
        actor: &Actor,
        options: ExportOptions,
        p: &Pseudonymiser,
        out: W,
    ) -> Result<ExportReport, ExportError> {
        let patients = self.export_patients(actor, "export.assessments", p).await?;
        let items = item_columns();
        let mut w = csv_writer(out);
        w.write_record(header())?;
        let mut report = ExportReport {
            date_shift: options.date_shift,
            ..Default::default()
        };
        for patient in patients {
            let pid = Some(patient.id);
            let a = |action: &str, entity: &str, id: uuid::Uuid| {
                self.audit(actor, action, entity, id, pid)
            };
            let (courses, shift) = self.export_courses(actor, p, &patient, options).await?;
            let mut patient_rows = 0;
            for course in courses {
                let cid = course.id.as_uuid();
                let assessments: Vec<Assessment> = self
                    .store
                    .assessments_of_course(course.id, &a("export.assessment.read", "course", cid))
                    .await?
                    .into_iter()
                    .filter(|x| x.status == AssessmentStatus::Final)
                    .collect();
                if assessments.is_empty() {
                    continue;
                }
                let numbers: HashMap<_, u16> = if assessments.iter().any(|x| x.session.is_some()) {
                    self.store
                        .sessions(course.id, &a("export.session.read", "course", cid))
                        .await?
                        .into_iter()
                        .map(|s| (s.id, s.number.get()))
                        .collect()
                } else {
                    HashMap::new()
                };
                let mut ordered = assessments;
                ordered.sort_by_key(|x| (x.administered_at, x.id));
                for x in &ordered {
                    let n = x.session.and_then(|s| numbers.get(&s).copied());
                    w.write_record(row(p, &course, x, n, shift, items)?)?;
                }
                report.rows += ordered.len();
                report.courses += 1;
                patient_rows += ordered.len();
            }
            if patient_rows > 0 {
                report.patients += 1;
            }
        }
        w.flush()?;
        Ok(report)
    }
}

/// What a relationships export is: one row per person of each inventory snapshot (the
/// closeness circle at the start of the middle phase and at the end), for the seed's secondary
/// outcomes (#21). The person is a pseudonym too, so a researcher can pair a relationship's start
/// and end rows; no alias, note or free text is written.
pub fn relationship_header() -> Vec<String> {
    [
        "patient",
        "course",
        "course_format",
        "course_status",
        "point",
        "date",
        "date_shifted",
        "person",
        "relationship",
        "ring",
        "confidant",
        "conflict",
        "deceased",
        "self_expression",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

impl Pseudonymiser {
    /// An inventory person's pseudonym: `R-` and 16 hex digits, like the others.
    pub fn person(&self, id: InventoryPersonId) -> String {
        self.code("R", "person", id.as_uuid())
    }
}

fn relationship_row(
    p: &Pseudonymiser,
    course: &Course,
    snapshot: &InventorySnapshot,
    person: &SnapshotPerson,
    shift: Option<i64>,
) -> Vec<String> {
    let date = shift
        .map(|d| snapshot.taken_on + Duration::days(d))
        .unwrap_or(snapshot.taken_on);
    let unknown = String::new;
    vec![
        p.patient(course.patient),
        p.course(course.id),
        course.format.code().to_string(),
        course.status.code().to_string(),
        snapshot.kind.code().to_string(),
        iso(date),
        flag(shift.is_some()),
        p.person(person.person),
        person.relationship.code().to_string(),
        person.ring.number().to_string(),
        flag(person.confidant),
        person
            .conflict
            .map(|c| c.code().to_string())
            .unwrap_or_else(unknown),
        person.deceased.map(flag).unwrap_or_else(unknown),
        person
            .self_expression
            .map(|r| r.value().to_string())
            .unwrap_or_else(unknown),
    ]
}

impl App {
    /// Write every person of every inventory snapshot as a pseudonymous CSV row to `out`
    /// (`relationship_header`), for the closeness circle and self-expression outcomes.
    /// Administrators only; one audit event (`export.relationships`) and the store's audited
    /// reads. Pseudonyms and date shifts work as for the assessments export.
    pub async fn export_relationships<W: Write + Send>(
        &self,
        actor: &Actor,
        options: ExportOptions,
        out: W,
    ) -> Result<ExportReport, ExportError> {
        let p = Pseudonymiser::random()?;
        self.export_relationships_with(actor, options, &p, out)
            .await
    }

    async fn export_relationships_with<W: Write + Send>(
        &self,
        actor: &Actor,
        options: ExportOptions,
        p: &Pseudonymiser,
        out: W,
    ) -> Result<ExportReport, ExportError> {
        let patients = self
            .export_patients(actor, "export.relationships", p)
            .await?;
        let mut w = csv_writer(out);
        w.write_record(relationship_header())?;
        let mut report = ExportReport {
            date_shift: options.date_shift,
            ..Default::default()
        };
        for patient in patients {
            let pid = Some(patient.id);
            let a = |action: &str, entity: &str, id: uuid::Uuid| {
                self.audit(actor, action, entity, id, pid)
            };
            let (courses, shift) = self.export_courses(actor, p, &patient, options).await?;
            let mut patient_rows = 0;
            for course in courses {
                let snapshots = self
                    .store
                    .snapshots(
                        course.id,
                        &a(
                            "export.inventory_snapshot.read",
                            "course",
                            course.id.as_uuid(),
                        ),
                    )
                    .await?;
                let mut rows = 0;
                for snapshot in &snapshots {
                    let mut people: Vec<&SnapshotPerson> = snapshot.people.iter().collect();
                    // Pseudonym order within a snapshot, so the order says nothing either.
                    people.sort_by_cached_key(|x| p.person(x.person));
                    for person in people {
                        w.write_record(relationship_row(p, &course, snapshot, person, shift))?;
                        rows += 1;
                    }
                }
                if rows > 0 {
                    report.courses += 1;
                    report.rows += rows;
                    patient_rows += rows;
                }
            }
            if patient_rows > 0 {
                report.patients += 1;
            }
        }
        w.flush()?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn pseudonyms_are_stable_within_a_key_and_differ_across_keys() {
        let a = Pseudonymiser::with_key([1; 32]);
        let b = Pseudonymiser::with_key([2; 32]);
        let id = PatientId::from_uuid(Uuid::from_u128(42));
        assert_eq!(a.patient(id), a.patient(id));
        assert_ne!(a.patient(id), b.patient(id));
        assert_eq!(a.patient(id).len(), 2 + 16);
        assert!(a.patient(id).starts_with("P-"));
        // A course with the same UUID as a patient still gets an unrelated pseudonym.
        let cid = CourseId::from_uuid(Uuid::from_u128(42));
        assert_ne!(a.patient(id)[2..], a.course(cid)[2..]);
        assert!(
            !a.patient(id)
                .contains(&Uuid::from_u128(42).simple().to_string())
        );
    }

    #[test]
    fn date_shifts_stay_in_range_are_never_zero_and_vary_by_patient() {
        let p = Pseudonymiser::with_key([7; 32]);
        let shifts: Vec<i64> = (0..2000u128)
            .map(|i| p.shift_days(PatientId::from_uuid(Uuid::from_u128(i))))
            .collect();
        assert!(
            shifts
                .iter()
                .all(|d| *d != 0 && d.abs() <= DATE_SHIFT_MAX_DAYS)
        );
        assert!(shifts.iter().any(|d| *d < 0) && shifts.iter().any(|d| *d > 0));
        assert!(shifts.contains(&DATE_SHIFT_MAX_DAYS) || shifts.contains(&-DATE_SHIFT_MAX_DAYS));
        let distinct: std::collections::BTreeSet<_> = shifts.iter().collect();
        assert!(distinct.len() > 300, "{}", distinct.len());
    }

    #[test]
    fn the_header_has_one_column_per_item_of_the_longest_instrument() {
        let h = header();
        let n = item_columns();
        assert!(n >= 15, "HAM-D and GDS-15 have many items");
        assert!(h.contains(&format!("item_{n}")));
        assert!(!h.contains(&format!("item_{}", n + 1)));
        assert_eq!(h.len(), 14 + n + 5);
    }

    #[test]
    fn totals_are_written_without_needless_decimals() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.5), "12.5");
    }
}
