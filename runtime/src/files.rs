//! Tracked files (`track_file`): each file holds a number that, times the tracking weight,
//! moves an instance's priority (or with weight 0 faults it when not zero; see
//! `vigil_vrrp::priority`). keepalived watches the files' directories with inotify and
//! rereads a file when it is written, created, moved or removed; so does this module.
//!
//! Reading follows keepalived 2.2.7 (`track_file.c`, process_track_file): the first 127
//! bytes, read as C's `strtol` with base 0 (leading blanks, a sign, `0x` hex, `0` octal,
//! anything after the number ignored); a missing, unreadable or empty file, or one with no
//! number, reads 0; a number outside the 32-bit range is ignored (the last value stays).

use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};
use std::collections::HashMap;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};
use tracing::{info, warn};
use vigil_plan::TrackFile;

/// A file's content as keepalived reads it: `Some(number)`, or `None` when the number is out
/// of range (ignored).
pub fn parse_value(bytes: &[u8]) -> Option<i64> {
    let text = &bytes[..bytes.len().min(127)];
    let mut i = 0;
    while i < text.len() && matches!(text[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let neg = match text.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let (radix, start) = match (text.get(i), text.get(i + 1)) {
        (Some(b'0'), Some(b'x' | b'X')) if text.get(i + 2).is_some_and(u8::is_ascii_hexdigit) => (16, i + 2),
        (Some(b'0'), _) => (8, i),
        _ => (10, i),
    };
    let mut v: i128 = 0;
    let mut j = start;
    while let Some(d) = text.get(j).and_then(|c| (*c as char).to_digit(radix)) {
        v = (v * i128::from(radix) + i128::from(d)).min(i128::from(i64::MAX) + 1);
        j += 1;
    }
    let v = if neg { -v } else { v };
    (i128::from(i32::MIN)..=i128::from(i32::MAX) + 1)
        .contains(&v)
        .then_some(v as i64)
}

struct Watched {
    path: PathBuf,
    value: i64,
}

/// The tracked files of a plan, their last values, and the inotify watch on their
/// directories.
pub struct TrackedFiles {
    inotify: Option<Inotify>,
    files: HashMap<String, Watched>,
}

impl TrackedFiles {
    /// Creates the `init_file` files, reads every file and watches their directories.
    pub fn new(defs: &[TrackFile]) -> TrackedFiles {
        let inotify = if defs.is_empty() {
            None
        } else {
            Inotify::init(InitFlags::IN_NONBLOCK | InitFlags::IN_CLOEXEC)
                .map_err(|e| warn!("inotify: {e}; tracked files are read only at start and on reload"))
                .ok()
        };
        let mut files = HashMap::new();
        let mut dirs: Vec<PathBuf> = Vec::new();
        for d in defs {
            let path = PathBuf::from(&d.file);
            if let Some(v) = d.init_value {
                if d.init_overwrite || !path.exists() {
                    if let Err(e) = std::fs::write(&path, format!("{v}\n")) {
                        warn!(file = %path.display(), "init_file: cannot write: {e}");
                    }
                }
            }
            let value = read(&path).unwrap_or(0);
            info!(track_file = %d.name, file = %path.display(), value, "tracked file");
            if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                if !dirs.iter().any(|x| x == dir) {
                    dirs.push(dir.to_path_buf());
                }
            }
            files.insert(d.name.clone(), Watched { path, value });
        }
        if let Some(ino) = &inotify {
            let mask = AddWatchFlags::IN_CLOSE_WRITE
                | AddWatchFlags::IN_MOVED_TO
                | AddWatchFlags::IN_MOVED_FROM
                | AddWatchFlags::IN_CREATE
                | AddWatchFlags::IN_DELETE
                | AddWatchFlags::IN_MODIFY;
            for dir in &dirs {
                if let Err(e) = ino.add_watch(dir, mask) {
                    warn!(dir = %dir.display(), "inotify watch: {e}; changes there are seen on reload only");
                }
            }
        }
        TrackedFiles { inotify, files }
    }

    /// The fd to poll for changes.
    pub fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.inotify.as_ref().map(|i| i.as_fd())
    }

    /// The value of file `name` (0 for a name the plan does not define).
    pub fn value(&self, name: &str) -> i64 {
        self.files.get(name).map_or(0, |w| w.value)
    }

    /// After the fd polled ready: drains the events and rereads every file; whether any value
    /// changed.
    pub fn changed(&mut self) -> bool {
        if let Some(ino) = &self.inotify {
            while matches!(ino.read_events(), Ok(ev) if !ev.is_empty()) {}
        }
        let mut any = false;
        for w in self.files.values_mut() {
            if let Some(v) = read(&w.path) {
                if v != w.value {
                    info!(file = %w.path.display(), from = w.value, to = v, "tracked file changed");
                    w.value = v;
                    any = true;
                }
            }
        }
        any
    }
}

/// `None`: out of range, keep the last value.
fn read(path: &Path) -> Option<i64> {
    match std::fs::read(path) {
        Ok(b) => {
            let v = parse_value(&b);
            if v.is_none() {
                warn!(file = %path.display(), "number out of range, ignored");
            }
            v
        }
        Err(_) => Some(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_as_strtol_with_base_zero() {
        for (text, want) in [
            ("", Some(0)),
            ("\n", Some(0)),
            ("5", Some(5)),
            ("  42\n", Some(42)),
            ("-7", Some(-7)),
            ("+3", Some(3)),
            ("0x1f", Some(31)),
            ("0X10", Some(16)),
            ("010", Some(8)),
            ("09", Some(0)),
            ("0x", Some(0)),
            ("12abc", Some(12)),
            ("abc", Some(0)),
            ("2147483647", Some(2_147_483_647)),
            ("2147483648", Some(2_147_483_648)),
            ("2147483649", None),
            ("-2147483648", Some(-2_147_483_648)),
            ("-2147483649", None),
            ("99999999999999999999999", None),
        ] {
            assert_eq!(parse_value(text.as_bytes()), want, "{text:?}");
        }
        // Only the first 127 bytes count.
        let long = format!("{}7", " ".repeat(127));
        assert_eq!(parse_value(long.as_bytes()), Some(0));
    }

    #[test]
    fn init_file_and_changes_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prio");
        let def = |init: Option<i64>, overwrite: bool| TrackFile {
            name: "f".into(),
            file: path.display().to_string(),
            weight: -10,
            weight_reverse: false,
            init_value: init,
            init_overwrite: overwrite,
            origin: vigil_plan::Origin {
                file: "k.conf".into(),
                line: 1,
            },
        };
        let mut t = TrackedFiles::new(&[def(Some(3), false)]);
        assert_eq!(t.value("f"), 3, "init_file created it");
        std::fs::write(&path, "5\n").unwrap();
        assert!(t.changed());
        assert_eq!(t.value("f"), 5);
        assert!(!t.changed());
        // Without overwrite an existing file is kept; with it, rewritten.
        assert_eq!(TrackedFiles::new(&[def(Some(1), false)]).value("f"), 5);
        assert_eq!(TrackedFiles::new(&[def(Some(1), true)]).value("f"), 1);
        std::fs::remove_file(&path).unwrap();
        assert!(t.changed());
        assert_eq!(t.value("f"), 0, "a missing file reads 0");
        assert_eq!(t.value("nope"), 0);
    }
}
