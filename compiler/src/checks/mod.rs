//! Every check: its stable code, its name (after the mistake), its severity and its
//! explanation (what it finds, why it matters, an example, the fix), printed by
//! `keepalived-check --explain CODE`. Each compiler check lives in its own file with its
//! logic and tests; the front end's checks (KA00xx) are explained in `frontend.rs`.

pub mod cluster;
pub mod frontend;
pub mod global;
pub mod host;
pub mod lvs;
pub mod names;
pub mod resolved;
pub mod structure;
pub mod sync;
pub mod values;
pub mod vrrp;

use vigil_grammar::Severity;

/// A check's identity and documentation.
#[derive(Debug, PartialEq, Eq)]
pub struct Check {
    /// Stable code, `KA` and four digits. Never renumbered.
    pub code: &'static str,
    /// Kebab-case name after the mistake it finds.
    pub name: &'static str,
    pub severity: Severity,
    /// What it finds, in one sentence.
    pub finds: &'static str,
    /// Why that matters.
    pub why: &'static str,
    /// A config snippet that triggers it.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

pub use resolved::Resolved;

/// Runs one check module's `run` on a text (for the modules' unit tests).
#[cfg(test)]
pub(crate) fn lint_with(
    text: &str,
    run: fn(&vigil_grammar::Parsed, &Resolved, &mut Vec<crate::Diagnostic>),
) -> Vec<crate::Diagnostic> {
    let parsed = vigil_grammar::parse_text("/test/keepalived.conf", text);
    let mut out = Vec::new();
    run(&parsed, &Resolved::new(&parsed), &mut out);
    out
}

/// The lines of a view whose keyword (read once into `kws`, parallel to `lines`) is `kw`.
pub(crate) fn lines_of<'a, 't>(
    lines: &'a [vigil_grammar::NodeRef<'t>],
    kws: &'a [&'a str],
    kw: &'a str,
) -> impl DoubleEndedIterator<Item = vigil_grammar::NodeRef<'t>> + 'a {
    lines.iter().zip(kws).filter(move |(_, k)| **k == kw).map(|(n, _)| *n)
}

/// Every check, in code order.
pub fn all() -> Vec<&'static Check> {
    let mut v: Vec<&'static Check> = frontend::ALL
        .iter()
        .copied()
        .chain(structure::ALL.iter().copied())
        .chain(values::ALL.iter().copied())
        .chain(names::ALL.iter().copied())
        .chain(vrrp::ALL.iter().copied())
        .chain(sync::ALL.iter().copied())
        .chain(lvs::ALL.iter().copied())
        .chain(global::ALL.iter().copied())
        .chain(host::ALL.iter().copied())
        .chain(cluster::ALL.iter().copied())
        .chain(crate::failover::ALL.iter().copied())
        .collect();
    v.sort_by_key(|c| c.code);
    v
}

/// Looks a check up by code (`KA0101`) or name (`unknown-keyword`), case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static Check> {
    all()
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(code_or_name) || c.name.eq_ignore_ascii_case(code_or_name))
}

/// The `--explain` text.
pub fn explain(c: &Check) -> String {
    let sev = match c.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    format!(
        "{} {} ({sev})\n\n{}\n\nWhy it matters\n  {}\n\nExample\n{}\n\nFix\n  {}\n",
        c.code,
        c.name,
        c.finds,
        c.why,
        c.example
            .lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
        c.fix
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let all = all();
        for w in all.windows(2) {
            assert_ne!(w[0].code, w[1].code, "duplicate code");
        }
        let mut names: Vec<_> = all.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), all.len(), "duplicate name");
        for c in &all {
            assert!(c.code.len() == 6 && c.code.starts_with("KA") && c.code[2..].bytes().all(|b| b.is_ascii_digit()));
            assert!(
                c.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
                "{}",
                c.name
            );
            for (what, text) in [
                ("finds", c.finds),
                ("why", c.why),
                ("example", c.example),
                ("fix", c.fix),
            ] {
                assert!(text.len() > 10, "{}: `{what}` is empty", c.code);
            }
        }
    }

    #[test]
    fn every_frontend_kind_is_registered() {
        for k in vigil_grammar::DiagKind::ALL {
            let c = frontend::check_for(*k);
            assert_eq!(c.code, k.code());
            assert_eq!(c.name, k.name());
        }
    }

    #[test]
    fn explain_finds_by_code_and_name() {
        assert_eq!(find("ka0004").unwrap().name, "unclosed-brace");
        assert_eq!(find("unclosed-brace").unwrap().code, "KA0004");
        assert!(explain(find("KA0004").unwrap()).contains("Fix"));
        assert!(find("KA9999").is_none());
    }
}
