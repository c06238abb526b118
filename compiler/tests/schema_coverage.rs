//! The keyword table covers every keyword of keepalived 2.4's keyword tree, in the block where
//! keepalived installs it, and nothing else; 2.2.7's tree agrees with the `since` markers.

use std::collections::BTreeSet;
use vigil_compiler::schema::{self, Body, Version};

/// Paths (`block/sub/keyword`) of a keyword-tree file: two spaces of indentation a level.
fn tree_paths(text: &str) -> BTreeSet<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut out = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let depth = (line.len() - line.trim_start().len()) / 2;
        let name = line.split_whitespace().next().unwrap().to_string();
        stack.truncate(depth);
        stack.push(name);
        out.insert(stack.join("/"));
    }
    out
}

fn table_paths() -> BTreeSet<String> {
    schema::all().into_iter().map(|(p, _)| p).collect()
}

#[test]
fn table_covers_the_2_4_tree_exactly() {
    let tree = tree_paths(include_str!("data/keyword-tree-2.4.txt"));
    let table = table_paths();
    let missing: Vec<_> = tree.difference(&table).collect();
    let extra: Vec<_> = table.difference(&tree).collect();
    assert!(
        missing.is_empty(),
        "{} keywords of the 2.4 tree are not in the table: {missing:#?}",
        missing.len()
    );
    assert!(
        extra.is_empty(),
        "the table has keywords keepalived 2.4 does not: {extra:#?}"
    );
    assert_eq!(table.len(), 531, "keyword slots");
}

#[test]
fn since_markers_agree_with_the_2_2_7_tree() {
    let old = tree_paths(include_str!("data/keyword-tree-2.2.7.txt"));
    for (path, k) in schema::all() {
        let in_old = old.contains(&path);
        match k.since {
            Some(v) if v > Version(2, 2, 7) && in_old => panic!("{path} is in 2.2.7 but marked since {v}"),
            None if !in_old => panic!("{path} is not in 2.2.7 but has no `since` version"),
            _ => {}
        }
    }
}

#[test]
fn every_keyword_is_documented_and_blocks_are_consistent() {
    for (path, k) in schema::all() {
        assert!(k.doc.len() >= 40, "{path}: the doc must be a real sentence or more");
        assert!(k.doc.ends_with('.'), "{path}: the doc must end with a full stop");
        assert!(
            k.required as usize <= k.args.len(),
            "{path}: more required than declared args"
        );
        if let Some(r) = k.replaced_by {
            assert!(!r.is_empty() && r != k.name, "{path}: bad replacement");
        }
        if let Body::Keywords(sub) = k.body {
            let mut names: Vec<_> = sub.iter().map(|s| s.name).collect();
            names.sort();
            let n = names.len();
            names.dedup();
            assert_eq!(n, names.len(), "{path}: a keyword is listed twice in one block");
        }
    }
}
