//! The preprocessor: the expanded view. It reads a file line by line the way keepalived does
//! (`../shared/spec/keepalived-language.md` §2) and produces a flat stream of tokens in which
//! every token knows where it came from:
//!
//! decomment → `@ID` conditional → `$NAME=` definition → `~SEQ`/`~LST` generator →
//! `$NAME` substitution (repeated; again from the top when the result starts with `@`) →
//! `include` → tokenise.
//!
//! Where keepalived's behaviour hurts its users, Vigil does the sensible thing and says what
//! keepalived would have done: include cycles are cut (keepalived recurses until it runs out
//! of file descriptors), undefined names are reported (keepalived leaves them in the text),
//! `${X}` never splits a block, over-long lines are read whole.

use crate::diag::{Diag, DiagKind, Severity};
use crate::lexer::{lex_line, LexKind, LexTok};
use crate::segtext::SegText;
use crate::source::{FileKind, FileSystem, SourceMap};
use crate::span::{ExpId, Expansion, ExpansionKind, FileId, Span};
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// keepalived's line buffer: 1024 bytes including the terminator.
pub const KEEPALIVED_MAX_LINE: usize = 1023;

/// Bounds that keep adversarial input (include bombs, definition loops, huge generators)
/// from running away with time or memory.
#[derive(Clone, Debug)]
pub struct Limits {
    pub include_depth: usize,
    pub files: usize,
    pub total_bytes: usize,
    pub expansion_depth: usize,
    pub line_bytes: usize,
    pub generated_lines: usize,
    pub tokens: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            include_depth: 32,
            files: 1000,
            total_bytes: 256 << 20,
            expansion_depth: 64,
            line_bytes: 1 << 20,
            generated_lines: 1_000_000,
            tokens: 10_000_000,
        }
    }
}

/// What the preprocessor needs to know beyond the text.
#[derive(Clone, Debug)]
pub struct Options {
    /// The config id that `@ID` lines are compared with. `None` matches no id: every `@ID`
    /// line is dropped and every `@^ID` line kept. (keepalived defaults to the host name; a
    /// linter must not depend on the machine it runs on.)
    pub config_id: Option<String>,
    pub limits: Limits,
    /// A top file of at least this many bytes is read on two threads: a second thread lexes
    /// the plain lines of its second part while this one reads the first, and the parser
    /// parses each half of the tokens on its own thread. The result is the same bytes for
    /// bytes as reading on one thread; tests set 0 to prove it. `usize::MAX`: never.
    pub parallel_min_bytes: usize,
}

/// The default [`Options::parallel_min_bytes`]: below it, starting a thread costs more than
/// it saves.
pub const PARALLEL_MIN_BYTES: usize = 256 << 10;

impl Default for Options {
    fn default() -> Self {
        Options {
            config_id: None,
            limits: Limits::default(),
            parallel_min_bytes: PARALLEL_MIN_BYTES,
        }
    }
}

/// The kind of an expanded token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XKind {
    Word,
    Quoted,
    LBrace,
    RBrace,
    /// Bytes that cannot be part of a config.
    Bad,
}

/// A token of the expanded view. Its text is the source under its span (without the quotes
/// of a quoted string) unless a substitution or an escape changed it; then it is kept in
/// [`Expanded::texts`]. 24 bytes, no allocation of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XToken {
    /// Where the token's text is written.
    pub span: Span,
    exp: u32,
    /// Index into the texts, or `tree::NONE` when the text is the source's.
    pub(crate) text: u32,
    pub kind: XKind,
    /// The last token of its logical line.
    pub line_end: bool,
}

impl XToken {
    /// The expansion (include, definition, generator) it came through.
    pub fn exp(&self) -> Option<ExpId> {
        (self.exp != crate::tree::NONE).then_some(ExpId(self.exp))
    }
}

/// The result of preprocessing: every file read, the expansion chains and the tokens.
#[derive(Debug, Default)]
pub struct Expanded {
    pub sources: SourceMap,
    pub expansions: Vec<Expansion>,
    pub tokens: Vec<XToken>,
    /// The texts of tokens whose text is not the source's.
    pub texts: Vec<Box<str>>,
    pub diags: Vec<Diag>,
}

#[derive(Clone, Debug)]
struct Def {
    lines: Vec<SegText>,
    name_span: Option<Span>,
}

struct PendingDef {
    name: String,
    name_span: Span,
    lines: Vec<SegText>,
}

/// Reads the file at `path` from `fs` and preprocesses it. Only an unreadable top file is an
/// `Err`; everything else is a diagnostic.
pub fn expand_path(path: &Path, opts: &Options, fs: &dyn FileSystem) -> io::Result<Expanded> {
    let bytes = fs.read(path)?;
    // The bytes are copied into the source map: let them go before the tokens are made.
    let decoded = decode(&bytes);
    drop(bytes);
    Ok(expand_decoded(path, decoded, opts, fs))
}

/// Preprocesses `text` as if it were the file at `path` (includes are resolved next to it).
pub fn expand_bytes(path: &Path, bytes: &[u8], opts: &Options, fs: &dyn FileSystem) -> Expanded {
    expand_decoded(path, decode(bytes), opts, fs)
}

fn expand_decoded(path: &Path, decoded: (Arc<str>, Option<usize>), opts: &Options, fs: &dyn FileSystem) -> Expanded {
    let bytes_read = decoded.0.len();
    let mut pre = Pre {
        fs,
        opts,
        x: Expanded::default(),
        defs: HashMap::new(),
        stack: Vec::new(),
        bytes_read,
        generated: 0,
        reported: HashSet::new(),
        stopped: false,
        lex_buf: Vec::new(),
        work: 0,
        line_work: 0,
        line_over: false,
        ahead: None,
    };
    let (text, bad_utf8) = decoded;
    let id = pre.x.sources.add(path.to_path_buf(), text.clone());
    if let Some(at) = bad_utf8 {
        pre.x.diags.push(Diag::error(
            DiagKind::InvalidUtf8,
            Span::new(id, at, at + char::REPLACEMENT_CHARACTER.len_utf8()),
            "this file is not valid UTF-8; the bad bytes were read as U+FFFD",
        ));
    }
    pre.stack.push((fs.canonical(path), None));
    // About one token per ten bytes in real configs: reserving avoids the doubling that would
    // otherwise leave up to half of the largest vector unused.
    pre.x.tokens.reserve(bytes_read / 9 + 16);
    if text.len() < opts.parallel_min_bytes || text.len() >= NONE_OFFSET {
        pre.run_file(id, None);
        return pre.x;
    }
    // The second thread lexes the lines from the middle on while this one reads up to there;
    // this one then copies the second's runs of lines in whole and reads the rest itself.
    let from = text.as_bytes()[..text.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        scope.spawn(move || {
            // The receiver is gone only when reading stopped early; nothing to do then.
            let _ = tx.send(Ahead::lex(&text, id, from));
        });
        pre.ahead = Some(AheadState::Coming { file: id, from, rx });
        pre.run_file(id, None);
    });
    pre.ahead = None;
    pre.x
}

