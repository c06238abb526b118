//! The effective settings of each `vrrp_instance`, as keepalived 2.2.7 ends up with them after
//! reading its lines in order (the keyword handlers) and completing the instance at load time
//! (`vrrp_complete_instance`). [`Instance`] is the view of one block's lines; [`Effective`] is
//! what keepalived runs, each value with the line that decided it.

use super::global::{flag_value, Globals};
use super::Decided;
use crate::checks::names::visit;
use crate::checks::Resolved;
use crate::schema::value::{value, Value};
use crate::schema::{self, Body, Keyword};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use vigil_grammar::{NodeRef, Parsed, Span, WordRef};

/// The VRRP version an instance runs and how keepalived arrived at it.
pub struct Version<'t> {
    /// What the instance runs, once keepalived has completed it.
    pub version: u8,
    /// What its lines set before completion (`version`, or `native_ipv6` for 3).
    pub configured: Option<u8>,
    /// Whether the instance is IPv6 (see [`Instance::family`]).
    pub v6: bool,
    /// The `version` line keepalived keeps, if any.
    pub explicit: Option<NodeRef<'t>>,
    /// A `version 2` line keepalived ignores because IPv6 was already known.
    pub rejected: Option<NodeRef<'t>>,
    /// `version` lines keepalived ignores because they differ from one set earlier.
    pub conflicting: Vec<NodeRef<'t>>,
    /// Set by the global `vrrp_version` (or its default).
    pub global: bool,
    /// The line that decided the version (`None`: keepalived's default).
    pub by: Option<Span>,
}

/// The table of a `vrrp_instance` block.
pub fn instance_table() -> &'static [Keyword] {
    match schema::find(schema::ROOT, "vrrp_instance").map(|k| k.body) {
        Some(Body::Keywords(sub)) => sub,
        _ => &[],
    }
}

/// One `vrrp_instance` block: its name and every keyword line in it (nested blocks such as
/// `authentication` included), in file order.
pub struct Instance<'t> {
    pub node: NodeRef<'t>,
    pub name: Option<WordRef<'t>>,
    /// Keyword lines directly in the instance block.
    pub own: Vec<NodeRef<'t>>,
    /// The keyword of each line of `own` (read once: the checks ask for keywords many times).
    pub own_kw: Vec<&'static str>,
    /// Keyword lines of nested keyword blocks (`authentication { auth_pass ... }`).
    pub nested: Vec<NodeRef<'t>>,
}

impl<'t> Instance<'t> {
    /// The name for messages.
    pub fn label(&self) -> &'t str {
        self.name.map_or("(unnamed)", |w| w.text())
    }

    /// Every line of keyword `kw` directly in the instance.
    pub fn all(&self, kw: &'static str) -> impl Iterator<Item = NodeRef<'t>> + '_ {
        crate::checks::lines_of(&self.own, &self.own_kw, kw)
    }

    /// The last line of keyword `kw` (keepalived keeps the last setting).
    pub fn last(&self, kw: &'static str) -> Option<NodeRef<'t>> {
        self.all(kw).last()
    }

    /// The first argument of the last line of keyword `kw`.
    pub fn arg(&self, kw: &'static str) -> Option<WordRef<'t>> {
        self.last(kw).and_then(|n| n.args().first())
    }

    /// The valid addresses listed in `unicast_peer` blocks.
    pub fn peers(&self) -> Vec<IpAddr> {
        self.all("unicast_peer")
            .filter_map(|n| n.block())
            .flat_map(|b| b.nodes())
            .filter(|l| l.block().is_none())
            .filter_map(|l| l.words().first().and_then(|w| ip(w.text())))
            .collect()
    }

    /// The virtual addresses (`virtual_ipaddress` lines) that parse, in order.
    pub fn vips(&self) -> Vec<(WordRef<'t>, IpAddr)> {
        self.all("virtual_ipaddress")
            .filter_map(|n| n.block())
            .flat_map(|b| b.nodes())
            .filter(|l| l.block().is_none())
            .filter_map(|l| l.words().first().and_then(|w| Some((w, ip(w.text())?))))
            .collect()
    }

    /// Whether a boolean keyword is on: its last line, without a value or with a true one.
    pub fn flag(&self, kw: &'static str) -> Option<bool> {
        self.last(kw).map(|n| flag_value(n))
    }

    /// Whether the instance runs in strict mode: its own `strict_mode`, else the global
    /// `vrrp_strict`.
    pub fn strict(&self, global: bool) -> bool {
        self.flag("strict_mode").unwrap_or(global)
    }

    /// The explicit priority if valid, else what keepalived derives (255 for state MASTER, else 100).
    pub fn priority(&self) -> u32 {
        match self.arg("priority") {
            Some(w) => w.text().parse().ok().filter(|p| (1..=255).contains(p)).unwrap_or(100),
            None if self.explicit_master() => 255,
            None => 100,
        }
    }

    /// The state the `state` lines leave, with the line that set it, read as keepalived does:
    /// `MASTER` sets it, a `BACKUP` after a `MASTER` is ignored, any other word means BACKUP.
    pub fn state_line(&self) -> Option<(bool, Span)> {
        let mut st: Option<(bool, Span)> = None;
        for n in self.all("state") {
            match n.args().first().map(|w| w.text()) {
                Some("MASTER") => st = Some((true, n.span())),
                Some("BACKUP") if st.is_some_and(|(m, _)| m) => {}
                Some(_) => st = Some((false, n.span())),
                None => {}
            }
        }
        st
    }

    /// Whether the `state` lines leave the instance MASTER.
    fn explicit_master(&self) -> bool {
        self.state_line().is_some_and(|(m, _)| m)
    }

    /// Whether the instance starts as MASTER as its lines say (before strict mode and
    /// authentication adjust it, see [`Effective::master`]): `state MASTER` (a later BACKUP does
    /// not undo it), or no state and priority 255.
    pub fn starts_master(&self) -> bool {
        match self.state_line() {
            Some((m, _)) => m,
            None => self.priority() == 255,
        }
    }

    /// The interface names of the `track_interface` lines, with the word naming each.
    pub fn tracked_interfaces(&self) -> Vec<WordRef<'t>> {
        self.all("track_interface")
            .filter_map(|n| n.block())
            .flat_map(|b| b.nodes())
            .filter(|l| l.block().is_none())
            .filter_map(|l| l.words().first())
            .collect()
    }
}

