//! Cluster checks (`--cluster`): the configs of the nodes of one cluster compared with each
//! other. keepalived only ever reads one node's file, so nothing else notices that the
//! MASTER and the BACKUP disagree on a VRID, a password, the interval, the version, the
//! virtual addresses, the priorities or the unicast peers.
//!
//! Each node is parsed on its own (its own [`SourceMap`](vigil_grammar::SourceMap)); the
//! caller lays the nodes' maps end to end in one combined map and gives each node the id its
//! first file has there (`base`). [`Node::span`] moves a node's span into the combined map,
//! so a diagnostic can point at one node's file and label another's, and every renderer
//! works from the one map.
//!
//! Instances are matched into virtual routers by name; an instance whose name no other node
//! has is matched by VRID, interface and address family instead.

pub mod advert_int_mismatch;
pub mod auth_mismatch;
pub mod equal_priority;
pub mod instance_missing_on_node;
pub mod multiple_masters;
pub mod peer_list_misses_node;
pub mod version_mismatch;
pub mod vip_mismatch;
pub mod vrid_mismatch;

use super::vrrp::{ip, Instance};
use super::Check;
use crate::diagnostic::Diagnostic;
use std::net::IpAddr;
use vigil_grammar::{FileId, NodeRef, Parsed, Span, WordRef};

pub static ALL: &[&Check] = &[
    &vrid_mismatch::CHECK,
    &auth_mismatch::CHECK,
    &advert_int_mismatch::CHECK,
    &version_mismatch::CHECK,
    &vip_mismatch::CHECK,
    &equal_priority::CHECK,
    &multiple_masters::CHECK,
    &peer_list_misses_node::CHECK,
    &instance_missing_on_node::CHECK,
];

/// One node: a name for messages (its config id or file), its parse, and the id of its first
/// file in the combined source map.
pub struct Node<'t> {
    pub name: &'t str,
    pub parsed: &'t Parsed,
    pub base: u32,
}

impl Node<'_> {
    /// A span of this node's parse, in the combined source map.
    pub fn span(&self, s: Span) -> Span {
        Span {
            file: FileId(s.file.0.saturating_add(self.base)),
            ..s
        }
    }
}

/// One node's instance of a virtual router.
pub struct Member<'a, 't> {
    pub node: &'a Node<'t>,
    pub inst: Instance<'t>,
    /// The VRRP version keepalived settles on.
    pub version: u8,
    pub v6: bool,
}

impl<'t> Member<'_, 't> {
    /// The node's name.
    pub fn who(&self) -> &str {
        self.node.name
    }

    pub fn vrid(&self) -> Option<u8> {
        self.inst
            .arg("virtual_router_id")
            .and_then(|w| w.text().parse().ok())
            .filter(|v| *v > 0)
    }

    /// Where the instance is named (its name, or its keyword when unnamed).
    pub fn name_span(&self) -> Span {
        let s = self.inst.name.map_or(self.inst.node.span(), |w| w.span());
        self.node.span(s)
    }

    /// The first argument of the last `kw` line, or the instance name when there is none.
    pub fn arg_span(&self, kw: &'static str) -> Span {
        match self.inst.arg(kw) {
            Some(w) => self.node.span(w.span()),
            None => self.name_span(),
        }
    }

    /// The keyword of the last `kw` line, or the instance name when there is none.
    pub fn line_span(&self, kw: &'static str) -> Span {
        match self.inst.last(kw).and_then(|n| n.words().first()) {
            Some(w) => self.node.span(w.span()),
            None => self.name_span(),
        }
    }

    /// The last nested line of `kw` (`auth_pass` inside `authentication`).
    pub fn nested(&self, kw: &str) -> Option<NodeRef<'t>> {
        self.inst.nested.iter().rev().copied().find(|n| n.keyword() == Some(kw))
    }

    /// The explicit `unicast_src_ip`, when it is a valid address.
    pub fn src_ip(&self) -> Option<(WordRef<'t>, IpAddr)> {
        let w = self.inst.arg("unicast_src_ip")?;
        Some((w, ip(w.text())?))
    }

    /// Whether the instance uses unicast (has a peer).
    pub fn unicast(&self) -> bool {
        !self.inst.peers().is_empty()
    }

    /// `name` for messages, with the node.
    pub fn label(&self) -> String {
        format!("`{}` on {}", self.inst.label(), self.who())
    }
}

/// The instances of one virtual router: at most one per node, in node order.
pub struct Router<'a, 't> {
    pub members: Vec<Member<'a, 't>>,
}

impl Router<'_, '_> {
    /// The pairs to compare: every member against the first.
    pub fn pairs(&self) -> impl Iterator<Item = (&Member<'_, '_>, &Member<'_, '_>)> {
        let first = &self.members[0];
        self.members[1..].iter().map(move |m| (first, m))
    }
}

type Key<'t> = (u8, &'t str, bool);

fn key<'t>(m: &Member<'_, 't>) -> Option<Key<'t>> {
    Some((m.vrid()?, m.inst.arg("interface")?.text(), m.v6))
}

