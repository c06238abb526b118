//! KA0445 timer-expired-backup-without-nopreempt: `timer_expired_backup` (or its old spelling `thread_timer_expired`) in an instance without `nopreempt`.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0445",
    name: "timer-expired-backup-without-nopreempt",
    severity: Severity::Error,
    finds: "`timer_expired_backup` (or its old spelling `thread_timer_expired`) in an instance without `nopreempt`.",
    why: "The setting keeps a BACKUP from preempting after its master-down timer expired, which only means something when the instance does not preempt; keepalived turns it off with an error.",
    example: "vrrp_instance VI_1 {\n    timer_expired_backup\n}",
    fix: "Add `nopreempt`, or remove the line.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.last("nopreempt").is_some() {
        return;
    }
    let Some(n) = inst
        .last("timer_expired_backup")
        .or_else(|| inst.last("thread_timer_expired"))
    else {
        return;
    };
    out.push(
        Diagnostic::new(&CHECK, n.span(), format!("{} in vrrp_instance `{}`, which preempts", n.keyword().unwrap_or(""), inst.label()))
            .help("keepalived turns this off with an error unless the instance has nopreempt; add nopreempt or remove the line"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0445").count()
    }

    #[test]
    fn needs_nopreempt() {
        assert_eq!(count(&instance("    timer_expired_backup\n")), 1);
        assert_eq!(count(&strict("    nopreempt\n    timer_expired_backup\n")), 0);
    }
}
