//! Ports: what the use cases need from the outside world. Storage backends implement `Store`;
//! the binary supplies a `Clock`.
//!
//! Every write method takes the `AuditEvent` that records it, and the store writes both in one
//! transaction (ARCHITECTURE "Audit"). Reads of patient data take one too: reading a record is
//! audited like writing it.

use async_trait::async_trait;
use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::Assessment;
use ipt_domain::authz::Role;
use ipt_domain::course::{Course, Goal};
use ipt_domain::diary::DiaryEntry;
use ipt_domain::ids::*;
use ipt_domain::inventory::{InventoryPerson, InventorySnapshot};
use ipt_domain::patient::Patient;
use ipt_domain::portal::{Assignment, Invitation, PortalAccess, PortalSession};
use ipt_domain::session::TherapySession;
use ipt_domain::timeline::{MoodEpisode, Timeline, TimelineEvent};
use serde::Serialize;
use time::OffsetDateTime;

/// The time source. Tests use a fixed clock.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// Slow password hashing (Argon2id), run off the async runtime by the doors that have one.
#[async_trait]
pub trait Hasher: Send + Sync + 'static {
    async fn hash(&self, secret: String) -> Result<String, crate::AppError>;
    /// Whether `secret` is the one `stored` hashes; false for a malformed hash.
    async fn verify(&self, secret: String, stored: String) -> bool;
}

/// Hashing on the calling thread: for the command line and tools, which wait anyway.
#[derive(Debug, Clone, Copy, Default)]
pub struct InlineHasher;

#[async_trait]
impl Hasher for InlineHasher {
    async fn hash(&self, secret: String) -> Result<String, crate::AppError> {
        crate::password::hash(&secret)
    }

    async fn verify(&self, secret: String, stored: String) -> bool {
        crate::password::verify(&secret, &stored)
    }
}

/// Attempts at a secret counted under one key within its window (`usecases::throttle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptCount {
    /// Attempts in the window, the one just counted included (0 for a key never counted).
    pub attempts: i64,
    /// When the window began, in seconds since 1970 (UTC).
    pub window_start: i64,
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A record of who did what to which record, and when. Carries ids only, never clinical text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub at: OffsetDateTime,
    pub actor: Option<UserId>,
    /// A dotted verb such as `course.update` or `patient.read`.
    pub action: String,
    /// The kind of record: `course`, `patient`, `inventory_person` …
    pub entity: String,
    pub entity_id: uuid::Uuid,
    pub patient: Option<PatientId>,
}

/// Which audit events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub patient: Option<PatientId>,
    pub actor: Option<UserId>,
    pub limit: u32,
}

/// A point of the audit chain: a row's place (`seq`, gap-free from 1) and its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainPoint {
    pub seq: i64,
    pub hash: [u8; 32],
}

/// The audit chain as the store keeps it (`audit_chain`): its newest row, and the last row
/// pruned, from which verification starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditChainHead {
    /// The newest row; seq 0 and a zero hash before the first.
    pub head: ChainPoint,
    /// The last row pruned; seq 0 and a zero hash when none was.
    pub pruned: ChainPoint,
}

