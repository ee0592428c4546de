//! The agent's HTTP client: one ureq agent (rustls, timeouts on connect and on the whole
//! exchange, proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY), and every failure sorted into a
//! class the daemon can act on and a person can read.
use crate::model::agent_api::ErrorBody;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A 65 536-asset report over a slow uplink still fits.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(120);

/// Why a call failed, in the terms that decide what to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("cannot resolve the server's name ({0}): check --api-url and DNS")]
    Dns(String),
    #[error("the server refused the connection or is unreachable ({0})")]
    Unreachable(String),
    #[error("TLS failed ({0}): check the server certificate and the clock")]
    Tls(String),
    #[error("the server did not answer in time")]
    Timeout,
    #[error("token revoked or wrong (HTTP 401): register the agent again")]
    Unauthorized,
    #[error("the server asks to slow down; retrying in {0} s")]
    RateLimited(u64),
    /// The server will never take this request as it is (4xx other than 401/429).
    #[error("the server refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// A server-side failure worth retrying (5xx, broken answer).
    #[error("the server failed (HTTP {status}): {message}")]
    Server { status: u16, message: String },
}

impl CallError {
    /// Whether the server itself answered (as opposed to DNS, network, TLS or a timeout).
    pub fn server_answered(&self) -> bool {
        !matches!(
            self,
            CallError::Dns(_) | CallError::Unreachable(_) | CallError::Tls(_) | CallError::Timeout
        )
    }

    /// Whether sending the same thing later may work.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, CallError::Rejected { .. } | CallError::Unauthorized)
    }
}

pub struct ApiClient {
    base: String,
    /// Replaced in place when the agent rotates its token (heartbeats and deliveries share
    /// this client).
    token: std::sync::RwLock<Option<String>>,
    http: ureq::Agent,
}

fn classify(e: ureq::Error) -> CallError {
    use std::io::ErrorKind;
    match e {
        ureq::Error::HostNotFound => CallError::Dns("host not found".into()),
        ureq::Error::Timeout(_) => CallError::Timeout,
        ureq::Error::ConnectionFailed => CallError::Unreachable("connection failed".into()),
        ureq::Error::Tls(why) => CallError::Tls(why.to_string()),
        ureq::Error::Rustls(why) => CallError::Tls(why.to_string()),
        ureq::Error::Io(io) => match io.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => CallError::Timeout,
            ErrorKind::ConnectionRefused
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::NotConnected
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable => CallError::Unreachable(io.to_string()),
            _ => CallError::Unreachable(io.to_string()),
        },
        other => CallError::Server {
            status: 0,
            message: other.to_string(),
        },
    }
}

/// The `ErrorBody` of an answer, or its first 200 characters.
fn reason(body: &str) -> String {
    serde_json::from_str::<ErrorBody>(body)
        .map(|b| b.error)
        .unwrap_or_else(|_| body.chars().take(200).collect())
}

/// Decodes an answer, sorting a failure status into its `CallError`.
fn read_answer<T: DeserializeOwned>(
    mut res: ureq::http::Response<ureq::Body>,
) -> Result<T, CallError> {
    let status = res.status().as_u16();
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let text = res
        .body_mut()
        .with_config()
        .limit(4 * 1024 * 1024)
        .read_to_string()
        .map_err(classify)?;
    match status {
        200..=299 => serde_json::from_str(&text).map_err(|e| CallError::Server {
            status,
            message: format!("unreadable answer: {e}"),
        }),
        401 => Err(CallError::Unauthorized),
        429 => Err(CallError::RateLimited(
            retry_after.unwrap_or(30).clamp(1, 3600),
        )),
        // The request arrived too slowly (a congested uplink): the same bytes may arrive
        // in time later, so it is not the report's fault.
        408 => Err(CallError::Server {
            status,
            message: reason(&text),
        }),
        400..=499 => Err(CallError::Rejected {
            status,
            message: reason(&text),
        }),
        _ => Err(CallError::Server {
            status,
            message: reason(&text),
        }),
    }
}

