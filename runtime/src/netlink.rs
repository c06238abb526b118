//! The one module that talks rtnetlink (through neli): the host's links and addresses, adding
//! and removing the addresses vigild owns, and a wake-up when either changes. Everything else
//! asks this module for changes.
//!
//! Request building ([`addr_request`]) is a pure function, tested without root; the rest is
//! the thin I/O shell around it.

use neli::consts::nl::NlmF;
use neli::consts::rtnl::{Arphrd, Ifa, IfaF, Iff, Ifla, RtAddrFamily, RtScope, RtTable, Rta, Rtm, RtmF, Rtn, Rtprot};
use neli::consts::socket::NlFamily;
use neli::nl::NlPayload;
use neli::router::synchronous::NlRouter;
use neli::rtnl::{Ifaddrmsg, IfaddrmsgBuilder, Ifinfomsg, IfinfomsgBuilder, RtattrBuilder, Rtmsg, RtmsgBuilder};
use neli::types::{Buffer, RtBuffer};
use neli::utils::Groups;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::net::UnixStream;

/// An interface as the kernel reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub index: u32,
    pub name: String,
    /// Administratively up and with carrier (IFF_UP and IFF_RUNNING).
    pub up: bool,
    pub mac: Option<[u8; 6]>,
    /// IFLA_INFO_KIND (`macvlan`, `veth`, ...), for a link that has one.
    pub kind: Option<String>,
    /// A macvlan's IFLA_MACVLAN_MODE (1 private, 2 VEPA, 4 bridge, 8 passthru, 16 source).
    pub macvlan_mode: Option<u32>,
    /// IFLA_LINK: the interface a macvlan (or VLAN, ...) sits on.
    pub parent: Option<u32>,
}

/// An address on an interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostAddr {
    pub index: u32,
    pub addr: IpAddr,
    pub prefix_len: u8,
    /// RT_SCOPE_* (0 global, 253 link, 254 host).
    pub scope: u8,
    /// IFA_F_SECONDARY: not the interface's primary address of its subnet.
    pub secondary: bool,
}

/// The host's interfaces and addresses at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Host {
    pub links: Vec<Link>,
    pub addrs: Vec<HostAddr>,
}

impl Host {
    pub fn link(&self, name: &str) -> Option<&Link> {
        self.links.iter().find(|l| l.name == name)
    }

    /// The address adverts of `family` leave `index` from: the first primary IPv4 address
    /// (keepalived takes the interface's primary address), or the first IPv6 link-local one.
    /// Addresses in `exclude` (our own virtual addresses) never count.
    pub fn primary(&self, index: u32, v6: bool, exclude: &[IpAddr]) -> Option<IpAddr> {
        let mut candidates = self
            .addrs
            .iter()
            .filter(|a| a.index == index && a.addr.is_ipv6() == v6 && !exclude.contains(&a.addr));
        if v6 {
            candidates
                .find(|a| matches!(a.addr, IpAddr::V6(x) if (x.segments()[0] & 0xffc0) == 0xfe80))
                .map(|a| a.addr)
        } else {
            let all: Vec<&HostAddr> = candidates.by_ref().collect();
            all.iter().find(|a| !a.secondary).or(all.first()).map(|a| a.addr)
        }
    }

    pub fn has_addr(&self, index: u32, addr: IpAddr) -> bool {
        self.addrs.iter().any(|a| a.index == index && a.addr == addr)
    }
}

/// One address vigild installs: the parts of a plan `Address` the kernel is told.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AddrSpec {
    pub index: u32,
    pub addr: IpAddr,
    pub prefix_len: u8,
    pub scope: u8,
    pub broadcast: Option<Ipv4Addr>,
    pub label: Option<String>,
    pub nodad: bool,
    pub noprefixroute: bool,
    /// IPv6: the preferred lifetime in seconds (0: deprecated, so it is not picked as a
    /// source); `None`: forever.
    pub preferred_lft: Option<u32>,
}

impl AddrSpec {
    /// `plan`'s address on interface `index`.
    pub fn of(plan: &vigil_plan::Address, index: u32) -> AddrSpec {
        let broadcast = match (&plan.broadcast, plan.address) {
            (Some(vigil_plan::Broadcast::Address(b)), _) => Some(*b),
            (Some(vigil_plan::Broadcast::HostBitsSet), IpAddr::V4(a)) => Some(host_bits(a, plan.prefix_len, true)),
            (Some(vigil_plan::Broadcast::HostBitsClear), IpAddr::V4(a)) => Some(host_bits(a, plan.prefix_len, false)),
            _ => None,
        };
        AddrSpec {
            index,
            addr: plan.address,
            prefix_len: plan.prefix_len,
            scope: plan.scope.unwrap_or(0),
            broadcast,
            label: plan.label.clone(),
            // keepalived adds every IPv6 virtual address with IFA_F_NODAD: VRRP is its DAD.
            nodad: plan.nodad || plan.address.is_ipv6(),
            noprefixroute: plan.noprefixroute,
            preferred_lft: plan
                .preferred_lft_ms
                .filter(|_| plan.address.is_ipv6())
                .map(|ms| u32::try_from(ms / 1000).unwrap_or(u32::MAX - 1)),
        }
    }
}

fn host_bits(a: Ipv4Addr, prefix_len: u8, set: bool) -> Ipv4Addr {
    let mask = if prefix_len >= 32 {
        u32::MAX
    } else {
        !(u32::MAX >> prefix_len)
    };
    let n = u32::from(a);
    Ipv4Addr::from(if set { n | !mask } else { n & mask })
}

const IFA_F_NODAD: u32 = 0x02;
const IFA_F_NOPREFIXROUTE: u32 = 0x200;

