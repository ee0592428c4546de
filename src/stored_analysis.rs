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
    let mut report = compliance::report(&counts, &subnets, &candidates, total);
    let (security, security_total) = shield_actions(db, site).await?;
    compliance::add_security_items(&mut report, security, security_total);
    Ok(report)
}

/// Open critical and high Shield findings on known assets, as compliance to-dos.
async fn shield_actions(
    db: &DatabaseConnection,
    site: Option<&str>,
) -> StoreResult<(Vec<compliance::ActionItem>, u64)> {
    use store::shield_views::{IssueFilter, findings};
    let mut items = Vec::new();
    let mut total = 0;
    for severity in ["critical", "high"] {
        let filter = IssueFilter {
            site: site.map(str::to_string),
            severity: Some(severity.into()),
            status: Some(store::shield_issues::OPEN.into()),
            ..Default::default()
        };
        let page = store::PageRequest::new(1, compliance::MAX_ACTION_ITEMS as u64)?;
        let found = findings(db, &filter, page).await?;
        total += found.total;
        items.extend(found.items.into_iter().filter_map(|f| {
            Some(compliance::ActionItem {
                kind: "secure",
                priority: if severity == "critical" {
                    "critical"
                } else {
                    "normal"
                },
                asset_id: f.asset_id?,
                site: f.site,
                reason: match f.port {
                    Some(p) => format!("{} on port {p} ({})", f.title, f.check_id),
                    None => format!("{} ({})", f.title, f.check_id),
                },
                ip: f.target_ip.unwrap_or_default(),
                hostname: None,
            })
        }));
    }
    Ok((items, total))
}

/// The risk summary of `site` (None: all sites), summed from the stored scores.
pub async fn risk_summary(
    db: &DatabaseConnection,
    site: Option<&str>,
) -> StoreResult<risk::RiskSummary> {
    Ok(store::scores::risk_totals(db, site).await?.summary())
}

/// One page of the risk report: the stored order, the profiles computed from the few assets
/// it lists.
pub async fn risk_page(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    summary: risk::RiskSummary,
    site: Option<&str>,
    page: store::PageRequest,
    now: DateTime<Utc>,
) -> StoreResult<risk::RiskReport> {
    let top_ids = store::scores::risk_order(db, site, 0, risk::TOP as u64).await?;
    let page_ids = store::scores::risk_order(db, site, page.offset(), page.per_page).await?;
    let top = in_order(db, &top_ids).await?;
    let listed = in_order(db, &page_ids).await?;
    let listed = risk::Listed {
        top: &top,
        page: &listed,
    };
    Ok(risk::page_of(
        summary,
        listed,
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
    let summary = risk_summary(db, site).await?;
    risk_page(db, cves, summary, site, page, now).await
}

/// The facts (with services) of these assets, in this order; one deleted meanwhile is left out.
async fn in_order(
    db: &DatabaseConnection,
    ids: &[uuid::Uuid],
) -> StoreResult<Vec<crate::model::AssetFacts>> {
    let mut by_id: std::collections::HashMap<uuid::Uuid, crate::model::AssetFacts> =
        store::facts::by_ids(db, ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The CVE totals of `site` (None: all sites), summed from the stored figures.
pub async fn vuln_totals(
    db: &DatabaseConnection,
    site: Option<&str>,
) -> StoreResult<vulns::VulnTotals> {
    store::scores::vuln_totals(db, site).await
}

/// One page of the CVE report: the stored order, the matches of the few assets it lists.
pub async fn vuln_page(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    totals: vulns::VulnTotals,
    site: Option<&str>,
    listing: vulns::VulnListing,
) -> StoreResult<vulns::VulnReport> {
    let offset = listing
        .page
        .saturating_sub(1)
        .saturating_mul(listing.per_page);
    let ids =
        store::scores::vuln_order(db, site, listing.kev_only, offset, listing.per_page).await?;
    let listed = in_order(db, &ids).await?;
    Ok(vulns::page_of(totals, &listed, cves, listing))
}

pub async fn vulnerabilities(
    db: &DatabaseConnection,
    cves: &vulns::CveSnapshot,
    site: Option<&str>,
    listing: vulns::VulnListing,
) -> StoreResult<vulns::VulnReport> {
    let totals = vuln_totals(db, site).await?;
    vuln_page(db, cves, totals, site, listing).await
}

/// Brings the stored scores up to date before a one-off answer (the CLI): a new formula or
/// snapshot since the last run, and assets whose age moved their score. A server does this
/// in the background instead.
pub async fn bring_scores_up_to_date(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    store::scores::rescore_stale(db).await?;
    store::scores::refresh_due(db, now).await?;
    Ok(())
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

/// The network's graph for `site` (None: all sites), or only the part inside `within`. The
/// networks come from counts in SQL and only the devices drawn (at most
/// `topology::MAX_DEVICES`) are read, so its cost does not grow with the inventory's rows.
pub async fn topology(
    db: &DatabaseConnection,
    site: Option<&str>,
    within: Option<&ipnet::IpNet>,
) -> StoreResult<topology::Topology> {
    let registered: Vec<topology::KnownSubnet> = store::subnets::list(db, site)
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
    let subnets = match within {
        Some(w) => subnets_in_view(registered, w),
        None => registered,
    };
    let switches: Vec<(String, String)> = store::switches::list(db, site)
        .await?
        .into_iter()
        .map(|s| (s.site, s.host))
        .collect();
    let mut builder = topology::TopologyBuilder::new(&subnets, &switches);
    let mut total = 0;
    for (site, net, n) in store::facts::per_network(db, site, within).await? {
        total += n as usize;
        builder.add_site(&site);
        let registered = subnets.iter().filter(|s| s.site == site);
        if registered.clone().any(|s| s.net.contains(&net)) {
            continue; // every asset of it belongs to a registered subnet
        }
        let inside: Vec<ipnet::IpNet> = registered
            .filter(|s| net.contains(&s.net))
            .map(|s| s.net)
            .collect();
        // What of `net` is in view: all of it, or the part `within` asks for.
        let seen = within.filter(|w| net.contains(*w)).unwrap_or(&net);
        if inside.is_empty() || store::facts::count_outside(db, &site, seen, &inside).await? > 0 {
            builder.add_network(&site, net);
        }
    }
    let reach = store::facts::Reach {
        site,
        within,
        limit: Some(topology::MAX_DEVICES as u64),
    };
    store::facts::for_each(db, reach, |a| builder.add(&a)).await?;
    Ok(builder.finish_of(total))
}

/// The registered subnets a view of `within` shows: those inside it, and (per site) the
/// narrowest one holding it when it is not registered itself, where its other devices belong.
fn subnets_in_view(
    registered: Vec<topology::KnownSubnet>,
    within: &ipnet::IpNet,
) -> Vec<topology::KnownSubnet> {
    let mut holders: std::collections::BTreeMap<String, topology::KnownSubnet> = Default::default();
    let mut shown = Vec::new();
    for s in registered {
        if within.contains(&s.net) {
            shown.push(s);
        } else if s.net.contains(within)
            && holders
                .get(&s.site)
                .is_none_or(|h| h.net.prefix_len() < s.net.prefix_len())
        {
            holders.insert(s.site.clone(), s);
        }
    }
    for (site, holder) in holders {
        if !shown.iter().any(|s| s.site == site && s.net == *within) {
            shown.push(holder);
        }
    }
    shown
}
