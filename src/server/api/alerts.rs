//! Alerts: the list and acknowledging (`/api/alerts`), and the admin's rules, channels
//! (write-only destinations, "send test") and delivery log.
use super::agents::parse_id;
use crate::server::audit::Audit;
use crate::server::body::{Body, Paging, Params};
use crate::server::error::{ApiError, ApiResult, ErrorBody};
use crate::server::session::{Admin, SignedIn};
use crate::server::state::AppState;
use crate::store::Page;
use crate::store::alerts::AlertKind;
use crate::store::alerts::channel_update::{ChannelChange, update as change_channel};
use crate::store::alerts::channels::{self, ChannelCreated, ChannelView, NewChannel};
use crate::store::alerts::rules::{self, Rule, RuleChange};
use crate::store::alerts::views::{self, AlertFilter, AlertView, DeliveryView};
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::Utc;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    pub site: Option<String>,
    /// open, acknowledged, resolved, or active (open and acknowledged).
    pub status: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "alerts", params(AlertQuery), responses((status = 200, body = Page<AlertView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/alerts")]
pub async fn alert_list(
    state: web::Data<AppState>,
    _who: SignedIn,
    q: Params<AlertQuery>,
) -> ApiResult<web::Json<Page<AlertView>>> {
    let q = q.0;
    let page = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .request()?;
    let f = AlertFilter {
        site: q.site,
        status: q.status,
        kind: q.kind,
        severity: q.severity,
    };
    Ok(web::Json(views::list(&state.db, &f, page).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledge {
    /// Who is on it, what was done (at most 1000 characters).
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(tag = "alerts", params(("id" = String, Path)), request_body = Acknowledge, responses((status = 200, body = AlertView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "The alert is resolved", body = ErrorBody)))]
#[post("/alerts/{id}/ack")]
pub async fn alert_ack(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
    body: Body<Acknowledge>,
) -> ApiResult<web::Json<AlertView>> {
    let id = parse_id(&id, "alert")?;
    let b = body.into_inner()?;
    if b.note.chars().count() > 1000 {
        return Err(ApiError::BadRequest(
            "invalid field `note`: at most 1000 characters".into(),
        ));
    }
    let view = views::acknowledge(&state.db, id, &who.0.user.username, &b.note, Utc::now()).await?;
    Audit::new("alert.ack")
        .site(&view.site)
        .target(format!("{} ({})", view.title, view.id))
        .after(&serde_json::json!({"note": view.ack_note}))
        .by(&who.0, &state)
        .await;
    Ok(web::Json(view))
}

#[utoipa::path(tag = "alerts", params(("id" = String, Path)), responses((status = 200, body = AlertView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/alerts/{id}")]
pub async fn alert_get(
    state: web::Data<AppState>,
    _who: SignedIn,
    id: web::Path<String>,
) -> ApiResult<web::Json<AlertView>> {
    let id = parse_id(&id, "alert")?;
    Ok(web::Json(views::get(&state.db, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SiteQuery {
    /// A site's rules or channels (with those for every site); none: those for every site.
    pub site: Option<String>,
}

#[utoipa::path(tag = "alerts", params(SiteQuery), responses((status = 200, body = Vec<Rule>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/alerts/rules")]
pub async fn rule_list(
    state: web::Data<AppState>,
    _who: Admin,
    q: Params<SiteQuery>,
) -> ApiResult<web::Json<Vec<Rule>>> {
    Ok(web::Json(
        rules::list(&state.db, q.0.site.as_deref()).await?,
    ))
}

#[utoipa::path(tag = "alerts", params(("kind" = AlertKind, Path), SiteQuery), request_body = RuleChange, responses((status = 200, body = Rule), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[put("/alerts/rules/{kind}")]
pub async fn rule_set(
    state: web::Data<AppState>,
    who: Admin,
    kind: web::Path<String>,
    q: Params<SiteQuery>,
    body: Body<RuleChange>,
) -> ApiResult<web::Json<Rule>> {
    let kind = AlertKind::parse(&kind)
        .ok_or_else(|| ApiError::NotFound(format!("alert rule kind {kind:?}")))?;
    let change = body.into_inner()?;
    let site = q.0.site;
    let before = rules::list(&state.db, site.as_deref())
        .await?
        .into_iter()
        .find(|r| r.kind == kind);
    let rule = rules::set(&state.db, site.as_deref(), kind, change).await?;
    let mut audit = Audit::new("alert_rule.set").target(kind.as_str());
    if let Some(s) = &site {
        audit = audit.site(s);
    }
    if let Some(b) = &before {
        audit = audit.before(b);
    }
    audit.after(&rule).by(&who.0, &state).await;
    Ok(web::Json(rule))
}

#[utoipa::path(tag = "alerts", params(SiteQuery), responses((status = 200, body = Vec<ChannelView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/alerts/channels")]
pub async fn channel_list(
    state: web::Data<AppState>,
    _who: Admin,
    q: Params<SiteQuery>,
) -> ApiResult<web::Json<Vec<ChannelView>>> {
    Ok(web::Json(
        channels::list(&state.db, q.0.site.as_deref()).await?,
    ))
}

#[utoipa::path(tag = "alerts", request_body = NewChannel, responses((status = 201, description = "Added; a generated HMAC key is in the answer this once", body = ChannelCreated), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/alerts/channels")]
pub async fn channel_add(
    state: web::Data<AppState>,
    who: Admin,
    body: Body<NewChannel>,
) -> ApiResult<HttpResponse> {
    let created = channels::add(&state.db, body.into_inner()?).await?;
    let c = &created.channel;
    let mut audit = Audit::new("alert_channel.add").target(format!(
        "{} {} → {}",
        c.kind.as_str(),
        c.name,
        c.target
    ));
    if let Some(s) = &c.site {
        audit = audit.site(s);
    }
    // The view holds no URL path, key or password.
    audit.after(c).by(&who.0, &state).await;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(tag = "alerts", params(("id" = String, Path)), request_body = ChannelChange, responses((status = 200, body = ChannelView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/alerts/channels/{id}")]
pub async fn channel_update(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
    body: Body<ChannelChange>,
) -> ApiResult<web::Json<ChannelView>> {
    let id = parse_id(&id, "channel")?;
    let change = body.into_inner()?;
    let before = channels::one(&state.db, id).await?;
    let after = change_channel(&state.db, id, change, Utc::now()).await?;
    let mut audit = Audit::new("alert_channel.update")
        .target(format!("{} {}", after.kind.as_str(), after.name))
        .before(&before)
        .after(&after);
    if let Some(s) = &after.site {
        audit = audit.site(s);
    }
    audit.by(&who.0, &state).await;
    Ok(web::Json(after))
}

#[utoipa::path(tag = "alerts", params(("id" = String, Path)), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/alerts/channels/{id}")]
pub async fn channel_remove(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = parse_id(&id, "channel")?;
    let gone = channels::remove(&state.db, id).await?;
    let mut audit = Audit::new("alert_channel.remove")
        .target(format!("{} {}", gone.kind.as_str(), gone.name))
        .before(&gone);
    if let Some(s) = &gone.site {
        audit = audit.site(s);
    }
    audit.by(&who.0, &state).await;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "alerts", params(("id" = String, Path)), responses((status = 200, description = "The test message's delivery: sent, or pending with the error of the first try", body = DeliveryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/alerts/channels/{id}/test")]
pub async fn channel_test(
    state: web::Data<AppState>,
    who: Admin,
    id: web::Path<String>,
) -> ApiResult<web::Json<DeliveryView>> {
    let id = parse_id(&id, "channel")?;
    let delivery = crate::alerts::send_test(&state.db, id).await?;
    Audit::new("alert_channel.test")
        .target(format!("{} → {}", delivery.channel, delivery.status))
        .by(&who.0, &state)
        .await;
    Ok(web::Json(delivery))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    pub alert: Option<String>,
    pub channel: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(tag = "alerts", params(DeliveryQuery), responses((status = 200, body = Page<DeliveryView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/alerts/deliveries")]
pub async fn delivery_list(
    state: web::Data<AppState>,
    _who: Admin,
    q: Params<DeliveryQuery>,
) -> ApiResult<web::Json<Page<DeliveryView>>> {
    let q = q.0;
    let page = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .request()?;
    let alert = q
        .alert
        .as_deref()
        .map(|a| parse_id(a, "alert"))
        .transpose()?;
    let channel = q
        .channel
        .as_deref()
        .map(|c| parse_id(c, "channel"))
        .transpose()?;
    Ok(web::Json(
        views::deliveries(&state.db, alert, channel, page).await?,
    ))
}
