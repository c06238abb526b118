//! LVS semantic checks: what keepalived validates about a `virtual_server`, its real servers
//! and checkers once it has read them, and about `bfd_instance` blocks. This module builds a
//! small view of each virtual server from the tree (service, forwarding methods, the real
//! servers keepalived keeps); its checks read the view.

pub mod bfd_duplicate_session;
pub mod bfd_family_mismatch;
pub mod bfd_max_hops_above_ttl;
pub mod bfd_timer_not_sensible;
pub mod bfd_timer_out_of_range;
pub mod bfd_without_neighbor;
pub mod checker_probes_port_zero;
pub mod duplicate_group_entry;
pub mod duplicate_real_server;
pub mod dynamic_misc_check_conflict;
pub mod empty_virtual_server;
pub mod group_family_mismatch;
pub mod ha_suspend_with_fwmark;
pub mod hysteresis_not_below_quorum;
pub mod invalid_regex;
pub mod link_local_without_bind_if;
pub mod missing_forwarding_method;
pub mod missing_protocol;
pub mod missing_scheduler;
pub mod ops_without_udp;
pub mod protocol_with_fwmark;
pub mod quorum_above_total_weight;
pub mod real_server_family_mismatch;
pub mod real_server_port_mismatch;
pub mod regex_offsets_inverted;
pub mod regex_settings_without_regex;
pub mod regex_stack_inverted;
pub mod sorry_server_inhibit_differs;
pub mod udp_reply_length_inverted;
pub mod zero_port_without_persistence;

use crate::checks::Resolved;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body, Keyword};
use crate::values::{parse_ip, Family};
use std::net::IpAddr;
use vigil_grammar::{NodeRef, Parsed, WordRef};

pub static ALL: &[&crate::checks::Check] = &[
    &duplicate_real_server::CHECK,
    &quorum_above_total_weight::CHECK,
    &hysteresis_not_below_quorum::CHECK,
    &real_server_port_mismatch::CHECK,
    &protocol_with_fwmark::CHECK,
    &empty_virtual_server::CHECK,
    &missing_forwarding_method::CHECK,
    &missing_scheduler::CHECK,
    &missing_protocol::CHECK,
    &real_server_family_mismatch::CHECK,
    &ha_suspend_with_fwmark::CHECK,
    &ops_without_udp::CHECK,
    &zero_port_without_persistence::CHECK,
    &dynamic_misc_check_conflict::CHECK,
    &udp_reply_length_inverted::CHECK,
    &bfd_without_neighbor::CHECK,
    &checker_probes_port_zero::CHECK,
    &bfd_family_mismatch::CHECK,
    &bfd_duplicate_session::CHECK,
    &bfd_max_hops_above_ttl::CHECK,
    &group_family_mismatch::CHECK,
    &sorry_server_inhibit_differs::CHECK,
    &link_local_without_bind_if::CHECK,
    &invalid_regex::CHECK,
    &regex_settings_without_regex::CHECK,
    &regex_offsets_inverted::CHECK,
    &bfd_timer_out_of_range::CHECK,
    &bfd_timer_not_sensible::CHECK,
    &regex_stack_inverted::CHECK,
    &duplicate_group_entry::CHECK,
];

/// An IPVS forwarding method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fwd {
    Nat,
    Dr,
    Tun,
}

impl Fwd {
    /// The method a `lb_kind` / `lvs_method` line sets, if keepalived can read it.
    pub fn of(line: NodeRef<'_>) -> Option<Fwd> {
        match line.args().first()?.text() {
            "NAT" => Some(Fwd::Nat),
            "DR" => Some(Fwd::Dr),
            "TUN" => Some(Fwd::Tun),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Fwd::Nat => "NAT",
            Fwd::Dr => "DR",
            Fwd::Tun => "TUN",
        }
    }
}

