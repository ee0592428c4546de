//! The kernel's neighbour table (/proc/net/arp): MAC addresses the kernel already resolved,
//! readable without privilege. After TCP probes it holds every on-link host that answered
//! the kernel's own ARP, even one whose firewall dropped the probe itself.
use crate::model::MacAddr;
use std::net::Ipv4Addr;

/// A complete (resolved) neighbour entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neighbour {
    pub ip: Ipv4Addr,
    pub mac: MacAddr,
    pub interface: String,
}

/// ATF_COM: the entry is resolved; incomplete entries are failed or pending lookups.
const ATF_COM: u32 = 0x2;

/// Parses the text of /proc/net/arp, keeping resolved entries only.
pub fn parse(text: &str) -> Vec<Neighbour> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [ip, _hw, flags, mac, _mask, dev] = f.as_slice() else {
                return None;
            };
            let flags = u32::from_str_radix(flags.trim_start_matches("0x"), 16).ok()?;
            let mac: MacAddr = mac.parse().ok()?;
            let ip = ip.parse().ok()?;
            (flags & ATF_COM != 0 && mac.0 != [0; 6]).then(|| Neighbour {
                ip,
                mac,
                interface: dev.to_string(),
            })
        })
        .collect()
}

/// The resolved entries of this network namespace's table (empty if unreadable).
pub fn read() -> Vec<Neighbour> {
    parse(&std::fs::read_to_string("/proc/net/arp").unwrap_or_default())
}

/// How often [`collect_while`] reads the table.
const SAMPLE_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Runs `work` while reading the table every quarter second, and returns its output with
/// every resolved entry seen meanwhile (later reads win). One read at the end is not
/// enough: the kernel's neighbour table is shared by every namespace and garbage-collected
/// past `gc_thresh2` (512 entries by default), when resolved entries older than five
/// seconds go first, so a /22 swept without privilege, or a busy machine, loses the hosts
/// whose firewall dropped the probe before the sweep ends.
pub async fn collect_while<T>(work: impl std::future::Future<Output = T>) -> (T, Vec<Neighbour>) {
    let mut seen = std::collections::BTreeMap::new();
    let remember = |seen: &mut std::collections::BTreeMap<Ipv4Addr, Neighbour>| {
        for n in read() {
            seen.insert(n.ip, n);
        }
    };
    tokio::pin!(work);
    let mut tick = tokio::time::interval(SAMPLE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let out = loop {
        tokio::select! {
            out = &mut work => break out,
            _ = tick.tick() => remember(&mut seen),
        }
    };
    remember(&mut seen);
    (out, seen.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_resolved_entries_only() {
        let text = "IP address       HW type     Flags       HW address            Mask     Device\n\
                    10.77.0.11       0x1         0x2         54:8c:81:00:00:01     *        eth0\n\
                    10.77.0.15       0x1         0x0         00:00:00:00:00:00     *        eth0\n\
                    10.77.0.12       0x1         0x6         54:8c:81:00:00:02     *        eth0\n\
                    garbage line\n";
        let n = parse(text);
        assert_eq!(n.len(), 2);
        assert_eq!(n[0].ip, Ipv4Addr::new(10, 77, 0, 11));
        assert_eq!(n[0].mac.to_string(), "54:8c:81:00:00:01");
        assert_eq!(n[1].interface, "eth0");
    }
}
