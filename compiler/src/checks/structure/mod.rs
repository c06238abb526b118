//! The structural pass: every statement is checked against the keyword table of the block it
//! stands in. Unknown and misplaced keywords, deprecated spellings, keywords newer than the
//! targeted keepalived, missing and extra words, values of the wrong type or range, and
//! blocks where none belongs (or none where one must be). Each check is its own module.

pub mod deprecated_keyword;
pub mod extra_words;
pub mod invalid_value;
pub mod keyword_too_new;
pub mod misplaced_keyword;
pub mod missing_argument;
pub mod missing_block;
pub mod missing_keyword;
pub mod unexpected_block;
pub mod unknown_keyword;

use super::global::setting_given_twice;
use super::{Check, Resolved};
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body, Keyword, Ty, Version};
use vigil_grammar::{NodeRef, Parsed, WordRef, Words};

pub static ALL: &[&Check] = &[
    &unknown_keyword::CHECK,
    &misplaced_keyword::CHECK,
    &deprecated_keyword::CHECK,
    &keyword_too_new::CHECK,
    &missing_argument::CHECK,
    &extra_words::CHECK,
    &invalid_value::CHECK,
    &missing_block::CHECK,
    &missing_keyword::CHECK,
    &unexpected_block::CHECK,
];

/// What the pass needs besides the tree.
pub struct Ctx<'a> {
    pub parsed: &'a Parsed,
    /// Each statement's keyword, looked up once.
    pub kw: &'a Resolved,
    /// `--target-version`: warn about keywords newer than this.
    pub target: Option<Version>,
    pub out: &'a mut Vec<Diagnostic>,
}

/// Runs the structural pass over the whole tree.
pub fn run(ctx: &mut Ctx<'_>) {
    walk(ctx, ctx.parsed.tree.nodes(), schema::ROOT, "top level", 0, Once::Block);
}

/// The structural pass over some of the top-level statements (check modules split the top
/// level in parts to share them between threads), except the repeats of top-level keywords
/// taken once, which [`run_top_level_once`] finds.
pub fn run_part<'t>(ctx: &mut Ctx<'_>, top: impl Iterator<Item = NodeRef<'t>>) {
    walk(ctx, top, schema::ROOT, "top level", 0, Once::Merged);
}

/// The repeats of top-level keywords keepalived takes once (`instance`, `SSL`).
pub fn run_top_level_once(ctx: &mut Ctx<'_>) {
    let mut seen = Vec::new();
    for node in ctx.parsed.tree.nodes() {
        if let Some(k) = ctx.kw.get(node, schema::ROOT) {
            setting_given_twice::note(&mut seen, k, node);
        }
    }
    setting_given_twice::report_all(seen, ctx.out);
}

/// Whether the lines of a block are checked for keywords keepalived takes once (KA0801,
/// `checks::global::setting_given_twice`): only blocks read with their own keyword's table,
/// and not a global_defs block, whose lines count together with the other global_defs blocks'
/// (`Merged`: the lines are checked elsewhere, the blocks below them here).
#[derive(Clone, Copy, PartialEq)]
enum Once {
    Block,
    Merged,
    Skip,
}

