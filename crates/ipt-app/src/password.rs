//! Password hashing with Argon2id (RustCrypto `argon2`, default parameters, random salt).
//! Hashing is deliberately slow: callers on an async runtime run it on a blocking thread.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use ipt_domain::rule::FieldError;

use crate::error::AppError;

/// Shortest password we accept. Demo accounts are created outside this check.
pub const MIN_LEN: usize = 8;

pub fn hash(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// An Argon2id hash of a random secret, verified against when an account (or portal code) is
/// unknown, so that an unknown name costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let mut secret = [0u8; 32];
        // Without randomness the dummy is simply a fixed secret nobody types.
        let _ = getrandom::fill(&mut secret);
        hash(&format!("{secret:?}")).unwrap_or_default()
    })
}

/// A password policy a clinician can meet: long enough, not blank.
pub fn check_strength(password: &str) -> Result<(), FieldError> {
    if password.trim().chars().count() < MIN_LEN {
        return Err(
            FieldError::new("password", ipt_domain::rule::Code::PasswordTooShort)
                .number("min", MIN_LEN as i64),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("wrong horse", &h));
        assert!(!verify("correct horse", "not a hash"));
    }
}
