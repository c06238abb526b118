//! VRRP semantic checks: what keepalived validates about a `vrrp_instance` once it has read
//! it (authentication, unicast, preemption, VRID conflicts). This module builds a small view
//! of each instance from the tree and the keyword table; its checks read the view.

pub mod advert_int_not_representable;
pub mod auth_pass_too_long;
pub mod authentication_ignored;
pub mod authentication_with_vrrpv3;
pub mod conflicting_state;
pub mod duplicate_vrid;
pub mod mixed_address_family;
pub mod no_virtual_address;
pub mod preemption_setting_ignored;
pub mod tracks_own_interface;
pub mod unicast_peer_is_self;
pub mod unicast_without_peers;
pub mod vmac_xmit_base_without_vmac;
pub mod vrrpv2_with_ipv6;

use super::names::visit;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body, Keyword};
use std::net::IpAddr;
use vigil_grammar::{NodeRef, Parsed, WordRef};

pub static ALL: &[&crate::checks::Check] = &[
    &auth_pass_too_long::CHECK,
    &unicast_without_peers::CHECK,
    &duplicate_vrid::CHECK,
    &preemption_setting_ignored::CHECK,
    &authentication_with_vrrpv3::CHECK,
    &advert_int_not_representable::CHECK,
    &mixed_address_family::CHECK,
    &vrrpv2_with_ipv6::CHECK,
    &authentication_ignored::CHECK,
    &unicast_peer_is_self::CHECK,
    &tracks_own_interface::CHECK,
    &vmac_xmit_base_without_vmac::CHECK,
    &no_virtual_address::CHECK,
    &conflicting_state::CHECK,
];

/// The VRRP version an instance runs and how keepalived arrived at it.
pub struct Version<'t> {
    pub version: u8,
    /// Whether the instance is IPv6 (its first address, or `native_ipv6`).
    pub v6: bool,
    /// The `version` line keepalived keeps, if any.
    pub explicit: Option<NodeRef<'t>>,
    /// A `version 2` line keepalived ignores because IPv6 was already known.
    pub rejected: Option<NodeRef<'t>>,
    /// Set by the global `vrrp_version`.
    pub global: bool,
}

/// One `vrrp_instance` block: its name and every keyword line in it (nested blocks such as
/// `authentication` included), in file order.
pub struct Instance<'t> {
    pub node: NodeRef<'t>,
    pub name: Option<WordRef<'t>>,
    /// Keyword lines directly in the instance block.
    pub own: Vec<NodeRef<'t>>,
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
        self.own.iter().copied().filter(move |n| n.keyword() == Some(kw))
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

    /// The version as keepalived deduces it: reading the lines in order, the first address
    /// (virtual, source, peer) or `native_ipv6` fixes the family, and a `version 2` after IPv6 is
    /// known is ignored; without a version, IPv6 means 3, else the global `vrrp_version` (2).
    pub fn version(&self, global: Option<u8>) -> Version<'t> {
        let mut v6 = None;
        let mut explicit: Option<(NodeRef<'t>, u8)> = None;
        let mut rejected = None;
        for n in &self.own {
            let first_addr = match n.keyword() {
                Some("native_ipv6") => Some(true),
                Some("virtual_ipaddress" | "unicast_peer") => n
                    .block()
                    .into_iter()
                    .flat_map(|b| b.nodes())
                    .filter(|l| l.block().is_none())
                    .find_map(|l| l.words().first().and_then(|w| ip(w.text())))
                    .map(|a| a.is_ipv6()),
                Some("unicast_src_ip" | "mcast_src_ip") => {
                    n.args().first().and_then(|w| ip(w.text())).map(|a| a.is_ipv6())
                }
                Some("version") => {
                    match n.args().first().map(|w| w.text()) {
                        Some("2") if v6 == Some(true) => rejected = Some(*n),
                        Some("2") => explicit = Some((*n, 2)),
                        Some("3") => explicit = Some((*n, 3)),
                        _ => {}
                    }
                    None
                }
                _ => None,
            };
            if v6.is_none() {
                v6 = first_addr;
            }
        }
        let v6 = v6.unwrap_or(false);
        let (version, global) = match (explicit, global) {
            (Some((_, v)), _) => (v, false),
            (None, _) if v6 => (3, false),
            (None, Some(g)) => (g, true),
            (None, None) => (2, false),
        };
        Version {
            version,
            v6,
            explicit: explicit.map(|e| e.0),
            rejected,
            global,
        }
    }

    /// The explicit priority if valid, else what keepalived derives (255 for state MASTER, else 100).
    pub fn priority(&self) -> u32 {
        match self.arg("priority") {
            Some(w) => w.text().parse().ok().filter(|p| (1..=255).contains(p)).unwrap_or(100),
            None if self.explicit_master() => 255,
            None => 100,
        }
    }

    /// Whether a `state MASTER` line is present: keepalived ignores a later `state BACKUP`.
    fn explicit_master(&self) -> bool {
        self.all("state")
            .any(|n| n.args().first().is_some_and(|w| w.text() == "MASTER"))
    }

    /// Whether the instance starts as MASTER: `state MASTER` (a later BACKUP does not undo it), or
    /// no state and priority 255.
    pub fn starts_master(&self) -> bool {
        match self.arg("state") {
            Some(_) => self.explicit_master(),
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

/// Every `vrrp_instance` at the top level, with its keyword lines.
pub fn instances(parsed: &Parsed) -> Vec<Instance<'_>> {
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
            nested: Vec::new(),
        };
        visit(block.nodes(), table, 1, &mut |n, k: &'static Keyword| {
            if schema::find(table, k.name).is_some_and(|own| std::ptr::eq(own, k)) {
                inst.own.push(n);
            } else {
                inst.nested.push(n);
            }
        });
        out.push(inst);
    }
    out
}

