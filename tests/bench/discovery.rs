//! `cargo bench --bench discovery`: `bigr scan` against its peers on the namespace lab
//! furnished as an office (`office.rs`), in the same run and on the same hosts. For 60 and
//! 250 live hosts it prints wall time, hosts and open ports found against the lab's truth,
//! the ratio to each peer, how many hosts were named and typed and how many services
//! named against `nmap -sV`, the scan's peak memory and the share of hosts found under 20%
//! loss, then checks the targets.
//! Needs root (network namespaces), nmap and arp-scan; says so and exits otherwise.
#[allow(dead_code)]
#[path = "../it/support/lab.rs"]
pub mod lab;
/// What the lab does when it cannot run (the integration tests also log it for a summary).
fn skipped(part: &str, why: &str) {
    eprintln!("NOTE: {part} SKIPPED: {why}");
}

/// The lab where its services module imports it from (`crate::support::lab`).
mod support {
    pub use super::lab;
}
#[path = "../it/lab_roles.rs"]
mod lab_roles;
#[allow(dead_code)]
#[path = "../it/lab_services.rs"]
mod lab_services;
#[path = "../it/lab_windows.rs"]
mod lab_windows;
#[path = "measure.rs"]
mod measure;
mod office;
use measure::timed;

use lab::Lab;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

const NET: &str = "10.77.0.0/24";
/// Runs of each measurement; the median (by wall time) is reported.
const REPEATS: usize = 3;

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.wall);
    runs.swap_remove(runs.len() / 2)
}

/// What one tool run found.
struct Run {
    wall: Duration,
    hosts: BTreeSet<IpAddr>,
    ports: BTreeMap<IpAddr, BTreeSet<u16>>,
    peak_rss_kb: Option<u64>,
    /// bigr's whole report (peers have none).
    report: Option<bigr::model::ScanReport>,
}

fn main() {
    if nix::unistd::geteuid().as_raw() != 0 {
        eprintln!("the discovery bench builds network namespaces: run it as root");
        return;
    }
    for tool in ["nmap", "arp-scan"] {
        if Command::new(tool).arg("--version").output().is_err() {
            eprintln!("the bench compares with {tool}: apt-get install -y nmap arp-scan");
            return;
        }
    }
    let mut misses = Vec::new();
    for n in [60, 250] {
        misses.extend(bench(n));
    }
    println!();
    if misses.is_empty() {
        println!("every target held");
    } else {
        for m in &misses {
            println!("MISSED: {m}");
        }
    }
}

