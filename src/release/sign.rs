//! Signed release manifests. An operator's Ed25519 key signs, for each agent binary, what it
//! is: version, target, SHA-256, size and date. Agents pin the public key when they register
//! and refuse anything it did not sign, any other target, any other bytes, and (unless the
//! site pins a version) any older version. The private key never reaches the server.
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, SubsecRound, Utc};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use std::io::Read;

const PUBLIC_PREFIX: &str = "bigr-ed25519:";
const PRIVATE_PREFIX: &str = "bigr-ed25519-private:";
/// Domain separation: a manifest signature can never pass for a signature of anything else.
const CONTEXT: &[u8] = b"bigr release manifest v1\n";

/// The platform this binary runs on, as manifests name it (`x86_64-linux`).
pub fn this_target() -> String {
    format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

/// Why a release was refused. Each says what was wrong, never a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the manifest is not a signed bigr manifest: {0}")]
    Malformed(String),
    #[error("the manifest was signed by key {got}, not the pinned key {want}")]
    UnknownKey { want: String, got: String },
    #[error("the manifest's signature does not verify")]
    BadSignature,
    #[error("the release is for {got}, this agent runs on {want}")]
    WrongTarget { want: String, got: String },
    #[error(
        "version {offered} is older than the running {current} (a downgrade needs a pinned version)"
    )]
    Downgrade { current: String, offered: String },
    #[error("the download is {got} bytes, the manifest says {want}")]
    WrongSize { want: u64, got: u64 },
    #[error("the download's SHA-256 is not the manifest's")]
    WrongHash,
    #[error("cannot read the download: {0}")]
    Io(String),
}

/// What a signature vouches for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub version: String,
    /// `x86_64-linux`, `aarch64-linux`.
    pub target: String,
    /// Lower-case hex.
    pub sha256: String,
    pub size: u64,
    pub date: DateTime<Utc>,
}

/// A manifest as written to a file and sent to agents: the signed part, the id of the key
/// that signed it and the signature (base64).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedManifest {
    pub signed: Manifest,
    pub key_id: String,
    pub signature: String,
}

/// The bytes a manifest's signature covers: a fixed context line, then the manifest as
/// compact JSON. The install script verifies these with openssl and reads its claims from them.
pub fn signed_message(m: &Manifest) -> Vec<u8> {
    message(m)
}

fn message(m: &Manifest) -> Vec<u8> {
    let mut msg = CONTEXT.to_vec();
    // A fixed struct serialises the same way every time: the canonical form.
    msg.extend(serde_json::to_vec(m).expect("a manifest serialises"));
    msg
}

/// A public key: 32 bytes, written `bigr-ed25519:BASE64`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    pub fn parse(text: &str) -> Result<PublicKey, String> {
        let b64 = text
            .trim()
            .strip_prefix(PUBLIC_PREFIX)
            .ok_or_else(|| format!("a release public key starts with {PUBLIC_PREFIX}"))?;
        let bytes = B64
            .decode(b64)
            .map_err(|_| "the release public key is not base64".to_string())?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "a release public key is 32 bytes".to_string())?;
        Ok(PublicKey(key))
    }

    /// The key as a PEM SubjectPublicKeyInfo (RFC 8410), as `openssl pkeyutl` reads it.
    pub fn spki_pem(&self) -> String {
        // SEQUENCE { SEQUENCE { OID 1.3.101.112 (Ed25519) }, BIT STRING (the 32 bytes) }.
        const PREFIX: [u8; 12] = [
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        let mut der = PREFIX.to_vec();
        der.extend_from_slice(&self.0);
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            B64.encode(der)
        )
    }

    /// The first 8 bytes of the key's SHA-256, in hex: which key signed, at a glance.
    pub fn id(&self) -> String {
        hex(&ring::digest::digest(&ring::digest::SHA256, &self.0).as_ref()[..8])
    }

    /// Checks the signature and that this key made it; the manifest's own claims come next.
    pub fn verify(&self, m: &SignedManifest) -> Result<(), Refusal> {
        if m.key_id != self.id() {
            return Err(Refusal::UnknownKey {
                want: self.id(),
                got: m.key_id.chars().take(32).collect(),
            });
        }
        let sig = B64
            .decode(m.signature.trim())
            .map_err(|_| Refusal::BadSignature)?;
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(&message(&m.signed), &sig)
            .map_err(|_| Refusal::BadSignature)
    }
}

