//! KA0403 duplicate-vrid: two instances with the same VRID on the same interface and address
//! family that would exchange adverts (both multicast to the same group, or both unicast with a
//! peer in common).

use super::{ip, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use std::net::IpAddr;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0403",
    name: "duplicate-vrid",
    severity: Severity::Error,
    finds: "Two vrrp_instances on the same interface and address family with the same virtual_router_id, both multicast to the same group or both unicast with a peer in common.",
    why: "The VRID names the virtual router on the link: the two instances would read each other's adverts as their own router's, with the wrong addresses and priorities. keepalived refuses to start VRRP with such a configuration.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\nvrrp_instance VI_2 {\n    interface eth0\n    virtual_router_id 51\n}",
    fix: "Give each instance on the link its own virtual_router_id (1-255), the same on every router of that instance.",
};

#[derive(PartialEq)]
enum Mode {
    Multicast(IpAddr),
    Unicast(Vec<IpAddr>),
}

struct Key<'a, 't> {
    inst: &'a Instance<'t>,
    iface: &'t str,
    vrid: u8,
    v6: bool,
    mode: Mode,
}

fn key<'a, 't>(inst: &'a Instance<'t>) -> Option<Key<'a, 't>> {
    let iface = inst.arg("interface")?.text();
    let vrid: u8 = inst.arg("virtual_router_id")?.text().parse().ok().filter(|v| *v > 0)?;
    let first_vip = inst
        .all("virtual_ipaddress")
        .filter_map(|n| n.block())
        .flat_map(|b| b.nodes())
        .find(|l| l.block().is_none() && !l.words().is_empty());
    let peers = inst.peers();
    let v6 = match first_vip {
        Some(l) => ip(l.words().first()?.text())?.is_ipv6(),
        None if inst.last("native_ipv6").is_some() => true,
        // Another address could decide the family: leave it to keepalived.
        None if !peers.is_empty() || inst.last("unicast_src_ip").is_some() || inst.last("mcast_src_ip").is_some() => {
            return None
        }
        None => false,
    };
    let mode = if peers.is_empty() {
        let default: IpAddr = if v6 { "ff02::12" } else { "224.0.0.18" }.parse().ok()?;
        let group = match inst.arg("mcast_dst_ip") {
            Some(w) => ip(w.text())?,
            None => default,
        };
        Mode::Multicast(group)
    } else {
        Mode::Unicast(peers)
    };
    Some(Key {
        inst,
        iface,
        vrid,
        v6,
        mode,
    })
}

fn clash(a: &Key<'_, '_>, b: &Key<'_, '_>) -> bool {
    a.iface == b.iface
        && a.vrid == b.vrid
        && a.v6 == b.v6
        && match (&a.mode, &b.mode) {
            (Mode::Multicast(x), Mode::Multicast(y)) => x == y,
            (Mode::Unicast(x), Mode::Unicast(y)) => x.iter().any(|p| y.contains(p)),
            _ => false,
        }
}

pub fn check(insts: &[Instance<'_>], out: &mut Vec<Diagnostic>) {
    let keys: Vec<Key<'_, '_>> = insts.iter().filter_map(key).collect();
    // Only instances with the same interface, VRID and family can clash: compare within those
    // groups (in document order), not every pair.
    let mut groups: std::collections::HashMap<(&str, u8, bool), Vec<usize>> = std::collections::HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        groups.entry((k.iface, k.vrid, k.v6)).or_default().push(i);
    }
    for (i, b) in keys.iter().enumerate() {
        let earlier = groups[&(b.iface, b.vrid, b.v6)].iter().take_while(|&&j| j < i);
        let Some(a) = earlier.map(|&j| &keys[j]).find(|a| clash(a, b)) else {
            continue;
        };
        let (Some(wa), Some(wb)) = (a.inst.arg("virtual_router_id"), b.inst.arg("virtual_router_id")) else {
            continue;
        };
        let family = if b.v6 { "IPv6" } else { "IPv4" };
        let how = match b.mode {
            Mode::Multicast(_) => "both send multicast adverts to the same group".to_string(),
            Mode::Unicast(_) => "both send unicast adverts to a common peer".to_string(),
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                wb.span(),
                format!(
                    "vrrp_instance `{}` uses VRID {} with {family} on interface {}, like `{}`",
                    b.inst.label(),
                    b.vrid,
                    b.iface,
                    a.inst.label()
                ),
            )
            .label(wa.span(), format!("`{}` uses VRID {} here", a.inst.label(), a.vrid))
            .help(format!(
                "{how}; keepalived refuses to start VRRP. Give one of them another virtual_router_id"
            )),
        );
    }
}

#[cfg(test)]
mod tests {

    /// This check's diagnostics only (other VRRP checks may fire on the same input).
    fn lint(text: &str) -> Vec<crate::Diagnostic> {
        super::super::lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0403")
            .collect()
    }

    fn inst(name: &str, vrid: u32, extra: &str, vip: &str) -> String {
        format!("vrrp_instance {name} {{\n    interface eth0\n    virtual_router_id {vrid}\n{extra}    virtual_ipaddress {{\n        {vip}\n    }}\n}}\n")
    }

    #[test]
    fn same_vrid_same_interface() {
        let d = lint(&(inst("VI_1", 51, "", "192.0.2.1") + &inst("VI_2", 51, "", "192.0.2.2")));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0403");
        assert_eq!(d[0].labels.len(), 1);
    }

    #[test]
    fn different_family_group_or_mode_is_legal() {
        assert!(lint(&(inst("VI_1", 51, "", "192.0.2.1") + &inst("VI_2", 51, "", "2001:db8::1"))).is_empty());
        assert!(lint(
            &(inst("VI_1", 51, "    mcast_dst_ip 224.0.0.19\n", "192.0.2.1") + &inst("VI_2", 51, "", "192.0.2.2"))
        )
        .is_empty());
        let uc = |p: &str| format!("    unicast_peer {{\n        {p}\n    }}\n");
        assert!(
            lint(&(inst("VI_1", 51, &uc("192.0.2.20"), "192.0.2.1") + &inst("VI_2", 51, "", "192.0.2.2"))).is_empty()
        );
        assert!(lint(
            &(inst("VI_1", 51, &uc("192.0.2.20"), "192.0.2.1") + &inst("VI_2", 51, &uc("192.0.2.21"), "192.0.2.2"))
        )
        .is_empty());
        let d = lint(
            &(inst("VI_1", 51, &uc("192.0.2.20"), "192.0.2.1") + &inst("VI_2", 51, &uc("192.0.2.20"), "192.0.2.2")),
        );
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
