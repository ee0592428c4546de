//! SNMP sessions with switches and routers (v1, v2c and v3 with USM) and the tables bigr
//! reads from them: forwarding tables (`fdb`), routers' address tables (`arp`), VLANs
//! (`vlans`) and LLDP/CDP neighbours (`neighbours`).
//! Every request runs under a timeout and is retried at most twice: agents that do not know
//! a community stay silent, so silence is the common answer and must be cheap.
mod arp;
mod cisco;
mod columns;
mod fdb;
mod neighbours;
mod usm;
mod vlans;

pub use arp::{AddressEntry, address_table};
pub use cisco::{per_vlan_forwarding, vtp_vlans};
pub use fdb::{ForwardingEntry, UPLINK_MIN_MACS, bridge_ports, forwarding_table, port_names};
pub use neighbours::{LocalIdentity, Neighbour, local_identity, neighbours};
pub use vlans::{Vlan, VlanTable, vlan_table};

/// Every column a poll of one device reads, so that it can be read side by side in one
/// prefetch: bridge ports first (the table every switch has), then port names, VLANs,
/// forwarding tables, VTP, LLDP and CDP, and a router's address tables.
pub fn device_columns(router: bool) -> Vec<Vec<u64>> {
    let fixed = fdb::FORWARDING_COLUMNS
        .iter()
        .chain(&fdb::PORT_NAME_COLUMNS)
        .chain(&vlans::COLUMNS)
        .chain(&cisco::VTP_COLUMNS);
    let routing = arp::COLUMNS.iter().filter(|_| router);
    fixed
        .chain(routing)
        .map(|c| c.to_vec())
        .chain(neighbours::columns())
        .collect()
}

use super::error::ProbeError;
use crate::model::MacAddr;
use crate::model::site_config::SwitchCredentials;
use snmp2::{AsyncSession, Oid, Pdu, Value, Version};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::timeout;

/// Rows asked for per GETBULK.
const BULK_ROWS: u32 = 32;
/// The most rows one table walk reads (a large campus switch holds ~16k MACs).
const MAX_WALK_ROWS: usize = 65_536;
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

/// A value read from an agent, owned so it outlives the session's receive buffer.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Int(i64),
    Text(Vec<u8>),
    Oid(String),
    /// The end of the MIB, or no such object: a walk ends here.
    Absent,
    /// A value of a type bigr does not read (NULL, a sequence).
    Other,
}

type Rows = Vec<(Vec<u64>, Val)>;

fn oid(components: &[u64]) -> Oid<'static> {
    Oid::from(components).expect("our roots and the names under them are valid OIDs")
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
            Value::IpAddress(b) => Val::Text(b.to_vec()),
            Value::ObjectIdentifier(o) => Val::Oid(o.to_id_string()),
            Value::Counter64(n) => Val::Int(i64::try_from(n).unwrap_or(i64::MAX)),
            Value::Opaque(b) => Val::Text(b.to_vec()),
            Value::EndOfMibView | Value::NoSuchObject | Value::NoSuchInstance => Val::Absent,
            // A value bigr does not read; the walk goes on past it.
            _ => Val::Other,
        };
        rows.push((components.collect(), val));
    }
    Ok(rows)
}

/// Why a request or walk got no usable answer.
#[derive(Debug)]
pub enum Failure {
    /// Silence, late or garbled datagrams, an error status, a table past its bound.
    Unanswered(String),
    /// The agent refused the credentials: asking again cannot help.
    Refused(String),
}

impl Failure {
    fn into_reason(self) -> String {
        match self {
            Failure::Unanswered(why) | Failure::Refused(why) => why,
        }
    }
}

/// One open session with a switch or router, named by the host it was registered as.
pub struct Session {
    inner: AsyncSession,
    host: String,
    opts: SnmpOptions,
    /// The user's name when the session is v3 (a refusal names it; it is no secret).
    v3_user: Option<String>,
    /// The slowest answer so far: once the device has answered, a lost datagram is asked
    /// for again after a few of its round trips instead of the full timeout.
    slowest: Option<Duration>,
    /// Columns read ahead with [`Session::prefetch`], by root.
    read: Vec<(Vec<u64>, Rows)>,
    /// Where and how the session was opened, to open it again on a fresh socket.
    target: SocketAddr,
    access: SwitchCredentials,
}

