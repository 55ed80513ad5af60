//! The sign-in throttle: how many attempts at a secret lock further tries, and for how long.
//! Staff passwords, portal codes and passphrases, the kiosk handback, invitation links and API
//! tokens all go through it, each under its own kind of key.
//!
//! Attempts are counted in the database (`Store::count_attempts`), so every `ipt serve`
//! instance on one database shares them and a restart forgets nothing. A slow secret (a
//! password or passphrase, checked by Argon2) is counted *before* it is checked, atomically
//! (one upsert per key), so that twenty parallel guesses cannot all be checked while the count
//! is still below its limit; a right secret then takes its attempt back. A cheap secret (a
//! token looked up by its hash) is counted only when it was wrong, so a good API request costs
//! no write. An attempt is counted under its narrowest key first (this account from this
//! address), then the account's, then the address's, and stops at the first key over its limit:
//! so one address cannot push an account's own count past what it may try itself, and locking
//! an account for everyone takes guesses from several addresses. Keys are SHA-256 hashes of what identifies them, so a megabyte-long username takes
//! 64 characters to count, and stale keys are removed as new attempts are counted.
//!
//! The number of slow checks running at once is capped too (`App::with_secret_check_limit`):
//! one Argon2 check takes ~19 MiB, and a flood of them would otherwise take the server's memory.

use std::net::IpAddr;

use ipt_domain::ids::UserId;
use sha2::{Digest, Sha256};
use tokio::sync::OwnedSemaphorePermit;

use crate::ports::AttemptCount;
use crate::{App, AppError};

/// How long a window of attempts lasts, from the first attempt in it.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Attempts at one account from one address within a window.
pub const PER_ACCOUNT_AND_ADDRESS: i64 = 5;
/// Attempts at one account from anywhere within a window: a guesser spread over many
/// addresses is held too (at the price that they can lock the account for a window).
pub const PER_ACCOUNT: i64 = 20;
/// Attempts from one address within a window, at any account (only failures stay counted).
pub const PER_ADDRESS: i64 = 30;
/// Failed attempts from one address within a window at a secret that names nothing (an
/// invitation link, an API token): no one mistypes a link or a token five times.
pub const PER_ADDRESS_UNNAMED: i64 = 5;
/// Slow secret checks at once, by default.
pub const DEFAULT_SECRET_CHECKS: usize = 4;

/// A secret someone is trying.
#[derive(Debug, Clone, Copy)]
pub enum Secret<'a> {
    /// A staff password for this username (as typed).
    Password(&'a str),
    /// A portal code (as typed) and its passphrase.
    PortalCode(&'a str),
    /// A clinician's password to leave kiosk mode.
    Kiosk(UserId),
    /// A code from an account's authenticator app, or a recovery code.
    SecondFactor(UserId),
    /// An invitation link.
    Invitation,
    /// A personal API token.
    ApiToken,
}

impl Secret<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Self::Password(_) => "password",
            Self::PortalCode(_) => "portal-code",
            Self::Kiosk(_) => "kiosk",
            Self::SecondFactor(_) => "second-factor",
            Self::Invitation => "invitation",
            Self::ApiToken => "api-token",
        }
    }

    /// What the secret unlocks, when it names something (an account, a portal code).
    fn subject(&self) -> Option<String> {
        match self {
            Self::Password(u) => Some(u.trim().to_lowercase()),
            Self::PortalCode(c) => Some(
                crate::usecases::portal_access::normalise_code(c)
                    .unwrap_or_else(|| c.trim().to_uppercase()),
            ),
            Self::Kiosk(id) | Self::SecondFactor(id) => Some(id.to_string()),
            Self::Invitation | Self::ApiToken => None,
        }
    }
}

