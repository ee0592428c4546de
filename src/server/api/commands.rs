//! Remote commands: admins queue them for one agent (`POST /api/agents/{id}/commands`), the
//! agent finds them in its (long-polling) heartbeat answer and reports each step
//! (`POST /api/agents/commands/{id}`), and the dashboard follows them
//! (`GET /api/commands/{id}`, `GET /api/agents/{id}/commands`).
use super::agents::parse_id;
use crate::model::commands::{CommandOrder, CommandUpdate, CommandView, NewCommand};
use crate::server::agent_auth::AgentCaller;
use crate::server::audit::Audit;
use crate::server::body::{Body, Paging, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::{self, Page};
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use serde::Deserialize;
use std::time::Duration;
use uuid::Uuid;

/// The commands waiting for `agent`; with `wait`, held until one arrives or the wait ends.
/// No database connection is held while waiting.
pub async fn waiting_for(
    state: &AppState,
    agent: Uuid,
    wait: Option<Duration>,
) -> ApiResult<Vec<CommandOrder>> {
    let Some(wait) = wait.filter(|w| !w.is_zero()) else {
        return Ok(store::commands::waiting(&state.db, agent, Utc::now()).await?);
    };
    let waiter = state.bell.wait_for(agent);
    let rung = waiter.notify.notified();
    tokio::pin!(rung);
    // Listening before looking: a command queued between the look and the wait still wakes.
    rung.as_mut().enable();
    let now = store::commands::waiting(&state.db, agent, Utc::now()).await?;
    if !now.is_empty() {
        return Ok(now);
    }
    let _ = tokio::time::timeout(wait, rung).await;
    Ok(store::commands::waiting(&state.db, agent, Utc::now()).await?)
}

#[utoipa::path(tag = "agents", params(("id" = String, Path)), request_body = NewCommand, responses((status = 201, body = CommandView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "The agent is revoked or has too many commands waiting", body = ErrorBody)))]
#[post("/agents/{id}/commands")]
pub async fn command_issue(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
    body: Body<NewCommand>,
) -> ApiResult<HttpResponse> {
    let agent = parse_id(&id, "agent")?;
    let c = body.into_inner()?;
    let args =
        crate::control::command_args::check(&c).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let view = store::commands::issue(
        &state.db,
        agent,
        c.kind,
        &args,
        &who.0.user.username,
        Utc::now(),
    )
    .await?;
    state.bell.ring(agent);
    if let Err(e) = store::commands::announce(&state.db, agent).await {
        tracing::warn!("cannot tell other instances of a command: {e}");
    }
    Audit::new("command.issue")
        .site(&view.site)
        .target(format!("{} → agent {agent}", view.kind.as_str()))
        .after(&view.args)
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CommandQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "agents", params(("id" = String, Path), CommandQuery), responses((status = 200, body = Page<CommandView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/agents/{id}/commands")]
pub async fn command_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    id: web::Path<String>,
    q: Params<CommandQuery>,
) -> ApiResult<web::Json<Page<CommandView>>> {
    let agent = parse_id(&id, "agent")?;
    let page = Paging {
        page: q.0.page,
        per_page: q.0.per_page,
    }
    .request()?;
    Ok(web::Json(
        store::commands::list(&state.db, agent, page).await?,
    ))
}

#[utoipa::path(tag = "agents", params(("id" = String, Path)), responses((status = 200, body = CommandView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/commands/{id}")]
pub async fn command_get(
    state: web::Data<AppState>,
    _who: SignedIn,
    id: web::Path<String>,
) -> ApiResult<web::Json<CommandView>> {
    let id = parse_id(&id, "command")?;
    Ok(web::Json(store::commands::get(&state.db, id).await?))
}

#[utoipa::path(tag = "agent channel", params(("id" = String, Path)), request_body = CommandUpdate, responses((status = 200, body = CommandView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Acked elsewhere, expired, or already ended", body = ErrorBody)), security(("agent_token" = [])))]
#[post("/agents/commands/{id}")]
pub async fn command_report(
    state: web::Data<AppState>,
    caller: AgentCaller,
    id: web::Path<String>,
    body: Body<CommandUpdate>,
) -> ApiResult<web::Json<CommandView>> {
    let id = parse_id(&id, "command")?;
    let u = body.into_inner()?;
    super::agent_calls::limit(
        &state,
        caller.0.id,
        crate::server::agent_limit::Action::Command,
    )?;
    let detail_too_long = u
        .result
        .as_ref()
        .and_then(|r| r.detail.as_ref())
        .is_some_and(|d| d.chars().count() > 512)
        || u.progress
            .as_ref()
            .is_some_and(|p| p.phase.chars().count() > 64);
    if detail_too_long {
        return Err(ApiError::BadRequest(
            "invalid field `result.detail` or `progress.phase`: too long".into(),
        ));
    }
    Ok(web::Json(
        store::commands::update(&state.db, caller.0.id, id, &u, Utc::now()).await?,
    ))
}
