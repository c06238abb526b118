//! KA0501 duplicate-real-server: two real servers of one virtual server with the same address
//! and port.

use super::VirtualServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0501",
    name: "duplicate-real-server",
    severity: Severity::Error,
    finds: "A real_server with the same address and port as an earlier real_server of the same virtual_server.",
    why: "IPVS holds one destination per address and port, so keepalived throws the second block away with its weight, method and health checks: whatever you meant to configure there never runs. `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    real_server 192.0.2.10 80 {\n        TCP_CHECK {\n        }\n    }\n    real_server 192.0.2.10 80 {\n        HTTP_GET {\n            url {\n                path /\n            }\n        }\n    }\n}",
    fix: "Merge the two blocks into one (a real server may have several checkers), or correct the address or port of one of them.",
};

pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) {
    for rs in &vs.reals {
        let Some(first) = rs.duplicate_of.and_then(|i| vs.reals.get(i)) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                rs.at.span(),
                format!(
                    "real server {} is listed twice in virtual_server {}",
                    rs.at.label(),
                    vs.label()
                ),
            )
            .label(first.at.span(), "first listed here")
            .help("keepalived removes the second block with all its settings and checkers; merge them into one real_server block"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn same_address_and_port() {
        let d = lint(&vs(
            "192.0.2.1 80",
            "    real_server 192.0.2.10 80 {\n    }\n    real_server 192.0.2.10 80 {\n        lvs_method DR\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0501");
        assert_eq!(d[0].labels.len(), 1);
    }

    #[test]
    fn port_written_or_not_differs() {
        // keepalived compares before it fills in a NAT server's missing port.
        let d = lint(&vs(
            "192.0.2.1 80",
            "    real_server 192.0.2.10 {\n    }\n    real_server 192.0.2.10 80 {\n    }\n",
        ));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn ipv6_spellings_are_the_same_address() {
        let d = lint(&vs(
            "2001:db8::1 80",
            "    real_server 2001:db8::10 80 {\n    }\n    real_server 2001:db8:0::10 80 {\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
    }
}
