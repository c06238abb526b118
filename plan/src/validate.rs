//! [`Plan::validate`]: what a well-typed plan can still get wrong.

use crate::*;
use std::collections::{HashMap, HashSet};

/// One problem of a plan: where (a path of JSON field names and list indexes, as
/// `vrrp_instances[2].track.scripts[0].name`) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ValidationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Tracker weights keepalived accepts: scripts and BFD sessions -253 to 253, files,
/// processes and interfaces -254 to 254.
const SCRIPT_WEIGHT: i32 = 253;
const FILE_WEIGHT: i32 = 254;

impl Plan {
    /// Checks what the types cannot: that names are unique and every reference names an
    /// object of the plan (tracked scripts, files, processes and BFD sessions, sync-group
    /// members and their back references, virtual-server groups, the trackers of FILE and BFD
    /// checkers), that numbers are in keepalived's ranges (VRID and priority 1 to 255, advert
    /// interval and delay loops above 0, tracker weights, port and id ranges), that an
    /// instance's addresses, peers and multicast group are of its family, and that commands
    /// have a program. Returns every problem found, in plan order.
    pub fn validate(&self) -> Result<(), Vec<ValidationError>> {
        let mut v = V::default();
        v.plan(self);
        if v.errors.is_empty() {
            Ok(())
        } else {
            Err(v.errors)
        }
    }
}

#[derive(Default)]
struct V {
    errors: Vec<ValidationError>,
}

/// The names defined in a list, for references to it.
fn names<'a, T>(items: &'a [T], name: impl Fn(&'a T) -> &'a str) -> HashSet<&'a str> {
    items.iter().map(name).collect()
}

