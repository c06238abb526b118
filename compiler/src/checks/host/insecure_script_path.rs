//! KA0605 insecure-script-path (host check): with `enable_script_security`, a script or a
//! directory above it can be changed by a user other than root.

use super::{FileType, Found, Host};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use std::path::{Component, Path, PathBuf};
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0605",
    name: "insecure-script-path",
    severity: Severity::Error,
    finds: "With --host-checks and enable_script_security: a script program, or a directory on its path, that is owned by a user other than root, or writable by a non-root group or by everyone (a directory with the sticky bit excepted).",
    why: "Whoever can change the file or rename things in its directories can run code as the user keepalived runs the script as, often root. keepalived therefore refuses such scripts under script security: it disables them (and their trackers), logging only a line.",
    example: "global_defs {\n    enable_script_security\n}\nvrrp_script chk {\n    script \"/home/ops/chk.sh\"   # owned by ops\n}",
    fix: "Put scripts in a root-owned directory such as /etc/keepalived or /usr/local/libexec, owned by root and not writable by group or others (`chown root:root`, `chmod 755`).",
};

/// What makes one path component unsafe, as keepalived judges it.
fn unsafe_because(kind: FileType, mode: u32, uid: u32, gid: u32) -> Option<String> {
    if uid != 0 {
        return Some(format!("is owned by uid {uid}, not root"));
    }
    let sticky_dir = kind == FileType::Dir && mode & 0o1000 != 0;
    if sticky_dir {
        return None;
    }
    if mode & 0o002 != 0 {
        return Some("is writable by everyone".into());
    }
    if gid != 0 && mode & 0o020 != 0 {
        return Some(format!("is writable by group {gid}"));
    }
    None
}

pub fn check(s: &Found<'_>, path: &str, host: &dyn Host, out: &mut Vec<Diagnostic>) {
    let mut at = PathBuf::new();
    for c in Path::new(path).components() {
        match c {
            Component::CurDir => continue,
            other => at.push(other.as_os_str()),
        }
        let Ok(st) = host.stat(&at) else {
            return;
        };
        if let Some(why) = unsafe_because(st.kind, st.mode, st.uid, st.gid) {
            let what = if at.as_os_str() == path {
                format!("the script `{path}`")
            } else {
                format!("`{}`, a directory above `{path}`,", at.display())
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    s.span,
                    format!("{what} {why}: keepalived disables the script under enable_script_security"),
                )
                .help("scripts and the directories above them must be owned by root and writable only by root"),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, dir, file, lint, FakeHost};

    const CONF: &str = "global_defs {\n    enable_script_security\n}\nvrrp_script a {\n    script /usr/bin/s.sh\n}\n";

    #[test]
    fn safe_script_passes() {
        let h = FakeHost::typical().with_file("/usr/bin/s.sh", file(0o755, 0));
        assert!(lint(CONF, &h).is_empty());
    }

    #[test]
    fn flags_writable_or_foreign_components() {
        let h = FakeHost::typical().with_file("/usr/bin/s.sh", file(0o757, 0));
        let d = lint(CONF, &h);
        assert_eq!(codes(&d), ["KA0605"]);
        assert!(d[0].message.contains("everyone"));
        let h = FakeHost::typical().with_file("/usr/bin/s.sh", file(0o755, 1000));
        assert!(lint(CONF, &h)[0].message.contains("uid 1000"));
        let mut h = FakeHost::typical().with_file("/usr/bin/s.sh", file(0o755, 0));
        h.files[1].1 = dir(0o777, 0);
        assert!(lint(CONF, &h)[0].message.contains("`/usr`, a directory"));
        h.files[1].1 = dir(0o1777, 0);
        assert!(lint(CONF, &h).is_empty(), "a sticky directory is tolerated");
    }

    #[test]
    fn only_with_script_security() {
        let h = FakeHost::typical().with_file("/usr/bin/s.sh", file(0o777, 0));
        assert!(lint("vrrp_script a {\n    script /usr/bin/s.sh\n}\n", &h).is_empty());
    }
}
