//! Where `compile`'s memory and time go, stage by stage: the resident size, its high-water mark
//! and the time since start after parsing, checking, building the IR and lowering it to the plan, and serialising.
//! A hint for finding what to shrink; the figures users see come from
//! `cargo bench -p vigil-compiler --bench check` (whole processes).
//!
//! `cargo run --release -p vigil-compiler --example memstages -- FILE` measures FILE;
//! `... -- FILE K` first writes the bench's generated config scaled by K (1: ~200,000 lines)
//! to FILE.

#[path = "../../grammar/benches/gen.rs"]
mod gen;

static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

fn rss() -> String {
    let t = START.get_or_init(std::time::Instant::now).elapsed();
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(" / high-water ")
        + &format!(", at {:.0} ms", t.as_secs_f64() * 1e3)
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: memstages FILE [K]");
        std::process::exit(2);
    };
    if let Some(k) = std::env::args().nth(2).and_then(|k| k.parse::<usize>().ok()) {
        std::fs::write(&path, gen::generate(1000 * k, 5000 * k, 4)).expect("write the config");
        return;
    }
    println!("start:    {}", rss());
    let parsed = vigil_grammar::parse_path(std::path::Path::new(&path), &Default::default(), &vigil_grammar::RealFs)
        .expect("readable");
    println!("parsed:   {}", rss());
    let checked = vigil_compiler::check_parsed(parsed, &Default::default());
    println!("checked:  {} ({} diagnostics)", rss(), checked.diags.len());
    let ir = vigil_compiler::ir::build(&checked.parsed);
    println!("IR:       {}", rss());
    let source = vigil_plan::Source {
        file: path.clone(),
        config_id: None,
    };
    let plan = vigil_compiler::lower::lower_owned(&checked.parsed, ir, source);
    println!("plan:     {}", rss());
    let mut sink = std::io::sink();
    vigil_plan::write_json(&plan, &mut sink, false).expect("serialise");
    println!("written:  {}", rss());
}
