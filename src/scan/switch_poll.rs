//! Polling registered switches and routers, all at once: forwarding tables turned into
//! "this MAC is plugged into that port, in that VLAN" placements (uplink ports place
//! nobody), LLDP/CDP neighbours, and routers' address tables turned into the devices of
//! routed subnets, "seen via router R".
use super::error::ProbeError;
use super::snmp::{
    self, AddressEntry, ForwardingEntry, LocalIdentity, Neighbour, Session, SnmpOptions,
};
use crate::classify::{Classifier, Observed};
use crate::model::gear::{SwitchObservation, VlanName};
use crate::model::snmp_access::GearRole;
use crate::model::{AssetObservation, Evidence, MacAddr, ScanReport, SwitchPort};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tokio::task::JoinSet;

/// A switch or router to poll, with what the store keeps to reach it.
pub use crate::model::site_config::SwitchCredentials as SwitchTarget;

/// Everything one device answered.
#[derive(Debug, Default)]
pub struct DeviceTables {
    /// How it names itself in LLDP (matches the chassis id its neighbours report).
    pub identity: LocalIdentity,
    pub forwarding: Vec<ForwardingEntry>,
    pub vlans: Vec<VlanName>,
    pub neighbours: Vec<Neighbour>,
    /// A router's neighbours by address (empty for a switch).
    pub addresses: Vec<AddressEntry>,
}

/// What one switch or router answered.
#[derive(Debug)]
pub struct SwitchPoll {
    pub host: String,
    pub role: GearRole,
    pub table: Result<DeviceTables, ProbeError>,
}

impl SwitchPoll {
    /// The MACs this switch places on an access port.
    pub fn placements(&self) -> Vec<(MacAddr, SwitchPort)> {
        let Ok(tables) = &self.table else {
            return Vec::new();
        };
        tables
            .forwarding
            .iter()
            .filter(|e| !e.uplink)
            .map(|e| {
                let port = SwitchPort {
                    host: self.host.clone(),
                    port: e.port.clone(),
                    port_index: e.port_index,
                    vlan: e.vlan,
                };
                (e.mac, port)
            })
            .collect()
    }

    /// What the report carries of this poll to the server.
    pub fn observation(&self) -> SwitchObservation {
        let host = self.host.clone();
        match &self.table {
            Ok(t) => SwitchObservation {
                host,
                error: None,
                mac_count: u32::try_from(t.forwarding.len()).unwrap_or(u32::MAX),
                identity: t.identity.clone(),
                vlans: t.vlans.clone(),
                neighbours: t.neighbours.clone(),
                routed: u32::try_from(self.addresses().len()).unwrap_or(u32::MAX),
            },
            Err(e) => SwitchObservation {
                host,
                error: Some(e.to_string()),
                ..Default::default()
            },
        }
    }

    /// The router's neighbours (none when it is a switch or did not answer).
    pub fn addresses(&self) -> &[AddressEntry] {
        match &self.table {
            Ok(t) if self.role == GearRole::Router => &t.addresses,
            _ => &[],
        }
    }
}

/// One device's tables over one session. Credentials or the path failing shows in the first
/// walk; a device without a MIB (a router without BRIDGE-MIB, a switch without LLDP) has an
/// empty table there, not an error.
pub async fn poll_device(
    target: &SwitchTarget,
    opts: &SnmpOptions,
) -> Result<DeviceTables, ProbeError> {
    let mut s = Session::open(target, opts).await?;
    // Everything below is answered from this one side-by-side read; only a Cisco switch's
    // per-VLAN tables and an old router's fallback table need more.
    s.prefetch(&snmp::device_columns(target.role == GearRole::Router))
        .await?;
    let bridge_ports = snmp::bridge_ports(&mut s).await?;
    let names = snmp::port_names(&mut s).await?;
    let vlans = snmp::vlan_table(&mut s).await?;
    let mut forwarding = snmp::forwarding_table(&mut s, &vlans, &bridge_ports, &names).await?;
    // A switch without Q-BRIDGE VLANs may be a Cisco one: its VLANs from VTP, and each
    // VLAN's own forwarding table (the default context shows VLAN 1's at most).
    let mut vlan_names: Vec<VlanName> = vlans
        .vlans
        .into_iter()
        .map(|(id, v)| VlanName { id, name: v.name })
        .collect();
    if vlan_names.is_empty() {
        let vtp = snmp::vtp_vlans(&mut s).await?;
        if !vtp.is_empty() {
            let per_vlan = snmp::per_vlan_forwarding(target, opts, &vtp, &names).await?;
            if !per_vlan.is_empty() {
                forwarding = per_vlan;
            }
            vlan_names = vtp
                .into_iter()
                .map(|(id, name)| VlanName { id, name })
                .collect();
        }
    }
    let identity = snmp::local_identity(&mut s).await?;
    let neighbours = snmp::neighbours(&mut s, &names).await?;
    let addresses = if target.role == GearRole::Router {
        snmp::address_table(&mut s).await?
    } else {
        Vec::new()
    };
    Ok(DeviceTables {
        identity,
        forwarding,
        vlans: vlan_names,
        neighbours,
        addresses,
    })
}

