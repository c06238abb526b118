//! Seeded mutations of a configuration aimed at the plan: each one sets, removes or crosses
//! keywords whose values reach the plan (flags, enums, timers, address families, tracking
//! weights, checker timing, global defaults against instance settings), so that the plan
//! differential sees how keepalived resolves them. Deterministic for a seed.

use std::fmt::Write as _;

pub use crate::mutate_rng::Rng;

/// Which keepalived process has to dump a mutant for its values to be seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Vrrp,
    Check,
}

/// One block of the configuration: `KIND ... {` on line `start` up to `}` on line `end`.
#[derive(Clone, Debug)]
pub struct Block {
    pub kind: String,
    pub start: usize,
    pub end: usize,
    pub parent: Option<usize>,
}

/// A configuration's lines and blocks.
#[derive(Clone, Debug)]
pub struct Conf {
    pub lines: Vec<String>,
    pub blocks: Vec<Block>,
}

fn words(line: &str) -> Vec<&str> {
    line.split(['#', '!']).next().unwrap_or("").split_whitespace().collect()
}

/// `words`, with braces split off as keepalived splits them (`unicast_peer{` opens a block).
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in words(line) {
        let mut rest = w;
        while let Some(i) = rest.find(['{', '}']) {
            if i > 0 {
                out.push(&rest[..i]);
            }
            out.push(&rest[i..i + 1]);
            rest = &rest[i + 1..];
        }
        if !rest.is_empty() {
            out.push(rest);
        }
    }
    out
}

impl Conf {
    pub fn new(text: &str) -> Conf {
        let mut c = Conf {
            lines: text.lines().map(str::to_string).collect(),
            blocks: Vec::new(),
        };
        c.reparse();
        c
    }

    pub fn text(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }

    fn reparse(&mut self) {
        self.blocks.clear();
        let mut stack: Vec<usize> = Vec::new();
        let mut prev_first = String::new();
        for (n, line) in self.lines.iter().enumerate() {
            let w = tokens(line);
            let opens = w.iter().filter(|x| **x == "{").count();
            let closes = w.iter().filter(|x| **x == "}").count();
            if opens > closes {
                let kind = match w.first() {
                    Some(&"{") => prev_first.clone(),
                    Some(k) => k.to_string(),
                    None => String::new(),
                };
                self.blocks.push(Block {
                    kind,
                    start: n,
                    end: usize::MAX,
                    parent: stack.last().copied(),
                });
                stack.push(self.blocks.len() - 1);
            } else if closes > opens {
                for _ in 0..closes - opens {
                    if let Some(b) = stack.pop() {
                        self.blocks[b].end = n;
                    }
                }
            }
            if let Some(f) = w.first() {
                prev_first = f.to_string();
            }
        }
        for b in &mut self.blocks {
            if b.end == usize::MAX {
                b.end = self.lines.len().saturating_sub(1);
            }
        }
    }

    pub fn of_kind(&self, kind: &str) -> Vec<usize> {
        (0..self.blocks.len())
            .filter(|&b| self.blocks[b].kind == kind)
            .collect()
    }

    /// Blocks of `kind` inside block `b` (directly).
    pub fn children_of(&self, b: usize, kind: &str) -> Vec<usize> {
        (0..self.blocks.len())
            .filter(|&c| self.blocks[c].parent == Some(b) && self.blocks[c].kind == kind)
            .collect()
    }

    /// Line ranges of block `b`'s direct entries whose keyword is `key` (a nested block as a
    /// whole).
    fn entries(&self, b: usize, key: &str) -> Vec<(usize, usize)> {
        let blk = &self.blocks[b];
        let mut out = Vec::new();
        let mut n = blk.start + 1;
        while n < blk.end {
            if let Some(c) = self.blocks.iter().find(|c| c.start == n && c.parent == Some(b)) {
                if c.kind == key {
                    out.push((c.start, c.end));
                }
                n = c.end + 1;
                continue;
            }
            if words(&self.lines[n]).first() == Some(&key) {
                out.push((n, n));
            }
            n += 1;
        }
        out
    }

    pub fn has(&self, b: usize, key: &str) -> bool {
        !self.entries(b, key).is_empty()
    }

    pub fn remove(&mut self, b: usize, key: &str) {
        let mut e = self.entries(b, key);
        e.reverse();
        for (s, t) in e {
            self.lines.drain(s..=t);
        }
        self.reparse();
    }

    /// Sets `key` in block `b`: removes its entries, then inserts `lines` (already complete,
    /// e.g. `["nopreempt"]` or a nested block) right after the block's opening line.
    pub fn put(&mut self, b: usize, key: &str, lines: &[String]) {
        self.remove(b, key);
        let at = self.blocks[b].start + 1;
        for (k, l) in lines.iter().enumerate() {
            self.lines.insert(at + k, format!("    {l}"));
        }
        self.reparse();
    }

    /// [`Conf::put`], but at the end of the block (after its nested blocks, for settings
    /// keepalived reads in order).
    pub fn put_end(&mut self, b: usize, key: &str, lines: &[String]) {
        self.remove(b, key);
        let at = self.blocks[b].end;
        for (k, l) in lines.iter().enumerate() {
            self.lines.insert(at + k, format!("    {l}"));
        }
        self.reparse();
    }

    pub fn set(&mut self, b: usize, key: &str, value: &str) {
        let line = if value.is_empty() {
            key.to_string()
        } else {
            format!("{key} {value}")
        };
        self.put(b, key, &[line]);
    }

    /// The global_defs block, made when there is none.
    pub fn global(&mut self) -> usize {
        if let Some(&b) = self.of_kind("global_defs").first() {
            return b;
        }
        self.lines.insert(0, "global_defs {".into());
        self.lines.insert(1, "}".into());
        self.reparse();
        self.of_kind("global_defs")[0]
    }

    pub fn append(&mut self, text: &str) {
        self.lines.extend(text.lines().map(str::to_string));
        self.reparse();
    }

    /// The name after the keyword of block `b` (`vrrp_instance VI_1 {` → `VI_1`).
    pub fn name(&self, b: usize) -> String {
        words(&self.lines[self.blocks[b].start])
            .get(1)
            .filter(|w| **w != "{")
            .map_or_else(String::new, |w| w.to_string())
    }

    /// The items of a list block such as virtual_ipaddress (each line's first word).
    pub fn items(&self, b: usize) -> Vec<String> {
        let blk = &self.blocks[b];
        (blk.start + 1..blk.end)
            .filter_map(|n| words(&self.lines[n]).first().map(|w| w.to_string()))
            .collect()
    }
}

/// A mutation: its category (the class a mismatch is filed under), a description and the
/// process whose dump shows its effect.
pub struct Mutation {
    pub cat: String,
    pub desc: String,
    pub scope: Scope,
}

fn pick<T: Copy>(rng: &mut Rng, v: &[T]) -> T {
    *rng.pick(v).expect("non-empty")
}

fn coin(rng: &mut Rng) -> bool {
    rng.below(2) == 0
}

const INSTANCE_FLAGS: &[&str] = &[
    "nopreempt",
    "preempt",
    "accept",
    "no_accept",
    "dont_track_primary",
    "use_vmac",
    "vmac_xmit_base",
    "skip_check_adv_addr",
    "check_unicast_src",
    "unicast_fault_no_peer",
    "lower_prio_no_advert",
    "higher_prio_send_advert",
    "promote_secondaries",
    "native_ipv6",
    "old_unicast_checksum",
];

const V4_VIPS: &[&str] = &["10.9.0.10/24", "10.9.0.11", "192.168.77.1/32", "10.9.1.5/16"];
const V6_VIPS: &[&str] = &["fd00:9::10/64", "fd00:9::11", "2001:db8:9::1/128", "fe80::9:1/64"];

