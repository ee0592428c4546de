//! Control-plane benchmark: by default 100 000 assets in 20 sites of realistic data
//! (`realistic.rs`: several subnets per site, mixed roles and vendors, unique names, services
//! with banners, a repeat scan with moves, new ports, misses and new devices), seeded through
//! the agent ingest API of the release `bigr serve` binary, then loaded with `wrk` on
//! loopback. Runs on SQLite, then on PostgreSQL (`BIGR_BENCH_PG_URL`, default a fresh database
//! on postgres://root@127.0.0.1/test's server). `BIGR_BENCH_ASSETS=1000000` seeds a million
//! (200 sites; for PostgreSQL: `BIGR_BENCH_ONLY=postgres`). `cargo bench --bench serve`;
//! needs `wrk`.
//!
//! Targets (issue 23), at 100 000 assets: p99 < 50 ms for inventory pages (deep ones too),
//! site and all-sites searches for a word one asset, many or none carry, and asset detail;
//! compliance, risk, CVEs and topology p99 < 50 ms warm and < 300 ms for the first answer
//! after start; server RSS < 150 MB. At a million: 100 ms, 100 ms, 1 s and 250 MB. Peer:
//! NetAlertX's device list takes 12+ s at 9 000 devices (NetAlertX #1254).
#[path = "abuse.rs"]
mod abuse;
#[path = "common.rs"]
mod common;
#[path = "realistic.rs"]
mod realistic;

use bigr::store::{self, OpenOptions};
use chrono::{Duration, Utc};
use common::{PgBench, serve};
use std::process::Command;
use std::time::Instant;

/// Assets per site (one agent's report); `BIGR_BENCH_ASSETS` sets the total (default
/// 100 000: 20 sites).
const PER_SITE: u32 = 5_000;
const PASSWORD: &str = "bench-admin-password";
const SECRET: &str = "serve-bench-registration-secret";

fn sites() -> u32 {
    let total: u32 = std::env::var("BIGR_BENCH_ASSETS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    (total / PER_SITE).max(1)
}

fn site_name(site: u32) -> String {
    format!("site-{site:03}")
}

fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(300)))
        .build()
        .into()
}

/// POSTs until the server takes it (429/503 ask to come back later); the final status.
fn post(
    agent: &ureq::Agent,
    url: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, serde_json::Value) {
    for _ in 0..100 {
        let mut req = agent.post(url).header("Content-Type", "application/json");
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let mut res = req.send(body).expect("post");
        let status = res.status().as_u16();
        if status == 429 || status == 503 {
            let wait: u64 = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            std::thread::sleep(std::time::Duration::from_secs(wait.min(10)));
            continue;
        }
        let v = res.body_mut().read_json().unwrap_or_default();
        return (status, v);
    }
    panic!("{url}: still refused after 100 tries");
}

/// Seeds the inventory as a fleet does: one agent per site registers, then delivers its
/// site's first scan and, a day later, a repeat scan, through the ingest API of a release
/// `bigr serve`. Prints the ingest throughput.
fn seed(url: &str) {
    let server = serve(
        url,
        &[
            ("AGENT_REGISTRATION_SECRET", SECRET),
            ("BIGR_ADMIN_PASSWORD", PASSWORD),
        ],
    );
    let base = format!("http://127.0.0.1:{}", server.1);
    let agent = http();
    let tokens: Vec<String> = (0..sites())
        .map(|site| {
            let body = serde_json::json!({
                "name": format!("agent-{site:03}"), "site": site_name(site), "secret": SECRET,
            });
            let (status, v) = post(
                &agent,
                &format!("{base}/api/agents/register"),
                None,
                &serde_json::to_vec(&body).unwrap(),
            );
            assert_eq!(status, 201, "{v}");
            v["token"].as_str().expect("a token").to_string()
        })
        .collect();
    let t0 = Utc::now() - Duration::days(2);
    let mut assets = 0usize;
    let mut busy = 0.0;
    for generation in 0..2 {
        for (site, token) in tokens.iter().enumerate() {
            let at = t0 + Duration::hours(i64::from(generation) * 24);
            let report = realistic::report(site as u32, PER_SITE, generation, at);
            assets += report.assets.len();
            let body = serde_json::to_vec(&report).unwrap();
            let began = Instant::now();
            let (status, v) = post(
                &agent,
                &format!("{base}/api/ingest/discovery"),
                Some(token),
                &body,
            );
            busy += began.elapsed().as_secs_f64();
            assert_eq!(status, 201, "{v}");
        }
    }
    println!(
        "seeded {} sites x {PER_SITE} assets through the ingest API, a first and a repeat scan \
         each: {assets} assets in {busy:.1} s of ingest ({:.0} assets/s, one report at a time; \
         target on PostgreSQL >= 20 000/s)",
        sites(),
        assets as f64 / busy
    );
}

