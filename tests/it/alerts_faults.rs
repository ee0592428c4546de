//! Alert delivery across a crash: a real `bigr serve` process claims a message and is killed
//! with SIGKILL while the receiver holds the request unanswered. A new process on the same
//! database sends it again once the claim runs out, with the same idempotency key, and the
//! delivery log shows one message tried twice. On SQLite and on PostgreSQL.
use super::alert_receiver::Receiver;
use super::support::server::{ADMIN, Client, Served, free_port, runtime, wait_healthy};
use super::support::{PgDatabase, host, report};
use chrono::{Duration, Utc};
use serde_json::json;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

/// `bigr serve` on `home` (and `database_url` when given) at `port`.
fn serve(home: &std::path::Path, database_url: Option<&str>, port: u16) -> Served {
    let bin = assert_cmd::cargo::cargo_bin!("bigr");
    let mut cmd = Command::new(bin);
    cmd.arg("--home")
        .arg(home)
        .args(["serve", "--port", &port.to_string()])
        .env("BIGR_ADMIN_PASSWORD", ADMIN.1)
        .env("BIGR_ADMIN_USER", ADMIN.0)
        .env_remove("DATABASE_URL")
        .env_remove("PORT")
        .env_remove("RENDER")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    let served = Served(cmd.spawn().expect("spawn bigr serve"));
    wait_healthy(&format!("http://127.0.0.1:{port}"));
    served
}

/// An agent token for `site`, registered through the API.
fn agent_token(base: &str, admin: &Client, site: &str) -> String {
    let enroll = super::agent_api::enroll(admin, site);
    let r = Client::new(base).send(
        "POST",
        "/api/agents/register",
        Some(&json!({"name": "edge", "site": site, "enroll_token": enroll}).to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_string()
}

fn crash_between_claim_and_send(database_url: Option<&str>) {
    let home = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut first = serve(home.path(), database_url, port);
    let mut admin = Client::new(&base);
    assert_eq!(admin.login(ADMIN.0, ADMIN.1).status, 200);
    let rx = Receiver::start();
    rx.hang.store(true, Ordering::SeqCst);
    let made = admin.send(
        "POST",
        "/api/alerts/channels",
        Some(&json!({"kind": "webhook", "name": "soc", "url": rx.url("/hook")}).to_string()),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let token = agent_token(&base, &admin, "kars");
    let r = report(
        Utc::now() - Duration::minutes(1),
        &["10.9.0.0/24"],
        "80",
        vec![host("10.9.0.40", None, &[80])],
    );
    let sent = Client::new(&base).raw(
        "POST",
        "/api/ingest/discovery",
        Some(&serde_json::to_string(&r).unwrap()),
        &[("Authorization", &format!("Bearer {token}"))],
    );
    assert_eq!(sent.status, 201, "{}", sent.body);

    // The worker claimed the message and is waiting for the receiver's answer: kill it.
    let caught = rx.wait_for(StdDuration::from_secs(20), |g| !g.is_empty());
    assert_eq!(caught.len(), 1, "the first try reached the receiver");
    let key = caught[0]
        .header("idempotency-key")
        .expect("a key")
        .to_string();
    // std's Child::kill is SIGKILL on Unix: no shutdown hook runs.
    first.0.kill().expect("SIGKILL");
    let _ = first.0.wait();
    rx.hang.store(false, Ordering::SeqCst);

    // A new process on the same database: the claim runs out (60 s), the message goes again.
    let _second = serve(home.path(), database_url, port);
    let mut admin = Client::new(&base);
    assert_eq!(admin.login(ADMIN.0, ADMIN.1).status, 200);
    let both = rx.wait_for(StdDuration::from_secs(90), |g| g.len() >= 2);
    assert_eq!(both.len(), 2, "delivered after the restart");
    assert_eq!(both[1].header("idempotency-key"), Some(key.as_str()));
    assert_eq!(both[1].json()["alert"]["detail"]["ip"], "10.9.0.40");
    let log = admin.get("/api/alerts/deliveries").json();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one message, not two: {log}");
    assert_eq!(items[0]["status"], "sent", "{log}");
    assert_eq!(items[0]["attempts"], 2, "{log}");
    std::thread::sleep(StdDuration::from_secs(3));
    assert_eq!(rx.got.lock().unwrap().len(), 2, "and not a third time");
}

#[test]
fn a_server_killed_mid_send_delivers_after_restart_with_the_same_key() {
    let rt = runtime();
    let pg = rt.block_on(PgDatabase::create());
    let pooled_pg = rt.block_on(PgDatabase::create());
    let pooled = pooled_pg.as_ref().and_then(|p| p.reach(true));
    // Every backend at once (PostgreSQL also through PgBouncer): each waits a full claim
    // (60 s) for the restart to send.
    std::thread::scope(|scope| {
        let on_pg = pg
            .as_ref()
            .map(|pg| scope.spawn(|| crash_between_claim_and_send(Some(&pg.url))));
        let on_pooled = pooled
            .as_deref()
            .map(|url| scope.spawn(move || crash_between_claim_and_send(Some(url))));
        crash_between_claim_and_send(None);
        if let Some(t) = on_pg {
            t.join().expect("the PostgreSQL run passed");
        }
        if let Some(t) = on_pooled {
            t.join().expect("the run through PgBouncer passed");
        }
    });
    drop((pg, pooled_pg));
}

/// A webhook host that takes connections and never answers; counts what it took.
fn black_hole() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let taken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = taken.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(conn); // open and silent until the test ends
        }
    });
    (url, taken)
}

