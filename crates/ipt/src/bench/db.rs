//! The databases a benchmark run creates: one per scale, never an existing one. SQLite gets a
//! new file per scale (in a temporary folder by default); PostgreSQL gets a new schema per
//! scale inside the database named, so existing data is never read or changed. Both are removed
//! at the end unless `--keep` is given.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use ipt_app::ports::Store;
use ipt_store_postgres::PgStore;
use ipt_store_sqlite::{Keyring, SqliteStore};
use sqlx::postgres::PgConnectOptions;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{DatabaseUrl, redact};
use crate::keys::{KEYS_VAR, KeySource};

/// The key-file text of a database generated earlier: `IPT_ENCRYPTION_KEYS` when set, else
/// the `ipt.keys` beside it (where `ipt demo --scale` keeps them by default).
fn source_key_text(source: &std::path::Path) -> anyhow::Result<String> {
    if let Ok(text) = std::env::var(KEYS_VAR)
        && !text.is_empty()
    {
        return Ok(text);
    }
    let dir = source
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    key_file_text(&dir.join("ipt.keys"), false)
}

/// The text of the key file at `path` (made, with a new key, when `create` and missing).
fn key_file_text(path: &std::path::Path, create: bool) -> anyhow::Result<String> {
    crate::keys::load(&KeySource::File {
        path: path.to_path_buf(),
        create,
    })?;
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Where the run's databases go.
pub enum Backend {
    Sqlite {
        dir: PathBuf,
        stem: String,
        /// The folder was made for this run (and is removed with its files).
        owned_dir: bool,
    },
    Postgres {
        url: String,
        /// Every schema made so far, so that an interrupted run can still drop them.
        schemas: std::sync::Mutex<Vec<String>>,
    },
}

impl Backend {
    /// From `--database-url`, or a new temporary folder for SQLite files when none is given.
    pub fn choose(url: Option<&str>) -> anyhow::Result<Self> {
        let Some(raw) = url else {
            let dir = std::env::temp_dir().join(format!("ipt-bench-{}", Uuid::now_v7().simple()));
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
            return Ok(Self::Sqlite {
                dir,
                stem: "ipt-bench".into(),
                owned_dir: true,
            });
        };
        match DatabaseUrl::parse(raw)? {
            DatabaseUrl::Sqlite { path: None, .. } => bail!(
                "the benchmark needs a database on disk (durable writes are part of what it \
                 measures); give a file, e.g. sqlite://./bench/ipt.db, or no --database-url"
            ),
            DatabaseUrl::Sqlite {
                path: Some(path), ..
            } => {
                let dir = path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("."));
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create the folder {}", dir.display()))?;
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "ipt-bench".into());
                Ok(Self::Sqlite {
                    dir,
                    stem,
                    owned_dir: false,
                })
            }
            DatabaseUrl::Postgres(url) => Ok(Self::Postgres {
                url,
                schemas: Default::default(),
            }),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }

    /// Where the databases go, for the report (no password).
    pub fn location(&self) -> String {
        match self {
            Self::Sqlite { dir, stem, .. } => format!("{}/{stem}-<patients>.db", dir.display()),
            Self::Postgres { url, .. } => format!("{} (a new schema per scale)", redact(url)),
        }
    }

    /// Check before any work that every database this run would create is free.
    pub fn check_free(&self, scales: &[u64]) -> anyhow::Result<()> {
        if let Self::Sqlite { dir, stem, .. } = self {
            for &n in scales {
                let file = dir.join(format!("{stem}-{n}.db"));
                if file.exists() {
                    bail!(
                        "{} already exists; the benchmark only ever writes to databases it \
                         creates. Remove it or choose another --database-url.",
                        file.display()
                    );
                }
            }
        }
        Ok(())
    }

    /// A copy of a database generated earlier (`--data-from`), opened and migrated like a new
    /// one. The source is only read; the copy is this run's own, removed like the others.
    pub async fn copy(&self, patients: u64, source: &std::path::Path) -> anyhow::Result<ScaleDb> {
        let Self::Sqlite { dir, stem, .. } = self else {
            bail!("--data-from copies SQLite databases; it cannot be used with PostgreSQL");
        };
        let file = dir.join(format!("{stem}-{patients}.db"));
        if file.exists() {
            bail!("{} already exists", file.display());
        }
        // Committed data may still be in the write-ahead log beside the file (a process that
        // exits without closing its connections leaves it): it is copied with the file, and
        // the copy's first connection folds it in. Nothing may be writing to the source.
        for suffix in ["", "-wal"] {
            let from = PathBuf::from(format!("{}{suffix}", source.display()));
            let to = PathBuf::from(format!("{}{suffix}", file.display()));
            if suffix.is_empty() || from.exists() {
                std::fs::copy(&from, &to).with_context(|| {
                    format!("cannot copy {} to {}", from.display(), to.display())
                })?;
            }
        }
        // The source's text is sealed with the keys beside it (`ipt demo --scale` made them).
        let keys = source_key_text(source)?;
        self.open_sqlite(file, keys).await
    }

    async fn open_sqlite(&self, file: PathBuf, key_text: String) -> anyhow::Result<ScaleDb> {
        let url = format!("sqlite://{}", file.display());
        let store = SqliteStore::connect(&url, Keyring::parse(&key_text)?)
            .await
            .with_context(|| format!("cannot open {}", file.display()))?;
        store.migrate().await.context("migrating the database")?;
        Ok(ScaleDb {
            store: Arc::new(store.clone()),
            raw: Raw::Sqlite(store),
            url,
            key_text,
            cleanup: Cleanup::Files(file),
        })
    }

    /// A new, migrated database for one scale.
    pub async fn create(&self, patients: u64) -> anyhow::Result<ScaleDb> {
        match self {
            Self::Sqlite { dir, stem, .. } => {
                let file = dir.join(format!("{stem}-{patients}.db"));
                if file.exists() {
                    bail!("{} already exists", file.display());
                }
                // One key file for the run's databases, beside them (kept with --keep).
                let keys = key_file_text(&dir.join(format!("{stem}.keys")), true)?;
                self.open_sqlite(file, keys).await
            }
            Self::Postgres { url, schemas } => {
                let schema = format!(
                    "ipt_bench_{patients}_{}",
                    &Uuid::now_v7().simple().to_string()[20..]
                );
                let admin = PgStore::connect(url, Keyring::generate())
                    .await
                    .with_context(|| format!("cannot reach {}", redact(url)))?;
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&admin.pool)
                    .await
                    .with_context(|| format!("cannot create the schema {schema}"))?;
                admin.pool.close().await;
                schemas
                    .lock()
                    .expect("schema list lock")
                    .push(schema.clone());
                let options: PgConnectOptions = url.parse().context("the PostgreSQL URL")?;
                // A new schema's own key, handed to the `ipt serve` it starts.
                let key_text = Keyring::new_key_line(None)?;
                let store = PgStore::connect_with(
                    options.options([("search_path", &schema)]),
                    Keyring::parse(&key_text)?,
                )
                .await
                .context("connecting to the new schema")?;
                store.migrate().await.context("migrating the new schema")?;
                let sep = if url.contains('?') { '&' } else { '?' };
                Ok(ScaleDb {
                    store: Arc::new(store.clone()),
                    raw: Raw::Postgres(store),
                    url: format!("{url}{sep}options=-c%20search_path%3D{schema}"),
                    key_text,
                    cleanup: Cleanup::Schema {
                        admin_url: url.clone(),
                        schema,
                    },
                })
            }
        }
    }

    /// Remove what the run made and did not remove as it went: after an error or an interrupt,
    /// a database may be left. Every name here was checked free before the run, so nothing
    /// else is touched.
    pub async fn finish(&self, keep: bool, scales: &[u64]) {
        if keep {
            return;
        }
        match self {
            Self::Sqlite {
                dir,
                owned_dir: true,
                ..
            } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Sqlite { dir, stem, .. } => {
                for n in scales {
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(dir.join(format!("{stem}-{n}.db{suffix}")));
                    }
                }
                let _ = std::fs::remove_file(dir.join(format!("{stem}.keys")));
            }
            Self::Postgres { url, schemas } => {
                let names = std::mem::take(&mut *schemas.lock().expect("schema list lock"));
                if names.is_empty() {
                    return;
                }
                if let Ok(admin) = PgStore::connect(url, Keyring::generate()).await {
                    for schema in names {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP SCHEMA IF EXISTS {schema} CASCADE"
                        )))
                        .execute(&admin.pool)
                        .await;
                    }
                    admin.pool.close().await;
                }
            }
        }
    }
}

