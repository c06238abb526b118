//! KA0212 invalid-status-code: an HTTP status code or range of `status_code` that keepalived
//! rejects.

use crate::checks::Check;
use crate::values::{read_int, Problem};
use vigil_grammar::{Severity, Words};

pub static CHECK: Check = Check {
    code: "KA0212",
    name: "invalid-status-code",
    severity: Severity::Error,
    finds: "A status_code of an HTTP_GET or SSL_GET url that is not a code from 100 to 599 or a range LOW-HIGH of them with LOW no greater than HIGH.",
    why: "keepalived rejects the value, so the url may count the wrong responses as healthy.",
    example: "url {\n    path /health\n    status_code 2xx 300-200 600\n}",
    fix: "List codes and ranges such as `200 204 300-399`, each from 100 to 599.",
};

/// The problems of `status_code CODE|LOW-HIGH...`.
pub fn problems(args: Words<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    for w in args.iter() {
        let text = w.text();
        let ok = match text.split_once('-') {
            Some((lo, hi)) => match (read_int(lo, 100, 599), read_int(hi, 100, 599)) {
                (Ok(lo), Ok(hi)) => lo <= hi,
                _ => false,
            },
            None => read_int(text, 100, 599).is_ok(),
        };
        if !ok {
            out.push(Problem::invalid(
                w.span(),
                format!("`{text}` is not a status code from 100 to 599 or a range of them"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;

    fn count(codes: &str) -> usize {
        let text = format!(
            "virtual_server 10.1.1.1 80 {{\n    real_server 10.1.1.2 80 {{\n        HTTP_GET {{\n            url {{\n                path /\n                status_code {codes}\n            }}\n        }}\n    }}\n}}\n"
        );
        lint(&text, None).iter().filter(|d| d.code() == "KA0212").count()
    }

    #[test]
    fn reports_bad_codes() {
        assert_eq!(count("99 600 300-200 200- 200-abc 2xx 200-600 abc -200 -"), 10);
    }

    #[test]
    fn accepts_what_keepalived_accepts() {
        assert_eq!(
            count("200 100 599 100-599 200-200 0200 200 204 300-399 +200 +200-+300"),
            0
        );
    }
}
