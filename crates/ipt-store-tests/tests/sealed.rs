//! Encrypted free text at rest (#16), on both databases: what the stores write holds no
//! plaintext of any free-text value, a wrong or missing key is refused at start, a rotation
//! re-seals everything and retires the old key, and text written before encryption is sealed
//! at the next start.

use std::sync::Arc;

use ipt_app::ports::{ResealCursor, Store, StoreError};
use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::AssessmentStatus;
use ipt_domain::authz::Role;
use ipt_domain::diary::{DiaryEntry, DiaryMood, Interaction, InteractionQuality};
use ipt_domain::inventory::{InventorySnapshot, SnapshotKind, SnapshotPerson};
use ipt_domain::problem_area::AreaKind;
use ipt_domain::supervision::SupervisorComment;
use ipt_domain::timeline::EventKind;
use ipt_store_sqlite::Keyring;
use ipt_store_tests::fixtures::*;
use ipt_store_tests::harness::TestDb;
use time::macros::date;

crate::db_stories!(
    sealed_on_sqlite,
    sealed_on_postgres;
    no_free_text_is_stored_in_plaintext,
    a_wrong_or_missing_key_is_refused_at_start,
    a_rotation_reseals_every_value_and_retires_the_old_key,
    text_written_before_encryption_is_sealed_at_the_next_start,
);

fn a(action: &str) -> ipt_app::ports::AuditEvent {
    audit(action, uuid::Uuid::nil(), None, None)
}

/// Words that appear only in the free text `write_everything` stores.
const SECRETS: &[&str] = &[
    "moved to another city",
    "Major depressive disorder",
    "reached an impasse",
    "stopped talking",
    "drives the low mood",
    "waking at 4am",
    "talks with her sister again",
    "residual symptoms",
    "lying awake making lists",
    "Sertraline",
    "Zephyrine",
    "wants more help with their mother",
    "Quillon the lodger",
    "argument with sister on Sunday",
    "ask sister for a calm talk",
    "no thoughts of self-harm",
    "Obsidian-note",
    "talk with sister once a week",
    "Phoned the patient",
    "Argued about the flat",
    "Keep the focus on the dispute",
    "JBSWY3DPEHPK3PXP",
];

/// Every kind of record with free text, through the store. Returns the course written.
async fn write_everything(s: &Arc<dyn Store>) -> ipt_domain::course::Course {
    let c = user("clin", Role::Clinician);
    s.create_user(&c, &a("user.create")).await.unwrap();
    s.begin_second_factor(c.id, "JBSWY3DPEHPK3PXP", &a("second_factor.begin"))
        .await
        .unwrap();
    let p = patient(c.id, "Giulia Verdi");
    s.create_patient(&p, &a("patient.create")).await.unwrap();
    let course = full_course(&p);
    s.create_course(&course, &a("course.create")).await.unwrap();

    let sister = person("Zephyrine", 1);
    s.add_person(course.id, &sister, &a("inventory.create"))
        .await
        .unwrap();
    let snapshot = InventorySnapshot {
        id: id(),
        kind: SnapshotKind::Start,
        taken_on: date!(2026 - 01 - 19),
        people: vec![SnapshotPerson::of(&sister)],
    };
    s.add_snapshot(course.id, &snapshot, &a("inventory_snapshot.create"))
        .await
        .unwrap();
    let mut event = event("2025-11", EventKind::Conflict, Some(sister.id));
    event.description = "Quillon the lodger moved out".into();
    s.add_event(course.id, &event, &a("timeline.create"))
        .await
        .unwrap();

    let mut session = session(course.id, 2);
    session.notes = "Obsidian-note: engaged".into();
    session.risk_review.concern = true;
    let concern = RiskAlert::from_session_concern(session.id, p.id, course.id, id(), NOW);
    s.add_session(&session, Some(&concern), None, &a("session.create"))
        .await
        .unwrap();
    let mut acked = concern.clone();
    acked
        .acknowledge(c.id, "Phoned the patient; plan agreed.", NOW)
        .unwrap();
    s.acknowledge_alert(&acked, &a("risk_alert.acknowledge"))
        .await
        .unwrap();
    s.add_goal(course.id, &goal(AreaKind::RoleDispute), &a("goal.create"))
        .await
        .unwrap();
    let x = assessment(&p, course.id, AssessmentStatus::Final);
    s.add_assessment(&x, None, &a("assessment.create"))
        .await
        .unwrap();
    let entry = DiaryEntry {
        id: id(),
        course: course.id,
        patient: p.id,
        date: date!(2026 - 03 - 03),
        mood: DiaryMood::new(4).unwrap(),
        interactions: vec![Interaction {
            person: Some(sister.id),
            alias: "Zephyrine".into(),
            quality: InteractionQuality::new(-2).unwrap(),
            self_expression: None,
        }],
        note: "Argued about the flat".into(),
        recorded_at: NOW,
        version: 1,
    };
    s.add_diary_entry(&entry, &a("diary.create")).await.unwrap();
    let comment = SupervisorComment::new(
        id(),
        course.id,
        None,
        c.id,
        "Keep the focus on the dispute.",
        NOW,
    )
    .unwrap();
    s.add_comment(&comment, &a("comment.create")).await.unwrap();
    course
}

