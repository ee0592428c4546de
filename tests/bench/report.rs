//! The auditor's compliance report at size (issue 19): an inventory of 10 000 assets (two
//! sites, every group, evidence, hand tags, two scans so that the period has changes) on
//! SQLite and on PostgreSQL, and 100 000 on SQLite, each reported by the release
//! `bigr report --all-sites` as a user runs it, as HTML and as PDF. Prints wall time, the child's peak RSS and
//! the file's size. Targets: 10 000 assets under 5 s and under 200 MB; the 100 000-asset
//! report's memory stays near the 10 000-asset one (the inventory is streamed).
//! Peer: the earlier Python system's HTML report (reference §16) loaded one scan's JSON into
//! memory and had no period, trend or changes; it published no timing.
//! `cargo bench --bench report`.
#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use bigr::model::{
    AssetObservation, Category, DeviceType, Evidence, MacAddr, ScanMethod, ScanReport,
};
use bigr::store::{OpenOptions, SaveOptions, save_scan};
use chrono::{Duration, Utc};
use std::process::Command;
use std::time::Instant;

const PER_REPORT: u32 = 1000;

fn observation(n: u32, moved: bool) -> AssetObservation {
    let b = n.to_be_bytes();
    // 200 hosts per /24 (.2 to .201); a moved one goes 50 up, to an address nobody has.
    let net = n / 200;
    let host = (n % 200 + 2 + if moved { 50 } else { 0 }) as u8;
    let ip = std::net::Ipv4Addr::new(10, 100 + (net / 256) as u8, (net % 256) as u8, host);
    let mut o = AssetObservation::new(ip.into());
    o.mac = Some(MacAddr([0x00, 0x1c, 0x42, b[1], b[2], b[3]]));
    o.hostname = Some(format!("cihaz-{n}.şube.lan"));
    let cat = Category::ALL[n as usize % 5];
    o.category = cat;
    o.confidence = [0.9, 0.75, 0.5, 0.2][n as usize % 4];
    o.vendor = Some(["Cisco", "Hikvision", "Apple", "Dell", "Ubiquiti"][n as usize % 5].into());
    o.device_type = DeviceType::Server;
    o.open_ports = vec![22, 443];
    o.evidence = vec![Evidence {
        rule: "vendor:oui".into(),
        value: o.vendor.clone().unwrap(),
        category: Some(cat),
        device_type: None,
        weight: 0.5,
    }];
    o
}

fn scan(first: u32, count: u32, at: chrono::DateTime<Utc>, moved: bool) -> ScanReport {
    let assets: Vec<AssetObservation> = (first..first + count)
        .map(|n| observation(n, moved && n % 50 == 0))
        .collect();
    ScanReport {
        id: uuid::Uuid::now_v7(),
        target: "10.100.0.0/14".into(),
        networks: vec!["10.100.0.0/14".parse().unwrap()],
        method: ScanMethod::Hybrid,
        started_at: at,
        completed_at: Some(at + Duration::seconds(30)),
        partial: false,
        ports_probed: "22,443".parse().unwrap(),
        privileges: Default::default(),
        scanner_version: "report-bench".into(),
        assets,
        certificates: Vec::new(),
        switches: Vec::new(),
    }
}

/// Seeds `assets` assets over two sites, scanned 10 days ago and again an hour ago.
async fn seed(url: &str, assets: u32) {
    let db = bigr::store::open(url, &OpenOptions::default())
        .await
        .unwrap();
    let now = Utc::now();
    for (when, moved) in [
        (now - Duration::days(10), false),
        (now - Duration::hours(1), true),
    ] {
        let mut first = 0;
        while first < assets {
            let site = if first < assets / 2 {
                "istanbul"
            } else {
                "ankara"
            };
            let r = scan(first, PER_REPORT.min(assets - first), when, moved);
            save_scan(&db, &r, site, &SaveOptions::default())
                .await
                .unwrap();
            first += PER_REPORT;
        }
    }
}

/// Runs the release `bigr report --all-sites --format FORMAT`; (seconds, peak RSS MB, bytes).
fn report(home: &std::path::Path, url: &str, format: &str) -> (f64, f64, u64) {
    let out = home.join(format!("rapor.{format}"));
    let began = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bigr"))
        .arg("--home")
        .arg(home)
        .args([
            "--database-url",
            url,
            "report",
            "--all-sites",
            "--format",
            format,
        ])
        .arg("-o")
        .arg(&out)
        .spawn()
        .expect("bigr report");
    let pid = child.id();
    let mut peak = 0.0f64;
    loop {
        peak = peak.max(common::peak_rss_mb(pid));
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "bigr report failed");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let secs = began.elapsed().as_secs_f64();
    (secs, peak, std::fs::metadata(&out).map_or(0, |m| m.len()))
}

fn row(label: &str, (secs, rss, bytes): (f64, f64, u64), target: bool) {
    let verdict = if !target {
        String::new()
    } else if secs < 5.0 && rss < 200.0 {
        "  (targets < 5 s, < 200 MB: held)".into()
    } else {
        "  (targets < 5 s, < 200 MB: MISSED)".into()
    };
    println!(
        "{label:<34} {secs:>6.2} s  peak RSS {rss:>6.1} MB  file {:>6.1} MB{verdict}",
        bytes as f64 / 1e6
    );
}

#[tokio::main]
async fn main() {
    println!(
        "compliance report, release `bigr report --all-sites --format html|pdf`, 2 sites, 2 scans each"
    );
    println!(
        "(a PDF lists at most 500 assets and 50 rows per list, counting the rest; the HTML lists all, streamed)"
    );
    let home = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", home.path().join("bigr.db").display());
    seed(&sqlite, 10_000).await;
    for format in ["html", "pdf"] {
        row(
            &format!("10 000 assets, SQLite, {format}"),
            report(home.path(), &sqlite, format),
            true,
        );
    }
    match common::PgBench::create().await {
        Ok(pg) => {
            seed(&pg.url, 10_000).await;
            for format in ["html", "pdf"] {
                row(
                    &format!("10 000 assets, PostgreSQL, {format}"),
                    report(home.path(), &pg.url, format),
                    true,
                );
            }
            pg.drop_database().await;
        }
        Err(e) => println!("10 000 assets, PostgreSQL    skipped: {e}"),
    }
    let big = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", big.path().join("bigr.db").display());
    seed(&url, 100_000).await;
    for format in ["html", "pdf"] {
        row(
            &format!("100 000 assets, SQLite, {format}"),
            report(big.path(), &url, format),
            false,
        );
    }
}
