//! KA0432 vmac-address-in-strict-mode: A MAC address given to `use_vmac` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::resolve::vrrp::Effective;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0432",
    name: "vmac-address-in-strict-mode",
    severity: Severity::Error,
    finds: "A MAC address given to `use_vmac` in an instance in strict mode (strict mode: `vrrp_strict` in global_defs, or the instance's `strict_mode`).",
    why: "Strict mode uses the RFC virtual MAC (00:00:5e:00:01:VRID); keepalived drops a MAC address of one's own choice with an error.",
    example: "global_defs {\n    vrrp_strict\n}\nvrrp_instance VI_1 {\n    use_vmac vrrp.51 02:00:00:00:00:01\n}",
    fix: "Remove the MAC address from `use_vmac`, or leave strict mode.",
};

pub fn check(inst: &Instance<'_>, e: &Effective<'_>, out: &mut Vec<Diagnostic>) {
    if !e.strict.value {
        return;
    }
    // The MAC address keepalived reads (six octets, or five and the VRID), which strict mode
    // then drops (resolve::vrrp).
    let Some((text, span)) = e.vmac.as_ref().and_then(|v| v.mac_written.as_ref()) else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            *span,
            format!(
                "virtual MAC address `{text}` in strict vrrp_instance `{}`",
                inst.label()
            ),
        )
        .help("strict mode uses the RFC virtual MAC and keepalived drops this address with an error; remove it"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0432").count()
    }

    #[test]
    fn strict_mac() {
        assert_eq!(count(&strict("    use_vmac vrrp.51 02:00:00:00:00:01\n")), 1);
        assert_eq!(count(&strict("    use_vmac vrrp.51\n")), 0);
        // Five octets: the VRID is the sixth.
        assert_eq!(count(&strict("    use_vmac vrrp.51 02:00:00:00:00\n")), 1);
        // A multicast MAC keepalived ignores anyway.
        assert_eq!(count(&strict("    use_vmac vrrp.51 01:00:00:00:00:01\n")), 0);
        assert_eq!(count(&instance("    use_vmac vrrp.51 02:00:00:00:00:01\n")), 0);
    }
}
