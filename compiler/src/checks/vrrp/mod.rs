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

use crate::checks::Resolved;
use crate::diagnostic::Diagnostic;
pub use crate::resolve::global::flag_value;
pub use crate::resolve::vrrp::{instances, instances_with, ip, mcast_dst_ok, Effective, Instance, Version};
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

/// Runs the VRRP checks.
pub fn run(parsed: &Parsed, kw: &Resolved, out: &mut Vec<Diagnostic>) {
    let insts = instances_with(parsed, kw);
    let globals = crate::resolve::global::Globals::read(parsed);
    let effective: Vec<Effective<'_>> = crate::resolve::vrrp::effective_all(parsed, &insts, &globals);
    for (i, e) in insts.iter().zip(&effective) {
        let v = &e.version;
        let strict = e.strict.value;
        auth_pass_too_long::check(i, out);
        unicast_without_peers::check(i, out);
        preemption_setting_ignored::check(i, out);
        authentication_with_vrrpv3::check(i, v, out);
        advert_int_not_representable::check(i, v, out);
        mixed_address_family::check(i, out);
        vrrpv2_with_ipv6::check(i, v, strict, out);
        authentication_ignored::check(i, e, out);
        unicast_peer_is_self::check(i, out);
        tracks_own_interface::check(i, out);
        vmac_xmit_base_without_vmac::check(i, out);
        no_virtual_address::check(i, v, out);
        conflicting_state::check(i, out);
        source_or_peer_family_mismatch::check(i, out);
        native_ipv6_after_ipv4::check(i, out);
        mcast_dst_not_multicast::check(i, out);
        loopback_interface::check(i, out);
        vmac_unicast_without_xmit_base::check(i, out);
        instance_without_interface::check(i, out);
        strict_master_not_owner::check(i, strict, out);
        authentication_in_strict_mode::check(i, v, strict, out);
        unicast_in_strict_mode::check(i, strict, out);
        vmac_address_in_strict_mode::check(i, e, out);
        first_ipv6_vip_not_link_local::check(i, v, strict, out);
        vrf_with_interface_or_multicast::check(i, out);
        too_many_virtual_addresses::check(i, v, out);
        preempt_delay_in_strict_mode::check(i, strict, out);
        down_timer_adverts_in_strict_mode::check(i, strict, out);
        accept_in_strict_vrrpv2::check(i, v, strict, out);
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
    debounce_delay_too_long::check(parsed, &insts, &effective, out);
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
