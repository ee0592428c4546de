//! Inventory reads: the filtered, sorted, paginated asset list and one asset in detail.
use super::certificates;
use super::entity::{asset, scan, scan_asset};
use super::error::{StoreError, StoreResult};
use super::identity::ip_sort_range;
use super::page::{Page, PageRequest};
use super::sites::SiteScope;
use crate::model::{Category, ConfidenceLevel, DeviceType, MacAddr};
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use uuid::Uuid;

/// Columns the inventory can be sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AssetSort {
    #[default]
    Ip,
    Hostname,
    Vendor,
    Category,
    DeviceType,
    Confidence,
    FirstSeen,
    LastSeen,
}

impl std::str::FromStr for AssetSort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "ip" => AssetSort::Ip,
            "hostname" => AssetSort::Hostname,
            "vendor" => AssetSort::Vendor,
            "category" => AssetSort::Category,
            "device_type" => AssetSort::DeviceType,
            "confidence" => AssetSort::Confidence,
            "first_seen" => AssetSort::FirstSeen,
            "last_seen" => AssetSort::LastSeen,
            _ => {
                return Err(format!(
                    "cannot sort by '{s}' (ip, hostname, vendor, category, device_type, confidence, first_seen, last_seen)"
                ));
            }
        })
    }
}

impl AssetSort {
    fn column(self) -> asset::Column {
        match self {
            AssetSort::Ip => asset::Column::IpSort,
            AssetSort::Hostname => asset::Column::Hostname,
            AssetSort::Vendor => asset::Column::Vendor,
            AssetSort::Category => asset::Column::Category,
            AssetSort::DeviceType => asset::Column::DeviceType,
            AssetSort::Confidence => asset::Column::Confidence,
            AssetSort::FirstSeen => asset::Column::FirstSeen,
            AssetSort::LastSeen => asset::Column::LastSeen,
        }
    }

    fn nullable(self) -> bool {
        matches!(self, AssetSort::Hostname | AssetSort::Vendor)
    }

    /// The name `FromStr` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetSort::Ip => "ip",
            AssetSort::Hostname => "hostname",
            AssetSort::Vendor => "vendor",
            AssetSort::Category => "category",
            AssetSort::DeviceType => "device_type",
            AssetSort::Confidence => "confidence",
            AssetSort::FirstSeen => "first_seen",
            AssetSort::LastSeen => "last_seen",
        }
    }
}

/// Inventory filters; every one optional.
#[derive(Clone, Debug, Default)]
pub struct AssetFilter {
    pub site: Option<String>,
    pub subnet: Option<IpNet>,
    pub category: Option<Category>,
    pub device_type: Option<DeviceType>,
    pub confidence: Option<ConfidenceLevel>,
    pub missing: Option<bool>,
    /// Assets a switch learned in this VLAN.
    pub vlan: Option<u16>,
    /// Case-insensitive substring of IP, MAC, hostname or vendor.
    pub q: Option<String>,
    pub sort: AssetSort,
    pub descending: bool,
}

/// An asset as lists show it. Field names are a stable contract (`--json`, API).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssetView {
    pub id: Uuid,
    pub site: String,
    pub ip: String,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub vendor: Option<String>,
    pub os_hint: Option<String>,
    pub device_type: String,
    pub category: String,
    pub category_tr: String,
    pub computed_category: String,
    pub confidence: f64,
    pub confidence_level: &'static str,
    pub sensitivity: String,
    pub open_ports: Vec<u16>,
    pub manual_category: Option<String>,
    pub manual_note: Option<String>,
    pub switch_host: Option<String>,
    pub switch_port: Option<String>,
    pub vlan: Option<i32>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub missing: bool,
    pub missing_since: Option<DateTime<Utc>>,
    pub change_count: i32,
}

