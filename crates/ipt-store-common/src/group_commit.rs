//! Group commit: many callers' writes in one transaction, one sync to disk.
//!
//! Every read of patient data is audited, and the audit event must be durable before the data
//! leaves the server. Written in the read's own transaction, that costs every read a write
//! transaction: on SQLite the database's one write lock is held for the whole read, so reads
//! queue behind each other, and each pays its own sync to disk. Instead, a read runs in a
//! plain read transaction (concurrent with other reads and with a writer, under WAL) and then
//! hands its audit events to this queue and waits until they are committed. Questionnaire
//! submissions, the product's most frequent write, go through the same queue.
//!
//! One writer task commits whatever has queued meanwhile in one transaction: with 16 callers,
//! one sync to disk serves up to 16 of them. Each item is applied in its own savepoint, so an
//! item that fails (a duplicate, say) is undone alone and its caller gets its error, while the
//! others commit. A caller gets its answer only once the transaction holding its item is
//! durable; if the commit fails, every caller in it gets the error and nothing of theirs is
//! stored.
//!
//! The writer task is started on first use on the caller's runtime and ends when the queue's
//! last handle is dropped. Should that runtime be gone (a store kept across test runtimes), a
//! new writer is started on the caller's runtime; outside any runtime the caller writes its
//! item alone.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use ipt_app::ports::{AuditEvent, StoreError};
use ipt_domain::alert::RiskAlert;
use ipt_domain::assessment::Assessment;
use tokio::sync::{mpsc, oneshot};

/// What one batch's transaction answers: an error for the whole transaction (nothing was
/// stored), or one outcome per item, in order.
pub type BatchResult = Result<Vec<Result<(), StoreError>>, StoreError>;

/// Writes one batch of items in one transaction.
pub type Flush<T> =
    Arc<dyn Fn(Vec<T>) -> Pin<Box<dyn Future<Output = BatchResult> + Send>> + Send + Sync>;

/// At most this many items go in one transaction, so that one batch cannot hold the write
/// lock for long.
const MAX_BATCH: usize = 256;

struct Pending<T> {
    item: T,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// A store's queue of batched writes. Cloning shares the queue.
pub struct GroupCommit<T> {
    flush: Flush<T>,
    sender: Arc<Mutex<Option<mpsc::UnboundedSender<Pending<T>>>>>,
}

impl<T> Clone for GroupCommit<T> {
    fn clone(&self) -> Self {
        Self {
            flush: self.flush.clone(),
            sender: self.sender.clone(),
        }
    }
}

impl<T> std::fmt::Debug for GroupCommit<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GroupCommit")
    }
}

impl<T: Send + 'static> GroupCommit<T> {
    pub fn new(flush: Flush<T>) -> Self {
        Self {
            flush,
            sender: Arc::new(Mutex::new(None)),
        }
    }

    /// Queue `item` and wait until the transaction holding it is committed.
    pub async fn commit(&self, item: T) -> Result<(), StoreError> {
        let (done, answer) = oneshot::channel();
        let mut pending = Pending { item, done };
        for _ in 0..2 {
            let Some(sender) = self.sender() else { break };
            match sender.send(pending) {
                Ok(()) => {
                    return answer.await.unwrap_or_else(|_| {
                        Err(StoreError::Unavailable(
                            "the database writer stopped before confirming the write".into(),
                        ))
                    });
                }
                // The writer's runtime is gone: start another on this one, once.
                Err(mpsc::error::SendError(p)) => {
                    pending = p;
                    *self.sender.lock().unwrap_or_else(|e| e.into_inner()) = None;
                }
            }
        }
        let mut results = (self.flush)(vec![pending.item]).await?;
        results.pop().unwrap_or(Ok(()))
    }

    /// The writer's queue, starting the writer on this runtime if none runs.
    fn sender(&self) -> Option<mpsc::UnboundedSender<Pending<T>>> {
        let mut slot = self.sender.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = slot.as_ref().filter(|s| !s.is_closed()) {
            return Some(s.clone());
        }
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (sender, receiver) = mpsc::unbounded_channel();
        runtime.spawn(write_batches(receiver, self.flush.clone()));
        *slot = Some(sender.clone());
        Some(sender)
    }
}

