//! KA0301 undefined-reference: a reference to a script, tracker, instance or group that is not
//! defined, or that is defined only after the line that needs it.

use super::{kind_name, Names};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0301",
    name: "undefined-reference",
    severity: Severity::Error,
    finds: "A reference (track_script, track_file, track_process, track_bfd, a sync-group member, `virtual_server group`, a checker's tracker) to a name that no block defines, or that is defined only further down where keepalived needs it defined first.",
    why: "keepalived ignores the reference with at most a log line: the instance then runs without the script or tracker you meant to fail it over, which is exactly the failure that tracking is there to catch.",
    example: "vrrp_script chk_nginx {\n    script \"/usr/bin/pgrep nginx\"\n}\nvrrp_instance VI_1 {\n    track_script {\n        chk_ngnix\n    }\n}",
    fix: "Correct the name (the diagnostic suggests the closest defined one), or define the block above its first use.",
};

pub fn check(names: &Names, out: &mut Vec<Diagnostic>) {
    for r in &names.refs {
        let defs: Vec<_> = names.defs.iter().filter(|d| d.kind == r.kind).collect();
        let what = kind_name(r.kind);
        match defs.iter().find(|d| d.name == r.name) {
            Some(d) if r.ordered && d.at > r.at => out.push(
                Diagnostic::new(&CHECK, r.span, format!("{what} `{}` is defined only after this line", r.name))
                    .label(d.span, "defined here")
                    .help(format!(
                        "keepalived looks `{}` up when it reads this line and ignores the reference; move the {what} block above it",
                        r.name
                    )),
            ),
            Some(_) => {}
            None => {
                let mut d = Diagnostic::new(&CHECK, r.span, format!("no {what} is called `{}`", r.name));
                let best = defs
                    .iter()
                    .map(|d| (strsim::normalized_damerau_levenshtein(&d.name, &r.name), d))
                    .filter(|(s, _)| *s >= 0.6)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                d = match best {
                    Some((_, near)) => d.label(near.span, "a similar name is defined here").help(format!("did you mean `{}`?", near.name)),
                    None if defs.is_empty() => d.help(format!("the configuration defines no {what}; keepalived ignores this reference")),
                    None => d.help(format!(
                        "defined {what}s: {}",
                        defs.iter().map(|d| format!("`{}`", d.name)).collect::<Vec<_>>().join(", ")
                    )),
                };
                out.push(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn typo_in_track_script() {
        let d = lint("vrrp_script chk_nginx {\n    script \"/bin/true\"\n}\nvrrp_instance VI_1 {\n    track_script {\n        chk_ngnix weight 10\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0301");
        assert_eq!(d[0].message, "no vrrp_script is called `chk_ngnix`");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `chk_nginx`?"));
    }

    #[test]
    fn script_defined_after_its_use() {
        let d = lint("vrrp_instance VI_1 {\n    track_script {\n        chk\n    }\n}\nvrrp_script chk {\n    script \"/bin/true\"\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("defined only after"), "{d:?}");
    }

    #[test]
    fn sync_group_members_may_come_first_but_must_exist() {
        let ok = lint("vrrp_sync_group G {\n    group {\n        VI_1\n    }\n}\nvrrp_instance VI_1 {\n}\n");
        assert!(ok.is_empty(), "{ok:?}");
        let bad = lint("vrrp_sync_group G {\n    group {\n        VI_1 VI_2\n    }\n}\nvrrp_instance VI_1 {\n}\n");
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert!(bad[0].message.contains("`VI_2`"));
    }

    #[test]
    fn virtual_server_group_reference() {
        let d = lint("virtual_server group WEB {\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("virtual_server_group"));
        assert!(lint("virtual_server_group WEB {\n    192.0.2.1 80\n}\nvirtual_server group WEB {\n}\n").is_empty());
    }
}
