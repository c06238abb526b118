//! The compiler on arbitrary bytes: every check, the typed IR, the lowering to a plan, and
//! the cluster checks.
//!
//! The input is split at `\n%%%%\n` into at most four parts, which become `/f/0.conf` to
//! `/f/3.conf` in a `MemFs` (so the first can include the others). The first file is checked
//! and compiled; the plan (built even when there are errors: lowering must cope with anything)
//! must serialise, read back through the plan crate's loader and serialise to the same bytes;
//! every diagnostic must point into its file. The first two files are then checked together
//! as the two nodes of a cluster. Any violation panics: that is a bug.
#![no_main]

use common::split;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use vigil_compiler::{check_cluster, check_parsed, compile, CheckOptions, Diagnostic};
use vigil_grammar::{parse_bytes, MemFs, SourceMap};

mod common;

fn options() -> CheckOptions {
    CheckOptions {
        preprocess: common::options(),
        ..CheckOptions::default()
    }
}

fn check_spans(sources: &SourceMap, diags: &[Diagnostic]) {
    for d in diags {
        let spans = std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span));
        for s in spans {
            assert!(
                (s.file.0 as usize) < sources.len(),
                "{}: no file {}",
                d.check.code,
                s.file.0
            );
            let text = &sources.get(s.file).text;
            let (a, b) = (s.start as usize, s.end as usize);
            assert!(
                a <= b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b),
                "{}: bad span {s:?} in {} bytes",
                d.check.code,
                text.len()
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = split(data);
    let mut fs = MemFs::new();
    for (i, p) in parts.iter().enumerate() {
        fs.insert(format!("/f/{i}.conf"), p.to_vec());
    }
    let opts = options();
    let parse = |i: usize| parse_bytes(Path::new(&format!("/f/{i}.conf")), parts[i], &opts.preprocess, &fs);
    let checked = check_parsed(parse(0), &opts);
    check_spans(&checked.parsed.sources, &checked.diags);
    let source = vigil_plan::Source {
        file: "/f/0.conf".into(),
        config_id: Some("node1".into()),
    };
    let json = vigil_plan::to_json(&compile(&checked, source));
    let back = vigil_plan::from_json(&json).unwrap_or_else(|e| panic!("the plan does not read back: {e}\n{json}"));
    assert_eq!(vigil_plan::to_json(&back), json, "the plan does not round-trip");
    if parts.len() > 1 {
        let cluster = check_cluster(vec![("a".into(), parse(0)), ("b".into(), parse(1))], &opts);
        check_spans(&cluster.sources, &cluster.diags);
    }
});
