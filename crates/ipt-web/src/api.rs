//! The JSON API under `/api/v1`: what the pages do, for programs. Signed in with a session
//! cookie or a personal API token (`Authorization: Bearer TOKEN`, from `ipt token create`).
//!
//! Handlers parse input into domain types at the edge and call the same use cases as the pages,
//! so access is enforced in one place: a record the caller may not see answers 404, exactly
//! like a missing one. Errors are RFC 9457 problem JSON that name the field (`problem.rs`).
//!
//! Every route is listed once in `ROUTES`; the router and the OpenAPI document's test are both
//! checked against that list.

pub mod dto;
pub mod openapi;
pub mod problem;
pub mod schemas;

use std::collections::HashMap;
use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use axum::{Extension, Json, Router};
use ipt_app::AppError;
use ipt_app::access::{Access, WritableCourse};
use ipt_app::ports::AlertFilter;
use ipt_domain::assessment::AssessmentInput;
use ipt_domain::authz::Action;
use ipt_domain::course::{
    ContractInput, CourseStartInput, DiagnosisInput, FormulationInput, GoalInput, TransitionInput,
};
use ipt_domain::ending::{MaintenanceDecisionInput, RelapsePlanInput, TerminationReviewInput};
use ipt_domain::ids::{
    AlertId, CourseId, GoalId, InventoryPersonId, MoodEpisodeId, PatientId, SessionId,
    TimelineEventId, UserId,
};
use ipt_domain::indication::IndicationInput;
use ipt_domain::inventory::InventoryPersonInput;
use ipt_domain::patient::PatientInput;
use ipt_domain::problem_area::{FocusAreaInput, FocusInput};
use ipt_domain::safety::{MedicationChangeInput, SafetyPlanInput};
use ipt_domain::session::SessionInput;

use ipt_domain::timeline::{MoodEpisodeInput, TimelineEventInput};
use serde::Serialize;

use crate::AppState;
use crate::auth::CurrentUser;
use dto::*;
use problem::ApiProblem;

/// The prefix of every route here.
pub const BASE: &str = "/api/v1";

/// One route: its method, its path, and how to build its handler.
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    make: fn() -> MethodRouter<AppState>,
}

/// Every route of the API, once. `routes()` registers exactly these; the OpenAPI document is
/// tested against them.
pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/api/v1/openapi.json",
        make: || get(openapi::serve),
    },
    Route {
        method: "GET",
        path: "/api/v1/caseload",
        make: || get(caseload),
    },
    Route {
        method: "GET",
        path: "/api/v1/alerts",
        make: || get(list_alerts),
    },
    Route {
        method: "GET",
        path: "/api/v1/patients",
        make: || get(list_patients),
    },
    Route {
        method: "POST",
        path: "/api/v1/patients",
        make: || post(create_patient),
    },
    Route {
        method: "GET",
        path: "/api/v1/patients/{id}",
        make: || get(show_patient),
    },
    Route {
        method: "GET",
        path: "/api/v1/patients/{id}/courses",
        make: || get(patient_courses),
    },
    Route {
        method: "POST",
        path: "/api/v1/patients/{pid}/alerts/{aid}/acknowledgements",
        make: || post(acknowledge_alert),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses",
        make: || post(start_course),
    },
    Route {
        method: "GET",
        path: "/api/v1/courses/{id}",
        make: || get(show_course),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/transitions",
        make: || post(transition),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/diagnosis",
        make: || put(set_diagnosis),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/indication",
        make: || put(set_indication),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/focus",
        make: || put(set_focus),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/formulation",
        make: || put(set_formulation),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/contract",
        make: || put(set_contract),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/relapse-plan",
        make: || put(set_relapse_plan),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/maintenance-decision",
        make: || put(set_maintenance_decision),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/termination-review",
        make: || put(set_termination_review),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/safety-plan",
        make: || put(set_safety_plan),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/inventory-patterns/{kind}",
        make: || put(set_inventory_patterns),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/medication",
        make: || post(add_medication_change),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/inventory",
        make: || post(add_person),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/inventory/{person_id}",
        make: || put(update_person),
    },
    Route {
        method: "DELETE",
        path: "/api/v1/courses/{id}/inventory/{person_id}",
        make: || delete(delete_person),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/timeline/events",
        make: || post(add_event),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/timeline/events/{event_id}",
        make: || put(update_event),
    },
    Route {
        method: "DELETE",
        path: "/api/v1/courses/{id}/timeline/events/{event_id}",
        make: || delete(delete_event),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/timeline/episodes",
        make: || post(add_episode),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/timeline/episodes/{episode_id}",
        make: || put(update_episode),
    },
    Route {
        method: "GET",
        path: "/api/v1/courses/{id}/sessions",
        make: || get(list_sessions),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/sessions",
        make: || post(add_session),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/sessions/{session_id}",
        make: || put(update_session),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/goals",
        make: || post(add_goal),
    },
    Route {
        method: "PUT",
        path: "/api/v1/courses/{id}/goals/{goal_id}",
        make: || put(update_goal),
    },
    Route {
        method: "GET",
        path: "/api/v1/courses/{id}/assessments",
        make: || get(list_assessments),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/assessments",
        make: || post(add_assessment),
    },
    Route {
        method: "GET",
        path: "/api/v1/courses/{id}/comments",
        make: || get(list_comments),
    },
    Route {
        method: "POST",
        path: "/api/v1/courses/{id}/comments",
        make: || post(add_comment),
    },
    Route {
        method: "PUT",
        path: "/api/v1/users/{id}/supervisor",
        make: || put(set_supervisor),
    },
];

