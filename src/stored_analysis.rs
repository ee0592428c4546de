//! The analyses as the API and CLI show them: loads what `analysis` needs from the store and
//! runs it, so `bigr compliance --json` and `/api/compliance` give the same figures.
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

/// Every asset of `site` scored and ordered, streamed from the store (the costly part).
pub async fn risk_ranking(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    site: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<risk::Ranking> {
    let mut ranker = risk::Ranker::new(cves, now);
    store::facts::for_each_scoring(db, site, |a, services| ranker.add_stored(a, services)).await?;
    Ok(ranker.finish())
}

/// One page of a ranking, from the few assets it lists.
pub async fn risk_page(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    ranking: &risk::Ranking,
    page: store::PageRequest,
    now: DateTime<Utc>,
) -> StoreResult<risk::RiskReport> {
    let listed = store::facts::by_ids(db, &ranking.ids_for(page.page, page.per_page)).await?;
    Ok(risk::page_of(
        ranking,
        &listed,
        cves,
        now,
        page.page,
        page.per_page,
    ))
}

pub async fn risk(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    site: Option<&str>,
    page: store::PageRequest,
    now: DateTime<Utc>,
) -> StoreResult<risk::RiskReport> {
    let ranking = risk_ranking(db, cves, site, now).await?;
    risk_page(db, cves, &ranking, page, now).await
}

/// Every vulnerable asset of `site` in order, with the totals, streamed from the store.
pub async fn vuln_index(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    site: Option<&str>,
) -> StoreResult<vulns::VulnIndex> {
    let mut indexer = vulns::VulnIndexer::new(cves);
    store::facts::for_each_scoring(db, site, |a, services| indexer.add_stored(a, services)).await?;
    Ok(indexer.finish())
}

/// One page of a vulnerability index, from the few assets it lists.
pub async fn vuln_page(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    index: &vulns::VulnIndex,
    listing: vulns::VulnListing,
) -> StoreResult<vulns::VulnReport> {
    let listed = store::facts::by_ids(db, &index.ids_for(listing)).await?;
    Ok(vulns::page_of(index, &listed, cves, listing))
}

pub async fn vulnerabilities(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    site: Option<&str>,
    listing: vulns::VulnListing,
) -> StoreResult<vulns::VulnReport> {
    let index = vuln_index(db, cves, site).await?;
    vuln_page(db, cves, &index, listing).await
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
    let mut builder = topology::TopologyBuilder::new(&subnets, &switches);
    store::facts::for_each(db, site, |a| builder.add(&a)).await?;
    Ok(builder.finish())
}