/// Reads an address as keepalived's peer and VIP parsers do: an optional `/prefix` or
/// `%scope` after it is ignored.
pub fn ip(text: &str) -> Option<IpAddr> {
    let end = text.find(['/', '%']).unwrap_or(text.len());
    text[..end].parse().ok()
}

/// Whether keepalived accepts an address as `mcast_dst_ip`: IPv4 multicast, or IPv6 link-local
/// multicast (ff02::/16).
pub fn mcast_dst_ok(a: &IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => v4.is_multicast(),
        IpAddr::V6(v6) => v6.segments()[0] == 0xff02,
    }
}

impl<'t> Instance<'t> {
    /// The first argument of the last line of `kw` that is a valid value of its type, with that
    /// line (keepalived ignores an invalid one with an error and keeps the earlier setting).
    pub fn valid(&self, kw: &'static str) -> Option<(Value, NodeRef<'t>)> {
        let k = schema::find(instance_table(), kw)?;
        let ty = k.args.first()?;
        self.all(kw)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .find_map(|n| Some((value(ty, n.args().first()?.text())?, n)))
    }

    fn uint(&self, kw: &'static str) -> Option<(u64, NodeRef<'t>)> {
        match self.valid(kw)? {
            (Value::Uint(v), n) => Some((v, n)),
            (Value::Port(p), n) => Some((u64::from(p), n)),
            _ => None,
        }
    }

    fn micros(&self, kw: &'static str) -> Option<(u64, NodeRef<'t>)> {
        match self.valid(kw)? {
            (Value::Micros(v), n) => Some((v, n)),
            (Value::Uint(s), n) => Some((s.checked_mul(1_000_000)?, n)),
            _ => None,
        }
    }

    /// The last line among the keywords `kws` (for pairs like `accept` / `no_accept`, where the
    /// later one wins).
    fn last_of(&self, kws: &[&str]) -> Option<NodeRef<'t>> {
        self.own
            .iter()
            .zip(&self.own_kw)
            .rev()
            .find(|(_, k)| kws.contains(k))
            .map(|(n, _)| *n)
    }

    /// The line that fixes the instance's address family, as keepalived reads the lines in order:
    /// `native_ipv6`, the first address of `virtual_ipaddress` or `unicast_peer`, a source
    /// address, any `mcast_dst_ip` address (keepalived takes its family before checking it is
    /// multicast) or the address of `use_ipvlan`; with the span of the word that decides it and
    /// whether it is IPv6. `virtual_ipaddress_excluded` does not count.
    pub fn family(&self) -> Option<(NodeRef<'t>, Span, bool)> {
        self.own.iter().zip(&self.own_kw).find_map(|(n, kw)| {
            let (span, v6) = family_of(*n, kw)?;
            Some((*n, span, v6))
        })
    }

    /// The version as keepalived deduces it. Reading the lines in order: the first address or
    /// `native_ipv6` fixes the family; `native_ipv6` sets version 3; a `version` line differing
    /// from one set earlier, or a `version 2` once IPv6 is known, is ignored. Completing the
    /// instance: an IPv6 instance left at version 2 runs VRRPv3 in strict mode (with an error)
    /// and VRRPv2 over IPv6 otherwise; without a version, IPv6 means 3, else the global
    /// `vrrp_version` (2).
    pub fn version(&self, g: &Globals<'_>, strict: bool) -> Version<'t> {
        let mut v6: Option<bool> = None;
        let mut set: Option<(u8, Option<NodeRef<'t>>, Span)> = None;
        let mut rejected = None;
        let mut conflicting = Vec::new();
        for (n, kw) in self.own.iter().zip(&self.own_kw) {
            match *kw {
                "native_ipv6" => {
                    if v6 != Some(false) {
                        v6 = Some(true);
                        set = Some((3, None, n.span()));
                    }
                    continue;
                }
                "version" => {
                    let want = match n.args().first().map(|w| w.text()) {
                        Some("2") => 2,
                        Some("3") => 3,
                        _ => continue,
                    };
                    if set.is_some_and(|(v, ..)| v != want) {
                        conflicting.push(*n);
                    } else if want == 2 && v6 == Some(true) {
                        rejected = Some(*n);
                    } else {
                        set = Some((want, Some(*n), n.span()));
                    }
                    continue;
                }
                _ => {}
            }
            if v6.is_none() {
                v6 = family_of(*n, kw).map(|(_, v6)| v6);
            }
        }
        let v6 = v6.unwrap_or(false);
        let configured = set.map(|(v, ..)| v);
        let explicit = set.and_then(|(_, n, _)| n);
        let (version, global, by) = match set {
            Some((2, _, at)) if v6 && strict => (3, false, Some(at)),
            Some((v, _, at)) => (v, false, Some(at)),
            None if v6 => (3, false, self.family().map(|(_, s, _)| s)),
            None => {
                let d = g.uint("vrrp_version").unwrap_or(Decided::default(2));
                (d.value as u8, true, d.by)
            }
        };
        Version {
            version,
            configured,
            v6,
            explicit,
            rejected,
            conflicting,
            global,
            by,
        }
    }
}

/// Whether line `n` (of keyword `kw`) fixes the family, and as which.
fn family_of(n: NodeRef<'_>, kw: &str) -> Option<(Span, bool)> {
    match kw {
        "native_ipv6" => Some((n.span(), true)),
        "virtual_ipaddress" | "unicast_peer" => n
            .block()
            .into_iter()
            .flat_map(|b| b.nodes())
            .filter(|l| l.block().is_none())
            .find_map(|l| {
                l.words()
                    .first()
                    .and_then(|w| Some((w.span(), ip(w.text())?.is_ipv6())))
            }),
        "unicast_src_ip" | "mcast_src_ip" | "mcast_dst_ip" => {
            n.args().first().and_then(|w| Some((w.span(), ip(w.text())?.is_ipv6())))
        }
        "use_ipvlan" => n.args().iter().find_map(|w| Some((w.span(), ip(w.text())?.is_ipv6()))),
        _ => None,
    }
}

/// Every `vrrp_instance` at the top level, with its keyword lines.
pub fn instances(parsed: &Parsed) -> Vec<Instance<'_>> {
    instances_with(parsed, &Resolved::default())
}

