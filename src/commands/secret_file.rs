//! Secrets given as files, never as arguments (argv is visible to every local user).

/// The secret in `path` (or `-`: the first line of stdin) without its trailing line end.
/// An empty secret is bad input.
pub fn read_secret(path: &std::path::Path) -> anyhow::Result<String> {
    let text = if path.as_os_str() == "-" {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| anyhow::anyhow!("cannot read the secret from stdin: {e}"))?;
        line
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?
    };
    let text = text.trim_end_matches(['\r', '\n']).to_string();
    if text.is_empty() {
        return Err(super::exit::Exit::BadInput(format!("{} is empty", path.display())).into());
    }
    Ok(text)
}
