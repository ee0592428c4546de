//! The command queue. Every state change is one conditional UPDATE naming the state it
//! leaves and the agent it belongs to, so a command is acked once (it runs at most once, even
//! when two heartbeats or two server instances race), an agent can only touch its own
//! commands, and a late report of a command that expired changes nothing.
use super::entity::{agent, agent_command};
use super::error::{StoreError, StoreResult};
use super::page::{Page, PageRequest};
use super::sites;
use crate::model::commands::{
    CommandArgs, CommandKind, CommandOrder, CommandResult, CommandState, CommandUpdate, CommandView,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// The PostgreSQL channel that tells every server instance an agent has a command.
pub const CHANNEL: &str = "bigr_commands";

/// How long a queued command waits for its agent before it expires.
pub const ACK_WITHIN: Duration = Duration::minutes(10);
/// How long an acked command may run before it is failed for want of a result.
pub const FINISH_WITHIN: Duration = Duration::hours(6);
/// Commands one agent may have waiting at once (a bound on what a heartbeat carries).
pub const MAX_QUEUED: u64 = 20;

fn view(row: agent_command::Model, site: String) -> CommandView {
    CommandView {
        id: row.id,
        agent_id: row.agent_id,
        site,
        kind: CommandKind::parse(&row.kind).unwrap_or(CommandKind::ScanNow),
        args: serde_json::from_value(row.args).unwrap_or_default(),
        state: CommandState::parse(&row.state).unwrap_or(CommandState::Failed),
        issued_by: row.issued_by,
        issued_at: row.issued_at,
        expires_at: row.expires_at,
        acked_at: row.acked_at,
        finished_at: row.finished_at,
        progress: row.progress.and_then(|p| serde_json::from_value(p).ok()),
        result: row.result.and_then(|r| serde_json::from_value(r).ok()),
    }
}

async fn view_of<C: ConnectionTrait>(
    db: &C,
    row: agent_command::Model,
) -> StoreResult<CommandView> {
    let site = sites::name_of(db, row.site_id).await?;
    Ok(view(row, site))
}

/// Queues a command for a live agent.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn issue<C: ConnectionTrait>(
    db: &C,
    agent_id: Uuid,
    kind: CommandKind,
    args: &CommandArgs,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<CommandView> {
    let a = agent::Entity::find_by_id(agent_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("agent {agent_id}")))?;
    if a.revoked_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "agent {agent_id} is revoked: it takes no commands"
        )));
    }
    let waiting = super::page::count(
        db,
        agent_command::Entity::find()
            .filter(agent_command::Column::AgentId.eq(agent_id))
            .filter(agent_command::Column::State.eq(CommandState::Queued.as_str()))
            .filter(agent_command::Column::ExpiresAt.gt(now)),
    )
    .await?;
    if waiting >= MAX_QUEUED {
        return Err(StoreError::Conflict(format!(
            "agent {agent_id} already has {waiting} commands waiting"
        )));
    }
    let row = agent_command::Model {
        id: Uuid::now_v7(),
        site_id: a.site_id,
        agent_id,
        kind: kind.as_str().into(),
        args: serde_json::to_value(args).map_err(|e| StoreError::Invalid(e.to_string()))?,
        state: CommandState::Queued.as_str().into(),
        issued_by: by.chars().take(64).collect(),
        issued_at: now,
        expires_at: now + ACK_WITHIN,
        acked_at: None,
        finished_at: None,
        progress: None,
        result: None,
    };
    agent_command::Entity::insert(agent_command::ActiveModel::from(row.clone()))
        .exec_without_returning(db)
        .await?;
    view_of(db, row).await
}

/// The commands waiting for `agent_id`, oldest first.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn waiting<C: ConnectionTrait>(
    db: &C,
    agent_id: Uuid,
    now: DateTime<Utc>,
) -> StoreResult<Vec<CommandOrder>> {
    let rows = agent_command::Entity::find()
        .filter(agent_command::Column::AgentId.eq(agent_id))
        .filter(agent_command::Column::State.eq(CommandState::Queued.as_str()))
        .filter(agent_command::Column::ExpiresAt.gt(now))
        .order_by_asc(agent_command::Column::IssuedAt)
        .limit(MAX_QUEUED)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(CommandOrder {
                id: r.id,
                kind: CommandKind::parse(&r.kind)?,
                args: serde_json::from_value(r.args).unwrap_or_default(),
                expires_at: r.expires_at,
            })
        })
        .collect())
}

