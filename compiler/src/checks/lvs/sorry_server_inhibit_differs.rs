//! KA0521 sorry-server-inhibit-differs: a sorry server that is also a real server, with a
//! different inhibit_on_failure setting.

use super::{Service, VirtualServer, VsEffective};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0521",
    name: "sorry-server-inhibit-differs",
    severity: Severity::Error,
    finds: "A sorry_server with the same address and port as one of the real servers, where the real server inhibits on failure (inhibit_on_failure) and the sorry server does not (sorry_server_inhibit), or the other way round.",
    why: "IPVS holds one destination per address and port, so the two cannot behave differently: keepalived gives the sorry server the real server's setting. What you wrote for one of them is not what runs, and `keepalived -t` rejects the configuration.",
    example: "sorry_server 192.0.2.10 80\nsorry_server_inhibit\nreal_server 192.0.2.10 80 {\n}",
    fix: "Give both the same setting: add inhibit_on_failure to the real server, or drop sorry_server_inhibit (or use another sorry server).",
};

pub fn check(vs: &VirtualServer<'_>, eff: &VsEffective<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(sorry), Some(sorry_eff)) = (&vs.sorry, &eff.sorry) else {
        return;
    };
    let vs_port = match vs.service {
        Service::Addr { port, .. } => port,
        _ => 0,
    };
    let port = |p: u16| if p == 0 { vs_port } else { p };
    let Some((rs, r)) = vs
        .live()
        .zip(&eff.reals)
        .find(|(r, _)| r.at.ip == sorry.ip && port(r.at.port) == port(sorry.port))
    else {
        return;
    };
    // The settings as keepalived reads them (resolve::lvs).
    let sorry_inhibit = sorry_eff.inhibit_on_failure.value;
    let rs_inhibit = r.inhibit_on_failure.value;
    if sorry_inhibit == rs_inhibit {
        return;
    }
    let (rs_says, sorry_says) = if rs_inhibit {
        ("inhibits on failure", "does not")
    } else {
        ("does not inhibit on failure", "does")
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            sorry.span(),
            format!(
                "sorry server {} is also a real server, which {rs_says}, but the sorry server {sorry_says}",
                sorry.label()
            ),
        )
        .label(rs.at.span(), "the same server as a real server")
        .help(format!(
            "keepalived -t rejects this and gives the sorry server the real server's setting ({}); write the same setting for both",
            if rs_inhibit { "inhibit" } else { "no inhibit" }
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    #[test]
    fn differing_inhibit() {
        let d = lint(&vs(
            "192.0.2.1 80",
            "    sorry_server 192.0.2.10 80\n    sorry_server_inhibit\n    real_server 192.0.2.10 80 {\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0521");
        let d = lint(&vs(
            "192.0.2.1 80",
            "    sorry_server 192.0.2.10 80\n    real_server 192.0.2.10 80 {\n        inhibit_on_failure\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(lint(&vs(
            "192.0.2.1 80",
            "    sorry_server 192.0.2.10 80\n    sorry_server_inhibit\n    real_server 192.0.2.10 80 {\n        inhibit_on_failure yes\n    }\n",
        ))
        .is_empty());
        assert!(lint(&vs(
            "192.0.2.1 80",
            "    sorry_server 192.0.2.11 80\n    real_server 192.0.2.10 80 {\n        inhibit_on_failure\n    }\n",
        ))
        .is_empty());
    }
}
