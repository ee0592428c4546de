//! `bigr shield` inside the namespace lab, against real servers configured weakly and
//! strongly, each check proven both ways: OpenSSL offering TLS 1.0 and anonymous suites with a
//! 1024-bit SHA-1 self-signed certificate; GnuTLS offering 3DES and RC4 with an expired
//! certificate sent without its issuer; rustls speaking TLS 1.3 only with a full, valid chain
//! for the name asked; HTTP with and without the security headers; Redis, memcached,
//! MongoDB and Elasticsearch (stand-ins) with and without authentication; snmpd on a default
//! and on a private community; Telnet; a host with too many ports; a host with nothing open
//! (not assessed, never a finding); miniupnpd, a UPnP gateway. Then the findings' life in
//! the store: a service that goes away is resolved, and reopened when it returns.
use crate::lab_services::{serve_tcp, snmp_agent};
use crate::shield_servers::*;
use crate::shield_stores::{elasticsearch_stand_in, memcached, mongo_stand_in};
use crate::support::lab::Lab;
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::time::Duration;

/// (ip, check id) of every finding in a `bigr shield --json` report.
fn found(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["target_ip"].as_str().unwrap_or("").to_string(),
                f["check_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn run_shield(lab: &Lab, args: &[&str]) -> Value {
    let mut all = vec!["shield", "--json"];
    all.extend_from_slice(args);
    let out = lab.bigr(&all);
    assert!(
        out.status.success(),
        "bigr shield failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON report")
}

#[test]
fn every_check_is_proven_both_ways_on_real_servers() {
    for tool in [
        "openssl",
        "gnutls-serv",
        "redis-server",
        "memcached",
        "miniupnpd",
    ] {
        if !have(tool) {
            assert!(std::env::var("CI").is_err(), "CI must install {tool}");
            crate::support::skipped("shield lab", &format!("{tool} is not installed"));
            return;
        }
    }
    let Some(lab) = Lab::up(5) else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ip = |i: usize| lab.hosts[i].ip;
    let ns = |i: usize| lab.hosts[i].ns.clone();
    let ca = Ca::new();

    // Host 0, the legacy box: OpenSSL with TLS 1.0 and every suite it has (anonymous ones
    // included), a 1024-bit RSA key signed with SHA-1 by itself, expiring tomorrow; Telnet,
    // Redis without a password, SNMP on "private", a web page with none of the headers.
    let (weak_key, weak_cert) = weak_certificate(d);
    let _legacy_tls = legacy_openssl(&ns(0), &weak_key, &weak_cert);
    serve_tcp(&ns(0), 23, b"\xff\xfd\x18\xff\xfd\x20login: ");
    serve_plain(&ns(0), 80, answer(&BAD_HEADERS));
    let redis_args = |ip: Ipv4Addr, pass: Option<&str>| {
        let mut a = vec![
            "--port".to_string(),
            "6379".into(),
            "--bind".into(),
            ip.to_string(),
            "--protected-mode".into(),
            "no".into(),
            "--save".into(),
            String::new(),
            "--appendonly".into(),
            "no".into(),
            "--dir".into(),
            d.display().to_string(),
        ];
        if let Some(p) = pass {
            a.extend(["--requirepass".to_string(), p.to_string()]);
        }
        a
    };
    let open_redis_args = redis_args(ip(0), None);
    let open_redis_refs: Vec<&str> = open_redis_args.iter().map(String::as_str).collect();
    let open_redis = spawn_in(&ns(0), "redis-server", &open_redis_refs);
    let _open_memcached = memcached(&ns(0), ip(0), d, None);
    let _igd = miniupnpd(&ns(0), d);
    mongo_stand_in(&ns(0), true);
    elasticsearch_stand_in(&ns(0), true);
    let _snmp_default = snmp_agent(
        &lab.hosts[0],
        "private",
        "legacy",
        "Legacy box",
        ".1.3.6.1.4.1.8072.3.2.10",
    );

    // Host 1, the modern server: rustls with TLS 1.3 only, a CA-issued EC certificate for its
    // name with the chain, every security header; Redis with a password; SNMP on a private
    // community.
    let (leaf, leaf_key) = ca.leaf("labhost1.lab", -1, 365);
    let good = answer(&GOOD_HEADERS);
    serve_tls13(
        &ns(1),
        443,
        vec![leaf.der().clone(), ca.der()],
        &leaf_key,
        good.clone(),
    );
    serve_plain(&ns(1), 8080, good);
    let auth_redis_args = redis_args(ip(1), Some("lab-redis-secret"));
    let auth_redis_refs: Vec<&str> = auth_redis_args.iter().map(String::as_str).collect();
    let _auth_redis = spawn_in(&ns(1), "redis-server", &auth_redis_refs);
    let _auth_memcached = memcached(&ns(1), ip(1), d, Some("lab-memcached-secret"));
    mongo_stand_in(&ns(1), false);
    elasticsearch_stand_in(&ns(1), false);
    let _snmp_private = snmp_agent(
        &lab.hosts[1],
        "lab-n0t-default",
        "modern",
        "Modern server",
        ".1.3.6.1.4.1.8072.3.2.10",
    );

    // Host 2, another vendor's stack: GnuTLS on TLS 1.2 with 3DES and RC4, an expired
    // CA-issued certificate sent without the CA; it echoes instead of speaking HTTP.
    let (old_leaf, old_key) = ca.leaf("labhost2.lab", -400, -10);
    let leaf_pem = write(d, "old.pem", &old_leaf.pem());
    let key_pem = write(d, "old.key", &old_key.serialize_pem());
    let _gnutls = spawn_in(
        &ns(2),
        "gnutls-serv",
        &[
            "--port",
            "443",
            "--x509certfile",
            &leaf_pem,
            "--x509keyfile",
            &key_pem,
            "--echo",
            "--priority",
            "NORMAL:+3DES-CBC:+ARCFOUR-128:-VERS-ALL:+VERS-TLS1.2",
        ],
    );

    // Host 3: sixteen risky services at once.
    const MANY: [u16; 16] = [
        21, 139, 445, 3389, 5900, 5901, 1433, 1521, 3306, 5432, 5984, 9042, 27017, 9200, 11211,
        2323,
    ];
    for p in MANY {
        serve_tcp(&ns(3), p, b"x");
    }
    // Host 4: nothing listens.

    for (i, port) in [
        (0, 443),
        (0, 6379),
        (0, 11211),
        (0, 27017),
        (0, 9200),
        (1, 443),
        (1, 6379),
        (1, 11211),
        (1, 27017),
        (1, 9200),
        (2, 443),
        (3, 9200),
    ] {
        wait_listening(&lab, ip(i), port);
    }
    let targets: Vec<String> = vec![
        ip(0).to_string(),
        "labhost1.lab".into(),
        ip(2).to_string(),
        ip(3).to_string(),
        ip(4).to_string(),
    ];
    let mut args: Vec<&str> = targets.iter().map(String::as_str).collect();
    args.push("--no-save");
    let report = run_shield(&lab, &args);
    let f = found(&report);
    let has = |i: usize, id: &str| f.contains(&(ip(i).to_string(), id.to_string()));
    let of = |i: usize| -> BTreeSet<&str> {
        f.iter()
            .filter(|(a, _)| *a == ip(i).to_string())
            .map(|(_, c)| c.as_str())
            .collect()
    };

    for id in [
        "tls.protocol.tls10",
        "tls.cipher.anonymous",
        "tls.cipher.cbc_only_tls10",
        "tls.cert.weak_key",
        "tls.cert.sha1_signature",
        "tls.cert.self_signed",
        "tls.cert.expiring",
        "ports.telnet",
        "ports.redis_noauth",
        "ports.memcached_noauth",
        "ports.mongodb_noauth",
        "ports.elasticsearch_noauth",
        "ports.upnp_igd",
        "ports.snmp_default_community",
        "headers.csp_missing",
        "headers.frame_options_missing",
        "headers.content_type_options_missing",
        "headers.referrer_policy_missing",
        "headers.permissions_policy_missing",
        "headers.server_version",
        "headers.powered_by",
        "headers.cookie_flags",
    ] {
        assert!(has(0, id), "legacy host lacks {id}: {:?}", of(0));
    }
    // HSTS is judged over HTTPS only; this box's HTTPS speaks TLS 1.0 only, which the
    // headers module's client does not: not assessed, and said so.
    assert!(!has(0, "headers.hsts_missing"));
    // The version in the legacy box's Server header has a known CVE; the others name none.
    let cve = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["check_id"] == "cve.cve_2021_23017")
        .unwrap_or_else(|| panic!("nginx/1.18.0's CVE: {:?}", of(0)));
    assert_eq!(
        (
            cve["target_ip"].as_str(),
            cve["port"].as_u64(),
            cve["cvss_score"].as_f64()
        ),
        (Some(ip(0).to_string().as_str()), Some(80), Some(7.7))
    );
    assert_eq!(cve["severity"], "high");
    let modules_of = |i: usize| -> Vec<String> {
        report["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["ip"] == ip(i).to_string().as_str())
            .map(|h| serde_json::from_value(h["modules"].clone()).unwrap())
            .unwrap_or_default()
    };
    assert!(
        modules_of(1).contains(&"cve".to_string()),
        "the modern host was checked for CVEs: {:?}",
        modules_of(1)
    );
    // The modern server: the only finding is its database ports, every one locked
    // (Redis and memcached with a password, MongoDB and Elasticsearch with authorization).
    assert_eq!(of(1), BTreeSet::from(["ports.database"]), "modern host");
    for id in [
        "tls.cipher.3des",
        "tls.cipher.rc4",
        "tls.cert.expired",
        "tls.cert.incomplete_chain",
    ] {
        assert!(has(2, id), "GnuTLS host lacks {id}: {:?}", of(2));
    }
    for id in [
        "tls.protocol.tls10",
        "tls.protocol.tls11",
        "tls.cert.self_signed",
        "tls.cipher.anonymous",
        "tls.cert.expiring",
    ] {
        assert!(!has(2, id), "GnuTLS host must not have {id}");
    }
    for id in [
        "ports.excessive",
        "ports.ftp",
        "ports.smb",
        "ports.rdp",
        "ports.vnc",
        "ports.database",
        "ports.telnet",
    ] {
        assert!(has(3, id), "busy host lacks {id}: {:?}", of(3));
    }
    for id in [
        "ports.redis_noauth",
        "ports.mongodb_noauth",
        "ports.elasticsearch_noauth",
        "ports.memcached_noauth",
    ] {
        assert!(!has(3, id), "a greeter is not an open data store: {id}");
    }
    assert!(of(4).is_empty(), "nothing open, nothing found");
    let assessed: Vec<&str> = report["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["ip"].as_str().unwrap())
        .collect();
    assert!(
        !assessed.contains(&ip(4).to_string().as_str()),
        "host 4 was not assessed"
    );
    let missed = report["not_assessed"].to_string();
    assert!(
        missed.contains(&ip(4).to_string()),
        "host 4 is named as not assessed: {missed}"
    );
    assert!(
        missed.contains(&format!("{}:443", ip(2))) && missed.contains("did not answer HTTP"),
        "{missed}"
    );
    assert!(
        missed.contains(&format!("{}:443", ip(0))) && missed.contains("TLS handshake"),
        "{missed}"
    );
    assert!(
        report["score"].as_f64().unwrap() < 60.0,
        "{}",
        report["score"]
    );

    // A whole network: discovery finds the live hosts and their ports first.
    let net = run_shield(&lab, &["10.77.0.0/24", "--preset", "quick", "--no-save"]);
    let fnet = found(&net);
    for (i, id) in [
        (0, "tls.protocol.tls10"),
        (2, "tls.cipher.3des"),
        (1, "tls.cert.self_signed"),
    ] {
        let want = (ip(i).to_string(), id.to_string());
        assert_eq!(
            fnet.contains(&want),
            i != 1,
            "{want:?} over the network: {fnet:?}"
        );
    }

    // The same certificate asked for by another name.
    let mut hosts =
        std::fs::read_to_string(format!("/etc/netns/{}/hosts", lab.scanner_ns)).unwrap();
    hosts.push_str(&format!("{} wrongname.lab\n", ip(1)));
    std::fs::write(format!("/etc/netns/{}/hosts", lab.scanner_ns), hosts).unwrap();
    let other = run_shield(
        &lab,
        &["wrongname.lab:443", "--preset", "quick", "--no-save"],
    );
    assert_eq!(
        found(&other),
        BTreeSet::from([(ip(1).to_string(), "tls.cert.name_mismatch".to_string())])
    );

    // Stored: a Redis that gets a password is resolved; open again, reopened.
    let home = crate::scan_cli_lab::home();
    let h = home.path().to_str().unwrap().to_string();
    let legacy = ip(0).to_string();
    let stored = ["--site", "lab", legacy.as_str(), "--home", h.as_str()];
    let first = run_shield(&lab, &stored);
    assert!(
        first["saved"]["shield_scan_id"].is_string(),
        "{}",
        first["saved"]
    );
    drop(open_redis);
    let locked_args = redis_args(ip(0), Some("now-with-a-password"));
    let locked_refs: Vec<&str> = locked_args.iter().map(String::as_str).collect();
    let locked = spawn_in(&ns(0), "redis-server", &locked_refs);
    wait_listening(&lab, ip(0), 6379);
    run_shield(&lab, &stored);
    let status = |db_home: &str| -> Vec<(String, String, i32)> {
        let url = format!("sqlite://{db_home}/bigr.db?mode=rwc");
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
                .await
                .unwrap();
            let filter = bigr::store::shield_views::IssueFilter {
                site: Some("lab".into()),
                module: Some("ports".into()),
                ..Default::default()
            };
            let page = bigr::store::shield_views::findings(
                &db,
                &filter,
                bigr::store::PageRequest::new(1, 100).unwrap(),
            )
            .await
            .unwrap();
            page.items
                .into_iter()
                .map(|i| (i.check_id, i.status, i.reopened_count))
                .collect()
        })
    };
    let after = status(&h);
    assert!(
        after.contains(&("ports.redis_noauth".into(), "resolved".into(), 0)),
        "{after:?}"
    );
    assert!(
        after.contains(&("ports.database".into(), "open".into(), 0)),
        "{after:?}"
    );
    drop(locked);
    let _reopened_redis = spawn_in(&ns(0), "redis-server", &open_redis_refs);
    wait_listening(&lab, ip(0), 6379);
    run_shield(&lab, &stored);
    let again = status(&h);
    assert!(
        again.contains(&("ports.redis_noauth".into(), "open".into(), 1)),
        "{again:?}"
    );
    assert!(
        again.contains(&("ports.database".into(), "resolved".into(), 0)),
        "{again:?}"
    );
}

