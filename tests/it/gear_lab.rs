//! Network gear on the gear lab (real snmpd, lldpd and Linux bridges in namespaces): SNMPv3
//! with every authentication and privacy protocol, the layer-2 graph equal to the wiring,
//! a router's routed hosts in the inventory, refusals that name the switch, never a
//! secret, CDP neighbours (real CDPv2 frames) linked as LLDP ones are, and the side-by-side
//! read a poll makes giving every table as its own walk does.
use crate::support::gear::{COMMUNITY, GearLab, Speaks, lldpd_path};
use crate::support::lab::Lab;
use bigr::model::snmp_access::{
    AuthProtocol, GearRole, PrivProtocol, SwitchCredentials, UsmCredentials,
};
use bigr::scan::snmp::{self, Session, SnmpOptions, Val};
use bigr::scan::switch_poll::{self, DeviceTables};
use std::collections::BTreeSet;

type Rows = Vec<(Vec<u64>, Val)>;

const AUTH_PASS: &str = "gear-auth-s3cret";
const PRIV_PASS: &str = "gear-priv-s3cret";

/// net-snmp's names for our protocols, in `createUser` lines.
const AUTHS: [(AuthProtocol, &str); 6] = [
    (AuthProtocol::Md5, "MD5"),
    (AuthProtocol::Sha1, "SHA"),
    (AuthProtocol::Sha224, "SHA-224"),
    (AuthProtocol::Sha256, "SHA-256"),
    (AuthProtocol::Sha384, "SHA-384"),
    (AuthProtocol::Sha512, "SHA-512"),
];
const PRIVS: [(Option<PrivProtocol>, &str); 7] = [
    (None, ""),
    (Some(PrivProtocol::Des), "DES"),
    (Some(PrivProtocol::Aes128), "AES"),
    (Some(PrivProtocol::Aes192), "AES-192"),
    (Some(PrivProtocol::Aes256), "AES-256"),
    (Some(PrivProtocol::Aes192c), "AES-192-C"),
    (Some(PrivProtocol::Aes256c), "AES-256-C"),
];

fn user_name(a: usize, p: usize) -> String {
    format!("u{a}{p}")
}

/// snmpd lines creating one read-only user per combination.
fn v3_users() -> String {
    let mut conf = String::new();
    for (a, (_, auth)) in AUTHS.iter().enumerate() {
        for (p, (_, privacy)) in PRIVS.iter().enumerate() {
            let user = user_name(a, p);
            if privacy.is_empty() {
                conf.push_str(&format!(
                    "createUser {user} {auth} \"{AUTH_PASS}\"\nrouser {user} auth\n"
                ));
            } else {
                conf.push_str(&format!(
                    "createUser {user} {auth} \"{AUTH_PASS}\" {privacy} \"{PRIV_PASS}\"\nrouser {user} priv\n"
                ));
            }
        }
    }
    conf
}

fn v3(
    host: &str,
    user: &str,
    auth: AuthProtocol,
    privacy: Option<PrivProtocol>,
    auth_pass: &str,
) -> SwitchCredentials {
    SwitchCredentials {
        host: host.into(),
        community: String::new(),
        snmp_version: "3".into(),
        usm: Some(UsmCredentials {
            user: user.into(),
            auth,
            auth_pass: auth_pass.into(),
            privacy,
            priv_pass: if privacy.is_some() {
                PRIV_PASS.into()
            } else {
                String::new()
            },
            context: String::new(),
        }),
        role: GearRole::Switch,
    }
}

/// Polls `targets` from inside the scanner namespace.
fn poll(lab: &GearLab, targets: Vec<SwitchCredentials>) -> Vec<switch_poll::SwitchPoll> {
    poll_from(&lab.scanner_ns, targets)
}

/// Polls `targets` from inside namespace `ns`.
fn poll_from(ns: &str, targets: Vec<SwitchCredentials>) -> Vec<switch_poll::SwitchPoll> {
    Lab::in_ns(ns, move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(switch_poll::poll_all(&targets, &SnmpOptions::default()))
    })
}

fn ready() -> bool {
    let missing = crate::lab_services::snmpd_path().is_none() || lldpd_path().is_none();
    if missing {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install snmpd and lldpd"
        );
        crate::support::skipped("gear lab", "snmpd or lldpd is not installed");
    }
    !missing
}

