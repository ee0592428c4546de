//! The discovery bench's network: the namespace lab furnished as an office. Every tenth
//! host in turn is a Windows 10 PC (three in ten, ICMP-silent behind a firewall that drops
//! closed ports), a printer, a phone (two in ten), a camera (RTSP, web, UPnP), a NAS
//! (Samba, NetBIOS, web, UPnP), a Linux server or a TV, each with its vendor's MAC and its
//! usual services; every fiftieth is network gear
//! answering SNMP (a Cisco router, switch or access point). One PC and phone in four renews
//! its DHCP lease during a scan. The truth of what each one is comes from here.
use crate::lab::Lab;
use crate::lab_roles as roles;
use crate::lab_services as svc;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    WindowsPc,
    Printer,
    Phone,
    Camera,
    Nas,
    LinuxServer,
    Tv,
    /// A router, a switch or an access point answering SNMP.
    NetworkGear,
}

/// Every this-many hosts, the last is network gear (a router, a switch, an access point in
/// turn) instead of its row's role: 5 of 250, 1 of 60.
const GEAR_EVERY: usize = 50;
const GEAR: [roles::NetworkGear; 3] = [
    roles::NetworkGear::Router,
    roles::NetworkGear::Switch,
    roles::NetworkGear::AccessPoint,
];

const ROLES: [Role; 10] = [
    Role::WindowsPc,
    Role::Printer,
    Role::Phone,
    Role::WindowsPc,
    Role::Camera,
    Role::Nas,
    Role::WindowsPc,
    Role::LinuxServer,
    Role::Tv,
    Role::Phone,
];

/// What one host is, as the scan should find it.
pub struct Truth {
    pub role: Role,
    pub ports: BTreeSet<u16>,
    /// The name a supported source (other than the lab's DNS) carries, if any.
    pub name: Option<String>,
    /// The device type the classification should give.
    pub device_type: &'static str,
}

/// What stays alive while the office answers (mDNS daemons and DHCP clients stop on drop).
pub struct Office {
    pub truth: BTreeMap<IpAddr, Truth>,
    _mdns: Vec<mdns_sd::ServiceDaemon>,
    _dhcp: Vec<svc::DhcpClient>,
    _snmp: Vec<svc::SnmpAgent>,
    _samba: Vec<svc::Samba>,
}

/// One PC and one phone in this many renews its DHCP lease while a scan runs.
const DHCP_RENEWING: usize = 4;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn mac(oui: &str, i: usize) -> String {
    format!(
        "{oui}:{:02x}:{:02x}:{:02x}",
        (i >> 16) & 0xff,
        (i >> 8) & 0xff,
        i & 0xff
    )
}

