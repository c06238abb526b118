//! KA0105 missing-argument: a keyword without the values it needs.

use super::Ctx;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::Keyword;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0105",
    name: "missing-argument",
    severity: Severity::Error,
    finds: "A keyword written without a value it requires.",
    why: "keepalived stops reading the configuration at the first such line (it exits with status 2), so nothing after it is checked or applied.",
    example: "vrrp_instance VI_1 {\n    virtual_router_id\n}",
    fix: "Give the value: `virtual_router_id 51`.",
};

pub fn report(ctx: &mut Ctx<'_>, k: &'static Keyword, node: NodeRef<'_>, given: usize) {
    let span = node.words().first().map(|w| w.span()).unwrap_or(node.span());
    let need = k.required as usize;
    let msg = if need == 1 {
        format!("`{}` needs a value", k.name)
    } else {
        format!("`{}` needs {need} values, {given} given", k.name)
    };
    ctx.out
        .push(Diagnostic::new(&CHECK, span, msg).help(format!("write `{}`", crate::schema::value::usage(k))));
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn flags_a_bare_keyword() {
        let d = lint("vrrp_instance VI_1 {\n    virtual_router_id\n}\n", None);
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0105").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].help.as_deref().unwrap().starts_with("write `virtual_router_id "));
    }

    #[test]
    fn optional_values_may_be_left_out() {
        let d = lint("global_defs {\n    vrrp_strict\n}\n", None);
        assert!(d.iter().all(|d| d.code() != "KA0105"), "{d:?}");
    }
}
