//! KA0808 invalid-up-down-delay: an interface_up_down_delays line keepalived cannot use.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::value::parse_secs;
use vigil_grammar::{Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0808",
    name: "invalid-up-down-delay",
    severity: Severity::Warning,
    finds: "A line of interface_up_down_delays without a delay, with more than an interface and two delays, or with a delay that is not 0 to 255 seconds.",
    why: "keepalived skips a line without a valid delay (the interface then reacts to every link flap at once) and ignores words past the up delay, saying so only in its log (a config test passes).",
    example: "interface_up_down_delays {\n    eth0 300\n}",
    fix: "Write `IFNAME DOWN_DELAY [UP_DELAY]`, each delay in seconds from 0 to 255 (decimals allowed).",
};

/// The longest delay keepalived takes, in microseconds.
const MAX_US: u64 = 255 * 1_000_000;

pub fn check(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    let lines = super::block_lines(parsed, "interface_up_down_delays");
    for line in lines {
        let words = line.words();
        let Some(iface) = words.first() else { continue };
        if words.len() < 2 {
            out.push(
                Diagnostic::new(&CHECK, iface.span(), format!("no delay given for `{}`", iface.text()))
                    .help("keepalived skips this line and only logs it; write `IFNAME DOWN_DELAY [UP_DELAY]`"),
            );
            continue;
        }
        for (i, what) in [(1, "down"), (2, "up")] {
            let Some(w) = words.get(i) else { continue };
            if parse_secs(w.text()).is_ok_and(|us| us <= MAX_US) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &CHECK,
                    w.span(),
                    format!(
                        "{what} delay `{}` for `{}` is not 0 to 255 seconds",
                        w.text(),
                        iface.text()
                    ),
                )
                .help("keepalived skips this line and only logs it; write seconds from 0 to 255"),
            );
            break;
        }
        if let Some(extra) = words.get(3) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    extra.span(),
                    format!("extra words after the up delay of `{}`", iface.text()),
                )
                .help("keepalived ignores them and only logs it; a line holds an interface and at most two delays"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn items() {
        let d = lint(
            "interface_up_down_delays {\n    eth0\n    eth1 x\n    eth2 1 256\n    eth3 1 2 3\n    eth4 0.5 255\n}\n",
        );
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d.iter().all(|d| d.code() == "KA0808"));
    }
}