/// Everything the database holds, as text: every table's rows (and, for SQLite, the bytes of
/// the database file and its write-ahead log, after a checkpoint).
async fn raw_contents(db: &TestDb) -> String {
    let mut out = String::new();
    if let Some(sqlite) = &db.sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&sqlite.pool)
            .await
            .unwrap();
        let file: String =
            sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&sqlite.pool)
                .await
                .unwrap();
        for suffix in ["", "-wal"] {
            if let Ok(bytes) = std::fs::read(format!("{file}{suffix}")) {
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    if let Some(pg) = &db.pg {
        for table in ipt_store_common::census::TABLES {
            let sql = format!("SELECT t::text FROM {table} t");
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_all(&pg.pool)
                .await
                .unwrap();
            out.push_str(&rows.join("\n"));
        }
    }
    out
}

async fn no_free_text_is_stored_in_plaintext(db: &TestDb) {
    let s = &db.store;
    let course = write_everything(s).await;
    // The store reads every value back as written…
    let read = s
        .course(course.id, &a("course.read"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, course);
    let people = s.inventory(course.id, &a("inventory.read")).await.unwrap();
    assert_eq!(people[0].alias.as_str(), "Zephyrine");
    let sessions = s.sessions(course.id, &a("session.list")).await.unwrap();
    assert_eq!(sessions[0].notes, "Obsidian-note: engaged");
    // …and the database holds none of it.
    let raw = raw_contents(db).await;
    assert!(raw.contains("ipt1."), "sealed values are stored");
    for secret in SECRETS {
        assert!(!raw.contains(secret), "'{secret}' is stored in plaintext");
    }
}

async fn a_wrong_or_missing_key_is_refused_at_start(db: &TestDb) {
    let course = write_everything(&db.store).await;
    // The same id, another key: refused, naming the key and never its material.
    let same_id = Keyring::parse(&Keyring::new_key_line(Some(db.keys.primary())).unwrap()).unwrap();
    match db.reopen_with_keys(same_id).await {
        Err(StoreError::Keys(m)) => {
            assert!(
                m.contains(db.keys.primary()) && m.contains("not the key"),
                "{m}"
            )
        }
        other => panic!("a wrong key must be refused, got {:?}", other.map(|_| ())),
    }
    // Another key altogether: the database's key is missing.
    match db.reopen_with_keys(Keyring::generate()).await {
        Err(StoreError::Keys(m)) => assert!(m.contains(db.keys.primary()), "{m}"),
        other => panic!("a missing key must be refused, got {:?}", other.map(|_| ())),
    }
    // The right key still opens everything.
    let again = db.reopen_with_keys(db.keys.clone()).await.unwrap();
    assert_eq!(
        again.course(course.id, &a("course.read")).await.unwrap(),
        Some(course)
    );
}

async fn a_rotation_reseals_every_value_and_retires_the_old_key(db: &TestDb) {
    let course = write_everything(&db.store).await;
    let old = db.keys.clone();
    let new = Keyring::parse(&Keyring::new_key_line(Some("k-new")).unwrap()).unwrap();
    let rotated = db.reopen_with_keys(new.join(&old)).await.unwrap();
    let before = rotated.key_usage().await.unwrap();
    assert_eq!(before.primary, "k-new");
    let old_values = before
        .keys
        .iter()
        .find(|k| k.id == old.primary())
        .unwrap()
        .values;
    assert!(old_values > 20, "{before:?}");
    // A record written meanwhile is sealed with the new key.
    rotated
        .add_goal(course.id, &goal(AreaKind::Grief), &a("goal.create"))
        .await
        .unwrap();

    // Small batches, so the walk crosses tables and pages.
    let mut cursor = Some(ResealCursor::default());
    let (mut batches, mut resealed) = (0, 0);
    while let Some(from) = cursor {
        let b = rotated
            .reseal_batch(from, 3, &a("encryption.reseal"))
            .await
            .unwrap();
        resealed += b.resealed;
        cursor = b.next;
        batches += 1;
        assert!(batches < 1000, "the walk ends");
    }
    assert_eq!(resealed, old_values);
    let after = rotated.key_usage().await.unwrap();
    assert_eq!(after.unsealed, 0);
    for k in &after.keys {
        if k.id != "k-new" {
            assert_eq!(k.values, 0, "{after:?}");
        }
    }
    assert_eq!(
        rotated.retire_unused_keys().await.unwrap(),
        vec![old.primary().to_string()]
    );
    // The walk is audited, batch by batch.
    let events = rotated
        .audit_events(&ipt_app::ports::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.action == "encryption.reseal"));

    // The new key alone now opens everything; the old one alone is refused.
    let only_new = db.reopen_with_keys(new.clone()).await.unwrap();
    assert_eq!(
        only_new.course(course.id, &a("course.read")).await.unwrap(),
        Some(course.clone())
    );
    assert_eq!(
        only_new
            .inventory(course.id, &a("inventory.read"))
            .await
            .unwrap()[0]
            .alias
            .as_str(),
        "Zephyrine"
    );
    assert!(matches!(
        db.reopen_with_keys(old).await,
        Err(StoreError::Keys(_))
    ));
}

async fn text_written_before_encryption_is_sealed_at_the_next_start(db: &TestDb) {
    let s = &db.store;
    let c = user("clin", Role::Clinician);
    s.create_user(&c, &a("user.create")).await.unwrap();
    let p = patient(c.id, "Giulia Verdi");
    s.create_patient(&p, &a("patient.create")).await.unwrap();
    let course = course(&p);
    s.create_course(&course, &a("course.create")).await.unwrap();
    let g = goal(AreaKind::Grief);
    s.add_goal(course.id, &g, &a("goal.create")).await.unwrap();
    // As a database written before migration 0015 holds it: plaintext, not yet sealed.
    let legacy = [
        "UPDATE goals SET description = 'visit the grave with her brother'",
        "UPDATE encryption_state SET all_sealed = FALSE",
    ];
    let plaintext_read = ["UPDATE goals SET description = 'a note slipped in by hand'"];
    db.execute(&legacy).await;
    let reopened = db.reopen_with_keys(db.keys.clone()).await.unwrap();
    let goals = reopened.goals(course.id, &a("goal.list")).await.unwrap();
    assert_eq!(goals[0].description, "visit the grave with her brother");
    assert_eq!(reopened.key_usage().await.unwrap().unsealed, 0);
    assert!(!raw_contents(db).await.contains("visit the grave"));
    // Once sealed, plaintext put in by hand is not taken for a record.
    db.execute(&plaintext_read).await;
    assert!(matches!(
        reopened.goals(course.id, &a("goal.list")).await,
        Err(StoreError::Corrupt(_))
    ));
}
