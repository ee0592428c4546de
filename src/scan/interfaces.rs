//! The machine's own IPv4 networks: which targets are on-link (reachable by ARP on an
//! Ethernet interface) and what to scan when no target is given.
use crate::model::MacAddr;
use ipnet::Ipv4Net;
use std::net::{IpAddr, Ipv4Addr};

/// One IPv4 address of a local interface that is up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalNet {
    pub interface: String,
    pub ip: Ipv4Addr,
    pub net: Ipv4Net,
    /// The interface's hardware address; None on interfaces without Ethernet framing.
    pub mac: Option<MacAddr>,
}

/// Up, non-loopback interfaces with an IPv4 address. Listing needs no privilege.
pub fn list() -> Vec<LocalNet> {
    let Ok(devices) = pcap::Device::list() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in devices {
        if d.flags.is_loopback() || !d.flags.is_up() {
            continue;
        }
        let mac = read_mac(&d.name);
        for a in &d.addresses {
            let (IpAddr::V4(ip), Some(IpAddr::V4(mask))) = (a.addr, a.netmask) else {
                continue;
            };
            let prefix = u32::from(mask).leading_ones() as u8;
            if let Ok(net) = Ipv4Net::new(ip, prefix) {
                out.push(LocalNet {
                    interface: d.name.clone(),
                    ip,
                    net: net.trunc(),
                    mac,
                });
            }
        }
    }
    out
}

/// The interface's MAC from sysfs; all-zero (tunnels, some virtual links) counts as none.
fn read_mac(interface: &str) -> Option<MacAddr> {
    let text = std::fs::read_to_string(format!("/sys/class/net/{interface}/address")).ok()?;
    let mac: MacAddr = text.trim().parse().ok()?;
    (mac.0 != [0; 6]).then_some(mac)
}

/// The local network through which `ip` is reached directly, if any (the most specific one
/// when networks overlap). The interface's own address is not "on-link" to itself.
pub fn on_link(nets: &[LocalNet], ip: Ipv4Addr) -> Option<&LocalNet> {
    nets.iter()
        .filter(|n| n.net.contains(&ip) && n.ip != ip)
        .max_by_key(|n| n.net.prefix_len())
}

/// What `bigr scan` without targets covers: the directly connected networks, each once.
pub fn connected_networks(nets: &[LocalNet]) -> Vec<Ipv4Net> {
    let mut out: Vec<Ipv4Net> = Vec::new();
    for n in nets {
        if !out.contains(&n.net) && n.net.prefix_len() < 32 {
            out.push(n.net);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(interface: &str, ip: &str, prefix: u8) -> LocalNet {
        let ip: Ipv4Addr = ip.parse().unwrap();
        LocalNet {
            interface: interface.into(),
            ip,
            net: Ipv4Net::new(ip, prefix).unwrap().trunc(),
            mac: Some(MacAddr([2, 0, 0, 0, 0, 1])),
        }
    }

    #[test]
    fn picks_the_most_specific_network_and_never_the_own_address() {
        let nets = [net("eth0", "10.0.0.2", 16), net("eth1", "10.0.5.1", 24)];
        let via = |ip: &str| on_link(&nets, ip.parse().unwrap()).map(|n| n.interface.clone());
        assert_eq!(via("10.0.5.7").as_deref(), Some("eth1"));
        assert_eq!(via("10.0.9.7").as_deref(), Some("eth0"));
        assert_eq!(via("10.0.0.2"), None, "own address");
        assert_eq!(via("192.168.1.1"), None, "routed");
    }

    #[test]
    fn connected_networks_are_listed_once_without_host_routes() {
        let nets = [
            net("eth0", "10.0.0.2", 24),
            net("eth0", "10.0.0.3", 24),
            net("wg0", "10.9.0.1", 32),
        ];
        assert_eq!(
            connected_networks(&nets),
            ["10.0.0.0/24".parse::<Ipv4Net>().unwrap()]
        );
    }
}
