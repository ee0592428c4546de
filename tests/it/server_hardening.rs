//! Issue 21: the ways an unauthenticated or heavy client could hurt a public server, each
//! tried against a real server (in process, or the `bigr serve` binary where memory and
//! descriptors are the point), on SQLite and PostgreSQL where the store is involved.
use super::agent_api::{as_agent, enroll, new_agent, report_json};
use super::support::server::{
    ADMIN, Client, Served, TestServer, VIEWER, free_port, on_each_server, wait_healthy,
};
use super::support::{host, report};
use bigr::server::ServerOptions;
use bigr::store::SaveOptions;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};

/// `bigr serve` on a fresh home with a first admin; `shell_prefix` runs before it (ulimit).
fn serve_binary(shell_prefix: &str) -> (Served, String, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("home");
    let port = free_port();
    let bin = assert_cmd::cargo::cargo_bin!("bigr");
    let script = format!(
        "{shell_prefix} exec '{}' --home '{}' serve --port {port}",
        bin.display(),
        home.path().display()
    );
    let child = Command::new("sh")
        .args(["-c", &script])
        .env("BIGR_ADMIN_PASSWORD", ADMIN.1)
        .env("BIGR_ADMIN_USER", ADMIN.0)
        .env_remove("DATABASE_URL")
        .env_remove("PORT")
        .env_remove("RENDER")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn bigr serve");
    let base = format!("http://127.0.0.1:{port}");
    let served = Served(child);
    wait_healthy(&base);
    (served, base, home)
}

