//! Organisation: org units and their tree, grid workers, member departments, staff.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use zongguan_core::org::{
    DepartmentChange, NewDepartmentFields, NewOrgUnitFields, NewStaffFields, OrgLevel, OrgUnitChange, StaffChange,
};
use zongguan_db::org::{self, Department, GridWorkers, OrgUnit, OrgUnitFilter, OrgUnitNode, SimpleFilter, Staff};

use super::{Paging, list_type};
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppResult};
use zongguan_core::permission::Permission;

mod forms;
pub use forms::{DepartmentUpdate, NewDepartment, NewOrgUnit, NewStaff, OrgUnitUpdate, StaffUpdate};

list_type!(OrgUnitList, OrgUnit);
list_type!(DepartmentList, Department);
list_type!(StaffList, Staff);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgUnitQuery {
    /// The children of this unit (one level of a lazy tree).
    pub parent_id: Option<i64>,
    /// district | subdistrict | community | grid, or several separated by commas.
    pub level: Option<String>,
    /// Part of the name or the start of the code; shallower units come first.
    pub q: Option<String>,
    /// `true`: only the roots of the caller's tree (their own unit for a center, their grids for a
    /// grid worker): the units in scope whose parent is not.
    pub roots: Option<bool>,
    /// `false`: each unit without its geometry (for pickers, which draw none).
    pub geometry: Option<bool>,
}

/// Org units in the caller's data scope, each with its visible child count and ancestors (a lazy
/// tree loads `roots=true`, then `parent_id=` per opened node, and searches with `q=`).
#[utoipa::path(get, path = "/api/v1/org-units", tag = "org", params(OrgUnitQuery, Paging), responses((status = 200, body = OrgUnitList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_org_units(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<OrgUnitQuery>,
    paging: Paging,
) -> AppResult<Json<OrgUnitList>> {
    caller.require(Permission::OrgRead)?;
    let p = paging.req();
    let f = OrgUnitFilter {
        parent_id: q.parent_id,
        level: q.level,
        q: q.q,
        roots: q.roots.unwrap_or(false),
        no_geometry: q.geometry == Some(false),
    };
    Ok(Json(org::list_units(&st.db, &caller.scope, &f, p).await?.into()))
}

/// The org tree of the caller's data scope, nested, all of it (a district's is thousands of nodes:
/// pickers load it lazily through `GET /api/v1/org-units` instead).
#[utoipa::path(get, path = "/api/v1/org-units/tree", tag = "org", responses((status = 200, body = Vec<OrgUnitNode>)))]
pub async fn org_tree(State(st): State<AppState>, caller: Caller) -> AppResult<Json<Vec<OrgUnitNode>>> {
    caller.require(Permission::OrgRead)?;
    Ok(Json(org::tree(&st.db, &caller.scope).await?))
}

/// One org unit (404 outside the caller's data scope).
#[utoipa::path(get, path = "/api/v1/org-units/{id}", tag = "org", params(("id" = i64, Path)), responses((status = 200, body = OrgUnit), (status = 404, body = ApiError)))]
pub async fn get_org_unit(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<OrgUnit>> {
    caller.require(Permission::OrgRead)?;
    Ok(Json(org::get_unit(&st.db, &caller.scope, id).await?))
}

/// Create a subdistrict, community or grid under a unit in scope.
#[utoipa::path(post, path = "/api/v1/org-units", tag = "org", request_body = NewOrgUnit, responses((status = 201, body = OrgUnit), (status = 422, body = ApiError)))]
pub async fn create_org_unit(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(n): ApiJson<NewOrgUnit>,
) -> AppResult<(StatusCode, Json<OrgUnit>)> {
    caller.require(Permission::OrgWrite)?;
    let n = NewOrgUnitFields::try_from(n)?;
    let actor = caller.actor();
    let regrid = n.level() == OrgLevel::Grid && n.shape().is_some();
    let mut u = org::create_unit(&st.db, &actor, n).await?;
    if regrid {
        u.regrid_run_id = Some(crate::jobs::regrid::start(&st, &actor, Some(u.id)).await?);
    }
    Ok((StatusCode::CREATED, Json(u)))
}

/// Update an org unit's name, code, order or geometry.
#[utoipa::path(put, path = "/api/v1/org-units/{id}", tag = "org", params(("id" = i64, Path)), request_body = OrgUnitUpdate, responses((status = 200, body = OrgUnit), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update_org_unit(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(u): ApiJson<OrgUnitUpdate>,
) -> AppResult<Json<OrgUnit>> {
    caller.require(Permission::OrgWrite)?;
    let u = OrgUnitChange::try_from(u)?;
    let actor = caller.actor();
    let reshaped = u.shape().is_some();
    let mut unit = org::update_unit(&st.db, &actor, id, u).await?;
    // A grid's new shape re-assigns buildings by point-in-polygon, in the background.
    if reshaped && unit.level == "grid" {
        unit.regrid_run_id = Some(crate::jobs::regrid::start(&st, &actor, Some(unit.id)).await?);
    }
    Ok(Json(unit))
}