/// One entry of a virtual_server_group.
#[derive(Clone, Copy, Debug)]
pub enum GroupEntry {
    Addr { family: Family, port: u16 },
    Fwmark,
}

/// What a virtual server serves.
pub enum Service<'t> {
    /// `virtual_server ADDR [PORT]` (a missing port is 0).
    Addr { ip: IpAddr, port: u16 },
    /// `virtual_server fwmark N`.
    Fwmark,
    /// `virtual_server group NAME`, with the group's readable entries.
    Group {
        name: WordRef<'t>,
        entries: Vec<GroupEntry>,
    },
}

/// An address with an optional port, as written on a `real_server` or `sorry_server` line.
pub struct Endpoint<'t> {
    pub node: NodeRef<'t>,
    pub addr_word: WordRef<'t>,
    pub ip: IpAddr,
    /// The port word, if one is written.
    pub port_word: Option<WordRef<'t>>,
    /// The port, 0 when absent.
    pub port: u16,
}

impl<'t> Endpoint<'t> {
    fn read(node: NodeRef<'t>) -> Option<Endpoint<'t>> {
        let args = node.args();
        let addr_word = args.first()?;
        let ip = parse_ip(addr_word.text())?;
        let port_word = args.get(1);
        let port = match port_word {
            Some(w) => w.text().parse::<u16>().ok()?,
            None => 0,
        };
        Some(Endpoint {
            node,
            addr_word,
            ip,
            port_word,
            port,
        })
    }

    /// The words naming the endpoint, for diagnostics: address and port.
    pub fn span(&self) -> vigil_grammar::Span {
        let a = self.addr_word.span();
        match self.port_word {
            Some(p) if p.span().file == a.file && p.span().end > a.start => {
                vigil_grammar::Span { end: p.span().end, ..a }
            }
            _ => a,
        }
    }

    pub fn family(&self) -> Family {
        Family::of(&self.ip)
    }

    /// `ADDR` or `ADDR PORT` for messages.
    pub fn label(&self) -> String {
        match self.port_word {
            Some(_) => format!("{} {}", self.addr_word.text(), self.port),
            None => self.addr_word.text().to_string(),
        }
    }
}

/// One `real_server` block keepalived reads.
pub struct RealServer<'t> {
    pub at: Endpoint<'t>,
    /// Keyword lines directly in the block (checker blocks included).
    pub own: Vec<NodeRef<'t>>,
    /// The keyword of each line of `own`, read once.
    pub own_kw: Vec<&'t str>,
    /// The health checker blocks among `own`.
    pub checkers: Vec<NodeRef<'t>>,
    /// The method the virtual server had when this block started (keepalived copies it then).
    pub inherited: Option<Fwd>,
    /// The family check keepalived makes at the end of the block dropped this server: the
    /// family the virtual server had, and the line that fixed it (none: its own address).
    pub dropped_for_family: Option<(Family, Option<NodeRef<'t>>)>,
    /// A real server earlier in the list with the same address and port (keepalived removes
    /// this one).
    pub duplicate_of: Option<usize>,
}

impl<'t> RealServer<'t> {
    /// The last line of keyword `kw` directly in the block.
    pub fn last(&self, kw: &str) -> Option<NodeRef<'t>> {
        self.own
            .iter()
            .zip(&self.own_kw)
            .rfind(|(_, k)| **k == kw)
            .map(|(n, _)| *n)
    }

    /// The method the server's own `lvs_method` sets.
    pub fn own_method(&self) -> Option<(Fwd, NodeRef<'t>)> {
        crate::checks::lines_of(&self.own, &self.own_kw, "lvs_method")
            .filter_map(|n| Some((Fwd::of(n)?, n)))
            .next_back()
    }

    /// Whether keepalived keeps this server after reading the virtual server.
    pub fn live(&self) -> bool {
        self.dropped_for_family.is_none() && self.duplicate_of.is_none()
    }
}

