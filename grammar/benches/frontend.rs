//! The front-end benchmark: `cargo bench -p vigil-grammar`.
//!
//! Generates a config of about 200,000 lines (1,000 vrrp_instances, 5,000 virtual_servers
//! with 4 real servers each; see `gen.rs`), writes it to a temporary file and measures with
//! criterion (lines per second as throughput):
//! - `parse_path`: read + preprocess + parse, the whole expanded view;
//! - `expand_path` and `parse_tokens`: its two phases;
//! - `parse_lossless` and `format` (which includes its own `parse_lossless`) on the same text.
//!
//! Then prints a report: lines, bytes, median time and lines per second of `parse_path`, and
//! the peak memory of one parse, measured in a child process (this binary run again with
//! `VIGIL_BENCH_PEAK_CHILD` set) from `VmHWM` in `/proc/self/status`. Last it runs
//! `keepalived -t` on the same file three times, inside a network namespace made for the
//! purpose (root and `/usr/sbin/keepalived` needed, otherwise a SKIP line says why), and
//! prints the time and memory ratios. Nothing is sent on any interface: `keepalived -t`
//! only reads the config, and the interfaces it names exist only in that namespace.
//!
//! Under `cargo test --benches` (no `--bench` argument) criterion runs each routine once
//! and the report is skipped.

#[path = "gen.rs"]
mod gen;
#[path = "oracle.rs"]
mod oracle;
use oracle::*;

use criterion::{black_box, Criterion, Throughput};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use vigil_grammar::{format, parse_lossless, parse_path, preprocess, FileId, Options, Parsed, RealFs};

const VRRP: usize = 1000;
const VS: usize = 5000;
const RS_PER_VS: usize = 4;
const CHILD_ENV: &str = "VIGIL_BENCH_PEAK_CHILD";
const KEEPALIVED_RUNS: usize = 3;
const TIMED_RUNS: usize = 7;

fn main() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        peak_child(Path::new(&path));
        return;
    }
    let full = std::env::args().any(|a| a == "--bench");
    let dir = TempDir::new();
    let text = gen::generate(VRRP, VS, RS_PER_VS);
    let lines = gen::count_lines(&text);
    let path = dir.0.join("keepalived.conf");
    std::fs::write(&path, &text).expect("write the generated config");
    check(&parse(&path));

    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let mut g = c.benchmark_group("frontend");
    g.throughput(Throughput::Elements(lines as u64));
    g.bench_function("parse_path", |b| b.iter(|| parse(black_box(&path))));
    g.bench_function("expand_path", |b| {
        b.iter(|| preprocess::expand_path(black_box(&path), &Options::default(), &RealFs).unwrap())
    });
    g.bench_function("parse_tokens", |b| {
        b.iter_batched(
            || preprocess::expand_path(&path, &Options::default(), &RealFs).unwrap(),
            |x| {
                let mut diags = Vec::new();
                let tree = vigil_grammar::parse::parse_tokens(x.tokens, x.texts, &x.sources, &mut diags);
                (tree, x.sources)
            },
            criterion::BatchSize::PerIteration,
        )
    });
    g.bench_function("parse_lossless", |b| {
        b.iter(|| parse_lossless(FileId(0), black_box(&text)))
    });
    g.bench_function("format", |b| b.iter(|| format(black_box(&text)).unwrap()));
    g.finish();
    c.final_summary();

    if full {
        report(&path, &text, lines);
    } else {
        println!("frontend: not run with --bench, report and keepalived comparison skipped");
    }
}

fn parse(path: &Path) -> Parsed {
    parse_path(path, &Options::default(), &RealFs).expect("read the generated config")
}

/// The generated config must parse cleanly into the expected top-level blocks.
fn check(p: &Parsed) {
    assert!(
        !p.has_errors(),
        "generated config has front-end errors: {:?}",
        p.diags.first()
    );
    let top = p.tree.nodes().count();
    assert_eq!(
        top,
        1 + gen::SCRIPTS + VRRP + VS,
        "top-level blocks of the generated config"
    );
}

