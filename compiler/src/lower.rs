//! Lowering: the typed IR ([`crate::ir`]) to the runtime's plan ([`vigil_plan::Plan`]).
//!
//! keepalived's conditional defaults and load-time adjustments (priority 255 for an initial
//! MASTER without a priority, VRRPv2 intervals rounded to seconds, nopreempt cleared where it
//! cannot work, ports of direct-routing real servers reset, quorum clamped, checker timing
//! inherited, VMAC names, ...) are worked out once, in [`crate::resolve`]; the checks report
//! each adjustment from there and lowering copies the result into the plan. Plain defaults come
//! from the keyword table through the IR.

use crate::ir::{Block, Config, Item, Line, Setting, Value};
use crate::resolve::lvs;
use crate::values::{self, address, route, rule, Family as VFamily, NameOrNum, Prefix as VPrefix};
use std::collections::HashMap;
use std::net::IpAddr;
use vigil_grammar::{Parsed, Span};
use vigil_plan as p;

/// Builds the plan of a configuration (which should have no errors: the caller refuses to
/// write a plan otherwise).
pub fn lower(parsed: &Parsed, ir: &Config, source: p::Source) -> p::Plan {
    lower_owned(parsed, ir.clone(), source)
}

/// [`lower`], consuming the IR: each virtual server's IR is dropped once it is lowered, so
/// the IR and the plan of the thousands of them are never all alive at once.
pub fn lower_owned(parsed: &Parsed, mut ir: Config, source: p::Source) -> p::Plan {
    let (vs, rest): (Vec<Setting>, Vec<Setting>) = std::mem::take(&mut ir.root.settings)
        .into_iter()
        .partition(|s| s.name() == "virtual_server");
    ir.root.settings = rest;
    let cx = Cx::new(parsed, &ir);
    let mut plan = p::Plan::empty(source);
    plan.global = cx.global();
    // A static address without a dev goes on `default_interface` (keepalived's default eth0).
    let default_if = cx.global.text("default_interface").unwrap_or("eth0");
    for s in ir.root.all("static_ipaddress") {
        plan.static_addresses.extend(s.lines().iter().filter_map(|l| {
            let mut a = cx.address(l)?;
            a.dev.get_or_insert_with(|| default_if.to_string());
            Some(a)
        }));
    }
    for s in ir.root.all("static_routes") {
        plan.static_routes.extend(s.lines().iter().filter_map(|l| cx.route(l)));
    }
    for s in ir.root.all("static_rules") {
        plan.static_rules.extend(s.lines().iter().filter_map(|l| cx.rule(l)));
    }
    plan.sync_groups = cx.sync_groups();
    plan.vrrp_instances = cx.instances(&plan.sync_groups);
    // A sync group's trackers lose their weights when a member is the address owner.
    for g in &mut plan.sync_groups {
        let owner = plan
            .vrrp_instances
            .iter()
            .any(|i| i.priority == 255 && g.members.contains(&i.name));
        let t = &mut g.track;
        for w in t.interfaces.iter_mut().map(|t| &mut t.weight).chain(
            [&mut t.scripts, &mut t.files, &mut t.processes, &mut t.bfds]
                .into_iter()
                .flat_map(|l| l.iter_mut().map(|t| &mut t.weight)),
        ) {
            *w = crate::resolve::track::in_group(*w, owner);
        }
    }
    // Sets, not scans: a config may have thousands of instances each with its own script.
    let tracked: std::collections::HashSet<&str> = plan
        .vrrp_instances
        .iter()
        .map(|i| &i.track)
        .chain(plan.sync_groups.iter().map(|g| &g.track))
        .flat_map(|t| t.scripts.iter().map(|r| r.name.as_str()))
        .collect();
    let scripts = cx.vrrp_scripts();
    let used: Vec<p::VrrpScript> = scripts
        .iter()
        .filter(|s| tracked.contains(s.name.as_str()))
        .cloned()
        .collect();
    drop(tracked);
    plan.vrrp_scripts = used;
    // keepalived stops tracking a vrrp_script it disabled (or that has no script).
    let names: std::collections::HashSet<&str> = scripts.iter().map(|s| s.name.as_str()).collect();
    let kept = |name: &str| names.contains(name);
    for t in plan
        .vrrp_instances
        .iter_mut()
        .map(|i| &mut i.track)
        .chain(plan.sync_groups.iter_mut().map(|g| &mut g.track))
    {
        t.scripts.retain(|r| kept(&r.name));
    }
    plan.virtual_servers = cx.virtual_servers(vs);
    // keepalived forgets a track_file that nothing tracks.
    let mut tracked_files: std::collections::HashSet<String> = plan
        .virtual_servers
        .iter()
        .flat_map(|v| v.real_servers.iter())
        .flat_map(|r| r.checkers.iter())
        .filter_map(|c| match &c.kind {
            p::CheckerKind::File(r) => Some(r.name.clone()),
            _ => None,
        })
        .collect();
    tracked_files.extend(
        plan.vrrp_instances
            .iter()
            .map(|i| &i.track)
            .chain(plan.sync_groups.iter().map(|g| &g.track))
            .flat_map(|t| t.files.iter().map(|r| r.name.clone())),
    );
    plan.track_files = first_of_each(cx.track_files(), |f| &f.name)
        .into_iter()
        .filter(|f| tracked_files.contains(&f.name))
        .collect();
    plan.track_processes = first_of_each(cx.track_processes(), |t| &t.name);
    plan.bfd_instances = first_of_each(cx.bfd_instances(), |b| &b.name);
    let used: Vec<String> = plan
        .virtual_servers
        .iter()
        .filter_map(|v| match &v.key {
            p::ServiceKey::Group { name } => Some(name.clone()),
            _ => None,
        })
        .collect();
    plan.virtual_server_groups = first_of_each(cx.virtual_server_groups(), |g| &g.name)
        .into_iter()
        .filter(|g| used.contains(&g.name))
        .collect();
    plan
}

/// The first definition of each name: keepalived keeps a second `track_file`,
/// `vrrp_track_process` or `virtual_server_group` of a name in its lists but every reference
/// finds the first, and it ignores a second `bfd_instance` (KA0302 reports them all). The
/// plan's names are unique, so a plan never carries the one nothing can use.
fn first_of_each<T>(items: Vec<T>, name: impl Fn(&T) -> &String) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().filter(|t| seen.insert(name(t).clone())).collect()
}

struct Cx<'a> {
    parsed: &'a Parsed,
    ir: &'a Config,
    /// The merged global_defs, table defaults included.
    global: &'a Block,
    /// Default weights of the trackers, by kind and name.
    weights: HashMap<(&'static str, String), (i32, bool)>,
    /// Every vrrp_instance's view and effective settings (`crate::resolve`).
    vrrp: Vec<(crate::resolve::vrrp::Instance<'a>, crate::resolve::vrrp::Effective<'a>)>,
    /// The sync groups as keepalived resolves them.
    groups: Vec<crate::resolve::sync::Group<'a>>,
    /// Whether each instance of `vrrp` starts as MASTER once the sync groups are applied.
    masters: Vec<bool>,
    /// The readable virtual_server_groups, for resolving each virtual server in turn.
    lvs_groups: lvs::Groups<'a>,
    /// The preference keepalived gives each rule written without one, by the line's site.
    rule_prefs: HashMap<Span, u32>,
}

/// The preferences keepalived gives the rules written without one: counting down from 16384,
/// one counter per family, over the static and virtual rules in file order (as it reads them).
fn rule_preferences(ir: &Config) -> HashMap<Span, u32> {
    let mut out = HashMap::new();
    let (mut v4, mut v6) = (16384u32, 16384u32);
    let mut count = |lines: &[Line]| {
        for l in lines {
            let Item::Rule(r) = &l.item else { continue };
            if r.preference.is_some() {
                continue;
            }
            let next = if r.family == VFamily::V6 { &mut v6 } else { &mut v4 };
            out.insert(l.site, *next);
            *next = next.wrapping_sub(1);
        }
    };
    for s in &ir.root.settings {
        match s.name() {
            "static_rules" => count(s.lines()),
            "vrrp_instance" => {
                for r in s.block().into_iter().flat_map(|b| b.all("virtual_rules")) {
                    count(r.lines());
                }
            }
            _ => {}
        }
    }
    out
}

fn name_of(s: &Setting) -> Option<String> {
    s.arg(0).map(|a| a.text.to_string())
}

/// A vrrp_track_process's quorum and delays as keepalived reads them, in file order: a
/// `quorum` above the `quorum_max` read so far is ignored, and so is a `quorum_max` below the
/// quorum (unless 0, which is allowed with the default quorum and sets the quorum to 0);
/// `delay` sets both delays, `terminate_delay` and `fork_delay` one each.
struct ProcessSettings {
    quorum: u32,
    quorum_max: Option<u32>,
    terminate_delay_ms: u64,
    fork_delay_ms: u64,
}

fn process_settings(b: &Block) -> ProcessSettings {
    let mut out = ProcessSettings {
        quorum: 1,
        quorum_max: None,
        terminate_delay_ms: 0,
        fork_delay_ms: 0,
    };
    let uint = |s: &Setting| match s.args.first().map(|a| &a.value) {
        Some(Value::Uint(v)) => u32::try_from(*v).ok(),
        _ => None,
    };
    let ms = |s: &Setting| match s.args.first().map(|a| &a.value) {
        Some(Value::Micros(us)) => Some(us.saturating_add(500) / 1000),
        Some(Value::Uint(v)) => Some(v.saturating_mul(1000)),
        _ => None,
    };
    for s in b.settings.iter().filter(|s| !s.from_default) {
        match s.name() {
            "quorum" => {
                if let Some(q) = uint(s).filter(|q| *q <= out.quorum_max.unwrap_or(u32::MAX)) {
                    out.quorum = q;
                }
            }
            "quorum_max" => {
                let Some(m) = uint(s) else { continue };
                if (m != 0 || out.quorum > 1) && m < out.quorum {
                    continue;
                }
                out.quorum_max = Some(m);
                if m == 0 {
                    out.quorum = 0;
                } else if out.quorum == 0 {
                    out.quorum = 1;
                }
            }
            "delay" | "terminate_delay" | "fork_delay" => {
                let Some(d) = ms(s) else { continue };
                if s.name() != "fork_delay" {
                    out.terminate_delay_ms = d;
                }
                if s.name() != "terminate_delay" {
                    out.fork_delay_ms = d;
                }
            }
            _ => {}
        }
    }
    out
}

/// A `weight W [reverse]` setting.
fn weight_of(b: &Block) -> (i32, bool) {
    let w = b.int("weight").unwrap_or(0) as i32;
    let rev = b
        .get("weight")
        .is_some_and(|s| s.args.iter().any(|a| a.value == Value::Enum("reverse")));
    (w, rev)
}

