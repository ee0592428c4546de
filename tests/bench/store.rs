//! Store benchmark: saving large scans and paging a 100 000-asset inventory.
//!
//! `cargo bench --bench store` (SQLite in a temp folder), or with
//! `BIGR_BENCH_DATABASE_URL=postgres://…` against an empty PostgreSQL database.
//! Figures are printed next to the peer they answer: NetAlertX's device list takes 12+ s at
//! 9 000 devices (NetAlertX #1254), and its users report search-as-you-type taking minutes.
use bigr::model::{AssetObservation, Category, DeviceType, MacAddr, ScanMethod, ScanReport};
use bigr::store::inventory::{self, AssetFilter, AssetSort};
use bigr::store::{OpenOptions, PageRequest, SaveOptions, changes, open, save_scan};
use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

const PER_SITE: u32 = 50_000;
const SITES: [&str; 2] = ["istanbul", "ankara"];

fn observation(i: u32, generation: u32) -> AssetObservation {
    let ip = std::net::Ipv4Addr::from(0x0A00_0000 + i + 1);
    let mut o = AssetObservation::new(ip.into());
    let b = i.to_be_bytes();
    o.mac = Some(MacAddr([0x00, 0x1b, 0x21, b[1], b[2], b[3]]));
    o.hostname = Some(format!("host-{i}.corp.lan"));
    o.vendor =
        Some(["Hewlett Packard", "Cisco Systems", "Hikvision", "Apple"][i as usize % 4].into());
    o.open_ports = vec![22, 80, 443];
    // One device in a hundred opens a port in each new generation: a realistic change rate.
    if generation > 0 && i.is_multiple_of(100) {
        o.open_ports.push(8000 + generation as u16);
    }
    o.category = [
        Category::AgVeSistemler,
        Category::Iot,
        Category::Tasinabilir,
    ][i as usize % 3];
    o.device_type = [DeviceType::Server, DeviceType::Camera, DeviceType::Laptop][i as usize % 3];
    o.confidence = 0.75;
    o
}

fn report(at: DateTime<Utc>, generation: u32) -> ScanReport {
    ScanReport {
        id: uuid::Uuid::now_v7(),
        target: "10.0.0.0/16".into(),
        networks: vec!["10.0.0.0/16".parse().unwrap()],
        method: ScanMethod::Hybrid,
        started_at: at,
        completed_at: Some(at + Duration::seconds(30)),
        partial: false,
        ports_probed: "1-1024,8000-9000".parse().unwrap(),
        privileges: Default::default(),
        scanner_version: "bench".into(),
        assets: (0..PER_SITE).map(|i| observation(i, generation)).collect(),
        certificates: Vec::new(),
        switches: Vec::new(),
    }
}

async fn timed<T, F: std::future::Future<Output = T>>(label: &str, f: F) -> (T, f64) {
    let start = Instant::now();
    let out = f.await;
    let secs = start.elapsed().as_secs_f64();
    println!("{label:<58} {:>9.1} ms", secs * 1000.0);
    (out, secs)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = std::env::var("BIGR_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let db = open(&url, &OpenOptions::default())
        .await
        .expect("open database");
    let backend = if url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!(
        "bigr store benchmark on {backend}: {} sites x {PER_SITE} assets\n",
        SITES.len()
    );

    let t0 = Utc::now() - Duration::hours(2);
    let opts = SaveOptions::default();
    let mut first = 0.0;
    for site in SITES {
        let r = report(t0, 0);
        let (out, secs) = timed(
            &format!("save_scan: {PER_SITE} new assets into '{site}'"),
            save_scan(&db, &r, site, &opts),
        )
        .await;
        out.expect("save");
        first += secs;
    }
    let r = report(t0 + Duration::minutes(30), 1);
    let (out, rescan) = timed(
        &format!("save_scan: re-scan of {PER_SITE}, 1% with a new port"),
        save_scan(&db, &r, SITES[0], &opts),
    )
    .await;
    let out = out.expect("save");
    assert_eq!(
        out.changes.get("ports_opened"),
        Some(&(PER_SITE as usize / 100))
    );

    let page = PageRequest::new(1, 50).unwrap();
    let all = AssetFilter::default();
    let (inv, first_page) = timed(
        "inventory: first page of 100 000 (sorted by IP)",
        inventory::list(&db, &all, page),
    )
    .await;
    assert_eq!(
        inv.expect("list").page.total,
        u64::from(PER_SITE) * SITES.len() as u64
    );
    let deep = PageRequest::new(1_000, 50).unwrap();
    let (deep_page, _) = timed(
        "inventory: page 1 000 of 100 000",
        inventory::list(&db, &all, deep),
    )
    .await;
    // The same depth by cursor: the row before page 1 000 is the anchor.
    let before = PageRequest::new(49_950, 1).unwrap();
    let anchor = inventory::rows(&db, &all, before).await.expect("anchor")[0].id;
    let (by_cursor, _) = timed(
        "inventory: page 1 000 of 100 000 by cursor",
        inventory::rows_after(&db, &all, anchor, 50),
    )
    .await;
    let ids = |items: &[inventory::AssetView]| items.iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(&by_cursor.expect("cursor")),
        ids(&deep_page.expect("list").page.items)
    );
    let search = AssetFilter {
        q: Some("host-4999".into()),
        ..Default::default()
    };
    let (found, search_secs) = timed(
        "inventory: search 'host-4999' (substring, any field)",
        inventory::list(&db, &search, page),
    )
    .await;
    assert!(found.expect("search").page.total >= 2);
    let filtered = AssetFilter {
        site: Some(SITES[0].into()),
        category: Some(Category::Iot),
        subnet: Some("10.0.128.0/17".parse().unwrap()),
        sort: AssetSort::LastSeen,
        descending: true,
        ..Default::default()
    };
    timed(
        "inventory: site + category + subnet, by last seen",
        inventory::list(&db, &filtered, page),
    )
    .await
    .0
    .expect("list");
    timed(
        "changes: newest page of the change log",
        changes::list(&db, &Default::default(), page),
    )
    .await
    .0
    .expect("changes");

    println!();
    println!(
        "saves:   {:.0} assets/s on first sight, {:.0} assets/s on re-scan",
        f64::from(PER_SITE) * 2.0 / first,
        f64::from(PER_SITE) / rescan
    );
    println!(
        "paging:  first page {:.0} ms, search {:.0} ms at 100 000 assets; NetAlertX: 12 000+ ms for its device list at 9 000 (#1254)",
        first_page * 1000.0,
        search_secs * 1000.0
    );
}
