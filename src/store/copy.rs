//! `db copy`: one inventory into another database (e.g. local SQLite into Neon), as a single
//! transaction on the target. Rows the target already has — same natural key (site name,
//! user name, report id, asset identity, …) — are kept as they are and their children are
//! re-pointed, so a second run inserts nothing. Sessions are not copied: logins do not travel;
//! nor are alerts, their rules and channels (the target's own; channel secrets stay where
//! they were given).
use super::entity::*;
use super::error::{StoreError, StoreResult};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Iterable,
    PaginatorTrait, PrimaryKeyToColumn, QueryOrder,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use uuid::Uuid;

/// Rows read and inserted for one table.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TableCopy {
    pub table: &'static str,
    pub read: u64,
    pub inserted: u64,
}

/// Source id → target id for the tables other rows point at.
#[derive(Default)]
struct Maps {
    sites: HashMap<Uuid, Uuid>,
    users: HashMap<Uuid, Uuid>,
    agents: HashMap<Uuid, Uuid>,
    scans: HashMap<Uuid, Uuid>,
    assets: HashMap<Uuid, Uuid>,
    shield_scans: HashMap<Uuid, Uuid>,
    /// Target scans that existed before this copy: their snapshots and changes are there.
    present_scans: HashSet<Uuid>,
    present_shield_scans: HashSet<Uuid>,
}

fn remap(map: &HashMap<Uuid, Uuid>, id: Uuid) -> Option<Uuid> {
    map.get(&id).copied()
}

/// Total rows to copy, for a progress bar.
pub async fn count_rows(from: &DatabaseConnection) -> StoreResult<u64> {
    Ok(site::Entity::find().count(from).await?
        + user::Entity::find().count(from).await?
        + agent::Entity::find().count(from).await?
        + enrollment_token::Entity::find().count(from).await?
        + subnet::Entity::find().count(from).await?
        + switch::Entity::find().count(from).await?
        + scan::Entity::find().count(from).await?
        + asset::Entity::find().count(from).await?
        + scan_asset::Entity::find().count(from).await?
        + asset_change::Entity::find().count(from).await?
        + certificate::Entity::find().count(from).await?
        + shield_scan::Entity::find().count(from).await?
        + shield_finding::Entity::find().count(from).await?
        + shield_issue::Entity::find().count(from).await?)
}