/// The writer: take everything queued, commit it in one transaction, answer each caller.
async fn write_batches<T>(mut queue: mpsc::UnboundedReceiver<Pending<T>>, flush: Flush<T>) {
    let mut waiting = Vec::new();
    let mut items = Vec::new();
    while let Some(first) = queue.recv().await {
        waiting.push(first.done);
        items.push(first.item);
        while items.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(p) => {
                    waiting.push(p.done);
                    items.push(p.item);
                }
                Err(_) => break,
            }
        }
        let outcome = flush(std::mem::take(&mut items)).await;
        for (i, done) in waiting.drain(..).enumerate() {
            let r = match &outcome {
                Ok(each) => each.get(i).cloned().unwrap_or(Ok(())),
                Err(e) => Err(e.clone()),
            };
            // A caller that gave up waiting is not an error for the others.
            let _ = done.send(r);
        }
    }
}

/// A write that goes through a store's group-commit queue.
pub enum Batched {
    /// The audit events of a read.
    Audits(Vec<AuditEvent>),
    /// A questionnaire submission.
    Assessment(Box<Submission>),
}

/// A questionnaire submission: the assessment, its risk alert, its audit event.
pub type Submission = (Assessment, Option<RiskAlert>, AuditEvent);

impl Batched {
    /// Every audit event of a batch, reads' and submissions'.
    pub fn audits(items: &[Batched]) -> Vec<&AuditEvent> {
        items
            .iter()
            .flat_map(|i| match i {
                Batched::Audits(events) => events.iter().collect::<Vec<_>>(),
                Batched::Assessment(b) => vec![&b.2],
            })
            .collect()
    }

    /// The questionnaire submissions of a batch.
    pub fn submissions(items: &[Batched]) -> Vec<&Submission> {
        items
            .iter()
            .filter_map(|i| match i {
                Batched::Assessment(b) => Some(&**b),
                Batched::Audits(_) => None,
            })
            .collect()
    }
}

