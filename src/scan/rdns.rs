//! Reverse DNS names of live hosts, through the system's resolver configuration
//! (/etc/resolv.conf and /etc/hosts), all lookups at once under one short deadline.
use hickory_resolver::TokioResolver;
use hickory_resolver::proto::rr::RData;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;
use tokio::task::JoinSet;

/// Lookups (UDP sockets) in flight at once.
pub const DNS_IN_FLIGHT: usize = 32;

/// Names by IP; hosts without a PTR record (or whose lookup timed out) are absent.
pub async fn lookup_all(
    ips: &[IpAddr],
    timeout: Duration,
    in_flight: usize,
) -> HashMap<IpAddr, String> {
    let Ok(mut builder) = TokioResolver::builder_tokio() else {
        tracing::debug!("no resolver configuration: reverse DNS skipped");
        return HashMap::new();
    };
    // One attempt per name: a LAN resolver answers in milliseconds or not at all.
    builder.options_mut().timeout = timeout;
    builder.options_mut().attempts = 1;
    let Ok(resolver) = builder.build() else {
        return HashMap::new();
    };
    let mut lookups = JoinSet::new();
    let mut out = HashMap::new();
    // Loopback always answers "localhost": nothing to learn, and no query leaves the host.
    for ip in ips.iter().copied().filter(|ip| !ip.is_loopback()) {
        if lookups.len() >= in_flight.clamp(1, DNS_IN_FLIGHT)
            && let Some(Ok(Some((ip, name)))) = lookups.join_next().await
        {
            out.insert(ip, name);
        }
        let resolver = resolver.clone();
        lookups.spawn(async move {
            let answer = tokio::time::timeout(timeout * 2, resolver.reverse_lookup(ip)).await;
            let name = answer
                .ok()?
                .ok()?
                .answers()
                .iter()
                .find_map(|r| match &r.data {
                    RData::PTR(ptr) => Some(ptr.0.to_utf8()),
                    _ => None,
                })?;
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            (!name.is_empty()).then_some((ip, name))
        });
    }
    while let Some(done) = lookups.join_next().await {
        if let Ok(Some((ip, name))) = done {
            out.insert(ip, name);
        }
    }
    out
}
