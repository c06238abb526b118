//! Origin tracking: every word of the expanded tree knows where its text is written and the
//! chain of expansions (include, definition, generator) it came through.

use std::path::Path;
use vigil_grammar::{ExpId, Expansion, ExpansionKind, MemFs, NodeRef, Options, Parsed, Span, WordRef};

const TOP: &str = "\
$ADDR=10.0.0.1
include inc/vrrp.conf
~SEQ(n,1,2) real_server 10.0.0.$n 80 { weight $n }
";

const VRRP: &str = "\
$IF=eth1
vrrp_instance VI {
    interface $IF
    virtual_ipaddress {
        ${ADDR}/24
        ${ADDR}
    }
    unicast_peer {
        ~LST(peer,192.0.2.1,192.0.2.2) $peer
    }
}
";

fn parse() -> Parsed {
    let mut fs = MemFs::new();
    fs.insert("/cfg/keepalived.conf", TOP);
    fs.insert("/cfg/inc/vrrp.conf", VRRP);
    let p = vigil_grammar::parse_path(Path::new("/cfg/keepalived.conf"), &Options::default(), &fs).expect("top file");
    assert!(p.diags.is_empty(), "{:?}", p.diags);
    p
}

fn path(p: &Parsed, span: Span) -> &Path {
    &p.sources.get(span.file).path
}

/// (path, line, column) where a span starts.
fn at(p: &Parsed, span: Span) -> (&str, usize, usize) {
    let (l, c) = p.sources.get(span.file).line_col(span.start);
    (path(p, span).to_str().expect("UTF-8 path"), l, c)
}

fn block(n: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    n.block().expect("a block").nodes().collect()
}

/// The `i`-th top-level statement.
fn top(p: &Parsed, i: usize) -> NodeRef<'_> {
    p.tree.nodes().nth(i).expect("a top-level statement")
}

