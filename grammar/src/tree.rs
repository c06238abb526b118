//! The syntax tree of the expanded view: statements (a line of words) with an optional
//! block. It knows nothing of keywords: a `vrrp_instance` and a line of `virtual_ipaddress`
//! are both a node. The compiler gives them meaning.
//!
//! Layout: the tree is flat, so that a 200,000-line configuration costs a few bytes a word.
//! Words are the preprocessor's tokens themselves; a word's text is read from the source
//! under its span unless a substitution or an escape made it differ. Nodes are stored in
//! preorder, each with the index just past its subtree, so a block's children are found by
//! skipping. [`NodeRef`], [`Words`] and [`WordRef`] are the borrowed views callers use.

use crate::preprocess::{XKind, XToken};
use crate::span::{ExpId, FileId, Span};
use std::fmt;
use std::sync::Arc;

pub(crate) const NONE: u32 = u32::MAX;

/// One node: its words (a token range), its braces (token indices or `NONE`) and the index
/// of the first node after its subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NodeData {
    pub first: u32,
    pub end: u32,
    pub open: u32,
    pub close: u32,
    pub next: u32,
}

/// A whole configuration, includes and definitions applied.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub(crate) tokens: Vec<XToken>,
    pub(crate) texts: Vec<Box<str>>,
    pub(crate) files: Vec<Arc<str>>,
    pub(crate) nodes: Vec<NodeData>,
}

impl Tree {
    /// The top-level statements.
    pub fn nodes(&self) -> Children<'_> {
        Children {
            tree: self,
            at: 0,
            end: self.nodes.len() as u32,
        }
    }

    /// Every node with its depth, in document order.
    pub fn walk(&self) -> impl Iterator<Item = (usize, NodeRef<'_>)> + '_ {
        let mut ends: Vec<u32> = Vec::new();
        (0..self.nodes.len() as u32).map(move |id| {
            while ends.last().is_some_and(|&e| e <= id) {
                ends.pop();
            }
            let depth = ends.len();
            let n = &self.nodes[id as usize];
            if n.next > id + 1 {
                ends.push(n.next);
            }
            (depth, NodeRef { tree: self, id })
        })
    }

    /// How many statements the tree holds, at any depth.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn text_of(&self, t: &XToken) -> &str {
        if t.text != NONE {
            return self.texts.get(t.text as usize).map_or("", |s| s);
        }
        let src = self.files.get(t.span.file.0 as usize).map_or("", |s| s);
        let raw = src.get(t.span.range()).unwrap_or("");
        if t.kind == XKind::Quoted {
            let inner = raw.strip_prefix('"').unwrap_or(raw);
            if raw.len() >= 2 {
                return inner.strip_suffix('"').unwrap_or(inner);
            }
            return inner;
        }
        raw
    }
}

/// The statements of one level, in order.
#[derive(Clone, Copy)]
pub struct Children<'t> {
    tree: &'t Tree,
    at: u32,
    end: u32,
}

impl<'t> Iterator for Children<'t> {
    type Item = NodeRef<'t>;

    fn next(&mut self) -> Option<NodeRef<'t>> {
        if self.at >= self.end {
            return None;
        }
        let id = self.at;
        self.at = self.tree.nodes[id as usize].next.max(id + 1);
        Some(NodeRef { tree: self.tree, id })
    }
}

/// A statement: a keyword and its arguments (or a value line of a list block), and the block
/// that follows it. A block that follows no statement has no words.
#[derive(Clone, Copy)]
pub struct NodeRef<'t> {
    tree: &'t Tree,
    id: u32,
}

impl<'t> NodeRef<'t> {
    fn data(&self) -> &'t NodeData {
        &self.tree.nodes[self.id as usize]
    }

    /// The node's index in the tree (stable for the tree's lifetime).
    pub fn id(&self) -> u32 {
        self.id
    }

    pub fn words(&self) -> Words<'t> {
        let d = self.data();
        Words {
            tree: self.tree,
            start: d.first,
            end: d.end,
        }
    }

    pub fn keyword(&self) -> Option<&'t str> {
        self.words().first().map(|w| w.text())
    }

    /// The words after the keyword.
    pub fn args(&self) -> Words<'t> {
        let w = self.words();
        Words {
            start: (w.start + 1).min(w.end),
            ..w
        }
    }

    pub fn block(&self) -> Option<BlockRef<'t>> {
        let d = self.data();
        (d.open != NONE).then_some(BlockRef {
            tree: self.tree,
            id: self.id,
        })
    }

    /// The words, and the block when there is one.
    pub fn span(&self) -> Span {
        let d = self.data();
        let tok = |i: u32| self.tree.tokens[i as usize].span;
        let mut span = if d.first < d.end {
            tok(d.first).to(tok(d.end - 1))
        } else if d.open != NONE {
            tok(d.open)
        } else {
            Span::new(FileId(0), 0, 0)
        };
        if d.close != NONE {
            span = span.to(tok(d.close));
        } else if d.open != NONE {
            span = span.to(tok(d.open));
        }
        span
    }
}

