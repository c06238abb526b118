//! Adversarial inputs: deep nesting, huge lines, include bombs, definition loops and
//! doublings, huge generators. Each must finish quickly (speed is not asserted: a hang shows
//! as a test that never ends), in memory bounded by [`Limits`], with the right diagnostic.
//! `scripts/fuzz.sh` seeds the fuzz corpus with the same inputs.
//!
//! The last section holds regressions: inputs that once crashed, hung or broke an invariant.

use std::path::Path;
use vigil_grammar::parse::MAX_NESTING;
use vigil_grammar::{format, parse_bytes, parse_lossless, DiagKind, FileId, Limits, MemFs, Options, Parsed, Span};

/// Tight but realistic limits (those of the fuzz target, a little wider).
fn tight() -> Options {
    Options {
        config_id: Some("node1".into()),
        limits: Limits {
            include_depth: 8,
            files: 32,
            total_bytes: 1 << 20,
            expansion_depth: 32,
            line_bytes: 16 << 10,
            generated_lines: 4096,
            tokens: 100_000,
        },
        parallel_min_bytes: usize::MAX,
    }
}

fn default() -> Options {
    Options::default()
}

struct Run {
    parsed: Parsed,
    /// The top file's text as the formatter sees it.
    text: String,
}

impl Run {
    fn kinds(&self) -> Vec<DiagKind> {
        let mut k: Vec<DiagKind> = self.parsed.diags.iter().map(|d| d.kind).collect();
        k.sort();
        k.dedup();
        k
    }

    #[track_caller]
    fn expect(&self, kind: DiagKind) -> &Self {
        assert!(
            self.parsed.diags.iter().any(|d| d.kind == kind),
            "expected {kind:?}, got {:?}",
            self.kinds()
        );
        self
    }

    /// The message of the first diagnostic of `kind` contains `text`.
    #[track_caller]
    fn expect_msg(&self, kind: DiagKind, text: &str) -> &Self {
        let found = self
            .parsed
            .diags
            .iter()
            .any(|d| d.kind == kind && d.message.contains(text));
        let msgs: Vec<_> = self
            .parsed
            .diags
            .iter()
            .map(|d| (d.kind, d.message.as_str()))
            .take(10)
            .collect();
        assert!(found, "expected {kind:?} saying {text:?}, got {msgs:?}");
        self
    }

    fn words(&self) -> (usize, usize) {
        let mut count = 0;
        let mut bytes = 0;
        for (_, n) in self.parsed.tree.walk() {
            count += n.words().len();
            bytes += n.words().iter().map(|w| w.text().len()).sum::<usize>();
        }
        (count, bytes)
    }

    /// The tree holds at most `count` words of at most `bytes` bytes in all.
    #[track_caller]
    fn at_most(&self, count: usize, bytes: usize) -> &Self {
        let (c, b) = self.words();
        assert!(c <= count, "{c} words, more than {count}");
        assert!(b <= bytes, "{b} bytes of words, more than {bytes}");
        self
    }

    /// The most blocks around a node.
    fn depth(&self) -> usize {
        self.parsed.tree.walk().map(|(d, _)| d).max().unwrap_or(0)
    }

    /// The formatter refuses the top file with a diagnostic of `kind`.
    #[track_caller]
    fn format_refused(&self, kind: DiagKind) -> &Self {
        match format(&self.text) {
            Ok(_) => panic!("the formatter accepted the file"),
            Err(d) => assert!(d.iter().any(|d| d.kind == kind), "refused with {:?}", d[0].kind),
        }
        self
    }
}

/// Parses the first file, `/f/0.conf`, with every file in a [`MemFs`], then the top file's
/// lossless view and formatting; checks that every span lies in its file.
fn run(files: &[(&str, Vec<u8>)], opts: &Options) -> Run {
    let mut fs = MemFs::new();
    for (p, b) in files {
        fs.insert(*p, b.clone());
    }
    let (top, bytes) = &files[0];
    let parsed = parse_bytes(Path::new(top), bytes, opts, &fs);
    let text = String::from_utf8_lossy(bytes).into_owned();
    let lossless = parse_lossless(FileId(0), &text);
    for d in &lossless.diags {
        assert_span(&text, d.span);
    }
    if let Ok(y) = format(&text) {
        assert_eq!(format(&y).as_deref(), Ok(y.as_str()), "format is not idempotent");
    }
    for d in &parsed.diags {
        assert_span(&parsed.sources.get(d.span.file).text, d.span);
    }
    for (_, n) in parsed.tree.walk() {
        for w in n.words().iter() {
            assert_span(&parsed.sources.get(w.span().file).text, w.span());
        }
    }
    Run { parsed, text }
}