impl V {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(ValidationError {
            path: path.into(),
            message: message.into(),
        });
    }

    /// Names of a list: not empty and unique.
    fn unique<'a, T>(&mut self, list: &str, items: &'a [T], name: impl Fn(&'a T) -> &'a str) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, it) in items.iter().enumerate() {
            let n = name(it);
            if n.is_empty() {
                self.err(format!("{list}[{i}].name"), "empty name");
            } else if let Some(first) = seen.insert(n, i) {
                seen.insert(n, first);
                self.err(
                    format!("{list}[{i}].name"),
                    format!("duplicate name `{n}` (also {list}[{first}])"),
                );
            }
        }
    }

    fn command(&mut self, path: &str, c: &Command) {
        match c.argv.first() {
            None => self.err(format!("{path}.argv"), "empty command"),
            Some(p) if p.is_empty() => self.err(format!("{path}.argv[0]"), "empty program name"),
            Some(_) => {}
        }
    }

    fn opt_command(&mut self, path: &str, c: &Option<Command>) {
        if let Some(c) = c {
            self.command(path, c);
        }
    }

    fn weight(&mut self, path: &str, w: i32, max: i32) {
        if !(-max..=max).contains(&w) {
            self.err(path, format!("weight {w} is outside -{max}..={max}"));
        }
    }

    fn family(&mut self, path: &str, a: &IpAddr, want: Family) {
        if Family::of(a) != want {
            self.err(path, format!("{a} is not an {} address", family_name(want)));
        }
    }

    fn prefix_len(&mut self, path: &str, len: u8, fam: Family) {
        if len > fam.max_prefix_len() {
            self.err(
                path,
                format!(
                    "prefix length {len} is longer than {} for {}",
                    fam.max_prefix_len(),
                    family_name(fam)
                ),
            );
        }
    }

    fn prefix(&mut self, path: &str, p: &Prefix, fam: Family) {
        if let Some(a) = &p.address {
            self.family(&format!("{path}.address"), a, fam);
        }
        self.prefix_len(&format!("{path}.prefix_len"), p.prefix_len, fam);
    }

    fn range<T: PartialOrd + std::fmt::Display>(&mut self, path: &str, r: &Option<(T, T)>) {
        if let Some((lo, hi)) = r {
            if lo > hi {
                self.err(path, format!("range {lo}-{hi} ends before it starts"));
            }
        }
    }

    fn plan(&mut self, p: &Plan) {
        if p.plan_version != PLAN_VERSION {
            self.err("plan_version", format!("expected {PLAN_VERSION}"));
        }
        self.global(&p.global);
        for (i, a) in p.static_addresses.iter().enumerate() {
            self.address(&format!("static_addresses[{i}]"), a, None);
        }
        for (i, r) in p.static_routes.iter().enumerate() {
            self.route(&format!("static_routes[{i}]"), r);
        }
        for (i, r) in p.static_rules.iter().enumerate() {
            self.rule(&format!("static_rules[{i}]"), r);
        }

        self.unique("vrrp_scripts", &p.vrrp_scripts, |s| &s.name);
        self.unique("track_files", &p.track_files, |s| &s.name);
        self.unique("track_processes", &p.track_processes, |s| &s.name);
        self.unique("bfd_instances", &p.bfd_instances, |s| &s.name);
        self.unique("vrrp_instances", &p.vrrp_instances, |s| &s.name);
        self.unique("sync_groups", &p.sync_groups, |s| &s.name);
        self.unique("virtual_server_groups", &p.virtual_server_groups, |s| &s.name);
        if let Some(d) = &p.global.lvs_sync_daemon {
            if d.interface.is_empty() {
                self.err("global.lvs_sync_daemon.interface", "empty interface name");
            }
            if let Some(inst) = &d.instance {
                if !p.vrrp_instances.iter().any(|i| &i.name == inst) {
                    self.err(
                        "global.lvs_sync_daemon.instance",
                        format!("no vrrp_instance `{inst}` in the plan"),
                    );
                }
            }
        }
        if p.global.smtp.as_ref().is_some_and(|s| s.server.is_empty()) {
            self.err("global.smtp.server", "empty server name");
        }

        for (i, s) in p.vrrp_scripts.iter().enumerate() {
            let path = format!("vrrp_scripts[{i}]");
            self.command(&format!("{path}.command"), &s.command);
            if s.interval_ms == 0 {
                self.err(format!("{path}.interval_ms"), "must be more than 0");
            }
            if s.timeout_ms == 0 {
                self.err(format!("{path}.timeout_ms"), "must be more than 0");
            }
            self.weight(&format!("{path}.weight"), s.weight, SCRIPT_WEIGHT);
            if s.rise == 0 {
                self.err(format!("{path}.rise"), "must be at least 1");
            }
            if s.fall == 0 {
                self.err(format!("{path}.fall"), "must be at least 1");
            }
        }
        for (i, f) in p.track_files.iter().enumerate() {
            let path = format!("track_files[{i}]");
            if f.file.is_empty() {
                self.err(format!("{path}.file"), "empty file name");
            }
            self.weight(&format!("{path}.weight"), f.weight, FILE_WEIGHT);
        }
        for (i, t) in p.track_processes.iter().enumerate() {
            let path = format!("track_processes[{i}]");
            if t.process.first().is_none_or(|n| n.is_empty()) {
                self.err(format!("{path}.process"), "no process name");
            }
            self.weight(&format!("{path}.weight"), t.weight, FILE_WEIGHT);
            if let Some(max) = t.quorum_max {
                if max < t.quorum {
                    self.err(
                        format!("{path}.quorum_max"),
                        format!("{max} is below the quorum {}", t.quorum),
                    );
                }
            }
        }
        for (i, b) in p.bfd_instances.iter().enumerate() {
            let path = format!("bfd_instances[{i}]");
            self.weight(&format!("{path}.weight"), b.weight, SCRIPT_WEIGHT);
            if b.multiplier == 0 {
                self.err(format!("{path}.multiplier"), "must be at least 1");
            }
            if let (Some(n), Some(s)) = (&b.neighbor_ip, &b.source_ip) {
                self.family(&format!("{path}.source_ip"), s, Family::of(n));
            }
        }

        let trackers = Trackers {
            scripts: names(&p.vrrp_scripts, |s| &s.name),
            files: names(&p.track_files, |s| &s.name),
            processes: names(&p.track_processes, |s| &s.name),
            bfds: names(&p.bfd_instances, |s| &s.name),
        };
        let groups: HashMap<&str, &SyncGroup> = p.sync_groups.iter().map(|g| (g.name.as_str(), g)).collect();
        for (i, inst) in p.vrrp_instances.iter().enumerate() {
            self.instance(&format!("vrrp_instances[{i}]"), inst, &trackers, &groups);
        }
        let instances: HashMap<&str, &VrrpInstance> = p.vrrp_instances.iter().map(|i| (i.name.as_str(), i)).collect();
        for (i, g) in p.sync_groups.iter().enumerate() {
            let path = format!("sync_groups[{i}]");
            if g.members.is_empty() {
                self.err(format!("{path}.members"), "a sync group needs members");
            }
            let mut seen = HashSet::new();
            for (k, m) in g.members.iter().enumerate() {
                let mpath = format!("{path}.members[{k}]");
                if !seen.insert(m.as_str()) {
                    self.err(mpath, format!("`{m}` is listed twice"));
                    continue;
                }
                match instances.get(m.as_str()) {
                    None => self.err(mpath, format!("no vrrp_instance named `{m}`")),
                    Some(inst) if inst.sync_group.as_deref() != Some(g.name.as_str()) => self.err(
                        mpath,
                        format!(
                            "vrrp_instance `{m}` names {} as its sync_group, not `{}`",
                            inst.sync_group
                                .as_deref()
                                .map_or("none".to_string(), |s| format!("`{s}`")),
                            g.name
                        ),
                    ),
                    Some(_) => {}
                }
            }
            self.tracking(&format!("{path}.track"), &g.track, &trackers);
            self.notify(&format!("{path}.notify"), &g.notify);
        }

        for (i, g) in p.virtual_server_groups.iter().enumerate() {
            for (k, e) in g.entries.iter().enumerate() {
                self.vsg_entry(&format!("virtual_server_groups[{i}].entries[{k}]"), e);
            }
        }
        // Each group's name, and whether it holds only firewall marks.
        let vsgs: HashMap<&str, bool> = p
            .virtual_server_groups
            .iter()
            .map(|g| (g.name.as_str(), g.entries.iter().all(|e| e.address.is_none())))
            .collect();
        for (i, vs) in p.virtual_servers.iter().enumerate() {
            self.virtual_server(&format!("virtual_servers[{i}]"), vs, &vsgs, &trackers);
        }
    }

    fn global(&mut self, g: &Global) {
        if !g.vrrp_mcast_group4.is_multicast() {
            self.err("global.vrrp_mcast_group4", "not a multicast address");
        }
        if !g.vrrp_mcast_group6.is_multicast() {
            self.err("global.vrrp_mcast_group6", "not a multicast address");
        }
        for (name, f) in [
            ("notify_fifo", &g.notify_fifo),
            ("vrrp_notify_fifo", &g.vrrp_notify_fifo),
            ("lvs_notify_fifo", &g.lvs_notify_fifo),
        ] {
            if let Some(f) = f {
                if f.path.is_empty() {
                    self.err(format!("global.{name}.path"), "empty path");
                }
                self.opt_command(&format!("global.{name}.script"), &f.script);
            }
        }
    }

    /// An address line; `fam` is the family it must have (an instance's).
    fn address(&mut self, path: &str, a: &Address, fam: Option<Family>) {
        let own = Family::of(&a.address);
        if let Some(f) = fam {
            self.family(&format!("{path}.address"), &a.address, f);
        }
        self.prefix_len(&format!("{path}.prefix_len"), a.prefix_len, own);
        if let Some(peer) = &a.peer {
            self.family(&format!("{path}.peer"), peer, own);
        }
        if own == Family::Ipv6 && a.broadcast.is_some() {
            self.err(format!("{path}.broadcast"), "IPv6 addresses have no broadcast");
        }
    }

    fn route(&mut self, path: &str, r: &Route) {
        self.prefix(&format!("{path}.dst"), &r.dst, r.family);
        if let Some(src) = &r.src {
            self.family(&format!("{path}.src"), src, r.family);
        }
        if let Some(from) = &r.from {
            self.prefix(&format!("{path}.from"), from, r.family);
        }
    }

    fn rule(&mut self, path: &str, r: &Rule) {
        for (name, p) in [("from", &r.from), ("to", &r.to)] {
            if let Some(p) = p {
                self.prefix(&format!("{path}.{name}"), p, r.family);
            }
        }
        let needs_target = matches!(r.action, RuleAction::Table | RuleAction::Goto);
        match (needs_target, &r.target) {
            (true, None) => self.err(format!("{path}.target"), format!("`{}` needs a target", r.action)),
            (false, Some(_)) => self.err(format!("{path}.target"), format!("`{}` takes no target", r.action)),
            _ => {}
        }
        self.range(&format!("{path}.uid_range"), &r.uid_range);
        self.range(&format!("{path}.sport"), &r.sport);
        self.range(&format!("{path}.dport"), &r.dport);
    }

    fn tracking(&mut self, path: &str, t: &Tracking, trackers: &Trackers<'_>) {
        for (i, x) in t.interfaces.iter().enumerate() {
            let p = format!("{path}.interfaces[{i}]");
            if x.interface.is_empty() {
                self.err(format!("{p}.interface"), "empty interface name");
            }
            self.weight(&format!("{p}.weight"), x.weight, FILE_WEIGHT);
        }
        for (list, refs, defined, what, max) in [
            ("scripts", &t.scripts, &trackers.scripts, "vrrp_script", SCRIPT_WEIGHT),
            ("files", &t.files, &trackers.files, "track_file", FILE_WEIGHT),
            (
                "processes",
                &t.processes,
                &trackers.processes,
                "vrrp_track_process",
                FILE_WEIGHT,
            ),
            ("bfds", &t.bfds, &trackers.bfds, "bfd_instance", SCRIPT_WEIGHT),
        ] {
            for (i, r) in refs.iter().enumerate() {
                let p = format!("{path}.{list}[{i}]");
                if !defined.contains(r.name.as_str()) {
                    self.err(format!("{p}.name"), format!("no {what} named `{}`", r.name));
                }
                self.weight(&format!("{p}.weight"), r.weight, max);
            }
        }
    }

    fn notify(&mut self, path: &str, n: &Notify) {
        for (name, c) in [
            ("master", &n.master),
            ("backup", &n.backup),
            ("fault", &n.fault),
            ("stop", &n.stop),
            ("deleted", &n.deleted),
            ("any", &n.any),
            ("master_rx_lower_pri", &n.master_rx_lower_pri),
        ] {
            self.opt_command(&format!("{path}.{name}"), c);
        }
    }

    fn instance(&mut self, path: &str, i: &VrrpInstance, trackers: &Trackers<'_>, groups: &HashMap<&str, &SyncGroup>) {
        if i.virtual_router_id == 0 {
            self.err(format!("{path}.virtual_router_id"), "VRID 0 is outside 1..=255");
        }
        if i.priority == 0 {
            self.err(format!("{path}.priority"), "priority 0 is outside 1..=255");
        }
        if i.advert_int_ms == 0 {
            self.err(format!("{path}.advert_int_ms"), "must be more than 0");
        }
        // VRRPv2 over IPv6 is outside RFC 3768, but keepalived 2.2.7 runs it ("VRRP Version =
        // 2", "Using Native IPv6" in its dump): a plan says so, and a runtime may refuse it.
        if i.authentication.is_some() && i.version != VrrpVersion::V2 {
            self.err(format!("{path}.authentication"), "only VRRPv2 has authentication");
        }
        if i.interface.as_deref() == Some("") {
            self.err(format!("{path}.interface"), "empty interface name");
        }
        self.family(&format!("{path}.mcast_dst_ip"), &i.mcast_dst_ip, i.family);
        if let Some(src) = &i.src_ip {
            self.family(&format!("{path}.src_ip"), src, i.family);
        }
        for (k, peer) in i.unicast_peers.iter().enumerate() {
            self.family(&format!("{path}.unicast_peers[{k}].address"), &peer.address, i.family);
            if let (Some(lo), Some(hi)) = (peer.min_ttl, peer.max_ttl) {
                if lo > hi {
                    self.err(
                        format!("{path}.unicast_peers[{k}].max_ttl"),
                        format!("{hi} is below min_ttl {lo}"),
                    );
                }
            }
        }
        for (k, a) in i.virtual_addresses.iter().enumerate() {
            self.address(&format!("{path}.virtual_addresses[{k}]"), a, Some(i.family));
        }
        for (k, a) in i.excluded_addresses.iter().enumerate() {
            self.address(&format!("{path}.excluded_addresses[{k}]"), a, None);
        }
        for (k, r) in i.virtual_routes.iter().enumerate() {
            self.route(&format!("{path}.virtual_routes[{k}]"), r);
        }
        for (k, r) in i.virtual_rules.iter().enumerate() {
            self.rule(&format!("{path}.virtual_rules[{k}]"), r);
        }
        self.tracking(&format!("{path}.track"), &i.track, trackers);
        self.notify(&format!("{path}.notify"), &i.notify);
        if let Some(vmac) = &i.vmac {
            if vmac.name.is_empty() {
                self.err(format!("{path}.vmac.name"), "empty interface name");
            }
            if vmac.kind == VmacKind::Ipvlan && vmac.mac.is_some() {
                self.err(
                    format!("{path}.vmac.mac"),
                    "an ipvlan interface has no MAC address of its own",
                );
            }
        }
        if let Some(g) = &i.sync_group {
            match groups.get(g.as_str()) {
                None => self.err(format!("{path}.sync_group"), format!("no sync group named `{g}`")),
                Some(group) if !group.members.contains(&i.name) => self.err(
                    format!("{path}.sync_group"),
                    format!("sync group `{g}` does not list `{}` as a member", i.name),
                ),
                Some(_) => {}
            }
        }
    }

    fn vsg_entry(&mut self, path: &str, e: &VsgEntry) {
        match (&e.address, e.fwmark) {
            (Some(_), None) if e.family.is_some() => {
                self.err(format!("{path}.family"), "only a fwmark entry has a family of its own")
            }
            (Some(a), None) => {
                if let Some(end) = &e.address_end {
                    if Family::of(a) != Family::of(end) {
                        self.err(format!("{path}.address_end"), "not of the family of `address`");
                    } else if end < a {
                        self.err(format!("{path}.address_end"), format!("{end} is before {a}"));
                    }
                }
            }
            (None, Some(_)) => {
                if e.address_end.is_some() || e.port.is_some() {
                    self.err(path, "a fwmark entry has no address range or port");
                }
            }
            _ => self.err(path, "an entry has either an address or a fwmark"),
        }
    }

    fn virtual_server(&mut self, path: &str, vs: &VirtualServer, vsgs: &HashMap<&str, bool>, trackers: &Trackers<'_>) {
        // A service of firewall marks only (a group's too) has no protocol.
        let fwmark = match &vs.key {
            ServiceKey::Group { name } => match vsgs.get(name.as_str()) {
                Some(marks_only) => *marks_only,
                None => {
                    self.err(
                        format!("{path}.key.group.name"),
                        format!("no virtual_server_group named `{name}`"),
                    );
                    vs.protocol.is_none()
                }
            },
            ServiceKey::Fwmark { .. } => true,
            ServiceKey::Address { .. } => false,
        };
        if fwmark && vs.protocol.is_some() {
            self.err(format!("{path}.protocol"), "a fwmark service has no protocol");
        } else if !fwmark && vs.protocol.is_none() {
            self.err(format!("{path}.protocol"), "missing: only fwmark services have none");
        }
        if vs.delay_loop_ms == 0 {
            self.err(format!("{path}.delay_loop_ms"), "must be more than 0");
        }
        if vs.quorum > 0 && vs.hysteresis >= vs.quorum {
            self.err(
                format!("{path}.hysteresis"),
                format!("{} is not below the quorum {}", vs.hysteresis, vs.quorum),
            );
        }
        self.opt_command(&format!("{path}.quorum_up"), &vs.quorum_up);
        self.opt_command(&format!("{path}.quorum_down"), &vs.quorum_down);
        if let Some(s) = &vs.sorry_server {
            self.real_server(&format!("{path}.sorry_server"), s, trackers);
        }
        let mut seen: HashMap<(IpAddr, u16), usize> = HashMap::new();
        for (k, r) in vs.real_servers.iter().enumerate() {
            let rpath = format!("{path}.real_servers[{k}]");
            if let Some(first) = seen.insert((r.address, r.port), k) {
                seen.insert((r.address, r.port), first);
                self.err(
                    &rpath,
                    format!("{} port {} is also real_servers[{first}]", r.address, r.port),
                );
            }
            self.real_server(&rpath, r, trackers);
        }
    }

    fn real_server(&mut self, path: &str, r: &RealServer, trackers: &Trackers<'_>) {
        if r.weight > i32::MAX as u32 {
            self.err(format!("{path}.weight"), format!("{} is above {}", r.weight, i32::MAX));
        }
        if let (Some(lo), Some(hi)) = (r.lower_threshold, r.upper_threshold) {
            if lo > hi {
                self.err(
                    format!("{path}.lower_threshold"),
                    format!("{lo} is above upper_threshold {hi}"),
                );
            }
        }
        self.opt_command(&format!("{path}.notify_up"), &r.notify_up);
        self.opt_command(&format!("{path}.notify_down"), &r.notify_down);
        for (k, c) in r.checkers.iter().enumerate() {
            self.checker(&format!("{path}.checkers[{k}]"), c, trackers);
        }
    }

    fn checker(&mut self, path: &str, c: &Checker, trackers: &Trackers<'_>) {
        if c.delay_loop_ms == 0 {
            self.err(format!("{path}.delay_loop_ms"), "must be more than 0");
        }
        let kpath = format!("{path}.kind");
        if let Some(conn) = c.kind.connection() {
            if conn.bind_port == Some(0) {
                self.err(format!("{kpath}.connection.bind_port"), "port 0");
            }
            if let (Some(ip), Some(b)) = (&conn.connect_ip, &conn.bindto) {
                self.family(&format!("{kpath}.connection.bindto"), b, Family::of(ip));
            }
        }
        match &c.kind {
            CheckerKind::Http(h) | CheckerKind::Ssl(h) => {
                for (k, u) in h.urls.iter().enumerate() {
                    if u.path.is_empty() {
                        self.err(format!("{kpath}.urls[{k}].path"), "empty path");
                    }
                    for (n, r) in u.status_codes.iter().enumerate() {
                        self.range(&format!("{kpath}.urls[{k}].status_codes[{n}]"), &Some(*r));
                    }
                }
            }
            CheckerKind::Dns(d) if d.name.is_empty() => self.err(format!("{kpath}.name"), "empty query name"),
            CheckerKind::Udp(u) if u.min_reply_length > u.max_reply_length => self.err(
                format!("{kpath}.min_reply_length"),
                format!(
                    "{} is above max_reply_length {}",
                    u.min_reply_length, u.max_reply_length
                ),
            ),
            CheckerKind::Misc(m) => self.command(&format!("{kpath}.command"), &m.command),
            CheckerKind::File(t) if !trackers.files.contains(t.name.as_str()) => {
                self.err(format!("{kpath}.name"), format!("no track_file named `{}`", t.name))
            }
            CheckerKind::Bfd { name } if !trackers.bfds.contains(name.as_str()) => {
                self.err(format!("{kpath}.name"), format!("no bfd_instance named `{name}`"))
            }
            _ => {}
        }
    }
}