fn bench(n: usize) -> Vec<String> {
    // 250 hosts fill .3-.252 of the /24; 60 leave gaps (every fifth address from .10).
    let mut lab = if n > 200 {
        Lab::up_with(n, 3, 255)
    } else {
        Lab::up_with(n, 10, 5)
    }
    .expect("lab");
    let office = office::furnish(&mut lab);
    // New mDNS responders probe their names, then announce twice, a second apart; until
    // then a query may go unanswered (a phone that just joined). The office has been up a
    // while.
    std::thread::sleep(std::time::Duration::from_secs(3));
    let truth_ports: BTreeMap<IpAddr, BTreeSet<u16>> = office
        .truth
        .iter()
        .filter(|(_, t)| !t.ports.is_empty())
        .map(|(ip, t)| (*ip, t.ports.clone()))
        .collect();
    let truth_hosts: BTreeSet<IpAddr> = lab.hosts.iter().map(|h| IpAddr::V4(h.ip)).collect();
    let open_total: usize = truth_ports.values().map(BTreeSet::len).sum();
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap().to_string();
    let quiet = [
        "-n",
        "--no-mdns",
        "--no-snmp",
        "--no-netbios",
        "--no-ssdp",
        "--no-llmnr",
        "--no-ipv6",
        "--no-dhcp",
        "--no-save",
        "--json",
    ];
    // What a user runs: every name source on (reverse DNS, mDNS, SNMP, NetBIOS, SSDP,
    // LLMNR, IPv6 neighbours, passive DHCP).
    let defaults = ["--no-save", "--json"];
    let sweep_default_args = [
        &["--home", &h, "scan", NET, "--ports", "none"],
        &defaults[..],
    ]
    .concat();
    let ports_default_args = [
        &["--home", &h, "scan", NET, "--top-ports", "100"],
        &defaults[..],
    ]
    .concat();
    // The default scan: the default port list, banners, probes, names, classification.
    let full_default_args = [&["--home", &h, "scan", NET], &defaults[..]].concat();

    let sweep_args = [&["--home", &h, "scan", NET, "--ports", "none"], &quiet[..]].concat();
    let ports_args = [
        &["--home", &h, "scan", NET, "--top-ports", "100"],
        &quiet[..],
    ]
    .concat();
    let nmap_sn = ["-sn", "-PR", "-n", "-oG", "-", NET];
    let nmap_st = ["-sT", "--top-ports", "100", "-T4", "-n", "-oG", "-", NET];
    // Interleaved repeats, median wall time of each: one slow run of either side (the
    // 2-core machine is shared with the bench itself) does not decide a ratio.
    let (mut sweeps, mut nmap_sweeps, mut arp_scans, mut port_scans, mut nmap_port_scans) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut default_sweeps, mut default_port_scans) = (vec![], vec![]);
    let mut full_scans = vec![];
    for _ in 0..REPEATS {
        full_scans.push(bigr(&lab, &full_default_args));
        default_sweeps.push(bigr(&lab, &sweep_default_args));
        default_port_scans.push(bigr(&lab, &ports_default_args));
        sweeps.push(bigr(&lab, &sweep_args));
        nmap_sweeps.push(peer(&lab, "nmap", &nmap_sn, parse_nmap));
        arp_scans.push(peer(
            &lab,
            "arp-scan",
            &["--localnet", "-I", "eth0", "-q", "-x"],
            parse_arp_scan,
        ));
        port_scans.push(bigr(&lab, &ports_args));
        nmap_port_scans.push(peer(&lab, "nmap", &nmap_st, parse_nmap));
    }
    let (default_sweep, default_ports) = (median(default_sweeps), median(default_port_scans));
    let full_scan = median(full_scans);
    // nmap -sV once (it takes minutes): the hosts with open ports, on their ports.
    let (sv_hosts, sv_ports) = office::version_targets(&office);
    let mut sv_args: Vec<&str> = vec!["-sV", "-T4", "-n", "-Pn", "-p", &sv_ports, "-oG", "-"];
    sv_args.extend(sv_hosts.iter().map(String::as_str));
    let (sv_wall, sv_named, sv_versioned) = {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &lab.scanner_ns, "nmap"])
            .args(&sv_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let (wall, out, _) = timed(cmd);
        let (named, versioned) = office::nmap_versions(&String::from_utf8_lossy(&out), &office);
        (wall, named, versioned)
    };
    let (bigr_sweep, nmap_sweep, arp_scan, bigr_ports, nmap_ports) = (
        median(sweeps),
        median(nmap_sweeps),
        median(arp_scans),
        median(port_scans),
        median(nmap_port_scans),
    );
    lab_services::lose_scanner_packets(&lab, 20);
    // Each lossy run is its own draw of lost packets: the share found is a random variable
    // (a host is missed when all three ARP requests are lost, p = 0.2^3 = 0.8 %), so the
    // target is checked on the mean share, and the worst run is printed beside it.
    let mut lossy_runs: Vec<Run> = (0..REPEATS).map(|_| bigr(&lab, &sweep_args)).collect();
    let lossy_shares: Vec<f64> = lossy_runs
        .iter()
        .map(|r| r.hosts.intersection(&truth_hosts).count() as f64 / truth_hosts.len() as f64)
        .collect();
    let lossy_mean = lossy_shares.iter().sum::<f64>() / lossy_shares.len() as f64;
    let lossy_worst = lossy_shares.iter().copied().fold(1.0, f64::min);
    lossy_runs.sort_by_key(|r| r.wall);
    let bigr_lossy = lossy_runs.swap_remove(lossy_runs.len() / 2);
    let nmap_lossy = peer(&lab, "nmap", &nmap_sn, parse_nmap);

    let found = |r: &Run| {
        let hosts = r.hosts.intersection(&truth_hosts).count();
        format!("{hosts}/{}", truth_hosts.len())
    };
    let ports_found = |r: &Run| {
        truth_ports
            .iter()
            .map(|(ip, want)| {
                r.ports
                    .get(ip)
                    .map_or(0, |got| want.intersection(got).count())
            })
            .sum::<usize>()
    };
    let extra = |r: &Run| {
        r.hosts
            .difference(&truth_hosts)
            .filter(|ip| **ip != IpAddr::V4(lab.scanner_ip))
            .count()
    };
    println!(
        "\n== {n} live hosts on {NET} (scanner in its own namespace, 2 cores; median of {REPEATS})\n   {}",
        office::census(&office)
    );
    println!(
        "{:<36} {:>9} {:>9} {:>9} {:>7}  ratio",
        "run", "wall", "hosts", "ports", "extra"
    );
    let row = |name: &str, r: &Run, ports: bool, vs: Option<(&str, &Run)>| {
        let ratio = vs
            .map(|(peer, p)| format!("{:.2}x {peer}", r.wall.as_secs_f64() / p.wall.as_secs_f64()))
            .unwrap_or_default();
        println!(
            "{:<36} {:>8.2}s {:>9} {:>9} {:>7}  {ratio}",
            name,
            r.wall.as_secs_f64(),
            found(r),
            if ports {
                format!("{}/{open_total}", ports_found(r))
            } else {
                "-".into()
            },
            extra(r),
        );
    };
    row(
        "bigr scan --ports none (defaults)",
        &default_sweep,
        false,
        Some(("nmap -sn", &nmap_sweep)),
    );
    row(
        "bigr scan --ports none (quiet flags)",
        &bigr_sweep,
        false,
        Some(("nmap -sn", &nmap_sweep)),
    );
    row("nmap -sn -PR", &nmap_sweep, false, None);
    row("arp-scan --localnet", &arp_scan, false, None);
    println!(
        "{:<36} {:>46}",
        "",
        format!(
            "bigr/arp-scan: {:.2}x",
            bigr_sweep.wall.as_secs_f64() / arp_scan.wall.as_secs_f64()
        )
    );
    row(
        "bigr scan --top-ports 100 (defaults)",
        &default_ports,
        true,
        Some(("nmap -sT", &nmap_ports)),
    );
    row(
        "bigr scan --top-ports 100 (quiet)",
        &bigr_ports,
        true,
        Some(("nmap -sT", &nmap_ports)),
    );
    row("nmap -sT --top-ports 100 -T4", &nmap_ports, true, None);
    row(
        "bigr scan (defaults: ~100 ports, all)",
        &full_scan,
        true,
        Some(("nmap -sT", &nmap_ports)),
    );
    let id = office::identified(&office, full_scan.report.as_ref().expect("bigr report"));
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            a as f64 * 100.0 / b as f64
        }
    };
    println!(
        "identification by the default scan: names {}/{} ({:.0}%) of hosts a source names; \
         device type known {}/{} ({:.0}%), right {}/{} ({:.0}%); high confidence {}/{} ({:.0}%)",
        id.named_hosts,
        id.nameable_hosts,
        pct(id.named_hosts, id.nameable_hosts),
        id.typed,
        id.hosts,
        pct(id.typed, id.hosts),
        id.typed_right,
        id.hosts,
        pct(id.typed_right, id.hosts),
        id.high_confidence,
        id.hosts,
        pct(id.high_confidence, id.hosts),
    );
    let sv_ratio = full_scan.wall.as_secs_f64() / sv_wall.as_secs_f64();
    println!(
        "services: bigr named {}/{} by protocol, {} with a product, in {:.2}s; \
         nmap -sV named {}/{}, {} with a version, in {:.2}s (bigr's whole scan: {:.3}x -sV)",
        id.services_named,
        id.services,
        id.services_with_product,
        full_scan.wall.as_secs_f64(),
        sv_named,
        open_total,
        sv_versioned,
        sv_wall.as_secs_f64(),
        sv_ratio
    );
    row(
        "20% loss: bigr scan --ports none",
        &bigr_lossy,
        false,
        Some(("nmap -sn", &nmap_lossy)),
    );
    row("20% loss: nmap -sn -PR", &nmap_lossy, false, None);
    println!(
        "20% loss, bigr hosts found over {REPEATS} runs: mean {:.1}%, worst {:.1}%",
        lossy_mean * 100.0,
        lossy_worst * 100.0
    );
    let rss_mb = |r: &Run| {
        r.peak_rss_kb
            .map_or("?".into(), |kb| format!("{:.1} MB", kb as f64 / 1024.0))
    };
    println!(
        "peak memory of bigr scan: {} (--ports none), {} (--top-ports 100), {} (defaults)",
        rss_mb(&bigr_sweep),
        rss_mb(&bigr_ports),
        rss_mb(&full_scan)
    );

    // The targets, checked on the /24 with 250 hosts.
    let mut misses = Vec::new();
    if n < 250 {
        return misses;
    }
    let share =
        |r: &Run| r.hosts.intersection(&truth_hosts).count() as f64 / truth_hosts.len() as f64;
    let ratio = |a: &Run, b: &Run| a.wall.as_secs_f64() / b.wall.as_secs_f64();
    // The targets hold for what a user runs: the defaults.
    if share(&default_sweep) < 1.0 || ratio(&default_sweep, &nmap_sweep) > 0.5 {
        misses.push(format!(
            "discovery (defaults): {} hosts in {:.2}x nmap -sn's time (target: all, at most 0.5x)",
            found(&default_sweep),
            ratio(&default_sweep, &nmap_sweep)
        ));
    }
    if ports_found(&default_ports) < open_total || ratio(&default_ports, &nmap_ports) > 1.0 / 3.0 {
        misses.push(format!(
            "top-100 ports (defaults): {}/{open_total} open ports in {:.2}x nmap -sT's time (target: all, at most 0.33x)",
            ports_found(&default_ports),
            ratio(&default_ports, &nmap_ports)
        ));
    }
    if ports_found(&full_scan) < open_total || ratio(&full_scan, &nmap_ports) > 1.0 / 3.0 {
        misses.push(format!(
            "default scan: {}/{open_total} open ports in {:.2}x nmap -sT --top-ports 100's time (target: all, at most 0.33x)",
            ports_found(&full_scan),
            ratio(&full_scan, &nmap_ports)
        ));
    }
    if id.named_hosts * 100 < id.nameable_hosts * 95 {
        misses.push(format!(
            "names: {}/{} hosts a source names (target: 95%)",
            id.named_hosts, id.nameable_hosts
        ));
    }
    if id.typed * 100 < id.hosts * 90 {
        misses.push(format!(
            "device type: {}/{} known (target: 90%)",
            id.typed, id.hosts
        ));
    }
    if id.high_confidence * 100 < id.hosts * 80 {
        misses.push(format!(
            "confidence: {}/{} high (target: 80%)",
            id.high_confidence, id.hosts
        ));
    }
    if id.services_named < id.services || id.services_with_product < sv_versioned {
        misses.push(format!(
            "services: {}/{} named by protocol, {} with a product vs nmap -sV's {} (target: all, at least as many)",
            id.services_named, id.services, id.services_with_product, sv_versioned
        ));
    }
    if sv_ratio > 1.0 / 20.0 {
        misses.push(format!(
            "naming time: {sv_ratio:.3}x nmap -sV (target: at most 1/20)"
        ));
    }
    if lossy_mean < 0.99 {
        misses.push(format!(
            "20% loss: {:.1}% of hosts on average (target: 99%)",
            lossy_mean * 100.0
        ));
    }
    for r in [&bigr_sweep, &bigr_ports, &full_scan] {
        if r.peak_rss_kb.is_none_or(|kb| kb > 50 * 1024) {
            misses.push(format!("peak memory {} (target: under 50 MB)", rss_mb(r)));
        }
    }
    misses
}