/// [`instances`], with the keywords looked up once.
pub fn instances_with<'t>(parsed: &'t Parsed, kw: &Resolved) -> Vec<Instance<'t>> {
    let Some(table) = schema::find(schema::ROOT, "vrrp_instance").and_then(|k| match k.body {
        Body::Keywords(sub) => Some(sub),
        _ => None,
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for node in parsed.tree.nodes() {
        if node.keyword() != Some("vrrp_instance") {
            continue;
        }
        let Some(block) = node.block() else {
            continue;
        };
        let mut inst = Instance {
            node,
            name: node.args().first(),
            own: Vec::new(),
            own_kw: Vec::new(),
            nested: Vec::new(),
        };
        visit(kw, block.nodes(), table, 1, &mut |n, k: &'static Keyword| {
            if schema::find(table, k.name).is_some_and(|own| std::ptr::eq(own, k)) {
                inst.own.push(n);
                inst.own_kw.push(k.name);
            } else {
                inst.nested.push(n);
            }
        });
        out.push(inst);
    }
    out
}

/// Legacy VRRPv2 authentication as keepalived keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Auth {
    /// `PASS` or `AH`.
    pub kind: &'static str,
    /// The password, truncated to the 8 bytes keepalived keeps.
    pub password: String,
    /// The `auth_type` line.
    pub by: Span,
}

/// Why keepalived drops an instance's authentication at load time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthDropped {
    Strict,
    Version3,
    NoPassword,
    AhWithIpv6,
}

/// Gratuitous ARP / unsolicited NA timing (microseconds and counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Garp {
    pub master_delay_us: Decided<u64>,
    pub master_repeat: Decided<u32>,
    pub master_refresh_us: Decided<u64>,
    pub master_refresh_repeat: Decided<u32>,
    pub lower_prio_delay_us: Decided<u64>,
    pub lower_prio_repeat: Decided<u32>,
}

/// What keepalived runs for one instance (before sync-group adjustments of the initial state).
pub struct Effective<'t> {
    pub version: Version<'t>,
    pub v6: Decided<bool>,
    pub strict: Decided<bool>,
    pub priority: Decided<u8>,
    /// Starts as MASTER.
    pub master: Decided<bool>,
    pub preempt: Decided<bool>,
    pub preempt_delay_us: Decided<u64>,
    pub accept: Decided<bool>,
    pub auth: Option<Auth>,
    /// Authentication written but dropped, and why.
    pub auth_dropped: Option<(AuthDropped, Span)>,
    /// The advert interval after keepalived's rounding for the version.
    pub advert_int_us: Decided<u64>,
    /// Unicast: some `unicast_peer` is given.
    pub unicast: Decided<bool>,
    /// The multicast group adverts go to (when not unicast).
    pub mcast_dst: Decided<IpAddr>,
    pub down_timer_adverts: Decided<u32>,
    pub lower_prio_no_advert: Decided<bool>,
    pub higher_prio_send_advert: Decided<bool>,
    pub skip_check_adv_addr: Decided<bool>,
    pub check_unicast_src: Decided<bool>,
    pub garp: Garp,
    /// Some unicast keyword is written (`unicast_peer`, `unicast_src_ip`, `check_unicast_src`,
    /// `unicast_fault_no_peer`, `old_unicast_checksum`), peers or not: keepalived then sets
    /// `vmac_xmit_base` itself.
    pub unicast_configured: Decided<bool>,
    /// The source address of adverts when written: the last `unicast_src_ip` / `mcast_src_ip`
    /// (dropped when of the other family), else the address of `use_ipvlan`.
    pub src_ip: Option<Decided<IpAddr>>,
    /// `old_unicast_checksum`: the last valid line.
    pub old_unicast_checksum: Decided<OldChecksum>,
    /// The VMAC or ipvlan interface, once every instance is read ([`resolve`] names them).
    pub vmac: Option<Vmac>,
}

/// keepalived 2.2.7's `unicast_chksum_compat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OldChecksum {
    /// Not written: the new form, switching to the old one when a peer uses it.
    Auto,
    /// `old_unicast_checksum never`.
    Never,
    /// `old_unicast_checksum`: the old form.
    Always,
}

/// Why keepalived ignores an interface name written in `use_vmac` / `use_ipvlan`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameIgnored {
    /// Not a name the kernel takes: 16 bytes or more, or (`use_vmac`) `.`, `..`, or with `/` or
    /// white space.
    Invalid,
    /// The instance has its name already (an earlier word or line).
    Again,
    /// An earlier instance's VMAC or ipvlan has it.
    UsedBy(String),
    /// An interface of that name exists (one the configuration names), and is not a VMAC
    /// keepalived could take over.
    Exists,
}

/// An instance's `use_vmac` (macvlan) or `use_ipvlan` interface as keepalived 2.2.7 ends up
/// with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vmac {
    pub ipvlan: bool,
    /// The interface name: the written one keepalived takes, else the first free name of
    /// `PREFIX.VRID`, `PREFIX1.VRID`, ... (see [`default_vmac_name`]).
    pub name: Decided<String>,
    /// Whether `name` is the written one.
    pub written: bool,
    /// Written names keepalived ignores, and why.
    pub ignored: Vec<(Span, NameIgnored)>,
    /// The MAC address keepalived runs (macvlan only), six lower-case octets: the written one
    /// it takes, except in strict mode.
    pub mac: Option<String>,
    /// The written MAC address keepalived reads (the first one, if valid), with its word.
    pub mac_written: Option<(String, Span)>,
    /// Adverts go out on the parent interface: `vmac_xmit_base`, or set by keepalived for a
    /// unicast instance with an interface; cleared in strict mode (macvlan only).
    pub xmit_base: Decided<bool>,
}

/// A flag keyword of the instance that overrides a global one, with strict mode forcing it to
/// `strict_value`: the instance's line, else strict mode, else the global flag.
fn strict_flag(
    inst: &Instance<'_>,
    g: &Globals<'_>,
    kw: &'static str,
    global: &str,
    strict: Decided<bool>,
    strict_value: bool,
) -> Decided<bool> {
    match inst.last(kw) {
        Some(n) if strict.value => Decided::by(strict_value, strict.by.or(Some(n.span()))),
        Some(n) => Decided::at(flag_value(n), n.span()),
        None if strict.value => Decided::by(strict_value, strict.by),
        None => g.flag(global),
    }
}