/// Copies every table; `progress` is told how many rows were just handled.
pub async fn copy_inventory(
    from: &DatabaseConnection,
    to: &DatabaseConnection,
    progress: &(dyn Fn(u64) + Sync),
) -> StoreResult<Vec<TableCopy>> {
    let txn = super::begin_write(to).await?;
    let mut m = Maps::default();
    let mut out = Vec::new();

    let existing = keyed::<site::Entity, _, _>(&txn, |s| s.name.clone(), |s| s.id).await?;
    out.push(
        copy_rows::<site::Entity, _>(from, &txn, "sites", progress, |s| {
            adopt(&mut m.sites, &existing, s.name.clone(), s.id).then_some(s)
        })
        .await?,
    );

    let existing = keyed::<user::Entity, _, _>(&txn, |u| u.username.clone(), |u| u.id).await?;
    out.push(
        copy_rows::<user::Entity, _>(from, &txn, "users", progress, |u| {
            adopt(&mut m.users, &existing, u.username.clone(), u.id).then_some(u)
        })
        .await?,
    );

    let existing = keyed::<agent::Entity, _, _>(&txn, |a| a.token_id.clone(), |a| a.id).await?;
    out.push(
        copy_rows::<agent::Entity, _>(from, &txn, "agents", progress, |mut a| {
            a.site_id = remap(&m.sites, a.site_id)?;
            adopt(&mut m.agents, &existing, a.token_id.clone(), a.id).then_some(a)
        })
        .await?,
    );

    let existing =
        keyed::<enrollment_token::Entity, _, _>(&txn, |e| e.token_id.clone(), |e| e.id).await?;
    out.push(
        copy_rows::<enrollment_token::Entity, _>(
            from,
            &txn,
            "enrollment_tokens",
            progress,
            |mut e| {
                e.site_id = remap(&m.sites, e.site_id)?;
                e.created_by = e.created_by.and_then(|u| remap(&m.users, u));
                e.agent_id = e.agent_id.and_then(|a| remap(&m.agents, a));
                existing.place(&e.token_id, e.id).is_none().then_some(e)
            },
        )
        .await?,
    );

    let existing =
        keyed::<subnet::Entity, _, _>(&txn, |s| (s.site_id, s.cidr.clone()), |s| s.id).await?;
    out.push(
        copy_rows::<subnet::Entity, _>(from, &txn, "subnets", progress, |mut s| {
            s.site_id = remap(&m.sites, s.site_id)?;
            existing
                .place(&(s.site_id, s.cidr.clone()), s.id)
                .is_none()
                .then_some(s)
        })
        .await?,
    );

    let existing =
        keyed::<switch::Entity, _, _>(&txn, |s| (s.site_id, s.host.clone()), |s| s.id).await?;
    out.push(
        copy_rows::<switch::Entity, _>(from, &txn, "switches", progress, |mut s| {
            s.site_id = remap(&m.sites, s.site_id)?;
            existing
                .place(&(s.site_id, s.host.clone()), s.id)
                .is_none()
                .then_some(s)
        })
        .await?,
    );

    let existing = keyed::<scan::Entity, _, _>(&txn, |s| s.report_id, |s| s.id).await?;
    m.present_scans = existing.ids.clone();
    out.push(
        copy_rows::<scan::Entity, _>(from, &txn, "scans", progress, |mut s| {
            s.site_id = remap(&m.sites, s.site_id)?;
            s.agent_id = s.agent_id.and_then(|a| remap(&m.agents, a));
            // Copied history is not news: the target raises no alerts for it.
            s.alerts_done = true;
            adopt(&mut m.scans, &existing, s.report_id, s.id).then_some(s)
        })
        .await?,
    );

    let existing =
        keyed::<asset::Entity, _, _>(&txn, |a| (a.site_id, a.identity_key.clone()), |a| a.id)
            .await?;
    out.push(
        copy_rows::<asset::Entity, _>(from, &txn, "assets", progress, |mut a| {
            a.site_id = remap(&m.sites, a.site_id)?;
            a.last_scan_id = a.last_scan_id.and_then(|s| remap(&m.scans, s));
            adopt(
                &mut m.assets,
                &existing,
                (a.site_id, a.identity_key.clone()),
                a.id,
            )
            .then_some(a)
        })
        .await?,
    );

    out.push(
        copy_rows::<scan_asset::Entity, _>(from, &txn, "scan_assets", progress, |mut s| {
            s.scan_id = remap(&m.scans, s.scan_id)?;
            s.asset_id = remap(&m.assets, s.asset_id)?;
            (!m.present_scans.contains(&s.scan_id)).then_some(s)
        })
        .await?,
    );

    out.push(
        copy_rows::<asset_change::Entity, _>(from, &txn, "asset_changes", progress, |mut c| {
            c.site_id = remap(&m.sites, c.site_id)?;
            c.scan_id = remap(&m.scans, c.scan_id)?;
            c.asset_id = remap(&m.assets, c.asset_id)?;
            (!m.present_scans.contains(&c.scan_id)).then_some(c)
        })
        .await?,
    );

    let existing =
        keyed::<certificate::Entity, _, _>(&txn, |c| (c.site_id, c.ip.clone(), c.port), |c| c.id)
            .await?;
    out.push(
        copy_rows::<certificate::Entity, _>(from, &txn, "certificates", progress, |mut c| {
            c.site_id = remap(&m.sites, c.site_id)?;
            c.asset_id = c.asset_id.and_then(|a| remap(&m.assets, a));
            existing
                .place(&(c.site_id, c.ip.clone(), c.port), c.id)
                .is_none()
                .then_some(c)
        })
        .await?,
    );

    let existing = keyed::<shield_scan::Entity, _, _>(&txn, |s| s.id, |s| s.id).await?;
    m.present_shield_scans = existing.ids.clone();
    out.push(
        copy_rows::<shield_scan::Entity, _>(from, &txn, "shield_scans", progress, |mut s| {
            s.site_id = remap(&m.sites, s.site_id)?;
            s.agent_id = s.agent_id.and_then(|a| remap(&m.agents, a));
            adopt(&mut m.shield_scans, &existing, s.id, s.id).then_some(s)
        })
        .await?,
    );

    out.push(
        copy_rows::<shield_finding::Entity, _>(from, &txn, "shield_findings", progress, |mut f| {
            f.shield_scan_id = remap(&m.shield_scans, f.shield_scan_id)?;
            f.asset_id = f.asset_id.and_then(|a| remap(&m.assets, a));
            (!m.present_shield_scans.contains(&f.shield_scan_id)).then_some(f)
        })
        .await?,
    );

    // A finding's life is the target's own when the target already has it (same key).
    let existing = keyed::<shield_issue::Entity, _, _>(
        &txn,
        |i| (i.site_id, i.check_id.clone(), i.target_ip.clone(), i.port),
        |i| i.id,
    )
    .await?;
    out.push(
        copy_rows::<shield_issue::Entity, _>(from, &txn, "shield_issues", progress, |mut i| {
            i.site_id = remap(&m.sites, i.site_id)?;
            i.last_scan_id = remap(&m.shield_scans, i.last_scan_id)?;
            i.asset_id = i.asset_id.and_then(|a| remap(&m.assets, a));
            let key = (i.site_id, i.check_id.clone(), i.target_ip.clone(), i.port);
            existing.place(&key, i.id).is_none().then_some(i)
        })
        .await?,
    );

    txn.commit().await?;
    Ok(out)
}

