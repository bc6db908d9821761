//! Organisation: org units (district → subdistrict → community → grid), grid workers,
//! member departments and staff. Every query takes the caller's data scope.
mod departments;
mod grid_workers;
mod staff;
mod units;

pub use departments::{
    Department, SimpleFilter, create_department, delete_department, get_department, list_departments, update_department,
};
pub use grid_workers::{GridWorkers, grid_workers, set_grid_workers};
pub use staff::{Staff, create_staff, delete_staff, get_staff, list_staff, update_staff};
pub(crate) use staff::{check_department, insert_staff};
pub use units::{
    OrgUnit, OrgUnitFilter, OrgUnitNode, OrgUnitRef, count_by_level, create_unit, delete_unit, get_unit, list_units,
    tree, update_unit,
};

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::DbResult;
use crate::entity::{department, org_unit};

/// The names of these org units by id. The ids are read before the future starts, so a borrowed
/// iterator need not live across the query.
pub fn unit_names<'c, C: ConnectionTrait>(
    c: &'c C,
    ids: impl IntoIterator<Item = i64>,
) -> impl std::future::Future<Output = DbResult<HashMap<i64, String>>> + Send + 'c {
    let ids: Vec<i64> = ids.into_iter().collect();
    async move {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, String)> = org_unit::Entity::find()
            .select_only()
            .columns([org_unit::Column::Id, org_unit::Column::Name])
            .filter(org_unit::Column::Id.is_in(ids))
            .into_tuple()
            .all(c)
            .await?;
        Ok(rows.into_iter().collect())
    }
}

pub async fn department_names<C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = i64>,
) -> DbResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = department::Entity::find()
        .select_only()
        .columns([department::Column::Id, department::Column::Name])
        .filter(department::Column::Id.is_in(ids))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}
