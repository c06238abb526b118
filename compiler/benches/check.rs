//! The whole `keepalived-check` (front end, keyword table, every check) against
//! `keepalived -t` on the generated ~200,000-line config, in one run. The compiler issue
//! wants at most a fifth of keepalived's time and less peak memory; this prints both ratios,
//! for the check alone and for `compile` (check, typed IR, lowering, plan JSON).
//!
//! Then `compile` as users run it, the whole `keepalived-check` process against the whole
//! `keepalived-check compile -o` process, on the same config and on a generated ~50 MB one: the
//! plan issue wants compile within 3x of check's time and peak memory, and a plan that does not
//! grow faster than the config (the ratio of plan bytes to config bytes is printed for both).
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

/// One whole `keepalived-check ARGS` process under time(1): elapsed seconds and peak KiB.
fn process(args: &[&std::ffi::OsStr], time_out: &Path) -> Option<(f64, u64)> {
    let status = Command::new(TIME)
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(time_out)
        .arg(env!("CARGO_BIN_EXE_keepalived-check"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let measured = std::fs::read_to_string(time_out).ok()?;
    let mut f = measured.split_whitespace();
    Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
}

/// `check` and `compile` as whole processes on `path`, with the ratios the plan issue sets.
fn whole_process(label: &str, path: &Path, runs: usize) {
    if !Path::new(TIME).exists() {
        println!("whole process ({label}): SKIP: {TIME} is missing (apt-get install time)");
        return;
    }
    let plan = path.with_extension("plan.json");
    let time_out = path.with_extension("time");
    let measure = |args: &[&std::ffi::OsStr]| -> Option<(f64, u64)> {
        let mut secs = Vec::new();
        let mut peak = 0;
        for _ in 0..runs {
            let (s, p) = process(args, &time_out)?;
            secs.push(s);
            peak = peak.max(p);
        }
        Some((median_secs(secs), peak))
    };
    let check = measure(&[path.as_os_str()]);
    let compile = measure(&["compile".as_ref(), path.as_os_str(), "-o".as_ref(), plan.as_os_str()]);
    let (Some((cs, cp)), Some((ps, pp))) = (check, compile) else {
        println!("whole process ({label}): keepalived-check failed");
        return;
    };
    let config_bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    let plan_bytes = std::fs::metadata(&plan).map_or(0, |m| m.len());
    let _ = std::fs::remove_file(&plan);
    println!("== whole process, {label} ({config_bytes} bytes), median of {runs}");
    println!("check:          {:.0} ms, {cp} KiB peak", cs * 1e3);
    println!("compile -o:     {:.0} ms, {pp} KiB peak", ps * 1e3);
    let (t, m) = (ps / cs, pp as f64 / cp as f64);
    println!(
        "compile/check:  time {t:.2}x, memory {m:.2}x; goal at most 3x: {}",
        if t <= 3.0 && m <= 3.0 { "met" } else { "NOT MET" }
    );
    println!(
        "plan size:      {plan_bytes} bytes, {:.2}x the config",
        plan_bytes as f64 / config_bytes.max(1) as f64
    );
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

    whole_process("the generated config", &path, RUNS);
    // About 50 MB, 2.7 million lines: the size at which compile once took 10x check's time.
    let big = dir.0.join("big.conf");
    std::fs::write(&big, gen::generate(VRRP * 13, VS * 13, RS_PER_VS)).expect("write the 50 MB config");
    whole_process("a generated 50 MB config", &big, 3);
    let _ = std::fs::remove_file(&big);

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
