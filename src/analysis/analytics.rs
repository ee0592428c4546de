//! Trends over the last N days: assets seen per day (and per group), new vs missing per day,
//! scans per day, and the most changed assets. Days without data appear with zeros, so a
//! chart's x-axis is the whole window.
use crate::model::{Category, DailyRows, MostChanged};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// Longest window the API and CLI accept.
pub const MAX_DAYS: u32 = 366;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DayPoint {
    pub date: String,
    pub value: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Series {
    pub name: String,
    pub points: Vec<DayPoint>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NewVsMissing {
    pub date: String,
    pub new: i64,
    pub missing: i64,
    pub returned: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ScanDay {
    pub date: String,
    pub scan_count: i64,
    pub assets_reported: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AnalyticsReport {
    pub days: u32,
    pub since: DateTime<Utc>,
    pub asset_count_trend: Series,
    pub category_trends: Vec<Series>,
    pub new_vs_missing: Vec<NewVsMissing>,
    pub scan_frequency: Vec<ScanDay>,
    pub most_changed_assets: Vec<MostChanged>,
}

/// The first moment of the window: midnight UTC `days - 1` days ago (today included).
pub fn window_start(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let today = now.date_naive();
    let first = today - Duration::days(i64::from(days.max(1)) - 1);
    first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

fn dates(since: DateTime<Utc>, days: u32) -> Vec<String> {
    let first: NaiveDate = since.date_naive();
    (0..i64::from(days.max(1)))
        .map(|i| (first + Duration::days(i)).format("%Y-%m-%d").to_string())
        .collect()
}

pub fn report(rows: DailyRows, since: DateTime<Utc>, days: u32) -> AnalyticsReport {
    let axis = dates(since, days);
    let series = |name: &str, values: &BTreeMap<&str, i64>| Series {
        name: name.to_string(),
        points: axis
            .iter()
            .map(|d| DayPoint {
                date: d.clone(),
                value: values.get(d.as_str()).copied().unwrap_or(0),
            })
            .collect(),
    };
    let totals: BTreeMap<&str, i64> = rows
        .seen_total
        .iter()
        .map(|(d, n)| (d.as_str(), *n))
        .collect();
    let category_trends = Category::ALL
        .iter()
        .map(|c| {
            let values: BTreeMap<&str, i64> = rows
                .seen
                .iter()
                .filter(|(_, cat, _)| cat == c.as_str())
                .map(|(d, _, n)| (d.as_str(), *n))
                .collect();
            series(c.as_str(), &values)
        })
        .collect();
    let change = |kind: &str, d: &str| {
        rows.changes
            .iter()
            .filter(|(day, k, _)| day == d && k == kind)
            .map(|(_, _, n)| *n)
            .sum()
    };
    AnalyticsReport {
        days,
        since,
        asset_count_trend: series("asset_count", &totals),
        category_trends,
        new_vs_missing: axis
            .iter()
            .map(|d| NewVsMissing {
                date: d.clone(),
                new: change("new_asset", d),
                missing: change("asset_missing", d),
                returned: change("asset_returned", d),
            })
            .collect(),
        scan_frequency: axis
            .iter()
            .map(|d| {
                let (n, assets) = rows
                    .scans
                    .iter()
                    .find(|(day, _, _)| day == d)
                    .map_or((0, 0), |(_, n, a)| (*n, *a));
                ScanDay {
                    date: d.clone(),
                    scan_count: n,
                    assets_reported: assets,
                }
            })
            .collect(),
        most_changed_assets: rows.most_changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_day_of_the_window_is_present() {
        let now = "2026-11-23T15:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let since = window_start(now, 7);
        assert_eq!(since.to_rfc3339(), "2026-11-17T00:00:00+00:00");
        let rows = DailyRows {
            seen: vec![("2026-11-20".into(), "iot".into(), 4)],
            seen_total: vec![("2026-11-20".into(), 5)],
            changes: vec![
                ("2026-11-21".into(), "new_asset".into(), 2),
                ("2026-11-21".into(), "asset_missing".into(), 1),
            ],
            scans: vec![("2026-11-20".into(), 3, 15)],
            most_changed: vec![],
        };
        let r = report(rows, since, 7);
        assert_eq!(r.asset_count_trend.points.len(), 7);
        assert_eq!(r.asset_count_trend.points[3].value, 5);
        let iot = r.category_trends.iter().find(|s| s.name == "iot").unwrap();
        assert_eq!(iot.points[3].value, 4);
        assert_eq!(r.new_vs_missing[4].new, 2);
        assert_eq!(r.new_vs_missing[4].missing, 1);
        assert_eq!(r.scan_frequency[3].scan_count, 3);
        assert_eq!(r.scan_frequency[0].scan_count, 0);
    }
}
