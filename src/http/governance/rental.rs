//! Rental houses: the list, one house with tenants, proposal and visits, class proposals and
//! confirmation, inspections and rectification, the checklist and the rules.
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_core::governance::due::DueStatus;
use zongguan_core::governance::rental_class::{
    BuildingCondition, ClassRules, Compliance, InspectionSchedule, RentalType, RiskClass, Sanitation,
};
use zongguan_core::permission::Permission;
use zongguan_db::governance::{
    self, ChecklistItem, ClassifyInput, Inspection, InspectionFilter, InspectionInput, ProposeTally, RentalFilter,
    RentalHouse, RentalHouseDetail, RentalRules,
};

use super::form::{date, text};
use super::settings::parse_setting;
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::http::{Paging, list_type};

list_type!(RentalHouseList, RentalHouse);
list_type!(InspectionList, Inspection);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RentalQuery {
    /// An org unit: its rental houses and those of every unit below it.
    pub org_unit_id: Option<i64>,
    /// `green` | `yellow` | `orange` | `red` | `unclassified`.
    pub risk_class: Option<String>,
    /// `urban_village` | `commercial_estate` | `dormitory` | `public_rental` | `other`.
    pub rental_type: Option<String>,
    /// `not_due` | `due` | `overdue` (never inspected nor scheduled counts as overdue).
    pub due_status: Option<String>,
    /// Part of the room number or the building's code, name or address.
    pub q: Option<String>,
}

fn coded<T>(field: &str, s: Option<&str>, parse: fn(&str) -> Option<T>, what: &str) -> Result<Option<T>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, format!("{what}无效：{s}"))),
    }
}