fn octets(a: IpAddr) -> Vec<u8> {
    match a {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// Why a netlink request failed, with what it was for.
#[derive(Debug)]
pub struct NetlinkError(pub String);

impl std::fmt::Display for NetlinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(what: &str, e: impl std::fmt::Display) -> NetlinkError {
    NetlinkError(format!("{what}: {e}"))
}

/// The RTM_NEWADDR (`add`) or RTM_DELADDR payload for `spec`, as keepalived builds it:
/// on an IPv6 add IFA_CACHEINFO when the preferred lifetime is not forever, IFA_LOCAL, and on
/// add the broadcast, IFA_FLAGS and label.
pub fn addr_request(spec: &AddrSpec, add: bool) -> Result<Ifaddrmsg, NetlinkError> {
    let family = if spec.addr.is_ipv6() {
        RtAddrFamily::Inet6
    } else {
        RtAddrFamily::Inet
    };
    let mut attrs: RtBuffer<Ifa, Buffer> = RtBuffer::new();
    let attr = |t: Ifa, payload: Vec<u8>| {
        RtattrBuilder::default()
            .rta_type(t)
            .rta_payload(payload)
            .build()
            .map_err(|e| err("building an address attribute", e))
    };
    if let (true, true, Some(pref)) = (add, spec.addr.is_ipv6(), spec.preferred_lft) {
        // struct ifa_cacheinfo: preferred, valid (forever), cstamp, tstamp.
        let mut ci = Vec::with_capacity(16);
        for v in [pref, u32::MAX, 0, 0] {
            ci.extend_from_slice(&v.to_ne_bytes());
        }
        attrs.push(attr(Ifa::Cacheinfo, ci)?);
    }
    attrs.push(attr(Ifa::Local, octets(spec.addr))?);
    if add {
        if let Some(b) = spec.broadcast {
            attrs.push(attr(Ifa::Broadcast, b.octets().to_vec())?);
        }
        let flags = if spec.nodad { IFA_F_NODAD } else { 0 } | if spec.noprefixroute { IFA_F_NOPREFIXROUTE } else { 0 };
        if flags != 0 {
            attrs.push(attr(Ifa::Flags, flags.to_ne_bytes().to_vec())?);
        }
        if let Some(l) = &spec.label {
            let mut b = l.as_bytes().to_vec();
            b.push(0);
            attrs.push(attr(Ifa::Label, b)?);
        }
    } else if !spec.addr.is_ipv6() {
        attrs.push(attr(Ifa::Address, octets(spec.addr))?);
    }
    IfaddrmsgBuilder::default()
        .ifa_family(family)
        .ifa_prefixlen(spec.prefix_len)
        .ifa_flags(IfaF::empty())
        .ifa_scope(RtScope::from(spec.scope))
        .ifa_index(spec.index)
        .rtattrs(attrs)
        .build()
        .map_err(|e| err("building an address request", e))
}

// ---------------------------------------------------------------------------------------------
// Routes and rules

const RTA_DST: u16 = 1;
const RTA_SRC: u16 = 2;
const RTA_OIF: u16 = 4;
const RTA_GATEWAY: u16 = 5;
const RTA_PRIORITY: u16 = 6;
const RTA_PREFSRC: u16 = 7;
const RTA_METRICS: u16 = 8;
const RTA_MULTIPATH: u16 = 9;
const RTA_TABLE: u16 = 15;
const RTA_VIA: u16 = 18;
const RTA_PREF: u16 = 20;
const RTA_EXPIRES: u16 = 23;
const RTAX_LOCK: u16 = 1;
const RTNH_F_ONLINK: u32 = 4;
const RT_SCOPE_NOWHERE: u8 = 255;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;

/// The RTAX_* number and kernel units of a route metric as the plan spells it.
fn rtax(name: &str) -> Option<u16> {
    Some(match name {
        "mtu" => 2,
        "window" => 3,
        "rtt" => 4,
        "rttvar" => 5,
        "ssthresh" => 6,
        "cwnd" => 7,
        "advmss" => 8,
        "reordering" => 9,
        "hoplimit" => 10,
        "initcwnd" => 11,
        "rto_min" => 13,
        "initrwnd" => 14,
        "quickack" => 15,
        "fastopen_no_cookie" => 17,
        _ => return None,
    })
}

/// One plan metric (`mtu 1400`, `lock mtu 1400`, `rtt 300ms`): its RTAX number, the value in
/// the kernel's units (rtt in 1/8 ms, rttvar in 1/4 ms, rto_min in ms, as keepalived
/// converts them) and whether it is locked.
pub fn parse_metric(words: &str) -> Result<(u16, u32, bool), String> {
    let w: Vec<&str> = words.split_whitespace().collect();
    let (lock, name, value) = match w.as_slice() {
        ["lock", n, v] => (true, *n, *v),
        [n, v] => (false, *n, *v),
        _ => return Err(format!("route metric `{words}` is not `[lock] NAME VALUE`")),
    };
    let t = rtax(name).ok_or_else(|| format!("unknown route metric `{name}`"))?;
    let bad = || format!("route metric `{words}`: bad value");
    let n: u32 = match value.strip_suffix("ms") {
        Some(ms) => {
            let ms: u32 = ms.parse().map_err(|_| bad())?;
            let per_ms = match name {
                "rtt" => 8,
                "rttvar" => 4,
                "rto_min" => 1,
                _ => return Err(bad()),
            };
            ms.checked_mul(per_ms).ok_or_else(bad)?
        }
        None => value.parse().map_err(|_| bad())?,
    };
    Ok((t, n, lock))
}

/// One nexthop of a multipath route, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NexthopSpec {
    pub via: Option<IpAddr>,
    pub oif: Option<u32>,
    /// The plan's weight (1 to 256); the kernel is told one less.
    pub weight: Option<u16>,
    pub onlink: bool,
}

/// How a route request installs: `ip route add`, `append` or `prepend` (the plan's mode), or
/// `replace` (a changed route on reload).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteOp {
    Add,
    Replace,
    Delete,
}

/// One route vigild installs: a plan `Route` with its names and interfaces resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    pub v6: bool,
    /// RTN_* (1 unicast, 6 blackhole, ...).
    pub kind: u8,
    pub dst: Option<IpAddr>,
    pub dst_len: u8,
    /// `from`: a source prefix (RTA_SRC).
    pub from: Option<(Option<IpAddr>, u8)>,
    /// `src`: the preferred source (RTA_PREFSRC).
    pub src: Option<IpAddr>,
    pub via: Option<IpAddr>,
    pub oif: Option<u32>,
    pub table: u32,
    pub protocol: u8,
    pub tos: u8,
    /// Written: used on delete too; else universe on add and "nowhere" (any) on delete.
    pub scope: Option<u8>,
    pub metric: Option<u32>,
    pub pref: Option<u8>,
    pub onlink: bool,
    /// Seconds.
    pub expires: Option<u32>,
    /// RTAX_* and value, in plan order.
    pub metrics: Vec<(u16, u32)>,
    /// The RTAX_LOCK bits.
    pub lock: u32,
    pub nexthops: Vec<NexthopSpec>,
    pub mode: vigil_plan::RouteMode,
}

fn ifindex(host: &Host, name: &str) -> Result<u32, String> {
    host.link(name)
        .map(|l| l.index)
        .ok_or_else(|| format!("no interface {name}"))
}

