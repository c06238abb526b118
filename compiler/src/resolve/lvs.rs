//! The virtual servers as keepalived 2.2.7 ends up with them: a view of each `virtual_server`
//! block keepalived keeps (its service, its lines, the real servers it keeps, the family it
//! settles on) and, from it, what keepalived runs ([`VsEffective`], [`RsEffective`],
//! [`CheckerEffective`]), each value with the line that decided it. The checks read the view and
//! the effective settings; the lowering ([`crate::lower`]) copies the effective settings into
//! the plan. Rules are those of keepalived's `check_parser.c` handlers (read in file order) and of
//! `validate_check_config` / the checkers' end handlers (completed after reading).

use super::Decided;
use crate::checks::Resolved;
use crate::schema::{self, Body, Keyword};
use crate::values::{parse_ip, Family};
use std::net::IpAddr;
use vigil_grammar::{NodeRef, Parsed, Span, WordRef};

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
    Addr {
        family: Family,
        port: u16,
    },
    /// A firewall mark, with its family when one is written (`fwmark N inet6`).
    Fwmark {
        family: Option<Family>,
    },
}

impl GroupEntry {
    /// The family the entry gives its group: an address's, a mark's when written.
    pub fn family(self) -> Option<Family> {
        match self {
            GroupEntry::Addr { family, .. } => Some(family),
            GroupEntry::Fwmark { family } => family,
        }
    }
}

/// Whether a group's entries hold IPv4 and IPv6 ones (keepalived's `have_ipv4`, `have_ipv6`).
pub fn group_families(entries: &[GroupEntry]) -> (bool, bool) {
    let has = |f| entries.iter().any(|e| e.family() == Some(f));
    (has(Family::V4), has(Family::V6))
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
    /// `ip_family`, a `persistence_granularity` or the first non-TUN real server, whichever
    /// comes first), if any, with the line that fixed it (none: its own address).
    /// After the block, the group's when it is of one family and nothing else fixed it (then
    /// with no line).
    pub family: Option<(Family, Option<Span>)>,
    /// A group's service whose family (read from the block) its group's entries do not match:
    /// the family and the line that fixed it. keepalived drops the virtual server
    /// (link_vsg_to_vs).
    pub group_clash: Option<(Family, Option<Span>)>,
    /// The `persistence_granularity` line keepalived keeps (the last one that reads), and
    /// whether it read it as IPv4 (the service's family at that line, else its text).
    pub granularity: Option<NodeRef<'t>>,
    pub granularity_v4: Option<bool>,
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

    /// The line of the block at `span` (the line an effective value was decided by).
    pub fn line_at(&self, span: Option<Span>) -> Option<NodeRef<'t>> {
        let span = span?;
        self.own.iter().copied().find(|n| n.span() == span)
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
                !entries.is_empty() && entries.iter().all(|e| matches!(e, GroupEntry::Fwmark { .. }))
            }
            Service::Addr { .. } => false,
        }
    }

    /// Whether any part of the service is addressed by firewall mark.
    pub fn has_fwmark(&self) -> bool {
        match &self.service {
            Service::Fwmark => true,
            Service::Group { entries, .. } => entries.iter().any(|e| matches!(e, GroupEntry::Fwmark { .. })),
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

    /// The method keepalived ends up using for a real server: its own `lvs_method`, else the
    /// service's method when the block began (keepalived copies it then), else the service's
    /// last, else NAT (`by` none: keepalived's default).
    pub fn method_of(&self, rs: &RealServer<'t>) -> Decided<Fwd> {
        if let Some((m, n)) = rs.own_method() {
            return Decided::at(m, n.span());
        }
        self.method_at(rs.at.node)
    }

    /// The sorry server's method: its own `sorry_server_lvs_method` after its line (one before
    /// it is ignored), else the service's method when it was read, else the service's last,
    /// else NAT.
    pub fn sorry_method(&self) -> Decided<Fwd> {
        let Some(s) = &self.sorry else {
            return self.method_at(self.node);
        };
        let own = self
            .all("sorry_server_lvs_method")
            .filter(|n| n.id() > s.node.id())
            .filter_map(|n| Some((Fwd::of(n)?, n)))
            .last();
        match own {
            Some((m, n)) => Decided::at(m, n.span()),
            None => self.method_at(s.node),
        }
    }

    /// The service's method as read before `line`, else its last, else NAT.
    fn method_at(&self, line: NodeRef<'_>) -> Decided<Fwd> {
        let before = self
            .own
            .iter()
            .zip(&self.own_kw)
            .filter(|(n, k)| matches!(**k, "lb_kind" | "lvs_method") && n.id() < line.id())
            .filter_map(|(n, _)| Some((Fwd::of(*n)?, *n)))
            .next_back();
        match before.or_else(|| self.method()) {
            Some((m, n)) => Decided::at(m, n.span()),
            None => Decided::default(Fwd::Nat),
        }
    }
}

/// The block table of `path` (`a/b`), looked up once per path (the checks ask for it per
/// real server).
pub fn table_at(
    cell: &'static std::sync::OnceLock<Option<&'static [Keyword]>>,
    path: &str,
) -> Option<&'static [Keyword]> {
    *cell.get_or_init(|| match crate::checks::structure::keyword_at(path)?.body {
        Body::Keywords(t) => Some(t),
        _ => None,
    })
}