impl ApiClient {
    pub fn new(base: &str, token: Option<String>) -> ApiClient {
        let http: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(EXCHANGE_TIMEOUT))
            .max_idle_age(crate::model::agent_api::CLIENT_MAX_IDLE)
            .http_status_as_error(false)
            .proxy(ureq::Proxy::try_from_env())
            .user_agent(format!("bigr-agent/{}", crate::version::current()))
            .build()
            .into();
        ApiClient {
            base: base.trim_end_matches('/').to_string(),
            token: std::sync::RwLock::new(token),
            http,
        }
    }

    pub fn set_token(&self, token: String) {
        *self.token.write().unwrap_or_else(|p| p.into_inner()) = Some(token);
    }

    fn bearer(&self) -> Option<String> {
        self.token
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|t| format!("Bearer {t}"))
    }

    /// POSTs a JSON body (already encoded) and decodes the answer.
    pub fn post_bytes<T: DeserializeOwned>(&self, path: &str, body: &[u8]) -> Result<T, CallError> {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(b) = self.bearer() {
            req = req.header("Authorization", b);
        }
        let res = req.send(body).map_err(classify)?;
        read_answer(res)
    }

    /// GETs `path` with `If-None-Match: etag`; None when the server says the copy held is
    /// current (304), else the answer and its ETag.
    pub fn get_unless_held<T: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Option<(T, Option<String>)>, CallError> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(b) = self.bearer() {
            req = req.header("Authorization", b);
        }
        if let Some(e) = etag {
            req = req.header("If-None-Match", e);
        }
        let res = req.call().map_err(classify)?;
        if res.status().as_u16() == 304 {
            return Ok(None);
        }
        let tag = res
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        read_answer(res).map(|v| Some((v, tag)))
    }

    /// GETs a file into `out`, reading at most `limit` bytes (a longer answer is cut there and
    /// its size check fails); returns the bytes written. Fifteen minutes at most: a release
    /// over a slow uplink.
    pub fn download(
        &self,
        path: &str,
        out: &mut impl std::io::Write,
        limit: u64,
    ) -> Result<u64, CallError> {
        let mut req = self
            .http
            .get(format!("{}{path}", self.base))
            .config()
            .timeout_global(Some(Duration::from_secs(900)))
            .build();
        if let Some(b) = self.bearer() {
            req = req.header("Authorization", b);
        }
        let mut res = req.call().map_err(classify)?;
        let status = res.status().as_u16();
        if !(200..300).contains(&status) {
            return read_answer::<serde_json::Value>(res).and(Err(CallError::Server {
                status,
                message: "no file in the answer".into(),
            }));
        }
        let mut reader = std::io::Read::take(res.body_mut().as_reader(), limit);
        std::io::copy(&mut reader, out).map_err(|e| CallError::Unreachable(e.to_string()))
    }

    pub fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, CallError> {
        let bytes = serde_json::to_vec(body).map_err(|e| CallError::Rejected {
            status: 0,
            message: format!("cannot encode the request: {e}"),
        })?;
        self.post_bytes(path, &bytes)
    }

    /// GET without the token (the health endpoint), for `bigr agent status`.
    pub fn health(&self, timeout: Duration) -> Result<serde_json::Value, CallError> {
        let mut res = self
            .http
            .get(format!("{}/api/health", self.base))
            .config()
            .timeout_global(Some(timeout))
            .build()
            .call()
            .map_err(classify)?;
        let status = res.status().as_u16();
        let text = res.body_mut().read_to_string().map_err(classify)?;
        match status {
            200..=299 => serde_json::from_str(&text).map_err(|e| CallError::Server {
                status,
                message: e.to_string(),
            }),
            _ => Err(CallError::Server {
                status,
                message: reason(&text),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_port_is_unreachable_and_retryable() {
        // Bind then drop: the port is (almost certainly) closed on loopback.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = ApiClient::new(&format!("http://127.0.0.1:{port}"), None);
        let e = c
            .post::<_, serde_json::Value>("/api/agents/heartbeat", &serde_json::json!({}))
            .unwrap_err();
        assert!(matches!(e, CallError::Unreachable(_)), "{e:?}");
        assert!(e.is_retryable());
    }

    #[test]
    fn rejections_are_final_and_name_the_server_reason() {
        let e = CallError::Rejected {
            status: 422,
            message: reason(r#"{"error":"invalid report field 'assets[0].ip'"}"#),
        };
        assert!(!e.is_retryable());
        assert!(e.to_string().contains("assets[0].ip"));
        assert!(!CallError::Unauthorized.is_retryable());
        assert!(CallError::RateLimited(5).is_retryable());
    }
}
