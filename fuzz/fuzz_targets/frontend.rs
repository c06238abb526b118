//! The front end on arbitrary bytes.
//!
//! The input is a small set of files: split at `\n%%%%\n` into at most four parts, which
//! become `/f/0.conf` (the top file) to `/f/3.conf` in a `MemFs`, so the top file can include
//! the others, by name or by glob, and itself. It is parsed with tight but realistic limits;
//! every span must lie in its file at char boundaries; the top file's lossless view must cover
//! every byte; and when the top file formats, the result must format to itself with the same
//! significant tokens and comments; reading on two threads must give the same parse as
//! reading on one. Any violation panics: that is a bug.
#![no_main]

use common::{options, split};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use vigil_grammar::lexer::{is_ws, lex_line, LexKind, LexTok};
use vigil_grammar::{format, parse_bytes, parse_lossless, FileId, MemFs, Parsed, Span};

mod common;

fn in_text(text: &str, span: Span) -> bool {
    let (s, e) = (span.start as usize, span.end as usize);
    s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
}

fn check_spans(p: &Parsed) {
    let check = |span: Span, what: &dyn Fn() -> String| {
        assert!(
            (span.file.0 as usize) < p.sources.len(),
            "{}: no file {}",
            what(),
            span.file.0
        );
        let text = &p.sources.get(span.file).text;
        assert!(
            in_text(text, span),
            "{}: bad span {span:?} in {} bytes",
            what(),
            text.len()
        );
    };
    for (_, node) in p.tree.walk() {
        check(node.span(), &|| "node".into());
        for w in node.words().iter() {
            check(w.span(), &|| format!("word {:?}", w.text()));
        }
        if let Some(b) = node.block() {
            check(b.open(), &|| "block open".into());
            if let Some(c) = b.close() {
                check(c, &|| "block close".into());
            }
        }
    }
    for d in &p.diags {
        check(d.span, &|| format!("diagnostic {:?}: {}", d.kind, d.message));
        for l in &d.labels {
            check(l.span, &|| format!("label of {:?}: {}", d.kind, l.message));
        }
    }
    for e in &p.expansions {
        check(e.site, &|| format!("expansion {:?}", e.kind));
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Sig<'a> {
    Tok(&'a str),
    /// A comment or an open quote: it runs to the end of the line, whose trailing white
    /// space does not count.
    ToEnd(&'a str),
}

fn significant(text: &str) -> Vec<Sig<'_>> {
    let mut out = Vec::new();
    let mut toks: Vec<LexTok> = Vec::new();
    for raw in text.split('\n') {
        let line = raw.trim_end_matches('\r');
        toks.clear();
        lex_line(line, true, &mut toks);
        for t in &toks {
            let s = &line[t.range()];
            match t.kind {
                LexKind::Ws => {}
                LexKind::Comment => out.push(Sig::ToEnd(s.trim_end())),
                LexKind::Quoted { terminated: false } => {
                    out.push(Sig::ToEnd(s.trim_end_matches(|c: char| c.is_ascii() && is_ws(c as u8))))
                }
                _ => out.push(Sig::Tok(s)),
            }
        }
    }
    out
}

fn check_text(text: &str) {
    let lossless = parse_lossless(FileId(0), text);
    for d in &lossless.diags {
        assert!(
            in_text(text, d.span),
            "lossless diagnostic {:?} at {:?}",
            d.kind,
            d.span
        );
    }
    for line in &lossless.lines {
        let raw = line.text(text);
        let mut at = 0;
        for t in &line.tokens {
            assert_eq!(t.start as usize, at, "the lossless tokens of {raw:?} leave a gap");
            at = t.end as usize;
        }
        assert_eq!(at, raw.len(), "the lossless tokens of {raw:?} stop short");
    }
    if let Ok(y) = format(text) {
        match format(&y) {
            Ok(z) => assert_eq!(z, y, "format is not idempotent"),
            Err(d) => panic!("format refuses its own output {y:?}: {d:?}"),
        }
        assert_eq!(
            significant(text),
            significant(&y),
            "format changed the tokens into {y:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = split(data);
    let mut fs = MemFs::new();
    for (i, p) in parts.iter().enumerate() {
        fs.insert(format!("/f/{i}.conf"), p.to_vec());
    }
    let parsed = parse_bytes(Path::new("/f/0.conf"), parts[0], &options(), &fs);
    check_spans(&parsed);
    // Read on two threads (the second lexing ahead, the parser in two halves): the same.
    let two = vigil_grammar::Options {
        parallel_min_bytes: 0,
        ..options()
    };
    let parallel = parse_bytes(Path::new("/f/0.conf"), parts[0], &two, &fs);
    assert_eq!(
        format!("{parallel:?}"),
        format!("{parsed:?}"),
        "reading on two threads differs from reading on one"
    );
    check_text(&String::from_utf8_lossy(parts[0]));
});
