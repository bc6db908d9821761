//! Overdue steps raise alerts without anyone opening a page, and overdue rectifications tell their
//! community; the planner's statistics stay current.
use std::time::Duration;

use zongguan_db::{Db, cases};

/// Every `every`: raise the alerts of steps past their deadline; about hourly, refresh the planner's
/// picture of the growing case table.
pub async fn overdue_loop(db: Db, every: Duration) {
    let mut tick = tokio::time::interval(every);
    let hourly = (3600 / every.as_secs().max(1)).max(1);
    let mut runs: u64 = 0;
    loop {
        tick.tick().await;
        if runs.is_multiple_of(hourly)
            && let Err(e) = cases::refresh_planner_stats(&db).await
        {
            tracing::warn!(error = %e, "refreshing planner statistics failed");
        }
        if runs.is_multiple_of(hourly) {
            match zongguan_db::governance::alert_overdue_visits(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("told {n} officer(s) of overdue follow-up visits"),
                Err(e) => tracing::warn!(error = %e, "overdue visit alerts failed"),
            }
        }
        runs += 1;
        match cases::raise_overdue_alerts(&db, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("raised {n} overdue alert(s)"),
            Err(e) => tracing::warn!(error = %e, "overdue alert job failed"),
        }
        let today = zongguan_core::time::cst_date(chrono::Utc::now());
        match zongguan_db::governance::raise_rectification_alerts(&db, today).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("told {n} overdue rectification(s)"),
            Err(e) => tracing::warn!(error = %e, "rectification alert job failed"),
        }
    }
}
