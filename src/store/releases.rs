//! Signed agent releases on the server: added by an admin (checked against the server's
//! release public key and the manifest's size and hash before anything is stored), listed,
//! removed, read back a chunk at a time for agents, and chosen for an agent by its site's
//! update policy.
use super::begin_write;
use super::entity::{release, release_chunk, site_config};
use super::error::{StoreError, StoreResult};
use crate::model::release_api::UpdatePolicy;
use crate::model::site_config::SiteSettings;
use crate::release::sign::{self, Manifest, PublicKey, SignedManifest};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use std::io::Read;
use uuid::Uuid;

/// Bytes per stored chunk.
pub const CHUNK: usize = 1 << 20;
/// The largest binary a release may carry.
pub const MAX_SIZE: u64 = 256 << 20;

/// A release as the dashboard and the CLI see it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReleaseView {
    pub id: Uuid,
    pub version: String,
    pub target: String,
    pub sha256: String,
    pub size: i64,
    pub signed_at: chrono::DateTime<Utc>,
    pub key_id: String,
    pub added_at: chrono::DateTime<Utc>,
    pub added_by: String,
}

impl From<release::Model> for ReleaseView {
    fn from(r: release::Model) -> Self {
        ReleaseView {
            id: r.id,
            version: r.version,
            target: r.target,
            sha256: r.sha256,
            size: r.size,
            signed_at: r.signed_at,
            key_id: r.key_id,
            added_at: r.added_at,
            added_by: r.added_by,
        }
    }
}

/// The signed manifest of a stored release, as agents verify it.
pub fn manifest(r: &release::Model) -> SignedManifest {
    SignedManifest {
        signed: Manifest {
            version: r.version.clone(),
            target: r.target.clone(),
            sha256: r.sha256.clone(),
            size: r.size as u64,
            date: r.signed_at,
        },
        key_id: r.key_id.clone(),
        signature: r.signature.clone(),
    }
}

/// Stores a release: the manifest must be signed by `trusted` and `binary` must be exactly
/// what it describes; otherwise nothing is written.
pub async fn add(
    db: &DatabaseConnection,
    m: &SignedManifest,
    trusted: &PublicKey,
    binary: &std::path::Path,
    by: &str,
) -> StoreResult<ReleaseView> {
    trusted
        .verify(m)
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    sign::parse_version(&m.signed.version).map_err(StoreError::Invalid)?;
    if m.signed.size > MAX_SIZE {
        return Err(StoreError::Invalid(format!(
            "a release binary is at most {} MiB",
            MAX_SIZE >> 20
        )));
    }
    let open = || {
        std::fs::File::open(binary)
            .map_err(|e| StoreError::Invalid(format!("{}: {e}", binary.display())))
    };
    sign::check_download(&m.signed, open()?).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let txn = begin_write(db).await?;
    let taken = release::Entity::find()
        .filter(release::Column::Version.eq(&m.signed.version))
        .filter(release::Column::Target.eq(&m.signed.target))
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict(format!(
            "release {} for {} is already stored; remove it first",
            m.signed.version, m.signed.target
        )));
    }
    let row = release::ActiveModel {
        id: Set(Uuid::now_v7()),
        version: Set(m.signed.version.clone()),
        target: Set(m.signed.target.clone()),
        sha256: Set(m.signed.sha256.clone()),
        size: Set(m.signed.size as i64),
        signed_at: Set(m.signed.date),
        key_id: Set(m.key_id.clone()),
        signature: Set(m.signature.clone()),
        added_at: Set(Utc::now()),
        added_by: Set(by.chars().take(128).collect()),
    }
    .insert(&txn)
    .await?;
    // Chunk by chunk: the binary is never held whole. The file was checked above; a file
    // that changes between the check and the copy is caught by the size and hash again.
    let mut file = open()?.take(m.signed.size + 1);
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; CHUNK];
    let mut seq = 0i32;
    let mut total = 0u64;
    loop {
        let n = read_full(&mut file, &mut buf)
            .map_err(|e| StoreError::Invalid(format!("{}: {e}", binary.display())))?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
        total += n as u64;
        release_chunk::ActiveModel {
            release_id: Set(row.id),
            seq: Set(seq),
            data: Set(buf[..n].to_vec()),
        }
        .insert(&txn)
        .await?;
        seq += 1;
    }
    let hex: String = ctx
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if total != m.signed.size || hex != m.signed.sha256 {
        return Err(StoreError::Invalid(format!(
            "{} changed while it was being stored",
            binary.display()
        )));
    }
    txn.commit().await?;
    Ok(row.into())
}

