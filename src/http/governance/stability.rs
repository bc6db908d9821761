//! Stability (维稳): incidents with their upward reports, follow-ups and closure; special-group
//! follow-up visits with the due list and a person's history; community watch teams with members,
//! rosters and duty logs.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_core::dict;
use zongguan_core::governance::due::DueStatus;
use zongguan_core::governance::stability::{
    AttentionLevel, INCIDENT_KINDS, IncidentLevel, SHIFTS, VISIT_FORMS, WATCH_TEAM_KINDS,
};
use zongguan_core::permission::Permission;
use zongguan_db::governance::{
    self, DueList, Incident, IncidentDetail, IncidentFilter, IncidentInput, TeamInput, Visit, VisitInput, WatchTeam,
    WatchTeamDetail,
};

use super::form::{code, date, required_text, text, time, today};
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::http::{Paging, list_type};

list_type!(IncidentList, Incident);
list_type!(WatchTeamList, WatchTeam);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    pub org_unit_id: Option<i64>,
    /// `reporting` | `reported` | `closed`.
    pub state: Option<String>,
    /// `general` | `large` | `major` | `extraordinary`.
    pub level: Option<String>,
    /// Owing a report past its moment.
    pub overdue: Option<bool>,
    /// Part of the title.
    pub q: Option<String>,
}

/// Incidents under the caller's scope, newest first, each with the report owed and whether it is late.
#[utoipa::path(get, path = "/api/v1/stability-incidents", tag = "governance", params(IncidentQuery, Paging), responses((status = 200, body = IncidentList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_incidents(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<IncidentQuery>,
    paging: Paging,
) -> AppResult<Json<IncidentList>> {
    caller.require(Permission::IncidentRead)?;
    let state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("reporting" | "reported" | "closed")) => Some(s.to_string()),
        Some(s) => return Err(AppError::invalid("state", format!("状态无效：{s}"))),
    };
    let level = match q.level.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            Some(IncidentLevel::parse(s).ok_or_else(|| AppError::invalid("level", format!("事件等级无效：{s}")))?)
        }
    };
    let f = IncidentFilter {
        org_unit_id: q.org_unit_id,
        state,
        level,
        overdue: q.overdue,
        q: q.q,
    };
    Ok(Json(
        governance::list_incidents(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/stability-incidents/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 200, body = IncidentDetail), (status = 404, body = ApiError)))]
