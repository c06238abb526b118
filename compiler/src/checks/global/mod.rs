//! Global checks: what keepalived validates about `global_defs`, the top-level settings and
//! the `SSL` block once it has read them, including what it only logs (a config test shows
//! none of that). One file per check.

pub mod garp_interval_very_large;
pub mod invalid_up_down_delay;
pub mod iptables_and_nftables;
pub mod iptables_chains_equal;
pub mod mcast_group6_not_link_local;
pub mod namespace_given_twice;
pub mod setting_given_twice;
pub mod startup_delay_very_large;

use crate::checks::Resolved;
use crate::diagnostic::Diagnostic;
use crate::schema::value::parse_secs;
use crate::schema::{self, Body, Keyword};
use vigil_grammar::{NodeRef, Parsed};

pub static ALL: &[&crate::checks::Check] = &[
    &setting_given_twice::CHECK,
    &namespace_given_twice::CHECK,
    &mcast_group6_not_link_local::CHECK,
    &garp_interval_very_large::CHECK,
    &startup_delay_very_large::CHECK,
    &iptables_and_nftables::CHECK,
    &iptables_chains_equal::CHECK,
    &invalid_up_down_delay::CHECK,
];

/// The table of a top-level block keyword.
pub fn table_of(block: &str) -> Option<&'static [Keyword]> {
    match schema::find(schema::ROOT, block)?.body {
        Body::Keywords(t) => Some(t),
        _ => None,
    }
}

/// Every line directly inside every top-level `block` block (keepalived merges repeated
/// blocks), in file order.
pub fn block_lines<'t>(parsed: &'t Parsed, block: &'t str) -> impl Iterator<Item = NodeRef<'t>> + 't {
    parsed
        .tree
        .nodes()
        .filter(move |n| n.keyword() == Some(block))
        .filter_map(|n| n.block())
        .flat_map(|b| b.nodes())
}

/// [`block_lines`], only those with a keyword of the block's table.
pub fn lines_of<'t>(parsed: &'t Parsed, block: &'t str) -> Vec<NodeRef<'t>> {
    let Some(table) = table_of(block) else {
        return Vec::new();
    };
    block_lines(parsed, block)
        .filter(|n| n.keyword().is_some_and(|k| schema::find(table, k).is_some()))
        .collect()
}

/// The lines of `global_defs`.
pub fn global_lines(parsed: &Parsed) -> Vec<NodeRef<'_>> {
    lines_of(parsed, "global_defs")
}

/// The last `kw` line of `lines` whose first argument reads as seconds, in microseconds.
pub fn last_secs<'t>(lines: &[NodeRef<'t>], kw: &str) -> Option<(u64, NodeRef<'t>)> {
    lines
        .iter()
        .copied()
        .filter(|n| n.keyword() == Some(kw))
        .filter_map(|n| Some((parse_secs(n.args().first()?.text()).ok()?, n)))
        .next_back()
}

/// Runs the global checks.
pub fn run(parsed: &Parsed, _kw: &Resolved, out: &mut Vec<Diagnostic>) {
    setting_given_twice::check(parsed, out);
    namespace_given_twice::check(parsed, out);
    invalid_up_down_delay::check(parsed, out);
    let global = global_lines(parsed);
    mcast_group6_not_link_local::check(&global, out);
    garp_interval_very_large::check(parsed, &global, out);
    startup_delay_very_large::check(&global, out);
    iptables_and_nftables::check(&global, out);
    iptables_chains_equal::check(&global, out);
}

#[cfg(test)]
pub(crate) fn lint(text: &str) -> Vec<Diagnostic> {
    crate::checks::lint_with(text, run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_global_defs_pass() {
        let d = lint("global_defs {\n    router_id a\n    vrrp_garp_interval 0.001\n    vrrp_mcast_group6 ff02::12\n    nftables\n}\nSSL {\n    key /k\n}\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn repeated_blocks_are_merged() {
        let parsed = vigil_grammar::parse_text(
            "/t.conf",
            "global_defs {\n    nftables\n}\nglobal_defs {\n    router_id a\n}\n",
        );
        assert_eq!(global_lines(&parsed).len(), 2);
    }
}
