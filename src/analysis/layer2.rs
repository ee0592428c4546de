//! The layer-2 graph: registered switches and routers joined by the links their LLDP/CDP
//! neighbour tables report, the other neighbours they hear (access points, phones, switches
//! nobody registered), and the devices their forwarding tables place on access ports.
//! A link reported from both ends is drawn once. Neighbours that are switches or routers with
//! a management address are offered as candidates to register.
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Devices drawn at most; the rest are counted per switch.
pub const MAX_DEVICES: usize = 5_000;

/// A registered switch or router as the graph needs it.
#[derive(Clone, Debug)]
pub struct GearRow {
    pub site: String,
    pub host: String,
    pub label: String,
    pub role: String,
    pub chassis_id: Option<String>,
    pub sys_name: Option<String>,
    pub vlans: Vec<u16>,
    pub poll_error: Option<String>,
}

/// One neighbour a registered switch reported.
#[derive(Clone, Debug)]
pub struct LinkRow {
    pub site: String,
    /// The reporting switch's host.
    pub host: String,
    pub local_port: String,
    pub protocol: String,
    pub chassis_id: String,
    pub port_id: String,
    pub sys_name: Option<String>,
    pub description: Option<String>,
    pub capabilities: Vec<String>,
    pub mgmt_address: Option<String>,
}

