//! KA0441 promote-secondaries-with-vmac: `promote_secondaries` in an instance with `use_vmac` or `use_ipvlan`.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0441",
    name: "promote-secondaries-with-vmac",
    severity: Severity::Error,
    finds: "`promote_secondaries` in an instance with `use_vmac` or `use_ipvlan`.",
    why: "keepalived sets promote_secondaries on the interfaces it creates itself; written by hand it is dropped with an error.",
    example: "vrrp_instance VI_1 {\n    use_vmac\n    promote_secondaries\n}",
    fix: "Remove `promote_secondaries`.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.last("use_vmac").is_none() && inst.last("use_ipvlan").is_none() {
        return;
    }
    let Some(n) = inst.last("promote_secondaries") else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            n.span(),
            format!(
                "promote_secondaries with a virtual interface in vrrp_instance `{}`",
                inst.label()
            ),
        )
        .help("keepalived sets it on the interfaces it creates and drops the line with an error; remove it"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0441").count()
    }

    #[test]
    fn vmac() {
        assert_eq!(count(&instance("    use_vmac\n    promote_secondaries\n")), 1);
        assert_eq!(count(&strict("    promote_secondaries\n")), 0);
    }
}
