//! Polling registered switches: their forwarding tables, all switches at once, turned into
//! "this MAC is plugged into that port" placements (uplink ports place nobody).
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

/// What one switch answered.
#[derive(Debug)]
pub struct SwitchPoll {
    pub host: String,
    pub table: Result<Vec<ForwardingEntry>, String>,
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

/// Polls every switch concurrently; each answers or fails on its own.
pub async fn poll_all(switches: &[SwitchTarget], opts: &SnmpOptions) -> Vec<SwitchPoll> {
    let mut jobs = JoinSet::new();
    for sw in switches.iter().cloned() {
        let opts = opts.clone();
        jobs.spawn(async move {
            let table =
                snmp::forwarding_table(&sw.host, &sw.community, &sw.snmp_version, &opts).await;
            SwitchPoll {
                host: sw.host,
                table,
            }
        });
    }
    let mut out = Vec::with_capacity(switches.len());
    while let Some(done) = jobs.join_next().await {
        if let Ok(poll) = done {
            out.push(poll);
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
