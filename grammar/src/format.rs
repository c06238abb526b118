//! The formatter: prints a file from its lossless view. It changes only layout: indentation
//! (four spaces a block level), runs of white space between tokens (one space), the space
//! before a trailing comment, trailing white space, runs of blank lines (at most one) and the
//! line ending (`\n`, one at the end of the file). Every token and comment is kept, line
//! breaks are kept, and lines whose spacing can carry meaning are only re-indented:
//! definitions and their continuations, includes, and lines with a `'` (the script tokeniser
//! reads single quotes).

use crate::diag::Diag;
use crate::lexer::LexKind;
use crate::lossless::{parse_lossless, Line, LineKind};
use crate::span::FileId;

pub const INDENT: &str = "    ";

/// Formats `text`. A file with syntax errors is refused: the errors come back instead.
pub fn format(text: &str) -> Result<String, Vec<Diag>> {
    let lf = parse_lossless(FileId(0), text);
    if !lf.diags.is_empty() {
        return Err(lf.diags);
    }
    let mut out = String::with_capacity(text.len());
    let mut depth: usize = 0;
    let mut blank = false;
    let mut started = false;
    for line in &lf.lines {
        if line.kind == LineKind::Blank {
            blank = started;
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        started = true;
        let raw = line.text(text);
        if line.kind == LineKind::Continuation {
            // Only the lexer's white space: a trailing U+00A0 is part of the value.
            out.push_str(raw.trim_end_matches(|c: char| c.is_ascii() && crate::lexer::is_ws(c as u8)));
            out.push('\n');
            continue;
        }
        let closes = if line.kind.counts_braces() {
            line.significant().take_while(|t| t.kind == LexKind::RBrace).count()
        } else {
            0
        };
        for _ in 0..depth.saturating_sub(closes) {
            out.push_str(INDENT);
        }
        write_line(&mut out, raw, line);
        out.push('\n');
        if line.kind.counts_braces() {
            for t in line.significant() {
                match t.kind {
                    LexKind::LBrace => depth += 1,
                    LexKind::RBrace => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
        }
    }
    Ok(out)
}

fn write_line(out: &mut String, raw: &str, line: &Line) {
    let verbatim = matches!(line.kind, LineKind::Definition | LineKind::Include) || raw.contains('\'');
    if verbatim {
        out.push_str(raw.trim_matches(|c: char| c.is_ascii() && crate::lexer::is_ws(c as u8)));
        return;
    }
    let start = out.len();
    let n = line.tokens.len();
    for (i, t) in line.tokens.iter().enumerate() {
        let s = &raw[t.range()];
        match t.kind {
            LexKind::Ws => {
                if i > 0 && i + 1 < n && line.tokens[i + 1].kind != LexKind::Comment {
                    out.push(' ');
                }
            }
            LexKind::Comment => {
                if out.len() > start {
                    out.push(' ');
                }
                out.push_str(s.trim_end());
            }
            _ => out.push_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reindents_and_keeps_comments() {
        let src = "global_defs {\n\trouter_id   x # me\n}\n\n\n\nvrrp_instance A {\n  state MASTER\n      virtual_ipaddress {\n 10.0.0.1/24\n}\n}";
        let want = "global_defs {\n    router_id x # me\n}\n\nvrrp_instance A {\n    state MASTER\n    virtual_ipaddress {\n        10.0.0.1/24\n    }\n}\n";
        assert_eq!(format(src).unwrap(), want);
        assert_eq!(format(want).unwrap(), want);
    }

    #[test]
    fn leaves_definitions_and_quotes_alone() {
        let src = "$X=a   b \\\n   c   d\n vrrp_script s {\n script \"/bin/x  'y'\"\n }\n";
        let want = "$X=a   b \\\n   c   d\nvrrp_script s {\n    script \"/bin/x  'y'\"\n}\n";
        assert_eq!(format(src).unwrap(), want);
    }

    #[test]
    fn refuses_broken_files() {
        assert!(format("a {\n").is_err());
        assert!(format("}\n").is_err());
        assert!(format("a \"b\n").is_err());
    }
}
