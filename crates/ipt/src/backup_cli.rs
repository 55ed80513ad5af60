//! `ipt backup` and `ipt restore` (#16): a consistent copy of the whole database, taken while
//! `ipt serve` runs, encrypted to an age public key, with a manifest a restore checks.
//!
//! The archive is one age file (age-encryption.org/v1). Inside it, in order: the line
//! `IPT-BACKUP/1`, the manifest's length (4 bytes, big-endian), the manifest (JSON), and the
//! payload: a SQLite database file made by `VACUUM INTO`, or a `pg_dump --format=custom` dump.
//! age authenticates every 64 KiB chunk and the end of the stream, so a changed or cut byte
//! fails to decrypt; the manifest's SHA-256 of the payload and the row counts checked after the
//! restore catch the rest (a payload from another backup, a restore that went wrong).
//!
//! Consistency: SQLite's `VACUUM INTO` copies one read transaction. On PostgreSQL one
//! repeatable-read transaction exports its snapshot, counts the rows in it, and `pg_dump
//! --snapshot` dumps that same snapshot, so the manifest's counts are the dump's.
//!
//! The plaintext copy exists only in a private (0700) temporary folder, removed at the end. Keys
//! are never printed or logged: messages name the files they came from.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use ipt_app::ports::{DatabaseCensus, Store};
use ipt_store_postgres::PgStore;
use ipt_store_sqlite::{Keyring, SqliteStore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{DatabaseUrl, redact};
use crate::out_file::{check_out, parent_of};

/// The first line of an archive's plaintext.
const MAGIC: &[u8] = b"IPT-BACKUP/1\n";
/// The manifest is small; anything bigger is not one of ours.
const MANIFEST_LIMIT: u32 = 1 << 20;

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write (age-encrypted; replaced if it exists, only once complete).
    #[arg(long)]
    out: PathBuf,
    /// An age public key (`age1…`) to encrypt to; repeat it for several keys.
    #[arg(long = "recipient", value_name = "AGE_PUBLIC_KEY")]
    recipients: Vec<String>,
    /// A file of age public keys, one a line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    recipients_file: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// The backup file to restore.
    #[arg(long = "in", value_name = "FILE")]
    input: PathBuf,
    /// The age identity file (`AGE-SECRET-KEY-1…` lines) whose key the backup was encrypted to.
    #[arg(long, value_name = "AGE_IDENTITY_FILE")]
    identity: PathBuf,
    /// Replace a database that already holds records.
    #[arg(long)]
    force: bool,
}

/// What an archive says about itself. Checked before and after a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The archive layout (1).
    pub format: u32,
    pub product: String,
    pub product_version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// `sqlite3` (a database file) or `pg_dump-custom`.
    pub payload_format: String,
    /// The last migration applied to the database backed up.
    pub last_migration: Option<i64>,
    /// Rows per table at the moment of the copy.
    pub tables: BTreeMap<String, u64>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub payload_bytes: u64,
    /// Lower-case hex.
    pub payload_sha256: String,
    /// The audit chain's head at the moment of the copy: a restore must verify up to exactly
    /// this row. Absent in backups made before the chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<ManifestChainHead>,
}

/// The newest audit row of the chain: its `seq` and its hash (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ManifestChainHead {
    fn of(seq: i64, hash: &[u8]) -> Self {
        Self {
            seq,
            hash: hex(hash),
        }
    }

    fn point(&self) -> anyhow::Result<ipt_app::ports::ChainPoint> {
        let bytes: Vec<u8> = (0..self.hash.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(self.hash.get(i..i + 2).unwrap_or("zz"), 16))
            .collect::<Result<_, _>>()
            .map_err(|_| refused("the manifest's audit head is not a hash"))?;
        let hash: [u8; 32] = bytes
            .try_into()
            .map_err(|_| refused("the manifest's audit head is not a SHA-256 hash"))?;
        Ok(ipt_app::ports::ChainPoint {
            seq: self.seq,
            hash,
        })
    }
}

impl Manifest {
    fn rows(&self) -> u64 {
        self.tables.values().sum()
    }
}

fn kind(url: &DatabaseUrl) -> &'static str {
    match url {
        DatabaseUrl::Sqlite { .. } => "sqlite",
        DatabaseUrl::Postgres(_) => "postgres",
    }
}