/// Whether a reused database already holds the bench's data.
async fn seeded(url: &str) -> bool {
    let Ok(db) = store::open(url, &OpenOptions::default()).await else {
        return false;
    };
    let n = store::users::list(&db).await.map(|u| u.len()).unwrap_or(0);
    db.close().await.ok();
    n > 0
}

fn get_json(port: u16, cookie: &str, path: &str) -> serde_json::Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .get(format!("http://127.0.0.1:{port}{path}"))
        .header("Cookie", cookie)
        .call()
        .expect("get")
        .body_mut()
        .read_json()
        .expect("json")
}

struct Load {
    p50_ms: f64,
    p99_ms: f64,
    rps: f64,
}

fn ms(text: &str) -> f64 {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => f64::NAN,
    }
}

fn wrk(port: u16, cookie: &str, path: &str, connections: u32, seconds: u32) -> Load {
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "--latency",
            // Slow answers are measured, not dropped (wrk's default gives up after 2 s).
            "--timeout",
            "10s",
            "-H",
            &format!("Cookie: {cookie}"),
            &format!("http://127.0.0.1:{port}{path}"),
        ])
        .output()
        .expect("wrk (apt-get install wrk)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("Non-2xx"), "{path} answered errors:\n{text}");
    let pick = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(ms)
            .unwrap_or(f64::NAN)
    };
    let rps = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    Load {
        p50_ms: pick("50%"),
        p99_ms: pick("99%"),
        rps,
    }
}

