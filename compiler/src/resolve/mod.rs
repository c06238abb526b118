//! The one resolver of keepalived's effective settings.
//!
//! keepalived does not run what is written: it fills in defaults that depend on other
//! settings (priority 255 for `state MASTER`, accept mode unless strict, the global
//! `vrrp_version`), and adjusts settings at load time (VRRPv2 intervals rounded to seconds,
//! nopreempt cleared for the owner, authentication dropped in strict mode...). This module is
//! the only place that works those values out. Each comes as a [`Decided`] value with the line
//! that decided it, so that:
//!
//! - the checks compare it with what was written and point at both lines;
//! - the lowering ([`crate::lower`]) copies it into the plan;
//! - the language server shows it on hover.
//!
//! It reads the parse (the flat tree), typing each value with the keyword table
//! ([`crate::schema::value`]); it never reads the IR, so the checks can use it without building
//! one. Rules are keepalived 2.2.7's (`vrrp_complete_instance` and the keyword handlers), each
//! pinned against `keepalived -d` by `compiler/tests/plan_oracle.rs`.

pub mod global;
pub mod lvs;
pub mod script;
pub mod sync;
pub mod track;
pub mod vrrp;

use vigil_grammar::Span;

/// A value keepalived ends up with, and the line that decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decided<T> {
    pub value: T,
    /// The statement that decided the value (the written setting, or the one whose adjustment
    /// produced it); `None` when it is keepalived's own default.
    pub by: Option<Span>,
}

impl<T> Decided<T> {
    /// keepalived's default: no line decided it.
    pub fn default(value: T) -> Decided<T> {
        Decided { value, by: None }
    }

    /// Decided by the statement at `span`.
    pub fn at(value: T, span: Span) -> Decided<T> {
        Decided { value, by: Some(span) }
    }

    /// Decided by the statement at `span`, if any.
    pub fn by(value: T, span: Option<Span>) -> Decided<T> {
        Decided { value, by: span }
    }

    /// The same decision with the value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Decided<U> {
        Decided {
            value: f(self.value),
            by: self.by,
        }
    }
}