#[track_caller]
fn assert_span(text: &str, span: Span) {
    let r = span.range();
    assert!(
        r.start <= r.end && text.get(r.clone()).is_some(),
        "span {r:?} is not a char range of a text of {} bytes",
        text.len()
    );
}

fn one(text: impl Into<Vec<u8>>, opts: &Options) -> Run {
    run(&[("/f/0.conf", text.into())], opts)
}

/// `$D0=base`, then `$Dk=` two references to `D(k-1)`: 2^levels bytes if expanded.
fn doubling(levels: usize, base: &str, reference: impl Fn(usize) -> String) -> String {
    let mut s = format!("$D0={base}\n");
    for i in 1..=levels {
        let r = reference(i - 1);
        s.push_str(&format!("$D{i}={r}{r}\n"));
    }
    s
}

// ---------------------------------------------------------------------------------------
// Nesting and long lines

#[test]
fn deep_nesting() {
    let r = one("{".repeat(100_000), &default());
    r.expect_msg(DiagKind::ExpansionLimit, "nest more than")
        .expect(DiagKind::UnclosedBrace)
        .format_refused(DiagKind::UnclosedBrace);
    assert!(r.depth() <= MAX_NESTING, "depth {}", r.depth());
}

#[test]
fn deep_nesting_closed() {
    let mut s = "a {\n".repeat(100_000);
    s.push_str(&"}\n".repeat(100_000));
    let r = one(s, &default());
    r.expect_msg(DiagKind::ExpansionLimit, "nest more than")
        // Formatting it would indent quadratically.
        .format_refused(DiagKind::ExpansionLimit);
    assert!(r.depth() <= MAX_NESTING, "depth {}", r.depth());
    assert!(!r.parsed.diags.iter().any(|d| d.kind == DiagKind::UnclosedBrace));
}

#[test]
fn ten_megabyte_line() {
    let mut s = "k ".to_string();
    s.push_str(&"x".repeat(10 << 20));
    s.push('\n');
    one(s, &default())
        .expect(DiagKind::LineTooLong)
        .at_most(2, (10 << 20) + 1);
}

#[test]
fn long_line_of_words() {
    let opts = tight();
    one("a ".repeat(500_000), &opts)
        .expect(DiagKind::LineTooLong)
        .expect_msg(DiagKind::ExpansionLimit, "tokens");
}

#[test]
fn many_blocks_on_one_line() {
    // Once quadratic: each `}` looked back for the start of its line.
    one("a {} ".repeat(200_000), &tight()).expect(DiagKind::LineTooLong);
}

// ---------------------------------------------------------------------------------------
// Includes

#[test]
fn self_include() {
    for opts in [default(), tight()] {
        one("include /f/0.conf\n".repeat(10), &opts).expect(DiagKind::IncludeCycle);
        one("include /f/{0,0,0,0,0,0,0,0,0,0}.conf\n", &opts).expect(DiagKind::IncludeCycle);
        one("include /f/*.conf\nk v\n", &opts).expect(DiagKind::IncludeCycle);
    }
}

/// `/f/k.conf` includes `/f/(k+1).conf` ten times, the last includes the first: 10^6 reads
/// without the limit on files.
#[test]
fn include_chain_bomb() {
    let n = 6;
    let names: Vec<String> = (0..n).map(|i| format!("/f/{i}.conf")).collect();
    let files: Vec<(&str, Vec<u8>)> = (0..n)
        .map(|i| {
            let text = format!("k{i} v\n{}", format!("include /f/{}.conf\n", (i + 1) % n).repeat(10));
            (names[i].as_str(), text.into_bytes())
        })
        .collect();
    for opts in [default(), tight()] {
        let r = run(&files, &opts);
        r.expect(DiagKind::ExpansionLimit).expect(DiagKind::IncludeCycle);
        assert!(
            r.parsed.sources.len() <= opts.limits.files,
            "{} files read",
            r.parsed.sources.len()
        );
    }
}