/// The first broken link verification found, in the words an operator acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// Rows `from` to `to` are gone: deleted.
    #[error("rows {from} to {to} are missing (deleted)")]
    Missing { from: i64, to: i64 },
    /// The row at `seq` follows a row that is no longer in the trail: the row before it was
    /// deleted and the rest renumbered, or was rewritten with a new hash.
    #[error(
        "row {seq} follows a row that is no longer in the trail (the row before it was deleted, or rewritten)"
    )]
    Unlinked { seq: i64 },
    /// The row at `seq` does not hash to its stored hash: one of its fields was changed.
    #[error("row {seq} was altered: its contents no longer match its hash")]
    Altered { seq: i64 },
    /// The row at `seq` was written right after the row now at `follows`: rows were reordered.
    #[error("row {seq} is out of order: it was written right after the row now at {follows}")]
    Reordered { seq: i64, follows: i64 },
    /// The trail ends at `last` but the chain's head is `head`: the newest rows were deleted.
    #[error("the trail ends at row {last} but its head is row {head}: the newest rows are missing")]
    Truncated { last: i64, head: i64 },
    /// The head records another hash than its row's.
    #[error("the chain's head does not match row {seq}: the head was edited")]
    HeadMismatch { seq: i64 },
    /// Rows without a place in the chain: inserted past the application.
    #[error("{count} rows have no place in the chain (inserted past the application)")]
    Unchained { count: i64 },
    /// The anchor's row now holds another hash: the trail was rewritten since the anchor.
    #[error("row {seq} no longer has the anchor's hash: the trail was rewritten since the anchor")]
    AnchorMismatch { seq: i64 },
    /// The anchor lies past the chain's end: rows were deleted from the end, or the database
    /// is older than the anchor (restored from an earlier backup).
    #[error("the anchor is row {seq} but the chain ends at row {head}: rows after it are missing")]
    AnchorAhead { seq: i64, head: i64 },
    /// The anchor's row was pruned; only the last pruned row can still be checked.
    #[error(
        "the anchor is row {seq}, pruned (the trail now starts after row {pruned}): it cannot be checked; export a newer anchor"
    )]
    AnchorPruned { seq: i64, pruned: i64 },
}

/// What verifying the audit chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// The chain as it stood when verification began; rows appended since are not checked.
    pub chain: AuditChainHead,
    /// Rows whose link was checked.
    pub checked: u64,
    /// The first broken link, if any.
    pub broken: Option<ChainBreak>,
}

/// What pruning the audit trail did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditPrune {
    pub deleted: u64,
    /// The last row pruned, from which verification now starts.
    pub pruned: ChainPoint,
}

/// A user account as stored. The password hash never leaves the app layer.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    pub supervisor: Option<UserId>,
    pub version: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("password_hash", &"<redacted>")
            .field("active", &self.active)
            .finish()
    }
}

/// A signed-in browser session. Storage sees only the SHA-256 hash of the cookie's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    pub token_hash: String,
    pub user: UserId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A staff account's TOTP secret (RFC 6238, base32): pending until its first code is given.
#[derive(Clone, PartialEq, Eq)]
pub struct SecondFactor {
    pub user: UserId,
    pub secret: String,
    pub enabled_at: Option<OffsetDateTime>,
    /// The last 30-second step whose code was accepted: no code is accepted twice.
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for SecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecondFactor")
            .field("user", &self.user)
            .field("enabled_at", &self.enabled_at)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// A password checked, its account's second factor still to come. Storage sees only the
/// SHA-256 hash of the challenge cookie's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInChallenge {
    pub user: UserId,
    pub expires_at: OffsetDateTime,
}

/// A personal API token. Storage sees only the SHA-256 hash of the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub user: UserId,
    pub name: String,
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

/// Which risk alerts to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct AlertFilter {
    pub patient: Option<PatientId>,
    /// Alerts of this clinician's patients.
    pub clinician: Option<UserId>,
    pub open_only: bool,
}

/// Records to insert together (see `Store::bulk_load`).
#[derive(Debug, Clone, Default)]
pub struct BulkLoad {
    pub patients: Vec<Patient>,
    pub courses: Vec<Course>,
    pub sessions: Vec<TherapySession>,
    pub assessments: Vec<Assessment>,
    pub diary: Vec<DiaryEntry>,
    /// Risk alerts the assessments raised, open or already acknowledged.
    pub alerts: Vec<RiskAlert>,
}

/// One patient on a caseload, with the records the caseload reads (see
/// `Store::caseload_records`). Courses, sessions and assessments are in time order.
///
/// Sessions and assessments carry what the caseload counts, dates and scores, not their
/// clinical content: a session's techniques, strategies, tasks, checklist, notes, interval
/// events, agreed actions and risk note, and an assessment's item answers, are left empty.
/// Read a course's own sessions and assessments for those.
#[derive(Debug, Clone)]
pub struct CaseloadRecord {
    pub patient: Patient,
    pub courses: Vec<Course>,
    pub sessions: Vec<TherapySession>,
    pub assessments: Vec<Assessment>,
}

