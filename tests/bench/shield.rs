//! `cargo bench --bench shield`: Shield's `tls` module against testssl.sh and sslscan on the
//! same endpoints of the namespace lab (OpenSSL, GnuTLS and rustls servers, weak and strong),
//! then the standard preset on 50 hosts that look like an office (web servers and devices of
//! three TLS stacks, Telnet and database ports, firewalls that drop, packet loss).
//!
//! It prints, per endpoint, what each tool flags (deprecated versions, weak suite classes) and
//! the time per host, and checks the targets: bigr flags everything the peers flag, in
//! at most 1/10 of testssl.sh's time; the standard preset on 50 hosts takes at most 30 s with a
//! peak RSS under 100 MB. Needs root, openssl, gnutls-serv, testssl.sh and sslscan.
#[allow(dead_code)]
#[path = "../it/support/lab.rs"]
pub mod lab;
fn skipped(part: &str, why: &str) {
    eprintln!("NOTE: {part} SKIPPED: {why}");
}
mod support {
    pub use super::lab;
}
#[allow(dead_code)]
#[path = "../it/lab_services.rs"]
mod lab_services;
#[allow(dead_code)]
#[path = "measure.rs"]
mod measure;
#[allow(dead_code)]
#[path = "../it/shield_servers.rs"]
mod shield_servers;

use lab::Lab;
use measure::timed;
use shield_servers::*;
use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs of each timing; the median is reported.
const REPEATS: usize = 3;

#[derive(Default, Debug, Clone, PartialEq)]
struct Flags {
    versions: BTreeSet<String>,
    classes: BTreeSet<String>,
}

/// The weakness class of a suite named the IANA way (TLS_…) or the OpenSSL way.
fn class_of(name: &str) -> Option<&'static str> {
    if let Some(s) = tls_parser::TlsCipherSuite::from_name(name) {
        return bigr::shield::tls::suites::weakness(s).map(|w| w.check_id());
    }
    let n = name.to_ascii_uppercase();
    Some(if n.contains("EXP") {
        "tls.cipher.export"
    } else if n.starts_with("ADH") || n.starts_with("AECDH") || n.contains("ANON") {
        "tls.cipher.anonymous"
    } else if n.contains("NULL") {
        "tls.cipher.null"
    } else if n.contains("DES-CBC3") || n.contains("3DES") {
        "tls.cipher.3des"
    } else if n.contains("RC4") {
        "tls.cipher.rc4"
    } else if n.contains("DES") {
        "tls.cipher.des"
    } else {
        return None;
    })
}

fn in_scanner(lab: &Lab, program: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &lab.scanner_ns, program])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bigr_tls(lab: &Lab, endpoint: &str) -> (Duration, Flags) {
    let mut times = Vec::new();
    let mut flags = Flags::default();
    for _ in 0..REPEATS {
        let cmd = in_scanner(
            lab,
            env!("CARGO_BIN_EXE_bigr"),
            &[
                "shield",
                endpoint,
                "--preset",
                "quick",
                "--no-save",
                "--json",
            ],
        );
        let (wall, out, _) = timed(cmd);
        times.push(wall);
        let report: serde_json::Value = serde_json::from_slice(&out).expect("bigr shield --json");
        flags = Flags::default();
        for f in report["findings"].as_array().unwrap() {
            let id = f["check_id"].as_str().unwrap_or("");
            match id {
                "tls.protocol.sslv3" => flags.versions.insert("SSLv3".into()),
                "tls.protocol.tls10" => flags.versions.insert("TLS 1.0".into()),
                "tls.protocol.tls11" => flags.versions.insert("TLS 1.1".into()),
                id if id.starts_with("tls.cipher.") && id != "tls.cipher.cbc_only_tls10" => {
                    flags.classes.insert(id.into())
                }
                _ => false,
            };
        }
    }
    (median(times), flags)
}

