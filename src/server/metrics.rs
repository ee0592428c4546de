//! `GET /metrics` in the Prometheus text format: requests and latencies per route, plus the
//! inventory's size and agents by state, read from the database at scrape time. Readable by a
//! signed-in user, by a scraper holding the metrics token, or from loopback.
use super::error::ApiError;
use super::session::SignedIn;
use super::state::AppState;
use crate::store::entity::{agent, asset};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Series kept at most. Methods come from a fixed set and routes are patterns, so a normal
/// server stays far below; past it, new combinations are counted under one `other` series.
const MAX_SERIES: usize = 2048;

/// Request counters keyed by (method, route pattern, status).
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(&'static str, String, u16), Series>>,
}

/// The label of a method: one of a fixed set, whatever the client sent.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    super::guard::METHODS
        .iter()
        .find(|m| *m == method)
        .map_or("other", |m| m.as_str())
}

impl Metrics {
    fn record(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        let mut map = self.series.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = (method, route.to_string(), status);
        if map.len() >= MAX_SERIES && !map.contains_key(&key) {
            key = ("other", "other".into(), 0);
        }
        let s = map.entry(key).or_default();
        s.count += 1;
        s.sum += seconds;
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    fn render(&self, out: &mut String) {
        let map = self.series.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str("# HELP bigr_http_requests_total HTTP requests answered.\n");
        out.push_str("# TYPE bigr_http_requests_total counter\n");
        for ((m, r, st), s) in map.iter() {
            let _ = writeln!(
                out,
                "bigr_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{st}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP bigr_http_request_duration_seconds Time to answer.\n");
        out.push_str("# TYPE bigr_http_request_duration_seconds histogram\n");
        // Aggregate over status codes: latency per route is what dashboards plot.
        let mut per_route: BTreeMap<(&str, &str), Series> = BTreeMap::new();
        for ((m, r, _), s) in map.iter() {
            let agg = per_route.entry((*m, r.as_str())).or_default();
            agg.count += s.count;
            agg.sum += s.sum;
            for i in 0..BUCKETS.len() {
                agg.buckets[i] += s.buckets[i];
            }
        }
        for ((m, r), s) in per_route {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "bigr_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "bigr_http_request_duration_seconds_bucket{{method=\"{m}\",route=\"{r}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "bigr_http_request_duration_seconds_sum{{method=\"{m}\",route=\"{r}\"}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "bigr_http_request_duration_seconds_count{{method=\"{m}\",route=\"{r}\"}} {}",
                s.count
            );
        }
    }
}

/// Middleware: times every request and records it under its route pattern (never the raw
/// path, whose ids would make the series unbounded).
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".into());
    if let Some(state) = state {
        state.metrics.record(
            method,
            &route,
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(res)
}

async fn allowed(req: &HttpRequest, state: &AppState) -> bool {
    if let Some(token) = &state.options.metrics_token {
        let sent = req
            .headers()
            .get("Authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if crate::model::token::secrets_equal(sent, &token.0) {
            return true;
        }
    }
    let loopback =
        !state.options.behind_proxy && req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    loopback || SignedIn::extract(req).await.is_ok()
}

pub async fn render(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if !allowed(&req, &state).await {
        return Err(ApiError::Unauthorized);
    }
    let mut out = String::new();
    state.metrics.render(&mut out);
    out.push_str("# HELP bigr_http_connections_open Client connections open now.\n");
    out.push_str("# TYPE bigr_http_connections_open gauge\n");
    let _ = writeln!(
        out,
        "bigr_http_connections_open {}",
        state.connections.count()
    );
    let assets = asset::Entity::find().count(&state.db).await?;
    let missing = asset::Entity::find()
        .filter(asset::Column::Missing.eq(true))
        .count(&state.db)
        .await?;
    out.push_str("# HELP bigr_assets Assets in the inventory.\n# TYPE bigr_assets gauge\n");
    let _ = writeln!(out, "bigr_assets{{state=\"present\"}} {}", assets - missing);
    let _ = writeln!(out, "bigr_assets{{state=\"missing\"}} {missing}");
    let agents: Vec<(String, i64)> = agent::Entity::find()
        .select_only()
        .column(agent::Column::Status)
        .column_as(agent::Column::Id.count(), "n")
        .group_by(agent::Column::Status)
        .into_tuple()
        .all(&state.db)
        .await?;
    out.push_str("# HELP bigr_agents Site agents by state.\n# TYPE bigr_agents gauge\n");
    for st in crate::store::agents::AgentState::ALL.map(|s| s.as_str()) {
        let n = agents.iter().find(|(s, _)| s == st).map_or(0, |(_, n)| *n);
        let _ = writeln!(out, "bigr_agents{{state=\"{st}\"}} {n}");
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(out))
}