/// How a store writes a batch of its queue, expanded by `impl_store!` into
/// `shared_sql::group_commit`.
#[doc(hidden)]
#[macro_export]
macro_rules! group_commit_sql {
    ($store:ty, $db:ty, $begin:literal) => {
        mod group_commit {
            use super::*;

            /// The store's group-commit queue: each batch is one write transaction.
            pub(crate) fn write_queue(
                pool: sqlx::Pool<$db>,
                keys: std::sync::Arc<$crate::Keyring>,
            ) -> $crate::GroupCommit<Batched> {
                $crate::GroupCommit::new(std::sync::Arc::new(move |items: Vec<Batched>| {
                    Box::pin(write_batch(pool.clone(), keys.clone(), items))
                }))
            }

            /// One batch in one transaction. First all at once, the audit rows of every item
            /// in one statement; should any item fail, that is rolled back and the batch is
            /// written again with each item in its own savepoint, so that only the failing
            /// one is lost.
            async fn write_batch(
                pool: sqlx::Pool<$db>,
                keys: std::sync::Arc<$crate::Keyring>,
                items: Vec<Batched>,
            ) -> $crate::BatchResult {
                let mut tx = pool.begin_with($begin).await.map_err(map_err)?;
                let mut all = Ok(());
                // Every audit row of the batch, reads' and submissions', in one statement.
                let audits = Batched::audits(&items);
                let submissions = Batched::submissions(&items);
                if !submissions.is_empty() {
                    let rows: Vec<&Assessment> = submissions.iter().map(|b| &b.0).collect();
                    all = assessments::insert_many(&mut tx, &rows).await;
                }
                for (x, alert, _) in submissions {
                    if all.is_err() {
                        break;
                    }
                    all = assessments::note_outcome(&mut tx, x).await;
                    if let (Ok(()), Some(al)) = (&all, alert) {
                        all = assessments::insert_alert(&keys, &mut tx, al).await;
                    }
                }
                if all.is_ok() && !audits.is_empty() {
                    all = audit::write_many(&mut tx, &audits).await;
                }
                match all {
                    Ok(()) => {
                        finish(tx).await?;
                        return Ok(items.iter().map(|_| Ok(())).collect());
                    }
                    Err(e) => {
                        let _ = rollback(tx, e).await;
                    }
                }
                write_each(pool, &keys, items).await
            }

            /// One batch in one transaction, each item in its own savepoint. The audit rows
            /// of the items that succeeded are appended last, together: the audit chain's head
            /// stays locked from the append to the commit (`audit.rs`), and taking it only
            /// after every other row lock, as every other write does, keeps two transactions
            /// from waiting for each other's locks. (An audit row that cannot be written, which
            /// fresh UUID v7 ids make a bug, then fails the whole batch.)
            async fn write_each(
                pool: sqlx::Pool<$db>,
                keys: &$crate::Keyring,
                items: Vec<Batched>,
            ) -> $crate::BatchResult {
                let mut tx = pool.begin_with($begin).await.map_err(map_err)?;
                let mut outcomes = Vec::with_capacity(items.len());
                let mut audits: Vec<&AuditEvent> = Vec::new();
                for item in &items {
                    if let Err(e) = statement(&mut tx, "SAVEPOINT batched").await {
                        return Err(rollback(tx, e).await);
                    }
                    let outcome = apply(keys, &mut tx, item).await;
                    let undo = if outcome.is_err() {
                        statement(&mut tx, "ROLLBACK TO SAVEPOINT batched").await
                    } else {
                        Ok(())
                    };
                    if let Err(e) = undo {
                        return Err(rollback(tx, e).await);
                    }
                    if let Err(e) = statement(&mut tx, "RELEASE SAVEPOINT batched").await {
                        return Err(rollback(tx, e).await);
                    }
                    if outcome.is_ok() {
                        audits.extend(Batched::audits(std::slice::from_ref(item)));
                    }
                    outcomes.push(outcome);
                }
                if let Err(e) = audit::write_many(&mut tx, &audits).await {
                    return Err(rollback(tx, e).await);
                }
                finish(tx).await?;
                Ok(outcomes)
            }

            /// An item's records, without its audit rows (`write_each` appends those).
            async fn apply(
                keys: &$crate::Keyring,
                tx: &mut Tx<'_>,
                item: &Batched,
            ) -> Result<(), StoreError> {
                match item {
                    Batched::Audits(_) => {}
                    Batched::Assessment(b) => {
                        let (x, alert, _) = &**b;
                        assessments::insert(tx, x).await?;
                        if let Some(al) = alert {
                            assessments::insert_alert(keys, tx, al).await?;
                        }
                    }
                }
                Ok(())
            }

            async fn statement(tx: &mut Tx<'_>, sql: &'static str) -> Result<(), StoreError> {
                sqlx::query(sql)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)
                    .map(|_| ())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Items are numbers; odd ones fail alone; a batch holding 13 fails as a whole.
    fn counting(batches: Arc<AtomicUsize>, stored: Arc<AtomicUsize>) -> Flush<usize> {
        Arc::new(move |items: Vec<usize>| {
            let (batches, stored) = (batches.clone(), stored.clone());
            Box::pin(async move {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                if items.contains(&13) {
                    return Err(StoreError::Unavailable("disk full".into()));
                }
                batches.fetch_add(1, Ordering::SeqCst);
                Ok(items
                    .iter()
                    .map(|&i| {
                        if i % 2 == 1 {
                            Err(StoreError::Duplicate(format!("item {i}")))
                        } else {
                            stored.fetch_add(1, Ordering::SeqCst);
                            Ok(())
                        }
                    })
                    .collect())
            })
        })
    }

    #[tokio::test]
    async fn concurrent_callers_share_transactions_and_each_gets_its_own_outcome() {
        let (batches, stored) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let q = GroupCommit::new(counting(batches.clone(), stored.clone()));
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let q = q.clone();
                tokio::spawn(async move { (i, q.commit(i * 2 + usize::from(i % 5 == 0)).await) })
            })
            .collect();
        for t in tasks {
            let (i, r) = t.await.unwrap();
            if i % 5 == 0 {
                assert!(r.unwrap_err().to_string().contains("item"), "{i}");
            } else {
                r.unwrap();
            }
        }
        assert_eq!(stored.load(Ordering::SeqCst), 40);
        assert!(batches.load(Ordering::SeqCst) < 50, "no batching happened");
    }

    #[tokio::test]
    async fn a_failed_transaction_fails_every_caller_in_it() {
        let q = GroupCommit::new(counting(Default::default(), Default::default()));
        let e = q.commit(13).await.unwrap_err();
        assert!(e.to_string().contains("disk full"));
        q.commit(2).await.unwrap();
    }

    #[test]
    fn a_queue_outlives_the_runtime_that_started_its_writer() {
        let stored = Arc::new(AtomicUsize::new(0));
        let q = GroupCommit::new(counting(Default::default(), stored.clone()));
        for _ in 0..3 {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(q.commit(4)).unwrap();
        }
        assert_eq!(stored.load(Ordering::SeqCst), 3);
    }
}
