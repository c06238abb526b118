//! KA0102 misplaced-keyword: a keyword of keepalived written in a block it does not belong to.

use super::Ctx;
use super::Word;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0102",
    name: "misplaced-keyword",
    severity: Severity::Error,
    finds: "A keyword written in a block where keepalived does not accept it, though it is valid elsewhere.",
    why: "keepalived rejects it there as an unknown keyword, so the setting is lost; usually a `}` closed the intended block too early, or the setting belongs in global_defs or an instance.",
    example: "global_defs {\n    priority 100\n}",
    fix: "Move the line into the block the diagnostic names.",
};

fn block_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((parent, _)) => format!("`{}`", parent.replace('/', " › ")),
        None => "the top level".into(),
    }
}

pub fn report(ctx: &mut Ctx<'_>, word: Word<'_>, block: &str, elsewhere: &[String]) {
    let mut places: Vec<String> = elsewhere.iter().map(|p| block_of(p)).collect();
    places.dedup();
    let shown = places.iter().take(4).cloned().collect::<Vec<_>>().join(", ");
    let here = if block == "top level" {
        "the top level".to_string()
    } else {
        format!("`{block}`")
    };
    ctx.out.push(
        Diagnostic::new(
            &CHECK,
            word.span(),
            format!("`{}` does not belong in {here}", word.text()),
        )
        .help(format!("`{}` belongs in {shown}", word.text())),
    );
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn names_the_block_where_it_belongs() {
        let d = lint("global_defs {\n    virtual_router_id 5\n}\n", None);
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0102").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("`global_defs`"));
        assert!(d[0].help.as_deref().unwrap().contains("`vrrp_instance`"));
    }

    #[test]
    fn checks_inside_a_misplaced_block() {
        // A vrrp_instance inside global_defs is misplaced; its contents are still read.
        let d = lint(
            "global_defs {\n    vrrp_instance X {\n        priorty 5\n    }\n}\n",
            None,
        );
        let codes: Vec<_> = d.iter().map(|d| d.code()).collect();
        assert!(codes.contains(&"KA0102") && codes.contains(&"KA0101"), "{codes:?}");
    }
}