#[test]
fn include_glob_everything() {
    let names: Vec<String> = (0..8).map(|i| format!("/f/{i}.conf")).collect();
    let files: Vec<(&str, Vec<u8>)> = names
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), format!("include /f/*.conf\nk{i} v\n").into_bytes()))
        .collect();
    let opts = tight();
    let r = run(&files, &opts);
    r.expect(DiagKind::IncludeCycle).expect(DiagKind::ExpansionLimit);
    assert!(r.parsed.sources.len() <= opts.limits.files);
}

#[test]
fn brace_expansion_bomb() {
    // 2^40 patterns: at most 1000 are tried.
    one(format!("include /f/{}.conf\n", "{a,b}".repeat(40)), &default()).expect(DiagKind::IncludeNotFound);
    // Longer than any path: not expanded (it once recursed once per group).
    one(format!("include /f/{}.conf\n", "{a,b}".repeat(100_000)), &default()).expect(DiagKind::IncludeNotFound);
    one(
        format!("include /f/{}.conf\n", "{a,".repeat(1000) + &"}".repeat(1000)),
        &default(),
    );
}

#[test]
fn glob_stars() {
    one(format!("include /f/{}\n", "*".repeat(100_000)), &default());
    one(format!("include /f/{}x\n", "*a".repeat(100_000)), &default());
    one(format!("include /f/{}x\n", "*a".repeat(1000)), &default());
}

// ---------------------------------------------------------------------------------------
// Definitions

#[test]
fn definition_loops() {
    for opts in [default(), tight()] {
        one("$A=$B$B\n$B=$A$A\nx $A\ny $B\n", &opts).expect(DiagKind::DefinitionLoop);
        one("$A=$B $B\n$B=$A $A\nx $A\n", &opts).expect(DiagKind::DefinitionLoop);
        one("$A=${B}${B}\n$B=${A}${A}\nx ${A}\ny ${B}\n", &opts).expect(DiagKind::DefinitionLoop);
        one("$A=$A\nx $A\n", &opts).expect(DiagKind::DefinitionLoop);
        // A multi-line definition whose later lines use it: each line once fanned out in two.
        one("$A=\\\nx \\\n$A \\\n$A\n$A\n", &opts).expect(DiagKind::DefinitionLoop);
    }
}

/// Definitions nest at most `expansion_depth` deep: the doubling goes as deep as allowed.
fn levels(opts: &Options) -> usize {
    40.min(opts.limits.expansion_depth - 2)
}

#[test]
fn definition_doubling() {
    for opts in [default(), tight()] {
        let line = opts.limits.line_bytes;
        let levels = levels(&opts);
        for (base, reference) in [
            ("x", (|i| format!("$D{i} ")) as fn(usize) -> String),
            ("x", |i| format!("${{D{i}}}")),
            // Expands to nothing, in 2^40 steps.
            ("", |i| format!("${{D{i}}}")),
        ] {
            let mut s = doubling(levels, base, reference);
            s.push_str(&format!("k ${{D{levels}}}\n"));
            let len = s.len();
            one(s, &opts)
                .expect_msg(DiagKind::ExpansionLimit, "longer than")
                .at_most(line + len, line + len);
        }
        // Deeper than allowed.
        let mut s = doubling(opts.limits.expansion_depth + 8, "x", |i| format!("${{D{i}}}"));
        s.push_str(&format!("k ${{D{}}}\n", opts.limits.expansion_depth + 8));
        one(s, &opts).expect_msg(DiagKind::ExpansionLimit, "nest more than");
    }
}

#[test]
fn definition_doubling_in_lines() {
    // Each level a multi-line definition of two lines: 2^30 lines.
    let opts = tight();
    let levels = levels(&opts);
    let mut s = "$D0=x\n".to_string();
    for i in 1..=levels {
        s.push_str(&format!("$D{i}=\\\n$D{} \\\n$D{}\n", i - 1, i - 1));
    }
    s.push_str(&format!("$D{levels}\n"));
    one(s, &opts)
        .expect_msg(DiagKind::ExpansionLimit, "lines")
        .at_most(opts.limits.generated_lines + 1, opts.limits.generated_lines + 1);
}