/// One `virtual_server` block keepalived keeps after reading it.
pub struct VirtualServer<'t> {
    pub node: NodeRef<'t>,
    pub service: Service<'t>,
    /// Keyword lines directly in the block, `real_server` lines included, in file order.
    pub own: Vec<NodeRef<'t>>,
    /// The keyword of each line of `own`, read once.
    pub own_kw: Vec<&'t str>,
    pub reals: Vec<RealServer<'t>>,
    pub sorry: Option<Endpoint<'t>>,
    /// The family the sorry server's check compares against, when it does not match: keepalived
    /// drops the sorry server.
    pub sorry_family_clash: Option<Family>,
    /// The family keepalived settles on while reading the block (its address, else
    /// `ip_family`, else the first real server's), if any.
    pub family: Option<Family>,
}

impl<'t> VirtualServer<'t> {
    /// The words after `virtual_server`, for messages.
    pub fn label(&self) -> String {
        self.node.args().joined()
    }

    /// Where to point at the virtual server as a whole: its `virtual_server` keyword and arguments.
    pub fn head_span(&self) -> vigil_grammar::Span {
        let words = self.node.words();
        let first = words.first().map_or(self.node.span(), |w| w.span());
        match words.last() {
            Some(l) if l.span().file == first.file && l.span().end > first.start => vigil_grammar::Span {
                end: l.span().end,
                ..first
            },
            _ => first,
        }
    }

    /// Every line of keyword `kw` directly in the block.
    pub fn all(&self, kw: &'static str) -> impl Iterator<Item = NodeRef<'t>> + '_ {
        crate::checks::lines_of(&self.own, &self.own_kw, kw)
    }

    /// The last line of keyword `kw`.
    pub fn last(&self, kw: &'static str) -> Option<NodeRef<'t>> {
        self.all(kw).last()
    }

    /// The last `lb_kind` / `lvs_method` line keepalived reads, with its method.
    pub fn method(&self) -> Option<(Fwd, NodeRef<'t>)> {
        self.own
            .iter()
            .zip(&self.own_kw)
            .filter(|(_, k)| matches!(**k, "lb_kind" | "lvs_method"))
            .filter_map(|(n, _)| Some((Fwd::of(*n)?, *n)))
            .next_back()
    }

    /// The last valid `protocol` line, upper-cased.
    pub fn protocol(&self) -> Option<(String, NodeRef<'t>)> {
        let table = vs_table()?;
        let allowed = match schema::find(table, "protocol")?.args.first()? {
            schema::Ty::EnumNoCase(v) => *v,
            _ => return None,
        };
        self.all("protocol")
            .filter_map(|n| {
                let w = n.args().first()?;
                allowed
                    .iter()
                    .find(|a| a.eq_ignore_ascii_case(w.text()))
                    .map(|a| (a.to_string(), n))
            })
            .last()
    }

    /// Whether the service is addressed by firewall mark (a group: only by marks).
    pub fn fwmark_only(&self) -> bool {
        match &self.service {
            Service::Fwmark => true,
            Service::Group { entries, .. } => {
                !entries.is_empty() && entries.iter().all(|e| matches!(e, GroupEntry::Fwmark))
            }
            Service::Addr { .. } => false,
        }
    }

    /// Whether any part of the service is addressed by firewall mark.
    pub fn has_fwmark(&self) -> bool {
        match &self.service {
            Service::Fwmark => true,
            Service::Group { entries, .. } => entries.iter().any(|e| matches!(e, GroupEntry::Fwmark)),
            Service::Addr { .. } => false,
        }
    }

    /// Whether any part of the service is addressed by IP address.
    pub fn has_addr(&self) -> bool {
        match &self.service {
            Service::Addr { .. } => true,
            Service::Group { entries, .. } => entries.iter().any(|e| matches!(e, GroupEntry::Addr { .. })),
            Service::Fwmark => false,
        }
    }

    /// Whether persistence is on (`persistence_timeout`, or `persistence_granularity`, which
    /// turns it on).
    pub fn persistent(&self) -> bool {
        self.last("persistence_timeout").is_some() || self.last("persistence_granularity").is_some()
    }

    /// The real servers keepalived keeps.
    pub fn live(&self) -> impl Iterator<Item = &RealServer<'t>> + '_ {
        self.reals.iter().filter(|r| r.live())
    }

    /// The method keepalived ends up using for a real server, and whether it came from the
    /// built-in default.
    pub fn method_of(&self, rs: &RealServer<'t>) -> (Fwd, bool) {
        if let Some((m, _)) = rs.own_method() {
            return (m, false);
        }
        if let Some(m) = rs.inherited {
            return (m, false);
        }
        match self.method() {
            Some((m, _)) => (m, false),
            None => (Fwd::Nat, true),
        }
    }

    /// The sorry server's method: its own `sorry_server_lvs_method`, else the service's.
    pub fn sorry_method(&self) -> (Fwd, bool) {
        if let Some(m) = self.last("sorry_server_lvs_method").and_then(Fwd::of) {
            return (m, false);
        }
        match self.method() {
            Some((m, _)) => (m, false),
            None => (Fwd::Nat, true),
        }
    }
}

/// The block table of `path` (`a/b`), looked up once per path (the checks ask for it per
/// real server).
fn table_at(cell: &'static std::sync::OnceLock<Option<&'static [Keyword]>>, path: &str) -> Option<&'static [Keyword]> {
    *cell.get_or_init(|| match crate::checks::structure::keyword_at(path)?.body {
        Body::Keywords(t) => Some(t),
        _ => None,
    })
}

