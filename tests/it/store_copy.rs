//! `db copy` between SQLite and PostgreSQL: complete, re-pointed, and idempotent.
use crate::support::{TestDb, host, minutes, report, t0};
use bigr::model::Category;
use bigr::store::copy::copy_inventory;
use bigr::store::{SaveOptions, save_scan, subnets, switches, tags, users};

async fn seed(t: &TestDb) {
    let opts = SaveOptions::default();
    let mut cam = host("10.0.0.30", Some("00:1b:21:3a:4f:10"), &[554, 80]);
    cam.category = Category::Iot;
    cam.confidence = 0.9;
    save_scan(
        &t.db,
        &report(
            t0(),
            &["10.0.0.0/24"],
            "1-1024",
            vec![cam, host("10.0.0.31", None, &[22])],
        ),
        "local",
        &opts,
    )
    .await
    .unwrap();
    save_scan(
        &t.db,
        &report(
            t0() + minutes(1),
            &["10.0.0.0/24"],
            "1-1024",
            vec![host("10.0.0.30", Some("00:1b:21:3a:4f:10"), &[554])],
        ),
        "local",
        &opts,
    )
    .await
    .unwrap();
    save_scan(
        &t.db,
        &report(
            t0(),
            &["10.5.0.0/24"],
            "",
            vec![host("10.5.0.1", None, &[])],
        ),
        "branch",
        &opts,
    )
    .await
    .unwrap();
    subnets::add(&t.db, "local", "10.0.0.0/24", "HQ", Some(1))
        .await
        .unwrap();
    switches::add(&t.db, "local", "sw1", "public", "2c", "")
        .await
        .unwrap();
    tags::tag(
        &t.db,
        "10.0.0.31",
        None,
        Category::AgVeSistemler,
        Some("jump host"),
        "ops",
    )
    .await
    .unwrap();
    users::add(
        &t.db,
        "admin",
        &bigr::password::hash("long enough pw").unwrap(),
        users::Role::Admin,
    )
    .await
    .unwrap();
}

const TABLES: [&str; 9] = [
    "sites",
    "users",
    "subnets",
    "switches",
    "scans",
    "assets",
    "scan_assets",
    "asset_changes",
    "certificates",
];

#[tokio::test]
async fn copy_moves_everything_and_a_second_run_changes_nothing() {
    let source = TestDb::sqlite().await;
    seed(&source).await;
    // The target may already hold a "local" site of its own (another id): rows are re-pointed.
    let target = match TestDb::postgres().await {
        Some(pg) => pg,
        None => TestDb::sqlite().await,
    };
    subnets::add(&target.db, "local", "192.168.0.0/24", "already there", None)
        .await
        .unwrap();

    let first = copy_inventory(&source.db, &target.db, &|_| {})
        .await
        .unwrap();
    assert!(first.iter().map(|t| t.inserted).sum::<u64>() > 10);
    for table in TABLES {
        let extra = i64::from(table == "subnets");
        assert_eq!(
            target.count(table).await,
            source.count(table).await + extra,
            "{} {table}",
            target.backend
        );
    }
    // Between copies the source adopts its MAC-less asset (its identity key changes).
    save_scan(
        &source.db,
        &report(
            t0() + minutes(3),
            &["10.5.0.0/24"],
            "",
            vec![host("10.5.0.1", Some("00:1b:21:00:00:99"), &[])],
        ),
        "branch",
        &SaveOptions::default(),
    )
    .await
    .unwrap();
    let again = copy_inventory(&source.db, &target.db, &|_| {})
        .await
        .unwrap();
    let inserted: Vec<_> = again
        .iter()
        .filter(|t| t.inserted > 0)
        .map(|t| (t.table, t.inserted))
        .collect();
    // Only the new scan and its rows travel; the re-keyed asset is recognised by its id.
    assert_eq!(
        inserted,
        [("scans", 1), ("scan_assets", 1), ("asset_changes", 1)],
        "{again:?}"
    );
    let second = copy_inventory(&source.db, &target.db, &|_| {})
        .await
        .unwrap();
    assert_eq!(
        second.iter().map(|t| t.inserted).sum::<u64>(),
        0,
        "{second:?}"
    );
    // The copy is usable: the tag and its asset survived, and the target keeps saving scans.
    let tagged = tags::list(&target.db, Some("local")).await.unwrap();
    assert_eq!(tagged[0].manual_note.as_deref(), Some("jump host"));
    let out = save_scan(
        &target.db,
        &report(
            t0() + minutes(2),
            &["10.0.0.0/24"],
            "1-1024",
            vec![host("10.0.0.30", Some("00:1b:21:3a:4f:10"), &[554])],
        ),
        "local",
        &SaveOptions::default(),
    )
    .await
    .unwrap();
    assert!(out.changes.is_empty(), "{:?}", out.changes);
    // And back the other way into an empty SQLite file.
    let back = TestDb::sqlite().await;
    copy_inventory(&target.db, &back.db, &|_| {}).await.unwrap();
    assert_eq!(back.count("assets").await, source.count("assets").await);
    target.finish().await;
}
