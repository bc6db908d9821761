//! Idle sessions are removed in the background, not only when their user comes back.
use std::time::Duration;

use zongguan_db::{Db, auth};

pub async fn purge_loop(db: Db, idle: chrono::Duration) {
    loop {
        tokio::time::sleep(Duration::from_secs(300)).await;
        if let Err(e) = auth::purge_idle_sessions(&db, idle).await {
            tracing::warn!(error = %e, "purging idle sessions failed");
        }
    }
}