fn testssl(lab: &Lab, endpoint: &str, dir: &std::path::Path) -> (Duration, Flags) {
    let json = dir.join(format!(
        "testssl-{}.json",
        endpoint.replace([':', '.'], "_")
    ));
    let _ = std::fs::remove_file(&json);
    let j = json.display().to_string();
    // Protocols, then every cipher per protocol: the job the `tls` module does (plus the
    // certificate, which `-S` would add at more cost to testssl).
    let cmd = in_scanner(
        lab,
        "testssl",
        &[
            "--quiet",
            "--color",
            "0",
            "--warnings",
            "off",
            "--jsonfile",
            &j,
            "-p",
            "-E",
            endpoint,
        ],
    );
    let (wall, _, _) = timed(cmd);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap_or_default()).unwrap_or_default();
    let mut flags = Flags::default();
    for e in doc.as_array().into_iter().flatten() {
        let (id, finding) = (
            e["id"].as_str().unwrap_or(""),
            e["finding"].as_str().unwrap_or(""),
        );
        let offered = finding.starts_with("offered");
        match id {
            "SSLv3" if offered => flags.versions.insert("SSLv3".into()),
            "TLS1" if offered => flags.versions.insert("TLS 1.0".into()),
            "TLS1_1" if offered => flags.versions.insert("TLS 1.1".into()),
            id if id.starts_with("cipher-") => {
                // "TLS 1.2  xc030  ECDHE-RSA-AES256-GCM-SHA384  ECDH 253  AESGCM 256  TLS_ECDHE_…"
                let iana = finding.split_whitespace().last().unwrap_or("");
                match class_of(iana) {
                    Some(c) => flags.classes.insert(c.into()),
                    None => false,
                }
            }
            _ => false,
        };
    }
    (wall, flags)
}

