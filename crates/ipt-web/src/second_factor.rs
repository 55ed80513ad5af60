//! Two-factor sign-in pages: the second step after the password (`/login/code`), enrolment
//! during sign-in when the deployment requires it (`/login/enrol`), and the account's own
//! security page (`/account/security`: turn on, new recovery codes, turn off). Who may do what,
//! and whether a code is right, are the core's (`ipt_app::usecases::two_factor`); these pages
//! carry the challenge cookie, draw the QR code and word the answers.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::AppError;
use ipt_app::ports::UserRecord;
use ipt_app::usecases::two_factor::Enrolment;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::i18n::Tr;
use crate::kit::{PageCtx, ctx, fail, with_notice};
use crate::pages::{signed_in_cookies, with_cookies};

/// The cookie that carries a sign-in whose password was checked, until its second step.
pub const CHALLENGE_COOKIE: &str = "ipt_challenge";

fn challenge_cookie(value: &str, max_age: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{CHALLENGE_COOKIE}={value}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

/// After a right password on an account that needs a second step: remember it under a new
/// token in a short-lived cookie and go to `to` (the code page, or enrolment).
pub async fn challenge(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    to: &str,
) -> Response {
    let page = ctx(headers, None, "login-title", "/login");
    let token = auth::new_token();
    if let Err(e) = state
        .app
        .start_challenge(user, &auth::hash_token(&token))
        .await
    {
        return fail(page)(e).into_response();
    }
    let max_age = ipt_app::usecases::two_factor::CHALLENGE_MINUTES as u64 * 60;
    let cookie = challenge_cookie(&token, max_age, auth::is_secure(state, headers));
    with_cookies(Redirect::to(to).into_response(), vec![cookie])
}

/// The challenge token's hash and its account, or None (no cookie, expired, unknown).
async fn challenged(state: &AppState, headers: &HeaderMap) -> Option<(String, UserRecord)> {
    let token = auth::cookie(headers, CHALLENGE_COOKIE)?;
    let hash = auth::hash_token(&token);
    let user = state.app.challenge_user(&hash).await.ok()??;
    Some((hash, user))
}

fn back_to_sign_in() -> Response {
    Redirect::to("/login?notice=login-challenge-expired").into_response()
}

/// A QR code of `url`, as inline SVG (drawn here: no script, no image request).
fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(220, 220)
                .quiet_zone(true)
                .build();
            // The XML declaration is for a file; inline, the <svg> element is enough.
            match svg.find("<svg") {
                Some(i) => svg[i..].to_string(),
                None => svg,
            }
        }
        Err(_) => String::new(),
    }
}

/// The secret in groups of four, easier to type into an app.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn code_error(t: &Tr, e: &AppError) -> Option<String> {
    match e {
        AppError::Rejected(errors) => Some(t.rules(errors)),
        AppError::Throttled { retry_after_secs } => {
            let minutes = ((retry_after_secs + 59) / 60).max(1);
            Some(t.with("login-throttled", &[("minutes", minutes.to_string())]))
        }
        AppError::Busy => Some(t.get("login-busy")),
        _ => None,
    }
}

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

// ---- The second step of sign-in ---------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "pages/login_code.html")]
pub struct CodePage {
    pub page: PageCtx,
    pub error: Option<String>,
}

pub async fn code_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if challenged(&state, &headers).await.is_none() {
        return back_to_sign_in();
    }
    let page = ctx(&headers, None, "second-factor-title", "/login/code");
    CodePage { page, error: None }.into_response()
}

