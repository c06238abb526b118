//! From the preprocessor's tokens to the [`Tree`], through the lalrpop grammar.

use crate::diag::{Diag, DiagKind};
use crate::preprocess::{XKind, XToken};
use crate::source::SourceMap;
use crate::span::Span;
use crate::tree::{NodeData, Tree, NONE};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused, unused_qualifications)]
    grammar,
    "/parser.rs"
);

/// The grammar's terminals. Locations are indices into the token vector; a `Word` terminal
/// stands for a whole run of words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Word,
    Orphan,
    LBrace,
    RBrace,
    Nl,
    Bad,
}

/// A statement as the grammar reduces it (postorder): tokens `l..r` are its words (empty
/// for a block that follows no statement), `size` counts it and every statement inside it.
#[derive(Clone, Copy, Debug)]
pub struct Post {
    pub l: u32,
    pub r: u32,
    pub open: u32,
    pub close: u32,
    pub size: u32,
}

impl Post {
    pub(crate) fn push(out: &mut Vec<Post>, l: usize, r: usize, block: Option<(usize, usize, usize)>) {
        let (open, close, size) = match block {
            Some((o, c, first)) => (o as u32, c as u32, (out.len() - first) as u32 + 1),
            None => (NONE, NONE, 1),
        };
        out.push(Post {
            l: l as u32,
            r: r as u32,
            open,
            close,
            size,
        });
    }
}

/// Blocks nest at most this deep. A deeper `{` and its `}` are dropped, with a diagnostic, so
/// that what walks the tree recursively (building it, dropping it, the compiler) keeps to a
/// bounded stack.
pub const MAX_NESTING: usize = 128;

/// The grammar's input, made on the fly from the tokens. It balances braces (an unmatched
/// `}` is dropped and an unclosed `{` closed at the end, each with its diagnostic), merges a
/// run of words into one terminal, ends each statement with `Nl`, and marks a `{` that
/// follows no statement.
struct Feeder<'a> {
    tokens: &'a [XToken],
    /// Where the feeder stops: the end of `tokens`, or of the part it parses.
    end: usize,
    sources: &'a SourceMap,
    diags: &'a mut Vec<Diag>,
    i: usize,
    queue: [(usize, Tok, usize); 3],
    queued: usize,
    head: usize,
    in_run: bool,
    can_attach: bool,
    opens: Vec<usize>,
    /// `{` dropped for nesting deeper than `MAX_NESTING`, still open.
    excess: usize,
    /// Matched braces, in closing order: only looked at when a brace is left unclosed.
    pairs: Vec<(u32, u32)>,
    /// Synthetic `}` still to produce at the end.
    closing: Option<usize>,
}

impl Feeder<'_> {
    fn push(&mut self, t: (usize, Tok, usize)) {
        self.queue[self.queued] = t;
        self.queued += 1;
    }

    fn end_run(&mut self, at: usize) {
        if self.in_run {
            self.push((at, Tok::Nl, at));
            self.in_run = false;
            self.can_attach = true;
        }
    }

    fn step(&mut self) {
        let tokens = self.tokens;
        let i = self.i;
        let t = &tokens[i];
        match t.kind {
            XKind::Word | XKind::Quoted => {
                let mut j = i;
                while j < self.end && matches!(tokens[j].kind, XKind::Word | XKind::Quoted) {
                    j += 1;
                    if tokens[j - 1].line_end {
                        break;
                    }
                }
                self.push((i, Tok::Word, j));
                self.in_run = true;
                self.i = j;
                if tokens[j - 1].line_end {
                    self.end_run(j);
                }
                return;
            }
            XKind::Bad => {
                self.push((i, Tok::Bad, i + 1));
                self.in_run = true;
                if t.line_end {
                    self.end_run(i + 1);
                }
            }
            XKind::LBrace => {
                self.end_run(i);
                if self.opens.len() >= MAX_NESTING {
                    if self.excess == 0 {
                        self.diags.push(Diag::error(
                            DiagKind::ExpansionLimit,
                            t.span,
                            format!(
                                "blocks nest more than {MAX_NESTING} deep here; this `{{` and its `}}` are ignored"
                            ),
                        ));
                    }
                    self.excess += 1;
                    self.can_attach = false;
                } else {
                    if !self.can_attach {
                        self.push((i, Tok::Orphan, i));
                        self.push((i, Tok::Nl, i));
                    }
                    self.push((i, Tok::LBrace, i + 1));
                    self.opens.push(i);
                    self.can_attach = false;
                }
            }
            XKind::RBrace => {
                self.end_run(i);
                self.can_attach = false;
                if self.excess > 0 {
                    self.excess -= 1;
                } else if let Some(o) = self.opens.pop() {
                    self.pairs.push((o as u32, i as u32));
                    self.push((i, Tok::RBrace, i + 1));
                } else {
                    self.diags.push(
                        Diag::error(DiagKind::UnmatchedCloseBrace, t.span, "this `}` closes no block")
                            .help("remove it, or look above for a block that was closed too early"),
                    );
                }
            }
        }
        self.i = i + 1;
    }

    /// At the end: the last statement's `Nl` and the unclosed blocks' diagnostics.
    fn finish(&mut self) {
        let n = self.end;
        self.end_run(n);
        let open = self.opens.len();
        // The first block whose `}` is indented unlike its opening line: when a `}` is
        // missing, usually the block that lacks it.
        let suspect = if open > 0 {
            let mut pairs = std::mem::take(&mut self.pairs);
            pairs.sort_unstable_by_key(|p| p.1);
            pairs
                .into_iter()
                .map(|(o, c)| (self.tokens[o as usize].span, self.tokens[c as usize].span))
                .find(|(o, c)| misindented(self.sources, *o, *c))
        } else {
            None
        };
        for (k, &o) in self.opens.iter().enumerate().rev() {
            let mut d = Diag::error(DiagKind::UnclosedBrace, self.tokens[o].span, "this `{` is never closed");
            if let (0, Some((open, close))) = (k, suspect) {
                d = d
                    .label(open, "perhaps this block is the one missing its `}`")
                    .label(close, "this `}` closes it, but is indented like an outer block");
            }
            if k == 0 {
                d = d.help(format!(
                    "add the missing `}}`; keepalived reports {open} missing '}}' for this file and reads what follows as part of the block"
                ));
            }
            self.diags.push(d);
        }
        self.closing = Some(open);
    }
}

