//! KA0438 accept-in-strict-vrrpv2: `accept` in a VRRPv2 instance below priority 255 in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0438",
    name: "accept-in-strict-vrrpv2",
    severity: Severity::Error,
    finds: "`accept` in a VRRPv2 instance below priority 255 in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "RFC 3768 (VRRPv2) forbids a non-owner MASTER from accepting packets for the virtual addresses; keepalived in strict mode turns accept mode off with an error.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    accept\n}",
    fix: "Remove `accept`, use VRRPv3 (`version 3`), or leave strict mode.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !strict || v.version != 2 || inst.priority() == 255 {
        return;
    }
    let Some(n) = inst
        .own
        .iter()
        .rev()
        .find(|n| matches!(n.keyword(), Some("accept" | "no_accept")))
    else {
        return;
    };
    if n.keyword() != Some("accept") {
        return;
    }
    out.push(
        Diagnostic::new(&CHECK, n.span(), format!("accept in strict VRRPv2 vrrp_instance `{}`", inst.label()))
            .help("VRRPv2 does not allow accept mode below priority 255; keepalived turns it off with an error. Remove the line or use version 3"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0438").count()
    }

    #[test]
    fn strict_accept() {
        assert_eq!(count(&strict("    accept\n")), 1);
        assert_eq!(count(&strict("    version 3\n    accept\n")), 0);
        assert_eq!(count(&strict("    priority 255\n    accept\n")), 0);
        assert_eq!(count(&instance("    accept\n")), 0);
    }
}
