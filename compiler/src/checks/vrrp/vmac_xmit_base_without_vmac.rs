//! KA0419 vmac-xmit-base-without-vmac: `vmac_xmit_base` in an instance that has no `use_vmac`.

use super::Instance;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0419",
    name: "vmac-xmit-base-without-vmac",
    severity: Severity::Error,
    finds: "`vmac_xmit_base` in a vrrp_instance without `use_vmac`.",
    why: "vmac_xmit_base chooses the underlying interface over the virtual-MAC one for adverts; without a virtual-MAC interface there is no choice to make. keepalived clears the setting with a configuration error (so `keepalived -t` fails), which usually means use_vmac was meant and lost.",
    example: "vrrp_instance VI_1 {\n    interface eth0\n    vmac_xmit_base\n}",
    fix: "Add `use_vmac` if the instance should run on a virtual-MAC interface, else remove `vmac_xmit_base`.",
};

pub fn check(inst: &Instance<'_>, out: &mut Vec<Diagnostic>) {
    if inst.last("use_vmac").is_some() {
        return;
    }
    let Some(n) = inst.last("vmac_xmit_base") else {
        return;
    };
    let Some(w) = n.words().first() else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CHECK,
            w.span(),
            format!("vmac_xmit_base in vrrp_instance `{}`, which has no use_vmac", inst.label()),
        )
        .help("keepalived clears vmac_xmit_base with an error when there is no virtual-MAC interface; add use_vmac or remove the line"),
    );
}

#[cfg(test)]
mod tests {
    use super::super::{instance, lint};

    #[test]
    fn needs_use_vmac() {
        let d = lint(&instance("    vmac_xmit_base\n"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0419");
        assert!(lint(&instance("    use_vmac\n    vmac_xmit_base\n")).is_empty());
    }
}