/// Byte offsets at or past this do not fit the lexed-ahead lines' `u32`s.
const NONE_OFFSET: usize = u32::MAX as usize;

/// A file's lines from a line start on, lexed on another thread exactly as [`Pre::line`]
/// would: runs of consecutive lines that need nothing but the lexer (plain or blank, and
/// not over-long), with their tokens, the texts those refer to, and their diagnostics.
struct Ahead {
    runs: Vec<Run>,
    tokens: Vec<XToken>,
    texts: Vec<Box<str>>,
    diags: Vec<Diag>,
    /// The next run to look at.
    next: usize,
}

/// Lines `start..end` (byte offsets; `end` is the next line's start) whose tokens are
/// `tokens[..tokens]` from the previous run's end, and likewise for texts and diagnostics.
#[derive(Clone, Copy)]
struct Run {
    start: u32,
    end: u32,
    tokens: u32,
    texts: u32,
    diags: u32,
}

impl Ahead {
    /// No token limit here: the thread that takes a run checks it against the limit.
    fn lex(text: &str, file: FileId, from: usize) -> Ahead {
        let mut a = Ahead {
            runs: Vec::new(),
            tokens: Vec::with_capacity((text.len() - from) / 9 + 16),
            texts: Vec::new(),
            diags: Vec::new(),
            next: 0,
        };
        let mut buf = Vec::new();
        let mut open: Option<u32> = None;
        let mut pos = from;
        while let Some((start, end, next)) = next_line(text, pos) {
            pos = next;
            let raw = &text[start..end];
            let blank = raw.bytes().all(crate::lexer::is_ws);
            if raw.len() > KEEPALIVED_MAX_LINE || !(blank || plain_line(raw)) {
                if let Some(s) = open.take() {
                    a.close(s, start);
                }
                continue;
            }
            open.get_or_insert(start as u32);
            if !blank {
                if let Some(d) = escaped_quote(raw, |r| Span::new(file, start + r.start, start + r.end)) {
                    a.diags.push(d);
                }
                buf.clear();
                lex_line(raw, true, &mut buf);
                let map = |r: std::ops::Range<usize>| (Span::new(file, start + r.start, start + r.end), None);
                emit(
                    raw,
                    true,
                    &buf,
                    &map,
                    usize::MAX,
                    None,
                    &mut a.tokens,
                    &mut a.texts,
                    &mut a.diags,
                );
            }
        }
        if let Some(s) = open {
            a.close(s, pos);
        }
        a
    }

    fn close(&mut self, start: u32, end: usize) {
        self.runs.push(Run {
            start,
            end: end as u32,
            tokens: self.tokens.len() as u32,
            texts: self.texts.len() as u32,
            diags: self.diags.len() as u32,
        });
    }

    /// Moves the run that starts at `start` to `x`, if there is one and its tokens fit under
    /// `max`; where the lines after it start. Runs before it that were not asked for (their
    /// lines were read as part of a definition) are skipped.
    fn take(&mut self, start: usize, max: usize, x: &mut Expanded) -> Option<usize> {
        while self.runs.get(self.next).is_some_and(|r| (r.start as usize) < start) {
            self.next += 1;
        }
        let (tok, txt, dia) = match self.next.checked_sub(1).map(|i| self.runs[i]) {
            Some(prev) => (prev.tokens as usize, prev.texts as usize, prev.diags as usize),
            None => (0, 0, 0),
        };
        let r = *self.runs.get(self.next)?;
        let tokens = &self.tokens[tok..r.tokens as usize];
        if r.start as usize != start || x.tokens.len() + tokens.len() > max {
            return None;
        }
        if r.texts as usize == txt {
            x.tokens.extend_from_slice(tokens);
        } else {
            // The run's texts keep their order: the first goes to index `x.texts.len()`.
            let base = x.texts.len() as u32;
            x.tokens.extend(tokens.iter().map(|t| XToken {
                text: if t.text == crate::tree::NONE {
                    t.text
                } else {
                    t.text - txt as u32 + base
                },
                ..*t
            }));
            x.texts
                .extend(self.texts[txt..r.texts as usize].iter_mut().map(std::mem::take));
        }
        x.diags.extend_from_slice(&self.diags[dia..r.diags as usize]);
        self.next += 1;
        Some(r.end as usize)
    }
}

/// The lines lexed ahead for one file: still coming from the other thread, or here.
enum AheadState {
    Coming {
        file: FileId,
        from: usize,
        rx: std::sync::mpsc::Receiver<Ahead>,
    },
    Here {
        file: FileId,
        from: usize,
        ahead: Ahead,
    },
}

/// keepalived's comment stripper skips the character after every backslash, also inside
/// double quotes, so a `\"` never closes a string for it (`router_id "a \"`): it reports the
/// quote as unterminated and `keepalived -t` fails, while the tokeniser after it (and Vigil's
/// lexer) reads the string as closed. The finding for such a line, at the quote keepalived
/// leaves open; `None` when both read the quotes alike (an open quote both see is reported by
/// the lexer).
fn escaped_quote(raw: &str, span: impl Fn(std::ops::Range<usize>) -> Span) -> Option<Diag> {
    let b = raw.as_bytes();
    if !b.contains(&b'\\') {
        return None;
    }
    let mut open = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'"' => open = if open.is_some() { None } else { Some(i) },
            b'#' | b'!' if open.is_none() => break,
            _ => {}
        }
        i += 1;
    }
    let at = open?;
    let mut toks = Vec::new();
    lex_line(raw, true, &mut toks);
    if toks.iter().any(|t| t.kind == LexKind::Quoted { terminated: false }) {
        return None;
    }
    Some(
        Diag::error(
            DiagKind::UnterminatedQuote,
            span(at..raw.len()),
            "keepalived never sees this quote closed: it reads `\\\"` as an escaped quote",
        )
        .help("keepalived -t rejects the line (unterminated quote); a string cannot end in a backslash, so drop the backslash before the closing `\"`"),
    )
}

