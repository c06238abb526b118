//! From the preprocessor's tokens to the [`Tree`], through the lalrpop grammar.

use crate::diag::{Diag, DiagKind};
use crate::preprocess::{XKind, XToken};
use crate::source::SourceMap;
use crate::span::Span;
use crate::tree::{Block, Node, Tree, Word};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused, unused_qualifications)]
    grammar,
    "/parser.rs"
);

/// The grammar's terminals. Locations are indices into the token vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Word,
    Orphan,
    LBrace,
    RBrace,
    Nl,
    Bad,
}

#[derive(Debug)]
pub enum Head {
    /// Tokens `l..r` are the statement's words.
    Words(usize, usize),
    /// A `{` at token `l` that follows no statement.
    Orphan(usize),
}

#[derive(Debug)]
pub struct RawBlock {
    pub open: usize,
    pub items: Vec<RawItem>,
    /// Index of the `}`; past the end of the tokens when it was added by the feeder.
    pub close: usize,
}

#[derive(Debug)]
pub enum RawItem {
    Stmt { head: Head, block: Option<RawBlock> },
    Error,
}

/// Builds the grammar's input, balancing braces. Unmatched `}` are dropped and unclosed `{`
/// closed at the end, each with its diagnostic.
fn feed(tokens: &[XToken], sources: &SourceMap, diags: &mut Vec<Diag>) -> Vec<(usize, Tok, usize)> {
    let mut out = Vec::with_capacity(tokens.len() + tokens.len() / 4);
    let mut in_run = false;
    let mut can_attach = false;
    let mut opens: Vec<usize> = Vec::new();
    // The first block whose `}` is indented unlike its opening line: when a `}` is missing,
    // usually the block that lacks it.
    let mut suspect: Option<(Span, Span)> = None;
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            XKind::Word | XKind::Quoted | XKind::Bad => {
                out.push((i, if t.kind == XKind::Bad { Tok::Bad } else { Tok::Word }, i + 1));
                in_run = true;
            }
            XKind::LineEnd => {
                if in_run {
                    out.push((i, Tok::Nl, i));
                    in_run = false;
                    can_attach = true;
                }
            }
            XKind::LBrace => {
                if in_run {
                    out.push((i, Tok::Nl, i));
                    in_run = false;
                    can_attach = true;
                }
                if !can_attach {
                    out.push((i, Tok::Orphan, i));
                    out.push((i, Tok::Nl, i));
                }
                out.push((i, Tok::LBrace, i + 1));
                opens.push(i);
                can_attach = false;
            }
            XKind::RBrace => {
                if in_run {
                    out.push((i, Tok::Nl, i));
                    in_run = false;
                }
                can_attach = false;
                if let Some(o) = opens.pop() {
                    if suspect.is_none() && misindented(sources, tokens[o].span, t.span) {
                        suspect = Some((tokens[o].span, t.span));
                    }
                    out.push((i, Tok::RBrace, i + 1));
                } else {
                    diags.push(
                        Diag::error(DiagKind::UnmatchedCloseBrace, t.span, "this `}` closes no block")
                            .help("remove it, or look above for a block that was closed too early"),
                    );
                }
            }
        }
    }
    if in_run {
        out.push((tokens.len(), Tok::Nl, tokens.len()));
    }
    let n = opens.len();
    for (k, &o) in opens.iter().enumerate().rev() {
        let mut d = Diag::error(DiagKind::UnclosedBrace, tokens[o].span, "this `{` is never closed");
        if let (0, Some((open, close))) = (k, suspect) {
            d = d
                .label(open, "perhaps this block is the one missing its `}`")
                .label(close, "this `}` closes it, but is indented like an outer block");
        }
        if k == 0 {
            d = d.help(format!(
                "add the missing `}}`; keepalived reports {n} missing '}}' for this file and reads what follows as part of the block"
            ));
        }
        diags.push(d);
        out.push((tokens.len() + k, Tok::RBrace, tokens.len() + k));
    }
    out
}

/// The leading white space of the line holding `span`, if `span` is the line's first token.
fn line_indent(sources: &SourceMap, span: Span, first: bool) -> Option<&str> {
    let text = &sources.get(span.file).text;
    let start = span.start as usize;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |p| p + 1);
    let indent = &text[line_start..start];
    if !indent.bytes().all(|c| c == b' ' || c == b'\t') {
        if first {
            return None;
        }
        let body = &text[line_start..];
        return Some(&body[..body.len() - body.trim_start_matches([' ', '\t']).len()]);
    }
    Some(indent)
}

