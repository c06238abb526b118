//! KA0705 vip-mismatch (cluster check): the nodes of one virtual router list different
//! virtual addresses.

use super::Member;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use std::net::IpAddr;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0705",
    name: "vip-mismatch",
    severity: Severity::Error,
    finds: "With --cluster: an instance whose virtual_ipaddress set differs between nodes.",
    why: "Adverts carry the virtual addresses, and keepalived checks them against its own list: on a difference it logs `ip address associated with VRID not present in MASTER advert` and ignores the advert, so the BACKUP takes over and both nodes are MASTER. Even when checking is off, a failover moves a different set of addresses.",
    example: "# lb1\nvirtual_ipaddress {\n    192.0.2.10/24\n}\n# lb2\nvirtual_ipaddress {\n    192.0.2.11/24\n}",
    fix: "List the same virtual addresses on every node. Addresses that may differ belong in virtual_ipaddress_excluded, which adverts do not carry.",
};

pub fn check(a: &Member<'_, '_>, b: &Member<'_, '_>, out: &mut Vec<Diagnostic>) {
    let va = a.inst.vips();
    let vb = b.inst.vips();
    let only = |x: &[(vigil_grammar::WordRef<'_>, IpAddr)], y: &[(vigil_grammar::WordRef<'_>, IpAddr)]| {
        let mut v: Vec<IpAddr> = x
            .iter()
            .map(|p| p.1)
            .filter(|ip| !y.iter().any(|q| q.1 == *ip))
            .collect();
        v.dedup();
        v
    };
    let (only_a, only_b) = (only(&va, &vb), only(&vb, &va));
    if only_a.is_empty() && only_b.is_empty() {
        return;
    }
    let list = |v: &[IpAddr]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
    let mut parts = Vec::new();
    if !only_b.is_empty() {
        parts.push(format!("{} only on {}", list(&only_b), b.who()));
    }
    if !only_a.is_empty() {
        parts.push(format!("{} only on {}", list(&only_a), a.who()));
    }
    // Point at the first address only one side has, else at the block.
    let at = |m: &Member<'_, '_>, v: &[(vigil_grammar::WordRef<'_>, IpAddr)], mine: &[IpAddr]| {
        v.iter()
            .find(|p| mine.contains(&p.1))
            .map_or_else(|| m.line_span("virtual_ipaddress"), |p| m.node.span(p.0.span()))
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            at(b, &vb, &only_b),
            format!(
                "{} and {} list different virtual addresses: {}",
                b.label(),
                a.who(),
                parts.join("; ")
            ),
        )
        .label(at(a, &va, &only_a), format!("the addresses on {}", a.who()))
        .help("keepalived ignores adverts whose addresses differ from its own list (`not present in MASTER advert`): both nodes become MASTER"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};

    #[test]
    fn flags_different_vip_sets() {
        let a = inst("    priority 150\n");
        let b = inst("    priority 100\n").replace("192.0.2.1\n", "192.0.2.2\n");
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0705"]);
        assert!(d[0].message.contains("192.0.2.2 only on lb2"), "{}", d[0].message);
        assert!(d[0].message.contains("192.0.2.1 only on lb1"));
    }

    #[test]
    fn order_and_prefix_do_not_matter() {
        let two = |x: &str, y: &str, p: u8| {
            format!("vrrp_instance V {{\n    interface eth0\n    virtual_router_id 5\n    priority {p}\n    virtual_ipaddress {{\n        {x}\n        {y}\n    }}\n}}\n")
        };
        assert!(lint(&[
            &two("192.0.2.1/24", "192.0.2.2", 150),
            &two("192.0.2.2", "192.0.2.1/32", 100)
        ])
        .is_empty());
    }
}