/// Peak resident memory of a process, in MiB (VmHWM).
fn peak_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// One raw HTTP/1.1 exchange on its own connection: (status, headers, body).
fn raw_http(addr: &str, request: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("timeout");
    s.write_all(request.as_bytes()).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// Posts as an agent does: again after a 503 (the server's bound), at most 60 times.
fn deliver(base: &str, token: &str, path: &str, body: &str) -> super::support::server::Resp {
    let c = Client::new(base);
    for _ in 0..60 {
        let r = c.raw(
            "POST",
            path,
            Some(body),
            &[("Authorization", &format!("Bearer {token}"))],
        );
        if r.status != 503 {
            return r;
        }
        assert!(r.header("retry-after").is_some(), "503 without Retry-After");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    panic!("{path}: still busy after 60 tries");
}

fn addr_of(base: &str) -> String {
    base.trim_start_matches("http://").to_string()
}

#[test]
fn a_login_burst_gets_at_most_the_limit_of_verifies_and_little_memory() {
    let (served, base, _home) = serve_binary("");
    let before = peak_rss_mib(served.0.id());
    let n = 200;
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (base, barrier) = (base.clone(), barrier.clone());
            std::thread::spawn(move || {
                // The right password is in the middle of the burst.
                let password = if i == n / 2 {
                    ADMIN.1
                } else {
                    "wrong-password-1"
                };
                barrier.wait();
                Client::new(&base).login(ADMIN.0, password).status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().expect("t")).collect();
    let verified = statuses.iter().filter(|s| matches!(s, 200 | 401)).count();
    let refused = statuses.iter().filter(|s| matches!(s, 429 | 503)).count();
    assert!(verified <= 5, "{verified} verifies: {statuses:?}");
    assert_eq!(verified + refused, n, "{statuses:?}");
    let peak = peak_rss_mib(served.0.id());
    println!("login burst of {n}: RSS peak {before} -> {peak} MiB, {verified} verified");
    assert!(peak < 300, "peak RSS {peak} MiB");
}

#[test]
fn made_up_methods_connect_and_trace_are_refused_before_metrics() {
    let s = TestServer::start(false, ServerOptions::default()).expect("server");
    let addr = addr_of(&s.base);
    let c = s.client();
    // Twice, so the scrape's own series exists before the first measurement.
    c.get("/metrics");
    let size = || c.get("/metrics").body.lines().count();
    let before = size();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                for i in 0..625 {
                    let req = format!(
                        "M{t}X{i} /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    );
                    let (status, _, _) = raw_http(&addr, &req);
                    assert_eq!(status, 405, "method M{t}X{i}");
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().expect("thread"));
    assert_eq!(size(), before, "5 000 made-up methods grew /metrics");
    for method in ["CONNECT", "TRACE"] {
        let (status, head, body) = raw_http(
            &addr,
            &format!(
                "{method} /api/health HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
            ),
        );
        assert_eq!(status, 405, "{method}: {head}");
        assert!(!head.to_lowercase().contains("content-encoding"), "{head}");
        let v: Value = serde_json::from_str(&body).expect("a plain JSON body");
        assert_eq!(v["error"], "method not allowed");
    }
    let metrics = c.get("/metrics").body;
    assert!(!metrics.contains("M0X"), "a made-up method became a label");
    assert!(metrics.contains("bigr_http_connections_open"));
}

#[test]
fn nul_characters_are_refused_by_field_on_both_backends() {
    on_each_server(|s| {
        let anon = s.client();
        let r = anon.send(
            "POST",
            "/api/auth/login",
            Some(r#"{"username":"adm\u0000in","password":"x"}"#),
        );
        assert_eq!(r.status, 400, "{}: {}", s.backend(), r.body);
        assert!(r.error().contains("`username`"), "{}", r.body);
        let admin = s.signed_in(ADMIN);
        for path in [
            "/api/data?site=a%00",
            "/api/changes?site=%00",
            "/api/subnets?site=a%00b",
        ] {
            let r = admin.get(path);
            assert_eq!(r.status, 400, "{} {path}: {}", s.backend(), r.body);
            assert!(r.error().contains("`site`"), "{}", r.body);
        }
        let r = admin.send("DELETE", "/api/users/a%00b", None);
        assert_eq!(r.status, 400, "{}", r.body);
        let r = admin.send(
            "POST",
            "/api/users",
            Some(r#"{"username":"x\u0000","password":"a-long-password","role":"viewer"}"#),
        );
        assert_eq!(r.status, 400, "{}", r.body);
        // The agent channel: report fields the agent writes itself are refused by name,
        // network-sourced text is cleaned (a banner with a NUL must not cost the report).
        let (_, token) = new_agent(s, &admin, "istanbul", "edge");
        let mut rep = report_json(&["10.9.0.5"]);
        rep["scanner_version"] = json!("1.0\u{0}");
        let r = as_agent(s, &token, "POST", "/api/ingest/discovery", &rep.to_string());
        assert_eq!(r.status, 422, "{}: {}", s.backend(), r.body);
        assert!(r.error().contains("scanner_version"), "{}", r.body);
        let mut rep = report_json(&["10.9.0.5"]);
        rep["assets"][0]["hostname"] = json!("printer\u{0}");
        let r = as_agent(s, &token, "POST", "/api/ingest/discovery", &rep.to_string());
        assert_eq!(r.status, 201, "{}: {}", s.backend(), r.body);
        let hb = json!({"last_error": "boom\u{0}"}).to_string();
        let r = as_agent(s, &token, "POST", "/api/agents/heartbeat", &hb);
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.error().contains("last_error"), "{}", r.body);
        let shield = json!({
            "id": uuid::Uuid::now_v7(), "target": "10.9.0.0/24\u{0}", "preset": "standard",
            "modules": [], "started_at": Utc::now() - Duration::minutes(1), "findings": []
        });
        let r = as_agent(s, &token, "POST", "/api/ingest/shield", &shield.to_string());
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.error().contains("target"), "{}", r.body);
    });
}

#[test]
fn bodies_must_be_exactly_json_and_api_spellings_never_get_html() {
    let s = TestServer::start(false, ServerOptions::default()).expect("server");
    let c = s.client();
    let r = c.send(
        "POST",
        "/api/auth/login",
        Some(r#"{"username":"admin","password":"admin-password-1"}xyz"#),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.error().contains("after the JSON"), "{}", r.body);
    let login = json!({"username": ADMIN.0, "password": ADMIN.1}).to_string();
    let r = c.raw(
        "POST",
        "/api/auth/login",
        Some(&login),
        &[("Content-Type", "application/jsonx")],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = c.raw(
        "POST",
        "/api/auth/login",
        Some(&login),
        &[("Content-Type", "application/json; charset=utf-8")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let admin = s.signed_in(ADMIN);
    assert_eq!(
        admin.get("/api/data").header("cache-control"),
        Some("no-store")
    );
    for path in [
        "/API/data",
        "/api%2fdata",
        "/Api/health",
        "/api%2Fauth%2Fme",
    ] {
        let r = admin.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            r.header("content-type").unwrap_or("").contains("json"),
            "{path}: {:?}",
            r.header("content-type")
        );
    }
    // The dashboard still answers its own routes.
    assert_ne!(admin.get("/assets").status, 404);
    let mut report = report_json(&["10.9.0.5"]).to_string();
    report.push_str("xyz");
    let (_, token) = new_agent(&s, &admin, "istanbul", "edge");
    let r = as_agent(&s, &token, "POST", "/api/ingest/discovery", &report);
    assert_eq!(r.status, 422, "{}", r.body);
}

#[test]
fn slow_bodies_do_not_exhaust_descriptors() {
    // The finding's setting: a 1024-descriptor soft limit, which the server now raises.
    let (_served, base, _home) = serve_binary("ulimit -Sn 1024 &&");
    let addr = addr_of(&base);
    let mut slow = Vec::new();
    for _ in 0..1100 {
        let mut s = TcpStream::connect(&addr).expect("connect");
        s.write_all(
            b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        )
        .expect("write");
        slow.push(s);
    }
    let started = std::time::Instant::now();
    let r = Client::new(&base).get("/api/health");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "health took {:?} with 1 100 slow bodies open",
        started.elapsed()
    );
    drop(slow);
}

#[test]
fn behind_one_proxy_the_client_is_the_rightmost_hop() {
    let s = TestServer::start(
        false,
        ServerOptions {
            behind_proxy: true,
            trusted_proxies: 1,
            ..Default::default()
        },
    )
    .expect("server");
    // An attacker rotating the leftmost entry is still one address to the throttle.
    let mut limited = 0;
    for i in 0..25 {
        let r = s.client().raw(
            "POST",
            "/api/auth/login",
            Some(&json!({"username": format!("user{i}"), "password": "nope-nope-1"}).to_string()),
            &[("X-Forwarded-For", &format!("10.0.{i}.1, 203.0.113.66"))],
        );
        if r.status == 429 {
            limited += 1;
        }
    }
    assert_eq!(
        limited, 5,
        "the address limit of 20 applied to the real hop"
    );
    // Spoofing the admin's address in the leftmost entry does not lock the admin out.
    for _ in 0..10 {
        s.client().raw(
            "POST",
            "/api/auth/login",
            Some(&json!({"username": "someone", "password": "nope-nope-1"}).to_string()),
            &[("X-Forwarded-For", "198.51.100.7, 203.0.113.67")],
        );
    }
    let mut admin = s.client();
    let r = admin.raw(
        "POST",
        "/api/auth/login",
        Some(&json!({"username": ADMIN.0, "password": ADMIN.1}).to_string()),
        &[("X-Forwarded-For", "198.51.100.7")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let _ = admin.login(ADMIN.0, ADMIN.1);
}

#[test]
fn a_report_costs_what_it_touches_and_concurrent_ones_all_land() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (_, token) = new_agent(s, &admin, "istanbul", "edge");
        // A site of 2 000 assets in 10.20.0.0/16, and two more in the /24 the reports sweep.
        let at = Utc::now() - Duration::minutes(30);
        let big: Vec<_> = (0..2000)
            .map(|i| {
                host(
                    &format!("10.20.{}.{}", 10 + i / 200, 1 + i % 200),
                    None,
                    &[22],
                )
            })
            .collect();
        let first = report(at, &["10.20.0.0/16"], "22", big);
        let r = as_agent(
            s,
            &token,
            "POST",
            "/api/ingest/discovery",
            &serde_json::to_string(&first).unwrap(),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = admin.send(
            "POST",
            "/api/subnets",
            Some(&json!({"cidr": "10.20.10.0/24", "site": "istanbul"}).to_string()),
        );
        assert!(r.status < 300, "{}", r.body);
        // 8 agents' worth of 5-asset reports at once, each sweeping 10.20.10.0/24.
        let barrier = Arc::new(Barrier::new(8));
        let base = s.base.clone();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let (barrier, base, token) = (barrier.clone(), base.clone(), token.clone());
                let hosts: Vec<_> = (0..5)
                    .map(|k| host(&format!("10.20.10.{}", 1 + t * 5 + k), None, &[22, 443]))
                    .collect();
                let body = serde_json::to_string(&report(
                    Utc::now() - Duration::minutes(20 - t as i64),
                    &["10.20.10.0/24"],
                    "22,443",
                    hosts,
                ))
                .unwrap();
                std::thread::spawn(move || {
                    barrier.wait();
                    deliver(&base, &token, "/api/ingest/discovery", &body)
                })
            })
            .collect();
        for t in threads {
            let r = t.join().expect("thread");
            assert_eq!(r.status, 201, "{}: {}", s.backend(), r.body);
        }
        // Every reported host got its new port; nothing outside the swept /24 was touched,
        // and the subnet's count is the site's, not the report's.
        let data = admin
            .get("/api/data?site=istanbul&q=10.20.10.&per_page=500")
            .json();
        let rows = data["items"].as_array().expect("items");
        assert!(rows.len() >= 40, "{}", rows.len());
        let subnet = admin.get("/api/subnets?site=istanbul").json()["subnets"][0].clone();
        let present = admin
            .get("/api/data?site=istanbul&subnet=10.20.10.0/24&missing=false&per_page=1")
            .json();
        assert_eq!(subnet["asset_count"], present["total"], "{subnet}");
        let outside = admin
            .get("/api/data?site=istanbul&q=10.20.13.7&per_page=5")
            .json();
        assert_eq!(outside["items"][0]["missing"], false, "{outside}");
    });
}

#[test]
fn a_site_past_its_asset_cap_is_refused_by_name() {
    let s = TestServer::start(
        false,
        ServerOptions {
            save: SaveOptions {
                max_site_assets: Some(3),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .expect("server");
    let admin = s.signed_in(ADMIN);
    let (_, token) = new_agent(&s, &admin, "istanbul", "edge");
    let ok = report_json(&["10.9.0.1", "10.9.0.2", "10.9.0.3"]).to_string();
    assert_eq!(
        as_agent(&s, &token, "POST", "/api/ingest/discovery", &ok).status,
        201
    );
    // The same three again are no growth.
    let again = report_json(&["10.9.0.1", "10.9.0.2", "10.9.0.3"]).to_string();
    assert_eq!(
        as_agent(&s, &token, "POST", "/api/ingest/discovery", &again).status,
        201
    );
    let more = report_json(&["10.9.0.1", "10.9.0.4"]).to_string();
    let r = as_agent(&s, &token, "POST", "/api/ingest/discovery", &more);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.error().contains("max_site_assets"), "{}", r.body);
}

#[test]
fn concurrent_deliveries_of_one_shield_report_store_it_once() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (_, token) = new_agent(s, &admin, "istanbul", "edge");
        let body = json!({
            "id": uuid::Uuid::now_v7(), "target": "10.9.0.0/24", "preset": "standard",
            "modules": ["tls"], "started_at": Utc::now() - Duration::minutes(2),
            "completed_at": Utc::now() - Duration::minutes(1), "score": 80.0, "grade": "B",
            "findings": [{"module": "tls", "severity": "low", "title": "old TLS", "target_ip": "10.9.0.5"}]
        })
        .to_string();
        let barrier = Arc::new(Barrier::new(6));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (barrier, base, token, body) =
                    (barrier.clone(), s.base.clone(), token.clone(), body.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    deliver(&base, &token, "/api/ingest/shield", &body).status
                })
            })
            .collect();
        let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 201)),
            "{}: {statuses:?}",
            s.backend()
        );
        let scans = admin.get("/api/shield/scans?site=istanbul").json();
        assert_eq!(scans["total"], 1, "{scans}");
    });
}

