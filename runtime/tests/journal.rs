//! vigild logs natively to the journal when systemd connects its stderr there: run in a
//! mount namespace whose `/run/systemd/journal/socket` is a datagram socket this test reads
//! (journald's native protocol: `FIELD=value` lines), with `JOURNAL_STREAM` naming vigild's
//! stderr as systemd would. Needs root (mount namespace) and python3; otherwise SKIP.

use std::process::Command;

#[test]
fn logs_go_to_the_journal_with_priority_and_identifier() {
    let root = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    let have = |t: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {t}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !root || !have("unshare") || !have("python3") {
        eprintln!("SKIP: needs root, unshare and python3");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, r#"{"plan_version": 1, "source": {"file": "k.conf"}}"#).expect("plan");
    let got = dir.path().join("journal.txt");
    let listener = format!(
        "import socket,time\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind('/run/systemd/journal/socket')\ns.settimeout(0.2)\nend=time.time()+4\nout=open('{}','wb')\nwhile time.time()<end:\n  try:\n    out.write(s.recv(65536)+b'\\n--\\n'); out.flush()\n  except socket.timeout:\n    pass\n",
        got.display()
    );
    std::fs::write(dir.path().join("listen.py"), listener).expect("listener");
    let script = format!(
        "set -e\nmount --make-rprivate /\nmount -t tmpfs none /run\nmkdir -p /run/systemd/journal\npython3 {dir}/listen.py &\nsleep 0.5\nexec 2>{dir}/stderr.txt\nexport JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2)\ntimeout -s TERM 1.5 {bin} --socket {dir}/v.sock run {plan} || true\nwait\n",
        dir = dir.path().display(),
        bin = env!("CARGO_BIN_EXE_vigild"),
        plan = plan.display()
    );
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .output()
        .expect("unshare");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let journal = String::from_utf8_lossy(&std::fs::read(&got).unwrap_or_default()).into_owned();
    // Each field is `NAME=value` or, binary-safe, `NAME`, newline, a little-endian u64 length
    // and the value: read both.
    let field = |name: &str| -> Option<String> {
        journal.split("\n--\n").find_map(|rec| {
            let bytes = rec.as_bytes();
            let at = rec.find(&format!("{name}\n")).map(|i| i + name.len() + 1);
            if let Some(i) = at.filter(|i| i + 8 <= bytes.len()) {
                let len = u64::from_le_bytes(bytes[i..i + 8].try_into().ok()?) as usize;
                return rec.get(i + 8..i + 8 + len).map(str::to_string);
            }
            rec.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")).map(str::to_string))
        })
    };
    assert!(journal.contains("vigild running"), "journal got: {journal:?}");
    assert_eq!(field("SYSLOG_IDENTIFIER").as_deref(), Some("vigild"), "{journal:?}");
    assert!(
        matches!(field("PRIORITY").as_deref(), Some("5" | "6")),
        "info has a priority: {journal:?}"
    );
    // Nothing went to stderr: the journal got it natively.
    let stderr = std::fs::read_to_string(dir.path().join("stderr.txt")).unwrap_or_default();
    assert!(!stderr.contains("vigild running"), "{stderr}");
}
