//! From a database URL to a store: the one place that knows which backends exist.

use std::sync::Arc;

use anyhow::{Context, bail};
use ipt_app::ports::{Store, StoreError};
use ipt_store_postgres::PgStore;
use ipt_store_sqlite::{Keyring, SqliteStore};

use crate::keys::{self, KeySource};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite {
        url: String,
        path: Option<std::path::PathBuf>,
    },
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:` and `postgres://…` /
    /// `postgresql://…`. Anything else is refused with the forms that work.
    pub fn parse(raw: &str) -> anyhow::Result<Self> {
        let s = raw.trim();
        let hint = "use sqlite://PATH (for example sqlite://./ipt-data/ipt.db) or postgres://USER@HOST:PORT/DATABASE";
        if s.is_empty() {
            bail!("the database URL is empty; {hint}");
        }
        if let Some(rest) = s.strip_prefix("sqlite:") {
            if rest == ":memory:" {
                return Ok(Self::Sqlite {
                    url: s.to_string(),
                    path: None,
                });
            }
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or("");
            if path.is_empty() {
                bail!("the SQLite URL '{s}' names no file; {hint}");
            }
            return Ok(Self::Sqlite {
                url: s.to_string(),
                path: Some(path.into()),
            });
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            let parsed: Result<sqlx::postgres::PgConnectOptions, _> = s.parse();
            if let Err(e) = parsed {
                bail!(
                    "the PostgreSQL URL '{}' is malformed ({e}); {hint}",
                    redact(s)
                );
            }
            let after = s.split_once("://").map(|x| x.1).unwrap_or("");
            if after.is_empty() || after.starts_with('/') && after.len() == 1 {
                bail!("the PostgreSQL URL '{}' names no host; {hint}", redact(s));
            }
            return Ok(Self::Postgres(s.to_string()));
        }
        match s.split_once("://") {
            Some((scheme, _)) => bail!("'{scheme}' databases are not supported; {hint}"),
            None => bail!("'{}' is not a database URL; {hint}", redact(s)),
        }
    }

    /// The URL with any password removed, for messages and logs.
    pub fn display(&self) -> String {
        match self {
            Self::Sqlite { url, .. } => url.clone(),
            Self::Postgres(url) => redact(url),
        }
    }
}

/// Remove the password from a URL such as postgres://user:secret@host/db.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
        && let Some((user, _)) = creds.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_string()
}

/// Open the store, creating the SQLite folder if needed, with the keys `keys` names
/// (keys.rs), and bring the schema up to date. A key file this start made is removed again
/// when the database refuses it (it holds keys of its own).
pub async fn open(
    url: &DatabaseUrl,
    keys: &KeySource,
    migrate: bool,
) -> anyhow::Result<Arc<dyn Store>> {
    if let DatabaseUrl::Sqlite { path: Some(p), .. } = url
        && let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
    }
    let loaded = keys::load(keys)?;
    let opened = open_with(url, loaded.keys, migrate).await;
    if opened.is_err()
        && let Some(made) = &loaded.created
    {
        let _ = std::fs::remove_file(made);
    }
    opened.map_err(|e| match e.downcast_ref::<StoreError>() {
        Some(StoreError::Keys(_)) => {
            anyhow::anyhow!("{e} (the keys were read from {})", keys.describe())
        }
        _ => e,
    })
}

/// Open the store with `keys`, and migrate (which checks the keys) when `migrate`.
pub async fn open_with(
    url: &DatabaseUrl,
    keys: Keyring,
    migrate: bool,
) -> anyhow::Result<Arc<dyn Store>> {
    match url {
        DatabaseUrl::Sqlite { url: raw, .. } => {
            let store = SqliteStore::connect(raw, keys)
                .await
                .with_context(|| format!("cannot open the SQLite database at {}", url.display()))?;
            if migrate {
                store.migrate().await.map_err(migration_failed)?;
            }
            Ok(Arc::new(store))
        }
        DatabaseUrl::Postgres(raw) => {
            let store = PgStore::connect(raw, keys).await.with_context(|| {
                format!("cannot reach the PostgreSQL database at {}", url.display())
            })?;
            if migrate {
                store.migrate().await.map_err(migration_failed)?;
            }
            Ok(Arc::new(store))
        }
    }
}

/// A failed `migrate`, in words: keys that do not fit are said as they are (nothing was
/// migrated wrongly); anything else left the schema as it was.
fn migration_failed(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Keys(_) => e.into(),
        other => anyhow::Error::new(other)
            .context("the database could not be migrated; it was left as it was"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        assert!(matches!(
            DatabaseUrl::parse("sqlite://./ipt-data/ipt.db").unwrap(),
            DatabaseUrl::Sqlite { path: Some(_), .. }
        ));
        assert!(matches!(
            DatabaseUrl::parse("sqlite::memory:").unwrap(),
            DatabaseUrl::Sqlite { path: None, .. }
        ));
        assert!(matches!(
            DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432/test").unwrap(),
            DatabaseUrl::Postgres(_)
        ));
    }

    #[test]
    fn refuses_others_with_the_forms_that_work() {
        for bad in ["mysql://x@y/z", "ipt.db", "", "sqlite://", "postgres://"] {
            let e = DatabaseUrl::parse(bad).unwrap_err().to_string();
            assert!(e.contains("sqlite://PATH"), "{bad}: {e}");
        }
    }

    #[test]
    fn passwords_never_reach_messages() {
        let e = DatabaseUrl::parse("postgres://u:hunter2@host:notaport/db")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2"), "{e}");
        assert_eq!(redact("postgres://u:pw@h/d"), "postgres://u:***@h/d");
    }
}
