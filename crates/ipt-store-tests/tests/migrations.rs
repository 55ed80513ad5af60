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

/// The backend's own migrations up to and including `last` (by file name), in a folder of
/// their own, to bring a database to an older schema.
fn migrations_up_to(backend: &str, last: &str) -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(backend)
        .join("migrations");
    let dir = std::env::temp_dir().join(format!("ipt-upto-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.as_str() <= last {
            std::fs::copy(&path, dir.join(&name)).unwrap();
        }
    }
    dir
}

/// Records of a course as they stood before snapshots kept death and conflict: a deceased
/// mother in the inventory, and a start snapshot holding her and a person since removed.
struct OldSnapshot {
    course: ipt_domain::ids::CourseId,
    mother: ipt_domain::ids::InventoryPersonId,
    gone: ipt_domain::ids::InventoryPersonId,
    json: String,
}

/// A course row as the schema of migration 0008 held it, written in SQL (today's store writes
/// columns added since), on SQLite and on PostgreSQL.
const OLD_COURSE_SQLITE: &str = "INSERT INTO courses (id, patient_id, clinician_id, format, status, \
     phase_plan, started_on, indication, version) VALUES ($1, $2, $3, 'individual', 'referred', $4, \
     $5, $6, 1)";
const OLD_COURSE_PG: &str = "INSERT INTO courses (id, patient_id, clinician_id, format, status, \
     phase_plan, started_on, indication, version) VALUES ($1, $2, $3, 'individual', 'referred', \
     $4::jsonb, $5, $6::jsonb, 1)";

/// An inventory person as the schema of migration 0008 held it, on SQLite and PostgreSQL.
const OLD_PERSON_SQLITE: &str = "INSERT INTO inventory_people (id, course_id, alias, relationship, \
     ring, contact_frequency, confidant, practical_support, conflict, reciprocity, deceased, \
     area_tags, notes, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)";
const OLD_PERSON_PG: &str = "INSERT INTO inventory_people (id, course_id, alias, relationship, \
     ring, contact_frequency, confidant, practical_support, conflict, reciprocity, deceased, \
     area_tags, notes, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, \
     $13::jsonb, 1)";

/// The code of a unit enum, as its TEXT column holds it.
fn code<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// Bind an old-format person to `OLD_PERSON_*`.
fn bind_old_person<'q, DB: sqlx::Database>(
    q: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>,
    course: ipt_domain::ids::CourseId,
    p: &ipt_domain::inventory::InventoryPerson,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>
where
    uuid::Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    q.bind(p.id.as_uuid())
        .bind(course.as_uuid())
        .bind(p.alias.as_str().to_string())
        .bind(code(&p.relationship))
        .bind(p.ring.number() as i64)
        .bind(p.contact_frequency.clone())
        .bind(p.confidant)
        .bind(p.practical_support)
        .bind(code(&p.conflict))
        .bind(code(&p.reciprocity))
        .bind(p.deceased)
        .bind(serde_json::to_string(&p.area_tags).unwrap())
        .bind(serde_json::to_string(&p.notes).unwrap())
}

async fn old_records(
    store: &dyn ipt_app::ports::Store,
    write_course: impl AsyncFnOnce(&ipt_domain::course::Course, &ipt_domain::inventory::InventoryPerson),
) -> OldSnapshot {
    use ipt_domain::authz::Role;
    use ipt_domain::inventory::ConflictLevel;
    use ipt_store_tests::fixtures::*;
    let u = user("migrating", Role::Clinician);
    store
        .create_user(&u, &audit("user.create", u.id.as_uuid(), None, None))
        .await
        .unwrap();
    let p = patient(u.id, "Migrating Patient");
    store
        .create_patient(
            &p,
            &audit("patient.create", p.id.as_uuid(), Some(p.id), None),
        )
        .await
        .unwrap();
    let c = course(&p);
    let mut mother = person("Mother", 1);
    mother.deceased = true;
    mother.conflict = ConflictLevel::Hidden;
    // Both in SQL, as an old server wrote them: in plaintext, which the upgrade seals.
    write_course(&c, &mother).await;
    let gone: ipt_domain::ids::InventoryPersonId = id();
    let json = format!(
        r#"[{{"person":"{}","alias":"Mother","relationship":"parent","ring":1,"confidant":true}},{{"person":"{}","alias":"Old friend","relationship":"friend","ring":2,"confidant":false}}]"#,
        mother.id, gone
    );
    OldSnapshot {
        course: c.id,
        mother: mother.id,
        gone,
        json,
    }
}

