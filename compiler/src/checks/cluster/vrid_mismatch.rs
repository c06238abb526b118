//! KA0701 vrid-mismatch (cluster check): an instance has a different `virtual_router_id` on
//! two nodes.

use super::Member;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0701",
    name: "vrid-mismatch",
    severity: Severity::Error,
    finds: "With --cluster: a vrrp_instance of the same name whose virtual_router_id differs between two nodes.",
    why: "The VRID is what makes two routers one virtual router. With different VRIDs each node only hears adverts for a router it does not run, sees no MASTER, and takes the addresses itself: every node is MASTER.",
    example: "# lb1\nvrrp_instance VI_1 {\n    virtual_router_id 51\n}\n# lb2\nvrrp_instance VI_1 {\n    virtual_router_id 52\n}",
    fix: "Give the instance the same virtual_router_id on every node (and a different one from every other cluster on the link).",
};

/// Reports a mismatch; `true` when there was one (the pair is then not compared further).
pub fn check(a: &Member<'_, '_>, b: &Member<'_, '_>, out: &mut Vec<Diagnostic>) -> bool {
    let (Some(va), Some(vb)) = (a.vrid(), b.vrid()) else {
        return false;
    };
    if va == vb {
        return false;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            b.arg_span("virtual_router_id"),
            format!("{} has virtual_router_id {vb}, but {} has {va}", b.label(), a.who()),
        )
        .label(a.arg_span("virtual_router_id"), format!("{va} on {}", a.who()))
        .help("the nodes of one virtual router must use one VRID: with different VRIDs each node becomes MASTER"),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};

    #[test]
    fn flags_different_vrids() {
        let a = inst("    priority 150\n");
        let b = inst("    priority 100\n").replace("virtual_router_id 51", "virtual_router_id 52");
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0701"], "nothing else is compared: {d:?}");
        assert!(d[0].message.contains("52") && d[0].message.contains("lb1"));
    }
}
