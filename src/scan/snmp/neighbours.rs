//! What a switch hears from the devices cabled to it: LLDP (LLDP-MIB, IEEE 802.1AB) and
//! Cisco's CDP (CISCO-CDP-MIB). Each neighbour is one end of a link: our port, its chassis
//! and port, its name, what it is, and where it is managed.
use super::{Session, Val, index, int, text};
pub use crate::model::gear::{LocalIdentity, Neighbour};
use crate::scan::error::ProbeError;
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const LLDP: &[u64] = &[1, 0, 8802, 1, 1, 2, 1];
/// lldpLocChassisIdSubtype.0, lldpLocChassisId.0, lldpLocSysName.0 (under LLDP).
const LOC_CHASSIS_SUBTYPE: &[u64] = &[3, 1];
const LOC_CHASSIS_ID: &[u64] = &[3, 2];
const LOC_SYS_NAME: &[u64] = &[3, 3];
/// lldpLocPortId, indexed by lldpLocPortNum.
const LOC_PORT_ID: &[u64] = &[3, 7, 1, 3];
/// lldpRemEntry: columns indexed by time mark, local port number, remote index.
const REM_ENTRY: &[u64] = &[4, 1, 1];
const REM_CHASSIS_SUBTYPE: u64 = 4;
const REM_CHASSIS_ID: u64 = 5;
const REM_PORT_SUBTYPE: u64 = 6;
const REM_PORT_ID: u64 = 7;
const REM_PORT_DESC: u64 = 8;
const REM_SYS_NAME: u64 = 9;
const REM_SYS_DESC: u64 = 10;
const REM_CAPS_ENABLED: u64 = 12;
/// The lldpRemEntry columns read (not the whole entry: its supported capabilities and
/// anything a vendor adds stay unread).
const REM_COLUMNS: [u64; 8] = [
    REM_CHASSIS_SUBTYPE,
    REM_CHASSIS_ID,
    REM_PORT_SUBTYPE,
    REM_PORT_ID,
    REM_PORT_DESC,
    REM_SYS_NAME,
    REM_SYS_DESC,
    REM_CAPS_ENABLED,
];
/// lldpRemManAddrIfSubtype, indexed by the remote's three, then address subtype, length and
/// address octets.
const REM_MAN_ADDR: &[u64] = &[4, 2, 1, 3];
/// cdpCacheEntry: columns indexed by ifIndex and device index.
const CDP_ENTRY: &[u64] = &[1, 3, 6, 1, 4, 1, 9, 9, 23, 1, 2, 1, 1];
const CDP_ADDRESS: u64 = 4;
const CDP_DEVICE_ID: u64 = 6;
const CDP_DEVICE_PORT: u64 = 7;
const CDP_PLATFORM: u64 = 8;
const CDP_CAPABILITIES: u64 = 9;
const CDP_COLUMNS: [u64; 5] = [
    CDP_ADDRESS,
    CDP_DEVICE_ID,
    CDP_DEVICE_PORT,
    CDP_PLATFORM,
    CDP_CAPABILITIES,
];
/// The local scalars an identity is read from.
const LOC_SCALARS: [&[u64]; 3] = [LOC_CHASSIS_SUBTYPE, LOC_CHASSIS_ID, LOC_SYS_NAME];

fn under(tail: &[u64]) -> Vec<u64> {
    LLDP.iter().chain(tail).copied().collect()
}

fn column(entry: &[u64], c: u64) -> Vec<u64> {
    entry.iter().copied().chain([c]).collect()
}

/// Every column [`local_identity`] and [`neighbours`] read, for one prefetch.
pub fn columns() -> Vec<Vec<u64>> {
    let rem = under(REM_ENTRY);
    LOC_SCALARS
        .iter()
        .map(|s| under(s))
        .chain([under(LOC_PORT_ID), under(REM_MAN_ADDR)])
        .chain(REM_COLUMNS.iter().map(|c| column(&rem, *c)))
        .chain(CDP_COLUMNS.iter().map(|c| column(CDP_ENTRY, *c)))
        .collect()
}

