//! Inspection tasks assigned from the map, and cameras (电子防控).
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use zongguan_core::permission::Permission;
use zongguan_db::governance::{self, Camera, CameraFilter, CameraInput, InspectionTask, TaskFilter};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::http::{Paging, list_type};

list_type!(InspectionTaskList, InspectionTask);
list_type!(CameraList, Camera);

fn day(field: &str, s: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| AppError::invalid(field, "日期格式应为 YYYY-MM-DD"))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskForm {
    /// Rental houses in the caller's scope (at most 500).
    pub house_ids: Vec<i64>,
    /// A user who is a grid worker of every one of those houses' grids.
    pub assignee_id: i64,
    /// `YYYY-MM-DD`, today or later.
    pub due_on: String,
}

/// Gives rental houses to a grid worker to inspect by a day (audited; the worker is notified).
/// A house that already has an open task for the worker is not given twice.
#[utoipa::path(post, path = "/api/v1/inspection-tasks", tag = "governance", request_body = TaskForm, responses((status = 201, body = Vec<InspectionTask>), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_inspection_tasks(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<TaskForm>,
) -> AppResult<(StatusCode, Json<Vec<InspectionTask>>)> {
    caller.require(Permission::RentalClassify)?;
    let due = day("due_on", &f.due_on)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::assign_inspections(&st.db, &caller.actor(), &f.house_ids, f.assignee_id, due).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// `me` for the caller's own tasks, or a user id.
    pub assignee: Option<String>,
    pub org_unit_id: Option<i64>,
    /// `open` | `done`.
    pub state: Option<String>,
}

/// Inspection tasks in the caller's scope (`assignee=me`: the caller's own), newest first.
#[utoipa::path(get, path = "/api/v1/inspection-tasks", tag = "governance", params(TaskQuery, Paging), responses((status = 200, body = InspectionTaskList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_inspection_tasks(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TaskQuery>,
    paging: Paging,
) -> AppResult<Json<InspectionTaskList>> {
    caller.require(Permission::RentalRead)?;
    let a = caller.actor();
    let assignee_id = match q.assignee.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("me") => Some(
            a.user_id
                .ok_or_else(|| AppError::invalid("assignee", "令牌没有对应用户"))?,
        ),
        Some(s) => Some(
            s.parse::<i64>()
                .map_err(|_| AppError::invalid("assignee", "巡查人员须为 me 或用户编号"))?,
        ),
    };
    let f = TaskFilter {
        assignee_id,
        org_unit_id: q.org_unit_id,
        state: q.state.filter(|s| !s.trim().is_empty()),
    };
    Ok(Json(
        governance::list_inspection_tasks(&st.db, &a.scope, a.user_id, &f, paging.req())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CameraQuery {
    pub org_unit_id: Option<i64>,
    /// `hd` | `face` | `vehicle` | `other`.
    pub kind: Option<String>,
    /// `online` | `offline` | `fault`.
    pub status: Option<String>,
    /// Part of the code or the name.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/cameras", tag = "governance", params(CameraQuery, Paging), responses((status = 200, body = CameraList), (status = 403, body = ApiError)))]
pub async fn list_cameras(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CameraQuery>,
    paging: Paging,
) -> AppResult<Json<CameraList>> {
    caller.require(Permission::CameraRead)?;
    let some = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let f = CameraFilter {
        org_unit_id: q.org_unit_id,
        kind: some(q.kind),
        status: some(q.status),
        q: some(q.q),
    };
    Ok(Json(
        governance::list_cameras(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CameraForm {
    /// Unique, e.g. `440307003-SP-0001`.
    pub code: String,
    pub name: String,
    /// `hd` | `face` | `vehicle` | `other`.
    pub kind: String,
    /// `online` | `offline` | `fault`; default online.
    pub status: Option<String>,
    /// WGS-84; the point must lie in a grid of the caller's scope.
    pub lon: f64,
    pub lat: f64,
    /// `YYYY-MM-DD`.
    pub installed_on: Option<String>,
    pub note: Option<String>,
}

impl TryFrom<CameraForm> for CameraInput {
    type Error = AppError;

    fn try_from(f: CameraForm) -> Result<Self, AppError> {
        let note = f.note.unwrap_or_default().trim().to_string();
        if note.chars().count() > 500 {
            return Err(AppError::invalid("note", "备注不能超过 500 字"));
        }
        Ok(CameraInput {
            code: f.code.trim().to_string(),
            name: f.name.trim().to_string(),
            kind: f.kind.trim().to_string(),
            status: f.status.map_or_else(|| "online".into(), |s| s.trim().to_string()),
            lon: f.lon,
            lat: f.lat,
            installed_on: match f.installed_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(day("installed_on", s)?),
            },
            note,
        })
    }
}

/// Registers a camera (audited); its grid is the one its point lies in.
#[utoipa::path(post, path = "/api/v1/cameras", tag = "governance", request_body = CameraForm, responses((status = 201, body = Camera), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_camera(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<CameraForm>,
) -> AppResult<(StatusCode, Json<Camera>)> {
    caller.require(Permission::CameraWrite)?;
    let i = CameraInput::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::create_camera(&st.db, &caller.actor(), i).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/cameras/{id}", tag = "governance", params(("id" = i64, Path)), request_body = CameraForm, responses((status = 200, body = Camera), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update_camera(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<CameraForm>,
) -> AppResult<Json<Camera>> {
    caller.require(Permission::CameraWrite)?;
    let i = CameraInput::try_from(f)?;
    Ok(Json(governance::update_camera(&st.db, &caller.actor(), id, i).await?))
}

#[utoipa::path(delete, path = "/api/v1/cameras/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ApiError)))]
pub async fn delete_camera(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    caller.require(Permission::CameraWrite)?;
    governance::delete_camera(&st.db, &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