/// The `i`-th word of a statement.
fn word(n: NodeRef<'_>, i: usize) -> WordRef<'_> {
    n.words().get(i).expect("a word")
}

/// Checks a word's text, the text its span covers and where that is.
fn check_word(p: &Parsed, w: WordRef<'_>, text: &str, slice: &str, where_: (&str, usize, usize)) {
    assert_eq!(w.text(), text);
    assert_eq!(p.sources.slice(w.span()), slice, "span of {text:?}");
    assert_eq!(at(p, w.span()), where_, "position of {text:?}");
}

fn is_include(p: &Parsed, e: &Expansion, file: &str) -> bool {
    matches!(e.kind, ExpansionKind::Include { file: f } if p.sources.get(f).path == Path::new(file))
}

fn def_name(e: &Expansion) -> Option<(&str, Option<Span>)> {
    match &e.kind {
        ExpansionKind::Definition { name, definition } => Some((name.as_str(), *definition)),
        _ => None,
    }
}

fn generator(e: &Expansion) -> Option<(&str, &str)> {
    match &e.kind {
        ExpansionKind::Generator { var, value } => Some((var.as_str(), value.as_str())),
        _ => None,
    }
}

/// The id of the first expansion of a chain, checked against `Parsed::chain`.
fn first_id(p: &Parsed, exp: Option<ExpId>) -> ExpId {
    let id = exp.expect("came through an expansion");
    assert_eq!(p.chain(Some(id))[0], &p.expansions[id.0 as usize]);
    id
}

#[test]
fn words_from_an_include() {
    let p = parse();
    let lines: Vec<String> = p
        .tree
        .nodes()
        .map(|n| n.words().iter().map(|w| w.text()).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        ["vrrp_instance VI", "real_server 10.0.0.1 80", "real_server 10.0.0.2 80"]
    );

    let vi = top(&p, 0);
    check_word(
        &p,
        word(vi, 0),
        "vrrp_instance",
        "vrrp_instance",
        ("/cfg/inc/vrrp.conf", 2, 1),
    );
    check_word(&p, word(vi, 1), "VI", "VI", ("/cfg/inc/vrrp.conf", 2, 15));
    let chain = p.chain(word(vi, 0).exp());
    assert_eq!(chain.len(), 1);
    assert!(is_include(&p, chain[0], "/cfg/inc/vrrp.conf"), "{chain:?}");
    assert_eq!(p.sources.slice(chain[0].site), "include inc/vrrp.conf");
    assert_eq!(at(&p, chain[0].site), ("/cfg/keepalived.conf", 2, 1));
    assert_eq!(chain[0].parent, None);
    // Every word of the file came through the same include; so did the braces.
    let include = first_id(&p, word(vi, 0).exp());
    assert_eq!(word(vi, 1).exp(), Some(include));
    let b = vi.block().expect("block");
    assert_eq!(at(&p, b.open()), ("/cfg/inc/vrrp.conf", 2, 18));
    assert_eq!(at(&p, b.close().expect("closed")), ("/cfg/inc/vrrp.conf", 11, 1));
}

#[test]
fn definition_inside_an_included_file() {
    let p = parse();
    let vi = block(top(&p, 0));
    let include = first_id(&p, word(top(&p, 0), 0).exp());

    // `interface $IF`: the value is written in the included file's definition line.
    let iface = vi[0];
    check_word(
        &p,
        word(iface, 0),
        "interface",
        "interface",
        ("/cfg/inc/vrrp.conf", 3, 5),
    );
    assert_eq!(word(iface, 0).exp(), Some(include));
    let eth = word(iface, 1);
    check_word(&p, eth, "eth1", "eth1", ("/cfg/inc/vrrp.conf", 1, 5));
    let chain = p.chain(eth.exp());
    assert_eq!(chain.len(), 2, "{chain:?}");
    let (name, def) = def_name(chain[0]).expect("a definition");
    assert_eq!(name, "IF");
    let def = def.expect("a user definition has a defining line");
    assert_eq!(p.sources.slice(def), "IF");
    assert_eq!(at(&p, def), ("/cfg/inc/vrrp.conf", 1, 2));
    assert_eq!(p.sources.slice(chain[0].site), "$IF");
    assert_eq!(at(&p, chain[0].site), ("/cfg/inc/vrrp.conf", 3, 15));
    assert_eq!(chain[0].parent, Some(include));
    assert!(is_include(&p, chain[1], "/cfg/inc/vrrp.conf"));

    // `$ADDR` is defined in the including file and used in the included one.
    let vips = block(vi[1]);
    assert_eq!(vips.len(), 2);
    // A word made of a definition and text around it is written at the reference.
    let with_prefix = word(vips[0], 0);
    check_word(
        &p,
        with_prefix,
        "10.0.0.1/24",
        "${ADDR}/24",
        ("/cfg/inc/vrrp.conf", 5, 9),
    );
    assert_eq!(with_prefix.exp(), Some(include));
    // A word that is the whole value is written where the value is.
    let whole = word(vips[1], 0);
    check_word(&p, whole, "10.0.0.1", "10.0.0.1", ("/cfg/keepalived.conf", 1, 7));
    let chain = p.chain(whole.exp());
    assert_eq!(chain.len(), 2, "{chain:?}");
    let (name, def) = def_name(chain[0]).expect("a definition");
    assert_eq!(name, "ADDR");
    assert_eq!(at(&p, def.expect("defined")), ("/cfg/keepalived.conf", 1, 2));
    assert_eq!(p.sources.slice(chain[0].site), "${ADDR}");
    assert_eq!(at(&p, chain[0].site), ("/cfg/inc/vrrp.conf", 6, 9));
    assert!(is_include(&p, chain[1], "/cfg/inc/vrrp.conf"));
}

#[test]
fn generator_inside_an_included_file() {
    let p = parse();
    let peers = block(block(top(&p, 0))[2]);
    assert_eq!(peers.len(), 2);
    for (node, value) in peers.iter().zip(["192.0.2.1", "192.0.2.2"]) {
        let w = word(*node, 0);
        assert_eq!(w.text(), value);
        // The value of the variable stands for the list it was taken from.
        assert_eq!(p.sources.slice(w.span()), "~LST(peer,192.0.2.1,192.0.2.2)");
        let chain = p.chain(w.exp());
        let kinds: Vec<String> = chain.iter().map(|e| format!("{:?}", e.kind)).collect();
        assert_eq!(chain.len(), 3, "{kinds:?}");
        assert_eq!(def_name(chain[0]), Some(("peer", None)));
        assert_eq!(p.sources.slice(chain[0].site), "$peer");
        assert_eq!(generator(chain[1]), Some(("peer", value)));
        assert_eq!(p.sources.slice(chain[1].site), "~LST(peer,192.0.2.1,192.0.2.2)");
        assert_eq!(at(&p, chain[1].site), ("/cfg/inc/vrrp.conf", 9, 9));
        assert!(is_include(&p, chain[2], "/cfg/inc/vrrp.conf"));
        assert_eq!(chain[2].parent, None);
    }
}

#[test]
fn words_from_a_generator() {
    let p = parse();
    for (node, n) in p.tree.nodes().skip(1).zip(["1", "2"]) {
        let words: Vec<WordRef<'_>> = node.words().iter().collect();
        let [kw, addr, port] = words[..] else {
            panic!("three words: {:?}", node.words());
        };
        check_word(&p, kw, "real_server", "real_server", ("/cfg/keepalived.conf", 3, 13));
        let chain = p.chain(kw.exp());
        assert_eq!(chain.len(), 1);
        assert_eq!(generator(chain[0]), Some(("n", n)));
        assert_eq!(p.sources.slice(chain[0].site), "~SEQ(n,1,2)");
        assert_eq!(at(&p, chain[0].site), ("/cfg/keepalived.conf", 3, 1));
        let row = kw.exp();
        // Text and a variable: written at the generator's line, through that row.
        check_word(
            &p,
            addr,
            &format!("10.0.0.{n}"),
            "10.0.0.$n",
            ("/cfg/keepalived.conf", 3, 25),
        );
        assert_eq!(addr.exp(), row);
        check_word(&p, port, "80", "80", ("/cfg/keepalived.conf", 3, 35));
        assert_eq!(port.exp(), row);

        let body = block(node);
        assert_eq!(body.len(), 1);
        let weight = word(body[0], 1);
        assert_eq!(weight.text(), n);
        let chain = p.chain(weight.exp());
        assert_eq!(chain.len(), 2);
        assert_eq!(def_name(chain[0]), Some(("n", None)));
        assert_eq!(p.sources.slice(chain[0].site), "$n");
        assert_eq!(at(&p, chain[0].site), ("/cfg/keepalived.conf", 3, 47));
        assert_eq!(Some(first_id(&p, row)), chain[0].parent);
        assert_eq!(generator(chain[1]), Some(("n", n)));
    }
    // The two rows are two expansions.
    assert_ne!(word(top(&p, 1), 0).exp(), word(top(&p, 2), 0).exp());
}

#[test]
fn chain_of_a_plain_word_is_empty() {
    let p = vigil_grammar::parse_bytes(Path::new("/cfg/k.conf"), b"a b\n", &Options::default(), &MemFs::new());
    let w = word(top(&p, 0), 1);
    assert_eq!(w.exp(), None);
    assert!(p.chain(w.exp()).is_empty());
    assert_eq!(p.sources.slice(w.span()), "b");
}
