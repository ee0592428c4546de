//! The rules a site's settings obey, checked where an admin saves them (the API answers 400
//! naming the field) and again where an agent applies them (a bad copy never replaces a good
//! one). The parsers are the scanner's own, so the server refuses exactly what an agent could
//! not run.
use super::window;
use crate::model::DeviceType;
use crate::model::site_config::SiteSettings;
use crate::scan::{ports, request, targets};
use std::ops::RangeInclusive;

pub const INTERVAL_SECONDS: RangeInclusive<u32> = 60..=604_800;
pub const SHIELD_EVERY_HOURS: RangeInclusive<u32> = 1..=720;
pub const SHIELD_PRESETS: [&str; 3] = ["quick", "standard", "deep"];
/// Entries per list: plenty for a site, and a bound on what one request can make us store.
pub const MAX_ENTRIES: usize = 256;
/// Characters per entry.
const MAX_ENTRY_CHARS: usize = 256;

/// A refused setting: the field (as the JSON names it) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid field `{field}`: {why}")]
pub struct Invalid {
    pub field: String,
    pub why: String,
}

fn invalid(field: impl Into<String>, why: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        why: why.into(),
    }
}

fn list_bounds(field: &str, list: &[String]) -> Result<(), Invalid> {
    if list.len() > MAX_ENTRIES {
        return Err(invalid(field, format!("at most {MAX_ENTRIES} entries")));
    }
    for (i, entry) in list.iter().enumerate() {
        if entry.chars().count() > MAX_ENTRY_CHARS {
            return Err(invalid(
                format!("{field}[{i}]"),
                format!("longer than {MAX_ENTRY_CHARS} characters"),
            ));
        }
    }
    Ok(())
}

fn each_target(field: &str, list: &[String]) -> Result<(), Invalid> {
    list_bounds(field, list)?;
    for (i, t) in list.iter().enumerate() {
        targets::parse(t).map_err(|e| invalid(format!("{field}[{i}]"), e.to_string()))?;
    }
    Ok(())
}

fn within<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: Option<T>,
    range: &RangeInclusive<T>,
) -> Result<(), Invalid> {
    match value {
        Some(v) if !range.contains(&v) => Err(invalid(
            field,
            format!(
                "must be between {} and {}, not {v}",
                range.start(),
                range.end()
            ),
        )),
        _ => Ok(()),
    }
}

/// Checks every setting; the first problem names its field.
pub fn check(s: &SiteSettings) -> Result<(), Invalid> {
    each_target("targets", &s.targets)?;
    each_target("exclude", &s.exclude)?;
    list_bounds("fragile", &s.fragile)?;
    super::plan::check_fragile(&s.fragile).map_err(|(field, why)| invalid(field, why))?;
    if let Some(p) = &s.ports {
        if p.chars().count() > 4096 {
            return Err(invalid("ports", "longer than 4096 characters"));
        }
        ports::select(Some(p), None).map_err(|e| invalid("ports", e))?;
    }
    within("interval_seconds", s.interval_seconds, &INTERVAL_SECONDS)?;
    within("rate", s.rate, &request::RATE)?;
    within(
        "max_concurrency",
        s.max_concurrency,
        &request::MAX_CONCURRENCY,
    )?;
    list_bounds("fragile_types", &s.fragile_types)?;
    for (i, t) in s.fragile_types.iter().enumerate() {
        t.parse::<DeviceType>()
            .map_err(|e| invalid(format!("fragile_types[{i}]"), e))?;
    }
    if let Some(p) = &s.shield.preset
        && !SHIELD_PRESETS.contains(&p.as_str())
    {
        return Err(invalid(
            "shield.preset",
            format!("'{p}' is not one of quick, standard, deep"),
        ));
    }
    within(
        "shield.every_hours",
        s.shield.every_hours,
        &SHIELD_EVERY_HOURS,
    )?;
    if let Some(w) = &s.maintenance {
        window::Window::parse(w).map_err(|(field, why)| invalid(field, why))?;
    }
    within(
        "updates.rollout_percent",
        s.updates.rollout_percent,
        &(1..=100),
    )?;
    if let Some(v) = s
        .updates
        .pinned_version
        .as_deref()
        .filter(|v| !v.trim().is_empty())
    {
        crate::release::sign::parse_version(v).map_err(|e| invalid("updates.pinned_version", e))?;
    }
    Ok(())
}