impl std::fmt::Display for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{PUBLIC_PREFIX}{}", B64.encode(self.0))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A signing key, kept by the operator: PKCS#8, written `bigr-ed25519-private:BASE64`.
pub struct SigningKey {
    pair: Ed25519KeyPair,
}

impl SigningKey {
    /// A new key and its text form (to be written with mode 0600).
    pub fn generate() -> Result<(SigningKey, String), String> {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| "cannot generate a key".to_string())?;
        let text = format!("{PRIVATE_PREFIX}{}\n", B64.encode(pkcs8.as_ref()));
        Ok((SigningKey::parse(&text)?, text))
    }

    pub fn parse(text: &str) -> Result<SigningKey, String> {
        let b64 = text
            .trim()
            .strip_prefix(PRIVATE_PREFIX)
            .ok_or_else(|| format!("a release signing key starts with {PRIVATE_PREFIX}"))?;
        let der = B64
            .decode(b64)
            .map_err(|_| "the signing key is not base64".to_string())?;
        let pair = Ed25519KeyPair::from_pkcs8(&der)
            .map_err(|_| "the signing key is not an Ed25519 PKCS#8 key".to_string())?;
        Ok(SigningKey { pair })
    }

    pub fn public(&self) -> PublicKey {
        let bytes: [u8; 32] = self
            .pair
            .public_key()
            .as_ref()
            .try_into()
            .expect("an Ed25519 public key is 32 bytes");
        PublicKey(bytes)
    }

    /// Signs the manifest of `file` (read once, streamed) as `version` for `target`.
    pub fn sign_file(
        &self,
        file: &std::path::Path,
        version: &str,
        target: &str,
    ) -> Result<SignedManifest, String> {
        parse_version(version)?;
        let f = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let (sha256, size) = digest(f, u64::MAX).map_err(|e| format!("{}: {e}", file.display()))?;
        let signed = Manifest {
            version: version.trim().to_string(),
            target: target.to_string(),
            sha256,
            size,
            date: Utc::now().trunc_subsecs(0),
        };
        let signature = B64.encode(self.pair.sign(&message(&signed)).as_ref());
        Ok(SignedManifest {
            signed,
            key_id: self.public().id(),
            signature,
        })
    }
}

/// SHA-256 (hex) and length of what `r` yields, reading at most `limit` bytes.
fn digest(r: impl Read, limit: u64) -> std::io::Result<(String, u64)> {
    let mut r = r.take(limit);
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex(ctx.finish().as_ref()), size))
}

