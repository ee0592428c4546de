//! Identification against real services in the namespace lab: Samba as a Windows-like
//! host (SMB negotiate and NTLMSSP, NetBIOS), a printer's IPP and PJL, a camera's RTSP, an
//! open MQTT broker.
use crate::lab_roles as roles;
use crate::lab_services as svc;
use crate::support::lab::Lab;
use bigr::model::NameSource;
use bigr::scan::probes::{self, Answer};
use bigr::scan::tcp::ProbeOptions;
use std::net::{IpAddr, Ipv4Addr};

/// `identify` on each (host, port) from the scanner's namespace.
fn identify_all(lab: &Lab, jobs: Vec<(Ipv4Addr, u16)>, fragile: bool) -> Vec<Answer> {
    Lab::in_ns(&lab.scanner_ns, move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let opts = ProbeOptions::default();
            let mut out = Vec::new();
            for (ip, port) in jobs {
                out.push(probes::identify(IpAddr::V4(ip), port, &opts, fragile).await);
            }
            out
        })
    })
}

#[test]
fn samba_gives_its_computer_name_and_domain_over_smb_without_credentials() {
    if svc::smbd_path().is_none() {
        crate::support::skipped("scan_identify/samba", "Samba (smbd) is not installed");
        return;
    }
    let Some(lab) = Lab::up(2) else { return };
    let _samba = svc::samba(&lab.hosts[0].ns, "WINPC-01", "CORP", true);
    let ip = lab.hosts[0].ip;
    let answers = identify_all(&lab, vec![(ip, 445), (ip, 139)], false);
    let smb = &answers[0];
    assert_eq!(smb.service.name.as_deref(), Some("smb"), "{smb:?}");
    assert_eq!(smb.service.product.as_deref(), Some("Samba"));
    assert!(!smb.service.port_only);
    let banner = smb.service.banner.as_deref().unwrap();
    assert!(banner.starts_with("SMB 3."), "{banner}");
    assert!(
        smb.names
            .iter()
            .any(|n| n.source == NameSource::Netbios && n.name == "WINPC-01"),
        "{:?}",
        smb.names
    );
    assert!(smb.names.iter().any(|n| n.source == NameSource::Smb));
    // A standalone server names itself as its NTLM domain: that is no domain.
    assert_eq!(smb.device.domain, None, "{banner}");
    assert_eq!(
        smb.device.os, None,
        "Samba is not reported as a Windows build"
    );
    assert_eq!(answers[1].service.name.as_deref(), Some("netbios-ssn"));
    // nmbd answers the node-status question with the name and the workgroup.
    let nbstat = Lab::in_ns(&lab.scanner_ns, move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // nmbd registers its names a moment after it starts: ask again, boundedly.
        for _ in 0..20 {
            let found = rt
                .block_on(bigr::scan::netbios::sweep(
                    &[ip],
                    std::time::Duration::from_millis(500),
                ))
                .expect("sweep");
            if !found.is_empty() {
                return found;
            }
        }
        panic!("nmbd never answered");
    });
    let status = &nbstat[&IpAddr::V4(ip)];
    assert_eq!(
        (status.name.as_deref(), status.group.as_deref()),
        (Some("WINPC-01"), Some("CORP"))
    );
    // A fragile host gets no probe: the port stays unnamed by any protocol.
    let gentle = identify_all(&lab, vec![(ip, 445)], true);
    assert_eq!(gentle[0].service.name, None);
    assert!(gentle[0].names.is_empty());
}