async fn check_backfilled(store: &dyn ipt_app::ports::Store, old: &OldSnapshot) {
    use ipt_domain::inventory::ConflictLevel;
    let snaps = store
        .snapshots(
            old.course,
            &ipt_store_tests::fixtures::audit("snapshot.read", old.course.as_uuid(), None, None),
        )
        .await
        .unwrap();
    assert_eq!(snaps.len(), 1);
    let people = &snaps[0].people;
    let mother = people.iter().find(|p| p.person == old.mother).unwrap();
    assert_eq!(mother.deceased, Some(true), "filled from the inventory");
    assert_eq!(mother.conflict, Some(ConflictLevel::Hidden));
    assert!(mother.backfilled, "and marked as filled in afterwards");
    let gone = people.iter().find(|p| p.person == old.gone).unwrap();
    assert_eq!(
        (gone.deceased, gone.conflict, gone.backfilled),
        (None, None, false),
        "no longer in the inventory: not recorded"
    );
    assert_eq!(snaps[0].people_without_attributes(), 1);
    assert!(snaps[0].has_backfilled());
}

/// Today's store appends every audit row to the hash chain of migration 0012, which a schema
/// from before it lacks. To write records into such a schema through the store, the old
/// schema gets the chain's columns for the while (`CHAIN_SHIM_*`) and loses them again
/// (`CHAIN_UNSHIM`) before it is upgraded: its audit rows are then as an old server left them,
/// and the upgrade must chain them.
const CHAIN_SHIM_SQLITE: &str = "ALTER TABLE audit_events ADD COLUMN seq INTEGER; \
    ALTER TABLE audit_events ADD COLUMN prev_hash BLOB; \
    ALTER TABLE audit_events ADD COLUMN hash BLOB; \
    CREATE TABLE audit_chain (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash BLOB NOT NULL, \
    pruned_seq INTEGER NOT NULL, pruned_hash BLOB NOT NULL, unsealed INTEGER NOT NULL); \
    INSERT INTO audit_chain VALUES (1, 0, zeroblob(32), 0, zeroblob(32), 0);";
const CHAIN_SHIM_PG: &str = "ALTER TABLE audit_events ADD COLUMN seq BIGINT; \
    ALTER TABLE audit_events ADD COLUMN prev_hash BYTEA; \
    ALTER TABLE audit_events ADD COLUMN hash BYTEA; \
    CREATE TABLE audit_chain (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash BYTEA NOT NULL, \
    pruned_seq BIGINT NOT NULL, pruned_hash BYTEA NOT NULL, unsealed BIGINT NOT NULL); \
    INSERT INTO audit_chain VALUES (1, 0, decode(repeat('00', 32), 'hex'), 0, \
    decode(repeat('00', 32), 'hex'), 0);";
const CHAIN_UNSHIM: &str = "DROP TABLE audit_chain; \
    ALTER TABLE audit_events DROP COLUMN seq; \
    ALTER TABLE audit_events DROP COLUMN prev_hash; \
    ALTER TABLE audit_events DROP COLUMN hash;";

/// After the upgrade, the old audit rows are chained (in order of time) with those written
/// since, `rows` in all, and verify.
async fn check_chained(store: &dyn ipt_app::ports::Store, rows: u64) {
    let v = store.verify_audit_chain(None).await.unwrap();
    assert_eq!(v.broken, None, "{v:?}");
    assert!(rows >= 3, "the old records wrote audit rows");
    assert_eq!(v.checked, rows);
    assert_eq!(v.chain.head.seq, rows as i64);
    // And the chain goes on from them.
    store
        .create_user(
            &ipt_store_tests::fixtures::user("after", ipt_domain::authz::Role::Clinician),
            &ipt_store_tests::fixtures::audit("user.create", uuid::Uuid::nil(), None, None),
        )
        .await
        .unwrap();
    assert_eq!(
        store.verify_audit_chain(None).await.unwrap().checked,
        rows + 1
    );
}

