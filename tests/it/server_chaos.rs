//! PostgreSQL going away under load: a private cluster (so stopping it disturbs no other
//! test) is stopped in immediate mode while agents deliver, then started again. The server
//! must say `degraded` meanwhile, recover without a restart, and end with every report
//! stored exactly once while the agents' queues drain: directly, and through PgBouncer.
use super::agent_e2e::{AgentHome, wait_until};
use super::support::pooler::Pooler;
use super::support::server::{ADMIN, Client, TestServer, free_port, runtime};
use bigr::server::ServerOptions;
use bigr::store::{self, OpenOptions};
use sea_orm::{ConnectionTrait, Statement};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A PostgreSQL cluster of this test's own, run as the `postgres` user on a free port.
pub struct PrivatePg {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
}

impl PrivatePg {
    /// None (with a note) where PostgreSQL's server binaries or the `postgres` user are
    /// missing, or we are not root; under CI that is a failure.
    pub fn start() -> Option<PrivatePg> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .flatten()
            .map(|e| e.path().join("bin"))
            .find(|b| b.join("initdb").exists());
        let usable = bin.is_some()
            && nix::unistd::Uid::effective().is_root()
            && nix::unistd::User::from_name("postgres")
                .ok()
                .flatten()
                .is_some();
        if !usable {
            assert!(
                std::env::var("CI").is_err(),
                "CI needs PostgreSQL's server binaries and root for the chaos test"
            );
            crate::support::skipped(
                "PostgreSQL crash test",
                "no PostgreSQL server binaries, postgres user or root",
            );
            return None;
        }
        let pg = PrivatePg {
            bin: bin?,
            dir: tempfile::tempdir().ok()?,
            port: free_port(),
        };
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(pg.dir.path(), std::fs::Permissions::from_mode(0o755)).ok()?;
        std::fs::create_dir(pg.data()).ok()?;
        let ok = Command::new("chown")
            .args([
                "postgres:postgres",
                pg.data().to_str()?,
                pg.dir.path().to_str()?,
            ])
            .status()
            .ok()?
            .success();
        assert!(ok, "chown for the private cluster");
        pg.as_postgres(&[
            "initdb",
            "-D",
            pg.data().to_str()?,
            "-A",
            "trust",
            "-U",
            "root",
            "--no-sync",
        ]);
        pg.up();
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn as_postgres(&self, args: &[&str]) {
        let tool = self.bin.join(args[0]);
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(&tool)
            .args(&args[1..])
            .stdin(Stdio::null())
            .output()
            .expect("runuser");
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://root@127.0.0.1:{}/postgres", self.port)
    }

    pub fn up(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log");
        self.as_postgres(&[
            "pg_ctl",
            "-D",
            self.data().to_str().unwrap_or_default(),
            "-l",
            log.to_str().unwrap_or_default(),
            "-o",
            &options,
            "-w",
            "start",
        ]);
    }

    /// Stops the way a crash or a failover does: no checkpoint, connections cut.
    pub fn crash(&self) {
        self.as_postgres(&[
            "pg_ctl",
            "-D",
            self.data().to_str().unwrap_or_default(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
    }

    fn is_up(&self) -> bool {
        Path::new(&self.data()).join("postmaster.pid").exists()
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        if self.is_up() {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .args([
                    "-D",
                    self.data().to_str().unwrap_or_default(),
                    "-m",
                    "immediate",
                    "stop",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

#[test]
fn postgres_crashing_mid_stream_loses_and_doubles_nothing() {
    crash_mid_stream(false);
}

/// The same through PgBouncer in transaction mode, which stays up while PostgreSQL is gone
/// (as Neon's pooler does while its compute restarts).
#[test]
fn postgres_crashing_behind_pgbouncer_loses_and_doubles_nothing() {
    crash_mid_stream(true);
}

fn crash_mid_stream(pooled: bool) {
    let Some(pg) = PrivatePg::start() else {
        return;
    };
    let pooler = if pooled {
        match Pooler::start(pg.port) {
            Some(p) => Some(p),
            None => return,
        }
    } else {
        None
    };
    let url = pooler
        .as_ref()
        .map_or_else(|| pg.url(), |p| p.route(&pg.url()));
    let rt = runtime();
    let db = rt
        .block_on(store::open(&url, &OpenOptions::default()))
        .expect("open the private cluster");
    let s = TestServer::over(rt, None, db.clone(), ServerOptions::default());
    s.add_user(ADMIN.0, ADMIN.1, store::users::Role::Admin);
    let admin = s.signed_in(ADMIN);
    let token = super::agent_api::enroll(&admin, "istanbul");
    let agents: Vec<AgentHome> = (0..2)
        .map(|i| {
            let token = if i == 0 {
                token.clone()
            } else {
                super::agent_api::enroll(&admin, "istanbul")
            };
            AgentHome::register_with(&s.base, "istanbul", &format!("edge-{i}"), &token)
        })
        .collect();
    let running: Vec<_> = agents.iter().map(|a| a.foreground("1s")).collect();
    let stored = || -> (i64, i64) {
        s.rt.block_on(async {
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "SELECT COUNT(*) AS n, COUNT(DISTINCT report_id) AS d FROM scans",
                ))
                .await
                .ok()
                .flatten();
            row.map_or((-1, -1), |r| {
                (
                    r.try_get::<i64>("", "n").unwrap_or(-1),
                    r.try_get::<i64>("", "d").unwrap_or(-1),
                )
            })
        })
    };
    wait_until("four delivered reports", Duration::from_secs(60), || {
        stored().0 >= 4
    });

    pg.crash();
    let health = Client::new(&s.base);
    wait_until("health to say degraded", Duration::from_secs(30), || {
        let r = health.get("/api/health");
        r.status == 503 && r.body.contains("degraded")
    });
    wait_until(
        "reports to wait in the queues",
        Duration::from_secs(60),
        || agents.iter().map(|a| a.queued().len()).sum::<usize>() >= 3,
    );

    pg.up();
    wait_until("health to recover", Duration::from_secs(60), || {
        health.get("/api/health").status == 200
    });
    wait_until("the queues to drain", Duration::from_secs(90), || {
        agents.iter().all(|a| a.queued().is_empty())
    });
    for a in &agents {
        let stop = a.run(&["agent", "stop"]);
        assert!(stop.status.success(), "{stop:?}");
    }
    drop(running);
    // Every report an agent made is stored, once.
    let made: u64 = agents
        .iter()
        .map(|a| {
            let state: serde_json::Value = serde_json::from_slice(
                &std::fs::read(a.path().join("agent.state.json")).expect("state"),
            )
            .expect("state json");
            state["cycles"].as_u64().expect("cycles")
        })
        .sum();
    let queued: usize = agents.iter().map(|a| a.queued().len()).sum();
    let (n, distinct) = stored();
    assert_eq!(n, distinct, "a report was stored twice");
    assert_eq!(
        n as u64 + queued as u64,
        made,
        "{n} stored, {queued} queued, {made} made"
    );
}
