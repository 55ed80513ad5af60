//! A small WebDriver client for the browser test: just the commands it needs, over plain HTTP
//! to `chromedriver` on loopback (W3C WebDriver, https://www.w3.org/TR/webdriver2/).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Driver {
    port: u16,
    session: String,
    process: Child,
    _profile: crate::support::Scratch,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    )
    .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the head, then exactly Content-Length bytes.
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the headers ended".into());
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let body = match length {
        Some(n) => {
            let mut body = vec![0u8; n];
            s.read_exact(&mut body).map_err(|e| e.to_string())?;
            String::from_utf8_lossy(&body).to_string()
        }
        None => {
            let mut rest = Vec::new();
            s.read_to_end(&mut rest).map_err(|e| e.to_string())?;
            let rest = String::from_utf8_lossy(&rest).to_string();
            if head.contains("transfer-encoding: chunked") {
                dechunk(&rest)
            } else {
                rest
            }
        }
    };
    let v: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
    if let Some(err) = v["value"]["error"].as_str() {
        return Err(format!("{err}: {}", v["value"]["message"]));
    }
    Ok(v["value"].clone())
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n.min(after.len())]);
        rest = after.get(n + 2..).unwrap_or("");
    }
    out
}

impl Driver {
    /// Start chromedriver and a headless Chromium session, or None when they are not installed.
    pub fn start() -> Option<Self> {
        let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let port = crate::support::free_port();
        let process = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let start = Instant::now();
        while http(port, "GET", "/status", None).is_err() {
            if start.elapsed() > Duration::from_secs(20) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = crate::support::Scratch::new();
        // The flags keep Chromium off the network: this machine has none to offer.
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1600",
            &format!("--user-data-dir={}", profile.0.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "unhandledPromptBehavior": "accept", "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}});
        let session =
            http(port, "POST", "/session", Some(&caps)).expect("start a Chromium session");
        let id = session["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Some(Self {
            port,
            session: id,
            process,
            _profile: profile,
        })
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.session);
        http(self.port, method, &full, body.as_ref())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/clear"), Some(json!({})));
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Type keys into a field after what it holds (no clearing), as a person at the keyboard.
    pub fn send_keys(&self, css: &str, keys: &str) {
        let el = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({ "text": keys })),
        );
    }

    /// Paste text into a field: the whole value at once, with the one input event a paste gives.
    pub fn paste(&self, css: &str, text: &str) {
        let script = "const f = document.querySelector(arguments[0]); f.focus(); f.value = arguments[1];             f.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));";
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": [css, text]})),
        );
    }

    pub fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), Some(json!({})));
    }

    /// Run a script in the page and return its result.
    pub fn eval(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Resize the window, e.g. to a phone's 390 × 844.
    pub fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    /// Run axe-core on the current page and return its serious and critical violations (rule id,
    /// impact, and the first offending element), or None when axe-core is not installed. It is
    /// found at IPT_AXE_JS, or where `.ci/run` installs it (target/axe/node_modules/axe-core).
    pub fn axe(&self) -> Option<Vec<String>> {
        let path = std::env::var("IPT_AXE_JS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../target/axe/node_modules/axe-core/axe.min.js")
            });
        let source = std::fs::read_to_string(&path).ok()?;
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": format!("{source}; return true;"), "args": []})),
        );
        let script = "const done = arguments[arguments.length - 1];\n\
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})\n\
              .then(r => done(r.violations\n\
                .filter(v => v.impact === 'serious' || v.impact === 'critical')\n\
                .map(v => v.id + ' (' + v.impact + '): ' + (v.nodes[0] ? v.nodes[0].target.join(' ') : ''))))\n\
              .catch(e => done(['axe failed: ' + e]));";
        let v = self.cmd(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        );
        Some(
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        )
    }

    /// Fail the test when the current page has serious accessibility violations. Without
    /// axe-core the check is skipped with a note, unless IPT_REQUIRE_BROWSER=1 (CI).
    pub fn assert_accessible(&self, what: &str) {
        match self.axe() {
            Some(violations) => assert!(
                violations.is_empty(),
                "{what} has serious accessibility violations: {violations:#?}"
            ),
            None => {
                assert!(
                    std::env::var("IPT_REQUIRE_BROWSER").as_deref() != Ok("1"),
                    "axe-core is not installed (set IPT_AXE_JS or run .ci/run)"
                );
                eprintln!("skipped the accessibility check of {what}: axe-core is not installed");
            }
        }
    }

    /// A field's current value.
    pub fn value(&self, css: &str) -> String {
        let script = "return document.querySelector(arguments[0]).value;";
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": [css]})),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Set a field's value directly (date inputs take typed keys in the browser's locale order,
    /// so tests set them as the form submits them: YYYY-MM-DD).
    pub fn set_value(&self, css: &str, value: &str) {
        let script = "document.querySelector(arguments[0]).value = arguments[1];";
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": [css, value]})),
        );
    }

    /// Submit the form whose action ends with `action_suffix`, by clicking its submit button.
    /// Waits for the next page: navigating on before the answer arrives would cancel the post.
    pub fn submit(&self, action_suffix: &str) {
        self.click_and_wait(&format!(
            "form[action$='{action_suffix}'] button[type=submit]"
        ));
    }

    /// Click something that loads a new page, and wait until it has replaced the old one.
    pub fn click_and_wait(&self, css: &str) {
        let before = self.find("main");
        self.click(css);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            let full = format!("/session/{}/element", self.session);
            let now = http(
                self.port,
                "POST",
                &full,
                Some(&json!({"using": "css selector", "value": "main"})),
            )
            .ok()
            .and_then(|v| v[ELEMENT].as_str().map(str::to_string));
            if now.is_some_and(|id| id != before) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("clicking {css} did not load a new page");
    }

    /// Choose an option of a select by its value.
    pub fn select(&self, css: &str, value: &str) {
        self.click(&format!("{css} option[value=\"{value}\"]"));
    }

    /// Wait (up to 20 s) until the main landmark contains `needle`; returns its text. Clicks that
    /// submit a form return before the next page has loaded, so every check after one waits.
    pub fn wait_text(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self.try_main_text().unwrap_or_default();
            if text.contains(needle) || start.elapsed() > Duration::from_secs(20) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait (up to 20 s) until the address ends with `suffix`; returns the address.
    pub fn wait_url(&self, suffix: &str) -> String {
        let start = Instant::now();
        loop {
            let url = self.url();
            if url.ends_with(suffix) || start.elapsed() > Duration::from_secs(20) {
                return url;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn try_main_text(&self) -> Option<String> {
        let full = format!("/session/{}/element", self.session);
        let v = http(
            self.port,
            "POST",
            &full,
            Some(&json!({"using": "css selector", "value": "main"})),
        )
        .ok()?;
        let el = v[ELEMENT].as_str()?.to_string();
        let t = http(
            self.port,
            "GET",
            &format!("/session/{}/element/{el}/text", self.session),
            None,
        )
        .ok()?;
        t.as_str().map(str::to_string)
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        let b64 = self
            .cmd("GET", "/screenshot", None)
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(bytes) = base64_decode(&b64) {
            let _ = std::fs::write(path, bytes);
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let table = |c: u8| -> Option<u8> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let v: Vec<u8> = chunk.iter().map(|c| table(*c)).collect::<Option<_>>()?;
        let n = v.iter().fold(0u32, |acc, x| (acc << 6) | u32::from(*x)) << (6 * (4 - v.len()));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..v.len()]);
    }
    Some(out)
}

/// A headless Chromium for a test, or None (with a note) when it is not installed; with
/// IPT_REQUIRE_BROWSER set (CI), its absence fails the test.
pub fn browser() -> Option<Driver> {
    let driver = Driver::start();
    if driver.is_none() {
        assert!(
            std::env::var("IPT_REQUIRE_BROWSER").is_err(),
            "IPT_REQUIRE_BROWSER is set but chromium/chromedriver could not be started"
        );
        eprintln!("skipped: chromium and chromium-driver are not installed");
    }
    driver
}

/// Wait for `needle` in the page's main landmark and fail with what the user saw otherwise.
pub fn expect(driver: &Driver, needle: &str) -> String {
    let t = driver.wait_text(needle);
    assert!(
        t.contains(needle),
        "expected to see {needle:?}; the page shows:\n{t}"
    );
    t
}
