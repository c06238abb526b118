//! KA0504 real-server-port-mismatch: a real (or sorry) server forwarded by DR or TUN with a
//! port other than the service's, or with any port on a firewall-mark service.

use super::{Endpoint, Fwd, GroupEntry, Service, VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0504",
    name: "real-server-port-mismatch",
    severity: Severity::Error,
    finds: "A real_server or sorry_server forwarded by DR or TUN whose port differs from the virtual server's port, or that has a port at all when the virtual server is a firewall mark.",
    why: "Direct routing and tunnelling hand the packet on unchanged, so the server receives it on the service's own port; only NAT can rewrite the port. keepalived replaces (or clears) the port you wrote, and `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    lb_kind DR\n    real_server 192.0.2.10 8080 {\n    }\n}",
    fix: "Use the virtual server's port (or no port, which means the same) for DR and TUN servers, no port with a firewall mark; or forward with NAT if the server really listens elsewhere.",
};

/// Why the port of `at`, forwarded by `method`, is wrong for the service, if it is.
fn problem(vs: &VirtualServer<'_>, at: &Endpoint<'_>) -> Option<String> {
    if at.port == 0 {
        return None;
    }
    match &vs.service {
        Service::Addr { port, .. } if *port != at.port => Some(format!("the virtual server's port is {port}")),
        Service::Addr { .. } => None,
        Service::Fwmark => Some("a firewall-mark service forwards every port unchanged".into()),
        Service::Group { name, entries } => {
            if entries.iter().any(|e| matches!(e, GroupEntry::Fwmark { .. })) {
                return Some(format!(
                    "group `{}` has firewall marks, which forward every port unchanged",
                    name.text()
                ));
            }
            let other: Vec<String> = entries
                .iter()
                .filter_map(|e| match e {
                    GroupEntry::Addr { port, .. } if *port != at.port => Some(port.to_string()),
                    _ => None,
                })
                .collect();
            (!other.is_empty()).then(|| format!("group `{}` has entries on port {}", name.text(), other.join(", ")))
        }
    }
}

fn push(out: &mut Vec<Diagnostic>, vs: &VirtualServer<'_>, at: &Endpoint<'_>, what: &str, method: Fwd, why: String) {
    let Some(port) = at.port_word else { return };
    out.push(
        Diagnostic::new(
            &CHECK,
            port.span(),
            format!(
                "{what} {} of virtual_server {} is forwarded by {} but has port {}",
                at.addr_word.text(),
                vs.label(),
                method.name(),
                at.port
            ),
        )
        .label(vs.head_span(), why)
        .help(format!(
            "{} cannot change the port; keepalived -t rejects this. Drop the port (or write the service's), or use NAT",
            method.name()
        )),
    );
}

pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    // The methods keepalived ends up with (resolve::lvs).
    for (rs, r) in vs.live().zip(&eff.reals) {
        let method = r.forwarding.value;
        if method == Fwd::Nat {
            continue;
        }
        if let Some(why) = problem(vs, &rs.at) {
            push(out, vs, &rs.at, "real server", method, why);
        }
    }
    if let (Some(s), Some(r)) = (&vs.sorry, &eff.sorry) {
        let method = r.forwarding.value;
        if method != Fwd::Nat {
            if let Some(why) = problem(vs, s) {
                push(out, vs, s, "sorry server", method, why);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn svc(head: &str, kind: &str, body: &str) -> String {
        format!("virtual_server {head} {{\n    lb_algo rr\n    lb_kind {kind}\n{body}}}\n")
    }

    #[test]
    fn dr_with_other_port() {
        let d = lint(&svc(
            "192.0.2.1 80",
            "DR",
            "    protocol TCP\n    real_server 192.0.2.10 8080 {\n    }\n    real_server 192.0.2.11 80 {\n    }\n    real_server 192.0.2.12 {\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0504");
        assert!(d[0].message.contains("8080"));
    }

    #[test]
    fn own_method_counts_and_nat_may_change_ports() {
        let d = lint(&svc(
            "192.0.2.1 80",
            "NAT",
            "    protocol TCP\n    real_server 192.0.2.10 8080 {\n    }\n    real_server 192.0.2.11 8080 {\n        lvs_method TUN\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("192.0.2.11"));
    }

    #[test]
    fn fwmark_with_port_and_sorry_server() {
        let d = lint(&svc(
            "fwmark 5",
            "DR",
            "    sorry_server 192.0.2.9 80\n    real_server 192.0.2.10 80 {\n    }\n    real_server 192.0.2.11 {\n    }\n",
        ));
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|d| d.message.starts_with("sorry server")));
    }

    #[test]
    fn group_entries() {
        let text = "virtual_server_group G {\n    192.0.2.1 80\n    192.0.2.2 81\n}\n".to_string()
            + &svc(
                "group G",
                "DR",
                "    protocol TCP\n    real_server 192.0.2.10 80 {\n    }\n",
            );
        let d = lint(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].labels[0].message.contains("81"));
    }
}
