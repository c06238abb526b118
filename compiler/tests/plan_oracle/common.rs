//! What the plan oracle and the plan differential share: running keepalived `-d` in a network
//! namespace until its dump is complete, reading the dump, and comparing it with a plan.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use vigil_compiler::{check_path, compile, CheckOptions};
use vigil_grammar::{RealFs, Severity};
use vigil_plan as p;

pub const SAMPLES_DIR: &str = "/usr/share/doc/keepalived/samples";
/// keepalived's `-i`: an id no `@ID` line uses, as keepalived-check without `--config-id`.
pub const CONFIG_ID: &str = "vigil-plan-oracle-no-such-id";
pub const WORK_PREFIX: &str = "vigil-plan-oracle-";
/// Give up on a dump after this long.
pub const TIMEOUT: Duration = Duration::from_secs(8);
/// A dump is complete when its output has not grown for this long after its last section began.
pub const QUIET: Duration = Duration::from_millis(200);
pub const THREADS: usize = 4;
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Every input file: samples, corpus, focused configurations.
pub fn plan_of(path: &Path) -> Option<p::Plan> {
    let checked = check_path(path, &CheckOptions::default(), &RealFs).ok()?;
    if checked.diags.iter().any(|d| d.severity == Severity::Error) {
        return None;
    }
    let source = p::Source {
        file: path.display().to_string(),
        config_id: None,
    };
    Some(compile(&checked, source))
}

/// Whether keepalived on this host can run a command: keepalived removes a vrrp_script or a
/// MISC_CHECK whose program it cannot find, which depends on the host, not on the config.
pub fn runnable(cmd: &p::Command) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Some(prog) = cmd.argv.first() else {
        return false;
    };
    let ok = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
    if prog.starts_with('/') {
        ok(Path::new(prog))
    } else if prog.contains('/') {
        // Neither a path nor a name to look up (`</dev/tcp/...`): keepalived keeps it.
        true
    } else {
        [
            "/usr/local/sbin",
            "/usr/local/bin",
            "/usr/sbin",
            "/usr/bin",
            "/sbin",
            "/bin",
        ]
        .iter()
        .any(|d| ok(&Path::new(d).join(prog)))
    }
}

/// The file keepalived runs for a command: its path, or the first executable of its name in
/// the usual directories.
fn program_path(cmd: &p::Command) -> Option<PathBuf> {
    let prog = cmd.argv.first()?;
    if prog.contains('/') {
        return Some(PathBuf::from(prog));
    }
    [
        "/usr/local/sbin",
        "/usr/local/bin",
        "/usr/sbin",
        "/usr/bin",
        "/sbin",
        "/bin",
    ]
    .iter()
    .map(|d| Path::new(d).join(prog))
    .find(|p| p.is_file())
}

/// Whether keepalived's `check_security` passes `path` and, a symbolic link, the file it
/// names: every component owned by root, none but a sticky directory writable by a group other
/// than root's or by anyone.
fn secure(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let one = |p: &Path| {
        let mut at = PathBuf::new();
        p.components().all(|c| {
            at.push(c);
            let Ok(m) = std::fs::symlink_metadata(&at) else {
                return false;
            };
            let sticky_dir = m.is_dir() && m.mode() & 0o1000 != 0;
            let writable = (m.gid() != 0 && m.mode() & 0o020 != 0) || m.mode() & 0o002 != 0;
            m.uid() == 0 && (sticky_dir || m.file_type().is_symlink() || !writable)
        })
    };
    one(path) && std::fs::canonicalize(path).is_ok_and(|c| one(&c))
}

/// Whether keepalived on this host keeps a command: its program exists and is executable
/// ([`runnable`]) and, with `enable_script_security`, a command run as root has a safe path
/// (host-dependent: file owners and modes). This host has no `keepalived_script` user, so a
/// command without a user runs as root.
pub fn runs_here(global: &p::Global, cmd: &p::Command) -> bool {
    if !runnable(cmd) {
        return false;
    }
    let root = cmd.user.as_deref().is_none_or(|u| u == "root");
    !(global.enable_script_security && root) || program_path(cmd).is_none_or(|p| secure(&p))
}

