//! `ipt backup` and `ipt restore` through the real binary (#16): the demo clinic backed up (once
//! while `ipt serve` runs on it), restored into a fresh database with the same counts and
//! records, and every damaged, altered, foreign or too-new archive refused with its reason.
//! SQLite always; PostgreSQL (with pg_dump and pg_restore) when `IPT_TEST_DATABASE_URL` is set.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use age::secrecy::ExposeSecret;
use ipt_app::ports::{AuditFilter, DatabaseCensus, Store};
use ipt_domain::ids::CourseId;
use ipt_store_postgres::PgStore;
use ipt_store_sqlite::SqliteStore;

use crate::support::*;

/// A fresh key pair: the public key, and the identity file holding the secret key.
fn key_pair(dir: &Scratch, name: &str) -> (String, PathBuf) {
    let secret = age::x25519::Identity::generate();
    let path = dir.0.join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "# a test key").unwrap();
    writeln!(f, "{}", secret.to_string().expose_secret()).unwrap();
    (secret.to_public().to_string(), path)
}

fn run_ok(dir: &Scratch, args: &[&str]) -> String {
    let o = ipt(dir, args, None);
    assert!(o.status.success(), "ipt {args:?}: {}", text(&o));
    text(&o)
}

fn run_refused(dir: &Scratch, args: &[&str]) -> String {
    let o = ipt(dir, args, None);
    assert!(
        !o.status.success(),
        "ipt {args:?} was accepted: {}",
        text(&o)
    );
    text(&o)
}

/// A store on `url`, and its pool to close: a restore replaces a SQLite file only when nothing
/// has it open (as the operator guide says: stop the server first).
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Pool {
    async fn close(self) {
        match self {
            Self::Sqlite(p) => p.close().await,
            Self::Postgres(p) => p.close().await,
        }
    }
}

async fn open(url: &str) -> (Arc<dyn Store>, Pool) {
    if url.starts_with("sqlite:") {
        let s = SqliteStore::connect(url, crate::support::keys_for(url))
            .await
            .unwrap();
        let pool = Pool::Sqlite(s.pool.clone());
        (Arc::new(s), pool)
    } else {
        let s = PgStore::connect(url, crate::support::keys_for(url))
            .await
            .unwrap();
        let pool = Pool::Postgres(s.pool.clone());
        (Arc::new(s), pool)
    }
}

async fn census(url: &str) -> DatabaseCensus {
    let (s, pool) = open(url).await;
    let c = s.census().await.unwrap();
    pool.close().await;
    c
}

/// The audit trail and the accounts are equal, and so are a sample of courses with their
/// patients (read after the counts were compared: reading them is audited).
async fn same_records(a: &str, b: &str) {
    let ((a, pool_a), (b, pool_b)) = (open(a).await, open(b).await);
    let all = AuditFilter {
        limit: 100_000,
        ..AuditFilter::default()
    };
    let trail = a.audit_events(&all).await.unwrap();
    assert!(!trail.is_empty());
    assert_eq!(
        trail,
        b.audit_events(&all).await.unwrap(),
        "the audit trail"
    );
    let (ua, ub) = (a.list_users().await.unwrap(), b.list_users().await.unwrap());
    assert!(!ua.is_empty() && ua == ub, "the user accounts");
    let courses: Vec<CourseId> = trail
        .iter()
        .filter(|e| e.entity == "course" && e.action == "course.create")
        .map(|e| CourseId::from_uuid(e.entity_id))
        .take(5)
        .collect();
    assert!(!courses.is_empty());
    let read = |action| ipt_store_tests::fixtures::audit(action, uuid::Uuid::nil(), None, None);
    for id in courses {
        let (c, p) = (read("course.read"), read("patient.read"));
        let x = a.course_and_patient(id, &c, &p).await.unwrap();
        let y = b.course_and_patient(id, &c, &p).await.unwrap();
        assert!(x.is_some());
        assert_eq!(x, y, "course {id:?} and its patient");
    }
    pool_a.close().await;
    pool_b.close().await;
}

fn with_db<'a>(args: &[&'a str], url: &'a str) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend(["--database-url", url]);
    v
}

/// A copy of `file` with `f` applied to its bytes.
fn altered(file: &Path, name: &str, f: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(file).unwrap();
    f(&mut bytes);
    let out = file.with_file_name(name);
    std::fs::write(&out, bytes).unwrap();
    out
}

