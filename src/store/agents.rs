//! Site agents: registration, bearer authentication, heartbeats and the lifecycle
//! pending → online → stale → offline (→ revoked), which the server stores (see `sweep`).
use super::entity::{agent, enrollment_token};
use super::error::{StoreError, StoreResult};
use super::sites::SiteScope;
use super::{begin_write, enrollments, sites};
use crate::model::token::{self, PresentedToken, TokenKind};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use uuid::Uuid;

/// Heartbeats an agent may miss before it counts as stale.
pub const MISSED_HEARTBEATS: i64 = 3;
/// Silence after which an agent counts as offline even though it never said so.
pub const OFFLINE_AFTER: Duration = Duration::hours(24);
/// Bounds on the heartbeat period an agent may announce.
pub const HEARTBEAT_SECONDS: std::ops::RangeInclusive<i32> = 1..=3600;

pub use crate::model::agent_api::{AgentState, Registered};

/// An agent as the dashboard lists it: never its token or hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgentView {
    pub id: Uuid,
    pub name: String,
    pub site: String,
    pub state: AgentState,
    pub version: Option<String>,
    pub subnets: Vec<String>,
    pub queue_depth: i32,
    /// What it said it was doing: idle, scanning or stopping.
    pub activity: Option<String>,
    /// The last problem it reported.
    pub last_error: Option<String>,
    pub heartbeat_seconds: i32,
    /// The site configuration version it runs (None: it never said; an older agent).
    pub config_version: Option<i64>,
    /// The site's current configuration version (0: none). Equal to `config_version`:
    /// applied; greater: pending.
    pub site_config_version: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_scan_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The platform it runs on.
    pub target: Option<String>,
    /// Its latest update: updating, updated, refused or rolled_back (None: none yet).
    pub update_state: Option<String>,
    pub update_version: Option<String>,
    /// Why an update was refused or rolled back.
    pub update_reason: Option<String>,
    pub update_at: Option<DateTime<Utc>>,
}

fn view(a: agent::Model, site: String, site_config_version: i64) -> AgentView {
    AgentView {
        id: a.id,
        name: a.name,
        site,
        state: AgentState::parse(&a.status),
        version: a.version,
        subnets: serde_json::from_value(a.subnets).unwrap_or_default(),
        queue_depth: a.queue_depth,
        activity: a.activity,
        last_error: a.last_error,
        heartbeat_seconds: a.heartbeat_seconds,
        config_version: a.config_version,
        site_config_version,
        created_at: a.created_at,
        last_seen_at: a.last_seen_at,
        last_scan_at: a.last_scan_at,
        target: a.target,
        update_state: a.update_state,
        update_version: a.update_version,
        update_reason: a.update_reason,
        update_at: a.update_at,
        revoked_at: a.revoked_at,
    }
}

/// What a registering agent tells about itself.
#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub site: String,
    pub version: Option<String>,
    pub subnets: Vec<String>,
}

/// How a registration is authorised.
pub enum Authority<'a> {
    /// A one-time enrollment token (its site wins over the one asked for).
    Enrollment(&'a PresentedToken),
    /// The shared registration secret, already checked by the caller.
    SharedSecret,
    /// No credential (the server opted in to open registration): may only create a new site,
    /// never join one that holds someone's inventory.
    Open,
}

/// Why a registration was refused (beyond database errors).
#[derive(Debug)]
pub enum RegisterError {
    Refused(enrollments::Refusal),
    /// The enrollment token belongs to another site than the one asked for.
    WrongSite(String),
    /// An open (credential-less) registration named a site that already exists.
    SiteTaken(String),
    Store(StoreError),
}

impl From<StoreError> for RegisterError {
    fn from(e: StoreError) -> Self {
        RegisterError::Store(e)
    }
}

impl From<sea_orm::DbErr> for RegisterError {
    fn from(e: sea_orm::DbErr) -> Self {
        RegisterError::Store(e.into())
    }
}

pub fn validate_name(name: &str) -> StoreResult<&str> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 128 || n.chars().any(char::is_control) {
        return Err(StoreError::Invalid(
            "invalid agent name: 1-128 characters, no control characters".into(),
        ));
    }
    Ok(n)
}

fn check_subnets(subnets: &[String]) -> StoreResult<()> {
    if subnets.len() > 256 {
        return Err(StoreError::Invalid("at most 256 subnets".into()));
    }
    for s in subnets {
        super::subnets::parse_cidr(s)
            .map_err(|e| StoreError::Invalid(format!("invalid subnet '{s}': {e}")))?;
    }
    Ok(())
}