fn sslscan(lab: &Lab, endpoint: &str) -> (Duration, Flags) {
    let mut times = Vec::new();
    let mut flags = Flags::default();
    for _ in 0..REPEATS {
        let cmd = in_scanner(lab, "sslscan", &["--no-colour", "--xml=-", endpoint]);
        let (wall, out, _) = timed(cmd);
        times.push(wall);
        flags = Flags::default();
        let text = String::from_utf8_lossy(&out);
        for line in text.lines().map(str::trim) {
            let attr = |name: &str| {
                line.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or("")
                    .to_string()
            };
            if line.starts_with("<protocol ") && attr("enabled") == "1" {
                match (attr("type").as_str(), attr("version").as_str()) {
                    ("ssl", "3") => flags.versions.insert("SSLv3".into()),
                    ("tls", "1.0") => flags.versions.insert("TLS 1.0".into()),
                    ("tls", "1.1") => flags.versions.insert("TLS 1.1".into()),
                    _ => false,
                };
            }
            if line.starts_with("<cipher ")
                && attr("status") != "rejected"
                && let Some(c) = class_of(&attr("cipher"))
            {
                flags.classes.insert(c.into());
            }
        }
    }
    (median(times), flags)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn have_all() -> bool {
    if nix::unistd::geteuid().as_raw() != 0 {
        eprintln!("the shield bench builds network namespaces: run it as root");
        return false;
    }
    for tool in ["openssl", "gnutls-serv", "testssl", "sslscan"] {
        if !have(tool) {
            eprintln!(
                "the shield bench needs {tool} (apt-get install testssl.sh sslscan gnutls-bin)"
            );
            return false;
        }
    }
    true
}

/// The TLS endpoints compared with the peers; returns whether every target held.
fn compare_tls() -> bool {
    let Some(lab) = Lab::up(6) else { return false };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ns = |i: usize| lab.hosts[i].ns.clone();
    let (weak_key, weak_cert) = weak_certificate(d);
    let ca = Ca::new();
    let (leaf, leaf_key) = ca.leaf("labhost5.lab", -1, 365);
    let leaf_pem = write(d, "leaf.pem", &leaf.pem());
    let key_pem = write(d, "leaf.key", &leaf_key.serialize_pem());
    let chain_pem = write(d, "chain.pem", &ca.0.pem());
    let openssl = |i: usize, extra: &[&str]| {
        let mut args = vec![
            "s_server", "-accept", "443", "-cert", &weak_cert, "-key", &weak_key, "-www", "-quiet",
        ];
        args.extend_from_slice(extra);
        spawn_in(&ns(i), "openssl", &args)
    };
    let gnutls = |i: usize, priority: &str| {
        spawn_in(
            &ns(i),
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
                priority,
            ],
        )
    };
    let _servers = [
        // An old appliance: TLS 1.0 only, every suite OpenSSL still has.
        openssl(0, &["-tls1", "-cipher", "ALL:@SECLEVEL=0"]),
        // A misconfigured server: every version from 1.0 to 1.3, anonymous suites allowed.
        openssl(1, &["-cipher", "ALL:@SECLEVEL=0"]),
        // Another vendor: GnuTLS with 3DES and RC4 on TLS 1.2.
        gnutls(2, "NORMAL:+3DES-CBC:+ARCFOUR-128:-VERS-ALL:+VERS-TLS1.2"),
        // GnuTLS from 1.0 to 1.3 with 3DES.
        gnutls(3, "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1:+3DES-CBC"),
        // A good OpenSSL: TLS 1.2 and 1.3, AEAD suites only.
        spawn_in(
            &ns(4),
            "openssl",
            &[
                "s_server",
                "-accept",
                "443",
                "-cert",
                &leaf_pem,
                "-key",
                &key_pem,
                "-cert_chain",
                &chain_pem,
                "-www",
                "-quiet",
                "-no_tls1",
                "-no_tls1_1",
                "-cipher",
                "ECDHE+AESGCM:ECDHE+CHACHA20",
            ],
        ),
    ];
    serve_tls13(
        &ns(5),
        443,
        vec![leaf.der().clone(), ca.der()],
        &leaf_key,
        answer(&GOOD_HEADERS),
    );
    for i in 0..6 {
        wait_listening(&lab, lab.hosts[i].ip, 443);
    }
    let names = [
        "OpenSSL TLS 1.0, all suites",
        "OpenSSL 1.0–1.3, anonymous",
        "GnuTLS 1.2, 3DES+RC4",
        "GnuTLS 1.0–1.3, 3DES",
        "OpenSSL 1.2/1.3 AEAD",
        "rustls 1.3 only",
    ];
    println!(
        "\n## tls module vs testssl.sh (-p -E) and sslscan, per endpoint (median of {REPEATS} for bigr and sslscan, 1 run of testssl.sh)\n"
    );
    println!(
        "| endpoint | bigr flags | testssl.sh flags | sslscan flags | bigr | testssl.sh | sslscan | testssl.sh / bigr |"
    );
    println!("|---|---|---|---|---:|---:|---:|---:|");
    let mut ok = true;
    let (mut total_bigr, mut total_testssl) = (Duration::ZERO, Duration::ZERO);
    for (i, name) in names.iter().enumerate() {
        let endpoint = format!("{}:443", lab.hosts[i].ip);
        let (tb, fb) = bigr_tls(&lab, &endpoint);
        let (tt, ft) = testssl(&lab, &endpoint, d);
        let (ts, fs) = sslscan(&lab, &endpoint);
        total_bigr += tb;
        total_testssl += tt;
        let show = |f: &Flags| {
            let mut v: Vec<String> = f.versions.iter().cloned().collect();
            v.extend(
                f.classes
                    .iter()
                    .map(|c| c.trim_start_matches("tls.cipher.").to_string()),
            );
            if v.is_empty() {
                "—".into()
            } else {
                v.join(", ")
            }
        };
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {:.0}× |",
            show(&fb),
            show(&ft),
            show(&fs),
            ms(tb),
            ms(tt),
            ms(ts),
            tt.as_secs_f64() / tb.as_secs_f64().max(1e-6)
        );
        for (peer, f) in [("testssl.sh", &ft), ("sslscan", &fs)] {
            let missed_v: Vec<_> = f.versions.difference(&fb.versions).collect();
            let missed_c: Vec<_> = f.classes.difference(&fb.classes).collect();
            if !missed_v.is_empty() || !missed_c.is_empty() {
                println!(
                    "  MISS on {name}: {peer} flags {missed_v:?} {missed_c:?} that bigr does not"
                );
                ok = false;
            }
        }
    }
    let ratio = total_testssl.as_secs_f64() / total_bigr.as_secs_f64().max(1e-6);
    println!(
        "\nper host: bigr {} , testssl.sh {} ({ratio:.0}× faster; target ≥ 10×)",
        ms(total_bigr / 6),
        ms(total_testssl / 6)
    );
    if ratio < 10.0 {
        println!("  MISS: bigr is only {ratio:.1}× faster than testssl.sh");
        ok = false;
    }
    ok
}

