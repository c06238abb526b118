//! The whole `keepalived-check` (front end, keyword table, every check) against
//! `keepalived -t` on the generated ~200,000-line config, in one run. The compiler issue
//! wants at most a fifth of keepalived's time and less peak memory; this prints both ratios,
//! for the check alone and for `compile` (check, typed IR, lowering, plan JSON).
//!
//! `cargo bench -p vigil-compiler --bench check`. keepalived is measured only as root (it
//! needs a network namespace with the config's interfaces); otherwise that part says SKIP.

#[path = "../../grammar/benches/gen.rs"]
mod gen;
#[path = "../../grammar/benches/oracle.rs"]
mod oracle;

use oracle::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;
use vigil_compiler::{check_path, CheckOptions};
use vigil_grammar::{RealFs, Severity};

const VRRP: usize = 1000;
const VS: usize = 5000;
const RS_PER_VS: usize = 4;
const RUNS: usize = 7;
const KEEPALIVED_RUNS: usize = 3;
const CHILD_ENV: &str = "VIGIL_CHECK_BENCH_CHILD";

/// One check of the file; panics if the generated config has errors.
fn check(path: &Path) -> usize {
    let checked = check_path(path, &CheckOptions::default(), &RealFs).expect("read the generated config");
    let errors: Vec<_> = checked.diags.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(
        errors.is_empty(),
        "the generated config has errors: {:?}",
        errors.first()
    );
    checked.diags.len()
}

/// One check and compile of the file, down to the plan's JSON; its length.
fn compile(path: &Path) -> usize {
    let checked = check_path(path, &CheckOptions::default(), &RealFs).expect("read the generated config");
    assert!(checked.diags.iter().all(|d| d.severity != Severity::Error));
    let source = vigil_plan::Source {
        file: path.display().to_string(),
        config_id: None,
    };
    vigil_plan::to_json(&vigil_compiler::compile(&checked, source)).len()
}

fn median_of(f: fn(&Path) -> usize, path: &Path) -> f64 {
    f(path);
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        std::hint::black_box(f(path));
        times.push(t.elapsed().as_secs_f64());
    }
    median_secs(times)
}

/// Peak memory (KiB) of a child process that runs `what` (`check` or `compile`) once.
fn child_peak(path: &Path, what: &str) -> Option<u64> {
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new(exe)
        .env(CHILD_ENV, path)
        .env("VIGIL_CHECK_BENCH_WHAT", what)
        .stdin(Stdio::null())
        .output()
        .expect("run the child");
    let nums: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match nums[..] {
        [base, peak] => {
            println!("peak memory:    {what}: {peak} KiB (VmHWM of a process that runs it once; {base} KiB before)");
            Some(peak)
        }
        _ => {
            println!(
                "peak memory:    {what}: unknown ({})",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            None
        }
    }
}

fn main() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        // The child: one run, and its memory as `base peak` (KiB).
        let base = status_kib("VmHWM").unwrap_or(0);
        if std::env::var("VIGIL_CHECK_BENCH_WHAT").as_deref() == Ok("compile") {
            compile(Path::new(&path));
        } else {
            check(Path::new(&path));
        }
        println!("{base} {}", status_kib("VmHWM").unwrap_or(0));
        return;
    }
    if !std::env::args().any(|a| a == "--bench") {
        println!("check: run with `cargo bench` to measure");
        return;
    }
    let dir = TempDir::new();
    let text = gen::generate(VRRP, VS, RS_PER_VS);
    let lines = gen::count_lines(&text);
    let path = dir.0.join("keepalived.conf");
    std::fs::write(&path, &text).expect("write the generated config");
    drop(text);

    let ours = median_of(check, &path);
    let compiled = median_of(compile, &path);
    println!("== keepalived-check on the generated config ({lines} lines)");
    println!(
        "check median:   {:.1} ms over {RUNS} runs ({:.0} lines/s)",
        ours * 1e3,
        lines as f64 / ours
    );
    println!(
        "compile median: {:.1} ms over {RUNS} runs (check + IR + plan + JSON)",
        compiled * 1e3
    );
    let peak = child_peak(&path, "check");
    let compile_peak = child_peak(&path, "compile");

    match keepalived(&path, &gen::interfaces(VRRP), KEEPALIVED_RUNS) {
        Err(why) => println!("keepalived -t:  SKIP: {why}"),
        Ok(k) => {
            println!(
                "keepalived -t:  median {:.1} ms over {} runs, {} KiB peak",
                k.median * 1e3,
                k.runs.len(),
                k.peak_kib.map_or("?".into(), |p| p.to_string())
            );
            let share = ours / k.median;
            println!(
                "time ratio:     keepalived-check takes {:.1}% of keepalived -t's time ({:.1}x faster); goal at most 20%: {}",
                share * 100.0,
                k.median / ours,
                if share <= 0.2 { "met" } else { "NOT MET" }
            );
            let share = compiled / k.median;
            println!(
                "time ratio:     compile takes {:.1}% of keepalived -t's time ({:.1}x faster); goal at most 20%: {}",
                share * 100.0,
                k.median / compiled,
                if share <= 0.2 { "met" } else { "NOT MET" }
            );
            for (what, ours) in [("check", peak), ("compile", compile_peak)] {
                if let (Some(ours), Some(theirs)) = (ours, k.peak_kib) {
                    println!(
                        "memory ratio:   {what}: {ours} KiB against {theirs} KiB ({:.2}x); goal less than keepalived: {}",
                        ours as f64 / theirs as f64,
                        if ours < theirs { "met" } else { "NOT MET" }
                    );
                }
            }
        }
    }
}
