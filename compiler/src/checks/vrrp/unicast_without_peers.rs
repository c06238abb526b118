//! KA0402 unicast-without-peers: unicast settings in an instance that lists no unicast peer.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0402",
    name: "unicast-without-peers",
    severity: Severity::Error,
    finds: "An instance with unicast settings (`unicast_src_ip`, `unicast_ttl`, `check_unicast_src`, `old_unicast_checksum`, an empty `unicast_peer` block) but no valid unicast peer address.",
    why: "Unicast needs someone to send to. Without peers keepalived resets `unicast_ttl` and falls back to multicast (a deprecated behaviour it reports as an error), so the instance advertises on the multicast group while its partners, configured for unicast, listen for unicast: each side sees no master and both become MASTER. With `unicast_fault_no_peer` it stays in FAULT instead and never takes the addresses.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    unicast_src_ip 192.0.2.10\n    unicast_peer {\n    }\n}",
    fix: "List the other routers' addresses in `unicast_peer`, or remove the unicast settings to use multicast.",
};

/// Keywords that make keepalived treat the instance as unicast (verified with keepalived -t 2.2.7).
const UNICAST: &[&str] = &[
    "unicast_src_ip",
    "check_unicast_src",
    "old_unicast_checksum",
    "unicast_peer",
];

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if !inst.peers().is_empty() {
        return;
    }
    let name = inst.label();
    for n in inst.all("unicast_ttl") {
        out.push(
            Diagnostic::new(
                &CHECK,
                n.span(),
                format!("unicast_ttl in vrrp_instance `{name}`, which has no unicast peers"),
            )
            .help("keepalived ignores unicast_ttl without unicast_peer entries; list the peers or remove the line"),
        );
    }
    let first = inst
        .own
        .iter()
        .find(|n| n.keyword().is_some_and(|k| UNICAST.contains(&k)));
    let fault = inst.last("unicast_fault_no_peer");
    match (first, fault) {
        (Some(n), None) => out.push(
            Diagnostic::new(&CHECK, n.span(), format!("vrrp_instance `{name}` is configured for unicast but lists no unicast peer"))
                .help("keepalived falls back to multicast (deprecated, reported as an error) while routers configured for unicast listen for unicast; list the peers in unicast_peer, or remove the unicast settings"),
        ),
        (_, Some(f)) => {
            let mut d = Diagnostic::new(&CHECK, f.span(), format!("unicast_fault_no_peer in vrrp_instance `{name}`, which lists no unicast peer"))
                .help("with unicast configured and no peer, keepalived keeps the instance in FAULT: it never becomes MASTER; list the peers in unicast_peer");
            d.severity = Severity::Warning;
            out.push(d);
        }
        (None, None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};
    use vigil_grammar::Severity;

    #[test]
    fn src_ip_without_peers() {
        let d = lint(&instance("    unicast_src_ip 192.0.2.10\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0402");
        assert_eq!(d[0].severity, Severity::Error);
    }

    #[test]
    fn empty_or_invalid_peer_block() {
        assert_eq!(lint(&instance("    unicast_peer {\n    }\n")).len(), 1);
        assert_eq!(lint(&instance("    unicast_peer {\n        bogus\n    }\n")).len(), 1);
    }

    #[test]
    fn ttl_without_peers_even_with_fault_no_peer() {
        let d = lint(&instance("    unicast_fault_no_peer\n    unicast_ttl 3\n"));
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d
            .iter()
            .any(|d| d.severity == Severity::Error && d.message.contains("unicast_ttl")));
        assert!(d.iter().any(|d| d.severity == Severity::Warning));
    }

    #[test]
    fn peers_in_any_order_are_fine() {
        let d = lint(&instance(
            "    unicast_ttl 5\n    unicast_src_ip 192.0.2.10\n    unicast_peer {\n        192.0.2.20\n    }\n",
        ));
        assert!(d.is_empty(), "{d:?}");
    }
}
