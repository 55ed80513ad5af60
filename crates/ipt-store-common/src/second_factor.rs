//! Two-factor sign-in for staff: tables `user_second_factors` (one TOTP secret per account,
//! pending until its first code is given), `recovery_codes` (hashes of one-time codes) and
//! `sign_in_challenges` (a password checked, the second factor still to come). None of it is
//! patient data, so reads are not audited; changes are.

use ipt_app::ports::{SecondFactor, SignInChallenge, StoreError};
use ipt_domain::ids::UserId;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::sealed::Column;
use crate::{DomainRow, Keyring};

/// The sealed column of `user_second_factors`: a TOTP secret is a password's equal.
pub const TOTP_SECRET: Column = ("user_second_factors", "secret");

/// A row of `user_second_factors`.
#[derive(sqlx::FromRow)]
pub struct SecondFactorRow {
    user_id: Uuid,
    secret: String,
    enabled_at: Option<OffsetDateTime>,
    last_step: Option<i64>,
}

impl DomainRow for SecondFactorRow {
    type Domain = SecondFactor;

    fn into_domain(self, keys: &Keyring) -> Result<SecondFactor, StoreError> {
        Ok(SecondFactor {
            secret: keys.open(TOTP_SECRET, self.user_id, &self.secret)?,
            user: UserId::from_uuid(self.user_id),
            enabled_at: self.enabled_at,
            last_step: self.last_step,
        })
    }
}

/// A row of `sign_in_challenges`.
#[derive(sqlx::FromRow)]
pub struct ChallengeRow {
    user_id: Uuid,
    expires_at: OffsetDateTime,
}

impl DomainRow for ChallengeRow {
    type Domain = SignInChallenge;

    fn into_domain(self, _: &Keyring) -> Result<SignInChallenge, StoreError> {
        Ok(SignInChallenge {
            user: UserId::from_uuid(self.user_id),
            expires_at: self.expires_at,
        })
    }
}

