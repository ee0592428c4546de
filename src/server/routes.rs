//! The one route table, used by `start` and by the OpenAPI document: `/api/*` (JSON, never the
//! SPA), `/api/docs/` (Swagger UI, served from the binary), `/metrics`, and the dashboard.
use super::api::{
    agent_calls, agents, alerts, audit_log, auth, commands, health, ingest, insight, install,
    inventory, layer2, records, registry, releases, reports, shield, site_settings, users,
};
use super::state::AppState;
use super::{guard, metrics, spa};
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{self, Condition, DefaultHeaders};
use actix_web::{App, Error, web};
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

/// The document's frame; paths and schemas are collected from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "bigr control plane",
        description = "BİGR Discovery: multi-site asset inventory. Dashboard endpoints need the \
                       session cookie from POST /api/auth/login, and writes the X-CSRF-Token \
                       header it returns.",
    ),
    tags(
        (name = "auth"), (name = "health"), (name = "inventory"), (name = "records"),
        (name = "registry"), (name = "analysis"), (name = "users"), (name = "agents"),
        (name = "agent channel", description = "Called by agents with `Authorization: Bearer bigr_…`"),
        (name = "shield"), (name = "alerts"), (name = "releases")
    ),
    modifiers(&AgentTokenScheme)
)]
struct ApiDoc;

/// Declares the agents' bearer token in the document.
struct AgentTokenScheme;

impl utoipa::Modify for AgentTokenScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "agent_token",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
    }
}

fn api() -> utoipa_actix_web::scope::Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = Error,
        InitError = (),
    >,
> {
    scope("/api")
        .service(health::health)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::me)
        .service(inventory::data)
        .service(inventory::asset)
        .service(inventory::tag)
        .service(inventory::untag)
        .service(records::site_list)
        .service(records::scan_list)
        .service(records::change_list)
        .service(records::certificate_list)
        .service(registry::subnet_list)
        .service(registry::subnet_add)
        .service(registry::subnet_remove)
        .service(registry::switch_list)
        .service(registry::switch_add)
        .service(registry::switch_remove)
        .service(layer2::candidate_accept)
        .service(site_settings::config_get)
        .service(site_settings::config_put)
        .service(insight::compliance_report)
        .service(reports::compliance_report)
        .service(insight::risk_report)
        .service(insight::vulnerability_report)
        .service(insight::analytics_report)
        .service(insight::topology_graph)
        .service(layer2::layer2_graph)
        .service(users::user_list)
        .service(users::user_add)
        .service(users::user_change)
        .service(users::user_remove)
        .service(audit_log::audit_list)
        .service(agents::agent_list)
        // Fixed paths before /agents/{id}.
        .service(releases::agent_versions)
        .service(releases::release_download)
        .service(releases::release_list)
        .service(releases::release_add)
        .service(releases::release_remove)
        .service(install::install_script)
        .service(install::install_manifest)
        .service(install::install_download)
        .service(agents::enrollment_add)
        .service(agents::enrollment_list)
        .service(agents::enrollment_remove)
        .service(agents::agent_revoke)
        .service(agents::agent_rotate)
        .service(agents::agent_remove)
        .service(agent_calls::register)
        .service(agent_calls::heartbeat)
        .service(agent_calls::rotate_own_token)
        .service(agent_calls::site_config)
        .service(commands::command_issue)
        .service(commands::command_list)
        .service(commands::command_get)
        .service(commands::command_report)
        .service(ingest::discovery)
        .service(ingest::shield)
        .service(shield::shield_scans)
        .service(shield::shield_scan)
        .service(shield::shield_findings)
        .service(shield::findings)
        .service(shield::posture)
        .service(shield::checks)
        // Fixed paths before /alerts/{id}, which would take them.
        .service(alerts::rule_list)
        .service(alerts::rule_set)
        .service(alerts::channel_list)
        .service(alerts::channel_add)
        .service(alerts::channel_update)
        .service(alerts::channel_remove)
        .service(alerts::channel_test)
        .service(alerts::delivery_list)
        .service(alerts::alert_list)
        .service(alerts::alert_get)
        .service(alerts::alert_ack)
        .default_service(web::to(spa::serve))
}

/// The OpenAPI document of every `/api` handler.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api())
        .split_for_parts()
        .1;
    super::answers::document(&mut doc);
    doc
}

fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |c, o| c.allowed_origin(o))
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers([
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-csrf-token"),
        ])
        .supports_credentials()
        .max_age(3600)
}

fn security_headers(secure: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            // The SPA and Swagger UI load only their own files; styles may be inline.
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ));
    if secure {
        headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
    } else {
        headers
    }
}

/// The application: state, middleware and every route.
pub fn app(
    state: web::Data<AppState>,
    doc: utoipa::openapi::OpenApi,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let origins = state.options.cors_origins.clone();
    let secure = state.options.cookie_secure;
    let body_limit = state.options.body_limit;
    App::new()
        .app_data(state)
        .app_data(web::PayloadConfig::new(body_limit))
        // Registered before the /api scope, which would otherwise claim /api/docs.
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", doc))
        .into_utoipa_app()
        .service(api())
        .split_for_parts()
        .0
        .route("/metrics", web::get().to(metrics::render))
        .default_service(web::to(spa::serve))
        .wrap(middleware::from_fn(metrics::track))
        .wrap(Condition::new(!origins.is_empty(), cors(&origins)))
        .wrap(security_headers(secure))
        .wrap(middleware::Compress::default())
        .wrap(tracing_actix_web::TracingLogger::default())
        .wrap(middleware::from_fn(guard::guard))
}
