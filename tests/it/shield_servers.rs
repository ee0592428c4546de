//! Real servers for the Shield lab and bench, inside lab hosts' namespaces: OpenSSL and
//! GnuTLS processes, rustls speaking TLS 1.3 only, plain HTTP with chosen headers, a lab CA.
use crate::support::lab::Lab;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, date_time_ymd};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

/// A server process in a namespace, killed on drop.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn spawn_in(ns: &str, program: &str, args: &[&str]) -> Proc {
    let child = Command::new("ip")
        .args(["netns", "exec", ns, program])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {program}: {e}"));
    Proc(child)
}

/// Waits (bounded) until ip:port accepts connections from the scanner's namespace.
pub fn wait_listening(lab: &Lab, ip: Ipv4Addr, port: u16) {
    let ok = Lab::in_ns(&lab.scanner_ns, move || {
        (0..100).any(|_| {
            let up = std::net::TcpStream::connect_timeout(
                &(ip, port).into(),
                Duration::from_millis(200),
            )
            .is_ok();
            if !up {
                std::thread::sleep(Duration::from_millis(50));
            }
            up
        })
    });
    assert!(ok, "{ip}:{port} never listened");
}

/// A lab CA (EC P-256) and leaves it signs.
pub struct Ca(pub rcgen::CertifiedIssuer<'static, KeyPair>);

/// Valid from today + `from` days to today + `until` days.
pub fn set_validity(p: &mut CertificateParams, from: i64, until: i64) {
    use chrono::Datelike;
    let ymd = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).date_naive();
    let (a, b) = (ymd(from), ymd(until));
    p.not_before = date_time_ymd(a.year(), a.month() as u8, a.day() as u8);
    p.not_after = date_time_ymd(b.year(), b.month() as u8, b.day() as u8);
}

impl Ca {
    #[allow(clippy::new_without_default)] // each call makes a new key pair: not a default
    pub fn new() -> Ca {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, "bigr lab CA");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        Ca(rcgen::CertifiedIssuer::self_signed(p, KeyPair::generate().unwrap()).unwrap())
    }

    pub fn der(&self) -> CertificateDer<'static> {
        self.0.der().clone()
    }

    pub fn pem(&self) -> String {
        self.0.pem()
    }

    /// A leaf for `name`, valid from `from_days` to `until_days` from today.
    pub fn leaf(
        &self,
        name: &str,
        from_days: i64,
        until_days: i64,
    ) -> (rcgen::Certificate, KeyPair) {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(vec![name.to_string()]).unwrap();
        p.distinguished_name.push(DnType::CommonName, name);
        set_validity(&mut p, from_days, until_days);
        (p.signed_by(&key, &self.0).unwrap(), key)
    }
}

/// An HTTP answer with `headers` (each "Name: value").
pub fn answer(headers: &[&str]) -> String {
    let body = "<html><head><title>lab</title></head><body>ok</body></html>";
    format!(
        "HTTP/1.1 200 OK\r\n{}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        headers
            .iter()
            .map(|h| format!("{h}\r\n"))
            .collect::<String>(),
        body.len()
    )
}

pub const GOOD_HEADERS: [&str; 8] = [
    "Server: lab",
    "Strict-Transport-Security: max-age=63072000; includeSubDomains",
    "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options: nosniff",
    "Referrer-Policy: no-referrer",
    "Permissions-Policy: camera=(), microphone=()",
    "X-Frame-Options: DENY",
    "Set-Cookie: sid=1; Secure; HttpOnly; SameSite=Lax",
];

pub const BAD_HEADERS: [&str; 3] = [
    "Server: nginx/1.18.0",
    "X-Powered-By: PHP/7.4.3",
    "Set-Cookie: PHPSESSID=abc; path=/",
];

pub fn serve_plain(ns: &str, port: u16, reply: String) {
    let listener = Lab::in_ns(ns, move || TcpListener::bind(("0.0.0.0", port)).unwrap());
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 2048];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(reply.as_bytes());
        }
    });
}

