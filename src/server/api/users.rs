//! User administration (admins only). Changing a password or role, or removing a user, ends
//! that user's sessions at once.
use crate::server::audit::Audit;
use crate::server::body::Body;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::Admin;
use crate::server::state::AppState;
use crate::store::{self, users::Role, users::UserView};
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub users: Vec<UserView>,
}

#[utoipa::path(tag = "users", responses((status = 200, body = UserList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/users")]
pub async fn user_list(state: web::Data<AppState>, _who: Admin) -> ApiResult<web::Json<UserList>> {
    Ok(web::Json(UserList {
        users: store::users::list(&state.db).await?,
    }))
}

fn role(text: &str) -> Result<Role, ApiError> {
    text.parse()
        .map_err(|e| ApiError::BadRequest(format!("invalid field `role`: {e}")))
}

async fn hashed(password: String) -> Result<String, ApiError> {
    crate::password::check_strength(&password)
        .map_err(|e| ApiError::BadRequest(format!("invalid field `password`: {e}")))?;
    web::block(move || crate::password::hash(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("hashing task failed: {e}")))?
        .map_err(ApiError::Internal)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    /// At least 10 characters.
    pub password: String,
    /// `admin` or `viewer`.
    pub role: String,
}

#[utoipa::path(tag = "users", request_body = NewUser, responses((status = 201, body = UserView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[post("/users")]
pub async fn user_add(
    state: web::Data<AppState>,
    who: Admin,
    body: Body<NewUser>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner()?;
    let role = role(&b.role)?;
    let hash = hashed(b.password).await?;
    let view = store::users::add(&state.db, &b.username, &hash, role).await?;
    tracing::info!(by = %who.0.user.username, user = %view.username, role = %view.role, "user added");
    Audit::new("user.add")
        .target(&view.username)
        .after(&serde_json::json!({ "role": view.role }))
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub role: Option<String>,
    pub password: Option<String>,
}

#[utoipa::path(tag = "users", params(("username" = String, Path)), request_body = UserChange, responses((status = 200, body = UserView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[put("/users/{username}")]
pub async fn user_change(
    state: web::Data<AppState>,
    who: Admin,
    username: web::Path<String>,
    body: Body<UserChange>,
) -> ApiResult<web::Json<UserView>> {
    let b = body.into_inner()?;
    if b.role.is_none() && b.password.is_none() {
        return Err(ApiError::BadRequest(
            "nothing to change: send `role` and/or `password`".into(),
        ));
    }
    // Everything that can be refused is checked before anything changes.
    let role = b.role.as_deref().map(role).transpose()?;
    let hash = match b.password {
        Some(p) => Some(hashed(p).await?),
        None => None,
    };
    let before = store::users::list(&state.db)
        .await?
        .into_iter()
        .find(|u| u.username == username.trim())
        .map(|u| u.role);
    let view = store::users::change(&state.db, &username, role, hash.as_deref()).await?;
    tracing::info!(by = %who.0.user.username, user = %view.username, "user changed");
    // The password is recorded as changed, never with a value.
    Audit::new("user.change")
        .target(&view.username)
        .before(&serde_json::json!({ "role": before }))
        .after(&serde_json::json!({ "role": view.role, "password_changed": hash.is_some() }))
        .by(&who.0, &state)
        .await;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "users", params(("username" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
#[delete("/users/{username}")]
pub async fn user_remove(
    state: web::Data<AppState>,
    who: Admin,
    username: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if username.trim() == who.0.user.username {
        return Err(ApiError::Conflict(
            "you cannot remove your own account".into(),
        ));
    }
    store::users::remove(&state.db, &username).await?;
    tracing::info!(by = %who.0.user.username, user = %username.trim(), "user removed");
    Audit::new("user.remove")
        .target(username.trim())
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::NoContent().finish())
}