/// The columns a list row shows: the inventory reads only these, not the services,
/// evidence and SNMP documents of every asset on the page.
#[derive(Debug, sea_orm::FromQueryResult)]
pub(crate) struct ListedRow {
    id: Uuid,
    site_id: Uuid,
    ip: String,
    mac: Option<String>,
    hostname: Option<String>,
    vendor: Option<String>,
    os_hint: Option<String>,
    device_type: String,
    category: String,
    computed_category: String,
    confidence: f64,
    sensitivity: String,
    open_ports: serde_json::Value,
    manual_category: Option<String>,
    manual_note: Option<String>,
    switch_host: Option<String>,
    switch_port: Option<String>,
    vlan: Option<i32>,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
    missing: bool,
    missing_since: Option<DateTime<Utc>>,
    change_count: i32,
}

impl ListedRow {
    /// The list row's own columns beside `projection::SUMMARY`.
    const EXTRA: [asset::Column; 7] = [
        asset::Column::Vlan,
        asset::Column::OsHint,
        asset::Column::ComputedCategory,
        asset::Column::Sensitivity,
        asset::Column::OpenPorts,
        asset::Column::ManualNote,
        asset::Column::MissingSince,
    ];

    fn of(a: &asset::Model) -> ListedRow {
        ListedRow {
            id: a.id,
            site_id: a.site_id,
            ip: a.ip.clone(),
            mac: a.mac.clone(),
            hostname: a.hostname.clone(),
            vendor: a.vendor.clone(),
            os_hint: a.os_hint.clone(),
            device_type: a.device_type.clone(),
            category: a.category.clone(),
            computed_category: a.computed_category.clone(),
            confidence: a.confidence,
            sensitivity: a.sensitivity.clone(),
            open_ports: a.open_ports.clone(),
            manual_category: a.manual_category.clone(),
            manual_note: a.manual_note.clone(),
            switch_host: a.switch_host.clone(),
            switch_port: a.switch_port.clone(),
            vlan: a.vlan,
            first_seen: a.first_seen,
            last_seen: a.last_seen,
            missing: a.missing,
            missing_since: a.missing_since,
            change_count: a.change_count,
        }
    }

    fn into_view(self, site: String) -> AssetView {
        let category: Category = self.category.parse().unwrap_or_default();
        let manual = self.manual_category.is_some();
        AssetView {
            id: self.id,
            site,
            ip: self.ip,
            mac: self.mac,
            hostname: self.hostname,
            vendor: self.vendor,
            os_hint: self.os_hint,
            device_type: self.device_type,
            category_tr: category.label_tr().to_string(),
            category: self.category,
            computed_category: self.computed_category,
            // A manual tag is certain; the computed value stays stored for `untag`.
            confidence: if manual { 1.0 } else { self.confidence },
            confidence_level: if manual {
                "high"
            } else {
                ConfidenceLevel::from_score(self.confidence).as_str()
            },
            sensitivity: self.sensitivity,
            open_ports: serde_json::from_value(self.open_ports).unwrap_or_default(),
            manual_category: self.manual_category,
            manual_note: self.manual_note,
            switch_host: self.switch_host,
            switch_port: self.switch_port,
            vlan: self.vlan,
            first_seen: self.first_seen,
            last_seen: self.last_seen,
            missing: self.missing,
            missing_since: self.missing_since,
            change_count: self.change_count,
        }
    }
}

pub fn view(a: &asset::Model, site: &str) -> AssetView {
    ListedRow::of(a).into_view(site.to_string())
}

/// One page of the inventory plus the category counts of the whole filter (without its
/// category criterion, so the summary cards stay meaningful while one is selected).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inventory {
    #[serde(flatten)]
    pub page: Page<AssetView>,
    pub category_summary: BTreeMap<String, u64>,
}

impl Inventory {
    pub fn new(
        page: Page<AssetView>,
        category_summary: BTreeMap<String, u64>,
        f: &AssetFilter,
    ) -> Inventory {
        Inventory {
            page: page.with_next(|last| Cursor::after(f, last.id).to_string()),
            category_summary,
        }
    }
}

/// Where a keyset page starts: after one asset, in one sort order. Written
/// `ip.asc.<uuid>`; a cursor is refused for another sort order than the one it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub sort: AssetSort,
    pub descending: bool,
    pub after: Uuid,
}

impl Cursor {
    pub fn after(f: &AssetFilter, after: Uuid) -> Cursor {
        Cursor {
            sort: f.sort,
            descending: f.descending,
            after,
        }
    }