pub fn vs_table() -> Option<&'static [Keyword]> {
    static T: std::sync::OnceLock<Option<&'static [Keyword]>> = std::sync::OnceLock::new();
    table_at(&T, "virtual_server")
}

pub fn rs_table() -> Option<&'static [Keyword]> {
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

/// The readable entries of every `virtual_server_group` keepalived keeps, by name (a later
/// group of the same name is ignored by keepalived), with the span of its keyword.
pub fn groups(parsed: &Parsed) -> Groups<'_> {
    let mut out: Groups<'_> = Vec::new();
    for node in parsed.tree.nodes() {
        if node.keyword() != Some("virtual_server_group") {
            continue;
        }
        let (Some(name), Some(block)) = (node.args().first(), node.block()) else {
            continue;
        };
        if out.iter().any(|(n, _, _)| *n == name.text()) {
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
                let family = match words.get(2).map(|w| w.text()) {
                    Some("inet") => Some(Family::V4),
                    Some("inet6") => Some(Family::V6),
                    _ => None,
                };
                entries.push(GroupEntry::Fwmark { family });
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
        // keepalived removes a group with no entry it reads, and one of both families with a
        // mark of none (vsg_handler); a virtual server naming it then finds the next of its
        // name, if any.
        let (v4, v6) = group_families(&entries);
        let unfamilied = entries.iter().any(|e| matches!(e, GroupEntry::Fwmark { family: None }));
        if entries.is_empty() || (v4 && v6 && unfamilied) {
            continue;
        }
        out.push((
            name.text(),
            entries,
            node.words().first().map_or(node.span(), |w| w.span()),
        ));
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
pub type Groups<'t> = Vec<(&'t str, Vec<GroupEntry>, Span)>;

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
                // keepalived drops a virtual server whose group is not defined, or removed.
                match groups.iter().find(|(n, _, _)| *n == name.text()) {
                    Some((_, e, _)) => Service::Group {
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
            group_clash: None,
            granularity: None,
            granularity_v4: None,
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
                // keepalived reads the granularity by the family known so far, else by its
                // text (a `.`: IPv4), and one that reads fixes the family (pgr_handler).
                "persistence_granularity" => {
                    let Some(w) = line.args().first() else { continue };
                    let v4 = match family {
                        Some((f, _)) => f == Family::V4,
                        None => w.text().contains('.'),
                    };
                    if granularity(w.text(), v4).is_some() {
                        vs.granularity = Some(line);
                        vs.granularity_v4 = Some(v4);
                        if family.is_none() {
                            family = Some((if v4 { Family::V4 } else { Family::V6 }, Some(line)));
                        }
                    }
                }
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
        // A sorry server not tunnelled fixes the family if nothing did, and is dropped when of
        // the other family (vs_end_handler).
        if let Some(s) = sorry_line.and_then(Endpoint::read) {
            let family_of_sorry = s.family();
            let line = s.node;
            vs.sorry = Some(s);
            if vs.sorry_method().value != Fwd::Tun {
                match family {
                    None => family = Some((family_of_sorry, Some(line))),
                    Some((f, _)) if f != family_of_sorry => vs.sorry_family_clash = Some(f),
                    _ => {}
                }
            }
        }
        // A service (not a group's) still without a family, all its servers tunnelled: the
        // family of the sorry and real servers if they share one, else IPv4.
        if family.is_none() && !matches!(vs.service, Service::Group { .. }) {
            let mut fams = vs
                .sorry
                .iter()
                .map(|s| (s.family(), s.node))
                .chain(vs.reals.iter().map(|r| (r.at.family(), r.at.node)));
            family = match fams.next() {
                Some((f, n)) if fams.all(|(g, _)| g == f) => Some((f, Some(n))),
                _ => Some((Family::V4, None)),
            };
        }
        vs.family = family.map(|(f, by)| (f, by.map(|n| n.span())));
        // keepalived then links each group to its services (link_vsg_to_vs): a group of both
        // families takes only a service of no family yet, one of one family only a service of
        // none or that family, and gives its family to a service of none.
        if let Service::Group { entries, .. } = &vs.service {
            let (v4, v6) = group_families(entries);
            match vs.family {
                // (A group of both families clashes with either.)
                Some((f, by)) if (v4 && f == Family::V6) || (v6 && f == Family::V4) => {
                    vs.group_clash = Some((f, by));
                }
                None if v4 != v6 => vs.family = Some((if v4 { Family::V4 } else { Family::V6 }, None)),
                _ => {}
            }
        }
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

// ---------------------------------------------------------------------------------------------
// Effective settings

/// One keyword line of a block, with its arguments typed as keepalived reads them (a line
/// whose required argument does not read is left out, as keepalived ignores it).
#[derive(Clone)]
pub struct Line<'t> {
    pub node: NodeRef<'t>,
    pub kw: &'static Keyword,
    pub args: Vec<crate::ir::Arg>,
}

/// The keyword lines of one block, in file order.
#[derive(Clone)]
pub struct Lines<'t> {
    pub lines: Vec<Line<'t>>,
    /// The block's table, whose defaults apply.
    pub table: &'static [Keyword],
}

impl<'t> Lines<'t> {
    /// The lines of `block` read with `table` (a block after no keyword is read as part of it).
    pub fn of(block: Option<vigil_grammar::BlockRef<'t>>, table: &'static [Keyword]) -> Lines<'t> {
        fn collect<'t>(
            nodes: vigil_grammar::Children<'t>,
            table: &'static [Keyword],
            depth: usize,
            out: &mut Vec<Line<'t>>,
        ) {
            if depth > 64 {
                return;
            }
            for node in nodes {
                let Some(first) = node.words().first() else {
                    if let Some(b) = node.block() {
                        collect(b.nodes(), table, depth + 1, out);
                    }
                    continue;
                };
                let Some(kw) = schema::find(table, first.text()) else {
                    continue;
                };
                let Some(args) = crate::ir::typed_args(kw, node.args()) else {
                    continue;
                };
                out.push(Line { node, kw, args });
            }
        }
        let mut lines = Vec::new();
        if let Some(b) = block {
            collect(b.nodes(), table, 0, &mut lines);
        }
        Lines { lines, table }
    }

    /// Every line of keyword `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl DoubleEndedIterator<Item = &'a Line<'t>> + 'a {
        self.lines.iter().filter(move |l| l.kw.name == name)
    }

    /// No lines (the sorry server's).
    pub fn empty() -> Lines<'t> {
        Lines {
            lines: Vec::new(),
            table: &[],
        }
    }

    /// The last line of `name` (keepalived keeps the last setting).
    pub fn last(&self, name: &str) -> Option<&Line<'t>> {
        self.lines.iter().rfind(|l| l.kw.name == name)
    }

    /// The last line of `name` before node `before` (for what keepalived reads at that point).
    pub fn last_before(&self, name: &str, before: NodeRef<'_>) -> Option<&Line<'t>> {
        self.lines
            .iter()
            .rfind(|l| l.kw.name == name && l.node.id() < before.id())
    }

    pub fn has(&self, name: &str) -> bool {
        self.last(name).is_some()
    }

    /// The table's default of `name`, typed.
    pub fn default(&self, name: &str) -> Option<crate::ir::Value> {
        let k = schema::find(self.table, name)?;
        crate::ir::value(k.args.first()?, k.default?.split_whitespace().next()?)
    }

    fn value(&self, name: &str) -> Option<(crate::ir::Value, Option<Span>)> {
        match self.last(name) {
            Some(l) => Some((l.args.first()?.value.clone(), Some(l.node.span()))),
            None => Some((self.default(name)?, None)),
        }
    }

    /// A whole number: the last line, else the table's default.
    pub fn uint(&self, name: &str) -> Option<Decided<u64>> {
        match self.value(name)? {
            (crate::ir::Value::Uint(v), by) => Some(Decided::by(v, by)),
            (crate::ir::Value::Port(p), by) => Some(Decided::by(u64::from(p), by)),
            _ => None,
        }
    }

    /// A whole number written in the block (no default).
    pub fn written_uint(&self, name: &str) -> Option<Decided<u64>> {
        self.uint(name).filter(|d| d.by.is_some())
    }

    /// A duration in microseconds: the last line, else the table's default.
    pub fn micros(&self, name: &str) -> Option<Decided<u64>> {
        match self.value(name)? {
            (crate::ir::Value::Micros(v), by) => Some(Decided::by(v, by)),
            (crate::ir::Value::Uint(v), by) => Some(Decided::by(v.checked_mul(1_000_000)?, by)),
            _ => None,
        }
    }

    /// A duration written in the block (no default).
    pub fn written_micros(&self, name: &str) -> Option<Decided<u64>> {
        self.micros(name).filter(|d| d.by.is_some())
    }

    /// A flag: its last line (alone, or with a true value), else the table's default, else
    /// off.
    pub fn flag(&self, name: &str) -> Decided<bool> {
        match self.last(name) {
            Some(l) => Decided::at(
                !matches!(l.args.first().map(|a| &a.value), Some(crate::ir::Value::Bool(false))),
                l.node.span(),
            ),
            None => Decided::default(matches!(self.default(name), Some(crate::ir::Value::Bool(true)))),
        }
    }

    /// A flag that may be absent: `None` when not written.
    pub fn opt_flag(&self, name: &str) -> Option<Decided<bool>> {
        self.last(name).map(|_| self.flag(name))
    }

    /// The first argument's text of the last line, else the table's default.
    pub fn text(&self, name: &str) -> Option<Decided<String>> {
        match self.last(name) {
            Some(l) => Some(Decided::at(l.args.first()?.text.to_string(), l.node.span())),
            None => {
                let k = schema::find(self.table, name)?;
                Some(Decided::default(k.default?.split_whitespace().next()?.to_string()))
            }
        }
    }

    /// An address, the last line's.
    pub fn ip(&self, name: &str) -> Option<Decided<IpAddr>> {
        match self.value(name)? {
            (crate::ir::Value::Ip(a) | crate::ir::Value::Prefix(a, _), by) => Some(Decided::by(a, by)),
            _ => None,
        }
    }
}

