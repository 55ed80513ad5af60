use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::*;

/// Start `ipt serve --demo`, check health and readiness, then stop it with SIGTERM and expect a
/// clean exit.
fn serve_demo_answers_health_and_stops_cleanly(dir: &Scratch, database_url: &str) {
    let port = free_port();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            database_url,
        ])
        .current_dir(&dir.0)
        .env_remove("IPT_DATABASE_URL")
        .env("IPT_ENCRYPTION_KEYS", test_key_text())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let health = wait_for(port, "/healthz", Duration::from_secs(60));
    let ready = http_get(port, "/readyz");
    let home = http_get(port, "/login");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    let out = child.wait_with_output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(health.map(|h| h.0), Some(200), "{log}");
    assert_eq!(ready.map(|r| r.0), Some(200), "{log}");
    assert_eq!(home.map(|r| r.0), Some(200), "{log}");
    assert!(
        status.success(),
        "graceful shutdown on SIGTERM: {status:?}\n{log}"
    );
    for account in ["admin", "supervisor", "clinician", "clinician2"] {
        assert!(
            log.contains(account),
            "the demo accounts are printed: {log}"
        );
    }
    assert!(!log.contains("$argon2"), "no password hashes in output");
}

#[test]
fn serve_demo_on_sqlite() {
    let dir = Scratch::new();
    let url = dir.sqlite_url();
    serve_demo_answers_health_and_stops_cleanly(&dir, &url);
}

#[tokio::test]
async fn serve_demo_on_postgres() {
    let Some(url) = fresh_pg_database().await else {
        eprintln!("skipped: set IPT_TEST_DATABASE_URL to run the PostgreSQL end-to-end test");
        return;
    };
    let dir = Scratch::new();
    let u = url.clone();
    let outcome =
        tokio::task::spawn_blocking(move || serve_demo_answers_health_and_stops_cleanly(&dir, &u))
            .await;
    drop_pg_database(&url).await;
    outcome.unwrap();
}

#[test]
fn a_port_in_use_is_reported_clearly() {
    let dir = Scratch::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let o = ipt(
        &dir,
        &["serve", "--listen", &format!("127.0.0.1:{port}")],
        None,
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("already in use") && t.contains("--listen"),
        "{t}"
    );
}

#[test]
fn a_bad_listen_address_is_explained() {
    let dir = Scratch::new();
    let o = ipt(&dir, &["serve", "--listen", "localhost"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("HOST:PORT"), "{}", text(&o));
}