impl fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("words", &self.words())
            .field("block", &self.block().is_some())
            .finish()
    }
}

/// `{ ... }`.
#[derive(Clone, Copy)]
pub struct BlockRef<'t> {
    tree: &'t Tree,
    id: u32,
}

impl<'t> BlockRef<'t> {
    pub fn open(&self) -> Span {
        let d = &self.tree.nodes[self.id as usize];
        self.tree.tokens[d.open as usize].span
    }

    /// `None` when the block was never closed (the error is reported).
    pub fn close(&self) -> Option<Span> {
        let d = &self.tree.nodes[self.id as usize];
        (d.close != NONE).then(|| self.tree.tokens[d.close as usize].span)
    }

    pub fn nodes(&self) -> Children<'t> {
        let d = &self.tree.nodes[self.id as usize];
        Children {
            tree: self.tree,
            at: self.id + 1,
            end: d.next,
        }
    }
}

/// Consecutive words of a statement.
#[derive(Clone, Copy)]
pub struct Words<'t> {
    tree: &'t Tree,
    start: u32,
    end: u32,
}

impl<'t> Words<'t> {
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn get(&self, i: usize) -> Option<WordRef<'t>> {
        (i < self.len()).then(|| WordRef {
            tree: self.tree,
            idx: self.start + i as u32,
        })
    }

    pub fn first(&self) -> Option<WordRef<'t>> {
        self.get(0)
    }

    pub fn last(&self) -> Option<WordRef<'t>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The words from the `i`-th on.
    pub fn skip(&self, i: usize) -> Words<'t> {
        Words {
            start: (self.start + i as u32).min(self.end),
            ..*self
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = WordRef<'t>> + 't {
        let tree = self.tree;
        (self.start..self.end).map(move |idx| WordRef { tree, idx })
    }

    /// The span covering all the words (of the first word's file).
    pub fn span(&self) -> Option<Span> {
        let first = self.first()?.span();
        Some(self.iter().skip(1).fold(first, |s, w| s.to(w.span())))
    }

    /// The words' texts joined by single spaces.
    pub fn joined(&self) -> String {
        self.iter().map(|w| w.text()).collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Debug for Words<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|w| w.text())).finish()
    }
}

/// A word of a statement.
#[derive(Clone, Copy)]
pub struct WordRef<'t> {
    tree: &'t Tree,
    idx: u32,
}

impl<'t> WordRef<'t> {
    fn tok(&self) -> &'t XToken {
        &self.tree.tokens[self.idx as usize]
    }

    /// The value: quotes removed, references substituted.
    pub fn text(&self) -> &'t str {
        self.tree.text_of(self.tok())
    }

    /// It was written in double quotes.
    pub fn quoted(&self) -> bool {
        self.tok().kind == XKind::Quoted
    }

    /// Where its text is written.
    pub fn span(&self) -> Span {
        self.tok().span
    }

    /// The expansion (include, definition, generator) it came through.
    pub fn exp(&self) -> Option<ExpId> {
        self.tok().exp()
    }
}

impl fmt::Debug for WordRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{:?}", self.text(), self.span())
    }
}

/// An outline of the structure, one statement a line: used by snapshot tests and
/// `keepalived-check --dump-tree`.
impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn node(f: &mut fmt::Formatter<'_>, n: NodeRef<'_>, depth: usize) -> fmt::Result {
            write!(f, "{:width$}", "", width = depth * 2)?;
            for (i, w) in n.words().iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                if w.quoted() {
                    write!(f, "\"{}\"", w.text())?;
                } else {
                    f.write_str(w.text())?;
                }
            }
            match n.block() {
                None => writeln!(f),
                Some(b) => {
                    writeln!(f, "{}{{", if n.words().is_empty() { "" } else { " " })?;
                    for c in b.nodes() {
                        node(f, c, depth + 1)?;
                    }
                    writeln!(
                        f,
                        "{:width$}}}{}",
                        "",
                        if b.close().is_none() { " (unclosed)" } else { "" },
                        width = depth * 2
                    )
                }
            }
        }
        for n in self.nodes() {
            node(f, n, 0)?;
        }
        Ok(())
    }
}
