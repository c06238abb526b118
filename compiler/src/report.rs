//! Rendering diagnostics: human (codespan-reporting), JSON and GitHub annotations. One
//! diagnostic model, several renderings.

use crate::diagnostic::Diagnostic;
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, LabelStyle};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::WriteColor};
use serde::Serialize;
use std::ops::Range;
use vigil_grammar::{Severity, SourceMap, Span};

/// codespan's view of our source map.
pub struct SourceFiles<'a>(pub &'a SourceMap);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = u32;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: u32) -> Result<String, FilesError> {
        self.get(id).map(|f| f.path.display().to_string())
    }

    fn source(&'a self, id: u32) -> Result<&'a str, FilesError> {
        self.get(id).map(|f| &*f.text)
    }

    fn line_index(&'a self, id: u32, byte_index: usize) -> Result<usize, FilesError> {
        let f = self.get(id)?;
        Ok(f.line_starts()
            .partition_point(|&s| s as usize <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'a self, id: u32, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.get(id)?;
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len() - 1,
        })? as usize;
        let end = starts.get(line_index + 1).map_or(f.text.len(), |&e| e as usize);
        Ok(start..end)
    }
}

impl SourceFiles<'_> {
    fn get(&self, id: u32) -> Result<&vigil_grammar::SourceFile, FilesError> {
        if (id as usize) < self.0.len() {
            Ok(self.0.get(vigil_grammar::FileId(id)))
        } else {
            Err(FilesError::FileMissing)
        }
    }
}

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<u32> {
    let base = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
        Severity::Note => CsDiagnostic::note(),
    };
    let mut labels = vec![Label::new(LabelStyle::Primary, d.span.file.0, d.span.range())];
    labels.extend(
        d.labels
            .iter()
            .map(|l| Label::new(LabelStyle::Secondary, l.span.file.0, l.span.range()).with_message(&l.message)),
    );
    let mut notes = Vec::new();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    base.with_code(d.check.code)
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Human output, as rustc shows it.
pub fn human(out: &mut dyn WriteColor, sources: &SourceMap, diags: &[Diagnostic]) -> std::io::Result<()> {
    let config = term::Config::default();
    let files = SourceFiles(sources);
    for d in diags {
        term::emit(out, &config, &files, &to_codespan(d)).map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    Ok(())
}

/// A position: 1-based line and column (in characters).
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn position(sources: &SourceMap, span: Span) -> Position {
    let f = sources.get(span.file);
    let col = |off: u32| {
        let (line, _) = f.line_col(off);
        let start = f.line_starts()[line - 1] as usize;
        let end = (off as usize).min(f.text.len());
        let c = f.text.get(start..end).map_or(end - start, |s| s.chars().count());
        (line, c + 1)
    };
    let (line, column) = col(span.start);
    let (end_line, end_column) = col(span.end);
    Position {
        file: f.path.display().to_string(),
        line,
        column,
        end_line,
        end_column,
    }
}

#[derive(Serialize)]
pub struct JsonLabel {
    pub message: String,
    #[serde(flatten)]
    pub position: Position,
}

#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub message: String,
    #[serde(flatten)]
    pub position: Position,
    pub labels: Vec<JsonLabel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

pub fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

pub fn json_diag(sources: &SourceMap, d: &Diagnostic) -> JsonDiagnostic {
    JsonDiagnostic {
        code: d.check.code,
        name: d.check.name,
        severity: severity_name(d.severity),
        message: d.message.clone(),
        position: position(sources, d.span),
        labels: d
            .labels
            .iter()
            .map(|l| JsonLabel {
                message: l.message.clone(),
                position: position(sources, l.span),
            })
            .collect(),
        help: d.help.clone(),
    }
}

/// GitHub workflow annotation lines.
pub fn github(out: &mut dyn std::io::Write, sources: &SourceMap, diags: &[Diagnostic]) -> std::io::Result<()> {
    for d in diags {
        let p = position(sources, d.span);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let esc = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
        let prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            prop(&p.file),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            prop(&format!("{} {}", d.check.code, d.check.name)),
            esc(&d.message)
        )?;
    }
    Ok(())
}

/// A SARIF 2.1.0 log of every file's diagnostics, for code-scanning tools.
pub fn sarif(files: &[(&SourceMap, &[Diagnostic])]) -> serde_json::Value {
    use serde_json::json;
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let region = |p: &Position| {
        json!({
            "startLine": p.line,
            "startColumn": p.column,
            "endLine": p.end_line,
            "endColumn": p.end_column,
        })
    };
    let location = |p: &Position| {
        json!({
            "physicalLocation": {
                "artifactLocation": { "uri": p.file },
                "region": region(p),
            }
        })
    };
    let rules: Vec<_> = crate::checks::all()
        .into_iter()
        .map(|c| {
            json!({
                "id": c.code,
                "name": c.name,
                "shortDescription": { "text": c.finds },
                "fullDescription": { "text": c.why },
                "help": { "text": format!("{}\n\nExample:\n{}", c.fix, c.example) },
                "defaultConfiguration": { "level": level(c.severity) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (sources, diags) in files {
        for d in diags.iter() {
            let p = position(sources, d.span);
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            let related: Vec<_> = d
                .labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut loc = location(&position(sources, l.span));
                    loc["id"] = json!(i);
                    loc["message"] = json!({ "text": l.message });
                    loc
                })
                .collect();
            let mut r = json!({
                "ruleId": d.check.code,
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [location(&p)],
            });
            if !related.is_empty() {
                r["relatedLocations"] = json!(related);
            }
            results.push(r);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "keepalived-check", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": results,
        }]
    })
}
