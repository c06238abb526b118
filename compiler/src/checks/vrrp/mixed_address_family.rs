//! KA0407 mixed-address-family: virtual addresses of both families in one instance, or IPv4
//! addresses in a `native_ipv6` instance.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0407",
    name: "mixed-address-family",
    severity: Severity::Error,
    finds: "A `virtual_ipaddress` entry whose address family differs from the instance's (fixed by the first address keepalived reads: virtual, source, peer or multicast group, or IPv6 with `native_ipv6`).",
    why: "One VRRP instance advertises one family. keepalived drops the addresses of the other family with an error, so they are never brought up on failover.",
    example: "vrrp_instance VI_1 {\n    virtual_ipaddress {\n        192.0.2.1\n        2001:db8::1\n    }\n}",
    fix: "Move the addresses of the other family to a second instance (with its own VRID), or to `virtual_ipaddress_excluded`, which may hold both families.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let vips = inst.vips();
    // The first address line keepalived reads (virtual, source, peer, multicast group) or
    // `native_ipv6` fixes the family.
    let Some((_, reason, v6)) = inst.family() else {
        return;
    };
    let family = |v6: bool| if v6 { "IPv6" } else { "IPv4" };
    for (w, a) in &vips {
        if a.is_ipv6() != v6 {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    w.span(),
                    format!("{} address in {} vrrp_instance `{}`", family(a.is_ipv6()), family(v6), inst.label()),
                )
                .label(reason, format!("the instance is {} from here", family(v6)))
                .help("keepalived ignores this address; put it in an instance of its own family, or in virtual_ipaddress_excluded"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::instance;

    /// This check's diagnostics only (other VRRP checks may fire on the same input).
    fn lint(text: &str) -> Vec<crate::Diagnostic> {
        super::super::lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0407")
            .collect()
    }

    #[test]
    fn second_family_is_dropped() {
        let d = lint(&instance("    virtual_ipaddress {\n        2001:db8::1\n    }\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0407");
        assert!(d[0].message.starts_with("IPv4 address in IPv6"), "{d:?}");
    }

    #[test]
    fn source_address_fixes_the_family() {
        assert_eq!(lint(&instance("    mcast_src_ip 2001:db8::5\n")).len(), 1);
    }

    #[test]
    fn native_ipv6_and_excluded() {
        assert_eq!(lint(&instance("    native_ipv6\n")).len(), 1);
        assert!(lint(&instance(
            "    virtual_ipaddress_excluded {\n        2001:db8::1\n    }\n"
        ))
        .is_empty());
    }
}