/// Applies one mutation of a category chosen by the generator, or `None` when the
/// configuration has nothing it can apply to (the caller picks another).
pub fn mutate(conf: &mut Conf, rng: &mut Rng) -> Option<Mutation> {
    // Made first, so that block numbers stay put below.
    conf.global();
    let instances = conf.of_kind("vrrp_instance");
    let vss = conf.of_kind("virtual_server");
    let inst = rng.pick(&instances).copied();
    let vs = rng.pick(&vss).copied();
    let m = |cat: &str, desc: String, scope: Scope| {
        Some(Mutation {
            cat: cat.to_string(),
            desc,
            scope,
        })
    };
    let v = |x: &str| x.to_string();
    match rng.below(50) {
        // ---- VRRP instance flags
        0..=3 => {
            let b = inst?;
            let key = pick(rng, INSTANCE_FLAGS);
            if conf.has(b, key) {
                conf.remove(b, key);
                m(&format!("flag {key}"), format!("remove {key}"), Scope::Vrrp)
            } else {
                let val = match key {
                    "lower_prio_no_advert" | "higher_prio_send_advert" => {
                        pick(rng, &["", "true", "false", "on", "off"])
                    }
                    "old_unicast_checksum" => pick(rng, &["", "never"]),
                    _ => "",
                };
                // A unicast setting needs a peer (else keepalived-check refuses it).
                if matches!(
                    key,
                    "old_unicast_checksum" | "check_unicast_src" | "unicast_fault_no_peer"
                ) && !conf.has(b, "unicast_peer")
                {
                    let v6 = vips(conf, b).iter().any(|a| a.contains(':'));
                    let p = if v6 { "fd00:8::2" } else { "10.8.0.2" };
                    conf.put(
                        b,
                        "unicast_peer",
                        &["unicast_peer {".into(), format!("    {p}"), "}".into()],
                    );
                }
                conf.set(b, key, val);
                m(&format!("flag {key}"), format!("{key} {val}"), Scope::Vrrp)
            }
        }
        4 | 5 => {
            let b = inst?;
            let g = conf.global();
            let gs = coin(rng);
            let inst_mode = pick(rng, &["on", "off", "", "absent"]);
            if gs {
                conf.set(g, "vrrp_strict", "");
            } else {
                conf.remove(g, "vrrp_strict");
            }
            if inst_mode == "absent" {
                conf.remove(b, "strict_mode");
            } else {
                conf.set(b, "strict_mode", inst_mode);
            }
            let auth = if coin(rng) {
                set_auth(conf, b, rng)
            } else {
                String::new()
            };
            m(
                "strict_mode vs vrrp_strict",
                format!("vrrp_strict {gs}, strict_mode {inst_mode:?} {auth}"),
                Scope::Vrrp,
            )
        }
        6 | 7 => {
            let b = inst?;
            let state = pick(rng, &["MASTER", "BACKUP", "absent"]);
            let prio = pick(rng, &["1", "50", "100", "254", "255", "absent"]);
            for (k, val) in [("state", state), ("priority", prio)] {
                if val == "absent" {
                    conf.remove(b, k);
                } else {
                    conf.set(b, k, val);
                }
            }
            m("state/priority", format!("state {state}, priority {prio}"), Scope::Vrrp)
        }
        8 => {
            let b = inst?;
            let a = pick(rng, &["0.37", "1.6", "3", "1", "0.5", "2.5", "absent", "0.01"]);
            if a == "absent" {
                conf.remove(b, "advert_int");
            } else {
                conf.set(b, "advert_int", a);
            }
            if coin(rng) {
                let d = pick(rng, &["0", "5", "300", "0.5"]);
                conf.set(b, "preempt_delay", d);
                if coin(rng) {
                    conf.set(b, "state", "BACKUP");
                }
            }
            m("advert_int", format!("advert_int {a}"), Scope::Vrrp)
        }
        9 | 10 => {
            inst?;
            let g = conf.global();
            let gv = pick(rng, &["2", "3", "absent"]);
            if gv == "absent" {
                conf.remove(g, "vrrp_version");
            } else {
                conf.set(g, "vrrp_version", gv);
            }
            let b = pick(rng, &conf.of_kind("vrrp_instance"));
            let iv = pick(rng, &["2", "3", "absent"]);
            if iv == "absent" {
                conf.remove(b, "version");
            } else {
                conf.set(b, "version", iv);
            }
            if coin(rng) {
                set_family(conf, b, rng, true);
            }
            m(
                "version vs vrrp_version",
                format!("vrrp_version {gv}, version {iv}"),
                Scope::Vrrp,
            )
        }
        11 => {
            let b = inst?;
            let d = set_auth(conf, b, rng);
            m("authentication", d, Scope::Vrrp)
        }
        12 | 13 => {
            let b = inst?;
            let v6 = coin(rng);
            let d = set_family(conf, b, rng, v6);
            m(if v6 { "family v6" } else { "family v4" }, d, Scope::Vrrp)
        }
        14 | 15 => {
            let b = inst?;
            let v6 = vips(conf, b).iter().any(|a| a.contains(':'));
            if coin(rng) {
                let peers: Vec<String> = (0..1 + rng.below(2))
                    .map(|k| {
                        let a = if v6 {
                            format!("fd00:8::{}", k + 2)
                        } else {
                            format!("10.8.0.{}", k + 2)
                        };
                        match rng.below(3) {
                            0 => format!("{a} min_ttl 3 max_ttl 200"),
                            _ => a,
                        }
                    })
                    .collect();
                let mut lines = vec![v("unicast_peer {")];
                lines.extend(peers.iter().map(|p| format!("    {p}")));
                lines.push(v("}"));
                conf.put(b, "unicast_peer", &lines);
                if coin(rng) {
                    conf.set(b, "unicast_src_ip", if v6 { "fd00:8::1" } else { "10.8.0.1" });
                }
                let ttl = pick(rng, &["absent", "1", "64", "255"]);
                if ttl != "absent" {
                    conf.set(b, "unicast_ttl", ttl);
                }
                m("unicast", format!("unicast peers {peers:?}, ttl {ttl}"), Scope::Vrrp)
            } else {
                conf.remove(b, "unicast_peer");
                conf.remove(b, "unicast_src_ip");
                if coin(rng) {
                    conf.set(b, "mcast_src_ip", if v6 { "fd00:8::1" } else { "10.8.0.1" });
                }
                m("multicast", v("unicast removed"), Scope::Vrrp)
            }
        }
        16 | 17 => {
            let b = inst?;
            let keys = [
                "garp_master_delay",
                "garp_master_repeat",
                "garp_master_refresh",
                "garp_master_refresh_repeat",
                "garp_lower_prio_delay",
                "garp_lower_prio_repeat",
                "down_timer_adverts",
            ];
            let key = pick(rng, &keys);
            let g = conf.global();
            let gval = pick(rng, &["absent", "0", "1", "3", "10", "20"]);
            let gkey = format!("vrrp_{key}");
            if gval == "absent" {
                conf.remove(g, &gkey);
            } else {
                conf.set(g, &gkey, gval);
            }
            let ival = pick(rng, &["absent", "0", "2", "4", "7"]);
            if ival == "absent" {
                conf.remove(b, key);
            } else {
                conf.set(b, key, ival);
            }
            if rng.below(3) == 0 {
                let g = conf.global();
                conf.set(g, "vrrp_strict", "");
            }
            m(
                &format!("{key} vs {gkey}"),
                format!("{gkey} {gval}, {key} {ival}"),
                Scope::Vrrp,
            )
        }
        18 | 19 => {
            inst?;
            let pairs = [
                ("vrrp_check_unicast_src", "check_unicast_src"),
                ("vrrp_skip_check_adv_addr", "skip_check_adv_addr"),
                ("vrrp_lower_prio_no_advert", "lower_prio_no_advert"),
                ("vrrp_higher_prio_send_advert", "higher_prio_send_advert"),
            ];
            let (gk, ik) = pick(rng, &pairs);
            let g = conf.global();
            let gval = pick(rng, &["absent", "", "true", "false"]);
            let gval = if gk == "vrrp_check_unicast_src" || gk == "vrrp_skip_check_adv_addr" {
                if gval == "absent" || gval == "false" {
                    "absent"
                } else {
                    ""
                }
            } else {
                gval
            };
            if gval == "absent" {
                conf.remove(g, gk);
            } else {
                conf.set(g, gk, gval);
            }
            let b = pick(rng, &conf.of_kind("vrrp_instance"));
            let ival = if ik.starts_with("lower") || ik.starts_with("higher") {
                pick(rng, &["absent", "", "true", "false"])
            } else {
                pick(rng, &["absent", ""])
            };
            if ival == "absent" {
                conf.remove(b, ik);
            } else {
                conf.set(b, ik, ival);
            }
            if ik == "check_unicast_src" && !conf.has(b, "unicast_peer") && coin(rng) {
                let v6 = vips(conf, b).iter().any(|a| a.contains(':'));
                let p = if v6 { "fd00:8::2" } else { "10.8.0.2" };
                conf.put(b, "unicast_peer", &[v("unicast_peer {"), format!("    {p}"), v("}")]);
            }
            if rng.below(4) == 0 {
                let g = conf.global();
                conf.set(g, "vrrp_strict", "");
            }
            m(
                &format!("{ik} vs {gk}"),
                format!("{gk} {gval:?}, {ik} {ival:?}"),
                Scope::Vrrp,
            )
        }
        20..=22 => {
            let b = inst?;
            let name = conf.name(b);
            let w = pick(rng, &["absent", "0", "10", "-20", "253", "-254"]);
            let rev = pick(rng, &["", "", " reverse", " noreverse"]);
            let sw = pick(rng, &["absent", "0", "5", "-30", "50"]);
            let srev = if sw != "absent" && coin(rng) { " reverse" } else { "" };
            let sname = format!("chk_{name}");
            let mut script = format!(
                "vrrp_script {sname} {{\n    script \"/bin/true\"\n    interval {}\n",
                1 + rng.below(4)
            );
            if sw != "absent" {
                let _ = writeln!(script, "    weight {sw}{srev}");
            }
            if coin(rng) {
                let _ = writeln!(script, "    rise {}\n    fall {}", 1 + rng.below(3), 1 + rng.below(3));
            }
            script.push_str("}\n");
            let what = rng.below(3);
            let wt = if w == "absent" {
                String::new()
            } else {
                format!(" weight {w}{rev}")
            };
            match what {
                0 => conf.put(
                    b,
                    "track_interface",
                    &[v("track_interface {"), format!("    eth1{wt}"), v("}")],
                ),
                _ => {
                    conf.append(&script);
                    let b = conf
                        .of_kind("vrrp_instance")
                        .into_iter()
                        .find(|&x| conf.name(x) == name)?;
                    conf.put(
                        b,
                        "track_script",
                        &[v("track_script {"), format!("    {sname}{wt}"), v("}")],
                    );
                }
            }
            m(
                "tracking weights",
                format!(
                    "track {} {wt}; script weight {sw}{srev}",
                    ["interface", "script", "script"][what]
                ),
                Scope::Vrrp,
            )
        }
        23 | 24 => {
            inst?;
            let names: Vec<String> = conf.of_kind("vrrp_instance").iter().map(|&b| conf.name(b)).collect();
            for g in conf.of_kind("vrrp_sync_group").into_iter().rev() {
                let (s, e) = (conf.blocks[g].start, conf.blocks[g].end);
                conf.lines.drain(s..=e);
                conf.reparse();
            }
            let tw = coin(rng);
            let mut text = format!(
                "vrrp_sync_group SG_MUT {{\n    group {{\n        {}\n    }}\n",
                names.join("\n        ")
            );
            if tw {
                text.push_str("    sync_group_tracking_weight\n");
            }
            let gw = pick(rng, &["absent", "0", "10", "-10"]);
            if gw != "absent" || coin(rng) {
                let wt = if gw == "absent" {
                    String::new()
                } else {
                    format!(" weight {gw}")
                };
                text.push_str(&format!("    track_script {{\n        chk_sg{wt}\n    }}\n"));
                conf.append(&format!(
                    "vrrp_script chk_sg {{\n    script \"/bin/true\"\n    weight {}\n}}",
                    pick(rng, &["0", "5", "-5"])
                ));
            }
            text.push_str("}\n");
            conf.append(&text);
            m(
                "sync group",
                format!("sync group of {names:?}, tracking_weight {tw}, track weight {gw}"),
                Scope::Vrrp,
            )
        }
        25 => {
            let b = inst?;
            let key = pick(
                rng,
                &[
                    "notify_master",
                    "notify_backup",
                    "notify_fault",
                    "notify_stop",
                    "notify",
                ],
            );
            let user = pick(rng, &["", "", " root", " nobody"]);
            // A bare program name: keepalived 2.2.7 cannot find it when run as another user
            // than root.
            let prog = pick(rng, &["/bin/echo", "/bin/echo", "echo"]);
            conf.set(b, key, &format!("\"{prog} {key}\"{user}"));
            if coin(rng) {
                let g = conf.global();
                conf.set(g, "script_user", pick(rng, &["root", "nobody"]));
                if coin(rng) {
                    conf.set(g, "enable_script_security", "");
                }
            }
            m("notify scripts", format!("{key} {prog}{user}"), Scope::Vrrp)
        }
        26 => {
            let b = inst?;
            let g = conf.global();
            let which = coin(rng);
            if which {
                conf.set(g, "vrrp_mcast_group4", "224.0.0.33");
            } else {
                conf.set(g, "vrrp_mcast_group6", "ff02::33");
            }
            let b2 = b;
            conf.remove(b2, "unicast_peer");
            if coin(rng) {
                conf.set(b2, "mcast_dst_ip", if which { "224.0.0.44" } else { "ff02::44" });
            }
            m("mcast group", format!("global v4 {which}"), Scope::Vrrp)
        }
        27 => {
            let b = inst?;
            vmac(conf, rng, b)
        }
        // ---- virtual servers
        28 => {
            let b = vs?;
            let key = pick(rng, &["lb_algo", "lvs_sched"]);
            let val = pick(
                rng,
                &[
                    "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "dh", "sed", "nq", "mh", "fo", "ovf",
                ],
            );
            conf.remove(b, "lb_algo");
            conf.set(b, key, val);
            if val == "sh" && coin(rng) {
                conf.set(b, "sh-port", "");
            }
            m("vs scheduler", format!("{key} {val}"), Scope::Check)
        }
        29 => {
            let b = vs?;
            let key = pick(rng, &["lb_kind", "lvs_method"]);
            let val = pick(rng, &["NAT", "DR", "TUN"]);
            conf.remove(b, "lb_kind");
            conf.set(b, key, val);
            if coin(rng) {
                if let Some(&r) = rng.pick(&conf.children_of(b, "real_server")) {
                    conf.set(r, "lvs_method", pick(rng, &["NAT", "DR", "TUN"]));
                }
            }
            m("vs forwarding", format!("{key} {val}"), Scope::Check)
        }
        30 => {
            let b = vs?;
            let val = pick(rng, &["TCP", "UDP", "SCTP", "absent"]);
            if val == "absent" {
                conf.remove(b, "protocol");
            } else {
                conf.set(b, "protocol", val);
            }
            m("vs protocol", format!("protocol {val}"), Scope::Check)
        }
        31 => {
            let b = vs?;
            let key = pick(rng, &["ops", "ha_suspend", "alpha", "omega", "inhibit_on_failure"]);
            let on = !conf.has(b, key);
            if on {
                conf.set(b, key, "");
            } else {
                conf.remove(b, key);
            }
            if key == "ops" && coin(rng) {
                conf.set(b, "protocol", "UDP");
            }
            m(&format!("vs flag {key}"), format!("{key} {on}"), Scope::Check)
        }
        32 => {
            let b = vs?;
            let q = pick(rng, &["absent", "0", "1", "2", "5"]);
            let h = pick(rng, &["absent", "0", "1", "3"]);
            for (k, val) in [("quorum", q), ("hysteresis", h)] {
                if val == "absent" {
                    conf.remove(b, k);
                } else {
                    conf.set(b, k, val);
                }
            }
            m("vs quorum", format!("quorum {q} hysteresis {h}"), Scope::Check)
        }
        33 => {
            let b = vs?;
            let t = pick(rng, &["absent", "0", "60", "360", ""]);
            if t == "absent" {
                conf.remove(b, "persistence_timeout");
            } else {
                conf.set(b, "persistence_timeout", t);
            }
            if coin(rng) {
                conf.set(
                    b,
                    "persistence_granularity",
                    pick(rng, &["255.255.255.0", "24", "255.255.255.255"]),
                );
            }
            m("vs persistence", format!("persistence_timeout {t:?}"), Scope::Check)
        }
        34 | 35 => {
            let b = vs?;
            // Checker timing at the VS, RS and checker levels.
            let keys = ["delay_loop", "connect_timeout", "retry", "delay_before_retry", "warmup"];
            let key = pick(rng, &keys);
            let vals = ["2", "7", "0.5", "15"];
            let mut desc = Vec::new();
            for level in 0..3 {
                if coin(rng) {
                    continue;
                }
                let val = pick(rng, &vals);
                let val = if key == "retry" {
                    val.split('.').next().unwrap_or("1")
                } else {
                    val
                };
                let target = match level {
                    0 => Some(b),
                    1 => rng.pick(&conf.children_of(b, "real_server")).copied(),
                    _ => {
                        let rss = conf.children_of(b, "real_server");
                        let r = rng.pick(&rss).copied();
                        r.and_then(|r| checker_blocks(conf, r).first().copied())
                    }
                };
                if let Some(t) = target {
                    if level == 2 && key == "warmup" {
                        continue;
                    }
                    // keepalived reads some settings in order (an SMTP_CHECK takes the
                    // connect_timeout read so far): now and then after the real servers.
                    if level < 2 && coin(rng) {
                        conf.put_end(t, key, &[format!("{key} {val}")]);
                        desc.push(format!("{} {key} {val} (last)", ["vs", "rs", "checker"][level]));
                    } else {
                        conf.set(t, key, val);
                        desc.push(format!("{} {key} {val}", ["vs", "rs", "checker"][level]));
                    }
                }
            }
            m("checker timing", desc.join(", "), Scope::Check)
        }
        36 => {
            let b = vs?;
            let rss = conf.children_of(b, "real_server");
            let r = *rng.pick(&rss)?;
            let line = conf.lines[conf.blocks[r].start].clone();
            let w = words(&line);
            let addr = w.get(1)?.to_string();
            let port = pick(rng, &["", "0", "80", "8080", "443"]);
            let method = pick(rng, &["NAT", "DR", "TUN"]);
            let s = conf.blocks[r].start;
            conf.lines[s] = format!("    real_server {addr} {port} {{");
            conf.reparse();
            let b2 = conf
                .of_kind("virtual_server")
                .into_iter()
                .find(|&x| conf.blocks[x].start == conf.blocks[b].start)?;
            conf.set(b2, "lb_kind", method);
            m(
                "rs port",
                format!("real_server {addr} {port:?} with {method}"),
                Scope::Check,
            )
        }
        37 => {
            let b = vs?;
            let rss = conf.children_of(b, "real_server");
            let r = *rng.pick(&rss)?;
            let d = match rng.below(5) {
                0 => {
                    conf.set(r, "weight", pick(rng, &["0", "1", "3", "100"]));
                    "weight".to_string()
                }
                1 => {
                    conf.set(r, "inhibit_on_failure", "");
                    "inhibit_on_failure".into()
                }
                2 => {
                    conf.set(r, "uthreshold", "100");
                    conf.set(r, "lthreshold", "10");
                    "thresholds".into()
                }
                3 => {
                    conf.set(r, "alpha", "");
                    "rs alpha".into()
                }
                _ => {
                    conf.set(r, "notify_up", "\"/bin/echo up\"");
                    conf.set(r, "notify_down", "\"/bin/echo down\" nobody");
                    "rs notify".into()
                }
            };
            m(&format!("rs {d}"), d.clone(), Scope::Check)
        }
        38 => {
            let b = vs?;
            let rss = conf.children_of(b, "real_server");
            let r = *rng.pick(&rss)?;
            for c in checker_blocks(conf, r).into_iter().rev() {
                let (s, e) = (conf.blocks[c].start, conf.blocks[c].end);
                conf.lines.drain(s..=e);
                conf.reparse();
            }
            let b = conf
                .of_kind("virtual_server")
                .into_iter()
                .find(|&x| conf.blocks[x].start == conf.blocks[b].start)?;
            let r = *conf
                .children_of(b, "real_server")
                .get(rss.iter().position(|x| *x == r)?)?;
            let kind = pick(
                rng,
                &[
                    "TCP_CHECK",
                    "HTTP_GET",
                    "SSL_GET",
                    "MISC_CHECK",
                    "SMTP_CHECK",
                    "DNS_CHECK",
                    "PING_CHECK",
                    "UDP_CHECK",
                ],
            );
            let mut body = vec![format!("{kind} {{")];
            match kind {
                "HTTP_GET" | "SSL_GET" => body.extend([
                    v("    url {"),
                    v("        path /"),
                    v("        status_code 200"),
                    v("    }"),
                ]),
                "MISC_CHECK" => body.push(v("    misc_path \"/bin/true\"")),
                "DNS_CHECK" => body.push(v("    name example.org")),
                _ => {}
            }
            if coin(rng) {
                body.push(format!("    connect_port {}", pick(rng, &["81", "9000"])));
            }
            if coin(rng) {
                body.push(format!("    connect_timeout {}", pick(rng, &["1", "4", "0.5"])));
            }
            if coin(rng) {
                body.push(v("    alpha"));
            }
            if coin(rng) {
                body.push(v("    log_all_failures"));
            }
            body.push(v("}"));
            conf.put(r, kind, &body);
            m("checker kind", format!("checker {kind}"), Scope::Check)
        }
        43 => {
            let g = conf.global();
            let scope = if inst.is_some() && (vs.is_none() || coin(rng)) {
                Scope::Vrrp
            } else {
                Scope::Check
            };
            match rng.below(3) {
                0 => {
                    // A small pool of paths, so that two FIFOs are now and then the same one.
                    let mut desc = Vec::new();
                    for key in ["notify_fifo", "vrrp_notify_fifo", "lvs_notify_fifo"] {
                        conf.remove(g, &format!("{key}_script"));
                        if coin(rng) {
                            conf.remove(g, key);
                            continue;
                        }
                        let path = format!("/tmp/vigil-plan-diff-fifo-{}", 1 + rng.below(3));
                        let g = conf.global();
                        match rng.below(3) {
                            0 => conf.set(g, key, &path),
                            // keepalived 2.2.7: the words after the path are its owner.
                            1 => conf.set(g, key, &format!("{path} {}", pick(rng, &["root", "nobody"]))),
                            _ => {
                                conf.set(g, key, &path);
                                let g = conf.global();
                                conf.set(g, &format!("{key}_script"), "\"/bin/echo script\"");
                            }
                        }
                        desc.push(format!("{key} {path}"));
                    }
                    m("notify fifo", desc.join(", "), scope)
                }
                1 => {
                    let mut words = Vec::new();
                    for k in ["tcp", "tcpfin", "udp"] {
                        if coin(rng) {
                            words.push(format!("{k} {}", pick(rng, &["1", "30", "120", "900"])));
                        }
                    }
                    if words.is_empty() {
                        conf.remove(g, "lvs_timeouts");
                    } else {
                        conf.set(g, "lvs_timeouts", &words.join(" "));
                    }
                    m("lvs_timeouts", words.join(" "), scope)
                }
                _ => {
                    inst?;
                    let d = pick(rng, &["0", "0.5", "1", "2"]);
                    conf.set(g, "vrrp_startup_delay", d);
                    m("vrrp_startup_delay", format!("vrrp_startup_delay {d}"), Scope::Vrrp)
                }
            }
        }
        40..=42 => {
            let b = inst?;
            trackers(conf, rng, b)
        }
        47 => {
            let b = vs?;
            vsg(conf, rng, b)
        }
        44..=46 => ip_lists(conf, rng, inst),
        _ => {
            let b = vs?;
            if coin(rng) {
                let v6 = conf.lines[conf.blocks[b].start].contains(':');
                let a = if v6 { "fd00:7::9 8080" } else { "10.7.0.9 8080" };
                let mut lines = vec![format!("sorry_server {a}")];
                if coin(rng) {
                    lines.push("sorry_server_inhibit".into());
                }
                if coin(rng) {
                    lines.push(format!("sorry_server_lvs_method {}", pick(rng, &["NAT", "DR", "TUN"])));
                }
                // keepalived applies the options only after the sorry_server line.
                let before = coin(rng);
                if before {
                    lines.rotate_left(1);
                }
                conf.remove(b, "sorry_server_inhibit");
                conf.remove(b, "sorry_server_lvs_method");
                conf.put(b, "sorry_server", &lines);
                m(
                    if before {
                        "sorry server options first"
                    } else {
                        "sorry server"
                    },
                    lines.join("; "),
                    Scope::Check,
                )
            } else {
                let s = conf.blocks[b].start;
                let mark = 1 + rng.below(1000);
                conf.lines[s] = format!("virtual_server fwmark {mark} {{");
                conf.reparse();
                let b = conf
                    .of_kind("virtual_server")
                    .into_iter()
                    .find(|&x| conf.blocks[x].start == s)?;
                let method = pick(rng, &["NAT", "DR", "TUN"]);
                conf.set(b, "lb_kind", method);
                // A fwmark service takes no protocol, and DR/TUN servers no port.
                conf.remove(b, "protocol");
                if method != "NAT" {
                    for r in conf.children_of(b, "real_server") {
                        let at = conf.blocks[r].start;
                        let w: Vec<String> = words(&conf.lines[at]).iter().map(|x| x.to_string()).collect();
                        if let Some(addr) = w.get(1) {
                            conf.lines[at] = format!("    real_server {addr} {{");
                        }
                    }
                    conf.reparse();
                }
                m(
                    "fwmark service",
                    format!("virtual_server fwmark {mark} {method}"),
                    Scope::Check,
                )
            }
        }
    }
}

