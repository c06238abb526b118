//! The routes, rules and static addresses vigild installs, and what it knows of each: ours
//! (installed by us), failed (retried when the host changes), there already (someone else's:
//! left alone, never removed), or not installed.
//!
//! keepalived 2.2.7's behaviour, which this follows: an instance's `virtual_routes` and
//! `virtual_rules` are installed after its addresses when it becomes master and removed
//! (rules, then routes) before them when it leaves master or stops; `static_ipaddress`,
//! `static_routes` and `static_rules` are installed at start and removed at stop. A route or
//! address the kernel has already (EEXIST) counts as installed, and is removed later like the
//! others (keepalived's netlink layer takes EEXIST as success for those); a rule it has
//! already is not ours and is left alone. On reload an
//! unchanged item is kept as it is, a route changed only in what the kernel does not key it
//! by is replaced in place, anything else removed and added. A tracked item (not `no_track`)
//! removed behind our back is put back, as keepalived puts back static ones (for a virtual
//! one keepalived goes to BACKUP instead, which the VRRP core has no input for yet).

use crate::netlink::{AddrSpec, Host, Netlink, Outcome, RouteOp, RouteSpec, RuleSpec};
use crate::rtnames::Names;
use tracing::{debug, error, info, warn};
use vigil_plan::{Address, Origin, Prefix, Route, Rule};

/// Something vigild installs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Addr(Address),
    Route(Route),
    Rule(Rule),
}

fn prefix(p: &Prefix) -> String {
    match p.address {
        Some(a) => format!("{a}/{}", p.prefix_len),
        None => "default".into(),
    }
}

impl Item {
    fn origin(&self) -> &Origin {
        match self {
            Item::Addr(a) => &a.origin,
            Item::Route(r) => &r.origin,
            Item::Rule(r) => &r.origin,
        }
    }

    fn tracked(&self) -> bool {
        match self {
            Item::Addr(a) => !a.no_track,
            Item::Route(r) => !r.no_track,
            Item::Rule(r) => !r.no_track,
        }
    }

    /// The same item wherever it is written.
    fn same(&self, other: &Item) -> bool {
        let mut o = other.clone();
        match &mut o {
            Item::Addr(a) => a.origin = self.origin().clone(),
            Item::Route(r) => r.origin = self.origin().clone(),
            Item::Rule(r) => r.origin = self.origin().clone(),
        }
        *self == o
    }

    /// A route the kernel keys the same (destination, tos, metric, table) with the same
    /// scope, type, gateway, interface and nexthops: keepalived replaces it in place on reload.
    fn replaceable_by(&self, new: &Item) -> bool {
        match (self, new) {
            (Item::Route(a), Item::Route(b)) => {
                a.family == b.family
                    && a.dst == b.dst
                    && a.tos == b.tos
                    && a.metric == b.metric
                    && a.table == b.table
                    && a.scope == b.scope
                    && a.kind == b.kind
                    && a.via == b.via
                    && a.dev == b.dev
                    && a.nexthops == b.nexthops
            }
            _ => false,
        }
    }

    fn describe(&self) -> String {
        let o = self.origin();
        let what = match self {
            Item::Addr(a) => format!("address {}/{}", a.address, a.prefix_len),
            Item::Route(r) => format!(
                "route {}{}",
                prefix(&r.dst),
                r.dev.as_ref().map(|d| format!(" dev {d}")).unwrap_or_default()
            ),
            Item::Rule(r) => format!(
                "rule{}{} {}",
                r.from
                    .as_ref()
                    .map(|p| format!(" from {}", prefix(p)))
                    .unwrap_or_default(),
                r.to.as_ref().map(|p| format!(" to {}", prefix(p))).unwrap_or_default(),
                r.action
            ),
        };
        format!("{what} ({}:{})", o.file, o.line)
    }
}

/// What vigild knows of an item on the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    No,
    /// Installed by us: removed when no longer wanted.
    Ours,
    /// The last request failed: retried when the host changes.
    Failed,
    /// The kernel had it before we asked: not ours, left alone.
    Foreign,
}

/// The host and names a request is resolved against.
pub struct Ctx<'a> {
    pub nl: &'a Netlink,
    pub host: &'a Host,
    pub names: &'a Names,
}

enum Op {
    Add,
    /// Add with `NLM_F_EXCL` whatever the plan's mode: is it still there?
    Probe,
    Replace,
    Delete,
}

