//! KA0422 source-or-peer-family-mismatch: A `unicast_src_ip`, `mcast_src_ip`, `mcast_dst_ip` or `unicast_peer` address whose family differs from the instance's (fixed by the first address line keepalived reads, or `native_ipv6`).

use super::{ip, mcast_dst_ok, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0422",
    name: "source-or-peer-family-mismatch",
    severity: Severity::Error,
    finds: "A `unicast_src_ip`, `mcast_src_ip`, `mcast_dst_ip` or `unicast_peer` address whose family differs from the instance's (fixed by the first address line keepalived reads, or `native_ipv6`).",
    why: "An instance speaks one address family. keepalived skips a peer of the other family with an error, and a source or destination address of the other family makes the virtual addresses look wrong instead, so the instance ends up with no peers or no addresses.",
    example: "vrrp_instance VI_1 {\n    unicast_src_ip 192.0.2.10\n    unicast_peer {\n        2001:db8::2\n    }\n}",
    fix: "Use addresses of one family throughout the instance; run a second instance for the other family.",
};

fn family(v6: bool) -> &'static str {
    if v6 {
        "IPv6"
    } else {
        "IPv4"
    }
}

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, site, v6)) = inst.family() else {
        return;
    };
    let mut found = Vec::new();
    for kw in ["unicast_src_ip", "mcast_src_ip", "mcast_dst_ip"] {
        for n in inst.all(kw) {
            let Some(w) = n.args().first() else {
                continue;
            };
            if let Some(a) = ip(w.text()).filter(|a| kw != "mcast_dst_ip" || mcast_dst_ok(a)) {
                found.push((kw, w, a));
            }
        }
    }
    for b in inst.all("unicast_peer").filter_map(|n| n.block()) {
        for l in b.nodes().filter(|l| l.block().is_none()) {
            if let Some((w, a)) = l.words().first().and_then(|w| Some((w, ip(w.text())?))) {
                found.push(("unicast_peer", w, a));
            }
        }
    }
    for (kw, w, a) in found {
        if a.is_ipv6() == v6 {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!(
                    "{} {kw} address `{}` in {} vrrp_instance `{}`",
                    family(a.is_ipv6()),
                    w.text(),
                    family(v6),
                    inst.label()
                ),
            )
            .label(site, format!("the instance is {} from here", family(v6)))
            .help("keepalived does not use an address of the other family here; keep one family per instance"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0422").count()
    }

    #[test]
    fn peer_of_other_family() {
        let body = "    unicast_src_ip 192.0.2.5\n    unicast_peer {\n        192.0.2.9\n        2001:db8::9\n    }\n";
        assert_eq!(count(&instance(body)), 1);
        let _ = strict("");
    }

    #[test]
    fn source_fixes_the_family() {
        // The IPv6 source comes first: the IPv4 peer is of the other family.
        let body = "    unicast_src_ip 2001:db8::5\n    unicast_peer {\n        192.0.2.9\n    }\n";
        assert_eq!(count(&instance(body)), 1);
        assert_eq!(count(&instance("    mcast_dst_ip 224.0.0.19\n")), 0);
    }
}
