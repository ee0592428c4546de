//! Getting one message to one channel: HTTPS POSTs (webhook, Slack, Teams), e-mail, and
//! syslog over UDP or TCP. Every send is bounded in time; an error names the channel's host, never its
//! URL (whose path is the credential).
use super::format;
use crate::store::alerts::channels::{ChannelKind, Destination, syslog_target};
use crate::store::entity::alert_channel;
use serde_json::Value;
use std::time::Duration;

/// A send that takes longer has failed (and is tried again later).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// The HMAC-SHA256 signature header value of a webhook body: `sha256=<hex>` over
/// `<timestamp>.<body>`, so a receiver can refuse replays outside its clock window.
pub fn signature(key: &str, timestamp: i64, body: &[u8]) -> String {
    let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes());
    let mut ctx = ring::hmac::Context::with_key(&k);
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    let tag = ctx.sign();
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

fn post(
    channel: &alert_channel::Model,
    url: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(SEND_TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(format!("bigr/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut req = agent.post(url).header("Content-Type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    match req.send(&body[..]) {
        Ok(res) if res.status().is_success() => Ok(()),
        Ok(res) => Err(format!(
            "{} answered HTTP {}",
            channel.target,
            res.status().as_u16()
        )),
        // ureq's errors may quote the URL: say what happened, not where.
        Err(ureq::Error::Timeout(_)) => Err(format!("{} did not answer in time", channel.target)),
        Err(ureq::Error::HostNotFound) => Err(format!("{}: host not found", channel.target)),
        Err(ureq::Error::ConnectionFailed) => Err(format!("{}: connection failed", channel.target)),
        Err(ureq::Error::Io(e)) => Err(format!("{}: {}", channel.target, e.kind())),
        Err(_) => Err(format!("{}: the request failed", channel.target)),
    }
}

fn syslog_send(address: &str, line: &str) -> Result<(), String> {
    use std::io::Write;
    use std::net::ToSocketAddrs;
    let (tcp, hostport) = syslog_target(address).map_err(|e| e.to_string())?;
    let addr = hostport
        .to_socket_addrs()
        .map_err(|e| format!("{hostport}: {e}"))?
        .next()
        .ok_or_else(|| format!("{hostport}: no address"))?;
    if tcp {
        let mut s = std::net::TcpStream::connect_timeout(&addr, SEND_TIMEOUT)
            .map_err(|e| format!("{hostport}: {e}"))?;
        s.set_write_timeout(Some(SEND_TIMEOUT))
            .map_err(|e| e.to_string())?;
        // RFC 6587 octet counting: "<length> <message>".
        s.write_all(format!("{} {line}", line.len()).as_bytes())
            .map_err(|e| format!("{hostport}: {e}"))
    } else {
        let bind = if addr.is_ipv4() {
            "0.0.0.0:0"
        } else {
            "[::]:0"
        };
        let s = std::net::UdpSocket::bind(bind).map_err(|e| e.to_string())?;
        s.send_to(line.as_bytes(), addr)
            .map(|_| ())
            .map_err(|e| format!("{hostport}: {e}"))
    }
}

/// Sends one message; blocking, bounded by `SEND_TIMEOUT`.
pub fn send(
    channel: &alert_channel::Model,
    dest: &Destination,
    event: &str,
    idempotency_key: &str,
    payload: &Value,
) -> Result<(), String> {
    let kind = ChannelKind::parse(&channel.kind).ok_or("unknown channel kind")?;
    let url = || dest.url.as_deref().ok_or("the channel has no URL");
    match kind {
        ChannelKind::Webhook => {
            let body = serde_json::to_vec(payload).map_err(|e| e.to_string())?;
            let ts = chrono::Utc::now().timestamp();
            let mut headers = vec![
                ("X-Bigr-Event", event.to_string()),
                ("Idempotency-Key", idempotency_key.to_string()),
                ("X-Bigr-Timestamp", ts.to_string()),
            ];
            if let Some(key) = &dest.hmac_key {
                headers.push(("X-Bigr-Signature", signature(key, ts, &body)));
            }
            post(channel, url()?, body, &headers)
        }
        ChannelKind::Slack | ChannelKind::Teams => {
            let body = if kind == ChannelKind::Slack {
                format::slack(payload)
            } else {
                format::teams(payload)
            };
            let body = serde_json::to_vec(&body).map_err(|e| e.to_string())?;
            post(channel, url()?, body, &[])
        }
        ChannelKind::Smtp => {
            let smtp = dest
                .smtp
                .as_ref()
                .ok_or("the channel has no SMTP settings")?;
            super::mail::send(smtp, payload, SEND_TIMEOUT)
        }
        ChannelKind::Syslog => {
            let address = dest.syslog.as_deref().ok_or("the channel has no address")?;
            let host = super::hostname();
            format::syslog_lines(payload, &host, chrono::Utc::now())
                .iter()
                .try_for_each(|line| syslog_send(address, line))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            signature("key", 1_700_000_000, br#"{"a":1}"#),
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
        );
    }
}