/// A virtual server made a `virtual_server group` of a virtual_server_group of addresses
/// (one, ranges `A-N`, with a port, none or 0) and firewall marks (with a family or none), of
/// the virtual server's family; now and then a second group nothing uses.
fn vsg(conf: &mut Conf, rng: &mut Rng, b: usize) -> Option<Mutation> {
    let s = conf.blocks[b].start;
    let v6 = conf.lines[s].contains(':')
        || conf
            .children_of(b, "real_server")
            .iter()
            .any(|&r| conf.lines[conf.blocks[r].start].contains(':'));
    let port = words(&conf.lines[s])
        .get(2)
        .filter(|w| **w != "{")
        .map(|w| w.to_string());
    let mut entries: Vec<String> = Vec::new();
    for k in 0..1 + rng.below(4) {
        let p = match rng.below(4) {
            0 => String::new(),
            1 => " 0".into(),
            2 => format!(" {}", port.clone().unwrap_or_else(|| "80".into())),
            _ => " 8080".into(),
        };
        entries.push(match (rng.below(5), v6) {
            (0, _) => format!(
                "fwmark {}{}",
                1 + rng.below(50),
                pick(rng, &["", "", " inet", " inet6"])
            ),
            (1, false) => format!("10.40.{k}.3-{}{p}", pick(rng, &["4", "9", "200"])),
            (1, true) => format!("fd00:40:{k}::3-{}{p}", pick(rng, &["4", "a", "ff"])),
            (_, false) => format!("10.40.{k}.{}{p}", 1 + rng.below(9)),
            (_, true) => format!("fd00:40:{k}::{}{p}", 1 + rng.below(9)),
        });
    }
    if rng.below(4) == 0 {
        entries.rotate_left(1);
    }
    conf.lines[s] = "virtual_server group VSG_MUT {".into();
    conf.reparse();
    let b = conf
        .of_kind("virtual_server")
        .into_iter()
        .find(|&x| conf.blocks[x].start == s)?;
    // A group of addresses and marks takes the service's protocol; fwmark-only ones none.
    if entries.iter().all(|e| e.starts_with("fwmark")) && coin(rng) {
        conf.remove(b, "protocol");
    }
    let mut text = format!("virtual_server_group VSG_MUT {{\n    {}\n}}\n", entries.join("\n    "));
    let unused = rng.below(4) == 0;
    if unused {
        text.push_str("virtual_server_group VSG_UNUSED {\n    10.41.0.1 80\n    fwmark 99\n}\n");
    }
    conf.append(&text);
    m_vsg(entries.join("; ") + if unused { " (and an unused group)" } else { "" })
}

