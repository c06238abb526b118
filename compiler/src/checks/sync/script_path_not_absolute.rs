//! KA0415 script-path-not-absolute: a script whose program is not given by an absolute path.

use super::{Script, Security};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0415",
    name: "script-path-not-absolute",
    severity: Severity::Warning,
    finds: "A script (vrrp_script, notify command, MISC_CHECK, start-up or FIFO script) whose program is a bare name or a relative path.",
    why: "keepalived looks the program up in the PATH it was started with, which under systemd or an init script is not your shell's: a command that works by hand may not be found at run time, and a relative path depends on keepalived's working directory. With enable_script_security the file found must also be secure, or the script is disabled. keepalived 2.2.7 cannot search PATH at all for a script run as a user other than root (it drops its privileges, then fails to set the groups), so it disables every such script with a bare program name. None of this shows under `keepalived -t`.",
    example: "vrrp_script chk_haproxy {\n    script \"killall -0 haproxy\"\n}",
    fix: "Write the program's absolute path, for example `/usr/bin/killall -0 haproxy`.",
};

pub fn check(scripts: &[Script<'_>], sec: &Security<'_>, out: &mut Vec<Diagnostic>) {
    for s in scripts {
        let program = s.program();
        if program.is_empty() || program.starts_with('/') {
            continue;
        }
        let user = s.user.or(sec.script_user).map(|w| w.text());
        let d = match crate::resolve::script::disabled(program, user) {
            Some(_) => Diagnostic::new(
                &CHECK,
                s.command.span(),
                format!(
                    "`{program}` is not an absolute path, and keepalived disables the script: it runs as `{}`",
                    user.unwrap_or("")
                ),
            )
            .help("keepalived 2.2.7 cannot search PATH for a script run as a user other than root (\"Permissions failure for script in path - disabling\"); write the full path to the program"),
            None => Diagnostic::new(
                &CHECK,
                s.command.span(),
                format!("`{program}` is not an absolute path"),
            )
            .help("keepalived searches the PATH it was started with, which may not be your shell's; write the full path to the program"),
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn relative(text: &str) -> Vec<String> {
        lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0415")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn bare_program_names() {
        let d = relative("vrrp_script chk {\n    script \"killall -0 haproxy\"\n    user root\n}\n");
        assert_eq!(d, vec!["`killall` is not an absolute path".to_string()]);
        // Run as another user than root, keepalived 2.2.7 cannot find it.
        let d = relative("vrrp_script chk {\n    script \"killall -0 haproxy\"\n    user nobody\n}\n");
        assert!(d[0].contains("keepalived disables the script"), "{d:?}");
        let d = relative("global_defs {\n    script_user nobody\n}\nvrrp_instance VI_1 {\n    notify notify.sh\n}\n");
        assert!(d[0].contains("runs as `nobody`"), "{d:?}");
        assert!(relative("vrrp_script chk {\n    script \"/usr/bin/killall -0 haproxy\"\n}\n").is_empty());
        assert_eq!(relative("vrrp_instance VI_1 {\n    notify notify.sh\n}\n").len(), 1);
    }
}
