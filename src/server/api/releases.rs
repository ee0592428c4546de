//! Signed agent releases. Admins add them (`POST /api/releases`: the binary as the body, its
//! signed manifest in the `X-Release-Manifest` header, checked against the server's release
//! public key before anything is stored) and remove them; any signed-in user lists them and
//! the fleet's versions; agents download the binary their heartbeat offered, a stored chunk
//! at a time.
use super::agents::parse_id;
use crate::release::sign::SignedManifest;
use crate::server::audit::Audit;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::entity::release;
use crate::store::releases::{self, MAX_SIZE, ReleaseView};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use base64::Engine;
use futures_util::StreamExt;
use serde::Serialize;
use std::io::Write;
use std::sync::LazyLock;

/// One upload at a time: each holds a temporary file as large as a release.
static UPLOADS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| tokio::sync::Semaphore::new(1));
/// The manifest header's largest size (a manifest is about 400 bytes).
const MAX_MANIFEST_HEADER: usize = 8 * 1024;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReleaseList {
    pub items: Vec<ReleaseView>,
    /// The release public key the server checks manifests with and agents pin at
    /// registration (`bigr-ed25519:…`); none: releases cannot be added.
    pub public_key: Option<String>,
    pub key_id: Option<String>,
}

#[utoipa::path(tag = "releases", responses((status = 200, body = ReleaseList), (status = 401, body = ErrorBody)))]
#[get("/releases")]
pub async fn release_list(
    state: web::Data<AppState>,
    _who: SignedIn,
) -> ApiResult<web::Json<ReleaseList>> {
    let key = state.options.release_key.as_ref();
    Ok(web::Json(ReleaseList {
        items: releases::list(&state.db).await?,
        public_key: key.map(ToString::to_string),
        key_id: key.map(|k| k.id()),
    }))
}

/// How many agents run each version.
#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionCount {
    /// None: the agent never said.
    pub version: Option<String>,
    pub agents: u64,
}

#[utoipa::path(tag = "releases", responses((status = 200, body = Vec<VersionCount>), (status = 401, body = ErrorBody)))]
#[get("/agents/versions")]
pub async fn agent_versions(
    state: web::Data<AppState>,
    _who: SignedIn,
) -> ApiResult<web::Json<Vec<VersionCount>>> {
    let counts = crate::store::agents::version_counts(&state.db).await?;
    Ok(web::Json(
        counts
            .into_iter()
            .map(|(version, agents)| VersionCount { version, agents })
            .collect(),
    ))
}

fn manifest_header(req: &HttpRequest) -> Result<SignedManifest, ApiError> {
    let raw = req
        .headers()
        .get("x-release-manifest")
        .ok_or_else(|| ApiError::BadRequest("the X-Release-Manifest header is missing".into()))?
        .as_bytes();
    if raw.len() > MAX_MANIFEST_HEADER {
        return Err(ApiError::BadRequest(
            "the X-Release-Manifest header is too long".into(),
        ));
    }
    let json = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .map_err(|_| ApiError::BadRequest("X-Release-Manifest is not base64".into()))?;
    serde_json::from_slice(&json)
        .map_err(|e| ApiError::BadRequest(format!("X-Release-Manifest: {e}")))
}

#[utoipa::path(tag = "releases", request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The binary; its signed manifest (JSON, base64) in the X-Release-Manifest header"), responses((status = 201, body = ReleaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[post("/releases")]
pub async fn release_add(
    state: web::Data<AppState>,
    who: Admin,
    req: HttpRequest,
    mut body: web::Payload,
) -> ApiResult<HttpResponse> {
    let key = state.options.release_key.clone().ok_or_else(|| {
        ApiError::Conflict("no release public key is configured (BIGR_RELEASE_PUBLIC_KEY)".into())
    })?;
    let manifest = manifest_header(&req)?;
    if manifest.signed.size > MAX_SIZE {
        return Err(ApiError::PayloadTooLarge(format!(
            "a release binary is at most {} MiB",
            MAX_SIZE >> 20
        )));
    }
    // Refused before a byte of the body is read: a bad signature costs nothing to send.
    key.verify(&manifest)
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let _slot = UPLOADS.try_acquire().map_err(|_| ApiError::Busy {
        message: "another release is being uploaded; try again shortly".into(),
        retry_after: 30,
    })?;
    let tmp = tempfile::NamedTempFile::new().map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut file = tmp.as_file();
    let mut got = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("the upload broke off: {e}")))?;
        got += chunk.len() as u64;
        if got > manifest.signed.size {
            return Err(ApiError::BadRequest(format!(
                "the body is larger than the manifest's {} bytes",
                manifest.signed.size
            )));
        }
        file.write_all(&chunk)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    }
    file.flush()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let view = releases::add(&state.db, &manifest, &key, tmp.path(), &who.0.user.username).await?;
    Audit::new("release.add")
        .target(format!("{} {}", view.version, view.target))
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(tag = "releases", params(("id" = String, Path)), responses((status = 200, body = ReleaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/releases/{id}")]
pub async fn release_remove(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<web::Json<ReleaseView>> {
    let view = releases::remove(&state.db, parse_id(&id, "release")?).await?;
    Audit::new("release.remove")
        .target(format!("{} {}", view.version, view.target))
        .by(&who.0, &state)
        .await;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "agent channel", params(("id" = String, Path)), responses((status = 200, description = "The release's binary", content_type = "application/octet-stream"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)), security(("agent_token" = [])))]
#[get("/agents/releases/{id}")]
pub async fn release_download(
    state: web::Data<AppState>,
    caller: crate::server::agent_auth::AgentCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = parse_id(&id, "release")?;
    super::agent_calls::limit(
        &state,
        caller.0.id,
        crate::server::agent_limit::Action::Config,
    )?;
    let row = releases::get(&state.db, id).await?;
    Ok(stream_release(&state, &row))
}

/// A release's binary, streamed from its chunks: one MiB held at a time, read when the
/// client has taken the one before.
pub fn stream_release(state: &AppState, row: &release::Model) -> HttpResponse {
    let (db, id) = (state.db.clone(), row.id);
    let chunks = futures_util::stream::unfold(Some(0i32), move |seq| {
        let db = db.clone();
        async move {
            let seq = seq?;
            match releases::chunk(&db, id, seq).await {
                Ok(Some(data)) => Some((Ok(web::Bytes::from(data)), Some(seq + 1))),
                Ok(None) => None,
                Err(e) => Some((
                    Err(actix_web::error::ErrorServiceUnavailable(e.to_string())),
                    None,
                )),
            }
        }
    });
    HttpResponse::Ok()
        .content_type("application/octet-stream")
        .no_chunking(row.size as u64)
        .insert_header(("Cache-Control", "no-store"))
        .streaming(chunks)
}
