//! KA0513 zero-port-without-persistence: an address-based service on port 0 (or without a
//! port) that is not persistent.

use super::{GroupEntry, Service, VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0513",
    name: "zero-port-without-persistence",
    severity: Severity::Error,
    finds: "A virtual_server (or a group entry it uses) addressed by IP with port 0 or no port, without persistence_timeout or persistence_granularity.",
    why: "IPVS only accepts an all-ports service when it is persistent, so keepalived quietly makes it persistent for 360 seconds: clients stick to one real server for six minutes without you asking for it. `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 0 {\n    protocol TCP\n    real_server 192.0.2.10 {\n    }\n}",
    fix: "Give the service its port, or write the persistence_timeout you want.",
};

pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    // keepalived made it persistent for its zero port (resolve::lvs).
    if !eff.persistent_for_zero_port {
        return;
    }
    let what = match &vs.service {
        Service::Addr { port: 0, .. } => match vs.node.args().get(1) {
            Some(_) => "port 0".to_string(),
            None => "no port".to_string(),
        },
        Service::Group { entries, .. } if entries.iter().any(|e| matches!(e, GroupEntry::Addr { port: 0, .. })) => {
            "an address without a port in its group".to_string()
        }
        _ => return,
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            vs.head_span(),
            format!("virtual_server {} has {what} but is not persistent", vs.label()),
        )
        .help("keepalived -t rejects this and makes the service persistent for 360 seconds; give the port, or write `persistence_timeout`"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn port_zero_or_missing() {
        let d = lint(&vs("192.0.2.1 0", "    real_server 192.0.2.10 80 {\n    }\n"));
        assert_eq!(d.iter().filter(|d| d.code() == "KA0513").count(), 1, "{d:?}");
        let d = lint(&vs("192.0.2.1", "    real_server 192.0.2.10 80 {\n    }\n"));
        assert_eq!(d.iter().filter(|d| d.code() == "KA0513").count(), 1, "{d:?}");
        let d = lint(&vs(
            "192.0.2.1 0",
            "    persistence_timeout 30\n    real_server 192.0.2.10 80 {\n    }\n",
        ));
        assert!(d.is_empty(), "{d:?}");
    }
}
