//! KA0408 vrrpv2-with-ipv6: `version 2` in an IPv6 instance.

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0408",
    name: "vrrpv2-with-ipv6",
    severity: Severity::Warning,
    finds: "`version 2` in an IPv6 instance.",
    why: "VRRPv2 is defined for IPv4 only. Written after the first IPv6 address, keepalived ignores the line with an error and runs VRRPv3; written before, it runs a VRRPv2 over IPv6 that only keepalived speaks, so routers, firewalls and other implementations that follow the standards will not interoperate with it.",
    example: "vrrp_instance VI_1 {\n    version 2\n    virtual_ipaddress {\n        2001:db8::1\n    }\n}",
    fix: "Remove `version 2` (IPv6 instances run VRRPv3), on every router of the VRID.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    let name = inst.label();
    if let Some(n) = v.rejected {
        let mut d = Diagnostic::new(
            &CHECK,
            n.span(),
            format!("version 2 in IPv6 vrrp_instance `{name}` is ignored"),
        );
        d.severity = Severity::Error;
        out.push(d.help("the instance is already IPv6 here, so keepalived ignores the line with an error and runs VRRPv3; remove it"));
    } else if let (Some(n), true, 2) = (v.explicit, v.v6, v.version) {
        let mut d = Diagnostic::new(
            &CHECK,
            n.span(),
            format!("vrrp_instance `{name}` runs VRRPv2 over IPv6"),
        );
        if strict {
            // Strict mode switches the instance to VRRPv3 with a configuration error.
            d.severity = Severity::Error;
            d = d.help("strict mode does not allow VRRPv2 over IPv6: keepalived switches to version 3 with an error. Remove `version 2`");
        } else {
            d = d.help("VRRPv2 is defined for IPv4 only; only keepalived speaks it over IPv6. Remove `version 2` to run VRRPv3");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {

    /// This check's diagnostics only (other VRRP checks may fire on the same input).
    fn lint(text: &str) -> Vec<crate::Diagnostic> {
        super::super::lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0408")
            .collect()
    }
    use vigil_grammar::Severity;

    fn inst(before: &str, after: &str) -> String {
        format!("vrrp_instance VI_1 {{\n    interface eth0\n    virtual_router_id 51\n{before}    virtual_ipaddress {{\n        2001:db8::1\n    }}\n{after}}}\n")
    }

    #[test]
    fn before_is_a_warning_after_an_error() {
        let d = lint(&inst("    version 2\n", ""));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Warning);
        let d = lint(&inst("", "    version 2\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Error);
        assert!(lint(&inst("", "")).is_empty());
    }
}
