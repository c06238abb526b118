//! KA0453 debounce-delay-too-long: an `interface_up_down_delays` delay that keepalived resets
//! because it is not shorter than `(down_timer_adverts - 1) * advert_int` of a vrrp_instance on
//! that interface, or any delay on an interface with an instance whose `down_timer_adverts` is 1.

use super::{Effective, Instance};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::value::parse_secs;
use vigil_grammar::{Parsed, Severity, WordRef};

pub static CHECK: Check = Check {
    code: "KA0453",
    name: "debounce-delay-too-long",
    severity: Severity::Warning,
    finds: "A down or up delay of `interface_up_down_delays` that is not shorter than `(down_timer_adverts - 1) * advert_int` of a vrrp_instance whose `interface` is that interface (advert_int as the instance's VRRP version carries it), or any non-zero delay on an interface used by an instance with `down_timer_adverts 1`.",
    why: "keepalived keeps each debounce delay of an interface shorter than the master-down wait of the instances on it, less one advert. A longer delay is shortened to just under that limit (a 256th of advert_int below it), and with `down_timer_adverts 1` both delays of the interface are dropped; keepalived says so only in its log, so a config test passes and the delay that runs is not the one written.",
    example: "interface_up_down_delays {\n    eth0 5 5\n}\nvrrp_instance VI_1 {\n    interface eth0\n    advert_int 1\n}",
    fix: "Keep each delay below `(down_timer_adverts - 1) * advert_int` of every instance on the interface (2 s with the defaults), or raise that instance's advert_int or down_timer_adverts; with `down_timer_adverts 1` remove the delays.",
};

/// The longest delay keepalived takes, in microseconds.
const MAX_US: u64 = 255 * 1_000_000;

/// One delay as written and as keepalived leaves it.
struct Delay<'t> {
    word: WordRef<'t>,
    what: &'static str,
    us: u64,
    /// The instance that last shortened it, with the limit it applied.
    reset_by: Option<(usize, u64)>,
}

