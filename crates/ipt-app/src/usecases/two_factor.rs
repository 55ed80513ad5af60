//! Two-factor sign-in for staff: a time-based one-time code (TOTP, RFC 6238: SHA-1, six
//! digits, 30-second steps, as every authenticator app reads them) after the password, or one
//! of ten one-time recovery codes when the phone is lost.
//!
//! Enrolment makes a secret, shows it (as a QR code and as text) and keeps it pending until the
//! first code from it is typed: only then is it on, and the recovery codes are shown once (only
//! their SHA-256 hashes are kept). A code is accepted from the step before to the step after
//! the current one (clocks drift), and never twice: the store records the last step used,
//! atomically, so a code seen over someone's shoulder is already spent. Codes are throttled like
//! passwords (`usecases::throttle`).
//!
//! When the deployment requires it (`App::with_second_factor_required`), every staff account
//! must have it: a correct password on an account without it leads to enrolment before any
//! page opens, and it cannot be turned off. Personal API tokens are not asked for a code: each
//! is made by a signed-in user, is itself a random 256-bit secret, and can be revoked.

use std::net::IpAddr;

use ipt_domain::authz::Actor;
use ipt_domain::ids::UserId;
use ipt_domain::rule::{Code, FieldError};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::ports::UserRecord;
use crate::usecases::throttle::Secret as Tried;
use crate::{App, AppError};

/// How long the second step may take after the password.
pub const CHALLENGE_MINUTES: i64 = 5;
/// How many recovery codes an account has.
pub const RECOVERY_CODES: usize = 10;
const ISSUER: &str = "IPT Workbench";
const STEP_SECS: u64 = 30;

/// What follows a right password.
#[derive(Debug)]
pub enum AfterPassword {
    /// Signed in: no second factor is on, and none is required.
    SignedIn(UserRecord),
    /// A code from the account's authenticator (or a recovery code) comes next.
    SecondFactor(UserRecord),
    /// The deployment requires a second factor the account does not have: enrol first.
    Enrol(UserRecord),
}

/// A new secret to put into an authenticator app.
#[derive(Clone)]
pub struct Enrolment {
    /// The secret in base32, for typing into an app.
    pub secret: String,
    /// The `otpauth://` address a QR code carries.
    pub url: String,
}

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecondFactorStatus {
    pub on: bool,
    pub recovery_codes_left: u32,
    /// The deployment requires it (so it cannot be turned off).
    pub required: bool,
}

fn totp(secret_base32: &str, account: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_base32.to_string())
        .to_bytes()
        .map_err(|e| AppError::Internal(format!("a stored TOTP secret is not base32: {e:?}")))?;
    // No skew here: `matching_step` tries the steps beside the current one itself, so that it
    // knows which one matched.
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP_SECS,
        bytes,
        Some(ISSUER.to_string()),
        account.to_string(),
    )
    .map_err(|e| AppError::Internal(format!("TOTP parameters refused: {e}")))
}

/// The step (30-second window since 1970) whose code `code` is, among the step before, the
/// current one and the step after, or None.
pub fn matching_step(t: &TOTP, code: &str, now: OffsetDateTime) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = now.unix_timestamp().max(0) as u64;
    let step = now / STEP_SECS;
    [step.saturating_sub(1), step, step + 1]
        .into_iter()
        // One step at a time (the crate compares in constant time).
        .find(|s| t.check(&code, s * STEP_SECS))
        .map(|s| s as i64)
}

fn hash(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(normalised.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Ten recovery codes of ten characters from a 32-letter alphabet without look-alikes (50 bits
/// each), written in two groups of five.
fn recovery_codes() -> Result<Vec<String>, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut out = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes)
            .map_err(|e| AppError::Internal(format!("no randomness for recovery codes: {e}")))?;
        let chars: String = bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        out.push(format!("{}-{}", &chars[..5], &chars[5..]));
    }
    Ok(out)
}

fn wrong_code() -> AppError {
    AppError::Rejected(vec![FieldError::new("code", Code::SecondFactorWrong)])
}

impl App {
    fn user_actor(user: &UserRecord) -> Actor {
        Actor::User {
            id: user.id,
            role: user.role,
        }
    }

    fn second_factor_audit(&self, user: &UserRecord, action: &str) -> crate::ports::AuditEvent {
        self.audit(
            &Self::user_actor(user),
            action,
            "user",
            user.id.as_uuid(),
            None,
        )
    }

    /// After `staff_sign_in` found the password right: signed in, or the second step.
    pub async fn after_password(&self, user: UserRecord) -> Result<AfterPassword, AppError> {
        let on = self
            .store
            .second_factor(user.id)
            .await?
            .is_some_and(|f| f.enabled_at.is_some());
        Ok(match (on, self.second_factor_required) {
            (true, _) => AfterPassword::SecondFactor(user),
            (false, true) => AfterPassword::Enrol(user),
            (false, false) => AfterPassword::SignedIn(user),
        })
    }

