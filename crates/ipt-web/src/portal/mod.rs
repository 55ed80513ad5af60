//! The patient portal: a patient's own pages, reached with a portal sign-in (invitation, then
//! portal code + passphrase) or in kiosk mode on a clinic device. Nothing here uses the
//! clinician's session: a patient is a `PortalPatient`, and every page reaches only their own
//! records. Pages are in the patient's language, which they can change at any time.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use ipt_app::usecases::portal::PortalPatient;

use crate::AppState;
use crate::auth;
use crate::i18n::{Lang, Tr};

pub const PORTAL_COOKIE: &str = "ipt_portal";

/// The portal's sections, in the order of its navigation: (path, catalogue key).
pub const SECTIONS: [(&str, &str); 6] = [
    ("/portal", "portal-nav-home"),
    ("/portal/questionnaires", "portal-nav-questionnaires"),
    ("/portal/diary", "portal-nav-diary"),
    ("/portal/plan", "portal-nav-plan"),
    ("/portal/progress", "portal-nav-progress"),
    ("/portal/learn", "portal-nav-learn"),
];

/// What every portal page template receives as `page`.
pub struct PortalCtx {
    pub t: Tr,
    pub lang: &'static str,
    pub title: String,
    /// Signed in (navigation and sign-out shown) or not (sign-in and invitation pages).
    pub signed_in: bool,
    /// In kiosk mode: leaving needs the clinician's password.
    pub kiosk: bool,
    pub languages: Vec<(&'static str, &'static str)>,
    pub path: String,
    /// (href, label, current) for the navigation.
    pub nav: Vec<(String, String, bool)>,
    pub notices: Vec<String>,
}

/// The portal pages follow the patient's own choice of language (else the record's).
fn lang_of_patient(who: &PortalPatient) -> Lang {
    Lang::parse(who.language.code()).unwrap_or_default()
}

/// The page context for a signed-in patient, in their language.
pub fn ctx(who: &PortalPatient, title_key: &str, path: &str) -> PortalCtx {
    build(
        lang_of_patient(who),
        true,
        who.kiosk_by.is_some(),
        title_key,
        path,
    )
}

/// The page context before sign-in, in the browser's language (cookie or Accept-Language).
pub fn public_ctx(headers: &HeaderMap, title_key: &str, path: &str) -> PortalCtx {
    build(crate::kit::lang_of(headers), false, false, title_key, path)
}

fn build(lang: Lang, signed_in: bool, kiosk: bool, title_key: &str, path: &str) -> PortalCtx {
    let t = Tr::new(lang);
    let nav = if signed_in {
        SECTIONS
            .iter()
            .map(|(href, key)| {
                let current = if *href == "/portal" {
                    path == "/portal"
                } else {
                    path.starts_with(href)
                };
                (href.to_string(), t.get(key), current)
            })
            .collect()
    } else {
        vec![]
    };
    PortalCtx {
        title: t.get(title_key),
        lang: lang.code(),
        signed_in,
        kiosk,
        languages: Lang::ALL
            .iter()
            .map(|l| (l.code(), l.native_name()))
            .collect(),
        path: path.to_string(),
        nav,
        notices: vec![],
        t,
    }
}

/// The portal session cookie: HttpOnly, SameSite=Strict, Secure over TLS, scoped to /portal.
pub fn portal_cookie(value: &str, max_age: Option<u64>, secure: bool) -> String {
    let mut c = format!("{PORTAL_COOKIE}={value}; Path=/portal; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The signed-in patient, if the request carries a live portal session.
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Option<PortalPatient> {
    let token = auth::cookie(headers, PORTAL_COOKIE)?;
    let idle = time::Duration::seconds(state.options.idle_timeout.as_secs() as i64);
    state
        .app
        .portal_identify(&auth::hash_token(&token), idle)
        .await
        .ok()
        .flatten()
}

/// Middleware for the signed-in portal pages: no live portal session → the portal sign-in.
pub async fn require_patient(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    match identify(&state, req.headers()).await {
        Some(who) => {
            req.extensions_mut().insert(who);
            next.run(req).await
        }
        None => {
            let expired = auth::cookie(req.headers(), PORTAL_COOKIE).is_some();
            Redirect::to(if expired {
                "/portal/sign-in?expired=1"
            } else {
                "/portal/sign-in"
            })
            .into_response()
        }
    }
}

/// The portal's routes: `public` ones need no sign-in; the rest go through `require_patient`.
pub fn routes(state: AppState) -> Router<AppState> {
    let signed_in = Router::new()
        .route("/portal", get(home::page))
        .route("/portal/language", post(home::set_language))
        .route("/portal/sign-out", post(access::sign_out))
        .route(
            "/portal/kiosk/exit",
            get(access::kiosk_exit_form).post(access::kiosk_exit),
        )
        .route("/portal/diary", get(diary::page))
        .route("/portal/diary/{date}", get(diary::day).post(diary::save))
        .route("/portal/plan", get(plan::page))
        .route("/portal/plan/goals/{id}", post(plan::rate_goal))
        .route("/portal/progress", get(progress::page))
        .route("/portal/learn", get(learn::index))
        .route("/portal/learn/{topic}", get(learn::topic))
        .route("/portal/questionnaires", get(questionnaires::list))
        .route(
            "/portal/questionnaires/{assignment}",
            get(questionnaires::item).post(questionnaires::save),
        )
        .route(
            "/portal/questionnaires/{assignment}/review",
            get(questionnaires::review),
        )
        .route(
            "/portal/questionnaires/{assignment}/submit",
            post(questionnaires::submit),
        )
        .route(
            "/portal/questionnaires/{assignment}/results/{assessment}",
            get(questionnaires::result),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_patient,
        ));
    let public = Router::new()
        .route(
            "/portal/invitation/{token}",
            get(access::invitation).post(access::accept),
        )
        .route(
            "/portal/sign-in",
            get(access::sign_in_form).post(access::sign_in),
        )
        .route("/portal/help", get(crisis::help))
        .route("/assets/portal-pages.css", get(diary::stylesheet))
        .route("/portal/assets/access.css", get(access::stylesheet));
    // The clinician's side, in the course workspace: a clinician's sign-in, not a patient's.
    let clinician = Router::new()
        .route("/courses/{id}/portal", get(clinician::page))
        .route("/courses/{id}/diary", get(clinician_diary::page))
        .route(
            "/courses/{id}/portal/invitations",
            post(clinician::create_invitation),
        )
        .route(
            "/courses/{id}/portal/invitations/{invitation}/revoke",
            post(clinician::revoke_invitation),
        )
        .route("/courses/{id}/portal/assignments", post(clinician::assign))
        .route(
            "/courses/{id}/portal/assignments/{assignment}/stop",
            post(clinician::stop),
        )
        .route("/courses/{id}/portal/kiosk", post(clinician::start_kiosk))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            auth::require_user,
        ));
    Router::new()
        .merge(signed_in)
        .merge(public)
        .merge(clinician)
}

pub mod access;
mod clinician;
mod clinician_diary;
pub mod crisis;
pub mod diary;
mod home;
mod learn;
mod plan;
mod progress;
mod questionnaires;
pub mod words;
