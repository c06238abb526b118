//! KA0435 too-many-virtual-addresses: More than 255 virtual addresses in one instance (an error), or IPv6 instances with more than 89 (a warning: what fits in an advert on a 1500-byte MTU).

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0435",
    name: "too-many-virtual-addresses",
    severity: Severity::Error,
    finds: "More than 255 virtual addresses in one instance (an error), or IPv6 instances with more than 89 (a warning: what fits in an advert on a 1500-byte MTU).",
    why: "An advert carries at most 255 addresses and must fit the interface MTU. keepalived moves the excess to the excluded addresses with an error: they are still brought up, but partners never see them in adverts.",
    example: "vrrp_instance VI_1 {\n    virtual_ipaddress {\n        10.0.0.1\n        ... 256 addresses\n    }\n}",
    fix: "Move the addresses beyond the limit to `virtual_ipaddress_excluded`, or split them across instances.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, out: &mut Vec<Diagnostic>) {
    let vips: Vec<_> = inst.vips().into_iter().filter(|(_, a)| a.is_ipv6() == v.v6).collect();
    let (limit, warn) = if vips.len() > 255 {
        (255, false)
    } else if v.v6 && vips.len() > 89 {
        (89, true)
    } else {
        return;
    };
    let (w, _) = vips[limit];
    let mut d = Diagnostic::new(
        &CHECK,
        w.span(),
        format!("vrrp_instance `{}` has {} virtual addresses, more than the {limit} an advert can carry", inst.label(), vips.len()),
    )
    .help("keepalived moves the addresses from here on to virtual_ipaddress_excluded with an error; move them yourself or split the instance");
    if warn {
        d.severity = Severity::Warning;
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0435").count()
    }

    fn vips(n: usize) -> String {
        let list: String = (0..n)
            .map(|i| format!("        10.0.{}.{}\n", i / 200, i % 200 + 1))
            .collect();
        instance("").replace("        192.0.2.1\n", &list)
    }

    #[test]
    fn limit() {
        assert_eq!(count(&vips(255)), 0);
        assert_eq!(count(&vips(256)), 1);
        let _ = strict("");
    }
}