/// The advert interval keepalived runs: VRRPv2 in whole seconds (rounded half up, 1 to 255),
/// VRRPv3 in centiseconds (rounded half up, 1 to 4095).
pub fn round_advert(us: u64, version: u8) -> u64 {
    if version == 2 {
        if us >= 256 * 1_000_000 {
            255 * 1_000_000
        } else {
            ((us + 500_000) / 1_000_000).max(1) * 1_000_000
        }
    } else if us >= 4096 * 10_000 {
        4095 * 10_000
    } else {
        ((us + 5_000) / 10_000).max(1) * 10_000
    }
}

impl<'t> Effective<'t> {
    /// Works out what keepalived runs for `inst`.
    pub fn of(inst: &Instance<'t>, g: &Globals<'_>) -> Effective<'t> {
        let strict = match inst.last("strict_mode") {
            Some(n) => Decided::at(flag_value(n), n.span()),
            None => g.flag("vrrp_strict"),
        };
        let version = inst.version(g, strict.value);
        let v6 = Decided::by(version.v6, inst.family().map(|(_, s, _)| s));
        let owner_prio = 255u8;
        let priority = match inst.last("priority") {
            Some(n) => Decided::at(inst.priority() as u8, n.span()),
            None => match inst.state_line() {
                Some((true, at)) => Decided::at(owner_prio, at),
                _ => Decided::default(100),
            },
        };
        let owner = priority.value == owner_prio;
        // The state: `state MASTER` (a later BACKUP does not undo it), else derived from the
        // priority; strict mode makes it match being the owner.
        let mut master = match inst.state_line() {
            Some((m, at)) => Decided::at(m, at),
            None => Decided::by(owner, priority.by),
        };
        if inst.state_line().is_some() && strict.value && master.value != owner {
            master = Decided::by(owner, strict.by.or(master.by));
        }
        // Authentication, dropped in strict mode, with VRRPv3, without a password, or AH over IPv6.
        let auth_type = inst
            .nested
            .iter()
            .rev()
            .find(|n| n.keyword() == Some("auth_type"))
            .and_then(|n| match n.args().first().map(|w| w.text()) {
                Some("PASS") => Some(("PASS", n.span())),
                Some("AH") => Some(("AH", n.span())),
                _ => None,
            });
        let password = inst
            .nested
            .iter()
            .rev()
            .find(|n| n.keyword() == Some("auth_pass"))
            .and_then(|n| n.args().first())
            .map(|w| truncate_bytes(w.text(), 8));
        let (mut auth, mut auth_dropped) = (None, None);
        if let Some((kind, at)) = auth_type {
            let dropped = if strict.value {
                Some(AuthDropped::Strict)
            } else if version.version == 3 {
                Some(AuthDropped::Version3)
            } else if password.as_deref().is_none_or(str::is_empty) {
                Some(AuthDropped::NoPassword)
            } else if version.v6 && kind == "AH" {
                Some(AuthDropped::AhWithIpv6)
            } else {
                None
            };
            match dropped {
                Some(why) => auth_dropped = Some((why, at)),
                None => {
                    if kind == "AH" && master.value && !owner {
                        // AH needs an advert's sequence number before taking over.
                        master = Decided::at(false, at);
                    }
                    auth = Some(Auth {
                        kind,
                        password: password.unwrap_or_default(),
                        by: at,
                    })
                }
            }
        }
        // Preemption: the last of nopreempt / preempt; cleared for the owner and a MASTER.
        let nopreempt = inst
            .last_of(&["nopreempt", "preempt"])
            .filter(|n| n.keyword() == Some("nopreempt"));
        let preempt = match nopreempt {
            Some(n) if owner => Decided::by(true, priority.by.or(Some(n.span()))),
            Some(n) if master.value => Decided::by(true, master.by.or(Some(n.span()))),
            Some(n) => Decided::at(false, n.span()),
            None => Decided::default(true),
        };
        let preempt_delay_us = match inst.micros("preempt_delay") {
            Some((_, n)) if master.value => Decided::by(0, master.by.or(Some(n.span()))),
            Some((_, n)) if strict.value => Decided::by(0, strict.by.or(Some(n.span()))),
            Some((_, n)) if !preempt.value => Decided::by(0, preempt.by.or(Some(n.span()))),
            Some((us, n)) => Decided::at(us, n.span()),
            None => Decided::default(0),
        };
        let down_timer_adverts = match inst.uint("down_timer_adverts") {
            Some((_, n)) if strict.value => Decided::by(3, strict.by.or(Some(n.span()))),
            Some((v, n)) => Decided::at(v as u32, n.span()),
            None => match g.uint("vrrp_down_timer_adverts") {
                Some(d) if !strict.value => d.map(|v| v as u32),
                _ => Decided::default(3),
            },
        };
        // Accept mode: the last of accept / no_accept, else on unless strict (on for the owner);
        // strict VRRPv2 turns it off for a non-owner.
        let mut accept = match inst.last_of(&["accept", "no_accept"]) {
            Some(n) => Decided::at(n.keyword() == Some("accept"), n.span()),
            None => Decided::by(owner || !strict.value, strict.by),
        };
        if accept.value && !owner && strict.value && version.version == 2 {
            accept = Decided::by(false, strict.by);
        }
        let advert_int_us = match inst.micros("advert_int") {
            Some((us, n)) => Decided::at(round_advert(us, version.version), n.span()),
            None => Decided::default(1_000_000),
        };
        let peers = inst.peers();
        let unicast = match inst.last("unicast_peer") {
            Some(n) if !peers.is_empty() => Decided::at(true, n.span()),
            _ => Decided::default(false),
        };
        let mcast_dst = match inst.valid("mcast_dst_ip") {
            Some((Value::Ip(a), n)) if mcast_dst_ok(&a) && a.is_ipv6() == version.v6 => Decided::at(a, n.span()),
            _ if version.v6 => g
                .ip("vrrp_mcast_group6")
                .unwrap_or(Decided::default(IpAddr::V6(Ipv6Addr::new(
                    0xff02, 0, 0, 0, 0, 0, 0, 0x12,
                )))),
            _ => g
                .ip("vrrp_mcast_group4")
                .unwrap_or(Decided::default(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 18)))),
        };
        let lower_prio_no_advert = strict_flag(
            inst,
            g,
            "lower_prio_no_advert",
            "vrrp_lower_prio_no_advert",
            strict,
            true,
        );
        let higher_prio_send_advert = strict_flag(
            inst,
            g,
            "higher_prio_send_advert",
            "vrrp_higher_prio_send_advert",
            strict,
            false,
        );
        // Any skip_check_adv_addr line turns it on, even one saying `false` (keepalived 2.2.7).
        let skip_check_adv_addr = match inst.last("skip_check_adv_addr") {
            Some(n) => Decided::at(true, n.span()),
            None => g.flag("vrrp_skip_check_adv_addr"),
        };
        // check_unicast_src, or a peer with min_ttl / max_ttl, or the global setting.
        let ttl_peer = inst
            .all("unicast_peer")
            .filter_map(|n| n.block())
            .flat_map(|b| b.nodes())
            .find(|l| {
                l.words()
                    .iter()
                    .skip(1)
                    .any(|w| matches!(w.text(), "min_ttl" | "max_ttl"))
            });
        let check_unicast_src = match (inst.last("check_unicast_src"), ttl_peer) {
            (Some(n), _) | (None, Some(n)) => Decided::at(true, n.span()),
            (None, None) => g.flag("vrrp_check_unicast_src"),
        };
        let garp = garp(inst, g, strict);
        let unicast_configured = inst
            .own
            .iter()
            .zip(&inst.own_kw)
            .find(|(_, k)| {
                matches!(
                    **k,
                    "unicast_peer"
                        | "unicast_src_ip"
                        | "check_unicast_src"
                        | "unicast_fault_no_peer"
                        | "old_unicast_checksum"
                )
            })
            .map_or(Decided::default(false), |(n, _)| Decided::at(true, n.span()));
        let old_unicast_checksum = inst
            .all("old_unicast_checksum")
            .filter_map(|n| match n.args().first().map(|w| w.text()) {
                None => Some(Decided::at(OldChecksum::Always, n.span())),
                Some("never") => Some(Decided::at(OldChecksum::Never, n.span())),
                Some(_) => None,
            })
            .last()
            .unwrap_or(Decided::default(OldChecksum::Auto));
        let src_ip = src_ip(inst);
        Effective {
            version,
            v6,
            strict,
            priority,
            master,
            preempt,
            preempt_delay_us,
            accept,
            auth,
            auth_dropped,
            advert_int_us,
            unicast,
            mcast_dst,
            down_timer_adverts,
            lower_prio_no_advert,
            higher_prio_send_advert,
            skip_check_adv_addr,
            check_unicast_src,
            garp,
            unicast_configured,
            old_unicast_checksum,
            src_ip,
            vmac: None,
        }
    }
}

