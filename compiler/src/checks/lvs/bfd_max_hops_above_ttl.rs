//! KA0519 bfd-max-hops-above-ttl: a bfd_instance whose max_hops exceeds its TTL / hop limit.

use super::{neighbor_keywords, Bfd};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0519",
    name: "bfd-max-hops-above-ttl",
    severity: Severity::Error,
    finds: "A bfd_instance whose max_hops is greater than the TTL / hop limit it sends with (ttl or hoplimit; by default 255 for IPv4, 64 for IPv6).",
    why: "A packet cannot have crossed more routers than its TTL allows, so keepalived lowers max_hops to the TTL; the accepted distance is not the one written. `keepalived -t` rejects the configuration.",
    example: "bfd_instance to_router {\n    neighbor_ip 2001:db8::1\n    max_hops 100\n}",
    fix: "Lower max_hops to at most the TTL, or raise ttl / hoplimit.",
};

pub fn check(b: &Bfd<'_>, out: &mut Vec<Diagnostic>) {
    let Some(line) = b.last(&["max_hops"]) else { return };
    let Some(w) = line.args().first() else { return };
    let Ok(hops) = w.text().parse::<i64>() else { return };
    let ttl_line = b.own.iter().copied().rfind(|n| {
        matches!(n.keyword(), Some("ttl" | "hoplimit"))
            && n.args()
                .first()
                .and_then(|w| w.text().parse::<u8>().ok())
                .is_some_and(|v| v > 0)
    });
    let (ttl, label) = match ttl_line.and_then(|n| Some((n.args().first()?.text().parse::<i64>().ok()?, n))) {
        Some((t, n)) => (t, Some(n)),
        None => match b.addr(&neighbor_keywords()) {
            Some((a, _)) if a.is_ipv6() => (64, None),
            Some(_) => (255, None),
            None => return,
        },
    };
    if hops <= ttl {
        return;
    }
    let mut d = Diagnostic::new(
        &CHECK,
        w.span(),
        format!(
            "max_hops {hops} of bfd_instance `{}` is above its TTL of {ttl}",
            b.label()
        ),
    );
    if let Some(n) = label {
        d = d.label(n.words().span().unwrap_or(n.span()), "TTL set here");
    }
    out.push(d.help(format!(
        "keepalived -t rejects this and lowers max_hops to {ttl}; write at most {ttl}, or raise ttl"
    )));
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    #[test]
    fn above_explicit_and_default_ttl() {
        let d = lint("bfd_instance B1 {\n    neighbor_ip 192.0.2.9\n    ttl 5\n    max_hops 10\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0519");
        let d = lint("bfd_instance B1 {\n    neighbor_ip 2001:db8::9\n    max_hops 100\n}\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(lint("bfd_instance B1 {\n    neighbor_ip 192.0.2.9\n    max_hops 100\n}\n").is_empty());
    }
}
