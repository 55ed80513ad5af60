//! Staff sign-in: checking a username and password, and starting a signed-in session. The
//! doors (the sign-in page; later others) hand in what was typed and where it came from; they
//! never read accounts or write sessions themselves. Every attempt is counted by
//! `usecases::throttle` (in the database, shared by every instance) before the password is
//! checked.

use std::net::IpAddr;

use ipt_domain::authz::Actor;
use time::Duration;

use crate::ports::{UserRecord, WebSession};
use crate::{App, AppError, parse_username, password};

impl App {
    /// The active account whose password this is, or None (the caller cannot tell which part
    /// was wrong). Exactly one (slow) verification runs whatever the input, so an unknown
    /// username takes as long as a wrong password; none runs when the attempt is refused
    /// (`Throttled`, `Busy`).
    pub async fn staff_sign_in(
        &self,
        username: &str,
        secret: &str,
        from: IpAddr,
    ) -> Result<Option<UserRecord>, AppError> {
        let attempt = self
            .begin_attempt(crate::usecases::throttle::Secret::Password(username), from)
            .await?;
        let account = match parse_username(username) {
            Ok(u) => self.store.user_by_username(&u).await?,
            Err(_) => None,
        };
        let stored = account
            .as_ref()
            .map(|u| u.password_hash.clone())
            .unwrap_or_else(|| password::dummy_hash().to_string());
        let ok = self.check_secret(secret, stored).await;
        let refused = account.as_ref().filter(|u| !(ok && u.active)).map(|u| u.id);
        let user = account.filter(|u| ok && u.active);
        self.end_attempt(attempt, user.is_some()).await?;
        // A refused sign-in to a real account is audited (by id: no username, no password).
        if let Some(id) = refused {
            let audit = self.audit(
                &Actor::System,
                "user.sign_in_refused",
                "user",
                id.as_uuid(),
                None,
            );
            self.store.record_refusal(&audit).await?;
        }
        Ok(user)
    }

    /// Start a signed-in session for `user`, whose password was checked. The caller made the
    /// token and keeps it; only its hash is stored.
    pub async fn start_web_session(
        &self,
        user: &UserRecord,
        token_hash: &str,
        idle: Duration,
    ) -> Result<WebSession, AppError> {
        let now = self.now();
        let session = WebSession {
            token_hash: token_hash.to_string(),
            user: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + idle,
        };
        let audit = self.audit(
            &Actor::User {
                id: user.id,
                role: user.role,
            },
            "user.sign_in",
            "user",
            user.id.as_uuid(),
            None,
        );
        self.store.create_web_session(&session, &audit).await?;
        Ok(session)
    }
}