/// The rows of `entry`'s `columns`, one walk each (answered from a prefetch when there was
/// one).
async fn entry_rows(
    s: &mut Session,
    entry: &[u64],
    columns: &[u64],
    what: &str,
) -> Result<Vec<(Vec<u64>, Val)>, ProbeError> {
    let mut rows = Vec::new();
    for c in columns {
        rows.extend(s.table(&column(entry, *c), what).await?);
    }
    Ok(rows)
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// An LLDP chassis or port id by its subtype: MAC addresses (chassis 4, port 3) in colon
/// hex, network addresses (chassis 5, port 4) as addresses, everything else as text (or
/// hex when it is not printable).
fn lldp_id(subtype: Option<i64>, v: &Val, mac_subtype: i64, addr_subtype: i64) -> Option<String> {
    let Val::Text(bytes) = v else {
        return text(v);
    };
    if subtype == Some(mac_subtype) && bytes.len() == 6 {
        return Some(colon_hex(bytes));
    }
    if subtype == Some(addr_subtype)
        && let Some(ip) = bytes.get(1..).and_then(ip_from)
    {
        return Some(ip.to_string());
    }
    let printable = bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    if printable {
        text(v)
    } else {
        (!bytes.is_empty()).then(|| colon_hex(bytes))
    }
}

fn ip_from(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?))),
        16 => Some(IpAddr::V6(Ipv6Addr::from(
            <[u8; 16]>::try_from(bytes).ok()?,
        ))),
        _ => None,
    }
}

/// LLDP system capabilities (a BITS value: bit 0 is the first octet's high bit).
fn lldp_capabilities(v: &Val) -> Vec<String> {
    const NAMES: [&str; 11] = [
        "other", "repeater", "bridge", "wlan-ap", "router", "phone", "docsis", "station", "c-vlan",
        "s-vlan", "tpmr",
    ];
    let Val::Text(bytes) = v else {
        return Vec::new();
    };
    NAMES
        .iter()
        .enumerate()
        .filter(|(bit, _)| {
            bytes
                .get(bit / 8)
                .is_some_and(|b| b & (0x80 >> (bit % 8)) != 0)
        })
        .map(|(_, n)| n.to_string())
        .collect()
}

/// CDP capabilities (a 32-bit mask in four octets).
fn cdp_capabilities(v: &Val) -> Vec<String> {
    const BITS: [(u32, &str); 8] = [
        (0x01, "router"),
        (0x02, "bridge"),
        (0x08, "bridge"),
        (0x10, "station"),
        (0x40, "repeater"),
        (0x80, "phone"),
        (0x100, "managed"),
        (0x4000, "wlan-ap"),
    ];
    let mask = match v {
        Val::Text(b) if b.len() == 4 => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        Val::Int(n) => *n as u32,
        _ => return Vec::new(),
    };
    let mut caps: Vec<String> = BITS
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|(_, n)| n.to_string())
        .collect();
    caps.dedup();
    caps
}

/// Rows of one table entry, grouped by index: index → column → value.
type Columns = BTreeMap<Vec<u64>, HashMap<u64, Val>>;

fn by_row(rows: Vec<(Vec<u64>, Val)>, entry: &[u64]) -> Columns {
    let mut out = Columns::new();
    for (n, v) in rows {
        if let Some((column, idx)) = index(&n, entry).split_first() {
            out.entry(idx.to_vec()).or_default().insert(*column, v);
        }
    }
    out
}

