//! Switches and routers in the store, on SQLite and PostgreSQL: SNMPv3 credentials stored
//! and never read back, a scan report's switch polls recorded (identity, VLANs, links), a
//! failed poll keeping the last good one, and the layer-2 graph and VLAN filter over them.
use crate::support::{TestDb, host, on_each_backend, report, t0};
use bigr::model::SwitchPort;
use bigr::model::gear::{LocalIdentity, Neighbour, SwitchObservation, VlanName};
use bigr::model::snmp_access::{
    AuthProtocol, GearRole, PrivProtocol, SwitchCredentials, UsmCredentials,
};
use bigr::store::inventory::{self, AssetFilter};
use bigr::store::{PageRequest, SaveOptions, StoreError, layer2, save_scan, switches};

fn v3(host: &str, auth_pass: &str, priv_pass: &str) -> SwitchCredentials {
    SwitchCredentials {
        host: host.into(),
        community: String::new(),
        snmp_version: "3".into(),
        usm: Some(UsmCredentials {
            user: "netops".into(),
            auth: AuthProtocol::Sha512,
            auth_pass: auth_pass.into(),
            privacy: Some(PrivProtocol::Aes256),
            priv_pass: priv_pass.into(),
            context: "vlan-10".into(),
        }),
        role: GearRole::Switch,
    }
}

fn neighbour(port: &str, chassis: &str, remote_port: &str, name: &str, mgmt: &str) -> Neighbour {
    Neighbour {
        protocol: "lldp".into(),
        local_port: port.into(),
        local_port_index: None,
        chassis_id: chassis.into(),
        port_id: remote_port.into(),
        port_descr: None,
        sys_name: Some(name.into()),
        description: None,
        capabilities: vec!["bridge".into()],
        mgmt_address: mgmt.parse().ok(),
    }
}

fn seen(host: &str, chassis: &str, neighbours: Vec<Neighbour>) -> SwitchObservation {
    SwitchObservation {
        host: host.into(),
        error: None,
        mac_count: 2,
        identity: LocalIdentity {
            chassis_id: Some(chassis.into()),
            sys_name: Some(format!("{host}-name")),
        },
        vlans: vec![
            VlanName {
                id: 10,
                name: Some("office".into()),
            },
            VlanName { id: 20, name: None },
        ],
        neighbours,
        routed: 0,
    }
}

async fn vlan_macs(t: &TestDb, vlan: u16) -> Vec<String> {
    let f = AssetFilter {
        site: Some("hq".into()),
        vlan: Some(vlan),
        ..Default::default()
    };
    let inv = inventory::list(&t.db, &f, PageRequest::default())
        .await
        .unwrap();
    inv.page.items.into_iter().filter_map(|a| a.mac).collect()
}

#[tokio::test]
async fn snmpv3_credentials_are_checked_stored_and_never_read_back() {
    on_each_backend(async |t: &TestDb| {
        let s = switches::register(
            &t.db,
            "hq",
            &v3("core.lan", "auth-s3cret-1", "priv-s3cret-2"),
            "Core",
        )
        .await
        .unwrap();
        assert_eq!(
            (
                s.snmp_user.as_deref(),
                s.auth.as_deref(),
                s.privacy.as_deref(),
                s.context.as_deref()
            ),
            (
                Some("netops"),
                Some("SHA512"),
                Some("AES256"),
                Some("vlan-10")
            )
        );
        let json = serde_json::to_string(&switches::list(&t.db, None).await.unwrap()).unwrap();
        assert!(!json.contains("s3cret"), "{json}");
        // The poller gets them back whole.
        let access = switches::access(&t.db, "hq").await.unwrap();
        assert_eq!(
            access,
            vec![v3("core.lan", "auth-s3cret-1", "priv-s3cret-2")]
        );
        // Refusals say what is wrong, never the pass phrase.
        for bad in [
            v3("core.lan", "short", "priv-s3cret-2"),
            v3("core.lan", "auth-s3cret-1", ""),
        ] {
            let e = switches::register(&t.db, "hq", &bad, "").await.unwrap_err();
            assert!(matches!(e, StoreError::Invalid(_)), "{e}");
            assert!(
                e.to_string().contains("pass phrase") && !e.to_string().contains("s3cret"),
                "{e}"
            );
        }
        let mut no_user = v3("core.lan", "auth-s3cret-1", "priv-s3cret-2");
        no_user.usm = None;
        assert!(switches::register(&t.db, "hq", &no_user, "").await.is_err());
    })
    .await;
}

