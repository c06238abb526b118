//! KA0514 dynamic-misc-check-conflict: a dynamic MISC_CHECK sharing its real server with
//! another checker that moves the weight (a second dynamic MISC_CHECK, or a FILE_CHECK).

use super::VirtualServer;
use crate::checks::Check;
use crate::diagnostic::Diagnostic;
use vigil_grammar::{NodeRef, Severity};

pub static CHECK: Check = Check {
    code: "KA0514",
    name: "dynamic-misc-check-conflict",
    severity: Severity::Warning,
    finds: "A real_server with a MISC_CHECK using misc_dynamic and, besides it, another MISC_CHECK with misc_dynamic or a FILE_CHECK.",
    why: "With misc_dynamic an exit status of 2 to 255 is meant to set the server's weight to status minus 2. keepalived applies it as an offset from the configured weight, and offsets of several weight-moving checkers add up: two scripts that both exit 12 give a server of weight 1 a weight of 21, not 10. The scripts no longer decide the weight they seem to.",
    example: "real_server 192.0.2.10 80 {\n    MISC_CHECK {\n        misc_path /usr/local/bin/load1\n        misc_dynamic\n    }\n    MISC_CHECK {\n        misc_path /usr/local/bin/load2\n        misc_dynamic\n    }\n}",
    fix: "Keep one weight-moving checker per real server: combine the scripts into one, or drop misc_dynamic from the others (they still mark the server up or down).",
};

fn dynamic(c: NodeRef<'_>) -> Option<NodeRef<'_>> {
    if c.keyword() != Some("MISC_CHECK") {
        return None;
    }
    c.block()?.nodes().find(|n| n.keyword() == Some("misc_dynamic"))
}

pub fn check(vs: &VirtualServer<'_>, out: &mut Vec<Diagnostic>) {
    for rs in &vs.reals {
        let list = &rs.checkers;
        let Some((first, first_flag)) = list.iter().find_map(|c| Some((*c, dynamic(*c)?))) else {
            continue;
        };
        for other in list.iter().filter(|c| c.id() != first.id()) {
            let what = match (other.keyword(), dynamic(*other)) {
                (_, Some(_)) => "a second dynamic MISC_CHECK",
                (Some("FILE_CHECK"), _) => "a FILE_CHECK",
                _ => continue,
            };
            let at = other.words().first().map_or(other.span(), |w| w.span());
            out.push(
                Diagnostic::new(
                    &CHECK,
                    at,
                    format!(
                        "real server {} has {what} besides a dynamic MISC_CHECK: their weight changes add up",
                        rs.at.label()
                    ),
                )
                .label(first_flag.span(), "this script's exit status is meant to set the weight")
                .help("keepalived adds each checker's offset to the configured weight; keep one weight-moving checker per real server"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{lint, vs};

    fn rs(body: &str) -> String {
        vs(
            "192.0.2.1 80",
            &format!("    real_server 192.0.2.10 80 {{\n{body}    }}\n"),
        )
    }
    const DYN: &str = "        MISC_CHECK {\n            misc_path /bin/true\n            misc_dynamic\n        }\n";
    const PLAIN: &str = "        MISC_CHECK {\n            misc_path /bin/true\n        }\n";

    #[test]
    fn two_dynamic_scripts() {
        let d = lint(&rs(&format!("{DYN}{DYN}")));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code(), "KA0514");
    }

    #[test]
    fn with_file_check_or_alone() {
        let d = lint(
            &(String::from("track_file f {\n    file /run/f\n}\n")
                + &rs(&format!(
                    "{DYN}        FILE_CHECK {{\n            track_file f\n        }}\n"
                ))),
        );
        assert_eq!(d.iter().filter(|d| d.code() == "KA0514").count(), 1, "{d:?}");
        assert!(lint(&rs(&format!("{DYN}{PLAIN}"))).is_empty());
    }
}
