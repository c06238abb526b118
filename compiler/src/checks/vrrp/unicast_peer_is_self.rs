//! KA0417 unicast-peer-is-self: a `unicast_peer` entry equal to the instance's own
//! `unicast_src_ip`.

use super::{ip, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0417",
    name: "unicast-peer-is-self",
    severity: Severity::Warning,
    finds: "A unicast_peer address that is the instance's own unicast_src_ip.",
    why: "The peer list is for the other routers. keepalived does not check it: the node sends adverts to itself, and with check_unicast_src it accepts its own address as a peer. It usually means one config was copied to every node and the peer list not adapted, which also tends to leave a real peer missing.",
    example: "vrrp_instance VI_1 {\n    unicast_src_ip 192.0.2.10\n    unicast_peer {\n        192.0.2.10\n        192.0.2.11\n    }\n}",
    fix: "Remove this node's own address from unicast_peer and make sure every other router is listed.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let Some(src_word) = inst.arg("unicast_src_ip") else {
        return;
    };
    let Some(src) = ip(src_word.text()) else {
        return;
    };
    let peers = inst
        .all("unicast_peer")
        .filter_map(|n| n.block())
        .flat_map(|b| b.nodes())
        .filter(|l| l.block().is_none())
        .filter_map(|l| l.words().first());
    for w in peers {
        if ip(w.text()) != Some(src) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!(
                    "vrrp_instance `{}` lists its own address {} as a unicast peer",
                    inst.label(),
                    w.text()
                ),
            )
            .label(src_word.span(), "this node's source address")
            .help("unicast_peer should list the other routers only; remove this entry"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    #[test]
    fn own_address_as_peer() {
        let body = "    unicast_src_ip 192.0.2.10\n    unicast_peer {\n        192.0.2.10\n        192.0.2.11\n    }\n";
        let d = lint(&instance(body));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0417");
        assert!(lint(&instance(&body.replace("        192.0.2.10\n", ""))).is_empty());
    }
}
