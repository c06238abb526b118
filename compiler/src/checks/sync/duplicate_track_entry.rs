//! KA0426 duplicate-track-entry: The same interface, script, file, process or BFD name twice in the `track_interface`, `track_script`, `track_file`, `track_process` or `track_bfd` entries of one vrrp_instance or vrrp_sync_group (also across two blocks of the same kind).

use super::Group;
use crate::checks::vrrp::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;
use vigil_grammar::{NodeRef, Span};

pub static CHECK: Check = Check {
    code: "KA0426",
    name: "duplicate-track-entry",
    severity: Severity::Error,
    finds: "The same interface, script, file, process or BFD name twice in the `track_interface`, `track_script`, `track_file`, `track_process` or `track_bfd` entries of one vrrp_instance or vrrp_sync_group (also across two blocks of the same kind).",
    why: "keepalived tracks each object once per instance or group; it ignores the second entry with an error, so a weight or `reverse` written on it never applies.",
    example: "vrrp_instance VI_1 {\n    track_interface {\n        eth1 weight 10\n        eth1 weight 20\n    }\n}",
    fix: "Keep one entry per object, with the weight you want.",
};

const KINDS: &[&str] = &[
    "track_interface",
    "track_script",
    "track_file",
    "track_process",
    "track_bfd",
];

fn scan<'t>(owner: &str, what: &str, lines: impl Iterator<Item = NodeRef<'t>>, kind: &str, out: &mut Vec<Diagnostic>) {
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for b in lines.filter_map(|n| n.block()) {
        for w in b
            .nodes()
            .filter(|l| l.block().is_none())
            .filter_map(|l| l.words().first())
        {
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == w.text()) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        w.span(),
                        format!("{kind} `{}` appears twice in {what} `{owner}`", w.text()),
                    )
                    .label(*first, "first here")
                    .help("keepalived ignores the second entry with an error; keep one entry with the weight you want"),
                );
            } else {
                seen.push((w.text(), w.span()));
            }
        }
    }
}

pub fn check(insts: &[Instance<'_>], groups: &[Group<'_>], out: &mut Vec<Diagnostic>) {
    for kind in KINDS {
        for i in insts {
            scan(i.label(), "vrrp_instance", i.all(kind), kind, out);
        }
        for g in groups {
            scan(g.label(), "vrrp_sync_group", g.all(kind), kind, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{group, inst, lint};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0426").count()
    }

    #[test]
    fn twice() {
        let t = "    track_interface {\n        eth1 weight 10\n        eth1\n    }\n";
        assert_eq!(count(&inst("VI_1", 1, t)), 1);
        let two = "    track_interface {\n        eth1\n    }\n    track_interface {\n        eth1\n    }\n";
        assert_eq!(count(&inst("VI_1", 1, two)), 1);
        let g = format!(
            "{}{}{}",
            inst("VI_1", 1, ""),
            inst("VI_2", 2, ""),
            group("G", "VI_1 VI_2", t)
        );
        assert_eq!(count(&g), 1);
        assert_eq!(
            count(&inst(
                "VI_1",
                1,
                "    track_interface {\n        eth1\n        eth2\n    }\n"
            )),
            0
        );
    }
}
