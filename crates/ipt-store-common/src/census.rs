//! The census of a database: its last migration and the rows of every table, for a backup's
//! manifest and a restore's checks (#16).
//!
//! The tables are named here, once, so that each count is a statement built from constants. The
//! schema's own list is read too, and a table missing from `TABLES` is refused: a backup must not
//! silently leave out a table a later migration adds. The contract suite checks that the list
//! and the migrations agree on both databases.

/// Every table of the schema, in name order, but sqlx's `_sqlx_migrations`.
pub const TABLES: &[&str] = &[
    "api_tokens",
    "assessments",
    "audit_chain",
    "audit_events",
    "course_outcomes",
    "courses",
    "diary_entries",
    "encryption_keys",
    "encryption_state",
    "goals",
    "inventory_people",
    "inventory_snapshots",
    "mood_episodes",
    "patients",
    "portal_access",
    "portal_invitations",
    "portal_preferences",
    "portal_sessions",
    "questionnaire_assignments",
    "recovery_codes",
    "risk_alerts",
    "sign_in_attempts",
    "sign_in_challenges",
    "supervisor_comments",
    "therapy_sessions",
    "timeline_events",
    "user_second_factors",
    "users",
    "web_sessions",
];

/// The last migration applied; NULL before any.
pub const LAST_MIGRATION: &str = "SELECT MAX(version) FROM _sqlx_migrations WHERE success";

/// The schema's tables on SQLite (its own bookkeeping tables, `sqlite_…`, left out).
pub const SQLITE_TABLES: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
    AND name <> '_sqlx_migrations' AND substr(name, 1, 7) <> 'sqlite_' ORDER BY name";

/// The schema's tables on PostgreSQL: those of the connection's current schema.
pub const POSTGRES_TABLES: &str = "SELECT tablename::text FROM pg_catalog.pg_tables \
    WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations' ORDER BY tablename";

/// Whether sqlx's migrations table exists yet (a database never migrated has none).
pub const SQLITE_HAS_MIGRATIONS: &str =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'";
pub const POSTGRES_HAS_MIGRATIONS: &str = "SELECT COUNT(*) FROM pg_catalog.pg_tables \
    WHERE schemaname = current_schema() AND tablename = '_sqlx_migrations'";

/// `SELECT COUNT(*) FROM table`, for a table of `TABLES` only.
pub fn count_sql(table: &'static str) -> String {
    debug_assert!(TABLES.contains(&table));
    format!("SELECT COUNT(*) FROM {table}")
}

/// The census's statements, expanded by `impl_store!` into `shared_sql::census`.
#[doc(hidden)]
#[macro_export]
macro_rules! census_sql {
    ($store:ty, $db:ty, $backend:literal) => {
        pub mod census {
            use super::*;
            pub(crate) use $crate::census::*;

            /// The census of the database `conn` is connected to, read with its statements in
            /// whatever transaction `conn` is in: open a snapshot first for counts that agree.
            pub async fn census_in(
                conn: &mut <$db as sqlx::Database>::Connection,
            ) -> Result<DatabaseCensus, StoreError> {
                let postgres = $backend == "postgres";
                let (list, has_migrations) = if postgres {
                    (POSTGRES_TABLES, POSTGRES_HAS_MIGRATIONS)
                } else {
                    (SQLITE_TABLES, SQLITE_HAS_MIGRATIONS)
                };
                let present: Vec<String> = sqlx::query_scalar(list)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(map_err)?;
                if let Some(unknown) = present.iter().find(|t| !TABLES.contains(&t.as_str())) {
                    return Err(StoreError::Corrupt(format!(
                        "the database has a table this version does not know ({unknown}); \
                         use the version of IPT Workbench that made it"
                    )));
                }
                let migrated: i64 = sqlx::query_scalar(has_migrations)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(map_err)?;
                let last_migration: Option<i64> = if migrated > 0 {
                    sqlx::query_scalar(LAST_MIGRATION)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(map_err)?
                } else {
                    None
                };
                let mut tables = std::collections::BTreeMap::new();
                for table in TABLES {
                    if !present.iter().any(|t| t.as_str() == *table) {
                        continue;
                    }
                    // Built from constants only (`TABLES`), never from input.
                    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql(*table)))
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(map_err)?;
                    tables.insert(table.to_string(), n as u64);
                }
                Ok(DatabaseCensus {
                    last_migration,
                    tables,
                })
            }

            /// The census in a read snapshot of its own.
            pub(crate) async fn census(s: &$store) -> Result<DatabaseCensus, StoreError> {
                // PostgreSQL's default, READ COMMITTED, takes a snapshot per statement; SQLite's
                // deferred read transaction keeps one from its first read.
                let begin = if $backend == "postgres" {
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                } else {
                    "BEGIN"
                };
                let mut tx = s.pool.begin_with(begin).await.map_err(map_err)?;
                let c = census_in(&mut tx).await;
                match c {
                    Ok(c) => {
                        finish(tx).await?;
                        Ok(c)
                    }
                    Err(e) => Err(rollback(tx, e).await),
                }
            }
        }
    };
}
