//! Lowering: the typed IR ([`crate::ir`]) to the runtime's plan ([`vigil_plan::Plan`]).
//!
//! This is where keepalived's conditional defaults and load-time adjustments are applied, so
//! the plan says what keepalived would actually run: priority 255 for an initial MASTER
//! without a priority, VRRPv2 intervals rounded to seconds, nopreempt cleared where it cannot
//! work, ports of direct-routing real servers reset, quorum clamped, and so on. The checks
//! report each of those adjustments; lowering only applies them. Plain defaults come from the
//! keyword table through the IR.

use crate::ir::{Block, Config, Item, Line, Setting, Value};
use crate::values::{self, address, route, rule, Family as VFamily, NameOrNum, Prefix as VPrefix};
use std::collections::HashMap;
use std::net::IpAddr;
use vigil_grammar::{Parsed, Span};
use vigil_plan as p;

/// Builds the plan of a configuration (which should have no errors: the caller refuses to
/// write a plan otherwise).
pub fn lower(parsed: &Parsed, ir: &Config, source: p::Source) -> p::Plan {
    let cx = Cx::new(parsed, ir);
    let mut plan = p::Plan::empty(source);
    plan.global = cx.global();
    for s in ir.root.all("static_ipaddress") {
        plan.static_addresses
            .extend(s.lines().iter().filter_map(|l| cx.address(l)));
    }
    for s in ir.root.all("static_routes") {
        plan.static_routes.extend(s.lines().iter().filter_map(|l| cx.route(l)));
    }
    for s in ir.root.all("static_rules") {
        plan.static_rules.extend(s.lines().iter().filter_map(|l| cx.rule(l)));
    }
    plan.sync_groups = cx.sync_groups();
    plan.vrrp_instances = cx.instances(&plan.sync_groups);
    let tracked = |kind: fn(&p::Tracking) -> &Vec<p::TrackRef>, name: &str| {
        plan.vrrp_instances
            .iter()
            .any(|i| kind(&i.track).iter().any(|t| t.name == name))
            || plan
                .sync_groups
                .iter()
                .any(|g| kind(&g.track).iter().any(|t| t.name == name))
    };
    plan.vrrp_scripts = cx
        .vrrp_scripts()
        .into_iter()
        .filter(|s| tracked(|t| &t.scripts, &s.name))
        .collect();
    plan.track_files = cx.track_files();
    plan.track_processes = cx.track_processes();
    plan.bfd_instances = cx.bfd_instances();
    plan.virtual_servers = cx.virtual_servers();
    let used: Vec<String> = plan
        .virtual_servers
        .iter()
        .filter_map(|v| match &v.key {
            p::ServiceKey::Group { name } => Some(name.clone()),
            _ => None,
        })
        .collect();
    plan.virtual_server_groups = cx
        .virtual_server_groups()
        .into_iter()
        .filter(|g| used.contains(&g.name))
        .collect();
    plan
}

struct Cx<'a> {
    parsed: &'a Parsed,
    ir: &'a Config,
    /// The merged global_defs, table defaults included.
    global: &'a Block,
    /// Default weights of the trackers, by kind and name.
    weights: HashMap<(&'static str, String), (i32, bool)>,
}