/// rustls speaking TLS 1.3 only, sending `chain`, answering HTTP with `reply`.
pub fn serve_tls13(
    ns: &str,
    port: u16,
    chain: Vec<CertificateDer<'static>>,
    key: &KeyPair,
    reply: String,
) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(&[&rustls::version::TLS13])
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(chain, PrivateKeyDer::Pkcs8(key.serialize_der().into()))
    .unwrap();
    let config = Arc::new(config);
    let listener = Lab::in_ns(ns, move || TcpListener::bind(("0.0.0.0", port)).unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let (config, reply) = (config.clone(), reply.clone());
            std::thread::spawn(move || {
                let Ok(session) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(session, conn);
                let mut buf = [0u8; 2048];
                if tls.read(&mut buf).is_ok() {
                    let _ = tls.write_all(reply.as_bytes());
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
}

pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// An old appliance on `ns`:443: OpenSSL offering TLS 1.0 only, with every suite it still has
/// (anonymous ones included), serving the certificate `cert` with `key`.
pub fn legacy_openssl(ns: &str, key: &str, cert: &str) -> Proc {
    spawn_in(
        ns,
        "openssl",
        &[
            "s_server",
            "-accept",
            "443",
            "-cert",
            cert,
            "-key",
            key,
            "-tls1",
            "-cipher",
            "ALL:@SECLEVEL=0",
            "-www",
            "-quiet",
        ],
    )
}

/// A 1024-bit RSA key and a self-signed SHA-1 certificate for it, made by openssl.
pub fn weak_certificate(dir: &Path) -> (String, String) {
    let (key, cert) = (dir.join("weak.key"), dir.join("weak.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-sha1",
            "-days",
            "1",
            "-nodes",
            "-subj",
            "/CN=legacy.lab",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (key.display().to_string(), cert.display().to_string())
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 3 <= b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or(""), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A small web application on `port`: `careless` echoes TRACE, redirects `?url=`/`?next=` to
/// wherever they say, writes `?q=` into the page unescaped and asks for a password at
/// `/admin/`; otherwise TRACE is refused, `?q=` is escaped, nothing redirects and `/admin/`
/// does not exist.
pub fn serve_app(ns: &str, port: u16, careless: bool) {
    let listener = Lab::in_ns(ns, move || TcpListener::bind(("0.0.0.0", port)).unwrap());
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let n = conn.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            let mut line = request.lines().next().unwrap_or("").split_whitespace();
            let (method, target) = (line.next().unwrap_or(""), line.next().unwrap_or("/"));
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let param = |name: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                    .map(percent_decode)
            };
            let reply = |status: &str, headers: &str, body: &str| {
                format!(
                    "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            let answer = match (method, path) {
                ("TRACE", _) if careless => {
                    reply("200 OK", "Content-Type: message/http\r\n", &request)
                }
                ("TRACE", _) => reply("405 Method Not Allowed", "", ""),
                ("GET", "/") => match (param("url").or_else(|| param("next")), param("q")) {
                    (Some(to), _) if careless => {
                        reply("302 Found", &format!("Location: {to}\r\n"), "")
                    }
                    (_, Some(q)) if careless => {
                        reply("200 OK", "", &format!("<p>results for {q}</p>"))
                    }
                    (_, Some(q)) => reply(
                        "200 OK",
                        "",
                        &format!(
                            "<p>results for {}</p>",
                            q.replace('<', "&lt;").replace('>', "&gt;")
                        ),
                    ),
                    _ => reply("200 OK", "", "<p>home</p>"),
                },
                ("GET", "/admin/") if careless => reply(
                    "401 Unauthorized",
                    "WWW-Authenticate: Basic realm=\"admin\"\r\n",
                    "",
                ),
                _ => reply("404 Not Found", "", "not found"),
            };
            let _ = conn.write_all(answer.as_bytes());
        }
    });
}

/// A Telnet-style login on `port` that lets `user`/`password` in (a shell prompt) and answers
/// "Login incorrect" to anything else.
pub fn serve_telnet_login(ns: &str, port: u16, user: &'static str, password: &'static str) {
    let listener = Lab::in_ns(ns, move || TcpListener::bind(("0.0.0.0", port)).unwrap());
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut line = |prompt: &[u8]| -> Option<String> {
                    conn.write_all(prompt).ok()?;
                    let mut buf = [0u8; 256];
                    let n = conn.read(&mut buf).ok()?;
                    Some(String::from_utf8_lossy(&buf[..n]).trim().to_string())
                };
                let (Some(u), Some(p)) = (line(b"\r\nlab login: "), line(b"Password: ")) else {
                    return;
                };
                let answer: &[u8] = if u == user && p == password {
                    b"\r\nWelcome to the lab box\r\n$ "
                } else {
                    b"\r\nLogin incorrect\r\n"
                };
                let _ = conn.write_all(answer);
            });
        }
    });
}

