//! The audit trail's hash chain (#16): it verifies after writes, audited reads and group
//! commits, on one instance or two; an edit, a deletion or a reordering by raw SQL is each
//! reported as what it is; pruning keeps it verifiable; anchors catch what the chain alone
//! cannot (rows deleted from its end with the head set back).

use std::sync::Arc;

use ipt_app::ports::{AuditEvent, ChainBreak, ChainPoint, Store, StoreError};
use ipt_domain::assessment::AssessmentStatus;
use ipt_domain::authz::Role;
use ipt_domain::ids::*;
use ipt_store_tests::fixtures::*;
use ipt_store_tests::harness::TestDb;

type S = Arc<dyn Store>;

crate::db_stories!(
    chain_on_sqlite,
    chain_on_postgres;
    the_chain_verifies_after_writes_and_audited_reads,
    two_instances_on_one_database_share_one_chain,
    an_altered_row_is_detected,
    a_deleted_row_is_detected,
    a_deleted_and_renumbered_row_is_detected,
    swapped_rows_are_detected,
    a_row_inserted_past_the_store_is_detected,
    rows_deleted_from_the_end_are_caught_by_the_head_or_an_anchor,
    pruning_keeps_the_chain_verifiable_and_is_audited,
    pruning_refuses_a_broken_chain,
);

async fn count(db: &TestDb, q: &'static str) -> i64 {
    if let Some(s) = &db.sqlite {
        return sqlx::query_scalar(q).fetch_one(&s.pool).await.unwrap();
    }
    let s = db.pg.as_ref().unwrap();
    sqlx::query_scalar(q).fetch_one(&s.pool).await.unwrap()
}

fn ev(action: &str) -> AuditEvent {
    audit(action, uuid::Uuid::nil(), None, None)
}

/// A clinician, a patient and a course: three writes, three audit rows.
async fn setup(
    s: &S,
) -> (
    UserId,
    ipt_domain::patient::Patient,
    ipt_domain::course::Course,
) {
    let u = user("clin", Role::Clinician);
    s.create_user(&u, &audit("user.create", u.id.as_uuid(), None, None))
        .await
        .unwrap();
    let p = patient(u.id, "Giulia Verdi");
    let a = audit("patient.create", p.id.as_uuid(), Some(p.id), Some(u.id));
    s.create_patient(&p, &a).await.unwrap();
    let c = course(&p);
    let a = audit("course.create", c.id.as_uuid(), Some(p.id), Some(u.id));
    s.create_course(&c, &a).await.unwrap();
    (u.id, p, c)
}

/// `n` more audit rows, one write each.
async fn writes(s: &S, n: usize) {
    for i in 0..n {
        let u = user(&format!("user{i}"), Role::Clinician);
        s.create_user(&u, &audit("user.create", u.id.as_uuid(), None, None))
            .await
            .unwrap();
    }
}

async fn intact(s: &S) -> u64 {
    let v = s.verify_audit_chain(None).await.unwrap();
    assert_eq!(v.broken, None, "{v:?}");
    v.checked
}

async fn broken(s: &S) -> ChainBreak {
    let v = s.verify_audit_chain(None).await.unwrap();
    v.broken
        .unwrap_or_else(|| panic!("the tampering went unnoticed: {v:?}"))
}