/// Retransmissions of one request once the device has answered (a table walk is many
/// requests; on a lossy path one lost twice would cut the whole table short).
const ANSWERING_RETRIES: u32 = 3;
/// The shortest wait for an answer from a device that has answered before.
const MIN_WAIT: Duration = Duration::from_millis(150);

impl Session {
    /// Resolves the host and opens a session with its credentials; for v3, discovers the
    /// agent's engine id, boots and time first (RFC 3414 §4).
    pub async fn open(access: &SwitchCredentials, opts: &SnmpOptions) -> Result<Self, ProbeError> {
        let host = access.host.as_str();
        let target = timeout(LOOKUP_TIMEOUT, tokio::net::lookup_host((host, opts.port)))
            .await
            .map_err(|_| ProbeError::host(host, "name lookup timed out"))?
            .map_err(|e| ProbeError::host(host, e))?
            .next()
            .ok_or_else(|| ProbeError::host(host, "no address"))?;
        let inner = Self::connect(target, access)
            .await
            .map_err(|e| ProbeError::host(host, e))?;
        let mut session = Session {
            inner,
            host: host.to_string(),
            opts: opts.clone(),
            v3_user: access.usm.as_ref().map(|u| u.user.clone()),
            slowest: None,
            read: Vec::new(),
            target,
            access: access.clone(),
        };
        if session.v3_user.is_some() {
            session.discover().await?;
        }
        Ok(session)
    }

    async fn connect(
        target: SocketAddr,
        access: &SwitchCredentials,
    ) -> Result<AsyncSession, String> {
        // A random start keeps a late reply to an earlier session from matching this one.
        let first_request_id = i32::from(uuid::Uuid::new_v4().as_u128() as u16);
        let community = access.community.as_bytes();
        let made = match (access.snmp_version.as_str(), &access.usm) {
            ("3", Some(usm)) => {
                AsyncSession::new_v3(target, first_request_id, usm::security(usm)).await
            }
            ("3", None) => return Err("SNMPv3 without a user".into()),
            ("1", _) => AsyncSession::new_v1(target, community, first_request_id).await,
            _ => AsyncSession::new_v2c(target, community, first_request_id).await,
        };
        made.map_err(|e| format!("SNMP socket: {e}"))
    }

    async fn discover(&mut self) -> Result<(), ProbeError> {
        let mut last = String::from("no answer");
        for _ in 0..=self.opts.retries.min(2) {
            match timeout(self.opts.timeout, self.inner.init()).await {
                Ok(Ok(())) => return Ok(()),
                Ok(Err(e)) => last = usm::describe(&e),
                Err(_) => last = "no answer".into(),
            }
        }
        Err(ProbeError::host(
            &self.host,
            format!("no SNMPv3 engine discovery ({last})"),
        ))
    }

