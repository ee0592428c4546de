//! A made-up office of 150 devices, observed by an agent over two weeks: what `bigr demo
//! load` puts into the `demo` site. Everything is generated from fixed tables (no
//! randomness), with real vendor prefixes, so the classifier sorts it as it would a real
//! network. The scans differ from each other as a real fortnight does: laptops and phones
//! come and go, a camera disappears, a server opens a port, a PC changes address.
use crate::model::{
    AssetObservation, CertificateObservation, MacAddr, PortSet, Privileges, ScanMethod, ScanReport,
    Service,
};
use chrono::{DateTime, Duration, Utc};
use std::net::{IpAddr, Ipv4Addr};
use uuid::Uuid;

/// The office network.
pub const NETWORK: &str = "10.20.0.0/24";
/// Scans over the fortnight, oldest first.
pub const SCANS: u32 = 8;
const DAYS: i64 = 14;

/// One kind of device: how many, their vendor prefix, name pattern and services.
struct Role {
    count: u8,
    oui: [u8; 3],
    name: &'static str,
    services: &'static [(u16, &'static str)],
}

/// (port, banner) pairs; the banner is what the port says when connected to.
const ROLES: &[Role] = &[
    Role {
        count: 2,
        oui: [0x00, 0x0C, 0x42],
        name: "gw",
        services: &[(22, "SSH-2.0-ROSSSH"), (8291, ""), (443, "")],
    },
    Role {
        count: 1,
        oui: [0x00, 0x09, 0x0F],
        name: "fw",
        services: &[(443, ""), (541, "")],
    },
    Role {
        count: 4,
        oui: [0x00, 0x00, 0x0C],
        name: "sw",
        services: &[(22, "SSH-2.0-Cisco-1.25"), (443, "")],
    },
    Role {
        count: 6,
        oui: [0x00, 0x27, 0x22],
        name: "ap",
        services: &[(22, "SSH-2.0-dropbear_2019.78"), (443, "")],
    },
    Role {
        count: 3,
        oui: [0x00, 0x08, 0x74],
        name: "srv",
        services: &[
            (22, "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10"),
            (443, ""),
            (5432, ""),
        ],
    },
    Role {
        count: 2,
        oui: [0x00, 0x11, 0x32],
        name: "nas",
        services: &[(5000, ""), (5001, ""), (445, "")],
    },
    Role {
        count: 8,
        oui: [0x3C, 0x2A, 0xF4],
        name: "printer",
        services: &[(9100, ""), (631, ""), (80, "")],
    },
    Role {
        count: 12,
        oui: [0x00, 0xBC, 0x99],
        name: "cam",
        services: &[(554, "RTSP/1.0 200 OK"), (80, ""), (8000, "")],
    },
    Role {
        count: 60,
        oui: [0x10, 0xC5, 0x95],
        name: "pc",
        services: &[(135, ""), (139, ""), (445, ""), (3389, "")],
    },
    Role {
        count: 35,
        oui: [0x00, 0x03, 0x93],
        name: "phone",
        services: &[],
    },
    Role {
        count: 10,
        oui: [0x00, 0x05, 0x02],
        name: "macbook",
        services: &[(22, "SSH-2.0-OpenSSH_9.0")],
    },
    Role {
        count: 4,
        oui: [0x00, 0xA1, 0x59],
        name: "tv",
        services: &[(8008, ""), (8009, "")],
    },
    Role {
        count: 3,
        oui: [0x00, 0x15, 0x65],
        name: "voip",
        services: &[(80, ""), (5060, "")],
    },
];

/// Web titles and servers the HTTP(S) ports of each role answer with.
fn http_of(name: &str) -> (Option<&'static str>, Option<&'static str>) {
    match name {
        "gw" => (
            Some("RouterOS router configuration page"),
            Some("MikroTik HttpProxy"),
        ),
        "fw" => (Some("FortiGate"), Some("xxxxxxxx-xxxxx")),
        "sw" => (Some("Cisco Catalyst Switch"), None),
        "ap" => (Some("UniFi Access Point"), Some("lighttpd/1.4.54")),
        "srv" => (Some("Inventory API"), Some("nginx/1.18.0")),
        "nas" => (Some("Synology DiskStation"), Some("nginx")),
        "printer" => (Some("Brother HL-L8360CDW"), Some("debut/1.30")),
        "cam" => (Some("Hikvision Web Client"), Some("App-webs/")),
        "voip" => (Some("Yealink T46S Phone"), None),
        _ => (None, None),
    }
}

