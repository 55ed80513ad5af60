//! What operators and monitors read about the running service: which database it uses,
//! whether the database answers, and how busy its connection pool is. No records, no audit.

use crate::App;
use crate::ports::{PoolStats, StoreError};

impl App {
    /// The database in use: `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Whether the database answers (for readiness checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }

    /// Connection-pool figures, for `/metrics`.
    pub fn pool_stats(&self) -> PoolStats {
        self.store.pool_stats()
    }
}