impl RouteSpec {
    /// `plan`'s route with its interfaces looked up in `host` and its names in `names`.
    pub fn of(plan: &vigil_plan::Route, host: &Host, names: &crate::rtnames::Names) -> Result<RouteSpec, String> {
        let mut metrics = Vec::new();
        let mut lock = 0u32;
        for m in &plan.metrics {
            let (t, v, l) = parse_metric(m)?;
            metrics.push((t, v));
            if l {
                lock |= 1 << t;
            }
        }
        let nexthops = plan
            .nexthops
            .iter()
            .map(|n| {
                Ok(NexthopSpec {
                    via: n.via,
                    oif: n.dev.as_deref().map(|d| ifindex(host, d)).transpose()?,
                    weight: n.weight,
                    onlink: n.onlink,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(RouteSpec {
            v6: plan.family == vigil_plan::Family::Ipv6,
            kind: rtn(plan.kind),
            dst: plan.dst.address,
            dst_len: plan.dst.prefix_len,
            from: plan.from.as_ref().map(|p| (p.address, p.prefix_len)),
            src: plan.src,
            via: plan.via,
            oif: plan.dev.as_deref().map(|d| ifindex(host, d)).transpose()?,
            table: plan.table.as_ref().map(|t| names.table(t)).transpose()?.unwrap_or(254),
            protocol: plan
                .protocol
                .as_ref()
                .map(|p| names.proto(p))
                .transpose()?
                .unwrap_or(18),
            tos: plan.tos.as_ref().map(|t| names.dsfield(t)).transpose()?.unwrap_or(0),
            scope: plan.scope,
            metric: plan.metric,
            pref: plan.pref,
            onlink: plan.onlink,
            expires: plan
                .expires_ms
                .map(|ms| u32::try_from(ms / 1000).map_err(|_| "expires out of range".to_string()))
                .transpose()?,
            metrics,
            lock,
            nexthops,
            mode: plan.mode,
        })
    }
}

/// RTN_* of a plan route type.
pub fn rtn(k: vigil_plan::RouteKind) -> u8 {
    use vigil_plan::RouteKind as K;
    match k {
        K::Unicast => 1,
        K::Local => 2,
        K::Broadcast => 3,
        K::Anycast => 4,
        K::Multicast => 5,
        K::Blackhole => 6,
        K::Unreachable => 7,
        K::Prohibit => 8,
        K::Throw => 9,
        K::Nat => 10,
        K::Xresolve => 11,
    }
}

/// A raw attribute (header and payload, padded to 4 bytes), for the nested payloads of
/// RTA_METRICS and RTA_MULTIPATH.
fn raw_attr(out: &mut Vec<u8>, t: u16, payload: &[u8]) {
    let len = 4 + payload.len();
    out.extend_from_slice(&(len as u16).to_ne_bytes());
    out.extend_from_slice(&t.to_ne_bytes());
    out.extend_from_slice(payload);
    out.resize(out.len() + (4 - len % 4) % 4, 0);
}

/// A gateway in the route's own family (RTA_GATEWAY), or in the other one (RTA_VIA: `via
/// inet6` on an IPv4 route), as keepalived chooses.
fn gateway(route_v6: bool, via: IpAddr) -> (u16, Vec<u8>) {
    if via.is_ipv6() == route_v6 {
        (RTA_GATEWAY, octets(via))
    } else {
        let fam = if via.is_ipv6() { AF_INET6 } else { AF_INET };
        let mut b = fam.to_ne_bytes().to_vec();
        b.extend(octets(via));
        (RTA_VIA, b)
    }
}

/// The RTA_MULTIPATH payload: one `struct rtnexthop` (length, flags, hops = weight - 1,
/// ifindex) a nexthop, each followed by its gateway attribute.
fn multipath(route_v6: bool, nhs: &[NexthopSpec]) -> Vec<u8> {
    let mut out = Vec::new();
    for nh in nhs {
        let mut attrs = Vec::new();
        if let Some(v) = nh.via {
            let (t, p) = gateway(route_v6, v);
            raw_attr(&mut attrs, t, &p);
        }
        let len = 8 + attrs.len();
        out.extend_from_slice(&(len as u16).to_ne_bytes());
        out.push(if nh.onlink { RTNH_F_ONLINK as u8 } else { 0 });
        out.push(nh.weight.map_or(0, |w| w.saturating_sub(1).min(255) as u8));
        out.extend_from_slice(&(nh.oif.unwrap_or(0) as i32).to_ne_bytes());
        out.extend(attrs);
    }
    out
}

/// The RTM_NEWROUTE / RTM_DELROUTE payload for `spec`, as keepalived 2.2.7's `netlink_route`
/// builds it: the table in the header below 256 (else RTA_TABLE), protocol, scope (universe
/// on add, "nowhere" on delete unless written), the type (on delete only when not unicast),
/// then dst, src, prefsrc, the gateway, oif, priority, expires, the metrics with their lock
/// and the nexthops.
pub fn route_request(spec: &RouteSpec, op: RouteOp) -> Result<Rtmsg, NetlinkError> {
    let del = op == RouteOp::Delete;
    let mut attrs: RtBuffer<Rta, Buffer> = RtBuffer::new();
    let mut attr = |t: u16, payload: Vec<u8>| -> Result<(), NetlinkError> {
        attrs.push(
            RtattrBuilder::default()
                .rta_type(Rta::from(t))
                .rta_payload(payload)
                .build()
                .map_err(|e| err("building a route attribute", e))?,
        );
        Ok(())
    };
    let table = if spec.table < 256 {
        spec.table as u8
    } else {
        attr(RTA_TABLE, spec.table.to_ne_bytes().to_vec())?;
        0
    };
    if let Some(d) = spec.dst {
        attr(RTA_DST, octets(d))?;
    }
    let mut src_len = 0;
    if let Some((a, len)) = spec.from {
        src_len = len;
        if let Some(a) = a {
            attr(RTA_SRC, octets(a))?;
        }
    }
    if let Some(s) = spec.src {
        attr(RTA_PREFSRC, octets(s))?;
    }
    if let Some(v) = spec.via {
        let (t, p) = gateway(spec.v6, v);
        attr(t, p)?;
    }
    if let Some(i) = spec.oif {
        attr(RTA_OIF, i.to_ne_bytes().to_vec())?;
    }
    if let Some(m) = spec.metric {
        attr(RTA_PRIORITY, m.to_ne_bytes().to_vec())?;
    }
    if let Some(e) = spec.expires {
        attr(RTA_EXPIRES, e.to_ne_bytes().to_vec())?;
    }
    if let Some(p) = spec.pref {
        attr(RTA_PREF, vec![p])?;
    }
    if !spec.metrics.is_empty() {
        let mut m = Vec::new();
        for (t, v) in &spec.metrics {
            raw_attr(&mut m, *t, &v.to_ne_bytes());
        }
        if spec.lock != 0 {
            raw_attr(&mut m, RTAX_LOCK, &spec.lock.to_ne_bytes());
        }
        attr(RTA_METRICS, m)?;
    }
    if !spec.nexthops.is_empty() {
        attr(RTA_MULTIPATH, multipath(spec.v6, &spec.nexthops))?;
    }
    let scope = spec.scope.unwrap_or(if del { RT_SCOPE_NOWHERE } else { 0 });
    let kind = if del && spec.kind == 1 { 0 } else { spec.kind };
    RtmsgBuilder::default()
        .rtm_family(if spec.v6 {
            RtAddrFamily::Inet6
        } else {
            RtAddrFamily::Inet
        })
        .rtm_dst_len(spec.dst_len)
        .rtm_src_len(src_len)
        .rtm_tos(spec.tos)
        .rtm_table(RtTable::from(table))
        .rtm_protocol(Rtprot::from(spec.protocol))
        .rtm_scope(RtScope::from(scope))
        .rtm_type(Rtn::from(kind))
        .rtm_flags(RtmF::from_bits_retain(if spec.onlink { RTNH_F_ONLINK } else { 0 }))
        .rtattrs(attrs)
        .build()
        .map_err(|e| err("building a route request", e))
}

/// The netlink flags of a route request: keepalived's `NLM_F_CREATE` alone for `prepend`, with
/// `NLM_F_EXCL` for `add`, `NLM_F_APPEND` for `append`, `NLM_F_REPLACE` for a replace; an
/// acknowledgement always.
pub fn route_flags(spec: &RouteSpec, op: RouteOp) -> NlmF {
    use vigil_plan::RouteMode;
    match op {
        RouteOp::Delete => NlmF::ACK,
        RouteOp::Replace => NlmF::ACK | NlmF::CREATE | NlmF::REPLACE,
        RouteOp::Add => match spec.mode {
            RouteMode::Add => NlmF::ACK | NlmF::CREATE | NlmF::EXCL,
            RouteMode::Append => NlmF::ACK | NlmF::CREATE | NlmF::APPEND,
            RouteMode::Prepend => NlmF::ACK | NlmF::CREATE,
        },
    }
}

const FRA_DST: u16 = 1;
const FRA_SRC: u16 = 2;
const FRA_IIFNAME: u16 = 3;
const FRA_GOTO: u16 = 4;
const FRA_PRIORITY: u16 = 6;
const FRA_FWMARK: u16 = 10;
const FRA_SUPPRESS_PREFIXLEN: u16 = 14;
const FRA_TABLE: u16 = 15;
const FRA_FWMASK: u16 = 16;
const FRA_OIFNAME: u16 = 17;
const FRA_L3MDEV: u16 = 19;
const FRA_UID_RANGE: u16 = 20;
const FRA_PROTOCOL: u16 = 21;
const FRA_IP_PROTO: u16 = 22;
const FRA_SPORT_RANGE: u16 = 23;
const FRA_DPORT_RANGE: u16 = 24;
const FIB_RULE_INVERT: u32 = 2;

/// One rule vigild installs: a plan `Rule` with its names resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSpec {
    pub v6: bool,
    /// FR_ACT_* (1 to table, 2 goto, 3 nop, 6 blackhole, 7 unreachable, 8 prohibit).
    pub action: u8,
    /// The table of a `table` action.
    pub table: Option<u32>,
    pub goto: Option<u32>,
    pub l3mdev: bool,
    pub invert: bool,
    pub from: Option<(Option<IpAddr>, u8)>,
    pub to: Option<(Option<IpAddr>, u8)>,
    pub priority: Option<u32>,
    pub tos: u8,
    pub fwmark: Option<u32>,
    pub fwmask: Option<u32>,
    pub iif: Option<String>,
    pub oif: Option<String>,
    pub suppress_prefixlength: Option<u32>,
    pub uid_range: Option<(u32, u32)>,
    pub ipproto: Option<u8>,
    pub protocol: Option<u8>,
    pub sport: Option<(u16, u16)>,
    pub dport: Option<(u16, u16)>,
}

impl RuleSpec {
    /// `plan`'s rule with its names looked up in `names`.
    pub fn of(plan: &vigil_plan::Rule, names: &crate::rtnames::Names) -> Result<RuleSpec, String> {
        use vigil_plan::RuleAction as A;
        let action = match plan.action {
            A::Table | A::L3mdev => 1,
            A::Goto => 2,
            A::Nop => 3,
            A::Blackhole => 6,
            A::Unreachable => 7,
            A::Prohibit => 8,
        };
        let (table, goto) = match (plan.action, &plan.target) {
            (A::Table, Some(t)) => (Some(names.table(t)?), None),
            (A::Table, None) => (Some(254), None),
            (A::Goto, Some(vigil_plan::NameOrNumber::Number(n))) => (
                None,
                Some(u32::try_from(*n).map_err(|_| format!("goto {n} is out of range"))?),
            ),
            (A::Goto, _) => return Err("goto without a preference".into()),
            _ => (None, None),
        };
        let prefix = |p: &Option<vigil_plan::Prefix>| p.as_ref().map(|p| (p.address, p.prefix_len));
        Ok(RuleSpec {
            v6: plan.family == vigil_plan::Family::Ipv6,
            action,
            table,
            goto,
            l3mdev: plan.action == A::L3mdev,
            invert: plan.invert,
            from: prefix(&plan.from),
            to: prefix(&plan.to),
            priority: plan.preference,
            tos: plan.tos.as_ref().map(|t| names.dsfield(t)).transpose()?.unwrap_or(0),
            fwmark: plan.fwmark,
            fwmask: plan.fwmask,
            iif: plan.iif.clone(),
            oif: plan.oif.clone(),
            suppress_prefixlength: plan.suppress_prefixlength,
            uid_range: plan.uid_range,
            ipproto: plan.ipproto.as_ref().map(|p| names.ipproto(p)).transpose()?,
            protocol: plan.protocol,
            sport: plan.sport,
            dport: plan.dport,
        })
    }
}

/// The RTM_NEWRULE / RTM_DELRULE payload for `spec` (a `struct fib_rule_hdr`, laid out as a
/// `struct rtmsg`: table, two reserved bytes, the action in the type's place), as keepalived
/// 2.2.7's `netlink_rule` builds it, the same for add and delete.
pub fn rule_request(spec: &RuleSpec) -> Result<Rtmsg, NetlinkError> {
    let mut attrs: RtBuffer<Rta, Buffer> = RtBuffer::new();
    let mut attr = |t: u16, payload: Vec<u8>| -> Result<(), NetlinkError> {
        attrs.push(
            RtattrBuilder::default()
                .rta_type(Rta::from(t))
                .rta_payload(payload)
                .build()
                .map_err(|e| err("building a rule attribute", e))?,
        );
        Ok(())
    };
    let mut table = 0u8;
    if let (Some(t), false) = (spec.table, spec.l3mdev) {
        if t < 256 {
            table = if t == 0 { 254 } else { t as u8 };
        } else {
            attr(FRA_TABLE, t.to_ne_bytes().to_vec())?;
        }
    }
    let (mut src_len, mut dst_len) = (0, 0);
    if let Some((a, len)) = spec.from {
        src_len = len;
        if let Some(a) = a {
            attr(FRA_SRC, octets(a))?;
        }
    }
    if let Some((a, len)) = spec.to {
        dst_len = len;
        if let Some(a) = a {
            attr(FRA_DST, octets(a))?;
        }
    }
    let u32_attr = |v: u32| v.to_ne_bytes().to_vec();
    if let Some(p) = spec.priority {
        attr(FRA_PRIORITY, u32_attr(p))?;
    }
    if let Some(m) = spec.fwmark {
        attr(FRA_FWMARK, u32_attr(m))?;
    }
    if let Some(m) = spec.fwmask {
        attr(FRA_FWMASK, u32_attr(m))?;
    }
    if let Some(s) = spec.suppress_prefixlength {
        attr(FRA_SUPPRESS_PREFIXLEN, u32_attr(s))?;
    }
    let name = |n: &str| {
        let mut b = n.as_bytes().to_vec();
        b.push(0);
        b
    };
    if let Some(i) = &spec.iif {
        attr(FRA_IIFNAME, name(i))?;
    }
    if let Some(o) = &spec.oif {
        attr(FRA_OIFNAME, name(o))?;
    }
    if let Some((a, b)) = spec.uid_range {
        attr(FRA_UID_RANGE, [a.to_ne_bytes(), b.to_ne_bytes()].concat())?;
    }
    if spec.l3mdev {
        attr(FRA_L3MDEV, vec![1])?;
    }
    if let Some(p) = spec.protocol {
        attr(FRA_PROTOCOL, vec![p])?;
    }
    if let Some(p) = spec.ipproto {
        attr(FRA_IP_PROTO, vec![p])?;
    }
    for (t, r) in [(FRA_SPORT_RANGE, spec.sport), (FRA_DPORT_RANGE, spec.dport)] {
        if let Some((a, b)) = r {
            attr(t, [a.to_ne_bytes(), b.to_ne_bytes()].concat())?;
        }
    }
    if let Some(g) = spec.goto {
        attr(FRA_GOTO, u32_attr(g))?;
    }
    RtmsgBuilder::default()
        .rtm_family(if spec.v6 {
            RtAddrFamily::Inet6
        } else {
            RtAddrFamily::Inet
        })
        .rtm_dst_len(dst_len)
        .rtm_src_len(src_len)
        .rtm_tos(spec.tos)
        .rtm_table(RtTable::from(table))
        .rtm_protocol(Rtprot::from(0))
        .rtm_scope(RtScope::from(0))
        .rtm_type(Rtn::from(spec.action))
        .rtm_flags(RtmF::from_bits_retain(if spec.invert { FIB_RULE_INVERT } else { 0 }))
        .rtattrs(attrs)
        .build()
        .map_err(|e| err("building a rule request", e))
}

/// The nested attributes of `payload` as (type, payload) pairs; a truncated one ends the list.
fn nested(payload: &[u8]) -> Vec<(u16, &[u8])> {
    let mut out = Vec::new();
    let mut rest = payload;
    while rest.len() >= 4 {
        let len = usize::from(u16::from_ne_bytes([rest[0], rest[1]]));
        let t = u16::from_ne_bytes([rest[2], rest[3]]) & 0x3fff;
        if len < 4 || len > rest.len() {
            break;
        }
        out.push((t, &rest[4..len]));
        rest = &rest[((len + 3) & !3).min(rest.len())..];
    }
    out
}

const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const IFLA_MACVLAN_MODE: u16 = 1;
/// MACVLAN_MODE_PRIVATE: the mode keepalived gives its VMACs.
pub const MACVLAN_MODE_PRIVATE: u32 = 1;
const IFLA_LINK: u16 = 5;
const IFLA_IFNAME: u16 = 3;
const IFLA_ADDRESS: u16 = 1;
const IFLA_LINKINFO: u16 = 18;
const IFLA_AF_SPEC: u16 = 26;
const IFLA_INET6_ADDR_GEN_MODE: u16 = 8;
const IN6_ADDR_GEN_MODE_NONE: u8 = 1;

/// IFLA_LINKINFO's kind, and a macvlan's mode.
pub fn parse_linkinfo(payload: &[u8]) -> (Option<String>, Option<u32>) {
    let mut kind = None;
    let mut data: &[u8] = &[];
    for (t, p) in nested(payload) {
        match t {
            IFLA_INFO_KIND => kind = Some(String::from_utf8_lossy(p.strip_suffix(b"\0").unwrap_or(p)).into_owned()),
            IFLA_INFO_DATA => data = p,
            _ => {}
        }
    }
    let mode = nested(data)
        .into_iter()
        .filter(|_| kind.as_deref() == Some("macvlan"))
        .find_map(|(t, p)| (t == IFLA_MACVLAN_MODE).then(|| <[u8; 4]>::try_from(p).ok()).flatten())
        .map(u32::from_ne_bytes);
    (kind, mode)
}

/// A VMAC (`use_vmac`) to create or to change into one: a private-mode macvlan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacvlanSpec {
    pub name: String,
    /// The interface it sits on.
    pub parent: u32,
    pub mac: [u8; 6],
}

fn ifinfo(index: u32, flags: Iff, change: Iff, attrs: Vec<(u16, Vec<u8>)>) -> Result<Ifinfomsg, NetlinkError> {
    let mut buf: RtBuffer<Ifla, Buffer> = RtBuffer::new();
    for (t, payload) in attrs {
        buf.push(
            RtattrBuilder::default()
                .rta_type(Ifla::from(t))
                .rta_payload(payload)
                .build()
                .map_err(|e| err("building a link attribute", e))?,
        );
    }
    IfinfomsgBuilder::default()
        .ifi_family(RtAddrFamily::Unspecified)
        .ifi_type(Arphrd::from(0))
        .ifi_index(i32::try_from(index).map_err(|e| err("interface index", e))?)
        .ifi_flags(flags)
        .ifi_change(change)
        .rtattrs(buf)
        .build()
        .map_err(|e| err("building a link request", e))
}

/// The RTM_NEWLINK payload creating the macvlan `spec` (`update`: `None`), or turning the
/// existing link of index `update` into it, as keepalived 2.2.7's `netlink_link_add_vmac`
/// builds it: IFLA_LINKINFO (kind `macvlan`, mode private), then on create IFLA_LINK and
/// IFLA_IFNAME, then IFLA_ADDRESS. Sent with `NLM_F_CREATE | NLM_F_EXCL` on create.
pub fn macvlan_request(spec: &MacvlanSpec, update: Option<u32>) -> Result<Ifinfomsg, NetlinkError> {
    let mut data = Vec::new();
    raw_attr(&mut data, IFLA_MACVLAN_MODE, &MACVLAN_MODE_PRIVATE.to_ne_bytes());
    let mut info = Vec::new();
    raw_attr(&mut info, IFLA_INFO_KIND, b"macvlan");
    raw_attr(&mut info, IFLA_INFO_DATA, &data);
    let mut attrs = vec![(IFLA_LINKINFO, info)];
    if update.is_none() {
        attrs.push((IFLA_LINK, spec.parent.to_ne_bytes().to_vec()));
        attrs.push((IFLA_IFNAME, spec.name.as_bytes().to_vec()));
    }
    attrs.push((IFLA_ADDRESS, spec.mac.to_vec()));
    ifinfo(update.unwrap_or(0), Iff::empty(), Iff::empty(), attrs)
}

/// The RTM_NEWLINK payload that stops the kernel giving link `index` an IPv6 link-local
/// address of its own (IFLA_AF_SPEC / AF_INET6 / IFLA_INET6_ADDR_GEN_MODE none; RFC 5798
/// 7.4), sent before the link is brought up, as keepalived does.
pub fn addr_gen_mode_none_request(index: u32) -> Result<Ifinfomsg, NetlinkError> {
    let mut inet6 = Vec::new();
    raw_attr(&mut inet6, IFLA_INET6_ADDR_GEN_MODE, &[IN6_ADDR_GEN_MODE_NONE]);
    let mut spec = Vec::new();
    raw_attr(&mut spec, AF_INET6, &inet6);
    ifinfo(index, Iff::empty(), Iff::empty(), vec![(IFLA_AF_SPEC, spec)])
}

/// The RTM_NEWLINK payload bringing link `index` up.
pub fn link_up_request(index: u32) -> Result<Ifinfomsg, NetlinkError> {
    ifinfo(index, Iff::UP, Iff::UP, Vec::new())
}

/// The RTM_DELLINK payload removing link `index`.
pub fn del_link_request(index: u32) -> Result<Ifinfomsg, NetlinkError> {
    ifinfo(index, Iff::empty(), Iff::empty(), Vec::new())
}

/// How a route or rule request ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// EEXIST on add: the kernel has it already (not installed by this request).
    Exists,
    /// ESRCH / ENOENT on delete: it is gone already.
    Missing,
}

fn errno<T, P>(e: &neli::err::RouterError<T, P>) -> Option<i32> {
    match e {
        neli::err::RouterError::Nlmsgerr(m) => Some(-*m.error()),
        _ => None,
    }
}

const EEXIST: i32 = 17;
const ESRCH: i32 = 3;
const ENOENT: i32 = 2;

/// The rtnetlink connection: requests with acknowledgements, and a second socket subscribed
/// to link and address events whose arrival wakes the event loop.
pub struct Netlink {
    router: NlRouter,
    events: NlRouter,
    watching_routes: std::cell::Cell<bool>,
    /// Readable when a link or address changed (one byte per event).
    pub wake: UnixStream,
}

const RTNLGRP_LINK: u32 = 1;
const RTNLGRP_IPV4_IFADDR: u32 = 5;
const RTNLGRP_IPV6_IFADDR: u32 = 9;
const RTNLGRP_IPV4_ROUTE: u32 = 7;
const RTNLGRP_IPV4_RULE: u32 = 8;
const RTNLGRP_IPV6_ROUTE: u32 = 11;
const RTNLGRP_IPV6_RULE: u32 = 19;

impl Netlink {
    pub fn open() -> Result<Netlink, NetlinkError> {
        let (router, _) =
            NlRouter::connect(NlFamily::Route, None, Groups::empty()).map_err(|e| err("opening rtnetlink", e))?;
        let (events, mut multicast) = NlRouter::connect(
            NlFamily::Route,
            None,
            Groups::new_groups(&[RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR]),
        )
        .map_err(|e| err("subscribing to link and address events", e))?;
        let (wake, mut tx) = UnixStream::pair().map_err(|e| err("creating the netlink wake-up", e))?;
        wake.set_nonblocking(true)
            .map_err(|e| err("creating the netlink wake-up", e))?;
        std::thread::Builder::new()
            .name("netlink-events".into())
            .spawn(move || {
                use std::io::Write;
                while let Some(msg) = multicast.next_typed::<u16, Buffer>() {
                    if msg.is_ok() && tx.write_all(&[1]).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| err("starting the netlink event thread", e))?;
        Ok(Netlink {
            router,
            events,
            watching_routes: std::cell::Cell::new(false),
            wake,
        })
    }

    /// Also wakes on route and rule changes (while the plan has routes or rules to keep), or
    /// no longer.
    pub fn watch_routes(&self, on: bool) -> Result<(), NetlinkError> {
        if self.watching_routes.get() == on {
            return Ok(());
        }
        let groups = Groups::new_groups(&[
            RTNLGRP_IPV4_ROUTE,
            RTNLGRP_IPV4_RULE,
            RTNLGRP_IPV6_ROUTE,
            RTNLGRP_IPV6_RULE,
        ]);
        let r = if on {
            self.events.add_mcast_membership(groups)
        } else {
            self.events.drop_mcast_membership(groups)
        };
        r.map_err(|e| err("subscribing to route and rule events", e))?;
        self.watching_routes.set(on);
        Ok(())
    }

    /// Every link and address now.
    pub fn host(&self) -> Result<Host, NetlinkError> {
        Ok(Host {
            links: self.links()?,
            addrs: self.addrs()?,
        })
    }

    fn links(&self) -> Result<Vec<Link>, NetlinkError> {
        let msg = IfinfomsgBuilder::default()
            .ifi_family(RtAddrFamily::Unspecified)
            .ifi_type(Arphrd::from(0))
            .build()
            .map_err(|e| err("building a link dump", e))?;
        let recv = self
            .router
            .send::<_, _, Rtm, Ifinfomsg>(Rtm::Getlink, NlmF::DUMP, NlPayload::Payload(msg))
            .map_err(|e| err("dumping links", e))?;
        let mut out = Vec::new();
        for m in recv {
            let m = m.map_err(|e| err("dumping links", e))?;
            let Some(p) = m.get_payload() else { continue };
            let h = p.rtattrs().get_attr_handle();
            let Ok(name) = h.get_attr_payload_as_with_len::<String>(Ifla::Ifname) else {
                continue;
            };
            let mac = h
                .get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifla::Address)
                .ok()
                .and_then(|b| <[u8; 6]>::try_from(b).ok());
            let flags = p.ifi_flags();
            let (kind, macvlan_mode) = h
                .get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifla::Linkinfo)
                .map(parse_linkinfo)
                .unwrap_or_default();
            let parent = h
                .get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifla::Link)
                .ok()
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_ne_bytes);
            out.push(Link {
                index: u32::try_from(*p.ifi_index()).unwrap_or(0),
                name,
                up: flags.contains(Iff::UP) && flags.contains(Iff::RUNNING),
                mac,
                kind,
                macvlan_mode,
                parent,
            });
        }
        Ok(out)
    }

    fn addrs(&self) -> Result<Vec<HostAddr>, NetlinkError> {
        let msg = IfaddrmsgBuilder::default()
            .ifa_family(RtAddrFamily::Unspecified)
            .ifa_prefixlen(0)
            .ifa_scope(RtScope::Universe)
            .ifa_index(0)
            .build()
            .map_err(|e| err("building an address dump", e))?;
        let recv = self
            .router
            .send::<_, _, Rtm, Ifaddrmsg>(Rtm::Getaddr, NlmF::DUMP, NlPayload::Payload(msg))
            .map_err(|e| err("dumping addresses", e))?;
        let mut out = Vec::new();
        for m in recv {
            let m = m.map_err(|e| err("dumping addresses", e))?;
            let Some(p) = m.get_payload() else { continue };
            let h = p.rtattrs().get_attr_handle();
            let bytes = h
                .get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifa::Local)
                .or_else(|_| h.get_attr_payload_as_with_len_borrowed::<&[u8]>(Ifa::Address));
            let addr = match bytes {
                Ok(b) if b.len() == 4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(b).unwrap_or_default())),
                Ok(b) if b.len() == 16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(b).unwrap_or_default())),
                _ => continue,
            };
            out.push(HostAddr {
                index: *p.ifa_index(),
                addr,
                prefix_len: *p.ifa_prefixlen(),
                scope: u8::from(*p.ifa_scope()),
                secondary: p.ifa_flags().contains(IfaF::SECONDARY),
            });
        }
        Ok(out)
    }

    /// Installs (`RouteOp::Add`, `Replace`) or removes a route and waits for the kernel's
    /// answer.
    pub fn route(&self, spec: &RouteSpec, op: RouteOp, what: &str) -> Result<Outcome, NetlinkError> {
        let msg = route_request(spec, op)?;
        let kind = if op == RouteOp::Delete {
            Rtm::Delroute
        } else {
            Rtm::Newroute
        };
        self.talk(kind, route_flags(spec, op), msg, op == RouteOp::Delete, what)
    }

    /// Installs (`add`, with `NLM_F_EXCL` as keepalived) or removes a rule and waits for the
    /// kernel's answer.
    pub fn rule(&self, spec: &RuleSpec, add: bool, what: &str) -> Result<Outcome, NetlinkError> {
        let msg = rule_request(spec)?;
        let (kind, flags) = if add {
            (Rtm::Newrule, NlmF::ACK | NlmF::CREATE | NlmF::EXCL)
        } else {
            (Rtm::Delrule, NlmF::ACK)
        };
        self.talk(kind, flags, msg, !add, what)
    }

    fn talk(&self, kind: Rtm, flags: NlmF, msg: Rtmsg, del: bool, what: &str) -> Result<Outcome, NetlinkError> {
        let recv = self
            .router
            .send::<_, _, Rtm, Rtmsg>(kind, flags, NlPayload::Payload(msg))
            .map_err(|e| err(what, e))?;
        for m in recv {
            if let Err(e) = m {
                return match errno(&e) {
                    Some(EEXIST) if !del => Ok(Outcome::Exists),
                    Some(ESRCH | ENOENT) if del => Ok(Outcome::Missing),
                    Some(n) => Err(err(what, std::io::Error::from_raw_os_error(n))),
                    None => Err(err(what, e)),
                };
            }
        }
        Ok(Outcome::Done)
    }

    /// Adds (`add`) or removes an address and waits for the kernel's answer. Adding an
    /// address that is there already, or removing one that is not, is not an error.
    pub fn address(&self, spec: &AddrSpec, add: bool) -> Result<(), NetlinkError> {
        let what = format!(
            "{} {}/{} on interface {}",
            if add { "adding" } else { "removing" },
            spec.addr,
            spec.prefix_len,
            spec.index
        );
        let msg = addr_request(spec, add)?;
        let (kind, flags) = if add {
            (Rtm::Newaddr, NlmF::ACK | NlmF::CREATE | NlmF::REPLACE)
        } else {
            (Rtm::Deladdr, NlmF::ACK)
        };
        let recv = self
            .router
            .send::<_, _, Rtm, Ifaddrmsg>(kind, flags, NlPayload::Payload(msg))
            .map_err(|e| err(&what, e))?;
        for m in recv {
            if let Err(e) = m {
                let text = e.to_string();
                // EADDRNOTAVAIL on delete: someone removed it already.
                if !add && (text.contains("-99") || text.contains("Cannot assign")) {
                    return Ok(());
                }
                return Err(err(&what, text));
            }
        }
        Ok(())
    }

    /// Sends a link request (RTM_NEWLINK or RTM_DELLINK) and waits for the kernel's answer.
    pub fn link(&self, kind: Rtm, flags: NlmF, msg: Ifinfomsg, what: &str) -> Result<(), NetlinkError> {
        let recv = self
            .router
            .send::<_, _, Rtm, Ifinfomsg>(kind, flags | NlmF::ACK, NlPayload::Payload(msg))
            .map_err(|e| err(what, e))?;
        for m in recv {
            if let Err(e) = m {
                return Err(match errno(&e) {
                    Some(n) => err(what, std::io::Error::from_raw_os_error(n)),
                    None => err(what, e),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use neli::ToBytes;
    use std::io::Cursor;

    fn bytes(m: &Ifaddrmsg) -> Vec<u8> {
        let mut c = Cursor::new(Vec::new());
        m.to_bytes(&mut c).unwrap();
        c.into_inner()
    }

    fn rbytes(m: &Rtmsg) -> Vec<u8> {
        let mut c = Cursor::new(Vec::new());
        m.to_bytes(&mut c).unwrap();
        c.into_inner()
    }

    fn names() -> crate::rtnames::Names {
        crate::rtnames::Names::from_texts(Some("100 mine\n"), None, Some("0x10 lowdelay\n"), Some("tcp 6 TCP\n"))
    }

    fn host() -> Host {
        let link = |index: u32, name: &str| Link {
            index,
            name: name.into(),
            up: true,
            ..Link::default()
        };
        Host {
            links: vec![link(7, "eth0"), link(8, "eth1")],
            addrs: vec![],
        }
    }

    fn route(json: &str) -> RouteSpec {
        let plan: vigil_plan::Route = serde_json::from_str(json).unwrap();
        RouteSpec::of(&plan, &host(), &names()).unwrap()
    }

    fn rule(json: &str) -> RuleSpec {
        let plan: vigil_plan::Rule = serde_json::from_str(json).unwrap();
        RuleSpec::of(&plan, &names()).unwrap()
    }

    #[test]
    fn route_metrics_in_the_kernels_units() {
        assert_eq!(parse_metric("mtu 1400"), Ok((2, 1400, false)));
        assert_eq!(parse_metric("lock advmss 1360"), Ok((8, 1360, true)));
        assert_eq!(parse_metric("rtt 300ms"), Ok((4, 2400, false)));
        assert_eq!(parse_metric("rttvar 200ms"), Ok((5, 800, false)));
        assert_eq!(parse_metric("lock rto_min 250ms"), Ok((13, 250, true)));
        assert_eq!(parse_metric("quickack 1"), Ok((15, 1, false)));
        assert!(parse_metric("mtu 14ms").is_err());
        assert!(parse_metric("congctl cubic").is_err());
    }

    #[test]
    fn builds_a_route_request_as_keepalived_does() {
        let spec = route(
            r#"{"family": "ipv4", "dst": {"address": "10.6.0.0", "prefix_len": 24}, "via": "10.0.0.254",
                "dev": "eth0", "table": "mine", "protocol": 18, "metric": 10, "onlink": true,
                "metrics": ["lock mtu 1400", "rtt 300ms"], "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&route_request(&spec, RouteOp::Add).unwrap());
        // rtmsg: AF_INET, dst_len 24, src_len 0, tos 0, table 100, protocol 18, scope
        // universe, RTN_UNICAST, flags RTNH_F_ONLINK.
        assert_eq!(&b[..12], &[2, 24, 0, 0, 100, 18, 0, 1, 4, 0, 0, 0]);
        // RTA_DST, RTA_GATEWAY, RTA_OIF 7, RTA_PRIORITY 10.
        assert_eq!(&b[12..20], &[8, 0, 1, 0, 10, 6, 0, 0]);
        assert_eq!(&b[20..28], &[8, 0, 5, 0, 10, 0, 0, 254]);
        assert_eq!(&b[28..36], &[8, 0, 4, 0, 7, 0, 0, 0]);
        assert_eq!(&b[36..44], &[8, 0, 6, 0, 10, 0, 0, 0]);
        // RTA_METRICS: RTAX_MTU 1400, RTAX_RTT 2400 (1/8 ms), RTAX_LOCK 1 << RTAX_MTU.
        assert_eq!(
            &b[44..],
            &[28, 0, 8, 0, 8, 0, 2, 0, 0x78, 5, 0, 0, 8, 0, 4, 0, 0x60, 9, 0, 0, 8, 0, 1, 0, 4, 0, 0, 0]
        );
        assert_eq!(route_flags(&spec, RouteOp::Add), NlmF::ACK | NlmF::CREATE);
        // Delete: scope "nowhere" (any), no type.
        let d = rbytes(&route_request(&spec, RouteOp::Delete).unwrap());
        assert_eq!(&d[..8], &[2, 24, 0, 0, 100, 18, 255, 0]);
        assert_eq!(route_flags(&spec, RouteOp::Delete), NlmF::ACK);
        assert_eq!(
            route_flags(&spec, RouteOp::Replace),
            NlmF::ACK | NlmF::CREATE | NlmF::REPLACE
        );
    }

    #[test]
    fn typed_routes_big_tables_and_ipv6_extras() {
        let spec = route(
            r#"{"family": "ipv6", "type": "blackhole", "dst": {"address": "fd00:9::", "prefix_len": 64},
                "from": {"address": "fd00:1::", "prefix_len": 48}, "table": 1000, "protocol": "bird",
                "pref": 1, "expires_ms": 30000, "scope": 0, "mode": "add",
                "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&route_request(&spec, RouteOp::Add).unwrap());
        // AF_INET6, dst_len 64, src_len 48, table in RTA_TABLE, protocol bird (12),
        // RTN_BLACKHOLE.
        assert_eq!(&b[..12], &[10, 64, 48, 0, 0, 12, 0, 6, 0, 0, 0, 0]);
        assert_eq!(&b[12..20], &[8, 0, 15, 0, 0xe8, 3, 0, 0]);
        assert_eq!(&b[20..24], &[20, 0, 1, 0]);
        assert_eq!(&b[40..44], &[20, 0, 2, 0]);
        // RTA_EXPIRES 30 s, RTA_PREF 1 (padded).
        assert_eq!(&b[60..68], &[8, 0, 23, 0, 30, 0, 0, 0]);
        assert_eq!(&b[68..], &[5, 0, 20, 0, 1, 0, 0, 0]);
        assert_eq!(route_flags(&spec, RouteOp::Add), NlmF::ACK | NlmF::CREATE | NlmF::EXCL);
        // A written scope and a type are kept on delete.
        let d = rbytes(&route_request(&spec, RouteOp::Delete).unwrap());
        assert_eq!(&d[..8], &[10, 64, 48, 0, 0, 12, 0, 6]);
    }

    #[test]
    fn ipv6_gateways_of_ipv4_routes_and_multipath() {
        let spec = route(
            r#"{"family": "ipv4", "dst": {"prefix_len": 0}, "via": "fe80::1", "dev": "eth1", "mode": "append",
                "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&route_request(&spec, RouteOp::Add).unwrap());
        // default: dst_len 0 and no RTA_DST; protocol 18 when the plan has none.
        assert_eq!(&b[..8], &[2, 0, 0, 0, 254, 18, 0, 1]);
        // RTA_VIA: AF_INET6 then the address (22 bytes, padded to 24).
        assert_eq!(&b[12..18], &[22, 0, 18, 0, 10, 0]);
        assert_eq!(&b[18..20], &[0xfe, 0x80]);
        assert_eq!(&b[36..44], &[8, 0, 4, 0, 8, 0, 0, 0]);
        assert_eq!(
            route_flags(&spec, RouteOp::Add),
            NlmF::ACK | NlmF::CREATE | NlmF::APPEND
        );

        let spec = route(
            r#"{"family": "ipv4", "dst": {"address": "10.7.0.0", "prefix_len": 16},
                "nexthops": [{"via": "10.0.0.1", "dev": "eth0", "weight": 2}, {"via": "10.1.0.1", "dev": "eth1", "onlink": true}],
                "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&route_request(&spec, RouteOp::Add).unwrap());
        // RTA_MULTIPATH: rtnexthop (len 16, flags, hops = weight - 1, ifindex) + RTA_GATEWAY.
        assert_eq!(&b[20..24], &[36, 0, 9, 0]);
        assert_eq!(&b[24..40], &[16, 0, 0, 1, 7, 0, 0, 0, 8, 0, 5, 0, 10, 0, 0, 1]);
        assert_eq!(&b[40..56], &[16, 0, 4, 0, 8, 0, 0, 0, 8, 0, 5, 0, 10, 1, 0, 1]);
        assert_eq!(b.len(), 56);
    }

    #[test]
    fn a_route_on_a_missing_interface_or_table_name_is_an_error() {
        let plan: vigil_plan::Route = serde_json::from_str(
            r#"{"family": "ipv4", "dst": {"address": "10.6.0.0", "prefix_len": 24}, "dev": "eth9", "origin": {"file": "k", "line": 1}}"#,
        )
        .unwrap();
        assert_eq!(
            RouteSpec::of(&plan, &host(), &names()).unwrap_err(),
            "no interface eth9"
        );
        let plan: vigil_plan::Route = serde_json::from_str(
            r#"{"family": "ipv4", "dst": {"address": "10.6.0.0", "prefix_len": 24}, "table": "nope", "origin": {"file": "k", "line": 1}}"#,
        )
        .unwrap();
        assert!(RouteSpec::of(&plan, &host(), &names()).is_err());
    }

    #[test]
    fn builds_rule_requests_as_keepalived_does() {
        let spec = rule(
            r#"{"family": "ipv4", "action": "table", "target": 100, "from": {"address": "10.5.0.0", "prefix_len": 24},
                "preference": 16384, "protocol": 18, "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&rule_request(&spec).unwrap());
        // fib_rule_hdr: AF_INET, dst_len 0, src_len 24, tos 0, table 100, res, res,
        // FR_ACT_TO_TBL, flags 0.
        assert_eq!(&b[..12], &[2, 0, 24, 0, 100, 0, 0, 1, 0, 0, 0, 0]);
        // FRA_SRC, FRA_PRIORITY 16384, FRA_PROTOCOL 18 (padded).
        assert_eq!(&b[12..20], &[8, 0, 2, 0, 10, 5, 0, 0]);
        assert_eq!(&b[20..28], &[8, 0, 6, 0, 0, 0x40, 0, 0]);
        assert_eq!(&b[28..], &[5, 0, 21, 0, 18, 0, 0, 0]);

        let spec = rule(
            r#"{"family": "ipv6", "action": "table", "target": "main", "invert": true, "to": {"address": "fd00::", "prefix_len": 8},
                "tos": "lowdelay", "fwmark": 5, "fwmask": 255, "iif": "eth0", "oif": "lo", "suppress_prefixlength": 0,
                "uid_range": [1000, 2000], "ipproto": "tcp", "sport": [1, 2], "dport": [80, 80],
                "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&rule_request(&spec).unwrap());
        assert_eq!(&b[..12], &[10, 8, 0, 0x10, 254, 0, 0, 1, 2, 0, 0, 0]);
        let mut want = vec![20u8, 0, 1, 0, 0xfd];
        want.extend([0; 15]);
        want.extend([8, 0, 10, 0, 5, 0, 0, 0]);
        want.extend([8, 0, 16, 0, 255, 0, 0, 0]);
        want.extend([8, 0, 14, 0, 0, 0, 0, 0]);
        want.extend([9, 0, 3, 0, b'e', b't', b'h', b'0', 0, 0, 0, 0]);
        want.extend([7, 0, 17, 0, b'l', b'o', 0, 0]);
        want.extend([12, 0, 20, 0, 0xe8, 3, 0, 0, 0xd0, 7, 0, 0]);
        want.extend([5, 0, 22, 0, 6, 0, 0, 0]);
        want.extend([8, 0, 23, 0, 1, 0, 2, 0]);
        want.extend([8, 0, 24, 0, 80, 0, 80, 0]);
        assert_eq!(&b[12..], &want[..]);

        // goto: FRA_GOTO and FR_ACT_GOTO; a table of 256 or more in FRA_TABLE; l3mdev.
        let spec = rule(
            r#"{"family": "ipv4", "action": "goto", "target": 300, "preference": 10, "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&rule_request(&spec).unwrap());
        assert_eq!(&b[..8], &[2, 0, 0, 0, 0, 0, 0, 2]);
        assert_eq!(&b[20..], &[8, 0, 4, 0, 44, 1, 0, 0]);
        let spec = rule(r#"{"family": "ipv4", "action": "table", "target": 1000, "origin": {"file": "k", "line": 1}}"#);
        let b = rbytes(&rule_request(&spec).unwrap());
        assert_eq!(&b[4..5], &[0]);
        assert_eq!(&b[12..], &[8, 0, 15, 0, 0xe8, 3, 0, 0]);
        let spec =
            rule(r#"{"family": "ipv4", "action": "l3mdev", "preference": 1000, "origin": {"file": "k", "line": 1}}"#);
        let b = rbytes(&rule_request(&spec).unwrap());
        assert_eq!(&b[..8], &[2, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(&b[20..], &[5, 0, 19, 0, 1, 0, 0, 0]);
        let spec = rule(
            r#"{"family": "ipv4", "action": "blackhole", "from": {"prefix_len": 0}, "origin": {"file": "k", "line": 1}}"#,
        );
        let b = rbytes(&rule_request(&spec).unwrap());
        assert_eq!(b, [2, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0]);
    }

    fn lbytes(m: &Ifinfomsg) -> Vec<u8> {
        let mut c = Cursor::new(Vec::new());
        m.to_bytes(&mut c).unwrap();
        c.into_inner()
    }

    #[test]
    fn builds_vmac_link_requests_as_keepalived_does() {
        let spec = MacvlanSpec {
            name: "vrrp.51".into(),
            parent: 2,
            mac: [0, 0, 0x5e, 0, 1, 51],
        };
        let b = lbytes(&macvlan_request(&spec, None).unwrap());
        // ifinfomsg: AF_UNSPEC, type 0, index 0, flags 0, change 0.
        assert_eq!(&b[..16], &[0u8; 16]);
        let ne = |v: u16| v.to_ne_bytes();
        let mut want = Vec::new();
        // IFLA_LINKINFO (18) { IFLA_INFO_KIND "macvlan", IFLA_INFO_DATA { IFLA_MACVLAN_MODE private } }.
        want.extend(ne(28));
        want.extend(ne(18));
        want.extend(ne(11));
        want.extend(ne(1));
        want.extend(b"macvlan\0");
        want.extend(ne(12));
        want.extend(ne(2));
        want.extend(ne(8));
        want.extend(ne(1));
        want.extend(1u32.to_ne_bytes());
        // IFLA_LINK (5) 2, IFLA_IFNAME (3) "vrrp.51" (no NUL, padded), IFLA_ADDRESS (1).
        want.extend(ne(8));
        want.extend(ne(5));
        want.extend(2u32.to_ne_bytes());
        want.extend(ne(11));
        want.extend(ne(3));
        want.extend(b"vrrp.51\0");
        want.extend(ne(10));
        want.extend(ne(1));
        want.extend([0, 0, 0x5e, 0, 1, 51, 0, 0]);
        assert_eq!(&b[16..], &want[..]);
        // An update names the link by index and leaves out its parent and name.
        let u = lbytes(&macvlan_request(&spec, Some(9)).unwrap());
        assert_eq!(&u[4..8], &9i32.to_ne_bytes());
        assert_eq!(u.len(), 16 + 28 + 12);
        // The kernel's answer read back.
        assert_eq!(parse_linkinfo(&want[4..28]), (Some("macvlan".into()), Some(1)));
        assert_eq!(
            parse_linkinfo(&[9, 0, 1, 0, b'v', b'e', b't', b'h', 0, 0, 0, 0]),
            (Some("veth".into()), None)
        );
        assert_eq!(parse_linkinfo(&[200, 0, 1, 0]), (None, None));
    }

    #[test]
    fn addr_gen_mode_link_up_and_delete() {
        let b = lbytes(&addr_gen_mode_none_request(9).unwrap());
        assert_eq!(&b[4..8], &9i32.to_ne_bytes());
        // IFLA_AF_SPEC (26) { AF_INET6 (10) { IFLA_INET6_ADDR_GEN_MODE (8) u8 1 } }.
        let mut want = Vec::new();
        for (len, t) in [(16u16, 26u16), (12, 10), (5, 8)] {
            want.extend(len.to_ne_bytes());
            want.extend(t.to_ne_bytes());
        }
        want.extend([1, 0, 0, 0]);
        assert_eq!(&b[16..], &want[..]);
        let up = lbytes(&link_up_request(9).unwrap());
        assert_eq!(up.len(), 16);
        assert_eq!(&up[8..12], &1u32.to_ne_bytes());
        assert_eq!(&up[12..16], &1u32.to_ne_bytes());
        let del = lbytes(&del_link_request(9).unwrap());
        assert_eq!(&del[..], &[&[0u8; 4][..], &9i32.to_ne_bytes(), &[0u8; 8]].concat()[..]);
    }

    #[test]
    fn builds_address_requests_as_keepalived_does() {
        let spec = AddrSpec {
            index: 7,
            addr: "10.0.0.100".parse().unwrap(),
            prefix_len: 24,
            scope: 0,
            broadcast: Some("10.0.0.255".parse().unwrap()),
            label: Some("eth0:1".into()),
            nodad: false,
            noprefixroute: false,
            preferred_lft: None,
        };
        let b = bytes(&addr_request(&spec, true).unwrap());
        // ifaddrmsg: family AF_INET, prefix 24, flags 0, scope 0, index 7.
        assert_eq!(&b[..8], &[2, 24, 0, 0, 7, 0, 0, 0]);
        // IFA_LOCAL (2): 10.0.0.100; IFA_BROADCAST (4); IFA_LABEL (3) "eth0:1\0", padded.
        assert_eq!(&b[8..16], &[8, 0, 2, 0, 10, 0, 0, 100]);
        assert_eq!(&b[16..24], &[8, 0, 4, 0, 10, 0, 0, 255]);
        assert_eq!(&b[24..35], &[11, 0, 3, 0, b'e', b't', b'h', b'0', b':', b'1', 0]);
        // Delete: IFA_LOCAL and IFA_ADDRESS (1), nothing else.
        let d = bytes(&addr_request(&spec, false).unwrap());
        assert_eq!(d.len(), 8 + 8 + 8);
        assert_eq!(&d[16..20], &[8, 0, 1, 0]);
    }

    #[test]
    fn ipv6_virtual_addresses_skip_dad() {
        let plan: vigil_plan::Address =
            serde_json::from_str(r#"{"address": "fd00::100", "prefix_len": 64, "origin": {"file": "k", "line": 1}}"#)
                .unwrap();
        let spec = AddrSpec::of(&plan, 3);
        assert!(spec.nodad);
        let b = bytes(&addr_request(&spec, true).unwrap());
        assert_eq!(b[0], 10);
        // IFA_LOCAL (20 bytes), then IFA_FLAGS (8) = IFA_F_NODAD.
        assert_eq!(&b[28..36], &[8, 0, 8, 0, 2, 0, 0, 0]);
    }

    #[test]
    fn an_ipv6_host_address_is_added_deprecated_as_keepalived_adds_it() {
        // The compiler's default for an IPv6 /128: preferred_lft 0.
        let plan: vigil_plan::Address = serde_json::from_str(
            r#"{"address": "fd00::10", "prefix_len": 128, "preferred_lft_ms": 0, "origin": {"file": "k", "line": 1}}"#,
        )
        .unwrap();
        let spec = AddrSpec::of(&plan, 3);
        assert_eq!(spec.preferred_lft, Some(0));
        let b = bytes(&addr_request(&spec, true).unwrap());
        // IFA_CACHEINFO (4 + 16) first: preferred 0, valid forever, then IFA_LOCAL.
        assert_eq!(&b[8..12], &[20, 0, 6, 0]);
        assert_eq!(&b[12..16], &[0, 0, 0, 0]);
        assert_eq!(&b[16..20], &[0xff; 4]);
        assert_eq!(&b[28..32], &[20, 0, 2, 0]);
        // Removing sends no lifetime.
        let d = bytes(&addr_request(&spec, false).unwrap());
        assert_eq!(&d[8..12], &[20, 0, 2, 0]);
    }

    #[test]
    fn broadcast_plus_and_minus() {
        let a: Ipv4Addr = "192.168.1.77".parse().unwrap();
        assert_eq!(host_bits(a, 24, true), "192.168.1.255".parse::<Ipv4Addr>().unwrap());
        assert_eq!(host_bits(a, 24, false), "192.168.1.0".parse::<Ipv4Addr>().unwrap());
        assert_eq!(host_bits(a, 32, true), a);
        assert_eq!(host_bits(a, 0, true), Ipv4Addr::BROADCAST);
    }

    #[test]
    fn primary_address_of_a_family() {
        let host = Host {
            links: vec![],
            addrs: vec![
                HostAddr {
                    index: 2,
                    addr: "10.0.0.100".parse().unwrap(),
                    prefix_len: 32,
                    scope: 0,
                    secondary: false,
                },
                HostAddr {
                    index: 2,
                    addr: "10.0.0.1".parse().unwrap(),
                    prefix_len: 24,
                    scope: 0,
                    secondary: false,
                },
                HostAddr {
                    index: 2,
                    addr: "fd00::1".parse().unwrap(),
                    prefix_len: 64,
                    scope: 0,
                    secondary: false,
                },
                HostAddr {
                    index: 2,
                    addr: "fe80::1".parse().unwrap(),
                    prefix_len: 64,
                    scope: 253,
                    secondary: false,
                },
            ],
        };
        let vip: IpAddr = "10.0.0.100".parse().unwrap();
        assert_eq!(host.primary(2, false, &[vip]), Some("10.0.0.1".parse().unwrap()));
        assert_eq!(host.primary(2, true, &[]), Some("fe80::1".parse().unwrap()));
        assert_eq!(host.primary(3, false, &[]), None);
    }
}