    /// The anchor, if this cursor belongs to `f`'s order.
    pub fn anchor_for(&self, f: &AssetFilter) -> StoreResult<Uuid> {
        if self.sort != f.sort || self.descending != f.descending {
            return Err(StoreError::Invalid(format!(
                "the cursor belongs to the order {}; ask with the same sort and order, or drop it",
                self.order_text()
            )));
        }
        Ok(self.after)
    }

    fn order_text(&self) -> String {
        let dir = if self.descending { "desc" } else { "asc" };
        format!("{}.{dir}", self.sort.as_str())
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(out, "{}.{}", self.order_text(), self.after)
    }
}

impl std::str::FromStr for Cursor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a cursor this server gave out");
        let mut parts = s.trim().splitn(3, '.');
        let (Some(sort), Some(dir), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        Ok(Cursor {
            sort: sort.parse().map_err(|_| bad())?,
            descending: match dir {
                "asc" => false,
                "desc" => true,
                _ => return Err(bad()),
            },
            after: Uuid::parse_str(id).map_err(|_| bad())?,
        })
    }
}

fn escape_like(q: &str) -> String {
    q.to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// `text` as a PostgreSQL escape-string literal (`E'…'`), in which only `\` and `'` are
/// special whatever `standard_conforming_strings` says; control characters are dropped.
fn pg_string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    out.push_str("E'");
    for c in text.chars().filter(|c| !c.is_control()) {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The filter as a condition, with its site scope (whose names the rows show).
async fn base_condition<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
) -> StoreResult<(Condition, SiteScope)> {
    let mut cond = Condition::all();
    let scope = SiteScope::of(db, f.site.as_deref()).await?;
    if let Some(id) = scope.id() {
        cond = cond.add(asset::Column::SiteId.eq(id));
    }
    if let Some(net) = &f.subnet {
        let (lo, hi) = ip_sort_range(net);
        cond = cond.add(asset::Column::IpSort.between(lo, hi));
    }
    if let Some(d) = f.device_type {
        cond = cond.add(asset::Column::DeviceType.eq(d.as_str()));
    }
    if let Some(m) = f.missing {
        cond = cond.add(asset::Column::Missing.eq(m));
    }
    if let Some(v) = f.vlan {
        cond = cond.add(asset::Column::Vlan.eq(i32::from(v)));
    }
    if let Some(level) = f.confidence {
        let (lo, hi) = match level {
            ConfidenceLevel::High => (0.7, f64::MAX),
            ConfidenceLevel::Medium => (0.4, 0.7),
            ConfidenceLevel::Low => (0.3, 0.4),
            ConfidenceLevel::Unclassified => (f64::MIN, 0.3),
        };
        let band = Condition::all()
            .add(asset::Column::Confidence.gte(lo))
            .add(asset::Column::Confidence.lt(hi));
        // Manually tagged assets count as high confidence.
        cond = cond.add(match level {
            ConfidenceLevel::High => Condition::any()
                .add(band)
                .add(asset::Column::ManualCategory.is_not_null()),
            _ => band.add(asset::Column::ManualCategory.is_null()),
        });
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(q));
        let like = || LikeExpr::new(pattern.clone()).escape('\\');
        let backend = db.get_database_backend();
        let everywhere = f.site.is_none() && f.subnet.is_none();
        let plain = !q.contains(['%', '_', '\\', '\u{1f}']);
        cond = cond.add(if backend == DbBackend::Sqlite && everywhere && plain {
            // Over every site on SQLite: the FTS5 trigram index of migration 5. Its LIKE is
            // case-insensitive and takes no ESCAPE, so patterns holding a wildcard character
            // take the column-by-column path below.
            Condition::all().add(Expr::cust_with_values(
                "\"assets\".\"id\" IN (SELECT k.asset_id FROM asset_search s \
                 JOIN asset_search_keys k ON k.n = s.rowid WHERE s.text LIKE ?)",
                [format!("%{}%", q.to_lowercase())],
            ))
        } else if backend == DbBackend::Postgres && everywhere {
            // Over every site: the expression of the trigram index (migration 4), and the
            // pattern as a literal. A bound pattern gets a generic plan after a few runs,
            // which either walks the trigram index for a common word (25 000 rows, sorted)
            // or the address order for a rare one (all 100 000 rows): 20-100× off either way.
            Condition::all().add(Expr::cust(format!(
                "{} LIKE {} ESCAPE E'\\\\'",
                migration::SEARCH_TEXT,
                pg_string_literal(&pattern)
            )))
        } else {
            // Inside one site or subnet (or on SQLite) the site's rows are read and each field
            // tested: cheaper than the trigram index, whose common trigrams ("hos", "ost")
            // list every asset.
            let mut any = Condition::any();
            for col in [
                asset::Column::Ip,
                asset::Column::Mac,
                asset::Column::Hostname,
                asset::Column::Vendor,
            ] {
                any = any.add(Expr::expr(Func::lower(Expr::col(col))).like(like()));
            }
            any
        });
    }
    Ok((cond, scope))
}

