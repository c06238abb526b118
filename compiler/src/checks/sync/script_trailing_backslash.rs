//! KA0455 script-trailing-backslash: a `script` (vrrp_script) or `misc_path` (MISC_CHECK)
//! command that ends in a lone backslash once keepalived has read the line the first time,
//! so that its second reading of the command finds nothing to escape.
//!
//! keepalived reads a script line twice, shell-like (see KA0454): a backslash escapes the
//! next character each time, so `"/bin/true x\\"` is `/bin/true x\` after the first reading
//! and ends in a lone backslash in the second. keepalived 2.2.7 then drops the command: the
//! vrrp_script is removed for having no script and the MISC_CHECK skipped for having no path,
//! and `keepalived -t` exits 5. (A notify command in the same state is accepted without a
//! word, exit 0; this check leaves those alone.) The line is read as KA0454 reads it, and the
//! check is silent where KA0454 is.

use super::script_unterminated_quote::{raw_line, split, Split};
use super::Script;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0455",
    name: "script-trailing-backslash",
    severity: Severity::Error,
    finds: "A vrrp_script `script` or MISC_CHECK `misc_path` command that ends in a backslash with nothing after it to escape, once keepalived has read the line the first time (`\"/bin/true x\\\\\"`).",
    why: "keepalived reads a script line twice and a backslash escapes the next character each time: a command that still ends in a backslash after the first reading has nothing left to escape in the second, and keepalived drops it. The vrrp_script is then removed (it has no script) or the checker skipped (it has no path), and `keepalived -t` fails.",
    example: "vrrp_script chk {\n    script \"/usr/local/bin/check x\\\\\"\n}",
    fix: "Remove the trailing backslash, or write four of them for one literal backslash at the end (`x\\\\\\\\`): each reading takes half of them.",
};

/// The keywords whose command keepalived cannot do without (verified with keepalived -t).
const REQUIRED: [&str; 2] = ["script", "misc_path"];

pub fn check(parsed: &Parsed, scripts: &[Script<'_>], out: &mut Vec<Diagnostic>) {
    for s in scripts {
        let Some(kw) = s.node.keyword().filter(|k| REQUIRED.contains(k)) else {
            continue;
        };
        let Some(line) = raw_line(parsed, s) else {
            continue;
        };
        let Ok(words) = split(line.as_bytes()) else {
            continue;
        };
        let Some(command) = words.get(1) else { continue };
        if !matches!(split(command), Err(Split::Escape)) {
            continue;
        }
        let what = if kw == "script" {
            "removes the vrrp_script (it has no script)"
        } else {
            "skips the MISC_CHECK (it has no path)"
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                s.command.span(),
                format!(
                    "after keepalived's first reading this command is `{}`: its last backslash escapes nothing",
                    String::from_utf8_lossy(command)
                ),
            )
            .help(format!(
                "keepalived reads a script line twice, a backslash escaping the next character each time; it drops this command and {what}, so `keepalived -t` fails. Remove the trailing backslash"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn found(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0455").count()
    }

    #[test]
    fn a_command_ending_in_a_lone_backslash() {
        assert_eq!(
            found("vrrp_script chk {\n    script \"/bin/true x\\\\\"\n    user nobody\n}\n"),
            1
        );
        assert_eq!(
            found("virtual_server 192.0.2.1 80 {\n    real_server 192.0.2.2 80 {\n        MISC_CHECK {\n            misc_path \"/bin/true x\\\\\"\n            user nobody\n        }\n    }\n}\n"),
            1
        );
    }

    #[test]
    fn other_commands_and_keywords() {
        // Four backslashes: one literal backslash at the end.
        assert_eq!(
            found("vrrp_script chk {\n    script \"/bin/true x\\\\\\\\\"\n    user nobody\n}\n"),
            0
        );
        assert_eq!(
            found("vrrp_script chk {\n    script \"/bin/true a\\\\b\"\n    user nobody\n}\n"),
            0
        );
        assert_eq!(
            found("vrrp_script chk {\n    script /bin/true\n    user nobody\n}\n"),
            0
        );
        // keepalived accepts this for a notify command (exit 0).
        assert_eq!(
            found("vrrp_instance V {\n    interface eth0\n    virtual_router_id 5\n    notify_master \"/bin/true x\\\\\"\n    virtual_ipaddress {\n        192.0.2.9\n    }\n}\n"),
            0
        );
    }
}