impl Iterator for Feeder<'_> {
    type Item = Result<(usize, Tok, usize), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.head < self.queued {
                self.head += 1;
                return Some(Ok(self.queue[self.head - 1]));
            }
            self.head = 0;
            self.queued = 0;
            if self.i < self.end {
                self.step();
                continue;
            }
            match self.closing {
                None => self.finish(),
                Some(0) => return None,
                Some(k) => {
                    // Synthetic closes sit past the end of the tokens.
                    let at = self.end + k - 1;
                    self.closing = Some(k - 1);
                    self.push((at, Tok::RBrace, at));
                }
            }
        }
    }
}

/// The leading white space of the line holding `span`, if `span` is the line's first token.
fn line_indent(sources: &SourceMap, span: Span, first: bool) -> Option<&str> {
    let file = sources.get(span.file);
    let text = &file.text;
    let start = span.start as usize;
    // Found by the line index: scanning back would make a long line's braces quadratic.
    let starts = file.line_starts();
    let line_start = starts[starts.partition_point(|&s| s as usize <= start).max(1) - 1] as usize;
    let indent = text.get(line_start..start)?;
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

type Errors = Vec<lalrpop_util::ErrorRecovery<usize, Tok, ()>>;

/// Parses `tokens[start..end]`: its statements in postorder, and the grammar's errors.
fn parse_part(
    tokens: &[XToken],
    start: usize,
    end: usize,
    sources: &SourceMap,
    diags: &mut Vec<Diag>,
) -> (Vec<Post>, Errors) {
    let mut errors = Vec::new();
    let parser = grammar::FileParser::new();
    let mut feeder = Feeder {
        tokens,
        end,
        sources,
        diags,
        i: start,
        queue: [(0, Tok::Nl, 0); 3],
        queued: 0,
        head: 0,
        in_run: false,
        can_attach: false,
        opens: Vec::new(),
        excess: 0,
        pairs: Vec::new(),
        closing: None,
    };
    // The first part leaves room for the second's statements, appended to it.
    let mut post = Vec::with_capacity(if start == 0 {
        tokens.len() / 2
    } else {
        (end - start) / 2
    });
    let result = parser.parse(&mut errors, &mut post, &mut feeder);
    let diags = feeder.diags;
    if let Err(e) = result {
        // The feeder makes this unreachable; never panic if it is reached all the same.
        let span = tokens
            .get(start)
            .map(|t| t.span)
            .unwrap_or(Span::new(crate::FileId(0), 0, 0));
        diags.push(Diag::error(
            DiagKind::MalformedStatement,
            span,
            format!("the parser gave up: {e:?}"),
        ));
        post.clear();
    }
    (post, errors)
}

/// Where the tokens can be cut in two for [`parse_tokens_split`]: just after the `}` that
/// closes the first top-level block ending in the second half. Only when the feeder has
/// nothing to repair (no bad token, no unmatched or unclosed brace, no nesting past
/// [`MAX_NESTING`]), so that each part parses exactly as it would within the whole.
fn split_point(tokens: &[XToken]) -> Option<usize> {
    let half = tokens.len() / 2;
    let mut depth = 0usize;
    let mut at = None;
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            XKind::LBrace if depth == MAX_NESTING => return None,
            XKind::LBrace => depth += 1,
            XKind::RBrace if depth == 0 => return None,
            XKind::RBrace => {
                depth -= 1;
                if depth == 0 && at.is_none() && i + 1 >= half && i + 1 < tokens.len() {
                    at = Some(i + 1);
                }
            }
            XKind::Bad => return None,
            XKind::Word | XKind::Quoted => {}
        }
    }
    if depth == 0 {
        at
    } else {
        None
    }
}

