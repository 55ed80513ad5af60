//! Errors of the JSON API as RFC 9457 problem details, and the reading of request bodies.
//!
//! Bad input names the field: `errors: [{field, message}]`, every problem at once. A stale
//! version answers 409 with both versions; a refused phase transition answers 422 with every
//! unmet guard. A denied record answers 404 exactly like a missing one.

use std::fmt::Display;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ipt_app::AppError;
use ipt_domain::course::{Guard, TransitionError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, ToResponse, ToSchema};

use super::schemas::{GuardCode, ProblemType};

/// Problem types with extension members. Plain status problems use `about:blank`.
pub const TYPE_INVALID: &str = "urn:ipt:problem:invalid-input";
pub const TYPE_MALFORMED: &str = "urn:ipt:problem:malformed-body";
pub const TYPE_CONFLICT: &str = "urn:ipt:problem:version-conflict";
pub const TYPE_TRANSITION: &str = "urn:ipt:problem:transition-refused";

/// One problem with one field of the request. `field` is the JSON member name, with an index
/// for arrays (`answers[3]`), or `body` for the request as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The JSON member, e.g. date_of_birth or answers[3]; 'body' for the request as a whole.
    pub field: String,
    pub message: String,
    /// The rule's stable code, for refusals of the core (the pages word the same code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A guard a phase transition needs and the course does not meet yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct UnmetGuard {
    #[schema(value_type = GuardCode)]
    pub code: String,
    pub message: String,
}

impl UnmetGuard {
    pub fn of(g: &Guard) -> Self {
        Self {
            code: g.code().to_string(),
            message: g.to_string(),
        }
    }
}

/// An RFC 9457 problem, boxed so that results carrying one stay small.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiProblem(Box<ProblemDetails>);

impl std::ops::Deref for ApiProblem {
    type Target = ProblemDetails;
    fn deref(&self) -> &ProblemDetails {
        &self.0
    }
}

impl std::ops::DerefMut for ApiProblem {
    fn deref_mut(&mut self) -> &mut ProblemDetails {
        &mut self.0
    }
}

impl From<ProblemDetails> for ApiProblem {
    fn from(p: ProblemDetails) -> Self {
        Self(Box::new(p))
    }
}

/// The JSON member a refusal names: one item of a list by its index (`area_tags[1]`).
/// A sentence continued after a colon: its first letter in lower case, unless the first word
/// is an acronym or a code (`YYYY-MM-DD`, `PHQ-9`).
fn after_colon(message: &str) -> String {
    let mut words = message.splitn(2, ' ');
    let first = words.next().unwrap_or("");
    let shouted = first.chars().filter(|c| c.is_alphabetic()).count() > 1
        && first
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    let mut chars = message.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() && !shouted => c.to_lowercase().chain(chars).collect(),
        _ => message.to_string(),
    }
}

fn member(e: &ipt_domain::rule::FieldError) -> String {
    use ipt_domain::rule::Arg;
    // A member of a list's item (`areas.stage`) is named at its item: `areas[1].stage`.
    match e.args.iter().find(|(k, _)| *k == "index") {
        Some((_, Arg::Number(i))) => match e.field.split_once('.') {
            Some((list, member)) => format!("{list}[{i}].{member}"),
            None => format!("{}[{i}]", e.field),
        },
        _ => e.field.to_string(),
    }
}

/// The members of a problem: RFC 9457's, and this API's extension members.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(
    as = Problem,
    description = "RFC 9457 problem details, with this API's extension members"
)]
pub struct ProblemDetails {
    #[serde(rename = "type")]
    #[schema(value_type = ProblemType)]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    /// In plain words; for bad input, 'field: message; …'.
    pub detail: String,
    /// Bad input, field by field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// A refused transition: every guard not met yet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<UnmetGuard>,
    /// A version conflict: the version the request carried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_version: Option<i64>,
    /// A version conflict: the version stored now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// The problem responses of the OpenAPI document: each a named response whose body is a
/// `Problem`, as `application/problem+json`.
macro_rules! problem_responses {
    ($($name:ident => $description:expr;)*) => {$(
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<utoipa::openapi::Response>) {
                let problem = ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build();
                let response = ResponseBuilder::new()
                    .description($description)
                    .content("application/problem+json", problem)
                    .build();
                (stringify!($name), response.into())
            }
        }
    )*};
}

