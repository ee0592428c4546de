//! The first pages of a search over every site, in address order, for a word many assets
//! carry. The trigram (PostgreSQL) or FTS5 (SQLite) index finds every match — 42 000 rows for
//! a department word in a million assets — and the database then reads and sorts them all
//! to show 100 (877 ms at 1 000 000 assets). Walking the address index instead and testing
//! each row stops as soon as the page is full; a common word fills it within a few thousand
//! rows. The walk is bounded (`WINDOW` rows): if the page is not full inside it, the answer
//! is unknown here and the caller takes the index path, so a rare word costs one bounded walk
//! more. Exact either way: the first N matches in address order all lie in any prefix of
//! the order that already holds N matches. When the group counts already say the word is
//! rare, or on PostgreSQL when the window does not fill the page, the matches are taken from
//! the trigram index and sorted (`matched_then_sorted`).
use super::error::StoreResult;
use super::inventory::{AssetFilter, AssetSort};
use super::page::PageRequest;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TryGetable};
use uuid::Uuid;

/// Rows of address order one window walks.
const WINDOW: u64 = 5_000;
/// With fewer matches than this (the group counts say how many), sorting them all is cheap:
/// the index path answers without a window first.
const FEW: u64 = 2_000;
/// Pages deeper than this take the index path (a window would rarely fill them).
const MAX_END: u64 = 1_000;

/// Whether the window can answer this filter and page: a plain search over every site in
/// address order with no other criterion.
fn applies(f: &AssetFilter, page: PageRequest, backend: DbBackend) -> Option<String> {
    let q = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty())?;
    let plain = !q.contains(['%', '_', '\\', '\u{1f}']);
    // SQLite lowers ASCII only; its FTS path is the reference for other letters.
    let comparable = backend == DbBackend::Postgres || q.is_ascii();
    let only_q = f.site.is_none()
        && f.subnet.is_none()
        && f.category.is_none()
        && f.device_type.is_none()
        && f.confidence.is_none()
        && f.missing.is_none();
    (only_q
        && plain
        && comparable
        && f.sort == AssetSort::Ip
        && page.offset() + page.per_page <= MAX_END)
        .then(|| format!("%{}%", q.to_lowercase()))
}

/// The page's ids when the window holds all of them, or (PostgreSQL) from the trigram
/// index when it does not; None when the caller's own query answers. `matches` is how many
/// assets the search matches, when known.
pub async fn page_ids<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    page: PageRequest,
    matches: Option<u64>,
) -> StoreResult<Option<Vec<Uuid>>> {
    let backend = db.get_database_backend();
    let Some(pattern) = applies(f, page, backend) else {
        return Ok(None);
    };
    let few = matches.is_some_and(|m| m < FEW);
    if !few && let Some(ids) = window(db, f, page, &pattern).await? {
        return Ok(Some(ids));
    }
    if backend == DbBackend::Postgres {
        return matched_then_sorted(db, f, page, &pattern).await.map(Some);
    }
    Ok(None)
}

fn ids_of(rows: &[sea_orm::QueryResult]) -> StoreResult<Vec<Uuid>> {
    Ok(rows
        .iter()
        .map(|r| Uuid::try_get(r, "", "id"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sea_orm::DbErr::Type(format!("{e:?}")))?)
}

/// PostgreSQL, once the window did not answer: every match from the trigram index, then
/// sorted. Materialised, so the planner cannot trade the index for a walk of the address
/// order filtering every row — its estimate for a word nobody has (0.8 % of the rows) made
/// it walk a million rows for nothing (1.7 s).
async fn matched_then_sorted<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    page: PageRequest,
    pattern: &str,
) -> StoreResult<Vec<Uuid>> {
    let dir = if f.descending { "DESC" } else { "ASC" };
    let sql = format!(
        "WITH m AS MATERIALIZED (SELECT id, ip_sort FROM assets WHERE {} LIKE $1)          SELECT id FROM m ORDER BY ip_sort {dir}, id {dir} LIMIT {} OFFSET {}",
        migration::SEARCH_TEXT,
        page.per_page,
        page.offset()
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [pattern.into()],
        ))
        .await?;
    ids_of(&rows)
}

/// The page from a bounded walk of the address order, when the walk fills it.
async fn window<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    page: PageRequest,
    pattern: &str,
) -> StoreResult<Option<Vec<Uuid>>> {
    let backend = db.get_database_backend();
    let dir = if f.descending { "DESC" } else { "ASC" };
    let (text, p) = match backend {
        DbBackend::Postgres => (migration::SEARCH_TEXT.to_string(), "$1"),
        _ => (
            "lower(ip) || char(31) || lower(coalesce(mac, '')) || char(31) || \
             lower(coalesce(hostname, '')) || char(31) || lower(coalesce(vendor, ''))"
                .to_string(),
            "?",
        ),
    };
    let sql = format!(
        "SELECT w.id FROM (SELECT id, ip_sort, {text} AS t FROM assets \
         ORDER BY ip_sort {dir}, id {dir} LIMIT {WINDOW}) w \
         WHERE w.t LIKE {p} ORDER BY w.ip_sort {dir}, w.id {dir} LIMIT {} OFFSET {}",
        page.per_page,
        page.offset()
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [pattern.into()],
        ))
        .await?;
    let ids = rows
        .iter()
        .map(|r| Uuid::try_get(r, "", "id"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sea_orm::DbErr::Type(format!("{e:?}")))?;
    // A short page may just be the end of the window: only a full one is known complete.
    Ok((ids.len() as u64 == page.per_page).then_some(ids))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_first_pages_over_every_site_in_address_order_take_the_window() {
        let f = AssetFilter {
            q: Some("Muhasebe".into()),
            ..Default::default()
        };
        let first = PageRequest::new(1, 100).unwrap();
        assert_eq!(
            applies(&f, first, DbBackend::Postgres).as_deref(),
            Some("%muhasebe%")
        );
        let deep = PageRequest::new(20, 100).unwrap();
        assert_eq!(applies(&f, deep, DbBackend::Postgres), None);
        let in_site = AssetFilter {
            site: Some("hq".into()),
            ..f.clone()
        };
        assert_eq!(applies(&in_site, first, DbBackend::Postgres), None);
        let wildcard = AssetFilter {
            q: Some("10_0".into()),
            ..f.clone()
        };
        assert_eq!(applies(&wildcard, first, DbBackend::Postgres), None);
        let turkish = AssetFilter {
            q: Some("muhasebeçi".into()),
            ..f.clone()
        };
        assert_eq!(applies(&turkish, first, DbBackend::Sqlite), None);
        assert!(applies(&turkish, first, DbBackend::Postgres).is_some());
        let by_name = AssetFilter {
            sort: AssetSort::Hostname,
            ..f
        };
        assert_eq!(applies(&by_name, first, DbBackend::Postgres), None);
    }
}