#[test]
fn a_refused_user_change_changes_nothing() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let viewer = s.signed_in(VIEWER);
        let r = admin.send(
            "PUT",
            "/api/users/viewer",
            Some(&json!({"role": "admin", "password": "short"}).to_string()),
        );
        assert_eq!(r.status, 400, "{}", r.body);
        let users = admin.get("/api/users").json();
        let row = users["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "viewer")
            .cloned()
            .unwrap();
        assert_eq!(row["role"], "viewer", "{}", s.backend());
        assert_eq!(
            viewer.get("/api/auth/me").status,
            200,
            "the session survived"
        );
        let r = admin.send(
            "PUT",
            "/api/users/viewer",
            Some(&json!({"role": "admin", "password": "a-long-new-password"}).to_string()),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            viewer.get("/api/auth/me").status,
            401,
            "sessions end on a change"
        );
    });
}

#[test]
fn an_idle_session_ends_before_its_lifetime() {
    on_each_server(|s| {
        let c = s.signed_in(ADMIN);
        assert_eq!(c.get("/api/auth/me").status, 200);
        let stale = Utc::now() - Duration::hours(3);
        s.rt.block_on(async {
            use bigr::store::entity::session;
            use sea_orm::{EntityTrait, sea_query::Expr};
            session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, Expr::value(stale))
                .exec(&s.db)
                .await
                .expect("age the sessions")
        });
        assert_eq!(c.get("/api/auth/me").status, 401, "{}", s.backend());
    });
}

