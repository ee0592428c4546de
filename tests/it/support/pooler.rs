//! PgBouncer in transaction mode in front of a PostgreSQL, as Neon's pooler runs: every
//! PostgreSQL test can run a third time through it. Needs PgBouncer 1.21 or newer (protocol
//! prepared statements, `max_prepared_statements`), found at `$BIGR_PGBOUNCER`, under
//! `/var/tmp/pgbouncer-1.24` (where `.ci/run` builds Debian's 1.24 source) or on the PATH.
//! Under CI a missing PgBouncer fails the suite; elsewhere the pass is skipped with a note.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Where `.ci/run` installs the PgBouncer it builds.
const BUILT: &str = "/var/tmp/pgbouncer-1.24/bin/pgbouncer";

/// A running PgBouncer; killed when dropped. Spawned so that it also dies with the test
/// process (a static one is never dropped).
pub struct Pooler {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Pooler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Pooler {
    /// PgBouncer on a free port in front of `upstream_port` on 127.0.0.1, every database by
    /// its own name, user `root` trusted. None where no usable PgBouncer exists (a failure
    /// under CI).
    pub fn start(upstream_port: u16) -> Option<Pooler> {
        let bin = match binary() {
            Ok(bin) => bin,
            Err(why) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI needs PgBouncer >= 1.21 for the pooled PostgreSQL pass: {why}"
                );
                super::skipped("PgBouncer pass", &why);
                return None;
            }
        };
        let dir = tempfile::tempdir().expect("pgbouncer dir");
        let port = super::server::free_port();
        write_config(dir.path(), upstream_port, port);
        let (uid, gid) = unprivileged();
        let mut command = Command::new(&bin);
        command
            .arg(dir.path().join("pgbouncer.ini"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // PgBouncer refuses to run as root. The death signal is set after the uid change
        // (which would clear it), so the pooler goes when this process does.
        use std::os::unix::process::CommandExt;
        if let Some((uid, gid)) = uid.zip(gid) {
            command.uid(uid).gid(gid);
        }
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("start pgbouncer");
        let pooler = Pooler {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "pgbouncer did not listen on {port}: {}",
                std::fs::read_to_string(pooler._dir.path().join("pgbouncer.log"))
                    .unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(pooler)
    }

    /// `url` with its host and port replaced by this pooler's.
    pub fn route(&self, url: &str) -> String {
        let mut u = url::Url::parse(url).expect("database URL");
        u.set_host(Some("127.0.0.1")).expect("host");
        u.set_port(Some(self.port)).expect("port");
        // A socket directory in the query would bypass the pooler.
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| k != "host")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        u.set_query(None);
        if !kept.is_empty() {
            u.query_pairs_mut().extend_pairs(kept);
        }
        u.to_string()
    }
}

/// The pooler in front of the suite's PostgreSQL, started once per test binary; its thread
/// lives as long as the process, so the death signal fires only when the process ends.
pub fn shared() -> Option<&'static Pooler> {
    static SHARED: OnceLock<Option<Pooler>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let port = url::Url::parse(&super::admin_url())
                .ok()
                .and_then(|u| u.port())
                .unwrap_or(5432);
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(Pooler::start(port));
                // PR_SET_PDEATHSIG follows the spawning thread: it must never end.
                loop {
                    std::thread::park();
                }
            });
            rx.recv().ok().flatten()
        })
        .as_ref()
}

fn write_config(dir: &Path, upstream_port: u16, port: u16) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(dir.join("users.txt"), "\"root\" \"\"\n").expect("auth file");
    let ini = format!(
        "[databases]\n\
         * = host=127.0.0.1 port={upstream_port}\n\
         [pgbouncer]\n\
         listen_addr = 127.0.0.1\n\
         listen_port = {port}\n\
         unix_socket_dir =\n\
         auth_type = trust\n\
         auth_file = {users}\n\
         pool_mode = transaction\n\
         max_prepared_statements = 200\n\
         max_client_conn = 1000\n\
         default_pool_size = 20\n\
         ignore_startup_parameters = extra_float_digits,options\n\
         logfile = {log}\n",
        users = dir.join("users.txt").display(),
        log = dir.join("pgbouncer.log").display(),
    );
    std::fs::write(dir.join("pgbouncer.ini"), ini).expect("pgbouncer.ini");
    for f in ["users.txt", "pgbouncer.ini"] {
        std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o644)).ok();
    }
    // The unprivileged pooler writes its log here.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
}

/// `nobody`'s uid and gid when running as root (PgBouncer will not run as root).
fn unprivileged() -> (Option<u32>, Option<u32>) {
    if !nix::unistd::Uid::effective().is_root() {
        return (None, None);
    }
    let user = nix::unistd::User::from_name("nobody").ok().flatten();
    (
        user.as_ref().map(|u| u.uid.as_raw()),
        user.as_ref().map(|u| u.gid.as_raw()),
    )
}

/// A PgBouncer of 1.21 or newer, or why there is none.
fn binary() -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = std::env::var_os("BIGR_PGBOUNCER")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from(BUILT), PathBuf::from("pgbouncer")])
        .collect();
    let mut seen = Vec::new();
    for bin in candidates {
        let Ok(out) = Command::new(&bin).arg("--version").output() else {
            continue;
        };
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        match version(&text) {
            Some(v) if v >= (1, 21) => return Ok(bin),
            _ => seen.push(format!("{} ({})", bin.display(), text.trim())),
        }
    }
    Err(if seen.is_empty() {
        format!("no pgbouncer at $BIGR_PGBOUNCER, {BUILT} or on the PATH (.ci/run builds one)")
    } else {
        format!("PgBouncer >= 1.21 needed, found {}", seen.join(", "))
    })
}

/// (major, minor) from `PgBouncer 1.24.1`.
fn version(text: &str) -> Option<(u32, u32)> {
    let v = text.lines().next()?.split_whitespace().nth(1)?;
    let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}
