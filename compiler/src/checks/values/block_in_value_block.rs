//! KA0213 block-in-value-block: a `{ ... }` opened inside a block of values (addresses,
//! peers, routes, tracked names), which keepalived does not nest.

use super::Ctx;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::Keyword;
use vigil_grammar::{BlockRef, NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0213",
    name: "block-in-value-block",
    severity: Severity::Error,
    finds: "A block opened inside a block that holds values (`virtual_ipaddress`, `unicast_peer`, `track_script`, `virtual_routes`, ...).",
    why: "keepalived reads a block of values line by line and does not nest: the line with the `{` becomes a bad value, the inner `}` ends the block of values, and the outer `}` then closes the enclosing block early, so everything after it (authentication, addresses, ...) is read at the top level and ignored.",
    example: "vrrp_instance VI_1 {\n    unicast_peer {\n        192.0.2.2\n        virtual_rules {\n            from 192.0.2.0/24 table 100\n        }\n    }\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n}",
    fix: "Close the block of values before opening the next block: move the inner block after the `}` of the block of values.",
};

/// Reports `node`, a line with a block of its own inside `outer`, the value block of `k`.
/// A block left open is the front end's to report (KA0004: the lines after it were
/// swallowed, and it points at the block probably missing its brace), so nothing is
/// reported here then.
pub fn report(ctx: &mut Ctx<'_>, k: &'static Keyword, outer: BlockRef<'_>, node: NodeRef<'_>, inner: BlockRef<'_>) {
    let (Some(outer_close), Some(inner_close)) = (outer.close(), inner.close()) else {
        return;
    };
    // A block left open leaves every block around it open, up to the top level.
    if ctx
        .parsed
        .tree
        .nodes()
        .any(|n| n.block().is_some_and(|b| b.close().is_none()))
    {
        return;
    }
    let what = node.words().first().map(|w| w.text().to_string()).unwrap_or_default();
    ctx.out.push(
        Diagnostic::new(
            &CHECK,
            inner.open(),
            format!("a block cannot open inside `{}`, a block of values", k.name),
        )
        .label(
            node.words().first().map(|w| w.span()).unwrap_or(node.span()),
            format!("keepalived reads `{what} {{` as a value of `{}`", k.name),
        )
        .label(inner_close, format!("keepalived ends `{}` here", k.name))
        .label(outer_close, "and this `}` closes the enclosing block early")
        .help(format!("close `{}` before `{what}`", k.name)),
    );
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    fn count(text: &str) -> usize {
        lint(text, None).iter().filter(|d| d.code() == "KA0213").count()
    }

    #[test]
    fn a_block_inside_a_value_block() {
        let text = "vrrp_instance VI {\n    interface eth0\n    virtual_router_id 1\n    unicast_peer{\n        192.0.2.2\n    virtual_rules {\n        from 192.0.2.0/24 table 100\n    }\n    }\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n";
        assert_eq!(count(text), 1);
    }

    #[test]
    fn a_block_left_open_is_the_front_ends() {
        let text = "vrrp_instance VI {\n    virtual_ipaddress {\n        192.0.2.10\n\n    track_script {\n        chk\n    }\n}\n";
        assert_eq!(count(text), 0);
    }

    #[test]
    fn separate_blocks_are_fine() {
        let text = "vrrp_instance VI {\n    interface eth0\n    virtual_router_id 1\n    unicast_peer {\n        192.0.2.2\n    }\n    virtual_rules {\n        from 192.0.2.0/24 table 100\n    }\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n";
        assert_eq!(count(text), 0);
    }
}