/// The thresholds outcome counts use, for one instrument (from its change rules).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeRules {
    /// Response: the latest total is at least this fraction below baseline (0.5 = 50 %).
    pub response_fraction: f64,
    /// Remission: the latest total is at most this.
    pub remission_at_most: f64,
    /// Reliable change: a difference of at least this many points (the reliable change index).
    pub reliable_change: f64,
    /// Courses whose baseline is below this are left out (they had little to improve).
    pub min_baseline: f64,
}

/// The rules a change summary counts by (`Store::change_summary`), in the direction of the
/// instrument: `better` is +1 where a higher total is better and −1 where a lower one is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangeRules {
    pub better: f64,
    /// A change of at least this many points is reliable; None where the instrument has no
    /// reliable-change index (then nothing is counted as reliable).
    pub reliable_change: Option<f64>,
    /// The caseness cut-off, as (threshold, side): side +1 means "a case at or above it", −1
    /// "a case at or below it". None where the instrument defines no caseness.
    pub caseness: Option<(f64, f64)>,
}

/// One format's change on one instrument, over the courses with a first and a later final
/// total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeSummary {
    /// The course format's code.
    pub format: String,
    pub courses: u64,
    /// The mean of latest minus first, in points (signed as the totals are).
    pub mean_change: Option<f64>,
    /// Courses whose total moved the better way at all.
    pub improved: u64,
    /// Moved the better way by at least the reliable change (0 without a rule).
    pub reliably_improved: u64,
    pub reliably_deteriorated: u64,
    /// Courses that started within the caseness range, and those of them that left it.
    pub cases_at_start: u64,
    pub left_caseness: u64,
}

/// How many courses met each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutcomeCounts {
    pub courses: u64,
    pub responders: u64,
    pub remitters: u64,
    pub reliably_improved: u64,
    pub reliably_deteriorated: u64,
}

/// Connection-pool figures for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// What a database holds, table by table: what a backup's manifest records and a restore checks
/// (#16). Read in one snapshot, so the counts agree with each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatabaseCensus {
    /// The version of the last migration applied (`0011_…` is 11); None before any.
    pub last_migration: Option<i64>,
    /// Rows per table, by table name: every table of the schema but the migrations' own.
    pub tables: std::collections::BTreeMap<String, u64>,
}

impl DatabaseCensus {
    /// Whether any table holds a record. The audit chain's head (`audit_chain`, one row that
    /// every migrated database has) and the encryption bookkeeping (`encryption_state`, and
    /// the check values of `encryption_keys` a first start registers) are not records.
    pub fn has_rows(&self) -> bool {
        self.tables.iter().any(|(table, n)| {
            *n > 0
                && !matches!(
                    table.as_str(),
                    "audit_chain" | "encryption_state" | "encryption_keys"
                )
        })
    }
}

/// Where a walk over the sealed columns (`ipt keys rotate`) has got to: the table by its index
/// in the store's list of sealed tables, and the last row done in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResealCursor {
    pub table: usize,
    pub after: Option<uuid::Uuid>,
}

/// One batch of a rotation: the rows read, the values re-sealed under the primary key, and
/// where to go on (None when every sealed column has been walked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResealBatch {
    pub rows: u64,
    pub resealed: u64,
    pub next: Option<ResealCursor>,
}

/// An encryption key the database knows (by id and check value only; never the key), and how
/// many stored values it seals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub id: String,
    pub added_at: OffsetDateTime,
    pub retired_at: Option<OffsetDateTime>,
    pub values: u64,
    /// False for a key id that values name but the database never registered.
    pub registered: bool,
}

/// The keys of a database and their use: what `ipt keys status` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUsage {
    /// The id of the store's primary key (the first of its key file).
    pub primary: String,
    pub keys: Vec<KeyRecord>,
    /// Values in sealed columns that are not encrypted (none, once a start has sealed them).
    pub unsealed: u64,
}