/// The plan as keepalived on this host runs it: without the scripts and MISC_CHECKs whose
/// program this host lacks, or (with enable_script_security) finds unsafe. Returns how many
/// were removed.
pub fn host_view(plan: &mut p::Plan) -> usize {
    let mut removed = 0;
    let gone: Vec<String> = plan
        .vrrp_scripts
        .iter()
        .filter(|s| !runs_here(&plan.global, &s.command))
        .map(|s| s.name.clone())
        .collect();
    removed += gone.len();
    plan.vrrp_scripts.retain(|s| !gone.contains(&s.name));
    for t in plan
        .vrrp_instances
        .iter_mut()
        .map(|i| &mut i.track)
        .chain(plan.sync_groups.iter_mut().map(|g| &mut g.track))
    {
        t.scripts.retain(|r| !gone.contains(&r.name));
    }
    let global = plan.global.clone();
    for r in plan.virtual_servers.iter_mut().flat_map(|v| v.real_servers.iter_mut()) {
        let before = r.checkers.len();
        r.checkers.retain(|c| match &c.kind {
            p::CheckerKind::Misc(m) => runs_here(&global, &m.command),
            _ => true,
        });
        removed += before - r.checkers.len();
    }
    removed
}

// ---------------------------------------------------------------------------------------------
// Running keepalived

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Mode {
    /// `-P`: the VRRP process only.
    Vrrp,
    /// `-C`: the checker process only.
    Check,
    /// `-C` on the configuration's `bfd_instance` blocks alone ([`bfd_only`]): the BFD
    /// process only (no virtual server, so no checker process, whose lines would interleave).
    Bfd,
}

/// The configuration's `bfd_instance` blocks alone (what a [`Mode::Bfd`] run reads).
pub fn bfd_only(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut inside = false;
    for line in text.lines() {
        let code = line.split(['#', '!']).next().unwrap_or("");
        if depth == 0 && code.split_whitespace().next() == Some("bfd_instance") {
            inside = true;
        }
        let opens = code.matches('{').count();
        let closes = code.matches('}').count();
        if inside {
            out.push_str(line);
            out.push('\n');
        }
        depth = (depth + opens).saturating_sub(closes);
        if depth == 0 {
            inside = false;
        }
    }
    out
}

/// keepalived's console lines start with a `ctime`-like stamp (`Wed Nov 25 16:58:28 2026: `).
pub fn strip_stamp(line: &str) -> &str {
    let b = line.as_bytes();
    if b.len() >= 26 && &b[24..26] == b": " && b[20..24].iter().all(u8::is_ascii_digit) {
        &line[26..]
    } else {
        line
    }
}

