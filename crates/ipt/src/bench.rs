//! `ipt bench`: the performance suite of issue #7, measured against the machine's own ceilings.
//!
//! Absolute times on a shared machine are noise, so each figure is a ratio to a ceiling measured
//! in the same process run, with the same load generator, in rounds interleaved with the
//! product's own: reads against a hello-world axum handler, durable writes against raw
//! single-row inserts on the store's own pool.
//! Scaling figures compare the same measurement across data sizes. See docs/benchmarks.md.
//!
//! The run: for each scale (ascending) a new database is filled with synthetic data
//! (`crate::scale`), the outcome summary is timed and the caseload page is timed with one
//! client; at the largest scale the reads, the footprint of a separate `ipt serve` process, and
//! the durable writes follow, in that order (writes last, because they add rows).

mod db;
mod load;
mod machine;
mod report;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use ipt_app::ports::SystemClock;
use ipt_app::usecases::api_tokens::TokenLabel;
use ipt_app::{App, new_id};
use ipt_domain::assessment::{AdministrationMode, Assessment, AssessmentStatus};
use ipt_domain::authz::{Actor, Role};
use ipt_domain::course::Course;
use ipt_domain::ids::{CourseId, PatientId};
use ipt_domain::measures::{Catalogue, TextPacks};
use ipt_domain::protocol::{Phase as CoursePhase, ProtocolCatalogue};
use time::OffsetDateTime;

use db::{Backend, RawInserter, ScaleDb};
use load::{HttpClient, HttpRequest, Op, Phase, Point, Sample};
use report::*;

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// A short run for CI smoke tests (under 2 minutes on 2 cores, release or debug build):
    /// scales of 1 000 and 5 000 patients, 2 s per measurement.
    #[arg(long)]
    quick: bool,
    /// Patient counts to generate and measure, comma-separated, e.g. 10000,100000,1000000
    /// (default: that; with --quick 1000,5000). Each scale gets a new database.
    #[arg(long, value_delimiter = ',')]
    scales: Option<Vec<u64>>,
    /// Seconds measured at each point (default 10, in 3 rounds interleaved with the ceiling's;
    /// with --quick 2, in one round). Each round starts with a short warm-up.
    #[arg(long)]
    seconds: Option<f64>,
    /// Seed of the synthetic data: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Keep the generated databases (SQLite files, PostgreSQL schemas) and say where they are.
    #[arg(long)]
    keep: bool,
    /// A folder of SQLite databases made earlier with
    /// `ipt demo --scale N --seed S --database-url sqlite://DIR/scale-N.db`. A scale whose
    /// file is there is copied (the original is never written; nothing may be writing to it
    /// meanwhile) and checked to be that scale and seed, instead of being generated again.
    /// SQLite runs only.
    #[arg(long, value_name = "DIR")]
    data_from: Option<PathBuf>,
    /// Where to write the JSON report (a table is printed too).
    #[arg(long)]
    out: PathBuf,
}

/// Concurrencies measured.
const READ_CLIENTS: [usize; 3] = [1, 16, 64];
const WRITE_CLIENTS_FULL: [usize; 3] = [1, 16, 64];
const WRITE_CLIENTS_QUICK: [usize; 2] = [1, 16];
/// Clients driving `ipt serve` while its memory is sampled.
const FOOTPRINT_CLIENTS: usize = 16;
/// The smallest scale that still gives every clinician a caseload and every figure its data.
const MIN_PATIENTS: u64 = 100;

/// A PHQ-9 submission as a client sends it: item scores in item order. The last item (thoughts
/// of self-harm) is 0, so no risk alert is raised: a routine submission is what is measured.
const SUBMISSION: &str = r#"{"instrument":"phq9","answers":[2,1,2,1,1,2,1,1,0],"status":"final"}"#;

struct Plan {
    mode: &'static str,
    scales: Vec<u64>,
    /// One window of the full measure time (caseload across scales, footprint).
    phase: Phase,
    /// Ceiling-vs-workload comparisons run in this many interleaved rounds …
    rounds: u32,
    /// … of this each, so that a change in the machine's load falls on both alike.
    round: Phase,
    write_clients: Vec<usize>,
    analytics_runs: usize,
    settle: Duration,
}

