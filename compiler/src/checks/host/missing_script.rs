//! KA0603 missing-script (host check): the program a script line runs does not exist.

use super::Found;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0603",
    name: "missing-script",
    severity: Severity::Error,
    finds: "With --host-checks: a script, notify or misc_path command whose program does not exist on this machine (a bare name is looked up in the directories keepalived searches).",
    why: "keepalived cannot run it: a vrrp_script that never succeeds keeps its instance in FAULT (or lowers its priority), a notify script silently does nothing, and a MISC_CHECK marks its real server down.",
    example: "vrrp_script chk {\n    script \"/usr/local/bin/chk_nginx.sh\"\n}",
    fix: "Install the script at that path, or correct the path. Give the full path: keepalived's search path may differ from your shell's.",
};

pub fn report(s: &Found<'_>, path: &str, out: &mut Vec<Diagnostic>) {
    out.push(Diagnostic::new(
        &CHECK,
        s.span,
        format!("`{path}` ({}) does not exist on this machine", s.keyword),
    ));
}

#[cfg(test)]
mod tests {
    use super::super::{codes, file, lint, FakeHost};

    #[test]
    fn flags_missing_programs() {
        let h = FakeHost::typical().with_file("/usr/bin/true", file(0o755, 0));
        let d = lint("vrrp_script a {\n    script \"/usr/bin/true x\"\n}\nvrrp_script b {\n    script /opt/none.sh\n}\nvrrp_script c {\n    script \"true\"\n}\nvrrp_script d {\n    script \"nothere -x\"\n}\n", &h);
        assert_eq!(codes(&d), ["KA0603", "KA0603"]);
        assert!(d[0].message.contains("/opt/none.sh"));
        assert!(d[1].message.contains("`nothere`"));
    }
}