/// The migrations this binary knows for `database`.
fn known_migrations(database: &str) -> Vec<i64> {
    let migrator = if database == "postgres" {
        &ipt_store_postgres::MIGRATOR
    } else {
        &ipt_store_sqlite::MIGRATOR
    };
    migrator.iter().map(|m| m.version).collect()
}

// ---------------------------------------------------------------------------------------------
// Backup

pub async fn backup(url: &DatabaseUrl, args: BackupArgs) -> anyhow::Result<()> {
    let recipients = recipients(&args)?;
    let keys = recipients.len();
    check_out(&args.out, "ipt-backup.age")?;
    let work = private_dir()?;
    let payload = work.path().join("payload");
    let ((census, audit_head), payload_format) = match url {
        DatabaseUrl::Sqlite { path: None, .. } => {
            bail!("an in-memory database cannot be backed up; give a sqlite://FILE URL")
        }
        DatabaseUrl::Sqlite {
            url: raw,
            path: Some(path),
        } => {
            if !path.is_file() {
                bail!(
                    "there is no database at {}; give the one to back up with --database-url",
                    url.display()
                );
            }
            (snapshot_sqlite(raw, &payload).await?, "sqlite3")
        }
        DatabaseUrl::Postgres(raw) => (dump_postgres(raw, &payload).await?, "pg_dump-custom"),
    };
    let out = args.out.clone();
    let database = kind(url);
    let manifest = tokio::task::spawn_blocking(move || -> anyhow::Result<Manifest> {
        let (payload_sha256, payload_bytes) = sha256_of(&payload)?;
        let manifest = Manifest {
            format: 1,
            product: "IPT Workbench".into(),
            product_version: env!("CARGO_PKG_VERSION").into(),
            database: database.into(),
            payload_format: payload_format.into(),
            last_migration: census.last_migration,
            tables: census.tables,
            created_at: now_rfc3339(),
            payload_bytes,
            payload_sha256,
            audit_head: Some(audit_head),
        };
        write_archive(&out, &recipients, &manifest, &payload)?;
        Ok(manifest)
    })
    .await
    .context("the backup task stopped")??;
    drop(work);
    println!(
        "Backed up {} rows in {} tables ({} database, migration {}) to {}, encrypted to {} key(s).",
        manifest.rows(),
        manifest.tables.len(),
        manifest.database,
        manifest
            .last_migration
            .map_or("none".to_string(), |v| v.to_string()),
        args.out.display(),
        keys,
    );
    Ok(())
}

/// The public keys to encrypt to. A key is never echoed: a secret key given by mistake must not
/// land in a terminal's scrollback or a cron mail.
fn recipients(args: &BackupArgs) -> anyhow::Result<Vec<age::x25519::Recipient>> {
    let mut keys = Vec::new();
    for (i, raw) in args.recipients.iter().enumerate() {
        keys.push(parse_recipient(raw).with_context(|| format!("--recipient number {}", i + 1))?);
    }
    if let Some(file) = &args.recipients_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the recipients file {}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            keys.push(parse_recipient(line).with_context(|| {
                format!("the recipients file {}, line {}", file.display(), n + 1)
            })?);
        }
    }
    if keys.is_empty() {
        bail!(
            "give the age public key to encrypt the backup to: --recipient age1… or \
             --recipients-file FILE (see the operator guide, \"Backup and restore\")"
        );
    }
    Ok(keys)
}

fn parse_recipient(raw: &str) -> anyhow::Result<age::x25519::Recipient> {
    let raw = raw.trim();
    if raw.to_ascii_uppercase().starts_with("AGE-SECRET-KEY-") {
        bail!(
            "this is a secret key (an identity), not a public key: give its public key \
             (age1…), and keep the secret key away from the server"
        );
    }
    raw.parse::<age::x25519::Recipient>()
        .map_err(|_| anyhow::anyhow!("not an age public key (age1… , 62 characters)"))
}

/// The keys of the connections a backup or a restore opens: they count rows and walk the audit
/// chain, and never open sealed text, so they need no key of the database's (and never check
/// it, as they do not migrate). A backup holds the text as sealed as the database does.
fn unread_keys() -> Keyring {
    Keyring::generate()
}

/// A folder only this user can read, removed when dropped: the plaintext copy lives there.
fn private_dir() -> anyhow::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("ipt-backup-")
        .tempdir()
        .context("cannot create a private temporary folder (set TMPDIR to choose where)")
}

