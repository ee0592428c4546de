//! Inventory data shaped like a real fleet's, for the server benchmarks: every site spreads
//! its assets over several /24s; roles (Windows PCs, laptops, phones, printers, cameras,
//! servers, network gear, IoT, unknowns) come in real proportions with their vendors' MACs,
//! unique host names built from departments, people and asset codes (some hosts have none),
//! and the services each role runs, with banners, products and versions. A repeat scan
//! moves a few devices to new addresses, opens ports, misses some and finds new ones.
//!
//! Nothing here was tuned to the server's queries: the search words of the bench hit one
//! asset, many, or none, and are derived from the same generator.
use bigr::model::{
    AssetObservation, Category, DeviceType, MacAddr, ScanMethod, ScanReport, Service,
};
use chrono::{DateTime, Duration, Utc};
use std::net::Ipv4Addr;

/// Hosts per /24 of a site.
const PER_SUBNET: u32 = 200;

const DEPARTMENTS: [&str; 12] = [
    "muhasebe", "ik", "satis", "depo", "uretim", "bt", "hukuk", "finans", "arge", "lojistik",
    "kalite", "yonetim",
];
const PEOPLE: [&str; 16] = [
    "ayse", "mehmet", "zeynep", "can", "elif", "burak", "deniz", "emre", "selin", "okan", "derya",
    "murat", "gizem", "kerem", "nazli", "tolga",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    WindowsPc,
    Laptop,
    Phone,
    Printer,
    Camera,
    Server,
    NetworkGear,
    Iot,
    Unknown,
}

/// Roles in proportion, out of 100.
const MIX: [(Role, u32); 9] = [
    (Role::WindowsPc, 33),
    (Role::Laptop, 15),
    (Role::Phone, 12),
    (Role::Printer, 6),
    (Role::Camera, 6),
    (Role::Server, 9),
    (Role::NetworkGear, 4),
    (Role::Iot, 7),
    (Role::Unknown, 8),
];

/// A stable pseudo-random number for (site, index, salt): the same data on every run.
fn mix(site: u32, i: u32, salt: u32) -> u32 {
    let mut x = (u64::from(site) << 40) ^ (u64::from(i) << 8) ^ u64::from(salt);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    x as u32
}

fn role(site: u32, i: u32) -> Role {
    let mut pick = mix(site, i, 1) % 100;
    for (role, share) in MIX {
        if pick < share {
            return role;
        }
        pick -= share;
    }
    Role::Unknown
}

fn pick<T: Copy>(options: &[T], n: u32) -> T {
    options[n as usize % options.len()]
}

/// (vendor, OUI) choices per role.
fn vendors(role: Role) -> &'static [(&'static str, [u8; 3])] {
    match role {
        Role::WindowsPc => &[
            ("Dell Inc.", [0x14, 0x18, 0x77]),
            ("HP Inc.", [0x3c, 0x52, 0x82]),
            ("Lenovo", [0x54, 0xee, 0x75]),
            ("Fujitsu", [0x00, 0x0b, 0x5d]),
        ],
        Role::Laptop => &[
            ("Lenovo", [0x8c, 0x16, 0x45]),
            ("Dell Inc.", [0xf8, 0xbc, 0x12]),
            ("Apple, Inc.", [0xa4, 0x83, 0xe7]),
            ("ASUSTek", [0x04, 0x92, 0x26]),
        ],
        Role::Phone => &[
            ("Apple, Inc.", [0xf0, 0x18, 0x98]),
            ("Samsung Electronics", [0x8c, 0x79, 0xf5]),
            ("Xiaomi", [0x64, 0x09, 0x80]),
        ],
        Role::Printer => &[
            ("HP Inc.", [0xa0, 0x8c, 0xfd]),
            ("Brother Industries", [0x00, 0x80, 0x77]),
            ("Canon", [0x00, 0x1e, 0x8f]),
            ("Kyocera", [0x00, 0xc0, 0xee]),
        ],
        Role::Camera => &[
            ("Hikvision", [0x54, 0x8c, 0x81]),
            ("Dahua", [0x3c, 0xef, 0x8c]),
            ("Axis Communications", [0x00, 0x40, 0x8c]),
        ],
        Role::Server => &[
            ("Supermicro", [0xac, 0x1f, 0x6b]),
            ("Dell Inc.", [0x18, 0x66, 0xda]),
            ("Hewlett Packard Enterprise", [0x94, 0x40, 0xc9]),
            ("VMware", [0x00, 0x50, 0x56]),
        ],
        Role::NetworkGear => &[
            ("Cisco Systems", [0x00, 0x00, 0x0c]),
            ("Aruba", [0x00, 0x0b, 0x86]),
            ("Juniper Networks", [0x00, 0x05, 0x85]),
            ("MikroTik", [0x48, 0x8f, 0x5a]),
            ("Ubiquiti", [0x24, 0x5a, 0x4c]),
        ],
        Role::Iot => &[
            ("Espressif", [0x24, 0x0a, 0xc4]),
            ("Tuya Smart", [0x68, 0x57, 0x2d]),
            ("Shelly", [0xe8, 0xdb, 0x84]),
        ],
        Role::Unknown => &[("", [0x02, 0x00, 0x00])],
    }
}