/// `PUT /api/v1/users/{id}/supervisor`: an administrator assigns a clinician's supervisor, or
/// clears it with `null`. The core decides who may supervise whom.
#[utoipa::path(
    put,
    path = "/api/v1/users/{id}/supervisor",
    operation_id = "setSupervisor",
    tag = "Supervision",
    summary = "Assign a clinician's supervisor, or clear it with null (administrators; the supervisor must be an active supervisor account)",
    params(
        ("id" = uuid::Uuid, Path, description = "The clinician's user id"),
    ),
    request_body = SupervisorIn,
    responses(
        (status = 200, description = "The clinician's supervision", body = SupervisionDto),
        (status = 403, response = problem::Forbidden),
        problem::VersionedProblems,
    ),
)]
async fn set_supervisor(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let Ok(clinician) = id.parse::<UserId>() else {
        return Err(ApiProblem::not_found("user"));
    };
    let req: SupervisorIn = problem::read_json(&headers, body)?;
    let user = s
        .app
        .assign_supervisor(
            &u.actor(),
            clinician,
            req.supervisor_id.as_deref(),
            req.version,
        )
        .await?;
    ok(SupervisionDto {
        user_id: user.id.to_string(),
        supervisor_id: user.supervisor.map(|x| x.to_string()),
        version: user.version,
    })
}

/// The API's routes, for the signed-in router.
pub fn routes() -> Router<AppState> {
    ROUTES
        .iter()
        .fold(Router::new(), |r, route| {
            r.route(route.path, (route.make)())
        })
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> ApiProblem {
    ApiProblem::new(
        405,
        "Method not allowed",
        "this address does not accept that method; the Allow header lists those it does",
    )
}

type ApiResult = Result<Response, ApiProblem>;
type Body = Result<Bytes, BytesRejection>;

fn ok<T: Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

fn created<T: Serialize>(location: Option<String>, v: T) -> ApiResult {
    let mut r = (StatusCode::CREATED, Json(v)).into_response();
    if let Some(l) = location
        && let Ok(v) = l.parse()
    {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

/// An id from the path; anything that is not one answers 404 like a missing record.
fn path_id<T: FromStr>(raw: &str, what: &str) -> Result<T, ApiProblem> {
    raw.parse().map_err(|_| ApiProblem::not_found(what))
}

/// A course the caller may change; anything else answers 404 before the body is even read, so
/// bad input never reveals whether a record exists.
async fn writable_course(
    s: &AppState,
    u: &CurrentUser,
    raw: &str,
) -> Result<WritableCourse, ApiProblem> {
    let id: CourseId = path_id(raw, "course")?;
    Ok(s.app.writable_course(&u.actor(), id).await?)
}

// ---- Caseload, patients and alerts ---------------------------------------------------------

/// The caller's caseload. `show` = `all` (default), `open` (an open course) or `alerts` (open
/// alerts); `sort` = `name` (default), `next` (next session) or `alerts` (most alerts first).
#[utoipa::path(
    get,
    path = "/api/v1/caseload",
    operation_id = "getCaseload",
    tag = "Caseload",
    summary = "The caller's caseload: a supervisor's includes their supervisees' patients",
    params(
        ("show" = inline(Option<schemas::CaseloadShowCode>), Query, description = "all (default), patients with an open course, or with open alerts"),
        ("sort" = inline(Option<schemas::CaseloadSortCode>), Query, description = "by name (default), next session, or most open alerts"),
    ),
    responses(
        (status = 200, description = "One row per patient", body = Vec<CaseloadRowDto>),
        (status = 401, response = problem::Unauthorised),
        (status = 429, response = problem::TooManyRequests),
        (status = 403, response = problem::Forbidden),
        (status = 422, response = problem::Invalid),
    ),
)]
async fn caseload(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let show = q.get("show").map(String::as_str).unwrap_or("all");
    let sort = q.get("sort").map(String::as_str).unwrap_or("name");
    if !["all", "open", "alerts"].contains(&show) {
        return Err(ApiProblem::field("show", "use all, open or alerts"));
    }
    if !["name", "next", "alerts"].contains(&sort) {
        return Err(ApiProblem::field("sort", "use name, next or alerts"));
    }
    let mut rows = s.app.caseload(&u.actor()).await?;
    match show {
        "open" => rows.retain(|r| r.course.as_ref().is_some_and(|c| c.status.is_open())),
        "alerts" => rows.retain(|r| !r.open_alerts.is_empty()),
        _ => {}
    }
    match sort {
        "next" => rows.sort_by_key(|r| (r.next_session.is_none(), r.next_session)),
        "alerts" => rows.sort_by_key(|r| std::cmp::Reverse(r.open_alerts.len())),
        _ => {}
    }
    ok(rows.iter().map(CaseloadRowDto::from).collect::<Vec<_>>())
}

#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    operation_id = "listOpenAlerts",
    tag = "Caseload",
    summary = "Open risk alerts of every patient on the caller's caseload, oldest first, a page at a time",
    params(
        ("limit" = Option<u32>, Query, description = "Rows per page, 1 to 200 (default 50)"),
        ("after" = Option<String>, Query, description = "The `next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "One page of open alerts", body = PageDto<AlertDto>),
        (status = 401, response = problem::Unauthorised),
        (status = 429, response = problem::TooManyRequests),
        (status = 403, response = problem::Forbidden),
        (status = 422, response = problem::Invalid),
    ),
)]
async fn list_alerts(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (limit, after) = page_query(&q);
    let page = s
        .app
        .caseload_open_alerts_page(&u.actor(), limit, after)
        .await?;
    ok(page_dto(page, "/api/v1/alerts", &q, |a| AlertDto::from(a)))
}