/// `VACUUM INTO` a new file: a consistent copy of one read transaction, taken beside a running
/// server (writers wait only for the moment SQLite needs). Then the copy is checked and counted.
async fn snapshot_sqlite(
    raw: &str,
    payload: &Path,
) -> anyhow::Result<(DatabaseCensus, ManifestChainHead)> {
    let source = SqliteStore::connect(raw, unread_keys())
        .await
        .with_context(|| format!("cannot open the SQLite database at {raw}"))?;
    let target = payload
        .to_str()
        .context("the temporary folder's name is not UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&source.pool)
        .await
        .context("the SQLite copy (VACUUM INTO) failed")?;
    source.pool.close().await;
    let copy = SqliteStore::connect(&format!("sqlite://{target}"), unread_keys())
        .await
        .context("cannot open the copy just made")?;
    let census = check_sqlite(&copy).await;
    let chain = copy.audit_chain().await;
    copy.pool.close().await;
    let head = chain.context("cannot read the audit chain's head")?.head;
    Ok((census?, ManifestChainHead::of(head.seq, &head.hash)))
}

/// `PRAGMA integrity_check` and the census of a SQLite database.
async fn check_sqlite(store: &SqliteStore) -> anyhow::Result<DatabaseCensus> {
    let verdict: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&store.pool)
        .await
        .context("the SQLite integrity check could not run")?;
    if verdict != ["ok"] {
        bail!("the SQLite integrity check failed: {}", verdict.join("; "));
    }
    store
        .census()
        .await
        .context("cannot count the database's rows")
}

/// `pg_dump --format=custom` of the snapshot a repeatable-read transaction exports, counted in
/// that same transaction.
async fn dump_postgres(
    raw: &str,
    payload: &Path,
) -> anyhow::Result<(DatabaseCensus, ManifestChainHead)> {
    let shown = redact(raw);
    let store = PgStore::connect(raw, unread_keys())
        .await
        .with_context(|| format!("cannot reach the PostgreSQL database at {shown}"))?;
    let mut conn = store.pool.acquire().await?;
    sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .execute(&mut *conn)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut *conn)
        .await
        .context("cannot export a snapshot for pg_dump")?;
    let census = ipt_store_postgres::census_in(&mut conn)
        .await
        .context("cannot count the database's rows")?;
    let (seq, hash): (i64, Vec<u8>) =
        sqlx::query_as("SELECT seq, hash FROM audit_chain WHERE id = 1")
            .fetch_one(&mut *conn)
            .await
            .context("cannot read the audit chain's head")?;
    let audit_head = ManifestChainHead::of(seq, &hash);
    let (dbname, password) = libpq_target(raw);
    let file = payload.to_path_buf();
    let status = tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new("pg_dump");
        cmd.args(["--format=custom", "--no-password"])
            .arg(format!("--snapshot={snapshot}"))
            .arg(format!("--file={}", file.display()))
            .arg(format!("--dbname={dbname}"));
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        cmd.output()
    })
    .await?;
    // The snapshot had to stay open until pg_dump took it.
    let _ = sqlx::query("COMMIT").execute(&mut *conn).await;
    drop(conn);
    store.pool.close().await;
    let out = status.map_err(|e| {
        anyhow::anyhow!(
            "cannot run pg_dump ({e}); install the PostgreSQL client tools (Debian: \
             postgresql-client) of the server's major version or newer"
        )
    })?;
    if !out.status.success() {
        bail!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok((census, audit_head))
}