#[derive(Clone)]
enum Raw {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// Durable single-row inserts on the store's own pool (so with exactly the store's connection
/// settings), each in its own transaction: the ceiling for durable writes.
#[derive(Clone)]
pub struct RawInserter(Raw);

impl RawInserter {
    pub async fn insert(&self, payload: &str) -> anyhow::Result<()> {
        let id = Uuid::now_v7();
        let at = OffsetDateTime::now_utc();
        match &self.0 {
            Raw::Sqlite(s) => {
                sqlx::query(RAW_INSERT)
                    .bind(id)
                    .bind(at)
                    .bind(payload)
                    .execute(&s.pool)
                    .await?;
            }
            Raw::Postgres(s) => {
                sqlx::query(RAW_INSERT)
                    .bind(id)
                    .bind(at)
                    .bind(payload)
                    .execute(&s.pool)
                    .await?;
            }
        }
        Ok(())
    }
}

enum Cleanup {
    Files(PathBuf),
    Schema { admin_url: String, schema: String },
}

/// One scale's database: the product's store, and the same pool for the raw-insert ceiling.
pub struct ScaleDb {
    pub store: Arc<dyn Store>,
    raw: Raw,
    /// The URL another process (`ipt serve`) opens it with.
    pub url: String,
    /// The key file text it is sealed with (given to that process as `IPT_ENCRYPTION_KEYS`).
    pub key_text: String,
    cleanup: Cleanup,
}

/// The table the raw-insert ceiling writes to; it belongs to the benchmark, not the product.
const RAW_TABLE_SQLITE: &str =
    "CREATE TABLE bench_raw_insert (id BLOB PRIMARY KEY, at TEXT NOT NULL, payload TEXT NOT NULL)";
const RAW_TABLE_PG: &str = "CREATE TABLE bench_raw_insert (id UUID PRIMARY KEY, at TIMESTAMPTZ NOT NULL, payload TEXT NOT NULL)";
const RAW_INSERT: &str = "INSERT INTO bench_raw_insert (id, at, payload) VALUES ($1, $2, $3)";

impl ScaleDb {
    pub async fn create_raw_table(&self) -> anyhow::Result<()> {
        match &self.raw {
            Raw::Sqlite(s) => {
                sqlx::query(RAW_TABLE_SQLITE).execute(&s.pool).await?;
            }
            Raw::Postgres(s) => {
                sqlx::query(RAW_TABLE_PG).execute(&s.pool).await?;
            }
        }
        Ok(())
    }

