//! Running `keepalived -t` safely: one network namespace for the whole run (deleted on drop,
//! even on panic) holding a veth end for every interface name the configurations use, and a
//! bounded run of `ip netns exec NS keepalived -t` per file.

use std::collections::BTreeSet;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const KEEPALIVED: &str = "/usr/sbin/keepalived";
/// keepalived's `-i`: an id no `@ID` line uses, so that, as keepalived-check without
/// `--config-id`, every `@ID` line is dropped and every `@^ID` line kept.
const CONFIG_ID: &str = "vigil-differential-no-such-id";
const TIMEOUT: Duration = Duration::from_secs(5);

/// True when the effective user is root (read from `/proc/self/status`, no libc needed).
pub fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A network namespace named after this process, deleted on drop. Only interfaces inside it
/// are ever created; the host's are never touched.
pub struct Netns {
    pub name: String,
    /// Interface names that could not be created (too long, odd characters, ...).
    pub skipped: Vec<String>,
    pub created: usize,
}

impl Netns {
    pub fn new() -> Result<Netns, String> {
        Netns::numbered(None)
    }

    /// A namespace of its own for worker `n` of this process (`None`: the process's one).
    pub fn numbered(n: Option<usize>) -> Result<Netns, String> {
        remove_stale();
        let name = match n {
            Some(n) => format!("{PREFIX}{}-{n}", std::process::id()),
            None => format!("{PREFIX}{}", std::process::id()),
        };
        run(Command::new("ip").args(["netns", "add", &name]))?;
        let ns = Netns {
            name,
            skipped: Vec::new(),
            created: 0,
        };
        run(Command::new("ip").args(["-n", &ns.name, "link", "set", "lo", "up"]))?;
        Ok(ns)
    }

    /// Creates each name as one end of a veth pair inside the namespace (the kernel may have
    /// no dummy driver); the peer gets a name of our own (`vgdN`). A name the kernel refuses
    /// is skipped: keepalived then reports it missing, which counts as host-dependent.
    pub fn add_interfaces(&mut self, names: &BTreeSet<String>) {
        for (i, name) in names.iter().enumerate() {
            if name == "lo" {
                continue;
            }
            let peer = format!("vgd{i}");
            let ok = run(Command::new("ip").args([
                "-n", &self.name, "link", "add", name, "type", "veth", "peer", "name", &peer,
            ]))
            .and_then(|()| run(Command::new("ip").args(["-n", &self.name, "link", "set", name, "up"])));
            match ok {
                Ok(()) => self.created += 1,
                Err(_) => self.skipped.push(name.clone()),
            }
        }
    }

    /// Removes what a killed keepalived leaves behind that the next run would see: the VMAC
    /// and ipvlan interfaces it made (keepalived takes over a matching one and names new ones
    /// around the others) and the addresses it added. The veth pairs and `lo` stay.
    /// (`keepalived -t` makes none: only the dumps need it.)
    #[allow(dead_code)]
    pub fn reset(&self) {
        let show = |args: &[&str]| -> String {
            Command::new("ip")
                .args(["-n", &self.name, "-o"])
                .args(args)
                .stdin(Stdio::null())
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default()
        };
        // `7: vrrp.5@eth0: <...> ... macvlan mode private ...`
        for line in show(&["-d", "link", "show"]).lines() {
            let Some(name) = line.split(": ").nth(1) else { continue };
            let name = name.split('@').next().unwrap_or(name);
            if line.contains(" macvlan ") || line.contains(" ipvlan ") {
                let _ = run(Command::new("ip").args(["-n", &self.name, "link", "del", name]));
            }
        }
        // `2: eth0    inet 10.9.0.1/32 scope global eth0 ...`
        for line in show(&["addr", "show", "scope", "global"]).lines() {
            let w: Vec<&str> = line.split_whitespace().collect();
            if let (Some(dev), Some(addr)) = (w.get(1), w.get(3)) {
                let _ = run(Command::new("ip").args(["-n", &self.name, "addr", "del", addr, "dev", dev]));
            }
        }
    }
}

