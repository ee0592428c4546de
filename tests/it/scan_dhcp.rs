//! Passive DHCP in the namespace lab: a listener that outlives scans (the agent's) names a
//! device that spoke only between them; without it a scan hears nothing that was said before.
use crate::lab_services as svc;
use crate::support::lab::Lab;
use bigr::model::{DeviceType, NameSource, ScanReport};
use bigr::scan::dhcp::{self, DhcpBook};
use bigr::scan::request::{self, ScanRequest, ScanSettings};
use std::time::{Duration, Instant};

/// A discovery-only scan of `target` from the scanner's namespace, reading `book` if given.
fn scan(lab: &Lab, target: String, book: Option<DhcpBook>) -> ScanReport {
    Lab::in_ns(&lab.scanner_ns, move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let req = ScanRequest {
            targets: vec![target],
            settings: ScanSettings {
                ports: Some("none".into()),
                reverse_dns: false,
                mdns: false,
                ..ScanSettings::default()
            },
            dhcp_book: book,
            ..ScanRequest::default()
        };
        rt.block_on(request::run(&req)).expect("scan").report
    })
}

#[test]
fn a_listener_that_outlives_scans_names_a_device_that_spoke_only_between_them() {
    let Some(lab) = Lab::up(2) else { return };
    let phone = &lab.hosts[0];
    let book = DhcpBook::default();
    let listener = {
        let book = book.clone();
        Lab::in_ns(&lab.scanner_ns, move || {
            let ifaces: Vec<String> = bigr::scan::interfaces::list()
                .into_iter()
                .map(|n| n.interface)
                .collect();
            dhcp::listen(&ifaces, book).expect("capture in the scanner's namespace")
        })
    };
    // One lease renewal, then silence.
    let client = svc::dhcp_client(
        phone,
        vec![
            (12, b"galaxy-s23".to_vec()),
            (60, b"android-dhcp-14".to_vec()),
            (55, vec![1, 3, 6, 15, 26, 28, 51, 58, 59, 43]),
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while book.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(client);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(book.len(), 1, "the renewal was heard");

    let report = scan(&lab, format!("{}/32", phone.ip), Some(book.clone()));
    let a = report.assets.first().expect("the phone answers ARP");
    assert!(
        a.names
            .iter()
            .any(|n| n.name == "galaxy-s23" && n.source == NameSource::Dhcp),
        "{:?}",
        a.names
    );
    assert_eq!(a.hostname.as_deref(), Some("galaxy-s23"));
    assert_eq!(a.device_type, DeviceType::Phone, "{:?}", a.evidence);
    assert_eq!(a.os_hint.as_deref(), Some("Android"), "{:?}", a.evidence);
    assert_eq!(
        a.device_info
            .as_ref()
            .and_then(|d| d.dhcp_vendor_class.as_deref()),
        Some("android-dhcp-14")
    );
    // The other host never spoke DHCP: no name is made up for it.
    let quiet = scan(&lab, format!("{}/32", lab.hosts[1].ip), Some(book));
    assert!(quiet.assets.first().expect("found").names.is_empty());

    // A scan listening only while it runs hears nothing of what was said before it.
    let alone = scan(&lab, format!("{}/32", phone.ip), None);
    assert!(
        alone.assets.first().expect("found").names.is_empty(),
        "{:?}",
        alone.assets
    );
    assert!(listener.stop().is_none(), "the capture ran to the end");
}
