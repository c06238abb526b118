//! The `keepalived-check` command line as users and CI scripts meet it: exit statuses, the
//! JSON shape, GitHub annotations, `fmt` in its three modes, `--explain`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keepalived-check"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.env("NO_COLOR", "1");
    let mut child = cmd.spawn().expect("keepalived-check runs");
    {
        let mut input = child.stdin.take().expect("stdin");
        if let Some(s) = stdin {
            input.write_all(s.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("keepalived-check finishes")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

const GOOD: &str = "vrrp_instance VI_1 {\n    state MASTER\n    interface eth0\n    virtual_router_id 51\n    priority 150\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n";

#[test]
fn exit_status_follows_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.conf", GOOD);
    let warn = write(
        dir.path(),
        "warn.conf",
        "vrrp_instance VI_1 {\n    interface eth0\n    virtual_ipaddress {\n        192.0.2.10\n    }\n    virtual_router_id 51 priority 100\n}\n",
    );
    let bad = write(dir.path(), "bad.conf", "vrrp_instance VI_1 {\n    priorty 100\n");
    assert_eq!(run(&[&good], None).status.code(), Some(0));
    assert_eq!(run(&[&warn], None).status.code(), Some(0), "warnings alone pass");
    assert_eq!(run(&["--deny-warnings", &warn], None).status.code(), Some(1));
    assert_eq!(run(&[&bad], None).status.code(), Some(1));
    let missing = dir.path().join("missing.conf");
    let out = run(&[&good, missing.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2), "a missing file is never a success");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    assert_eq!(run(&["--no-such-flag", &good], None).status.code(), Some(2));
}

#[test]
fn json_output_has_positions_labels_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.conf", "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.10\n\n    track_script {\n        chk\n    }\n}\n");
    let out = run(&["--format", "json", &bad], None);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "KA0004");
    assert_eq!(d["severity"], "error");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(1), Some(20)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(1), Some(21)));
    assert!(d["file"].as_str().unwrap().ends_with("bad.conf"));
    assert_eq!(
        d["labels"][0]["line"].as_u64(),
        Some(4),
        "the block probably missing its brace"
    );
    assert!(d["help"].as_str().unwrap().contains("missing"));
    assert_eq!(v["summary"]["errors"].as_u64(), Some(1));
    assert_eq!(v["summary"]["files"].as_u64(), Some(1));
}

#[test]
fn positions_point_into_included_files_and_through_definitions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "inc.conf",
        "$P=300\nvrrp_instance VI_1 {\n    priority $P\n}\n",
    );
    let top = write(dir.path(), "top.conf", "include inc.conf\n");
    let out = run(&["--format", "json", &top], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KA0107")
        .expect("range error");
    assert!(d["file"].as_str().unwrap().ends_with("inc.conf"));
    assert_eq!(d["line"].as_u64(), Some(1), "the value is written in the definition");
    assert_eq!(d["column"].as_u64(), Some(4));
}

#[test]
fn github_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.conf", "global_defs {\n    router_idd x\n}\n");
    let out = run(&["--format", "github", &bad], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("::error file="), "{text}");
    assert!(text.contains(",line=2,col=5,"), "{text}");
    assert!(text.contains("title=KA0101 unknown-keyword::"), "{text}");
}

#[test]
fn config_id_selects_conditional_lines() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "c.conf",
        "vrrp_instance VI_1 {\n    interface eth0\n    virtual_ipaddress {\n        192.0.2.10\n    }\n    virtual_router_id 51\n    @lb1 priority 150\n    @lb2 priority 999\n}\n",
    );
    assert_eq!(run(&["--config-id", "lb1", &f], None).status.code(), Some(0));
    assert_eq!(run(&["--config-id", "lb2", &f], None).status.code(), Some(1));
    assert_eq!(
        run(&[&f], None).status.code(),
        Some(0),
        "no id: every @ID line is dropped"
    );
}

