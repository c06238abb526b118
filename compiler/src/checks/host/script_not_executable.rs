//! KA0604 script-not-executable (host check): the program a script line runs is not a regular
//! file with execute permission.

use super::{FileType, Found, Stat};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0604",
    name: "script-not-executable",
    severity: Severity::Error,
    finds: "With --host-checks: a script, notify or misc_path program that exists but is a directory or special file, or has no execute permission.",
    why: "keepalived executes the program directly; without an execute bit (or when it is not a file) every run fails, with the same effect as a failing check script.",
    example: "vrrp_script chk {\n    script \"/etc/keepalived/chk.sh\"   # mode 0644\n}",
    fix: "Make it executable (`chmod 755 FILE`, owned by root), or point the line at the program itself.",
};

/// Reports the problem; `true` when the file is a runnable program.
pub fn check(s: &Found<'_>, path: &str, st: &Stat, out: &mut Vec<Diagnostic>) -> bool {
    let why = match st.kind {
        FileType::Dir => "is a directory",
        FileType::Other => "is not a regular file",
        FileType::File if st.mode & 0o111 == 0 => "has no execute permission",
        FileType::File => return true,
    };
    out.push(
        Diagnostic::new(&CHECK, s.span, format!("`{path}` ({}) {why}", s.keyword))
            .help(format!("mode is {:04o}; keepalived runs the file itself", st.mode)),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::super::{codes, dir, file, lint, FakeHost};

    #[test]
    fn flags_files_that_cannot_run() {
        let h = FakeHost::typical()
            .with_file("/usr/bin/a", file(0o644, 0))
            .with_file("/usr/bin/b", dir(0o755, 0))
            .with_file("/usr/bin/c", file(0o700, 0));
        let d = lint("vrrp_script a {\n    script /usr/bin/a\n}\nvrrp_script b {\n    script /usr/bin/b\n}\nvrrp_script c {\n    script /usr/bin/c\n}\n", &h);
        assert_eq!(codes(&d), ["KA0604", "KA0604"]);
        assert!(d[0].message.contains("no execute"));
        assert!(d[1].message.contains("directory"));
    }
}
