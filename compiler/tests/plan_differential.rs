//! The plan oracle over seeded mutants: thousands of deterministic variations of the Debian
//! samples, the shared corpus, the examples, the focused plan-oracle configurations and a few
//! generated ones, each compiled by keepalived-check and dumped by keepalived 2.2.7 (`-d`, in a
//! network namespace, as `plan_oracle.rs` does), every dumped value compared with the plan.
//!
//! The mutations (`plan_oracle/mutate.rs`) toggle each VRRP flag, set each enum (state,
//! forwarding method, scheduler, protocol, authentication, checker kind), cross global and
//! instance settings (`vrrp_strict`/`strict_mode`, `vrrp_version`/`version`, `vrrp_garp_*`/
//! `garp_*`, `vrrp_check_unicast_src`, `vrrp_lower_prio_no_advert`,
//! `vrrp_higher_prio_send_advert`, `vrrp_down_timer_adverts`, ...), swap address families,
//! switch unicast and multicast, set priority/state combinations, non-round timers, tracking
//! weights (with and without a sync group's `sync_group_tracking_weight`), checker timing at the
//! virtual-server, real-server and checker levels, real-server ports under NAT/DR/TUN, fwmark
//! services, quorum and hysteresis, track_file / vrrp_track_process / bfd_instance definitions,
//! static and virtual routes (types, install modes in either order, protocols, metrics,
//! nexthops), rules (actions, preferences or none, options) and address lines. Only mutants that keepalived-check compiles without errors
//! are kept; those keepalived itself refuses to load (no complete dump) are counted.
//!
//! Besides what the plan oracle compares, it compares each instance's strict mode,
//! lower_prio_no_advert, higher_prio_send_advert, skip_check_adv_addr, dont_track_primary,
//! unicast/multicast, check_unicast_src, unicast TTL, old_unicast_checksum, source and multicast
//! addresses, the VMAC or ipvlan (its name, MAC address and xmit_base), notify scripts and their users, the sync groups' tracking weight, the scripts' users, the
//! global definitions, the virtual/real servers' and checkers' flags and thresholds, the
//! track_file, vrrp_track_process and bfd_instance definitions (the BFD process's own dump, from a
//! run on the configuration's bfd_instance blocks alone) and the instances' tracked processes
//! and BFDs, the notify FIFOs and LVS timeouts, the sync groups' notify scripts, and the static
//! addresses, routes and rules and each instance's virtual routes, rules and address lines,
//! word by word as keepalived prints them (a route's protocol on its own: keepalived prints it
//! only when it tracks the route or one is written, and installs 18 when it prints none). Not
//! in the plan, so not compared (no mutant writes them): a route's `realms`, `congctl`,
//! `features ecn` and `ttl-propagate`, a rule's `realms`, `tunnel-id` and `suppress_ifgroup`.
//!
//! Prints `plan differential: N mutants (K rejected by keepalived), F fields compared, M
//! mismatches`, the plan fields compared, and the gaps: dump lines no comparison reads, and
//! comparisons no mutant reached. The mismatches, each with its smallest mutant, go to
//! `target/plan-differential-report.txt`. A mismatch's key is `FIELD @ CATEGORY` (the mutation's
//! category, or `base` when the unmutated file shows it already); the test fails on a key not in
//! `tests/data/plan-differential-known.txt` (a ratchet: it may only shrink; entries no longer
//! seen are printed).
//!
//! Each worker runs keepalived in a network namespace of its own, reset after each run (a
//! killed keepalived leaves its VMAC interfaces behind, which the next one would take over or
//! name new ones around). `PLAN_DIFF_ONLY=TEXT` keeps only mutants of a category containing
//! TEXT; `PLAN_DIFF_REFUSED=DIR` writes the mutants keepalived-check refuses there,
//! `PLAN_DIFF_REJECTED=DIR` those keepalived gives no complete dump of.
//!
//! Runtime: by default a fixed seeded sample (`PLAN_DIFF_MUTANTS`, 300 mutants; about two
//! minutes on two cores); `PLAN_DIFF_FULL=1` runs the full set (6,000 mutants, about 50 minutes);
//! `PLAN_DIFF_SEED` changes the seed. Needs root and the keepalived package; otherwise it
//! prints `SKIP: ...` and passes.

#[path = "plan_oracle/common.rs"]
mod common;
#[allow(dead_code)]
#[path = "differential/keepalived.rs"]
mod keepalived;
#[path = "plan_oracle/mutate.rs"]
mod mutate;
#[allow(dead_code)]
#[path = "differential/mutate.rs"]
mod mutate_rng;

use common::*;
use mutate::{Conf, Rng, Scope};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;
use vigil_plan as p;

const WORK: &str = "vigil-plan-diff-";
const CI_MUTANTS: usize = 300;
const FULL_MUTANTS: usize = 6000;
const SEED: u64 = 0x5eed_2026_0001;

fn bases() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dir = |d: &Path, keep: &dyn Fn(&str) -> bool| {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        v.sort();
        for p in v {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            if !keep(&n) {
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap_or_default()).into_owned();
            // Mutants are written elsewhere: relative includes would not resolve.
            if text.lines().any(|l| l.trim_start().starts_with("include")) {
                continue;
            }
            out.push((n, text));
        }
    };
    dir(Path::new(SAMPLES_DIR), &|n| {
        n.starts_with("keepalived.conf.") && !n.ends_with(".sh") && !n.ends_with(".gz")
    });
    dir(&root().join("../../shared/corpus"), &|n| n.ends_with(".conf"));
    dir(&root().join("../examples"), &|n| n.ends_with(".conf"));
    dir(&root().join("tests/data/plan-oracle"), &|n| n.ends_with(".conf"));
    out.extend(mutate::generated());
    out
}

/// A configuration's bfd_instance blocks alone, written beside it, for a [`Mode::Bfd`] run.
fn bfd_file(text: &str, path: &Path) -> Option<PathBuf> {
    if !text.contains("bfd_instance") {
        return None;
    }
    let b = path.with_extension("bfd.conf");
    std::fs::write(&b, bfd_only(text)).ok()?;
    Some(b)
}

struct Mutant {
    base: usize,
    cats: Vec<String>,
    descs: Vec<String>,
    text: String,
    path: PathBuf,
    plan: p::Plan,
    vrrp: bool,
    check: bool,
}

// ---------------------------------------------------------------------------------------------
// The comparisons beyond the plan oracle's

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// uid of a user name, from /etc/passwd.
fn uid_of(user: &str) -> String {
    std::fs::read_to_string("/etc/passwd")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.first() == Some(&user)).then(|| f.get(2).unwrap_or(&"?").to_string())
        })
        .unwrap_or_else(|| format!("?{user}"))
}

/// The uid keepalived runs a command as: its own user, else script_user, else root (this host
/// has no keepalived_script user).
fn cmd_uid(plan: &p::Plan, c: &p::Command) -> String {
    match c.user.as_deref().or(plan.global.script_user.as_deref()) {
        Some(u) => uid_of(u),
        None => "0".into(),
    }
}

/// A dumped command line `... = 'prog' 'arg', uid:gid 0:0` → (prog's file name, uid).
fn dumped_cmd(line: &str) -> (String, String) {
    let v = line.split_once(" = ").map_or("", |x| x.1);
    let prog = v.trim_start_matches('\'').split(['\'', ' ']).next().unwrap_or("");
    let base = prog.rsplit('/').next().unwrap_or(prog).to_string();
    let uid = v
        .rsplit_once("uid:gid ")
        .map_or("", |x| x.1)
        .split(':')
        .next()
        .unwrap_or("")
        .to_string();
    (base, uid)
}

fn plan_cmd(plan: &p::Plan, c: &p::Command) -> (String, String) {
    let prog = c.argv.first().map_or("", String::as_str);
    (prog.rsplit('/').next().unwrap_or(prog).to_string(), cmd_uid(plan, c))
}

fn raw_has(d: &Obj, line: &str) -> bool {
    d.raw.iter().any(|l| l == line)
}

fn raw_starting<'a>(d: &'a Obj, prefix: &str) -> Option<&'a str> {
    d.raw.iter().find(|l| l.starts_with(prefix)).map(String::as_str)
}

fn instance_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, i: &p::VrrpInstance, d: &Obj, global: &Obj) {
    let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
    t.eq(ctx, "strict", i.strict, raw_has(d, "Enforcing strict VRRP compliance"));
    t.eq(
        ctx,
        "dont_track_primary",
        i.dont_track_primary,
        raw_has(d, "VRRP interface tracking disabled"),
    );
    t.eq(
        ctx,
        "skip_check_adv_addr",
        i.skip_check_adv_addr,
        raw_has(d, "Skip checking advert IP addresses"),
    );
    t.eq(
        ctx,
        "lower_prio_no_advert",
        !i.lower_prio_no_advert,
        g("Send advert after receive lower priority advert"),
    );
    t.eq(
        ctx,
        "higher_prio_send_advert",
        i.higher_prio_send_advert,
        g("Send advert after receive higher priority advert"),
    );
    let unicast = raw_has(d, "Using unicast") || raw_has(d, "Using unicast with VRID duplication");
    t.eq(ctx, "unicast", !i.unicast_peers.is_empty(), unicast);
    t.eq(
        ctx,
        "unicast_fault_no_peer",
        i.unicast_fault_no_peer,
        raw_has(d, "If unicast go to fault state if no peers"),
    );
    if unicast {
        // keepalived checks the source when the instance or global_defs says so; the dump
        // shows the instance's own flag.
        let own = raw_starting(d, "Check unicast src : ").map_or("(absent)", |l| &l[20..]);
        let effective = if global.get("VRRP check unicast_src") == Some("true") {
            "yes"
        } else {
            own
        };
        t.eq(ctx, "check_unicast_src", yes(i.check_unicast_src), effective);
        t.eq(
            ctx,
            "unicast_ttl",
            i.unicast_ttl.map_or("(absent)".to_string(), |t| t.to_string()),
            g("Unicast TTL"),
        );
        // `auto` is what keepalived switches to at run time; at load it says `no`.
        let compat = match g("Unicast checksum compatibility").as_str() {
            "no" | "auto" => "auto".to_string(),
            "config" => "always".to_string(),
            other => other.to_string(),
        };
        t.eq(ctx, "old_unicast_checksum", i.old_unicast_checksum, compat);
    } else {
        let dumped = raw_starting(d, "Multicast address ").map_or("(absent)".to_string(), |l| {
            l["Multicast address ".len()..]
                .split(',')
                .next()
                .unwrap_or("")
                .to_string()
        });
        t.eq(ctx, "mcast_dst_ip", i.mcast_dst_ip, dumped);
    }
    let src = g("Using src_ip");
    let src = match src.strip_suffix(" (from configuration)") {
        Some(a) => a.to_string(),
        None => "none".into(),
    };
    t.eq(
        ctx,
        "src_ip",
        i.src_ip.map_or("none".to_string(), |a| a.to_string()),
        src,
    );
    // `Use VMAC, i/f name N, is_up = .., xmit_base = B`, then maybe `MAC = M[ (using VRID)]`;
    // `Use IPVLAN, i/f N, is_up = ..`.
    let mac = raw_starting(d, "MAC = ").map_or("none", |l| l[6..].split(' ').next().unwrap_or(""));
    let vmac = raw_starting(d, "Use VMAC, i/f name ")
        .map(|l| {
            let name = l["Use VMAC, i/f name ".len()..].split(',').next().unwrap_or("");
            format!("macvlan {name} xmit_base {} mac {mac}", l.ends_with("xmit_base = true"))
        })
        .or_else(|| {
            raw_starting(d, "Use IPVLAN, i/f ").map(|l| {
                let name = l["Use IPVLAN, i/f ".len()..].split(',').next().unwrap_or("");
                format!("ipvlan {name} xmit_base false mac none")
            })
        });
    t.eq(
        ctx,
        "vmac",
        i.vmac.as_ref().map_or("none".to_string(), |v| {
            format!(
                "{} {} xmit_base {} mac {}",
                v.kind,
                v.name,
                v.xmit_base,
                v.mac.as_deref().unwrap_or("none")
            )
        }),
        vmac.unwrap_or_else(|| "none".into()),
    );
    if i.vmac.is_none() {
        t.eq(
            ctx,
            "interface",
            i.interface.as_deref().unwrap_or("(none)"),
            g("Interface"),
        );
    }
    let n = &i.notify;
    for (label, cmd) in [
        ("Backup", &n.backup),
        ("Master", &n.master),
        ("Fault", &n.fault),
        ("Stop", &n.stop),
        ("Deleted", &n.deleted),
        ("Generic", &n.any),
        ("Master rx lower pri", &n.master_rx_lower_pri),
    ] {
        if cmd
            .as_ref()
            .is_some_and(|c| !runs_here(&plan.global, c) || cmd_uid(plan, c).starts_with('?'))
        {
            continue; // keepalived drops a script this host lacks
        }
        let dumped = raw_starting(d, &format!("{label} state transition script = ")).map(dumped_cmd);
        let ours = cmd.as_ref().map(|c| plan_cmd(plan, c));
        t.eq(
            ctx,
            "notify_script",
            format!("{label} {ours:?}"),
            format!("{label} {dumped:?}"),
        );
    }
    t.eq(
        ctx,
        "notify_priority_changes",
        n.priority_changes,
        g("Notify priority changes"),
    );
}

