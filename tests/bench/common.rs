//! What the release-binary benchmarks share: a `bigr serve` child process and a throwaway
//! PostgreSQL database.
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::process::{Child, Command, Stdio};

/// A running `bigr serve`; killed and reaped when dropped.
pub struct Server(pub Child, pub u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the release `bigr serve` on `url` with extra environment, and waits for health.
pub fn serve(url: &str, env: &[(&str, &str)]) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let home = tempfile::tempdir().unwrap().keep();
    let child = Command::new(env!("CARGO_BIN_EXE_bigr"))
        .args([
            "--home",
            home.to_str().unwrap(),
            "--database-url",
            url,
            "serve",
            "--port",
            &port.to_string(),
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("bigr serve");
    // Owned at once, so a failed start still kills and reaps it.
    let server = Server(child, port);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    for _ in 0..600 {
        if agent
            .get(format!("http://127.0.0.1:{port}/api/health"))
            .call()
            .is_ok_and(|r| r.status() == 200)
        {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("bigr serve did not start");
}

/// A fresh PostgreSQL database on the server of `BIGR_BENCH_PG_URL` (default the local test
/// database); `None` when PostgreSQL is unreachable.
pub struct PgBench {
    admin: DatabaseConnection,
    name: String,
    pub url: String,
}

impl PgBench {
    pub async fn create() -> Result<PgBench, String> {
        Self::named(&format!("bigr_bench_{}", uuid::Uuid::new_v4().simple())).await
    }

    /// The database `name`, created if it does not exist yet (to keep seeded data between
    /// runs while tuning).
    pub async fn named(name: &str) -> Result<PgBench, String> {
        let admin_url = std::env::var("BIGR_BENCH_PG_URL")
            .unwrap_or_else(|_| "postgres://root@127.0.0.1/test".into());
        let admin = Database::connect(&admin_url)
            .await
            .map_err(|e| format!("{admin_url}: {e}"))?;
        let name = name.to_string();
        let exists = admin
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT 1 AS one FROM pg_database WHERE datname = $1",
                [name.clone().into()],
            ))
            .await
            .map_err(|e| e.to_string())?
            .is_some();
        if !exists {
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .map_err(|e| e.to_string())?;
        }
        let mut u = url::Url::parse(&admin_url).map_err(|e| e.to_string())?;
        u.set_path(&format!("/{name}"));
        Ok(PgBench {
            admin,
            name,
            url: u.to_string(),
        })
    }

    pub async fn drop_database(self) {
        self.admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await
            .ok();
    }
}

/// Peak resident memory (VmHWM) of a process, in MB.
pub fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Signs in as `admin` on the server at `port`: the session cookie (`name=value`) and the
/// CSRF token writes must send.
#[allow(dead_code)] // not every bench signs in
pub fn login(port: u16, password: &str) -> (String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut res = agent
        .post(format!("http://127.0.0.1:{port}/api/auth/login"))
        .send_json(serde_json::json!({"username": "admin", "password": password}))
        .expect("login");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_string();
    let session: serde_json::Value = res.body_mut().read_json().expect("session");
    let csrf = session["csrf_token"].as_str().expect("csrf").to_string();
    (cookie, csrf)
}
