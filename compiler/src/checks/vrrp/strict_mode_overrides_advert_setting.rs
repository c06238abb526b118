//! KA0440 strict-mode-overrides-advert-setting: In strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`), a non-zero `garp_lower_prio_delay` or `garp_lower_prio_repeat`, `lower_prio_no_advert` turned off, or `higher_prio_send_advert` turned on.

use super::{flag_value, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0440",
    name: "strict-mode-overrides-advert-setting",
    severity: Severity::Error,
    finds: "In strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`), a non-zero `garp_lower_prio_delay` or `garp_lower_prio_repeat`, `lower_prio_no_advert` turned off, or `higher_prio_send_advert` turned on.",
    why: "These settings depart from the RFC's reaction to adverts of other priorities; keepalived in strict mode overrides each with an error, so the written value never applies.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    garp_lower_prio_repeat 2\n}",
    fix: "Remove the setting, or leave strict mode.",
};

pub fn check(inst: &Instance<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !strict {
        return;
    }
    let mut hits = Vec::new();
    for kw in ["garp_lower_prio_delay", "garp_lower_prio_repeat"] {
        if let Some(n) = inst.last(kw) {
            if n.args()
                .first()
                .and_then(|w| w.text().parse::<u64>().ok())
                .is_some_and(|v| v > 0)
            {
                hits.push((
                    n,
                    "strict mode sends no extra gratuitous ARPs after a lower-priority advert",
                ));
            }
        }
    }
    if let Some(n) = inst.last("lower_prio_no_advert").filter(|n| !flag_value(*n)) {
        hits.push((n, "strict mode never answers a lower-priority advert"));
    }
    if let Some(n) = inst.last("higher_prio_send_advert").filter(|n| flag_value(*n)) {
        hits.push((n, "strict mode sends no advert on seeing a higher priority"));
    }
    for (n, why) in hits {
        out.push(
            Diagnostic::new(
                &CHECK,
                n.span(),
                format!(
                    "{} is overridden in strict vrrp_instance `{}`",
                    n.keyword().unwrap_or(""),
                    inst.label()
                ),
            )
            .help(format!(
                "{why}; keepalived resets the setting with an error. Remove the line"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0440").count()
    }

    #[test]
    fn strict_overrides() {
        assert_eq!(
            count(&strict("    garp_lower_prio_repeat 2\n    garp_lower_prio_delay 5\n")),
            2
        );
        assert_eq!(
            count(&strict("    lower_prio_no_advert false\n    higher_prio_send_advert\n")),
            2
        );
        assert_eq!(
            count(&strict("    garp_lower_prio_repeat 0\n    lower_prio_no_advert\n")),
            0
        );
        assert_eq!(count(&instance("    garp_lower_prio_repeat 2\n")), 0);
    }
}
