//! Who is calling, for the clinician side: a signed-in browser session (a cookie's token) or a
//! personal API token (a bearer token), and the end of a session. The doors hand in the SHA-256
//! hash of what the request carried; storage never sees a token itself. Starting a session is
//! in `sign_in.rs`.
//!
//! The policy: a session ends after `idle` without a request (the door's configured timeout,
//! `IDLE_TIMEOUT` unless the site sets another), and is removed, with an audit row, when it is
//! next presented after that. A request moves a session's idle clock, and a token's "last used"
//! time, at most once every `TOUCH_EVERY`: each move is a durable write, and a page view should
//! not cost one just to move the clock by a few seconds. A deactivated account's sessions and
//! tokens let no one in.

use ipt_domain::authz::{Actor, Role};
use ipt_domain::ids::{PatientId, UserId};
use std::net::IpAddr;

use time::Duration;

use crate::ports::{AuditEvent, UserRecord};
use crate::{App, AppError};

/// How long a signed-in session lasts without a request, unless the site configures another.
pub const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// How stale a session's "last seen" (or a token's "last used") may get before a request
/// refreshes it, and with it the session's expiry: the idle timeout is exact to within this.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);

impl App {
    /// The active account behind a personal API token's hash, or None (unknown, revoked, or
    /// the account deactivated). The token's use is recorded, to the minute; a use that cannot
    /// be recorded does not refuse the call.
    /// An unknown or revoked token counts as a failed attempt from `from`; over the limit it
    /// answers `Throttled` (`usecases::throttle`). A good token costs no count.
    pub async fn bearer_user(
        &self,
        token_hash: &str,
        from: IpAddr,
    ) -> Result<Option<UserRecord>, AppError> {
        let now = self.now();
        let token = self.store.token_by_hash(token_hash).await?;
        let Some(token) = token.filter(|t| t.revoked_at.is_none()) else {
            self.count_failure(crate::usecases::throttle::Secret::ApiToken, from)
                .await?;
            return Ok(None);
        };
        let Some(user) = self.store.user(token.user).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        if token.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY) {
            let _ = self.store.token_used(token.id, now).await;
        }
        Ok(Some(user))
    }

    /// The active account signed in by the session whose token hash this is, or None. A
    /// session idle past its expiry is removed now (audited as `user.session_expired`) and
    /// answers None, so the sign-in page can say why; a live one is extended by `idle`. A
    /// session that cannot be removed or extended is still answered as above.
    pub async fn web_session_user(
        &self,
        token_hash: &str,
        idle: Duration,
    ) -> Result<Option<UserRecord>, AppError> {
        let now = self.now();
        let Some(session) = self.store.web_session(token_hash).await? else {
            return Ok(None);
        };
        if session.expires_at <= now {
            let audit = self.session_audit(session.user, "user.session_expired");
            let _ = self.store.delete_web_session(token_hash, &audit).await;
            return Ok(None);
        }
        let Some(user) = self.store.user(session.user).await?.filter(|u| u.active) else {
            return Ok(None);
        };
        if now - session.last_seen_at >= TOUCH_EVERY {
            let _ = self
                .store
                .touch_web_session(token_hash, now, now + idle)
                .await;
        }
        Ok(Some(user))
    }

    /// Sign out: end the session whose token hash this is (audited as `user.sign_out`, by its
    /// user). An unknown or already ended session is nothing to do.
    pub async fn sign_out(&self, token_hash: &str) -> Result<(), AppError> {
        if let Some(session) = self.store.web_session(token_hash).await? {
            let audit = self.session_audit(session.user, "user.sign_out");
            self.store.delete_web_session(token_hash, &audit).await?;
        }
        Ok(())
    }

    /// End a clinician's own session on a device they are handing to their patient for the
    /// portal (kiosk mode): audited as `user.kiosk_handover` with the patient, so the record
    /// shows whose device it was. Their password brings the session back.
    pub async fn end_session_for_kiosk(
        &self,
        clinician: UserId,
        role: Role,
        token_hash: &str,
        patient: PatientId,
    ) -> Result<(), AppError> {
        let actor = Actor::User {
            id: clinician,
            role,
        };
        let audit = self.audit(
            &actor,
            "user.kiosk_handover",
            "user",
            clinician.as_uuid(),
            Some(patient),
        );
        Ok(self.store.delete_web_session(token_hash, &audit).await?)
    }

    /// The audit event of something that happens to a user's session without their acting
    /// (it expired) or at their request without an actor (they signed out): by the system, on
    /// behalf of the user.
    fn session_audit(&self, user: UserId, action: &str) -> AuditEvent {
        AuditEvent {
            actor: Some(user),
            ..self.audit(&Actor::System, action, "user", user.as_uuid(), None)
        }
    }
}