pub async fn code(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Response {
    let page = ctx(&headers, None, "second-factor-title", "/login/code");
    let t = page.t;
    let Some(token) = auth::cookie(&headers, CHALLENGE_COOKIE) else {
        return back_to_sign_in();
    };
    let hash = auth::hash_token(&token);
    let user = match state
        .app
        .second_factor_sign_in(&hash, &f.code, peer.ip())
        .await
    {
        Ok(Some(user)) => user,
        Ok(None) => {
            let error = Some(t.get("rule-second-factor-wrong"));
            return (StatusCode::UNAUTHORIZED, CodePage { page, error }).into_response();
        }
        Err(AppError::NotFound(_)) => return back_to_sign_in(),
        Err(e) => match code_error(&t, &e) {
            Some(error) => {
                return (
                    status_of(&e),
                    CodePage {
                        page,
                        error: Some(error),
                    },
                )
                    .into_response();
            }
            None => return fail(page)(e).into_response(),
        },
    };
    signed_in(
        &state,
        &headers,
        &user,
        page,
        Redirect::to("/").into_response(),
    )
    .await
}

/// `then`, with the session started and the challenge cookie gone.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    page: PageCtx,
    then: Response,
) -> Response {
    match signed_in_cookies(state, headers, user).await {
        Ok(mut cookies) => {
            cookies.push(challenge_cookie("", 0, auth::is_secure(state, headers)));
            with_cookies(then, cookies)
        }
        Err(e) => fail(page)(e).into_response(),
    }
}

// ---- Enrolment --------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "pages/second_factor_enrol.html")]
pub struct EnrolPage {
    pub page: PageCtx,
    pub qr: String,
    pub secret: String,
    pub action: &'static str,
    /// Enrolment during sign-in, because the deployment requires it.
    pub required: bool,
    pub error: Option<String>,
}

