//! The `keepalived-check` command line.

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vigil_compiler::{check_path, report, CheckOptions, Summary};
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
    #[arg(required_unless_present = "explain")]
    files: Vec<PathBuf>,
    /// Explain a check: what it finds, why it matters, an example, the fix.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
    /// Warn about keywords that this keepalived version (X.Y or X.Y.Z) does not know yet.
    #[arg(long = "target-version", value_name = "VERSION", value_parser = parse_version)]
    target_version: Option<vigil_compiler::schema::Version>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The config id that `@ID` lines are selected by (none: every `@ID` line is dropped).
    #[arg(long = "config-id", value_name = "ID")]
    config_id: Option<String>,
    /// Also check against this machine: interfaces, source addresses, script files and their
    /// permissions, script users and groups (KA06xx). Without it results never depend on the host.
    #[arg(long = "host-checks")]
    host_checks: bool,
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
    Sarif,
    Github,
}

fn parse_version(s: &str) -> Result<vigil_compiler::schema::Version, String> {
    // X.Y means X.Y.0: a keyword added in a patch release of X.Y is reported too.
    let bad = || "expected MAJOR.MINOR[.PATCH], such as 2.2 or 2.2.7".to_string();
    let parts: Vec<u8> = s
        .split('.')
        .map(|p| p.parse::<u8>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match parts[..] {
        [a, b] => Ok(vigil_compiler::schema::Version(a, b, 0)),
        [a, b, c] => Ok(vigil_compiler::schema::Version(a, b, c)),
        _ => Err(bad()),
    }
}

fn explain(code: &str) -> ExitCode {
    match vigil_compiler::checks::find(code) {
        Some(c) => {
            print!("{}", vigil_compiler::checks::explain(c));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: no check is called `{code}`; the codes are:");
            for c in vigil_compiler::checks::all() {
                eprintln!("  {} {}", c.code, c.name);
            }
            ExitCode::from(2)
        }
    }
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
        None => match &cli.explain {
            Some(code) => explain(code),
            None => lint(&cli),
        },
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
    let opts = CheckOptions {
        preprocess: Options {
            config_id: cli.config_id.clone(),
            ..Options::default()
        },
        target: cli.target_version,
        host_checks: cli.host_checks,
    };
    let mut summary = Summary::default();
    let mut json = Vec::new();
    let mut checked_all = Vec::new();
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
            Format::Sarif => {}
            Format::Github => {
                let _ = report::github(&mut stdout, sources, &checked.diags);
            }
        }
        if cli.format == Format::Sarif {
            checked_all.push(checked);
        }
    }
    if cli.format == Format::Sarif {
        let files: Vec<_> = checked_all
            .iter()
            .map(|c: &vigil_compiler::Checked| (&c.parsed.sources, &c.diags[..]))
            .collect();
        let _ = writeln!(
            stdout,
            "{}",
            serde_json::to_string_pretty(&report::sarif(&files)).unwrap_or_default()
        );
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
    let diags: Vec<_> = diags.iter().map(vigil_compiler::Diagnostic::from_frontend).collect();
    let stderr = StandardStream::stderr(color());
    let _ = report::human(&mut stderr.lock(), &sources, &diags);
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
