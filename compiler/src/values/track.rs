//! Tracking lines (`track_script`, `track_interface`, `track_file`, `track_process`,
//! `track_bfd`): `NAME [weight W [reverse|noreverse]]`, read as keepalived reads them.

use super::{read_int, Problem, ProblemKind};
use crate::schema::{NameKind, ValueKind};
use vigil_grammar::Words;

/// The weight range of a kind of tracking line, and whether ±(max + 1) is clamped with a
/// warning instead of rejected.
fn range(kind: ValueKind) -> Option<(i64, bool)> {
    match kind {
        ValueKind::TrackInterface | ValueKind::TrackRef(NameKind::VrrpScript) => Some((253, true)),
        ValueKind::TrackRef(NameKind::TrackFile | NameKind::TrackProcess) => Some((254, false)),
        ValueKind::TrackRef(NameKind::BfdInstance) => Some((253, false)),
        _ => None,
    }
}

/// A tracking line: the name, and the weight and `reverse` written on it (keepalived clamps a
/// weight one past the range of scripts and interfaces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Track {
    pub name: String,
    pub weight: Option<i32>,
    /// `reverse` (true) or `noreverse` (false) after the weight.
    pub reverse: Option<bool>,
}

/// The problems of one tracking line; `None` when `kind` is not a tracking block.
pub fn problems(words: Words<'_>, kind: ValueKind) -> Option<Vec<Problem>> {
    read(words, kind).map(|(p, _)| p)
}

/// The tracker a line stands for, when keepalived takes it without an error (`None` also when
/// `kind` is not a tracking block).
pub fn track(words: Words<'_>, kind: ValueKind) -> Option<Track> {
    let (problems, track) = read(words, kind)?;
    track.filter(|_| problems.iter().all(|p| p.severity != vigil_grammar::Severity::Error))
}

fn read(words: Words<'_>, kind: ValueKind) -> Option<(Vec<Problem>, Option<Track>)> {
    let (max, clamped) = range(kind)?;
    let mut out = Vec::new();
    let name = words.first()?.text().to_string();
    let mut track = Track {
        name,
        weight: None,
        reverse: None,
    };
    let Some(opt) = words.get(1) else {
        return Some((out, Some(track)));
    };
    if opt.text() != "weight" {
        out.push(
            Problem::invalid(
                opt.span(),
                format!("`{}` is not an option of a tracking line", opt.text()),
            )
            .help("write `NAME weight W [reverse]`"),
        );
        return Some((out, None));
    }
    let Some(w) = words.get(2) else {
        out.push(Problem::invalid(opt.span(), "`weight` without a value"));
        return Some((out, None));
    };
    let limit = if clamped { max + 1 } else { max };
    match read_int(w.text(), -limit, limit) {
        Err(_) => {
            out.push(Problem::invalid(
                w.span(),
                format!("weight `{}` is not a whole number from -{max} to {max}", w.text()),
            ));
            return Some((out, None));
        }
        Ok(v) if v.abs() > max => {
            out.push(
                Problem::warning(ProblemKind::Invalid, w.span(), format!("weight {v} is out of range"))
                    .help(format!("keepalived uses {}{max} instead", if v < 0 { "-" } else { "" })),
            );
            track.weight = Some(v.clamp(-max, max) as i32);
        }
        Ok(v) => track.weight = Some(v as i32),
    }
    if let Some(r) = words.get(3) {
        // track_interface takes no `noreverse`.
        let noreverse = kind != ValueKind::TrackInterface && r.text() == "noreverse";
        if r.text() != "reverse" && !noreverse {
            out.push(Problem::invalid(
                r.span(),
                format!("`{}` is not an option after the weight (`reverse`)", r.text()),
            ));
        } else {
            track.reverse = Some(r.text() == "reverse");
        }
    }
    Some((out, Some(track)))
}