fn m_vsg(desc: String) -> Option<Mutation> {
    Some(Mutation {
        cat: "virtual_server_group".into(),
        desc,
        scope: Scope::Check,
    })
}

/// A route line keepalived-check compiles (tracked routes name a `dev`): a type, an install
/// mode before or after it, `inet`/`inet6 to`, and the options the dump prints.
fn route_line(rng: &mut Rng, v6: bool, n: usize) -> String {
    let mut w: Vec<String> = Vec::new();
    let kind = if coin(rng) {
        Some(pick(
            rng,
            &["blackhole", "unreachable", "prohibit", "unicast", "local", "throw"],
        ))
    } else {
        None
    };
    let mode = if rng.below(3) == 0 {
        Some(pick(rng, &["add", "append", "prepend"]))
    } else {
        None
    };
    let mode_first = coin(rng);
    if let (Some(m), true) = (mode, mode_first) {
        w.push(m.into());
    }
    // (`inet to default` mixes families: both refuse it.)
    let family_word = rng.below(6) == 0;
    if family_word {
        w.push(if v6 { "inet6 to" } else { "inet to" }.into());
    }
    if let Some(k) = kind {
        w.push(k.into());
    }
    w.push(match (v6, rng.below(4)) {
        (false, 0) if !family_word => "default".into(),
        (false, 1) => format!("10.61.{n}.7"),
        (false, _) => format!("10.60.{n}.0/24"),
        (true, 0) if !family_word => "default".into(),
        (true, 1) => format!("fd00:61:{n}::7"),
        (true, _) => format!("fd00:60:{n}::/64"),
    });
    let needs_no_dev = matches!(kind, Some("blackhole" | "unreachable" | "prohibit" | "throw"));
    if !needs_no_dev && coin(rng) {
        w.push(if v6 {
            pick(rng, &["via fe80::1", "via inet6 fd00:1::fe"]).into()
        } else {
            pick(rng, &["via 10.0.0.254", "via inet 10.0.0.253"]).into()
        });
    }
    if !v6 && rng.below(4) == 0 {
        w.push("src 10.0.0.1".into());
    }
    if v6 && rng.below(4) == 0 {
        w.push("from fd00:62::/64".into());
    }
    let dev = !needs_no_dev && rng.below(5) > 0;
    if dev {
        w.push(format!("dev {}", pick(rng, &["eth0", "eth1"])));
    }
    for (chance, opts) in [
        (3, &["table 100", "table main", "table local", "table 250"][..]),
        (3, &["metric 5", "metric 100", "priority 7"][..]),
        (4, &["scope link", "scope host", "scope 200", "scope global"][..]),
        (
            4,
            &[
                "mtu 1400",
                "mtu lock 1300",
                "advmss 1200",
                "hoplimit 10",
                "window 100",
                "initcwnd 5",
            ][..],
        ),
        (
            5,
            &[
                "rtt 300ms",
                "rtt 10ms",
                "rtt lock 1s",
                "rttvar 2s",
                "rto_min 250ms",
                "quickack 1",
                "cwnd lock 6",
                "ssthresh 7",
            ][..],
        ),
    ] {
        if rng.below(chance) == 0 {
            w.push(pick(rng, opts).into());
        }
    }
    if !v6 && rng.below(5) == 0 {
        w.push(pick(rng, &["tos 0x10", "onlink"]).into());
    }
    if v6 && rng.below(4) == 0 {
        w.push(pick(rng, &["pref low", "pref high", "pref medium", "expires 30"]).into());
    }
    let no_track = !dev || rng.below(4) == 0;
    if no_track {
        w.push("no_track".into());
        if rng.below(3) == 0 {
            w.push(format!(
                "protocol {}",
                pick(rng, &["4", "static", "boot", "18", "keepalived"])
            ));
        }
    }
    if let (Some(m), false) = (mode, mode_first) {
        w.push(m.into());
    }
    if !needs_no_dev && !v6 && rng.below(6) == 0 {
        w.push("nexthop via 10.0.0.1 dev eth0 weight 3 nexthop via 10.0.0.2 dev eth1 onlink".into());
    }
    w.join(" ")
}