problem_responses! {
    Malformed => format!("The body is not JSON, or not a JSON object (problem type {TYPE_MALFORMED})");
    Unauthorised => "No credentials, or a revoked or unknown token (problem type about:blank)";
    TooManyRequests => "Too many wrong API tokens from the caller's address within 15 minutes: nothing was checked; the Retry-After header says when to try again (problem type about:blank)";
    Forbidden => "The caller's role may not do this at all: administrators read no clinical records (problem type about:blank)";
    NotFound => "No such record, or one the caller may not see: the two answer alike (problem type about:blank)";
    Conflict => format!("The record changed since the caller read it (your_version, current_version), or it already exists (problem type {TYPE_CONFLICT})");
    UnsupportedMediaType => "The body was not sent as application/json (problem type about:blank)";
    Invalid => format!("Some fields need correcting (errors, problem type {TYPE_INVALID}), or a transition is refused (unmet or errors, problem type {TYPE_TRANSITION})");
}

/// Sets of problem responses shared by many operations, for `responses(...)`.
macro_rules! problem_sets {
    ($($(#[doc = $doc:literal])* $name:ident => [$($status:literal: $response:ident),*];)*) => {$(
        $(#[doc = $doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<String, RefOr<utoipa::openapi::Response>> {
                [$(($status.to_string(), Ref::from_response_name($response::response().0).into())),*]
                    .into_iter()
                    .collect()
            }
        }
    )*};
}

problem_sets! {
    /// A read of one record.
    ReadProblems => [401: Unauthorised, 404: NotFound, 429: TooManyRequests];
    /// A write with a JSON body.
    WriteProblems => [400: Malformed, 401: Unauthorised, 429: TooManyRequests, 404: NotFound, 415: UnsupportedMediaType, 422: Invalid];
    /// A write with a JSON body that carries the version the caller read.
    VersionedProblems => [400: Malformed, 401: Unauthorised, 429: TooManyRequests, 404: NotFound, 409: Conflict, 415: UnsupportedMediaType, 422: Invalid];
    /// A removal: the version comes in the query.
    RemovalProblems => [401: Unauthorised, 429: TooManyRequests, 404: NotFound, 409: Conflict, 422: Invalid];
}

impl ProblemDetails {
    pub fn new(status: u16, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title,
            status,
            detail: detail.into(),
            errors: vec![],
            unmet: vec![],
            your_version: None,
            current_version: None,
        }
    }
}

impl ApiProblem {
    pub fn new(status: u16, title: &'static str, detail: impl Into<String>) -> Self {
        ProblemDetails::new(status, title, detail).into()
    }

    /// 422: the request is well-formed JSON but some fields are not acceptable.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        // One line, `field: message; field: message`, each message carried on after its colon
        // (its first letter in lower case), as a log or a terminal shows it.
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, after_colon(&e.message)))
            .collect::<Vec<_>>()
            .join("; ");
        ProblemDetails {
            kind: TYPE_INVALID,
            errors,
            ..ProblemDetails::new(422, "Some fields need correcting", detail)
        }
        .into()
    }

    /// 422 for one field.
    pub fn field(field: &str, message: impl Display) -> Self {
        Self::invalid(vec![FieldError {
            field: field.to_string(),
            message: message.to_string(),
            code: None,
        }])
    }

    /// 400: the body is not JSON, or not an object.
    pub fn malformed(message: impl Display) -> Self {
        let message = message.to_string();
        ProblemDetails {
            kind: TYPE_MALFORMED,
            errors: vec![FieldError {
                field: "body".into(),
                message: message.clone(),
                code: None,
            }],
            ..ProblemDetails::new(400, "The request body could not be read", message)
        }
        .into()
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(404, "Not found", format!("{what} not found"))
    }

    /// 403 for actions a role may not take at all (never for a record: that is 404).
    pub fn role_forbids() -> Self {
        Self::new(
            403,
            "Not allowed for your role",
            "your role does not allow this; administrators manage accounts and read no clinical records",
        )
    }

    /// Name the field a not-found reference came from.
    pub fn with_field(mut self, field: &str) -> Self {
        let message = self.detail.clone();
        self.errors.push(FieldError {
            field: field.to_string(),
            message,
            code: None,
        });
        self
    }
}

