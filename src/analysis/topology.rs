//! The network's shape: sites → subnets → gateways and switches → devices. Subnets are the
//! registered ones, else the /24 (IPv4) or /64 (IPv6) an address falls in; a device hangs off
//! the switch that maps it (SNMP forwarding table) or else straight off its subnet.
use crate::model::AssetFacts;
use ipnet::IpNet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Devices drawn at most; the stats still count every asset.
pub const MAX_DEVICES: usize = 5_000;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Node {
    pub id: String,
    /// `site`, `subnet`, `gateway`, `switch` or `device`.
    pub kind: &'static str,
    pub label: String,
    pub site: String,
    pub asset_id: Option<uuid::Uuid>,
    pub ip: Option<String>,
    pub category: Option<String>,
    pub device_type: Option<String>,
    pub switch_port: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Edge {
    pub source: String,
    pub target: String,
    /// `contains`, `gateway`, `uplink` or `port`.
    pub kind: &'static str,
    pub label: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Topology {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub node_kinds: BTreeMap<String, usize>,
    pub assets: usize,
    /// Devices left out because the graph reached MAX_DEVICES.
    pub devices_omitted: usize,
}

/// Registered subnets (site, network, label).
pub struct KnownSubnet {
    pub site: String,
    pub net: IpNet,
    pub label: String,
}

fn implied_subnet(ip: IpAddr) -> IpNet {
    let prefix = if ip.is_ipv4() { 24 } else { 64 };
    IpNet::new(ip, prefix)
        .map(|n| n.trunc())
        .unwrap_or_else(|_| IpNet::from(ip))
}

fn is_gateway(a: &AssetFacts, ip: IpAddr) -> bool {
    let routing = matches!(a.device_type.as_str(), "router" | "firewall");
    let last = match ip {
        IpAddr::V4(v4) => v4.octets()[3],
        IpAddr::V6(_) => 0,
    };
    routing || (a.category == "ag_ve_sistemler" && matches!(last, 1 | 254))
}

pub fn build(
    assets: &[AssetFacts],
    subnets: &[KnownSubnet],
    switches: &[(String, String)],
) -> Topology {
    let mut nodes: Vec<Node> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut add_node = |nodes: &mut Vec<Node>, n: Node| {
        if seen.insert(n.id.clone()) {
            nodes.push(n);
        }
    };
    let blank = |id: String, kind: &'static str, label: String, site: &str| Node {
        id,
        kind,
        label,
        site: site.to_string(),
        asset_id: None,
        ip: None,
        category: None,
        device_type: None,
        switch_port: None,
    };
    let mut sites: BTreeSet<&str> = assets.iter().map(|a| a.site.as_str()).collect();
    sites.extend(subnets.iter().map(|s| s.site.as_str()));
    sites.extend(switches.iter().map(|(site, _)| site.as_str()));
    for site in &sites {
        add_node(
            &mut nodes,
            blank(format!("site:{site}"), "site", site.to_string(), site),
        );
    }
    for s in subnets {
        let id = format!("subnet:{}/{}", s.site, s.net);
        let label = if s.label.is_empty() {
            s.net.to_string()
        } else {
            format!("{} ({})", s.net, s.label)
        };
        add_node(&mut nodes, blank(id.clone(), "subnet", label, &s.site));
        edges.push(Edge {
            source: format!("site:{}", s.site),
            target: id,
            kind: "contains",
            label: None,
        });
    }
    for (site, host) in switches {
        let id = format!("switch:{site}/{host}");
        add_node(&mut nodes, blank(id.clone(), "switch", host.clone(), site));
        edges.push(Edge {
            source: format!("site:{site}"),
            target: id,
            kind: "uplink",
            label: None,
        });
    }
    let mut drawn = 0usize;
    let mut omitted = 0usize;
    for a in assets {
        let Ok(ip) = a.ip.parse::<IpAddr>() else {
            continue;
        };
        let net = subnets
            .iter()
            .filter(|s| s.site == a.site && s.net.contains(&ip))
            .max_by_key(|s| s.net.prefix_len())
            .map_or_else(|| implied_subnet(ip), |s| s.net);
        let subnet_id = format!("subnet:{}/{}", a.site, net);
        if !nodes.iter().any(|n| n.id == subnet_id) {
            add_node(
                &mut nodes,
                blank(subnet_id.clone(), "subnet", net.to_string(), &a.site),
            );
            edges.push(Edge {
                source: format!("site:{}", a.site),
                target: subnet_id.clone(),
                kind: "contains",
                label: None,
            });
        }
        if drawn >= MAX_DEVICES {
            omitted += 1;
            continue;
        }
        drawn += 1;
        let gateway = is_gateway(a, ip);
        let id = format!("asset:{}", a.id);
        let label = a
            .hostname
            .clone()
            .or_else(|| a.vendor.clone())
            .unwrap_or_else(|| a.ip.clone());
        add_node(
            &mut nodes,
            Node {
                id: id.clone(),
                kind: if gateway { "gateway" } else { "device" },
                label,
                site: a.site.clone(),
                asset_id: Some(a.id),
                ip: Some(a.ip.clone()),
                category: Some(a.category.clone()),
                device_type: Some(a.device_type.clone()),
                switch_port: a.switch_port.clone(),
            },
        );
        match (&a.switch_host, gateway) {
            (Some(host), false) => {
                let sw = format!("switch:{}/{}", a.site, host);
                if !nodes.iter().any(|n| n.id == sw) {
                    add_node(
                        &mut nodes,
                        blank(sw.clone(), "switch", host.clone(), &a.site),
                    );
                    edges.push(Edge {
                        source: format!("site:{}", a.site),
                        target: sw.clone(),
                        kind: "uplink",
                        label: None,
                    });
                }
                edges.push(Edge {
                    source: sw,
                    target: id,
                    kind: "port",
                    label: a.switch_port.clone(),
                });
            }
            (_, true) => edges.push(Edge {
                source: subnet_id,
                target: id,
                kind: "gateway",
                label: Some("gateway".into()),
            }),
            _ => edges.push(Edge {
                source: subnet_id,
                target: id,
                kind: "contains",
                label: None,
            }),
        }
    }
    let mut node_kinds = BTreeMap::new();
    for n in &nodes {
        *node_kinds.entry(n.kind.to_string()).or_insert(0) += 1;
    }
    Topology {
        nodes,
        edges,
        node_kinds,
        assets: assets.len(),
        devices_omitted: omitted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(site: &str, ip: &str, kind: &str, switch: Option<&str>) -> AssetFacts {
        AssetFacts {
            id: uuid::Uuid::new_v4(),
            site: site.into(),
            ip: ip.into(),
            device_type: kind.into(),
            category: if kind == "router" {
                "ag_ve_sistemler".into()
            } else {
                "iot".into()
            },
            switch_host: switch.map(str::to_string),
            switch_port: switch.map(|_| "Gi0/3".to_string()),
            ..Default::default()
        }
    }

    #[test]
    fn sites_subnets_gateways_switches_devices() {
        let assets = vec![
            asset("hq", "10.0.0.1", "router", None),
            asset("hq", "10.0.0.20", "camera", Some("sw1")),
            asset("hq", "10.0.9.5", "printer", None),
            asset("branch", "10.0.0.20", "camera", None),
        ];
        let subnets = [KnownSubnet {
            site: "hq".into(),
            net: "10.0.0.0/24".parse().unwrap(),
            label: "core".into(),
        }];
        let t = build(&assets, &subnets, &[("hq".into(), "sw1".into())]);
        assert_eq!(t.node_kinds["site"], 2);
        assert_eq!(
            t.node_kinds["subnet"], 3,
            "hq core, hq 10.0.9.0/24, branch 10.0.0.0/24"
        );
        assert_eq!(t.node_kinds["gateway"], 1);
        assert_eq!(t.node_kinds["switch"], 1);
        let cam = t
            .nodes
            .iter()
            .find(|n| n.site == "hq" && n.ip.as_deref() == Some("10.0.0.20"))
            .unwrap();
        assert!(t.edges.iter().any(|e| e.source == "switch:hq/sw1"
            && e.target == cam.id
            && e.label.as_deref() == Some("Gi0/3")));
        // Same IP in another site is another node in another subnet.
        assert!(t.nodes.iter().any(|n| n.id == "subnet:branch/10.0.0.0/24"));
    }
}
