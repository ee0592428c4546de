//! The agent channel over a real port, on SQLite and PostgreSQL: enrollment and the shared
//! secret, hashed tokens, revoke/rotate/delete, heartbeats and the stored lifecycle, ingest
//! (own site only, idempotent, validated, size- and rate-limited) and shield reports.
use super::support::server::{ADMIN, Client, Resp, TestServer, VIEWER, on_each_server};
use super::support::{host, report};
use bigr::server::{AgentLimits, Rate, Secret, ServerOptions};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

/// An enrollment token for `site`, made by the admin.
pub fn enroll(admin: &Client, site: &str) -> String {
    let r = admin.send(
        "POST",
        "/api/agents/enrollments",
        Some(&json!({"site": site, "expires_hours": 1}).to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    r.json()["token"].as_str().expect("token").to_string()
}

fn register_with(s: &TestServer, body: Value) -> Resp {
    s.client()
        .send("POST", "/api/agents/register", Some(&body.to_string()))
}

/// Registers `name` in `site` with a fresh enrollment; returns (agent id, token).
pub fn new_agent(s: &TestServer, admin: &Client, site: &str, name: &str) -> (String, String) {
    let token = enroll(admin, site);
    let r = register_with(
        s,
        json!({"name": name, "site": site, "enroll_token": token}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    assert_eq!(v["site"], site);
    (
        v["agent_id"].as_str().unwrap().to_string(),
        v["token"].as_str().unwrap().to_string(),
    )
}

pub fn as_agent(s: &TestServer, token: &str, method: &str, path: &str, body: &str) -> Resp {
    s.client().raw(
        method,
        path,
        Some(body),
        &[("Authorization", &format!("Bearer {token}"))],
    )
}

pub fn report_json(ips: &[&str]) -> Value {
    let at = Utc::now() - Duration::minutes(1);
    let hosts = ips
        .iter()
        .map(|ip| host(ip, None, &[80]))
        .collect::<Vec<_>>();
    serde_json::to_value(report(at, &["10.9.0.0/24"], "80", hosts)).unwrap()
}

fn count(s: &TestServer, table: &str) -> i64 {
    s.rt.block_on(s.test_db.as_ref().expect("db").count(table))
}

fn agent_row(admin: &Client, id: &str) -> Value {
    admin.get("/api/agents").json()["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("agent {id} not listed"))
}

#[test]
fn enrollment_tokens_register_once_and_expire() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let token = enroll(&admin, "istanbul");
        let first = register_with(
            s,
            json!({"name": "edge-1", "site": "istanbul", "enroll_token": token}),
        );
        assert_eq!(first.status, 201, "{}", first.body);
        let again = register_with(
            s,
            json!({"name": "edge-2", "site": "istanbul", "enroll_token": token}),
        );
        assert_eq!(again.status, 403);
        assert!(again.error().contains("already used"), "{}", again.body);
        // A token for another site cannot be pointed elsewhere.
        let other = enroll(&admin, "ankara");
        let wrong = register_with(
            s,
            json!({"name": "x", "site": "istanbul", "enroll_token": other}),
        );
        assert_eq!(wrong.status, 403);
        assert!(wrong.error().contains("'ankara'"));
        // Expired: made, then aged in the database.
        let old = enroll(&admin, "izmir");
        s.rt.block_on(async {
            use bigr::store::entity::enrollment_token;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
            let token_id = old
                .trim_start_matches("bigr_enr_")
                .split('_')
                .next()
                .unwrap();
            enrollment_token::Entity::update_many()
                .col_expr(
                    enrollment_token::Column::ExpiresAt,
                    Expr::value(Utc::now() - Duration::minutes(1)),
                )
                .filter(enrollment_token::Column::TokenId.eq(token_id))
                .exec(&s.db)
                .await
                .unwrap();
        });
        let expired = register_with(
            s,
            json!({"name": "late", "site": "izmir", "enroll_token": old}),
        );
        assert_eq!(expired.status, 403);
        assert!(expired.error().contains("expired"));
        // A made-up token, and a token of the wrong kind.
        let bogus = register_with(
            s,
            json!({"name": "x", "enroll_token": format!("bigr_enr_{}_{}", "0".repeat(16), "0".repeat(64))}),
        );
        assert_eq!(bogus.status, 401);
        assert_eq!(bogus.error(), "invalid enrollment token");
        // Listing shows states, never tokens or hashes.
        let list = admin.get("/api/agents/enrollments");
        assert!(!list.body.contains(&token) && !list.body.contains("hash"));
        let states: Vec<String> = list.json()["enrollments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["state"].as_str().unwrap().to_string())
            .collect();
        assert!(
            states.iter().any(|x| x == "used")
                && states.iter().any(|x| x == "expired")
                && states.iter().any(|x| x == "active"),
            "{states:?}"
        );
    });
}

#[test]
fn agent_tokens_are_stored_hashed() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (id, token) = new_agent(s, &admin, "istanbul", "edge-1");
        assert!(token.starts_with("bigr_") && token.len() > 80);
        let rows = s.rt.block_on(async {
            use bigr::store::entity::agent;
            use sea_orm::EntityTrait;
            agent::Entity::find().all(&s.db).await.unwrap()
        });
        let row = rows.iter().find(|a| a.id.to_string() == id).unwrap();
        let secret = token.rsplit('_').next().unwrap();
        assert_ne!(row.token_hash, secret);
        assert!(
            !format!("{row:?}").contains(secret),
            "the secret is nowhere in the row"
        );
        assert!(!admin.get("/api/agents").body.contains(secret));
        assert_eq!(agent_row(&admin, &id)["state"], "pending");
    });
}

