//! Bearer credentials for agents: `bigr_<id>_<secret>` (and `bigr_enr_<id>_<secret>` for
//! one-time enrollment tokens). The id is public and used to find the row; the 256-bit
//! secret is never stored, only its SHA-256. A fast hash is enough here (unlike passwords):
//! the secret is uniformly random, so there is nothing for a dictionary attack to guess.
use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;

/// What kind of credential a token is; its prefix says so, so a token pasted into the wrong
/// place is recognised rather than looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Agent,
    Enrollment,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Agent => "bigr_",
            TokenKind::Enrollment => "bigr_enr_",
        }
    }
}

/// Hex characters of the public id (64 bits) and of the secret (256 bits).
const ID_HEX: usize = 16;
const SECRET_HEX: usize = 64;

/// A freshly made token: `text` is shown once; `id` and `hash` are stored.
pub struct IssuedToken {
    pub id: String,
    pub hash: String,
    pub text: String,
}

/// A token as presented by a client, split into its parts.
pub struct PresentedToken {
    pub id: String,
    secret: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_secret(secret: &str) -> String {
    hex(digest::digest(&digest::SHA256, secret.as_bytes()).as_ref())
}

/// `bytes` random bytes as hex (HMAC keys, nonces); fails only if the system random
/// generator does, never with a predictable value.
pub fn random_hex(bytes: usize) -> Result<String, String> {
    let mut b = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| "the system random generator failed".to_string())?;
    Ok(hex(&b))
}

/// Makes a new token of `kind`; fails only if the system random generator does.
pub fn issue(kind: TokenKind) -> Result<IssuedToken, String> {
    let mut id = [0u8; ID_HEX / 2];
    let mut secret = [0u8; SECRET_HEX / 2];
    let rng = SystemRandom::new();
    rng.fill(&mut id)
        .and_then(|_| rng.fill(&mut secret))
        .map_err(|_| "the system random generator failed".to_string())?;
    let (id, secret) = (hex(&id), hex(&secret));
    Ok(IssuedToken {
        hash: hash_secret(&secret),
        text: format!("{}{id}_{secret}", kind.prefix()),
        id,
    })
}

/// Splits a presented token; `None` when it is not a well-formed token of `kind`.
pub fn parse(kind: TokenKind, text: &str) -> Option<PresentedToken> {
    let rest = text.trim().strip_prefix(kind.prefix())?;
    // An enrollment token also starts with "bigr_": refuse it where an agent token is due.
    if kind == TokenKind::Agent && rest.starts_with("enr_") {
        return None;
    }
    let (id, secret) = rest.split_once('_')?;
    let well_formed = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    (well_formed(id, ID_HEX) && well_formed(secret, SECRET_HEX)).then(|| PresentedToken {
        id: id.to_string(),
        secret: secret.to_string(),
    })
}

impl PresentedToken {
    /// Whether this token's secret is the one `stored_hash` was made from, in constant time.
    pub fn matches(&self, stored_hash: &str) -> bool {
        let mine = hash_secret(&self.secret);
        mine.len() == stored_hash.len() && bool::from(mine.as_bytes().ct_eq(stored_hash.as_bytes()))
    }
}

/// Constant-time comparison of two shared secrets (the registration secret).
pub fn secrets_equal(a: &str, b: &str) -> bool {
    // Compare digests so the length of the configured secret does not leak through timing.
    let (a, b) = (hash_secret(a), hash_secret(b));
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_parse_back_and_match_only_their_hash() {
        let t = issue(TokenKind::Agent).unwrap();
        assert!(t.text.starts_with("bigr_"));
        assert!(
            !t.text.contains(&t.hash),
            "the hash is not part of the token"
        );
        let p = parse(TokenKind::Agent, &t.text).unwrap();
        assert_eq!(p.id, t.id);
        assert!(p.matches(&t.hash));
        let other = issue(TokenKind::Agent).unwrap();
        assert!(!p.matches(&other.hash));
        assert_ne!(t.id, other.id);
    }

    #[test]
    fn kinds_are_not_interchangeable() {
        let enr = issue(TokenKind::Enrollment).unwrap();
        assert!(enr.text.starts_with("bigr_enr_"));
        assert!(parse(TokenKind::Agent, &enr.text).is_none());
        assert!(parse(TokenKind::Enrollment, &enr.text).is_some());
        let agent = issue(TokenKind::Agent).unwrap();
        assert!(parse(TokenKind::Enrollment, &agent.text).is_none());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "bigr_",
            "bigr_abc_def",
            "Bearer bigr_0123456789abcdef_00",
            &format!("bigr_0123456789abcdeg_{}", "0".repeat(64)),
            &format!("bigr_0123456789abcdef_{}", "0".repeat(63)),
            &format!("bigr_0123456789ABCDEF_{}", "0".repeat(64)),
        ] {
            assert!(parse(TokenKind::Agent, bad).is_none(), "{bad}");
        }
        assert!(
            parse(
                TokenKind::Agent,
                &format!("bigr_0123456789abcdef_{}", "0".repeat(64))
            )
            .is_some()
        );
    }

    #[test]
    fn shared_secrets_compare_by_value() {
        assert!(secrets_equal("s3cret-value", "s3cret-value"));
        assert!(!secrets_equal("s3cret-value", "s3cret-valuf"));
        assert!(!secrets_equal("short", "a much longer secret"));
    }
}
