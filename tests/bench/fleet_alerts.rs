//! The fleet under alert load (issue 18): the usual schedule twice, each time with a tenth of
//! every report's devices replaced (new devices, addresses claimed by new MACs), first with
//! every alert rule off, then with every rule on and two webhooks that fail as real ones do,
//! one taking connections and never answering, one answering after 3 s. Alert work runs in
//! the server's worker, after the ingest's transaction: ingest latency should stay within
//! 10 % of the figure without alerts.
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Which devices the reports carry: a change replaces every tenth device of every report.
pub static GENERATION: AtomicU32 = AtomicU32::new(0);

const KINDS: [&str; 10] = [
    "new_device",
    "device_missing",
    "risky_port",
    "cert_expiring",
    "agent_down",
    "shield_finding",
    "scan_partial",
    "address_conflict",
    "scan_failed",
    "grade_drop",
];

/// A webhook host that takes connections and never answers.
fn dead_webhook() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in l.incoming().flatten() {
            held.push(c);
        }
    });
    url
}

/// A webhook host that answers every request 200 after 3 s.
fn slow_webhook() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
                let mut buf = [0u8; 65536];
                let _ = c.read(&mut buf);
                std::thread::sleep(Duration::from_secs(3));
                let _ = c.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            });
        }
    });
    url
}

struct Admin {
    port: u16,
    cookie: String,
    csrf: String,
    http: ureq::Agent,
}

impl Admin {
    fn send(&self, method: &str, path: &str, body: serde_json::Value) -> u16 {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let req = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Cookie", &self.cookie)
            .header("X-CSRF-Token", &self.csrf)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .unwrap();
        self.http.run(req).map_or(0, |r| r.status().as_u16())
    }

    fn total(&self, path: &str) -> u64 {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        self.http
            .get(url)
            .header("Cookie", &self.cookie)
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_json::<serde_json::Value>().ok())
            .and_then(|v| v["total"].as_u64())
            .unwrap_or(0)
    }
}

/// Ingest p50 and p99 of one run of the schedule, in ms.
fn ingest_run(port: u16, tokens: &[String], speedup: u64, seconds: u64) -> (f64, f64, usize) {
    GENERATION.fetch_add(1, Ordering::SeqCst);
    let mut t = super::simulate(port, tokens, speedup, seconds);
    let n = t.ingest_ms.len();
    (
        super::pct(&mut t.ingest_ms, 0.5),
        super::pct(&mut t.ingest_ms, 0.99),
        n,
    )
}

/// Runs both phases and prints them, signed in as `session` (cookie, CSRF token): signed in
/// before the abuse phase, whose login burst locks the admin account out for a while.
pub fn run(port: u16, tokens: &[String], speedup: u64, session: (String, String)) {
    let (cookie, csrf) = session;
    let admin = Admin {
        port,
        cookie,
        csrf,
        http: super::http(),
    };
    let seconds = 20;
    for kind in KINDS {
        let path = format!("/api/alerts/rules/{kind}");
        assert_eq!(
            admin.send("PUT", &path, serde_json::json!({"enabled": false})),
            200
        );
    }
    let before = admin.total("/api/alerts?per_page=1");
    let (off50, off99, off_n) = ingest_run(port, tokens, speedup, seconds);
    let raised_off = admin.total("/api/alerts?per_page=1") - before;
    for kind in KINDS {
        let path = format!("/api/alerts/rules/{kind}");
        assert_eq!(
            admin.send("PUT", &path, serde_json::json!({"enabled": true})),
            200
        );
    }
    for (name, url) in [("dead", dead_webhook()), ("slow", slow_webhook())] {
        let body = serde_json::json!({"kind": "webhook", "name": name, "url": url});
        assert_eq!(admin.send("POST", "/api/alerts/channels", body), 201);
    }
    let (on50, on99, on_n) = ingest_run(port, tokens, speedup, seconds);
    // The worker catches up on the scans of the run's last seconds.
    std::thread::sleep(Duration::from_secs(5));
    let raised = admin.total("/api/alerts?per_page=1") - before - raised_off;
    let queued = admin.total("/api/alerts/deliveries?per_page=1");
    let within = |on: f64, off: f64| {
        if on <= off * 1.10 { "held" } else { "MISSED" }
    };
    println!(
        "alerts: ingest p50 {off50:.0} ms, p99 {off99:.0} ms ({off_n} ingests) with every rule off ({raised_off} alerts); \
         p50 {on50:.0} ms, p99 {on99:.0} ms ({on_n} ingests) with every rule on and a dead and a slow webhook ({raised} alerts, {queued} messages queued)"
    );
    println!(
        "  target: ingest latency within 10 % of the figure without alerts: p50 {} ({:+.0} %), p99 {} ({:+.0} %)",
        within(on50, off50),
        (on50 / off50 - 1.0) * 100.0,
        within(on99, off99),
        (on99 / off99 - 1.0) * 100.0
    );
}