/// What a virtual server serves, as the plan keys it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Addr { ip: IpAddr, port: u16 },
    Fwmark { mark: u32 },
    Group { name: String },
}

/// A real or sorry server as keepalived runs it.
#[derive(Clone)]
pub struct RsEffective<'t> {
    /// The `real_server` / `sorry_server` line.
    pub node: NodeRef<'t>,
    pub address: IpAddr,
    /// The port on the line, if any.
    pub written_port: Option<u16>,
    /// The port IPVS is given (see [`rs_port`]).
    pub port: Decided<u16>,
    pub weight: Decided<u32>,
    pub forwarding: Decided<Fwd>,
    pub inhibit_on_failure: Decided<bool>,
    pub upper_threshold: Option<Decided<u32>>,
    pub lower_threshold: Option<Decided<u32>>,
    /// The real server's lines (none for the sorry server).
    pub lines: Lines<'t>,
    pub checkers: Vec<CheckerEffective<'t>>,
}

/// A health checker as keepalived runs it: its timing after inheritance from the real and
/// virtual server.
#[derive(Clone)]
pub struct CheckerEffective<'t> {
    /// The checker block's line (for an SMTP_CHECK's `host`, the `host` line).
    pub node: NodeRef<'t>,
    /// `TCP_CHECK`, `HTTP_GET`, ...
    pub kind: &'static str,
    /// The checker block's lines (for a `host`, the SMTP_CHECK's).
    pub lines: Lines<'t>,
    /// For an SMTP_CHECK's `host` block: its own lines (its connection settings).
    pub host: Option<Lines<'t>>,
    pub retry: Decided<u32>,
    pub delay_before_retry_us: Decided<u64>,
    pub delay_loop_us: Decided<u64>,
    pub warmup_us: Option<Decided<u64>>,
    pub alpha: Decided<bool>,
    /// The connect timeout (checkers that connect).
    pub connect_timeout_us: Decided<u64>,
    /// The port the checker probes when not the real server's as IPVS has it: its
    /// `connect_port`, else the port written on the real_server line (0 when none) if that
    /// differs from IPVS's (checkers that connect).
    pub connect_port: Option<Decided<u16>>,
    /// HTTP_GET / SSL_GET: the checker's `virtualhost`, else the real server's, else the
    /// virtual server's.
    pub virtualhost: Option<Decided<String>>,
}