/// The whole story on one kind of database: `source` holds the demo clinic, `fresh()` gives an
/// empty database to restore into.
async fn backup_and_restore(dir: &Scratch, source: &str, fresh: &[String]) {
    let (public, identity) = key_pair(dir, "backup-key.txt");
    let (_, stranger) = key_pair(dir, "another-key.txt");
    let archive = dir.0.join("ipt-backup.age");
    let a = archive.to_str().unwrap();
    let id = identity.to_str().unwrap();

    let said = run_ok(
        dir,
        &with_db(&["backup", "--out", a, "--recipient", &public], source),
    );
    assert!(said.contains("Backed up"), "{said}");
    assert!(!said.contains(&public), "keys are not printed: {said}");
    let before = census(source).await;
    assert!(before.has_rows());

    // Refusals first, each into a fresh database that must stay empty.
    let target = &fresh[0];
    let t = run_refused(
        dir,
        &with_db(
            &[
                "restore",
                "--in",
                a,
                "--identity",
                stranger.to_str().unwrap(),
            ],
            target,
        ),
    );
    assert!(t.contains("wrong key"), "{t}");
    let middle = std::fs::metadata(&archive).unwrap().len() as usize / 2;
    let flipped = altered(&archive, "flipped.age", |b| b[middle] ^= 0x01);
    let t = run_refused(
        dir,
        &with_db(
            &[
                "restore",
                "--in",
                flipped.to_str().unwrap(),
                "--identity",
                id,
            ],
            target,
        ),
    );
    assert!(t.contains("damaged") && t.contains("altered"), "{t}");
    let cut = altered(&archive, "cut.age", |b| b.truncate(b.len() - 100));
    let t = run_refused(
        dir,
        &with_db(
            &["restore", "--in", cut.to_str().unwrap(), "--identity", id],
            target,
        ),
    );
    assert!(t.contains("cut short") || t.contains("damaged"), "{t}");
    let header = altered(&archive, "header.age", |b| b[40] ^= 0x20);
    let t = run_refused(
        dir,
        &with_db(
            &[
                "restore",
                "--in",
                header.to_str().unwrap(),
                "--identity",
                id,
            ],
            target,
        ),
    );
    assert!(t.contains("header") || t.contains("wrong key"), "{t}");
    if target.starts_with("sqlite:") {
        let file = target.trim_start_matches("sqlite://");
        assert!(
            !Path::new(file).exists(),
            "a refused restore wrote nothing: {file}"
        );
    } else {
        assert!(
            !census(target).await.has_rows(),
            "a refused restore wrote nothing"
        );
    }

    // The restore, into a fresh database.
    let said = run_ok(
        dir,
        &with_db(&["restore", "--in", a, "--identity", id], target),
    );
    assert!(
        said.contains("Restored") && said.contains("nothing to do"),
        "{said}"
    );
    let after = census(target).await;
    assert_eq!(after, before, "every table's count, and the schema");
    same_records(source, target).await;
    // Reading the sample was audited; migrating changes nothing more.
    let read = census(target).await;
    let said = run_ok(dir, &with_db(&["migrate"], target));
    assert!(said.contains("up to date"), "{said}");
    assert_eq!(census(target).await, read);

    // A database holding records is replaced only with --force.
    let t = run_refused(
        dir,
        &with_db(&["restore", "--in", a, "--identity", id], target),
    );
    assert!(
        t.contains("already holds records") && t.contains("--force"),
        "{t}"
    );
    run_ok(
        dir,
        &with_db(&["restore", "--in", a, "--identity", id, "--force"], target),
    );
    let again = census(target).await;
    assert_eq!(again.tables, before.tables);
}

/// An archive made like `ipt backup` makes one, with a manifest saying `last_migration`.
fn forged_archive(dir: &Scratch, public: &str, last_migration: i64) -> PathBuf {
    let payload = b"not a database".to_vec();
    let manifest = serde_json::json!({
        "format": 1, "product": "IPT Workbench", "product_version": "99.0.0",
        "database": "sqlite", "payload_format": "sqlite3", "last_migration": last_migration,
        "tables": {}, "created_at": "2030-01-01T00:00:00Z",
        "payload_bytes": payload.len(),
        "payload_sha256": sha256_hex(&payload),
    });
    let json = serde_json::to_vec(&manifest).unwrap();
    let mut plain = b"IPT-BACKUP/1\n".to_vec();
    plain.extend((json.len() as u32).to_be_bytes());
    plain.extend(json);
    plain.extend(payload);
    let recipient: age::x25519::Recipient = public.parse().unwrap();
    let sealed = age::encrypt(&recipient, &plain).unwrap();
    let path = dir.0.join("forged.age");
    std::fs::write(&path, sealed).unwrap();
    path
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn backup_and_restore_on_sqlite() {
    let dir = Scratch::new();
    let source = dir.sqlite_url();
    run_ok(&dir, &with_db(&["demo"], &source));
    let fresh = vec![format!("sqlite://{}/restored/ipt.db", dir.0.display())];
    backup_and_restore(&dir, &source, &fresh).await;
}

#[tokio::test]
async fn backup_and_restore_on_postgres() {
    let Some(source) = fresh_pg_database().await else {
        eprintln!("skipped: set IPT_TEST_DATABASE_URL to run the PostgreSQL backup test");
        return;
    };
    for tool in ["pg_dump", "pg_restore"] {
        let found = std::process::Command::new(tool).arg("--version").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "{tool} is needed for PostgreSQL backups (.ci/run installs postgresql-client)"
        );
    }
    let target = fresh_pg_database().await.unwrap();
    let dir = Scratch::new();
    let s = source.clone();
    let d = tokio::task::spawn_blocking(move || {
        let o = ipt(&dir, &with_db(&["demo"], &s), None);
        (dir, o)
    })
    .await
    .unwrap();
    let (dir, o) = d;
    assert!(o.status.success(), "{}", text(&o));
    // An empty, migrated database to restore into: restore replaces the schema it finds.
    let o = ipt(&dir, &with_db(&["migrate"], &target), None);
    assert!(o.status.success(), "{}", text(&o));
    let outcome = tokio::spawn({
        let (source, target) = (source.clone(), target.clone());
        async move { backup_and_restore(&dir, &source, &[target]).await }
    })
    .await;
    drop_pg_database(&source).await;
    drop_pg_database(&target).await;
    outcome.unwrap();
}

