//! KA0103 deprecated-keyword: an old spelling that keepalived still accepts.

use super::Ctx;
use super::Word;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::Keyword;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0103",
    name: "deprecated-keyword",
    severity: Severity::Warning,
    finds: "A deprecated spelling of a keyword, or a keyword that keepalived still reads but no longer acts on.",
    why: "keepalived may drop the old spelling in a later release, and some of these already do nothing or do something other than their name suggests.",
    example: "virtual_server 192.0.2.1 80 {\n    real_server 192.0.2.2 80 {\n        TCP_CHECK {\n            nb_get_retry 3\n        }\n    }\n}",
    fix: "Write the replacement the diagnostic names.",
};

pub fn check(ctx: &mut Ctx<'_>, k: &'static Keyword, word: Word<'_>) {
    if let Some(r) = k.replaced_by {
        ctx.out.push(
            Diagnostic::new(&CHECK, word.span(), format!("`{}` is deprecated", k.name))
                .help(format!("write `{r}` instead")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn names_the_replacement() {
        let d = lint("vrrp_track_file f {\n    file /tmp/x\n}\n", None);
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0103").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].help.as_deref(), Some("write `track_file` instead"));
    }
}
