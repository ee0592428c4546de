//! A switch's VLANs from Q-BRIDGE-MIB (RFC 4363): names, member ports, each port's native
//! VLAN, and which forwarding database serves which VLAN.
use super::{Session, Val, index, int, text};
use crate::scan::error::ProbeError;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// dot1qVlanStaticName, indexed by VLAN id.
const VLAN_NAME: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 3, 1, 1];
/// dot1qVlanFdbId / dot1qVlanCurrentEgressPorts / dot1qVlanCurrentUntaggedPorts, indexed by
/// time mark then VLAN id.
const VLAN_FDB_ID: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 3];
const VLAN_EGRESS: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 4];
const VLAN_UNTAGGED: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 2, 1, 5];
/// dot1qPvid, indexed by bridge port.
const PORT_PVID: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 4, 5, 1, 1];

/// The columns [`vlan_table`] reads, for one prefetch.
pub const COLUMNS: [&[u64]; 5] = [
    VLAN_NAME,
    VLAN_FDB_ID,
    VLAN_EGRESS,
    VLAN_UNTAGGED,
    PORT_PVID,
];

/// One VLAN and its bridge ports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vlan {
    pub name: Option<String>,
    /// Bridge ports carrying it, tagged or not.
    pub ports: BTreeSet<i64>,
    /// Bridge ports sending it untagged (access ports).
    pub untagged: BTreeSet<i64>,
}

/// What Q-BRIDGE-MIB says; empty for a switch without VLANs (or without the MIB).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VlanTable {
    pub vlans: BTreeMap<u16, Vlan>,
    fdb_vlan: HashMap<u64, u16>,
    pvid: HashMap<i64, u16>,
}

fn vlan_id(n: u64) -> Option<u16> {
    u16::try_from(n).ok().filter(|v| (1..=4094).contains(v))
}

/// The bridge ports set in a PortList (the first octet's high bit is port 1).
fn port_list(v: &Val) -> BTreeSet<i64> {
    let Val::Text(bytes) = v else {
        return BTreeSet::new();
    };
    let mut ports = BTreeSet::new();
    for (i, byte) in bytes.iter().enumerate() {
        for bit in 0..8 {
            if byte & (0x80 >> bit) != 0 {
                ports.insert((i * 8 + bit + 1) as i64);
            }
        }
    }
    ports
}

impl VlanTable {
    /// The VLAN an FDB id serves: the switch's own mapping, else the id itself when it names
    /// a VLAN the switch has (independent VLAN learning, as most switches do).
    pub fn vlan_of_fdb(&self, fdb: u64) -> Option<u16> {
        self.fdb_vlan
            .get(&fdb)
            .copied()
            .or_else(|| vlan_id(fdb).filter(|v| self.vlans.contains_key(v)))
    }

    /// A bridge port's native (untagged ingress) VLAN.
    pub fn native_vlan(&self, bridge_port: i64) -> Option<u16> {
        self.pvid.get(&bridge_port).copied()
    }
}

/// The switch's VLANs. A switch without Q-BRIDGE-MIB answers with empty tables; a walk cut
/// short is an error.
pub async fn vlan_table(s: &mut Session) -> Result<VlanTable, ProbeError> {
    let mut table = VlanTable::default();
    for (n, v) in s.table(VLAN_NAME, "VLAN table").await? {
        if let Some(id) = index(&n, VLAN_NAME).first().copied().and_then(vlan_id) {
            table.vlans.entry(id).or_default().name = text(&v);
        }
    }
    // Rows of the current table are indexed by a time mark (0 on most agents), then the VLAN.
    let vlan_of = |n: &[u64], root: &[u64]| index(n, root).get(1).copied().and_then(vlan_id);
    for (n, v) in s.table(VLAN_FDB_ID, "VLAN table").await? {
        if let (Some(id), Some(fdb)) = (vlan_of(&n, VLAN_FDB_ID), int(&v)) {
            table.fdb_vlan.entry(fdb as u64).or_insert(id);
            table.vlans.entry(id).or_default();
        }
    }
    for (n, v) in s.table(VLAN_EGRESS, "VLAN table").await? {
        if let Some(id) = vlan_of(&n, VLAN_EGRESS) {
            table.vlans.entry(id).or_default().ports = port_list(&v);
        }
    }
    for (n, v) in s.table(VLAN_UNTAGGED, "VLAN table").await? {
        if let Some(id) = vlan_of(&n, VLAN_UNTAGGED) {
            table.vlans.entry(id).or_default().untagged = port_list(&v);
        }
    }
    for (n, v) in s.table(PORT_PVID, "VLAN table").await? {
        if let (Some(port), Some(id)) = (
            index(&n, PORT_PVID).first(),
            int(&v).and_then(|i| vlan_id(i as u64)),
        ) {
            table.pvid.insert(*port as i64, id);
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_lists_count_from_the_high_bit() {
        let ports = port_list(&Val::Text(vec![0b1000_0001, 0, 0b0100_0000]));
        assert_eq!(ports.into_iter().collect::<Vec<_>>(), vec![1, 8, 18]);
        assert!(port_list(&Val::Int(3)).is_empty());
    }

    #[test]
    fn fdb_ids_map_to_vlans_by_table_or_by_id() {
        let mut t = VlanTable::default();
        t.vlans.insert(10, Vlan::default());
        t.fdb_vlan.insert(7, 20);
        assert_eq!(t.vlan_of_fdb(7), Some(20));
        assert_eq!(t.vlan_of_fdb(10), Some(10));
        assert_eq!(
            t.vlan_of_fdb(30),
            None,
            "an FDB id the switch has no VLAN for"
        );
        assert_eq!(
            VlanTable::default().vlan_of_fdb(1),
            None,
            "no VLANs: no guess"
        );
    }
}
