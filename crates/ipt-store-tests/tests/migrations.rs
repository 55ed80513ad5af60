//! Migrations are transactional: one that fails half-way leaves the database as it was.

use std::path::PathBuf;

use ipt_store_tests::harness;

/// A folder with a good migration and one that creates a table and then fails.
fn failing_migrations() -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ipt-migrations-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("0001_good.sql"),
        "CREATE TABLE good_table (x INTEGER);",
    )
    .unwrap();
    std::fs::write(
        dir.join("0002_bad.sql"),
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);",
    )
    .unwrap();
    dir
}

#[tokio::test]
async fn a_failed_migration_leaves_sqlite_as_it_was() {
    let db = harness::sqlite_empty().await;
    let pool = &db.sqlite.as_ref().unwrap().pool;
    let dir = failing_migrations();
    let migrator = sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap();
    assert!(migrator.run(pool).await.is_err());
    let count = |name: &'static str| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1",
        )
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
    };
    assert_eq!(
        count("good_table").await,
        1,
        "the good migration stays applied"
    );
    assert_eq!(
        count("half_done").await,
        0,
        "the failed migration left nothing behind"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_failed_migration_leaves_postgres_as_it_was() {
    let Some(db) = harness::postgres_empty().await else {
        eprintln!(
            "skipped: set {} to run the PostgreSQL migration test",
            harness::PG_ENV
        );
        return;
    };
    let pool = &db.pg.as_ref().unwrap().pool;
    let dir = failing_migrations();
    let migrator = sqlx::migrate::Migrator::new(dir.as_path()).await.unwrap();
    assert!(migrator.run(pool).await.is_err());
    let schema: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(pool)
        .await
        .unwrap();
    let count = |name: &'static str| {
        let schema = schema.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = $1 AND table_schema = $2",
            )
            .bind(name)
            .bind(schema)
            .fetch_one(pool)
            .await
            .unwrap()
        }
    };

    assert_eq!(count("good_table").await, 1);
    assert_eq!(count("half_done").await, 0);
    let _ = std::fs::remove_dir_all(dir);
}