fn vs_table() -> Option<&'static [Keyword]> {
    static T: std::sync::OnceLock<Option<&'static [Keyword]>> = std::sync::OnceLock::new();
    table_at(&T, "virtual_server")
}

fn rs_table() -> Option<&'static [Keyword]> {
    static T: std::sync::OnceLock<Option<&'static [Keyword]>> = std::sync::OnceLock::new();
    table_at(&T, "virtual_server/real_server")
}

/// The default of keyword `kw` in table `table`, as a number.
pub fn default_of(table: Option<&'static [Keyword]>, kw: &str) -> Option<u64> {
    schema::find(table?, kw)?.default?.parse().ok()
}

/// The first argument of `line` as an unsigned number within the keyword's range in `table`.
pub fn uint_arg(table: Option<&'static [Keyword]>, line: NodeRef<'_>) -> Option<u64> {
    let k = schema::find(table?, line.keyword()?)?;
    let v: u64 = line.args().first()?.text().parse().ok()?;
    match k.args.first()? {
        schema::Ty::Uint { min, max } if (*min..=*max).contains(&v) => Some(v),
        _ => None,
    }
}

/// The real server's weight: its own valid `weight`, else the service's, else the default.
pub fn weight(vs: &VirtualServer<'_>, rs: &RealServer<'_>) -> u64 {
    let own = rs
        .own
        .iter()
        .filter(|n| n.keyword() == Some("weight"))
        .filter_map(|n| uint_arg(rs_table(), *n))
        .next_back();
    own.or_else(|| vs.all("weight").filter_map(|n| uint_arg(vs_table(), n)).last())
        .or_else(|| default_of(vs_table(), "weight"))
        .unwrap_or(1)
}

