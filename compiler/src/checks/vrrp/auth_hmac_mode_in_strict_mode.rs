//! KA0451 auth-hmac-mode-in-strict-mode: An `auth_hmac` `mode` other than `enforce` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0451",
    name: "auth-hmac-mode-in-strict-mode",
    severity: Severity::Error,
    finds: "An `auth_hmac` `mode` other than `enforce` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "Strict mode accepts only authenticated adverts once HMAC is on; keepalived forces `mode enforce` with an error, so a rollout that relies on permissive or receive-only mode breaks.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    auth_hmac {\n        mode permissive\n    }\n}",
    fix: "Use `mode enforce` (or leave it out) in strict mode, or roll out HMAC before turning strict mode on.",
};

pub fn check(inst: &Instance<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !strict {
        return;
    }
    let Some(n) = inst.nested.iter().rev().find(|n| n.keyword() == Some("mode")) else {
        return;
    };
    if n.args().first().is_none_or(|w| w.text() == "enforce") {
        return;
    }
    out.push(
        Diagnostic::new(&CHECK, n.span(), format!("auth_hmac mode in strict vrrp_instance `{}` is not enforce", inst.label()))
            .help("strict mode forces enforce and keepalived reports the change as an error; write `mode enforce` or remove the line"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0451").count()
    }

    #[test]
    fn strict_mode() {
        let hmac = |mode: &str| {
            format!(
                "    auth_hmac {{\n        key 1 abcdefghijklmnopqrstuvwxyz0123456789\n        mode {mode}\n    }}\n"
            )
        };
        assert_eq!(count(&strict(&hmac("permissive"))), 1);
        assert_eq!(count(&strict(&hmac("enforce"))), 0);
        assert_eq!(count(&instance(&hmac("permissive"))), 0);
    }
}
