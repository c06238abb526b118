//! KA0449 auth-hmac-with-authentication: An `auth_hmac` block and an `authentication` block with an `auth_type` in the same instance.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0449",
    name: "auth-hmac-with-authentication",
    severity: Severity::Error,
    finds: "An `auth_hmac` block and an `authentication` block with an `auth_type` in the same instance.",
    why: "The two are alternatives; keepalived keeps the HMAC extension and drops the legacy authentication with an error, so partners that still use the legacy password discard the adverts.",
    example: "vrrp_instance VI_1 {\n    auth_hmac {\n        key 1 hex:...\n    }\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n}",
    fix: "Remove the `authentication` block once every router uses auth_hmac.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.last("auth_hmac").is_none() {
        return;
    }
    let Some(ty) = inst.nested.iter().rev().find(|n| n.keyword() == Some("auth_type")) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            ty.span(),
            format!(
                "legacy authentication beside auth_hmac in vrrp_instance `{}`",
                inst.label()
            ),
        )
        .help("keepalived uses auth_hmac and drops the authentication block with an error; remove it"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0449").count()
    }

    #[test]
    fn both() {
        let hmac = "    auth_hmac {\n        key 1 abcdefghijklmnopqrstuvwxyz0123456789\n    }\n";
        let auth = "    authentication {\n        auth_type PASS\n        auth_pass 1234\n    }\n";
        assert_eq!(count(&instance(&format!("{hmac}{auth}"))), 1);
        assert_eq!(count(&strict(hmac)), 0);
    }
}