/// The readable entries of every `virtual_server_group`, by name (a later group of the same
/// name is ignored by keepalived).
pub fn groups(parsed: &Parsed) -> Groups<'_> {
    let mut out: Vec<(&str, Vec<GroupEntry>)> = Vec::new();
    for node in parsed.tree.nodes() {
        if node.keyword() != Some("virtual_server_group") {
            continue;
        }
        let (Some(name), Some(block)) = (node.args().first(), node.block()) else {
            continue;
        };
        if out.iter().any(|(n, _)| *n == name.text()) {
            continue;
        }
        let mut entries = Vec::new();
        for line in block.nodes().filter(|l| l.block().is_none()) {
            let words = line.words();
            if !crate::checks::values::invalid_vsg_entry::problems(words).is_empty() {
                continue;
            }
            let Some(first) = words.first() else { continue };
            if first.text() == "fwmark" {
                entries.push(GroupEntry::Fwmark);
                continue;
            }
            let addr = first.text().split(['-', '/']).next().unwrap_or("");
            let Some(ip) = parse_ip(addr) else { continue };
            let port = words.get(1).and_then(|w| w.text().parse().ok()).unwrap_or(0);
            entries.push(GroupEntry::Addr {
                family: Family::of(&ip),
                port,
            });
        }
        out.push((name.text(), entries));
    }
    out
}

/// Every `virtual_server` keepalived keeps, with its real servers.
pub fn virtual_servers(parsed: &Parsed) -> Vec<VirtualServer<'_>> {
    let mut out = Vec::new();
    each_virtual_server(parsed, |vs| out.push(vs));
    out
}

/// Builds the view of each virtual server in turn and hands it to `f`, so that only one
/// view is alive at a time (a config may have thousands).
pub fn each_virtual_server<'t>(parsed: &'t Parsed, f: impl FnMut(VirtualServer<'t>)) {
    each_virtual_server_with(parsed, &Resolved::default(), f)
}

/// [`each_virtual_server`], with the keywords looked up once.
pub fn each_virtual_server_with<'t>(parsed: &'t Parsed, keywords: &Resolved, f: impl FnMut(VirtualServer<'t>)) {
    each_virtual_server_in(parsed.tree.nodes(), &groups(parsed), keywords, f)
}

/// The readable `virtual_server_group`s, by name (see [`each_virtual_server_in`]).
pub type Groups<'t> = Vec<(&'t str, Vec<GroupEntry>)>;

