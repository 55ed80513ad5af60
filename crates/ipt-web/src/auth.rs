//! Sign-in: Argon2id passwords, a random session token in an HttpOnly, SameSite=Strict cookie
//! (Secure when served over TLS), idle timeout, login throttling, and personal API tokens in the
//! `Authorization: Bearer` header. Storage only ever sees SHA-256 hashes of tokens. This edge
//! reads the cookie and the header; who they let in, the idle timeout and the throttle's limits
//! are the core's (`ipt_app::usecases::{web_sessions, throttle}`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::ports::UserRecord;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::ids::UserId;
use sha2::{Digest, Sha256};

use crate::AppState;

pub const SESSION_COOKIE: &str = "ipt_session";
pub const LANG_COOKIE: &str = "ipt_lang";

/// The signed-in user, put into request extensions by `require_user`.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor::User {
            id: self.id,
            role: self.role,
        }
    }

    fn of(u: &UserRecord) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
        }
    }
}

/// A new random token: 32 bytes from the OS, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether the request reached us over TLS (directly configured, or via a proxy that says so).
pub fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.options.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn session_cookie(value: &str, max_age: Option<u64>, secure: bool) -> String {
    let mut c = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// Who is calling, when it is not known: nobody, or too many wrong API tokens from the caller's
/// address (answered 429, nothing checked).
enum Unknown {
    Nobody,
    Throttled(i64),
}

/// Who is calling: a bearer token (a wrong one counted against `peer` by the core's
/// throttle), or a session cookie that has not idled out.
async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    peer: IpAddr,
) -> Result<CurrentUser, Unknown> {
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return match state.app.bearer_user(&hash_token(token.trim()), peer).await {
            Ok(Some(user)) => Ok(CurrentUser::of(&user)),
            Err(ipt_app::AppError::Throttled { retry_after_secs }) => {
                Err(Unknown::Throttled(retry_after_secs))
            }
            _ => Err(Unknown::Nobody),
        };
    }
    identify(state, headers).await.ok_or(Unknown::Nobody)
}

/// Who is signed in on this browser: a session cookie that has not idled out. (Pages that only
/// show who is signed in read this; the API's bearer tokens are read by `require_user`.)
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Option<CurrentUser> {
    let app = &state.app;
    let token = cookie(headers, SESSION_COOKIE)?;
    let idle = time::Duration::seconds(state.options.idle_timeout.as_secs() as i64);
    let user = app
        .web_session_user(&hash_token(&token), idle)
        .await
        .ok()??;
    Some(CurrentUser::of(&user))
}

/// Middleware for signed-in pages: no valid session → the sign-in page (or 401 for the API).
pub async fn require_user(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
    next: Next,
) -> Response {
    match caller(&state, req.headers(), peer.ip()).await {
        Ok(user) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        Err(Unknown::Throttled(secs)) => {
            let mut res = crate::problem::Problem {
                kind: "about:blank",
                title: "Too many requests",
                status: 429,
                detail: format!(
                    "too many wrong API tokens from this address; try again in {secs} seconds"
                ),
            }
            .into_response();
            if let Ok(v) = header::HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Err(Unknown::Nobody) if req.uri().path().starts_with("/api/") => crate::problem::Problem {
            kind: "about:blank",
            title: "Unauthorised",
            status: 401,
            detail: "sign in, or send a personal API token as 'Authorization: Bearer TOKEN'".into(),
        }
        .into_response(),
        Err(Unknown::Nobody) => {
            let expired = cookie(req.headers(), SESSION_COOKIE).is_some();
            let target = if expired {
                "/login?expired=1"
            } else {
                "/login"
            };
            Redirect::to(target).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; ipt_session=abc".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert!(session_cookie("x", None, true).contains("HttpOnly; SameSite=Strict"));
        assert!(session_cookie("x", None, true).ends_with("; Secure"));
    }
}