impl EnrolPage {
    fn of(page: PageCtx, e: &Enrolment, action: &'static str, required: bool) -> Self {
        Self {
            page,
            qr: qr_svg(&e.url),
            secret: grouped(&e.secret),
            action,
            required,
            error: None,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/recovery_codes.html")]
pub struct RecoveryCodesPage {
    pub page: PageCtx,
    pub codes: Vec<String>,
    pub next: &'static str,
}

/// The secret pending for `user`, or a new one.
async fn enrolment(state: &AppState, user: &UserRecord) -> Result<Enrolment, AppError> {
    match state.app.pending_second_factor(user).await? {
        Some(e) => Ok(e),
        None => state.app.begin_second_factor(user).await,
    }
}

pub async fn enrol_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some((_, user)) = challenged(&state, &headers).await else {
        return back_to_sign_in();
    };
    let page = ctx(&headers, None, "second-factor-enrol-title", "/login/enrol");
    match enrolment(&state, &user).await {
        Ok(e) => EnrolPage::of(page, &e, "/login/enrol", true).into_response(),
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn enrol(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Response {
    let Some((hash, user)) = challenged(&state, &headers).await else {
        return back_to_sign_in();
    };
    let page = ctx(&headers, None, "second-factor-enrol-title", "/login/enrol");
    match state.app.confirm_second_factor(&user, &f.code).await {
        Ok(codes) => {
            if let Err(e) = state.app.end_challenge(&hash).await {
                return fail(page)(e).into_response();
            }
            let shown = RecoveryCodesPage {
                page: ctx(&headers, None, "recovery-codes-title", "/login/enrol"),
                codes,
                next: "/",
            }
            .into_response();
            signed_in(&state, &headers, &user, page, shown).await
        }
        Err(e) => refused_enrolment(&state, page, &user, "/login/enrol", true, e).await,
    }
}

async fn refused_enrolment(
    state: &AppState,
    page: PageCtx,
    user: &UserRecord,
    action: &'static str,
    required: bool,
    e: AppError,
) -> Response {
    let t = page.t;
    let Some(error) = code_error(&t, &e) else {
        return fail(page)(e).into_response();
    };
    match state.app.pending_second_factor(user).await {
        Ok(Some(pending)) => {
            let mut p = EnrolPage::of(page, &pending, action, required);
            p.error = Some(error);
            (status_of(&e), p).into_response()
        }
        Ok(None) => Redirect::to("/account/security").into_response(),
        Err(e) => fail(page)(e).into_response(),
    }
}

// ---- The account's security page --------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "pages/account_security.html")]
pub struct AccountPage {
    pub page: PageCtx,
    pub on: bool,
    pub required: bool,
    pub recovery_left: String,
    pub error: Option<String>,
}

fn account_ctx(headers: &HeaderMap, who: &CurrentUser, title_key: &str) -> PageCtx {
    ctx(headers, Some(who), title_key, "/account/security")
}

/// A refused change on the security page: the page again, with what was wrong.
async fn account_refused(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    page: PageCtx,
    e: AppError,
) -> Response {
    let Some(error) = code_error(&page.t, &e) else {
        return fail(page)(e).into_response();
    };
    match account_page(state, headers, who, &HashMap::new(), Some(error)).await {
        Ok(p) => (status_of(&e), p).into_response(),
        Err(e) => fail(page)(e).into_response(),
    }
}

async fn me(state: &AppState, who: &CurrentUser) -> Result<UserRecord, AppError> {
    state
        .app
        .user(who.id)
        .await?
        .ok_or(AppError::NotFound("user"))
}

async fn account_page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    q: &HashMap<String, String>,
    error: Option<String>,
) -> Result<AccountPage, AppError> {
    let page = with_notice(
        ctx(
            headers,
            Some(who),
            "account-security-title",
            "/account/security",
        ),
        q,
    );
    let status = state.app.second_factor_status(who.id).await?;
    let recovery_left = page.t.with(
        "account-security-recovery-left",
        &[("n", status.recovery_codes_left.to_string())],
    );
    Ok(AccountPage {
        page,
        on: status.on,
        required: status.required,
        recovery_left,
        error,
    })
}

pub async fn account(
    State(state): State<AppState>,
    Extension(who): Extension<CurrentUser>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match account_page(&state, &headers, &who, &q, None).await {
        Ok(p) => p.into_response(),
        Err(e) => fail(account_ctx(&headers, &who, "account-security-title"))(e).into_response(),
    }
}

pub async fn account_enrol(
    State(state): State<AppState>,
    Extension(who): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Response {
    let page = account_ctx(&headers, &who, "second-factor-enrol-title");
    let user = match me(&state, &who).await {
        Ok(u) => u,
        Err(e) => return fail(page)(e).into_response(),
    };
    match state.app.begin_second_factor(&user).await {
        Ok(e) => EnrolPage::of(page, &e, "/account/security/confirm", false).into_response(),
        Err(e) => account_refused(&state, &headers, &who, page, e).await,
    }
}

pub async fn account_confirm(
    State(state): State<AppState>,
    Extension(who): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Response {
    let page = account_ctx(&headers, &who, "second-factor-enrol-title");
    let user = match me(&state, &who).await {
        Ok(u) => u,
        Err(e) => return fail(page)(e).into_response(),
    };
    match state.app.confirm_second_factor(&user, &f.code).await {
        Ok(codes) => RecoveryCodesPage {
            page: account_ctx(&headers, &who, "recovery-codes-title"),
            codes,
            next: "/account/security",
        }
        .into_response(),
        Err(AppError::NotFound(_)) => Redirect::to("/account/security").into_response(),
        Err(e) => {
            refused_enrolment(&state, page, &user, "/account/security/confirm", false, e).await
        }
    }
}

pub async fn account_recovery_codes(
    State(state): State<AppState>,
    Extension(who): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Response {
    let page = account_ctx(&headers, &who, "recovery-codes-title");
    let codes = match me(&state, &who).await {
        Ok(user) => state.app.new_recovery_codes(&user).await,
        Err(e) => Err(e),
    };
    match codes {
        Ok(codes) => RecoveryCodesPage {
            page,
            codes,
            next: "/account/security",
        }
        .into_response(),
        Err(e) => fail(page)(e).into_response(),
    }
}

pub async fn account_off(
    State(state): State<AppState>,
    Extension(who): Extension<CurrentUser>,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Response {
    let page = account_ctx(&headers, &who, "account-security-title");
    let done = match me(&state, &who).await {
        Ok(user) => state.app.turn_off_second_factor(&user, &f.code).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Redirect::to("/account/security?notice=account-security-off").into_response(),
        Err(e) => account_refused(&state, &headers, &who, page, e).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_inline_svg_and_the_secret_reads_in_fours() {
        let svg = qr_svg("otpauth://totp/IPT%20Workbench:rosa?secret=JBSWY3DPEHPK3PXP");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("</svg>"));
        assert_eq!(grouped("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
    }
}
