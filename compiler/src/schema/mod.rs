//! The keyword table: the one place that knows every keyword of keepalived.conf. Parsing into
//! the IR, validation, completion, hover and `--explain` all read it; no other file lists
//! keywords.
//!
//! A block's table is a `&'static [Keyword]`; a keyword that opens a block of keywords points
//! at that block's table, so the whole language is one tree rooted at [`ROOT`].

mod global;
mod lvs;
mod root;
pub mod value;
mod vrrp;

pub use root::ROOT;

/// A keepalived version, `major.minor.patch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u8, pub u8, pub u8);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The kinds of named objects a config defines and refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameKind {
    VrrpInstance,
    VrrpScript,
    TrackFile,
    TrackProcess,
    BfdInstance,
    TrackGroup,
    SyncGroup,
    VirtualServerGroup,
}

/// The type of one argument word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `true`/`on`/`yes` or `false`/`off`/`no`, case-sensitive.
    Bool,
    /// An unsigned decimal integer within bounds.
    Uint {
        min: u64,
        max: u64,
    },
    /// A signed decimal integer within bounds.
    Int {
        min: i64,
        max: i64,
    },
    /// Decimal seconds with up to six decimal places; bounds in microseconds.
    Secs {
        min_us: u64,
        max_us: u64,
    },
    /// One word of a fixed set, case-sensitive.
    Enum(&'static [&'static str]),
    /// One word of a fixed set, case-insensitive.
    EnumNoCase(&'static [&'static str]),
    /// Any word.
    Word,
    /// The name of an object this keyword defines (`vrrp_instance NAME`).
    Defines(NameKind),
    /// The name of an object defined elsewhere.
    Ref(NameKind),
    /// An IPv4 or IPv6 address.
    Ip,
    Ip4,
    Ip6,
    /// An address with an optional `/prefix`.
    IpPrefix,
    /// An IPv4 multicast address.
    Mcast4,
    /// An IPv6 multicast address.
    Mcast6,
    /// A TCP/UDP port, 0 to 65535.
    Port,
    /// A network interface name (at most 15 bytes).
    Iface,
    /// A file-system path.
    Path,
    /// A command line, read by keepalived's script tokeniser (quotes, escapes).
    Script,
    /// A user name, optionally followed by a group.
    User,
    /// An e-mail address.
    Email,
    /// Hexadecimal bytes.
    Hex,
    /// Checked by code written for this keyword alone (key/value options and the like).
    Custom,
}

/// What a value block's lines hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `ADDR[/PREFIX] [dev IF] [scope S] [label L] [brd B] ...` (virtual_ipaddress, ...).
    Address,
    /// `ip route` style lines (virtual_routes, static_routes).
    Route,
    /// `ip rule` style lines (virtual_rules, static_rules).
    Rule,
    /// `IFNAME [weight W]`.
    TrackInterface,
    /// `NAME [weight W]` referring to objects of a kind.
    TrackRef(NameKind),
    /// Plain names of objects of a kind (sync-group and track-group members).
    Names(NameKind),
    /// Addresses of unicast peers: `ADDR [min_ttl N] [max_ttl N]`.
    UnicastPeer,
    /// E-mail addresses.
    Email,
    /// virtual_server_group entries: `ADDR[-END] PORT`, `fwmark N`.
    VsgEntry,
    /// `IFNAME [MII|ETHTOOL|IOCTL]`.
    Linkbeat,
    /// `IFNAME DOWN_DELAY [UP_DELAY]`.
    UpDownDelay,
    /// Interface names.
    Ifaces,
}

/// What keepalived does with a second line of a keyword it takes only once per block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Once {
    /// It keeps the first line and reports the second (`keepalived -t` fails).
    KeepsFirst,
    /// It replaces the first value with the second and reports it (`keepalived -t` fails).
    KeepsLast,
    /// It replaces the first value with the second; 2.2.7 says nothing (`keepalived -t`
    /// passes), later releases log it.
    KeepsLastSilently,
}

