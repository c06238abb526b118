//! The `keepalived-check` command line.

use clap::{Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vigil_compiler::{check_path, report, CheckOptions, Diagnostic, Summary};
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
    /// Repeat it to check each file once per id, or with --cluster to make one node per id.
    #[arg(long = "config-id", value_name = "ID")]
    config_id: Vec<String>,
    /// Treat the files (or one file under several --config-id) as the nodes of one cluster and
    /// compare them: VRIDs, authentication, advert_int, version, VIPs, priorities, peers (KA07xx).
    #[arg(long)]
    cluster: bool,
    /// With --cluster: predict who is master of each virtual router normally and after each
    /// single failure (a node down or stopping or returning, a tracked script, interface or file
    /// failing), running the nodes' plans in vigild's VRRP core on a virtual clock (KA0711-KA0715).
    #[arg(long, requires = "cluster")]
    failover: bool,
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
    /// Check one file and, when it has no errors, write its plan (the JSON that vigild runs).
    Compile {
        file: PathBuf,
        /// Where to write the plan (`-`: standard output, the default). Written atomically.
        #[arg(short = 'o', long = "output", value_name = "PATH", default_value = "-")]
        output: PathBuf,
        /// The config id that `@ID` lines are selected by.
        #[arg(long = "config-id", value_name = "ID")]
        config_id: Option<String>,
        /// Refuse to write a plan when there are warnings too.
        #[arg(long = "deny-warnings")]
        deny_warnings: bool,
        /// Indent the JSON for reading (by default it is written on one line, half the size).
        #[arg(long = "pretty")]
        pretty: bool,
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
        Some(Command::Compile {
            file,
            output,
            config_id,
            deny_warnings,
            pretty,
        }) => compile(&file, &output, config_id, deny_warnings, pretty),
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

/// Where diagnostics go: the chosen format, and what is gathered for formats printed at the end.
struct Out {
    format: Format,
    summary: Summary,
    json: Vec<report::JsonDiagnostic>,
    sarif: Vec<(SourceMap, Vec<Diagnostic>)>,
    stderr: StandardStream,
}

impl Out {
    fn emit(&mut self, sources: &SourceMap, diags: &[Diagnostic]) {
        self.summary.add(diags);
        match self.format {
            Format::Human => {
                let _ = report::human(&mut self.stderr.lock(), sources, diags);
            }
            Format::Json => self.json.extend(diags.iter().map(|d| report::json_diag(sources, d))),
            Format::Sarif => self.sarif.push((sources.clone(), diags.to_vec())),
            Format::Github => {
                let _ = report::github(&mut std::io::stdout().lock(), sources, diags);
            }
        }
    }
}

/// A node's name for messages: its file name, or the path as given when two files share a name.
fn node_name(f: &Path, files: &[PathBuf]) -> String {
    let short = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    match short(f) {
        Some(n) if files.iter().filter(|o| short(o).as_deref() == Some(&n)).count() == 1 => n,
        _ => f.display().to_string(),
    }
}

/// One node of a `--cluster` run: its name for messages, its file and its config id.
type NodeSpec<'a> = (String, &'a Path, Option<String>);

/// The nodes of a `--cluster` run.
fn cluster_nodes(cli: &Cli) -> Result<Vec<NodeSpec<'_>>, String> {
    let ids = &cli.config_id;
    let files = &cli.files;
    match (files.len(), ids.len()) {
        (1, n) if n >= 2 => Ok(ids
            .iter()
            .map(|id| (id.clone(), files[0].as_path(), Some(id.clone())))
            .collect()),
        (n, 0 | 1) if n >= 2 => Ok(files
            .iter()
            .map(|f| (node_name(f, files), f.as_path(), ids.first().cloned()))
            .collect()),
        (n, m) if n >= 2 && n == m => Ok(files
            .iter()
            .zip(ids)
            .map(|(f, id)| (format!("{} ({id})", node_name(f, files)), f.as_path(), Some(id.clone())))
            .collect()),
        (1, _) => Err("--cluster needs at least two nodes: several files, or one file with several --config-id".into()),
        (n, m) => Err(format!(
            "--cluster with {n} files takes no --config-id, one for all files, or one per file (got {m})"
        )),
    }
}