/// Devices polled at once (each holds one UDP socket); the next starts as soon as one ends.
const SWITCHES_AT_ONCE: usize = 16;
/// A registered device is known to answer, unlike the hosts a sweep asks: its first
/// request (a large table, perhaps built on demand by a busy agent) waits at least this
/// long, with at least two retransmissions, before the device counts as silent.
const FIRST_ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(1);
const FIRST_ANSWER_RETRIES: u32 = 2;

/// Polls every device, a few at a time; each answers or fails on its own, and every device
/// gets a result.
pub async fn poll_all(switches: &[SwitchTarget], opts: &SnmpOptions) -> Vec<SwitchPoll> {
    let opts = &SnmpOptions {
        timeout: opts.timeout.max(FIRST_ANSWER_WAIT),
        retries: opts.retries.max(FIRST_ANSWER_RETRIES),
        ..opts.clone()
    };
    let mut out = Vec::with_capacity(switches.len());
    let mut waiting = switches.iter().cloned();
    let mut jobs = JoinSet::new();
    let mut who = HashMap::new();
    loop {
        while jobs.len() < SWITCHES_AT_ONCE {
            let Some(sw) = waiting.next() else { break };
            let opts = opts.clone();
            let (host, role) = (sw.host.clone(), sw.role);
            let handle = jobs.spawn(async move { poll_device(&sw, &opts).await });
            who.insert(handle.id(), (host, role));
        }
        let Some(done) = jobs.join_next_with_id().await else {
            break;
        };
        let (id, table) = match done {
            Ok((id, table)) => (id, table),
            Err(e) => (e.id(), Err(ProbeError::setup("poll task", e))),
        };
        if let Some((host, role)) = who.remove(&id) {
            out.push(SwitchPoll { host, role, table });
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

/// The rule name of the evidence a router's table gives.
pub const VIA_ROUTER: &str = "seen:via-router";

/// Adds the devices routers list that the scan did not see itself, classified by their MAC
/// (nothing else is known: they are not probed), each with the router as evidence. Returns
/// how many were added.
pub fn add_routed(
    assets: &mut Vec<AssetObservation>,
    polls: &[SwitchPoll],
    classifier: &Classifier,
) -> usize {
    let mut known: HashSet<std::net::IpAddr> = assets.iter().map(|a| a.ip).collect();
    let placements: HashMap<MacAddr, SwitchPort> =
        polls.iter().flat_map(SwitchPoll::placements).collect();
    let before = assets.len();
    for poll in polls {
        for entry in poll.addresses() {
            if !known.insert(entry.ip) {
                continue;
            }
            let mut obs = AssetObservation::new(entry.ip);
            obs.mac = Some(entry.mac);
            let verdict = classifier.classify(&Observed {
                obs: &obs,
                tls_subjects: &[],
                ttl: None,
            });
            verdict.apply_to(&mut obs);
            obs.evidence.push(Evidence {
                rule: VIA_ROUTER.into(),
                value: poll.host.clone(),
                category: None,
                device_type: None,
                weight: 0.0,
            });
            obs.switch_port = placements.get(&entry.mac).cloned();
            assets.push(obs);
        }
    }
    assets.len() - before
}

/// Puts what the polls learned into a scan's report: placements (port and VLAN) on the
/// scanned assets, the devices routers list that the scan did not see, and each polled
/// device's observation for the server. The classifier for routed devices is loaded only
/// when a router listed any; a classifier that cannot load leaves them out (the scan
/// already classified with it, so that does not happen in practice).
pub async fn settle(report: &mut ScanReport, polls: &[SwitchPoll], rules_home: Option<&Path>) {
    place(&mut report.assets, polls);
    if polls.iter().any(|p| !p.addresses().is_empty()) {
        let home = rules_home.map(Path::to_path_buf);
        let loaded = tokio::task::spawn_blocking(move || Classifier::load(home.as_deref())).await;
        match loaded {
            Ok(Ok(classifier)) => {
                add_routed(&mut report.assets, polls, &classifier);
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "routed devices left out"),
            Err(e) => tracing::warn!(error = %e, "routed devices left out"),
        }
    }
    report.switches = polls.iter().map(SwitchPoll::observation).collect();
}