impl Plan {
    fn of(args: &BenchArgs) -> anyhow::Result<Self> {
        let mut scales = args.scales.clone().unwrap_or_else(|| {
            if args.quick {
                vec![1_000, 5_000]
            } else {
                vec![10_000, 100_000, 1_000_000]
            }
        });
        scales.sort_unstable();
        scales.dedup();
        if scales.is_empty() {
            bail!("give at least one scale with --scales");
        }
        if let Some(&n) = scales.iter().find(|&&n| n < MIN_PATIENTS) {
            bail!("a scale of {n} patients is too small to measure; use at least {MIN_PATIENTS}");
        }
        let seconds = args.seconds.unwrap_or(if args.quick { 2.0 } else { 10.0 });
        if !(0.1..=600.0).contains(&seconds) {
            bail!("--seconds must be between 0.1 and 600; it is {seconds}");
        }
        let measure = Duration::from_secs_f64(seconds);
        let rounds = if args.quick { 1 } else { 3 };
        let per_round = measure / rounds;
        Ok(Self {
            mode: if args.quick { "quick" } else { "full" },
            scales,
            phase: Phase {
                warmup: (measure / 4).min(Duration::from_secs(2)),
                measure,
            },
            rounds,
            round: Phase {
                warmup: (per_round / 4).min(Duration::from_secs(1)),
                measure: per_round,
            },
            write_clients: if args.quick {
                WRITE_CLIENTS_QUICK.to_vec()
            } else {
                WRITE_CLIENTS_FULL.to_vec()
            },
            analytics_runs: if args.quick { 3 } else { 5 },
            settle: if args.quick {
                Duration::from_secs(1)
            } else {
                Duration::from_secs(3)
            },
        })
    }
}

/// What `main` passes in: the global flags and the loaded configuration.
pub struct Inputs {
    pub database_url: Option<String>,
    pub config_file: Option<PathBuf>,
    pub protocols: ProtocolCatalogue,
    pub packs: TextPacks,
}

pub async fn run(args: BenchArgs, cx: Inputs) -> anyhow::Result<()> {
    let plan = Plan::of(&args)?;
    check_out(&args.out)?;
    let backend = Backend::choose(cx.database_url.as_deref())?;
    backend.check_free(&plan.scales)?;
    if let Some(dir) = &args.data_from {
        if backend.name() != "sqlite" {
            bail!("--data-from copies SQLite databases; it cannot be used with PostgreSQL");
        }
        if !dir.is_dir() {
            bail!("--data-from {}: no such folder", dir.display());
        }
    }
    let started = OffsetDateTime::now_utc();
    let clock = Instant::now();
    let mut machine = machine::Machine::describe();
    let build = machine::Build::describe();
    if build.profile == "debug" {
        eprintln!(
            "note: this is a debug build; its figures are not comparable with a release build"
        );
    }
    // On Ctrl-C the measurement is dropped (which stops `ipt serve` if it is running) and what
    // the run made is removed, as after an error.
    let result = tokio::select! {
        r = measure_all(&args, &cx, &plan, &backend) => r,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
    };
    backend.finish(args.keep, &plan.scales).await;
    let m = result?;
    machine.load_average_end = machine::load_average();
    let targets = judge(
        &m.reads,
        &m.writes,
        &m.analytics,
        &m.caseload,
        &m.footprint,
        machine.cores,
    );
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: "ipt bench",
        mode: plan.mode,
        started_at: rfc3339(started),
        finished_at: rfc3339(OffsetDateTime::now_utc()),
        duration_seconds: clock.elapsed().as_secs_f64(),
        build,
        machine,
        database: DatabaseInfo {
            backend: backend.name(),
            location: backend.location(),
            durability: m.durability,
        },
        settings: Settings {
            scales: plan.scales.clone(),
            seed: args.seed,
            warmup_seconds: plan.round.warmup.as_secs_f64(),
            measure_seconds: plan.phase.measure.as_secs_f64(),
            rounds: plan.rounds,
            read_clients: READ_CLIENTS.to_vec(),
            write_clients: plan.write_clients.clone(),
            analytics_runs: plan.analytics_runs,
        },
        scales: m.scales,
        reads: m.reads,
        writes: m.writes,
        analytics: m.analytics,
        caseload_scaling: m.caseload,
        footprint: m.footprint,
        targets,
    };
    let json = serde_json::to_string_pretty(&report)?;
    let tmp = args.out.with_extension("json.partial");
    std::fs::write(&tmp, json + "\n").with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    print!("{}", table(&report));
    println!("\nReport written to {}", args.out.display());
    for kept in m.kept {
        println!("Kept the database {kept}");
    }
    Ok(())
}

/// Refuse at once an output path that cannot be written, rather than after an hour of work.
fn check_out(out: &Path) -> anyhow::Result<()> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        bail!(
            "cannot write the report to {}: the folder {} does not exist",
            out.display(),
            dir.display()
        );
    }
    if out.is_dir() {
        bail!("{} is a folder; name a file for the report", out.display());
    }
    Ok(())
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn say(msg: impl AsRef<str>) {
    eprintln!("bench: {}", msg.as_ref());
}

struct Measured {
    durability: String,
    scales: Vec<ScaleFigures>,
    reads: Reads,
    writes: Writes,
    analytics: Analytics,
    caseload: CaseloadScaling,
    footprint: Footprint,
    kept: Vec<String>,
}

