//! `ipt token create | list | revoke` through the real binary: the token is alone on the last
//! line, it authenticates against a running `ipt serve`, it is stored only as a hash, and once
//! revoked it stops working.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command};
use std::time::Duration;

use crate::support::*;

/// GET with a bearer token; returns (status, body).
fn api_get(port: u16, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{auth}Accept: application/json\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let status = buf.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = buf
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

fn with_db<'a>(args: &[&'a str], url: &'a str) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend(["--database-url", url]);
    v
}

struct Server(Child);

impl Server {
    fn start(dir: &Scratch, url: &str, port: u16) -> Self {
        Self(spawn_serve(dir, url, port))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// Create, use, list and revoke a token on the database at `url`. Returns the raw token.
fn token_lifecycle(dir: &Scratch, url: &str) -> String {
    let o = ipt(
        dir,
        &with_db(
            &["user", "add", "--username", "rosa", "--role", "clinician"],
            url,
        ),
        Some("lantern orbit pebble mango\n"),
    );
    assert!(o.status.success(), "{}", text(&o));

    let o = ipt(
        dir,
        &with_db(
            &["token", "create", "--user", "Rosa", "--name", "ci script"],
            url,
        ),
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8(o.stdout.clone()).unwrap();
    let token = stdout.lines().last().unwrap().to_string();
    assert_eq!(
        token.len(),
        64,
        "the last line is the token alone: {stdout:?}"
    );
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{stdout:?}");
    assert_eq!(stdout.matches(&token).count(), 1, "shown once");
    let id = stdout
        .split("Created API token ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(stdout.contains("rosa (clinician)"), "{stdout}");

    let port = free_port();
    {
        let _server = Server::start(dir, url, port);
        let (status, body) = api_get(port, "/api/v1/caseload", Some(&token));
        assert_eq!(status, 200, "the token authenticates: {body}");
        assert_eq!(body, "[]");
        let (status, body) = api_get(port, "/api/v1/patients", None);
        assert_eq!(status, 401, "{body}");
        assert!(body.contains("Bearer"), "{body}");

        let o = ipt(
            dir,
            &with_db(&["token", "list", "--user", "rosa"], url),
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        let listing = text(&o);
        let row = listing
            .lines()
            .find(|l| l.starts_with(&id))
            .unwrap_or_else(|| panic!("{listing}"));
        assert!(
            row.contains("ci script") && row.ends_with("active"),
            "{row}"
        );
        assert!(!row.contains("never"), "the use was recorded: {row}");
        assert!(!listing.contains(&token), "list never shows the token");

        let o = ipt(dir, &with_db(&["token", "revoke", "--id", &id], url), None);
        assert!(o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("Revoked API token"), "{}", text(&o));
        let (status, _) = api_get(port, "/api/v1/caseload", Some(&token));
        assert_eq!(status, 401, "a revoked token stops working at once");
    }

    let o = ipt(
        dir,
        &with_db(&["token", "list", "--user", "rosa"], url),
        None,
    );
    assert!(text(&o).contains("revoked "), "{}", text(&o));
    let again = ipt(dir, &with_db(&["token", "revoke", "--id", &id], url), None);
    assert!(!again.status.success());
    assert!(text(&again).contains("already revoked"), "{}", text(&again));
    let unknown = ipt(
        dir,
        &with_db(
            &[
                "token",
                "revoke",
                "--id",
                "0190f0c4-5b7e-7c39-8d6a-2f1e4b9c0a11",
            ],
            url,
        ),
        None,
    );
    assert!(!unknown.status.success());
    assert!(
        text(&unknown).contains("no API token with id"),
        "{}",
        text(&unknown)
    );
    let garbage = ipt(dir, &with_db(&["token", "revoke", "--id", "42"], url), None);
    assert!(!garbage.status.success());
    assert!(
        text(&garbage).contains("not a token id"),
        "{}",
        text(&garbage)
    );
    let nobody = ipt(
        dir,
        &with_db(&["token", "create", "--user", "nobody"], url),
        None,
    );
    assert!(!nobody.status.success());
    assert!(
        text(&nobody).contains("no user named 'nobody'"),
        "{}",
        text(&nobody)
    );
    let nobody = ipt(
        dir,
        &with_db(&["token", "list", "--user", "nobody"], url),
        None,
    );
    assert!(!nobody.status.success());
    token
}

#[test]
fn tokens_on_sqlite_are_printed_once_work_are_stored_hashed_and_can_be_revoked() {
    let dir = Scratch::new();
    let url = dir.sqlite_url();
    let token = token_lifecycle(&dir, &url);
    // Every byte the database holds (main file and write-ahead log): the hash, never the token.
    let mut stored = vec![];
    for entry in std::fs::read_dir(&dir.0).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("ipt.db")
        {
            stored.extend(std::fs::read(&path).unwrap());
        }
    }
    let contains = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(
        contains(&ipt_web::auth::hash_token(&token)),
        "the hash is stored"
    );
    assert!(!contains(&token), "the raw token is never stored");
}

#[tokio::test]
async fn tokens_on_postgres_are_stored_hashed() {
    let Some(url) = fresh_pg_database().await else {
        eprintln!("skipped: set IPT_TEST_DATABASE_URL to run the PostgreSQL token test");
        return;
    };
    let dir = Scratch::new();
    let u = url.clone();
    let outcome = tokio::task::spawn_blocking(move || token_lifecycle(&dir, &u)).await;
    let pg = url.clone();
    let check = async move {
        let token = outcome.unwrap();
        let store = ipt_store_postgres::PgStore::connect(&pg, crate::support::keys_for(&pg))
            .await
            .unwrap();
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT t::text FROM api_tokens t UNION ALL SELECT a::text FROM audit_events a",
        )
        .fetch_all(&store.pool)
        .await
        .unwrap();
        store.pool.close().await;
        let all: String = rows.into_iter().map(|r| r.0).collect();
        assert!(
            all.contains(&ipt_web::auth::hash_token(&token)),
            "the hash is stored"
        );
        assert!(!all.contains(&token), "the raw token is never stored");
    };
    let result = tokio::spawn(check).await;
    drop_pg_database(&url).await;
    result.unwrap();
}
