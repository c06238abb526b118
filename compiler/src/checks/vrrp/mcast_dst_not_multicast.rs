//! KA0424 mcast-dst-not-multicast: An `mcast_dst_ip` that is not an IPv4 multicast address or an IPv6 link-local multicast address (ff02::/16).

use super::{ip, mcast_dst_ok, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0424",
    name: "mcast-dst-not-multicast",
    severity: Severity::Error,
    finds: "An `mcast_dst_ip` that is not an IPv4 multicast address or an IPv6 link-local multicast address (ff02::/16).",
    why: "The advert destination must be a multicast group on the link. keepalived skips any other address with an error and sends to the default group, where partners configured for the written group do not listen.",
    example: "vrrp_instance VI_1 {\n    mcast_dst_ip 192.0.2.200\n}",
    fix: "Use a multicast group (224.0.0.18 is VRRP's for IPv4, ff02::12 for IPv6), the same on every router, or remove the line.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    for n in inst.all("mcast_dst_ip") {
        let Some((w, a)) = n.args().first().and_then(|w| Some((w, ip(w.text())?))) else {
            continue;
        };
        if mcast_dst_ok(&a) {
            continue;
        }
        let what = if a.is_ipv6() {
            "an IPv6 link-local multicast address"
        } else {
            "an IPv4 multicast address"
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!(
                    "mcast_dst_ip `{}` in vrrp_instance `{}` is not {what}",
                    w.text(),
                    inst.label()
                ),
            )
            .help("keepalived skips the line and uses the default group; write a multicast group or remove the line"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0424").count()
    }

    #[test]
    fn unicast_address() {
        assert_eq!(count(&instance("    mcast_dst_ip 192.0.2.200\n")), 1);
        assert_eq!(count(&instance("    mcast_dst_ip 224.0.0.19\n")), 0);
        assert_eq!(count(&strict("    mcast_dst_ip ff05::12\n")), 1);
        assert_eq!(count(&instance("    mcast_dst_ip ff02::12\n")), 0);
    }
}
