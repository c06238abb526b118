//! KA0104 keyword-too-new: a keyword newer than the keepalived named by `--target-version`.

use super::Ctx;
use super::Word;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::Keyword;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0104",
    name: "keyword-too-new",
    severity: Severity::Warning,
    finds: "With `--target-version X.Y`, a keyword that keepalived X.Y does not know yet.",
    why: "The keepalived you deploy to rejects it as an unknown keyword, so the setting is lost there even though the config checks clean against the current release.",
    example: "# keepalived-check --target-version 2.2\nglobal_defs {\n    json_version 2\n}",
    fix: "Upgrade keepalived on the nodes, or do without the keyword for this target.",
};

pub fn check(ctx: &mut Ctx<'_>, k: &'static Keyword, word: Word<'_>) {
    if let (Some(target), Some(since)) = (ctx.target, k.since) {
        if since > target {
            ctx.out.push(
                Diagnostic::new(
                    &CHECK,
                    word.span(),
                    format!("`{}` needs keepalived {since} or later", k.name),
                )
                .help(format!(
                    "the targeted keepalived {target} reads it as an unknown keyword"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;
    use crate::schema::Version;

    #[test]
    fn only_with_an_older_target() {
        let text = "global_defs {\n    json_version 2\n}\n";
        let old = lint(text, Some(Version(2, 2, 7)));
        assert_eq!(old.iter().filter(|d| d.code() == "KA0104").count(), 1, "{old:?}");
        assert!(lint(text, None).iter().all(|d| d.code() != "KA0104"));
        assert!(lint(text, Some(Version(2, 4, 0))).iter().all(|d| d.code() != "KA0104"));
    }
}
