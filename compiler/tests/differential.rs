//! The differential test against `keepalived -t` (2.2.7, the installed package).
//!
//! Inputs: every Debian sample (`/usr/share/doc/keepalived/samples/keepalived.conf.*`), every
//! `shared/corpus/*.conf`, and a few thousand mutants of them made with a fixed seed (a wrong
//! number, an out-of-range value, an unknown or misplaced keyword, a removed or doubled brace,
//! a bad address, a missing reference). Each runs through keepalived-check (the library) and
//! `keepalived -t` (in a network namespace of its own holding every interface the configs
//! name). Two kinds of mismatch:
//!
//! - **A**: keepalived rejects the config for a host-independent reason (see
//!   `differential/classify.rs`) but keepalived-check reports no error;
//! - **B**: keepalived accepts it without a word but keepalived-check reports an error that
//!   none of our own documented checks keepalived lacks ([`OWN_CHECKS`]) explains.
//!
//! Semantic checks do not exist yet, so the counts are not 0: the test is a ratchet. It fails
//! when A or B exceeds `tests/data/differential-baseline.txt`, and always prints
//! `differential: N mismatches (A=.., B=..), baseline ..`. The full list goes to
//! `target/differential-report.txt`.
//!
//! Needs root and the keepalived package; otherwise it prints `SKIP: ...` and passes.

#[path = "differential/classify.rs"]
mod classify;
#[path = "differential/keepalived.rs"]
mod keepalived;
#[path = "differential/mutate.rs"]
mod mutate;

use classify::Verdict;
use mutate::{Kind, Rng};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use vigil_compiler::schema::{self, Version};
use vigil_compiler::{check_path, CheckOptions};
use vigil_grammar::{RealFs, Severity};

const SAMPLES_DIR: &str = "/usr/share/doc/keepalived/samples";
const SEED: u64 = 0x5EED_2027_DEAD_BEEF;
/// Mutants tried per original file and mutation kind (duplicates and impossible ones dropped).
const PER_KIND: usize = 8;
/// The installed keepalived: keywords our table dates later are unknown to it.
const KEEPALIVED_VERSION: Version = Version(2, 2, 7);
/// Error-level checks of ours that keepalived lacks: an error from one of these on a config
/// keepalived accepts is not a mismatch.
const OWN_CHECKS: &[&str] = &[
    "KA0021", // include-cycle: keepalived recurses until it runs out of file descriptors
    "KA0024", // expansion-limit: Vigil's bounds on includes, definitions and generators
];
const SHOW: usize = 20;

struct Input {
    /// The original file this comes from.
    origin: PathBuf,
    /// The index of the original among the inputs.
    original: usize,
    /// `None` for the original itself.
    mutation: Option<(Kind, String)>,
    text: String,
}

struct Result {
    verdict: Verdict,
    exit: keepalived::Exit,
    lines: Vec<String>,
    /// Our errors: `CODE line:col message`.
    ours: Vec<String>,
    /// Codes of our errors.
    codes: BTreeSet<&'static str>,
    /// Our warnings and notes, for the report.
    ours_other: Vec<String>,
}

fn originals() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut samples: Vec<PathBuf> = std::fs::read_dir(SAMPLES_DIR)
        .unwrap_or_else(|e| panic!("{SAMPLES_DIR}: {e}"))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.starts_with("keepalived.conf.") && !n.ends_with(".sh") && !n.ends_with(".gz")
        })
        .collect();
    samples.sort();
    assert!(!samples.is_empty(), "{SAMPLES_DIR} holds no sample");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap_or_else(|e| panic!("{}: {e}", corpus.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus has only {} files", files.len());
    out.extend(samples);
    out.extend(files);
    out
}

const WORK_PREFIX: &str = "vigil-differential-";

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap_or(Path::new("."))
                .join("target")
        })
}

