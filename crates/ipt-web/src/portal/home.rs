//! The portal's home page and the language switch.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::usecases::portal::PortalPatient;
use ipt_domain::patient::Language;
use serde::Deserialize;

use super::{PortalCtx, ctx};
use crate::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "portal/home.html")]
pub struct HomePage {
    pub page: PortalCtx,
    pub greeting: String,
    /// "Your next session is on …", in the patient's language.
    pub next_session: Option<String>,
    /// (href, title, description) of each section.
    pub tiles: Vec<(String, String, String)>,
}

pub async fn page(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
) -> Response {
    let page = ctx(&who, "portal-home-title", "/portal");
    let t = page.t;
    let next_session = match state.app.portal_next_session(&who).await {
        Ok(Some(d)) => Some(t.with("portal-home-next-session", &[("date", t.date(d))])),
        _ => None,
    };
    let tiles = super::SECTIONS
        .iter()
        .skip(1)
        .map(|(href, key)| (href.to_string(), t.get(key), t.get(&format!("{key}-about"))))
        .collect();
    HomePage {
        greeting: t.get("portal-home-greeting"),
        next_session,
        tiles,
        page,
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct LanguageForm {
    pub lang: String,
    #[serde(default)]
    pub back: String,
}

/// Change the language of the patient's portal pages. It is their display preference, kept
/// for every device they use; the clinical record's language does not change.
pub async fn set_language(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    Form(f): Form<LanguageForm>,
) -> Response {
    let back = if f.back.starts_with("/portal") && !f.back.starts_with("//") {
        f.back.clone()
    } else {
        "/portal".into()
    };
    let Ok(language) = Language::parse(&f.lang) else {
        return Redirect::to(&back).into_response();
    };
    if let Err(e) = state.app.set_portal_language(&who, language).await {
        tracing::warn!(patient = %who.id(), error = %e, "portal language not changed");
    }
    Redirect::to(&back).into_response()
}
