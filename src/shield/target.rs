//! What Shield is pointed at: addresses, networks, host names and domains, each turned into
//! hosts (an address, the name clients use for it, its open ports when already known).
use ipnet::IpNet;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

/// Most hosts one run takes (a /16).
pub const MAX_HOSTS: usize = 65_536;
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShieldTarget {
    pub ip: IpAddr,
    /// The name clients use (SNI, Host header, the certificate's name check).
    pub name: Option<String>,
    /// Open TCP ports when the inventory knows them; None to find them.
    pub ports: Option<Vec<u16>>,
    /// Never sent intrusive checks.
    pub fragile: bool,
    /// The ports were named by the user (`host:port`): every module tries each of them.
    pub pinned: bool,
}

impl ShieldTarget {
    pub fn ip(ip: IpAddr) -> Self {
        ShieldTarget {
            ip,
            name: None,
            ports: None,
            fragile: false,
            pinned: false,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("'{0}' is not an address, a network or a host name")]
    Invalid(String),
    #[error("'{0}' did not resolve: {1}")]
    Unresolved(String, String),
    #[error("more than {MAX_HOSTS} hosts")]
    TooMany,
}

fn is_host_name(s: &str) -> bool {
    // A top-level label is never all digits: "10.0.0.300" is a mistyped address.
    let top = s.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    !s.is_empty()
        && !top.bytes().all(|b| b.is_ascii_digit())
        && s.len() <= 253
        && s.trim_end_matches('.').split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// `host:port`, `[v6]:port` or `host`. A bare IPv6 address keeps its colons.
fn split_port(s: &str) -> (&str, Option<u16>) {
    if let Some(rest) = s.strip_prefix('[')
        && let Some((host, port)) = rest.split_once("]:")
        && let Ok(p) = port.parse::<u16>()
        && p != 0
    {
        return (host, Some(p));
    }
    match s.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse::<u16>() {
            Ok(p) if p != 0 => (host, Some(p)),
            _ => (s, None),
        },
        _ => (s, None),
    }
}

/// The hosts of a network: every address but the network and broadcast ones of IPv4
/// prefixes shorter than /31.
fn hosts_of(net: IpNet, out: &mut BTreeMap<IpAddr, ShieldTarget>) -> Result<(), TargetError> {
    let skip_edges = matches!(net, IpNet::V4(n) if n.prefix_len() < 31);
    let bits = net.max_prefix_len() - net.prefix_len();
    if bits > 16 || out.len() + (1usize << bits) > MAX_HOSTS + 2 {
        return Err(TargetError::TooMany);
    }
    for ip in net.hosts() {
        out.entry(ip).or_insert_with(|| ShieldTarget::ip(ip));
    }
    if skip_edges {
        out.remove(&net.network());
        out.remove(&net.broadcast());
    }
    Ok(())
}

/// Parses and resolves `inputs`; names resolve with the system resolver. Duplicates merge,
/// keeping a name when one input gave it.
pub async fn resolve(inputs: &[String]) -> Result<Vec<ShieldTarget>, TargetError> {
    let mut out: BTreeMap<IpAddr, ShieldTarget> = BTreeMap::new();
    for raw in inputs {
        let (s, port) = split_port(raw.trim());
        let before: BTreeMap<IpAddr, ShieldTarget> = if port.is_some() {
            std::mem::take(&mut out)
        } else {
            BTreeMap::new()
        };
        if let Ok(ip) = s.parse::<IpAddr>() {
            out.entry(ip).or_insert_with(|| ShieldTarget::ip(ip));
        } else if let Ok(net) = s.parse::<IpNet>() {
            hosts_of(net.trunc(), &mut out)?;
        } else if is_host_name(s) {
            let name = s.trim_end_matches('.').to_ascii_lowercase();
            let looked =
                tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name.as_str(), 0)))
                    .await
                    .map_err(|_| TargetError::Unresolved(s.into(), "timed out".into()))?
                    .map_err(|e| TargetError::Unresolved(s.into(), e.to_string()))?;
            for addr in looked {
                let t = out
                    .entry(addr.ip())
                    .or_insert_with(|| ShieldTarget::ip(addr.ip()));
                t.name.get_or_insert_with(|| name.clone());
            }
        } else {
            return Err(TargetError::Invalid(s.into()));
        }
        if let Some(port) = port {
            // Only the hosts this input named get the port; then merge back.
            let named = std::mem::replace(&mut out, before);
            for (ip, mut t) in named {
                let entry = out.entry(ip).or_insert_with(|| ShieldTarget::ip(ip));
                if entry.name.is_none() {
                    entry.name = t.name.take();
                }
                let ports = entry.ports.get_or_insert_with(Vec::new);
                if !entry.pinned {
                    ports.clear();
                }
                if !ports.contains(&port) {
                    ports.push(port);
                }
                entry.pinned = true;
            }
        }
        if out.len() > MAX_HOSTS {
            return Err(TargetError::TooMany);
        }
    }
    Ok(out.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn addresses_networks_and_names_become_hosts() {
        let t = resolve(&["10.0.0.0/30".into(), "10.0.0.1".into(), "localhost".into()])
            .await
            .unwrap();
        let ips: Vec<String> = t.iter().map(|t| t.ip.to_string()).collect();
        assert!(ips.contains(&"10.0.0.1".to_string()) && ips.contains(&"10.0.0.2".to_string()));
        assert!(!ips.contains(&"10.0.0.0".to_string()) && !ips.contains(&"10.0.0.3".to_string()));
        let local = t.iter().find(|t| t.ip.is_loopback()).unwrap();
        assert_eq!(local.name.as_deref(), Some("localhost"));
        assert!(!local.pinned && local.ports.is_none());
    }

    #[tokio::test]
    async fn named_ports_pin_their_host_only() {
        let t = resolve(&[
            "10.0.0.5:8443".into(),
            "10.0.0.5:8080".into(),
            "[fd00::1]:443".into(),
            "fd00::2".into(),
            "10.0.0.6".into(),
        ])
        .await
        .unwrap();
        let of = |ip: &str| t.iter().find(|t| t.ip.to_string() == ip).unwrap();
        assert_eq!(of("10.0.0.5").ports.as_deref(), Some(&[8443, 8080][..]));
        assert!(of("10.0.0.5").pinned);
        assert_eq!(of("fd00::1").ports.as_deref(), Some(&[443][..]));
        assert!(of("fd00::2").ports.is_none() && !of("10.0.0.6").pinned);
        assert!(resolve(&["10.0.0.5:0".into()]).await.is_err());
    }

    #[tokio::test]
    async fn bad_inputs_are_named() {
        assert_eq!(
            resolve(&["10.0.0.300".into()]).await,
            Err(TargetError::Invalid("10.0.0.300".into()))
        );
        assert_eq!(
            resolve(&["10.0.0.0/8".into()]).await,
            Err(TargetError::TooMany)
        );
        assert_eq!(
            resolve(&["bad_-host..lan".into()]).await,
            Err(TargetError::Invalid("bad_-host..lan".into()))
        );
    }
}
