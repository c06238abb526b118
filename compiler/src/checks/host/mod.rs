//! Host checks (`--host-checks`): what only the machine that will run keepalived can answer.
//! Interfaces the config names, source addresses, script files and their permissions, script
//! users and groups. Nothing here runs unless the user asks: without the flag, results never
//! depend on the machine.
//!
//! All host access goes through the [`Host`] trait: [`RealHost`] reads the running system,
//! tests use a fake. The words to look up come from the keyword table (`Ty::Iface`,
//! `Ty::Script`, `Ty::User`, interface value blocks) and from the address, route and rule
//! parsers (`dev`, `iif`, `oif`, `vrf`): this module lists no keywords of its own.

pub mod insecure_script_path;
pub mod missing_script;
pub mod script_not_executable;
pub mod source_address_not_local;
pub mod unknown_group;
pub mod unknown_interface;
pub mod unknown_user;

use super::names::visit;
use super::Check;
use crate::checks::Resolved;
use crate::diagnostic::Diagnostic;
use crate::schema::{self, Body, Keyword, Ty, ValueKind};
use crate::values::{self, address::Place};
use std::io;
use std::net::IpAddr;
use std::path::Path;
use vigil_grammar::{NodeRef, Parsed, Span, WordRef};

pub static ALL: &[&Check] = &[
    &unknown_interface::CHECK,
    &source_address_not_local::CHECK,
    &missing_script::CHECK,
    &script_not_executable::CHECK,
    &insecure_script_path::CHECK,
    &unknown_user::CHECK,
    &unknown_group::CHECK,
];

/// What a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    File,
    Dir,
    Other,
}

/// The parts of a file's metadata the checks read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub kind: FileType,
    /// Permission bits, with set-id and sticky bits (`0o7777`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// The machine, as far as the host checks ask about it. `None` (or an error other than
/// "not found") means "cannot tell": the checks then stay silent.
pub trait Host {
    /// Names of the network interfaces.
    fn interfaces(&self) -> Option<Vec<String>>;
    /// Addresses configured on any interface.
    fn addresses(&self) -> Option<Vec<IpAddr>>;
    /// Metadata of a path, following symbolic links.
    fn stat(&self, path: &Path) -> io::Result<Stat>;
    /// Whether a user of that name exists.
    fn user(&self, name: &str) -> Option<bool>;
    /// Whether a group of that name exists.
    fn group(&self, name: &str) -> Option<bool>;
}

/// The running system: `/sys/class/net` and `getifaddrs` for interfaces and addresses, file
/// metadata from the file system, users and groups through the C library's `getpwnam_r` and
/// `getgrnam_r` (so NSS sources such as LDAP count, as they do for keepalived).
pub struct RealHost;

impl Host for RealHost {
    fn interfaces(&self) -> Option<Vec<String>> {
        if let Ok(dir) = std::fs::read_dir("/sys/class/net") {
            let names: Vec<String> = dir
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            if !names.is_empty() {
                return Some(names);
            }
        }
        let mut names: Vec<String> = nix::ifaddrs::getifaddrs().ok()?.map(|a| a.interface_name).collect();
        names.sort();
        names.dedup();
        Some(names)
    }

    fn addresses(&self) -> Option<Vec<IpAddr>> {
        let addrs = nix::ifaddrs::getifaddrs().ok()?;
        Some(
            addrs
                .filter_map(|a| a.address)
                .filter_map(|s| {
                    if let Some(v4) = s.as_sockaddr_in() {
                        Some(IpAddr::V4(v4.ip()))
                    } else {
                        s.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip()))
                    }
                })
                .collect(),
        )
    }

    fn stat(&self, path: &Path) -> io::Result<Stat> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path)?;
        let kind = if m.is_file() {
            FileType::File
        } else if m.is_dir() {
            FileType::Dir
        } else {
            FileType::Other
        };
        Ok(Stat {
            kind,
            mode: m.mode() & 0o7777,
            uid: m.uid(),
            gid: m.gid(),
        })
    }

    fn user(&self, name: &str) -> Option<bool> {
        nix::unistd::User::from_name(name).ok().map(|u| u.is_some())
    }

    fn group(&self, name: &str) -> Option<bool> {
        nix::unistd::Group::from_name(name).ok().map(|g| g.is_some())
    }
}

/// A word the config gives a host meaning to.
#[derive(Clone, Copy, Debug)]
pub struct Found<'t> {
    pub text: &'t str,
    pub span: Span,
    /// The keyword it belongs to, for messages.
    pub keyword: &'static str,
}