fn walk<'t>(
    ctx: &mut Ctx<'_>,
    nodes: impl Iterator<Item = NodeRef<'t>>,
    table: &'static [Keyword],
    block: &str,
    depth: usize,
    once: Once,
) {
    if depth > 64 {
        return;
    }
    let mut seen = Vec::new();
    for node in nodes {
        let Some(first) = node.words().first() else {
            // A block after no keyword (reported by the front end): keepalived reads its lines
            // as part of the enclosing block.
            if let Some(b) = node.block() {
                walk(ctx, b.nodes(), table, block, depth + 1, Once::Skip);
            }
            continue;
        };
        let Some(k) = ctx.kw.get(node, table) else {
            let elsewhere = schema::paths_of(first.text());
            if elsewhere.is_empty() {
                unknown_keyword::report(ctx, first, table, block, node.block().map(|b| b.open()));
                continue;
            }
            misplaced_keyword::report(ctx, first, block, elsewhere);
            // Read its block with the table of the place it belongs to, so its contents are
            // still checked.
            if let (Some(b), Some(Body::Keywords(sub))) = (node.block(), keyword_at(&elsewhere[0]).map(|k| k.body)) {
                walk(ctx, b.nodes(), sub, first.text(), depth + 1, Once::Skip);
            }
            continue;
        };
        if once == Once::Block {
            setting_given_twice::note(&mut seen, k, node);
        }
        deprecated_keyword::check(ctx, k, first);
        keyword_too_new::check(ctx, k, first);
        check_args(ctx, k, node);
        super::values::check_args(ctx, k, node);
        match (k.body, node.block()) {
            (Body::Keywords(sub), Some(b)) => {
                let lines = match once {
                    Once::Skip => Once::Skip,
                    _ if depth == 0 && k.name == "global_defs" => Once::Merged,
                    _ => Once::Block,
                };
                walk(ctx, b.nodes(), sub, k.name, depth + 1, lines);
                missing_keyword::check(ctx, k, node, sub, b);
            }
            (Body::Keywords(_) | Body::Values(_), None) => missing_block::report(ctx, k, node),
            (Body::Values(kind), Some(b)) => super::values::check_block(ctx, k, kind, b),
            (Body::None, Some(b)) => {
                unexpected_block::report(ctx, k, node, b);
                walk(ctx, b.nodes(), table, block, depth + 1, Once::Skip);
            }
            (Body::None, None) => {}
        }
    }
    setting_given_twice::report_all(seen, ctx.out);
}

/// The keyword at a `a/b/c` path of the table.
pub fn keyword_at(path: &str) -> Option<&'static Keyword> {
    let mut table = schema::ROOT;
    let mut found = None;
    for part in path.split('/') {
        let k = schema::find(table, part)?;
        found = Some(k);
        if let Body::Keywords(sub) = k.body {
            table = sub;
        }
    }
    found
}

/// Matches a statement's argument words against the keyword's argument types.
fn check_args(ctx: &mut Ctx<'_>, k: &'static Keyword, node: NodeRef<'_>) {
    let args = node.args();
    let mut i = 0;
    for (n, ty) in k.args.iter().enumerate() {
        if i >= args.len() {
            if n < k.required as usize {
                missing_argument::report(ctx, k, node, n);
            }
            return;
        }
        match ty {
            // Checked by code written for the keyword; it takes the rest of the line.
            Ty::Custom => return,
            // `user [group]`
            Ty::User => {
                i += if args.len() - i >= 2 && n + 1 == k.args.len() {
                    2
                } else {
                    1
                };
            }
            _ => {
                if let Some(w) = args.get(i) {
                    invalid_value::check(ctx, k, ty, w);
                }
                i += 1;
            }
        }
    }
    if k.variadic {
        if let Some(last) = k.args.last() {
            for w in args.skip(i).iter() {
                if *last != Ty::Custom && *last != Ty::User {
                    invalid_value::check(ctx, k, last, w);
                }
            }
        }
        return;
    }
    if i < args.len() {
        extra_words::report(ctx, k, args.skip(i));
    }
}

/// The span covering several words (of one file).
pub(crate) fn words_span(words: Words<'_>) -> vigil_grammar::Span {
    words
        .span()
        .unwrap_or(vigil_grammar::Span::new(vigil_grammar::FileId(0), 0, 0))
}

/// A word, as the checks take it.
pub(crate) type Word<'t> = WordRef<'t>;

#[cfg(test)]
pub(crate) mod test_util {
    use crate::diagnostic::Diagnostic;

    /// Runs the structural pass on a text; returns (code, message) pairs.
    pub fn lint(text: &str, target: Option<crate::schema::Version>) -> Vec<Diagnostic> {
        let parsed = vigil_grammar::parse_text("/test/keepalived.conf", text);
        let mut out = Vec::new();
        let kw = crate::checks::Resolved::new(&parsed);
        let mut ctx = super::Ctx {
            parsed: &parsed,
            kw: &kw,
            target,
            out: &mut out,
        };
        super::run(&mut ctx);
        out
    }
}
