//! KA0447 no-virtual-ipaddress-in-strict-mode: `no_virtual_ipaddress` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`); an error when the instance has no virtual address.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0447",
    name: "no-virtual-ipaddress-in-strict-mode",
    severity: Severity::Warning,
    finds: "`no_virtual_ipaddress` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`); an error when the instance has no virtual address.",
    why: "Strict mode requires at least one virtual address, so keepalived ignores `no_virtual_ipaddress`; an instance without addresses is then refused.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    no_virtual_ipaddress\n}",
    fix: "Give the instance a virtual address, or leave strict mode.",
};

pub fn check(inst: &Instance<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !strict {
        return;
    }
    let Some(n) = inst.last("no_virtual_ipaddress") else {
        return;
    };
    let mut d = Diagnostic::new(
        &CHECK,
        n.span(),
        format!("no_virtual_ipaddress in strict vrrp_instance `{}`", inst.label()),
    )
    .help("strict mode needs a virtual address: keepalived ignores this line, and refuses the instance if it has none");
    if !inst.vips().is_empty() {
        d.severity = Severity::Warning;
    } else {
        d.severity = Severity::Error;
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0447").count()
    }

    #[test]
    fn strict_none() {
        assert_eq!(count(&strict("    no_virtual_ipaddress\n")), 1);
        assert_eq!(count(&instance("    no_virtual_ipaddress\n")), 0);
    }
}
