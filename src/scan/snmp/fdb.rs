//! A switch's MAC forwarding table: BRIDGE-MIB, then Q-BRIDGE-MIB (per FDB, so per VLAN);
//! bridge ports named through IF-MIB.
use super::vlans::VlanTable;
use super::{Session, index, int, mac_of, text};
use crate::model::MacAddr;
use crate::scan::error::ProbeError;
use std::collections::{BTreeMap, HashMap};

/// dot1dBasePortIfIndex: bridge port number → ifIndex.
pub(super) const BASE_PORT_IF_INDEX: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2];
/// dot1dTpFdbPort / dot1dTpFdbStatus, indexed by the six MAC octets.
const FDB_PORT: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 2];
const FDB_STATUS: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3];
/// dot1qTpFdbPort / dot1qTpFdbStatus, indexed by FDB id then the six MAC octets.
const QFDB_PORT: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2];
const QFDB_STATUS: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 3];
const IF_NAME: &[u64] = &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1];
const IF_DESCR: &[u64] = &[1, 3, 6, 1, 2, 1, 2, 2, 1, 2];

/// The columns a forwarding table is read from (bridge ports first), for one prefetch.
pub const FORWARDING_COLUMNS: [&[u64]; 5] = [
    BASE_PORT_IF_INDEX,
    FDB_STATUS,
    FDB_PORT,
    QFDB_STATUS,
    QFDB_PORT,
];
/// The columns ports are named from.
pub const PORT_NAME_COLUMNS: [&[u64]; 2] = [IF_DESCR, IF_NAME];

/// dot1dTpFdbStatus values that do not place a device: invalid(2), self(4).
const FDB_NOT_A_DEVICE: [i64; 2] = [2, 4];
/// A port with more learned MACs than this is an uplink to another switch: it says where
/// traffic goes, not where a device is plugged in.
pub const UPLINK_MIN_MACS: usize = 16;

/// One MAC in a switch's forwarding table and the port it was learned on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardingEntry {
    pub mac: MacAddr,
    /// ifName (or ifDescr, or "port N" when the switch names nothing).
    pub port: String,
    pub port_index: Option<u32>,
    /// Learned on a port carrying many MACs: not where the device is plugged in.
    pub uplink: bool,
    /// The VLAN it was learned in (Q-BRIDGE FDB), else its port's native VLAN.
    pub vlan: Option<u16>,
}

/// Ports by ifIndex: ifName wins over ifDescr.
pub async fn port_names(s: &mut Session) -> Result<HashMap<i64, String>, ProbeError> {
    let mut names = HashMap::new();
    for table in [IF_DESCR, IF_NAME] {
        // ifName is read second and overwrites.
        for (n, v) in s.table(table, "interface table").await? {
            if let (Some(i), Some(name)) = (index(&n, table).first(), text(&v)) {
                names.insert(*i as i64, name);
            }
        }
    }
    Ok(names)
}

/// Bridge port → ifIndex.
pub async fn bridge_ports(s: &mut Session) -> Result<HashMap<i64, i64>, ProbeError> {
    Ok(s.first_walk(BASE_PORT_IF_INDEX)
        .await?
        .iter()
        .filter_map(|(n, v)| Some((*index(n, BASE_PORT_IF_INDEX).first()? as i64, int(v)?)))
        .collect())
}

/// Which MAC was learned on which port, in which VLAN, from an open session. An error when
/// the switch does not answer; `vlans` turns FDB ids into VLANs and gives ports' native VLAN.
pub async fn forwarding_table(
    s: &mut Session,
    vlans: &VlanTable,
    if_index: &HashMap<i64, i64>,
    names: &HashMap<i64, String>,
) -> Result<Vec<ForwardingEntry>, ProbeError> {
    // MAC → (bridge port, VLAN), BRIDGE-MIB first; Q-BRIDGE-MIB adds what a VLAN-aware
    // switch keeps only per FDB.
    let mut learned: BTreeMap<MacAddr, (i64, Option<u16>)> = BTreeMap::new();
    for (port_table, status_table, per_fdb) in [
        (FDB_PORT, FDB_STATUS, false),
        (QFDB_PORT, QFDB_STATUS, true),
    ] {
        let status: HashMap<Vec<u64>, i64> = s
            .table(status_table, "forwarding table")
            .await?
            .into_iter()
            .filter_map(|(n, v)| Some((index(&n, status_table).to_vec(), int(&v)?)))
            .collect();
        for (n, v) in s.table(port_table, "forwarding table").await? {
            let idx = index(&n, port_table);
            let skip = status
                .get(idx)
                .is_some_and(|s| FDB_NOT_A_DEVICE.contains(s));
            let mac_at = usize::from(per_fdb);
            let (Some(mac), Some(port)) = (idx.get(mac_at..).and_then(mac_of), int(&v)) else {
                continue;
            };
            let vlan = if per_fdb {
                idx.first().and_then(|fdb| vlans.vlan_of_fdb(*fdb))
            } else {
                None
            };
            if !skip && port > 0 {
                let vlan = vlan.or_else(|| vlans.native_vlan(port));
                learned.entry(mac).or_insert((port, vlan));
            }
        }
    }
    let mut per_port: HashMap<i64, usize> = HashMap::new();
    for (port, _) in learned.values() {
        *per_port.entry(*port).or_default() += 1;
    }
    Ok(learned
        .into_iter()
        .map(|(mac, (port, vlan))| {
            let ifx = if_index.get(&port).copied().unwrap_or(port);
            ForwardingEntry {
                mac,
                port: names
                    .get(&ifx)
                    .cloned()
                    .unwrap_or_else(|| format!("port {port}")),
                port_index: u32::try_from(ifx).ok(),
                uplink: per_port[&port] > UPLINK_MIN_MACS,
                vlan,
            }
        })
        .collect())
}
