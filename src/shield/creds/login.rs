//! Line protocols that take a login: anonymous FTP and Telnet with a default.
use super::{DEFAULTS, MAX_ATTEMPTS, locked_out};
use crate::shield::net::{Budget, read_answer};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

fn line_done(b: &[u8]) -> bool {
    b.ends_with(b"\r\n") || b.ends_with(b"\n")
}

/// Whether the FTP server on ip:21 takes an anonymous login.
pub async fn ftp_anonymous(budget: &Budget, ip: IpAddr) -> Option<String> {
    let mut conn = budget.connect(SocketAddr::new(ip, 21)).await.ok()?;
    let t = budget.exchange_timeout;
    let greeting = read_answer(&mut conn.stream, b"", 1024, t, line_done)
        .await
        .ok()?;
    if !greeting.starts_with(b"220") {
        return None;
    }
    let user = read_answer(&mut conn.stream, b"USER anonymous\r\n", 1024, t, line_done)
        .await
        .ok()?;
    if !user.starts_with(b"331") && !user.starts_with(b"230") {
        return None;
    }
    let pass = if user.starts_with(b"230") {
        user
    } else {
        read_answer(
            &mut conn.stream,
            b"PASS bigr@example.invalid\r\n",
            1024,
            t,
            line_done,
        )
        .await
        .ok()?
    };
    let _ = read_answer(&mut conn.stream, b"QUIT\r\n", 256, t, line_done).await;
    pass.starts_with(b"230")
        .then(|| crate::scan::banner::printable(&greeting).trim().to_string())
}

/// The first default a Telnet login on ip:23 accepts.
pub async fn telnet(budget: &Budget, ip: IpAddr) -> Option<(&'static str, &'static str)> {
    let t = budget.exchange_timeout.min(Duration::from_secs(3));
    let ends_with_prompt = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).to_ascii_lowercase();
        let s = s.trim_end();
        s.ends_with(':') || s.ends_with('>') || s.ends_with('#') || s.ends_with('$')
    };
    for (user, pass) in DEFAULTS.iter().take(MAX_ATTEMPTS) {
        let mut conn = budget.connect(SocketAddr::new(ip, 23)).await.ok()?;
        let s = &mut conn.stream;
        let login = read_answer(s, b"", 2048, t, ends_with_prompt).await.ok()?;
        if !String::from_utf8_lossy(&login)
            .to_ascii_lowercase()
            .contains("login")
        {
            return None;
        }
        read_answer(
            s,
            format!("{user}\r\n").as_bytes(),
            2048,
            t,
            ends_with_prompt,
        )
        .await
        .ok()?;
        let after = read_answer(
            s,
            format!("{pass}\r\n").as_bytes(),
            2048,
            t,
            ends_with_prompt,
        )
        .await
        .unwrap_or_default();
        let text = String::from_utf8_lossy(&after).to_ascii_lowercase();
        if locked_out(&text) {
            return None;
        }
        let refused = ["incorrect", "invalid", "failed", "denied", "login:"]
            .iter()
            .any(|w| text.contains(w));
        if !refused && !text.trim().is_empty() {
            return Some((user, pass));
        }
    }
    None
}