/// `MAJOR.MINOR.PATCH`, numbers only: what bigr's versions are.
pub fn parse_version(v: &str) -> Result<(u64, u64, u64), String> {
    let parts: Vec<&str> = v.trim().split('.').collect();
    let nums: Vec<u64> = parts
        .iter()
        .filter_map(|p| {
            (!p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    match (parts.len(), nums.as_slice()) {
        (3, [a, b, c]) => Ok((*a, *b, *c)),
        _ => Err(format!("{v:?} is not a version (MAJOR.MINOR.PATCH)")),
    }
}

/// What an agent holds against an offered release.
pub struct Expectation<'a> {
    pub key: &'a PublicKey,
    pub target: &'a str,
    pub current_version: &'a str,
    /// The site pins this version: it may be older than the running one.
    pub pinned: Option<&'a str>,
}

/// Checks an offered manifest: signature by the pinned key, target, version.
pub fn check_manifest(m: &SignedManifest, e: &Expectation) -> Result<(), Refusal> {
    e.key.verify(m)?;
    let s = &m.signed;
    if s.target != e.target {
        return Err(Refusal::WrongTarget {
            want: e.target.into(),
            got: s.target.chars().take(40).collect(),
        });
    }
    let offered = parse_version(&s.version).map_err(Refusal::Malformed)?;
    let current = parse_version(e.current_version).map_err(Refusal::Malformed)?;
    let pinned_here = e.pinned.is_some_and(|p| p.trim() == s.version);
    if offered < current && !pinned_here {
        return Err(Refusal::Downgrade {
            current: e.current_version.into(),
            offered: s.version.clone(),
        });
    }
    Ok(())
}

/// Checks downloaded bytes against a verified manifest: the size first (a truncated or
/// padded download), then the hash. Reads at most one byte more than the manifest's size.
pub fn check_download(m: &Manifest, r: impl Read) -> Result<(), Refusal> {
    let (sha256, size) =
        digest(r, m.size.saturating_add(1)).map_err(|e| Refusal::Io(e.to_string()))?;
    if size != m.size {
        return Err(Refusal::WrongSize {
            want: m.size,
            got: size,
        });
    }
    if sha256 != m.sha256 {
        return Err(Refusal::WrongHash);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(bytes: &[u8], version: &str, target: &str) -> (SigningKey, SignedManifest) {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("bigr");
        std::fs::write(&f, bytes).unwrap();
        let (key, text) = SigningKey::generate().unwrap();
        assert!(text.starts_with(PRIVATE_PREFIX));
        let m = key.sign_file(&f, version, target).unwrap();
        (key, m)
    }

    #[test]
    fn a_signed_release_verifies_and_every_tampering_is_refused() {
        let body = b"the new agent".to_vec();
        let (key, m) = signed(&body, "0.2.0", "x86_64-linux");
        let public = PublicKey::parse(&key.public().to_string()).unwrap();
        let e = Expectation {
            key: &public,
            target: "x86_64-linux",
            current_version: "0.1.0",
            pinned: None,
        };
        check_manifest(&m, &e).unwrap();
        check_download(&m.signed, &body[..]).unwrap();
        // The manifest survives a trip through its file form.
        let again: SignedManifest =
            serde_json::from_str(&serde_json::to_string_pretty(&m).unwrap()).unwrap();
        check_manifest(&again, &e).unwrap();

        let mut bigger = m.clone();
        bigger.signed.size += 1;
        assert_eq!(check_manifest(&bigger, &e), Err(Refusal::BadSignature));
        let mut other_target = m.clone();
        other_target.signed.target = "aarch64-linux".into();
        assert_eq!(
            check_manifest(&other_target, &e),
            Err(Refusal::BadSignature)
        );
        let (_, foreign) = signed(&body, "0.2.0", "x86_64-linux");
        assert!(matches!(
            check_manifest(&foreign, &e),
            Err(Refusal::UnknownKey { .. })
        ));
        let mut tampered = body.clone();
        tampered[0] ^= 1;
        assert_eq!(
            check_download(&m.signed, &tampered[..]),
            Err(Refusal::WrongHash)
        );
        assert!(matches!(
            check_download(&m.signed, &body[..5]),
            Err(Refusal::WrongSize { got: 5, .. })
        ));
        let mut padded = body.clone();
        padded.extend_from_slice(b"more");
        assert!(matches!(
            check_download(&m.signed, &padded[..]),
            Err(Refusal::WrongSize { .. })
        ));
    }

    #[test]
    fn targets_and_downgrades_are_refused_unless_the_site_pins_the_version() {
        let (key, arm) = signed(b"x", "0.2.0", "aarch64-linux");
        let public = key.public();
        let mut e = Expectation {
            key: &public,
            target: "x86_64-linux",
            current_version: "0.1.0",
            pinned: None,
        };
        assert!(matches!(
            check_manifest(&arm, &e),
            Err(Refusal::WrongTarget { .. })
        ));
        e.target = "aarch64-linux";
        e.current_version = "0.10.0";
        assert!(matches!(
            check_manifest(&arm, &e),
            Err(Refusal::Downgrade { .. })
        ));
        e.pinned = Some("0.2.0");
        check_manifest(&arm, &e).unwrap();
    }

    #[test]
    fn versions_and_keys_are_parsed_strictly() {
        assert_eq!(parse_version("1.20.3").unwrap(), (1, 20, 3));
        for bad in ["1.2", "1.2.3.4", "v1.2.3", "1.2.x", "", "1..3", "1.2.-3"] {
            assert!(parse_version(bad).is_err(), "{bad}");
        }
        assert!(PublicKey::parse("bigr-ed25519:AAAA").is_err());
        assert!(PublicKey::parse("ssh-ed25519 AAAA").is_err());
        assert!(SigningKey::parse("bigr-ed25519-private:bm90IGEga2V5").is_err());
    }
}
