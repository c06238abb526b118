//! KA0418 tracks-own-interface: `track_interface` lists the interface the instance runs on.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0418",
    name: "tracks-own-interface",
    severity: Severity::Error,
    finds: "A `track_interface` entry naming the instance's own `interface`.",
    why: "An instance already follows its own interface: keepalived drops the entry and reports a configuration error, so `keepalived -t` fails. A weight written on that entry is lost with it, and `dont_track_primary` is the way to stop following the own interface, not this.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    track_interface {\n        eth0 weight -20\n    }\n}",
    fix: "Remove the entry; list only other interfaces in track_interface.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    let Some(own) = inst.arg("interface") else {
        return;
    };
    for w in inst.tracked_interfaces() {
        if w.text() != own.text() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &CHECK,
                w.span(),
                format!("vrrp_instance `{}` tracks its own interface {}", inst.label(), w.text()),
            )
            .label(own.span(), "the instance runs on it here")
            .help(
                "keepalived already follows the instance's own interface and drops this entry with an error; remove it",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    #[test]
    fn own_interface_in_track_interface() {
        let d = lint(&instance(
            "    track_interface {\n        eth1\n        eth0 weight 10\n    }\n",
        ));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0418");
        assert_eq!(d[0].labels.len(), 1);
        assert!(lint(&instance("    track_interface {\n        eth1\n    }\n")).is_empty());
    }
}