    /// Remember that `user` gave the right password, under the hash of a token the caller
    /// keeps (in a cookie), for `CHALLENGE_MINUTES`.
    pub async fn start_challenge(
        &self,
        user: &UserRecord,
        token_hash: &str,
    ) -> Result<(), AppError> {
        let expires = self.now() + Duration::minutes(CHALLENGE_MINUTES);
        self.store
            .create_sign_in_challenge(token_hash, user.id, expires)
            .await?;
        Ok(())
    }

    /// The active account whose password was checked under this challenge, if it has not
    /// expired.
    pub async fn challenge_user(&self, token_hash: &str) -> Result<Option<UserRecord>, AppError> {
        let Some(c) = self.store.sign_in_challenge(token_hash).await? else {
            return Ok(None);
        };
        if c.expires_at <= self.now() {
            self.store.delete_sign_in_challenge(token_hash).await?;
            return Ok(None);
        }
        Ok(self.store.user(c.user).await?.filter(|u| u.active))
    }

    /// End a challenge (after enrolment during sign-in).
    pub async fn end_challenge(&self, token_hash: &str) -> Result<(), AppError> {
        self.store.delete_sign_in_challenge(token_hash).await?;
        Ok(())
    }

    /// The second step: a code from the authenticator, or a recovery code (spent by its use).
    /// Throttled like a password; a right one ends the challenge and answers the account.
    pub async fn second_factor_sign_in(
        &self,
        token_hash: &str,
        code: &str,
        from: IpAddr,
    ) -> Result<Option<UserRecord>, AppError> {
        let Some(user) = self.challenge_user(token_hash).await? else {
            return Err(AppError::NotFound("sign-in challenge"));
        };
        let attempt = self
            .begin_attempt(Tried::SecondFactor(user.id), from)
            .await?;
        let right = self.code_is_right(&user, code).await?;
        self.end_attempt(attempt, right).await?;
        if !right {
            let audit = self.audit(
                &Actor::System,
                "user.second_factor_refused",
                "user",
                user.id.as_uuid(),
                None,
            );
            self.store.record_refusal(&audit).await?;
            return Ok(None);
        }
        self.store.delete_sign_in_challenge(token_hash).await?;
        Ok(Some(user))
    }

    /// A TOTP code not used before, or an unspent recovery code.
    async fn code_is_right(&self, user: &UserRecord, code: &str) -> Result<bool, AppError> {
        let Some(factor) = self.store.second_factor(user.id).await? else {
            return Ok(false);
        };
        if factor.enabled_at.is_none() {
            return Ok(false);
        }
        let t = totp(&factor.secret, &user.username)?;
        if let Some(step) = matching_step(&t, code, self.now()) {
            return Ok(self.store.use_totp_step(user.id, step).await?);
        }
        let a = self.second_factor_audit(user, "user.second_factor.recovery_code_used");
        Ok(self
            .store
            .use_recovery_code(user.id, &hash(code), self.now(), &a)
            .await?)
    }

    /// Start enrolment: a new secret, pending until `confirm_second_factor`. Refused when one
    /// is on already (turn it off first).
    pub async fn begin_second_factor(&self, user: &UserRecord) -> Result<Enrolment, AppError> {
        let mut raw = [0u8; 20];
        getrandom::fill(&mut raw)
            .map_err(|e| AppError::Internal(format!("no randomness for a TOTP secret: {e}")))?;
        let secret = match Secret::Raw(raw.to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!("to_encoded gives an encoded secret"),
        };
        let t = totp(&secret, &user.username)?;
        let a = self.second_factor_audit(user, "user.second_factor.begin");
        match self.store.begin_second_factor(user.id, &secret, &a).await {
            Ok(()) => {}
            Err(crate::ports::StoreError::Duplicate(_)) => {
                return Err(AppError::Rejected(vec![FieldError::new(
                    "code",
                    Code::SecondFactorAlreadyOn,
                )]));
            }
            Err(e) => return Err(e.into()),
        }
        Ok(Enrolment {
            secret,
            url: t.get_url(),
        })
    }

    /// The secret being enrolled, to show again (a reload of the enrolment page).
    pub async fn pending_second_factor(
        &self,
        user: &UserRecord,
    ) -> Result<Option<Enrolment>, AppError> {
        let Some(f) = self.store.second_factor(user.id).await? else {
            return Ok(None);
        };
        if f.enabled_at.is_some() {
            return Ok(None);
        }
        let t = totp(&f.secret, &user.username)?;
        Ok(Some(Enrolment {
            secret: f.secret,
            url: t.get_url(),
        }))
    }

