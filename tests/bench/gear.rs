//! `cargo bench --bench gear`: the time to poll 10 switches of 48 access ports each, as a
//! user does it (`bigr switches poll`, defaults: SNMP v2c, 700 ms timeout, one retry, 16
//! switches at once; the forwarding tables, VLANs, port names and LLDP neighbours read and
//! stored), against net-snmp's `snmpbulkwalk` reading the same tables from the same
//! switches (one walker per switch, all at once). Extra rows: SNMPv3 authPriv
//! (SHA-256/AES-128), and 3 % of the answers lost. Each row also counts the SNMP requests
//! sent per switch: this lab's paths have almost no latency, a real one costs a round trip
//! per request.
//! The switches are real: Linux bridges in namespaces with 48 cabled devices each, Debian's
//! snmpd (BRIDGE-MIB through tests/lab/bridge_mib.py, IF-MIB, LLDP-MIB from lldpd over
//! AgentX). Needs root, snmpd, snmpbulkwalk and lldpd; says so and exits otherwise.
#[allow(dead_code)]
#[path = "../it/support/gear.rs"]
pub mod gear;
#[allow(dead_code)]
#[path = "../it/support/lab.rs"]
pub mod lab;
#[allow(dead_code)]
#[path = "../it/lab_services.rs"]
mod lab_services;

/// What the lab does when it cannot run.
fn skipped(part: &str, why: &str) {
    eprintln!("NOTE: {part} SKIPPED: {why}");
}

/// The lab where its services module imports it from (`crate::support::lab`).
mod support {
    pub use super::lab;
}

use gear::{COMMUNITY, GearLab};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SWITCHES: u8 = 10;
const PORTS: usize = 48;
const REPEATS: usize = 5;
const V3_USER: &str =
    "createUser bench SHA-256 \"bench-auth-pass\" AES \"bench-priv-pass\"\nrouser bench priv";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One `bigr switches poll` of the site: its wall time and the MACs it read (a switch that
/// failed reads none; the line says why).
fn bigr_poll(lab: &GearLab, home: &std::path::Path, site: &str) -> (Duration, u64) {
    let started = Instant::now();
    let (code, text) = lab.bigr(home, &["switches", "poll", "--site", site, "--json"]);
    let wall = started.elapsed();
    if code != Some(0) {
        let why = text.lines().last().unwrap_or("");
        eprintln!("  a run was partial ({code:?}): {why}");
    }
    let json = text
        .lines()
        .take_while(|l| !l.starts_with("error:"))
        .collect::<Vec<_>>()
        .join("\n");
    let polls: serde_json::Value = serde_json::from_str(&json).expect("poll JSON");
    let macs = polls
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["macs"].as_u64().unwrap_or(0))
        .sum();
    (wall, macs)
}

