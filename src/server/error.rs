//! The one error type of the HTTP API and its single mapping to answers `{"error": "…"}`.
//! Clients get a short, stable reason; the full cause goes to the log only.
use crate::store::StoreError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("login required")]
    Unauthorized,
    #[error("invalid username or password")]
    InvalidLogin,
    /// A missing, unknown, wrong or revoked agent token: one answer for all.
    #[error("invalid or revoked agent token")]
    AgentUnauthorized,
    /// Credentials other than a login or agent token were refused (e.g. enrollment).
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    RequestTimeout(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// The server is at a bound it keeps (password checks, ingests at once): come back later.
    #[error("{message}")]
    Busy { message: String, retry_after: u64 },
    /// The database cannot be reached; the detail is logged, not shown.
    #[error("the database is unavailable, try again shortly")]
    Unavailable(String),
    /// Anything unexpected; the detail is logged, not shown.
    #[error("internal error")]
    Internal(String),
}

pub use crate::model::agent_api::ErrorBody;

pub type ApiResult<T> = Result<T, ApiError>;

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        StoreError::from(e).into()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            StoreError::Invalid(why) => ApiError::BadRequest(why),
            StoreError::Conflict(why) => ApiError::Conflict(why),
            StoreError::Report(e) => ApiError::Unprocessable(e.to_string()),
            StoreError::Db(db) if is_unavailable(&db) => ApiError::Unavailable(db.to_string()),
            StoreError::Connect(why) => ApiError::Unavailable(why),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// Whether a database error means "cannot reach the database" rather than a bad query.
pub fn is_unavailable(e: &sea_orm::DbErr) -> bool {
    use sea_orm::DbErr;
    match e {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        other => {
            let text = other.to_string().to_lowercase();
            [
                "connection",
                "pool timed out",
                // SQLite: another writer holds the file; the client should retry.
                "database is locked",
                "database is busy",
                "database table is locked",
                "broken pipe",
                "terminating",
                "does not exist",
            ]
            .iter()
            .any(|needle| text.contains(needle))
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized
            | ApiError::InvalidLogin
            | ApiError::AgentUnauthorized
            | ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(detail) => tracing::error!(detail = %detail, "request failed"),
            ApiError::Unavailable(detail) => {
                tracing::warn!(detail = %detail, "database unavailable")
            }
            _ => {}
        }
        let mut answer = HttpResponse::build(self.status_code());
        match self {
            ApiError::TooManyRequests { retry_after, .. } | ApiError::Busy { retry_after, .. } => {
                answer.insert_header(("Retry-After", retry_after.to_string()));
            }
            ApiError::Unavailable(_) => {
                answer.insert_header(("Retry-After", "5"));
            }
            _ => {}
        }
        if let ApiError::AgentUnauthorized = self {
            answer.insert_header(("WWW-Authenticate", "Bearer"));
        }
        answer.json(ErrorBody {
            error: self.to_string(),
        })
    }
}
