//! KA0508 missing-scheduler: a virtual server without a valid `lb_algo` (or `lvs_sched`).

use super::{vs_table, VirtualServer};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Ty};
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0508",
    name: "missing-scheduler",
    severity: Severity::Error,
    finds: "A virtual_server with no valid lb_algo / lvs_sched line.",
    why: "keepalived picks the weighted least-connection scheduler (wlc) on its own, which may not be the balancing you expect (source hashing for sticky clients, plain round robin, ...). `keepalived -t` rejects the configuration.",
    example: "virtual_server 192.0.2.1 80 {\n    lb_kind NAT\n    protocol TCP\n    real_server 192.0.2.10 80 {\n    }\n}",
    fix: "Write the scheduler you want, such as `lb_algo wlc` or `lb_algo rr`.",
};

pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) {
    let Some(table) = vs_table() else { return };
    let valid = |kw: &str, text: &str| match schema::find(table, kw).and_then(|k| k.args.first()) {
        Some(Ty::Enum(v)) => v.contains(&text),
        _ => false,
    };
    let set = vs.own.iter().any(|n| {
        let kw = n.keyword().unwrap_or("");
        matches!(kw, "lb_algo" | "lvs_sched") && n.args().first().is_some_and(|w| valid(kw, w.text()))
    });
    if set {
        return;
    }
    out.push(
        Diagnostic::new(
            &CHECK,
            vs.head_span(),
            format!("virtual_server {} sets no scheduler (lb_algo)", vs.label()),
        )
        .help("keepalived -t rejects this; it would default to wlc. Write `lb_algo` with the scheduler you want, such as `lb_algo wlc`"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn missing_or_invalid_lb_algo() {
        let body = "    lb_kind NAT\n    protocol TCP\n    real_server 192.0.2.10 80 {\n    }\n}\n";
        let d = lint(&format!("virtual_server 192.0.2.1 80 {{\n{body}"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0508");
        let d = lint(&format!("virtual_server 192.0.2.1 80 {{\n    lb_algo xyz\n{body}"));
        assert_eq!(d.len(), 1, "{d:?}");
        let d = lint(&format!("virtual_server 192.0.2.1 80 {{\n    lvs_sched sh\n{body}"));
        assert!(d.is_empty(), "{d:?}");
    }
}
