//! KA0423 native-ipv6-after-ipv4: `native_ipv6` in an instance whose family an earlier IPv4 address line (source, peer, virtual address) already fixed.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0423",
    name: "native-ipv6-after-ipv4",
    severity: Severity::Error,
    finds: "`native_ipv6` in an instance whose family an earlier IPv4 address line (source, peer, virtual address) already fixed.",
    why: "keepalived decides the family from the first address it reads; `native_ipv6` after an IPv4 address cannot change it, so keepalived ignores the line with an error and the instance stays IPv4.",
    example: "vrrp_instance VI_1 {\n    unicast_src_ip 192.0.2.10\n    native_ipv6\n}",
    fix: "Remove `native_ipv6`, or move it before the addresses and use IPv6 addresses.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let Some((_, site, false)) = inst.family() else {
        return;
    };
    for n in inst.all("native_ipv6") {
        out.push(
            Diagnostic::new(&CHECK, n.span(), format!("native_ipv6 in vrrp_instance `{}`, which is already IPv4", inst.label()))
                .label(site, "this IPv4 address fixed the family")
                .help("keepalived ignores native_ipv6 once an IPv4 address was read; remove the line or make the instance IPv6 throughout"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0423").count()
    }

    #[test]
    fn after_ipv4() {
        assert_eq!(count(&instance("    unicast_src_ip 192.0.2.5\n    native_ipv6\n")), 1);
        assert_eq!(count(&strict("    native_ipv6\n    unicast_src_ip 2001:db8::5\n")), 0);
    }
}
