//! The OpenAPI 3.1 document of the JSON API, written by hand and served at
//! `GET /api/v1/openapi.json` (signed in, like the rest of the API). Code lists come from the
//! domain so they cannot drift; a test checks that its operations are exactly `api::ROUTES`
//! (plus the public protocol catalogue) and that every `$ref` resolves.

use std::sync::OnceLock;

use axum::Json;
use ipt_domain::assessment::AdministrationMode;
use ipt_domain::course::{DepressionSeverity, GoalStatus, MaintenanceChoice};
use ipt_domain::indication::{EscalationFlag, FirstLineReason, Symptom};
use ipt_domain::inventory::RelationshipKind;
use ipt_domain::problem_area::{AreaKind, DisputeStage};
use ipt_domain::protocol::{Format, Frequency, Modality, Phase};
use ipt_domain::session::{Attendance, Technique};
use ipt_domain::timeline::{EpisodeSeverity, EventKind};
use serde_json::{Value, json};

use super::problem::{TYPE_CONFLICT, TYPE_INVALID, TYPE_MALFORMED, TYPE_TRANSITION};

/// Routes described here that are registered outside `api::routes()` (public ones).
pub const REGISTERED_ELSEWHERE: &[(&str, &str)] = &[("GET", "/api/v1/protocols")];

pub async fn serve() -> Json<Value> {
    Json(document().clone())
}

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn arr(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

fn or_null(v: Value) -> Value {
    json!({ "oneOf": [v, { "type": "null" }] })
}

fn obj(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

/// A request object: every member optional at the JSON level, unknown members refused.
fn input(required: &[&str], properties: Value) -> Value {
    json!({
        "type": "object",
        "required": required,
        "additionalProperties": false,
        "properties": properties
    })
}

fn codes(list: &[&str]) -> Value {
    json!({ "type": "string", "enum": list })
}

fn uuid() -> Value {
    json!({ "type": "string", "format": "uuid" })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date", "description": "YYYY-MM-DD" })
}

fn approx_date() -> Value {
    json!({
        "type": "string",
        "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
        "description": "As precisely as it is known: YYYY, YYYY-MM or YYYY-MM-DD"
    })
}

fn text() -> Value {
    json!({ "type": "string" })
}

fn int() -> Value {
    json!({ "type": "integer" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

fn version() -> Value {
    json!({
        "type": "integer",
        "description": "The version you last read; a stale one is refused with 409"
    })
}

/// One operation: its id, tag, summary, optional request body schema, success response and the
/// problem responses it can give.
fn op(
    id: &str,
    tag: &str,
    summary: &str,
    body: Option<Value>,
    success: (u16, &str, Value),
    problems: &[u16],
) -> Value {
    let mut responses = serde_json::Map::new();
    let (status, description, schema) = success;
    responses.insert(
        status.to_string(),
        json!({
            "description": description,
            "content": { "application/json": { "schema": schema } }
        }),
    );
    for p in problems {
        let name = match p {
            400 => "Malformed",
            401 => "Unauthorised",
            403 => "Forbidden",
            404 => "NotFound",
            409 => "Conflict",
            415 => "UnsupportedMediaType",
            _ => "Invalid",
        };
        responses.insert(
            p.to_string(),
            json!({ "$ref": format!("#/components/responses/{name}") }),
        );
    }
    let mut o = json!({
        "operationId": id,
        "tags": [tag],
        "summary": summary,
        "responses": responses
    });
    if let Some(schema) = body {
        o["requestBody"] = json!({
            "required": true,
            "content": { "application/json": { "schema": schema } }
        });
    }
    o
}

fn with_params(mut o: Value, params: Value) -> Value {
    o["parameters"] = params;
    o
}

fn path_param(name: &str, what: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": what,
        "schema": uuid()
    })
}

/// A removal: 204 on success, the problems a versioned write without a body can give.
fn no_content_op(id: &str, tag: &str, summary: &str) -> Value {
    let mut o = op(
        id,
        tag,
        summary,
        None,
        (204, "", json!({})),
        &[401, 404, 409, 422],
    );
    o["responses"]["204"] = json!({ "description": "Removed" });
    o
}

fn version_query() -> Value {
    json!({
        "name": "version",
        "in": "query",
        "required": true,
        "description": "The version you last read; a stale one is refused with 409",
        "schema": { "type": "integer" }
    })
}

/// Problems every write of a JSON body can give.
const WRITE: &[u16] = &[400, 401, 404, 415, 422];
/// … and writes that carry a version.
const VERSIONED: &[u16] = &[400, 401, 404, 409, 415, 422];

fn build() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "IPT Workbench API",
            "version": "1",
            "summary": "Patients, IPT courses, sessions, measures and risk alerts.",
            "description": "Everything the pages do, as JSON. Authenticate with a personal API token (`ipt token create --user NAME`) as `Authorization: Bearer TOKEN`, or a signed-in session cookie. A token carries its user's permissions: a record the user may not see answers 404, exactly like a missing one. Errors are RFC 9457 problem details (`application/problem+json`) that name the field. Dates are YYYY-MM-DD, instants RFC 3339 in UTC. See docs/api.md."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearerToken": [] }, { "sessionCookie": [] }],
        "tags": [
            { "name": "Caseload", "description": "The caller's patients at a glance, and their open risk alerts" },
            { "name": "Patients" },
            { "name": "Courses", "description": "One episode of IPT for one patient, and its phases" },
            { "name": "Initial phase", "description": "Diagnosis, inventory, timeline, focus, formulation, contract" },
            { "name": "Sessions and measures" },
            { "name": "Termination" },
            { "name": "Supervision", "description": "Comments by a clinician's supervisor on a course" },
            { "name": "Meta" }
        ],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token from `ipt token create --user NAME`"
                },
                "sessionCookie": { "type": "apiKey", "in": "cookie", "name": "ipt_session" }
            },
            "responses": {
                "Malformed": problem_response("The body is not JSON, or not a JSON object", TYPE_MALFORMED),
                "Unauthorised": problem_response("No credentials, or a revoked or unknown token", "about:blank"),
                "Forbidden": problem_response("The caller's role may not do this at all (administrators read no clinical records)", "about:blank"),
                "NotFound": problem_response("No such record, or one the caller may not see: the two answer alike", "about:blank"),
                "Conflict": problem_response("The record changed since the caller read it (your_version, current_version), or it already exists", TYPE_CONFLICT),
                "UnsupportedMediaType": problem_response("The body was not sent as application/json", "about:blank"),
                "Invalid": problem_response("Some fields need correcting (errors), or a transition is refused (unmet)", TYPE_INVALID)
            },
            "schemas": schemas()
        }
    })
}

