//! The compiler's diagnostic: one model, rendered by `report` for the terminal, JSON, SARIF
//! and GitHub, and later by the language server.

use crate::checks::Check;
pub use vigil_grammar::{Label, Severity, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub check: &'static Check,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `check` at its default severity.
    pub fn new(check: &'static Check, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            check,
            severity: check.severity,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
        }
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn code(&self) -> &'static str {
        self.check.code
    }

    /// A front-end diagnostic, under its registered check.
    pub fn from_frontend(d: &vigil_grammar::Diag) -> Diagnostic {
        Diagnostic {
            check: crate::checks::frontend::check_for(d.kind),
            severity: d.severity,
            message: d.message.clone(),
            span: d.span,
            labels: d.labels.clone(),
            help: d.help.clone(),
        }
    }
}
