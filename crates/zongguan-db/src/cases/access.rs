//! The ground floor of the cases: who sees which case and which part each caller plays in it.
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use zongguan_core::case_flow::{CaseAction, CaseFacts, CaseRole, CaseState, Level};
use zongguan_core::rbac::Scope;

use crate::entity::{case_assist, case_record, org_unit};
use crate::{Actor, DbError, DbResult, scope};
use zongguan_core::permission::Permission;

/// The current time at the precision both databases store (microseconds), so a deadline computed
/// from it is the one read back.
pub fn now() -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(Utc::now(), 6)
}

/// A subtree that starts at the only root is everything: answer with no condition, so the
/// district's counts use the covering index instead of a subquery per row.
pub(super) async fn effective_scope<C: ConnectionTrait>(c: &C, scope: &Scope) -> DbResult<Scope> {
    if let Scope::Subtree { path } = scope
        && path.matches('/').count() == 2
    {
        let roots = org_unit::Entity::find()
            .filter(org_unit::Column::ParentId.is_null())
            .count(c)
            .await?;
        if roots == 1 {
            return Ok(Scope::All);
        }
    }
    Ok(scope.clone())
}

/// Who may see which cases, when their scope is not everything.
pub(super) struct Visibility {
    pub(super) located: Located,
    pub(super) reporter: Option<i64>,
    pub(super) department: Option<i64>,
}

/// The cases a user may see: those located in their data scope, those dispatched to (or assisted
/// by) their department, and those they reported. `None`: every case.
pub(super) async fn visibility<C: ConnectionTrait>(c: &C, u: &Actor) -> DbResult<Option<Visibility>> {
    let scope = effective_scope(c, &u.scope).await?;
    if scope == Scope::All {
        return Ok(None);
    }
    Ok(Some(Visibility {
        located: located(c, &scope).await?,
        reporter: u.user_id,
        department: u.department_id,
    }))
}

pub(super) async fn visible<C: ConnectionTrait>(c: &C, u: &Actor) -> DbResult<Condition> {
    let Some(v) = visibility(c, u).await? else {
        return Ok(Condition::all());
    };
    let mut any = Condition::any().add(v.located.condition());
    if let Some(uid) = v.reporter {
        any = any.add(case_record::Column::ReporterUserId.eq(uid));
    }
    if let Some(d) = v.department {
        any = any.add(case_record::Column::DepartmentId.eq(d)).add(
            case_record::Column::Id.in_subquery(
                Query::select()
                    .column(case_assist::Column::CaseId)
                    .from(case_assist::Entity)
                    .and_where(case_assist::Column::DepartmentId.eq(d))
                    .to_owned(),
            ),
        );
    }
    Ok(any)
}

/// Where a scope's cases lie: one equality on the case's own grid, community or subdistrict column
/// (each indexed with the state) for a subtree that is one unit's, else the scope on the grid.
pub(super) enum Located {
    Grid(i64),
    Community(i64),
    Subdistrict(i64),
    Scope(Scope),
}

impl Located {
    fn condition(&self) -> Condition {
        match self {
            Self::Grid(id) => Condition::all().add(case_record::Column::GridId.eq(*id)),
            Self::Community(id) => Condition::all().add(case_record::Column::CommunityId.eq(*id)),
            Self::Subdistrict(id) => Condition::all().add(case_record::Column::SubdistrictId.eq(*id)),
            Self::Scope(s) => scope::unit_column(s, case_record::Column::GridId, Some(case_record::Column::CreatedBy)),
        }
    }

    /// The same test for the in-memory counts.
    pub(super) async fn area<C: ConnectionTrait>(&self, c: &C) -> DbResult<Area> {
        Ok(match self {
            Self::Grid(id) => Area::Grid(*id),
            Self::Community(id) => Area::Community(*id),
            Self::Subdistrict(id) => Area::Subdistrict(*id),
            Self::Scope(Scope::All) => Area::Everywhere,
            Self::Scope(Scope::Subtree { path }) => Area::Grids(
                org_unit::Entity::find()
                    .select_only()
                    .column(org_unit::Column::Id)
                    .filter(org_unit::Column::Path.starts_with(path.as_str()))
                    .into_tuple()
                    .all(c)
                    .await?
                    .into_iter()
                    .collect(),
            ),
            Self::Scope(Scope::Units { ids }) => Area::Grids(ids.iter().copied().collect()),
            Self::Scope(Scope::OwnRecords { user_id }) => Area::CreatedBy(*user_id),
        })
    }
}