/// The global definitions section: ` Key = value` lines.
fn global_obj(lines: &[String]) -> Obj {
    let s = sections(lines);
    let mut o = Obj::new("global");
    for l in s.get("Global definitions").map_or(&[][..], Vec::as_slice) {
        if indent(l) == 1 {
            o.add(l, false);
        }
    }
    o
}

fn global_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, d: &Obj, vrrp: bool) {
    let gl = &plan.global;
    let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
    if let Some(r) = &gl.router_id {
        t.eq(ctx, "router_id", r, g("Router ID"));
    }
    t.eq(
        ctx,
        "enable_script_security",
        gl.enable_script_security,
        raw_has(d, "Script security enabled"),
    );
    let uid = gl.script_user.as_deref().map_or("0".to_string(), uid_of);
    // A user this host lacks: keepalived's fallback is host-dependent.
    if !uid.starts_with('?') {
        t.eq(
            ctx,
            "script_user",
            uid,
            raw_starting(d, "Default script uid:gid ")
                .and_then(|l| l["Default script uid:gid ".len()..].split(':').next())
                .unwrap_or("(absent)"),
        );
    }
    t.eq(
        ctx,
        "dynamic_interfaces",
        gl.dynamic_interfaces,
        g("Dynamic interfaces"),
    );
    if !vrrp {
        return;
    }
    t.eq(ctx, "vrrp_version", gl.vrrp_version, g("VRRP default protocol version"));
    t.eq(ctx, "vrrp_strict", gl.vrrp_strict, g("VRRP strict mode"));
    t.eq(
        ctx,
        "vrrp_check_unicast_src",
        gl.vrrp_check_unicast_src,
        g("VRRP check unicast_src"),
    );
    t.eq(
        ctx,
        "vrrp_skip_check_adv_addr",
        gl.vrrp_skip_check_adv_addr,
        g("VRRP skip check advert addresses"),
    );
    if let Some(v) = d.get("VRRP IPv4 mcast group") {
        t.eq(
            ctx,
            "vrrp_mcast_group4",
            gl.vrrp_mcast_group4,
            v.split(' ').next().unwrap_or(v),
        );
    }
    if let Some(v) = d.get("VRRP IPv6 mcast group") {
        t.eq(
            ctx,
            "vrrp_mcast_group6",
            gl.vrrp_mcast_group6,
            v.split(' ').next().unwrap_or(v),
        );
    }
    t.eq(
        ctx,
        "vrrp_garp_interval_ms",
        gl.vrrp_garp_interval_ms,
        secs_ms(&g("Gratuitous ARP interval")),
    );
    t.eq(
        ctx,
        "vrrp_gna_interval_ms",
        gl.vrrp_gna_interval_ms,
        secs_ms(&g("Gratuitous NA interval")),
    );
    if let Some(v) = raw_starting(d, "vrrp_startup_delay = ") {
        t.eq(
            ctx,
            "vrrp_startup_delay_ms",
            gl.vrrp_startup_delay_ms,
            secs_ms(&v["vrrp_startup_delay = ".len()..]),
        );
    }
}

fn script_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, s: &p::VrrpScript, d: &Obj) {
    let uid = cmd_uid(plan, &s.command);
    let dumped = d.get("Script uid:gid").unwrap_or("(absent)");
    if !uid.starts_with('?') {
        t.eq(ctx, "script_uid", uid, dumped.split(':').next().unwrap_or(""));
    }
    t.eq(
        ctx,
        "script_init_fail",
        if s.init_fail { "INIT/FAILED" } else { "INIT" },
        d.get("Init state").unwrap_or("(absent)"),
    );
}

fn on(b: bool) -> &'static str {
    if b {
        "ON"
    } else {
        "OFF"
    }
}

fn vs_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, v: &p::VirtualServer, d: &Obj) {
    let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
    let flag = |l: &str| raw_starting(d, l).map_or("(absent)", |x| &x[l.len()..]).to_string();
    if let p::ServiceKey::Fwmark { family, .. } = &v.key {
        t.eq(
            ctx,
            "vs_family",
            match family {
                p::Family::Ipv4 => "inet",
                p::Family::Ipv6 => "inet6",
            },
            g("Address family"),
        );
    }
    t.eq(ctx, "vs_alpha", on(v.alpha), flag("alpha is "));
    t.eq(ctx, "vs_omega", on(v.omega), flag("omega is "));
    t.eq(ctx, "ha_suspend", v.ha_suspend, raw_has(d, "Using HA suspend"));
    t.eq(
        ctx,
        "vs_inhibit_on_failure",
        on(v.inhibit_on_failure),
        flag("Inhibit on failure is "),
    );
    if v.persistence_timeout_ms.is_some() {
        t.eq(
            ctx,
            "persistence_granularity",
            // 255.255.255.255 is keepalived's "none", which it does not print.
            v.persistence_granularity
                .as_deref()
                .filter(|g| *g != "255.255.255.255")
                .unwrap_or("none"),
            d.get("persistence granularity").unwrap_or("none"),
        );
    }
    for f in ["sh-port", "sh-fallback", "mh-port", "mh-fallback"] {
        if let Some(x) = d.get(f) {
            t.eq(
                ctx,
                "scheduler_flags",
                v.scheduler_flags.iter().any(|s| s.as_str() == f),
                x == "enabled",
            );
        }
    }
    for (label, cmd) in [("Quorum up", &v.quorum_up), ("Quorum down", &v.quorum_down)] {
        if cmd.as_ref().is_some_and(|c| !runs_here(&plan.global, c)) {
            continue;
        }
        let dumped = raw_starting(d, &format!("{label} notify script = ")).map(dumped_cmd);
        let ours = cmd.as_ref().map(|c| plan_cmd(plan, c));
        t.eq(
            ctx,
            "quorum_script",
            format!("{label} {ours:?}"),
            format!("{label} {dumped:?}"),
        );
    }
    let _ = g;
    if v.real_servers.len() != d.children.len() {
        return;
    }
    for (r, dr) in v.real_servers.iter().zip(&d.children) {
        let rctx = format!("{ctx} rs {}", r.address);
        let flag = |l: &str| raw_starting(dr, l).map_or("(absent)", |x| &x[l.len()..]).to_string();
        t.eq(
            &rctx,
            "rs_inhibit_on_failure",
            on(r.inhibit_on_failure),
            flag("Inhibit on failure is "),
        );
        t.eq(
            &rctx,
            "rs_thresholds",
            format!(
                "{} -> {}",
                r.lower_threshold.unwrap_or(0),
                r.upper_threshold.unwrap_or(0)
            ),
            dr.get("connection limit range").unwrap_or("(absent)"),
        );
        for (label, cmd) in [("RS up", &r.notify_up), ("RS down", &r.notify_down)] {
            if cmd.as_ref().is_some_and(|c| !runs_here(&plan.global, c)) {
                continue;
            }
            let dumped = raw_starting(dr, &format!("{label} notify script = ")).map(dumped_cmd);
            let ours = cmd.as_ref().map(|c| plan_cmd(plan, c));
            t.eq(
                &rctx,
                "rs_notify",
                format!("{label} {ours:?}"),
                format!("{label} {dumped:?}"),
            );
        }
    }
}

fn checker_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, dumped: &[Obj]) {
    let ours: Vec<(&p::RealServer, &p::Checker)> = plan
        .virtual_servers
        .iter()
        .flat_map(|v| v.real_servers.iter())
        .flat_map(|r| r.checkers.iter().map(move |c| (r, c)))
        .collect();
    if ours.len() != dumped.len() {
        return;
    }
    for (n, ((r, c), d)) in ours.iter().zip(dumped).enumerate() {
        let cctx = format!("{ctx} checker #{n} {} of {}", c.kind.keyword(), r.address);
        if let Some(a) = d.get("Alpha") {
            t.eq(&cctx, "checker_alpha", yes(c.alpha), a);
        }
        t.eq(
            &cctx,
            "log_all_failures",
            yes(c.log_all_failures),
            d.get("Log all failures").unwrap_or("(absent)"),
        );
        if let (Some(w), Some(dw)) = (c.warmup_ms, d.get("Warmup")) {
            t.eq(&cctx, "warmup_ms", w, us_ms(dw));
        }
        checker_kind_extra(t, &cctx, plan, c, d);
        if let (Some(_), Some(conn)) = (d.get("Connection/Dest"), c.kind.connection()) {
            let bind = d.get("Connection/Bind to").map(|b| {
                let a = b.trim_start_matches('[');
                a.split(']').next().unwrap_or(a).to_string()
            });
            t.eq(
                &cctx,
                "bindto",
                conn.bindto.map_or("none".into(), |a: IpAddr| a.to_string()),
                bind.unwrap_or_else(|| "none".into()),
            );
            t.eq(
                &cctx,
                "checker_fwmark",
                conn.fwmark.map_or("none".into(), |m| m.to_string()),
                d.get("Connection/Mark").unwrap_or("none"),
            );
        }
    }
}

/// What each kind of checker adds: HTTP urls, MISC script, SMTP helo, DNS query, UDP payload.
fn checker_kind_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, c: &p::Checker, d: &Obj) {
    let g = |k: &str| d.get(k).unwrap_or("(absent)").to_string();
    if let p::CheckerKind::Http(h) | p::CheckerKind::Ssl(h) = &c.kind {
        let method = g("Keepalive method");
        t.eq(
            ctx,
            "http_protocol",
            h.http_protocol.as_str(),
            method.split("http protocol ").nth(1).unwrap_or("(absent)"),
        );
        // Without a checker virtualhost keepalived uses the virtual server's (not dumped here).
        if let Some(v) = d.get("Virtualhost") {
            t.eq(ctx, "http_virtualhost", h.virtualhost.as_deref().unwrap_or("none"), v);
        }
        let ours: Vec<String> = h
            .urls
            .iter()
            .map(|u| {
                format!(
                    "{} digest {} vhost {}",
                    u.path,
                    u.digest.as_deref().unwrap_or("none"),
                    u.virtualhost.as_deref().unwrap_or("none")
                )
            })
            .collect();
        // The dump: `Checked url = P`, then deeper `digest = D`, `Virtual host = V`.
        let mut theirs: Vec<String> = Vec::new();
        let (mut path, mut digest, mut vhost) = (None::<String>, "none".to_string(), "none".to_string());
        let flush = |path: &mut Option<String>, digest: &mut String, vhost: &mut String, out: &mut Vec<String>| {
            if let Some(pth) = path.take() {
                out.push(format!("{pth} digest {digest} vhost {vhost}"));
            }
            *digest = "none".into();
            *vhost = "none".into();
        };
        for l in &d.raw {
            if let Some(pth) = l.strip_prefix("Checked url = ") {
                flush(&mut path, &mut digest, &mut vhost, &mut theirs);
                path = Some(pth.to_string());
            } else if let Some(x) = l.strip_prefix("digest = ") {
                digest = x.to_string();
            } else if let Some(x) = l.strip_prefix("Virtual host = ") {
                vhost = x.to_string();
            }
        }
        flush(&mut path, &mut digest, &mut vhost, &mut theirs);
        t.eq(ctx, "http_urls", ours.join("; "), theirs.join("; "));
    }
    if let p::CheckerKind::Misc(m) = &c.kind {
        if let Some(line) = raw_starting(d, "script = ") {
            let prog = dumped_cmd(line).0;
            let uid = g("uid:gid").split(':').next().unwrap_or("").to_string();
            let ours = plan_cmd(plan, &m.command);
            if !ours.1.starts_with('?') {
                t.eq(ctx, "misc_script", format!("{ours:?}"), format!("{:?}", (prog, uid)));
            }
        }
        t.eq(ctx, "misc_dynamic", if m.dynamic { "YES" } else { "NO" }, g("dynamic"));
        if let Some(ms) = m.timeout_ms {
            t.eq(ctx, "misc_timeout_ms", ms, secs_ms(&g("timeout")));
        }
    }
    if let p::CheckerKind::Smtp { helo_name: Some(h), .. } = &c.kind {
        t.eq(ctx, "helo_name", h, g("helo"));
    }
    if let p::CheckerKind::Dns(q) = &c.kind {
        t.eq(ctx, "dns_type", q.query_type.as_str(), g("Type"));
        t.eq(ctx, "dns_name", &q.name, g("Name"));
    }
    if let p::CheckerKind::Udp(u) = &c.kind {
        t.eq(
            ctx,
            "udp_payload_len",
            u.payload.as_ref().map_or(0, |p| p.len() / 2),
            d.get("Payload len").unwrap_or("0"),
        );
        t.eq(ctx, "udp_require_reply", yes(u.require_reply), g("Require reply"));
        if u.require_reply {
            t.eq(
                ctx,
                "udp_reply_lengths",
                format!("{} {}", u.min_reply_length, u.max_reply_length),
                format!(
                    "{} {}",
                    g("Require reply/Min reply length"),
                    g("Require reply/Max reply length")
                ),
            );
        }
    }
}