#[test]
fn concurrent_self_rotations_have_one_winner_and_rotation_is_rate_limited() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (_, token) = new_agent(s, &admin, "istanbul", "edge");
        let barrier = Arc::new(Barrier::new(2));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (barrier, base, token) = (barrier.clone(), s.base.clone(), token.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let r = Client::new(&base).raw(
                        "POST",
                        "/api/agents/rotate-token",
                        Some("{}"),
                        &[("Authorization", &format!("Bearer {token}"))],
                    );
                    (r.status, r.body)
                })
            })
            .collect();
        let answers: Vec<(u16, String)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let winners: Vec<&(u16, String)> = answers.iter().filter(|(st, _)| *st == 200).collect();
        assert_eq!(winners.len(), 1, "{}: {answers:?}", s.backend());
        assert!(
            answers.iter().any(|(st, _)| *st == 409 || *st == 401),
            "{answers:?}"
        );
        let new: Value = serde_json::from_str(&winners[0].1).unwrap();
        let new = new["token"].as_str().unwrap().to_string();
        let hb = json!({}).to_string();
        assert_eq!(
            as_agent(s, &new, "POST", "/api/agents/heartbeat", &hb).status,
            200
        );
        // The bucket holds 3: the fourth rotation within the minute waits.
        let mut current = new;
        let mut last = 0;
        for _ in 0..3 {
            let r = as_agent(s, &current, "POST", "/api/agents/rotate-token", "{}");
            last = r.status;
            if r.status == 200 {
                current = r.json()["token"].as_str().unwrap().to_string();
            }
        }
        assert_eq!(last, 429);
    });
}

