//! Each statement's keyword, looked up once in the table of the block it stands in, for the
//! checks that walk the tree: they ask [`Resolved::get`] instead of each reading the word and
//! searching the table again. The lookup follows the tables as the structural pass does
//! (`checks::structure`): a block is read with its keyword's table, a misplaced keyword's
//! block with the table of the place it belongs to, a block after no keyword or after a
//! keyword that takes none with the enclosing table.

use crate::schema::{self, Body, Keyword};
use vigil_grammar::{Children, NodeRef, Parsed};

/// Below this many statements one thread looks everything up.
const PARALLEL_MIN_NODES: usize = 20_000;

const NOT_FOUND: u16 = u16::MAX;

/// Per statement: the table it was looked up in and the keyword found there.
#[derive(Default)]
pub struct Resolved {
    /// The table's address; 0 for a statement not looked up (deeper than the walks go).
    table: Vec<usize>,
    /// The keyword's index in that table, `NOT_FOUND` when the word is none of its keywords.
    index: Vec<u16>,
}

impl Resolved {
    /// Looks every statement up; a big tree's top-level statements in two halves, on two threads.
    pub fn new(parsed: &Parsed) -> Resolved {
        let tree = &parsed.tree;
        let n = tree.len();
        let mut r = Resolved {
            table: vec![0; n],
            index: vec![NOT_FOUND; n],
        };
        // The first top-level statement at or past the middle: its subtree and those after it
        // are the second half's (preorder keeps each subtree in one range of ids).
        let cut = tree.nodes().map(|s| s.id() as usize).find(|&id| id >= n / 2);
        match cut {
            Some(cut) if n >= PARALLEL_MIN_NODES && cut > 0 => {
                let (t1, t2) = r.table.split_at_mut(cut);
                let (i1, i2) = r.index.split_at_mut(cut);
                let first = tree.nodes().take_while(|s| (s.id() as usize) < cut);
                let second = tree.nodes().skip_while(|s| (s.id() as usize) < cut);
                std::thread::scope(|scope| {
                    scope.spawn(move || {
                        let mut half = Half {
                            base: cut,
                            table: t2,
                            index: i2,
                        };
                        second.for_each(|s| half.node(s, schema::ROOT, 0));
                    });
                    let mut half = Half {
                        base: 0,
                        table: t1,
                        index: i1,
                    };
                    first.for_each(|s| half.node(s, schema::ROOT, 0));
                });
            }
            _ => {
                let mut all = Half {
                    base: 0,
                    table: &mut r.table,
                    index: &mut r.index,
                };
                all.nodes(tree.nodes(), schema::ROOT, 0);
            }
        }
        r
    }

    /// The keyword of `node` in `table`: what `schema::find(table, <its first word>)` gives,
    /// from the lookup made once when `table` is the one the statement was looked up in.
    pub fn get(&self, node: NodeRef<'_>, table: &'static [Keyword]) -> Option<&'static Keyword> {
        let id = node.id() as usize;
        if self.table.get(id) == Some(&(table.as_ptr() as usize)) {
            return match self.index[id] {
                NOT_FOUND => None,
                i => table.get(i as usize),
            };
        }
        node.keyword().and_then(|w| schema::find(table, w))
    }
}

/// The statements `base..base + table.len()` being looked up.
struct Half<'a> {
    base: usize,
    table: &'a mut [usize],
    index: &'a mut [u16],
}

impl Half<'_> {
    fn nodes(&mut self, nodes: Children<'_>, table: &'static [Keyword], depth: usize) {
        for node in nodes {
            self.node(node, table, depth);
        }
    }

    fn node(&mut self, node: NodeRef<'_>, table: &'static [Keyword], depth: usize) {
        if depth > 64 {
            return;
        }
        let Some(first) = node.words().first() else {
            if let Some(b) = node.block() {
                self.nodes(b.nodes(), table, depth + 1);
            }
            return;
        };
        let Some(at) = (node.id() as usize)
            .checked_sub(self.base)
            .filter(|&at| at < self.table.len())
        else {
            return;
        };
        self.table[at] = table.as_ptr() as usize;
        let Some(i) = schema::position(table, first.text()) else {
            // Misplaced: its block is read with the table of the place it belongs to.
            let elsewhere = schema::paths_of(first.text());
            let sub = elsewhere
                .first()
                .and_then(|p| crate::checks::structure::keyword_at(p))
                .map(|k| k.body);
            if let (Some(b), Some(Body::Keywords(sub))) = (node.block(), sub) {
                self.nodes(b.nodes(), sub, depth + 1);
            }
            return;
        };
        self.index[at] = u16::try_from(i).unwrap_or(NOT_FOUND);
        match (table[i].body, node.block()) {
            (Body::Keywords(sub), Some(b)) => self.nodes(b.nodes(), sub, depth + 1),
            (Body::None, Some(b)) => self.nodes(b.nodes(), table, depth + 1),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every statement of a tree: what `get` answers is what a lookup of its own gives, for
    /// the table it was looked up in and for another table.
    #[test]
    fn answers_as_the_table_does() {
        let mut text = String::new();
        text.push_str("global_defs {\n    router_id a\n    vrrp_instance x {\n    }\n}\n{\n    bogus 1\n}\n");
        for i in 0..12_000 {
            text.push_str(&format!(
                "virtual_server 10.0.{}.{} 80 {{\n    lb_algo rr\n    real_server 10.1.0.1 80 {{\n        weight 1\n        HTTP_GET {{\n            url {{\n                path /\n            }}\n        }}\n    }}\n    priority 3 {{\n        x\n    }}\n}}\n",
                i / 250,
                i % 250
            ));
        }
        let parsed = vigil_grammar::parse_text("/t.conf", &text);
        assert!(parsed.tree.len() >= PARALLEL_MIN_NODES);
        let r = Resolved::new(&parsed);
        fn tables_in(t: &'static [Keyword], out: &mut Vec<&'static [Keyword]>, depth: usize) {
            if depth > 16 || out.iter().any(|o| std::ptr::eq(*o, t)) {
                return;
            }
            out.push(t);
            for k in t {
                if let Body::Keywords(sub) = k.body {
                    tables_in(sub, out, depth + 1);
                }
            }
        }
        let mut tables = Vec::new();
        tables_in(schema::ROOT, &mut tables, 0);
        let mut looked = 0;
        for (_, node) in parsed.tree.walk() {
            let id = node.id() as usize;
            if r.table[id] == 0 {
                continue;
            }
            looked += 1;
            let table = tables
                .iter()
                .copied()
                .find(|t| t.as_ptr() as usize == r.table[id])
                .expect("a table of the schema");
            let own = node.keyword().and_then(|w| schema::find(table, w));
            assert_eq!(r.get(node, table).map(|k| k.name), own.map(|k| k.name));
            assert_eq!(
                r.get(node, schema::ROOT).map(|k| k.name),
                node.keyword()
                    .and_then(|w| schema::find(schema::ROOT, w))
                    .map(|k| k.name)
            );
        }
        assert!(looked > 90_000, "{looked}");
        let empty = Resolved::default();
        let first = parsed.tree.nodes().next().expect("a statement");
        assert_eq!(empty.get(first, schema::ROOT).map(|k| k.name), Some("global_defs"));
    }
}
