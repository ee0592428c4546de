//! Ingest JSON: scan and shield reports generated valid, then edited as JSON values (a field
//! replaced, removed or added) or as bytes, beside arbitrary bytes and arbitrary JSON.
use super::mutate::{CONTROLS, PRINTABLE, junk, lower, mutated, unicode, word};
use bigr::model::ScanReport;
use bigr::model::shield::ShieldReport;
use chrono::DateTime;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

const JSON_TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"\\udc00",
    b"\\u",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"true",
    b"-0",
    b"1e999",
    b"-1",
    b"0.5",
    b"65536",
    b"4294967296",
    b"18446744073709551616",
    b"\"\":",
    b"\"x\":1,",
    b" ",
    b"\xc4\xb0",
    b"\xe2\x82\xac",
    b"\xff",
    b"[[[[[[[[",
    b"\"\\u0000\"",
];

/// Strings that mean something to one field or another.
const EDGE_TEXT: &[&str] = &[
    "",
    " ",
    "\0",
    "10.0.0.5",
    "::1",
    "0.0.0.0",
    "224.0.0.1",
    "ff02::1",
    "00:1b:21:3a:4f:10",
    "cc:8:fa:1:2:3",
    "001b.213a.4f10",
    "22,80,1000-2000",
    "0",
    "65536",
    "20-10",
    "2026-11-23T08:00:00Z",
    "hybrid",
    "iot",
    "router",
    "critical",
    "\u{FFFD}",
    "\\u0000",
    "assets[0].ip",
    "İ",
    "a\u{0}b",
];

/// Report text: mostly printable, sometimes any Unicode, controls and NULs, or too long.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        40 => word(PRINTABLE, 0..25),
        8 => unicode(0..17),
        1 => word(CONTROLS, 0..9),
        2 => select(EDGE_TEXT).prop_map(str::to_string),
        1 => (select(&["x", "é", "\u{0}", "😀"][..]), 200usize..1100)
            .prop_map(|(c, n)| c.repeat(n)),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn ip() -> impl Strategy<Value = String> {
    prop_oneof![
        24 => any::<std::net::Ipv4Addr>().prop_map(|ip| ip.to_string()),
        8 => any::<std::net::Ipv6Addr>().prop_map(|ip| ip.to_string()),
        1 => select(EDGE_TEXT).prop_map(str::to_string),
    ]
}

fn mac() -> impl Strategy<Value = String> {
    (any::<[u8; 6]>(), 0u8..5).prop_map(|(m, form)| {
        let [a, b, c, d, e, f] = m;
        match form {
            0 => format!("{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{f:02x}"),
            1 => format!("{a:02X}-{b:02X}-{c:02X}-{d:02X}-{e:02X}-{f:02X}"),
            2 => format!("{a:02x}{b:02x}.{c:02x}{d:02x}.{e:02x}{f:02x}"),
            3 => format!("{a:x}:{b:x}:{c:x}:{d:x}:{e:x}:{f:x}"),
            _ => format!("{a:02x}{b:02x}{c:02x}{d:02x}{e:02x}{f:02x}"),
        }
    })
}

fn port() -> impl Strategy<Value = u16> {
    prop_oneof![200 => 1u16..=65535, 1 => Just(0u16)]
}

fn ports_text() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::collection::vec((port(), prop::option::of(port())), 0..5).prop_map(|items| {
            items
                .iter()
                .map(|(a, b)| b.map_or(a.to_string(), |b| format!("{}-{}", a.min(&b), a.max(&b))))
                .collect::<Vec<_>>()
                .join(",")
        }),
        1 => text(),
    ]
}

/// RFC 3339 time, the usual decades or the far ends of what chrono holds.
fn seconds() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => 1_600_000_000i64..1_900_000_000,
        1 => -8_000_000_000_000i64..8_000_000_000_000,
    ]
}

fn rfc3339(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0).map_or_else(String::new, |t| t.to_rfc3339())
}

fn unit() -> impl Strategy<Value = f64> {
    prop_oneof![16 => 0.0f64..=1.0, 1 => any::<f64>(), 1 => Just(-0.0)]
}

fn uuid() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|n| uuid::Uuid::from_u128(n).to_string())
}