#[test]
fn shared_secret_and_open_registration_follow_the_configuration() {
    let with_secret = ServerOptions {
        registration_secret: Some(Secret("fleet-secret-123".into())),
        ..Default::default()
    };
    let s = TestServer::start(false, with_secret).expect("server");
    let ok = register_with(
        &s,
        json!({"name": "a", "site": "lab", "secret": "fleet-secret-123"}),
    );
    assert_eq!(ok.status, 201, "{}", ok.body);
    let bad = register_with(
        &s,
        json!({"name": "a", "site": "lab", "secret": "fleet-secret-124"}),
    );
    assert_eq!(bad.status, 401);
    let none = register_with(&s, json!({"name": "a", "site": "lab"}));
    assert_eq!(none.status, 401);
    let no_site = register_with(&s, json!({"name": "a", "secret": "fleet-secret-123"}));
    assert_eq!(no_site.status, 400);
    drop(s);
    // No secret configured, reachable from outside: closed.
    let closed = TestServer::start(false, ServerOptions::default()).expect("server");
    let r = register_with(&closed, json!({"name": "a", "site": "lab"}));
    assert_eq!(r.status, 401);
    assert!(r.error().contains("enrollment token"));
    let r = register_with(
        &closed,
        json!({"name": "a", "site": "lab", "secret": "guess"}),
    );
    assert_eq!(r.status, 403);
    drop(closed);
    // Open registration only on the operator's opt-in, and only into a new site.
    let open = TestServer::start(
        false,
        ServerOptions {
            open_registration: true,
            ..Default::default()
        },
    )
    .expect("server");
    assert_eq!(
        register_with(&open, json!({"name": "a", "site": "lab"})).status,
        201
    );
    // The site exists now: a second credential-less agent may not join it.
    let r = register_with(&open, json!({"name": "b", "site": "lab"}));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.error().contains("enrollment token"), "{}", r.body);
    // Nor a site an admin made (with its inventory).
    let admin = open.signed_in(ADMIN);
    let made = admin.send(
        "POST",
        "/api/subnets",
        Some(&json!({"cidr": "10.0.0.0/24", "site": "istanbul"}).to_string()),
    );
    assert!(made.status < 300, "{}", made.body);
    assert_eq!(
        register_with(&open, json!({"name": "c", "site": "istanbul"})).status,
        403
    );
}

#[test]
fn ingest_writes_into_the_agents_own_site_once() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (_, ist) = new_agent(s, &admin, "istanbul", "edge-ist");
        let (_, ank) = new_agent(s, &admin, "ankara", "edge-ank");
        let body = report_json(&["10.9.0.5", "10.9.0.6"]).to_string();
        let first = as_agent(s, &ist, "POST", "/api/ingest/discovery", &body);
        assert_eq!(first.status, 201, "{}", first.body);
        let scan_id = first.json()["scan_id"].clone();
        assert_eq!(first.json()["site"], "istanbul");
        // Re-sent (the answer was lost): the same scan, nothing new.
        let again = as_agent(s, &ist, "POST", "/api/ingest/discovery", &body);
        assert_eq!(again.status, 200, "{}", again.body);
        assert_eq!(again.json()["scan_id"], scan_id);
        assert_eq!(again.json()["already_saved"], true);
        assert_eq!(count(s, "scans"), 1);
        // Same addresses from the other site: its own assets, no mixing.
        let other = report_json(&["10.9.0.5"]).to_string();
        assert_eq!(
            as_agent(s, &ank, "POST", "/api/ingest/discovery", &other).status,
            201
        );
        // Another site's agent re-sending istanbul's report id cannot write into istanbul.
        let stolen = as_agent(s, &ank, "POST", "/api/ingest/discovery", &body);
        assert_eq!(stolen.status, 409, "{}", stolen.body);
        let ist_ips = admin.get("/api/data?site=istanbul").json()["total"].clone();
        let ank_ips = admin.get("/api/data?site=ankara").json()["total"].clone();
        assert_eq!((ist_ips, ank_ips), (json!(2), json!(1)));
        let scans = admin.get("/api/scans?site=ankara").json();
        assert_eq!(scans["total"], 1);
        assert_eq!(scans["items"][0]["site"], "ankara");
    });
}

