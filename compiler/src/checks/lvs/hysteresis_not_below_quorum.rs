//! KA0503 hysteresis-not-below-quorum: a virtual server's hysteresis is at least its quorum.

use super::{VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0503",
    name: "hysteresis-not-below-quorum",
    severity: Severity::Error,
    finds: "A virtual_server whose hysteresis is greater than or equal to its quorum (after keepalived has lowered a quorum above the total weight).",
    why: "The service would need a negative weight to lose quorum, so keepalived sets the hysteresis to quorum minus 1, and quorum changes happen at other weights than written. `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    quorum 2\n    hysteresis 2\n    real_server 192.0.2.10 80 {\n        weight 5\n    }\n}",
    fix: "Make the hysteresis smaller than the quorum.",
};

/// `quorum` is the quorum keepalived ends up with.
pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    // The quorum keepalived runs, lowered to the total weight (resolve::lvs).
    let (hysteresis, quorum) = (eff.hysteresis_read.value, eff.quorum.value);
    if hysteresis < quorum {
        return;
    }
    let line = vs.line_at(eff.hysteresis_read.by);
    let span = line.and_then(|n| n.args().first()).map_or(vs.head_span(), |w| w.span());
    let mut d = Diagnostic::new(
        &CHECK,
        span,
        format!(
            "hysteresis {hysteresis} of virtual_server {} is not below its quorum ({quorum})",
            vs.label()
        ),
    );
    if let Some(q) = vs.line_at(eff.quorum_read.by).and_then(|n| n.args().first()) {
        d = d.label(q.span(), "quorum set here");
    }
    let help = if quorum == 0 {
        "keepalived -t rejects this; with a quorum of 0 no hysteresis fits: give the real servers weight".to_string()
    } else {
        format!(
            "keepalived -t rejects this and sets the hysteresis to {}; write a value below the quorum",
            quorum - 1
        )
    };
    out.push(d.help(help));
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn hysteresis_equal_to_quorum() {
        let d = lint(&vs(
            "192.0.2.1 80",
            "    quorum 2\n    hysteresis 2\n    real_server 192.0.2.10 80 {\n        weight 5\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0503");
        assert_eq!(d[0].labels.len(), 1);
    }

    #[test]
    fn below_quorum_passes() {
        let d = lint(&vs(
            "192.0.2.1 80",
            "    quorum 2\n    hysteresis 1\n    real_server 192.0.2.10 80 {\n        weight 5\n    }\n",
        ));
        assert!(d.is_empty(), "{d:?}");
    }
}