/// Assets per group under the filter without its category criterion (so the summary cards
/// stay meaningful while one group is selected). The filter's total follows from it.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn summary<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
) -> StoreResult<BTreeMap<String, u64>> {
    let (base, _) = base_condition(db, f).await?;
    let rows: Vec<(String, i64)> = asset::Entity::find()
        .select_only()
        .column(asset::Column::Category)
        // COUNT(*), not COUNT(id): the (category, site_id) index answers it without the table.
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(base)
        .group_by(asset::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(c, n)| (c, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// How many assets the whole filter matches, from its group summary: no second count.
pub fn total_of(summary: &BTreeMap<String, u64>, f: &AssetFilter) -> u64 {
    match f.category {
        Some(c) => summary.get(c.as_str()).copied().unwrap_or(0),
        None => summary.values().sum(),
    }
}

/// The filter's rows in its order (ties broken by address, then id), not yet paged.
async fn ordered<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
) -> StoreResult<(sea_orm::Select<asset::Entity>, SiteScope)> {
    let (mut cond, scope) = base_condition(db, f).await?;
    if let Some(c) = f.category {
        cond = cond.add(asset::Column::Category.eq(c.as_str()));
    }
    let query = asset::Entity::find().filter(cond);
    let col = f.sort.column();
    let order = if f.descending {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    // Ties break by address then id; sorting by address already is the first key, and
    // repeating it would keep SQLite from walking the (ip_sort, id) index.
    let query = if f.sort == AssetSort::Ip {
        query
            .order_by(col, order.clone())
            .order_by(asset::Column::Id, order)
    } else {
        query
            .order_by(col, order)
            .order_by_asc(asset::Column::IpSort)
            .order_by_asc(asset::Column::Id)
    };
    Ok((query, scope))
}

async fn fetch_views<C: ConnectionTrait>(
    db: &C,
    query: sea_orm::Select<asset::Entity>,
    scope: &SiteScope,
) -> StoreResult<Vec<AssetView>> {
    let found = query
        .select_only()
        .columns(super::projection::SUMMARY)
        .columns(ListedRow::EXTRA)
        .into_model::<ListedRow>()
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .map(|a| {
            let site = scope.name(a.site_id).to_string();
            a.into_view(site)
        })
        .collect())
}

/// One page of the filter, in its order. Page n costs the n − 1 pages before it; a long
/// walk uses `rows_after`.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn rows<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    page: PageRequest,
) -> StoreResult<Vec<AssetView>> {
    rows_matching(db, f, page, None).await
}

/// `rows`, told how many assets the filter matches when the caller knows (from the group
/// counts): a search then picks its path without trying the cheap one first.
pub async fn rows_matching<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    page: PageRequest,
    matches: Option<u64>,
) -> StoreResult<Vec<AssetView>> {
    if let Some(ids) = super::search_window::page_ids(db, f, page, matches).await? {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The window found the page: read those rows only, in the same order.
        let plain = AssetFilter {
            q: None,
            ..f.clone()
        };
        let (query, scope) = ordered(db, &plain).await?;
        return fetch_views(db, query.filter(asset::Column::Id.is_in(ids)), &scope).await;
    }
    let (query, scope) = ordered(db, f).await?;
    if page.offset() < DEFERRED_JOIN_FROM {
        let query = query.offset(page.offset()).limit(page.per_page);
        return fetch_views(db, query, &scope).await;
    }
    // Deep pages find their ids first, from the narrow index columns, and only then read
    // the rows: PostgreSQL otherwise sorts every row in full to skip past the offset (page
    // 500 of 100 000 took 637 ms).
    let ids: Vec<Uuid> = query
        .clone()
        .select_only()
        .column(asset::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    fetch_views(db, query.filter(asset::Column::Id.is_in(ids)), &scope).await
}

/// From this offset on, a page finds its ids before its rows.
const DEFERRED_JOIN_FROM: u64 = 1_000;

/// The `per_page` rows that follow asset `after` in the filter's order (keyset paging):
/// every page costs what the first does. The anchor is read back by id, so the cursor holds
/// no values to forge; an anchor deleted since is a clear error, not a wrong page.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn rows_after<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    after: Uuid,
    per_page: u64,
) -> StoreResult<Vec<AssetView>> {
    let anchor = asset::Entity::find_by_id(after)
        .one(db)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(
                "the cursor's asset no longer exists; start again from the first page".into(),
            )
        })?;
    let (query, scope) = ordered(db, f).await?;
    let beyond = keyset_after(f, &anchor, db.get_database_backend());
    fetch_views(db, query.filter(beyond).limit(per_page), &scope).await
}