const CATEGORIES: &[&str] = &[
    "ag_ve_sistemler",
    "uygulamalar",
    "iot",
    "tasinabilir",
    "unclassified",
];
const DEVICE_TYPES: &[&str] = &[
    "router",
    "switch",
    "firewall",
    "access_point",
    "server",
    "nas",
    "hypervisor",
    "vm",
    "printer",
    "camera",
    "iot",
    "media",
    "voip",
    "phone",
    "tablet",
    "laptop",
    "desktop",
    "unknown",
];

fn service() -> impl Strategy<Value = Value> {
    (
        port(),
        prop_oneof![8 => Just("tcp".to_string()), 4 => Just("udp".to_string()), 1 => text()],
        (opt_text(), opt_text(), opt_text()),
        (opt_text(), opt_text(), opt_text()),
        any::<bool>(),
    )
        .prop_map(
            |(port, protocol, (name, product, version), (banner, title, server), tls)| {
                json!({"port": port, "protocol": protocol, "name": name, "product": product,
                "version": version, "banner": banner, "http_title": title,
                "http_server": server, "tls": tls})
            },
        )
}

fn evidence() -> impl Strategy<Value = Value> {
    (
        text(),
        text(),
        prop::option::of(select(CATEGORIES)),
        prop::option::of(select(DEVICE_TYPES)),
        prop_oneof![0.0f64..1.0, any::<f64>()],
    )
        .prop_map(|(rule, value, category, device_type, weight)| {
            json!({"rule": rule, "value": value, "category": category,
                "device_type": device_type, "weight": weight})
        })
}

fn asset() -> impl Strategy<Value = Value> {
    let who = (
        ip(),
        prop::option::of(mac()),
        opt_text(),
        opt_text(),
        opt_text(),
    );
    let what = (
        prop::collection::vec(port(), 0..5),
        prop::collection::vec(service(), 0..2),
        select(DEVICE_TYPES),
        select(CATEGORIES),
        unit(),
        select(&["fragile", "cautious", "safe"][..]),
    );
    let why = (
        prop::collection::vec(evidence(), 0..3),
        prop::collection::vec(text(), 0..3),
        prop::option::of((opt_text(), opt_text(), opt_text())),
        prop::option::of((text(), text(), prop::option::of(any::<u32>()))),
    );
    (who, what, why).prop_map(
        |(
            (ip, mac, hostname, vendor, os_hint),
            (open_ports, services, device_type, category, confidence, sensitivity),
            (evidence, mdns, snmp, switch_port),
        )| {
            json!({"ip": ip, "mac": mac, "hostname": hostname, "vendor": vendor,
                "open_ports": open_ports, "services": services, "os_hint": os_hint,
                "device_type": device_type, "category": category, "confidence": confidence,
                "sensitivity": sensitivity, "evidence": evidence, "mdns_services": mdns,
                "snmp": snmp.map(|(n, d, o)| json!({"sys_name": n, "sys_descr": d, "sys_object_id": o})),
                "switch_port": switch_port.map(|(h, p, i)| json!({"host": h, "port": p, "port_index": i}))})
        },
    )
}

fn certificate() -> impl Strategy<Value = Value> {
    (
        (
            ip(),
            port(),
            opt_text(),
            prop::collection::vec(text(), 0..4),
            opt_text(),
        ),
        (
            opt_text(),
            prop::option::of(seconds()),
            prop::option::of(seconds()),
        ),
        (
            opt_text(),
            prop::option::of(prop_oneof![8 => 256u32..=8192, 1 => any::<u32>()]),
            opt_text(),
        ),
        (any::<[u8; 32]>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (ip, port, subject_cn, sans, issuer),
                (serial, not_before, not_after),
                (key_type, key_bits, algorithm),
                (digest, upper, self_signed),
            )| {
                let mut fingerprint: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                if upper {
                    fingerprint = fingerprint.to_uppercase();
                }
                json!({"ip": ip, "port": port, "subject_cn": subject_cn, "sans": sans,
                    "issuer": issuer, "serial": serial,
                    "not_before": not_before.map(rfc3339), "not_after": not_after.map(rfc3339),
                    "key_type": key_type, "key_bits": key_bits,
                    "signature_algorithm": algorithm, "fingerprint_sha256": fingerprint,
                    "self_signed": self_signed})
            },
        )
}

