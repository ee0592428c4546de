//! `bigr health`: asks a running server whether it is healthy (for container health checks).
use crate::cli::HealthArgs;
use anyhow::{Context, bail};
use std::time::Duration;

/// GETs the health URL; Ok only for HTTP 200 with `"status": "ok"`.
pub async fn health(args: HealthArgs) -> anyhow::Result<()> {
    let url = args.url.clone();
    let timeout = Duration::from_secs(args.timeout.clamp(1, 60));
    let body = tokio::task::spawn_blocking(move || -> anyhow::Result<serde_json::Value> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let mut res = agent
            .get(&url)
            .call()
            .with_context(|| format!("cannot reach {url}"))?;
        let status = res.status().as_u16();
        let body: serde_json::Value = res
            .body_mut()
            .read_json()
            .with_context(|| format!("{url} did not answer JSON (HTTP {status})"))?;
        Ok(body)
    })
    .await??;
    let status = body["status"].as_str().unwrap_or("unknown");
    outln!("{status}");
    if status != "ok" {
        bail!("the server is {status}: {body}");
    }
    Ok(())
}
