//! The server as operators run it: the `bigr serve` binary (first admin from the environment,
//! health probe, SIGTERM), several instances on one PostgreSQL, and a database that goes away.
use super::agent_api::new_agent;
use super::support::PgDatabase;
use super::support::server::{
    ADMIN, Client, Served, TestServer, TwoInstances, free_port, runtime, wait_healthy,
    waiting_heartbeat,
};
use bigr::server::{Secret, ServerOptions};
use bigr::store::{self, OpenOptions};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn serve_binary_creates_the_first_admin_answers_health_and_stops_on_sigterm() {
    let home = tempfile::tempdir().expect("home");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
        .args([
            "--home",
            home.path().to_str().unwrap(),
            "serve",
            "--port",
            &port.to_string(),
        ])
        .env("BIGR_ADMIN_PASSWORD", "first-admin-password")
        .env("BIGR_ADMIN_USER", "root-admin")
        .env_remove("DATABASE_URL")
        .env_remove("PORT")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn bigr serve");
    let mut served = Served(child);
    wait_healthy(&base);
    let mut c = Client::new(&base);
    assert_eq!(c.login("root-admin", "first-admin-password").status, 200);
    assert_eq!(c.get("/api/data").status, 200);

    let probe = Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
        .args(["health", "--url", &format!("{base}/api/health")])
        .output()
        .expect("bigr health");
    assert!(probe.status.success(), "{probe:?}");
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "ok");

    // The same figures from the CLI as from the API (one database file).
    let api = c.get("/api/compliance").json();
    let cli = Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
        .args([
            "--home",
            home.path().to_str().unwrap(),
            "compliance",
            "--json",
        ])
        .env_remove("DATABASE_URL")
        .output()
        .expect("bigr compliance");
    let cli: serde_json::Value = serde_json::from_slice(&cli.stdout).expect("compliance JSON");
    assert_eq!(cli, api);

    // SAFETY: kill(2) on our own child's pid has no memory effects.
    assert_eq!(
        unsafe { libc::kill(served.0.id() as i32, libc::SIGTERM) },
        0
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = served.0.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "bigr serve ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut log = String::new();
    use std::io::Read;
    served
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(
        log.contains("created the first admin 'root-admin'"),
        "{log}"
    );
    assert!(
        !log.contains("first-admin-password"),
        "the password reached the log: {log}"
    );
    assert!(!log.contains("bigr_session="), "a cookie reached the log");
    // The database file is not readable by others.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(home.path().join("bigr.db"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "bigr.db mode {mode:o}");

    let down = Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
        .args([
            "health",
            "--url",
            &format!("{base}/api/health"),
            "--timeout",
            "2",
        ])
        .output()
        .expect("bigr health");
    assert!(!down.status.success());
}

