//! `ipt audit …`: the audit trail's hash chain and retention (operator guide, "Audit trail:
//! verify, anchor, retention"). The checks live in the store and the use cases; this prints.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use ipt_app::App;
use ipt_app::usecases::audit_trail::{AuditAnchor, hex, retention_cutoff};
use ipt_domain::authz::Actor;
use time::OffsetDateTime;

use crate::measures_cli::BadInput;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit trail's hash chain from its oldest kept row to its newest; exit code 3
    /// and the first broken link when it was edited, deleted from or reordered.
    Verify {
        /// Also check that the chain still holds this anchor (a file written by `ipt audit
        /// anchor`; of several lines, the last is checked).
        #[arg(long)]
        anchor: Option<PathBuf>,
    },
    /// Print the chain's head (seq, hash, time) as one line of JSON, to keep elsewhere.
    Anchor,
    /// Delete audit events older than `[audit] retention_days` (or --before), oldest first,
    /// keeping the chain verifiable.
    Prune {
        /// Delete events written before this day (YYYY-MM-DD, midnight UTC) instead.
        #[arg(long)]
        before: Option<String>,
    },
}

/// The audit trail failed verification (exit code 3).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ChainBroken(pub String);

pub async fn run(
    app: &App,
    command: AuditCommand,
    retention_days: Option<u32>,
) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { anchor } => verify(app, anchor).await,
        AuditCommand::Anchor => {
            let anchor = app.audit_anchor().await?;
            println!("{}", anchor.to_line());
            Ok(())
        }
        AuditCommand::Prune { before } => prune(app, before, retention_days).await,
    }
}

/// Check the retention setting at start, whatever the command.
pub fn check_retention(days: Option<u32>) -> anyhow::Result<()> {
    if days == Some(0) {
        anyhow::bail!(
            "[audit] retention_days must be at least 1 (leave it out to keep audit events forever)"
        );
    }
    Ok(())
}

fn read_anchor(path: &PathBuf) -> anyhow::Result<AuditAnchor> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the anchor file {}", path.display()))?;
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    AuditAnchor::parse(last).map_err(|e| BadInput(format!("{}: {e}", path.display())).into())
}

async fn verify(app: &App, anchor: Option<PathBuf>) -> anyhow::Result<()> {
    let anchor = anchor.as_ref().map(read_anchor).transpose()?;
    let v = app
        .verify_audit_trail(anchor.as_ref())
        .await
        .context("the audit trail could not be verified")?;
    let (from, head) = (v.chain.pruned, v.chain.head);
    if let Some(broken) = v.broken {
        return Err(ChainBroken(format!(
            "the audit trail is broken: {broken}. {} rows after row {} checked out before it.",
            v.checked, from.seq
        ))
        .into());
    }
    let start = if from.seq == 0 {
        "from its first row".to_string()
    } else {
        format!("from row {} (rows up to it were pruned)", from.seq)
    };
    println!(
        "The audit trail is intact: {} rows checked {start} to row {}, head hash {}.",
        v.checked,
        head.seq,
        hex(&head.hash)
    );
    if let Some(a) = anchor {
        println!("It still holds the anchor of row {} ({}).", a.seq, a.at);
    }
    Ok(())
}

async fn prune(
    app: &App,
    before: Option<String>,
    retention_days: Option<u32>,
) -> anyhow::Result<()> {
    let cutoff = match (before, retention_days) {
        (Some(day), _) => parse_day(&day)?,
        (None, Some(days)) => retention_cutoff(app.now(), days),
        (None, None) => {
            return Err(BadInput(
                "no retention is set, so audit events are kept forever: set [audit] \
                 retention_days in ipt.toml, or give --before YYYY-MM-DD"
                    .into(),
            )
            .into());
        }
    };
    let done = app
        .prune_audit_trail(&Actor::System, cutoff)
        .await
        .context("the audit trail was not pruned")?;
    println!(
        "Pruned {} audit events written before {cutoff}; the trail now starts after row {} (hash {}).",
        done.deleted,
        done.pruned.seq,
        hex(&done.pruned.hash)
    );
    Ok(())
}

fn parse_day(s: &str) -> anyhow::Result<OffsetDateTime> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(s.trim(), fmt)
        .map_err(|_| BadInput(format!("'{s}' is not a day; write YYYY-MM-DD")))?;
    Ok(day.midnight().assume_utc())
}