/// Rows after `anchor` in the filter's order. NULLs sort as the backend sorts them (SQLite:
/// below every value; PostgreSQL: above), so the condition follows the backend, and the
/// keyset walk visits exactly the rows, in exactly the order, of the offset pages.
fn keyset_after(f: &AssetFilter, anchor: &asset::Model, backend: DbBackend) -> Condition {
    use sea_orm::ModelTrait;
    let (ip, id) = (anchor.ip_sort.clone(), anchor.id);
    let later = |col: asset::Column, v: sea_orm::Value, descending: bool| {
        if descending { col.lt(v) } else { col.gt(v) }
    };
    // (address, id) as one row value, which both backends can seek to in the (ip_sort, id)
    // index; the spelled-out `a > x OR (a = x AND b > y)` is planned as an OR.
    let row = || {
        Expr::tuple([
            Expr::col(asset::Column::IpSort),
            Expr::col(asset::Column::Id),
        ])
    };
    let anchor_row = Expr::tuple([Expr::value(ip), Expr::value(id)]);
    if f.sort == AssetSort::Ip {
        return Condition::all().add(if f.descending {
            row().lt(anchor_row)
        } else {
            row().gt(anchor_row)
        });
    }
    // Ties on the sort column go by address, then id, ascending.
    let tie = Condition::all().add(row().gt(anchor_row));
    let col = f.sort.column();
    let anchor_null = match f.sort {
        AssetSort::Hostname => anchor.hostname.is_none(),
        AssetSort::Vendor => anchor.vendor.is_none(),
        _ => false,
    };
    let nulls_first = (backend == DbBackend::Sqlite) != f.descending;
    if anchor_null {
        let among_nulls = Condition::all().add(col.is_null()).add(tie);
        return if nulls_first {
            Condition::any().add(among_nulls).add(col.is_not_null())
        } else {
            among_nulls
        };
    }
    let value = anchor.get(col);
    let mut next = Condition::any()
        .add(later(col, value.clone(), f.descending))
        .add(Condition::all().add(col.eq(value)).add(tie));
    if !nulls_first && f.sort.nullable() {
        next = next.add(col.is_null());
    }
    next
}

/// One page of the inventory with the filter's group counts and total.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    f: &AssetFilter,
    page: PageRequest,
) -> StoreResult<Inventory> {
    let category_summary = summary(db, f).await?;
    let total = total_of(&category_summary, f);
    let items = rows_matching(db, f, page, Some(total)).await?;
    Ok(Inventory::new(page.wrap(items, total), category_summary, f))
}