#[utoipa::path(
    get,
    path = "/api/v1/patients",
    operation_id = "listPatients",
    tag = "Patients",
    summary = "The patients on the caller's caseload, by name, a page at a time",
    params(
        ("limit" = Option<u32>, Query, description = "Rows per page, 1 to 200 (default 50)"),
        ("after" = Option<String>, Query, description = "The `next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "One page of patients", body = PageDto<PatientDto>),
        (status = 401, response = problem::Unauthorised),
        (status = 429, response = problem::TooManyRequests),
        (status = 403, response = problem::Forbidden),
        (status = 422, response = problem::Invalid),
    ),
)]
async fn list_patients(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let (limit, after) = page_query(&q);
    let page = s
        .app
        .caseload_patients_page(&u.actor(), limit, after)
        .await?;
    ok(page_dto(page, "/api/v1/patients", &q, |p| {
        PatientDto::from(p)
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/patients",
    operation_id = "registerPatient",
    tag = "Patients",
    summary = "Register a patient into the caller's care",
    request_body = NewPatient,
    responses(
        (status = 201, description = "Registered; Location names the new patient", body = PatientDto, headers(("Location" = String, description = "The address of the new record"))),
        (status = 400, response = problem::Malformed),
        (status = 401, response = problem::Unauthorised),
        (status = 429, response = problem::TooManyRequests),
        (status = 403, response = problem::Forbidden),
        (status = 415, response = problem::UnsupportedMediaType),
        (status = 422, response = problem::Invalid),
    ),
)]
async fn create_patient(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let req: NewPatient = problem::read_json(&headers, body)?;
    let input = PatientInput {
        name: req.name.unwrap_or_default(),
        date_of_birth: req.date_of_birth,
        language: req.language,
    };
    let p = s.app.enter_patient(&u.actor(), &input, u.id).await?;
    created(
        Some(format!("{BASE}/patients/{}", p.id)),
        PatientDto::from(&p),
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}",
    operation_id = "getPatient",
    tag = "Patients",
    summary = "A patient, with every risk alert ever raised for them",
    params(
        ("id" = uuid::Uuid, Path, description = "The patient id"),
    ),
    responses(
        (status = 200, description = "The patient", body = PatientDetailDto),
        problem::ReadProblems,
    ),
)]
async fn show_patient(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> ApiResult {
    let id: PatientId = path_id(&id, "patient")?;
    let actor = u.actor();
    let patient = s.app.patient(&actor, id).await?;
    let mut alerts = s
        .app
        .alerts(
            &actor,
            AlertFilter {
                patient: Some(id),
                ..Default::default()
            },
        )
        .await?;
    alerts.sort_by_key(|a| (!a.is_open(), std::cmp::Reverse(a.raised_at)));
    ok(PatientDetailDto {
        patient: (&patient).into(),
        alerts: alerts.iter().map(Into::into).collect(),
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/patients/{id}/courses",
    operation_id = "listPatientCourses",
    tag = "Courses",
    summary = "A patient's courses, oldest first, a page at a time",
    params(
        ("id" = uuid::Uuid, Path, description = "The patient id"),
        ("limit" = Option<u32>, Query, description = "Rows per page, 1 to 200 (default 50)"),
        ("after" = Option<String>, Query, description = "The `next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "One page", body = PageDto<CourseSummaryDto>),
        (status = 401, response = problem::Unauthorised),
        (status = 404, response = problem::NotFound),
        (status = 422, response = problem::Invalid),
        (status = 429, response = problem::TooManyRequests),
    ),
)]
async fn patient_courses(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let id: PatientId = path_id(&id, "patient")?;
    let (limit, after) = page_query(&q);
    let page = s
        .app
        .patient_courses_page(&u.actor(), id, limit, after)
        .await?;
    let path = format!("/api/v1/patients/{id}/courses");
    ok(page_dto(page, &path, &q, |c| CourseSummaryDto::from(c)))
}

#[utoipa::path(
    post,
    path = "/api/v1/patients/{pid}/alerts/{aid}/acknowledgements",
    operation_id = "acknowledgeAlert",
    tag = "Caseload",
    summary = "Acknowledge a risk alert with a note of the action taken (the alert is kept for ever)",
    params(
        ("pid" = uuid::Uuid, Path, description = "The patient id"),
        ("aid" = uuid::Uuid, Path, description = "The risk alert id"),
    ),
    request_body = NewAcknowledgement,
    responses(
        (status = 201, description = "The acknowledged alert", body = AlertDto),
        problem::VersionedProblems,
    ),
)]
async fn acknowledge_alert(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((pid, aid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let pid: PatientId = path_id(&pid, "patient")?;
    let aid: AlertId = path_id(&aid, "risk alert")?;
    let actor = u.actor();
    let patient = s.app.patient(&actor, pid).await?;
    s.app
        .authorize(&actor, Action::AcknowledgeAlert, &patient)
        .await?;
    let req: NewAcknowledgement = problem::read_json(&headers, body)?;
    let note = req.note.unwrap_or_default();
    match s
        .app
        .acknowledge_alert(&actor, pid, aid, req.version, &note)
        .await
    {
        Ok(a) => created(None, AlertDto::from(&a)),
        // Acknowledging twice is a conflict with what is stored, as it always was here.
        Err(AppError::Rejected(r))
            if r.iter()
                .any(|e| e.code == ipt_domain::rule::Code::AlertAlreadyAcknowledged) =>
        {
            let en = crate::i18n::Tr::new(crate::i18n::Lang::En);
            Err(ApiProblem::new(409, "Already acknowledged", en.rules(&r)))
        }
        Err(other) => Err(other.into()),
    }
}

// ---- Courses ------------------------------------------------------------------------------

#[utoipa::path(
    post,
    path = "/api/v1/courses",
    operation_id = "startCourse",
    tag = "Courses",
    summary = "Start a course for a patient, in a format",
    request_body = NewCourse,
    responses(
        (status = 201, description = "Started (status referred); Location names the new course", body = CourseDto, headers(("Location" = String, description = "The address of the new record"))),
        problem::WriteProblems,
    ),
)]
async fn start_course(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let req: NewCourse = problem::read_json(&headers, body)?;
    let input = CourseStartInput {
        patient_id: req.patient_id,
        format: req.format,
        started_on: req.started_on,
    };
    match s.app.enter_course(&u.actor(), &input).await {
        Ok(c) => created(
            Some(format!("{BASE}/courses/{}", c.id)),
            CourseDto::from(&c),
        ),
        Err(AppError::NotFound(what)) => Err(ApiProblem::not_found(what).with_field("patient_id")),
        Err(other) => Err(other.into()),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}",
    operation_id = "getCourse",
    tag = "Courses",
    summary = "The whole course: what the course page shows",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    responses(
        (status = 200, description = "The course view", body = CourseViewDto),
        problem::ReadProblems,
    ),
)]
async fn show_course(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
) -> ApiResult {
    let id: CourseId = path_id(&id, "course")?;
    let actor = u.actor();
    let view = s.app.course_view(&actor, id).await?;
    let facts = s.app.course_facts(&actor, &view.course).await?;
    let protocol = s.app.protocols.get(view.course.format);
    let suggested = ipt_app::prompts::indication_support(&view, protocol).suggested_flags;
    let prompts = ipt_app::prompts::course_prompts(&view, protocol);
    ok(CourseViewDto::of(&view, &suggested, &prompts, |target| {
        s.app.unmet_guards(&view.course, target, &facts)
    }))
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/transitions",
    operation_id = "transitionCourse",
    tag = "Courses",
    summary = "Move the course to its next phase or status; a refusal lists every unmet guard",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewTransition,
    responses(
        (status = 200, description = "The course, moved", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn transition(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: NewTransition = problem::read_json(&headers, body)?;
    let input = TransitionInput {
        target: req.target,
        end_reason: req.end_reason,
        end_detail: req.end_detail,
    };
    let c = s
        .app
        .enter_transition(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/diagnosis",
    operation_id = "setDiagnosis",
    tag = "Initial phase",
    summary = "Record the clinician's diagnosis",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = DiagnosisIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_diagnosis(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: DiagnosisIn = problem::read_json(&headers, body)?;
    let input = DiagnosisInput {
        statement: req.statement.unwrap_or_default(),
        severity: req.severity,
        recorded_on: req.recorded_on,
    };
    let c = s
        .app
        .enter_diagnosis(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/focus",
    operation_id = "setFocus",
    tag = "Initial phase",
    summary = "Choose one or two focus areas (a role dispute with its stage)",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = FocusIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_focus(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: FocusIn = problem::read_json(&headers, body)?;
    let input = FocusInput {
        areas: req
            .areas
            .unwrap_or_default()
            .into_iter()
            .map(|a| FocusAreaInput {
                area: a.area,
                stage: a.stage,
            })
            .collect(),
        reason: req.reason,
    };
    let c = s
        .app
        .enter_focus(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/formulation",
    operation_id = "setFormulation",
    tag = "Initial phase",
    summary = "Write the interpersonal formulation and, once agreed, the date the patient accepted it",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = FormulationIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_formulation(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: FormulationIn = problem::read_json(&headers, body)?;
    let input = FormulationInput {
        text: req.text.unwrap_or_default(),
        accepted_on: req.accepted_on,
        patient_wording: req.patient_wording,
    };
    let c = s
        .app
        .enter_formulation(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/contract",
    operation_id = "setContract",
    tag = "Initial phase",
    summary = "Agree the contract: number of sessions, frequency, end date",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = ContractIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_contract(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: ContractIn = problem::read_json(&headers, body)?;
    let input = ContractInput {
        sessions: req.sessions.map(|n| n.to_string()),
        frequency: req.frequency,
        end_date: req.end_date,
        agreed_on: req.agreed_on,
    };
    let c = s
        .app
        .enter_contract(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/relapse-plan",
    operation_id = "setRelapsePlan",
    tag = "Termination",
    summary = "Write the relapse-prevention plan",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = RelapsePlanIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_relapse_plan(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: RelapsePlanIn = problem::read_json(&headers, body)?;
    let input = RelapsePlanInput {
        warning_signs: req.warning_signs,
        triggers: req.triggers,
        coping: req.coping,
        supports: req.supports,
        seek_help: req.seek_help,
        written_on: req.written_on,
    };
    let c = s
        .app
        .enter_relapse_plan(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/safety-plan",
    operation_id = "setSafetyPlan",
    tag = "Courses",
    summary = "Write the safety plan made with the patient",
    description = "Replaces the course's safety plan. The warning signs and the patient's own first steps are required; the site's crisis resources are shown beside the plan by every door and are not part of it.",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = SafetyPlanIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_safety_plan(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: SafetyPlanIn = problem::read_json(&headers, body)?;
    let input = SafetyPlanInput {
        warning_signs: req.warning_signs,
        coping_steps: req.coping_steps,
        people_and_places: req.people_and_places,
        people_to_ask: req.people_to_ask,
        professional_contacts: req.professional_contacts,
        safer_environment: req.safer_environment,
        written_on: req.written_on,
    };
    let c = s
        .app
        .enter_safety_plan(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/inventory-patterns/{kind}",
    operation_id = "setInventoryPatterns",
    tag = "Courses",
    summary = "Record the inventory's patterns across relationships at the start or the end",
    description = "The interpersonal inventory's global fields (attachment and relational patterns; asserting oneself, confronting, expressing anger; social risk-taking; a brief history of relationships), recorded by the clinician at the start and again at the end so the two can be compared. All four texts empty clears that point.",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("kind" = String, Path, description = "`start` or `end`"),
    ),
    request_body = InventoryPatternsIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_inventory_patterns(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, kind)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let kind = ipt_domain::inventory::SnapshotKind::parse(&kind)
        .ok_or_else(|| ApiProblem::not_found("page"))?;
    let req: InventoryPatternsIn = problem::read_json(&headers, body)?;
    let input = ipt_domain::inventory::InventoryGlobalsInput {
        relational_patterns: req.relational_patterns,
        self_assertion: req.self_assertion,
        social_risk_taking: req.social_risk_taking,
        relationship_history: req.relationship_history,
        recorded_on: req.recorded_on,
    };
    let c = s
        .app
        .enter_inventory_globals(&u.actor(), course.id, kind, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/medication",
    operation_id = "addMedicationChange",
    tag = "Courses",
    summary = "Add a change to the course's medication record",
    description = "Adds one entry (a medicine already taken, started, its dose changed, or stopped). The record is kept in date order and never rewritten: a change that would make it untrue (a stop of a medicine not taken, a start of one already taken, a change dated before the medicine's latest) is refused.",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = MedicationChangeIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn add_medication_change(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: MedicationChangeIn = problem::read_json(&headers, body)?;
    let input = MedicationChangeInput {
        medicine: req.medicine,
        kind: req.kind,
        dose: req.dose,
        prescriber: req.prescriber,
        on: req.on,
        note: req.note,
    };
    let c = s
        .app
        .record_medication_change(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/maintenance-decision",
    operation_id = "setMaintenanceDecision",
    tag = "Termination",
    summary = "Record what happens after the acute course",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = MaintenanceDecisionIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_maintenance_decision(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: MaintenanceDecisionIn = problem::read_json(&headers, body)?;
    let input = MaintenanceDecisionInput {
        choice: req.choice,
        rationale: req.rationale,
        decided_on: req.decided_on,
    };
    let c = s
        .app
        .enter_maintenance_decision(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

// ---- Inventory, timeline, sessions, goals, assessments ----------------------------------------

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/inventory",
    operation_id = "addInventoryPerson",
    tag = "Initial phase",
    summary = "Add a person to the interpersonal inventory",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewInventoryPerson,
    responses(
        (status = 201, description = "The person", body = InventoryPersonDto),
        problem::WriteProblems,
    ),
)]
async fn add_person(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: NewInventoryPerson = problem::read_json(&headers, body)?;
    let p = s
        .app
        .enter_person(&u.actor(), &course, &person_input(req))
        .await?;
    created(None, InventoryPersonDto::from(&p))
}

/// A person's JSON members as the core reads them.
fn person_input(req: NewInventoryPerson) -> InventoryPersonInput {
    InventoryPersonInput {
        alias: req.alias.unwrap_or_default(),
        relationship: req.relationship,
        ring: req.ring.map(|n| n.to_string()),
        contact_frequency: req.contact_frequency,
        confidant: req.confidant,
        practical_support: req.practical_support,
        conflict: req.conflict,
        reciprocity: req.reciprocity,
        deceased: req.deceased,
        area_tags: req.area_tags,
        self_expression: req.self_expression.map(|n| n.to_string()),
        notes: req.notes.into(),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/timeline/events",
    operation_id = "addTimelineEvent",
    tag = "Initial phase",
    summary = "Add an interpersonal event to the timeline",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewTimelineEvent,
    responses(
        (status = 201, description = "The event", body = TimelineEventDto),
        problem::WriteProblems,
    ),
)]
async fn add_event(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: NewTimelineEvent = problem::read_json(&headers, body)?;
    let ev = s
        .app
        .enter_event(&u.actor(), &course, &event_input(req))
        .await?;
    created(None, TimelineEventDto::from(&ev))
}

/// An event's JSON members as the core reads them.
fn event_input(req: NewTimelineEvent) -> TimelineEventInput {
    TimelineEventInput {
        date: req.date,
        kind: req.kind,
        person_id: req.person_id,
        description: req.description,
    }
}

/// An episode's JSON members as the core reads them.
fn episode_input(req: NewMoodEpisode) -> MoodEpisodeInput {
    MoodEpisodeInput {
        onset: req.onset,
        end: req.end,
        severity: req.severity,
        current: req.current,
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/timeline/episodes",
    operation_id = "addMoodEpisode",
    tag = "Initial phase",
    summary = "Add a mood episode to the timeline",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewMoodEpisode,
    responses(
        (status = 201, description = "The episode", body = MoodEpisodeDto),
        problem::WriteProblems,
    ),
)]
async fn add_episode(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: NewMoodEpisode = problem::read_json(&headers, body)?;
    let ep = s
        .app
        .enter_episode(&u.actor(), &course, &episode_input(req))
        .await?;
    created(None, MoodEpisodeDto::from(&ep))
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/sessions",
    operation_id = "recordSession",
    tag = "Sessions and measures",
    summary = "Record a therapy session; a concern in its risk review raises a risk alert",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewSession,
    responses(
        (status = 201, description = "The session", body = SessionDto),
        problem::VersionedProblems,
    ),
)]
async fn add_session(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: NewSession = problem::read_json(&headers, body)?;
    let saved = s
        .app
        .enter_session(&u.actor(), &course, &session_input(req))
        .await?;
    created(None, SessionDto::of(&saved, &course))
}

/// A session's JSON members as the core reads them. A member left out is not given (the core
/// fills in the next number, today, the format's modality and "attended"; a correction keeps
/// its number and date).
fn session_input(req: NewSession) -> SessionInput {
    SessionInput {
        number: req.number.map(|n| n.to_string()),
        date: req.date,
        phase: req.phase,
        phase_override_reason: req.phase_override_reason,
        modality: req.modality,
        attendance: req.attendance,
        special: req.special,
        mood: None,
        interval_events: req.interval_events,
        strategies: req.strategies,
        techniques: req.techniques,
        tasks_done: req.tasks_done,
        checklist: req.checklist,
        agreed_actions: req.agreed_actions,
        risk_reviewed: req.risk_review.reviewed,
        risk_concern: req.risk_review.concern,
        risk_note: req.risk_review.note,
        notes: req.notes,
        next_date: req.next_date,
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/goals",
    operation_id = "addGoal",
    tag = "Sessions and measures",
    summary = "Add a treatment goal tied to a focus area",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewGoal,
    responses(
        (status = 201, description = "The goal", body = GoalDto),
        problem::WriteProblems,
    ),
)]
async fn add_goal(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: NewGoal = problem::read_json(&headers, body)?;
    let g = s
        .app
        .enter_goal(&u.actor(), &course, &goal_input(req))
        .await?;
    created(None, GoalDto::from(&g))
}

/// A goal's JSON members as the core reads them.
fn goal_input(req: NewGoal) -> GoalInput {
    GoalInput {
        area: req.area,
        description: req.description.unwrap_or_default(),
        progress: req.progress.map(|p| p.to_string()),
        status: req.status,
    }
}

/// Item answers as the core reads them: a number as written, `null` for a missing item;
/// anything else is passed on as its JSON text, which the core refuses by index.
fn answers_input(raw: &[serde_json::Value]) -> Vec<Option<String>> {
    raw.iter()
        .map(|v| match v {
            serde_json::Value::Null => None,
            v => Some(v.to_string()),
        })
        .collect()
}

#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/assessments",
    operation_id = "recordAssessment",
    tag = "Sessions and measures",
    summary = "Enter a questionnaire: scored at once; a final result is kept only when valid; a positive risk item raises a risk alert",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewAssessment,
    responses(
        (status = 201, description = "The assessment, scored", body = RecordedAssessmentDto),
        problem::WriteProblems,
    ),
)]
async fn add_assessment(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let id: CourseId = path_id(&id, "course")?;
    let actor = u.actor();
    // Entering a questionnaire is its own permission; whoever lacks it gets the answer a
    // missing course gets, before the body is read.
    let (course, patient) = s.app.course_and_patient(&actor, id, Access::Read).await?;
    s.app
        .authorize(&actor, Action::RecordAssessment, &patient)
        .await
        .map_err(|_| ApiProblem::not_found("course"))?;
    let req: NewAssessment = problem::read_json(&headers, body)?;
    let input = AssessmentInput {
        instrument: req.instrument,
        answers: req.answers.as_deref().map(answers_input),
        // This API's documented default: a final result.
        status: Some(req.status.unwrap_or_else(|| "final".into())),
        mode: req.mode,
        session_id: req.session_id,
        administered_at: req.administered_at,
    };
    let a = s
        .app
        .record_entered_assessment_for(&actor, &patient, &course, &input)
        .await?;
    created(
        None,
        RecordedAssessmentDto {
            assessment: (&a.assessment).into(),
            scoring_messages: a.scoring_messages,
            risk_alert_raised: a.alert_raised,
        },
    )
}

// ---- Corrections, the indication, the termination review, supervision ----------------------

/// No content: a record removed.
fn no_content() -> ApiResult {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The `version` query parameter a removal carries.
fn query_version(q: &HashMap<String, String>) -> Result<i64, ApiProblem> {
    match q.get("version") {
        None => Err(ApiProblem::field(
            "version",
            "this query parameter is required: send the version you last read (?version=N)",
        )),
        Some(v) => v.trim().parse().map_err(|_| {
            ApiProblem::field("version", format!("expected a whole number, got '{v}'"))
        }),
    }
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/indication",
    operation_id = "setIndication",
    tag = "Initial phase",
    summary = "Record the indication and suitability checklist (decision support: nothing here blocks)",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = IndicationIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_indication(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: IndicationIn = problem::read_json(&headers, body)?;
    let input = IndicationInput {
        symptoms: req.symptoms,
        two_weeks_or_more: req.two_weeks_or_more,
        severity: req.severity,
        interpersonal_link: req.interpersonal_link,
        first_line_reasons: req.first_line_reasons,
        escalation_flags: req.escalation_flags,
    };
    let c = s
        .app
        .enter_indication(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/termination-review",
    operation_id = "setTerminationReview",
    tag = "Termination",
    summary = "Record the termination review: gains, feelings about ending, the plan if treatment did not help enough",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = TerminationReviewIn,
    responses(
        (status = 200, description = "The course", body = CourseDto),
        problem::VersionedProblems,
    ),
)]
async fn set_termination_review(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let req: TerminationReviewIn = problem::read_json(&headers, body)?;
    let input = TerminationReviewInput {
        gains: req.gains,
        feelings_about_ending: req.feelings_about_ending,
        non_response_plan: req.non_response_plan,
        reviewed_on: req.reviewed_on,
    };
    let c = s
        .app
        .enter_termination_review(&u.actor(), course.id, req.version, &input)
        .await?;
    ok(CourseDto::from(&c))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/inventory/{person_id}",
    operation_id = "updateInventoryPerson",
    tag = "Initial phase",
    summary = "Replace a person of the interpersonal inventory",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("person_id" = uuid::Uuid, Path, description = "The inventory person id"),
    ),
    request_body = InventoryPersonIn,
    responses(
        (status = 200, description = "The person", body = InventoryPersonDto),
        problem::VersionedProblems,
    ),
)]
async fn update_person(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, pid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let pid: InventoryPersonId = path_id(&pid, "inventory person")?;
    let (req, version) = problem::read_json::<InventoryPersonIn>(&headers, body)?.split();
    let p = s
        .app
        .correct_person(&u.actor(), &course, pid, version, &person_input(req))
        .await?;
    ok(InventoryPersonDto::from(&p))
}

#[utoipa::path(
    delete,
    path = "/api/v1/courses/{id}/inventory/{person_id}",
    operation_id = "deleteInventoryPerson",
    tag = "Initial phase",
    summary = "Remove a person from the inventory; timeline events that named them keep the event and lose the link",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("person_id" = uuid::Uuid, Path, description = "The inventory person id"),
        ("version" = i64, Query, description = "The version you last read; a stale one is refused with 409"),
    ),
    responses(
        (status = 204, description = "Removed"),
        problem::RemovalProblems,
    ),
)]
async fn delete_person(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, pid)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let pid: InventoryPersonId = path_id(&pid, "inventory person")?;
    let version = query_version(&q)?;
    s.app
        .delete_person(&u.actor(), course.id, pid, version)
        .await?;
    no_content()
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/timeline/events/{event_id}",
    operation_id = "updateTimelineEvent",
    tag = "Initial phase",
    summary = "Replace an interpersonal event of the timeline",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("event_id" = uuid::Uuid, Path, description = "The timeline event id"),
    ),
    request_body = TimelineEventIn,
    responses(
        (status = 200, description = "The event", body = TimelineEventDto),
        problem::VersionedProblems,
    ),
)]
async fn update_event(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, eid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let eid: TimelineEventId = path_id(&eid, "timeline event")?;
    let (req, version) = problem::read_json::<TimelineEventIn>(&headers, body)?.split();
    let ev = s
        .app
        .correct_event(&u.actor(), &course, eid, version, &event_input(req))
        .await?;
    ok(TimelineEventDto::from(&ev))
}

#[utoipa::path(
    delete,
    path = "/api/v1/courses/{id}/timeline/events/{event_id}",
    operation_id = "deleteTimelineEvent",
    tag = "Initial phase",
    summary = "Remove an event from the timeline",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("event_id" = uuid::Uuid, Path, description = "The timeline event id"),
        ("version" = i64, Query, description = "The version you last read; a stale one is refused with 409"),
    ),
    responses(
        (status = 204, description = "Removed"),
        problem::RemovalProblems,
    ),
)]
async fn delete_event(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, eid)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let eid: TimelineEventId = path_id(&eid, "timeline event")?;
    let version = query_version(&q)?;
    s.app
        .delete_event(&u.actor(), course.id, eid, version)
        .await?;
    no_content()
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/timeline/episodes/{episode_id}",
    operation_id = "updateMoodEpisode",
    tag = "Initial phase",
    summary = "Replace a mood episode; marking it current clears the mark on the others",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("episode_id" = uuid::Uuid, Path, description = "The mood episode id"),
    ),
    request_body = MoodEpisodeIn,
    responses(
        (status = 200, description = "The episode", body = MoodEpisodeDto),
        problem::VersionedProblems,
    ),
)]
async fn update_episode(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, epid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let epid: MoodEpisodeId = path_id(&epid, "mood episode")?;
    let (req, version) = problem::read_json::<MoodEpisodeIn>(&headers, body)?.split();
    let ep = s
        .app
        .correct_episode(&u.actor(), &course, epid, version, &episode_input(req))
        .await?;
    ok(MoodEpisodeDto::from(&ep))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/sessions/{session_id}",
    operation_id = "updateSession",
    tag = "Sessions and measures",
    summary = "Replace a recorded session (number and date are kept when omitted); a concern newly recorded raises a risk alert",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("session_id" = uuid::Uuid, Path, description = "The session id"),
    ),
    request_body = SessionIn,
    responses(
        (status = 200, description = "The session", body = SessionDto),
        problem::VersionedProblems,
    ),
)]
async fn update_session(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, sid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let sid: SessionId = path_id(&sid, "session")?;
    let (req, version) = problem::read_json::<SessionIn>(&headers, body)?.split();
    let saved = s
        .app
        .correct_session(&u.actor(), &course, sid, version, &session_input(req))
        .await?;
    ok(SessionDto::of(&saved, &course))
}

#[utoipa::path(
    put,
    path = "/api/v1/courses/{id}/goals/{goal_id}",
    operation_id = "updateGoal",
    tag = "Sessions and measures",
    summary = "Replace a goal: area, description, progress, status",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("goal_id" = uuid::Uuid, Path, description = "The goal id"),
    ),
    request_body = GoalIn,
    responses(
        (status = 200, description = "The goal", body = GoalDto),
        problem::VersionedProblems,
    ),
)]
async fn update_goal(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path((id, gid)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let course = writable_course(&s, &u, &id).await?;
    let gid: GoalId = path_id(&gid, "goal")?;
    let (req, version) = problem::read_json::<GoalIn>(&headers, body)?.split();
    let g = s
        .app
        .correct_goal(&u.actor(), &course, gid, version, &goal_input(req))
        .await?;
    ok(GoalDto::from(&g))
}

// ---- Lists a page at a time ----------------------------------------------------------------

/// A page's query: the caller's `limit` and `after`, as the core reads them.
fn page_query(q: &HashMap<String, String>) -> (Option<&str>, Option<&str>) {
    (
        q.get("limit").map(String::as_str),
        q.get("after").map(String::as_str),
    )
}

/// A page as the API answers it: its rows as `each` writes them, its next cursor, and the URL
/// of the next page of the list at `path` (with the caller's `limit`).
fn page_dto<T, D: utoipa::ToSchema>(
    page: ipt_app::paging::Page<T>,
    path: &str,
    q: &HashMap<String, String>,
    each: impl Fn(&T) -> D,
) -> PageDto<D> {
    let next = page.next.as_deref().map(|cursor| match q.get("limit") {
        Some(limit) => format!("{path}?limit={}&after={cursor}", limit.trim()),
        None => format!("{path}?after={cursor}"),
    });
    PageDto {
        items: page.items.iter().map(each).collect(),
        next_cursor: page.next,
        next,
    }
}

/// A course's assessments, oldest first, `limit` (1–200, default 50) at a time.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/assessments",
    operation_id = "listAssessments",
    tag = "Sessions and measures",
    summary = "A course's assessments, oldest first, a page at a time",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("limit" = Option<u32>, Query, description = "Rows per page, 1 to 200 (default 50)"),
        ("after" = Option<String>, Query, description = "The `next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "One page", body = PageDto<AssessmentDto>),
        (status = 401, response = problem::Unauthorised),
        (status = 404, response = problem::NotFound),
        (status = 422, response = problem::Invalid),
        (status = 429, response = problem::TooManyRequests),
    ),
)]
async fn list_assessments(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let id: CourseId = path_id(&id, "course")?;
    let (limit, after) = page_query(&q);
    let page = s
        .app
        .course_assessments_page(&u.actor(), id, limit, after)
        .await?;
    let path = format!("/api/v1/courses/{id}/assessments");
    ok(page_dto(page, &path, &q, |x| AssessmentDto::from(x)))
}

