//! KA0444 sync-group-mixes-address-owners: A vrrp_sync_group whose members are partly address owners (priority 255) and partly not.

use super::Group;
use crate::checks::vrrp::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0444",
    name: "sync-group-mixes-address-owners",
    severity: Severity::Warning,
    finds: "A vrrp_sync_group whose members are partly address owners (priority 255) and partly not.",
    why: "Members of a sync group change state together, but an owner always wants to be MASTER while the others follow the election; recent keepalived releases report the mix as an error (2.2.7 accepts it silently) and the group's state on failover is not what either side expects.",
    example: "vrrp_sync_group G {\n    group {\n        VI_OWNER\n        VI_OTHER\n    }\n}",
    fix: "Give all members the same kind of priority: all 255 on the owner, or none.",
};

pub fn check(insts: &[Instance<'_>], groups: &[Group<'_>], out: &mut Vec<Diagnostic>) {
    for g in groups {
        let members: Vec<_> = g
            .members
            .iter()
            .filter_map(|w| Some((*w, insts.iter().find(|i| i.label() == w.text())?)))
            .collect();
        let owner = members.iter().find(|(_, i)| i.priority() == 255);
        let other = members.iter().find(|(_, i)| i.priority() != 255);
        let (Some((ow, _)), Some((nw, _))) = (owner, other) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                ow.span(),
                format!("sync group `{}` mixes address owners and other members", g.label()),
            )
            .label(nw.span(), "not an address owner")
            .help("members of a sync group fail over together; make all members owners (priority 255) or none"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{group, inst, lint};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0444").count()
    }

    #[test]
    fn mixed() {
        let g = format!(
            "{}{}{}",
            inst("VI_1", 1, "    priority 255\n"),
            inst("VI_2", 2, ""),
            group("G", "VI_1 VI_2", "")
        );
        assert_eq!(count(&g), 1);
        let g = format!(
            "{}{}{}",
            inst("VI_1", 1, ""),
            inst("VI_2", 2, ""),
            group("G", "VI_1 VI_2", "")
        );
        assert_eq!(count(&g), 0);
    }
}
