//! The mood diary, "My plan", "My progress" and the learning pages of the patient portal, and the
//! clinician's view of the diary, through the real router on a fresh database.

use axum::http::StatusCode;
use ipt_app::ports::{AuditEvent, UserRecord};
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::{Course, Formulation, Goal, GoalStatus};
use ipt_domain::diary::DiaryEntry;
use ipt_domain::inventory::{
    Alias, ClosenessRing, ConflictLevel, InventoryNotes, InventoryPerson, Reciprocity,
    RelationshipKind,
};
use ipt_domain::patient::{Language, Patient};
use ipt_domain::portal::PortalSession;
use ipt_domain::problem_area::{AreaKind, FocusAreas, ProblemArea};
use ipt_domain::protocol::{Format, Modality, Phase};
use ipt_domain::session::{Attendance, RiskReview, SessionNumber, SessionPhase, TherapySession};
use time::{Date, Duration};

use crate::support::*;

const SYSTEM: Actor = Actor::System;

fn iso(d: Date) -> String {
    d.to_string()
}

/// A live portal session for `patient`, as the sign-in would make it; returns the Cookie header.
pub(crate) async fn portal_session(t: &TestApp, patient: &Patient) -> String {
    let token = ipt_web::auth::new_token();
    let now = t.app.now();
    let session = PortalSession {
        token_hash: ipt_web::auth::hash_token(&token),
        patient: patient.id,
        created_at: now,
        last_seen_at: now,
        expires_at: now + Duration::hours(1),
        kiosk_by: None,
    };
    let audit = AuditEvent {
        id: ipt_app::new_id(),
        at: now,
        actor: None,
        action: "portal.session.create".into(),
        entity: "patient".into(),
        entity_id: patient.id.as_uuid(),
        patient: Some(patient.id),
    };
    t.db.store
        .create_portal_session(&session, &audit)
        .await
        .unwrap();
    format!("ipt_portal={token}")
}

async fn person(t: &TestApp, course: &Course, alias: &str, deceased: bool) -> InventoryPerson {
    t.app
        .add_person(
            &SYSTEM,
            course.id,
            InventoryPerson {
                id: ipt_app::new_id(),
                alias: Alias::parse(alias).unwrap(),
                relationship: RelationshipKind::Friend,
                ring: ClosenessRing::Middle,
                contact_frequency: String::new(),
                confidant: false,
                practical_support: false,
                conflict: ConflictLevel::None,
                reciprocity: Reciprocity::Unknown,
                deceased,
                area_tags: vec![],
                self_expression: None,
                notes: InventoryNotes::default(),
                version: 0,
            },
        )
        .await
        .unwrap()
}

struct Setup {
    clinician: UserRecord,
    patient: Patient,
    course: Course,
    sam: InventoryPerson,
    ada: InventoryPerson,
    cookie: String,
}

async fn setup(t: &TestApp, language: Language) -> Setup {
    let clinician = t.user("anna", Role::Clinician).await;
    let patient = t
        .app
        .register_patient(&SYSTEM, "Lia Diary", None, language, clinician.id)
        .await
        .unwrap();
    let course = t.started_course(&patient, Format::Individual, 30).await;
    let sam = person(t, &course, "Sam", false).await;
    let ada = person(t, &course, "Ada", false).await;
    person(t, &course, "Grandpa Leo", true).await;
    let cookie = portal_session(t, &patient).await;
    Setup {
        clinician,
        patient,
        course,
        sam,
        ada,
        cookie,
    }
}

async fn entries(t: &TestApp, course: &Course) -> Vec<DiaryEntry> {
    t.app
        .course_diary(&SYSTEM, course.id)
        .await
        .unwrap()
        .1
        .entries
}

