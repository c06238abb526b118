//! KA0437 down-timer-adverts-in-strict-mode: A `down_timer_adverts` other than 3 in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0437",
    name: "down-timer-adverts-in-strict-mode",
    severity: Severity::Error,
    finds: "A `down_timer_adverts` other than 3 in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "The RFC fixes the master-down interval at three adverts; keepalived in strict mode resets any other value to 3 with an error.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    down_timer_adverts 5\n}",
    fix: "Remove `down_timer_adverts`, or leave strict mode.",
};

pub fn check(inst: &Instance<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    if !strict {
        return;
    }
    let Some(n) = inst.last("down_timer_adverts") else {
        return;
    };
    if n.args()
        .first()
        .and_then(|w| w.text().parse::<u32>().ok())
        .is_none_or(|v| v == 3)
    {
        return;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            n.span(),
            format!("down_timer_adverts in strict vrrp_instance `{}`", inst.label()),
        )
        .help("strict mode requires the RFC value 3; keepalived resets it with an error. Remove the line"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0437").count()
    }

    #[test]
    fn strict_down_timer() {
        assert_eq!(count(&strict("    down_timer_adverts 5\n")), 1);
        assert_eq!(count(&strict("    down_timer_adverts 3\n")), 0);
        assert_eq!(count(&instance("    down_timer_adverts 5\n")), 0);
    }
}