#[tokio::test]
async fn old_snapshots_are_filled_from_the_inventory_on_sqlite() {
    let db = harness::sqlite_empty().await;
    let pool = &db.sqlite.as_ref().unwrap().pool;
    let before = migrations_up_to("ipt-store-sqlite", "0008");
    sqlx::migrate::Migrator::new(before.as_path())
        .await
        .unwrap()
        .run(pool)
        .await
        .unwrap();
    sqlx::raw_sql(CHAIN_SHIM_SQLITE)
        .execute(pool)
        .await
        .unwrap();
    let old = old_records(db.store.as_ref(), async |c, person| {
        sqlx::query(OLD_COURSE_SQLITE)
            .bind(c.id.as_uuid())
            .bind(c.patient.as_uuid())
            .bind(c.clinician.as_uuid())
            .bind(serde_json::to_string(&c.phase_plan).unwrap())
            .bind(c.started_on)
            .bind(serde_json::to_string(&c.indication).unwrap())
            .execute(pool)
            .await
            .unwrap();
        bind_old_person(sqlx::query(OLD_PERSON_SQLITE), c.id, person)
            .execute(pool)
            .await
            .unwrap();
    })
    .await;
    sqlx::query("INSERT INTO inventory_snapshots (id, course_id, kind, taken_on, people) VALUES ($1, $2, 'start', '2026-01-20', $3)")
        .bind(uuid::Uuid::now_v7())
        .bind(old.course.as_uuid())
        .bind(&old.json)
        .execute(pool)
        .await
        .unwrap();
    sqlx::raw_sql(CHAIN_UNSHIM).execute(pool).await.unwrap();
    let old_rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(pool)
        .await
        .unwrap();
    db.sqlite.as_ref().unwrap().migrate().await.unwrap();
    check_backfilled(db.store.as_ref(), &old).await;
    check_chained(db.store.as_ref(), old_rows as u64 + 1).await;
    let _ = std::fs::remove_dir_all(before);
}

#[tokio::test]
async fn old_snapshots_are_filled_from_the_inventory_on_postgres() {
    let Some(db) = harness::postgres_empty().await else {
        eprintln!(
            "skipped: set {} to run the PostgreSQL migration test",
            harness::PG_ENV
        );
        return;
    };
    let pool = &db.pg.as_ref().unwrap().pool;
    let before = migrations_up_to("ipt-store-postgres", "0008");
    sqlx::migrate::Migrator::new(before.as_path())
        .await
        .unwrap()
        .run(pool)
        .await
        .unwrap();
    sqlx::raw_sql(CHAIN_SHIM_PG).execute(pool).await.unwrap();
    let old = old_records(db.store.as_ref(), async |c, person| {
        sqlx::query(OLD_COURSE_PG)
            .bind(c.id.as_uuid())
            .bind(c.patient.as_uuid())
            .bind(c.clinician.as_uuid())
            .bind(serde_json::to_string(&c.phase_plan).unwrap())
            .bind(c.started_on)
            .bind(serde_json::to_string(&c.indication).unwrap())
            .execute(pool)
            .await
            .unwrap();
        bind_old_person(sqlx::query(OLD_PERSON_PG), c.id, person)
            .execute(pool)
            .await
            .unwrap();
    })
    .await;
    sqlx::query("INSERT INTO inventory_snapshots (id, course_id, kind, taken_on, people) VALUES ($1, $2, 'start', '2026-01-20', $3::jsonb)")
        .bind(uuid::Uuid::now_v7())
        .bind(old.course.as_uuid())
        .bind(&old.json)
        .execute(pool)
        .await
        .unwrap();
    sqlx::raw_sql(CHAIN_UNSHIM).execute(pool).await.unwrap();
    let old_rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(pool)
        .await
        .unwrap();
    db.pg.as_ref().unwrap().migrate().await.unwrap();
    check_backfilled(db.store.as_ref(), &old).await;
    check_chained(db.store.as_ref(), old_rows as u64 + 1).await;
    let _ = std::fs::remove_dir_all(before);
}

/// A table the census does not name (one a later migration added without adding it to
/// `census::TABLES`) is refused, so a backup never leaves it out silently.
async fn an_unknown_table_is_refused(store: &dyn ipt_app::ports::Store) {
    let e = store.census().await.unwrap_err();
    assert!(
        matches!(&e, ipt_app::ports::StoreError::Corrupt(m) if m.contains("stray_table")),
        "{e:?}"
    );
}

#[tokio::test]
async fn the_census_refuses_a_table_it_does_not_know_on_sqlite() {
    let db = harness::sqlite().await;
    sqlx::query("CREATE TABLE stray_table (x INTEGER)")
        .execute(&db.sqlite.as_ref().unwrap().pool)
        .await
        .unwrap();
    an_unknown_table_is_refused(db.store.as_ref()).await;
}

#[tokio::test]
async fn the_census_refuses_a_table_it_does_not_know_on_postgres() {
    let Some(db) = harness::postgres().await else {
        eprintln!(
            "skipped: set {} to run the PostgreSQL census test",
            harness::PG_ENV
        );
        return;
    };
    sqlx::query("CREATE TABLE stray_table (x INTEGER)")
        .execute(&db.pg.as_ref().unwrap().pool)
        .await
        .unwrap();
    an_unknown_table_is_refused(db.store.as_ref()).await;
}
