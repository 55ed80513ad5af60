use std::sync::Arc;

use ipt_app::ports::{AuditFilter, Store, StoreError};
use ipt_domain::assessment::AssessmentStatus;
use ipt_domain::authz::Role;
use ipt_domain::course::{CourseStatus, GoalStatus};
use ipt_domain::ids::*;
use ipt_domain::inventory::*;
use ipt_domain::patient::PatientName;
use ipt_domain::problem_area::AreaKind;
use ipt_domain::protocol::Phase;
use ipt_domain::session::Attendance;
use ipt_domain::timeline::EventKind;
use ipt_store_tests::fixtures::*;
use time::macros::date;

type S = Arc<dyn Store>;

async fn clinician(s: &S, name: &str) -> UserId {
    let u = user(name, Role::Clinician);
    s.create_user(&u, &audit("user.create", u.id.as_uuid(), None, None))
        .await
        .unwrap();
    u.id
}

async fn setup(
    s: &S,
) -> (
    UserId,
    ipt_domain::patient::Patient,
    ipt_domain::course::Course,
) {
    let c = clinician(s, "clin").await;
    let p = patient(c, "Giulia Verdi");
    s.create_patient(
        &p,
        &audit("patient.create", p.id.as_uuid(), Some(p.id), Some(c)),
    )
    .await
    .unwrap();
    let course = course(&p);
    s.create_course(
        &course,
        &audit("course.create", course.id.as_uuid(), Some(p.id), Some(c)),
    )
    .await
    .unwrap();
    (c, p, course)
}

fn a(action: &str) -> ipt_app::ports::AuditEvent {
    audit(action, uuid::Uuid::nil(), None, None)
}

pub async fn users_are_unique_by_username(s: S) {
    assert!(!s.has_users().await.unwrap(), "a new database has no users");
    let u = user("anna", Role::Supervisor);
    s.create_user(&u, &a("user.create")).await.unwrap();
    let found = s.user_by_username("anna").await.unwrap().unwrap();
    assert_eq!(found, u);
    assert_eq!(s.user(u.id).await.unwrap().unwrap().role, Role::Supervisor);
    let dup = user("anna", Role::Clinician);
    let err = s.create_user(&dup, &a("user.create")).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Duplicate(m) if m.contains("anna")),
        "{err:?}"
    );
    assert_eq!(s.list_users().await.unwrap().len(), 1);
    assert!(s.has_users().await.unwrap());
    // Supervisees are found by their supervisor, not by reading every account.
    let mut supervised = user("bruno", Role::Clinician);
    supervised.supervisor = Some(u.id);
    s.create_user(&supervised, &a("user.create")).await.unwrap();
    let names: Vec<String> = s
        .supervisees(u.id)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.username)
        .collect();
    assert_eq!(names, vec!["bruno".to_string()]);
    assert!(s.supervisees(supervised.id).await.unwrap().is_empty());
    assert!(s.user_by_username("nobody").await.unwrap().is_none());
}

