//! The dashboard, embedded from `web/dist`: files by path with ETags (hashed `assets/` files
//! cached for a year), `index.html` for client routes (paths without an extension), 404 for a
//! missing file that has one, and never the SPA for `/api/*`.
use super::error::ApiError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, http::Method};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/dist"]
// A checkout without a built dashboard still compiles; `/` then says how to build it.
#[allow_missing = true]
struct Dist;

fn etag(file: &rust_embed::EmbeddedFile) -> String {
    let hash = file.metadata.sha256_hash();
    format!(
        "\"{}\"",
        hash[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn respond(req: &HttpRequest, path: &str, file: rust_embed::EmbeddedFile) -> HttpResponse {
    let tag = etag(&file);
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut answer = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    answer
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, cache));
    if fresh {
        return answer.finish();
    }
    answer
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_str(file.metadata.mimetype())
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ))
        .body(file.data.into_owned())
}

/// Any spelling of `/api…` (other case, `%2f` for the slash): a JSON 404, never the page, so
/// a client or a cache never takes HTML for an API answer.
fn looks_like_api(path: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let lower = decoded.trim_start_matches('/').to_ascii_lowercase();
    lower == "api" || lower.starts_with("api/") || lower.starts_with("api\\")
}

/// The app's default service: everything no route claimed.
pub async fn serve(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path().trim_start_matches('/');
    if looks_like_api(path) {
        return Err(ApiError::NotFound("no such API endpoint".into()));
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return Err(ApiError::NotFound("not found".into()));
    }
    if !path.is_empty()
        && let Some(file) = Dist::get(path)
    {
        return Ok(respond(&req, path, file));
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if last.contains('.') {
        return Ok(HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("not found"));
    }
    match Dist::get("index.html") {
        Some(index) => Ok(respond(&req, "index.html", index)),
        None => Ok(HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body(
                "The dashboard is not built into this binary: run `npm ci && npm run build` \
                 in web/, then rebuild bigr. The API is available under /api/.",
            )),
    }
}