const PREFIX: &str = "vigil-diff-";

/// Deletes namespaces an earlier run of this test left behind when it was killed (named
/// after a process that no longer exists).
fn remove_stale() {
    let Ok(dir) = std::fs::read_dir("/run/netns") else {
        return;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(PREFIX) else { continue };
        let pid = pid.split('-').next().unwrap_or(pid);
        if pid.bytes().all(|b| b.is_ascii_digit()) && !Path::new("/proc").join(pid).exists() {
            let _ = run(Command::new("ip").args(["netns", "del", &name]));
        }
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Err(e) = run(Command::new("ip").args(["netns", "del", &self.name])) {
            eprintln!("warning: could not delete network namespace {}: {e}", self.name);
        }
    }
}

/// The words of a configuration that name interfaces: after `interface`, `dev`,
/// `lvs_sync_daemon`, ..., and the first word of each line of a `track_interface`-like block.
pub fn interface_names(text: &str, out: &mut BTreeSet<String>) {
    const AFTER: &[&str] = &[
        "interface",
        "dev",
        "default_interface",
        "lvs_sync_daemon",
        "lvs_sync_daemon_interface",
        "oif",
        "iif",
        "bfd_interface",
    ];
    const BLOCKS: &[&str] = &[
        "track_interface",
        "linkbeat_interfaces",
        "interfaces",
        "interface_up_down_delays",
    ];
    // Simple `$NAME=VALUE` definitions, for `interface $NAME`.
    let defs: std::collections::HashMap<&str, &str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix('$')?.split_once('='))
        .map(|(n, v)| (n.trim(), v.trim()))
        .collect();
    let resolve = |w: &str| -> String {
        let name = w.trim_start_matches('$').trim_start_matches('{').trim_end_matches('}');
        match defs.get(name) {
            Some(v) if w.starts_with('$') => v.to_string(),
            _ => w.to_string(),
        }
    };
    let mut in_block = false;
    for line in text.lines() {
        let line = line.split(['#', '!']).next().unwrap_or("");
        let words: Vec<&str> = line.split_whitespace().collect();
        if in_block {
            if words.contains(&"}") {
                in_block = false;
            }
            if let Some(w) = words.first().map(|w| resolve(w)).filter(|w| is_plausible_iface(w)) {
                out.insert(w);
            }
            continue;
        }
        if let Some(first) = words.first() {
            if BLOCKS.contains(first) && words.contains(&"{") && !words.contains(&"}") {
                in_block = true;
                continue;
            }
        }
        for pair in words.windows(2) {
            let w = resolve(pair[1]);
            if AFTER.contains(&pair[0]) && is_plausible_iface(&w) {
                out.insert(w);
            }
        }
    }
}

fn is_plausible_iface(w: &str) -> bool {
    !w.is_empty()
        && w.len() <= 15
        && !w.starts_with('$')
        && w.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
        && w != "{"
        && w != "}"
}

/// How keepalived's run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    /// Killed by this signal (keepalived 2.2.7 `-t` SIGTERMs itself when a tracked
    /// vrrp_script has a usable user; seen as exit 143 from a shell).
    Signal(i32),
    Timeout,
    SpawnFailed(String),
}

pub struct Outcome {
    pub exit: Exit,
    /// stderr lines, de-duplicated (the parent and each child process print the same ones),
    /// in first-seen order.
    pub lines: Vec<String>,
}