/// The backup is consistent while the server runs on the database.
#[test]
fn a_backup_is_taken_while_the_server_runs() {
    let dir = Scratch::new();
    let (public, identity) = key_pair(&dir, "backup-key.txt");
    let _server = start_server_with_clinician(&dir);
    let archive = dir.0.join("online.age");
    let a = archive.to_str().unwrap();
    let said = run_ok(&dir, &["backup", "--out", a, "--recipient", &public]);
    assert!(said.contains("Backed up"), "{said}");
    let restored = format!("sqlite://{}/copy/ipt.db", dir.0.display());
    let said = run_ok(
        &dir,
        &with_db(
            &[
                "restore",
                "--in",
                a,
                "--identity",
                identity.to_str().unwrap(),
            ],
            &restored,
        ),
    );
    assert!(said.contains("Restored"), "{said}");
    // Restoring over the database the server has open is refused, even with --force.
    let t = run_refused(
        &dir,
        &[
            "restore",
            "--in",
            a,
            "--identity",
            identity.to_str().unwrap(),
            "--force",
        ],
    );
    assert!(t.contains("in use") && t.contains("ipt serve"), "{t}");
}

#[test]
fn a_backup_of_a_newer_schema_is_refused() {
    let dir = Scratch::new();
    let (public, identity) = key_pair(&dir, "backup-key.txt");
    let forged = forged_archive(&dir, &public, 9999);
    let restored = format!("sqlite://{}/copy/ipt.db", dir.0.display());
    let t = run_refused(
        &dir,
        &with_db(
            &[
                "restore",
                "--in",
                forged.to_str().unwrap(),
                "--identity",
                identity.to_str().unwrap(),
            ],
            &restored,
        ),
    );
    assert!(t.contains("newer") && t.contains("9999"), "{t}");
    // A known schema with a payload that is no database is refused by the integrity check.
    let forged = forged_archive(&dir, &public, 1);
    let t = run_refused(
        &dir,
        &with_db(
            &[
                "restore",
                "--in",
                forged.to_str().unwrap(),
                "--identity",
                identity.to_str().unwrap(),
            ],
            &restored,
        ),
    );
    assert!(!t.contains("Restored"), "{t}");
    assert!(!Path::new(&format!("{}/copy/ipt.db", dir.0.display())).exists());
}

#[test]
fn backup_needs_a_public_key_and_never_echoes_a_secret_one() {
    let dir = Scratch::new();
    run_ok(&dir, &["migrate"]);
    let t = run_refused(&dir, &["backup", "--out", "b.age"]);
    assert!(t.contains("--recipient"), "{t}");
    let secret = age::x25519::Identity::generate();
    let secret = secret.to_string().expose_secret().to_string();
    let t = run_refused(&dir, &["backup", "--out", "b.age", "--recipient", &secret]);
    assert!(t.contains("secret key"), "{t}");
    assert!(!t.contains(&secret[20..]), "the key is not echoed: {t}");
    assert!(!dir.0.join("b.age").exists());
}

/// A backup records the audit chain's head, and a restore verifies the restored trail up to
/// exactly that row: a trail altered before the backup is refused on restore, with the reason.
#[tokio::test]
async fn a_restore_verifies_the_audit_chain_it_brings_back() {
    let dir = Scratch::new();
    let source = dir.sqlite_url();
    run_ok(&dir, &with_db(&["demo"], &source));
    let (public, identity) = key_pair(&dir, "backup-key.txt");
    let id = identity.to_str().unwrap();
    let tampered = dir.0.join("tampered.age");
    // Someone with access to the file rewrites what an audit row says was done.
    let s = SqliteStore::connect(&source, crate::support::keys_for(&source))
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET action = 'patient.read' WHERE seq = 3")
        .execute(&s.pool)
        .await
        .unwrap();
    s.pool.close().await;
    let t = tampered.to_str().unwrap();
    run_ok(
        &dir,
        &with_db(&["backup", "--out", t, "--recipient", &public], &source),
    );
    let target = format!("sqlite://{}/restored/ipt.db", dir.0.display());
    let said = run_refused(
        &dir,
        &with_db(&["restore", "--in", t, "--identity", id], &target),
    );
    assert!(said.contains("does not verify"), "{said}");
    assert!(said.contains("row 3 was altered"), "{said}");
}
