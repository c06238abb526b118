//! KA0411 sync-group-too-small: a sync group left with one member, or with none.

use super::Group;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0411",
    name: "sync-group-too-small",
    severity: Severity::Error,
    finds: "A vrrp_sync_group whose `group` resolves to a single vrrp_instance, or to none (no group block, an empty one, or only names that are undefined or already in another group).",
    why: "A sync group exists to make several instances change state together. With one member it does nothing but change how tracker weights behave; with none keepalived removes it. keepalived reports both as configuration errors, so `keepalived -t` fails.",
    example: "vrrp_sync_group G1 {\n    group {\n        VI_1\n    }\n}",
    fix: "List every instance that must fail over together (at least two), or remove the sync group and put its settings on the instance.",
};

pub fn check(groups: &[Group<'_>], out: &mut Vec<Diagnostic>) {
    for g in groups {
        let at = g.name.or_else(|| g.node.words().first());
        let Some(at) = at else {
            continue;
        };
        let d = match g.members.as_slice() {
            [] => Diagnostic::new(
                &CHECK,
                at.span(),
                format!("sync group `{}` has no valid member", g.label()),
            )
            .help(if g.listed.is_empty() {
                "keepalived removes a sync group without members; list the instances in its group block"
            } else {
                "every name listed is undefined or already in another group, so keepalived removes the group"
            }),
            [only] => Diagnostic::new(
                &CHECK,
                at.span(),
                format!("sync group `{}` has a single member", g.label()),
            )
            .label(only.span(), "its only member")
            .help("a sync group of one instance synchronises nothing; add the other instances or remove the group"),
            _ => continue,
        };
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{group, inst, lint};

    fn small(text: &str) -> Vec<String> {
        lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0411")
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn one_or_no_member() {
        let insts = inst("VI_1", 1, "") + &inst("VI_2", 2, "");
        assert_eq!(small(&(group("G1", "VI_1", "") + &insts)).len(), 1);
        assert_eq!(small(&(group("G1", "VI_9", "") + &insts)).len(), 1);
        assert_eq!(small(&("vrrp_sync_group G1 {\n}\n".to_string() + &insts)).len(), 1);
        assert!(small(&(group("G1", "VI_1 VI_2", "") + &insts)).is_empty());
        // G2 loses VI_1 to G1 and is left empty.
        let d = small(&(group("G1", "VI_1 VI_2", "") + &group("G2", "VI_1", "") + &insts));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("G2"));
    }
}