/// Registers an agent in one transaction: the enrollment token is spent exactly once.
pub async fn register(
    db: &DatabaseConnection,
    new: &NewAgent,
    authority: Authority<'_>,
) -> Result<Registered, RegisterError> {
    let name = validate_name(&new.name)?.to_string();
    check_subnets(&new.subnets)?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let enrollment: Option<enrollment_token::Model> = match authority {
        Authority::Enrollment(presented) => {
            let row = enrollments::check(&txn, presented, now)
                .await?
                .map_err(RegisterError::Refused)?;
            let site = sites::name_of(&txn, row.site_id).await?;
            if !new.site.trim().is_empty() && new.site.trim() != site {
                return Err(RegisterError::WrongSite(site));
            }
            Some(row)
        }
        Authority::SharedSecret => None,
        Authority::Open => {
            if sites::find(&txn, new.site.trim()).await?.is_some() {
                return Err(RegisterError::SiteTaken(new.site.trim().to_string()));
            }
            None
        }
    };
    let site = match &enrollment {
        Some(e) => sites::name_of(&txn, e.site_id).await?,
        None => new.site.clone(),
    };
    let site = sites::ensure(&txn, &site).await?;
    let issued = token::issue(TokenKind::Agent).map_err(StoreError::Invalid)?;
    let id = Uuid::now_v7();
    agent::Entity::insert(agent::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        name: Set(name),
        token_id: Set(issued.id),
        token_hash: Set(issued.hash),
        status: Set(AgentState::Pending.as_str().into()),
        version: Set(new.version.clone()),
        subnets: Set(serde_json::json!(new.subnets)),
        queue_depth: Set(0),
        created_at: Set(now),
        last_seen_at: Set(None),
        last_scan_at: Set(None),
        revoked_at: Set(None),
        activity: Set(None),
        last_error: Set(None),
        heartbeat_seconds: Set(60),
        config_version: Set(None),
        scan_failed_at: Set(None),
        scan_failure: Set(None),
        target: Set(None),
        update_state: Set(None),
        update_version: Set(None),
        update_reason: Set(None),
        update_at: Set(None),
    })
    .exec(&txn)
    .await?;
    if let Some(e) = &enrollment
        && !enrollments::spend(&txn, e.id, id, now).await?
    {
        // Another registration spent it between our check and now; ours rolls back.
        return Err(RegisterError::Refused(enrollments::Refusal::Used));
    }
    txn.commit().await?;
    Ok(Registered {
        agent_id: id,
        site: site.name,
        token: issued.text,
        release_public_key: None,
    })
}

/// The live (not revoked) agent a bearer token belongs to.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    bearer: &str,
) -> StoreResult<Option<agent::Model>> {
    let Some(presented) = token::parse(TokenKind::Agent, bearer) else {
        return Ok(None);
    };
    let row = agent::Entity::find()
        .filter(agent::Column::TokenId.eq(presented.id.as_str()))
        .one(db)
        .await?;
    Ok(row.filter(|a| presented.matches(&a.token_hash) && a.revoked_at.is_none()))
}

/// What an agent says about itself every heartbeat.
#[derive(Debug, Clone, Default)]
pub struct Heartbeat {
    pub version: Option<String>,
    /// idle, scanning or stopping ("stopping" marks it offline at once).
    pub activity: String,
    pub subnets: Option<Vec<String>>,
    pub queue_depth: u32,
    pub last_scan_at: Option<DateTime<Utc>>,
    pub heartbeat_seconds: i32,
    pub last_error: Option<String>,
    /// The site configuration version the agent runs.
    pub config_version: Option<i64>,
    /// When and why the agent's latest scan failed; None once one succeeds.
    pub scan_failure: Option<(DateTime<Utc>, String)>,
    pub target: Option<String>,
    /// Its latest update, as it reports it.
    pub update: Option<crate::model::release_api::UpdateReport>,
}

