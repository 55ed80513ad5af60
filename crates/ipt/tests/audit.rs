//! `ipt audit verify | anchor | prune`: the exit codes and words an operator relies on, on
//! SQLite always and on PostgreSQL when `IPT_TEST_DATABASE_URL` is set.

use crate::support::*;

/// Tamper with the database by SQL, as someone with access to it could.
async fn tamper(url: &str, statement: &'static str) {
    if url.starts_with("sqlite:") {
        let s = ipt_store_sqlite::SqliteStore::connect(url, crate::support::keys_for(url))
            .await
            .unwrap();
        sqlx::query(statement).execute(&s.pool).await.unwrap();
    } else {
        let s = ipt_store_postgres::PgStore::connect(url, crate::support::keys_for(url))
            .await
            .unwrap();
        sqlx::query(statement).execute(&s.pool).await.unwrap();
    }
}

async fn story(url: &str) {
    let dir = Scratch::new();
    let db = ["--database-url", url];
    let run = |args: &[&str], stdin: Option<&str>| {
        let all: Vec<&str> = args.iter().chain(db.iter()).copied().collect();
        ipt(&dir, &all, stdin)
    };
    for name in ["rosa", "bea"] {
        let o = run(
            &["user", "add", "--username", name, "--role", "clinician"],
            Some("a long enough passphrase\n"),
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = run(&["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("The audit trail is intact: 2 rows checked from its first row to row 2"),
        "{}",
        text(&o)
    );
    // An anchor is one line of JSON naming the head.
    let o = run(&["audit", "anchor"], None);
    assert!(o.status.success(), "{}", text(&o));
    let line = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(line.trim().lines().count(), 1, "{line}");
    let anchor: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(anchor["seq"], 2, "{line}");
    assert_eq!(anchor["hash"].as_str().unwrap().len(), 64, "{line}");
    let file = dir.0.join("anchors.jsonl");
    std::fs::write(&file, format!("{{\"not\":\"this one\"}}\n{line}")).unwrap();
    let anchor_file = file.to_str().unwrap();
    let o = run(&["audit", "verify", "--anchor", anchor_file], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("still holds the anchor of row 2"),
        "{}",
        text(&o)
    );
    // A file that holds no anchor is bad input.
    let junk = dir.0.join("junk.json");
    std::fs::write(&junk, "hello\n").unwrap();
    let o = run(
        &["audit", "verify", "--anchor", junk.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not an audit anchor"), "{}", text(&o));

    // Without a retention, prune refuses and deletes nothing.
    let o = run(&["audit", "prune"], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("no retention is set"), "{}", text(&o));
    let o = run(&["audit", "prune", "--before", "2001-01-01"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Pruned 0 audit events"), "{}", text(&o));
    // A retention of 0 days is refused at start.
    std::fs::write(dir.0.join("ipt.toml"), "[audit]\nretention_days = 0\n").unwrap();
    let o = run(&["audit", "verify"], None);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("retention_days must be at least 1"),
        "{}",
        text(&o)
    );
    // With a retention, prune lets go of older events only: these are minutes old.
    std::fs::write(dir.0.join("ipt.toml"), "[audit]\nretention_days = 30\n").unwrap();
    let o = run(&["audit", "prune"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Pruned 0 audit events"), "{}", text(&o));
    // Everything written before tomorrow (so, up to now) goes; the chain still verifies from
    // the boundary, and the anchor, now the last row pruned, still checks.
    let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1)).date();
    let o = run(&["audit", "prune", "--before", &tomorrow.to_string()], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("Pruned 2 audit events") && text(&o).contains("after row 2"),
        "{}",
        text(&o)
    );
    let o = run(&["audit", "verify", "--anchor", anchor_file], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("1 rows checked from row 2 (rows up to it were pruned) to row 3"),
        "{}",
        text(&o)
    );

    // An edit by SQL: exit code 3 and the row named.
    tamper(
        url,
        "UPDATE audit_events SET action = 'user.read' WHERE seq = 3",
    )
    .await;
    let o = run(&["audit", "verify"], None);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(
        text(&o).contains("the audit trail is broken: row 3 was altered"),
        "{}",
        text(&o)
    );
    // Prune refuses to delete the evidence.
    let o = run(&["audit", "prune", "--before", &tomorrow.to_string()], None);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("run `ipt audit verify`"), "{}", text(&o));
}

#[tokio::test]
async fn audit_verify_anchor_and_prune_on_sqlite() {
    let dir = Scratch::new();
    story(&dir.sqlite_url()).await;
}

#[tokio::test]
async fn audit_verify_anchor_and_prune_on_postgres() {
    let Some(url) = fresh_pg_database().await else {
        eprintln!("skipped: set IPT_TEST_DATABASE_URL to run the PostgreSQL CLI test");
        return;
    };
    story(&url).await;
    drop_pg_database(&url).await;
}
