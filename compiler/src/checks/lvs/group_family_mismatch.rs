//! KA0520 group-family-mismatch: a virtual_server over a group whose addresses are of the other
//! address family.

use super::{group_families, Service, VirtualServer};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0520",
    name: "group-family-mismatch",
    severity: Severity::Warning,
    finds: "A `virtual_server group NAME` whose group holds addresses (or firewall marks with a family) of one family (IPv4 or IPv6) while the virtual server's ip_family or real servers are of the other, or of both families while they are of one.",
    why: "keepalived removes the whole virtual server: no IPVS service is created and its real servers are never checked. It says so only in its log, so a config test passes and the service is simply missing at run time.",
    example: "virtual_server_group web {\n    2001:db8::1 80\n}\nvirtual_server group web {\n    real_server 192.0.2.10 80 {\n    }\n}",
    fix: "Put addresses of the same family in the group as the real servers (or set ip_family to match), or use a separate group per family.",
};

/// Reports the mismatch; true when keepalived removes the virtual server for it.
pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) -> bool {
    let (Service::Group { name, entries }, Some((vs_family, _))) = (&vs.service, vs.group_clash) else {
        return false;
    };
    let holds = match group_families(entries) {
        (true, true) => "IPv4 and IPv6 entries".to_string(),
        _ => format!("{} entries", vs_family.other().name()),
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            name.span(),
            format!(
                "virtual_server_group `{}` holds {holds}, but virtual_server {} is {}",
                name.text(),
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

    #[test]
    fn marks_with_a_family_and_groups_of_both() {
        let rs = "    real_server 192.0.2.10 80 {\n    }\n";
        let d = lint(&format!(
            "virtual_server_group G {{\n    fwmark 5 inet6\n}}\n{}",
            vs("group G", rs)
        ));
        assert!(d.iter().any(|d| d.code() == "KA0520"), "{d:?}");
        let d = lint(&format!(
            "virtual_server_group G {{\n    10.0.0.1 80\n    fwmark 5 inet6\n}}\n{}",
            vs("group G", rs)
        ));
        let m: Vec<_> = d.iter().filter(|d| d.code() == "KA0520").collect();
        assert_eq!(m.len(), 1, "{d:?}");
        assert!(m[0].message.contains("IPv4 and IPv6"), "{d:?}");
        // A mark without a family fits either.
        let d = lint(&format!(
            "virtual_server_group G {{\n    fwmark 5\n}}\n{}",
            vs("group G", rs)
        ));
        assert!(!d.iter().any(|d| d.code() == "KA0520"), "{d:?}");
    }
}