/// The target's rows of one table: by natural key and by id.
struct Existing<K> {
    by_key: HashMap<K, Uuid>,
    ids: HashSet<Uuid>,
}

impl<K: Eq + Hash> Existing<K> {
    /// Where the target already has this row: the same id (copied before, even if its
    /// natural key changed since), else the same natural key.
    fn place(&self, key: &K, src_id: Uuid) -> Option<Uuid> {
        if self.ids.contains(&src_id) {
            return Some(src_id);
        }
        self.by_key.get(key).copied()
    }
}

/// Records where a source row lands; true when it must be inserted (the target lacks it).
fn adopt<K: Eq + Hash>(
    map: &mut HashMap<Uuid, Uuid>,
    existing: &Existing<K>,
    key: K,
    src_id: Uuid,
) -> bool {
    let target = existing.place(&key, src_id);
    map.insert(src_id, target.unwrap_or(src_id));
    target.is_none()
}

/// Reads the target's rows of one table.
async fn keyed<E, K, C>(
    db: &C,
    key: impl Fn(&E::Model) -> K,
    id: impl Fn(&E::Model) -> Uuid,
) -> StoreResult<Existing<K>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    K: Eq + Hash,
    C: ConnectionTrait,
{
    let mut out = Existing {
        by_key: HashMap::new(),
        ids: HashSet::new(),
    };
    let mut pages = E::find().paginate(db, 5_000);
    while let Some(rows) = pages.fetch_and_next().await? {
        for r in &rows {
            out.by_key.insert(key(r), id(r));
            out.ids.insert(id(r));
        }
    }
    Ok(out)
}

/// Streams one table from the source in primary-key order; `prepare` re-points a row's
/// references and returns None for rows the target already has (or whose parent is gone).
async fn copy_rows<E, F>(
    from: &DatabaseConnection,
    to: &impl ConnectionTrait,
    table: &'static str,
    progress: &(dyn Fn(u64) + Sync),
    mut prepare: F,
) -> StoreResult<TableCopy>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    F: FnMut(E::Model) -> Option<E::Model>,
{
    let mut query = E::find();
    for pk in E::PrimaryKey::iter() {
        query = query.order_by_asc(pk.into_column());
    }
    let mut pages = query.paginate(from, super::rows_per_insert::<E>() as u64);
    let (mut read, mut inserted) = (0u64, 0u64);
    while let Some(rows) = pages.fetch_and_next().await? {
        let n = rows.len() as u64;
        read += n;
        let batch: Vec<E::ActiveModel> = rows
            .into_iter()
            .filter_map(&mut prepare)
            .map(IntoActiveModel::into_active_model)
            .collect();
        inserted += batch.len() as u64;
        if !batch.is_empty() {
            E::insert_many(batch)
                .exec_without_returning(to)
                .await
                .map_err(|e| {
                    StoreError::Invalid(format!("copying {table} failed, nothing was written: {e}"))
                })?;
        }
        progress(n);
    }
    Ok(TableCopy {
        table,
        read,
        inserted,
    })
}
