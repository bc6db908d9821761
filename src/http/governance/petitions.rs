//! Petitions (信访): the list with each clock's standing, registration with petitioners from the
//! registry, one petition with its timeline, the steps of the flow, the monthly figures and the
//! limits.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use zongguan_core::dict;
use zongguan_core::governance::Satisfaction;
use zongguan_core::governance::due::DueStatus;
use zongguan_core::governance::petition_clock::PetitionLimits;
use zongguan_core::governance::petition_flow::PetitionState;
use zongguan_core::permission::Permission;
use zongguan_db::governance::{
    self, Petition, PetitionDetail, PetitionFigures, PetitionFilter, PetitionInput, PetitionStep, StepInput,
};

use super::form::{code, date, optional_code, required_text, text, today};
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::http::{Paging, list_type};

list_type!(PetitionList, Petition);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PetitionQuery {
    /// An org unit: petitions its units are responsible for, and those below it.
    pub org_unit_id: Option<i64>,
    /// A `PetitionState` name (`received`, `handling`, `answered`, …).
    pub state: Option<String>,
    /// On the running duty: `not_due` | `due` | `overdue`.
    pub due_status: Option<String>,
    pub channel: Option<String>,
    pub category: Option<String>,
    /// Petitions of this resident (anyone with the same ID number).
    pub resident_id: Option<i64>,
    pub first_visit: Option<bool>,
    pub collective: Option<bool>,
    /// Part of the number or of the matter.
    pub q: Option<String>,
}