#[test]
fn an_agent_with_shield_delivers_scored_findings_once_even_through_its_queue() {
    use crate::scan_cli_lab::{NsServer, home};
    if !have("openssl") {
        assert!(std::env::var("CI").is_err(), "CI must install openssl");
        crate::support::skipped("agent shield test", "openssl is not installed");
        return;
    }
    let Some(lab) = Lab::up(2) else { return };
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = weak_certificate(dir.path());
    let _legacy = legacy_openssl(&lab.hosts[0].ns, &key, &cert);
    wait_listening(&lab, lab.hosts[0].ip, 443);
    let server_home = home();
    let server = NsServer::start(&lab, server_home.path());
    let token = server.as_admin(|admin| {
        let r = admin.send(
            "PUT",
            "/api/sites/lab/config",
            Some(&serde_json::json!({"ports": "443"}).to_string()),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let r = admin.send(
            "POST",
            "/api/agents/enrollments",
            Some(&serde_json::json!({"site": "lab", "expires_hours": 1}).to_string()),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["token"].as_str().unwrap().to_string()
    });
    let agent_home = home();
    let ah = agent_home.path().to_str().unwrap().to_string();
    let out = lab.bigr(&[
        "--home",
        &ah,
        "agent",
        "register",
        "--api-url",
        &server.base,
        "--name",
        "edge",
        "--site",
        "lab",
        "--enroll-token",
        &token,
    ]);
    assert!(out.status.success(), "{out:?}");
    let target = format!("{}/31", lab.hosts[0].ip);
    let once = |lab: &Lab| {
        lab.bigr(&[
            "--home",
            &ah,
            "agent",
            "start",
            "--once",
            "--shield",
            "--shield-preset",
            "quick",
            &target,
        ])
    };
    let out = once(&lab);
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("shield checks delivered to site 'lab'"),
        "{said}"
    );
    let legacy_ip = lab.hosts[0].ip.to_string();
    let state = |server: &NsServer| {
        server.as_admin(|admin| {
            let scans = admin.get("/api/shield/scans?site=lab").json();
            let open = admin
                .get("/api/shield/findings?site=lab&status=open&per_page=100")
                .json();
            (scans["total"].as_u64().unwrap(), open)
        })
    };
    let (scans, open) = state(&server);
    assert_eq!(scans, 1);
    let items = open["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["check_id"] == "tls.protocol.tls10"
            && i["target_ip"] == legacy_ip.as_str()
            && i["asset_id"].is_string()),
        "{open}"
    );
    let first_open = open["total"].as_u64().unwrap();

    // The server goes away: the Shield report waits in the queue with the discovery report.
    let server_base = server.base.clone();
    drop(server);
    let out = once(&lab);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let waiting = std::fs::read_dir(agent_home.path().join("queue"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("shield"))
        .count();
    assert_eq!(waiting, 1, "one shield report queued");
    let server = NsServer::start(&lab, server_home.path());
    assert_eq!(server.base, server_base);
    let out = once(&lab);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (scans, open) = state(&server);
    assert_eq!(scans, 3, "the queued report and this run's, each once");
    assert_eq!(
        open["total"].as_u64().unwrap(),
        first_open,
        "the same findings, not doubled"
    );
    assert!(
        open["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["reopened_count"] == 0)
    );
}

/// Knot serving `zones` (name, text, extra config lines) on `ip`:53, in `ns`.
fn knot(ns: &str, ip: Ipv4Addr, dir: &std::path::Path, zones: &[(&str, String, &str)]) -> Proc {
    let mut conf = format!(
        "server:\n    listen: {ip}@53\n    rundir: {d}\ndatabase:\n    storage: {d}\n\
         template:\n  - id: default\n    storage: {d}\n\
         acl:\n  - id: anyone_may_transfer\n    address: 0.0.0.0/0\n    action: transfer\nzone:\n",
        d = dir.display()
    );
    for (name, text, extra) in zones {
        write(dir, &format!("{name}.zone"), text);
        conf.push_str(&format!(
            "  - domain: {name}\n    file: {name}.zone\n{extra}"
        ));
    }
    let path = write(dir, "knot.conf", &conf);
    spawn_in(ns, "knotd", &["-c", &path])
}

fn zone(name: &str, ns_ip: Ipv4Addr, host_ip: Ipv4Addr, records: &str) -> String {
    format!(
        "$ORIGIN {name}.\n$TTL 300\n@ SOA ns1.{name}. admin.{name}. 1 3600 600 86400 300\n\
         @ NS ns1\nns1 A {ns_ip}\n@ A {host_ip}\n{records}\n"
    )
}

#[test]
fn dns_checks_are_proven_both_ways_on_knot_and_dnsmasq() {
    for tool in ["knotd", "dnsmasq"] {
        if !have(tool) {
            assert!(std::env::var("CI").is_err(), "CI must install {tool}");
            crate::support::skipped("shield dns lab", &format!("{tool} is not installed"));
            return;
        }
    }
    let Some(lab) = Lab::up(5) else { return };
    let dir = tempfile::tempdir().unwrap();
    let ip = |i: usize| lab.hosts[i].ip;
    let good = zone(
        "good.lab",
        ip(0),
        ip(1),
        "@ MX 10 mail\nmail A 10.77.0.11\n\
        @ TXT \"v=spf1 mx -all\"\n_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@good.lab\"\n\
        default._domainkey TXT \"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC\"\n\
        @ CAA 0 issue \"letsencrypt.org\"",
    );
    let weak = zone(
        "weak.lab",
        ip(0),
        ip(2),
        "@ TXT \"v=spf1 a mx ?all\"\n_dmarc TXT \"v=DMARC1; p=none\"",
    );
    let soft = zone(
        "soft.lab",
        ip(0),
        ip(4),
        "@ TXT \"v=spf1 mx ~all\"\n_dmarc TXT \"v=DMARC1; p=quarantine\"",
    );
    let outside = zone("example.com", ip(0), ip(0), "");
    let bare = zone("bare.lab", ip(0), ip(3), "");
    let _knot = knot(
        &lab.hosts[0].ns,
        ip(0),
        dir.path(),
        &[
            ("good.lab", good, "    dnssec-signing: on\n"),
            ("weak.lab", weak, "    acl: anyone_may_transfer\n"),
            ("example.com", outside, ""),
            ("bare.lab", bare, ""),
            ("soft.lab", soft, ""),
        ],
    );
    // An open resolver: dnsmasq recursing for anyone, through the lab's server.
    let upstream = format!("--server={}", ip(0));
    let listen = format!("--listen-address={}", ip(3));
    let _dnsmasq = spawn_in(
        &lab.hosts[3].ns,
        "dnsmasq",
        &[
            "--no-daemon",
            "--no-resolv",
            "--no-hosts",
            "--bind-interfaces",
            &listen,
            &upstream,
        ],
    );
    wait_listening(&lab, ip(0), 53);
    wait_listening(&lab, ip(3), 53);
    let mut hosts =
        std::fs::read_to_string(format!("/etc/netns/{}/hosts", lab.scanner_ns)).unwrap();
    hosts.push_str(&format!(
        "{} good.lab\n{} weak.lab\n{} bare.lab\n{} soft.lab\n",
        ip(1),
        ip(2),
        ip(3),
        ip(4)
    ));
    std::fs::write(format!("/etc/netns/{}/hosts", lab.scanner_ns), hosts).unwrap();
    // Knot signs good.lab in the background: wait (bounded) until its DNSKEY is served.
    for _ in 0..100 {
        let out = std::process::Command::new("ip")
            .args([
                "netns",
                "exec",
                &lab.scanner_ns,
                "kdig",
                "+short",
                "+time=1",
                &format!("@{}", ip(0)),
                "good.lab",
                "DNSKEY",
            ])
            .output();
        if out.is_ok_and(|o| !o.stdout.is_empty()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let server = ip(0).to_string();
    let report = run_shield(
        &lab,
        &[
            "good.lab",
            "weak.lab",
            "bare.lab",
            "soft.lab",
            &ip(0).to_string(),
            "--modules",
            "dns",
            "--dns-server",
            &server,
            "--no-save",
        ],
    );
    let f = found(&report);
    let has = |i: usize, id: &str| f.contains(&(ip(i).to_string(), id.to_string()));
    for id in [
        "dns.spf_permissive",
        "dns.dmarc_none",
        "dns.dkim_missing",
        "dns.caa_missing",
        "dns.dnssec_missing",
    ] {
        assert!(
            has(2, id),
            "weak.lab lacks {id}: {f:?} {}",
            report["not_assessed"]
        );
        assert!(!has(1, id), "good.lab must not have {id}: {f:?}");
    }
    assert!(
        has(0, "dns.zone_transfer"),
        "weak.lab is transferable: {f:?}"
    );
    let transfers: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["check_id"] == "dns.zone_transfer")
        .collect();
    // good.lab and bare.lab refuse transfers (dnsmasq relays the one knot gives, so the
    // resolver hands weak.lab out too).
    assert!(
        !transfers.is_empty()
            && transfers
                .iter()
                .all(|t| t["evidence"]["zone"] == "weak.lab"),
        "{transfers:?}"
    );
    assert!(
        has(3, "dns.open_resolver"),
        "dnsmasq recurses for anyone: {f:?}"
    );
    assert!(
        !has(0, "dns.open_resolver"),
        "an authoritative server is not a resolver"
    );
    // A domain with no mail records at all; the others have them.
    assert!(
        has(3, "dns.spf_missing") && has(3, "dns.dmarc_missing"),
        "{f:?}"
    );
    assert!(!has(2, "dns.spf_missing") && !has(1, "dns.dmarc_missing"));
    // ~all marks forged mail without refusing it: its own finding, not "permissive".
    assert!(
        has(4, "dns.spf_softfail") && !has(4, "dns.spf_permissive"),
        "{f:?}"
    );
    assert!(!has(1, "dns.spf_softfail") && !has(2, "dns.spf_softfail"));
}

#[test]
fn owasp_checks_are_proven_both_ways_and_only_with_intrusive() {
    let Some(lab) = Lab::up(2) else { return };
    let ip = |i: usize| lab.hosts[i].ip.to_string();
    // Python's http.server over a careless web root (a repository, secrets, a dump, no index:
    // listed) and over a clean one.
    let careless = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(careless.path().join(".git")).unwrap();
    write(careless.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(careless.path(), ".env", "DB_PASSWORD=lab-secret\n");
    write(
        careless.path(),
        "backup.sql",
        "CREATE TABLE users (id int);\n",
    );
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "index.html", "<p>welcome</p>");
    let _files = [
        spawn_in(
            &lab.hosts[0].ns,
            "python3",
            &[
                "-m",
                "http.server",
                "8080",
                "--directory",
                careless.path().to_str().unwrap(),
            ],
        ),
        spawn_in(
            &lab.hosts[1].ns,
            "python3",
            &[
                "-m",
                "http.server",
                "8080",
                "--directory",
                clean.path().to_str().unwrap(),
            ],
        ),
    ];
    serve_app(&lab.hosts[0].ns, 80, true);
    serve_app(&lab.hosts[1].ns, 80, false);
    for h in &lab.hosts {
        wait_listening(&lab, h.ip, 8080);
    }
    let report = run_shield(
        &lab,
        &[
            &ip(0),
            &ip(1),
            "--modules",
            "owasp",
            "--intrusive",
            "--no-save",
        ],
    );
    let f = found(&report);
    let has = |i: usize, id: &str| f.contains(&(ip(i), id.to_string()));
    for id in [
        "owasp.git_exposed",
        "owasp.env_exposed",
        "owasp.backup_exposed",
        "owasp.directory_listing",
        "owasp.trace_enabled",
        "owasp.admin_page",
        "owasp.open_redirect",
        "owasp.reflected_input",
    ] {
        assert!(has(0, id), "careless host lacks {id}: {f:?}");
        assert!(!has(1, id), "clean host must not have {id}: {f:?}");
    }
    // Without --intrusive, nothing attack-like is sent: not assessed, no finding.
    let polite = run_shield(&lab, &[&ip(0), "--modules", "owasp", "--no-save"]);
    assert!(found(&polite).is_empty());
    assert!(
        polite["not_assessed"]
            .to_string()
            .contains("needs --intrusive"),
        "{}",
        polite["not_assessed"]
    );
    assert!(polite["score"].is_null(), "nothing ran, nothing scored");
}

/// snmpd on `ip` with `line` (rwcommunity or rocommunity) and nothing set in its
/// configuration that a write would collide with; its state stays in `dir`.
fn snmpd_with(ns: &str, ip: Ipv4Addr, dir: &std::path::Path, line: &str) -> Proc {
    let conf = write(
        dir,
        "snmpd.conf",
        &format!("agentAddress udp:{ip}:161\n{line}\nsysLocation lab\n"),
    );
    let child = std::process::Command::new("ip")
        .args([
            "netns",
            "exec",
            ns,
            crate::lab_services::snmpd_path().unwrap(),
            "-f",
            "-Lo",
            "-C",
            "-c",
            &conf,
        ])
        .arg("-p")
        .arg(dir.join("snmpd.pid"))
        .env("SNMP_PERSISTENT_DIR", dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("snmpd");
    Proc(child)
}

fn vsftpd(ns: &str, dir: &std::path::Path, anonymous: bool) -> Proc {
    let root = dir.join("ftp");
    std::fs::create_dir_all(&root).unwrap();
    let conf = write(
        dir,
        "vsftpd.conf",
        &format!(
            "listen=YES\nlisten_ipv6=NO\nbackground=NO\nseccomp_sandbox=NO\nanonymous_enable={}\nlocal_enable=YES\n\
         anon_root={}\nsecure_chroot_dir=/var/run/vsftpd/empty\nsyslog_enable=NO\n",
            if anonymous { "YES" } else { "NO" },
            root.display()
        ),
    );
    spawn_in(ns, "vsftpd", &[&conf])
}

#[test]
fn default_credentials_are_proven_both_ways_and_only_with_intrusive() {
    for tool in ["vsftpd", "snmpset", "dropbear", "lighttpd"] {
        if !have(tool) && !std::path::Path::new(&format!("/usr/sbin/{tool}")).exists() {
            assert!(std::env::var("CI").is_err(), "CI must install {tool}");
            crate::support::skipped("shield creds lab", &format!("{tool} is not installed"));
            return;
        }
    }
    let Some(lab) = Lab::up(2) else { return };
    let (weak_dir, strong_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ip = |i: usize| lab.hosts[i].ip;
    let ns = |i: usize| lab.hosts[i].ns.clone();
    let _procs = [
        vsftpd(&ns(0), weak_dir.path(), true),
        vsftpd(&ns(1), strong_dir.path(), false),
        snmpd_with(
            &ns(0),
            ip(0),
            weak_dir.path(),
            "rwcommunity private 10.77.0.0/24",
        ),
        snmpd_with(
            &ns(1),
            ip(1),
            strong_dir.path(),
            "rocommunity private 10.77.0.0/24",
        ),
    ];
    serve_telnet_login(&ns(0), 23, "admin", "admin");
    serve_telnet_login(&ns(1), 23, "admin", "a-long-unguessable-lab-password");
    serve_basic_auth(&ns(0), 8080, "admin");
    serve_basic_auth(&ns(1), 8080, "another-long-lab-password");
    let strong = "a-third-long-lab-password";
    let _servers = [
        dropbear_with_login(&ns(0), weak_dir.path(), "admin", "admin"),
        dropbear_with_login(&ns(1), strong_dir.path(), "admin", strong),
        lighttpd_digest(&ns(0), weak_dir.path(), 8081, "MD5", "admin"),
        lighttpd_digest(&ns(0), weak_dir.path(), 8000, "SHA-256", "1234"),
        lighttpd_digest(&ns(1), strong_dir.path(), 8081, "MD5", strong),
        lighttpd_digest(&ns(1), strong_dir.path(), 8000, "SHA-256", strong),
    ];
    for i in 0..2 {
        for port in [21, 22, 8000, 8081] {
            wait_listening(&lab, ip(i), port);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let targets = [ip(0).to_string(), ip(1).to_string()];
    let report = run_shield(
        &lab,
        &[
            &targets[0],
            &targets[1],
            "--modules",
            "creds",
            "--intrusive",
            "--no-save",
        ],
    );
    let f = found(&report);
    // Basic on 8080, Digest with MD5 on 8081 and with SHA-256 on 8000.
    let web: BTreeSet<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check_id"] == "creds.http_default")
        .map(|f| {
            (
                f["target_ip"].as_str().unwrap().to_string(),
                f["port"].as_u64().unwrap(),
                f["evidence"]["scheme"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, u64, String)> =
        [(8000, "digest"), (8080, "basic"), (8081, "digest")]
            .into_iter()
            .map(|(p, s)| (targets[0].clone(), p, s.to_string()))
            .collect();
    assert_eq!(web, expected, "{report}");
    for id in [
        "creds.ftp_anonymous",
        "creds.telnet_default",
        "creds.http_default",
        "creds.ssh_default",
        "creds.snmp_write",
    ] {
        assert!(
            f.contains(&(targets[0].clone(), id.into())),
            "weak host lacks {id}: {f:?}"
        );
        assert!(
            !f.contains(&(targets[1].clone(), id.into())),
            "strong host must not have {id}: {f:?}"
        );
    }
    assert!(
        !report.to_string().contains("\"admin\":\"admin\""),
        "no password in the report"
    );
    let polite = run_shield(&lab, &[&targets[0], "--modules", "creds", "--no-save"]);
    assert!(
        found(&polite).is_empty(),
        "no login tried without --intrusive"
    );
}
