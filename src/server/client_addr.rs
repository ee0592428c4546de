//! The client's address for throttling and logs. Behind `trusted_proxies` reverse proxies, each
//! one appends the address it received from to `X-Forwarded-For`; only those entries are
//! trustworthy, so the client is the entry that many hops from the right. Anything left of it
//! was written by the client and may be forged.
use actix_web::HttpRequest;
use std::net::IpAddr;

/// The client address as text ("unknown" without a peer).
pub fn client_addr(req: &HttpRequest, behind_proxy: bool, trusted_proxies: usize) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    if behind_proxy {
        let values: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        if let Some(ip) = forwarded_client(&values, trusted_proxies) {
            return ip.to_string();
        }
    }
    peer.map_or_else(|| "unknown".into(), |ip| ip.to_string())
}

/// The address `trusted` hops from the right of the `X-Forwarded-For` chain (all header lines
/// in order). With fewer entries than trusted proxies, the leftmost one: a trusted proxy wrote
/// it. None when the chain is empty or the chosen entry is not an address.
pub fn forwarded_client(values: &[&str], trusted: usize) -> Option<IpAddr> {
    let hops: Vec<&str> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let trusted = trusted.max(1);
    let chosen = hops
        .len()
        .checked_sub(trusted)
        .map_or(hops.first(), |i| hops.get(i))?;
    parse_hop(chosen)
}

/// An entry may carry a port ("1.2.3.4:5678", "[::1]:80") as some proxies write it.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(sock) = hop.parse::<std::net::SocketAddr>() {
        return Some(sock.ip());
    }
    hop.trim_start_matches('[')
        .split(']')
        .next()
        .and_then(|h| h.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("ip"))
    }

    #[test]
    fn a_forged_leftmost_entry_is_ignored_behind_one_proxy() {
        // The client sent "X-Forwarded-For: 6.6.6.6"; the proxy appended the real address.
        assert_eq!(
            forwarded_client(&["6.6.6.6, 203.0.113.7"], 1),
            ip("203.0.113.7")
        );
        assert_eq!(
            forwarded_client(&["6.6.6.6", "203.0.113.7"], 1),
            ip("203.0.113.7")
        );
        assert_eq!(forwarded_client(&["203.0.113.7"], 1), ip("203.0.113.7"));
    }

    #[test]
    fn two_proxies_skip_the_inner_one() {
        assert_eq!(
            forwarded_client(&["6.6.6.6, 203.0.113.7, 10.0.0.2"], 2),
            ip("203.0.113.7")
        );
        assert_eq!(forwarded_client(&["203.0.113.7"], 2), ip("203.0.113.7"));
    }

    #[test]
    fn ports_and_garbage() {
        assert_eq!(
            forwarded_client(&["203.0.113.7:5555"], 1),
            ip("203.0.113.7")
        );
        assert_eq!(
            forwarded_client(&["[2001:db8::1]:443"], 1),
            ip("2001:db8::1")
        );
        assert_eq!(forwarded_client(&["not-an-ip"], 1), None);
        assert_eq!(forwarded_client(&[], 1), None);
        assert_eq!(forwarded_client(&[" , "], 1), None);
    }
}
