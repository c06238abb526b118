//! KA0425 loopback-interface: `interface lo` in a vrrp_instance.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0425",
    name: "loopback-interface",
    severity: Severity::Error,
    finds: "`interface lo` in a vrrp_instance.",
    why: "VRRP adverts must reach the other routers; the loopback interface reaches nobody. keepalived refuses it with an error and then has no interface for the instance.",
    example: "vrrp_instance VI_1 {\n    interface lo\n}",
    fix: "Name the interface that faces the other routers.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    for n in inst.all("interface") {
        let Some(w) = n.args().first().filter(|w| w.text() == "lo") else {
            continue;
        };
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!("vrrp_instance `{}` runs on the loopback interface", inst.label()),
            )
            .help("keepalived refuses the loopback interface for VRRP; name the interface facing the other routers"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0425").count()
    }

    #[test]
    fn loopback() {
        let text = instance("").replace("interface eth0", "interface lo");
        assert_eq!(count(&text), 1);
        assert_eq!(count(&strict("")), 0);
    }
}