#[test]
fn a_locked_sqlite_database_answers_503_with_retry_after() {
    let s = TestServer::start(false, ServerOptions::default()).expect("server");
    let admin = s.signed_in(ADMIN);
    let (_, token) = new_agent(&s, &admin, "istanbul", "edge");
    let url = s.test_db.as_ref().unwrap().url.clone();
    let holder = s.rt.block_on(async {
        let other = bigr::store::open(&url, &Default::default())
            .await
            .expect("open");
        let txn = bigr::store::begin_write(&other).await.expect("write lock");
        (other, txn)
    });
    let body = report_json(&["10.9.0.8"]).to_string();
    let r = as_agent(&s, &token, "POST", "/api/ingest/discovery", &body);
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.header("retry-after").is_some());
    s.rt.block_on(async move {
        let (other, txn) = holder;
        drop(txn);
        other.close().await.ok();
    });
    assert_eq!(
        as_agent(&s, &token, "POST", "/api/ingest/discovery", &body).status,
        201
    );
}

#[test]
fn open_registration_is_refused_behind_a_proxy_and_cookie_secure_takes_booleans() {
    let home = tempfile::tempdir().expect("home");
    let bigr = |envs: &[(&str, &str)]| {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("bigr"));
        cmd.args([
            "--home",
            home.path().to_str().unwrap(),
            "config",
            "show",
            "--json",
        ])
        .env_remove("DATABASE_URL")
        .env_remove("RENDER");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().expect("bigr config show")
    };
    let out = bigr(&[("BIGR_COOKIE_SECURE", "true")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(home.path().join("config.toml"), "cookie_secure = true\n").unwrap();
    let out = bigr(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"true\""));
    let out = bigr(&[
        ("BIGR_ALLOW_OPEN_REGISTRATION", "true"),
        ("BIGR_BEHIND_PROXY", "true"),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("allow_open_registration"));
}

#[test]
fn agent_files_are_private_and_the_token_stays_out_of_a_trace_log() {
    let s = TestServer::start(false, ServerOptions::default()).expect("server");
    let admin = s.signed_in(ADMIN);
    let token = enroll(&admin, "istanbul");
    let home = tempfile::tempdir().expect("home");
    let agent_home = home.path().join("agent");
    let token_file = home.path().join("enroll.txt");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
        .args([
            "--home",
            agent_home.to_str().unwrap(),
            "agent",
            "register",
            "--api-url",
            &s.base,
            "--name",
            "edge",
            "--site",
            "istanbul",
            "--enroll-token-file",
            token_file.to_str().unwrap(),
        ])
        .env("BIGR_LOG", "trace")
        .env_remove("RUST_LOG")
        .output()
        .expect("bigr agent register");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&agent_home), 0o700);
    assert_eq!(mode(&agent_home.join("agent.yaml")), 0o600);
    let yaml = std::fs::read_to_string(agent_home.join("agent.yaml")).unwrap();
    let agent_token = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("token:"))
        .map(|t| t.trim().trim_matches('\'').trim_matches('"').to_string())
        .expect("token in agent.yaml");
    assert!(agent_token.starts_with("bigr_"), "{agent_token}");
    assert!(
        !stderr.contains(&agent_token),
        "the agent token is in the trace log"
    );
    assert!(
        !stderr.contains(&token),
        "the enrollment token is in the trace log"
    );
}

#[test]
fn the_role_and_csrf_are_checked_before_the_body() {
    on_each_server(|s| {
        let viewer = s.signed_in(VIEWER);
        let mut no_csrf = s.signed_in(ADMIN);
        no_csrf.csrf = None;
        for _ in 0..10 {
            for (path, method) in [("/api/subnets", "POST"), ("/api/users/viewer", "PUT")] {
                let r = viewer.send(method, path, Some(r#"{"bogus": 1}"#));
                assert_eq!(
                    r.status,
                    403,
                    "{} viewer {method} {path}: {}",
                    s.backend(),
                    r.body
                );
                let r = no_csrf.send(method, path, Some("not json"));
                assert_eq!(
                    r.status,
                    403,
                    "{} no CSRF {method} {path}: {}",
                    s.backend(),
                    r.body
                );
            }
        }
        // An admin with the token still learns what is wrong with the body.
        let admin = s.signed_in(ADMIN);
        let r = admin.send("POST", "/api/subnets", Some(r#"{"bogus": 1}"#));
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.error().contains("bogus"), "{}", r.body);
    });
}
