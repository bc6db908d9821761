//! Grid workers: the staff assigned to a grid, chosen from its community.
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;

use super::Staff;
use super::staff::staff_views;
use super::units::visible_unit;
use crate::audit::{self, Event};
use crate::entity::{grid_assignment, org_unit, staff};
use crate::{Actor, Db, DbError, DbResult};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridWorkers {
    pub staff_ids: Vec<i64>,
}

pub async fn grid_workers(db: &Db, scope: &Scope, grid_id: i64) -> DbResult<Vec<Staff>> {
    let g = visible_unit(&db.conn, scope, grid_id).await?;
    if g.level != "grid" {
        return Err(DbError::invalid("id", "只有网格可以指派网格员"));
    }
    let ids: Vec<i64> = grid_assignment::Entity::find()
        .select_only()
        .column(grid_assignment::Column::StaffId)
        .filter(grid_assignment::Column::GridId.eq(grid_id))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let rows = staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .order_by_asc(staff::Column::Id)
        .all(&db.conn)
        .await?;
    staff_views(db, rows).await
}

/// Replaces the grid's workers; each must be staff of the grid's community (or its grids).
pub async fn set_grid_workers(db: &Db, actor: &Actor, grid_id: i64, w: GridWorkers) -> DbResult<Vec<Staff>> {
    let txn = db.begin_write().await?;
    let g = visible_unit(&*txn, &actor.scope, grid_id).await?;
    if g.level != "grid" {
        return Err(DbError::invalid("id", "只有网格可以指派网格员"));
    }
    let community = org_unit::Entity::find_by_id(g.parent_id.unwrap_or(0))
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    for sid in &w.staff_ids {
        let s = staff::Entity::find_by_id(*sid).one(&*txn).await?;
        let ok = match &s {
            Some(s) => s.org_unit_id == community.id || s.org_unit_id == g.id,
            None => false,
        };
        if !ok {
            return Err(DbError::invalid(
                "staff_ids",
                format!("人员 {sid} 不属于 {}", community.name),
            ));
        }
    }
    grid_assignment::Entity::delete_many()
        .filter(grid_assignment::Column::GridId.eq(grid_id))
        .exec(&*txn)
        .await?;
    let mut ids = w.staff_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        grid_assignment::Entity::insert_many(ids.iter().map(|s| grid_assignment::ActiveModel {
            grid_id: Set(grid_id),
            staff_id: Set(*s),
        }))
        .exec_without_returning(&*txn)
        .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("assign_grid_workers", "org_unit", grid_id).detail(format!("{ids:?}")),
    )
    .await?;
    txn.commit().await?;
    grid_workers(db, &Scope::All, grid_id).await
}