/// What the host checks look up, collected in one walk over the tree.
#[derive(Default, Debug)]
pub struct Uses<'t> {
    pub interfaces: Vec<Found<'t>>,
    /// Interfaces keepalived creates itself (`use_vmac`, `use_ipvlan`): they need not exist.
    pub created: Vec<String>,
    /// `unicast_src_ip` / `mcast_src_ip` words.
    pub sources: Vec<Found<'t>>,
    /// Addresses keepalived adds at start-up (`static_ipaddress`).
    pub static_addresses: Vec<IpAddr>,
    /// The first word of every script argument (the command line).
    pub scripts: Vec<Found<'t>>,
    pub users: Vec<Found<'t>>,
    pub groups: Vec<Found<'t>>,
    /// `enable_script_security` is set.
    pub script_security: bool,
    /// `dynamic_interfaces` is set: keepalived waits for missing interfaces.
    pub dynamic_interfaces: bool,
}

/// The argument words of a statement with the table type each one has, as the structural
/// pass assigns them: a last `User` takes a group after the user, a variadic last type repeats.
fn typed_args<'t>(node: NodeRef<'t>, k: &'static Keyword) -> Vec<(Ty, WordRef<'t>, usize)> {
    let args = node.args();
    let mut out = Vec::new();
    let mut i = 0;
    for (n, ty) in k.args.iter().enumerate() {
        let Some(w) = args.get(i) else {
            break;
        };
        out.push((*ty, w, 0));
        if *ty == Ty::User && n + 1 == k.args.len() {
            if let Some(g) = args.get(i + 1) {
                out.push((*ty, g, 1));
                i += 1;
            }
        }
        i += 1;
    }
    if k.variadic {
        if let Some(last) = k.args.last() {
            for j in i..args.len() {
                if let Some(w) = args.get(j) {
                    out.push((*last, w, 2));
                }
            }
        }
    }
    out
}

/// Collects the words the host checks look at.
pub fn collect<'t>(parsed: &'t Parsed) -> Uses<'t> {
    let mut u = Uses::default();
    visit(
        &Resolved::default(),
        parsed.tree.nodes(),
        schema::ROOT,
        0,
        &mut |node, k| {
            let found = |w: WordRef<'t>| Found {
                text: w.text(),
                span: w.span(),
                keyword: k.name,
            };
            match k.name {
                "enable_script_security" => u.script_security = true,
                "dynamic_interfaces" => u.dynamic_interfaces = true,
                "unicast_src_ip" | "mcast_src_ip" => u.sources.extend(node.args().first().map(found)),
                _ => {}
            }
            let mut seen_script = false;
            for (ty, w, role) in typed_args(node, k) {
                match ty {
                    Ty::Iface => u.interfaces.push(found(w)),
                    // Later words of a variadic script line are its arguments.
                    Ty::Script if !seen_script && role != 2 => {
                        seen_script = true;
                        u.scripts.push(found(w));
                    }
                    Ty::User if role == 0 => u.users.push(found(w)),
                    Ty::User if role == 1 => u.groups.push(found(w)),
                    _ => {}
                }
            }
            if let Body::Values(kind) = k.body {
                if let Some(b) = node.block() {
                    value_lines(&mut u, k, kind, b);
                }
            }
        },
    );
    // The VMAC and ipvlan interfaces keepalived makes, named as resolve::vrrp names them.
    let (_, effective) = crate::resolve::vrrp::resolve(parsed);
    u.created
        .extend(effective.into_iter().filter_map(|e| e.vmac).map(|v| v.name.value));
    u
}