/// The URL for libpq without its password (which goes in `PGPASSWORD`, so it never shows in
/// the process list), and the password, decoded.
fn libpq_target(raw: &str) -> (String, Option<String>) {
    if let Some((scheme, rest)) = raw.split_once("://")
        && let Some((creds, host)) = rest.split_once('@')
        && let Some((user, password)) = creds.split_once(':')
    {
        return (
            format!("{scheme}://{user}@{host}"),
            Some(percent_decode(password)),
        );
    }
    (raw.to_string(), None)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(digits) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(b) = u8::from_str_radix(digits, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn sha256_of(path: &Path) -> anyhow::Result<(String, u64)> {
    let mut file = BufReader::new(File::open(path)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex(&hasher.finalize()), total))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Encrypt magic, manifest and payload to `out`: written beside it, synced, then renamed over
/// it, so a failed backup never leaves a half file under the name.
fn write_archive(
    out: &Path,
    recipients: &[age::x25519::Recipient],
    manifest: &Manifest,
    payload: &Path,
) -> anyhow::Result<()> {
    let name = out
        .file_name()
        .context("--out names no file")?
        .to_string_lossy();
    let partial = parent_of(out).join(format!(".{name}.partial"));
    let result = (|| -> anyhow::Result<()> {
        let file = File::create(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| anyhow::anyhow!("cannot encrypt to these keys: {e}"))?;
        let mut writer = encryptor.wrap_output(BufWriter::new(file))?;
        let json = serde_json::to_vec(manifest)?;
        writer.write_all(MAGIC)?;
        writer.write_all(&(json.len() as u32).to_be_bytes())?;
        writer.write_all(&json)?;
        let mut source = BufReader::new(File::open(payload)?);
        std::io::copy(&mut source, &mut writer)?;
        let file = writer.finish()?.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e.context(format!("cannot write the backup {}", out.display())));
    }
    std::fs::rename(&partial, out)
        .with_context(|| format!("cannot move the finished backup to {}", out.display()))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Restore

/// The archive could not be read as a sound backup: the message says which check failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(String);

fn refused(message: impl Into<String>) -> anyhow::Error {
    Refused(message.into()).into()
}

/// A damaged or altered archive, as an I/O error from age's authenticated stream reveals it.
fn damaged(e: std::io::Error) -> anyhow::Error {
    refused(format!(
        "the backup is damaged, cut short or was altered: it fails age's authentication ({e}). \
         Restore another copy."
    ))
}

pub async fn restore(url: &DatabaseUrl, args: RestoreArgs) -> anyhow::Result<()> {
    if let DatabaseUrl::Sqlite { path: None, .. } = url {
        bail!("restore into a database file: give a sqlite://FILE URL");
    }
    let identities = identities(&args.identity)?;
    let file = File::open(&args.input)
        .with_context(|| format!("cannot open the backup {}", args.input.display()))?;
    let mut reader = open_archive(BufReader::new(file), &identities, &args.input)?;
    let manifest = read_manifest(&mut reader)?;
    check_manifest(&manifest, url)?;
    check_target_is_empty(url, args.force).await?;

    // The plaintext goes to a private folder (PostgreSQL) or beside the target (SQLite, so the
    // finished file can be renamed into place).
    let work = private_dir()?;
    let payload = match url {
        DatabaseUrl::Sqlite { path: Some(p), .. } => {
            let name = p.file_name().context("the SQLite URL names no file")?;
            let dir = parent_of(p);
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create the data folder {}", dir.display()))?;
            dir.join(format!(".{}.restoring", name.to_string_lossy()))
        }
        _ => work.path().join("payload"),
    };
    let expected = manifest.clone();
    let target = payload.clone();
    tokio::task::spawn_blocking(move || copy_payload(reader, &expected, &target))
        .await
        .context("the restore task stopped")??;

    let result = match url {
        DatabaseUrl::Sqlite { path: Some(p), .. } => install_sqlite(&payload, p, &manifest).await,
        DatabaseUrl::Postgres(raw) => install_postgres(&payload, raw, &manifest).await,
        DatabaseUrl::Sqlite { path: None, .. } => unreachable!("refused above"),
    };
    if result.is_err() {
        remove_sqlite_files(&payload);
    }
    drop(work);
    result?;
    let known = known_migrations(&manifest.database);
    let next = if manifest.last_migration == known.iter().copied().max() {
        "`ipt migrate` has nothing to do; start the server with `ipt serve`.".to_string()
    } else {
        "the backup predates this version's schema: `ipt migrate` (or `ipt serve`) brings it \
         up to date."
            .to_string()
    };
    println!(
        "Restored {} rows in {} tables from a backup of {} (IPT Workbench {}) into {}: the \
         payload's hash and every table's count match the manifest. {next}",
        manifest.rows(),
        manifest.tables.len(),
        manifest.created_at,
        manifest.product_version,
        url.display(),
    );
    let keys = restored_key_ids(url).await.unwrap_or_default();
    if !keys.is_empty() {
        println!(
            "Its clinical text is encrypted with the key(s) {}: the key file of the server \
             that opens it must hold them (see \"Encryption at rest\" in the operator guide).",
            keys.join(", ")
        );
    }
    Ok(())
}

/// The encryption keys a restored database needs: those it registered and never retired.
/// (None for a backup from before encryption, whose first start seals its text.)
async fn restored_key_ids(url: &DatabaseUrl) -> anyhow::Result<Vec<String>> {
    const SQL: &str = "SELECT key_id FROM encryption_keys WHERE retired_at IS NULL ORDER BY key_id";
    Ok(match url {
        DatabaseUrl::Sqlite { url: raw, .. } => {
            let store = SqliteStore::connect(raw, unread_keys()).await?;
            let ids = sqlx::query_scalar(SQL).fetch_all(&store.pool).await;
            store.pool.close().await;
            ids?
        }
        DatabaseUrl::Postgres(raw) => {
            let store = PgStore::connect(raw, unread_keys()).await?;
            let ids = sqlx::query_scalar(SQL).fetch_all(&store.pool).await;
            store.pool.close().await;
            ids?
        }
    })
}

fn identities(path: &Path) -> anyhow::Result<Vec<Box<dyn age::Identity + Send + Sync>>> {
    let file = age::IdentityFile::from_file(path.to_string_lossy().into_owned())
        .with_context(|| format!("cannot read the identity file {}", path.display()))?;
    let identities = file
        .into_identities()
        .map_err(|e| anyhow::anyhow!("the identity file {} is not usable: {e}", path.display()))?;
    if identities.is_empty() {
        bail!(
            "the identity file {} holds no key (AGE-SECRET-KEY-1… lines)",
            path.display()
        );
    }
    Ok(identities)
}

type Plain = age::stream::StreamReader<BufReader<File>>;

fn open_archive(
    input: BufReader<File>,
    identities: &[Box<dyn age::Identity + Send + Sync>],
    path: &Path,
) -> anyhow::Result<Plain> {
    let decryptor = match age::Decryptor::new_buffered(input) {
        Ok(d) => d,
        Err(age::DecryptError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(refused(format!(
                "{} is not an IPT Workbench backup: it is empty or cut short before its header",
                path.display()
            )));
        }
        Err(e) => {
            return Err(refused(format!(
                "{} is not an IPT Workbench backup, or its header is damaged ({e})",
                path.display()
            )));
        }
    };
    decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => refused(
                "wrong key: the identity file holds none of the keys this backup was \
                 encrypted to (or the backup's header was altered)",
            ),
            age::DecryptError::InvalidMac | age::DecryptError::InvalidHeader => refused(format!(
                "the backup's header is damaged or was altered ({e}); restore another copy"
            )),
            other => refused(format!("the backup cannot be decrypted: {other}")),
        })
}

fn read_manifest(reader: &mut Plain) -> anyhow::Result<Manifest> {
    let mut magic = vec![0u8; MAGIC.len()];
    reader.read_exact(&mut magic).map_err(damaged)?;
    if magic != MAGIC {
        return Err(refused(
            "this age file is not an IPT Workbench backup (its contents do not start with \
             IPT-BACKUP/1)",
        ));
    }
    let mut len = [0u8; 4];
    reader.read_exact(&mut len).map_err(damaged)?;
    let len = u32::from_be_bytes(len);
    if len > MANIFEST_LIMIT {
        return Err(refused("the backup's manifest is not valid (too long)"));
    }
    let mut json = vec![0u8; len as usize];
    reader.read_exact(&mut json).map_err(damaged)?;
    serde_json::from_slice(&json)
        .map_err(|e| refused(format!("the backup's manifest is not valid: {e}")))
}

/// Before anything is written: the archive is of this kind of database, and of a schema this
/// binary knows.
fn check_manifest(m: &Manifest, url: &DatabaseUrl) -> anyhow::Result<()> {
    if m.format != 1 {
        return Err(refused(format!(
            "the backup has layout {}, which this version does not know; restore it with a \
             newer IPT Workbench",
            m.format
        )));
    }
    let target = kind(url);
    if m.database != target {
        return Err(refused(format!(
            "this is a backup of a {} database; restore it into a {} URL with --database-url",
            m.database,
            if m.database == "postgres" {
                "postgres://"
            } else {
                "sqlite://"
            }
        )));
    }
    let known = known_migrations(&m.database);
    if let Some(v) = m.last_migration
        && !known.contains(&v)
    {
        let newest = known.iter().max().copied().unwrap_or(0);
        return Err(refused(format!(
            "the backup's schema (migration {v}, IPT Workbench {}) is newer than this version \
             knows (up to migration {newest}); restore it with IPT Workbench {} or newer",
            m.product_version, m.product_version
        )));
    }
    Ok(())
}

/// A database holding records is replaced only with `--force`.
async fn check_target_is_empty(url: &DatabaseUrl, force: bool) -> anyhow::Result<()> {
    let census = match url {
        DatabaseUrl::Sqlite {
            path: Some(p),
            url: raw,
        } => {
            if !p.exists() || std::fs::metadata(p)?.len() == 0 {
                return Ok(());
            }
            check_not_in_use(p, url).await?;
            let store = SqliteStore::connect(raw, unread_keys())
                .await
                .with_context(|| format!("cannot open the SQLite database at {}", url.display()))?;
            let c = store.census().await;
            store.pool.close().await;
            c
        }
        DatabaseUrl::Postgres(raw) => {
            let store = PgStore::connect(raw, unread_keys())
                .await
                .with_context(|| {
                    format!("cannot reach the PostgreSQL database at {}", url.display())
                })?;
            let c = store.census().await;
            store.pool.close().await;
            c
        }
        DatabaseUrl::Sqlite { path: None, .. } => return Ok(()),
    };
    let holds_records = match &census {
        Ok(c) => c.has_rows(),
        // A schema this binary cannot count is not an empty database either.
        Err(_) => true,
    };
    if holds_records && !force {
        let rows = census
            .map(|c| format!("{} rows", c.tables.values().sum::<u64>()))
            .unwrap_or_else(|e| format!("a schema this version cannot read: {e}"));
        return Err(refused(format!(
            "the database at {} already holds records ({rows}); restoring would replace them. \
             Stop `ipt serve`, and give --force to replace it, or restore into a new database.",
            url.display()
        )));
    }
    Ok(())
}

/// Refuse to replace a SQLite file another process has open (a running `ipt serve`): its
/// connections would go on writing to the old file, and their log could be replayed into the
/// new one. An exclusive lock is granted only when no other connection holds the database.
async fn check_not_in_use(path: &Path, url: &DatabaseUrl) -> anyhow::Result<()> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
    use sqlx::{ConnectOptions, Connection};
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(std::time::Duration::from_secs(1))
        .connect()
        .await
        .with_context(|| format!("cannot open the SQLite database at {}", url.display()))?;
    let taken = sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await;
    if taken.is_ok() {
        let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
    }
    let _ = conn.close().await;
    match taken {
        Ok(_) => Ok(()),
        Err(e) if e.to_string().contains("locked") || e.to_string().contains("busy") => {
            Err(refused(format!(
                "the database at {} is in use (is `ipt serve` running on it?); stop the server, \
                 then restore",
                url.display()
            )))
        }
        Err(e) => Err(anyhow::Error::new(e).context("cannot lock the database to restore into")),
    }
}

