//! The fleet under alert load (issue 18): the usual schedule three times, each time with 4 of
//! every report's 200 devices replaced (new devices, addresses claimed by new MACs): with
//! every alert rule off; with every rule on and no channel; and with every rule on and two
//! webhooks that fail as real ones do, one taking connections and never answering, one
//! answering after 3 s (the last two alternate, twice each). Alert work runs in the server's worker, after the ingest's
//! transaction; a dead webhook must not delay ingest: latency within 10 % of the figure
//! without it. The cost of evaluating alerts at all is printed beside it.
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

    /// POSTs `body`; the status and the answer's `channel.id`.
    fn create(&self, path: &str, body: serde_json::Value) -> (u16, String) {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        match self
            .http
            .post(url)
            .header("Cookie", &self.cookie)
            .header("X-CSRF-Token", &self.csrf)
            .send_json(body)
        {
            Ok(mut r) => {
                let status = r.status().as_u16();
                let v: serde_json::Value = r.body_mut().read_json().unwrap_or_default();
                (
                    status,
                    v["channel"]["id"].as_str().unwrap_or("").to_string(),
                )
            }
            Err(_) => (0, String::new()),
        }
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

/// Runs the phases and prints them, signed in as `session` (cookie, CSRF token): signed in
/// before the abuse phase, whose login burst locks the admin account out for a while. The
/// phases with and without the failing webhooks alternate (no channel, webhooks, no channel,
/// webhooks) so that drift over the run (a growing database) falls on both sides.
pub fn run(port: u16, tokens: &[String], speedup: u64, session: (String, String)) {
    let (cookie, csrf) = session;
    let admin = Admin {
        port,
        cookie,
        csrf,
        http: super::http(),
    };
    let seconds = super::env_u64("BIGR_FLEET_ALERT_SECONDS", 60);
    let set_rules = |enabled: bool| {
        for kind in KINDS {
            let path = format!("/api/alerts/rules/{kind}");
            let body = serde_json::json!({ "enabled": enabled });
            assert_eq!(admin.send("PUT", &path, body), 200);
        }
    };
    set_rules(false);
    let off = ingest_run(port, tokens, speedup, seconds);
    set_rules(true);
    let before = admin.total("/api/alerts?per_page=1");
    let mut ids = Vec::new();
    for (name, url) in [("dead", dead_webhook()), ("slow", slow_webhook())] {
        let body = serde_json::json!({"kind": "webhook", "name": name, "url": url});
        let (status, id) = admin.create("/api/alerts/channels", body);
        assert_eq!(status, 201);
        ids.push(id);
    }
    let switch = |enabled: bool| {
        for id in &ids {
            let path = format!("/api/alerts/channels/{id}");
            assert_eq!(
                admin.send("PATCH", &path, serde_json::json!({ "enabled": enabled })),
                200
            );
        }
    };
    let (mut quiet, mut failing) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        switch(false);
        quiet.push(ingest_run(port, tokens, speedup, seconds));
        switch(true);
        failing.push(ingest_run(port, tokens, speedup, seconds));
    }
    // The worker catches up on the scans of the run's last seconds.
    std::thread::sleep(Duration::from_secs(5));
    let raised = admin.total("/api/alerts?per_page=1") - before;
    let queued = admin.total("/api/alerts/deliveries?per_page=1");
    let mean = |v: &[(f64, f64, usize)], f: fn(&(f64, f64, usize)) -> f64| {
        v.iter().map(f).sum::<f64>() / v.len() as f64
    };
    let (q50, q99) = (mean(&quiet, |r| r.0), mean(&quiet, |r| r.1));
    let (f50, f99) = (mean(&failing, |r| r.0), mean(&failing, |r| r.1));
    let within = |on: f64, off: f64| if on <= off * 1.10 { "held" } else { "MISSED" };
    let change = |a: f64, b: f64| (a / b - 1.0) * 100.0;
    let phases = |v: &[(f64, f64, usize)]| {
        v.iter()
            .map(|r| format!("{:.0}/{:.0}", r.0, r.1))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "alerts ({seconds} s phases, 4 of 200 devices replaced per report), ingest p50/p99 ms: every rule off {:.0}/{:.0}; \
         every rule on without channels {} ; with a dead and a slow webhook {} ({raised} alerts, {queued} messages queued)",
        off.0,
        off.1,
        phases(&quiet),
        phases(&failing),
    );
    println!(
        "  target: a dead webhook does not delay ingest (within 10 % of no channel, means of two phases each): p50 {} ({:+.0} %), p99 {} ({:+.0} %); evaluating alerts at all: p50 {:+.0} %, p99 {:+.0} % against every rule off",
        within(f50, q50),
        change(f50, q50),
        within(f99, q99),
        change(f99, q99),
        change(q50, off.0),
        change(q99, off.1),
    );
}
