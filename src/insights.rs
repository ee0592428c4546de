//! Loads what `analysis` needs from the store and runs it. The API and the CLI both call
//! these, so `bigr compliance --json` and `/api/compliance` give the same figures.
use crate::analysis::{analytics, compliance, risk, topology, vulns};
use crate::store::{self, StoreResult};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

pub async fn compliance(
    db: &DatabaseConnection,
    site: Option<&str>,
) -> StoreResult<compliance::ComplianceReport> {
    let counts = store::facts::classification_counts(db, site, None).await?;
    let mut subnets = Vec::new();
    for s in store::subnets::list(db, site).await? {
        let Ok(cidr) = s.cidr.parse::<ipnet::IpNet>() else {
            continue;
        };
        let counts = store::facts::classification_counts(db, Some(&s.site), Some(&cidr)).await?;
        subnets.push(compliance::SubnetScope {
            cidr,
            site: s.site,
            label: s.label,
            counts,
        });
    }
    let (candidates, total) =
        store::facts::action_candidates(db, site, compliance::MAX_ACTION_ITEMS as u64).await?;
    Ok(compliance::report(&counts, &subnets, &candidates, total))
}

pub async fn risk(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    site: Option<&str>,
    page: store::PageRequest,
    now: DateTime<Utc>,
) -> StoreResult<risk::RiskReport> {
    let assets = store::facts::load(db, site, true).await?;
    Ok(risk::report(&assets, cves, now, page.page, page.per_page))
}

pub async fn vulnerabilities(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    site: Option<&str>,
) -> StoreResult<vulns::VulnReport> {
    let assets = store::facts::load(db, site, true).await?;
    Ok(vulns::report(cves, &assets))
}

pub async fn analytics(
    db: &DatabaseConnection,
    site: Option<&str>,
    days: u32,
    now: DateTime<Utc>,
) -> StoreResult<analytics::AnalyticsReport> {
    let site_id = match site {
        Some(name) => Some(store::sites::require(db, name).await?.id),
        None => None,
    };
    let since = analytics::window_start(now, days);
    let rows = store::trends::daily(db, site_id, since).await?;
    Ok(analytics::report(rows, since, days))
}

pub async fn topology(
    db: &DatabaseConnection,
    site: Option<&str>,
) -> StoreResult<topology::Topology> {
    let assets = store::facts::load(db, site, false).await?;
    let subnets: Vec<topology::KnownSubnet> = store::subnets::list(db, site)
        .await?
        .into_iter()
        .filter_map(|s| {
            Some(topology::KnownSubnet {
                net: s.cidr.parse().ok()?,
                site: s.site,
                label: s.label,
            })
        })
        .collect();
    let switches: Vec<(String, String)> = store::switches::list(db, site)
        .await?
        .into_iter()
        .map(|s| (s.site, s.host))
        .collect();
    Ok(topology::build(&assets, &subnets, &switches))
}
