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
