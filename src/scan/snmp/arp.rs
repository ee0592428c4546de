//! A router's address table: which MAC answers for which IP on its interfaces, for IPv4 and
//! IPv6 (IP-MIB ipNetToPhysicalTable, RFC 4293), or IPv4 only from older agents
//! (ipNetToMediaTable). It lists the devices of routed subnets an agent cannot ARP for.
use super::{Session, index, int, mac_value};
use crate::model::MacAddr;
use crate::scan::error::ProbeError;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// ipNetToPhysicalPhysAddress / ipNetToPhysicalType, indexed by ifIndex, address type,
/// length, address.
const PHYS_ADDRESS: &[u64] = &[1, 3, 6, 1, 2, 1, 4, 35, 1, 4];
const PHYS_TYPE: &[u64] = &[1, 3, 6, 1, 2, 1, 4, 35, 1, 6];
/// ipNetToMediaPhysAddress / ipNetToMediaType, indexed by ifIndex then the IPv4 address.
const MEDIA_ADDRESS: &[u64] = &[1, 3, 6, 1, 2, 1, 4, 22, 1, 2];
const MEDIA_TYPE: &[u64] = &[1, 3, 6, 1, 2, 1, 4, 22, 1, 4];
/// The columns [`address_table`] may read, for one prefetch.
pub const COLUMNS: [&[u64]; 4] = [PHYS_TYPE, PHYS_ADDRESS, MEDIA_TYPE, MEDIA_ADDRESS];
/// Row types that hold no neighbour: invalid(2), and local(5) (the router's own address).
const NOT_A_NEIGHBOUR: [i64; 2] = [2, 5];

/// One neighbour a router knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressEntry {
    pub ip: IpAddr,
    pub mac: MacAddr,
    pub if_index: Option<u32>,
}

fn octets(idx: &[u64]) -> Option<Vec<u8>> {
    idx.iter().map(|o| u8::try_from(*o).ok()).collect()
}

/// ifIndex, then the address a row index spells: `type.len.addr` (physical table) or four
/// octets (media table).
fn address_of(idx: &[u64], physical: bool) -> Option<(u32, IpAddr)> {
    let (&if_index, rest) = idx.split_first()?;
    let if_index = u32::try_from(if_index).ok()?;
    if !physical {
        let four: [u8; 4] = octets(rest)?.try_into().ok()?;
        return Some((if_index, IpAddr::V4(Ipv4Addr::from(four))));
    }
    let (kind, len, addr) = (*rest.first()?, *rest.get(1)?, rest.get(2..)?);
    if addr.len() as u64 != len {
        return None;
    }
    let bytes = octets(addr)?;
    let ip = match kind {
        1 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        2 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some((if_index, ip))
}

/// Whether a MAC is a device's own (not all zeros, broadcast or multicast).
fn is_unicast(mac: &MacAddr) -> bool {
    mac.0 != [0; 6] && mac.0[0] & 1 == 0
}

async fn read(
    s: &mut Session,
    address: &[u64],
    kind: &[u64],
    physical: bool,
) -> Result<Vec<AddressEntry>, ProbeError> {
    let types: BTreeMap<Vec<u64>, i64> = s
        .table(kind, "address table")
        .await?
        .into_iter()
        .filter_map(|(n, v)| Some((index(&n, kind).to_vec(), int(&v)?)))
        .collect();
    let mut out = Vec::new();
    for (n, v) in s.table(address, "address table").await? {
        let idx = index(&n, address);
        if types.get(idx).is_some_and(|t| NOT_A_NEIGHBOUR.contains(t)) {
            continue;
        }
        let (Some((if_index, ip)), Some(mac)) = (address_of(idx, physical), mac_value(&v)) else {
            continue;
        };
        if is_unicast(&mac) && !ip.is_loopback() && !ip.is_unspecified() {
            out.push(AddressEntry {
                ip,
                mac,
                if_index: Some(if_index),
            });
        }
    }
    Ok(out)
}

/// The router's neighbours: ipNetToPhysicalTable, or ipNetToMediaTable when an older agent
/// has only that. Sorted by address, one row per address.
pub async fn address_table(s: &mut Session) -> Result<Vec<AddressEntry>, ProbeError> {
    let mut rows = read(s, PHYS_ADDRESS, PHYS_TYPE, true).await?;
    if rows.is_empty() {
        rows = read(s, MEDIA_ADDRESS, MEDIA_TYPE, false).await?;
    }
    rows.sort_by_key(|r| r.ip);
    rows.dedup_by_key(|r| r.ip);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_indexes_spell_the_address() {
        assert_eq!(
            address_of(&[3, 1, 4, 10, 20, 0, 7], true),
            Some((3, "10.20.0.7".parse().unwrap()))
        );
        let v6: Vec<u64> = [2u64, 16]
            .into_iter()
            .chain([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
            .collect();
        let mut idx = vec![5];
        idx.extend(v6);
        assert_eq!(
            address_of(&idx, true),
            Some((5, "fe80::1".parse().unwrap()))
        );
        assert_eq!(
            address_of(&[3, 1, 4, 10, 20, 0], true),
            None,
            "length disagrees"
        );
        assert_eq!(
            address_of(&[2, 192, 168, 1, 9], false),
            Some((2, "192.168.1.9".parse().unwrap()))
        );
        assert_eq!(address_of(&[2, 192, 168, 1, 300], false), None);
    }

    #[test]
    fn only_unicast_macs_are_devices() {
        assert!(is_unicast(&MacAddr([0, 0x0c, 0x29, 1, 2, 3])));
        assert!(!is_unicast(&MacAddr([0; 6])));
        assert!(!is_unicast(&MacAddr([0xff; 6])));
        assert!(!is_unicast(&MacAddr([0x01, 0, 0x5e, 0, 0, 1])));
    }
}
