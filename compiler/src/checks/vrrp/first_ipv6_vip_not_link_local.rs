//! KA0433 first-ipv6-vip-not-link-local: A multicast IPv6 instance whose first virtual address is not link-local (fe80::/10); an error in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0433",
    name: "first-ipv6-vip-not-link-local",
    severity: Severity::Warning,
    finds: "A multicast IPv6 instance whose first virtual address is not link-local (fe80::/10); an error in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "VRRPv3 for IPv6 expects the first address of an advert to be the link-local virtual address. keepalived only logs this normally (a warning here), but in strict mode it is a configuration error and `keepalived -t` fails.",
    example: "vrrp_instance VI_1 {\n    virtual_ipaddress {\n        2001:db8::1\n        fe80::1\n    }\n}",
    fix: "List a link-local virtual address (for example fe80::1) first.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !v.v6 || !inst.peers().is_empty() {
        return;
    }
    let Some((w, std::net::IpAddr::V6(a))) = inst.vips().into_iter().find(|(_, a)| a.is_ipv6()) else {
        return;
    };
    if a.segments()[0] & 0xffc0 == 0xfe80 {
        return;
    }
    let mut d = Diagnostic::new(
        &CHECK,
        w.span(),
        format!(
            "the first IPv6 virtual address of vrrp_instance `{}` is not link-local",
            inst.label()
        ),
    )
    .help("put a link-local virtual address (fe80::/10) first; keepalived logs this, and rejects it in strict mode");
    if strict {
        d.severity = Severity::Error;
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0433").count()
    }

    use vigil_grammar::Severity;

    const VIPS: &str = "    virtual_ipaddress {\n        2001:db8::1\n        fe80::1\n    }\n";

    fn v6(text: String) -> String {
        text.replace("    virtual_ipaddress {\n        192.0.2.1\n    }\n", "")
    }

    #[test]
    fn global_first() {
        let d: Vec<_> = lint(&v6(instance(VIPS)))
            .into_iter()
            .filter(|d| d.code() == "KA0433")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        let d: Vec<_> = lint(&v6(strict(VIPS)))
            .into_iter()
            .filter(|d| d.code() == "KA0433")
            .collect();
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(
            count(&v6(instance(
                "    virtual_ipaddress {\n        fe80::1\n        2001:db8::1\n    }\n"
            ))),
            0
        );
    }
}