/// A line with no `@`, `$`, `~` or include: its tokens depend on its text alone.
fn plain_line(raw: &str) -> bool {
    let t = raw.trim_start_matches(|c: char| c.is_ascii() && crate::lexer::is_ws(c as u8));
    // `contains(&b'$')` on the bytes is a memchr: much cheaper than a `str` pattern search.
    let dollar = raw.as_bytes().contains(&b'$');
    match t.as_bytes().first() {
        None | Some(b'@' | b'$' | b'~') => false,
        Some(b'i') => include_directive(t).is_none() && !dollar,
        Some(_) => !dollar,
    }
}

/// Decodes bytes as UTF-8, replacing bad sequences; reports the first bad offset.
pub(crate) fn decode(bytes: &[u8]) -> (Arc<str>, Option<usize>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Arc::from(s), None),
        Err(e) => (
            Arc::from(String::from_utf8_lossy(bytes).as_ref()),
            Some(e.valid_up_to()),
        ),
    }
}

/// Splits text into lines: (start, end) without the `\n` and trailing `\r`s.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let (start, end, next) = next_line(text, pos)?;
        pos = next;
        Some((start, end))
    })
}

/// The line that starts at `pos`: (start, end without the `\n` and trailing `\r`s, start of
/// the next line); `None` at the end of the text.
fn next_line(text: &str, pos: usize) -> Option<(usize, usize, usize)> {
    let b = text.as_bytes();
    if pos >= b.len() {
        return None;
    }
    let nl = b[pos..].iter().position(|&c| c == b'\n').map(|p| pos + p);
    let mut end = nl.unwrap_or(b.len());
    while end > pos && b[end - 1] == b'\r' {
        end -= 1;
    }
    Some((pos, end, nl.map_or(b.len(), |p| p + 1)))
}

fn ident_len(b: &[u8]) -> usize {
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => b
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count(),
        _ => 0,
    }
}

/// `include`, `includer`, ... at the start of a line: the directive's letter and where the
/// pattern starts.
pub fn include_directive(text: &str) -> Option<(Option<char>, usize)> {
    let rest = text.strip_prefix("include")?;
    let (letter, rest) = match rest.chars().next() {
        Some(c @ ('r' | 'm' | 'w' | 'b' | 'a')) => (Some(c), &rest[1..]),
        _ => (None, rest),
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let pat = rest.trim_start_matches([' ', '\t']);
    Some((letter, text.len() - pat.len()))
}

/// The longest path there is (`PATH_MAX`): a longer include pattern is not brace-expanded.
const PATH_MAX: usize = 4096;

/// csh-style `{a,b}` expansion, as libc `glob()` does with `GLOB_BRACE`; at most `limit`
/// patterns.
pub fn brace_expand(pattern: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    brace_expand_into(pattern, limit, &mut out);
    out
}

fn brace_expand_into(pattern: &str, limit: usize, out: &mut Vec<String>) {
    if out.len() >= limit {
        return;
    }
    if pattern.len() > PATH_MAX {
        out.push(pattern.to_string());
        return;
    }
    let b = pattern.as_bytes();
    let mut depth = 0usize;
    let mut open = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'{' => {
                if depth == 0 {
                    open = Some(i);
                }
                depth += 1;
            }
            b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let o = open.unwrap_or(0);
                    let inner = &pattern[o + 1..i];
                    let alts = split_top(inner, b',');
                    if alts.len() < 2 {
                        continue;
                    }
                    for alt in alts {
                        if out.len() >= limit {
                            return;
                        }
                        let joined = format!("{}{}{}", &pattern[..o], alt, &pattern[i + 1..]);
                        brace_expand_into(&joined, limit, out);
                    }
                    return;
                }
            }
            _ => {}
        }
    }
    out.push(pattern.to_string());
}

/// Splits at `sep` outside `{...}`.
fn split_top(s: &str, sep: u8) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// C `strtol(s, NULL, 0)` on a whole string: decimal, `0x` hex, leading-`0` octal.
fn parse_c_long(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let v = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse::<i64>().ok()?
    };
    Some(if neg { -v } else { v })
}

struct Pre<'a> {
    fs: &'a dyn FileSystem,
    opts: &'a Options,
    x: Expanded,
    defs: HashMap<String, Def>,
    /// The open files: canonical path and the include line that opened it.
    stack: Vec<(PathBuf, Option<Span>)>,
    bytes_read: usize,
    generated: usize,
    /// (kind, span) pairs already reported, so a generator does not repeat a diagnostic.
    reported: HashSet<(DiagKind, Span)>,
    /// Set when a global limit was hit: stop producing output.
    stopped: bool,
    lex_buf: Vec<LexTok>,
    /// Bytes that expansion produced, for all lines (against `Limits::total_bytes`) and for the
    /// line being substituted (against `Limits::line_bytes`); `line_over` once the line's are
    /// exceeded, which stops its substitution.
    work: usize,
    line_work: usize,
    line_over: bool,
    /// The top file's plain lines lexed on another thread, when it is big.
    ahead: Option<AheadState>,
}