    pub fn raw_inserter(&self) -> RawInserter {
        RawInserter(self.raw.clone())
    }

    /// Rows in a product table, counted by the database (a check that the data is there).
    pub async fn count(&self, table: &'static str) -> anyhow::Result<u64> {
        // Built from constants only, never from input.
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = match &self.raw {
            Raw::Sqlite(s) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&s.pool)
                    .await?
            }
            Raw::Postgres(s) => {
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&s.pool)
                    .await?
            }
        };
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The durability settings in force, read back from the database itself.
    pub async fn durability(&self) -> anyhow::Result<String> {
        Ok(match &self.raw {
            Raw::Sqlite(s) => {
                let mut c = s.pool.acquire().await?;
                let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(&mut *c)
                    .await?;
                let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                    .fetch_one(&mut *c)
                    .await?;
                let sync = match sync {
                    0 => "OFF".to_string(),
                    1 => "NORMAL".to_string(),
                    2 => "FULL".to_string(),
                    3 => "EXTRA".to_string(),
                    n => n.to_string(),
                };
                format!("journal_mode={journal}, synchronous={sync}; each commit is synced")
            }
            Raw::Postgres(s) => {
                let mut parts = vec![];
                for setting in [
                    "fsync",
                    "synchronous_commit",
                    "wal_sync_method",
                    "commit_delay",
                    "autovacuum",
                ] {
                    let v: String =
                        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {setting}")))
                            .fetch_one(&s.pool)
                            .await?;
                    parts.push(format!("{setting}={v}"));
                }
                parts.push("planner statistics refreshed (ANALYZE) after the load".into());
                parts.join(", ")
            }
        })
    }

    /// Close the pool and remove the database, unless it is to be kept.
    pub async fn close(self, keep: bool) -> anyhow::Result<Option<String>> {
        match &self.raw {
            Raw::Sqlite(s) => s.pool.close().await,
            Raw::Postgres(s) => s.pool.close().await,
        }
        drop(self.store);
        match self.cleanup {
            Cleanup::Files(file) if keep => Ok(Some(file.display().to_string())),
            Cleanup::Files(file) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = file.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
                Ok(None)
            }
            Cleanup::Schema { schema, .. } if keep => Ok(Some(format!("schema {schema}"))),
            Cleanup::Schema { admin_url, schema } => {
                let admin = PgStore::connect(&admin_url, Keyring::generate()).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE"
                )))
                .execute(&admin.pool)
                .await
                .with_context(|| format!("cannot drop the schema {schema}"))?;
                admin.pool.close().await;
                Ok(None)
            }
        }
    }
}
