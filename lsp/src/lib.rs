//! keepalived-lsp: the language server. Its features arrive with the LSP issue; for now it
//! exposes the front end's document symbols, the first thing the server will serve.

use vigil_grammar::{parse_text, Children};

/// A flat outline entry: the block keyword, its name argument and its nesting depth.
#[derive(Debug, PartialEq, Eq)]
pub struct Symbol {
    pub keyword: String,
    pub name: Option<String>,
    pub depth: usize,
}

/// The outline of a document: every statement that opens a block.
pub fn outline(text: &str) -> Vec<Symbol> {
    fn walk(nodes: Children<'_>, depth: usize, out: &mut Vec<Symbol>) {
        for n in nodes {
            if let Some(b) = n.block() {
                if let Some(kw) = n.keyword() {
                    out.push(Symbol {
                        keyword: kw.to_string(),
                        name: n.words().get(1).map(|w| w.text().to_string()),
                        depth,
                    });
                }
                walk(b.nodes(), depth + 1, out);
            }
        }
    }
    let parsed = parse_text("buffer.conf", text);
    let mut out = Vec::new();
    walk(parsed.tree.nodes(), 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_lists_blocks_with_names() {
        let syms = outline("vrrp_instance VI_1 {\n  virtual_ipaddress {\n 10.0.0.1\n }\n}\n");
        assert_eq!(
            syms,
            vec![
                Symbol {
                    keyword: "vrrp_instance".into(),
                    name: Some("VI_1".into()),
                    depth: 0
                },
                Symbol {
                    keyword: "virtual_ipaddress".into(),
                    name: None,
                    depth: 1
                },
            ]
        );
    }
}