/// Records a heartbeat; returns the state it leaves the agent in.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn heartbeat<C: ConnectionTrait>(
    db: &C,
    agent_id: Uuid,
    hb: &Heartbeat,
    now: DateTime<Utc>,
) -> StoreResult<AgentState> {
    if let Some(s) = &hb.subnets {
        check_subnets(s)?;
    }
    if !HEARTBEAT_SECONDS.contains(&hb.heartbeat_seconds) {
        return Err(StoreError::Invalid(format!(
            "heartbeat_seconds must be between {} and {}",
            HEARTBEAT_SECONDS.start(),
            HEARTBEAT_SECONDS.end()
        )));
    }
    let state = if hb.activity == "stopping" {
        AgentState::Offline
    } else {
        AgentState::Online
    };
    let mut update = agent::Entity::update_many()
        .col_expr(agent::Column::Status, Expr::value(state.as_str()))
        .col_expr(agent::Column::LastSeenAt, Expr::value(now))
        .col_expr(agent::Column::Activity, Expr::value(hb.activity.clone()))
        .col_expr(agent::Column::LastError, Expr::value(hb.last_error.clone()))
        .col_expr(
            agent::Column::ScanFailedAt,
            Expr::value(hb.scan_failure.as_ref().map(|f| f.0)),
        )
        .col_expr(
            agent::Column::ScanFailure,
            Expr::value(hb.scan_failure.as_ref().map(|f| f.1.clone())),
        )
        .col_expr(
            agent::Column::QueueDepth,
            Expr::value(i32::try_from(hb.queue_depth).unwrap_or(i32::MAX)),
        )
        .col_expr(
            agent::Column::HeartbeatSeconds,
            Expr::value(hb.heartbeat_seconds),
        );
    if let Some(v) = &hb.version {
        update = update.col_expr(agent::Column::Version, Expr::value(v.clone()));
    }
    if let Some(s) = &hb.subnets {
        update = update.col_expr(agent::Column::Subnets, Expr::value(serde_json::json!(s)));
    }
    if let Some(t) = hb.last_scan_at {
        update = update.col_expr(agent::Column::LastScanAt, Expr::value(t));
    }
    if let Some(v) = hb.config_version {
        update = update.col_expr(agent::Column::ConfigVersion, Expr::value(v));
    }
    if let Some(t) = &hb.target {
        update = update.col_expr(agent::Column::Target, Expr::value(t.clone()));
    }
    if let Some(u) = &hb.update {
        update = update
            .col_expr(agent::Column::UpdateState, Expr::value(u.state.as_str()))
            .col_expr(agent::Column::UpdateVersion, Expr::value(u.version.clone()))
            .col_expr(agent::Column::UpdateReason, Expr::value(u.reason.clone()))
            .col_expr(agent::Column::UpdateAt, Expr::value(u.at));
    }
    update
        .filter(agent::Column::Id.eq(agent_id))
        .filter(agent::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(state)
}

/// An ingest is proof of life and of a scan.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn record_delivery<C: ConnectionTrait>(
    db: &C,
    agent_id: Uuid,
    scanned_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let row = agent::Entity::find_by_id(agent_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("agent {agent_id}")))?;
    let last_scan = row.last_scan_at.map_or(scanned_at, |t| t.max(scanned_at));
    agent::Entity::update_many()
        .col_expr(agent::Column::LastSeenAt, Expr::value(now))
        .col_expr(agent::Column::LastScanAt, Expr::value(last_scan))
        .col_expr(
            agent::Column::Status,
            Expr::value(AgentState::Online.as_str()),
        )
        .filter(agent::Column::Id.eq(agent_id))
        .filter(agent::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// All agents, or one site's, by site then name.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(db: &C, site: Option<&str>) -> StoreResult<Vec<AgentView>> {
    let mut q = agent::Entity::find();
    let scope = SiteScope::of(db, site).await?;
    q = scope.filter(q, agent::Column::SiteId);
    let versions = super::site_config::versions(db).await?;
    let mut out: Vec<AgentView> = q
        .order_by_asc(agent::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            let site = scope.name(a.site_id).to_string();
            let current = versions.get(&a.site_id).copied().unwrap_or(0);
            view(a, site, current)
        })
        .collect();
    out.sort_by(|a, b| a.site.cmp(&b.site).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn get<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<AgentView> {
    let a = agent::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("agent {id}")))?;
    let site = sites::name_of(db, a.site_id).await?;
    let current = super::site_config::version(db, a.site_id).await?;
    Ok(view(a, site, current))
}

