//! `bigr release keygen|sign`: the operator's side of signed agent updates. The signing key
//! stays on the operator's machine (0600); the server and the agents only ever hold the
//! public key.
use crate::agent::private;
use crate::release::sign::{SigningKey, this_target};
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Create an Ed25519 key pair: bigr-release.key (secret, 0600) and bigr-release.pub
    Keygen {
        /// Folder to write the two files into
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Write the signed manifest of an agent binary (version, target, SHA-256, size, date)
    Sign {
        /// The binary
        file: PathBuf,
        /// Its version, MAJOR.MINOR.PATCH
        #[arg(long)]
        version: String,
        /// The platform it runs on [default: this machine's, e.g. x86_64-linux]
        #[arg(long)]
        target: Option<String>,
        /// The signing key from `bigr release keygen`
        #[arg(long, default_value = "bigr-release.key")]
        key: PathBuf,
        /// Where to write the manifest [default: FILE.manifest.json]
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// Write a version into a copy of a bigr binary (a build number, without rebuilding)
    Stamp {
        file: PathBuf,
        #[arg(long)]
        version: String,
    },
    /// Add a signed release to this server's database (checked against release_public_key)
    Add {
        /// The manifest from `bigr release sign`
        manifest: PathBuf,
        /// The binary it describes
        file: PathBuf,
    },
    /// List the releases this server holds
    List,
}

impl ReleaseCommand {
    /// Whether the command works on the server's database (add, list) or on files only.
    pub fn needs_database(&self) -> bool {
        matches!(self, ReleaseCommand::Add { .. } | ReleaseCommand::List)
    }
}

pub fn run(cmd: &ReleaseCommand) -> anyhow::Result<()> {
    match cmd {
        ReleaseCommand::Keygen { out } => keygen(out),
        ReleaseCommand::Stamp { file, version } => {
            crate::version::stamp(file, version).map_err(anyhow::Error::msg)?;
            outln!("{} now says it is {version}", file.display());
            Ok(())
        }
        ReleaseCommand::Add { .. } | ReleaseCommand::List => {
            anyhow::bail!("this command needs the server's database")
        }
        ReleaseCommand::Sign {
            file,
            version,
            target,
            key,
            output,
        } => {
            let text = std::fs::read_to_string(key).map_err(|e| {
                anyhow::anyhow!("cannot read the signing key {}: {e}", key.display())
            })?;
            let key = SigningKey::parse(&text).map_err(anyhow::Error::msg)?;
            let target = target.clone().unwrap_or_else(this_target);
            let manifest = key
                .sign_file(file, version, &target)
                .map_err(anyhow::Error::msg)?;
            let path = output.clone().unwrap_or_else(|| {
                let mut p = file.clone().into_os_string();
                p.push(".manifest.json");
                PathBuf::from(p)
            });
            std::fs::write(&path, serde_json::to_string_pretty(&manifest)? + "\n")
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            outln!(
                "signed {} {} for {} (sha256 {}, {} bytes) with key {}: {}",
                file.display(),
                manifest.signed.version,
                manifest.signed.target,
                manifest.signed.sha256,
                manifest.signed.size,
                manifest.key_id,
                path.display()
            );
            Ok(())
        }
    }
}

fn keygen(out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)?;
    let secret = out.join("bigr-release.key");
    let public = out.join("bigr-release.pub");
    let (key, text) = SigningKey::generate().map_err(anyhow::Error::msg)?;
    // create_new: an existing key is never overwritten (it may have signed releases).
    let mut f = private::create_new(&secret).map_err(|e| {
        anyhow::anyhow!(
            "cannot create {} ({e}); an existing key is never overwritten",
            secret.display()
        )
    })?;
    std::io::Write::write_all(&mut f, text.as_bytes())?;
    f.sync_all()?;
    std::fs::write(&public, format!("{}\n", key.public()))?;
    outln!(
        "key {}: secret {} (keep it off the server), public {}",
        key.public().id(),
        secret.display(),
        public.display()
    );
    outln!(
        "give the server the public key: BIGR_RELEASE_PUBLIC_KEY=\"{}\"",
        key.public()
    );
    Ok(())
}

/// `bigr release add|list` on the server's database.
pub async fn add(
    db: &sea_orm::DatabaseConnection,
    settings: &crate::config::Settings,
    cmd: ReleaseCommand,
) -> anyhow::Result<()> {
    use crate::store::releases;
    match cmd {
        ReleaseCommand::Add { manifest, file } => {
            let key = settings.release_key()?.ok_or_else(|| {
                anyhow::anyhow!(
                    "set release_public_key (BIGR_RELEASE_PUBLIC_KEY) to the key from `bigr release keygen` first"
                )
            })?;
            let text = std::fs::read_to_string(&manifest)
                .map_err(|e| anyhow::anyhow!("{}: {e}", manifest.display()))?;
            let m: crate::release::sign::SignedManifest =
                serde_json::from_str(&text).map_err(|e| {
                    anyhow::anyhow!("{}: not a signed manifest: {e}", manifest.display())
                })?;
            let view = releases::add(db, &m, &key, &file, &super::audited::actor()).await?;
            super::audited::record(
                db,
                "release.add",
                None,
                &format!("{} {}", view.version, view.target),
                None::<&()>,
            )
            .await;
            outln!(
                "release {} for {} added ({} bytes, key {})",
                view.version,
                view.target,
                view.size,
                view.key_id
            );
        }
        ReleaseCommand::List => {
            for r in releases::list(db).await? {
                outln!(
                    "{:<12} {:<16} {:>10} bytes  sha256 {}  added {} by {}",
                    r.version,
                    r.target,
                    r.size,
                    r.sha256,
                    r.added_at.format("%Y-%m-%d %H:%M"),
                    r.added_by
                );
            }
        }
        other => run(&other)?,
    }
    Ok(())
}