/// A rule line keepalived-check compiles.
fn rule_line(rng: &mut Rng, v6: bool, n: usize) -> String {
    let mut w: Vec<String> = Vec::new();
    if coin(rng) && rng.below(4) == 0 {
        w.push("not".into());
    }
    match rng.below(4) {
        0 => {}
        1 => w.push("from all".into()),
        _ => w.push(if v6 {
            format!("from fd00:70:{n}::/64")
        } else {
            format!("from 10.70.{n}.0/24")
        }),
    }
    if coin(rng) {
        w.push(if v6 {
            "to fd00:71::/48".into()
        } else {
            format!("to 10.71.{n}.9")
        });
    }
    if v6 && w.is_empty() {
        w.push("inet6".into());
        w.push("inet6".into());
    }
    let prio = 100 + rng.below(50) as u32;
    let with_prio = rng.below(3) > 0;
    let action = pick(
        rng,
        &[
            "table 100",
            "lookup 200",
            "table main",
            "table local",
            "goto",
            "nop",
            "blackhole",
            "type unreachable",
            "prohibit",
        ],
    );
    let table = action.starts_with("table") || action.starts_with("lookup");
    if action == "goto" {
        w.push(format!("priority {prio} goto {}", prio + 10));
    } else {
        w.push(action.into());
        if with_prio {
            w.push(format!("preference {prio}"));
        }
    }
    for (chance, opts) in [
        (4, &["tos 0x10", "tos 8"][..]),
        (4, &["fwmark 0x10", "fwmark 7/0xff", "fwmark 0x8/0xffffffff"][..]),
        (4, &["iif eth0", "oif eth1", "dev eth1"][..]),
        (
            5,
            &[
                "uidrange 100-200",
                "ipproto tcp",
                "ipproto 17",
                "sport 80-90",
                "dport 443-443",
            ][..],
        ),
    ] {
        if rng.below(chance) == 0 {
            w.push(pick(rng, opts).into());
        }
    }
    if table && rng.below(5) == 0 {
        w.push("suppress_prefixlength 8".into());
    }
    if rng.below(3) == 0 {
        w.push("no_track".into());
        if coin(rng) {
            w.push("protocol 4".into());
        }
    } else if rng.below(6) == 0 {
        w.push("protocol 18".into());
    }
    w.join(" ")
}