#[test]
fn printers_cameras_and_brokers_answer_their_protocol_probes() {
    let Some(lab) = Lab::up(3) else { return };
    let (printer, camera) = (&lab.hosts[0], &lab.hosts[1]);
    svc::serve_exchange(&printer.ns, 631, svc::ipp_answer);
    svc::serve_exchange(&printer.ns, 9100, svc::pjl_answer);
    svc::serve_exchange(&camera.ns, 554, svc::rtsp_answer);
    svc::serve_exchange(&camera.ns, 1883, svc::mqtt_answer);
    let jobs = vec![
        (printer.ip, 631),
        (printer.ip, 9100),
        (camera.ip, 554),
        (camera.ip, 1883),
    ];
    let a = identify_all(&lab, jobs, false);
    let summary = |x: &Answer| {
        (
            x.service.name.clone().unwrap_or_default(),
            x.service.product.clone().unwrap_or_default(),
            x.service.version.clone().unwrap_or_default(),
        )
    };
    let ipp = summary(&a[0]);
    assert_eq!(
        ipp,
        (
            "ipp".into(),
            "HP LaserJet Pro M404dn".into(),
            "002.2149B".into()
        )
    );
    assert_eq!(a[0].device.manufacturer.as_deref(), Some("HP"));
    assert_eq!(summary(&a[1]).0, "jetdirect");
    assert_eq!(a[1].device.model.as_deref(), Some("HP LaserJet Pro M404dn"));
    assert_eq!(
        summary(&a[2]),
        ("rtsp".into(), "Hikvision-Webs".into(), "2.0".into())
    );
    assert_eq!(summary(&a[3]).0, "mqtt");
    assert!(
        a[3].service
            .banner
            .as_deref()
            .unwrap()
            .contains("without credentials")
    );
}

/// A small office as the default `bigr scan` meets it: a firewalled Windows 10 PC, a
/// printer, a phone, a Samba NAS, a TV, a router and a camera, each with its vendor's MAC.
struct Office {
    lab: Lab,
    _nas: svc::Samba,
    _phone: mdns_sd::ServiceDaemon,
    _dhcp: [svc::DhcpClient; 2],
    _router: svc::SnmpAgent,
}

const PC: usize = 0;
const PRINTER: usize = 1;
const PHONE: usize = 2;
const NAS: usize = 3;
const TV: usize = 4;
const ROUTER: usize = 5;
const CAMERA: usize = 6;

fn office() -> Option<Office> {
    if svc::smbd_path().is_none() {
        crate::support::skipped("scan_identify/office", "Samba (smbd) is not installed");
        return None;
    }
    let mut lab = Lab::up(7)?;
    for (i, oui) in [
        (PC, roles::PC_OUI),
        (PRINTER, roles::PRINTER_OUI),
        (PHONE, roles::PHONE_OUI),
        (NAS, roles::NAS_OUI),
        (TV, roles::TV_OUI),
        (CAMERA, roles::CAMERA_OUI),
    ] {
        lab.set_mac(i, &format!("{oui}:10:00:{i:02x}"));
    }
    roles::windows_pc(&lab.hosts[PC], "ACC-PC-07");
    roles::printer(&lab.hosts[PRINTER], "HP LaserJet Pro M404dn [1A2B3C]");
    svc::reverse_name_responder(
        &lab.hosts[PRINTER],
        bigr::scan::reverse_names::MDNS_PORT,
        "NPI1A2B3C.local",
    );
    let phone_mdns = roles::iphone(&lab.hosts[PHONE], "Ayses-iPhone", "Ayse's iPhone");
    let phone_joined = std::time::Instant::now();
    let samba = svc::samba(&lab.hosts[NAS].ns, "NAS-01", "CORP", true);
    roles::nas_upnp(&lab.hosts[NAS], "NAS-01 (DS920+)", 5000);
    roles::tv(&lab.hosts[TV], "[TV] Living Room");
    roles::camera(&lab.hosts[CAMERA], "Lobby Camera");
    let dhcp = [
        roles::windows_dhcp(&lab.hosts[PC], "ACC-PC-07"),
        roles::iphone_dhcp(&lab.hosts[PHONE], "Ayses-iPhone"),
    ];
    let router = roles::network_device(&lab.hosts[ROUTER], roles::NetworkGear::Router, "gw-01");
    // A responder that just registered probes its names (~0.75 s), then announces twice, a
    // second apart, and multicasts a record at most once a second (RFC 6762); a phone that
    // has been on the network a while answers a query at once. The office has been up a
    // while.
    let settled = phone_joined + std::time::Duration::from_millis(2_500);
    std::thread::sleep(settled.saturating_duration_since(std::time::Instant::now()));
    Some(Office {
        lab,
        _nas: samba,
        _phone: phone_mdns,
        _dhcp: dhcp,
        _router: router,
    })
}

