//! VRRP semantic checks: what keepalived validates about a `vrrp_instance` once it has read
//! it (authentication, unicast, preemption, VRID conflicts). This module builds a small view
//! of each instance from the tree and the keyword table; its checks read the view.

pub mod accept_in_strict_vrrpv2;
pub mod advert_int_not_representable;
pub mod auth_hmac_mode_in_strict_mode;
pub mod auth_hmac_with_authentication;
pub mod auth_pass_too_long;
pub mod authentication_ignored;
pub mod authentication_in_strict_mode;
pub mod authentication_with_vrrpv3;
pub mod conflicting_state;
pub mod debounce_delay_too_long;
pub mod down_timer_adverts_in_strict_mode;
pub mod duplicate_unicast_peer;
pub mod duplicate_virtual_address;
pub mod duplicate_vrid;
pub mod first_ipv6_vip_not_link_local;
pub mod instance_without_interface;
pub mod ipvlan_without_address;
pub mod loopback_interface;
pub mod mcast_dst_not_multicast;
pub mod mcast_dst_with_unicast;
pub mod mixed_address_family;
pub mod native_ipv6_after_ipv4;
pub mod no_virtual_address;
pub mod no_virtual_ipaddress_in_strict_mode;
pub mod owner_ignore_adverts_without_owner;
pub mod preempt_delay_in_strict_mode;
pub mod preemption_setting_ignored;
pub mod promote_secondaries_with_vmac;
pub mod source_or_peer_family_mismatch;
pub mod strict_master_not_owner;
pub mod strict_mode_overrides_advert_setting;
pub mod timer_expired_backup_without_nopreempt;
pub mod too_many_virtual_addresses;
pub mod track_src_ip_without_source;
pub mod tracks_own_interface;
pub mod undefined_auth_hmac_key;
pub mod unicast_in_strict_mode;
pub mod unicast_peer_is_self;
pub mod unicast_without_peers;
pub mod vmac_address_in_strict_mode;
pub mod vmac_unicast_without_xmit_base;
pub mod vmac_xmit_base_without_vmac;
pub mod vrf_with_interface_or_multicast;
pub mod vrrpv2_with_ipv6;

use super::names::visit;
use crate::checks::Resolved;
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
    &source_or_peer_family_mismatch::CHECK,
    &native_ipv6_after_ipv4::CHECK,
    &mcast_dst_not_multicast::CHECK,
    &loopback_interface::CHECK,
    &vmac_unicast_without_xmit_base::CHECK,
    &instance_without_interface::CHECK,
    &strict_master_not_owner::CHECK,
    &authentication_in_strict_mode::CHECK,
    &unicast_in_strict_mode::CHECK,
    &vmac_address_in_strict_mode::CHECK,
    &first_ipv6_vip_not_link_local::CHECK,
    &vrf_with_interface_or_multicast::CHECK,
    &too_many_virtual_addresses::CHECK,
    &preempt_delay_in_strict_mode::CHECK,
    &down_timer_adverts_in_strict_mode::CHECK,
    &accept_in_strict_vrrpv2::CHECK,
    &mcast_dst_with_unicast::CHECK,
    &strict_mode_overrides_advert_setting::CHECK,
    &promote_secondaries_with_vmac::CHECK,
    &duplicate_virtual_address::CHECK,
    &duplicate_unicast_peer::CHECK,
    &timer_expired_backup_without_nopreempt::CHECK,
    &owner_ignore_adverts_without_owner::CHECK,
    &no_virtual_ipaddress_in_strict_mode::CHECK,
    &track_src_ip_without_source::CHECK,
    &auth_hmac_with_authentication::CHECK,
    &undefined_auth_hmac_key::CHECK,
    &auth_hmac_mode_in_strict_mode::CHECK,
    &ipvlan_without_address::CHECK,
    &debounce_delay_too_long::CHECK,
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
                Some("mcast_dst_ip") => n
                    .args()
                    .first()
                    .and_then(|w| ip(w.text()))
                    .filter(mcast_dst_ok)
                    .map(|a| a.is_ipv6()),
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

    /// The line that fixes the instance's address family, as keepalived reads the lines in order
    /// (the first address of `virtual_ipaddress` or `unicast_peer`, a source address, a valid
    /// `mcast_dst_ip`, or `native_ipv6`), with the span of the word that decides it and whether it
    /// is IPv6. `virtual_ipaddress_excluded` does not count.
    pub fn family(&self) -> Option<(NodeRef<'t>, vigil_grammar::Span, bool)> {
        for n in &self.own {
            let found = match n.keyword() {
                Some("native_ipv6") => Some((n.span(), true)),
                Some("virtual_ipaddress" | "unicast_peer") => n
                    .block()
                    .into_iter()
                    .flat_map(|b| b.nodes())
                    .filter(|l| l.block().is_none())
                    .find_map(|l| {
                        l.words()
                            .first()
                            .and_then(|w| Some((w.span(), ip(w.text())?.is_ipv6())))
                    }),
                Some("unicast_src_ip" | "mcast_src_ip") => {
                    n.args().first().and_then(|w| Some((w.span(), ip(w.text())?.is_ipv6())))
                }
                Some("mcast_dst_ip") => n
                    .args()
                    .first()
                    .and_then(|w| Some((w.span(), ip(w.text()).filter(mcast_dst_ok)?.is_ipv6()))),
                _ => None,
            };
            if let Some((span, v6)) = found {
                return Some((*n, span, v6));
            }
        }
        None
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

/// Whether keepalived accepts an address as `mcast_dst_ip`: IPv4 multicast, or IPv6 link-local
/// multicast (ff02::/16).
pub fn mcast_dst_ok(a: &IpAddr) -> bool {
    match a {
        IpAddr::V4(v4) => v4.is_multicast(),
        IpAddr::V6(v6) => v6.segments()[0] == 0xff02,
    }
}

/// The value of a boolean line: no value, or true/on/yes, is on.
pub fn flag_value(n: NodeRef<'_>) -> bool {
    n.args()
        .first()
        .is_none_or(|w| matches!(w.text(), "true" | "on" | "yes"))
}

/// The address lines of the blocks of `lists` (in order) whose address an earlier line
/// already gave: its word, the address and where it was first given.
pub fn repeated_addresses<'t>(
    lists: impl Iterator<Item = NodeRef<'t>>,
) -> Vec<(WordRef<'t>, IpAddr, vigil_grammar::Span)> {
    let mut seen: Vec<(std::net::IpAddr, vigil_grammar::Span)> = Vec::new();
    let mut repeats = Vec::new();
    for b in lists.filter_map(|n| n.block()) {
        for l in b.nodes().filter(|l| l.block().is_none()) {
            let Some((w, a)) = l.words().first().and_then(|w| Some((w, ip(w.text())?))) else {
                continue;
            };
            match seen.iter().find(|(s, _)| *s == a) {
                Some((_, first)) => repeats.push((w, a, *first)),
                None => seen.push((a, w.span())),
            }
        }
    }
    repeats
}