/// One device of the office, with what changes about it over the fortnight.
struct Device {
    role: &'static Role,
    n: u8,
    host: u8,
}

impl Device {
    fn mac(&self) -> MacAddr {
        let [a, b, c] = self.role.oui;
        let tail = self.host;
        format!("{a:02x}:{b:02x}:{c:02x}:20:{:02x}:{tail:02x}", self.n)
            .parse()
            .expect("generated MAC")
    }

    fn hostname(&self) -> String {
        match self.role.name {
            "pc" => format!(
                "PC-{}-{:02}",
                ["ACC", "HR", "OPS", "SALES"][self.n as usize % 4],
                self.n + 1
            ),
            "phone" => format!(
                "{}-iPhone",
                ["Ayse", "Mehmet", "Elif", "Can", "Zeynep"][self.n as usize % 5]
            ),
            other => format!("{other}-{:02}.office.example", self.n + 1),
        }
    }

    /// Whether this device is on the network at scan `i` (0 = oldest).
    fn present(&self, i: u32) -> bool {
        match (self.role.name, self.n) {
            // Phones and laptops come and go.
            ("phone", n) => !(u32::from(n) + i).is_multiple_of(3),
            ("macbook", n) => (u32::from(n) + i) % 4 != 1,
            // A camera went dark in the second week; a new NAS arrived.
            ("cam", 11) => i < 5,
            ("nas", 1) => i >= 3,
            _ => true,
        }
    }

    /// Its address at scan `i`: one PC moved (DHCP) half-way through.
    fn ip(&self, i: u32) -> IpAddr {
        let host = if self.role.name == "pc" && self.n == 7 && i >= 4 {
            240
        } else {
            self.host
        };
        IpAddr::V4(Ipv4Addr::new(10, 20, 0, host))
    }

    fn observation(&self, i: u32) -> AssetObservation {
        let mut obs = AssetObservation::new(self.ip(i));
        obs.mac = Some(self.mac());
        obs.hostname = Some(self.hostname());
        let (title, server) = http_of(self.role.name);
        let mut ports: Vec<(u16, &str)> = self.role.services.to_vec();
        // The first server opened a database port to everyone in the second week.
        if self.role.name == "srv" && self.n == 0 && i >= 5 {
            ports.push((3306, "5.7.44-log"));
        }
        for (port, banner) in ports {
            let web = matches!(port, 80 | 443 | 5000 | 5001 | 8000);
            obs.open_ports.push(port);
            obs.services.push(Service {
                port,
                protocol: "tcp".into(),
                name: None,
                product: None,
                version: None,
                banner: Some(banner.to_string()).filter(|b| !b.is_empty()),
                http_title: title.filter(|_| web).map(str::to_string),
                http_server: server.filter(|_| web).map(str::to_string),
                tls: matches!(port, 443 | 5001),
                port_only: false,
            });
        }
        obs.open_ports.sort_unstable();
        crate::scan::ports::name_from_table(&mut obs.services);
        obs.switch_port = super::gear::placement(self.role.name, self.host);
        if self.role.name == "phone" {
            obs.mdns_services = vec!["_companion-link._tcp".into(), "_apple-mobdev2._tcp".into()];
        }
        obs
    }

