//! KA0606 unknown-script-user (host check): a user scripts are to run as does not exist.

use super::{Host, Uses};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0606",
    name: "unknown-script-user",
    severity: Severity::Error,
    finds: "With --host-checks: a user named by script_user, a script's `user` line or the user after a notify / script command, that this machine does not know.",
    why: "keepalived looks the user up when it reads the file. An unknown script_user leaves scripts without a user to run as; an unknown per-script user removes that script or checker, with only a log line.",
    example: "global_defs {\n    script_user keepalived_script\n}",
    fix: "Create the user (`useradd -r -s /sbin/nologin keepalived_script`), or name one that exists (`getent passwd NAME`).",
};

pub fn check(uses: &Uses<'_>, host: &dyn Host, out: &mut Vec<Diagnostic>) {
    for u in &uses.users {
        if !u.text.is_empty() && host.user(u.text) == Some(false) {
            out.push(Diagnostic::new(
                &CHECK,
                u.span,
                format!("user `{}` ({}) does not exist on this machine", u.text, u.keyword),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, lint, FakeHost};

    #[test]
    fn flags_unknown_users() {
        let h = FakeHost::typical();
        let d = lint("global_defs {\n    script_user keepalived_script\n}\nvrrp_script s {\n    script /bin/x\n    user nobody\n}\n", &h);
        assert_eq!(codes(&d), ["KA0603", "KA0606"]);
        assert!(d[1].message.contains("keepalived_script"));
    }
}
