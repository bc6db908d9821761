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
    /// The reasons, the first 5,000 of them (see `rejected_count` for all rows).
    pub rejected: Vec<Rejection>,
    /// Rows rejected, kept in the download or not.
    pub rejected_count: u64,
    /// Why a failed job failed (e.g. a missing header).
    pub error: Option<String>,
}

/// The rejected reasons as stored: their count beside the kept ones.
#[derive(Serialize, serde::Deserialize, Default)]
struct StoredRejections {
    count: u64,
    reasons: Vec<Rejection>,
}

/// Rejected rows and their reasons quote what was typed (ID numbers, phones): stored sealed with
/// the field key, like every other personal value.
fn seal<T: Serialize>(db: &Db, v: &T) -> String {
    db.cipher.encrypt(&serde_json::to_string(v).unwrap_or_default())
}

/// A sealed value, or the plain JSON an earlier release stored.
fn unseal<T: serde::de::DeserializeOwned>(db: &Db, stored: &str) -> Option<T> {
    if stored.starts_with(['[', '{']) {
        return serde_json::from_str(stored).ok();
    }
    serde_json::from_str(&db.cipher.decrypt(stored).ok()?).ok()
}

/// The job's rejection reasons and the count of rejected rows.
pub fn rejections(db: &Db, m: &import_job::Model) -> (Vec<Rejection>, u64) {
    if m.rejected.starts_with('[') {
        let reasons: Vec<Rejection> = serde_json::from_str(&m.rejected).unwrap_or_default();
        let rows: std::collections::BTreeSet<u32> = reasons.iter().map(|r| r.row).collect();
        return (reasons, rows.len() as u64);
    }
    let s: StoredRejections = unseal(db, &m.rejected).unwrap_or_default();
    (s.reasons, s.count)
}

/// The kept rejected rows, for the fix-up download.
pub fn rejected_rows(db: &Db, m: &import_job::Model) -> Vec<super::SheetRow> {
    unseal(db, &m.rejected_rows).unwrap_or_default()
}

impl ImportJob {
    pub fn of(db: &Db, m: import_job::Model) -> Self {
        let (rejected, rejected_count) = rejections(db, &m);
        Self {
            id: m.id,
            kind: m.kind,
            mode: m.mode,
            status: m.status,
            file_name: m.file_name,
            total: m.total as u64,
            processed: m.processed as u64,
            accepted: m.accepted as u64,
            rejected,
            rejected_count,
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
    Ok(ImportJob::of(db, m))
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
            let stored = StoredRejections {
                count: o.rejected_count,
                reasons: o.rejected.clone(),
            };
            am.rejected = Set(seal(db, &stored));
            am.rejected_rows = Set(seal(db, &o.rejected_rows));
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

/// Rejected rows are kept for the fix-up download for `days`, then dropped (the counts stay).
pub async fn purge_rejected_rows(db: &Db, days: i64) -> DbResult<u64> {
    let before = Utc::now() - chrono::Duration::days(days);
    let w = db.begin_write().await?;
    let r = import_job::Entity::update_many()
        .col_expr(import_job::Column::RejectedRows, sea_orm::sea_query::Expr::val("[]"))
        .filter(import_job::Column::FinishedAt.lt(before))
        .filter(import_job::Column::RejectedRows.ne("[]"))
        .exec(&*w)
        .await?;
    w.commit().await?;
    Ok(r.rows_affected)
}