/// `ip netns exec NS keepalived -t -l -f FILE`, with pid files of its own under `work`, in
/// its own process group, killed after a timeout. `tag` makes the work files unique.
pub fn check(ns: &str, file: &Path, work: &Path, tag: usize) -> Outcome {
    let p = |what: &str| -> PathBuf { work.join(format!("{tag}.{what}")) };
    let err_path = p("stderr");
    let err_file = match std::fs::File::create(&err_path) {
        Ok(f) => f,
        Err(e) => {
            return Outcome {
                exit: Exit::SpawnFailed(format!("{}: {e}", err_path.display())),
                lines: Vec::new(),
            }
        }
    };
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns, KEEPALIVED, "-t", "-l", "-i", CONFIG_ID]);
    own_pid_files(&mut cmd, p);
    cmd.arg("-f")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file)
        // Files keepalived writes with relative paths (`tmp_config_directory`, ...) land in
        // the work folder, which is removed at the end.
        .current_dir(work)
        // Its own process group: a signal keepalived sends to its group never reaches us,
        // and a timeout kills the whole group.
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                exit: Exit::SpawnFailed(format!("{cmd:?}: {e}")),
                lines: Vec::new(),
            }
        }
    };
    let start = Instant::now();
    let exit = loop {
        match child.try_wait() {
            Ok(Some(st)) => {
                break match (st.code(), st.signal()) {
                    (Some(c), _) => Exit::Code(c),
                    (None, Some(s)) => Exit::Signal(s),
                    _ => Exit::Code(-1),
                }
            }
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .stderr(Stdio::null())
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                break Exit::Timeout;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => break Exit::SpawnFailed(format!("wait: {e}")),
        }
    };
    let text = std::fs::read(&err_path).unwrap_or_default();
    for what in ["stderr", "pid", "vrrp.pid", "checkers.pid", "bfd.pid"] {
        let _ = std::fs::remove_file(p(what));
    }
    let mut lines: Vec<String> = Vec::new();
    for l in String::from_utf8_lossy(&text).lines() {
        let l = l.trim_end();
        if !l.is_empty() && !lines.iter().any(|x| x == l) {
            lines.push(l.to_string());
        }
    }
    Outcome { exit, lines }
}

/// Whether `/dev/null` is still the null device.
fn dev_null_ok() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata("/dev/null").is_ok_and(|m| m.file_type().is_char_device())
}

/// Puts the null device back (as root).
fn restore_dev_null() {
    let _ = std::fs::remove_file("/dev/null");
    let _ = std::process::Command::new("mknod")
        .args(["-m", "666", "/dev/null", "c", "1", "3"])
        .status();
}

/// Watches the one piece of the host a keepalived run as root has been seen to damage: once,
/// on this machine, `/dev/null` ended up a regular file after keepalived runs. Held for the
/// length of a test, it restores the device and fails the test when that happens.
pub struct DevNullGuard;

impl DevNullGuard {
    pub fn new() -> DevNullGuard {
        if !dev_null_ok() {
            restore_dev_null();
        }
        DevNullGuard
    }
}

impl Drop for DevNullGuard {
    fn drop(&mut self) {
        if !dev_null_ok() {
            restore_dev_null();
            if !std::thread::panicking() {
                panic!("/dev/null was no longer the null device after the keepalived runs (restored)");
            }
        }
    }
}

/// Removes the work folders (in the temporary directory, named `PREFIX<pid>-...`) of earlier
/// runs that were killed: those whose process is gone.
pub fn remove_stale_work_dirs(prefix: &str) {
    let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix).and_then(|r| r.split('-').next()) else {
            continue;
        };
        if !pid.is_empty()
            && pid.bytes().all(|b| b.is_ascii_digit())
            && !std::path::Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether a root-only keepalived test can run here; prints why not (a SKIP line) otherwise.
pub fn can_run(test: &str) -> bool {
    if is_root() && std::path::Path::new(KEEPALIVED).exists() {
        return true;
    }
    eprintln!("SKIP: {test} needs root and the keepalived package");
    false
}

/// Points keepalived's pid files into the work folder (`path(name)`), away from the host's.
pub fn own_pid_files(cmd: &mut Command, path: impl Fn(&str) -> std::path::PathBuf) {
    for (flag, name) in [
        ("-p", "pid"),
        ("-r", "vrrp.pid"),
        ("-c", "checkers.pid"),
        ("-b", "bfd.pid"),
    ] {
        cmd.arg(flag).arg(path(name));
    }
}
