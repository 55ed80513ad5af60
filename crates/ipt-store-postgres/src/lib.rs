//! The IPT Workbench store on PostgreSQL: for deployments that outgrow one machine.

use std::sync::Arc;
use std::time::Duration;

use ipt_app::ports::StoreError;
pub use ipt_store_common::Keyring;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres};

/// The PostgreSQL store.
#[derive(Clone, Debug)]
pub struct PgStore {
    pub pool: Pool<Postgres>,
    /// Writes committed in groups: the audit events of reads, and questionnaire submissions
    /// (`ipt_store_common::group_commit`).
    writes: ipt_store_common::GroupCommit<ipt_store_common::Batched>,
    /// The keys its clinical free text is sealed with (`ipt_store_common::sealed`).
    keys: Arc<Keyring>,
}

/// The embedded migrations (`migrations/`), named as the SQLite ones.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl PgStore {
    /// Connect to `url` (`postgres://…`), to seal and open free text with `keys`. Does not
    /// migrate, nor check the keys (`migrate` does).
    pub async fn connect(url: &str, keys: Keyring) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL URL: {e}")))?;
        Self::connect_with(options, keys).await
    }

    pub async fn connect_with(
        options: PgConnectOptions,
        keys: Keyring,
    ) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
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

    /// Apply pending migrations, each in its own transaction (PostgreSQL DDL is transactional),
    /// then check the keys against the database.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        shared_sql::after_migrations(self).await
    }

    pub async fn open(url: &str, keys: Keyring) -> Result<Self, StoreError> {
        let store = Self::connect(url, keys).await?;
        store.migrate().await?;
        Ok(store)
    }
}

ipt_store_common::impl_store!(PgStore, Postgres, "postgres", "BEGIN");

/// The census of the database `conn` is connected to, read in the transaction `conn` is in: how
/// a backup counts the rows of the very snapshot it copies (#16).
pub use shared_sql::census::census_in;