struct Largest {
    reads: Reads,
    writes: Writes,
    footprint: Footprint,
    durability: String,
}

async fn measure_all(
    args: &BenchArgs,
    cx: &Inputs,
    plan: &Plan,
    backend: &Backend,
) -> anyhow::Result<Measured> {
    let mut scales = vec![];
    let mut analytics_points = vec![];
    let mut caseload_points = vec![];
    let mut kept = vec![];
    let mut largest = None;
    let count = plan.scales.len();
    for (i, &patients) in plan.scales.iter().enumerate() {
        let is_largest = i + 1 == count;
        let source = args
            .data_from
            .as_ref()
            .map(|dir| dir.join(format!("scale-{patients}.db")))
            .filter(|f| f.is_file());
        say(format!(
            "[{}/{count}] {} {} patients (seed {})…",
            i + 1,
            if source.is_some() {
                "copying"
            } else {
                "generating"
            },
            thousands(patients),
            args.seed
        ));
        let db = match &source {
            Some(file) => backend.copy(patients, file).await?,
            None => backend.create(patients).await?,
        };
        let outcome =
            measure_scale(args, cx, plan, &db, patients, is_largest, source.is_some()).await;
        let closed = db.close(args.keep).await;
        let (figures, analytics, caseload, big) = outcome?;
        kept.extend(closed?);
        scales.push(figures);
        analytics_points.push(analytics);
        caseload_points.push(caseload);
        if big.is_some() {
            largest = big;
        }
    }
    let Some(largest) = largest else {
        bail!("the largest scale was not measured");
    };
    Ok(Measured {
        durability: largest.durability,
        scales,
        reads: largest.reads,
        writes: largest.writes,
        analytics: analytics_figures(analytics_points),
        caseload: caseload_figures(caseload_points),
        footprint: largest.footprint,
        kept,
    })
}

async fn measure_scale(
    args: &BenchArgs,
    cx: &Inputs,
    plan: &Plan,
    db: &ScaleDb,
    patients: u64,
    is_largest: bool,
    copied: bool,
) -> anyhow::Result<(ScaleFigures, AnalyticsPoint, CaseloadPoint, Option<Largest>)> {
    let t = Instant::now();
    let (clinicians, generate_seconds) = if copied {
        let clinicians = crate::scale::check_copy(db.store.as_ref(), patients, args.seed)
            .await
            .with_context(|| format!("checking the copied database of {patients} patients"))?;
        // A copied database is measured with fresh planner statistics too, as a generated
        // one is (`scale::generate` ends with them): never PostgreSQL figures without (#15).
        db.store
            .refresh_statistics()
            .await
            .context("refreshing the table statistics of the copied database")?;
        (clinicians, None)
    } else {
        let generated = crate::scale::generate(db.store.clone(), patients, args.seed)
            .await
            .with_context(|| format!("generating {patients} patients"))?;
        (generated.clinicians, Some(t.elapsed().as_secs_f64()))
    };
    let app = App::new(
        db.store.clone(),
        Arc::new(SystemClock),
        cx.protocols.clone(),
    )
    .with_text_packs(cx.packs.clone());
    let subject = Subject::choose(&app).await?;
    let figures = ScaleFigures {
        patients: db.count("patients").await?,
        courses: db.count("courses").await?,
        sessions: db.count("therapy_sessions").await?,
        assessments: db.count("assessments").await?,
        diary_entries: db.count("diary_entries").await?,
        clinicians,
        generate_seconds,
        copied,
        bench_caseload_patients: subject.caseload,
    };
    say(format!(
        "  {} patients, {} courses, {} assessments {}; timing the outcome summary…",
        thousands(figures.patients),
        thousands(figures.courses),
        thousands(figures.assessments),
        match generate_seconds {
            Some(s) => format!("generated in {s:.1} s"),
            None => format!("copied (checked in {:.1} s)", t.elapsed().as_secs_f64()),
        }
    ));
    let analytics = time_analytics(&app, plan.analytics_runs, patients, figures.courses).await?;

    let server = Server::start_app(app.clone()).await?;
    let result = async {
        let credentials = subject.sign_in(&app).await?;
        let caseload = HttpRequest::get(
            server.addr,
            "/caseload",
            &[("Cookie", &credentials.cookie)],
            200,
        );
        check_page(&caseload, "the caseload page").await?;
        say(format!(
            "  caseload page ({} patients), 1 client…",
            subject.caseload
        ));
        let point = load::drive(vec![HttpClient::new(caseload.clone())], plan.phase)
            .await?
            .point();
        require_success(&point, "the caseload page")?;
        let caseload_point = CaseloadPoint {
            patients,
            caseload_patients: subject.caseload,
            point,
        };
        let largest = if is_largest {
            Some(
                measure_largest(
                    cx,
                    plan,
                    db,
                    &app,
                    &server,
                    &subject,
                    &credentials,
                    patients,
                )
                .await?,
            )
        } else {
            None
        };
        anyhow::Ok((caseload_point, largest))
    }
    .await;
    server.stop().await;
    let (caseload_point, largest) = result?;
    Ok((figures, analytics, caseload_point, largest))
}

