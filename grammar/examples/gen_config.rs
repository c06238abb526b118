//! Writes a generated keepalived configuration (see `benches/gen.rs`) to a file.
//!
//! `cargo run -p vigil-grammar --example gen_config -- OUT [VRRP VS RS_PER_VS]`
//! (defaults: 1000 5000 4, about 200,000 lines). Prints the line and byte counts and the
//! interfaces the config names, which must exist for `keepalived -t` to accept it.

#[path = "../benches/gen.rs"]
mod gen;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_config OUT [VRRP VS RS_PER_VS]";
    let (Some(out), true) = (args.first(), args.len() == 1 || args.len() == 4) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let mut sizes = [1000, 5000, 4];
    for (slot, arg) in sizes.iter_mut().zip(args.iter().skip(1)) {
        match arg.parse() {
            Ok(n) => *slot = n,
            Err(_) => {
                eprintln!("not a count: {arg}\n{usage}");
                return ExitCode::from(2);
            }
        }
    }
    let [vrrp, vs, rs] = sizes;
    let text = gen::generate(vrrp, vs, rs);
    if let Err(e) = std::fs::write(out, &text) {
        eprintln!("{out}: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "{out}: {} lines, {} bytes; interfaces: {}",
        gen::count_lines(&text),
        text.len(),
        gen::interfaces(vrrp).join(" ")
    );
    ExitCode::SUCCESS
}
