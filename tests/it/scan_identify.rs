//! Identification against real services in the namespace lab: Samba as a Windows-like
//! host (SMB negotiate and NTLMSSP, NetBIOS), a printer's IPP and PJL, a camera's RTSP, an
//! open MQTT broker.
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