fn has_name(a: &bigr::model::AssetObservation, name: &str, source: NameSource) -> bool {
    a.names.iter().any(|n| n.name == name && n.source == source)
}

#[test]
fn the_default_scan_names_types_and_describes_an_office() {
    let Some(office) = office() else { return };
    let lab = &office.lab;
    let home = crate::scan_cli_lab::home();
    let ip = |i: usize| lab.hosts[i].ip.to_string();
    let (pc, printer, phone) = (ip(PC), ip(PRINTER), ip(PHONE));
    let out = lab.bigr(&[
        "--home",
        home.path().to_str().unwrap(),
        "scan",
        "10.77.0.0/24",
        "--no-save",
        "--json",
        "--explain",
        &pc,
        "--explain",
        &phone,
        "--explain",
        &printer,
    ]);
    let report = crate::scan_cli_lab::report_of(&out);
    let asset = |i: usize| {
        report
            .assets
            .iter()
            .find(|a| a.ip == IpAddr::V4(lab.hosts[i].ip))
            .unwrap_or_else(|| panic!("host {i} not found: {report:?}"))
    };
    let service = |i: usize, port: u16| {
        asset(i)
            .services
            .iter()
            .find(|s| s.port == port)
            .unwrap_or_else(|| panic!("port {port} of host {i}: {:?}", asset(i).services))
            .clone()
    };
    use bigr::model::DeviceType;

    let w = asset(PC);
    assert!(
        has_name(w, "ACC-PC-07", NameSource::Netbios),
        "{:?}",
        w.names
    );
    assert!(
        has_name(w, "acc-pc-07.corp.lab", NameSource::Smb),
        "{:?}",
        w.names
    );
    let info = w.device_info.clone().unwrap_or_default();
    assert_eq!(info.os.as_deref(), Some("Windows 10 (build 19045)"));
    assert_eq!(info.domain.as_deref(), Some("corp.lab"));
    assert_eq!(w.os_hint.as_deref(), Some("Windows 10 (build 19045)"));
    assert_eq!(w.device_type, DeviceType::Desktop, "{:?}", w.evidence);
    assert!(has_name(w, "ACC-PC-07", NameSource::Llmnr), "{:?}", w.names);
    // Its DHCP requests, heard while the scan ran: a name and the DHCP client's word.
    assert!(has_name(w, "ACC-PC-07", NameSource::Dhcp), "{:?}", w.names);
    assert_eq!(info.dhcp_vendor_class.as_deref(), Some("MSFT 5.0"));
    assert!(
        w.evidence.iter().any(|e| e.rule == "dhcp.windows"),
        "{:?}",
        w.evidence
    );
    assert_eq!(service(PC, 135).name.as_deref(), Some("msrpc"));
    assert_eq!(service(PC, 3389).name.as_deref(), Some("rdp"));
    let smb = service(PC, 445);
    assert_eq!(
        (
            smb.name.as_deref(),
            smb.product.as_deref(),
            smb.version.as_deref()
        ),
        (
            Some("smb"),
            Some("Microsoft Windows SMB"),
            Some("10.0.19045")
        )
    );

    let p = asset(PRINTER);
    assert_eq!(p.device_type, DeviceType::Printer, "{:?}", p.evidence);
    assert!(has_name(
        p,
        "HP LaserJet Pro M404dn [1A2B3C]",
        NameSource::Upnp
    ));
    assert_eq!(
        service(PRINTER, 631).product.as_deref(),
        Some("HP LaserJet Pro M404dn")
    );
    assert_eq!(service(PRINTER, 9100).name.as_deref(), Some("jetdirect"));
    // The printer announces no service over mDNS but answers for its own address.
    assert!(has_name(p, "NPI1A2B3C", NameSource::Mdns), "{:?}", p.names);

    let m = asset(PHONE);
    assert_eq!(m.device_type, DeviceType::Phone, "{:?}", m.evidence);
    assert!(
        has_name(m, "Ayse's iPhone", NameSource::Mdns),
        "{:?}",
        m.names
    );
    assert_eq!(
        m.device_info.as_ref().and_then(|d| d.model.as_deref()),
        Some("iPhone14,2")
    );
    assert!(
        has_name(m, "Ayses-iPhone", NameSource::Dhcp),
        "{:?}",
        m.names
    );
    assert!(
        m.evidence.iter().any(|e| e.rule == "dhcp.ios_prl"),
        "{:?}",
        m.evidence
    );

    let n = asset(NAS);
    assert!(has_name(n, "NAS-01", NameSource::Netbios), "{:?}", n.names);
    assert_eq!(n.device_type, DeviceType::Nas, "{:?}", n.evidence);
    assert_eq!(service(NAS, 445).product.as_deref(), Some("Samba"));
    assert_eq!(
        asset(TV).device_type,
        DeviceType::Media,
        "{:?}",
        asset(TV).evidence
    );

    let r = asset(ROUTER);
    assert!(has_name(r, "gw-01", NameSource::Snmp), "{:?}", r.names);
    assert_eq!(r.device_type, DeviceType::Router, "{:?}", r.evidence);

    let c = asset(CAMERA);
    assert!(
        has_name(c, "Lobby Camera", NameSource::Upnp),
        "{:?}",
        c.names
    );
    assert_eq!(c.device_type, DeviceType::Camera, "{:?}", c.evidence);
    let rtsp = service(CAMERA, 554);
    assert_eq!(rtsp.name.as_deref(), Some("rtsp"));
    assert!(!rtsp.port_only, "RTSP named by its answer: {rtsp:?}");

    // Every open port of the office is named, by a protocol where one answered.
    for a in &report.assets {
        for s in &a.services {
            assert!(s.name.is_some(), "{}:{} unnamed", a.ip, s.port);
        }
    }
    let explained = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "ACC-PC-07",
        "from netbios",
        "from smb",
        "from dhcp",
        "says  os",
        "Ayse's iPhone",
        "named by protocol",
        "HP LaserJet Pro M404dn",
    ] {
        assert!(
            explained.contains(needle),
            "--explain lacks {needle:?}:\n{explained}"
        );
    }
}