#[test]
fn bad_reports_are_refused_naming_the_field_and_store_nothing() {
    let opts = ServerOptions {
        ingest_body_limit: 256 * 1024,
        ..Default::default()
    };
    let s = TestServer::start(false, opts).expect("server");
    let admin = s.signed_in(ADMIN);
    let (_, token) = new_agent(&s, &admin, "istanbul", "edge");
    let good = report_json(&["10.9.0.5"]);
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut bad_ip = good.clone();
    bad_ip["assets"][0]["ip"] = json!("10.9.0.300");
    cases.push((bad_ip, "assets[0].ip"));
    let mut bad_mac = good.clone();
    bad_mac["assets"][0]["mac"] = json!("zz:11:22:33:44:55");
    cases.push((bad_mac, "assets[0].mac"));
    // Text the agent writes itself is refused when too long (network text is cut instead).
    let mut long_version = good.clone();
    long_version["scanner_version"] = json!("v".repeat(300));
    cases.push((long_version, "scanner_version"));
    let mut wrong_type = good.clone();
    wrong_type["assets"][0]["open_ports"] = json!("80");
    cases.push((wrong_type, "assets[0].open_ports"));
    let mut claims_site = good.clone();
    claims_site["site"] = json!("ankara");
    cases.push((claims_site, "site"));
    let mut many = good.clone();
    many["assets"][0]["services"] =
        json!((1..=1100).map(|p| json!({"port": p})).collect::<Vec<_>>());
    cases.push((many, "assets[0].services"));
    for (body, field) in cases {
        let r = as_agent(
            &s,
            &token,
            "POST",
            "/api/ingest/discovery",
            &body.to_string(),
        );
        assert_eq!(r.status, 422, "{field}: {}", r.body);
        assert!(r.error().contains(field), "{field}: {}", r.error());
    }
    let not_json = as_agent(&s, &token, "POST", "/api/ingest/discovery", "{\"id\": ");
    assert_eq!(not_json.status, 422);
    let huge = json!({"pad": "x".repeat(300 * 1024)}).to_string();
    let r = as_agent(&s, &token, "POST", "/api/ingest/discovery", &huge);
    assert_eq!(r.status, 413, "{}", r.body);
    let nobody = s
        .client()
        .send("POST", "/api/ingest/discovery", Some(&good.to_string()));
    assert_eq!(nobody.status, 401);
    assert_eq!(nobody.header("www-authenticate"), Some("Bearer"));
    assert_eq!(count(&s, "scans"), 0);
    assert_eq!(count(&s, "assets"), 0);
}

