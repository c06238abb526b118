//! KA0443 duplicate-unicast-peer: The same address twice in an instance's `unicast_peer` entries.

use super::{repeated_addresses, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0443",
    name: "duplicate-unicast-peer",
    severity: Severity::Warning,
    finds: "The same address twice in an instance's `unicast_peer` entries.",
    why: "Each peer gets one copy of every advert; recent keepalived releases drop the second entry with an error (2.2.7 keeps it and sends every advert twice).",
    example: "vrrp_instance VI_1 {\n    unicast_peer {\n        192.0.2.2\n        192.0.2.2\n    }\n}",
    fix: "Remove the second entry.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    for (w, a, first) in repeated_addresses(inst.all("unicast_peer")) {
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!("unicast peer {a} appears twice in vrrp_instance `{}`", inst.label()),
            )
            .label(first, "first here")
            .help("remove the second entry; newer keepalived releases drop it with an error"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0443").count()
    }

    #[test]
    fn twice() {
        assert_eq!(
            count(&instance(
                "    unicast_peer {\n        192.0.2.9\n        192.0.2.9\n    }\n"
            )),
            1
        );
        assert_eq!(count(&strict("    unicast_peer {\n        192.0.2.9\n    }\n")), 0);
    }
}
