//! Alert schedules and the rules that watch states, over a real port on SQLite and
//! PostgreSQL: an hourly-digest channel holds ordinary messages and lets an urgent one go at
//! once, then sends one signed digest; quiet hours hold messages until a channel is switched
//! back to "at once"; an agent's failed scan and a site's compliance grade drop each open an
//! alert from real heartbeats and ingests, and resolve when the state is fine again.
use super::agent_api::{as_agent, new_agent};
use super::alert_receiver::{Received, Receiver, signature_ok};
use super::support::server::{ADMIN, Client, TestServer, VIEWER};
use super::support::{Backend, host, report};
use bigr::server::ServerOptions;
use bigr::store::entity::alert_outbox;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration as StdDuration;

const WAIT: StdDuration = StdDuration::from_secs(25);

/// Each backend, with the lifecycle sweep every second (agents, grades).
fn on_each_quick_server(test: impl Fn(&TestServer)) {
    for backend in Backend::ALL {
        let options = ServerOptions {
            sweep_every: StdDuration::from_secs(1),
            ..Default::default()
        };
        if let Some(s) = TestServer::start_on(backend, options) {
            test(&s);
        }
    }
}

fn ingest(s: &TestServer, token: &str, hosts: &[(&str, &[u16])]) {
    let at = Utc::now() - Duration::minutes(1);
    let obs = hosts.iter().map(|(ip, p)| host(ip, None, p)).collect();
    let r = report(at, &["10.9.0.0/24"], "23,80", obs);
    let r = as_agent(
        s,
        token,
        "POST",
        "/api/ingest/discovery",
        &serde_json::to_string(&r).unwrap(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

fn add_webhook(admin: &Client, url: &str, schedule: Value) -> (String, String) {
    let r = admin.send(
        "POST",
        "/api/alerts/channels",
        Some(
            &json!({"kind": "webhook", "name": "soc", "url": url, "schedule": schedule})
                .to_string(),
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    (
        v["channel"]["id"].as_str().unwrap().to_string(),
        v["hmac_key"].as_str().unwrap().to_string(),
    )
}

fn statuses(admin: &Client) -> Vec<String> {
    let log = admin.get("/api/alerts/deliveries?per_page=100").json();
    let mut out: Vec<String> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// The time held messages wait for, made to have passed.
fn let_held_time_pass(s: &TestServer) {
    s.rt.block_on(
        alert_outbox::Entity::update_many()
            .col_expr(
                alert_outbox::Column::NextAttemptAt,
                Expr::value(Utc::now() - Duration::seconds(1)),
            )
            .filter(alert_outbox::Column::Status.eq("held"))
            .exec(&s.db),
    )
    .unwrap();
}

fn digest_ips(r: &Received) -> BTreeSet<String> {
    r.json()["digest"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["alert"]["detail"]["ip"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_hourly_digest_holds_ordinary_messages_and_sends_urgent_ones_at_once() {
    on_each_quick_server(|s| {
        let rx = Receiver::start();
        let admin = s.signed_in(ADMIN);
        let (_, key) = add_webhook(&admin, &rx.url("/hook"), json!({"digest": "hourly"}));
        let listed = admin.get("/api/alerts/channels").json();
        assert_eq!(listed[0]["schedule"]["digest"], "hourly", "{listed}");
        let rule = admin.send(
            "PUT",
            "/api/alerts/rules/risky_port",
            Some(r#"{"severity":"critical"}"#),
        );
        assert_eq!(rule.status, 200, "{}", rule.body);
        let (_, token) = new_agent(s, &admin, "sivas", "edge");
        ingest(
            s,
            &token,
            &[
                ("10.9.0.20", &[80]),
                ("10.9.0.21", &[80]),
                ("10.9.0.22", &[23]),
            ],
        );
        // Telnet opened is critical: it skips the digest.
        let urgent = rx.wait_for(WAIT, |g| !g.is_empty());
        assert_eq!(urgent.len(), 1, "{} only the urgent one", s.backend());
        assert_eq!(urgent[0].json()["alert"]["kind"], "risky_port");
        std::thread::sleep(StdDuration::from_secs(3));
        assert_eq!(rx.got.lock().unwrap().len(), 1, "the rest are held");
        assert_eq!(statuses(&admin), ["held", "held", "held", "sent"]);

        let_held_time_pass(s);
        let got = rx.wait_for(WAIT, |g| g.len() >= 2);
        assert_eq!(got.len(), 2, "one digest");
        let digest = &got[1];
        assert_eq!(digest.header("x-bigr-event"), Some("digest"));
        assert!(signature_ok(digest, &key), "signed like any message");
        assert!(
            digest
                .header("idempotency-key")
                .is_some_and(|k| k.starts_with("digest."))
        );
        let body = digest.json();
        assert_eq!(body["digest"]["count"], 3, "{body}");
        assert_eq!(
            body["alert"]["title"], "3 alert messages (3 new device)",
            "{body}"
        );
        let ips = digest_ips(digest);
        assert_eq!(
            ips,
            BTreeSet::from(["10.9.0.20".into(), "10.9.0.21".into(), "10.9.0.22".into()])
        );
        assert_eq!(
            statuses(&admin),
            ["digested", "digested", "digested", "sent", "sent"]
        );
        std::thread::sleep(StdDuration::from_secs(3));
        assert_eq!(rx.got.lock().unwrap().len(), 2, "sent once");
    });
}

/// `HH:MM-HH:MM` in UTC around now, so that now is inside.
fn quiet_now() -> String {
    let fmt = |t: chrono::DateTime<Utc>| t.format("%H:%M").to_string();
    format!(
        "{}-{}",
        fmt(Utc::now() - Duration::hours(1)),
        fmt(Utc::now() + Duration::hours(1))
    )
}

#[test]
fn quiet_hours_hold_messages_until_the_channel_sends_at_once_again() {
    on_each_quick_server(|s| {
        let rx = Receiver::start();
        let admin = s.signed_in(ADMIN);
        let (id, _) = add_webhook(&admin, &rx.url("/hook"), json!({}));
        let path = format!("/api/alerts/channels/{id}");
        let bad = admin.send(
            "PATCH",
            &path,
            Some(r#"{"schedule":{"quiet_hours":"22:00-07:00","timezone":"Mars/Base"}}"#),
        );
        assert_eq!(bad.status, 400, "{}", bad.body);
        assert!(bad.error().contains("timezone"), "{}", bad.body);
        let viewer = s.signed_in(VIEWER);
        assert_eq!(viewer.send("PATCH", &path, Some("{}")).status, 403);
        let quiet = admin.send(
            "PATCH",
            &path,
            Some(&json!({"schedule": {"quiet_hours": quiet_now(), "timezone": "UTC"}}).to_string()),
        );
        assert_eq!(quiet.status, 200, "{}", quiet.body);
        assert_eq!(quiet.json()["schedule"]["timezone"], "UTC");

        let (_, token) = new_agent(s, &admin, "mardin", "edge");
        ingest(s, &token, &[("10.9.0.30", &[80]), ("10.9.0.31", &[80])]);
        let deadline = std::time::Instant::now() + WAIT;
        while statuses(&admin).len() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(StdDuration::from_millis(200));
        }
        assert_eq!(statuses(&admin), ["held", "held"], "{}", s.backend());
        std::thread::sleep(StdDuration::from_secs(3));
        assert!(
            rx.got.lock().unwrap().is_empty(),
            "nothing during quiet hours"
        );

        // Back to "at once": what was held goes now, together.
        let loud = admin.send("PATCH", &path, Some(r#"{"schedule":{}}"#));
        assert_eq!(loud.status, 200, "{}", loud.body);
        let got = rx.wait_for(WAIT, |g| !g.is_empty());
        assert_eq!(got.len(), 1);
        assert_eq!(
            digest_ips(&got[0]),
            BTreeSet::from(["10.9.0.30".into(), "10.9.0.31".into()])
        );
        let audit = admin.get("/api/audit?action=alert_channel.update").json();
        assert!(
            audit.to_string().contains("alert_channel.update"),
            "{audit}"
        );
    });
}

fn heartbeat(s: &TestServer, token: &str, failure: Option<Value>) {
    let mut body = json!({"heartbeat_seconds": 60});
    if let Some(f) = failure {
        body["scan_failure"] = f;
    }
    let r = as_agent(s, token, "POST", "/api/agents/heartbeat", &body.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
}

fn live_of(admin: &Client, kind: &str) -> Vec<Value> {
    admin
        .get(&format!("/api/alerts?status=active&kind={kind}"))
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn wait_until(what: &str, f: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + WAIT;
    while !f() {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        std::thread::sleep(StdDuration::from_millis(200));
    }
}

#[test]
fn a_failed_agent_scan_alerts_until_a_scan_succeeds() {
    on_each_quick_server(|s| {
        let rx = Receiver::start();
        let admin = s.signed_in(ADMIN);
        add_webhook(&admin, &rx.url("/hook"), json!({}));
        let (_, token) = new_agent(s, &admin, "tokat", "edge");
        let long = "x".repeat(600);
        let refused = as_agent(
            s,
            &token,
            "POST",
            "/api/agents/heartbeat",
            &json!({"scan_failure": {"at": Utc::now(), "reason": long}}).to_string(),
        );
        assert_eq!(refused.status, 400, "{}", refused.body);
        heartbeat(
            s,
            &token,
            Some(json!({"at": Utc::now(), "reason": "no connected interface"})),
        );
        wait_until("scan_failed opens", || {
            live_of(&admin, "scan_failed").len() == 1
        });
        let alert = &live_of(&admin, "scan_failed")[0];
        assert_eq!(alert["severity"], "high");
        assert!(
            alert["title"]
                .as_str()
                .unwrap()
                .contains("no connected interface"),
            "{alert}"
        );
        // The same failure reported again is the same alert.
        heartbeat(
            s,
            &token,
            Some(json!({"at": Utc::now(), "reason": "no connected interface"})),
        );
        std::thread::sleep(StdDuration::from_secs(2));
        assert_eq!(live_of(&admin, "scan_failed").len(), 1);
        heartbeat(s, &token, None);
        wait_until("scan_failed resolves", || {
            live_of(&admin, "scan_failed").is_empty()
        });
        let got = rx.wait_for(WAIT, |g| g.len() >= 2);
        let events: Vec<(String, String)> = got
            .iter()
            .map(|r| {
                let v = r.json();
                (
                    v["event"].as_str().unwrap().into(),
                    v["alert"]["kind"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(
            events,
            [
                ("opened".to_string(), "scan_failed".to_string()),
                ("resolved".to_string(), "scan_failed".to_string())
            ]
        );
    });
}

fn asset_ids(admin: &Client, site: &str) -> Vec<(String, String)> {
    admin
        .get(&format!("/api/data?site={site}&per_page=100"))
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["ip"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn tag_all(admin: &Client, site: &str) {
    for (id, _) in asset_ids(admin, site) {
        let r = admin.send(
            "PUT",
            &format!("/api/assets/{id}/tag"),
            Some(r#"{"category":"ag_ve_sistemler","note":"inventoried"}"#),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

fn site_grade(admin: &Client, site: &str) -> String {
    admin.get(&format!("/api/compliance?site={site}")).json()["grade"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_compliance_grade_drop_alerts_until_the_grade_is_back() {
    on_each_quick_server(|s| {
        let rx = Receiver::start();
        let admin = s.signed_in(ADMIN);
        add_webhook(&admin, &rx.url("/hook"), json!({}));
        let (_, token) = new_agent(s, &admin, "corum", "edge");
        let first: Vec<String> = (10..20).map(|i| format!("10.9.0.{i}")).collect();
        let hosts: Vec<(&str, &[u16])> =
            first.iter().map(|ip| (ip.as_str(), &[80u16][..])).collect();
        ingest(s, &token, &hosts);
        // Every device classified by hand: grade A, the site's baseline.
        tag_all(&admin, "corum");
        assert_eq!(site_grade(&admin, "corum"), "A");
        std::thread::sleep(StdDuration::from_secs(3)); // a sweep records the baseline
        assert!(live_of(&admin, "grade_drop").is_empty());

        // Ten unknown devices arrive: half the inventory unclassified.
        let more: Vec<String> = (30..40).map(|i| format!("10.9.0.{i}")).collect();
        let hosts: Vec<(&str, &[u16])> =
            more.iter().map(|ip| (ip.as_str(), &[80u16][..])).collect();
        ingest(s, &token, &hosts);
        let now_grade = site_grade(&admin, "corum");
        assert_ne!(now_grade, "A");
        wait_until("grade_drop opens", || {
            live_of(&admin, "grade_drop").len() == 1
        });
        let alert = &live_of(&admin, "grade_drop")[0];
        assert_eq!(alert["detail"]["from"], "A", "{alert}");
        assert_eq!(alert["detail"]["to"], now_grade.as_str(), "{alert}");
        let score = admin.get("/api/compliance?site=corum").json()["compliance_score"].clone();
        assert_eq!(alert["detail"]["score"], score, "the API's own figure");

        tag_all(&admin, "corum");
        wait_until("grade_drop resolves", || {
            live_of(&admin, "grade_drop").is_empty()
        });
        let got = rx.wait_for(WAIT, |g| {
            g.iter().any(|r| {
                let v = r.json();
                v["event"] == "resolved" && v["alert"]["kind"] == "grade_drop"
            })
        });
        let grade_msgs = got
            .iter()
            .filter(|r| r.json()["alert"]["kind"] == "grade_drop")
            .count();
        assert_eq!(grade_msgs, 2, "opened and resolved, once each");
    });
}
