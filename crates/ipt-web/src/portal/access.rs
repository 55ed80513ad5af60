//! Getting into the portal: the invitation link (choose a passphrase, then see the portal code
//! once), signing in with code and passphrase, signing out, and leaving kiosk mode with the
//! clinician's password.
//!
//! Every check of a secret (invitation token, code + passphrase, the clinician's password) is
//! counted by the core's sign-in throttle (`ipt_app::usecases::throttle`, in the database), so
//! guessing is slowed to a handful of tries per quarter hour. An unusable invitation answers the
//! same "not found" page whether the token is unknown, expired, revoked or used.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::usecases::portal::PortalPatient;
use ipt_app::usecases::portal_access::{PortalAccessError, format_code};
use ipt_domain::portal::{PASSPHRASE_MIN_CHARS, PortalError};
use serde::Deserialize;

use super::{PortalCtx, ctx, portal_cookie, public_ctx};
use crate::AppState;
use crate::auth;
use crate::i18n::{Lang, Tr};

// ---- Shared pieces ----------------------------------------------------------------------------

/// A short page with a heading, a message and a way on; used for refusals and "not found".
#[derive(Template, WebTemplate)]
#[template(path = "portal/access_message.html")]
pub struct MessagePage {
    pub page: PortalCtx,
    pub heading: String,
    pub message: String,
    /// (href, text) of the way on.
    pub link: Option<(String, String)>,
}

/// A portal page answering `status` with a message.
pub fn message(
    status: StatusCode,
    page: PortalCtx,
    heading_key: &str,
    message: String,
    link: Option<(String, String)>,
) -> Response {
    let heading = page.t.get(heading_key);
    (
        status,
        MessagePage {
            page,
            heading,
            message,
            link,
        },
    )
        .into_response()
}

/// An app error as a portal page in the patient's language. Denied and missing look alike.
pub fn error_page(page: PortalCtx, e: AppError) -> Response {
    let t = page.t;
    let back = Some(("/portal".to_string(), t.get("portal-access-back-home")));
    match e {
        AppError::NotFound(_) | AppError::Forbidden => message(
            StatusCode::NOT_FOUND,
            page,
            "portal-access-not-found-title",
            t.get("portal-access-not-found"),
            back,
        ),
        AppError::Unavailable(_) => message(
            StatusCode::SERVICE_UNAVAILABLE,
            page,
            "portal-access-trouble-title",
            t.get("portal-access-unavailable"),
            back,
        ),
        AppError::Throttled { retry_after_secs } => {
            let text = throttled_text(&t, retry_after_secs);
            throttled(page, text)
        }
        AppError::Busy => message(
            StatusCode::SERVICE_UNAVAILABLE,
            page,
            "portal-access-throttled-title",
            t.get("portal-access-busy"),
            None,
        ),
        other => {
            tracing::error!(error = %other, "portal page failed");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                page,
                "portal-access-trouble-title",
                t.get("portal-access-internal"),
                back,
            )
        }
    }
}

/// The page context in another language (the invitation page speaks the patient's language).
fn in_lang(mut page: PortalCtx, lang: Lang, title_key: &str) -> PortalCtx {
    page.t = Tr::new(lang);
    page.lang = lang.code();
    page.title = page.t.get(title_key);
    page
}

/// Hash a passphrase on a blocking thread: Argon2id is slow on purpose.
pub async fn hash_blocking(passphrase: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || ipt_app::password::hash(&passphrase))
        .await
        .map_err(|e| AppError::Internal(format!("hashing stopped: {e}")))?
}

/// The web server's password hasher: Argon2id on a blocking thread, never on the runtime's.
pub struct BlockingHasher;

#[async_trait::async_trait]
impl ipt_app::ports::Hasher for BlockingHasher {
    async fn hash(&self, secret: String) -> Result<String, AppError> {
        hash_blocking(secret).await
    }

    async fn verify(&self, secret: String, stored: String) -> bool {
        tokio::task::spawn_blocking(move || ipt_app::password::verify(&secret, &stored))
            .await
            .unwrap_or(false)
    }
}

