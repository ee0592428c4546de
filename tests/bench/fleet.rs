//! Fleet simulator: 1 000 agents against one release `bigr serve` on PostgreSQL. Each agent
//! heartbeats every 60 s and delivers a 200-asset report every 5 minutes, time-compressed
//! (`BIGR_FLEET_SPEEDUP`, default 3: every 20 s and every 100 s), for `BIGR_FLEET_SECONDS`
//! (default 60). Prints sustained ingests/s, heartbeat and ingest latency, and the backlog
//! (how late requests started against their schedule); then a saturation phase measures the
//! most reports per second the server takes. Between them, every agent holds a long-polling
//! heartbeat (as real agents do, waiting for commands) while the schedule runs and an admin
//! issues commands to random agents: command pickup, plain heartbeat latency and RSS beside a
//! thousand held connections. Last, the alert phases (`fleet_alerts.rs`): ingest latency with
//! every alert rule off, then on with a dead and a slow webhook. `cargo bench --bench fleet`.
//!
//! Target (2 cores): heartbeat p99 < 100 ms and no ingest backlog; with every agent
//! long-polling, command pickup p99 < 2 s and RSS < 200 MB (issue 17). Peer: the earlier Python
//! control plane computed agent state on every read and had no ingest limit.
#[path = "abuse.rs"]
mod abuse;
#[path = "common.rs"]
mod common;
#[path = "fleet_alerts.rs"]
mod fleet_alerts;

use bigr::model::{AssetObservation, Category, DeviceType, MacAddr, ScanMethod, ScanReport};
use chrono::{Duration as Span, Utc};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "fleet-bench-secret";
const ADMIN_PASSWORD: &str = "fleet-bench-admin-password";
/// Commands an admin issues per second, to random agents, while every agent long-polls.
const COMMANDS_PER_SECOND: u64 = 5;
/// How long the long-poll phase lasts.
const LONG_POLL_SECONDS: u64 = 40;
const ASSETS: u32 = 200;
/// Client threads for heartbeats and for ingests, apart: a real agent's heartbeat never waits
/// behind another agent's upload.
const HEARTBEAT_WORKERS: usize = 16;
const INGEST_WORKERS: usize = 48;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Agent `n`'s report: its own /24 (10.a.b.0) with 200 hosts, fresh id and times.
fn report(n: u32) -> Vec<u8> {
    let net = 0x0A00_0000 + n * 256;
    let now = Utc::now() - Span::seconds(5);
    let assets = (1..=ASSETS)
        .map(|i| {
            let mut o = AssetObservation::new(std::net::Ipv4Addr::from(net + i).into());
            // Every 50th device (4 of 200: a busy office's churn) is replaced when the
            // generation changes, in the alert phases.
            let generation = fleet_alerts::GENERATION.load(std::sync::atomic::Ordering::Relaxed);
            let g = if i % 50 == 0 { generation } else { 0 };
            let b = (n * 1000 + i + g * 10_000_000).to_be_bytes();
            o.mac = Some(MacAddr([0x00, 0x1c, b[0], b[1], b[2], b[3]]));
            o.hostname = Some(format!("dev-{n}-{i}-{g}.site.lan"));
            o.open_ports = vec![22, 443];
            o.category = [
                Category::AgVeSistemler,
                Category::Iot,
                Category::Tasinabilir,
            ][i as usize % 3];
            o.device_type =
                [DeviceType::Server, DeviceType::Camera, DeviceType::Laptop][i as usize % 3];
            o.confidence = 0.8;
            o
        })
        .collect();
    let net = format!("{}/24", std::net::Ipv4Addr::from(net));
    serde_json::to_vec(&ScanReport {
        id: uuid::Uuid::now_v7(),
        target: net.clone(),
        networks: vec![net.parse().unwrap()],
        method: ScanMethod::Hybrid,
        started_at: now - Span::seconds(20),
        completed_at: Some(now),
        partial: false,
        ports_probed: "22,80,443".parse().unwrap(),
        privileges: Default::default(),
        scanner_version: "fleet-bench".into(),
        assets,
        certificates: Vec::new(),
        switches: Vec::new(),
    })
    .unwrap()
}

