//! KA0520 group-family-mismatch: a virtual_server over a group whose addresses are of the other
//! address family.

use super::{GroupEntry, Service, VirtualServer};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0520",
    name: "group-family-mismatch",
    severity: Severity::Warning,
    finds: "A `virtual_server group NAME` whose group holds addresses of one family (IPv4 or IPv6) while the virtual server's ip_family or real servers are of the other.",
    why: "keepalived removes the whole virtual server: no IPVS service is created and its real servers are never checked. It says so only in its log, so a config test passes and the service is simply missing at run time.",
    example: "virtual_server_group web {\n    2001:db8::1 80\n}\nvirtual_server group web {\n    real_server 192.0.2.10 80 {\n    }\n}",
    fix: "Put addresses of the same family in the group as the real servers (or set ip_family to match), or use a separate group per family.",
};

/// Reports the mismatch; true when keepalived removes the virtual server for it.
pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) -> bool {
    let Service::Group { name, entries } = &vs.service else {
        return false;
    };
    let Some(group_family) = entries.iter().find_map(|e| match e {
        GroupEntry::Addr { family, .. } => Some(*family),
        GroupEntry::Fwmark => None,
    }) else {
        return false;
    };
    let Some((vs_family, _)) = vs.family else { return false };
    if vs_family == group_family {
        return false;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            name.span(),
            format!(
                "virtual_server_group `{}` holds {} addresses, but virtual_server {} is {}",
                name.text(),
                group_family.name(),
                vs.label(),
                vs_family.name()
            ),
        )
        .help("keepalived drops this virtual server and only logs it; make the families match"),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn group_of_the_other_family() {
        let group = "virtual_server_group G {\n    2001:db8::1 80\n}\n";
        let d = lint(&format!(
            "{group}{}",
            vs("group G", "    real_server 192.0.2.10 80 {\n    }\n")
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0520");
        let d = lint(&format!(
            "{group}{}",
            vs(
                "group G",
                "    ip_family inet\n    real_server 192.0.2.10 80 {\n    }\n"
            )
        ));
        assert!(d.iter().any(|d| d.code() == "KA0520"), "{d:?}");
        assert!(lint(&format!(
            "{group}{}",
            vs("group G", "    real_server 2001:db8::10 80 {\n    }\n")
        ))
        .is_empty());
    }
}
