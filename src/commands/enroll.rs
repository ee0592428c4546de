//! `bigr agent enroll`: a one-time enrolment token for a site, made in the server's database.
use super::exit::Exit;
use crate::agent::config;
use crate::agent::parse_duration;
use crate::cli::EnrollArgs;
use crate::config::Settings;
use crate::store;

pub async fn enroll(settings: &Settings, args: EnrollArgs) -> anyhow::Result<()> {
    let lifetime = parse_duration(&args.expires).map_err(Exit::BadInput)?;
    let lifetime =
        chrono::Duration::from_std(lifetime).map_err(|e| Exit::BadInput(e.to_string()))?;
    refuse_agent_home(settings)?;
    eprintln!(
        "using the server's database {} (home {})",
        crate::config::redact_url(&settings.database_url()),
        settings.home.display()
    );
    let db = super::open(settings).await?;
    let made = store::enrollments::create(&db, &args.site, lifetime, None)
        .await
        .map_err(|e| Exit::BadInput(e.to_string()))?;
    let after = serde_json::json!({"expires_at": made.expires_at});
    super::audited::record(&db, "enrollment.add", Some(&made.site), "", Some(&after)).await;
    eprintln!(
        "enrollment token for site '{}', valid until {} (one use). On the agent's machine run:\n  bigr agent register --api-url URL --name NAME --site '{}' --enroll-token TOKEN",
        made.site,
        made.expires_at.format("%Y-%m-%d %H:%M UTC"),
        made.site
    );
    // Alone on the last line of stdout, for scripts.
    outln!("{}", made.token);
    Ok(())
}

/// Enrolment writes into the server's database. Run with an agent's home (an `agent.yaml`
/// and no database) it would quietly create a second, empty one that no server reads.
fn refuse_agent_home(settings: &Settings) -> anyhow::Result<()> {
    let sqlite_default = settings.database_url.trim().is_empty();
    let home = &settings.home;
    if sqlite_default && config::path(home).exists() && !home.join("bigr.db").exists() {
        return Err(Exit::BadInput(format!(
            "{} is an agent's home (it holds agent.yaml and no database): run `bigr agent enroll` \
             where `bigr serve` runs, with the server's BIGR_HOME or DATABASE_URL",
            home.display()
        ))
        .into());
    }
    Ok(())
}