/// Whether `global_defs` turns `vrrp_strict` on (its last line).
pub fn global_strict(parsed: &Parsed) -> bool {
    crate::checks::global::block_lines(parsed, "global_defs")
        .filter(|n| n.keyword() == Some("vrrp_strict"))
        .last()
        .is_some_and(flag_value)
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

/// The last valid `vrrp_version` in `global_defs`.
pub fn global_version(parsed: &Parsed) -> Option<u8> {
    crate::checks::global::block_lines(parsed, "global_defs")
        .filter(|n| n.keyword() == Some("vrrp_version"))
        .filter_map(|n| n.args().first().and_then(|w| w.text().parse().ok()))
        .filter(|v| matches!(v, 2 | 3))
        .last()
}

/// Runs the VRRP checks.
pub fn run(parsed: &Parsed, kw: &Resolved, out: &mut Vec<Diagnostic>) {
    let insts = instances_with(parsed, kw);
    let global = global_version(parsed);
    let global_strict = global_strict(parsed);
    for i in &insts {
        let v = i.version(global);
        auth_pass_too_long::check(i, out);
        unicast_without_peers::check(i, out);
        preemption_setting_ignored::check(i, out);
        authentication_with_vrrpv3::check(i, &v, out);
        advert_int_not_representable::check(i, &v, out);
        mixed_address_family::check(i, out);
        vrrpv2_with_ipv6::check(i, &v, i.strict(global_strict), out);
        authentication_ignored::check(i, &v, out);
        unicast_peer_is_self::check(i, out);
        tracks_own_interface::check(i, out);
        vmac_xmit_base_without_vmac::check(i, out);
        no_virtual_address::check(i, &v, out);
        conflicting_state::check(i, out);
        let strict = i.strict(global_strict);
        source_or_peer_family_mismatch::check(i, out);
        native_ipv6_after_ipv4::check(i, out);
        mcast_dst_not_multicast::check(i, out);
        loopback_interface::check(i, out);
        vmac_unicast_without_xmit_base::check(i, out);
        instance_without_interface::check(i, out);
        strict_master_not_owner::check(i, strict, out);
        authentication_in_strict_mode::check(i, &v, strict, out);
        unicast_in_strict_mode::check(i, strict, out);
        vmac_address_in_strict_mode::check(i, strict, out);
        first_ipv6_vip_not_link_local::check(i, &v, strict, out);
        vrf_with_interface_or_multicast::check(i, out);
        too_many_virtual_addresses::check(i, &v, out);
        preempt_delay_in_strict_mode::check(i, strict, out);
        down_timer_adverts_in_strict_mode::check(i, strict, out);
        accept_in_strict_vrrpv2::check(i, &v, strict, out);
        mcast_dst_with_unicast::check(i, out);
        strict_mode_overrides_advert_setting::check(i, strict, out);
        promote_secondaries_with_vmac::check(i, out);
        duplicate_virtual_address::check(i, out);
        duplicate_unicast_peer::check(i, out);
        timer_expired_backup_without_nopreempt::check(i, out);
        owner_ignore_adverts_without_owner::check(i, out);
        no_virtual_ipaddress_in_strict_mode::check(i, strict, out);
        track_src_ip_without_source::check(i, out);
        auth_hmac_with_authentication::check(i, out);
        undefined_auth_hmac_key::check(i, out);
        auth_hmac_mode_in_strict_mode::check(i, strict, out);
        ipvlan_without_address::check(i, out);
    }
    duplicate_vrid::check(&insts, out);
    debounce_delay_too_long::check(parsed, &insts, global, global_strict, out);
}

#[cfg(test)]
pub(crate) fn lint(text: &str) -> Vec<Diagnostic> {
    crate::checks::lint_with(text, run)
}

/// `global_defs` turning strict mode on, for the tests.
#[cfg(test)]
pub(crate) const STRICT: &str = "global_defs {\n    vrrp_strict\n}\n";

/// [`instance`] under strict mode.
#[cfg(test)]
pub(crate) fn strict(body: &str) -> String {
    format!("{STRICT}{}", instance(body))
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
