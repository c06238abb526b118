//! Fixture-driven snapshot tests of the front end.
//!
//! Every `*.conf` under `tests/fixtures/<kind>/` is rendered as text and compared with
//! `tests/snapshots/<kind>/<fixture name>.snap` (insta). `<kind>` is:
//! - `lexer`: each physical line (split at `\n`, trailing `\r`s removed as the reader does)
//!   and the tokens `lexer::lex_line` gives for it, with byte ranges, kinds, text and value;
//! - `preprocess`: the expanded tree outline, every diagnostic and, for every word that came
//!   through an expansion, its span and its chain of expansions;
//! - `parser`: the tree outline, every diagnostic and the position of every word and brace.
//!
//! Fixture convention (preprocess and parser fixtures; lexer fixtures are one plain file):
//! - a line `=== /abs/path ===` starts an in-memory file (`MemFs`) at that path. The first
//!   file is the top file, the one that is parsed; the others are read only through includes.
//! - a fixture without such a header is the single file `/cfg/keepalived.conf`.
//! - a line `=== config_id=ID ===` parses with `Options { config_id: Some(ID) }`; without it
//!   `config_id` is `None` (every `@ID` line is dropped, every `@^ID` line kept).
//! - header lines are not part of any file; line numbers in snapshots count within each file.
//!
//! The environment variable `VIGIL_FIXTURE_ENV` is set to `from-env` for `${_ENV ...}`.
//!
//! To add a case: drop a `.conf` into the right folder, run
//! `INSTA_UPDATE=always cargo test -p vigil-grammar --test snapshots` (or `cargo insta test`),
//! and read the new `.snap` before committing it.

mod common;

use common::{excerpt, loc, Fixture};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use vigil_grammar::lexer::{lex_line, LexKind};
use vigil_grammar::{Children, ExpansionKind, Parsed, Severity};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = common::manifest_dir().join("tests/fixtures").join(kind);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no fixture in {}", dir.display());
    out
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("UTF-8 file name")
        .to_string()
}

/// Snapshots every fixture of `kind`; reports every mismatch, not only the first.
fn check_all(kind: &str, render: fn(&Path) -> String) {
    let mut failed = Vec::new();
    for path in fixtures(kind) {
        let name = stem(&path);
        let rendered = render(&path);
        let ok = std::panic::catch_unwind(|| {
            insta::with_settings!({
                snapshot_path => format!("snapshots/{kind}"),
                prepend_module_to_snapshot => false,
                input_file => &path,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name.clone(), rendered);
            });
        });
        if ok.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "{kind} snapshots differ: {failed:?}");
}

// ---------------------------------------------------------------- lexer

fn render_lexer(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("fixture");
    let text = String::from_utf8_lossy(&bytes);
    let mut out = String::new();
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    for (n, line) in lines.into_iter().enumerate() {
        let line = line.trim_end_matches('\r');
        writeln!(out, "L{} {:?}", n + 1, line).unwrap();
        let mut toks = Vec::new();
        lex_line(line, true, &mut toks);
        let mut at = 0;
        for t in &toks {
            assert_eq!(
                t.start as usize,
                at,
                "{}: tokens must cover line {}",
                path.display(),
                n + 1
            );
            at = t.end as usize;
            let kind = match t.kind {
                LexKind::Quoted { terminated: true } => "Quoted".to_string(),
                LexKind::Quoted { terminated: false } => "Quoted(unterminated)".to_string(),
                k => format!("{k:?}"),
            };
            let raw = &line[t.range()];
            write!(out, "  {}..{} {kind} {raw:?}", t.start, t.end).unwrap();
            let value = t.value(line, true);
            if value != raw {
                write!(out, " value={value:?}").unwrap();
            }
            out.push('\n');
        }
        assert_eq!(at, line.len(), "{}: tokens must cover line {}", path.display(), n + 1);
    }
    out
}

#[test]
fn lexer_fixtures() {
    check_all("lexer", render_lexer);
}

