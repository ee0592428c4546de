//! The outermost middleware: what no route should ever see. Methods outside the fixed set
//! (actix takes any token as a method), CONNECT and TRACE get 405 with `Allow` here (the
//! client's mistake, not a server error) before the logger, compression and metrics spend
//! anything on them; a NUL in the path is refused, as the store could not hold it. API
//! answers are marked `no-store`.
use super::error::ErrorBody;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// The methods the server implements; every other one is refused before routing.
pub const METHODS: [Method; 7] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::HEAD,
    Method::OPTIONS,
];

fn refusal(status: StatusCode, why: &str) -> HttpResponse {
    let mut answer = HttpResponse::build(status);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        answer.insert_header((
            header::ALLOW,
            "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        ));
    }
    answer
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ErrorBody { error: why.into() })
}

/// Why a request is refused before routing, if it is.
fn refused(req: &ServiceRequest) -> Option<HttpResponse> {
    let method = req.method();
    if *method == Method::CONNECT || *method == Method::TRACE {
        return Some(refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed",
        ));
    }
    if !METHODS.contains(method) {
        return Some(refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed",
        ));
    }
    let uri = req.uri();
    let has_nul = |s: &str| {
        s.as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
    };
    if has_nul(uri.path()) {
        return Some(refusal(
            StatusCode::BAD_REQUEST,
            "the path contains a NUL character",
        ));
    }
    None
}

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if let Some(answer) = refused(&req) {
        return Ok(req.into_response(answer).map_into_right_body());
    }
    let api = req.path().starts_with("/api/");
    let mut res = next.call(req).await?;
    if api && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res.map_into_left_body())
}
