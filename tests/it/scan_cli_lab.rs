//! `bigr scan` end to end against the namespace lab: the binary runs inside the scanner
//! namespace (no route out) and its report is checked against the lab's own ground truth.
use crate::lab_services::{self as svc, Validity};
use crate::support::lab::Lab;
use bigr::model::{Category, DeviceType, ScanReport};
use chrono::Utc;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Open ports per host index, as the lab serves them.
type Truth = BTreeMap<usize, Vec<u16>>;

/// The services of the full lab; returns the open ports per host and keeps the mDNS
/// responder alive through the returned handle.
fn furnish(lab: &Lab) -> (Truth, mdns_sd::ServiceDaemon) {
    let ns = |i: usize| lab.hosts[i].ns.clone();
    svc::serve_tcp(&ns(0), 22, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    svc::serve_http(&ns(0), 80, "App-webs/", "Lab camera");
    svc::serve_https(
        &ns(1),
        443,
        "expired.lab",
        Validity {
            from_days: -400,
            until_days: -30,
        },
        "Expired NAS",
    );
    svc::serve_https(
        &ns(2),
        443,
        "soon.lab",
        Validity {
            from_days: -300,
            until_days: 10,
        },
        "Soon NAS",
    );
    svc::serve_tcp(&ns(3), 9100, b"");
    svc::serve_tcp(&ns(4), 554, b"");
    svc::serve_tcp(&ns(6), 22, b"SSH-2.0-dropbear_2022.83\r\n");
    svc::drop_closed_ports(&ns(6), &[22]);
    svc::drop_closed_ports(&ns(7), &[]);
    let mdns = svc::mdns_responder(
        &ns(5),
        lab.hosts[5].ip,
        "labprinter",
        "Lab Printer",
        "_ipp._tcp",
        631,
    );
    let truth: Truth = [
        (0, vec![22, 80]),
        (1, vec![443]),
        (2, vec![443]),
        (3, vec![9100]),
        (4, vec![554]),
        (6, vec![22]),
    ]
    .into_iter()
    .collect();
    (truth, mdns)
}

pub fn report_of(out: &std::process::Output) -> ScanReport {
    assert!(
        out.status.success(),
        "bigr scan failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    ScanReport::from_json(&out.stdout).expect("stdout is one ScanReport")
}

/// The stored asset at `ip` in site `local` of the SQLite inventory in `home`.
fn stored_asset(home: &std::path::Path, ip: &str) -> bigr::store::entity::asset::Model {
    let url = format!("sqlite://{}?mode=rwc", home.join("bigr.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        bigr::store::inventory::resolve(&db, ip, Some("local"))
            .await
            .unwrap()
    })
}

/// True (with the reason printed) when nftables is missing; CI must have it.
fn nft_missing() -> bool {
    if svc::have_nft() {
        return false;
    }
    assert!(std::env::var("CI").is_err(), "CI must install nftables");
    crate::support::skipped("firewalled lab hosts", "nft is not installed");
    true
}

pub fn home() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // Unprivileged runs must be able to read (and, when saving, write) it.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    dir
}

#[test]
fn a_root_scan_finds_every_host_port_banner_certificate_and_announcement() {
    if nft_missing() {
        return;
    }
    let Some(lab) = Lab::up(24) else { return };
    let (truth, _mdns) = furnish(&lab);
    let furnished = std::time::Instant::now();
    let switch = svc::switch_agent(&lab, "labsecret");
    // The printer's mDNS responder just registered: it probes its name, then announces; a
    // printer on a real network has long done so (see scan_identify's office).
    let settled = furnished + std::time::Duration::from_millis(2_500);
    std::thread::sleep(settled.saturating_duration_since(std::time::Instant::now()));
    let home = home();
    let h = home.path().to_str().unwrap();
    // The agent answers only the second community: both are tried.
    std::fs::write(
        home.path().join("config.toml"),
        "snmp_communities = \"public, labsecret\"\n",
    )
    .unwrap();
    let added = lab.bigr(&[
        "--home",
        h,
        "switches",
        "add",
        "10.77.0.254",
        "-c",
        "labsecret",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let out = lab.bigr(&["--home", h, "scan", "10.77.0.0/24", "--json"]);
    let report = report_of(&out);
    let by_ip: BTreeMap<IpAddr, _> = report.assets.iter().map(|a| (a.ip, a)).collect();

    // Every lab host with its MAC and vendor; no gap; the scanner itself with its own MAC.
    for (i, host) in lab.hosts.iter().enumerate() {
        let a = by_ip
            .get(&IpAddr::V4(host.ip))
            .unwrap_or_else(|| panic!("host {i} ({}) not found", host.ip));
        assert_eq!(
            a.mac.map(|m| m.to_string()).as_deref(),
            Some(host.mac.as_str())
        );
        assert!(
            a.vendor.as_deref().unwrap_or("").contains("Hikvision"),
            "{:?}",
            a.vendor
        );
        let want = truth.get(&i).cloned().unwrap_or_default();
        assert_eq!(a.open_ports, want, "open ports of host {i}");
        assert_eq!(
            a.hostname.as_deref(),
            Some(format!("labhost{i}.lab").as_str())
        );
        // Placed on its bridge port by the switch's forwarding table.
        let port = a
            .switch_port
            .as_ref()
            .unwrap_or_else(|| panic!("host {i} not placed"));
        assert_eq!(
            (port.host.as_str(), port.port.clone()),
            ("10.77.0.254", format!("v{i}"))
        );
        assert!(port.port_index.is_some());
    }
    for gap in &lab.gaps {
        assert!(!by_ip.contains_key(&IpAddr::V4(*gap)), "gap {gap} reported");
    }
    assert_eq!(
        report.assets.len(),
        lab.hosts.len() + 2,
        "lab hosts + switch + scanner"
    );
    // The switch answers SNMP: system group, named by its sysName, classified by it.
    let sw = by_ip[&IpAddr::V4(switch.ip)];
    assert_eq!(sw.mac.unwrap().to_string(), switch.mac);
    let facts = sw.snmp.as_ref().expect("SNMP facts of the switch");
    assert_eq!(facts.sys_name.as_deref(), Some(switch.sys_name));
    assert!(
        facts
            .sys_descr
            .as_deref()
            .unwrap()
            .starts_with("Lab bridge switch")
    );
    assert_eq!(facts.sys_object_id.as_deref(), Some("1.3.6.1.4.1.9.1.1208"));
    assert_eq!(sw.hostname.as_deref(), Some(switch.sys_name));
    assert_eq!(sw.category, Category::AgVeSistemler, "{:?}", sw.evidence);
    // No other host speaks SNMP.
    assert_eq!(report.assets.iter().filter(|a| a.snmp.is_some()).count(), 1);
    let me = by_ip[&IpAddr::V4(lab.scanner_ip)];
    assert_eq!(me.mac.unwrap().to_string(), "02:00:00:00:00:02");

    // Banners.
    let h0 = by_ip[&IpAddr::V4(lab.hosts[0].ip)];
    let ssh = h0.services.iter().find(|s| s.port == 22).unwrap();
    assert_eq!(
        (ssh.product.as_deref(), ssh.version.as_deref()),
        (Some("OpenSSH"), Some("9.2p1"))
    );
    let http = h0.services.iter().find(|s| s.port == 80).unwrap();
    assert_eq!(
        (http.http_server.as_deref(), http.http_title.as_deref()),
        (Some("App-webs/"), Some("Lab camera"))
    );
    let https = &by_ip[&IpAddr::V4(lab.hosts[1].ip)].services[0];
    assert!(https.tls);
    assert_eq!(https.http_title.as_deref(), Some("Expired NAS"));
    // Silent ports are named from the port table, marked as a guess; answered ones are not.
    assert_eq!((ssh.name.as_deref(), ssh.port_only), (Some("ssh"), false));
    for (host, port, name) in [(3, 9100, "jetdirect"), (4, 554, "rtsp")] {
        let s = by_ip[&IpAddr::V4(lab.hosts[host].ip)]
            .services
            .iter()
            .find(|s| s.port == port)
            .unwrap_or_else(|| panic!("host {host} has no service on {port}"));
        assert_eq!(
            (s.name.as_deref(), s.port_only),
            (Some(name), true),
            "{s:?}"
        );
    }
    // The Hikvision OUI plus a camera web server: classified, with evidence.
    assert_eq!(h0.category, Category::Iot);
    assert_eq!(h0.device_type, DeviceType::Camera);
    assert!(!h0.evidence.is_empty());

    // Certificates, even expired and self-signed.
    let cert = |i: usize| {
        report
            .certificates
            .iter()
            .find(|c| c.ip == IpAddr::V4(lab.hosts[i].ip))
            .unwrap_or_else(|| panic!("no certificate of host {i}"))
    };
    let expired = cert(1);
    assert_eq!(expired.subject_cn.as_deref(), Some("expired.lab"));
    assert!(expired.self_signed && expired.not_after.unwrap() < Utc::now());
    let soon = cert(2).not_after.unwrap() - Utc::now();
    assert!(soon > chrono::Duration::days(8) && soon < chrono::Duration::days(30));

    // mDNS announcement of the printer.
    let printer = by_ip[&IpAddr::V4(lab.hosts[5].ip)];
    assert!(
        printer
            .mdns_services
            .iter()
            .any(|s| s == "Lab Printer._ipp._tcp"),
        "{:?}",
        printer.mdns_services
    );

    // The table view (stored scan, so a diff) shows vendor, group, type and confidence, and
    // --explain gives the evidence.
    let camera = lab.hosts[0].ip.to_string();
    let out = lab.bigr(&[
        "--home",
        h,
        "--lang",
        "en",
        "scan",
        "10.77.0.0/24",
        "--explain",
        &camera,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let row = text
        .lines()
        .find(|l| l.contains(&format!(" {camera} ")))
        .unwrap();
    // The table speaks the user's language (English here): the group's label, not its key.
    for word in ["Hikvision", "IoT", "camera", "high"] {
        assert!(row.contains(word), "{word} missing from: {row}");
    }
    assert!(text.contains("Changes since the previous scan") || text.contains("No changes"));
    assert!(text.contains(&format!("{camera}: IoT / camera")), "{text}");
    assert!(
        text.contains("vendor"),
        "evidence lists the vendor rule: {text}"
    );
}

#[test]
fn switches_poll_places_assets_and_never_shows_the_community() {
    if svc::snmpd_path().is_none() {
        assert!(std::env::var("CI").is_err(), "CI must install snmpd");
        crate::support::skipped("switch poll test", "snmpd is not installed");
        return;
    }
    let Some(lab) = Lab::up(5) else { return };
    let switch = svc::switch_agent(&lab, "s3cret-community");
    let home = home();
    let h = home.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--home", h];
        all.extend_from_slice(args);
        let out = lab.bigr(&all);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains("s3cret"), "community leaked: {text}");
        (out.status.code(), text)
    };
    // Nothing to poll yet: a clear bad-input error.
    let (code, text) = run(&["switches", "poll"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("switches add"), "{text}");
    // The inventory first (no SNMP asked: only the switch's table places the hosts).
    let (code, text) = run(&["scan", "10.77.0.0/24", "--ports", "none", "--no-snmp", "-n"]);
    assert_eq!(code, Some(0), "{text}");
    run(&[
        "switches",
        "add",
        &switch.ip.to_string(),
        "-c",
        "s3cret-community",
    ]);
    let (code, text) = run(&["switches", "poll", "--json"]);
    assert_eq!(code, Some(0), "{text}");
    let polls: serde_json::Value = serde_json::from_str(&text).unwrap();
    let poll = &polls[0];
    assert_eq!(poll["ok"], true);
    // Every lab host and the scanner are learned on their own ports and placed.
    assert_eq!(poll["placed"], lab.hosts.len() + 1, "{poll}");
    for (i, host) in lab.hosts.iter().enumerate() {
        let entry = poll["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["mac"] == host.mac.as_str())
            .unwrap_or_else(|| panic!("{} not in the table: {poll}", host.mac));
        assert_eq!(entry["port"], format!("v{i}"));
        assert_eq!(entry["uplink"], false);
    }
    // The inventory knows where each asset is plugged in; the list shows the poll.
    let stored = stored_asset(home.path(), &lab.hosts[2].ip.to_string());
    assert_eq!(
        (stored.switch_host.as_deref(), stored.switch_port.as_deref()),
        (Some("10.77.0.254"), Some("v2"))
    );
    let (_, text) = run(&["switches", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(listed[0]["mac_count"], poll["macs"]);
    assert!(!listed[0]["last_polled_at"].is_null());
    // A wrong community: exit 3 (partial), the reason named, the community not.
    run(&[
        "switches",
        "add",
        &switch.ip.to_string(),
        "-c",
        "wrong",
        "--site",
        "other",
    ]);
    let (code, text) = run(&["switches", "poll", "--site", "other"]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("check the community"), "{text}");
    assert!(!text.contains("wrong"), "{text}");
}

#[test]
fn an_unprivileged_scan_finds_hosts_by_tcp_and_says_what_it_skipped() {
    if nft_missing() {
        return;
    }
    let Some(lab) = Lab::up(6) else { return };
    svc::serve_tcp(&lab.hosts[0].ns, 22, b"SSH-2.0-OpenSSH_9.2p1\r\n");
    // A host that drops every probe: only the kernel's own ARP sees it.
    svc::drop_closed_ports(&lab.hosts[5].ns, &[]);
    let home = home();
    // The kernel's neighbour table is shared by every namespace and garbage-collected when
    // it grows (a big sweep, other labs running): entries may go before the sweep ends.
    // Here they go for certain, over and over, from 1.5 s on.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let forgetter = {
        let (ns, stop) = (lab.scanner_ns.clone(), stop.clone());
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(1500));
            for _ in 0..600 {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let _ = std::process::Command::new("ip")
                    .args(["-n", &ns, "neigh", "flush", "all"])
                    .status();
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        })
    };
    let out = lab.bigr_unprivileged(&[
        "--home",
        home.path().to_str().unwrap(),
        "scan",
        "10.77.0.0/24",
        "--ports",
        "22,80",
        "--no-save",
        "--json",
    ]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    forgetter.join().unwrap();
    let report = report_of(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("setcap cap_net_raw"), "{stderr}");
    assert!(!report.privileges.arp && !report.privileges.raw_sockets);
    let found: BTreeSet<IpAddr> = report.assets.iter().map(|a| a.ip).collect();
    for h in &lab.hosts {
        assert!(found.contains(&IpAddr::V4(h.ip)), "{} not found", h.ip);
        let a = report
            .assets
            .iter()
            .find(|a| a.ip == IpAddr::V4(h.ip))
            .unwrap();
        assert_eq!(
            a.mac.map(|m| m.to_string()).as_deref(),
            Some(h.mac.as_str()),
            "MAC from the neighbour table: {a:?}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ssh = report
        .assets
        .iter()
        .find(|a| a.ip == IpAddr::V4(lab.hosts[0].ip))
        .unwrap();
    assert_eq!(ssh.open_ports, [22]);
}

/// Hosts found and open ports found, as shares of the truth, under `percent`% loss.
fn scan_under_loss(percent: u32) -> (f64, f64) {
    let Some(lab) = Lab::up(40) else {
        return (1.0, 1.0);
    };
    for h in lab.hosts.iter().step_by(4) {
        svc::serve_tcp(&h.ns, 22, b"SSH-2.0-OpenSSH_9.2p1\r\n");
    }
    svc::lose_scanner_packets(&lab, percent);
    let home = home();
    let out = lab.bigr(&[
        "--home",
        home.path().to_str().unwrap(),
        "scan",
        "10.77.0.0/24",
        "--ports",
        "22,80",
        "--no-save",
        "--json",
        "-n",
    ]);
    let report = report_of(&out);
    let found: BTreeMap<IpAddr, &Vec<u16>> = report
        .assets
        .iter()
        .map(|a| (a.ip, &a.open_ports))
        .collect();
    let hosts = lab
        .hosts
        .iter()
        .filter(|h| found.contains_key(&IpAddr::V4(h.ip)))
        .count();
    let mut ports_found = 0;
    for h in lab.hosts.iter().step_by(4) {
        if let Some(p) = found.get(&IpAddr::V4(h.ip)) {
            ports_found += usize::from(p.as_slice() == [22]);
        }
    }
    // Nothing invented: gaps stay empty and only port 22 is ever open.
    for gap in &lab.gaps {
        assert!(!found.contains_key(&IpAddr::V4(*gap)));
    }
    assert!(found.values().all(|p| p.iter().all(|port| *port == 22)));
    let total_ports = lab.hosts.iter().step_by(4).count();
    (
        hosts as f64 / lab.hosts.len() as f64,
        ports_found as f64 / total_ports as f64,
    )
}

#[test]
fn five_percent_loss_loses_nothing() {
    if nft_missing() {
        return;
    }
    let (hosts, ports) = scan_under_loss(5);
    assert_eq!((hosts, ports), (1.0, 1.0));
}

#[test]
fn twenty_percent_loss_still_finds_nearly_everything() {
    if nft_missing() {
        return;
    }
    let (hosts, ports) = scan_under_loss(20);
    eprintln!(
        "20% loss: {:.1}% of hosts, {:.1}% of open ports",
        hosts * 100.0,
        ports * 100.0
    );
    // Three ARP rounds plus ICMP give each host about a 1-in-1000 chance of being missed;
    // 39 of 40 keeps the test honest without making it a coin toss.
    assert!(hosts >= 0.975, "found {:.1}% of hosts", hosts * 100.0);
    assert!(ports >= 0.9, "found {:.1}% of open ports", ports * 100.0);
}

#[test]
fn a_router_answering_unreachable_reports_no_hosts() {
    let Some(lab) = Lab::up(2) else { return };
    // Lab host 0 routes 10.78.0.0/24 for the scanner and answers every packet for it with
    // ICMP "host unreachable", as a real router does for a dead subnet.
    let router = &lab.hosts[0];
    let sh = |ns: &str, cmd: &str| {
        let st = std::process::Command::new("ip")
            .args(["netns", "exec", ns, "sh", "-c", cmd])
            .status()
            .unwrap();
        assert!(st.success(), "{cmd}");
    };
    sh(
        &router.ns,
        "sysctl -qw net.ipv4.ip_forward=1 && ip route add unreachable 10.78.0.0/24",
    );
    sh(
        &lab.scanner_ns,
        &format!("ip route add 10.78.0.0/24 via {}", router.ip),
    );
    let home = home();
    let out = lab.bigr(&[
        "--home",
        home.path().to_str().unwrap(),
        "scan",
        "10.78.0.0/28",
        "--ports",
        "22",
        "--no-save",
        "--json",
        "-n",
    ]);
    let report = report_of(&out);
    assert!(
        report.assets.is_empty(),
        "unreachable answers taken for hosts: {:?}",
        report.assets.iter().map(|a| a.ip).collect::<Vec<_>>()
    );
}

#[test]
fn a_host_without_dns_is_named_by_netbios_unless_told_not_to_ask() {
    let Some(lab) = Lab::up(3) else { return };
    svc::netbios_responder(
        &lab.hosts[0].ns,
        "PC-ACC-07",
        "OFFICE",
        [0x10, 0xc5, 0x95, 0, 0, 7],
    );
    let home = home();
    let h = home.path().to_str().unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec!["--home", h, "scan", "10.77.0.0/24", "--ports", "none", "-n"];
        args.extend(["--no-mdns", "--no-snmp", "--no-save", "--json"]);
        args.extend(extra);
        let report = report_of(&lab.bigr(&args));
        report
            .assets
            .iter()
            .map(|a| (a.ip, a.hostname.clone()))
            .collect::<BTreeMap<IpAddr, Option<String>>>()
    };
    let named = scan(&[]);
    assert_eq!(
        named[&IpAddr::V4(lab.hosts[0].ip)].as_deref(),
        Some("PC-ACC-07")
    );
    assert_eq!(named[&IpAddr::V4(lab.hosts[1].ip)], None);
    let quiet = scan(&["--no-netbios"]);
    assert_eq!(quiet[&IpAddr::V4(lab.hosts[0].ip)], None);
}

#[test]
fn a_host_without_other_names_is_named_by_its_certificate_unless_generic() {
    let Some(lab) = Lab::up(3) else { return };
    let year = Validity {
        from_days: -10,
        until_days: 300,
    };
    svc::serve_https(&lab.hosts[0].ns, 443, "nas-01.office.lab", year, "NAS");
    svc::serve_https(&lab.hosts[1].ns, 443, "localhost", year, "Router");
    let home = home();
    let h = home.path().to_str().unwrap();
    let out = lab.bigr(&[
        "--home",
        h,
        "scan",
        "10.77.0.0/24",
        "--ports",
        "443",
        "-n",
        "--no-mdns",
        "--no-snmp",
        "--no-netbios",
        "--no-save",
        "--json",
    ]);
    let names: BTreeMap<IpAddr, Option<String>> = report_of(&out)
        .assets
        .iter()
        .map(|a| (a.ip, a.hostname.clone()))
        .collect();
    assert_eq!(
        names[&IpAddr::V4(lab.hosts[0].ip)].as_deref(),
        Some("nas-01.office.lab")
    );
    assert_eq!(
        names[&IpAddr::V4(lab.hosts[1].ip)],
        None,
        "a generic CN names nobody"
    );
}

/// `bigr serve` inside the scanner's namespace (its loopback), so an agent there can reach it
/// while the namespace still has no route out; the test talks to it from a thread that
/// entered the namespace.
pub struct NsServer {
    child: std::process::Child,
    ns: String,
    pub base: String,
}

impl Drop for NsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const LAB_ADMIN_PASSWORD: &str = "lab-admin-password-1";

impl NsServer {
    pub fn start(lab: &Lab, home: &std::path::Path) -> NsServer {
        let port = "18080";
        let child = std::process::Command::new("ip")
            .args(["netns", "exec", &lab.scanner_ns, env!("CARGO_BIN_EXE_bigr")])
            .args(["--home", home.to_str().unwrap(), "serve", "--port", port])
            .env("BIGR_ADMIN_PASSWORD", LAB_ADMIN_PASSWORD)
            .env_remove("DATABASE_URL")
            .env_remove("AGENT_REGISTRATION_SECRET")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("bigr serve in the namespace");
        let s = NsServer {
            child,
            ns: lab.scanner_ns.clone(),
            base: format!("http://127.0.0.1:{port}"),
        };
        let base = s.base.clone();
        Lab::in_ns(&s.ns, move || crate::support::server::wait_healthy(&base));
        s
    }

    /// Runs `f` with an admin client, inside the namespace.
    pub fn as_admin<T: Send + 'static>(
        &self,
        f: impl FnOnce(&crate::support::server::Client) -> T + Send + 'static,
    ) -> T {
        let base = self.base.clone();
        Lab::in_ns(&self.ns, move || {
            let mut c = crate::support::server::Client::new(&base);
            assert_eq!(c.login("admin", LAB_ADMIN_PASSWORD).status, 200);
            f(&c)
        })
    }
}

#[test]
fn an_agent_polls_the_switches_its_site_registered_and_places_the_devices() {
    if svc::snmpd_path().is_none() {
        assert!(std::env::var("CI").is_err(), "CI must install snmpd");
        crate::support::skipped("agent switch poll test", "snmpd is not installed");
        return;
    }
    let Some(lab) = Lab::up(3) else { return };
    let switch = svc::switch_agent(&lab, "s3cret-community");
    let server_home = home();
    let server = NsServer::start(&lab, server_home.path());
    let switch_ip = switch.ip.to_string();
    let token = server.as_admin(move |admin| {
        for (path, body) in [
            (
                "/api/switches",
                serde_json::json!({"site": "lab", "host": switch_ip, "community": "s3cret-community"}),
            ),
            ("/api/subnets", serde_json::json!({"site": "lab", "cidr": "10.77.0.0/24"})),
            (
                "/api/agents/enrollments",
                serde_json::json!({"site": "lab", "expires_hours": 1}),
            ),
        ] {
            let r = admin.send("POST", path, Some(&body.to_string()));
            assert_eq!(r.status, 201, "{path}: {}", r.body);
            if path.ends_with("enrollments") {
                return r.json()["token"].as_str().unwrap().to_string();
            }
        }
        unreachable!()
    });
    let r = server.as_admin(|admin| {
        admin.send(
            "PUT",
            "/api/sites/lab/config",
            Some(&serde_json::json!({"ports": "none"}).to_string()),
        )
    });
    assert_eq!(r.status, 200, "{}", r.body);
    let agent_home = home();
    let ah = agent_home.path().to_str().unwrap();
    let out = lab.bigr(&[
        "--home",
        ah,
        "agent",
        "register",
        "--api-url",
        &server.base,
        "--name",
        "lab-edge",
        "--site",
        "lab",
        "--enroll-token",
        &token,
    ]);
    assert!(out.status.success(), "{out:?}");
    // No targets of its own: the site's registered subnet is what it scans.
    let out = lab.bigr(&["--home", ah, "agent", "start", "--once"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("s3cret"), "community leaked: {said}");
    let assets = server.as_admin(|admin| admin.get("/api/data?site=lab&per_page=100").json());
    for (i, host) in lab.hosts.iter().enumerate() {
        let ip = host.ip.to_string();
        let row = assets["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["ip"] == ip.as_str())
            .unwrap_or_else(|| panic!("{ip} not delivered: {assets}"));
        let id = row["id"].as_str().unwrap().to_string();
        let detail = server.as_admin(move |admin| admin.get(&format!("/api/assets/{id}")).json());
        assert_eq!(detail["switch_host"], "10.77.0.254", "{detail}");
        assert_eq!(detail["switch_port"], format!("v{i}"), "{detail}");
    }
    let view = server.as_admin(|admin| admin.get("/api/sites/lab/config").body);
    assert!(!view.contains("s3cret"), "{view}");
}
