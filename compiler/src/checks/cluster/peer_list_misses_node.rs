//! KA0708 peer-list-misses-node (cluster check): a node's unicast peers do not include
//! another node's source address, or one node uses unicast while another multicasts.

use super::Router;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0708",
    name: "peer-list-misses-node",
    severity: Severity::Error,
    finds: "With --cluster: an instance whose unicast_peer list lacks another node's unicast_src_ip, or that uses unicast on one node and multicast on another.",
    why: "A unicast router sends its adverts only to its listed peers and accepts adverts only from them. A node left out never hears the MASTER (or is not heard) and becomes MASTER as well; a multicasting node is not heard by unicast peers at all.",
    example: "# lb1\nunicast_src_ip 192.0.2.1\nunicast_peer {\n    192.0.2.3\n}\n# lb2\nunicast_src_ip 192.0.2.2\nunicast_peer {\n    192.0.2.1\n}",
    fix: "On every node, list the unicast_src_ip of every other node of the instance in unicast_peer (and use unicast on all nodes or none).",
};

pub fn check(r: &Router<'_, '_>, out: &mut Vec<Diagnostic>) {
    for m in &r.members {
        if !m.unicast() {
            continue;
        }
        let peers = m.inst.peers();
        for o in &r.members {
            if std::ptr::eq(m, o) {
                continue;
            }
            if !o.unicast() {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        m.line_span("unicast_peer"),
                        format!("{} uses unicast, but {} multicasts", m.label(), o.who()),
                    )
                    .label(o.name_span(), format!("no unicast_peer on {}", o.who()))
                    .help("use unicast peers on every node of the instance, or on none"),
                );
                continue;
            }
            let Some((w, src)) = o.src_ip() else {
                continue;
            };
            if !peers.contains(&src) {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        m.line_span("unicast_peer"),
                        format!(
                            "the unicast peers of {} do not include {src}, the source address of {}",
                            m.label(),
                            o.who()
                        ),
                    )
                    .label(o.node.span(w.span()), format!("{}'s unicast_src_ip", o.who()))
                    .help(format!("add {src} to unicast_peer on {}", m.who())),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codes, lint};

    fn node(src: &str, peers: &[&str], prio: u8) -> String {
        let peers: String = peers.iter().map(|p| format!("        {p}\n")).collect();
        format!("vrrp_instance V {{\n    interface eth0\n    virtual_router_id 5\n    priority {prio}\n    unicast_src_ip {src}\n    unicast_peer {{\n{peers}    }}\n    virtual_ipaddress {{\n        192.0.2.100\n    }}\n}}\n")
    }

    #[test]
    fn peers_must_name_the_other_nodes() {
        let a = node("192.0.2.1", &["192.0.2.2"], 150);
        let b = node("192.0.2.2", &["192.0.2.1"], 100);
        assert!(lint(&[&a, &b]).is_empty());
        let b = node("192.0.2.2", &["192.0.2.9"], 100);
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0708"]);
        assert!(d[0].message.contains("192.0.2.1"));
    }

    #[test]
    fn unicast_against_multicast() {
        let a = node("192.0.2.1", &["192.0.2.2"], 150);
        let b = "vrrp_instance V {\n    interface eth0\n    virtual_router_id 5\n    priority 100\n    virtual_ipaddress {\n        192.0.2.100\n    }\n}\n";
        let d = lint(&[&a, b]);
        assert_eq!(codes(&d), ["KA0708"]);
        assert!(d[0].message.contains("multicasts"));
    }
}
