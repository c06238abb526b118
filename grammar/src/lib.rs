//! The Vigil front end for keepalived.conf.
//!
//! Two views of the text:
//! - the **lossless view** ([`lossless`]): each file as written, every byte in a token, for
//!   the formatter ([`format()`]) and the editor;
//! - the **expanded view** ([`preprocess`] then [`parse`]): includes, `@ID` conditions,
//!   `$NAME` definitions and `~SEQ`/`~LST` generators applied, parsed by a lalrpop grammar
//!   into a [`Tree`] whose every word knows its [`Span`] and the [`Expansion`] chain that
//!   produced it.
//!
//! Nothing here fails on bad input: every entry point returns a result plus diagnostics.
//! This crate knows nothing of keywords, the IR, JSON or the LSP.

pub mod diag;
pub mod format;
pub mod lexer;
pub mod lossless;
pub mod parse;
pub mod preprocess;
mod segtext;
pub mod source;
pub mod span;
pub mod tree;

pub use diag::{Diag, DiagKind, Label, Severity};
pub use format::format;
pub use lossless::{parse_lossless, LineKind, LosslessFile};
pub use preprocess::{Limits, Options, XKind, XToken};
pub use source::{FileKind, FileSystem, MemFs, RealFs, SourceFile, SourceMap};
pub use span::{ExpId, Expansion, ExpansionKind, FileId, Span};
pub use tree::{BlockRef, Children, NodeRef, Tree, WordRef, Words};

use std::path::Path;

/// A parsed configuration: the files read, the expansion chains, the tree and every
/// front-end diagnostic.
#[derive(Debug, Default)]
pub struct Parsed {
    pub sources: SourceMap,
    pub expansions: Vec<Expansion>,
    pub tree: Tree,
    pub diags: Vec<Diag>,
}

impl Parsed {
    /// The chain of expansions a word came through, innermost first.
    pub fn chain(&self, mut exp: Option<ExpId>) -> Vec<&Expansion> {
        let mut out = Vec::new();
        while let Some(id) = exp {
            let Some(e) = self.expansions.get(id.0 as usize) else {
                break;
            };
            out.push(e);
            exp = e.parent;
            if out.len() > self.expansions.len() {
                break;
            }
        }
        out
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(|d| d.severity == Severity::Error)
    }
}

fn finish(x: preprocess::Expanded, opts: &Options) -> Parsed {
    let mut diags = x.diags;
    let split = !x.sources.is_empty() && x.sources.get(FileId(0)).text.len() >= opts.parallel_min_bytes;
    let tree = parse::parse_tokens_split(x.tokens, x.texts, &x.sources, &mut diags, split);
    Parsed {
        sources: x.sources,
        expansions: x.expansions,
        tree,
        diags,
    }
}

/// Reads and parses the file at `path`. Only an unreadable top file is an `Err`.
pub fn parse_path(path: &Path, opts: &Options, fs: &dyn FileSystem) -> std::io::Result<Parsed> {
    preprocess::expand_path(path, opts, fs).map(|x| finish(x, opts))
}

/// Parses `bytes` as the file at `path` (includes are looked up next to it, through `fs`).
pub fn parse_bytes(path: &Path, bytes: &[u8], opts: &Options, fs: &dyn FileSystem) -> Parsed {
    finish(preprocess::expand_bytes(path, bytes, opts, fs), opts)
}

/// Parses a text with default options; includes are read from the disk next to `name`.
pub fn parse_text(name: &str, text: &str) -> Parsed {
    parse_bytes(Path::new(name), text.as_bytes(), &Options::default(), &RealFs)
}
