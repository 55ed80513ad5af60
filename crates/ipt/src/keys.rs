//! The keys that encrypt clinical free text at rest (#16): where `ipt` finds them, the key
//! file a first start makes, and `ipt keys generate | status | rotate`.
//!
//! Keys come from `IPT_ENCRYPTION_KEYS` (the key file's text itself, for a secret manager or a
//! container's secret) or from a key file: `[encryption] key_file` in `ipt.toml`, or
//! `IPT_ENCRYPTION_KEY_FILE`, by default `ipt.keys` beside a SQLite database (or
//! `./ipt-data/ipt.keys`). They are never written to the database. The store refuses keys
//! that are not the database's ("Encryption at rest" in the operator guide).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Subcommand;
use ipt_app::ports::{AuditEvent, ResealCursor, Store};
use ipt_domain::ids::AuditEventId;
use ipt_store_common::sealed::Keyring;

use crate::config::Config;
use crate::db::DatabaseUrl;

/// The variable holding the key file's text itself.
pub const KEYS_VAR: &str = "IPT_ENCRYPTION_KEYS";
/// The variable naming the key file.
pub const KEY_FILE_VAR: &str = "IPT_ENCRYPTION_KEY_FILE";

/// Where the keys come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `IPT_ENCRYPTION_KEYS`.
    Variable,
    /// A key file; `create` when it is the default place and may be made at a first start.
    File { path: PathBuf, create: bool },
}

impl KeySource {
    /// The keys' source for `config` and the database `url`.
    pub fn of(config: &Config, url: &DatabaseUrl) -> Self {
        if std::env::var_os(KEYS_VAR).is_some_and(|v| !v.is_empty()) {
            return Self::Variable;
        }
        if let Some(path) = std::env::var_os(KEY_FILE_VAR).filter(|v| !v.is_empty()) {
            return Self::File {
                path: path.into(),
                create: false,
            };
        }
        if let Some(path) = &config.encryption.key_file {
            return Self::File {
                path: path.clone(),
                create: config.encryption.create_key_file,
            };
        }
        let dir = match url {
            DatabaseUrl::Sqlite { path: Some(p), .. } => p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
            _ => PathBuf::from("./ipt-data"),
        };
        Self::File {
            path: dir.join("ipt.keys"),
            create: config.encryption.create_key_file,
        }
    }

    /// Where, in words for messages.
    pub fn describe(&self) -> String {
        match self {
            Self::Variable => KEYS_VAR.to_string(),
            Self::File { path, .. } => format!("the key file {}", path.display()),
        }
    }
}

/// Keys read, and the key file made to hold them if this start made one (removed again when
/// the database refuses them).
pub struct Loaded {
    pub keys: Keyring,
    pub created: Option<PathBuf>,
}

/// Read the keys from `source`; make the key file, with one new key, when it is the default
/// place and does not exist yet.
pub fn load(source: &KeySource) -> anyhow::Result<Loaded> {
    match source {
        KeySource::Variable => {
            let text =
                std::env::var(KEYS_VAR).with_context(|| format!("{KEYS_VAR} is not text"))?;
            let keys = Keyring::parse(&text).with_context(|| format!("{KEYS_VAR} is not valid"))?;
            Ok(Loaded {
                keys,
                created: None,
            })
        }
        KeySource::File { path, create } => {
            if !path.exists() {
                if !create {
                    bail!(
                        "the key file {} does not exist: make one with 'ipt keys generate > {}' \
                         (see \"Encryption at rest\" in the operator guide)",
                        path.display(),
                        path.display()
                    );
                }
                write_new_key_file(path)?;
                let keys = read_key_file(path)?;
                return Ok(Loaded {
                    keys,
                    created: Some(path.clone()),
                });
            }
            warn_if_readable_by_others(path);
            Ok(Loaded {
                keys: read_key_file(path)?,
                created: None,
            })
        }
    }
}

fn read_key_file(path: &Path) -> anyhow::Result<Keyring> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    Keyring::parse(&text).with_context(|| format!("the key file {} is not valid", path.display()))
}

