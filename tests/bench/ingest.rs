//! Ingest into a large site: 8 agents deliver 5-asset reports at once into a site that holds
//! 60 000 assets, against the release `bigr serve`, on SQLite and PostgreSQL. Each report must
//! cost what it names, not what the site holds. `cargo bench --bench ingest`.
//!
//! Before issue 21 (every save loaded the whole site): 12-16 s per report and 3.1 GB RSS on
//! SQLite, 630 MB on PostgreSQL. Targets now: each report < 1 s, server RSS < 400 MB.
#[path = "common.rs"]
mod common;

use bigr::model::{AssetObservation, ScanMethod, ScanReport};
use bigr::store::{self, OpenOptions, SaveOptions};
use chrono::{Duration, Utc};
use common::{PgBench, serve};
use std::time::Instant;

const SITE_ASSETS: u32 = 60_000;
const PASSWORD: &str = "bench-admin-password";

fn host(ip: std::net::Ipv4Addr, ports: &[u16]) -> AssetObservation {
    let mut o = AssetObservation::new(ip.into());
    o.open_ports = ports.to_vec();
    o
}

fn report(net: &str, hosts: Vec<AssetObservation>, at: chrono::DateTime<Utc>) -> ScanReport {
    ScanReport {
        id: uuid::Uuid::now_v7(),
        target: net.into(),
        networks: vec![net.parse().expect("net")],
        method: ScanMethod::Active,
        started_at: at - Duration::seconds(20),
        completed_at: Some(at),
        partial: false,
        ports_probed: "22,443".parse().expect("ports"),
        privileges: Default::default(),
        scanner_version: "bench".into(),
        assets: hosts,
        certificates: Vec::new(),
        switches: Vec::new(),
    }
}

