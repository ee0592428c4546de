//! Password hashing with argon2id (the crate's defaults: m=19 MiB, t=2, p=1).
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 1024;

/// Rejects passwords too short to resist guessing, or absurdly long (hashing cost).
pub fn check_strength(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(format!(
            "the password must have at least {MIN_LEN} characters"
        ));
    }
    if n > MAX_LEN {
        return Err(format!(
            "the password must have at most {MAX_LEN} characters"
        ));
    }
    Ok(())
}

/// A PHC string `$argon2id$v=19$…` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Constant-time check of a password against a stored PHC string.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$") && a != b);
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong horse battery", &a));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_strength("short").is_err());
        assert!(check_strength("long enough pw").is_ok());
    }
}
