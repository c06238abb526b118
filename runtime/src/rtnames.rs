//! The names a plan's routes and rules may use for numbers (`table mine`, `protocol bird`,
//! `tos lowdelay`, `ipproto tcp`), looked up as keepalived 2.2.7 looks them up: the iproute2
//! files in `/etc/iproute2/` (`rt_tables`, `rt_protos`, `rt_dsfield`) first, then its own
//! built-in names; IP protocols in `/etc/protocols`.
//!
//! Parsing is pure ([`parse`]); [`Names::read`] is the thin file-reading shell.

use vigil_plan::NameOrNumber;

/// keepalived's built-in table names (after the file's).
const TABLES: &[(&str, u32)] = &[("default", 253), ("main", 254), ("local", 255)];
/// keepalived's built-in protocol names (after the file's).
const PROTOS: &[(&str, u32)] = &[
    ("none", 0),
    ("redirect", 1),
    ("kernel", 2),
    ("boot", 3),
    ("static", 4),
    ("gated", 8),
    ("ra", 9),
    ("mrt", 10),
    ("zebra", 11),
    ("bird", 12),
    ("babel", 42),
    ("dnrouted", 13),
    ("xorp", 14),
    ("ntk", 15),
    ("dhcp", 16),
];

/// The number-name pairs of an iproute2 file (`NUMBER NAME` a line, `#` comments, numbers in
/// decimal or `0x` hex); lines that do not read so are skipped, as keepalived skips them.
pub fn parse(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        let (Some(num), Some(name)) = (w.next(), w.next()) else {
            continue;
        };
        let n = match num.strip_prefix("0x").or_else(|| num.strip_prefix("0X")) {
            Some(h) => u32::from_str_radix(h, 16),
            None => num.parse(),
        };
        if let Ok(n) = n {
            out.push((name.to_string(), n));
        }
    }
    out
}

/// The protocols of `/etc/protocols` (`NAME NUMBER ALIASES...`), names and aliases.
pub fn parse_protocols(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let w: Vec<&str> = line.split_whitespace().collect();
        let [name, num, aliases @ ..] = w.as_slice() else {
            continue;
        };
        let Ok(n) = num.parse::<u32>() else { continue };
        for a in std::iter::once(name).chain(aliases) {
            out.push((a.to_string(), n));
        }
    }
    out
}

/// The name tables the runtime resolves plan names with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub tables: Vec<(String, u32)>,
    pub protos: Vec<(String, u32)>,
    pub dsfield: Vec<(String, u32)>,
    pub ipprotos: Vec<(String, u32)>,
}

fn with_defaults(mut file: Vec<(String, u32)>, defaults: &[(&str, u32)]) -> Vec<(String, u32)> {
    file.extend(defaults.iter().map(|(n, v)| (n.to_string(), *v)));
    file
}

impl Names {
    /// The names from the files' texts (`None`: no such file) and keepalived's built-ins.
    pub fn from_texts(
        tables: Option<&str>,
        protos: Option<&str>,
        dsfield: Option<&str>,
        protocols: Option<&str>,
    ) -> Names {
        Names {
            tables: with_defaults(tables.map(parse).unwrap_or_default(), TABLES),
            protos: with_defaults(protos.map(parse).unwrap_or_default(), PROTOS),
            dsfield: dsfield.map(parse).unwrap_or_default(),
            ipprotos: protocols.map(parse_protocols).unwrap_or_default(),
        }
    }

    /// The host's names now.
    pub fn read() -> Names {
        let read = |p: &str| std::fs::read_to_string(p).ok();
        Names::from_texts(
            read("/etc/iproute2/rt_tables").as_deref(),
            read("/etc/iproute2/rt_protos").as_deref(),
            read("/etc/iproute2/rt_dsfield").as_deref(),
            read("/etc/protocols").as_deref(),
        )
    }

    fn find(list: &[(String, u32)], v: &NameOrNumber, what: &str, max: u32) -> Result<u32, String> {
        let n = match v {
            NameOrNumber::Number(n) => u32::try_from(*n).map_err(|_| format!("{what} {n} is out of range"))?,
            NameOrNumber::Name(s) => list
                .iter()
                .find(|(name, _)| name == s)
                .map(|(_, n)| *n)
                .ok_or_else(|| format!("unknown {what} name `{s}`"))?,
        };
        if n > max {
            return Err(format!("{what} {n} is out of range (at most {max})"));
        }
        Ok(n)
    }

    pub fn table(&self, v: &NameOrNumber) -> Result<u32, String> {
        Names::find(&self.tables, v, "table", u32::MAX)
    }
    pub fn proto(&self, v: &NameOrNumber) -> Result<u8, String> {
        Names::find(&self.protos, v, "protocol", 255).map(|n| n as u8)
    }
    pub fn dsfield(&self, v: &NameOrNumber) -> Result<u8, String> {
        Names::find(&self.dsfield, v, "tos", 255).map(|n| n as u8)
    }
    pub fn ipproto(&self, v: &NameOrNumber) -> Result<u8, String> {
        Names::find(&self.ipprotos, v, "ipproto", 255).map(|n| n as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iproute2_files_file_first() {
        let n = Names::from_texts(
            Some("# reserved\n255\tlocal\n254 main\n100 mine # ours\n0x10 hexed\nbad line\n"),
            Some("18 keepalived\n4 static\n"),
            Some("0x10\tlowdelay\n"),
            Some("tcp\t6\tTCP\t\t# transmission control protocol\nudp 17 UDP\n"),
        );
        let name = |s: &str| NameOrNumber::Name(s.into());
        assert_eq!(n.table(&name("mine")), Ok(100));
        assert_eq!(n.table(&name("hexed")), Ok(16));
        assert_eq!(n.table(&name("default")), Ok(253));
        assert_eq!(n.table(&NameOrNumber::Number(1000)), Ok(1000));
        assert_eq!(n.proto(&name("keepalived")), Ok(18));
        assert_eq!(n.proto(&name("bird")), Ok(12));
        assert_eq!(n.dsfield(&name("lowdelay")), Ok(0x10));
        assert_eq!(n.ipproto(&name("TCP")), Ok(6));
        assert_eq!(n.ipproto(&name("udp")), Ok(17));
        assert!(n
            .table(&name("nope"))
            .unwrap_err()
            .contains("unknown table name `nope`"));
        assert!(n.proto(&NameOrNumber::Number(300)).is_err());
    }
}
