//! Script users and script security for real, beside keepalived 2.2.7 on the same configs:
//! a tracked script that is missing, one in a directory anyone can write to, and a notify
//! script run as `nobody` with a group of its own.
//!
//! Each tracked script would fail (weight -100 takes node 0 below its peer) if it ran, so
//! who ends up master says whether it was disabled. Needs root, `ip` and keepalived; without
//! them the test prints SKIP and why.

mod topo;

use std::time::Duration;
use topo::{sh, sh_out, skip_reason, Topo};

fn instance(prio: u8, extra: &str, vip: &str) -> String {
    format!(
        "vrrp_instance VI_1 {{\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority {prio}\n  version 3\n  advert_int 0.05\n{extra}\n  virtual_ipaddress {{\n    {vip}/24\n  }}\n}}\n"
    )
}

/// Who holds the address, and what the notify script recorded, after node 0 ran `conf`
/// (with vigild or keepalived) against a keepalived peer of priority 100.
fn run(vigild: bool, conf: &str, out: &std::path::Path) -> (Vec<usize>, String) {
    let _ = std::fs::write(out, "");
    let mut t = Topo::new(2);
    let vip = t.vip();
    let conf = conf.replace("VIP", &vip);
    if vigild {
        let plan = t.plan("a", &conf);
        t.vigild(0, &plan);
    } else {
        t.keepalived(0, &conf);
    }
    t.keepalived(1, &instance(100, "", &vip));
    std::thread::sleep(Duration::from_millis(2500));
    let holders = t.holders(&vip);
    (holders, std::fs::read_to_string(out).unwrap_or_default())
}

#[test]
fn insecure_and_missing_scripts_are_disabled_and_scripts_run_as_their_user_as_keepalived_does() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIP: {why}");
        return;
    }
    let id = std::process::id();
    // Outside the tests' private temp dirs, so that `nobody` can write its record.
    let dir = std::path::PathBuf::from(format!("/tmp/vigil-sec-{id}"));
    sh(&format!(
        "rm -rf {d} && mkdir -p {d}/open && chmod 755 {d} && chmod 777 {d}/open",
        d = dir.display()
    ));
    let fail = dir.join("open/fail.sh");
    std::fs::write(&fail, "#!/bin/sh\nexit 1\n").expect("write");
    let notify = dir.join("id.sh");
    let out = dir.join("id.out");
    std::fs::write(
        &notify,
        format!("#!/bin/sh\necho \"$(id -u):$(id -g)\" > {}\n", out.display()),
    )
    .expect("write");
    sh(&format!(
        "chmod 755 {} {} && touch {o} && chmod 666 {o}",
        fail.display(),
        notify.display(),
        o = out.display()
    ));
    let nogroup = if sh_out("getent group nogroup").is_empty() {
        "nobody"
    } else {
        "nogroup"
    };
    let want_id = format!(
        "{}:{}",
        sh_out("id -u nobody").trim(),
        sh_out(&format!("getent group {nogroup} | cut -d: -f3")).trim()
    );
    let conf = |security: bool| {
        format!(
            "global_defs {{\n  script_user root\n{}}}\nvrrp_script missing {{\n  script {d}/nothere.sh\n  interval 1\n  weight -100\n}}\nvrrp_script open {{\n  script {f}\n  interval 1\n  weight -100\n}}\n{}",
            if security { "  enable_script_security\n" } else { "" },
            instance(
                150,
                &format!(
                    "  track_script {{\n    missing\n    open\n  }}\n  notify_master \"{}\" nobody {nogroup}",
                    notify.display()
                ),
                "VIP"
            ),
            d = dir.display(),
            f = fail.display(),
        )
    };
    // Under script security both scripts are disabled: node 0 stays master at 150 and its
    // notify script ran as nobody:nogroup.
    let (ka, ka_id) = run(false, &conf(true), &out);
    let (ours, ours_id) = run(true, &conf(true), &out);
    assert_eq!(ka, [0], "keepalived: both scripts disabled, node 0 stays master");
    assert_eq!(ours, ka, "vigild differs from keepalived under enable_script_security");
    assert_eq!(ka_id.trim(), want_id, "keepalived ran the notify script as nobody");
    assert_eq!(
        ours_id.trim(),
        want_id,
        "vigild runs the notify script as its user and group"
    );
    // Without it the insecure script runs (and fails): the peer takes over. The missing one
    // is disabled either way.
    let (ka, _) = run(false, &conf(false), &out);
    let (ours, _) = run(true, &conf(false), &out);
    assert_eq!(ka, [1], "keepalived: the insecure script runs and fails");
    assert_eq!(
        ours, ka,
        "vigild differs from keepalived without enable_script_security"
    );
    sh(&format!("rm -rf {}", dir.display()));
}