    /// The certificate its HTTPS port serves (servers' expire soon; appliances' are self-signed).
    fn certificate(&self, now: DateTime<Utc>) -> Option<CertificateObservation> {
        let port = if self.role.services.iter().any(|(p, _)| *p == 443) {
            443
        } else if self.role.services.iter().any(|(p, _)| *p == 5001) {
            5001
        } else {
            return None;
        };
        let name = self.hostname();
        let (issuer, expires, self_signed) = match self.role.name {
            "srv" => (
                "R11, Let's Encrypt".to_string(),
                now + Duration::days(9 + i64::from(self.n) * 40),
                false,
            ),
            _ => (
                name.clone(),
                now + Duration::days(400 - i64::from(self.n) * 30),
                true,
            ),
        };
        Some(CertificateObservation {
            ip: self.ip(SCANS - 1),
            port,
            subject_cn: Some(name.clone()),
            sans: vec![name],
            issuer: Some(issuer),
            serial: Some(format!("{:032x}", u128::from(self.host) * 7919)),
            not_before: Some(now - Duration::days(300)),
            not_after: Some(expires),
            key_type: Some("RSA".into()),
            key_bits: Some(if self.role.name == "cam" { 1024 } else { 2048 }),
            signature_algorithm: Some("sha256WithRSAEncryption".into()),
            fingerprint_sha256: format!("{:064x}", u128::from(self.host) * 104_729),
            self_signed,
        })
    }
}

fn devices() -> Vec<Device> {
    let mut out = Vec::new();
    let mut host = 1u8;
    for role in ROLES {
        for n in 0..role.count {
            out.push(Device { role, n, host });
            host += 1;
        }
    }
    out
}

/// How many devices the office has in all.
pub fn device_count() -> usize {
    devices().len()
}

/// The fortnight's scan reports, oldest first, the last one `now`. Unclassified: the loader
/// runs them through the classifier as a real scan would.
pub fn reports(now: DateTime<Utc>) -> Vec<ScanReport> {
    let devices = devices();
    let step = Duration::days(DAYS) / (SCANS as i32 - 1);
    (0..SCANS)
        .map(|i| {
            let at = now - step * (SCANS - 1 - i) as i32 - Duration::minutes(2);
            let assets = devices
                .iter()
                .filter(|d| d.present(i))
                .map(|d| d.observation(i))
                .collect();
            let last = i + 1 == SCANS;
            let certificates = if last {
                devices.iter().filter_map(|d| d.certificate(now)).collect()
            } else {
                Vec::new()
            };
            let switches = if last {
                gear_seen(&devices)
            } else {
                Vec::new()
            };
            ScanReport {
                id: Uuid::now_v7(),
                target: NETWORK.into(),
                networks: vec![NETWORK.parse().expect("network")],
                method: ScanMethod::Hybrid,
                started_at: at,
                completed_at: Some(at + Duration::seconds(38)),
                partial: false,
                ports_probed: PortSet::from_ports(crate::scan::ports::default_ports()),
                privileges: Privileges::default(),
                scanner_version: format!("{} (demo)", env!("CARGO_PKG_VERSION")),
                assets,
                certificates,
                switches,
            }
        })
        .collect()
}

/// The switches' last poll: the access points they hear and how many devices each holds.
fn gear_seen(devices: &[Device]) -> Vec<crate::model::gear::SwitchObservation> {
    let aps: Vec<(u8, String, String)> = devices
        .iter()
        .filter(|d| d.role.name == "ap")
        .map(|d| (d.host, d.hostname(), d.mac().to_string()))
        .collect();
    let mut placed = std::collections::BTreeMap::new();
    for d in devices {
        if let Some(port) = super::gear::placement(d.role.name, d.host) {
            let i = super::gear::SWITCHES
                .iter()
                .position(|(h, _)| *h == port.host);
            *placed.entry(i.unwrap_or(0)).or_insert(0usize) += 1;
        }
    }
    let placed: Vec<(usize, usize)> = placed.into_iter().collect();
    super::gear::observations(&aps, &placed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_office_has_150_distinct_devices_that_change_over_the_fortnight() {
        assert_eq!(device_count(), 150);
        let macs: std::collections::HashSet<_> = devices().iter().map(|d| d.mac()).collect();
        assert_eq!(macs.len(), 150);
        let r = reports(Utc::now());
        assert_eq!(r.len(), SCANS as usize);
        assert!(r.windows(2).all(|w| w[0].started_at < w[1].started_at));
        assert_ne!(r[0].assets.len(), r[4].assets.len(), "devices come and go");
        for report in &r {
            report.validate().expect("a valid report");
        }
        assert!(!r.last().unwrap().certificates.is_empty());
    }
}