/// Petitions under the caller's scope, newest first, each with its running term, days left and
/// standing.
#[utoipa::path(get, path = "/api/v1/petitions", tag = "governance", params(PetitionQuery, Paging), responses((status = 200, body = PetitionList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_petitions(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PetitionQuery>,
    paging: Paging,
) -> AppResult<Json<PetitionList>> {
    caller.require(Permission::PetitionRead)?;
    let state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(PetitionState::parse(s).ok_or_else(|| AppError::invalid("state", format!("状态无效：{s}")))?),
    };
    let due_status = match q.due_status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            Some(DueStatus::parse(s).ok_or_else(|| AppError::invalid("due_status", format!("到期状态无效：{s}")))?)
        }
    };
    let f = PetitionFilter {
        org_unit_id: q.org_unit_id,
        state,
        due_status,
        channel: optional_code("channel", q.channel.as_deref(), dict::PETITION_CHANNELS, "信访形式")?,
        category: optional_code(
            "category",
            q.category.as_deref(),
            dict::PETITION_CATEGORIES,
            "信访事项分类",
        )?,
        resident_id: q.resident_id,
        first_visit: q.first_visit,
        collective: q.collective,
        q: q.q,
    };
    Ok(Json(
        governance::list_petitions(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

/// A petition with every column of the intake register, the timeline, the earlier petitions of
/// the same petitioners and the steps open now.
#[utoipa::path(get, path = "/api/v1/petitions/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 200, body = PetitionDetail), (status = 404, body = ApiError)))]
pub async fn get_petition(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PetitionDetail>> {
    caller.require(Permission::PetitionRead)?;
    Ok(Json(governance::get_petition(&st.db, &caller.scope, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionForm {
    /// `letter` | `visit` | `phone` | `online` | `hotline_12345` | `higher_assignment`.
    pub channel: String,
    /// `YYYY-MM-DD`; default today.
    pub received_on: Option<String>,
    /// Residents of the registry (found by ID number or name), the first one leading.
    pub resident_ids: Vec<i64>,
    /// People who came; default the petitioners named. Five or more is a collective petition.
    pub headcount: Option<i32>,
    /// A code of the `petition_categories` table.
    pub category: String,
    pub matter: String,
    pub demand: Option<String>,
    pub place: Option<String>,
    /// The unit responsible.
    pub org_unit_id: i64,
    /// The earlier petition on the same matter this one repeats.
    pub repeat_of_id: Option<i64>,
}

impl TryFrom<PetitionForm> for PetitionInput {
    type Error = AppError;

    fn try_from(f: PetitionForm) -> Result<Self, AppError> {
        let channel = code("channel", &f.channel, dict::PETITION_CHANNELS, "信访形式")?;
        let category = code("category", &f.category, dict::PETITION_CATEGORIES, "信访事项分类")?;
        let matter = required_text("matter", Some(f.matter), 4000, "信访事项内容")?;
        if f.resident_ids.is_empty() || f.resident_ids.len() > 50 {
            return Err(AppError::invalid("resident_ids", "请选择 1 至 50 名信访人"));
        }
        if let Some(h) = f.headcount
            && !(1..=10_000).contains(&h)
        {
            return Err(AppError::invalid("headcount", "人数应在 1 至 10000 之间"));
        }
        Ok(PetitionInput {
            channel,
            received_on: date("received_on", f.received_on.as_deref())?.unwrap_or_else(today),
            resident_ids: f.resident_ids,
            headcount: f.headcount,
            category,
            matter,
            demand: text("demand", f.demand, 2000)?,
            place: text("place", f.place, 200)?,
            org_unit_id: f.org_unit_id,
            repeat_of_id: f.repeat_of_id,
        })
    }
}

/// Registers a petition (audited): a number of the year, the acceptance term running; a repeat
/// petitioner is recognised by ID number; the same matter after its re-review is refused (409).
#[utoipa::path(post, path = "/api/v1/petitions", tag = "governance", request_body = PetitionForm, responses((status = 201, body = PetitionDetail), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_petition(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<PetitionForm>,
) -> AppResult<(StatusCode, Json<PetitionDetail>)> {
    caller.require(Permission::PetitionWrite)?;
    let input = PetitionInput::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::create_petition(&st.db, &caller.actor(), input).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepForm {
    /// `YYYY-MM-DD`, the day the step took effect; default today.
    pub on: Option<String>,
    /// The answer, the review or re-review opinion (the right to the next request is added), or
    /// the return visit's feedback.
    pub text: Option<String>,
    /// Why not accepted, or why extended.
    pub reason: Option<String>,
    /// Days of the extension (at most the setting, 30 by default).
    pub days: Option<u32>,
    /// On acceptance: the unit assigned (default the unit responsible as registered).
    pub org_unit_id: Option<i64>,
    /// On a return visit: `satisfied` | `basic` | `dissatisfied`.
    pub satisfaction: Option<String>,
}

/// One step of the flow: `accept` (and assign), `reject`, `extend` (petition:approve — the
/// caller approves), `answer`, `review` / `re-review` (the petitioner's request, within its
/// window), `review-answer` / `re-review-answer`, `return-visit`, `close`. A step the state does
/// not allow is 409; a late request or bad input is 422 naming the field.
#[utoipa::path(post, path = "/api/v1/petitions/{id}/{step}", tag = "governance", params(("id" = i64, Path), ("step" = String, Path, description = "accept | reject | extend | answer | review | review-answer | re-review | re-review-answer | return-visit | close")), request_body = StepForm, responses((status = 200, body = PetitionDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn petition_step(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath((id, step)): ApiPath<(i64, String)>,
    ApiJson(f): ApiJson<StepForm>,
) -> AppResult<Json<PetitionDetail>> {
    let step = PetitionStep::parse(&step).ok_or_else(|| AppError::invalid("step", format!("没有这一步：{step}")))?;
    caller.require(if step == PetitionStep::Extend {
        Permission::PetitionApprove
    } else {
        Permission::PetitionWrite
    })?;
    let satisfaction = match f.satisfaction.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            Satisfaction::parse(s)
                .ok_or_else(|| AppError::invalid("satisfaction", "满意程度应为 satisfied、basic 或 dissatisfied"))?,
        ),
    };
    let input = StepInput {
        on: date("on", f.on.as_deref())?.unwrap_or_else(today),
        text: text("text", f.text, 4000)?,
        reason: text("reason", f.reason, 1000)?,
        days: f.days,
        org_unit_id: f.org_unit_id,
        satisfaction,
    };
    Ok(Json(
        governance::petition_step(&st.db, &caller.actor(), id, step, input).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// `YYYY-MM`; default this month.
    pub month: Option<String>,
    /// An org unit within the caller's scope (default the whole scope).
    pub org_unit_id: Option<i64>,
}

/// The month's figures for a unit: accepted, first and repeat visits, on-time closure,
/// resolved-at-first-contact and satisfaction rates with numerator and denominator.
#[utoipa::path(get, path = "/api/v1/petition-figures", tag = "governance", params(FiguresQuery), responses((status = 200, body = PetitionFigures), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn petition_figures(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<FiguresQuery>,
) -> AppResult<Json<PetitionFigures>> {
    caller.require(Permission::PetitionRead)?;
    let month = match q.month.filter(|m| !m.trim().is_empty()) {
        Some(m) => m,
        None => zongguan_core::time::cst_date(chrono::Utc::now())
            .format("%Y-%m")
            .to_string(),
    };
    Ok(Json(
        governance::petition_figures(&st.db, &caller.scope, q.org_unit_id, month.trim()).await?,
    ))
}

/// The limits as stored: each term as `{"calendar": n}` or `{"working": n}`, the extension's most
/// days and count, whether a last day off work moves to the next working day, the warning days.
#[derive(Debug, serde::Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionLimitsBody {
    #[schema(value_type = super::settings::schema::PetitionLimits)]
    pub limits: serde_json::Value,
}

fn limits_body(l: PetitionLimits) -> AppResult<Json<PetitionLimitsBody>> {
    serde_json::to_value(l)
        .map(|v| Json(PetitionLimitsBody { limits: v }))
        .map_err(|e| {
            AppError::from(zongguan_db::DbError::Db(zongguan_db::sea_orm::DbErr::Custom(
                e.to_string(),
            )))
        })
}

#[utoipa::path(get, path = "/api/v1/petition-limits", tag = "governance", responses((status = 200, body = PetitionLimitsBody)))]
pub async fn get_petition_limits(State(st): State<AppState>, caller: Caller) -> AppResult<Json<PetitionLimitsBody>> {
    caller.require_any(&[Permission::PetitionRead, Permission::GovernanceSettings])?;
    limits_body(governance::petition_limits(&st.db.conn).await?)
}

/// Saves the limits (audited; petition:approve or governance:settings); a refusal names the term
/// (`limits.handling`).
#[utoipa::path(put, path = "/api/v1/petition-limits", tag = "governance", request_body = PetitionLimitsBody, responses((status = 200, body = PetitionLimitsBody), (status = 422, body = ApiError)))]
pub async fn save_petition_limits(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<PetitionLimitsBody>,
) -> AppResult<Json<PetitionLimitsBody>> {
    // The statute's terms are the district's rule, not a leader's or an officer's to move.
    caller.require(Permission::GovernanceSettings)?;
    let l: PetitionLimits = super::settings::parse_setting("limits", b.limits)?;
    limits_body(governance::save_petition_limits(&st.db, &caller.actor(), &l).await?)
}
