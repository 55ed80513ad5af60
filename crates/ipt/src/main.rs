//! `ipt`: the IPT Workbench binary. One binary for the server and every maintenance command,
//! all sharing the same database defaults, flags and environment variables.

mod audit_cli;
mod backup_cli;
mod bench;
mod config;
mod db;
mod demo;
mod export_cli;
mod keys;
mod measures_cli;
mod out_file;
mod report_cli;
mod scale;
mod text_packs;
mod tokens;

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use ipt_app::App;
use ipt_app::ports::SystemClock;
use ipt_domain::authz::{Actor, Role};
use ipt_domain::protocol::ProtocolCatalogue;

use crate::config::{Config, FlagOverrides};
use crate::db::DatabaseUrl;

#[derive(Parser, Debug)]
#[command(
    name = "ipt",
    version,
    about = "IPT Workbench: software for delivering Interpersonal Psychotherapy for depression"
)]
struct Cli {
    /// Database: sqlite://PATH (default sqlite://./ipt-data/ipt.db) or postgres://USER@HOST:PORT/DB
    #[arg(long, global = true, env = "IPT_DATABASE_URL")]
    database_url: Option<String>,
    /// Configuration file (default: ./ipt.toml if present)
    #[arg(long, global = true, env = "IPT_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the web server.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080)
        #[arg(long, env = "IPT_LISTEN")]
        listen: Option<String>,
        /// Seed a synthetic demo clinic when the database is empty, and create the demo accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Seed a synthetic demo clinic (all data invented).
    Demo {
        /// Seed for the generator; the same seed gives the same clinic.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Date the demo is built around (YYYY-MM-DD); default: the Monday of this week.
        #[arg(long)]
        anchor_date: Option<String>,
        /// Instead of the demo clinic, generate this many synthetic patients (with courses,
        /// sessions, assessments and diaries) into an empty database, for benchmarks.
        #[arg(long)]
        scale: Option<u64>,
    },
    /// List the measurement instruments.
    Instruments {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Score one administration: answers are item scores in item order, comma-separated; leave a
    /// field empty for a missing item (e.g. `ipt score phq9 1,2,,3,0,1,2,0,0`).
    Score {
        /// Instrument code (see `ipt instruments`)
        instrument: String,
        /// Answers in item order, comma-separated, an empty field for a missing item; signed
        /// where the instrument is (the RAS: `-1,+2,…`).
        #[arg(allow_hyphen_values = true)]
        answers: String,
    },
    /// Change metrics between a baseline and a follow-up total.
    Change {
        instrument: String,
        baseline: String,
        followup: String,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Personal API tokens: create (printed once, on the last line), list, revoke.
    Token {
        #[command(subcommand)]
        command: tokens::TokenCommand,
    },
    /// Pseudonymous research exports: `ipt export assessments --out FILE.csv [--date-shift]`.
    Export {
        #[command(subcommand)]
        command: export_cli::ExportCommand,
    },
    /// PDF documents of a course: `ipt report course <course-id> --out FILE.pdf [--lang it]`
    /// (the course summary) or `ipt report plan …` (the patient's "my plan").
    Report {
        #[command(subcommand)]
        command: report_cli::ReportCommand,
    },
    /// The performance suite, as ratios to ceilings measured in the same run:
    /// `ipt bench [--quick] [--database-url URL] --out FILE.json` (see docs/benchmarks.md).
    ///
    /// It only writes to databases it creates: new SQLite files in a temporary folder (or
    /// beside the file --database-url names), or a new schema per scale in the PostgreSQL
    /// database --database-url names. They are removed afterwards unless --keep is given.
    Bench(bench::BenchArgs),
    /// An encrypted, consistent backup of the whole database, taken while `ipt serve` may run:
    /// `ipt backup --out FILE.age --recipient age1…` (see the operator guide, "Backup and
    /// restore").
    Backup(backup_cli::BackupArgs),
    /// Restore a backup made by `ipt backup`, after checking it: `ipt restore --in FILE.age
    /// --identity KEY_FILE [--database-url URL] [--force]`.
    Restore(backup_cli::RestoreArgs),
    /// The audit trail's hash chain: `ipt audit verify [--anchor FILE]`, `ipt audit anchor`,
    /// `ipt audit prune [--before YYYY-MM-DD]` (exit code 3 when the chain is broken).
    Audit {
        #[command(subcommand)]
        command: audit_cli::AuditCommand,
    },
    /// The keys that encrypt clinical free text: `ipt keys generate [--id ID]`, `ipt keys
    /// status`, `ipt keys rotate [--batch N]` (see "Encryption at rest" in the operator guide).
    Keys {
        #[command(subcommand)]
        command: keys::KeysCommand,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// admin, clinician or supervisor
        #[arg(long)]
        role: String,
        /// Name shown in the interface (default: the username)
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// Assign a clinician's supervisor (`--supervisor USERNAME`), or clear it (`--none`).
    Supervise {
        /// The clinician's username
        #[arg(long)]
        clinician: String,
        /// The supervisor's username
        #[arg(long, conflicts_with = "none", required_unless_present = "none")]
        supervisor: Option<String>,
        /// Clear the clinician's supervisor
        #[arg(long)]
        none: bool,
    },
    /// Remove an account's two-step sign-in (a lost phone and no recovery code left): its next
    /// sign-in sets it up again where `[auth] require_totp` is on.
    ResetSecondFactor {
        #[arg(long)]
        username: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if e.downcast_ref::<measures_cli::BadInput>().is_some() {
                ExitCode::from(2)
            } else if e.downcast_ref::<audit_cli::ChainBroken>().is_some() {
                ExitCode::from(3)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let config = Config::load(
        cli.config.as_ref(),
        &FlagOverrides {
            database_url: cli.database_url.clone(),
            listen,
        },
    )?;
    init_logs(&config.log_format)?;
    ipt_app::measures::configure(
        config.measures.scoring.clone(),
        config.measures.change.clone(),
    )
    .context("the [measures] section of the configuration is not valid")?;
    ipt_app::signals::configure(config.signals)
        .context("the [signals] section of the configuration is not valid")?;
    // The patient portal's settings are checked at start too, whatever the command.
    ipt_domain::portal::Invitation::lifetime(config.portal.invitation_hours)
        .map_err(|e| anyhow::anyhow!("[portal] invitation_hours is not valid: {e}"))?;
    let crisis = ipt_web::portal::crisis::CrisisResources::new(config.crisis.clone())
        .map_err(|e| anyhow::anyhow!("the crisis resources are not valid: {e}"))?;
    audit_cli::check_retention(config.audit.retention_days)?;
    // The scoring commands need no database.
    match &cli.command {
        Command::Score {
            instrument,
            answers,
        } => return measures_cli::score(instrument, answers),
        Command::Change {
            instrument,
            baseline,
            followup,
        } => {
            return measures_cli::change(instrument, baseline, followup);
        }
        // A new key needs no database.
        Command::Keys {
            command: keys::KeysCommand::Generate { id },
        } => return keys::generate(id.as_deref()),
        _ => {}
    }
    let protocols = ProtocolCatalogue::default()
        .with_overrides(&config.protocols)
        .context("the [protocols] section of the configuration is not valid")?;
    let (packs, pack_problems) = text_packs::load(config.text_packs.as_deref())?;
    if let Command::Instruments { json } = cli.command {
        for problem in &pack_problems {
            eprintln!("warning: text pack skipped: {problem}");
        }
        return measures_cli::instruments(json, &packs);
    }
    for problem in &pack_problems {
        tracing::warn!(%problem, "text pack skipped");
    }
    // The benchmark makes databases of its own, where --database-url says (see bench.rs).
    if let Command::Bench(args) = cli.command {
        let cx = bench::Inputs {
            database_url: cli.database_url,
            config_file: cli.config,
            protocols,
            packs,
        };
        return bench::run(args, cx).await;
    }
    let url = DatabaseUrl::parse(&config.database_url)?;
    let key_source = keys::KeySource::of(&config, &url);

    match cli.command {
        Command::Migrate => {
            db::open(&url, &key_source, true).await?;
            println!("The database at {} is up to date.", url.display());
            Ok(())
        }
        Command::Serve { demo, .. } => {
            let addr = config.listen_addr()?;
            // Bind before touching the database so a busy port is reported at once.
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                if e.kind() == std::io::ErrorKind::AddrInUse {
                    anyhow::anyhow!("cannot listen on {addr}: the address is already in use. Is another `ipt serve` running? Choose another with --listen or IPT_LISTEN.")
                } else {
                    anyhow::anyhow!("cannot listen on {addr}: {e}")
                }
            })?;
            let store = db::open(&url, &key_source, true).await?;
            for w in store.operator_warnings().await? {
                tracing::warn!("{w}");
            }
            let app = App::new(store, Arc::new(SystemClock), protocols)
                .with_text_packs(packs.clone())
                .with_second_factor_required(config.auth.require_totp);
            if demo {
                demo::prepare(&app, 1, None).await?;
            } else if !app.has_users().await? {
                println!(
                    "No user account exists yet. Create the first administrator with:\n  \
                     printf '%s\\n' \"$PASSWORD\" | ipt user add --username admin --role admin\n\
                     (or start with --demo for a synthetic demo clinic)."
                );
            }
            if !(1..=24 * 60).contains(&config.idle_timeout_minutes) {
                bail!(
                    "idle_timeout_minutes must be between 1 and 1440; it is {}",
                    config.idle_timeout_minutes
                );
            }
            let options = ipt_web::WebOptions {
                idle_timeout: std::time::Duration::from_secs(config.idle_timeout_minutes * 60),
                secure_cookies: config.secure_cookies,
                crisis,
                invitation_hours: config.portal.invitation_hours,
            };
            serve(app, options, listener, &url).await
        }
        Command::Demo {
            seed,
            scale: Some(n),
            ..
        } => {
            let store = db::open(&url, &key_source, true).await?;
            let r = scale::generate(store, n, seed).await?;
            println!(
                "Generated {} patients, {} clinicians, {} courses, {} sessions, {} assessments and {} diary entries in {:.1} s (seed {seed}). Clinician accounts {} … with password '{}'.",
                r.patients,
                r.clinicians,
                r.courses,
                r.sessions,
                r.assessments,
                r.diary_entries,
                r.seconds,
                scale::clinician_username(1),
                scale::PASSWORD
            );
            Ok(())
        }
        Command::Demo {
            seed, anchor_date, ..
        } => {
            let store = db::open(&url, &key_source, true).await?;
            let app =
                App::new(store, Arc::new(SystemClock), protocols).with_text_packs(packs.clone());
            let anchor = anchor_date.as_deref().map(demo::parse_anchor).transpose()?;
            demo::prepare(&app, seed, anchor).await
        }
        Command::Backup(args) => backup_cli::backup(&url, args).await,
        Command::Restore(args) => backup_cli::restore(&url, args).await,
        Command::Instruments { .. }
        | Command::Score { .. }
        | Command::Change { .. }
        | Command::Bench(_) => Ok(()),
        Command::Report { command } => {
            report_cli::run(command, &url, &key_source, protocols, packs, &crisis).await
        }
        Command::Export { command } => {
            export_cli::check_target(&command)?;
            export_cli::check_database(&url)?;
            let store = db::open(&url, &key_source, true).await?;
            let app =
                App::new(store, Arc::new(SystemClock), protocols).with_text_packs(packs.clone());
            export_cli::run(&app, command).await
        }
        Command::Keys { command } => {
            let store = db::open(&url, &key_source, true).await?;
            keys::run(store.as_ref(), command).await
        }
        Command::Audit { command } => {
            let store = db::open(&url, &key_source, true).await?;
            let app = App::new(store, Arc::new(SystemClock), protocols);
            audit_cli::run(&app, command, config.audit.retention_days).await
        }
        Command::Token { command } => {
            let store = db::open(&url, &key_source, true).await?;
            let app = App::new(store, Arc::new(SystemClock), protocols);
            tokens::run(&app, command).await
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    display_name,
                },
        } => {
            let role = Role::parse(&role)?;
            let password = read_password()?;
            let store = db::open(&url, &key_source, true).await?;
            let app =
                App::new(store, Arc::new(SystemClock), protocols).with_text_packs(packs.clone());
            let user = app
                .add_user(
                    &Actor::System,
                    &username,
                    &display_name,
                    role,
                    &password,
                    true,
                )
                .await
                .map_err(worded)?;
            println!(
                "Added {} ({}) with id {}.",
                user.username, user.role, user.id
            );
            Ok(())
        }
        Command::User {
            command: UserCommand::ResetSecondFactor { username },
        } => {
            let store = db::open(&url, &key_source, true).await?;
            let app = App::new(store, Arc::new(SystemClock), protocols);
            let account = app
                .account_named(&username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("there is no user named '{username}'"))?;
            app.reset_second_factor(&Actor::System, account.id)
                .await
                .map_err(worded)?;
            println!(
                "Two-step sign-in of {} is reset: it is set up again at the next sign-in.",
                account.username
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Supervise {
                    clinician,
                    supervisor,
                    none: _,
                },
        } => {
            let store = db::open(&url, &key_source, true).await?;
            let app = App::new(store, Arc::new(SystemClock), protocols);
            let find = |name: String| {
                let app = &app;
                async move {
                    app.account_named(&name)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("there is no user named '{name}'"))
                }
            };
            let account = find(clinician).await?;
            let chosen = match supervisor {
                Some(name) => Some(find(name).await?),
                None => None,
            };
            let result = app
                .assign_supervisor(
                    &Actor::System,
                    account.id,
                    chosen.as_ref().map(|s| s.id.to_string()).as_deref(),
                    Some(account.version),
                )
                .await;
            match result {
                Ok(_) => {
                    match &chosen {
                        Some(s) => {
                            println!("{} is now supervised by {}.", account.username, s.username)
                        }
                        None => println!("{} has no supervisor now.", account.username),
                    }
                    Ok(())
                }
                Err(e) => Err(worded(e)),
            }
        }
    }
}

/// An error of the core in words: a refusal by code is worded from the English catalogue, as
/// the pages and the API word it.
fn worded(e: ipt_app::AppError) -> anyhow::Error {
    match e {
        ipt_app::AppError::Rejected(refused) => {
            anyhow::anyhow!("{}", ipt_web::i18n::Tr::default().rules(&refused))
        }
        other => other.into(),
    }
}

/// Read the password from standard input: one line, prompted only on a terminal.
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (input is shown): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!(
            "no password given: pipe it on standard input, e.g. `printf '%s\\n' \"$PW\" | ipt user add …`"
        );
    }
    Ok(password)
}

fn init_logs(format: &str) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("IPT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        "json" => builder.json().try_init(),
        "text" => builder.try_init(),
        other => bail!("log_format '{other}' is not known; use text or json"),
    };
    result.map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))
}

async fn serve(
    app: App,
    options: ipt_web::WebOptions,
    listener: tokio::net::TcpListener,
    url: &DatabaseUrl,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    let state = ipt_web::AppState::with_options(app, options);
    let router = ipt_web::router(state);
    tracing::info!(%addr, database = %url.display(), "IPT Workbench is listening");
    println!("IPT Workbench is running at http://{addr}/ (stop with Ctrl-C)");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the server stopped with an error")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolve on Ctrl-C or SIGTERM; in-flight requests then finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown requested; finishing open requests");
}