pub fn check(parsed: &Parsed, insts: &[Instance<'_>], effective: &[Effective<'_>], out: &mut Vec<Diagnostic>) {
    // The last line of each interface keepalived takes: a later line replaces an earlier one,
    // a line with a delay it cannot read is skipped.
    let mut lines: Vec<(&str, Vec<Delay<'_>>)> = Vec::new();
    let all = crate::checks::global::block_lines(parsed, "interface_up_down_delays");
    for line in all {
        let words = line.words();
        let (Some(iface), Some(_)) = (words.first(), words.get(1)) else {
            continue;
        };
        let mut delays = Vec::new();
        let mut ok = true;
        for (i, what) in [(1, "down"), (2, "up")] {
            let Some(w) = words.get(i) else { continue };
            match parse_secs(w.text()) {
                Ok(us) if us <= MAX_US => delays.push(Delay {
                    word: w,
                    what,
                    us,
                    reset_by: None,
                }),
                _ => ok = false,
            }
        }
        if !ok {
            continue;
        }
        lines.retain(|(name, _)| *name != iface.text());
        lines.push((iface.text(), delays));
    }
    for (iface, delays) in &mut lines {
        // keepalived checks the instances in file order, each against what the one before left.
        for (idx, inst) in insts.iter().enumerate() {
            if inst.arg("interface").map(|w| w.text()) != Some(*iface) {
                continue;
            }
            let adv = effective[idx].advert_int_us.value;
            let adverts = effective[idx].down_timer_adverts.value as u64;
            if adverts == 1 {
                if delays.iter().any(|d| d.us > 0) {
                    for d in delays.iter_mut() {
                        if d.us > 0 {
                            d.us = 0;
                            d.reset_by = Some((idx, 0));
                        }
                    }
                }
                continue;
            }
            let limit = (adverts - 1) * adv;
            for d in delays.iter_mut() {
                if d.us >= limit {
                    d.us = limit - adv / 256;
                    d.reset_by = Some((idx, limit));
                }
            }
        }
        for d in delays.iter() {
            let Some((idx, limit)) = d.reset_by else { continue };
            let inst = &insts[idx];
            let at = inst.arg("advert_int").or_else(|| inst.arg("interface"));
            let (msg, help) = if limit == 0 {
                (
                    format!(
                        "{} delay {} of `{iface}` is dropped: vrrp_instance `{}` uses down_timer_adverts 1",
                        d.what,
                        d.word.text(),
                        inst.label()
                    ),
                    "keepalived cannot debounce an interface whose instance waits a single advert: it sets both delays to 0 and only logs it (`cannot use debounce timers with down_timer_adverts = 1 - resetting`)".to_string(),
                )
            } else {
                (
                    format!(
                        "{} delay {} of `{iface}` is not shorter than {} s, (down_timer_adverts - 1) * advert_int of vrrp_instance `{}`",
                        d.what,
                        d.word.text(),
                        secs(limit),
                        inst.label()
                    ),
                    format!(
                        "keepalived shortens it to {} s and only logs it (`interface {iface} debounce timer(s) not less that N * advert_int - resetting`); write a delay below {} s",
                        secs(d.us),
                        secs(limit)
                    ),
                )
            };
            let mut diag = Diagnostic::new(&CHECK, d.word.span(), msg).help(help);
            if let Some(w) = at {
                diag = diag.label(
                    w.span(),
                    format!("vrrp_instance `{}` runs on `{iface}` here", inst.label()),
                );
            }
            out.push(diag);
        }
    }
}

/// Microseconds as seconds, without trailing zeros.
fn secs(us: u64) -> String {
    let s = format!("{}.{:06}", us / 1_000_000, us % 1_000_000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    fn delays(line: &str, rest: &str) -> String {
        format!("interface_up_down_delays {{\n    {line}\n}}\n{rest}")
    }

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0453").count()
    }

    #[test]
    fn delay_not_below_two_adverts() {
        // Default down_timer_adverts 3, advert_int 1: the limit is 2 s, equal counts.
        assert_eq!(count(&delays("eth0 5 5", &instance(""))), 2);
        assert_eq!(count(&delays("eth0 2 2", &instance("    advert_int 1\n"))), 2);
        assert_eq!(count(&delays("eth0 2", &instance(""))), 1);
        assert_eq!(count(&delays("eth0 0 5", &instance(""))), 1);
        assert_eq!(count(&delays("eth0 1 2", &instance(""))), 1);
        assert_eq!(count(&delays("eth0 1.99 1.99", &instance(""))), 0);
        assert_eq!(count(&delays("eth0 1 1", &instance(""))), 0);
    }

    #[test]
    fn message_names_the_reset() {
        let d = lint(&delays("eth0 5", &instance("")));
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0453").collect();
        assert_eq!(d.len(), 1);
        let text = format!("{:?}", d[0]);
        assert!(text.contains("1.996094"), "{text}");
    }

    #[test]
    fn advert_int_as_the_version_carries_it() {
        assert_eq!(count(&delays("eth0 5 5", &instance("    advert_int 3\n"))), 0);
        assert_eq!(count(&delays("eth0 6 6", &instance("    advert_int 3\n"))), 2);
        // VRRPv2 rounds 0.5 up to 1 s and 1.4 down to 1 s; VRRPv3 keeps them.
        assert_eq!(count(&delays("eth0 1 1", &instance("    advert_int 0.5\n"))), 0);
        assert_eq!(
            count(&delays("eth0 1 1", &instance("    version 3\n    advert_int 0.5\n"))),
            2
        );
        assert_eq!(count(&delays("eth0 3 3", &instance("    advert_int 1.4\n"))), 2);
        assert_eq!(count(&delays("eth0 3 3", &instance("    advert_int 1.5\n"))), 0);
        assert_eq!(
            count(&delays(
                "eth0 2.5 2.5",
                &instance("    version 3\n    advert_int 1.3\n")
            )),
            0
        );
        assert_eq!(
            count(&delays("eth0 3 3", &instance("    version 3\n    advert_int 1.4\n"))),
            2
        );
    }

    #[test]
    fn down_timer_adverts() {
        assert_eq!(count(&delays("eth0 5 5", &instance("    down_timer_adverts 5\n"))), 2);
        assert_eq!(
            count(&delays("eth0 3.9 3.9", &instance("    down_timer_adverts 5\n"))),
            0
        );
        assert_eq!(count(&delays("eth0 1 1", &instance("    down_timer_adverts 1\n"))), 2);
        assert_eq!(count(&delays("eth0 0 1", &instance("    down_timer_adverts 1\n"))), 1);
        assert_eq!(count(&delays("eth0 0 0", &instance("    down_timer_adverts 1\n"))), 0);
        let global = "global_defs {\n    vrrp_down_timer_adverts 1\n}\n";
        assert_eq!(count(&format!("{global}{}", delays("eth0 1 1", &instance("")))), 2);
        assert_eq!(
            count(&format!(
                "{global}{}",
                delays("eth0 1 1", &instance("    down_timer_adverts 3\n"))
            )),
            0
        );
        // Out of range values are ignored: the default 3 stays.
        assert_eq!(count(&delays("eth0 2 2", &instance("    down_timer_adverts 0\n"))), 2);
        // Strict mode puts it back to 3.
        let strict = "global_defs {\n    vrrp_strict\n}\n";
        assert_eq!(
            count(&format!(
                "{strict}{}",
                delays("eth0 1 1", &instance("    down_timer_adverts 1\n"))
            )),
            0
        );
        assert_eq!(
            count(&format!(
                "{strict}{}",
                delays("eth0 2 2", &instance("    down_timer_adverts 5\n"))
            )),
            2
        );
    }

    #[test]
    fn only_instances_on_that_interface() {
        assert_eq!(count(&delays("eth1 5 5", &instance(""))), 0);
        assert_eq!(count(&delays("eth0 5 5", "")), 0);
        // A later line for the interface replaces an earlier one.
        assert_eq!(count(&delays("eth0 5 5\n    eth0 1 1", &instance(""))), 0);
        assert_eq!(count(&delays("eth0 1 1\n    eth0 5 5", &instance(""))), 2);
    }

    #[test]
    fn two_instances_the_lowest_limit_wins() {
        let a = "vrrp_instance A {\n    interface eth0\n    virtual_router_id 1\n    advert_int 5\n}\n";
        let b = "vrrp_instance B {\n    interface eth0\n    virtual_router_id 2\n    advert_int 1\n}\n";
        let text = delays("eth0 3 3", &format!("{a}{b}"));
        assert_eq!(count(&text), 2);
        let d = lint(&text);
        assert!(d
            .iter()
            .filter(|d| d.code() == "KA0453")
            .all(|d| format!("{d:?}").contains("`B`")));
    }
}