/// `Weight = -10` / `Weight = 20 reverse` → as [`weight_text`].
fn tracker_weight(w: i32, rev: bool) -> String {
    weight_text(w, rev)
}

/// The track_file, vrrp_track_process and bfd_instance definitions (the VRRP process's
/// `VRRP Track files`, `VRRP Track processes` and `VRRP Track BFDs` sections, and the BFD
/// process's `BFD Topology`), and each instance's tracked processes and BFDs.
fn trackers_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, lines: &[String], bfd: Option<&[String]>) {
    let s = sections(lines);
    let sec = |n: &str| objects(s.get(n).map_or(&[][..], Vec::as_slice));
    let named = |objs: &[Obj], prefix: &str| -> BTreeMap<String, Obj> {
        objs.iter()
            .filter_map(|o| o.head.strip_prefix(prefix).map(|n| (n.to_string(), o.clone())))
            .collect()
    };
    let g = |d: &Obj, k: &str| d.get(k).unwrap_or("(absent)").to_string();
    // keepalived forgets a track_file nothing tracks.
    let files = named(&sec("VRRP Track files"), "Track file = ");
    let tracked: BTreeSet<&str> = plan
        .vrrp_instances
        .iter()
        .map(|i| &i.track)
        .chain(plan.sync_groups.iter().map(|g| &g.track))
        .flat_map(|tr| tr.files.iter().map(|r| r.name.as_str()))
        .collect();
    let ours: Vec<&str> = plan
        .track_files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|n| tracked.contains(n))
        .collect();
    t.eq(
        ctx,
        "track_files",
        ours.join(" "),
        files.keys().cloned().collect::<Vec<_>>().join(" "),
    );
    for f in &plan.track_files {
        if let Some(d) = files.get(&f.name) {
            let fctx = format!("{ctx} track_file {}", f.name);
            t.eq(&fctx, "track_file_path", &f.file, g(d, "File"));
            t.eq(
                &fctx,
                "track_file_weight",
                tracker_weight(f.weight, f.weight_reverse),
                g(d, "Weight"),
            );
        }
    }
    let procs = named(&sec("VRRP Track processes"), "VRRP Track process = ");
    let ours: BTreeSet<&str> = plan.track_processes.iter().map(|x| x.name.as_str()).collect();
    t.eq(
        ctx,
        "track_processes",
        ours.into_iter().collect::<Vec<_>>().join(" "),
        procs.keys().cloned().collect::<Vec<_>>().join(" "),
    );
    for x in &plan.track_processes {
        let Some(d) = procs.get(&x.name) else { continue };
        let pctx = format!("{ctx} track_process {}", x.name);
        t.eq(
            &pctx,
            "process_name",
            x.process.first().map_or("", String::as_str),
            g(d, "Process"),
        );
        t.eq(
            &pctx,
            "process_params",
            if x.process.len() > 1 {
                x.process[1..].join(" ")
            } else {
                "(absent)".into()
            },
            g(d, "Parameters"),
        );
        let dumped_match = match raw_starting(d, "Param match") {
            Some("Param match") => "exact",
            Some(l) => l.rsplit(' ').next().unwrap_or(l),
            None => "none",
        };
        t.eq(
            &pctx,
            "process_param_match",
            x.param_match.map_or("none", |m| m.as_str()),
            dumped_match,
        );
        t.eq(&pctx, "process_quorum", x.quorum, g(d, "Min processes"));
        t.eq(
            &pctx,
            "process_quorum_max",
            x.quorum_max.map_or("(absent)".to_string(), |q| q.to_string()),
            g(d, "Max processes"),
        );
        t.eq(
            &pctx,
            "process_weight",
            tracker_weight(x.weight, x.weight_reverse),
            g(d, "Weight"),
        );
        let secs = |v: String| secs_ms(v.trim_end_matches('s'));
        t.eq(
            &pctx,
            "process_terminate_delay_ms",
            x.terminate_delay_ms,
            secs(g(d, "Terminate delay")),
        );
        t.eq(
            &pctx,
            "process_fork_delay_ms",
            x.fork_delay_ms,
            secs(g(d, "Fork delay")),
        );
        t.eq(&pctx, "process_full_command", x.full_command, g(d, "Full command"));
    }
    let bfds = named(&sec("VRRP Track BFDs"), "VRRP Track BFD = ");
    // The VRRP process knows the sessions that send it events.
    let ours: Vec<&str> = plan
        .bfd_instances
        .iter()
        .filter(|b| b.used_by.is_empty() || b.used_by.contains(&p::BfdUser::Vrrp))
        .map(|b| b.name.as_str())
        .collect();
    let mut sorted = ours.clone();
    sorted.sort();
    t.eq(
        ctx,
        "bfd_instances",
        sorted.join(" "),
        bfds.keys().cloned().collect::<Vec<_>>().join(" "),
    );
    for b in &plan.bfd_instances {
        if let Some(d) = bfds.get(&b.name) {
            let bctx = format!("{ctx} bfd {}", b.name);
            t.eq(
                &bctx,
                "bfd_weight",
                tracker_weight(b.weight, b.weight_reverse),
                g(d, "Weight"),
            );
        }
    }
    // The BFD process's own dump (a Mode::Bfd run).
    let Some(bfd) = bfd else { return };
    let bs = sections(bfd);
    let topo = named(
        &objects(bs.get("BFD Topology").map_or(&[][..], Vec::as_slice)),
        "BFD Instance = ",
    );
    for b in &plan.bfd_instances {
        let bctx = format!("{ctx} bfd {}", b.name);
        let Some(d) = topo.get(&b.name) else { continue };
        let ip = |a: Option<IpAddr>| a.map_or("(absent)".to_string(), |a| a.to_string());
        t.eq(&bctx, "bfd_neighbor_ip", ip(b.neighbor_ip), g(d, "Neighbor IP"));
        t.eq(&bctx, "bfd_source_ip", ip(b.source_ip), g(d, "Source IP"));
        let us = |v: String| us_ms(&v);
        t.eq(
            &bctx,
            "bfd_min_rx_ms",
            b.min_rx_ms,
            us(g(d, "Required min RX interval")),
        );
        t.eq(&bctx, "bfd_min_tx_ms", b.min_tx_ms, us(g(d, "Desired min TX interval")));
        t.eq(
            &bctx,
            "bfd_idle_tx_ms",
            b.idle_tx_ms,
            us(g(d, "Desired idle TX interval")),
        );
        t.eq(&bctx, "bfd_multiplier", b.multiplier, g(d, "Detection multiplier"));
        t.eq(&bctx, "bfd_passive", b.passive, g(d, "passive"));
        let v6 = b.neighbor_ip.is_some_and(|a| a.is_ipv6());
        let ttl = b.ttl.unwrap_or(if v6 { 64 } else { 255 });
        t.eq(&bctx, "bfd_ttl", ttl, g(d, if v6 { "hoplimit" } else { "TTL" }));
        t.eq(&bctx, "bfd_max_hops", b.max_hops.unwrap_or(0), g(d, "max_hops"));
        let to = |u: p::BfdUser| {
            if b.used_by.is_empty() || b.used_by.contains(&u) {
                "Yes"
            } else {
                "No"
            }
        };
        t.eq(
            &bctx,
            "bfd_used_by",
            format!("{} {}", to(p::BfdUser::Vrrp), to(p::BfdUser::Checker)),
            format!(
                "{} {}",
                g(d, "send event to VRRP process"),
                g(d, "send event to checker process")
            ),
        );
    }
    let topo_names: BTreeSet<&str> = topo.keys().map(String::as_str).collect();
    let all: BTreeSet<&str> = plan.bfd_instances.iter().map(|b| b.name.as_str()).collect();
    t.eq(
        ctx,
        "bfd_topology",
        all.into_iter().collect::<Vec<_>>().join(" "),
        topo_names.into_iter().collect::<Vec<_>>().join(" "),
    );
}

/// An instance's tracked processes and BFDs.
fn instance_trackers(t: &mut Tally, ctx: &str, i: &p::VrrpInstance, d: &Obj) {
    let procs: Vec<String> = i
        .track
        .processes
        .iter()
        .map(|x| format!("{}, weight {}", x.name, weight_text(x.weight, x.reverse)))
        .collect();
    t.eq(
        ctx,
        "track_process",
        procs.join("; "),
        d.list("Tracked processes").join("; "),
    );
    let bfds: Vec<String> = i
        .track
        .bfds
        .iter()
        .map(|x| format!("{}: weight {}", x.name, weight_text(x.weight, x.reverse)))
        .collect();
    t.eq(ctx, "track_bfd", bfds.join("; "), d.list("Tracked BFDs").join("; "));
}

/// The notify FIFOs of one process (`notify_fifo` and the process's own one) and the LVS
/// timeouts, as the global definitions print them.
fn fifo_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, d: &Obj, vrrp: bool) {
    let gl = &plan.global;
    let own = if vrrp {
        ("VRRP notify fifo", &gl.vrrp_notify_fifo)
    } else {
        ("LVS notify fifo", &gl.lvs_notify_fifo)
    };
    for (label, fifo) in [("Global notify fifo", &gl.notify_fifo), own] {
        let ours = fifo.as_ref().map(|f| {
            let script = f
                .script
                .as_ref()
                .filter(|c| runs_here(gl, c) && !cmd_uid(plan, c).starts_with('?'));
            format!("{} script {:?}", f.path, script.map(|c| plan_cmd(plan, c)))
        });
        let theirs = raw_starting(d, &format!("{label} = ")).map(|l| {
            let path = l[label.len() + 3..].rsplit_once(", uid:gid ").map_or(l, |x| x.0);
            let script = raw_starting(d, &format!("{label} script = ")).map(dumped_cmd);
            format!("{path} script {script:?}")
        });
        t.eq(
            ctx,
            "notify_fifo",
            format!("{label} {}", ours.unwrap_or_else(|| "none".into())),
            format!("{label} {}", theirs.unwrap_or_else(|| "none".into())),
        );
    }
    // keepalived 2.2.7 labels the UDP timeout `LVS TCP timeout` too: compared as the lines in
    // order.
    let s = |ms: u64| (ms / 1000).to_string();
    let ours: Vec<String> = [
        ("LVS TCP timeout", gl.lvs_timeout_tcp_ms),
        ("LVS TCP FIN timeout", gl.lvs_timeout_tcpfin_ms),
        ("LVS TCP timeout", gl.lvs_timeout_udp_ms),
    ]
    .into_iter()
    .filter_map(|(l, v)| v.filter(|v| *v > 0).map(|v| format!("{l} = {}", s(v))))
    .collect();
    let theirs: Vec<&str> = d
        .raw
        .iter()
        .filter(|l| l.starts_with("LVS TCP "))
        .map(String::as_str)
        .collect();
    t.eq(ctx, "lvs_timeouts", ours.join("; "), theirs.join("; "));
}

