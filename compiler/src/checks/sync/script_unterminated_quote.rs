//! KA0454 script-unterminated-quote: a script line that keepalived's own script splitting
//! leaves with a quote open.
//!
//! keepalived reads the raw line of a script keyword a second time, shell-like: `"` and `'`
//! both quote, pieces run together into one word, a backslash escapes the next character
//! (also inside quotes). It does this twice: once on the whole line (keyword, command, user,
//! group) and once more on the command word that gives. A quote still open with text after it
//! is an error in either pass (keepalived 2.2.7, `-t`: the command is dropped, exit 5, and
//! for an open quote in the line itself `vrrp_script` and `misc_path` crash). A quote that
//! opens at the very end of the text, with nothing after it, is accepted (`'a \'`, `a '`).
//!
//! The check works from the source line, as keepalived does, and stays silent whenever it
//! cannot be sure it sees the same line: an expansion or `$` in it, a continuation, `@`, an
//! escaped comment character, other statements on the line, or a line keepalived already
//! rejects for its double quotes (unmatched, or left open by a `\"`).

use super::Script;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{Parsed, Severity};

pub static CHECK: Check = Check {
    code: "KA0454",
    name: "script-unterminated-quote",
    severity: Severity::Error,
    finds: "A script line (vrrp_script, notify command, MISC_CHECK, start-up or FIFO script) where keepalived's shell-like splitting of the command leaves a quote open: a lone `'` or `\"` with text after it, inside the command or on the line.",
    why: "keepalived splits a script line again by itself: single and double quotes both quote there and a backslash escapes the next character, also inside quotes. A quote it cannot close makes it report an error and drop the command (`keepalived -t` fails; with the quote in the line itself it can even crash). An apostrophe inside a double-quoted command, harmless to the config file, is such an open quote.",
    example: "vrrp_script chk {\n    script \"/usr/bin/logger it's down\"\n}",
    fix: "Close the quote, or quote the argument inside the command (`\"/usr/bin/logger 'it is down'\"`). To pass a lone apostrophe inside a double-quoted command, write two backslashes before it (`it\\\\'s`): keepalived takes one away in each of its two readings.",
};

pub fn check(parsed: &Parsed, scripts: &[Script<'_>], out: &mut Vec<Diagnostic>) {
    for s in scripts {
        let Some(line) = raw_line(parsed, s) else {
            continue;
        };
        let (text, quote) = match split(line.as_bytes()) {
            Err(Split::Open(q)) => (line.clone(), q),
            Err(Split::Escape) => continue,
            Ok(words) => match words.get(1).map(|w| split(w)) {
                Some(Err(Split::Open(q))) => (String::from_utf8_lossy(&words[1]).into_owned(), q),
                _ => continue,
            },
        };
        let q = q_name(quote);
        out.push(
            Diagnostic::new(
                &CHECK,
                s.command.span(),
                format!("keepalived's script splitting leaves a {q} open in `{text}`"),
            )
            .help(format!(
                "keepalived splits a script line again, shell-like (both quote kinds, backslash escapes, also inside quotes); here a {q} is never closed, so it reports `missing terminating {}` and drops the command (`keepalived -t` fails)",
                quote as char
            )),
        );
    }
}

fn q_name(q: u8) -> &'static str {
    if q == b'"' {
        "double quote"
    } else {
        "single quote"
    }
}

/// The line as keepalived hands it to the script keyword: comments removed, blanks trimmed.
/// `None` when it may not be what keepalived sees or the line is rejected for another reason.
pub(super) fn raw_line(parsed: &Parsed, s: &Script<'_>) -> Option<String> {
    let words: Vec<_> = s.node.words().iter().collect();
    let first = words.first()?.span();
    let last = words.last()?.span();
    if words.iter().any(|w| w.exp().is_some() || w.span().file != first.file) || s.node.block().is_some() {
        return None;
    }
    let text: &str = &parsed.sources.get(first.file).text;
    let (start, end) = (first.range().start, last.range().end);
    if start > end || end > text.len() {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    if !text[line_start..start].bytes().all(|b| b == b' ' || b == b'\t') {
        return None;
    }
    let line = decomment(&text[line_start..line_end])?;
    let line = line.trim_matches([' ', '\t', '\r']);
    if line != &text[start..end] || line.contains('$') || line.starts_with('@') {
        return None;
    }
    // keepalived's own word splitting reports an unmatched `"` itself.
    if line.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
        return None;
    }
    Some(line.to_string())
}