fn value_lines<'t>(u: &mut Uses<'t>, k: &'static Keyword, kind: ValueKind, block: vigil_grammar::BlockRef<'t>) {
    let is_static = k.name.starts_with("static_");
    for line in block.nodes() {
        let words = line.words();
        if words.is_empty() || line.block().is_some() {
            continue;
        }
        let mut push = |text: &'t str, span: Span| {
            u.interfaces.push(Found {
                text,
                span,
                keyword: k.name,
            })
        };
        match kind {
            ValueKind::TrackInterface | ValueKind::Linkbeat | ValueKind::UpDownDelay | ValueKind::Ifaces => {
                if let Some(w) = words.first() {
                    push(w.text(), w.span());
                }
            }
            ValueKind::Address => {
                let place = match k.name {
                    "static_ipaddress" => Place::Static,
                    "virtual_ipaddress_excluded" => Place::Excluded,
                    _ => Place::Virtual,
                };
                if let Ok(a) = values::address::parse(words, place) {
                    if let Some(d) = a.value.dev {
                        push(span_text(words, d.span), d.span);
                    }
                    if place == Place::Static {
                        u.static_addresses.push(a.value.addr);
                    }
                }
            }
            ValueKind::Route => {
                if let Ok(r) = values::route::parse(words, is_static) {
                    let r = r.value;
                    let devs = r
                        .dev
                        .iter()
                        .chain(r.vrf.iter())
                        .chain(r.nexthops.iter().filter_map(|n| n.dev.as_ref()));
                    for d in devs {
                        push(span_text(words, d.span), d.span);
                    }
                }
            }
            ValueKind::Rule => {
                if let Ok(r) = values::rule::parse(words, is_static) {
                    for d in r.value.iif.iter().chain(r.value.oif.iter()) {
                        push(span_text(words, d.span), d.span);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The text of the word of `words` at `span` (the parsers keep spans, not borrowed text).
fn span_text<'t>(words: vigil_grammar::Words<'t>, span: Span) -> &'t str {
    words.iter().find(|w| w.span() == span).map_or("", |w| w.text())
}

/// Runs the host checks against `host`.
pub fn run(parsed: &Parsed, host: &dyn Host, out: &mut Vec<Diagnostic>) {
    let uses = collect(parsed);
    unknown_interface::check(&uses, host, out);
    source_address_not_local::check(&uses, host, out);
    for s in &uses.scripts {
        let Some(path) = script_program(s.text, host) else {
            continue;
        };
        match host.stat(Path::new(&path)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing_script::report(s, &path, out),
            Err(_) => {}
            Ok(st) => {
                if script_not_executable::check(s, &path, &st, out) && uses.script_security {
                    insecure_script_path::check(s, &path, host, out);
                }
            }
        }
    }
    unknown_user::check(&uses, host, out);
    unknown_group::check(&uses, host, out);
}

/// Where keepalived looks for a command given without a `/`.
pub const SEARCH_PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// The program a script command line runs: its first word, unquoted; a bare name is looked up
/// in [`SEARCH_PATH`] (the first directory holding it, or the name itself when none does, so
/// that it is reported missing). `None` for an empty command.
pub fn script_program(command: &str, host: &dyn Host) -> Option<String> {
    let first = first_word(command)?;
    if first.contains('/') {
        return Some(first);
    }
    SEARCH_PATH
        .iter()
        .map(|d| format!("{d}/{first}"))
        .find(|p| host.stat(Path::new(p)).is_ok())
        .or(Some(first))
}

/// The first word of a command line, with quotes and backslash escapes removed.
fn first_word(command: &str) -> Option<String> {
    let mut out = String::new();
    let mut quote = None;
    let mut chars = command.trim_start().chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => break,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (_, '\\') => out.extend(chars.next()),
            (_, c) => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A fake host for the checks' unit tests.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct FakeHost {
    pub interfaces: Option<Vec<String>>,
    pub addresses: Option<Vec<IpAddr>>,
    pub files: Vec<(String, Stat)>,
    pub users: Vec<String>,
    pub groups: Vec<String>,
}

#[cfg(test)]
impl FakeHost {
    /// `lo` and `eth0` with 127.0.0.1 and 192.0.2.1, root and nobody, `/` and `/usr` root-owned.
    pub fn typical() -> FakeHost {
        FakeHost {
            interfaces: Some(vec!["lo".into(), "eth0".into()]),
            addresses: Some(vec!["127.0.0.1".parse().unwrap(), "192.0.2.1".parse().unwrap()]),
            files: vec![
                ("/".into(), dir(0o755, 0)),
                ("/usr".into(), dir(0o755, 0)),
                ("/usr/bin".into(), dir(0o755, 0)),
            ],
            users: vec!["root".into(), "nobody".into()],
            groups: vec!["root".into(), "nogroup".into()],
        }
    }

    pub fn with_file(mut self, path: &str, st: Stat) -> FakeHost {
        self.files.push((path.into(), st));
        self
    }
}

#[cfg(test)]
pub(crate) fn file(mode: u32, uid: u32) -> Stat {
    Stat {
        kind: FileType::File,
        mode,
        uid,
        gid: 0,
    }
}

#[cfg(test)]
pub(crate) fn dir(mode: u32, uid: u32) -> Stat {
    Stat {
        kind: FileType::Dir,
        mode,
        uid,
        gid: 0,
    }
}

#[cfg(test)]
impl Host for FakeHost {
    fn interfaces(&self) -> Option<Vec<String>> {
        self.interfaces.clone()
    }
    fn addresses(&self) -> Option<Vec<IpAddr>> {
        self.addresses.clone()
    }
    fn stat(&self, path: &Path) -> io::Result<Stat> {
        let p = path.to_string_lossy();
        self.files
            .iter()
            .find(|(f, _)| *f == p)
            .map(|(_, s)| *s)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
    fn user(&self, name: &str) -> Option<bool> {
        Some(self.users.iter().any(|u| u == name))
    }
    fn group(&self, name: &str) -> Option<bool> {
        Some(self.groups.iter().any(|g| g == name))
    }
}

/// Runs the host checks on a text against a fake host (for the checks' unit tests).
#[cfg(test)]
pub(crate) fn lint(text: &str, host: &FakeHost) -> Vec<Diagnostic> {
    let parsed = vigil_grammar::parse_text("/test/keepalived.conf", text);
    let mut out = Vec::new();
    run(&parsed, host, &mut out);
    out
}

#[cfg(test)]
pub(crate) fn codes(d: &[Diagnostic]) -> Vec<&'static str> {
    d.iter().map(|d| d.code()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_interfaces_from_the_table_and_the_value_parsers() {
        let text = "global_defs {\n    default_interface eth9\n}\nvrrp_instance V {\n    interface eth1\n    virtual_router_id 1\n    track_interface {\n        eth2 weight 10\n    }\n    virtual_ipaddress {\n        192.0.2.1/24 dev eth3 label eth3:x\n    }\n    virtual_routes {\n        10.0.0.0/8 via 192.0.2.254 dev eth4\n    }\n    virtual_rules {\n        from 10.0.0.0/8 table 5 iif eth5\n    }\n    use_vmac\n}\nlinkbeat_interfaces {\n    eth6\n}\n";
        let parsed = vigil_grammar::parse_text("/t.conf", text);
        let u = collect(&parsed);
        let names: Vec<_> = u.interfaces.iter().map(|f| f.text).collect();
        assert_eq!(names, ["eth9", "eth1", "eth2", "eth3", "eth4", "eth5", "eth6"]);
        assert_eq!(u.created, ["vrrp.1"]);
    }

    #[test]
    fn collects_scripts_users_and_groups() {
        let text = "global_defs {\n    script_user alice staff\n    enable_script_security\n}\nvrrp_script s {\n    script /bin/true extra args\n    user bob\n}\nvrrp_instance V {\n    notify_master \"/usr/bin/x a\" carol :wheel\n}\n";
        let parsed = vigil_grammar::parse_text("/t.conf", text);
        let u = collect(&parsed);
        let t = |v: &[Found<'_>]| v.iter().map(|f| f.text.to_string()).collect::<Vec<_>>();
        assert_eq!(t(&u.scripts), ["/bin/true", "/usr/bin/x a"]);
        assert_eq!(t(&u.users), ["alice", "bob", "carol"]);
        assert_eq!(t(&u.groups), ["staff", ":wheel"]);
        assert!(u.script_security);
    }

    #[test]
    fn first_word_of_a_command() {
        assert_eq!(
            first_word("  /usr/bin/pgrep -x nginx").as_deref(),
            Some("/usr/bin/pgrep")
        );
        assert_eq!(first_word("'/opt/my dir/x' a").as_deref(), Some("/opt/my dir/x"));
        assert_eq!(first_word("/a\\ b c").as_deref(), Some("/a b"));
        assert_eq!(first_word("   "), None);
        assert_eq!(first_word("\""), None);
    }

    #[test]
    fn bare_names_are_searched_in_the_path() {
        let h = FakeHost::typical().with_file("/usr/bin/pgrep", file(0o755, 0));
        assert_eq!(script_program("pgrep -x a", &h).as_deref(), Some("/usr/bin/pgrep"));
        assert_eq!(script_program("nope", &h).as_deref(), Some("nope"));
    }

    #[test]
    fn nothing_runs_without_the_option() {
        let text = "vrrp_instance V {\n    interface vigil-no-if0\n    unicast_src_ip 192.0.2.77\n}\nvrrp_script s {\n    script /vigil/none.sh\n    user vigil-no-user\n}\n";
        let is_host = |d: &Diagnostic| d.code().starts_with("KA06");
        let off = crate::check_parsed(
            vigil_grammar::parse_text("/t.conf", text),
            &crate::CheckOptions::default(),
        );
        assert!(!off.diags.iter().any(is_host), "{:?}", off.diags);
        let opts = crate::CheckOptions {
            host_checks: true,
            ..Default::default()
        };
        let on = crate::check_parsed(vigil_grammar::parse_text("/t.conf", text), &opts);
        let found: Vec<_> = on.diags.iter().filter(|d| is_host(d)).map(|d| d.code()).collect();
        assert!(found.contains(&"KA0601") && found.contains(&"KA0603"), "{found:?}");
    }

    #[test]
    fn bad_input_does_not_panic() {
        let h = FakeHost::typical();
        for text in [
            "vrrp_instance {\n interface\n}\n",
            "vrrp_script s {\n script\n user\n}\n",
            "vrrp_instance V { virtual_ipaddress { dev } virtual_routes { dev dev } }\n",
            "global_defs { script_user \"\" \"\" }\n",
        ] {
            let _ = lint(text, &h);
        }
    }
}
