//! KA0803 mcast-group6-not-link-local: a vrrp_mcast_group6 outside link-local scope.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use std::net::Ipv6Addr;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0803",
    name: "mcast-group6-not-link-local",
    severity: Severity::Error,
    finds: "A vrrp_mcast_group6 that is an IPv6 multicast group of a scope other than link-local (ffx2::/16).",
    why: "VRRP adverts must stay on the link; a group of wider scope is not what peers listen on and may be forwarded beyond the segment. keepalived uses it anyway, with a warning, and `keepalived -t` rejects the configuration.",
    example: "global_defs {\n    vrrp_mcast_group6 ff05::12\n}",
    fix: "Use a link-local group: the default ff02::12, or leave the line out.",
};

/// Whether a multicast address has link-local scope (the low nibble of its second byte is 2).
pub fn link_local_scope(a: &Ipv6Addr) -> bool {
    a.octets()[1] & 0x0f == 0x02
}

pub fn check(global: &[NodeRef<'_>], out: &mut Vec<Diagnostic>) {
    for line in global.iter().filter(|n| n.keyword() == Some("vrrp_mcast_group6")) {
        let Some(w) = line.args().first() else { continue };
        let Ok(a) = w.text().parse::<Ipv6Addr>() else { continue };
        if !a.is_multicast() || link_local_scope(&a) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!("vrrp_mcast_group6 {a} is not a link-local multicast group"),
            )
            .help("keepalived -t rejects this; use a group in ff02::/16 such as the default ff02::12"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn scope() {
        let d = lint("global_defs {\n    vrrp_mcast_group6 ff05::12\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0803");
        assert!(lint("global_defs {\n    vrrp_mcast_group6 ff02::13\n}\n").is_empty());
        assert!(lint("global_defs {\n    vrrp_mcast_group6 ff12::13\n}\n").is_empty());
        // Not multicast at all is the structural pass's business.
        assert!(lint("global_defs {\n    vrrp_mcast_group6 2001:db8::1\n}\n").is_empty());
    }
}
