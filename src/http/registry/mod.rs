//! Base registries: buildings, houses, residents, residences, summary counts and code tables.
//! Requests are checked into core values by `forms` before any database work.
mod exports;
mod forms;

pub(crate) use exports::Export;
pub use exports::{__path_export_buildings, __path_export_houses, __path_export_residents};
pub use exports::{export_buildings, export_houses, export_residents};
pub use forms::{
    BuildingInput, Edit, HouseInput, KeyEnterpriseInput, KeyPlaceInput, PropertyCompanyInput, ResidentForm,
    SpecialGroupInput,
};
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_core::dict;
use zongguan_core::governance::stability;
use zongguan_core::registry::{NewBuilding, NewHouse, NewResident, NewSpecialGroup, ResidentEdit};
use zongguan_db::registry::{
    self, Building, BuildingFilter, House, HouseDetail, HouseFilter, MoveIn, MoveOut, Resident, ResidentDetail,
    ResidentFilter, UnitSummary,
};

use super::{Paging, list_type};
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use zongguan_core::permission::Permission;

list_type!(BuildingList, Building);
list_type!(HouseList, House);
list_type!(ResidentList, Resident);
list_type!(SpecialGroupList, registry::SpecialGroupRecord);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingQuery {
    /// An org unit: its buildings and those of every unit below it.
    pub org_unit_id: Option<i64>,
    pub use_type: Option<String>,
    /// Part of the name, address or code.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/buildings", tag = "registry", params(BuildingQuery, Paging), responses((status = 200, body = BuildingList), (status = 403, body = ApiError)))]
pub async fn list_buildings(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<BuildingQuery>,
    paging: Paging,
) -> AppResult<Json<BuildingList>> {
    caller.require(Permission::RegistryRead)?;
    let p = paging.req();
    let f = BuildingFilter {
        org_unit_id: q.org_unit_id,
        use_type: q.use_type,
        q: q.q,
    };
    Ok(Json(
        registry::list_buildings(&st.db, &caller.scope, &f, p).await?.into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/buildings/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = Building), (status = 404, body = ApiError)))]
