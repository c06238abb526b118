//! Inline suppression: a comment `# keepalived-check: allow KA0106` (codes or names, several
//! separated by commas or spaces) silences those checks on its own line, or, standing alone
//! on a line, on the next line.

use crate::diagnostic::Diagnostic;
use vigil_grammar::{lexer, Parsed, SourceMap};

const MARK: &str = "keepalived-check: allow";

/// The codes or names a line's comment allows, if it has the mark.
fn allowed(line: &str) -> Option<(Vec<String>, bool)> {
    if !line.contains(MARK) {
        return None;
    }
    let toks = lexer::lex(line);
    let comment = toks.iter().find(|t| t.kind == lexer::LexKind::Comment)?;
    let text = &line[comment.range()];
    let at = text.find(MARK)?;
    let list = text[at + MARK.len()..]
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches(|c| c == '(' || c == ')').to_ascii_uppercase())
        .collect();
    let alone = !toks.iter().any(|t| t.is_significant());
    Some((list, alone))
}

fn matches(list: &[String], d: &Diagnostic) -> bool {
    list.iter()
        .any(|s| s == d.check.code || s.eq_ignore_ascii_case(d.check.name))
}

pub fn apply(parsed: &Parsed, diags: &mut Vec<Diagnostic>) {
    apply_sources(&parsed.sources, diags);
}

/// [`apply`] for diagnostics whose spans refer to `sources` (a cluster's combined map).
pub fn apply_sources(sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    // Each line is read once however many diagnostics it has (a long generated line can
    // carry thousands).
    type Allowed = Option<(Vec<String>, bool)>;
    let mut memo: std::collections::HashMap<(u32, usize), Allowed> = std::collections::HashMap::new();
    diags.retain(|d| {
        if (d.span.file.0 as usize) >= sources.len() {
            return true;
        }
        let f = sources.get(d.span.file);
        let (line, _) = f.line_col(d.span.start);
        let starts = f.line_starts();
        let line_text = |n: usize| -> &str {
            let s = starts[n - 1] as usize;
            let e = starts.get(n).map_or(f.text.len(), |&e| e as usize);
            f.text[s..e].trim_end_matches(['\n', '\r'])
        };
        let mut lookup = |n: usize| -> Allowed {
            memo.entry((d.span.file.0, n))
                .or_insert_with(|| allowed(line_text(n)))
                .clone()
        };
        if let Some((list, _)) = lookup(line) {
            if matches(&list, d) {
                return false;
            }
        }
        if line > 1 {
            if let Some((list, true)) = lookup(line - 1) {
                if matches(&list, d) {
                    return false;
                }
            }
        }
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_allow_comments() {
        assert_eq!(
            allowed("priority 1 # keepalived-check: allow KA0106, ka0107"),
            Some((vec!["KA0106".into(), "KA0107".into()], false))
        );
        assert_eq!(
            allowed("  ! keepalived-check: allow extra-words"),
            Some((vec!["EXTRA-WORDS".into()], true))
        );
        assert_eq!(allowed("priority 1 # nothing"), None);
    }

    #[test]
    fn silences_on_the_line_and_the_next() {
        let text = "vrrp_instance A {\n    virtual_router_id 5 x # keepalived-check: allow KA0106\n    # keepalived-check: allow extra-words\n    priority 5 y\n    advert_int 1 z\n}\n";
        let parsed = vigil_grammar::parse_text("/t.conf", text);
        let checked = crate::check_parsed(parsed, &crate::CheckOptions::default());
        let extra: Vec<_> = checked.diags.iter().filter(|d| d.code() == "KA0106").collect();
        assert_eq!(extra.len(), 1, "{:?}", checked.diags);
        assert!(extra[0].message.contains("`z`"));
    }
}