/// The standard preset on 50 office hosts; returns whether the targets held.
fn standard_on_fifty() -> bool {
    let Some(lab) = Lab::up(50) else { return false };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (weak_key, weak_cert) = weak_certificate(d);
    let ca = Ca::new();
    let mut procs = Vec::new();
    for (i, h) in lab.hosts.iter().enumerate() {
        let ns = h.ns.clone();
        match i % 10 {
            // Web servers on rustls with a CA chain, headers set.
            0..=2 => {
                let (leaf, key) = ca.leaf(&format!("labhost{i}.lab"), -1, 365);
                serve_tls13(
                    &ns,
                    443,
                    vec![leaf.der().clone(), ca.der()],
                    &key,
                    answer(&GOOD_HEADERS),
                );
                serve_plain(
                    &ns,
                    80,
                    answer(&["Location: https://example/"])
                        .replace("200 OK", "301 Moved Permanently"),
                );
            }
            // Old appliances: OpenSSL TLS 1.0 and a bare web page, Telnet.
            3 | 4 => {
                procs.push(legacy_openssl(&ns, &weak_key, &weak_cert));
                serve_plain(&ns, 80, answer(&BAD_HEADERS));
                lab_services::serve_tcp(&ns, 23, b"login: ");
            }
            // Printers and NAS boxes on GnuTLS with 3DES.
            5 | 6 => {
                let (leaf, key) = ca.leaf(&format!("labhost{i}.lab"), -400, -1);
                let lp = write(d, &format!("l{i}.pem"), &leaf.pem());
                let kp = write(d, &format!("k{i}.pem"), &key.serialize_pem());
                procs.push(spawn_in(
                    &ns,
                    "gnutls-serv",
                    &[
                        "--port",
                        "443",
                        "--x509certfile",
                        &lp,
                        "--x509keyfile",
                        &kp,
                        "--priority",
                        "NORMAL:+3DES-CBC:+VERS-TLS1.1",
                    ],
                ));
                serve_plain(&ns, 8080, answer(&["Server: printer/2.1"]));
            }
            // Database and file servers behind a firewall that drops what is closed.
            7 | 8 => {
                lab_services::serve_tcp(&ns, 5432, b"");
                lab_services::serve_tcp(&ns, 445, b"");
                lab_services::serve_tcp(&ns, 3389, b"");
                if lab_services::have_nft() {
                    lab_services::drop_closed_ports(&ns, &[5432, 445, 3389]);
                }
            }
            // Phones and PCs: nothing Shield checks is open.
            _ => {}
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let targets: Vec<String> = lab.hosts.iter().map(|h| h.ip.to_string()).collect();
    let mut args = vec!["shield", "--preset", "standard", "--no-save", "--json"];
    args.extend(targets.iter().map(String::as_str));
    let run = || {
        let mut runs = Vec::new();
        for _ in 0..REPEATS {
            let cmd = in_scanner(&lab, env!("CARGO_BIN_EXE_bigr"), &args);
            let (wall, out, peak) = timed(cmd);
            let report: serde_json::Value =
                serde_json::from_slice(&out).expect("bigr shield --json");
            runs.push((
                wall,
                peak.unwrap_or(0),
                report["hosts"].as_array().map_or(0, Vec::len),
                report["findings"].as_array().map_or(0, Vec::len),
            ));
        }
        runs.sort_by_key(|r| r.0);
        runs[runs.len() / 2]
    };
    let clean = run();
    // The same office with 3% of the scanner's frames lost at its switch port.
    let lossy = if lab_services::have_nft() {
        lab_services::lose_scanner_packets(&lab, 3);
        Some(run())
    } else {
        None
    };
    println!("\n## standard preset, 50 office hosts (median of {REPEATS})\n");
    println!("| network | hosts given | hosts assessed | findings | wall | peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut ok = true;
    for (label, (wall, peak, hosts, findings)) in
        std::iter::once(("clean", clean)).chain(lossy.map(|r| ("3% loss", r)))
    {
        println!(
            "| {label} | 50 | {hosts} | {findings} | {:.1} s | {:.0} MB |",
            wall.as_secs_f64(),
            peak as f64 / 1024.0
        );
        if wall > Duration::from_secs(30) {
            println!("  MISS ({label}): {:.1} s > 30 s", wall.as_secs_f64());
            ok = false;
        }
        if peak > 100 * 1024 {
            println!("  MISS ({label}): peak RSS {} MB ≥ 100 MB", peak / 1024);
            ok = false;
        }
    }
    if let Some((_, _, hosts, findings)) = lossy {
        println!(
            "  under loss: {hosts}/{} hosts and {findings}/{} findings of the clean run",
            clean.2, clean.3
        );
    }
    drop(procs);
    ok
}

fn main() {
    if !have_all() {
        return;
    }
    let tls = compare_tls();
    let standard = standard_on_fifty();
    println!(
        "\ntargets: tls vs peers {}, standard preset on 50 hosts {}",
        if tls { "held" } else { "MISSED" },
        if standard { "held" } else { "MISSED" }
    );
}
