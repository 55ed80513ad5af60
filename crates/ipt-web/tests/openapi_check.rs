//! Every answer under `/api/v1` that a test receives is checked against the OpenAPI document the
//! server serves: the operation is found by method and path template, the status must be one it
//! documents, and the body must match that response's schema. The test harness calls `check` on
//! each reply (`TestApp::request`, and the health tests' own helper), so a response that drifts
//! from the document fails the test that got it.
//!
//! The check is stricter than the document in one way: an object may carry only the members its
//! schema names (every object schema is closed with `unevaluatedProperties: false` for the
//! check), so a member the document does not mention is found too. Free-form objects (no
//! `properties`) stay open.
//!
//! An address or method the document does not describe must answer a problem (404 or 405).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use ipt_web::api::openapi;
use jsonschema::Validator;
use serde_json::{Map, Value, json};

/// Check one reply; panics with the operation, status and schema errors when it does not match.
pub fn check(method: &str, uri: &str, status: u16, content_type: &str, body: &str) {
    let path = uri.split('?').next().unwrap_or(uri);
    if !path.starts_with("/api/v1/") {
        return;
    }
    let doc = openapi::document();
    let method = method.to_ascii_lowercase();
    let Some((template, op)) = operation(doc, &method, path) else {
        let m = method.to_ascii_uppercase();
        assert!(
            status == 404 || status == 405,
            "{m} {path} is not in the OpenAPI document, yet answered {status}"
        );
        validate(
            &format!("{m} {path} (not documented)"),
            status,
            &json!({ "$ref": "#/components/schemas/Problem" }),
            body,
        );
        return;
    };
    let name = format!(
        "{} ({} {template})",
        op["operationId"].as_str().unwrap_or("?"),
        method.to_ascii_uppercase()
    );
    let responses = &op["responses"];
    let Some(response) = responses.get(status.to_string()) else {
        let documented: Vec<&String> = responses
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        panic!(
            "{name} answered {status}, which the document does not list (it lists {documented:?}): {body}"
        );
    };
    let response = resolve(doc, response);
    let Some(content) = response["content"].as_object() else {
        assert!(
            body.is_empty(),
            "{name} answered {status} with a body, but the document describes none: {body}"
        );
        return;
    };
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let Some(media_type) = content.get(&media) else {
        let documented: Vec<&String> = content.keys().collect();
        panic!(
            "{name} answered {status} as '{content_type}', but the document describes {documented:?}: {body}"
        );
    };
    validate(&name, status, &media_type["schema"], body);
}

/// The operation for a method and a concrete path: the template that matches it with the most
/// literal segments.
fn operation<'d>(doc: &'d Value, method: &str, path: &str) -> Option<(&'d str, &'d Value)> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    doc["paths"]
        .as_object()?
        .iter()
        .filter_map(|(template, item)| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (p, s) in parts.iter().zip(&segments) {
                if p.starts_with('{') && p.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if p == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            let op = item.get(method)?;
            Some((literal, template.as_str(), op))
        })
        .max_by_key(|(literal, _, _)| *literal)
        .map(|(_, template, op)| (template, op))
}

/// A `$ref` to a component (a response), followed.
fn resolve<'d>(doc: &'d Value, v: &'d Value) -> &'d Value {
    match v["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("{r} does not resolve")),
        None => v,
    }
}

fn validate(name: &str, status: u16, schema: &Value, body: &str) {
    let instance: Value = serde_json::from_str(body).unwrap_or_else(|e| {
        panic!("{name} answered {status} with a body that is not JSON ({e}): {body}")
    });
    let validator = validator(schema);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("at '{}': {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} answered {status} with a body that does not match its schema:\n  {}\nbody: {}",
        errors.join("\n  "),
        serde_json::to_string_pretty(&instance).unwrap_or_default()
    );
}

/// A validator for one response schema, with the document's (closed) component schemas beside
/// it so that `#/components/schemas/...` resolves; built once per schema.
fn validator(schema: &Value) -> Arc<Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Validator>>>> = OnceLock::new();
    let key = schema.to_string();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(&key) {
        return v.clone();
    }
    let (components, combined) = closed_components();
    let mut root = match close(schema, false, combined) {
        Value::Object(m) => m,
        other => Map::from_iter([("allOf".to_string(), json!([other]))]),
    };
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("components".into(), json!({ "schemas": components }));
    let v = Arc::new(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .unwrap_or_else(|e| panic!("the document's schema does not compile: {e}")),
    );
    cache.lock().unwrap().insert(key, v.clone());
    v
}

