//! The shipped example through every crate that reads configurations: the front end, the
//! compiler's checks and the language server's outline agree on it.

use std::path::Path;
use vigil_compiler::{check_path, CheckOptions};
use vigil_grammar::{Options, RealFs, Severity};

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/keepalived.conf")
}

#[test]
fn example_checks_clean_for_both_nodes_and_outlines_consistently() {
    for id in ["lb1", "lb2"] {
        let opts = CheckOptions {
            preprocess: Options {
                config_id: Some(id.into()),
                ..Options::default()
            },
            target: None,
            ..CheckOptions::default()
        };
        let checked = check_path(&example(), &opts, &RealFs).expect("the example is readable");
        assert!(
            checked.diags.iter().all(|d| d.severity != Severity::Error),
            "{id}: {:?}",
            checked.diags
        );
        // Conditional lines picked this node's state and priority.
        let tree = &checked.parsed.tree;
        let instance = tree
            .nodes()
            .find(|n| n.keyword() == Some("vrrp_instance"))
            .expect("an instance");
        let body = instance.block().expect("its block");
        let value = |kw: &str| {
            body.nodes()
                .find(|n| n.keyword() == Some(kw))
                .and_then(|n| n.args().first().map(|w| w.text().to_string()))
        };
        let (state, priority) = if id == "lb1" {
            ("MASTER", "150")
        } else {
            ("BACKUP", "100")
        };
        assert_eq!(value("state").as_deref(), Some(state));
        assert_eq!(value("priority").as_deref(), Some(priority));
        // The ~SEQ line made three real servers, each with its own address.
        let vs = tree
            .nodes()
            .find(|n| n.keyword() == Some("virtual_server"))
            .expect("a virtual server");
        let reals: Vec<String> = vs
            .block()
            .expect("its block")
            .nodes()
            .filter(|n| n.keyword() == Some("real_server"))
            .map(|n| n.args().first().map(|w| w.text().to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            reals,
            ["198.51.100.10", "198.51.100.11", "198.51.100.12", "198.51.100.13"]
        );
    }
    // The language server's outline sees the same blocks as the tree (without a config id,
    // as an editor opens the file).
    let text = std::fs::read_to_string(example()).unwrap();
    let outline = keepalived_lsp::outline(&text);
    let parsed = vigil_grammar::parse_text("keepalived.conf", &text);
    let blocks = parsed
        .tree
        .walk()
        .filter(|(_, n)| n.block().is_some() && n.keyword().is_some())
        .count();
    assert_eq!(outline.len(), blocks);
    assert!(outline
        .iter()
        .any(|s| s.keyword == "vrrp_instance" && s.name.as_deref() == Some("VI_WEB")));
}