/// An address line with the options keepalived prints beside it.
fn address_line(rng: &mut Rng, v6: bool, n: usize, dev: Option<&str>) -> String {
    let mut w: Vec<String> = Vec::new();
    let peer = !v6 && rng.below(6) == 0;
    w.push(match (v6, peer, coin(rng)) {
        (false, true, _) => format!("10.80.{n}.1"),
        (false, _, true) => format!("10.80.{n}.1/24"),
        (false, _, false) => format!("10.80.{n}.2"),
        (true, _, true) => format!("fd00:80:{n}::1/64"),
        (true, _, false) => format!("fd00:80:{n}::2"),
    });
    if let Some(d) = dev.or_else(|| coin(rng).then_some("eth1")) {
        w.push(format!("dev {d}"));
    }
    if peer {
        w.push(format!("peer 10.80.{n}.99"));
    } else if !v6 && rng.below(3) == 0 {
        w.push(pick(rng, &["brd +", "brd -", "brd 10.80.255.255"]).into());
    }
    for (chance, opts) in [
        (3, &["scope link", "scope host", "scope site", "scope global"][..]),
        (4, &["home", "noprefixroute", "no_track"][..]),
    ] {
        if rng.below(chance) == 0 {
            w.push(pick(rng, opts).into());
        }
    }
    if v6 && rng.below(3) == 0 {
        w.push(
            pick(
                rng,
                &["-nodad", "preferred_lft 0", "preferred_lft forever", "mngtmpaddr"],
            )
            .into(),
        );
    }
    w.join(" ")
}

/// static_ipaddress / static_routes / static_rules, an instance's virtual_routes /
/// virtual_rules and its addresses' options.
fn ip_lists(conf: &mut Conf, rng: &mut Rng, inst: Option<usize>) -> Option<Mutation> {
    let which = rng.below(6);
    let b = inst?;
    // The instance's family, so that its own lines match it.
    let v6 = vips(conf, b).iter().any(|a| a.contains(':'));
    let count = 1 + rng.below(3);
    let (cat, key, lines): (&str, &str, Vec<String>) = match which {
        0 => (
            "static_routes",
            "static_routes",
            (0..count)
                .map(|n| {
                    let f = coin(rng);
                    route_line(rng, f, n)
                })
                .collect(),
        ),
        1 => (
            "virtual_routes",
            "virtual_routes",
            (0..count).map(|n| route_line(rng, v6, n + 10)).collect(),
        ),
        2 => (
            "static_rules",
            "static_rules",
            (0..count)
                .map(|n| {
                    let f = coin(rng);
                    rule_line(rng, f, n)
                })
                .collect(),
        ),
        3 => (
            "virtual_rules",
            "virtual_rules",
            (0..count).map(|n| rule_line(rng, v6, n + 10)).collect(),
        ),
        4 => (
            "static_ipaddress",
            "static_ipaddress",
            (0..count)
                .map(|n| {
                    let f = coin(rng);
                    let d = pick(rng, &["eth0", "eth1"]);
                    address_line(rng, f, n, Some(d))
                })
                .collect(),
        ),
        _ => (
            "address options",
            "virtual_ipaddress",
            (0..count).map(|n| address_line(rng, v6, n + 10, None)).collect(),
        ),
    };
    let mut body = vec![format!("{key} {{")];
    body.extend(lines.iter().map(|l| format!("    {l}")));
    body.push("}".into());
    if key.starts_with("static") {
        if let Some(&s) = conf.of_kind(key).first() {
            let (start, end) = (conf.blocks[s].start, conf.blocks[s].end);
            conf.lines.drain(start..=end);
            conf.reparse();
        }
        conf.append(&body.join("\n"));
    } else {
        // The instance again after each change: block numbers move when a nested block goes.
        let start = conf.blocks[b].start;
        let find = |c: &Conf| {
            c.of_kind("vrrp_instance")
                .into_iter()
                .find(|&x| c.blocks[x].start == start)
        };
        let b = find(conf)?;
        conf.remove(b, key);
        let b = find(conf)?;
        let at = conf.blocks[b].end;
        for (k, l) in body.iter().enumerate() {
            conf.lines.insert(at + k, format!("    {l}"));
        }
        conf.reparse();
    }
    Some(Mutation {
        cat: cat.to_string(),
        desc: lines.join("; "),
        scope: Scope::Vrrp,
    })
}

/// A weight line's words, or none: `weight -10`, `weight 20 reverse`.
fn weight_words(rng: &mut Rng, values: &[&str]) -> String {
    match pick(rng, values) {
        "absent" => String::new(),
        w => {
            let rev = if rng.below(3) == 0 { " reverse" } else { "" };
            format!(" weight {w}{rev}")
        }
    }
}

