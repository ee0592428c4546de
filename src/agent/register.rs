//! Registration: the request an agent sends with its one-time credential, and the call.
use super::beat::subnets_of;
use super::client::{ApiClient, CallError};
use crate::model::agent_api::{RegisterRequest, Registered, paths};

/// Who the agent is and with which credential it asks (enrollment token or shared secret).
pub fn request(
    name: &str,
    site: &str,
    enroll_token: Option<String>,
    secret: Option<String>,
    targets: &[String],
) -> RegisterRequest {
    RegisterRequest {
        name: name.trim().to_string(),
        site: site.trim().to_string(),
        enroll_token,
        secret,
        version: Some(crate::version::current().into()),
        subnets: subnets_of(targets),
    }
}

/// Registers with the server at `api_url`; the answer holds the agent's token, once.
pub async fn register(api_url: &str, body: RegisterRequest) -> Result<Registered, CallError> {
    let client = ApiClient::new(api_url, None);
    tokio::task::spawn_blocking(move || client.post(paths::REGISTER, &body))
        .await
        .unwrap_or_else(|e| {
            Err(CallError::Server {
                status: 0,
                message: format!("registration task failed: {e}"),
            })
        })
}
