//! KA0210 invalid-track-line: a tracking line (track_script, track_interface, track_file,
//! track_process, track_bfd) whose options keepalived rejects.

use crate::checks::Check;
use vigil_grammar::Severity;

pub static CHECK: Check = Check {
    code: "KA0210",
    name: "invalid-track-line",
    severity: Severity::Error,
    finds: "A track_script, track_interface, track_file, track_process or track_bfd line that is not `NAME [weight W [reverse|noreverse]]` with W in keepalived's range.",
    why: "keepalived ignores the tracker or its weight, so a failure you meant to lower the priority by W either takes the instance to FAULT or changes nothing.",
    example: "track_script {\n    chk_web weight 300\n    chk_db reverse\n}\ntrack_bfd {\n    bfd_1 weight 254\n}",
    fix: "Write `weight W` right after the name, with W from -253 to 253 for scripts, interfaces and BFD (-254 to 254 for track_file and track_process), optionally followed by `reverse`.",
};

pub use crate::values::track::problems;

#[cfg(test)]
mod tests {
    use crate::checks::structure::test_util::lint;
    use vigil_grammar::Severity;

    fn found(block: &str, lines: &str) -> Vec<(Severity, String)> {
        let text = format!("vrrp_instance VI {{\n    {block} {{\n{lines}    }}\n}}\n");
        lint(&text, None)
            .iter()
            .filter(|d| d.code() == "KA0210")
            .map(|d| (d.severity, d.message.clone()))
            .collect()
    }

    #[test]
    fn reports_bad_weights_and_options() {
        let d = found(
            "track_script",
            "S weight 255\nS weight abc\nS weight\nS foo\nS reverse\nS weight 5 foo\n",
        );
        assert_eq!(d.len(), 6, "{d:#?}");
        assert!(d.iter().all(|(s, _)| *s == Severity::Error));
        assert_eq!(
            found("track_file", "F weight 255\nF weight -255\nF weight 2 foo\n").len(),
            3
        );
        assert_eq!(found("track_process", "P weight 255\nP weight 1 foo\n").len(), 2);
        assert_eq!(
            found("track_bfd", "B weight 254\nB weight 255\nB foo\nB weight\n").len(),
            4
        );
        assert_eq!(
            found("track_interface", "eth0 weight 255\neth0 weight x\neth0 foo\n").len(),
            3
        );
    }

    #[test]
    fn clamped_weights_are_warnings() {
        let d = found("track_script", "S weight 254\nS weight -254\n");
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|(s, _)| *s == Severity::Warning));
        assert_eq!(found("track_interface", "eth0 weight 254\n")[0].0, Severity::Warning);
    }

    #[test]
    fn accepts_what_keepalived_accepts() {
        assert!(found(
            "track_script",
            "S\nS weight 253\nS weight -253 reverse\nS weight 5 noreverse\nS weight +5\nS weight 05\n"
        )
        .is_empty());
        assert!(found("track_file", "F weight 254\nF weight 2 reverse\n").is_empty());
        assert!(found("track_process", "P weight 254\nP weight 1 reverse\n").is_empty());
        assert!(found("track_bfd", "B weight 253\nB weight 5 reverse\n").is_empty());
        assert!(found("track_interface", "eth0 weight 5 reverse\n").is_empty());
    }
}
