//! How an observation maps to an asset inside one site: by its MAC when the MAC is a stable
//! (globally administered) identity, else by its IP.
use crate::model::AssetObservation;
use std::net::IpAddr;

/// The per-site identity key of an observation: `mac:<mac>` or `ip:<ip>`.
pub fn identity_key(obs: &AssetObservation) -> String {
    match obs.mac {
        Some(mac) if mac.is_stable_identity() => format!("mac:{mac}"),
        _ => format!("ip:{}", obs.ip),
    }
}

pub fn is_mac_identity(key: &str) -> bool {
    key.starts_with("mac:")
}

/// Fixed-width hex of the address (IPv4 as IPv4-mapped IPv6): sorts and range-filters
/// numerically as plain text on every database.
pub fn ip_sort_key(ip: IpAddr) -> String {
    let v6 = match ip {
        IpAddr::V4(a) => a.to_ipv6_mapped(),
        IpAddr::V6(a) => a,
    };
    format!("{:032x}", u128::from(v6))
}

/// The `ip_sort` bounds covering a network, for `BETWEEN` filters.
pub fn ip_sort_range(net: &ipnet::IpNet) -> (String, String) {
    (ip_sort_key(net.network()), ip_sort_key(net.broadcast()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_order_like_numbers() {
        let a = ip_sort_key("10.0.0.9".parse().unwrap());
        let b = ip_sort_key("10.0.0.10".parse().unwrap());
        let c = ip_sort_key("192.168.0.1".parse().unwrap());
        assert!(a < b && b < c);
        let (lo, hi) = ip_sort_range(&"10.0.0.0/24".parse().unwrap());
        assert!(lo <= a && b <= hi && c > hi);
    }

    #[test]
    fn randomized_macs_fall_back_to_the_ip() {
        let mut obs = AssetObservation::new("10.0.0.5".parse().unwrap());
        obs.mac = Some("da:a1:19:00:00:01".parse().unwrap());
        assert_eq!(identity_key(&obs), "ip:10.0.0.5");
        obs.mac = Some("00:1b:21:3a:4f:10".parse().unwrap());
        assert_eq!(identity_key(&obs), "mac:00:1b:21:3a:4f:10");
    }
}
