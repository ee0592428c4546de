//! Login, logout and "who am I". Passwords are checked with argon2id off the async workers;
//! unknown users cost the same time as wrong passwords, and failures are throttled.
use crate::server::audit::Audit;
use crate::server::body::Body;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{self, SessionUser, SignedIn};
use crate::server::state::AppState;
use crate::store;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The session as the dashboard needs it: who, and the token to send on writes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    pub user: SessionUser,
    /// Send as `X-CSRF-Token` on every POST, PUT and DELETE.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// The client's address: the peer, or the trusted proxies' `X-Forwarded-For` entry.
pub fn client_addr(req: &HttpRequest, state: &AppState) -> String {
    crate::server::client_addr::client_addr(
        req,
        state.options.behind_proxy,
        state.options.trusted_proxies,
    )
}

/// A real hash to verify against when the user does not exist (same cost as a wrong password).
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| crate::password::hash("decoy password, never valid").unwrap_or_default())
}

/// The user when the password is theirs. Unknown users are verified against a decoy hash,
/// so both failures take the same time.
async fn check_password(
    state: &AppState,
    username: &str,
    password: String,
) -> ApiResult<Option<store::entity::user::Model>> {
    let user = if username.len() <= 64 {
        store::users::find(&state.db, username).await?
    } else {
        None
    };
    let hash = user
        .as_ref()
        .map_or_else(|| decoy_hash().to_string(), |u| u.password_hash.clone());
    let ok = web::block(move || crate::password::verify(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(format!("password check failed: {e}")))?;
    Ok(user.filter(|_| ok))
}

#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionInfo),
        (status = 401, body = ErrorBody),
        (status = 429, description = "Too many failures; see Retry-After", body = ErrorBody),
        (status = 503, description = "Too many logins at once; see Retry-After", body = ErrorBody)
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { username, password } = body.into_inner()?;
    let addr = client_addr(&req, &state);
    if let Err(wait) = state.throttle.begin(&username, &addr, Instant::now()) {
        tracing::warn!(%addr, "login refused: too many failures");
        return Err(ApiError::TooManyRequests {
            message: format!(
                "too many failed logins; try again in {} minutes",
                wait.div_ceil(60)
            ),
            retry_after: wait,
        });
    }
    // Each verify holds ~19 MiB for a few hundred ms: a fixed number run at once, the rest
    // are told to come back (the attempt they were counted for is given back).
    let Ok(permit) = state.password_checks.clone().try_acquire_owned() else {
        state.throttle.cancel(&username, &addr);
        return Err(ApiError::Busy {
            message: "too many logins at once; try again in a moment".into(),
            retry_after: 1,
        });
    };
    let checked = check_password(&state, &username, password).await;
    drop(permit);
    let user = match checked {
        Ok(Some(user)) => user,
        Ok(None) => {
            tracing::warn!(%addr, "login failed");
            // Only failures whose password was checked: the throttle bounds how many there
            // are, so a flood of refused attempts never becomes a flood of writes.
            Audit::new("login.failed")
                .by_actor(&username, &addr, &state)
                .await;
            return Err(ApiError::InvalidLogin);
        }
        Err(e) => {
            state.throttle.cancel(&username, &addr);
            return Err(e);
        }
    };
    state.throttle.succeeded(&username, &addr);
    let cookie_value = session::random_token()?;
    let csrf = session::random_token()?;
    let now = Utc::now();
    store::sessions::create(
        &state.db,
        &session::session_key(&cookie_value),
        user.id,
        &csrf,
        now,
        state.options.session_lifetime,
    )
    .await?;
    tracing::info!(user = %user.username, %addr, "signed in");
    Audit::new("login")
        .by_actor(&user.username, &addr, &state)
        .await;
    Ok(HttpResponse::Ok()
        .cookie(session::cookie(&cookie_value, &state))
        .json(SessionInfo {
            user: SessionUser {
                id: user.id,
                username: user.username,
                role: user.role,
            },
            csrf_token: csrf,
            expires_at: now + state.options.session_lifetime,
        }))
}

#[utoipa::path(tag = "auth", responses((status = 204, description = "Signed out"), (status = 401, body = ErrorBody)))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, who: SignedIn) -> ApiResult<HttpResponse> {
    store::sessions::delete(&state.db, &who.session_key).await?;
    Audit::new("logout").by(&who, &state).await;
    Ok(HttpResponse::NoContent()
        .cookie(session::removal_cookie(&state))
        .finish())
}

#[utoipa::path(tag = "auth", responses((status = 200, body = SessionInfo), (status = 401, body = ErrorBody)))]
#[get("/auth/me")]
pub async fn me(who: SignedIn) -> web::Json<SessionInfo> {
    web::Json(SessionInfo {
        user: who.user,
        csrf_token: who.csrf_token,
        expires_at: who.expires_at,
    })
}
