//! Sign-in: Argon2id passwords, a random session token in an HttpOnly, SameSite=Strict cookie
//! (Secure when served over TLS), idle timeout, login throttling, and personal API tokens in the
//! `Authorization: Bearer` header. Storage only ever sees SHA-256 hashes of tokens.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use ipt_app::ports::UserRecord;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::ids::UserId;
use sha2::{Digest, Sha256};

use crate::AppState;

pub const SESSION_COOKIE: &str = "ipt_session";

/// How stale a session's "last seen" may get before a request refreshes it (and its expiry).
pub const TOUCH_EVERY: time::Duration = time::Duration::minutes(1);
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

/// Failed sign-in attempts per username and per address, in memory: five failures for one
/// username from one address, or twenty from one address, within the window lock further tries
/// until the oldest failure leaves the window.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);
    const PER_USER: usize = 5;
    const PER_ADDRESS: usize = 20;

    fn keys(username: &str, ip: IpAddr) -> [String; 2] {
        [
            format!("u:{}:{ip}", username.trim().to_ascii_lowercase()),
            format!("a:{ip}"),
        ]
    }

    /// If locked, how long until the next try is allowed.
    pub fn locked_for(&self, username: &str, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut map = self.failures.lock().expect("throttle lock");
        let [user_key, ip_key] = Self::keys(username, ip);
        let mut wait = None;
        for (key, limit) in [(user_key, Self::PER_USER), (ip_key, Self::PER_ADDRESS)] {
            let list = map.entry(key).or_default();
            list.retain(|t| now.duration_since(*t) < Self::WINDOW);
            if list.len() >= limit {
                let oldest = list[0];
                let w = Self::WINDOW.saturating_sub(now.duration_since(oldest));
                wait = Some(wait.map_or(w, |x: Duration| x.max(w)));
            }
        }
        wait
    }

    pub fn fail(&self, username: &str, ip: IpAddr) {
        let mut map = self.failures.lock().expect("throttle lock");
        for key in Self::keys(username, ip) {
            map.entry(key).or_default().push(Instant::now());
        }
    }

    pub fn succeed(&self, username: &str, ip: IpAddr) {
        let mut map = self.failures.lock().expect("throttle lock");
        map.remove(&Self::keys(username, ip)[0]);
    }
}

/// Who is calling: a bearer token, or a session cookie that has not idled out.
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Option<CurrentUser> {
    let app = &state.app;
    let now = app.now();
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        let t = app
            .store
            .token_by_hash(&hash_token(token.trim()))
            .await
            .ok()??;
        if t.revoked_at.is_some() {
            return None;
        }
        let user = app.store.user(t.user).await.ok()??;
        if !user.active {
            return None;
        }
        // "Last used" is kept to the minute, as a session's "last seen" is: a client making
        // many calls a second does not pay a write for each.
        if t.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY) {
            let _ = app.store.token_used(t.id, now).await;
        }
        return Some(CurrentUser::of(&user));
    }
    let token = cookie(headers, SESSION_COOKIE)?;
    let hash = hash_token(&token);
    let session = app.store.web_session(&hash).await.ok()??;
    if session.expires_at <= now {
        // An idle session is removed when it is next presented; the sign-in page says why.
        let audit = ipt_app::ports::AuditEvent {
            actor: Some(session.user),
            ..app.audit(
                &Actor::System,
                "user.session_expired",
                "user",
                session.user.as_uuid(),
                None,
            )
        };
        let _ = app.store.delete_web_session(&hash, &audit).await;
        return None;
    }
    let user = app.store.user(session.user).await.ok()??;
    if !user.active {
        return None;
    }
    // Extend the session at most once a minute: every touch is a durable write, and a page
    // view should not cost one just to move the idle clock by a few seconds.
    let idle = time::Duration::seconds(state.options.idle_timeout.as_secs() as i64);
    if now - session.last_seen_at >= TOUCH_EVERY {
        let _ = app.store.touch_web_session(&hash, now, now + idle).await;
    }
    Some(CurrentUser::of(&user))
}

/// Middleware for signed-in pages: no valid session → the sign-in page (or 401 for the API).
pub async fn require_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match identify(&state, req.headers()).await {
        Some(user) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        None if req.uri().path().starts_with("/api/") => crate::problem::Problem {
            kind: "about:blank",
            title: "Unauthorised",
            status: 401,
            detail: "sign in, or send a personal API token as 'Authorization: Bearer TOKEN'".into(),
        }
        .into_response(),
        None => {
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
    fn five_failures_lock_one_username_but_not_another() {
        let t = Throttle::default();
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..5 {
            assert!(t.locked_for("anna", ip).is_none());
            t.fail("anna", ip);
        }
        assert!(t.locked_for("Anna", ip).is_some());
        assert!(t.locked_for("bruno", ip).is_none());
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
