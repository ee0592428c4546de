//! Rendering for the terminal: tables for people, JSON for scripts.
use clap::CommandFactory;
use comfy_table::{Table, presets};
use serde::Serialize;

pub fn json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// A borderless table like `docker ps`, easy to read and to grep.
pub fn table(headers: &[&str], rows: Vec<Vec<String>>) -> std::io::Result<()> {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING).set_header(headers.to_vec());
    for r in rows {
        t.add_row(r);
    }
    outln!("{t}");
    Ok(())
}

#[cfg(feature = "server")]
pub fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

#[cfg(feature = "server")]
pub fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(feature = "server")]
pub fn opt_time(t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.as_ref().map(time).unwrap_or_else(|| "-".into())
}

pub fn ports(p: &[u16]) -> String {
    crate::model::PortSet::from_ports(p.iter().copied()).to_string()
}

#[cfg(feature = "server")]
/// "page 1 of 3 (120 rows)" under a paginated table, when there is more than one page.
pub fn page_footer(page: u64, per_page: u64, total: u64) -> std::io::Result<()> {
    let pages = total.div_ceil(per_page.max(1));
    if pages > 1 {
        outln!("page {page} of {pages} ({total} rows); use --page to see more");
    }
    Ok(())
}

#[derive(Serialize)]
struct VersionInfo {
    version: &'static str,
    schema: Option<String>,
}

pub fn version(as_json: bool, check: bool) -> anyhow::Result<()> {
    if check {
        let passed = crate::release::self_check::run().map_err(anyhow::Error::msg)?;
        if as_json {
            return json(&passed);
        }
        outln!(
            "bigr {} for {}: self-check passed",
            passed.version,
            passed.target
        );
        return Ok(());
    }
    let info = VersionInfo {
        version: crate::version::current(),
        schema: schema(),
    };
    if as_json {
        return json(&info);
    }
    match info.schema {
        Some(schema) => outln!("bigr {} (schema {schema})", info.version),
        None => outln!("bigr {} (site agent build)", info.version),
    }
    Ok(())
}

/// The newest database migration this binary carries; the agent build has no database.
fn schema() -> Option<String> {
    #[cfg(feature = "server")]
    {
        use migration::MigratorTrait;
        migration::Migrator::migrations()
            .last()
            .map(|m| m.name().to_string())
    }
    #[cfg(not(feature = "server"))]
    None
}

pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut cmd = crate::cli::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "bigr", &mut script);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &script)?;
    Ok(())
}