    /// Finish enrolment with the first code from the new secret: it is on, and these recovery
    /// codes (shown once) replace any others.
    pub async fn confirm_second_factor(
        &self,
        user: &UserRecord,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        let pending = self
            .store
            .second_factor(user.id)
            .await?
            .filter(|f| f.enabled_at.is_none())
            .ok_or(AppError::NotFound("pending two-factor enrolment"))?;
        let t = totp(&pending.secret, &user.username)?;
        let step = matching_step(&t, code, self.now()).ok_or_else(wrong_code)?;
        let codes = recovery_codes()?;
        let hashes: Vec<String> = codes.iter().map(|c| hash(c)).collect();
        let a = self.second_factor_audit(user, "user.second_factor.enable");
        self.store
            .enable_second_factor(user.id, self.now(), step, &hashes, &a)
            .await?;
        Ok(codes)
    }

    /// New recovery codes for an account whose second factor is on; the old ones stop working.
    pub async fn new_recovery_codes(&self, user: &UserRecord) -> Result<Vec<String>, AppError> {
        if !self.second_factor_status(user.id).await?.on {
            return Err(AppError::NotFound("two-factor sign-in"));
        }
        let codes = recovery_codes()?;
        let hashes: Vec<String> = codes.iter().map(|c| hash(c)).collect();
        let a = self.second_factor_audit(user, "user.second_factor.new_recovery_codes");
        self.store
            .replace_recovery_codes(user.id, &hashes, &a)
            .await?;
        Ok(codes)
    }

    /// Turn the account's own second factor off, confirmed by a current code. Refused when the
    /// deployment requires it.
    pub async fn turn_off_second_factor(
        &self,
        user: &UserRecord,
        code: &str,
    ) -> Result<(), AppError> {
        if self.second_factor_required {
            return Err(AppError::Rejected(vec![FieldError::new(
                "code",
                Code::SecondFactorRequired,
            )]));
        }
        if !self.code_is_right(user, code).await? {
            return Err(wrong_code());
        }
        let a = self.second_factor_audit(user, "user.second_factor.remove");
        self.store.remove_second_factor(user.id, &a).await?;
        Ok(())
    }

    /// For an operator (`ipt user reset-second-factor`): remove an account's second factor, so
    /// that its next sign-in enrols again (a lost phone and no recovery code left).
    pub async fn reset_second_factor(&self, actor: &Actor, user: UserId) -> Result<(), AppError> {
        let a = self.audit(
            actor,
            "user.second_factor.reset",
            "user",
            user.as_uuid(),
            None,
        );
        self.store.remove_second_factor(user, &a).await?;
        Ok(())
    }

    pub async fn second_factor_status(&self, user: UserId) -> Result<SecondFactorStatus, AppError> {
        let on = self
            .store
            .second_factor(user)
            .await?
            .is_some_and(|f| f.enabled_at.is_some());
        let left = if on {
            self.store.unused_recovery_codes(user).await?
        } else {
            0
        };
        Ok(SecondFactorStatus {
            on,
            recovery_codes_left: left,
            required: self.second_factor_required,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn a_code_matches_its_step_and_the_steps_beside_it_only() {
        let t = totp(SECRET, "rosa").unwrap();
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_015).unwrap();
        let step = 1_800_000_015 / 30;
        let code = t.generate(step as u64 * 30);
        assert_eq!(matching_step(&t, &code, now), Some(step));
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(
            matching_step(&t, &spaced, now),
            Some(step),
            "spaces are ignored"
        );
        let earlier = t.generate((step as u64 - 1) * 30);
        assert_eq!(matching_step(&t, &earlier, now), Some(step - 1));
        let stale = t.generate((step as u64 - 2) * 30);
        assert_eq!(
            matching_step(&t, &stale, now),
            None,
            "a minute old is too old"
        );
        assert_eq!(matching_step(&t, "12345", now), None);
        assert_eq!(matching_step(&t, "abcdef", now), None);
    }

    #[test]
    fn the_rfc_6238_test_vector_holds() {
        // RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at T = 59 s gives
        // 94287082 in eight digits, so 287082 in six.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        let t = totp(&secret, "rfc").unwrap();
        assert_eq!(t.generate(59), "287082");
    }

    #[test]
    fn recovery_codes_are_distinct_readable_and_hashed_alike_however_typed() {
        let codes = recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        );
        let c = &codes[0];
        assert_eq!(hash(c), hash(&c.to_uppercase().replace('-', " ")));
        assert_ne!(hash(c), hash(&codes[1]));
    }
}