#[test]
fn snmpv3_polls_with_every_authentication_and_privacy_protocol() {
    if !ready() {
        return;
    }
    let Some(mut lab) = GearLab::up() else { return };
    let sw = lab.add_switch(0);
    lab.start(sw, &v3_users());
    lab.wait_for_snmp(sw);
    let host = lab.gear[sw].mgmt_ip.to_string();
    let mut targets = Vec::new();
    for (a, (auth, _)) in AUTHS.iter().enumerate() {
        for (p, (privacy, _)) in PRIVS.iter().enumerate() {
            targets.push(v3(&host, &user_name(a, p), *auth, *privacy, AUTH_PASS));
        }
    }
    // Each combination is its own session (poll_all polls a few at a time).
    let polls = poll(&lab, targets.clone());
    assert_eq!(polls.len(), AUTHS.len() * PRIVS.len());
    let mut failed = Vec::new();
    for (t, p) in targets.iter().zip(&polls) {
        let usm = t.usm.as_ref().unwrap();
        match &p.table {
            Ok(DeviceTables { identity, .. }) => assert_eq!(
                identity.sys_name.as_deref(),
                Some("lab-sw0"),
                "{:?}/{:?}: LLDP-MIB read over v3",
                usm.auth,
                usm.privacy
            ),
            Err(e) => failed.push(format!("{:?}/{:?}: {e}", usm.auth, usm.privacy)),
        }
    }
    assert!(failed.is_empty(), "v3 combinations failed: {failed:#?}");

    // A wrong pass phrase: a clear refusal naming the switch and the user, never a secret.
    let wrong = v3(
        &host,
        &user_name(3, 2),
        AuthProtocol::Sha256,
        Some(PrivProtocol::Aes128),
        "wrong-pass-phrase",
    );
    let unknown = v3(&host, "nobody", AuthProtocol::Sha1, None, AUTH_PASS);
    let polls = poll(&lab, vec![wrong, unknown]);
    for p in &polls {
        let e = p.table.as_ref().expect_err("refused").to_string();
        assert!(e.contains(&host) && e.contains("SNMPv3 refused"), "{e}");
        assert!(!e.contains("s3cret") && !e.contains("wrong-pass"), "{e}");
    }
}

