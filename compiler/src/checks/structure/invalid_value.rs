//! KA0107 invalid-value: a value of the wrong type, out of range, or not one of the allowed
//! words.

use super::Ctx;
use super::Word;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use crate::schema::value::{usage, validate};
use crate::schema::{Keyword, Ty};
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0107",
    name: "invalid-value",
    severity: Severity::Error,
    finds: "A value that is not of the keyword's type, lies outside its range, or is not one of its allowed words.",
    why: "keepalived rejects the value and keeps the default (or drops the item), so the setting you wrote does not take effect.",
    example: "vrrp_instance VI_1 {\n    priority 300\n    state master\n}",
    fix: "Write a value of the kind the diagnostic names: `priority 150`, `state MASTER`.",
};

pub fn check(ctx: &mut Ctx<'_>, k: &'static Keyword, ty: &Ty, word: Word<'_>) {
    if let Err(why) = validate(ty, word.text()) {
        ctx.out.push(
            Diagnostic::new(&CHECK, word.span(), format!("invalid value for `{}`: {why}", k.name))
                .help(format!("write `{}`", usage(k))),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    #[test]
    fn reports_out_of_range_priority() {
        let d = lint("vrrp_instance VI_1 {\n    priority 300\n}\n", None);
        let d: Vec<_> = d.iter().filter(|d| d.code() == "KA0107").collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("300"));
    }
}
