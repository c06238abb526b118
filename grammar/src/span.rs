//! Source positions. A span is a file id and a byte range; line and column are computed only
//! at the edges (the CLI's renderer, the language server).

/// Index of a file in a [`crate::SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span covering both, when both are in the same file; `self` otherwise.
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// Index of an [`Expansion`] in [`crate::Parsed::expansions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExpId(pub u32);

/// One step in the chain of places that produced an expanded token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion {
    pub kind: ExpansionKind,
    /// Where the expansion was asked for: the `$NAME` reference, the `include` line, the
    /// `~SEQ(...)` header.
    pub site: Span,
    /// The expansion the site itself came through, if any.
    pub parent: Option<ExpId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpansionKind {
    /// The text came from an included file.
    Include { file: FileId },
    /// The text came from the value of `$name`; `definition` is the defining line's name span
    /// (`None` for the predefined names).
    Definition { name: String, definition: Option<Span> },
    /// The line was produced by a `~SEQ`/`~LST` generator with `var` set to `value`.
    Generator { var: String, value: String },
}
