//! Reading user accounts, and a user's own interface language. Accounts carry no clinical
//! data, so these reads are not audited; changing one's language is.

use std::collections::HashMap;

use ipt_domain::authz::Actor;
use ipt_domain::ids::UserId;
use ipt_domain::patient::Language;

use crate::ports::UserRecord;
use crate::{App, AppError, parse_username};

impl App {
    /// Every account, active or not, by username.
    pub async fn users(&self) -> Result<Vec<UserRecord>, AppError> {
        Ok(self.store.list_users().await?)
    }

    /// Each account's display name, for naming who wrote or acknowledged something.
    pub async fn display_names(&self) -> Result<HashMap<UserId, String>, AppError> {
        Ok(self
            .users()
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    /// Whether any account exists yet (a fresh installation has none).
    pub async fn has_users(&self) -> Result<bool, AppError> {
        Ok(self.store.has_users().await?)
    }

    pub async fn user(&self, id: UserId) -> Result<Option<UserRecord>, AppError> {
        Ok(self.store.user(id).await?)
    }

    /// The account a person named, as typed: usernames are matched lower-cased and trimmed.
    pub async fn account_named(&self, name: &str) -> Result<Option<UserRecord>, AppError> {
        let username = parse_username(name).unwrap_or_else(|_| name.trim().to_string());
        Ok(self.store.user_by_username(&username).await?)
    }

    /// The interface language a user chose, if any (None follows the browser).
    pub async fn interface_language(&self, user: UserId) -> Result<Option<Language>, AppError> {
        Ok(self.store.user_language(user).await?)
    }

    /// Keep a user's choice of interface language on their account, so that it follows them
    /// to other devices (audited as `user.language`). Only the user chooses their own.
    pub async fn set_interface_language(
        &self,
        actor: &Actor,
        language: Option<Language>,
    ) -> Result<(), AppError> {
        let Some(user) = actor.user_id() else {
            return Err(AppError::Forbidden);
        };
        let audit = self.audit(actor, "user.language", "user", user.as_uuid(), None);
        Ok(self.store.set_user_language(user, language, &audit).await?)
    }
}