/// A block opened at `open` and closed at `close` whose `}` starts a line indented
/// differently from the line of the `{`.
fn misindented(sources: &SourceMap, open: Span, close: Span) -> bool {
    if open.file != close.file || (open.file.0 as usize) >= sources.len() {
        return false;
    }
    let width = |s: &str| s.bytes().map(|c| if c == b'\t' { 8 } else { 1 }).sum::<usize>();
    match (line_indent(sources, open, false), line_indent(sources, close, true)) {
        (Some(a), Some(b)) => width(a) != width(b),
        _ => false,
    }
}

/// Parses the preprocessor's tokens into a tree. Never fails: problems become diagnostics.
pub fn parse_tokens(mut tokens: Vec<XToken>, sources: &SourceMap, diags: &mut Vec<Diag>) -> Tree {
    let stream = feed(&tokens, sources, diags);
    let mut errors = Vec::new();
    let parser = grammar::FileParser::new();
    let items = match parser.parse(&mut errors, stream.into_iter().map(Ok::<_, ()>)) {
        Ok(items) => items,
        Err(e) => {
            // The feeder makes this unreachable; never panic if it is reached all the same.
            let span = tokens
                .first()
                .map(|t| t.span)
                .unwrap_or(Span::new(crate::FileId(0), 0, 0));
            diags.push(Diag::error(
                DiagKind::MalformedStatement,
                span,
                format!("the parser gave up: {e:?}"),
            ));
            Vec::new()
        }
    };
    for e in errors {
        let loc = match &e.error {
            lalrpop_util::ParseError::UnrecognizedToken { token: (l, _, _), .. } => Some(*l),
            lalrpop_util::ParseError::ExtraToken { token: (l, _, _) } => Some(*l),
            _ => None,
        };
        if let Some(t) = loc.and_then(|l| tokens.get(l)) {
            // Bad bytes were already reported by the lexer.
            if t.kind != XKind::Bad {
                diags.push(Diag::error(
                    DiagKind::MalformedStatement,
                    t.span,
                    "this statement cannot be read",
                ));
            }
        }
    }
    let mut b = Builder {
        tokens: &mut tokens,
        diags,
    };
    Tree { nodes: b.items(items) }
}

struct Builder<'a> {
    tokens: &'a mut [XToken],
    diags: &'a mut Vec<Diag>,
}

impl Builder<'_> {
    fn items(&mut self, items: Vec<RawItem>) -> Vec<Node> {
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            if let RawItem::Stmt { head, block } = it {
                out.push(self.node(head, block));
            }
        }
        out
    }

    fn node(&mut self, head: Head, block: Option<RawBlock>) -> Node {
        let words: Vec<Word> = match head {
            Head::Words(l, r) => self.tokens[l..r]
                .iter_mut()
                .map(|t| Word {
                    text: std::mem::take(&mut t.text),
                    quoted: t.kind == XKind::Quoted,
                    span: t.span,
                    exp: t.exp,
                })
                .collect(),
            Head::Orphan(l) => {
                self.diags.push(
                    Diag::error(DiagKind::BlockWithoutKeyword, self.tokens[l].span, "this block follows no keyword")
                        .help("keepalived ignores this `{` and reads the lines inside as part of the enclosing block, and its `}` ends that block"),
                );
                Vec::new()
            }
        };
        let block = block.map(|b| self.block(b));
        let first = words.first().map(|w| w.span).or(block.as_ref().map(|b| b.open));
        let mut span = first.unwrap_or(Span::new(crate::FileId(0), 0, 0));
        if let Some(w) = words.last() {
            span = span.to(w.span);
        }
        if let Some(b) = &block {
            span = span.to(b.close.unwrap_or(b.open));
        }
        Node { words, block, span }
    }

    fn block(&mut self, b: RawBlock) -> Block {
        let open = self.tokens[b.open].span;
        let close = self.tokens.get(b.close).map(|t| t.span);
        Block {
            open,
            close,
            nodes: self.items(b.items),
        }
    }
}
