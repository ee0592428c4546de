//! SNMP v1/v2c sessions with a switch: its MAC forwarding table (BRIDGE-MIB, then Q-BRIDGE-MIB; bridge ports named through IF-MIB).
//! Every request runs under a timeout and is retried at most twice: agents that do not know
//! a community stay silent, so silence is the common answer and must be cheap.
use super::error::ProbeError;
use crate::model::MacAddr;
use snmp2::{AsyncSession, Oid, Pdu, Value, Version};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::timeout;

/// dot1dBasePortIfIndex: bridge port number → ifIndex.
const BASE_PORT_IF_INDEX: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 1, 4, 1, 2];
/// dot1dTpFdbPort / dot1dTpFdbStatus, indexed by the six MAC octets.
const FDB_PORT: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 2];
const FDB_STATUS: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 4, 3, 1, 3];
/// dot1qTpFdbPort / dot1qTpFdbStatus, indexed by FDB id then the six MAC octets.
const QFDB_PORT: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 2];
const QFDB_STATUS: &[u64] = &[1, 3, 6, 1, 2, 1, 17, 7, 1, 2, 2, 1, 3];
const IF_NAME: &[u64] = &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1];
const IF_DESCR: &[u64] = &[1, 3, 6, 1, 2, 1, 2, 2, 1, 2];

/// dot1dTpFdbStatus values that do not place a device: invalid(2), self(4).
const FDB_NOT_A_DEVICE: [i64; 2] = [2, 4];
/// Rows asked for per GETBULK.
const BULK_ROWS: u32 = 32;
/// The most rows one table walk reads (a large campus switch holds ~16k MACs).
const MAX_WALK_ROWS: usize = 65_536;
/// A port with more learned MACs than this is an uplink to another switch: it says where
/// traffic goes, not where a device is plugged in.
pub const UPLINK_MIN_MACS: usize = 16;
/// Longest wait for a switch's name to resolve.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// How SNMP is spoken.
#[derive(Clone, Debug)]
pub struct SnmpOptions {
    /// Communities tried in order for the system group.
    pub communities: Vec<String>,
    pub timeout: Duration,
    /// Retransmissions after a timeout (at most 2).
    pub retries: u32,
    pub port: u16,
}

impl Default for SnmpOptions {
    fn default() -> Self {
        SnmpOptions {
            communities: vec!["public".into()],
            timeout: Duration::from_millis(700),
            retries: 1,
            port: 161,
        }
    }
}

/// One MAC in a switch's forwarding table and the port it was learned on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardingEntry {
    pub mac: MacAddr,
    /// ifName (or ifDescr, or "port N" when the switch names nothing).
    pub port: String,
    pub port_index: Option<u32>,
    /// Learned on a port carrying many MACs: not where the device is plugged in.
    pub uplink: bool,
}

/// A value read from an agent, owned so it outlives the session's receive buffer.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Int(i64),
    Text(Vec<u8>),
    Oid(String),
    Absent,
}

type Rows = Vec<(Vec<u64>, Val)>;

fn oid(components: &[u64]) -> Oid<'static> {
    Oid::from(components).expect("OID constants are valid")
}

/// The rows of an agent's answer, owned; an error status other than noSuchName is an error.
#[doc(hidden)]
pub fn owned_rows(pdu: Pdu<'_>) -> Result<Rows, String> {
    // noSuchName(2): how a v1 agent says a walk ran past the end of its MIB.
    const NO_SUCH_NAME: u32 = 2;
    if pdu.error_status == NO_SUCH_NAME {
        return Ok(Vec::new());
    }
    if pdu.error_status != 0 {
        return Err(format!("agent error status {}", pdu.error_status));
    }
    let mut rows = Vec::new();
    for (name, value) in pdu.varbinds {
        let Some(components) = name.iter() else {
            continue;
        };
        let val = match value {
            Value::Integer(n) => Val::Int(n),
            Value::Counter32(n) | Value::Unsigned32(n) | Value::Timeticks(n) => {
                Val::Int(i64::from(n))
            }
            Value::OctetString(b) => Val::Text(b.to_vec()),
            Value::ObjectIdentifier(o) => Val::Oid(o.to_id_string()),
            Value::EndOfMibView | Value::NoSuchObject | Value::NoSuchInstance => Val::Absent,
            _ => Val::Absent,
        };
        rows.push((components.collect(), val));
    }
    Ok(rows)
}

