//! Agent administration from the dashboard: the fleet list, enrollment tokens, and revoke /
//! rotate / delete. Tokens appear in an answer once, when made, and never again.
use super::site_filter;
use crate::server::audit::Audit;
use crate::server::body::{Body, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::agents::{AgentView, Registered};
use crate::store::enrollments::{EnrollmentView, NewEnrollment};
use crate::store::{self, sites::DEFAULT_SITE};
use actix_web::{HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgentQuery {
    pub site: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AgentList {
    pub agents: Vec<AgentView>,
}

#[utoipa::path(tag = "agents", params(AgentQuery), responses((status = 200, body = AgentList), (status = 401, body = ErrorBody)))]
#[get("/agents")]
pub async fn agent_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<AgentQuery>,
) -> ApiResult<web::Json<AgentList>> {
    let site = site_filter(&q.0.site);
    Ok(web::Json(AgentList {
        agents: store::agents::list(&state.db, site.as_deref()).await?,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    /// The site the agent will report into (created if new); `local` when absent.
    pub site: Option<String>,
    /// Hours the token stays valid, 1-720 (default 24).
    pub expires_hours: Option<u32>,
}

#[utoipa::path(tag = "agents", request_body = EnrollmentRequest, responses((status = 201, description = "The token is in this answer only", body = NewEnrollment), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[post("/agents/enrollments")]
pub async fn enrollment_add(
    state: web::Data<AppState>,
    who: Admin,
    body: Body<EnrollmentRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner()?;
    let site = site_filter(&b.site).unwrap_or_else(|| DEFAULT_SITE.to_string());
    let hours = b.expires_hours.unwrap_or(24);
    if !(1..=720).contains(&hours) {
        return Err(ApiError::BadRequest(
            "invalid field `expires_hours`: must be between 1 and 720".into(),
        ));
    }
    let lifetime = chrono::Duration::hours(i64::from(hours));
    let made = store::enrollments::create(&state.db, &site, lifetime, Some(who.0.user.id))
        .await
        .map_err(|e| match e {
            store::StoreError::Invalid(why) => {
                ApiError::BadRequest(format!("invalid field `site`: {why}"))
            }
            other => other.into(),
        })?;
    tracing::info!(site = %made.site, by = %who.0.user.username, "enrollment token made");
    Audit::new("enrollment.add")
        .site(&made.site)
        .after(&serde_json::json!({ "expires_hours": hours }))
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(made))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EnrollmentList {
    pub enrollments: Vec<EnrollmentView>,
}

#[utoipa::path(tag = "agents", responses((status = 200, body = EnrollmentList), (status = 403, body = ErrorBody)))]
#[get("/agents/enrollments")]
pub async fn enrollment_list(
    state: web::Data<AppState>,
    _who: Admin,
) -> ApiResult<web::Json<EnrollmentList>> {
    Ok(web::Json(EnrollmentList {
        enrollments: store::enrollments::list(&state.db).await?,
    }))
}

pub(super) fn parse_id(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text.trim())
        .map_err(|_| ApiError::BadRequest(format!("invalid {what} id '{}'", text.trim())))
}

#[utoipa::path(tag = "agents", params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/agents/enrollments/{id}")]
pub async fn enrollment_remove(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = parse_id(&id, "enrollment")?;
    store::enrollments::delete(&state.db, id).await?;
    Audit::new("enrollment.remove")
        .target(id.to_string())
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "agents", params(("id" = String, Path)), responses((status = 200, body = AgentView), (status = 404, body = ErrorBody)))]
#[post("/agents/{id}/revoke")]
pub async fn agent_revoke(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<web::Json<AgentView>> {
    let view = store::agents::revoke(&state.db, parse_id(&id, "agent")?).await?;
    tracing::info!(agent = %view.id, by = %who.0.user.username, "agent revoked");
    Audit::new("agent.revoke")
        .site(&view.site)
        .target(format!("{} ({})", view.id, view.name))
        .by(&who.0, &state)
        .await;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "agents", params(("id" = String, Path)), responses((status = 200, description = "The new token is in this answer only", body = Registered), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/agents/{id}/rotate")]
pub async fn agent_rotate(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let made = store::agents::rotate(&state.db, parse_id(&id, "agent")?).await?;
    tracing::info!(agent = %made.agent_id, by = %who.0.user.username, "agent token rotated");
    Audit::new("agent.rotate")
        .site(&made.site)
        .target(made.agent_id.to_string())
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(made))
}

#[utoipa::path(tag = "agents", params(("id" = String, Path)), responses((status = 204, description = "Removed; the site's data stays"), (status = 404, body = ErrorBody)))]
#[delete("/agents/{id}")]
pub async fn agent_remove(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = parse_id(&id, "agent")?;
    let gone = store::agents::get(&state.db, id).await?;
    store::agents::delete(&state.db, id).await?;
    tracing::info!(agent = %id, by = %who.0.user.username, "agent removed");
    Audit::new("agent.delete")
        .site(&gone.site)
        .target(format!("{id} ({})", gone.name))
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::NoContent().finish())
}
