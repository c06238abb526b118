//! `vigild`: run, check, inspect and reload a compiled Vigil plan.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use vigild::control::{self, Request, DEFAULT_SOCKET};
use vigild::daemon::{self, Daemon, Options};

#[derive(Parser)]
#[command(
    name = "vigild",
    version,
    about = "Runs a plan compiled by keepalived-check: VRRP elections, virtual addresses, trackers and notify scripts"
)]
struct Cli {
    /// The control socket.
    #[arg(long, global = true, default_value = DEFAULT_SOCKET)]
    socket: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Runs the plan in the foreground until SIGTERM (SIGHUP rereads the plan file).
    Run { plan: PathBuf },
    /// Validates a plan and lists every setting vigild would refuse; runs nothing.
    Check { plan: PathBuf },
    /// Shows each instance's state, priority, master and counters.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Hands a plan to the running daemon; an invalid plan is refused and the old one stays.
    Reload { plan: Option<PathBuf> },
}

/// Logs to the journal natively (a priority per level, the events' fields as journal fields)
/// when systemd has connected stderr to it, else as text on stderr. `VIGILD_LOG` filters
/// (`info` by default, `debug` for every advert decision).
fn init_logging() {
    use tracing_subscriber::prelude::*;
    let filter = || {
        tracing_subscriber::EnvFilter::try_from_env("VIGILD_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
    };
    if vigild::stderr_is_journal() {
        if let Ok(journal) = tracing_journald::layer() {
            tracing_subscriber::registry()
                .with(journal.with_syslog_identifier("vigild".into()))
                .with(filter())
                .init();
            return;
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        Cmd::Check { plan } => match std::fs::read_to_string(&plan) {
            Err(e) => fail(&format!("cannot read {}: {e}", plan.display())),
            Ok(text) => match daemon::check_plan(&text) {
                Ok(p) => {
                    println!(
                        "{}: ok ({} VRRP instance(s), {} sync group(s))",
                        plan.display(),
                        p.vrrp_instances.len(),
                        p.sync_groups.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&format!("{}: {e}", plan.display())),
            },
        },
        Cmd::Run { plan } => {
            let plan = std::path::absolute(&plan).unwrap_or(plan);
            match Daemon::start(Options {
                plan_path: plan,
                socket: cli.socket,
            })
            .and_then(Daemon::run)
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e.0),
            }
        }
        Cmd::Status { json } => match control::call(&cli.socket, &Request::Status) {
            Err(e) => fail(&e),
            Ok(v) if json => {
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                ExitCode::SUCCESS
            }
            Ok(v) => match serde_json::from_value::<control::Status>(v) {
                Ok(s) => {
                    print_status(&s);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&format!("bad answer from vigild: {e}")),
            },
        },
        Cmd::Reload { plan } => {
            let plan = plan.map(|p| std::path::absolute(&p).unwrap_or(p).display().to_string());
            match control::call(&cli.socket, &Request::Reload { plan }) {
                Err(e) => fail(&e),
                Ok(v) if v["ok"] == true => {
                    println!("reloaded");
                    ExitCode::SUCCESS
                }
                Ok(v) => fail(&format!(
                    "reload refused, the running plan stays: {}",
                    v["error"].as_str().unwrap_or("?")
                )),
            }
        }
    }
}

fn print_status(s: &control::Status) {
    println!("plan {} (from {})", s.plan, s.source);
    println!(
        "{:<20} {:<10} {:>4} {:<7} {:>8} {:<18} {:>9} {:>9}",
        "INSTANCE", "INTERFACE", "VRID", "STATE", "PRIORITY", "MASTER", "SENT", "RECEIVED"
    );
    for i in &s.instances {
        println!(
            "{:<20} {:<10} {:>4} {:<7} {:>8} {:<18} {:>9} {:>9}",
            i.name,
            i.interface,
            i.vrid,
            i.state,
            if i.priority == i.base_priority {
                i.priority.to_string()
            } else {
                format!("{}/{}", i.priority, i.base_priority)
            },
            i.master.as_deref().unwrap_or("-"),
            i.stats["adverts_sent"].as_u64().unwrap_or(0),
            i.stats["adverts_received"].as_u64().unwrap_or(0),
        );
        if let Some(d) = i.stats["dropped"].as_object() {
            for (k, v) in d {
                println!("    dropped {v} x {k}");
            }
        }
    }
    for sc in &s.scripts {
        println!("script {:<20} {}", sc.name, if sc.up { "up" } else { "down" });
    }
    for f in &s.files {
        println!("file   {:<20} {} ({})", f.name, f.value, f.file);
    }
    for p in &s.processes {
        let state = if p.up { "up" } else { "down" };
        println!("process {:<19} {state} ({} running)", p.name, p.processes);
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("vigild: {msg}");
    ExitCode::FAILURE
}