/// The second-factor statements, expanded by `impl_store!` into `shared_sql::second_factor`.
#[doc(hidden)]
#[macro_export]
macro_rules! second_factor_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod second_factor {
            use super::*;
            pub(crate) use $crate::second_factor::*;

            pub(crate) async fn second_factor(
                s: &$store,
                user: UserId,
            ) -> Result<Option<SecondFactor>, StoreError> {
                let q = sqlx::query("SELECT * FROM user_second_factors WHERE user_id = $1")
                    .bind(user.as_uuid());
                select_optional::<SecondFactorRow>(s, q).await
            }

            pub(crate) async fn begin_second_factor(
                s: &$store,
                user: UserId,
                secret: &str,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                // A new enrolment replaces a pending one, and an enabled one only once its
                // first code is given (`enable_second_factor`): until then the old one works.
                sqlx::query(
                    "DELETE FROM user_second_factors WHERE user_id = $1 AND enabled_at IS NULL",
                )
                .bind(user.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                let enabled: Option<i64> =
                    sqlx::query_scalar("SELECT 1 FROM user_second_factors WHERE user_id = $1")
                        .bind(user.as_uuid())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                if enabled.is_some() {
                    return Err(rollback(
                        tx,
                        StoreError::Duplicate("two-factor sign-in is already on".into()),
                    )
                    .await);
                }
                sqlx::query(
                    "INSERT INTO user_second_factors (user_id, secret, enabled_at, last_step) \
                     VALUES ($1, $2, NULL, NULL)",
                )
                .bind(user.as_uuid())
                .bind(s.keys.seal(TOTP_SECRET, user.as_uuid(), secret))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn enable_second_factor(
                s: &$store,
                user: UserId,
                at: OffsetDateTime,
                step: i64,
                recovery_hashes: &[String],
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let n = sqlx::query(
                    "UPDATE user_second_factors SET enabled_at = $1, last_step = $2 \
                     WHERE user_id = $3 AND enabled_at IS NULL",
                )
                .bind(at)
                .bind(step)
                .bind(user.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
                if n == 0 {
                    let missing = StoreError::NotFound {
                        entity: "pending two-factor enrolment",
                        id: user.as_uuid(),
                    };
                    return Err(rollback(tx, missing).await);
                }
                replace_recovery_codes(&mut tx, user, recovery_hashes).await?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            async fn replace_recovery_codes(
                tx: &mut Tx<'_>,
                user: UserId,
                hashes: &[String],
            ) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user.as_uuid())
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                for h in hashes {
                    sqlx::query(
                        "INSERT INTO recovery_codes (code_hash, user_id, used_at) \
                         VALUES ($1, $2, NULL)",
                    )
                    .bind(h)
                    .bind(user.as_uuid())
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                }
                Ok(())
            }

            pub(crate) async fn use_totp_step(
                s: &$store,
                user: UserId,
                step: i64,
            ) -> Result<bool, StoreError> {
                let n = sqlx::query(
                    "UPDATE user_second_factors SET last_step = $1 WHERE user_id = $2 \
                     AND enabled_at IS NOT NULL AND (last_step IS NULL OR last_step < $1)",
                )
                .bind(step)
                .bind(user.as_uuid())
                .execute(&s.pool)
                .await
                .map_err(map_err)?
                .rows_affected();
                Ok(n == 1)
            }

            pub(crate) async fn use_recovery_code(
                s: &$store,
                user: UserId,
                code_hash: &str,
                at: OffsetDateTime,
                a: &AuditEvent,
            ) -> Result<bool, StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let n = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $1 \
                     WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL",
                )
                .bind(at)
                .bind(code_hash)
                .bind(user.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
                if n == 0 {
                    tx.rollback().await.map_err(map_err)?;
                    return Ok(false);
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await?;
                Ok(true)
            }

            pub(crate) async fn unused_recovery_codes(
                s: &$store,
                user: UserId,
            ) -> Result<u32, StoreError> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(user.as_uuid())
                .fetch_one(&s.pool)
                .await
                .map_err(map_err)?;
                Ok(n as u32)
            }

            pub(crate) async fn replace_recovery_codes_of(
                s: &$store,
                user: UserId,
                hashes: &[String],
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                replace_recovery_codes(&mut tx, user, hashes).await?;
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn remove_second_factor(
                s: &$store,
                user: UserId,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                for sql in [
                    "DELETE FROM user_second_factors WHERE user_id = $1",
                    "DELETE FROM recovery_codes WHERE user_id = $1",
                    "DELETE FROM sign_in_challenges WHERE user_id = $1",
                ] {
                    sqlx::query(sql)
                        .bind(user.as_uuid())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                audit::write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn create_sign_in_challenge(
                s: &$store,
                token_hash: &str,
                user: UserId,
                expires_at: OffsetDateTime,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                // Ended challenges go as new ones come.
                sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at <= $1")
                    .bind(expires_at - time::Duration::hours(1))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query(
                    "INSERT INTO sign_in_challenges (token_hash, user_id, expires_at) \
                     VALUES ($1, $2, $3)",
                )
                .bind(token_hash)
                .bind(user.as_uuid())
                .bind(expires_at)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                finish(tx).await
            }

            pub(crate) async fn sign_in_challenge(
                s: &$store,
                token_hash: &str,
            ) -> Result<Option<SignInChallenge>, StoreError> {
                let q = sqlx::query(
                    "SELECT user_id, expires_at FROM sign_in_challenges WHERE token_hash = $1",
                )
                .bind(token_hash);
                select_optional::<ChallengeRow>(s, q).await
            }

            pub(crate) async fn delete_sign_in_challenge(
                s: &$store,
                token_hash: &str,
            ) -> Result<(), StoreError> {
                let q = sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
                    .bind(token_hash);
                execute(s, q).await
            }
        }
    };
}