async fn the_chain_verifies_after_writes_and_audited_reads(db: &TestDb) {
    let s = &db.store;
    let empty = s.verify_audit_chain(None).await.unwrap();
    assert_eq!((empty.checked, empty.broken), (0, None));
    assert_eq!(empty.chain.head.seq, 0);
    let (c, p, course) = setup(s).await;
    // Audited reads (group-committed), concurrent with submissions (group-committed writes)
    // and with plain writes.
    let mut tasks = vec![];
    for i in 0..16 {
        let (s, p, course) = (s.clone(), p.clone(), course.clone());
        tasks.push(tokio::spawn(async move {
            let read = audit("patient.read", p.id.as_uuid(), Some(p.id), Some(c));
            assert!(s.patient(p.id, &read).await.unwrap().is_some());
            let x = assessment(&p, course.id, AssessmentStatus::Final);
            let a = audit("assessment.create", x.id.as_uuid(), Some(p.id), Some(c));
            s.add_assessment(&x, None, &a).await.unwrap();
            let u = user(&format!("other{i}"), Role::Clinician);
            s.create_user(&u, &audit("user.create", u.id.as_uuid(), None, None))
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let rows = count(db, "SELECT COUNT(*) FROM audit_events").await;
    assert_eq!(rows, 3 + 16 * 3);
    assert_eq!(intact(s).await, rows as u64);
    // Gap-free from 1, and the head is the last row.
    let chain = s.audit_chain().await.unwrap();
    assert_eq!(chain.head.seq, rows);
    assert_eq!(count(db, "SELECT MIN(seq) FROM audit_events").await, 1);
    assert_eq!(count(db, "SELECT MAX(seq) FROM audit_events").await, rows);
    // A failed write appends nothing: the chain stays whole.
    let dup = user("clin", Role::Clinician);
    let e = s.create_user(&dup, &ev("user.create")).await.unwrap_err();
    assert!(matches!(e, StoreError::Duplicate(_)), "{e:?}");
    assert_eq!(s.audit_chain().await.unwrap(), chain);
    assert_eq!(intact(s).await, rows as u64);
}

async fn two_instances_on_one_database_share_one_chain(db: &TestDb) {
    let (one, two) = (db.store.clone(), db.second_instance().await);
    let (c, p, course) = setup(&one).await;
    let mut tasks = vec![];
    for i in 0..24 {
        let s = if i % 2 == 0 { one.clone() } else { two.clone() };
        let (p, course) = (p.clone(), course.clone());
        tasks.push(tokio::spawn(async move {
            let read = audit("course.read", course.id.as_uuid(), Some(p.id), Some(c));
            assert!(s.course(course.id, &read).await.unwrap().is_some());
            let x = assessment(&p, course.id, AssessmentStatus::Final);
            let a = audit("assessment.create", x.id.as_uuid(), Some(p.id), Some(c));
            s.add_assessment(&x, None, &a).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(intact(&two).await, 3 + 24 * 2);
}

async fn an_altered_row_is_detected(db: &TestDb) {
    setup(&db.store).await;
    writes(&db.store, 2).await;
    db.execute(&["UPDATE audit_events SET action = 'user.read' WHERE seq = 2"])
        .await;
    assert_eq!(broken(&db.store).await, ChainBreak::Altered { seq: 2 });
}

async fn a_deleted_row_is_detected(db: &TestDb) {
    setup(&db.store).await;
    writes(&db.store, 2).await;
    db.execute(&["DELETE FROM audit_events WHERE seq = 3"])
        .await;
    assert_eq!(
        broken(&db.store).await,
        ChainBreak::Missing { from: 3, to: 3 }
    );
}

async fn a_deleted_and_renumbered_row_is_detected(db: &TestDb) {
    setup(&db.store).await;
    writes(&db.store, 2).await;
    // Close the gap, so seqs run on: the row after it follows a row that is gone. (The head
    // is set back too, as a careful intruder would.)
    db.execute(&[
        "DELETE FROM audit_events WHERE seq = 3",
        "UPDATE audit_events SET seq = seq + 100 WHERE seq > 3",
        "UPDATE audit_events SET seq = seq - 101 WHERE seq > 100",
        "UPDATE audit_chain SET seq = seq - 1",
    ])
    .await;
    assert_eq!(broken(&db.store).await, ChainBreak::Unlinked { seq: 3 });
}

async fn swapped_rows_are_detected(db: &TestDb) {
    setup(&db.store).await;
    writes(&db.store, 2).await;
    db.execute(&[
        "UPDATE audit_events SET seq = -1 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = -1",
    ])
    .await;
    // The row now at 2 was written right after the one now at 3.
    assert_eq!(
        broken(&db.store).await,
        ChainBreak::Reordered { seq: 2, follows: 3 }
    );
}

async fn a_row_inserted_past_the_store_is_detected(db: &TestDb) {
    setup(&db.store).await;
    db.execute(&[
        "INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, patient_id) \
           SELECT entity_id, at, actor_id, 'user.delete', entity, entity_id, patient_id \
           FROM audit_events WHERE seq = 1",
    ])
    .await;
    assert_eq!(broken(&db.store).await, ChainBreak::Unchained { count: 1 });
}

async fn rows_deleted_from_the_end_are_caught_by_the_head_or_an_anchor(db: &TestDb) {
    let s = &db.store;
    setup(s).await;
    writes(s, 2).await;
    let head = s.audit_chain().await.unwrap().head;
    assert_eq!(head.seq, 5);
    let anchor = Some(head);
    assert_eq!(s.verify_audit_chain(anchor).await.unwrap().broken, None);
    // An anchor that the chain does not hold.
    let forged = Some(ChainPoint {
        seq: 4,
        hash: [7; 32],
    });
    assert_eq!(
        s.verify_audit_chain(forged).await.unwrap().broken,
        Some(ChainBreak::AnchorMismatch { seq: 4 })
    );
    db.execute(&["DELETE FROM audit_events WHERE seq = 5"])
        .await;
    assert_eq!(broken(s).await, ChainBreak::Truncated { last: 4, head: 5 });
    // With the head set back as well, the chain alone cannot tell; the anchor can.
    db.execute(&["UPDATE audit_chain SET seq = seq - 1, \
           hash = (SELECT e.hash FROM audit_events e WHERE e.seq = 4)"])
        .await;
    assert_eq!(intact(s).await, 4);
    assert_eq!(
        s.verify_audit_chain(anchor).await.unwrap().broken,
        Some(ChainBreak::AnchorAhead { seq: 5, head: 4 })
    );
}

/// `n` audit rows written `days` days before NOW.
async fn old_writes(s: &S, n: usize, days: i64, tag: &str) {
    for i in 0..n {
        let u = user(&format!("{tag}{i}"), Role::Clinician);
        let a = AuditEvent {
            at: NOW - time::Duration::days(days),
            ..audit("user.create", u.id.as_uuid(), None, None)
        };
        s.create_user(&u, &a).await.unwrap();
    }
}

async fn pruning_keeps_the_chain_verifiable_and_is_audited(db: &TestDb) {
    let s = &db.store;
    old_writes(s, 5, 400, "old").await;
    let old_anchor = s.audit_chain().await.unwrap().head;
    old_writes(s, 2, 100, "newer").await;
    // A row older than the cut after a newer one stays: only a prefix of the chain goes.
    old_writes(s, 1, 500, "late").await;
    let prune = ev("audit.prune");
    let cut = NOW - time::Duration::days(365);
    // Two rows per transaction: three transactions, each audited.
    let done = s.prune_audit(cut, 2, &prune).await.unwrap();
    assert_eq!(done.deleted, 5);
    assert_eq!(done.pruned, old_anchor);
    assert_eq!(s.audit_chain().await.unwrap().pruned, old_anchor);
    let left = count(db, "SELECT COUNT(*) FROM audit_events").await;
    let prunes = count(
        db,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'audit.prune'",
    )
    .await;
    assert_eq!(prunes, 3);
    assert_eq!(left, 3 + prunes);
    assert_eq!(intact(s).await, left as u64);
    // The last pruned row still checks as an anchor; an older one cannot be checked.
    assert_eq!(
        s.verify_audit_chain(Some(old_anchor)).await.unwrap().broken,
        None
    );
    let older = ChainPoint {
        seq: 2,
        hash: [0; 32],
    };
    assert_eq!(
        s.verify_audit_chain(Some(older)).await.unwrap().broken,
        Some(ChainBreak::AnchorPruned { seq: 2, pruned: 5 })
    );
    // Nothing more is old enough: a second prune deletes nothing and records nothing.
    let again = s.prune_audit(cut, 2, &prune).await.unwrap();
    assert_eq!((again.deleted, again.pruned), (0, old_anchor));
    assert_eq!(count(db, "SELECT COUNT(*) FROM audit_events").await, left);
    // Pruning everything, its own events excepted, still leaves a chain that verifies.
    let all = s
        .prune_audit(NOW + time::Duration::days(1), 1000, &prune)
        .await
        .unwrap();
    assert_eq!(all.deleted as i64, left);
    assert_eq!(count(db, "SELECT COUNT(*) FROM audit_events").await, 1);
    assert_eq!(intact(s).await, 1);
    // And the chain goes on from there.
    writes(s, 2).await;
    assert_eq!(intact(s).await, 3);
}

async fn pruning_refuses_a_broken_chain(db: &TestDb) {
    let s = &db.store;
    old_writes(s, 4, 400, "old").await;
    db.execute(&["UPDATE audit_events SET action = 'user.read' WHERE seq = 3"])
        .await;
    let e = s.prune_audit(NOW, 2, &ev("audit.prune")).await.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt(_)), "{e:?}");
    assert!(e.to_string().contains("row 3 was altered"), "{e}");
    // The first batch (rows 1 and 2) was sound and is gone; the evidence is kept.
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM audit_events WHERE seq >= 3").await,
        3,
        "rows 3 and 4, and the first batch's prune event"
    );
    assert_eq!(broken(s).await, ChainBreak::Altered { seq: 3 });
}