impl Ctx<'_> {
    fn send(&self, item: &Item, op: Op, what: &str) -> Result<Outcome, String> {
        match item {
            Item::Addr(a) => {
                let dev = a.dev.as_deref().ok_or("a static address needs a dev")?;
                let index = self
                    .host
                    .link(dev)
                    .map(|l| l.index)
                    .ok_or(format!("no interface {dev}"))?;
                let spec = AddrSpec::of(a, index);
                match op {
                    Op::Probe if self.host.has_addr(index, a.address) => Ok(Outcome::Exists),
                    Op::Delete => self.nl.address(&spec, false).map(|()| Outcome::Done),
                    _ => self.nl.address(&spec, true).map(|()| Outcome::Done),
                }
                .map_err(|e| e.to_string())
            }
            Item::Route(r) => {
                let mut spec = RouteSpec::of(r, self.host, self.names).map_err(|e| format!("{what}: {e}"))?;
                let op = match op {
                    Op::Add => RouteOp::Add,
                    Op::Probe => {
                        spec.mode = vigil_plan::RouteMode::Add;
                        RouteOp::Add
                    }
                    Op::Replace => RouteOp::Replace,
                    Op::Delete => RouteOp::Delete,
                };
                self.nl.route(&spec, op, what).map_err(|e| e.to_string())
            }
            Item::Rule(r) => {
                let spec = RuleSpec::of(r, self.names).map_err(|e| format!("{what}: {e}"))?;
                self.nl
                    .rule(&spec, !matches!(op, Op::Delete), what)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// One owner's items (an instance's virtual routes and rules, or the plan's static items), in
/// the order they are installed.
#[derive(Debug, Default)]
pub struct Set {
    /// `vrrp_instance VI_1` or `static`, for the log.
    pub owner: String,
    pub items: Vec<(Item, Held)>,
    /// Installed (master, or running for the static ones): retries and probes apply.
    pub wanted: bool,
}

impl Set {
    pub fn new(owner: impl Into<String>, items: impl IntoIterator<Item = Item>) -> Set {
        Set {
            owner: owner.into(),
            items: items.into_iter().map(|i| (i, Held::No)).collect(),
            wanted: false,
        }
    }

    /// The static addresses, routes and rules of a plan.
    pub fn statics(plan: &vigil_plan::Plan) -> Set {
        Set::new(
            "static",
            plan.static_addresses
                .iter()
                .cloned()
                .map(Item::Addr)
                .chain(plan.static_routes.iter().cloned().map(Item::Route))
                .chain(plan.static_rules.iter().cloned().map(Item::Rule)),
        )
    }

    /// An instance's virtual routes and rules.
    pub fn of_instance(i: &vigil_plan::VrrpInstance) -> Set {
        Set::new(
            format!("vrrp_instance {}", i.name),
            i.virtual_routes
                .iter()
                .cloned()
                .map(Item::Route)
                .chain(i.virtual_rules.iter().cloned().map(Item::Rule)),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether a tracked route or rule is in the set: route and rule events matter.
    pub fn needs_route_events(&self) -> bool {
        self.items
            .iter()
            .any(|(i, _)| !matches!(i, Item::Addr(_)) && i.tracked())
    }

    /// Installs every item not installed yet.
    pub fn install(&mut self, ctx: &Ctx) {
        self.wanted = true;
        for k in 0..self.items.len() {
            if matches!(self.items[k].1, Held::No | Held::Failed) {
                self.add(ctx, k, Op::Add);
            }
        }
    }

    fn add(&mut self, ctx: &Ctx, k: usize, op: Op) {
        let (item, held) = &mut self.items[k];
        let what = format!("{}: installing {}", self.owner, item.describe());
        let probe = matches!(op, Op::Probe);
        match ctx.send(item, op, &what) {
            Ok(Outcome::Done) => {
                if probe {
                    warn!(
                        "{}: {} was removed behind our back: put back",
                        self.owner,
                        item.describe()
                    );
                } else if *held == Held::Failed {
                    info!("{what}: done at last");
                } else {
                    debug!("{what}: done");
                }
                *held = Held::Ours;
            }
            Ok(Outcome::Exists) if probe => {}
            // keepalived takes EEXIST as success for a route or an address (and removes it
            // later like any other), as a failure for a rule (left alone).
            Ok(_) if !matches!(item, Item::Rule(_)) => {
                info!("{what}: the kernel has it already; as keepalived, it counts as installed and is removed with the rest");
                *held = Held::Ours;
            }
            Ok(_) => {
                warn!("{what}: the kernel has it already; not ours, it will not be removed (as keepalived)");
                *held = Held::Foreign;
            }
            Err(e) => {
                if *held == Held::Failed {
                    debug!("{e} (will retry)");
                } else {
                    error!("{e} (will retry when the host changes)");
                }
                *held = Held::Failed;
            }
        }
    }

    fn delete(&mut self, ctx: &Ctx, k: usize) {
        let (item, held) = &mut self.items[k];
        if *held == Held::Ours {
            let what = format!("{}: removing {}", self.owner, item.describe());
            match ctx.send(item, Op::Delete, &what) {
                Ok(Outcome::Missing) => debug!("{what}: gone already"),
                Ok(_) => debug!("{what}: done"),
                Err(e) => error!("{e}"),
            }
        }
        *held = Held::No;
    }

    /// Removes what we installed (in reverse order: rules before routes before addresses).
    pub fn remove(&mut self, ctx: &Ctx) {
        self.wanted = false;
        for k in (0..self.items.len()).rev() {
            self.delete(ctx, k);
        }
    }

    /// The host changed: retries what failed, and puts back a tracked item that is gone.
    pub fn refresh(&mut self, ctx: &Ctx) {
        if !self.wanted {
            return;
        }
        for k in 0..self.items.len() {
            match self.items[k].1 {
                Held::Failed => self.add(ctx, k, Op::Add),
                Held::Ours if self.items[k].0.tracked() => self.add(ctx, k, Op::Probe),
                _ => {}
            }
        }
    }

    /// The set of a new plan, keeping what did not change: an item unchanged (wherever it is
    /// written now) keeps its state, a route the kernel keys the same is replaced in place,
    /// the others are removed; the new ones are installed if the set is wanted.
    pub fn update(mut self, new: Set, ctx: &Ctx) -> Set {
        let mut out = Set {
            owner: new.owner,
            items: Vec::new(),
            wanted: self.wanted,
        };
        let mut replaced = Vec::new();
        for (item, _) in new.items {
            if let Some(p) = self.items.iter().position(|(o, _)| o.same(&item)) {
                let (_, held) = self.items.remove(p);
                out.items.push((item, held));
            } else {
                out.items.push((item, Held::No));
            }
        }
        // Changed routes still ours: replaced in place by their new line.
        for k in 0..out.items.len() {
            if out.items[k].1 != Held::No || !self.wanted {
                continue;
            }
            let Some(p) = self
                .items
                .iter()
                .position(|(o, h)| *h == Held::Ours && o.replaceable_by(&out.items[k].0))
            else {
                continue;
            };
            let (old, _) = self.items.remove(p);
            let what = format!(
                "{}: replacing {} by {}",
                out.owner,
                old.describe(),
                out.items[k].0.describe()
            );
            match ctx.send(&out.items[k].0, Op::Replace, &what) {
                Ok(_) => {
                    out.items[k].1 = Held::Ours;
                    replaced.push(k);
                }
                Err(e) => {
                    warn!("{e}: removing it and adding the new one");
                    self.items.push((old, Held::Ours));
                }
            }
        }
        for k in (0..self.items.len()).rev() {
            self.delete(ctx, k);
        }
        if out.wanted {
            out.install(ctx);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(text: &str) -> Item {
        Item::Route(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn items_compare_without_their_origin() {
        let a = route(
            r#"{"family": "ipv4", "dst": {"address": "10.6.0.0", "prefix_len": 24}, "dev": "eth0", "origin": {"file": "k", "line": 1}}"#,
        );
        let b = route(
            r#"{"family": "ipv4", "dst": {"address": "10.6.0.0", "prefix_len": 24}, "dev": "eth0", "origin": {"file": "k", "line": 9}}"#,
        );
        let c = route(
            r#"{"family": "ipv4", "dst": {"address": "10.6.0.0", "prefix_len": 24}, "dev": "eth0", "metrics": ["mtu 1400"], "origin": {"file": "k", "line": 9}}"#,
        );
        let d = route(
            r#"{"family": "ipv4", "dst": {"address": "10.6.0.0", "prefix_len": 24}, "dev": "eth1", "origin": {"file": "k", "line": 9}}"#,
        );
        assert!(a.same(&b));
        assert!(!a.same(&c));
        assert!(a.replaceable_by(&c));
        assert!(!a.replaceable_by(&d));
        assert_eq!(a.describe(), "route 10.6.0.0/24 dev eth0 (k:1)");
    }
}