fn name_of(s: &Setting) -> Option<String> {
    s.arg(0).map(|a| a.text.clone())
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
            ("process", "vrrp_track_process"),
            ("bfd", "bfd_instance"),
        ] {
            for (s, b) in ir.root.blocks(kw) {
                if let Some(n) = name_of(s) {
                    weights.insert((kind, n), weight_of(b));
                }
            }
        }
        Cx {
            parsed,
            ir,
            global,
            weights,
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

    fn g_flag(&self, name: &str) -> bool {
        self.global.flag(name)
    }

    fn script_user(&self) -> (Option<String>, Option<String>) {
        match self.global.get("script_user") {
            Some(s) => (name_of(s), s.arg(1).map(|a| a.text.clone())),
            None => (None, None),
        }
    }

    /// A command from a setting `CMD [USER [GROUP]]` (or from its first argument only when
    /// `with_user` is false, for blocks that set `user` separately).
    fn command(&self, s: &Setting, with_user: bool) -> Option<p::Command> {
        let cmd = s.arg(0)?;
        let argv = split_command(&cmd.text);
        if argv.is_empty() {
            return None;
        }
        let (mut user, mut group) = (None, None);
        if with_user {
            user = s.arg(1).map(|a| a.text.clone());
            group = s.arg(2).map(|a| a.text.clone());
        }
        if user.is_none() {
            (user, group) = self.script_user();
        }
        Some(p::Command { argv, user, group })
    }

    /// A command with the block's own `user USER [GROUP]`.
    fn command_in(&self, s: &Setting, b: &Block) -> Option<p::Command> {
        let mut c = self.command(s, false)?;
        if let Some(u) = b.get("user") {
            c.user = name_of(u);
            c.group = u.arg(1).map(|a| a.text.clone());
        }
        Some(c)
    }

    fn fifo(&self, name: &str, script: &str) -> Option<p::Fifo> {
        let g = self.global;
        let path = g.text(name)?.to_string();
        Some(p::Fifo {
            path,
            script: g.get(script).and_then(|s| self.command(s, true)),
        })
    }

    fn global(&self) -> p::Global {
        let mut out = p::Global::default();
        let g = self.global;
        out.origin = self.ir.root.all("global_defs").next().map(|s| self.origin(s.site));
        out.router_id = g.text("router_id").map(str::to_string);
        (out.script_user, out.script_group) = self.script_user();
        out.enable_script_security = g.flag("enable_script_security");
        if let Some(v) = g.uint("vrrp_version") {
            out.vrrp_version = v as u8;
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
            preferred_lft_secs: a.preferred_lft.as_ref().and_then(|l| match l.value {
                address::Lifetime::Secs(s) => Some(s),
                address::Lifetime::Forever => None,
            }),
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
            kind: r.kind.as_ref().map_or("unicast", |k| k.value).to_string(),
            dst: prefix(&r.dst.value),
            src: r.src.as_ref().map(|s| s.value),
            via: r.via.as_ref().map(|s| s.value),
            from: r.from.as_ref().map(|s| prefix(&s.value)),
            dev: r.dev.as_ref().map(|s| s.value.clone()),
            table: r.table.as_ref().map(|s| name_or_num(&s.value)),
            protocol: r.protocol.as_ref().map(|s| name_or_num(&s.value)),
            tos: r.tos.as_ref().map(|s| name_or_num(&s.value)),
            scope: r.scope.as_ref().map(|s| s.value),
            metric: r.metric.as_ref().map(|s| s.value),
            pref: r.pref.as_ref().map(|s| s.value),
            onlink: r.onlink,
            expires_secs: r.expires.as_ref().map(|s| s.value),
            metrics: r
                .metrics
                .iter()
                .map(|m| {
                    let v = match &m.value {
                        route::MetricValue::Num(n) => n.to_string(),
                        route::MetricValue::Time(t) => t.clone(),
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
            no_track: r.no_track,
            track_group: r.track_group.as_ref().map(|s| s.value.clone()),
            mode: match r.mode.as_ref().map(|m| m.value) {
                None | Some(route::AddMode::Add) => "add",
                Some(route::AddMode::Append) => "append",
                Some(route::AddMode::Prepend) => "prepend",
            }
            .to_string(),
            origin: self.origin(l.site),
        })
    }

    fn rule(&self, l: &Line) -> Option<p::Rule> {
        let Item::Rule(r) = &l.item else {
            return None;
        };
        let r: &rule::Rule = r;
        let (action, target) = match &r.action.value {
            rule::Action::Table(t) => ("table", Some(name_or_num(t))),
            rule::Action::Goto(n) => ("goto", Some(p::NameOrNumber::Number(u64::from(*n)))),
            rule::Action::Nop => ("nop", None),
            rule::Action::Blackhole => ("blackhole", None),
            rule::Action::Unreachable => ("unreachable", None),
            rule::Action::Prohibit => ("prohibit", None),
            rule::Action::L3mdev => ("l3mdev", None),
        };
        Some(p::Rule {
            family: family(r.family),
            action: action.to_string(),
            target,
            invert: r.invert,
            from: r.from.as_ref().map(|s| prefix(&s.value)),
            to: r.to.as_ref().map(|s| prefix(&s.value)),
            preference: r.preference.as_ref().map(|s| s.value),
            tos: r.tos.as_ref().map(|s| name_or_num(&s.value)),
            fwmark: r.fwmark.as_ref().map(|s| s.value.0),
            fwmask: r.fwmark.as_ref().and_then(|s| s.value.1),
            iif: r.iif.as_ref().map(|s| s.value.clone()),
            oif: r.oif.as_ref().map(|s| s.value.clone()),
            suppress_prefixlength: r.suppress_prefixlength.as_ref().map(|s| s.value),
            uid_range: r.uidrange.as_ref().map(|s| s.value),
            ipproto: r.ipproto.as_ref().map(|s| name_or_num(&s.value)),
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
            let words: Vec<&str> = l.words.iter().map(|(t, _)| t.as_str()).collect();
            let Some(name) = words.first() else {
                continue;
            };
            if out.iter().any(|(n, ..)| n == name) {
                continue; // keepalived drops duplicates
            }
            let (mut w, mut rev) = self
                .weights
                .get(&(kind, name.to_string()))
                .copied()
                .unwrap_or((0, false));
            if let Some(i) = words.iter().position(|w| *w == "weight") {
                // A weight written on the line keeps the tracker's own `reverse` unless the line
                // says `noreverse`.
                if let Some(v) = words.get(i + 1).and_then(|v| v.parse::<i32>().ok()) {
                    w = v;
                }
                match words.get(i + 2) {
                    Some(&"reverse") => rev = true,
                    Some(&"noreverse") => rev = false,
                    _ => {}
                }
            }
            out.push((name.to_string(), w, rev, l.site));
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

    fn notify(&self, b: &Block) -> p::Notify {
        // keepalived keeps the first notify script of each kind.
        let first = |kw: &str| b.all(kw).next().and_then(|s| self.command(s, true));
        p::Notify {
            master: first("notify_master"),
            backup: first("notify_backup"),
            fault: first("notify_fault"),
            stop: first("notify_stop"),
            deleted: first("notify_deleted"),
            any: first("notify"),
            master_rx_lower_pri: first("notify_master_rx_lower_pri"),
            priority_changes: b.flag("notify_priority_changes"),
        }
    }

    fn sync_groups(&self) -> Vec<p::SyncGroup> {
        let mut out: Vec<p::SyncGroup> = Vec::new();
        let instances: Vec<String> = self.ir.root.all("vrrp_instance").filter_map(name_of).collect();
        for (s, b) in self.ir.root.blocks("vrrp_sync_group") {
            let Some(name) = name_of(s) else {
                continue;
            };
            if out.iter().any(|g| g.name == name) {
                continue;
            }
            let mut members = Vec::new();
            for l in b.all("group").flat_map(|g| g.lines()) {
                for (m, _) in &l.words {
                    let taken = out.iter().any(|g| g.members.contains(m));
                    if instances.contains(m) && !taken && !members.contains(m) {
                        members.push(m.clone());
                    }
                }
            }
            if members.is_empty() {
                continue; // keepalived removes a group without members
            }
            out.push(p::SyncGroup {
                name,
                members,
                track: self.tracking(b),
                notify: self.notify(b),
                tracking_weight: b.flag("sync_group_tracking_weight") || b.flag("global_tracking"),
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn instances(&self, groups: &[p::SyncGroup]) -> Vec<p::VrrpInstance> {
        let mut out: Vec<p::VrrpInstance> = Vec::new();
        for (s, b) in self.ir.root.blocks("vrrp_instance") {
            let Some(name) = name_of(s) else {
                continue;
            };
            if out.iter().any(|i| i.name == name) {
                continue;
            }
            if let Some(i) = self.instance(name, s, b, groups) {
                out.push(i);
            }
        }
        // A sync group starts as MASTER only when every member is an address owner starting
        // as MASTER; otherwise all its members start as BACKUP (after the per-instance
        // adjustments, so a member's nopreempt is still cleared by its `state MASTER`).
        for g in groups {
            let members = || out.iter().filter(|i| g.members.contains(&i.name));
            let all_owners = members().all(|i| i.priority == 255 && i.initial_state == p::State::Master);
            if !all_owners {
                for i in out.iter_mut().filter(|i| g.members.contains(&i.name)) {
                    i.initial_state = p::State::Backup;
                }
            }
        }
        out
    }

    fn instance(&self, name: String, s: &Setting, b: &Block, groups: &[p::SyncGroup]) -> Option<p::VrrpInstance> {
        let vrid = b.uint("virtual_router_id")? as u8;
        let strict = self.g_flag("vrrp_strict") || b.flag("strict_mode");
        let addresses = |kw: &str| -> Vec<p::Address> {
            b.all(kw)
                .flat_map(|s| s.lines())
                .filter_map(|l| self.address(l))
                .collect()
        };
        let mut vips = addresses("virtual_ipaddress");
        let mut evips = addresses("virtual_ipaddress_excluded");
        let peers: Vec<p::Peer> = b
            .all("unicast_peer")
            .flat_map(|s| s.lines())
            .filter_map(|l| {
                let words: Vec<&str> = l.words.iter().map(|(t, _)| t.as_str()).collect();
                let address = values::parse_ip(words.first()?)?;
                let opt = |k: &str| {
                    let i = words.iter().position(|w| *w == k)?;
                    words.get(i + 1)?.parse::<u8>().ok()
                };
                Some(p::Peer {
                    address,
                    min_ttl: opt("min_ttl"),
                    max_ttl: opt("max_ttl"),
                    origin: self.origin(l.site),
                })
            })
            .collect();
        let src_ip = b.ip("unicast_src_ip").or_else(|| b.ip("mcast_src_ip"));
        // The family: the first address written, else native_ipv6, else IPv4.
        let v6 = b
            .settings
            .iter()
            .find_map(|s| match s.name() {
                "native_ipv6" => Some(true),
                "virtual_ipaddress" => s.lines().iter().find_map(|l| match &l.item {
                    Item::Address(a) => Some(a.addr.is_ipv6()),
                    _ => None,
                }),
                "unicast_peer" => s
                    .lines()
                    .iter()
                    .find_map(|l| values::parse_ip(&l.words.first()?.0).map(|a| a.is_ipv6())),
                "unicast_src_ip" | "mcast_src_ip" => match s.arg(0).map(|a| &a.value) {
                    Some(Value::Ip(a)) => Some(a.is_ipv6()),
                    _ => None,
                },
                _ => None,
            })
            .unwrap_or(false);
        let fam = if v6 { p::Family::Ipv6 } else { p::Family::Ipv4 };
        // keepalived drops addresses of the other family.
        vips.retain(|a| a.address.is_ipv6() == v6);
        evips.retain(|a| a.address.is_ipv6() == v6);
        let version = match b.uint("version") {
            Some(2) if v6 => 3,
            Some(v) => v as u8,
            None if v6 => 3,
            None => self.global.uint("vrrp_version").unwrap_or(2) as u8,
        };
        let written_state = b.text("state");
        let mut priority = if b.has("priority") {
            b.uint("priority").unwrap_or(100) as u8
        } else if written_state == Some("MASTER") {
            255
        } else {
            100
        };
        if priority == 0 {
            priority = 100;
        }
        let mut state = match written_state {
            Some("MASTER") => p::State::Master,
            Some(_) => p::State::Backup,
            None if priority == 255 => p::State::Master,
            None => p::State::Backup,
        };
        if strict && (state == p::State::Master) != (priority == 255) {
            state = if priority == 255 {
                p::State::Master
            } else {
                p::State::Backup
            };
        }
        let mut preempt = !b.flag("nopreempt");
        if priority == 255 || state == p::State::Master {
            preempt = true;
        }
        let mut preempt_delay_ms = b.millis("preempt_delay").unwrap_or(0);
        if state == p::State::Master || strict || !preempt {
            preempt_delay_ms = 0;
        }
        let adv_us = b.micros("advert_int").unwrap_or(1_000_000);
        let advert_int_ms = if version == 2 {
            let secs = adv_us.saturating_add(500_000) / 1_000_000;
            secs.clamp(1, 255) * 1000
        } else {
            let cs = adv_us.saturating_add(5_000) / 10_000;
            cs.clamp(1, 4095) * 10
        };
        let mut accept = if b.has("accept") {
            true
        } else if b.has("no_accept") {
            false
        } else {
            priority == 255 || !strict
        };
        // RFC 3768 has no accept mode: strict VRRPv2 drops it for non-owners, even when written.
        if accept && strict && version == 2 && priority != 255 {
            accept = false;
        }
        let authentication = b
            .blocks("authentication")
            .last()
            .and_then(|(_, a)| {
                let kind = a.text("auth_type")?.to_string();
                let pass = a.text("auth_pass")?;
                let password: String = pass
                    .chars()
                    .scan(0usize, |n, c| {
                        *n += c.len_utf8();
                        (*n <= 8).then_some(c)
                    })
                    .collect();
                Some(p::Authentication { kind, password })
            })
            .filter(|a| version == 2 && !strict && !(a.kind == "AH" && v6));
        let mcast_dst_ip = b.ip("mcast_dst_ip").unwrap_or(if v6 {
            IpAddr::V6(
                self.global
                    .ip("vrrp_mcast_group6")
                    .and_then(|a| match a {
                        IpAddr::V6(a) => Some(a),
                        _ => None,
                    })
                    .unwrap_or(p::Global::default().vrrp_mcast_group6),
            )
        } else {
            IpAddr::V4(
                self.global
                    .ip("vrrp_mcast_group4")
                    .and_then(|a| match a {
                        IpAddr::V4(a) => Some(a),
                        _ => None,
                    })
                    .unwrap_or(p::Global::default().vrrp_mcast_group4),
            )
        });
        let vmac = b
            .get("use_vmac")
            .map(|s| (s, "macvlan"))
            .or(b.get("use_ipvlan").map(|s| (s, "ipvlan")));
        let vmac = vmac.map(|(s, kind)| {
            let mut name = None;
            let mut mac = None;
            for a in &s.args {
                if a.text.matches(':').count() == 5 {
                    mac = Some(a.text.to_ascii_lowercase());
                } else if name.is_none() {
                    name = Some(a.text.clone());
                }
            }
            p::Vmac {
                kind: kind.to_string(),
                name: name.unwrap_or_else(|| format!("vrrp.{vrid}")),
                mac: if kind == "macvlan" { mac } else { None },
                xmit_base: b.flag("vmac_xmit_base"),
            }
        });
        let sync_group = groups.iter().find(|g| g.members.contains(&name)).cloned();
        let mut track = self.tracking(b);
        let interface = b.text("interface").map(str::to_string);
        // keepalived ignores tracking its own interface.
        track.interfaces.retain(|t| Some(&t.interface) != interface.as_ref());
        // Weights are ignored for the address owner and in a sync group without
        // sync_group_tracking_weight: a weighted interface is tracked with weight 0 in a sync
        // group and not at all by the owner; a track_file of weight 1 (its default) is tracked
        // with weight 0; other weighted trackers are dropped.
        let owner = priority == 255;
        if owner || sync_group.as_ref().is_some_and(|g| !g.tracking_weight) {
            if owner {
                track.interfaces.retain(|t| t.weight == 0);
            }
            for t in &mut track.interfaces {
                t.weight = 0;
            }
            for t in &mut track.files {
                if t.weight == 1 && !t.reverse {
                    t.weight = 0;
                }
            }
            for list in [
                &mut track.scripts,
                &mut track.files,
                &mut track.processes,
                &mut track.bfds,
            ] {
                list.retain(|t| t.weight == 0);
            }
        }
        let g_bool = |inst: &str, global: &str| b.flag(inst) || self.g_flag(global);
        let unicast_ttl = b.uint("unicast_ttl").unwrap_or(255) as u8;
        Some(p::VrrpInstance {
            name: name.clone(),
            interface,
            virtual_router_id: vrid,
            version,
            family: fam,
            initial_state: state,
            priority,
            advert_int_ms,
            preempt,
            preempt_delay_ms,
            accept,
            authentication,
            mcast_dst_ip,
            src_ip,
            unicast_fault_no_peer: b.flag("unicast_fault_no_peer"),
            check_unicast_src: g_bool("check_unicast_src", "vrrp_check_unicast_src"),
            unicast_ttl: if peers.is_empty() { 255 } else { unicast_ttl },
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
            notify: self.notify(b),
            garp: self.garp(b, strict),
            vmac,
            down_timer_adverts: if strict {
                3
            } else {
                b.uint("down_timer_adverts")
                    .or(self.global.uint("vrrp_down_timer_adverts"))
                    .unwrap_or(3) as u32
            },
            lower_prio_no_advert: strict || g_bool("lower_prio_no_advert", "vrrp_lower_prio_no_advert"),
            higher_prio_send_advert: !strict && g_bool("higher_prio_send_advert", "vrrp_higher_prio_send_advert"),
            skip_check_adv_addr: g_bool("skip_check_adv_addr", "vrrp_skip_check_adv_addr"),
            v3_checksum_as_v2: b.flag("v3_checksum_as_v2"),
            strict,
            sync_group: sync_group.map(|g| g.name),
            origin: self.origin(s.site),
        })
    }

    /// Gratuitous ARP timing: the instance's setting, else the global one. The global
    /// lower-priority settings default to the global master ones; strict mode turns the
    /// lower-priority burst off.
    fn garp(&self, b: &Block, strict: bool) -> p::Garp {
        let g = self.global;
        let ms = |inst: &str, global: &str| b.millis(inst).or(g.millis(global)).unwrap_or(0);
        let n = |inst: &str, global: &str| b.uint(inst).or(g.uint(global)).unwrap_or(1) as u32;
        let global_lp_delay = g
            .millis("vrrp_garp_lower_prio_delay")
            .or(g.millis("vrrp_garp_master_delay"))
            .unwrap_or(0);
        let global_lp_repeat = g
            .uint("vrrp_garp_lower_prio_repeat")
            .or(g.uint("vrrp_garp_master_repeat"))
            .unwrap_or(0) as u32;
        let (lower_prio_delay_ms, lower_prio_repeat) = if strict {
            (0, 0)
        } else {
            (
                b.millis("garp_lower_prio_delay").unwrap_or(global_lp_delay),
                b.uint("garp_lower_prio_repeat").map_or(global_lp_repeat, |v| v as u32),
            )
        };
        p::Garp {
            master_delay_ms: ms("garp_master_delay", "vrrp_garp_master_delay"),
            master_repeat: n("garp_master_repeat", "vrrp_garp_master_repeat").max(1),
            master_refresh_ms: ms("garp_master_refresh", "vrrp_garp_master_refresh"),
            master_refresh_repeat: n("garp_master_refresh_repeat", "vrrp_garp_master_refresh_repeat").max(1),
            lower_prio_delay_ms,
            lower_prio_repeat,
        }
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
        for (s, b) in self.ir.root.blocks("track_file") {
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
            let process: Vec<String> = process.args.iter().map(|a| a.text.clone()).collect();
            let param_match = match b.get("param_match") {
                Some(s) => Some(s.arg(0).map_or("exact".to_string(), |a| a.text.clone())),
                None if process.len() > 1 => Some("exact".to_string()),
                None => None,
            };
            out.push(p::TrackProcess {
                name,
                process,
                param_match,
                full_command: b.flag("full_command"),
                weight,
                weight_reverse,
                quorum: b.uint("quorum").unwrap_or(1) as u32,
                quorum_max: b.uint("quorum_max").map(|v| v as u32),
                delay_ms: b.millis("delay").unwrap_or(0),
                terminate_delay_ms: b.millis("terminate_delay").unwrap_or(0),
                fork_delay_ms: b.millis("fork_delay").unwrap_or(0),
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
            let ms = |k: &str, d: u64| b.uint(k).unwrap_or(d);
            out.push(p::BfdInstance {
                name,
                neighbor_ip: b.ip("neighbor_ip").or_else(|| b.ip("neighbour_ip")),
                source_ip: b.ip("source_ip"),
                min_rx_ms: ms("min_rx", 10),
                min_tx_ms: ms("min_tx", 10),
                idle_tx_ms: ms("idle_tx", 1000),
                multiplier: b.uint("multiplier").unwrap_or(5) as u32,
                passive: b.flag("passive"),
                multihop: b.flag("multihop"),
                ttl: b.uint("ttl").or_else(|| b.uint("hoplimit")).map(|v| v as u8),
                max_hops: b.uint("max_hops").map(|v| v as u8),
                weight,
                weight_reverse,
                used_by: ["vrrp", "checker"]
                    .into_iter()
                    .filter(|k| b.has(k))
                    .map(str::to_string)
                    .collect(),
                origin: self.origin(s.site),
            });
        }
        out
    }

    fn virtual_server_groups(&self) -> Vec<p::VirtualServerGroup> {
        let mut out = Vec::new();
        for s in self.ir.root.all("virtual_server_group") {
            let Some(name) = name_of(s) else {
                continue;
            };
            let entries = s
                .lines()
                .iter()
                .filter_map(|l| {
                    let words: Vec<&str> = l.words.iter().map(|(t, _)| t.as_str()).collect();
                    let origin = self.origin(l.span);
                    if words.first() == Some(&"fwmark") {
                        return Some(p::VsgEntry {
                            address: None,
                            address_end: None,
                            port: None,
                            fwmark: Some(words.get(1)?.parse().ok()?),
                            origin,
                        });
                    }
                    let first = words.first()?;
                    let (start, end) = match first.split_once('-') {
                        Some((a, e)) => {
                            let a: IpAddr = values::parse_ip(a)?;
                            let end = match a {
                                IpAddr::V4(v4) => {
                                    let last: u8 = e.parse().ok()?;
                                    let o = v4.octets();
                                    Some(IpAddr::V4([o[0], o[1], o[2], last].into()))
                                }
                                IpAddr::V6(v6) => {
                                    let last = u16::from_str_radix(e, 16).ok()?;
                                    let mut s = v6.segments();
                                    s[7] = last;
                                    Some(IpAddr::V6(s.into()))
                                }
                            };
                            (a, end)
                        }
                        None => (values::parse_ip(first.split('/').next()?)?, None),
                    };
                    Some(p::VsgEntry {
                        address: Some(start),
                        address_end: end,
                        port: words.get(1).and_then(|p| p.parse().ok()),
                        fwmark: None,
                        origin,
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

    fn forwarding(b: &Block) -> Option<p::Forwarding> {
        // lb_kind and lvs_method are one keyword to keepalived: the last one read wins.
        let s = b
            .settings
            .iter()
            .rev()
            .find(|x| matches!(x.name(), "lb_kind" | "lvs_method"))?;
        Some(match s.arg(0)?.text.to_ascii_uppercase().as_str() {
            "DR" => p::Forwarding::Dr,
            "TUN" => p::Forwarding::Tun,
            _ => p::Forwarding::Nat,
        })
    }

    fn virtual_servers(&self) -> Vec<p::VirtualServer> {
        let mut out = Vec::new();
        for (s, b) in self.ir.root.blocks("virtual_server") {
            if let Some(v) = self.virtual_server(s, b) {
                out.push(v);
            }
        }
        out
    }

    fn virtual_server(&self, s: &Setting, b: &Block) -> Option<p::VirtualServer> {
        let words: Vec<&str> = s.args.iter().map(|a| a.text.as_str()).collect();
        let key = match *words.first()? {
            "fwmark" => p::ServiceKey::Fwmark {
                fwmark: words.get(1)?.parse().ok()?,
                family: match b.text("ip_family") {
                    Some("inet6") => p::Family::Ipv6,
                    _ => p::Family::Ipv4,
                },
            },
            "group" => p::ServiceKey::Group {
                name: words.get(1)?.to_string(),
            },
            a => p::ServiceKey::Address {
                address: values::parse_ip(a.split('/').next()?)?,
                port: words.get(1).map_or(Some(0), |p| p.parse().ok())?,
            },
        };
        let fwmark = matches!(key, p::ServiceKey::Fwmark { .. });
        let vs_port = match &key {
            p::ServiceKey::Address { port, .. } => *port,
            _ => 0,
        };
        let forwarding = Self::forwarding(b).unwrap_or(p::Forwarding::Nat);
        let delay_loop_ms = b.millis("delay_loop").unwrap_or(60_000);
        let protocol = if fwmark {
            None
        } else {
            Some(b.text("protocol").map_or("UDP".to_string(), |p| p.to_ascii_uppercase()))
        };
        let mut persistence = b
            .get("persistence_timeout")
            .map(|s| s.arg(0).and_then(|a| a.text.parse::<u32>().ok()).unwrap_or(360));
        // keepalived reads an IPv4 service's granularity as an address (inet_aton-like: a
        // plain number N is the address N, so `24` is 0.0.0.24), an IPv6 one's as a prefix
        // length 1..128; a fwmark service without ip_family takes its family from the text. An
        // unreadable granularity is ignored, and does not set the timeout.
        let v4 = match &key {
            p::ServiceKey::Address { address, .. } => Some(address.is_ipv4()),
            p::ServiceKey::Fwmark { .. } => match b.text("ip_family") {
                Some("inet6") => Some(false),
                Some("inet") => Some(true),
                _ => None,
            },
            p::ServiceKey::Group { .. } => None,
        };
        let persistence_granularity = b.text("persistence_granularity").and_then(|g| {
            let v4 = v4.unwrap_or(g.contains('.'));
            if v4 {
                match g.parse::<u32>() {
                    Ok(n) => Some(std::net::Ipv4Addr::from(n).to_string()),
                    Err(_) => g.parse::<std::net::Ipv4Addr>().ok().map(|a| a.to_string()),
                }
            } else {
                g.parse::<u8>()
                    .ok()
                    .filter(|n| (1..=128).contains(n))
                    .map(|n| n.to_string())
            }
        });
        // persistence_granularity sets the default timeout when none is set yet.
        let granularity_at = b
            .settings
            .iter()
            .position(|x| x.name() == "persistence_granularity")
            .filter(|_| persistence_granularity.is_some());
        let timeout_at = b.settings.iter().position(|x| x.name() == "persistence_timeout");
        if granularity_at.is_some_and(|g| timeout_at.is_none_or(|t| t > g)) && persistence.is_none() {
            persistence = Some(360);
        }
        if vs_port == 0 && !fwmark && persistence.is_none() && matches!(key, p::ServiceKey::Address { .. }) {
            persistence = Some(360);
        }
        // A group with an address entry of port 0 is made persistent too.
        if let p::ServiceKey::Group { name } = &key {
            let zero_port = self
                .virtual_server_groups()
                .iter()
                .filter(|g| g.name == *name)
                .flat_map(|g| g.entries.iter())
                .any(|e| e.address.is_some() && e.port.unwrap_or(0) == 0);
            if persistence.is_none() && zero_port {
                persistence = Some(360);
            }
        }
        let vs_ctx = VsCtx {
            block: b,
            forwarding,
            vs_port,
            fwmark,
            group: matches!(key, p::ServiceKey::Group { .. }),
            delay_loop_ms,
        };
        let mut real_servers: Vec<p::RealServer> = Vec::new();
        for (rs, rb) in b.blocks("real_server") {
            let Some(r) = self.real_server(rs, Some(rb), &vs_ctx) else {
                continue;
            };
            if real_servers.iter().any(|o| o.address == r.address && o.port == r.port) {
                continue; // keepalived removes the duplicate
            }
            real_servers.push(r);
        }
        let total: u64 = real_servers.iter().map(|r| r.weight as u64).sum();
        let mut quorum = b.uint("quorum").unwrap_or(1) as u32;
        if (quorum as u64) > total && total > 0 {
            quorum = total as u32;
        }
        let mut hysteresis = b.uint("hysteresis").unwrap_or(0) as u32;
        if hysteresis >= quorum {
            hysteresis = quorum.saturating_sub(1);
        }
        // sorry_server_lvs_method and sorry_server_inhibit apply to a sorry server already
        // read: keepalived ignores them before it (`... used without sorry_server`).
        let ss_at = b.settings.iter().rposition(|x| x.name() == "sorry_server");
        let sorry_server = ss_at.and_then(|at| {
            let ss = &b.settings[at];
            let after = &b.settings[at + 1..];
            let mut r = self.real_server(ss, None, &vs_ctx)?;
            if let Some(f) = after
                .iter()
                .rev()
                .find(|x| x.name() == "sorry_server_lvs_method")
                .and_then(|m| m.arg(0))
            {
                r.forwarding = match f.text.to_ascii_uppercase().as_str() {
                    "DR" => p::Forwarding::Dr,
                    "TUN" => p::Forwarding::Tun,
                    _ => p::Forwarding::Nat,
                };
                let written = ss.arg(1).and_then(|a| match a.value {
                    Value::Port(p) => Some(p),
                    _ => None,
                });
                r.port = rs_port(r.forwarding, written, &vs_ctx);
            }
            r.inhibit_on_failure = after.iter().any(|x| x.name() == "sorry_server_inhibit");
            Some(r)
        });
        // One packet scheduling needs UDP, or a fwmark service.
        let one_packet = b.flag("ops") && (fwmark || protocol.as_deref() == Some("UDP"));
        // lb_algo and lvs_sched are one keyword (the last wins); sh-* and mh-* flags count only
        // when the scheduler read before them is sh or mh.
        let mut scheduler: Option<&str> = None;
        let mut flags: Vec<&str> = Vec::new();
        for x in &b.settings {
            match x.name() {
                "lb_algo" | "lvs_sched" => scheduler = x.arg(0).map(|a| a.text.as_str()).or(scheduler),
                f @ ("flag-1" | "flag-2" | "flag-3") => flags.push(f),
                f @ ("sh-port" | "sh-fallback") if scheduler == Some("sh") => flags.push(f),
                f @ ("mh-port" | "mh-fallback") if scheduler == Some("mh") => flags.push(f),
                _ => {}
            }
        }
        let scheduler_flags: Vec<String> = [
            "flag-1",
            "flag-2",
            "flag-3",
            "sh-fallback",
            "sh-port",
            "mh-fallback",
            "mh-port",
        ]
        .into_iter()
        .filter(|f| flags.contains(f))
        .map(str::to_string)
        .collect();
        Some(p::VirtualServer {
            key,
            protocol,
            scheduler: scheduler.unwrap_or("wlc").to_string(),
            scheduler_flags,
            forwarding,
            persistence_timeout_secs: persistence,
            persistence_granularity,
            one_packet,
            delay_loop_ms,
            ha_suspend: b.flag("ha_suspend") && !fwmark,
            alpha: b.flag("alpha"),
            omega: b.flag("omega"),
            quorum,
            hysteresis,
            quorum_up: b.get("quorum_up").and_then(|s| self.command(s, true)),
            quorum_down: b.get("quorum_down").and_then(|s| self.command(s, true)),
            inhibit_on_failure: b.flag("inhibit_on_failure"),
            sorry_server,
            real_servers,
            origin: self.origin(s.site),
        })
    }

    /// A real server (with its block) or the sorry server (without).
    fn real_server(&self, s: &Setting, b: Option<&Block>, vs: &VsCtx<'_>) -> Option<p::RealServer> {
        let address = match s.arg(0)?.value {
            Value::Ip(a) => a,
            _ => return None,
        };
        let written_port = s.arg(1).and_then(|a| match a.value {
            Value::Port(p) => Some(p),
            _ => None,
        });
        let forwarding = b.and_then(Self::forwarding).unwrap_or(vs.forwarding);
        let port = rs_port(forwarding, written_port, vs);
        let empty = Block::default();
        let rb = b.unwrap_or(&empty);
        let checkers = b
            .map(|rb| {
                rb.settings
                    .iter()
                    .filter_map(|c| c.block().map(|cb| (c, cb)))
                    .filter(|(c, _)| c.name().ends_with("_CHECK") || c.name().ends_with("_GET"))
                    .flat_map(|(c, cb)| self.checkers(c, cb, rb, vs))
                    .map(|mut c| {
                        // A checker's default destination is the real server as written: its
                        // written port (0 when none), not the port IPVS uses after keepalived
                        // resets it for DR/TUN or fills it in for NAT.
                        let probe_port = written_port.unwrap_or(0);
                        if c.connect_port.is_none() && probe_port != port && connects(&c.kind) {
                            c.connect_port = Some(probe_port);
                        }
                        c
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(p::RealServer {
            address,
            port,
            weight: rb.uint("weight").unwrap_or(1) as u32,
            forwarding,
            inhibit_on_failure: rb
                .opt_flag("inhibit_on_failure")
                .unwrap_or(vs.block.flag("inhibit_on_failure")),
            upper_threshold: rb.uint("uthreshold").map(|v| v as u32),
            lower_threshold: rb.uint("lthreshold").map(|v| v as u32),
            notify_up: rb.get("notify_up").and_then(|s| self.command(s, true)),
            notify_down: rb.get("notify_down").and_then(|s| self.command(s, true)),
            checkers,
            origin: self.origin(s.site),
        })
    }

    /// The checkers of one checker block: one, except for an SMTP_CHECK with `host` blocks,
    /// which keepalived runs as the SMTP_CHECK itself plus one checker per host. A host
    /// takes its connection settings from its own block only: without a connect_timeout of
    /// its own, its timeout is 0.
    fn checkers(&self, c: &Setting, cb: &Block, rb: &Block, vs: &VsCtx<'_>) -> Vec<p::Checker> {
        let Some(base) = self.checker(c, cb, rb, vs) else {
            return Vec::new();
        };
        let mut out = vec![base.clone()];
        if c.name() == "SMTP_CHECK" {
            for (hs, hb) in cb.blocks("host") {
                let mut h = base.clone();
                h.connect_ip = hb.ip("connect_ip");
                h.connect_port = hb.uint("connect_port").map(|v| v as u16);
                h.bindto = hb.ip("bindto");
                h.bind_port = hb.uint("bind_port").map(|v| v as u16);
                h.bind_if = hb.text("bind_if").map(str::to_string);
                h.fwmark = hb.uint("fwmark").map(|v| v as u32);
                h.connect_timeout_ms = if hb.has("connect_timeout") {
                    hb.millis("connect_timeout").unwrap_or(0)
                } else {
                    0
                };
                h.origin = self.origin(hs.site);
                out.push(h);
            }
        }
        out
    }

    fn checker(&self, c: &Setting, cb: &Block, rb: &Block, vs: &VsCtx<'_>) -> Option<p::Checker> {
        let kind = c.name();
        // Timing falls back from the checker to the real server to the virtual server.
        let written_ms = |k: &str| -> Option<u64> {
            [cb, rb, vs.block]
                .into_iter()
                .find(|b| b.has(k))
                .and_then(|b| b.millis(k))
        };
        let written_uint = |k: &str| {
            [cb, rb, vs.block]
                .into_iter()
                .find(|b| b.has(k))
                .and_then(|b| b.uint(k))
        };
        let delay_loop_ms = written_ms("delay_loop").unwrap_or(vs.delay_loop_ms);
        let mut out = p::Checker {
            kind: kind.to_string(),
            connect_ip: cb.ip("connect_ip"),
            connect_port: cb.uint("connect_port").map(|v| v as u16),
            bindto: cb.ip("bindto"),
            bind_port: cb.uint("bind_port").map(|v| v as u16),
            bind_if: cb.text("bind_if").map(str::to_string),
            fwmark: cb.uint("fwmark").map(|v| v as u32),
            connect_timeout_ms: written_ms("connect_timeout").unwrap_or(5000),
            retry: written_uint("retry").or(cb.uint("retry")).unwrap_or(1) as u32,
            delay_before_retry_ms: written_ms("delay_before_retry")
                .or(cb.millis("delay_before_retry"))
                .unwrap_or(delay_loop_ms),
            delay_loop_ms,
            warmup_ms: written_ms("warmup"),
            alpha: cb.flag("alpha") || rb.flag("alpha") || vs.block.flag("alpha"),
            log_all_failures: cb.flag("log_all_failures"),
            http: None,
            misc: None,
            dns: None,
            helo_name: None,
            udp: None,
            track_file: None,
            bfd: None,
            origin: self.origin(c.site),
        };
        match kind {
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
                out.http = Some(p::HttpCheck {
                    tls: kind == "SSL_GET",
                    urls,
                    virtualhost: cb
                        .text("virtualhost")
                        .or(rb.text("virtualhost"))
                        .or(vs.block.text("virtualhost"))
                        .map(str::to_string),
                    http_protocol: cb.text("http_protocol").unwrap_or("1.0").to_string(),
                    fast_recovery: cb.flag("fast_recovery"),
                    enable_sni: cb.flag("enable_sni"),
                    sni_name: cb.text("sni_name").map(str::to_string),
                });
            }
            "MISC_CHECK" => {
                out.misc = Some(p::MiscCheck {
                    command: self.command_in(cb.get("misc_path")?, cb)?,
                    timeout_ms: cb.uint("misc_timeout").map(|s| s * 1000),
                    dynamic: cb.flag("misc_dynamic"),
                });
            }
            "DNS_CHECK" => {
                out.dns = Some(p::DnsCheck {
                    kind: cb.text("type").unwrap_or("SOA").to_ascii_uppercase(),
                    name: cb.text("name").unwrap_or(".").to_string(),
                });
            }
            "SMTP_CHECK" => out.helo_name = cb.text("helo_name").map(str::to_string),
            "UDP_CHECK" => {
                let rr = cb.get("require_reply");
                out.udp = Some(p::UdpCheck {
                    payload: cb.text("payload").map(str::to_string),
                    require_reply: rr.is_some(),
                    reply_pattern: rr.and_then(|s| s.arg(0)).map(|a| a.text.clone()),
                    min_reply_length: cb.uint("min_reply_length").unwrap_or(0) as u32,
                    max_reply_length: cb.uint("max_reply_length").unwrap_or(255) as u32,
                });
            }
            "FILE_CHECK" => {
                let t = cb.get("track_file")?;
                let name = name_of(t)?;
                let (w, rev) = weight_of(cb);
                let (dw, drev) = self.weights.get(&("file", name.clone())).copied().unwrap_or((1, false));
                let (weight, reverse) = if cb.has("weight") { (w, rev) } else { (dw, drev) };
                out.track_file = Some(p::TrackRef {
                    name,
                    weight,
                    reverse,
                    origin: self.origin(t.site),
                });
            }
            "BFD_CHECK" => out.bfd = Some(cb.text("name")?.to_string()),
            _ => {}
        }
        Some(out)
    }
}

/// Whether a checker type probes an address and port of its own (not a script, file or
/// BFD session, and not ICMP).
fn connects(kind: &str) -> bool {
    !matches!(kind, "MISC_CHECK" | "FILE_CHECK" | "BFD_CHECK")
}

/// The port IPVS is given for a real or sorry server, as keepalived fixes it after reading
/// the virtual server: a virtual_server_group's servers keep the port as written (keepalived
/// only warns); NAT keeps a written non-zero port and otherwise takes the service's (a fwmark
/// service has none); DR and TUN take the service's port, 0 for a fwmark service.
fn rs_port(forwarding: p::Forwarding, written: Option<u16>, vs: &VsCtx<'_>) -> u16 {
    if vs.group {
        return written.unwrap_or(0);
    }
    match (forwarding, vs.fwmark) {
        (p::Forwarding::Nat, true) => written.unwrap_or(0),
        (p::Forwarding::Nat, false) => written.filter(|&p| p != 0).unwrap_or(vs.vs_port),
        (_, true) => 0,
        (_, false) => vs.vs_port,
    }
}

struct VsCtx<'b> {
    block: &'b Block,
    forwarding: p::Forwarding,
    vs_port: u16,
    fwmark: bool,
    /// A `virtual_server group NAME`.
    group: bool,
    delay_loop_ms: u64,
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
        assert_eq!(i.version, 2);
        assert_eq!(i.virtual_addresses[0].prefix_len, 24);
        assert_eq!(i.origin.line, 1);
        assert_eq!(i.virtual_addresses[0].origin.line, 8);
        assert_eq!(i.mcast_dst_ip.to_string(), "224.0.0.18");
    }

    #[test]
    fn v3_rounds_to_centiseconds_and_ipv6_means_v3() {
        let p = plan("vrrp_instance A {\n interface eth0\n virtual_router_id 7\n advert_int 0.123\n virtual_ipaddress {\n fe80::1\n }\n}\n");
        let i = &p.vrrp_instances[0];
        assert_eq!(i.version, 3);
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
        assert_eq!(v.scheduler, "wlc");
        assert_eq!(v.forwarding, p::Forwarding::Dr);
        assert_eq!(v.protocol.as_deref(), Some("TCP"));
        assert_eq!(v.real_servers.len(), 2, "the duplicate is dropped");
        assert_eq!(v.real_servers[0].port, 80, "DR real servers use the service port");
        assert_eq!(v.quorum, 4, "clamped to the total weight");
        assert_eq!(v.hysteresis, 3);
        let c = &v.real_servers[0].checkers[0];
        assert_eq!(
            (c.kind.as_str(), c.connect_timeout_ms, c.delay_loop_ms, c.retry),
            ("TCP_CHECK", 2000, 60_000, 1)
        );
        let h = v.real_servers[1].checkers[0].http.as_ref().unwrap();
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
            v[0].real_servers[0].checkers[0].connect_port,
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
            v[1].scheduler_flags,
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
        assert_eq!(v[3].persistence_timeout_secs, None);
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
            v[0].persistence_timeout_secs,
            Some(360),
            "a granularity sets the default timeout"
        );
        assert_eq!(v[1].persistence_timeout_secs, Some(50));
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
        assert_eq!(rs[0].checkers[0].connect_port, Some(0));
        assert_eq!(rs[0].checkers[1].connect_port, None, "MISC_CHECK connects nowhere");
        assert_eq!(rs[1].checkers[0].connect_port, Some(8080));
        assert_eq!(rs[2].checkers[0].connect_port, None);
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
            c.iter().map(|c| (c.connect_timeout_ms, c.retry)).collect::<Vec<_>>(),
            [(10_000, 2), (0, 2), (3000, 2)]
        );
        assert_eq!(c[1].connect_ip, "10.0.2.1".parse().ok());
        assert_eq!(c[2].connect_port, Some(587));
    }

    #[test]
    fn one_packet_scheduling_follows_the_default_protocol() {
        let p = plan("virtual_server 10.0.0.1 53 {\n ops\n real_server 10.0.1.1 53 {\n }\n}\n");
        let v = &p.virtual_servers[0];
        assert_eq!(v.protocol.as_deref(), Some("UDP"));
        assert!(v.one_packet);
    }
}