/// Runs `bigr` in the scanner namespace, timing it and sampling its memory high-water mark.
/// mDNS responders multicast a record at most once a second (RFC 6762 §6): a scan that
/// follows another within the second would find the office's phones silent, which no real
/// network sees of scans minutes apart. Each run waits that out first (not timed).
const MDNS_RATE_LIMIT: std::time::Duration = std::time::Duration::from_millis(1_100);

fn bigr(lab: &Lab, args: &[&str]) -> Run {
    std::thread::sleep(MDNS_RATE_LIMIT);
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &lab.scanner_ns, env!("CARGO_BIN_EXE_bigr")])
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let (wall, out, peak) = timed(cmd);
    let report = bigr::model::ScanReport::from_json(&out).expect("bigr prints one ScanReport");
    let mut run = Run {
        wall,
        hosts: BTreeSet::new(),
        ports: BTreeMap::new(),
        peak_rss_kb: peak,
        report: None,
    };
    for a in &report.assets {
        run.hosts.insert(a.ip);
        run.ports
            .insert(a.ip, a.open_ports.iter().copied().collect());
    }
    run.report = Some(report);
    run
}

fn peer(lab: &Lab, tool: &str, args: &[&str], parse: fn(&str, &mut Run)) -> Run {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &lab.scanner_ns, tool])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let (wall, out, _) = timed(cmd);
    let mut run = Run {
        wall,
        hosts: BTreeSet::new(),
        ports: BTreeMap::new(),
        peak_rss_kb: None,
        report: None,
    };
    parse(&String::from_utf8_lossy(&out), &mut run);
    run
}

