//! `bigr compliance|risk|vulns|analytics`: the figures the API serves, for the terminal.
use super::output::{self, opt};
use crate::analysis::vulns::VulnListing;
use crate::analysis::{analytics::MAX_DAYS, vulns::CveSnapshot};
use crate::cli::{AnalyticsArgs, RiskArgs, SiteListArgs, VulnsArgs};
use crate::store::PageRequest;
use crate::stored_analysis;
// The summaries are English sentences; their counted nouns at least agree with the number.
use super::labels::{Lang, Noun, count};
use anyhow::bail;
use sea_orm::DatabaseConnection;

pub async fn compliance(db: &DatabaseConnection, args: SiteListArgs) -> anyhow::Result<()> {
    let r = stored_analysis::compliance(db, args.site.as_deref()).await?;
    if args.json {
        return output::json(&r);
    }
    let b = &r.breakdown;
    if b.total_assets == 0 {
        // No assets is no evidence: a grade would read as a clean bill of health.
        outln!("no assets yet: nothing to grade (run `bigr scan` or connect an agent)");
        return Ok(());
    }
    outln!(
        "compliance {:.1} (grade {}) — {}: {} fully classified, {} partially, {} unclassified, {} tagged by hand",
        r.compliance_score,
        r.grade,
        count(b.total_assets as usize, Noun::Asset, Lang::En),
        b.fully_classified,
        b.partially_classified,
        b.unclassified,
        b.manual_overrides
    );
    let scopes = r.sites.iter().chain(&r.subnets);
    output::table(
        &["SCOPE", "LABEL", "SCORE", "GRADE", "ASSETS"],
        scopes
            .map(|s| {
                vec![
                    s.name.clone(),
                    opt(&s.label),
                    format!("{:.1}", s.score),
                    s.grade.to_string(),
                    s.breakdown.total_assets.to_string(),
                ]
            })
            .collect(),
    )?;
    if r.action_items_total > 0 {
        outln!("\n{} to do:", r.action_items_total);
        output::table(
            &["PRIORITY", "SITE", "IP", "HOSTNAME", "WHY"],
            r.action_items
                .iter()
                .take(20)
                .map(|i| {
                    vec![
                        i.priority.to_string(),
                        i.site.clone(),
                        i.ip.clone(),
                        opt(&i.hostname),
                        i.reason.clone(),
                    ]
                })
                .collect(),
        )?;
    }
    Ok(())
}

/// Brings stored scores up to date before answering; a database this user may only read
/// still answers, from the scores it holds.
async fn up_to_date(db: &DatabaseConnection) {
    if let Err(e) = stored_analysis::bring_scores_up_to_date(db, chrono::Utc::now()).await {
        tracing::warn!(
            "stored scores were not brought up to date ({e}); answering from those held"
        );
    }
}

pub async fn risk(db: &DatabaseConnection, args: RiskArgs) -> anyhow::Result<()> {
    let cves = CveSnapshot::embedded().map_err(anyhow::Error::msg)?;
    let page = PageRequest::new(1, args.top.clamp(1, 500))?;
    up_to_date(db).await;
    let r =
        stored_analysis::risk(db, &cves, args.site.as_deref(), page, chrono::Utc::now()).await?;
    if args.json {
        return output::json(&r);
    }
    let s = &r.summary;
    outln!(
        "{}, average risk {:.2}, max {:.2}: {} critical, {} high, {} medium, {} low",
        count(s.assets as usize, Noun::Asset, Lang::En),
        s.average_risk,
        s.max_risk,
        s.critical_count,
        s.high_count,
        s.medium_count,
        s.low_count
    );
    output::table(
        &[
            "RISK", "LEVEL", "SITE", "IP", "HOSTNAME", "GROUP", "PORTS", "TOP CVE",
        ],
        r.profiles
            .iter()
            .map(|p| {
                vec![
                    format!("{:.2}", p.risk_score),
                    p.risk_level.to_string(),
                    p.site.clone(),
                    p.ip.clone(),
                    opt(&p.hostname),
                    p.category.clone(),
                    output::ports(&p.open_ports),
                    opt(&p.top_cve),
                ]
            })
            .collect(),
    )?;
    Ok(())
}

pub async fn vulns(db: &DatabaseConnection, args: VulnsArgs) -> anyhow::Result<()> {
    let cves = CveSnapshot::embedded().map_err(anyhow::Error::msg)?;
    let listing = VulnListing {
        kev_only: args.kev,
        page: 1,
        per_page: args.top.clamp(1, crate::store::page::MAX_PER_PAGE),
    };
    up_to_date(db).await;
    let r = stored_analysis::vulnerabilities(db, &cves, args.site.as_deref(), listing).await?;
    if args.json {
        return output::json(&r);
    }
    outln!(
        "{} of {} assets run a product version with known CVEs ({} with actively exploited ones); snapshot {} ({} entries)",
        r.vulnerable_assets,
        r.assets_scanned,
        r.kev_assets,
        r.snapshot_date,
        r.snapshot_entries
    );
    let mut rows = Vec::new();
    for a in &r.assets {
        for m in &a.matches {
            rows.push(vec![
                a.site.clone(),
                a.ip.clone(),
                m.port.to_string(),
                format!("{} {}", m.product, m.version),
                m.cve_id.clone(),
                format!("{:.1}", m.cvss),
                if m.kev { "yes".into() } else { "-".into() },
                opt(&m.fixed_in),
            ]);
        }
    }
    output::table(
        &[
            "SITE",
            "IP",
            "PORT",
            "PRODUCT",
            "CVE",
            "CVSS",
            "EXPLOITED",
            "FIXED IN",
        ],
        rows,
    )?;
    if r.total > r.assets.len() {
        outln!(
            "({} of {} listed assets shown, worst first; --top N for more)",
            r.assets.len(),
            r.total
        );
    }
    Ok(())
}

pub async fn analytics(db: &DatabaseConnection, args: AnalyticsArgs) -> anyhow::Result<()> {
    if !(1..=MAX_DAYS).contains(&args.days) {
        bail!("--days must be between 1 and {MAX_DAYS}");
    }
    let r =
        stored_analysis::analytics(db, args.site.as_deref(), args.days, chrono::Utc::now()).await?;
    if args.json {
        return output::json(&r);
    }
    let rows = r
        .asset_count_trend
        .points
        .iter()
        .zip(&r.new_vs_missing)
        .zip(&r.scan_frequency)
        .filter(|((p, n), s)| p.value > 0 || n.new > 0 || n.missing > 0 || s.scan_count > 0)
        .map(|((p, n), s)| {
            vec![
                p.date.clone(),
                p.value.to_string(),
                n.new.to_string(),
                n.missing.to_string(),
                n.returned.to_string(),
                s.scan_count.to_string(),
            ]
        })
        .collect();
    output::table(
        &["DAY", "ASSETS", "NEW", "MISSING", "RETURNED", "SCANS"],
        rows,
    )?;
    if !r.most_changed_assets.is_empty() {
        outln!("\nmost changed:");
        output::table(
            &["SITE", "IP", "HOSTNAME", "CHANGES"],
            r.most_changed_assets
                .iter()
                .map(|m| {
                    vec![
                        m.site.clone(),
                        m.ip.clone(),
                        opt(&m.hostname),
                        m.change_count.to_string(),
                    ]
                })
                .collect(),
        )?;
    }
    Ok(())
}