impl IntoResponse for ApiProblem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, Json(*self.0)).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        r
    }
}

impl From<AppError> for ApiProblem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Rejected(errors) => {
                let en = crate::i18n::Tr::new(crate::i18n::Lang::En);
                Self::invalid(
                    errors
                        .iter()
                        .map(|e| FieldError {
                            field: member(e),
                            message: en.rule(e),
                            code: Some(e.code.to_string()),
                        })
                        .collect(),
                )
            }
            AppError::NotFound(what) => Self::not_found(what),
            AppError::Forbidden => Self::role_forbids(),
            AppError::Conflict {
                what,
                expected,
                actual,
            } => ProblemDetails {
                kind: TYPE_CONFLICT,
                your_version: Some(expected),
                current_version: Some(actual),
                errors: vec![FieldError {
                    field: "version".into(),
                    message: format!(
                        "you sent version {expected}; the {what} is now at version {actual}"
                    ),
                    code: None,
                }],
                ..ProblemDetails::new(
                    409,
                    "Changed by someone else",
                    format!(
                        "the {what} was changed by someone else since you read it (you sent version {expected}, it is now version {actual}); nothing was saved: read it again, then send your change with the new version"
                    ),
                )
            }
            .into(),
            AppError::Transition(t) => {
                let detail = t.to_string();
                match t {
                    TransitionError::Unmet { unmet, .. } => ProblemDetails {
                        kind: TYPE_TRANSITION,
                        unmet: unmet.iter().map(UnmetGuard::of).collect(),
                        ..ProblemDetails::new(422, "The course cannot move yet", detail)
                    }
                    .into(),
                    TransitionError::NotAllowed { .. } => ProblemDetails {
                        kind: TYPE_TRANSITION,
                        errors: vec![FieldError {
                            field: "target".into(),
                            message: detail.clone(),
                            code: None,
                        }],
                        ..ProblemDetails::new(422, "The course cannot move there", detail)
                    }
                    .into(),
                }
            }
            AppError::Duplicate(m) => Self::new(409, "Already exists", m),
            AppError::Throttled { retry_after_secs } => Self::new(
                429,
                "Too many requests",
                format!("too many attempts; try again in {retry_after_secs} seconds"),
            ),
            AppError::Busy => Self::new(
                503,
                "Service unavailable",
                "too many sign-ins are being checked at once; try again in a few seconds",
            ),
            AppError::Unavailable(m) => {
                tracing::warn!(error = %m, "storage unavailable");
                Self::new(
                    503,
                    "Service unavailable",
                    "the database cannot be reached just now; try again shortly",
                )
            }
            AppError::Internal(m) | AppError::Config(m) => {
                tracing::error!(error = %m, "internal error");
                Self::new(
                    500,
                    "Internal error",
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}

/// Members of a JSON body that do not have the types the API takes (a string where a number
/// goes): the body's shape, checked before the core reads what it says.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Display) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.to_string(),
            code: None,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Parse a code with serde's snake_case names, listing the accepted codes when it is wrong.
pub fn serde_code<T: DeserializeOwned>(code: &str, accepted: &[&str]) -> Result<T, String> {
    serde_json::from_value(Value::String(code.trim().to_string()))
        .map_err(|_| format!("'{code}' is not one of: {}", accepted.join(", ")))
}

/// Read a JSON request body into `T`.
///
/// Request types have every member optional (`#[serde(default)]`) and deny unknown members, so
/// a member of the wrong type can be found by reading it alone: the error then names it. The
/// handler checks presence and meaning when it parses into domain types.
pub fn read_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiProblem> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime != "application/json" && !mime.ends_with("+json") {
        return Err(ProblemDetails {
            errors: vec![FieldError {
                field: "body".into(),
                message: "send the body as JSON with 'Content-Type: application/json'".into(),
                code: None,
            }],
            ..ProblemDetails::new(
                415,
                "Unsupported media type",
                "send the body as JSON with 'Content-Type: application/json'",
            )
        }
        .into());
    }
    let bytes = body.map_err(|e| {
        let status = e.status();
        let mut p = ApiProblem::malformed(format!("the body could not be read: {}", e.body_text()));
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            p.status = 413;
            p.title = "The request body is too large";
        }
        p
    })?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiProblem::malformed(format!("the body is not valid JSON: {e}")))?;
    let Value::Object(members) = &value else {
        return Err(ApiProblem::malformed(
            "the body must be a JSON object, such as {\"name\": \"…\"}",
        ));
    };
    match serde_json::from_value::<T>(value.clone()) {
        Ok(v) => Ok(v),
        Err(whole) => {
            let mut errors = Errors::default();
            for (name, member) in members {
                let alone = Value::Object(Map::from_iter([(name.clone(), member.clone())]));
                if let Err(e) = serde_json::from_value::<T>(alone) {
                    errors.add(name.clone(), plain_serde_message(&e.to_string()));
                }
            }
            if errors.is_empty() {
                errors.add("body", plain_serde_message(&whole.to_string()));
            }
            Err(ApiProblem::invalid(errors.0))
        }
    }
}

