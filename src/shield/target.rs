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
}

impl ShieldTarget {
    pub fn ip(ip: IpAddr) -> Self {
        ShieldTarget {
            ip,
            name: None,
            ports: None,
            fragile: false,
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
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
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
        let s = raw.trim();
        if let Ok(ip) = s.parse::<IpAddr>() {
            out.entry(ip).or_insert_with(|| ShieldTarget::ip(ip));
        } else if let Ok(net) = s.parse::<IpNet>() {
            hosts_of(net.trunc(), &mut out)?;
        } else if is_host_name(s) {
            let name = s.trim_end_matches('.').to_ascii_lowercase();
            let looked = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name.as_str(), 0)))
                .await
                .map_err(|_| TargetError::Unresolved(s.into(), "timed out".into()))?
                .map_err(|e| TargetError::Unresolved(s.into(), e.to_string()))?;
            for addr in looked {
                let t = out.entry(addr.ip()).or_insert_with(|| ShieldTarget::ip(addr.ip()));
                t.name.get_or_insert_with(|| name.clone());
            }
        } else {
            return Err(TargetError::Invalid(s.into()));
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
    }

    #[tokio::test]
    async fn bad_inputs_are_named() {
        assert_eq!(
            resolve(&["10.0.0.300".into()]).await,
            Err(TargetError::Invalid("10.0.0.300".into()))
        );
        assert_eq!(resolve(&["10.0.0.0/8".into()]).await, Err(TargetError::TooMany));
        assert_eq!(
            resolve(&["bad_-host..lan".into()]).await,
            Err(TargetError::Invalid("bad_-host..lan".into()))
        );
    }
}