/// A virtual server as keepalived runs it.
pub struct VsEffective<'t> {
    pub node: NodeRef<'t>,
    pub key: Key,
    /// The service's family once read (its address, else `ip_family`, else the first
    /// `persistence_granularity` or non-TUN real server); `None`: not fixed (a fwmark service
    /// then runs IPv4).
    pub family: Option<Decided<Family>>,
    pub lines: Lines<'t>,
    /// `None` for a fwmark service.
    pub protocol: Option<Decided<String>>,
    pub scheduler: Decided<String>,
    /// The scheduler flags keepalived keeps, in the plan's order.
    pub scheduler_flags: Vec<&'static str>,
    pub forwarding: Decided<Fwd>,
    pub persistence_timeout_s: Option<Decided<u32>>,
    pub persistence_granularity: Option<Decided<String>>,
    pub one_packet: Decided<bool>,
    pub delay_loop_us: Decided<u64>,
    pub ha_suspend: Decided<bool>,
    pub alpha: Decided<bool>,
    pub omega: Decided<bool>,
    pub inhibit_on_failure: Decided<bool>,
    /// The quorum keepalived runs: as read, lowered to the real servers' total weight.
    pub quorum: Decided<u32>,
    /// The quorum as read (its line, else 1).
    pub quorum_read: Decided<u32>,
    /// The hysteresis keepalived runs: as read, or the quorum less one when not below it.
    pub hysteresis: Decided<u32>,
    /// The hysteresis as read (its line, else 0).
    pub hysteresis_read: Decided<u32>,
    /// keepalived made the service persistent (360 s) for its zero port.
    pub persistent_for_zero_port: bool,
    pub sorry: Option<RsEffective<'t>>,
    /// The real servers keepalived keeps (not dropped for their family, not duplicates).
    pub reals: Vec<RsEffective<'t>>,
}

/// A forwarding-method line's method as the plan reads it (`DR`, `TUN`, anything else NAT).
fn fwd_of(l: &Line<'_>) -> Option<Fwd> {
    Some(match l.args.first()?.text.to_ascii_uppercase().as_str() {
        "DR" => Fwd::Dr,
        "TUN" => Fwd::Tun,
        _ => Fwd::Nat,
    })
}

/// The last `lb_kind` / `lvs_method` line (one keyword to keepalived: the last one read wins).
fn forwarding_line<'a, 't>(lines: &'a Lines<'t>) -> Option<&'a Line<'t>> {
    lines
        .lines
        .iter()
        .rfind(|l| matches!(l.kw.name, "lb_kind" | "lvs_method"))
}

/// keepalived reads an IPv4 service's `persistence_granularity` as an address (inet_aton-like:
/// a plain number N is the address N, so `24` is 0.0.0.24), an IPv6 one's as a prefix length
/// 1..128; `None` when it does not read (keepalived ignores it).
pub fn granularity(text: &str, v4: bool) -> Option<String> {
    if v4 {
        match text.parse::<u32>() {
            Ok(n) => Some(std::net::Ipv4Addr::from(n).to_string()),
            Err(_) => text.parse::<std::net::Ipv4Addr>().ok().map(|a| a.to_string()),
        }
    } else {
        text.parse::<u8>()
            .ok()
            .filter(|n| (1..=128).contains(n))
            .map(|n| n.to_string())
    }
}

