//! Property tests of the front end:
//! - random token streams and random mutations of the real corpus never make the expanded
//!   view (`parse_bytes`), the lossless view or the formatter panic;
//! - `format` is idempotent, keeps every significant token and every comment;
//! - every span (words of the tree, diagnostics and their labels) lies within its file's text
//!   at char boundaries;
//! - reading on two threads (`Options::parallel_min_bytes` 0) gives the same parse, tokens,
//!   texts, expansions and diagnostics as reading on one.
//!
//! Deterministic: a fixed seed, and no failure-persistence files.

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use vigil_grammar::lexer::{is_ws, lex_line, LexKind, LexTok};
use vigil_grammar::{format, parse_bytes, parse_lossless, FileId, Limits, MemFs, Options, Parsed, Span};

/// 256 cases from a fixed seed; `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override them for a
/// longer or a different run.
fn config(seed: u64) -> ProptestConfig {
    let env = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            env.cases
        } else {
            256
        },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            env.rng_seed
        } else {
            RngSeed::Fixed(seed)
        },
        failure_persistence: None,
        ..env
    }
}

/// The top file's path. The same text is also in the [`MemFs`] under this path, so
/// `include top.conf` is a self-include.
const TOP: &str = "/f/top.conf";

/// Limits well above what the generated inputs need, but small enough that a generator or
/// definition that multiplies stays fast in a debug build.
fn options() -> Options {
    Options {
        config_id: Some("node1".into()),
        limits: Limits {
            include_depth: 8,
            files: 64,
            total_bytes: 1 << 20,
            expansion_depth: 16,
            line_bytes: 16 << 10,
            generated_lines: 2000,
            tokens: 100_000,
        },
        parallel_min_bytes: usize::MAX,
    }
}

/// A [`MemFs`] with a few include targets: a plain file, one that includes the top file
/// (a cycle), one that includes itself, a folder, and the top file itself.
fn memfs(top: &[u8]) -> MemFs {
    let mut fs = MemFs::new();
    fs.insert(TOP, top.to_vec());
    fs.insert(
        "/f/x.conf",
        "$X=from_x\nvrrp_script chk {\n    script \"/bin/true\"\n}\n",
    );
    fs.insert("/f/back.conf", "include top.conf\nback_word 1\n");
    fs.insert("/f/self.conf", "include self.conf\nincluded_self\n");
    fs.insert("/f/a.conf", "@node1 a_word ${X}\n~SEQ(i,1,2) seq_$i\n");
    fs.insert("/f/sub/y.conf", "y {\n}\n");
    fs
}

// ---------------------------------------------------------------------------------------
// Generators

/// Pieces of a line: the vocabulary of keepalived.conf and of its preprocessor, and bytes
/// that have no place in it.
fn piece() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "vrrp_instance",
        "global_defs",
        "virtual_server",
        "real_server",
        "state",
        "MASTER",
        "interface",
        "eth0",
        "priority",
        "virtual_ipaddress",
        "10.0.0.1/24",
        "track_script",
        "script",
        "notify",
        "'quoted by the script'",
        "a,b",
        "x)",
        "-",
        "=",
    ]);
    let special = prop::sample::select(vec![
        "{",
        "}",
        "{}",
        "}{",
        "\"",
        "\"\"",
        "#",
        "!",
        "\\",
        "\\#",
        "\\!",
        "$",
        "${",
        "$A",
        "$B",
        "$X",
        "$i",
        "${A}",
        "${B}x",
        "${A B}",
        "${_RANDOM 1 9}",
        "${_RANDOM x}",
        "${_PWD}",
        "${_INSTANCE}",
        "${_HASH}",
        "${_BANG}",
        "$A=value",
        "$B=$A $A",
        "$A=${B}",
        "$A=\\",
        "$C = x",
        "$A=~SEQ(j,1,2) seq",
        "@node1 ",
        "@^node1 ",
        "@other ",
        "@",
        "~SEQ(i,1,3)",
        "~SEQ(i,3,1) ",
        "~SEQx(i,0,0x1f) ",
        "~SEQ(i,1,2,3,4)",
        "~SEQ(i,1",
        "~SEQ(i,0,1,0)",
        "~LST(v,a,b) ",
        "~LST({a,b},{1,2},{3}) ",
        "~LST(v) ",
        "~SEQ($A,1,2) ",
        "~BAD(i) ",
        "include x.conf",
        "include top.conf",
        "include self.conf",
        "include back.conf",
        "include /f/*.conf",
        "include /f/{a,x}.conf",
        "include sub",
        "includer missing.conf",
        "include",
        "include $X",
        "\0",
        "\x01",
        "\x1b",
        "\x7f",
        "\x0b",
        "\x0c",
        "\t",
        "\r",
        "é",
        "日本",
        "\u{a0}",
        "\u{3000}",
        "\u{2028}",
        "\u{85}",
        "\u{feff}",
        "😀",
        " ",
        "   ",
    ]);
    prop_oneof![
        4 => words.prop_map(str::to_string),
        6 => special.prop_map(str::to_string),
        1 => (0i64..100_000).prop_map(|n| n.to_string()),
        1 => "\"[a-z #!{}$'\\\\ ]{0,8}\"",
        1 => "[#!][ -~]{0,10}",
        1 => "[a-zA-Z_][a-zA-Z0-9_]{0,6}",
    ]
}

