//! The lossless view: each file exactly as written, one entry a physical line, every byte
//! covered by a token (white space and comments included). The formatter prints from it and
//! the language server will read positions from it. No include, definition or condition is
//! applied here.

use crate::diag::{Diag, DiagKind};
use crate::lexer::{lex_line, LexKind, LexTok};
use crate::preprocess::{include_directive, lines};
use crate::span::{FileId, Span};

/// What a physical line is, judged as keepalived's reader judges it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    /// Only a comment.
    Comment,
    /// Keywords, values and braces.
    Statement,
    /// `@ID ...` or `@^ID ...`.
    Conditional,
    /// `$NAME=...`.
    Definition,
    /// A line that continues a multi-line definition.
    Continuation,
    /// `include ...` and its variants.
    Include,
    /// `~SEQ(...)`, `~SEQx(...)` or `~LST(...)`.
    Generator,
}

impl LineKind {
    /// Whether the line's braces open and close blocks.
    pub fn counts_braces(self) -> bool {
        matches!(self, LineKind::Statement | LineKind::Conditional | LineKind::Generator)
    }
}

/// One physical line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Byte offset of the line in the file.
    pub start: u32,
    /// End of the line's text (before `\r\n` or `\n`).
    pub end: u32,
    pub kind: LineKind,
    /// Tokens, offsets relative to `start`; they cover the line's text exactly.
    pub tokens: Vec<LexTok>,
}

impl Line {
    pub fn text<'a>(&self, file: &'a str) -> &'a str {
        &file[self.start as usize..self.end as usize]
    }

    pub fn significant(&self) -> impl Iterator<Item = &LexTok> {
        self.tokens.iter().filter(|t| t.is_significant())
    }
}

/// A file as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LosslessFile {
    pub lines: Vec<Line>,
    /// Syntax errors of this file on its own: bad bytes, open quotes, unbalanced braces.
    pub diags: Vec<Diag>,
}

fn classify(text: &str, toks: &[LexTok]) -> LineKind {
    let t = text.trim_start_matches(|c: char| c.is_ascii() && crate::lexer::is_ws(c as u8));
    let Some(first) = t.bytes().next() else {
        return LineKind::Blank;
    };
    if !toks.iter().any(|t| t.is_significant()) {
        return LineKind::Comment;
    }
    match first {
        b'@' => LineKind::Conditional,
        b'~' => LineKind::Generator,
        b'$' => {
            let b = t.as_bytes();
            let n = b[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            if n > 0 && !b[1].is_ascii_digit() && b.get(1 + n) == Some(&b'=') {
                LineKind::Definition
            } else {
                LineKind::Statement
            }
        }
        _ if include_directive(t).is_some() => LineKind::Include,
        _ => LineKind::Statement,
    }
}

/// Whether the line, without its comment, ends with `\` (continues a definition).
fn continues(text: &str, toks: &[LexTok]) -> bool {
    toks.iter()
        .rev()
        .find(|t| t.is_significant())
        .is_some_and(|t| text[t.range()].ends_with('\\'))
}

/// Reads a file into its lossless view. Never fails.
pub fn parse_lossless(file: FileId, text: &str) -> LosslessFile {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut in_def = false;
    let mut opens: Vec<Span> = Vec::new();
    for (start, end) in lines(text) {
        let raw = &text[start..end];
        let mut tokens = Vec::new();
        lex_line(raw, true, &mut tokens);
        let mut kind = classify(raw, &tokens);
        if in_def {
            match kind {
                LineKind::Blank | LineKind::Comment => {}
                _ => {
                    kind = LineKind::Continuation;
                    in_def = continues(raw, &tokens);
                }
            }
        } else if kind == LineKind::Definition {
            in_def = continues(raw, &tokens);
        }
        if kind.counts_braces() {
            for t in &tokens {
                let span = Span::new(file, start + t.start as usize, start + t.end as usize);
                match t.kind {
                    LexKind::LBrace => {
                        opens.push(span);
                        // Deeper than the expanded view reads: formatting it would also
                        // indent quadratically.
                        if opens.len() == crate::parse::MAX_NESTING + 1 {
                            diags.push(Diag::error(
                                DiagKind::ExpansionLimit,
                                span,
                                format!("blocks nest more than {} deep here", crate::parse::MAX_NESTING),
                            ));
                        }
                    }
                    LexKind::RBrace if opens.pop().is_none() => {
                        diags.push(Diag::error(
                            DiagKind::UnmatchedCloseBrace,
                            span,
                            "this `}` closes no block",
                        ));
                    }
                    LexKind::Quoted { terminated: false } => diags.push(Diag::error(
                        DiagKind::UnterminatedQuote,
                        span,
                        "this quote is never closed",
                    )),
                    LexKind::Bad => diags.push(Diag::error(
                        DiagKind::ControlCharacter,
                        span,
                        "control characters have no place in a config",
                    )),
                    _ => {}
                }
            }
        }
        out.push(Line {
            start: start as u32,
            end: end as u32,
            kind,
            tokens,
        });
    }
    for o in opens {
        diags.push(Diag::error(DiagKind::UnclosedBrace, o, "this `{` is never closed"));
    }
    diags.sort_by_key(|d| d.span.start);
    LosslessFile { lines: out, diags }
}
