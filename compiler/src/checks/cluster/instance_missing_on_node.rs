//! KA0710 instance-missing-on-node (cluster check): a virtual router is configured on some
//! nodes of the cluster but not on others.

use super::{Node, Router};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0710",
    name: "instance-missing-on-node",
    severity: Severity::Warning,
    finds: "With --cluster: a vrrp_instance that one node has and another lacks (matched by name, or by VRID, interface and family).",
    why: "The addresses of that instance have no standby on the node that lacks it: when its only node fails, nothing takes them over. Often the instance was renamed or renumbered on one node only.",
    example: "# lb1\nvrrp_instance VI_1 { ... }\nvrrp_instance VI_2 { ... }\n# lb2\nvrrp_instance VI_1 { ... }",
    fix: "Add the instance to every node of the cluster with the same name and VRID, or remove it where it is not wanted.",
};

pub fn check(r: &Router<'_, '_>, nodes: &[Node<'_>], out: &mut Vec<Diagnostic>) {
    let Some(first) = r.members.first() else {
        return;
    };
    for n in nodes {
        if r.members.iter().any(|m| std::ptr::eq(m.node, n)) {
            continue;
        }
        let vrid = first.vrid().map_or(String::new(), |v| format!(" (VRID {v})"));
        out.push(
            Diagnostic::new(
                &CHECK,
                first.name_span(),
                format!("{}{vrid} has no counterpart on {}", first.label(), n.name),
            )
            .help(format!(
                "add the instance to {}'s configuration with the same name and VRID",
                n.name
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};

    #[test]
    fn flags_instances_on_one_node_only() {
        let a = format!(
            "{}vrrp_instance VI_2 {{\n    interface eth0\n    virtual_router_id 52\n}}\n",
            inst("    priority 150\n")
        );
        let b = inst("    priority 100\n");
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0710"]);
        assert!(d[0].message.contains("VI_2") && d[0].message.contains("lb2"));
    }
}
