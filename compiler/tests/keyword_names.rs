//! Every keyword name the compiler passes as a string is a keyword of the table.
//!
//! The IR, the resolver and the checks look settings up by name (`b.flag("nopreempt")`,
//! `inst.last("priority")`, `n.keyword() == Some("state")`): about 300 distinct names. A
//! misspelt one would silently read nothing, so this test reads the sources, takes every string
//! literal passed to a by-name accessor, and fails naming the file and line of any that is not a
//! keyword somewhere in `vigil_compiler::schema::ROOT`'s tree (or a word the accessor is known
//! to take besides keywords, listed in `NOT_KEYWORDS`).

use regex::Regex;
use std::collections::BTreeSet;
use std::path::Path;
use vigil_compiler::schema::{self, Body, Keyword};

/// Every keyword name of the table's tree.
fn names() -> BTreeSet<&'static str> {
    fn walk(table: &'static [Keyword], seen: &mut Vec<usize>, out: &mut BTreeSet<&'static str>) {
        if seen.contains(&(table.as_ptr() as usize)) {
            return;
        }
        seen.push(table.as_ptr() as usize);
        for k in table {
            out.insert(k.name);
            if let Body::Keywords(sub) = k.body {
                walk(sub, seen, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(schema::ROOT, &mut Vec::new(), &mut out);
    out
}

/// By-name accessors of the IR (`ir::Block`), the resolver's views and the checks' views.
const ACCESSORS: &str = r#"\.(get|has|flag|opt_flag|uint|int|micros|millis|ip|text|all|blocks|last|arg|valid|last_of|keyword_is)\(\s*"([^"]+)"|keyword\(\)\s*==\s*Some\("([^"]+)"\)|\.all_of\(&\["([^"]+)""#;

/// Words some accessors take that are not keywords (none so far).
const NOT_KEYWORDS: &[&str] = &[];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_keyword_name_in_the_sources_is_in_the_table() {
    let names = names();
    let re = Regex::new(ACCESSORS).unwrap();
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files.sort();
    let mut seen = BTreeSet::new();
    let mut bad = Vec::new();
    for f in &files {
        // The keyword table itself defines the names.
        if f.components().any(|c| c.as_os_str() == "schema") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            for c in re.captures_iter(line) {
                let name = c.get(2).or(c.get(3)).or(c.get(4)).unwrap().as_str();
                seen.insert(name.to_string());
                if !names.contains(name) && !NOT_KEYWORDS.contains(&name) {
                    bad.push(format!(
                        "{}:{}: `{name}` is not a keyword of the table",
                        f.display(),
                        i + 1
                    ));
                }
            }
        }
    }
    println!(
        "{} distinct keyword names used by name in {} files",
        seen.len(),
        files.len()
    );
    assert!(seen.len() > 150, "the pattern found only {} names", seen.len());
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