/// A sync group's notify scripts.
fn sync_group_notify(t: &mut Tally, ctx: &str, plan: &p::Plan, g: &p::SyncGroup, d: &Obj) {
    let n = &g.notify;
    for (label, cmd) in [
        ("Backup", &n.backup),
        ("Master", &n.master),
        ("Fault", &n.fault),
        ("Stop", &n.stop),
        ("Generic", &n.any),
    ] {
        if cmd
            .as_ref()
            .is_some_and(|c| !runs_here(&plan.global, c) || cmd_uid(plan, c).starts_with('?'))
        {
            continue; // keepalived drops a script this host lacks
        }
        let dumped = raw_starting(d, &format!("{label} state transition script = ")).map(dumped_cmd);
        let ours = cmd.as_ref().map(|c| plan_cmd(plan, c));
        t.eq(
            ctx,
            "sync_group_notify",
            format!("{label} {ours:?}"),
            format!("{label} {dumped:?}"),
        );
    }
}

fn sync_group_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, groups: &[Obj]) {
    for g in &plan.sync_groups {
        let head = format!("VRRP Sync Group = {},", g.name);
        if let Some(d) = groups.iter().find(|o| o.head.starts_with(&head)) {
            let gctx = format!("{ctx} group {}", g.name);
            sync_group_notify(t, &gctx, plan, g, d);
            t.eq(
                &gctx,
                "sync_group_tracking_weight",
                g.tracking_weight,
                raw_has(d, "sync group tracking weight set"),
            );
            let ours: Vec<String> = g
                .track
                .scripts
                .iter()
                .map(|x| {
                    format!(
                        "{} weight {}{}",
                        x.name,
                        x.weight,
                        if x.reverse { " reverse" } else { "" }
                    )
                })
                .collect();
            t.eq(
                &gctx,
                "sync_group_track_script",
                ours.join("; "),
                d.list("Tracked scripts").join("; "),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses, routes and rules, as keepalived 2.2.7's format_ipaddress / format_iproute /
// format_iprule print them.

/// A name in one of iproute2's tables (keepalived's built-in names, then /etc/iproute2/FILE).
fn rt_number(file: &str, builtin: &[(&str, u64)], n: &p::NameOrNumber) -> String {
    match n {
        p::NameOrNumber::Number(v) => v.to_string(),
        p::NameOrNumber::Name(s) => builtin
            .iter()
            .find(|(k, _)| k == s)
            .map(|(_, v)| v.to_string())
            .or_else(|| {
                std::fs::read_to_string(format!("/etc/iproute2/{file}"))
                    .unwrap_or_default()
                    .lines()
                    .map(|l| l.split_whitespace().collect::<Vec<_>>())
                    .find(|w| w.len() >= 2 && w[1] == s && !w[0].starts_with('#'))
                    .map(|w| w[0].to_string())
            })
            .unwrap_or_else(|| format!("?{s}")),
    }
}

const RT_TABLES: &[(&str, u64)] = &[("default", 253), ("main", 254), ("local", 255)];
const RT_PROTOS: &[(&str, u64)] = &[
    ("none", 0),
    ("redirect", 1),
    ("kernel", 2),
    ("boot", 3),
    ("static", 4),
    ("gated", 8),
    ("ra", 9),
    ("mrt", 10),
    ("zebra", 11),
    ("bird", 12),
    ("dnrouted", 13),
    ("xorp", 14),
    ("ntk", 15),
    ("dhcp", 16),
    ("babel", 42),
];
const IP_PROTOS: &[(&str, u64)] = &[("icmp", 1), ("tcp", 6), ("udp", 17), ("ipv6-icmp", 58), ("sctp", 132)];

/// keepalived's `ipaddresstos`: the address, and `/LEN` unless a host prefix; `any` is the
/// family's zero address.
fn ka_prefix(a: Option<IpAddr>, len: u8, fam: p::Family) -> String {
    let a = a.unwrap_or(match fam {
        p::Family::Ipv4 => IpAddr::from([0u8; 4]),
        p::Family::Ipv6 => IpAddr::from([0u16; 8]),
    });
    if len == p::Family::of(&a).max_prefix_len() {
        a.to_string()
    } else {
        format!("{a}/{len}")
    }
}

fn ka_scope(s: u8) -> String {
    match s {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        n => n.to_string(),
    }
}

/// An address line as keepalived prints it (its run-time ` set` left out); `dev` is the
/// interface the address goes on when the line names none.
fn ka_address(a: &p::Address, dev: &str) -> String {
    let mut s = ka_prefix(Some(a.address), a.prefix_len, p::Family::of(&a.address));
    if let (IpAddr::V4(v4), Some(b)) = (a.address, &a.broadcast) {
        let mask = if a.prefix_len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(a.prefix_len))
        };
        let brd = match b {
            p::Broadcast::Address(x) => u32::from(*x),
            p::Broadcast::HostBitsSet => u32::from(v4) | !mask,
            p::Broadcast::HostBitsClear => u32::from(v4) & mask,
        };
        if brd != 0 {
            let _ = write!(s, " brd {}", std::net::Ipv4Addr::from(brd));
        }
    }
    let _ = write!(s, " dev {}", a.dev.as_deref().unwrap_or(dev));
    if a.use_vmac {
        s.push_str(" use_vmac");
    }
    let _ = write!(s, " scope {}", ka_scope(a.scope.unwrap_or(0)));
    if let Some(l) = &a.label {
        let _ = write!(s, " label {l}");
    }
    if let Some(peer) = a.peer {
        let _ = write!(s, " peer {peer}/{}", a.prefix_len);
    }
    for (on, w) in [
        (a.home, " home"),
        (a.nodad, " -nodad"),
        (a.mngtmpaddr, " mngtmpaddr"),
        (a.noprefixroute, " noprefixroute"),
        (a.autojoin, " autojoin"),
        (a.no_track, " no_track"),
    ] {
        if on {
            s.push_str(w);
        }
    }
    if let Some(g) = &a.track_group {
        let _ = write!(s, " track_group {g}");
    }
    if a.address.is_ipv6() {
        match a.preferred_lft_ms {
            Some(0) => s.push_str(" deprecated"),
            Some(ms) => {
                let _ = write!(s, " preferred_lft {}", ms / 1000);
            }
            None => s.push_str(" preferred_lft forever"),
        }
    }
    s
}

/// A dumped address or route line without what keepalived adds at run time (` set`,
/// ` iptable_set`, ` nftable_set`, ` [dev X]`, ` [installed ifindex N]`).
fn ka_static(line: &str) -> String {
    let mut l = line.trim();
    if let Some(i) = l.find(" [") {
        l = &l[..i];
    }
    for suffix in [" nftable_set", " iptable_set", " set"] {
        l = l.strip_suffix(suffix).unwrap_or(l);
    }
    l.to_string()
}

/// keepalived's printing of an rtt-like time held in milliseconds.
fn ka_time(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{}s", ms / 1000.0)
    } else {
        format!("{ms}ms")
    }
}

/// A time as the plan writes it (`10ms`, `1.5s`, `2`) in milliseconds.
fn plan_time_ms(t: &str) -> f64 {
    let n = t.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let v: f64 = n.parse().unwrap_or(f64::NAN);
    let unit = &t[n.len()..];
    match unit {
        "s" | "sec" | "secs" => v * 1000.0,
        _ => v,
    }
}

/// A route as keepalived prints it, without its protocol (compared on its own: keepalived
/// prints it only when tracked or written, and installs 18 when it does not print it).
fn ka_route(r: &p::Route) -> String {
    let fam = r.family;
    let mut s = format!("{}", r.mode);
    if r.kind != p::RouteKind::Unicast {
        let _ = write!(s, " {}", r.kind);
    }
    let _ = write!(s, " {}", ka_prefix(r.dst.address, r.dst.prefix_len, fam));
    if let Some(f) = &r.from {
        let _ = write!(s, " from {}", ka_prefix(f.address, f.prefix_len, fam));
    }
    if let Some(a) = r.src {
        let _ = write!(s, " src {a}");
    }
    if let Some(t) = &r.tos {
        let _ = write!(s, " tos {}", rt_number("rt_dsfield", &[], t));
    }
    if !r.encap.is_empty() {
        let e = &r.encap;
        match e[0].as_str() {
            // Each label as keepalived keeps it: label << 12, the last with the bottom bit.
            "mpls" => {
                let labels: Vec<String> = e
                    .get(1)
                    .map_or("", String::as_str)
                    .split('/')
                    .collect::<Vec<_>>()
                    .iter()
                    .enumerate()
                    .map(|(k, l)| {
                        let n: u32 = l.parse().unwrap_or(0);
                        let last = k + 1 == e.get(1).map_or(0, |x| x.split('/').count());
                        format!("{:x}", (n << 12) | if last { 0x100 } else { 0 })
                    })
                    .collect();
                let _ = write!(s, " encap mpls {}", labels.join("/"));
            }
            kind => {
                let _ = write!(s, " encap {kind}");
                let kv: Vec<(&str, &str)> = e[1..]
                    .chunks(2)
                    .map(|c| (c[0].as_str(), c.get(1).map_or("", String::as_str)))
                    .collect();
                let get = |k: &[&str]| kv.iter().find(|(a, _)| k.contains(a)).map(|(_, v)| *v);
                let order: &[&[&str]] = if kind == "ip6" {
                    &[
                        &["id"],
                        &["dst"],
                        &["src"],
                        &["tc", "tos"],
                        &["hoplimit", "ttl"],
                        &["flags"],
                    ]
                } else {
                    &[
                        &["id"],
                        &["dst"],
                        &["src"],
                        &["tos", "tc"],
                        &["ttl", "hoplimit"],
                        &["flags"],
                    ]
                };
                for k in order {
                    if let Some(v) = get(k) {
                        let _ = write!(s, " {} {v}", k[0]);
                    }
                }
            }
        }
    }
    if let Some(v) = r.via {
        let _ = write!(s, " via {} {v}", if v.is_ipv6() { "inet6" } else { "inet" });
    }
    if let Some(d) = &r.dev {
        let _ = write!(s, " dev {d}");
    }
    if let Some(t) = &r.table {
        let t = rt_number("rt_tables", RT_TABLES, t);
        if t != "254" {
            let _ = write!(s, " table {t}");
        }
    }
    if let Some(sc) = r.scope {
        let _ = write!(s, " scope {sc}");
    }
    if let Some(m) = r.metric {
        let _ = write!(s, " metric {m}");
    }
    if fam == p::Family::Ipv4 && r.onlink {
        s.push_str(" onlink");
    }
    if let Some(e) = r.expires_ms {
        let _ = write!(s, " expires {}sec", e / 1000);
    }
    // The metrics, in keepalived's order: (name, lock, value).
    let metrics: Vec<(bool, &str, &str)> = r
        .metrics
        .iter()
        .map(|m| {
            let w: Vec<&str> = m.split_whitespace().collect();
            match w.as_slice() {
                ["lock", n, v] => (true, *n, *v),
                [n, v] => (false, *n, *v),
                _ => (false, m.as_str(), ""),
            }
        })
        .collect();
    let metric = |n: &str| metrics.iter().find(|m| m.1 == n).map(|m| (m.0, m.2));
    for n in ["rtt", "rttvar", "rto_min"] {
        if let Some((lock, v)) = metric(n) {
            let _ = write!(
                s,
                " {n}{} {}",
                if lock { " lock" } else { "" },
                ka_time(plan_time_ms(v))
            );
        }
    }
    for n in [
        "mtu",
        "window",
        "ssthresh",
        "cwnd",
        "advmss",
        "reordering",
        "hoplimit",
        "initcwnd",
        "initrwnd",
        "quickack",
    ] {
        if let Some((lock, v)) = metric(n) {
            let _ = write!(s, " {n} {}{v}", if lock { "lock " } else { "" });
        }
    }
    if let Some(pr) = r.pref {
        let name = match pr {
            3 => "low",
            0 => "medium",
            1 => "high",
            _ => "unknown",
        };
        let _ = write!(s, " pref {name}");
    }
    if let Some((_, v)) = metric("fastopen_no_cookie") {
        let _ = write!(s, " fastopen_no_cookie {v}");
    }
    for nh in &r.nexthops {
        s.push_str(" nexthop");
        if let Some(v) = nh.via {
            let _ = write!(s, " via inet{} {v}", if v.is_ipv6() { "6" } else { "" });
        }
        if let Some(d) = &nh.dev {
            let _ = write!(s, " dev {d}");
        }
        if let Some(w) = nh.weight {
            let _ = write!(s, " weight {w}");
        }
        if nh.onlink {
            s.push_str(" onlink");
        }
    }
    if r.no_track {
        s.push_str(" no_track");
    }
    if let Some(g) = &r.track_group {
        let _ = write!(s, " track_group {g}");
    }
    s
}

/// A dumped route line → (the line without ` proto N`, the protocol keepalived installs).
fn dumped_route(line: &str) -> (String, String) {
    let l = ka_static(line);
    let w: Vec<&str> = l.split(' ').collect();
    match w.iter().position(|x| *x == "proto") {
        Some(i) if i + 1 < w.len() => {
            let proto = w[i + 1].to_string();
            let rest: Vec<&str> = w[..i].iter().chain(&w[i + 2..]).copied().collect();
            (rest.join(" "), proto)
        }
        // Not printed: netlink_route installs RTPROT_KEEPALIVED.
        _ => (l, "18".into()),
    }
}

fn ka_rule(r: &p::Rule) -> String {
    let fam = r.family;
    let mut s = String::new();
    if r.from.is_none() && r.to.is_none() && fam == p::Family::Ipv6 {
        s.push_str("inet6 ");
    }
    if r.invert {
        s.push_str("not ");
    }
    match &r.from {
        Some(f) => {
            let _ = write!(s, "from {}", ka_prefix(f.address, f.prefix_len, fam));
        }
        None => s.push_str("from all"),
    }
    if let Some(t) = &r.to {
        let _ = write!(s, " to {}", ka_prefix(t.address, t.prefix_len, fam));
    }
    if let Some(pr) = r.preference {
        let _ = write!(s, " priority {pr}");
    }
    let tos = r
        .tos
        .as_ref()
        .map_or("0".to_string(), |t| rt_number("rt_dsfield", &[], t));
    let _ = write!(s, " tos 0x{:x}", tos.parse::<u64>().unwrap_or(0));
    if let Some(m) = r.fwmark {
        let _ = write!(s, " fwmark 0x{m:x}");
        if let Some(k) = r.fwmask.filter(|k| *k != u32::MAX) {
            let _ = write!(s, "/0x{k:x}");
        }
    }
    if let Some(i) = &r.iif {
        let _ = write!(s, " iif {i}");
    }
    if let Some(o) = &r.oif {
        let _ = write!(s, " oif {o}");
    }
    if let Some(n) = r.suppress_prefixlength {
        let _ = write!(s, " suppress_prefixlen {n}");
    }
    if let Some((a, b)) = r.uid_range {
        let _ = write!(s, " uidrange {a}-{b}");
    }
    if r.action == p::RuleAction::L3mdev {
        s.push_str(" l3mdev");
    }
    if let Some(pr) = r.protocol {
        let _ = write!(s, " protocol {pr}");
    }
    if let Some(ip) = &r.ipproto {
        let _ = write!(s, " ipproto {}", rt_number("protocols", IP_PROTOS, ip));
    }
    if let Some((a, b)) = r.sport {
        let _ = write!(s, " sport {a}-{b}");
    }
    if let Some((a, b)) = r.dport {
        let _ = write!(s, " dport {a}-{b}");
    }
    let target = r
        .target
        .as_ref()
        .map_or("0".to_string(), |t| rt_number("rt_tables", RT_TABLES, t));
    match r.action {
        p::RuleAction::Table | p::RuleAction::L3mdev => {
            let _ = write!(s, " lookup {target}");
        }
        p::RuleAction::Goto => {
            let _ = write!(s, " goto {target}");
        }
        p::RuleAction::Nop => s.push_str(" nop"),
        a => {
            let _ = write!(s, " type {a}");
        }
    }
    if r.no_track {
        s.push_str(" no_track");
    }
    if let Some(g) = &r.track_group {
        let _ = write!(s, " track_group {g}");
    }
    s
}

fn compare_routes(t: &mut Tally, ctx: &str, field: &'static str, routes: &[p::Route], dumped: &[String]) {
    if routes.len() != dumped.len() {
        let ours: Vec<String> = routes.iter().map(ka_route).collect();
        t.eq(
            ctx,
            field,
            ours.join("; "),
            dumped.iter().map(|l| dumped_route(l).0).collect::<Vec<_>>().join("; "),
        );
        return;
    }
    for (r, d) in routes.iter().zip(dumped) {
        let (line, proto) = dumped_route(d);
        t.eq(ctx, field, ka_route(r), line);
        let ours = r
            .protocol
            .as_ref()
            .map_or("18".to_string(), |p| rt_number("rt_protos", RT_PROTOS, p));
        t.eq(ctx, "route_protocol", ours, proto);
    }
}

fn compare_rules(t: &mut Tally, ctx: &str, field: &'static str, rules: &[p::Rule], dumped: &[String]) {
    let ours: Vec<String> = rules.iter().map(ka_rule).collect();
    let theirs: Vec<String> = dumped.iter().map(|l| l.trim().to_string()).collect();
    if ours.len() != theirs.len() {
        t.eq(ctx, field, ours.join("; "), theirs.join("; "));
        return;
    }
    for (o, d) in ours.into_iter().zip(theirs) {
        t.eq(ctx, field, o, d);
    }
}

fn compare_addresses(
    t: &mut Tally,
    ctx: &str,
    field: &'static str,
    addrs: &[p::Address],
    dev: &str,
    dumped: &[String],
) {
    let ours: Vec<String> = addrs.iter().map(|a| ka_address(a, dev)).collect();
    let theirs: Vec<String> = dumped.iter().map(|l| ka_static(l)).collect();
    if ours.len() != theirs.len() {
        t.eq(ctx, field, ours.join("; "), theirs.join("; "));
        return;
    }
    for (o, d) in ours.into_iter().zip(theirs) {
        t.eq(ctx, field, o, d);
    }
}

/// The static addresses, routes and rules, and each instance's virtual ones.
fn ip_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, lines: &[String], instances: &[Obj]) {
    let s = sections(lines);
    let sec = |k: &str| s.get(k).cloned().unwrap_or_default();
    compare_addresses(
        t,
        ctx,
        "static_addresses",
        &plan.static_addresses,
        "(none)",
        &sec("Static Addresses"),
    );
    compare_routes(t, ctx, "static_routes", &plan.static_routes, &sec("Static Routes"));
    compare_rules(t, ctx, "static_rules", &plan.static_rules, &sec("Static Rules"));
    for i in &plan.vrrp_instances {
        let Some(d) = instances
            .iter()
            .find(|o| o.head == format!("VRRP Instance = {}", i.name))
        else {
            continue;
        };
        let ictx = format!("{ctx} {}", i.name);
        let base = i.interface.as_deref().unwrap_or("(none)");
        // No dev: the instance's interface, its macvlan VMAC for an address of its family.
        let vmac = i.vmac.as_ref().filter(|v| v.kind == p::VmacKind::Macvlan);
        for (list, addrs) in [
            ("Virtual IP", &i.virtual_addresses),
            ("Virtual IP Excluded", &i.excluded_addresses),
        ] {
            let dumped = d.list(list);
            if addrs.len() != dumped.len() {
                let ours: Vec<String> = addrs.iter().map(|a| ka_address(a, base)).collect();
                t.eq(&ictx, "virtual_ipaddress_line", ours.join("; "), dumped.join("; "));
                continue;
            }
            for (a, l) in addrs.iter().zip(dumped) {
                let dev = match vmac {
                    Some(v) if p::Family::of(&a.address) == i.family => format!("{}@{base}", v.name),
                    _ => base.to_string(),
                };
                t.eq(&ictx, "virtual_ipaddress_line", ka_address(a, &dev), ka_static(l));
            }
        }
        compare_routes(t, &ictx, "virtual_routes", &i.virtual_routes, d.list("Virtual Routes"));
        compare_rules(t, &ictx, "virtual_rules", &i.virtual_rules, d.list("Virtual Rules"));
    }
}

