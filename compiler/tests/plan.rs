//! The plan: golden plans for the shipped examples (through the `compile` command), and
//! every plan this suite can produce from real configurations (the examples, the Debian
//! samples, the corpus) checked against the checked-in JSON Schema, against the plan's own
//! validation (`Plan::validate`), for determinism and for a lossless round trip through the
//! plan crate.

use std::path::{Path, PathBuf};
use std::process::Command;
use vigil_compiler::{check_path, compile, CheckOptions};
use vigil_grammar::{Options, RealFs, Severity};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("plan/plan.schema.json")).expect("the checked-in schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn assert_valid(v: &jsonschema::Validator, json: &str, what: &str) {
    let value: serde_json::Value = serde_json::from_str(json).expect("a plan is JSON");
    let errors: Vec<String> = v
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: the plan does not match plan.schema.json:\n{}",
        errors.join("\n")
    );
}

/// The shipped examples and the config ids each is meant for.
fn examples() -> Vec<(String, Vec<Option<&'static str>>)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let ids = if text.contains("@lb1") {
            vec![Some("lb1"), Some("lb2")]
        } else {
            vec![None]
        };
        out.push((format!("examples/{}", f.file_name().unwrap().to_string_lossy()), ids));
    }
    assert!(!out.is_empty());
    out
}

#[test]
fn golden_plans_of_the_examples() {
    let v = validator();
    for (file, ids) in examples() {
        for id in ids {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_keepalived-check"));
            cmd.current_dir(root()).args(["compile", "--pretty", &file]);
            if let Some(id) = id {
                cmd.args(["--config-id", id]);
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{file} {id:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let json = String::from_utf8(out.stdout).unwrap();
            assert_valid(&v, &json, &file);
            let name = format!(
                "{}{}",
                file.trim_start_matches("examples/").trim_end_matches(".conf"),
                id.map(|i| format!("-{i}")).unwrap_or_default()
            );
            insta::assert_snapshot!(name, json);
            // Without --pretty: the same plan on one line.
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_keepalived-check"));
            cmd.current_dir(root()).args(["compile", &file]);
            if let Some(id) = id {
                cmd.args(["--config-id", id]);
            }
            let compact = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
            assert_eq!(compact.lines().count(), 1, "{file}: the default plan is one line");
            assert_eq!(
                vigil_plan::from_json(&compact).unwrap(),
                vigil_plan::from_json(&json).unwrap(),
                "{file}: compact and pretty plans differ"
            );
        }
    }
}

#[test]
fn compile_writes_the_file_and_refuses_configs_with_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("plan.json");
    let run = |conf: &Path| {
        Command::new(env!("CARGO_BIN_EXE_keepalived-check"))
            .arg("compile")
            .arg(conf)
            .arg("-o")
            .arg(&out_path)
            .output()
            .unwrap()
    };
    let good = dir.path().join("good.conf");
    std::fs::write(
        &good,
        "vrrp_instance A {\n interface eth0\n virtual_router_id 9\n virtual_ipaddress {\n 192.0.2.1\n }\n}\n",
    )
    .unwrap();
    let out = run(&good);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan = vigil_plan::load(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(plan.vrrp_instances[0].virtual_router_id, 9);

    let bad = dir.path().join("bad.conf");
    std::fs::write(&bad, "vrrp_instance A {\n interface eth0\n virtual_router_id 300\n}\n").unwrap();
    std::fs::remove_file(&out_path).unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no plan written"));
    assert!(!out_path.exists(), "no plan from a config with errors");

    let out = run(&dir.path().join("missing.conf"));
    assert_eq!(out.status.code(), Some(2));
}

/// Every configuration of the examples, the Debian samples and the corpus that checks
/// without errors.
fn clean_configs() -> Vec<(PathBuf, Option<String>)> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        root().join("examples"),
        root().join("../shared/corpus"),
        PathBuf::from("/usr/share/doc/keepalived/samples"),
    ] {
        if let Ok(rd) = std::fs::read_dir(&dir) {
            files.extend(rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| {
                let n = p.file_name().unwrap_or_default().to_string_lossy();
                n.ends_with(".conf") || n.starts_with("keepalived.conf.")
            }));
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        for id in [None, Some("lb1".to_string())] {
            out.push((f.clone(), id));
        }
    }
    out
}

#[test]
fn every_plan_matches_the_schema_is_deterministic_and_round_trips() {
    let v = validator();
    let mut compiled = 0;
    for (path, id) in clean_configs() {
        let opts = CheckOptions {
            preprocess: Options {
                config_id: id.clone(),
                ..Options::default()
            },
            ..CheckOptions::default()
        };
        let Ok(checked) = check_path(&path, &opts, &RealFs) else {
            continue;
        };
        if checked.diags.iter().any(|d| d.severity == Severity::Error) {
            continue;
        }
        let source = vigil_plan::Source {
            file: path.display().to_string(),
            config_id: id.clone(),
        };
        let json = vigil_plan::to_json(&compile(&checked, source.clone()));
        assert_valid(&v, &json, &path.display().to_string());
        let again = check_path(&path, &opts, &RealFs).unwrap();
        assert_eq!(
            json,
            vigil_plan::to_json(&compile(&again, source)),
            "{}: not deterministic",
            path.display()
        );
        let back = vigil_plan::from_json(&json).expect("the plan reads back");
        assert_eq!(vigil_plan::to_json(&back), json, "{}: lossy round trip", path.display());
        if let Err(errors) = back.validate() {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("{}: the plan does not validate:\n{}", path.display(), list.join("\n"));
        }
        compiled += 1;
    }
    println!("{compiled} plans checked");
    assert!(compiled >= 4, "only {compiled} configurations compiled cleanly");
}