fn network() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (any::<std::net::Ipv4Addr>(), 0u8..=33).prop_map(|(ip, len)| format!("{ip}/{len}")),
        4 => (any::<std::net::Ipv6Addr>(), 0u8..=129).prop_map(|(ip, len)| format!("{ip}/{len}")),
        1 => text(),
    ]
}

/// A scan report as the scanner would send it, most often a valid one.
pub fn scan_report() -> impl Strategy<Value = Value> {
    let head = (
        uuid(),
        prop_oneof![8 => lower("./, -", 1..25), 1 => text()],
        prop::collection::vec(network(), 0..3),
        select(&["passive", "active", "hybrid"][..]),
        seconds(),
        prop::option::of(prop_oneof![8 => 0i64..100_000, 1 => any::<i32>().prop_map(i64::from)]),
        any::<bool>(),
        ports_text(),
        any::<[bool; 3]>(),
        prop_oneof![8 => lower(".-", 1..13), 1 => text()],
    );
    (
        head,
        prop::collection::vec(asset(), 0..3),
        prop::collection::vec(certificate(), 0..2),
    )
        .prop_map(
            |(
                (
                    id,
                    target,
                    networks,
                    method,
                    started,
                    took,
                    partial,
                    ports,
                    [raw, arp, icmp],
                    version,
                ),
                assets,
                certificates,
            )| {
                json!({"id": id, "target": target, "networks": networks, "method": method,
                    "started_at": rfc3339(started),
                    "completed_at": took.map(|t| rfc3339(started.saturating_add(t))),
                    "partial": partial, "ports_probed": ports,
                    "privileges": {"raw_sockets": raw, "arp": arp, "icmp": icmp},
                    "scanner_version": version, "assets": assets,
                    "certificates": certificates})
            },
        )
}

fn finding() -> impl Strategy<Value = Value> {
    (
        (
            prop_oneof![8 => lower("_", 1..13), 1 => text()],
            select(&["critical", "high", "medium", "low", "info"][..]),
            text(),
            text(),
            text(),
        ),
        (
            prop::option::of(ip()),
            prop::option::of(port()),
            json_value(),
            prop::option::of(prop_oneof![8 => (0u32..100, 1000u32..1_000_000).prop_map(|(y, n)| format!("CVE-20{y:02}-{n}")), 1 => text()]),
            prop::option::of(prop_oneof![12 => 0.0f64..=10.0, 1 => any::<f64>()]),
            prop::option::of(prop_oneof![8 => (1000u32..2000).prop_map(|n| format!("T{n}")), 1 => text()]),
        ),
    )
        .prop_map(
            |((module, severity, title, description, remediation), (ip, port, evidence, cve, cvss, attack))| {
                json!({"module": module, "severity": severity, "title": title,
                    "description": description, "remediation": remediation,
                    "target_ip": ip, "port": port, "evidence": evidence, "cve_id": cve,
                    "cvss_score": cvss, "attack_technique": attack})
            },
        )
}

/// A shield report as an agent would send it, most often a valid one.
pub fn shield_report() -> impl Strategy<Value = Value> {
    (
        uuid(),
        prop_oneof![8 => lower("./-", 1..25), 1 => text()],
        select(&["quick", "standard", "deep"][..]),
        prop::collection::vec(prop_oneof![8 => lower("_", 1..13), 1 => text()], 0..4),
        seconds(),
        prop::option::of(prop_oneof![8 => 0i64..100_000, 1 => any::<i32>().prop_map(i64::from)]),
        prop::option::of(prop_oneof![12 => 0.0f64..=100.0, 1 => any::<f64>()]),
        prop::option::of(prop_oneof![12 => select(&["A", "A+", "B-", "C", "D+", "F"][..]).prop_map(str::to_string), 1 => text()]),
        prop::collection::vec(finding(), 0..4),
    )
        .prop_map(|(id, target, preset, modules, started, took, score, grade, findings)| {
            json!({"id": id, "target": target, "preset": preset, "modules": modules,
                "started_at": rfc3339(started),
                "completed_at": took.map(|t| rfc3339(started.saturating_add(t))),
                "score": score, "grade": grade, "findings": findings})
        })
}