/// The virtual_server_groups of the LVS topology: ` Virtual Server Group = NAME, IPv4 = yes,
/// IPv6 = no`, then each address entry (`VIP = A, VPORT = P`, `VIP Range = A-B, VPORT = P`) and
/// after them each fwmark entry (`FWMARK = N[ IPv4| IPv6]`), as keepalived 2.2.7's dump_vsg
/// prints them.
fn dumped_vsgs(lines: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_group = false;
    for l in lines {
        let t = l.trim();
        if t.starts_with("------< ") {
            in_group = t == "------< Virtual server group >------";
            continue;
        }
        if !in_group {
            continue;
        }
        if let Some(h) = t.strip_prefix("Virtual Server Group = ") {
            out.push((h.to_string(), Vec::new()));
        } else if indent(l) == 3 {
            if let Some((_, e)) = out.last_mut() {
                e.push(t.to_string());
            }
        }
    }
    out
}

fn plan_vsg(g: &p::VirtualServerGroup) -> (String, Vec<String>) {
    let mut addrs = Vec::new();
    let mut marks = Vec::new();
    let (mut v4, mut v6) = (false, false);
    for e in &g.entries {
        match (e.address, e.fwmark) {
            (Some(a), _) => {
                if a.is_ipv6() {
                    v6 = true;
                } else {
                    v4 = true;
                }
                let port = e.port.unwrap_or(0);
                addrs.push(match e.address_end {
                    Some(end) => format!("VIP Range = {a}-{end}, VPORT = {port}"),
                    None => format!("VIP = {a}, VPORT = {port}"),
                });
            }
            (None, Some(m)) => {
                let fam = match e.family {
                    Some(p::Family::Ipv4) => {
                        v4 = true;
                        " IPv4"
                    }
                    Some(p::Family::Ipv6) => {
                        v6 = true;
                        " IPv6"
                    }
                    None => "",
                };
                marks.push(format!("FWMARK = {m}{fam}"));
            }
            (None, None) => marks.push("(neither address nor fwmark)".into()),
        }
    }
    addrs.extend(marks);
    (format!("{}, IPv4 = {}, IPv6 = {}", g.name, yes(v4), yes(v6)), addrs)
}

/// The groups keepalived's virtual servers use (it keeps the others too, unused; the plan
/// carries only those a virtual server names).
fn vsg_extra(t: &mut Tally, ctx: &str, plan: &p::Plan, lines: &[String]) {
    let s = sections(lines);
    let topo = s.get("LVS Topology").map_or(&[][..], Vec::as_slice);
    let used: BTreeSet<String> = virtual_servers(topo)
        .iter()
        .filter_map(|v| dumped_vs_key(&v.head).strip_prefix("group ").map(str::to_string))
        .collect();
    let name = |h: &str| h.split(',').next().unwrap_or(h).to_string();
    let mut dumped = dumped_vsgs(topo);
    dumped.retain(|(h, _)| used.contains(&name(h)));
    t.eq(
        ctx,
        "virtual_server_groups",
        plan.virtual_server_groups
            .iter()
            .map(|g| g.name.clone())
            .collect::<Vec<_>>()
            .join(" "),
        dumped.iter().map(|(h, _)| name(h)).collect::<Vec<_>>().join(" "),
    );
    for g in &plan.virtual_server_groups {
        let Some((dh, de)) = dumped.iter().find(|(h, _)| name(h) == g.name) else {
            continue;
        };
        let (oh, oe) = plan_vsg(g);
        let gctx = format!("{ctx} vsg {}", g.name);
        t.eq(&gctx, "vsg_families", oh, dh);
        t.eq(&gctx, "vsg_entries", oe.join("; "), de.join("; "));
    }
}

