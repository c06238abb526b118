//! KA0436 preempt-delay-in-strict-mode: A non-zero `preempt_delay` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0436",
    name: "preempt-delay-in-strict-mode",
    severity: Severity::Error,
    finds: "A non-zero `preempt_delay` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "RFC VRRP has no preemption delay; keepalived in strict mode resets it to 0 with an error, so the instance preempts at once.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    preempt_delay 10\n}",
    fix: "Remove `preempt_delay`, or leave strict mode.",
};

pub fn check(inst: &Instance<'_>, strict: bool, out: &mut Vec<Diagnostic>) {
    // With state MASTER or nopreempt the delay is dropped before (KA0404).
    if !strict || inst.starts_master() || inst.last("nopreempt").is_some() {
        return;
    }
    let Some(n) = inst.last("preempt_delay") else {
        return;
    };
    if !n
        .args()
        .first()
        .and_then(|w| w.text().parse::<f64>().ok())
        .is_some_and(|d| d > 0.0)
    {
        return;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            n.span(),
            format!("preempt_delay in strict vrrp_instance `{}`", inst.label()),
        )
        .help("strict mode has no preemption delay; keepalived resets it to 0 with an error. Remove the line"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0436").count()
    }

    #[test]
    fn strict_delay() {
        assert_eq!(count(&strict("    preempt_delay 10\n")), 1);
        assert_eq!(count(&strict("    preempt_delay 0\n")), 0);
        assert_eq!(count(&instance("    preempt_delay 10\n")), 0);
    }
}
