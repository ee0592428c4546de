//! The network's shape: sites → subnets → gateways and switches → devices. Subnets are the
//! registered ones, else the /24 (IPv4) or /64 (IPv6) an address falls in; a device hangs off
//! the switch that maps it (SNMP forwarding table) or else straight off its subnet.
use crate::model::AssetFacts;
use ipnet::IpNet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
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

/// Builds the graph from assets streamed past it one at a time: only the drawn devices (at
/// most `MAX_DEVICES`) and the subnet, switch and site nodes are held.
pub struct TopologyBuilder<'a> {
    subnets: &'a [KnownSubnet],
    sites: BTreeSet<String>,
    /// Every node but the sites (they lead the list, in name order, when finished).
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    seen: HashSet<String>,
    assets: usize,
    drawn: usize,
    omitted: usize,
}

fn blank(id: String, kind: &'static str, label: String, site: &str) -> Node {
    Node {
        id,
        kind,
        label,
        site: site.to_string(),
        asset_id: None,
        ip: None,
        category: None,
        device_type: None,
        switch_port: None,
    }
}

impl<'a> TopologyBuilder<'a> {
    /// Starts with the registered subnets and switches (site, host).
    pub fn new(subnets: &'a [KnownSubnet], switches: &[(String, String)]) -> Self {
        let mut b = TopologyBuilder {
            subnets,
            sites: BTreeSet::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            seen: HashSet::new(),
            assets: 0,
            drawn: 0,
            omitted: 0,
        };
        for s in subnets {
            let label = if s.label.is_empty() {
                s.net.to_string()
            } else {
                format!("{} ({})", s.net, s.label)
            };
            b.contained(
                format!("subnet:{}/{}", s.site, s.net),
                "subnet",
                label,
                &s.site,
            );
        }
        for (site, host) in switches {
            b.switch(site, host);
        }
        b
    }

    /// Adds a node hanging off its site, once.
    fn contained(&mut self, id: String, kind: &'static str, label: String, site: &str) {
        self.add_site(site);
        if self.seen.insert(id.clone()) {
            self.edges.push(Edge {
                source: format!("site:{site}"),
                target: id.clone(),
                kind: if kind == "switch" {
                    "uplink"
                } else {
                    "contains"
                },
                label: None,
            });
            self.nodes.push(blank(id, kind, label, site));
        }
    }

    fn switch(&mut self, site: &str, host: &str) -> String {
        let id = format!("switch:{site}/{host}");
        self.contained(id.clone(), "switch", host.to_string(), site);
        id
    }

    /// Adds the node of a network holding assets that no registered subnet covers.
    pub fn add_network(&mut self, site: &str, net: IpNet) {
        self.contained(
            format!("subnet:{site}/{net}"),
            "subnet",
            net.to_string(),
            site,
        );
    }

    /// Counts a site that holds assets (its node leads the graph).
    pub fn add_site(&mut self, site: &str) {
        if !self.sites.contains(site) {
            self.sites.insert(site.to_string());
        }
    }

    pub fn add(&mut self, a: &AssetFacts) {
        self.assets += 1;
        self.add_site(&a.site);
        let Ok(ip) = a.ip.parse::<IpAddr>() else {
            return;
        };
        let net = self
            .subnets
            .iter()
            .filter(|s| s.site == a.site && s.net.contains(&ip))
            .max_by_key(|s| s.net.prefix_len())
            .map_or_else(|| implied_subnet(ip), |s| s.net);
        let subnet_id = format!("subnet:{}/{}", a.site, net);
        self.contained(subnet_id.clone(), "subnet", net.to_string(), &a.site);
        if self.drawn >= MAX_DEVICES {
            self.omitted += 1;
            return;
        }
        let id = format!("asset:{}", a.id);
        if !self.seen.insert(id.clone()) {
            return;
        }
        self.drawn += 1;
        let gateway = is_gateway(a, ip);
        let label = a
            .hostname
            .clone()
            .or_else(|| a.vendor.clone())
            .unwrap_or_else(|| a.ip.clone());
        self.nodes.push(Node {
            id: id.clone(),
            kind: if gateway { "gateway" } else { "device" },
            label,
            site: a.site.clone(),
            asset_id: Some(a.id),
            ip: Some(a.ip.clone()),
            category: Some(a.category.clone()),
            device_type: Some(a.device_type.clone()),
            switch_port: a.switch_port.clone(),
        });
        let edge = match (&a.switch_host, gateway) {
            (Some(host), false) => Edge {
                source: self.switch(&a.site, host),
                target: id,
                kind: "port",
                label: a.switch_port.clone(),
            },
            (_, true) => Edge {
                source: subnet_id,
                target: id,
                kind: "gateway",
                label: Some("gateway".into()),
            },
            _ => Edge {
                source: subnet_id,
                target: id,
                kind: "contains",
                label: None,
            },
        };
        self.edges.push(edge);
    }

    /// `finish` for a graph drawn from some of `total` assets, whose networks were added
    /// (`add_network`) from counts.
    pub fn finish_of(mut self, total: usize) -> Topology {
        self.omitted = total.saturating_sub(self.drawn);
        self.assets = total;
        self.finish()
    }

    pub fn finish(self) -> Topology {
        let mut nodes: Vec<Node> = self
            .sites
            .iter()
            .map(|site| blank(format!("site:{site}"), "site", site.clone(), site))
            .collect();
        nodes.extend(self.nodes);
        let mut node_kinds = BTreeMap::new();
        for n in &nodes {
            *node_kinds.entry(n.kind.to_string()).or_insert(0) += 1;
        }
        Topology {
            nodes,
            edges: self.edges,
            node_kinds,
            assets: self.assets,
            devices_omitted: self.omitted,
        }
    }
}

/// The graph of a slice of assets in memory: what the graph drawn from the store must equal
/// (tests compare them), and the answer for small inputs.
pub fn build(
    assets: &[AssetFacts],
    subnets: &[KnownSubnet],
    switches: &[(String, String)],
) -> Topology {
    let mut b = TopologyBuilder::new(subnets, switches);
    for a in assets {
        b.add(a);
    }
    b.finish()
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
        // Sites lead the list, in name order.
        assert_eq!(t.nodes[0].id, "site:branch");
        assert_eq!(t.nodes[1].id, "site:hq");
        // Every edge joins two nodes of the graph.
        let ids: HashSet<&str> = t.nodes.iter().map(|n| n.id.as_str()).collect();
        for e in &t.edges {
            assert!(
                ids.contains(e.source.as_str()) && ids.contains(e.target.as_str()),
                "{e:?}"
            );
        }
    }

    #[test]
    fn draws_at_most_max_devices_and_counts_the_rest() {
        let mut b = TopologyBuilder::new(&[], &[]);
        let extra = 7;
        for i in 0..MAX_DEVICES + extra {
            let ip = std::net::Ipv4Addr::from(0x0A00_0000 + i as u32);
            b.add(&asset("hq", &ip.to_string(), "camera", None));
        }
        let t = b.finish();
        assert_eq!(t.assets, MAX_DEVICES + extra);
        assert_eq!(t.devices_omitted, extra);
        assert_eq!(t.node_kinds["device"], MAX_DEVICES);
        // The omitted devices' subnets are still drawn: 5 007 addresses span 20 /24s.
        assert_eq!(t.node_kinds["subnet"], (MAX_DEVICES + extra).div_ceil(256));
    }
}
