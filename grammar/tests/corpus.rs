//! The front end on real configurations: every file of `shared/corpus` and every sample of
//! the keepalived package parses without an error, and a few chosen files have exactly the
//! structure keepalived reads from them (checked by hand against the files and the rules of
//! `shared/spec/keepalived-language.md` §2).

mod common;

use std::io;
use std::path::{Path, PathBuf};
use vigil_grammar::{
    ExpansionKind, FileKind, FileSystem, MemFs, NodeRef, Options, Parsed, RealFs, Severity, Tree, WordRef,
};

/// The real disk, but only below `root`: anything else is missing. Keeps the corpus tests
/// independent of what the machine has in `/etc/keepalived`.
struct JailFs {
    root: PathBuf,
}

impl JailFs {
    fn inside(&self, p: &Path) -> bool {
        vigil_grammar::source::normalize(p).starts_with(&self.root)
    }
}

impl FileSystem for JailFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        if self.inside(path) {
            RealFs.read(path)
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, "outside the test folder"))
        }
    }

    fn glob(&self, pattern: &str) -> io::Result<Vec<PathBuf>> {
        Ok(RealFs.glob(pattern)?.into_iter().filter(|p| self.inside(p)).collect())
    }

    fn kind(&self, path: &Path) -> FileKind {
        if self.inside(path) {
            RealFs.kind(path)
        } else {
            FileKind::Missing
        }
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        RealFs.canonical(path)
    }
}

fn canonical_corpus() -> PathBuf {
    std::fs::canonicalize(common::corpus_dir()).expect("the corpus folder exists")
}

/// Parses a file of the real disk, includes limited to its own folder.
fn parse_jailed(path: &Path, config_id: Option<&str>) -> Parsed {
    let root = path.parent().expect("a file has a folder").to_path_buf();
    let opts = Options {
        config_id: config_id.map(str::to_string),
        ..Options::default()
    };
    vigil_grammar::parse_path(path, &opts, &JailFs { root }).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn corpus(name: &str, config_id: Option<&str>) -> Parsed {
    let path = canonical_corpus().join(name);
    let p = parse_jailed(&path, config_id);
    assert!(!p.has_errors(), "{name}: {:?}", p.diags);
    p
}

// ---------------------------------------------------------------- structure helpers

/// A node's words joined by spaces (quoted words without their quotes).
fn line(n: NodeRef<'_>) -> String {
    n.words().iter().map(|w| w.text()).collect::<Vec<_>>().join(" ")
}

fn lines(nodes: &[NodeRef<'_>]) -> Vec<String> {
    nodes.iter().map(|&n| line(n)).collect()
}

fn keywords<'t>(nodes: &[NodeRef<'t>]) -> Vec<&'t str> {
    nodes.iter().map(|n| n.keyword().unwrap_or("")).collect()
}

/// The top-level statements of a tree.
fn roots(tree: &Tree) -> Vec<NodeRef<'_>> {
    tree.nodes().collect()
}

/// The nodes of the block of `n` (which must have one).
fn body(n: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    n.block()
        .unwrap_or_else(|| panic!("`{}` has no block", line(n)))
        .nodes()
        .collect()
}

/// The `i`-th word of `n` (which must have it).
fn word(n: NodeRef<'_>, i: usize) -> WordRef<'_> {
    n.words()
        .get(i)
        .unwrap_or_else(|| panic!("`{}` has no word {i}", line(n)))
}

/// The only node whose words start with `head` (e.g. `"vrrp_instance VI_1"`).
fn find<'t>(nodes: &[NodeRef<'t>], head: &str) -> NodeRef<'t> {
    let want: Vec<&str> = head.split(' ').collect();
    let found: Vec<NodeRef<'t>> = nodes
        .iter()
        .copied()
        .filter(|n| n.words().len() >= want.len() && n.words().iter().zip(&want).all(|(w, h)| w.text() == *h))
        .collect();
    assert_eq!(found.len(), 1, "`{head}` in {:?}", lines(nodes));
    found[0]
}