impl AssetFilter {
    /// What the group counts depend on (not the category, sort or order): a cache key.
    pub fn counts_key(&self) -> String {
        format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.site,
            self.subnet,
            self.device_type,
            self.confidence,
            self.missing,
            self.vlan,
            self.q.as_deref().map(|q| q.trim().to_lowercase())
        )
    }
}

/// Finds the one asset a user means by an id, a MAC or an IP (optionally inside one site).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    reference: &str,
    site: Option<&str>,
) -> StoreResult<asset::Model> {
    let r = reference.trim();
    let mut cond = Condition::all();
    if let Ok(id) = Uuid::parse_str(r) {
        cond = cond.add(asset::Column::Id.eq(id));
    } else if let Ok(ip) = r.parse::<IpAddr>() {
        cond = cond.add(asset::Column::Ip.eq(ip.to_string()));
    } else if let Ok(mac) = r.parse::<MacAddr>() {
        cond = cond.add(asset::Column::Mac.eq(mac.to_string()));
    } else {
        return Err(StoreError::Invalid(format!(
            "'{r}' is not an asset id, IP or MAC address"
        )));
    }
    let scope = SiteScope::of(db, site).await?;
    if let Some(id) = scope.id() {
        cond = cond.add(asset::Column::SiteId.eq(id));
    }
    let mut found = asset::Entity::find()
        .filter(cond)
        .order_by_desc(asset::Column::LastSeen)
        .all(db)
        .await?;
    // An IP recorded on a present asset beats a missing one that used to have it.
    if found.len() > 1 && found.iter().filter(|a| !a.missing).count() == 1 {
        found.retain(|a| !a.missing);
    }
    match found.len() {
        0 => Err(StoreError::NotFound(format!("asset '{r}'"))),
        1 => Ok(found.remove(0)),
        n => {
            let mut where_: Vec<String> = found
                .iter()
                .map(|a| scope.name(a.site_id).to_string())
                .filter(|n| !n.is_empty())
                .collect();
            where_.sort();
            where_.dedup();
            Err(StoreError::Invalid(format!(
                "'{r}' matches {n} assets (sites: {}); pass --site or use the asset id",
                where_.join(", ")
            )))
        }
    }
}

/// One scan's snapshot of an asset.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub scan_id: Uuid,
    pub scanned_at: DateTime<Utc>,
    pub target: String,
    pub method: String,
    pub ip: String,
    pub hostname: Option<String>,
    pub category: String,
    pub confidence: f64,
    pub open_ports: Vec<u16>,
}

fn snapshots_of(asset_id: Uuid) -> sea_orm::Select<scan_asset::Entity> {
    scan_asset::Entity::find()
        .filter(scan_asset::Column::AssetId.eq(asset_id))
        .order_by_desc(scan_asset::Column::ScannedAt)
        .order_by_desc(scan_asset::Column::ScanId)
}

/// History entries for snapshots, with what their scans were.
async fn entries<C: ConnectionTrait>(
    db: &C,
    snaps: Vec<scan_asset::Model>,
) -> StoreResult<Vec<HistoryEntry>> {
    let scan_ids: Vec<Uuid> = snaps.iter().map(|s| s.scan_id).collect();
    let scans: HashMap<Uuid, (String, String)> = scan::Entity::find()
        .select_only()
        .columns([scan::Column::Id, scan::Column::Target, scan::Column::Method])
        .filter(scan::Column::Id.is_in(scan_ids))
        .into_tuple::<(Uuid, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, target, method)| (id, (target, method)))
        .collect();
    Ok(snaps
        .into_iter()
        .filter_map(|s| {
            let (target, method) = scans.get(&s.scan_id)?;
            Some(HistoryEntry {
                scan_id: s.scan_id,
                scanned_at: s.scanned_at,
                target: target.clone(),
                method: method.clone(),
                ip: s.ip,
                hostname: s.hostname,
                category: s.category,
                confidence: s.confidence,
                open_ports: serde_json::from_value(s.open_ports).unwrap_or_default(),
            })
        })
        .collect())
}

