//! KA0446 owner-ignore-adverts-without-owner: `owner_ignore_adverts` in an instance whose priority is not 255.

use super::{flag_value, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0446",
    name: "owner-ignore-adverts-without-owner",
    severity: Severity::Error,
    finds: "`owner_ignore_adverts` in an instance whose priority is not 255.",
    why: "Only the address owner may ignore other routers' adverts; keepalived turns the setting off with an error for any other priority.",
    example: "vrrp_instance VI_1 {\n    priority 100\n    owner_ignore_adverts\n}",
    fix: "Remove the line, or give the instance priority 255 if it owns the addresses.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.priority() == 255 {
        return;
    }
    let Some(n) = inst.last("owner_ignore_adverts").filter(|n| flag_value(*n)) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            n.span(),
            format!(
                "owner_ignore_adverts in vrrp_instance `{}` (priority {})",
                inst.label(),
                inst.priority()
            ),
        )
        .help("only an address owner (priority 255) may ignore adverts; keepalived turns this off with an error"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0446").count()
    }

    #[test]
    fn owner_only() {
        assert_eq!(count(&instance("    owner_ignore_adverts\n")), 1);
        assert_eq!(count(&strict("    priority 255\n    owner_ignore_adverts\n")), 0);
    }
}