fn count(nodes: &[NodeRef<'_>], kw: &str) -> usize {
    nodes.iter().filter(|n| n.keyword() == Some(kw)).count()
}

fn top(tree: &Tree) -> Vec<String> {
    lines(&roots(tree))
}

// ---------------------------------------------------------------- every file

/// The warnings allowed on real files: includes of files that are not there. Each entry is
/// (file name, code, message with the corpus folder written `<corpus>`).
const EXPECTED_WARNINGS: &[(&str, &str, &str)] = &[
    (
        "018-pqarmitage-keepalived-devel-tools-1275-include.conf",
        "KA0020",
        "`/etc/keepalived/vrrp_instance_configs/*.conf` matches no file",
    ),
    (
        "019-pqarmitage-keepalived-devel-tools-1033-include-in-block.conf",
        "KA0020",
        "`<corpus>/1033-role.conf` does not exist",
    ),
];

fn check_no_errors(files: &[PathBuf], folder: &Path, seen: &mut Vec<(String, String, String)>) {
    let folder_s = folder.display().to_string();
    for path in files {
        let p = parse_jailed(path, None);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        for d in &p.diags {
            let (l, c) = p.sources.get(d.span.file).line_col(d.span.start);
            assert_ne!(
                d.severity,
                Severity::Error,
                "{name}:{l}:{c}: {} {}",
                d.kind.code(),
                d.message
            );
            seen.push((
                name.clone(),
                d.kind.code().to_string(),
                d.message.replace(&folder_s, "<corpus>"),
            ));
        }
        assert!(p.tree.nodes().next().is_some(), "{name}: no statement read");
    }
}

#[test]
fn corpus_parses_without_errors() {
    let dir = canonical_corpus();
    let files: Vec<PathBuf> = common::corpus_files()
        .iter()
        .map(|p| dir.join(p.file_name().expect("file name")))
        .collect();
    let mut seen = Vec::new();
    check_no_errors(&files, &dir, &mut seen);
    let expected: Vec<(String, String, String)> = EXPECTED_WARNINGS
        .iter()
        .map(|(f, c, m)| (f.to_string(), c.to_string(), m.to_string()))
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn samples_parse_without_errors() {
    let Some(files) = common::sample_files() else {
        return;
    };
    assert!(files.len() >= 20, "only {} samples", files.len());
    let mut seen = Vec::new();
    check_no_errors(&files, Path::new(common::SAMPLES_DIR), &mut seen);
    assert_eq!(
        seen,
        Vec::<(String, String, String)>::new(),
        "no sample includes anything"
    );
}

// ---------------------------------------------------------------- chosen files

#[test]
fn default_conf_001() {
    let p = corpus("001-acassen-keepalived-default-conf.conf", None);
    assert_eq!(
        top(&p.tree),
        [
            "global_defs",
            "vrrp_instance VI_1",
            "virtual_server 192.168.200.100 443",
            "virtual_server 10.10.10.2 1358",
            "virtual_server 10.10.10.3 1358",
        ]
    );
    let g = body(find(&roots(&p.tree), "global_defs"));
    assert_eq!(
        keywords(&g),
        [
            "notification_email",
            "notification_email_from",
            "smtp_server",
            "smtp_connect_timeout",
            "router_id",
            "vrrp_skip_check_adv_addr",
            "vrrp_strict",
            "vrrp_garp_interval",
            "vrrp_gna_interval",
        ]
    );
    assert_eq!(
        lines(&body(find(&g, "notification_email"))),
        ["acassen@firewall.loc", "failover@firewall.loc", "sysadmin@firewall.loc"]
    );
    assert_eq!(line(find(&g, "router_id")), "router_id LVS_DEVEL");
    // Keywords without arguments are statements of one word.
    assert_eq!(find(&g, "vrrp_strict").words().len(), 1);

    let vi = body(find(&roots(&p.tree), "vrrp_instance VI_1"));
    assert_eq!(
        keywords(&vi),
        [
            "state",
            "interface",
            "virtual_router_id",
            "priority",
            "advert_int",
            "authentication",
            "virtual_ipaddress",
        ]
    );
    assert_eq!(line(find(&vi, "priority")), "priority 100");
    assert_eq!(
        lines(&body(find(&vi, "authentication"))),
        ["auth_type PASS", "auth_pass 1111"]
    );
    assert_eq!(
        lines(&body(find(&vi, "virtual_ipaddress"))),
        ["192.168.200.16", "192.168.200.17", "192.168.200.18"]
    );

    let vs1 = body(find(&roots(&p.tree), "virtual_server 192.168.200.100 443"));
    assert_eq!(count(&vs1, "real_server"), 1);
    let ssl = body(find(&body(find(&vs1, "real_server 192.168.201.100 443")), "SSL_GET"));
    assert_eq!(
        keywords(&ssl),
        ["url", "url", "connect_timeout", "retry", "delay_before_retry"]
    );
    assert_eq!(
        lines(&body(ssl[1])),
        ["path /mrtg/", "digest 9b3a0c85a887a256d6939da88aabd8cd"]
    );

    let vs2 = body(find(&roots(&p.tree), "virtual_server 10.10.10.2 1358"));
    assert_eq!(count(&vs2, "real_server"), 2);
    assert_eq!(line(find(&vs2, "sorry_server")), "sorry_server 192.168.200.200 1358");
    let http = body(find(&body(find(&vs2, "real_server 192.168.200.2 1358")), "HTTP_GET"));
    assert_eq!(count(&http, "url"), 3);

    let vs3 = body(find(&roots(&p.tree), "virtual_server 10.10.10.3 1358"));
    assert_eq!(
        lines(&vs3)
            .into_iter()
            .filter(|l| l.starts_with("real_server"))
            .collect::<Vec<_>>(),
        ["real_server 192.168.200.4 1358", "real_server 192.168.200.5 1358"]
    );
    assert_eq!(line(find(&vs3, "delay_loop")), "delay_loop 3");
}

#[test]
fn vrrp_sync_008() {
    let p = corpus("008-acassen-keepalived-vrrp.sync.conf", None);
    let mut want = vec!["vrrp_sync_group G1".to_string(), "vrrp_sync_group G2".to_string()];
    want.extend((1..=9).map(|i| format!("vrrp_instance VI_{i}")));
    assert_eq!(top(&p.tree), want);

    let g1 = body(find(&roots(&p.tree), "vrrp_sync_group G1"));
    assert_eq!(
        keywords(&g1),
        ["group", "notify_backup", "notify_master", "notify_fault"]
    );
    assert_eq!(
        lines(&body(find(&g1, "group"))),
        ["VI_1", "VI_2", "VI_5", "VI_6", "VI_7", "VI_8", "VI_9"]
    );
    // A quoted script is one word, without its quotes.
    let notify = find(&g1, "notify_master");
    assert_eq!(notify.words().len(), 2);
    assert!(word(notify, 1).quoted());
    assert_eq!(word(notify, 1).text(), "/usr/local/bin/vrrp.mast arg1 arg2");
    assert_eq!(
        lines(&body(find(&body(find(&roots(&p.tree), "vrrp_sync_group G2")), "group"))),
        ["VI_3", "VI_4"]
    );

    // VI_3 and VI_4 have no `state`; VI_2 is on eth1.
    let vi3 = body(find(&roots(&p.tree), "vrrp_instance VI_3"));
    assert_eq!(
        keywords(&vi3),
        ["interface", "virtual_router_id", "priority", "virtual_ipaddress"]
    );
    let vi2 = body(find(&roots(&p.tree), "vrrp_instance VI_2"));
    assert_eq!(line(find(&vi2, "interface")), "interface eth1");
    assert_eq!(line(find(&vi2, "virtual_router_id")), "virtual_router_id 52");
    assert_eq!(lines(&body(find(&vi2, "virtual_ipaddress"))), ["192.168.201.18/26"]);
    for i in 1..=9 {
        let vi = body(find(&roots(&p.tree), &format!("vrrp_instance VI_{i}")));
        assert_eq!(
            line(find(&vi, "virtual_router_id")),
            format!("virtual_router_id {}", 50 + i)
        );
    }
}

/// `@high` / `@low` lines: the config id picks the `net_namespace`, the script and the priority.
fn check_conditional(p: &Parsed, id: Option<&str>) {
    let mut want = Vec::new();
    if let Some(id) = id {
        want.push(format!("net_namespace {id}"));
    }
    want.push("vrrp_script check_VI_0".to_string());
    want.push("vrrp_instance VI_0".to_string());
    assert_eq!(top(&p.tree), want, "config id {id:?}");

    let script = body(find(&roots(&p.tree), "vrrp_script check_VI_0"));
    let vi = body(find(&roots(&p.tree), "vrrp_instance VI_0"));
    let mut script_kw = vec!["interval", "timeout", "rise", "fall"];
    let mut vi_kw = vec![
        "state",
        "interface",
        "virtual_router_id",
        "advert_int",
        "version",
        "use_vmac",
        "track_script",
        "track_interface",
        "virtual_ipaddress",
    ];
    match id {
        Some(id) => {
            script_kw.insert(0, "script");
            vi_kw.insert(3, "priority");
            assert_eq!(
                line(find(&script, "script")),
                format!("script /etc/keepalived/scripts/check_{id}_VI_0.sh")
            );
            let prio = if id == "high" { "170" } else { "85" };
            assert_eq!(line(find(&vi, "priority")), format!("priority {prio}"));
        }
        None => assert_eq!(count(&vi, "priority"), 0),
    }
    assert_eq!(keywords(&script), script_kw, "config id {id:?}");
    assert_eq!(keywords(&vi), vi_kw, "config id {id:?}");
    assert_eq!(lines(&body(find(&vi, "track_interface"))), ["eth3", "eth2 weight 20"]);
    assert_eq!(lines(&body(find(&vi, "virtual_ipaddress"))), ["10.1.0.254/32"]);
}

#[test]
fn conditional_conf_010() {
    for id in [Some("high"), Some("low"), None, Some("HIGH")] {
        let p = corpus("010-acassen-keepalived-conditional_conf.conf", id);
        // `@ID` is case-sensitive: `HIGH` selects nothing.
        check_conditional(&p, id.filter(|i| *i != "HIGH"));
    }
}

#[test]
fn definitions_014() {
    let p = corpus("014-pqarmitage-keepalived-devel-tools-connect-checkers.conf", None);
    // `@low` is dropped without a config id; the definitions are no statements.
    assert_eq!(top(&p.tree), ["global_defs", "virtual_server 10.0.0.1 80"]);
    let vs = body(roots(&p.tree)[1]);
    let rs = body(find(&vs, "real_server 192.168.0.1 80"));
    assert_eq!(
        keywords(&rs),
        [
            "weight",
            "inhibit_on_failure",
            "PING_CHECK",
            "TCP_CHECK",
            "DNS_CHECK",
            "HTTP_GET",
            "SMTP_CHECK",
            "UDP_CHECK"
        ]
    );
    let ping = body(find(&rs, "PING_CHECK"));
    assert_eq!(lines(&ping), ["connect_ip 10.1.4.1", "bindto 10.1.4.3"]);
    // `$BIND_TO` gives two words, both through the definition; the nested `${ADDR_BASE}`
    // is lifted to its place in `$BIND_TO`'s value.
    let bind = ping[1];
    for w in bind.words().iter() {
        let chain = p.chain(w.exp());
        assert!(
            matches!(&chain[0].kind, ExpansionKind::Definition { name, .. } if name == "BIND_TO"),
            "{chain:?}"
        );
        assert_eq!(p.sources.slice(chain[0].site), "$BIND_TO");
    }
    assert_eq!(p.sources.slice(word(bind, 0).span()), "bindto");
    assert_eq!(p.sources.slice(word(bind, 1).span()), "${ADDR_BASE}.3");
    let dns = body(find(&rs, "DNS_CHECK"));
    assert_eq!(
        lines(&dns),
        [
            "connect_ip 10.1.4.1",
            "connect_ip 172.21.53.10",
            "connect_port 53",
            "bindto 10.1.4.3",
            "type RRSIG",
            "name armitage.org.uk"
        ]
    );
    assert_eq!(count(&body(find(&rs, "HTTP_GET")), "connect_ip"), 1);
}

#[test]
fn include_in_block_019() {
    let dir = canonical_corpus();
    let name = "019-pqarmitage-keepalived-devel-tools-1033-include-in-block.conf";
    let p = corpus(name, Some("high"));
    assert_eq!(
        top(&p.tree),
        [
            "net_namespace high",
            "vrrp_script chk_haproxy",
            "vrrp_instance Local_IPv4"
        ]
    );
    // `${_PWD}` is the folder of the file.
    let script = find(&body(find(&roots(&p.tree), "vrrp_script chk_haproxy")), "script");
    assert_eq!(word(script, 1).text(), format!("{}/scripts/vs.sh", dir.display()));
    let vi = body(find(&roots(&p.tree), "vrrp_instance Local_IPv4"));
    let want = [
        "interface",
        "virtual_router_id",
        "smtp_alert",
        "authentication",
        "use_vmac",
        "vmac_xmit_base",
        "virtual_ipaddress",
        "track_script",
    ];
    assert_eq!(keywords(&vi), want);
    assert_eq!(line(find(&vi, "interface")), "interface eth0");
    assert_eq!(lines(&body(find(&vi, "virtual_ipaddress"))), ["1.2.3.4/16"]);
    assert_eq!(lines(&body(find(&vi, "track_script"))), ["chk_haproxy"]);

    // With the included file present, its lines land inside the block, where the include is.
    let text = std::fs::read(dir.join(name)).expect("corpus file");
    let mut fs = MemFs::new();
    fs.insert("/etc/keepalived/keepalived.conf", text.clone());
    fs.insert("/etc/keepalived/1033-role.conf", "state MASTER\npriority 150\n");
    let p = vigil_grammar::parse_bytes(
        Path::new("/etc/keepalived/keepalived.conf"),
        &text,
        &Options::default(),
        &fs,
    );
    assert!(p.diags.is_empty(), "{:?}", p.diags);
    let vi = body(find(&roots(&p.tree), "vrrp_instance Local_IPv4"));
    assert_eq!(
        &keywords(&vi)[..4],
        ["interface", "state", "priority", "virtual_router_id"]
    );
    let state = find(&vi, "state");
    let chain = p.chain(word(state, 0).exp());
    assert_eq!(chain.len(), 1);
    assert_eq!(p.sources.slice(chain[0].site), "include 1033-role.conf");
    let script = find(&body(find(&roots(&p.tree), "vrrp_script chk_haproxy")), "script");
    assert_eq!(word(script, 1).text(), "/etc/keepalived/scripts/vs.sh");
}

#[test]
fn crlf_tabs_072() {
    let p = corpus(
        "072-shreshthtuli-High-availability-clustering-of-Odroid-SBC-freeswitch-node1.conf",
        None,
    );
    assert_eq!(top(&p.tree), ["global_defs", "vrrp_instance VI_FREESW"]);
    let vi = body(find(&roots(&p.tree), "vrrp_instance VI_FREESW"));
    // `# priority 100` is a comment: no priority.
    assert_eq!(
        keywords(&vi),
        [
            "state",
            "interface",
            "virtual_router_id",
            "advert_int",
            "authentication",
            "notify",
            "virtual_ipaddress"
        ]
    );
    let notify = find(&vi, "notify");
    assert!(word(notify, 1).quoted());
    assert_eq!(word(notify, 1).text(), "/usr/local/freeswitch/ka-notify.pl");
    assert_eq!(lines(&body(find(&vi, "virtual_ipaddress"))), ["192.168.1.20 dev eth0"]);
    assert_eq!(
        lines(&body(find(
            &body(find(&roots(&p.tree), "global_defs")),
            "notification_email"
        ))),
        ["shreshthtuli@gmail.com"]
    );
    for (_, n) in p.tree.walk() {
        for w in n.words().iter() {
            assert!(!w.text().contains('\r'), "{:?}", w.text());
            assert_eq!(p.sources.slice(w.span()).trim_matches('"'), w.text());
        }
    }
    // The last `}` has no line end after it (the file ends with "} ").
    let last = roots(&p.tree)[1].block().and_then(|b| b.close()).expect("closed");
    assert_eq!(p.sources.get(last.file).line_col(last.start), (26, 1));
}

#[test]
fn sample_virtual_server_group() {
    let Some(files) = common::sample_files() else {
        return;
    };
    let path = files
        .iter()
        .find(|p| p.ends_with("keepalived.conf.virtual_server_group"))
        .expect("keepalived.conf.virtual_server_group is a sample");
    let p = parse_jailed(path, None);
    assert!(p.diags.is_empty(), "{:?}", p.diags);
    assert_eq!(
        top(&p.tree),
        [
            "global_defs",
            "virtual_server_group VSG_1",
            "virtual_server group VSG_1"
        ]
    );
    assert_eq!(
        lines(&body(find(&roots(&p.tree), "virtual_server_group VSG_1"))),
        [
            "10.0.0.1 8080",
            "10.0.0.2 80",
            "192.168.200.1 1358",
            "192.168.200.3-10 80",
            "fwmark 1",
            "fwmark 2"
        ]
    );
    let vs = body(find(&roots(&p.tree), "virtual_server group VSG_1"));
    assert_eq!(
        keywords(&vs),
        [
            "delay_loop",
            "lb_algo",
            "lb_kind",
            "persistence_timeout",
            "protocol",
            "real_server",
            "real_server"
        ]
    );
    for &rs in vs.iter().filter(|n| n.keyword() == Some("real_server")) {
        let http = body(find(&body(rs), "HTTP_GET"));
        assert_eq!(
            keywords(&http),
            ["url", "connect_timeout", "retry", "delay_before_retry"]
        );
        assert_eq!(
            lines(&body(http[0])),
            ["path /testurl3/test.jsp", "digest 640205b7b0fc66c1ea91c463fac6334d"]
        );
    }
}

#[test]
fn sample_conditional_conf_matches_corpus_010() {
    let Some(files) = common::sample_files() else {
        return;
    };
    let path = files
        .iter()
        .find(|p| p.ends_with("keepalived.conf.conditional_conf"))
        .expect("keepalived.conf.conditional_conf is a sample");
    for id in [Some("high"), Some("low"), None] {
        let p = parse_jailed(path, id);
        assert!(p.diags.is_empty(), "{:?}", p.diags);
        check_conditional(&p, id);
    }
}