/// [`each_virtual_server`] over some of the top-level statements, with the groups read once.
pub fn each_virtual_server_in<'t>(
    top: impl Iterator<Item = NodeRef<'t>>,
    groups: &Groups<'t>,
    keywords: &Resolved,
    mut f: impl FnMut(VirtualServer<'t>),
) {
    let Some(rs_tab) = rs_table() else {
        return;
    };
    for node in top {
        if node.keyword() != Some("virtual_server") {
            continue;
        }
        let Some(block) = node.block() else { continue };
        let args = node.args();
        if !crate::checks::values::invalid_virtual_server::problems(args, node.span()).is_empty() {
            continue;
        }
        let Some(first) = args.first() else { continue };
        let service = match first.text() {
            "fwmark" => Service::Fwmark,
            "group" => {
                let Some(name) = args.get(1) else { continue };
                // keepalived drops a virtual server whose group is not defined, or is empty.
                match groups.iter().find(|(n, _)| *n == name.text()) {
                    Some((_, e)) if !e.is_empty() => Service::Group {
                        name,
                        entries: e.clone(),
                    },
                    _ => continue,
                }
            }
            text => {
                let addr = text.split_once('/').map_or(text, |(a, _)| a);
                let Some(ip) = parse_ip(addr) else { continue };
                let port = args.get(1).and_then(|w| w.text().parse().ok()).unwrap_or(0);
                Service::Addr { ip, port }
            }
        };
        let mut vs = VirtualServer {
            node,
            service,
            own: Vec::new(),
            own_kw: Vec::new(),
            reals: Vec::new(),
            sorry: None,
            sorry_family_clash: None,
            family: None,
        };
        // The family keepalived knows while reading, and the line that fixed it.
        let mut family: Option<(Family, Option<NodeRef<'_>>)> = match &vs.service {
            Service::Addr { ip, .. } => Some((Family::of(ip), None)),
            _ => None,
        };
        let mut method: Option<Fwd> = None;
        let mut sorry_line = None;
        let count = block.nodes().count();
        vs.own.reserve_exact(count);
        vs.own_kw.reserve_exact(count);
        for line in block.nodes() {
            let Some(kw) = line.keyword() else { continue };
            vs.own.push(line);
            vs.own_kw.push(kw);
            match kw {
                "lb_kind" | "lvs_method" => {
                    if let Some(m) = Fwd::of(line) {
                        method = Some(m);
                    }
                }
                "ip_family" if family.is_none() => {
                    family = match line.args().first().map(|w| w.text()) {
                        Some("inet") => Some((Family::V4, Some(line))),
                        Some("inet6") => Some((Family::V6, Some(line))),
                        _ => None,
                    };
                }
                "sorry_server" => sorry_line = Some(line),
                "real_server" => {
                    let Some(at) = Endpoint::read(line) else { continue };
                    let (mut own, mut own_kw, mut checkers) = (Vec::new(), Vec::new(), Vec::new());
                    if let Some(b) = line.block() {
                        let count = b.nodes().count();
                        own.reserve_exact(count);
                        own_kw.reserve_exact(count);
                        for n in b.nodes() {
                            let Some(k) = keywords.get(n, rs_tab) else { continue };
                            own.push(n);
                            own_kw.push(k.name);
                            if n.block().is_some() && matches!(k.body, Body::Keywords(_)) {
                                checkers.push(n);
                            }
                        }
                    }
                    let mut rs = RealServer {
                        at,
                        own,
                        own_kw,
                        checkers,
                        inherited: method,
                        dropped_for_family: None,
                        duplicate_of: None,
                    };
                    let tunnel = rs.own_method().map(|m| m.0).or(method) == Some(Fwd::Tun);
                    if !tunnel {
                        match family {
                            None => family = Some((rs.at.family(), Some(line))),
                            Some((f, by)) if f != rs.at.family() => rs.dropped_for_family = Some((f, by)),
                            _ => {}
                        }
                    }
                    vs.reals.push(rs);
                }
                _ => {}
            }
        }
        // keepalived reads the sorry server at its line, but the family check sees the family
        // the service ends up with.
        if let Some(s) = sorry_line.and_then(Endpoint::read) {
            if vs.sorry_method().0 != Fwd::Tun {
                if let Some((f, _)) = family {
                    if f != s.family() {
                        vs.sorry_family_clash = Some(f);
                    }
                }
            }
            vs.sorry = Some(s);
        }
        vs.family = family.map(|f| f.0);
        for i in 0..vs.reals.len() {
            if vs.reals[i].dropped_for_family.is_some() {
                continue;
            }
            let dup = (0..i).find(|&j| {
                vs.reals[j].live()
                    && vs.reals[j].at.ip == vs.reals[i].at.ip
                    && vs.reals[j].at.port == vs.reals[i].at.port
            });
            vs.reals[i].duplicate_of = dup;
        }
        f(vs);
    }
}

/// One `bfd_instance` block.
pub struct Bfd<'t> {
    pub node: NodeRef<'t>,
    pub name: Option<WordRef<'t>>,
    pub own: Vec<NodeRef<'t>>,
}

impl<'t> Bfd<'t> {
    pub fn label(&self) -> &'t str {
        self.name.map_or("(unnamed)", |w| w.text())
    }

    /// The last line of any keyword in `kws`.
    pub fn last(&self, kws: &[&str]) -> Option<NodeRef<'t>> {
        self.own
            .iter()
            .copied()
            .rfind(|n| n.keyword().is_some_and(|k| kws.contains(&k)))
    }

    /// The address of the last line of `kws`, if it reads.
    pub fn addr(&self, kws: &[&str]) -> Option<(IpAddr, WordRef<'t>)> {
        let w = self.last(kws)?.args().first()?;
        Some((parse_ip(w.text())?, w))
    }
}