fn family(f: VFamily) -> p::Family {
    match f {
        VFamily::V4 => p::Family::Ipv4,
        VFamily::V6 => p::Family::Ipv6,
    }
}

fn prefix(pf: &VPrefix) -> p::Prefix {
    match pf {
        VPrefix::Any => p::Prefix {
            address: None,
            prefix_len: 0,
        },
        VPrefix::Net { addr, len } => p::Prefix {
            address: Some(*addr),
            prefix_len: *len,
        },
    }
}

fn name_or_num(n: &NameOrNum) -> p::NameOrNumber {
    match n {
        NameOrNum::Num(v) => p::NameOrNumber::Number(*v),
        NameOrNum::Name(s) => p::NameOrNumber::Name(s.clone()),
    }
}

/// An `rtt`/`rttvar`/`rto_min` time as keepalived 2.2.7 installs it, in milliseconds: a
/// number without unit counts the kernel's units (1/8 ms, 1/4 ms, 1 ms), and the time is held
/// between 200 ms and 120 s.
fn rtt_time(name: &str, t: &str) -> String {
    let units_per_ms: f64 = match name {
        "rtt" => 8.0,
        "rttvar" => 4.0,
        _ => 1.0,
    };
    let lower = t.to_ascii_lowercase();
    let (num, ms) = if let Some(n) = lower
        .strip_suffix("msecs")
        .or(lower.strip_suffix("msec"))
        .or(lower.strip_suffix("ms"))
    {
        (n, Some(1.0))
    } else if let Some(n) = lower
        .strip_suffix("secs")
        .or(lower.strip_suffix("sec"))
        .or(lower.strip_suffix('s'))
    {
        (n, Some(1000.0))
    } else {
        (lower.as_str(), None)
    };
    let Ok(v) = num.parse::<f64>() else {
        return t.to_string();
    };
    let ms = match ms {
        Some(scale) => v * scale,
        None => v / units_per_ms,
    };
    let ms = ms.clamp(200.0, 120_000.0);
    format!("{ms}ms")
}

/// A route type as the plan spells it (`brd` is `broadcast`).
fn route_kind(k: &str) -> p::RouteKind {
    match k {
        "brd" => p::RouteKind::Broadcast,
        k => k.parse().unwrap_or_default(),
    }
}

/// Splits a command line the way keepalived does: white space separates words; single
/// quotes keep everything, double quotes keep everything but backslash escapes; a backslash
/// outside quotes escapes the next character.
pub fn split_command(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                cur.push(n);
                            }
                        }
                        _ => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            _ => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