#[test]
fn fmt_rewrites_checks_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let messy = "vrrp_instance VI_1 {\n  priority    150 # main\n}\n";
    let tidy = "vrrp_instance VI_1 {\n    priority 150 # main\n}\n";
    let f = write(dir.path(), "m.conf", messy);
    let out = run(&["fmt", "--check", &f], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("would reformat"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), messy, "--check writes nothing");
    assert_eq!(run(&["fmt", &f], None).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), tidy);
    assert_eq!(run(&["fmt", "--check", &f], None).status.code(), Some(0));
    let out = run(&["fmt", "-"], Some(messy));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), tidy);
}

#[test]
fn fmt_leaves_broken_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "vrrp_instance VI_1 {\n  priority 150\n";
    let f = write(dir.path(), "b.conf", broken);
    let out = run(&["fmt", &f], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("KA0004"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), broken);
    let out = run(&["fmt", "-"], Some(broken));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        broken,
        "a filter passes broken input through"
    );
}

#[test]
fn explain_prints_the_check_and_rejects_unknown_codes() {
    let out = run(&["--explain", "KA0106"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in ["KA0106 extra-words", "Why it matters", "Example", "Fix"] {
        assert!(text.contains(part), "{text}");
    }
    assert_eq!(run(&["--explain", "KA9999"], None).status.code(), Some(2));
}

#[test]
fn the_shipped_example_is_clean() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/keepalived.conf");
    for id in ["lb1", "lb2"] {
        let out = run(&["--config-id", id, "--deny-warnings", example.to_str().unwrap()], None);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn sarif_output_is_a_sarif_log() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.conf", "vrrp_instance VI_1 {\n    priority 300\n    virtual_router_id 51\n    interface eth0\n    virtual_ipaddress {\n        192.0.2.10\n    }\n}\n");
    let out = run(&["--format", "sarif", &bad], None);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "keepalived-check");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .any(|r| r["id"] == "KA0107" && r["name"] == "invalid-value"));
    let r = &run0["results"][0];
    assert_eq!(r["ruleId"], "KA0107");
    assert_eq!(r["level"], "error");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(2), Some(14))
    );
    assert!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("bad.conf"));
}

#[test]
fn host_checks_only_with_the_flag() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let script = |name: &str, mode: u32| {
        let p = write(dir.path(), name, "#!/bin/sh\nexit 0\n");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    };
    let ok = script("ok.sh", 0o755);
    let noexec = script("noexec.sh", 0o644);
    let open = script("open.sh", 0o777);
    let missing = dir.path().join("missing.sh");
    let conf = format!(
        "global_defs {{\n    enable_script_security\n    script_user root\n}}\n\
         vrrp_script ok {{\n    script \"{ok}\"\n}}\n\
         vrrp_script noexec {{\n    script \"{noexec}\"\n}}\n\
         vrrp_script open {{\n    script \"{open} --flag\"\n}}\n\
         vrrp_script missing {{\n    script \"{}\"\n    user vigil-no-such-user\n}}\n\
         vrrp_instance A {{\n    interface lo\n    virtual_router_id 10\n    priority 100\n    unicast_src_ip 127.0.0.1\n    unicast_peer {{\n        127.0.0.2\n    }}\n    virtual_ipaddress {{\n        192.0.2.10/24\n    }}\n}}\n\
         vrrp_instance B {{\n    interface vigil-noif0\n    virtual_router_id 11\n    priority 100\n    unicast_src_ip 192.0.2.77\n    unicast_peer {{\n        192.0.2.78\n    }}\n    virtual_ipaddress {{\n        192.0.2.11/24\n    }}\n}}\n",
        missing.display()
    );
    let f = write(dir.path(), "k.conf", &conf);
    let codes = |out: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let off = run(&["--format", "json", &f], None);
    assert!(!codes(&off).iter().any(|c| c.starts_with("KA06")), "{:?}", codes(&off));
    let on = run(&["--format", "json", "--host-checks", &f], None);
    assert_eq!(on.status.code(), Some(1));
    let got = codes(&on);
    for want in ["KA0601", "KA0602", "KA0603", "KA0604", "KA0605", "KA0606"] {
        assert!(got.iter().any(|c| c == want), "{want} missing from {got:?}");
    }
    assert_eq!(got.iter().filter(|c| *c == "KA0601").count(), 1, "lo exists: {got:?}");
    assert_eq!(
        got.iter().filter(|c| *c == "KA0602").count(),
        1,
        "127.0.0.1 is local: {got:?}"
    );
    assert_eq!(got.iter().filter(|c| *c == "KA0604").count(), 1, "{got:?}");
}