fn line() -> impl Strategy<Value = String> {
    let sep = prop::sample::select(vec!["", " ", " ", " ", "\t", "  "]);
    let indent = prop::sample::select(vec!["", "", "    ", "\t", "  "]);
    (indent, prop::collection::vec((piece(), sep), 0..8)).prop_map(|(indent, parts)| {
        let mut s = indent.to_string();
        for (p, sep) in parts {
            s.push_str(&p);
            s.push_str(sep);
        }
        s
    })
}

/// A file as bytes: lines with assorted line ends, now and then a byte that is not UTF-8.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let end = prop::sample::select(vec!["\n", "\n", "\n", "\r\n", "\r\r\n", ""]);
    let bad = prop::option::weighted(
        0.1,
        (
            any::<prop::sample::Index>(),
            prop::sample::select(vec![0xffu8, 0xc3, 0x80]),
        ),
    );
    (prop::collection::vec((line(), end), 0..24), bad).prop_map(|(lines, bad)| {
        let mut out = Vec::new();
        for (l, e) in lines {
            out.extend_from_slice(l.as_bytes());
            out.extend_from_slice(e.as_bytes());
        }
        if let Some((at, b)) = bad {
            let at = at.index(out.len() + 1);
            out.insert(at, b);
        }
        out
    })
}