/// Runs keepalived with `-d` in the namespace until its dump is complete, then kills its
/// process group. Returns the dump's lines (stamps removed), or why there is none.
pub fn dump(
    ns: &str,
    file: &Path,
    work: &Path,
    tag: &str,
    mode: Mode,
    shim: Option<&Path>,
) -> Result<Vec<String>, String> {
    let f = |what: &str| work.join(format!("{tag}.{what}"));
    let out_path = f("out");
    let out = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let tmp = f("tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns, crate::keepalived::KEEPALIVED])
        .arg(if mode == Mode::Vrrp { "-P" } else { "-C" })
        .args(["-n", "-l", "-D", "-d", "-i", CONFIG_ID]);
    // With a bfd_instance the BFD process starts too and writes its dump into the VRRP
    // process's: a Mode::Bfd run dumps it alone.
    let bfd = std::fs::read_to_string(file).is_ok_and(|t| t.contains("bfd_instance"));
    if mode == Mode::Vrrp && bfd {
        cmd.arg("-B");
    }
    crate::keepalived::own_pid_files(&mut cmd, f);
    cmd.arg("-f")
        .arg(file)
        .env("TMPDIR", &tmp)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .current_dir(&tmp)
        .process_group(0);
    // The VRRP process needs IPVS too when it runs lvs_sync_daemon.
    if let Some(shim) = shim {
        cmd.env("LD_PRELOAD", shim);
    }
    let mut child = cmd.spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    // The dump has begun with the first marker and is complete after the second.
    let (marker, done) = match mode {
        Mode::Vrrp => ("------< VRRP Topology >------", "------< Interfaces >------"),
        Mode::Check => ("------< LVS Topology >------", "Activating BFD healthchecker"),
        // A BFD process that keeps no instance dumps no topology: its global definitions
        // then end the dump (after a second with nothing more).
        Mode::Bfd => ("------< Global definitions >------", "------< BFD Topology >------"),
    };
    let start = Instant::now();
    let mut last_len = 0;
    let mut last_change = Instant::now();
    let mut seen = false;
    let mut complete = false;
    let mut done_at: Option<Instant> = None;
    let mut bfd_seen = false;
    let outcome = loop {
        std::thread::sleep(Duration::from_millis(25));
        let len = std::fs::metadata(&out_path).map(|m| m.len()).unwrap_or(0);
        if len != last_len {
            last_len = len;
            last_change = Instant::now();
            if !complete {
                let text = std::fs::read_to_string(&out_path).unwrap_or_default();
                seen = text.contains(marker);
                if seen && done_at.is_none() && (text.contains(done) || mode == Mode::Bfd) {
                    done_at = Some(Instant::now());
                }
                bfd_seen = text.contains(done);
            }
        }
        complete = done_at.is_some_and(|d| mode != Mode::Bfd || bfd_seen || d.elapsed() > Duration::from_secs(1));
        if complete && last_change.elapsed() >= QUIET {
            break Ok(());
        }
        if let Ok(Some(st)) = child.try_wait() {
            break if complete {
                Ok(())
            } else {
                Err(format!("keepalived ended ({st}) before its dump"))
            };
        }
        if start.elapsed() > TIMEOUT {
            break Err(format!("no complete dump within {TIMEOUT:?} (begun: {seen})"));
        }
    };
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
    let text = String::from_utf8_lossy(&std::fs::read(&out_path).unwrap_or_default()).into_owned();
    for what in ["out", "pid", "vrrp.pid", "checkers.pid", "bfd.pid"] {
        let _ = std::fs::remove_file(f(what));
    }
    let _ = std::fs::remove_dir_all(&tmp);
    outcome.map(|()| text.lines().map(|l| strip_stamp(l).to_string()).collect())
}

/// Builds the IPVS shim with `cc`, or says why not.
pub fn build_shim(work: &Path) -> Result<PathBuf, String> {
    let src = root().join("tests/plan_oracle/ipvs_shim.c");
    let so = work.join("ipvs_shim.so");
    let out = Command::new("cc")
        .args(["-shared", "-fPIC", "-O2", "-o"])
        .arg(&so)
        .arg(&src)
        .arg("-ldl")
        .output()
        .map_err(|e| format!("cc: {e}"))?;
    if !out.status.success() {
        return Err(format!("cc failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(so)
}

// ---------------------------------------------------------------------------------------------
// Reading the dump

/// One dumped object: its head line, its `key = value` lines and its lists (a line ending in
/// `:` or without ` = `, followed by more deeply indented lines).
#[derive(Debug, Default, Clone)]
pub struct Obj {
    pub head: String,
    pub fields: Vec<(String, String)>,
    pub lists: Vec<(String, Vec<String>)>,
    pub children: Vec<Obj>,
    /// Every line inside the object, trimmed, in order.
    pub raw: Vec<String>,
}

pub fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `Virtual IP (2):` → `Virtual IP`.
pub fn list_key(text: &str) -> String {
    let t = text.trim().trim_end_matches(':').trim();
    match t.find(" (") {
        Some(i) if t.ends_with(')') => t[..i].to_string(),
        _ => t.to_string(),
    }
}

impl Obj {
    pub fn new(head: &str) -> Obj {
        Obj {
            head: head.trim().to_string(),
            ..Obj::default()
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn list(&self, key: &str) -> &[String] {
        self.lists
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// A line inside the object, `deep` when it is indented below the object's own lines.
    pub fn add(&mut self, text: &str, deep: bool) {
        let text = text.trim();
        self.raw.push(text.to_string());
        if deep {
            if let Some((k, items)) = self.lists.last_mut() {
                items.push(text.to_string());
                if let Some((a, b)) = text.split_once(" = ") {
                    let key = format!("{k}/{}", a.trim());
                    self.fields.push((key, b.trim().to_string()));
                }
            }
            return;
        }
        match text.split_once(" = ") {
            Some((k, v)) if !text.ends_with(':') => {
                self.fields.push((k.trim().to_string(), v.trim().to_string()));
                self.lists.push((k.trim().to_string(), Vec::new()));
            }
            _ => self.lists.push((list_key(text), Vec::new())),
        }
    }
}

/// The sections of a dump (`------< NAME >------` at the start of a line) and their lines.
/// Lines without indentation are other log messages and are skipped.
pub fn sections(lines: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut cur: Option<String> = None;
    for l in lines {
        if let Some(name) = l.strip_prefix("------< ").and_then(|r| r.strip_suffix(" >------")) {
            cur = Some(name.to_string());
            out.entry(name.to_string()).or_default();
            continue;
        }
        if indent(l) == 0 {
            continue;
        }
        if let Some(c) = &cur {
            out.get_mut(c).unwrap().push(l.clone());
        }
    }
    out
}

/// Objects whose head lines are indented by one space; their lines by three or more.
pub fn objects(lines: &[String]) -> Vec<Obj> {
    let mut out: Vec<Obj> = Vec::new();
    for l in lines {
        match indent(l) {
            1 => out.push(Obj::new(l)),
            n => {
                if let Some(o) = out.last_mut() {
                    o.add(l, n >= 5);
                }
            }
        }
    }
    out
}

/// The LVS topology: virtual servers (children: real servers).
pub fn virtual_servers(lines: &[String]) -> Vec<Obj> {
    let mut out: Vec<Obj> = Vec::new();
    // 0: between objects, 1: in a virtual server, 2: in a real server, 3: in a group.
    let mut state = 0;
    for l in lines {
        let t = l.trim();
        if t == "------< Virtual server >------" {
            state = 1;
            continue;
        }
        if t == "------< Virtual server group >------" {
            state = 3;
            continue;
        }
        if t == "------< Real server >------" && (1..=2).contains(&state) {
            if let Some(v) = out.last_mut() {
                v.children.push(Obj::default());
                state = 2;
            }
            continue;
        }
        match state {
            1 if indent(l) == 1 && t.starts_with("VS ") => out.push(Obj::new(t)),
            1 => {
                if let Some(v) = out.last_mut() {
                    v.add(t, indent(l) >= 5);
                }
            }
            2 => {
                if let Some(r) = out.last_mut().and_then(|v| v.children.last_mut()) {
                    if r.head.is_empty() {
                        r.head = t.to_string();
                    } else {
                        r.add(t, indent(l) >= 5);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `A = 1, B = 2, C = 3 D = 4` style head lines: the value after `key = ` up to `,` or space.
pub fn head_value<'a>(head: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("{key} = ");
    let i = head.find(&pat)? + pat.len();
    let rest = &head[i..];
    Some(rest.split([',', ' ']).next().unwrap_or(rest))
}

// ---------------------------------------------------------------------------------------------
// Comparing

#[derive(Default)]
pub struct Tally {
    pub fields: usize,
    pub by_field: BTreeMap<&'static str, usize>,
    pub mismatches: Vec<String>,
}

impl Tally {
    pub fn eq(&mut self, ctx: &str, field: &'static str, ours: impl ToString, theirs: impl ToString) {
        let (o, t) = (ours.to_string(), theirs.to_string());
        self.fields += 1;
        *self.by_field.entry(field).or_default() += 1;
        if o != t {
            self.mismatches
                .push(format!("{ctx}: {field}: plan `{o}`, keepalived `{t}`"));
        }
    }

    pub fn fail(&mut self, ctx: &str, what: String) {
        self.mismatches.push(format!("{ctx}: {what}"));
    }
}

pub fn enabled(b: bool) -> &'static str {
    if b {
        "enabled"
    } else {
        "disabled"
    }
}

/// `2 sec` / `120 milli-sec` → milliseconds.
pub fn advert_ms(v: &str) -> String {
    let mut it = v.split_whitespace();
    let n: f64 = it.next().and_then(|n| n.parse().ok()).unwrap_or(-1.0);
    match it.next() {
        Some("sec") => format!("{}", (n * 1000.0).round()),
        Some("milli-sec") => format!("{}", n.round()),
        _ => format!("?{v}"),
    }
}

/// Seconds as keepalived prints them (`6.000000`, `10 secs`) → milliseconds.
pub fn secs_ms(v: &str) -> String {
    let n: f64 = v.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(-1.0);
    format!("{}", (n * 1000.0).round())
}

pub fn us_ms(v: &str) -> String {
    let n: u64 = v
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    if n == u64::MAX {
        format!("?{v}")
    } else {
        format!("{}", n / 1000)
    }
}

/// A dumped address (`10.0.0.2`, `10.0.0.1/24 dev eth1 ...`) as `ADDR/LEN`.
pub fn dumped_prefix(item: &str) -> String {
    let first = item.split_whitespace().next().unwrap_or("");
    if first.contains('/') {
        first.to_string()
    } else {
        let len = if first.contains(':') { 128 } else { 32 };
        format!("{first}/{len}")
    }
}

pub fn weight_text(w: i32, reverse: bool) -> String {
    if reverse {
        format!("{w} reverse")
    } else {
        w.to_string()
    }
}

pub fn compare_instance(t: &mut Tally, ctx: &str, i: &p::VrrpInstance, d: &Obj) {
    let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
    t.eq(ctx, "vrid", i.virtual_router_id, g("Virtual Router ID"));
    t.eq(ctx, "version", i.version, g("VRRP Version"));
    t.eq(ctx, "priority", i.priority, g("Priority"));
    let state = match i.initial_state {
        p::State::Master => "MASTER",
        p::State::Backup => "BACKUP",
    };
    t.eq(ctx, "state", state, g("Wantstate"));
    t.eq(ctx, "advert_int_ms", i.advert_int_ms, advert_ms(&g("Advert interval")));
    t.eq(ctx, "preempt", enabled(i.preempt), g("Preempt"));
    t.eq(
        ctx,
        "preempt_delay_ms",
        i.preempt_delay_ms,
        d.get("Preempt delay").map_or("0".to_string(), secs_ms),
    );
    t.eq(ctx, "accept", enabled(i.accept), g("Accept"));
    let auth = match i.authentication.as_ref().map(|a| a.kind) {
        None => "none",
        Some(p::AuthKind::Pass) => "SIMPLE_PASSWORD",
        Some(p::AuthKind::Ah) => "IPSEC_AH",
    };
    t.eq(ctx, "auth_type", auth, d.get("Authentication type").unwrap_or("none"));
    if let Some(a) = i.authentication.as_ref().filter(|a| a.kind == p::AuthKind::Pass) {
        t.eq(ctx, "auth_pass", &a.password, g("Password"));
    }
    t.eq(
        ctx,
        "sync_group",
        i.sync_group.as_deref().unwrap_or(""),
        d.get("Sync group").unwrap_or(""),
    );
    let peers: Vec<String> = i
        .unicast_peers
        .iter()
        .map(|p| {
            format!(
                "{} min_ttl {} max_ttl {}",
                p.address,
                p.min_ttl.unwrap_or(0),
                p.max_ttl.unwrap_or(255)
            )
        })
        .collect();
    t.eq(
        ctx,
        "unicast_peers",
        peers.join("; "),
        d.list("Unicast Peer").join("; "),
    );
    let addrs = |v: &[p::Address]| -> String {
        v.iter()
            .map(|a| format!("{}/{}", a.address, a.prefix_len))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let dumped = |k: &str| -> String { d.list(k).iter().map(|a| dumped_prefix(a)).collect::<Vec<_>>().join(" ") };
    t.eq(
        ctx,
        "virtual_ipaddress",
        addrs(&i.virtual_addresses),
        dumped("Virtual IP"),
    );
    t.eq(
        ctx,
        "virtual_ipaddress_excluded",
        addrs(&i.excluded_addresses),
        dumped("Virtual IP Excluded"),
    );
    let ifs: Vec<String> = i
        .track
        .interfaces
        .iter()
        .map(|x| format!("{} weight {}", x.interface, weight_text(x.weight, x.reverse)))
        .collect();
    t.eq(
        ctx,
        "track_interface",
        ifs.join("; "),
        d.list("Tracked interfaces").join("; "),
    );
    let scripts: Vec<String> = i
        .track
        .scripts
        .iter()
        .map(|x| format!("{} weight {}", x.name, weight_text(x.weight, x.reverse)))
        .collect();
    t.eq(
        ctx,
        "track_script",
        scripts.join("; "),
        d.list("Tracked scripts").join("; "),
    );
    let files: Vec<String> = i
        .track
        .files
        .iter()
        .map(|x| format!("{}, weight {}", x.name, weight_text(x.weight, x.reverse)))
        .collect();
    t.eq(ctx, "track_file", files.join("; "), d.list("Tracked files").join("; "));
    let gs = |ms: u64| (ms / 1000).to_string();
    t.eq(
        ctx,
        "garp_master_delay",
        gs(i.garp.master_delay_ms),
        g("Gratuitous ARP delay"),
    );
    t.eq(
        ctx,
        "garp_master_repeat",
        i.garp.master_repeat,
        g("Gratuitous ARP repeat"),
    );
    t.eq(
        ctx,
        "garp_master_refresh",
        gs(i.garp.master_refresh_ms),
        g("Gratuitous ARP refresh"),
    );
    t.eq(
        ctx,
        "garp_master_refresh_repeat",
        i.garp.master_refresh_repeat,
        g("Gratuitous ARP refresh repeat"),
    );
    t.eq(
        ctx,
        "garp_lower_prio_delay",
        gs(i.garp.lower_prio_delay_ms),
        g("Gratuitous ARP lower priority delay"),
    );
    t.eq(
        ctx,
        "garp_lower_prio_repeat",
        i.garp.lower_prio_repeat,
        g("Gratuitous ARP lower priority repeat"),
    );
    t.eq(ctx, "down_timer_adverts", i.down_timer_adverts, g("Down timer adverts"));
}

pub fn compare_script(t: &mut Tally, ctx: &str, s: &p::VrrpScript, d: &Obj) {
    let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
    // keepalived prints whole seconds; a timeout of 0 means "the interval".
    let secs = |v: &str| v.split_whitespace().next().unwrap_or("").to_string();
    let interval = secs(&g("Interval"));
    t.eq(ctx, "script_interval_s", s.interval_ms / 1000, &interval);
    let timeout = match secs(&g("Timeout")).as_str() {
        "0" => interval.clone(),
        other => other.to_string(),
    };
    t.eq(ctx, "script_timeout_s", s.timeout_ms / 1000, timeout);
    t.eq(
        ctx,
        "script_weight",
        weight_text(s.weight, s.weight_reverse),
        g("Weight"),
    );
    t.eq(ctx, "script_rise", s.rise, g("Rise"));
    t.eq(ctx, "script_fall", s.fall, g("Fall"));
}

pub fn forwarding(f: p::Forwarding) -> &'static str {
    match f {
        p::Forwarding::Nat => "NAT",
        p::Forwarding::Dr => "DR",
        p::Forwarding::Tun => "TUN",
    }
}

/// A dumped virtual server head (`VS VIP = A, VPORT = P`, `VS FWMARK = N`, `VS GROUP = ...`)
/// in the form [`plan_vs_key`] gives.
pub fn dumped_vs_key(head: &str) -> String {
    if let (Some(a), Some(port)) = (head_value(head, "VIP"), head_value(head, "VPORT")) {
        format!("{a} {port}")
    } else if let Some(m) = head_value(head, "FWMARK") {
        format!("fwmark {m}")
    } else if let Some(g) = head.strip_prefix("VS GROUP = ") {
        let name = g.trim_start_matches('[');
        format!("group {}", name.split(']').next().unwrap_or(name))
    } else {
        head.to_string()
    }
}

pub fn plan_vs_key(v: &p::VirtualServer) -> String {
    match &v.key {
        p::ServiceKey::Address { address, port } => format!("{address} {port}"),
        p::ServiceKey::Fwmark { fwmark, .. } => format!("fwmark {fwmark}"),
        p::ServiceKey::Group { name } => format!("group {name}"),
    }
}

pub fn proto(v: &p::VirtualServer) -> String {
    v.protocol.map_or("none", |p| p.as_str()).to_ascii_lowercase()
}

pub fn bracket(a: IpAddr) -> String {
    format!("[{a}]")
}

pub fn compare_vs(t: &mut Tally, ctx: &str, v: &p::VirtualServer, d: &Obj) {
    let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
    let first = |s: String| s.split([' ', ',']).next().unwrap_or("").to_string();
    t.eq(ctx, "scheduler", v.scheduler, g("lvs_sched"));
    t.eq(
        ctx,
        "forwarding",
        forwarding(v.forwarding),
        first(g("default forwarding method")),
    );
    t.eq(
        ctx,
        "protocol",
        v.protocol.map_or("none", |p| p.as_str()),
        g("protocol"),
    );
    t.eq(
        ctx,
        "persistence_timeout_ms",
        v.persistence_timeout_ms.map_or("none".to_string(), |ms| ms.to_string()),
        d.get("persistence timeout").map_or("none".to_string(), secs_ms),
    );
    // `enabled (inactive due to not UDP)` for a fwmark service: still set.
    t.eq(
        ctx,
        "one_packet",
        enabled(v.one_packet),
        first(g("One packet scheduling")),
    );
    let qh = g("quorum");
    t.eq(ctx, "quorum", v.quorum, first(qh.clone()));
    t.eq(
        ctx,
        "hysteresis",
        v.hysteresis,
        qh.split("hysteresis = ").nth(1).unwrap_or("(absent)"),
    );
    t.eq(ctx, "delay_loop_ms", v.delay_loop_ms, secs_ms(&g("delay_loop")));
    let sorry = v.sorry_server.as_ref().map(|s| {
        format!(
            "{}:{}:{} {}",
            bracket(s.address),
            proto(v),
            s.port,
            forwarding(s.forwarding)
        )
    });
    let dumped_sorry = d.get("sorry server").map(|s| {
        let f = d.get("sorry server/forwarding method").map(|f| first(f.to_string()));
        format!("{s} {}", f.unwrap_or_default())
    });
    t.eq(
        ctx,
        "sorry_server",
        sorry.unwrap_or_else(|| "none".into()),
        dumped_sorry.unwrap_or_else(|| "none".into()),
    );
    if v.real_servers.len() != d.children.len() {
        t.fail(
            ctx,
            format!(
                "real servers: plan {}, keepalived {}",
                v.real_servers.len(),
                d.children.len()
            ),
        );
        return;
    }
    for (r, dr) in v.real_servers.iter().zip(&d.children) {
        let rctx = format!("{ctx} rs {}", r.address);
        let h = |k: &str| head_value(&dr.head, k).unwrap_or("(absent)").to_string();
        t.eq(&rctx, "rs_address", r.address, h("RIP"));
        t.eq(&rctx, "rs_port", r.port, h("RPORT"));
        t.eq(&rctx, "rs_weight", r.weight, h("WEIGHT"));
        t.eq(
            &rctx,
            "rs_forwarding",
            forwarding(r.forwarding),
            first(dr.get("forwarding method").unwrap_or("(absent)").to_string()),
        );
    }
}

pub fn compare_checkers(t: &mut Tally, ctx: &str, plan: &p::Plan, dumped: &[Obj]) {
    let ours: Vec<(&p::RealServer, &p::Checker)> = plan
        .virtual_servers
        .iter()
        .flat_map(|v| v.real_servers.iter())
        .flat_map(|r| r.checkers.iter().map(move |c| (r, c)))
        .collect();
    if ours.len() != dumped.len() {
        t.fail(
            ctx,
            format!("checkers: plan {}, keepalived {}", ours.len(), dumped.len()),
        );
        return;
    }
    for (n, ((r, c), d)) in ours.iter().zip(dumped).enumerate() {
        let cctx = format!("{ctx} checker #{n} {} of {}", c.kind.keyword(), r.address);
        let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
        let rs = d.head.split(" -> ").nth(1).unwrap_or("");
        let rs_addr = rs.trim_start_matches('[').split(']').next().unwrap_or("");
        t.eq(&cctx, "checker_server", r.address, rs_addr);
        let method = g("Keepalive method");
        t.eq(
            &cctx,
            "checker_type",
            c.kind.keyword(),
            method.split(',').next().unwrap_or(""),
        );
        // A kind that does not connect has no connection in the plan: keepalived must then
        // print none either.
        let conn = c.kind.connection();
        if let Some(dest) = d.get("Connection/Dest") {
            let ours = conn.map_or("(no connection)".to_string(), |conn| {
                let ip = conn.connect_ip.unwrap_or(r.address);
                let port = conn.connect_port.unwrap_or(r.port);
                format!("{}:{port}", bracket(ip))
            });
            t.eq(&cctx, "checker_dest", ours, dest);
        }
        if let Some(to) = d.get("Connection/Timeout") {
            let ours = conn.map_or("(no connection)".to_string(), |c| c.connect_timeout_ms.to_string());
            t.eq(&cctx, "connect_timeout_ms", ours, secs_ms(to));
        }
        t.eq(&cctx, "retry", c.retry, g("Retries"));
        if let Some(dbr) = d.get("Delay before retry") {
            t.eq(&cctx, "delay_before_retry_ms", c.delay_before_retry_ms, us_ms(dbr));
        }
        t.eq(&cctx, "checker_delay_loop_ms", c.delay_loop_ms, us_ms(&g("Delay loop")));
    }
}

/// Compares one configuration's plan with keepalived's dumps.
pub fn compare(t: &mut Tally, name: &str, plan: &p::Plan, vrrp: Option<&[String]>, check: Option<&[String]>) {
    if let Some(lines) = vrrp {
        let s = sections(lines);
        let empty = Vec::new();
        let dumped = objects(s.get("VRRP Topology").unwrap_or(&empty));
        let names: Vec<String> = dumped
            .iter()
            .map(|o| o.head.trim_start_matches("VRRP Instance = ").to_string())
            .collect();
        let ours: Vec<&str> = plan.vrrp_instances.iter().map(|i| i.name.as_str()).collect();
        t.eq(name, "instances", ours.join(" "), names.join(" "));
        for i in &plan.vrrp_instances {
            if let Some(d) = names.iter().position(|n| *n == i.name).map(|k| &dumped[k]) {
                compare_instance(t, &format!("{name} {}", i.name), i, d);
            }
        }
        let scripts = objects(s.get("VRRP Scripts").unwrap_or(&empty));
        let snames: BTreeSet<String> = scripts
            .iter()
            .map(|o| o.head.trim_start_matches("VRRP Script = ").to_string())
            .collect();
        let ours: BTreeSet<String> = plan.vrrp_scripts.iter().map(|s| s.name.clone()).collect();
        t.eq(
            name,
            "vrrp_scripts",
            ours.iter().cloned().collect::<Vec<_>>().join(" "),
            snames.iter().cloned().collect::<Vec<_>>().join(" "),
        );
        for sc in &plan.vrrp_scripts {
            if let Some(d) = scripts.iter().find(|o| o.head == format!("VRRP Script = {}", sc.name)) {
                compare_script(t, &format!("{name} script {}", sc.name), sc, d);
            }
        }
        let groups = objects(s.get("VRRP Sync groups").unwrap_or(&empty));
        for g in &plan.sync_groups {
            let head = format!("VRRP Sync Group = {},", g.name);
            match groups.iter().find(|o| o.head.starts_with(&head)) {
                Some(d) => t.eq(
                    &format!("{name} group {}", g.name),
                    "sync_group_members",
                    g.members.join(" "),
                    d.list("VRRP member instances").join(" "),
                ),
                None => t.fail(name, format!("sync group {} not in keepalived's dump", g.name)),
            }
        }
        t.eq(name, "sync_groups", plan.sync_groups.len(), groups.len());
    }
    if let Some(lines) = check {
        let s = sections(lines);
        let empty = Vec::new();
        let dumped = virtual_servers(s.get("LVS Topology").unwrap_or(&empty));
        let keys: Vec<String> = dumped.iter().map(|o| dumped_vs_key(&o.head)).collect();
        let ours: Vec<String> = plan.virtual_servers.iter().map(plan_vs_key).collect();
        t.eq(name, "virtual_servers", ours.join("; "), keys.join("; "));
        if ours == keys {
            for (v, d) in plan.virtual_servers.iter().zip(&dumped) {
                compare_vs(t, &format!("{name} vs {}", plan_vs_key(v)), v, d);
            }
            let checkers = objects(s.get("Health checkers").unwrap_or(&empty));
            compare_checkers(t, name, plan, &checkers);
        }
    }
}

// ---------------------------------------------------------------------------------------------

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../target"))
}

/// A dump's lines, or why there is none.
pub type Dump = Result<Vec<String>, String>;

/// Runs `f` on jobs `0..n` with `threads` threads; the results in job order.
pub fn parallel<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    parallel_workers(n, threads, |_, k| f(k))
}

/// [`parallel`], `f` told which worker (`0..threads`) runs the job.
pub fn parallel_workers<T: Send>(n: usize, threads: usize, f: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<T>>> = Mutex::new((0..n).map(|_| None).collect());
    let f = &f;
    std::thread::scope(|s| {
        for w in 0..threads {
            let (next, out) = (&next, &out);
            s.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= n {
                    break;
                }
                let r = f(w, k);
                out.lock().unwrap()[k] = Some(r);
            });
        }
    });
    out.into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("job ran"))
        .collect()
}
