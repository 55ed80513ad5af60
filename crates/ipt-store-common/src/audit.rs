//! The audit trail: table `audit_events`. A write's audit event is written in the write's own
//! transaction (`audit::write`); a read's go through the store's write queue
//! (`audit::after_read`, see `group_commit.rs`).
//!
//! The trail is a hash chain (#16, docs/architecture.md "The audit chain"). Every append takes
//! the chain's head, the one row of `audit_chain`, with an UPDATE that reserves the next `seq`
//! numbers: on PostgreSQL that row stays locked until the transaction ends, so appends of every
//! instance on one database are chained in commit order; SQLite has one writer anyway. Each
//! row stores the hash of the row before it and its own,
//! `hash = SHA-256(prev_hash || canonical encoding of its fields)`, and the head gets the last
//! row's hash in the same transaction. Group commit appends a whole batch under one lock.

use ipt_app::ports::{AuditEvent, AuditFilter, ChainBreak, ChainPoint, StoreError};
use ipt_domain::ids::{AuditEventId, PatientId, UserId};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{DomainRow, Keyring};

/// The head of an insert of audit rows; each row has `COLUMNS` values.
pub const INSERT: &str = "INSERT INTO audit_events \
    (id, at, actor_id, action, entity, entity_id, patient_id, seq, prev_hash, hash) VALUES ";
pub const COLUMNS: usize = 10;

/// Reserve `$1` places in the chain: the new head's seq and the old head's hash. On PostgreSQL
/// this locks the head's row until the transaction ends, which orders appends across
/// connections and instances.
pub const RESERVE: &str = "UPDATE audit_chain SET seq = seq + $1 WHERE id = 1 \
    RETURNING seq, hash, unsealed";
/// The head's hash after an append.
pub const SET_HEAD_HASH: &str = "UPDATE audit_chain SET hash = $1 WHERE id = 1";
/// The chain's head and pruned boundary, locking it like `RESERVE` (for prune and sealing).
pub const LOCK_CHAIN: &str = "UPDATE audit_chain SET seq = seq WHERE id = 1 \
    RETURNING seq, hash, pruned_seq, pruned_hash, unsealed";
/// The chain's head and pruned boundary.
pub const CHAIN: &str =
    "SELECT seq, hash, pruned_seq, pruned_hash, unsealed FROM audit_chain WHERE id = 1";
/// Rows of the chain after seq $1 up to seq $2, in order, at most $3.
pub const CHAIN_ROWS: &str = "SELECT * FROM audit_events WHERE seq > $1 AND seq <= $2 \
    ORDER BY seq LIMIT $3";
/// Where a row with hash $1 sits (to tell reordering from deletion; read only on a break).
pub const SEQ_OF_HASH: &str = "SELECT seq FROM audit_events WHERE hash = $1";
/// Rows with no place in the chain.
pub const UNCHAINED: &str = "SELECT COUNT(*) FROM audit_events WHERE seq IS NULL";
/// Delete the chain's rows after seq $1 up to seq $2 (a prefix: $1 is the pruned boundary).
pub const DELETE_PREFIX: &str = "DELETE FROM audit_events WHERE seq > $1 AND seq <= $2";
/// Move the pruned boundary to seq $1, hash $2.
pub const SET_PRUNED: &str =
    "UPDATE audit_chain SET pruned_seq = $1, pruned_hash = $2 WHERE id = 1";
/// Hash a row numbered by migration 0012.
pub const SEAL_ROW: &str = "UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3";
/// The head after sealing.
pub const SEALED: &str = "UPDATE audit_chain SET hash = $1, unsealed = 0 WHERE id = 1";

/// How many rows verification and sealing read at a time.
pub const WALK_BATCH: i64 = 1000;

// Audit events, newest first, at most the last parameter: one statement per filter, so each is
// planned on its own index (`audit_events_patient`, `audit_events_actor`) rather than one
// `$1 IS NULL OR …` filter that reads the whole trail (#15).

/// Of patient $1.
pub const OF_PATIENT: &str = "SELECT * FROM audit_events WHERE patient_id = $1 \
    ORDER BY at DESC, id DESC LIMIT $2";
/// By actor $1.
pub const OF_ACTOR: &str = "SELECT * FROM audit_events WHERE actor_id = $1 \
    ORDER BY at DESC, id DESC LIMIT $2";
