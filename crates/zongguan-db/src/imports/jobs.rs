//! Import jobs: queued, running, done or failed, with the rejected rows kept for the fix-up download.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;

use super::{Kind, Mode, Outcome, Rejection};
use crate::entity::import_job;
use crate::{Actor, Db, DbError, DbResult};

/// An import job as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportJob {
    pub id: i64,
    /// residents | buildings | houses
    pub kind: String,
    /// all_or_nothing | valid_rows
    pub mode: String,
    /// queued | running | done | failed
    pub status: String,
    pub file_name: String,
    pub total: u64,
    pub processed: u64,
    pub accepted: u64,
    pub rejected: Vec<Rejection>,
    /// Why a failed job failed (e.g. a missing header).
    pub error: Option<String>,
}

impl From<import_job::Model> for ImportJob {
    fn from(m: import_job::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            mode: m.mode,
            status: m.status,
            file_name: m.file_name,
            total: m.total as u64,
            processed: m.processed as u64,
            accepted: m.accepted as u64,
            rejected: serde_json::from_str(&m.rejected).unwrap_or_default(),
            error: m.error,
        }
    }
}

pub async fn create_job(db: &Db, actor: &Actor, kind: Kind, mode: Mode, file_name: &str) -> DbResult<ImportJob> {
    let m = import_job::ActiveModel {
        kind: Set(kind.as_str().into()),
        mode: Set(mode.as_str().into()),
        status: Set("queued".into()),
        file_name: Set(file_name.chars().take(200).collect()),
        total: Set(0),
        processed: Set(0),
        accepted: Set(0),
        rejected: Set("[]".into()),
        header: Set("[]".into()),
        rejected_rows: Set("[]".into()),
        error: Set(None),
        created_by: Set(actor.user_id),
        org_unit_id: Set(actor.org_unit_id),
        created_at: Set(Utc::now()),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?;
    Ok(m.into())
}

pub async fn set_running(db: &Db, id: i64, total: u64) -> DbResult<()> {
    let w = db.begin_write().await?;
    import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, sea_orm::sea_query::Expr::val("running"))
        .col_expr(import_job::Column::Total, sea_orm::sea_query::Expr::val(total as i64))
        .filter(import_job::Column::Id.eq(id))
        .exec(&*w)
        .await?;
    w.commit().await
}

pub async fn finish_job(db: &Db, id: i64, header: &[String], result: Result<&Outcome, String>) -> DbResult<()> {
    let w = db.begin_write().await?;
    let Some(m) = import_job::Entity::find_by_id(id).one(&*w).await? else {
        return Err(DbError::NotFound);
    };
    let mut am: import_job::ActiveModel = m.into();
    match result {
        Ok(o) => {
            am.status = Set("done".into());
            am.total = Set(o.total as i64);
            am.processed = Set(o.total as i64);
            am.accepted = Set(o.accepted as i64);
            am.rejected = Set(serde_json::to_string(&o.rejected).unwrap_or_else(|_| "[]".into()));
            am.rejected_rows = Set(serde_json::to_string(&o.rejected_rows).unwrap_or_else(|_| "[]".into()));
            am.header = Set(serde_json::to_string(header).unwrap_or_else(|_| "[]".into()));
        }
        Err(e) => {
            am.status = Set("failed".into());
            am.error = Set(Some(e));
        }
    }
    am.finished_at = Set(Some(Utc::now()));
    am.update(&*w).await?;
    w.commit().await
}

/// Jobs left `queued` or `running` by a stopped server: their transaction never committed.
pub async fn fail_interrupted(db: &Db) -> DbResult<u64> {
    let r = import_job::Entity::update_many()
        .col_expr(import_job::Column::Status, sea_orm::sea_query::Expr::val("failed"))
        .col_expr(
            import_job::Column::Error,
            sea_orm::sea_query::Expr::val("服务重启，导入被中断，未写入任何数据，请重新导入"),
        )
        .filter(import_job::Column::Status.is_in(["queued", "running"]))
        .exec(&db.conn)
        .await?;
    Ok(r.rows_affected)
}

/// A job the caller started (or, for the whole-district scope, any job).
pub async fn get_job(db: &Db, actor: &Actor, id: i64) -> DbResult<import_job::Model> {
    let m = import_job::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if actor.scope != Scope::All && m.created_by != actor.user_id {
        return Err(DbError::NotFound);
    }
    Ok(m)
}
