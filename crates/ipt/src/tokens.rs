//! `ipt token …`: personal API tokens. A token carries its user's permissions; only its SHA-256
//! hash is stored, so the token itself is shown once, when it is created, on the last line of
//! the output (easy to capture: `ipt token create --user rosa | tail -n 1`).

use anyhow::{Context, bail};
use clap::Subcommand;
use ipt_app::ports::UserRecord;
use ipt_app::usecases::api_tokens::TokenLabel;
use ipt_app::{App, AppError};
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

pub async fn run(app: &App, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { user, name } => create(app, &user, &name).await,
        TokenCommand::List { user } => list(app, &user).await,
        TokenCommand::Revoke { id } => revoke(app, &id).await,
    }
}

async fn user_named(app: &App, name: &str) -> anyhow::Result<UserRecord> {
    match app.account_named(name).await? {
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
    let Some(label) = TokenLabel::parse(label) else {
        bail!(
            "give the token a label of 1–{} characters with --name",
            TokenLabel::MAX
        );
    };
    let user = user_named(app, username).await?;
    let raw = ipt_web::auth::new_token();
    let hash = ipt_web::auth::hash_token(&raw);
    let token = match app
        .create_api_token(&Actor::System, &user, &label, &hash)
        .await
    {
        Ok(token) => token,
        // A refusal (a deactivated account) is worded from its code; a failed write is explained.
        Err(AppError::Rejected(refused)) => bail!(ipt_web::i18n::Tr::default().rules(&refused)),
        Err(e) => return Err(e).context("the token could not be stored"),
    };
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
    let tokens = app.api_tokens_of(user.id).await?;
    if tokens.is_empty() {
        println!(
            "{} has no API tokens. Create one with `ipt token create --user {}`.",
            user.username, user.username
        );
        return Ok(());
    }
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
    let Some((user, token)) = app.api_token(id).await? else {
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
    app.revoke_api_token(&Actor::System, id)
        .await
        .context("the token could not be revoked")?;
    println!(
        "Revoked API token {id} (\"{}\") of {}. It no longer works.",
        token.name, user.username
    );
    Ok(())
}
