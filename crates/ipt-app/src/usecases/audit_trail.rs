//! The audit trail's integrity and retention, for operators (`ipt audit …`, see the operator
//! guide's "Audit trail: verify, anchor, retention"): verify the hash chain, export an anchor
//! to keep elsewhere, and prune events older than the retention.

use ipt_domain::authz::Actor;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ports::{AuditPrune, AuditVerification, ChainPoint};
use crate::{App, AppError};

/// Rows pruned per transaction: short transactions, so appends wait little for the chain.
pub const PRUNE_BATCH: u32 = 5000;

/// A point of the audit chain exported for safe keeping, as one line of JSON:
/// `{"seq":42,"hash":"9f…","at":"2026-12-04T01:02:03Z"}`. Verifying with it later proves
/// that the trail up to that row was not rewritten since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditAnchor {
    /// The row's place in the chain.
    pub seq: i64,
    /// Its hash, in lowercase hex.
    pub hash: String,
    /// When the anchor was exported.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Why an anchor file was refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "not an audit anchor ({0}); expected a line such as {{\"seq\":42,\"hash\":\"<64 hex digits>\",\"at\":\"2026-12-04T01:02:03Z\"}}"
)]
pub struct AnchorError(String);

impl AuditAnchor {
    /// Read an anchor as `to_line` wrote it (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Self, AnchorError> {
        let anchor: Self =
            serde_json::from_str(text.trim()).map_err(|e| AnchorError(e.to_string()))?;
        if anchor.seq < 0 {
            return Err(AnchorError("seq is negative".into()));
        }
        anchor.point()?;
        Ok(anchor)
    }

    /// One line of JSON.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The chain point it names.
    pub fn point(&self) -> Result<ChainPoint, AnchorError> {
        let hash =
            from_hex(&self.hash).ok_or_else(|| AnchorError("hash is not 64 hex digits".into()))?;
        Ok(ChainPoint {
            seq: self.seq,
            hash,
        })
    }
}

/// Lowercase hex of a hash.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(s: &str) -> Option<[u8; 32]> {
    let s = s.as_bytes();
    if s.len() != 64 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (i, pair) in s.chunks(2).enumerate() {
        out[i] = (digit(pair[0])? << 4) | digit(pair[1])?;
    }
    Some(out)
}

impl App {
    /// The chain's current head as an anchor, stamped now.
    pub async fn audit_anchor(&self) -> Result<AuditAnchor, AppError> {
        let chain = self.store.audit_chain().await?;
        Ok(AuditAnchor {
            seq: chain.head.seq,
            hash: hex(&chain.head.hash),
            at: self.now(),
        })
    }

    /// Verify the chain from its pruned boundary to its head, and that it still holds
    /// `anchor` when one is given.
    pub async fn verify_audit_trail(
        &self,
        anchor: Option<&AuditAnchor>,
    ) -> Result<AuditVerification, AppError> {
        let point = anchor
            .map(AuditAnchor::point)
            .transpose()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(self.store.verify_audit_chain(point).await?)
    }

    /// Delete the audit events written before `before` (at the latest now), oldest first and
    /// in batches, keeping the chain verifiable from the last row deleted. Each batch is
    /// recorded by an `audit.prune` event.
    pub async fn prune_audit_trail(
        &self,
        actor: &Actor,
        before: OffsetDateTime,
    ) -> Result<AuditPrune, AppError> {
        let before = before.min(self.now());
        let run = crate::new_id::<uuid::Uuid>();
        let audit = self.audit(actor, "audit.prune", "audit_trail", run, None);
        Ok(self.store.prune_audit(before, PRUNE_BATCH, &audit).await?)
    }
}

/// The instant before which a retention of `days` days lets events go.
pub fn retention_cutoff(now: OffsetDateTime, days: u32) -> OffsetDateTime {
    now - time::Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_survives_its_own_line() {
        let a = AuditAnchor {
            seq: 42,
            hash: hex(&[0xab; 32]),
            at: time::macros::datetime!(2026-12-04 01:02:03 UTC),
        };
        let line = a.to_line();
        assert!(!line.contains('\n'));
        assert_eq!(AuditAnchor::parse(&format!("{line}\n")).unwrap(), a);
        assert_eq!(a.point().unwrap().hash, [0xab; 32]);
    }

    #[test]
    fn a_malformed_anchor_is_refused() {
        for bad in [
            "",
            "{\"seq\":1}",
            "{\"seq\":1,\"hash\":\"00\",\"at\":\"2026-12-04T01:02:03Z\"}",
            "{\"seq\":-1,\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"at\":\"2026-12-04T01:02:03Z\"}",
        ] {
            assert!(AuditAnchor::parse(bad).is_err(), "{bad}");
        }
    }
}