/// A track_file, vrrp_track_process or bfd_instance definition and an instance tracking it
/// (now and then not tracked at all, or tracked with a weight of its own).
fn trackers(conf: &mut Conf, rng: &mut Rng, b: usize) -> Option<Mutation> {
    let name = conf.name(b);
    let n = conf.blocks.len();
    let kind = rng.below(3);
    let (tname, mut def, track_key) = match kind {
        0 => {
            let t = format!("tfm_{name}");
            let mut d = format!("track_file {t} {{\n    file /tmp/vigil-plan-diff-{t}\n");
            let w = weight_words(rng, &["absent", "0", "-10", "5", "254", "-254"]);
            if !w.is_empty() {
                let _ = writeln!(d, "   {w}");
            }
            (t, d, "track_file")
        }
        1 => {
            let t = format!("tpm_{name}");
            let proc_line = pick(
                rng,
                &[
                    "sshd",
                    "sshd -D",
                    "/usr/sbin/sshd -D -p 22",
                    "a_rather_long_process_name",
                    "init",
                ],
            );
            let mut d = format!("vrrp_track_process {t} {{\n    process {proc_line}\n");
            let mut lines = Vec::new();
            if rng.below(3) == 0 {
                lines.push(format!(
                    "param_match {}",
                    pick(rng, &["", "exact", "partial", "initial"])
                ));
            }
            let w = weight_words(rng, &["absent", "0", "-10", "30", "254"]);
            if !w.is_empty() {
                lines.push(w.trim_start().to_string());
            }
            if coin(rng) {
                lines.push(format!("quorum {}", pick(rng, &["1", "2", "5"])));
            }
            if rng.below(3) == 0 {
                lines.push(format!("quorum_max {}", pick(rng, &["0", "3", "10"])));
            }
            for k in ["delay", "terminate_delay", "fork_delay"] {
                if rng.below(3) == 0 {
                    lines.push(format!("{k} {}", pick(rng, &["1", "2.5", "0.25", "10"])));
                }
            }
            if rng.below(4) == 0 {
                lines.push("full_command".into());
            }
            // keepalived reads them in order: `delay` sets both delays.
            for k in 0..lines.len() {
                let j = k + rng.below(lines.len() - k);
                lines.swap(k, j);
            }
            for l in &lines {
                let _ = writeln!(d, "    {l}");
            }
            (t, d, "track_process")
        }
        _ => {
            let t = format!("bfdm_{name}");
            let v6 = coin(rng);
            let host = 1 + n % 200;
            let mut d = if v6 {
                format!("bfd_instance {t} {{\n    neighbor_ip fd00:4::{host:x}\n")
            } else {
                format!("bfd_instance {t} {{\n    neighbor_ip 10.4.0.{host}\n")
            };
            if coin(rng) {
                let src = if v6 {
                    "fd00:4::ff00".to_string()
                } else {
                    "10.4.1.1".to_string()
                };
                let _ = writeln!(d, "    source_ip {src}");
            }
            for (k, vals) in [
                ("min_rx", &["5", "50", "1000", "0.5"][..]),
                ("min_tx", &["7", "60", "250"][..]),
                ("idle_tx", &["500", "2000"][..]),
                ("multiplier", &["1", "3", "10"][..]),
                ("ttl", &["1", "64", "200"][..]),
                ("hoplimit", &["2", "32"][..]),
                ("max_hops", &["0", "5", "100"][..]),
            ] {
                if rng.below(3) == 0 {
                    let _ = writeln!(d, "    {k} {}", pick(rng, vals));
                }
            }
            if rng.below(3) == 0 {
                d.push_str("    passive\n");
            }
            let w = weight_words(rng, &["absent", "0", "-30", "20", "253"]);
            if !w.is_empty() {
                let _ = writeln!(d, "   {w}");
            }
            match rng.below(5) {
                0 => d.push_str("    vrrp\n"),
                1 => d.push_str("    checker\n    vrrp\n"),
                _ => {}
            }
            (t, d, "track_bfd")
        }
    };
    def.push_str("}\n");
    conf.append(&def);
    let tracked = rng.below(5) != 0;
    let mut desc = def.replace('\n', "; ");
    if tracked {
        let b = conf
            .of_kind("vrrp_instance")
            .into_iter()
            .find(|&x| conf.name(x) == name)?;
        let w = weight_words(rng, &["absent", "absent", "0", "7", "-15", "100"]);
        conf.put(
            b,
            track_key,
            &[format!("{track_key} {{"), format!("    {tname}{w}"), "}".into()],
        );
        desc.push_str(&format!(" tracked by {name}{w}"));
    }
    Some(Mutation {
        cat: track_key.replace('_', " "),
        desc,
        scope: Scope::Vrrp,
    })
}

