//! KA0406 advert-int-not-representable: an `advert_int` the instance's VRRP version cannot carry,
//! which keepalived rounds or clamps.

use super::{Instance, Version};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0406",
    name: "advert-int-not-representable",
    severity: Severity::Error,
    finds: "An `advert_int` that is not a whole number of seconds in a VRRPv2 instance, or, in a VRRPv3 instance, not a multiple of 10 ms or 40.96 s and above.",
    why: "VRRPv2 adverts carry the interval in whole seconds and VRRPv3 in centiseconds below 40.96 s; keepalived rounds or clamps other values with an error. The interval that runs is not the one written, and a router whose configuration was written for the other version (or by another tool) advertises at a different rate, which makes the backup log errors or take over.",
    example: "vrrp_instance VI_1 {\n    version 2\n    advert_int 0.5\n}",
    fix: "Use whole seconds with VRRPv2; with VRRPv3 use steps of 0.01 s below 40.96 s. Set the same value on every router of the VRID.",
};

pub fn check(inst: &Instance<'_>, v: &Version<'_>, out: &mut Vec<Diagnostic>) {
    let Some(w) = inst.arg("advert_int") else {
        return;
    };
    let Some(secs) = w
        .text()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.01 && *s <= 255.0)
    else {
        return;
    };
    let us = (secs * 1e6).round() as u64;
    let problem = match v.version {
        2 if !us.is_multiple_of(1_000_000) => {
            let rounded = ((us + 500_000) / 1_000_000).max(1);
            format!("VRRPv2 advertises whole seconds: keepalived rounds it to {rounded}")
        }
        3 if us >= 40_960_000 => "VRRPv3 intervals must be below 40.96 s: keepalived uses 40.95".to_string(),
        3 if !us.is_multiple_of(10_000) => "VRRPv3 advertises in units of 10 ms: keepalived rounds it".to_string(),
        _ => return,
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            w.span(),
            format!(
                "advert_int {} cannot be used as written in vrrp_instance `{}`",
                w.text(),
                inst.label()
            ),
        )
        .help(format!(
            "{problem}; write the value that will run, the same on every router of the VRID"
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    fn count(body: &str) -> usize {
        lint(&instance(body)).iter().filter(|d| d.code() == "KA0406").count()
    }

    #[test]
    fn v2_needs_whole_seconds() {
        assert_eq!(count("    advert_int 1.5\n"), 1);
        assert_eq!(count("    advert_int 0.5\n"), 1);
        assert_eq!(count("    advert_int 2\n"), 0);
        assert_eq!(count("    advert_int 2.0\n"), 0);
    }

    #[test]
    fn v3_needs_centiseconds() {
        assert_eq!(count("    version 3\n    advert_int 1.5\n"), 0);
        assert_eq!(count("    version 3\n    advert_int 0.015\n"), 1);
        assert_eq!(count("    version 3\n    advert_int 50\n"), 1);
    }
}
