//! KA0511 ha-suspend-with-fwmark: `ha_suspend` on a virtual server addressed by firewall mark.

use super::{VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0511",
    name: "ha-suspend-with-fwmark",
    severity: Severity::Error,
    finds: "`ha_suspend` in a virtual_server addressed by firewall mark, or by a group holding a firewall mark.",
    why: "ha_suspend pauses the checks while the service address is absent from this host, but a mark has no address to watch; keepalived turns the option off, so checks run on the backup too. `keepalived -t` rejects the configuration.",
    example: "virtual_server fwmark 5 {\n    ha_suspend\n    real_server 192.0.2.10 {\n    }\n}",
    fix: "Remove ha_suspend, or address the service by IP address.",
};

pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    // Written, and cleared by keepalived (resolve::lvs).
    let Some(line) = vs.last("ha_suspend").filter(|_| !eff.ha_suspend.value) else {
        return;
    };
    let span = line.words().span().unwrap_or(line.span());
    out.push(
        Diagnostic::new(
            &CHECK,
            span,
            format!(
                "`ha_suspend` cannot work on firewall-mark virtual_server {}",
                vs.label()
            ),
        )
        .label(vs.head_span(), "addressed by firewall mark")
        .help("keepalived -t rejects this and clears ha_suspend; remove the line"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn fwmark_with_ha_suspend() {
        let d = lint("virtual_server fwmark 5 {\n    lb_algo rr\n    lb_kind NAT\n    ha_suspend\n    real_server 192.0.2.10 {\n    }\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0511");
        let d = lint("virtual_server 192.0.2.1 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n    ha_suspend\n    real_server 192.0.2.10 {\n    }\n}\n");
        assert!(d.is_empty(), "{d:?}");
    }
}