/// This switch's own LLDP identity.
pub async fn local_identity(s: &mut Session) -> Result<LocalIdentity, ProbeError> {
    let mut rows = Vec::new();
    for scalar in LOC_SCALARS {
        rows.extend(s.table(&under(scalar), "LLDP local data").await?);
    }
    let find = |tail: &[u64]| {
        let name: Vec<u64> = under(tail).into_iter().chain([0]).collect();
        rows.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let subtype = find(LOC_CHASSIS_SUBTYPE).as_ref().and_then(int);
    Ok(LocalIdentity {
        chassis_id: find(LOC_CHASSIS_ID).and_then(|v| lldp_id(subtype, &v, 4, 5)),
        sys_name: find(LOC_SYS_NAME).as_ref().and_then(text),
    })
}

async fn lldp(s: &mut Session, names: &HashMap<i64, String>) -> Result<Vec<Neighbour>, ProbeError> {
    let entry = under(REM_ENTRY);
    let rows = entry_rows(s, &entry, &REM_COLUMNS, "LLDP neighbours").await?;
    let remotes = by_row(rows, &entry);
    if remotes.is_empty() {
        return Ok(Vec::new());
    }
    let loc_port = under(LOC_PORT_ID);
    let local_ports: HashMap<u64, String> = s
        .table(&loc_port, "LLDP local ports")
        .await?
        .into_iter()
        .filter_map(|(n, v)| Some((*index(&n, &loc_port).first()?, text(&v)?)))
        .collect();
    // Management addresses, by the remote's index (time mark, local port, remote index).
    let man = under(REM_MAN_ADDR);
    let mut mgmt: HashMap<Vec<u64>, IpAddr> = HashMap::new();
    for (n, _) in s.table(&man, "LLDP management addresses").await? {
        let idx = index(&n, &man);
        let (Some(key), Some(rest)) = (idx.get(..3), idx.get(3..)) else {
            continue;
        };
        // Address subtype (1 IPv4, 2 IPv6), length, octets.
        let bytes: Option<Vec<u8>> = rest.iter().skip(2).map(|o| u8::try_from(*o).ok()).collect();
        if let Some(ip) = bytes.as_deref().and_then(ip_from) {
            mgmt.entry(key.to_vec()).or_insert(ip);
        }
    }
    let mut out = Vec::new();
    for (idx, cols) in remotes {
        let Some(&port_num) = idx.get(1) else {
            continue;
        };
        let get = |c: u64| cols.get(&c);
        let chassis = get(REM_CHASSIS_ID)
            .and_then(|v| lldp_id(get(REM_CHASSIS_SUBTYPE).and_then(int), v, 4, 5));
        let port =
            get(REM_PORT_ID).and_then(|v| lldp_id(get(REM_PORT_SUBTYPE).and_then(int), v, 3, 4));
        let Some(chassis_id) = chassis else { continue };
        let local_port = names
            .get(&(port_num as i64))
            .or_else(|| local_ports.get(&port_num))
            .cloned()
            .unwrap_or_else(|| format!("port {port_num}"));
        out.push(Neighbour {
            protocol: "lldp".into(),
            local_port,
            local_port_index: u32::try_from(port_num).ok(),
            chassis_id,
            port_id: port.unwrap_or_default(),
            port_descr: get(REM_PORT_DESC).and_then(text),
            sys_name: get(REM_SYS_NAME).and_then(text),
            description: get(REM_SYS_DESC).and_then(text),
            capabilities: get(REM_CAPS_ENABLED)
                .map(lldp_capabilities)
                .unwrap_or_default(),
            mgmt_address: mgmt.get(&idx[..3.min(idx.len())]).copied(),
        });
    }
    Ok(out)
}

async fn cdp(s: &mut Session, names: &HashMap<i64, String>) -> Result<Vec<Neighbour>, ProbeError> {
    let rows = entry_rows(s, CDP_ENTRY, &CDP_COLUMNS, "CDP neighbours").await?;
    Ok(cdp_rows(rows, names))
}

/// cdpCacheTable's rows as neighbours (a row without a device id is no neighbour).
fn cdp_rows(rows: Vec<(Vec<u64>, Val)>, names: &HashMap<i64, String>) -> Vec<Neighbour> {
    let rows = by_row(rows, CDP_ENTRY);
    let mut out = Vec::new();
    for (idx, cols) in rows {
        let Some(&if_index) = idx.first() else {
            continue;
        };
        let Some(device) = cols.get(&CDP_DEVICE_ID).and_then(text) else {
            continue;
        };
        let address = match cols.get(&CDP_ADDRESS) {
            Some(Val::Text(b)) => ip_from(b),
            _ => None,
        };
        out.push(Neighbour {
            protocol: "cdp".into(),
            local_port: names
                .get(&(if_index as i64))
                .cloned()
                .unwrap_or_else(|| format!("port {if_index}")),
            local_port_index: u32::try_from(if_index).ok(),
            sys_name: Some(device.clone()),
            chassis_id: device,
            port_id: cols
                .get(&CDP_DEVICE_PORT)
                .and_then(text)
                .unwrap_or_default(),
            port_descr: None,
            description: cols.get(&CDP_PLATFORM).and_then(text),
            capabilities: cols
                .get(&CDP_CAPABILITIES)
                .map(cdp_capabilities)
                .unwrap_or_default(),
            mgmt_address: address,
        });
    }
    out
}

/// Every LLDP and CDP neighbour the switch lists (a switch with neither MIB has none).
/// `names` are its ports by ifIndex.
pub async fn neighbours(
    s: &mut Session,
    names: &HashMap<i64, String>,
) -> Result<Vec<Neighbour>, ProbeError> {
    let mut all = lldp(s, names).await?;
    all.extend(cdp(s, names).await?);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_shown_by_their_subtype() {
        let mac = Val::Text(vec![0, 0x0c, 0x29, 1, 2, 3]);
        assert_eq!(
            lldp_id(Some(4), &mac, 4, 5).as_deref(),
            Some("00:0c:29:01:02:03")
        );
        let addr = Val::Text(vec![1, 10, 0, 0, 1]);
        assert_eq!(lldp_id(Some(5), &addr, 4, 5).as_deref(), Some("10.0.0.1"));
        let name = Val::Text(b"Gi1/0/1".to_vec());
        assert_eq!(lldp_id(Some(5), &name, 3, 4).as_deref(), Some("Gi1/0/1"));
        assert_eq!(
            lldp_id(Some(7), &Val::Text(vec![1, 2]), 4, 5).as_deref(),
            Some("01:02")
        );
    }

    #[test]
    fn cdp_cache_rows_become_neighbours() {
        // Two rows as a Catalyst lists them: ifIndex 10101, device index 3 and 4.
        let col = |c: u64, dev: u64, v: Val| {
            let mut name = CDP_ENTRY.to_vec();
            name.extend([c, 10101, dev]);
            (name, v)
        };
        let rows = vec![
            col(CDP_ADDRESS, 3, Val::Text(vec![10, 1, 2, 3])),
            col(CDP_ADDRESS, 4, Val::Text(vec![10, 1, 2, 4])),
            col(CDP_DEVICE_ID, 3, Val::Text(b"SEP001122334455".to_vec())),
            col(CDP_DEVICE_PORT, 3, Val::Text(b"Port 1".to_vec())),
            col(CDP_PLATFORM, 3, Val::Text(b"Cisco IP Phone 8845".to_vec())),
            col(CDP_CAPABILITIES, 3, Val::Text(vec![0, 0, 0x04, 0x90])),
        ];
        let names = HashMap::from([(10101, "Gi1/0/1".to_string())]);
        let found = cdp_rows(rows, &names);
        assert_eq!(
            found.len(),
            1,
            "the row without a device id is skipped: {found:?}"
        );
        let phone = &found[0];
        assert_eq!(
            (
                phone.local_port.as_str(),
                phone.chassis_id.as_str(),
                phone.port_id.as_str()
            ),
            ("Gi1/0/1", "SEP001122334455", "Port 1")
        );
        assert_eq!(phone.mgmt_address, Some("10.1.2.3".parse().unwrap()));
        assert_eq!(phone.capabilities, ["station", "phone"]);
        assert_eq!(phone.description.as_deref(), Some("Cisco IP Phone 8845"));
    }

    #[test]
    fn capabilities_read_from_their_bits() {
        // bridge (bit 2) and router (bit 4): 0b0010_1000.
        assert_eq!(
            lldp_capabilities(&Val::Text(vec![0x28, 0])),
            ["bridge", "router"]
        );
        assert_eq!(
            cdp_capabilities(&Val::Text(vec![0, 0, 0, 0x29])),
            ["router", "bridge"]
        );
        assert_eq!(
            cdp_capabilities(&Val::Text(vec![0, 0, 0, 0x90])),
            ["station", "phone"]
        );
    }
}