/// A course's sessions, by number, `limit` (1–200, default 50) at a time.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/sessions",
    operation_id = "listSessions",
    tag = "Sessions and measures",
    summary = "A course's sessions, by number, a page at a time",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("limit" = Option<u32>, Query, description = "Rows per page, 1 to 200 (default 50)"),
        ("after" = Option<String>, Query, description = "The `next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "One page", body = PageDto<SessionDto>),
        (status = 401, response = problem::Unauthorised),
        (status = 404, response = problem::NotFound),
        (status = 422, response = problem::Invalid),
        (status = 429, response = problem::TooManyRequests),
    ),
)]
async fn list_sessions(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let id: CourseId = path_id(&id, "course")?;
    let (limit, after) = page_query(&q);
    let (course, page) = s
        .app
        .course_sessions_page(&u.actor(), id, limit, after)
        .await?;
    let path = format!("/api/v1/courses/{id}/sessions");
    ok(page_dto(page, &path, &q, |x| SessionDto::of(x, &course)))
}

/// The supervision comments on a course, for everyone who may read it, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/courses/{id}/comments",
    operation_id = "listComments",
    tag = "Supervision",
    summary = "The supervision comments on a course, oldest first, a page at a time (for everyone who may read the course)",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
        ("limit" = Option<u32>, Query, description = "Rows per page, 1 to 200 (default 50)"),
        ("after" = Option<String>, Query, description = "The `next_cursor` of the page before"),
    ),
    responses(
        (status = 200, description = "One page", body = PageDto<CommentDto>),
        (status = 401, response = problem::Unauthorised),
        (status = 404, response = problem::NotFound),
        (status = 422, response = problem::Invalid),
        (status = 429, response = problem::TooManyRequests),
    ),
)]
async fn list_comments(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let id: CourseId = path_id(&id, "course")?;
    let (limit, after) = page_query(&q);
    let page = s
        .app
        .course_comments_page(&u.actor(), id, limit, after)
        .await?;
    let path = format!("/api/v1/courses/{id}/comments");
    ok(page_dto(page, &path, &q, |c| CommentDto::from(c)))
}

/// Comment as the clinician's supervisor; anyone else gets the answer a missing course gets,
/// before the body is read.
#[utoipa::path(
    post,
    path = "/api/v1/courses/{id}/comments",
    operation_id = "addComment",
    tag = "Supervision",
    summary = "Comment as the clinician's supervisor (anyone else: 404, like a missing course)",
    params(
        ("id" = uuid::Uuid, Path, description = "The course id"),
    ),
    request_body = NewComment,
    responses(
        (status = 201, description = "The comment", body = CommentDto),
        problem::WriteProblems,
    ),
)]
async fn add_comment(
    State(s): State<AppState>,
    Extension(u): Extension<CurrentUser>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let id: CourseId = path_id(&id, "course")?;
    let actor = u.actor();
    if !s.app.may_comment(&actor, id).await {
        return Err(ApiProblem::not_found("course"));
    }
    let req: NewComment = problem::read_json(&headers, body)?;
    let text = req.text.unwrap_or_default();
    match s
        .app
        .add_supervisor_comment(&actor, id, req.session_id.as_deref(), &text)
        .await
    {
        Ok(c) => created(None, CommentDto::from(&c)),
        Err(other) => Err(other.into()),
    }
}