/// The source address keepalived reads, its lines in order: `unicast_src_ip` and
/// `mcast_src_ip` set it (an address of the other family than the instance's, or one that does
/// not read, clears it); the first address of the first `use_ipvlan`, of the instance's family,
/// sets it when none is set yet.
fn src_ip(inst: &Instance<'_>) -> Option<Decided<IpAddr>> {
    let mut v6: Option<bool> = None;
    let mut src: Option<Decided<IpAddr>> = None;
    let mut ipvlan_seen = false;
    for (n, kw) in inst.own.iter().zip(&inst.own_kw) {
        match *kw {
            "unicast_src_ip" | "mcast_src_ip" => {
                // keepalived cuts a `/mask` or `-range` off (inet_stosockaddr).
                let a = n.args().first().and_then(|w| {
                    let t = w.text();
                    t[..t.find(['-', '/']).unwrap_or(t.len())].parse::<IpAddr>().ok()
                });
                src = a.and_then(|a| {
                    let fam = *v6.get_or_insert(a.is_ipv6());
                    (fam == a.is_ipv6()).then(|| Decided::at(a, n.span()))
                });
            }
            "use_ipvlan" if !std::mem::replace(&mut ipvlan_seen, true) => {
                let addr = n.args().iter().find_map(|w| {
                    let a = ip(w.text())?;
                    (v6.is_none_or(|f| f == a.is_ipv6())).then_some((a, w.span()))
                });
                if let Some((a, at)) = addr {
                    v6.get_or_insert(a.is_ipv6());
                    if src.is_none() {
                        src = Some(Decided::at(a, at));
                    }
                }
            }
            _ => {}
        }
        if v6.is_none() {
            v6 = family_of(*n, kw).map(|(_, v6)| v6);
        }
    }
    src
}

/// Garp timing: each instance setting, else the global one; the global lower-priority settings
/// default to the global master ones; strict mode forces the lower-priority ones to 0.
fn garp(inst: &Instance<'_>, g: &Globals<'_>, strict: Decided<bool>) -> Garp {
    let secs = |kw: &'static str, global: &str| match inst.micros(kw) {
        Some((us, n)) => Decided::at(us, n.span()),
        None => g.micros(global).unwrap_or(Decided::default(0)),
    };
    let count = |kw: &'static str, global: &str| match inst.uint(kw) {
        Some((v, n)) => Decided::at(v as u32, n.span()),
        None => g.uint(global).map_or(Decided::default(1), |d| d.map(|v| v as u32)),
    };
    let g_lp_delay = g
        .micros("vrrp_garp_lower_prio_delay")
        .filter(|d| d.by.is_some())
        .or(g.micros("vrrp_garp_master_delay"))
        .unwrap_or(Decided::default(0));
    let g_lp_repeat = g
        .uint("vrrp_garp_lower_prio_repeat")
        .filter(|d| d.by.is_some())
        .or(g.uint("vrrp_garp_master_repeat"))
        .map_or(Decided::default(0), |d| d.map(|v| v as u32));
    let (lower_prio_delay_us, lower_prio_repeat) = if strict.value {
        let by = strict.by;
        (Decided::by(0, by), Decided::by(0, by))
    } else {
        (
            inst.micros("garp_lower_prio_delay")
                .map_or(g_lp_delay, |(us, n)| Decided::at(us, n.span())),
            inst.uint("garp_lower_prio_repeat")
                .map_or(g_lp_repeat, |(v, n)| Decided::at(v as u32, n.span())),
        )
    };
    let at_least_one = |d: Decided<u32>| d.map(|v| v.max(1));
    Garp {
        master_delay_us: secs("garp_master_delay", "vrrp_garp_master_delay"),
        master_repeat: at_least_one(count("garp_master_repeat", "vrrp_garp_master_repeat")),
        master_refresh_us: secs("garp_master_refresh", "vrrp_garp_master_refresh"),
        master_refresh_repeat: at_least_one(count("garp_master_refresh_repeat", "vrrp_garp_master_refresh_repeat")),
        lower_prio_delay_us,
        lower_prio_repeat,
    }
}

