//! Front-end diagnostics: what the lexer, the preprocessor and the parser found. Each kind
//! has a stable code in the `KA00xx` range; the compiler renders them with its own.

use crate::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// Every problem the front end reports. Where keepalived behaves differently from Vigil
/// (it recurses into include cycles, leaves undefined names in the text, splits over-long
/// lines), the kind records keepalived's behaviour in its message so the user learns both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagKind {
    UnterminatedQuote,
    ControlCharacter,
    InvalidUtf8,
    UnclosedBrace,
    UnmatchedCloseBrace,
    BlockWithoutKeyword,
    MalformedStatement,
    LineTooLong,
    UndefinedName,
    UnsubstitutedReference,
    DefinitionLoop,
    MultiLineDefinitionMidLine,
    BadDefinitionArguments,
    SpaceBeforeEquals,
    BadGenerator,
    EmptyConditional,
    ConditionalInclude,
    IncludeNotFound,
    IncludeCycle,
    IncludeNotRegular,
    IncludeUnreadable,
    ExpansionLimit,
}

impl DiagKind {
    /// All kinds, in code order.
    pub const ALL: &'static [DiagKind] = &[
        DiagKind::UnterminatedQuote,
        DiagKind::ControlCharacter,
        DiagKind::InvalidUtf8,
        DiagKind::UnclosedBrace,
        DiagKind::UnmatchedCloseBrace,
        DiagKind::BlockWithoutKeyword,
        DiagKind::MalformedStatement,
        DiagKind::LineTooLong,
        DiagKind::UndefinedName,
        DiagKind::UnsubstitutedReference,
        DiagKind::DefinitionLoop,
        DiagKind::MultiLineDefinitionMidLine,
        DiagKind::BadDefinitionArguments,
        DiagKind::SpaceBeforeEquals,
        DiagKind::BadGenerator,
        DiagKind::EmptyConditional,
        DiagKind::ConditionalInclude,
        DiagKind::IncludeNotFound,
        DiagKind::IncludeCycle,
        DiagKind::IncludeNotRegular,
        DiagKind::IncludeUnreadable,
        DiagKind::ExpansionLimit,
    ];

    /// The stable code. Never renumber: users suppress and search by it.
    pub fn code(self) -> &'static str {
        use DiagKind::*;
        match self {
            UnterminatedQuote => "KA0001",
            ControlCharacter => "KA0002",
            InvalidUtf8 => "KA0003",
            UnclosedBrace => "KA0004",
            UnmatchedCloseBrace => "KA0005",
            BlockWithoutKeyword => "KA0006",
            MalformedStatement => "KA0007",
            LineTooLong => "KA0008",
            UndefinedName => "KA0010",
            UnsubstitutedReference => "KA0018",
            DefinitionLoop => "KA0011",
            MultiLineDefinitionMidLine => "KA0012",
            BadDefinitionArguments => "KA0013",
            SpaceBeforeEquals => "KA0014",
            BadGenerator => "KA0015",
            EmptyConditional => "KA0016",
            ConditionalInclude => "KA0017",
            IncludeNotFound => "KA0020",
            IncludeCycle => "KA0021",
            IncludeNotRegular => "KA0022",
            IncludeUnreadable => "KA0023",
            ExpansionLimit => "KA0024",
        }
    }

    /// The name, after the mistake, in kebab case.
    pub fn name(self) -> &'static str {
        use DiagKind::*;
        match self {
            UnterminatedQuote => "unterminated-quote",
            ControlCharacter => "control-character",
            InvalidUtf8 => "invalid-utf8",
            UnclosedBrace => "unclosed-brace",
            UnmatchedCloseBrace => "unmatched-close-brace",
            BlockWithoutKeyword => "block-without-keyword",
            MalformedStatement => "malformed-statement",
            LineTooLong => "line-too-long",
            UndefinedName => "undefined-name",
            UnsubstitutedReference => "unsubstituted-reference",
            DefinitionLoop => "definition-loop",
            MultiLineDefinitionMidLine => "multi-line-definition-mid-line",
            BadDefinitionArguments => "bad-definition-arguments",
            SpaceBeforeEquals => "space-before-equals",
            BadGenerator => "bad-generator",
            EmptyConditional => "empty-conditional",
            ConditionalInclude => "conditional-include",
            IncludeNotFound => "include-not-found",
            IncludeCycle => "include-cycle",
            IncludeNotRegular => "include-not-regular",
            IncludeUnreadable => "include-unreadable",
            ExpansionLimit => "expansion-limit",
        }
    }

    pub fn from_code(code: &str) -> Option<DiagKind> {
        DiagKind::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// A secondary position with its own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One front-end diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    pub kind: DiagKind,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diag {
    pub fn new(kind: DiagKind, severity: Severity, span: Span, message: impl Into<String>) -> Diag {
        Diag {
            kind,
            severity,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
        }
    }

    pub fn error(kind: DiagKind, span: Span, message: impl Into<String>) -> Diag {
        Diag::new(kind, Severity::Error, span, message)
    }

    pub fn warning(kind: DiagKind, span: Span, message: impl Into<String>) -> Diag {
        Diag::new(kind, Severity::Warning, span, message)
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Diag {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }
}
