//! The `keepalived-check` command line.

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vigil_compiler::{check_path, report, Summary};
use vigil_grammar::{Options, RealFs, SourceMap};

#[derive(Parser)]
#[command(
    name = "keepalived-check",
    version,
    about = "Lint keepalived.conf files and compile them into a Vigil plan"
)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Configuration files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The config id that `@ID` lines are selected by (none: every `@ID` line is dropped).
    #[arg(long = "config-id", value_name = "ID")]
    config_id: Option<String>,
    /// Exit with status 1 when there are warnings.
    #[arg(long = "deny-warnings")]
    deny_warnings: bool,
    /// Print the expanded syntax tree instead of diagnostics (for debugging).
    #[arg(long = "dump-tree", hide = true)]
    dump_tree: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Format files in place (or standard input to standard output with `-`).
    Fmt {
        /// Only report files that would change; exit 1 if any would.
        #[arg(long)]
        check: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Github,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Some(Command::Fmt { check, files }) => fmt(check, &files),
        None => lint(&cli),
    }
}

fn color() -> ColorChoice {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

fn lint(cli: &Cli) -> ExitCode {
    let opts = Options {
        config_id: cli.config_id.clone(),
        ..Options::default()
    };
    let mut summary = Summary::default();
    let mut json = Vec::new();
    let mut failed = false;
    let stderr = StandardStream::stderr(color());
    let mut stdout = std::io::stdout().lock();
    for path in &cli.files {
        let checked = match check_path(path, &opts, &RealFs) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                failed = true;
                continue;
            }
        };
        summary.files += 1;
        summary.add(&checked.diags);
        if cli.dump_tree {
            let _ = write!(stdout, "{}", checked.parsed.tree);
            continue;
        }
        let sources = &checked.parsed.sources;
        match cli.format {
            Format::Human => {
                let _ = report::human(&mut stderr.lock(), sources, &checked.diags);
            }
            Format::Json => json.extend(checked.diags.iter().map(|d| report::json_diag(sources, d))),
            Format::Github => {
                let _ = report::github(&mut stdout, sources, &checked.diags);
            }
        }
    }
    match cli.format {
        Format::Json => {
            let doc = serde_json::json!({ "diagnostics": json, "summary": summary });
            let _ = writeln!(stdout, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Human if !cli.dump_tree && summary.errors + summary.warnings > 0 => {
            eprintln!(
                "{} error(s), {} warning(s) in {} file(s)",
                summary.errors, summary.warnings, summary.files
            );
        }
        _ => {}
    }
    if failed {
        ExitCode::from(2)
    } else if summary.errors > 0 || (cli.deny_warnings && summary.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn report_syntax(name: &Path, text: &str, diags: &[vigil_grammar::Diag]) {
    let mut sources = SourceMap::default();
    sources.add(name.to_path_buf(), text.into());
    let stderr = StandardStream::stderr(color());
    let _ = report::human(&mut stderr.lock(), &sources, diags);
}

fn fmt(check: bool, files: &[PathBuf]) -> ExitCode {
    let mut status = 0u8;
    for path in files {
        let stdin = path.as_os_str() == "-";
        let bytes = if stdin {
            let mut b = Vec::new();
            std::io::stdin().read_to_end(&mut b).map(|_| b)
        } else {
            std::fs::read(path)
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                status = 2;
                continue;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            eprintln!("error: {} is not valid UTF-8; not formatted", path.display());
            status = status.max(1);
            continue;
        };
        let formatted = match vigil_grammar::format(&text) {
            Ok(f) => f,
            Err(diags) => {
                report_syntax(path, &text, &diags);
                eprintln!("{}: not formatted: it has syntax errors", path.display());
                if stdin {
                    let _ = std::io::stdout().write_all(text.as_bytes());
                }
                status = status.max(1);
                continue;
            }
        };
        if stdin {
            let _ = std::io::stdout().write_all(formatted.as_bytes());
        } else if formatted != text {
            if check {
                println!("would reformat {}", path.display());
                status = status.max(1);
            } else if let Err(e) = std::fs::write(path, &formatted) {
                eprintln!("error: cannot write {}: {e}", path.display());
                status = 2;
            }
        }
    }
    ExitCode::from(status)
}
