//! KA0452 ipvlan-without-address: `use_ipvlan` in an IPv4 instance without an address for the ipvlan interface, or with an address of the other family.

use super::{ip, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0452",
    name: "ipvlan-without-address",
    severity: Severity::Error,
    finds: "`use_ipvlan` in an IPv4 instance without an address for the ipvlan interface, or with an address of the other family.",
    why: "An IPv4 ipvlan interface needs its own address to send adverts from; keepalived puts the instance in FAULT with a configuration error, so it never takes the virtual addresses.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    use_ipvlan\n}",
    fix: "Give the ipvlan interface an address of the instance's family: `use_ipvlan NAME 192.0.2.10/24`.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let Some(n) = inst.last("use_ipvlan") else {
        return;
    };
    let v6 = inst.family().is_some_and(|(_, _, v6)| v6);
    let addr = n.args().iter().find_map(|w| Some((w, ip(w.text())?)));
    let message = match addr {
        None if !v6 => format!("use_ipvlan in IPv4 vrrp_instance `{}` gives no address", inst.label()),
        Some((_, a)) if a.is_ipv6() != v6 => {
            format!(
                "use_ipvlan address of the other family in vrrp_instance `{}`",
                inst.label()
            )
        }
        _ => return,
    };
    let at = addr.map_or(n.span(), |(w, _)| w.span());
    out.push(
        Diagnostic::new(&CHECK, at, message)
            .help("keepalived puts the instance in FAULT with an error; write `use_ipvlan NAME ADDRESS/PREFIX` with an address of the instance's family"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0452").count()
    }

    #[test]
    fn address() {
        assert_eq!(count(&instance("    use_ipvlan\n")), 1);
        assert_eq!(count(&instance("    use_ipvlan ipv1 192.0.2.10/24\n")), 0);
        // An ipvlan address fixes the family when it comes first (keepalived reads it before the
        // IPv4 address, which it then drops): the mixed family is reported, not this.
        let first = instance("    use_ipvlan ipv1 2001:db8::10/64\n");
        assert_eq!(count(&first), 0);
        assert!(lint(&first).iter().any(|d| d.code() == "KA0407"));
        let after = first
            .replace("    use_ipvlan ipv1 2001:db8::10/64\n", "")
            .replace("}\n}\n", "}\n    use_ipvlan ipv1 2001:db8::10/64\n}\n");
        assert_eq!(count(&after), 1);
    }
}