impl Pre<'_> {
    fn diag(&mut self, d: Diag) {
        if self.reported.insert((d.kind, d.span)) {
            self.x.diags.push(d);
        }
    }

    /// Whether the text at hand came, directly or not, through the value of `$name` (a line
    /// that a definition produced, such as a generator's row, referring to that definition).
    fn expanding(&self, mut exp: Option<ExpId>, name: &str) -> bool {
        let mut guard = 0;
        while let Some(id) = exp {
            let e = &self.x.expansions[id.0 as usize];
            if matches!(&e.kind, ExpansionKind::Definition { name: n, .. } if n == name) {
                return true;
            }
            exp = e.parent;
            guard += 1;
            if guard > 1000 {
                break;
            }
        }
        false
    }

    fn push_exp(&mut self, kind: ExpansionKind, site: Span, parent: Option<ExpId>) -> ExpId {
        self.x.expansions.push(Expansion { kind, site, parent });
        ExpId(self.x.expansions.len() as u32 - 1)
    }

    fn limit(&mut self, span: Span, what: String) {
        self.diag(Diag::error(DiagKind::ExpansionLimit, span, what));
    }

    /// Counts `n` bytes that expansion produces (or copies) against `Limits::total_bytes`.
    /// Past it, reports at `site` and stops reading; false then.
    fn charge_total(&mut self, n: usize, site: Span) -> bool {
        self.work = self.work.saturating_add(n);
        if self.work > self.opts.limits.total_bytes && !self.stopped {
            self.limit(
                site,
                format!(
                    "expansions add up to more than {} bytes; reading stopped here",
                    self.opts.limits.total_bytes
                ),
            );
            self.stopped = true;
        }
        !self.stopped
    }

    /// Counts `n` bytes that substitution produces for the line at hand, against
    /// `Limits::line_bytes` and `Limits::total_bytes`. Past either, reports at `site` once
    /// and returns false: the line's substitution stops.
    fn charge(&mut self, n: usize, site: Span) -> bool {
        if self.line_over {
            return false;
        }
        self.line_work = self.line_work.saturating_add(n);
        if !self.charge_total(n, site) {
            self.line_over = true;
        } else if self.line_work > self.opts.limits.line_bytes {
            self.limit(
                site,
                format!(
                    "substitution makes this line longer than {} bytes",
                    self.opts.limits.line_bytes
                ),
            );
            self.line_over = true;
        }
        !self.line_over
    }

    fn run_file(&mut self, file: FileId, via: Option<ExpId>) {
        let text = self.x.sources.get(file).text.clone();
        let mut pending: Option<PendingDef> = None;
        let mut pos = 0;
        while let Some((start, end, next)) = next_line(&text, pos) {
            pos = next;
            if self.stopped {
                return;
            }
            if pending.is_none() && via.is_none() && self.ahead.is_some() {
                if let Some(after) = self.take_ahead(file, start) {
                    pos = after;
                    self.check_tokens();
                    continue;
                }
            }
            let raw = &text[start..end];
            let line_span = Span::new(file, start, end);
            if let Some(p) = &mut pending {
                let d = decomment(raw, line_span, via);
                if d.text.is_empty() {
                    // A blank or comment-only line ends the definition (as in keepalived).
                    let p = pending.take().expect("pending definition");
                    self.finish_def(p);
                    continue;
                }
                if let Some(body) = d.text.strip_suffix('\\') {
                    let body = d.slice(0..body.trim_end().len());
                    if !body.text.is_empty() {
                        p.lines.push(body);
                    }
                    continue;
                }
                p.lines.push(d);
                let p = pending.take().expect("pending definition");
                self.finish_def(p);
                continue;
            }
            if raw.len() > KEEPALIVED_MAX_LINE {
                self.diag(
                    Diag::warning(
                        DiagKind::LineTooLong,
                        line_span,
                        format!("this line is {} bytes long; keepalived reads at most {KEEPALIVED_MAX_LINE}", raw.len()),
                    )
                    .help("keepalived 2.4 ignores such a line and 2.2 splits it into pieces; Vigil reads it whole. Shorten it, for example with a $NAME definition"),
                );
            }
            self.line(file, start, raw, via, &mut pending);
        }
        if let Some(p) = pending {
            self.finish_def(p);
        }
    }

    fn finish_def(&mut self, p: PendingDef) {
        self.defs.insert(
            p.name,
            Def {
                lines: p.lines,
                name_span: Some(p.name_span),
            },
        );
    }

    /// One physical line.
    fn line(&mut self, file: FileId, base: usize, raw: &str, via: Option<ExpId>, pending: &mut Option<PendingDef>) {
        if raw.bytes().all(crate::lexer::is_ws) {
            return;
        }
        if let Some(d) = escaped_quote(raw, |r| Span::new(file, base + r.start, base + r.end)) {
            self.x.diags.push(d);
        }
        if plain_line(raw) {
            let mut buf = std::mem::take(&mut self.lex_buf);
            buf.clear();
            lex_line(raw, true, &mut buf);
            let map = |r: std::ops::Range<usize>| (Span::new(file, base + r.start, base + r.end), via);
            let max = self.opts.limits.tokens;
            emit(
                raw,
                true,
                &buf,
                &map,
                max,
                None,
                &mut self.x.tokens,
                &mut self.x.texts,
                &mut self.x.diags,
            );
            self.lex_buf = buf;
            self.check_tokens();
            return;
        }
        let s = decomment(raw, Span::new(file, base, base + raw.len()), via);
        self.logical(s, file, via, 0, pending);
    }

    /// Copies the run of lines of `file` that starts at `base` from the lines lexed ahead, if
    /// there is one; where the lines after it start.
    fn take_ahead(&mut self, file: FileId, base: usize) -> Option<usize> {
        let max = self.opts.limits.tokens;
        match &self.ahead {
            Some(AheadState::Coming { file: f, from, .. }) if *f == file && base >= *from => {
                let Some(AheadState::Coming { file, from, rx }) = self.ahead.take() else {
                    return None;
                };
                // Only a panic on the other thread leaves nothing to receive; then this
                // thread lexes the lines itself.
                if let Ok(ahead) = rx.recv() {
                    self.ahead = Some(AheadState::Here { file, from, ahead });
                }
            }
            _ => {}
        }
        match &mut self.ahead {
            Some(AheadState::Here { file: f, from, ahead }) if *f == file && base >= *from => {
                ahead.take(base, max, &mut self.x)
            }
            _ => None,
        }
    }

    fn check_tokens(&mut self) {
        if self.x.tokens.len() > self.opts.limits.tokens && !self.stopped {
            let span = self
                .x
                .tokens
                .last()
                .map(|t| t.span)
                .unwrap_or(Span::new(FileId(0), 0, 0));
            self.limit(
                span,
                format!(
                    "the expanded configuration has more than {} tokens; reading stopped here",
                    self.opts.limits.tokens
                ),
            );
            self.stopped = true;
        }
    }

    /// One logical line: decommented text with origins.
    fn logical(
        &mut self,
        s: SegText,
        file: FileId,
        via: Option<ExpId>,
        depth: usize,
        pending: &mut Option<PendingDef>,
    ) {
        if self.stopped {
            return;
        }
        let exps = &self.x.expansions;
        let whole = |s: &SegText| s.span_of(0..s.text.len(), via, exps).0;
        if depth > self.opts.limits.expansion_depth {
            let span = whole(&s);
            self.limit(
                span,
                "expansions nest too deeply here (a definition that refers to itself?)".into(),
            );
            return;
        }
        let t = s.text.as_str();
        if t.is_empty() {
            return;
        }
        let b = t.as_bytes();
        // 1. `@ID` / `@^ID`
        if b[0] == b'@' {
            let (neg, id_start) = if b.get(1) == Some(&b'^') { (true, 2) } else { (false, 1) };
            let id_end = b[id_start..]
                .iter()
                .position(|&c| c == b' ' || c == b'\t')
                .map(|p| id_start + p);
            let Some(id_end) = id_end else {
                let span = whole(&s);
                self.diag(
                    Diag::warning(
                        DiagKind::EmptyConditional,
                        span,
                        "a conditional line with nothing after its id does nothing",
                    )
                    .help("write the statement after the id: `@node1 priority 150`"),
                );
                return;
            };
            let id = &t[id_start..id_end];
            let keep = (self.opts.config_id.as_deref() == Some(id)) != neg;
            if !keep {
                return;
            }
            let rest_start = id_end + (t.len() - id_end - t[id_end..].trim_start().len());
            let rest = s.slice(rest_start..t.len());
            if include_directive(&rest.text).is_some() {
                let span = whole(&s);
                self.diag(Diag::warning(DiagKind::ConditionalInclude, span, "keepalived reads an include behind a conditional twice")
                    .help("keepalived's consolidated copy keeps this line, so its child processes include the file again and report duplicates; put the condition inside the included file instead"));
            }
            return self.logical(rest, file, via, depth + 1, pending);
        }
        // 2. `$NAME=VALUE`
        if b[0] == b'$' {
            let n = ident_len(&b[1..]);
            if n > 0 && b.get(1 + n) == Some(&b'=') {
                let name = t[1..1 + n].to_string();
                let name_span = s.span_of(1..1 + n, via, exps).0;
                let vstart = 2 + n + (t.len() - 2 - n - t[2 + n..].trim_start().len());
                let value = s.slice(vstart..t.len());
                if let Some(body) = value.text.strip_suffix('\\') {
                    let first = value.slice(0..body.trim_end().len());
                    let lines = if first.text.is_empty() { vec![] } else { vec![first] };
                    *pending = Some(PendingDef { name, name_span, lines });
                } else {
                    self.defs.insert(
                        name,
                        Def {
                            lines: vec![value],
                            name_span: Some(name_span),
                        },
                    );
                }
                return;
            }
            if n > 0 && t[1 + n..].trim_start().starts_with('=') && b[1 + n].is_ascii_whitespace() {
                let span = s.span_of(0..t.len(), via, exps).0;
                self.diag(
                    Diag::error(
                        DiagKind::SpaceBeforeEquals,
                        span,
                        format!(
                            "`${}` is not defined here: a definition has no space before `=`",
                            &t[1..1 + n]
                        ),
                    )
                    .help(format!(
                        "write `${}={}`; keepalived reads this line as an unknown keyword",
                        &t[1..1 + n],
                        t[1 + n..].trim_start()[1..].trim_start()
                    )),
                );
                return;
            }
        }
        // 3. `~SEQ` / `~SEQx` / `~LST`
        if t.starts_with("~SEQ") || t.starts_with("~LST") {
            self.generator(s, file, via, depth, pending);
            return;
        }
        // 4. substitution
        let mut s = s;
        let mut extra = Vec::new();
        if s.text.contains('$') {
            let mut names = Vec::new();
            let (ns, ex) = self.substitute(&s, file, via, &mut names);
            s = ns.trimmed();
            extra = ex;
            if s.text.starts_with('@') || s.text.starts_with("~SEQ") || s.text.starts_with("~LST") {
                self.logical(s, file, via, depth + 1, pending);
                for e in extra {
                    self.logical(e, file, via, depth + 1, pending);
                }
                return;
            }
        }
        // 5. include
        if let Some((letter, pat)) = include_directive(&s.text) {
            self.include(&s, letter, pat, file, via);
        } else {
            // 6. tokens
            let mut buf = std::mem::take(&mut self.lex_buf);
            buf.clear();
            lex_line(&s.text, false, &mut buf);
            let exps = &self.x.expansions;
            let map = |r: std::ops::Range<usize>| s.span_of(r, via, exps);
            let max = self.opts.limits.tokens;
            emit(
                &s.text,
                false,
                &buf,
                &map,
                max,
                Some(&self.x.sources),
                &mut self.x.tokens,
                &mut self.x.texts,
                &mut self.x.diags,
            );
            self.lex_buf = buf;
            self.check_tokens();
        }
        for e in extra {
            self.logical(e, file, via, depth + 1, pending);
        }
    }

    /// The value of a predefined name, or an error message.
    fn predefined(&self, name: &str, params: &[&str], file: FileId) -> Option<Result<String, String>> {
        let count = |lo: usize, hi: usize| {
            if params.len() < lo || params.len() > hi {
                Err(format!(
                    "`{name}` takes between {lo} and {hi} parameters, {} given",
                    params.len()
                ))
            } else {
                Ok(())
            }
        };
        Some(match name {
            "_PWD" => count(0, 0).map(|_| {
                let p = &self.x.sources.get(file).path;
                p.parent().map(|d| d.display().to_string()).unwrap_or_default()
            }),
            "_INSTANCE" => count(0, 0).map(|_| self.opts.config_id.clone().unwrap_or_default()),
            "_HASH" => count(0, 0).map(|_| "#".into()),
            "_BANG" => count(0, 0).map(|_| "!".into()),
            // Random in keepalived; the lower bound here, so that checking is repeatable.
            "_RANDOM" => count(0, 2).and_then(|_| {
                if params
                    .iter()
                    .any(|p| !p.bytes().all(|c| c.is_ascii_digit()) || p.is_empty())
                {
                    return Err("`_RANDOM` takes numeric parameters only".into());
                }
                Ok(params.first().map_or("0".to_string(), |p| p.to_string()))
            }),
            "_ENV" => count(1, 1).map(|_| std::env::var(params[0]).unwrap_or_default()),
            _ => return None,
        })
    }

    /// Replaces every known `$NAME` and `${NAME ...}` in `s`. Returns the new line and, when a
    /// multi-line definition ended the line, the lines that follow it.
    fn substitute(
        &mut self,
        s: &SegText,
        file: FileId,
        via: Option<ExpId>,
        names: &mut Vec<String>,
    ) -> (SegText, Vec<SegText>) {
        // `s` is the line itself (its text is counted as input) or, nested, a definition's
        // value (its text counts against the line's substitution budget).
        let nested = !names.is_empty();
        if !nested {
            self.line_work = 0;
            self.line_over = false;
        }
        let b = s.text.as_bytes();
        let n = b.len();
        let mut out = SegText::default();
        let mut extra = Vec::new();
        let mut copied = 0;
        let mut in_quote = false;
        // The first `}` at or after some position, found once for all the `${` before it.
        let mut next_close: Option<Option<usize>> = None;
        let mut i = 0;
        while i < n {
            let c = b[i];
            if c == b'"' {
                in_quote = !in_quote;
            }
            if c != b'$' {
                i += 1;
                continue;
            }
            // Parse a reference at i.
            let (name, params, end): (&str, Vec<&str>, usize) = if b.get(i + 1) == Some(&b'{') {
                let close = match next_close {
                    Some(Some(c)) if c >= i + 2 => Some(c),
                    Some(None) => None,
                    _ => {
                        let c = b[i + 2..].iter().position(|&c| c == b'}').map(|p| i + 2 + p);
                        next_close = Some(c);
                        c
                    }
                };
                let Some(close) = close else {
                    i += 1;
                    continue;
                };
                let inner = &s.text[i + 2..close];
                let nl = ident_len(inner.as_bytes());
                let rest = &inner[nl..];
                if nl == 0 || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
                    i += 1;
                    continue;
                }
                (&inner[..nl], rest.split_whitespace().collect(), close + 1)
            } else {
                let nl = ident_len(&b[i + 1..]);
                let end = i + 1 + nl;
                if nl == 0 {
                    i += 1;
                    continue;
                }
                if !(end == n || matches!(b[end], b' ' | b'\t' | b',' | b')')) {
                    let name = &s.text[i + 1..end];
                    if !in_quote && (self.defs.contains_key(name) || self.predefined(name, &[], file).is_some()) {
                        let site = s.span_of(i..end, via, &self.x.expansions).0;
                        self.diag(
                            Diag::warning(
                                DiagKind::UnsubstitutedReference,
                                site,
                                format!(
                                    "`${name}` is not replaced here, because `{}` follows it",
                                    s.text[end..].chars().next().unwrap_or(' ')
                                ),
                            )
                            .help(format!(
                                "keepalived replaces `$NAME` only before a space, a tab, `,`, `)` or the end of the line; write `${{{name}}}`"
                            )),
                        );
                    }
                    i = end;
                    continue;
                }
                (&s.text[i + 1..end], Vec::new(), end)
            };
            let name = name.to_string();
            let (site, site_exp) = s.span_of(i..end, via, &self.x.expansions);
            let parent = s.exp_at(i);
            let value: Option<Vec<SegText>> = if self.defs.contains_key(&name) {
                if !params.is_empty() {
                    self.diag(Diag::warning(DiagKind::BadDefinitionArguments, site, format!("`{name}` is your own definition and takes no parameters; keepalived leaves this reference in the text")));
                    None
                } else if names.contains(&name) || self.expanding(parent, &name) {
                    self.diag(
                        Diag::error(DiagKind::DefinitionLoop, site, format!("`${name}` refers to itself"))
                            .help("a definition may not use itself, directly or through other definitions"),
                    );
                    None
                } else {
                    let def = self.defs[&name].clone();
                    let exp = self.push_exp(
                        ExpansionKind::Definition {
                            name: name.clone(),
                            definition: def.name_span,
                        },
                        site,
                        parent,
                    );
                    let lines = def
                        .lines
                        .into_iter()
                        .map(|mut l| {
                            l.retag_all(Some(exp));
                            l
                        })
                        .collect();
                    Some(lines)
                }
            } else {
                match self.predefined(&name, &params, file) {
                    Some(Ok(v)) => {
                        let exp = self.push_exp(
                            ExpansionKind::Definition {
                                name: name.clone(),
                                definition: None,
                            },
                            site,
                            parent,
                        );
                        Some(vec![SegText::synthetic(&v, site, Some(exp))])
                    }
                    Some(Err(msg)) => {
                        self.diag(Diag::error(DiagKind::BadDefinitionArguments, site, msg));
                        None
                    }
                    None => {
                        if !in_quote {
                            self.diag(
                                Diag::warning(DiagKind::UndefinedName, site, format!("`${name}` is not defined"))
                                    .help("keepalived leaves an undefined name in the text as it is; define it with `$NAME=value` before this line"),
                            );
                        }
                        None
                    }
                }
            };
            let _ = site_exp;
            let Some(lines) = value else {
                i = end;
                continue;
            };
            let mut lines = lines.into_iter();
            let first = lines.next().unwrap_or_default();
            let rest: Vec<SegText> = lines.collect();
            // Charged: the record of the expansion; a value's text before the reference and the
            // reference itself; the lines after the first of the value (copied, used or not).
            let cost = std::mem::size_of::<Expansion>()
                + name.len()
                + if nested { end - copied } else { 0 }
                + rest.iter().map(|l| l.text.len()).sum::<usize>();
            if !self.charge(cost, site) {
                return (out, Vec::new());
            }
            out.push_from(s, copied..i);
            if !rest.is_empty() && !s.text[end..].trim().is_empty() {
                self.diag(
                    Diag::error(
                        DiagKind::MultiLineDefinitionMidLine,
                        site,
                        format!("`${name}` spans several lines, so it must be the last thing on its line"),
                    )
                    .help("keepalived only expands a multi-line definition at the end of a line"),
                );
            } else {
                // Read as lines of their own, they count as generated lines.
                self.generated += rest.len();
                if self.generated > self.opts.limits.generated_lines {
                    self.limit(
                        site,
                        format!(
                            "definitions and generators produced more than {} lines; reading stopped here",
                            self.opts.limits.generated_lines
                        ),
                    );
                    self.stopped = true;
                    self.line_over = true;
                    return (out, Vec::new());
                }
                extra.extend(rest);
            }
            // A value that starts with `~` is a generator line: its `$var` are the generator's.
            let tilde = first.text.trim_start().starts_with('~');
            let (first, more) = if first.text.contains('$') && !tilde {
                if names.len() >= self.opts.limits.expansion_depth {
                    self.limit(
                        site,
                        format!(
                            "definitions nest more than {} deep here",
                            self.opts.limits.expansion_depth
                        ),
                    );
                    self.line_over = true;
                    return (out, Vec::new());
                }
                names.push(name);
                let r = self.substitute(&first, file, via, names);
                names.pop();
                r
            } else if self.charge(first.text.len(), site) {
                (first, Vec::new())
            } else {
                return (out, Vec::new());
            };
            if self.line_over {
                return (out, Vec::new());
            }
            out.push_all(&first);
            extra.splice(0..0, more);
            copied = end;
            i = end;
            if tilde {
                break;
            }
        }
        if nested && n > copied {
            let site = s.span_of(copied..n, via, &self.x.expansions).0;
            if !self.charge(n - copied, site) {
                return (out, Vec::new());
            }
        }
        out.push_from(s, copied..n);
        (out, extra)
    }

    fn generator(
        &mut self,
        s: SegText,
        file: FileId,
        via: Option<ExpId>,
        depth: usize,
        pending: &mut Option<PendingDef>,
    ) {
        let t = &s.text;
        let (kind, open) = if t.starts_with("~SEQx(") {
            ("SEQx", 6)
        } else if t.starts_with("~SEQ(") {
            ("SEQ", 5)
        } else if t.starts_with("~LST(") {
            ("LST", 5)
        } else {
            let mut e = t.len().min(5);
            while !t.is_char_boundary(e) {
                e += 1;
            }
            let span = s.span_of(0..e, via, &self.x.expansions).0;
            self.diag(Diag::error(
                DiagKind::BadGenerator,
                span,
                "expected `~SEQ(`, `~SEQx(` or `~LST(`",
            ));
            return;
        };
        let Some(close) = t[open..].find(')').map(|p| open + p) else {
            let span = s.span_of(0..t.len(), via, &self.x.expansions).0;
            self.diag(Diag::error(
                DiagKind::BadGenerator,
                span,
                format!("`~{kind}(` has no closing `)`"),
            ));
            return;
        };
        let site = s.span_of(0..close + 1, via, &self.x.expansions).0;
        let args_text = if t[open..close].contains('$') {
            let mut names = Vec::new();
            self.substitute(&s.slice(open..close), file, via, &mut names).0.text
        } else {
            t[open..close].to_string()
        };
        let rest_start = close + 1 + (t.len() - close - 1 - t[close + 1..].trim_start().len());
        let rest = s.slice(rest_start..t.len());
        let bad = |this: &mut Self, msg: String| this.diag(Diag::error(DiagKind::BadGenerator, site, msg));

        // (variables, rows of values)
        let args: Vec<&str> = split_top(&args_text, b',').into_iter().map(str::trim).collect();
        let (vars, rows): (Vec<String>, Vec<Vec<String>>) = if kind == "LST" {
            if args.len() < 2 {
                return bad(self, "`~LST` needs a variable and at least one value".into());
            }
            let vars: Vec<String> = match args[0].strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
                Some(inner) => inner.split(',').map(|v| v.trim().to_string()).collect(),
                None => vec![args[0].to_string()],
            };
            let mut rows = Vec::new();
            for a in &args[1..] {
                let vals: Vec<String> = match a.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
                    Some(inner) if vars.len() > 1 => inner.split(',').map(|v| v.trim().to_string()).collect(),
                    _ => vec![a.to_string()],
                };
                if vals.len() > vars.len() {
                    return bad(self, format!("`{a}` has more values than `~LST` has variables"));
                }
                let mut row = vals;
                row.resize(vars.len(), String::new());
                rows.push(row);
            }
            (vars, rows)
        } else {
            if !(2..=4).contains(&args.len()) {
                return bad(
                    self,
                    format!(
                        "`~{kind}` takes a variable and one to three numbers, {} given",
                        args.len().saturating_sub(1)
                    ),
                );
            }
            let mut nums = Vec::new();
            for a in &args[1..] {
                match parse_c_long(a) {
                    Some(v) => nums.push(v),
                    None => return bad(self, format!("`{a}` is not a number")),
                }
            }
            let (start, step, end) = match nums.as_slice() {
                // keepalived 2.2.7: `~SEQ(v,0)` gives 1, 0 and `~SEQ(v,-2)` gives -1, -2.
                [end] => (if *end >= 0 { 1 } else { -1 }, if *end >= 1 { 1 } else { -1 }, *end),
                [start, end] => (*start, if end >= start { 1 } else { -1 }, *end),
                [start, step, end] => (*start, *step, *end),
                _ => unreachable!("checked length"),
            };
            if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
                return bad(self, format!("`~{kind}` from {start} by {step} never reaches {end}"));
            }
            if kind == "SEQx" && (start < 0 || end < 0) {
                return bad(self, "`~SEQx` takes positive numbers only".into());
            }
            let count = (end.abs_diff(start) / step.unsigned_abs()) as usize + 1;
            if count > self.opts.limits.generated_lines {
                return self.limit(site, format!("`~{kind}` would produce {count} lines"));
            }
            let mut rows = Vec::with_capacity(count);
            let mut v = start;
            for _ in 0..count {
                rows.push(vec![if kind == "SEQx" {
                    format!("{v:x}")
                } else {
                    v.to_string()
                }]);
                v += step;
            }
            (vec![args[0].to_string()], rows)
        };
        if let Some(v) = vars.iter().find(|v| ident_len(v.as_bytes()) != v.len() || v.is_empty()) {
            return bad(self, format!("`{v}` is not a valid variable name"));
        }
        for row in rows {
            self.generated += 1;
            if self.generated > self.opts.limits.generated_lines {
                self.limit(
                    site,
                    format!(
                        "generators produced more than {} lines; reading stopped here",
                        self.opts.limits.generated_lines
                    ),
                );
                self.stopped = true;
                return;
            }
            // Each row records its expansion and copies the rest of the line.
            if !self.charge_total(std::mem::size_of::<Expansion>() + rest.text.len(), site) {
                return;
            }
            let value = row.join(",");
            let exp = self.push_exp(
                ExpansionKind::Generator {
                    var: vars.join(","),
                    value,
                },
                site,
                via,
            );
            let saved: Vec<(String, Option<Def>)> = vars
                .iter()
                .zip(&row)
                .map(|(var, val)| {
                    let def = Def {
                        lines: vec![SegText::synthetic(val, site, Some(exp))],
                        name_span: None,
                    };
                    (var.clone(), self.defs.insert(var.clone(), def))
                })
                .collect();
            let mut line = rest.clone();
            line.retag(via, Some(exp));
            self.logical(line, file, Some(exp), depth + 1, pending);
            for (var, old) in saved {
                match old {
                    Some(d) => self.defs.insert(var, d),
                    None => self.defs.remove(&var),
                };
            }
            if self.stopped {
                return;
            }
        }
    }

    fn include(&mut self, s: &SegText, letter: Option<char>, pat: usize, file: FileId, via: Option<ExpId>) {
        let site = s.span_of(0..s.text.len(), via, &self.x.expansions).0;
        let pattern = s.text[pat..].trim().to_string();
        let strict = letter.is_some();
        let sev = if strict { Severity::Error } else { Severity::Warning };
        if pattern.is_empty() {
            self.diag(Diag::error(DiagKind::IncludeNotFound, site, "include names no file"));
            return;
        }
        let dir = self
            .x
            .sources
            .get(file)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for alt in brace_expand(&pattern, 1000) {
            let full = if Path::new(&alt).is_absolute() {
                PathBuf::from(&alt)
            } else {
                dir.join(&alt)
            };
            let full_s = full.to_string_lossy().to_string();
            let wildcard = alt.contains(['*', '?', '[']);
            let matches = if wildcard {
                self.fs.glob(&full_s).unwrap_or_default()
            } else if self.fs.kind(&full) != FileKind::Missing {
                vec![full.clone()]
            } else {
                Vec::new()
            };
            if matches.is_empty() {
                let what = if wildcard { "matches no file" } else { "does not exist" };
                // What keepalived 2.2.7 fails on: `includem`, `includew` and `includea` whenever
                // nothing matches, `includeb` when a `{a,b}` alternative matches nothing;
                // `include` and `includer` go on without the file.
                let fatal = matches!(letter, Some('m' | 'w' | 'a')) || (letter == Some('b') && pattern.contains('{'));
                let sev = if fatal { Severity::Error } else { Severity::Warning };
                let mut d = Diag::new(DiagKind::IncludeNotFound, sev, site, format!("`{full_s}` {what}"));
                if !fatal {
                    d = d.help("keepalived skips a missing file here without an error; check the path (it is relative to the including file's folder)");
                }
                self.diag(d);
                continue;
            }
            for m in matches {
                let kind = self.fs.kind(&m);
                let why = match kind {
                    FileKind::Directory => Some("is a directory"),
                    FileKind::Executable => Some("is executable"),
                    FileKind::Other => Some("is not a regular file"),
                    FileKind::Missing => Some("does not exist"),
                    FileKind::Regular => None,
                };
                if let Some(why) = why {
                    self.diag(Diag::new(
                        DiagKind::IncludeNotRegular,
                        sev,
                        site,
                        format!("`{}` {why}; keepalived skips it", m.display()),
                    ));
                    continue;
                }
                let canon = self.fs.canonical(&m);
                if let Some(pos) = self.stack.iter().position(|(p, _)| *p == canon) {
                    let mut d = Diag::error(DiagKind::IncludeCycle, site, format!("`{}` is already being read: this include makes a cycle", m.display()))
                        .help("keepalived would include the files again and again until it runs out of file descriptors; remove one of the includes");
                    for (_, opened) in self.stack[pos + 1..].iter() {
                        if let Some(sp) = opened {
                            d = d.label(*sp, "included from here");
                        }
                    }
                    self.diag(d);
                    continue;
                }
                if self.stack.len() > self.opts.limits.include_depth {
                    self.limit(
                        site,
                        format!("includes nest more than {} deep", self.opts.limits.include_depth),
                    );
                    continue;
                }
                if self.x.sources.len() >= self.opts.limits.files {
                    self.limit(
                        site,
                        format!(
                            "more than {} files are included; reading stopped here",
                            self.opts.limits.files
                        ),
                    );
                    self.stopped = true;
                    return;
                }
                let bytes = match self.fs.read(&m) {
                    Ok(b) => b,
                    Err(e) => {
                        self.diag(Diag::new(
                            DiagKind::IncludeUnreadable,
                            sev,
                            site,
                            format!("`{}` cannot be read: {e}", m.display()),
                        ));
                        continue;
                    }
                };
                self.bytes_read += bytes.len();
                if self.bytes_read > self.opts.limits.total_bytes {
                    self.limit(
                        site,
                        format!(
                            "the included files add up to more than {} bytes; reading stopped here",
                            self.opts.limits.total_bytes
                        ),
                    );
                    self.stopped = true;
                    return;
                }
                let (text, bad) = decode(&bytes);
                let id = self.x.sources.add(m.clone(), text);
                if let Some(at) = bad {
                    self.diag(Diag::error(
                        DiagKind::InvalidUtf8,
                        Span::new(id, at, at + char::REPLACEMENT_CHARACTER.len_utf8()),
                        "this file is not valid UTF-8; the bad bytes were read as U+FFFD",
                    ));
                }
                let exp = self.push_exp(ExpansionKind::Include { file: id }, site, via);
                self.stack.push((canon, Some(site)));
                self.run_file(id, Some(exp));
                self.stack.pop();
                if self.stopped {
                    return;
                }
            }
        }
    }
}