#[test]
fn the_layer2_graph_equals_the_wiring_and_a_heard_switch_is_one_click_away() {
    if !ready() {
        return;
    }
    let Some(mut lab) = GearLab::up() else { return };
    // A ring (0-1-2-0), a chain off it (2-3-4); switch 4 is heard but not registered.
    for i in 0..5 {
        lab.add_switch(i);
    }
    for (a, b) in [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4)] {
        lab.cable(a, b);
    }
    for g in 0..5 {
        lab.start(g, "createUser gearv3 SHA-256 \"gear-auth-s3cret\" AES \"gear-priv-s3cret\"\nrouser gearv3 priv");
    }
    lab.wait_for_neighbours(&[2, 2, 3, 2, 1]);
    for g in 0..4 {
        lab.wait_for_snmp(g);
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Three by community, one over SNMPv3 through the command line (pass phrases in files).
    for g in 0..3 {
        let (code, text) = lab.bigr(
            h,
            &[
                "switches",
                "add",
                &lab.gear[g].mgmt_ip.to_string(),
                "-c",
                COMMUNITY,
                "--site",
                "gear",
            ],
        );
        assert_eq!(code, Some(0), "{text}");
    }
    let auth_file = home.path().join("auth.pass");
    let priv_file = home.path().join("priv.pass");
    std::fs::write(&auth_file, format!("{AUTH_PASS}\n")).unwrap();
    std::fs::write(&priv_file, PRIV_PASS).unwrap();
    let sw3 = lab.gear[3].mgmt_ip.to_string();
    let (code, text) = lab.bigr(
        h,
        &[
            "switches",
            "add",
            &sw3,
            "--site",
            "gear",
            "--snmp-version",
            "3",
            "--user",
            "gearv3",
            "--auth",
            "SHA256",
            "--auth-pass-file",
            auth_file.to_str().unwrap(),
            "--priv",
            "AES128",
            "--priv-pass-file",
            priv_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = lab.bigr(h, &["switches", "poll", "--site", "gear", "--json"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    let (_, listed) = lab.bigr(h, &["switches", "list", "--site", "gear", "--json"]);
    assert!(!listed.contains("s3cret"), "{listed}");
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let v3_row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["host"] == sw3.as_str())
        .unwrap();
    assert_eq!(
        (
            v3_row["snmp_user"].as_str(),
            v3_row["auth"].as_str(),
            v3_row["privacy"].as_str()
        ),
        (Some("gearv3"), Some("SHA256"), Some("AES128"))
    );
    assert_eq!(v3_row["sys_name"], "lab-sw3");

    let (nodes, links, candidates) = graph(h, "gear");
    let host = |g: usize| lab.gear[g].mgmt_ip.to_string();
    // Each cable once, between the two ports it joins (port p<b> on a, p<a> on b).
    let want: BTreeSet<(String, String, String, String)> = [(0, 1), (1, 2), (0, 2), (2, 3)]
        .into_iter()
        .map(|(a, b)| (host(a), format!("p{b}"), host(b), format!("p{a}")))
        .collect();
    let registered: BTreeSet<_> = links
        .iter()
        .filter(|l| !l.2.starts_with("heard:"))
        .cloned()
        .collect();
    assert_eq!(registered, want, "every link: {links:#?}");
    // Switch 4: heard on switch 3's port p4, a bridge with a management address.
    assert!(
        nodes.iter().any(|n| n == "heard:lab-sw4:bridge"),
        "{nodes:?}"
    );
    assert_eq!(candidates, vec![(host(4), host(3), "p4".to_string())]);

    // One click: registered with switch 3's credentials (SNMPv3), polled, linked.
    let url = format!("sqlite://{}?mode=rwc", h.join("bigr.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let accepted = rt.block_on(async {
        let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        bigr::store::switches::accept_candidate(&db, "gear", &host(4), &host(3))
            .await
            .unwrap()
    });
    assert_eq!(
        (accepted.snmp_user.as_deref(), accepted.label.as_str()),
        (Some("gearv3"), "lab-sw4")
    );
    lab.wait_for_snmp(4);
    let (code, text) = lab.bigr(h, &["switches", "poll", "--site", "gear", "--json"]);
    assert_eq!(code, Some(0), "{text}");
    let (_, links, candidates) = graph(h, "gear");
    assert!(candidates.is_empty(), "{candidates:?}");
    assert!(
        links.contains(&(host(3), "p4".into(), host(4), "p3".into())),
        "{links:#?}"
    );
}

/// A link as (source, its port, target, its port).
type Link = (String, String, String, String);
/// A candidate as (address, heard by, on port).
type Heard = (String, String, String);

/// The stored layer-2 graph of `site`: node ids with kinds (`host:kind` for registered
/// gear, `heard:<name>:<kind>` for the rest), links as (source, port, target, port) with
/// registered ends named by host, and candidates as (address, heard by, on port).
fn graph(home: &std::path::Path, site: &str) -> (Vec<String>, BTreeSet<Link>, Vec<Heard>) {
    let url = format!("sqlite://{}?mode=rwc", home.join("bigr.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let l2 = rt.block_on(async {
        let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        let (gear, links, placed) = bigr::store::layer2::rows(&db, Some(site), None)
            .await
            .unwrap();
        bigr::analysis::layer2::build(&gear, &links, &placed, None)
    });
    let name_of = |id: &str| -> String {
        let node = l2
            .nodes
            .iter()
            .find(|n| n.id == id)
            .expect("link ends are nodes");
        match &node.host {
            Some(h) => h.clone(),
            None => format!("heard:{}", node.label),
        }
    };
    let nodes = l2
        .nodes
        .iter()
        .map(|n| match &n.host {
            Some(h) => format!("{h}:{}", n.kind),
            None => format!("heard:{}:{}", n.label, n.kind),
        })
        .collect();
    let links = l2
        .links
        .iter()
        .map(|l| {
            let (a, b) = (
                (name_of(&l.source), l.source_port.clone()),
                (name_of(&l.target), l.target_port.clone()),
            );
            // Registered ends in address order, so the set compares with the wiring.
            let (a, b) = if a <= b || b.0.starts_with("heard:") {
                (a, b)
            } else {
                (b, a)
            };
            (a.0, a.1, b.0, b.1)
        })
        .collect();
    let candidates = l2
        .candidates
        .iter()
        .map(|c| (c.address.clone(), c.heard_by.clone(), c.heard_on.clone()))
        .collect();
    (nodes, links, candidates)
}

#[test]
fn cdp_neighbours_become_links_as_lldp_ones_do() {
    if !ready() {
        return;
    }
    let Some(mut lab) = GearLab::up() else { return };
    // Switch 0 speaks CDPv2 only (as a Cisco switch with LLDP off) and lists what it hears
    // in CISCO-CDP-MIB; switch 1 speaks LLDP and answers CDP. The frames are real.
    lab.add_switch(0);
    lab.add_switch(1);
    lab.cable(0, 1);
    lab.start_speaking(0, "", Speaks::CdpOnly);
    lab.start_speaking(1, "", Speaks::LldpAndCdp);
    lab.wait_for_neighbours(&[1, 1]);
    lab.wait_for_snmp(0);
    lab.wait_for_snmp(1);
    let host = |g: usize| lab.gear[g].mgmt_ip.to_string();
    let by_community = |g: usize| SwitchCredentials {
        host: host(g),
        community: COMMUNITY.into(),
        snmp_version: "2c".into(),
        usm: None,
        role: GearRole::Switch,
    };
    let polls = poll(&lab, vec![by_community(0)]);
    let tables = polls[0].table.as_ref().expect("switch 0 answers");
    let heard = &tables.neighbours;
    assert_eq!(heard.len(), 1, "{heard:#?}");
    let n = &heard[0];
    assert_eq!(
        (
            n.protocol.as_str(),
            n.local_port.as_str(),
            n.port_id.as_str(),
            n.sys_name.as_deref()
        ),
        ("cdp", "p1", "p0", Some("lab-sw1")),
        "{n:#?}"
    );
    assert_eq!(n.mgmt_address, Some(lab.gear[1].mgmt_ip.into()), "{n:#?}");
    assert!(n.capabilities.iter().any(|c| c == "bridge"), "{n:#?}");

    // Registered and polled: the cable is one link, whichever protocol each end heard.
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    for g in 0..2 {
        let (code, text) = lab.bigr(
            h,
            &[
                "switches",
                "add",
                &host(g),
                "-c",
                COMMUNITY,
                "--site",
                "cdp",
            ],
        );
        assert_eq!(code, Some(0), "{text}");
    }
    let (code, text) = lab.bigr(h, &["switches", "poll", "--site", "cdp", "--json"]);
    assert_eq!(code, Some(0), "{text}");
    let (_, links, candidates) = graph(h, "cdp");
    let want: BTreeSet<Link> = [(host(0), "p1".into(), host(1), "p0".into())].into();
    assert_eq!(links, want, "{links:#?}");
    assert!(candidates.is_empty(), "{candidates:?}");
}

/// Reads every column a poll needs both ways, side by side and one walk each, in `ns`.
fn both_ways(ns: &str, access: SwitchCredentials) -> (Vec<Rows>, Vec<Rows>) {
    Lab::in_ns(ns, move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let roots = snmp::device_columns(true);
            let opts = SnmpOptions::default();
            let mut s = Session::open(&access, &opts).await.unwrap();
            let side_by_side = s.walk_columns(&roots).await.unwrap();
            let mut s = Session::open(&access, &opts).await.unwrap();
            let mut one_by_one = Vec::new();
            for root in &roots {
                one_by_one.push(s.walk(root).await.unwrap());
            }
            (side_by_side, one_by_one)
        })
    })
}

