//! Scan targets as users write them — `10.0.0.5`, `10.0.0.0/24`, `10.0.0.10-40`,
//! `10.0.0.10-10.0.1.20`, `printer.lan` — turned into the list of addresses to probe, minus
//! exclusions, refusing anything larger than a /16 unless forced.
use ipnet::{IpNet, Ipv4Net};
use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// Addresses one scan may cover without `--force`: a /16.
pub const MAX_ADDRESSES: u64 = 65_536;

/// One target as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Ip(IpAddr),
    Net(IpNet),
    /// Inclusive IPv4 range.
    Range(Ipv4Addr, Ipv4Addr),
    /// A name to resolve before scanning.
    Host(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Ip(ip) => write!(f, "{ip}"),
            Target::Net(net) => write!(f, "{net}"),
            Target::Range(a, b) => write!(f, "{a}-{b}"),
            Target::Host(h) => f.write_str(h),
        }
    }
}

/// Why a target list cannot be scanned; every message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error(
        "'{0}' is not an IP address, a CIDR network (10.0.0.0/24), a range (10.0.0.10-40) or a host name"
    )]
    Malformed(String),
    #[error("range '{0}' runs backwards")]
    Backwards(String),
    #[error(
        "{target} covers {count} addresses; bigr scans at most {MAX_ADDRESSES} (a /16) at once so a typo cannot flood a network — split it, or pass --force"
    )]
    TooLarge { target: String, count: u64 },
    #[error(
        "IPv6 network {0} is too large to sweep; give single IPv6 addresses or a /112 or smaller"
    )]
    Ipv6TooLarge(String),
    #[error("no addresses left to scan after exclusions")]
    Empty,
}

/// Parses one target.
pub fn parse(text: &str) -> Result<Target, TargetError> {
    let t = text.trim();
    let malformed = || TargetError::Malformed(t.to_string());
    if t.is_empty() {
        return Err(malformed());
    }
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Ok(Target::Ip(ip));
    }
    if t.contains('/') {
        return t
            .parse::<IpNet>()
            .map(|n| Target::Net(n.trunc()))
            .map_err(|_| malformed());
    }
    if let Some((a, b)) = t.split_once('-')
        && let Ok(start) = a.trim().parse::<Ipv4Addr>()
    {
        let b = b.trim();
        let end = match b.parse::<Ipv4Addr>() {
            Ok(end) => end,
            // `10.0.0.10-40`: the end replaces the last octet.
            Err(_) => {
                let last: u8 = b.parse().map_err(|_| malformed())?;
                let [x, y, z, _] = start.octets();
                Ipv4Addr::new(x, y, z, last)
            }
        };
        if end < start {
            return Err(TargetError::Backwards(t.to_string()));
        }
        return Ok(Target::Range(start, end));
    }
    if is_host_name(t) {
        return Ok(Target::Host(t.to_ascii_lowercase()));
    }
    Err(malformed())
}

/// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens. A name
/// that is all digits and dots is a mistyped address, not a host.
fn is_host_name(t: &str) -> bool {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let t = t.strip_suffix('.').unwrap_or(t);
    t.len() <= 253
        && t.split('.').all(label_ok)
        && !t.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// How many addresses a target covers (hosts resolve to a handful; counted as one).
pub fn size(target: &Target) -> u64 {
    match target {
        Target::Ip(_) | Target::Host(_) => 1,
        Target::Range(a, b) => u64::from(u32::from(*b) - u32::from(*a)) + 1,
        Target::Net(IpNet::V4(n)) => 1u64 << (32 - n.prefix_len()),
        Target::Net(IpNet::V6(n)) => 1u64
            .checked_shl(128u32.saturating_sub(u32::from(n.prefix_len())))
            .unwrap_or(u64::MAX),
    }
}

/// The addresses of resolved targets, in order, without duplicates or exclusions. Network and
/// broadcast addresses of IPv4 networks up to /30 are skipped (no host answers there).
pub fn expand(
    targets: &[Target],
    exclude: &[Target],
    force: bool,
) -> Result<Vec<IpAddr>, TargetError> {
    let mut total = 0u64;
    for t in targets {
        if let Target::Net(IpNet::V6(n)) = t
            && n.prefix_len() < 112
        {
            return Err(TargetError::Ipv6TooLarge(n.to_string()));
        }
        let count = size(t);
        total = total.saturating_add(count);
        if !force && (count > MAX_ADDRESSES || total > MAX_ADDRESSES) {
            let target = if count > MAX_ADDRESSES {
                t.to_string()
            } else {
                "these targets together".to_string()
            };
            return Err(TargetError::TooLarge {
                target,
                count: if count > MAX_ADDRESSES { count } else { total },
            });
        }
    }
    let excluded: Vec<IpNet> = exclude.iter().flat_map(as_networks).collect();
    let is_excluded = |ip: &IpAddr| excluded.iter().any(|n| n.contains(ip));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in targets {
        for ip in addresses(t) {
            if !is_excluded(&ip) && seen.insert(ip) {
                out.push(ip);
            }
        }
    }
    if out.is_empty() {
        return Err(TargetError::Empty);
    }
    Ok(out)
}

fn addresses(t: &Target) -> Box<dyn Iterator<Item = IpAddr> + '_> {
    match t {
        Target::Ip(ip) => Box::new(std::iter::once(*ip)),
        Target::Host(_) => Box::new(std::iter::empty()),
        Target::Range(a, b) => {
            Box::new((u32::from(*a)..=u32::from(*b)).map(|n| IpAddr::V4(Ipv4Addr::from(n))))
        }
        Target::Net(IpNet::V4(n)) if n.prefix_len() <= 30 => Box::new(n.hosts().map(IpAddr::V4)),
        Target::Net(n) => Box::new(n.hosts()),
    }
}

