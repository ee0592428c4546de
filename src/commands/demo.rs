//! `bigr demo load|remove` (and `bigr serve --demo`): the demo site for a first look.
use super::exit::Exit;
use crate::config::Settings;
use crate::demo::{self, DemoError};
use sea_orm::DatabaseConnection;

fn refused(e: DemoError) -> anyhow::Error {
    match e {
        DemoError::NameTaken | DemoError::NotLoaded => Exit::BadInput(e.to_string()).into(),
        other => anyhow::Error::new(other),
    }
}

pub async fn load(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<()> {
    let loaded = demo::load(db, &super::save_options(settings), Some(&settings.home))
        .await
        .map_err(refused)?;
    if loaded.already {
        eprintln!(
            "demo site '{}' is already loaded ({} assets); `bigr demo remove` removes it",
            demo::SITE,
            loaded.assets
        );
    } else {
        eprintln!(
            "demo site '{}' loaded: {} assets from {} scans over two weeks, one agent, Shield findings (demo data; `bigr demo remove` removes it)",
            demo::SITE,
            loaded.assets,
            loaded.scans
        );
    }
    Ok(())
}

pub async fn remove(db: &DatabaseConnection) -> anyhow::Result<()> {
    demo::remove(db).await.map_err(refused)?;
    eprintln!("demo site '{}' removed", demo::SITE);
    Ok(())
}