#[test]
fn a_side_by_side_read_gives_every_table_as_its_own_walk_does() {
    if !ready() {
        return;
    }
    let Some(mut lab) = GearLab::up() else { return };
    lab.add_switch(0);
    lab.add_switch(1);
    lab.cable(0, 1);
    lab.add_access_ports(0, 48);
    for g in 0..2 {
        lab.start(g, "createUser gearv3 SHA-256 \"gear-auth-s3cret\" AES \"gear-priv-s3cret\"\nrouser gearv3 priv");
    }
    lab.wait_for_neighbours(&[1, 1]);
    lab.wait_for_snmp(0);
    lab.wait_for_learning(0, 48);
    let host = lab.gear[0].mgmt_ip.to_string();
    let community = |version: &str| SwitchCredentials {
        host: host.clone(),
        community: COMMUNITY.into(),
        snmp_version: version.into(),
        usm: None,
        role: GearRole::Switch,
    };
    let usm = v3(
        &host,
        "gearv3",
        AuthProtocol::Sha256,
        Some(PrivProtocol::Aes128),
        AUTH_PASS,
    );
    for access in [community("2c"), usm, community("1")] {
        let version = access.snmp_version.clone();
        // The switch may learn or age a row between two reads: a real difference stays.
        let mut last = None;
        for _ in 0..3 {
            let (side, single) = both_ways(&lab.scanner_ns, access.clone());
            if side == single {
                last = None;
                // Real tables, not empty ones: bridge ports, learned MACs, the neighbour.
                let rows = |i: usize| side[i].len();
                assert!(rows(0) >= 48, "v{version}: {} bridge ports", rows(0));
                assert!(rows(2) + rows(4) >= 48, "v{version}: MACs {side:?}");
                let lldp_remote = [1, 0, 8802, 1, 1, 2, 1, 4];
                let heard = snmp::device_columns(true)
                    .iter()
                    .zip(&side)
                    .any(|(root, rows)| root.starts_with(&lldp_remote) && !rows.is_empty());
                assert!(heard, "v{version}: the cabled switch in LLDP");
                break;
            }
            last = Some((side, single));
        }
        if let Some((side, single)) = last {
            for (i, (a, b)) in side.iter().zip(&single).enumerate() {
                assert_eq!(a, b, "v{version}: column {i} differs");
            }
        }
    }
}