/// Revokes an agent: its token stops working at once; its site's data stays.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn revoke<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<AgentView> {
    let existing = get(db, id).await?;
    if existing.revoked_at.is_none() {
        agent::Entity::update_many()
            .col_expr(agent::Column::RevokedAt, Expr::value(Utc::now()))
            .col_expr(
                agent::Column::Status,
                Expr::value(AgentState::Revoked.as_str()),
            )
            .filter(agent::Column::Id.eq(id))
            .exec(db)
            .await?;
    }
    get(db, id).await
}

/// Gives an agent a new token; the old one stops working at once.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn rotate(db: &DatabaseConnection, id: Uuid) -> StoreResult<Registered> {
    let txn = begin_write(db).await?;
    let row = agent::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("agent {id}")))?;
    if row.revoked_at.is_some() {
        return Err(StoreError::Conflict(
            "this agent is revoked; register a new one instead".into(),
        ));
    }
    let issued = token::issue(TokenKind::Agent).map_err(StoreError::Invalid)?;
    let site = sites::name_of(&txn, row.site_id).await?;
    let mut active: agent::ActiveModel = row.into();
    active.token_id = Set(issued.id);
    active.token_hash = Set(issued.hash);
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(Registered {
        agent_id: id,
        site,
        token: issued.text,
        release_public_key: None,
    })
}

/// An agent replaces its own token, if `presented_token_id` is still its token (a
/// conditional update: two rotations at once give one winner and one `Conflict`).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn rotate_own(
    db: &DatabaseConnection,
    id: Uuid,
    presented_token_id: &str,
) -> StoreResult<Registered> {
    let issued = token::issue(TokenKind::Agent).map_err(StoreError::Invalid)?;
    let txn = begin_write(db).await?;
    let res = agent::Entity::update_many()
        .col_expr(agent::Column::TokenId, Expr::value(issued.id.clone()))
        .col_expr(agent::Column::TokenHash, Expr::value(issued.hash.clone()))
        .filter(agent::Column::Id.eq(id))
        .filter(agent::Column::TokenId.eq(presented_token_id))
        .filter(agent::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(StoreError::Conflict(
            "this token was already rotated or revoked; use the newest token".into(),
        ));
    }
    let row = agent::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("agent {id}")))?;
    let site = sites::name_of(&txn, row.site_id).await?;
    txn.commit().await?;
    Ok(Registered {
        agent_id: id,
        site,
        token: issued.text,
        release_public_key: None,
    })
}

/// How many live agents run each version (None: never said), most common first.
pub async fn version_counts<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<(Option<String>, u64)>> {
    let rows: Vec<Option<String>> = agent::Entity::find()
        .filter(agent::Column::RevokedAt.is_null())
        .select_only()
        .column(agent::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: std::collections::BTreeMap<Option<String>, u64> = Default::default();
    for v in rows {
        *counts.entry(v).or_default() += 1;
    }
    let mut out: Vec<(Option<String>, u64)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(out)
}

/// Removes an agent; its scans stay (their agent reference is cleared).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<()> {
    let res = agent::Entity::delete_by_id(id).exec(db).await?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound(format!("agent {id}")));
    }
    Ok(())
}

/// Moves silent agents along the lifecycle; returns how many changed state. Conditional
/// UPDATEs: a heartbeat landing at the same moment wins.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn sweep<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> StoreResult<u64> {
    let mut changed = agent::Entity::update_many()
        .col_expr(
            agent::Column::Status,
            Expr::value(AgentState::Offline.as_str()),
        )
        .filter(
            agent::Column::Status.is_in([AgentState::Online.as_str(), AgentState::Stale.as_str()]),
        )
        .filter(agent::Column::LastSeenAt.lt(now - OFFLINE_AFTER))
        .exec(db)
        .await?
        .rows_affected;
    // Staleness depends on each agent's own period; periods are few, so one UPDATE each.
    let periods: Vec<i32> = agent::Entity::find()
        .select_only()
        .column(agent::Column::HeartbeatSeconds)
        .distinct()
        .filter(agent::Column::Status.eq(AgentState::Online.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    for period in periods {
        let cutoff = now - Duration::seconds(i64::from(period) * MISSED_HEARTBEATS);
        changed += agent::Entity::update_many()
            .col_expr(
                agent::Column::Status,
                Expr::value(AgentState::Stale.as_str()),
            )
            .filter(agent::Column::Status.eq(AgentState::Online.as_str()))
            .filter(agent::Column::HeartbeatSeconds.eq(period))
            .filter(agent::Column::LastSeenAt.lt(cutoff))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(changed)
}
