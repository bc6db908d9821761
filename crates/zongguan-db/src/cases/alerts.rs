//! The overdue job: alerts for steps past their deadline, and the planner statistics it keeps fresh.
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait};
use zongguan_core::case_flow::{CaseState, OPEN_STATES};

use crate::audit::{self, Event};
use crate::entity::{case_alert, case_record};
use crate::{Actor, Backend, Db, DbError, DbResult};

/// Raises one alert per case and step whose deadline passed: safe to run any time, any number of
/// times (the unique key and NOT EXISTS skip what was raised before). Returns how many were raised.
pub async fn raise_overdue_alerts(db: &Db, now: DateTime<Utc>) -> DbResult<u64> {
    let txn = db.begin_write().await?;
    let raised = Query::select()
        .expr(Expr::val(1))
        .from(case_alert::Entity)
        .and_where(sea_orm::sea_query::ExprTrait::equals(
            Expr::col((case_alert::Entity, case_alert::Column::CaseId)),
            (case_record::Entity, case_record::Column::Id),
        ))
        .and_where(sea_orm::sea_query::ExprTrait::equals(
            Expr::col((case_alert::Entity, case_alert::Column::Step)),
            (case_record::Entity, case_record::Column::Step),
        ))
        .to_owned();
    let select = Query::select()
        .column((case_record::Entity, case_record::Column::Id))
        .column((case_record::Entity, case_record::Column::Step))
        .column((case_record::Entity, case_record::Column::DeadlineAt))
        .expr(Expr::val(now))
        .from(case_record::Entity)
        .and_where(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
        .and_where(case_record::Column::Paused.eq(false))
        .and_where(case_record::Column::Step.is_not_null())
        .and_where(case_record::Column::DeadlineAt.lt(now))
        .and_where(Expr::not_exists(raised))
        .to_owned();
    let insert = Query::insert()
        .into_table(case_alert::Entity)
        .columns([
            case_alert::Column::CaseId,
            case_alert::Column::Step,
            case_alert::Column::DeadlineAt,
            case_alert::Column::RaisedAt,
        ])
        .select_from(select)
        .map_err(|e| DbError::Db(sea_orm::DbErr::Custom(e.to_string())))?
        .to_owned();
    let n = txn.execute(&insert).await?.rows_affected();
    if n > 0 {
        audit::append(
            &*txn,
            db.backend,
            &Actor::system("overdue-job"),
            Event::ok("raise_alerts", "case_alert", n).detail(format!("新增超期预警 {n} 条")),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(n)
}

/// Refreshes the query planner's statistics of the case table, so inbox and list filters keep
/// choosing their indexes as the table grows (a sampled ANALYZE misjudges the skewed state column,
/// so it is a full one: about 1.5 s for a million cases on SQLite).
/// On PostgreSQL a VACUUM also marks the pages all-visible, so the counts read the covering index
/// alone (after a bulk load, before autovacuum comes round, they would visit every row).
pub async fn refresh_planner_stats(db: &Db) -> DbResult<()> {
    match db.backend {
        // VACUUM may not run inside a transaction.
        Backend::Postgres => {
            db.conn.execute_unprepared("VACUUM (ANALYZE) case_record").await?;
            Ok(())
        }
        Backend::Sqlite => {
            let txn = db.begin_write().await?;
            txn.execute_unprepared("ANALYZE case_record").await?;
            txn.commit().await
        }
    }
}

/// Counts of alerts, for the job's log line and tests.
pub async fn alert_count(db: &Db) -> DbResult<u64> {
    Ok(case_alert::Entity::find().count(&db.conn).await?)
}