/// Brace-balanced files without open quotes or control bytes, in messy layout: what the
/// formatter accepts.
fn formattable() -> impl Strategy<Value = String> {
    let ws = || prop::sample::select(vec!["", " ", "  ", "\t", " \t ", "\x0b", "\r"]);
    let word = prop::sample::select(vec![
        "vrrp_instance",
        "VI_1",
        "state",
        "BACKUP",
        "priority",
        "100",
        "10.0.0.1/24",
        "\"a  b\"",
        "\"#not a comment\"",
        "x\\#y",
        "'single'",
        "${A}",
        "$A",
        "é",
        "x\u{a0}",
        "\u{3000}y",
        "a,b",
    ]);
    let comment = prop::option::weighted(
        0.3,
        prop::sample::select(vec!["# c", "#", "! bang", "#  trailing   ", "# \u{a0}", "#x\t"]),
    );
    let stmt = (ws(), prop::collection::vec((word, ws()), 1..4), comment.clone()).prop_map(|(lead, words, c)| {
        let mut s = lead.to_string();
        for (w, sep) in words {
            s.push_str(w);
            s.push_str(if sep.is_empty() { " " } else { sep });
        }
        if let Some(c) = c {
            s.push_str(c);
        }
        vec![s]
    });
    let special = prop::sample::select(vec![
        vec!["$A=one   two"],
        vec!["  $B=x \\", "   y   z \\", "", "# inside", "   w  "],
        vec!["$C=a \\", "b\u{a0}"],
        vec!["$D=a \\", "\"open\u{3000} "],
        vec!["@node1   priority   150"],
        vec!["@^node1 priority 50 # else"],
        vec!["~SEQ(i,1,2)   word_$i"],
        vec!["include   x.conf   "],
        vec!["script \"/bin/sh -c 'a   b'\""],
        vec![""],
        vec!["", "", ""],
        vec!["   # only a comment   "],
        vec!["!"],
    ])
    .prop_map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>());
    let leaf = prop_oneof![4 => stmt, 1 => special];
    let tree = leaf.prop_recursive(4, 40, 6, move |inner| {
        (
            ws(),
            prop::sample::select(vec![
                "vrrp_instance VI_1",
                "global_defs",
                "virtual_ipaddress",
                "a b c",
                "",
            ]),
            prop::sample::select(vec![" {", "{", "   {", "\n{"]),
            prop::collection::vec(inner, 0..5),
            ws(),
            prop::sample::select(vec!["}", "} # end", "}}"]),
        )
            .prop_map(|(lead, head, open, body, close_ws, close)| {
                let mut lines = vec![format!("{lead}{head}{open}")];
                lines.extend(body.into_iter().flatten());
                // `}}` closes one block and opens none: keep it balanced.
                if close == "}}" {
                    lines.push(format!("{close_ws}}}"));
                } else {
                    lines.push(format!("{close_ws}{close}"));
                }
                vec![lines.join("\n")]
            })
    });
    (
        prop::collection::vec(tree, 0..6),
        prop::sample::select(vec!["\n", "\r\n", "\n\n"]),
    )
        .prop_map(|(items, nl)| {
            let mut s = items.into_iter().flatten().collect::<Vec<_>>().join("\n");
            s = s.replace('\n', nl);
            s
        })
}

