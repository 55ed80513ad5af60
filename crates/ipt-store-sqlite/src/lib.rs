//! The IPT Workbench store on embedded SQLite: the default, for one machine.
//!
//! Durability: WAL journal with `synchronous=FULL`, so a write the store acknowledged survives
//! a crash or power loss (SQLite docs, "WAL mode": with FULL, the WAL is synced at each commit).
//! Foreign keys are enforced.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use ipt_app::ports::StoreError;
pub use ipt_store_common::Keyring;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};

/// Rows a connection's thread may read ahead of the task that consumes them.
const ROW_BUFFER: usize = 4096;

/// The SQLite store.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub pool: Pool<Sqlite>,
    /// Writes committed in groups: the audit events of reads, and questionnaire submissions
    /// (`ipt_store_common::group_commit`).
    writes: ipt_store_common::GroupCommit<ipt_store_common::Batched>,
    /// The keys its clinical free text is sealed with (`ipt_store_common::sealed`).
    keys: Arc<Keyring>,
}

/// The embedded migrations (`migrations/`), named as the PostgreSQL ones.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl SqliteStore {
    /// Open (creating the file if needed) the database at `url` (`sqlite://path` or
    /// `sqlite::memory:`), to seal and open free text with `keys`. Does not migrate, nor check
    /// the keys (`migrate` does).
    pub async fn connect(url: &str, keys: Keyring) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Deleted and overwritten content is zeroed, not left in free pages: what a
            // database written before encryption held is gone once its first start has sealed
            // it (SQLite docs, "PRAGMA secure_delete").
            .pragma("secure_delete", "ON")
            // sqlx runs each connection on its own thread and hands rows over a channel; at
            // its default of 50 the thread stops every 50 rows until the reader catches up,
            // and a caseload (over a thousand rows) pays for dozens of thread switches.
            .row_buffer_size(ROW_BUFFER);
        // An in-memory database exists per connection: keep exactly one.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let keys = Arc::new(keys);
        Ok(Self {
            writes: shared_sql::write_queue(pool.clone(), keys.clone()),
            pool,
            keys,
        })
    }

    /// Apply pending migrations, then check the keys against the database. Each migration
    /// runs in its own transaction: a failed one leaves the database as it was.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        shared_sql::after_migrations(self).await
    }

    /// Connect and migrate.
    pub async fn open(url: &str, keys: Keyring) -> Result<Self, StoreError> {
        let store = Self::connect(url, keys).await?;
        store.migrate().await?;
        Ok(store)
    }
}

ipt_store_common::impl_store!(SqliteStore, Sqlite, "sqlite", "BEGIN IMMEDIATE");

/// The census of the database `conn` is connected to, read in the transaction `conn` is in: how
/// a backup counts the rows of the very snapshot it copies (#16).
pub use shared_sql::census::census_in;