struct Trackers<'a> {
    scripts: HashSet<&'a str>,
    files: HashSet<&'a str>,
    processes: HashSet<&'a str>,
    bfds: HashSet<&'a str>,
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::Ipv4 => "IPv4",
        Family::Ipv6 => "IPv6",
    }
}

#[cfg(test)]
mod tests {
    use crate::{load, LoadError, Plan};
    use serde_json::{json, Value};

    /// A small valid plan using every kind of reference.
    fn valid() -> Value {
        let o = |line: u32| json!({"file": "k.conf", "line": line});
        let instance = |name: &str, vrid: u32, line: u32| {
            json!({
                "name": name, "interface": "eth0", "virtual_router_id": vrid, "version": 2,
                "family": "ipv4", "initial_state": "BACKUP", "priority": 100, "advert_int_ms": 1000,
                "mcast_dst_ip": "224.0.0.18",
                "virtual_addresses": [{"address": "192.0.2.1", "prefix_len": 32, "origin": o(line + 1)}],
                "track": {
                    "scripts": [{"name": "chk", "origin": o(line + 2)}],
                    "files": [{"name": "f", "weight": -2, "origin": o(line + 3)}],
                    "bfds": [{"name": "b", "origin": o(line + 4)}]
                },
                "garp": {"master_delay_ms": 5000, "master_repeat": 5, "lower_prio_delay_ms": 5000, "lower_prio_repeat": 5},
                "sync_group": "G",
                "origin": o(line)
            })
        };
        json!({
            "plan_version": 1,
            "source": {"file": "k.conf"},
            "vrrp_scripts": [{"name": "chk", "command": {"argv": ["/bin/true"]}, "interval_ms": 1000, "timeout_ms": 1000, "origin": o(1)}],
            "track_files": [{"name": "f", "file": "/run/f", "origin": o(5)}],
            "bfd_instances": [{"name": "b", "neighbor_ip": "192.0.2.9", "origin": o(8)}],
            "vrrp_instances": [instance("A", 1, 10), instance("B", 2, 20)],
            "sync_groups": [{"name": "G", "members": ["A", "B"], "origin": o(30)}],
            "virtual_server_groups": [{"name": "web", "entries": [
                {"address": "192.0.2.10", "address_end": "192.0.2.12", "port": 80, "origin": o(41)},
                {"fwmark": 7, "origin": o(42)}
            ], "origin": o(40)}],
            "virtual_servers": [{
                "key": {"group": {"name": "web"}}, "protocol": "TCP", "scheduler": "rr", "forwarding": "DR",
                "delay_loop_ms": 6000,
                "real_servers": [{"address": "192.0.2.20", "port": 80, "forwarding": "DR", "checkers": [
                    {"delay_before_retry_ms": 1000, "delay_loop_ms": 6000, "kind": {"type": "file", "name": "f", "origin": o(52)}, "origin": o(52)},
                    {"delay_before_retry_ms": 1000, "delay_loop_ms": 6000, "kind": {"type": "bfd", "name": "b"}, "origin": o(53)},
                    {"delay_before_retry_ms": 1000, "delay_loop_ms": 6000, "kind": {"type": "misc", "command": {"argv": ["/bin/check"]}}, "origin": o(54)}
                ], "origin": o(51)}],
                "origin": o(50)
            }]
        })
    }

