//! `bigr config show`.
use super::output;
use crate::config::{self, Settings};

pub fn show(settings: &Settings, figment: &figment::Figment, as_json: bool) -> anyhow::Result<()> {
    let shown = config::show(settings, figment);
    if as_json {
        return output::json(&shown);
    }
    outln!(
        "config file: {}",
        Settings::config_file(&settings.home).display()
    );
    output::table(
        &["KEY", "VALUE", "SOURCE"],
        shown
            .into_iter()
            .map(|s| {
                let value = match s.value {
                    serde_json::Value::String(v) => v,
                    v => v.to_string(),
                };
                vec![s.key, value, s.source]
            })
            .collect(),
    )?;
    Ok(())
}