/// A secret check that was not made, beside its form: too many tries (wait), or too many
/// checks at once (try again in a moment).
fn held_back(t: &Tr, e: &AppError) -> Option<(StatusCode, String)> {
    match e {
        AppError::Throttled { retry_after_secs } => Some((
            StatusCode::TOO_MANY_REQUESTS,
            throttled_text(t, *retry_after_secs),
        )),
        AppError::Busy => Some((StatusCode::SERVICE_UNAVAILABLE, t.get("portal-access-busy"))),
        _ => None,
    }
}

/// "Wait N minutes", for a throttled attempt.
fn throttled_text(t: &Tr, retry_after_secs: i64) -> String {
    let minutes = ((retry_after_secs + 59) / 60).max(1);
    t.with(
        "portal-access-throttled",
        &[("minutes", minutes.to_string())],
    )
}

fn idle(state: &AppState) -> time::Duration {
    time::Duration::seconds(state.options.idle_timeout.as_secs() as i64)
}

/// A passphrase rule broken, in the patient's language.
fn passphrase_error(t: &Tr, e: &PortalError) -> (&'static str, String) {
    match e {
        PortalError::PassphraseTooShort(n) => (
            "passphrase",
            t.with(
                "portal-access-passphrase-too-short",
                &[("n", n.to_string())],
            ),
        ),
        PortalError::PassphraseTooLong(n) => (
            "passphrase",
            t.with("portal-access-passphrase-too-long", &[("n", n.to_string())]),
        ),
        PortalError::PassphraseTooSimple => {
            ("passphrase", t.get("portal-access-passphrase-too-simple"))
        }
        PortalError::PassphrasesDiffer => ("confirm", t.get("portal-access-passphrase-differ")),
        other => ("passphrase", other.to_string()),
    }
}