#[test]
fn a_routers_address_table_brings_routed_hosts_into_the_inventory() {
    if !ready() {
        return;
    }
    let Some(mut lab) = GearLab::up() else { return };
    let routed = lab.add_router(3, "");
    let router = lab.gear.len() - 1;
    lab.wait_for_snmp(router);
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let (code, text) = lab.bigr(
        h,
        &[
            "switches",
            "add",
            "10.88.0.1",
            "-c",
            COMMUNITY,
            "--role",
            "router",
        ],
    );
    assert_eq!(code, Some(0), "{text}");
    // The scan covers only the management subnet; the routed hosts come from the router.
    let (code, text) = lab.bigr(
        h,
        &["scan", "10.88.0.0/24", "--ports", "none", "-n", "--json"],
    );
    assert_eq!(code, Some(0), "{text}");
    let url = format!("sqlite://{}?mode=rwc", h.join("bigr.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        for (ip, mac) in &routed {
            let a = bigr::store::inventory::resolve(&db, &ip.to_string(), Some("local"))
                .await
                .unwrap_or_else(|e| panic!("{ip} not in the inventory: {e}"));
            assert_eq!(a.mac.as_deref(), Some(mac.as_str()), "{ip}");
            let evidence = a.evidence.to_string();
            assert!(
                evidence.contains(switch_poll::VIA_ROUTER) && evidence.contains("10.88.0.1"),
                "{ip}: {evidence}"
            );
        }
        // The Intel OUI gives a vendor, as for any scanned host.
        let first = bigr::store::inventory::resolve(&db, &routed[0].0.to_string(), Some("local"))
            .await
            .unwrap();
        assert!(first.vendor.is_some(), "{first:?}");
        let list = bigr::store::switches::list(&db, Some("local"))
            .await
            .unwrap();
        // Its table also lists the scanner (and IPv6 neighbours): at least the routed hosts.
        assert!(list[0].routed_count >= routed.len() as i32, "{list:?}");
    });
}

