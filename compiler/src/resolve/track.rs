//! What keepalived does to tracker weights at load time (`vrrp_complete_instance` and
//! `sync_group_tracking_init`): the one rule the checks (KA0412) report and the plan applies.

/// The kind of a tracking line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Interface,
    Script,
    File,
    Process,
    Bfd,
}

/// Why an instance's tracker weights are not its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Override {
    /// A member of a sync group without `sync_group_tracking_weight`.
    SyncGroup,
    /// The address owner (priority 255).
    Owner,
}

/// What becomes of one tracker with a weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adjusted {
    /// Kept with this weight.
    Weight(i32),
    /// Not tracked at all.
    Dropped,
}

/// Why the instance's weights are overridden, if they are: a sync-group member without
/// `sync_group_tracking_weight` first, else the owner.
pub fn instance_override(owner: bool, in_group_without_tracking_weight: bool) -> Option<Override> {
    if in_group_without_tracking_weight {
        Some(Override::SyncGroup)
    } else if owner {
        Some(Override::Owner)
    } else {
        None
    }
}

/// A tracker of an instance whose weights are overridden: a weighted interface gets weight 0 in
/// a sync group and is not tracked by the owner; a weighted script or BFD session is dropped; a
/// track_file of weight 1 (its default) gets weight 0 and one of another weight is dropped;
/// processes keep their weight (keepalived 2.2.7 leaves them alone).
pub fn in_instance(kind: Kind, weight: i32, why: Option<Override>) -> Adjusted {
    let Some(why) = why else {
        return Adjusted::Weight(weight);
    };
    if weight == 0 {
        return Adjusted::Weight(0);
    }
    match kind {
        Kind::Interface if why == Override::SyncGroup => Adjusted::Weight(0),
        Kind::Interface | Kind::Script | Kind::Bfd => Adjusted::Dropped,
        Kind::File if weight == 1 => Adjusted::Weight(0),
        Kind::File => Adjusted::Dropped,
        Kind::Process => Adjusted::Weight(weight),
    }
}

/// A tracker of a sync group: every weight is cleared when a member is the address owner.
pub fn in_group(weight: i32, member_is_owner: bool) -> i32 {
    if member_is_owner {
        0
    } else {
        weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_of_owners_and_sync_group_members() {
        let sync = instance_override(true, true);
        assert_eq!(sync, Some(Override::SyncGroup));
        assert_eq!(in_instance(Kind::Interface, 5, sync), Adjusted::Weight(0));
        assert_eq!(
            in_instance(Kind::Interface, 5, Some(Override::Owner)),
            Adjusted::Dropped
        );
        assert_eq!(in_instance(Kind::Script, -5, sync), Adjusted::Dropped);
        assert_eq!(in_instance(Kind::File, 1, sync), Adjusted::Weight(0));
        assert_eq!(in_instance(Kind::File, 3, sync), Adjusted::Dropped);
        assert_eq!(in_instance(Kind::Process, 3, sync), Adjusted::Weight(3));
        assert_eq!(in_instance(Kind::Script, 0, sync), Adjusted::Weight(0));
        assert_eq!(in_instance(Kind::Script, 7, None), Adjusted::Weight(7));
        assert_eq!(in_group(7, true), 0);
        assert_eq!(in_group(7, false), 7);
    }
}
