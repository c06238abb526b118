//! The line lexer. keepalived's reader is line-oriented, so the lexer works on one line at a
//! time and never fails: bad bytes become [`LexKind::Bad`] tokens, an unterminated quote a
//! [`LexKind::Quoted`] token that runs to the end of the line and is marked as such.
//!
//! Rules (facts of keepalived's reader, `../shared/spec/keepalived-language.md` §2.2-2.10):
//! - `#` and `!` start a comment anywhere outside double quotes; `\#` and `\!` are literal.
//! - a word ends at white space, at `"` and at a brace; `{` and `}` are tokens of their own.
//! - `"..."` is one token without its quotes and with no escape processing; `'` is ordinary.
//! - `${NAME ...}` is kept inside the word it belongs to, so that an unresolved reference
//!   does not split a block (keepalived would; the preprocessor reports the reference).

/// What a lexed piece of a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexKind {
    /// A run of spaces, tabs, `\f`, `\v` or `\r`.
    Ws,
    /// `#` or `!` to the end of the line.
    Comment,
    Word,
    /// A double-quoted string; `terminated` is false when the line ended first.
    Quoted {
        terminated: bool,
    },
    LBrace,
    RBrace,
    /// Control characters (NUL and the like) that have no place in a config.
    Bad,
}

/// A token of one line: its kind and byte range within the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexTok {
    pub kind: LexKind,
    pub start: u32,
    pub end: u32,
}

impl LexTok {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// True for tokens that carry meaning (not white space or comments).
    pub fn is_significant(&self) -> bool {
        !matches!(self.kind, LexKind::Ws | LexKind::Comment)
    }

    /// The token's value: a quoted string without its quotes, a word with `\#`/`\!`
    /// unescaped (when the line was lexed with comments on).
    pub fn value<'a>(&self, line: &'a str, comments: bool) -> std::borrow::Cow<'a, str> {
        let text = &line[self.range()];
        match self.kind {
            LexKind::Quoted { terminated } => {
                let end = if terminated { text.len() - 1 } else { text.len() };
                std::borrow::Cow::Borrowed(&text[1..end])
            }
            LexKind::Word if comments && text.contains('\\') => {
                let mut out = String::with_capacity(text.len());
                let mut chars = text.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '\\' && matches!(chars.peek(), Some('#') | Some('!')) {
                        continue;
                    }
                    out.push(c);
                }
                std::borrow::Cow::Owned(out)
            }
            _ => std::borrow::Cow::Borrowed(text),
        }
    }
}

/// White space as keepalived's tokeniser sees it (the line's `\n` is already gone).
pub const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0b' | b'\x0c' | b'\r')
}

const fn is_bad(b: u8) -> bool {
    (b < 0x20 && !is_ws(b)) || b == 0x7f
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// How a byte counts inside a word: most bytes just continue it.
const PLAIN: u8 = 0;
/// White space, a quote, a brace or a control character: the word ends before it.
const ENDS: u8 = 1;
/// `#`, `!`, `\\` or `$`: it depends on what follows and on whether comments count.
const SPECIAL: u8 = 2;

/// [`PLAIN`], [`ENDS`] or [`SPECIAL`] for each byte: one load per byte in the word loop
/// instead of a chain of comparisons.
static WORD_BYTE: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if is_ws(c) || c == b'"' || c == b'{' || c == b'}' || is_bad(c) {
            ENDS
        } else if matches!(c, b'#' | b'!' | b'\\' | b'$') {
            SPECIAL
        } else {
            PLAIN
        };
        b += 1;
    }
    t
};

/// If `${` starts at `i` and a `}` closes it on the same line, the index just past the `}`.
fn reference_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'$') || b.get(i + 1) != Some(&b'{') || !b.get(i + 2).is_some_and(|c| is_ident_start(*c)) {
        return None;
    }
    let close = b[i + 2..].iter().position(|&c| c == b'}' || c == b'{' || c == b'"')?;
    (b[i + 2 + close] == b'}').then_some(i + 2 + close + 1)
}