/// The rows after an OID: GETBULK on v2c, one GETNEXT on v1 (which has no GETBULK).
struct Request<'a>(&'a Oid<'a>);

/// One request with its timeout and bounded retransmissions.
async fn exchange(
    session: &mut AsyncSession,
    request: &Request<'_>,
    opts: &SnmpOptions,
) -> Result<Rows, String> {
    let mut last = String::from("no answer");
    for _ in 0..=opts.retries.min(2) {
        let Request(start) = request;
        let answer = if session.version() == Version::V1 {
            timeout(opts.timeout, session.getnext(start))
                .await
                .map(|r| r.map_err(|e| format!("{e:?}")).and_then(owned_rows))
        } else {
            timeout(opts.timeout, session.getbulk(&[start], 0, BULK_ROWS))
                .await
                .map(|r| r.map_err(|e| format!("{e:?}")).and_then(owned_rows))
        };
        match answer {
            Ok(Ok(rows)) => return Ok(rows),
            // A late reply to an earlier try or a garbled datagram: ask again.
            Ok(Err(e)) => last = e,
            Err(_) => last = "no answer".into(),
        }
    }
    Err(last)
}

async fn session(
    target: SocketAddr,
    community: &str,
    version: Version,
) -> Result<AsyncSession, String> {
    // A random start keeps a late reply to an earlier session from matching this one.
    let first_request_id = i32::from(uuid::Uuid::new_v4().as_u128() as u16);
    let made = match version {
        Version::V1 => AsyncSession::new_v1(target, community.as_bytes(), first_request_id).await,
        _ => AsyncSession::new_v2c(target, community.as_bytes(), first_request_id).await,
    };
    made.map_err(|e| format!("SNMP socket: {e}"))
}

/// The text of a value: an OCTET STRING trimmed of NULs and blanks, or an OID.
#[doc(hidden)]
pub fn text(v: &Val) -> Option<String> {
    match v {
        Val::Text(b) => {
            let s = String::from_utf8_lossy(b)
                .trim_matches(char::from(0))
                .trim()
                .to_string();
            (!s.is_empty()).then_some(s)
        }
        Val::Oid(o) => Some(o.clone()),
        _ => None,
    }
}

/// Every row under `root`, in order, with GETBULK; bounded by [`MAX_WALK_ROWS`].
async fn walk(
    session: &mut AsyncSession,
    root: &[u64],
    opts: &SnmpOptions,
) -> Result<Rows, String> {
    let mut out = Vec::new();
    let mut cursor = root.to_vec();
    loop {
        if out.len() >= MAX_WALK_ROWS {
            return Err(format!("a table larger than {MAX_WALK_ROWS} rows"));
        }
        let start = oid(&cursor);
        let rows = exchange(session, &Request(&start), opts).await?;
        let mut advanced = false;
        for (name, val) in rows {
            // Agents must answer in increasing order; one that does not would loop forever.
            if !name.starts_with(root) || val == Val::Absent || name <= cursor {
                return Ok(out);
            }
            cursor.clone_from(&name);
            out.push((name, val));
            advanced = true;
        }
        if !advanced {
            return Ok(out);
        }
    }
}

/// A walk that stopped half way: the table read so far would be wrong, not short.
fn cut(host: &str) -> impl Fn(String) -> ProbeError + '_ {
    move |e| ProbeError::host(host, format!("forwarding table cut short ({e})"))
}

/// The index part of a row name below `root`.
fn index<'a>(name: &'a [u64], root: &[u64]) -> &'a [u64] {
    &name[root.len().min(name.len())..]
}

/// The MAC address spelled by a six-octet row index.
#[doc(hidden)]
pub fn mac_of(octets: &[u64]) -> Option<MacAddr> {
    let bytes: Vec<u8> = octets
        .iter()
        .map(|o| u8::try_from(*o).ok())
        .collect::<Option<_>>()?;
    let six: [u8; 6] = bytes.try_into().ok()?;
    Some(MacAddr(six))
}

fn int(v: &Val) -> Option<i64> {
    match v {
        Val::Int(n) => Some(*n),
        _ => None,
    }
}

