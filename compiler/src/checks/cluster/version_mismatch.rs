//! KA0704 vrrp-version-mismatch (cluster check): the nodes of one virtual router run
//! different VRRP versions.

use super::Member;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0704",
    name: "vrrp-version-mismatch",
    severity: Severity::Error,
    finds: "With --cluster: an instance that runs VRRP version 2 on one node and version 3 on another (from `version`, the global vrrp_version, or IPv6).",
    why: "keepalived drops adverts of the other version: each node never hears the other and both become MASTER.",
    example: "# lb1\nvrrp_instance VI_1 {\n    version 3\n}\n# lb2 (global_defs: vrrp_version 2)\nvrrp_instance VI_1 {\n}",
    fix: "Use the same version on every node: set `version` in the instance, or vrrp_version in global_defs, identically everywhere.",
};

pub fn check(a: &Member<'_, '_>, b: &Member<'_, '_>, out: &mut Vec<Diagnostic>) {
    if a.version == b.version {
        return;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            b.line_span("version"),
            format!(
                "{} runs VRRP version {}, but {} runs version {}",
                b.label(),
                b.version,
                a.who(),
                a.version
            ),
        )
        .label(a.line_span("version"), format!("version {} on {}", a.version, a.who()))
        .help("adverts of the other version are dropped: both nodes become MASTER"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};

    #[test]
    fn flags_different_versions() {
        let a = inst("    priority 150\n    version 3\n");
        let b = format!("global_defs {{\n    vrrp_version 2\n}}\n{}", inst("    priority 100\n"));
        assert_eq!(codes(&lint(&[&a, &b])), ["KA0704"]);
        let b = format!("global_defs {{\n    vrrp_version 3\n}}\n{}", inst("    priority 100\n"));
        assert!(lint(&[&a, &b]).is_empty());
    }
}
