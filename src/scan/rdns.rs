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

/// How one lookup ended: a name, an answer without one, or no answer in time.
enum Lookup {
    Named(IpAddr, String),
    Unnamed,
    TimedOut,
}

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
    let batch = in_flight.clamp(1, DNS_IN_FLIGHT);
    // A resolver that lets a whole batch of lookups time out without answering one is not
    // there: the rest are not asked, so a dead resolver costs one timeout, not one per batch.
    let (mut answered, mut timed_out) = (0usize, 0usize);
    let mut note = |result: Result<Lookup, tokio::task::JoinError>, out: &mut HashMap<_, _>| {
        match result {
            Ok(Lookup::Named(ip, name)) => {
                answered += 1;
                out.insert(ip, name);
            }
            Ok(Lookup::Unnamed) => answered += 1,
            Ok(Lookup::TimedOut) => timed_out += 1,
            Err(_) => {}
        }
        answered == 0 && timed_out >= batch
    };
    // Loopback always answers "localhost": nothing to learn, and no query leaves the host.
    for ip in ips.iter().copied().filter(|ip| !ip.is_loopback()) {
        if lookups.len() >= batch
            && let Some(done) = lookups.join_next().await
            && note(done, &mut out)
        {
            tracing::debug!("reverse DNS: the resolver answers nothing; lookups stopped");
            lookups.abort_all();
            return out;
        }
        let resolver = resolver.clone();
        lookups.spawn(async move {
            let Ok(answer) = tokio::time::timeout(timeout, resolver.reverse_lookup(ip)).await
            else {
                return Lookup::TimedOut;
            };
            let name = answer.ok().and_then(|a| {
                a.answers().iter().find_map(|r| match &r.data {
                    RData::PTR(ptr) => Some(ptr.0.to_utf8()),
                    _ => None,
                })
            });
            match name.map(|n| n.trim_end_matches('.').to_ascii_lowercase()) {
                Some(n) if !n.is_empty() => Lookup::Named(ip, n),
                _ => Lookup::Unnamed,
            }
        });
    }
    while let Some(done) = lookups.join_next().await {
        note(done, &mut out);
    }
    out
}
