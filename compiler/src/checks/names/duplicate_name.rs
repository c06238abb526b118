//! KA0302 duplicate-name: two blocks of one kind with the same name.

use super::{kind_name, Names};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0302",
    name: "duplicate-name",
    severity: Severity::Error,
    finds: "A second vrrp_instance, vrrp_script, tracker, sync group, track group, bfd_instance or virtual_server_group with a name already used by a block of the same kind.",
    why: "keepalived keeps the first and skips the whole second block, so its settings (often the ones you just edited) silently do nothing; copy-pasted instances are the usual cause.",
    example: "vrrp_instance VI_1 {\n    virtual_router_id 51\n}\nvrrp_instance VI_1 {\n    virtual_router_id 52\n}",
    fix: "Give the second block a name of its own, or merge the two.",
};

pub fn check(names: &Names, out: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::HashMap<(std::mem::Discriminant<crate::schema::NameKind>, &str), &super::Name> =
        std::collections::HashMap::new();
    for d in &names.defs {
        // track_file and vrrp_track_file share one namespace, as in keepalived.
        match seen.entry((std::mem::discriminant(&d.kind), d.name.as_str())) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(d);
            }
            std::collections::hash_map::Entry::Occupied(first) => out.push(
                Diagnostic::new(
                    &CHECK,
                    d.span,
                    format!("a {} called `{}` is already defined", kind_name(d.kind), d.name),
                )
                .label(first.get().span, "first defined here")
                .help("keepalived skips this whole block; rename it or merge it into the first"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn second_instance_with_the_same_name() {
        let d = lint("vrrp_instance VI_1 {\n}\nvrrp_instance VI_1 {\n}\nvrrp_script VI_1 {\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0302");
        assert_eq!(d[0].labels.len(), 1);
    }
}
