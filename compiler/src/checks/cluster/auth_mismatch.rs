//! KA0702 auth-mismatch (cluster check): the nodes of one VRRPv2 router authenticate
//! differently.

use super::Member;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{Severity, Span};

pub static CHECK: Check = Check {
    code: "KA0702",
    name: "auth-mismatch",
    severity: Severity::Error,
    finds: "With --cluster: a VRRPv2 instance whose authentication differs between nodes: one has it and the other not, the auth_type differs, or the passwords differ in the first 8 characters (all keepalived keeps).",
    why: "A router discards adverts that do not carry its own authentication (`received an invalid passwd`), so the BACKUP never hears the MASTER and becomes MASTER too.",
    example: "# lb1\nauthentication {\n    auth_type PASS\n    auth_pass secret1\n}\n# lb2\nauthentication {\n    auth_type PASS\n    auth_pass secret2\n}",
    fix: "Use the same authentication block on every node, or none (VRRP authentication adds no security and VRRPv3 has none).",
};

struct Auth {
    kind: Option<String>,
    /// The first 8 characters (keepalived truncates).
    pass: Option<String>,
    kind_at: Option<Span>,
    pass_at: Option<Span>,
}

fn auth(m: &Member<'_, '_>) -> Auth {
    let kind = m.nested("auth_type").and_then(|n| n.args().first());
    let pass = m.nested("auth_pass").and_then(|n| n.args().first());
    Auth {
        kind: kind.map(|w| w.text().to_string()),
        pass: pass.map(|w| w.text().chars().take(8).collect()),
        kind_at: kind.map(|w| m.node.span(w.span())),
        pass_at: pass.map(|w| m.node.span(w.span())),
    }
}

pub fn check(a: &Member<'_, '_>, b: &Member<'_, '_>, out: &mut Vec<Diagnostic>) {
    // VRRPv3 ignores authentication; a version mismatch is reported on its own.
    if a.version != 2 || b.version != 2 {
        return;
    }
    let (x, y) = (auth(a), auth(b));
    let block = |m: &Member<'_, '_>| m.line_span("authentication");
    let (msg, at_b, at_a) = if x.kind != y.kind {
        let show = |k: &Option<String>| k.clone().unwrap_or_else(|| "no authentication".into());
        (
            format!(
                "{} uses {}, but {} uses {}",
                b.label(),
                show(&y.kind),
                a.who(),
                show(&x.kind)
            ),
            y.kind_at.unwrap_or_else(|| block(b)),
            x.kind_at.unwrap_or_else(|| block(a)),
        )
    } else if x.pass != y.pass {
        (
            format!(
                "{} has another auth_pass than {} (compared on the 8 characters keepalived keeps)",
                b.label(),
                a.who()
            ),
            y.pass_at.unwrap_or_else(|| block(b)),
            x.pass_at.unwrap_or_else(|| block(a)),
        )
    } else {
        return;
    };
    out.push(
        Diagnostic::new(&CHECK, at_b, msg)
            .label(at_a, format!("on {}", a.who()))
            .help("adverts with other authentication are discarded: the BACKUP will not hear the MASTER"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{codes, inst, lint};

    fn with(t: &str, p: &str, prio: u8) -> String {
        inst(&format!(
            "    priority {prio}\n    authentication {{\n        auth_type {t}\n        auth_pass {p}\n    }}\n"
        ))
    }

    #[test]
    fn flags_different_passwords_and_types() {
        let d = lint(&[&with("PASS", "secret1", 150), &with("PASS", "secret2", 100)]);
        assert_eq!(codes(&d), ["KA0702"]);
        assert!(d[0].message.contains("auth_pass"));
        let d = lint(&[&with("PASS", "s", 150), &with("AH", "s", 100)]);
        assert!(d[0].message.contains("AH"));
        let d = lint(&[&with("PASS", "s", 150), &inst("    priority 100\n")]);
        assert!(d[0].message.contains("no authentication"), "{d:?}");
    }

    #[test]
    fn compares_what_keepalived_keeps() {
        assert!(lint(&[&with("PASS", "12345678a", 150), &with("PASS", "12345678b", 100)]).is_empty());
        let v3 = |p: &str, prio: u8| {
            inst(&format!(
                "    version 3\n    priority {prio}\n    authentication {{\n        auth_type PASS\n        auth_pass {p}\n    }}\n"
            ))
        };
        assert!(
            lint(&[&v3("a", 150), &v3("b", 100)]).is_empty(),
            "VRRPv3 ignores authentication"
        );
    }
}