fn json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// Applies an agent's word on its own command. An ack is taken only from `queued` before the
/// command expires; progress and the end only from `acked` or `running`. Anything else is a
/// conflict that changes nothing (the command was acked elsewhere, or expired).
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn update<C: ConnectionTrait>(
    db: &C,
    agent_id: Uuid,
    id: Uuid,
    u: &CommandUpdate,
    now: DateTime<Utc>,
) -> StoreResult<CommandView> {
    use agent_command::Column as C;
    let open = [CommandState::Acked.as_str(), CommandState::Running.as_str()];
    let mut q = agent_command::Entity::update_many()
        .col_expr(C::State, Expr::value(u.state.as_str()))
        .filter(C::Id.eq(id))
        .filter(C::AgentId.eq(agent_id));
    q = match u.state {
        CommandState::Acked => q
            .col_expr(C::AckedAt, Expr::value(now))
            .col_expr(C::ExpiresAt, Expr::value(now + FINISH_WITHIN))
            .filter(C::State.eq(CommandState::Queued.as_str()))
            .filter(C::ExpiresAt.gt(now)),
        CommandState::Running => q
            .col_expr(
                C::Progress,
                Expr::value(json(&u.progress.clone().unwrap_or_default())),
            )
            .filter(C::State.is_in(open)),
        CommandState::Completed | CommandState::Failed => q
            .col_expr(C::FinishedAt, Expr::value(now))
            .col_expr(
                C::Result,
                Expr::value(json(&u.result.clone().unwrap_or_default())),
            )
            .filter(C::State.is_in(open)),
        CommandState::Queued | CommandState::Expired => {
            return Err(StoreError::Invalid(format!(
                "invalid field `state`: an agent reports acked, running, completed or failed, not {}",
                u.state.as_str()
            )));
        }
    };
    let done = q.exec(db).await?;
    let row = agent_command::Entity::find_by_id(id)
        .filter(agent_command::Column::AgentId.eq(agent_id))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("command {id}")))?;
    if done.rows_affected == 0 {
        return Err(StoreError::Conflict(format!(
            "command {id} is {}: it cannot become {}",
            row.state,
            u.state.as_str()
        )));
    }
    view_of(db, row).await
}

/// Ends what nobody finished: queued commands past their time expire, acked or running ones
/// past theirs fail. Returns how many changed.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn expire<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> StoreResult<u64> {
    use agent_command::Column as C;
    let expired = agent_command::Entity::update_many()
        .col_expr(C::State, Expr::value(CommandState::Expired.as_str()))
        .col_expr(C::FinishedAt, Expr::value(now))
        .filter(C::State.eq(CommandState::Queued.as_str()))
        .filter(C::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    let gave_up = CommandResult {
        detail: Some("the agent gave no result in time".into()),
        ..Default::default()
    };
    let failed = agent_command::Entity::update_many()
        .col_expr(C::State, Expr::value(CommandState::Failed.as_str()))
        .col_expr(C::FinishedAt, Expr::value(now))
        .col_expr(C::Result, Expr::value(json(&gave_up)))
        .filter(C::State.is_in([CommandState::Acked.as_str(), CommandState::Running.as_str()]))
        .filter(C::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(expired + failed)
}

/// One command, for the dashboard's live view.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn get<C: ConnectionTrait>(db: &C, id: Uuid) -> StoreResult<CommandView> {
    let row = agent_command::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("command {id}")))?;
    view_of(db, row).await
}

/// An agent's commands, newest first.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list<C: ConnectionTrait>(
    db: &C,
    agent_id: Uuid,
    page: PageRequest,
) -> StoreResult<Page<CommandView>> {
    let q = agent_command::Entity::find()
        .filter(agent_command::Column::AgentId.eq(agent_id))
        .order_by_desc(agent_command::Column::IssuedAt)
        .order_by_desc(agent_command::Column::Id);
    let (rows, total) = page.fetch(db, q).await?;
    let site = match rows.first() {
        Some(r) => sites::name_of(db, r.site_id).await?,
        None => String::new(),
    };
    let items = rows.into_iter().map(|r| view(r, site.clone())).collect();
    Ok(page.wrap(items, total))
}

/// Tells every server instance on this PostgreSQL that `agent` has a command, so the one
/// holding its heartbeat wakes it (SQLite: nothing to tell; one process serves).
pub async fn announce<C: ConnectionTrait>(db: &C, agent: Uuid) -> StoreResult<()> {
    notify(db, &agent.to_string()).await
}

/// Sends `payload` on the commands channel (PostgreSQL only).
pub async fn notify<C: ConnectionTrait>(db: &C, payload: &str) -> StoreResult<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        ))
        .await?;
    }
    Ok(())
}
