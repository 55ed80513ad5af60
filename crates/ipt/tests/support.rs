use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_ipt");

/// A scratch folder for one test, removed afterwards.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Self {
        let p = std::env::temp_dir().join(format!("ipt-e2e-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    pub fn sqlite_url(&self) -> String {
        format!("sqlite://{}/ipt.db", self.0.display())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Run `ipt` with args in `dir`, with a clean IPT_* environment.
pub fn ipt(dir: &Scratch, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(&dir.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    clean_env(&mut cmd);
    let mut child = cmd.spawn().expect("run ipt");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The key file text every `ipt` these tests start is given (`IPT_ENCRYPTION_KEYS`): one new
/// key per test run, so that a test can open in-process what the binary wrote. (The key file
/// a first start makes by default is tested on its own, in keys.rs.)
pub fn test_key_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| ipt_store_sqlite::Keyring::new_key_line(Some("e2e")).unwrap())
}

/// The keys of `test_key_text`.
pub fn test_keys() -> ipt_store_sqlite::Keyring {
    ipt_store_sqlite::Keyring::parse(test_key_text()).unwrap()
}

/// The keys to open the database at `url` with in a test: those every `ipt` started here has.
pub fn keys_for(_url: &str) -> ipt_store_sqlite::Keyring {
    test_keys()
}

/// Clear the test run's own `IPT_*` settings from `cmd`, and give it the tests' key.
pub fn clean_env(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars() {
        if k.starts_with("IPT_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("IPT_ENCRYPTION_KEYS", test_key_text())
}

/// A fresh PostgreSQL database for one test, or None when PostgreSQL tests are off.
pub async fn fresh_pg_database() -> Option<String> {
    let base = ipt_store_tests::harness::pg_url()?;
    let name = format!("ipt_e2e_{}", uuid::Uuid::now_v7().simple());
    let admin = ipt_store_postgres::PgStore::connect(&base, keys_for(&base))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin.pool)
        .await
        .unwrap();
    admin.pool.close().await;
    let (prefix, _) = base.rsplit_once('/').unwrap();
    Some(format!("{prefix}/{name}"))
}

/// Drop a database made by `fresh_pg_database`.
pub async fn drop_pg_database(url: &str) {
    let Some(base) = ipt_store_tests::harness::pg_url() else {
        return;
    };
    let Some((_, name)) = url.rsplit_once('/') else {
        return;
    };
    if let Ok(admin) = ipt_store_postgres::PgStore::connect(&base, keys_for(&base)).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&admin.pool)
        .await;
        admin.pool.close().await;
    }
}

/// A port nobody is listening on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// GET a path with a minimal HTTP/1.0 request; returns (status, body).
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    Some((status, body))
}

/// Wait until `path` answers, up to `limit`.
pub fn wait_for(port: u16, path: &str, limit: Duration) -> Option<(u16, String)> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(r) = http_get(port, path) {
            return Some(r);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// `ipt serve` running in a scratch folder for the browser tests; stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ipt serve` of the database at `url` on 127.0.0.1:`port`, from `dir`, without the test run's
/// own `IPT_*` settings; returned once it answers `/healthz`.
pub fn spawn_serve(dir: &Scratch, url: &str, port: u16) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--database-url",
        url,
    ])
    .current_dir(&dir.0)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    clean_env(&mut cmd);
    let child = cmd.spawn().unwrap();
    assert!(
        wait_for(port, "/healthz", Duration::from_secs(60)).is_some(),
        "ipt serve did not start"
    );
    child
}

/// Add the clinician `maria` (passphrase "lantern orbit pebble mango") and serve the folder's database
/// (and its ipt.toml, if any) on a free port.
pub fn start_server_with_clinician(dir: &Scratch) -> Server {
    let add = ipt(
        dir,
        &[
            "user",
            "add",
            "--username",
            "maria",
            "--role",
            "clinician",
            "--display-name",
            "Dr Maria Test",
        ],
        Some("lantern orbit pebble mango\n"),
    );
    assert!(add.status.success(), "{}", text(&add));
    let port = free_port();
    let child = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(&dir.0)
        .env_remove("IPT_DATABASE_URL")
        .env("IPT_ENCRYPTION_KEYS", test_key_text())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_for(port, "/healthz", Duration::from_secs(60)).is_some(),
        "the server came up"
    );
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}
