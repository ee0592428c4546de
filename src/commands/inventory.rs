//! `tag`, `untag`, `tags`, `history`, `changes`.
use super::output::{self, opt, time};
use crate::cli::{AssetRefArgs, ChangesArgs, HistoryArgs, PageArgs, SiteListArgs, TagArgs};
use crate::model::Category;
use crate::store::inventory::{self, AssetView};
use crate::store::{PageRequest, changes, scans, tags};
use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

fn page(p: &PageArgs) -> anyhow::Result<PageRequest> {
    Ok(PageRequest::new(p.page, p.limit)?)
}

fn print_asset(a: &AssetView, as_json: bool, verb: &str) -> anyhow::Result<()> {
    if as_json {
        return output::json(a);
    }
    outln!(
        "{verb} {} ({}, site {}): {}",
        a.ip,
        opt(&a.mac),
        a.site,
        a.category
    );
    Ok(())
}

pub async fn tag(db: &DatabaseConnection, args: TagArgs) -> anyhow::Result<()> {
    let category: Category = args.category.parse().map_err(anyhow::Error::msg)?;
    let a = tags::tag(
        db,
        &args.asset.asset,
        args.asset.site.as_deref(),
        category,
        args.note.as_deref(),
        &super::audited::actor(),
    )
    .await?;
    let after = serde_json::json!({"category": category.as_str(), "note": args.note});
    let target = format!("{} ({})", a.id, a.ip);
    super::audited::record(db, "asset.tag", Some(&a.site), &target, Some(&after)).await;
    print_asset(&a, args.asset.json, "tagged")
}

pub async fn untag(db: &DatabaseConnection, args: AssetRefArgs) -> anyhow::Result<()> {
    let a = tags::untag(db, &args.asset, args.site.as_deref()).await?;
    let target = format!("{} ({})", a.id, a.ip);
    super::audited::record(db, "asset.untag", Some(&a.site), &target, None::<&()>).await;
    print_asset(&a, args.json, "untagged")
}

pub async fn tags(db: &DatabaseConnection, args: SiteListArgs) -> anyhow::Result<()> {
    let list = tags::list(db, args.site.as_deref()).await?;
    if args.json {
        return output::json(&list);
    }
    output::table(
        &["SITE", "IP", "MAC", "HOSTNAME", "TAG", "COMPUTED", "NOTE"],
        list.iter()
            .map(|a| {
                vec![
                    a.site.clone(),
                    a.ip.clone(),
                    opt(&a.mac),
                    opt(&a.hostname),
                    a.category.clone(),
                    a.computed_category.clone(),
                    opt(&a.manual_note),
                ]
            })
            .collect(),
    )?;
    Ok(())
}

pub async fn history(db: &DatabaseConnection, args: HistoryArgs) -> anyhow::Result<()> {
    let page = page(&args.page)?;
    if let Some(reference) = &args.asset {
        let a = inventory::resolve(db, reference, args.site.as_deref()).await?;
        let h = inventory::history(db, a.id, page).await?;
        if args.json {
            return output::json(&h);
        }
        let site = crate::store::sites::name_of(db, a.site_id).await?;
        outln!("asset {} ({}) in site {site}", a.ip, opt(&a.mac),);
        output::table(
            &[
                "SCANNED",
                "IP",
                "HOSTNAME",
                "CATEGORY",
                "CONFIDENCE",
                "PORTS",
            ],
            h.items
                .iter()
                .map(|e| {
                    vec![
                        time(&e.scanned_at),
                        e.ip.clone(),
                        opt(&e.hostname),
                        e.category.clone(),
                        format!("{:.2}", e.confidence),
                        output::ports(&e.open_ports),
                    ]
                })
                .collect(),
        )?;
        output::page_footer(h.page, h.per_page, h.total)?;
        return Ok(());
    }
    let list = scans::list(db, args.site.as_deref(), page).await?;
    if args.json {
        return output::json(&list);
    }
    output::table(
        &[
            "STARTED", "SITE", "TARGET", "METHOD", "ASSETS", "CHANGES", "DURATION", "PARTIAL",
        ],
        list.items
            .iter()
            .map(|s| {
                vec![
                    time(&s.started_at),
                    s.site.clone(),
                    s.target.clone(),
                    s.method.clone(),
                    s.asset_count.to_string(),
                    s.change_count.to_string(),
                    s.duration_seconds
                        .map(|d| format!("{d:.1}s"))
                        .unwrap_or_else(|| "-".into()),
                    if s.partial { "yes".into() } else { "".into() },
                ]
            })
            .collect(),
    )?;
    output::page_footer(list.page, list.per_page, list.total)?;
    Ok(())
}

/// Accepts `2026-11-01`, an RFC 3339 time, or an age such as `30m`, `24h`, `7d`.
pub fn parse_since(text: &str, now: DateTime<Utc>) -> anyhow::Result<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(ts) = DateTime::parse_from_rfc3339(t) {
        return Ok(ts.with_timezone(&Utc));
    }
    if let Ok(day) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(day.and_hms_opt(0, 0, 0).context("invalid date")?.and_utc());
    }
    let (num, unit) = t.split_at(t.len().saturating_sub(1));
    let n: i64 = num
        .parse()
        .ok()
        .filter(|n| *n >= 0)
        .with_context(|| format!("'{t}' is not a date, a time or an age like 7d"))?;
    let age = match unit {
        "m" => chrono::Duration::minutes(n),
        "h" => chrono::Duration::hours(n),
        "d" => chrono::Duration::days(n),
        "w" => chrono::Duration::weeks(n),
        _ => bail!("'{t}' is not a date, a time or an age like 7d"),
    };
    Ok(now - age)
}

pub async fn changes(db: &DatabaseConnection, args: ChangesArgs) -> anyhow::Result<()> {
    let asset_id = match &args.asset {
        Some(r) => Some(inventory::resolve(db, r, args.site.as_deref()).await?.id),
        None => None,
    };
    let filter = changes::ChangeFilter {
        site: args.site.clone(),
        asset_id,
        change_type: args.change_type.clone(),
        since: args
            .since
            .as_deref()
            .map(|s| parse_since(s, Utc::now()))
            .transpose()?,
        until: None,
        scan_id: None,
        after: args
            .cursor
            .as_deref()
            .map(|c| {
                uuid::Uuid::parse_str(c.trim()).map_err(|_| {
                    anyhow::anyhow!("'{c}' is not a cursor `bigr changes --json` gave")
                })
            })
            .transpose()?,
    };
    let list = changes::list(db, &filter, page(&args.page)?).await?;
    if args.json {
        return output::json(&list);
    }
    output::table(
        &[
            "DETECTED", "SITE", "IP", "MAC", "CHANGE", "FIELD", "OLD", "NEW",
        ],
        list.items
            .iter()
            .map(|c| {
                vec![
                    time(&c.detected_at),
                    c.site.clone(),
                    c.ip.clone(),
                    opt(&c.mac),
                    c.change_type.clone(),
                    opt(&c.field),
                    opt(&c.old_value),
                    opt(&c.new_value),
                ]
            })
            .collect(),
    )?;
    output::page_footer(list.page, list.per_page, list.total)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_dates_times_and_ages() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_since("7d", now).unwrap(),
            now - chrono::Duration::days(7)
        );
        assert_eq!(
            parse_since("2026-11-01", now).unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert!(parse_since("yesterday", now).is_err());
        assert!(parse_since("-5d", now).is_err());
    }
}