#[utoipa::path(get, path = "/api/v1/rental-houses", tag = "governance", params(RentalQuery, Paging), responses((status = 200, body = RentalHouseList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_rental_houses(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RentalQuery>,
    paging: Paging,
) -> AppResult<Json<RentalHouseList>> {
    caller.require(Permission::RentalRead)?;
    let due_status = coded("due_status", q.due_status.as_deref(), DueStatus::parse, "到期状态")?;
    let f = RentalFilter {
        org_unit_id: q.org_unit_id,
        risk_class: q.risk_class,
        rental_type: q.rental_type,
        due_status,
        q: q.q,
    };
    Ok(Json(
        governance::list_rental_houses(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

/// A rental house with its tenants (names masked), the facts, what the rules propose and why,
/// and its last visits.
#[utoipa::path(get, path = "/api/v1/rental-houses/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 200, body = RentalHouseDetail), (status = 404, body = ApiError)))]
pub async fn get_rental_house(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<RentalHouseDetail>> {
    caller.require(Permission::RentalRead)?;
    Ok(Json(governance::get_rental_house(&st.db, &caller.scope, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyForm {
    /// `green` | `yellow` | `orange` | `red`.
    pub risk_class: String,
    pub rental_type: Option<String>,
    /// JGJ 125 grade `a` | `b` | `c` | `d`.
    pub building_condition: Option<String>,
    /// `compliant` | `partial` | `non_compliant`.
    pub owner_compliance: Option<String>,
    /// Why, when the class differs from the proposal.
    pub note: Option<String>,
}

impl TryFrom<ClassifyForm> for ClassifyInput {
    type Error = AppError;

    fn try_from(f: ClassifyForm) -> Result<Self, AppError> {
        let risk_class = RiskClass::parse(f.risk_class.trim())
            .ok_or_else(|| AppError::invalid("risk_class", "风险等级应为 green、yellow、orange 或 red"))?;
        let note = f.note.unwrap_or_default().trim().to_string();
        if note.chars().count() > 500 {
            return Err(AppError::invalid("note", "说明不能超过 500 字"));
        }
        Ok(ClassifyInput {
            risk_class,
            rental_type: coded("rental_type", f.rental_type.as_deref(), RentalType::parse, "出租屋类型")?,
            building_condition: coded(
                "building_condition",
                f.building_condition.as_deref(),
                BuildingCondition::parse,
                "房屋安全等级",
            )?,
            owner_compliance: coded(
                "owner_compliance",
                f.owner_compliance.as_deref(),
                Compliance::parse,
                "登记备案情况",
            )?,
            note,
        })
    }
}

/// A person confirms the class (audited); the next due day follows it.
#[utoipa::path(post, path = "/api/v1/rental-houses/{id}/classify", tag = "governance", params(("id" = i64, Path)), request_body = ClassifyForm, responses((status = 200, body = RentalHouseDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn classify_rental_house(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ClassifyForm>,
) -> AppResult<Json<RentalHouseDetail>> {
    caller.require(Permission::RentalClassify)?;
    let input = ClassifyInput::try_from(f)?;
    Ok(Json(
        governance::confirm_class(&st.db, &caller.actor(), id, input).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposeQuery {
    /// Only under this org unit (within the caller's scope).
    pub org_unit_id: Option<i64>,
}

/// Runs the class rules for every rental house in the caller's scope; the proposals are stored
/// for a person to confirm.
#[utoipa::path(post, path = "/api/v1/rental-houses/propose", tag = "governance", params(ProposeQuery), responses((status = 200, body = ProposeTally), (status = 403, body = ApiError)))]
pub async fn propose_rental_classes(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ProposeQuery>,
) -> AppResult<Json<ProposeTally>> {
    caller.require(Permission::RentalClassify)?;
    Ok(Json(
        governance::propose_all(&st.db, &caller.actor(), q.org_unit_id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/rental-houses/{id}/inspections", tag = "governance", params(("id" = i64, Path), Paging), responses((status = 200, body = InspectionList), (status = 404, body = ApiError)))]
pub async fn list_house_inspections(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    paging: Paging,
) -> AppResult<Json<InspectionList>> {
    caller.require(Permission::RentalRead)?;
    // The house first, so an id out of scope is a 404 rather than an empty list.
    governance::get_rental_house(&st.db, &caller.scope, id).await?;
    let f = InspectionFilter {
        house_id: Some(id),
        ..Default::default()
    };
    Ok(Json(
        governance::list_inspections(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionForm {
    /// `YYYY-MM-DD`; default today.
    pub inspected_on: Option<String>,
    /// Checklist code → `pass` | `fail` | `na`; items left out passed.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// `good` | `fair` | `poor`; default good.
    pub sanitation: Option<String>,
    pub findings: Option<String>,
    /// What the owner must put right.
    pub rectification: Option<String>,
    /// `YYYY-MM-DD`: required when an item failed.
    pub rectify_by: Option<String>,
    /// The owner's signature (name).
    pub owner_signature: Option<String>,
}

impl TryFrom<InspectionForm> for InspectionInput {
    type Error = AppError;

    fn try_from(f: InspectionForm) -> Result<Self, AppError> {
        let today = zongguan_core::time::cst_date(chrono::Utc::now());
        Ok(InspectionInput {
            inspected_on: date("inspected_on", f.inspected_on.as_deref())?.unwrap_or(today),
            answers: f.answers,
            sanitation: coded("sanitation", f.sanitation.as_deref(), Sanitation::parse, "环境卫生")?
                .unwrap_or(Sanitation::Good),
            findings: text("findings", f.findings, 2000)?,
            rectification: text("rectification", f.rectification, 2000)?,
            rectify_by: date("rectify_by", f.rectify_by.as_deref())?,
            owner_signature: text("owner_signature", f.owner_signature, 50)?,
        })
    }
}

/// Records a visit (audited): the checklist's failures are hazards with a rectification deadline;
/// the house's next due day follows its class.
#[utoipa::path(post, path = "/api/v1/rental-houses/{id}/inspections", tag = "governance", params(("id" = i64, Path)), request_body = InspectionForm, responses((status = 201, body = Inspection), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_inspection(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<InspectionForm>,
) -> AppResult<(StatusCode, Json<Inspection>)> {
    caller.require(Permission::RentalWrite)?;
    let input = InspectionInput::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(governance::record_inspection(&st.db, &caller.actor(), id, input).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionQuery {
    pub org_unit_id: Option<i64>,
    /// Only visits whose hazards wait for rectification.
    pub open: Option<bool>,
    /// Only open ones past their deadline.
    pub overdue: Option<bool>,
}

/// Visits under the caller's scope, newest first; `open` / `overdue` give the rectifications
/// still waiting.
#[utoipa::path(get, path = "/api/v1/rental-inspections", tag = "governance", params(InspectionQuery, Paging), responses((status = 200, body = InspectionList), (status = 403, body = ApiError)))]
pub async fn list_inspections(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InspectionQuery>,
    paging: Paging,
) -> AppResult<Json<InspectionList>> {
    caller.require(Permission::RentalRead)?;
    let f = InspectionFilter {
        org_unit_id: q.org_unit_id,
        house_id: None,
        open: q.open.unwrap_or(false),
        overdue: q.overdue.unwrap_or(false),
    };
    Ok(Json(
        governance::list_inspections(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

/// Marks a visit's hazards rectified (audited; once).
#[utoipa::path(post, path = "/api/v1/rental-inspections/{id}/rectified", tag = "governance", params(("id" = i64, Path)), responses((status = 200, body = Inspection), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn mark_rectified(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Inspection>> {
    caller.require(Permission::RentalWrite)?;
    Ok(Json(governance::mark_rectified(&st.db, &caller.actor(), id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChecklistQuery {
    /// Only the items that apply to this rental type (default: every item).
    pub rental_type: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/rental-checklists", tag = "governance", params(ChecklistQuery), responses((status = 200, body = Vec<ChecklistItem>)))]
pub async fn list_checklists(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ChecklistQuery>,
) -> AppResult<Json<Vec<ChecklistItem>>> {
    caller.require_any(&[Permission::RentalRead, Permission::GovernanceSettings])?;
    let t = coded("rental_type", q.rental_type.as_deref(), RentalType::parse, "出租屋类型")?;
    Ok(Json(governance::checklists(&st.db.conn, t, t.is_none()).await?))
}

/// The class rules (each a fact, a threshold and the class it calls for) and the days between
/// inspections per class, as stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RentalRulesBody {
    #[schema(value_type = super::settings::schema::ClassRules)]
    pub class_rules: serde_json::Value,
    #[schema(value_type = super::settings::schema::InspectionSchedule)]
    pub inspection_schedule: serde_json::Value,
}

fn body(r: RentalRules) -> AppResult<Json<RentalRulesBody>> {
    let v = |x: serde_json::Result<serde_json::Value>| {
        x.map_err(|e| {
            AppError::from(zongguan_db::DbError::Db(zongguan_db::sea_orm::DbErr::Custom(
                e.to_string(),
            )))
        })
    };
    Ok(Json(RentalRulesBody {
        class_rules: v(serde_json::to_value(&r.class_rules))?,
        inspection_schedule: v(serde_json::to_value(r.inspection_schedule))?,
    }))
}

#[utoipa::path(get, path = "/api/v1/rental-rules", tag = "governance", responses((status = 200, body = RentalRulesBody)))]
pub async fn get_rental_rules(State(st): State<AppState>, caller: Caller) -> AppResult<Json<RentalRulesBody>> {
    caller.require_any(&[Permission::RentalRead, Permission::GovernanceSettings])?;
    body(governance::rental_rules(&st.db.conn).await?)
}

/// Saves the rules and the schedule (audited; rental:classify or governance:settings); a rule set
/// that would class every house is refused, naming the rule (`class_rules.rules[2].at_least`).
#[utoipa::path(put, path = "/api/v1/rental-rules", tag = "governance", request_body = RentalRulesBody, responses((status = 200, body = RentalRulesBody), (status = 422, body = ApiError)))]
pub async fn save_rental_rules(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<RentalRulesBody>,
) -> AppResult<Json<RentalRulesBody>> {
    // The class rules hold for the whole district: classifying a house is not setting them.
    caller.require(Permission::GovernanceSettings)?;
    // Read here, checked by the db layer before it saves (a refusal names the value's path).
    let class_rules: ClassRules = parse_setting("class_rules", b.class_rules)?;
    let inspection_schedule: InspectionSchedule = parse_setting("inspection_schedule", b.inspection_schedule)?;
    let r = RentalRules {
        class_rules,
        inspection_schedule,
    };
    body(governance::save_rental_rules(&st.db, &caller.actor(), &r).await?)
}

/// The house plate (门牌二维码) to print and hang: PNG, the class colour as its band, a QR code
/// that opens the house on a phone.
#[utoipa::path(get, path = "/api/v1/rental-houses/{id}/plate.png", tag = "governance", params(("id" = i64, Path)),
    responses((status = 200, content_type = "image/png"), (status = 404, body = ApiError)))]
pub async fn rental_house_plate(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<axum::response::Response> {
    use axum::response::IntoResponse;
    caller.require(Permission::RentalRead)?;
    let d = governance::get_rental_house(&st.db, &caller.scope, id).await?;
    let h = &d.house;
    let url = format!("{}/governance/rental?house={}", st.config.public_url(), h.id);
    let plate = crate::house_plate::Plate {
        class: h.risk_class.as_deref().and_then(RiskClass::parse),
        address: &h.address,
        room: &h.room,
        url: &url,
        house_id: h.id,
    };
    // A few milliseconds of drawing (the font is read once per process).
    let png = crate::house_plate::render(&plate).map_err(|e| {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("门牌生成失败：{e}"),
        )
    })?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/png".to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                crate::http::imports::attachment(
                    &format!("plate-{id}.png"),
                    &format!("出租屋门牌-{}{}.png", h.address, h.room),
                ),
            ),
        ],
        png,
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingCaseForm {
    /// The case item; default from the failed checklist item (0304 出租屋消防隐患, 0303 群租,
    /// 0302 居住登记).
    pub item_code: Option<String>,
}

/// Makes a case of an open finding, once: at the house's building, with the finding, the demand
/// and its deadline. 201 with the case.
#[utoipa::path(post, path = "/api/v1/rental-inspections/{id}/case", tag = "governance", params(("id" = i64, Path)), request_body = FindingCaseForm,
    responses((status = 201, body = zongguan_db::cases::CreatedCase), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn case_from_finding(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<FindingCaseForm>,
) -> AppResult<(StatusCode, Json<zongguan_db::cases::CreatedCase>)> {
    caller.require(Permission::RentalWrite)?;
    caller.require(Permission::CaseReport)?;
    let item = f.item_code.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let created = governance::case_from_finding(&st.db, &caller.actor(), id, item).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
