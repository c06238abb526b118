//! KA0502 quorum-above-total-weight: a virtual server's quorum is more than all its real
//! servers' weights together.

use super::{VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0502",
    name: "quorum-above-total-weight",
    severity: Severity::Error,
    finds: "A virtual_server whose quorum (1 by default) is greater than the sum of its real servers' weights.",
    why: "The quorum could never be reached even with every server up, so keepalived lowers it to the total weight; quorum_up/quorum_down and the sorry server then follow a threshold you did not write. `keepalived -t` rejects the configuration. Real servers that all have weight 0 hit this with the default quorum of 1.",
    example: "virtual_server 192.0.2.1 80 {\n    quorum 3\n    real_server 192.0.2.10 80 {\n        weight 2\n    }\n}",
    fix: "Lower the quorum to at most the total weight, or raise the weights (or add real servers).",
};

pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    // keepalived lowers the quorum to the total weight (resolve::lvs).
    let (read, total) = (eff.quorum_read, eff.quorum.value);
    if total >= read.value {
        return;
    }
    let line = vs.line_at(read.by);
    let (span, what) = match line.and_then(|n| n.args().first()) {
        Some(w) => (w.span(), format!("quorum {}", read.value)),
        None => (vs.head_span(), format!("the default quorum of {}", read.value)),
    };
    let mut d = Diagnostic::new(
        &CHECK,
        span,
        format!(
            "{what} of virtual_server {} is more than the total weight of its real servers ({total})",
            vs.label()
        ),
    );
    for (rs, r) in vs.live().zip(&eff.reals) {
        d = d.label(rs.at.span(), format!("weight {}", r.weight.value));
    }
    out.push(d.help(format!(
        "keepalived -t rejects this and lowers the quorum to {total}; write a quorum of at most {total} or raise the weights"
    )));
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn quorum_above_weights() {
        let d = lint(&vs(
            "192.0.2.1 80",
            "    quorum 3\n    real_server 192.0.2.10 80 {\n        weight 2\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0502");
        assert!(d[0].message.contains("(2)"), "{}", d[0].message);
    }

    #[test]
    fn default_weight_and_duplicates_count_once() {
        let ok = lint(&vs(
            "192.0.2.1 80",
            "    quorum 2\n    real_server 192.0.2.10 80 {\n    }\n    real_server 192.0.2.11 80 {\n    }\n",
        ));
        assert!(ok.is_empty(), "{ok:?}");
        let d = lint(&vs(
            "192.0.2.1 80",
            "    quorum 2\n    real_server 192.0.2.10 80 {\n    }\n    real_server 192.0.2.10 80 {\n        weight 5\n    }\n",
        ));
        assert!(d.iter().any(|d| d.code() == "KA0502"), "{d:?}");
    }

    #[test]
    fn zero_weights_fail_the_default_quorum() {
        let d = lint(&vs(
            "192.0.2.1 80",
            "    real_server 192.0.2.10 80 {\n        weight 0\n    }\n",
        ));
        let codes: Vec<_> = d.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["KA0502", "KA0503"], "{d:?}");
    }

    #[test]
    fn service_weight_is_the_default() {
        let ok = lint(&vs(
            "192.0.2.1 80",
            "    weight 5\n    quorum 5\n    real_server 192.0.2.10 80 {\n    }\n",
        ));
        assert!(ok.is_empty(), "{ok:?}");
    }
}
