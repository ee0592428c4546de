//! Per-day counts over a window, for analytics: assets seen (per group), changes by type,
//! scans, and the most changed assets. Days are UTC calendar days as text (`YYYY-MM-DD`).
use super::error::StoreResult;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use uuid::Uuid;

pub use crate::model::{DailyRows, MostChanged};

fn day(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
        // Stored as RFC 3339-like UTC text: the date is its first ten characters.
        _ => format!("substr({col}, 1, 10)"),
    }
}

/// `$1, $2` on PostgreSQL, `?` on SQLite.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn daily<C: ConnectionTrait>(
    db: &C,
    site: Option<Uuid>,
    since: DateTime<Utc>,
) -> StoreResult<DailyRows> {
    let b = db.get_database_backend();
    let mut values: Vec<Value> = vec![since.into()];
    let site_filter = |table: &str| match site {
        Some(_) => format!(" AND {table}.site_id = {}", super::placeholder(b, 2)),
        None => String::new(),
    };
    if let Some(id) = site {
        values.push(id.into());
    }
    let p1 = super::placeholder(b, 1);
    let run = |sql: String| Statement::from_sql_and_values(b, sql, values.clone());
    let d = day(b, "sa.scanned_at");
    let seen_rows = db
        .query_all_raw(run(format!(
            "SELECT {d} AS day, sa.category AS category, COUNT(DISTINCT sa.asset_id) AS n \
             FROM scan_assets sa JOIN scans s ON s.id = sa.scan_id \
             WHERE sa.scanned_at >= {p1}{f} GROUP BY {d}, sa.category ORDER BY 1, 2",
            f = site_filter("s"),
        )))
        .await?;
    let total_rows = db
        .query_all_raw(run(format!(
            "SELECT {d} AS day, COUNT(DISTINCT sa.asset_id) AS n \
             FROM scan_assets sa JOIN scans s ON s.id = sa.scan_id \
             WHERE sa.scanned_at >= {p1}{f} GROUP BY {d} ORDER BY 1",
            f = site_filter("s"),
        )))
        .await?;
    let dc = day(b, "c.detected_at");
    let change_rows = db
        .query_all_raw(run(format!(
            "SELECT {dc} AS day, c.change_type AS kind, COUNT(*) AS n FROM asset_changes c \
             WHERE c.detected_at >= {p1}{f} GROUP BY {dc}, c.change_type ORDER BY 1, 2",
            f = site_filter("c"),
        )))
        .await?;
    let ds = day(b, "s.started_at");
    let scan_rows = db
        .query_all_raw(run(format!(
            "SELECT {ds} AS day, COUNT(*) AS n, COALESCE(SUM(s.asset_count), 0) AS assets \
             FROM scans s WHERE s.started_at >= {p1}{f} GROUP BY {ds} ORDER BY 1",
            f = site_filter("s"),
        )))
        .await?;
    let changed_rows = db
        .query_all_raw(run(format!(
            "SELECT c.asset_id AS asset_id, a.ip AS ip, a.hostname AS hostname, st.name AS site, \
             COUNT(*) AS n, MAX(c.detected_at) AS last_change \
             FROM asset_changes c JOIN assets a ON a.id = c.asset_id JOIN sites st ON st.id = c.site_id \
             WHERE c.detected_at >= {p1}{f} \
             GROUP BY c.asset_id, a.ip, a.hostname, st.name ORDER BY n DESC, a.ip LIMIT 20",
            f = site_filter("c"),
        )))
        .await?;
    let mut out = DailyRows::default();
    for r in seen_rows {
        out.seen.push((
            r.try_get("", "day")?,
            r.try_get("", "category")?,
            r.try_get("", "n")?,
        ));
    }
    for r in total_rows {
        out.seen_total
            .push((r.try_get("", "day")?, r.try_get("", "n")?));
    }
    for r in change_rows {
        out.changes.push((
            r.try_get("", "day")?,
            r.try_get("", "kind")?,
            r.try_get("", "n")?,
        ));
    }
    for r in scan_rows {
        out.scans.push((
            r.try_get("", "day")?,
            r.try_get("", "n")?,
            r.try_get("", "assets")?,
        ));
    }
    for r in changed_rows {
        out.most_changed.push(MostChanged {
            asset_id: r.try_get("", "asset_id")?,
            ip: r.try_get("", "ip")?,
            hostname: r.try_get("", "hostname")?,
            site: r.try_get("", "site")?,
            change_count: r.try_get("", "n")?,
            last_change: r.try_get("", "last_change")?,
        });
    }
    Ok(out)
}
