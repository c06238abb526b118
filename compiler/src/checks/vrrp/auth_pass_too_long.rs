//! KA0401 auth-pass-too-long: an `auth_pass` longer than the 8 characters keepalived uses.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0401",
    name: "auth-pass-too-long",
    severity: Severity::Error,
    finds: "An `auth_pass` of more than 8 characters.",
    why: "VRRPv2 carries exactly 8 bytes of password, so keepalived cuts the rest off (with an error from `keepalived -t`). Only the first 8 characters ever count: two routers whose passwords differ after the 8th still accept each other, and the long password gives no more protection than its first 8 characters, which is easy to miss when passwords are rotated or compared by eye.",
    example: "vrrp_instance VI_1 {\n    authentication {\n        auth_type PASS\n        auth_pass SuperSecret42\n    }\n}",
    fix: "Use a password of at most 8 characters, the same on every router of the VRID.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    for node in inst.nested.iter().filter(|n| n.keyword() == Some("auth_pass")) {
        let Some(w) = node.args().first() else {
            continue;
        };
        let text = w.text();
        if text.len() > 8 {
            let kept = String::from_utf8_lossy(&text.as_bytes()[..8]);
            out.push(
                Diagnostic::new(&CHECK, w.span(), format!("auth_pass is {} characters long; only 8 are used", text.len()))
                    .help(format!(
                        "keepalived truncates it to `{kept}`: routers that differ only after the 8th character still agree, and the rest adds no protection; shorten it to at most 8 characters"
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    #[test]
    fn nine_characters_are_truncated() {
        let d = lint(&instance(
            "    authentication {\n        auth_type PASS\n        auth_pass 123456789\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0401");
        assert!(d[0].help.as_deref().unwrap().contains("`12345678`"));
    }

    #[test]
    fn eight_characters_are_fine() {
        let d = lint(&instance(
            "    authentication {\n        auth_type PASS\n        auth_pass 12345678\n    }\n",
        ));
        assert!(d.is_empty(), "{d:?}");
    }
}