/// Post a day the way the form does: the people list as shown, ticked where `with` says.
// Each argument is one field of the form; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
async fn post_day(
    t: &TestApp,
    s: &Setup,
    day: Date,
    mood: &str,
    with: &[(&InventoryPerson, &str)],
    added: &[(&str, &str)],
    note: &str,
    version: &str,
) -> Reply {
    let mut form: Vec<(String, String)> = vec![
        ("mood".into(), mood.into()),
        ("version".into(), version.into()),
        ("note".into(), note.into()),
    ];
    for (i, p) in [&s.sam, &s.ada].iter().enumerate() {
        form.push((format!("alias-{i}"), p.alias.as_str().into()));
        form.push((format!("person-{i}"), p.id.to_string()));
        let hit = with.iter().find(|(w, _)| w.id == p.id);
        form.push((
            format!("quality-{i}"),
            hit.map(|h| h.1).unwrap_or("0").into(),
        ));
        if hit.is_some() {
            form.push((format!("with-{i}"), "on".into()));
        }
    }
    for (k, (alias, q)) in added.iter().enumerate() {
        form.push((format!("new-alias-{k}"), alias.to_string()));
        form.push((format!("new-quality-{k}"), q.to_string()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    t.post(
        &format!("/portal/diary/{}", iso(day)),
        Some(&s.cookie),
        &pairs,
    )
    .await
}

#[tokio::test]
async fn entries_are_saved_listed_charted_and_summarised() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let today = t.app.today();

        let page = t.get("/portal/diary", Some(&s.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Mood diary"), "{text}");
        assert!(text.contains("Sam") && text.contains("Ada"), "{text}");
        assert!(
            !text.contains("Grandpa Leo"),
            "people who have died are not offered: {text}"
        );
        assert!(text.contains("No days written yet."), "{text}");

        let d3 = today - Duration::days(3);
        let d2 = today - Duration::days(2);
        let d1 = today - Duration::days(1);
        let r = post_day(&t, &s, d3, "3", &[(&s.sam, "-1")], &[], "", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/portal/diary?saved={}", iso(d3)).as_str())
        );
        post_day(&t, &s, d2, "7", &[(&s.ada, "2")], &[], "", "").await;
        // A name typed in that matches the list is linked to that person.
        post_day(
            &t,
            &s,
            d1,
            "5",
            &[(&s.ada, "1")],
            &[("sam", "1"), ("Zoe", "0")],
            "Walk in the park",
            "",
        )
        .await;
        let r = post_day(&t, &s, today, "8", &[], &[], "", "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

        let saved = entries(&t, &s.course).await;
        assert_eq!(saved.len(), 4);
        let day1 = saved.iter().find(|e| e.date == d1).unwrap();
        let sam = day1.interactions.iter().find(|i| i.alias == "Sam").unwrap();
        assert_eq!(
            sam.person,
            Some(s.sam.id),
            "typed 'sam' is the inventory's Sam"
        );
        let zoe = day1.interactions.iter().find(|i| i.alias == "Zoe").unwrap();
        assert_eq!(zoe.person, None);
        assert_eq!(day1.note, "Walk in the park");
        assert!(saved.iter().all(|e| e.patient == s.patient.id));

        let page = t
            .get(
                &format!("/portal/diary?saved={}", iso(today)),
                Some(&s.cookie),
            )
            .await;
        let text = page.text();
        let saved_notice = format!("Your entry for {} is saved.", en_date(today));
        assert!(text.contains(&saved_notice), "{text}");
        // The history, newest first.
        let history = text.split("Your diary so far").nth(1).unwrap();
        let p1 = history.find(&en_date(d1)).unwrap();
        let p3 = history.find(&en_date(d3)).unwrap();
        assert!(p1 < p3, "newest first: {history}");
        assert!(history.contains("Mood 5 out of 10"), "{history}");
        assert!(history.contains("Sam (went well)"), "{history}");
        assert!(history.contains("Walk in the park"), "{history}");
        // Someone added by name is offered on the next days.
        assert!(page.body.contains("value=\"Zoe\""), "{}", page.body);
        // The chart, its text alternative and its table.
        assert!(page.body.contains("class=\"chart diary-mood\""));
        assert!(
            text.contains(&format!(
                "Mood on 4 days between {} and {}: lowest 3, highest 8, average 5.8.",
                en_date(d3),
                en_date(today)
            )),
            "{text}"
        );
        assert!(text.contains("Show the chart as a table"), "{text}");
        // People and mood: Sam on days 3 and 1 (moods 3 and 5), without on days 2 and 0 (7, 8).
        assert!(
            text.contains(
                "On the 2 days you saw Sam, your mood averaged 4; on the 2 days without, 7.5."
            ),
            "{text}"
        );
        assert!(
            text.contains("On the 2 days you saw Ada, your mood averaged 6;"),
            "{text}"
        );
        assert!(
            text.contains(
                "On the one day you saw Zoe, your mood averaged 5; on the 3 days without, 6."
            ),
            "{text}"
        );
        assert!(
            text.contains("Too few days to read anything into yet."),
            "{text}"
        );
        assert!(
            text.contains("This shows a pattern in your diary, not a cause."),
            "{text}"
        );

        // An earlier day opens with what was saved.
        let page = t
            .get(&format!("/portal/diary/{}", iso(d1)), Some(&s.cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("You are changing an earlier day."));
        assert!(page.body.contains("value=\"5\" checked"), "{}", page.body);
        assert!(page.body.contains("Walk in the park"));
        // Reads and writes are audited as the patient's, with ids only.
        let audit =
            t.db.store
                .audit_events(&ipt_app::ports::AuditFilter {
                    patient: Some(s.patient.id),
                    actor: None,
                    limit: 500,
                })
                .await
                .unwrap();
        assert!(audit.iter().any(|a| a.action == "portal.diary.create"));
        assert!(audit.iter().any(|a| a.action == "portal.diary.read"));
    }
}

/// A date as the English pages write it.
fn en_date(d: Date) -> String {
    ipt_web::i18n::Tr::new(ipt_web::i18n::Lang::En).date(d)
}

#[tokio::test]
async fn a_future_day_and_a_bad_mood_are_refused_in_the_patients_language() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::It).await;
        let later = t.app.today() + Duration::days(3);
        let r = post_day(&t, &s, later, "5", &[(&s.sam, "1")], &[], "Una nota", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = r.text();
        let it = ipt_web::i18n::Tr::new(ipt_web::i18n::Lang::It);
        assert!(
            text.contains(&format!(
                "Il {} non è ancora arrivato. Puoi scrivere di oggi o di un giorno passato.",
                it.date(later)
            )),
            "{text}"
        );
        assert!(!text.contains("has not come yet"), "{text}");
        assert!(text.contains("Una nota"), "what was typed is kept: {text}");
        assert!(entries(&t, &s.course).await.is_empty());

        let r = post_day(&t, &s, t.app.today(), "", &[], &[], "", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("Scegli un umore da 0 a 10."),
            "{}",
            r.text()
        );
        let r = post_day(&t, &s, t.app.today(), "12", &[], &[], "", "").await;
        assert!(
            r.text()
                .contains("L'umore deve essere un numero da 0 a 10."),
            "{}",
            r.text()
        );
        let r = post_day(&t, &s, t.app.today(), "4", &[(&s.sam, "3")], &[], "", "").await;
        assert!(
            r.text().contains("Scegli come è andata, da −2 a +2."),
            "{}",
            r.text()
        );
        let r = post_day(
            &t,
            &s,
            t.app.today(),
            "4",
            &[(&s.sam, "1")],
            &[("Sam", "1")],
            "",
            "",
        )
        .await;
        assert!(
            r.text()
                .contains("Sam compare due volte. Lasciane una sola."),
            "{}",
            r.text()
        );
        assert!(entries(&t, &s.course).await.is_empty(), "nothing was saved");

        // The page itself is in Italian, with the day picker.
        let page = t.get("/portal/diary", Some(&s.cookie)).await;
        assert!(
            page.text()
                .contains("Com'era il tuo umore in questo giorno?")
        );
        let r = t.get("/portal/diary?day=yesterday", Some(&s.cookie)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Non riusciamo a leggere questa data."));
        let r = t
            .get(
                &format!("/portal/diary?day={}", iso(later)),
                Some(&s.cookie),
            )
            .await;
        assert_eq!(
            r.location.as_deref(),
            Some(format!("/portal/diary/{}", iso(later)).as_str())
        );
    }
}

#[tokio::test]
async fn a_stale_version_is_refused_and_nothing_is_lost() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let day = t.app.today() - Duration::days(1);
        post_day(&t, &s, day, "4", &[], &[], "first", "").await;
        let r = post_day(&t, &s, day, "6", &[], &[], "second", "1").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

        // Another window still holds version 1.
        let r = post_day(
            &t,
            &s,
            day,
            "2",
            &[(&s.ada, "-2")],
            &[],
            "my own words",
            "1",
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let text = r.text();
        assert!(
            text.contains("This day was saved from another window or device after you opened it."),
            "{text}"
        );
        assert!(text.contains("Saved now: mood 6 out of 10"), "{text}");
        assert!(r.body.contains(">my own words</textarea>"), "{}", r.body);
        assert!(
            r.body.contains("name=\"version\" value=\"2\""),
            "{}",
            r.body
        );
        let saved = entries(&t, &s.course).await;
        assert_eq!((saved[0].mood.get(), saved[0].version), (6, 2));
        assert_eq!(saved[0].note, "second");

        // A second window that thought the day was empty is refused too.
        let r = post_day(&t, &s, day, "3", &[], &[], "", "").await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        // Saving again with the version shown keeps the patient's words, knowingly.
        let r = post_day(
            &t,
            &s,
            day,
            "2",
            &[(&s.ada, "-2")],
            &[],
            "my own words",
            "2",
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let saved = entries(&t, &s.course).await;
        assert_eq!((saved[0].mood.get(), saved[0].version), (2, 3));
        assert_eq!(saved[0].note, "my own words");
    }
}

#[tokio::test]
async fn another_patients_records_answer_not_found() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let day = t.app.today();
        post_day(&t, &s, day, "4", &[(&s.sam, "1")], &[], "private words", "").await;
        let goal = t
            .app
            .add_goal(
                &SYSTEM,
                s.course.id,
                Goal {
                    id: ipt_app::new_id(),
                    area: AreaKind::Grief,
                    description: "Visit the grave with my sister".into(),
                    progress: Some(2),
                    status: GoalStatus::Open,
                    version: 0,
                },
            )
            .await
            .unwrap();

        let other = t
            .app
            .register_patient(&SYSTEM, "Otto Other", None, Language::En, s.clinician.id)
            .await
            .unwrap();
        let other_course = t.course(&other, Format::Individual).await;
        let other_cookie = portal_session(&t, &other).await;

        // The same date is the other patient's own, empty day.
        let page = t
            .get(&format!("/portal/diary/{}", iso(day)), Some(&other_cookie))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("private words"));
        assert!(!page.text().contains("Sam"), "{}", page.text());
        // Someone else's inventory person is not found, and nothing is written.
        let sam = s.sam.id.to_string();
        let r = t
            .post(
                &format!("/portal/diary/{}", iso(day)),
                Some(&other_cookie),
                &[
                    ("mood", "5"),
                    ("version", ""),
                    ("alias-0", "Sam"),
                    ("person-0", &sam),
                    ("with-0", "on"),
                    ("quality-0", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(entries(&t, &other_course).await.is_empty());
        // Someone else's goal is not found, and not changed.
        let r = t
            .post(
                &format!("/portal/plan/goals/{}", goal.id),
                Some(&other_cookie),
                &[("progress", "9"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let goals = t.db.store.goals(s.course.id, &audit_for(&s)).await.unwrap();
        assert_eq!(goals[0].progress, Some(2));
        // Addresses that are not days are not found; without a session, the sign-in.
        for path in ["/portal/diary/not-a-day", "/portal/diary/2026-02-30"] {
            let r = t.get(path, Some(&other_cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        }
        let r = t.get("/portal/diary", None).await;
        assert_eq!(r.location.as_deref(), Some("/portal/sign-in"));
    }
}

fn audit_for(s: &Setup) -> AuditEvent {
    AuditEvent {
        id: ipt_app::new_id(),
        at: time::OffsetDateTime::now_utc(),
        actor: None,
        action: "test.read".into(),
        entity: "course".into(),
        entity_id: s.course.id.as_uuid(),
        patient: Some(s.patient.id),
    }
}

#[tokio::test]
async fn the_clinician_sees_the_same_diary_and_another_clinician_does_not() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let today = t.app.today();
        for (n, mood, with) in [
            (5, "6", false),
            (4, "3", true),
            (3, "7", false),
            (2, "4", true),
            (1, "8", false),
        ] {
            let people: Vec<(&InventoryPerson, &str)> =
                if with { vec![(&s.sam, "-1")] } else { vec![] };
            post_day(
                &t,
                &s,
                today - Duration::days(n),
                mood,
                &people,
                &[],
                "",
                "",
            )
            .await;
        }
        post_day(
            &t,
            &s,
            today,
            "5",
            &[(&s.sam, "0")],
            &[],
            "Talked with Sam",
            "",
        )
        .await;

        let anna = t.sign_in("anna").await;
        let page = t
            .get(&format!("/courses/{}/diary", s.course.id), Some(&anna))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(text.contains("Talked with Sam"), "{text}");
        assert!(page.body.contains("class=\"chart diary-mood\""));
        assert!(
            text.contains(
                "On the 3 days with Sam, the patient's mood averaged 4; on the 3 days without, 7."
            ),
            "{text}"
        );
        assert!(
            !text.contains("Too few days"),
            "three days each side are enough: {text}"
        );
        assert!(
            text.contains("A pattern in the patient's entries, not a cause"),
            "{text}"
        );
        assert!(
            !text.contains("Change this day"),
            "the clinician reads, the patient writes"
        );
        // The course workspace links to it.
        let course = t
            .get(&format!("/courses/{}", s.course.id), Some(&anna))
            .await;
        assert!(
            course
                .body
                .contains(&format!("href=\"/courses/{}/diary\"", s.course.id)),
            "{}",
            course.body
        );

        // Anna's supervisor reads it too; an administrator does not see clinical records.
        let sara = t.user("sara", Role::Supervisor).await;
        t.supervise(&s.clinician, &sara).await;
        let sara = t.sign_in("sara").await;
        let page = t
            .get(&format!("/courses/{}/diary", s.course.id), Some(&sara))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("Talked with Sam"));
        t.user("root", Role::Admin).await;
        let root = t.sign_in("root").await;
        let page = t
            .get(&format!("/courses/{}/diary", s.course.id), Some(&root))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);

        t.user("bruno", Role::Clinician).await;
        let bruno = t.sign_in("bruno").await;
        let page = t
            .get(&format!("/courses/{}/diary", s.course.id), Some(&bruno))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.body.contains("Talked with Sam"));
        let page = t.get("/courses/not-an-id/diary", Some(&anna)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        // A patient's portal session is not a clinician's sign-in.
        let page = t
            .get(&format!("/courses/{}/diary", s.course.id), Some(&s.cookie))
            .await;
        assert_ne!(page.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_plan_shows_the_patients_wording_and_their_goal_ratings_reach_the_clinician() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let today = t.app.today();

        // Before anything is agreed, the plan says what will come.
        let page = t.get("/portal/plan", Some(&s.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(
            text.contains("You and your therapist will put this into words together"),
            "{text}"
        );

        let c = t
            .app
            .set_formulation(
                &SYSTEM,
                s.course.id,
                s.course.version,
                Formulation::new("Clinician's text about the role dispute.", Some(today))
                    .unwrap()
                    .with_patient_wording(
                        "Since I moved away from my sister, things have felt heavy.",
                    )
                    .unwrap(),
            )
            .await
            .unwrap();
        t.app
            .choose_focus(
                &SYSTEM,
                c.id,
                c.version,
                FocusAreas::new(vec![ProblemArea::RoleTransition]).unwrap(),
            )
            .await
            .unwrap();
        let goal = t
            .app
            .add_goal(
                &SYSTEM,
                s.course.id,
                Goal {
                    id: ipt_app::new_id(),
                    area: AreaKind::RoleTransition,
                    description: "Call my sister every Sunday".into(),
                    progress: None,
                    status: GoalStatus::Open,
                    version: 0,
                },
            )
            .await
            .unwrap();
        t.app
            .record_session(
                &SYSTEM,
                TherapySession {
                    id: ipt_app::new_id(),
                    course: s.course.id,
                    number: SessionNumber::new(1).unwrap(),
                    date: today - Duration::days(2),
                    phase: SessionPhase {
                        phase: Phase::Initial,
                        override_reason: None,
                    },
                    modality: Modality::InPerson,
                    attendance: Attendance::Attended,
                    special: None,
                    techniques: vec![],
                    strategies: vec![],
                    tasks_done: vec![],
                    checklist: vec![],
                    interval_events: String::new(),
                    agreed_actions: "Write down one thing I miss about the old town.".into(),
                    risk_review: RiskReview::default(),
                    notes: "Clinician's private note".into(),
                    next_date: Some(today + Duration::days(5)),
                    version: 0,
                },
            )
            .await
            .unwrap();

        let page = t.get("/portal/plan", Some(&s.cookie)).await;
        let text = page.text();
        assert!(
            text.contains("Since I moved away from my sister, things have felt heavy."),
            "{text}"
        );
        assert!(!text.contains("Clinician's text"), "{text}");
        assert!(text.contains("A big change in life"), "{text}");
        assert!(
            page.body
                .contains("href=\"/portal/learn/role-transitions\"")
        );
        assert!(text.contains("Call my sister every Sunday"), "{text}");
        assert!(text.contains("not rated yet"), "{text}");
        assert!(
            text.contains("Write down one thing I miss about the old town."),
            "{text}"
        );
        assert!(!text.contains("Clinician's private note"), "{text}");
        assert!(text.contains(&en_date(today + Duration::days(5))), "{text}");

        // The patient rates their goal; the clinician's goal page shows the same number.
        let action = format!("/portal/plan/goals/{}", goal.id);
        let r = t
            .post(
                &action,
                Some(&s.cookie),
                &[("progress", "11"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("Please choose a number from 0 to 10."),
            "{}",
            r.text()
        );
        let r = t
            .post(
                &action,
                Some(&s.cookie),
                &[("progress", "7"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let page = t.get("/portal/plan?rated=1", Some(&s.cookie)).await;
        assert!(page.text().contains("Your rating is saved."));
        assert!(page.text().contains("7 out of 10"), "{}", page.text());
        let anna = t.sign_in("anna").await;
        let goals = t
            .get(&format!("/courses/{}/goals", s.course.id), Some(&anna))
            .await;
        assert!(goals.body.contains("value=\"7\""), "{}", goals.body);
        // A rating against a goal changed meanwhile is refused, and shown again.
        let r = t
            .post(
                &action,
                Some(&s.cookie),
                &[("progress", "3"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(
            r.text()
                .contains("Your therapist changed this goal while you had the page open."),
            "{}",
            r.text()
        );
        let stored = t.db.store.goals(s.course.id, &audit_for(&s)).await.unwrap();
        assert_eq!(stored[0].progress, Some(7));
    }
}

fn phq9(t: &TestApp, s: &Setup, answers: [u8; 9], days_ago: i64) -> Assessment {
    let answers: Vec<Option<u8>> = answers.into_iter().map(Some).collect();
    Assessment {
        id: ipt_app::new_id(),
        patient: s.patient.id,
        course: Some(s.course.id),
        session: None,
        instrument: "phq9".into(),
        result: Some(ipt_app::measures::summarise("phq9", &answers).unwrap()),
        answers,
        status: AssessmentStatus::Final,
        mode: AdministrationMode::SelfReport,
        administered_at: t.app.now() - Duration::days(days_ago),
        phase: None,
        version: 0,
    }
}

#[tokio::test]
async fn progress_shows_scores_on_bands_in_plain_words() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let page = t.get("/portal/progress", Some(&s.cookie)).await;
        assert!(
            page.text()
                .contains("There are no questionnaire scores to show yet."),
            "{}",
            page.text()
        );
        for a in [
            phq9(&t, &s, [2, 2, 2, 2, 2, 2, 2, 2, 0], 30),
            phq9(&t, &s, [1, 1, 1, 1, 1, 0, 0, 0, 0], 1),
        ] {
            t.app.record_assessment(&SYSTEM, a).await.unwrap();
        }
        let page = t.get("/portal/progress", Some(&s.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        assert!(page.body.contains("class=\"chart score-trajectory\""));
        assert!(
            text.contains("On this questionnaire, that is in the range we call \"some problems\"."),
            "{text}"
        );
        assert!(
            text.contains("this is a clear change in the hoped-for direction"),
            "{text}"
        );
        assert!(text.contains("15–19: many problems"), "{text}");
        assert!(
            text.contains("A score is only part of the picture."),
            "{text}"
        );
        for banned in ["fine", "recovered", "remission"] {
            assert!(!text.to_lowercase().contains(banned), "{banned}: {text}");
        }
    }
}

#[tokio::test]
async fn the_learning_pages_render_in_both_languages() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let page = t.get("/portal/learn", Some(&s.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let text = page.text();
        for title in [
            "Depression: common and treatable",
            "Being unwell for a while: the \"sick role\"",
            "What IPT is, and its three phases",
            "Grief: after someone dies",
            "Disagreements with someone important",
            "A big change in life",
            "Feeling alone, or finding relationships hard",
        ] {
            assert!(text.contains(title), "{title}: {text}");
        }
        for slug in [
            "depression",
            "sick-role",
            "ipt",
            "grief",
            "role-disputes",
            "role-transitions",
            "isolation",
        ] {
            let page = t
                .get(&format!("/portal/learn/{slug}"), Some(&s.cookie))
                .await;
            assert_eq!(page.status, StatusCode::OK, "{slug}");
        }
        let page = t.get("/portal/learn/sick-role", Some(&s.cookie)).await;
        assert!(page.text().contains("The sick role is temporary."));
        let r = t.get("/portal/learn/astrology", Some(&s.cookie)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let it = t
            .app
            .register_patient(&SYSTEM, "Ida Italiana", None, Language::It, s.clinician.id)
            .await
            .unwrap();
        let cookie = portal_session(&t, &it).await;
        let page = t.get("/portal/learn", Some(&cookie)).await;
        let text = page.text();
        assert!(
            text.contains("La depressione: frequente e curabile"),
            "{text}"
        );
        assert!(!text.contains("Depression: common and treatable"), "{text}");
        let page = t.get("/portal/learn/ipt", Some(&cookie)).await;
        assert!(
            page.text().contains("Che cos'è l'IPT, e le sue tre fasi"),
            "{}",
            page.text()
        );
    }
}

/// The optional "how easy was it to tell them what you needed?" on each contact (#21): kept
/// with the day, refused outside 0–4 without losing what was typed, and summarised per person
/// as a pattern, first against latest, for the patient and the clinician alike.
#[tokio::test]
async fn how_easy_it_was_to_speak_up_is_kept_per_contact_and_summarised() {
    for t in TestApp::all().await {
        let s = setup(&t, Language::En).await;
        let today = t.app.today();
        let post = |day: Date, speak: &str, version: &str| {
            let (sam, day, speak, version) = (&s.sam, day, speak.to_string(), version.to_string());
            let t = &t;
            let s = &s;
            async move {
                let form: Vec<(String, String)> = vec![
                    ("mood".into(), "5".into()),
                    ("version".into(), version),
                    ("note".into(), String::new()),
                    ("alias-0".into(), sam.alias.as_str().into()),
                    ("person-0".into(), sam.id.to_string()),
                    ("quality-0".into(), "1".into()),
                    ("with-0".into(), "on".into()),
                    ("speak-0".into(), speak),
                ];
                let pairs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                t.post(
                    &format!("/portal/diary/{}", iso(day)),
                    Some(&s.cookie),
                    &pairs,
                )
                .await
            }
        };
        // The form asks the question, optional, for each person.
        let page = t.get("/portal/diary", Some(&s.cookie)).await.text();
        assert!(
            page.contains("How easy was it to tell Sam what you needed? (optional)"),
            "{page}"
        );
        // Out of range: refused in the patient's words, nothing saved.
        let refused = post(today - Duration::days(3), "7", "").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .text()
                .contains("Choose how easy it was, from 0 to 4"),
            "{}",
            refused.text()
        );
        assert!(entries(&t, &s.course).await.is_empty());
        // 1 ("hard") three days ago, unanswered two days ago, 3 ("fairly easy") yesterday.
        for (days, speak) in [(3, "1"), (2, ""), (1, "3")] {
            let r = post(today - Duration::days(days), speak, "").await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        }
        let kept: Vec<Option<u8>> = entries(&t, &s.course)
            .await
            .iter()
            .map(|e| e.interactions[0].self_expression.map(|r| r.value()))
            .collect();
        assert_eq!(kept, [Some(1), None, Some(3)]);
        let text = t.get("/portal/diary", Some(&s.cookie)).await.text();
        assert!(
            text.contains(
                "Telling Sam what you needed: hard at first, fairly easy most recently (2 answers)."
            ),
            "{text}"
        );
        // The clinician reads the same pattern, in the clinician's voice.
        let session = t.sign_in("anna").await;
        let text = t
            .get(&format!("/courses/{}/diary", s.course.id), Some(&session))
            .await
            .text();
        assert!(
            text.contains("Telling Sam what they needed: hard at first, fairly easy most recently"),
            "{text}"
        );
    }
}