/// The port IPVS is given for a real or sorry server, as keepalived fixes it after reading
/// the virtual server: a virtual_server_group's servers keep the port as written (keepalived
/// only warns); NAT keeps a written non-zero port and otherwise takes the service's (a fwmark
/// service has none); DR and TUN take the service's port, 0 for a fwmark service.
pub fn rs_port(forwarding: Fwd, written: Option<u16>, key: &Key) -> u16 {
    let (vs_port, fwmark) = match key {
        Key::Group { .. } => return written.unwrap_or(0),
        Key::Addr { port, .. } => (*port, false),
        Key::Fwmark { .. } => (0, true),
    };
    match (forwarding, fwmark) {
        (Fwd::Nat, true) => written.unwrap_or(0),
        (Fwd::Nat, false) => written.filter(|&p| p != 0).unwrap_or(vs_port),
        (_, true) => 0,
        (_, false) => vs_port,
    }
}

/// Whether a checker kind probes an address and port of its own (not a script, file or BFD
/// session).
pub fn connects(kind: &str) -> bool {
    !matches!(kind, "MISC_CHECK" | "FILE_CHECK" | "BFD_CHECK")
}

/// The tables of a real server's checker keywords.
fn checker_table(kind: &str) -> &'static [Keyword] {
    match rs_table().and_then(|t| schema::find(t, kind)).map(|k| k.body) {
        Some(Body::Keywords(t)) => t,
        _ => &[],
    }
}

