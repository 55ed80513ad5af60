//! Patients: table `patients`.

use ipt_app::ports::StoreError;
use ipt_domain::ids::{PatientId, UserId};
use ipt_domain::patient::{Language, Patient, PatientName};
use time::Date;
use uuid::Uuid;

use crate::{DomainRow, Keyring, corrupt};

/// One patient (also read by `courses::course_and_patient`).
pub const BY_ID: &str = "SELECT * FROM patients WHERE id = $1";
/// One clinician's patients (also read by `caseload::caseload_records`).
pub const OF_CLINICIAN: &str = "SELECT * FROM patients WHERE clinician_id = $1 ORDER BY name, id";

/// A page of one clinician's patients by name (compared byte by byte, as the app sorts them:
/// PostgreSQL's own collation would order them otherwise than SQLite), then id: the first $2,
/// or (`PAGE_AFTER_*`) those after the one named $3 with id $4. The one statement that differs
/// between the dialects: SQLite compares text byte by byte already, PostgreSQL needs "C".
pub const PAGE_FIRST_SQLITE: &str =
    "SELECT * FROM patients WHERE clinician_id = $1 ORDER BY name, id LIMIT $2";
pub const PAGE_AFTER_SQLITE: &str = "SELECT * FROM patients WHERE clinician_id = $1 \
     AND (name > $3 OR (name = $3 AND id > $4)) ORDER BY name, id LIMIT $2";
pub const PAGE_FIRST_POSTGRES: &str = "SELECT * FROM patients WHERE clinician_id = $1 \
     ORDER BY name COLLATE \"C\", id LIMIT $2";
pub const PAGE_AFTER_POSTGRES: &str = "SELECT * FROM patients WHERE clinician_id = $1 \
     AND (name COLLATE \"C\" > $3 OR (name = $3 AND id > $4)) \
     ORDER BY name COLLATE \"C\", id LIMIT $2";

/// A row of `patients`.
#[derive(sqlx::FromRow)]
pub struct PatientRow {
    id: Uuid,
    name: String,
    date_of_birth: Option<Date>,
    language: String,
    clinician_id: Uuid,
    version: i64,
}

impl DomainRow for PatientRow {
    type Domain = Patient;

    fn into_domain(self, _: &Keyring) -> Result<Patient, StoreError> {
        Ok(Patient {
            id: PatientId::from_uuid(self.id),
            name: PatientName::parse(&self.name).map_err(corrupt)?,
            date_of_birth: self.date_of_birth,
            language: Language::parse(&self.language).map_err(corrupt)?,
            clinician: UserId::from_uuid(self.clinician_id),
            version: self.version,
        })
    }
}

/// The patients' statements, expanded by `impl_store!` into `shared_sql::patients`.
#[doc(hidden)]
#[macro_export]
macro_rules! patients_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod patients {
            use super::*;
            pub(crate) use $crate::patients::*;

            pub(crate) async fn insert(tx: &mut Tx<'_>, p: &Patient) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO patients (id, name, date_of_birth, language, clinician_id, \
                     version) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(p.id.as_uuid())
                .bind(p.name.as_str())
                .bind(p.date_of_birth)
                .bind(p.language.code())
                .bind(p.clinician.as_uuid())
                .bind(p.version)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
                Ok(())
            }

            pub(crate) async fn create_patient(
                s: &$store,
                p: &Patient,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                insert(&mut tx, p).await?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn patient(
                s: &$store,
                id: PatientId,
                a: &AuditEvent,
            ) -> Result<Option<Patient>, StoreError> {
                let q = sqlx::query(BY_ID).bind(id.as_uuid());
                read_optional::<PatientRow>(s, q, a).await
            }

            pub(crate) async fn list_patients(
                s: &$store,
                clinician: Option<UserId>,
                a: &AuditEvent,
            ) -> Result<Vec<Patient>, StoreError> {
                let q = match clinician {
                    Some(c) => sqlx::query(OF_CLINICIAN).bind(c.as_uuid()),
                    None => sqlx::query("SELECT * FROM patients ORDER BY name, id"),
                };
                read_all::<PatientRow>(s, q, a).await
            }

            pub(crate) async fn patients_page(
                s: &$store,
                clinician: UserId,
                after: Option<(String, PatientId)>,
                limit: u32,
                a: &AuditEvent,
            ) -> Result<Vec<Patient>, StoreError> {
                let pg = <$db as sqlx::Database>::NAME == "PostgreSQL";
                let (first, next) = if pg {
                    (PAGE_FIRST_POSTGRES, PAGE_AFTER_POSTGRES)
                } else {
                    (PAGE_FIRST_SQLITE, PAGE_AFTER_SQLITE)
                };
                let q = match after {
                    None => sqlx::query(first)
                        .bind(clinician.as_uuid())
                        .bind(i64::from(limit)),
                    Some((name, id)) => sqlx::query(next)
                        .bind(clinician.as_uuid())
                        .bind(i64::from(limit))
                        .bind(name)
                        .bind(id.as_uuid()),
                };
                read_all::<PatientRow>(s, q, a).await
            }

            pub(crate) async fn update_patient(
                s: &$store,
                p: &Patient,
                a: &AuditEvent,
            ) -> Result<i64, StoreError> {
                let q = sqlx::query(
                    "UPDATE patients SET name = $1, date_of_birth = $2, language = $3, \
                     clinician_id = $4, version = version + 1 \
                     WHERE id = $5 AND version = $6",
                )
                .bind(p.name.as_str())
                .bind(p.date_of_birth)
                .bind(p.language.code())
                .bind(p.clinician.as_uuid())
                .bind(p.id.as_uuid())
                .bind(p.version);
                let id = p.id.as_uuid();
                write_versioned(s, q, "patients", "patient", id, p.version, None, a).await
            }

            pub(crate) async fn count_patients(s: &$store) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM patients")
                    .fetch_one(&s.pool)
                    .await
                    .map_err(map_err)?;
                Ok(n as u64)
            }
        }
    };
}
