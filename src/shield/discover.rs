//! Networks are not checked address by address: most addresses of a network have no host, and
//! each would cost Shield a connect timeout per port. The discovery scan (ARP, ICMP or TCP,
//! as privileges allow) finds the live hosts and which of the modules' ports they have open;
//! Shield then checks those.
use super::{Module, ShieldTarget, candidate_ports};
use crate::scan::progress::Progress;
use crate::scan::request::{self, ScanError, ScanRequest, ScanSettings};
use std::sync::Arc;

/// The live hosts of `networks` with the modules' ports they have open (names from reverse
/// DNS). The discovery's own notes (privileges, skipped steps) come back with them.
pub async fn live_hosts(
    networks: Vec<String>,
    modules: &[Module],
) -> Result<(Vec<ShieldTarget>, Vec<String>), ScanError> {
    let ports: Vec<String> = candidate_ports(modules)
        .iter()
        .map(u16::to_string)
        .collect();
    let req = ScanRequest {
        targets: networks,
        settings: ScanSettings {
            ports: Some(ports.join(",")),
            // Names for the certificate check; the rest of identification is not needed.
            reverse_dns: true,
            mdns: false,
            snmp: false,
            netbios: false,
            ssdp: false,
            llmnr: false,
            ipv6: false,
            dhcp: false,
            ..ScanSettings::default()
        },
        ..ScanRequest::default()
    };
    let planned = request::plan(&req).await?;
    let mut notes = planned.notes.clone();
    let outcome = request::execute(planned, None, Arc::new(Progress::default())).await?;
    notes.extend(outcome.notes);
    let targets = outcome
        .report
        .assets
        .into_iter()
        .filter(|a| !a.open_ports.is_empty())
        .map(|a| ShieldTarget {
            ip: a.ip,
            name: a.hostname.filter(|n| n.contains('.')),
            fragile: a.sensitivity == crate::model::Sensitivity::Fragile,
            ports: Some(a.open_ports),
            pinned: false,
        })
        .collect();
    Ok((targets, notes))
}