/// Any JSON value, a few levels deep.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One structural edit of a JSON document.
#[derive(Clone, Debug)]
pub enum Edit {
    Replace(Index, Value),
    Remove(Index),
    Add(Index, String, Value),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        4 => (any::<Index>(), json_value()).prop_map(|(at, v)| Edit::Replace(at, v)),
        2 => any::<Index>().prop_map(Edit::Remove),
        1 => (any::<Index>(), text(), json_value()).prop_map(|(at, k, v)| Edit::Add(at, k, v)),
    ];
    prop::collection::vec(edit, 1..4)
}

/// The JSON pointers of every node of `v`, the root ("") first.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => {
            out.push(at.clone());
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            out.push(at.clone());
            for (k, item) in map {
                let k = k.replace('~', "~0").replace('/', "~1");
                pointers(item, format!("{at}/{k}"), out);
            }
        }
        _ => out.push(at),
    }
}

fn edit(mut v: Value, edits: &[Edit]) -> Value {
    for e in edits {
        let mut all = Vec::new();
        pointers(&v, String::new(), &mut all);
        match e {
            Edit::Replace(at, new) => {
                if let Some(slot) = v.pointer_mut(&all[at.index(all.len())]) {
                    *slot = new.clone();
                }
            }
            Edit::Remove(at) => {
                let path = &all[at.index(all.len())];
                let Some((parent, key)) = path.rsplit_once('/') else {
                    continue;
                };
                let key = key.replace("~1", "/").replace("~0", "~");
                match v.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
            Edit::Add(at, key, new) => match v.pointer_mut(&all[at.index(all.len())]) {
                Some(Value::Object(map)) => {
                    map.insert(key.clone(), new.clone());
                }
                Some(Value::Array(items)) => items.push(new.clone()),
                _ => {}
            },
        }
    }
    v
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

/// Generated reports, made once: a fresh one costs a hundred generated fields.
const POOL: usize = 256;

fn pool(report: impl Strategy<Value = Value>) -> Vec<Value> {
    let mut runner = TestRunner::deterministic();
    (0..POOL)
        .map(|_| match report.new_tree(&mut runner) {
            Ok(tree) => tree.current(),
            Err(e) => panic!("cannot generate a report: {e}"),
        })
        .collect()
}

static SCAN_POOL: LazyLock<Vec<Value>> = LazyLock::new(|| pool(scan_report()));
static SHIELD_POOL: LazyLock<Vec<Value>> = LazyLock::new(|| pool(shield_report()));

/// Bytes for an ingest endpoint: a `report` (fresh or from `made`), edited or mutated, or junk.
fn ingest(
    report: impl Strategy<Value = Value> + 'static,
    made: &'static [Value],
) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => report.prop_map(|v| bytes(&v)),
        3 => (select(made), edits()).prop_map(|(v, e)| bytes(&edit(v, &e))),
        4 => mutated(select(made).prop_map(|v| bytes(&v)), JSON_TOKENS),
        1 => json_value().prop_map(|v| bytes(&v)),
        1 => junk(),
    ]
}

/// Inputs of `ScanReport::from_json`.
pub fn scan_json() -> impl Strategy<Value = Vec<u8>> {
    ingest(scan_report(), SCAN_POOL.as_slice())
}

/// Inputs of `ShieldReport::from_json`.
pub fn shield_json() -> impl Strategy<Value = Vec<u8>> {
    ingest(shield_report(), SHIELD_POOL.as_slice())
}

/// Parses a scan report; one it accepts must survive being written and read again.
pub fn feed_scan(json: &[u8]) {
    match ScanReport::from_json(json) {
        Ok(report) => {
            let again = serde_json::to_vec(&report).expect("an accepted report serializes");
            if let Err(e) = ScanReport::from_json(&again) {
                panic!("an accepted scan report is refused once re-serialized: {e}");
            }
        }
        Err(e) => drop(e.to_string()),
    }
}

/// Parses a shield report; one it accepts must survive being written and read again.
pub fn feed_shield(json: &[u8]) {
    match ShieldReport::from_json(json) {
        Ok(report) => {
            let again = serde_json::to_vec(&report).expect("an accepted report serializes");
            if let Err(e) = ShieldReport::from_json(&again) {
                panic!("an accepted shield report is refused once re-serialized: {e}");
            }
        }
        Err(e) => drop(e.to_string()),
    }
}
