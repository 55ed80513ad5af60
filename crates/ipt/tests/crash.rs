//! The crash test (#16): `ipt serve` is killed with SIGKILL while parallel clients submit
//! questionnaires through the API, and restarted, three times. Afterwards every submission the
//! server acknowledged (201, with its id) is in the course, and SQLite's integrity check passes.
//! SQLite always; PostgreSQL when `IPT_TEST_DATABASE_URL` is set.
//!
//! The clients speak HTTP/1.0 over a plain `TcpStream`, as the other end-to-end tests here do:
//! the dependency tree has no HTTP client crate (hyper is built for the server side only), and a
//! request per connection is what a crash should interrupt.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::*;

const CYCLES: usize = 3;
const CLIENTS: usize = 8;
/// Acknowledged submissions to wait for in each cycle before the kill.
const PER_CYCLE: usize = 40;

/// One request on its own connection; None when the server is not there or the answer was cut
/// off (then the client holds no acknowledgement).
fn request(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Option<(u16, serde_json::Value)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Accept: application/json\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8(buf).ok()?;
    let (head, payload) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let length: Option<usize> = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse().ok())?
    });
    if length.is_some_and(|n| n != payload.len()) {
        return None;
    }
    let json = serde_json::from_str(payload).unwrap_or(serde_json::Value::Null);
    Some((status, json))
}

struct Serve(Child);

impl Serve {
    fn start(dir: &Scratch, url: &str, port: u16) -> Self {
        Self(spawn_serve(dir, url, port))
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    fn kill(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn with_db<'a>(args: &[&'a str], url: &'a str) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend(["--database-url", url]);
    v
}

/// A clinician, their API token, and two courses to submit to.
fn setup(dir: &Scratch, url: &str) -> (String, Vec<String>) {
    let o = ipt(
        dir,
        &with_db(
            &[
                "user",
                "add",
                "--username",
                "crashtest",
                "--role",
                "clinician",
            ],
            url,
        ),
        Some("a long crash-test passphrase\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = ipt(
        dir,
        &with_db(&["token", "create", "--user", "crashtest"], url),
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let token = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let port = free_port();
    let server = Serve::start(dir, url, port);
    let mut courses = Vec::new();
    for n in 1..=2 {
        let body = format!(r#"{{"name": "Crash Test Patient {n}"}}"#);
        let (status, patient) =
            request(port, "POST", "/api/v1/patients", &token, Some(&body)).unwrap();
        assert_eq!(status, 201, "{patient}");
        let body = format!(
            r#"{{"patient_id": "{}", "format": "individual"}}"#,
            patient["id"].as_str().unwrap()
        );
        let (status, course) =
            request(port, "POST", "/api/v1/courses", &token, Some(&body)).unwrap();
        assert_eq!(status, 201, "{course}");
        courses.push(course["id"].as_str().unwrap().to_string());
    }
    server.kill();
    (token, courses)
}

/// A PHQ-9 that scores; varied so the rows differ.
fn submission(n: usize) -> String {
    let a = n % 4;
    format!(r#"{{"instrument": "phq9", "answers": [{a}, 1, 2, 1, {a}, 0, 1, 2, 0]}}"#)
}

/// One cycle: clients submit until `PER_CYCLE` more are acknowledged, then the server is
/// killed under them. Returns the acknowledged (course, assessment id) pairs.
fn cycle(
    dir: &Scratch,
    url: &str,
    token: &str,
    courses: &[String],
) -> (Vec<(String, String)>, Vec<String>) {
    let port = free_port();
    let server = Serve::start(dir, url, port);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let refused = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (acked, refused, stop) = (acked.clone(), refused.clone(), stop.clone());
            let (token, courses) = (token.to_string(), courses.to_vec());
            std::thread::spawn(move || {
                let mut n = c;
                while !stop.load(Ordering::SeqCst) {
                    let course = &courses[n % courses.len()];
                    let path = format!("/api/v1/courses/{course}/assessments");
                    match request(port, "POST", &path, &token, Some(&submission(n))) {
                        Some((201, body)) => {
                            let id = body["id"].as_str().expect("a 201 carries the id");
                            acked.lock().unwrap().push((course.clone(), id.to_string()));
                        }
                        Some((status, body)) => {
                            refused.lock().unwrap().push(format!("{status}: {body}"));
                        }
                        // The server is gone (killed) or the answer was cut off.
                        None => std::thread::sleep(Duration::from_millis(5)),
                    }
                    n += CLIENTS;
                }
            })
        })
        .collect();
    // A bound against a hang, not a timing assertion.
    let start = Instant::now();
    while acked.lock().unwrap().len() < PER_CYCLE {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the server acknowledged too few submissions: {:?}",
            refused.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let refused = refused.lock().unwrap().clone();
    (acked, refused)
}

/// The ids of a course's assessments, as the restarted server reads them.
fn stored(port: u16, token: &str, course: &str) -> Vec<String> {
    let (status, body) = request(
        port,
        "GET",
        &format!("/api/v1/courses/{course}"),
        token,
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    body["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

fn crash_cycles(dir: &Scratch, url: &str) {
    let (token, courses) = setup(dir, url);
    let mut acked = Vec::new();
    for _ in 0..CYCLES {
        let (ok, refused) = cycle(dir, url, &token, &courses);
        assert!(refused.is_empty(), "no submission was refused: {refused:?}");
        acked.extend(ok);
    }
    assert!(acked.len() >= CYCLES * PER_CYCLE);
    let port = free_port();
    let server = Serve::start(dir, url, port);
    for course in &courses {
        let present = stored(port, &token, course);
        let missing: Vec<&String> = acked
            .iter()
            .filter(|(c, id)| c == course && !present.contains(id))
            .map(|(_, id)| id)
            .collect();
        assert!(
            missing.is_empty(),
            "acknowledged submissions lost in the crashes: {missing:?}"
        );
    }
    server.kill();
}

#[test]
fn acknowledged_submissions_survive_sigkill_on_sqlite() {
    let dir = Scratch::new();
    let url = dir.sqlite_url();
    crash_cycles(&dir, &url);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let verdict: Vec<String> = runtime.block_on(async {
        let store = ipt_store_sqlite::SqliteStore::connect(&url, crate::support::keys_for(&url))
            .await
            .unwrap();
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&store.pool)
            .await
            .unwrap()
    });
    assert_eq!(verdict, ["ok"], "SQLite's integrity check");
}

#[tokio::test]
async fn acknowledged_submissions_survive_sigkill_on_postgres() {
    let Some(url) = fresh_pg_database().await else {
        eprintln!("skipped: set IPT_TEST_DATABASE_URL to run the PostgreSQL crash test");
        return;
    };
    let u = url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let dir = Scratch::new();
        crash_cycles(&dir, &u);
    })
    .await;
    drop_pg_database(&url).await;
    outcome.unwrap();
}
