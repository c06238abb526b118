//! KA0703 advert-int-mismatch (cluster check): the nodes of one virtual router advertise at
//! different intervals.

use super::Member;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0703",
    name: "advert-int-mismatch",
    severity: Severity::Error,
    finds: "With --cluster: an instance whose advert_int, as keepalived rounds it for the version (whole seconds for VRRPv2, 10 ms for VRRPv3), differs between nodes.",
    why: "A VRRPv2 router drops adverts whose interval is not its own, so the BACKUP never hears the MASTER and takes over: two masters. With VRRPv3 a BACKUP adopts the MASTER's interval, so the setting that counts changes with the MASTER (a warning).",
    example: "# lb1\nvrrp_instance VI_1 {\n    advert_int 1\n}\n# lb2\nvrrp_instance VI_1 {\n    advert_int 2\n}",
    fix: "Use the same advert_int on every node.",
};

/// The interval in centiseconds as keepalived keeps it (None when unreadable: another check
/// reports it).
fn interval(m: &Member<'_, '_>) -> Option<u64> {
    let secs: f64 = match m.inst.arg("advert_int") {
        Some(w) => w.text().parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0)?,
        None => 1.0,
    };
    Some(if m.version == 3 {
        ((secs * 100.0).round() as u64).clamp(1, 4095)
    } else {
        (secs.round() as u64).clamp(1, 255) * 100
    })
}

fn show(cs: u64) -> String {
    let (whole, frac) = (cs / 100, cs % 100);
    if frac == 0 {
        format!("{whole}s")
    } else {
        format!("{whole}.{frac:02}s")
    }
}

pub fn check(a: &Member<'_, '_>, b: &Member<'_, '_>, out: &mut Vec<Diagnostic>) {
    let (Some(ia), Some(ib)) = (interval(a), interval(b)) else {
        return;
    };
    if ia == ib {
        return;
    }
    let mut d = Diagnostic::new(
        &CHECK,
        b.arg_span("advert_int"),
        format!(
            "{} advertises every {}, but {} every {}",
            b.label(),
            show(ib),
            a.who(),
            show(ia)
        ),
    )
    .label(a.arg_span("advert_int"), format!("{} on {}", show(ia), a.who()));
    d = if a.version == 3 && b.version == 3 {
        d.severity = Severity::Warning;
        d.help("with VRRPv3 a BACKUP follows the MASTER's interval, so timing changes with the MASTER; set one value everywhere")
    } else {
        d.help("a VRRPv2 router drops adverts with another interval: the BACKUP will not hear the MASTER")
    };
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};

    #[test]
    fn flags_different_intervals_after_rounding() {
        let a = inst("    priority 150\n    advert_int 1\n");
        let b = inst("    priority 100\n    advert_int 2\n");
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0703"]);
        assert_eq!(d[0].severity, vigil_grammar::Severity::Error);
        let b = inst("    priority 100\n    advert_int 1.2\n");
        assert!(lint(&[&a, &b]).is_empty(), "VRRPv2 rounds 1.2 to 1");
        let b = inst("    priority 100\n");
        assert!(lint(&[&a, &b]).is_empty(), "1 is the default");
    }

    #[test]
    fn vrrpv3_is_a_warning() {
        let a = inst("    priority 150\n    version 3\n    advert_int 0.5\n");
        let b = inst("    priority 100\n    version 3\n    advert_int 1\n");
        let d = lint(&[&a, &b]);
        assert_eq!(codes(&d), ["KA0703"]);
        assert_eq!(d[0].severity, vigil_grammar::Severity::Warning);
        assert!(d[0].message.contains("0.50s"));
    }
}
