//! KA0409 authentication-ignored: a VRRPv2 `authentication` block keepalived drops (no
//! password, AH with IPv6), or that makes it drop `state MASTER` (AH without priority 255).

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::resolve::vrrp::{AuthDropped, Effective};
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0409",
    name: "authentication-ignored",
    severity: Severity::Error,
    finds: "An `authentication` block with an `auth_type` but no `auth_pass`, `auth_type AH` in an IPv6 instance, or `auth_type AH` with `state MASTER` and a priority below 255.",
    why: "keepalived reports each with an error: without a password or with AH over IPv6 it runs without authentication, so a partner that does authenticate discards its adverts and both become MASTER; with AH it refuses to start as MASTER unless it owns the addresses, so the instance starts as BACKUP.",
    example: "vrrp_instance VI_1 {\n    authentication {\n        auth_type PASS\n    }\n}",
    fix: "Give an auth_pass; use PASS (or nothing) with IPv6; with AH start as BACKUP or use priority 255.",
};

pub fn check(inst: &Instance<'_>, e: &Effective<'_>, out: &mut Vec<Diagnostic>) {
    let name = inst.label();
    let kind = inst
        .nested
        .iter()
        .rev()
        .find(|n| n.keyword() == Some("auth_type"))
        .and_then(|n| n.args().first())
        .map_or("", |w| w.text());
    let (span, message, help) = match (e.auth_dropped, &e.auth) {
        // VRRPv3 (KA0405) and strict mode (KA0430) drop the block first.
        (Some((AuthDropped::NoPassword, at)), _) => (
            at,
            format!("auth_type {kind} without auth_pass in vrrp_instance `{name}`"),
            "keepalived runs the instance without authentication; add the auth_pass shared by every router of the VRID",
        ),
        (Some((AuthDropped::AhWithIpv6, at)), _) => (
            at,
            format!("auth_type AH in IPv6 vrrp_instance `{name}`"),
            "keepalived supports AH only over IPv4 and runs the instance without authentication; remove the block",
        ),
        (None, Some(auth))
            if auth.kind == "AH" && inst.starts_master() && !e.master.value && e.priority.value != 255 =>
        {
            let Some((_, state)) = inst.state_line() else {
                return;
            };
            (
                state,
                format!("state MASTER is ignored with AH authentication in vrrp_instance `{name}`"),
                "with AH keepalived starts only an address owner (priority 255) as MASTER, so this instance starts as BACKUP; write state BACKUP",
            )
        }
        _ => return,
    };
    out.push(Diagnostic::new(&CHECK, span, message).help(help));
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    fn count(text: &str) -> usize {
        lint(text).iter().filter(|d| d.code() == "KA0409").count()
    }

    fn auth(ty: &str, pass: bool) -> String {
        let pass = if pass { "        auth_pass secret\n" } else { "" };
        format!("    authentication {{\n        auth_type {ty}\n{pass}    }}\n")
    }

    #[test]
    fn missing_password() {
        assert_eq!(count(&instance(&auth("PASS", false))), 1);
        assert_eq!(count(&instance(&auth("PASS", true))), 0);
    }

    #[test]
    fn ah_with_master_or_ipv6() {
        assert_eq!(
            count(&instance(&format!(
                "    state MASTER\n    priority 100\n{}",
                auth("AH", true)
            ))),
            1
        );
        assert_eq!(count(&instance(&format!("    state MASTER\n{}", auth("AH", true)))), 0);
        let v6 = format!(
            "vrrp_instance VI_1 {{\n    version 2\n{}    virtual_ipaddress {{\n        2001:db8::1\n    }}\n}}\n",
            auth("AH", true)
        );
        assert_eq!(count(&v6), 1);
    }
}
