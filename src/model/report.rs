//! `ScanReport`: the single wire type between scanner, agent and server.
use super::{Category, DeviceInfo, DeviceType, MacAddr, PortSet, SeenName, Sensitivity};
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use uuid::Uuid;

/// One finished (or partial) scan with everything it observed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanReport {
    /// Chosen by the scanner; makes saving and ingest idempotent.
    pub id: Uuid,
    /// The targets as the user gave them, for display.
    pub target: String,
    /// Networks swept completely: an asset whose IP lies in one of them and that was not
    /// seen counts as absent from this scan (the input of `asset_missing`).
    #[serde(default)]
    pub networks: Vec<IpNet>,
    pub method: ScanMethod,
    pub started_at: DateTime<Utc>,
    #[serde(default)]
    pub completed_at: Option<DateTime<Utc>>,
    /// True when the scan was cut short: absence then proves nothing.
    #[serde(default)]
    pub partial: bool,
    /// The TCP ports probed on every live host; a port outside it is never "closed".
    #[serde(default)]
    pub ports_probed: PortSet,
    #[serde(default)]
    pub privileges: Privileges,
    pub scanner_version: String,
    #[serde(default)]
    pub assets: Vec<AssetObservation>,
    #[serde(default)]
    pub certificates: Vec<CertificateObservation>,
    /// The switches and routers polled with this scan. Left out when none were, so older
    /// servers still read the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub switches: Vec<crate::model::gear::SwitchObservation>,
}

impl ScanReport {
    /// The moment the report speaks for: completion time, else start time.
    pub fn observed_at(&self) -> DateTime<Utc> {
        self.completed_at.unwrap_or(self.started_at)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScanMethod {
    Passive,
    Active,
    #[default]
    Hybrid,
}

impl ScanMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ScanMethod::Passive => "passive",
            ScanMethod::Active => "active",
            ScanMethod::Hybrid => "hybrid",
        }
    }
}

/// What the scanner was allowed to do, so a thin result can be explained.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Privileges {
    #[serde(default)]
    pub raw_sockets: bool,
    #[serde(default)]
    pub arp: bool,
    #[serde(default)]
    pub icmp: bool,
}

/// Everything learned about one IP during a scan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetObservation {
    pub ip: IpAddr,
    #[serde(default)]
    pub mac: Option<MacAddr>,
    /// The fused name: the first of `names` by source precedence (see `model::names`).
    #[serde(default)]
    pub hostname: Option<String>,
    /// Every name seen, with its source. Left out of the JSON when empty, so older servers
    /// still read reports from agents that know none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<SeenName>,
    /// What the device says it is (model, UPnP type, reported OS, domain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_info: Option<DeviceInfo>,
    /// The IPv6 addresses the same MAC answered from on the link (link-local and global).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6: Vec<std::net::Ipv6Addr>,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub open_ports: Vec<u16>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub os_hint: Option<String>,
    #[serde(default)]
    pub device_type: DeviceType,
    #[serde(default)]
    pub category: Category,
    #[serde(default)]
    pub confidence: f64,
    #[serde(default)]
    pub sensitivity: Sensitivity,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    #[serde(default)]
    pub mdns_services: Vec<String>,
    #[serde(default)]
    pub snmp: Option<SnmpFacts>,
    #[serde(default)]
    pub switch_port: Option<SwitchPort>,
}

impl AssetObservation {
    /// An observation of a live IP with nothing else known yet.
    pub fn new(ip: IpAddr) -> Self {
        AssetObservation {
            ip,
            mac: None,
            hostname: None,
            names: Vec::new(),
            device_info: None,
            ipv6: Vec::new(),
            vendor: None,
            open_ports: Vec::new(),
            services: Vec::new(),
            os_hint: None,
            device_type: DeviceType::Unknown,
            category: Category::Unclassified,
            confidence: 0.0,
            sensitivity: Sensitivity::Safe,
            evidence: Vec::new(),
            mdns_services: Vec::new(),
            snmp: None,
            switch_port: None,
        }
    }
}

/// A service found on an open port.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub port: u16,
    #[serde(default = "tcp")]
    pub protocol: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub banner: Option<String>,
    #[serde(default)]
    pub http_title: Option<String>,
    #[serde(default)]
    pub http_server: Option<String>,
    #[serde(default)]
    pub tls: bool,
    /// The name comes from the port number alone (no probe of the protocol answered).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub port_only: bool,
}

fn tcp() -> String {
    "tcp".into()
}

/// One reason behind a classification decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The rule or signal that fired, e.g. `vendor:hikvision` or `port:9100`.
    pub rule: String,
    /// The observed value it matched.
    pub value: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub category: Option<Category>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub device_type: Option<DeviceType>,
    #[serde(default)]
    pub weight: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnmpFacts {
    #[serde(default)]
    pub sys_name: Option<String>,
    #[serde(default)]
    pub sys_descr: Option<String>,
    #[serde(default)]
    pub sys_object_id: Option<String>,
}

/// Where a device is plugged in, from a switch's forwarding table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchPort {
    pub host: String,
    pub port: String,
    #[serde(default)]
    pub port_index: Option<u32>,
    /// The VLAN the switch learned it in (Q-BRIDGE-MIB). Left out when unknown, so older
    /// servers still read the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
}

/// A TLS certificate as served on ip:port, recorded even when invalid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateObservation {
    pub ip: IpAddr,
    pub port: u16,
    #[serde(default)]
    pub subject_cn: Option<String>,
    #[serde(default)]
    pub sans: Vec<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    #[serde(default)]
    pub not_before: Option<DateTime<Utc>>,
    #[serde(default)]
    pub not_after: Option<DateTime<Utc>>,
    #[serde(default)]
    pub key_type: Option<String>,
    #[serde(default)]
    pub key_bits: Option<u32>,
    #[serde(default)]
    pub signature_algorithm: Option<String>,
    pub fingerprint_sha256: String,
    #[serde(default)]
    pub self_signed: bool,
}