/// The keywords of a bfd_instance that name the neighbour: the table's entries sharing the
/// neighbour's doc (its two spellings).
pub fn neighbor_keywords() -> Vec<&'static str> {
    let Some(table) = bfd_table() else {
        return Vec::new();
    };
    table
        .iter()
        .filter(|k| k.name.starts_with("neighbo") && k.name.ends_with("_ip"))
        .map(|k| k.name)
        .collect()
}

fn bfd_table() -> Option<&'static [Keyword]> {
    static T: std::sync::OnceLock<Option<&'static [Keyword]>> = std::sync::OnceLock::new();
    table_at(&T, "bfd_instance")
}

/// Every `bfd_instance` at the top level (the first of a name: keepalived ignores the others).
pub fn bfds(parsed: &Parsed) -> Vec<Bfd<'_>> {
    let Some(table) = bfd_table() else {
        return Vec::new();
    };
    let mut out: Vec<Bfd<'_>> = Vec::new();
    for node in parsed.tree.nodes() {
        if node.keyword() != Some("bfd_instance") {
            continue;
        }
        let Some(block) = node.block() else { continue };
        let name = node.args().first();
        if let Some(n) = name {
            if out.iter().any(|b| b.name.is_some_and(|o| o.text() == n.text())) {
                continue;
            }
        }
        let own = block
            .nodes()
            .filter(|n| n.keyword().is_some_and(|k| schema::find(table, k).is_some()))
            .collect();
        out.push(Bfd { node, name, own });
    }
    out
}

/// Every checker block (a real_server keyword that opens a block of keywords) of a real server.
pub fn checkers<'a, 't>(rs: &'a RealServer<'t>) -> impl Iterator<Item = NodeRef<'t>> + 'a {
    rs.checkers.iter().copied()
}

/// The `url` blocks of a checker (HTTP_GET, SSL_GET).
pub fn urls<'t>(checker: NodeRef<'t>) -> impl Iterator<Item = NodeRef<'t>> {
    checker
        .block()
        .into_iter()
        .flat_map(|b| b.nodes())
        .filter(|n| n.keyword() == Some("url") && n.block().is_some())
}

/// The lines of a `url` block that has a `regex` (the regex settings only count then).
pub fn regex_url_lines(url: NodeRef<'_>) -> Option<Vec<NodeRef<'_>>> {
    let lines: Vec<NodeRef<'_>> = url.block()?.nodes().collect();
    lines.iter().any(|n| n.keyword() == Some("regex")).then_some(lines)
}

/// Runs the LVS and BFD checks.
pub fn run(parsed: &Parsed, kw: &Resolved, out: &mut Vec<Diagnostic>) {
    run_groups(parsed, out);
    run_virtual_servers(parsed.tree.nodes(), &groups(parsed), kw, out);
    run_bfd(parsed, out);
}

/// The checks of `virtual_server_group` blocks.
pub fn run_groups(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    duplicate_group_entry::check(parsed, out);
}

/// The checks of each virtual server among some top-level statements (check modules split the
/// top level in parts to share them between threads).
pub fn run_virtual_servers<'t>(
    top: impl Iterator<Item = NodeRef<'t>>,
    groups: &Groups<'t>,
    kw: &Resolved,
    out: &mut Vec<Diagnostic>,
) {
    each_virtual_server_in(top, groups, kw, |vs| {
        let vs = &vs;
        // keepalived links groups to virtual servers first, and drops one of the wrong family.
        if group_family_mismatch::check(vs, out) {
            return;
        }
        real_server_family_mismatch::check(vs, out);
        for rs in &vs.reals {
            for c in checkers(rs) {
                udp_reply_length_inverted::check(c, out);
                link_local_without_bind_if::check(rs, c, out);
                checker_probes_port_zero::check(rs, c, out);
                for url in urls(c) {
                    invalid_regex::check(url, out);
                    regex_settings_without_regex::check(url, out);
                    regex_offsets_inverted::check(url, out);
                    regex_stack_inverted::check(url, out);
                }
            }
        }
        dynamic_misc_check_conflict::check(vs, out);
        if vs.live().next().is_none() {
            empty_virtual_server::check(vs, out);
            return;
        }
        duplicate_real_server::check(vs, out);
        sorry_server_inhibit_differs::check(vs, out);
        ha_suspend_with_fwmark::check(vs, out);
        missing_protocol::check(vs, out);
        ops_without_udp::check(vs, out);
        zero_port_without_persistence::check(vs, out);
        protocol_with_fwmark::check(vs, out);
        missing_scheduler::check(vs, out);
        missing_forwarding_method::check(vs, out);
        let quorum = quorum_above_total_weight::check(vs, out);
        hysteresis_not_below_quorum::check(vs, quorum, out);
        real_server_port_mismatch::check(vs, out);
    });
}