fn read_baseline(path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut a = None;
    let mut b = None;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let mut it = line.split_whitespace();
        match (it.next(), it.next().and_then(|n| n.parse::<usize>().ok())) {
            (Some("A"), Some(n)) => a = Some(n),
            (Some("B"), Some(n)) => b = Some(n),
            _ => panic!("{}: cannot read `{line}`", path.display()),
        }
    }
    (
        a.expect("the baseline has no `A N` line"),
        b.expect("the baseline has no `B N` line"),
    )
}

/// Keywords that appear in our table only with a version later than keepalived's.
fn too_new_keywords() -> BTreeSet<&'static str> {
    let mut new = BTreeSet::new();
    let mut old = BTreeSet::new();
    for (_, k) in schema::all() {
        if k.since.is_some_and(|v| v > KEEPALIVED_VERSION) {
            new.insert(k.name);
        } else {
            old.insert(k.name);
        }
    }
    new.difference(&old).copied().collect()
}

fn run_ours(path: &Path) -> (Vec<String>, BTreeSet<&'static str>, Vec<String>) {
    let opts = CheckOptions {
        target: Some(KEEPALIVED_VERSION),
        ..CheckOptions::default()
    };
    let checked = check_path(path, &opts, &RealFs).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut errors = Vec::new();
    let mut codes = BTreeSet::new();
    let mut other = Vec::new();
    for d in &checked.diags {
        let pos = vigil_compiler::report::position(&checked.parsed.sources, d.span);
        let s = format!("{} {}:{} {}", d.code(), pos.line, pos.column, d.message);
        if d.severity == Severity::Error {
            codes.insert(d.code());
            errors.push(s);
        } else {
            other.push(s);
        }
    }
    (errors, codes, other)
}