/// Snapshots of one asset, newest first.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn history<C: ConnectionTrait>(
    db: &C,
    asset_id: Uuid,
    page: PageRequest,
) -> StoreResult<Page<HistoryEntry>> {
    let (snaps, total) = page.fetch(db, snapshots_of(asset_id)).await?;
    Ok(page.wrap(entries(db, snaps).await?, total))
}

/// Everything known about one asset, for `/api/assets/{id}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssetDetail {
    #[serde(flatten)]
    pub asset: AssetView,
    /// Stored as JSON; the schema says what it holds.
    #[schema(value_type = Vec<crate::model::Service>)]
    pub services: serde_json::Value,
    #[schema(value_type = Vec<crate::model::Evidence>)]
    pub evidence: serde_json::Value,
    #[schema(value_type = Vec<String>)]
    pub mdns_services: serde_json::Value,
    #[schema(value_type = Option<crate::model::SnmpFacts>)]
    pub snmp: Option<serde_json::Value>,
    /// Every name seen for the asset, with its source; `hostname` is the first of them by
    /// source precedence.
    #[schema(value_type = Vec<crate::model::SeenName>)]
    pub names: serde_json::Value,
    /// What the device says it is (model, UPnP type, reported OS, domain).
    #[schema(value_type = Option<crate::model::DeviceInfo>)]
    pub device_info: Option<serde_json::Value>,
    /// The IPv6 addresses the asset's MAC answered from on its link, newest first.
    #[schema(value_type = Vec<String>)]
    pub ipv6: serde_json::Value,
    pub switch_port_index: Option<i32>,
    pub tagged_at: Option<DateTime<Utc>>,
    pub certificates: Vec<certificates::CertificateView>,
    pub history: Vec<HistoryEntry>,
    pub changes: Vec<super::changes::ChangeView>,
}

/// Snapshots and changes an asset's page shows (the newest; the CLI pages through all).
const DETAIL_HISTORY: u64 = 50;
const DETAIL_CHANGES: u64 = 100;

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn detail<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<AssetDetail> {
    let a = asset::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("asset {id}")))?;
    let site = super::sites::name_of(db, a.site_id).await?;
    let certificates = certificates::of_asset(db, a.site_id, &site, a.id, &a.ip, now).await?;
    let snaps = snapshots_of(a.id).limit(DETAIL_HISTORY).all(db).await?;
    let history = entries(db, snaps).await?;
    let changes = super::changes::of_asset(db, &a, &site, DETAIL_CHANGES).await?;
    Ok(AssetDetail {
        asset: view(&a, &site),
        services: a.services,
        evidence: a.evidence,
        mdns_services: a.mdns_services,
        snmp: a.snmp,
        names: a.names.unwrap_or_else(|| serde_json::json!([])),
        device_info: a.device_info,
        ipv6: a.ipv6.unwrap_or_else(|| serde_json::json!([])),
        switch_port_index: a.switch_port_index,
        tagged_at: a.tagged_at,
        certificates,
        history,
        changes,
    })
}

/// IPs of a site's assets marked fragile: later scans probe them gently. An unknown site has
/// none.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn fragile_ips<C: ConnectionTrait>(db: &C, site: &str) -> StoreResult<Vec<IpAddr>> {
    let Some(site) = super::sites::find(db, site).await? else {
        return Ok(Vec::new());
    };
    let rows = asset::Entity::find()
        .filter(asset::Column::SiteId.eq(site.id))
        .filter(asset::Column::Sensitivity.eq(crate::model::Sensitivity::Fragile.as_str()))
        .all(db)
        .await?;
    Ok(rows.iter().filter_map(|a| a.ip.parse().ok()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_literals_escape_quotes_and_backslashes_only() {
        assert_eq!(pg_string_literal("abc"), "E'abc'");
        assert_eq!(pg_string_literal("o'brien"), "E'o\\'brien'");
        assert_eq!(pg_string_literal("a\\%b"), "E'a\\\\%b'");
        assert_eq!(
            pg_string_literal("x\0y\n"),
            "E'xy'",
            "control characters dropped"
        );
        assert_eq!(
            pg_string_literal("'); DROP TABLE assets; --"),
            "E'\\'); DROP TABLE assets; --'"
        );
    }
}
