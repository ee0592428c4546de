//! Alerts end to end over a real port, on SQLite and PostgreSQL: discovery reports go in as an
//! agent would send them, the server's worker turns their changes into alerts and delivers
//! them to a real HTTP receiver, signed; devices that flap fold into one alert; a receiver
//! that refuses gets the message again later with the same idempotency key; channel
//! destinations never come back out; and two servers on one PostgreSQL send each message
//! exactly once.
use super::agent_api::{as_agent, new_agent};
use super::alert_receiver::{Received, Receiver, signature_ok};
use super::support::server::{ADMIN, Client, TestServer, TwoInstances, VIEWER, on_each_server};
use super::support::{host, report};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration as StdDuration;

const WAIT: StdDuration = StdDuration::from_secs(20);

/// Sends a discovery report of `hosts` ((ip, open ports)) started `minutes_ago`.
fn ingest(s: &TestServer, token: &str, minutes_ago: i64, hosts: &[(&str, &[u16])]) {
    let at = Utc::now() - Duration::minutes(minutes_ago);
    let obs = hosts.iter().map(|(ip, p)| host(ip, None, p)).collect();
    let r = report(at, &["10.9.0.0/24"], "22,23,80", obs);
    let r = as_agent(
        s,
        token,
        "POST",
        "/api/ingest/discovery",
        &serde_json::to_string(&r).unwrap(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

fn events(got: &[Received]) -> Vec<(String, String, String)> {
    got.iter()
        .map(|r| {
            let v = r.json();
            (
                v["event"].as_str().unwrap_or("").to_string(),
                v["alert"]["kind"].as_str().unwrap_or("").to_string(),
                v["alert"]["detail"]["ip"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

fn has(got: &[Received], event: &str, kind: &str, ip: &str) -> bool {
    events(got)
        .iter()
        .any(|(e, k, i)| e == event && k == kind && i == ip)
}

fn add_webhook(admin: &Client, url: &str) -> (String, String) {
    let r = admin.send(
        "POST",
        "/api/alerts/channels",
        Some(&json!({"kind": "webhook", "name": "soc", "url": url}).to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    (
        v["channel"]["id"].as_str().unwrap().to_string(),
        v["hmac_key"]
            .as_str()
            .expect("a generated key, shown once")
            .to_string(),
    )
}

#[test]
fn changes_become_signed_alerts_once_and_flapping_folds() {
    on_each_server(|s| {
        let rx = Receiver::start();
        let admin = s.signed_in(ADMIN);
        let viewer = s.signed_in(VIEWER);
        let (channel, key) = add_webhook(&admin, &rx.url("/hooks/T0/very-secret-path"));
        // The destination is write-only: the list shows the host, never the path or the key.
        let listed = admin.get("/api/alerts/channels").body;
        assert!(
            listed.contains(&format!("http://127.0.0.1:{}", rx.port)),
            "{listed}"
        );
        assert!(!listed.contains("very-secret-path") && !listed.contains(&key));
        assert_eq!(viewer.get("/api/alerts/channels").status, 403);
        assert_eq!(s.client().get("/api/alerts").status, 401);

        let (_, token) = new_agent(s, &admin, "izmir", "edge");
        // .5 and .6 appear; .5 opens Telnet; .6 goes missing (two covering scans, 15 min);
        // .6 returns; .6 goes missing again within the hour: a flap.
        let (a, b): (&str, &str) = ("10.9.0.5", "10.9.0.6");
        ingest(s, &token, 120, &[(a, &[22]), (b, &[80])]);
        ingest(s, &token, 100, &[(a, &[22, 23])]);
        ingest(s, &token, 80, &[(a, &[22])]);
        let expected = [
            ("opened", "new_device", a),
            ("opened", "new_device", b),
            ("opened", "risky_port", a),
            ("resolved", "risky_port", a),
            ("opened", "device_missing", b),
        ];
        let first = rx.wait_for(WAIT, |g| expected.iter().all(|(e, k, ip)| has(g, e, k, ip)));
        for (event, kind, ip) in [
            ("opened", "new_device", a),
            ("opened", "new_device", b),
            ("opened", "risky_port", a),
            ("resolved", "risky_port", a),
            ("opened", "device_missing", b),
        ] {
            assert!(
                has(&first, event, kind, ip),
                "{event} {kind} {ip}: {:?}",
                events(&first)
            );
        }
        ingest(s, &token, 60, &[(a, &[22]), (b, &[80])]);
        let back = rx.wait_for(WAIT, |g| has(g, "resolved", "device_missing", b));
        assert!(
            has(&back, "resolved", "device_missing", b),
            "{:?}",
            events(&back)
        );
        ingest(s, &token, 40, &[(a, &[22])]);
        ingest(s, &token, 20, &[(a, &[22])]);
        let all = rx.wait_for(WAIT, |g| has(g, "reopened", "device_missing", b));
        assert!(
            has(&all, "reopened", "device_missing", b),
            "{:?}",
            events(&all)
        );
        // Each message signed, timestamped, with its own idempotency key, sent once.
        let keys: BTreeSet<&str> = all
            .iter()
            .filter_map(|r| r.header("idempotency-key"))
            .collect();
        assert_eq!(keys.len(), all.len(), "one delivery per message");
        for r in &all {
            assert!(
                signature_ok(r, &key),
                "bad signature on {}",
                String::from_utf8_lossy(&r.body)
            );
            assert_eq!(r.path, "/hooks/T0/very-secret-path");
            assert_eq!(
                r.header("idempotency-key"),
                r.json()["idempotency_key"].as_str()
            );
        }
        assert!(!signature_ok(&all[0], "another-key-entirely"));

        // One alert for the flapping device, counting both times.
        let missing = viewer
            .get("/api/alerts?site=izmir&kind=device_missing")
            .json();
        assert_eq!(missing["total"], 1, "{missing}");
        let m = &missing["items"][0];
        assert_eq!(
            (m["status"].as_str(), m["occurrences"].as_i64()),
            (Some("open"), Some(2))
        );
        assert_eq!(
            viewer
                .get("/api/alerts?status=resolved&kind=risky_port")
                .json()["total"],
            1
        );

        // Acknowledging: admins only, with a note, in the audit log.
        let id = m["id"].as_str().unwrap();
        let ack = format!("/api/alerts/{id}/ack");
        let note = r#"{"note":"Ayşe kabloyu kontrol ediyor"}"#;
        assert_eq!(viewer.send("POST", &ack, Some(note)).status, 403);
        let acked = admin.send("POST", &ack, Some(note)).json();
        assert_eq!(acked["status"], "acknowledged");
        assert_eq!(acked["ack_note"], "Ayşe kabloyu kontrol ediyor");
        assert_eq!(acked["acknowledged_by"], "admin");
        let log = admin.get("/api/audit?action=alert.").json();
        assert!(log.to_string().contains("alert.ack"), "{log}");
        assert!(
            !admin
                .get("/api/audit?action=alert_channel.")
                .body
                .contains("very-secret-path"),
            "no destination in the audit log"
        );

        // "Send test" reaches the receiver at once and says so.
        let t = admin.send(
            "POST",
            &format!("/api/alerts/channels/{channel}/test"),
            None,
        );
        assert_eq!(t.status, 200, "{}", t.body);
        assert_eq!(t.json()["status"], "sent", "{}", t.body);
        let got = rx.wait_for(WAIT, |g| g.iter().any(|r| r.json()["event"] == "test"));
        assert!(got.iter().any(|r| r.json()["event"] == "test"));
        let log = admin.get("/api/alerts/deliveries?per_page=100").json();
        assert!(
            log["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["status"] == "sent"),
            "{log}"
        );
    });
}

#[test]
fn a_refusing_receiver_gets_the_message_again_with_the_same_key() {
    on_each_server(|s| {
        let rx = Receiver::start();
        rx.answer.store(503, std::sync::atomic::Ordering::SeqCst);
        let admin = s.signed_in(ADMIN);
        add_webhook(&admin, &rx.url("/hook"));
        // Only unknown vendors are news at this site... and an observation has no vendor.
        let rule = admin.send(
            "PUT",
            "/api/alerts/rules/new_device",
            Some(r#"{"severity":"high","params":{"unknown_vendor_only":true}}"#),
        );
        assert_eq!(rule.status, 200, "{}", rule.body);
        assert_eq!(rule.json()["severity"], "high");
        let bad = admin.send(
            "PUT",
            "/api/alerts/rules/new_device",
            Some(r#"{"params":{"days":3}}"#),
        );
        assert_eq!(bad.status, 400, "{}", bad.body);
        let (_, token) = new_agent(s, &admin, "ankara", "edge");
        ingest(s, &token, 5, &[("10.9.0.7", &[80])]);
        let refused = rx.wait_for(WAIT, |g| !g.is_empty());
        assert!(!refused.is_empty(), "the first try arrives");
        rx.answer.store(200, std::sync::atomic::Ordering::SeqCst);
        // Retried after 5 s (then 10, 20…); the log shows the failed try meanwhile.
        let log = admin.get("/api/alerts/deliveries").json();
        let d = &log["items"][0];
        assert!(d["attempts"].as_i64().unwrap() >= 1, "{log}");
        let both = rx.wait_for(WAIT, |g| g.len() >= 2);
        assert!(both.len() >= 2, "a retry after the refusal");
        assert_eq!(
            both[0].header("idempotency-key"),
            both[1].header("idempotency-key"),
            "the receiver can tell it is the same message"
        );
        let log = rx.wait_for(StdDuration::from_millis(1), |_| true);
        assert_eq!(log[0].json()["alert"]["severity"], "high");
        // Sent now: no further tries.
        let done = admin.get("/api/alerts/deliveries").json();
        assert_eq!(done["items"][0]["status"], "sent", "{done}");
    });
}

#[test]
fn two_servers_on_one_postgres_send_each_message_once() {
    // Directly, then both through PgBouncer in transaction mode (Neon's pooled endpoint).
    for pooled in [false, true] {
        let Some(TwoInstances { one, two, pg }) =
            TwoInstances::start(pooled, |_| Default::default())
        else {
            return;
        };
        let rx = Receiver::start();
        let admin = one.signed_in(ADMIN);
        add_webhook(&admin, &rx.url("/hook"));
        let (_, token) = new_agent(&one, &admin, "bursa", "edge");
        // Forty new devices in four reports, half through each server.
        for i in 0..4 {
            let ips: Vec<String> = (0..10).map(|j| format!("10.9.{i}.{}", j + 10)).collect();
            let hosts: Vec<(&str, &[u16])> =
                ips.iter().map(|ip| (ip.as_str(), &[80u16][..])).collect();
            ingest(if i % 2 == 0 { &one } else { &two }, &token, 10 - i, &hosts);
        }
        let got = rx.wait_for(WAIT, |g| g.len() >= 40);
        std::thread::sleep(StdDuration::from_secs(5)); // time for any duplicate to show up
        let got = rx
            .wait_for(StdDuration::from_millis(1), |_| true)
            .len()
            .max(got.len());
        let all = rx.got.lock().unwrap().clone();
        let keys: BTreeSet<String> = all
            .iter()
            .filter_map(|r| r.header("idempotency-key").map(str::to_string))
            .collect();
        assert_eq!(
            (all.len(), keys.len()),
            (40, 40),
            "each of 40 alerts delivered once ({got})"
        );
        let ips: BTreeSet<String> = all
            .iter()
            .map(|r| {
                r.json()["alert"]["detail"]["ip"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(ips.len(), 40);
        let listed: Value = admin.get("/api/alerts?per_page=100").json();
        assert_eq!(listed["total"], 40);
        drop((one, two));
        drop(pg);
    }
}