#[tokio::test]
async fn a_reports_switch_polls_become_links_vlans_and_a_graph() {
    on_each_backend(async |t: &TestDb| {
        for h in ["sw1", "sw2"] {
            switches::add(&t.db, "hq", h, "c", "2c", "").await.unwrap();
        }
        let mut cam = host("10.0.0.5", Some("54:8c:81:00:00:05"), &[]);
        cam.switch_port = Some(SwitchPort {
            host: "sw2".into(),
            port: "Gi0/5".into(),
            port_index: Some(5),
            vlan: Some(20),
        });
        let mut pc = host("10.0.0.6", Some("00:1b:21:00:00:06"), &[]);
        pc.switch_port = Some(SwitchPort {
            host: "sw2".into(),
            port: "Gi0/6".into(),
            port_index: Some(6),
            vlan: Some(10),
        });
        let mut r = report(t0(), &["10.0.0.0/24"], "", vec![cam, pc]);
        let many: Vec<Neighbour> = (0..3000)
            .map(|i| neighbour(&format!("e{i}"), &format!("x{i}"), "eth0", "phone", ""))
            .collect();
        r.switches = vec![
            seen(
                "sw1",
                "aa:aa",
                vec![
                    neighbour("Te1", "bb:bb", "Te9", "sw2-name", "10.0.0.2"),
                    neighbour("Te2", "cc:cc", "Gi0/1", "floor3", "10.0.0.3"),
                ],
            ),
            seen(
                "sw2",
                "bb:bb",
                vec![neighbour("Te9", "aa:aa", "Te1", "sw1-name", "")],
            ),
            // No longer registered: skipped.
            seen("gone", "dd:dd", many.clone()),
        ];
        save_scan(&t.db, &r, "hq", &SaveOptions::default())
            .await
            .unwrap();
        let (gear, links, placed) = layer2::rows(&t.db, Some("hq"), None).await.unwrap();
        assert_eq!(links.len(), 3, "{links:?}");
        let l2 = bigr::analysis::layer2::build(&gear, &links, &placed, None);
        assert_eq!(
            l2.links
                .iter()
                .filter(|l| l.target.starts_with("gear:"))
                .count(),
            1,
            "sw1-sw2 once: {:?}",
            l2.links
        );
        assert_eq!(l2.candidates.len(), 1);
        assert_eq!(
            (
                l2.candidates[0].address.as_str(),
                l2.candidates[0].heard_by.as_str()
            ),
            ("10.0.0.3", "sw1")
        );
        assert_eq!(l2.vlans, vec![10, 20]);
        assert_eq!(
            vlan_macs(t, 20).await,
            vec!["54:8c:81:00:00:05".to_string()]
        );
        let listed = switches::list(&t.db, Some("hq")).await.unwrap();
        assert_eq!(listed[0].vlans.len(), 2);
        assert_eq!(listed[0].chassis_id.as_deref(), Some("aa:aa"));

        // A failed poll keeps what the last good one learned, and says why.
        let mut r2 = report(
            t0() + chrono::Duration::minutes(5),
            &["10.0.0.0/24"],
            "",
            vec![],
        );
        r2.switches = vec![SwitchObservation {
            host: "sw1".into(),
            error: Some("no SNMP answer".into()),
            ..Default::default()
        }];
        save_scan(&t.db, &r2, "hq", &SaveOptions::default())
            .await
            .unwrap();
        let listed = switches::list(&t.db, Some("hq")).await.unwrap();
        assert_eq!(listed[0].poll_error.as_deref(), Some("no SNMP answer"));
        assert_eq!(listed[0].vlans.len(), 2);
        assert_eq!(
            layer2::rows(&t.db, Some("hq"), None).await.unwrap().1.len(),
            3
        );

        // A huge neighbour list is cut, not refused; accepting the candidate copies sw1's
        // credentials and a role from what it announced.
        let mut r3 = report(
            t0() + chrono::Duration::minutes(10),
            &["10.0.0.0/24"],
            "",
            vec![],
        );
        r3.switches = vec![seen("sw2", "bb:bb", many)];
        save_scan(&t.db, &r3, "hq", &SaveOptions::default())
            .await
            .unwrap();
        let links = layer2::rows(&t.db, Some("hq"), None).await.unwrap().1;
        assert_eq!(links.iter().filter(|l| l.host == "sw2").count(), 2048);
        let unheard = switches::accept_candidate(&t.db, "hq", "10.9.9.9", "sw1")
            .await
            .unwrap_err();
        assert!(matches!(unheard, StoreError::NotFound(_)), "{unheard}");
        let accepted = switches::accept_candidate(&t.db, "hq", "10.0.0.3", "sw1")
            .await
            .unwrap();
        assert_eq!(
            (accepted.label.as_str(), accepted.community_set),
            ("floor3", true)
        );
    })
    .await;
}
