//! The layer-2 graph (switches, routers, their links and the devices on their ports) and
//! registering a neighbour it found with one click.
use super::site_filter;
use crate::analysis::layer2;
use crate::server::audit::Audit;
use crate::server::body::{Body, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::{self, switches::SwitchView};
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Layer2Query {
    pub site: Option<String>,
    /// Only the switches carrying this VLAN and the devices learned in it.
    #[param(minimum = 1, maximum = 4094)]
    pub vlan: Option<u16>,
}

#[utoipa::path(tag = "analysis", params(Layer2Query), responses((status = 200, body = layer2::Layer2), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/topology/layer2")]
pub async fn layer2_graph(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<Layer2Query>,
) -> ApiResult<web::Json<layer2::Layer2>> {
    let vlan = q.0.vlan;
    if vlan.is_some_and(|v| !(1..=4094).contains(&v)) {
        return Err(ApiError::BadRequest(
            "invalid query parameter `vlan`: must be between 1 and 4094".into(),
        ));
    }
    let site = site_filter(&q.0.site);
    let (gear, links, placed) = store::layer2::rows(&state.db, site.as_deref(), vlan).await?;
    Ok(web::Json(layer2::build(&gear, &links, &placed, vlan)))
}

/// A neighbour to register, as the graph's candidates list names it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptCandidate {
    pub site: Option<String>,
    /// Its management address.
    pub address: String,
    /// The registered switch that heard it: the new one is polled with its credentials.
    pub heard_by: String,
}

#[utoipa::path(tag = "registry", request_body = AcceptCandidate, responses((status = 201, body = SwitchView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/switches/candidates")]
pub async fn candidate_accept(
    state: web::Data<AppState>,
    who: Admin,
    body: Body<AcceptCandidate>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner()?;
    let site = site_filter(&b.site).unwrap_or_else(|| store::sites::DEFAULT_SITE.to_string());
    let view =
        store::switches::accept_candidate(&state.db, &site, b.address.trim(), b.heard_by.trim())
            .await?;
    Audit::new("switch.add")
        .site(&view.site)
        .target(&view.host)
        .after(&view)
        .by(&who.0, &state)
        .await;
    Ok(HttpResponse::Created().json(view))
}