/// Delete an empty org unit.
#[utoipa::path(delete, path = "/api/v1/org-units/{id}", tag = "org", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete_org_unit(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    caller.require(Permission::OrgWrite)?;
    org::delete_unit(&st.db, &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The grid workers assigned to a grid.
#[utoipa::path(get, path = "/api/v1/org-units/{id}/grid-workers", tag = "org", params(("id" = i64, Path)), responses((status = 200, body = Vec<Staff>), (status = 404, body = ApiError)))]
pub async fn get_grid_workers(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<Staff>>> {
    caller.require(Permission::OrgRead)?;
    Ok(Json(org::grid_workers(&st.db, &caller.scope, id).await?))
}

/// Assign grid workers (staff of the grid's community) to a grid.
#[utoipa::path(put, path = "/api/v1/org-units/{id}/grid-workers", tag = "org", params(("id" = i64, Path)), request_body = GridWorkers, responses((status = 200, body = Vec<Staff>), (status = 422, body = ApiError)))]
pub async fn set_grid_workers(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(w): ApiJson<GridWorkers>,
) -> AppResult<Json<Vec<Staff>>> {
    caller.require(Permission::OrgWrite)?;
    Ok(Json(org::set_grid_workers(&st.db, &caller.actor(), id, w).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimpleQuery {
    pub org_unit_id: Option<i64>,
    pub q: Option<String>,
}

impl SimpleQuery {
    fn split(self, paging: Paging) -> (SimpleFilter, zongguan_db::PageReq) {
        (
            SimpleFilter {
                org_unit_id: self.org_unit_id,
                q: self.q,
            },
            paging.req(),
        )
    }
}

/// Member departments in scope.
#[utoipa::path(get, path = "/api/v1/departments", tag = "org", params(SimpleQuery, Paging), responses((status = 200, body = DepartmentList)))]
pub async fn list_departments(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SimpleQuery>,
    paging: Paging,
) -> AppResult<Json<DepartmentList>> {
    caller.require(Permission::DepartmentRead)?;
    let (f, p) = q.split(paging);
    Ok(Json(org::list_departments(&st.db, &caller.scope, &f, p).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "org", params(("id" = i64, Path)), responses((status = 200, body = Department), (status = 404, body = ApiError)))]
pub async fn get_department(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Department>> {
    caller.require(Permission::DepartmentRead)?;
    Ok(Json(org::get_department(&st.db, &caller.scope, id).await?))
}

#[utoipa::path(post, path = "/api/v1/departments", tag = "org", request_body = NewDepartment, responses((status = 201, body = Department), (status = 422, body = ApiError)))]
pub async fn create_department(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(n): ApiJson<NewDepartment>,
) -> AppResult<(StatusCode, Json<Department>)> {
    caller.require(Permission::DepartmentWrite)?;
    let n = NewDepartmentFields::try_from(n)?;
    Ok((
        StatusCode::CREATED,
        Json(org::create_department(&st.db, &caller.actor(), n).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "org", params(("id" = i64, Path)), request_body = DepartmentUpdate, responses((status = 200, body = Department), (status = 404, body = ApiError)))]
pub async fn update_department(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(u): ApiJson<DepartmentUpdate>,
) -> AppResult<Json<Department>> {
    caller.require(Permission::DepartmentWrite)?;
    let u = DepartmentChange::try_from(u)?;
    Ok(Json(org::update_department(&st.db, &caller.actor(), id, u).await?))
}

#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "org", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete_department(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    caller.require(Permission::DepartmentWrite)?;
    org::delete_department(&st.db, &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Staff in scope; phones masked.
#[utoipa::path(get, path = "/api/v1/staff", tag = "org", params(SimpleQuery, Paging), responses((status = 200, body = StaffList)))]
pub async fn list_staff(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SimpleQuery>,
    paging: Paging,
) -> AppResult<Json<StaffList>> {
    caller.require(Permission::StaffRead)?;
    let (f, p) = q.split(paging);
    Ok(Json(org::list_staff(&st.db, &caller.scope, &f, p).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/staff/{id}", tag = "org", params(("id" = i64, Path)), responses((status = 200, body = Staff), (status = 404, body = ApiError)))]
pub async fn get_staff(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Staff>> {
    caller.require(Permission::StaffRead)?;
    Ok(Json(org::get_staff(&st.db, &caller.scope, id).await?))
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "org", request_body = NewStaff, responses((status = 201, body = Staff), (status = 422, body = ApiError)))]
pub async fn create_staff(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(n): ApiJson<NewStaff>,
) -> AppResult<(StatusCode, Json<Staff>)> {
    caller.require(Permission::StaffWrite)?;
    let n = NewStaffFields::try_from(n)?;
    Ok((
        StatusCode::CREATED,
        Json(org::create_staff(&st.db, &caller.actor(), n).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/staff/{id}", tag = "org", params(("id" = i64, Path)), request_body = StaffUpdate, responses((status = 200, body = Staff), (status = 404, body = ApiError)))]
pub async fn update_staff(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(u): ApiJson<StaffUpdate>,
) -> AppResult<Json<Staff>> {
    caller.require(Permission::StaffWrite)?;
    let u = StaffChange::try_from(u)?;
    Ok(Json(org::update_staff(&st.db, &caller.actor(), id, u).await?))
}

#[utoipa::path(delete, path = "/api/v1/staff/{id}", tag = "org", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete_staff(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    caller.require(Permission::StaffWrite)?;
    org::delete_staff(&st.db, &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
