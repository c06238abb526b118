//! What the benchmarks share: `keepalived -t` measured in a network namespace of its own
//! (the oracle every speed figure is compared with), peak memory from `/proc/self/status`,
//! medians and a temporary directory. Included with `#[path]` by grammar's and compiler's
//! benches.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub const KEEPALIVED: &str = "/usr/sbin/keepalived";
pub const TIME: &str = "/usr/bin/time";

pub fn median_secs(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

// ---- peak memory ----------------------------------------------------------------------

#[derive(Clone, Copy)]
pub struct PeakMem {
    pub base_kib: u64,
    pub peak_kib: u64,
    pub after_kib: u64,
}

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

// ---- keepalived -t --------------------------------------------------------------------

pub struct KeepalivedRuns {
    pub runs: Vec<f64>,
    pub median: f64,
    pub peak_kib: Option<u64>,
}

pub fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

pub fn run(cmd: &mut Command) -> Result<std::process::Output, String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A network namespace, deleted on drop.
pub struct Netns(pub String);

impl Netns {
    pub fn new() -> Result<Netns, String> {
        let name = format!("vigil-bench-{}", std::process::id());
        run(Command::new("ip").args(["netns", "add", &name]))?;
        let ns = Netns(name);
        ns.ip(&["link", "set", "lo", "up"])?;
        Ok(ns)
    }

    pub fn ip(&self, args: &[&str]) -> Result<std::process::Output, String> {
        run(Command::new("ip").arg("-n").arg(&self.0).args(args))
    }

    /// Adds an interface named `name`: a dummy, or a bridge (no ports) where the kernel has
    /// no dummy driver. keepalived -t only needs the name to exist.
    pub fn add_interface(&self, name: &str) -> Result<(), String> {
        if self.ip(&["link", "add", name, "type", "dummy"]).is_err() {
            self.ip(&["link", "add", name, "type", "bridge"])?;
        }
        self.ip(&["link", "set", name, "up"]).map(drop)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Err(e) = run(Command::new("ip").args(["netns", "del", &self.0])) {
            eprintln!("warning: could not delete network namespace {}: {e}", self.0);
        }
    }
}

/// Runs `keepalived -t` on `path` `times` times in a namespace holding `interfaces`.
pub fn keepalived(path: &Path, interfaces: &[String], times: usize) -> Result<KeepalivedRuns, String> {
    if !is_root() {
        return Err("not running as root (a network namespace is needed for keepalived -t)".into());
    }
    if !Path::new(KEEPALIVED).exists() {
        return Err(format!("{KEEPALIVED} does not exist"));
    }
    let has_time = Path::new(TIME).exists();
    let ns = Netns::new().map_err(|e| format!("cannot create a network namespace: {e}"))?;
    for name in interfaces {
        ns.add_interface(name)
            .map_err(|e| format!("cannot add interface {name}: {e}"))?;
    }
    let time_out = path.with_file_name("time.out");
    let mut runs = Vec::new();
    let mut peak_kib = None;
    for _ in 0..times {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &ns.0]);
        if has_time {
            cmd.arg(TIME).arg("-f").arg("%e %M").arg("-o").arg(&time_out);
        }
        cmd.arg(KEEPALIVED)
            .args(["-t", "-l", "-f"])
            .arg(path)
            .stdin(Stdio::null());
        let t = Instant::now();
        let out = cmd.output().map_err(|e| format!("running {cmd:?}: {e}"))?;
        let wall = t.elapsed().as_secs_f64();
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let head: Vec<&str> = err.lines().take(40).collect();
            return Err(format!(
                "keepalived -t rejected the generated config ({}); fix grammar/benches/gen.rs. stderr:\n{}",
                out.status,
                head.join("\n")
            ));
        }
        // keepalived's own elapsed time from time(1) when there is one (10 ms resolution,
        // without the `ip netns exec` overhead), else the wall time of the whole command.
        let mut secs = wall;
        if has_time {
            let measured = std::fs::read_to_string(&time_out).unwrap_or_default();
            let mut fields = measured.split_whitespace();
            if let Some(e) = fields.next().and_then(|w| w.parse::<f64>().ok()) {
                secs = e;
            }
            peak_kib = peak_kib.max(fields.next().and_then(|w| w.parse::<u64>().ok()));
        }
        runs.push(secs);
    }
    drop(ns);
    let median = median_secs(runs.clone());
    Ok(KeepalivedRuns { runs, median, peak_kib })
}

// ---- temporary directory --------------------------------------------------------------

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("vigil-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
