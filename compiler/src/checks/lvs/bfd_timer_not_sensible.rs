//! KA0527 bfd-timer-not-sensible: a bfd_instance timer far slower than BFD is meant to run.

use super::bfd_timer_out_of_range::read_ms;
use super::Bfd;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0527",
    name: "bfd-timer-not-sensible",
    severity: Severity::Warning,
    finds: "A bfd_instance min_rx or min_tx above 1000 milliseconds, or an idle_tx above 10000.",
    why: "BFD exists to notice a dead path within milliseconds; at these intervals (times the multiplier) a failure is found no faster than by the routing protocol it is meant to speed up. keepalived accepts the value and only logs it (a config test passes); often seconds were written where milliseconds were meant.",
    example: "bfd_instance to_router {\n    neighbor_ip 192.0.2.1\n    min_rx 5000\n}",
    fix: "Write the interval in milliseconds: tens to hundreds for min_rx and min_tx.",
};

/// The highest interval keepalived considers sensible, in milliseconds, per timer.
const SENSIBLE: [(&str, u64); 3] = [("min_rx", 1_000), ("min_tx", 1_000), ("idle_tx", 10_000)];

pub fn check(b: &Bfd<'_>, out: &mut Vec<Diagnostic>) {
    for (kw, most) in SENSIBLE {
        let Some(line) = b.last(&[kw]) else { continue };
        let Some(w) = line.args().first() else { continue };
        let Ok(v) = read_ms(w.text()) else { continue };
        let max = super::bfd_timer_out_of_range::TIMERS
            .iter()
            .find(|t| t.0 == kw)
            .map_or(u64::MAX, |t| t.2 * 1000);
        if v <= most * 1000 || v > max {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!(
                    "{kw} {} ms of bfd_instance `{}` is very slow for BFD",
                    w.text(),
                    b.label()
                ),
            )
            .help(format!(
                "keepalived accepts it and only logs it; the value is in milliseconds, at most {most} is sensible"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn slow_timers() {
        let d = lint(
            "bfd_instance B {\n    neighbor_ip 192.0.2.2\n    min_rx 1001\n    min_tx 1000\n    idle_tx 20000\n}\n",
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code() == "KA0527"));
    }
}
