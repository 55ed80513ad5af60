//! Password hashing with Argon2id (RustCrypto `argon2`, default parameters, random salt).
//! Hashing is deliberately slow: callers on an async runtime run it on a blocking thread.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use ipt_domain::rule::FieldError;

use crate::error::AppError;

/// Shortest staff password we accept: NIST SP 800-63B (rev. 4, §3.1.1.2) asks at least 8
/// characters where a password is the only factor and recommends 15; we ask 12, and no
/// composition rules ("a digit and a symbol"), which the same guidance advises against.
/// Demo accounts are created outside this check.
pub const MIN_LEN: usize = 12;
/// Longest password we accept (the guidance asks to allow at least 64).
pub const MAX_LEN: usize = 256;

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

/// The staff password policy, after NIST SP 800-63B: long enough, not too long to check, not
/// the username nor containing it, and not on the list of common and breached passwords or
/// made of patterns that list's guessers try first (repeats such as `aaaaaaaaaaaa`, sequences
/// such as `123456789012`, keyboard rows, dates). The list and the patterns are zxcvbn's
/// (the `zxcvbn` crate, a port of Dropbox's estimator: 30 000 passwords from public breach
/// corpora, plus English words, names and the context words below); a password it rates
/// below 3 of 4 ("safely unguessable" at fewer than 10^8 guesses) is refused.
pub fn check_strength(password: &str, username: &str) -> Result<(), FieldError> {
    use ipt_domain::rule::Code;
    let field = |code| FieldError::new("password", code);
    let chars = password.chars().count();
    if password.trim().chars().count() < MIN_LEN {
        return Err(field(Code::PasswordTooShort).number("min", MIN_LEN as i64));
    }
    if chars > MAX_LEN {
        return Err(field(Code::TooLong).number("max", MAX_LEN as i64));
    }
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 2 && password.to_lowercase().contains(&user) {
        return Err(field(Code::PasswordHasUsername));
    }
    let context = [
        user.as_str(),
        "ipt",
        "workbench",
        "interpersonal",
        "therapy",
    ];
    if zxcvbn::zxcvbn(password, &context).score() < zxcvbn::Score::Three {
        return Err(field(Code::PasswordGuessable));
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

    #[test]
    fn the_policy_refuses_short_common_patterned_and_username_passwords() {
        use ipt_domain::rule::Code;
        let code = |p: &str| check_strength(p, "rosa.m").err().map(|e| e.code);
        assert_eq!(code("12345678"), Some(Code::PasswordTooShort));
        assert_eq!(code("   short    "), Some(Code::PasswordTooShort));
        for guessable in [
            "passwordpassword",
            "aaaaaaaaaaaaaaaa",
            "123456789012",
            "qwertyuiopasdf",
            "Password1234",
            "iloveyou1234",
        ] {
            assert_eq!(
                code(guessable),
                Some(Code::PasswordGuessable),
                "{guessable}"
            );
        }
        assert_eq!(
            code("my name is ROSA.M, hi"),
            Some(Code::PasswordHasUsername)
        );
        assert_eq!(code(&"x7".repeat(200)), Some(Code::TooLong));
        for fine in [
            "correct horse battery",
            "lantern orbit pebble mango",
            "Zq7#vL2!pW9x",
        ] {
            assert_eq!(code(fine), None, "{fine}");
        }
    }
}