/// The lines of nmap's grepable output with their host: `Host: IP () Status: Up` and
/// `Host: IP () Ports: 22/open/tcp//ssh///, …`.
pub fn nmap_hosts(text: &str) -> impl Iterator<Item = (IpAddr, &str)> {
    text.lines().filter_map(|line| {
        let ip = line
            .strip_prefix("Host: ")?
            .split_whitespace()
            .next()?
            .parse::<IpAddr>()
            .ok()?;
        Some((ip, line))
    })
}

fn parse_nmap(text: &str, run: &mut Run) {
    for (ip, line) in nmap_hosts(text) {
        if line.contains("Status: Up") || line.contains("Ports: ") {
            run.hosts.insert(ip);
        }
        if let Some(ports) = line.split("Ports: ").nth(1) {
            let open = ports
                .split(", ")
                .filter(|p| p.contains("/open/"))
                .filter_map(|p| p.split('/').next()?.trim().parse::<u16>().ok());
            run.ports.entry(ip).or_default().extend(open);
        }
    }
}

/// arp-scan's plain output (`-x -q`): `IP<TAB>MAC` per answer.
fn parse_arp_scan(text: &str, run: &mut Run) {
    for line in text.lines() {
        if let Some(ip) = line
            .split('\t')
            .next()
            .and_then(|s| s.parse::<IpAddr>().ok())
        {
            run.hosts.insert(ip);
        }
    }
}