fn cluster_file(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cluster")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn codes_of(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn cluster_pair(name: &str, format: &str) -> Output {
    let (a, b) = (
        cluster_file(&format!("{name}-lb1.conf")),
        cluster_file(&format!("{name}-lb2.conf")),
    );
    run(&["--cluster", "--format", format, &a, &b], None)
}

#[test]
fn cluster_good_pair_is_clean() {
    let out = cluster_pair("good", "json");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json_of(&out);
    assert!(codes_of(&v).is_empty());
    assert_eq!(v["summary"]["files"].as_u64(), Some(2), "two nodes");
}

#[test]
fn cluster_bad_pairs_report_both_files() {
    for (name, want) in [
        ("vrid", &["KA0701"][..]),
        ("mismatch", &["KA0417", "KA0702", "KA0703", "KA0705", "KA0708"][..]),
        ("masters", &["KA0707", "KA0710"][..]),
    ] {
        let out = cluster_pair(name, "json");
        assert_eq!(out.status.code(), Some(1), "{name}");
        let v = json_of(&out);
        let mut got = codes_of(&v);
        got.sort();
        assert_eq!(got, want, "{name}");
    }
    let v = json_of(&cluster_pair("vrid", "json"));
    let d = &v["diagnostics"][0];
    assert!(d["file"].as_str().unwrap().ends_with("vrid-lb2.conf"));
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(9), Some(23)));
    let l = &d["labels"][0];
    assert!(l["file"].as_str().unwrap().ends_with("vrid-lb1.conf"), "{l}");
    assert_eq!((l["line"].as_u64(), l["column"].as_u64()), (Some(9), Some(23)));
    assert!(d["message"].as_str().unwrap().contains("vrid-lb1.conf has 51"));
}

#[test]
fn cluster_renders_in_every_format() {
    let human = cluster_pair("vrid", "human");
    let text = String::from_utf8_lossy(&human.stderr);
    assert!(text.contains("error[KA0701]"), "{text}");
    assert!(
        text.contains("vrid-lb2.conf:9:23") && text.contains("vrid-lb1.conf:9:23"),
        "{text}"
    );
    assert!(text.contains("in 2 node(s)"), "{text}");
    let gh = cluster_pair("vrid", "github");
    let text = String::from_utf8_lossy(&gh.stdout);
    assert!(
        text.starts_with("::error file=") && text.contains("vrid-lb2.conf,line=9,col=23"),
        "{text}"
    );
    let sarif: serde_json::Value = serde_json::from_slice(&cluster_pair("vrid", "sarif").stdout).unwrap();
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "KA0701");
    let uri = |loc: &serde_json::Value| {
        loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(uri(&r["locations"][0]).ends_with("vrid-lb2.conf"));
    assert!(uri(&r["relatedLocations"][0]).ends_with("vrid-lb1.conf"));
}

