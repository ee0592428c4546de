//! What switches and routers say about themselves and their cabling, as a scan report
//! carries it from an agent to the server: each polled device's identity, VLANs, LLDP/CDP
//! neighbours and counts, or why it could not be polled.
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// One device heard on one of our ports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Neighbour {
    /// `lldp` or `cdp`.
    pub protocol: String,
    /// Our port it was heard on.
    pub local_port: String,
    pub local_port_index: Option<u32>,
    /// Its chassis: a MAC (`aa:bb:…`), an address or the name it gives (CDP device id).
    pub chassis_id: String,
    pub port_id: String,
    #[serde(default)]
    pub port_descr: Option<String>,
    #[serde(default)]
    pub sys_name: Option<String>,
    /// LLDP system description or CDP platform.
    #[serde(default)]
    pub description: Option<String>,
    /// What it says it is: `bridge`, `router`, `wlan-ap`, `phone`, `station`, `repeater`…
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub mgmt_address: Option<IpAddr>,
}

/// How a switch names itself to its neighbours: what their tables say about it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LocalIdentity {
    pub chassis_id: Option<String>,
    pub sys_name: Option<String>,
}

/// A VLAN a switch carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VlanName {
    pub id: u16,
    #[serde(default)]
    pub name: Option<String>,
}

/// One polled switch or router, as the scan that polled it saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SwitchObservation {
    /// As registered.
    pub host: String,
    /// Why it could not be polled; nothing else is then known.
    #[serde(default)]
    pub error: Option<String>,
    /// MACs in its forwarding table.
    #[serde(default)]
    pub mac_count: u32,
    #[serde(default)]
    pub identity: LocalIdentity,
    #[serde(default)]
    pub vlans: Vec<VlanName>,
    #[serde(default)]
    pub neighbours: Vec<Neighbour>,
    /// Devices a router's address table listed.
    #[serde(default)]
    pub routed: u32,
}