pub(super) async fn located<C: ConnectionTrait>(c: &C, scope: &Scope) -> DbResult<Located> {
    if let Scope::Subtree { path } = scope
        && let Some(id) = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .and_then(|s| s.parse::<i64>().ok())
        && let Some(unit) = org_unit::Entity::find_by_id(id).one(c).await?
        && unit.path == *path
    {
        match unit.level.as_str() {
            "grid" => return Ok(Located::Grid(unit.id)),
            "community" => return Ok(Located::Community(unit.id)),
            "subdistrict" => return Ok(Located::Subdistrict(unit.id)),
            _ => {}
        }
    }
    Ok(Located::Scope(scope.clone()))
}

/// Cases located in a scope.
pub(super) async fn located_in<C: ConnectionTrait>(c: &C, scope: &Scope) -> DbResult<Condition> {
    Ok(located(c, scope).await?.condition())
}

pub(super) async fn visible_case<C: ConnectionTrait>(c: &C, u: &Actor, id: i64) -> DbResult<case_record::Model> {
    case_record::Entity::find_by_id(id)
        .filter(visible(c, u).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Whether the user stands as the center for this case: their unit is the owning center's unit or
/// above it, and their data scope reaches it.
pub(super) async fn is_center<C: ConnectionTrait>(c: &C, u: &Actor, case: &case_record::Model) -> DbResult<bool> {
    let Some(unit) = u.org_unit_id else {
        return Ok(u.scope == Scope::All);
    };
    let rows = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in([unit, case.owner_unit_id]))
        .all(c)
        .await?;
    let (Some(mine), Some(owner)) = (
        rows.iter().find(|r| r.id == unit),
        rows.iter().find(|r| r.id == case.owner_unit_id),
    ) else {
        return Ok(false);
    };
    Ok(owner.path.starts_with(&mine.path) && u.scope.sees_unit(owner.id, &owner.path))
}

/// The roles the user holds for this case and action, each with the permission it needs.
pub(super) async fn roles_for<C: ConnectionTrait>(
    c: &C,
    u: &Actor,
    case: &case_record::Model,
    action: Option<CaseAction>,
) -> DbResult<Vec<CaseRole>> {
    let mut roles = Vec::new();
    let center_perm = match action {
        Some(CaseAction::Supervise) => u.can(Permission::CaseSupervise),
        Some(_) => u.can(Permission::CaseDispatch),
        None => u.can(Permission::CaseDispatch) || u.can(Permission::CaseSupervise),
    };
    if center_perm && is_center(c, u, case).await? {
        roles.push(CaseRole::Center);
    }
    if u.can(Permission::CaseHandle) && u.department_id.is_some() && u.department_id == case.department_id {
        roles.push(CaseRole::Department);
    }
    if u.can(Permission::CaseReport) && u.user_id.is_some() && u.user_id == case.reporter_user_id {
        roles.push(CaseRole::Reporter);
    }
    Ok(roles)
}

/// The stored state as the workflow's value; a state the code does not know counts as closed.
pub(super) fn state_of(m: &case_record::Model) -> CaseState {
    CaseState::parse(&m.state).unwrap_or(CaseState::Closed)
}

pub(super) fn facts(m: &case_record::Model) -> CaseFacts {
    CaseFacts {
        state: state_of(m),
        paused: m.paused,
        level: Level::parse(&m.level).unwrap_or(Level::Community),
    }
}

/// Where a case lies, tested on its own columns.
#[derive(Debug, Clone)]
pub(super) enum Area {
    Everywhere,
    Grid(i64),
    Community(i64),
    Subdistrict(i64),
    Grids(HashSet<i64>),
    CreatedBy(i64),
}

/// The cases a user may see when their scope is not everything (see [`visible`]).
#[derive(Debug, Clone)]
pub(super) struct Visible {
    pub(super) area: Area,
    pub(super) reporter: Option<i64>,
    pub(super) department: Option<i64>,
    /// Cases the department assists.
    pub(super) assisted: HashSet<i64>,
}