/// The first `max` bytes of `s`, cut at a character boundary.
fn truncate_bytes(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Every instance of a parse: its view and, at the same index, what keepalived runs for it.
pub fn resolve(parsed: &Parsed) -> (Vec<Instance<'_>>, Vec<Effective<'_>>) {
    let g = Globals::read(parsed);
    let insts = instances(parsed);
    let effective = effective_all(parsed, &insts, &g);
    (insts, effective)
}

/// What keepalived runs for each of `insts` (the instances of `parsed`), the settings that
/// depend on other instances (VMAC names) included.
pub fn effective_all<'t>(parsed: &Parsed, insts: &[Instance<'t>], g: &Globals<'_>) -> Vec<Effective<'t>> {
    let mut effective: Vec<Effective<'t>> = insts.iter().map(|i| Effective::of(i, g)).collect();
    let vmacs = vmacs(parsed, insts, &effective, g);
    for (e, v) in effective.iter_mut().zip(vmacs) {
        e.vmac = v;
    }
    effective
}

/// The names of the interfaces the configuration names (an instance's `interface`,
/// `track_interface`, `dev` of an address or route, the sync daemon's, ...), each with the id of
/// the first node naming it. keepalived knows them all by the time it names VMACs: without
/// `dynamic_interfaces` they must exist, with it keepalived adds each to its list when it reads
/// it.
pub fn config_interfaces(parsed: &Parsed) -> std::collections::BTreeMap<String, u32> {
    let mut out = std::collections::BTreeMap::new();
    for (_, n) in parsed.tree.walk() {
        let mut add = |name: &str| {
            out.entry(name.to_string()).or_insert(n.id());
        };
        let words: Vec<&str> = n.words().iter().map(|w| w.text()).collect();
        match n.keyword() {
            Some("interface" | "lvs_sync_daemon_interface" | "lvs_sync_daemon" | "default_interface") => {
                if let Some(a) = words.get(1) {
                    add(a);
                }
            }
            Some("track_interface") => {
                for l in n.block().into_iter().flat_map(|b| b.nodes()) {
                    if let Some(w) = l.words().first() {
                        add(w.text());
                    }
                }
            }
            _ => {}
        }
        for pair in words.windows(2) {
            if matches!(pair[0], "dev" | "oif" | "iif") {
                add(pair[1]);
            }
        }
    }
    out
}

/// The name keepalived makes up for a VMAC or ipvlan of `vrid`: the first of `PREFIX.VRID`,
/// then `PREFIXn.VRID` for n = 1, 2, ... (IPv6: n = 6 first, then 1 to 5, 7, ...) that `taken`
/// does not hold; the prefix is cut so that the name fits in 15 bytes (`create_vmac_name`).
pub fn default_vmac_name(prefix: &str, vrid: u8, v6: bool, taken: impl Fn(&str) -> bool) -> String {
    let fit = |num: &str| {
        let tail = format!("{num}.{vrid}");
        let mut p = prefix.len().min(15usize.saturating_sub(tail.len()));
        while !prefix.is_char_boundary(p) {
            p -= 1;
        }
        format!("{}{tail}", &prefix[..p])
    };
    let mut name = fit("");
    let mut num = 0u32;
    while taken(&name) {
        num = match (v6, num) {
            (true, 0) => 6,
            (true, 6) => 1,
            (true, 5) => 7,
            (_, n) => n + 1,
        };
        name = fit(&num.to_string());
    }
    name
}

/// Whether keepalived takes `name` as a VMAC interface name (the kernel's `dev_name_valid`).
fn vmac_name_valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 16
        && name != "."
        && name != ".."
        && !name.contains(['/', ':'])
        && !name.chars().any(char::is_whitespace)
}

/// A MAC address word of `use_vmac` as keepalived reads it: six hex octets, or five (the VRID
/// becomes the sixth); `None` when keepalived ignores it (malformed, multicast, or an RFC 5798
/// virtual router MAC).
fn vmac_mac(text: &str, vrid: u8) -> Option<String> {
    if !text.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
        return None;
    }
    let parts: Vec<&str> = text.trim_end_matches(':').split(':').collect();
    let trailing = text.ends_with(':');
    let mut octets: Vec<u8> = Vec::new();
    for p in &parts {
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        octets.push(u8::from_str_radix(p, 16).ok()?);
    }
    match octets.len() {
        5 => octets.push(vrid),
        6 if !trailing => {}
        _ => return None,
    }
    if octets[0] & 1 == 1 || (octets[..4] == [0, 0, 0x5e, 0] && matches!(octets[4], 1 | 2)) {
        return None;
    }
    Some(octets.iter().map(|o| format!("{o:02x}")).collect::<Vec<_>>().join(":"))
}

