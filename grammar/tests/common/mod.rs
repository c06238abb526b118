//! Helpers shared by the integration tests of `vigil-grammar`: the fixture format, locations
//! for snapshots, and where the real configurations live.
//!
//! Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use vigil_grammar::{MemFs, Options, Parsed, Span};

/// The path of the top file of a fixture that names no file.
pub const TOP: &str = "/cfg/keepalived.conf";

/// A fixture: one or more in-memory files and the options to parse them with.
///
/// Format (see also the top of `snapshots.rs`):
/// - a line `=== config_id=ID ===` sets [`Options::config_id`] (it is not part of any file);
/// - a line `=== /some/abs/path ===` starts a file at that path; the first file is the top
///   file (the one parsed), the others are only reachable through includes;
/// - a fixture without any path header is the single file [`TOP`].
///
/// Files are bytes (a fixture may hold a NUL, bad UTF-8 or CRLF line endings); headers may end
/// with `\r\n`.
pub struct Fixture {
    pub files: Vec<(String, Vec<u8>)>,
    pub config_id: Option<String>,
}

fn header(line: &[u8]) -> Option<&str> {
    let line = std::str::from_utf8(line).ok()?;
    let line = line.trim_end_matches(['\n', '\r']);
    line.strip_prefix("=== ")?.strip_suffix(" ===")
}

impl Fixture {
    pub fn parse(bytes: &[u8]) -> Fixture {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut config_id = None;
        let mut loose: Vec<u8> = Vec::new();
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            match header(line) {
                Some(h) if h.starts_with("config_id=") => config_id = Some(h["config_id=".len()..].to_string()),
                Some(h) if h.starts_with('/') => files.push((h.to_string(), Vec::new())),
                Some(h) => panic!("unknown fixture header `=== {h} ===`"),
                None => match files.last_mut() {
                    Some((_, body)) => body.extend_from_slice(line),
                    None => loose.extend_from_slice(line),
                },
            }
        }
        if files.is_empty() {
            files.push((TOP.to_string(), loose));
        } else {
            assert!(
                loose.iter().all(u8::is_ascii_whitespace),
                "text before the first `=== /path ===` header of a multi-file fixture"
            );
        }
        Fixture { files, config_id }
    }

    pub fn read(path: &Path) -> Fixture {
        Fixture::parse(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }

    pub fn options(&self) -> Options {
        Options {
            config_id: self.config_id.clone(),
            ..Options::default()
        }
    }

    pub fn memfs(&self) -> MemFs {
        let mut fs = MemFs::new();
        for (path, body) in &self.files {
            fs.insert(path, body.clone());
        }
        fs
    }

    /// Parses the top file.
    pub fn run(&self) -> Parsed {
        let fs = self.memfs();
        vigil_grammar::parse_path(Path::new(&self.files[0].0), &self.options(), &fs)
            .expect("the top file is in the MemFs")
    }
}

/// `path:line:col-line:col` of a span.
pub fn loc(p: &Parsed, span: Span) -> String {
    let f = p.sources.get(span.file);
    let (l1, c1) = f.line_col(span.start);
    let (l2, c2) = f.line_col(span.end);
    format!("{}:{l1}:{c1}-{l2}:{c2}", f.path.display())
}

/// The text a span covers, escaped and shortened for a one-line rendering.
pub fn excerpt(p: &Parsed, span: Span) -> String {
    let s = p.sources.slice(span);
    let mut out: String = s.chars().take(48).collect();
    if s.chars().count() > 48 {
        out.push('…');
    }
    format!("{out:?}")
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `/work/shared/corpus`, found from this crate's folder.
pub fn corpus_dir() -> PathBuf {
    manifest_dir().join("../../shared/corpus")
}

pub const SAMPLES_DIR: &str = "/usr/share/doc/keepalived/samples";

/// Every `*.conf` of the corpus, sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus {} cannot be read: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    out.sort();
    assert!(out.len() >= 40, "the corpus has only {} files", out.len());
    out
}

/// True when the effective user is root (read from `/proc/self/status`, no libc needed).
pub fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .is_some_and(|euid| euid == "0")
}

/// The keepalived package's sample configurations (`keepalived.conf.*`, not the `.sh`/`.gz`
/// helpers), sorted. `None` when the package is not installed and we are not root: a line
/// `SKIP: ...` is printed. As root (CI installs the package) a missing folder fails the test.
pub fn sample_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(SAMPLES_DIR);
    if !dir.is_dir() {
        if is_root() {
            panic!("{SAMPLES_DIR} is missing: running as root (CI), the keepalived package must be installed");
        }
        eprintln!("SKIP: {SAMPLES_DIR} not installed (install the keepalived package)");
        return None;
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{SAMPLES_DIR}: {e}"))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("keepalived.conf.") && !name.ends_with(".sh") && !name.ends_with(".gz")
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "{SAMPLES_DIR} holds no keepalived.conf.* file");
    Some(out)
}
