//! The syntax tree of the expanded view: statements (a line of words) with an optional
//! block. It knows nothing of keywords: a `vrrp_instance` and a line of `virtual_ipaddress`
//! are both a [`Node`]. The compiler gives them meaning.

use crate::span::{ExpId, Span};
use std::fmt;

/// A word of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The value: quotes removed, references substituted.
    pub text: Box<str>,
    /// It was written in double quotes.
    pub quoted: bool,
    pub span: Span,
    pub exp: Option<ExpId>,
}

/// `{ ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub open: Span,
    /// `None` when the block was never closed (the error is reported).
    pub close: Option<Span>,
    pub nodes: Vec<Node>,
}

/// A statement: a keyword and its arguments (or a value line of a list block), and the block
/// that follows it. A block that follows no statement has no words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub words: Vec<Word>,
    pub block: Option<Block>,
    /// The words, and the block when there is one.
    pub span: Span,
}

impl Node {
    pub fn keyword(&self) -> Option<&str> {
        self.words.first().map(|w| &*w.text)
    }

    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }
}

/// A whole configuration, includes and definitions applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Every node, depth first.
    pub fn walk(&self) -> impl Iterator<Item = (usize, &Node)> {
        let mut stack: Vec<(usize, &Node)> = self.nodes.iter().rev().map(|n| (0, n)).collect();
        std::iter::from_fn(move || {
            let (d, n) = stack.pop()?;
            if let Some(b) = &n.block {
                stack.extend(b.nodes.iter().rev().map(|c| (d + 1, c)));
            }
            Some((d, n))
        })
    }
}

/// An outline of the structure, one statement a line: used by snapshot tests and
/// `keepalived-check --dump-tree`.
impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn node(f: &mut fmt::Formatter<'_>, n: &Node, depth: usize) -> fmt::Result {
            write!(f, "{:width$}", "", width = depth * 2)?;
            for (i, w) in n.words.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                if w.quoted {
                    write!(f, "\"{}\"", w.text)?;
                } else {
                    f.write_str(&w.text)?;
                }
            }
            match &n.block {
                None => writeln!(f),
                Some(b) => {
                    writeln!(f, "{}{{", if n.words.is_empty() { "" } else { " " })?;
                    for c in &b.nodes {
                        node(f, c, depth + 1)?;
                    }
                    writeln!(
                        f,
                        "{:width$}}}{}",
                        "",
                        if b.close.is_none() { " (unclosed)" } else { "" },
                        width = depth * 2
                    )
                }
            }
        }
        for n in &self.nodes {
            node(f, n, 0)?;
        }
        Ok(())
    }
}
