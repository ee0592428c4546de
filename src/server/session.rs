//! Dashboard sessions: the cookie, the server-side row behind it, CSRF, and the two
//! extractors handlers use to say who may call them (`SignedIn`, `Admin`).
use super::error::ApiError;
use super::state::AppState;
use crate::store::{self, users::Role};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{FromRequest, HttpRequest, dev::Payload, http::Method, web};
use chrono::{DateTime, Utc};
use futures_util::future::LocalBoxFuture;
use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;
use subtle::ConstantTimeEq;
use uuid::Uuid;

pub const COOKIE: &str = "bigr_session";
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// Activity is written back at most this often per session (reads stay reads).
const TOUCH_EVERY_SECS: i64 = 60;

/// The signed-in user as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionUser {
    pub id: Uuid,
    pub username: String,
    /// `admin` or `viewer`.
    pub role: String,
}

/// Any signed-in user (admin or viewer). Writes also need the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: SessionUser,
    pub csrf_token: String,
    /// SHA-256 of the cookie value: the session row's key.
    pub session_key: String,
    pub expires_at: DateTime<Utc>,
    /// The client's address (the peer, or the trusted proxies' `X-Forwarded-For` entry), for
    /// the audit log.
    pub address: String,
}

impl SignedIn {
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin.as_str()
    }
}

/// A signed-in admin.
#[derive(Debug, Clone)]
pub struct Admin(pub SignedIn);

/// 32 random bytes as hex: cookie values and CSRF tokens.
pub fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| ApiError::Internal("the system random generator failed".into()))?;
    Ok(hex(&bytes))
}

/// The session row key for a cookie value.
pub fn session_key(cookie_value: &str) -> String {
    hex(digest::digest(&digest::SHA256, cookie_value.as_bytes()).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The session cookie as the browser should keep it.
pub fn cookie(value: &str, state: &AppState) -> Cookie<'static> {
    Cookie::build(COOKIE, value.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.options.cookie_secure)
        .max_age(actix_web::cookie::time::Duration::seconds(
            state.options.session_lifetime.num_seconds(),
        ))
        .finish()
}

/// An expired cookie that makes the browser forget the session.
pub fn removal_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = cookie("", state);
    c.make_removal();
    c
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn authenticate(req: HttpRequest) -> Result<SignedIn, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?
        .clone();
    let value = req
        .cookie(COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64)
        .ok_or(ApiError::Unauthorized)?;
    let key = session_key(&value);
    let now = Utc::now();
    let live = store::sessions::find(&state.db, &key, now)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    // Activity is written at most once a minute, so idleness is known to within that minute.
    if now - live.last_seen_at > state.options.session_idle {
        store::sessions::delete(&state.db, &key).await?;
        return Err(ApiError::Unauthorized);
    }
    if is_write(req.method()) {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let matches: bool = sent.as_bytes().ct_eq(live.csrf_token.as_bytes()).into();
        if !matches {
            return Err(ApiError::Forbidden(format!(
                "missing or wrong {CSRF_HEADER} header"
            )));
        }
    }
    if (now - live.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
        store::sessions::touch(&state.db, &key, now).await?;
    }
    Ok(SignedIn {
        user: SessionUser {
            id: live.user.id,
            username: live.user.username,
            role: live.user.role,
        },
        csrf_token: live.csrf_token,
        session_key: key,
        expires_at: live.expires_at,
        address: crate::server::api::auth::client_addr(&req, &state),
    })
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let who = authenticate(req).await?;
            if who.is_admin() {
                Ok(Admin(who))
            } else {
                Err(ApiError::Forbidden("this needs the admin role".into()))
            }
        })
    }
}