/// keepalived's comment stripping: `"` toggles (a backslash skips the next character), `#`
/// and `!` outside it start a comment. `None` for a quote left open, a continuation or an
/// escaped comment character (the line is then not what we read).
fn decomment(line: &str) -> Option<String> {
    let b = line.as_bytes();
    let mut quote = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => quote = !quote,
            b'\\' => {
                let next = *b.get(i + 1)?;
                if !quote && (next == b'#' || next == b'!') {
                    return None;
                }
                i += 1;
            }
            b'#' | b'!' if !quote => return Some(line[..i].to_string()),
            _ => {}
        }
        i += 1;
    }
    if quote {
        return None;
    }
    Some(line.to_string())
}

#[derive(Debug, PartialEq)]
pub(super) enum Split {
    /// A quote still open with text after it.
    Open(u8),
    /// A backslash at the very end (keepalived drops the command without an error line).
    Escape,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// keepalived's (2.2.7) shell-like splitting of a script line into words.
pub(super) fn split(s: &[u8]) -> Result<Vec<Vec<u8>>, Split> {
    let mut words = Vec::new();
    let mut i = 0;
    loop {
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            return Ok(words);
        }
        let mut word = Vec::new();
        let mut quote: Option<u8> = None;
        while i < s.len() {
            let special = |b: u8| match quote {
                Some(q) => b == q || b == b'\\',
                None => is_space(b) || b == b'\'' || b == b'"' || b == b'\\',
            };
            let Some(j) = s[i..].iter().position(|&b| special(b)).map(|p| i + p) else {
                if let Some(q) = quote {
                    return Err(Split::Open(q));
                }
                word.extend_from_slice(&s[i..]);
                i = s.len();
                break;
            };
            word.extend_from_slice(&s[i..j]);
            i = j;
            if s[i] == b'\\' {
                i += 1;
                if i >= s.len() {
                    return Err(Split::Escape);
                }
                let c = s[i];
                let ch = if c == b'x' && s.get(i + 1).is_some_and(u8::is_ascii_hexdigit) {
                    i += 1;
                    let mut v: u8 = 0;
                    while i < s.len() && s[i].is_ascii_hexdigit() {
                        v = (v << 4) | (s[i] as char).to_digit(16).unwrap_or(0) as u8;
                        i += 1;
                    }
                    v
                } else if c == b'c' && i + 1 < s.len() {
                    i += 2;
                    s[i - 1] & 0x1f
                } else if (b'0'..=b'7').contains(&c) {
                    let mut v = c - b'0';
                    i += 1;
                    for _ in 0..2 {
                        if i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                            v = (v << 3).wrapping_add(s[i] - b'0');
                            i += 1;
                        }
                    }
                    v
                } else {
                    i += 1;
                    match c {
                        b'a' => 0x07,
                        b'b' => 0x08,
                        b'E' => 0x1b,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'v' => 0x0b,
                        other => other,
                    }
                };
                word.push(ch);
                continue;
            }
            if quote.is_some() {
                quote = None;
                i += 1;
                continue;
            }
            if s[i] == b'\'' || s[i] == b'"' {
                quote = Some(s[i]);
                i += 1;
                continue;
            }
            break;
        }
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::super::lint;
    use super::{split, Split};

    fn open(text: &str) -> Vec<String> {
        lint(text)
            .into_iter()
            .filter(|d| d.code() == "KA0454")
            .map(|d| d.message)
            .collect()
    }

