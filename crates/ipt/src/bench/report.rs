//! The report: a JSON document with a stable schema (`schema_version`), the targets of issue #7
//! judged against the figures, and the same figures as a table for people.

use std::fmt::Write as _;

use serde::Serialize;

use super::load::Point;
use super::machine::{Build, Machine};

/// Bump when a field changes meaning or goes away; adding fields keeps the version.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: &'static str,
    /// "quick" or "full" (settings show any override).
    pub mode: &'static str,
    pub started_at: String,
    pub finished_at: String,
    pub duration_seconds: f64,
    pub build: Build,
    pub machine: Machine,
    pub database: DatabaseInfo,
    pub settings: Settings,
    pub scales: Vec<ScaleFigures>,
    pub reads: Reads,
    pub writes: Writes,
    pub analytics: Analytics,
    pub caseload_scaling: CaseloadScaling,
    pub footprint: Footprint,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatabaseInfo {
    pub backend: &'static str,
    pub location: String,
    /// The durability settings read back from the database.
    pub durability: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub scales: Vec<u64>,
    pub seed: u64,
    /// Warm-up before each measured window.
    pub warmup_seconds: f64,
    /// Time measured per point, split over `rounds` windows interleaved with the ceiling's.
    pub measure_seconds: f64,
    pub rounds: u32,
    pub read_clients: Vec<usize>,
    pub write_clients: Vec<usize>,
    pub analytics_runs: usize,
}

/// The synthetic data of one scale, as generated.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleFigures {
    pub patients: u64,
    pub courses: u64,
    pub sessions: u64,
    pub assessments: u64,
    pub diary_entries: u64,
    pub clinicians: u64,
    /// How long generating took; none when the data was copied from `--data-from`.
    pub generate_seconds: Option<f64>,
    /// Copied from a database generated earlier (`--data-from`), rather than generated.
    pub copied: bool,
    /// Patients on the caseload the benchmark signs in to.
    pub bench_caseload_patients: u64,
}

/// A workload measured at several concurrencies, each compared with its ceiling.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    pub name: &'static str,
    pub what: String,
    /// Audit events written per operation (each one part of a synced commit), counted over a
    /// few operations made one at a time; none for ceilings, which audit nothing.
    pub audit_events_per_op: Option<f64>,
    pub points: Vec<Compared>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    #[serde(flatten)]
    pub point: Point,
    /// Throughput as a share of the ceiling's at the same concurrency (the ceiling itself: 1).
    pub ratio_to_ceiling: f64,
}