#[test]
fn keepalived_check_agrees_with_keepalived_t() {
    if !keepalived::can_run("differential test") {
        return;
    }
    let _dev_null = keepalived::DevNullGuard::new();
    let started = Instant::now();
    let keywords: BTreeSet<&str> = schema::all().into_iter().map(|(_, k)| k.name).collect();
    let too_new = too_new_keywords();

    // Inputs: the originals, then their mutants (deterministic, duplicates dropped).
    let mut inputs = Vec::new();
    let mut seen = HashSet::new();
    let mut rng = Rng::new(SEED);
    let mut ifaces = BTreeSet::new();
    let origins = originals();
    for path in &origins {
        let text = String::from_utf8_lossy(&std::fs::read(path).expect("readable")).into_owned();
        keepalived::interface_names(&text, &mut ifaces);
        seen.insert(text.clone());
        let original = inputs.len();
        inputs.push(Input {
            origin: path.clone(),
            original,
            mutation: None,
            text: text.clone(),
        });
        for kind in Kind::ALL {
            for _ in 0..PER_KIND {
                if let Some(m) = mutate::mutate(&text, kind, &mut rng, &keywords) {
                    if seen.insert(m.text.clone()) {
                        inputs.push(Input {
                            origin: path.clone(),
                            original,
                            mutation: Some((m.kind, m.what)),
                            text: m.text,
                        });
                    }
                }
            }
        }
    }

    let mut ns = keepalived::Netns::new().expect("cannot create a network namespace");
    ns.add_interfaces(&ifaces);
    keepalived::remove_stale_work_dirs(WORK_PREFIX);
    let work = tempfile::Builder::new()
        .prefix(&format!("{WORK_PREFIX}{}-", std::process::id()))
        .tempdir()
        .expect("temporary directory");

    // Both tools on every input, several keepalived runs at a time.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result>>> = Mutex::new((0..inputs.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) * 2;
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                // Originals are read where they are (their includes resolve); mutants from the
                // work folder, named like their original.
                let path = match input.mutation {
                    None => input.origin.clone(),
                    Some(_) => {
                        let p = work.path().join(format!(
                            "{i}-{}",
                            input.origin.file_name().and_then(|n| n.to_str()).unwrap_or("x.conf")
                        ));
                        std::fs::write(&p, &input.text).expect("write mutant");
                        p
                    }
                };
                let (ours, codes, ours_other) = run_ours(&path);
                let out = keepalived::check(&ns.name, &path, work.path(), i);
                if input.mutation.is_some() {
                    let _ = std::fs::remove_file(&path);
                }
                let verdict = classify::verdict(&out, &too_new);
                results.lock().unwrap()[i] = Some(Result {
                    verdict,
                    exit: out.exit,
                    lines: out.lines,
                    ours,
                    codes,
                    ours_other,
                });
            });
        }
    });
    let results: Vec<Result> = results.into_inner().unwrap().into_iter().map(|r| r.unwrap()).collect();
    let skipped_ifaces = ns.skipped.clone();
    let created_ifaces = ns.created;
    drop(ns);

    // Compare.
    let mut a = Vec::new();
    let mut a_inherited = 0;
    let mut b = Vec::new();
    let indep_shapes = |r: &Result| -> BTreeSet<String> {
        r.lines
            .iter()
            .filter(|l| !classify::is_host_dependent(l, &r.lines, &too_new))
            .map(|l| classify::shape(l))
            .collect()
    };
    let mut shapes: BTreeMap<String, (usize, bool)> = BTreeMap::new();
    let mut explained = 0;
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    let mut sigterm = 0;
    let mut broken = Vec::new();
    let mut a_causes: BTreeMap<String, usize> = BTreeMap::new();
    let mut b_causes: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (input, r)) in inputs.iter().zip(&results).enumerate() {
        *verdicts.entry(format!("{:?}", r.verdict)).or_default() += 1;
        if matches!(r.exit, keepalived::Exit::Signal(15) | keepalived::Exit::Code(143)) {
            sigterm += 1;
        }
        let kind = input.mutation.as_ref().map_or("original", |(k, _)| k.name());
        let counts = by_kind.entry(kind).or_default();
        counts[0] += 1;
        for l in &r.lines {
            let e = shapes
                .entry(classify::shape(l))
                .or_insert((0, classify::is_host_dependent(l, &r.lines, &too_new)));
            e.0 += 1;
        }
        match r.verdict {
            Verdict::Rejected | Verdict::Crashed if r.ours.is_empty() => {
                // Inherited: the original already draws every one of these complaints.
                if input.mutation.is_some() && indep_shapes(r).is_subset(&indep_shapes(&results[input.original])) {
                    a_inherited += 1;
                }
                counts[1] += 1;
                for l in &r.lines {
                    if !classify::is_host_dependent(l, &r.lines, &too_new) {
                        *a_causes.entry(classify::shape(l)).or_default() += 1;
                    }
                }
                a.push(i);
            }
            Verdict::AcceptedSilently if !r.ours.is_empty() => {
                if r.codes.iter().all(|c| OWN_CHECKS.contains(c)) {
                    explained += 1;
                } else {
                    counts[2] += 1;
                    for c in &r.codes {
                        *b_causes.entry(c).or_default() += 1;
                    }
                    b.push(i);
                }
            }
            Verdict::Broken => broken.push(i),
            _ => {}
        }
    }

    let describe = |i: usize| -> String {
        let (input, r) = (&inputs[i], &results[i]);
        let mut s = String::new();
        let name = input.origin.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        match &input.mutation {
            None => writeln!(s, "  {name} (original)").unwrap(),
            Some((k, what)) => writeln!(s, "  {name} [{}] {what}", k.name()).unwrap(),
        }
        writeln!(s, "    keepalived: {:?} {:?}", r.verdict, r.exit).unwrap();
        for l in &r.lines {
            writeln!(s, "      | {l}").unwrap();
        }
        if r.ours.is_empty() && r.ours_other.is_empty() {
            writeln!(s, "    keepalived-check: nothing").unwrap();
        }
        for d in &r.ours {
            writeln!(s, "    keepalived-check error: {d}").unwrap();
        }
        for d in &r.ours_other {
            writeln!(s, "    keepalived-check other: {d}").unwrap();
        }
        s
    };

    let mut summary = String::new();
    writeln!(
        summary,
        "inputs: {} ({} originals, {} mutants), seed {SEED:#x}; {created_ifaces} interfaces created, skipped: {:?}",
        inputs.len(),
        origins.len(),
        inputs.len() - origins.len(),
        skipped_ifaces
    )
    .unwrap();
    writeln!(
        summary,
        "keepalived verdicts: {verdicts:?}; SIGTERM quirk (exit 143): {sigterm}"
    )
    .unwrap();
    writeln!(summary, "B explained by our own checks ({OWN_CHECKS:?}): {explained}").unwrap();
    writeln!(summary, "by category (inputs, A, B):").unwrap();
    for (k, [n, ca, cb]) in &by_kind {
        writeln!(summary, "  {k:<20} {n:>5} {ca:>5} {cb:>5}").unwrap();
    }
    let mut top_a: Vec<_> = a_causes.iter().collect();
    top_a.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    writeln!(summary, "A: keepalived's host-independent lines, most frequent first:").unwrap();
    for (l, n) in top_a.iter().take(25) {
        writeln!(summary, "  {n:>5}  {l}").unwrap();
    }
    writeln!(
        summary,
        "A inherited from an original keepalived already rejects (no new complaint): {a_inherited} of {}",
        a.len()
    )
    .unwrap();
    writeln!(summary, "B: our error codes: {b_causes:?}").unwrap();
    if !broken.is_empty() {
        writeln!(
            summary,
            "keepalived timed out or could not run on {} inputs",
            broken.len()
        )
        .unwrap();
    }

    let mut report = summary.clone();
    writeln!(
        report,
        "\n== every keepalived stderr line shape: count, host-dependent? =="
    )
    .unwrap();
    for (l, (n, host)) in &shapes {
        writeln!(report, "  {n:>5} {} {l}", if *host { "host" } else { "text" }).unwrap();
    }
    writeln!(
        report,
        "\n== A: keepalived rejects, keepalived-check has no error ({}) ==",
        a.len()
    )
    .unwrap();
    for &i in &a {
        report.push_str(&describe(i));
    }
    writeln!(
        report,
        "\n== B: keepalived accepts silently, keepalived-check has an error ({}) ==",
        b.len()
    )
    .unwrap();
    for &i in &b {
        report.push_str(&describe(i));
    }
    writeln!(report, "\n== broken runs ({}) ==", broken.len()).unwrap();
    for &i in &broken {
        report.push_str(&describe(i));
    }
    let report_path = target_dir().join("differential-report.txt");
    let _ = std::fs::create_dir_all(target_dir());
    if let Err(e) = std::fs::write(&report_path, &report) {
        eprintln!("warning: cannot write {}: {e}", report_path.display());
    }

    eprint!("{summary}");
    eprintln!("first mismatches (all of them in {}):", report_path.display());
    for &i in a.iter().chain(&b).take(SHOW) {
        eprint!("{}", describe(i));
    }
    let baseline_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/differential-baseline.txt");
    let (max_a, max_b) = read_baseline(&baseline_path);
    let line = format!(
        "differential: {} mismatches (A={}, B={}), baseline A={max_a}, B={max_b}; {} inputs in {:.1} s",
        a.len() + b.len(),
        a.len(),
        b.len(),
        inputs.len(),
        started.elapsed().as_secs_f64()
    );
    // Written to the stderr handle itself, not through `eprintln!`: libtest captures the
    // macros of a passing test, and this line must always show.
    let _ = writeln!(std::io::stderr(), "{line}");
    drop(work);
    assert!(
        a.len() <= max_a && b.len() <= max_b,
        "differential regression: A={} (max {max_a}), B={} (max {max_b}); see {}",
        a.len(),
        b.len(),
        report_path.display()
    );
    if a.len() < max_a || b.len() < max_b {
        eprintln!(
            "differential: fewer mismatches than the baseline; lower {} to A {}, B {}",
            baseline_path.display(),
            a.len(),
            b.len()
        );
    }
}
