//! `AgentCaller`: the agent behind an `Authorization: Bearer bigr_…` header. Unknown, wrong
//! and revoked tokens all get the same 401, so the answer says nothing about which it was.
use super::error::ApiError;
use super::state::AppState;
use crate::store::{self, entity::agent};
use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::future::LocalBoxFuture;

pub struct AgentCaller(pub agent::Model);

pub(crate) fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

impl FromRequest for AgentCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let token = token.ok_or(ApiError::AgentUnauthorized)?;
            store::agents::authenticate(&state.db, &token)
                .await?
                .map(AgentCaller)
                .ok_or(ApiError::AgentUnauthorized)
        })
    }
}
