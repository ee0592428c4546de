//! Scanner building blocks against real hosts in the namespace lab.
use crate::support::lab::Lab;
use bigr::model::PortSet;
use bigr::scan::tcp::{self, PortState, ProbeOptions};
use std::net::{IpAddr, TcpListener};

/// Runs a TCP service inside a host's namespace: the listener is created there, then served
/// by a thread that writes `greeting` to every connection.
fn serve(ns: &str, port: u16, greeting: &'static [u8]) {
    let listener: TcpListener = Lab::in_ns(ns, move || {
        TcpListener::bind(("0.0.0.0", port)).expect("bind in namespace")
    });
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let _ = std::io::Write::write_all(&mut conn, greeting);
        }
    });
}

#[test]
fn tcp_probing_finds_every_open_port_of_the_lab_and_nothing_else() {
    let Some(lab) = Lab::up(8) else { return };
    serve(&lab.hosts[0].ns, 22, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    serve(
        &lab.hosts[0].ns,
        80,
        b"HTTP/1.0 200 OK\r\nServer: App-webs/\r\n\r\n<title>Lab camera</title>",
    );
    serve(&lab.hosts[3].ns, 9100, b"");
    let mut targets: Vec<IpAddr> = lab.hosts.iter().map(|h| IpAddr::V4(h.ip)).collect();
    targets.push(IpAddr::V4(lab.gaps[0]));
    let ports = PortSet::from_ports([22, 80, 9100, 443]);
    let (results, banner) = Lab::in_ns(&lab.scanner_ns, move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let opts = ProbeOptions::default();
            let results = tcp::scan(&targets, &ports, &opts).await;
            let banner = bigr::scan::probes::identify(targets[0], 80, &opts, false)
                .await
                .service;
            (results, banner)
        })
    });
    let open: Vec<(IpAddr, u16)> = results
        .iter()
        .filter(|r| r.state == PortState::Open)
        .map(|r| (r.ip, r.port))
        .collect();
    let h0 = IpAddr::V4(lab.hosts[0].ip);
    let h3 = IpAddr::V4(lab.hosts[3].ip);
    assert_eq!(
        open,
        [(h0, 22), (h0, 80), (h3, 9100)],
        "ground truth of the lab"
    );
    // Live hosts answer closed ports with a reset; the gap answers nothing.
    assert!(
        results
            .iter()
            .any(|r| r.ip == IpAddr::V4(lab.hosts[1].ip) && r.state == PortState::Closed)
    );
    assert!(
        results
            .iter()
            .filter(|r| r.ip == IpAddr::V4(lab.gaps[0]))
            .all(|r| r.state == PortState::Filtered)
    );
    assert_eq!(
        (banner.http_server.as_deref(), banner.http_title.as_deref()),
        (Some("App-webs/"), Some("Lab camera"))
    );
}

#[test]
fn the_scanner_namespace_has_no_route_out() {
    let Some(lab) = Lab::up(1) else { return };
    let routes = std::process::Command::new("ip")
        .args(["-n", &lab.scanner_ns, "route", "show", "default"])
        .output()
        .unwrap();
    assert!(
        routes.stdout.is_empty(),
        "the scanner must not reach beyond the lab"
    );
    // And the lab never appears among the machine's own interfaces.
    let links = std::process::Command::new("ip")
        .args(["-o", "link"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&links.stdout).contains("br0"));
}

#[test]
fn lab_hosts_carry_distinct_real_oui_macs() {
    let Some(lab) = Lab::up(3) else { return };
    let mut seen = std::collections::HashSet::new();
    for h in &lab.hosts {
        let out = std::process::Command::new("ip")
            .args(["-n", &h.ns, "link", "show", "eth0"])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(&h.mac),
            "{} lacks {}",
            h.ns,
            h.mac
        );
        assert!(seen.insert(h.mac.clone()));
        let vendor =
            bigr::classify::vendor::VendorLookup::default().lookup(&h.mac.parse().unwrap());
        assert!(vendor.unwrap_or_default().contains("Hikvision"));
    }
}

#[test]
fn netbios_node_status_names_the_hosts_that_answer_and_no_other() {
    let Some(lab) = Lab::up(6) else { return };
    let mac = [0x10, 0xc5, 0x95, 0x00, 0x00, 0x07];
    crate::lab_services::netbios_responder(&lab.hosts[1].ns, "PC-ACC-07", "OFFICE", mac);
    crate::lab_services::netbios_responder(&lab.hosts[4].ns, "NAS-01", "WORKGROUP", [0; 6]);
    let hosts: Vec<std::net::Ipv4Addr> = lab.hosts.iter().map(|h| h.ip).collect();
    let found = Lab::in_ns(&lab.scanner_ns, move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(bigr::scan::netbios::sweep(
            &hosts,
            std::time::Duration::from_millis(300),
        ))
        .expect("sweep")
    });
    assert_eq!(found.len(), 2, "{found:?}");
    let pc = &found[&IpAddr::V4(lab.hosts[1].ip)];
    assert_eq!(pc.name.as_deref(), Some("PC-ACC-07"));
    assert_eq!(pc.group.as_deref(), Some("OFFICE"));
    assert_eq!(pc.mac, Some(mac));
    let nas = &found[&IpAddr::V4(lab.hosts[4].ip)];
    assert_eq!((nas.name.as_deref(), nas.mac), (Some("NAS-01"), None));
}