/// net-snmp reading the same tables: one snmpbulkwalk per table, per switch, the switches
/// at once.
fn peer_poll(lab: &GearLab) -> Duration {
    let tables = [
        "1.3.6.1.2.1.17",
        "1.3.6.1.2.1.2.2.1.2",
        "1.3.6.1.2.1.31.1.1.1.1",
        "1.0.8802.1.1.2.1",
    ];
    let started = Instant::now();
    let walkers: Vec<_> = lab
        .gear
        .iter()
        .map(|g| {
            let script = tables
                .iter()
                .map(|t| {
                    format!(
                        "snmpbulkwalk -v2c -c {COMMUNITY} -Cr32 -t 0.7 -r 1 -On {} {t} >/dev/null",
                        g.mgmt_ip
                    )
                })
                .collect::<Vec<_>>()
                .join(" && ");
            Command::new("ip")
                .args(["netns", "exec", &lab.scanner_ns, "sh", "-c", &script])
                .env("SNMP_PERSISTENT_DIR", lab.dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("snmpbulkwalk")
        })
        .collect();
    for mut w in walkers {
        assert!(w.wait().expect("wait").success(), "snmpbulkwalk failed");
    }
    started.elapsed()
}

/// Runs `rules` through nft in the scanner namespace.
fn nft(lab: &GearLab, rules: &str) -> String {
    let mut nft = Command::new("ip")
        .args(["netns", "exec", &lab.scanner_ns, "nft", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("nft");
    std::io::Write::write_all(nft.stdin.as_mut().unwrap(), rules.as_bytes()).unwrap();
    let out = nft.wait_with_output().expect("nft");
    assert!(out.status.success(), "nft {rules}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Counts the SNMP requests the scanner sends: a poll's round trips, which on a real path
/// cost a round-trip time each (this lab's paths have almost none).
fn count_requests(lab: &GearLab) {
    nft(
        lab,
        "table inet benchcount\ndelete table inet benchcount\ntable inet benchcount {\n chain output {\n  type filter hook output priority 0;\n  udp dport 161 counter\n }\n}\n",
    );
}

/// The requests counted so far.
fn requests_sent(lab: &GearLab) -> u64 {
    let listed = nft(lab, "list table inet benchcount\n");
    listed
        .split_whitespace()
        .skip_while(|w| *w != "packets")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("the request counter")
}

fn lose_answers(lab: &GearLab, percent: u32) {
    nft(
        lab,
        &format!(
            "table inet benchloss\ndelete table inet benchloss\ntable inet benchloss {{\n chain input {{\n  type filter hook input priority 0;\n  udp sport 161 numgen random mod 100 < {percent} drop\n }}\n}}\n"
        ),
    );
}

fn main() {
    if nix::unistd::geteuid().as_raw() != 0 {
        eprintln!("the gear bench builds network namespaces: run it as root");
        return;
    }
    let have = |p: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {p}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if lab_services::snmpd_path().is_none() || gear::lldpd_path().is_none() || !have("snmpbulkwalk")
    {
        eprintln!(
            "the gear bench needs snmpd, lldpd and snmpbulkwalk (apt-get install snmpd snmp lldpd)"
        );
        return;
    }
    let Some(mut lab) = GearLab::up() else { return };
    for i in 0..SWITCHES {
        let g = lab.add_switch(i);
        lab.add_access_ports(g, PORTS);
        lab.start(g, V3_USER);
    }
    for g in 0..lab.gear.len() {
        lab.wait_for_snmp(g);
    }
    for g in 0..lab.gear.len() {
        lab.wait_for_learning(g, PORTS);
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let pass = |name: &str, text: &str| {
        let path = h.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let (auth, privacy) = (
        pass("auth", "bench-auth-pass"),
        pass("priv", "bench-priv-pass"),
    );
    for g in &lab.gear {
        let ip = g.mgmt_ip.to_string();
        let (code, text) = lab.bigr(
            h,
            &["switches", "add", &ip, "-c", COMMUNITY, "--site", "v2c"],
        );
        assert_eq!(code, Some(0), "{text}");
        let (code, text) = lab.bigr(
            h,
            &[
                "switches",
                "add",
                &ip,
                "--site",
                "v3",
                "--snmp-version",
                "3",
                "--user",
                "bench",
                "--auth",
                "SHA256",
                "--auth-pass-file",
                auth.to_str().unwrap(),
                "--priv",
                "AES128",
                "--priv-pass-file",
                privacy.to_str().unwrap(),
            ],
        );
        assert_eq!(code, Some(0), "{text}");
    }
    let want = u64::from(SWITCHES) * PORTS as u64;
    let mut rows: Vec<(String, Duration, String)> = Vec::new();
    count_requests(&lab);
    let mut run = |label: &str, lab: &GearLab, f: &dyn Fn(&GearLab) -> (Duration, u64)| {
        let sent_before = requests_sent(lab);
        let mut times = Vec::new();
        let mut found = Vec::new();
        for _ in 0..REPEATS {
            let (t, macs) = f(lab);
            times.push(t);
            found.push(macs);
        }
        let m = median(times);
        let macs = format!(
            "{}/{want} MACs (worst run {})",
            found.iter().max().unwrap(),
            found.iter().min().unwrap()
        );
        let per_switch =
            (requests_sent(lab) - sent_before) as f64 / (REPEATS as f64 * f64::from(SWITCHES));
        println!(
            "{label:<50} {:>6.0} ms  {per_switch:>5.1} requests/switch  {macs}",
            m.as_secs_f64() * 1000.0
        );
        rows.push((label.to_string(), m, macs));
    };
    println!(
        "gear bench: {SWITCHES} switches x {PORTS} access ports (+ LLDP, VLAN and IF-MIB tables), median of {REPEATS}"
    );
    run("bigr switches poll (defaults, v2c)", &lab, &|lab| {
        bigr_poll(lab, h, "v2c")
    });
    run(
        "bigr switches poll (v3 authPriv SHA-256/AES-128)",
        &lab,
        &|lab| bigr_poll(lab, h, "v3"),
    );
    run(
        "peer: snmpbulkwalk x 4 tables, switches at once",
        &lab,
        &|lab| (peer_poll(lab), want),
    );
    lose_answers(&lab, 3);
    run(
        "bigr switches poll (defaults, 3 % answers lost)",
        &lab,
        &|lab| bigr_poll(lab, h, "v2c"),
    );
    let ours = rows[0].1.as_secs_f64();
    let peer = rows[2].1.as_secs_f64();
    println!(
        "defaults: {:.2} s for {SWITCHES} x {PORTS} ports; {:.2}x the time of net-snmp's snmpbulkwalk ({:.2} s), which reads but neither resolves ports, VLANs and neighbours nor stores them",
        ours,
        ours / peer,
        peer
    );
}
