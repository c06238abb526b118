//! What the fuzz targets share: how an input becomes up to four files, and the limits the
//! front end runs with.

use vigil_grammar::{Limits, Options};

const SEP: &[u8] = b"\n%%%%\n";
const MAX_FILES: usize = 4;

/// Tight but realistic (keepalived itself reads lines of at most 1023 bytes), so that an input
/// that reaches a limit is still quick to run.
pub fn options() -> Options {
    Options {
        config_id: Some("node1".into()),
        limits: Limits {
            include_depth: 8,
            files: 16,
            total_bytes: 256 << 10,
            expansion_depth: 32,
            line_bytes: 4 << 10,
            generated_lines: 1000,
            tokens: 20_000,
        },
        parallel_min_bytes: usize::MAX,
    }
}

/// The input split at `\n%%%%\n` into at most four parts (`/f/0.conf` to `/f/3.conf`).
pub fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() + 1 < MAX_FILES {
        match rest.windows(SEP.len()).position(|w| w == SEP) {
            Some(p) => {
                parts.push(&rest[..p]);
                rest = &rest[p + SEP.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}
