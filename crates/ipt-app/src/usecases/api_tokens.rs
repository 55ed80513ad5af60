//! Personal API tokens: created for an account, listed, revoked. A token carries its user's
//! permissions and works until revoked; only its SHA-256 hash is kept (the door makes the
//! token, shows it once, and hands in the hash). Every creation and revocation is audited.

use ipt_domain::authz::Actor;
use ipt_domain::ids::{TokenId, UserId};

use crate::ports::{ApiToken, UserRecord};
use crate::{App, AppError, new_id};

/// A token's label, to recognise it by (the machine or script using it): 1 to `MAX`
/// characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLabel(String);

impl TokenLabel {
    pub const MAX: usize = 60;

    /// The trimmed label, or None when it is empty or longer than `MAX` characters.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        (!s.is_empty() && s.chars().count() <= Self::MAX).then(|| Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl App {
    /// A new token for `user`, stored as the hash the caller made of it. A deactivated
    /// account gets none: it would not let anyone in.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user: &UserRecord,
        label: &TokenLabel,
        token_hash: &str,
    ) -> Result<ApiToken, AppError> {
        if !user.active {
            return Err(ipt_domain::rule::FieldError::new(
                "user",
                ipt_domain::rule::Code::AccountInactive,
            )
            .text("username", user.username.clone())
            .into());
        }
        let token = ApiToken {
            id: new_id(),
            user: user.id,
            name: label.as_str().to_string(),
            token_hash: token_hash.to_string(),
            created_at: self.now(),
            revoked_at: None,
            last_used_at: None,
        };
        let audit = self.audit(
            actor,
            "api_token.create",
            "api_token",
            token.id.as_uuid(),
            None,
        );
        self.store.create_token(&token, &audit).await?;
        Ok(token)
    }

    /// A user's tokens, revoked ones included, oldest first.
    pub async fn api_tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>, AppError> {
        let mut tokens = self.store.tokens_of_user(user).await?;
        tokens.sort_by_key(|t| t.created_at);
        Ok(tokens)
    }

    /// The token with this id, with its account, revoked or not.
    pub async fn api_token(&self, id: TokenId) -> Result<Option<(UserRecord, ApiToken)>, AppError> {
        // Tokens are found through their users: a handful of accounts, each with a few tokens.
        for user in self.users().await? {
            if let Some(t) = self
                .store
                .tokens_of_user(user.id)
                .await?
                .into_iter()
                .find(|t| t.id == id)
            {
                return Ok(Some((user, t)));
            }
        }
        Ok(None)
    }

    /// Revoke a token: it stops working at once. A token that is unknown or already revoked
    /// is `NotFound`.
    pub async fn revoke_api_token(&self, actor: &Actor, id: TokenId) -> Result<(), AppError> {
        let audit = self.audit(actor, "api_token.revoke", "api_token", id.as_uuid(), None);
        Ok(self.store.revoke_token(id, self.now(), &audit).await?)
    }
}
