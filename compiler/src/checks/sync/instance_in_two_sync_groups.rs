//! KA0410 instance-in-two-sync-groups: an instance listed in a second sync group (or twice in
//! one), which keepalived refuses.

use super::{Group, Refused};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0410",
    name: "instance-in-two-sync-groups",
    severity: Severity::Error,
    finds: "A vrrp_instance listed as a member of a sync group after an earlier sync group (or an earlier line of the same group) already listed it.",
    why: "An instance can follow only one sync group. keepalived keeps the first membership, ignores the later one with a configuration error (so `keepalived -t` fails), and a group left with one member or none is kept useless or removed: the instances you meant to fail over together do not.",
    example: "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\nvrrp_sync_group G2 {\n    group {\n        VI_1\n        VI_3\n    }\n}",
    fix: "List each instance in one sync group only; merge the groups if the instances must all change state together.",
};

pub fn check(groups: &[Group<'_>], refused: &[Refused<'_>], out: &mut Vec<Diagnostic>) {
    for r in refused {
        let (g, first) = (&groups[r.group], &groups[r.earlier_group]);
        let (message, label) = if r.group == r.earlier_group {
            (
                format!(
                    "vrrp_instance `{}` is listed twice in sync group `{}`",
                    r.word.text(),
                    g.label()
                ),
                "first listed here".to_string(),
            )
        } else {
            (
                format!(
                    "vrrp_instance `{}` is already a member of sync group `{}`",
                    r.word.text(),
                    first.label()
                ),
                format!("member of `{}` here", first.label()),
            )
        };
        out.push(
            Diagnostic::new(&CHECK, r.word.span(), message)
                .label(r.earlier.span(), label)
                .help(format!(
                    "an instance can be in one sync group only: keepalived ignores this membership of `{}`; remove it here or from `{}`",
                    g.label(),
                    first.label()
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{group, inst, lint};

    #[test]
    fn second_group_and_repeated_member() {
        let insts = inst("VI_1", 1, "") + &inst("VI_2", 2, "") + &inst("VI_3", 3, "");
        let text = group("G1", "VI_1 VI_2", "") + &group("G2", "VI_1 VI_3", "") + &insts;
        let d: Vec<_> = lint(&text).into_iter().filter(|d| d.code() == "KA0410").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`G1`"));
        assert_eq!(d[0].labels.len(), 1);
        let text = group("G1", "VI_1 VI_2 VI_1", "") + &insts;
        let d: Vec<_> = lint(&text).into_iter().filter(|d| d.code() == "KA0410").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("twice"));
    }
}
