//! The demo office's network gear: its four Cisco switches registered (a core and three
//! access switches), what their last poll said (LLDP links core ↔ access, the access points
//! heard on access ports, one switch on the third floor nobody registered), and which
//! access port and VLAN each device sits on.
use crate::model::SwitchPort;
use crate::model::gear::{LocalIdentity, Neighbour, SwitchObservation, VlanName};

/// Never polled: the demo agent is not real. Stored as any community is, never shown.
pub const COMMUNITY: &str = "demo-not-polled";

/// (address, name) of the office's switches; the first is the core. Their addresses are
/// those of the `sw` devices of the office.
pub const SWITCHES: [(&str, &str); 4] = [
    ("10.20.0.4", "sw-01.office.example"),
    ("10.20.0.5", "sw-02.office.example"),
    ("10.20.0.6", "sw-03.office.example"),
    ("10.20.0.7", "sw-04.office.example"),
];

const VLANS: [(u16, &str); 3] = [(10, "office"), (20, "iot"), (30, "servers")];

/// A switch's chassis id: its own MAC, as the office's `sw` devices have it.
fn chassis(i: usize) -> String {
    format!("00:00:0c:20:{i:02x}:{:02x}", 4 + i)
}

/// The VLAN a kind of device is put in.
fn vlan_of(role: &str) -> u16 {
    match role {
        "cam" | "tv" | "printer" | "voip" => 20,
        "srv" | "nas" => 30,
        _ => 10,
    }
}

/// Where device `host` (its last octet) of `role` is plugged in: the gateways, firewall and
/// switches sit in the rack (uplinks), every other device on an access port.
pub fn placement(role: &str, host: u8) -> Option<SwitchPort> {
    if matches!(role, "gw" | "fw" | "sw") {
        return None;
    }
    let access = 1 + usize::from(host) % 3;
    Some(SwitchPort {
        host: SWITCHES[access].0.to_string(),
        port: format!("Gi1/0/{}", u32::from(host) / 3 + 1),
        port_index: Some(u32::from(host) / 3 + 1),
        vlan: Some(vlan_of(role)),
    })
}

fn lldp(
    local_port: &str,
    chassis_id: String,
    port_id: &str,
    name: &str,
    caps: &[&str],
    mgmt: &str,
) -> Neighbour {
    Neighbour {
        protocol: "lldp".into(),
        local_port: local_port.into(),
        local_port_index: None,
        chassis_id,
        port_id: port_id.into(),
        port_descr: None,
        sys_name: Some(name.into()),
        description: None,
        capabilities: caps.iter().map(|c| c.to_string()).collect(),
        mgmt_address: mgmt.parse().ok(),
    }
}

/// What the switches' last poll said. `aps` are the access points' (host octet, name, MAC),
/// heard on the access switch they are plugged into.
pub fn observations(
    aps: &[(u8, String, String)],
    placed: &[(usize, usize)],
) -> Vec<SwitchObservation> {
    let (core_host, core_name) = SWITCHES[0];
    let vlans: Vec<VlanName> = VLANS
        .iter()
        .map(|(id, name)| VlanName {
            id: *id,
            name: Some((*name).into()),
        })
        .collect();
    SWITCHES
        .iter()
        .enumerate()
        .map(|(i, (host, name))| {
            let mut neighbours = Vec::new();
            if i == 0 {
                for (a, (access_host, access_name)) in SWITCHES.iter().enumerate().skip(1) {
                    let port = format!("Te1/1/{a}");
                    neighbours.push(lldp(
                        &port,
                        chassis(a),
                        "Te1/0/1",
                        access_name,
                        &["bridge"],
                        access_host,
                    ));
                }
            } else {
                let port = format!("Te1/1/{i}");
                neighbours.push(lldp(
                    "Te1/0/1",
                    chassis(0),
                    &port,
                    core_name,
                    &["bridge", "router"],
                    core_host,
                ));
                for (octet, ap, mac) in aps.iter().filter(|(o, ..)| 1 + usize::from(*o) % 3 == i) {
                    let port = format!("Gi1/0/{}", u32::from(*octet) / 3 + 1);
                    neighbours.push(lldp(
                        &port,
                        mac.clone(),
                        "eth0",
                        ap,
                        &["wlan-ap"],
                        &format!("10.20.0.{octet}"),
                    ));
                }
                if i == 3 {
                    // Cabled last week, never registered: the graph offers it.
                    neighbours.push(lldp(
                        "Gi1/0/48",
                        "00:00:0c:20:99:f9".into(),
                        "Gi1/0/52",
                        "sw-floor3.office.example",
                        &["bridge"],
                        "10.20.0.249",
                    ));
                }
            }
            SwitchObservation {
                host: (*host).into(),
                error: None,
                mac_count: placed
                    .iter()
                    .find(|(s, _)| *s == i)
                    .map_or(0, |(_, n)| *n as u32),
                identity: LocalIdentity {
                    chassis_id: Some(chassis(i)),
                    sys_name: Some((*name).into()),
                },
                vlans: vlans.clone(),
                neighbours,
                routed: 0,
            }
        })
        .collect()
}