impl Workload {
    pub fn at(&self, clients: usize) -> Option<&Compared> {
        self.points.iter().find(|p| p.point.clients == clients)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Reads {
    /// The scale (patients) the reads ran at: the largest of the run.
    pub scale_patients: u64,
    pub ceiling: Workload,
    pub workloads: Vec<Workload>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Writes {
    pub scale_patients: u64,
    /// How each submission is made durable (no batching of separate submissions).
    pub commit: &'static str,
    pub ceiling: Workload,
    pub workloads: Vec<Workload>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnalyticsPoint {
    pub patients: u64,
    pub courses: u64,
    pub median_ms: f64,
    pub runs_ms: Vec<f64>,
    /// Course outcomes counted by the summary, summed over its instruments: a check that it
    /// read the data.
    pub outcomes_counted: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub from_patients: u64,
    pub to_patients: u64,
    /// How much more data (courses) the larger scale holds.
    pub data_factor: f64,
    /// How much longer it took.
    pub time_factor: f64,
    /// The exponent k in time ∝ courses^k over this step (1 = linear).
    pub exponent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Analytics {
    pub points: Vec<AnalyticsPoint>,
    pub steps: Vec<Step>,
    /// The exponent k in time ∝ courses^k between the smallest and largest scale (1 = linear).
    pub growth_exponent: Option<f64>,
    /// The largest exponent of any step between consecutive scales: the target is judged on
    /// it, since growth faster than linear at the top is not cancelled by flat growth below.
    pub steepest_exponent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseloadPoint {
    pub patients: u64,
    pub caseload_patients: u64,
    #[serde(flatten)]
    pub point: Point,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseloadScaling {
    /// The caseload page, one client, at each scale.
    pub points: Vec<CaseloadPoint>,
    /// Median time at the largest scale over the median at the smallest.
    pub ratio_largest_to_smallest: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Footprint {
    pub scale_patients: u64,
    /// From starting `ipt serve` to its first successful /readyz.
    pub time_to_ready_ms: f64,
    /// Resident memory after start-up, before any request but /readyz.
    pub idle_rss_bytes: u64,
    /// Of which heap and stacks (RssAnon) …
    pub idle_rss_anon_bytes: u64,
    /// … and mapped files, mostly the executable's pages (RssFile).
    pub idle_rss_file_bytes: u64,
    /// The highest resident memory sampled while serving the caseload page to 16 clients.
    pub load_rss_bytes: u64,
    /// The process's peak resident memory over the whole test (VmHWM, or the highest sample
    /// if larger: the kernel updates VmHWM lazily).
    pub peak_rss_bytes: u64,
    /// Size of the `ipt` executable that ran.
    pub binary_bytes: u64,
    pub load: Point,
    /// Bytes `ipt serve` wrote to storage per caseload view, over views made one at a time
    /// (each with its audit commit). SQLite only: PostgreSQL writes in its own processes.
    pub disk_bytes_per_caseload_view: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    /// The run did not reach the scale the target is defined at.
    NotMeasured,
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: &'static str,
    pub description: String,
    /// The bound, in words and as a number.
    pub target: String,
    pub value: Option<f64>,
    pub unit: &'static str,
    pub status: Status,
    /// How far above or below the bound, in words.
    pub detail: String,
    /// Why the figure cannot be trusted, when it cannot: the machine's load average exceeded
    /// its cores while it was measured (something else competed for them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreliable: Option<String>,
}

/// The most cores something other than the measurement may keep busy, on average over a round,
/// before a figure measured then is marked unreliable.
pub const OTHER_CORES_LIMIT: f64 = 0.5;

/// Why figures measured at `points` cannot be trusted: something other than the measurement
/// kept more than `OTHER_CORES_LIMIT` cores busy while one of them was measured (another build,
/// a neighbouring virtual machine). The load average is recorded, not judged: on a machine of
/// `cores`, the benchmark's own clients and server keep it near `cores`.
pub fn unreliable_under_load<'a>(
    points: impl IntoIterator<Item = &'a Point>,
    cores: usize,
) -> Option<String> {
    let points: Vec<&Point> = points.into_iter().collect();
    let highest = |f: fn(&Point) -> Option<f64>| {
        points
            .iter()
            .filter_map(|p| f(p))
            .fold(None, |m: Option<f64>, l| Some(m.map_or(l, |m| m.max(l))))
    };
    let other = highest(|p| p.other_cores)?;
    (other > OTHER_CORES_LIMIT).then(|| {
        let load = highest(|p| p.load_average)
            .map(|l| format!(", load average {l:.1}"))
            .unwrap_or_default();
        format!(
            "other processes kept {other:.1} of the {cores} cores busy while it was measured{load}"
        )
    })
}

/// The targets of issue #7, judged on the figures.
pub fn judge(
    reads: &Reads,
    writes: &Writes,
    analytics: &Analytics,
    caseload: &CaseloadScaling,
    footprint: &Footprint,
    cores: usize,
) -> Vec<Target> {
    let mut out = vec![];
    for w in &reads.workloads {
        out.push(ratio_target(
            match w.name {
                "caseload_page" => "read_caseload_16",
                "chart_page" => "read_chart_16",
                _ => "read_api_16",
            },
            format!(
                "{} throughput at 16 clients vs the hello-world ceiling",
                w.what
            ),
            w.at(16),
            reads.ceiling.at(16),
            0.5,
            cores,
        ));
    }
    if let Some(api) = writes.workloads.iter().find(|w| w.name == "submission_api") {
        out.push(ratio_target(
            "write_submission_16",
            "assessment submissions (HTTP API: parse, score, store, audit) at 16 clients vs raw \
             durable single-row inserts"
                .into(),
            api.at(16),
            writes.ceiling.at(16),
            0.5,
            cores,
        ));
    }
    // Caseload page at the largest scale vs the smallest (defined as 1 M vs 10 k).
    let first = caseload.points.first();
    let last = caseload.points.last();
    let (status, detail) = match (caseload.ratio_largest_to_smallest, first, last) {
        (Some(r), Some(a), Some(b)) => {
            let reached = a.patients <= 10_000 && b.patients >= 1_000_000;
            let verdict = if r <= 1.5 {
                Status::Met
            } else {
                Status::NotMet
            };
            let span = format!(
                "{} → {} patients",
                thousands(a.patients),
                thousands(b.patients)
            );
            if reached {
                (verdict, format!("{r:.2}× over {span}"))
            } else {
                (
                    verdict,
                    format!("{r:.2}× over {span}; the target is defined over 10 k → 1 M"),
                )
            }
        }
        _ => (Status::NotMeasured, "needs two scales".into()),
    };
    out.push(Target {
        id: "caseload_scaling",
        description: "caseload page time (1 client, median) at the largest scale vs the smallest"
            .into(),
        target: "≤ 1.5×".into(),
        value: caseload.ratio_largest_to_smallest,
        unit: "ratio",
        status,
        detail,
        unreliable: unreliable_under_load(caseload.points.iter().map(|p| &p.point), cores),
    });
    out.push(Target {
        id: "analytics_linear",
        description: "outcome summary time grows no faster than the number of courses, at any \
                      step between scales"
            .into(),
        target: "exponent ≤ 1.0".into(),
        value: analytics.steepest_exponent,
        unit: "exponent",
        status: match analytics.steepest_exponent {
            None => Status::NotMeasured,
            Some(k) if k <= 1.0 => Status::Met,
            Some(_) => Status::NotMet,
        },
        detail: match analytics.steepest_exponent {
            Some(k) => {
                let steps: Vec<String> = analytics
                    .steps
                    .iter()
                    .map(|s| {
                        format!(
                            "{} → {}: ×{:.1} data, ×{:.2} time",
                            thousands(s.from_patients),
                            thousands(s.to_patients),
                            s.data_factor,
                            s.time_factor
                        )
                    })
                    .collect();
                format!("steepest step k = {k:.2}; {}", steps.join("; "))
            }
            None => "needs two scales".into(),
        },
        unreliable: None,
    });
    let million = analytics.points.iter().find(|p| p.courses >= 1_000_000);
    let largest = analytics.points.last();
    out.push(match (million, largest) {
        (Some(p), _) => Target {
            id: "analytics_1m",
            description: "outcome summary over all courses at ≥ 1 M courses".into(),
            target: "< 1000 ms".into(),
            value: Some(p.median_ms),
            unit: "ms",
            status: if p.median_ms < 1000.0 {
                Status::Met
            } else {
                Status::NotMet
            },
            detail: format!(
                "{:.0} ms over {} courses",
                p.median_ms,
                thousands(p.courses)
            ),
            unreliable: None,
        },
        (None, largest) => Target {
            id: "analytics_1m",
            description: "outcome summary over all courses at ≥ 1 M courses".into(),
            target: "< 1000 ms".into(),
            value: None,
            unit: "ms",
            status: Status::NotMeasured,
            detail: match largest {
                Some(p) => format!(
                    "the run stopped at {} courses ({:.1} ms there)",
                    thousands(p.courses),
                    p.median_ms
                ),
                None => "no analytics figure".into(),
            },
            unreliable: None,
        },
    });
    let kb = footprint.disk_bytes_per_caseload_view.map(|b| b / 1000.0);
    out.push(Target {
        id: "disk_per_caseload_view",
        description: "bytes `ipt serve` writes to disk per caseload view (SQLite: the view's \
                      audit rows, their indexes and the write-ahead log)"
            .into(),
        target: "≤ 100 KB".into(),
        value: kb,
        unit: "KB",
        status: match kb {
            None => Status::NotMeasured,
            Some(k) if k <= 100.0 => Status::Met,
            Some(_) => Status::NotMet,
        },
        detail: match kb {
            None => "measured on SQLite only (PostgreSQL writes in its own processes)".into(),
            Some(k) if k <= 100.0 => format!("{k:.1} KB, {:.1} KB under the bound", 100.0 - k),
            Some(k) => format!("{k:.1} KB, {:.1} KB over the bound", k - 100.0),
        },
        unreliable: None,
    });
    let mib = footprint.idle_rss_bytes as f64 / (1024.0 * 1024.0);
    out.push(Target {
        id: "idle_rss",
        description: "resident memory of `ipt serve`, idle after start-up".into(),
        target: "≤ 40 MiB".into(),
        value: Some(mib),
        unit: "MiB",
        status: if mib <= 40.0 {
            Status::Met
        } else {
            Status::NotMet
        },
        detail: if mib <= 40.0 {
            format!("{mib:.1} MiB, {:.1} MiB under the bound", 40.0 - mib)
        } else {
            format!("{mib:.1} MiB, {:.1} MiB over the bound", mib - 40.0)
        },
        unreliable: None,
    });
    out
}

fn ratio_target(
    id: &'static str,
    description: String,
    point: Option<&Compared>,
    ceiling: Option<&Compared>,
    bound: f64,
    cores: usize,
) -> Target {
    let ratio = point.map(|p| p.ratio_to_ceiling);
    let unreliable =
        unreliable_under_load(point.into_iter().chain(ceiling).map(|c| &c.point), cores);
    let (status, detail) = match ratio {
        None => (Status::NotMeasured, "16 clients were not measured".into()),
        Some(r) if r >= bound => (
            Status::Met,
            format!(
                "{} of the ceiling, {:.1} points above the bound",
                percent(r),
                (r - bound) * 100.0
            ),
        ),
        Some(r) => (
            Status::NotMet,
            format!(
                "{} of the ceiling, {:.1} points short",
                percent(r),
                (bound - r) * 100.0
            ),
        ),
    };
    Target {
        id,
        description,
        target: format!("≥ {:.0} %", bound * 100.0),
        value: ratio,
        unit: "ratio",
        status,
        detail,
        unreliable,
    }
}

/// 1234567 → "1 234 567" (thin groups read the same in English and Italian).
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage, with the digits a small share needs to be read at all.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The report as a table for a terminal.
pub fn table(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "IPT Workbench benchmark ({} run, {} build{}), {}",
        r.mode,
        r.build.profile,
        r.build
            .git_commit
            .as_deref()
            .map(|c| format!(
                ", commit {}{}",
                &c[..c.len().min(12)],
                if r.build.git_dirty == Some(true) {
                    "+changes"
                } else {
                    ""
                }
            ))
            .unwrap_or_default(),
        r.started_at
    );
    let _ = writeln!(
        s,
        "Machine: {} × {}, {} memory, kernel {}; load average {} at start, {} at end",
        r.machine.cores,
        r.machine.cpu_model.as_deref().unwrap_or("unknown CPU"),
        r.machine
            .memory_bytes
            .map(mib)
            .unwrap_or_else(|| "unknown".into()),
        r.machine.kernel.as_deref().unwrap_or("unknown"),
        r.machine
            .load_average_start
            .map(|l| format!("{l:.2}"))
            .unwrap_or_else(|| "?".into()),
        r.machine
            .load_average_end
            .map(|l| format!("{l:.2}"))
            .unwrap_or_else(|| "?".into()),
    );
    let _ = writeln!(
        s,
        "Database: {} ({}); {}",
        r.database.backend, r.database.durability, r.database.location
    );
    let _ = writeln!(
        s,
        "Each point: {:.1} s measured in {} round(s), interleaved with its ceiling, each after \
         {:.1} s of warm-up. Total time {:.0} s.\n",
        r.settings.measure_seconds,
        r.settings.rounds,
        r.settings.warmup_seconds,
        r.duration_seconds
    );

    let _ = writeln!(s, "Scale data");
    let _ = writeln!(
        s,
        "  {:>10} {:>10} {:>11} {:>12} {:>10} {:>10} {:>9}",
        "patients", "courses", "sessions", "assessments", "diary", "generated", "caseload"
    );
    for x in &r.scales {
        let _ = writeln!(
            s,
            "  {:>10} {:>10} {:>11} {:>12} {:>10} {:>10} {:>9}",
            thousands(x.patients),
            thousands(x.courses),
            thousands(x.sessions),
            thousands(x.assessments),
            thousands(x.diary_entries),
            x.generate_seconds
                .map(|t| format!("{t:.1}s"))
                .unwrap_or_else(|| "copied".into()),
            x.bench_caseload_patients
        );
    }

    let workload_rows = |s: &mut String, w: &Workload| {
        let audits = w
            .audit_events_per_op
            .map(|a| format!("{a:.1}"))
            .unwrap_or_else(|| "-".into());
        for c in &w.points {
            let p = &c.point;
            let _ = writeln!(
                s,
                "  {:<22} {:>3} {:>10.1} {:>9.2} {:>9.2} {:>9} {:>6} {:>7}",
                w.name,
                p.clients,
                p.per_second,
                p.p50_ms,
                p.p99_ms,
                percent(c.ratio_to_ceiling),
                p.errors,
                audits
            );
        }
    };
    let header = |s: &mut String| {
        let _ = writeln!(
            s,
            "  {:<22} {:>3} {:>10} {:>9} {:>9} {:>9} {:>6} {:>7}",
            "workload", "n", "per s", "p50 ms", "p99 ms", "ceiling", "errors", "audit/op"
        );
    };
    let _ = writeln!(
        s,
        "\n1. Reads at {} patients (ceiling: a hello-world axum handler in the same process)",
        thousands(r.reads.scale_patients)
    );
    header(&mut s);
    workload_rows(&mut s, &r.reads.ceiling);
    for w in &r.reads.workloads {
        workload_rows(&mut s, w);
    }
    let _ = writeln!(
        s,
        "\n2. Durable writes at {} patients (ceiling: raw single-row inserts, same pool; {})",
        thousands(r.writes.scale_patients),
        r.writes.commit
    );
    header(&mut s);
    workload_rows(&mut s, &r.writes.ceiling);
    for w in &r.writes.workloads {
        workload_rows(&mut s, w);
    }
    let _ = writeln!(s, "\n3. Analytics: the outcome summary over all courses");
    let _ = writeln!(
        s,
        "  {:>10} {:>10} {:>11}",
        "patients", "courses", "median ms"
    );
    for p in &r.analytics.points {
        let _ = writeln!(
            s,
            "  {:>10} {:>10} {:>11.1}",
            thousands(p.patients),
            thousands(p.courses),
            p.median_ms
        );
    }
    for st in &r.analytics.steps {
        let _ = writeln!(
            s,
            "  {} → {}: data ×{:.1}, time ×{:.2} (time ∝ courses^{})",
            thousands(st.from_patients),
            thousands(st.to_patients),
            st.data_factor,
            st.time_factor,
            st.exponent
                .map(|k| format!("{k:.2}"))
                .unwrap_or_else(|| "?".into())
        );
    }
    let _ = writeln!(s, "\n   Caseload page, 1 client, at each scale");
    let _ = writeln!(
        s,
        "  {:>10} {:>9} {:>9} {:>9}",
        "patients", "caseload", "p50 ms", "p99 ms"
    );
    for p in &r.caseload_scaling.points {
        let _ = writeln!(
            s,
            "  {:>10} {:>9} {:>9.2} {:>9.2}",
            thousands(p.patients),
            p.caseload_patients,
            p.point.p50_ms,
            p.point.p99_ms
        );
    }
    let f = &r.footprint;
    let _ = writeln!(
        s,
        "\n4. Footprint of `ipt serve` at {} patients",
        thousands(f.scale_patients)
    );
    let _ = writeln!(
        s,
        "  time to /readyz {:.0} ms; idle RSS {} (heap {}, files {}); RSS under load {}; peak {}; \
         binary {}",
        f.time_to_ready_ms,
        mib(f.idle_rss_bytes),
        mib(f.idle_rss_anon_bytes),
        mib(f.idle_rss_file_bytes),
        mib(f.load_rss_bytes),
        mib(f.peak_rss_bytes),
        mib(f.binary_bytes)
    );
    if let Some(b) = f.disk_bytes_per_caseload_view {
        let _ = writeln!(
            s,
            "  disk written per caseload view (one at a time): {:.1} KB",
            b / 1000.0
        );
    }
    let _ = writeln!(s, "\nTargets");
    for t in &r.targets {
        let mark = match t.status {
            Status::Met => "met",
            Status::NotMet => "NOT MET",
            Status::NotMeasured => "not measured",
        };
        let _ = writeln!(
            s,
            "  [{mark:^12}] {:<20} {:<10} {}",
            t.id, t.target, t.detail
        );
        if let Some(why) = &t.unreliable {
            let _ = writeln!(
                s,
                "  {:16}UNRELIABLE: {why}; measure again on a quiet machine",
                ""
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10 000");
        assert_eq!(thousands(1_234_567), "1 234 567");
    }

    /// A point at 16 clients with `ratio` to its ceiling, measured while other processes kept
    /// `other` cores busy.
    fn at(ratio: f64, other: f64) -> Compared {
        Compared {
            point: Point {
                clients: 16,
                completed: 10,
                errors: 0,
                seconds: 1.0,
                per_second: 10.0,
                p50_ms: 1.0,
                p90_ms: 1.0,
                p99_ms: 1.0,
                max_ms: 1.0,
                mean_ms: 1.0,
                first_error: None,
                load_average: Some(2.0),
                other_cores: Some(other),
            },
            ratio_to_ceiling: ratio,
        }
    }

    #[test]
    fn ratio_targets_say_by_how_much() {
        let ceiling = at(1.0, 0.0);
        let t = ratio_target(
            "x",
            "x".into(),
            Some(&at(0.31, 0.0)),
            Some(&ceiling),
            0.5,
            2,
        );
        assert_eq!(t.status, Status::NotMet);
        assert!(t.detail.contains("19.0 points short"), "{}", t.detail);
        assert_eq!(t.unreliable, None);
        assert_eq!(percent(0.0031), "0.31 %");
        assert_eq!(percent(0.031), "3.1 %");
        assert_eq!(percent(0.31), "31 %");
        let t = ratio_target(
            "x",
            "x".into(),
            Some(&at(0.62, 0.0)),
            Some(&ceiling),
            0.5,
            2,
        );
        assert_eq!(t.status, Status::Met);
        let t = ratio_target("x", "x".into(), None, Some(&ceiling), 0.5, 2);
        assert_eq!(t.status, Status::NotMeasured);
    }

    #[test]
    fn a_figure_measured_beside_other_work_is_marked_unreliable() {
        // The product's point or the ceiling's: either measured while something else used the
        // cores spoils the ratio; the benchmark's own load average of 2 on 2 cores does not.
        let busy = ratio_target(
            "x",
            "x".into(),
            Some(&at(0.4, 1.2)),
            Some(&at(1.0, 0.0)),
            0.5,
            2,
        );
        let why = busy.unreliable.expect("1.2 cores taken by others");
        assert!(why.contains("1.2 of the 2 cores"), "{why}");
        let busy_ceiling = ratio_target(
            "x",
            "x".into(),
            Some(&at(0.4, 0.1)),
            Some(&at(1.0, 0.8)),
            0.5,
            2,
        );
        assert!(busy_ceiling.unreliable.is_some());
        let quiet = ratio_target(
            "x",
            "x".into(),
            Some(&at(0.4, 0.2)),
            Some(&at(1.0, 0.5)),
            0.5,
            2,
        );
        assert_eq!(quiet.unreliable, None);
    }
}