/// A target as networks, for exclusion and coverage (`ScanReport::networks`).
pub fn as_networks(t: &Target) -> Vec<IpNet> {
    match t {
        Target::Ip(ip) => vec![IpNet::from(*ip)],
        Target::Net(n) => vec![*n],
        Target::Range(a, b) => range_networks(*a, *b),
        Target::Host(_) => Vec::new(),
    }
}

/// The smallest set of CIDR blocks covering an IPv4 range exactly.
fn range_networks(a: Ipv4Addr, b: Ipv4Addr) -> Vec<IpNet> {
    let (mut lo, hi) = (u64::from(u32::from(a)), u64::from(u32::from(b)));
    let mut out = Vec::new();
    while lo <= hi {
        // Largest aligned block starting at `lo` that stays inside the range.
        let mut size = if lo == 0 {
            1u64 << 32
        } else {
            1u64 << lo.trailing_zeros().min(32)
        };
        while lo + size - 1 > hi {
            size >>= 1;
        }
        let prefix = 32 - size.trailing_zeros() as u8;
        if let Ok(net) = Ipv4Net::new(Ipv4Addr::from(lo as u32), prefix) {
            out.push(IpNet::V4(net));
        }
        lo += size;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(v: &[IpAddr]) -> Vec<String> {
        v.iter().map(IpAddr::to_string).collect()
    }

    #[test]
    fn parses_every_form_users_write() {
        assert_eq!(
            parse("10.0.0.5").unwrap(),
            Target::Ip("10.0.0.5".parse().unwrap())
        );
        assert_eq!(
            parse(" 10.0.0.7/24 ").unwrap(),
            Target::Net("10.0.0.0/24".parse().unwrap())
        );
        assert_eq!(
            parse("10.0.0.10-40").unwrap(),
            Target::Range("10.0.0.10".parse().unwrap(), "10.0.0.40".parse().unwrap())
        );
        assert_eq!(
            parse("10.0.0.250-10.0.1.5").unwrap(),
            Target::Range("10.0.0.250".parse().unwrap(), "10.0.1.5".parse().unwrap())
        );
        assert_eq!(
            parse("Printer.LAN").unwrap(),
            Target::Host("printer.lan".into())
        );
        assert_eq!(
            parse("fe80::1").unwrap(),
            Target::Ip("fe80::1".parse().unwrap())
        );
    }

    #[test]
    fn malformed_targets_say_what_is_accepted() {
        for bad in [
            "",
            "10.0.0.300",
            "10.0.0.0/33",
            "10.0.0.10-300",
            "host_name",
            "-lan",
            "10.0.0",
            "a..b",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(matches!(e, TargetError::Malformed(_)), "{bad}: {e}");
            assert!(e.to_string().contains("CIDR"), "{e}");
        }
        assert!(matches!(
            parse("10.0.0.40-10").unwrap_err(),
            TargetError::Backwards(_)
        ));
    }

    #[test]
    fn expands_skips_edges_dedupes_and_excludes() {
        let t = [
            parse("10.0.0.0/29").unwrap(),
            parse("10.0.0.5-9").unwrap(),
            parse("10.0.0.1").unwrap(),
        ];
        let ex = [parse("10.0.0.3").unwrap(), parse("10.0.0.8/31").unwrap()];
        // /29 hosts .1-.6, then .7 from the range; .3, .8 and .9 excluded; .1 once.
        assert_eq!(
            ips(&expand(&t, &ex, false).unwrap()),
            [
                "10.0.0.1", "10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"
            ]
        );
        let all_gone = expand(
            &[parse("10.0.0.1").unwrap()],
            &[parse("10.0.0.0/24").unwrap()],
            false,
        );
        assert_eq!(all_gone.unwrap_err(), TargetError::Empty);
    }

    #[test]
    fn more_than_a_slash_16_needs_force() {
        let e = expand(&[parse("10.0.0.0/15").unwrap()], &[], false).unwrap_err();
        assert!(
            e.to_string().contains("131072") && e.to_string().contains("--force"),
            "{e}"
        );
        let together = [parse("10.0.0.0/16").unwrap(), parse("10.1.0.0/24").unwrap()];
        assert!(matches!(
            expand(&together, &[], false).unwrap_err(),
            TargetError::TooLarge { .. }
        ));
        assert_eq!(
            expand(&[parse("10.0.0.0/16").unwrap()], &[], false)
                .unwrap()
                .len(),
            65_534
        );
        assert_eq!(
            expand(&[parse("10.0.0.0/15").unwrap()], &[], true)
                .unwrap()
                .len(),
            131_070
        );
        assert!(matches!(
            expand(&[parse("fd00::/64").unwrap()], &[], true).unwrap_err(),
            TargetError::Ipv6TooLarge(_)
        ));
    }

    #[test]
    fn ranges_become_exact_networks() {
        let nets: Vec<String> = as_networks(&parse("10.0.0.10-40").unwrap())
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            nets,
            [
                "10.0.0.10/31",
                "10.0.0.12/30",
                "10.0.0.16/28",
                "10.0.0.32/29",
                "10.0.0.40/32"
            ]
        );
        let covered: u64 = as_networks(&parse("0.0.0.0-255.255.255.255").unwrap())
            .iter()
            .map(|n| size(&Target::Net(*n)))
            .sum();
        assert_eq!(covered, 1u64 << 32);
    }
}
