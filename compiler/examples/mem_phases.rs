//! Peak memory and time of each phase of `compile` on one file (a measuring aid):
//! `cargo run --release -p vigil-compiler --example mem_phases -- FILE`.
use std::time::Instant;

fn rss(what: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(what))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let path = std::env::args().nth(1).expect("FILE");
    let t = Instant::now();
    let checked = vigil_compiler::check_path(
        std::path::Path::new(&path),
        &vigil_compiler::CheckOptions::default(),
        &vigil_grammar::RealFs,
    )
    .expect("read");
    println!(
        "check:  {:>6} ms  rss {:>7} KiB  peak {:>7} KiB",
        t.elapsed().as_millis(),
        rss("VmRSS"),
        rss("VmHWM")
    );
    let t = Instant::now();
    let ir = vigil_compiler::ir::build(&checked.parsed);
    println!(
        "ir:     {:>6} ms  rss {:>7} KiB  peak {:>7} KiB",
        t.elapsed().as_millis(),
        rss("VmRSS"),
        rss("VmHWM")
    );
    let t = Instant::now();
    let plan = vigil_compiler::lower::lower(
        &checked.parsed,
        &ir,
        vigil_plan::Source {
            file: path.clone(),
            config_id: None,
        },
    );
    println!(
        "lower:  {:>6} ms  rss {:>7} KiB  peak {:>7} KiB",
        t.elapsed().as_millis(),
        rss("VmRSS"),
        rss("VmHWM")
    );
    drop(ir);
    let t = Instant::now();
    let json = vigil_plan::to_json(&plan);
    println!(
        "json:   {:>6} ms  rss {:>7} KiB  peak {:>7} KiB  ({} bytes)",
        t.elapsed().as_millis(),
        rss("VmRSS"),
        rss("VmHWM"),
        json.len()
    );
}
