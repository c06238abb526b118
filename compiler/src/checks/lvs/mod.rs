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
use crate::schema::{self, Keyword};
use crate::values::parse_ip;
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

pub use crate::resolve::lvs::{
    default_of, each_virtual_server, each_virtual_server_in, each_virtual_server_with, group_families, groups,
    rs_table, table_at, uint_arg, virtual_servers, vs_table, Endpoint, Fwd, GroupEntry, Groups, RealServer,
    RsEffective, Service, VirtualServer, VsEffective,
};

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
        missing_protocol::check(vs, out);
        protocol_with_fwmark::check(vs, out);
        missing_scheduler::check(vs, out);
        // The checks of what keepalived adjusts read its effective settings (resolve::lvs).
        let Some(eff) = vs.effective(groups, false) else { return };
        ha_suspend_with_fwmark::check(vs, &eff, out);
        ops_without_udp::check(vs, &eff, out);
        sorry_server_inhibit_differs::check(vs, &eff, out);
        zero_port_without_persistence::check(vs, &eff, out);
        missing_forwarding_method::check(vs, &eff, out);
        quorum_above_total_weight::check(vs, &eff, out);
        hysteresis_not_below_quorum::check(vs, &eff, out);
        real_server_port_mismatch::check(vs, &eff, out);
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
        assert_eq!(v[0].reals[1].inherited, Some(Fwd::Dr));
        assert_eq!(v[0].reals[1].duplicate_of, Some(0));
        // The first takes the service's last method; the duplicate is dropped.
        let e = v[0].effective(&groups(&parsed), true).unwrap();
        assert_eq!(e.reals.len(), 1);
        assert_eq!(e.reals[0].forwarding.value, Fwd::Dr);
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