#[allow(clippy::too_many_arguments)]
async fn measure_largest(
    cx: &Inputs,
    plan: &Plan,
    db: &ScaleDb,
    app: &App,
    server: &Server,
    subject: &Subject,
    credentials: &Credentials,
    patients: u64,
) -> anyhow::Result<Largest> {
    let durability = db.durability().await?;
    let reads = measure_reads(plan, db, server, subject, credentials, patients).await?;
    let footprint = measure_footprint(cx, plan, db, credentials, patients).await?;
    let writes = measure_writes(plan, db, app, server, subject, credentials, patients).await?;
    Ok(Largest {
        reads,
        writes,
        footprint,
        durability,
    })
}

// ---- The signed-in clinician -----------------------------------------------------------------

/// The clinician the reads act as, and the course they read and write.
struct Subject {
    clinician: ipt_app::ports::UserRecord,
    caseload: u64,
    course: Course,
}

struct Credentials {
    cookie: String,
    bearer: String,
}

impl Subject {
    /// The first clinician (by username) with patients, and their first patient's open course
    /// (else latest course): a realistic caseload, the same rule at every scale.
    async fn choose(app: &App) -> anyhow::Result<Self> {
        let mut clinicians: Vec<_> = app
            .users()
            .await?
            .into_iter()
            .filter(|u| u.role == Role::Clinician && u.active)
            .collect();
        clinicians.sort_by(|a, b| a.username.cmp(&b.username));
        let system = Actor::System;
        for clinician in clinicians {
            let audit = app.audit(
                &system,
                "caseload.read",
                "user",
                clinician.id.as_uuid(),
                None,
            );
            // Straight from the store (the seeding door): the subject is picked as the system,
            // outside any caseload's access rules, with the audit rows it always wrote.
            let patients = app
                .seeding()
                .list_patients(Some(clinician.id), &audit)
                .await?;
            for p in &patients {
                let audit = app.audit(
                    &system,
                    "course.list",
                    "patient",
                    p.id.as_uuid(),
                    Some(p.id),
                );
                let courses = app.seeding().courses_of_patient(p.id, &audit).await?;
                let course = courses
                    .iter()
                    .rev()
                    .find(|c| c.status.is_open())
                    .or(courses.last())
                    .cloned();
                if let Some(course) = course {
                    return Ok(Self {
                        caseload: patients.len() as u64,
                        clinician,
                        course,
                    });
                }
            }
        }
        bail!("the generated data has no clinician with a patient in a course")
    }

    /// A signed-in session and a personal API token for the clinician, stored as sign-in and
    /// `ipt token create` store them (hashes only), each with its audit event.
    async fn sign_in(&self, app: &App) -> anyhow::Result<Credentials> {
        let user = &self.clinician;
        let session_token = ipt_web::auth::new_token();
        // Long enough for the longest run; the server still checks and extends it.
        let idle = time::Duration::hours(24);
        app.start_web_session(user, &ipt_web::auth::hash_token(&session_token), idle)
            .await?;
        let api_token = ipt_web::auth::new_token();
        let label = TokenLabel::parse("ipt bench").expect("a short label");
        app.create_api_token(
            &Actor::System,
            user,
            &label,
            &ipt_web::auth::hash_token(&api_token),
        )
        .await?;
        Ok(Credentials {
            cookie: format!("{}={session_token}", ipt_web::auth::SESSION_COOKIE),
            bearer: format!("Bearer {api_token}"),
        })
    }
}

// ---- Servers -----------------------------------------------------------------------------------

