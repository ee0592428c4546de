//! What a command may work on, checked once for the API and `bigr agent command`: only
//! `scan_now` takes targets, ports or Shield, and those parse as the scanner parses them.
use super::settings::{Invalid, MAX_ENTRIES};
use crate::model::commands::{CommandArgs, CommandKind, NewCommand};
use crate::scan::{ports, targets};

fn invalid(field: impl Into<String>, why: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        why: why.into(),
    }
}

/// The checked, trimmed arguments of `c`; an error names the field.
pub fn check(c: &NewCommand) -> Result<CommandArgs, Invalid> {
    if c.kind != CommandKind::ScanNow {
        let used = [
            ("targets", !c.targets.is_empty()),
            ("ports", c.ports.is_some()),
            ("shield", c.shield),
        ];
        if let Some((field, _)) = used.iter().find(|(_, on)| *on) {
            return Err(invalid(
                *field,
                "only scan_now takes targets, ports or shield",
            ));
        }
    }
    if c.targets.len() > MAX_ENTRIES {
        return Err(invalid("targets", format!("at most {MAX_ENTRIES} entries")));
    }
    for (i, t) in c.targets.iter().enumerate() {
        targets::parse(t).map_err(|e| invalid(format!("targets[{i}]"), e.to_string()))?;
    }
    if let Some(p) = &c.ports {
        if p.len() > 4096 {
            return Err(invalid("ports", "longer than 4096 characters"));
        }
        ports::select(Some(p), None).map_err(|e| invalid("ports", e))?;
    }
    Ok(CommandArgs {
        targets: c.targets.iter().map(|t| t.trim().to_string()).collect(),
        ports: c.ports.as_ref().map(|p| p.trim().to_string()),
        shield: c.shield,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(kind: CommandKind, targets: &[&str], ports: Option<&str>) -> NewCommand {
        NewCommand {
            kind,
            targets: targets.iter().map(|t| t.to_string()).collect(),
            ports: ports.map(str::to_string),
            shield: false,
        }
    }

    #[test]
    fn refusals_name_the_field() {
        let field = |c| check(&c).unwrap_err().field;
        assert_eq!(
            field(new(CommandKind::ScanNow, &["10.0.0.0/33"], None)),
            "targets[0]"
        );
        assert_eq!(
            field(new(CommandKind::ScanNow, &[], Some("70000"))),
            "ports"
        );
        assert_eq!(
            field(new(CommandKind::ReloadConfig, &[], Some("22"))),
            "ports"
        );
        let ok = check(&new(
            CommandKind::ScanNow,
            &[" 10.0.0.0/24 "],
            Some("22,80"),
        ))
        .unwrap();
        assert_eq!(ok.targets, vec!["10.0.0.0/24"]);
    }
}