/// serde's messages, slightly plainer: `invalid type: string "x", expected i64` becomes
/// `expected a whole number, got string "x"`.
fn plain_serde_message(m: &str) -> String {
    let Some(rest) = m.strip_prefix("invalid type: ") else {
        return m.to_string();
    };
    let Some((got, expected)) = rest.rsplit_once(", expected ") else {
        return m.to_string();
    };
    let expected = match expected {
        "i64" | "u64" | "u32" | "u16" | "u8" | "i32" => "a whole number",
        "a string" => "a string",
        "a boolean" => "true or false",
        e if e.starts_with("a sequence") => "an array",
        e if e.starts_with("struct") || e.starts_with("a map") => "an object",
        e => e,
    };
    format!("expected {expected}, got {got}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    struct Sample {
        name: Option<String>,
        version: Option<i64>,
        tags: Vec<String>,
    }

    fn json_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        h
    }

    fn read(body: &str) -> Result<Sample, ApiProblem> {
        read_json(&json_headers(), Ok(Bytes::from(body.to_string())))
    }

    #[test]
    fn a_member_of_the_wrong_type_is_named() {
        let p = read(r#"{"name": "x", "version": "two", "tags": 3}"#).unwrap_err();
        assert_eq!(p.status, 422);
        // Members are reported in name order.
        let fields: Vec<_> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["tags", "version"]);
        assert!(p.errors[1].message.contains("whole number"), "{p:?}");
        assert!(p.errors[0].message.contains("an array"), "{p:?}");
        assert!(p.detail.contains("version: expected"), "{}", p.detail);
    }

    #[test]
    fn unknown_members_and_bad_json_are_explained() {
        let p = read(r#"{"nmae": "x"}"#).unwrap_err();
        assert_eq!(p.errors[0].field, "nmae");
        let p = read(r#"{"name": "x",}"#).unwrap_err();
        assert_eq!((p.status, p.kind), (400, TYPE_MALFORMED));
        assert!(p.detail.contains("line 1"), "{}", p.detail);
        let p = read("[1]").unwrap_err();
        assert!(p.detail.contains("JSON object"));
        let p = read_json::<Sample>(&HeaderMap::new(), Ok(Bytes::from("{}"))).unwrap_err();
        assert_eq!(p.status, 415);
        assert_eq!(read(r#"{"name":"x"}"#).unwrap().name.as_deref(), Some("x"));
    }

    #[test]
    fn conflicts_carry_both_versions_and_refusals_every_guard() {
        let p = ApiProblem::from(AppError::Conflict {
            what: "course",
            expected: 1,
            actual: 3,
        });
        assert_eq!(
            (p.status, p.your_version, p.current_version),
            (409, Some(1), Some(3))
        );
        let p = ApiProblem::from(AppError::Transition(TransitionError::Unmet {
            to: ipt_domain::course::CourseStatus::Completed,
            unmet: vec![Guard::EndMeasureRecorded, Guard::RelapsePlanWritten],
        }));
        assert_eq!(p.status, 422);
        assert_eq!(p.unmet[0].code, "end_measure_recorded");
        assert_eq!(p.unmet.len(), 2);
    }
}
