//! What the run happened on: the machine, the build, the commit, and the load the machine was
//! already under (the figures are ratios because absolute times on a shared machine are noise,
//! but a reader still needs to know how shared it was).

use std::path::Path;
use std::process::Command;

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// From /proc/cpuinfo ("model name"), when readable.
    pub cpu_model: Option<String>,
    /// Logical CPUs this process may use.
    pub cores: usize,
    pub memory_bytes: Option<u64>,
    pub kernel: Option<String>,
    pub os: Option<String>,
    pub arch: &'static str,
    /// The 1-minute load average when the run started and when it ended.
    pub load_average_start: Option<f64>,
    pub load_average_end: Option<f64>,
}

impl Machine {
    pub fn describe() -> Self {
        Self {
            cpu_model: read("/proc/cpuinfo").and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            }),
            cores: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            memory_bytes: read("/proc/meminfo").and_then(|s| kib_field(&s, "MemTotal:")),
            kernel: read("/proc/sys/kernel/osrelease").map(|s| s.trim().to_string()),
            os: read("/etc/os-release").and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_string())
            }),
            arch: std::env::consts::ARCH,
            load_average_start: load_average(),
            load_average_end: None,
        }
    }
}

/// The build that ran.
#[derive(Debug, Clone, Serialize)]
pub struct Build {
    pub version: &'static str,
    /// "release" or "debug": debug figures are not comparable with release ones.
    pub profile: &'static str,
    pub git_commit: Option<String>,
    /// Whether the working tree had uncommitted changes.
    pub git_dirty: Option<bool>,
}

impl Build {
    pub fn describe() -> Self {
        // The working tree the command runs in, else the one it was built from.
        let dirs = [None, Some(env!("CARGO_MANIFEST_DIR"))];
        let git = |dir: Option<&str>, args: &[&str]| {
            let mut cmd = Command::new("git");
            if let Some(d) = dir {
                cmd.arg("-C").arg(d);
            }
            cmd.args(args)
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .filter(|s| !s.is_empty())
        };
        let found = dirs
            .iter()
            .find_map(|&d| git(d, &["rev-parse", "HEAD"]).map(|c| (d, c)));
        Self {
            version: env!("CARGO_PKG_VERSION"),
            profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            git_dirty: found.as_ref().map(|(d, _)| {
                git(*d, &["status", "--porcelain", "--untracked-files=no"]).is_some()
            }),
            git_commit: found.map(|(_, c)| c),
        }
    }
}

pub fn load_average() -> Option<f64> {
    read("/proc/loadavg")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Resident memory of a process, in bytes, from /proc/<pid>/status.
#[derive(Debug, Clone, Copy)]
pub struct Rss {
    /// Now (VmRSS).
    pub resident: u64,
    /// The peak so far (VmHWM).
    pub peak: u64,
    /// Of which anonymous memory: heap and stacks (RssAnon).
    pub anon: u64,
    /// Of which mapped files, mostly the executable's own pages (RssFile).
    pub file: u64,
}

pub fn rss_of(pid: u32) -> Option<Rss> {
    let status = read(format!("/proc/{pid}/status"))?;
    Some(Rss {
        resident: kib_field(&status, "VmRSS:")?,
        peak: kib_field(&status, "VmHWM:")?,
        anon: kib_field(&status, "RssAnon:").unwrap_or(0),
        file: kib_field(&status, "RssFile:").unwrap_or(0),
    })
}

/// CPU time of the whole machine and of the measurement itself, in clock ticks: what tells a
/// figure measured beside someone else's build from one measured on a quiet machine (the load
/// average cannot: the benchmark's own clients and server keep it near the core count).
#[derive(Debug, Clone, Copy)]
pub struct CpuSample {
    /// Ticks of every CPU, busy or idle (/proc/stat).
    total: u64,
    /// Busy ticks of every CPU, steal (a virtual machine's neighbours) included.
    busy: u64,
    /// Busy ticks of the measurement: this process and the PostgreSQL server's processes.
    ours: u64,
    /// The CPUs /proc/stat counts.
    cpus: usize,
}

/// Now, where /proc can say.
pub fn cpu_sample() -> Option<CpuSample> {
    let stat = read("/proc/stat")?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    if fields.len() < 8 {
        return None;
    }
    let busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
    let cpus = stat
        .lines()
        .filter(|l| {
            l.strip_prefix("cpu")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count()
        .max(1);
    let total = busy + fields[3] + fields[4];
    let mut ours = process_ticks("self")?;
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
            else {
                continue;
            };
            if read(format!("/proc/{pid}/comm")).is_some_and(|c| c.trim() == "postgres") {
                ours += process_ticks(pid).unwrap_or(0);
            }
        }
    }
    Some(CpuSample {
        total,
        busy,
        ours,
        cpus,
    })
}

/// utime + stime of a process, in clock ticks (/proc/<pid>/stat, after its command name).
fn process_ticks(pid: &str) -> Option<u64> {
    let stat = read(format!("/proc/{pid}/stat"))?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); `rest` starts at field 3.
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// How many cores, on average, something other than the measurement kept busy between two
/// samples.
pub fn other_cores(from: CpuSample, to: CpuSample) -> Option<f64> {
    let total = to.total.checked_sub(from.total)?;
    if total == 0 {
        return None;
    }
    let busy = to.busy.saturating_sub(from.busy) as f64;
    let ours = to.ours.saturating_sub(from.ours) as f64;
    Some(((busy - ours).max(0.0) / total as f64) * to.cpus as f64)
}

/// Bytes a process has caused to be written to storage so far (`write_bytes` of
/// /proc/<pid>/io: counted as its writes reach the page cache, so fsyncs do not hide them).
pub fn write_bytes_of(pid: u32) -> Option<u64> {
    let io = read(format!("/proc/{pid}/io"))?;
    let line = io.lines().find(|l| l.starts_with("write_bytes:"))?;
    line["write_bytes:".len()..].trim().parse().ok()
}

fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kib: u64 = line[name.len()..].split_whitespace().next()?.parse().ok()?;
    Some(kib * 1024)
}

fn read(path: impl AsRef<Path>) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kibibyte_fields() {
        let s = "Name:\tipt\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n";
        assert_eq!(kib_field(s, "VmRSS:"), Some(10 * 1024 * 1024));
        assert_eq!(kib_field(s, "VmHWM:"), Some(20 * 1024 * 1024));
        assert_eq!(kib_field(s, "VmSwap:"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_a_resident_size() {
        let r = rss_of(std::process::id()).unwrap();
        assert!(r.resident > 0 && r.peak >= r.resident);
        assert!(r.anon + r.file <= r.resident + 4096 * 1024);
    }
}

#[cfg(test)]
mod cpu_tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn the_cpu_time_of_others_is_counted_apart_from_ours() {
        let a = cpu_sample().expect("Linux has /proc/stat");
        // Keep this process busy for a moment: it is ours, not others'.
        let until = std::time::Instant::now() + std::time::Duration::from_millis(300);
        let mut x = 0u64;
        while std::time::Instant::now() < until {
            x = x.wrapping_add(1);
        }
        assert!(x > 0);
        let b = cpu_sample().unwrap();
        let other = other_cores(a, b).expect("ticks passed");
        assert!(other >= 0.0 && other <= b.cpus as f64, "{other}");
        assert!(b.ours > a.ours, "our own busy time is counted as ours");
    }
}