fn paths() -> Value {
    let course_param = json!([path_param("id", "The course id")]);
    let patient_param = json!([path_param("id", "The patient id")]);
    let entries: Vec<(&str, Value)> = vec![
        (
            "/api/v1/openapi.json",
            json!({
                "get": op("getOpenApi", "Meta", "This document", None,
                    (200, "The OpenAPI 3.1 document", json!({ "type": "object" })), &[401])
            }),
        ),
        (
            "/api/v1/protocols",
            json!({
                "get": {
                    "operationId": "listProtocols",
                    "tags": ["Meta"],
                    "summary": "The treatment formats this deployment runs (public: no sign-in)",
                    "security": [],
                    "responses": { "200": {
                        "description": "The protocol catalogue",
                        "content": { "application/json": { "schema": arr(r("ProtocolSummary")) } }
                    } }
                }
            }),
        ),
        (
            "/api/v1/caseload",
            json!({
                "get": with_params(
                    op("getCaseload", "Caseload", "The caller's caseload: a supervisor's includes their supervisees' patients", None,
                        (200, "One row per patient", arr(r("CaseloadRow"))), &[401, 403, 422]),
                    json!([
                        { "name": "show", "in": "query", "required": false,
                          "schema": codes(&["all", "open", "alerts"]),
                          "description": "all (default), patients with an open course, or with open alerts" },
                        { "name": "sort", "in": "query", "required": false,
                          "schema": codes(&["name", "next", "alerts"]),
                          "description": "by name (default), next session, or most open alerts" }
                    ]))
            }),
        ),
        (
            "/api/v1/alerts",
            json!({
                "get": op("listOpenAlerts", "Caseload", "Open risk alerts of every patient on the caller's caseload", None,
                    (200, "Open alerts, oldest first", arr(r("Alert"))), &[401, 403])
            }),
        ),
        (
            "/api/v1/patients",
            json!({
                "get": op("listPatients", "Patients", "The patients on the caller's caseload, by name", None,
                    (200, "Patients", arr(r("Patient"))), &[401, 403]),
                "post": op("registerPatient", "Patients", "Register a patient into the caller's care",
                    Some(r("NewPatient")),
                    (201, "Registered; Location names the new patient", r("Patient")), &[400, 401, 403, 415, 422])
            }),
        ),
        (
            "/api/v1/patients/{id}",
            json!({
                "parameters": patient_param.clone(),
                "get": op("getPatient", "Patients", "A patient, with every risk alert ever raised for them", None,
                    (200, "The patient", r("PatientDetail")), &[401, 404])
            }),
        ),
        (
            "/api/v1/patients/{id}/courses",
            json!({
                "parameters": patient_param,
                "get": op("listPatientCourses", "Courses", "A patient's courses, oldest first", None,
                    (200, "Courses", arr(r("CourseSummary"))), &[401, 404])
            }),
        ),
        (
            "/api/v1/patients/{pid}/alerts/{aid}/acknowledgements",
            json!({
                "parameters": [path_param("pid", "The patient id"), path_param("aid", "The risk alert id")],
                "post": op("acknowledgeAlert", "Caseload", "Acknowledge a risk alert with a note of the action taken (the alert is kept for ever)",
                    Some(r("NewAcknowledgement")),
                    (201, "The acknowledged alert", r("Alert")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses",
            json!({
                "post": op("startCourse", "Courses", "Start a course for a patient, in a format",
                    Some(r("NewCourse")),
                    (201, "Started (status referred); Location names the new course", r("Course")), WRITE)
            }),
        ),
        (
            "/api/v1/courses/{id}",
            json!({
                "parameters": course_param.clone(),
                "get": op("getCourse", "Courses", "The whole course: what the course page shows", None,
                    (200, "The course view", r("CourseView")), &[401, 404])
            }),
        ),
        (
            "/api/v1/courses/{id}/transitions",
            json!({
                "parameters": course_param.clone(),
                "post": op("transitionCourse", "Courses", "Move the course to its next phase or status; a refusal lists every unmet guard",
                    Some(r("Transition")),
                    (200, "The course, moved", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/diagnosis",
            json!({
                "parameters": course_param.clone(),
                "put": op("setDiagnosis", "Initial phase", "Record the clinician's diagnosis",
                    Some(r("DiagnosisInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/indication",
            json!({
                "parameters": course_param.clone(),
                "put": op("setIndication", "Initial phase", "Record the indication and suitability checklist (decision support: nothing here blocks)",
                    Some(r("IndicationInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/focus",
            json!({
                "parameters": course_param.clone(),
                "put": op("setFocus", "Initial phase", "Choose one or two focus areas (a role dispute with its stage)",
                    Some(r("FocusInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/formulation",
            json!({
                "parameters": course_param.clone(),
                "put": op("setFormulation", "Initial phase", "Write the interpersonal formulation and, once agreed, the date the patient accepted it",
                    Some(r("FormulationInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/contract",
            json!({
                "parameters": course_param.clone(),
                "put": op("setContract", "Initial phase", "Agree the contract: number of sessions, frequency, end date",
                    Some(r("ContractInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/relapse-plan",
            json!({
                "parameters": course_param.clone(),
                "put": op("setRelapsePlan", "Termination", "Write the relapse-prevention plan",
                    Some(r("RelapsePlanInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/maintenance-decision",
            json!({
                "parameters": course_param.clone(),
                "put": op("setMaintenanceDecision", "Termination", "Record what happens after the acute course",
                    Some(r("MaintenanceDecisionInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/termination-review",
            json!({
                "parameters": course_param.clone(),
                "put": op("setTerminationReview", "Termination", "Record the termination review: gains, feelings about ending, the plan if treatment did not help enough",
                    Some(r("TerminationReviewInput")), (200, "The course", r("Course")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/inventory",
            json!({
                "parameters": course_param.clone(),
                "post": op("addInventoryPerson", "Initial phase", "Add a person to the interpersonal inventory",
                    Some(r("NewInventoryPerson")), (201, "The person", r("InventoryPerson")), WRITE)
            }),
        ),
        (
            "/api/v1/courses/{id}/inventory/{person_id}",
            json!({
                "parameters": [path_param("id", "The course id"), path_param("person_id", "The inventory person id")],
                "put": op("updateInventoryPerson", "Initial phase", "Replace a person of the interpersonal inventory",
                    Some(r("InventoryPersonInput")), (200, "The person", r("InventoryPerson")), VERSIONED),
                "delete": with_params(
                    no_content_op("deleteInventoryPerson", "Initial phase", "Remove a person from the inventory; timeline events that named them keep the event and lose the link"),
                    json!([version_query()]))
            }),
        ),
        (
            "/api/v1/courses/{id}/timeline/events",
            json!({
                "parameters": course_param.clone(),
                "post": op("addTimelineEvent", "Initial phase", "Add an interpersonal event to the timeline",
                    Some(r("NewTimelineEvent")), (201, "The event", r("TimelineEvent")), WRITE)
            }),
        ),
        (
            "/api/v1/courses/{id}/timeline/events/{event_id}",
            json!({
                "parameters": [path_param("id", "The course id"), path_param("event_id", "The timeline event id")],
                "put": op("updateTimelineEvent", "Initial phase", "Replace an interpersonal event of the timeline",
                    Some(r("TimelineEventInput")), (200, "The event", r("TimelineEvent")), VERSIONED),
                "delete": with_params(
                    no_content_op("deleteTimelineEvent", "Initial phase", "Remove an event from the timeline"),
                    json!([version_query()]))
            }),
        ),
        (
            "/api/v1/courses/{id}/timeline/episodes",
            json!({
                "parameters": course_param.clone(),
                "post": op("addMoodEpisode", "Initial phase", "Add a mood episode to the timeline",
                    Some(r("NewMoodEpisode")), (201, "The episode", r("MoodEpisode")), WRITE)
            }),
        ),
        (
            "/api/v1/courses/{id}/timeline/episodes/{episode_id}",
            json!({
                "parameters": [path_param("id", "The course id"), path_param("episode_id", "The mood episode id")],
                "put": op("updateMoodEpisode", "Initial phase", "Replace a mood episode; marking it current clears the mark on the others",
                    Some(r("MoodEpisodeInput")), (200, "The episode", r("MoodEpisode")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/sessions",
            json!({
                "parameters": course_param.clone(),
                "post": op("recordSession", "Sessions and measures", "Record a therapy session; a concern in its risk review raises a risk alert",
                    Some(r("NewSession")), (201, "The session", r("Session")), &[400, 401, 404, 409, 415, 422])
            }),
        ),
        (
            "/api/v1/courses/{id}/sessions/{session_id}",
            json!({
                "parameters": [path_param("id", "The course id"), path_param("session_id", "The session id")],
                "put": op("updateSession", "Sessions and measures", "Replace a recorded session (number and date are kept when omitted); a concern newly recorded raises a risk alert",
                    Some(r("SessionInput")), (200, "The session", r("Session")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/goals",
            json!({
                "parameters": course_param.clone(),
                "post": op("addGoal", "Sessions and measures", "Add a treatment goal tied to a focus area",
                    Some(r("NewGoal")), (201, "The goal", r("Goal")), WRITE)
            }),
        ),
        (
            "/api/v1/courses/{id}/goals/{goal_id}",
            json!({
                "parameters": [path_param("id", "The course id"), path_param("goal_id", "The goal id")],
                "put": op("updateGoal", "Sessions and measures", "Replace a goal: area, description, progress, status",
                    Some(r("GoalInput")), (200, "The goal", r("Goal")), VERSIONED)
            }),
        ),
        (
            "/api/v1/courses/{id}/assessments",
            json!({
                "parameters": course_param.clone(),
                "post": op("recordAssessment", "Sessions and measures", "Enter a questionnaire: scored at once; a final result is kept only when valid; a positive risk item raises a risk alert",
                    Some(r("NewAssessment")), (201, "The assessment, scored", r("RecordedAssessment")), WRITE)
            }),
        ),
        (
            "/api/v1/courses/{id}/comments",
            json!({
                "parameters": course_param,
                "get": op("listComments", "Supervision", "The supervision comments on a course, oldest first (for everyone who may read the course)", None,
                    (200, "Comments", arr(r("Comment"))), &[401, 404]),
                "post": op("addComment", "Supervision", "Comment as the clinician's supervisor (anyone else: 404, like a missing course)",
                    Some(r("NewComment")), (201, "The comment", r("Comment")), WRITE)
            }),
        ),
        (
            "/api/v1/users/{id}/supervisor",
            json!({
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": uuid(), "description": "The clinician's user id" }],
                "put": op("setSupervisor", "Supervision", "Assign a clinician's supervisor, or clear it with null (administrators; the supervisor must be an active supervisor account)",
                    Some(r("SupervisorInput")), (200, "The clinician's supervision", r("Supervision")), VERSIONED)
            }),
        ),
    ];
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn problem_response(description: &str, kind: &str) -> Value {
    json!({
        "description": format!("{description} (problem type {kind})"),
        "content": { "application/problem+json": { "schema": r("Problem") } }
    })
}

fn schemas() -> Value {
    let formats: Vec<&str> = Format::ALL.iter().map(|f| f.code()).collect();
    let statuses = [
        "referred",
        "initial",
        "middle",
        "termination",
        "maintenance_phase",
        "completed",
        "maintenance",
        "ended_early",
    ];
    let areas: Vec<&str> = AreaKind::ALL.iter().map(|a| a.code()).collect();
    let stages: Vec<&str> = DisputeStage::ALL.iter().map(|s| s.code()).collect();
    let relationships: Vec<&str> = RelationshipKind::ALL.iter().map(|k| k.code()).collect();
    let event_kinds: Vec<&str> = EventKind::ALL.iter().map(|k| k.code()).collect();
    let episode_severities: Vec<&str> = EpisodeSeverity::ALL.iter().map(|k| k.code()).collect();
    let attendance: Vec<&str> = Attendance::ALL.iter().map(|k| k.code()).collect();
    let modalities: Vec<&str> = Modality::ALL.iter().map(|k| k.code()).collect();
    let phases: Vec<&str> = Phase::ALL.iter().map(|k| k.code()).collect();
    let techniques: Vec<&str> = Technique::ALL.iter().map(|k| k.code()).collect();
    let frequencies: Vec<&str> = Frequency::ALL.iter().map(|k| k.code()).collect();
    let severities: Vec<&str> = DepressionSeverity::ALL.iter().map(|k| k.code()).collect();
    let choices: Vec<&str> = MaintenanceChoice::ALL.iter().map(|k| k.code()).collect();
    let goal_statuses: Vec<&str> = GoalStatus::ALL.iter().map(|k| k.code()).collect();
    let modes: Vec<&str> = AdministrationMode::ALL.iter().map(|k| k.code()).collect();
    let guards = [
        "diagnosis_recorded",
        "inventory_has_person",
        "focus_areas_chosen",
        "formulation_accepted",
        "contract_agreed",
        "end_measure_recorded",
        "relapse_plan_written",
        "maintenance_ipt_decided",
    ];
    let mut entries: Vec<(&str, Value)> = vec![
        (
            "Problem",
            json!({
                "type": "object",
                "description": "RFC 9457 problem details, with this API's extension members",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": { "type": "string", "enum": ["about:blank", TYPE_INVALID, TYPE_MALFORMED, TYPE_CONFLICT, TYPE_TRANSITION] },
                    "title": text(),
                    "status": int(),
                    "detail": { "type": "string", "description": "In plain words; for bad input, 'field: message; …'" },
                    "errors": { "type": "array", "items": r("FieldError"), "description": "Bad input, field by field" },
                    "unmet": { "type": "array", "items": r("UnmetGuard"), "description": "A refused transition: every guard not met yet" },
                    "your_version": { "type": "integer", "description": "A version conflict: the version the request carried" },
                    "current_version": { "type": "integer", "description": "A version conflict: the version stored now" }
                }
            }),
        ),
        (
            "FieldError",
            obj(
                &["field", "message"],
                json!({
                    "field": { "type": "string", "description": "The JSON member, e.g. date_of_birth or answers[3]; 'body' for the request as a whole" },
                    "message": text()
                }),
            ),
        ),
        (
            "UnmetGuard",
            obj(
                &["code", "message"],
                json!({
                    "code": codes(&guards),
                    "message": text()
                }),
            ),
        ),
        (
            "Patient",
            obj(
                &[
                    "id",
                    "name",
                    "date_of_birth",
                    "language",
                    "clinician_id",
                    "version",
                ],
                json!({
                    "id": uuid(),
                    "name": text(),
                    "date_of_birth": or_null(date()),
                    "language": codes(&["en", "it"]),
                    "clinician_id": uuid(),
                    "version": int()
                }),
            ),
        ),
        (
            "PatientDetail",
            json!({
                "allOf": [r("Patient"), obj(&["alerts"], json!({ "alerts": arr(r("Alert")) }))]
            }),
        ),
        (
            "NewPatient",
            input(
                &["name"],
                json!({
                    "name": text(),
                    "date_of_birth": date(),
                    "language": { "type": "string", "enum": ["en", "it"], "default": "en" }
                }),
            ),
        ),
        (
            "Alert",
            obj(
                &[
                    "id",
                    "patient_id",
                    "course_id",
                    "assessment_id",
                    "source",
                    "description",
                    "raised_at",
                    "open",
                    "acknowledgement",
                    "version",
                ],
                json!({
                    "id": uuid(),
                    "patient_id": uuid(),
                    "course_id": or_null(uuid()),
                    "assessment_id": or_null(uuid()),
                    "source": {
                        "oneOf": [
                            obj(&["kind", "instrument", "items"], json!({
                                "kind": { "const": "instrument" },
                                "instrument": text(),
                                "items": { "type": "array", "items": int(), "description": "Item numbers answered positively" }
                            })),
                            obj(&["kind", "session_id"], json!({
                                "kind": { "const": "session_risk_review" },
                                "session_id": uuid()
                            }))
                        ]
                    },
                    "description": text(),
                    "raised_at": { "type": "string", "format": "date-time" },
                    "open": boolean(),
                    "acknowledgement": or_null(obj(&["by", "at", "note"], json!({
                        "by": uuid(),
                        "at": { "type": "string", "format": "date-time" },
                        "note": text()
                    }))),
                    "version": int()
                }),
            ),
        ),
        (
            "NewAcknowledgement",
            input(
                &["note", "version"],
                json!({
                    "note": { "type": "string", "description": "The action taken (at least 5 characters)" },
                    "version": version()
                }),
            ),
        ),
        (
            "EndReason",
            obj(
                &["reason", "detail"],
                json!({
                    "reason": codes(&["dropout", "referred_on", "other"]),
                    "detail": or_null(text())
                }),
            ),
        ),
        (
            "CourseSummary",
            obj(
                &[
                    "id",
                    "patient_id",
                    "format",
                    "status",
                    "end_reason",
                    "started_on",
                    "ended_on",
                    "planned_sessions",
                    "version",
                ],
                json!({
                    "id": uuid(),
                    "patient_id": uuid(),
                    "format": codes(&formats),
                    "status": codes(&statuses),
                    "end_reason": or_null(r("EndReason")),
                    "started_on": date(),
                    "ended_on": or_null(date()),
                    "planned_sessions": int(),
                    "version": int()
                }),
            ),
        ),
        (
            "PhasePlan",
            obj(
                &["total", "initial_end", "termination_start"],
                json!({
                    "total": int(),
                    "initial_end": int(),
                    "termination_start": int()
                }),
            ),
        ),
        (
            "Course",
            obj(
                &[
                    "id",
                    "patient_id",
                    "clinician_id",
                    "format",
                    "status",
                    "phase_plan",
                    "planned_sessions",
                    "started_on",
                    "focus",
                    "version",
                ],
                json!({
                    "id": uuid(),
                    "patient_id": uuid(),
                    "clinician_id": uuid(),
                    "format": codes(&formats),
                    "status": codes(&statuses),
                    "end_reason": or_null(r("EndReason")),
                    "phase_plan": r("PhasePlan"),
                    "planned_sessions": int(),
                    "started_on": date(),
                    "ended_on": or_null(date()),
                    "indication": { "type": "object", "description": "The indication and suitability checklist: symptoms, two_weeks_or_more, severity, interpersonal_link, first_line_reasons, escalation_flags" },
                    "diagnosis": or_null(obj(&["statement", "severity", "recorded_on"], json!({
                        "statement": text(), "severity": codes(&severities), "recorded_on": date()
                    }))),
                    "focus": arr(obj(&["area", "stage"], json!({
                        "area": codes(&areas), "stage": or_null(codes(&stages))
                    }))),
                    "formulation": or_null(obj(&["text", "accepted_on"], json!({
                        "text": text(), "accepted_on": or_null(date())
                    }))),
                    "contract": or_null(obj(&["sessions", "frequency", "end_date", "agreed_on"], json!({
                        "sessions": int(), "frequency": codes(&frequencies), "end_date": date(), "agreed_on": date()
                    }))),
                    "relapse_plan": or_null(obj(&["warning_signs", "seek_help"], json!({
                        "warning_signs": text(), "triggers": text(), "coping": text(), "supports": text(),
                        "seek_help": text(), "written_on": or_null(date())
                    }))),
                    "maintenance_decision": or_null(obj(&["choice", "rationale", "decided_on"], json!({
                        "choice": codes(&choices), "rationale": text(), "decided_on": date()
                    }))),
                    "termination_review": or_null(obj(&[], json!({
                        "gains": text(), "feelings_about_ending": text(), "non_response_plan": text(),
                        "reviewed_on": or_null(date())
                    }))),
                    "continues_course_id": or_null(uuid()),
                    "version": int()
                }),
            ),
        ),
        (
            "NewCourse",
            input(
                &["patient_id", "format"],
                json!({
                    "patient_id": uuid(),
                    "format": codes(&formats),
                    "started_on": { "type": "string", "format": "date", "description": "Default: today" }
                }),
            ),
        ),
        (
            "Transition",
            input(
                &["target", "version"],
                json!({
                    "target": codes(&statuses[1..]),
                    "version": version(),
                    "end_reason": { "type": "string", "enum": ["dropout", "referred_on", "other"], "description": "Required when target is ended_early" },
                    "end_detail": { "type": "string", "description": "Required when end_reason is other" }
                }),
            ),
        ),
        (
            "DiagnosisInput",
            input(
                &["statement", "severity", "version"],
                json!({
                    "statement": text(),
                    "severity": codes(&severities),
                    "recorded_on": { "type": "string", "format": "date", "description": "Default: today" },
                    "version": version()
                }),
            ),
        ),
        (
            "FocusInput",
            input(
                &["areas", "version"],
                json!({
                    "areas": {
                        "type": "array", "minItems": 1, "maxItems": 2,
                        "items": input(&["area"], json!({
                            "area": codes(&areas),
                            "stage": { "type": "string", "enum": stages, "description": "Required for a role dispute, refused otherwise" }
                        }))
                    },
                    "version": version()
                }),
            ),
        ),
        (
            "FormulationInput",
            input(
                &["text", "version"],
                json!({
                    "text": text(),
                    "accepted_on": { "type": "string", "format": "date", "description": "The day the patient accepted it; not in the future" },
                    "version": version()
                }),
            ),
        ),
        (
            "ContractInput",
            input(
                &["sessions", "frequency", "end_date", "version"],
                json!({
                    "sessions": { "type": "integer", "description": "Within the format's range" },
                    "frequency": codes(&frequencies),
                    "end_date": { "type": "string", "format": "date", "description": "After the day the contract was agreed" },
                    "agreed_on": { "type": "string", "format": "date", "description": "Default: today; not before the course started, not in the future" },
                    "version": version()
                }),
            ),
        ),
        (
            "RelapsePlanInput",
            input(
                &["warning_signs", "seek_help", "version"],
                json!({
                    "warning_signs": text(), "triggers": text(), "coping": text(), "supports": text(),
                    "seek_help": text(),
                    "written_on": { "type": "string", "format": "date", "description": "Default: today" },
                    "version": version()
                }),
            ),
        ),
        (
            "MaintenanceDecisionInput",
            input(
                &["choice", "version"],
                json!({
                    "choice": codes(&choices),
                    "rationale": text(),
                    "decided_on": { "type": "string", "format": "date", "description": "Default: today" },
                    "version": version()
                }),
            ),
        ),
        (
            "InventoryNotes",
            json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "shared_activities": text(), "satisfying_aspects": text(), "unsatisfying_aspects": text(),
                    "expectations": text(), "communication_style": text(), "change_since_depression": text(),
                    "wished_changes": text()
                }
            }),
        ),
        (
            "InventoryPerson",
            obj(
                &["id", "alias", "relationship", "ring", "version"],
                json!({
                    "id": uuid(),
                    "alias": text(),
                    "relationship": codes(&relationships),
                    "ring": { "type": "integer", "minimum": 0, "maximum": 3, "description": "1 closest … 3, or 0 outside the circle" },
                    "contact_frequency": text(),
                    "confidant": boolean(),
                    "practical_support": boolean(),
                    "conflict": codes(&["none", "hidden", "open"]),
                    "reciprocity": codes(&["unknown", "met", "partly_met", "not_met"]),
                    "deceased": boolean(),
                    "area_tags": arr(codes(&areas)),
                    "notes": r("InventoryNotes"),
                    "version": int()
                }),
            ),
        ),
        (
            "NewInventoryPerson",
            input(
                &["alias", "relationship", "ring"],
                json!({
                    "alias": { "type": "string", "maxLength": 60, "description": "A name or alias" },
                    "relationship": codes(&relationships),
                    "ring": { "type": "integer", "minimum": 0, "maximum": 3 },
                    "contact_frequency": text(),
                    "confidant": boolean(),
                    "practical_support": boolean(),
                    "conflict": codes(&["none", "hidden", "open"]),
                    "reciprocity": codes(&["unknown", "met", "partly_met", "not_met"]),
                    "deceased": boolean(),
                    "area_tags": arr(codes(&areas)),
                    "notes": r("InventoryNotes")
                }),
            ),
        ),
        (
            "Snapshot",
            obj(
                &["id", "kind", "taken_on", "people"],
                json!({
                    "id": uuid(),
                    "kind": codes(&["start", "end"]),
                    "taken_on": date(),
                    "people": arr(obj(&["person_id", "alias", "relationship", "ring", "confidant"], json!({
                        "person_id": uuid(), "alias": text(), "relationship": codes(&relationships),
                        "ring": int(), "confidant": boolean()
                    })))
                }),
            ),
        ),
        (
            "TimelineEvent",
            obj(
                &["id", "date", "kind", "person_id", "description", "version"],
                json!({
                    "id": uuid(),
                    "date": approx_date(),
                    "kind": codes(&event_kinds),
                    "person_id": or_null(uuid()),
                    "description": text(),
                    "version": int()
                }),
            ),
        ),
        (
            "NewTimelineEvent",
            input(
                &["date", "kind"],
                json!({
                    "date": approx_date(),
                    "kind": codes(&event_kinds),
                    "person_id": { "type": "string", "format": "uuid", "description": "A person of this course's inventory" },
                    "description": text()
                }),
            ),
        ),
        (
            "MoodEpisode",
            obj(
                &["id", "onset", "end", "severity", "current", "version"],
                json!({
                    "id": uuid(),
                    "onset": approx_date(),
                    "end": or_null(approx_date()),
                    "severity": codes(&episode_severities),
                    "current": boolean(),
                    "version": int()
                }),
            ),
        ),
        (
            "NewMoodEpisode",
            input(
                &["onset", "severity"],
                json!({
                    "onset": approx_date(),
                    "end": approx_date(),
                    "severity": codes(&episode_severities),
                    "current": boolean()
                }),
            ),
        ),
        (
            "RiskReview",
            json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "reviewed": boolean(),
                    "concern": { "type": "boolean", "description": "A concern raises a risk alert" },
                    "note": text()
                }
            }),
        ),
        (
            "Session",
            obj(
                &[
                    "id",
                    "course_id",
                    "number",
                    "date",
                    "phase",
                    "modality",
                    "attendance",
                    "risk_review",
                    "version",
                ],
                json!({
                    "id": uuid(),
                    "course_id": uuid(),
                    "number": int(),
                    "date": date(),
                    "phase": codes(&phases),
                    "phase_override_reason": or_null(text()),
                    "modality": codes(&modalities),
                    "attendance": codes(&attendance),
                    "special": or_null(text()),
                    "techniques": arr(codes(&techniques)),
                    "strategies": arr(text()),
                    "tasks_done": arr(text()),
                    "checklist": arr(text()),
                    "interval_events": text(),
                    "agreed_actions": text(),
                    "risk_review": r("RiskReview"),
                    "notes": text(),
                    "next_date": or_null(date()),
                    "version": int()
                }),
            ),
        ),
        (
            "NewSession",
            input(
                &[],
                json!({
                    "number": { "type": "integer", "minimum": 0, "maximum": 60, "description": "Default: the next number" },
                    "date": { "type": "string", "format": "date", "description": "Default: today" },
                    "attendance": { "type": "string", "enum": attendance, "default": "attended" },
                    "modality": { "type": "string", "enum": modalities, "description": "Default: the format's" },
                    "phase": { "type": "string", "enum": phases, "description": "Default: from the course's phase plan; a different phase needs phase_override_reason" },
                    "phase_override_reason": text(),
                    "special": { "type": "string", "enum": ["engagement", "parent_involvement", "caregiver_involvement", "pre_group_individual", "group_session"] },
                    "techniques": arr(codes(&techniques)),
                    "strategies": arr(text()),
                    "tasks_done": arr(text()),
                    "checklist": arr(text()),
                    "interval_events": text(),
                    "agreed_actions": text(),
                    "risk_review": r("RiskReview"),
                    "notes": text(),
                    "next_date": { "type": "string", "format": "date", "description": "After the session's date" }
                }),
            ),
        ),
        (
            "Goal",
            obj(
                &["id", "area", "description", "progress", "status", "version"],
                json!({
                    "id": uuid(),
                    "area": codes(&areas),
                    "description": text(),
                    "progress": or_null(int()),
                    "status": codes(&goal_statuses),
                    "version": int()
                }),
            ),
        ),
        (
            "NewGoal",
            input(
                &["area", "description"],
                json!({
                    "area": codes(&areas),
                    "description": text(),
                    "progress": { "type": "integer", "minimum": 0, "maximum": 10 },
                    "status": { "type": "string", "enum": goal_statuses, "default": "open" }
                }),
            ),
        ),
        (
            "ScoreSummary",
            obj(
                &[
                    "total",
                    "severity",
                    "risk_items",
                    "valid",
                    "prorated",
                    "scoring_version",
                ],
                json!({
                    "total": or_null(json!({ "type": "number" })),
                    "severity": or_null(text()),
                    "risk_items": arr(int()),
                    "valid": boolean(),
                    "prorated": boolean(),
                    "scoring_version": text()
                }),
            ),
        ),
        (
            "Assessment",
            obj(
                &[
                    "id",
                    "patient_id",
                    "course_id",
                    "session_id",
                    "instrument",
                    "answers",
                    "status",
                    "mode",
                    "administered_at",
                    "phase",
                    "result",
                    "version",
                ],
                json!({
                    "id": uuid(),
                    "patient_id": uuid(),
                    "course_id": or_null(uuid()),
                    "session_id": or_null(uuid()),
                    "instrument": text(),
                    "answers": arr(json!({ "type": ["integer", "null"] })),
                    "status": codes(&["final", "draft"]),
                    "mode": codes(&modes),
                    "administered_at": { "type": "string", "format": "date-time" },
                    "phase": or_null(codes(&phases)),
                    "result": or_null(r("ScoreSummary")),
                    "version": int()
                }),
            ),
        ),
        (
            "RecordedAssessment",
            json!({
                "allOf": [r("Assessment"), obj(&["scoring_messages", "risk_alert_raised"], json!({
                    "scoring_messages": { "type": "array", "items": text(), "description": "Remarks that did not stop the result, e.g. an unanswered risk item" },
                    "risk_alert_raised": boolean()
                }))]
            }),
        ),
        (
            "NewAssessment",
            input(
                &["instrument", "answers"],
                json!({
                    "instrument": { "type": "string", "description": "An instrument code, e.g. phq9 (see `ipt instruments`)" },
                    "answers": {
                        "type": "array",
                        "items": { "type": ["integer", "null"], "minimum": 0, "maximum": 255 },
                        "description": "Item scores in item order; null for a missing item"
                    },
                    "status": { "type": "string", "enum": ["final", "draft"], "default": "final", "description": "A final result is refused unless the answers score validly" },
                    "mode": { "type": "string", "enum": modes, "default": "clinician" },
                    "session_id": { "type": "string", "format": "uuid" },
                    "administered_at": { "type": "string", "format": "date-time", "description": "Default: now" }
                }),
            ),
        ),
        (
            "Move",
            obj(
                &["target", "ready", "unmet"],
                json!({
                    "target": codes(&statuses[1..]),
                    "ready": boolean(),
                    "unmet": arr(r("UnmetGuard"))
                }),
            ),
        ),
        (
            "CourseView",
            obj(
                &[
                    "course",
                    "patient",
                    "next",
                    "inventory",
                    "snapshots",
                    "timeline",
                    "sessions",
                    "goals",
                    "assessments",
                ],
                json!({
                    "course": r("Course"),
                    "patient": r("Patient"),
                    "next": { "type": "array", "items": r("Move"), "description": "Where the course can move next, and what each move still needs" },
                    "inventory": arr(r("InventoryPerson")),
                    "snapshots": arr(r("Snapshot")),
                    "timeline": obj(&["events", "episodes"], json!({
                        "events": arr(r("TimelineEvent")),
                        "episodes": arr(r("MoodEpisode"))
                    })),
                    "sessions": arr(r("Session")),
                    "goals": arr(r("Goal")),
                    "assessments": arr(r("Assessment"))
                }),
            ),
        ),
        (
            "CaseloadRow",
            obj(
                &[
                    "patient",
                    "course",
                    "sessions_attended",
                    "planned_sessions",
                    "next_session",
                    "latest_score",
                    "open_alerts",
                    "signals",
                ],
                json!({
                    "patient": r("Patient"),
                    "course": or_null(r("CourseSummary")),
                    "sessions_attended": int(),
                    "planned_sessions": int(),
                    "next_session": or_null(date()),
                    "latest_score": or_null(obj(&["instrument", "total", "severity", "on", "previous", "trend"], json!({
                        "instrument": text(),
                        "total": { "type": "number" },
                        "severity": or_null(text()),
                        "on": date(),
                        "previous": or_null(json!({ "type": "number" })),
                        "trend": codes(&["first", "better", "worse", "same"])
                    }))),
                    "open_alerts": arr(r("Alert")),
                    "signals": arr(r("Signal"))
                }),
            ),
        ),
        (
            "Signal",
            obj(
                &["kind", "link", "detail"],
                json!({
                    "kind": codes(&[
                        "open_alerts",
                        "reliable_deterioration",
                        "not_on_track",
                        "measures_overdue",
                        "missed_sessions",
                        "contract_overrunning"
                    ]),
                    "link": { "type": "string", "description": "The web page where the signal is acted on" },
                    "detail": {
                        "type": "object",
                        "description": "The facts that explain the signal, by kind. open_alerts: count. reliable_deterioration: instrument, baseline, latest, latest_on, reliable_points. not_on_track: instrument, baseline, latest, improvement_percent, threshold_percent, attended, planned. measures_overdue: instrument, due (baseline, repeat or end), every, sessions_since, last_measured. missed_sessions: in_a_row, last_missed. contract_overrunning: attended, contracted, end_date, sessions_over, past_end_date."
                    }
                }),
            ),
        ),
        (
            "ProtocolSummary",
            obj(
                &[
                    "format",
                    "name",
                    "sessions",
                    "default_sessions",
                    "phases",
                    "recommended_instruments",
                    "measure_every",
                ],
                json!({
                    "format": codes(&formats),
                    "name": text(),
                    "sessions": { "type": "array", "items": int(), "minItems": 2, "maxItems": 2, "description": "[min, max]" },
                    "default_sessions": int(),
                    "phases": arr(obj(&["phase", "sessions", "tasks"], json!({
                        "phase": codes(&phases),
                        "sessions": or_null(json!({ "type": "array", "items": int(), "minItems": 2, "maxItems": 2 })),
                        "tasks": arr(text())
                    }))),
                    "recommended_instruments": arr(text()),
                    "measure_every": int()
                }),
            ),
        ),
    ];
    // Replacements: the creation schema, with the version that was read required too.
    let with_version = |entries: &[(&str, Value)], name: &str| {
        let mut v = entries
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        v["properties"]["version"] = version();
        if let Some(req) = v["required"].as_array_mut() {
            req.push(json!("version"));
        }
        v
    };
    let replacements = [
        ("InventoryPersonInput", "NewInventoryPerson"),
        ("TimelineEventInput", "NewTimelineEvent"),
        ("MoodEpisodeInput", "NewMoodEpisode"),
        ("SessionInput", "NewSession"),
        ("GoalInput", "NewGoal"),
    ];
    for (name, from) in replacements {
        let v = with_version(&entries, from);
        entries.push((name, v));
    }
    let symptoms: Vec<&str> = Symptom::ALL.iter().map(|k| k.code()).collect();
    let reasons: Vec<&str> = FirstLineReason::ALL.iter().map(|k| k.code()).collect();
    let flags: Vec<&str> = EscalationFlag::ALL.iter().map(|k| k.code()).collect();
    entries.extend([
        (
            "IndicationInput",
            input(
                &["version"],
                json!({
                    "symptoms": arr(codes(&symptoms)),
                    "two_weeks_or_more": boolean(),
                    "severity": { "type": "string", "enum": severities, "description": "Omit, or empty, when not rated" },
                    "interpersonal_link": text(),
                    "first_line_reasons": arr(codes(&reasons)),
                    "escalation_flags": arr(codes(&flags)),
                    "version": version()
                }),
            ),
        ),
        (
            "TerminationReviewInput",
            input(
                &["version"],
                json!({
                    "gains": text(),
                    "feelings_about_ending": text(),
                    "non_response_plan": text(),
                    "reviewed_on": { "type": "string", "format": "date", "description": "Default: today; not in the future" },
                    "version": version()
                }),
            ),
        ),
        (
            "Comment",
            obj(
                &["id", "course_id", "session_id", "author_id", "text", "written_at"],
                json!({
                    "id": uuid(),
                    "course_id": uuid(),
                    "session_id": or_null(uuid()),
                    "author_id": uuid(),
                    "text": text(),
                    "written_at": { "type": "string", "format": "date-time" }
                }),
            ),
        ),
        (
            "SupervisorInput",
            input(
                &["supervisor_id", "version"],
                json!({
                    "supervisor_id": or_null(uuid()),
                    "version": version()
                }),
            ),
        ),
        (
            "Supervision",
            obj(
                &["user_id", "supervisor_id", "version"],
                json!({
                    "user_id": uuid(),
                    "supervisor_id": or_null(uuid()),
                    "version": { "type": "integer" }
                }),
            ),
        ),
        (
            "NewComment",
            input(
                &["text"],
                json!({
                    "text": { "type": "string", "maxLength": 4000 },
                    "session_id": { "type": "string", "format": "uuid", "description": "A session of this course" }
                }),
            ),
        ),
    ]);
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// Every (method, path) the document describes.
pub fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut ops = vec![];
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "put", "post", "delete", "patch"] {
                if item.get(method).is_some() {
                    ops.push((method.to_ascii_uppercase(), path.clone()));
                }
            }
        }
    }
    ops.sort();
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref"
                        && let Some(s) = x.as_str()
                    {
                        out.push(s.to_string());
                    }
                    refs(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves_and_every_operation_has_a_unique_id() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        let mut all = vec![];
        refs(doc, &mut all);
        assert!(!all.is_empty());
        for reference in all {
            let pointer = reference.trim_start_matches('#');
            assert!(
                doc.pointer(pointer).is_some(),
                "{reference} does not resolve"
            );
        }
        let mut ids = vec![];
        for (method, path) in operations(doc) {
            let op = &doc["paths"][&path][method.to_ascii_lowercase()];
            ids.push(op["operationId"].as_str().unwrap().to_string());
            for param in path.split('{').skip(1) {
                let name = param.split('}').next().unwrap();
                let declared = doc["paths"][&path]["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == name));
                assert!(
                    declared,
                    "{method} {path}: parameter {name} is not declared"
                );
            }
        }
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate operationId");
    }
}
