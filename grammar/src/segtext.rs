//! Text with origins: a string built by the preprocessor (decommented, substituted,
//! generated) together with a map from each byte back to the source it came from.

use crate::span::{ExpId, Expansion, Span};
use std::ops::Range;

/// A run of bytes in a [`SegText`] that came from one place.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seg {
    /// Where the run starts in the text.
    pub at: u32,
    /// Where it came from. For a verbatim run, byte `at + k` came from `span.start + k`;
    /// otherwise (a predefined value, a generator's number) the whole run stands for `span`.
    pub span: Span,
    pub exp: Option<ExpId>,
    pub verbatim: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct SegText {
    pub text: String,
    pub segs: Vec<Seg>,
}

impl SegText {
    /// Text taken verbatim from a file at `span.start`.
    pub fn verbatim(text: &str, span: Span, exp: Option<ExpId>) -> SegText {
        SegText {
            text: text.to_string(),
            segs: vec![Seg {
                at: 0,
                span,
                exp,
                verbatim: true,
            }],
        }
    }

    /// Text that stands for `span` as a whole (it is not written there).
    pub fn synthetic(text: &str, span: Span, exp: Option<ExpId>) -> SegText {
        SegText {
            text: text.to_string(),
            segs: vec![Seg {
                at: 0,
                span,
                exp,
                verbatim: false,
            }],
        }
    }

    fn seg_index(&self, p: usize) -> usize {
        self.segs.partition_point(|s| s.at as usize <= p).saturating_sub(1)
    }

    /// The expansion the byte at `p` came through.
    pub fn exp_at(&self, p: usize) -> Option<ExpId> {
        self.segs.get(self.seg_index(p)).and_then(|s| s.exp)
    }

    /// Appends `src[range]`, keeping its origins.
    pub fn push_from(&mut self, src: &SegText, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let base = self.text.len();
        let first = src.seg_index(range.start);
        for seg in &src.segs[first..] {
            let seg_start = seg.at as usize;
            if seg_start >= range.end {
                break;
            }
            let from = seg_start.max(range.start);
            let mut span = seg.span;
            if seg.verbatim {
                span.start += (from - seg_start) as u32;
            }
            self.segs.push(Seg {
                at: (base + from - range.start) as u32,
                span,
                exp: seg.exp,
                verbatim: seg.verbatim,
            });
        }
        self.text.push_str(&src.text[range]);
    }

    pub fn push_all(&mut self, src: &SegText) {
        self.push_from(src, 0..src.text.len());
    }

    pub fn slice(&self, range: Range<usize>) -> SegText {
        let mut out = SegText::default();
        out.push_from(self, range);
        out
    }

    /// The same text with leading and trailing white space removed.
    pub fn trimmed(&self) -> SegText {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len().max(start);
        self.slice(start..end)
    }

    /// Every run that came through `from` now comes through `to`.
    pub fn retag(&mut self, from: Option<ExpId>, to: Option<ExpId>) {
        for s in &mut self.segs {
            if s.exp == from {
                s.exp = to;
            }
        }
    }

    pub fn retag_all(&mut self, to: Option<ExpId>) {
        for s in &mut self.segs {
            s.exp = to;
        }
    }

    fn point(&self, p: usize, end: bool) -> (Seg, u32) {
        let seg = self.segs[self.seg_index(p)];
        let off = if seg.verbatim {
            seg.span.start + (p - seg.at as usize) as u32 + end as u32
        } else if end {
            seg.span.end
        } else {
            seg.span.start
        };
        (seg, off)
    }

    /// Where `range` of the text came from, and the expansion it came through. A range made
    /// of pieces from different places is lifted to the sites that produced them, in the text
    /// of the nearest expansion both ends came through (at worst the line being processed,
    /// whose expansion is `base`).
    pub fn span_of(&self, range: Range<usize>, base: Option<ExpId>, exps: &[Expansion]) -> (Span, Option<ExpId>) {
        if self.segs.is_empty() {
            return (Span::new(crate::span::FileId(0), 0, 0), base);
        }
        if range.is_empty() {
            let (seg, off) = self.point(range.start.min(self.text.len().saturating_sub(1)), false);
            return (
                Span {
                    file: seg.span.file,
                    start: off,
                    end: off,
                },
                seg.exp,
            );
        }
        let (sa, start) = self.point(range.start, false);
        let (sb, end) = self.point(range.end - 1, true);
        if sa.exp == sb.exp && sa.span.file == sb.span.file && start <= end {
            return (
                Span {
                    file: sa.span.file,
                    start,
                    end,
                },
                sa.exp,
            );
        }
        // The nearest expansion both ends came through (at worst the line's own, `base`):
        // the pieces are lifted to their sites in its text.
        let ancestors = |mut exp: Option<ExpId>| {
            let mut out = vec![exp];
            while exp != base && out.len() < 1000 {
                let Some(id) = exp else { break };
                exp = exps[id.0 as usize].parent;
                out.push(exp);
            }
            out
        };
        let from_a = ancestors(sa.exp);
        let common = ancestors(sb.exp)
            .into_iter()
            .find(|e| from_a.contains(e))
            .unwrap_or(base);
        let lift = |mut span: Span, mut exp: Option<ExpId>| {
            let mut guard = 0;
            while exp != common && guard < 1000 {
                match exp {
                    Some(id) => {
                        let e = &exps[id.0 as usize];
                        span = e.site;
                        exp = e.parent;
                    }
                    None => break,
                }
                guard += 1;
            }
            span
        };
        let a = lift(
            Span {
                file: sa.span.file,
                start,
                end: start.max(sa.span.start),
            },
            sa.exp,
        );
        let b = lift(
            Span {
                file: sb.span.file,
                start: end.min(sb.span.end),
                end,
            },
            sb.exp,
        );
        (a.to(b), common)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    #[test]
    fn slices_keep_their_origins() {
        let f = FileId(0);
        let mut t = SegText::verbatim("abc", Span::new(f, 10, 13), None);
        t.push_all(&SegText::verbatim("xyz", Span::new(f, 50, 53), None));
        let s = t.slice(2..5);
        assert_eq!(s.text, "cxy");
        assert_eq!(s.span_of(0..1, None, &[]).0, Span::new(f, 12, 13));
        assert_eq!(s.span_of(1..3, None, &[]).0, Span::new(f, 50, 52));
        // Spanning both pieces: one covering span.
        assert_eq!(s.span_of(0..3, None, &[]).0, Span::new(f, 12, 52));
    }
}
