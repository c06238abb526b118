//! KA0442 duplicate-virtual-address: The same address twice among an instance's `virtual_ipaddress` and `virtual_ipaddress_excluded` entries.

use super::{repeated_addresses, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0442",
    name: "duplicate-virtual-address",
    severity: Severity::Warning,
    finds: "The same address twice among an instance's `virtual_ipaddress` and `virtual_ipaddress_excluded` entries.",
    why: "An address can be added only once; recent keepalived releases drop the second entry with an error (2.2.7 keeps both silently), and options written on it are lost.",
    example: "vrrp_instance VI_1 {\n    virtual_ipaddress {\n        192.0.2.1\n        192.0.2.1/24\n    }\n}",
    fix: "Remove the second entry, merging its options into the first.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let blocks = inst
        .own
        .iter()
        .copied()
        .filter(|n| matches!(n.keyword(), Some("virtual_ipaddress" | "virtual_ipaddress_excluded")));
    for (w, a, first) in repeated_addresses(blocks) {
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!("virtual address {a} appears twice in vrrp_instance `{}`", inst.label()),
            )
            .label(first, "first here")
            .help("keepalived adds each address once and newer releases drop this entry with an error; remove it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0442").count()
    }

    #[test]
    fn twice() {
        assert_eq!(
            count(&instance(
                "    virtual_ipaddress_excluded {\n        192.0.2.1/24\n    }\n"
            )),
            1
        );
        assert_eq!(count(&strict("")), 0);
    }
}
