//! The abuse phase of the serve bench: while `wrk` sends normal dashboard traffic, hostile
//! clients run a login burst, requests with made-up methods and a thousand slow bodies. It
//! prints the normal traffic's p99 and the server's RSS, and what the attackers got back.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// What the hostile clients saw.
#[derive(Default)]
pub struct Attack {
    pub logins: AtomicU64,
    pub logins_verified: AtomicU64,
    pub garbage: AtomicU64,
    pub slow_open: AtomicU64,
}

fn status_of(addr: &str, request: &str) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(15)));
    if s.write_all(request.as_bytes()).is_err() {
        return 0;
    }
    let mut head = [0u8; 64];
    let n = s.read(&mut head).unwrap_or(0);
    String::from_utf8_lossy(&head[..n])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// Starts the attackers against `port`; they stop when `stop` is set. Returns their threads.
pub fn start(
    port: u16,
    stop: Arc<AtomicBool>,
    seen: Arc<Attack>,
) -> Vec<std::thread::JoinHandle<()>> {
    let addr = format!("127.0.0.1:{port}");
    let mut threads = Vec::new();
    // Login bursts: 100 at once for the admin account, again and again.
    for _ in 0..4 {
        let (addr, stop, seen) = (addr.clone(), stop.clone(), seen.clone());
        threads.push(std::thread::spawn(move || {
            let body = r#"{"username":"admin","password":"not-the-password"}"#;
            let req = format!(
                "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            while !stop.load(Ordering::Relaxed) {
                let burst: Vec<_> = (0..25)
                    .map(|_| {
                        let (addr, req) = (addr.clone(), req.clone());
                        std::thread::spawn(move || status_of(&addr, &req))
                    })
                    .collect();
                for t in burst {
                    let status = t.join().unwrap_or(0);
                    seen.logins.fetch_add(1, Ordering::Relaxed);
                    if status == 401 {
                        seen.logins_verified.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    // Made-up methods, as fast as one connection each allows.
    {
        let (addr, stop, seen) = (addr.clone(), stop.clone(), seen.clone());
        threads.push(std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let req =
                    format!("X{i} /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                status_of(&addr, &req);
                seen.garbage.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // A thousand bodies that never finish arriving.
    {
        let (stop, seen) = (stop.clone(), seen.clone());
        threads.push(std::thread::spawn(move || {
            let mut held = Vec::new();
            for _ in 0..1000 {
                if let Ok(mut s) = TcpStream::connect(&addr) {
                    let _ = s.write_all(
                        b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{",
                    );
                    held.push(s);
                    seen.slow_open.fetch_add(1, Ordering::Relaxed);
                }
            }
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
            }
            drop(held);
        }));
    }
    threads
}