/// A device a switch placed on one of its ports.
#[derive(Clone, Debug)]
pub struct PlacedRow {
    pub site: String,
    pub switch_host: String,
    pub port: String,
    pub asset_id: uuid::Uuid,
    pub ip: String,
    pub name: Option<String>,
    pub category: String,
    pub device_type: String,
    pub vlan: Option<i32>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GearNode {
    /// `gear:<site>/<host>` for registered devices, `heard:<site>/<chassis>` for the others.
    pub id: String,
    /// `switch`, `router`, or for heard neighbours what they say they are: `wlan-ap`,
    /// `phone`, `bridge`, `router`, `station`, `unknown`.
    pub kind: String,
    pub label: String,
    pub site: String,
    pub registered: bool,
    pub host: Option<String>,
    pub mgmt_address: Option<String>,
    pub description: Option<String>,
    pub vlans: Vec<u16>,
    /// Devices placed on its access ports (all of them, drawn or not).
    pub devices: usize,
    pub poll_error: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GearLink {
    pub source: String,
    pub source_port: String,
    pub target: String,
    pub target_port: String,
    /// `lldp`, `cdp`, or both (`lldp+cdp`) when both report it.
    pub protocol: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlacedDevice {
    /// The gear node it hangs off.
    pub gear: String,
    pub port: String,
    pub asset_id: uuid::Uuid,
    pub ip: String,
    pub label: String,
    pub category: String,
    pub device_type: String,
    pub vlan: Option<i32>,
}

/// An unregistered switch or router heard with a management address: one click registers it
/// with the credentials of the switch that heard it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Candidate {
    pub site: String,
    pub address: String,
    pub name: String,
    pub capabilities: Vec<String>,
    /// The registered switch that heard it, and on which port.
    pub heard_by: String,
    pub heard_on: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Layer2 {
    pub nodes: Vec<GearNode>,
    pub links: Vec<GearLink>,
    pub devices: Vec<PlacedDevice>,
    /// Devices left out once `MAX_DEVICES` were drawn (counted on their switch still).
    pub devices_omitted: usize,
    pub candidates: Vec<Candidate>,
    /// Every VLAN the shown switches carry or devices were learned in (for the filter).
    pub vlans: Vec<u16>,
}

fn gear_id(site: &str, host: &str) -> String {
    format!("gear:{site}/{host}")
}

/// What a heard neighbour is, from the capabilities it announces (most specific first).
fn heard_kind(caps: &[String]) -> &'static str {
    for (cap, kind) in [
        ("wlan-ap", "wlan-ap"),
        ("phone", "phone"),
        ("router", "router"),
        ("bridge", "bridge"),
        ("station", "station"),
    ] {
        if caps.iter().any(|c| c == cap) {
            return kind;
        }
    }
    "unknown"
}

/// Finds the registered device a neighbour entry names: by LLDP chassis id, then by
/// management address, then by system name, within the same site.
struct Directory<'a> {
    by_chassis: HashMap<(&'a str, &'a str), &'a GearRow>,
    by_host: HashMap<(&'a str, &'a str), &'a GearRow>,
    by_name: HashMap<(&'a str, String), &'a GearRow>,
}

impl<'a> Directory<'a> {
    /// A chassis id or name two registered devices share names neither: it is left out
    /// (a lab of clones, or gear that reports its host name as chassis id).
    fn new(gear: &'a [GearRow]) -> Self {
        let mut d = Directory {
            by_chassis: HashMap::new(),
            by_host: HashMap::new(),
            by_name: HashMap::new(),
        };
        let mut shared_chassis = BTreeSet::new();
        let mut shared_names = BTreeSet::new();
        for g in gear {
            if let Some(c) = &g.chassis_id
                && d.by_chassis.insert((&g.site, c), g).is_some()
            {
                shared_chassis.insert((g.site.as_str(), c.as_str()));
            }
            d.by_host.insert((&g.site, &g.host), g);
            if let Some(n) = &g.sys_name
                && d.by_name.insert((&g.site, n.to_lowercase()), g).is_some()
            {
                shared_names.insert((g.site.as_str(), n.to_lowercase()));
            }
        }
        for key in shared_chassis {
            d.by_chassis.remove(&key);
        }
        for key in shared_names {
            d.by_name.remove(&key);
        }
        d
    }

    fn find(&self, l: &LinkRow) -> Option<&'a GearRow> {
        let site = l.site.as_str();
        self.by_chassis
            .get(&(site, l.chassis_id.as_str()))
            .or_else(|| {
                l.mgmt_address
                    .as_deref()
                    .and_then(|a| self.by_host.get(&(site, a)))
            })
            .or_else(|| {
                l.sys_name
                    .as_ref()
                    .and_then(|n| self.by_name.get(&(site, n.to_lowercase())))
            })
            .copied()
    }
}

/// Builds the graph. `vlan` keeps the devices learned in it and the switches carrying it
/// (with the links between them); rows are expected in a stable order.
pub fn build(
    gear: &[GearRow],
    links: &[LinkRow],
    placed: &[PlacedRow],
    vlan: Option<u16>,
) -> Layer2 {
    let shown: Vec<&GearRow> = gear
        .iter()
        .filter(|g| vlan.is_none_or(|v| g.vlans.is_empty() || g.vlans.contains(&v)))
        .collect();
    let shown_ids: BTreeSet<String> = shown.iter().map(|g| gear_id(&g.site, &g.host)).collect();
    let dir = Directory::new(gear);
    let mut all_vlans: BTreeSet<u16> = gear.iter().flat_map(|g| g.vlans.iter().copied()).collect();
    all_vlans.extend(
        placed
            .iter()
            .filter_map(|p| p.vlan.and_then(|v| u16::try_from(v).ok())),
    );

    let mut devices_on: HashMap<String, usize> = HashMap::new();
    let mut devices = Vec::new();
    let mut omitted = 0;
    for p in placed {
        if vlan.is_some_and(|v| p.vlan != Some(i32::from(v))) {
            continue;
        }
        let gear = gear_id(&p.site, &p.switch_host);
        if !shown_ids.contains(&gear) {
            continue;
        }
        *devices_on.entry(gear.clone()).or_default() += 1;
        if devices.len() >= MAX_DEVICES {
            omitted += 1;
            continue;
        }
        devices.push(PlacedDevice {
            gear,
            port: p.port.clone(),
            asset_id: p.asset_id,
            ip: p.ip.clone(),
            label: p.name.clone().unwrap_or_else(|| p.ip.clone()),
            category: p.category.clone(),
            device_type: p.device_type.clone(),
            vlan: p.vlan,
        });
    }

    let mut nodes: Vec<GearNode> = shown
        .iter()
        .map(|g| {
            let id = gear_id(&g.site, &g.host);
            GearNode {
                kind: g.role.clone(),
                label: if g.label.is_empty() {
                    g.sys_name.clone().unwrap_or_else(|| g.host.clone())
                } else {
                    g.label.clone()
                },
                site: g.site.clone(),
                registered: true,
                host: Some(g.host.clone()),
                mgmt_address: None,
                description: None,
                vlans: g.vlans.clone(),
                devices: devices_on.get(&id).copied().unwrap_or(0),
                poll_error: g.poll_error.clone(),
                id,
            }
        })
        .collect();

    // Links keyed by their two ends in order, so A→B and B→A are one link.
    let mut seen_links: BTreeMap<(String, String, String, String), GearLink> = BTreeMap::new();
    let mut heard: BTreeMap<String, GearNode> = BTreeMap::new();
    let mut candidates: BTreeMap<(String, String), Candidate> = BTreeMap::new();
    for l in links {
        let source = gear_id(&l.site, &l.host);
        if !shown_ids.contains(&source) {
            continue;
        }
        let (target, target_port) = match dir.find(l) {
            Some(g) => {
                let id = gear_id(&g.site, &g.host);
                if !shown_ids.contains(&id) {
                    continue;
                }
                (id, l.port_id.clone())
            }
            None => {
                let id = format!("heard:{}/{}", l.site, l.chassis_id);
                let kind = heard_kind(&l.capabilities);
                heard.entry(id.clone()).or_insert_with(|| GearNode {
                    id: id.clone(),
                    kind: kind.to_string(),
                    label: l.sys_name.clone().unwrap_or_else(|| l.chassis_id.clone()),
                    site: l.site.clone(),
                    registered: false,
                    host: None,
                    mgmt_address: l.mgmt_address.clone(),
                    description: l.description.clone(),
                    vlans: Vec::new(),
                    devices: 0,
                    poll_error: None,
                });
                let gear_like = matches!(kind, "bridge" | "router");
                if let (true, Some(address)) = (gear_like, &l.mgmt_address) {
                    candidates
                        .entry((l.site.clone(), address.clone()))
                        .or_insert_with(|| Candidate {
                            site: l.site.clone(),
                            address: address.clone(),
                            name: l.sys_name.clone().unwrap_or_else(|| l.chassis_id.clone()),
                            capabilities: l.capabilities.clone(),
                            heard_by: l.host.clone(),
                            heard_on: l.local_port.clone(),
                        });
                }
                (id, l.port_id.clone())
            }
        };
        let a = (source.clone(), l.local_port.clone());
        let b = (target.clone(), target_port.clone());
        let key = if a <= b {
            (a.0.clone(), a.1.clone(), b.0.clone(), b.1.clone())
        } else {
            (b.0.clone(), b.1.clone(), a.0.clone(), a.1.clone())
        };
        match seen_links.get_mut(&key) {
            Some(link) if !link.protocol.contains(&l.protocol) => {
                link.protocol = format!("{}+{}", link.protocol, l.protocol);
            }
            Some(_) => {}
            None => {
                seen_links.insert(
                    key,
                    GearLink {
                        source,
                        source_port: l.local_port.clone(),
                        target,
                        target_port,
                        protocol: l.protocol.clone(),
                    },
                );
            }
        }
    }
    nodes.extend(heard.into_values());
    Layer2 {
        nodes,
        links: seen_links.into_values().collect(),
        devices,
        devices_omitted: omitted,
        candidates: candidates.into_values().collect(),
        vlans: all_vlans.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gear(host: &str, chassis: &str, vlans: &[u16]) -> GearRow {
        GearRow {
            site: "hq".into(),
            host: host.into(),
            label: String::new(),
            role: "switch".into(),
            chassis_id: Some(chassis.into()),
            sys_name: Some(format!("{host}-name")),
            vlans: vlans.to_vec(),
            poll_error: None,
        }
    }

    fn link(host: &str, port: &str, chassis: &str, remote_port: &str, caps: &[&str]) -> LinkRow {
        LinkRow {
            site: "hq".into(),
            host: host.into(),
            local_port: port.into(),
            protocol: "lldp".into(),
            chassis_id: chassis.into(),
            port_id: remote_port.into(),
            sys_name: None,
            description: None,
            capabilities: caps.iter().map(|c| c.to_string()).collect(),
            mgmt_address: Some("10.0.0.99".into()),
        }
    }

    fn placed(host: &str, port: &str, vlan: Option<i32>) -> PlacedRow {
        PlacedRow {
            site: "hq".into(),
            switch_host: host.into(),
            port: port.into(),
            asset_id: uuid::Uuid::new_v4(),
            ip: "10.0.0.5".into(),
            name: None,
            category: "iot".into(),
            device_type: "camera".into(),
            vlan,
        }
    }

    #[test]
    fn a_link_reported_from_both_ends_is_drawn_once() {
        let g = [gear("sw1", "aa", &[]), gear("sw2", "bb", &[])];
        let links = [
            link("sw1", "eth1", "bb", "eth2", &["bridge"]),
            link("sw2", "eth2", "aa", "eth1", &["bridge"]),
        ];
        let l2 = build(&g, &links, &[], None);
        assert_eq!(l2.links.len(), 1, "{:?}", l2.links);
        assert_eq!(l2.nodes.len(), 2);
        assert!(l2.candidates.is_empty());
    }

    #[test]
    fn a_chassis_id_two_switches_share_matches_neither() {
        let g = [
            gear("sw1", "same", &[]),
            gear("sw2", "same", &[]),
            gear("sw3", "cc", &[]),
        ];
        let mut by_address = link("sw3", "eth1", "same", "eth9", &["bridge"]);
        by_address.mgmt_address = Some("sw2".into());
        let l2 = build(&g, &[by_address], &[], None);
        assert_eq!(
            l2.links[0].target, "gear:hq/sw2",
            "matched by management address"
        );
        let l2 = build(
            &g,
            &[link("sw3", "eth1", "same", "eth9", &["bridge"])],
            &[],
            None,
        );
        assert!(l2.links[0].target.starts_with("heard:"), "{:?}", l2.links);
    }

    #[test]
    fn unregistered_neighbours_are_heard_nodes_and_gear_among_them_candidates() {
        let g = [gear("sw1", "aa", &[])];
        let links = [
            link("sw1", "eth1", "cc", "Gi0/1", &["bridge", "router"]),
            link("sw1", "eth2", "dd", "wlan0", &["wlan-ap"]),
        ];
        let l2 = build(&g, &links, &[], None);
        let kinds: Vec<&str> = l2.nodes.iter().map(|n| n.kind.as_str()).collect();
        assert_eq!(kinds, ["switch", "router", "wlan-ap"]);
        assert_eq!(l2.candidates.len(), 1);
        assert_eq!(
            (
                l2.candidates[0].heard_by.as_str(),
                l2.candidates[0].heard_on.as_str()
            ),
            ("sw1", "eth1")
        );
    }

    #[test]
    fn a_vlan_keeps_its_devices_and_the_switches_carrying_it() {
        let g = [gear("sw1", "aa", &[10, 20]), gear("sw2", "bb", &[20])];
        let p = [
            placed("sw1", "eth3", Some(10)),
            placed("sw1", "eth4", Some(20)),
            placed("sw2", "eth5", Some(20)),
        ];
        let all = build(&g, &[], &p, None);
        assert_eq!((all.devices.len(), all.vlans.clone()), (3, vec![10, 20]));
        let ten = build(&g, &[], &p, Some(10));
        assert_eq!(ten.nodes.len(), 1, "sw2 carries no VLAN 10");
        assert_eq!(ten.devices.len(), 1);
        assert_eq!(ten.nodes[0].devices, 1);
    }

    #[test]
    fn devices_past_the_bound_are_counted_not_drawn() {
        let g = [gear("sw1", "aa", &[])];
        let p: Vec<PlacedRow> = (0..MAX_DEVICES + 7)
            .map(|_| placed("sw1", "eth1", None))
            .collect();
        let l2 = build(&g, &[], &p, None);
        assert_eq!((l2.devices.len(), l2.devices_omitted), (MAX_DEVICES, 7));
        assert_eq!(l2.nodes[0].devices, MAX_DEVICES + 7);
    }
}