/// Trims every entry and drops empty ones and duplicates, so what is stored (and hashed into
/// the version) does not depend on stray spaces.
pub fn normalise(mut s: SiteSettings) -> SiteSettings {
    fn tidy(list: &mut Vec<String>) {
        let mut seen = std::collections::HashSet::new();
        list.retain_mut(|e| {
            *e = e.trim().to_string();
            !e.is_empty() && seen.insert(e.clone())
        });
    }
    tidy(&mut s.targets);
    tidy(&mut s.exclude);
    tidy(&mut s.fragile);
    tidy(&mut s.fragile_types);
    s.ports = s
        .ports
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if let Some(w) = &mut s.maintenance {
        w.start = w.start.trim().into();
        w.end = w.end.trim().into();
        tidy(&mut w.days);
        for d in &mut w.days {
            *d = d.to_ascii_lowercase();
        }
    }
    s
}

/// The fields of `sent` that `SiteSettings` does not have (a typo would otherwise be dropped
/// in silence and the admin believe it applied): dotted paths, e.g. `shield.presset`.
pub fn unknown_fields(sent: &serde_json::Value) -> Vec<String> {
    fn walk(sent: &serde_json::Value, known: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        let (Some(sent), Some(known)) = (sent.as_object(), known.as_object()) else {
            return;
        };
        for (key, value) in sent {
            let path = if at.is_empty() {
                key.clone()
            } else {
                format!("{at}.{key}")
            };
            match known.get(key) {
                None => out.push(path),
                Some(k) => walk(value, k, &path, out),
            }
        }
    }
    // Every field present with a nested object filled, so nested keys can be compared too.
    let full = SiteSettings {
        maintenance: Some(Default::default()),
        ..Default::default()
    };
    let known = serde_json::to_value(full).unwrap_or_default();
    let mut out = Vec::new();
    walk(sent, &known, "", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut SiteSettings)) -> Result<(), Invalid> {
        let mut s = SiteSettings::default();
        f(&mut s);
        check(&s)
    }

    #[test]
    fn each_bad_setting_names_its_field() {
        let field = |r: Result<(), Invalid>| r.unwrap_err().field;
        assert_eq!(
            field(with(
                |s| s.targets = vec!["10.0.0.0/24".into(), "10.0.0.0/33".into()]
            )),
            "targets[1]"
        );
        assert_eq!(
            field(with(|s| s.interval_seconds = Some(59))),
            "interval_seconds"
        );
        assert_eq!(field(with(|s| s.ports = Some("22,70000".into()))), "ports");
        assert_eq!(field(with(|s| s.rate = Some(0))), "rate");
        assert_eq!(
            field(with(|s| s.exclude = vec!["not a target!".into()])),
            "exclude[0]"
        );
        assert_eq!(
            field(with(|s| s.fragile_types = vec!["toaster".into()])),
            "fragile_types[0]"
        );
        assert_eq!(
            field(with(|s| s.shield.preset = Some("paranoid".into()))),
            "shield.preset"
        );
        assert_eq!(
            field(with(
                |s| s.targets = vec!["10.0.0.1".into(); MAX_ENTRIES + 1]
            )),
            "targets"
        );
        assert!(
            with(|s| {
                s.targets = vec!["10.0.0.0/24".into(), "10.1.0.5-40".into()];
                s.ports = Some("22,80,8000-8100".into());
                s.interval_seconds = Some(600);
                s.fragile_types = vec!["printer".into()];
                s.shield.preset = Some("standard".into());
            })
            .is_ok()
        );
    }

    #[test]
    fn unknown_fields_are_found_at_any_depth() {
        let sent = serde_json::json!({
            "ports": "22", "intervall_seconds": 60,
            "shield": {"presset": "quick"}, "maintenance": {"start": "01:00", "dayz": []},
        });
        assert_eq!(
            unknown_fields(&sent),
            vec!["intervall_seconds", "maintenance.dayz", "shield.presset"]
        );
        assert!(
            unknown_fields(&serde_json::json!({"ports": "22", "maintenance": null})).is_empty()
        );
    }

    #[test]
    fn normalising_trims_and_dedups() {
        let s = normalise(SiteSettings {
            targets: vec![" 10.0.0.0/24".into(), "10.0.0.0/24 ".into(), "  ".into()],
            ports: Some("  ".into()),
            ..Default::default()
        });
        assert_eq!(s.targets, vec!["10.0.0.0/24"]);
        assert_eq!(s.ports, None);
    }
}
