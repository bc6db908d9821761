//! What is kept only for a while: rejected import rows (personal data as typed) go after
//! `REJECTED_ROWS_DAYS`; the job and its counts stay.
use std::time::Duration;

use zongguan_db::{Db, imports};

/// Days a rejected-rows download stays available.
pub const REJECTED_ROWS_DAYS: i64 = 30;

pub async fn purge_loop(db: Db) {
    loop {
        if let Err(e) = imports::purge_rejected_rows(&db, REJECTED_ROWS_DAYS).await {
            tracing::warn!(error = %e, "purging old rejected import rows failed");
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}