#[test]
fn cluster_of_config_ids_in_one_file() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/keepalived.conf");
    let example = example.to_str().unwrap();
    let out = run(
        &[
            "--cluster",
            "--config-id",
            "lb1",
            "--config-id",
            "lb2",
            "--deny-warnings",
            "--format",
            "json",
            example,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "c.conf",
        "vrrp_instance VI_1 {\n    interface eth0\n    @a virtual_router_id 1\n    @b virtual_router_id 2\n    @a priority 150\n    @b priority 100\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n",
    );
    let out = run(
        &[
            "--cluster",
            "--config-id",
            "a",
            "--config-id",
            "b",
            "--format",
            "json",
            &f,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(codes_of(&v), ["KA0701"]);
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("on b has virtual_router_id 2, but a has 1"));
    assert_eq!(v["diagnostics"][0]["line"].as_u64(), Some(4));
    assert_eq!(v["diagnostics"][0]["labels"][0]["line"].as_u64(), Some(3));
}

#[test]
fn cluster_needs_two_nodes_and_repeated_ids_lint_each() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "c.conf",
        "vrrp_instance VI_1 {\n    @lb1 priority 150\n    @lb2 priority 999\n}\n",
    );
    let out = run(&["--cluster", &f], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least two nodes"));
    let g = write(dir.path(), "g.conf", GOOD);
    let out = run(
        &[
            "--cluster",
            "--config-id",
            "x",
            "--config-id",
            "y",
            "--config-id",
            "z",
            &f,
            &g,
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "3 ids for 2 files");
    // Without --cluster, each id is a separate lint of the file.
    let out = run(
        &["--config-id", "lb1", "--config-id", "lb2", "--format", "json", &f],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "lb2 has priority 999");
    let v = json_of(&out);
    assert_eq!(v["summary"]["files"].as_u64(), Some(2));
    assert!(codes_of(&v).iter().any(|c| c == "KA0107"));
    assert!(
        !codes_of(&v).iter().any(|c| c.starts_with("KA07")),
        "no cluster checks without --cluster"
    );
}

#[test]
fn cluster_failover_predicts_the_master_in_every_format() {
    let (a, b) = (cluster_file("good-lb1.conf"), cluster_file("good-lb2.conf"));
    let out = run(&["--cluster", "--failover", "--format", "json", &a, &b], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let v = json_of(&out);
    assert!(codes_of(&v).is_empty());
    let g = &v["groups"][0];
    assert_eq!(g["vrid"], 51);
    assert_eq!(g["interface"], "eth0");
    assert_eq!(g["family"], "inet");
    assert_eq!(g["nodes"].as_array().unwrap().len(), 2);
    let scenarios = g["scenarios"].as_array().unwrap();
    let find = |kind: &str, node: &str| {
        scenarios
            .iter()
            .find(|s| s["failure"]["kind"] == kind && s["failure"]["node"].as_str().is_some_and(|n| n.contains(node)))
            .unwrap_or_else(|| panic!("no {kind} on {node}: {scenarios:?}"))
    };
    assert_eq!(scenarios[0]["failure"]["kind"], "none");
    assert!(scenarios[0]["failure"]["node"].is_null());
    assert!(scenarios[0]["master"].as_str().unwrap().contains("good-lb1"));
    let down = find("node-down", "good-lb1");
    assert!(down["master"].as_str().unwrap().contains("good-lb2"));
    assert!(down["settles_ms"].as_u64().unwrap() > 0);
    assert!(down["masters_during_transition"][0]
        .as_str()
        .unwrap()
        .contains("good-lb2"));
    assert!(find("node-returns", "good-lb1")["master"]
        .as_str()
        .unwrap()
        .contains("good-lb1"));
    assert!(find("priority-zero", "good-lb1")["master"]
        .as_str()
        .unwrap()
        .contains("good-lb2"));
    assert!(find("interface-down", "good-lb2")["master"]
        .as_str()
        .unwrap()
        .contains("good-lb1"));

    let human = run(&["--cluster", "--failover", &a, &b], None);
    let table = String::from_utf8_lossy(&human.stdout);
    assert!(table.starts_with("VI_1: VRID 51 on eth0 (inet)"), "{table}");
    assert!(table.contains("good-lb1.conf down"), "{table}");

    // --failover needs --cluster.
    let alone = run(&["--failover", &a], None);
    assert_eq!(alone.status.code(), Some(2));
    // Nodes that never hear each other: a split brain, an error.
    let (a, b) = (cluster_file("vrid-lb1.conf"), cluster_file("vrid-lb2.conf"));
    let v = json_of(&run(&["--cluster", "--failover", "--format", "json", &a, &b], None));
    assert!(codes_of(&v).contains(&"KA0712".to_string()), "{v}");
}