    /// The host as registered.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The same session on a fresh socket. A late answer to an earlier try sits in the old
    /// socket ahead of the answer to the next one: every following try would read its
    /// predecessor's answer and be refused as a mismatch, to the end of the walk.
    async fn reopen(&mut self) -> Result<(), String> {
        self.inner = Self::connect(self.target, &self.access).await?;
        if self.v3_user.is_some() {
            self.discover().await.map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn is_v1(&self) -> bool {
        self.inner.version() == Version::V1
    }

    /// Whether the device has answered a request of this session.
    fn has_answered(&self) -> bool {
        self.slowest.is_some()
    }

    /// One request with its timeout and bounded retransmissions: GETBULK for `starts` with
    /// `repetitions` on v2c and v3, GETNEXT of the first start on v1 (which has no GETBULK).
    async fn exchange(&mut self, starts: &[Oid<'_>], repetitions: u32) -> Result<Rows, Failure> {
        let mut last = String::from("no answer");
        // A device that answered gets more, shorter tries: three of its slowest round trips
        // (at least MIN_WAIT, at most the configured timeout).
        let (wait, retries) = match self.slowest {
            Some(rtt) => (
                (rtt * 3).clamp(MIN_WAIT, self.opts.timeout),
                ANSWERING_RETRIES,
            ),
            None => (self.opts.timeout, self.opts.retries.min(2)),
        };
        // A v3 agent may answer "not in time window" once its clock moved on; the session
        // takes the new time and the request goes again, uncounted, at most twice.
        let mut resyncs = 0;
        let mut tries = 0;
        while tries <= retries {
            let sent = std::time::Instant::now();
            let answer = if self.is_v1() {
                timeout(wait, self.inner.getnext(&starts[0]))
                    .await
                    .map(|r| r.map(owned_rows))
            } else {
                let names: Vec<&Oid<'_>> = starts.iter().collect();
                timeout(wait, self.inner.getbulk(&names, 0, repetitions))
                    .await
                    .map(|r| r.map(owned_rows))
            };
            match answer {
                Ok(Ok(Ok(rows))) => {
                    let rtt = sent.elapsed();
                    self.slowest = Some(self.slowest.map_or(rtt, |s| s.max(rtt)));
                    return Ok(rows);
                }
                // An error status from the agent.
                Ok(Ok(Err(e))) => last = e,
                Ok(Err(snmp2::Error::AuthUpdated)) if resyncs < 2 => {
                    resyncs += 1;
                    continue;
                }
                Ok(Err(e)) if usm::is_refusal(&e) => {
                    return Err(Failure::Refused(self.refusal(&e)));
                }
                Ok(Err(snmp2::Error::RequestIdMismatch)) => {
                    last = match self.reopen().await {
                        Ok(()) => "a late answer to an earlier request".into(),
                        Err(e) => e,
                    };
                }
                // A garbled datagram: ask again.
                Ok(Err(e)) => last = format!("{e:?}"),
                Err(_) => last = "no answer".into(),
            }
            tries += 1;
        }
        Err(Failure::Unanswered(last))
    }

    fn refusal(&self, e: &snmp2::Error) -> String {
        match &self.v3_user {
            Some(user) => format!(
                "SNMPv3 refused for user '{user}' ({}): check the user, pass phrases and protocols",
                usm::describe(e)
            ),
            None => format!("refused ({e:?})"),
        }
    }

    /// Every row under `root`, in order (a walk of one column).
    pub async fn walk(&mut self, root: &[u64]) -> Result<Rows, Failure> {
        Ok(self
            .walk_columns(&[root.to_vec()])
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// The first walk of a poll: its failure says whether the credentials or the path are
    /// wrong. A prefetched table is not read again.
    pub async fn first_walk(&mut self, root: &[u64]) -> Result<Rows, ProbeError> {
        if let Some(rows) = self.already_read(root) {
            return Ok(rows);
        }
        self.walk(root).await.map_err(|e| self.first_failure(e))
    }

    /// A device's first failure: refused credentials, or silence with what to check.
    fn first_failure(&self, e: Failure) -> ProbeError {
        let hint = if self.v3_user.is_some() {
            "check the address and the SNMPv3 user"
        } else {
            "check the community"
        };
        match e {
            Failure::Refused(why) => ProbeError::host(&self.host, why),
            Failure::Unanswered(why) => {
                ProbeError::host(&self.host, format!("no SNMP answer ({why}); {hint}"))
            }
        }
    }

    /// A failure half way: the table read so far would be wrong, not short.
    fn cut_short(&self, e: Failure, what: &str) -> ProbeError {
        ProbeError::host(
            &self.host,
            format!("{what} cut short ({})", e.into_reason()),
        )
    }

    /// A walk after the first (or a prefetched table, not read again).
    pub async fn table(&mut self, root: &[u64], what: &str) -> Result<Rows, ProbeError> {
        if let Some(rows) = self.already_read(root) {
            return Ok(rows);
        }
        self.walk(root).await.map_err(|e| self.cut_short(e, what))
    }
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

/// The MAC address held in a six-byte OCTET STRING value.
fn mac_value(v: &Val) -> Option<MacAddr> {
    match v {
        Val::Text(b) => Some(MacAddr(<[u8; 6]>::try_from(b.as_slice()).ok()?)),
        _ => None,
    }
}

fn int(v: &Val) -> Option<i64> {
    match v {
        Val::Int(n) => Some(*n),
        _ => None,
    }
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
        assert_eq!(
            mac_value(&Val::Text(vec![0, 0, 0x0c, 1, 2, 3])).map(|m| m.to_string()),
            Some("00:00:0c:01:02:03".into())
        );
        assert_eq!(mac_value(&Val::Text(vec![1, 2])), None);
    }

    #[test]
    fn text_values_are_trimmed_and_empty_ones_dropped() {
        assert_eq!(text(&Val::Text(b"sw1\0".to_vec())), Some("sw1".into()));
        assert_eq!(text(&Val::Text(b"  ".to_vec())), None);
        assert_eq!(text(&Val::Int(3)), None);
    }
}