/// Registers `count` agents (10 per site) with the shared secret; returns their ids and
/// tokens.
fn register(port: u16, count: u32) -> (Vec<String>, Vec<String>) {
    let tokens = Arc::new(Mutex::new(vec![
        (String::new(), String::new());
        count as usize
    ]));
    let next = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (tokens, next) = (tokens.clone(), next.clone());
            std::thread::spawn(move || {
                let agent = http();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if n >= count {
                        return;
                    }
                    let mut res = agent
                        .post(format!("http://127.0.0.1:{port}/api/agents/register"))
                        .send_json(serde_json::json!({
                            "name": format!("agent-{n:04}"), "site": format!("site-{:03}", n / 10),
                            "secret": SECRET,
                        }))
                        .expect("register");
                    assert_eq!(res.status(), 201);
                    let v: serde_json::Value = res.body_mut().read_json().unwrap();
                    tokens.lock().unwrap()[n as usize] = (
                        v["agent_id"].as_str().unwrap().to_string(),
                        v["token"].as_str().unwrap().to_string(),
                    );
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    Arc::try_unwrap(tokens)
        .unwrap()
        .into_inner()
        .unwrap()
        .into_iter()
        .unzip()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heartbeat,
    Ingest,
}

#[derive(Default)]
struct Tally {
    heartbeat_ms: Vec<f64>,
    ingest_ms: Vec<f64>,
    ingest_lag_ms: Vec<f64>,
    heartbeat_lag_ms: Vec<f64>,
    errors: std::collections::BTreeMap<u16, u32>,
}

fn call(agent: &ureq::Agent, port: u16, token: &str, kind: Kind, n: u32) -> u16 {
    let (path, body) = match kind {
        Kind::Heartbeat => (
            "/api/agents/heartbeat",
            serde_json::to_vec(&serde_json::json!({"activity": "idle", "heartbeat_seconds": 60}))
                .unwrap(),
        ),
        Kind::Ingest => ("/api/ingest/discovery", report(n)),
    };
    agent
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(&body[..])
        .map_or(0, |r| r.status().as_u16())
}

/// Runs the schedule for `seconds`; every agent's events are spread evenly over a period.
fn simulate(port: u16, tokens: &[String], speedup: u64, seconds: u64) -> Tally {
    let start = Instant::now() + Duration::from_millis(200);
    let end = start + Duration::from_secs(seconds);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let tokens = Arc::new(tokens.to_vec());
    let lanes = [
        (Kind::Heartbeat, 60.0, HEARTBEAT_WORKERS),
        (Kind::Ingest, 300.0, INGEST_WORKERS),
    ];
    let mut threads = Vec::new();
    for (kind, period_s, workers) in lanes {
        let period = Duration::from_secs_f64(period_s / speedup as f64);
        let n = tokens.len() as u32;
        let heap: BinaryHeap<Reverse<(Instant, u32)>> = (0..n)
            .map(|i| Reverse((start + period.mul_f64(f64::from(i) / f64::from(n)), i)))
            .collect();
        let heap = Arc::new(Mutex::new(heap));
        for _ in 0..workers {
            let (heap, tally, tokens) = (heap.clone(), tally.clone(), tokens.clone());
            threads.push(std::thread::spawn(move || {
                let agent = http();
                loop {
                    let (due, i) = {
                        let mut h = heap.lock().unwrap();
                        let Some(Reverse((due, i))) = h.peek().copied() else {
                            return;
                        };
                        if due >= end {
                            return;
                        }
                        let now = Instant::now();
                        if due > now {
                            drop(h);
                            std::thread::sleep((due - now).min(Duration::from_millis(20)));
                            continue;
                        }
                        h.pop();
                        h.push(Reverse((due + period, i)));
                        (due, i)
                    };
                    let began = Instant::now();
                    let status = call(&agent, port, &tokens[i as usize], kind, i);
                    let took = began.elapsed().as_secs_f64() * 1000.0;
                    let lag = (began - due).as_secs_f64() * 1000.0;
                    let mut t = tally.lock().unwrap();
                    if !(200..300).contains(&status) {
                        *t.errors.entry(status).or_default() += 1;
                    }
                    match kind {
                        Kind::Heartbeat => {
                            t.heartbeat_ms.push(took);
                            t.heartbeat_lag_ms.push(lag);
                        }
                        Kind::Ingest => {
                            t.ingest_ms.push(took);
                            t.ingest_lag_ms.push(lag);
                        }
                    }
                }
            }));
        }
    }
    threads.into_iter().for_each(|w| w.join().unwrap());
    Arc::try_unwrap(tally).ok().unwrap().into_inner().unwrap()
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// Every worker delivers back to back for `seconds`: the most reports/s the server takes.
fn saturate(port: u16, tokens: &[String], seconds: u64) -> f64 {
    let end = Instant::now() + Duration::from_secs(seconds);
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let next = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let tokens = Arc::new(tokens.to_vec());
    let started = Instant::now();
    let workers: Vec<_> = (0..INGEST_WORKERS)
        .map(|_| {
            let (done, next, tokens) = (done.clone(), next.clone(), tokens.clone());
            std::thread::spawn(move || {
                let agent = http();
                while Instant::now() < end {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                        % tokens.len() as u32;
                    if call(&agent, port, &tokens[i as usize], Kind::Ingest, i) == 201 {
                        done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    workers.into_iter().for_each(|w| w.join().unwrap());
    done.load(std::sync::atomic::Ordering::SeqCst) as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    // A thousand long polls and the usual lanes need more sockets than the default 1 024.
    if let Ok((_, hard)) =
        nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
    {
        let _ =
            nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE, hard, hard);
    }
    let agents = env_u64("BIGR_FLEET_AGENTS", 1000) as u32;
    let speedup = env_u64("BIGR_FLEET_SPEEDUP", 3).max(1);
    let seconds = env_u64("BIGR_FLEET_SECONDS", 60);
    let pg = match common::PgBench::create().await {
        Ok(pg) => pg,
        Err(e) => {
            eprintln!("the fleet bench needs PostgreSQL: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "fleet benchmark: {agents} agents, {ASSETS}-asset reports, time x{speedup}, {seconds} s, one release `bigr serve` on PostgreSQL, {HEARTBEAT_WORKERS} + {INGEST_WORKERS} client threads"
    );
    let server = common::serve(
        &pg.url,
        &[
            ("AGENT_REGISTRATION_SECRET", SECRET),
            ("BIGR_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ],
    );
    let began = Instant::now();
    let (ids, tokens) = register(server.1, agents);
    println!(
        "registered {agents} agents in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    if std::env::var("BIGR_FLEET_ONLY").as_deref() == Ok("alerts") {
        // Re-measuring the alert phases alone: the first reports create the inventory.
        simulate(server.1, &tokens, speedup, 100 / speedup.max(1) + 5);
        let session = common::login(server.1, ADMIN_PASSWORD);
        fleet_alerts::run(server.1, &tokens, speedup, session);
        drop(server);
        pg.drop_database().await;
        return;
    }
    let mut t = simulate(server.1, &tokens, speedup, seconds);
    let ingests = t.ingest_ms.len();
    let expected_ingests = f64::from(agents) * seconds as f64 / (300.0 / speedup as f64);
    let hb_p99 = pct(&mut t.heartbeat_ms, 0.99);
    let ingest_lag_p99 = pct(&mut t.ingest_lag_ms, 0.99);
    println!(
        "heartbeats: {} ({:.1}/s), p50 {:.1} ms, p99 {:.1} ms",
        t.heartbeat_ms.len(),
        t.heartbeat_ms.len() as f64 / seconds as f64,
        pct(&mut t.heartbeat_ms, 0.5),
        hb_p99
    );
    println!(
        "ingests:    {ingests} of {expected_ingests:.0} scheduled ({:.1}/s, {:.0} assets/s), p50 {:.0} ms, p99 {:.0} ms",
        ingests as f64 / seconds as f64,
        ingests as f64 * f64::from(ASSETS) / seconds as f64,
        pct(&mut t.ingest_ms, 0.5),
        pct(&mut t.ingest_ms, 0.99)
    );
    println!(
        "backlog:    start lag p99 {:.0} ms (ingest), {:.0} ms (heartbeat); errors {:?}",
        ingest_lag_p99,
        pct(&mut t.heartbeat_lag_ms, 0.99),
        t.errors
    );
    let rss = common::peak_rss_mb(server.0.id());
    println!("server peak RSS {rss:.0} MB");
    let polls = long_poll(server.1, server.0.id(), &ids, &tokens, speedup);
    let session = common::login(server.1, ADMIN_PASSWORD);
    // The same fleet for 20 s more while hostile clients run a login burst, made-up methods
    // and a thousand slow bodies.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = Arc::new(abuse::Attack::default());
    let attackers = abuse::start(server.1, stop.clone(), seen.clone());
    let mut under = simulate(server.1, &tokens, speedup, 20);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    attackers.into_iter().for_each(|t| {
        let _ = t.join();
    });
    let rss_abuse = common::peak_rss_mb(server.0.id());
    println!(
        "under abuse: heartbeat p99 {:.1} ms, ingest p99 {:.0} ms, {} ingests, errors {:?}; peak RSS {rss_abuse:.0} MB",
        pct(&mut under.heartbeat_ms, 0.99),
        pct(&mut under.ingest_ms, 0.99),
        under.ingest_ms.len(),
        under.errors
    );
    println!(
        "  attackers: {} logins ({} verified), {} made-up methods, {} slow bodies held",
        seen.logins.load(std::sync::atomic::Ordering::Relaxed),
        seen.logins_verified
            .load(std::sync::atomic::Ordering::Relaxed),
        seen.garbage.load(std::sync::atomic::Ordering::Relaxed),
        seen.slow_open.load(std::sync::atomic::Ordering::Relaxed)
    );
    let max = saturate(server.1, &tokens, 20);
    println!(
        "saturation: {max:.1} reports/s ({:.0} assets/s) sustained for 20 s",
        max * f64::from(ASSETS)
    );
    let no_backlog = ingest_lag_p99 < 1000.0 && (ingests as f64) >= expected_ingests * 0.97;
    println!(
        "targets: heartbeat p99 < 100 ms {}; no ingest backlog {}; with every agent long-polling: heartbeat p99 < 100 ms {}, command pickup p99 < 2 s {}, RSS < 200 MB {}",
        if hb_p99 < 100.0 { "held" } else { "MISSED" },
        if no_backlog { "held" } else { "MISSED" },
        if polls.heartbeat_p99 < 100.0 {
            "held"
        } else {
            "MISSED"
        },
        if polls.pickup_p99 < 2000.0 {
            "held"
        } else {
            "MISSED"
        },
        if polls.rss < 200.0 { "held" } else { "MISSED" },
    );
    println!(
        "1 000 real agents (one report / 5 min) need {:.1} reports/s: {:.0}x headroom at saturation",
        f64::from(agents) / 300.0,
        max / (f64::from(agents) / 300.0)
    );
    fleet_alerts::run(server.1, &tokens, speedup, session);
    drop(server);
    pg.drop_database().await;
}

/// What the long-poll phase measured.
struct Polls {
    heartbeat_p99: f64,
    pickup_p99: f64,
    rss: f64,
}

/// Every agent holds a long-polling heartbeat (each on its own client thread, as each is its
/// own machine) while the fleet's usual schedule runs and an admin issues commands to random
/// agents: how fast a command reaches its agent, how fast plain heartbeats stay, and memory.
fn long_poll(port: u16, pid: u32, ids: &[String], tokens: &[String], speedup: u64) -> Polls {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let issued: Arc<Mutex<std::collections::HashMap<String, Instant>>> = Default::default();
    // When each command reached its agent (the answer can arrive before the admin's POST
    // returns: matched by id at the end).
    let pickups: Arc<Mutex<std::collections::HashMap<String, Instant>>> = Default::default();
    let pollers: Vec<_> = tokens
        .iter()
        .cloned()
        .map(|token| {
            let (stop, pickups) = (stop.clone(), pickups.clone());
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    let agent = http();
                    let url = format!("http://127.0.0.1:{port}");
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let answer: serde_json::Value = agent
                            .post(format!("{url}/api/agents/heartbeat"))
                            .header("Authorization", format!("Bearer {token}"))
                            .send_json(
                                serde_json::json!({"wait_seconds": 25, "heartbeat_seconds": 60}),
                            )
                            .ok()
                            .and_then(|mut r| r.body_mut().read_json().ok())
                            .unwrap_or_default();
                        let now = Instant::now();
                        for c in answer["commands"].as_array().into_iter().flatten() {
                            let id = c["id"].as_str().unwrap_or_default().to_string();
                            pickups.lock().unwrap().entry(id.clone()).or_insert(now);
                            let _ = agent
                                .post(format!("{url}/api/agents/commands/{id}"))
                                .header("Authorization", format!("Bearer {token}"))
                                .send_json(serde_json::json!({"state": "acked"}));
                        }
                        if answer.is_null() {
                            std::thread::sleep(Duration::from_secs(1));
                        }
                    }
                })
                .expect("poller thread")
        })
        .collect();
    // Let every agent settle into its wait, then run the usual schedule beside them.
    std::thread::sleep(Duration::from_secs(3));
    let commander = {
        let (stop, issued, ids) = (stop.clone(), issued.clone(), ids.to_vec());
        std::thread::spawn(move || {
            let (cookie, csrf) = common::login(port, ADMIN_PASSWORD);
            let agent = http();
            let mut n: u64 = 0;
            let gap = Duration::from_millis(1000 / COMMANDS_PER_SECOND);
            let mut next = Instant::now();
            let mut sent = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let target = &ids[(n >> 33) as usize % ids.len()];
                let at = Instant::now();
                let res = agent
                    .post(format!(
                        "http://127.0.0.1:{port}/api/agents/{target}/commands"
                    ))
                    .header("Cookie", &cookie)
                    .header("X-CSRF-Token", &csrf)
                    .send_json(serde_json::json!({"kind": "reload_config"}));
                if let Ok(mut r) = res
                    && r.status() == 201
                {
                    let v: serde_json::Value = r.body_mut().read_json().unwrap_or_default();
                    if let Some(id) = v["id"].as_str() {
                        issued.lock().unwrap().insert(id.to_string(), at);
                        sent += 1;
                    }
                }
                next += gap;
                std::thread::sleep(next.saturating_duration_since(Instant::now()));
            }
            sent
        })
    };
    let mut t = simulate(port, tokens, speedup, LONG_POLL_SECONDS);
    let rss = common::peak_rss_mb(pid);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let sent = commander.join().unwrap();
    // Commands issued in the last instants are still on their way; give them a moment.
    std::thread::sleep(Duration::from_secs(2));
    let (mut picked, mut lost) = (Vec::new(), 0);
    {
        let got = pickups.lock().unwrap();
        for (id, at) in issued.lock().unwrap().iter() {
            match got.get(id) {
                Some(when) => {
                    picked.push(when.saturating_duration_since(*at).as_secs_f64() * 1000.0)
                }
                None => lost += 1,
            }
        }
    }
    pollers.into_iter().for_each(|p| {
        let _ = p.join();
    });
    let polls = Polls {
        heartbeat_p99: pct(&mut t.heartbeat_ms, 0.99),
        pickup_p99: pct(&mut picked, 0.99),
        rss,
    };
    println!(
        "long polls: {} agents waiting, {sent} commands issued ({COMMANDS_PER_SECOND}/s), {} picked up (p50 {:.0} ms, p99 {:.0} ms), {lost} not seen by the end; plain heartbeats beside them p99 {:.1} ms; ingests {}; server RSS {:.0} MB",
        tokens.len(),
        picked.len(),
        pct(&mut picked, 0.5),
        polls.pickup_p99,
        polls.heartbeat_p99,
        t.ingest_ms.len(),
        polls.rss
    );
    polls
}
