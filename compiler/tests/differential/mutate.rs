//! Deterministic mutations of a configuration's text: a small xorshift generator with a fixed
//! seed picks a line and changes it in one of the ways users get configurations wrong.

use std::collections::BTreeSet;

/// xorshift64*: small, fast and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> Option<&'a T> {
        if v.is_empty() {
            None
        } else {
            Some(&v[self.below(v.len())])
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    WrongNumber,
    OutOfRange,
    UnknownKeyword,
    MisplacedKeyword,
    RemovedBrace,
    DoubledBrace,
    BadAddress,
    MissingReference,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::WrongNumber,
        Kind::OutOfRange,
        Kind::UnknownKeyword,
        Kind::MisplacedKeyword,
        Kind::RemovedBrace,
        Kind::DoubledBrace,
        Kind::BadAddress,
        Kind::MissingReference,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::WrongNumber => "wrong-number",
            Kind::OutOfRange => "out-of-range",
            Kind::UnknownKeyword => "unknown-keyword",
            Kind::MisplacedKeyword => "misplaced-keyword",
            Kind::RemovedBrace => "removed-brace",
            Kind::DoubledBrace => "doubled-brace",
            Kind::BadAddress => "bad-address",
            Kind::MissingReference => "missing-reference",
        }
    }
}

/// One line of the file, read as keepalived reads it (comments cut at `#` or `!`).
struct Line {
    /// The words before any comment.
    words: Vec<String>,
    /// The keyword of the innermost block the line is in (`""` at the top level).
    parent: String,
}

fn analyse(lines: &[&str]) -> Vec<Line> {
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let code = l.split(['#', '!']).next().unwrap_or("");
        let mut words: Vec<String> = code.split_whitespace().map(str::to_string).collect();
        // `@ID` lines are dropped by both tools (no id matches): nothing there to mutate.
        if words
            .first()
            .is_some_and(|w| w.starts_with('@') && !w.starts_with("@^"))
        {
            words.clear();
        }
        let parent = stack.last().cloned().unwrap_or_default();
        let mut head = words.first().cloned().unwrap_or_default();
        for w in &words {
            if w == "{" {
                stack.push(std::mem::take(&mut head));
            } else if w == "}" {
                stack.pop();
            }
        }
        out.push(Line { words, parent });
    }
    out
}

/// Keywords whose out-of-range values keepalived reports, with such values.
const OUT_OF_RANGE: &[(&str, &[&str])] = &[
    ("priority", &["0", "256", "300"]),
    ("virtual_router_id", &["0", "256"]),
    ("advert_int", &["0", "500"]),
    ("weight", &["300", "-300"]),
    ("garp_master_delay", &["-1", "99999999999"]),
    ("delay_loop", &["0", "99999999999"]),
    ("connect_timeout", &["0", "99999999999"]),
    ("connect_port", &["0", "70000"]),
    ("port", &["70000"]),
    ("interval", &["0", "99999999999"]),
    ("timeout", &["99999999999"]),
    ("fall", &["0", "99999999999"]),
    ("rise", &["0", "99999999999"]),
    ("lvs_sync_daemon_id", &["300"]),
    ("smtp_connect_timeout", &["0", "99999999999"]),
    ("vrrp_garp_master_repeat", &["-1"]),
];

/// One mutant: the new text and what was done.
pub struct Mutant {
    pub kind: Kind,
    pub what: String,
    pub text: String,
}

fn is_number(w: &str) -> bool {
    !w.is_empty() && w.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) && w != "-"
}

fn replace_word(line: &str, old: &str, new: &str, nth: usize) -> String {
    // Replaces the `nth` whitespace-separated occurrence of `old` on the line.
    let mut count = 0;
    let mut out = String::new();
    let mut rest = line;
    while let Some(pos) = rest.find(old) {
        let before_ok = pos == 0 || rest.as_bytes()[pos - 1].is_ascii_whitespace();
        let after = pos + old.len();
        let after_ok = after == rest.len() || rest.as_bytes()[after].is_ascii_whitespace();
        out.push_str(&rest[..pos]);
        if before_ok && after_ok {
            if count == nth {
                out.push_str(new);
                out.push_str(&rest[after..]);
                return out;
            }
            count += 1;
        }
        out.push_str(old);
        rest = &rest[after..];
    }
    out.push_str(rest);
    out
}