#[test]
fn revoke_rotate_and_delete_take_effect_at_once() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (id, token) = new_agent(s, &admin, "istanbul", "edge");
        let hb = json!({"activity": "idle"}).to_string();
        assert_eq!(
            as_agent(s, &token, "POST", "/api/agents/heartbeat", &hb).status,
            200
        );
        // Admin rotation: the old token dies, the new one works.
        let rotated = admin.send("POST", &format!("/api/agents/{id}/rotate"), None);
        assert_eq!(rotated.status, 200, "{}", rotated.body);
        let new_token = rotated.json()["token"].as_str().unwrap().to_string();
        assert_eq!(
            as_agent(s, &token, "POST", "/api/agents/heartbeat", &hb).status,
            401
        );
        assert_eq!(
            as_agent(s, &new_token, "POST", "/api/agents/heartbeat", &hb).status,
            200
        );
        // The agent rotates its own.
        let own = as_agent(s, &new_token, "POST", "/api/agents/rotate-token", "{}");
        assert_eq!(own.status, 200, "{}", own.body);
        let own_token = own.json()["token"].as_str().unwrap().to_string();
        assert_eq!(
            as_agent(s, &new_token, "POST", "/api/agents/heartbeat", &hb).status,
            401
        );
        let body = report_json(&["10.9.0.7"]).to_string();
        assert_eq!(
            as_agent(s, &own_token, "POST", "/api/ingest/discovery", &body).status,
            201
        );
        // Revoked: the very next ingest is refused, and it cannot be rotated back to life.
        let revoked = admin.send("POST", &format!("/api/agents/{id}/revoke"), None);
        assert_eq!(revoked.json()["state"], "revoked");
        let later = report_json(&["10.9.0.8"]).to_string();
        assert_eq!(
            as_agent(s, &own_token, "POST", "/api/ingest/discovery", &later).status,
            401
        );
        assert_eq!(
            admin
                .send("POST", &format!("/api/agents/{id}/rotate"), None)
                .status,
            409
        );
        // Deleted: gone from the list, its site's data stays.
        assert_eq!(
            admin
                .send("DELETE", &format!("/api/agents/{id}"), None)
                .status,
            204
        );
        assert!(
            admin.get("/api/agents").json()["agents"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert_eq!(admin.get("/api/data?site=istanbul").json()["total"], 1);
        assert_eq!(admin.get("/api/scans?site=istanbul").json()["total"], 1);
        assert_eq!(
            admin
                .send("DELETE", &format!("/api/agents/{id}"), None)
                .status,
            404
        );
    });
}

#[test]
fn heartbeats_and_the_sweep_drive_the_lifecycle() {
    let opts = ServerOptions {
        sweep_every: std::time::Duration::from_millis(200),
        ..Default::default()
    };
    let s = TestServer::start(true, opts.clone())
        .or_else(|| TestServer::start(false, opts))
        .expect("server");
    let admin = s.signed_in(ADMIN);
    let (id, token) = new_agent(&s, &admin, "istanbul", "edge");
    assert_eq!(agent_row(&admin, &id)["state"], "pending");
    let hb = json!({
        "version": "9.9.9", "activity": "scanning", "subnets": ["10.9.0.0/24"],
        "queue_depth": 4, "heartbeat_seconds": 1, "last_error": "disk full"
    });
    let r = as_agent(&s, &token, "POST", "/api/agents/heartbeat", &hb.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["state"], "online");
    let row = agent_row(&admin, &id);
    assert_eq!(
        (
            row["state"].clone(),
            row["version"].clone(),
            row["queue_depth"].clone(),
            row["activity"].clone(),
            row["last_error"].clone()
        ),
        (
            json!("online"),
            json!("9.9.9"),
            json!(4),
            json!("scanning"),
            json!("disk full")
        )
    );
    assert_eq!(row["subnets"], json!(["10.9.0.0/24"]));
    // Three missed one-second heartbeats: the server's own sweep marks it stale.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while agent_row(&admin, &id)["state"] != "stale" {
        assert!(std::time::Instant::now() < deadline, "never went stale");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let back = as_agent(
        &s,
        &token,
        "POST",
        "/api/agents/heartbeat",
        &json!({"heartbeat_seconds": 60}).to_string(),
    );
    assert_eq!(back.json()["state"], "online");
    let bye = as_agent(
        &s,
        &token,
        "POST",
        "/api/agents/heartbeat",
        &json!({"activity": "stopping"}).to_string(),
    );
    assert_eq!(bye.json()["state"], "offline");
    assert_eq!(agent_row(&admin, &id)["state"], "offline");
    for bad in [
        json!({"activity": "dancing"}),
        json!({"heartbeat_seconds": 0}),
        json!({"subnets": ["10.0.0.0/33"]}),
        json!({"queue_depth": -1}),
        json!({"extra": 1}),
    ] {
        let r = as_agent(
            &s,
            &token,
            "POST",
            "/api/agents/heartbeat",
            &bad.to_string(),
        );
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }
}

