//! keepalived-check: the library behind the binary. It runs the front end, the structural
//! pass over the keyword table, and the checks; the binary renders the diagnostics.

pub mod checks;
pub mod diagnostic;
pub mod report;
pub mod schema;
mod suppress;
pub mod values;

pub use diagnostic::Diagnostic;
use std::path::Path;
use vigil_grammar::{FileSystem, Options, Parsed, Severity};

/// What a check run needs to know beyond the files.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub preprocess: Options,
    /// `--target-version`: warn about keywords newer than this keepalived.
    pub target: Option<schema::Version>,
}

/// The outcome of checking one top-level file.
pub struct Checked {
    pub parsed: Parsed,
    pub diags: Vec<Diagnostic>,
}

/// Checks an already parsed configuration.
pub fn check_parsed(mut parsed: Parsed, opts: &CheckOptions) -> Checked {
    let mut diags: Vec<Diagnostic> = parsed.diags.iter().map(Diagnostic::from_frontend).collect();
    parsed.diags.clear();
    let mut ctx = checks::structure::Ctx {
        parsed: &parsed,
        target: opts.target,
        out: &mut diags,
    };
    checks::structure::run(&mut ctx);
    checks::names::run(&parsed, &mut diags);
    checks::vrrp::run(&parsed, &mut diags);
    checks::sync::run(&parsed, &mut diags);
    suppress::apply(&parsed, &mut diags);
    diags.sort_by_key(|d| (d.span.file, d.span.start, d.severity, d.check.code));
    Checked { parsed, diags }
}

/// Checks one file. `Err` only when the file itself cannot be read.
pub fn check_path(path: &Path, opts: &CheckOptions, fs: &dyn FileSystem) -> std::io::Result<Checked> {
    let parsed = vigil_grammar::parse_path(path, &opts.preprocess, fs)?;
    Ok(check_parsed(parsed, opts))
}

/// Counts by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn add(&mut self, diags: &[Diagnostic]) {
        for d in diags {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }
}