/// What can go wrong in storage, in terms the app can act on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("{entity} {id} was not found")]
    NotFound {
        entity: &'static str,
        id: uuid::Uuid,
    },
    /// Optimistic concurrency: the record changed since the caller read it.
    #[error(
        "{entity} {id} was changed by someone else (you had version {expected}, it is now {actual})"
    )]
    Conflict {
        entity: &'static str,
        id: uuid::Uuid,
        expected: i64,
        actual: i64,
    },
    #[error("{0}")]
    Duplicate(String),
    #[error("the database could not be reached: {0}")]
    Unavailable(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Backend(String),
    /// The encryption keys given do not fit the database (a wrong key, a missing one).
    #[error("the encryption keys do not fit this database: {0}")]
    Keys(String),
}

/// The storage port. One implementation per database; one contract suite proves them alike.
///
/// Versioned updates take the record carrying the version the caller read, and return the new
/// version. A record changed meanwhile is refused with `StoreError::Conflict`.
///
/// The methods come in groups, each headed by the file of `ipt-store-common` that holds the
/// group's SQL.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    fn pool_stats(&self) -> PoolStats;

    // Users, their sign-in sessions and their API tokens (users.rs).
    async fn create_user(&self, user: &UserRecord, audit: &AuditEvent) -> Result<(), StoreError>;
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError>;
    async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError>;
    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Set (or clear) a clinician's supervisor, naming the version read; a stale version is a
    /// `Conflict` and nothing is written. Returns the new version.
    async fn set_supervisor(
        &self,
        user: UserId,
        supervisor: Option<UserId>,
        version: i64,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    /// The users whose supervisor is `supervisor`, by username.
    async fn supervisees(&self, supervisor: UserId) -> Result<Vec<UserRecord>, StoreError>;
    /// The interface language a user chose, if any (None follows the browser).
    async fn user_language(
        &self,
        user: UserId,
    ) -> Result<Option<ipt_domain::patient::Language>, StoreError>;
    async fn set_user_language(
        &self,
        user: UserId,
        language: Option<ipt_domain::patient::Language>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Whether any user account exists (without reading them all: a national programme has
    /// tens of thousands).
    async fn has_users(&self) -> Result<bool, StoreError>;
    // Sign-in sessions and API tokens.
    async fn create_web_session(
        &self,
        session: &WebSession,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn web_session(&self, token_hash: &str) -> Result<Option<WebSession>, StoreError>;
    async fn touch_web_session(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn delete_web_session(
        &self,
        token_hash: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    // Two-factor sign-in (second_factor.rs).
    async fn second_factor(&self, user: UserId) -> Result<Option<SecondFactor>, StoreError>;
    /// Keep a new TOTP secret for `user`, pending until `enable_second_factor`; a pending one
    /// is replaced. `Duplicate` when one is already on.
    async fn begin_second_factor(
        &self,
        user: UserId,
        secret: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Turn the pending secret on at `at`, its code of `step` used, with these recovery code
    /// hashes replacing any others. `NotFound` when nothing is pending.
    async fn enable_second_factor(
        &self,
        user: UserId,
        at: OffsetDateTime,
        step: i64,
        recovery_hashes: &[String],
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Record `step`'s code as used, atomically: false when it or a later step was used.
    async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError>;
    /// Spend a recovery code: false (nothing written) when it is unknown or spent.
    async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> Result<bool, StoreError>;
    async fn unused_recovery_codes(&self, user: UserId) -> Result<u32, StoreError>;
    async fn replace_recovery_codes(
        &self,
        user: UserId,
        hashes: &[String],
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Turn two-factor sign-in off: the secret, recovery codes and challenges go.
    async fn remove_second_factor(
        &self,
        user: UserId,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn create_sign_in_challenge(
        &self,
        token_hash: &str,
        user: UserId,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn sign_in_challenge(
        &self,
        token_hash: &str,
    ) -> Result<Option<SignInChallenge>, StoreError>;
    async fn delete_sign_in_challenge(&self, token_hash: &str) -> Result<(), StoreError>;
    async fn create_token(&self, token: &ApiToken, audit: &AuditEvent) -> Result<(), StoreError>;
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>, StoreError>;
    async fn tokens_of_user(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError>;
    async fn revoke_token(
        &self,
        id: TokenId,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn token_used(&self, id: TokenId, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Count one attempt under each key, atomically per key (two callers never both see the
    /// same count): a key whose window (of `window` seconds) began at or before `now - window`
    /// starts a new one at `now`. Answers each key's count, this attempt included, in order.
    /// Windows that have ended are removed.
    async fn count_attempts(
        &self,
        keys: &[String],
        now: i64,
        window: i64,
    ) -> Result<Vec<AttemptCount>, StoreError>;
    /// After a right secret: take one attempt back from each of `uncount`, and forget `forget`.
    async fn settle_attempts(
        &self,
        uncount: &[String],
        forget: &[String],
    ) -> Result<(), StoreError>;
    /// Each key's count in its current window, without counting (0 when it has none).
    async fn attempts(
        &self,
        keys: &[String],
        now: i64,
        window: i64,
    ) -> Result<Vec<AttemptCount>, StoreError>;

    // Patients (patients.rs).
    async fn create_patient(&self, patient: &Patient, audit: &AuditEvent)
    -> Result<(), StoreError>;
    async fn patient(
        &self,
        id: PatientId,
        audit: &AuditEvent,
    ) -> Result<Option<Patient>, StoreError>;
    /// Patients of one clinician, or all when `clinician` is None.
    async fn list_patients(
        &self,
        clinician: Option<UserId>,
        audit: &AuditEvent,
    ) -> Result<Vec<Patient>, StoreError>;
    /// At most `limit` of `clinician`'s patients by name (byte by byte, on both databases),
    /// then id, after (name, id).
    async fn patients_page(
        &self,
        clinician: UserId,
        after: Option<(String, PatientId)>,
        limit: u32,
        audit: &AuditEvent,
    ) -> Result<Vec<Patient>, StoreError>;
    async fn update_patient(
        &self,
        patient: &Patient,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn count_patients(&self) -> Result<u64, StoreError>;

    // Courses, and supervisors' comments on them (courses.rs). The course row carries the
    // indication, diagnosis, focus, formulation, contract, relapse plan and the rest.
    async fn create_course(&self, course: &Course, audit: &AuditEvent) -> Result<(), StoreError>;
    async fn course(&self, id: CourseId, audit: &AuditEvent) -> Result<Option<Course>, StoreError>;
    /// A course and its patient in one read. `course_audit` is recorded for the course, and
    /// `patient_audit`, completed with the patient's id, for the patient.
    async fn course_and_patient(
        &self,
        id: CourseId,
        course_audit: &AuditEvent,
        patient_audit: &AuditEvent,
    ) -> Result<Option<(Course, Patient)>, StoreError>;
    async fn courses_of_patient(
        &self,
        patient: PatientId,
        audit: &AuditEvent,
    ) -> Result<Vec<Course>, StoreError>;
    /// At most `limit` of a patient's courses, by start date then id, after (date, id).
    async fn courses_page(
        &self,
        patient: PatientId,
        after: Option<(time::Date, CourseId)>,
        limit: u32,
        audit: &AuditEvent,
    ) -> Result<Vec<Course>, StoreError>;
    async fn update_course(&self, course: &Course, audit: &AuditEvent) -> Result<i64, StoreError>;
    // Supervision comments: added, never changed.
    async fn add_comment(
        &self,
        comment: &ipt_domain::supervision::SupervisorComment,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn comments(
        &self,
        course: CourseId,
        audit: &AuditEvent,
    ) -> Result<Vec<ipt_domain::supervision::SupervisorComment>, StoreError>;
    /// At most `limit` of a course's comments, by time written then id, after (time, id).
    async fn comments_page(
        &self,
        course: CourseId,
        after: Option<(OffsetDateTime, CommentId)>,
        limit: u32,
        audit: &AuditEvent,
    ) -> Result<Vec<ipt_domain::supervision::SupervisorComment>, StoreError>;

    // The initial phase's records of their own: the interpersonal inventory and the timeline
    // (initial_phase.rs).
    // Interpersonal inventory.
    async fn add_person(
        &self,
        course: CourseId,
        person: &InventoryPerson,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn update_person(
        &self,
        course: CourseId,
        person: &InventoryPerson,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn delete_person(
        &self,
        course: CourseId,
        id: InventoryPersonId,
        version: i64,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn inventory(
        &self,
        course: CourseId,
        audit: &AuditEvent,
    ) -> Result<Vec<InventoryPerson>, StoreError>;
    async fn add_snapshot(
        &self,
        course: CourseId,
        snapshot: &InventorySnapshot,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn snapshots(
        &self,
        course: CourseId,
        audit: &AuditEvent,
    ) -> Result<Vec<InventorySnapshot>, StoreError>;
    // Timeline.
    async fn add_event(
        &self,
        course: CourseId,
        event: &TimelineEvent,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn update_event(
        &self,
        course: CourseId,
        event: &TimelineEvent,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn delete_event(
        &self,
        course: CourseId,
        id: TimelineEventId,
        version: i64,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn add_episode(
        &self,
        course: CourseId,
        episode: &MoodEpisode,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Correct an episode at its version. Marking it current clears the mark on the course's
    /// other episodes in the same transaction, each with an audit row like `audit`.
    async fn update_episode(
        &self,
        course: CourseId,
        episode: &MoodEpisode,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn timeline(&self, course: CourseId, audit: &AuditEvent) -> Result<Timeline, StoreError>;

    // Therapy sessions and goals (sessions.rs).
    // Sessions. A concern in the risk review raises an alert, stored in the same transaction.
    /// A session, the alert its risk review raises and the patient's 0–10 mood rating for it,
    /// written in one transaction with their audit rows: all of them or none.
    async fn add_session(
        &self,
        session: &TherapySession,
        alert: Option<&RiskAlert>,
        mood: Option<(&Assessment, &AuditEvent)>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// As `add_session`, for a changed session (and a new mood rating, when it changed).
    async fn update_session(
        &self,
        session: &TherapySession,
        alert: Option<&RiskAlert>,
        mood: Option<(&Assessment, &AuditEvent)>,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn sessions(
        &self,
        course: CourseId,
        audit: &AuditEvent,
    ) -> Result<Vec<TherapySession>, StoreError>;
    /// At most `limit` of a course's sessions, by number, after session number `after`.
    async fn sessions_page(
        &self,
        course: CourseId,
        after: Option<u16>,
        limit: u32,
        audit: &AuditEvent,
    ) -> Result<Vec<TherapySession>, StoreError>;
    // Goals.
    async fn add_goal(
        &self,
        course: CourseId,
        goal: &Goal,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn update_goal(
        &self,
        course: CourseId,
        goal: &Goal,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn goals(&self, course: CourseId, audit: &AuditEvent) -> Result<Vec<Goal>, StoreError>;

    // Assessments, risk alerts, the mood diary and outcome counts (assessments.rs).
    // Assessments. A final assessment must carry its result; drafts never count in results.
    // Adding or completing one stores the risk alert it raises in the same transaction.
    async fn add_assessment(
        &self,
        assessment: &Assessment,
        alert: Option<&RiskAlert>,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn update_assessment(
        &self,
        assessment: &Assessment,
        alert: Option<&RiskAlert>,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn assessments_of_course(
        &self,
        course: CourseId,
        audit: &AuditEvent,
    ) -> Result<Vec<Assessment>, StoreError>;
    /// At most `limit` of a course's assessments, by administration time then id, after the
    /// one administered at `after` (time, id); from the first when None.
    async fn assessments_page(
        &self,
        course: CourseId,
        after: Option<(OffsetDateTime, AssessmentId)>,
        limit: u32,
        audit: &AuditEvent,
    ) -> Result<Vec<Assessment>, StoreError>;
    // Risk alerts: added, acknowledged, never deleted.
    async fn add_alert(&self, alert: &RiskAlert, audit: &AuditEvent) -> Result<(), StoreError>;
    async fn alerts(
        &self,
        filter: &AlertFilter,
        audit: &AuditEvent,
    ) -> Result<Vec<RiskAlert>, StoreError>;
    /// At most `limit` of the open alerts of `clinician`'s patients, oldest first (by time
    /// raised, then id), after (time, id).
    async fn open_alerts_page(
        &self,
        clinician: UserId,
        after: Option<(OffsetDateTime, AlertId)>,
        limit: u32,
        audit: &AuditEvent,
    ) -> Result<Vec<RiskAlert>, StoreError>;
    /// Save the acknowledgement carried by `alert` (whose version is the one read).
    async fn acknowledge_alert(
        &self,
        alert: &RiskAlert,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    // The interpersonal mood diary: one entry per course and day.
    async fn add_diary_entry(
        &self,
        entry: &DiaryEntry,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn update_diary_entry(
        &self,
        entry: &DiaryEntry,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    /// A course's diary, oldest day first.
    async fn diary_entries(
        &self,
        course: CourseId,
        audit: &AuditEvent,
    ) -> Result<Vec<DiaryEntry>, StoreError>;
    /// Outcome counts over every course with a baseline and at least one later final result of
    /// `instrument`, read from the per-course outcome rows the store keeps.
    async fn outcome_counts(
        &self,
        instrument: &str,
        rules: &OutcomeRules,
        audit: &AuditEvent,
    ) -> Result<OutcomeCounts, StoreError>;
    /// Change on `instrument` per course format over every course with a first and a later
    /// final total, from the per-course outcome rows (the secondary outcomes of #21).
    async fn change_summary(
        &self,
        instrument: &str,
        rules: &ChangeRules,
        audit: &AuditEvent,
    ) -> Result<Vec<ChangeSummary>, StoreError>;

    // The patient portal (portal.rs).
    // Patient portal: invitations, the patient's own way back in, portal sign-ins.
    async fn create_invitation(
        &self,
        invitation: &Invitation,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn invitation_by_hash(&self, token_hash: &str) -> Result<Option<Invitation>, StoreError>;
    async fn invitations_of_patient(
        &self,
        patient: PatientId,
        audit: &AuditEvent,
    ) -> Result<Vec<Invitation>, StoreError>;
    /// Revoke an invitation that is neither revoked nor accepted; otherwise `NotFound`.
    async fn revoke_invitation(
        &self,
        id: InvitationId,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// Mark an open, unexpired invitation accepted and set the patient's portal access, in one
    /// transaction. An invitation already accepted, revoked or expired at `at` is `NotFound`.
    async fn accept_invitation(
        &self,
        id: InvitationId,
        at: OffsetDateTime,
        access: &PortalAccess,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn portal_access_by_code(
        &self,
        code_hash: &str,
    ) -> Result<Option<PortalAccess>, StoreError>;
    async fn portal_access(&self, patient: PatientId) -> Result<Option<PortalAccess>, StoreError>;
    /// Replace a patient's passphrase (the code stays).
    async fn set_passphrase(
        &self,
        patient: PatientId,
        passphrase_hash: &str,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn create_portal_session(
        &self,
        session: &PortalSession,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn portal_session(&self, token_hash: &str) -> Result<Option<PortalSession>, StoreError>;
    async fn touch_portal_session(
        &self,
        token_hash: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn delete_portal_session(
        &self,
        token_hash: &str,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;

    /// The language a patient chose for their portal pages, if they chose one.
    async fn portal_language(
        &self,
        patient: PatientId,
    ) -> Result<Option<ipt_domain::patient::Language>, StoreError>;
    /// Keep the patient's choice of portal language. It never touches the patient record.
    async fn set_portal_language(
        &self,
        patient: PatientId,
        language: ipt_domain::patient::Language,
        at: OffsetDateTime,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    // Questionnaires assigned for the portal.
    async fn add_assignment(
        &self,
        assignment: &Assignment,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    async fn update_assignment(
        &self,
        assignment: &Assignment,
        audit: &AuditEvent,
    ) -> Result<i64, StoreError>;
    async fn assignments_of_course(
        &self,
        course: CourseId,
        audit: &AuditEvent,
    ) -> Result<Vec<Assignment>, StoreError>;

    // Many patients at once (caseload.rs): the caseload read, and bulk loading of synthetic
    // scale data.
    /// Everything a caseload shows for one clinician's patients, read in one transaction: the
    /// patients, their courses, and the sessions and assessments of those courses. One audit
    /// event per patient is written, copied from `audit` with the patient's id.
    async fn caseload_records(
        &self,
        clinician: UserId,
        audit: &AuditEvent,
    ) -> Result<Vec<CaseloadRecord>, StoreError>;
    /// Insert many records in one transaction, recorded by one audit event. Used to load
    /// synthetic data at scale; each record is checked as its single-record insert checks it.
    async fn bulk_load(&self, batch: &BulkLoad, audit: &AuditEvent) -> Result<(), StoreError>;
    /// Bring the query planner's table statistics up to date, after a bulk load: without them
    /// PostgreSQL plans the caseload's reads as scans of every course (#15).
    async fn refresh_statistics(&self) -> Result<(), StoreError>;
    /// What the operator should hear about the database at start, in plain words (PostgreSQL
    /// with autovacuum off, whose statistics then go stale). Empty when all is well.
    async fn operator_warnings(&self) -> Result<Vec<String>, StoreError>;
    /// The last migration applied and the rows of every table, read in one snapshot
    /// (census.rs). A table this binary does not know is `Corrupt`: a backup must not leave
    /// one out.
    async fn census(&self) -> Result<DatabaseCensus, StoreError>;

    // Audit (audit.rs).
    async fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError>;
    /// An audit event that goes with no record written: a refused sign-in, a wrong second
    /// factor. Committed before the refusal is answered.
    async fn record_refusal(&self, audit: &AuditEvent) -> Result<(), StoreError>;
    /// The audit chain's head and pruned boundary.
    async fn audit_chain(&self) -> Result<AuditChainHead, StoreError>;
    /// Walk the audit chain from its pruned boundary to its head, in seq order and in batches
    /// (bounded memory), and report the first broken link. With `anchor`, the chain must still
    /// hold that point. Runs in one read snapshot, so concurrent writes and prunes do not
    /// disturb it.
    async fn verify_audit_chain(
        &self,
        anchor: Option<ChainPoint>,
    ) -> Result<AuditVerification, StoreError>;
    /// Delete the oldest audit rows, those written before `before`, `batch` rows per
    /// transaction, each transaction recorded by an audit event like `audit`. Only a prefix of
    /// the chain is deleted, and its last row becomes the pruned boundary. Rows are checked
    /// before they are deleted: a broken link is refused (with `StoreError::Corrupt`), so
    /// pruning never destroys the evidence of tampering.
    async fn prune_audit(
        &self,
        before: OffsetDateTime,
        batch: u32,
        audit: &AuditEvent,
    ) -> Result<AuditPrune, StoreError>;

    // Encryption at rest (sealed.rs).
    /// Re-seal, under the store's primary key, the values of the next `limit` rows from
    /// `from`, in one transaction recorded by an audit event like `audit`. A value changed
    /// meanwhile is left as its writer sealed it.
    async fn reseal_batch(
        &self,
        from: ResealCursor,
        limit: u32,
        audit: &AuditEvent,
    ) -> Result<ResealBatch, StoreError>;
    /// The keys the database knows and how many values each seals.
    async fn key_usage(&self) -> Result<KeyUsage, StoreError>;
    /// Retire the keys, other than the primary, that seal no value: a start no longer needs
    /// them. Returns their ids.
    async fn retire_unused_keys(&self) -> Result<Vec<String>, StoreError>;
}