/// Lexes one line (without its line terminator) into `out`, covering every byte.
/// With `comments` off, `#` and `!` are ordinary characters (used for text produced by a
/// substitution, where comments were already removed).
pub fn lex_line(line: &str, comments: bool, out: &mut Vec<LexTok>) {
    let b = line.as_bytes();
    let n = b.len();
    let mut i = 0;
    let push = |out: &mut Vec<LexTok>, kind, s: usize, e: usize| {
        out.push(LexTok {
            kind,
            start: s as u32,
            end: e as u32,
        })
    };
    while i < n {
        let c = b[i];
        let start = i;
        if is_ws(c) {
            while i < n && is_ws(b[i]) {
                i += 1;
            }
            push(out, LexKind::Ws, start, i);
        } else if comments && (c == b'#' || c == b'!') {
            push(out, LexKind::Comment, start, n);
            return;
        } else if c == b'"' {
            match b[i + 1..].iter().position(|&c| c == b'"') {
                Some(p) => {
                    i = i + 1 + p + 1;
                    push(out, LexKind::Quoted { terminated: true }, start, i);
                }
                None => {
                    i = n;
                    push(out, LexKind::Quoted { terminated: false }, start, n);
                }
            }
        } else if c == b'{' {
            i += 1;
            push(out, LexKind::LBrace, start, i);
        } else if c == b'}' {
            i += 1;
            push(out, LexKind::RBrace, start, i);
        } else if is_bad(c) {
            while i < n && is_bad(b[i]) {
                i += 1;
            }
            push(out, LexKind::Bad, start, i);
        } else {
            while i < n {
                let c = b[i];
                match WORD_BYTE[c as usize] {
                    PLAIN => {
                        i += 1;
                        continue;
                    }
                    ENDS => break,
                    _ => {}
                }
                if comments && (c == b'#' || c == b'!') {
                    break;
                }
                if comments && c == b'\\' && matches!(b.get(i + 1), Some(b'#') | Some(b'!')) {
                    i += 2;
                    continue;
                }
                if c == b'$' {
                    if let Some(e) = reference_end(b, i) {
                        i = e;
                        continue;
                    }
                }
                i += 1;
            }
            push(out, LexKind::Word, start, i);
        }
    }
}

/// Convenience: the lexed tokens of a line.
pub fn lex(line: &str) -> Vec<LexTok> {
    let mut v = Vec::new();
    lex_line(line, true, &mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(line: &str) -> Vec<(LexKind, &str)> {
        lex(line).iter().map(|t| (t.kind, &line[t.range()])).collect()
    }

    #[test]
    fn covers_every_byte() {
        for line in ["a b", "x{y}z", "\"q\" w#c", "\0\0a", "\"open", "${A B}c", "a\\#b !x"] {
            let toks = lex(line);
            let mut at = 0;
            for t in &toks {
                assert_eq!(t.start as usize, at, "{line:?}");
                at = t.end as usize;
            }
            assert_eq!(at, line.len(), "{line:?}");
        }
    }

    #[test]
    fn splits_braces_quotes_and_comments() {
        use LexKind::*;
        assert_eq!(
            show("kw {a} \"b c\"#x"),
            vec![
                (Word, "kw"),
                (Ws, " "),
                (LBrace, "{"),
                (Word, "a"),
                (RBrace, "}"),
                (Ws, " "),
                (Quoted { terminated: true }, "\"b c\""),
                (Comment, "#x")
            ]
        );
        assert_eq!(
            show("abc\"def ghi\""),
            vec![(Word, "abc"), (Quoted { terminated: true }, "\"def ghi\"")]
        );
        assert_eq!(show("priority 100!x")[2], (Word, "100"));
    }

    #[test]
    fn references_stay_in_their_word() {
        use LexKind::*;
        assert_eq!(show("eth${N}x"), vec![(Word, "eth${N}x")]);
        assert_eq!(show("${_RANDOM 1 9}"), vec![(Word, "${_RANDOM 1 9}")]);
        // Not a reference: `${` followed by a space splits as keepalived does.
        assert_eq!(show("${ a}")[0], (Word, "$"));
    }

    #[test]
    fn escaped_comment_characters_are_literal() {
        let line = r"a\#b";
        let t = lex(line);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].value(line, true), "a#b");
    }

    #[test]
    fn bad_bytes_and_open_quotes_do_not_stop_the_lexer() {
        use LexKind::*;
        assert_eq!(show("a\0b"), vec![(Word, "a"), (Bad, "\0"), (Word, "b")]);
        assert_eq!(
            show("x \"open # not a comment"),
            vec![
                (Word, "x"),
                (Ws, " "),
                (Quoted { terminated: false }, "\"open # not a comment")
            ]
        );
    }
}