#[test]
fn two_servers_on_one_postgres_share_sessions_and_migrate_once() {
    for pooled in [false, true] {
        // Both instances open (and migrate) the same empty database at the same moment.
        let Some(TwoInstances { one, two, pg }) =
            TwoInstances::start(pooled, |_| Default::default())
        else {
            return;
        };
        let mut c = one.signed_in(ADMIN);
        assert_eq!(c.get("/api/data").status, 200);
        // The load balancer sends the next request to the other instance.
        c.base = two.base.clone();
        assert_eq!(c.get("/api/auth/me").json()["user"]["username"], "admin");
        assert_eq!(
            c.send("POST", "/api/subnets", Some(r#"{"cidr":"10.7.0.0/24"}"#))
                .status,
            201
        );
        assert_eq!(c.send("POST", "/api/auth/logout", None).status, 204);
        c.base = one.base.clone();
        assert_eq!(c.get("/api/data").status, 401, "logged out everywhere");
        drop((one, two));
        drop(pg);
    }
}

#[test]
fn health_reports_a_lost_database_as_degraded_and_the_api_as_unavailable() {
    let rt = runtime();
    let Some(pg) = rt.block_on(PgDatabase::create()) else {
        return;
    };
    let db = rt
        .block_on(store::open(&pg.url, &OpenOptions::default()))
        .expect("open");
    let s = TestServer::over(rt, None, db, ServerOptions::default());
    s.add_user(ADMIN.0, ADMIN.1, store::users::Role::Admin);
    let c = s.signed_in(ADMIN);
    assert_eq!(c.get("/api/health").json()["status"], "ok");
    drop(pg); // DROP DATABASE … WITH (FORCE): every connection is cut.
    let h = c.get("/api/health");
    assert_eq!(h.status, 503, "{}", h.body);
    assert_eq!(h.json()["status"], "degraded");
    assert_eq!(h.json()["database"]["reachable"], false);
    let r = c.get("/api/data");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.error(), "the database is unavailable, try again shortly");
    // Still serving.
    assert_eq!(c.get("/api/openapi.json").status, 200);
}

/// An agent's long-poll held by one instance wakes for a command queued on another (NOTIFY),
/// on PostgreSQL directly and through PgBouncer in transaction mode, where the LISTEN needs
/// the direct connection (`database_direct_url`) because the pooler cannot hold one.
#[test]
fn a_command_queued_on_one_instance_wakes_the_agent_waiting_on_another() {
    for pooled in [false, true] {
        // Through the pooler the waiting instance LISTENs on its direct connection.
        let waiting_side = |pg: &PgDatabase| ServerOptions {
            direct_database_url: pooled.then(|| Secret(pg.url.clone())),
            ..ServerOptions::default()
        };
        let Some(TwoInstances { one, two, pg }) = TwoInstances::start(pooled, waiting_side) else {
            return;
        };
        let admin = one.signed_in(ADMIN);
        let (agent, token) = new_agent(&one, &admin, "hq", "edge-hq");
        // The second instance's listener proves itself with a probe first; give it the time.
        std::thread::sleep(Duration::from_secs(1));
        let waited = waiting_heartbeat(&two.base, &token, 25);
        std::thread::sleep(Duration::from_millis(500));
        let r = admin.send(
            "POST",
            &format!("/api/agents/{agent}/commands"),
            Some(r#"{"kind":"reload_config"}"#),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let (answer, took) = waited.join().expect("waiting agent");
        assert_eq!(
            answer["commands"][0]["kind"], "reload_config",
            "pooled={pooled}: {answer}"
        );
        assert!(
            took < Duration::from_secs(15),
            "pooled={pooled}: woken by the other instance, not by the wait's end: {took:?}"
        );
        drop((one, two));
        drop(pg);
    }
}

/// The pooler check: a direct pool is never taken for a pooled one, PgBouncer in transaction
/// mode always is.
#[test]
fn a_transaction_pooler_is_recognised_and_a_direct_pool_never_is() {
    let rt = runtime();
    let Some(pg) = rt.block_on(PgDatabase::create()) else {
        return;
    };
    let Some(pooled_url) = pg.reach(true) else {
        return;
    };
    for (url, pooled) in [(pg.url.clone(), false), (pooled_url, true)] {
        let db = rt
            .block_on(store::open(&url, &OpenOptions::default()))
            .expect("open");
        for _ in 0..20 {
            let found = rt
                .block_on(store::pooler::behind_transaction_pooler(&db))
                .expect("check");
            assert_eq!(found, pooled, "{url}");
        }
        rt.block_on(db.close()).ok();
    }
}

/// Through a transaction pooler, with no direct connection configured, nothing LISTENs
/// through the pool (a LISTEN left on a pooled server session would hand notifications to
/// other clients and break their queries): commands still reach an agent waiting on another
/// instance at the end of its wait, and every request around the announcements succeeds.
#[test]
fn behind_a_pooler_without_a_direct_url_nothing_listens_and_nothing_breaks() {
    let Some(TwoInstances { one, two, pg }) = TwoInstances::start(true, |_| Default::default())
    else {
        return;
    };
    let admin = one.signed_in(ADMIN);
    let (agent, token) = new_agent(&one, &admin, "hq", "edge-hq");
    let waited = waiting_heartbeat(&two.base, &token, 3);
    std::thread::sleep(Duration::from_millis(300));
    // Readers keep every pooled server session busy on both instances while commands are
    // announced: a session holding a stray LISTEN would hand one of them a notification.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..6)
        .map(|i| {
            let mut c = Client::new(if i % 2 == 0 { &one.base } else { &two.base });
            c.cookie = admin.cookie.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut failed = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    for path in ["/api/data", "/api/agents", "/api/alerts"] {
                        let r = c.get(path);
                        if r.status != 200 {
                            failed.push(format!("{path}: {} {}", r.status, r.body));
                        }
                    }
                }
                failed
            })
        })
        .collect();
    for _ in 0..40 {
        let r = admin.send(
            "POST",
            &format!("/api/agents/{agent}/commands"),
            Some(r#"{"kind":"reload_config"}"#),
        );
        assert!(matches!(r.status, 201 | 409), "{}", r.body);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        let failed = reader.join().expect("reader");
        assert!(failed.is_empty(), "{failed:?}");
    }
    let (answer, _) = waited.join().expect("waiting agent");
    assert_eq!(answer["commands"][0]["kind"], "reload_config", "{answer}");
    drop((one, two));
    drop(pg);
}