    /// The paths `load` refuses the plan with.
    fn refused(v: &Value) -> Vec<String> {
        match load(&v.to_string()) {
            Err(LoadError::Validation(errors)) => errors.into_iter().map(|e| e.path).collect(),
            other => panic!("not refused by validation: {other:?}"),
        }
    }

    #[test]
    fn a_valid_plan_passes() {
        let plan: Plan = load(&valid().to_string()).unwrap();
        assert_eq!(plan.vrrp_instances.len(), 2);
        assert_eq!(plan.vrrp_scripts[0].rise, 1, "omitted fields read as their default");
        // And it survives a round trip with its defaults left out.
        let json = crate::to_json(&plan);
        assert!(!json.contains("\"rise\""), "{json}");
        assert_eq!(load(&json).unwrap(), plan);
    }

    #[test]
    fn a_dangling_script_reference_is_refused() {
        let mut v = valid();
        v["vrrp_instances"][1]["track"]["scripts"][0]["name"] = "nope".into();
        assert_eq!(refused(&v), ["vrrp_instances[1].track.scripts[0].name"]);
        let e = load(&v.to_string()).unwrap_err().to_string();
        assert!(
            e.contains("vrrp_instances[1].track.scripts[0].name: no vrrp_script named `nope`"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_sync_group_member_is_refused() {
        let mut v = valid();
        v["sync_groups"][0]["members"][1] = "C".into();
        assert_eq!(
            refused(&v),
            ["vrrp_instances[1].sync_group", "sync_groups[0].members[1]"]
        );
        // A member that does not name the group back.
        let mut v = valid();
        v["vrrp_instances"][0].as_object_mut().unwrap().remove("sync_group");
        assert_eq!(refused(&v), ["sync_groups[0].members[0]"]);
    }

    #[test]
    fn a_bad_group_name_is_refused() {
        let mut v = valid();
        v["virtual_servers"][0]["key"]["group"]["name"] = "mail".into();
        assert_eq!(refused(&v), ["virtual_servers[0].key.group.name"]);
    }

    #[test]
    fn vrid_0_is_refused() {
        let mut v = valid();
        v["vrrp_instances"][0]["virtual_router_id"] = 0.into();
        assert_eq!(refused(&v), ["vrrp_instances[0].virtual_router_id"]);
    }

    #[test]
    fn a_duplicate_instance_name_is_refused() {
        let mut v = valid();
        v["vrrp_instances"][1]["name"] = "A".into();
        let paths = refused(&v);
        assert_eq!(paths[0], "vrrp_instances[1].name", "{paths:?}");
    }

    #[test]
    fn checker_references_families_ranges_and_commands_are_checked() {
        let mut v = valid();
        let checkers = &mut v["virtual_servers"][0]["real_servers"][0]["checkers"];
        checkers[0]["kind"]["name"] = "g".into();
        checkers[1]["kind"]["name"] = "c".into();
        checkers[2]["kind"]["command"]["argv"] = json!([]);
        v["vrrp_instances"][0]["virtual_addresses"][0]["address"] = "2001:db8::1".into();
        v["vrrp_instances"][1]["priority"] = 0.into();
        v["vrrp_instances"][1]["track"]["files"][0]["weight"] = 300.into();
        assert_eq!(
            refused(&v),
            [
                "vrrp_instances[0].virtual_addresses[0].address",
                "vrrp_instances[1].priority",
                "vrrp_instances[1].track.files[0].weight",
                "virtual_servers[0].real_servers[0].checkers[0].kind.name",
                "virtual_servers[0].real_servers[0].checkers[1].kind.name",
                "virtual_servers[0].real_servers[0].checkers[2].kind.command.argv",
            ]
        );
    }

    #[test]
    fn a_truncated_plan_is_refused_as_malformed() {
        let text = crate::to_json(&load(&valid().to_string()).unwrap());
        let cut = &text[..text.len() / 2];
        assert!(matches!(load(cut), Err(LoadError::Invalid(_))));
        // Cut at the end of a list element, it is still not a plan.
        let at = text.rfind("\n    }").unwrap();
        assert!(matches!(load(&text[..at]), Err(LoadError::Invalid(_))));
    }
}