/// A short asset code, unique per (site, index): base-36 of both.
fn code(site: u32, i: u32) -> String {
    let mut n = u64::from(site) * 1_000_003 + u64::from(i);
    let mut out = Vec::new();
    while n > 0 || out.len() < 4 {
        out.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap()
}

/// The host name asset `i` of `site` carries, if any (one in seven has none).
pub fn hostname(site: u32, i: u32) -> Option<String> {
    let r = role(site, i);
    let n = mix(site, i, 2);
    if n.is_multiple_of(7) {
        return None;
    }
    let dept = pick(&DEPARTMENTS, n >> 3);
    let person = pick(&PEOPLE, n >> 9);
    let c = code(site, i);
    Some(match r {
        Role::WindowsPc => format!("{}-PC-{}", dept.to_uppercase(), c.to_uppercase()),
        Role::Laptop => format!("LAPTOP-{}-{person}", c.to_uppercase()),
        Role::Phone => format!("{person}s-iphone-{c}"),
        Role::Printer => format!("prn-{dept}-{c}.corp.lan"),
        Role::Camera => format!("cam-{dept}-{c}"),
        Role::Server => format!("srv-{dept}-{c}.corp.lan"),
        Role::NetworkGear => format!("sw-{dept}-{c}"),
        Role::Iot => format!("esp-{c}"),
        Role::Unknown => format!("host-{c}"),
    })
}

fn service(port: u16, name: &str) -> Service {
    let mut s: Service = serde_json::from_value(serde_json::json!({ "port": port })).unwrap();
    s.name = Some(name.into());
    s
}

fn services(r: Role, n: u32) -> Vec<Service> {
    let mut out = Vec::new();
    match r {
        Role::WindowsPc | Role::Laptop => {
            let mut smb = service(445, "smb");
            smb.product = Some("Microsoft Windows SMB".into());
            smb.version = Some(pick(&["10.0.19045", "10.0.22631", "10.0.17763"], n).into());
            out.push(smb);
            out.push(service(135, "msrpc"));
            if n.is_multiple_of(3) {
                out.push(service(3389, "rdp"));
            }
        }
        Role::Phone => {
            if n.is_multiple_of(4) {
                out.push(service(62078, "iphone-sync"));
            }
        }
        Role::Printer => {
            let mut ipp = service(631, "ipp");
            ipp.product = Some(
                pick(
                    &[
                        "HP LaserJet Pro M404dn",
                        "Brother HL-L2350DW",
                        "Canon iR-ADV C5535",
                        "Kyocera ECOSYS P2040dn",
                    ],
                    n,
                )
                .into(),
            );
            out.push(ipp);
            out.push(service(9100, "jetdirect"));
            let mut web = service(80, "http");
            web.http_server = Some(
                pick(
                    &[
                        "HP HTTP Server; HP LaserJet",
                        "debut/1.30",
                        "Virata-EmWeb/R6_2_1",
                    ],
                    n,
                )
                .into(),
            );
            out.push(web);
        }
        Role::Camera => {
            let mut rtsp = service(554, "rtsp");
            rtsp.product = Some(
                pick(
                    &["Hikvision-Webs", "Dahua Rtsp Server", "AXIS Media Control"],
                    n,
                )
                .into(),
            );
            out.push(rtsp);
            let mut web = service(80, "http");
            web.http_server = Some(pick(&["App-webs/", "Webs", "lighttpd/1.4.59"], n).into());
            web.http_title = Some("Network Camera".into());
            out.push(web);
        }
        Role::Server => {
            let mut ssh = service(22, "ssh");
            ssh.banner = Some(
                pick(
                    &[
                        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
                        "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10",
                        "SSH-2.0-OpenSSH_7.4",
                        "SSH-2.0-OpenSSH_9.6",
                    ],
                    n,
                )
                .into(),
            );
            ssh.product = Some("OpenSSH".into());
            ssh.version = Some(pick(&["9.2p1", "8.9p1", "7.4", "9.6"], n).into());
            out.push(ssh);
            let mut web = service(443, "https");
            web.http_server = Some(
                pick(
                    &[
                        "nginx/1.22.1",
                        "Apache/2.4.49 (Unix)",
                        "Microsoft-IIS/10.0",
                        "nginx/1.18.0",
                    ],
                    n >> 2,
                )
                .into(),
            );
            web.http_title = Some(
                pick(
                    &[
                        "Grafana",
                        "GitLab",
                        "Jenkins",
                        "Zabbix",
                        "IIS Windows Server",
                    ],
                    n >> 4,
                )
                .into(),
            );
            out.push(web);
            if n.is_multiple_of(5) {
                out.push(service(3306, "mysql"));
            }
        }
        Role::NetworkGear => {
            out.push(service(22, "ssh"));
            let mut web = service(443, "https");
            web.http_title =
                Some(pick(&["Cisco Web UI", "ArubaOS", "RouterOS", "UniFi"], n).into());
            out.push(web);
        }
        Role::Iot => {
            let mut web = service(80, "http");
            web.http_server =
                Some(pick(&["lwIP/2.1.2", "ESP32 WebServer", "Shelly/1.0"], n).into());
            out.push(web);
        }
        Role::Unknown => {
            if n.is_multiple_of(2) {
                out.push(service(8080, "http-proxy"));
            }
        }
    }
    out
}

fn classified(r: Role) -> (Category, DeviceType, f64) {
    match r {
        Role::WindowsPc => (Category::AgVeSistemler, DeviceType::Desktop, 0.85),
        Role::Laptop => (Category::Tasinabilir, DeviceType::Laptop, 0.8),
        Role::Phone => (Category::Tasinabilir, DeviceType::Phone, 0.75),
        Role::Printer => (Category::Iot, DeviceType::Printer, 0.9),
        Role::Camera => (Category::Iot, DeviceType::Camera, 0.9),
        Role::Server => (Category::Uygulamalar, DeviceType::Server, 0.7),
        Role::NetworkGear => (Category::AgVeSistemler, DeviceType::Switch, 0.85),
        Role::Iot => (Category::Iot, DeviceType::Unknown, 0.45),
        Role::Unknown => (Category::Unclassified, DeviceType::Unknown, 0.2),
    }
}

/// Asset `i` of `site` as seen by scan `generation` (0: the first; later ones move a few).
fn observation(site: u32, i: u32, generation: u32) -> AssetObservation {
    let r = role(site, i);
    let n = mix(site, i, 3);
    // One in fifty moves to another address on a repeat scan (DHCP), keeping its MAC.
    let slot = if generation > 0 && n.is_multiple_of(50) {
        i + 100_000
    } else {
        i
    };
    let subnet = slot / PER_SUBNET;
    let ip = Ipv4Addr::new(
        10,
        (20 + subnet / 256) as u8,
        (subnet % 256) as u8,
        (10 + slot % PER_SUBNET) as u8,
    );
    let mut o = AssetObservation::new(ip.into());
    let (vendor, oui) = pick(vendors(r), n >> 5);
    // One in twelve sits behind a router: no MAC.
    if !n.is_multiple_of(12) {
        let b = (site * 1_048_576 + i).to_be_bytes();
        o.mac = Some(MacAddr([oui[0], oui[1], oui[2], b[1], b[2], b[3]]));
    }
    o.vendor = (!vendor.is_empty()).then(|| vendor.to_string());
    o.hostname = hostname(site, i);
    o.services = services(r, n);
    // A repeat scan finds one device in thirty with a port opened since.
    if generation > 0 && n % 30 == 1 {
        o.services.push(service(5900, "vnc"));
    }
    o.open_ports = o.services.iter().map(|s| s.port).collect();
    let (category, device_type, confidence) = classified(r);
    o.category = category;
    o.device_type = device_type;
    o.confidence = confidence;
    o
}

/// Scan `generation` of `site` with `assets` devices: a repeat scan misses one in a hundred
/// and finds one in a hundred new.
pub fn report(site: u32, assets: u32, generation: u32, at: DateTime<Utc>) -> ScanReport {
    let seen = (0..assets)
        .filter(|i| generation == 0 || !mix(site, *i, 4).is_multiple_of(100))
        .chain(
            (generation > 0)
                .then_some(assets..assets + assets / 100)
                .into_iter()
                .flatten(),
        );
    ScanReport {
        id: uuid::Uuid::now_v7(),
        // Room for 1 024 subnets: the first scan's, and those devices move to.
        target: "10.20.0.0/14".into(),
        networks: vec!["10.20.0.0/14".parse().unwrap()],
        method: ScanMethod::Hybrid,
        started_at: at,
        completed_at: Some(at + Duration::seconds(40)),
        partial: false,
        ports_probed: "22,80,135,443,445,554,631,3306,3389,5900,8080,9100,62078"
            .parse()
            .unwrap(),
        privileges: Default::default(),
        scanner_version: "bench".into(),
        assets: seen.map(|i| observation(site, i, generation)).collect(),
        certificates: Vec::new(),
        switches: Vec::new(),
    }
}

/// Search words: one that names exactly one asset, one that many names share, one none has.
pub fn search_words(site: u32) -> [(String, &'static str); 3] {
    let one = (0..)
        .find_map(|i| hostname(site, i + 123))
        .expect("a named host");
    [
        (one.to_lowercase(), "one asset"),
        ("muhasebe".to_string(), "many assets"),
        ("qzxv".to_string(), "no asset"),
    ]
}
