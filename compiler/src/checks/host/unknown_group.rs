//! KA0607 unknown-script-group (host check): a group scripts are to run as does not exist.

use super::{Host, Uses};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0607",
    name: "unknown-script-group",
    severity: Severity::Error,
    finds: "With --host-checks: a group given after a script user (`script_user USER GROUP`, `user USER GROUP`, or after a notify command) that this machine does not know.",
    why: "keepalived resolves the group with the user; when it does not exist the script or checker is removed (or scripts lose their default user), and the only trace is a log line.",
    example: "vrrp_script chk {\n    script \"/usr/local/bin/chk.sh\"\n    user nobody nobodies\n}",
    fix: "Create the group or name one that exists (`getent group NAME`); leave it out to use the user's primary group.",
};

pub fn check(uses: &Uses<'_>, host: &dyn Host, out: &mut Vec<Diagnostic>) {
    for g in &uses.groups {
        // `:GROUP` also sets supplementary groups; a lone `:` names none.
        let name = g.text.strip_prefix(':').unwrap_or(g.text);
        if !name.is_empty() && host.group(name) == Some(false) {
            out.push(Diagnostic::new(
                &CHECK,
                g.span,
                format!("group `{name}` ({}) does not exist on this machine", g.keyword),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, lint, FakeHost};

    #[test]
    fn flags_unknown_groups() {
        let h = FakeHost::typical();
        let d = lint("global_defs {\n    script_user nobody nogroup\n}\nvrrp_instance V {\n    notify \"/bin/x\" root :wheel\n    notify_backup \"/bin/y\" root :\n}\n", &h);
        let d: Vec<_> = d.into_iter().filter(|d| d.code() == "KA0607").collect();
        assert_eq!(codes(&d), ["KA0607"]);
        assert!(d[0].message.contains("`wheel`"));
    }
}
