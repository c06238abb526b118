//! KA0414 script-without-user: with `enable_script_security`, scripts that name no user while
//! global_defs has no `script_user`.

use super::{Script, Security};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0414",
    name: "script-without-user",
    severity: Severity::Error,
    finds: "A script with no user of its own when global_defs sets enable_script_security but no script_user.",
    why: "With script security on, keepalived will not fall back to root: it runs such scripts as keepalived_script, a user the usual packages do not create. Where it is missing keepalived reports an error (`keepalived -t` fails) and removes every vrrp_script concerned, so the instances that track them silently run untracked.",
    example: "global_defs {\n    enable_script_security\n}\nvrrp_script chk_nginx {\n    script \"/usr/bin/pgrep nginx\"\n}",
    fix: "Add `script_user USER` to global_defs (an unprivileged user that exists on every node), or give each script a user.",
};

pub fn check(scripts: &[Script<'_>], sec: &Security<'_>, out: &mut Vec<Diagnostic>) {
    let Some(enabled) = sec.enabled else {
        return;
    };
    if sec.script_user.is_some() {
        return;
    }
    let bare: Vec<&Script<'_>> = scripts.iter().filter(|s| s.user.is_none()).collect();
    let Some(first) = bare.first() else {
        return;
    };
    let mut d = Diagnostic::new(
        &CHECK,
        first.command.span(),
        format!(
            "script `{}` has no user, and global_defs has no script_user",
            first.program()
        ),
    );
    if let Some(w) = enabled.words().first() {
        d = d.label(w.span(), "script security is on here");
    }
    for s in bare.iter().skip(1).take(4) {
        d = d.label(s.command.span(), "no user either");
    }
    out.push(d.help(
        "keepalived then needs a keepalived_script user on the host; without it it reports an error and removes the vrrp_scripts concerned. Add script_user to global_defs",
    ));
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn bare(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0414").count()
    }

    #[test]
    fn security_without_script_user() {
        let s = "vrrp_script chk {\n    script \"/bin/true\"\n}\n";
        assert_eq!(bare(&format!("global_defs {{\n    enable_script_security\n}}\n{s}")), 1);
        assert_eq!(
            bare(&format!(
                "global_defs {{\n    enable_script_security\n    script_user nobody\n}}\n{s}"
            )),
            0
        );
        assert_eq!(bare(s), 0);
        assert_eq!(
            bare("global_defs {\n    enable_script_security\n}\nvrrp_script chk {\n    script /bin/true\n    user nobody\n}\n"),
            0
        );
    }
}
