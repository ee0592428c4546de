//! What agents call with their own credentials: register (enrollment token or the shared
//! secret), heartbeat, fetch their site's configuration, and rotate their own token.
pub use crate::model::agent_api::{HeartbeatAnswer, HeartbeatRequest, RegisterRequest};
use crate::model::token::{self, TokenKind};
use crate::server::agent_auth::AgentCaller;
use crate::server::agent_limit::Action;
use crate::server::body::Body;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::state::AppState;
use crate::store::agents::{self, Authority, NewAgent, RegisterError, Registered};
use crate::store::enrollments::Refusal;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use uuid::Uuid;

pub(crate) fn refused(r: Refusal) -> ApiError {
    match r {
        Refusal::Invalid => ApiError::Unauthenticated(r.message().into()),
        Refusal::Used | Refusal::Expired => ApiError::Forbidden(r.message().into()),
    }
}

#[utoipa::path(tag = "agent channel", request_body = RegisterRequest, responses((status = 201, description = "The token is in this answer only", body = Registered), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/agents/register")]
pub async fn register(
    state: web::Data<AppState>,
    body: Body<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner()?;
    if b.version.as_ref().is_some_and(|v| v.chars().count() > 64) {
        return Err(ApiError::BadRequest(
            "invalid field `version`: longer than 64 characters".into(),
        ));
    }
    let presented = match &b.enroll_token {
        Some(t) => {
            Some(token::parse(TokenKind::Enrollment, t).ok_or_else(|| refused(Refusal::Invalid))?)
        }
        None => None,
    };
    let authority = match (&presented, &b.secret, &state.options.registration_secret) {
        (Some(p), _, _) => Authority::Enrollment(p),
        (None, Some(sent), Some(configured)) => {
            if !token::secrets_equal(sent, &configured.0) {
                return Err(ApiError::Unauthenticated(
                    "invalid registration secret".into(),
                ));
            }
            Authority::SharedSecret
        }
        (None, Some(_), None) => {
            return Err(ApiError::Forbidden(
                "this server takes no registration secret; use an enrollment token".into(),
            ));
        }
        // Only on the operator's explicit opt-in (never together with a proxy in front).
        (None, None, None) if state.options.open_registration => Authority::Open,
        (None, None, _) => {
            return Err(ApiError::Unauthenticated(
                "registration needs an enrollment token (`bigr agent enroll`) or the registration secret"
                    .into(),
            ));
        }
    };
    if matches!(authority, Authority::SharedSecret | Authority::Open) && b.site.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "invalid field `site`: required".into(),
        ));
    }
    let new = NewAgent {
        name: b.name,
        site: b.site,
        version: b.version,
        subnets: b.subnets,
    };
    let mut made = agents::register(&state.db, &new, authority)
        .await
        .map_err(|e| match e {
            RegisterError::Refused(r) => refused(r),
            RegisterError::WrongSite(site) => {
                ApiError::Forbidden(format!("this enrollment token is for site '{site}'"))
            }
            RegisterError::SiteTaken(site) => ApiError::Forbidden(format!(
                "site '{site}' exists: joining it needs an enrollment token (`bigr agent enroll --site {site}`)"
            )),
            RegisterError::Store(e) => e.into(),
        })?;
    made.release_public_key = state.options.release_key.as_ref().map(ToString::to_string);
    tracing::info!(agent = %made.agent_id, site = %made.site, "agent registered");
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(made))
}

/// Longest a heartbeat is held waiting for a command.
pub const MAX_WAIT_SECONDS: u32 = 25;

/// Takes one request from the agent's budget for `action`, or answers 429 with Retry-After.
pub fn limit(state: &AppState, agent: Uuid, action: Action) -> Result<(), ApiError> {
    let limits = state.options.agent_limits;
    let rate = match action {
        Action::Ingest => limits.ingest,
        Action::Heartbeat => limits.heartbeat,
        Action::Rotate => limits.rotate,
        Action::Config => limits.config,
        Action::Command => limits.command,
    };
    state
        .agent_limiter
        .take(agent, action, rate, std::time::Instant::now())
        .map_err(|retry_after| ApiError::TooManyRequests {
            message: "too many requests from this agent; retry later".into(),
            retry_after,
        })
}