#[test]
fn agents_are_rate_limited_with_retry_after() {
    let opts = ServerOptions {
        agent_limits: AgentLimits {
            ingest: Rate {
                burst: 2,
                per_minute: 1,
            },
            heartbeat: Rate {
                burst: 3,
                per_minute: 1,
            },
            ..Default::default()
        },
        ..Default::default()
    };
    let s = TestServer::start(false, opts).expect("server");
    let admin = s.signed_in(ADMIN);
    let (_, token) = new_agent(&s, &admin, "istanbul", "edge");
    let (_, other) = new_agent(&s, &admin, "istanbul", "edge-2");
    for _ in 0..3 {
        assert_eq!(
            as_agent(&s, &token, "POST", "/api/agents/heartbeat", "{}").status,
            200
        );
    }
    let limited = as_agent(&s, &token, "POST", "/api/agents/heartbeat", "{}");
    assert_eq!(limited.status, 429);
    assert!(
        limited
            .header("retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    // Another agent has its own budget.
    assert_eq!(
        as_agent(&s, &other, "POST", "/api/agents/heartbeat", "{}").status,
        200
    );
    for i in 0..2 {
        let body = report_json(&["10.9.0.9"]).to_string();
        assert_eq!(
            as_agent(&s, &token, "POST", "/api/ingest/discovery", &body).status,
            201,
            "ingest {i}"
        );
    }
    let body = report_json(&["10.9.0.9"]).to_string();
    assert_eq!(
        as_agent(&s, &token, "POST", "/api/ingest/discovery", &body).status,
        429
    );
    assert_eq!(count(&s, "scans"), 2);
}

#[test]
fn shield_reports_keep_every_field_once() {
    on_each_server(|s| {
        let admin = s.signed_in(ADMIN);
        let (id, token) = new_agent(s, &admin, "istanbul", "edge");
        let report = json!({
            "id": uuid::Uuid::now_v7(),
            "target": "10.9.0.0/24", "preset": "standard", "modules": ["tls", "headers"],
            "started_at": Utc::now() - Duration::minutes(3), "completed_at": Utc::now() - Duration::minutes(1),
            "score": 61.5, "grade": "D",
            "findings": [
                {"module": "headers", "severity": "medium", "title": "CSP missing",
                 "description": "no Content-Security-Policy header", "remediation": "send one",
                 "target_ip": "10.9.0.5", "port": 443, "evidence": {"url": "https://10.9.0.5/"},
                 "attack_technique": "T1190"},
                {"module": "cve", "severity": "critical", "title": "vsftpd backdoor",
                 "target_ip": "10.9.0.6", "port": 21, "cve_id": "CVE-2011-2523", "cvss_score": 9.8}
            ]
        })
        .to_string();
        let first = as_agent(s, &token, "POST", "/api/ingest/shield", &report);
        assert_eq!(first.status, 201, "{}", first.body);
        let again = as_agent(s, &token, "POST", "/api/ingest/shield", &report);
        assert_eq!(again.status, 200);
        assert_eq!(
            again.json()["shield_scan_id"],
            first.json()["shield_scan_id"]
        );
        assert_eq!(count(s, "shield_findings"), 2);
        let list = s
            .signed_in(VIEWER)
            .get("/api/shield/scans?site=istanbul")
            .json();
        assert_eq!(list["total"], 1);
        let scan = &list["items"][0];
        // The server's score, from the findings of the modules that ran (headers 92, tls
        // 100; the cve finding's module did not run), not the sender's 61.5 / D.
        assert_eq!(
            (
                scan["score"].clone(),
                scan["grade"].clone(),
                scan["agent_id"].clone()
            ),
            (json!(97.3), json!("A+"), json!(id))
        );
        assert_eq!(scan["severity_counts"], json!({"critical": 1, "medium": 1}));
        let sid = scan["id"].as_str().unwrap();
        let findings = admin
            .get(&format!("/api/shield/scans/{sid}/findings"))
            .json()["findings"]
            .clone();
        let csp = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["module"] == "headers")
            .unwrap();
        assert_eq!(csp["description"], "no Content-Security-Policy header");
        assert_eq!(csp["attack_technique"], "T1190");
        assert_eq!(csp["evidence"]["url"], "https://10.9.0.5/");
        let cve = findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["module"] == "cve")
            .unwrap();
        assert_eq!(
            (cve["cve_id"].clone(), cve["cvss_score"].clone()),
            (json!("CVE-2011-2523"), json!(9.8))
        );
        let mut bad: Value = serde_json::from_str(&report).unwrap();
        bad["id"] = json!(uuid::Uuid::now_v7());
        bad["findings"][1]["severity"] = json!("urgent");
        let r = as_agent(s, &token, "POST", "/api/ingest/shield", &bad.to_string());
        assert_eq!(r.status, 422);
        assert!(r.error().contains("findings[1].severity"), "{}", r.body);
        assert_eq!(count(s, "shield_scans"), 1);
    });
}