    fn script(line: &str) -> String {
        format!("vrrp_script chk {{\n    {line}\n    user nobody\n}}\n")
    }

    #[test]
    fn quotes_keepalived_leaves_open() {
        // Each of these made keepalived 2.2.7 `-t` fail (exit 5 or a crash).
        for line in [
            r#"script "/bin/true 'a""#,
            r#"script "/bin/true a'b c""#,
            r#"script "/bin/true \'a""#,
            r#"script '/bin/true \' x'"#,
            r#"script "/bin/true \047a""#,
            r#"script '/bin/true"#,
            r#"script /bin/true a'b"#,
            r#"script "/bin/true" 'b"#,
            r#"script "/bin/true" 'nobody"#,
        ] {
            assert_eq!(open(&script(line)).len(), 1, "{line}");
        }
        assert_eq!(
            open(&script(r#"script "/bin/true 'a""#)),
            vec!["keepalived's script splitting leaves a single quote open in `/bin/true 'a`".to_string()]
        );
        let inst = super::super::inst("VI_1", 1, "    notify_master \"/bin/logger it's up\"\n");
        assert_eq!(open(&inst).len(), 1);
        let misc = "virtual_server 192.0.2.10 80 {\n    real_server 192.0.2.20 80 {\n        MISC_CHECK {\n            misc_path /bin/true a'b # note\n        }\n    }\n}\n";
        assert_eq!(open(misc).len(), 1);
        // A `#` inside single quotes starts a comment for keepalived: the quote stays open.
        assert_eq!(open(&script("script '/bin/echo #x'")).len(), 1);
    }

    #[test]
    fn lines_keepalived_accepts_or_rejects_for_another_reason() {
        for line in [
            r#"script "/bin/true""#,
            r#"script "/bin/true 'x'""#,
            r#"script "/bin/true '\''""#,
            r#"script "/bin/true \\'a""#,
            r#"script '/bin/true \'"#,
            r#"script '/bin/true a\'"#,
            r#"script /bin/true '"#,
            r#"script /bin/true \'"#,
            r#"script /bin/true \'a"#,
            r#"script /bin/true \\"#,
            r#"script /bin/true a\b"#,
            r#"script "/bin/true \x41""#,
            // `\x` takes every hex digit: `\x27a` is one byte, `z`.
            r#"script "/bin/true \x27a""#,
            r#"script "/usr/bin/logger it\\'s down""#,
            r#"script "/bin/true" nobody"#,
            // Rejected, but for the backslash at the end, not for a quote.
            r#"script "/bin/true a\\""#,
            // Rejected for the double quotes by keepalived's reading of every line.
            r#"script "/bin/true \"""#,
            r#"script "/bin/true"#,
            r#"script /bin/true a"b"#,
            // Not sure to be the line keepalived reads.
            r#"script "/bin/sh -c 'echo $HOME""#,
            r#"script "/bin/true 'a" \"#,
        ] {
            assert!(open(&script(line)).is_empty(), "{line}");
        }
        assert!(open("$CMD=\"/bin/true 'a\"\nvrrp_script chk {\n    script $CMD\n}\n").is_empty());
        assert!(open("vrrp_script chk { script \"/bin/true 'a\" }\n").is_empty());
    }

    #[test]
    fn splitting() {
        let w = |s: &str| {
            split(s.as_bytes()).map(|v| v.into_iter().map(|w| String::from_utf8(w).unwrap()).collect::<Vec<_>>())
        };
        assert_eq!(
            w(r#"a "b c"'d' e\ f"#),
            Ok(vec!["a".into(), "b cd".into(), "e f".into()])
        );
        assert_eq!(w(r#"x "it\x27s""#), Ok(vec!["x".into(), "it's".into()]));
        assert_eq!(w("a 'b"), Err(Split::Open(b'\'')));
        assert_eq!(w("a '"), Ok(vec!["a".into(), "".into()]));
        assert_eq!(w("a\\"), Err(Split::Escape));
    }
}