/// Groups the nodes' instances into virtual routers.
pub fn routers<'a, 't>(nodes: &'a [Node<'t>]) -> Vec<Router<'a, 't>> {
    let mut routers: Vec<Router<'a, 't>> = Vec::new();
    for node in nodes {
        let (insts, effective) = crate::resolve::vrrp::resolve(node.parsed);
        for (inst, e) in insts.into_iter().zip(effective) {
            if inst.name.is_none() {
                continue;
            }
            let v = e.version;
            let m = Member {
                node,
                version: v.version,
                v6: v.v6,
                inst,
            };
            let name = m.inst.label();
            let slot = routers
                .iter_mut()
                .find(|r| r.members[0].inst.label() == name && !r.members.iter().any(|o| std::ptr::eq(o.node, node)));
            match slot {
                Some(r) => r.members.push(m),
                None => routers.push(Router { members: vec![m] }),
            }
        }
    }
    // Instances named differently on different nodes: match them by VRID, interface and
    // family, when their node sets do not overlap.
    let mut i = 0;
    while i < routers.len() {
        let mut j = i + 1;
        while j < routers.len() {
            let same_key =
                key(&routers[i].members[0]).is_some() && key(&routers[i].members[0]) == key(&routers[j].members[0]);
            let disjoint = !routers[i]
                .members
                .iter()
                .any(|a| routers[j].members.iter().any(|b| std::ptr::eq(a.node, b.node)));
            if same_key && disjoint && (routers[i].members.len() == 1 || routers[j].members.len() == 1) {
                let moved = routers.remove(j);
                routers[i].members.extend(moved.members);
                let order = |m: &Member<'_, '_>| nodes.iter().position(|n| std::ptr::eq(n, m.node));
                routers[i].members.sort_by_key(order);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    routers
}

/// Runs the cluster checks. Spans in `out` refer to the combined source map.
pub fn run(nodes: &[Node<'_>], out: &mut Vec<Diagnostic>) {
    let routers = routers(nodes);
    for r in &routers {
        instance_missing_on_node::check(r, nodes, out);
        if r.members.len() < 2 {
            continue;
        }
        for (a, b) in r.pairs() {
            if vrid_mismatch::check(a, b, out) {
                continue;
            }
            version_mismatch::check(a, b, out);
            advert_int_mismatch::check(a, b, out);
            auth_mismatch::check(a, b, out);
            vip_mismatch::check(a, b, out);
        }
        multiple_masters::check(r, out);
        equal_priority::check(r, out);
        peer_list_misses_node::check(r, out);
    }
}

/// Runs the cluster checks on node texts (for the checks' unit tests). The nodes are named
/// `lb1`, `lb2`, ...; each parse has one file, so node `i`'s file is combined file `i`.
#[cfg(test)]
pub(crate) fn lint(texts: &[&str]) -> Vec<Diagnostic> {
    let parsed: Vec<Parsed> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| vigil_grammar::parse_text(&format!("/lb{}.conf", i + 1), t))
        .collect();
    let names: Vec<String> = (1..=texts.len()).map(|i| format!("lb{i}")).collect();
    let nodes: Vec<Node<'_>> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| Node {
            name: &names[i],
            parsed: p,
            base: i as u32,
        })
        .collect();
    let mut out = Vec::new();
    run(&nodes, &mut out);
    out
}

/// A vrrp_instance `VI_1` on eth0 with VRID 51 and VIP 192.0.2.1, plus `body`.
#[cfg(test)]
pub(crate) fn inst(body: &str) -> String {
    super::vrrp::instance(body)
}

#[cfg(test)]
pub(crate) fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matching_pair_is_clean() {
        let a = inst("    state MASTER\n    priority 150\n");
        let b = inst("    state BACKUP\n    priority 100\n");
        assert!(lint(&[&a, &b]).is_empty());
    }

    #[test]
    fn instances_are_matched_by_name_then_by_vrid() {
        let a = "vrrp_instance A {\n    interface eth0\n    virtual_router_id 5\n    priority 1\n}\n";
        let b = "vrrp_instance B {\n    interface eth0\n    virtual_router_id 5\n    priority 2\n}\n";
        let parsed = [vigil_grammar::parse_text("/a", a), vigil_grammar::parse_text("/b", b)];
        let nodes = [
            Node {
                name: "a",
                parsed: &parsed[0],
                base: 0,
            },
            Node {
                name: "b",
                parsed: &parsed[1],
                base: 1,
            },
        ];
        let r = routers(&nodes);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].members.len(), 2);
        assert!(lint(&[a, b]).is_empty());
    }

    #[test]
    fn spans_move_into_the_combined_map() {
        let a = inst("    priority 100\n");
        let d = lint(&[&a, &a]);
        assert_eq!(codes(&d), ["KA0706"]);
        assert_eq!(d[0].span.file, FileId(1));
        assert_eq!(d[0].labels[0].span.file, FileId(0));
    }

    #[test]
    fn check_cluster_suppresses_and_reports_shared_findings_once() {
        let a = inst("    priority 100\n    bogus_keyword\n");
        let b = inst("    priority 100 # keepalived-check: allow equal-priority\n    bogus_keyword\n");
        let parse = |n: &str, t: &str| (n.to_string(), vigil_grammar::parse_text(&format!("/{n}.conf"), t));
        let c = crate::check_cluster(vec![parse("a", &a), parse("b", &b)], &crate::CheckOptions::default());
        let codes: Vec<_> = c.diags.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["KA0101", "KA0101"], "one unknown keyword per file, no KA0706");
        assert_eq!(c.sources.len(), 2);
        let same = parse("a", &a);
        let c = crate::check_cluster(vec![same, parse("a", &a)], &crate::CheckOptions::default());
        let codes: Vec<_> = c.diags.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["KA0101", "KA0706"], "the shared file's finding once");
    }

    #[test]
    fn bad_input_does_not_panic() {
        for t in [
            "vrrp_instance {\n}\n",
            "vrrp_instance V {\n virtual_router_id\n unicast_peer {\n }\n authentication {\n auth_pass\n }\n}\n",
            "vrrp_instance V {\n virtual_router_id 999\n advert_int x\n priority -1\n",
            "vrrp_instance V { unicast_src_ip 1.2.3.4 unicast_peer { 1.2.3.4 } }",
        ] {
            let _ = lint(&[t, t, "vrrp_instance V {\n virtual_router_id 3\n}\n"]);
        }
    }
}