/// The default scan of the office as JSON, as root or as an unprivileged user.
fn office_scan(
    office: &Office,
    unprivileged: bool,
) -> (bigr::model::ScanReport, String, tempfile::TempDir) {
    let home = crate::scan_cli_lab::home();
    let args = [
        "--home",
        home.path().to_str().unwrap(),
        "scan",
        "10.77.0.0/24",
        "--no-save",
        "--json",
    ];
    let out = if unprivileged {
        office.lab.bigr_unprivileged(&args)
    } else {
        office.lab.bigr(&args)
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (crate::scan_cli_lab::report_of(&out), stderr, home)
}

fn by_ip(report: &bigr::model::ScanReport, ip: Ipv4Addr) -> Option<&bigr::model::AssetObservation> {
    report.assets.iter().find(|a| a.ip == IpAddr::V4(ip))
}

#[test]
fn the_office_is_still_identified_under_loss() {
    let Some(office) = office() else { return };
    let lab = &office.lab;
    svc::lose_scanner_packets(lab, 5);
    let (report, _, _home) = office_scan(&office, false);
    // Each source must get through 5% loss; a single lost datagram pair may still cost one
    // answer, so each is checked where two independent answers carry it.
    let pc = by_ip(&report, lab.hosts[PC].ip).expect("the PC under 5% loss");
    let nas = by_ip(&report, lab.hosts[NAS].ip).expect("the NAS under 5% loss");
    assert!(
        has_name(pc, "ACC-PC-07", NameSource::Netbios)
            || has_name(nas, "NAS-01", NameSource::Netbios),
        "NetBIOS: {:?} {:?}",
        pc.names,
        nas.names
    );
    assert!(
        has_name(pc, "acc-pc-07.corp.lab", NameSource::Smb) || !pc.open_ports.contains(&445),
        "SMB: {:?}",
        pc.names
    );
    let printer = by_ip(&report, lab.hosts[PRINTER].ip).expect("the printer");
    assert_eq!(printer.device_type, bigr::model::DeviceType::Printer);
    let tv = by_ip(&report, lab.hosts[TV].ip).expect("the TV");
    assert!(
        has_name(tv, "[TV] Living Room", NameSource::Upnp)
            || has_name(printer, "HP LaserJet Pro M404dn [1A2B3C]", NameSource::Upnp),
        "SSDP: {:?} {:?}",
        tv.names,
        printer.names
    );

    // 20% loss: the hosts are still found and the TCP-borne facts still arrive. A host
    // whose every ARP request is lost stays unseen (0.2^3 = 0.8% each; rounds added when
    // loss shows make it rarer, but a lone loss among clean answers shows nothing), so of
    // seven hosts one may go missing; two would mean the retries do not work.
    svc::lose_scanner_packets(lab, 20);
    let (report, _, _home) = office_scan(&office, false);
    let missed: Vec<usize> = (0..lab.hosts.len())
        .filter(|&i| by_ip(&report, lab.hosts[i].ip).is_none())
        .collect();
    assert!(missed.len() <= 1, "hosts {missed:?} missed under 20% loss");
    // A host that drops most ports gets no retry of its silent ones (that is what tells a
    // firewall from loss), so under 20% loss its SMB port may go unseen; when it was seen,
    // it was named.
    if let Some(pc) = by_ip(&report, lab.hosts[PC].ip)
        && pc.open_ports.contains(&445)
    {
        assert!(
            has_name(pc, "acc-pc-07.corp.lab", NameSource::Smb),
            "{:?}",
            pc.names
        );
    }
    // The printer is still typed: its ports, IPP, PJL and UPnP each say so, and one lost
    // exchange among them does not undo it.
    if let Some(printer) = by_ip(&report, lab.hosts[PRINTER].ip) {
        assert_eq!(
            printer.device_type,
            bigr::model::DeviceType::Printer,
            "{:?}",
            printer.evidence
        );
    }
}

#[test]
fn without_privileges_the_office_is_still_named_and_the_scan_says_what_it_skipped() {
    let Some(office) = office() else { return };
    let lab = &office.lab;
    let (report, stderr, _home) = office_scan(&office, true);
    assert!(stderr.contains("setcap cap_net_raw"), "{stderr}");
    assert!(stderr.contains("DHCP"), "{stderr}");
    assert!(!report.privileges.arp && !report.privileges.raw_sockets);
    // Without capture rights nothing is heard, and nothing is claimed to be.
    assert!(
        report
            .assets
            .iter()
            .all(|a| a.names.iter().all(|n| n.source != NameSource::Dhcp)),
        "{report:?}"
    );
    // The firewalled PC answers no ping, but its open ports do.
    let pc = by_ip(&report, lab.hosts[PC].ip).expect("the PC found by its open ports");
    assert!(
        has_name(pc, "acc-pc-07.corp.lab", NameSource::Smb),
        "{:?}",
        pc.names
    );
    assert_eq!(
        pc.device_info.as_ref().and_then(|d| d.os.as_deref()),
        Some("Windows 10 (build 19045)")
    );
    let printer = by_ip(&report, lab.hosts[PRINTER].ip).expect("the printer");
    assert!(
        printer
            .services
            .iter()
            .any(|s| s.name.as_deref() == Some("ipp") && !s.port_only)
    );
    let tv = by_ip(&report, lab.hosts[TV].ip);
    // The TV has no open port: without ARP or ICMP nothing can find it, and that is said.
    if let Some(tv) = tv {
        assert!(
            has_name(tv, "[TV] Living Room", NameSource::Upnp),
            "{:?}",
            tv.names
        );
    }
}
