//! The browser test: headless Chromium, driven through WebDriver, signs in and walks one course
//! through the real server, asserting what the user sees at each step.
//!
//! It needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them it
//! says so and passes, unless IPT_REQUIRE_BROWSER=1 (set by CI), when their absence fails it.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::*;
use crate::webdriver::Driver;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(dir: &Scratch) -> Server {
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
        Some("a long passphrase\n"),
    );
    assert!(add.status.success(), "{}", text(&add));
    let port = free_port();
    let child = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(&dir.0)
        .env_remove("IPT_DATABASE_URL")
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

fn shots() -> Option<std::path::PathBuf> {
    std::env::var("IPT_SCREENSHOTS")
        .ok()
        .map(std::path::PathBuf::from)
}

#[test]
fn a_clinician_signs_in_and_walks_a_course() {
    let Some(driver) = Driver::start() else {
        assert!(
            std::env::var("IPT_REQUIRE_BROWSER").is_err(),
            "IPT_REQUIRE_BROWSER is set but chromium/chromedriver could not be started"
        );
        eprintln!("skipped: chromium and chromium-driver are not installed");
        return;
    };
    let dir = Scratch::new();
    let server = start_server(&dir);
    let b = &server.base;
    let shot = |name: &str| {
        if let Some(dir) = shots() {
            driver.screenshot(&dir.join(format!("{name}.png")));
        }
    };

    // Sign in.
    driver.goto(&format!("{b}/"));
    assert!(driver.url().ends_with("/login"));
    driver.type_into("#username", "maria");
    driver.type_into("#password", "wrong password");
    driver.click("button.primary");
    assert!(
        driver
            .main_text()
            .contains("The username or password is not right.")
    );
    driver.type_into("#password", "a long passphrase");
    shot("login");
    driver.click("button.primary");
    assert!(driver.url().ends_with("/caseload"), "{}", driver.url());
    assert!(driver.wait_text("").contains("No patients yet."));

    // Register a patient: a bad date is explained and the name is kept.
    driver.goto(&format!("{b}/patients/new"));
    driver.type_into("#name", "Teresa Example");
    driver.type_into("#date_of_birth", "31/12/1980");
    driver.click("button.primary");
    let t = driver.wait_text("");
    assert!(t.contains("Write the date as YYYY-MM-DD"), "{t}");
    driver.type_into("#date_of_birth", "1980-12-31");
    driver.click("button.primary");
    let t = driver.wait_text("");
    assert!(
        t.contains("The patient is registered.") && t.contains("Teresa Example"),
        "{t}"
    );

    // Start an individual course and move it into the initial phase.
    driver.select("#format", "individual");
    driver.click("form[action$='/courses'] button.primary");
    let t = driver.wait_text("");
    assert!(
        t.contains("Individual IPT for Teresa Example") && t.contains("Referred"),
        "{t}"
    );
    driver.click("form[action$='/transition'] button.primary");
    let t = driver.wait_text("");
    assert!(
        t.contains("The course is now") || t.contains("Initial phase"),
        "{t}"
    );
    shot("course");

    // Trying the middle phase too early lists every missing step.
    driver.click("form[action$='/transition'] button");
    let t = driver.wait_text("");
    assert!(
        t.contains("record the diagnosis") && t.contains("agree the contract"),
        "{t}"
    );
}