#[test]
fn a_dead_webhook_holds_up_neither_other_channels_nor_itself_for_long() {
    super::support::server::on_each_server(|s| {
        let (dead_url, taken) = black_hole();
        let rx = Receiver::start();
        let admin = s.signed_in(ADMIN);
        for (name, url) in [("dead", dead_url.as_str()), ("live", &rx.url("/hook"))] {
            let r = admin.send(
                "POST",
                "/api/alerts/channels",
                Some(&json!({"kind": "webhook", "name": name, "url": url}).to_string()),
            );
            assert_eq!(r.status, 201, "{}", r.body);
        }
        let (_, token) = super::agent_api::new_agent(s, &admin, "rize", "edge");
        let hosts = (0..20)
            .map(|i| host(&format!("10.9.0.{}", 50 + i), None, &[80]))
            .collect();
        let r = report(
            Utc::now() - Duration::minutes(1),
            &["10.9.0.0/24"],
            "80",
            hosts,
        );
        let sent = super::agent_api::as_agent(
            s,
            &token,
            "POST",
            "/api/ingest/discovery",
            &serde_json::to_string(&r).unwrap(),
        );
        assert_eq!(sent.status, 201, "{}", sent.body);
        // The live channel gets all twenty while the dead one's first tries still hang
        // (each waits out the 10 s send timeout).
        let got = rx.wait_for(StdDuration::from_secs(9), |g| g.len() >= 20);
        let first_wave = std::time::Instant::now();
        assert_eq!(
            got.len(),
            20,
            "{}: the live channel is not held up",
            s.backend()
        );
        assert!(
            taken.load(Ordering::SeqCst) <= 4,
            "at most 4 tries of one channel in flight"
        );
        // The wave times out, counts as one failure and pauses the channel.
        std::thread::sleep(StdDuration::from_secs(12).saturating_sub(first_wave.elapsed()));
        let channels = admin.get("/api/alerts/channels").json();
        let dead = channels
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "dead")
            .cloned()
            .unwrap();
        assert_eq!(dead["failures"], 1, "{dead}");
        let until: chrono::DateTime<Utc> =
            serde_json::from_value(dead["paused_until"].clone()).expect("paused");
        assert!(until > Utc::now() - Duration::seconds(6), "{dead}");
        assert!(
            taken.load(Ordering::SeqCst) <= 8,
            "tries wait for the pause"
        );
        let log = admin.get("/api/alerts/deliveries?per_page=100").json();
        let pending_dead = log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["status"] != "sent")
            .count();
        assert_eq!(pending_dead, 20, "the dead channel's messages wait: {log}");
    });
}
