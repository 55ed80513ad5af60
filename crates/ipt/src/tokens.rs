//! `ipt token …`: personal API tokens. A token carries its user's permissions; only its SHA-256
//! hash is stored, so the token itself is shown once, when it is created, on the last line of
//! the output (easy to capture: `ipt token create --user rosa | tail -n 1`).

use anyhow::{Context, bail};
use clap::Subcommand;
use ipt_app::ports::{ApiToken, UserRecord};
use ipt_app::{App, new_id};
use ipt_domain::authz::Actor;
use ipt_domain::ids::TokenId;
use time::OffsetDateTime;

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token for a user; the token is printed alone on the last line.
    Create {
        /// The user the token acts for (it carries their permissions)
        #[arg(long)]
        user: String,
        /// A label to recognise the token by, e.g. the machine or script using it
        #[arg(long, default_value = "personal token")]
        name: String,
    },
    /// List a user's tokens: ids, labels, dates and whether revoked (never the tokens).
    List {
        #[arg(long)]
        user: String,
    },
    /// Revoke a token by its id (see `ipt token list`); it stops working at once.
    Revoke {
        #[arg(long)]
        id: String,
    },
}

/// The longest label accepted.
const MAX_LABEL: usize = 60;

pub async fn run(app: &App, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { user, name } => create(app, &user, &name).await,
        TokenCommand::List { user } => list(app, &user).await,
        TokenCommand::Revoke { id } => revoke(app, &id).await,
    }
}

async fn user_named(app: &App, name: &str) -> anyhow::Result<UserRecord> {
    let username = ipt_app::parse_username(name).unwrap_or_else(|_| name.trim().to_string());
    match app.store.user_by_username(&username).await? {
        Some(u) => Ok(u),
        None => bail!("there is no user named '{}'", name.trim()),
    }
}

fn when(t: OffsetDateTime) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(fmt)
        .unwrap_or_default()
}

async fn create(app: &App, username: &str, label: &str) -> anyhow::Result<()> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > MAX_LABEL {
        bail!("give the token a label of 1–{MAX_LABEL} characters with --name");
    }
    let user = user_named(app, username).await?;
    if !user.active {
        bail!(
            "the account '{}' is deactivated; a token for it would not work",
            user.username
        );
    }
    let raw = ipt_web::auth::new_token();
    let token = ApiToken {
        id: new_id(),
        user: user.id,
        name: label.to_string(),
        token_hash: ipt_web::auth::hash_token(&raw),
        created_at: app.now(),
        revoked_at: None,
        last_used_at: None,
    };
    let audit = app.audit(
        &Actor::System,
        "api_token.create",
        "api_token",
        token.id.as_uuid(),
        None,
    );
    app.store
        .create_token(&token, &audit)
        .await
        .context("the token could not be stored")?;
    println!(
        "Created API token {} (\"{}\") for {} ({}).",
        token.id, token.name, user.username, user.role
    );
    println!(
        "It acts with {}'s permissions. Send it as 'Authorization: Bearer TOKEN'.",
        user.username
    );
    println!(
        "Copy it now: it is shown only this once (only its hash is kept). Revoke it with `ipt token revoke --id {}`.",
        token.id
    );
    println!("{raw}");
    Ok(())
}

async fn list(app: &App, username: &str) -> anyhow::Result<()> {
    let user = user_named(app, username).await?;
    let mut tokens = app.store.tokens_of_user(user.id).await?;
    if tokens.is_empty() {
        println!(
            "{} has no API tokens. Create one with `ipt token create --user {}`.",
            user.username, user.username
        );
        return Ok(());
    }
    tokens.sort_by_key(|t| t.created_at);
    let label_width = tokens
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("LABEL".len());
    println!(
        "{:<36}  {:<label_width$}  {:<20}  {:<20}  STATUS",
        "ID", "LABEL", "CREATED", "LAST USED"
    );
    for t in &tokens {
        let status = match t.revoked_at {
            Some(at) => format!("revoked {}", when(at)),
            None => "active".to_string(),
        };
        println!(
            "{:<36}  {:<label_width$}  {:<20}  {:<20}  {}",
            t.id,
            t.name,
            when(t.created_at),
            t.last_used_at.map(when).unwrap_or_else(|| "never".into()),
            status
        );
    }
    Ok(())
}

async fn revoke(app: &App, raw_id: &str) -> anyhow::Result<()> {
    let id: TokenId = raw_id.parse().map_err(|_| {
        anyhow::anyhow!(
            "'{}' is not a token id: use an ID from `ipt token list --user NAME`",
            raw_id.trim()
        )
    })?;
    // Tokens are found through their users: a handful of accounts, each with a few tokens.
    let mut found = None;
    for user in app.store.list_users().await? {
        if let Some(t) = app
            .store
            .tokens_of_user(user.id)
            .await?
            .into_iter()
            .find(|t| t.id == id)
        {
            found = Some((user, t));
            break;
        }
    }
    let Some((user, token)) = found else {
        bail!("there is no API token with id {id} (see `ipt token list --user NAME`)");
    };
    if let Some(at) = token.revoked_at {
        bail!(
            "API token {id} (\"{}\") of {} was already revoked on {}",
            token.name,
            user.username,
            when(at)
        );
    }
    let audit = app.audit(
        &Actor::System,
        "api_token.revoke",
        "api_token",
        id.as_uuid(),
        None,
    );
    app.store
        .revoke_token(id, app.now(), &audit)
        .await
        .context("the token could not be revoked")?;
    println!(
        "Revoked API token {id} (\"{}\") of {}. It no longer works.",
        token.name, user.username
    );
    Ok(())
}
