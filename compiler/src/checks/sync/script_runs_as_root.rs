//! KA0413 script-runs-as-root: scripts that run as root while `enable_script_security` is off.

use super::{Script, Security};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0413",
    name: "script-runs-as-root",
    severity: Severity::Warning,
    finds: "A script (vrrp_script, notify command, MISC_CHECK, start-up or FIFO script) that runs as root, by its own `user root` or for want of any user and of a global script_user, while global_defs lacks enable_script_security.",
    why: "Without a user keepalived runs a script as keepalived_script if the host has that user (the usual packages do not create it), otherwise as root. Without script security it then never checks whether a non-root user can replace the script or a directory on its path, which hands root to anyone who can. For every script file it finds on the host, keepalived reports a SECURITY VIOLATION and `keepalived -t` exits 6 (a file it cannot find is skipped without a word, so the test passes on a machine without the scripts).",
    example: "vrrp_script chk_nginx {\n    script \"/usr/bin/pgrep nginx\"\n}",
    fix: "Add `script_user USER` (an unprivileged user) and `enable_script_security` to global_defs; give root only to the scripts that need it, with a per-script user.",
};

pub fn check(scripts: &[Script<'_>], sec: &Security<'_>, out: &mut Vec<Diagnostic>) {
    if sec.enabled.is_some() {
        return;
    }
    let root: Vec<&Script<'_>> = scripts
        .iter()
        .filter(|s| s.user.or(sec.script_user).is_none_or(|u| u.text() == "root"))
        .collect();
    let Some(first) = root.first() else {
        return;
    };
    let how = match first.user.or(sec.script_user) {
        Some(_) => "it is set to run as root".to_string(),
        None => "no user is given for it and global_defs has no script_user, so keepalived runs it as keepalived_script if that user exists and otherwise as root".to_string(),
    };
    let mut d = Diagnostic::new(
        &CHECK,
        first.command.span(),
        format!(
            "script `{}` runs as root without enable_script_security",
            first.program()
        ),
    );
    for s in root.iter().skip(1).take(4) {
        d = d.label(s.command.span(), "also runs as root");
    }
    if root.len() > 5 {
        d = d.label(first.command.span(), format!("and {} more scripts", root.len() - 5));
    }
    out.push(d.help(format!(
        "{how}; where the script exists, keepalived reports a SECURITY VIOLATION (`keepalived -t` exits 6). Set script_user to an unprivileged user and add enable_script_security in global_defs"
    )));
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn root(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0413").count()
    }

    #[test]
    fn scripts_without_user_or_security() {
        let s = "vrrp_script chk {\n    script \"/bin/true\"\n}\n";
        assert_eq!(root(s), 1);
        assert_eq!(root(&format!("global_defs {{\n    script_user root\n}}\n{s}")), 1);
        assert_eq!(root(&format!("global_defs {{\n    script_user nobody\n}}\n{s}")), 0);
        assert_eq!(root(&format!("global_defs {{\n    enable_script_security\n}}\n{s}")), 0);
        assert_eq!(
            root("vrrp_script chk {\n    script \"/bin/true\"\n    user nobody\n}\n"),
            0
        );
        let notify = "vrrp_instance VI_1 {\n    notify_master \"/bin/true\" nobody\n    notify_backup /bin/true\n}\n";
        let d: Vec<_> = lint(notify).into_iter().filter(|d| d.code() == "KA0413").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].labels.is_empty(), "only notify_backup runs as root");
    }
}
