//! Encryption at rest through the binary, as the operator guide's "Encryption at rest" says to
//! use it: a first start makes the key file, a wrong key refuses to start, and `ipt keys
//! rotate` moves every value to a new key while the old one is retired. SQLite always,
//! PostgreSQL when `IPT_TEST_DATABASE_URL` is set.

use crate::support::*;

/// The key file a first start makes for `url`, run in `dir`: beside a SQLite file, else
/// `./ipt-data/ipt.keys`.
fn key_file(dir: &Scratch, url: &str) -> std::path::PathBuf {
    match url.strip_prefix("sqlite://") {
        Some(path) => std::path::Path::new(path)
            .parent()
            .unwrap()
            .join("ipt.keys"),
        None => dir.0.join("ipt-data").join("ipt.keys"),
    }
}

/// `ipt` as an operator runs it: no `IPT_*` settings, keys where the defaults put them.
fn ipt_plain(dir: &Scratch, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(args)
        .current_dir(&dir.0)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("IPT_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn story(url: &str) {
    let dir = Scratch::new();
    let db = ["--database-url", url];
    let run = |args: &[&str]| {
        let all: Vec<&str> = args.iter().chain(db.iter()).copied().collect();
        ipt_plain(&dir, &all, None)
    };
    let add = |name: &str| {
        let all = [
            "user",
            "add",
            "--username",
            name,
            "--role",
            "clinician",
            "--database-url",
            url,
        ];
        ipt_plain(&dir, &all, Some("a long enough passphrase\n"))
    };

    // A first start makes the key file, readable by its owner only, and says so.
    let o = run(&["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    let file = key_file(&dir, url);
    assert!(file.exists(), "the first start made {}", file.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner reads the key file");
    }
    let original = std::fs::read_to_string(&file).unwrap();
    let old_id = original
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let o = run(&["keys", "status"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&old_id) && text(&o).contains("primary"),
        "{}",
        text(&o)
    );

    // The same id with other key bytes: refused at start, nothing served.
    let o = ipt_plain(&dir, &["keys", "generate", "--id", &old_id], None);
    assert!(o.status.success(), "{}", text(&o));
    let impostor = String::from_utf8(o.stdout).unwrap();
    std::fs::write(&file, &impostor).unwrap();
    let o = run(&["migrate"]);
    assert!(!o.status.success(), "a wrong key must not start");
    assert!(
        text(&o).contains(&format!(
            "the key '{old_id}' in the key file is not the key"
        )),
        "{}",
        text(&o)
    );
    // No key file at all, where one is required: refused, and no new key is made.
    let missing = dir.0.join("nowhere.keys");
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["migrate", "--database-url", url])
        .current_dir(&dir.0)
        .env("IPT_ENCRYPTION_KEY_FILE", &missing);
    for (k, _) in std::env::vars() {
        if k.starts_with("IPT_") && k != "IPT_ENCRYPTION_KEY_FILE" {
            cmd.env_remove(k);
        }
    }
    let o = cmd.output().unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
    assert!(!missing.exists());

    // Rotation: the new key first, the old one kept below it.
    std::fs::write(&file, &original).unwrap();
    let o = ipt_plain(&dir, &["keys", "generate", "--id", "k-rotated"], None);
    let new_line = String::from_utf8(o.stdout).unwrap();
    std::fs::write(&file, format!("{new_line}{original}")).unwrap();
    // Written after the new key arrived: sealed with it.
    assert!(add("written-during-rotation").status.success());
    let o = run(&["keys", "rotate", "--batch", "50"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("The key '{old_id}' seals nothing now")),
        "{}",
        text(&o)
    );
    // The old key can go: the new one alone opens everything.
    std::fs::write(&file, &new_line).unwrap();
    let o = run(&["keys", "status"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("k-rotated"), "{}", text(&o));
    assert!(text(&o).contains("retired"), "{}", text(&o));
    assert!(add("after-rotation").status.success());
    // And the old key alone no longer does.
    std::fs::write(&file, &original).unwrap();
    let o = run(&["migrate"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("'k-rotated'"), "{}", text(&o));
}

#[test]
fn keys_are_made_checked_and_rotated_on_sqlite() {
    let dir = Scratch::new();
    story(&dir.sqlite_url());
}

#[tokio::test]
async fn keys_are_made_checked_and_rotated_on_postgres() {
    let Some(url) = fresh_pg_database().await else {
        eprintln!("skipped: set IPT_TEST_DATABASE_URL to run the PostgreSQL CLI test");
        return;
    };
    let u = url.clone();
    tokio::task::spawn_blocking(move || story(&u))
        .await
        .unwrap();
    drop_pg_database(&url).await;
}