/// Removes the comment and `\#`/`\!` escapes and trims, keeping origins.
fn decomment(raw: &str, span: Span, via: Option<ExpId>) -> SegText {
    let b = raw.as_bytes();
    let mut out = SegText::default();
    let src = SegText::verbatim(raw, span, via);
    let mut in_quote = false;
    let mut from = 0;
    let mut end = b.len();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => in_quote = !in_quote,
            b'#' | b'!' if !in_quote => {
                end = i;
                break;
            }
            b'\\' if !in_quote && matches!(b.get(i + 1), Some(b'#') | Some(b'!')) => {
                out.push_from(&src, from..i);
                from = i + 1;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_from(&src, from..end);
    out.trimmed()
}

/// Turns lexed tokens into expanded tokens, reporting lexical errors. `sources` is `None`
/// when `map` gives each token the span of its own text in a file (a plain line): its text
/// is then the source's whenever lexing did not change it.
#[allow(clippy::too_many_arguments)]
fn emit(
    line: &str,
    comments: bool,
    toks: &[LexTok],
    map: &dyn Fn(std::ops::Range<usize>) -> (Span, Option<ExpId>),
    max: usize,
    sources: Option<&SourceMap>,
    out: &mut Vec<XToken>,
    texts: &mut Vec<Box<str>>,
    diags: &mut Vec<Diag>,
) {
    let before = out.len();
    for t in toks {
        if out.len() > max {
            break;
        }
        let kind = match t.kind {
            LexKind::Ws | LexKind::Comment => continue,
            LexKind::Word => XKind::Word,
            LexKind::Quoted { .. } => XKind::Quoted,
            LexKind::LBrace => XKind::LBrace,
            LexKind::RBrace => XKind::RBrace,
            LexKind::Bad => XKind::Bad,
        };
        let (span, exp) = map(t.range());
        match t.kind {
            LexKind::Quoted { terminated: false } => diags.push(
                Diag::error(DiagKind::UnterminatedQuote, span, "this quote is never closed")
                    .help("add the closing `\"`; keepalived drops the rest of such a line"),
            ),
            LexKind::Bad => diags.push(Diag::error(
                DiagKind::ControlCharacter,
                span,
                "control characters have no place in a config",
            )),
            _ => {}
        }
        let raw = &line[t.range()];
        let value = t.value(line, comments);
        let verbatim = matches!(value, std::borrow::Cow::Borrowed(_))
            && sources.is_none_or(|sources| (span.file.0 as usize) < sources.len() && sources.slice(span) == raw);
        let text = if verbatim {
            crate::tree::NONE
        } else {
            texts.push(value.into());
            texts.len() as u32 - 1
        };
        out.push(XToken {
            span,
            exp: exp.map_or(crate::tree::NONE, |e| e.0),
            text,
            kind,
            line_end: false,
        });
    }
    if out.len() > before {
        if let Some(last) = out.last_mut() {
            last.line_end = true;
        }
    }
}
