//! KA0405 authentication-with-vrrpv3: an `authentication` block in an instance that runs VRRPv3.

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0405",
    name: "authentication-with-vrrpv3",
    severity: Severity::Error,
    finds: "An `authentication` block with an `auth_type` in an instance that runs VRRP version 3 (set by `version 3`, the global `vrrp_version 3`, or an IPv6 instance without a version).",
    why: "VRRPv3 has no authentication field: keepalived drops the block with an error. The instance then runs without the password you think protects it, and a VRRPv2 partner that still sends one will not agree with it.",
    example: "vrrp_instance VI_1 {\n    version 3\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n}",
    fix: "Remove the authentication block (VRRPv3 has none), or use `version 2` on every router of the VRID if you rely on it.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, out: &mut Vec<Diagnostic>) {
    if v.version != 3 || !inst.nested.iter().any(|n| n.keyword() == Some("auth_type")) {
        return;
    }
    let Some(block) = inst.last("authentication") else {
        return;
    };
    let why = match (v.explicit, v.global) {
        (Some(_), _) => "its `version 3` line",
        (None, true) => "the global vrrp_version 3",
        (None, false) => "it is an IPv6 instance without a version",
    };
    let mut d = Diagnostic::new(
        &CHECK,
        block.words().span().unwrap_or(block.span()),
        format!("vrrp_instance `{}` runs VRRPv3, which has no authentication", inst.label()),
    )
    .help(format!("VRRPv3 comes from {why}; keepalived ignores the authentication block. Remove it, or set `version 2` on every router of the VRID"));
    if let Some(e) = v.explicit {
        d = d.label(e.span(), "VRRPv3 set here");
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    const AUTH: &str = "    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n";

    fn inst(extra: &str, vip: &str) -> String {
        format!("vrrp_instance VI_1 {{\n    interface eth0\n    virtual_router_id 51\n{extra}    virtual_ipaddress {{\n        {vip}\n    }}\n}}\n")
    }

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0405").count()
    }

    #[test]
    fn version_3_explicit_global_or_ipv6() {
        assert_eq!(count(&inst(&format!("    version 3\n{AUTH}"), "192.0.2.1")), 1);
        assert_eq!(count(&inst(&format!("{AUTH}    version 3\n"), "192.0.2.1")), 1);
        assert_eq!(
            count(&format!(
                "global_defs {{\n    vrrp_version 3\n}}\n{}",
                inst(AUTH, "192.0.2.1")
            )),
            1
        );
        assert_eq!(count(&inst(AUTH, "2001:db8::1")), 1);
    }

    #[test]
    fn version_2() {
        assert_eq!(count(&inst(AUTH, "192.0.2.1")), 0);
        assert_eq!(count(&inst(&format!("    version 2\n{AUTH}"), "2001:db8::1")), 0);
    }
}