/// The report after criterion: own timing, peak memory, keepalived comparison.
fn report(path: &Path, text: &str, lines: usize) {
    // Parse and drop timed apart: a command-line tool may exit without freeing the result.
    let (mut parse_secs, mut drop_secs, mut total_secs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..TIMED_RUNS {
        let t = Instant::now();
        let parsed = black_box(parse(path));
        let parsed_at = t.elapsed().as_secs_f64();
        drop(parsed);
        let total = t.elapsed().as_secs_f64();
        parse_secs.push(parsed_at);
        drop_secs.push(total - parsed_at);
        total_secs.push(total);
    }
    let (parse_med, drop_med, total_med) = (median_secs(parse_secs), median_secs(drop_secs), median_secs(total_secs));
    let format_med = median_secs(
        (0..TIMED_RUNS)
            .map(|_| {
                let t = Instant::now();
                black_box(format(text).unwrap());
                t.elapsed().as_secs_f64()
            })
            .collect(),
    );
    println!();
    println!(
        "== vigil front end on the generated config \
         ({VRRP} vrrp_instance, {VS} virtual_server x {RS_PER_VS} real_server)"
    );
    println!("lines:                 {lines}");
    println!("bytes:                 {}", text.len());
    println!(
        "parse_path median:     {:.1} ms over {TIMED_RUNS} runs including dropping the result \
         ({:.0} lines/s, {:.1} MB/s)",
        total_med * 1e3,
        lines as f64 / total_med,
        text.len() as f64 / total_med / 1e6
    );
    println!(
        "  of which:            parse {:.1} ms ({:.0} lines/s), drop {:.1} ms",
        parse_med * 1e3,
        lines as f64 / parse_med,
        drop_med * 1e3
    );
    println!(
        "format median:         {:.1} ms over {TIMED_RUNS} runs ({:.0} lines/s)",
        format_med * 1e3,
        lines as f64 / format_med
    );
    let mem = match peak_memory(path) {
        Ok(m) => {
            println!(
                "parse peak memory:     {} KiB peak RSS (VmHWM) of a child process that parses once; \
                 {} KiB before parsing, so the parse adds {} KiB; {} KiB resident after it, result alive",
                m.peak_kib,
                m.base_kib,
                m.peak_kib.saturating_sub(m.base_kib),
                m.after_kib
            );
            Some(m)
        }
        Err(e) => {
            println!("parse peak memory:     unavailable: {e}");
            None
        }
    };
    match keepalived(path, &gen::interfaces(VRRP), KEEPALIVED_RUNS) {
        Err(skip) => println!("keepalived -t:         SKIP: {skip}"),
        Ok(k) => {
            let mem_txt = k
                .peak_kib
                .map_or("peak memory n/a (no /usr/bin/time)".to_string(), |kib| {
                    format!("{kib} KiB peak RSS")
                });
            println!(
                "keepalived -t:         median {:.1} ms over {KEEPALIVED_RUNS} runs ({}), {mem_txt}",
                k.median * 1e3,
                k.runs
                    .iter()
                    .map(|s| format!("{:.0} ms", s * 1e3))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let ratio = k.median / total_med;
            println!(
                "time ratio:            keepalived -t / parse_path = {ratio:.1}x: the front end takes {:.1}% of \
                 keepalived -t's time ({:.1}% without the drop); the issue wants well under 20%: {}",
                100.0 / ratio,
                100.0 * parse_med / k.median,
                if ratio > 5.0 { "met" } else { "NOT MET" }
            );
            if let (Some(kib), Some(m)) = (k.peak_kib, mem) {
                println!(
                    "memory ratio:          keepalived -t peak / parse peak = {:.2}x ({kib} KiB / {} KiB)",
                    kib as f64 / m.peak_kib as f64,
                    m.peak_kib
                );
            }
        }
    }
}

/// The child: one parse, and its memory on stdout as `base peak after` (KiB).
fn peak_child(path: &Path) {
    let base = status_kib("VmHWM").unwrap_or(0);
    let parsed = parse(path);
    let peak = status_kib("VmHWM").unwrap_or(0);
    let after = status_kib("VmRSS").unwrap_or(0);
    check(&parsed);
    println!("{base} {peak} {after}");
    drop(parsed);
}

fn peak_memory(path: &Path) -> Result<PeakMem, String> {
    if status_kib("VmHWM").is_none() {
        return Err("no VmHWM in /proc/self/status".into());
    }
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let out = Command::new(exe)
        .env(CHILD_ENV, path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("running the child: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let nums: Vec<u64> = stdout.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    match (out.status.success(), nums.as_slice()) {
        (true, &[base_kib, peak_kib, after_kib]) => Ok(PeakMem {
            base_kib,
            peak_kib,
            after_kib,
        }),
        _ => Err(format!(
            "child failed ({}): {}{}",
            out.status,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}
