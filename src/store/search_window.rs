//! The first pages of a search over every site, in address order, for a word many assets
//! carry. The trigram (PostgreSQL) or FTS5 (SQLite) index finds every match — 42 000 rows for
//! a department word in a million assets — and the database then reads and sorts them all
//! to show 100 (877 ms at 1 000 000 assets). Walking the address index instead and testing
//! each row stops as soon as the page is full; a common word fills it within a few thousand
//! rows. The walk is bounded (`WINDOW` rows): if the page is not full inside it, the answer
//! is unknown here and the caller takes the index path, so a rare word costs one bounded walk
//! more. Exact either way: the first N matches in address order all lie in any prefix of
//! the order that already holds N matches.
use super::error::StoreResult;
use super::inventory::{AssetFilter, AssetSort};
use super::page::PageRequest;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TryGetable};
use uuid::Uuid;

/// Rows of address order one window walks.
const WINDOW: u64 = 5_000;
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

/// The page's ids when the window holds all of them; None when the caller must search the
/// index.
pub async fn page_ids<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    page: PageRequest,
) -> StoreResult<Option<Vec<Uuid>>> {
    let backend = db.get_database_backend();
    let Some(pattern) = applies(f, page, backend) else {
        return Ok(None);
    };
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
