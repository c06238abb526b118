//! KA0450 undefined-auth-hmac-key: An `active_key` in `auth_hmac` that names no `key` of that block.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0450",
    name: "undefined-auth-hmac-key",
    severity: Severity::Error,
    finds: "An `active_key` in `auth_hmac` that names no `key` of that block.",
    why: "Adverts are signed with the active key; when it is not defined keepalived disables the HMAC extension with an error and the instance runs unauthenticated.",
    example: "vrrp_instance VI_1 {\n    auth_hmac {\n        key 1 hex:...\n        active_key 2\n    }\n}",
    fix: "Define the key with that id, or point active_key at a defined one.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let ids: Vec<&str> = inst
        .nested
        .iter()
        .filter(|n| n.keyword() == Some("key"))
        .filter_map(|n| n.args().first().map(|w| w.text()))
        .collect();
    for n in inst.nested.iter().filter(|n| n.keyword() == Some("active_key")) {
        let Some(w) = n.args().first() else {
            continue;
        };
        if ids.contains(&w.text()) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!(
                    "active_key {} names no key in vrrp_instance `{}`",
                    w.text(),
                    inst.label()
                ),
            )
            .help(
                "keepalived disables auth_hmac when the active key is not defined; add `key ID SECRET` or fix the id",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0450").count()
    }

    #[test]
    fn undefined() {
        let hmac = |active: u8| {
            format!("    auth_hmac {{\n        key 1 abcdefghijklmnopqrstuvwxyz0123456789\n        active_key {active}\n    }}\n")
        };
        assert_eq!(count(&instance(&hmac(2))), 1);
        assert_eq!(count(&strict(&hmac(1))), 0);
    }
}