pub async fn patient_round_trip_and_stale_update_is_refused(s: S) {
    let (_, p, _) = setup(&s).await;
    let read = s.patient(p.id, &a("patient.read")).await.unwrap().unwrap();
    assert_eq!(read, p);

    let mut first = read.clone();
    first.name = PatientName::parse("Giulia V. Rossi").unwrap();
    let v2 = s
        .update_patient(&first, &a("patient.update"))
        .await
        .unwrap();
    assert_eq!(v2, 2);

    let mut stale = read.clone();
    stale.name = PatientName::parse("Overwritten").unwrap();
    let err = s
        .update_patient(&stale, &a("patient.update"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                actual: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let now = s.patient(p.id, &a("patient.read")).await.unwrap().unwrap();
    assert_eq!(
        now.name.as_str(),
        "Giulia V. Rossi",
        "the stale write must not overwrite"
    );
    assert_eq!(now.version, 2);
    assert_eq!(s.count_patients().await.unwrap(), 1);
}

pub async fn patients_are_listed_per_clinician(s: S) {
    let c1 = clinician(&s, "one").await;
    let c2 = clinician(&s, "two").await;
    for (c, n) in [(c1, "Bruno"), (c1, "Anna"), (c2, "Carla")] {
        let p = patient(c, n);
        s.create_patient(&p, &a("patient.create")).await.unwrap();
    }
    let mine: Vec<String> = s
        .list_patients(Some(c1), &a("patient.list"))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name.as_str().to_string())
        .collect();
    assert_eq!(mine, vec!["Anna", "Bruno"]);
    assert_eq!(
        s.list_patients(None, &a("patient.list"))
            .await
            .unwrap()
            .len(),
        3
    );
}

pub async fn course_round_trips_every_part(s: S) {
    let (_, p, _) = setup(&s).await;
    let full = full_course(&p);
    s.create_course(&full, &a("course.create")).await.unwrap();
    let read = s.course(full.id, &a("course.read")).await.unwrap().unwrap();
    assert_eq!(read, full);

    let mut moved = read.clone();
    moved.status = CourseStatus::Active(Phase::Middle);
    moved.ended_on = None;
    moved.formulation.as_mut().unwrap().accepted_on = None;
    let v = s.update_course(&moved, &a("course.update")).await.unwrap();
    let again = s.course(full.id, &a("course.read")).await.unwrap().unwrap();
    assert_eq!(
        again,
        ipt_domain::course::Course {
            version: v,
            ..moved
        }
    );
    assert_eq!(
        s.courses_of_patient(p.id, &a("course.list"))
            .await
            .unwrap()
            .len(),
        2
    );
}

pub async fn stale_course_update_changes_nothing_and_writes_no_audit(s: S) {
    let (_, _, c) = setup(&s).await;
    let mut first = c.clone();
    first.status = CourseStatus::Active(Phase::Initial);
    s.update_course(&first, &a("course.update")).await.unwrap();
    let before = s.audit_events(&AuditFilter::default()).await.unwrap().len();

    let mut stale = c.clone();
    stale.status = CourseStatus::Completed;
    let err = s
        .update_course(&stale, &a("course.update"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                actual: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let after = s.audit_events(&AuditFilter::default()).await.unwrap().len();
    assert_eq!(before, after, "a refused write leaves no audit event");
    let now = s.course(c.id, &a("course.read")).await.unwrap().unwrap();
    assert_eq!(now.status, CourseStatus::Active(Phase::Initial));
}

pub async fn course_needs_an_existing_patient(s: S) {
    let c = clinician(&s, "solo").await;
    let ghost = patient(c, "Nobody");
    let course = course(&ghost);
    assert!(s.create_course(&course, &a("course.create")).await.is_err());
    assert!(
        s.course(course.id, &a("course.read"))
            .await
            .unwrap()
            .is_none(),
        "nothing half-written"
    );
}

pub async fn inventory_add_update_delete_with_versions(s: S) {
    let (_, _, c) = setup(&s).await;
    let sister = person("Sister", 1);
    let boss = person("Boss", 0);
    let friend = person("Luca", 2);
    for p in [&sister, &boss, &friend] {
        s.add_person(c.id, p, &a("inventory_person.create"))
            .await
            .unwrap();
    }
    let list = s.inventory(c.id, &a("inventory.read")).await.unwrap();
    let order: Vec<&str> = list.iter().map(|p| p.alias.as_str()).collect();
    assert_eq!(
        order,
        vec!["Sister", "Luca", "Boss"],
        "inner rings first, outside last"
    );
    assert_eq!(list[0], sister);

    let mut moved = sister.clone();
    moved.ring = ClosenessRing::Middle;
    moved.conflict = ConflictLevel::Open;
    assert_eq!(
        s.update_person(c.id, &moved, &a("inventory_person.update"))
            .await
            .unwrap(),
        2
    );
    let err = s
        .update_person(c.id, &sister, &a("inventory_person.update"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    // A timeline event that names a deleted person keeps the event.
    let e = event("2025-11", EventKind::Conflict, Some(boss.id));
    s.add_event(c.id, &e, &a("timeline_event.create"))
        .await
        .unwrap();
    assert!(matches!(
        s.delete_person(c.id, boss.id, 7, &a("inventory_person.delete"))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    s.delete_person(c.id, boss.id, 1, &a("inventory_person.delete"))
        .await
        .unwrap();
    let t = s.timeline(c.id, &a("timeline.read")).await.unwrap();
    assert_eq!(t.events.len(), 1);
    assert_eq!(t.events[0].person, None);
    assert_eq!(
        s.inventory(c.id, &a("inventory.read")).await.unwrap().len(),
        2
    );
}

pub async fn snapshots_keep_the_circle(s: S) {
    let (_, _, c) = setup(&s).await;
    let people = [person("Sister", 1), person("Luca", 3)];
    let snap = InventorySnapshot {
        id: id(),
        kind: SnapshotKind::Start,
        taken_on: date!(2026 - 01 - 19),
        people: people.iter().map(SnapshotPerson::of).collect(),
    };
    s.add_snapshot(c.id, &snap, &a("inventory_snapshot.create"))
        .await
        .unwrap();
    let end = InventorySnapshot {
        id: id(),
        kind: SnapshotKind::End,
        taken_on: date!(2026 - 04 - 20),
        people: vec![],
    };
    s.add_snapshot(c.id, &end, &a("inventory_snapshot.create"))
        .await
        .unwrap();
    let read = s
        .snapshots(c.id, &a("inventory_snapshot.read"))
        .await
        .unwrap();
    assert_eq!(read, vec![snap, end]);
}

pub async fn timeline_is_chronological_and_has_one_current_episode(s: S) {
    let (_, _, c) = setup(&s).await;
    for e in [
        event("2026-03", EventKind::Death, None),
        event("2019", EventKind::Move, None),
        event("2026-01-14", EventKind::JobChange, None),
    ] {
        s.add_event(c.id, &e, &a("timeline_event.create"))
            .await
            .unwrap();
    }
    s.add_episode(c.id, &episode("2020-02", true), &a("mood_episode.create"))
        .await
        .unwrap();
    let current = episode("2026-05", true);
    s.add_episode(c.id, &current, &a("mood_episode.create"))
        .await
        .unwrap();
    let t = s.timeline(c.id, &a("timeline.read")).await.unwrap();
    let dates: Vec<String> = t.events.iter().map(|e| e.date.to_string()).collect();
    assert_eq!(dates, vec!["2019", "2026-01-14", "2026-03"]);
    assert_eq!(t.episodes.iter().filter(|e| e.current).count(), 1);
    assert_eq!(t.current_onset(), Some("2026-05".parse().unwrap()));

    let mut edited = t.events[0].clone();
    edited.kind = EventKind::Retirement;
    assert_eq!(
        s.update_event(c.id, &edited, &a("timeline_event.update"))
            .await
            .unwrap(),
        2
    );
    assert!(
        s.delete_event(c.id, edited.id, 1, &a("timeline_event.delete"))
            .await
            .is_err()
    );
    s.delete_event(c.id, edited.id, 2, &a("timeline_event.delete"))
        .await
        .unwrap();
    let mut ep = current.clone();
    ep.end = Some("2026-09".parse().unwrap());
    assert_eq!(
        s.update_episode(c.id, &ep, &a("mood_episode.update"))
            .await
            .unwrap(),
        2
    );
    let t = s.timeline(c.id, &a("timeline.read")).await.unwrap();
    assert_eq!(t.events.len(), 2);
    assert_eq!(
        t.episodes.iter().find(|e| e.id == ep.id).unwrap().end,
        ep.end
    );
}

/// Marking an episode current in a correction clears the mark on the others in the same
/// write, each change audited; a stale correction changes none of them.
pub async fn marking_an_episode_current_clears_the_others_in_one_write(s: S) {
    let (c, p, course) = setup(&s).await;
    let older = episode("2020-02", false);
    let current = episode("2026-05", true);
    for e in [&older, &current] {
        let create = audit("mood_episode.create", e.id.as_uuid(), Some(p.id), Some(c));
        s.add_episode(course.id, e, &create).await.unwrap();
    }
    let updates = || async {
        s.audit_events(&AuditFilter {
            patient: Some(p.id),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "mood_episode.update")
        .map(|e| e.entity_id)
        .collect::<Vec<_>>()
    };

    let mut stale = older.clone();
    stale.current = true;
    stale.version = 7;
    let refused = s
        .update_episode(
            course.id,
            &stale,
            &audit(
                "mood_episode.update",
                older.id.as_uuid(),
                Some(p.id),
                Some(c),
            ),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    let t = s.timeline(course.id, &a("timeline.read")).await.unwrap();
    let still: Vec<_> = t
        .episodes
        .iter()
        .filter(|e| e.current)
        .map(|e| e.id)
        .collect();
    assert_eq!(
        still,
        vec![current.id],
        "a refused correction changes nothing"
    );
    assert!(updates().await.is_empty(), "and writes no audit row");

    let mut now_current = older.clone();
    now_current.current = true;
    let update = audit(
        "mood_episode.update",
        older.id.as_uuid(),
        Some(p.id),
        Some(c),
    );
    assert_eq!(
        s.update_episode(course.id, &now_current, &update)
            .await
            .unwrap(),
        2
    );
    let t = s.timeline(course.id, &a("timeline.read")).await.unwrap();
    let marked: Vec<_> = t
        .episodes
        .iter()
        .filter(|e| e.current)
        .map(|e| e.id)
        .collect();
    assert_eq!(marked, vec![older.id]);
    let cleared = t.episodes.iter().find(|e| e.id == current.id).unwrap();
    assert_eq!(cleared.version, 2, "the cleared episode's version moves on");
    let mut audited = updates().await;
    audited.sort();
    let mut expected = vec![older.id.as_uuid(), current.id.as_uuid()];
    expected.sort();
    assert_eq!(audited, expected, "both changed episodes are audited");
}

/// A session and the mood rating that came with it are written together or not at all.
pub async fn a_session_and_its_mood_rating_are_one_write(s: S) {
    let (_, p, c) = setup(&s).await;
    let mut mood = assessment(&p, c.id, AssessmentStatus::Final);
    mood.instrument = "session_mood".into();
    let first = session(c.id, 1);
    mood.session = Some(first.id);
    s.add_session(
        &first,
        None,
        Some((&mood, &a("assessment.create"))),
        &a("session.create"),
    )
    .await
    .unwrap();
    let stored = s
        .assessments_of_course(c.id, &a("assessment.read"))
        .await
        .unwrap();
    assert_eq!(
        stored
            .iter()
            .filter(|x| x.session == Some(first.id))
            .count(),
        1
    );
    // The second rating reuses the first one's id, so it cannot be stored: its session is not
    // stored either.
    let second = session(c.id, 2);
    let err = s
        .add_session(
            &second,
            None,
            Some((&mood, &a("assessment.create"))),
            &a("session.create"),
        )
        .await;
    assert!(err.is_err(), "{err:?}");
    let sessions = s.sessions(c.id, &a("session.read")).await.unwrap();
    assert_eq!(sessions, vec![first.clone()], "nothing half-written");
    // The same for a change of a session with a new rating.
    let mut changed = first.clone();
    changed.notes = "changed".into();
    let err = s
        .update_session(
            &changed,
            None,
            Some((&mood, &a("assessment.create"))),
            &a("session.update"),
        )
        .await;
    assert!(err.is_err(), "{err:?}");
    let sessions = s.sessions(c.id, &a("session.read")).await.unwrap();
    assert_eq!(
        sessions[0].notes, first.notes,
        "the change was not kept without its rating"
    );
}

pub async fn sessions_round_trip_and_numbers_are_unique(s: S) {
    let (_, _, c) = setup(&s).await;
    let s1 = session(c.id, 1);
    let s5 = session(c.id, 5);
    s.add_session(&s5, None, None, &a("session.create"))
        .await
        .unwrap();
    s.add_session(&s1, None, None, &a("session.create"))
        .await
        .unwrap();
    let list = s.sessions(c.id, &a("session.read")).await.unwrap();
    assert_eq!(list, vec![s1.clone(), s5.clone()]);
    assert_eq!(list[1].phase.phase, Phase::Middle);

    let dup = session(c.id, 5);
    let err = s
        .add_session(&dup, None, None, &a("session.create"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Duplicate(m) if m.contains("session 5")),
        "{err:?}"
    );

    let mut missed = s1.clone();
    missed.attendance = Attendance::NoShow;
    missed.techniques.clear();
    assert_eq!(
        s.update_session(&missed, None, None, &a("session.update"))
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        s.update_session(&s1, None, None, &a("session.update"))
            .await,
        Err(StoreError::Conflict { .. })
    ));
}

pub async fn goals_round_trip_and_conflict(s: S) {
    let (_, _, c) = setup(&s).await;
    let g = goal(AreaKind::RoleDispute);
    s.add_goal(c.id, &g, &a("goal.create")).await.unwrap();
    assert_eq!(
        s.goals(c.id, &a("goal.read")).await.unwrap(),
        vec![g.clone()]
    );
    let mut done = g.clone();
    done.status = GoalStatus::Achieved;
    done.progress = Some(10);
    assert_eq!(
        s.update_goal(c.id, &done, &a("goal.update")).await.unwrap(),
        2
    );
    assert!(matches!(
        s.update_goal(c.id, &g, &a("goal.update")).await,
        Err(StoreError::Conflict { .. })
    ));
}

pub async fn final_assessments_need_results_and_never_change(s: S) {
    let (_, p, c) = setup(&s).await;
    let draft = assessment(&p, c.id, AssessmentStatus::Draft);
    s.add_assessment(&draft, None, &a("assessment.create"))
        .await
        .unwrap();
    let fin = assessment(&p, c.id, AssessmentStatus::Final);
    s.add_assessment(&fin, None, &a("assessment.create"))
        .await
        .unwrap();

    let mut broken = assessment(&p, c.id, AssessmentStatus::Final);
    broken.result = None;
    assert!(
        s.add_assessment(&broken, None, &a("assessment.create"))
            .await
            .is_err()
    );

    let list = s
        .assessments_of_course(c.id, &a("assessment.read"))
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.contains(&fin) && list.contains(&draft));

    // A draft can be completed; a final result cannot be rewritten.
    let mut completed = draft.clone();
    completed.status = AssessmentStatus::Final;
    completed.result = fin.result.clone();
    assert_eq!(
        s.update_assessment(&completed, None, &a("assessment.update"))
            .await
            .unwrap(),
        2
    );
    let mut rewrite = fin.clone();
    rewrite.answers[0] = Some(0);
    assert!(
        s.update_assessment(&rewrite, None, &a("assessment.update"))
            .await
            .is_err()
    );
    let list = s
        .assessments_of_course(c.id, &a("assessment.read"))
        .await
        .unwrap();
    assert_eq!(
        list.iter().find(|x| x.id == fin.id).unwrap().answers,
        fin.answers
    );
}

pub async fn every_read_and_write_is_audited(s: S) {
    let (c, p, course) = setup(&s).await;
    let read = audit("patient.read", p.id.as_uuid(), Some(p.id), Some(c));
    s.patient(p.id, &read).await.unwrap();
    let read_course = audit("course.read", course.id.as_uuid(), None, Some(c));
    s.course(course.id, &read_course).await.unwrap();
    // Both in one read: each is audited, the patient's event completed with the patient.
    let both = audit("course.read", course.id.as_uuid(), None, Some(c));
    let its_patient = audit("patient.read", uuid::Uuid::nil(), None, Some(c));
    let (got_course, got_patient) = s
        .course_and_patient(course.id, &both, &its_patient)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((got_course.id, got_patient.id), (course.id, p.id));
    let missing = audit("course.read", uuid::Uuid::nil(), None, Some(c));
    assert!(
        s.course_and_patient(
            CourseId::from_uuid(uuid::Uuid::now_v7()),
            &missing,
            &its_patient
        )
        .await
        .unwrap()
        .is_none()
    );

    let events = s
        .audit_events(&AuditFilter {
            patient: Some(p.id),
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "patient.create",
        "course.create",
        "patient.read",
        "course.read",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    assert!(events.iter().all(|e| e.actor == Some(c)));
    let stored = events.iter().find(|e| e.id == read.id).unwrap();
    assert_eq!(stored, &read);
    let patient_event = events.iter().find(|e| e.id == its_patient.id).unwrap();
    assert_eq!(
        (patient_event.entity_id, patient_event.patient),
        (p.id.as_uuid(), Some(p.id))
    );
    assert_eq!(
        events.iter().find(|e| e.id == both.id).unwrap().patient,
        Some(p.id)
    );
    let by_actor = s
        .audit_events(&AuditFilter {
            actor: Some(c),
            limit: 2,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_actor.len(), 2);
}

pub async fn updating_a_missing_record_says_not_found(s: S) {
    let (_, p, _) = setup(&s).await;
    let ghost = course(&p);
    assert!(matches!(
        s.update_course(&ghost, &a("course.update")).await,
        Err(StoreError::NotFound { .. })
    ));
    let ghost_goal = goal(AreaKind::Grief);
    assert!(matches!(
        s.update_goal(ghost.id, &ghost_goal, &a("goal.update"))
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn risk_alerts_are_raised_with_their_source_and_acknowledged_once(s: S) {
    use ipt_app::ports::AlertFilter;
    use ipt_domain::alert::RiskAlert;
    let (c, p, course) = setup(&s).await;
    let fin = assessment(&p, course.id, AssessmentStatus::Final);
    let alert = RiskAlert::from_assessment(&fin, id(), NOW).expect("item 9 is positive");
    s.add_assessment(&fin, Some(&alert), &a("assessment.create"))
        .await
        .unwrap();

    // A session with a risk concern raises its alert in the same transaction.
    let mut sess = session(course.id, 2);
    sess.risk_review.concern = true;
    let concern = RiskAlert::from_session_concern(sess.id, p.id, course.id, id(), NOW);
    s.add_session(&sess, Some(&concern), None, &a("session.create"))
        .await
        .unwrap();

    let open = s
        .alerts(
            &AlertFilter {
                clinician: Some(c),
                open_only: true,
                ..Default::default()
            },
            &a("risk_alert.list"),
        )
        .await
        .unwrap();
    assert_eq!(open.len(), 2);
    assert!(open.contains(&alert) && open.contains(&concern));
    let other = clinician(&s, "other").await;
    assert!(
        s.alerts(
            &AlertFilter {
                clinician: Some(other),
                ..Default::default()
            },
            &a("risk_alert.list")
        )
        .await
        .unwrap()
        .is_empty()
    );

    let mut acked = alert.clone();
    acked
        .acknowledge(c, "Phoned the patient; safety plan agreed.", NOW)
        .unwrap();
    assert_eq!(
        s.acknowledge_alert(&acked, &a("risk_alert.acknowledge"))
            .await
            .unwrap(),
        2
    );
    // The stale copy cannot acknowledge again, and nothing is deleted.
    let mut again = alert.clone();
    again
        .acknowledge(c, "A second, different note.", NOW)
        .unwrap();
    assert!(matches!(
        s.acknowledge_alert(&again, &a("risk_alert.acknowledge"))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let all = s
        .alerts(
            &AlertFilter {
                patient: Some(p.id),
                ..Default::default()
            },
            &a("risk_alert.list"),
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let stored = all.iter().find(|x| x.id == alert.id).unwrap();
    assert_eq!(
        stored.acknowledgement.as_ref().unwrap().action_note,
        "Phoned the patient; safety plan agreed."
    );
    let open = s
        .alerts(
            &AlertFilter {
                patient: Some(p.id),
                open_only: true,
                ..Default::default()
            },
            &a("risk_alert.list"),
        )
        .await
        .unwrap();
    assert_eq!(open, vec![concern]);
}

pub async fn sign_in_sessions_and_api_tokens_are_stored_by_hash(s: S) {
    use ipt_app::ports::{ApiToken, WebSession};
    let c = clinician(&s, "tok").await;
    let w = WebSession {
        token_hash: "h1".into(),
        user: c,
        created_at: NOW,
        last_seen_at: NOW,
        expires_at: NOW + time::Duration::minutes(30),
    };
    s.create_web_session(&w, &a("session.sign_in"))
        .await
        .unwrap();
    assert_eq!(s.web_session("h1").await.unwrap(), Some(w.clone()));
    let later = NOW + time::Duration::minutes(10);
    s.touch_web_session("h1", later, later + time::Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(
        s.web_session("h1").await.unwrap().unwrap().last_seen_at,
        later
    );
    s.delete_web_session("h1", &a("session.sign_out"))
        .await
        .unwrap();
    assert_eq!(s.web_session("h1").await.unwrap(), None);

    let t = ApiToken {
        id: id(),
        user: c,
        name: "laptop".into(),
        token_hash: "th".into(),
        created_at: NOW,
        revoked_at: None,
        last_used_at: None,
    };
    s.create_token(&t, &a("token.create")).await.unwrap();
    assert_eq!(s.token_by_hash("th").await.unwrap(), Some(t.clone()));
    s.token_used(t.id, later).await.unwrap();
    s.revoke_token(t.id, later, &a("token.revoke"))
        .await
        .unwrap();
    let stored = s.tokens_of_user(c).await.unwrap();
    assert_eq!(stored[0].revoked_at, Some(later));
    assert_eq!(stored[0].last_used_at, Some(later));
    assert!(matches!(
        s.revoke_token(t.id, later, &a("token.revoke")).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn supervisor_comments_are_kept_in_order(s: S) {
    use ipt_domain::supervision::SupervisorComment;
    let (c, _, course) = setup(&s).await;
    let first = SupervisorComment::new(
        id(),
        course.id,
        None,
        c,
        "Keep the focus on the dispute.",
        NOW,
    )
    .unwrap();
    let later = SupervisorComment::new(
        id(),
        course.id,
        None,
        c,
        "Good role play.",
        NOW + time::Duration::hours(1),
    )
    .unwrap();
    s.add_comment(&later, &a("supervisor_comment.create"))
        .await
        .unwrap();
    s.add_comment(&first, &a("supervisor_comment.create"))
        .await
        .unwrap();
    assert_eq!(
        s.comments(course.id, &a("supervisor_comment.read"))
            .await
            .unwrap(),
        vec![first, later]
    );
}

pub async fn portal_invitations_are_accepted_once_and_spend_the_others(s: S) {
    use ipt_domain::portal::{Invitation, InvitationState, PortalAccess, PortalSession};
    let (c, p, _) = setup(&s).await;
    let inv = |hash: &str| Invitation {
        id: id(),
        patient: p.id,
        token_hash: hash.into(),
        created_by: c,
        created_at: NOW,
        expires_at: NOW + time::Duration::days(7),
        revoked_at: None,
        accepted_at: None,
    };
    let first = inv("t1");
    let second = inv("t2");
    let third = inv("t3");
    for i in [&first, &second, &third] {
        s.create_invitation(i, &a("invitation.create"))
            .await
            .unwrap();
    }
    assert_eq!(
        s.invitation_by_hash("t1").await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(s.invitation_by_hash("nope").await.unwrap(), None);
    assert!(matches!(
        s.create_invitation(&inv("t1"), &a("invitation.create"))
            .await,
        Err(StoreError::Duplicate(_))
    ));

    let later = NOW + time::Duration::hours(1);
    s.revoke_invitation(third.id, later, &a("invitation.revoke"))
        .await
        .unwrap();
    assert!(matches!(
        s.revoke_invitation(third.id, later, &a("invitation.revoke"))
            .await,
        Err(StoreError::NotFound { .. })
    ));

    // A sign-in from before the passphrase is set ends when it is set.
    let old = PortalSession {
        token_hash: "ps-old".into(),
        patient: p.id,
        created_at: NOW,
        last_seen_at: NOW,
        expires_at: NOW + time::Duration::minutes(30),
        kiosk_by: Some(c),
    };
    s.create_portal_session(&old, &a("portal.sign_in"))
        .await
        .unwrap();
    assert_eq!(s.portal_session("ps-old").await.unwrap(), Some(old));

    let access = PortalAccess {
        patient: p.id,
        code_hash: "code".into(),
        passphrase_hash: "$argon2id$x".into(),
        set_at: later,
    };
    // Expired at the moment of use: refused, nothing written.
    assert!(matches!(
        s.accept_invitation(
            first.id,
            NOW + time::Duration::days(8),
            &access,
            &a("invitation.accept")
        )
        .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(s.portal_access(p.id).await.unwrap(), None);
    // A revoked one is refused too.
    assert!(matches!(
        s.accept_invitation(third.id, later, &access, &a("invitation.accept"))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    s.accept_invitation(first.id, later, &access, &a("invitation.accept"))
        .await
        .unwrap();
    assert_eq!(s.portal_access(p.id).await.unwrap(), Some(access.clone()));
    assert_eq!(s.portal_access_by_code("code").await.unwrap(), Some(access));
    assert_eq!(s.portal_session("ps-old").await.unwrap(), None);
    // Accepted once; the other open one is spent.
    assert!(matches!(
        s.accept_invitation(
            first.id,
            later,
            &PortalAccess {
                code_hash: "code2".into(),
                ..s.portal_access(p.id).await.unwrap().unwrap()
            },
            &a("invitation.accept")
        )
        .await,
        Err(StoreError::NotFound { .. })
    ));
    let listed = s
        .invitations_of_patient(p.id, &a("invitation.list"))
        .await
        .unwrap();
    let state = |h: &str| {
        listed
            .iter()
            .find(|i| i.token_hash == h)
            .unwrap()
            .state(later)
    };
    assert_eq!(state("t1"), InvitationState::Accepted);
    assert_eq!(state("t2"), InvitationState::Revoked);
    assert_eq!(state("t3"), InvitationState::Revoked);

    s.set_passphrase(p.id, "$argon2id$y", later, &a("portal.passphrase"))
        .await
        .unwrap();
    assert_eq!(
        s.portal_access(p.id)
            .await
            .unwrap()
            .unwrap()
            .passphrase_hash,
        "$argon2id$y"
    );
    let stranger = patient(c, "Nobody Here");
    assert!(matches!(
        s.set_passphrase(stranger.id, "x", later, &a("portal.passphrase"))
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn portal_sessions_are_stored_by_hash(s: S) {
    use ipt_domain::portal::PortalSession;
    let (_, p, _) = setup(&s).await;
    let w = PortalSession {
        token_hash: "ph".into(),
        patient: p.id,
        created_at: NOW,
        last_seen_at: NOW,
        expires_at: NOW + time::Duration::minutes(30),
        kiosk_by: None,
    };
    s.create_portal_session(&w, &a("portal.sign_in"))
        .await
        .unwrap();
    let later = NOW + time::Duration::minutes(5);
    s.touch_portal_session("ph", later, later + time::Duration::minutes(30))
        .await
        .unwrap();
    let got = s.portal_session("ph").await.unwrap().unwrap();
    assert_eq!(got.last_seen_at, later);
    assert_eq!(got.kiosk_by, None);
    s.delete_portal_session("ph", &a("portal.sign_out"))
        .await
        .unwrap();
    assert_eq!(s.portal_session("ph").await.unwrap(), None);
}

pub async fn assignments_round_trip_and_conflict(s: S) {
    use ipt_domain::portal::{Assignment, Schedule};
    let (c, p, course) = setup(&s).await;
    let mut x = Assignment {
        id: id(),
        course: course.id,
        patient: p.id,
        instrument: "phq9".into(),
        schedule: Schedule::BeforeEachSession,
        assigned_by: c,
        assigned_on: date!(2026 - 03 - 02),
        ended_on: None,
        version: 1,
    };
    s.add_assignment(&x, &a("assignment.create")).await.unwrap();
    let mut stale = x.clone();
    x.ended_on = Some(date!(2026 - 03 - 20));
    x.version = s
        .update_assignment(&x, &a("assignment.update"))
        .await
        .unwrap();
    assert_eq!(x.version, 2);
    stale.schedule = Schedule::Weekly;
    assert!(matches!(
        s.update_assignment(&stale, &a("assignment.update")).await,
        Err(StoreError::Conflict {
            expected: 1,
            actual: 2,
            ..
        })
    ));
    assert_eq!(
        s.assignments_of_course(course.id, &a("assignment.list"))
            .await
            .unwrap(),
        vec![x]
    );
}

pub async fn diary_has_one_entry_per_day_in_date_order(s: S) {
    use ipt_domain::diary::*;
    let (_, p, course) = setup(&s).await;
    let entry = |d: time::Date, mood: u8| DiaryEntry {
        id: id(),
        course: course.id,
        patient: p.id,
        date: d,
        mood: DiaryMood::new(mood).unwrap(),
        interactions: vec![Interaction {
            person: None,
            alias: "Sister".into(),
            quality: InteractionQuality::new(-2).unwrap(),
            // The optional self-expression answer round-trips inside the sealed JSON.
            self_expression: Some(SelfExpression::new(1).unwrap()),
        }],
        note: "Argued about the flat; «bad» day".into(),
        recorded_at: NOW,
        version: 1,
    };
    let later = entry(date!(2026 - 03 - 05), 4);
    let mut earlier = entry(date!(2026 - 03 - 03), 6);
    s.add_diary_entry(&later, &a("diary.create")).await.unwrap();
    s.add_diary_entry(&earlier, &a("diary.create"))
        .await
        .unwrap();
    match s
        .add_diary_entry(&entry(date!(2026 - 03 - 05), 9), &a("diary.create"))
        .await
    {
        Err(StoreError::Duplicate(msg)) => assert!(msg.contains("2026-03-05"), "{msg}"),
        other => panic!("expected a duplicate day, got {other:?}"),
    }
    let stale = earlier.clone();
    earlier.mood = DiaryMood::new(7).unwrap();
    earlier.interactions.clear();
    earlier.version = s
        .update_diary_entry(&earlier, &a("diary.update"))
        .await
        .unwrap();
    assert!(matches!(
        s.update_diary_entry(&stale, &a("diary.update")).await,
        Err(StoreError::Conflict { .. })
    ));
    let all = s.diary_entries(course.id, &a("diary.list")).await.unwrap();
    assert_eq!(all, vec![earlier, later]);
}

pub async fn a_user_keeps_the_language_they_chose(s: S) {
    use ipt_domain::patient::Language;
    let c = clinician(&s, "lingua").await;
    assert_eq!(s.user_language(c).await.unwrap(), None);
    s.set_user_language(c, Some(Language::It), &a("user.language"))
        .await
        .unwrap();
    assert_eq!(s.user_language(c).await.unwrap(), Some(Language::It));
    s.set_user_language(c, None, &a("user.language"))
        .await
        .unwrap();
    assert_eq!(s.user_language(c).await.unwrap(), None);
    assert!(matches!(
        s.set_user_language(id(), Some(Language::En), &a("user.language"))
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

fn scored(
    p: &ipt_domain::patient::Patient,
    course: CourseId,
    total: f64,
    days: i64,
) -> ipt_domain::assessment::Assessment {
    let mut x = assessment(p, course, AssessmentStatus::Final);
    x.administered_at = NOW + time::Duration::days(days);
    x.result.as_mut().unwrap().total = Some(total);
    x
}

const RULES: ipt_app::ports::OutcomeRules = ipt_app::ports::OutcomeRules {
    response_fraction: 0.5,
    remission_at_most: 4.0,
    reliable_change: 6.0,
    min_baseline: 10.0,
};

pub async fn outcome_counts_follow_first_and_latest_final_results(s: S) {
    let (c, p, course) = setup(&s).await;
    let other = course_for(&s, c, "Second Patient").await;
    let third = course_for(&s, c, "Third Patient").await;
    // Course 1: 20 → 4, arriving out of order: response, remission, reliable improvement.
    for (total, day) in [(12.0, 14), (4.0, 42), (20.0, 0)] {
        s.add_assessment(
            &scored(&p, course.id, total, day),
            None,
            &a("assessment.create"),
        )
        .await
        .unwrap();
    }
    // Course 2: 14 → 21: reliable deterioration. Drafts and session ratings never count.
    s.add_assessment(
        &scored(&other.0, other.1, 14.0, 0),
        None,
        &a("assessment.create"),
    )
    .await
    .unwrap();
    let mut draft = scored(&other.0, other.1, 2.0, 50);
    draft.status = AssessmentStatus::Draft;
    draft.result = None;
    s.add_assessment(&draft, None, &a("assessment.create"))
        .await
        .unwrap();
    let mut mood = scored(&other.0, other.1, 1.0, 60);
    mood.instrument = "session_mood".into();
    s.add_assessment(&mood, None, &a("assessment.create"))
        .await
        .unwrap();
    // Completing a draft counts like adding a final.
    let mut late = scored(&other.0, other.1, 21.0, 28);
    late.status = AssessmentStatus::Draft;
    late.result = None;
    s.add_assessment(&late, None, &a("assessment.create"))
        .await
        .unwrap();
    late.status = AssessmentStatus::Final;
    late.result = scored(&other.0, other.1, 21.0, 28).result;
    s.update_assessment(&late, None, &a("assessment.update"))
        .await
        .unwrap();
    // Course 3: one result only, so no outcome yet.
    s.add_assessment(
        &scored(&third.0, third.1, 18.0, 0),
        None,
        &a("assessment.create"),
    )
    .await
    .unwrap();

    let counts = s
        .outcome_counts("phq9", &RULES, &a("analytics.read"))
        .await
        .unwrap();
    assert_eq!(
        counts,
        ipt_app::ports::OutcomeCounts {
            courses: 2,
            responders: 1,
            remitters: 1,
            reliably_improved: 1,
            reliably_deteriorated: 1,
        }
    );
    let none = s
        .outcome_counts("gad7", &RULES, &a("analytics.read"))
        .await
        .unwrap();
    assert_eq!(none, ipt_app::ports::OutcomeCounts::default());
}

/// Change on a secondary measure (#21), per format and in the measure's better direction: a
/// higher MSPSS total is better, its reliable change is 10 points and a total of 35 or less
/// is the low range.
pub async fn change_summary_counts_each_format_in_the_better_direction(s: S) {
    let (c, p, course) = setup(&s).await;
    let down = course_for(&s, c, "Second Patient").await;
    let flat = course_for(&s, c, "Third Patient").await;
    let brief_patient = patient(c, "Brief Patient");
    s.create_patient(&brief_patient, &a("patient.create"))
        .await
        .unwrap();
    let mut brief = ipt_store_tests::fixtures::course(&brief_patient);
    brief.format = ipt_domain::protocol::Format::Brief;
    s.create_course(&brief, &a("course.create")).await.unwrap();
    let mspss = |p: &ipt_domain::patient::Patient, course: CourseId, total: f64, day: i64| {
        let mut x = scored(p, course, total, day);
        x.instrument = "mspss".into();
        x
    };
    for x in [
        // 30 → 60: better by 30, reliably, and out of the low range.
        mspss(&p, course.id, 30.0, 0),
        mspss(&p, course.id, 60.0, 40),
        // 70 → 50: worse by 20, reliably.
        mspss(&down.0, down.1, 70.0, 0),
        mspss(&down.0, down.1, 50.0, 40),
        // 40 → 40: no change. One score only in the brief course: not counted.
        mspss(&flat.0, flat.1, 40.0, 0),
        mspss(&flat.0, flat.1, 40.0, 40),
        mspss(&brief_patient, brief.id, 20.0, 0),
    ] {
        s.add_assessment(&x, None, &a("assessment.create"))
            .await
            .unwrap();
    }
    let rules = ipt_app::ports::ChangeRules {
        better: 1.0,
        reliable_change: Some(10.0),
        caseness: Some((35.0, -1.0)),
    };
    let summary = s
        .change_summary("mspss", &rules, &a("analytics.read"))
        .await
        .unwrap();
    assert_eq!(
        summary,
        [ipt_app::ports::ChangeSummary {
            format: "individual".into(),
            courses: 3,
            mean_change: Some(3.33),
            improved: 1,
            reliably_improved: 1,
            reliably_deteriorated: 1,
            cases_at_start: 1,
            left_caseness: 1,
        }]
    );
    // Without a reliable-change index or caseness, nothing is counted as either.
    let plain = ipt_app::ports::ChangeRules {
        better: 1.0,
        reliable_change: None,
        caseness: None,
    };
    let summary = s
        .change_summary("mspss", &plain, &a("analytics.read"))
        .await
        .unwrap();
    assert_eq!(
        (
            summary[0].reliably_improved,
            summary[0].reliably_deteriorated,
            summary[0].cases_at_start
        ),
        (0, 0, 0)
    );
    // The brief course's second score counts it, in its own format.
    s.add_assessment(
        &mspss(&brief_patient, brief.id, 25.0, 30),
        None,
        &a("assessment.create"),
    )
    .await
    .unwrap();
    let summary = s
        .change_summary("mspss", &rules, &a("analytics.read"))
        .await
        .unwrap();
    let formats: Vec<(&str, u64)> = summary
        .iter()
        .map(|f| (f.format.as_str(), f.courses))
        .collect();
    assert_eq!(formats, [("brief", 1), ("individual", 3)]);
    assert_eq!(summary[0].mean_change, Some(5.0));
    assert!(
        s.change_summary("ucla3", &rules, &a("analytics.read"))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn course_for(
    s: &S,
    clinician: UserId,
    name: &str,
) -> (ipt_domain::patient::Patient, CourseId) {
    let p = patient(clinician, name);
    s.create_patient(&p, &a("patient.create")).await.unwrap();
    let c = course(&p);
    s.create_course(&c, &a("course.create")).await.unwrap();
    (p, c.id)
}

pub async fn bulk_load_writes_everything_or_nothing(s: S) {
    use ipt_app::ports::BulkLoad;
    let c = clinician(&s, "bulk").await;
    let p = patient(c, "Bulk Patient");
    let crs = course(&p);
    let mut batch = BulkLoad {
        patients: vec![p.clone()],
        courses: vec![crs.clone()],
        sessions: vec![session(crs.id, 1), session(crs.id, 2)],
        assessments: vec![scored(&p, crs.id, 18.0, 0), scored(&p, crs.id, 6.0, 30)],
        diary: vec![],
        alerts: vec![],
    };
    let first = batch.sessions[0].id;
    batch
        .alerts
        .push(ipt_domain::alert::RiskAlert::from_session_concern(
            first,
            p.id,
            crs.id,
            id(),
            NOW,
        ));
    // A duplicate session number anywhere in the batch: nothing is written.
    batch.sessions.push(session(crs.id, 2));
    assert!(matches!(
        s.bulk_load(&batch, &a("demo.scale")).await,
        Err(StoreError::Duplicate(_))
    ));
    assert!(s.patient(p.id, &a("patient.read")).await.unwrap().is_none());
    batch.sessions.pop();
    s.bulk_load(&batch, &a("demo.scale")).await.unwrap();
    assert_eq!(
        s.sessions(crs.id, &a("session.list")).await.unwrap().len(),
        2
    );
    let counts = s
        .outcome_counts("phq9", &RULES, &a("analytics.read"))
        .await
        .unwrap();
    assert_eq!((counts.courses, counts.responders), (1, 1));
    let alerts = s
        .alerts(
            &ipt_app::ports::AlertFilter {
                patient: Some(p.id),
                ..Default::default()
            },
            &a("risk_alert.list"),
        )
        .await
        .unwrap();
    assert_eq!(
        alerts, batch.alerts,
        "the batch's alerts are loaded with it"
    );
}

pub async fn caseload_records_are_one_clinicians_patients_with_their_records(s: S) {
    let (c, p, course) = setup(&s).await;
    let (second, second_course) = course_for(&s, c, "Another Patient").await;
    let other = clinician(&s, "other").await;
    let (stranger, stranger_course) = course_for(&s, other, "Not Mine").await;
    for n in [2, 1] {
        s.add_session(&session(course.id, n), None, None, &a("session.create"))
            .await
            .unwrap();
    }
    s.add_session(
        &session(stranger_course, 1),
        None,
        None,
        &a("session.create"),
    )
    .await
    .unwrap();
    s.add_assessment(
        &scored(&p, course.id, 12.0, 0),
        None,
        &a("assessment.create"),
    )
    .await
    .unwrap();
    s.add_assessment(
        &scored(&stranger, stranger_course, 20.0, 0),
        None,
        &a("assessment.create"),
    )
    .await
    .unwrap();
    let template = audit("caseload.read", c.as_uuid(), None, Some(c));
    let records = s.caseload_records(c, &template).await.unwrap();
    let names: Vec<&str> = records.iter().map(|r| r.patient.name.as_str()).collect();
    assert_eq!(names, vec!["Another Patient", "Giulia Verdi"]);
    let mine = &records[1];
    assert_eq!(mine.courses.len(), 1);
    assert_eq!(
        mine.sessions
            .iter()
            .map(|x| x.number.get())
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(mine.assessments.len(), 1);
    // What the caseload counts, dates and scores comes back; clinical content is not read.
    let full = s.sessions(course.id, &a("session.read")).await.unwrap();
    for (lean, whole) in mine.sessions.iter().zip(&full) {
        assert_eq!(
            (
                lean.id,
                lean.date,
                lean.attendance,
                lean.next_date,
                lean.version
            ),
            (
                whole.id,
                whole.date,
                whole.attendance,
                whole.next_date,
                whole.version
            )
        );
        assert!(lean.notes.is_empty() && lean.techniques.is_empty());
    }
    assert_eq!(
        mine.assessments[0].result.as_ref().unwrap().total,
        Some(12.0)
    );
    assert!(mine.assessments[0].answers.is_empty());
    assert_eq!(records[0].courses[0].id, second_course);
    assert!(records[0].sessions.is_empty() && records[0].assessments.is_empty());
    // One audit event per patient read, each naming its patient.
    let events = s
        .audit_events(&AuditFilter {
            actor: Some(c),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    for id in [p.id, second.id] {
        assert!(
            events
                .iter()
                .any(|e| e.action == "caseload.read" && e.patient == Some(id)),
            "the read of {id} is audited"
        );
    }
    assert!(
        !events
            .iter()
            .any(|e| e.patient == Some(stranger.id) && e.action == "caseload.read")
    );
    let fresh = audit("caseload.read", c.as_uuid(), None, Some(c));
    assert!(s.caseload_records(id(), &fresh).await.unwrap().is_empty());
}

/// Reads' audit events and questionnaire submissions are committed in groups (see
/// `ipt_store_common::group_commit`): many at once all land, each read's event is stored before
/// the read answers, and a submission that fails is undone alone.
pub async fn concurrent_submissions_commit_together_and_fail_alone(s: S) {
    let (c, p, course) = setup(&s).await;
    let first = assessment(&p, course.id, AssessmentStatus::Final);
    let created = |x: &ipt_domain::assessment::Assessment| {
        audit("assessment.create", x.id.as_uuid(), Some(p.id), Some(c))
    };
    s.add_assessment(&first, None, &created(&first))
        .await
        .unwrap();
    let mut submissions = vec![];
    for i in 0..20 {
        let s = s.clone();
        // The eighth repeats the id of one already stored.
        let x = if i == 7 {
            first.clone()
        } else {
            assessment(&p, course.id, AssessmentStatus::Final)
        };
        let event = created(&x);
        submissions.push(tokio::spawn(async move {
            (i, event.id, s.add_assessment(&x, None, &event).await)
        }));
    }
    let mut reads = vec![];
    for _ in 0..20 {
        let s = s.clone();
        let event = audit("patient.read", p.id.as_uuid(), Some(p.id), Some(c));
        reads.push(tokio::spawn(async move {
            let found = s.patient(p.id, &event).await.unwrap();
            assert!(found.is_some());
            // Answered only once its audit event is stored.
            assert!(events_of(&s, p.id).await.iter().any(|e| e.id == event.id));
            event.id
        }));
    }
    let mut refused_event = None;
    for t in submissions {
        let (i, event, r) = t.await.unwrap();
        if i == 7 {
            assert!(matches!(r, Err(StoreError::Duplicate(_))), "{r:?}");
            refused_event = Some(event);
        } else {
            r.unwrap();
        }
    }
    let read_events: Vec<_> = futures_join(reads).await;
    // A wave with no failing item is written at once, rows and audit rows in few statements.
    let mut wave = vec![];
    for _ in 0..10 {
        let s = s.clone();
        let x = assessment(&p, course.id, AssessmentStatus::Final);
        let event = created(&x);
        wave.push(tokio::spawn(async move {
            s.add_assessment(&x, None, &event).await
        }));
    }
    for r in futures_join(wave).await {
        r.unwrap();
    }
    let list = s
        .assessments_of_course(course.id, &a("assessment.read"))
        .await
        .unwrap();
    assert_eq!(list.len(), 30, "the first, 19 of 20, then 10 of 10");
    let events = events_of(&s, p.id).await;
    for id in &read_events {
        assert!(events.iter().any(|e| e.id == *id));
    }
    assert!(
        !events.iter().any(|e| Some(e.id) == refused_event),
        "a refused submission leaves no audit event"
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "assessment.create")
            .count(),
        30
    );
}

async fn events_of(s: &S, patient: PatientId) -> Vec<ipt_app::ports::AuditEvent> {
    s.audit_events(&AuditFilter {
        patient: Some(patient),
        limit: 1000,
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn futures_join<T: Send + 'static>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = vec![];
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Each alert filter reads only what it names (one statement per filter, each on its own
/// index, #15), open ones only when asked, newest first.
pub async fn each_alert_filter_reads_only_the_alerts_it_names(s: S) {
    use ipt_app::ports::AlertFilter;
    use ipt_domain::alert::RiskAlert;
    let (c, p, course) = setup(&s).await;
    let other = clinician(&s, "other").await;
    let (stranger, stranger_course) = course_for(&s, other, "Not Mine").await;
    let mine = assessment(&p, course.id, AssessmentStatus::Final);
    let mine_alert = RiskAlert::from_assessment(&mine, id(), NOW).unwrap();
    s.add_assessment(&mine, Some(&mine_alert), &a("assessment.create"))
        .await
        .unwrap();
    let theirs = assessment(&stranger, stranger_course, AssessmentStatus::Final);
    let mut their_alert = RiskAlert::from_assessment(&theirs, id(), NOW).unwrap();
    s.add_assessment(&theirs, Some(&their_alert), &a("assessment.create"))
        .await
        .unwrap();
    their_alert
        .acknowledge(other, "Called the same day; safety plan agreed.", NOW)
        .unwrap();
    s.acknowledge_alert(&their_alert, &a("risk_alert.acknowledge"))
        .await
        .unwrap();
    let list = |patient: Option<PatientId>, clinician: Option<UserId>, open_only: bool| {
        let s = s.clone();
        async move {
            s.alerts(
                &AlertFilter {
                    patient,
                    clinician,
                    open_only,
                },
                &a("risk_alert.list"),
            )
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.id)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(Some(p.id), None, false).await, vec![mine_alert.id]);
    assert_eq!(list(None, Some(c), false).await, vec![mine_alert.id]);
    assert_eq!(list(Some(p.id), Some(c), true).await, vec![mine_alert.id]);
    assert!(list(Some(p.id), Some(other), false).await.is_empty());
    assert_eq!(list(None, Some(other), false).await, vec![their_alert.id]);
    assert!(list(None, Some(other), true).await.is_empty());
    assert!(list(Some(stranger.id), None, true).await.is_empty());
    let mut all = list(None, None, false).await;
    all.sort();
    let mut both = vec![mine_alert.id, their_alert.id];
    both.sort();
    assert_eq!(all, both);
    assert_eq!(list(None, None, true).await, vec![mine_alert.id]);
}

/// After a load the planner's statistics can be refreshed on both databases, and what the
/// operator should hear at start names the setting to change.
pub async fn statistics_refresh_and_operator_warnings(s: S) {
    let _ = setup(&s).await;
    s.refresh_statistics().await.unwrap();
    let warnings = s.operator_warnings().await.unwrap();
    match s.backend() {
        "postgres" => {
            for w in &warnings {
                assert!(
                    w.contains("autovacuum") && w.contains("operator guide"),
                    "{w}"
                );
            }
        }
        _ => assert!(warnings.is_empty(), "{warnings:?}"),
    }
}

/// Another course's record, sent under one's own course, answers `NotFound` like a missing
/// one: never `Conflict` with its version, which would tell that it exists (#16). Nothing of
/// it changes.
pub async fn another_courses_records_are_not_found_under_ones_own(s: S) {
    let (c, _, mine) = setup(&s).await;
    let (_, theirs) = course_for(&s, c, "Somebody Else").await;
    let friend = person("Luca", 2);
    s.add_person(theirs, &friend, &a("inventory_person.create"))
        .await
        .unwrap();
    let e = event("2025-11", EventKind::Conflict, Some(friend.id));
    s.add_event(theirs, &e, &a("timeline_event.create"))
        .await
        .unwrap();
    let ep = episode("2025-10", true);
    s.add_episode(theirs, &ep, &a("mood_episode.create"))
        .await
        .unwrap();
    let g = goal(AreaKind::RoleDispute);
    s.add_goal(theirs, &g, &a("goal.create")).await.unwrap();
    // Sent with the right version and with a wrong one: both are "not found".
    for version in [1, 7] {
        let not_found = |r: Result<i64, StoreError>| {
            assert!(
                matches!(r, Err(StoreError::NotFound { .. })),
                "version {version}: {r:?}"
            )
        };
        let mut p = friend.clone();
        p.version = version;
        not_found(s.update_person(mine.id, &p, &a("x")).await);
        let mut ev = e.clone();
        ev.version = version;
        not_found(s.update_event(mine.id, &ev, &a("x")).await);
        let mut epi = ep.clone();
        epi.version = version;
        not_found(s.update_episode(mine.id, &epi, &a("x")).await);
        let mut go = g.clone();
        go.version = version;
        not_found(s.update_goal(mine.id, &go, &a("x")).await);
        let gone = |r: Result<(), StoreError>| {
            assert!(
                matches!(r, Err(StoreError::NotFound { .. })),
                "version {version}: {r:?}"
            )
        };
        gone(s.delete_person(mine.id, friend.id, version, &a("x")).await);
        gone(s.delete_event(mine.id, e.id, version, &a("x")).await);
    }
    let t = s.timeline(theirs, &a("timeline.read")).await.unwrap();
    assert_eq!(
        t.events[0].person,
        Some(friend.id),
        "their event keeps its person"
    );
    assert_eq!(
        s.inventory(theirs, &a("inventory.read")).await.unwrap(),
        vec![friend]
    );
}

/// The sign-in throttle's counts: each attempt counted once, atomically even when twenty
/// arrive together; a window ends and starts again; a right secret takes its attempt back
/// from one key and forgets another (#16).
pub async fn attempts_at_secrets_are_counted_atomically_per_window(s: S) {
    use ipt_app::ports::AttemptCount;
    let keys = |k: &[&str]| k.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    let (now, window) = (1_000_000, 900);
    assert_eq!(
        s.attempts(&keys(&["a"]), now, window).await.unwrap(),
        vec![AttemptCount {
            attempts: 0,
            window_start: now
        }]
    );
    for n in 1..=3 {
        let got = s
            .count_attempts(&keys(&["a", "b"]), now + n, window)
            .await
            .unwrap();
        assert_eq!(got[0].attempts, n);
        assert_eq!(
            got[0].window_start,
            now + 1,
            "the window starts at the first"
        );
    }
    // Twenty at once: every count from 4 to 23 is answered exactly once.
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let s = s.clone();
            let k = keys(&["a"]);
            tokio::spawn(async move { s.count_attempts(&k, now + 10, window).await.unwrap() })
        })
        .collect();
    let mut seen: Vec<i64> = futures_join(tasks)
        .await
        .into_iter()
        .map(|c| c[0].attempts)
        .collect();
    seen.sort();
    assert_eq!(seen, (4..=23).collect::<Vec<_>>());
    // A right secret: one attempt back from "a", "b" forgotten.
    s.settle_attempts(&keys(&["a"]), &keys(&["b"]))
        .await
        .unwrap();
    let read = s
        .attempts(&keys(&["a", "b"]), now + 20, window)
        .await
        .unwrap();
    assert_eq!(read[0].attempts, 22);
    assert_eq!(read[1].attempts, 0);
    // After the window, counting starts again, and the ended window is gone.
    let later = now + 1 + window;
    let fresh = s
        .count_attempts(&keys(&["a"]), later, window)
        .await
        .unwrap();
    assert_eq!(
        fresh,
        vec![AttemptCount {
            attempts: 1,
            window_start: later
        }]
    );
}

/// The census a backup records (#16): the last migration applied, and every table's rows. It
/// succeeds on a fully migrated database only if `census::TABLES` names every table the
/// migrations make, so a table a later migration adds cannot be left out of a backup unnoticed.
pub async fn the_census_counts_every_table_and_names_the_last_migration(s: S) {
    let empty = s.census().await.unwrap();
    let last = ipt_store_sqlite::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap();
    assert_eq!(empty.last_migration, Some(last));
    assert!(!empty.has_rows(), "{:?}", empty.tables);
    for table in [
        "users",
        "patients",
        "courses",
        "assessments",
        "audit_events",
    ] {
        assert_eq!(
            empty.tables.get(table),
            Some(&0),
            "{table}: {:?}",
            empty.tables
        );
    }
    let (_, _, _) = setup(&s).await;
    let after = s.census().await.unwrap();
    assert!(after.has_rows());
    assert_eq!(after.tables["users"], 1);
    assert_eq!(after.tables["patients"], 1);
    assert_eq!(after.tables["courses"], 1);
    assert_eq!(after.tables["audit_events"], 3, "one audit row per write");
    assert_eq!(after.tables.len(), empty.tables.len());
}

/// A course's assessments and sessions read a page at a time (#15): the pages, walked with
/// the last row's sort key, give every row once in the list's order, ties in time broken by
/// id.
pub async fn assessments_and_sessions_are_read_a_page_at_a_time(s: S) {
    let (_, p, course) = setup(&s).await;
    let mut all = Vec::new();
    for i in 0..7i64 {
        let mut x = assessment(&p, course.id, AssessmentStatus::Final);
        // Two pairs administered at the same instant.
        x.administered_at = NOW - time::Duration::days(10 - i / 2 * 2);
        s.add_assessment(&x, None, &a("assessment.create"))
            .await
            .unwrap();
        all.push(x);
    }
    let whole = s
        .assessments_of_course(course.id, &a("assessment.list"))
        .await
        .unwrap();
    assert_eq!(whole.len(), 7);
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .assessments_page(course.id, after, 3, &a("assessment.list"))
            .await
            .unwrap();
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        after = Some((last.administered_at, last.id));
        walked.extend(page);
    }
    assert_eq!(walked, whole, "every assessment once, by time then id");

    for n in [3u16, 1, 2, 5, 4] {
        s.add_session(&session(course.id, n), None, None, &a("session.create"))
            .await
            .unwrap();
    }
    let first = s
        .sessions_page(course.id, None, 2, &a("session.list"))
        .await
        .unwrap();
    let numbers = |v: &[ipt_domain::session::TherapySession]| {
        v.iter().map(|x| x.number.get()).collect::<Vec<_>>()
    };
    assert_eq!(numbers(&first), [1, 2]);
    let rest = s
        .sessions_page(course.id, Some(2), 10, &a("session.list"))
        .await
        .unwrap();
    assert_eq!(numbers(&rest), [3, 4, 5]);
    assert_eq!(rest[0].notes, "engaged", "whole sessions, opened");
}

/// A patient's courses and a course's comments read a page at a time, ties (the same start
/// date, the same instant) broken by id.
pub async fn courses_and_comments_are_read_a_page_at_a_time(s: S) {
    use ipt_domain::supervision::SupervisorComment;
    let (c, p, first) = setup(&s).await;
    for days in [0i64, 0, 30] {
        let mut more = course(&p);
        more.started_on = first.started_on + time::Duration::days(days);
        s.create_course(&more, &a("course.create")).await.unwrap();
    }
    let whole = s.courses_of_patient(p.id, &a("course.list")).await.unwrap();
    assert_eq!(whole.len(), 4);
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .courses_page(p.id, after, 2, &a("course.list"))
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.started_on, last.id));
        walked.extend(page);
    }
    assert_eq!(walked, whole, "every course once, by start date then id");

    for i in 0..5i64 {
        let comment = SupervisorComment::new(
            id(),
            first.id,
            None,
            c,
            &format!("Comment {i}"),
            NOW + time::Duration::minutes(i / 2),
        )
        .unwrap();
        s.add_comment(&comment, &a("comment.create")).await.unwrap();
    }
    let page = s
        .comments_page(first.id, None, 3, &a("comment.list"))
        .await
        .unwrap();
    let last = page.last().unwrap();
    let rest = s
        .comments_page(
            first.id,
            Some((last.written_at, last.id)),
            3,
            &a("comment.list"),
        )
        .await
        .unwrap();
    let texts: Vec<String> = page.iter().chain(&rest).map(|c| c.text.clone()).collect();
    assert_eq!(
        texts,
        [
            "Comment 0",
            "Comment 1",
            "Comment 2",
            "Comment 3",
            "Comment 4"
        ]
    );
}

/// The open alerts of one clinician's patients, a page at a time, oldest first: acknowledged
/// ones and other clinicians' patients' are never read.
pub async fn open_alerts_are_read_a_page_at_a_time_per_clinician(s: S) {
    use ipt_domain::alert::RiskAlert;
    let (c, p, mine) = setup(&s).await;
    let mut raised = Vec::new();
    for minutes in [0i64, 0, 5] {
        let al = RiskAlert::from_session_concern(
            id(),
            p.id,
            mine.id,
            id(),
            NOW + time::Duration::minutes(minutes),
        );
        s.add_alert(&al, &a("risk_alert.create")).await.unwrap();
        raised.push(al);
    }
    let mut acked = raised[1].clone();
    acked.acknowledge(c, "Called; safe.", NOW).unwrap();
    s.acknowledge_alert(&acked, &a("risk_alert.acknowledge"))
        .await
        .unwrap();
    let other = clinician(&s, "other").await;
    let theirs = patient(other, "Olga Other");
    s.create_patient(&theirs, &a("patient.create"))
        .await
        .unwrap();
    let their_course = course(&theirs);
    s.create_course(&their_course, &a("course.create"))
        .await
        .unwrap();
    let al = RiskAlert::from_session_concern(id(), theirs.id, their_course.id, id(), NOW);
    s.add_alert(&al, &a("risk_alert.create")).await.unwrap();

    let first = s
        .open_alerts_page(c, None, 1, &a("risk_alert.list"))
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|x| x.id).collect::<Vec<_>>(),
        [raised[0].id]
    );
    let rest = s
        .open_alerts_page(
            c,
            Some((first[0].raised_at, first[0].id)),
            10,
            &a("risk_alert.list"),
        )
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|x| x.id).collect::<Vec<_>>(),
        [raised[2].id],
        "the acknowledged one and the other clinician's are not read"
    );
}

/// A clinician's patients a page at a time, by name compared byte by byte on both databases
/// (PostgreSQL's own collation would put "anna" beside "Anna"), then id.
pub async fn patients_are_read_a_page_at_a_time_in_the_same_order_on_both_databases(s: S) {
    let c = clinician(&s, "clin").await;
    for name in [
        "Émile Durand",
        "anna Rossi",
        "Zoe Park",
        "Anna Rossi",
        "Bob Stone",
    ] {
        let p = patient(c, name);
        s.create_patient(&p, &a("patient.create")).await.unwrap();
    }
    let mut names = Vec::new();
    let mut after = None;
    loop {
        let page = s
            .patients_page(c, after.clone(), 2, &a("patient.list"))
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some((last.name.as_str().to_string(), last.id));
        names.extend(page.iter().map(|p| p.name.as_str().to_string()));
    }
    assert_eq!(
        names,
        [
            "Anna Rossi",
            "Bob Stone",
            "Zoe Park",
            "anna Rossi",
            "Émile Durand"
        ]
    );
}
