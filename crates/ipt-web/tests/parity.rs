//! One core, two doors: the same bad input sent through a page form and through the JSON API is
//! refused by both with the same rules (the API's codes, and the page showing the very words the
//! API gives beside them), and nothing is stored; the same good input is stored alike by both.
//! In Italian, the page words every one of those refusals without a word of the English text.

use axum::http::StatusCode;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::protocol::Format;
use serde_json::{Value, json};

use crate::api::{post as api_post, put as api_put, token};
use crate::support::*;

const SYSTEM: Actor = Actor::System;

/// One write, as a page form and as the JSON body a program would send for the same input.
struct Case {
    what: &'static str,
    /// Path under `/courses/{id}`, for the page and (under `/api/v1`) for the API.
    path: &'static str,
    /// The API's method and path under `/api/v1/courses/{id}`, where they are not a POST to
    /// `path` (a form that replaces a part of the course is a PUT in the API).
    api: Option<(&'static str, &'static str)>,
    form: Vec<(&'static str, String)>,
    json: Value,
    codes: &'static [&'static str],
}

fn cases(today: &str, tomorrow: &str, next_year: String, in_19_days: String) -> Vec<Case> {
    let session = |extra: &[(&'static str, &str)]| {
        let mut form = vec![
            ("number", "1".to_string()),
            ("date", today.to_string()),
            ("modality", "in_person".to_string()),
            ("attendance", "attended".to_string()),
        ];
        for (k, v) in extra {
            form.retain(|(name, _)| name != k);
            form.push((k, v.to_string()));
        }
        form
    };
    vec![
        Case {
            what: "a session dated in the future",
            path: "sessions",
            api: None,
            form: session(&[("date", tomorrow)]),
            json: json!({"number": 1, "date": tomorrow, "modality": "in_person", "attendance": "attended"}),
            codes: &["date_in_future"],
        },
        Case {
            what: "a group session on an individual course",
            path: "sessions",
            api: None,
            form: session(&[("special", "group_session")]),
            json: json!({"number": 1, "date": today, "modality": "in_person", "attendance": "attended", "special": "group_session"}),
            codes: &["special_not_in_format"],
        },
        Case {
            what: "a maintenance-phase session on an individual course",
            path: "sessions",
            api: None,
            form: session(&[
                ("phase", "maintenance"),
                ("phase_override_reason", "monthly now"),
            ]),
            json: json!({"number": 1, "date": today, "modality": "in_person", "attendance": "attended", "phase": "maintenance", "phase_override_reason": "monthly now"}),
            codes: &["phase_not_in_format"],
        },
        Case {
            what: "a session whose next date comes first, with techniques it did not attend",
            path: "sessions",
            api: None,
            form: session(&[
                ("attendance", "no_show"),
                ("techniques", "role_play"),
                ("next_date", "2000-01-01"),
            ]),
            json: json!({"number": 1, "date": today, "modality": "in_person", "attendance": "no_show", "techniques": ["role_play"], "next_date": "2000-01-01"}),
            codes: &["next_date_not_after", "techniques_without_attendance"],
        },
        Case {
            what: "a goal without words, of no problem area, rated 11",
            path: "goals",
            api: None,
            form: vec![
                ("area", "loneliness".into()),
                ("description", " ".into()),
                ("progress", "11".into()),
            ],
            json: json!({"area": "loneliness", "description": " ", "progress": 11}),
            codes: &["not_one_of", "required", "number_out_of_range"],
        },
        Case {
            what: "a session note and agreed actions holding NUL and escape characters",
            path: "sessions",
            api: None,
            form: session(&[
                ("notes", "Talked\u{0}about work"),
                ("agreed_actions", "Call\u{1b}[2J"),
            ]),
            json: json!({"number": 1, "date": today, "modality": "in_person", "attendance": "attended", "notes": "Talked\u{0}about work", "agreed_actions": "Call\u{1b}[2J"}),
            codes: &["control_character", "control_character"],
        },
        Case {
            what: "a goal whose words hold a NUL character",
            path: "goals",
            api: None,
            form: vec![
                ("area", "role_dispute".into()),
                ("description", "Speak\u{0}up".into()),
            ],
            json: json!({"area": "role_dispute", "description": "Speak\u{0}up"}),
            codes: &["control_character"],
        },
        Case {
            what: "a person whose alias is only control characters",
            path: "inventory",
            api: None,
            form: vec![
                ("alias", "\u{7}\u{8}\u{1b}".into()),
                ("relationship", "friend".into()),
                ("ring", "2".into()),
            ],
            json: json!({"alias": "\u{7}\u{8}\u{1b}", "relationship": "friend", "ring": 2}),
            codes: &["control_character"],
        },
        Case {
            what: "a person without a name, of no relationship, outside the circle's rings",
            path: "inventory",
            api: None,
            form: vec![
                ("alias", "".into()),
                ("relationship", "cousin".into()),
                ("ring", "7".into()),
                ("conflict", "none".into()),
                ("reciprocity", "unknown".into()),
                ("contact_frequency", "x".repeat(201)),
            ],
            json: json!({"alias": "", "relationship": "cousin", "ring": 7, "contact_frequency": "x".repeat(201)}),
            codes: &["required", "not_one_of", "number_out_of_range", "too_long"],
        },
        Case {
            what: "a life event of no date, about someone not in the inventory",
            path: "timeline/events",
            api: None,
            form: vec![
                ("date", "spring 2019".into()),
                ("kind", "death".into()),
                ("person_id", uuid::Uuid::now_v7().to_string()),
            ],
            json: json!({"date": "spring 2019", "kind": "death", "person_id": uuid::Uuid::now_v7().to_string()}),
            codes: &["approx_date_invalid", "not_in_inventory"],
        },
        Case {
            what: "a mood episode that ends before it begins",
            path: "timeline/episodes",
            api: None,
            form: vec![
                ("onset", "2020-03".into()),
                ("end", "2019-01".into()),
                ("severity", "moderate".into()),
            ],
            json: json!({"onset": "2020-03", "end": "2019-01", "severity": "moderate"}),
            codes: &["end_before_onset"],
        },
        Case {
            what: "a mood episode that begins next year",
            path: "timeline/episodes",
            api: None,
            form: vec![("onset", next_year.clone()), ("severity", "mild".into())],
            json: json!({"onset": next_year, "severity": "mild"}),
            codes: &["date_in_future"],
        },
        // Initial-phase forms: indication, diagnosis, focus, formulation, contract, assessments.
        Case {
            what: "a move to a status courses do not have",
            path: "transition",
            api: Some(("POST", "transitions")),
            form: vec![("target", "paused".into()), ("version", "1".into())],
            json: json!({"target": "paused", "version": 1}),
            codes: &["not_one_of"],
        },
        Case {
            what: "ending early for another reason without saying which",
            path: "transition",
            api: Some(("POST", "transitions")),
            form: vec![
                ("target", "ended_early".into()),
                ("reason", "other".into()),
                ("detail", " ".into()),
                ("version", "1".into()),
            ],
            json: json!({"target": "ended_early", "end_reason": "other", "end_detail": " ", "version": 1}),
            codes: &["required"],
        },
        Case {
            what: "an indication of symptoms, severity and flags the checklist does not have",
            path: "indication",
            api: Some(("PUT", "indication")),
            form: vec![
                ("symptom", "depressed_mood".into()),
                ("symptom", "sadness".into()),
                ("severity", "extreme".into()),
                ("flag", "bipolar".into()),
                ("version", "1".into()),
            ],
            json: json!({"symptoms": ["depressed_mood", "sadness"], "severity": "extreme",
                         "escalation_flags": ["bipolar"], "version": 1}),
            codes: &["not_one_of", "not_one_of", "not_one_of"],
        },
        Case {
            what: "a contract of too many sessions, at no known frequency, agreed tomorrow",
            path: "contract",
            api: Some(("PUT", "contract")),
            form: vec![
                ("sessions", "30".into()),
                ("frequency", "hourly".into()),
                ("end_date", "2000-01-01".into()),
                ("agreed_on", tomorrow.into()),
                ("version", "1".into()),
            ],
            json: json!({"sessions": 30, "frequency": "hourly", "end_date": "2000-01-01",
                         "agreed_on": tomorrow, "version": 1}),
            codes: &["number_out_of_range", "not_one_of", "date_in_future"],
        },
        Case {
            what: "a contract of twelve fortnightly sessions ending in nineteen days",
            path: "contract",
            api: Some(("PUT", "contract")),
            form: vec![
                ("sessions", "12".into()),
                ("frequency", "fortnightly".into()),
                ("end_date", in_19_days.clone()),
                ("agreed_on", "".into()),
                ("version", "1".into()),
            ],
            json: json!({"sessions": 12, "frequency": "fortnightly", "end_date": in_19_days, "version": 1}),
            codes: &["contract_does_not_fit"],
        },
        Case {
            what: "a contract whose last session comes before it was agreed",
            path: "contract",
            api: Some(("PUT", "contract")),
            form: vec![
                ("sessions", "12".into()),
                ("frequency", "weekly".into()),
                ("end_date", "2000-01-01".into()),
                ("agreed_on", "".into()),
                ("version", "1".into()),
            ],
            json: json!({"sessions": 12, "frequency": "weekly", "end_date": "2000-01-01", "version": 1}),
            codes: &["end_not_after_agreement"],
        },
        Case {
            what: "the same focus area twice",
            path: "suggestions",
            api: Some(("PUT", "focus")),
            form: vec![
                ("primary", "grief".into()),
                ("secondary", "grief".into()),
                ("stage", "".into()),
                ("version", "1".into()),
            ],
            json: json!({"areas": [{"area": "grief"}, {"area": "grief"}], "version": 1}),
            codes: &["focus_duplicate"],
        },
        Case {
            what: "a role dispute without its stage, beside an area IPT does not have",
            path: "suggestions",
            api: Some(("PUT", "focus")),
            form: vec![
                ("primary", "role_dispute".into()),
                ("secondary", "loneliness".into()),
                ("stage", "".into()),
                ("version", "1".into()),
            ],
            json: json!({"areas": [{"area": "role_dispute"}, {"area": "loneliness"}], "version": 1}),
            codes: &["dispute_needs_stage", "not_one_of"],
        },
        Case {
            what: "a stage for grief",
            path: "suggestions",
            api: Some(("PUT", "focus")),
            form: vec![
                ("primary", "grief".into()),
                ("secondary", "".into()),
                ("stage", "impasse".into()),
                ("version", "1".into()),
            ],
            json: json!({"areas": [{"area": "grief", "stage": "impasse"}], "version": 1}),
            codes: &["stage_only_for_disputes"],
        },
        Case {
            what: "no focus area at all",
            path: "suggestions",
            api: Some(("PUT", "focus")),
            form: vec![
                ("primary", "".into()),
                ("secondary", "".into()),
                ("stage", "".into()),
                ("version", "1".into()),
            ],
            json: json!({"areas": [], "version": 1}),
            codes: &["focus_none"],
        },
        Case {
            what: "a formulation without words, accepted tomorrow, in overlong own words",
            path: "formulation",
            api: Some(("PUT", "formulation")),
            form: vec![
                ("text", " ".into()),
                ("accepted_on", tomorrow.into()),
                ("patient_wording", "x".repeat(4001)),
                ("version", "1".into()),
            ],
            json: json!({"text": " ", "accepted_on": tomorrow, "patient_wording": "x".repeat(4001), "version": 1}),
            codes: &["required", "date_in_future", "too_long"],
        },
        Case {
            what: "a diagnosis without words or severity, dated tomorrow",
            path: "diagnosis",
            api: Some(("PUT", "diagnosis")),
            form: vec![
                ("statement", "  ".into()),
                ("severity", "".into()),
                ("recorded_on", tomorrow.into()),
                ("version", "1".into()),
            ],
            json: json!({"statement": "  ", "recorded_on": tomorrow, "version": 1}),
            codes: &["required", "required", "date_in_future"],
        },
        //
        // (the two sections are kept apart so that they can grow independently)
        //
        // Assessments: questionnaires entered by a clinician.
        //
        // (kept apart)
        //
        // Ending, patient and course forms: termination review, relapse plan, maintenance
        // decision, patient registration and editing, course creation.
        Case {
            what: "a termination review with nothing written, dated tomorrow",
            path: "termination/review",
            api: Some(("PUT", "termination-review")),
            form: vec![
                ("gains", " ".into()),
                ("feelings_about_ending", "".into()),
                ("non_response_plan", "".into()),
                ("reviewed_on", tomorrow.into()),
                ("version", "1".into()),
            ],
            json: json!({"gains": " ", "reviewed_on": tomorrow, "version": 1}),
            codes: &["review_empty", "date_in_future"],
        },
        Case {
            what: "a relapse plan without warning signs or where to seek help, of no date",
            path: "termination/relapse-plan",
            api: Some(("PUT", "relapse-plan")),
            form: vec![
                ("warning_signs", "".into()),
                ("triggers", "Anniversaries.".into()),
                ("coping", "".into()),
                ("supports", "".into()),
                ("seek_help", "  ".into()),
                ("written_on", "2026-13-01".into()),
                ("version", "1".into()),
            ],
            json: json!({"warning_signs": "", "triggers": "Anniversaries.", "seek_help": "  ", "written_on": "2026-13-01", "version": 1}),
            codes: &["required", "required", "date_invalid"],
        },
        Case {
            what: "a safety plan without warning signs or the patient's own steps, dated tomorrow",
            path: "safety/plan",
            api: Some(("PUT", "safety-plan")),
            form: vec![
                ("warning_signs", " ".into()),
                ("coping_steps", "".into()),
                ("people_to_ask", "My brother.".into()),
                ("written_on", tomorrow.into()),
                ("version", "1".into()),
            ],
            json: json!({"warning_signs": " ", "people_to_ask": "My brother.", "written_on": tomorrow, "version": 1}),
            codes: &["required", "required", "date_in_future"],
        },
        Case {
            what: "a stop of a medicine the record does not show as taken",
            path: "safety/medication",
            api: Some(("POST", "medication")),
            form: vec![
                ("medicine", "Sertraline".into()),
                ("kind", "stopped".into()),
                ("on", today.into()),
                ("version", "1".into()),
            ],
            json: json!({"medicine": "Sertraline", "kind": "stopped", "on": today, "version": 1}),
            codes: &["medication_not_current"],
        },
        Case {
            what: "a medication change of no known kind, without a medicine",
            path: "safety/medication",
            api: Some(("POST", "medication")),
            form: vec![
                ("medicine", " ".into()),
                ("kind", "doubled".into()),
                ("on", today.into()),
                ("version", "1".into()),
            ],
            json: json!({"medicine": " ", "kind": "doubled", "on": today, "version": 1}),
            codes: &["required", "not_one_of"],
        },
        Case {
            what: "a maintenance decision of no known choice, with an overlong rationale",
            path: "termination/maintenance",
            api: Some(("PUT", "maintenance-decision")),
            form: vec![
                ("choice", "holiday".into()),
                ("rationale", "x".repeat(4001)),
                ("decided_on", today.into()),
                ("version", "1".into()),
            ],
            json: json!({"choice": "holiday", "rationale": "x".repeat(4001), "decided_on": today, "version": 1}),
            codes: &["not_one_of", "too_long"],
        },
        Case {
            what: "a maintenance decision that chooses nothing",
            path: "termination/maintenance",
            api: Some(("PUT", "maintenance-decision")),
            form: vec![
                ("rationale", "Undecided.".into()),
                ("decided_on", today.into()),
                ("version", "1".into()),
            ],
            json: json!({"rationale": "Undecided.", "decided_on": today, "version": 1}),
            codes: &["required"],
        },
    ]
}

/// What the course holds that these writes could have added.
async fn held(t: &TestApp, course: ipt_domain::ids::CourseId) -> [usize; 16] {
    let v = t.app.course_view(&SYSTEM, course).await.unwrap();
    [
        v.sessions.len(),
        v.goals.len(),
        v.inventory.len(),
        v.timeline.events.len(),
        v.timeline.episodes.len(),
        usize::from(v.course.termination.is_some()),
        usize::from(v.course.relapse_plan.is_some()),
        usize::from(v.course.maintenance.is_some()),
        usize::from(v.course.indication != Default::default()),
        usize::from(v.course.diagnosis.is_some()),
        usize::from(v.course.contract.is_some()),
        usize::from(v.course.focus.is_some()),
        usize::from(v.course.formulation.is_some()),
        usize::from(!v.course.status.is_open()),
        usize::from(v.course.safety_plan.is_some()),
        v.course.medication.len(),
    ]
}

#[tokio::test]
async fn the_same_bad_input_is_refused_alike_by_page_and_api_and_in_italian_without_english() {
    for t in TestApp::all().await {
        let clinician = t.user("parity", Role::Clinician).await;
        let session = t.sign_in("parity").await;
        let italian = format!("{session}; ipt_lang=it");
        let (_, tok) = token(&t, &clinician).await;
        let p = t.patient(&clinician, "Parity Example").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let today = t.app.today();
        let (today, tomorrow) = (
            today.to_string(),
            (today + time::Duration::days(1)).to_string(),
        );
        let next_year = (t.app.today().year() + 1).to_string();
        let in_19_days = (t.app.today() + time::Duration::days(19)).to_string();
        for case in cases(&today, &tomorrow, next_year, in_19_days) {
            let api = match case.api {
                None => {
                    let path = format!("/api/v1/courses/{}/{}", c.id, case.path);
                    api_post(&t, &path, &tok, case.json.clone()).await
                }
                Some((method, path)) => {
                    let path = format!("/api/v1/courses/{}/{path}", c.id);
                    match method {
                        "PUT" => api_put(&t, &path, &tok, case.json.clone()).await,
                        _ => api_post(&t, &path, &tok, case.json.clone()).await,
                    }
                }
            };
            assert_eq!(
                api.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                case.what
            );
            let errors = api.json["errors"].as_array().cloned().unwrap_or_default();
            let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
            assert_eq!(codes, case.codes, "API codes for {}", case.what);
            let form: Vec<(&str, &str)> = case.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let page = t
                .post(
                    &format!("/courses/{}/{}", c.id, case.path),
                    Some(&session),
                    &form,
                )
                .await;
            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                case.what
            );
            let text = page.text();
            for e in &errors {
                let message = e["message"].as_str().unwrap();
                assert!(
                    text.contains(message),
                    "the page says the API's words for {} ({message}): {text}",
                    case.what
                );
            }
            let it = t
                .post(
                    &format!("/courses/{}/{}", c.id, case.path),
                    Some(&italian),
                    &form,
                )
                .await;
            assert_eq!(it.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", case.what);
            assert!(it.body.contains("<html lang=\"it\">"));
            let text = it.text();
            for e in &errors {
                let message = e["message"].as_str().unwrap();
                assert!(
                    !text.contains(message),
                    "the Italian page shows English for {}: {message}",
                    case.what
                );
            }
            assert_eq!(
                held(&t, c.id).await,
                [0; 16],
                "nothing stored: {}",
                case.what
            );
        }
    }
}

/// A clinician signed in with a token, and two started courses of theirs: one to fill through
/// the pages, one through the API.
async fn two_courses(
    t: &TestApp,
) -> (
    String,
    String,
    ipt_domain::course::Course,
    ipt_domain::course::Course,
) {
    let clinician = t.user("alike", Role::Clinician).await;
    let session = t.sign_in("alike").await;
    let (_, tok) = token(t, &clinician).await;
    let mut courses = vec![];
    for name in ["Page Example", "Api Example"] {
        let p = t.patient(&clinician, name).await;
        courses.push(t.started_course(&p, Format::Individual, 30).await);
    }
    let by_api = courses.pop().unwrap();
    let by_page = courses.pop().unwrap();
    (session, tok, by_page, by_api)
}

#[tokio::test]
async fn the_same_good_input_is_stored_alike_by_page_and_api() {
    for t in TestApp::all().await {
        let (session, tok, by_page, by_api) = two_courses(&t).await;
        let today = t.app.today().to_string();
        let next = (t.app.today() + time::Duration::days(7)).to_string();
        let page = t
            .post(
                &format!("/courses/{}/sessions", by_page.id),
                Some(&session),
                &[
                    ("number", "1"),
                    ("date", &today),
                    ("modality", "video"),
                    ("attendance", "attended"),
                    ("techniques", "role_play"),
                    ("techniques", "clarification"),
                    ("interval_events", "  Argued with her sister.  "),
                    ("risk_concern", "on"),
                    ("next_date", &next),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        let api = api_post(
            &t,
            &format!("/api/v1/courses/{}/sessions", by_api.id),
            &tok,
            json!({"number": 1, "date": today, "modality": "video", "attendance": "attended",
                   "techniques": ["clarification", "role_play"],
                   "interval_events": "  Argued with her sister.  ",
                   "risk_review": {"concern": true}, "next_date": next}),
        )
        .await;
        assert_eq!(api.status, StatusCode::CREATED);
        for (path, form, body) in [(
            "goals",
            vec![
                ("area", "role_dispute"),
                ("description", " Talk calmly "),
                ("progress", "3"),
            ],
            json!({"area": "role_dispute", "description": " Talk calmly ", "progress": 3}),
        )] {
            let r = t
                .post(
                    &format!("/courses/{}/{path}", by_page.id),
                    Some(&session),
                    &form,
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
            let r = api_post(
                &t,
                &format!("/api/v1/courses/{}/{path}", by_api.id),
                &tok,
                body,
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED);
        }
        // The ending forms, each over the version the course is at then.
        for (page_path, api_path, form, body) in [
            (
                "termination/review",
                "termination-review",
                vec![
                    ("gains", " Spoke up at home "),
                    ("feelings_about_ending", ""),
                    ("non_response_plan", ""),
                    ("reviewed_on", today.as_str()),
                ],
                json!({"gains": " Spoke up at home ", "reviewed_on": today}),
            ),
            (
                "termination/relapse-plan",
                "relapse-plan",
                vec![
                    ("warning_signs", "Waking early."),
                    ("triggers", ""),
                    ("coping", " Walk daily "),
                    ("supports", ""),
                    ("seek_help", "Call the clinic."),
                    ("written_on", today.as_str()),
                ],
                json!({"warning_signs": "Waking early.", "coping": " Walk daily ",
                       "seek_help": "Call the clinic.", "written_on": today}),
            ),
            (
                "termination/maintenance",
                "maintenance-decision",
                vec![
                    ("choice", "medication"),
                    ("rationale", " Third episode "),
                    ("decided_on", today.as_str()),
                ],
                json!({"choice": "medication", "rationale": " Third episode ", "decided_on": today}),
            ),
        ] {
            let v = t.app.course(&SYSTEM, by_page.id).await.unwrap().version;
            let v = v.to_string();
            let mut form = form;
            form.push(("version", &v));
            let r = t
                .post(
                    &format!("/courses/{}/{page_path}", by_page.id),
                    Some(&session),
                    &form,
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
            let mut body = body;
            body["version"] = json!(t.app.course(&SYSTEM, by_api.id).await.unwrap().version);
            let r = api_put(
                &t,
                &format!("/api/v1/courses/{}/{api_path}", by_api.id),
                &tok,
                body,
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        }
        let a = t.app.course_view(&SYSTEM, by_page.id).await.unwrap();
        let b = t.app.course_view(&SYSTEM, by_api.id).await.unwrap();
        assert_eq!(a.course.termination, b.course.termination);
        assert_eq!(a.course.relapse_plan, b.course.relapse_plan);
        assert_eq!(a.course.maintenance, b.course.maintenance);
        assert_eq!(
            a.course.relapse_plan.as_ref().map(|p| p.coping.as_str()),
            Some("Walk daily")
        );
        let plain = |s: &ipt_domain::session::TherapySession| {
            let mut s = s.clone();
            s.id = ipt_domain::ids::SessionId::from_uuid(uuid::Uuid::nil());
            s.course = ipt_domain::ids::CourseId::from_uuid(uuid::Uuid::nil());
            s
        };
        assert_eq!(a.sessions.len(), 1);
        assert_eq!(plain(&a.sessions[0]), plain(&b.sessions[0]));
        assert!(
            a.sessions[0].risk_review.reviewed,
            "a concern means risk was reviewed"
        );
        let goal =
            |g: &ipt_domain::course::Goal| (g.area, g.description.clone(), g.progress, g.status);
        assert_eq!(goal(&a.goals[0]), goal(&b.goals[0]));
        assert_eq!(a.goals[0].description, "Talk calmly");
    }
}

// ---- Initial-phase forms: their own parity tests, where a case needs more than `cases()`. ----

// (kept apart)

// ---- Assessments: their own parity tests. ----

/// A questionnaire as a form and as a JSON body.
type Questionnaire = (Vec<(String, String)>, Value);

/// A questionnaire as the entry page posts it (`item_<id>` per item, `administered_on`,
/// `session`) and as a program sends it (`answers` in item order, `administered_at`,
/// `session_id`), from the answers by item id. The page's form always carries every item.
fn questionnaire(code: &str, answers: &[(&str, &str)], date: &str, session: &str) -> Questionnaire {
    // An instrument not in the catalogue has no items.
    let items = ipt_domain::measures::Catalogue::builtin()
        .get(code)
        .map(|i| i.items.clone())
        .unwrap_or_default();
    let answer = |id: &str| {
        answers
            .iter()
            .find(|(k, v)| *k == id && !v.is_empty())
            .map(|(_, v)| v.to_string())
    };
    let mut form = vec![
        ("instrument".to_string(), code.to_string()),
        ("version".to_string(), "0".to_string()),
        ("administered_on".to_string(), date.to_string()),
        ("session".to_string(), session.to_string()),
    ];
    form.extend(
        items
            .iter()
            .map(|i| (format!("item_{}", i.id), answer(&i.id).unwrap_or_default())),
    );
    let json_answers: Vec<Value> = items
        .iter()
        .map(|i| match answer(&i.id) {
            None => Value::Null,
            Some(v) => v
                .parse::<u64>()
                .map(Value::from)
                .unwrap_or(Value::String(v)),
        })
        .collect();
    let mut json = json!({"instrument": code, "answers": json_answers, "administered_at": date});
    if !session.is_empty() {
        json["session_id"] = json!(session);
    }
    (form, json)
}

fn phq9_answers(values: [&'static str; 9]) -> Vec<(&'static str, &'static str)> {
    ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"]
        .into_iter()
        .zip(values)
        .collect()
}

#[tokio::test]
async fn the_same_bad_questionnaire_is_refused_alike_by_page_and_api_and_in_italian_without_english()
 {
    for t in TestApp::all().await {
        let clinician = t.user("measures", Role::Clinician).await;
        let session = t.sign_in("measures").await;
        let italian = format!("{session}; ipt_lang=it");
        let (_, tok) = token(&t, &clinician).await;
        let p = t.patient(&clinician, "Measure Example").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let today = t.app.today().to_string();
        let tomorrow = (t.app.today() + time::Duration::days(1)).to_string();
        let elsewhere = uuid::Uuid::now_v7().to_string();
        let cases: Vec<(&str, Questionnaire, &[&str])> = vec![
            (
                "an answer off the item's scale",
                questionnaire(
                    "phq9",
                    &phq9_answers(["1", "1", "7", "1", "1", "1", "1", "1", "0"]),
                    &today,
                    "",
                ),
                &["answer_not_on_scale"],
            ),
            (
                "an answer that is not a number",
                questionnaire(
                    "phq9",
                    &phq9_answers(["1", "x", "1", "1", "1", "1", "1", "1", "0"]),
                    &today,
                    "",
                ),
                &["answer_invalid"],
            ),
            (
                "both alternative ratings of one item",
                questionnaire("hamd17", &[("q16a", "1"), ("q16b", "1")], &today, ""),
                &["alternatives_both"],
            ),
            (
                "nothing answered, of a session not in the course, dated tomorrow",
                questionnaire("phq9", &[], &tomorrow, &elsewhere),
                &["nothing_answered", "not_in_course", "date_in_future"],
            ),
            (
                "an empty date",
                questionnaire(
                    "phq9",
                    &phq9_answers(["1", "1", "1", "1", "1", "1", "1", "1", "0"]),
                    "",
                    "",
                ),
                &["required"],
            ),
            (
                "a questionnaire not in the catalogue",
                questionnaire("phq99", &[], &today, ""),
                &["not_one_of"],
            ),
        ];
        for (what, (form, json), codes) in cases {
            let api = api_post(
                &t,
                &format!("/api/v1/courses/{}/assessments", c.id),
                &tok,
                json,
            )
            .await;
            assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            let errors = api.json["errors"].as_array().cloned().unwrap_or_default();
            let got: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
            assert_eq!(got, codes, "API codes for {what}");
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let path = format!("/courses/{}/measures", c.id);
            let page = t.post(&path, Some(&session), &form).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            let text = page.text();
            for e in &errors {
                let message = e["message"].as_str().unwrap();
                assert!(
                    text.contains(message),
                    "the page says the API's words for {what} ({message}): {text}"
                );
            }
            let it = t.post(&path, Some(&italian), &form).await;
            assert_eq!(it.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            assert!(it.body.contains("<html lang=\"it\">"));
            let text = it.text();
            for e in &errors {
                let message = e["message"].as_str().unwrap();
                assert!(
                    !text.contains(message),
                    "the Italian page shows English for {what}: {message}"
                );
            }
            let v = t.app.course_view(&SYSTEM, c.id).await.unwrap();
            assert!(v.assessments.is_empty(), "nothing stored: {what}");
            assert_eq!(held(&t, c.id).await, [0; 16], "nothing stored: {what}");
        }
    }
}

#[tokio::test]
async fn the_same_questionnaire_is_stored_alike_by_page_and_api() {
    for t in TestApp::all().await {
        let (session, tok, by_page, by_api) = two_courses(&t).await;
        let earlier = (t.app.today() - time::Duration::days(2)).to_string();
        // A complete one is final; one with too many items unanswered is a draft (the API asks
        // for a draft, the page lets the answers decide), with its risk item flagged all the
        // same.
        let complete = phq9_answers(["2", "2", "1", "1", "1", "1", "2", "2", "0"]);
        let incomplete = phq9_answers(["1", "1", "", "", "", "", "", "1", "1"]);
        for (answers, status) in [(complete, "final"), (incomplete, "draft")] {
            let (form, _) = questionnaire("phq9", &answers, &earlier, "");
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let r = t
                .post(
                    &format!("/courses/{}/measures", by_page.id),
                    Some(&session),
                    &form,
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
            let (_, mut json) = questionnaire("phq9", &answers, &earlier, "");
            json["status"] = json!(status);
            let r = api_post(
                &t,
                &format!("/api/v1/courses/{}/assessments", by_api.id),
                &tok,
                json,
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            assert_eq!(r.json["status"], status);
        }
        let plain = |v: &ipt_app::CourseView| {
            let mut list: Vec<_> = v
                .assessments
                .iter()
                .map(|a| {
                    (
                        a.instrument.clone(),
                        a.answers.clone(),
                        a.status,
                        a.mode,
                        a.administered_at,
                        a.phase,
                        a.result.clone(),
                    )
                })
                .collect();
            list.sort_by_key(|a| a.2 == ipt_domain::assessment::AssessmentStatus::Draft);
            list
        };
        let a = t.app.course_view(&SYSTEM, by_page.id).await.unwrap();
        let b = t.app.course_view(&SYSTEM, by_api.id).await.unwrap();
        assert_eq!(plain(&a).len(), 2);
        assert_eq!(plain(&a), plain(&b));
        let alerts = |patient| {
            t.app.alerts(
                &SYSTEM,
                ipt_app::ports::AlertFilter {
                    patient: Some(patient),
                    ..Default::default()
                },
            )
        };
        assert_eq!(
            alerts(a.course.patient).await.unwrap().len(),
            1,
            "the draft's risk item"
        );
        assert_eq!(
            alerts(b.course.patient).await.unwrap().len(),
            1,
            "the draft's risk item"
        );
    }
}

// (kept apart)

/// Completing a draft goes through the same core: a draft sent by a program is completed on the
/// page over the version it is at; without one, or once final, the core refuses it and the page
/// words the code in the reader's language.
#[tokio::test]
async fn a_draft_entered_by_a_program_is_completed_on_the_page_and_a_final_one_never_changes() {
    for t in TestApp::all().await {
        let clinician = t.user("drafts", Role::Clinician).await;
        let session = t.sign_in("drafts").await;
        let italian = format!("{session}; ipt_lang=it");
        let (_, tok) = token(&t, &clinician).await;
        let p = t.patient(&clinician, "Draft Example").await;
        let c = t.started_course(&p, Format::Individual, 30).await;
        let today = t.app.today().to_string();
        let (_, mut json) = questionnaire(
            "phq9",
            &phq9_answers(["1", "1", "", "", "", "", "", "", "0"]),
            &today,
            "",
        );
        json["status"] = json!("draft");
        let r = api_post(
            &t,
            &format!("/api/v1/courses/{}/assessments", c.id),
            &tok,
            json,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let path = format!(
            "/courses/{}/measures/{}",
            c.id,
            r.json["id"].as_str().unwrap()
        );
        let (form, _) = questionnaire(
            "phq9",
            &phq9_answers(["1", "1", "1", "1", "1", "1", "1", "1", "0"]),
            &today,
            "",
        );
        let without: Vec<(&str, &str)> = form
            .iter()
            .filter(|(k, _)| k != "version")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for (who, words) in [
            (
                &session,
                "The form did not say which version of the record it changes.",
            ),
            (&italian, "Il modulo non indicava"),
        ] {
            let r = t.post(&path, Some(who), &without).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.text().contains(words), "{}", r.text());
        }
        let mut with: Vec<(&str, &str)> = without.clone();
        with.push(("version", "1"));
        let r = t.post(&path, Some(&session), &with).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        for (who, words) in [
            (
                &session,
                "This questionnaire is final: it is a record and cannot be changed.",
            ),
            (&italian, "Questo questionario è definitivo"),
        ] {
            let mut again = with.clone();
            again.retain(|(k, _)| *k != "version");
            again.push(("version", "2"));
            let r = t.post(&path, Some(who), &again).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.text().contains(words), "{}", r.text());
        }
        let v = t.app.course_view(&SYSTEM, c.id).await.unwrap();
        assert_eq!(v.assessments.len(), 1);
        assert_eq!(
            v.assessments[0].status,
            ipt_domain::assessment::AssessmentStatus::Final
        );
        assert_eq!(v.assessments[0].version, 2);
    }
}

// ---- Ending, patient and course forms: their own parity tests. ----

/// The page refuses `form` at `path` with the API's very words for `errors`, and in Italian
/// without them.
async fn page_says_the_same(
    t: &TestApp,
    what: &str,
    path: &str,
    form: &[(&str, &str)],
    sessions: (&str, &str),
    errors: &[Value],
) {
    let page = t.post(path, Some(sessions.0), form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
    let text = page.text();
    let it = t.post(path, Some(sessions.1), form).await;
    assert_eq!(it.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
    let it = it.text();
    for e in errors {
        let message = e["message"].as_str().unwrap();
        assert!(
            text.contains(message),
            "the page says {message} for {what}: {text}"
        );
        assert!(
            !it.contains(message),
            "the Italian page shows English for {what}: {message}"
        );
    }
}

#[tokio::test]
async fn patients_and_courses_are_refused_alike_by_page_and_api() {
    for t in TestApp::all().await {
        let clinician = t.user("intake", Role::Clinician).await;
        let session = t.sign_in("intake").await;
        let italian = format!("{session}; ipt_lang=it");
        let (_, tok) = token(&t, &clinician).await;
        let tomorrow = (t.app.today() + time::Duration::days(1)).to_string();

        let what = "a patient without a name, born tomorrow, speaking a language not offered";
        let api = api_post(
            &t,
            "/api/v1/patients",
            &tok,
            json!({"name": " ", "date_of_birth": tomorrow, "language": "fr"}),
        )
        .await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let errors = api.json["errors"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
        assert_eq!(
            codes,
            ["required", "date_in_future", "not_one_of"],
            "{what}"
        );
        page_says_the_same(
            &t,
            what,
            "/patients",
            &[
                ("name", " "),
                ("date_of_birth", &tomorrow),
                ("language", "fr"),
            ],
            (&session, &italian),
            &errors,
        )
        .await;
        assert_eq!(t.db.store.count_patients().await.unwrap(), 0, "{what}");

        let what = "a patient whose name is only control characters, and one holding NUL";
        for name in ["\u{1}\u{2}\u{7f}", "Anna\u{0}Rossi"] {
            let api = api_post(
                &t,
                "/api/v1/patients",
                &tok,
                json!({"name": name, "language": "en"}),
            )
            .await;
            assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
            let errors = api.json["errors"].as_array().cloned().unwrap_or_default();
            let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
            assert_eq!(codes, ["control_character"], "{what}");
            page_says_the_same(
                &t,
                what,
                "/patients",
                &[("name", name), ("language", "en")],
                (&session, &italian),
                &errors,
            )
            .await;
        }
        assert_eq!(t.db.store.count_patients().await.unwrap(), 0, "{what}");

        let p = t.patient(&clinician, "Intake Example").await;
        let what = "a course in no known format, starting tomorrow";
        let api = api_post(
            &t,
            "/api/v1/courses",
            &tok,
            json!({"patient_id": p.id.to_string(), "format": "weekly_chat", "started_on": tomorrow}),
        )
        .await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let errors = api.json["errors"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = errors.iter().filter_map(|e| e["code"].as_str()).collect();
        assert_eq!(codes, ["not_one_of", "date_in_future"], "{what}");
        page_says_the_same(
            &t,
            what,
            &format!("/patients/{}/courses", p.id),
            &[("format", "weekly_chat"), ("started_on", &tomorrow)],
            (&session, &italian),
            &errors,
        )
        .await;
        let courses = t.app.courses_of_patient(&SYSTEM, p.id).await.unwrap();
        assert!(courses.is_empty(), "{what}");

        let what = "a course for no patient";
        let api = api_post(
            &t,
            "/api/v1/courses",
            &tok,
            json!({"patient_id": "not-an-id", "format": "individual"}),
        )
        .await;
        let codes: Vec<&str> = api.json["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["code"].as_str())
            .collect();
        assert_eq!(codes, ["id_invalid"], "{what}");
    }
}

/// The codes of one API refusal.
fn codes_of(r: &crate::api::Res) -> Vec<String> {
    r.json["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["code"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn alerts_comments_and_supervisors_are_refused_alike_by_page_and_api() {
    for t in TestApp::all().await {
        let admin = t.user("chief", Role::Admin).await;
        let sup = t.user("mentor", Role::Supervisor).await;
        let clinician = t.user("carer", Role::Clinician).await;
        t.supervise(&clinician, &sup).await;
        let (_, admin_tok) = token(&t, &admin).await;
        let (_, sup_tok) = token(&t, &sup).await;
        let (_, tok) = token(&t, &clinician).await;
        let sessions = |name: &'static str| {
            let t = &t;
            async move {
                let s = t.sign_in(name).await;
                let it = format!("{s}; ipt_lang=it");
                (s, it)
            }
        };
        let p = t.patient(&clinician, "Alert Example").await;
        let c = t.started_course(&p, Format::Individual, 30).await;

        // An acknowledgement without a note of the action taken.
        let today = t.app.today().to_string();
        let r = api_post(
            &t,
            &format!("/api/v1/courses/{}/sessions", c.id),
            &tok,
            json!({"number": 1, "date": today, "modality": "in_person", "attendance": "attended",
                   "risk_review": {"concern": true, "note": "Said she feels hopeless."}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        let of_patient = || ipt_app::ports::AlertFilter {
            patient: Some(p.id),
            ..Default::default()
        };
        let alert = &t
            .app
            .alerts(&SYSTEM, of_patient())
            .await
            .unwrap()
            .into_iter()
            .next()
            .expect("the concern raised an alert");
        let what = "an acknowledgement with a note too short to say what was done";
        let ack = format!(
            "/api/v1/patients/{}/alerts/{}/acknowledgements",
            p.id, alert.id
        );
        let api = api_post(
            &t,
            &ack,
            &tok,
            json!({"note": "ok", "version": alert.version}),
        )
        .await;
        assert_eq!(codes_of(&api), ["alert_note_required"], "{what}");
        let errors = api.json["errors"].as_array().cloned().unwrap();
        let version = alert.version.to_string();
        let carer = sessions("carer").await;
        page_says_the_same(
            &t,
            what,
            &format!("/patients/{}/alerts/{}/acknowledge", p.id, alert.id),
            &[("note", "ok"), ("version", &version)],
            (&carer.0, &carer.1),
            &errors,
        )
        .await;
        let api = api_post(&t, &ack, &tok, json!({"note": "Called her; plan agreed."})).await;
        assert_eq!(
            codes_of(&api),
            ["version_missing"],
            "an acknowledgement of no version"
        );
        assert!(t.app.alerts(&SYSTEM, of_patient()).await.unwrap()[0].is_open());

        // A supervision comment without words, about a session of another course.
        let api = api_post(
            &t,
            &format!("/api/v1/courses/{}/comments", c.id),
            &sup_tok,
            json!({"text": " ", "session_id": uuid::Uuid::now_v7().to_string()}),
        )
        .await;
        assert_eq!(codes_of(&api), ["required", "not_in_course"]);
        let api = api_post(
            &t,
            &format!("/api/v1/courses/{}/comments", c.id),
            &sup_tok,
            json!({"text": "Fine work.", "session_id": "session-one"}),
        )
        .await;
        assert_eq!(codes_of(&api), ["id_invalid"]);
        let (s, it) = sessions("mentor").await;
        let page = t
            .post(
                &format!("/courses/{}/comments", c.id),
                Some(&s),
                &[("text", " ")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.text()
                .contains("Please write the comment before sending it.")
        );
        let page = t
            .post(
                &format!("/courses/{}/comments", c.id),
                Some(&it),
                &[("text", " ")],
            )
            .await;
        assert!(
            page.text()
                .contains("Scrivi il commento prima di inviarlo.")
        );

        // A supervisor named by something that is no account's id.
        let what = "a supervisor that is no account";
        let version = t.app.account_named("carer").await.unwrap().unwrap().version;
        let api = api_put(
            &t,
            &format!("/api/v1/users/{}/supervisor", clinician.id),
            &admin_tok,
            json!({"supervisor_id": "nobody", "version": version}),
        )
        .await;
        assert_eq!(codes_of(&api), ["no_such_user"], "{what}");
        let errors = api.json["errors"].as_array().cloned().unwrap();
        let (s, it) = sessions("chief").await;
        let v = version.to_string();
        page_says_the_same(
            &t,
            what,
            &format!("/admin/users/{}/supervisor", clinician.id),
            &[("supervisor_id", "nobody"), ("version", &v)],
            (&s, &it),
            &errors,
        )
        .await;
        let after = t.app.account_named("carer").await.unwrap().unwrap();
        assert_eq!(after.supervisor, Some(sup.id), "the supervisor is kept");
    }
}

#[tokio::test]
async fn a_focus_change_after_the_initial_phase_without_a_reason_is_refused_alike_by_page_and_api()
{
    for t in TestApp::all().await {
        let clinician = t.user("parity", Role::Clinician).await;
        let session = t.sign_in("parity").await;
        let italian = format!("{session}; ipt_lang=it");
        let (_, tok) = token(&t, &clinician).await;
        let p = t.patient(&clinician, "Focus Example").await;
        // In its middle phase, focused on a role dispute.
        let c = t.middle_course(&p, Format::Individual, 30, 12, 90).await;
        let before = t.app.course(&SYSTEM, c.id).await.unwrap();

        let api = api_put(
            &t,
            &format!("/api/v1/courses/{}/focus", c.id),
            &tok,
            json!({"areas": [{"area": "grief"}], "reason": "  ", "version": before.version}),
        )
        .await;
        assert_eq!(
            api.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            api.reply.body
        );
        let errors = api.json["errors"].as_array().cloned().unwrap_or_default();
        let codes: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert_eq!(codes, [("reason", "focus_change_needs_reason")]);
        let message = errors[0]["message"].as_str().unwrap();

        let version = before.version.to_string();
        let form = [
            ("primary", "grief"),
            ("secondary", ""),
            ("stage", ""),
            ("reason", "  "),
            ("version", version.as_str()),
        ];
        let path = format!("/courses/{}/suggestions", c.id);
        let page = t.post(&path, Some(&session), &form).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = page.text();
        assert!(
            text.contains(message),
            "the page says the API's words ({message}): {text}"
        );
        let it = t.post(&path, Some(&italian), &form).await;
        assert_eq!(it.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = it.text();
        assert!(
            !text.contains(message),
            "the Italian page shows English: {text}"
        );
        assert!(text.contains("indica perché cambia il focus"), "{text}");

        // Nothing changed: the same focus, its history and the formulation's acceptance.
        let after = t.app.course(&SYSTEM, c.id).await.unwrap();
        assert_eq!(after.version, before.version);
        assert_eq!(after.focus, before.focus);
        assert_eq!(after.focus_history, before.focus_history);
        assert!(after.formulation.as_ref().unwrap().is_accepted());
    }
}