// ---- The invitation ---------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "portal/access_invitation.html")]
pub struct InvitationPage {
    pub page: PortalCtx,
    pub action: String,
    /// "This link works until …", in the patient's language.
    pub expires: String,
    pub hint: String,
    pub passphrase_error: Option<String>,
    pub confirm_error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/access_code.html")]
pub struct CodePage {
    pub page: PortalCtx,
    pub code: String,
}

fn invitation_unusable(page: PortalCtx) -> Response {
    let t = page.t;
    message(
        StatusCode::NOT_FOUND,
        page,
        "portal-access-invitation-unusable-title",
        t.get("portal-access-invitation-unusable"),
        Some((
            "/portal/sign-in".to_string(),
            t.get("portal-access-go-sign-in"),
        )),
    )
}

fn throttled(page: PortalCtx, text: String) -> Response {
    message(
        StatusCode::TOO_MANY_REQUESTS,
        page,
        "portal-access-throttled-title",
        text,
        None,
    )
}

fn expiry_sentence(t: &Tr, invitation: &ipt_domain::portal::Invitation) -> String {
    t.with(
        "portal-access-invitation-expires",
        &[("date", t.date(invitation.expires_at.date()))],
    )
}

fn passphrase_hint(t: &Tr) -> String {
    t.with(
        "portal-access-passphrase-hint",
        &[("n", PASSPHRASE_MIN_CHARS.to_string())],
    )
}

/// The patient's language for pages before sign-in: their own, unless they picked one here.
fn invitation_lang(headers: &HeaderMap, patient: &ipt_domain::patient::Patient) -> Lang {
    auth::cookie(headers, auth::LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .unwrap_or_else(|| Lang::parse(patient.language.code()).unwrap_or_default())
}

/// `GET /portal/invitation/{token}`: choose a passphrase.
pub async fn invitation(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let path = format!("/portal/invitation/{token}");
    let page = public_ctx(&headers, "portal-access-invitation-title", &path);
    let opened = state
        .app
        .open_invitation(&auth::hash_token(&token), peer.ip())
        .await;
    let (invitation, patient) = match opened {
        Ok(x) => x,
        Err(PortalAccessError::App(e)) => return error_page(page, e),
        Err(_) => return invitation_unusable(page),
    };
    let page = in_lang(
        page,
        invitation_lang(&headers, &patient),
        "portal-access-invitation-title",
    );
    InvitationPage {
        action: format!("/portal/invitation/{token}"),
        expires: expiry_sentence(&page.t, &invitation),
        hint: passphrase_hint(&page.t),
        passphrase_error: None,
        confirm_error: None,
        page,
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct PassphraseForm {
    #[serde(default)]
    passphrase: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /portal/invitation/{token}`: set the passphrase, sign in, and show the code once.
pub async fn accept(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(f): Form<PassphraseForm>,
) -> Response {
    let path = format!("/portal/invitation/{token}");
    let page = public_ctx(&headers, "portal-access-invitation-title", &path);
    let opened = state
        .app
        .open_invitation(&auth::hash_token(&token), peer.ip())
        .await;
    let (invitation, patient) = match opened {
        Ok(x) => x,
        Err(PortalAccessError::App(e)) => return error_page(page, e),
        Err(_) => return invitation_unusable(page),
    };
    let page = in_lang(
        page,
        invitation_lang(&headers, &patient),
        "portal-access-invitation-title",
    );
    let t = page.t;
    let code = match state
        .app
        .accept_invitation(&invitation, &f.passphrase, &f.confirm)
        .await
    {
        Ok(code) => code,
        Err(PortalAccessError::Passphrase(e)) => {
            let (field, text) = passphrase_error(&t, &e);
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                InvitationPage {
                    action: format!("/portal/invitation/{token}"),
                    expires: expiry_sentence(&t, &invitation),
                    hint: passphrase_hint(&t),
                    passphrase_error: (field == "passphrase").then(|| text.clone()),
                    confirm_error: (field == "confirm").then_some(text),
                    page,
                },
            )
                .into_response();
        }
        Err(PortalAccessError::InvitationUnusable) => return invitation_unusable(page),
        Err(PortalAccessError::App(e)) => return error_page(page, e),
    };
    // Signed in at once: the next step is their own space. The code is shown whatever
    // happens, since it is shown only now; without a session they can sign in with it.
    let session_token = auth::new_token();
    let cookie = match state
        .app
        .start_portal_session(patient.id, &auth::hash_token(&session_token), idle(&state))
        .await
    {
        Ok(_) => portal_cookie(&session_token, None, auth::is_secure(&state, &headers)),
        Err(e) => {
            tracing::warn!(patient = %patient.id, error = %e, "no portal session after accepting an invitation");
            portal_cookie("", Some(0), auth::is_secure(&state, &headers))
        }
    };
    let mut page = in_lang(page, t.lang, "portal-access-code-title");
    page.signed_in = false;
    (
        [(header::SET_COOKIE, cookie)],
        CodePage {
            code: format_code(&code),
            page,
        },
    )
        .into_response()
}

// ---- Sign-in and sign-out ---------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "portal/access_sign_in.html")]
pub struct SignInPage {
    pub page: PortalCtx,
    pub code: String,
    pub error: Option<String>,
}

pub async fn sign_in_form(
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> SignInPage {
    let mut page = public_ctx(&headers, "portal-access-sign-in-title", "/portal/sign-in");
    if q.contains_key("expired") {
        page.notices.push(page.t.get("portal-access-expired"));
    }
    if q.get("notice").is_some_and(|n| n == "signed-out") {
        page.notices.push(page.t.get("portal-access-signed-out"));
    }
    SignInPage {
        page,
        code: String::new(),
        error: None,
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    passphrase: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let page = public_ctx(&headers, "portal-access-sign-in-title", "/portal/sign-in");
    let t = page.t;
    let ip = peer.ip();
    let refuse = |page: PortalCtx, status: StatusCode, error: String| {
        (
            status,
            SignInPage {
                page,
                code: f.code.chars().take(20).collect(),
                error: Some(error),
            },
        )
            .into_response()
    };
    let patient = match state.app.portal_sign_in(&f.code, &f.passphrase, ip).await {
        Ok(p) => p,
        Err(e) => match held_back(&t, &e) {
            Some((status, text)) => return refuse(page, status, text),
            None => return error_page(page, e),
        },
    };
    let Some(patient) = patient else {
        return refuse(
            page,
            StatusCode::UNAUTHORIZED,
            t.get("portal-access-sign-in-failed"),
        );
    };
    let token = auth::new_token();
    if let Err(e) = state
        .app
        .start_portal_session(patient, &auth::hash_token(&token), idle(&state))
        .await
    {
        return error_page(page, e);
    }
    let cookie = portal_cookie(&token, None, auth::is_secure(&state, &headers));
    ([(header::SET_COOKIE, cookie)], Redirect::to("/portal")).into_response()
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(who): Extension<PortalPatient>,
    headers: HeaderMap,
) -> Response {
    if who.kiosk_by.is_some() {
        // A clinic device stays in kiosk mode until the clinician ends it.
        return Redirect::to("/portal/kiosk/exit").into_response();
    }
    if let Err(e) = state.app.portal_sign_out(&who).await {
        return error_page(ctx(&who, "portal-access-sign-in-title", "/portal"), e);
    }
    let cookie = portal_cookie("", Some(0), auth::is_secure(&state, &headers));
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to("/portal/sign-in?notice=signed-out"),
    )
        .into_response()
}

// ---- Kiosk mode -------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "portal/access_kiosk_exit.html")]
pub struct KioskExitPage {
    pub page: PortalCtx,
    pub error: Option<String>,
}

pub async fn kiosk_exit_form(Extension(who): Extension<PortalPatient>) -> Response {
    if who.kiosk_by.is_none() {
        return Redirect::to("/portal").into_response();
    }
    KioskExitPage {
        page: ctx(&who, "portal-access-kiosk-title", "/portal/kiosk/exit"),
        error: None,
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct KioskExitForm {
    #[serde(default)]
    password: String,
}

/// Leave kiosk mode: the clinician's password ends the patient's portal session and signs the
/// clinician back in; anything else keeps the device in kiosk mode.
pub async fn kiosk_exit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(who): Extension<PortalPatient>,
    headers: HeaderMap,
    Form(f): Form<KioskExitForm>,
) -> Response {
    if who.kiosk_by.is_none() {
        return Redirect::to("/portal").into_response();
    }
    let page = ctx(&who, "portal-access-kiosk-title", "/portal/kiosk/exit");
    let t = page.t;
    let ip = peer.ip();
    let refuse = |page: PortalCtx, status: StatusCode, error: String| {
        (
            status,
            KioskExitPage {
                page,
                error: Some(error),
            },
        )
            .into_response()
    };
    let user = match state.app.end_kiosk(&who, &f.password, ip).await {
        Ok(u) => u,
        Err(e) => match held_back(&t, &e) {
            Some((status, text)) => return refuse(page, status, text),
            None => return error_page(page, e),
        },
    };
    let Some(user) = user else {
        return refuse(
            page,
            StatusCode::UNAUTHORIZED,
            t.get("portal-access-kiosk-failed"),
        );
    };
    // The clinician is signed back in with a fresh session, as after their own sign-in.
    let token = auth::new_token();
    if let Err(e) = state
        .app
        .start_web_session(&user, &auth::hash_token(&token), idle(&state))
        .await
    {
        return error_page(page, e);
    }
    let secure = auth::is_secure(&state, &headers);
    (
        AppendHeaders([
            (
                header::SET_COOKIE,
                auth::session_cookie(&token, None, secure),
            ),
            (header::SET_COOKIE, portal_cookie("", Some(0), secure)),
        ]),
        Redirect::to(&format!("/patients/{}", who.id())),
    )
        .into_response()
}

/// A request path as it may be logged: an invitation link's token is a secret, so only the
/// route is kept.
pub fn loggable_path(path: &str) -> &str {
    if path.starts_with("/portal/invitation/") {
        "/portal/invitation/{token}"
    } else {
        path
    }
}

/// The portal's own few styles (questions, the code, the crisis box).
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("access.css"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_tokens_never_reach_the_log() {
        let token = "ab".repeat(32);
        let path = format!("/portal/invitation/{token}");
        let logged = loggable_path(&path);
        assert_eq!(logged, "/portal/invitation/{token}");
        assert!(!logged.contains(&token));
        assert_eq!(loggable_path("/portal/sign-in"), "/portal/sign-in");
        assert_eq!(loggable_path("/courses/1/portal"), "/courses/1/portal");
    }
}
