//! `/courses/{id}/inventory/patterns`: the interpersonal inventory's global fields (reference
//! §3.2): relational patterns, the ability to assert oneself, social risk-taking and a brief
//! history of relationships, recorded at the start and again at the end of the course, side by
//! side, with the secondary outcomes beneath them.
//!
//! The rules are the core's (`InventoryGlobalsInput`, `App::enter_inventory_globals`): the page
//! shows what is saved, sends what was typed, and words the refusals at their fields. A stale
//! save keeps what was typed and shows what was saved meanwhile.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_domain::course::Course;
use ipt_domain::inventory::{InventoryGlobals, InventoryGlobalsInput, SnapshotKind};

use super::secondary::{SecondaryPanel, secondary_panel};
use super::view::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::kit::{PageCtx, PageError, ctx, fail};
use crate::refusals::place;

/// The form's fields, where its refusals are shown.
const SLOTS: [&str; 5] = [
    "relational_patterns",
    "self_assertion",
    "social_risk_taking",
    "relationship_history",
    "recorded_on",
];

#[derive(Template, WebTemplate)]
#[template(path = "sessions/globals.html")]
pub struct GlobalsPage {
    pub page: PageCtx,
    pub header: Header,
    pub heading: String,
    pub can_write: bool,
    /// The start and the end forms, in that order.
    pub forms: Vec<(String, FormBlock)>,
    pub secondary: SecondaryPanel,
}

type Pending<'a> = super::view::Pending<'a, Option<SnapshotKind>>;

fn saved(g: Option<&InventoryGlobals>, today: time::Date) -> HashMap<&'static str, String> {
    let g = g.cloned().unwrap_or_default();
    let mut saved: HashMap<&'static str, String> = InventoryGlobals::FIELDS
        .iter()
        .zip(g.texts())
        .map(|(k, v)| (*k, v.to_string()))
        .collect();
    saved.insert("recorded_on", g.recorded_on.unwrap_or(today).to_string());
    saved
}

fn globals_page(state: &AppState, l: Loaded, p: Pending<'_>) -> GlobalsPage {
    let t = l.page.t;
    let c = &l.view.course;
    let today = state.app.today();
    let forms = SnapshotKind::ALL
        .iter()
        .map(|&kind| {
            let saved = saved(c.inventory_globals.get(kind), today);
            let mine = p.which == Some(kind);
            let inputs: Vec<Input> = SLOTS
                .iter()
                .map(|name| {
                    let value = if mine {
                        p.typed.get(name)
                    } else {
                        saved.get(name).cloned().unwrap_or_default()
                    };
                    let label = t.get(&format!("globals-field-{name}"));
                    if *name == "recorded_on" {
                        input(name, label, "date", &value).required()
                    } else {
                        input(name, label, "textarea", &value)
                            .rows(3)
                            .hint(t.get(&format!("globals-field-{name}-hint")))
                    }
                })
                .collect();
            let inputs = p.mark(&t, Some(kind), inputs, &saved);
            let heading = t.get(&format!("globals-at-{}", kind.code()));
            let block = p.block(
                &t,
                Some(kind),
                inputs,
                format!("/courses/{}/inventory/patterns/{}", c.id, kind.code()),
                c.version,
            );
            (heading, block)
        })
        .collect();
    GlobalsPage {
        heading: t.get("globals-title"),
        can_write: l.can_write,
        forms,
        secondary: secondary_panel(&t, &l.view.secondary_outcomes()),
        header: l.header,
        page: l.page,
    }
}

fn path_of(id: &str) -> String {
    format!("/courses/{id}/inventory/patterns")
}

pub async fn page(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<GlobalsPage, PageError> {
    let mut page = notices(
        ctx(&headers, Some(&user), "globals-title", &path_of(&id)),
        &q,
    );
    if q.get("notice").is_some_and(|n| n == "saved") {
        page.notices.push(page.t.get("globals-notice-saved"));
    }
    let (page, id) = parse_course(page, &id)?;
    let l = load(&state, &user, page, id).await?;
    Ok(globals_page(&state, l, Pending::none(None)))
}

async fn finish(
    state: &AppState,
    user: &CurrentUser,
    l: Loaded,
    kind: SnapshotKind,
    data: &FormData,
    result: Result<Course, AppError>,
) -> Response {
    match result {
        Ok(c) => {
            Redirect::to(&format!("{}?notice=saved", path_of(&c.id.to_string()))).into_response()
        }
        Err(AppError::Conflict { .. }) => {
            let fresh = match load(state, user, l.page, l.view.course.id).await {
                Ok(f) => f,
                Err(e) => return e.into_response(),
            };
            let pending = Pending {
                which: Some(kind),
                typed: data,
                errors: Errors::new(),
                form_error: None,
                conflict: true,
            };
            (StatusCode::CONFLICT, globals_page(state, fresh, pending)).into_response()
        }
        Err(AppError::Rejected(refused)) => {
            let (errors, rest) = place(&l.page.t, &refused, &SLOTS);
            let pending = Pending {
                which: Some(kind),
                typed: data,
                errors,
                form_error: (!rest.is_empty()).then(|| rest.join(" ")),
                conflict: false,
            };
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                globals_page(state, l, pending),
            )
                .into_response()
        }
        Err(e) => fail(l.page)(e).into_response(),
    }
}

/// The global fields as the form sends them, as the core reads them.
fn globals_input(data: &FormData) -> InventoryGlobalsInput {
    InventoryGlobalsInput {
        relational_patterns: data.get("relational_patterns"),
        self_assertion: data.get("self_assertion"),
        social_risk_taking: data.get("social_risk_taking"),
        relationship_history: data.get("relationship_history"),
        // The page always sends the field: an absent one counts as cleared.
        recorded_on: Some(data.get("recorded_on")),
    }
}

pub async fn save(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let l = match load_writable(&state, &user, &headers, "globals-title", &path_of(&id), &id).await
    {
        Ok(l) => l,
        Err(e) => return e.into_response(),
    };
    let Some(kind) = SnapshotKind::parse(&kind) else {
        return fail(l.page)(AppError::NotFound("page")).into_response();
    };
    let data = FormData(form);
    let result = state
        .app
        .enter_inventory_globals(
            &user.actor(),
            l.view.course.id,
            kind,
            data.version(),
            &globals_input(&data),
        )
        .await;
    finish(&state, &user, l, kind, &data, result).await
}