/// The part of an address that one caller controls: an IPv4 address, or an IPv6 /64 (anyone
/// given one IPv6 address is usually given its whole /64).
fn address(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

fn key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The keys an attempt is counted under, with their limits: the address's, and for a secret
/// that names something, the subject's from this address and from anywhere.
struct Keys {
    address: (String, i64),
    subject: Vec<(String, i64)>,
}

impl Keys {
    fn of(secret: Secret<'_>, ip: IpAddr) -> Self {
        let (kind, addr) = (secret.kind(), address(ip));
        let subject = secret
            .subject()
            .map(|s| {
                vec![
                    (
                        key(&[kind, "subject+address", &s, &addr]),
                        PER_ACCOUNT_AND_ADDRESS,
                    ),
                    (key(&[kind, "subject", &s]), PER_ACCOUNT),
                ]
            })
            .unwrap_or_default();
        let limit = if subject.is_empty() {
            PER_ADDRESS_UNNAMED
        } else {
            PER_ADDRESS
        };
        Self {
            address: (key(&[kind, "address", &addr]), limit),
            subject,
        }
    }

    /// Narrowest first: the subject's from this address, the subject's, the address's.
    fn all(&self) -> Vec<(String, i64)> {
        self.subject
            .iter()
            .cloned()
            .chain(std::iter::once(self.address.clone()))
            .collect()
    }
}

/// A slow secret check that was let through: settle it with `App::end_attempt`.
pub struct Attempt {
    keys: Keys,
    _permit: OwnedSemaphorePermit,
}

/// `Throttled` with the longest wait among the keys over their limit, if any is.
fn verdict(counts: &[AttemptCount], limits: &[(String, i64)], now: i64) -> Result<(), AppError> {
    let wait = counts
        .iter()
        .zip(limits)
        .filter(|(c, (_, limit))| c.attempts > *limit)
        .map(|(c, _)| (c.window_start + WINDOW_SECS - now).max(1))
        .max();
    match wait {
        Some(secs) => Err(AppError::Throttled {
            retry_after_secs: secs,
        }),
        None => Ok(()),
    }
}

impl App {
    fn unix_now(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Before a slow secret is checked: take one of the capped places for a check (`Busy`
    /// when none is free), then count the attempt under each of its keys, refusing it with
    /// `Throttled` (and checking nothing) when any key is over its limit.
    pub(crate) async fn begin_attempt(
        &self,
        secret: Secret<'_>,
        from: IpAddr,
    ) -> Result<Attempt, AppError> {
        let permit = self
            .secret_checks
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Busy)?;
        let keys = Keys::of(secret, from);
        self.count_in_order(&keys.all()).await?;
        Ok(Attempt {
            keys,
            _permit: permit,
        })
    }

    /// After the check: a right secret takes its attempt back from the address and clears
    /// the subject's failures; a wrong one stays counted.
    pub(crate) async fn end_attempt(&self, attempt: Attempt, right: bool) -> Result<(), AppError> {
        if right {
            let subject: Vec<String> = attempt
                .keys
                .subject
                .iter()
                .map(|(k, _)| k.clone())
                .collect();
            self.store
                .settle_attempts(std::slice::from_ref(&attempt.keys.address.0), &subject)
                .await?;
        }
        Ok(())
    }

    /// Before a cheap secret is looked up: `Throttled` when its keys are over their limit
    /// already. Nothing is counted.
    pub(crate) async fn refuse_if_locked(
        &self,
        secret: Secret<'_>,
        from: IpAddr,
    ) -> Result<(), AppError> {
        let all = Keys::of(secret, from).all();
        let names: Vec<String> = all.iter().map(|(k, _)| k.clone()).collect();
        let now = self.unix_now();
        // Locked when this attempt, were it counted, would be over the limit.
        let next: Vec<AttemptCount> = self
            .store
            .attempts(&names, now, WINDOW_SECS)
            .await?
            .into_iter()
            .map(|c| AttemptCount {
                attempts: c.attempts + 1,
                ..c
            })
            .collect();
        verdict(&next, &all, now)
    }

    /// A cheap secret was wrong: count it, and say `Throttled` when that puts its keys over
    /// their limit (the caller answers that instead of "wrong").
    pub(crate) async fn count_failure(
        &self,
        secret: Secret<'_>,
        from: IpAddr,
    ) -> Result<(), AppError> {
        self.count_in_order(&Keys::of(secret, from).all()).await
    }

    /// Count the attempt under each key in turn (each count atomic), stopping with
    /// `Throttled` at the first key over its limit: the broader keys are not counted then.
    async fn count_in_order(&self, keys: &[(String, i64)]) -> Result<(), AppError> {
        for key in keys {
            let now = self.unix_now();
            let counts = self
                .store
                .count_attempts(std::slice::from_ref(&key.0), now, WINDOW_SECS)
                .await?;
            verdict(&counts, std::slice::from_ref(key), now)?;
        }
        Ok(())
    }

    /// Check a slow secret against its stored hash, on the hasher (off the async runtime
    /// behind a web server).
    pub(crate) async fn check_secret(&self, secret: &str, stored: String) -> bool {
        self.hasher.verify(secret.to_string(), stored).await
    }

    /// Hash a new secret, in one of the capped places for a slow check (`Busy` when none is
    /// free).
    pub(crate) async fn hash_secret(&self, secret: &str) -> Result<String, AppError> {
        let _permit = self
            .secret_checks
            .clone()
            .try_acquire_owned()
            .map_err(|_| AppError::Busy)?;
        self.hasher.hash(secret.to_string()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_fixed_size_per_kind_and_ipv6_counts_by_64() {
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let long = "x".repeat(1 << 20);
        let k = Keys::of(Secret::Password(&long), ip);
        assert!(k.all().iter().all(|(key, _)| key.len() == 64));
        let a = Keys::of(Secret::Password("Anna"), ip);
        let b = Keys::of(Secret::Password(" anna "), ip);
        assert_eq!(a.all(), b.all(), "usernames are counted case-blind");
        let portal = Keys::of(Secret::PortalCode("anna"), ip);
        assert_ne!(a.subject[0].0, portal.subject[0].0);
        let v6a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let v6b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(address(v6a), address(v6b));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(address(mapped), "10.0.0.1");
    }

    #[test]
    fn the_wait_is_the_longest_among_keys_over_their_limit() {
        let limits = vec![("a".to_string(), 5), ("b".to_string(), 20)];
        let at = |attempts, window_start| AttemptCount {
            attempts,
            window_start,
        };
        assert!(verdict(&[at(5, 0), at(20, 0)], &limits, 100).is_ok());
        match verdict(&[at(6, 0), at(3, 50)], &limits, 100) {
            Err(AppError::Throttled { retry_after_secs }) => {
                assert_eq!(retry_after_secs, WINDOW_SECS - 100)
            }
            other => panic!("{other:?}"),
        }
    }
}