/// Reads until `buf` is full or the reader ends.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Every release, newest version first within each target.
pub async fn list<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<ReleaseView>> {
    let mut rows: Vec<release::Model> = release::Entity::find().all(db).await?;
    rows.sort_by(|a, b| {
        a.target.cmp(&b.target).then_with(|| {
            let v = |r: &release::Model| sign::parse_version(&r.version).unwrap_or_default();
            v(b).cmp(&v(a))
        })
    });
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn get<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<release::Model> {
    release::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("release {id}")))
}

/// Removes a release and its binary.
pub async fn remove<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<ReleaseView> {
    let row = get(db, id).await?;
    release::Entity::delete_by_id(id).exec(db).await?;
    Ok(row.into())
}

/// One chunk of a release's binary (None past the end).
pub async fn chunk<C: ConnectionTrait>(db: &C, id: Uuid, seq: i32) -> StoreResult<Option<Vec<u8>>> {
    Ok(release_chunk::Entity::find()
        .filter(release_chunk::Column::ReleaseId.eq(id))
        .filter(release_chunk::Column::Seq.eq(seq))
        .select_only()
        .column(release_chunk::Column::Data)
        .into_tuple::<Vec<u8>>()
        .one(db)
        .await?)
}

/// Whether an agent falls inside a staged rollout of `percent` for `version`: a stable
/// bucket from the agent's id and the version, so each version reaches a different first
/// slice of the fleet and an agent never flips in and out.
pub fn in_rollout(agent_id: Uuid, version: &str, percent: u8) -> bool {
    if percent >= 100 {
        return true;
    }
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(agent_id.as_bytes());
    ctx.update(version.as_bytes());
    let d = ctx.finish();
    let bucket = u16::from_be_bytes([d.as_ref()[0], d.as_ref()[1]]) % 100;
    bucket < u16::from(percent)
}

/// The release an agent should run now under its site's policy, if that is not the one it
/// runs: the pinned version, or else the newest for its platform, within the rollout.
pub async fn due_for<C: ConnectionTrait>(
    db: &C,
    agent_id: Uuid,
    running: Option<&str>,
    target: Option<&str>,
    policy: &UpdatePolicy,
) -> StoreResult<Option<release::Model>> {
    let (Some(running), Some(target)) = (running, target) else {
        return Ok(None);
    };
    if !policy.auto {
        return Ok(None);
    }
    let current = sign::parse_version(running).ok();
    let chosen = pick(db, target, policy, current).await?;
    Ok(chosen.filter(|r| {
        r.version != running
            && in_rollout(agent_id, &r.version, policy.rollout_percent.unwrap_or(100))
    }))
}

/// The release a new agent of the site is installed with: the site's pinned version when it
/// pins one, or else the newest version for the platform. The auto-update switch does not
/// apply: an install always needs a binary.
pub async fn for_install<C: ConnectionTrait>(
    db: &C,
    site_id: Uuid,
    target: &str,
) -> StoreResult<Option<release::Model>> {
    pick(db, target, &policy_of(db, site_id).await?, None).await
}

/// The policy's pinned version for `target`, or else the newest version, when it is newer
/// than `newer_than`.
async fn pick<C: ConnectionTrait>(
    db: &C,
    target: &str,
    policy: &UpdatePolicy,
    newer_than: Option<(u64, u64, u64)>,
) -> StoreResult<Option<release::Model>> {
    let candidates = release::Entity::find()
        .filter(release::Column::Target.eq(target))
        .order_by_desc(release::Column::AddedAt)
        .all(db)
        .await?;
    Ok(match policy.pinned_version.as_deref().map(str::trim) {
        Some(pin) if !pin.is_empty() => candidates.into_iter().find(|r| r.version == pin),
        _ => candidates
            .into_iter()
            .filter_map(|r| sign::parse_version(&r.version).ok().map(|v| (v, r)))
            .max_by(|a, b| a.0.cmp(&b.0))
            .filter(|(v, _)| newer_than.is_none_or(|c| *v > c))
            .map(|(_, r)| r),
    })
}

/// The update policy in a site's stored settings (off when it has none or they do not
/// parse: a policy nobody can read never updates anything).
pub fn policy_in(row: Option<&site_config::Model>) -> UpdatePolicy {
    row.and_then(|r| serde_json::from_value::<SiteSettings>(r.settings.clone()).ok())
        .map(|s| s.updates)
        .unwrap_or_default()
}

/// The site's update policy.
pub async fn policy_of<C: ConnectionTrait>(db: &C, site_id: Uuid) -> StoreResult<UpdatePolicy> {
    let row = site_config::Entity::find_by_id(site_id).one(db).await?;
    Ok(policy_in(row.as_ref()))
}