/// What follows a keyword's arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Nothing: a plain statement.
    None,
    /// A block of keywords, described by the table.
    Keywords(&'static [Keyword]),
    /// A block of free-form value lines.
    Values(ValueKind),
}

/// One keyword in one block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keyword {
    pub name: &'static str,
    /// Argument types, in order.
    pub args: &'static [Ty],
    /// How many of `args` are required.
    pub required: u8,
    /// The last of `args` may repeat any number of times.
    pub variadic: bool,
    pub body: Body,
    /// The value keepalived uses when the keyword is absent (as the user would write it).
    pub default: Option<&'static str>,
    /// The keepalived version that introduced the keyword; `None` means 2.2.7 or earlier.
    pub since: Option<Version>,
    /// For a deprecated spelling, the keyword to write instead.
    pub replaced_by: Option<&'static str>,
    /// What the keyword does, in our own words: one paragraph.
    pub doc: &'static str,
    /// keepalived drops (or rejects) the enclosing block when this keyword is missing.
    pub mandatory: bool,
    /// keepalived takes the keyword once per block (`global_defs` blocks count as one).
    pub once: Option<Once>,
}

/// Starts a keyword with no arguments and no block.
pub const fn kw(name: &'static str) -> Keyword {
    Keyword {
        name,
        args: &[],
        required: 0,
        variadic: false,
        body: Body::None,
        default: None,
        since: None,
        replaced_by: None,
        doc: "",
        mandatory: false,
        once: None,
    }
}

impl Keyword {
    /// Required arguments.
    pub const fn args(mut self, args: &'static [Ty]) -> Keyword {
        self.args = args;
        self.required = args.len() as u8;
        self
    }

    /// Arguments of which only the first `required` must be given.
    pub const fn opt_args(mut self, required: u8, args: &'static [Ty]) -> Keyword {
        self.args = args;
        self.required = required;
        self
    }

    /// The last argument may repeat.
    pub const fn variadic(mut self) -> Keyword {
        self.variadic = true;
        self
    }

    /// A block of keywords.
    pub const fn block(mut self, table: &'static [Keyword]) -> Keyword {
        self.body = Body::Keywords(table);
        self
    }

    /// A block of value lines.
    pub const fn values(mut self, kind: ValueKind) -> Keyword {
        self.body = Body::Values(kind);
        self
    }

    pub const fn default(mut self, value: &'static str) -> Keyword {
        self.default = Some(value);
        self
    }

    /// Introduced in `major.minor.0`.
    pub const fn since(mut self, major: u8, minor: u8) -> Keyword {
        self.since = Some(Version(major, minor, 0));
        self
    }

    /// Introduced in `major.minor.patch`.
    pub const fn since_patch(mut self, major: u8, minor: u8, patch: u8) -> Keyword {
        self.since = Some(Version(major, minor, patch));
        self
    }

    /// A deprecated spelling of `replacement`.
    pub const fn deprecated(mut self, replacement: &'static str) -> Keyword {
        self.replaced_by = Some(replacement);
        self
    }

    /// The enclosing block is dropped or rejected without this keyword.
    pub const fn mandatory(mut self) -> Keyword {
        self.mandatory = true;
        self
    }

    /// keepalived takes the keyword once per block; `what` it does with a second line.
    pub const fn once(mut self, what: Once) -> Keyword {
        self.once = Some(what);
        self
    }

    pub const fn doc(mut self, doc: &'static str) -> Keyword {
        self.doc = doc;
        self
    }
}

/// Shorthands for the table files.
pub(crate) mod t {
    pub use super::NameKind::*;
    pub use super::Ty::*;
    pub use super::ValueKind;
    pub use super::{kw, Keyword, Once, Ty};