/// The interface names the configuration's instances use.
fn instance_interfaces(conf: &Conf) -> Vec<String> {
    let mut out: Vec<String> = conf
        .of_kind("vrrp_instance")
        .into_iter()
        .flat_map(|b| conf.entries(b, "interface"))
        .filter_map(|(l, _)| words(&conf.lines[l]).get(1).map(|w| w.to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// VMAC and ipvlan names: keepalived's own (`vrrp.VRID`, `vrrpN.VRID` when taken, IPv6 first
/// trying `vrrp6.VRID`, `vmac_prefix`), and written ones it refuses (taken by an earlier
/// instance, an existing interface, too long, a second one) or takes, with MAC addresses.
fn vmac(conf: &mut Conf, rng: &mut Rng, b: usize) -> Option<Mutation> {
    let v = |x: &str| x.to_string();
    let name = conf.name(b);
    let find = |conf: &Conf, name: &str| {
        conf.of_kind("vrrp_instance")
            .into_iter()
            .find(|&x| conf.name(x) == name)
    };
    let mut desc = Vec::new();
    let cat = match rng.below(9) {
        0 | 1 => {
            // Another instance with the same VRID on another interface (and maybe the other
            // family), both with use_vmac: the second gets vrrp1.VRID (IPv6: vrrp6.VRID).
            let others: Vec<usize> = conf.of_kind("vrrp_instance").into_iter().filter(|&x| x != b).collect();
            let o = *rng.pick(&others)?;
            let oname = conf.name(o);
            let vrid = words(&conf.lines[conf.entries(b, "virtual_router_id").first()?.0])
                .get(1)?
                .to_string();
            let iface = instance_interfaces(conf).into_iter().find(|i| {
                conf.entries(b, "interface")
                    .first()
                    .is_none_or(|(l, _)| words(&conf.lines[*l]).get(1) != Some(&i.as_str()))
            });
            let iface = iface.unwrap_or_else(|| pick(rng, &["eth1", "eth2"]).to_string());
            let o = find(conf, &oname)?;
            conf.set(o, "virtual_router_id", &vrid);
            conf.set(o, "interface", &iface);
            if coin(rng) {
                set_family(conf, o, rng, true);
                desc.push(format!("{oname} IPv6"));
            }
            for n in [&name, &oname] {
                let x = find(conf, n)?;
                conf.set(x, "use_vmac", "");
            }
            desc.push(format!("{oname} vrid {vrid} on {iface}, both use_vmac"));
            "vmac same vrid"
        }
        2 => {
            // The same written name on every instance: only the first keeps it.
            for x in conf.of_kind("vrrp_instance") {
                let n = conf.name(x);
                let x = find(conf, &n)?;
                conf.set(x, "use_vmac", "vrrp.mut");
            }
            desc.push(v("use_vmac vrrp.mut everywhere"));
            "vmac"
        }
        3 => {
            // Names keepalived refuses: an interface that exists, too long, a slash; or two.
            let existing = instance_interfaces(conf).first().cloned().unwrap_or_else(|| v("eth0"));
            let bad = pick(rng, &["existing", "abcdefghijklmnop", "a/b", "two", "two lines"]);
            let b = find(conf, &name)?;
            match bad {
                "existing" => conf.set(b, "use_vmac", &existing),
                "two" => conf.set(b, "use_vmac", "vmfirst vmsecond"),
                "two lines" => {
                    conf.put(b, "use_vmac", &[v("use_vmac vmfirst"), v("use_vmac vmsecond")]);
                }
                other => conf.set(b, "use_vmac", other),
            }
            desc.push(format!("use_vmac {bad}"));
            "vmac"
        }
        4 | 5 => {
            let mac = pick(
                rng,
                &[
                    "02:11:22:33:44",
                    "02:11:22:33:44:55",
                    "01:00:00:00:00:01",
                    "00:00:5e:00:01:07",
                    "0a:bb:cc:dd:ee:ff",
                ],
            );
            let nm = pick(rng, &["", "vm.mac "]);
            let b = find(conf, &name)?;
            conf.set(b, "use_vmac", &format!("{nm}{mac}"));
            desc.push(format!("use_vmac {nm}{mac}"));
            "vmac"
        }
        6 => {
            let prefix = pick(rng, &["kv", "averylongprefix", "vrrp"]);
            let g = conf.global();
            conf.set(g, "vmac_prefix", prefix);
            let b = find(conf, &name)?;
            conf.set(b, "use_vmac", "");
            desc.push(format!("vmac_prefix {prefix}"));
            "vmac"
        }
        7 => {
            let v6 = vips(conf, b).iter().any(|a| a.contains(':'));
            let addr = if v6 { "fd00:9::77/64" } else { "10.9.7.7/24" };
            let nm = pick(rng, &["", " ipv.mut", " bridge"]);
            let b = find(conf, &name)?;
            conf.remove(b, "use_vmac");
            conf.set(b, "use_ipvlan", &format!("{addr}{nm}"));
            desc.push(format!("use_ipvlan {addr}{nm}"));
            "ipvlan"
        }
        _ => {
            let nm = pick(rng, &["", "vrrp.mut"]);
            let b = find(conf, &name)?;
            conf.set(b, "use_vmac", nm);
            desc.push(format!("use_vmac {nm}"));
            "vmac"
        }
    };
    if cat != "ipvlan" && coin(rng) {
        let b = find(conf, &name)?;
        conf.set(b, "vmac_xmit_base", "");
        desc.push(v("vmac_xmit_base"));
    }
    Some(Mutation {
        cat: cat.to_string(),
        desc: desc.join(", "),
        scope: Scope::Vrrp,
    })
}

const CHECKERS: &[&str] = &[
    "TCP_CHECK",
    "HTTP_GET",
    "SSL_GET",
    "MISC_CHECK",
    "SMTP_CHECK",
    "DNS_CHECK",
    "PING_CHECK",
    "UDP_CHECK",
    "FILE_CHECK",
    "BFD_CHECK",
];

fn checker_blocks(conf: &Conf, r: usize) -> Vec<usize> {
    (0..conf.blocks.len())
        .filter(|&c| conf.blocks[c].parent == Some(r) && CHECKERS.contains(&conf.blocks[c].kind.as_str()))
        .collect()
}

fn vips(conf: &Conf, b: usize) -> Vec<String> {
    conf.children_of(b, "virtual_ipaddress")
        .first()
        .map(|&v| conf.items(v))
        .unwrap_or_default()
}

fn set_auth(conf: &mut Conf, b: usize, rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => {
            conf.put(
                b,
                "authentication",
                &[
                    "authentication {".into(),
                    "    auth_type PASS".into(),
                    "    auth_pass s3cr3t".into(),
                    "}".into(),
                ],
            );
            "auth PASS".into()
        }
        1 => {
            conf.put(
                b,
                "authentication",
                &[
                    "authentication {".into(),
                    "    auth_type AH".into(),
                    "    auth_pass s3cr3t".into(),
                    "}".into(),
                ],
            );
            "auth AH".into()
        }
        _ => {
            conf.remove(b, "authentication");
            "no auth".into()
        }
    }
}

/// Replaces an instance's addresses with ones of one family (VIPs, peers, source address).
fn set_family(conf: &mut Conf, b: usize, rng: &mut Rng, v6: bool) -> String {
    let pool = if v6 { V6_VIPS } else { V4_VIPS };
    let n = 1 + rng.below(3);
    let mut addrs: Vec<String> = (0..n)
        .map(|k| pool[(k + rng.below(pool.len())) % pool.len()].to_string())
        .collect();
    addrs.dedup();
    let mut lines = vec!["virtual_ipaddress {".to_string()];
    lines.extend(addrs.iter().map(|a| format!("    {a}")));
    lines.push("}".into());
    conf.put(b, "virtual_ipaddress", &lines);
    // Excluded addresses of the other family now and then.
    if rng.below(4) == 0 {
        let other = if v6 { V4_VIPS[0] } else { V6_VIPS[0] };
        conf.put(
            b,
            "virtual_ipaddress_excluded",
            &[
                "virtual_ipaddress_excluded {".into(),
                format!("    {other}"),
                "}".into(),
            ],
        );
    } else {
        conf.remove(b, "virtual_ipaddress_excluded");
    }
    if conf.has(b, "unicast_peer") {
        let p = if v6 { "fd00:8::2" } else { "10.8.0.2" };
        conf.put(
            b,
            "unicast_peer",
            &["unicast_peer {".into(), format!("    {p}"), "}".into()],
        );
        if conf.has(b, "unicast_src_ip") {
            conf.set(b, "unicast_src_ip", if v6 { "fd00:8::1" } else { "10.8.0.1" });
        }
    }
    conf.remove(b, "mcast_src_ip");
    format!("virtual_ipaddress {addrs:?}")
}

/// Small configurations of our own to mutate, besides the samples and the corpus: every
/// family, unicast and multicast, and each forwarding method with checkers.
pub fn generated() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let inst = |name: &str, vrid: u32, extra: &str, vips: &str| {
        format!(
            "vrrp_instance {name} {{\n    state BACKUP\n    interface eth0\n    virtual_router_id {vrid}\n    priority 100\n    advert_int 1\n{extra}    virtual_ipaddress {{\n{vips}    }}\n}}\n"
        )
    };
    out.push((
        "gen-v4-mcast".to_string(),
        inst("VI_A", 11, "", "        10.9.0.1/24\n") + &inst("VI_B", 12, "    nopreempt\n", "        10.9.0.2/24\n"),
    ));
    out.push((
        "gen-v4-unicast".to_string(),
        inst(
            "VI_U",
            21,
            "    unicast_src_ip 10.8.0.1\n    unicast_peer {\n        10.8.0.2\n    }\n    authentication {\n        auth_type PASS\n        auth_pass abc\n    }\n",
            "        10.9.0.3\n",
        ),
    ));
    out.push(("gen-v6".to_string(), inst("VI_6", 31, "", "        fd00:9::1/64\n")));
    out.push((
        "gen-strict".to_string(),
        "global_defs {\n    vrrp_strict\n}\n".to_string()
            + &inst("VI_S", 41, "    state MASTER\n", "        10.9.0.4\n"),
    ));
    for (k, method) in ["NAT", "DR", "TUN"].iter().enumerate() {
        out.push((
            format!("gen-vs-{method}"),
            format!(
                "virtual_server 10.6.0.{n} 80 {{\n    delay_loop 6\n    lb_algo wrr\n    lb_kind {method}\n    protocol TCP\n    real_server 10.5.0.1 80 {{\n        weight 2\n        TCP_CHECK {{\n            connect_timeout 3\n        }}\n    }}\n    real_server 10.5.0.2 8080 {{\n        HTTP_GET {{\n            url {{\n                path /health\n                status_code 200\n            }}\n            retry 2\n        }}\n    }}\n}}\n",
                n = k + 1
            ),
        ));
    }
    out.push((
        "gen-vs-v6-fwmark".to_string(),
        "virtual_server fwmark 7 {\n    delay_loop 3\n    lb_algo rr\n    lb_kind DR\n    real_server fd00:5::1 0 {\n        TCP_CHECK {\n            connect_port 80\n        }\n    }\n}\nvirtual_server fd00:6::1 443 {\n    lb_algo sh\n    lb_kind NAT\n    protocol TCP\n    real_server fd00:5::2 8443 {\n        MISC_CHECK {\n            misc_path \"/bin/true\"\n        }\n    }\n}\n".to_string(),
    ));
    out
}
