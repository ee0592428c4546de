//! Cisco switches keep one forwarding table per VLAN and no Q-BRIDGE-MIB: their VLANs come
//! from CISCO-VTP-MIB, and each VLAN's BRIDGE-MIB is read in that VLAN's context — the
//! community `C@<vlan>` on v1/v2c, the context `vlan-<vlan>` on SNMPv3.
use super::fdb::{self, ForwardingEntry, UPLINK_MIN_MACS};
use super::vlans::VlanTable;
use super::{Session, SnmpOptions, index, int, text};
use crate::model::site_config::SwitchCredentials;
use crate::scan::error::ProbeError;
use std::collections::{BTreeMap, HashMap};

/// vtpVlanState / vtpVlanName, indexed by management domain then VLAN id.
const VTP_VLAN_STATE: &[u64] = &[1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 3, 1, 1, 2];
const VTP_VLAN_NAME: &[u64] = &[1, 3, 6, 1, 4, 1, 9, 9, 46, 1, 3, 1, 1, 4];
/// The columns [`vtp_vlans`] reads, for one prefetch.
pub const VTP_COLUMNS: [&[u64]; 2] = [VTP_VLAN_STATE, VTP_VLAN_NAME];
/// vtpVlanState operational(1).
const OPERATIONAL: i64 = 1;
/// VLANs 1002-1005 are FDDI and Token Ring defaults every Cisco switch lists.
const RESERVED: std::ops::RangeInclusive<u16> = 1002..=1005;
/// The most VLANs whose tables one poll reads (each costs a session and a walk).
pub const MAX_VLANS: usize = 256;

/// The switch's operational VLANs (id → name) from CISCO-VTP-MIB; empty on other switches.
pub async fn vtp_vlans(s: &mut Session) -> Result<BTreeMap<u16, Option<String>>, ProbeError> {
    let vlan_of = |n: &[u64], root: &[u64]| {
        index(n, root)
            .get(1)
            .and_then(|v| u16::try_from(*v).ok())
            .filter(|v| (1..=4094).contains(v) && !RESERVED.contains(v))
    };
    let mut out = BTreeMap::new();
    for (n, v) in s.table(VTP_VLAN_STATE, "VTP VLAN table").await? {
        if let (Some(id), Some(OPERATIONAL)) = (vlan_of(&n, VTP_VLAN_STATE), int(&v)) {
            out.insert(id, None);
        }
    }
    if !out.is_empty() {
        for (n, v) in s.table(VTP_VLAN_NAME, "VTP VLAN table").await? {
            if let Some(slot) = vlan_of(&n, VTP_VLAN_NAME).and_then(|id| out.get_mut(&id)) {
                *slot = text(&v);
            }
        }
    }
    Ok(out)
}

/// VLAN `vid`'s forwarding table, read in its context.
async fn vlan_table(
    target: &SwitchCredentials,
    opts: &SnmpOptions,
    vid: u16,
    names: &HashMap<i64, String>,
) -> Result<Vec<ForwardingEntry>, ProbeError> {
    let mut s = Session::open(&in_vlan(target, vid), opts).await?;
    s.prefetch(&fdb::FORWARDING_COLUMNS.map(<[u64]>::to_vec))
        .await?;
    let ports = fdb::bridge_ports(&mut s).await?;
    let mut entries = fdb::forwarding_table(&mut s, &VlanTable::default(), &ports, names).await?;
    for e in &mut entries {
        e.vlan = Some(vid);
    }
    Ok(entries)
}

/// The credentials that read VLAN `vid`'s tables.
fn in_vlan(target: &SwitchCredentials, vid: u16) -> SwitchCredentials {
    let mut per = target.clone();
    match &mut per.usm {
        Some(usm) => usm.context = format!("vlan-{vid}"),
        None => per.community = format!("{}@{vid}", target.community),
    }
    per
}

/// Every VLAN's forwarding table, each MAC tagged with its VLAN; ports are named through
/// `names` (ifIndex → name, the same in every context). A trunk carries many VLANs' MACs,
/// so uplinks are counted over all of them. A VLAN whose context does not answer (VTP lists
/// the domain's VLANs, not only this switch's) is skipped; none answering is an error.
pub async fn per_vlan_forwarding(
    target: &SwitchCredentials,
    opts: &SnmpOptions,
    vlans: &BTreeMap<u16, Option<String>>,
    names: &HashMap<i64, String>,
) -> Result<Vec<ForwardingEntry>, ProbeError> {
    let mut learned: BTreeMap<crate::model::MacAddr, ForwardingEntry> = BTreeMap::new();
    let mut answered = false;
    let mut last_error = None;
    for vid in vlans.keys().take(MAX_VLANS) {
        match vlan_table(target, opts, *vid, names).await {
            Ok(entries) => {
                answered = true;
                for e in entries {
                    learned.entry(e.mac).or_insert(e);
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    if let (false, Some(e)) = (answered, last_error) {
        return Err(e);
    }
    let mut per_port: HashMap<String, usize> = HashMap::new();
    for e in learned.values() {
        *per_port.entry(e.port.clone()).or_default() += 1;
    }
    Ok(learned
        .into_values()
        .map(|mut e| {
            e.uplink = per_port[&e.port] > UPLINK_MIN_MACS;
            e
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::snmp_access::{AuthProtocol, UsmCredentials};

    #[test]
    fn each_vlan_is_read_with_its_community_or_context() {
        let v2 = SwitchCredentials::community("sw", "s3cret", "2c");
        assert_eq!(in_vlan(&v2, 20).community, "s3cret@20");
        let mut v3 = v2.clone();
        v3.community.clear();
        v3.snmp_version = "3".into();
        v3.usm = Some(UsmCredentials {
            user: "u".into(),
            auth: AuthProtocol::Sha1,
            auth_pass: "p".repeat(8),
            privacy: None,
            priv_pass: String::new(),
            context: String::new(),
        });
        let per = in_vlan(&v3, 30);
        assert_eq!(
            (per.usm.unwrap().context.as_str(), per.community.as_str()),
            ("vlan-30", "")
        );
    }
}
