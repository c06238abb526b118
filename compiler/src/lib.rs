//! keepalived-check: the library behind the binary. So far it checks what the front end
//! finds (syntax, preprocessing, includes) and formats files; the keyword schema, the typed
//! IR, the semantic checks and the plan arrive with the compiler issue.

pub mod report;

use std::path::Path;
use vigil_grammar::{Diag, FileSystem, Options, Parsed, Severity};

/// The outcome of checking one top-level file.
pub struct Checked {
    pub parsed: Parsed,
    pub diags: Vec<Diag>,
}

/// Checks one file. `Err` only when the file itself cannot be read.
pub fn check_path(path: &Path, opts: &Options, fs: &dyn FileSystem) -> std::io::Result<Checked> {
    let mut parsed = vigil_grammar::parse_path(path, opts, fs)?;
    let mut diags = std::mem::take(&mut parsed.diags);
    diags.sort_by_key(|a| (a.span.file, a.span.start, a.severity));
    Ok(Checked { parsed, diags })
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
    pub fn add(&mut self, diags: &[Diag]) {
        for d in diags {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }
}
