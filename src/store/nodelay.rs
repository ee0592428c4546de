//! sqlx 0.9.0 leaves Nagle's algorithm on for its TCP connections (sqlx #4335; the fix,
//! sqlx #4336, is merged upstream but not in a release yet). A statement larger than one TCP
//! segment then waits out the server's delayed ACK, about 40 ms: a 5 000-asset save on
//! PostgreSQL spent over a second of its two in such waits. Until a release carries the fix
//! (then delete this file), every new pooled connection turns Nagle off on this process's
//! sockets connected to the database's port.

/// The port a PostgreSQL URL connects to over TCP (None: not PostgreSQL, or a Unix socket).
pub fn postgres_port(url: &str) -> Option<u16> {
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return None;
    }
    // `?host=/run/postgresql` (or an empty host) is a Unix socket: no Nagle there.
    let unix = parsed
        .query_pairs()
        .any(|(k, v)| k == "host" && v.starts_with('/'));
    match (parsed.host_str(), unix) {
        (Some(h), false) if !h.is_empty() => Some(parsed.port().unwrap_or(5432)),
        _ => None,
    }
}

/// Sets TCP_NODELAY on every TCP socket of this process whose peer listens on `port`;
/// returns how many it found. Setting it twice, or on another client's socket to that
/// port, does no harm.
pub fn disable_nagle_towards(port: u16) -> usize {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return 0;
    };
    let mut found = 0;
    for entry in dir.flatten() {
        let is_socket = std::fs::read_link(entry.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        let fd = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok());
        if let (true, Some(fd)) = (is_socket, fd)
            && peer_port(fd) == Some(port)
            && set_nodelay(fd)
        {
            found += 1;
        }
    }
    found
}

/// The peer's port of a connected TCP socket (IPv4 or IPv6).
fn peer_port(fd: i32) -> Option<u16> {
    let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: plain syscall on a descriptor number; `addr` and `len` are valid for writing.
    // A descriptor closed or reused meanwhile makes it fail or name another socket, both
    // harmless here.
    let rc = unsafe { libc::getpeername(fd, (&raw mut addr).cast(), &mut len) };
    if rc != 0 {
        return None;
    }
    match i32::from(addr.ss_family) {
        libc::AF_INET => {
            // SAFETY: the kernel filled a sockaddr_in for AF_INET.
            let v4: libc::sockaddr_in = unsafe { std::ptr::read((&raw const addr).cast()) };
            Some(u16::from_be(v4.sin_port))
        }
        libc::AF_INET6 => {
            // SAFETY: the kernel filled a sockaddr_in6 for AF_INET6.
            let v6: libc::sockaddr_in6 = unsafe { std::ptr::read((&raw const addr).cast()) };
            Some(u16::from_be(v6.sin6_port))
        }
        _ => None,
    }
}

fn set_nodelay(fd: i32) -> bool {
    let on: libc::c_int = 1;
    // SAFETY: plain syscall on a descriptor number with a valid int option value.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&raw const on).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    rc == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_port_of_tcp_urls_only() {
        assert_eq!(postgres_port("postgres://u@db.example:6543/x"), Some(6543));
        assert_eq!(postgres_port("postgresql://u@127.0.0.1/x"), Some(5432));
        assert_eq!(postgres_port("postgres:///x?host=/run/postgresql"), None);
        assert_eq!(postgres_port("sqlite://bigr.db"), None);
    }

    #[test]
    fn turns_nagle_off_on_this_process_sockets_to_the_port() {
        use std::os::fd::AsRawFd;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        assert!(!client.nodelay().unwrap());
        assert!(disable_nagle_towards(port) >= 1);
        assert!(client.nodelay().unwrap(), "fd {}", client.as_raw_fd());
    }
}
