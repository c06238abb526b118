//! KA0526 bfd-timer-out-of-range: a bfd_instance min_rx, min_tx or idle_tx keepalived cannot
//! read or that lies outside its range.

use super::Bfd;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0526",
    name: "bfd-timer-out-of-range",
    severity: Severity::Error,
    finds: "A bfd_instance min_rx or min_tx outside 1 to 4294967 milliseconds, an idle_tx outside 1000 to 4294967, or one of them that is not a number.",
    why: "keepalived ignores the line and keeps the default interval (10 ms, or 1000 ms for idle_tx), so the session does not run at the rate you wrote, and `keepalived -t` rejects the configuration.",
    example: "bfd_instance to_router {\n    neighbor_ip 192.0.2.1\n    min_rx 0\n}",
    fix: "Write the interval in milliseconds within the range (decimals allowed, e.g. 2.5).",
};

/// The BFD timers and keepalived's range for each, in milliseconds.
pub const TIMERS: [(&str, u64, u64); 3] = [
    ("min_rx", 1, 4_294_967),
    ("min_tx", 1, 4_294_967),
    ("idle_tx", 1_000, 4_294_967),
];

/// Milliseconds with up to three decimals, in thousandths of a millisecond (microseconds).
/// `Err(true)` when the text is not a number at all, `Err(false)` when unsure (more decimals).
pub fn read_ms(text: &str) -> Result<u64, bool> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (text.contains('.') && frac.is_empty()) {
        return Err(true);
    }
    if frac.len() > 3 {
        return Err(false);
    }
    let int: u64 = int.parse().map_err(|_| false)?;
    let frac: u64 = format!("{frac:0<3}").parse().unwrap_or(0);
    int.checked_mul(1000).and_then(|v| v.checked_add(frac)).ok_or(false)
}

pub fn check(b: &Bfd<'_>, out: &mut Vec<Diagnostic>) {
    for (kw, min, max) in TIMERS {
        for line in b.own.iter().filter(|n| n.keyword() == Some(kw)) {
            let Some(w) = line.args().first() else { continue };
            let problem = match read_ms(w.text()) {
                Ok(v) if (min * 1000..=max * 1000).contains(&v) => continue,
                Ok(_) => format!("is outside {min} to {max} ms"),
                Err(true) => "is not a number of milliseconds".to_string(),
                Err(false) => continue,
            };
            out.push(
                Diagnostic::new(
                    &CHECK,
                    w.span(),
                    format!("{kw} `{}` of bfd_instance `{}` {problem}", w.text(), b.label()),
                )
                .help(format!(
                    "keepalived -t rejects this and keeps the default {kw}; write {min} to {max} (milliseconds)"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;
    use super::read_ms;
    use crate::schema;

    #[test]
    fn timers_are_bfd_keywords() {
        for (kw, ..) in super::TIMERS {
            assert!(
                schema::paths_of(kw).iter().any(|p| p == &format!("bfd_instance/{kw}")),
                "{kw}"
            );
        }
    }

    #[test]
    fn reads_milliseconds() {
        assert_eq!(read_ms("10"), Ok(10_000));
        assert_eq!(read_ms("1.5"), Ok(1_500));
        assert_eq!(read_ms("abc"), Err(true));
        assert_eq!(read_ms("-1"), Err(true));
        assert_eq!(read_ms("1.2345"), Err(false));
    }

    #[test]
    fn out_of_range() {
        let d = lint("bfd_instance B {\n    neighbor_ip 192.0.2.2\n    min_rx 0\n    idle_tx 999\n    min_tx x\n}\n");
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d.iter().all(|d| d.code() == "KA0526"));
        assert!(lint("bfd_instance B {\n    neighbor_ip 192.0.2.2\n    min_rx 1\n    idle_tx 1000\n}\n").is_empty());
    }
}
