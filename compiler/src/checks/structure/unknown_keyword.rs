//! KA0101 unknown-keyword: a word in keyword position that is no keyword of keepalived.

use super::Ctx;
use super::Word;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Keyword};
use vigil_grammar::{Severity, Span};

pub static CHECK: Check = Check {
    code: "KA0101",
    name: "unknown-keyword",
    severity: Severity::Error,
    finds: "A statement whose first word is not a keyword of keepalived in any block.",
    why: "keepalived reports the line and otherwise ignores it, so the setting you meant does not exist; an unknown keyword followed by a block is worse: its lines are read as part of the enclosing block and its `}` closes that block.",
    example: "vrrp_instance VI_1 {\n    priorty 100\n}",
    fix: "Correct the spelling (the diagnostic suggests the closest keyword of the block), or remove the line.",
};

/// The keyword of `table` (else of any block) closest to `word`, if one is close enough.
/// Memoised per thread: a config that repeats one unknown word thousands of times (a
/// generator, a fuzzer) must not pay for the comparison each time.
pub fn suggest(word: &str, table: &'static [Keyword]) -> Option<&'static str> {
    thread_local! {
        static MEMO: std::cell::RefCell<std::collections::HashMap<(String, usize), Option<&'static str>>> =
            Default::default();
    }
    let key = (word.to_string(), table.as_ptr() as usize);
    if let Some(hit) = MEMO.with(|m| m.borrow().get(&key).copied()) {
        return hit;
    }
    let found = closest(word, table);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() > 10_000 {
            m.clear();
        }
        m.insert(key, found);
    });
    found
}

fn closest(word: &str, table: &'static [Keyword]) -> Option<&'static str> {
    const MIN_SCORE: f64 = 0.7;
    let lower = word.to_ascii_lowercase();
    let len = lower.chars().count();
    let best = |cands: &mut dyn Iterator<Item = &'static str>| {
        cands
            // A normalised distance of at least MIN_SCORE needs lengths within 30% of the
            // longer one: skip the others without computing anything.
            .filter(|c| {
                let (a, b) = (len.max(c.len()) as f64, len.min(c.len()) as f64);
                a == 0.0 || b / a >= MIN_SCORE
            })
            .map(|c| {
                (
                    strsim::normalized_damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                    c,
                )
            })
            .filter(|(s, _)| *s >= MIN_SCORE)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c)
    };
    best(&mut table.iter().map(|k| k.name)).or_else(|| best(&mut schema::names().iter().copied()))
}

pub fn report(ctx: &mut Ctx<'_>, word: Word<'_>, table: &'static [Keyword], block: &str, opens: Option<Span>) {
    let mut d = Diagnostic::new(
        &CHECK,
        word.span(),
        format!("`{}` is not a keyword of keepalived", word.text()),
    );
    d = match suggest(word.text(), table) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help(format!(
            "no keyword of keepalived is spelt like this; check it against the keywords of {block}"
        )),
    };
    if let Some(open) = opens {
        d = d.label(
            open,
            format!(
                "keepalived does not skip this block: its lines count as part of {block}, and its `}}` ends {block}"
            ),
        );
    }
    ctx.out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn flags_typos_with_a_suggestion() {
        let d = lint("vrrp_instance VI_1 {\n    priorty 100\n}\n", None);
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0101").collect();
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("priorty"));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `priority`?"));
    }

    #[test]
    fn says_what_keepalived_does_with_its_block() {
        let d = lint(
            "vrrp_instance VI_1 {\n    bogus_block {\n        priority 200\n    }\n}\n",
            None,
        );
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0101").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].labels[0].message.contains("does not skip this block"), "{d:?}");
    }

    #[test]
    fn known_keywords_pass() {
        let d = lint("global_defs {\n    router_id lb1\n}\n", None);
        assert!(d.iter().all(|d| d.code() != "KA0101"), "{d:?}");
    }
}