#[test]
fn definition_chain() {
    // 100000 definitions, each the one before: once a stack overflow.
    let mut s = "$D0=x\n".to_string();
    for i in 1..=100_000 {
        s.push_str(&format!("$D{i}=${{D{}}}\n", i - 1));
    }
    s.push_str("k ${D100000}\n");
    one(s, &default()).expect_msg(DiagKind::ExpansionLimit, "nest more than");
}

#[test]
fn many_open_references() {
    // Each `${` once searched the rest of the line for its `}`.
    one(format!("k {}\n", "${".repeat(500_000)), &tight());
    one(format!("k {}}}\n", "${a ".repeat(200_000)), &tight());
}

// ---------------------------------------------------------------------------------------
// Generators

#[test]
fn huge_seq() {
    for opts in [default(), tight()] {
        one("~SEQ(i,1,2000000000) x $i\n", &opts).expect_msg(DiagKind::ExpansionLimit, "would produce");
        one("~SEQx(i,0,0x7fffffffffffffff) x $i\n", &opts).expect(DiagKind::ExpansionLimit);
        one("~SEQ(i,-9223372036854775807,1,9223372036854775807) x\n", &opts).expect(DiagKind::ExpansionLimit);
    }
}

#[test]
fn nested_seq() {
    let opts = tight();
    one("~SEQ(i,1,2000) ~SEQ(j,1,2000) x $i $j\n", &opts)
        .expect_msg(DiagKind::ExpansionLimit, "lines")
        .at_most(3 * opts.limits.generated_lines, 30 * opts.limits.generated_lines);
}

#[test]
fn seq_of_long_lines() {
    let opts = tight();
    let word = "x".repeat(100_000);
    // Each row copies the line: the expansion as a whole is bounded.
    one(format!("~SEQ(i,1,4000) k {word}\n"), &opts)
        .expect_msg(DiagKind::ExpansionLimit, "add up to")
        .at_most(1000, opts.limits.total_bytes + 2 * word.len());
    // Rows that produce nothing still count.
    one(format!("~SEQ(i,1,4000) ~SEQ(j,1,1000) @other {word}\n"), &opts)
        .expect_msg(DiagKind::ExpansionLimit, "add up to");
}

// ---------------------------------------------------------------------------------------
// Regressions

#[test]
fn bad_generator_span_is_a_char_range() {
    // `~SEQ` then an invalid byte, read as U+FFFD: the span once ended inside it.
    let r = one(&b"~SEQ\xff(i,3,1) x\n"[..], &default());
    r.expect(DiagKind::BadGenerator).expect(DiagKind::InvalidUtf8);
}

#[test]
fn format_keeps_non_ascii_space_ending_a_continuation() {
    // A U+00A0 that ends a definition's continuation line is part of the value.
    let src = "$C=a \\\nb\u{a0}\n";
    assert_eq!(format(src).as_deref(), Ok(src));
}

/// keepalived's comment stripper skips the character after a backslash, so `\"` never closes
/// a string for it; lines that read alike both ways get no finding.
#[test]
fn escaped_quote_left_open_for_keepalived() {
    let r = one("global_defs {\n    router_id \"foo \\\"\n}\n", &default());
    r.expect_msg(DiagKind::UnterminatedQuote, "escaped quote");
    let d = r
        .parsed
        .diags
        .iter()
        .find(|d| d.kind == DiagKind::UnterminatedQuote)
        .expect("found");
    assert_eq!(&r.text[d.span.start as usize..d.span.end as usize], "\"foo \\\"");
    for fine in [
        "router_id \"a\\\\\"\n",
        "script \"/bin/x \\\"a b\\\" c\"\n",
        "router_id a\\#b\n",
        "router_id x # \"comment \\\"\n",
    ] {
        let r = one(fine, &default());
        assert!(
            !r.parsed.diags.iter().any(|d| d.kind == DiagKind::UnterminatedQuote),
            "{fine:?}: {:?}",
            r.parsed.diags
        );
    }
}
