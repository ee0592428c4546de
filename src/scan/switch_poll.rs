//! Polling registered switches: their forwarding tables, all switches at once, turned into
//! "this MAC is plugged into that port" placements (uplink ports place nobody).
use super::error::ProbeError;
use super::snmp::{self, ForwardingEntry, SnmpOptions};
use crate::model::{AssetObservation, MacAddr, SwitchPort};
use std::collections::HashMap;
use tokio::task::JoinSet;

/// A switch to poll: where, and the credentials the store keeps for it.
#[derive(Clone)]
pub struct SwitchTarget {
    pub host: String,
    pub community: String,
    pub snmp_version: String,
}

// The community must never reach a log line through `{:?}`.
impl std::fmt::Debug for SwitchTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SwitchTarget")
            .field("host", &self.host)
            .field("snmp_version", &self.snmp_version)
            .finish_non_exhaustive()
    }
}

/// What one switch answered.
#[derive(Debug)]
pub struct SwitchPoll {
    pub host: String,
    pub table: Result<Vec<ForwardingEntry>, ProbeError>,
}

impl SwitchPoll {
    /// The MACs this switch places on an access port.
    pub fn placements(&self) -> Vec<(MacAddr, SwitchPort)> {
        let Ok(table) = &self.table else {
            return Vec::new();
        };
        table
            .iter()
            .filter(|e| !e.uplink)
            .map(|e| {
                let port = SwitchPort {
                    host: self.host.clone(),
                    port: e.port.clone(),
                    port_index: e.port_index,
                };
                (e.mac, port)
            })
            .collect()
    }
}

/// Switches polled at once (each holds one UDP socket).
const SWITCHES_AT_ONCE: usize = 8;

/// Polls every switch, a few at a time; each answers or fails on its own, and every switch
/// gets a result.
pub async fn poll_all(switches: &[SwitchTarget], opts: &SnmpOptions) -> Vec<SwitchPoll> {
    let mut out = Vec::with_capacity(switches.len());
    for group in switches.chunks(SWITCHES_AT_ONCE) {
        let mut jobs = JoinSet::new();
        let mut host_of = HashMap::new();
        for sw in group.iter().cloned() {
            let opts = opts.clone();
            let host = sw.host.clone();
            let handle = jobs.spawn(async move {
                snmp::forwarding_table(&sw.host, &sw.community, &sw.snmp_version, &opts).await
            });
            host_of.insert(handle.id(), host);
        }
        while let Some(done) = jobs.join_next_with_id().await {
            let (id, table) = match done {
                Ok((id, table)) => (id, table),
                Err(e) => (e.id(), Err(ProbeError::setup("poll task", e))),
            };
            if let Some(host) = host_of.remove(&id) {
                out.push(SwitchPoll { host, table });
            }
        }
    }
    out.sort_by(|a, b| a.host.cmp(&b.host));
    out
}

/// Writes each placement onto the scanned asset with that MAC.
pub fn place(assets: &mut [AssetObservation], polls: &[SwitchPoll]) {
    let by_mac: HashMap<MacAddr, SwitchPort> =
        polls.iter().flat_map(SwitchPoll::placements).collect();
    for a in assets {
        if let Some(port) = a.mac.and_then(|m| by_mac.get(&m)) {
            a.switch_port = Some(port.clone());
        }
    }
}
