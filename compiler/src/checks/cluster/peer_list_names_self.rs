//! KA0709 peer-list-names-self (cluster check): a node lists its own source address among its
//! unicast peers.

use super::Router;
use crate::checks::vrrp::ip;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0709",
    name: "peer-list-names-self",
    severity: Severity::Error,
    finds: "With --cluster: an instance whose unicast_peer list contains its own unicast_src_ip.",
    why: "The node sends adverts to itself, and typically the list was copied from another node: the peer that should be there instead is missing, so that node is never told about this one.",
    example: "vrrp_instance VI_1 {\n    unicast_src_ip 192.0.2.1\n    unicast_peer {\n        192.0.2.1\n    }\n}",
    fix: "List only the other nodes' addresses in unicast_peer.",
};

pub fn check(r: &Router<'_, '_>, out: &mut Vec<Diagnostic>) {
    for m in &r.members {
        let Some((src_word, src)) = m.src_ip() else {
            continue;
        };
        let own = m
            .inst
            .all("unicast_peer")
            .filter_map(|n| n.block())
            .flat_map(|b| b.nodes())
            .filter(|l| l.block().is_none())
            .filter_map(|l| l.words().first())
            .find(|w| ip(w.text()) == Some(src));
        if let Some(w) = own {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    m.node.span(w.span()),
                    format!("{} lists its own address {src} as a unicast peer", m.label()),
                )
                .label(m.node.span(src_word.span()), "its unicast_src_ip")
                .help("list the other nodes' addresses; was this list copied from another node?"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, lint};

    #[test]
    fn flags_self_in_peers() {
        let a = "vrrp_instance V {\n    interface eth0\n    virtual_router_id 5\n    unicast_src_ip 192.0.2.1\n    unicast_peer {\n        192.0.2.1\n    }\n}\n";
        let d = lint(&[a]);
        assert_eq!(codes(&d), ["KA0709"]);
    }
}
