//! The initial-phase pages of a course workspace (clinical reference §1.1, initial-phase
//! tasks): diagnosis and indication, baseline measures, the interpersonal inventory with its
//! closeness circle, the timeline with its chart, problem-area suggestions and the choice of
//! focus, the formulation, and the contract.
//!
//! Every page is for signed-in users. Reads go through `Access::Read` (the patient's clinician
//! and their supervisor); changes through `Access::Write` (the clinician alone), checked before
//! any input is looked at, so a record the user may not see answers 404 like a missing one.
//! Forms are plain HTML, carry the record's version, keep what the user typed when refused,
//! and save nothing partially.

mod contract;
mod form;
mod formulation;
mod indication;
pub(crate) mod inventory;
mod measures;
mod suggestions;
mod timeline;
mod view;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::AppState;

pub use inventory::circle;

/// The few styles the initial pages add to the main stylesheet (chart sizes, fieldsets).
async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("initial/initial.css"),
    )
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/initial.css", get(stylesheet))
        .route(
            "/courses/{id}/indication",
            get(indication::page).post(indication::save_indication),
        )
        .route("/courses/{id}/diagnosis", post(indication::save_diagnosis))
        .route(
            "/courses/{id}/measures",
            get(measures::list).post(measures::create),
        )
        .route("/courses/{id}/measures/new", get(measures::new_entry))
        .route(
            "/courses/{id}/measures/{aid}",
            get(measures::show).post(measures::update),
        )
        .route(
            "/courses/{id}/inventory",
            get(inventory::list).post(inventory::create),
        )
        .route("/courses/{id}/inventory/new", get(inventory::new_form))
        .route(
            "/courses/{id}/inventory/{pid}",
            get(inventory::edit_form).post(inventory::update),
        )
        .route(
            "/courses/{id}/inventory/{pid}/delete",
            post(inventory::delete),
        )
        .route("/courses/{id}/timeline", get(timeline::page))
        .route("/courses/{id}/timeline/events", post(timeline::add_event))
        .route(
            "/courses/{id}/timeline/events/{eid}",
            get(timeline::edit_event).post(timeline::update_event),
        )
        .route(
            "/courses/{id}/timeline/events/{eid}/delete",
            post(timeline::delete_event),
        )
        .route(
            "/courses/{id}/timeline/episodes",
            post(timeline::add_episode),
        )
        .route(
            "/courses/{id}/timeline/episodes/{epid}",
            get(timeline::edit_episode).post(timeline::update_episode),
        )
        .route(
            "/courses/{id}/suggestions",
            get(suggestions::page).post(suggestions::choose),
        )
        .route(
            "/courses/{id}/formulation",
            get(formulation::page).post(formulation::save),
        )
        .route(
            "/courses/{id}/contract",
            get(contract::page).post(contract::save),
        )
}