/// Decrypt the payload to `target`, checking its length and hash, and that the archive ends
/// where the manifest says (age checks its final chunk at the end of the stream).
fn copy_payload(mut reader: Plain, m: &Manifest, target: &Path) -> anyhow::Result<()> {
    let result = (|| -> anyhow::Result<()> {
        let mut out = BufWriter::new(
            File::create(target).with_context(|| format!("cannot create {}", target.display()))?,
        );
        let mut hasher = Sha256::new();
        let mut left = m.payload_bytes;
        let mut buf = vec![0u8; 1 << 16];
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = reader.read(&mut buf[..want]).map_err(damaged)?;
            if n == 0 {
                return Err(refused(
                    "the backup is cut short: its payload is shorter than the manifest says",
                ));
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            left -= n as u64;
        }
        let mut rest = [0u8; 1];
        if reader.read(&mut rest).map_err(damaged)? != 0 {
            return Err(refused(
                "the backup is not valid: it holds more than its manifest describes",
            ));
        }
        if hex(&hasher.finalize()) != m.payload_sha256 {
            return Err(refused(
                "the backup's payload does not match the SHA-256 in its manifest",
            ));
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(target);
    }
    result
}

/// Compare a restored database's census with the manifest's.
fn check_counts(m: &Manifest, found: &DatabaseCensus) -> anyhow::Result<()> {
    if found.last_migration != m.last_migration {
        return Err(refused(format!(
            "the restored database is at migration {:?}, the manifest says {:?}",
            found.last_migration, m.last_migration
        )));
    }
    if found.tables != m.tables {
        let differ: Vec<String> = m
            .tables
            .keys()
            .chain(found.tables.keys())
            .filter(|t| m.tables.get(*t) != found.tables.get(*t))
            .map(|t| {
                format!(
                    "{t}: {} in the manifest, {} restored",
                    m.tables.get(t).copied().unwrap_or(0),
                    found.tables.get(t).copied().unwrap_or(0)
                )
            })
            .collect();
        return Err(refused(format!(
            "the restored rows do not match the manifest ({})",
            differ.join(", ")
        )));
    }
    Ok(())
}

/// Check the decrypted copy in place, then swap it in for the target file.
async fn install_sqlite(copy: &Path, target: &Path, m: &Manifest) -> anyhow::Result<()> {
    let url = format!("sqlite://{}", copy.display());
    let store = SqliteStore::connect(&url, unread_keys())
        .await
        .context("cannot open the restored copy")?;
    let checked = check_sqlite(&store).await;
    let chain = check_chain(&store, m).await;
    store.pool.close().await;
    check_counts(m, &checked?)?;
    chain?;
    // An old write-ahead log must not be replayed into the restored file.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side)
                .with_context(|| format!("cannot remove {}", side.display()))?;
        }
    }
    std::fs::rename(copy, target)
        .with_context(|| format!("cannot move the restored database to {}", target.display()))?;
    if let Ok(dir) = File::open(parent_of(target)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn remove_sqlite_files(copy: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
}

/// `pg_restore` the dump in one transaction (all or nothing), replacing the objects it holds,
/// then count.
async fn install_postgres(dump: &Path, raw: &str, m: &Manifest) -> anyhow::Result<()> {
    let (dbname, password) = libpq_target(raw);
    let file = dump.to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new("pg_restore");
        cmd.args([
            "--single-transaction",
            "--exit-on-error",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--no-password",
        ])
        .arg(format!("--dbname={dbname}"))
        .arg(&file);
        if let Some(p) = password {
            cmd.env("PGPASSWORD", p);
        }
        cmd.output()
    })
    .await?
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot run pg_restore ({e}); install the PostgreSQL client tools (Debian: \
             postgresql-client)"
        )
    })?;
    if !out.status.success() {
        bail!(
            "pg_restore failed, and changed nothing (it runs in one transaction): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let store = PgStore::connect(raw, unread_keys()).await?;
    let census = store.census().await;
    let chain = check_chain(&store, m).await;
    store.pool.close().await;
    check_counts(m, &census.context("cannot count the restored rows")?)?;
    chain
}

/// The restored audit trail verifies, and its head is the manifest's: the trail is the one
/// backed up, whole and unchanged.
async fn check_chain(store: &dyn Store, m: &Manifest) -> anyhow::Result<()> {
    let anchor = match &m.audit_head {
        Some(h) if h.seq > 0 => Some(h.point()?),
        _ => None,
    };
    let v = store
        .verify_audit_chain(anchor)
        .await
        .context("cannot verify the restored audit trail")?;
    if let Some(b) = v.broken {
        return Err(refused(format!(
            "the restored audit trail does not verify ({b}); nothing of it is trusted. \
             `ipt audit verify` on the database the backup came from says more"
        )));
    }
    if let Some(a) = anchor
        && v.chain.head != a
    {
        return Err(refused(format!(
            "the restored audit trail ends at row {} but the backup's ended at row {}",
            v.chain.head.seq, a.seq
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_go_to_the_environment_not_the_command_line() {
        let (url, pw) = libpq_target("postgres://ipt:s%40cret@db:5432/ipt");
        assert_eq!(url, "postgres://ipt@db:5432/ipt");
        assert_eq!(pw.as_deref(), Some("s@cret"));
        let (url, pw) = libpq_target("postgres://ipt@db/ipt");
        assert_eq!(url, "postgres://ipt@db/ipt");
        assert_eq!(pw, None);
    }

    #[test]
    fn a_secret_key_given_as_recipient_is_refused_without_echo() {
        let secret = age::x25519::Identity::generate();
        use age::secrecy::ExposeSecret;
        let text = secret.to_string().expose_secret().to_string();
        let e = format!("{:#}", parse_recipient(&text).unwrap_err());
        assert!(e.contains("secret key"), "{e}");
        assert!(!e.contains(&text[15..]), "the key is not echoed: {e}");
        let public = secret.to_public().to_string();
        assert!(parse_recipient(&public).is_ok());
        let e = format!("{:#}", parse_recipient("age1nonsense").unwrap_err());
        assert!(!e.contains("nonsense"), "{e}");
    }
}