/// Parses the preprocessor's tokens into a tree. Never fails: problems become diagnostics.
pub fn parse_tokens(tokens: Vec<XToken>, texts: Vec<Box<str>>, sources: &SourceMap, diags: &mut Vec<Diag>) -> Tree {
    parse_tokens_split(tokens, texts, sources, diags, false)
}

/// [`parse_tokens`], with `split`: when the tokens fall into two halves of whole top-level
/// blocks with nothing for the feeder to repair, each half is parsed on its own thread. The
/// tree and the diagnostics are the same as on one thread.
pub fn parse_tokens_split(
    tokens: Vec<XToken>,
    texts: Vec<Box<str>>,
    sources: &SourceMap,
    diags: &mut Vec<Diag>,
    split: bool,
) -> Tree {
    let at = if split { split_point(&tokens) } else { None };
    let (post, errors) = match at {
        None => parse_part(&tokens, 0, tokens.len(), sources, diags),
        Some(at) => {
            let mut diags_b = Vec::new();
            let (a, (mut post_b, errors_b)) = std::thread::scope(|scope| {
                let b = scope.spawn(|| parse_part(&tokens, at, tokens.len(), sources, &mut diags_b));
                let a = parse_part(&tokens, 0, at, sources, diags);
                // A panic in the parser is a bug; re-raise it here as it would have been.
                (a, b.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            });
            let (mut post, mut errors) = a;
            diags.append(&mut diags_b);
            post.append(&mut post_b);
            errors.extend(errors_b);
            (post, errors)
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
    let nodes = preorder(&post, &tokens, diags);
    drop(post);
    Tree {
        tokens,
        texts,
        files: sources.files().map(|(_, f)| f.text.clone()).collect(),
        nodes,
    }
}

/// Lays the postorder statements out in preorder. A subtree of postorder ends at its root;
/// walking back by subtree sizes finds the siblings of a level. One scratch stack serves
/// every level.
fn preorder(post: &[Post], tokens: &[XToken], diags: &mut Vec<Diag>) -> Vec<NodeData> {
    let n = tokens.len() as u32;
    let mut nodes = Vec::with_capacity(post.len());
    let mut stack: Vec<u32> = Vec::new();
    // Pushes the roots of `post[start..end]` on the stack, last first, so that popping
    // yields them in document order.
    fn roots(post: &[Post], start: usize, end: usize, stack: &mut Vec<u32>) -> usize {
        let mut at = end;
        let mut count = 0;
        while at > start {
            let root = at - 1;
            stack.push(root as u32);
            count += 1;
            at = root + 1 - (post[root].size as usize).clamp(1, root + 1 - start);
        }
        count
    }
    // Each frame: how many roots of this level remain on the stack, and the node whose
    // subtree the level fills (to set its `next`).
    let mut frames: Vec<(usize, Option<usize>)> = vec![(roots(post, 0, post.len(), &mut stack), None)];
    while let Some(frame) = frames.last_mut() {
        if frame.0 == 0 {
            let (_, parent) = frames.pop().expect("frame");
            if let Some(p) = parent {
                let len = nodes.len() as u32;
                let d: &mut NodeData = &mut nodes[p];
                d.next = len;
            }
            continue;
        }
        frame.0 -= 1;
        let root = stack.pop().expect("root") as usize;
        let p = post[root];
        if p.l == p.r && p.open != NONE && p.l == p.open {
            diags.push(
                Diag::error(DiagKind::BlockWithoutKeyword, tokens[p.open as usize].span, "this block follows no keyword")
                    .help("keepalived ignores this `{` and reads the lines inside as part of the enclosing block, and its `}` ends that block"),
            );
        }
        let id = nodes.len();
        nodes.push(NodeData {
            first: p.l,
            end: p.r,
            open: p.open,
            close: if p.close < n { p.close } else { NONE },
            next: id as u32 + 1,
        });
        if p.open != NONE {
            let start = root + 1 - p.size as usize;
            let count = roots(post, start, root, &mut stack);
            frames.push((count, Some(id)));
        }
    }
    nodes
}
