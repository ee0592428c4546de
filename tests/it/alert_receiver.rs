//! A real HTTP receiver for alert webhooks on 127.0.0.1: it keeps every request (headers and
//! body) and answers with the status it is told to, so tests can see what a SIEM or chat
//! service would get, refuse messages to make the sender retry, and verify signatures.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

pub struct Receiver {
    pub port: u16,
    pub got: Arc<Mutex<Vec<Received>>>,
    /// The status the next requests get (200 unless changed).
    pub answer: Arc<AtomicU16>,
    /// While set, a request is kept and then left unanswered (at most 60 s): the sender is
    /// caught between claiming a message and hearing how its send went.
    pub hang: Arc<AtomicBool>,
}

impl Receiver {
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let got: Arc<Mutex<Vec<Received>>> = Default::default();
        let answer = Arc::new(AtomicU16::new(200));
        let hang = Arc::new(AtomicBool::new(false));
        let (keep, status, hanging) = (got.clone(), answer.clone(), hang.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                let mut r = BufReader::new(conn);
                let mut line = String::new();
                if r.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut headers = Vec::new();
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                    }
                }
                let len: usize = headers
                    .iter()
                    .find(|(k, _)| k == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; len.min(1 << 20)];
                let _ = r.read_exact(&mut body);
                if hanging.load(Ordering::SeqCst) {
                    keep.lock().unwrap().push(Received {
                        path,
                        headers,
                        body,
                    });
                    let until = Instant::now() + Duration::from_secs(60);
                    while hanging.load(Ordering::SeqCst) && Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    continue;
                }
                let code = status.load(Ordering::SeqCst);
                let mut conn = r.into_inner();
                let _ = write!(
                    conn,
                    "HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                keep.lock().unwrap().push(Received {
                    path,
                    headers,
                    body,
                });
            }
        });
        Receiver {
            port,
            got,
            answer,
            hang,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Waits (at most `within`) until `pred` holds for what was received; returns it.
    pub fn wait_for(&self, within: Duration, pred: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let until = Instant::now() + within;
        loop {
            let now = self.got.lock().unwrap().clone();
            if pred(&now) || Instant::now() > until {
                return now;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Verifies `X-Bigr-Signature` the way a receiver would: HMAC-SHA256 over
/// `<X-Bigr-Timestamp>.<body>` with the channel's key.
pub fn signature_ok(r: &Received, key: &str) -> bool {
    let (Some(sig), Some(ts)) = (r.header("x-bigr-signature"), r.header("x-bigr-timestamp")) else {
        return false;
    };
    let Some(hex) = sig.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(tag) = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
    else {
        return false;
    };
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes());
    let mut signed = format!("{ts}.").into_bytes();
    signed.extend_from_slice(&r.body);
    ring::hmac::verify(&k, &signed, &tag).is_ok()
}