/// Furnishes every host of `lab` with its role.
pub fn furnish(lab: &mut Lab) -> Office {
    let mut truth = BTreeMap::new();
    let mut mdns = Vec::new();
    let mut dhcp = Vec::new();
    let mut snmp = Vec::new();
    let mut samba = Vec::new();
    for i in 0..lab.hosts.len() {
        let renewing = (i / ROLES.len()).is_multiple_of(DHCP_RENEWING);
        let role = if i % GEAR_EVERY == GEAR_EVERY - 1 {
            Role::NetworkGear
        } else {
            ROLES[i % ROLES.len()]
        };
        let oui = match role {
            Role::WindowsPc => roles::PC_OUI,
            Role::Printer => roles::PRINTER_OUI,
            Role::Phone => roles::PHONE_OUI,
            Role::Camera => roles::CAMERA_OUI,
            Role::Nas => roles::NAS_OUI,
            Role::LinuxServer => "ac:1f:6b",
            Role::Tv => roles::TV_OUI,
            Role::NetworkGear => "00:00:0c",
        };
        lab.set_mac(i, &mac(oui, i));
        let host = &lab.hosts[i];
        let t = match role {
            Role::WindowsPc => {
                let name = leak(format!("PC-{i:03}"));
                roles::windows_pc(host, name);
                if renewing {
                    dhcp.push(roles::windows_dhcp(host, name));
                }
                (roles::PC_PORTS.to_vec(), Some(name.to_string()), "desktop")
            }
            Role::Printer => {
                let friendly = format!("HP LaserJet Pro M404dn [{i:04}]");
                roles::printer(host, &friendly);
                (vec![631, 9100], Some(friendly), "printer")
            }
            Role::Phone => {
                let name = format!("phone-{i:03}");
                mdns.push(roles::iphone(host, &name, &format!("Phone {i:03}")));
                if renewing {
                    dhcp.push(roles::iphone_dhcp(host, &name));
                }
                (vec![], Some(name), "phone")
            }
            Role::Camera => {
                let friendly = format!("Camera {i:03}");
                roles::camera(host, &friendly);
                (vec![80, 554], Some(friendly), "camera")
            }
            Role::Nas => {
                let name = leak(format!("NAS-{i:03}"));
                svc::netbios_responder(&host.ns, name, "CORP", [0; 6]);
                samba.push(svc::samba(&host.ns, name, "CORP", false));
                svc::serve_http(&host.ns, 5000, "nginx", "Synology DiskStation");
                roles::nas_upnp(host, name, 5001);
                (vec![139, 445, 5000], Some(name.to_string()), "nas")
            }
            Role::LinuxServer => {
                svc::serve_tcp(&host.ns, 22, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
                svc::serve_http(&host.ns, 8080, "nginx/1.22.1", "Grafana");
                (vec![22, 8080], None, "server")
            }
            Role::NetworkGear => {
                let kind = GEAR[(i / GEAR_EVERY) % GEAR.len()];
                let name = format!("net-{i:03}");
                snmp.push(roles::network_device(host, kind, &name));
                let ty = match kind {
                    roles::NetworkGear::Router => "router",
                    roles::NetworkGear::Switch => "switch",
                    roles::NetworkGear::AccessPoint => "access_point",
                };
                (vec![], Some(name), ty)
            }
            Role::Tv => {
                let friendly = format!("[TV] Room {i:03}");
                roles::tv(host, &friendly);
                (vec![], Some(friendly), "media")
            }
        };
        truth.insert(
            IpAddr::V4(host.ip),
            Truth {
                role,
                ports: t.0.into_iter().collect(),
                name: t.1,
                device_type: t.2,
            },
        );
    }
    Office {
        truth,
        _mdns: mdns,
        _dhcp: dhcp,
        _snmp: snmp,
        _samba: samba,
    }
}

/// How well a scan identified the office.
pub struct Identified {
    pub named_hosts: usize,
    pub nameable_hosts: usize,
    pub typed: usize,
    pub typed_right: usize,
    pub hosts: usize,
    pub high_confidence: usize,
    /// Open services named by a protocol that answered (not from the port table).
    pub services_named: usize,
    pub services_with_product: usize,
    pub services: usize,
}

pub fn identified(office: &Office, report: &bigr::model::ScanReport) -> Identified {
    let mut out = Identified {
        named_hosts: 0,
        nameable_hosts: office.truth.values().filter(|t| t.name.is_some()).count(),
        typed: 0,
        typed_right: 0,
        hosts: office.truth.len(),
        high_confidence: 0,
        services_named: 0,
        services_with_product: 0,
        services: 0,
    };
    for a in &report.assets {
        let Some(t) = office.truth.get(&a.ip) else {
            continue;
        };
        if let Some(want) = &t.name
            && a.names.iter().any(|n| n.name.eq_ignore_ascii_case(want))
        {
            out.named_hosts += 1;
        }
        if a.device_type != bigr::model::DeviceType::Unknown {
            out.typed += 1;
        }
        if a.device_type.as_str() == t.device_type {
            out.typed_right += 1;
        }
        if a.confidence >= 0.7 {
            out.high_confidence += 1;
        }
        for s in a.services.iter().filter(|s| t.ports.contains(&s.port)) {
            out.services += 1;
            if s.name.is_some() && !s.port_only {
                out.services_named += 1;
            }
            if s.product.is_some() {
                out.services_with_product += 1;
            }
        }
    }
    out
}

/// nmap -sV's grepable lines: (services named without a "?", services with a version
/// string) over the truth's open ports.
pub fn nmap_versions(text: &str, office: &Office) -> (usize, usize) {
    let (mut named, mut versioned) = (0, 0);
    for (ip, line) in crate::nmap_hosts(text) {
        let Some(t) = office.truth.get(&ip) else {
            continue;
        };
        let Some(ports) = line.split("Ports: ").nth(1) else {
            continue;
        };
        for p in ports.split(", ") {
            let f: Vec<&str> = p.split('/').collect();
            let Some(port) = f.first().and_then(|s| s.trim().parse::<u16>().ok()) else {
                continue;
            };
            if f.get(1) != Some(&"open") || !t.ports.contains(&port) {
                continue;
            }
            let service = f.get(4).copied().unwrap_or("");
            if !service.is_empty() && !service.ends_with('?') && service != "unknown" {
                named += 1;
            }
            if f.get(6).is_some_and(|v| !v.trim().is_empty()) {
                versioned += 1;
            }
        }
    }
    (named, versioned)
}

/// The hosts with open ports and the union of their ports, for nmap -sV.
pub fn version_targets(office: &Office) -> (Vec<String>, String) {
    let hosts = office
        .truth
        .iter()
        .filter(|(_, t)| !t.ports.is_empty())
        .map(|(ip, _)| ip.to_string())
        .collect();
    let ports: BTreeSet<u16> = office
        .truth
        .values()
        .flat_map(|t| t.ports.clone())
        .collect();
    let list: Vec<String> = ports.iter().map(u16::to_string).collect();
    (hosts, list.join(","))
}

/// Roles in the office, for the bench's header line.
pub fn census(office: &Office) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for t in office.truth.values() {
        *counts.entry(format!("{:?}", t.role)).or_default() += 1;
    }
    counts
        .iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect::<Vec<_>>()
        .join(", ")
}