fn lint(cli: &Cli) -> ExitCode {
    let opts_for = |id: Option<String>| CheckOptions {
        preprocess: Options {
            config_id: id,
            ..Options::default()
        },
        target: cli.target_version,
        host_checks: cli.host_checks,
    };
    let mut out = Out {
        format: cli.format,
        summary: Summary::default(),
        json: Vec::new(),
        sarif: Vec::new(),
        stderr: StandardStream::stderr(color()),
    };
    let mut failed = false;
    let mut failover = None;
    let mut stdout = std::io::stdout().lock();
    if cli.cluster {
        let nodes = match cluster_nodes(cli) {
            Ok(n) => n,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let mut parsed = Vec::new();
        for (name, path, id) in nodes {
            match vigil_grammar::parse_path(path, &opts_for(id.clone()).preprocess, &RealFs) {
                Ok(p) => parsed.push((name, p)),
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    failed = true;
                }
            }
        }
        if failed {
            return ExitCode::from(2);
        }
        // Every node has the same options but its config id, which is already applied.
        let checked = vigil_compiler::check_cluster_with(parsed, &opts_for(None), cli.failover);
        failover = checked.failover;
        out.summary.files += checked.nodes.len();
        if cli.dump_tree {
            for (name, p) in &checked.nodes {
                let _ = write!(stdout, "# node {name}\n{}", p.tree);
            }
        } else {
            if let (Some(r), Format::Human) = (&failover, cli.format) {
                let _ = write!(stdout, "{}", vigil_compiler::failover::render(r));
                let _ = stdout.flush();
            }
            out.emit(&checked.sources, &checked.diags);
        }
    } else {
        let ids: Vec<Option<String>> = if cli.config_id.is_empty() {
            vec![None]
        } else {
            cli.config_id.iter().cloned().map(Some).collect()
        };
        for path in &cli.files {
            for id in &ids {
                let checked = match check_path(path, &opts_for(id.clone()), &RealFs) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", path.display());
                        failed = true;
                        break;
                    }
                };
                out.summary.files += 1;
                if cli.dump_tree {
                    let _ = write!(stdout, "{}", checked.parsed.tree);
                    continue;
                }
                if ids.len() > 1 && cli.format == Format::Human && !checked.diags.is_empty() {
                    eprintln!("{} with --config-id {}:", path.display(), id.as_deref().unwrap_or(""));
                }
                out.emit(&checked.parsed.sources, &checked.diags);
            }
        }
    }
    let summary = out.summary;
    match cli.format {
        Format::Sarif => {
            let files: Vec<_> = out.sarif.iter().map(|(s, d)| (s, &d[..])).collect();
            let _ = writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&report::sarif(&files)).unwrap_or_default()
            );
        }
        Format::Json if failover.is_some() => {
            let doc = serde_json::json!({
                "groups": failover.as_ref().map(|r| &r.groups),
                "diagnostics": out.json,
                "summary": summary,
            });
            let _ = writeln!(stdout, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Json => {
            let doc = serde_json::json!({ "diagnostics": out.json, "summary": summary });
            let _ = writeln!(stdout, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Human if !cli.dump_tree && summary.errors + summary.warnings > 0 => {
            let what = if cli.cluster { "node(s)" } else { "file(s)" };
            eprintln!(
                "{} error(s), {} warning(s) in {} {what}",
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

fn compile(file: &Path, output: &Path, config_id: Option<String>, deny_warnings: bool, pretty: bool) -> ExitCode {
    let opts = CheckOptions {
        preprocess: Options {
            config_id: config_id.clone(),
            ..Options::default()
        },
        ..CheckOptions::default()
    };
    let checked = match check_path(file, &opts, &RealFs) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let stderr = StandardStream::stderr(color());
    let _ = report::human(&mut stderr.lock(), &checked.parsed.sources, &checked.diags);
    let mut summary = Summary::default();
    summary.add(&checked.diags);
    if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        eprintln!(
            "{} error(s), {} warning(s): no plan written",
            summary.errors, summary.warnings
        );
        return ExitCode::from(1);
    }
    let source = vigil_plan::Source {
        file: file.display().to_string(),
        config_id,
    };
    let plan = vigil_compiler::compile(&checked, source);
    drop(checked);
    if output.as_os_str() == "-" {
        let _ = vigil_plan::write_json(&plan, std::io::BufWriter::new(std::io::stdout().lock()), pretty);
        return ExitCode::SUCCESS;
    }
    // Write next to the target and rename, so a reader never sees half a plan.
    let tmp = output.with_extension("json.tmp");
    let written = std::fs::File::create(&tmp)
        .and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            vigil_plan::write_json(&plan, &mut w, pretty)?;
            w.into_inner().map_err(|e| e.into_error())?.sync_all()
        })
        .and_then(|_| std::fs::rename(&tmp, output));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("error: cannot write {}: {e}", output.display());
            ExitCode::from(2)
        }
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
