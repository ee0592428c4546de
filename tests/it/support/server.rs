//! A real `bigr serve` on 127.0.0.1:0 for black-box HTTP tests, over a fresh SQLite file or
//! PostgreSQL database, and a small cookie-keeping client that speaks to it with ureq.
use super::{Backend, TestDb};
use bigr::server::{self, ServerOptions};
use bigr::store::{self, users::Role};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use std::net::TcpListener;
use std::process::Child;
use std::time::{Duration, Instant};

pub const ADMIN: (&str, &str) = ("admin", "admin-password-1");
pub const VIEWER: (&str, &str) = ("viewer", "viewer-password-1");

pub struct TestServer {
    pub rt: tokio::runtime::Runtime,
    pub db: DatabaseConnection,
    pub base: String,
    handle: actix_web::dev::ServerHandle,
    options: ServerOptions,
    pub test_db: Option<TestDb>,
}

impl TestServer {
    /// A server over `db` (already migrated) with an admin and a viewer.
    pub fn over(
        rt: tokio::runtime::Runtime,
        test_db: Option<TestDb>,
        db: DatabaseConnection,
        options: ServerOptions,
    ) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let running = rt
            .block_on(async { server::start(listener, db.clone(), options.clone()) })
            .expect("start");
        let base = format!("http://{}", running.addr);
        let handle = running.handle.clone();
        rt.spawn(running.server);
        TestServer {
            rt,
            db,
            base,
            handle,
            options,
            test_db,
        }
    }

    /// Stops answering: connections to its port are refused until `restart`.
    pub fn stop(&self) {
        self.rt.block_on(self.handle.stop(false));
    }

    /// Serves again on the same port over the same database.
    pub fn restart(&mut self) {
        let addr = self.base.trim_start_matches("http://");
        let listener = TcpListener::bind(addr).expect("rebind the same port");
        let running = self
            .rt
            .block_on(async { server::start(listener, self.db.clone(), self.options.clone()) })
            .expect("restart");
        self.handle = running.handle.clone();
        self.rt.spawn(running.server);
    }

    /// On SQLite or (when `postgres`) a fresh PostgreSQL database; None when PG is unavailable.
    pub fn start(postgres: bool, options: ServerOptions) -> Option<TestServer> {
        let backend = if postgres {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        TestServer::start_on(backend, options)
    }

    /// On a fresh database of `backend`; None when that backend is unavailable.
    pub fn start_on(backend: Backend, options: ServerOptions) -> Option<TestServer> {
        let rt = runtime();
        let test_db = rt.block_on(TestDb::on(backend))?;
        let db = test_db.db.clone();
        let s = TestServer::over(rt, Some(test_db), db, options);
        s.add_user(ADMIN.0, ADMIN.1, Role::Admin);
        s.add_user(VIEWER.0, VIEWER.1, Role::Viewer);
        Some(s)
    }

    pub fn backend(&self) -> &'static str {
        self.test_db.as_ref().map_or("?", |t| t.backend)
    }

    pub fn add_user(&self, name: &str, password: &str, role: Role) {
        let hash = bigr::password::hash(password).expect("hash");
        self.rt
            .block_on(store::users::add(&self.db, name, &hash, role))
            .expect("add user");
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client signed in as `who`.
    pub fn signed_in(&self, who: (&str, &str)) -> Client {
        let mut c = self.client();
        let r = c.login(who.0, who.1);
        assert_eq!(r.status, 200, "login as {}: {}", who.0, r.body);
        c
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.rt.block_on(self.handle.stop(false));
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `test` against a server on SQLite, then on PostgreSQL directly and through PgBouncer
/// when available.
pub fn on_each_server(test: impl Fn(&TestServer)) {
    for backend in Backend::ALL {
        if let Some(s) = TestServer::start_on(backend, ServerOptions::default()) {
            test(&s);
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced); `bytes` holds it as it came.
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `{"error"}` text of an error answer.
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error field: {}", self.body))
            .to_string()
    }
}

pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(30)))
            // Tests pause for seconds between requests; never reuse a connection the
            // server's keep-alive is closing just then.
            .max_idle_age(bigr::model::agent_api::CLIENT_MAX_IDLE)
            .max_redirects(0)
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
            cookie: None,
            csrf: None,
        }
    }

    pub fn login(&mut self, user: &str, password: &str) -> Resp {
        let r = self.send(
            "POST",
            "/api/auth/login",
            Some(&serde_json::json!({"username": user, "password": password}).to_string()),
        );
        if r.status == 200 {
            let set = r.header("set-cookie").expect("session cookie").to_string();
            self.cookie = Some(set.split(';').next().expect("cookie").to_string());
            self.csrf = r.json()["csrf_token"].as_str().map(str::to_string);
        }
        r
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None)
    }

    /// Sends a request; JSON bodies get the session's CSRF token like the dashboard sends it.
    pub fn send(&self, method: &str, path: &str, body: Option<&str>) -> Resp {
        self.raw(method, path, body, &[])
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Resp {
        self.try_raw(method, path, body, extra)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// Like `raw`, but a connection failure is an error instead of a panic.
    pub fn try_raw(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Result<Resp, ureq::Error> {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        if let Some(t) = &self.csrf
            && method != "GET"
        {
            req = req.header("X-CSRF-Token", t);
        }
        let mut has_type = false;
        for (k, v) in extra {
            has_type |= k.eq_ignore_ascii_case("content-type");
            req = req.header(*k, *v);
        }
        if body.is_some() && !has_type {
            req = req.header("Content-Type", "application/json");
        }
        let res = match body {
            Some(b) => self.agent.run(req.body(b.to_string()).expect("request")),
            None => self.agent.run(req.body(()).expect("request")),
        };
        let mut res = res?;
        let headers = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let bytes = res
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap_or_default();
        Ok(Resp {
            status: res.status().as_u16(),
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        })
    }
}

/// A free TCP port on loopback (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A child process killed (and reaped) when dropped.
pub struct Served(pub Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits (60 s at most) until `base` answers /api/health with 200.
pub fn wait_healthy(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let c = Client::new(base);
    loop {
        let up = c
            .try_raw("GET", "/api/health", None, &[])
            .map_or(0, |r| r.status);
        if up == 200 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "bigr serve did not come up at {base}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Two server instances on one fresh PostgreSQL database, reached directly or (when
/// `pooled`) through PgBouncer, which open and migrate it at the same moment, as instances
/// behind one load balancer start. The first has an admin. Fields drop in order: the
/// servers before the database.
pub struct TwoInstances {
    pub one: TestServer,
    pub two: TestServer,
    pub pg: super::PgDatabase,
}

impl TwoInstances {
    /// None where PostgreSQL (or, pooled, PgBouncer) is unavailable. `second` gives the
    /// second instance's options, knowing the database.
    pub fn start(
        pooled: bool,
        second: impl FnOnce(&super::PgDatabase) -> ServerOptions,
    ) -> Option<TwoInstances> {
        let rt = runtime();
        let pg = rt.block_on(super::PgDatabase::create())?;
        let url = pg.reach(pooled)?;
        let opts = store::OpenOptions::default();
        let (a, b) =
            rt.block_on(async { tokio::join!(store::open(&url, &opts), store::open(&url, &opts)) });
        let one = TestServer::over(rt, None, a.expect("instance one"), ServerOptions::default());
        let two = TestServer::over(runtime(), None, b.expect("instance two"), second(&pg));
        one.add_user(ADMIN.0, ADMIN.1, Role::Admin);
        Some(TwoInstances { one, two, pg })
    }
}

/// An agent's heartbeat that waits up to `seconds` for commands, on its own thread: the
/// answer and how long it took.
pub fn waiting_heartbeat(
    base: &str,
    token: &str,
    seconds: u32,
) -> std::thread::JoinHandle<(Value, Duration)> {
    let (base, token) = (base.to_string(), token.to_string());
    std::thread::spawn(move || {
        let began = Instant::now();
        let r = Client::new(&base).raw(
            "POST",
            "/api/agents/heartbeat",
            Some(&format!(r#"{{"wait_seconds": {seconds}}}"#)),
            &[("Authorization", &format!("Bearer {token}"))],
        );
        (r.json(), began.elapsed())
    })
}