/// A new key file at `path` holding one new key, readable by its owner only.
fn write_new_key_file(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let line = Keyring::new_key_line(None)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create the key file {}", path.display()))?;
    writeln!(
        file,
        "# IPT Workbench encryption keys: one per line, 'ID KEY'; the first seals new text.\n\
         # Keep a copy apart from the database and its backups: without it the clinical text\n\
         # in them cannot be read. See \"Encryption at rest\" in the operator guide.\n{line}"
    )
    .and_then(|()| file.sync_all())
    .with_context(|| format!("cannot write the key file {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "made a new encryption key file; keep a copy of it apart from the database and its backups"
    );
    Ok(())
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            "the key file can be read by other users of this machine; make it readable by the service's account only (chmod 600)"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Print a new key line for a key file (`ID KEY`), from the operating system's random
    /// source. Put it first in the key file to make it the key new text is sealed with.
    Generate {
        /// The key's id (lower-case letters, digits and '-'); a random one by default.
        #[arg(long)]
        id: Option<String>,
    },
    /// Which keys the database knows, and how many values each seals.
    Status,
    /// Re-seal every value under the key file's first key, in batches, while the service
    /// runs; then retire the keys that seal nothing any more.
    Rotate {
        /// Rows per batch (each batch is one short transaction).
        #[arg(long, default_value_t = 500)]
        batch: u32,
    },
}

/// `ipt keys generate`: needs no database.
pub fn generate(id: Option<&str>) -> anyhow::Result<()> {
    let line = Keyring::new_key_line(id).context(
        "the id must be 1 to 40 lower-case letters, digits or '-', for example k2026-12",
    )?;
    println!("{line}");
    eprintln!(
        "This is a new key. To rotate: put this line first in the key file of every instance \
         and restart them, then run 'ipt keys rotate'."
    );
    Ok(())
}

/// `ipt keys status` and `ipt keys rotate`, on an open store.
pub async fn run(store: &dyn Store, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Generate { id } => generate(id.as_deref()),
        KeysCommand::Status => {
            print_usage(store).await?;
            Ok(())
        }
        KeysCommand::Rotate { batch } => {
            let audit = AuditEvent {
                id: AuditEventId::from_uuid(uuid::Uuid::now_v7()),
                at: time::OffsetDateTime::now_utc(),
                actor: None,
                action: "encryption.reseal".into(),
                entity: "database".into(),
                entity_id: uuid::Uuid::nil(),
                patient: None,
            };
            let mut cursor = Some(ResealCursor::default());
            let (mut rows, mut resealed) = (0u64, 0u64);
            let started = std::time::Instant::now();
            while let Some(from) = cursor {
                let b = store
                    .reseal_batch(from, batch, &audit)
                    .await
                    .context("the rotation stopped; run it again to go on")?;
                rows += b.rows;
                resealed += b.resealed;
                cursor = b.next;
                if started.elapsed().as_secs() >= 1 && rows % (u64::from(batch) * 20) == 0 {
                    eprintln!("… {rows} rows read, {resealed} values re-sealed");
                }
            }
            println!(
                "Read {rows} rows; re-sealed {resealed} values with the key file's first key."
            );
            let retired = store.retire_unused_keys().await?;
            let usage = print_usage(store).await?;
            for id in &retired {
                println!(
                    "The key '{id}' seals nothing now: you may remove it from the key file. Keep \
                     a copy as long as you keep backups made before today."
                );
            }
            let left: u64 = usage
                .keys
                .iter()
                .filter(|k| k.id != usage.primary)
                .map(|k| k.values)
                .sum();
            if left > 0 {
                bail!(
                    "{left} values are still sealed with older keys (written meanwhile by an \
                     instance that has not got the new key file?): give every instance the new \
                     key file and run 'ipt keys rotate' again"
                );
            }
            Ok(())
        }
    }
}

async fn print_usage(store: &dyn Store) -> anyhow::Result<ipt_app::ports::KeyUsage> {
    let mut usage = store.key_usage().await?;
    // The primary first, then the newest.
    usage.keys.sort_by(|a, b| {
        (b.id == usage.primary)
            .cmp(&(a.id == usage.primary))
            .then(b.added_at.cmp(&a.added_at))
    });
    println!("{:<42} {:>10}  {:<8} added", "key", "values", "state");
    for k in &usage.keys {
        let state = if k.id == usage.primary {
            "primary"
        } else if !k.registered {
            "unknown"
        } else if k.retired_at.is_some() {
            "retired"
        } else {
            "old"
        };
        let added = if k.registered {
            k.added_at.date().to_string()
        } else {
            "-".into()
        };
        println!("{:<42} {:>10}  {:<8} {added}", k.id, k.values, state);
    }
    if usage.unsealed > 0 {
        println!(
            "{} values are not encrypted (written before encryption, and not yet sealed).",
            usage.unsealed
        );
    }
    Ok(usage)
}
