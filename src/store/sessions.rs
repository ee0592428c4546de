//! Server-side login sessions. The row is keyed by the SHA-256 of the cookie value, so a
//! leaked database does not hand out live sessions; every server instance reads the same rows.
use super::entity::{session, user};
use super::error::StoreResult;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};
use uuid::Uuid;

/// A live session with its user.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub id: String,
    pub user: user::Model,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Stores a new session for `user_id` under `id_hash` (the hashed cookie value).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn create<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    user_id: Uuid,
    csrf_token: &str,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> StoreResult<()> {
    session::ActiveModel {
        id: Set(id_hash.to_string()),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token.to_string()),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        last_seen_at: Set(now),
    }
    .insert(db)
    .await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(now))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The unexpired session stored under `id_hash`, with its user.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn find<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<LiveSession>> {
    let Some(s) = session::Entity::find_by_id(id_hash.to_string())
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let user = user::Entity::find_by_id(s.user_id).one(db).await?;
    Ok(user.map(|user| LiveSession {
        id: s.id,
        user,
        csrf_token: s.csrf_token,
        expires_at: s.expires_at,
        last_seen_at: s.last_seen_at,
    }))
}

/// Records activity (callers throttle this to one write a minute per session).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn delete<C: ConnectionTrait>(db: &C, id_hash: &str) -> StoreResult<()> {
    session::Entity::delete_by_id(id_hash.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user (password reset, role change, removal).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn delete_for_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> StoreResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes expired sessions and those unused for `idle`; returns how many.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn purge_expired<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    idle: Duration,
) -> StoreResult<u64> {
    Ok(session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - idle)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