// ---------------------------------------------------------------- preprocessor and parser

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn render_diags(p: &Parsed, out: &mut String) {
    out.push_str("--- diagnostics ---\n");
    for d in &p.diags {
        writeln!(
            out,
            "{} {} {} {} {}",
            d.kind.code(),
            severity(d.severity),
            loc(p, d.span),
            excerpt(p, d.span),
            d.message
        )
        .unwrap();
        for l in &d.labels {
            writeln!(out, "    label {} {} {}", loc(p, l.span), excerpt(p, l.span), l.message).unwrap();
        }
        if let Some(h) = &d.help {
            writeln!(out, "    help: {h}").unwrap();
        }
    }
}

fn render_origins(p: &Parsed, out: &mut String) {
    out.push_str("--- origins ---\n");
    for (_, node) in p.tree.walk() {
        for w in node.words().iter().filter(|w| w.exp().is_some()) {
            writeln!(out, "{:?} at {} {}", w.text(), loc(p, w.span()), excerpt(p, w.span())).unwrap();
            for e in p.chain(w.exp()) {
                let what = match &e.kind {
                    ExpansionKind::Include { file } => format!("include {}", p.sources.get(*file).path.display()),
                    ExpansionKind::Definition { name, definition } => match definition {
                        Some(d) => format!("definition ${name} (defined at {})", loc(p, *d)),
                        None if name.starts_with('_') => format!("definition ${name} (predefined)"),
                        None => format!("definition ${name} (generator variable)"),
                    },
                    ExpansionKind::Generator { var, value } => format!("generator {var}={value}"),
                };
                writeln!(out, "    <- {what} from {} {}", loc(p, e.site), excerpt(p, e.site)).unwrap();
            }
        }
    }
}

fn render_preprocess(path: &Path) -> String {
    let p = Fixture::read(path).run();
    let mut out = format!("--- tree ---\n{}", p.tree);
    render_diags(&p, &mut out);
    render_origins(&p, &mut out);
    out
}

/// Every word and brace with its position, one statement a line, indented like the tree.
fn render_positions(p: &Parsed, nodes: Children<'_>, depth: usize, out: &mut String) {
    let short = |span: vigil_grammar::Span| {
        let f = p.sources.get(span.file);
        let (l, c) = f.line_col(span.start);
        let (_, c2) = f.line_col(span.end);
        format!("{l}:{c}-{c2}")
    };
    for n in nodes {
        write!(out, "{:w$}", "", w = depth * 2).unwrap();
        let parts: Vec<String> = n
            .words()
            .iter()
            .map(|w| format!("{:?}@{}", w.text(), short(w.span())))
            .collect();
        out.push_str(&parts.join(" "));
        match n.block() {
            None => out.push('\n'),
            Some(b) => {
                writeln!(
                    out,
                    "{}{{@{}",
                    if n.words().is_empty() { "" } else { " " },
                    short(b.open())
                )
                .unwrap();
                render_positions(p, b.nodes(), depth + 1, out);
                match b.close() {
                    Some(c) => writeln!(out, "{:w$}}}@{}", "", short(c), w = depth * 2).unwrap(),
                    None => writeln!(out, "{:w$}(unclosed)", "", w = depth * 2).unwrap(),
                }
            }
        }
    }
}

fn render_parser(path: &Path) -> String {
    let p = Fixture::read(path).run();
    let mut out = format!("--- tree ---\n{}", p.tree);
    render_diags(&p, &mut out);
    out.push_str("--- positions ---\n");
    render_positions(&p, p.tree.nodes(), 0, &mut out);
    out
}

#[test]
fn preprocess_fixtures() {
    std::env::set_var("VIGIL_FIXTURE_ENV", "from-env");
    check_all("preprocess", render_preprocess);
}

#[test]
fn parser_fixtures() {
    check_all("parser", render_parser);
}

/// Every snapshot belongs to a fixture that still exists (a renamed fixture leaves one behind).
#[test]
fn no_orphan_snapshots() {
    for kind in ["lexer", "preprocess", "parser"] {
        let names: Vec<String> = fixtures(kind).iter().map(|p| stem(p)).collect();
        let dir = common::manifest_dir().join("tests/snapshots").join(kind);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let p = e.expect("directory entry").path();
            let Some(file) = p.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(name) = file.strip_suffix(".snap") {
                assert!(names.iter().any(|n| n == name), "{} has no fixture", p.display());
            }
        }
    }
}
