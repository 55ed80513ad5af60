use crate::support::*;

#[test]
fn a_malformed_database_url_is_refused_with_the_forms_that_work() {
    let dir = Scratch::new();
    for url in ["mysql://root@localhost/ipt", "ipt.db", "postgres://"] {
        let o = ipt(&dir, &["migrate", "--database-url", url], None);
        assert!(!o.status.success(), "{url}");
        let t = text(&o);
        assert!(
            t.contains("sqlite://PATH") && t.contains("postgres://"),
            "{url}: {t}"
        );
    }
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let dir = Scratch::new();
    let port = free_port();
    let url = format!("postgres://ipt:s3cret@127.0.0.1:{port}/ipt");
    let o = ipt(&dir, &["migrate", "--database-url", &url], None);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("cannot reach the PostgreSQL database"), "{t}");
    assert!(!t.contains("s3cret"), "the password leaked: {t}");
}

#[test]
fn an_unknown_role_is_refused_before_anything_is_written() {
    let dir = Scratch::new();
    let o = ipt(
        &dir,
        &["user", "add", "--username", "rosa", "--role", "therapist"],
        Some("lantern orbit pebble mango\n"),
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("'therapist' is not a role; use one of: admin, clinician, supervisor"),
        "{}",
        text(&o)
    );
    assert!(
        !dir.0.join("ipt-data").exists(),
        "no database was created for a refused command"
    );
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_duplicates_and_short_passwords() {
    let dir = Scratch::new();
    let o = ipt(
        &dir,
        &["user", "add", "--username", "Rosa", "--role", "clinician"],
        Some("lantern orbit pebble mango\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Added rosa (clinician)"));
    assert!(
        dir.0.join("ipt-data/ipt.db").exists(),
        "the default database is ./ipt-data/ipt.db"
    );
    let again = ipt(
        &dir,
        &["user", "add", "--username", "rosa", "--role", "admin"],
        Some("quiet harbour velvet sprocket\n"),
    );
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
    let short = ipt(
        &dir,
        &["user", "add", "--username", "bea", "--role", "admin"],
        Some("short\n"),
    );
    assert!(!short.status.success());
    assert!(
        text(&short).contains("at least 12 characters"),
        "{}",
        text(&short)
    );
    // What an attacker tries first is refused, each with its reason (NIST SP 800-63B).
    for (password, reason) in [
        ("12345678", "at least 12 characters"),
        ("password", "at least 12 characters"),
        ("aaaaaaaa", "at least 12 characters"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("password1234", "too easy to guess"),
        ("123456789012", "too easy to guess"),
        ("bea.bea.bea.bea", "must not contain the username"),
    ] {
        let o = ipt(
            &dir,
            &["user", "add", "--username", "bea", "--role", "admin"],
            Some(&format!("{password}\n")),
        );
        assert!(!o.status.success(), "{password}");
        assert!(text(&o).contains(reason), "{password}: {}", text(&o));
    }
    let empty = ipt(
        &dir,
        &["user", "add", "--username", "bea", "--role", "admin"],
        Some(""),
    );
    assert!(!empty.status.success());
    assert!(
        text(&empty).contains("no password given"),
        "{}",
        text(&empty)
    );
}

#[test]
fn user_supervise_assigns_and_clears_a_supervisor_by_the_cores_rules() {
    let dir = Scratch::new();
    for (name, role) in [
        ("rosa", "clinician"),
        ("ugo", "clinician"),
        ("sara", "supervisor"),
    ] {
        let o = ipt(
            &dir,
            &["user", "add", "--username", name, "--role", role],
            Some("lantern orbit pebble mango\n"),
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = ipt(
        &dir,
        &[
            "user",
            "supervise",
            "--clinician",
            "rosa",
            "--supervisor",
            "ugo",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("Choose an account with the supervisor role."),
        "{}",
        text(&o)
    );
    let o = ipt(
        &dir,
        &[
            "user",
            "supervise",
            "--clinician",
            "rosa",
            "--supervisor",
            "nobody",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("no user named 'nobody'"), "{}", text(&o));
    let o = ipt(
        &dir,
        &[
            "user",
            "supervise",
            "--clinician",
            "rosa",
            "--supervisor",
            "sara",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("rosa is now supervised by sara."),
        "{}",
        text(&o)
    );
    let o = ipt(
        &dir,
        &["user", "supervise", "--clinician", "rosa", "--none"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("rosa has no supervisor now."),
        "{}",
        text(&o)
    );
    let o = ipt(&dir, &["user", "supervise", "--clinician", "rosa"], None);
    assert!(!o.status.success(), "a supervisor or --none is required");
}

#[test]
fn migrate_reports_the_database_and_is_repeatable() {
    let dir = Scratch::new();
    for _ in 0..2 {
        let o = ipt(&dir, &["migrate"], None);
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).contains("sqlite://./ipt-data/ipt.db"),
            "{}",
            text(&o)
        );
    }
}

/// Dump the clinical tables of a demo database in a stable order (no audit rows, which carry
/// the wall-clock time, and no password hashes, which carry random salts).
async fn dump(url: &str) -> String {
    let store = ipt_store_sqlite::SqliteStore::connect(url, crate::support::keys_for(url))
        .await
        .unwrap();
    let mut out = String::new();
    for (table, cols) in [
        ("users", "id, username, role, supervisor_id"),
        ("patients", "*"),
        ("courses", "*"),
        ("inventory_people", "*"),
        ("timeline_events", "*"),
        ("mood_episodes", "*"),
        ("therapy_sessions", "*"),
        ("assessments", "*"),
        ("goals", "*"),
        ("inventory_snapshots", "*"),
    ] {
        let sql = format!("SELECT {cols} FROM {table} ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&store.pool)
            .await
            .unwrap();
        use sqlx::{Column, Row, ValueRef};
        for r in rows {
            for c in r.columns() {
                let raw = r.try_get_raw(c.ordinal()).unwrap();
                let v = if raw.is_null() {
                    "NULL".to_string()
                } else {
                    r.try_get::<String, _>(c.ordinal())
                        .or_else(|_| r.try_get::<i64, _>(c.ordinal()).map(|x| x.to_string()))
                        .or_else(|_| r.try_get::<f64, _>(c.ordinal()).map(|x| x.to_string()))
                        .or_else(|_| {
                            r.try_get::<Vec<u8>, _>(c.ordinal())
                                .map(|x| format!("{x:?}"))
                        })
                        .unwrap()
                };
                // A sealed value differs at each write (a fresh nonce): its text is compared.
                let v = if v.starts_with(ipt_store_common::sealed::PREFIX) {
                    let id: uuid::Uuid = r.try_get("id").unwrap();
                    let column = ipt_store_common::sealed::SEALED
                        .iter()
                        .find(|t| t.table == table)
                        .and_then(|t| t.columns.iter().find(|x| **x == c.name()))
                        .expect("a sealed value is in a sealed column");
                    store.keys().open((table, column), id, &v).unwrap()
                } else {
                    v
                };
                out.push_str(&v);
                out.push('|');
            }
            out.push('\n');
        }
    }
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_clinic() {
    let (a, b, c) = (Scratch::new(), Scratch::new(), Scratch::new());
    for (dir, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        let o = ipt(
            dir,
            &["demo", "--seed", seed, "--anchor-date", "2026-11-02"],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let (da, db, dc) = (
        dump(&a.sqlite_url().replace("ipt.db", "ipt-data/ipt.db")).await,
        dump(&b.sqlite_url().replace("ipt.db", "ipt-data/ipt.db")).await,
        dump(&c.sqlite_url().replace("ipt.db", "ipt-data/ipt.db")).await,
    );
    assert!(da.lines().count() > 300, "the demo has substance");
    assert_eq!(da, db, "same seed, same data");
    assert_ne!(da, dc, "another seed, another clinic");
}

#[tokio::test]
async fn the_demo_clinic_spans_phases_formats_and_roles() {
    let dir = Scratch::new();
    let o = ipt(&dir, &["demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("password 'demo'"));
    let url = format!("sqlite://{}/ipt-data/ipt.db", dir.0.display());
    let store = ipt_store_sqlite::SqliteStore::connect(&url, crate::support::keys_for(&url))
        .await
        .unwrap();
    let count = |sql: &'static str| {
        let pool = store.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert!(count("SELECT COUNT(*) FROM users WHERE role = 'clinician'").await >= 3);
    assert_eq!(
        count("SELECT COUNT(*) FROM users WHERE role = 'supervisor'").await,
        1
    );
    assert!(count("SELECT COUNT(*) FROM patients").await >= 20);
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM risk_alerts a JOIN courses c ON c.id = a.course_id \
             WHERE a.acknowledged_at IS NULL AND c.status IN ('completed', 'maintenance', 'ended_early')"
        )
        .await,
        0,
        "no demo course ended past an open risk alert"
    );
    assert!(
        count("SELECT COUNT(*) FROM risk_alerts WHERE acknowledged_at IS NULL").await >= 1,
        "open alerts remain on running courses"
    );
    assert!(count("SELECT COUNT(DISTINCT format) FROM courses").await >= 6);
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM courses ORDER BY status")
            .fetch_all(&store.pool)
            .await
            .unwrap();
    for s in [
        "referred",
        "initial",
        "middle",
        "termination",
        "completed",
        "maintenance",
        "maintenance_phase",
        "ended_early",
    ] {
        assert!(
            statuses.iter().any(|x| x == s),
            "no course is {s}: {statuses:?}"
        );
    }
    assert!(count("SELECT COUNT(*) FROM inventory_people").await >= 40);
    assert!(count("SELECT COUNT(*) FROM timeline_events").await >= 20);
    assert!(count("SELECT COUNT(*) FROM therapy_sessions").await >= 100);
    assert!(count("SELECT COUNT(*) FROM assessments WHERE status = 'final'").await >= 40);
    assert!(
        count("SELECT COUNT(*) FROM assessments WHERE risk").await >= 1,
        "some baseline answers carry risk"
    );
    // A second run adds nothing.
    let again = ipt(&dir, &["demo"], None);
    assert!(
        text(&again).contains("no demo data was added"),
        "{}",
        text(&again)
    );
}

#[tokio::test]
async fn the_demo_caseload_shows_every_kind_of_signal() {
    use std::collections::BTreeSet;
    let dir = Scratch::new();
    let o = ipt(&dir, &["demo", "--anchor-date", "2026-11-02"], None);
    assert!(o.status.success(), "{}", text(&o));
    let url = dir.sqlite_url().replace("ipt.db", "ipt-data/ipt.db");
    let store = ipt_store_sqlite::SqliteStore::connect(&url, crate::support::keys_for(&url))
        .await
        .unwrap();
    let clinician = ipt_app::ports::Store::user_by_username(&store, "clinician")
        .await
        .unwrap()
        .unwrap();
    let app = ipt_app::App::new(
        std::sync::Arc::new(store),
        std::sync::Arc::new(ipt_app::ports::SystemClock),
        ipt_domain::protocol::ProtocolCatalogue::default(),
    );
    let actor = ipt_domain::authz::Actor::User {
        id: clinician.id,
        role: clinician.role,
    };
    let kinds: BTreeSet<&str> = app
        .caseload(&actor)
        .await
        .unwrap()
        .iter()
        .flat_map(|r| r.signals.iter().map(|s| s.kind().code()))
        .collect();
    for kind in ipt_domain::signals::SignalKind::ALL {
        assert!(
            kinds.contains(kind.code()),
            "{} missing from {kinds:?}",
            kind.code()
        );
    }
}