pub async fn get_incident(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<IncidentDetail>> {
    caller.require(Permission::IncidentRead)?;
    Ok(Json(governance::get_incident(&st.db, &caller.scope, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentForm {
    /// A code of `INCIDENT_KINDS` (`mass_gathering`, `collective_petition`, `labor_dispute`, …).
    pub kind: String,
    /// `general` | `large` | `major` | `extraordinary`.
    pub level: String,
    /// People involved; default the parties named.
    pub headcount: Option<i32>,
    pub title: String,
    pub description: Option<String>,
    /// Where it happened (a grid or a community usually): the report chain starts at its level.
    pub org_unit_id: i64,
    pub address: Option<String>,
    pub lng: Option<f64>,
    pub lat: Option<f64>,
    /// RFC 3339; default now.
    pub occurred_at: Option<String>,
    /// When the unit learned of it, RFC 3339; default now. The report clock counts from it.
    pub learned_at: Option<String>,
    /// Parties: residents of the registry (found by ID number or name).
    #[serde(default)]
    pub resident_ids: Vec<i64>,
}

impl TryFrom<IncidentForm> for IncidentInput {
    type Error = AppError;

    fn try_from(f: IncidentForm) -> Result<Self, AppError> {
        let level = IncidentLevel::parse(f.level.trim())
            .ok_or_else(|| AppError::invalid("level", "事件等级应为 general、large、major 或 extraordinary"))?;
        if let Some(h) = f.headcount
            && !(1..=100_000).contains(&h)
        {
            return Err(AppError::invalid("headcount", "涉及人数应在 1 至 100000 之间"));
        }
        if f.resident_ids.len() > 200 {
            return Err(AppError::invalid("resident_ids", "当事人最多 200 名"));
        }
        if f.lng.is_some_and(|x| !(-180.0..=180.0).contains(&x)) {
            return Err(AppError::invalid("lng", "经度无效"));
        }
        if f.lat.is_some_and(|x| !(-90.0..=90.0).contains(&x)) {
            return Err(AppError::invalid("lat", "纬度无效"));
        }
        let now = Utc::now();
        let learned_at = time("learned_at", f.learned_at.as_deref())?.unwrap_or(now);
        Ok(IncidentInput {
            kind: code("kind", &f.kind, INCIDENT_KINDS, "事件类型")?,
            level,
            headcount: f.headcount.unwrap_or(f.resident_ids.len().max(1) as i32),
            title: required_text("title", Some(f.title), 200, "事件名称")?,
            description: text("description", f.description, 4000)?,
            org_unit_id: f.org_unit_id,
            address: text("address", f.address, 200)?,
            lng: f.lng,
            lat: f.lat,
            occurred_at: time("occurred_at", f.occurred_at.as_deref())?.unwrap_or(learned_at),
            learned_at,
            resident_ids: f.resident_ids,
        })
    }
}

/// Records an incident (audited); its report to the next level is owed within the level's limit.
/// A large incident (by the setting) reaches the district's officers' inbox at once.
#[utoipa::path(post, path = "/api/v1/stability-incidents", tag = "governance", request_body = IncidentForm, responses((status = 201, body = IncidentDetail), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_incident(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<IncidentForm>,
) -> AppResult<(StatusCode, Json<IncidentDetail>)> {
    caller.require(Permission::IncidentWrite)?;
    let input = IncidentInput::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::create_incident(&st.db, &caller.actor(), input).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteForm {
    pub note: Option<String>,
}

/// Reports the incident to the next level (community → subdistrict → district), recorded on time
/// or late; at the district there is none (409), nor once closed.
#[utoipa::path(post, path = "/api/v1/stability-incidents/{id}/report-up", tag = "governance", params(("id" = i64, Path)), request_body = NoteForm, responses((status = 200, body = IncidentDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn report_up(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<NoteForm>,
) -> AppResult<Json<IncidentDetail>> {
    caller.require(Permission::IncidentWrite)?;
    let note = text("note", f.note, 2000)?;
    Ok(Json(governance::report_up(&st.db, &caller.actor(), id, note).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpForm {
    pub content: String,
}

/// Adds a follow-up record; none once closed (409).
#[utoipa::path(post, path = "/api/v1/stability-incidents/{id}/follow-ups", tag = "governance", params(("id" = i64, Path)), request_body = FollowUpForm, responses((status = 200, body = IncidentDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn add_follow_up(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<FollowUpForm>,
) -> AppResult<Json<IncidentDetail>> {
    caller.require(Permission::IncidentWrite)?;
    let content = required_text("content", Some(f.content), 4000, "跟进情况")?;
    Ok(Json(
        governance::add_follow_up(&st.db, &caller.actor(), id, content).await?,
    ))
}

/// Closes the incident; a closed one again is 409.
#[utoipa::path(post, path = "/api/v1/stability-incidents/{id}/close", tag = "governance", params(("id" = i64, Path)), request_body = NoteForm, responses((status = 200, body = IncidentDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn close_incident(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<NoteForm>,
) -> AppResult<Json<IncidentDetail>> {
    caller.require(Permission::IncidentWrite)?;
    let note = required_text("note", f.note, 2000, "办结情况")?;
    Ok(Json(
        governance::close_incident(&st.db, &caller.actor(), id, note).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    pub org_unit_id: Option<i64>,
    /// `not_due` | `due` | `overdue`; default all.
    pub status: Option<String>,
    /// A code of `special_groups`.
    pub group: Option<String>,
    /// At most this many rows (default 200, at most 1000).
    pub limit: Option<usize>,
}

/// The visits owed to residents of the registry's special groups under the caller's scope,
/// earliest due first, with the counts due and overdue.
#[utoipa::path(get, path = "/api/v1/special-groups/due", tag = "governance", params(DueQuery), responses((status = 200, body = DueList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn due_visits(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> AppResult<Json<DueList>> {
    caller.require(Permission::FollowupRead)?;
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(DueStatus::parse(s).ok_or_else(|| AppError::invalid("status", format!("到期状态无效：{s}")))?),
    };
    let group = match q.group.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(g) => Some(code("group", g, dict::SPECIAL_GROUPS, "特殊人群类别")?),
    };
    let limit = q.limit.unwrap_or(200);
    if !(1..=1000).contains(&limit) {
        return Err(AppError::invalid("limit", "条数应在 1 至 1000 之间"));
    }
    Ok(Json(
        governance::due_visits(&st.db, &caller.scope, q.org_unit_id, status, group, limit).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// The person whose visits these are.
    pub resident_id: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitList {
    /// Newest first.
    pub items: Vec<Visit>,
}

/// A person's follow-up visits, newest first.
#[utoipa::path(get, path = "/api/v1/special-group-visits", tag = "governance", params(VisitQuery), responses((status = 200, body = VisitList), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn list_visits(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<VisitQuery>,
) -> AppResult<Json<VisitList>> {
    caller.require(Permission::FollowupRead)?;
    Ok(Json(VisitList {
        items: governance::visit_history(&st.db, &caller.scope, q.resident_id).await?,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitForm {
    /// The registry's special-group record (from the due list).
    pub record_id: i64,
    /// `YYYY-MM-DD`; default today.
    pub visited_on: Option<String>,
    /// `interview` (面谈) | `phone` (电话) | `home_visit` (走访).
    pub form: String,
    pub situation: String,
    /// The attention level after the visit: `general` | `medium` | `serious`.
    pub level_after: Option<String>,
}

/// Records a follow-up visit (audited); a changed attention level updates the registry.
#[utoipa::path(post, path = "/api/v1/special-group-visits", tag = "governance", request_body = VisitForm, responses((status = 201, body = Visit), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn record_visit(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<VisitForm>,
) -> AppResult<(StatusCode, Json<Visit>)> {
    caller.require(Permission::FollowupWrite)?;
    let level_after = match f.level_after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            AttentionLevel::parse(s)
                .ok_or_else(|| AppError::invalid("level_after", "关注程度应为 general、medium 或 serious"))?,
        ),
    };
    let input = VisitInput {
        record_id: f.record_id,
        visited_on: date("visited_on", f.visited_on.as_deref())?.unwrap_or_else(today),
        form: code("form", &f.form, VISIT_FORMS, "走访形式")?,
        situation: required_text("situation", Some(f.situation), 4000, "走访情况")?,
        level_after,
    };
    Ok((
        StatusCode::CREATED,
        Json(governance::record_visit(&st.db, &caller.actor(), input).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    pub org_unit_id: Option<i64>,
    /// A code of `WATCH_TEAM_KINDS`.
    pub kind: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/watch-teams", tag = "governance", params(TeamQuery, Paging), responses((status = 200, body = WatchTeamList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_teams(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TeamQuery>,
    paging: Paging,
) -> AppResult<Json<WatchTeamList>> {
    caller.require(Permission::WatchRead)?;
    let kind = match q.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(k) => Some(code("kind", k, WATCH_TEAM_KINDS, "队伍类型")?),
    };
    Ok(Json(
        governance::list_teams(&st.db, &caller.scope, q.org_unit_id, kind, paging.req())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamForm {
    pub name: String,
    /// `security_patrol` (治安巡逻队) | `safety_volunteer` (平安志愿者) | `building_head` (楼栋长) | …
    pub kind: String,
    pub leader_name: Option<String>,
    pub note: Option<String>,
    pub org_unit_id: i64,
}

impl TryFrom<TeamForm> for TeamInput {
    type Error = AppError;

    fn try_from(f: TeamForm) -> Result<Self, AppError> {
        Ok(TeamInput {
            name: required_text("name", Some(f.name), 100, "队伍名称")?,
            kind: code("kind", &f.kind, WATCH_TEAM_KINDS, "队伍类型")?,
            leader_name: text("leader_name", f.leader_name, 100)?,
            note: text("note", f.note, 2000)?,
            org_unit_id: f.org_unit_id,
        })
    }
}

#[utoipa::path(post, path = "/api/v1/watch-teams", tag = "governance", request_body = TeamForm, responses((status = 201, body = WatchTeamDetail), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_team(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<TeamForm>,
) -> AppResult<(StatusCode, Json<WatchTeamDetail>)> {
    caller.require(Permission::WatchWrite)?;
    let input = TeamInput::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::create_team(&st.db, &caller.actor(), input).await?),
    ))
}

/// A team with its members, the latest rosters and duty logs.
#[utoipa::path(get, path = "/api/v1/watch-teams/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 200, body = WatchTeamDetail), (status = 404, body = ApiError)))]
pub async fn get_team(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<WatchTeamDetail>> {
    caller.require(Permission::WatchRead)?;
    Ok(Json(governance::get_team(&st.db, &caller.scope, id).await?))
}

#[utoipa::path(put, path = "/api/v1/watch-teams/{id}", tag = "governance", params(("id" = i64, Path)), request_body = TeamForm, responses((status = 200, body = WatchTeamDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update_team(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<TeamForm>,
) -> AppResult<Json<WatchTeamDetail>> {
    caller.require(Permission::WatchWrite)?;
    let input = TeamInput::try_from(f)?;
    Ok(Json(governance::update_team(&st.db, &caller.actor(), id, input).await?))
}

/// Deletes a team with its members, rosters and logs.
#[utoipa::path(delete, path = "/api/v1/watch-teams/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn delete_team(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<StatusCode> {
    caller.require(Permission::WatchWrite)?;
    governance::delete_team(&st.db, &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberForm {
    /// One of the staff, or else
    pub staff_id: Option<i64>,
    /// a resident of the registry.
    pub resident_id: Option<i64>,
    /// E.g. 队长、队员.
    pub duty: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/watch-teams/{id}/members", tag = "governance", params(("id" = i64, Path)), request_body = MemberForm, responses((status = 200, body = WatchTeamDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn add_member(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<MemberForm>,
) -> AppResult<Json<WatchTeamDetail>> {
    caller.require(Permission::WatchWrite)?;
    let duty = text("duty", f.duty, 50)?;
    Ok(Json(
        governance::add_member(&st.db, &caller.actor(), id, f.staff_id, f.resident_id, duty).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/watch-teams/{id}/members/{member_id}", tag = "governance", params(("id" = i64, Path), ("member_id" = i64, Path)), responses((status = 200, body = WatchTeamDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn remove_member(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath((id, member_id)): ApiPath<(i64, i64)>,
) -> AppResult<Json<WatchTeamDetail>> {
    caller.require(Permission::WatchWrite)?;
    Ok(Json(
        governance::remove_member(&st.db, &caller.actor(), id, member_id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterForm {
    /// `YYYY-MM-DD`.
    pub on_day: String,
    /// `day` | `night` | `all_day`.
    pub shift: String,
    /// Members of the team (their member ids).
    pub member_ids: Vec<i64>,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/watch-teams/{id}/rosters", tag = "governance", params(("id" = i64, Path)), request_body = RosterForm, responses((status = 200, body = WatchTeamDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn add_roster(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<RosterForm>,
) -> AppResult<Json<WatchTeamDetail>> {
    caller.require(Permission::WatchWrite)?;
    let on_day = date("on_day", Some(&f.on_day))?.ok_or_else(|| AppError::invalid("on_day", "请填写值班日期"))?;
    let shift = code("shift", &f.shift, SHIFTS, "班次")?;
    let note = text("note", f.note, 1000)?;
    Ok(Json(
        governance::add_roster(&st.db, &caller.actor(), id, on_day, shift, f.member_ids, note).await?,
    ))
}

/// Takes a roster off the team's duty plan (audited); the duty logs stay.
#[utoipa::path(delete, path = "/api/v1/watch-teams/{id}/rosters/{roster_id}", tag = "governance", params(("id" = i64, Path), ("roster_id" = i64, Path)), responses((status = 200, body = WatchTeamDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn remove_roster(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath((id, roster_id)): ApiPath<(i64, i64)>,
) -> AppResult<Json<WatchTeamDetail>> {
    caller.require(Permission::WatchWrite)?;
    Ok(Json(
        governance::remove_roster(&st.db, &caller.actor(), id, roster_id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DutyLogForm {
    /// `YYYY-MM-DD`; default today.
    pub on_day: Option<String>,
    /// `day` | `night` | `all_day`.
    pub shift: String,
    pub content: String,
}

#[utoipa::path(post, path = "/api/v1/watch-teams/{id}/logs", tag = "governance", params(("id" = i64, Path)), request_body = DutyLogForm, responses((status = 200, body = WatchTeamDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn add_log(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<DutyLogForm>,
) -> AppResult<Json<WatchTeamDetail>> {
    caller.require(Permission::WatchWrite)?;
    let on_day = date("on_day", f.on_day.as_deref())?.unwrap_or_else(today);
    let shift = code("shift", &f.shift, SHIFTS, "班次")?;
    let content = required_text("content", Some(f.content), 4000, "值勤情况")?;
    Ok(Json(
        governance::add_log(&st.db, &caller.actor(), id, on_day, shift, content).await?,
    ))
}
