//! `db migrate|status|copy`.
use super::output;
use crate::config::{Settings, redact_url};
use crate::store::{self, OpenOptions, copy, entity, migrate};
use anyhow::bail;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde::Serialize;
use std::collections::BTreeMap;

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = super::open(settings).await?;
    let s = migrate::status(&db).await?;
    outln!(
        "schema up to date: {} migration(s), version {}",
        s.applied.len(),
        s.version.unwrap_or_default()
    );
    Ok(())
}

#[derive(Serialize)]
struct DbStatus {
    backend: String,
    url: String,
    schema: migrate::SchemaStatus,
    rows: BTreeMap<&'static str, u64>,
}

pub async fn status(settings: &Settings, as_json: bool) -> anyhow::Result<()> {
    let url = settings.database_url();
    // Look without changing anything: pending migrations are reported, not applied.
    let db = store::open(&url, &super::open_options(settings, false)).await?;
    let schema = migrate::status(&db).await?;
    let mut rows = BTreeMap::new();
    if schema.pending.is_empty() {
        rows.insert("sites", entity::site::Entity::find().count(&db).await?);
        rows.insert("assets", entity::asset::Entity::find().count(&db).await?);
        rows.insert("scans", entity::scan::Entity::find().count(&db).await?);
        rows.insert(
            "asset_changes",
            entity::asset_change::Entity::find().count(&db).await?,
        );
        rows.insert(
            "certificates",
            entity::certificate::Entity::find().count(&db).await?,
        );
        rows.insert("users", entity::user::Entity::find().count(&db).await?);
        rows.insert("agents", entity::agent::Entity::find().count(&db).await?);
    }
    let status = DbStatus {
        backend: format!("{:?}", store::backend(&db)).to_lowercase(),
        url: redact_url(&url),
        schema,
        rows,
    };
    if as_json {
        return output::json(&status);
    }
    outln!("database: {} ({})", status.url, status.backend);
    outln!(
        "schema:   {} ({} applied, {} pending)",
        status.schema.version.as_deref().unwrap_or("empty"),
        status.schema.applied.len(),
        status.schema.pending.len()
    );
    for p in &status.schema.pending {
        outln!("pending:  {p}");
    }
    for (table, n) in &status.rows {
        outln!("{table:<14}{n}");
    }
    Ok(())
}

pub async fn copy(settings: &Settings, from: &str, to: &str) -> anyhow::Result<()> {
    if from.trim() == to.trim() {
        bail!("--from and --to are the same database");
    }
    // SQLite would quietly create an empty source for a mistyped path.
    if let Some(path) = store::sqlite_path(from.trim())
        && !std::path::Path::new(&path).exists()
    {
        bail!("the source database {path} does not exist");
    }
    let opts = OpenOptions {
        migrate: true,
        ..super::open_options(settings, true)
    };
    let source = store::open(from, &opts)
        .await
        .map_err(|e| anyhow::anyhow!("source: {e}"))?;
    let target = store::open(to, &opts)
        .await
        .map_err(|e| anyhow::anyhow!("target: {e}"))?;
    let total = copy::count_rows(&source).await?;
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let tables = copy::copy_inventory(&source, &target, &|n| bar.inc(n)).await?;
    bar.finish_and_clear();
    let inserted: u64 = tables.iter().map(|t| t.inserted).sum();
    output::table(
        &["TABLE", "READ", "COPIED"],
        tables
            .iter()
            .map(|t| {
                vec![
                    t.table.to_string(),
                    t.read.to_string(),
                    t.inserted.to_string(),
                ]
            })
            .collect(),
    )?;
    outln!(
        "copied {inserted} of {total} rows from {} to {}",
        redact_url(from),
        redact_url(to)
    );
    Ok(())
}