/// The document's component schemas, each object closed to the members it names. A schema that
/// another combines with more members (`allOf`) stays open as a member of the combination (the
/// combination is closed instead) and gets a closed twin, `NAME.closed`, for its other uses.
fn closed_components() -> (&'static Value, &'static HashSet<String>) {
    static CLOSED: OnceLock<(Value, HashSet<String>)> = OnceLock::new();
    let (v, c) = CLOSED.get_or_init(|| {
        let schemas = &openapi::document()["components"]["schemas"];
        let mut combined = HashSet::new();
        all_of_refs(schemas, &mut combined);
        let mut closed = Map::new();
        for (name, s) in schemas.as_object().into_iter().flatten() {
            let member = combined.contains(name);
            closed.insert(name.clone(), close(s, member, &combined));
            if member {
                closed.insert(format!("{name}.closed"), close(s, false, &combined));
            }
        }
        (Value::Object(closed), combined)
    });
    (v, c)
}

/// Names of the component schemas that appear as members of an `allOf`.
fn all_of_refs(v: &Value, out: &mut HashSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(members)) = m.get("allOf") {
                for r in members.iter().filter_map(|x| x["$ref"].as_str()) {
                    out.insert(r.rsplit('/').next().unwrap_or(r).to_string());
                }
            }
            m.values().for_each(|x| all_of_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| all_of_refs(x, out)),
        _ => {}
    }
}

/// `v` with every object schema that names its members closed to them; `open` leaves this one
/// (but not those inside it) open, for a member of an `allOf`.
fn close(v: &Value, open: bool, combined: &HashSet<String>) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            if !open
                && let Some(r) = m.get("$ref").and_then(Value::as_str)
                && let Some(name) = r.strip_prefix("#/components/schemas/")
                && combined.contains(name)
            {
                out.insert("$ref".into(), json!(format!("{r}.closed")));
            }
            for (k, x) in m {
                let x = match k.as_str() {
                    // The members of a combination are closed by the combination itself.
                    "allOf" => match x {
                        Value::Array(members) => {
                            let members = members.iter().map(|s| close(s, true, combined));
                            Value::Array(members.collect())
                        }
                        other => close(other, false, combined),
                    },
                    // Member names, examples and defaults are data, not schemas.
                    "properties" => match x {
                        Value::Object(props) => Value::Object(
                            props
                                .iter()
                                .map(|(name, s)| (name.clone(), close(s, false, combined)))
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    "example" | "examples" | "default" | "enum" | "const" => x.clone(),
                    _ => close(x, false, combined),
                };
                out.entry(k.clone()).or_insert(x);
            }
            let names_members = m.contains_key("properties") || m.contains_key("allOf");
            if !open && names_members && !m.contains_key("additionalProperties") {
                out.insert("unevaluatedProperties".into(), Value::Bool(false));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| close(x, false, combined)).collect()),
        other => other.clone(),
    }
}

/// The check itself: it passes what the document describes and refuses a wrong type, a missing
/// member, an undocumented member, an undocumented status and an unknown address that is not a
/// problem.
#[test]
fn the_check_refuses_what_the_document_does_not_describe() {
    let supervision = json!({
        "user_id": "0196a9a4-9c0e-7a8b-8f00-000000000001",
        "supervisor_id": null,
        "version": 2,
    });
    let put = |status: u16, body: &Value| {
        let body = body.to_string();
        std::panic::catch_unwind(|| {
            check(
                "PUT",
                "/api/v1/users/0196a9a4-9c0e-7a8b-8f00-000000000001/supervisor",
                status,
                "application/json",
                &body,
            )
        })
        .is_ok()
    };
    assert!(put(200, &supervision));
    let mut wrong = supervision.clone();
    wrong["version"] = json!("two");
    assert!(!put(200, &wrong), "a member of the wrong type");
    let mut missing = supervision.clone();
    missing.as_object_mut().unwrap().remove("user_id");
    assert!(!put(200, &missing), "a required member missing");
    let mut extra = supervision.clone();
    extra["surprise"] = json!(true);
    assert!(!put(200, &extra), "a member the document does not name");
    assert!(
        !put(418, &supervision),
        "a status the document does not list"
    );
    let unknown =
        std::panic::catch_unwind(|| check("GET", "/api/v1/nothing", 200, "application/json", "{}"));
    assert!(unknown.is_err(), "an undocumented address that answers 200");
}
