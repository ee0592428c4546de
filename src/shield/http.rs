//! One bounded HTTP/1.1 request, over plain TCP or over TLS (any certificate: we describe the
//! server, we never trust it), and its answer's status and headers.
use super::net::{Budget, Unreached, read_answer};
use rustls::pki_types::ServerName;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Largest answer read: the headers and the start of a page.
const MAX_ANSWER: usize = 64 * 1024;
const MAX_HEADERS: usize = 128;

#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    /// Header names in lower case, in order, repeated names kept (Set-Cookie).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The Host header (and SNI): a name when known, else the address.
    pub host: &'a str,
    pub tls: bool,
    /// An Authorization header value (the creds module's Basic attempts).
    pub authorization: Option<&'a str>,
}

fn headers_done(buf: &[u8]) -> bool {
    buf.windows(4).any(|w| w == b"\r\n\r\n")
}

/// Parses a whole or cut answer: None when the status line and headers are not complete.
pub fn parse(raw: &[u8]) -> Option<Answer> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut slots);
    let httparse::Status::Complete(len) = resp.parse(raw).ok()? else {
        return None;
    };
    Some(Answer {
        status: resp.code?,
        headers: resp
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_ascii_lowercase(),
                    String::from_utf8_lossy(h.value).trim().to_string(),
                )
            })
            .collect(),
        body: raw[len..].to_vec(),
    })
}

fn request_bytes(r: &Request<'_>) -> Vec<u8> {
    let auth = r
        .authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: bigr-shield/{}\r\nAccept: */*\r\n{auth}Connection: close\r\n\r\n",
        r.method,
        r.path,
        r.host,
        env!("CARGO_PKG_VERSION")
    )
    .into_bytes()
}

/// Sends one request to ip:port and reads the answer (headers, and with `body` up to 64 KiB
/// of the page). Err when nothing answered; Ok(None) when what answered was not HTTP.
pub async fn fetch(
    budget: &Budget,
    recording: &Arc<rustls::ClientConfig>,
    ip: IpAddr,
    port: u16,
    req: &Request<'_>,
    body: bool,
) -> Result<Option<Answer>, Unreached> {
    let mut conn = budget.connect(SocketAddr::new(ip, port)).await?;
    let bytes = request_bytes(req);
    let done = |b: &[u8]| !body && headers_done(b);
    let raw = if req.tls {
        let name = ServerName::try_from(req.host.to_string())
            .unwrap_or_else(|_| ServerName::IpAddress(ip.into()));
        let handshake =
            tokio_rustls::TlsConnector::from(recording.clone()).connect(name, &mut conn.stream);
        let mut tls = match tokio::time::timeout(budget.exchange_timeout, handshake).await {
            Err(_) => return Err(Unreached::TimedOut),
            Ok(Err(e)) => return Err(Unreached::Other(format!("TLS handshake: {e}"))),
            Ok(Ok(t)) => t,
        };
        read_answer(&mut tls, &bytes, MAX_ANSWER, budget.exchange_timeout, done).await?
    } else {
        read_answer(
            &mut conn.stream,
            &bytes,
            MAX_ANSWER,
            budget.exchange_timeout,
            done,
        )
        .await?
    };
    Ok(parse(&raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_headers_in_lower_case_with_repeats_and_refuses_a_cut_head() {
        let raw = b"HTTP/1.1 200 OK\r\nServer: nginx/1.18.0\r\nSet-Cookie: a=1\r\nset-cookie: b=2; Secure\r\n\r\n<html>";
        let a = parse(raw).unwrap();
        assert_eq!(a.status, 200);
        assert_eq!(a.header("server"), Some("nginx/1.18.0"));
        assert_eq!(
            a.all("set-cookie").collect::<Vec<_>>(),
            ["a=1", "b=2; Secure"]
        );
        assert_eq!(a.body, b"<html>");
        assert!(parse(b"HTTP/1.1 200 OK\r\nServer: x").is_none());
        assert!(parse(b"SSH-2.0-OpenSSH\r\n\r\n").is_none());
    }
}
