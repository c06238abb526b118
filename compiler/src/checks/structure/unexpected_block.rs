//! KA0109 unexpected-block: a `{ ... }` after a keyword that takes none.

use super::Ctx;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::Keyword;
use vigil_grammar::{BlockRef, NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0109",
    name: "unexpected-block",
    severity: Severity::Error,
    finds: "A block after a keyword that takes no block.",
    why: "keepalived ignores the `{`, reads the lines inside as part of the enclosing block, and the `}` then closes the enclosing block early, so everything after it lands in the wrong place.",
    example: "vrrp_instance VI_1 {\n    priority {\n        100\n    }\n}",
    fix: "Write the value on the keyword's line (`priority 100`) and remove the braces.",
};

pub fn report(ctx: &mut Ctx<'_>, k: &'static Keyword, node: NodeRef<'_>, block: BlockRef<'_>) {
    ctx.out.push(
        Diagnostic::new(&CHECK, block.open(), format!("`{}` takes no block", k.name))
            .label(
                node.words().first().map(|w| w.span()).unwrap_or(node.span()),
                "this keyword",
            )
            .help(format!("write `{}` on one line", crate::schema::value::usage(k))),
    );
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn block_after_a_plain_keyword() {
        let d = lint("vrrp_instance VI_1 {\n    priority {\n        100\n    }\n}\n", None);
        assert_eq!(d.iter().filter(|d| d.code() == "KA0109").count(), 1, "{d:?}");
    }
}
