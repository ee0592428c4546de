//! Pagination shared by every list query.
use super::error::{StoreError, StoreResult};
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect, Select};
use serde::Serialize;

pub const MAX_PER_PAGE: u64 = 500;

/// A 1-based page request, bounded so no caller can ask for the whole table at once.
#[derive(Clone, Copy, Debug)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            page: 1,
            per_page: 50,
        }
    }
}

impl PageRequest {
    /// Counts everything `query` matches and fetches this page of it (keep its ORDER BY
    /// total, e.g. ending on the primary key, so pages never overlap).
    pub async fn fetch<C, E>(&self, db: &C, query: Select<E>) -> StoreResult<(Vec<E::Model>, u64)>
    where
        C: ConnectionTrait,
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let total = count(db, query.clone()).await?;
        let rows = query
            .offset(self.offset())
            .limit(self.per_page)
            .all(db)
            .await?;
        Ok((rows, total))
    }

    /// Wraps this page's items with the total.
    pub fn wrap<T>(&self, items: Vec<T>, total: u64) -> Page<T> {
        Page {
            items,
            total,
            page: self.page,
            per_page: self.per_page,
            next_cursor: None,
        }
    }

    pub fn new(page: u64, per_page: u64) -> StoreResult<Self> {
        if page == 0 {
            return Err(StoreError::Invalid("page starts at 1".into()));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(StoreError::Invalid(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}"
            )));
        }
        Ok(PageRequest { page, per_page })
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

/// How many rows `query` matches. COUNT(*) over the filter alone: counting the ordered,
/// all-columns query would make the database sort every matching row just to count them.
pub async fn count<C, E>(db: &C, mut query: Select<E>) -> StoreResult<u64>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    sea_orm::QueryTrait::query(&mut query).clear_order_by();
    let n: Option<i64> = query
        .select_only()
        .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
        .into_tuple()
        .one(db)
        .await?;
    Ok(n.unwrap_or(0).max(0) as u64)
}

/// One page of results with the total count of the filter.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    /// 1-based; 0 when the page was asked for by cursor.
    pub page: u64,
    pub per_page: u64,
    /// Where lists that page by cursor offer one: pass it as `cursor` for the page after
    /// this one (absent on the last page). Unlike `page`, it costs the same however deep
    /// the walk goes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Offers a cursor after the last item when the page is full (a short page is the last).
    pub fn with_next(mut self, cursor_of: impl FnOnce(&T) -> String) -> Page<T> {
        if self.items.len() as u64 == self.per_page {
            self.next_cursor = self.items.last().map(cursor_of);
        }
        self
    }
}