fn join(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// Makes one mutant of `kind`, or `None` when the file offers nothing to mutate that way.
pub fn mutate(text: &str, kind: Kind, rng: &mut Rng, keywords: &BTreeSet<&str>) -> Option<Mutant> {
    let raw: Vec<&str> = text.lines().collect();
    let info = analyse(&raw);
    let mut lines: Vec<String> = raw.iter().map(|s| s.to_string()).collect();
    let candidates = |f: &dyn Fn(&Line) -> bool| -> Vec<usize> { (0..info.len()).filter(|&i| f(&info[i])).collect() };
    let what;
    match kind {
        Kind::WrongNumber => {
            let c = candidates(&|l| l.words.iter().skip(1).any(|w| is_number(w)));
            let i = *rng.pick(&c)?;
            let nums: Vec<&String> = info[i].words.iter().skip(1).filter(|w| is_number(w)).collect();
            let w = nums[rng.below(nums.len())].clone();
            lines[i] = replace_word(&lines[i], &w, "abc", 0);
            what = format!("line {}: `{w}` -> `abc`", i + 1);
        }
        Kind::OutOfRange => {
            let c = candidates(&|l| {
                l.words.len() >= 2 && OUT_OF_RANGE.iter().any(|(k, _)| *k == l.words[0]) && is_number(&l.words[1])
            });
            let i = *rng.pick(&c)?;
            let kw = info[i].words[0].clone();
            let vals = OUT_OF_RANGE.iter().find(|(k, _)| *k == kw).map(|(_, v)| *v)?;
            let new = *rng.pick(vals)?;
            let old = info[i].words[1].clone();
            let mut ws = info[i].words.clone();
            ws[1] = new.to_string();
            let indent: String = lines[i].chars().take_while(|c| c.is_whitespace()).collect();
            lines[i] = format!("{indent}{}", ws.join(" "));
            what = format!("line {}: `{kw} {old}` -> `{kw} {new}`", i + 1);
        }
        Kind::UnknownKeyword => {
            let c = candidates(&|l| {
                l.words
                    .first()
                    .is_some_and(|w| w.len() >= 4 && keywords.contains(w.as_str()))
            });
            let i = *rng.pick(&c)?;
            let kw = info[i].words[0].clone();
            let mut typo = kw.clone().into_bytes();
            for _ in 0..4 {
                let mut t = kw.clone().into_bytes();
                match rng.below(3) {
                    0 => {
                        let p = rng.below(t.len() - 1);
                        t.swap(p, p + 1);
                    }
                    1 => {
                        t.remove(rng.below(t.len()));
                    }
                    _ => {
                        let p = rng.below(t.len());
                        t.insert(p, t[p]);
                    }
                }
                typo = t;
                let s = String::from_utf8_lossy(&typo).into_owned();
                if s != kw && !keywords.contains(s.as_str()) {
                    break;
                }
            }
            let typo = String::from_utf8_lossy(&typo).into_owned();
            if typo == kw || keywords.contains(typo.as_str()) {
                return None;
            }
            lines[i] = replace_word(&lines[i], &kw, &typo, 0);
            what = format!("line {}: `{kw}` -> `{typo}`", i + 1);
        }
        Kind::MisplacedKeyword => {
            // A plain statement (no brace) moved just inside a block of another keyword.
            let c = candidates(&|l| {
                !l.words.is_empty()
                    && !l.parent.is_empty()
                    && !l.words.iter().any(|w| w.contains('{') || w.contains('}'))
                    && keywords.contains(l.words[0].as_str())
            });
            let i = *rng.pick(&c)?;
            let parent = info[i].parent.clone();
            let targets: Vec<usize> = (0..info.len())
                .filter(|&j| {
                    let w = &info[j].words;
                    w.last().is_some_and(|x| x == "{")
                        && w.first().is_some_and(|k| *k != parent && keywords.contains(k.as_str()))
                })
                .collect();
            let j = *rng.pick(&targets)?;
            let moved = lines[i].clone();
            let dest = info[j].words[0].clone();
            lines.insert(j + 1, moved.clone());
            let from = if j < i { i + 1 } else { i };
            lines.remove(from);
            what = format!(
                "line {}: `{}` moved from `{parent}` into `{dest}` (line {})",
                i + 1,
                moved.trim(),
                j + 1
            );
        }
        Kind::RemovedBrace | Kind::DoubledBrace => {
            let c = candidates(&|l| l.words.iter().any(|w| w == "{" || w == "}"));
            let i = *rng.pick(&c)?;
            let braces: Vec<&String> = info[i].words.iter().filter(|w| *w == "{" || *w == "}").collect();
            let b = braces[rng.below(braces.len())].clone();
            if kind == Kind::RemovedBrace {
                lines[i] = replace_word(&lines[i], &b, "", 0);
                what = format!("line {}: `{b}` removed", i + 1);
            } else {
                lines[i] = replace_word(&lines[i], &b, &format!("{b} {b}"), 0);
                what = format!("line {}: `{b}` doubled", i + 1);
            }
        }
        Kind::BadAddress => {
            let is_v4 = |w: &str| {
                let a = w.split('/').next().unwrap_or("");
                a.split('.').count() == 4
                    && a.split('.')
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            };
            let c = candidates(&|l| l.words.iter().any(|w| is_v4(w)));
            let i = *rng.pick(&c)?;
            let addrs: Vec<&String> = info[i].words.iter().filter(|w| is_v4(w)).collect();
            let a = addrs[rng.below(addrs.len())].clone();
            let (ip, suffix) = match a.split_once('/') {
                Some((ip, p)) => (ip.to_string(), format!("/{p}")),
                None => (a.clone(), String::new()),
            };
            let mut parts: Vec<&str> = ip.split('.').collect();
            let p = rng.below(4);
            parts[p] = "300";
            let bad = format!("{}{suffix}", parts.join("."));
            lines[i] = replace_word(&lines[i], &a, &bad, 0);
            what = format!("line {}: `{a}` -> `{bad}`", i + 1);
        }
        Kind::MissingReference => {
            // Renames the definition of a referenced object, so the reference names nothing.
            const DEFINERS: &[&str] = &["vrrp_script", "track_file", "track_process", "vrrp_instance"];
            let defs: Vec<usize> = (0..info.len())
                .filter(|&i| {
                    let w = &info[i].words;
                    w.len() >= 2 && w[1] != "{" && DEFINERS.contains(&w[0].as_str()) && {
                        let name = &w[1];
                        info.iter().enumerate().any(|(j, l)| {
                            j != i && l.words.iter().any(|x| x == name) && !DEFINERS.contains(&l.words[0].as_str())
                        })
                    }
                })
                .collect();
            let i = *rng.pick(&defs)?;
            let name = info[i].words[1].clone();
            let new = format!("{name}_renamed");
            lines[i] = replace_word(&lines[i], &name, &new, 0);
            what = format!("line {}: `{} {name}` renamed to `{new}`", i + 1, info[i].words[0]);
        }
    }
    Some(Mutant {
        kind,
        what,
        text: join(&lines),
    })
}
