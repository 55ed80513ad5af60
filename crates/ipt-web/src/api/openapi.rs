//! The OpenAPI 3.1 document of the JSON API, generated from the code with utoipa and served at
//! `GET /api/v1/openapi.json` (signed in, like the rest of the API).
//!
//! - Each operation is described by `#[utoipa::path(...)]` on its handler (`api.rs`, and the
//!   public protocol catalogue and the programme outcomes outside it), listed in `ApiDoc` below.
//! - Request and response bodies are the DTOs' schemas, derived with `ToSchema` (`dto.rs`,
//!   `problem.rs`); code lists and the few domain types the API writes as they are come from
//!   `schemas.rs`, built from the domain's own lists so they cannot drift.
//! - The problem responses (`problem.rs`) are named components with `application/problem+json`
//!   bodies; the security schemes are added here.
//!
//! Tests check that its operations are exactly `api::ROUTES` plus `REGISTERED_ELSEWHERE`, that
//! every `$ref` resolves, and, in `tests/`, that every response the API tests receive matches
//! the schema documented for its operation and status.

use std::sync::OnceLock;

use axum::Json;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::problem::{
    Conflict, Forbidden, Invalid, Malformed, NotFound, ProblemDetails, TooManyRequests,
    Unauthorised, UnsupportedMediaType,
};

/// Routes described here that are registered outside `api::routes()`: the public protocol
/// catalogue, and the programme outcomes that share their handler module with the page.
pub const REGISTERED_ELSEWHERE: &[(&str, &str)] = &[
    ("GET", "/api/v1/protocols"),
    ("GET", "/api/v1/analytics/outcomes"),
];

const DESCRIPTION: &str = "Patients, IPT courses, sessions, measures and risk alerts: everything the pages do, as JSON. Authenticate with a personal API token (`ipt token create --user NAME`) as `Authorization: Bearer TOKEN`, or a signed-in session cookie. A token carries its user's permissions: a record the user may not see answers 404, exactly like a missing one. Errors are RFC 9457 problem details (`application/problem+json`) that name the field. Dates are YYYY-MM-DD, instants RFC 3339 in UTC. See docs/api.md.";

#[derive(OpenApi)]
#[openapi(
    info(title = "IPT Workbench API", version = "1", description = DESCRIPTION),
    servers((url = "/")),
    security(("bearerToken" = []), ("sessionCookie" = [])),
    tags(
        (name = "Caseload", description = "The caller's patients at a glance, and their open risk alerts"),
        (name = "Patients"),
        (name = "Courses", description = "One episode of IPT for one patient, and its phases"),
        (name = "Initial phase", description = "Diagnosis, inventory, timeline, focus, formulation, contract"),
        (name = "Sessions and measures"),
        (name = "Termination"),
        (name = "Supervision", description = "Comments by a clinician's supervisor on a course"),
        (name = "Analytics", description = "Programme outcomes: aggregates only, no patient is named"),
        (name = "Meta"),
    ),
    paths(
        serve,
        crate::protocols::json,
        crate::analytics::json,
        super::caseload,
        super::list_alerts,
        super::list_patients,
        super::create_patient,
        super::show_patient,
        super::patient_courses,
        super::acknowledge_alert,
        super::start_course,
        super::show_course,
        super::transition,
        super::set_diagnosis,
        super::set_indication,
        super::set_focus,
        super::set_formulation,
        super::set_contract,
        super::set_relapse_plan,
        super::set_maintenance_decision,
        super::set_termination_review,
        super::set_safety_plan,
        super::set_inventory_patterns,
        super::add_medication_change,
        super::add_person,
        super::update_person,
        super::delete_person,
        super::add_event,
        super::update_event,
        super::delete_event,
        super::add_episode,
        super::update_episode,
        super::list_sessions,
        super::add_session,
        super::update_session,
        super::add_goal,
        super::update_goal,
        super::list_assessments,
        super::add_assessment,
        super::list_comments,
        super::add_comment,
        super::set_supervisor,
    ),
    components(schemas(ProblemDetails), responses(
        Malformed,
        Unauthorised,
        TooManyRequests,
        Forbidden,
        NotFound,
        Conflict,
        UnsupportedMediaType,
        Invalid,
    )),
    modifiers(&SecuritySchemes),
)]
struct ApiDoc;

/// The two ways to sign in, named by the document's `security`.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let bearer = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A personal API token from `ipt token create --user NAME`",
            ))
            .build();
        components.add_security_scheme("bearerToken", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "sessionCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "getOpenApi",
    tag = "Meta",
    summary = "This document",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", body = Object),
        (status = 401, response = Unauthorised),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn serve() -> Json<Value> {
    Json(document().clone())
}

/// The document, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        drop_empty_defaults(&mut doc);
        doc
    })
}

/// Requests read a missing member as its `Default` (`#[serde(default)]`), and the derive writes
/// that value as each member's `default`; a member the handler requires has none to speak of,
/// and `null` (absent) says nothing.
fn drop_empty_defaults(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let required: Vec<String> = m
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                for (name, p) in props.iter_mut() {
                    if let Value::Object(p) = p
                        && (required.contains(name) || p.get("default") == Some(&Value::Null))
                    {
                        p.remove("default");
                    }
                }
            }
            m.values_mut().for_each(drop_empty_defaults);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_empty_defaults),
        _ => {}
    }
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
                // Declared on the operation (as utoipa writes them) or on the path item.
                let declared = [&op["parameters"], &doc["paths"][&path]["parameters"]]
                    .iter()
                    .filter_map(|ps| ps.as_array())
                    .any(|ps| ps.iter().any(|p| p["name"] == name && p["in"] == "path"));
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

    #[test]
    fn the_security_schemes_and_the_public_catalogue_are_described() {
        let doc = document();
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearerToken"]["scheme"], "bearer");
        assert_eq!(schemes["sessionCookie"]["in"], "cookie");
        assert_eq!(
            schemes["sessionCookie"]["name"],
            crate::auth::SESSION_COOKIE
        );
        let public = &doc["paths"]["/api/v1/protocols"]["get"]["security"];
        assert_eq!(public, &serde_json::json!([{}]), "no sign-in needed");
        let not_found = &doc["components"]["responses"]["NotFound"]["content"];
        assert!(not_found["application/problem+json"]["schema"]["$ref"].is_string());
    }
}
