//! Fresh databases for tests.

use std::path::PathBuf;
use std::sync::Arc;

use ipt_app::ports::Store;
use ipt_store_postgres::PgStore;
use ipt_store_sqlite::{Keyring, SqliteStore};
use sqlx::postgres::PgConnectOptions;
use uuid::Uuid;

/// The environment variable that turns on the PostgreSQL runs.
pub const PG_ENV: &str = "IPT_TEST_DATABASE_URL";

/// A store on a fresh database, and what to clean up after.
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub sqlite: Option<SqliteStore>,
    pub pg: Option<PgStore>,
    file: Option<PathBuf>,
    /// How to reach the same PostgreSQL schema again (`second_instance`).
    pg_options: Option<PgConnectOptions>,
    /// The keys its free text is sealed with: a new random key per test database.
    pub keys: Keyring,
}

impl TestDb {
    /// A second store on the same database, with its own connections and queues: what a
    /// second `ipt serve` instance would have.
    pub async fn second_instance(&self) -> Arc<dyn Store> {
        self.connect_with_keys(self.keys.clone())
            .await
            .expect("reconnect to the test database")
    }

    /// A store on the same database with other keys, migrated (so its keys are checked
    /// against the database's, as at a start): how a start with a wrong or rotated key file
    /// is tested.
    pub async fn reopen_with_keys(
        &self,
        keys: Keyring,
    ) -> Result<Arc<dyn Store>, ipt_app::ports::StoreError> {
        if let Some(f) = &self.file {
            let url = format!("sqlite://{}", f.display());
            let store = SqliteStore::connect(&url, keys).await?;
            store.migrate().await?;
            return Ok(Arc::new(store));
        }
        let options = self.pg_options.clone().expect("a test database");
        let store = PgStore::connect_with(options, keys).await?;
        store.migrate().await?;
        Ok(Arc::new(store))
    }

    /// Run statements of a test's own (constants) on the database, by SQL: how tests tamper
    /// with it as someone with database access could, or set it as an older version left it.
    pub async fn execute(&self, statements: &[&'static str]) {
        for q in statements {
            if let Some(s) = &self.sqlite {
                sqlx::query(*q).execute(&s.pool).await.expect(q);
            }
            if let Some(s) = &self.pg {
                sqlx::query(*q).execute(&s.pool).await.expect(q);
            }
        }
    }

    async fn connect_with_keys(
        &self,
        keys: Keyring,
    ) -> Result<Arc<dyn Store>, ipt_app::ports::StoreError> {
        if let Some(f) = &self.file {
            let url = format!("sqlite://{}", f.display());
            return Ok(Arc::new(SqliteStore::connect(&url, keys).await?));
        }
        let options = self.pg_options.clone().expect("a test database");
        Ok(Arc::new(PgStore::connect_with(options, keys).await?))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(f) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

/// A migrated SQLite database in a new temporary file.
pub async fn sqlite() -> TestDb {
    let file = std::env::temp_dir().join(format!("ipt-test-{}.db", Uuid::now_v7().simple()));
    let url = format!("sqlite://{}", file.display());
    let keys = Keyring::generate();
    let store = SqliteStore::open(&url, keys.clone())
        .await
        .expect("open test SQLite database");
    TestDb {
        store: Arc::new(store.clone()),
        sqlite: Some(store),
        pg: None,
        file: Some(file),
        pg_options: None,
        keys,
    }
}

/// The PostgreSQL URL for tests, if configured.
pub fn pg_url() -> Option<String> {
    std::env::var(PG_ENV).ok().filter(|s| !s.trim().is_empty())
}

/// A migrated PostgreSQL schema of its own, or None when PostgreSQL tests are off.
pub async fn postgres() -> Option<TestDb> {
    postgres_with_keys(Keyring::generate()).await
}

/// `postgres`, its free text sealed with `keys` (what an `ipt` process given the same keys
/// opens).
pub async fn postgres_with_keys(keys: Keyring) -> Option<TestDb> {
    let db = postgres_empty_with_keys(keys).await?;
    db.pg
        .as_ref()
        .unwrap()
        .migrate()
        .await
        .expect("migrate test schema");
    Some(db)
}

/// An empty (unmigrated) SQLite database in a new temporary file.
pub async fn sqlite_empty() -> TestDb {
    let file = std::env::temp_dir().join(format!("ipt-test-{}.db", Uuid::now_v7().simple()));
    let url = format!("sqlite://{}", file.display());
    let keys = Keyring::generate();
    let store = SqliteStore::connect(&url, keys.clone())
        .await
        .expect("open test SQLite database");
    TestDb {
        store: Arc::new(store.clone()),
        sqlite: Some(store),
        pg: None,
        file: Some(file),
        pg_options: None,
        keys,
    }
}

/// An empty PostgreSQL schema of its own, or None when PostgreSQL tests are off.
pub async fn postgres_empty() -> Option<TestDb> {
    postgres_empty_with_keys(Keyring::generate()).await
}

async fn postgres_empty_with_keys(keys: Keyring) -> Option<TestDb> {
    let url = pg_url()?;
    let schema = format!("t_{}", Uuid::now_v7().simple());
    let admin = PgStore::connect(&url, Keyring::generate())
        .await
        .expect("connect to IPT_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin.pool)
        .await
        .expect("create test schema");
    admin.pool.close().await;
    let options: PgConnectOptions = url.parse().expect("parse IPT_TEST_DATABASE_URL");
    let options = options.options([("search_path", schema.as_str())]);
    let store = PgStore::connect_with(options.clone(), keys.clone())
        .await
        .expect("connect to test schema");
    Some(TestDb {
        store: Arc::new(store.clone()),
        sqlite: None,
        pg: Some(store),
        file: None,
        pg_options: Some(options),
        keys,
    })
}