/// An admin page behind HTTP Basic on `port` that opens for admin:`password` only.
pub fn serve_basic_auth(ns: &str, port: u16, password: &'static str) {
    use base64::Engine;
    let listener = Lab::in_ns(ns, move || TcpListener::bind(("0.0.0.0", port)).unwrap());
    let good = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("admin:{password}"))
    );
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let n = conn.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            let authorized = request.lines().any(|l| {
                l.to_ascii_lowercase().starts_with("authorization:") && l[14..].trim() == good
            });
            let answer = if authorized {
                "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nrouter ui"
            } else {
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"router\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            };
            let _ = conn.write_all(answer.as_bytes());
        }
    });
}

/// Dropbear (the SSH server of most Linux appliances) on port 22 of `ns`, with one extra
/// account `user`/`password`. The account exists only for this process: it runs in its own
/// mount namespace where copies of /etc/passwd and /etc/shadow, with the line added, are
/// bound over the machine's.
pub fn dropbear_with_login(ns: &str, dir: &Path, user: &str, password: &str) -> Proc {
    let hash = Command::new("openssl")
        .args(["passwd", "-6", "-salt", "bigrlab", password])
        .output()
        .expect("openssl passwd");
    let hash = String::from_utf8_lossy(&hash.stdout).trim().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap()
        + &format!("{user}:x:4242:4242::/tmp:/bin/sh\n");
    let shadow = std::fs::read_to_string("/etc/shadow").unwrap_or_default()
        + &format!("{user}:{hash}:19000:0:99999:7:::\n");
    let passwd = write(dir, "passwd", &passwd);
    let shadow = write(dir, "shadow", &shadow);
    let key = dir.join("dropbear_ed25519");
    let _ = std::fs::remove_file(&key);
    let made = Command::new("dropbearkey")
        .args(["-t", "ed25519", "-f"])
        .arg(&key)
        .output()
        .expect("dropbearkey");
    assert!(made.status.success(), "dropbearkey: {made:?}");
    let script = format!(
        "mount --bind {passwd} /etc/passwd && mount --bind {shadow} /etc/shadow && exec dropbear -F -E -p 22 -r {}",
        key.display()
    );
    spawn_in(ns, "unshare", &["-m", "sh", "-c", &script])
}

/// lighttpd on `port` of `ns` guarding /admin/ with HTTP Digest (`algorithm` MD5 or
/// SHA-256) for admin/`password`; / is open.
pub fn lighttpd_digest(ns: &str, dir: &Path, port: u16, algorithm: &str, password: &str) -> Proc {
    let root = dir.join(format!("www{port}"));
    std::fs::create_dir_all(root.join("admin")).unwrap();
    std::fs::write(root.join("index.html"), "<h1>device</h1>").unwrap();
    std::fs::write(root.join("admin/index.html"), "<h1>settings</h1>").unwrap();
    let users = write(dir, &format!("users{port}"), &format!("admin:{password}\n"));
    let conf = write(
        dir,
        &format!("lighttpd{port}.conf"),
        &format!(
            "server.document-root = \"{}\"\nserver.port = {port}\n\
             server.modules = (\"mod_auth\", \"mod_authn_file\")\n\
             index-file.names = (\"index.html\")\n\
             auth.backend = \"plain\"\nauth.backend.plain.userfile = \"{users}\"\n\
             auth.require = (\"/admin/\" => (\"method\" => \"digest\", \"realm\" => \"lab\", \
             \"algorithm\" => \"{algorithm}\", \"require\" => \"valid-user\"))\n",
            root.display()
        ),
    );
    spawn_in(ns, "lighttpd", &["-D", "-f", &conf])
}

/// miniupnpd, a real Internet Gateway Device, on `ns`'s eth0 (its LAN side); the WAN side is
/// a veth pair made inside the namespace, so nothing leaves it.
pub fn miniupnpd(ns: &str, dir: &Path) -> Proc {
    for args in [
        "link add wan0 type veth peer name wan0p",
        "link set wan0 up",
        "link set wan0p up",
        "addr add 192.0.2.5/24 dev wan0",
    ] {
        let ok = Command::new("ip")
            .args(["-n", ns])
            .args(args.split(' '))
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "ip -n {ns} {args}");
    }
    let conf = write(
        dir,
        "miniupnpd.conf",
        "ext_ifname=wan0\nlistening_ip=eth0\nport=5000\nenable_upnp=yes\nenable_natpmp=no\n\
         secure_mode=yes\nuuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b\n\
         deny 0-65535 0.0.0.0/0 0-65535\n",
    );
    spawn_in(ns, "miniupnpd", &["-d", "-f", &conf])
}
