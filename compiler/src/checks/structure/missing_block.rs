//! KA0108 missing-block: a keyword that opens a block, written without one.

use super::Ctx;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::Keyword;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0108",
    name: "missing-block",
    severity: Severity::Error,
    finds: "A keyword that needs a `{ ... }` block written without one.",
    why: "keepalived then reads the following lines as the block's contents and later finds a `}` too many, or (for lists such as virtual_ipaddress) takes the next line as the first item.",
    example: "vrrp_instance VI_1 {\n    virtual_ipaddress 192.0.2.10\n}",
    fix: "Open the block after the keyword: `virtual_ipaddress {`, one item a line, then `}`.",
};

pub fn report(ctx: &mut Ctx<'_>, k: &'static Keyword, node: NodeRef<'_>) {
    ctx.out.push(
        Diagnostic::new(
            &CHECK,
            node.words().first().map(|w| w.span()).unwrap_or(node.span()),
            format!("`{}` needs a `{{ ... }}` block", k.name),
        )
        .help(format!(
            "write `{} {{`, its contents, then `}}`",
            crate::schema::value::usage(k)
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn list_without_braces() {
        let d = lint("vrrp_instance VI_1 {\n    virtual_ipaddress 192.0.2.10\n}\n", None);
        assert_eq!(d.iter().filter(|d| d.code() == "KA0108").count(), 1, "{d:?}");
    }
}