impl<'a> Cx<'a> {
    fn new(parsed: &'a Parsed, ir: &'a Config) -> Cx<'a> {
        let global = &ir.global;
        let mut weights = HashMap::new();
        for (kind, kw) in [
            ("script", "vrrp_script"),
            ("file", "track_file"),
            ("file", "vrrp_track_file"),
            ("process", "vrrp_track_process"),
            ("bfd", "bfd_instance"),
        ] {
            for (s, b) in ir.root.blocks(kw) {
                if let Some(n) = name_of(s) {
                    weights.insert((kind, n), weight_of(b));
                }
            }
        }
        let (insts, effective) = crate::resolve::vrrp::resolve(parsed);
        let (groups, _) = crate::resolve::sync::groups(parsed, &insts);
        let masters = crate::resolve::sync::initial_masters(&insts, &effective, &groups);
        let vrrp = insts.into_iter().zip(effective).collect();
        let lvs_groups = lvs::groups(parsed);
        Cx {
            parsed,
            ir,
            global,
            weights,
            vrrp,
            groups,
            masters,
            lvs_groups,
            rule_prefs: rule_preferences(ir),
        }
    }

    fn origin(&self, span: Span) -> p::Origin {
        let file = self.parsed.sources.get(span.file);
        let (line, _) = file.line_col(span.start);
        p::Origin {
            file: file.path.display().to_string(),
            line: line as u32,
        }
    }

    /// Whether an object sends e-mail alerts: its own `smtp_alert`, else the global one for its
    /// side (`smtp_alert_vrrp` / `smtp_alert_checker`), else the global `smtp_alert`, else
    /// `default`.
    fn smtp_alert(&self, b: &Block, side: &str, default: bool) -> bool {
        let g = self.global;
        if b.has("smtp_alert") {
            b.flag("smtp_alert")
        } else if g.has(side) {
            g.flag(side)
        } else if g.has("smtp_alert") {
            g.flag("smtp_alert")
        } else {
            default
        }
    }

    fn script_user(&self) -> (Option<String>, Option<String>) {
        match self.global.get("script_user") {
            Some(s) => (name_of(s), s.arg(1).map(|a| a.text.to_string())),
            None => (None, None),
        }
    }

    /// A command from a setting `CMD [USER [GROUP]]`, unless keepalived disables it
    /// ([`crate::resolve::script`]).
    fn command(&self, s: &Setting, with_user: bool) -> Option<p::Command> {
        self.command_as_written(s, with_user).filter(runs)
    }

    /// A command from a setting `CMD [USER [GROUP]]` (or from its first argument only when
    /// `with_user` is false, for blocks that set `user` separately).
    fn command_as_written(&self, s: &Setting, with_user: bool) -> Option<p::Command> {
        let cmd = s.arg(0)?;
        let argv = split_command(&cmd.text);
        if argv.is_empty() {
            return None;
        }
        let (mut user, mut group) = (None, None);
        if with_user {
            user = s.arg(1).map(|a| a.text.to_string());
            group = s.arg(2).map(|a| a.text.to_string());
        }
        if user.is_none() {
            (user, group) = self.script_user();
        }
        Some(p::Command { argv, user, group })
    }

    /// A command with the block's own `user USER [GROUP]`.
    fn command_in(&self, s: &Setting, b: &Block) -> Option<p::Command> {
        let mut c = self.command_as_written(s, false)?;
        if let Some(u) = b.get("user") {
            c.user = name_of(u);
            c.group = u.arg(1).map(|a| a.text.to_string());
        }
        Some(c).filter(runs)
    }

    fn fifo(&self, name: &str, script: &str) -> Option<p::Fifo> {
        let g = self.global;
        let path = g.text(name)?.to_string();
        let line = g.get(name);
        let word = |k: usize| line.and_then(|s| s.arg(k)).map(|a| a.text.to_string());
        Some(p::Fifo {
            path,
            script: g.get(script).and_then(|s| self.command(s, true)),
            user: word(1),
            group: word(1).and(word(2)),
        })
    }

    fn global(&self) -> p::Global {
        let mut out = p::Global::default();
        let g = self.global;
        out.origin = self.ir.root.all("global_defs").next().map(|s| self.origin(s.site));
        out.router_id = g.text("router_id").map(str::to_string);
        (out.script_user, out.script_group) = self.script_user();
        out.enable_script_security = g.flag("enable_script_security");
        if let Some(v) = g.uint("vrrp_version").and_then(p::VrrpVersion::from_number) {
            out.vrrp_version = v;
        }
        out.vrrp_strict = g.flag("vrrp_strict");
        if let Some(IpAddr::V4(a)) = g.ip("vrrp_mcast_group4") {
            out.vrrp_mcast_group4 = a;
        }
        if let Some(IpAddr::V6(a)) = g.ip("vrrp_mcast_group6") {
            out.vrrp_mcast_group6 = a;
        }
        out.vrrp_check_unicast_src = g.flag("vrrp_check_unicast_src");
        out.vrrp_skip_check_adv_addr = g.flag("vrrp_skip_check_adv_addr");
        out.vrrp_garp_interval_ms = g.millis("vrrp_garp_interval").unwrap_or(0);
        out.vrrp_gna_interval_ms = g.millis("vrrp_gna_interval").unwrap_or(0);
        out.vrrp_startup_delay_ms = g.millis("vrrp_startup_delay").unwrap_or(0);
        out.notify_fifo = self.fifo("notify_fifo", "notify_fifo_script");
        out.no_email_faults = g.flag("no_email_faults");
        out.vrrp_notify_fifo = self.fifo("vrrp_notify_fifo", "vrrp_notify_fifo_script");
        out.lvs_notify_fifo = self.fifo("lvs_notify_fifo", "lvs_notify_fifo_script");
        if let Some(s) = g.get("lvs_timeouts") {
            let words: Vec<&str> = s.args.iter().map(|a| a.text.as_str()).collect();
            for pair in words.chunks(2) {
                let (Some(k), Some(v)) = (pair.first(), pair.get(1)) else {
                    break;
                };
                let ms = v.parse::<u64>().ok().map(|v| v * 1000);
                match *k {
                    "tcp" => out.lvs_timeout_tcp_ms = ms,
                    "tcpfin" => out.lvs_timeout_tcpfin_ms = ms,
                    "udp" => out.lvs_timeout_udp_ms = ms,
                    _ => {}
                }
            }
        }
        out.dynamic_interfaces = g.has("dynamic_interfaces");
        out.smtp = g.get("smtp_server").and_then(|s| {
            Some(p::Smtp {
                server: s.arg(0)?.text.to_string(),
                port: s.arg(1).and_then(|a| a.text.parse().ok()).unwrap_or(25),
                helo_name: g.text("smtp_helo_name").map(str::to_string),
                connect_timeout_ms: g.uint("smtp_connect_timeout").unwrap_or(30).max(1) * 1000,
                from: g.text("notification_email_from").map(str::to_string),
                to: g
                    .all("notification_email")
                    .flat_map(|s| s.lines())
                    .filter_map(|l| l.words.first().map(|(w, _)| w.clone()))
                    .collect(),
            })
        });
        out.lvs_sync_daemon = g.all("lvs_sync_daemon").next().and_then(lvs_sync_daemon);
        out.lvs_flush = g.has("lvs_flush");
        out.lvs_flush_on_stop = match g.get("lvs_flush_on_stop").or(g.get("lvs_flush_onstop")) {
            None => p::FlushOnStop::None,
            Some(s) if s.arg(0).is_some_and(|a| a.text == "VS") => p::FlushOnStop::Vs,
            Some(_) => p::FlushOnStop::All,
        };
        out
    }

    fn address(&self, l: &Line) -> Option<p::Address> {
        let Item::Address(a) = &l.item else {
            return None;
        };
        Some(p::Address {
            address: a.addr,
            prefix_len: a.prefix,
            dev: a.dev.as_ref().map(|d| d.value.clone()),
            scope: a.scope.as_ref().map(|s| s.value),
            broadcast: a.broadcast.as_ref().map(|b| match b.value {
                address::Broadcast::Addr(x) => p::Broadcast::Address(x),
                address::Broadcast::Plus => p::Broadcast::HostBitsSet,
                address::Broadcast::Minus => p::Broadcast::HostBitsClear,
            }),
            label: a.label.as_ref().map(|s| s.value.clone()),
            peer: a.peer.as_ref().map(|s| s.value),
            home: a.flags.home,
            nodad: a.flags.nodad,
            mngtmpaddr: a.flags.mngtmpaddr,
            noprefixroute: a.flags.noprefixroute,
            autojoin: a.flags.autojoin,
            no_track: a.no_track,
            // Unwritten, keepalived deprecates an IPv6 host address (preferred_lft 0).
            preferred_lft_ms: match a.preferred_lft.as_ref().map(|l| &l.value) {
                Some(address::Lifetime::Secs(s)) => Some(u64::from(*s) * 1000),
                Some(address::Lifetime::Forever) => None,
                None if a.addr.is_ipv6() && a.prefix == 128 => Some(0),
                None => None,
            },
            track_group: a.track_group.as_ref().map(|s| s.value.clone()),
            use_vmac: a.use_vmac,
            origin: self.origin(l.site),
        })
    }

    fn route(&self, l: &Line) -> Option<p::Route> {
        let Item::Route(r) = &l.item else {
            return None;
        };
        let r: &route::Route = r;
        Some(p::Route {
            family: family(r.family),
            kind: route_kind(r.kind.as_ref().map_or("unicast", |k| k.value)),
            dst: prefix(&r.dst.value),
            src: r.src.as_ref().map(|s| s.value),
            via: r.via.as_ref().map(|s| s.value),
            from: r.from.as_ref().map(|s| prefix(&s.value)),
            dev: r.dev.as_ref().map(|s| s.value.clone()),
            table: r.table.as_ref().map(|s| name_or_num(&s.value)),
            // keepalived sets 18 on every route it tracks (whatever was written) and installs
            // 18 when none is written.
            protocol: Some(match &r.protocol {
                Some(p) if r.no_track => name_or_num(&p.value),
                _ => p::NameOrNumber::Number(18),
            }),
            tos: r.tos.as_ref().map(|s| name_or_num(&s.value)),
            scope: r.scope.as_ref().map(|s| s.value),
            metric: r.metric.as_ref().map(|s| s.value),
            pref: r.pref.as_ref().map(|s| s.value),
            onlink: r.onlink,
            expires_ms: r.expires.as_ref().map(|s| u64::from(s.value) * 1000),
            metrics: r
                .metrics
                .iter()
                .map(|m| {
                    let v = match &m.value {
                        route::MetricValue::Num(n) => n.to_string(),
                        route::MetricValue::Time(t) => rtt_time(m.name, t),
                    };
                    if m.lock {
                        format!("lock {} {v}", m.name)
                    } else {
                        format!("{} {v}", m.name)
                    }
                })
                .collect(),
            encap: r
                .encap
                .as_ref()
                .map(|e| std::iter::once(e.kind.clone()).chain(e.args.iter().cloned()).collect())
                .unwrap_or_default(),
            nexthops: r
                .nexthops
                .iter()
                .map(|n| p::Nexthop {
                    via: n.via.as_ref().map(|s| s.value),
                    dev: n.dev.as_ref().map(|s| s.value.clone()),
                    weight: n.weight.as_ref().map(|s| s.value),
                    onlink: n.onlink,
                })
                .collect(),
            vrf: r.vrf.as_ref().map(|s| s.value.clone()),
            // keepalived cannot track a route without `dev`, and does not.
            no_track: r.no_track || r.dev.is_none(),
            track_group: r.track_group.as_ref().map(|s| s.value.clone()),
            mode: match r.installed {
                route::AddMode::Add => p::RouteMode::Add,
                route::AddMode::Append => p::RouteMode::Append,
                route::AddMode::Prepend => p::RouteMode::Prepend,
            },
            origin: self.origin(l.site),
        })
    }

    fn rule(&self, l: &Line) -> Option<p::Rule> {
        let Item::Rule(r) = &l.item else {
            return None;
        };
        let r: &rule::Rule = r;
        let (action, target) = match &r.action.value {
            rule::Action::Table(t) => (p::RuleAction::Table, Some(name_or_num(t))),
            rule::Action::Goto(n) => (p::RuleAction::Goto, Some(p::NameOrNumber::Number(u64::from(*n)))),
            rule::Action::Nop => (p::RuleAction::Nop, None),
            rule::Action::Blackhole => (p::RuleAction::Blackhole, None),
            rule::Action::Unreachable => (p::RuleAction::Unreachable, None),
            rule::Action::Prohibit => (p::RuleAction::Prohibit, None),
            rule::Action::L3mdev => (p::RuleAction::L3mdev, None),
        };
        Some(p::Rule {
            family: family(r.family),
            action,
            target,
            invert: r.invert,
            from: r.from.as_ref().map(|s| prefix(&s.value)),
            to: r.to.as_ref().map(|s| prefix(&s.value)),
            preference: r
                .preference
                .as_ref()
                .map(|s| s.value)
                .or_else(|| self.rule_prefs.get(&l.site).copied()),
            tos: r.tos.as_ref().map(|s| name_or_num(&s.value)),
            fwmark: r.fwmark.as_ref().map(|s| s.value.0),
            fwmask: r.fwmark.as_ref().and_then(|s| s.value.1),
            iif: r.iif.as_ref().map(|s| s.value.clone()),
            oif: r.oif.as_ref().map(|s| s.value.clone()),
            suppress_prefixlength: r.suppress_prefixlength.as_ref().map(|s| s.value),
            uid_range: r.uidrange.as_ref().map(|s| s.value),
            ipproto: r.ipproto.as_ref().map(|s| name_or_num(&s.value)),
            // keepalived sets 18 on every rule it tracks, whatever was written.
            protocol: if r.no_track {
                r.protocol.as_ref().map(|s| s.value)
            } else {
                Some(18)
            },
            sport: r.sport.as_ref().map(|s| s.value),
            dport: r.dport.as_ref().map(|s| s.value),
            no_track: r.no_track,
            track_group: r.track_group.as_ref().map(|s| s.value.clone()),
            origin: self.origin(l.site),
        })
    }

    /// `NAME|IFNAME [weight W [reverse|noreverse]]` lines.
    fn track_lines(&self, s: &Setting, kind: &'static str) -> Vec<(String, i32, bool, Span)> {
        let mut out: Vec<(String, i32, bool, Span)> = Vec::new();
        for l in s.lines() {
            let Item::Track(t) = &l.item else {
                continue;
            };
            if out.iter().any(|(n, ..)| *n == t.name) {
                continue; // keepalived drops duplicates
            }
            let (mut w, mut rev) = self.weights.get(&(kind, t.name.clone())).copied().unwrap_or((0, false));
            // A weight written on the line keeps the tracker's own `reverse` unless the line
            // says `noreverse`.
            if let Some(v) = t.weight {
                w = v;
            }
            if let Some(r) = t.reverse {
                rev = r;
            }
            out.push((t.name.clone(), w, rev, l.site));
        }
        out
    }

    fn tracking(&self, b: &Block) -> p::Tracking {
        let refs = |kw: &str, kind: &'static str| -> Vec<p::TrackRef> {
            b.all(kw)
                .flat_map(|s| self.track_lines(s, kind))
                .map(|(name, weight, reverse, span)| p::TrackRef {
                    name,
                    weight,
                    reverse,
                    origin: self.origin(span),
                })
                .collect()
        };
        p::Tracking {
            interfaces: b
                .all("track_interface")
                .flat_map(|s| self.track_lines(s, "interface"))
                .map(|(interface, weight, reverse, span)| p::TrackInterface {
                    interface,
                    weight,
                    reverse,
                    origin: self.origin(span),
                })
                .collect(),
            scripts: refs("track_script", "script"),
            files: refs("track_file", "file"),
            processes: refs("track_process", "process"),
            bfds: refs("track_bfd", "bfd"),
        }
    }

    /// `priority_changes` is `notify_priority_changes` when written, else `fallback`.
    fn notify(&self, b: &Block, fallback: bool) -> p::Notify {
        // keepalived keeps the first notify script of each kind.
        let first = |kw: &str| b.all(kw).next().and_then(|s| self.command(s, true));
        p::Notify {
            master: first("notify_master"),
            backup: first("notify_backup"),
            fault: first("notify_fault"),
            stop: first("notify_stop"),
            deleted: first("notify_deleted"),
            send_deleted: b.has("notify_deleted"),
            any: first("notify"),
            master_rx_lower_pri: first("notify_master_rx_lower_pri"),
            priority_changes: b.opt_flag("notify_priority_changes").unwrap_or(fallback),
        }
    }

    fn sync_groups(&self) -> Vec<p::SyncGroup> {
        let mut out: Vec<p::SyncGroup> = Vec::new();
        for (s, b) in self.ir.root.blocks("vrrp_sync_group") {
            let Some(name) = name_of(s) else {
                continue;
            };
            if out.iter().any(|g| g.name == name) {
                continue;
            }
            let Some(g) = self
                .groups
                .iter()
                .find(|g| g.node.words().first().map(|w| w.span()) == Some(s.name_span))
            else {
                continue;
            };
            let members: Vec<String> = g.members.iter().map(|m| m.text().to_string()).collect();
            if members.is_empty() {
                continue; // keepalived removes a group without members
            }
            out.push(p::SyncGroup {
                name,
                members,
                smtp_alert: self.smtp_alert(b, "smtp_alert_vrrp", false),
                track: self.tracking(b),
                notify: self.notify(b, false),
                tracking_weight: g.tracking_weight(),
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn instances(&self, groups: &[p::SyncGroup]) -> Vec<p::VrrpInstance> {
        let mut out: Vec<p::VrrpInstance> = Vec::new();
        // Looked up, not scanned: thousands of instances would make it quadratic.
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let by_span: HashMap<Span, usize> = self
            .vrrp
            .iter()
            .enumerate()
            .filter_map(|(at, (i, _))| Some((i.node.words().first()?.span(), at)))
            .collect();
        for (s, b) in self.ir.root.blocks("vrrp_instance") {
            let Some(name) = name_of(s) else {
                continue;
            };
            if seen.contains(&name) {
                continue;
            }
            let Some(&at) = by_span.get(&s.name_span) else {
                continue;
            };
            if let Some(mut i) = self.instance(name, s, b, &self.vrrp[at].1, groups) {
                // The sync groups decide the initial state last (resolve::sync).
                i.initial_state = if self.masters[at] {
                    p::State::Master
                } else {
                    p::State::Backup
                };
                seen.insert(i.name.clone());
                out.push(i);
            }
        }
        out
    }

    fn instance(
        &self,
        name: String,
        s: &Setting,
        b: &Block,
        eff: &crate::resolve::vrrp::Effective<'_>,
        groups: &[p::SyncGroup],
    ) -> Option<p::VrrpInstance> {
        let vrid = b.uint("virtual_router_id")? as u8;
        let strict = eff.strict.value;
        let v6 = eff.version.v6;
        let addresses = |kw: &str| -> Vec<p::Address> {
            b.all(kw)
                .flat_map(|s| s.lines())
                .filter_map(|l| self.address(l))
                .collect()
        };
        let mut vips = addresses("virtual_ipaddress");
        let mut evips = addresses("virtual_ipaddress_excluded");
        // keepalived treats an address on the instance's own interface as one with none
        // written: with a macvlan VMAC it goes on the VMAC (for the instance's family).
        let own = b.text("interface");
        for a in vips.iter_mut().chain(evips.iter_mut()) {
            if a.dev.is_some() && a.dev.as_deref() == own {
                a.dev = None;
            }
        }
        let peers: Vec<p::Peer> = b
            .all("unicast_peer")
            .flat_map(|s| s.lines())
            .filter_map(|l| match &l.item {
                Item::Peer(peer) => Some(p::Peer {
                    address: peer.address,
                    min_ttl: peer.min_ttl,
                    max_ttl: peer.max_ttl,
                    origin: self.origin(l.site),
                }),
                _ => None,
            })
            .collect();
        let src_ip = eff.src_ip.map(|d| d.value);
        let fam = if v6 { p::Family::Ipv6 } else { p::Family::Ipv4 };
        // keepalived drops virtual addresses of the other family; excluded ones it keeps.
        vips.retain(|a| a.address.is_ipv6() == v6);
        let version = eff.version.version;
        let priority = eff.priority.value;
        let state = if eff.master.value {
            p::State::Master
        } else {
            p::State::Backup
        };
        let authentication = eff.auth.as_ref().map(|a| p::Authentication {
            kind: if a.kind == "AH" {
                p::AuthKind::Ah
            } else {
                p::AuthKind::Pass
            },
            password: a.password.clone(),
        });
        let mcast_dst_ip = eff.mcast_dst.value;
        let vmac = eff.vmac.as_ref().map(|v| p::Vmac {
            kind: if v.ipvlan {
                p::VmacKind::Ipvlan
            } else {
                p::VmacKind::Macvlan
            },
            name: v.name.value.clone(),
            mac: v.mac.clone(),
            xmit_base: v.xmit_base.value,
        });
        let sync_group = groups.iter().find(|g| g.members.contains(&name)).cloned();
        let mut track = self.tracking(b);
        let interface = b.text("interface").map(str::to_string);
        // keepalived ignores tracking its own interface.
        track.interfaces.retain(|t| Some(&t.interface) != interface.as_ref());
        // Weights are ignored for the address owner and in a sync group without
        // sync_group_tracking_weight (resolve::track has the rule).
        use crate::resolve::track::{in_instance, instance_override, Adjusted, Kind};
        let why = instance_override(priority == 255, sync_group.as_ref().is_some_and(|g| !g.tracking_weight));
        track
            .interfaces
            .retain_mut(|t| match in_instance(Kind::Interface, t.weight, why) {
                Adjusted::Weight(w) => {
                    t.weight = w;
                    true
                }
                Adjusted::Dropped => false,
            });
        for (kind, list) in [
            (Kind::Script, &mut track.scripts),
            (Kind::File, &mut track.files),
            (Kind::Process, &mut track.processes),
            (Kind::Bfd, &mut track.bfds),
        ] {
            list.retain_mut(|t| match in_instance(kind, t.weight, why) {
                Adjusted::Weight(w) => {
                    t.weight = w;
                    true
                }
                Adjusted::Dropped => false,
            });
        }
        // IPv4 adverts get TTL 255 unless written; IPv6 ones keep the kernel's hop limit.
        // (Written without unicast peers, it is reset.)
        let unicast_ttl = match b.uint("unicast_ttl") {
            Some(t) if !peers.is_empty() => Some(t as u8),
            _ if v6 => None,
            _ => Some(255),
        };
        Some(p::VrrpInstance {
            name: name.clone(),
            smtp_alert: self.smtp_alert(b, "smtp_alert_vrrp", false),
            interface,
            virtual_router_id: vrid,
            version: p::VrrpVersion::from_number(u64::from(version)).unwrap_or_default(),
            family: fam,
            initial_state: state,
            priority,
            advert_int_ms: us_to_ms(eff.advert_int_us.value),
            preempt: eff.preempt.value,
            preempt_delay_ms: us_to_ms(eff.preempt_delay_us.value),
            accept: eff.accept.value,
            authentication,
            mcast_dst_ip,
            src_ip,
            unicast_fault_no_peer: b.flag("unicast_fault_no_peer"),
            check_unicast_src: eff.check_unicast_src.value,
            unicast_ttl,
            unicast_peers: peers,
            virtual_addresses: vips,
            excluded_addresses: evips,
            virtual_routes: b
                .all("virtual_routes")
                .flat_map(|s| s.lines())
                .filter_map(|l| self.route(l))
                .collect(),
            virtual_rules: b
                .all("virtual_rules")
                .flat_map(|s| s.lines())
                .filter_map(|l| self.rule(l))
                .collect(),
            track,
            dont_track_primary: b.flag("dont_track_primary"),
            // Unwritten, the sync group's notify_priority_changes, else the global one.
            notify: self.notify(b, {
                let group = groups.iter().find(|g| g.members.contains(&name)).and_then(|g| {
                    self.ir
                        .root
                        .blocks("vrrp_sync_group")
                        .find(|(s, _)| name_of(s).as_deref() == Some(g.name.as_str()))
                        .and_then(|(_, gb)| gb.opt_flag("notify_priority_changes"))
                });
                group.unwrap_or_else(|| self.global.flag("vrrp_notify_priority_changes"))
            }),
            garp: garp(&eff.garp),
            vmac,
            down_timer_adverts: eff.down_timer_adverts.value,
            lower_prio_no_advert: eff.lower_prio_no_advert.value,
            higher_prio_send_advert: eff.higher_prio_send_advert.value,
            skip_check_adv_addr: eff.skip_check_adv_addr.value,
            v3_checksum_as_v2: b.flag("v3_checksum_as_v2"),
            old_unicast_checksum: match eff.old_unicast_checksum.value {
                crate::resolve::vrrp::OldChecksum::Auto => p::OldUnicastChecksum::Auto,
                crate::resolve::vrrp::OldChecksum::Never => p::OldUnicastChecksum::Never,
                crate::resolve::vrrp::OldChecksum::Always => p::OldUnicastChecksum::Always,
            },
            strict,
            sync_group: sync_group.map(|g| g.name),
            origin: self.origin(s.site),
        })
    }

    fn vrrp_scripts(&self) -> Vec<p::VrrpScript> {
        let mut out: Vec<p::VrrpScript> = Vec::new();
        for (s, b) in self.ir.root.blocks("vrrp_script") {
            let Some(name) = name_of(s) else {
                continue;
            };
            let Some(command) = b.get("script").and_then(|c| self.command_in(c, b)) else {
                continue;
            };
            let interval_ms = b.millis("interval").unwrap_or(1000).max(1);
            let (weight, weight_reverse) = weight_of(b);
            out.retain(|o| o.name != name);
            out.push(p::VrrpScript {
                name,
                command,
                interval_ms,
                timeout_ms: b.millis("timeout").filter(|t| *t > 0).unwrap_or(interval_ms),
                weight,
                weight_reverse,
                rise: b.uint("rise").unwrap_or(1).max(1) as u32,
                fall: b.uint("fall").unwrap_or(1).max(1) as u32,
                init_fail: b.flag("init_fail"),
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn track_files(&self) -> Vec<p::TrackFile> {
        let mut out = Vec::new();
        // `vrrp_track_file` is the old spelling of the same block.
        let blocks = self
            .ir
            .root
            .settings
            .iter()
            .filter(|s| matches!(s.name(), "track_file" | "vrrp_track_file"))
            .filter_map(|s| s.block().map(|b| (s, b)));
        for (s, b) in blocks {
            let (Some(name), Some(file)) = (name_of(s), b.text("file")) else {
                continue;
            };
            let (weight, weight_reverse) = weight_of(b);
            let init = b.get("init_file");
            let init_words: Vec<&str> = init
                .map(|s| s.args.iter().map(|a| a.text.as_str()).collect())
                .unwrap_or_default();
            out.push(p::TrackFile {
                name,
                file: file.to_string(),
                weight,
                weight_reverse,
                init_value: init.map(|_| init_words.iter().find_map(|w| w.parse::<i64>().ok()).unwrap_or(0)),
                init_overwrite: init_words.contains(&"overwrite"),
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn track_processes(&self) -> Vec<p::TrackProcess> {
        let mut out = Vec::new();
        for (s, b) in self.ir.root.blocks("vrrp_track_process") {
            let Some(name) = name_of(s) else {
                continue;
            };
            let Some(process) = b.get("process") else {
                continue;
            };
            let (weight, weight_reverse) = weight_of(b);
            let process: Vec<String> = process.args.iter().map(|a| a.text.to_string()).collect();
            let param_match = match b.get("param_match") {
                Some(s) => Some(s.arg(0).map_or("exact".to_string(), |a| a.text.to_string())),
                None if process.len() > 1 => Some("exact".to_string()),
                None => None,
            };
            let t = process_settings(b);
            out.push(p::TrackProcess {
                name,
                // Parameters, or any param_match, make keepalived match the whole command line.
                full_command: b.flag("full_command") || process.len() > 1 || b.has("param_match"),
                process,
                param_match: param_match.and_then(|m| m.parse().ok()),
                weight,
                weight_reverse,
                quorum: t.quorum,
                quorum_max: t.quorum_max,
                delay_ms: b.millis("delay").unwrap_or(0),
                terminate_delay_ms: t.terminate_delay_ms,
                fork_delay_ms: t.fork_delay_ms,
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn bfd_instances(&self) -> Vec<p::BfdInstance> {
        let mut out = Vec::new();
        for (s, b) in self.ir.root.blocks("bfd_instance") {
            let Some(name) = name_of(s) else {
                continue;
            };
            let (weight, weight_reverse) = weight_of(b);
            // Milliseconds with up to six decimals, rounded half up to whole milliseconds.
            let ms = |k: &str, d: u64| {
                b.text(k)
                    .and_then(|t| crate::schema::value::parse_secs(t).ok())
                    .map_or(d, |u| u.saturating_add(500_000) / 1_000_000)
            };
            // `ttl` and `hoplimit` are one setting (the last written); by default 255 for IPv4,
            // 64 for IPv6. keepalived lowers max_hops to it.
            let ttl = b
                .settings
                .iter()
                .rev()
                .find(|s| matches!(s.name(), "ttl" | "hoplimit"))
                .and_then(|s| match s.args.first().map(|a| &a.value) {
                    Some(Value::Uint(v)) => u8::try_from(*v).ok(),
                    _ => None,
                });
            let neighbor_ip = b.ip("neighbor_ip").or_else(|| b.ip("neighbour_ip"));
            let sends_ttl = ttl.unwrap_or(if neighbor_ip.is_some_and(|a| a.is_ipv6()) {
                64
            } else {
                255
            });
            let max_hops = b
                .int("max_hops")
                .and_then(|v| u8::try_from(v).ok())
                .map(|v| v.min(sends_ttl));
            out.push(p::BfdInstance {
                name,
                neighbor_ip,
                source_ip: b.ip("source_ip"),
                min_rx_ms: ms("min_rx", 10),
                min_tx_ms: ms("min_tx", 10),
                idle_tx_ms: ms("idle_tx", 1000),
                multiplier: b.uint("multiplier").unwrap_or(5) as u32,
                passive: b.flag("passive"),
                multihop: b.flag("multihop"),
                ttl,
                max_hops,
                weight,
                weight_reverse,
                used_by: ["vrrp", "checker"]
                    .into_iter()
                    .filter(|k| b.has(k))
                    .filter_map(|k| k.parse().ok())
                    .collect(),
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn virtual_server_groups(&self) -> Vec<p::VirtualServerGroup> {
        let mut out = Vec::new();
        for s in self.ir.root.all("virtual_server_group") {
            // Only the groups keepalived keeps (crate::resolve::lvs::groups).
            if !self.lvs_groups.iter().any(|(_, _, at)| *at == s.name_span) {
                continue;
            }
            let Some(name) = name_of(s) else {
                continue;
            };
            let entries = s
                .lines()
                .iter()
                .filter_map(|l| {
                    let origin = self.origin(l.span);
                    Some(match l.item {
                        Item::Vsg(values::vsg::Entry::Fwmark { mark, family }) => p::VsgEntry {
                            address: None,
                            address_end: None,
                            port: None,
                            fwmark: Some(u32::try_from(mark).ok()?),
                            family: family.map(|v6| if v6 { p::Family::Ipv6 } else { p::Family::Ipv4 }),
                            origin,
                        },
                        Item::Vsg(values::vsg::Entry::Addrs { first, last, port }) => p::VsgEntry {
                            address: Some(first),
                            address_end: (last != first).then_some(last),
                            port: l.words.get(1).map(|_| port),
                            fwmark: None,
                            family: None,
                            origin,
                        },
                        _ => return None,
                    })
                })
                .collect();
            out.push(p::VirtualServerGroup {
                name,
                entries,
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn virtual_servers(&self, settings: Vec<Setting>) -> Vec<p::VirtualServer> {
        // Each virtual server is resolved, lowered and its resolution and IR dropped in
        // turn: for thousands of them, those are bigger than the plan.
        let mut blocks: HashMap<Span, (usize, Setting)> = settings
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s.name_span, (i, s)))
            .collect();
        let mut out = Vec::new();
        lvs::each_virtual_server(self.parsed, |vs| {
            // keepalived drops those the resolver does not resolve (crate::resolve::lvs).
            let Some(w) = vs.node.words().first() else { return };
            let Some((i, s)) = blocks.remove(&w.span()) else { return };
            let Some(b) = s.block() else { return };
            if let Some(v) = vs
                .effective(&self.lvs_groups, true)
                .and_then(|eff| self.virtual_server(&s, b, &eff))
            {
                out.push((i, v));
            }
        });
        out.sort_by_key(|(i, _)| *i);
        let mut vs: Vec<p::VirtualServer> = out.into_iter().map(|(_, v)| v).collect();
        vs.shrink_to_fit();
        vs
    }

    /// A virtual server: what [`crate::resolve::lvs`] resolved, with the commands and the
    /// checkers' own settings from the IR.
    fn virtual_server(&self, s: &Setting, b: &Block, eff: &lvs::VsEffective<'_>) -> Option<p::VirtualServer> {
        let key = match &eff.key {
            lvs::Key::Fwmark { mark } => p::ServiceKey::Fwmark {
                fwmark: *mark,
                family: match eff.family.map(|f| f.value) {
                    Some(VFamily::V6) => p::Family::Ipv6,
                    _ => p::Family::Ipv4,
                },
            },
            lvs::Key::Group { name } => p::ServiceKey::Group { name: name.clone() },
            lvs::Key::Addr { ip, port } => p::ServiceKey::Address {
                address: *ip,
                port: *port,
            },
        };
        let rs_blocks: HashMap<Span, (&Setting, &Block)> = b
            .blocks("real_server")
            .map(|(rs, rb)| (rs.name_span, (rs, rb)))
            .collect();
        let real_servers = eff
            .reals
            .iter()
            .filter_map(|r| {
                let (rs, rb) = rs_blocks.get(&r.node.words().first()?.span())?;
                Some(self.real_server(rs, Some(rb), r))
            })
            .collect();
        let sorry_server = eff.sorry.as_ref().and_then(|r| {
            let ss = b
                .all("sorry_server")
                .find(|x| Some(x.name_span) == r.node.words().first().map(|w| w.span()))?;
            Some(self.real_server(ss, None, r))
        });
        Some(p::VirtualServer {
            smtp_alert: self.smtp_alert(b, "smtp_alert_checker", false),
            key,
            protocol: eff.protocol.as_ref().and_then(|p| p.value.parse().ok()),
            scheduler: eff.scheduler.value.parse().unwrap_or_default(),
            scheduler_flags: eff.scheduler_flags.iter().filter_map(|f| f.parse().ok()).collect(),
            forwarding: forwarding(eff.forwarding.value),
            persistence_timeout_ms: eff.persistence_timeout_s.map(|d| u64::from(d.value) * 1000),
            persistence_granularity: eff.persistence_granularity.as_ref().map(|d| d.value.clone()),
            one_packet: eff.one_packet.value,
            delay_loop_ms: us_to_ms(eff.delay_loop_us.value),
            ha_suspend: eff.ha_suspend.value,
            alpha: eff.alpha.value,
            omega: eff.omega.value,
            quorum: eff.quorum.value,
            hysteresis: eff.hysteresis.value,
            quorum_up: b.get("quorum_up").and_then(|s| self.command(s, true)),
            quorum_down: b.get("quorum_down").and_then(|s| self.command(s, true)),
            inhibit_on_failure: eff.inhibit_on_failure.value,
            sorry_server,
            real_servers,
            origin: self.origin(s.site),
        })
    }

    /// A real server (with its block) or the sorry server (without).
    fn real_server(&self, s: &Setting, b: Option<&Block>, eff: &lvs::RsEffective<'_>) -> p::RealServer {
        let empty = Block::default();
        let rb = b.unwrap_or(&empty);
        // The checker settings of the block, and the host blocks of its SMTP_CHECKs, by the
        // span of their keyword.
        let mut checker_settings: HashMap<Span, (&Setting, &Block)> = HashMap::new();
        for c in &rb.settings {
            if let Some(cb) = c.block() {
                checker_settings.insert(c.name_span, (c, cb));
                for (hs, hb) in cb.blocks("host") {
                    checker_settings.insert(hs.name_span, (hs, hb));
                }
            }
        }
        let mut checkers = Vec::new();
        let mut base: Option<(&Setting, &Block)> = None;
        for c in &eff.checkers {
            let Some(&(cs, cb)) = c.node.words().first().and_then(|w| checker_settings.get(&w.span())) else {
                continue;
            };
            // A host block is read with its SMTP_CHECK's settings.
            let (ks, kb) = match (&c.host, base) {
                (Some(_), Some(parent)) => parent,
                _ => {
                    base = Some((cs, cb));
                    (cs, cb)
                }
            };
            if let Some(mut k) = self.checker(ks, kb, c) {
                if c.host.is_some() {
                    k.origin = self.origin(cs.site);
                    if let Some(conn) = k.kind.connection_mut() {
                        conn.connect_ip = cb.ip("connect_ip");
                        conn.bindto = cb.ip("bindto");
                        conn.bind_port = cb.uint("bind_port").map(|v| v as u16);
                        conn.bind_if = cb.text("bind_if").map(str::to_string);
                        conn.fwmark = cb.uint("fwmark").map(|v| v as u32);
                    }
                }
                checkers.push(k);
            }
        }
        // A grown Vec holds four checkers of room; most real servers have one.
        checkers.shrink_to_fit();
        p::RealServer {
            // Unlike every other object, a real server alerts unless told not to.
            smtp_alert: self.smtp_alert(rb, "smtp_alert_checker", true),
            address: eff.address,
            port: eff.port.value,
            weight: eff.weight.value,
            forwarding: forwarding(eff.forwarding.value),
            inhibit_on_failure: eff.inhibit_on_failure.value,
            upper_threshold: eff.upper_threshold.map(|d| d.value),
            lower_threshold: eff.lower_threshold.map(|d| d.value),
            notify_up: rb.get("notify_up").and_then(|s| self.command(s, true)),
            notify_down: rb.get("notify_down").and_then(|s| self.command(s, true)),
            checkers,
            origin: self.origin(s.site),
        }
    }

    /// A checker: its timing and connection as [`crate::resolve::lvs`] resolved them, its
    /// kind's own settings from its block.
    fn checker(&self, c: &Setting, cb: &Block, eff: &lvs::CheckerEffective<'_>) -> Option<p::Checker> {
        let kind = c.name();
        let connection = p::Connection {
            connect_ip: cb.ip("connect_ip"),
            connect_port: eff.connect_port.map(|d| d.value),
            bindto: cb.ip("bindto"),
            bind_port: cb.uint("bind_port").map(|v| v as u16),
            bind_if: cb.text("bind_if").map(str::to_string),
            fwmark: cb.uint("fwmark").map(|v| v as u32),
            connect_timeout_ms: us_to_ms(eff.connect_timeout_us.value),
        };
        let kind = match kind {
            "HTTP_GET" | "SSL_GET" => {
                let urls = cb
                    .blocks("url")
                    .filter_map(|(us, ub)| {
                        Some(p::Url {
                            path: ub.text("path")?.to_string(),
                            digest: ub.text("digest").map(|d| d.to_ascii_lowercase()),
                            status_codes: status_codes(ub),
                            virtualhost: ub.text("virtualhost").map(str::to_string),
                            regex: ub.text("regex").map(str::to_string),
                            regex_no_match: ub.flag("regex_no_match"),
                            origin: self.origin(us.site),
                        })
                    })
                    .collect();
                let http = p::HttpCheck {
                    connection,
                    urls,
                    virtualhost: eff.virtualhost.as_ref().map(|d| d.value.clone()),
                    http_protocol: match cb.text("http_protocol").unwrap_or("1.0") {
                        "1.0C" | "1.0c" => p::HttpProtocol::Http10Close,
                        v => v.parse().unwrap_or_default(),
                    },
                    fast_recovery: cb.flag("fast_recovery"),
                    enable_sni: cb.flag("enable_sni"),
                    sni_name: cb.text("sni_name").map(str::to_string),
                };
                if kind == "SSL_GET" {
                    p::CheckerKind::Ssl(http)
                } else {
                    p::CheckerKind::Http(http)
                }
            }
            "MISC_CHECK" => p::CheckerKind::Misc(p::MiscCheck {
                command: self.command_in(cb.get("misc_path")?, cb)?,
                timeout_ms: cb.uint("misc_timeout").map(|s| s * 1000),
                dynamic: cb.flag("misc_dynamic"),
            }),
            "DNS_CHECK" => p::CheckerKind::Dns(p::DnsCheck {
                connection,
                query_type: cb
                    .text("type")
                    .unwrap_or("SOA")
                    .to_ascii_uppercase()
                    .parse()
                    .unwrap_or_default(),
                name: cb.text("name").unwrap_or(".").to_string(),
            }),
            "SMTP_CHECK" => p::CheckerKind::Smtp {
                connection,
                helo_name: cb.text("helo_name").map(str::to_string),
            },
            "UDP_CHECK" => {
                let rr = cb.get("require_reply");
                p::CheckerKind::Udp(p::UdpCheck {
                    connection,
                    payload: cb.text("payload").map(str::to_string),
                    require_reply: rr.is_some(),
                    reply_pattern: rr.and_then(|s| s.arg(0)).map(|a| a.text.to_string()),
                    min_reply_length: cb.uint("min_reply_length").unwrap_or(0) as u32,
                    max_reply_length: cb.uint("max_reply_length").unwrap_or(255) as u32,
                })
            }
            "FILE_CHECK" => {
                let t = cb.get("track_file")?;
                let name = name_of(t)?;
                let (w, rev) = weight_of(cb);
                let (dw, drev) = self.weights.get(&("file", name.clone())).copied().unwrap_or((1, false));
                let (weight, reverse) = if cb.has("weight") { (w, rev) } else { (dw, drev) };
                p::CheckerKind::File(p::TrackRef {
                    name,
                    weight,
                    reverse,
                    origin: self.origin(t.site),
                })
            }
            "BFD_CHECK" => p::CheckerKind::Bfd {
                name: cb.text("name")?.to_string(),
            },
            "TCP_CHECK" => p::CheckerKind::Tcp { connection },
            "PING_CHECK" => p::CheckerKind::Ping { connection },
            _ => return None,
        };
        Some(p::Checker {
            retry: eff.retry.value,
            delay_before_retry_ms: us_to_ms(eff.delay_before_retry_us.value),
            delay_loop_ms: us_to_ms(eff.delay_loop_us.value),
            warmup_ms: eff.warmup_us.map(|d| us_to_ms(d.value)),
            alpha: eff.alpha.value,
            log_all_failures: cb.flag("log_all_failures"),
            kind,
            origin: self.origin(c.site),
        })
    }
}

/// The plan's forwarding method.
fn forwarding(f: lvs::Fwd) -> p::Forwarding {
    match f {
        lvs::Fwd::Nat => p::Forwarding::Nat,
        lvs::Fwd::Dr => p::Forwarding::Dr,
        lvs::Fwd::Tun => p::Forwarding::Tun,
    }
}

use crate::ir::us_to_ms;

/// `lvs_sync_daemon IFNAME [INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]` (the
/// instance and the id may also come third and fourth without their words, as keepalived
/// accepted them once).
fn lvs_sync_daemon(s: &Setting) -> Option<p::LvsSyncDaemon> {
    let words: Vec<&str> = s.args.iter().map(|a| a.text.as_str()).collect();
    let mut out = p::LvsSyncDaemon {
        interface: words.first()?.to_string(),
        instance: None,
        sync_id: None,
        max_len: None,
        port: None,
        ttl: None,
        group: None,
    };
    let mut i = 1;
    while i < words.len() {
        let value = words.get(i + 1).copied();
        match words[i] {
            "inst" => out.instance = out.instance.take().or(value.map(str::to_string)),
            "id" => out.sync_id = value.and_then(|v| v.parse().ok()),
            "maxlen" => out.max_len = value.and_then(|v| v.parse().ok()).filter(|v| (1..=65507).contains(v)),
            "port" => out.port = value.and_then(|v| v.parse().ok()).filter(|v| *v > 0),
            "ttl" => out.ttl = value.and_then(|v| v.parse().ok()).filter(|v| *v > 0),
            "group" => out.group = value.and_then(values::parse_ip).filter(|a: &IpAddr| a.is_multicast()),
            w if i == 1 => {
                out.instance = Some(w.to_string());
                i += 1;
                continue;
            }
            w if i == 2 => {
                out.sync_id = w.parse().ok();
                i += 1;
                continue;
            }
            _ => {}
        }
        i += 2;
    }
    Some(out)
}

/// The plan's garp timing from the resolved one.
fn garp(g: &crate::resolve::vrrp::Garp) -> p::Garp {
    let ms = us_to_ms;
    p::Garp {
        master_delay_ms: ms(g.master_delay_us.value),
        master_repeat: g.master_repeat.value,
        master_refresh_ms: ms(g.master_refresh_us.value),
        master_refresh_repeat: g.master_refresh_repeat.value,
        lower_prio_delay_ms: ms(g.lower_prio_delay_us.value),
        lower_prio_repeat: g.lower_prio_repeat.value,
    }
}

/// Whether keepalived keeps a command (it disables some when it loads them).
fn runs(c: &p::Command) -> bool {
    let program = c.argv.first().map_or("", String::as_str);
    crate::resolve::script::disabled(program, c.user.as_deref()).is_none()
}

/// `status_code` lines as ranges; 200-299 when none is written.
fn status_codes(ub: &Block) -> Vec<(u16, u16)> {
    let mut out = Vec::new();
    for s in ub.all("status_code").filter(|s| !s.from_default) {
        for a in &s.args {
            for part in a.text.split(',') {
                let (lo, hi) = part.split_once('-').unwrap_or((part, part));
                if let (Ok(lo), Ok(hi)) = (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
                    out.push((lo, hi));
                }
            }
        }
    }
    if out.is_empty() {
        out.push((200, 299));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_definition_of_a_name_is_left_out() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/duplicate-names.conf")).unwrap();
        let p = plan(&text);
        assert_eq!(p.track_files.len(), 1);
        assert_eq!(p.track_files[0].file, "/tmp/a");
        assert_eq!(p.track_processes.len(), 1);
        assert_eq!(p.track_processes[0].process, ["nginx"]);
        assert_eq!(p.bfd_instances.len(), 1);
        assert_eq!(p.bfd_instances[0].neighbor_ip, "10.0.0.9".parse().ok());
        assert_eq!(p.virtual_server_groups.len(), 1);
        assert_eq!(p.virtual_server_groups[0].entries[0].address, "10.0.0.50".parse().ok());
        assert_eq!(p.validate(), Ok(()), "names unique");
    }

    #[test]
    fn groups_as_keepalived_links_them() {
        let vs = |g: &str| {
            format!("virtual_server group {g} {{\n    protocol TCP\n    real_server 192.0.2.10 80 {{\n    }}\n}}\n")
        };
        // A mark of the other family: the virtual server is dropped, and its group with it.
        let p = plan(&format!(
            "virtual_server_group G {{\n    fwmark 5 inet6\n}}\n{}",
            vs("G")
        ));
        assert!(p.virtual_servers.is_empty() && p.virtual_server_groups.is_empty());
        // Both families, a mark of none: keepalived removes the group; a later one of the
        // name is the one used.
        let p = plan(&format!(
            "virtual_server_group G {{\n    10.0.0.1 80\n    fd00::1 80\n    fwmark 5\n}}\nvirtual_server_group G {{\n    fwmark 6 inet\n}}\n{}",
            vs("G")
        ));
        assert_eq!(p.virtual_servers.len(), 1);
        assert_eq!(p.virtual_server_groups.len(), 1);
        assert_eq!(p.virtual_server_groups[0].entries[0].fwmark, Some(6));
        assert_eq!(p.virtual_server_groups[0].entries[0].family, Some(p::Family::Ipv4));
        assert_eq!(p.validate(), Ok(()));
    }

    fn plan(text: &str) -> p::Plan {
        let parsed = vigil_grammar::parse_text("/t/keepalived.conf", text);
        let ir = crate::ir::build(&parsed);
        lower(
            &parsed,
            &ir,
            p::Source {
                file: "/t/keepalived.conf".into(),
                config_id: None,
            },
        )
    }

    /// What keepalived 2.2.7 installs (its `-d` dump): an untyped route is prepended, a typed
    /// one added; protocol 18 unless `no_track`; a route without `dev` is not tracked; a rule
    /// without preference gets one counting down from 16384 per family in file order, and
    /// protocol 18 unless `no_track`.
    #[test]
    fn rtt_times_as_keepalived_installs_them() {
        assert_eq!(rtt_time("rtt", "10ms"), "200ms");
        assert_eq!(rtt_time("rtt", "300ms"), "300ms");
        assert_eq!(rtt_time("rttvar", "2s"), "2000ms");
        assert_eq!(rtt_time("rtt", "1.5s"), "1500ms");
        assert_eq!(rtt_time("rto_min", "500s"), "120000ms");
        // No unit: the kernel's units (1/8 ms for rtt).
        assert_eq!(rtt_time("rtt", "2400"), "300ms");
        assert_eq!(rtt_time("rto_min", "250"), "250ms");
    }

    #[test]
    fn routes_and_rules_as_keepalived_installs_them() {
        let pl = plan(
            "static_routes {\n 10.6.0.0/24 dev eth0\n blackhole 10.7.0.0/24 no_track\n \
             10.8.0.0/24 dev eth0 no_track protocol 4\n blackhole 10.9.0.0/24 no_track prepend\n}\n\
             static_rules {\n from 10.5.0.0/24 table 100\n from fd00::/64 table 100\n \
             from 10.6.0.0/24 table 100 priority 7 no_track\n}\n\
             vrrp_instance VI {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 10.0.0.1\n }\n \
             virtual_rules {\n from 10.0.0.1 table 200 no_track protocol 4\n }\n}\n",
        );
        let r = &pl.static_routes;
        let modes: Vec<p::RouteMode> = r.iter().map(|r| r.mode).collect();
        use p::RouteMode::*;
        assert_eq!(modes, [Prepend, Add, Prepend, Prepend]);
        let n = |v: u64| Some(p::NameOrNumber::Number(v));
        let protos: Vec<_> = r.iter().map(|r| r.protocol.clone()).collect();
        assert_eq!(protos, [n(18), n(18), n(4), n(18)]);
        assert!(!r[0].no_track && r[1].no_track);
        let rules: Vec<(Option<u32>, Option<u8>)> = pl
            .static_rules
            .iter()
            .chain(&pl.vrrp_instances[0].virtual_rules)
            .map(|r| (r.preference, r.protocol))
            .collect();
        assert_eq!(
            rules,
            [
                (Some(16384), Some(18)),
                (Some(16384), Some(18)),
                (Some(7), None),
                (Some(16383), Some(4))
            ]
        );
    }

    #[test]
    fn trackers_as_keepalived_reads_them() {
        // Checked against keepalived 2.2.7's -d dump (VRRP Track processes, BFD Topology,
        // VRRP Track files) by the plan differential.
        let p = plan(
            "vrrp_track_process P {\n process sshd -D\n delay 2.5\n fork_delay 1\n quorum_max 0\n}\n\
             vrrp_track_process Q {\n process sshd\n param_match partial\n terminate_delay 3\n delay 4\n quorum 5\n quorum_max 3\n}\n\
             vrrp_track_process R {\n process sshd\n}\n\
             bfd_instance B {\n neighbor_ip fd00::9\n ttl 200\n hoplimit 10\n max_hops 50\n}\n\
             bfd_instance C {\n neighbor_ip 10.0.0.9\n max_hops 100\n}\n\
             track_file F {\n file /tmp/f\n}\ntrack_file UNUSED {\n file /tmp/u\n}\n\
             vrrp_instance A {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n 10.0.0.1/24\n }\n \
             track_process {\n P\n Q\n R\n }\n track_file {\n F\n }\n}\n",
        );
        let t = &p.track_processes;
        assert_eq!(
            (t[0].terminate_delay_ms, t[0].fork_delay_ms),
            (2500, 1000),
            "delay sets both, in order"
        );
        assert!(t[0].full_command, "parameters match the whole command line");
        assert_eq!(
            (t[0].quorum, t[0].quorum_max),
            (0, Some(0)),
            "quorum_max 0 zeroes the quorum"
        );
        assert_eq!((t[1].terminate_delay_ms, t[1].fork_delay_ms), (4000, 4000));
        assert!(t[1].full_command, "param_match sets full_command");
        assert_eq!(
            (t[1].quorum, t[1].quorum_max),
            (5, None),
            "a quorum_max below the quorum is ignored"
        );
        assert!(!t[2].full_command);
        let b = &p.bfd_instances;
        assert_eq!(
            (b[0].ttl, b[0].max_hops),
            (Some(10), Some(10)),
            "the last of ttl/hoplimit; max_hops lowered to it"
        );
        assert_eq!((b[1].ttl, b[1].max_hops), (None, Some(100)), "IPv4's TTL is 255");
        let names: Vec<&str> = p.track_files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["F"], "keepalived forgets a track_file nothing tracks");
    }

    #[test]
    fn commands_split_like_keepalived() {
        assert_eq!(
            split_command("/bin/check a  'b c' \"d \\\" e\" f\\ g"),
            ["/bin/check", "a", "b c", "d \" e", "f g"]
        );
        assert!(split_command("   ").is_empty());
    }

    #[test]
    fn instance_defaults_and_adjustments() {
        let p = plan(
            "vrrp_instance A {\n interface eth0\n state MASTER\n virtual_router_id 7\n nopreempt\n advert_int 1.6\n \
             virtual_ipaddress {\n 10.0.0.1/24\n }\n}\n",
        );
        let i = &p.vrrp_instances[0];
        assert_eq!(i.priority, 255, "MASTER without a priority is the owner");
        assert_eq!(i.initial_state, p::State::Master);
        assert!(i.preempt, "nopreempt is cleared with state MASTER");
        assert_eq!(i.advert_int_ms, 2000, "VRRPv2 rounds to whole seconds");
        assert_eq!(i.version, p::VrrpVersion::V2);
        assert_eq!(i.virtual_addresses[0].prefix_len, 24);
        assert_eq!(i.origin.line, 1);
        assert_eq!(i.virtual_addresses[0].origin.line, 8);
        assert_eq!(i.mcast_dst_ip.to_string(), "224.0.0.18");
    }

    #[test]
    fn v3_rounds_to_centiseconds_and_ipv6_means_v3() {
        let p = plan("vrrp_instance A {\n interface eth0\n virtual_router_id 7\n advert_int 0.123\n virtual_ipaddress {\n fe80::1\n }\n}\n");
        let i = &p.vrrp_instances[0];
        assert_eq!(i.version, p::VrrpVersion::V3);
        assert_eq!(i.family, p::Family::Ipv6);
        assert_eq!(i.advert_int_ms, 120);
        assert_eq!(i.priority, 100);
        assert_eq!(i.initial_state, p::State::Backup);
    }

    #[test]
    fn auth_truncated_and_tracking_weights() {
        let p = plan(
            "global_defs {\n script_user nobody\n}\nvrrp_script chk {\n script \"/bin/true x\"\n weight 10\n}\n\
             vrrp_script unused {\n script /bin/false\n}\n\
             vrrp_instance A {\n interface eth0\n virtual_router_id 7\n authentication {\n auth_type PASS\n auth_pass 0123456789\n }\n \
             track_script {\n chk\n }\n track_interface {\n eth0\n eth1 weight -5\n }\n}\n",
        );
        let i = &p.vrrp_instances[0];
        assert_eq!(i.authentication.as_ref().unwrap().password, "01234567");
        assert_eq!(i.track.scripts[0].weight, 10, "the script's own weight applies");
        assert_eq!(i.track.interfaces.len(), 1, "the own interface is not tracked");
        assert_eq!(i.track.interfaces[0].weight, -5);
        assert_eq!(p.vrrp_scripts.len(), 1, "untracked scripts are not run");
        assert_eq!(p.vrrp_scripts[0].command.argv, ["/bin/true", "x"]);
        assert_eq!(p.vrrp_scripts[0].command.user.as_deref(), Some("nobody"));
    }

    #[test]
    fn virtual_server_resolution() {
        let p = plan(
            "virtual_server 10.0.0.1 80 {\n lb_kind DR\n quorum 10\n hysteresis 20\n protocol tcp\n \
             real_server 10.0.1.1 8080 {\n weight 3\n TCP_CHECK {\n connect_timeout 2\n }\n }\n \
             real_server 10.0.1.1 8080 {\n }\n real_server 10.0.1.2 {\n HTTP_GET {\n url {\n path /\n status_code 200-204 301\n }\n }\n }\n}\n",
        );
        let v = &p.virtual_servers[0];
        assert_eq!(v.scheduler, p::Scheduler::Wlc);
        assert_eq!(v.forwarding, p::Forwarding::Dr);
        assert_eq!(v.protocol, Some(p::Protocol::Tcp));
        assert_eq!(v.real_servers.len(), 2, "the duplicate is dropped");
        assert_eq!(v.real_servers[0].port, 80, "DR real servers use the service port");
        assert_eq!(v.quorum, 4, "clamped to the total weight");
        assert_eq!(v.hysteresis, 3);
        let c = &v.real_servers[0].checkers[0];
        assert_eq!(
            (
                c.kind.keyword(),
                c.kind.connection().unwrap().connect_timeout_ms,
                c.delay_loop_ms,
                c.retry
            ),
            ("TCP_CHECK", 2000, 60_000, 1)
        );
        let p::CheckerKind::Http(h) = &v.real_servers[1].checkers[0].kind else {
            panic!("not an HTTP_GET: {:?}", v.real_servers[1].checkers[0].kind);
        };
        assert_eq!(h.urls[0].status_codes, [(200, 204), (301, 301)]);
    }

    #[test]
    fn sync_groups_ignore_member_weights() {
        let p = plan(
            "vrrp_sync_group G {\n group {\n A\n B\n }\n}\n\
             vrrp_instance A {\n interface eth0\n virtual_router_id 1\n track_interface {\n eth1 weight 5\n }\n}\n\
             vrrp_instance B {\n interface eth0\n virtual_router_id 2\n}\n",
        );
        assert_eq!(p.sync_groups[0].members, ["A", "B"]);
        let a = &p.vrrp_instances[0];
        assert_eq!(a.sync_group.as_deref(), Some("G"));
        assert_eq!(a.track.interfaces[0].weight, 0);
    }

    #[test]
    fn sync_group_members_start_backup_unless_all_are_owners() {
        let p = plan(
            "vrrp_sync_group G {\n group {\n A\n B\n }\n}\nvrrp_sync_group H {\n group {\n C\n D\n }\n}\n\
             vrrp_instance A {\n state MASTER\n priority 150\n nopreempt\n interface eth0\n virtual_router_id 1\n}\n\
             vrrp_instance B {\n state MASTER\n interface eth0\n virtual_router_id 2\n}\n\
             vrrp_instance C {\n state MASTER\n interface eth0\n virtual_router_id 3\n}\n\
             vrrp_instance D {\n state MASTER\n priority 255\n interface eth0\n virtual_router_id 4\n}\n",
        );
        let st: Vec<p::State> = p.vrrp_instances.iter().map(|i| i.initial_state).collect();
        assert_eq!(
            st,
            [p::State::Backup, p::State::Backup, p::State::Master, p::State::Master]
        );
        assert!(
            p.vrrp_instances[0].preempt,
            "nopreempt was cleared by state MASTER first"
        );
    }

    #[test]
    fn garp_timing_comes_from_global_defs_and_strict_turns_lower_prio_off() {
        let p = plan(
            "global_defs {\n vrrp_garp_master_delay 10\n vrrp_garp_master_repeat 3\n vrrp_down_timer_adverts 4\n}\n\
             vrrp_instance A {\n interface eth0\n virtual_router_id 1\n garp_master_delay 2\n}\n",
        );
        let g = &p.vrrp_instances[0].garp;
        assert_eq!((g.master_delay_ms, g.master_repeat), (2000, 3));
        // The global lower-priority burst defaults to the global master one, not the instance's.
        assert_eq!((g.lower_prio_delay_ms, g.lower_prio_repeat), (10_000, 3));
        assert_eq!(p.vrrp_instances[0].down_timer_adverts, 4);
        let p = plan(
            "global_defs {\n vrrp_strict\n}\nvrrp_instance A {\n interface eth0\n virtual_router_id 1\n priority 50\n \
             accept\n garp_lower_prio_delay 3\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n",
        );
        let i = &p.vrrp_instances[0];
        assert_eq!((i.garp.lower_prio_delay_ms, i.garp.lower_prio_repeat), (0, 0));
        assert!(!i.accept, "strict VRRPv2 drops a written accept of a non-owner");
    }

    #[test]
    fn tracker_weights_of_owners_and_sync_groups() {
        let p = plan(
            "vrrp_script s {\n script /bin/true\n weight -5 reverse\n}\n\
             track_file f1 {\n file /tmp/f1\n}\ntrack_file f3 {\n file /tmp/f3\n weight 3\n}\n\
             vrrp_sync_group G {\n group {\n A\n B\n }\n}\n\
             vrrp_instance A {\n interface eth0\n virtual_router_id 1\n track_file {\n f1\n f3\n }\n \
             track_script {\n s weight 0\n }\n}\n\
             vrrp_instance B {\n interface eth0\n virtual_router_id 2\n}\n\
             vrrp_instance O {\n state MASTER\n interface eth0\n virtual_router_id 3\n track_interface {\n eth1 weight 5\n eth2\n }\n}\n",
        );
        let a = &p.vrrp_instances[0];
        // A track_file of its default weight 1 stays, with weight 0; a weighted one goes.
        assert_eq!(a.track.files.len(), 1);
        assert_eq!((a.track.files[0].name.as_str(), a.track.files[0].weight), ("f1", 0));
        // A weight on the tracking line keeps the script's `reverse`.
        assert!(a.track.scripts[0].reverse);
        // The owner does not track a weighted interface at all.
        let o = &p.vrrp_instances[2];
        let ifs: Vec<&str> = o.track.interfaces.iter().map(|t| t.interface.as_str()).collect();
        assert_eq!(ifs, ["eth2"]);
    }

    #[test]
    fn real_and_sorry_server_ports_as_keepalived_fixes_them() {
        // Found by the plan differential (tests/plan_differential.rs), verified with keepalived -d.
        let p = plan(
            "virtual_server 10.0.0.1 80 {\n lb_kind NAT\n protocol TCP\n real_server 10.0.1.1 0 {\n PING_CHECK {\n }\n }\n}\n\
             virtual_server 10.0.0.2 443 {\n lb_kind DR\n protocol TCP\n sorry_server_lvs_method NAT\n sorry_server_inhibit\n \
             sorry_server 10.0.2.9 8080\n real_server 10.0.2.1 443 {\n }\n}\n\
             virtual_server 10.0.0.3 443 {\n lb_kind DR\n protocol TCP\n sorry_server 10.0.3.9 8080\n sorry_server_lvs_method NAT\n \
             real_server 10.0.3.1 443 {\n }\n}\n",
        );
        let v = &p.virtual_servers;
        assert_eq!(v[0].real_servers[0].port, 80, "NAT port 0 takes the service's port");
        assert_eq!(
            v[0].real_servers[0].checkers[0]
                .kind
                .connection()
                .and_then(|c| c.connect_port),
            Some(0),
            "PING_CHECK probes the written port"
        );
        let s = v[1].sorry_server.as_ref().unwrap();
        assert_eq!(
            (s.forwarding, s.port, s.inhibit_on_failure),
            (p::Forwarding::Dr, 443, false),
            "options before sorry_server are ignored"
        );
        let s = v[2].sorry_server.as_ref().unwrap();
        assert_eq!(
            (s.forwarding, s.port),
            (p::Forwarding::Nat, 8080),
            "a NAT sorry server keeps its port"
        );
    }

    #[test]
    fn virtual_server_keywords_read_in_order() {
        // Found by the plan differential, verified with keepalived -d.
        let p = plan(
            "virtual_server 10.0.0.1 80 {\n protocol TCP\n lvs_method TUN\n lb_kind DR\n lb_algo sh\n lvs_sched lc\n \
             real_server 10.0.1.1 80 {\n }\n}\n\
             virtual_server 10.0.0.2 80 {\n protocol TCP\n sh-port\n lb_algo sh\n sh-fallback\n real_server 10.0.1.1 80 {\n }\n}\n\
             virtual_server fwmark 3 {\n ops\n persistence_granularity 24\n real_server 10.0.1.1 80 {\n }\n}\n\
             virtual_server fd00::1 80 {\n protocol TCP\n persistence_granularity 255.255.255.0\n real_server fd00::2 80 {\n }\n}\n",
        );
        let v = &p.virtual_servers;
        assert_eq!(
            (v[0].forwarding, v[0].scheduler.as_str()),
            (p::Forwarding::Dr, "lc"),
            "the last one wins"
        );
        assert_eq!(
            v[1].scheduler_flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            ["sh-fallback"],
            "sh-port before lb_algo sh is ignored"
        );
        assert!(v[2].one_packet, "ops holds for a fwmark service");
        assert_eq!(
            v[2].persistence_granularity.as_deref(),
            Some("24"),
            "a fwmark service's `24` is an IPv6 prefix"
        );
        assert_eq!(v[3].persistence_granularity, None, "an address is no IPv6 granularity");
        assert_eq!(v[3].persistence_timeout_ms, None);
    }

    #[test]
    fn persistence_granularity_as_keepalived_reads_it() {
        let p = plan(
            "virtual_server 10.0.0.1 80 {\n protocol TCP\n persistence_granularity 24\n real_server 10.0.1.1 80 {\n }\n}\n\
             virtual_server 10.0.0.2 80 {\n protocol TCP\n persistence_granularity 255.255.255.0\n persistence_timeout 50\n real_server 10.0.1.1 80 {\n }\n}\n",
        );
        let v = &p.virtual_servers;
        assert_eq!(v[0].persistence_granularity.as_deref(), Some("0.0.0.24"));
        assert_eq!(
            v[0].persistence_timeout_ms,
            Some(360_000),
            "a granularity sets the default timeout"
        );
        assert_eq!(v[1].persistence_timeout_ms, Some(50_000));
    }

    #[test]
    fn checkers_probe_the_real_server_port_as_written() {
        let p = plan(
            "virtual_server 10.0.0.1 80 {\n lb_kind NAT\n protocol TCP\n \
             real_server 10.0.1.1 {\n TCP_CHECK {\n }\n MISC_CHECK {\n misc_path /bin/true\n }\n }\n \
             real_server 10.0.1.2 8080 {\n lvs_method DR\n TCP_CHECK {\n }\n }\n \
             real_server 10.0.1.3 80 {\n TCP_CHECK {\n }\n }\n}\n",
        );
        let rs = &p.virtual_servers[0].real_servers;
        // IPVS uses port 80 for all three, but keepalived's checker connects to port 0 when
        // none is written and to the written 8080 of the DR server.
        assert_eq!(rs.iter().map(|r| r.port).collect::<Vec<_>>(), [80, 80, 80]);
        let port = |c: &p::Checker| c.kind.connection().map(|c| c.connect_port);
        assert_eq!(port(&rs[0].checkers[0]), Some(Some(0)));
        assert_eq!(port(&rs[0].checkers[1]), None, "MISC_CHECK connects nowhere");
        assert_eq!(port(&rs[1].checkers[0]), Some(Some(8080)));
        assert_eq!(port(&rs[2].checkers[0]), Some(None));
    }

    #[test]
    fn smtp_host_blocks_are_checkers_of_their_own_with_no_timeout() {
        let p = plan(
            "virtual_server 10.0.0.1 25 {\n protocol TCP\n real_server 10.0.1.1 25 {\n SMTP_CHECK {\n \
             connect_timeout 10\n retry 2\n host {\n connect_ip 10.0.2.1\n }\n host {\n connect_ip 10.0.2.2\n \
             connect_port 587\n connect_timeout 3\n }\n }\n }\n}\n",
        );
        let c = &p.virtual_servers[0].real_servers[0].checkers;
        assert_eq!(c.len(), 3, "the SMTP_CHECK itself and one per host");
        assert_eq!(
            c.iter()
                .map(|c| (c.kind.connection().unwrap().connect_timeout_ms, c.retry))
                .collect::<Vec<_>>(),
            [(10_000, 2), (0, 2), (3000, 2)]
        );
        assert_eq!(c[1].kind.connection().unwrap().connect_ip, "10.0.2.1".parse().ok());
        assert_eq!(c[2].kind.connection().unwrap().connect_port, Some(587));
    }

    #[test]
    fn one_packet_scheduling_follows_the_default_protocol() {
        let p = plan("virtual_server 10.0.0.1 53 {\n ops\n real_server 10.0.1.1 53 {\n }\n}\n");
        let v = &p.virtual_servers[0];
        assert_eq!(v.protocol, Some(p::Protocol::Udp));
        assert!(v.one_packet);
    }

    #[test]
    fn instance_strict_mode_off_keeps_authentication_and_accept() {
        let p = plan(
            "global_defs {\n vrrp_strict\n}\nvrrp_instance A {\n strict_mode off\n interface eth0\n \
             virtual_router_id 1\n authentication {\n auth_type PASS\n auth_pass secret\n }\n \
             virtual_ipaddress {\n 192.0.2.1\n }\n}\n",
        );
        let i = &p.vrrp_instances[0];
        assert!(!i.strict);
        assert!(i.accept);
        assert_eq!(i.authentication.as_ref().map(|a| a.password.as_str()), Some("secret"));
    }

    #[test]
    fn version_2_before_an_ipv6_address_runs_vrrpv2() {
        let p = plan("vrrp_instance A {\n version 2\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n fe80::1\n }\n}\n");
        let i = &p.vrrp_instances[0];
        assert_eq!((i.version, i.family), (p::VrrpVersion::V2, p::Family::Ipv6));
    }

    #[test]
    fn bfd_intervals_take_decimal_milliseconds() {
        let p = plan("bfd_instance b {\n neighbor_ip 192.0.2.1\n min_rx 2.5\n min_tx 1.4\n}\n");
        let b = &p.bfd_instances[0];
        assert_eq!((b.min_rx_ms, b.min_tx_ms, b.idle_tx_ms), (3, 1, 1000));
    }

    #[test]
    fn mail_alerts_and_the_lvs_sync_daemon() {
        let p = plan(
            "global_defs {\n notification_email {\n ops@example.com\n noc@example.com\n }\n \
             notification_email_from ka@example.com\n smtp_server 192.0.2.25 587\n smtp_alert_vrrp\n \
             smtp_alert false\n lvs_sync_daemon eth1 A id 7 ttl 2\n lvs_flush\n lvs_flush_on_stop VS\n}\n\
             vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n 10.0.0.1\n }\n}\n\
             virtual_server 10.0.0.1 80 {\n protocol TCP\n real_server 10.0.1.1 80 {\n }\n \
             real_server 10.0.1.2 80 {\n smtp_alert true\n }\n}\n",
        );
        let g = &p.global;
        let smtp = g.smtp.as_ref().expect("an SMTP server is set");
        assert_eq!(
            (smtp.server.as_str(), smtp.port, smtp.connect_timeout_ms),
            ("192.0.2.25", 587, 30_000)
        );
        assert_eq!(smtp.to, ["ops@example.com", "noc@example.com"]);
        assert_eq!(smtp.from.as_deref(), Some("ka@example.com"));
        assert!(p.vrrp_instances[0].smtp_alert, "smtp_alert_vrrp overrides smtp_alert");
        let v = &p.virtual_servers[0];
        assert!(!v.smtp_alert);
        assert_eq!(
            v.real_servers.iter().map(|r| r.smtp_alert).collect::<Vec<_>>(),
            [false, true],
            "the global smtp_alert false applies to real servers that do not say"
        );
        let d = g.lvs_sync_daemon.as_ref().unwrap();
        assert_eq!(
            (d.interface.as_str(), d.instance.as_deref(), d.sync_id, d.ttl),
            ("eth1", Some("A"), Some(7), Some(2))
        );
        assert!(g.lvs_flush);
        assert_eq!(g.lvs_flush_on_stop, p::FlushOnStop::Vs);
        p.validate().expect("the plan validates");
    }
}
