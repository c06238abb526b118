//! The formatter on real configurations and on the fixtures: it is idempotent, keeps every
//! comment and every significant token, line by line, and changes only layout.

mod common;

use common::Fixture;
use std::path::PathBuf;
use vigil_grammar::lexer::{lex, LexKind};
use vigil_grammar::{format, DiagKind};

/// The lines of a text that hold something, each as its tokens without white space (a
/// comment without its trailing white space). Blank lines carry no meaning: the formatter
/// may drop some of them.
fn significant_lines(text: &str) -> Vec<Vec<(LexKind, String)>> {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches('\r');
        let toks: Vec<(LexKind, String)> = lex(line)
            .into_iter()
            .filter(|t| t.kind != LexKind::Ws)
            .map(|t| {
                let s = &line[t.range()];
                let s = if t.kind == LexKind::Comment { s.trim_end() } else { s };
                (t.kind, s.to_string())
            })
            .collect();
        if !toks.is_empty() {
            out.push(toks);
        }
    }
    out
}

fn comments(text: &str) -> Vec<String> {
    significant_lines(text)
        .into_iter()
        .flatten()
        .filter(|(k, _)| *k == LexKind::Comment)
        .map(|(_, s)| s)
        .collect()
}

/// Formats `text` and checks the formatter's promises. `Err` when it refuses the text.
fn check(name: &str, text: &str) -> Result<(), Vec<DiagKind>> {
    let once = format(text).map_err(|ds| ds.iter().map(|d| d.kind).collect::<Vec<_>>())?;
    let twice = format(&once).unwrap_or_else(|ds| panic!("{name}: the formatted text is refused: {ds:?}"));
    assert_eq!(twice, once, "{name}: formatting is not idempotent");
    assert_eq!(comments(&once), comments(text), "{name}: comments changed");
    assert_eq!(
        significant_lines(&once),
        significant_lines(text),
        "{name}: the tokens or the line breaks changed"
    );
    assert!(once.ends_with('\n') || once.is_empty(), "{name}: no final line end");
    assert!(!once.contains('\r'), "{name}: a CR is left");
    assert!(!once.contains("\n\n\n"), "{name}: more than one blank line in a row");
    for l in once.lines() {
        assert_eq!(l, l.trim_end_matches([' ', '\t']), "{name}: trailing white space");
    }
    Ok(())
}

/// Checks every file; returns the names of the refused ones with their error kinds.
fn check_files(files: &[PathBuf]) -> Vec<(String, Vec<DiagKind>)> {
    let mut refused = Vec::new();
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Err(kinds) = check(&name, &text) {
            refused.push((name, kinds));
        }
    }
    refused
}

#[test]
fn corpus_formats_losslessly() {
    let refused = check_files(&common::corpus_files());
    // Every corpus file is well-formed as written (keepalived -t errors in the corpus are
    // about keywords and values, not about braces or quotes).
    assert_eq!(refused, Vec::<(String, Vec<DiagKind>)>::new());
}

#[test]
fn samples_format_losslessly() {
    let Some(files) = common::sample_files() else {
        return;
    };
    assert_eq!(check_files(&files), Vec::<(String, Vec<DiagKind>)>::new());
}

/// Every file of every parser and preprocessor fixture: formatted with the same promises, or
/// refused for a syntax error of the lossless view.
#[test]
fn fixtures_format_losslessly_or_are_refused() {
    let mut refused = Vec::new();
    for kind in ["parser", "preprocess"] {
        let dir = common::manifest_dir().join("tests/fixtures").join(kind);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "conf"))
            .collect();
        paths.sort();
        for path in paths {
            for (file, body) in Fixture::read(&path).files {
                let Ok(text) = String::from_utf8(body) else {
                    continue;
                };
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                let name = format!("{kind}/{stem}:{file}");
                if let Err(kinds) = check(&name, &text) {
                    refused.push((format!("{kind}/{stem}"), kinds));
                }
            }
        }
    }
    use DiagKind::*;
    let want: Vec<(String, Vec<DiagKind>)> = [
        (
            "parser/extra_close_brace",
            vec![UnmatchedCloseBrace, UnmatchedCloseBrace],
        ),
        (
            "parser/nul_byte",
            vec![ControlCharacter, ControlCharacter, ControlCharacter],
        ),
        ("parser/unclosed_brace", vec![UnclosedBrace]),
        ("parser/unterminated_quote", vec![UnterminatedQuote, UnterminatedQuote]),
    ]
    .into_iter()
    .map(|(n, k)| (n.to_string(), k))
    .collect();
    assert_eq!(refused, want);
}

#[test]
fn layout_changes() {
    let src = "global_defs {\r\n\trouter_id   r1   # id  \r\n}\r\n\r\n\r\n\r\nvrrp_instance VI {\r\n  virtual_ipaddress { 10.0.0.1 }   advert_int 1\r\n    authentication {\r\n auth_type PASS\r\n} } vrrp_instance VI_2 {\r\nstate BACKUP\r\n}";
    let want = "global_defs {\n    router_id r1 # id\n}\n\nvrrp_instance VI {\n    virtual_ipaddress { 10.0.0.1 } advert_int 1\n    authentication {\n        auth_type PASS\n} } vrrp_instance VI_2 {\n    state BACKUP\n}\n";
    assert_eq!(format(src).expect("well-formed"), want);
    check("layout", src).expect("well-formed");
}

#[test]
fn definitions_includes_and_quotes_keep_their_spacing() {
    let src = "  $X=a   b \\\n      c   d\ninclude   /etc/x.conf\nkw {\n  notify   \"/bin/a   b\"   'c  d'\n@id   prio   1\n}\n";
    let want = "$X=a   b \\\n      c   d\ninclude   /etc/x.conf\nkw {\n    notify   \"/bin/a   b\"   'c  d'\n    @id prio 1\n}\n";
    assert_eq!(format(src).expect("well-formed"), want);
    check("verbatim", src).expect("well-formed");
}

#[test]
fn broken_files_are_refused_with_positions() {
    let cases: [(&str, DiagKind, usize); 4] = [
        ("a {\n  b\n", DiagKind::UnclosedBrace, 2),
        ("a {\n}\n}\n", DiagKind::UnmatchedCloseBrace, 6),
        ("a \"b\n", DiagKind::UnterminatedQuote, 2),
        ("a\0b\n", DiagKind::ControlCharacter, 1),
    ];
    for (src, kind, start) in cases {
        let ds = format(src).expect_err(src);
        assert_eq!(ds.len(), 1, "{src:?}: {ds:?}");
        assert_eq!(ds[0].kind, kind, "{src:?}");
        assert_eq!(ds[0].span.start as usize, start, "{src:?}");
    }
    // Braces inside definitions, their continuations and includes do not count.
    assert!(format("$B=x { \\\n  y\ninclude a{b,c}.conf\n").is_ok());
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(format("").expect("empty"), "");
    assert_eq!(format("\n\n  \n").expect("blank"), "");
    assert_eq!(format("\n# a\n\n\n! b   \n").expect("comments"), "# a\n\n! b\n");
}