/// The BFD checks.
pub fn run_bfd(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    let bfds = bfds(parsed);
    let mut kept = Vec::new();
    for b in &bfds {
        bfd_timer_out_of_range::check(b, out);
        bfd_timer_not_sensible::check(b, out);
        let ok = bfd_without_neighbor::check(b, out) && bfd_family_mismatch::check(b, out);
        if ok {
            bfd_max_hops_above_ttl::check(b, out);
            kept.push(b);
        }
    }
    bfd_duplicate_session::check(&kept, out);
}

#[cfg(test)]
pub(crate) fn lint(text: &str) -> Vec<Diagnostic> {
    crate::checks::lint_with(text, run)
}

/// A complete virtual server around `body` (lb_algo, lb_kind NAT, protocol TCP first).
#[cfg(test)]
pub(crate) fn vs(head: &str, body: &str) -> String {
    format!("virtual_server {head} {{\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n{body}}}\n")
}

/// A virtual server whose real server has an HTTP_GET with one url: `path /`, then `body`.
#[cfg(test)]
pub(crate) fn url(body: &str) -> String {
    vs(
        "192.0.2.1 80",
        &format!("    real_server 192.0.2.10 80 {{\n        HTTP_GET {{\n            url {{\n                path /\n{body}            }}\n        }}\n    }}\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_service_passes() {
        let d = lint(&vs("192.0.2.1 80", "    real_server 192.0.2.10 80 {\n    }\n"));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn view_reads_methods_and_duplicates() {
        let text = "virtual_server 192.0.2.1 80 {\n    real_server 192.0.2.10 80 {\n    }\n    lb_kind DR\n    real_server 192.0.2.10 80 {\n        lvs_method TUN\n    }\n}\n";
        let parsed = vigil_grammar::parse_text("/t.conf", text);
        let v = virtual_servers(&parsed);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].reals.len(), 2);
        assert_eq!(v[0].reals[0].inherited, None);
        assert_eq!(v[0].method_of(&v[0].reals[0]), (Fwd::Dr, false));
        assert_eq!(v[0].reals[1].inherited, Some(Fwd::Dr));
        assert_eq!(v[0].reals[1].duplicate_of, Some(0));
    }

    #[test]
    fn undefined_group_and_bad_address_are_skipped() {
        assert!(lint("virtual_server group G {\n    real_server 192.0.2.10 80 {\n    }\n}\n").is_empty());
        assert!(lint("virtual_server 192.0.2.300 80 {\n}\n").is_empty());
        assert!(lint("virtual_server {\n}\nreal_server {\n}\nbfd_instance {\n}\n")
            .iter()
            .all(|d| d.code() == "KA0516"));
    }

    #[test]
    fn neighbor_spellings_come_from_the_table() {
        let mut n = neighbor_keywords();
        n.sort();
        assert_eq!(n, ["neighbor_ip", "neighbour_ip"]);
    }
}
