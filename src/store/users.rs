//! Dashboard users (admin / viewer). Only argon2id hashes are stored.
use super::entity::user;
use super::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, Statement,
};
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Viewer => "viewer",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "viewer" => Ok(Role::Viewer),
            _ => Err(format!("unknown role '{s}' (admin or viewer)")),
        }
    }
}

/// A user as listed: never the hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

fn view(u: user::Model) -> UserView {
    UserView {
        id: u.id,
        username: u.username,
        role: u.role,
        created_at: u.created_at,
        last_login_at: u.last_login_at,
    }
}

pub fn validate_username(name: &str) -> StoreResult<&str> {
    let n = name.trim();
    let ok = !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(n)
    } else {
        Err(StoreError::Invalid(format!(
            "invalid user name '{name}': use 1-64 of a-z, 0-9, '.', '_', '-', '@'"
        )))
    }
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn find<C: ConnectionTrait>(db: &C, username: &str) -> StoreResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username.trim()))
        .one(db)
        .await?)
}

/// Creates a user with an already computed password hash.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn add<C: ConnectionTrait>(
    db: &C,
    username: &str,
    password_hash: &str,
    role: Role,
) -> StoreResult<UserView> {
    let username = validate_username(username)?;
    if find(db, username).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "user '{username}' already exists"
        )));
    }
    let now = Utc::now();
    let row = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(username.to_string()),
        password_hash: Set(password_hash.to_string()),
        role: Set(role.as_str().to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
    };
    Ok(view(row.insert(db).await?))
}

/// Changes a user's role and/or password and ends their sessions, all in one transaction.
/// The last admin cannot be demoted: admins are locked first, so two admins demoting each
/// other at once cannot both succeed.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn change(
    db: &DatabaseConnection,
    username: &str,
    role: Option<Role>,
    password_hash: Option<&str>,
) -> StoreResult<UserView> {
    let txn = super::begin_write(db).await?;
    lock_admins(&txn).await?;
    let u = find(&txn, username)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user '{}'", username.trim())))?;
    if let Some(role) = role
        && u.role == Role::Admin.as_str()
        && role != Role::Admin
        && admin_count(&txn).await? <= 1
    {
        return Err(StoreError::Conflict(format!(
            "'{}' is the last admin and must stay one",
            u.username
        )));
    }
    let user_id = u.id;
    let mut row: user::ActiveModel = u.into();
    if let Some(role) = role {
        row.role = Set(role.as_str().to_string());
    }
    if let Some(hash) = password_hash {
        row.password_hash = Set(hash.to_string());
    }
    row.updated_at = Set(Utc::now());
    let updated = row.update(&txn).await?;
    super::sessions::delete_for_user(&txn, user_id).await?;
    txn.commit().await?;
    Ok(view(updated))
}

/// Holds every admin row until the transaction ends. On PostgreSQL a concurrent demotion
/// waits here and then counts the admins as they are after ours; on SQLite `begin_write`
/// already holds the single write lock.
async fn lock_admins<C: ConnectionTrait>(db: &C) -> StoreResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT id FROM users WHERE role = $1 FOR UPDATE",
            [Role::Admin.as_str().into()],
        ))
        .await?;
    }
    Ok(())
}

async fn admin_count<C: ConnectionTrait>(db: &C) -> StoreResult<u64> {
    Ok(user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?)
}

/// How many users exist (the first start creates an admin only into an empty table).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn count<C: ConnectionTrait>(db: &C) -> StoreResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<UserView>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Removes a user and their sessions; the last admin cannot be removed (nobody could
/// administer the server). Race-free like `change`.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn remove(db: &DatabaseConnection, username: &str) -> StoreResult<()> {
    let txn = super::begin_write(db).await?;
    lock_admins(&txn).await?;
    let u = find(&txn, username)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user '{}'", username.trim())))?;
    if u.role == Role::Admin.as_str() && admin_count(&txn).await? <= 1 {
        return Err(StoreError::Conflict(format!(
            "'{}' is the last admin and cannot be removed",
            u.username
        )));
    }
    super::sessions::delete_for_user(&txn, u.id).await?;
    user::Entity::delete_by_id(u.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