/// (label, path, connections, seconds, p99 target in ms, first-answer target in ms)
type Case = (&'static str, String, u32, u32, f64, Option<f64>);

fn run(backend: &str, url: &str) -> bool {
    println!("\n== {backend}");
    let server = serve(url, &[]);
    let (cookie, _) = common::login(server.1, PASSWORD);
    // Search words drawn from the data, not from the queries: one asset, many, none.
    let site = 7 % sites();
    let [(one, _), (many, _), (none, _)] = realistic::search_words(site);
    let s = site_name(site);
    let id = get_json(
        server.1,
        &cookie,
        &format!("/api/data?site={s}&per_page=1&q={one}"),
    )["items"][0]["id"]
        .as_str()
        .expect("the one asset")
        .to_string();
    let deep = get_json(server.1, &cookie, "/api/data?per_page=100&page=500")["items"][99]["id"]
        .as_str()
        .map(|id| format!("ip.asc.{id}"));
    // The targets: at 100 000 assets, p99 < 50 ms for lists, searches and detail,
    // and for the analysis views warm, whose first answer after start takes < 300 ms; at a
    // million, 100 ms, 100 ms and 1 s.
    let million = sites() * PER_SITE >= 1_000_000;
    let (list_p99, analysis_p99, analysis_first) = if million {
        (100.0, 100.0, 1_000.0)
    } else {
        (50.0, 50.0, 300.0)
    };
    // (label, path, connections, seconds, p99 target, first-answer target)
    let list = |label, path: String| (label, path, 8, 10, list_p99, None);
    let analysis = |label, path: &str| {
        (
            label,
            path.to_string(),
            2,
            10,
            analysis_p99,
            Some(analysis_first),
        )
    };
    let mut cases: Vec<Case> = vec![
        analysis("compliance", "/api/compliance"),
        analysis("risk", "/api/risk?per_page=50"),
        analysis("CVEs", "/api/vulnerabilities"),
        analysis("topology", "/api/topology"),
        list("paged inventory", "/api/data?per_page=100".into()),
        list("page 500", "/api/data?per_page=100&page=500".into()),
        list("site, one asset", format!("/api/data?site={s}&q={one}")),
        list("site, many", format!("/api/data?site={s}&q={many}")),
        list("all sites, one", format!("/api/data?q={one}")),
        list("all sites, many", format!("/api/data?q={many}")),
        list("all sites, none", format!("/api/data?q={none}")),
        list("asset detail", format!("/api/assets/{id}")),
    ];
    if let Some(cursor) = deep {
        cases.insert(
            6,
            list(
                "page 501 by cursor",
                format!("/api/data?per_page=100&cursor={cursor}"),
            ),
        );
    }
    let mut held = true;
    println!(
        "{:<20} {:>9} {:>9} {:>9}  target p99",
        "endpoint", "p50 ms", "p99 ms", "req/s"
    );
    // The analysis views come first: their first answer is the first after start.
    for (label, path, conns, secs, target, first_target) in &cases {
        // One request first, as on a server in use: the cold load of a cache is not the
        // steady state (it is reported apart).
        let cold = Instant::now();
        get_json(server.1, &cookie, path);
        let cold_ms = cold.elapsed().as_secs_f64() * 1000.0;
        let l = wrk(server.1, &cookie, path, *conns, *secs);
        let ok = l.p99_ms < *target;
        held &= ok;
        let mut verdict = format!("< {target} ms: {}", if ok { "held" } else { "MISSED" });
        if let Some(t) = first_target {
            let ok = cold_ms < *t;
            held &= ok;
            verdict += &format!(
                "; first {cold_ms:.0} ms, < {t} ms: {}",
                if ok { "held" } else { "MISSED" }
            );
        } else {
            verdict += &format!("  (first request {cold_ms:.0} ms)");
        }
        println!(
            "{label:<20} {:>9.1} {:>9.1} {:>9.0}  {verdict}",
            l.p50_ms, l.p99_ms, l.rps
        );
    }
    let rss = common::peak_rss_mb(server.0.id());
    let rss_target = if million { 250.0 } else { 150.0 };
    let ok = rss < rss_target;
    held &= ok;
    println!(
        "server peak RSS {rss:.0} MB (target < {rss_target} MB: {})",
        if ok { "held" } else { "MISSED" }
    );
    held &= abuse_phase(server.0.id(), server.1, &cookie);
    println!("peer: NetAlertX lists 9 000 devices in 12+ s (NetAlertX #1254)");
    held
}

/// Normal traffic beside a login burst, made-up methods and 1 000 slow bodies: the normal
/// p99 stays within its bound and the server does not grow past 300 MB. The attackers run on
/// the same two cores as the server (thousands of logins a second), so the bound is 250 ms,
/// not the quiet server's 50.
fn abuse_phase(pid: u32, port: u16, cookie: &str) -> bool {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(abuse::Attack::default());
    let attackers = abuse::start(port, stop.clone(), seen.clone());
    std::thread::sleep(std::time::Duration::from_secs(2));
    let l = wrk(port, cookie, "/api/data?per_page=100", 8, 15);
    stop.store(true, Ordering::Relaxed);
    attackers.into_iter().for_each(|t| {
        let _ = t.join();
    });
    let rss = common::peak_rss_mb(pid);
    let ok = l.p99_ms < 250.0 && rss < 300.0;
    println!(
        "under abuse: paged inventory p50 {:.1} ms, p99 {:.1} ms, {:.0} req/s; peak RSS {rss:.0} MB \
         (targets p99 < 250 ms, RSS < 300 MB: {})",
        l.p50_ms,
        l.p99_ms,
        l.rps,
        if ok { "held" } else { "MISSED" }
    );
    println!(
        "  attackers: {} logins ({} verified, the rest 429/503), {} made-up methods, {} slow bodies held",
        seen.logins.load(Ordering::Relaxed),
        seen.logins_verified.load(Ordering::Relaxed),
        seen.garbage.load(Ordering::Relaxed),
        seen.slow_open.load(Ordering::Relaxed)
    );
    ok
}

#[tokio::main]
async fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("wrk is not installed: apt-get install wrk");
        std::process::exit(2);
    }
    println!(
        "bigr serve benchmark: {} realistic assets in {} sites (release build, wrk on loopback)",
        sites() * PER_SITE,
        sites()
    );
    // BIGR_BENCH_REUSE=DIR keeps the seeded databases (DIR/bench.db and the PostgreSQL
    // database bigr_bench_reuse) between runs while tuning; BIGR_BENCH_ONLY=sqlite|postgres
    // runs one backend.
    let reuse = std::env::var_os("BIGR_BENCH_REUSE").map(std::path::PathBuf::from);
    let only = std::env::var("BIGR_BENCH_ONLY").unwrap_or_default();
    let temp = tempfile::tempdir().unwrap();
    let dir = reuse.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let mut held = true;
    if only.is_empty() || only == "sqlite" {
        let file = dir.join("bench.db");
        let fresh = !file.exists();
        let sqlite = format!("sqlite://{}?mode=rwc", file.display());
        if fresh {
            seed(&sqlite);
        }
        held &= run("SQLite", &sqlite);
    }
    if only.is_empty() || only == "postgres" {
        let pg = match &reuse {
            Some(_) => PgBench::named("bigr_bench_reuse").await,
            None => PgBench::create().await,
        };
        match pg {
            Ok(pg) => {
                if !seeded(&pg.url).await {
                    seed(&pg.url);
                }
                held &= run("PostgreSQL", &pg.url);
                if reuse.is_none() {
                    pg.drop_database().await;
                }
            }
            Err(e) => println!("\nPostgreSQL skipped ({e})"),
        }
    }
    println!("\nall targets {}", if held { "held" } else { "NOT held" });
}
