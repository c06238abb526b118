//! KA0804 garp-interval-very-large: a global gratuitous ARP / NA interval of a second or more.

use super::last_secs;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0804",
    name: "garp-interval-very-large",
    severity: Severity::Warning,
    finds: "A vrrp_garp_interval or vrrp_gna_interval in global_defs of one second or more.",
    why: "The interval is the pause between successive gratuitous ARP / unsolicited NA messages on one interface; it is meant to be milliseconds. At a second or more, a new master with several addresses takes seconds to announce them all and traffic keeps going to the old one. keepalived only logs it (a config test passes); the value is often seconds written where milliseconds were meant.",
    example: "global_defs {\n    vrrp_garp_interval 5\n}",
    fix: "Write the interval in seconds with decimals, e.g. 0.001 for one millisecond.",
};

/// The global keywords this check reads (both are keywords of global_defs; see the test).
const KEYWORDS: [&str; 2] = ["vrrp_garp_interval", "vrrp_gna_interval"];

pub fn check(global: &[NodeRef<'_>], out: &mut Vec<Diagnostic>) {
    for kw in KEYWORDS {
        let Some((us, line)) = last_secs(global, kw) else {
            continue;
        };
        if us < 1_000_000 {
            continue;
        }
        let w = line.args().first().map_or(line.span(), |w| w.span());
        out.push(
            Diagnostic::new(&CHECK, w, format!("{kw} of {} s is very large", line.args().joined()))
                .help("keepalived accepts it and only logs it; the value is in seconds, so 0.001 is one millisecond"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;
    use crate::schema;

    #[test]
    fn keywords_are_in_the_table() {
        let t = super::super::table_of("global_defs").unwrap();
        for k in super::KEYWORDS {
            assert!(schema::find(t, k).is_some(), "{k}");
        }
    }

    #[test]
    fn large() {
        let d = lint("global_defs {\n    vrrp_garp_interval 1\n    vrrp_gna_interval 0.5\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0804");
        assert!(lint("global_defs {\n    vrrp_garp_interval 0.999999\n}\n").is_empty());
    }
}
