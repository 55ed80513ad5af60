//! `/courses/{id}/contract`: the treatment contract (clinical reference §1.1, task 9): how many
//! sessions, how often, and until when. The number of sessions must fit the format's range,
//! and agreeing it re-plans the phases to match. A saved contract the core warns about (an
//! acute course at a pace other than weekly) shows the warning above the form.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use ipt_app::AppError;
use ipt_domain::course::{ContractInput, Course};
use ipt_domain::protocol::{Frequency, Protocol};
use time::Date;

use super::form::{Errors, FormData, Input, Posted};
use super::view::{Head, REFUSED, STALE, load_page, page_ctx, respond, saved, write_access};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::kit::{PageCtx, PageError, fail, format_label};

#[derive(Template, WebTemplate)]
#[template(path = "initial/contract.html")]
pub struct ContractPage {
    pub page: PageCtx,
    pub head: Head,
    pub current: String,
    /// What the core asks the clinician to look at again in the saved contract (an acute
    /// course at a pace other than weekly), in the reader's language.
    pub warnings: Vec<String>,
    pub fields: Vec<Input>,
    pub version: i64,
    pub has_errors: bool,
    pub message: Option<String>,
}

pub struct ContractValues {
    sessions: String,
    frequency: String,
    end_date: String,
    agreed_on: String,
}

impl ContractValues {
    fn of(c: &Course, p: &Protocol, today: Date) -> Self {
        match &c.contract {
            Some(k) => Self {
                sessions: k.sessions.to_string(),
                frequency: k.frequency.code().to_string(),
                end_date: k.end_date.to_string(),
                agreed_on: k.agreed_on.to_string(),
            },
            None => {
                // A starting suggestion: the format's usual count at its usual pace from today.
                let end = today
                    + time::Duration::days(
                        i64::from(p.default_sessions) * p.default_frequency.days_between(),
                    );
                Self {
                    sessions: p.default_sessions.to_string(),
                    frequency: p.default_frequency.code().to_string(),
                    end_date: end.to_string(),
                    agreed_on: today.to_string(),
                }
            }
        }
    }

    fn posted(f: &FormData) -> Self {
        Self {
            sessions: f.get("sessions").trim().to_string(),
            frequency: f.get("frequency").trim().to_string(),
            end_date: f.get("end_date").trim().to_string(),
            agreed_on: f.get("agreed_on").trim().to_string(),
        }
    }
}

fn range_text(t: &Tr, p: &Protocol) -> String {
    t.with(
        "initial-contract-range",
        &[
            ("format", format_label(t, p.format)),
            ("min", p.min_sessions.to_string()),
            ("max", p.max_sessions.to_string()),
        ],
    )
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    page: PageCtx,
    id: &str,
    q: &HashMap<String, String>,
    posted: Option<Posted<ContractValues>>,
) -> Result<ContractPage, PageError> {
    let (mut page, view, head) = load_page(state, user, page, id, "contract", q).await?;
    let t = page.t;
    let c = &view.course;
    let p = state.app.protocols.get(c.format);
    let today = state.app.today();
    let saved_values = c.contract.map(|_| ContractValues::of(c, p, today));
    let (values, errors, version, stale, message) = match posted {
        Some(x) => (
            x.values,
            x.errors,
            x.version.unwrap_or(c.version),
            x.stale,
            x.message,
        ),
        None => (
            ContractValues::of(c, p, today),
            Errors::new(),
            c.version,
            false,
            None,
        ),
    };
    let sv = if stale { saved_values.as_ref() } else { None };
    let fields = vec![
        Input::new(
            "sessions",
            t.get("initial-contract-sessions"),
            "number",
            &values.sessions,
        )
        .range(i64::from(p.min_sessions), i64::from(p.max_sessions))
        .hint(range_text(&t, p))
        .required()
        .error_from(&errors)
        .saved_from(sv.map(|s| s.sessions.as_str()), &t),
        Input::new(
            "frequency",
            t.get("initial-contract-frequency"),
            "select",
            &values.frequency,
        )
        .options(
            Frequency::ALL
                .iter()
                .map(|f| {
                    (
                        f.code().to_string(),
                        t.get(&format!("frequency-{}", f.code())),
                    )
                })
                .collect(),
        )
        .error_from(&errors)
        .saved_from(sv.map(|s| s.frequency.as_str()), &t),
        Input::new(
            "end_date",
            t.get("initial-contract-end"),
            "date",
            &values.end_date,
        )
        .hint(t.get("initial-contract-end-hint"))
        .required()
        .error_from(&errors)
        .saved_from(sv.map(|s| s.end_date.as_str()), &t),
        Input::new(
            "agreed_on",
            t.get("initial-contract-agreed-on"),
            "date",
            &values.agreed_on,
        )
        .hint(t.get("initial-contract-agreed-on-hint"))
        .error_from(&errors)
        .saved_from(sv.map(|s| s.agreed_on.as_str()), &t),
    ];
    let current = c
        .contract
        .map(|k| {
            t.with(
                "initial-contract-current",
                &[
                    (
                        "summary",
                        t.with(
                            "course-contract-summary",
                            &[
                                ("sessions", k.sessions.to_string()),
                                (
                                    "frequency",
                                    t.get(&format!("frequency-{}", k.frequency.code())),
                                ),
                                ("end", t.date(k.end_date)),
                            ],
                        ),
                    ),
                    ("agreed", t.date(k.agreed_on)),
                ],
            )
        })
        .unwrap_or_else(|| t.get("initial-contract-none"));
    let warnings = c
        .contract
        .map(|k| k.warnings(c.format).iter().map(|w| t.rule(w)).collect())
        .unwrap_or_default();
    page.title = format!("{} · {}", t.get("section-contract"), head.patient_name);
    Ok(ContractPage {
        current,
        warnings,
        fields,
        version,
        has_errors: !errors.is_empty(),
        message,
        head,
        page,
    })
}

fn path(id: &str) -> String {
    format!("/courses/{id}/contract")
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<ContractPage, PageError> {
    let page = page_ctx(&headers, &user, "section-contract", &path(&id));
    render(&state, &user, page, &id, &q, None).await
}

pub async fn save(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let page = page_ctx(&headers, &user, "section-contract", &path(&id));
    let t = page.t;
    let course = match write_access(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return fail(page)(e).into_response(),
    };
    let f = FormData(pairs);
    let values = ContractValues::posted(&f);
    let q = HashMap::new();
    let input = ContractInput {
        sessions: Some(values.sessions.clone()),
        frequency: Some(values.frequency.clone()),
        end_date: Some(values.end_date.clone()),
        agreed_on: Some(values.agreed_on.clone()),
    };
    match state
        .app
        .enter_contract(&user.actor(), course.id, f.version_given(), &input)
        .await
    {
        Ok(_) => saved(&id, "contract", "contract"),
        Err(AppError::Conflict { .. }) => {
            let posted = Posted::stale(values, &t);
            respond(
                render(&state, &user, page, &id, &q, Some(posted)).await,
                STALE,
            )
        }
        Err(AppError::Rejected(refused)) => {
            let posted = Posted::rejected(values, &t, &refused, f.version());
            respond(
                render(&state, &user, page, &id, &q, Some(posted)).await,
                REFUSED,
            )
        }
        Err(e) => fail(page)(e).into_response(),
    }
}
