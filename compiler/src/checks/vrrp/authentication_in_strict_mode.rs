//! KA0430 authentication-in-strict-mode: An `authentication` block with an `auth_type` in a VRRPv2 instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0430",
    name: "authentication-in-strict-mode",
    severity: Severity::Error,
    finds: "An `authentication` block with an `auth_type` in a VRRPv2 instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "The RFC dropped VRRP authentication, so strict mode does not allow it: keepalived turns it off with an error and sends adverts without it, which partners that still authenticate discard.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n}",
    fix: "Remove the authentication block on every router of the VRID, or leave strict mode.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    // VRRPv3 drops the block anyway (KA0405).
    if !strict || v.version == 3 {
        return;
    }
    let Some(ty) = inst.nested.iter().rev().find(|n| {
        n.keyword() == Some("auth_type") && n.args().first().is_some_and(|w| matches!(w.text(), "PASS" | "AH"))
    }) else {
        return;
    };
    out.push(
        Diagnostic::new(&CHECK, ty.span(), format!("authentication in strict vrrp_instance `{}`", inst.label()))
            .help("strict mode runs without authentication and keepalived drops the block with an error; remove it on every router"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0430").count()
    }

    const AUTH: &str = "    authentication {\n        auth_type PASS\n        auth_pass 1234\n    }\n";

    #[test]
    fn strict_auth() {
        assert_eq!(count(&strict(AUTH)), 1);
        assert_eq!(count(&instance(AUTH)), 0);
    }
}
