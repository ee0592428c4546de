//! Request extractors that name the offending field: `Body<T>` for JSON bodies (size-limited,
//! unknown fields refused by the types) and `Params<T>` for query strings.
use super::error::ApiError;
use super::state::AppState;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

/// Longest wait for the next piece of a body.
pub const IDLE: std::time::Duration = std::time::Duration::from_secs(20);
/// Slowest upload allowed once the first 30 s are over, in bytes per second.
const MIN_RATE: usize = 16 * 1024;

/// How long a body of `len` bytes may take to arrive: 30 s, plus what `len` needs at the
/// slowest allowed rate. A client that trickles bytes is cut off; a slow site uplink is not.
pub fn deadline(len: usize) -> std::time::Duration {
    std::time::Duration::from_secs(30 + (len / MIN_RATE) as u64)
}

pub fn too_slow() -> ApiError {
    ApiError::RequestTimeout("the request body arrived too slowly".into())
}

/// A JSON request body of type `T`, or why it could not be read. actix resolves a handler's
/// extractors together, so a body error would otherwise race the session, role and CSRF
/// checks; held here, it is answered (`into_inner()?`) only once those have passed, and a
/// refused caller learns nothing about how its body would have been validated.
pub struct Body<T>(Result<T, ApiError>);

impl<T> Body<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(64 * 1024, |s| s.options.body_limit);
        let is_json = is_json(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move { Ok(Body(read_json(is_json, limit, bytes).await)) })
    }
}

async fn read_json<T: DeserializeOwned>(
    is_json: bool,
    limit: usize,
    bytes: impl std::future::Future<Output = Result<web::Bytes, actix_web::Error>>,
) -> Result<T, ApiError> {
    if !is_json {
        return Err(ApiError::BadRequest(
            "send the body as JSON (Content-Type: application/json)".into(),
        ));
    }
    let bytes = tokio::time::timeout(deadline(limit), bytes)
        .await
        .map_err(|_| too_slow())?
        .map_err(|e| {
            if e.as_response_error().status_code() == 413 {
                ApiError::PayloadTooLarge(format!(
                    "request body too large (limit {} KiB)",
                    limit / 1024
                ))
            } else {
                ApiError::BadRequest("cannot read the request body".into())
            }
        })?;
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge(format!(
            "request body too large (limit {} KiB)",
            limit / 1024
        )));
    }
    // Every body of this API is an object; serde would also fill a struct from an
    // array in field order, which is no documented form of any request.
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(ApiError::BadRequest(
            "invalid body: expected a JSON object".into(),
        ));
    }
    parse_json(&bytes)
}

/// Parses JSON, naming the field at fault: "field `role`: unknown variant …". The body must
/// end after the value, and no string may hold a NUL (the store could not keep it).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let why = inner.to_string();
        // serde_json appends " at line 1 column 9": noise for an API client.
        let why = why.split(" at line ").next().unwrap_or(&why).to_string();
        if inner.is_syntax() || inner.is_eof() {
            ApiError::BadRequest(format!("malformed JSON: {why}"))
        } else if path == "." || path.is_empty() {
            ApiError::BadRequest(format!("invalid body: {why}"))
        } else {
            ApiError::BadRequest(format!("invalid field `{path}`: {why}"))
        }
    })?;
    de.end()
        .map_err(|_| ApiError::BadRequest("malformed JSON: data after the JSON value".into()))?;
    if let Some(field) = crate::model::nul::nul_field(bytes) {
        return Err(ApiError::BadRequest(format!(
            "invalid field `{field}`: contains a NUL character"
        )));
    }
    Ok(value)
}

/// Whether a Content-Type is JSON: exactly `application/json`, parameters allowed.
pub fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Query-string parameters of type `T`.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Params<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Params))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    if let Some((key, _)) =
        form_urlencoded::parse(query.as_bytes()).find(|(k, v)| k.contains('\0') || v.contains('\0'))
    {
        return Err(ApiError::BadRequest(format!(
            "invalid query parameter `{}`: contains a NUL character",
            key.replace('\0', "\\0")
        )));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let why = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            ApiError::BadRequest(format!("invalid query: {why}"))
        } else {
            ApiError::BadRequest(format!("invalid query parameter `{path}`: {why}"))
        }
    })
}

/// `page`/`per_page` as every list takes them; checked into a store page request.
#[derive(Debug, Clone, Copy, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1-based page number.
    pub page: Option<u64>,
    /// Items per page, 1-500 (default 50).
    pub per_page: Option<u64>,
}

impl Paging {
    pub fn request(&self) -> Result<crate::store::PageRequest, ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if page == 0 || page > 1_000_000 {
            return Err(ApiError::BadRequest(
                "invalid query parameter `page`: must be between 1 and 1000000".into(),
            ));
        }
        if per_page == 0 || per_page > crate::store::page::MAX_PER_PAGE {
            return Err(ApiError::BadRequest(format!(
                "invalid query parameter `per_page`: must be between 1 and {}",
                crate::store::page::MAX_PER_PAGE
            )));
        }
        Ok(crate::store::PageRequest::new(page, per_page)?)
    }

    /// The `cursor` parameter of a list that pages by cursor too: blank counts as absent,
    /// and a cursor beside a page number is refused (which of the two would hold?).
    pub fn cursor<'a>(&self, cursor: &'a Option<String>) -> Result<Option<&'a str>, ApiError> {
        match cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(_) if self.page.is_some() => Err(ApiError::BadRequest(
                "give `page` or `cursor`, not both".into(),
            )),
            given => Ok(given),
        }
    }
}