/// The last valid `vrrp_version` in `global_defs`.
pub fn global_version(parsed: &Parsed) -> Option<u8> {
    parsed
        .tree
        .nodes()
        .filter(|n| n.keyword() == Some("global_defs"))
        .filter_map(|n| n.block())
        .flat_map(|b| b.nodes())
        .filter(|n| n.keyword() == Some("vrrp_version"))
        .filter_map(|n| n.args().first().and_then(|w| w.text().parse().ok()))
        .filter(|v| matches!(v, 2 | 3))
        .last()
}

/// Runs the VRRP checks.
pub fn run(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    let insts = instances(parsed);
    let global = global_version(parsed);
    for i in &insts {
        let v = i.version(global);
        auth_pass_too_long::check(i, out);
        unicast_without_peers::check(i, out);
        preemption_setting_ignored::check(i, out);
        authentication_with_vrrpv3::check(i, &v, out);
        advert_int_not_representable::check(i, &v, out);
        mixed_address_family::check(i, out);
        vrrpv2_with_ipv6::check(i, &v, out);
        authentication_ignored::check(i, &v, out);
        unicast_peer_is_self::check(i, out);
        tracks_own_interface::check(i, out);
        vmac_xmit_base_without_vmac::check(i, out);
        no_virtual_address::check(i, &v, out);
        conflicting_state::check(i, out);
    }
    duplicate_vrid::check(&insts, out);
}

#[cfg(test)]
pub(crate) fn lint(text: &str) -> Vec<Diagnostic> {
    crate::checks::lint_with(text, run)
}

#[cfg(test)]
pub(crate) fn instance(body: &str) -> String {
    format!("vrrp_instance VI_1 {{\n    interface eth0\n    virtual_router_id 51\n{body}    virtual_ipaddress {{\n        192.0.2.1\n    }}\n}}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_reads_own_and_nested_keywords() {
        let parsed = vigil_grammar::parse_text(
            "/t.conf",
            &instance("    state MASTER\n    authentication {\n        auth_pass secret\n    }\n"),
        );
        let v = instances(&parsed);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].label(), "VI_1");
        assert_eq!(v[0].priority(), 255);
        assert!(v[0].starts_master());
        assert_eq!(v[0].nested.len(), 1, "only auth_pass is a nested keyword line");
    }

    #[test]
    fn addresses_with_prefix_and_scope() {
        assert_eq!(ip("192.0.2.1/24"), Some("192.0.2.1".parse().unwrap()));
        assert_eq!(ip("fe80::1%eth0"), Some("fe80::1".parse().unwrap()));
        assert_eq!(ip("bogus"), None);
    }
}
