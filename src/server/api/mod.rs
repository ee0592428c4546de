//! The JSON API's handlers, grouped by what they serve. Each one is annotated for the
//! OpenAPI document; routes are registered in `routes.rs`.
pub mod agent_calls;
pub mod agents;
pub mod alerts;
pub mod audit_log;
pub mod auth;
pub mod commands;
pub mod health;
pub mod ingest;
pub mod insight;
pub mod install;
pub mod inventory;
pub mod layer2;
pub mod records;
pub mod registry;
pub mod releases;
pub mod reports;
pub mod shield;
pub mod site_settings;
pub mod users;

use super::error::ApiError;

/// Parses an optional query value with `FromStr`, naming the parameter when it is wrong.
pub fn parse_opt<T: std::str::FromStr<Err = String>>(
    name: &str,
    value: &Option<String>,
) -> Result<Option<T>, ApiError> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<T>()
                .map_err(|e| ApiError::BadRequest(format!("invalid query parameter `{name}`: {e}")))
        })
        .transpose()
}

/// A site filter: trimmed, empty means all sites.
pub fn site_filter(site: &Option<String>) -> Option<String> {
    site.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
