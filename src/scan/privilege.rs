//! What this process may do on the network, and — when it may not — what a scan skips and
//! how to grant it. Read from /proc, so it works the same as root, as a setcap'ed binary and
//! as a plain user.
use crate::model::Privileges;

/// CAP_NET_RAW's bit in the capability sets of /proc/self/status.
const CAP_NET_RAW: u32 = 13;

/// Whether the effective capability set (`CapEff:` line of /proc/<pid>/status) holds
/// CAP_NET_RAW.
pub fn has_net_raw(proc_status: &str) -> bool {
    proc_status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|caps| caps & (1 << CAP_NET_RAW) != 0)
}

/// Whether unprivileged ICMP echo sockets are open to group `gid`
/// (`net.ipv4.ping_group_range`, "1 0" meaning nobody).
pub fn ping_group_allows(range: &str, gid: u32) -> bool {
    let mut parts = range
        .split_whitespace()
        .filter_map(|p| p.parse::<u64>().ok());
    match (parts.next(), parts.next()) {
        (Some(lo), Some(hi)) => (lo..=hi).contains(&u64::from(gid)),
        _ => false,
    }
}

/// The privileges of this process.
pub fn detect() -> Privileges {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let raw = has_net_raw(&status);
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap_or_default();
    let gid = effective_gid();
    Privileges {
        raw_sockets: raw,
        arp: raw,
        icmp: raw || ping_group_allows(&range, gid),
    }
}

/// The effective group id, from /proc (keeps this module free of libc calls).
fn effective_gid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Gid:"))
                .and_then(|v| v.split_whitespace().nth(1))
                .and_then(|g| g.parse().ok())
        })
        .unwrap_or(u32::MAX)
}

/// One message for the user when something is skipped; None with full privileges.
pub fn explain(p: &Privileges) -> Option<String> {
    let mut skipped = Vec::new();
    if !p.arp {
        skipped.push("ARP sweep (finds hosts that block every port and ping, and their MACs)");
    }
    if !p.icmp {
        skipped.push("ICMP echo");
    }
    if !p.arp {
        skipped.push("listening for DHCP requests (names of devices that answer no probe)");
        skipped.push("IPv6 neighbour discovery");
    }
    if skipped.is_empty() {
        return None;
    }
    Some(format!(
        "running without CAP_NET_RAW: skipping {}; hosts are still found by TCP. To allow it: sudo setcap cap_net_raw,cap_net_admin+eip $(which bigr)",
        skipped.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cap_net_raw_from_proc_status() {
        let root = "Name:\tbigr\nCapEff:\t000001ffffffffff\n";
        let setcap = "CapEff:\t0000000000003000\n"; // cap_net_admin + cap_net_raw
        let user = "CapEff:\t0000000000000000\n";
        assert!(has_net_raw(root) && has_net_raw(setcap));
        assert!(!has_net_raw(user) && !has_net_raw("") && !has_net_raw("CapEff: zz"));
    }

    #[test]
    fn ping_group_range_semantics() {
        assert!(
            !ping_group_allows("1\t0", 1000),
            "the kernel default denies everyone"
        );
        assert!(ping_group_allows("0 2147483647", 1000));
        assert!(!ping_group_allows("", 0));
    }

    #[test]
    fn explains_what_is_skipped_and_how_to_grant_it() {
        let none = Privileges {
            raw_sockets: false,
            arp: false,
            icmp: false,
        };
        let msg = explain(&none).unwrap();
        assert!(
            msg.contains("ARP")
                && msg.contains("ICMP")
                && msg.contains("setcap cap_net_raw,cap_net_admin+eip")
        );
        let full = Privileges {
            raw_sockets: true,
            arp: true,
            icmp: true,
        };
        assert_eq!(explain(&full), None);
        // This test process: as root (CI) everything is allowed, and detection agrees.
        if std::fs::read_to_string("/proc/self/status").is_ok_and(|s| has_net_raw(&s)) {
            assert!(detect().arp);
        }
    }
}