impl<'t> VirtualServer<'t> {
    /// What keepalived runs for this virtual server; `groups` for a group service's entries.
    /// Without `with_checkers`, the real servers' checkers are not resolved (left empty).
    pub fn effective(&self, groups: &Groups<'t>, with_checkers: bool) -> Option<VsEffective<'t>> {
        if self.group_clash.is_some() {
            return None;
        }
        let lines = Lines::of(self.node.block(), vs_table().unwrap_or(&[]));
        let args = self.node.args();
        let key = match args.first()?.text() {
            "fwmark" => Key::Fwmark {
                mark: args.get(1)?.text().parse().ok()?,
            },
            "group" => Key::Group {
                name: args.get(1)?.text().to_string(),
            },
            _ => match &self.service {
                Service::Addr { ip, port } => Key::Addr { ip: *ip, port: *port },
                _ => return None,
            },
        };
        let forwarding = match forwarding_line(&lines) {
            Some(l) => Decided::at(fwd_of(l).unwrap_or(Fwd::Nat), l.node.span()),
            None => Decided::default(Fwd::Nat),
        };
        let delay_loop_us = lines.micros("delay_loop").unwrap_or(Decided::default(60_000_000));
        // A service addressed only by firewall marks has no protocol; the others default to
        // UDP (the kernel's default, which keepalived then sets).
        let protocol = self.has_addr().then(
            || match lines.last("protocol").and_then(|l| Some((l, l.args.first()?))) {
                Some((l, a)) => Decided::at(a.text.as_str().to_ascii_uppercase(), l.node.span()),
                None => Decided::default("UDP".to_string()),
            },
        );
        let family = self.family.map(|(f, by)| Decided::by(f, by));
        // persistence_timeout without a valid number means 360 s.
        let mut persistence = lines.last("persistence_timeout").map(|l| {
            Decided::at(
                l.args.first().and_then(|a| a.text.parse::<u32>().ok()).unwrap_or(360),
                l.node.span(),
            )
        });
        // The granularity is read by the family the service has at its line (a fwmark
        // service's without one by its text); an unreadable one is ignored, and does not set
        // the timeout.
        let gran_line = self
            .granularity
            .and_then(|n| lines.lines.iter().find(|l| l.node.id() == n.id()));
        let persistence_granularity = gran_line.and_then(|l| {
            let text = &l.args.first()?.text;
            let v4 = self.granularity_v4?;
            Some(Decided::at(granularity(text, v4)?, l.node.span()))
        });
        // persistence_granularity sets the default timeout when none is set yet.
        let timeout_line = lines.last("persistence_timeout").map(|l| l.node.id());
        if let (Some(g), None) = (gran_line.filter(|_| persistence_granularity.is_some()), &persistence) {
            if timeout_line.is_none_or(|t| t > g.node.id()) {
                persistence = Some(Decided::at(360, g.node.span()));
            }
        }
        let zero_port = match &key {
            Key::Addr { port: 0, .. } => true,
            Key::Group { name } => groups
                .iter()
                .filter(|(n, _, _)| n == name)
                .flat_map(|(_, e, _)| e.iter())
                .any(|e| matches!(e, GroupEntry::Addr { port: 0, .. })),
            _ => false,
        };
        let persistent_for_zero_port = persistence.is_none() && zero_port;
        if persistent_for_zero_port {
            persistence = Some(Decided::at(360, self.node.span()));
        }
        // The real servers keepalived keeps.
        let mut reals = Vec::new();
        for rs in self.live() {
            reals.push(self.real(rs, &lines, &key, delay_loop_us, with_checkers));
        }
        // A quorum above the total weight is lowered to it; a hysteresis not below the quorum
        // becomes the quorum less one (unsigned in keepalived: a quorum of 0 wraps).
        let total: u64 = reals
            .iter()
            .map(|r| u64::from(r.weight.value))
            .fold(0, u64::saturating_add);
        let quorum_read = lines
            .uint("quorum")
            .map_or(Decided::default(1), |d| d.map(|v| v as u32));
        let mut quorum = quorum_read;
        if u64::from(quorum.value) > total {
            quorum = Decided::by(total as u32, quorum.by.or(Some(self.node.span())));
        }
        let hysteresis_read = lines
            .uint("hysteresis")
            .map_or(Decided::default(0), |d| d.map(|v| v as u32));
        let mut hysteresis = hysteresis_read;
        if hysteresis.value >= quorum.value {
            hysteresis = Decided::by(quorum.value.wrapping_sub(1), hysteresis.by.or(quorum.by));
        }
        // sorry_server_lvs_method and sorry_server_inhibit apply to a sorry server already
        // read: keepalived ignores them before it (`... used without sorry_server`).
        let sorry = lines
            .last("sorry_server")
            .filter(|_| self.sorry_family_clash.is_none())
            .and_then(|ss| {
                let address = match ss.args.first()?.value {
                    crate::ir::Value::Ip(a) => a,
                    _ => return None,
                };
                let written_port = ss.args.get(1).and_then(|a| match a.value {
                    crate::ir::Value::Port(p) => Some(p),
                    _ => None,
                });
                let after = |name: &str| {
                    lines
                        .lines
                        .iter()
                        .rfind(|l| l.kw.name == name && l.node.id() > ss.node.id())
                };
                let forwarding = self.sorry_method();
                let inhibit = match after("sorry_server_inhibit") {
                    Some(l) => Decided::at(true, l.node.span()),
                    None => Decided::default(false),
                };
                Some(RsEffective {
                    node: ss.node,
                    address,
                    written_port,
                    port: Decided::by(rs_port(forwarding.value, written_port, &key), forwarding.by),
                    weight: Decided::default(1),
                    forwarding,
                    inhibit_on_failure: inhibit,
                    upper_threshold: None,
                    lower_threshold: None,
                    lines: Lines::empty(),
                    checkers: Vec::new(),
                })
            });
        // One-packet scheduling needs UDP when the service has addresses.
        let ops = lines.flag("ops");
        let one_packet = match &protocol {
            Some(p) if ops.value && p.value != "UDP" => Decided::by(false, p.by.or(ops.by)),
            _ => ops,
        };
        // lb_algo and lvs_sched are one keyword (the last wins); sh-* and mh-* flags count only
        // when the scheduler read before them is sh or mh.
        let mut scheduler: Option<Decided<String>> = None;
        let mut flags: Vec<&str> = Vec::new();
        for l in &lines.lines {
            let sched = scheduler.as_ref().map(|d| d.value.as_str());
            match l.kw.name {
                "lb_algo" | "lvs_sched" => {
                    if let Some(a) = l.args.first() {
                        scheduler = Some(Decided::at(a.text.to_string(), l.node.span()));
                    }
                }
                f @ ("flag-1" | "flag-2" | "flag-3") => flags.push(f),
                f @ ("sh-port" | "sh-fallback") if sched == Some("sh") => flags.push(f),
                f @ ("mh-port" | "mh-fallback") if sched == Some("mh") => flags.push(f),
                _ => {}
            }
        }
        let scheduler_flags = [
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
        .collect();
        let ha = lines.flag("ha_suspend");
        Some(VsEffective {
            node: self.node,
            family,
            protocol,
            scheduler: scheduler.unwrap_or(Decided::default("wlc".to_string())),
            scheduler_flags,
            forwarding,
            persistence_timeout_s: persistence,
            persistence_granularity,
            one_packet,
            delay_loop_us,
            // Cleared for a service with firewall marks (a group's too).
            ha_suspend: Decided::by(ha.value && !self.has_fwmark(), ha.by),
            alpha: lines.flag("alpha"),
            omega: lines.flag("omega"),
            inhibit_on_failure: lines.flag("inhibit_on_failure"),
            quorum,
            quorum_read,
            hysteresis,
            hysteresis_read,
            persistent_for_zero_port,
            sorry,
            reals,
            lines,
            key,
        })
    }

    /// A real server keepalived keeps, completed.
    fn real(
        &self,
        rs: &RealServer<'t>,
        vs_lines: &Lines<'t>,
        key: &Key,
        vs_delay_loop: Decided<u64>,
        with_checkers: bool,
    ) -> RsEffective<'t> {
        let lines = Lines::of(rs.at.node.block(), rs_table().unwrap_or(&[]));
        let written_port = rs.at.port_word.map(|_| rs.at.port);
        let forwarding = self.method_of(rs);
        // Its own weight, else the service's, else 1.
        let weight = lines
            .written_uint("weight")
            .or_else(|| vs_lines.written_uint("weight"))
            .map_or(Decided::default(1), |d| d.map(|v| v as u32));
        let port = Decided::by(rs_port(forwarding.value, written_port, key), forwarding.by);
        let inhibit_on_failure = lines
            .opt_flag("inhibit_on_failure")
            .unwrap_or(vs_lines.flag("inhibit_on_failure"));
        let mut checkers = Vec::new();
        for l in lines.lines.iter().filter(|_| with_checkers) {
            let kind = l.kw.name;
            if l.node.block().is_none() || !(kind.ends_with("_CHECK") || kind.ends_with("_GET")) {
                continue;
            }
            let cl = Lines::of(l.node.block(), checker_table(kind));
            let Some(c) = checker(
                l.node,
                kind,
                cl,
                None,
                &lines,
                vs_lines,
                vs_delay_loop,
                rs.at.node,
                written_port,
                port.value,
            ) else {
                continue;
            };
            // An SMTP_CHECK's `host` blocks are checkers of their own (see `checker`).
            let hosts: Vec<NodeRef<'t>> = c
                .lines
                .lines
                .iter()
                .filter(|h| kind == "SMTP_CHECK" && h.kw.name == "host" && h.node.block().is_some())
                .map(|h| h.node)
                .collect();
            let base = c.clone();
            checkers.push(c);
            let host_table = match schema::find(checker_table(kind), "host").map(|k| k.body) {
                Some(Body::Keywords(t)) => t,
                _ => &[],
            };
            for h in hosts {
                let hl = Lines::of(h.block(), host_table);
                if let Some(hc) = checker(
                    h,
                    kind,
                    base.lines.clone(),
                    Some(hl),
                    &lines,
                    vs_lines,
                    vs_delay_loop,
                    rs.at.node,
                    written_port,
                    port.value,
                ) {
                    checkers.push(hc);
                }
            }
        }
        RsEffective {
            node: rs.at.node,
            address: rs.at.ip,
            written_port,
            port,
            weight,
            forwarding,
            inhibit_on_failure,
            upper_threshold: lines.written_uint("uthreshold").map(|d| d.map(|v| v as u32)),
            lower_threshold: lines.written_uint("lthreshold").map(|d| d.map(|v| v as u32)),
            lines,
            checkers,
        }
    }
}

/// One checker's effective settings. Timing falls back from the checker to the real server to
/// the virtual server (`validate_check_config`), and then to the checker kind's defaults. An
/// SMTP_CHECK takes its connect timeout when its block ends (`smtp_check_end_handler`): the
/// real server's if one was read before the block, else the virtual server's as read so far
/// (5 s by default); a `host` block's is its own or 0.
#[allow(clippy::too_many_arguments)]
fn checker<'t>(
    node: NodeRef<'t>,
    kind: &'static str,
    cl: Lines<'t>,
    host: Option<Lines<'t>>,
    rl: &Lines<'t>,
    vl: &Lines<'t>,
    vs_delay_loop: Decided<u64>,
    rs_node: NodeRef<'t>,
    rs_written_port: Option<u16>,
    rs_port: u16,
) -> Option<CheckerEffective<'t>> {
    let chain_us = |k: &str| -> Option<Decided<u64>> {
        [&cl, rl, vl]
            .into_iter()
            .find(|b| b.has(k))
            .and_then(|b| b.written_micros(k))
    };
    let chain_uint = |k: &str| -> Option<Decided<u64>> {
        [&cl, rl, vl]
            .into_iter()
            .find(|b| b.has(k))
            .and_then(|b| b.written_uint(k))
    };
    let delay_loop_us = chain_us("delay_loop").unwrap_or(vs_delay_loop);
    let at = |l: &Line<'_>| match l.args.first()?.value {
        crate::ir::Value::Micros(v) => Some(Decided::at(v, l.node.span())),
        _ => None,
    };
    let connect_timeout_us = match (&host, kind) {
        (Some(h), _) => h
            .written_micros("connect_timeout")
            .unwrap_or(Decided::at(0, node.span())),
        (None, "SMTP_CHECK") => cl
            .written_micros("connect_timeout")
            .or_else(|| rl.last_before("connect_timeout", node).and_then(at))
            .or_else(|| vl.last_before("connect_timeout", rs_node).and_then(at))
            .unwrap_or(Decided::default(5_000_000)),
        _ => chain_us("connect_timeout").unwrap_or(Decided::default(5_000_000)),
    };
    let conn = host.as_ref().unwrap_or(&cl);
    // A checker's default destination is the real server as written: its written port (0 when
    // none), not the port IPVS uses after keepalived resets it for DR/TUN or fills it in for
    // NAT.
    let connect_port = conn
        .written_uint("connect_port")
        .map(|d| d.map(|v| v as u16))
        .or_else(|| {
            let probe = rs_written_port.unwrap_or(0);
            (connects(kind) && probe != rs_port).then(|| Decided::default(probe))
        });
    let virtualhost = matches!(kind, "HTTP_GET" | "SSL_GET")
        .then(|| {
            [&cl, rl, vl]
                .into_iter()
                .find_map(|b| b.last("virtualhost").and_then(|_| b.text("virtualhost")))
        })
        .flatten();
    let retry = chain_uint("retry")
        .or(cl.uint("retry"))
        .map_or(Decided::default(1), |d| d.map(|v| v as u32));
    let delay_before_retry_us = chain_us("delay_before_retry")
        .or(cl.micros("delay_before_retry"))
        .unwrap_or(delay_loop_us);
    let alpha = [&cl, rl, vl]
        .into_iter()
        .map(|b| b.flag("alpha"))
        .find(|d| d.value)
        .unwrap_or(Decided::default(false));
    Some(CheckerEffective {
        node,
        kind,
        host,
        retry,
        delay_before_retry_us,
        delay_loop_us,
        warmup_us: chain_us("warmup"),
        alpha,
        connect_timeout_us,
        connect_port,
        virtualhost,
        lines: cl,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each checker's kind and connect timeout (ms), by real server.
    type Timeouts = Vec<(IpAddr, Vec<(&'static str, u64)>)>;

    fn effective(text: &str) -> Vec<(Key, Option<Family>, Timeouts)> {
        let parsed = vigil_grammar::parse_text("/t.conf", text);
        let g = groups(&parsed);
        let mut out = Vec::new();
        each_virtual_server(&parsed, |vs| {
            let e = vs.effective(&g, true).unwrap();
            out.push((
                e.key.clone(),
                e.family.map(|f| f.value),
                e.reals
                    .iter()
                    .map(|r| {
                        (
                            r.address,
                            r.checkers
                                .iter()
                                .map(|c| (c.kind, c.connect_timeout_us.value / 1000))
                                .collect(),
                        )
                    })
                    .collect(),
            ));
        });
        out
    }

    #[test]
    fn smtp_check_takes_its_timeout_when_its_block_ends() {
        let text = "virtual_server 10.6.0.1 25 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n \
                    real_server 10.5.0.1 25 {\n SMTP_CHECK {\n connect_timeout 3\n }\n }\n \
                    real_server 10.5.0.2 25 {\n SMTP_CHECK {\n }\n }\n connect_timeout 7\n \
                    real_server 10.5.0.3 25 {\n SMTP_CHECK {\n }\n TCP_CHECK {\n }\n }\n \
                    real_server 10.5.0.4 25 {\n SMTP_CHECK {\n }\n connect_timeout 2\n TCP_CHECK {\n }\n }\n}\n";
        let e = effective(text);
        let t: Vec<Vec<(&str, u64)>> = e[0].2.iter().map(|(_, c)| c.clone()).collect();
        // As keepalived 2.2.7 dumps them: the SMTP_CHECK reads the virtual server's timeout as
        // far as it was read (5 s before the `connect_timeout 7`), and not a real server's
        // written after it; other checkers take the final values.
        assert_eq!(
            t,
            [
                vec![("SMTP_CHECK", 3000)],
                vec![("SMTP_CHECK", 5000)],
                vec![("SMTP_CHECK", 7000), ("TCP_CHECK", 7000)],
                vec![("SMTP_CHECK", 7000), ("TCP_CHECK", 2000)],
            ]
        );
    }

    #[test]
    fn a_fwmark_service_takes_its_family_from_what_it_reads_first() {
        let vs = |body: &str| format!("virtual_server fwmark 5 {{\n lb_algo rr\n lb_kind NAT\n{body}}}\n");
        // persistence_granularity without a dot: IPv6; the IPv4 real server is dropped.
        let e = effective(&vs(" persistence_granularity 24\n real_server 10.5.0.1 80 {\n }\n"));
        assert_eq!(e[0].1, Some(Family::V6));
        assert!(e[0].2.is_empty());
        // A real server first: IPv4, and `24` is read as the address 0.0.0.24.
        let text = vs(" real_server 10.5.0.1 80 {\n }\n persistence_granularity 24\n");
        let parsed = vigil_grammar::parse_text("/t.conf", &text);
        let v = virtual_servers(&parsed);
        let e = v[0].effective(&groups(&parsed), false).unwrap();
        assert_eq!(e.family.map(|f| f.value), Some(Family::V4));
        assert_eq!(e.persistence_granularity.map(|d| d.value).as_deref(), Some("0.0.0.24"));
        // Only tunnelled servers: their common family.
        let e = effective(&vs(" lb_kind TUN\n real_server fd00::1 {\n }\n").replace(" lb_kind NAT\n", ""));
        assert_eq!(e[0].1, Some(Family::V6));
    }

    #[test]
    fn servers_take_the_method_and_weight_keepalived_gives_them() {
        let text = "virtual_server 10.6.0.1 80 {\n lb_algo rr\n protocol TCP\n weight 3\n lb_kind DR\n \
                    real_server 10.5.0.1 {\n }\n sorry_server 10.5.0.9\n lb_kind NAT\n real_server 10.5.0.2 8080 {\n weight 2\n }\n}\n";
        let parsed = vigil_grammar::parse_text("/t.conf", text);
        let v = virtual_servers(&parsed);
        let e = v[0].effective(&groups(&parsed), false).unwrap();
        let got: Vec<(Fwd, u32, u16)> = e
            .reals
            .iter()
            .map(|r| (r.forwarding.value, r.weight.value, r.port.value))
            .collect();
        assert_eq!(got, [(Fwd::Dr, 3, 80), (Fwd::Nat, 2, 8080)]);
        assert_eq!(e.sorry.unwrap().forwarding.value, Fwd::Dr);
        assert_eq!(e.forwarding.value, Fwd::Nat);
    }
}
