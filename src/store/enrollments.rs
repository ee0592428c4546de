//! One-time, expiring enrollment tokens: an admin makes one for a site, an agent spends it to
//! register. Only the token's hash is stored.
use super::entity::enrollment_token;
use super::error::{StoreError, StoreResult};
use super::sites;
use crate::model::token::{self, PresentedToken, TokenKind};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;
use uuid::Uuid;

/// Longest life an enrollment token may be given (30 days).
pub const MAX_LIFETIME: Duration = Duration::days(30);

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnrollmentView {
    pub id: Uuid,
    pub site: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub agent_id: Option<Uuid>,
    /// active, used or expired.
    pub state: &'static str,
}

/// A new enrollment: `token` is shown once and never again.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewEnrollment {
    pub id: Uuid,
    pub site: String,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

fn state_of(e: &enrollment_token::Model, now: DateTime<Utc>) -> &'static str {
    if e.used_at.is_some() {
        "used"
    } else if e.expires_at <= now {
        "expired"
    } else {
        "active"
    }
}

/// Makes an enrollment token for `site` (created if needed), valid for `lifetime`.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn create<C: ConnectionTrait>(
    db: &C,
    site: &str,
    lifetime: Duration,
    created_by: Option<Uuid>,
) -> StoreResult<NewEnrollment> {
    if lifetime < Duration::minutes(1) || lifetime > MAX_LIFETIME {
        return Err(StoreError::Invalid(
            "an enrollment token lives from 1 minute to 30 days".into(),
        ));
    }
    let site = sites::ensure(db, site).await?;
    let issued = token::issue(TokenKind::Enrollment).map_err(StoreError::Invalid)?;
    let now = Utc::now();
    let row = enrollment_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site.id),
        token_id: Set(issued.id),
        token_hash: Set(issued.hash),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
        agent_id: Set(None),
    };
    let saved = enrollment_token::Entity::insert(row)
        .exec_with_returning(db)
        .await?;
    Ok(NewEnrollment {
        id: saved.id,
        site: site.name,
        token: issued.text,
        expires_at: saved.expires_at,
    })
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<EnrollmentView>> {
    let names = sites::names(db).await?;
    let now = Utc::now();
    Ok(enrollment_token::Entity::find()
        .order_by_desc(enrollment_token::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|e| EnrollmentView {
            id: e.id,
            site: names.get(&e.site_id).cloned().unwrap_or_default(),
            created_at: e.created_at,
            expires_at: e.expires_at,
            used_at: e.used_at,
            agent_id: e.agent_id,
            state: state_of(&e, now),
        })
        .collect())
}

/// Withdraws an enrollment token (used or not).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<()> {
    let res = enrollment_token::Entity::delete_by_id(id).exec(db).await?;
    if res.rows_affected == 0 {
        return Err(StoreError::NotFound(format!("enrollment {id}")));
    }
    Ok(())
}

/// Why a presented enrollment token cannot be spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Unknown id or wrong secret: nothing more is said.
    Invalid,
    Used,
    Expired,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Invalid => "invalid enrollment token",
            Refusal::Used => "this enrollment token was already used; ask for a new one",
            Refusal::Expired => "this enrollment token has expired; ask for a new one",
        }
    }
}

/// Checks a presented token; says how it fails only to someone who holds its secret.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn check<C: ConnectionTrait>(
    db: &C,
    presented: &PresentedToken,
    now: DateTime<Utc>,
) -> StoreResult<Result<enrollment_token::Model, Refusal>> {
    let Some(row) = enrollment_token::Entity::find()
        .filter(enrollment_token::Column::TokenId.eq(presented.id.as_str()))
        .one(db)
        .await?
    else {
        return Ok(Err(Refusal::Invalid));
    };
    if !presented.matches(&row.token_hash) {
        return Ok(Err(Refusal::Invalid));
    }
    Ok(match state_of(&row, now) {
        "used" => Err(Refusal::Used),
        "expired" => Err(Refusal::Expired),
        _ => Ok(row),
    })
}

/// Marks a checked token spent by `agent_id`; false when another registration spent it
/// first (the conditional UPDATE is what makes a token single-use under concurrency).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn spend<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    agent_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let res = enrollment_token::Entity::update_many()
        .col_expr(enrollment_token::Column::UsedAt, Expr::value(now))
        .col_expr(enrollment_token::Column::AgentId, Expr::value(agent_id))
        .filter(enrollment_token::Column::Id.eq(id))
        .filter(enrollment_token::Column::UsedAt.is_null())
        .filter(enrollment_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
