//! IPv6 neighbours in the namespace lab: every host's IPv6 addresses are tied to its asset
//! by MAC, also for the host whose firewall drops ICMPv6 echo (as Windows does), which still
//! answers the MLD query from its link-local address; `--no-ipv6` asks nothing.
use crate::support::lab::Lab;
use std::net::{IpAddr, Ipv6Addr};
use std::process::Command;

fn ip6(ns: &str, addr: &str) {
    let out = Command::new("ip")
        .args(["-n", ns, "-6", "addr", "add", addr, "dev", "eth0", "nodad"])
        .output()
        .expect("ip");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The link-local address of `ns`'s eth0, once duplicate address detection has passed
/// (a tentative address answers nothing); None if none comes within 5 s.
fn link_local(ns: &str) -> Option<Ipv6Addr> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        let out = Command::new("ip")
            .args([
                "-n", ns, "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link",
            ])
            .output()
            .expect("ip");
        let text = String::from_utf8_lossy(&out.stdout);
        if let Some(line) = text.lines().find(|l| !l.contains("tentative")) {
            let addr = line.split_whitespace().nth(3)?.split('/').next()?;
            return addr.parse().ok();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    None
}

fn global(i: usize) -> Ipv6Addr {
    format!("fd77::{:x}", 0x10 + i).parse().unwrap()
}

fn scan(lab: &Lab, extra: &[&str]) -> bigr::model::ScanReport {
    let home = crate::scan_cli_lab::home();
    let mut args = vec![
        "--home",
        home.path().to_str().unwrap(),
        "scan",
        "10.77.0.0/24",
        "--ports",
        "none",
        "--no-save",
        "--json",
    ];
    args.extend_from_slice(extra);
    crate::scan_cli_lab::report_of(&lab.bigr(&args))
}

#[test]
fn ipv6_neighbours_are_tied_to_their_assets_by_mac() {
    let Some(lab) = Lab::up(3) else { return };
    if !crate::lab_services::have_nft() {
        crate::support::skipped("scan_ipv6", "nft is not installed");
        return;
    }
    ip6(&lab.scanner_ns, "fd77::2/64");
    for (i, h) in lab.hosts.iter().enumerate().take(2) {
        ip6(&h.ns, &format!("{}/64", global(i)));
    }
    // Host 1 drops ICMPv6 echo like a Windows firewall; host 2 has no IPv6 address beyond
    // its link-local one.
    crate::lab_services::nft(
        &lab.hosts[1].ns,
        "table inet fw6 {\n chain input {\n  type filter hook input priority 0; policy accept;\n  icmpv6 type echo-request drop\n }\n}\n",
    );

    let locals: Vec<Ipv6Addr> = std::iter::once(&lab.scanner_ns)
        .chain(lab.hosts.iter().map(|h| &h.ns))
        .map(|ns| link_local(ns).unwrap_or_else(|| panic!("{ns} has no link-local address")))
        .collect();
    let own = |i: usize| locals[i + 1];

    let report = scan(&lab, &[]);
    let ipv6_of = |i: usize| {
        report
            .assets
            .iter()
            .find(|a| a.ip == IpAddr::V4(lab.hosts[i].ip))
            .expect("found over IPv4")
            .ipv6
            .clone()
    };
    // Host 0 answers echo from both its addresses.
    assert!(ipv6_of(0).contains(&global(0)), "{:?}", ipv6_of(0));
    assert!(ipv6_of(0).contains(&own(0)), "{:?}", ipv6_of(0));
    // Host 1 drops echo (and so the echo behind the odd option) but reports to MLD from its
    // link-local address; its global address stays unknown, as it would for Windows.
    assert!(ipv6_of(1).contains(&own(1)), "{:?}", ipv6_of(1));
    // Host 2 has only its link-local address.
    assert_eq!(ipv6_of(2), vec![own(2)]);
    // Each host gets its own addresses only.
    for i in 0..3 {
        for v6 in ipv6_of(i) {
            assert!(v6 == own(i) || v6 == global(i), "host {i} got {v6}");
        }
    }

    let quiet = scan(&lab, &["--no-ipv6"]);
    assert!(quiet.assets.iter().all(|a| a.ipv6.is_empty()), "{quiet:?}");
}
