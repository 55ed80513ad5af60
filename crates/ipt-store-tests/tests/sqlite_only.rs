//! Properties only the SQLite backend has to prove.

#[tokio::test]
async fn sqlite_runs_in_wal_with_full_sync_and_foreign_keys() {
    let db = ipt_store_tests::harness::sqlite().await;
    let pool = &db.sqlite.as_ref().unwrap().pool;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let db = ipt_store_tests::harness::sqlite().await;
    db.sqlite.as_ref().unwrap().migrate().await.unwrap();
}