fn corpus() -> &'static [(PathBuf, Vec<u8>)] {
    static CORPUS: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("the corpus {} cannot be read: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "conf"))
            .map(|p| {
                let b = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                (p, b)
            })
            .collect();
        files.sort();
        assert!(files.len() >= 10, "the corpus has only {} files", files.len());
        files
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    DeleteByte(prop::sample::Index),
    DuplicateByte(prop::sample::Index),
    InsertByte(prop::sample::Index, u8),
    SwapLines(prop::sample::Index, prop::sample::Index),
    DeleteBrace(prop::sample::Index),
    InsertBrace(prop::sample::Index, bool),
    InsertDollar(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    use prop::sample::Index;
    let interesting = prop::sample::select(vec![
        b'{', b'}', b'"', b'#', b'!', b'$', b'\\', b'\n', b'\r', b'@', b'~', 0, 0xff,
    ]);
    prop_oneof![
        any::<Index>().prop_map(Mutation::DeleteByte),
        any::<Index>().prop_map(Mutation::DuplicateByte),
        (any::<Index>(), prop_oneof![interesting, any::<u8>()]).prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<Index>().prop_map(Mutation::DeleteBrace),
        (any::<Index>(), any::<bool>()).prop_map(|(i, o)| Mutation::InsertBrace(i, o)),
        any::<Index>().prop_map(Mutation::InsertDollar),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    match m {
        Mutation::DeleteByte(i) if n > 0 => {
            bytes.remove(i.index(n));
        }
        Mutation::DuplicateByte(i) if n > 0 => {
            let at = i.index(n);
            bytes.insert(at, bytes[at]);
        }
        Mutation::InsertByte(i, b) => bytes.insert(i.index(n + 1), *b),
        Mutation::SwapLines(a, b) => {
            let mut lines: Vec<Vec<u8>> = bytes.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            *bytes = lines.join(&b'\n');
        }
        Mutation::DeleteBrace(i) => {
            let braces: Vec<usize> = (0..n).filter(|&k| matches!(bytes[k], b'{' | b'}')).collect();
            if !braces.is_empty() {
                bytes.remove(braces[i.index(braces.len())]);
            }
        }
        Mutation::InsertBrace(i, open) => bytes.insert(i.index(n + 1), if *open { b'{' } else { b'}' }),
        Mutation::InsertDollar(i) => bytes.insert(i.index(n + 1), b'$'),
        Mutation::Truncate(i) => bytes.truncate(i.index(n + 1)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Checks

/// The front end on one input: the expanded view (with the include targets), the lossless
/// view and the formatter. Panics propagate; the spans of the result are checked.
fn exercise(bytes: &[u8]) {
    let parsed = parse_bytes(Path::new(TOP), bytes, &options(), &memfs(bytes));
    check_spans(&parsed);
    // Read on two threads (the second lexing ahead, the parser in two halves): the same.
    let two = Options {
        parallel_min_bytes: 0,
        ..options()
    };
    let parallel = parse_bytes(Path::new(TOP), bytes, &two, &memfs(bytes));
    assert_eq!(
        format!("{parallel:#?}"),
        format!("{parsed:#?}"),
        "reading on two threads differs from reading on one"
    );
    let text = String::from_utf8_lossy(bytes);
    let lossless = parse_lossless(FileId(0), &text);
    for d in &lossless.diags {
        assert_in_text(&text, d.span, "lossless diagnostic");
    }
    let _ = format(&text);
}

#[track_caller]
fn assert_in_text(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(
        s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what}: span {s}..{e} is not a char range of a text of {} bytes",
        text.len()
    );
}

/// Every word of the tree and every diagnostic (and label) has a span inside its file's
/// text, at char boundaries.
fn check_spans(p: &Parsed) {
    let check = |span: Span, what: &str| {
        assert!(
            (span.file.0 as usize) < p.sources.len(),
            "{what}: file {} of {}",
            span.file.0,
            p.sources.len()
        );
        assert_in_text(&p.sources.get(span.file).text, span, what);
    };
    for (_, node) in p.tree.walk() {
        check(node.span(), "node");
        for w in node.words().iter() {
            check(w.span(), &format!("word {:?}", w.text()));
        }
        if let Some(b) = node.block() {
            check(b.open(), "block open");
            if let Some(c) = b.close() {
                check(c, "block close");
            }
        }
    }
    for d in &p.diags {
        check(d.span, &format!("diagnostic {:?} {:?}", d.kind, d.message));
        for l in &d.labels {
            check(l.span, &format!("label {:?} of {:?}", l.message, d.kind));
        }
    }
    for e in &p.expansions {
        check(e.site, "expansion site");
    }
}

/// A token as the formatter must keep it: a comment (or an open quote) without its trailing
/// white space.
#[derive(Debug, PartialEq, Eq, Clone)]
enum Sig {
    Tok(String),
    Comment(String),
}

/// The significant tokens of a text (white space dropped), line breaks ignored.
fn significant(text: &str) -> Vec<Sig> {
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
                LexKind::Comment => out.push(Sig::Comment(s.trim_end().to_string())),
                // An open quote also runs to the end of the line: the line's trailing white
                // space is not part of the value (the preprocessor trims it).
                LexKind::Quoted { terminated: false } => out.push(Sig::Tok(
                    s.trim_end_matches(|c: char| c.is_ascii() && is_ws(c as u8)).to_string(),
                )),
                _ => out.push(Sig::Tok(s.to_string())),
            }
        }
    }
    out
}

/// When `x` formats, the result formats to itself, with the same significant tokens, and
/// every comment of `x` is still there.
fn check_format(x: &str) {
    let Ok(y) = format(x) else { return };
    match format(&y) {
        Ok(z) => assert_eq!(z, y, "format is not idempotent on the output of {x:?}"),
        Err(d) => panic!("format accepted {x:?} but refuses its own output {y:?}: {d:?}"),
    }
    let (sx, sy) = (significant(x), significant(&y));
    assert_eq!(sx, sy, "format changed the tokens of {x:?} into {y:?}");
    let comments = |s: &[Sig]| -> Vec<String> {
        s.iter()
            .filter_map(|t| match t {
                Sig::Comment(c) => Some(c.clone()),
                Sig::Tok(_) => None,
            })
            .collect()
    };
    let cy = comments(&sy);
    for c in comments(&sx) {
        assert!(cy.contains(&c), "format lost the comment {c:?} of {x:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config(0x5eed_0001))]

    /// Random token streams never make the front end panic, and their spans are sane.
    #[test]
    fn random_token_streams_do_not_panic(bytes in file_bytes()) {
        exercise(&bytes);
    }
}

proptest! {
    #![proptest_config(config(0x5eed_0002))]

    /// Mutated real configurations never make the front end panic, and their spans are sane.
    #[test]
    fn mutated_corpus_does_not_panic(
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let corpus = corpus();
        let mut bytes = corpus[file.index(corpus.len())].1.clone();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        exercise(&bytes);
        check_format(&String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(config(0x5eed_0003))]

    /// Formatting messy but well-formed files is idempotent and keeps tokens and comments.
    #[test]
    fn format_is_idempotent_on_formattable_files(text in formattable()) {
        prop_assert!(format(&text).is_ok(), "a balanced file is refused: {:?}", format(&text));
        check_format(&text);
    }

    /// The same on random token streams, whenever the formatter accepts them.
    #[test]
    fn format_is_idempotent_on_random_streams(bytes in file_bytes()) {
        check_format(&String::from_utf8_lossy(&bytes));
    }
}

proptest! {
    #![proptest_config(config(0x5eed_0004))]

    /// Spans of well-formed files followed by random lines (includes, definitions,
    /// generators, bad bytes) are sane: `exercise` checks every word, node, block,
    /// diagnostic, label and expansion site.
    #[test]
    fn spans_lie_within_their_files(text in formattable(), extra in file_bytes()) {
        let mut bytes = text.into_bytes();
        bytes.push(b'\n');
        bytes.extend_from_slice(&extra);
        exercise(&bytes);
    }
}

/// Every corpus file: the front end's spans are sane, and formatting is idempotent.
#[test]
fn corpus_spans_and_format() {
    for (path, bytes) in corpus() {
        exercise(bytes);
        let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        check_format(text);
    }
}

/// Reading on two threads on the inputs where the second thread's runs of lines meet the
/// first thread's state: a definition continued across the middle, escapes and bad bytes
/// (texts and diagnostics of the runs), CRLF, over-long lines, a token limit reached in the
/// second half, no final newline, includes and generators among plain lines.
#[test]
fn two_threads_on_edge_cases() {
    let block = "vrrp_instance VI_1 {\n    state MASTER\n    interface eth0\n    virtual_router_id 51\n    priority 100\n    notify \"/bin/x \\#y\"\n    virtual_ipaddress {\n        10.0.0.1/24 dev eth0\n    }\n}\n";
    let plain: String = block.repeat(40);
    let cases: Vec<String> = vec![
        plain.clone(),
        format!("{plain}$DEF=a \\\n  b \\\n{plain}"),
        format!(
            "{}$DEF=word \\\n{}",
            &plain[..plain.len() / 2 - 3],
            &plain[plain.len() / 2 - 3..]
        ),
        format!("{plain}abc\\#def ghi \"open quote\n{plain}bad\u{1}byte\n"),
        plain.replace('\n', "\r\n"),
        format!("{plain}{}\n{plain}", "x ".repeat(700)),
        format!("{plain}{}\n{plain}", " ".repeat(1500)),
        format!("{plain}include /f/top.conf\n~SEQ(i,1,3) real_server 10.0.0.$i 80 {{\n}}\n{plain}"),
        format!("{plain}$X=1\n{plain}@node1 priority $X\n{plain}"),
        format!("{plain}}}\n{plain}"),
        format!("{plain}{{\n{plain}"),
        plain.trim_end().to_string(),
    ];
    for (i, text) in cases.iter().enumerate() {
        for tokens in [100_000, 1_000, 3_000] {
            let one = Options {
                limits: Limits {
                    tokens,
                    ..options().limits
                },
                ..options()
            };
            let two = Options {
                parallel_min_bytes: 0,
                ..one.clone()
            };
            let fs = memfs(text.as_bytes());
            let a = parse_bytes(Path::new(TOP), text.as_bytes(), &one, &fs);
            let b = parse_bytes(Path::new(TOP), text.as_bytes(), &two, &fs);
            assert_eq!(format!("{b:#?}"), format!("{a:#?}"), "case {i}, token limit {tokens}");
        }
    }
}