#[test]
fn vlans_a_switch_reports_land_on_assets_and_filter_the_inventory() {
    if crate::lab_services::snmpd_path().is_none() {
        assert!(std::env::var("CI").is_err(), "CI must install snmpd");
        return;
    }
    let Some(lab) = Lab::up(4) else { return };
    // The switch's VLAN configuration: hosts 0 and 1 (and the scanner) on access ports of
    // VLAN 10, hosts 2 and 3 of VLAN 20. This kernel has no bridge VLAN filtering (nor
    // 802.1Q devices), so the bridge forwards all of them alike; its SNMP agent answers as
    // a VLAN-aware switch configured so would (tests/lab/bridge_mib.py).
    let switch = crate::lab_services::switch_agent_with_vlans(
        &lab,
        COMMUNITY,
        "10=office@v0+v1+vs,20=cameras@v2+v3",
    );

    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run = |args: &[&str]| {
        let mut all = vec!["--home", h.to_str().unwrap()];
        all.extend_from_slice(args);
        let out = lab.bigr(&all);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    let (code, text) = run(&["switches", "add", &switch.ip.to_string(), "-c", COMMUNITY]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run(&["scan", "10.77.0.0/24", "--ports", "none", "--no-snmp", "-n"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run(&["switches", "poll", "--json"]);
    assert_eq!(code, Some(0), "{text}");
    let polls: serde_json::Value = serde_json::from_str(&text).unwrap();
    let names: Vec<(u64, String)> = polls[0]["vlans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_u64().unwrap(),
                v["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![(10, "office".to_string()), (20, "cameras".to_string())]
    );
    for (i, host) in lab.hosts.iter().enumerate() {
        let entry = polls[0]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["mac"] == host.mac.as_str())
            .unwrap_or_else(|| panic!("{} not learned: {}", host.mac, polls[0]));
        assert_eq!(entry["vlan"], if i < 2 { 10 } else { 20 }, "{entry}");
    }
    let url = format!("sqlite://{}?mode=rwc", h.join("bigr.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = bigr::store::open(&url, &bigr::store::OpenOptions::default())
            .await
            .unwrap();
        let in_vlan = |v: u16| {
            let db = db.clone();
            async move {
                let f = bigr::store::inventory::AssetFilter {
                    site: Some("local".into()),
                    vlan: Some(v),
                    ..Default::default()
                };
                let inv =
                    bigr::store::inventory::list(&db, &f, bigr::store::PageRequest::default())
                        .await
                        .unwrap();
                let mut macs: Vec<String> = inv
                    .page
                    .items
                    .iter()
                    .filter_map(|a| a.mac.clone())
                    .collect();
                macs.sort();
                macs
            }
        };
        let want = |range: std::ops::Range<usize>| {
            let mut m: Vec<String> = lab.hosts[range].iter().map(|h| h.mac.clone()).collect();
            m.sort();
            m
        };
        // VLAN 10 also holds the scanner itself (its port is an access port of VLAN 10).
        let mut office = want(0..2);
        office.push("02:00:00:00:00:02".to_string());
        office.sort();
        assert_eq!(in_vlan(10).await, office);
        assert_eq!(in_vlan(20).await, want(2..4));
        // The graph offers both VLANs and keeps VLAN 20's devices apart.
        let (gear, links, placed) = bigr::store::layer2::rows(&db, Some("local"), Some(20))
            .await
            .unwrap();
        let l2 = bigr::analysis::layer2::build(&gear, &links, &placed, Some(20));
        assert_eq!(l2.vlans, vec![10, 20]);
        assert_eq!(l2.devices.len(), 2, "{:?}", l2.devices);
    });
}

/// The lab's bridge answering as a Cisco switch with VLANs (`spec`): no Q-BRIDGE, its VLANs
/// in CISCO-VTP-MIB, each VLAN's forwarding table only in that VLAN's context — the
/// community `COMMUNITY@ID`, or the context `vlan-ID` for SNMPv3 user `ciscov3` — which
/// net-snmp's proxy hands to an inner agent serving that VLAN's BRIDGE-MIB. Stopped on drop
/// of the returned guard.
fn cisco_switch(lab: &Lab, spec: &str, vids: &[u16]) -> Vec<crate::support::gear::Agent> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/lab/bridge_mib.py");
    let hub = lab.hub();
    for args in [
        vec![
            "-n",
            &hub,
            "link",
            "set",
            "br0",
            "address",
            "00:00:0c:77:00:fe",
        ],
        vec!["-n", &hub, "addr", "add", "10.77.0.254/24", "dev", "br0"],
        vec!["-n", &hub, "link", "set", "lo", "up"],
    ] {
        let st = std::process::Command::new("ip")
            .args(&args)
            .status()
            .unwrap();
        assert!(st.success(), "ip {args:?}");
    }
    let mut main = format!(
        "agentAddress udp:10.77.0.254:161\nsysName lab-catalyst\nsysObjectID .1.3.6.1.4.1.9.1.1208\n\
         view all included .1\ncom2sec sdef 10.77.0.0/24 {COMMUNITY}\ngroup gdef v2c sdef\n\
         access gdef \"\" any noauth exact all none none\n\
         createUser ciscov3 SHA \"{AUTH_PASS}\" AES \"{PRIV_PASS}\"\ngroup gv3 usm ciscov3\n\
         access gv3 \"\" usm priv exact all none none\naccess gv3 vlan- usm priv prefix all none none\n\
         pass_persist .1.3.6.1.2.1.17 /usr/bin/python3 {script} br0 {spec} cisco\n\
         pass_persist .1.3.6.1.4.1.9.9.46 /usr/bin/python3 {script} br0 {spec} vtp\n"
    );
    let mut agents = Vec::new();
    for vid in vids {
        let port = 1600 + vid;
        main.push_str(&format!(
            "com2sec -Cn vlan-{vid} s{vid} 10.77.0.0/24 {COMMUNITY}@{vid}\ngroup g{vid} v2c s{vid}\n\
             access g{vid} vlan-{vid} any noauth exact all none none\n\
             proxy -Cn vlan-{vid} -v 2c -c inner 127.0.0.1:{port} .1.3.6.1.2.1.17\n"
        ));
        agents.push(crate::support::gear::Agent::snmpd(
            &hub,
            &format!(
                "agentAddress udp:127.0.0.1:{port}\nview bridge included .1.3.6.1.2.1.17\n\
                 rocommunity inner 127.0.0.1 -V bridge\n\
                 pass_persist .1.3.6.1.2.1.17 /usr/bin/python3 {script} br0 {spec} vlan:{vid}\n"
            ),
        ));
    }
    agents.push(crate::support::gear::Agent::snmpd(&hub, &main));
    agents
}

#[test]
fn a_cisco_switch_is_read_vlan_by_vlan_in_each_vlans_context() {
    if crate::lab_services::snmpd_path().is_none() {
        assert!(std::env::var("CI").is_err(), "CI must install snmpd");
        return;
    }
    let Some(lab) = Lab::up(4) else { return };
    let _agents = cisco_switch(&lab, "10=office@v0+v1+vs,20=cameras@v2+v3", &[10, 20]);
    // A sweep, so the bridge learns every host.
    let home = tempfile::tempdir().unwrap();
    let out = lab.bigr(&[
        "--home",
        home.path().to_str().unwrap(),
        "scan",
        "10.77.0.0/24",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let host = "10.77.0.254";
    let by_v3 = v3(
        host,
        "ciscov3",
        AuthProtocol::Sha1,
        Some(PrivProtocol::Aes128),
        AUTH_PASS,
    );
    let by_community = SwitchCredentials::community(host, COMMUNITY, "2c");
    for (how, access) in [("community@vlan", by_community), ("v3 context", by_v3)] {
        let polls = poll_from(&lab.scanner_ns, vec![access]);
        let t = polls[0]
            .table
            .as_ref()
            .unwrap_or_else(|e| panic!("{how}: {e}"));
        let names: Vec<(u16, Option<&str>)> =
            t.vlans.iter().map(|v| (v.id, v.name.as_deref())).collect();
        assert_eq!(
            names,
            vec![
                (1, Some("default")),
                (10, Some("office")),
                (20, Some("cameras"))
            ],
            "{how}: VTP's VLANs, the reserved ones left out"
        );
        for (i, h) in lab.hosts.iter().enumerate() {
            let e = t
                .forwarding
                .iter()
                .find(|e| e.mac.to_string() == h.mac)
                .unwrap_or_else(|| {
                    panic!("{how}: {} not read in its VLAN: {:?}", h.mac, t.forwarding)
                });
            let want = (Some(if i < 2 { 10 } else { 20 }), format!("v{i}"));
            assert_eq!((e.vlan, e.port.clone()), want, "{how}");
        }
    }
}