/// 60 000 assets in 10.60.0.0/16 (its first /24s and beyond), plus the admin.
async fn seed(url: &str) {
    let db = store::open(url, &OpenOptions::default())
        .await
        .expect("open");
    let started = Instant::now();
    let at = Utc::now() - Duration::hours(2);
    let hosts: Vec<_> = (0..SITE_ASSETS)
        .map(|i| host(std::net::Ipv4Addr::from(0x0A3C_0000 + 256 + i), &[22]))
        .collect();
    for chunk in hosts.chunks(10_000) {
        // Partial: one chunk must not mark the others absent.
        let mut r = report("10.60.0.0/16", chunk.to_vec(), at);
        r.partial = true;
        store::save_scan(&db, &r, "big", &SaveOptions::default())
            .await
            .expect("seed");
    }
    let hash = bigr::password::hash(PASSWORD).expect("hash");
    store::users::add(&db, "admin", &hash, store::users::Role::Admin)
        .await
        .expect("admin");
    db.close().await.ok();
    println!(
        "seeded {SITE_ASSETS} assets into one site in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Enrolls and registers one agent into `big`; returns its token.
fn register(port: u16, cookie: &str, csrf: &str, name: &str) -> String {
    let base = format!("http://127.0.0.1:{port}");
    let token: serde_json::Value = agent()
        .post(format!("{base}/api/agents/enrollments"))
        .header("Cookie", cookie)
        .header("X-CSRF-Token", csrf)
        .send_json(serde_json::json!({"site": "big", "expires_hours": 1}))
        .expect("enroll")
        .body_mut()
        .read_json()
        .expect("json");
    let made: serde_json::Value = agent()
        .post(format!("{base}/api/agents/register"))
        .send_json(serde_json::json!({"name": name, "site": "big", "enroll_token": token["token"]}))
        .expect("register")
        .body_mut()
        .read_json()
        .expect("json");
    made["token"].as_str().expect("token").to_string()
}

fn run(backend: &str, url: &str) -> bool {
    let server = serve(url, &[]);
    let port = server.1;
    let (cookie, csrf) = common::login(port, PASSWORD);
    let tokens: Vec<String> = (0..8)
        .map(|i| register(port, &cookie, &csrf, &format!("edge-{i}")))
        .collect();
    let tokens_alone = tokens[0].clone();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let threads: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(t, token)| {
            let barrier = barrier.clone();
            let net = format!("10.60.{}.0/24", 1 + t);
            let hosts = (0..5)
                .map(|k| {
                    host(
                        std::net::Ipv4Addr::new(10, 60, 1 + t as u8, 1 + k),
                        &[22, 443],
                    )
                })
                .collect();
            let body = serde_json::to_vec(&report(&net, hosts, Utc::now())).expect("json");
            std::thread::spawn(move || {
                barrier.wait();
                let started = Instant::now();
                let mut tries = 0;
                loop {
                    tries += 1;
                    let r = agent()
                        .post(format!("http://127.0.0.1:{port}/api/ingest/discovery"))
                        .header("Authorization", &format!("Bearer {token}"))
                        .header("Content-Type", "application/json")
                        .send(&body[..])
                        .expect("ingest");
                    let status = r.status().as_u16();
                    if status == 503 && tries < 50 {
                        std::thread::sleep(std::time::Duration::from_millis(100));
                        continue;
                    }
                    return (status, started.elapsed().as_secs_f64(), tries);
                }
            })
        })
        .collect();
    let results: Vec<(u16, f64, u32)> = threads.into_iter().map(|t| t.join().expect("t")).collect();
    // One agent alone, for the cost of a report without queueing behind the others.
    let alone: Vec<f64> = (0..3)
        .map(|k| {
            let hosts = (0..5)
                .map(|i| host(std::net::Ipv4Addr::new(10, 60, 20 + k, 1 + i), &[22]))
                .collect();
            let body = serde_json::to_vec(&report(
                &format!("10.60.{}.0/24", 20 + k),
                hosts,
                Utc::now(),
            ))
            .expect("json");
            let started = Instant::now();
            let r = agent()
                .post(format!("http://127.0.0.1:{port}/api/ingest/discovery"))
                .header("Authorization", &format!("Bearer {}", tokens_alone))
                .header("Content-Type", "application/json")
                .send(&body[..])
                .expect("ingest");
            assert_eq!(r.status().as_u16(), 201);
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let worst = results.iter().map(|r| r.1).fold(0.0, f64::max);
    let all_ok = results.iter().all(|r| r.0 == 201);
    let rss = common::peak_rss_mb(server.0.id());
    let held = all_ok && worst < 1.0 && rss < 400.0;
    println!("\n== {backend}");
    for (i, (status, secs, tries)) in results.iter().enumerate() {
        println!(
            "report {i}: HTTP {status} in {:.0} ms ({tries} tr{})",
            secs * 1000.0,
            if *tries == 1 { "y" } else { "ies" }
        );
    }
    println!("one report alone: {alone:.0?} ms");
    println!(
        "slowest {:.0} ms (target < 1 000 ms), server peak RSS {rss:.0} MB (target < 400 MB): {}",
        worst * 1000.0,
        if held { "held" } else { "MISSED" }
    );
    held
}

#[tokio::main]
async fn main() {
    println!(
        "ingest into a {SITE_ASSETS}-asset site: 8 concurrent 5-asset reports (release build)"
    );
    println!("before issue 21: 12-16 s per report, RSS 3.1 GB (SQLite) / 630 MB (PostgreSQL)");
    let temp = tempfile::tempdir().expect("tmp");
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        temp.path().join("ingest.db").display()
    );
    seed(&sqlite).await;
    let mut held = run("SQLite", &sqlite);
    match PgBench::create().await {
        Ok(pg) => {
            seed(&pg.url).await;
            held &= run("PostgreSQL", &pg.url);
            pg.drop_database().await;
        }
        Err(e) => println!("\nPostgreSQL skipped ({e})"),
    }
    println!("\nall targets {}", if held { "held" } else { "NOT held" });
}
