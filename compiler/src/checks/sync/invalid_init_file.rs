//! KA0416 invalid-init-file: an `init_file` option of a track_file that keepalived rejects.

use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body, NameKind, Ty};
use vigil_grammar::{Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0416",
    name: "invalid-init-file",
    severity: Severity::Error,
    finds: "A word after `init_file` in a track_file that is neither a number from -254 to 254 nor `overwrite`.",
    why: "keepalived reports each such word as a configuration error (`keepalived -t` fails): an unknown word is skipped, so a misspelt `overwrite` leaves an existing file untouched; a value that is not a number becomes 0; one beyond ±254 is written but makes no sense as a weight factor.",
    example: "track_file tf {\n    file /run/keepalived/prio\n    init_file 10 overwite\n}",
    fix: "Write `init_file [VALUE] [overwrite]` with VALUE from -254 to 254.",
};

pub fn check(parsed: &Parsed, out: &mut Vec<Diagnostic>) {
    for node in parsed.tree.nodes() {
        let Some(k) = node.keyword().and_then(|w| schema::find(schema::ROOT, w)) else {
            continue;
        };
        if k.args.first() != Some(&Ty::Defines(NameKind::TrackFile)) || !matches!(k.body, Body::Keywords(_)) {
            continue;
        }
        let lines = node.block().into_iter().flat_map(|b| b.nodes());
        for line in lines.filter(|n| n.keyword() == Some("init_file")) {
            for w in line.args().iter() {
                let t = w.text();
                let problem = if t.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
                    match t.parse::<i32>() {
                        Err(_) => format!("init_file value `{t}` is not a number: keepalived writes 0"),
                        Ok(v) if !(-254..=254).contains(&v) => {
                            format!("init_file value {v} is outside -254 to 254")
                        }
                        Ok(_) => continue,
                    }
                } else if t == "overwrite" {
                    continue;
                } else {
                    format!("unknown init_file option `{t}`: keepalived skips it")
                };
                out.push(
                    Diagnostic::new(&CHECK, w.span(), problem)
                        .help("init_file takes an optional value from -254 to 254 and an optional `overwrite`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;

    fn bad(opts: &str) -> usize {
        let text = format!("track_file tf {{\n    file /tmp/x\n    init_file {opts}\n}}\n");
        lint(&text).iter().filter(|d| d.code() == "KA0416").count()
    }

    #[test]
    fn options() {
        assert_eq!(bad("5 overwrite"), 0);
        assert_eq!(bad("overwrite -7"), 0);
        assert_eq!(bad("abc"), 1);
        assert_eq!(bad("300 overwite"), 2);
        assert_eq!(bad("5x"), 1);
    }
}
