//! Fresh databases for tests.

use std::path::PathBuf;
use std::sync::Arc;

use ipt_app::ports::Store;
use ipt_store_postgres::PgStore;
use ipt_store_sqlite::SqliteStore;
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
    /// How to open another store on the same database (a second `ipt serve` instance).
    again: Again,
}

enum Again {
    Sqlite(String),
    Postgres(Box<PgConnectOptions>),
}

impl TestDb {
    /// Another store on the same database, with its own pool and write queue, as a second
    /// instance of the server would have.
    pub async fn second_instance(&self) -> Arc<dyn Store> {
        match &self.again {
            Again::Sqlite(url) => Arc::new(SqliteStore::connect(url).await.expect("reopen SQLite")),
            Again::Postgres(options) => Arc::new(
                PgStore::connect_with((**options).clone())
                    .await
                    .expect("reconnect to the test schema"),
            ),
        }
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
    let store = SqliteStore::open(&url)
        .await
        .expect("open test SQLite database");
    TestDb {
        store: Arc::new(store.clone()),
        sqlite: Some(store),
        pg: None,
        file: Some(file),
        again: Again::Sqlite(url),
    }
}

/// The PostgreSQL URL for tests, if configured.
pub fn pg_url() -> Option<String> {
    std::env::var(PG_ENV).ok().filter(|s| !s.trim().is_empty())
}

/// A migrated PostgreSQL schema of its own, or None when PostgreSQL tests are off.
pub async fn postgres() -> Option<TestDb> {
    let db = postgres_empty().await?;
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
    let store = SqliteStore::connect(&url)
        .await
        .expect("open test SQLite database");
    TestDb {
        store: Arc::new(store.clone()),
        sqlite: Some(store),
        pg: None,
        file: Some(file),
        again: Again::Sqlite(url),
    }
}

/// An empty PostgreSQL schema of its own, or None when PostgreSQL tests are off.
pub async fn postgres_empty() -> Option<TestDb> {
    let url = pg_url()?;
    let schema = format!("t_{}", Uuid::now_v7().simple());
    let admin = PgStore::connect(&url)
        .await
        .expect("connect to IPT_TEST_DATABASE_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin.pool)
        .await
        .expect("create test schema");
    admin.pool.close().await;
    let options: PgConnectOptions = url.parse().expect("parse IPT_TEST_DATABASE_URL");
    let options = options.options([("search_path", schema.as_str())]);
    let store = PgStore::connect_with(options.clone())
        .await
        .expect("connect to test schema");
    Some(TestDb {
        store: Arc::new(store.clone()),
        sqlite: None,
        pg: Some(store),
        file: None,
        again: Again::Postgres(Box::new(options)),
    })
}