    pub const U8: Ty = Ty::Uint { min: 0, max: 255 };
    pub const U32: Ty = Ty::Uint {
        min: 0,
        max: u32::MAX as u64,
    };
    pub const I32: Ty = Ty::Int {
        min: i32::MIN as i64,
        max: i32::MAX as i64,
    };
    /// Seconds, any non-negative duration.
    pub const SECS: Ty = Ty::Secs {
        min_us: 0,
        max_us: u32::MAX as u64 * 1_000_000,
    };
    /// `[BOOL]`: the argument is optional and means true when absent.
    pub const OPT_BOOL: &[Ty] = &[Ty::Bool];
}

/// Where a keyword can be written: every block path from the root, as `a/b/c` (empty for a
/// word that is no keyword). Computed once.
pub fn paths_of(name: &str) -> &'static [String] {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, Vec<String>>> =
        std::sync::OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut m: std::collections::HashMap<&'static str, Vec<String>> = std::collections::HashMap::new();
        for (p, k) in all() {
            m.entry(k.name).or_default().push(p);
        }
        m
    });
    index.get(name).map_or(&[], |v| v.as_slice())
}

/// A set of keyword tables, by address: a sorted list, cheaper to ask than a hash set.
pub struct Tables(Vec<usize>);

impl Tables {
    pub fn contains(&self, table: &'static [Keyword]) -> bool {
        self.0.binary_search(&(table.as_ptr() as usize)).is_ok()
    }
}

/// The tables that hold, themselves or in a block table below them, a keyword `pred` holds
/// for. Walkers that look for some kinds of keywords only use it to skip blocks that cannot
/// contain any (keep the result in a `OnceLock`: it walks the whole tree).
pub fn tables_with(pred: fn(&Keyword) -> bool) -> Tables {
    fn has(
        t: &'static [Keyword],
        pred: fn(&Keyword) -> bool,
        memo: &mut std::collections::HashMap<usize, bool>,
        depth: usize,
    ) -> bool {
        let at = t.as_ptr() as usize;
        if let Some(&b) = memo.get(&at) {
            return b;
        }
        if depth > 16 {
            return true;
        }
        // Provisional answer while this table is being looked at (the tree has no cycles,
        // but a shared table may appear under several parents).
        memo.insert(at, false);
        let mut found = false;
        for k in t {
            found |= pred(k);
            if let Body::Keywords(sub) = k.body {
                found |= has(sub, pred, memo, depth + 1);
            }
        }
        memo.insert(at, found);
        found
    }
    let mut memo = std::collections::HashMap::new();
    has(ROOT, pred, &mut memo, 0);
    let mut found: Vec<usize> = memo.into_iter().filter(|(_, b)| *b).map(|(t, _)| t).collect();
    found.sort_unstable();
    Tables(found)
}

/// Every distinct keyword name, sorted. Computed once.
pub fn names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<&'static str> = all().into_iter().map(|(_, k)| k.name).collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// Every (path, keyword) pair of the tree, depth first.
pub fn all() -> Vec<(String, &'static Keyword)> {
    fn walk(table: &'static [Keyword], prefix: &str, out: &mut Vec<(String, &'static Keyword)>, depth: usize) {
        if depth > 8 {
            return;
        }
        for k in table {
            let here = if prefix.is_empty() {
                k.name.to_string()
            } else {
                format!("{prefix}/{}", k.name)
            };
            out.push((here.clone(), k));
            if let Body::Keywords(sub) = k.body {
                walk(sub, &here, out, depth + 1);
            }
        }
    }
    let mut out = Vec::new();
    walk(ROOT, "", &mut out, 0);
    out
}

/// Looks a keyword up in a block's table. (Every statement of a config is looked up several
/// times: the length and the last byte are compared before the whole name.)
#[inline]
pub fn find(table: &'static [Keyword], name: &str) -> Option<&'static Keyword> {
    position(table, name).map(|i| &table[i])
}

/// Where [`find`] finds `name` in `table`.
pub fn position(table: &'static [Keyword], name: &str) -> Option<usize> {
    let last = name.as_bytes().last().copied();
    table
        .iter()
        .position(|k| k.name.len() == name.len() && k.name.as_bytes().last().copied() == last && k.name == name)
}