/// The forwarding table of the switch at `host` (name or address) over SNMP `version` ("1"
/// or "2c"): which MAC was learned on which port. An error when the switch does not answer
/// with this community.
pub async fn forwarding_table(
    host: &str,
    community: &str,
    version: &str,
    opts: &SnmpOptions,
) -> Result<Vec<ForwardingEntry>, ProbeError> {
    let target = timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host, opts.port)))
        .await
        .map_err(|_| ProbeError::host(host, "name lookup timed out"))?
        .map_err(|e| ProbeError::host(host, e))?
        .next()
        .ok_or_else(|| ProbeError::host(host, "no address"))?;
    let version = if version == "1" {
        Version::V1
    } else {
        Version::V2C
    };
    let mut s = session(target, community, version)
        .await
        .map_err(|e| ProbeError::host(host, e))?;
    let base_ports = walk(&mut s, BASE_PORT_IF_INDEX, opts).await.map_err(|e| {
        ProbeError::host(host, format!("no SNMP answer ({e}); check the community"))
    })?;
    let if_index: HashMap<i64, i64> = base_ports
        .iter()
        .filter_map(|(n, v)| Some((*index(n, BASE_PORT_IF_INDEX).first()? as i64, int(v)?)))
        .collect();
    let mut names: HashMap<i64, String> = HashMap::new();
    for table in [IF_DESCR, IF_NAME] {
        // ifName wins over ifDescr: read second, it overwrites.
        for (n, v) in walk(&mut s, table, opts).await.map_err(cut(host))? {
            if let (Some(i), Some(name)) = (index(&n, table).first(), text(&v)) {
                names.insert(*i as i64, name);
            }
        }
    }
    // MAC → bridge port, BRIDGE-MIB first; Q-BRIDGE-MIB adds what a VLAN-aware switch
    // keeps only per FDB.
    let mut learned: BTreeMap<MacAddr, i64> = BTreeMap::new();
    for (port_table, status_table, mac_at) in
        [(FDB_PORT, FDB_STATUS, 0), (QFDB_PORT, QFDB_STATUS, 1)]
    {
        let status: HashMap<Vec<u64>, i64> = walk(&mut s, status_table, opts)
            .await
            .map_err(cut(host))?
            .into_iter()
            .filter_map(|(n, v)| Some((index(&n, status_table).to_vec(), int(&v)?)))
            .collect();
        for (n, v) in walk(&mut s, port_table, opts).await.map_err(cut(host))? {
            let idx = index(&n, port_table);
            let skip = status
                .get(idx)
                .is_some_and(|s| FDB_NOT_A_DEVICE.contains(s));
            let (Some(mac), Some(port)) = (idx.get(mac_at..).and_then(mac_of), int(&v)) else {
                continue;
            };
            if !skip && port > 0 {
                learned.entry(mac).or_insert(port);
            }
        }
    }
    let mut per_port: HashMap<i64, usize> = HashMap::new();
    for port in learned.values() {
        *per_port.entry(*port).or_default() += 1;
    }
    Ok(learned
        .into_iter()
        .map(|(mac, port)| {
            let ifx = if_index.get(&port).copied().unwrap_or(port);
            ForwardingEntry {
                mac,
                port: names
                    .get(&ifx)
                    .cloned()
                    .unwrap_or_else(|| format!("port {port}")),
                port_index: u32::try_from(ifx).ok(),
                uplink: per_port[&port] > UPLINK_MIN_MACS,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macs_come_from_six_octet_indexes_only() {
        assert_eq!(
            mac_of(&[0x54, 0x8c, 0x81, 0, 1, 255]).map(|m| m.to_string()),
            Some("54:8c:81:00:01:ff".into())
        );
        assert_eq!(mac_of(&[1, 2, 3, 4, 5]), None);
        assert_eq!(mac_of(&[1, 2, 3, 4, 5, 256]), None);
    }

    #[test]
    fn text_values_are_trimmed_and_empty_ones_dropped() {
        assert_eq!(text(&Val::Text(b"sw1\0".to_vec())), Some("sw1".into()));
        assert_eq!(text(&Val::Text(b"  ".to_vec())), None);
        assert_eq!(text(&Val::Int(3)), None);
    }
}