pub async fn get_building(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Building>> {
    caller.require(Permission::RegistryRead)?;
    Ok(Json(registry::get_building(&st.db, &caller.scope, id).await?))
}

#[utoipa::path(post, path = "/api/v1/buildings", tag = "registry", request_body = BuildingInput, responses((status = 201, body = Building), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_building(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<BuildingInput>,
) -> AppResult<(StatusCode, Json<Building>)> {
    caller.require(Permission::RegistryWrite)?;
    let b = NewBuilding::try_from(b)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::create_building(&st.db, &caller.actor(), b).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/buildings/{id}", tag = "registry", params(("id" = i64, Path)), request_body = BuildingInput, responses((status = 200, body = Building), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update_building(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<BuildingInput>,
) -> AppResult<Json<Building>> {
    caller.require(Permission::RegistryWrite)?;
    let b = NewBuilding::try_from(b)?;
    Ok(Json(registry::update_building(&st.db, &caller.actor(), id, b).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseQuery {
    pub org_unit_id: Option<i64>,
    pub building_id: Option<i64>,
    pub use_type: Option<String>,
    /// Only rental houses (true) or only others (false).
    pub is_rental: Option<bool>,
    /// Part of the room number or the building's code, name or address.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/houses", tag = "registry", params(HouseQuery, Paging), responses((status = 200, body = HouseList)))]
pub async fn list_houses(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<HouseQuery>,
    paging: Paging,
) -> AppResult<Json<HouseList>> {
    caller.require(Permission::RegistryRead)?;
    let p = paging.req();
    let f = HouseFilter {
        org_unit_id: q.org_unit_id,
        building_id: q.building_id,
        use_type: q.use_type,
        is_rental: q.is_rental,
        q: q.q,
    };
    Ok(Json(registry::list_houses(&st.db, &caller.scope, &f, p).await?.into()))
}

/// A house with its building and occupants (past and present, names masked).
#[utoipa::path(get, path = "/api/v1/houses/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = HouseDetail), (status = 404, body = ApiError)))]
pub async fn get_house(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<HouseDetail>> {
    caller.require(Permission::RegistryRead)?;
    Ok(Json(registry::get_house(&st.db, &caller.actor(), id).await?))
}

#[utoipa::path(post, path = "/api/v1/houses", tag = "registry", request_body = HouseInput, responses((status = 201, body = House), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_house(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(h): ApiJson<HouseInput>,
) -> AppResult<(StatusCode, Json<House>)> {
    caller.require(Permission::RegistryWrite)?;
    let h = NewHouse::try_from(h)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::create_house(&st.db, &caller.actor(), h).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/houses/{id}", tag = "registry", params(("id" = i64, Path)), request_body = HouseInput, responses((status = 200, body = House), (status = 404, body = ApiError)))]
pub async fn update_house(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(h): ApiJson<HouseInput>,
) -> AppResult<Json<House>> {
    caller.require(Permission::RegistryWrite)?;
    let h = NewHouse::try_from(h)?;
    Ok(Json(registry::update_house(&st.db, &caller.actor(), id, h).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentQuery {
    /// An org unit: its residents and those of every unit below it.
    pub org_unit_id: Option<i64>,
    /// registered | migrant | foreign | left_behind
    pub registration_type: Option<String>,
    /// released_prisoner | community_correction | mental_disorder | drug_user | aids_risk | at_risk_youth
    pub special_group: Option<String>,
    pub gender: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    /// Part of the name or current address.
    pub q: Option<String>,
    /// The exact identity number: finds one record.
    pub id_number: Option<String>,
    /// name | birth_date | id; prefix `-` for descending.
    pub sort: Option<String>,
}

/// Residents in scope; identity numbers and phones masked.
#[utoipa::path(get, path = "/api/v1/residents", tag = "registry", params(ResidentQuery, Paging), responses((status = 200, body = ResidentList), (status = 403, body = ApiError)))]
pub async fn list_residents(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ResidentQuery>,
    paging: Paging,
) -> AppResult<Json<ResidentList>> {
    caller.require(Permission::ResidentRead)?;
    let p = paging.req();
    let f = ResidentFilter {
        org_unit_id: q.org_unit_id,
        registration_type: q.registration_type,
        special_group: q.special_group,
        gender: q.gender,
        age_min: q.age_min,
        age_max: q.age_max,
        q: q.q,
        id_number: q.id_number,
        sort: q.sort,
        after_id: None,
    };
    Ok(Json(
        registry::list_residents(&st.db, &caller.scope, &f, p).await?.into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DetailQuery {
    /// Show the identity number and phone in full (permission `resident:read_full`; audited).
    pub unmasked: Option<bool>,
}

/// A person's full record; every read is audited.
#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "registry", params(("id" = i64, Path), DetailQuery), responses((status = 200, body = ResidentDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_resident(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DetailQuery>,
) -> AppResult<Json<ResidentDetail>> {
    let unmasked = q.unmasked.unwrap_or(false);
    let action = if unmasked { "read_unmasked" } else { "read" };
    let allowed = caller.require(Permission::ResidentRead).and_then(|()| match unmasked {
        true => caller.require(Permission::ResidentReadFull),
        false => Ok(()),
    });
    super::audit::denied(&st, &caller, action, "resident", id, allowed).await?;
    let found = registry::get_resident(&st.db, &caller.actor(), id, unmasked)
        .await
        .map_err(AppError::from);
    Ok(Json(
        super::audit::denied(&st, &caller, action, "resident", id, found).await?,
    ))
}

/// Register a resident (one record per identity number: a known number answers 409 with `details.existing_id`).
#[utoipa::path(post, path = "/api/v1/residents", tag = "registry", request_body = ResidentForm, responses((status = 201, body = ResidentDetail), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_resident(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<ResidentForm>,
) -> AppResult<(StatusCode, Json<ResidentDetail>)> {
    caller.require(Permission::ResidentWrite)?;
    let n = NewResident::try_from(f)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::create_resident(&st.db, &caller.actor(), n).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/residents/{id}", tag = "registry", params(("id" = i64, Path)), request_body = ResidentForm, responses((status = 200, body = ResidentDetail), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update_resident(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ResidentForm>,
) -> AppResult<Json<ResidentDetail>> {
    caller.require(Permission::ResidentWrite)?;
    let edit = ResidentEdit::try_from(f)?;
    Ok(Json(
        registry::update_resident(&st.db, &caller.actor(), id, edit).await?,
    ))
}

/// Move into a house (a current residence elsewhere ends).
#[utoipa::path(post, path = "/api/v1/residents/{id}/move-in", tag = "registry", params(("id" = i64, Path)), request_body = MoveIn, responses((status = 200, body = ResidentDetail), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn move_in(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(m): ApiJson<MoveIn>,
) -> AppResult<Json<ResidentDetail>> {
    caller.require(Permission::ResidentWrite)?;
    Ok(Json(registry::move_in(&st.db, &caller.actor(), id, m).await?))
}

/// Move out: the residence ends, it is never deleted.
#[utoipa::path(post, path = "/api/v1/residents/{id}/move-out", tag = "registry", params(("id" = i64, Path)), request_body = MoveOut, responses((status = 200, body = ResidentDetail), (status = 409, body = ApiError)))]
pub async fn move_out(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(m): ApiJson<MoveOut>,
) -> AppResult<Json<ResidentDetail>> {
    caller.require(Permission::ResidentWrite)?;
    Ok(Json(registry::move_out(&st.db, &caller.actor(), id, m).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Report on this unit's children; default: the top units of the caller's scope.
    pub org_unit_id: Option<i64>,
}

/// Counts per org unit: residents by registration type, gender and age band; houses by use; rental houses.
#[utoipa::path(get, path = "/api/v1/registry/summary", tag = "registry", params(SummaryQuery), responses((status = 200, body = Vec<UnitSummary>)))]
pub async fn registry_summary(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> AppResult<Json<Vec<UnitSummary>>> {
    caller.require(Permission::RegistryRead)?;
    Ok(Json(registry::summary(&st.db, &caller.scope, q.org_unit_id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct DictEntry {
    pub code: String,
    pub name: String,
}

/// The code tables: id_types, registration_types, genders, ethnicities, relations, use_types,
/// special_groups, youth_types, attention_levels, place_types, industries, and the dispute tables
/// (dispute_types, dispute_sources, dispute_channels, dispute_risk_levels, dispute_size_bands,
/// dispute_referrals), petition_channels, petition_categories, and the watch teams' tables
/// (watch_team_kinds, watch_shifts).
#[utoipa::path(get, path = "/api/v1/dicts", tag = "registry", responses((status = 200, body = BTreeMap<String, Vec<DictEntry>>)))]
pub async fn dicts(_caller: Caller) -> Json<BTreeMap<String, Vec<DictEntry>>> {
    let tables: [(&str, dict::Dict); 21] = [
        ("id_types", dict::ID_TYPES),
        ("registration_types", dict::REGISTRATION_TYPES),
        ("genders", dict::GENDERS),
        ("ethnicities", dict::ETHNICITIES),
        ("relations", dict::RELATIONS),
        ("use_types", dict::USE_TYPES),
        ("special_groups", dict::SPECIAL_GROUPS),
        ("youth_types", dict::YOUTH_TYPES),
        ("attention_levels", dict::ATTENTION_LEVELS),
        ("place_types", dict::PLACE_TYPES),
        ("industries", dict::INDUSTRIES),
        ("dispute_types", dict::DISPUTE_TYPES),
        ("dispute_sources", dict::DISPUTE_SOURCES),
        ("dispute_channels", dict::DISPUTE_CHANNELS),
        ("dispute_risk_levels", dict::DISPUTE_RISK_LEVELS),
        ("dispute_size_bands", dict::DISPUTE_SIZE_BANDS),
        ("dispute_referrals", dict::DISPUTE_REFERRALS),
        ("petition_channels", dict::PETITION_CHANNELS),
        ("petition_categories", dict::PETITION_CATEGORIES),
        ("watch_team_kinds", stability::WATCH_TEAM_KINDS),
        ("watch_shifts", stability::SHIFTS),
    ];
    Json(
        tables
            .into_iter()
            .map(|(k, d)| {
                (
                    k.to_string(),
                    d.iter()
                        .map(|(c, n)| DictEntry {
                            code: (*c).into(),
                            name: (*n).into(),
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

/// A resident's special-group records (sensitive; audited).
#[utoipa::path(get, path = "/api/v1/residents/{id}/special-groups", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = SpecialGroupList), (status = 404, body = ApiError)))]
pub async fn list_special_groups(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<SpecialGroupList>> {
    let allowed = caller.require(Permission::ResidentRead);
    super::audit::denied(&st, &caller, "read_special_groups", "resident", id, allowed).await?;
    let found = registry::special_groups(&st.db, &caller.actor(), id)
        .await
        .map_err(AppError::from);
    Ok(Json(
        super::audit::denied(&st, &caller, "read_special_groups", "resident", id, found)
            .await?
            .into(),
    ))
}

/// Add a special-group record (and its tag on the resident).
#[utoipa::path(post, path = "/api/v1/residents/{id}/special-groups", tag = "registry", params(("id" = i64, Path)), request_body = SpecialGroupInput,
    responses((status = 201, body = registry::SpecialGroupRecord), (status = 422, body = ApiError)))]
pub async fn add_special_group(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<SpecialGroupInput>,
) -> AppResult<(StatusCode, Json<registry::SpecialGroupRecord>)> {
    caller.require(Permission::ResidentWrite)?;
    let i = NewSpecialGroup::try_from(i)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::add_special_group(&st.db, &caller.actor(), id, i).await?),
    ))
}
