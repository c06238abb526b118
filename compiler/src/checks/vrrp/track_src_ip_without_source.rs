//! KA0448 track-src-ip-without-source: `track_src_ip` in an instance without `unicast_src_ip` or `mcast_src_ip`.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0448",
    name: "track-src-ip-without-source",
    severity: Severity::Note,
    finds: "`track_src_ip` in an instance without `unicast_src_ip` or `mcast_src_ip`.",
    why: "track_src_ip watches the configured source address; without one there is nothing to watch and keepalived silently turns it off.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    track_src_ip\n}",
    fix: "Remove the line, or configure the source address it should watch.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.last("unicast_src_ip").is_some() || inst.last("mcast_src_ip").is_some() {
        return;
    }
    let Some(n) = inst.last("track_src_ip") else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            n.span(),
            format!(
                "track_src_ip in vrrp_instance `{}`, which configures no source address",
                inst.label()
            ),
        )
        .help("keepalived ignores it without unicast_src_ip or mcast_src_ip"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint, strict};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0448").count()
    }

    #[test]
    fn needs_source() {
        assert_eq!(count(&instance("    track_src_ip\n")), 1);
        assert_eq!(count(&strict("    mcast_src_ip 192.0.2.5\n    track_src_ip\n")), 0);
    }
}
