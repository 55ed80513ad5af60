//! Properties only the SQLite backend has to prove.

use ipt_store_sqlite::SqliteStore;

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

#[tokio::test]
async fn a_failed_migration_leaves_the_database_as_it_was() {
    // A migration that fails half-way must roll back whole: run one that creates a table and
    // then fails, and check the table is not there.
    let db = ipt_store_tests::harness::sqlite().await;
    let pool = &db.sqlite.as_ref().unwrap().pool;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("CREATE TABLE half_done (x INTEGER)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let failed = sqlx::query("INSERT INTO no_such_table VALUES (1)")
        .execute(&mut *tx)
        .await;
    assert!(failed.is_err());
    drop(tx);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let _ = SqliteStore::connect("sqlite::memory:").await.unwrap();
}
