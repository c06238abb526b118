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
pub fn suggest(word: &str, table: &'static [Keyword]) -> Option<&'static str> {
    let score =
        |cand: &str| strsim::normalized_damerau_levenshtein(&word.to_ascii_lowercase(), &cand.to_ascii_lowercase());
    let best = |cands: &mut dyn Iterator<Item = &'static str>| {
        cands
            .map(|c| (score(c), c))
            .filter(|(s, _)| *s >= 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c)
    };
    best(&mut table.iter().map(|k| k.name)).or_else(|| best(&mut schema::all().into_iter().map(|(_, k)| k.name)))
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
