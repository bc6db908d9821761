//! Signed checkpoints of the audit and login logs, written to `data_dir` at start-up and every
//! `security.audit_checkpoint_minutes`, so `zongguan audit verify` can see a cut tail.
use std::time::Duration;

use zongguan_db::{Db, audit};

use crate::config::Config;

pub async fn checkpoint_loop(db: Db, config: std::sync::Arc<Config>) {
    let minutes = config.security.audit_checkpoint_minutes;
    if minutes == 0 {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_secs(minutes * 60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = audit::checkpoint(&db, &config.data_dir).await {
            // A refusal means the logs no longer extend the last checkpoint: loud, every time.
            tracing::error!(error = %e, "audit checkpoint not written");
        }
    }
}