fn extra(
    t: &mut Tally,
    name: &str,
    plan: &p::Plan,
    vrrp: Option<&[String]>,
    check: Option<&[String]>,
    bfd: Option<&[String]>,
) {
    // What keepalived loaded, the plan must carry in a form vigild loads (Plan::validate).
    t.eq(
        name,
        "plan_valid",
        plan.validate().map_or_else(
            |e| {
                e.iter()
                    .map(|e| format!("{}: {}", e.path, e.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            },
            |()| "valid".to_string(),
        ),
        "valid",
    );
    if let Some(lines) = vrrp {
        let s = sections(lines);
        let empty = Vec::new();
        let dumped = objects(s.get("VRRP Topology").unwrap_or(&empty));
        let global = global_obj(lines);
        for i in &plan.vrrp_instances {
            let head = format!("VRRP Instance = {}", i.name);
            if let Some(d) = dumped.iter().find(|o| o.head == head) {
                instance_extra(t, &format!("{name} {}", i.name), plan, i, d, &global);
                instance_trackers(t, &format!("{name} {}", i.name), i, d);
            }
        }
        let scripts = objects(s.get("VRRP Scripts").unwrap_or(&empty));
        for sc in &plan.vrrp_scripts {
            if let Some(d) = scripts.iter().find(|o| o.head == format!("VRRP Script = {}", sc.name)) {
                script_extra(t, &format!("{name} script {}", sc.name), plan, sc, d);
            }
        }
        let groups = objects(s.get("VRRP Sync groups").unwrap_or(&empty));
        sync_group_extra(t, name, plan, &groups);
        trackers_extra(t, name, plan, lines, bfd);
        ip_extra(t, name, plan, lines, &dumped);
        global_extra(t, &format!("{name} global"), plan, &global_obj(lines), true);
        fifo_extra(t, &format!("{name} global"), plan, &global_obj(lines), true);
    }
    if let Some(lines) = check {
        vsg_extra(t, name, plan, lines);
        let s = sections(lines);
        let empty = Vec::new();
        let dumped = virtual_servers(s.get("LVS Topology").unwrap_or(&empty));
        let keys: Vec<String> = dumped.iter().map(|o| dumped_vs_key(&o.head)).collect();
        let ours: Vec<String> = plan.virtual_servers.iter().map(plan_vs_key).collect();
        if ours == keys {
            for (v, d) in plan.virtual_servers.iter().zip(&dumped) {
                vs_extra(t, &format!("{name} vs {}", plan_vs_key(v)), plan, v, d);
            }
            let checkers = objects(s.get("Health checkers").unwrap_or(&empty));
            checker_extra(t, name, plan, &checkers);
        }
        if vrrp.is_none() {
            global_extra(t, &format!("{name} global"), plan, &global_obj(lines), false);
        }
        fifo_extra(t, &format!("{name} global"), plan, &global_obj(lines), false);
    }
}

/// An object's line keys: its own lines' keys and `LIST/KEY` for deeper `KEY = value` lines
/// (not the list items themselves, which are names and addresses).
fn keys_of(o: &Obj) -> Vec<String> {
    let mut v: Vec<String> = o.lists.iter().map(|(k, _)| k.clone()).collect();
    v.extend(o.fields.iter().filter(|(k, _)| k.contains('/')).map(|(k, _)| k.clone()));
    v
}

/// The dump lines of a kind no comparison reads: `Obj` keys per section, for the gaps list.
fn dumped_keys(vrrp: Option<&[String]>, check: Option<&[String]>, bfd: Option<&[String]>, out: &mut BTreeSet<String>) {
    let strip = |k: &str| -> String {
        // Values inside keys (`Use VMAC, i/f name vrrp.5`, `Multicast address 224.0.0.18`).
        let k = k.split([',', '=']).next().unwrap_or(k).trim();
        k.split_whitespace()
            .take_while(|w| !w.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '\''))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(lines) = vrrp {
        let s = sections(lines);
        for (sec, prefix) in [
            ("VRRP Topology", "instance"),
            ("VRRP Scripts", "script"),
            ("VRRP Sync groups", "sync group"),
        ] {
            for o in objects(s.get(sec).map_or(&[][..], Vec::as_slice)) {
                for r in keys_of(&o) {
                    out.insert(format!("{prefix}: {}", strip(&r)));
                }
            }
        }
        for (sec, prefix) in [
            ("VRRP Track files", "track file"),
            ("VRRP Track processes", "track process"),
            ("VRRP Track BFDs", "track bfd"),
        ] {
            for o in objects(s.get(sec).map_or(&[][..], Vec::as_slice)) {
                for r in keys_of(&o) {
                    out.insert(format!("{prefix}: {}", strip(&r)));
                }
            }
        }
        for r in keys_of(&global_obj(lines)) {
            out.insert(format!("global: {}", strip(&r)));
        }
    }
    if let Some(lines) = bfd {
        let s = sections(lines);
        for o in objects(s.get("BFD Topology").map_or(&[][..], Vec::as_slice)) {
            for r in keys_of(&o) {
                out.insert(format!("bfd: {}", strip(&r)));
            }
        }
    }
    if let Some(lines) = check {
        let s = sections(lines);
        for v in virtual_servers(s.get("LVS Topology").map_or(&[][..], Vec::as_slice)) {
            for r in keys_of(&v) {
                out.insert(format!("virtual server: {}", strip(&r)));
            }
            for rs in &v.children {
                for r in keys_of(rs) {
                    out.insert(format!("real server: {}", strip(&r)));
                }
            }
        }
        for c in objects(s.get("Health checkers").map_or(&[][..], Vec::as_slice)) {
            for r in keys_of(&c) {
                out.insert(format!("checker: {}", strip(&r)));
            }
        }
    }
}

/// Dump lines the comparisons read (prefixes of [`dumped_keys`] entries), and those that
/// describe run-time state rather than configuration.
const READ: &[&str] = &[
    "instance: VRRP Version",
    "instance: Wantstate",
    "instance: Virtual Router ID",
    "instance: Priority",
    "instance: Advert interval",
    "instance: Preempt",
    "instance: Accept",
    "instance: Authentication type",
    "instance: Password",
    "instance: Sync group",
    "instance: Unicast Peer",
    "instance: Virtual IP",
    "instance: Tracked",
    "instance: Gratuitous ARP",
    "instance: Down timer adverts",
    "instance: Enforcing strict",
    "instance: VRRP interface tracking disabled",
    "instance: Skip checking",
    "instance: Send advert after",
    "instance: Check unicast src",
    "instance: Unicast TTL",
    "instance: Unicast checksum",
    "instance: Multicast address",
    "instance: Using src_ip",
    "instance: Use VMAC",
    "instance: Use IPVLAN",
    "instance: Interface",
    "instance: Backup state",
    "instance: Master state",
    "instance: Fault state",
    "instance: Stop state",
    "instance: Deleted state",
    "instance: Generic state",
    "instance: Master rx lower pri",
    "instance: Notify priority changes",
    // run-time state, or not in the plan
    "instance: Flags",
    "instance: Number of",
    "instance: No sockets",
    "instance: Using smtp",
    "instance: Notify deleted",
    "instance: Last transition",
    "instance: Promote_secondaries",
    "instance: Master down timer",
    "script: Command",
    "script: Interval",
    "script: Timeout",
    "script: Weight",
    "script: Rise",
    "script: Fall",
    "script: Script uid",
    "script: Init state",
    "script: Result",
    "script: Status",
    "script: State",
    "script: VRRP instances",
    "script: Tracking instances",
    "script: Insecure",
    "track file: File",
    "track file: Weight",
    "track process: Process",
    "track process: Parameters",
    "track process: Param match",
    "track process: Min processes",
    "track process: Max processes",
    "track process: Weight",
    "track process: Terminate delay",
    "track process: Fork delay",
    "track process: Full command",
    "track bfd: Weight",
    "bfd: Neighbor IP",
    "bfd: Source IP",
    "bfd: Required min RX",
    "bfd: Desired min TX",
    "bfd: Desired idle TX",
    "bfd: Detection multiplier",
    "bfd: TTL",
    "bfd: hoplimit",
    "bfd: max_hops",
    "bfd: passive",
    "bfd: send event to",
    // run-time state
    "track file: Status",
    "track file: Tracking instances",
    "track process: Current processes",
    "track process: Have quorum",
    "track process: Tracking instances",
    "track bfd: Bfd is",
    "track bfd: Tracking",
    "sync group: VRRP member instances",
    "sync group: sync group tracking weight",
    "sync group: Tracked scripts",
    "sync group: Num member",
    "sync group: Using smtp",
    "global: Global notify fifo",
    "global: VRRP notify fifo",
    "global: LVS notify fifo",
    "global: LVS TCP",
    "sync group: Backup state",
    "sync group: Master state",
    "sync group: Fault state",
    "sync group: Stop state",
    "sync group: Generic state",
    "global: Router ID",
    "global: Script security",
    "global: Default script",
    "global: Dynamic interfaces",
    "global: VRRP default protocol",
    "global: VRRP strict",
    "global: VRRP check unicast",
    "global: VRRP skip check",
    "global: VRRP IPv4 mcast",
    "global: VRRP IPv6 mcast",
    "global: Gratuitous ARP interval",
    "global: Gratuitous NA interval",
    "global: vrrp_startup_delay",
    "virtual server: lvs_sched",
    "virtual server: default forwarding",
    "virtual server: protocol",
    "virtual server: persistence",
    "virtual server: One packet",
    "virtual server: quorum",
    "virtual server: delay_loop",
    "virtual server: sorry server",
    "virtual server: alpha",
    "virtual server: omega",
    "virtual server: Using HA",
    "virtual server: Inhibit on failure",
    "virtual server: sh-",
    "virtual server: mh-",
    "virtual server: Quorum",
    "virtual server: alive",
    "virtual server: reloaded",
    "virtual server: Using smtp",
    "virtual server: Hashed",
    "virtual server: quorum_state_up",
    "virtual server: Address family",
    "real server: forwarding",
    "real server: Inhibit on failure",
    "real server: connection limit",
    "real server: RS up",
    "real server: RS down",
    "real server: alive",
    "real server: reloaded",
    "real server: RS set",
    "real server: num failed",
    "real server: initial weight",
    "real server: effective weight",
    "real server: previous effective",
    "real server: Using smtp",
    "checker: Keepalive method",
    "checker: Connection/Dest",
    "checker: Connection/Timeout",
    "checker: Retries",
    "checker: Delay before retry",
    "checker: Delay loop",
    "checker: Alpha",
    "checker: Log all failures",
    "checker: Warmup",
    "checker: Connection/Bind to",
    "checker: Connection/Mark",
    "checker: Connection",
    "checker: Enabled",
    "checker: Up",
    "checker: Has run",
    "checker: Current weight",
    "checker: Retries iterations",
    "checker: Payload specified",
    "checker: Default delay",
    "checker: Virtualhost",
    "checker: Checked url",
    "checker: script",
    "checker: timeout",
    "checker: dynamic",
    "checker: uid:gid",
    "checker: helo",
    "checker: Type",
    "checker: Name",
    "checker: Payload len",
    "checker: Require reply",
    "instance: Virtual Routes",
    "instance: Virtual Rules",
];

/// Dump lines of values the plan does not carry (process tuning, SNMP, SMTP, run-time state,
/// defaults the plan resolves into each instance), so no gap.
const NOT_IN_PLAN: &[&str] = &[
    "global: BFD",
    "global: Checker ",
    "global: VRRP process",
    "global: VRRP don't",
    "global: VRRP realtime",
    "global: VRRP CPU",
    "global: SNMP",
    "global: DBus",
    "global: Smtp",
    "global: Email",
    "global: Default smtp",
    "global: Network namespace",
    "global: Instance name",
    "global: Parent process",
    "global: VRRP process name",
    "global: LVS process",
    "global: BFD process",
    "global: Config save",
    "global: No test config",
    "global: libnftnl",
    "global: nftables",
    "global: lvs_netlink",
    "global: vrrp_netlink",
    "global: process_monitor",
    "global: rx_bufs",
    "global: no_checker_emails",
    "global: rs_init_notifies",
    "global: umask",
    "global: current realtime",
    "global: Max auto priority",
    "global: Min auto priority",
    "global: Disable local IGMP",
    "global: Default interface",
    "global: LVS flush",
    "global: FIFO write",
    "global: Gratuitous ARP delay",
    "global: Gratuitous ARP repeat",
    "global: Gratuitous ARP refresh",
    "global: Gratuitous ARP lower",
    "global: Gratuitous ARP for each",
    "global: Num adverts before down",
    "global: Send advert after",
    "global: VRRP notify priority",
    "global: Using ipsets",
    "global: Checkers log all failures",
    "global: Allow interface changes",
    "global: Reload",
    "global: Use instance name",
    "global: Test config",
    "global: Send emails",
    "global: VMAC",
    "instance: Kernel rx buffer",
    "instance: Debug level",
    "instance: last rx",
    "instance: last tx",
    "instance: Using Native IPv6",
    "instance: Duplicate VRID",
    "instance: Master router",
    "instance: Master priority",
    "instance: State",
    "instance: Read timeout",
    "instance: Configured interface",
    "instance: Effective priority",
    "instance: Total priority",
    "instance: fd_in",
    "instance: Unicast config option",
    "instance: Use VMAC for VIPs",
    "instance: Gratuitous ARP for each",
    "instance: Next gratuitous",
    "instance: Master advert",
    "sync group: Tracked",
    "sync group: Notify priority",
    "virtual server: connection timeout",
    "virtual server: Retry",
    "virtual server: Warmup",
    "virtual server: VirtualHost",
    "virtual server: SNMP",
    "virtual server: flag-",
    "virtual server: forwarding method",
    "real server: Alpha is",
    "real server: connection timeout",
    "real server: Delay loop",
    "real server: Retry",
    "real server: Warmup",
    "real server: SNMP",
    "real server: VirtualHost",
    "real server: Tracked",
    "checker: Enable SNI",
    "checker: Fast recovery",
    "checker: Last ran",
    "checker: Last status",
    "checker: Reply data",
    "checker: Checked url/",
    "checker: Connection/Last errno",
    "checker: Require reply/",
];

/// Each plan field and the comparisons that read it; a field none reads, or none reached, is a
/// gap.
const PLAN_FIELDS: &[(&str, &[&str])] = &[
    ("(the plan as a whole: Plan::validate)", &["plan_valid"]),
    ("global.router_id", &["router_id"]),
    ("global.script_user", &["script_user"]),
    ("global.enable_script_security", &["enable_script_security"]),
    ("global.vrrp_version", &["vrrp_version"]),
    ("global.vrrp_strict", &["vrrp_strict"]),
    ("global.vrrp_mcast_group4", &["vrrp_mcast_group4"]),
    ("global.vrrp_mcast_group6", &["vrrp_mcast_group6"]),
    ("global.vrrp_check_unicast_src", &["vrrp_check_unicast_src"]),
    ("global.vrrp_skip_check_adv_addr", &["vrrp_skip_check_adv_addr"]),
    ("global.vrrp_garp_interval_ms", &["vrrp_garp_interval_ms"]),
    ("global.vrrp_gna_interval_ms", &["vrrp_gna_interval_ms"]),
    ("global.vrrp_startup_delay_ms", &["vrrp_startup_delay_ms"]),
    (
        "global.notify_fifo / vrrp_notify_fifo / lvs_notify_fifo",
        &["notify_fifo"],
    ),
    ("global.lvs_timeout_*", &["lvs_timeouts"]),
    ("global.dynamic_interfaces", &["dynamic_interfaces"]),
    (
        "static_addresses / static_routes / static_rules",
        &["static_addresses", "static_routes", "static_rules", "route_protocol"],
    ),
    (
        "vrrp_scripts",
        &[
            "vrrp_scripts",
            "script_interval_s",
            "script_timeout_s",
            "script_weight",
            "script_rise",
            "script_fall",
            "script_uid",
            "script_init_fail",
        ],
    ),
    ("track_files", &["track_files", "track_file_path", "track_file_weight"]),
    (
        "track_processes",
        &[
            "track_processes",
            "process_name",
            "process_params",
            "process_param_match",
            "process_quorum",
            "process_quorum_max",
            "process_weight",
            "process_terminate_delay_ms",
            "process_fork_delay_ms",
            "process_full_command",
        ],
    ),
    (
        "bfd_instances",
        &[
            "bfd_instances",
            "bfd_topology",
            "bfd_weight",
            "bfd_neighbor_ip",
            "bfd_source_ip",
            "bfd_min_rx_ms",
            "bfd_min_tx_ms",
            "bfd_idle_tx_ms",
            "bfd_multiplier",
            "bfd_passive",
            "bfd_ttl",
            "bfd_max_hops",
            "bfd_used_by",
        ],
    ),
    ("vrrp_instance.virtual_router_id", &["vrid"]),
    ("vrrp_instance.version", &["version"]),
    ("vrrp_instance.interface", &["interface"]),
    ("vrrp_instance.initial_state", &["state"]),
    ("vrrp_instance.priority", &["priority"]),
    ("vrrp_instance.advert_int_ms", &["advert_int_ms"]),
    (
        "vrrp_instance.preempt / preempt_delay_ms",
        &["preempt", "preempt_delay_ms"],
    ),
    ("vrrp_instance.accept", &["accept"]),
    ("vrrp_instance.authentication", &["auth_type", "auth_pass"]),
    ("vrrp_instance.mcast_dst_ip", &["mcast_dst_ip"]),
    ("vrrp_instance.src_ip", &["src_ip"]),
    ("vrrp_instance.unicast_peers", &["unicast_peers", "unicast"]),
    ("vrrp_instance.unicast_ttl", &["unicast_ttl"]),
    ("vrrp_instance.unicast_fault_no_peer", &["unicast_fault_no_peer"]),
    ("vrrp_instance.check_unicast_src", &["check_unicast_src"]),
    (
        "vrrp_instance.virtual_addresses / excluded_addresses",
        &["virtual_ipaddress", "virtual_ipaddress_excluded"],
    ),
    (
        "vrrp_instance.virtual_routes / virtual_rules",
        &["virtual_routes", "virtual_rules"],
    ),
    (
        "vrrp_instance.virtual_addresses: each line's options",
        &["virtual_ipaddress_line"],
    ),
    (
        "vrrp_instance.track",
        &["track_interface", "track_script", "track_file"],
    ),
    ("vrrp_instance.track.processes / bfds", &["track_process", "track_bfd"]),
    ("vrrp_instance.dont_track_primary", &["dont_track_primary"]),
    ("vrrp_instance.notify", &["notify_script", "notify_priority_changes"]),
    (
        "vrrp_instance.garp",
        &[
            "garp_master_delay",
            "garp_master_repeat",
            "garp_master_refresh",
            "garp_master_refresh_repeat",
            "garp_lower_prio_delay",
            "garp_lower_prio_repeat",
        ],
    ),
    ("vrrp_instance.vmac", &["vmac"]),
    ("vrrp_instance.down_timer_adverts", &["down_timer_adverts"]),
    ("vrrp_instance.lower_prio_no_advert", &["lower_prio_no_advert"]),
    ("vrrp_instance.higher_prio_send_advert", &["higher_prio_send_advert"]),
    ("vrrp_instance.skip_check_adv_addr", &["skip_check_adv_addr"]),
    ("vrrp_instance.old_unicast_checksum", &["old_unicast_checksum"]),
    // keepalived 2.2.8's keyword: 2.2.7 does not know it, so its dump cannot show it.
    (
        "vrrp_instance.v3_checksum_as_v2 (2.2.8's keyword, not dumped by keepalived 2.2.7)",
        &[],
    ),
    ("vrrp_instance.strict", &["strict"]),
    ("vrrp_instance.sync_group", &["sync_group"]),
    ("sync_group.members", &["sync_group_members"]),
    ("sync_group.track", &["sync_group_track_script"]),
    ("sync_group.notify", &["sync_group_notify"]),
    ("sync_group.tracking_weight", &["sync_group_tracking_weight"]),
    (
        "virtual_server_groups",
        &["virtual_server_groups", "vsg_families", "vsg_entries"],
    ),
    ("virtual_server.key", &["virtual_servers", "vs_family"]),
    ("virtual_server.protocol", &["protocol"]),
    (
        "virtual_server.scheduler / scheduler_flags",
        &["scheduler", "scheduler_flags"],
    ),
    ("virtual_server.forwarding", &["forwarding"]),
    (
        "virtual_server.persistence_*",
        &["persistence_timeout", "persistence_granularity"],
    ),
    ("virtual_server.one_packet", &["one_packet"]),
    ("virtual_server.delay_loop_ms", &["delay_loop_ms"]),
    (
        "virtual_server.ha_suspend / alpha / omega",
        &["ha_suspend", "vs_alpha", "vs_omega"],
    ),
    (
        "virtual_server.quorum / hysteresis / quorum_up / quorum_down",
        &["quorum", "hysteresis", "quorum_script"],
    ),
    ("virtual_server.inhibit_on_failure", &["vs_inhibit_on_failure"]),
    ("virtual_server.sorry_server", &["sorry_server"]),
    (
        "real_server.address / port / weight / forwarding",
        &["rs_address", "rs_port", "rs_weight", "rs_forwarding"],
    ),
    ("real_server.inhibit_on_failure", &["rs_inhibit_on_failure"]),
    ("real_server.upper_threshold / lower_threshold", &["rs_thresholds"]),
    ("real_server.notify_up / notify_down", &["rs_notify"]),
    (
        "checker.kind / connect_ip / connect_port",
        &["checker_type", "checker_dest"],
    ),
    ("checker.bindto / fwmark", &["bindto", "checker_fwmark"]),
    ("checker.bind_port / bind_if", &[]),
    (
        "checker.connect_timeout_ms / retry / delay_before_retry_ms / delay_loop_ms",
        &[
            "connect_timeout_ms",
            "retry",
            "delay_before_retry_ms",
            "checker_delay_loop_ms",
        ],
    ),
    ("checker.warmup_ms", &["warmup_ms"]),
    (
        "checker.alpha / log_all_failures",
        &["checker_alpha", "log_all_failures"],
    ),
    ("checker.http", &["http_protocol", "http_virtualhost", "http_urls"]),
    ("checker.http.urls.status_codes / regex / tls / sni", &[]),
    ("checker.misc", &["misc_script", "misc_dynamic", "misc_timeout_ms"]),
    ("checker.dns", &["dns_type", "dns_name"]),
    ("checker.helo_name", &["helo_name"]),
    (
        "checker.udp",
        &["udp_payload_len", "udp_require_reply", "udp_reply_lengths"],
    ),
    ("checker.track_file / bfd", &[]),
];

// ---------------------------------------------------------------------------------------------

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.parse().ok()
}

/// What to compare a mismatch by: its field (`FIELD: plan ...` after the context).
fn field_of(m: &str) -> String {
    // `CTX: FIELD: plan `x`, keepalived `y``, or `CTX: WHAT: ...` from Tally::fail.
    let parts: Vec<&str> = m.splitn(3, ": ").collect();
    let f = parts.get(1).copied().unwrap_or(m);
    f.split_whitespace().take(2).collect::<Vec<_>>().join(" ")
}

/// The mismatch without its context's file name (which differs between a mutant and its base).
fn without_name(m: &str, name: &str) -> String {
    m.strip_prefix(name).unwrap_or(m).to_string()
}

#[test]
fn plan_differential_over_mutants() {
    if !keepalived::can_run("plan differential test") {
        return;
    }
    let _dev_null = keepalived::DevNullGuard::new();
    let started = Instant::now();
    let full = std::env::var_os("PLAN_DIFF_FULL").is_some_and(|v| v != "0");
    let wanted = env_usize("PLAN_DIFF_MUTANTS").unwrap_or(if full { FULL_MUTANTS } else { CI_MUTANTS });
    let seed = std::env::var("PLAN_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);

    keepalived::remove_stale_work_dirs(WORK);
    let work = tempfile::Builder::new()
        .prefix(&format!("{WORK}{}-", std::process::id()))
        .tempdir()
        .expect("temporary directory");
    let shim = build_shim(work.path());
    if let Err(e) = &shim {
        eprintln!("SKIP (virtual servers only): cannot build the IPVS shim: {e}");
    }
    let shim_path = shim.as_ref().ok().map(PathBuf::as_path);

    // Bases that compile; their own runs give the mismatches a mutant inherits.
    let mut base_list: Vec<(String, String, PathBuf, p::Plan)> = Vec::new();
    for (k, (name, text)) in bases().into_iter().enumerate() {
        let path = work.path().join(format!("base{k}.conf"));
        std::fs::write(&path, &text).unwrap();
        if let Some(plan) = plan_of(&path) {
            base_list.push((name, text, path, plan));
        }
    }
    let mut rng = Rng::new(seed);
    let mut mutants: Vec<Mutant> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut check_rejected = 0usize;
    let mut attempts = 0usize;
    // PLAN_DIFF_ONLY=TEXT keeps only mutants with a category containing TEXT (for working on
    // one class).
    let only = std::env::var("PLAN_DIFF_ONLY").ok().filter(|s| !s.is_empty());
    let max_attempts = if only.is_some() { wanted * 400 } else { wanted * 20 };
    while mutants.len() < wanted && attempts < max_attempts {
        attempts += 1;
        let bi = rng.below(base_list.len());
        let mut conf = Conf::new(&base_list[bi].1);
        let n = if rng.below(10) < 7 { 1 } else { 2 };
        let mut cats = Vec::new();
        let mut descs = Vec::new();
        let (mut vrrp, mut check) = (false, false);
        for _ in 0..n {
            for _try in 0..8 {
                if let Some(m) = mutate::mutate(&mut conf, &mut rng) {
                    match m.scope {
                        Scope::Vrrp => vrrp = true,
                        Scope::Check => check = true,
                    }
                    cats.push(m.cat);
                    descs.push(m.desc);
                    break;
                }
            }
        }
        if cats.is_empty()
            || only
                .as_ref()
                .is_some_and(|o| !cats.iter().any(|c| c.contains(o.as_str())))
        {
            continue;
        }
        let text = conf.text();
        if !seen.insert(text.clone()) {
            continue;
        }
        let path = work.path().join(format!("m{}.conf", mutants.len()));
        std::fs::write(&path, &text).unwrap();
        let Some(plan) = plan_of(&path) else {
            check_rejected += 1;
            // PLAN_DIFF_REFUSED=DIR keeps the mutants keepalived-check refuses, to see why.
            if let Some(dir) = std::env::var_os("PLAN_DIFF_REFUSED") {
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(Path::new(&dir).join(format!("r{check_rejected}.conf")), &text);
            }
            continue;
        };
        cats.sort();
        cats.dedup();
        mutants.push(Mutant {
            base: bi,
            cats,
            descs,
            text,
            path,
            plan,
            vrrp,
            check: check && shim_path.is_some(),
        });
    }

    let mut ifaces = BTreeSet::new();
    for (_, text, _, _) in &base_list {
        keepalived::interface_names(text, &mut ifaces);
    }
    for i in ["eth0", "eth1", "eth2"] {
        ifaces.insert(i.to_string());
    }
    // A namespace for each worker, reset after each run: a killed keepalived leaves its VMAC
    // interfaces, which the next one would take over or name new ones around.
    let nss: Vec<keepalived::Netns> = (0..THREADS)
        .map(|w| {
            let mut ns = keepalived::Netns::numbered(Some(w)).expect("cannot create a network namespace");
            ns.add_interfaces(&ifaces);
            ns
        })
        .collect();

    // Jobs: bases (both processes as they need), then mutants (the process their mutations touch).
    let mut jobs: Vec<(Option<usize>, usize, Mode, PathBuf)> = Vec::new();
    for (k, (_, text, path, plan)) in base_list.iter().enumerate() {
        if !plan.vrrp_instances.is_empty() || text.contains("vrrp_instance") {
            jobs.push((None, k, Mode::Vrrp, path.clone()));
        }
        if (!plan.virtual_servers.is_empty() || text.contains("virtual_server")) && shim_path.is_some() {
            jobs.push((None, k, Mode::Check, path.clone()));
        }
        if let Some(b) = bfd_file(text, path) {
            jobs.push((None, k, Mode::Bfd, b));
        }
    }
    for (k, m) in mutants.iter().enumerate() {
        if m.vrrp {
            jobs.push((Some(k), k, Mode::Vrrp, m.path.clone()));
        }
        if m.check {
            jobs.push((Some(k), k, Mode::Check, m.path.clone()));
        }
        if m.vrrp {
            if let Some(b) = bfd_file(&m.text, &m.path) {
                jobs.push((Some(k), k, Mode::Bfd, b));
            }
        }
    }
    let outs = parallel_workers(jobs.len(), THREADS, |w, j| {
        let (_, _, mode, path) = &jobs[j];
        let out = dump(&nss[w].name, path, work.path(), &format!("j{j}"), *mode, shim_path);
        nss[w].reset();
        out
    });
    drop(nss);
    let dump_secs = started.elapsed().as_secs_f64();
    let mut base_dumps: BTreeMap<(usize, Mode), Dump> = BTreeMap::new();
    let mut mutant_dumps: BTreeMap<(usize, Mode), Dump> = BTreeMap::new();
    for ((m, k, mode, _), out) in jobs.iter().zip(outs) {
        match m {
            None => base_dumps.insert((*k, *mode), out),
            Some(_) => mutant_dumps.insert((*k, *mode), out),
        };
    }

    let mut t = Tally::default();
    // Each mismatch's keys: it is known when one of them is in the known list.
    let mut occurrences: Vec<Vec<String>> = Vec::new();
    let mut keys_seen: BTreeSet<String> = BTreeSet::new();
    // Base mismatches, without the file name.
    let mut base_mismatches: Vec<BTreeSet<String>> = Vec::new();
    let mut base_plans: Vec<p::Plan> = Vec::new();
    // key → (mismatch, mutant text, descriptions), the smallest mutant for each.
    let mut classes: BTreeMap<String, (usize, String, String, Vec<String>)> = BTreeMap::new();
    let mut add_class = |key: String, m: &str, text: &str, descs: &[String]| {
        let e = classes
            .entry(key)
            .or_insert_with(|| (0, m.to_string(), text.to_string(), descs.to_vec()));
        e.0 += 1;
        if text.len() < e.2.len() {
            e.1 = m.to_string();
            e.2 = text.to_string();
            e.3 = descs.to_vec();
        }
    };
    for (k, (name, text, _, plan)) in base_list.iter().enumerate() {
        let mut plan = plan.clone();
        host_view(&mut plan);
        let mut bt = Tally::default();
        let get = |mode: Mode| match base_dumps.get(&(k, mode)) {
            Some(Ok(l)) => Some(l.clone()),
            _ => None,
        };
        let (v, c, b) = (get(Mode::Vrrp), get(Mode::Check), get(Mode::Bfd));
        compare(&mut bt, name, &plan, v.as_deref(), c.as_deref());
        extra(&mut bt, name, &plan, v.as_deref(), c.as_deref(), b.as_deref());
        dumped_keys(v.as_deref(), c.as_deref(), b.as_deref(), &mut keys_seen);
        t.fields += bt.fields;
        for (f, n) in &bt.by_field {
            *t.by_field.entry(f).or_default() += n;
        }
        for m in &bt.mismatches {
            let key = format!("{} @ base", field_of(m));
            add_class(key.clone(), m, text, &[]);
            occurrences.push(vec![key]);
        }
        base_mismatches.push(bt.mismatches.iter().map(|m| without_name(m, name)).collect());
        t.mismatches.extend(bt.mismatches);
        base_plans.push(plan);
    }
    let mut keepalived_rejected = 0usize;
    let mut reject_reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut mutant_mismatches = 0usize;
    for (k, m) in mutants.iter_mut().enumerate() {
        let name = format!("mutant {k}");
        let mut failed = false;
        let mut get = |mode: Mode| match mutant_dumps.get(&(k, mode)) {
            Some(Ok(l)) => Some(l.clone()),
            Some(Err(e)) => {
                failed = true;
                *reject_reasons
                    .entry(e.split(" (").next().unwrap_or(e).to_string())
                    .or_default() += 1;
                None
            }
            None => None,
        };
        let (v, c, b) = (get(Mode::Vrrp), get(Mode::Check), get(Mode::Bfd));
        if failed {
            keepalived_rejected += 1;
            // PLAN_DIFF_REJECTED=DIR keeps the mutants keepalived gives no complete dump of.
            if let Some(dir) = std::env::var_os("PLAN_DIFF_REJECTED") {
                let _ = std::fs::create_dir_all(&dir);
                let _ = std::fs::write(Path::new(&dir).join(format!("k{k}.conf")), &m.text);
            }
            continue;
        }
        host_view(&mut m.plan);
        let mut mt = Tally::default();
        compare(&mut mt, &name, &m.plan, v.as_deref(), c.as_deref());
        extra(&mut mt, &name, &m.plan, v.as_deref(), c.as_deref(), b.as_deref());
        dumped_keys(v.as_deref(), c.as_deref(), b.as_deref(), &mut keys_seen);
        t.fields += mt.fields;
        for (f, n) in &mt.by_field {
            *t.by_field.entry(f).or_default() += n;
        }
        for mm in &mt.mismatches {
            let field = field_of(mm);
            if base_mismatches[m.base].contains(&without_name(mm, &name)) {
                add_class(format!("{field} @ base"), mm, &base_list[m.base].1, &[]);
                occurrences.push(vec![format!("{field} @ base")]);
                continue;
            }
            mutant_mismatches += 1;
            let mut keys = Vec::new();
            for cat in &m.cats {
                add_class(format!("{field} @ {cat}"), mm, &m.text, &m.descs);
                keys.push(format!("{field} @ {cat}"));
            }
            occurrences.push(keys);
            t.mismatches.push(format!("{mm} [{}]", m.cats.join(", ")));
        }
    }

    // The ratchet.
    let known_path = root().join("tests/data/plan-differential-known.txt");
    let known: BTreeSet<String> = std::fs::read_to_string(&known_path)
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    // A mismatch is known when one of its keys is (a mutant with two categories gives two).
    let unknown: BTreeSet<String> = occurrences
        .iter()
        .filter(|keys| !keys.iter().any(|k| known.contains(k)))
        .map(|keys| keys.join(" | "))
        .collect();
    let stale: Vec<&String> = known
        .iter()
        .filter(|k| !occurrences.iter().any(|o| o.contains(k)))
        .collect();

    let mut report = String::new();
    writeln!(
        report,
        "plan differential: {} mutants ({} rejected by keepalived), {} fields compared, {} mismatches",
        mutants.len(),
        keepalived_rejected,
        t.fields,
        t.mismatches.len()
    )
    .unwrap();
    writeln!(
        report,
        "  seed {seed:#x}, {} bases, {} mutants refused by keepalived-check, {} dumps in {dump_secs:.1}s, {:.1}s in all; {mutant_mismatches} mismatches new in a mutant, {} classes",
        base_list.len(),
        check_rejected,
        jobs.len(),
        started.elapsed().as_secs_f64(),
        classes.len()
    )
    .unwrap();
    for (r, n) in &reject_reasons {
        writeln!(report, "  rejected by keepalived: {r}: {n}").unwrap();
    }
    let mut cats: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &mutants {
        for c in &m.cats {
            *cats.entry(c.as_str()).or_default() += 1;
        }
    }
    writeln!(report, "mutants by category:").unwrap();
    for (c, n) in &cats {
        writeln!(report, "  {c:<48} {n}").unwrap();
    }
    writeln!(report, "plan fields compared (times):").unwrap();
    for (f, n) in &t.by_field {
        writeln!(report, "  {f:<32} {n}").unwrap();
    }
    writeln!(report, "gaps: plan fields no comparison reads, or none reached:").unwrap();
    for (field, names) in PLAN_FIELDS {
        let n: usize = names.iter().map(|f| t.by_field.get(f).copied().unwrap_or(0)).sum();
        if names.is_empty() {
            writeln!(report, "  {field} (not compared)").unwrap();
        } else if n == 0 {
            writeln!(report, "  {field} (never reached)").unwrap();
        }
    }
    writeln!(report, "gaps: dumped by keepalived, compared by nothing:").unwrap();
    for k in &keys_seen {
        if !READ.iter().chain(NOT_IN_PLAN).any(|r| k.starts_with(r)) {
            writeln!(report, "  {k}").unwrap();
        }
    }
    writeln!(report, "gaps: compared, but no mutant or base reached it:").unwrap();
    for r in READ {
        if !keys_seen.iter().any(|k| k.starts_with(r)) {
            writeln!(report, "  {r}").unwrap();
        }
    }
    writeln!(report, "mismatch classes (FIELD @ CATEGORY: count):").unwrap();
    for (k, (n, m, _, _)) in &classes {
        let mark = if known.contains(k) {
            "known"
        } else if occurrences
            .iter()
            .filter(|o| o.contains(k))
            .all(|o| o.iter().any(|x| known.contains(x)))
        {
            "known with another category"
        } else {
            "NEW"
        };
        writeln!(report, "  [{mark}] {k}: {n}   e.g. {m}").unwrap();
    }
    for s in &stale {
        writeln!(
            report,
            "known, not seen in this run (remove it once the full set no longer shows it): {s}"
        )
        .unwrap();
    }
    let summary = report.clone();
    writeln!(report, "\nsmallest mutant of each class:").unwrap();
    for (k, (_, m, text, descs)) in &classes {
        writeln!(report, "\n=== {k}\n{m}\nmutations: {descs:?}\n{text}").unwrap();
    }
    let path = target_dir().join("plan-differential-report.txt");
    let _ = std::fs::write(&path, &report);
    println!("{summary}");
    assert!(
        unknown.is_empty(),
        "{} mismatch classes not in {}: {unknown:#?} (report: {})",
        unknown.len(),
        known_path.display(),
        path.display()
    );
}