/// The VMAC / ipvlan interface of each instance. keepalived reads the written names instance by
/// instance (refusing one another instance took first, or one an interface has), then, at load
/// time, names the others in file order, skipping every name an instance or interface has.
fn vmacs(parsed: &Parsed, insts: &[Instance<'_>], effective: &[Effective<'_>], g: &Globals<'_>) -> Vec<Option<Vmac>> {
    let named = config_interfaces(parsed);
    // A written name is refused when keepalived knows an interface of that name as it reads
    // the line: one the host has (without dynamic_interfaces, every name the configuration
    // uses), or one an earlier line named.
    let dynamic = g.flag("dynamic_interfaces").value;
    let exists_at = |name: &str, line: NodeRef<'_>| named.get(name).is_some_and(|&id| !dynamic || id < line.id());
    let mut out: Vec<Option<Vmac>> = Vec::new();
    for (inst, e) in insts.iter().zip(effective) {
        let vrid = inst.uint("virtual_router_id").map_or(0, |(v, _)| v as u8);
        let lines: Vec<NodeRef<'_>> = inst
            .own
            .iter()
            .zip(&inst.own_kw)
            .filter(|(_, k)| matches!(**k, "use_vmac" | "use_ipvlan"))
            .map(|(n, _)| *n)
            .collect();
        let Some(first) = lines.first() else {
            out.push(None);
            continue;
        };
        let ipvlan = !lines.iter().any(|n| n.keyword() == Some("use_vmac"));
        let mut name: Option<(String, Span)> = None;
        let mut ignored = Vec::new();
        let mut mac = None;
        let mut ipvlan_seen = false;
        for n in &lines {
            let words: Vec<WordRef<'_>> = if n.keyword() == Some("use_vmac") {
                // keepalived reads the first two words only.
                n.args().iter().take(2).collect()
            } else {
                // A second use_ipvlan line is refused whole.
                if std::mem::replace(&mut ipvlan_seen, true) {
                    continue;
                }
                n.args()
                    .iter()
                    .filter(|w| !matches!(w.text(), "bridge" | "private" | "vepa") && ip(w.text()).is_none())
                    .collect()
            };
            for w in words {
                let text = w.text();
                if n.keyword() == Some("use_vmac") && text.contains(':') {
                    if mac.is_none() {
                        mac = vmac_mac(text, vrid).map(|m| (m, w.span()));
                    }
                    continue;
                }
                let valid = if n.keyword() == Some("use_vmac") {
                    vmac_name_valid(text)
                } else {
                    text.len() < 16
                };
                let why = if name.is_some() {
                    Some(NameIgnored::Again)
                } else if !valid {
                    Some(NameIgnored::Invalid)
                } else if let Some(o) = out
                    .iter()
                    .zip(insts)
                    .find(|(v, _)| v.as_ref().is_some_and(|v| v.written && v.name.value == text))
                {
                    Some(NameIgnored::UsedBy(o.1.label().to_string()))
                } else if exists_at(text, *n) {
                    Some(NameIgnored::Exists)
                } else {
                    None
                };
                match why {
                    Some(why) => ignored.push((w.span(), why)),
                    None => name = Some((text.to_string(), w.span())),
                }
            }
        }
        // Unicast without an interface: keepalived clears use_vmac (vrrp_end_handler).
        if e.unicast_configured.value && inst.last("interface").is_none() {
            out.push(None);
            continue;
        }
        let xmit_base = if ipvlan {
            Decided::default(false)
        } else if e.strict.value {
            Decided::by(false, e.strict.by)
        } else if let Some(n) = inst.last("vmac_xmit_base") {
            Decided::at(true, n.span())
        } else if e.unicast_configured.value {
            Decided::by(true, e.unicast_configured.by)
        } else {
            Decided::default(false)
        };
        let written = name.is_some();
        out.push(Some(Vmac {
            ipvlan,
            name: match name {
                Some((n, at)) => Decided::at(n, at),
                None => Decided::at(String::new(), first.span()),
            },
            written,
            ignored,
            // Strict mode runs the RFC virtual MAC (vrrp_complete_instance).
            mac: mac
                .as_ref()
                .filter(|_| !ipvlan && !e.strict.value)
                .map(|(m, _)| m.clone()),
            mac_written: mac.filter(|_| !ipvlan),
            xmit_base,
        }));
    }
    // The made-up names, in file order, avoiding every name taken so far or written later.
    let prefix = g.first_text("vmac_prefix").map_or("vrrp", |d| d.value);
    for k in 0..out.len() {
        if out[k].as_ref().is_none_or(|v| v.written) {
            continue;
        }
        let vrid = insts[k].uint("virtual_router_id").map_or(0, |(v, _)| v as u8);
        let taken = |n: &str| named.contains_key(n) || out.iter().flatten().any(|v| v.name.value == n);
        let name = default_vmac_name(prefix, vrid, effective[k].v6.value, taken);
        if let Some(v) = out[k].as_mut() {
            v.name.value = name;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, f: impl FnOnce(&Parsed, &Effective<'_>)) {
        let parsed = vigil_grammar::parse_text("/t.conf", text);
        let (insts, effective) = resolve(&parsed);
        assert_eq!(insts.len(), 1);
        f(&parsed, &effective[0]);
    }

    fn line_of(parsed: &Parsed, span: Option<Span>) -> usize {
        let span = span.expect("a deciding line");
        parsed.sources.get(span.file).line_col(span.start).0
    }

    #[test]
    fn instance_strict_mode_overrides_the_global_one() {
        let text = "global_defs {\n vrrp_strict\n}\nvrrp_instance A {\n strict_mode off\n interface eth0\n \
                    virtual_router_id 1\n authentication {\n auth_type PASS\n auth_pass secret99x\n }\n \
                    virtual_ipaddress {\n 192.0.2.1\n }\n}\n";
        one(text, |parsed, e| {
            assert!(!e.strict.value);
            assert_eq!(line_of(parsed, e.strict.by), 5);
            assert!(e.accept.value, "accept defaults on without strict mode");
            let auth = e.auth.as_ref().expect("PASS authentication is kept");
            assert_eq!((auth.kind, auth.password.as_str()), ("PASS", "secret99"));
            assert!(!e.lower_prio_no_advert.value);
        });
        // And the other way: the global setting off, the instance on.
        let text = "vrrp_instance A {\n strict_mode\n interface eth0\n virtual_router_id 1\n priority 50\n \
                    authentication {\n auth_type PASS\n auth_pass x\n }\n virtual_ipaddress {\n 192.0.2.1\n }\n}\n";
        one(text, |parsed, e| {
            assert!(e.strict.value);
            assert!(!e.accept.value);
            assert_eq!(e.auth_dropped.map(|(w, _)| w), Some(AuthDropped::Strict));
            assert!(e.lower_prio_no_advert.value);
            assert_eq!(line_of(parsed, e.lower_prio_no_advert.by), 2);
        });
    }

    #[test]
    fn version_follows_the_order_of_the_lines() {
        let inst = |body: &str| format!("vrrp_instance A {{\n interface eth0\n virtual_router_id 1\n{body}}}\n");
        let v6 = " virtual_ipaddress {\n fe80::1\n }\n";
        // `version 2` before the IPv6 address: VRRPv2 over IPv6 (not strict) ...
        one(&inst(&format!(" version 2\n{v6}")), |_, e| {
            assert_eq!((e.version.version, e.version.v6), (2, true));
        });
        // ... VRRPv3 in strict mode ...
        one(&inst(&format!(" strict_mode\n version 2\n{v6}")), |_, e| {
            assert_eq!(e.version.version, 3)
        });
        // ... and ignored after it.
        one(&inst(&format!("{v6} version 2\n")), |_, e| {
            assert_eq!(e.version.version, 3);
            assert!(e.version.rejected.is_some());
        });
        // The first version is kept; native_ipv6 sets 3.
        one(&inst(" version 2\n version 3\n"), |_, e| {
            assert_eq!(e.version.version, 2);
            assert_eq!(e.version.conflicting.len(), 1);
        });
        one(&inst(" version 2\n native_ipv6\n"), |_, e| {
            assert_eq!((e.version.version, e.v6.value), (3, true))
        });
        // The global default, with the line that set it.
        let text = format!("global_defs {{\n vrrp_version 3\n}}\n{}", inst(" advert_int 0.123\n"));
        one(&text, |parsed, e| {
            assert_eq!(e.version.version, 3);
            assert_eq!(line_of(parsed, e.version.by), 2);
            assert_eq!(e.advert_int_us.value, 120_000);
        });
    }

    #[test]
    fn state_priority_and_preemption() {
        let inst = |body: &str| format!("vrrp_instance A {{\n interface eth0\n virtual_router_id 1\n{body}}}\n");
        one(&inst(" state MASTER\n state BACKUP\n nopreempt\n"), |_, e| {
            assert!(e.master.value, "a later BACKUP is ignored");
            assert_eq!(e.priority.value, 255, "MASTER without a priority is the owner");
            assert!(e.preempt.value, "nopreempt is cleared for the owner");
        });
        one(
            &inst(" nopreempt\n preempt\n accept\n no_accept\n preempt_delay 3\n"),
            |_, e| {
                assert!(e.preempt.value, "a later preempt cancels nopreempt");
                assert!(!e.accept.value, "the later of accept / no_accept wins");
                assert_eq!(e.preempt_delay_us.value, 3_000_000);
            },
        );
        one(&inst(" nopreempt\n preempt_delay 3\n"), |_, e| {
            assert!(!e.preempt.value);
            assert_eq!(e.preempt_delay_us.value, 0, "preempt_delay needs preemption");
        });
        // AH with an initial MASTER that is not the owner starts as BACKUP.
        one(
            &inst(" state MASTER\n priority 100\n authentication {\n auth_type AH\n auth_pass x\n }\n"),
            |_, e| assert!(!e.master.value),
        );
    }

    #[test]
    fn instance_flags_override_global_ones_either_way() {
        let text = "global_defs {\n vrrp_lower_prio_no_advert\n vrrp_garp_master_delay 7\n}\n\
                    vrrp_instance A {\n interface eth0\n virtual_router_id 1\n lower_prio_no_advert false\n \
                    skip_check_adv_addr false\n unicast_peer {\n 192.0.2.9 min_ttl 3\n }\n}\n";
        one(text, |_, e| {
            assert!(!e.lower_prio_no_advert.value);
            assert!(e.skip_check_adv_addr.value, "any skip_check_adv_addr line turns it on");
            assert!(e.check_unicast_src.value, "a peer TTL limit turns check_unicast_src on");
            assert!(e.unicast.value);
            assert_eq!(e.garp.master_delay_us.value, 7_000_000);
            assert_eq!(e.garp.lower_prio_delay_us.value, 7_000_000);
        });
    }

    #[test]
    fn vmac_names_as_keepalived_picks_them() {
        let inst = |name: &str, vrid: u32, iface: &str, vmac: &str, vip: &str| {
            format!(
                "vrrp_instance {name} {{\n interface {iface}\n virtual_router_id {vrid}\n {vmac}\n \
                 virtual_ipaddress {{\n {vip}\n }}\n}}\n"
            )
        };
        let text = [
            inst("A", 5, "eth0", "use_vmac", "10.0.0.1"),
            inst("B", 5, "eth1", "use_vmac", "10.0.0.2"),
            inst("C", 5, "eth0", "use_vmac", "fe80::1"),
            inst("D", 6, "eth2", "use_vmac vrrp.5", "10.0.0.3"),
            inst("E", 7, "eth2", "use_vmac eth0 02:11:22:33:44", "10.0.0.4"),
            inst("F", 8, "eth1", "use_vmac vrrp.5", "10.0.0.5"),
            inst("G", 9, "eth1", "use_vmac a/b", "10.0.0.6"),
            inst("H", 10, "eth1", "use_ipvlan 10.0.0.99/24 ipv0", "10.0.0.7"),
        ]
        .concat();
        let parsed = vigil_grammar::parse_text("/t.conf", &text);
        let (_, effective) = resolve(&parsed);
        let names: Vec<String> = effective
            .iter()
            .map(|e| e.vmac.as_ref().map_or(String::new(), |v| v.name.value.clone()))
            .collect();
        // The written vrrp.5 (D) is reserved before A, B and C are named; eth0 exists; F's
        // vrrp.5 is D's; a/b is not a name.
        assert_eq!(
            names,
            ["vrrp1.5", "vrrp2.5", "vrrp6.5", "vrrp.5", "vrrp.7", "vrrp.8", "vrrp.9", "ipv0"]
        );
        let e = effective[4].vmac.as_ref().unwrap();
        assert_eq!(e.mac.as_deref(), Some("02:11:22:33:44:07"));
        assert_eq!(
            e.ignored.iter().map(|(_, w)| w.clone()).collect::<Vec<_>>(),
            [NameIgnored::Exists]
        );
        assert_eq!(
            effective[5].vmac.as_ref().unwrap().ignored[0].1,
            NameIgnored::UsedBy("D".into())
        );
        assert_eq!(
            effective[7].src_ip.map(|d| d.value.to_string()).as_deref(),
            Some("10.0.0.99")
        );
        // IPv6 goes on from vrrp6 to vrrp1..5 then vrrp7; the prefix is cut to fit 15 bytes.
        let taken = [
            "vrrp.1", "vrrp6.1", "vrrp1.1", "vrrp2.1", "vrrp3.1", "vrrp4.1", "vrrp5.1",
        ];
        assert_eq!(default_vmac_name("vrrp", 1, true, |n| taken.contains(&n)), "vrrp7.1");
        let taken = ["vrrp.1", "vrrp1.1"];
        assert_eq!(default_vmac_name("vrrp", 1, false, |n| taken.contains(&n)), "vrrp2.1");
        assert_eq!(default_vmac_name("vrrp", 1, true, |n| taken.contains(&n)), "vrrp6.1");
        assert_eq!(
            default_vmac_name("averylongprefix", 200, false, |_| false),
            "averylongpr.200"
        );
    }

    #[test]
    fn advert_rounding() {
        assert_eq!(round_advert(1_400_000, 2), 1_000_000);
        assert_eq!(round_advert(1_500_000, 2), 2_000_000);
        assert_eq!(round_advert(100_000, 2), 1_000_000);
        assert_eq!(round_advert(3_700, 3), 10_000);
        assert_eq!(round_advert(125_000, 3), 130_000);
        assert_eq!(round_advert(50_000_000, 3), 40_950_000);
    }
}
