//! Data scope as SQL conditions, and resolving a user's scope from their roles.
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use zongguan_core::rbac::{DataScopeKind, Scope, widest};

use crate::entity::{app_user, grid_assignment, org_unit, role, user_role, user_scope_unit};
use crate::{DbError, DbResult};

/// Condition on a column holding an org unit id (e.g. `staff.org_unit_id`).
/// `owner` is the row's `created_by` column, for the own-records scope.
pub fn unit_column<C: ColumnTrait>(scope: &Scope, col: C, owner: Option<C>) -> Condition {
    match scope {
        Scope::All => Condition::all(),
        Scope::Subtree { path } => Condition::all().add(
            col.in_subquery(
                Query::select()
                    .column(org_unit::Column::Id)
                    .from(org_unit::Entity)
                    .and_where(org_unit::Column::Path.starts_with(path.as_str()))
                    .to_owned(),
            ),
        ),
        Scope::Units { ids } => Condition::all().add(col.is_in(ids.clone())),
        Scope::OwnRecords { user_id } => match owner {
            Some(o) => Condition::all().add(o.eq(*user_id)),
            None => Condition::all().add(Expr::cust("1 = 0")),
        },
    }
}

/// Condition on the `org_unit` table itself.
pub fn org_units(scope: &Scope) -> Condition {
    match scope {
        Scope::All => Condition::all(),
        Scope::Subtree { path } => Condition::all().add(org_unit::Column::Path.starts_with(path.as_str())),
        Scope::Units { ids } => Condition::all().add(org_unit::Column::Id.is_in(ids.clone())),
        Scope::OwnRecords { user_id } => Condition::all().add(org_unit::Column::CreatedBy.eq(*user_id)),
    }
}

/// A subtree at the only root is everything: answered as [`Scope::All`], so a district-wide user's
/// lists carry no scope condition at all (a subquery over every unit costs the district's lists
/// most of their time). With several roots (a city of districts) it stays a subtree.
async fn whole_tree<C: ConnectionTrait>(c: &C, unit: org_unit::Model) -> DbResult<Scope> {
    use sea_orm::PaginatorTrait;
    if unit.parent_id.is_none() {
        let roots = org_unit::Entity::find()
            .filter(org_unit::Column::ParentId.is_null())
            .count(c)
            .await?;
        if roots == 1 {
            return Ok(Scope::All);
        }
    }
    Ok(Scope::Subtree { path: unit.path })
}

/// The user's scope: the widest data scope among their roles, anchored at their org unit.
pub async fn resolve<C: ConnectionTrait>(c: &C, user: &app_user::Model) -> DbResult<Scope> {
    let codes: Vec<String> = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user.id))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.role_code)
        .collect();
    let roles = role::Entity::find()
        .filter(role::Column::Code.is_in(codes))
        .all(c)
        .await?;
    let kind = widest(roles.iter().filter_map(|r| DataScopeKind::parse(&r.data_scope)));
    Ok(match kind {
        DataScopeKind::All => Scope::All,
        DataScopeKind::UnitAndBelow => {
            let unit = org_unit::Entity::find_by_id(user.org_unit_id)
                .one(c)
                .await?
                .ok_or(DbError::NotFound)?;
            whole_tree(c, unit).await?
        }
        DataScopeKind::UnitOnly => Scope::Units {
            ids: vec![user.org_unit_id],
        },
        DataScopeKind::OwnGrids => {
            let ids = match user.staff_id {
                Some(s) => {
                    grid_assignment::Entity::find()
                        .select_only()
                        .column(grid_assignment::Column::GridId)
                        .filter(grid_assignment::Column::StaffId.eq(s))
                        .into_tuple::<i64>()
                        .all(c)
                        .await?
                }
                None => vec![],
            };
            Scope::Units { ids }
        }
        DataScopeKind::Custom => {
            let ids = user_scope_unit::Entity::find()
                .select_only()
                .column(user_scope_unit::Column::OrgUnitId)
                .filter(user_scope_unit::Column::UserId.eq(user.id))
                .into_tuple::<i64>()
                .all(c)
                .await?;
            Scope::Units { ids }
        }
        DataScopeKind::OwnRecords => Scope::OwnRecords { user_id: user.id },
    })
}

/// The columns of a row placed in the org tree, which carries its subdistrict and community
/// (`m0015_unit_keys`): a subtree is then one index range on them, sorted by the next column.
#[derive(Clone, Copy)]
pub struct Placed<C> {
    pub unit: C,
    pub subdistrict: C,
    pub community: C,
    /// The row's `created_by`, for the own-records scope.
    pub owner: Option<C>,
}

fn last_id(path: &str) -> Option<i64> {
    path.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

/// Rows under `root` (the unit and everything below it).
fn under_root<C: ColumnTrait>(root: &org_unit::Model, cols: &Placed<C>) -> Condition {
    use zongguan_core::org::OrgLevel;
    match OrgLevel::parse(&root.level).ok() {
        Some(OrgLevel::Subdistrict) => Condition::all().add(cols.subdistrict.eq(root.id)),
        Some(OrgLevel::Community) => Condition::all().add(cols.community.eq(root.id)),
        Some(OrgLevel::Grid) => Condition::all().add(cols.unit.eq(root.id)),
        // A district among several (a city): its units, until rows carry a district key.
        _ => unit_column(
            &Scope::Subtree {
                path: root.path.clone(),
            },
            cols.unit,
            None,
        ),
    }
}

async fn unit<C: ConnectionTrait>(c: &C, id: i64) -> DbResult<Option<org_unit::Model>> {
    Ok(org_unit::Entity::find_by_id(id).one(c).await?)
}

/// The scope as a condition on a placed row: nothing for everything, one key for a subtree.
pub async fn placed<C: ConnectionTrait, Col: ColumnTrait>(
    c: &C,
    scope: &Scope,
    cols: &Placed<Col>,
) -> DbResult<Condition> {
    if let Scope::Subtree { path } = scope
        && let Some(root) = match last_id(path) {
            Some(id) => unit(c, id).await?,
            None => None,
        }
    {
        return Ok(under_root(&root, cols));
    }
    Ok(unit_column(scope, cols.unit, cols.owner))
}

/// The scope intersected with a list's `org_unit_id` filter, as one condition: the narrower of
/// the two when one holds the other (the usual case), nothing when they do not meet.
pub async fn placed_under<C: ConnectionTrait, Col: ColumnTrait>(
    c: &C,
    scope: &Scope,
    filter: Option<i64>,
    cols: &Placed<Col>,
) -> DbResult<Condition> {
    let Some(id) = filter else {
        return placed(c, scope, cols).await;
    };
    let u = unit(c, id)
        .await?
        .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
    Ok(match scope {
        Scope::All => under_root(&u, cols),
        Scope::Subtree { path } if u.path.starts_with(path.as_str()) => under_root(&u, cols),
        Scope::Subtree { path } if path.starts_with(u.path.as_str()) => placed(c, scope, cols).await?,
        Scope::Subtree { .. } => Condition::all().add(Expr::cust("1 = 0")),
        other => under_root(&u, cols).add(unit_column(other, cols.unit, cols.owner)),
    })
}