#[utoipa::path(tag = "agent channel", request_body = HeartbeatRequest, responses((status = 200, body = HeartbeatAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)), security(("agent_token" = [])))]
#[post("/agents/heartbeat")]
pub async fn heartbeat(
    state: web::Data<AppState>,
    caller: AgentCaller,
    body: Body<HeartbeatRequest>,
) -> ApiResult<web::Json<HeartbeatAnswer>> {
    let agent = caller.0;
    // A malformed heartbeat is refused without spending the agent's budget.
    let b = body.into_inner()?;
    limit(&state, agent.id, Action::Heartbeat)?;
    let activity = b.activity.unwrap_or_default().as_str().to_string();
    for (field, value, max) in [
        ("version", &b.version, 64),
        ("target", &b.target, 64),
        (
            "update.version",
            &b.update.as_ref().map(|u| u.version.clone()),
            32,
        ),
        (
            "update.reason",
            &b.update.as_ref().and_then(|u| u.reason.clone()),
            512,
        ),
        ("last_error", &b.last_error, 512),
        (
            "scan_failure.reason",
            &b.scan_failure.as_ref().map(|f| f.reason.clone()),
            512,
        ),
    ] {
        if value.as_ref().is_some_and(|v| v.chars().count() > max) {
            return Err(ApiError::BadRequest(format!(
                "invalid field `{field}`: longer than {max} characters"
            )));
        }
    }
    let now = Utc::now();
    let hb = agents::Heartbeat {
        version: b.version,
        activity,
        subnets: b.subnets,
        queue_depth: b.queue_depth,
        last_scan_at: b
            .last_scan_at
            .filter(|t| *t <= now + chrono::Duration::minutes(10)),
        heartbeat_seconds: b.heartbeat_seconds.unwrap_or(60),
        last_error: b.last_error,
        config_version: b.config_version.filter(|v| *v >= 0),
        // A failure from the future is the agent's clock: it happened now.
        scan_failure: b.scan_failure.map(|f| (f.at.min(now), f.reason)),
        target: b.target.clone(),
        update: b.update.clone().map(|mut u| {
            u.at = u.at.min(now);
            u
        }),
    };
    let state_after = agents::heartbeat(&state.db, agent.id, &hb, now)
        .await
        .map_err(|e| match e {
            crate::store::StoreError::Invalid(why) => ApiError::BadRequest(why),
            other => other.into(),
        })?;
    let wait = b
        .wait_seconds
        .map(|w| std::time::Duration::from_secs(u64::from(w.min(MAX_WAIT_SECONDS))));
    let commands = super::commands::waiting_for(&state, agent.id, wait).await?;
    // After the wait: a configuration changed meanwhile is announced in this answer.
    let config_version = crate::store::site_config::version(&state.db, agent.site_id).await?;
    let update = offer(&state, &agent, hb.version.as_deref(), hb.target.as_deref()).await?;
    Ok(web::Json(HeartbeatAnswer {
        agent_id: agent.id,
        state: state_after,
        server_time: now,
        config_version,
        commands,
        update,
    }))
}

/// The release the agent's site wants it to run, if any (and if this server has a release
/// key: without one it has no releases to offer).
async fn offer(
    state: &AppState,
    agent: &crate::store::entity::agent::Model,
    version: Option<&str>,
    target: Option<&str>,
) -> ApiResult<Option<crate::model::release_api::UpdateOffer>> {
    use crate::store::releases;
    if state.options.release_key.is_none() {
        return Ok(None);
    }
    let policy = releases::policy_of(&state.db, agent.site_id).await?;
    if !policy.auto {
        return Ok(None);
    }
    let version = version.or(agent.version.as_deref());
    let target = target.or(agent.target.as_deref());
    let due = releases::due_for(&state.db, agent.id, version, target, &policy).await?;
    Ok(due.map(|r| crate::model::release_api::UpdateOffer {
        manifest: releases::manifest(&r),
        download: format!("/api/agents/releases/{}", r.id),
        pinned: policy
            .pinned_version
            .as_deref()
            .is_some_and(|p| p.trim() == r.version),
    }))
}

#[utoipa::path(tag = "agent channel", responses((status = 200, description = "The new token; the old one stops working now", body = Registered), (status = 401, body = ErrorBody), (status = 409, description = "The token was rotated by another request meanwhile", body = ErrorBody), (status = 429, body = ErrorBody)), security(("agent_token" = [])))]
#[post("/agents/rotate-token")]
pub async fn rotate_own_token(
    state: web::Data<AppState>,
    caller: AgentCaller,
) -> ApiResult<HttpResponse> {
    limit(&state, caller.0.id, Action::Rotate)?;
    // Only the token this request presented is replaced: of two rotations at once, one wins
    // and the other is told so, instead of both answering with a token only one can use.
    let made = agents::rotate_own(&state.db, caller.0.id, &caller.0.token_id).await?;
    tracing::info!(agent = %made.agent_id, "agent rotated its own token");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(made))
}

/// The ETag of configuration version `v`.
fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

#[utoipa::path(tag = "agent channel", params(("If-None-Match" = Option<String>, Header, description = "The ETag of the copy the agent holds")), responses((status = 200, description = "The site's configuration, with its credentials: only for agents of this site", body = crate::model::site_config::SiteConfig), (status = 304, description = "The agent's copy is current"), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)), security(("agent_token" = [])))]
#[get("/agents/config")]
pub async fn site_config(
    state: web::Data<AppState>,
    caller: AgentCaller,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let agent = caller.0;
    limit(&state, agent.id, Action::Config)?;
    // The site comes from the token, never from the request: an agent sees its own site only.
    let config = crate::store::site_config::for_agent(&state.db, agent.site_id).await?;
    let tag = etag(config.version);
    let held = req
        .headers()
        .get(actix_web::http::header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    // Credentials inside: no cache anywhere may keep it.
    let mut answer = if held {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    answer
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((actix_web::http::header::ETAG, tag));
    Ok(if held {
        answer.finish()
    } else {
        answer.json(config)
    })
}
