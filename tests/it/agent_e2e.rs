//! Real agent processes against a real `bigr serve` process, all on loopback (the agent scans
//! 127.0.0.1 only): enrollment and delivery, start/status/stop, and the faults a site sees —
//! the server away for several cycles, an answer lost after the server stored the report,
//! SIGKILL in the middle of writing, a full or read-only queue disk, a revoked token.
use super::support::server::{Client, Served, free_port, wait_healthy};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "e2e-admin-password";
/// A quick, quiet scan of loopback: few ports, no DNS, mDNS or SNMP.
const SCAN_OPTIONS: &str =
    "['--top-ports', '10', '--no-mdns', '--no-dns', '--no-snmp', '--timeout-ms', '300']";

fn bigr() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin!("bigr"))
}

/// `bigr serve` as a process over a SQLite file in its own home, restartable on its port.
pub struct Server {
    home: tempfile::TempDir,
    port: u16,
    proc: Option<Served>,
    env: Vec<(String, String)>,
}

impl Server {
    fn start() -> Server {
        Server::start_with(&[])
    }

    /// A server with extra environment (settings such as the release key).
    pub fn start_with(env: &[(&str, &str)]) -> Server {
        let mut s = Server {
            home: tempfile::tempdir().expect("home"),
            port: free_port(),
            proc: None,
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        s.up();
        s
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// `bigr --home <server home> ARGS`: the admin CLI on the server's database.
    pub fn cli(&self, args: &[&str]) -> Command {
        let mut c = bigr();
        c.arg("--home")
            .arg(self.home.path())
            .args(args)
            .env_remove("DATABASE_URL");
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn up(&mut self) {
        let child = bigr()
            .args([
                "--home",
                self.home.path().to_str().unwrap(),
                "serve",
                "--port",
                &self.port.to_string(),
            ])
            .env("BIGR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env_remove("DATABASE_URL")
            .env_remove("AGENT_REGISTRATION_SECRET")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn bigr serve");
        self.proc = Some(Served(child));
        wait_healthy(&self.base());
    }

    fn down(&mut self) {
        self.proc = None;
    }

    pub fn admin(&self) -> Client {
        let mut c = Client::new(&self.base());
        assert_eq!(c.login("admin", ADMIN_PASSWORD).status, 200);
        c
    }

    /// `bigr agent enroll` on the server's database; the token is the last stdout line.
    pub fn enroll(&self, site: &str) -> String {
        let out = bigr()
            .args([
                "--home",
                self.home.path().to_str().unwrap(),
                "agent",
                "enroll",
                "--site",
                site,
                "--expires",
                "1h",
            ])
            .env_remove("DATABASE_URL")
            .output()
            .expect("enroll");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_string()
    }

    fn scans(&self, site: &str) -> u64 {
        self.admin().get(&format!("/api/scans?site={site}")).json()["total"]
            .as_u64()
            .unwrap()
    }
}

/// One agent's home.
pub struct AgentHome {
    dir: tempfile::TempDir,
}

impl AgentHome {
    /// Registers with a fresh enrollment token and sets quick scan options.
    fn register(server: &Server, api_url: &str, site: &str, name: &str) -> AgentHome {
        AgentHome::register_with(api_url, site, name, &server.enroll(site))
    }

    /// Registers with `token` (an enrollment token) and sets quick scan options.
    pub fn register_with(api_url: &str, site: &str, name: &str, token: &str) -> AgentHome {
        let home = AgentHome {
            dir: tempfile::tempdir().expect("agent home"),
        };
        let out = home.run(&[
            "agent",
            "register",
            "--api-url",
            api_url,
            "--name",
            name,
            "--site",
            site,
            "--enroll-token",
            token,
        ]);
        assert!(out.status.success(), "{out:?}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains("bigr_"),
            "the token is never printed: {stdout}"
        );
        let cfg = home.path().join("agent.yaml");
        let text = std::fs::read_to_string(&cfg).unwrap();
        std::fs::write(
            &cfg,
            text.replace("scan_options: []", &format!("scan_options: {SCAN_OPTIONS}")),
        )
        .unwrap();
        home
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn queue(&self) -> PathBuf {
        self.path().join("queue")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = bigr();
        c.arg("--home")
            .arg(self.path())
            .args(args)
            .env_remove("DATABASE_URL");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("bigr agent")
    }

    fn once(&self) -> Output {
        self.run(&["agent", "start", "--once", "127.0.0.1"])
    }

    /// A foreground agent process (killed when the guard drops).
    pub fn foreground(&self, interval: &str) -> Served {
        self.foreground_with(interval, &[])
    }

    /// A foreground agent process with extra environment.
    pub fn foreground_with(&self, interval: &str, env: &[(&str, &str)]) -> Served {
        Served(
            self.command(&[
                "agent",
                "start",
                "--foreground",
                "--interval",
                interval,
                "--heartbeat",
                "1s",
                "127.0.0.1",
            ])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(self.log_file())
            .spawn()
            .expect("agent"),
        )
    }

    /// Where a foreground agent's log goes.
    fn log_file(&self) -> std::fs::File {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("agent log")
    }

    fn log_path(&self) -> PathBuf {
        self.path().join("test-agent.log")
    }

    /// What a failed assertion needs: the agent's log tail and any reports it set aside.
    pub fn diagnosis(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(60).collect();
        let aside: Vec<String> = ["rejected", "corrupt"]
            .iter()
            .flat_map(|d| {
                std::fs::read_dir(self.queue().join(d))
                    .into_iter()
                    .flatten()
            })
            .flatten()
            .map(|e| e.path().display().to_string())
            .collect();
        format!(
            "set aside: {aside:?}\nagent log (newest first):\n{}",
            tail.join("\n")
        )
    }

    pub fn queued(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.queue())
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json"))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn status(&self) -> Value {
        let out = self.run(&["agent", "status", "--json"]);
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice(&out.stdout).expect("status json")
    }
}

pub fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn agent_view(server: &Server, name: &str) -> Value {
    server.admin().get("/api/agents").json()["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("agent {name} not listed"))
}

#[test]
fn agents_deliver_into_their_own_sites_and_stop_cleanly() {
    let server = Server::start();
    let ist = AgentHome::register(&server, &server.base(), "istanbul", "edge-ist");
    let ank = AgentHome::register(&server, &server.base(), "ankara", "edge-ank");
    let mode = std::fs::metadata(ist.path().join("agent.yaml")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600
    );
    for (home, site) in [(&ist, "istanbul"), (&ank, "ankara")] {
        let out = home.once();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // One line says what happened, and a finished run is not left looking online.
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains(&format!("scan delivered to site '{site}': 1 asset(s)")),
            "{said}"
        );
    }
    let admin = server.admin();
    assert_eq!(agent_view(&server, "edge-ank")["state"], "offline");
    for site in ["istanbul", "ankara"] {
        let inv = admin.get(&format!("/api/data?site={site}")).json();
        assert_eq!(inv["total"], 1, "{site}: {inv}");
        assert_eq!(inv["items"][0]["ip"], "127.0.0.1");
        assert_eq!(inv["items"][0]["site"], site);
    }
    // Detached, with a short interval; status and the dashboard see it running.
    let started = ist.run(&[
        "agent",
        "start",
        "--interval",
        "2s",
        "--heartbeat",
        "1s",
        "127.0.0.1",
    ]);
    assert!(started.status.success(), "{started:?}");
    let again = ist.run(&["agent", "start", "127.0.0.1"]);
    assert!(!again.status.success(), "a second agent refuses to start");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already running"));
    wait_until("a second delivered scan", Duration::from_secs(30), || {
        server.scans("istanbul") >= 2
    });
    // The status file follows the delivery within a heartbeat, not at the same instant.
    wait_until(
        "the status to show the delivery",
        Duration::from_secs(10),
        || ist.status()["last_delivery_at"].is_string(),
    );
    let status = ist.status();
    assert_eq!(status["state"], "running");
    assert_eq!(status["server"]["reachable"], true);
    assert_eq!(status["queue_depth"], 0);
    assert_eq!(agent_view(&server, "edge-ist")["state"], "online");
    let stop = ist.run(&["agent", "stop"]);
    assert!(stop.status.success(), "{stop:?}");
    assert!(!ist.path().join("agent.pid").exists(), "PID file removed");
    assert_eq!(ist.status()["state"], "stopped");
    assert_eq!(
        agent_view(&server, "edge-ist")["state"],
        "offline",
        "the final heartbeat said goodbye"
    );
    // A stale PID file (a dead process) is detected and cleaned.
    std::fs::write(ist.path().join("agent.pid"), "999999999\n").unwrap();
    assert_eq!(ist.status()["state"], "stopped");
    assert!(!ist.path().join("agent.pid").exists());
    // A revoked token stops ingest at once; the report waits in the queue.
    let id = agent_view(&server, "edge-ank")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        admin
            .send("POST", &format!("/api/agents/{id}/revoke"), None)
            .status,
        200
    );
    let refused = ank.once();
    assert_eq!(refused.status.code(), Some(3), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("token revoked or wrong"));
    assert_eq!(server.scans("ankara"), 1);
    assert_eq!(ank.queued().len(), 1);
    // A config others can read is refused.
    std::fs::set_permissions(
        ank.path().join("agent.yaml"),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let open = ank.once();
    assert!(!open.status.success());
    assert!(String::from_utf8_lossy(&open.stderr).contains("readable by other users"));
}

#[test]
fn an_outage_queues_reports_and_the_server_gets_each_once() {
    let mut server = Server::start();
    let home = AgentHome::register(&server, &server.base(), "istanbul", "edge");
    server.down();
    let agent = home.foreground("1s");
    wait_until("three queued reports", Duration::from_secs(40), || {
        home.queued().len() >= 3
    });
    server.up();
    wait_until("the queue to drain", Duration::from_secs(40), || {
        home.queued().is_empty()
    });
    let stop = home.run(&["agent", "stop"]);
    assert!(stop.status.success(), "{stop:?}");
    drop(agent);
    // Every report the agent made is on the server or still queued; none twice.
    let state: Value =
        serde_json::from_slice(&std::fs::read(home.path().join("agent.state.json")).unwrap())
            .unwrap();
    let cycles = state["cycles"].as_u64().unwrap();
    let scans = server.scans("istanbul");
    assert!(cycles >= 3, "{state}");
    assert_eq!(
        scans + home.queued().len() as u64,
        cycles,
        "{state}\n{}",
        home.diagnosis()
    );
    // Every report id the server holds is distinct: nothing stored twice.
    let items = server
        .admin()
        .get("/api/scans?site=istanbul&per_page=500")
        .json()["items"]
        .clone();
    let mut ids: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

/// Forwards loopback TCP to `upstream`; the first `drop` connections that carry an ingest
/// request get no answer (the server has stored the report, the agent never hears so).
fn lossy_proxy(upstream: u16, drop: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let left = Arc::new(AtomicUsize::new(drop));
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                continue;
            };
            let left = left.clone();
            std::thread::spawn(move || relay(client, server, left));
        }
    });
    port
}

fn relay(client: TcpStream, server: TcpStream, left: Arc<AtomicUsize>) {
    let cut = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let cut_up = cut.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = c_read.read(&mut buf) {
            if n == 0 {
                break;
            }
            if String::from_utf8_lossy(&buf[..n]).contains("POST /api/ingest/discovery")
                && left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| l.checked_sub(1))
                    .is_ok()
            {
                cut_up.store(true, Ordering::SeqCst);
            }
            if s_write.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let (mut s_read, mut c_write) = (server, client);
    let mut buf = [0u8; 65536];
    while let Ok(n) = s_read.read(&mut buf) {
        if n == 0 {
            break;
        }
        if cut.load(Ordering::SeqCst) {
            // The server answered; the agent never hears it.
            let _ = c_write.shutdown(Shutdown::Both);
            let _ = s_read.shutdown(Shutdown::Both);
            return;
        }
        if c_write.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = c_write.shutdown(Shutdown::Both);
}

#[test]
fn a_lost_answer_is_resent_and_stored_once() {
    let server = Server::start();
    let proxy = lossy_proxy(server.port, 1);
    let home = AgentHome::register(
        &server,
        &format!("http://127.0.0.1:{proxy}"),
        "istanbul",
        "edge",
    );
    let first = home.once();
    assert_eq!(
        first.status.code(),
        Some(3),
        "the agent did not hear back: {first:?}"
    );
    assert_eq!(server.scans("istanbul"), 1, "but the server stored it");
    assert_eq!(home.queued().len(), 1);
    let second = home.once();
    assert!(second.status.success(), "{second:?}");
    assert!(home.queued().is_empty());
    assert_eq!(
        server.scans("istanbul"),
        2,
        "the resent report was not stored again"
    );
}

#[test]
fn sigkill_while_writing_leaves_no_corrupt_or_lost_report() {
    let mut server = Server::start();
    let home = AgentHome::register(&server, &server.base(), "istanbul", "edge");
    server.down();
    // Killed at different moments of its cycles, again and again.
    for delay_ms in [350u64, 900, 1300, 600, 1700, 1100] {
        let mut agent = home.foreground("1s");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = agent.0.kill();
        let _ = agent.0.wait();
    }
    let queued = home.queued();
    assert!(!queued.is_empty(), "some cycles completed");
    for f in &queued {
        let bytes = std::fs::read(f).unwrap();
        bigr::model::ScanReport::from_json(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    server.up();
    let out = home.once();
    assert!(out.status.success(), "{out:?}");
    assert!(home.queued().is_empty());
    assert!(
        !std::fs::read_dir(home.queue())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
    );
    assert_eq!(server.scans("istanbul"), queued.len() as u64 + 1);
}

/// A tmpfs mounted on the agent's queue folder, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path) -> SmallDisk {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=8k", "tmpfs"])
            .arg(at)
            .status()
            .unwrap();
        assert!(ok.success(), "mount tmpfs (the tests run as root)");
        // Fill it up.
        let _ = std::fs::write(at.join("filler"), vec![0u8; 64 * 1024]);
        SmallDisk(at.to_path_buf())
    }

    fn read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_or_read_only_queue_disk_is_reported_while_heartbeats_go_on() {
    let server = Server::start();
    let home = AgentHome::register(&server, &server.base(), "istanbul", "edge");
    let disk = SmallDisk::mount(&home.queue());
    let mut agent = home.foreground("2s");
    wait_until(
        "the disk-full error on the dashboard",
        Duration::from_secs(30),
        || {
            agent_view(&server, "edge")["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("No space left"))
        },
    );
    // Reports still reach the server directly while the queue cannot take them.
    wait_until(
        "a delivery despite the full disk",
        Duration::from_secs(30),
        || server.scans("istanbul") >= 1,
    );
    disk.read_only();
    wait_until("the read-only error", Duration::from_secs(30), || {
        agent_view(&server, "edge")["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("Read-only"))
    });
    let seen = agent_view(&server, "edge")["last_seen_at"].clone();
    wait_until("another heartbeat", Duration::from_secs(10), || {
        agent_view(&server, "edge")["last_seen_at"] != seen
    });
    assert_eq!(agent_view(&server, "edge")["state"], "online");
    let _ = agent.0.kill();
    let _ = agent.0.wait();
}

#[test]
fn the_systemd_unit_runs_unprivileged_with_two_capabilities() {
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("bigr-agent.service");
    let out = bigr()
        .args([
            "agent",
            "install",
            "--systemd",
            "--user",
            "bigr-agent",
            "--agent-home",
            "/var/lib/bigr",
            "--exe",
            "/usr/bin/true",
            "-o",
        ])
        .arg(&unit)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&unit).unwrap();
    for line in [
        "User=bigr-agent",
        "ExecStart=/usr/bin/true --home /var/lib/bigr agent start --foreground",
        "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN",
        "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN",
        "NoNewPrivileges=yes",
        "ReadWritePaths=/var/lib/bigr",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line}:\n{text}");
    }
    assert!(!text.contains('{'), "every placeholder filled");
    // systemd's own checker, where the machine has it.
    if let Ok(v) = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
    {
        let err = String::from_utf8_lossy(&v.stderr);
        assert!(
            !err.contains("Unknown key") && !err.contains("Failed to parse"),
            "{err}"
        );
    }
    let bad = bigr()
        .args(["agent", "install", "--systemd", "--user", "a b"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// `HH:MM` of now plus `hours`, in UTC.
fn utc_clock(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours))
        .format("%H:%M")
        .to_string()
}

fn configure(admin: &Client, site: &str, settings: Value) {
    let r = admin.send(
        "PUT",
        &format!("/api/sites/{site}/config"),
        Some(&settings.to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

fn has_asset(admin: &Client, site: &str, ip: &str) -> bool {
    admin.get(&format!("/api/data?site={site}&q={ip}")).json()["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|a| a["ip"] == ip))
}

#[test]
fn agents_scan_what_their_site_configuration_says_from_the_next_cycle() {
    let server = Server::start();
    let home = AgentHome::register(&server, &server.base(), "hq", "edge-hq");
    let admin = server.admin();
    // Set while the agent is down: its first heartbeat fetches it before the first scan.
    configure(&admin, "hq", serde_json::json!({"targets": ["127.0.0.2"]}));
    let out = home.once();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("2 asset(s)"),
        "its own target and the site's: {said}"
    );
    let copy = std::fs::metadata(home.path().join("site-config.json")).expect("the copy kept");
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&copy.permissions()) & 0o777,
        0o600
    );
    // Running: a change made now is fetched at the next heartbeat and scanned next cycle.
    let agent = home.foreground("2s");
    configure(
        &admin,
        "hq",
        serde_json::json!({"targets": ["127.0.0.2", "127.0.0.3"]}),
    );
    wait_until(
        "the new target in the inventory",
        Duration::from_secs(40),
        || has_asset(&admin, "hq", "127.0.0.3"),
    );
    wait_until(
        "the agent to say it runs v2",
        Duration::from_secs(10),
        || {
            let a = agent_view(&server, "edge-hq");
            a["config_version"] == 2 && a["site_config_version"] == 2
        },
    );
    assert_eq!(home.status()["config_version"], 2, "{}", home.diagnosis());
    drop(agent);
    // Inside the maintenance window no scan starts.
    configure(
        &admin,
        "hq",
        serde_json::json!({
            "targets": ["127.0.0.2"],
            "maintenance": {"start": utc_clock(-2), "end": utc_clock(2)},
        }),
    );
    let scans = server.scans("hq");
    let out = home.once();
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("maintenance window"),
        "{out:?}"
    );
    assert_eq!(server.scans("hq"), scans);
}

fn command(admin: &Client, agent: &str, body: Value) -> String {
    let r = admin.send(
        "POST",
        &format!("/api/agents/{agent}/commands"),
        Some(&body.to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_string()
}

fn command_state(admin: &Client, id: &str) -> Value {
    admin.get(&format!("/api/commands/{id}")).json()
}

#[test]
fn scan_now_reaches_a_running_agent_at_once_and_never_runs_twice() {
    let server = Server::start();
    let home = AgentHome::register(&server, &server.base(), "hq", "edge-hq");
    let admin = server.admin();
    let agent_id = agent_view(&server, "edge-hq")["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A long interval: only the first cycle is scheduled; the heartbeat waits 5 s per poll.
    let spawn = || {
        Served(
            home.command(&[
                "agent",
                "start",
                "--foreground",
                "--interval",
                "1h",
                "--heartbeat",
                "5s",
                "127.0.0.1",
            ])
            .stdout(Stdio::null())
            .stderr(home.log_file())
            .spawn()
            .expect("agent"),
        )
    };
    let agent = spawn();
    wait_until("the first scheduled scan", Duration::from_secs(30), || {
        server.scans("hq") >= 1
    });
    let id = command(
        &admin,
        &agent_id,
        serde_json::json!({"kind": "scan_now", "targets": ["127.0.0.4"]}),
    );
    wait_until("the command's end", Duration::from_secs(30), || {
        command_state(&admin, &id)["state"] == "completed"
    });
    let done = command_state(&admin, &id);
    assert!(
        done["result"]["scan_id"].is_string(),
        "{done}\n{}",
        home.diagnosis()
    );
    assert_eq!(
        done["result"]["assets"], 1,
        "only the command's target: {done}"
    );
    assert!(has_asset(&admin, "hq", "127.0.0.4"));
    // A long scan, killed while it runs: after a restart the command ends failed, never
    // runs again, and the agent goes on.
    let scans_before = server.scans("hq");
    let long = command(
        &admin,
        &agent_id,
        serde_json::json!({"kind": "scan_now", "targets": ["127.0.1.0/28"], "ports": "1-65535"}),
    );
    wait_until("the long scan's progress", Duration::from_secs(30), || {
        let c = command_state(&admin, &long);
        c["state"] == "running" && c["progress"]["percent"].is_number()
    });
    let running = command_state(&admin, &long);
    assert!(
        running["progress"]["hosts_found"].as_u64() > Some(0),
        "{running}"
    );
    let mut agent = agent;
    let _ = agent.0.kill();
    let _ = agent.0.wait();
    drop(agent);
    let _ = std::fs::remove_file(home.path().join("agent.pid"));
    let restarted = spawn();
    wait_until(
        "the interrupted command to fail",
        Duration::from_secs(30),
        || command_state(&admin, &long)["state"] == "failed",
    );
    let failed = command_state(&admin, &long);
    assert!(
        failed["result"]["detail"]
            .as_str()
            .unwrap_or("")
            .contains("stopped during"),
        "{failed}"
    );
    // The restart's own first cycle may deliver one scan; the long command none.
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        server.scans("hq") <= scans_before + 1,
        "{}",
        home.diagnosis()
    );
    assert!(
        !has_asset(&admin, "hq", "127.0.1.1"),
        "the killed command was not run again"
    );
    drop(restarted);
}