/// A server in this process, on a port of its own.
struct Server {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// The real router over the app, as `ipt serve` builds it.
    async fn start_app(app: App) -> anyhow::Result<Self> {
        let state = ipt_web::AppState::with_options(app, ipt_web::WebOptions::default());
        let service = ipt_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self { addr, stop, task })
    }

    /// The ceiling: the smallest axum handler there is, served the same way.
    async fn start_ceiling() -> anyhow::Result<Self> {
        let router =
            axum::Router::new().route("/", axum::routing::get(|| async { "Hello, world!" }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self { addr, stop, task })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Fetch a page once and insist on a successful, non-empty answer before measuring it: a
/// benchmark of redirects to the sign-in page would measure nothing.
async fn check_page(req: &HttpRequest, what: &str) -> anyhow::Result<load::HttpResponse> {
    let res = req
        .fetch()
        .await
        .with_context(|| format!("fetching {what}"))?;
    if res.status != req.expect {
        bail!(
            "{what} answered HTTP {} (expected {}){}",
            res.status,
            req.expect,
            res.header("location")
                .map(|l| format!(", pointing to {l}"))
                .unwrap_or_default()
        );
    }
    if res.body.is_empty() {
        bail!("{what} answered with an empty body");
    }
    Ok(res)
}

fn require_success(p: &Point, what: &str) -> anyhow::Result<()> {
    if p.completed == 0 {
        bail!(
            "{what}: nothing succeeded at {} clients{}",
            p.clients,
            p.first_error
                .as_deref()
                .map(|e| format!(" (first error: {e})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn merged(all: Option<Sample>, more: Sample) -> Sample {
    match all {
        Some(a) => a.merge(more),
        None => more,
    }
}

/// The point of a finished workload, which must have succeeded at least once.
fn done(sample: Option<Sample>, what: &str) -> anyhow::Result<Point> {
    let point = sample.context("no round was run")?.point();
    require_success(&point, what)?;
    Ok(point)
}

fn compare(point: Point, ceiling: Option<&Point>) -> Compared {
    let ratio_to_ceiling = match ceiling {
        Some(c) if c.per_second > 0.0 => point.per_second / c.per_second,
        _ => 1.0,
    };
    Compared {
        point,
        ratio_to_ceiling,
    }
}

/// Audit events an operation writes, counted over a few made one at a time (so nothing else
/// writes in between).
async fn audit_events_per_op(db: &ScaleDb, op: &mut impl Op) -> anyhow::Result<f64> {
    const TIMES: u32 = 3;
    let before = db.count("audit_events").await?;
    for _ in 0..TIMES {
        op.once().await?;
    }
    let after = db.count("audit_events").await?;
    Ok(after.saturating_sub(before) as f64 / f64::from(TIMES))
}

fn http_clients(req: &HttpRequest, n: usize) -> Vec<HttpClient> {
    (0..n).map(|_| HttpClient::new(req.clone())).collect()
}

// ---- 1. Reads ----------------------------------------------------------------------------------

async fn measure_reads(
    plan: &Plan,
    db: &ScaleDb,
    server: &Server,
    subject: &Subject,
    credentials: &Credentials,
    patients: u64,
) -> anyhow::Result<Reads> {
    let ceiling_server = Server::start_ceiling().await?;
    let result = async {
        let hello = HttpRequest::get(ceiling_server.addr, "/", &[], 200);
        check_page(&hello, "the hello-world ceiling").await?;
        let cookie = [("Cookie", credentials.cookie.as_str())];
        let course = subject.course.id;
        // The patient chart: the progress page where it exists, else the course page.
        let progress_path = format!("/courses/{course}/progress");
        let progress = HttpRequest::get(server.addr, &progress_path, &cookie, 200);
        let (chart_path, chart) = match progress.fetch().await {
            Ok(r) if r.status == 404 => {
                let path = format!("/courses/{course}");
                let req = HttpRequest::get(server.addr, &path, &cookie, 200);
                (path, req)
            }
            _ => (progress_path, progress),
        };
        let workloads = [
            (
                "caseload_page",
                format!(
                    "the caseload page (GET /caseload, {} patients)",
                    subject.caseload
                ),
                HttpRequest::get(server.addr, "/caseload", &cookie, 200),
            ),
            (
                "chart_page",
                format!(
                    "the patient chart page (GET {})",
                    chart_path.replace(&course.to_string(), "{id}")
                ),
                chart,
            ),
            (
                "api_read",
                "a JSON API read (GET /api/v1/courses/{id}, bearer token)".to_string(),
                HttpRequest::get(
                    server.addr,
                    &format!("/api/v1/courses/{course}"),
                    &[("Authorization", credentials.bearer.as_str())],
                    200,
                ),
            ),
        ];
        let mut measured: Vec<Workload> = vec![];
        for (name, what, req) in &workloads {
            let res = check_page(req, name).await?;
            if *name == "api_read" {
                let v: serde_json::Value = serde_json::from_slice(&res.body)
                    .context("the API read did not answer JSON")?;
                if !v.to_string().contains(&course.to_string()) {
                    bail!("the API read did not answer the course asked for");
                }
            }
            let mut op = HttpClient::new(req.clone());
            measured.push(Workload {
                name,
                what: what.clone(),
                audit_events_per_op: Some(audit_events_per_op(db, &mut op).await?),
                points: vec![],
            });
        }
        let mut ceiling = Workload {
            name: "hello_world",
            what: "a hello-world axum handler (the ceiling)".into(),
            audit_events_per_op: None,
            points: vec![],
        };
        for &clients in &READ_CLIENTS {
            let mut c_all: Option<Sample> = None;
            let mut w_all: Vec<Option<Sample>> = vec![None; workloads.len()];
            for round in 1..=plan.rounds {
                say(format!(
                    "  reads at {clients} clients, round {round}/{}…",
                    plan.rounds
                ));
                let c = load::drive(http_clients(&hello, clients), plan.round).await?;
                c_all = Some(merged(c_all, c));
                for (i, (_, _, req)) in workloads.iter().enumerate() {
                    let p = load::drive(http_clients(req, clients), plan.round).await?;
                    w_all[i] = Some(merged(w_all[i].take(), p));
                }
            }
            let c = done(c_all, "the hello-world ceiling")?;
            for (i, (name, _, _)) in workloads.iter().enumerate() {
                let p = done(w_all[i].take(), name)?;
                measured[i].points.push(compare(p, Some(&c)));
            }
            ceiling.points.push(compare(c, None));
        }
        anyhow::Ok(Reads {
            scale_patients: patients,
            ceiling,
            workloads: measured,
        })
    }
    .await;
    ceiling_server.stop().await;
    result
}

// ---- 2. Durable writes -------------------------------------------------------------------------

struct RawOp(RawInserter);

#[async_trait::async_trait]
impl Op for RawOp {
    async fn once(&mut self) -> anyhow::Result<()> {
        self.0.insert(SUBMISSION).await
    }
}

/// A submission through the use case, without HTTP: parse the body, score it, store it with its
/// audit event (`App::record_assessment`).
struct UseCaseOp {
    app: App,
    actor: Actor,
    patient: PatientId,
    course: CourseId,
    phase: Option<CoursePhase>,
}

#[async_trait::async_trait]
impl Op for UseCaseOp {
    async fn once(&mut self) -> anyhow::Result<()> {
        let body: serde_json::Value = serde_json::from_str(SUBMISSION)?;
        let code = body["instrument"].as_str().unwrap_or_default();
        let answers: Vec<Option<u8>> = body["answers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.as_u64().and_then(|n| u8::try_from(n).ok()))
                    .collect()
            })
            .unwrap_or_default();
        let instrument = Catalogue::builtin()
            .require(code)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let scored = instrument
            .score(&answers)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if !scored.valid {
            bail!("the submission does not score");
        }
        let result = ipt_app::measures::summarise(code, &answers)?;
        let assessment = Assessment {
            id: new_id(),
            patient: self.patient,
            course: Some(self.course),
            session: None,
            instrument: instrument.code.clone(),
            answers,
            status: AssessmentStatus::Final,
            mode: AdministrationMode::Clinician,
            administered_at: self.app.now(),
            phase: self.phase,
            result: Some(result),
            version: 1,
        };
        self.app.record_assessment(&self.actor, assessment).await?;
        Ok(())
    }
}

async fn measure_writes(
    plan: &Plan,
    db: &ScaleDb,
    app: &App,
    server: &Server,
    subject: &Subject,
    credentials: &Credentials,
    patients: u64,
) -> anyhow::Result<Writes> {
    db.create_raw_table().await?;
    let course = &subject.course;
    let post = HttpRequest::post_json(
        server.addr,
        &format!("/api/v1/courses/{}/assessments", course.id),
        &[("Authorization", credentials.bearer.as_str())],
        SUBMISSION,
        201,
    );
    check_page(&post, "an assessment submission").await?;
    let actor = Actor::User {
        id: subject.clinician.id,
        role: subject.clinician.role,
    };
    let use_case_op = || UseCaseOp {
        app: app.clone(),
        actor,
        patient: course.patient,
        course: course.id,
        phase: course.status.phase(),
    };
    let mut ceiling = Workload {
        name: "raw_insert",
        what: "a raw single-row INSERT, one transaction each (the ceiling)".into(),
        audit_events_per_op: None,
        points: vec![],
    };
    let mut api = Workload {
        name: "submission_api",
        what: "POST /api/v1/courses/{id}/assessments: parse, score, store, audit".into(),
        audit_events_per_op: Some(
            audit_events_per_op(db, &mut HttpClient::new(post.clone())).await?,
        ),
        points: vec![],
    };
    let mut use_case = Workload {
        name: "submission_use_case",
        what: "the same submission through App::record_assessment, without HTTP".into(),
        audit_events_per_op: Some(audit_events_per_op(db, &mut use_case_op()).await?),
        points: vec![],
    };
    for &clients in &plan.write_clients {
        let (mut c_all, mut api_all, mut use_all) = (None, None, None);
        for round in 1..=plan.rounds {
            say(format!(
                "  writes at {clients} clients, round {round}/{}…",
                plan.rounds
            ));
            let ops = (0..clients).map(|_| RawOp(db.raw_inserter())).collect();
            c_all = Some(merged(c_all, load::drive(ops, plan.round).await?));
            let p = load::drive(http_clients(&post, clients), plan.round).await?;
            api_all = Some(merged(api_all, p));
            let ops = (0..clients).map(|_| use_case_op()).collect();
            use_all = Some(merged(use_all, load::drive(ops, plan.round).await?));
        }
        let c = done(c_all, "raw inserts")?;
        api.points
            .push(compare(done(api_all, "API submissions")?, Some(&c)));
        use_case
            .points
            .push(compare(done(use_all, "use-case submissions")?, Some(&c)));
        ceiling.points.push(compare(c, None));
    }
    Ok(Writes {
        scale_patients: patients,
        commit: "submissions group-committed with other writes (one transaction per batch), \
                 synced before each answer; the ceiling commits each insert alone",
        ceiling,
        workloads: vec![api, use_case],
    })
}

// ---- 3. Analytics and the caseload across scales -----------------------------------------------

async fn time_analytics(
    app: &App,
    runs: usize,
    patients: u64,
    courses: u64,
) -> anyhow::Result<AnalyticsPoint> {
    let actor = Actor::System;
    // One run to warm caches, as a real dashboard is read more than once.
    app.outcome_summary(&actor).await?;
    let mut runs_ms = vec![];
    let mut outcomes_counted = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let summary = app.outcome_summary(&actor).await?;
        runs_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        outcomes_counted = summary.instruments.iter().map(|i| i.counts.courses).sum();
    }
    Ok(AnalyticsPoint {
        patients,
        courses,
        median_ms: median(&runs_ms),
        runs_ms,
        outcomes_counted,
    })
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => 0.0,
        n if !n.is_multiple_of(2) => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn analytics_figures(points: Vec<AnalyticsPoint>) -> Analytics {
    // The exponent k in time ∝ courses^k between two points.
    let exponent = |a: &AnalyticsPoint, b: &AnalyticsPoint| {
        (b.courses > a.courses && a.median_ms > 0.0 && b.median_ms > 0.0).then(|| {
            (b.median_ms / a.median_ms).ln() / (b.courses as f64 / a.courses.max(1) as f64).ln()
        })
    };
    let steps: Vec<Step> = points
        .windows(2)
        .map(|w| Step {
            from_patients: w[0].patients,
            to_patients: w[1].patients,
            data_factor: w[1].courses as f64 / w[0].courses.max(1) as f64,
            time_factor: w[1].median_ms / w[0].median_ms.max(f64::MIN_POSITIVE),
            exponent: exponent(&w[0], &w[1]),
        })
        .collect();
    let growth_exponent = match (points.first(), points.last()) {
        (Some(a), Some(b)) => exponent(a, b),
        _ => None,
    };
    let steepest_exponent = steps
        .iter()
        .filter_map(|s| s.exponent)
        .max_by(|a, b| a.total_cmp(b));
    Analytics {
        points,
        steps,
        growth_exponent,
        steepest_exponent,
    }
}

fn caseload_figures(points: Vec<CaseloadPoint>) -> CaseloadScaling {
    let ratio_largest_to_smallest = match (points.first(), points.last()) {
        (Some(a), Some(b)) if points.len() > 1 && a.point.p50_ms > 0.0 => {
            Some(b.point.p50_ms / a.point.p50_ms)
        }
        _ => None,
    };
    CaseloadScaling {
        points,
        ratio_largest_to_smallest,
    }
}

// ---- 4. Footprint --------------------------------------------------------------------------

/// `ipt serve` as a child process, killed if the benchmark stops early.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

async fn measure_footprint(
    cx: &Inputs,
    plan: &Plan,
    db: &ScaleDb,
    credentials: &Credentials,
    patients: u64,
) -> anyhow::Result<Footprint> {
    let exe = std::env::current_exe().context("cannot find the running executable")?;
    let binary_bytes = std::fs::metadata(&exe)?.len();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut cmd = std::process::Command::new(&exe);
    cmd.arg("serve")
        .arg("--listen")
        .arg(addr.to_string())
        .env("IPT_DATABASE_URL", &db.url)
        .env(crate::keys::KEYS_VAR, &db.key_text)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(config) = &cx.config_file {
        cmd.arg("--config").arg(config);
    }
    say("  footprint: starting `ipt serve`…");
    let started = Instant::now();
    let mut child = Child(cmd.spawn().context("cannot start `ipt serve`")?);
    let pid = child.0.id();
    let ready = HttpRequest::get(addr, "/readyz", &[("Connection", "close")], 200);
    loop {
        if let Some(status) = child.0.try_wait()? {
            bail!("`ipt serve` stopped before it was ready ({status})");
        }
        if matches!(ready.fetch().await, Ok(r) if r.status == 200) {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            bail!("`ipt serve` was not ready within 120 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let time_to_ready_ms = started.elapsed().as_secs_f64() * 1000.0;
    tokio::time::sleep(plan.settle).await;
    let idle = machine::rss_of(pid).context("cannot read the memory of `ipt serve` from /proc")?;

    say(format!(
        "  footprint: {FOOTPRINT_CLIENTS} clients on the caseload page…"
    ));
    let caseload = HttpRequest::get(addr, "/caseload", &[("Cookie", &credentials.cookie)], 200);
    check_page(&caseload, "the caseload page of `ipt serve`").await?;
    let highest = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (highest, done) = (highest.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Some(r) = machine::rss_of(pid) {
                    highest.fetch_max(r.resident, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let load = load::drive(http_clients(&caseload, FOOTPRINT_CLIENTS), plan.phase)
        .await
        .map(Sample::point);
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let load = load?;
    require_success(&load, "the caseload page of `ipt serve`")?;
    // VmHWM is updated lazily by the kernel, so a sample may exceed it: the peak is the larger.
    let hwm = machine::rss_of(pid).map(|r| r.peak).unwrap_or(0);
    let load_rss_bytes = highest.load(Ordering::Relaxed);
    let peak_rss_bytes = hwm.max(load_rss_bytes);
    let disk_bytes_per_caseload_view = if db.url.starts_with("sqlite:") {
        say("  footprint: disk written per caseload view…");
        disk_per_view(pid, &caseload).await?
    } else {
        None
    };
    stop_child(child).await;
    Ok(Footprint {
        scale_patients: patients,
        time_to_ready_ms,
        idle_rss_bytes: idle.resident,
        idle_rss_anon_bytes: idle.anon,
        idle_rss_file_bytes: idle.file,
        load_rss_bytes,
        peak_rss_bytes,
        binary_bytes,
        load,
        disk_bytes_per_caseload_view,
    })
}

/// Caseload views made one at a time, so each pays its own audit commit, over which the bytes
/// the server wrote are counted.
const DISK_VIEWS: u32 = 40;

/// Bytes `ipt serve` (process `pid`) wrote per view of `page`, over `DISK_VIEWS` views one at a
/// time; None where /proc cannot say.
async fn disk_per_view(pid: u32, page: &HttpRequest) -> anyhow::Result<Option<f64>> {
    // One view first, so what a first view alone writes (a checkpoint's start) is not counted.
    check_page(page, "the caseload page of `ipt serve`").await?;
    let Some(before) = machine::write_bytes_of(pid) else {
        return Ok(None);
    };
    for _ in 0..DISK_VIEWS {
        check_page(page, "the caseload page of `ipt serve`").await?;
    }
    Ok(machine::write_bytes_of(pid)
        .map(|after| after.saturating_sub(before) as f64 / f64::from(DISK_VIEWS)))
}

/// Ask `ipt serve` to shut down as an operator would (SIGTERM), and kill it if it lingers.
async fn stop_child(mut child: Child) {
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.0.id().to_string())
        .stderr(std::process::Stdio::null())
        .status();
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if !matches!(child.0.try_wait(), Ok(None)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Dropping kills it.
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    fn point(courses: u64, ms: f64) -> AnalyticsPoint {
        AnalyticsPoint {
            patients: courses,
            courses,
            median_ms: ms,
            runs_ms: vec![ms],
            outcomes_counted: courses,
        }
    }

    #[test]
    fn growth_exponent_is_one_for_linear_time() {
        let a = analytics_figures(vec![point(10_000, 5.0), point(100_000, 50.0)]);
        assert!((a.growth_exponent.unwrap() - 1.0).abs() < 1e-9);
        assert!((a.steps[0].time_factor - 10.0).abs() < 1e-9);
        let a = analytics_figures(vec![point(10_000, 5.0), point(1_000_000, 50.0)]);
        assert!((a.growth_exponent.unwrap() - 0.5).abs() < 1e-9);
        // Flat, then ×100 for ×10: overall k = 1, but the steepest step is k = 2.
        let a = analytics_figures(vec![
            point(10_000, 5.0),
            point(100_000, 5.0),
            point(1_000_000, 500.0),
        ]);
        assert!((a.growth_exponent.unwrap() - 1.0).abs() < 1e-9);
        assert!((a.steepest_exponent.unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(
            analytics_figures(vec![point(10, 1.0)]).growth_exponent,
            None
        );
    }

    #[test]
    fn plans_refuse_what_cannot_be_measured() {
        let args = |scales: Option<Vec<u64>>, seconds: Option<f64>| BenchArgs {
            quick: true,
            scales,
            seconds,
            seed: 1,
            keep: false,
            data_from: None,
            out: "x.json".into(),
        };
        assert!(Plan::of(&args(Some(vec![10]), None)).is_err());
        assert!(Plan::of(&args(Some(vec![]), None)).is_err());
        assert!(Plan::of(&args(None, Some(0.0))).is_err());
        let p = Plan::of(&args(Some(vec![5_000, 1_000, 5_000]), Some(1.0))).unwrap();
        assert_eq!(p.scales, vec![1_000, 5_000]);
        assert_eq!(p.phase.warmup, Duration::from_millis(250));
    }
}
