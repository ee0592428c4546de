//! The one place Shield touches the network: every connection holds a permit of the run's
//! budget (one global bound on connections in flight), and every exchange is bounded in time
//! and in bytes read.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Limits of one Shield run.
#[derive(Clone)]
pub struct Budget {
    permits: Arc<Semaphore>,
    pub connect_timeout: Duration,
    /// Bound of one whole exchange (write + every read) after the connection is up.
    pub exchange_timeout: Duration,
}

/// A connection and the permit it holds until dropped.
pub struct Conn {
    pub stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl Conn {
    /// The stream and its place in the budget, for a client that takes the stream over.
    pub fn into_parts(self) -> (TcpStream, OwnedSemaphorePermit) {
        (self.stream, self._permit)
    }
}

/// Why a probe did not get an answer: not assessed, never a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreached {
    Refused,
    TimedOut,
    Other(String),
}

impl std::fmt::Display for Unreached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreached::Refused => f.write_str("connection refused"),
            Unreached::TimedOut => f.write_str("timed out"),
            Unreached::Other(e) => f.write_str(e),
        }
    }
}

impl Budget {
    pub fn new(connections: usize, connect_timeout: Duration, exchange_timeout: Duration) -> Self {
        Budget {
            permits: Arc::new(Semaphore::new(connections.max(1))),
            connect_timeout,
            exchange_timeout,
        }
    }

    /// A permit for a connection made elsewhere (a rustls handshake, a UDP exchange).
    pub async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        self.permits.clone().acquire_owned().await.ok()
    }

    /// Waits for a permit, then connects within the connect timeout.
    pub async fn connect(&self, addr: SocketAddr) -> Result<Conn, Unreached> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Unreached::Other("shield run closed".into()))?;
        match tokio::time::timeout(self.connect_timeout, TcpStream::connect(addr)).await {
            Err(_) => Err(Unreached::TimedOut),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                Err(Unreached::Refused)
            }
            Ok(Err(e)) => Err(Unreached::Other(e.to_string())),
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                Ok(Conn {
                    stream,
                    _permit: permit,
                })
            }
        }
    }

    /// Connects, sends `request` and reads until `done` says the answer is whole, the peer
    /// closes, `cap` bytes arrived or the exchange timeout passes. An empty answer is Ok.
    pub async fn exchange(
        &self,
        addr: SocketAddr,
        request: &[u8],
        cap: usize,
        done: impl Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, Unreached> {
        let mut conn = self.connect(addr).await?;
        read_answer(&mut conn.stream, request, cap, self.exchange_timeout, done).await
    }
}

/// Writes `request` (when not empty) and reads the answer under one deadline.
pub async fn read_answer<S>(
    stream: &mut S,
    request: &[u8],
    cap: usize,
    timeout: Duration,
    done: impl Fn(&[u8]) -> bool,
) -> Result<Vec<u8>, Unreached>
where
    S: tokio::io::AsyncRead + AsyncWrite + Unpin,
{
    let deadline = tokio::time::Instant::now() + timeout;
    if !request.is_empty() {
        match tokio::time::timeout_at(deadline, stream.write_all(request)).await {
            Err(_) => return Err(Unreached::TimedOut),
            Ok(Err(e)) => return Err(Unreached::Other(e.to_string())),
            Ok(Ok(())) => {}
        }
    }
    let mut buf = Vec::with_capacity(cap.min(16 * 1024));
    let mut chunk = [0u8; 4096];
    while buf.len() < cap && !done(&buf) {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n.min(cap - buf.len())]),
            Err(_) if buf.is_empty() => return Err(Unreached::TimedOut),
            Err(_) => break,
        }
    }
    Ok(buf)
}
