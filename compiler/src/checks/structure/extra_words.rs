//! KA0106 extra-words: words after a keyword's last value, which keepalived silently ignores.

use super::{words_span, Ctx};
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Keyword};
use vigil_grammar::{Severity, Words};

pub static CHECK: Check = Check {
    code: "KA0106",
    name: "extra-words",
    severity: Severity::Warning,
    finds: "Words after the values a keyword takes.",
    why: "keepalived ignores them without a word. The usual cause is two statements on one line (`virtual_router_id 51 priority 100`): only the first takes effect.",
    example: "vrrp_instance VI_1 {\n    virtual_router_id 51 priority 100\n}",
    fix: "Put each statement on a line of its own, or remove the extra words.",
};

pub fn report(ctx: &mut Ctx<'_>, k: &'static Keyword, extra: Words<'_>) {
    let text = extra.joined();
    let mut d = Diagnostic::new(
        &CHECK,
        words_span(extra),
        format!("keepalived ignores `{text}` after `{}`", k.name),
    );
    d = if !schema::paths_of(extra.first().map_or("", |w| w.text())).is_empty() {
        d.help(format!("one statement a line: put `{text}` on a line of its own"))
    } else {
        d.help(format!("`{}` takes {}", k.name, crate::schema::value::usage(k)))
    };
    ctx.out.push(d);
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn two_statements_on_a_line() {
        let d = lint("vrrp_instance VI_1 {\n    virtual_router_id 51 priority 100\n}\n", None);
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0106").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "keepalived ignores `priority 100` after `virtual_router_id`"
        );
        assert!(d[0].help.as_deref().unwrap().contains("line of its own"));
    }

    #[test]
    fn exact_arity_passes() {
        let d = lint(
            "vrrp_instance VI_1 {\n    virtual_router_id 51\n    priority 100\n}\n",
            None,
        );
        assert!(d.iter().all(|d| d.code() != "KA0106"), "{d:?}");
    }
}
