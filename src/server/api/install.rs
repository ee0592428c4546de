//! The one-line agent install. `GET /api/install.sh` serves a POSIX shell script with this
//! server's release public key written into it. On the new machine the script fetches the
//! signed manifest and the binary for its platform with the site's enrollment token (checked
//! here, never spent: registration spends it), verifies both itself (openssl, sha256sum),
//! installs, registers and starts the unit. The server is trusted once, over HTTPS, for the
//! script; everything after that is checked against the key in it.
use super::agent_calls::refused;
use super::agents::parse_id;
use super::releases::stream_release;
use crate::model::token::{self, TokenKind};
use crate::release::sign;
use crate::server::agent_limit::Action;
use crate::server::body::Params;
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::state::AppState;
use crate::store::enrollments::{self, Refusal};
use crate::store::entity::enrollment_token;
use crate::store::releases;
use actix_web::{HttpRequest, HttpResponse, get, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;

const SCRIPT: &str = include_str!("../../../assets/install/install.sh");
/// The first line of the manifest answer: the script refuses any other format.
pub const MANIFEST_FORMAT: &str = "bigr-install-manifest v1";

#[utoipa::path(tag = "agents", responses((status = 200, description = "The install script, with this server's release key", content_type = "text/x-shellscript"), (status = 404, description = "The server has no release key", body = ErrorBody)))]
#[get("/install.sh")]
pub async fn install_script(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let key = state.options.release_key.as_ref().ok_or_else(|| {
        ApiError::NotFound(
            "this server has no release key (BIGR_RELEASE_PUBLIC_KEY): set one and add a signed \
             release (bigr release add) before installing agents in one line"
                .into(),
        )
    })?;
    let script = SCRIPT
        .replace("@RELEASE_KEY_ID@", &key.id())
        .replace("@RELEASE_KEY_PEM@", key.spki_pem().trim_end());
    Ok(HttpResponse::Ok()
        .content_type("text/x-shellscript; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(script))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InstallQuery {
    /// The machine's platform as `uname -m`-linux: `x86_64-linux`, `aarch64-linux`.
    pub target: String,
}

/// The release a new agent of the token's site is installed with, as lines the script reads
/// without a JSON parser: the release id, the key id, the signature and the signed bytes
/// (base64). The script verifies the signature over those bytes and reads the version,
/// target, size and SHA-256 from them, never from anything unsigned.
#[utoipa::path(tag = "agent channel", params(InstallQuery), responses((status = 200, description = "The signed manifest, as lines", content_type = "text/plain"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)), security(("agent_token" = [])))]
#[get("/install/manifest")]
pub async fn install_manifest(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: Params<InstallQuery>,
) -> ApiResult<HttpResponse> {
    let target = query.0.target;
    if target.is_empty()
        || target.len() > 64
        || !target
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    {
        return Err(ApiError::BadRequest(
            "invalid parameter `target`: a platform such as x86_64-linux".into(),
        ));
    }
    let token = enrolment(&state, &req).await?;
    let row = releases::for_install(&state.db, token.site_id, &target)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "this server has no release for {target} (bigr release add)"
            ))
        })?;
    let m = releases::manifest(&row);
    let body = format!(
        "{MANIFEST_FORMAT}\nrelease {}\nkey_id {}\nsignature {}\nmessage {}\n",
        row.id,
        m.key_id,
        m.signature,
        B64.encode(sign::signed_message(&m.signed))
    );
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

#[utoipa::path(tag = "agent channel", params(("id" = String, Path)), responses((status = 200, description = "The release's binary", content_type = "application/octet-stream"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)), security(("agent_token" = [])))]
#[get("/install/releases/{id}")]
pub async fn install_download(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = parse_id(&id, "release")?;
    enrolment(&state, &req).await?;
    let row = releases::get(&state.db, id).await?;
    Ok(stream_release(&state, &row))
}

/// The valid, unspent enrollment token in the Authorization header, within its request
/// budget (a token is one machine's: a few downloads at most).
async fn enrolment(state: &AppState, req: &HttpRequest) -> ApiResult<enrollment_token::Model> {
    let presented = crate::server::agent_auth::bearer(req)
        .and_then(|t| token::parse(TokenKind::Enrollment, &t))
        .ok_or_else(|| refused(Refusal::Invalid))?;
    let row = enrollments::check(&state.db, &presented, chrono::Utc::now())
        .await?
        .map_err(refused)?;
    super::agent_calls::limit(state, row.id, Action::Config)?;
    Ok(row)
}