/// Of patient $1 by actor $2.
pub const OF_PATIENT_BY_ACTOR: &str = "SELECT * FROM audit_events WHERE patient_id = $1 \
    AND actor_id = $2 ORDER BY at DESC, id DESC LIMIT $3";
/// All of them.
pub const ALL: &str = "SELECT * FROM audit_events ORDER BY at DESC, id DESC LIMIT $1";

/// How many events `audit_events` lists: the filter's limit, or 1000 when it sets none.
pub fn limit(f: &AuditFilter) -> i64 {
    (if f.limit == 0 { 1000 } else { f.limit }) as i64
}

/// The hash before the first row, and of an empty boundary.
pub const GENESIS: [u8; 32] = [0; 32];

/// A row's hash: SHA-256 of the previous row's hash and the row's fields, each in a fixed
/// width or length-prefixed, so that no two different rows encode alike.
///
/// The row's `seq` is not hashed: its place is fixed by `prev_hash` (a row hashes only after
/// the row it follows), and verification checks that seqs run without gaps. That lets it tell
/// a reordering (a row intact, but after another row than the one it was written after) from
/// an edit. `at` is hashed as whole microseconds since 2000-01-01 UTC, truncated, which is what
/// PostgreSQL stores of it (SQLite keeps more; the hash reads the same from both).
pub fn chain_hash(prev: &[u8; 32], e: &AuditEvent) -> [u8; 32] {
    fn text(h: &mut Sha256, s: &str) {
        h.update((s.len() as u64).to_be_bytes());
        h.update(s.as_bytes());
    }
    fn optional(h: &mut Sha256, id: Option<Uuid>) {
        match id {
            Some(id) => {
                h.update([1u8]);
                h.update(id.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    let mut h = Sha256::new();
    h.update(b"ipt-audit-v1");
    h.update(prev);
    h.update(e.id.as_uuid().as_bytes());
    h.update(micros_since_2000(e.at).to_be_bytes());
    optional(&mut h, e.actor.map(|u| u.as_uuid()));
    text(&mut h, &e.action);
    text(&mut h, &e.entity);
    h.update(e.entity_id.as_bytes());
    optional(&mut h, e.patient.map(|p| p.as_uuid()));
    h.finalize().into()
}

/// An instant as PostgreSQL stores it: whole microseconds since 2000-01-01 UTC, truncated
/// towards zero (as sqlx encodes it).
fn micros_since_2000(at: OffsetDateTime) -> i64 {
    const PG_EPOCH: OffsetDateTime = time::macros::datetime!(2000-01-01 0:00 UTC);
    (at - PG_EPOCH).whole_microseconds() as i64
}

/// A stored hash, which must be 32 bytes.
pub fn hash32(column: &str, bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt(format!("{column} is not a SHA-256 hash")))
}

/// The row `audit_chain`, as `CHAIN` and `LOCK_CHAIN` read it.
#[derive(sqlx::FromRow)]
pub struct ChainHeadRow {
    pub seq: i64,
    pub hash: Vec<u8>,
    pub pruned_seq: i64,
    pub pruned_hash: Vec<u8>,
    pub unsealed: i64,
}

impl ChainHeadRow {
    /// Decode the head row (the audit trail holds nothing sealed: no keys needed).
    pub fn decode_plain<R: sqlx::Row>(
        row: &R,
    ) -> Result<(ipt_app::ports::AuditChainHead, i64), StoreError>
    where
        Self: for<'r> sqlx::FromRow<'r, R>,
    {
        <Self as sqlx::FromRow<'_, R>>::from_row(row)
            .map_err(crate::map_err)?
            .into_head()
    }

    fn into_head(self) -> Result<(ipt_app::ports::AuditChainHead, i64), StoreError> {
        let head = ipt_app::ports::AuditChainHead {
            head: ChainPoint {
                seq: self.seq,
                hash: hash32("audit_chain.hash", &self.hash)?,
            },
            pruned: ChainPoint {
                seq: self.pruned_seq,
                hash: hash32("audit_chain.pruned_hash", &self.pruned_hash)?,
            },
        };
        Ok((head, self.unsealed))
    }
}

/// A row of the chain as verification reads it.
#[derive(sqlx::FromRow)]
pub struct ChainRow {
    pub seq: i64,
    pub prev_hash: Option<Vec<u8>>,
    pub hash: Option<Vec<u8>>,
    #[sqlx(flatten)]
    pub event: AuditEventRow,
}

/// A row of the chain, decoded.
#[derive(Debug, Clone)]
pub struct Link {
    pub seq: i64,
    pub prev_hash: Option<[u8; 32]>,
    pub hash: Option<[u8; 32]>,
    pub event: AuditEvent,
}

impl DomainRow for ChainHeadRow {
    type Domain = (ipt_app::ports::AuditChainHead, i64);

    fn into_domain(self, _: &Keyring) -> Result<Self::Domain, StoreError> {
        self.into_head()
    }
}

impl ChainRow {
    /// Decode a row of the chain (the audit trail holds nothing sealed: no keys needed).
    pub fn decode_plain<R: sqlx::Row>(row: &R) -> Result<Link, StoreError>
    where
        Self: for<'r> sqlx::FromRow<'r, R>,
    {
        <Self as sqlx::FromRow<'_, R>>::from_row(row)
            .map_err(crate::map_err)?
            .into_link()
    }

    fn into_link(self) -> Result<Link, StoreError> {
        // A hash of the wrong length is a row someone edited, not a store that cannot read:
        // verification reports it as altered.
        Ok(Link {
            seq: self.seq,
            prev_hash: self.prev_hash.and_then(|h| h.try_into().ok()),
            hash: self.hash.and_then(|h| h.try_into().ok()),
            event: self.event.into_event(),
        })
    }
}

/// Why a row does not continue the chain, before the store has looked further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspect {
    /// Settled: this is the break.
    Broken(ChainBreak),
    /// The row at `seq` is intact but follows the row with hash `follows`, not the row before
    /// it: where that row is (if anywhere) tells reordering from deletion.
    Unlinked { seq: i64, follows: [u8; 32] },
}

/// Verification's walk along the chain: the last row that checked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Walk {
    pub last: ChainPoint,
    pub checked: u64,
}

impl Walk {
    /// A walk from `start`: the pruned boundary, or the genesis.
    pub fn from(start: ChainPoint) -> Self {
        Self {
            last: start,
            checked: 0,
        }
    }

    /// Check that `row` continues the chain: the next seq, intact, and linked to the last row.
    pub fn step(&mut self, row: &Link) -> Result<(), Suspect> {
        let expected = self.last.seq + 1;
        if row.seq != expected {
            return Err(Suspect::Broken(ChainBreak::Missing {
                from: expected,
                to: row.seq - 1,
            }));
        }
        let altered = Suspect::Broken(ChainBreak::Altered { seq: row.seq });
        let (Some(prev), Some(hash)) = (row.prev_hash, row.hash) else {
            return Err(altered);
        };
        if chain_hash(&prev, &row.event) != hash {
            return Err(altered);
        }
        if prev != self.last.hash {
            return Err(Suspect::Unlinked {
                seq: row.seq,
                follows: prev,
            });
        }
        self.last = ChainPoint { seq: row.seq, hash };
        self.checked += 1;
        Ok(())
    }

    /// After the last row up to `head`: the trail must reach the head, with its hash.
    pub fn finish(&self, head: ChainPoint) -> Result<(), ChainBreak> {
        if self.last.seq < head.seq {
            return Err(ChainBreak::Truncated {
                last: self.last.seq,
                head: head.seq,
            });
        }
        if self.last.hash != head.hash {
            return Err(ChainBreak::HeadMismatch { seq: head.seq });
        }
        Ok(())
    }
}

/// Settle an unlinked row: the row it follows sits at `found` (by its hash), or nowhere.
pub fn settle(seq: i64, found: Option<i64>) -> ChainBreak {
    match found {
        Some(follows) => ChainBreak::Reordered { seq, follows },
        None => ChainBreak::Unlinked { seq },
    }
}

/// Check an anchor against the chain as it stands: whether it can be found on the walk (the
/// store then checks the row at its seq), or the break it already is.
pub fn anchor_break(
    anchor: ChainPoint,
    chain: &ipt_app::ports::AuditChainHead,
) -> Option<ChainBreak> {
    let (head, pruned) = (chain.head, chain.pruned);
    if anchor.seq > head.seq {
        return Some(ChainBreak::AnchorAhead {
            seq: anchor.seq,
            head: head.seq,
        });
    }
    if anchor.seq == pruned.seq {
        return (anchor.hash != pruned.hash)
            .then_some(ChainBreak::AnchorMismatch { seq: anchor.seq });
    }
    if anchor.seq < pruned.seq {
        return Some(ChainBreak::AnchorPruned {
            seq: anchor.seq,
            pruned: pruned.seq,
        });
    }
    None
}

/// A row of `audit_events`.
#[derive(Debug, sqlx::FromRow)]
pub struct AuditEventRow {
    id: Uuid,
    at: OffsetDateTime,
    actor_id: Option<Uuid>,
    action: String,
    entity: String,
    entity_id: Uuid,
    patient_id: Option<Uuid>,
}

impl DomainRow for AuditEventRow {
    type Domain = AuditEvent;

    fn into_domain(self, _: &Keyring) -> Result<AuditEvent, StoreError> {
        Ok(self.into_event())
    }
}

impl AuditEventRow {
    fn into_event(self) -> AuditEvent {
        AuditEvent {
            id: AuditEventId::from_uuid(self.id),
            at: self.at,
            actor: self.actor_id.map(UserId::from_uuid),
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            patient: self.patient_id.map(PatientId::from_uuid),
        }
    }
}

/// The audit trail's statements, expanded by `impl_store!` into `shared_sql::audit`.
#[doc(hidden)]
#[macro_export]
macro_rules! audit_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod audit {
            use super::*;
            pub(crate) use $crate::audit::*;

            /// The audit event of a write, in the write's transaction.
            pub(crate) async fn write(tx: &mut Tx<'_>, a: &AuditEvent) -> Result<(), StoreError> {
                write_many(tx, &[a]).await
            }

            /// Many audit rows in few statements (a statement per row costs a round trip to
            /// the connection each: a caseload page reads 40 patients), appended to the chain.
            pub(crate) async fn write_many(
                tx: &mut Tx<'_>,
                events: &[&AuditEvent],
            ) -> Result<(), StoreError> {
                if events.is_empty() {
                    return Ok(());
                }
                let n = events.len() as i64;
                let (end, head, unsealed): (i64, Vec<u8>, i64) = sqlx::query_as(RESERVE)
                    .bind(n)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(map_err)?;
                if unsealed != 0 {
                    return Err(StoreError::Unavailable(
                        "the audit chain is still being sealed after an upgrade".into(),
                    ));
                }
                let mut prev = hash32("audit_chain.hash", &head)?;
                let mut seq = end - n;
                // 10 parameters a row; SQLite allows 32 766 in a statement, PostgreSQL 65 535.
                for chunk in events.chunks(300) {
                    // Built from constants and placeholder numbers only, never from input.
                    let sql = $crate::values(INSERT, chunk.len(), COLUMNS);
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for a in chunk {
                        seq += 1;
                        let hash = chain_hash(&prev, a);
                        q = q
                            .bind(a.id.as_uuid())
                            .bind(a.at)
                            .bind(a.actor.map(|u| u.as_uuid()))
                            .bind(a.action.clone())
                            .bind(a.entity.clone())
                            .bind(a.entity_id)
                            .bind(a.patient.map(|p| p.as_uuid()))
                            .bind(seq)
                            .bind(prev.to_vec())
                            .bind(hash.to_vec());
                        prev = hash;
                    }
                    q.execute(&mut **tx).await.map_err(map_err)?;
                }
                sqlx::query(SET_HEAD_HASH)
                    .bind(prev.to_vec())
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            /// Commit the audit events of a read, by group commit, before its data is
            /// returned.
            pub(crate) async fn after_read(
                s: &$store,
                events: Vec<AuditEvent>,
            ) -> Result<(), StoreError> {
                s.writes.commit(Batched::Audits(events)).await
            }

            /// An audit event alone, in its own transaction (a refused sign-in).
            pub(crate) async fn record_refusal(
                s: &$store,
                a: &AuditEvent,
            ) -> Result<(), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                write(&mut tx, a).await?;
                finish(tx).await
            }

            pub(crate) async fn audit_events(
                s: &$store,
                f: &AuditFilter,
            ) -> Result<Vec<AuditEvent>, StoreError> {
                let q = match (f.patient, f.actor) {
                    (Some(p), None) => sqlx::query(OF_PATIENT).bind(p.as_uuid()),
                    (None, Some(u)) => sqlx::query(OF_ACTOR).bind(u.as_uuid()),
                    (Some(p), Some(u)) => sqlx::query(OF_PATIENT_BY_ACTOR)
                        .bind(p.as_uuid())
                        .bind(u.as_uuid()),
                    (None, None) => sqlx::query(ALL),
                }
                .bind(limit(f));
                select_all::<AuditEventRow>(s, q).await
            }

            pub(crate) async fn chain(s: &$store) -> Result<AuditChainHead, StoreError> {
                let row: Option<(AuditChainHead, i64)> =
                    select_optional::<ChainHeadRow>(s, sqlx::query(CHAIN)).await?;
                row.map(|r| r.0)
                    .ok_or_else(|| StoreError::Corrupt("the audit chain's head is missing".into()))
            }

            /// See `Store::verify_audit_chain`.
            pub(crate) async fn verify(
                s: &$store,
                anchor: Option<ChainPoint>,
            ) -> Result<AuditVerification, StoreError> {
                // One snapshot for the whole walk: rows pruned or appended meanwhile do not
                // show up as breaks. (A deferred BEGIN on SQLite keeps its first read's
                // snapshot under WAL.)
                let begin = if s.backend() == "postgres" {
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                } else {
                    "BEGIN"
                };
                let mut tx = s.pool.begin_with(begin).await.map_err(map_err)?;
                let outcome = walk(&mut tx, anchor).await;
                finish(tx).await?;
                outcome
            }

            async fn walk(
                tx: &mut Tx<'_>,
                anchor: Option<ChainPoint>,
            ) -> Result<AuditVerification, StoreError> {
                let row = sqlx::query(CHAIN)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(map_err)?;
                let Some(row) = row else {
                    return Err(StoreError::Corrupt(
                        "the audit chain's head is missing".into(),
                    ));
                };
                let (chain, unsealed) = ChainHeadRow::decode_plain(&row)?;
                if unsealed != 0 {
                    return Err(StoreError::Unavailable(
                        "the audit chain is still being sealed after an upgrade".into(),
                    ));
                }
                let mut w = Walk::from(chain.pruned);
                let verdict = |w: &Walk, broken| AuditVerification {
                    chain,
                    checked: w.checked,
                    broken,
                };
                let unchained: i64 = sqlx::query_scalar(UNCHAINED)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(map_err)?;
                if unchained > 0 {
                    let broken = ChainBreak::Unchained { count: unchained };
                    return Ok(verdict(&w, Some(broken)));
                }
                let anchor = match anchor.map(|a| (a, anchor_break(a, &chain))) {
                    Some((_, Some(broken))) => return Ok(verdict(&w, Some(broken))),
                    Some((a, None)) if a.seq > chain.pruned.seq => Some(a),
                    _ => None,
                };
                loop {
                    let rows = sqlx::query(CHAIN_ROWS)
                        .bind(w.last.seq)
                        .bind(chain.head.seq)
                        .bind(WALK_BATCH)
                        .fetch_all(&mut **tx)
                        .await
                        .map_err(map_err)?;
                    if rows.is_empty() {
                        break;
                    }
                    for row in &rows {
                        let link = ChainRow::decode_plain(row)?;
                        match w.step(&link) {
                            Ok(()) => {}
                            Err(Suspect::Broken(b)) => return Ok(verdict(&w, Some(b))),
                            Err(Suspect::Unlinked { seq, follows }) => {
                                let found: Option<i64> = sqlx::query_scalar(SEQ_OF_HASH)
                                    .bind(follows.to_vec())
                                    .fetch_optional(&mut **tx)
                                    .await
                                    .map_err(map_err)?;
                                return Ok(verdict(&w, Some(settle(seq, found))));
                            }
                        }
                        if let Some(a) = anchor.filter(|a| a.seq == w.last.seq)
                            && a.hash != w.last.hash
                        {
                            let broken = ChainBreak::AnchorMismatch { seq: a.seq };
                            return Ok(verdict(&w, Some(broken)));
                        }
                    }
                }
                Ok(verdict(&w, w.finish(chain.head).err()))
            }

            /// See `Store::prune_audit`.
            pub(crate) async fn prune(
                s: &$store,
                before: OffsetDateTime,
                batch: u32,
                a: &AuditEvent,
            ) -> Result<AuditPrune, StoreError> {
                let batch = i64::from(batch.max(1));
                // Never past the head as it stood at the start: the rows this prune appends
                // (its own audit events) are not for it to delete, whatever `before` says.
                let upto = chain(s).await?.head.seq;
                let mut deleted = 0;
                loop {
                    let (pruned, n, full) = prune_batch(s, before, upto, batch, a).await?;
                    deleted += n;
                    if !full {
                        return Ok(AuditPrune { deleted, pruned });
                    }
                }
            }

            /// One transaction of pruning: up to `batch` of the oldest rows (to seq `upto`),
            /// checked, then deleted up to the first that is not older than `before`. Returns the boundary,
            /// how many were deleted, and whether the whole batch was (so there may be more).
            async fn prune_batch(
                s: &$store,
                before: OffsetDateTime,
                upto: i64,
                batch: i64,
                a: &AuditEvent,
            ) -> Result<(ChainPoint, u64, bool), StoreError> {
                let mut tx = s.pool.begin_with($begin).await.map_err(map_err)?;
                let row = sqlx::query(LOCK_CHAIN)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let (chain, _) = ChainHeadRow::decode_plain(&row)?;
                let rows = sqlx::query(CHAIN_ROWS)
                    .bind(chain.pruned.seq)
                    .bind(upto.min(chain.head.seq))
                    .bind(batch)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let mut w = Walk::from(chain.pruned);
                for row in &rows {
                    let link = ChainRow::decode_plain(row)?;
                    if link.event.at >= before {
                        break;
                    }
                    if let Err(e) = w.step(&link) {
                        let at = match e {
                            Suspect::Broken(b) => b.to_string(),
                            Suspect::Unlinked { seq, .. } => format!("row {seq} is unlinked"),
                        };
                        let e = StoreError::Corrupt(format!(
                            "the audit chain is broken ({at}); nothing was pruned from there: \
                             run `ipt audit verify`"
                        ));
                        return Err(rollback(tx, e).await);
                    }
                }
                if w.checked == 0 {
                    tx.rollback().await.map_err(map_err)?;
                    return Ok((chain.pruned, 0, false));
                }
                let last = w.last;
                sqlx::query(DELETE_PREFIX)
                    .bind(chain.pruned.seq)
                    .bind(last.seq)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                sqlx::query(SET_PRUNED)
                    .bind(last.seq)
                    .bind(last.hash.to_vec())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                // Pruning is audited in the transaction that prunes.
                let event = AuditEvent {
                    id: AuditEventId::from_uuid(Uuid::now_v7()),
                    ..a.clone()
                };
                write(&mut tx, &event).await?;
                finish(tx).await?;
                let full = rows.len() as i64 == batch && w.checked == rows.len() as u64;
                Ok((last, w.checked, full))
            }

            /// Hash the rows migration 0012 numbered (written before the chain), in one
            /// transaction that holds the chain's head, so no append can come between.
            pub(crate) async fn seal(pool: &sqlx::Pool<$db>) -> Result<(), StoreError> {
                // Nearly always done already: look before taking the write lock.
                let row = sqlx::query(CHAIN).fetch_one(pool).await.map_err(map_err)?;
                if ChainHeadRow::decode_plain(&row)?.1 == 0 {
                    return Ok(());
                }
                let mut tx = pool.begin_with($begin).await.map_err(map_err)?;
                let row = sqlx::query(LOCK_CHAIN)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let (_, unsealed) = ChainHeadRow::decode_plain(&row)?;
                if unsealed == 0 {
                    return finish(tx).await;
                }
                let mut prev = GENESIS;
                let mut done = 0;
                while done < unsealed {
                    let rows = sqlx::query(CHAIN_ROWS)
                        .bind(done)
                        .bind(unsealed)
                        .bind(WALK_BATCH)
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    if rows.is_empty() {
                        break;
                    }
                    for row in &rows {
                        let link = ChainRow::decode_plain(row)?;
                        let hash = chain_hash(&prev, &link.event);
                        sqlx::query(SEAL_ROW)
                            .bind(prev.to_vec())
                            .bind(hash.to_vec())
                            .bind(link.seq)
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err)?;
                        prev = hash;
                        done = link.seq;
                    }
                }
                sqlx::query(SEALED)
                    .bind(prev.to_vec())
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                finish(tx).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u128) -> AuditEvent {
        AuditEvent {
            id: AuditEventId::from_uuid(Uuid::from_u128(n)),
            at: time::macros::datetime!(2026-12-04 01:02:03.123456 UTC),
            actor: Some(UserId::from_uuid(Uuid::from_u128(7))),
            action: "course.read".into(),
            entity: "course".into(),
            entity_id: Uuid::from_u128(9),
            patient: None,
        }
    }

    /// Rows 1..=n, chained from the genesis.
    fn chain(n: u128) -> Vec<Link> {
        let mut prev = GENESIS;
        (1..=n)
            .map(|i| {
                let e = event(i);
                let hash = chain_hash(&prev, &e);
                let link = Link {
                    seq: i as i64,
                    prev_hash: Some(prev),
                    hash: Some(hash),
                    event: e,
                };
                prev = hash;
                link
            })
            .collect()
    }

    fn walk(rows: &[Link]) -> Result<Walk, Suspect> {
        let mut w = Walk::from(ChainPoint {
            seq: 0,
            hash: GENESIS,
        });
        for r in rows {
            w.step(r)?;
        }
        Ok(w)
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let e = event(1);
        let h = chain_hash(&GENESIS, &e);
        let changed = [
            AuditEvent {
                id: AuditEventId::from_uuid(Uuid::from_u128(2)),
                ..e.clone()
            },
            AuditEvent {
                at: e.at + time::Duration::microseconds(1),
                ..e.clone()
            },
            AuditEvent {
                actor: None,
                ..e.clone()
            },
            AuditEvent {
                action: "course.update".into(),
                ..e.clone()
            },
            AuditEvent {
                entity: "patient".into(),
                ..e.clone()
            },
            AuditEvent {
                entity_id: Uuid::from_u128(10),
                ..e.clone()
            },
            AuditEvent {
                patient: Some(PatientId::from_uuid(Uuid::from_u128(9))),
                ..e.clone()
            },
        ];
        for c in &changed {
            assert_ne!(chain_hash(&GENESIS, c), h, "{c:?}");
        }
        assert_ne!(chain_hash(&[1; 32], &e), h, "the previous hash is in it");
        // Fields cannot trade characters: lengths are part of the encoding.
        let shifted = AuditEvent {
            action: "course.rea".into(),
            entity: "dcourse".into(),
            ..e.clone()
        };
        assert_ne!(chain_hash(&GENESIS, &shifted), h);
    }

    #[test]
    fn the_hash_reads_an_instant_as_postgresql_keeps_it() {
        let e = event(1);
        let finer = AuditEvent {
            at: e.at + time::Duration::nanoseconds(999),
            ..e.clone()
        };
        assert_eq!(chain_hash(&GENESIS, &finer), chain_hash(&GENESIS, &e));
    }

    #[test]
    fn a_sound_chain_walks_to_its_head() {
        let rows = chain(4);
        let w = walk(&rows).unwrap();
        assert_eq!(w.checked, 4);
        let head = ChainPoint {
            seq: 4,
            hash: rows[3].hash.unwrap(),
        };
        assert_eq!(w.finish(head), Ok(()));
        let further = ChainPoint { seq: 5, ..head };
        assert_eq!(
            w.finish(further),
            Err(ChainBreak::Truncated { last: 4, head: 5 })
        );
    }

    #[test]
    fn each_kind_of_tampering_is_told_apart() {
        let mut altered = chain(3);
        altered[1].event.action = "course.update".into();
        assert_eq!(
            walk(&altered).unwrap_err(),
            Suspect::Broken(ChainBreak::Altered { seq: 2 })
        );
        let mut gap = chain(3);
        gap.remove(1);
        assert_eq!(
            walk(&gap).unwrap_err(),
            Suspect::Broken(ChainBreak::Missing { from: 2, to: 2 })
        );
        let mut swapped = chain(3);
        swapped.swap(0, 1);
        (swapped[0].seq, swapped[1].seq) = (1, 2);
        assert_eq!(
            walk(&swapped).unwrap_err(),
            Suspect::Unlinked {
                seq: 1,
                follows: chain(3)[0].hash.unwrap()
            }
        );
        assert_eq!(
            settle(1, Some(2)),
            ChainBreak::Reordered { seq: 1, follows: 2 }
        );
        assert_eq!(settle(1, None), ChainBreak::Unlinked { seq: 1 });
        let mut unhashed = chain(2);
        unhashed[1].hash = None;
        assert_eq!(
            walk(&unhashed).unwrap_err(),
            Suspect::Broken(ChainBreak::Altered { seq: 2 })
        );
    }
}
