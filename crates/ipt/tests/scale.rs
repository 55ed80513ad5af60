//! Scale data: `ipt demo --scale N --seed S` is deterministic, refuses a database that already
//! holds patients, and gives the volumes the benchmarks rely on (≥ 15 assessments a patient),
//! on SQLite and, when IPT_TEST_DATABASE_URL is set, on PostgreSQL.

use std::sync::Arc;

use crate::support::*;

fn counts(o: &std::process::Output) -> Vec<u64> {
    let s = text(o);
    let line = s
        .lines()
        .find(|l| l.starts_with("Generated"))
        .unwrap_or_else(|| panic!("{s}"));
    line.split_whitespace()
        .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
        .collect()
}

#[tokio::test]
async fn scale_data_is_deterministic_and_large_enough() {
    let (a, b, c) = (Scratch::new(), Scratch::new(), Scratch::new());
    let mut outs = vec![];
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let o = ipt(dir, &["demo", "--scale", "120", "--seed", seed], None);
        assert!(o.status.success(), "{}", text(&o));
        outs.push(counts(&o));
    }
    // patients, clinicians, courses, sessions, assessments, diary entries
    let n = &outs[0];
    assert_eq!(n[0], 120);
    assert_eq!(n[1], 3, "one clinician per 40 patients");
    assert_eq!(n[2], 120);
    assert!(n[4] >= 15 * 120, "at least 15 assessments a patient: {n:?}");
    assert!(n[5] > 0, "some patients keep a diary");

    let dump = |dir: &Scratch| {
        let url = dir.sqlite_url().replace("ipt.db", "ipt-data/ipt.db");
        async move {
            let store =
                ipt_store_sqlite::SqliteStore::connect(&url, crate::support::keys_for(&url))
                    .await
                    .unwrap();
            let rows: Vec<(Vec<u8>, Option<f64>)> =
                sqlx::query_as("SELECT id, total FROM assessments ORDER BY id")
                    .fetch_all(&store.pool)
                    .await
                    .unwrap();
            format!("{rows:?}")
        }
    };
    let (da, db, dc) = (dump(&a).await, dump(&b).await, dump(&c).await);
    assert_eq!(da, db, "same seed, same data");
    assert_ne!(da, dc, "another seed, other data");

    // A database that already holds patients is refused, and left as it was.
    let again = ipt(&a, &["demo", "--scale", "10"], None);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("already holds 120 patients"),
        "{}",
        text(&again)
    );
    assert_eq!(dump(&a).await, da);
}

#[tokio::test]
async fn scale_data_loads_into_postgresql_and_feeds_the_outcome_summary() {
    let Some(db) = ipt_store_tests::harness::postgres_with_keys(test_keys()).await else {
        eprintln!("skipped: set IPT_TEST_DATABASE_URL to run the PostgreSQL scale test");
        return;
    };
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(&db.pg.as_ref().unwrap().pool)
        .await
        .unwrap();
    let base = ipt_store_tests::harness::pg_url().unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
    let dir = Scratch::new();
    let o = ipt(
        &dir,
        &[
            "demo",
            "--scale",
            "80",
            "--seed",
            "2",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(db.store.count_patients().await.unwrap(), 80);
    let app = ipt_app::App::new(
        db.store.clone(),
        Arc::new(ipt_app::ports::SystemClock),
        ipt_domain::protocol::ProtocolCatalogue::default(),
    );
    let summary = app
        .outcome_summary(&ipt_domain::authz::Actor::System)
        .await
        .unwrap();
    let phq9 = summary
        .instruments
        .iter()
        .find(|i| i.instrument == "phq9")
        .unwrap();
    assert!(phq9.counts.courses > 40, "{phq9:?}");
    assert!(phq9.counts.responders > 0 && phq9.counts.responders < phq9.counts.courses);
}
