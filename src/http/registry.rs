//! Base registries: buildings, houses, residents, residences, summary counts and code tables.
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_core::dict;
use zongguan_db::registry::{
    self, Building, BuildingFilter, BuildingInput, House, HouseDetail, HouseFilter, HouseInput, MoveIn, MoveOut,
    Resident, ResidentDetail, ResidentFilter, ResidentForm, UnitSummary,
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
    Ok((
        StatusCode::CREATED,
        Json(registry::create_resident(&st.db, &caller.actor(), f).await?),
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
    Ok(Json(registry::update_resident(&st.db, &caller.actor(), id, f).await?))
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
/// special_groups, youth_types, attention_levels, place_types, industries.
#[utoipa::path(get, path = "/api/v1/dicts", tag = "registry", responses((status = 200, body = BTreeMap<String, Vec<DictEntry>>)))]
pub async fn dicts(_caller: Caller) -> Json<BTreeMap<String, Vec<DictEntry>>> {
    let tables: [(&str, dict::Dict); 11] = [
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentExportQuery {
    pub org_unit_id: Option<i64>,
    pub registration_type: Option<String>,
    pub special_group: Option<String>,
    pub gender: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub q: Option<String>,
    /// Full identity numbers and phones (permission `resident:read_full`; audited).
    pub unmasked: Option<bool>,
}

fn word(d: dict::Dict, code: &str) -> String {
    let w = dict::word_of(d, code);
    if w.is_empty() { code.to_string() } else { w.to_string() }
}

/// The filtered residents as XLSX, written page by page to a temporary file and streamed.
#[utoipa::path(get, path = "/api/v1/residents/export", tag = "registry", params(ResidentExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ApiError)))]
pub async fn export_residents(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ResidentExportQuery>,
) -> AppResult<Response> {
    caller.require(Permission::ResidentRead)?;
    let unmasked = q.unmasked.unwrap_or(false);
    if unmasked {
        caller.require(Permission::ResidentReadFull)?;
    }
    let mut f = ResidentFilter {
        org_unit_id: q.org_unit_id,
        registration_type: q.registration_type,
        special_group: q.special_group,
        gender: q.gender,
        age_min: q.age_min,
        age_max: q.age_max,
        q: q.q,
        id_number: None,
        sort: Some("id".into()),
        after_id: None,
    };
    let headers = [
        "姓名",
        "证件类型",
        "证件号码",
        "性别",
        "出生日期",
        "年龄",
        "民族",
        "人口类型",
        "联系电话",
        "所属网格",
        "特殊人群",
    ];
    let mut out = Export::new("实有人口", &headers)?;
    let page = zongguan_db::PageReq::new(Some(1), Some(500))?;
    let mut count = 0u64;
    loop {
        let rows = registry::list_residents(&st.db, &caller.scope, &f, page).await?.items;
        let Some(last) = rows.last() else { break };
        f.after_id = Some(last.id);
        let full = if unmasked {
            registry::unmasked_values(&st.db, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?
        } else {
            Default::default()
        };
        for r in &rows {
            let (id_number, phone) = full
                .get(&r.id)
                .cloned()
                .unwrap_or_else(|| (r.id_number.clone(), r.phone.clone()));
            let groups: Vec<String> = r.special_groups.iter().map(|g| word(dict::SPECIAL_GROUPS, g)).collect();
            out.row(&[
                r.name.clone(),
                word(dict::ID_TYPES, &r.id_type),
                id_number,
                word(dict::GENDERS, &r.gender),
                r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
                r.age.map(|a| a.to_string()).unwrap_or_default(),
                word(dict::ETHNICITIES, &r.ethnicity),
                word(dict::REGISTRATION_TYPES, &r.registration_type),
                phone,
                r.org_unit_name.clone(),
                groups.join("、"),
            ])?;
        }
        count += rows.len() as u64;
    }
    let action = if unmasked { "export_unmasked" } else { "export" };
    zongguan_db::audit::record(
        &st.db,
        &caller.actor(),
        zongguan_db::audit::Event::ok(action, "resident", "").detail(format!("导出 {count} 条")),
    )
    .await?;
    out.finish("实有人口.xlsx").await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimpleExportQuery {
    pub org_unit_id: Option<i64>,
    pub use_type: Option<String>,
    pub is_rental: Option<bool>,
    pub q: Option<String>,
}

/// The filtered buildings as XLSX.
#[utoipa::path(get, path = "/api/v1/buildings/export", tag = "registry", params(SimpleExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_buildings(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SimpleExportQuery>,
) -> AppResult<Response> {
    caller.require(Permission::RegistryRead)?;
    let f = BuildingFilter {
        org_unit_id: q.org_unit_id,
        use_type: q.use_type,
        q: q.q,
    };
    let mut out = Export::new(
        "楼栋",
        &[
            "楼栋编码",
            "楼栋名称",
            "地址",
            "所属网格",
            "经度",
            "纬度",
            "层数",
            "用途",
        ],
    )?;
    for n in 1.. {
        let rows = registry::list_buildings(
            &st.db,
            &caller.scope,
            &f,
            zongguan_db::PageReq::new(Some(n), Some(500))?,
        )
        .await?
        .items;
        if rows.is_empty() {
            break;
        }
        for b in rows {
            out.row(&[
                b.code,
                b.name,
                b.address,
                b.grid_name,
                b.lon.to_string(),
                b.lat.to_string(),
                b.floors.to_string(),
                word(dict::USE_TYPES, &b.use_type),
            ])?;
        }
    }
    out.finish("楼栋.xlsx").await
}

/// The filtered houses as XLSX.
#[utoipa::path(get, path = "/api/v1/houses/export", tag = "registry", params(SimpleExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export_houses(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SimpleExportQuery>,
) -> AppResult<Response> {
    caller.require(Permission::RegistryRead)?;
    let f = HouseFilter {
        org_unit_id: q.org_unit_id,
        building_id: None,
        use_type: q.use_type,
        is_rental: q.is_rental,
        q: q.q,
    };
    let mut out = Export::new(
        "房屋",
        &["楼栋编码", "房号", "面积", "用途", "是否出租", "地址", "居住人数"],
    )?;
    for n in 1.. {
        let rows = registry::list_houses(
            &st.db,
            &caller.scope,
            &f,
            zongguan_db::PageReq::new(Some(n), Some(500))?,
        )
        .await?
        .items;
        if rows.is_empty() {
            break;
        }
        for h in rows {
            out.row(&[
                h.building_code,
                h.room,
                h.area.map(|a| a.to_string()).unwrap_or_default(),
                word(dict::USE_TYPES, &h.use_type),
                if h.is_rental { "是" } else { "否" }.into(),
                h.address,
                h.occupants.to_string(),
            ])?;
        }
    }
    out.finish("房屋.xlsx").await
}

/// An XLSX export in constant memory: rows go to a temporary file, which is then streamed.
pub(crate) struct Export {
    wb: rust_xlsxwriter::Workbook,
    path: std::path::PathBuf,
    next: u32,
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("导出失败：{e}"))
}

impl Export {
    pub(crate) fn new(sheet: &str, headers: &[&str]) -> AppResult<Self> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new()
            .set_bold()
            .set_background_color("#DDEBF7");
        let ws = wb.add_worksheet_with_constant_memory().map_err(xlsx_err)?;
        ws.set_name(sheet).map_err(xlsx_err)?;
        for (i, h) in headers.iter().enumerate() {
            ws.write_with_format(0, i as u16, *h, &bold).map_err(xlsx_err)?;
            ws.set_column_width(i as u16, if *h == "证件号码" || *h == "地址" { 22 } else { 12 })
                .map_err(xlsx_err)?;
        }
        let path = std::env::temp_dir().join(format!(
            "zongguan-export-{}-{}.xlsx",
            std::process::id(),
            rand::random::<u64>()
        ));
        Ok(Self { wb, path, next: 1 })
    }

    pub(crate) fn row(&mut self, cells: &[String]) -> AppResult<()> {
        let ws = self.wb.worksheet_from_index(0).map_err(xlsx_err)?;
        for (i, c) in cells.iter().enumerate() {
            ws.write_string(self.next, i as u16, c).map_err(xlsx_err)?;
        }
        self.next += 1;
        Ok(())
    }

    pub(crate) async fn finish(mut self, file_name: &str) -> AppResult<Response> {
        self.wb.save(&self.path).map_err(xlsx_err)?;
        let file = tokio::fs::File::open(&self.path)
            .await
            .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("导出失败：{e}")))?;
        // The open handle keeps the data readable after the name is gone.
        let _ = std::fs::remove_file(&self.path);
        let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
        let mut resp = crate::http::imports::xlsx_response(Vec::new(), file_name);
        *resp.body_mut() = body;
        Ok(resp)
    }
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
#[utoipa::path(post, path = "/api/v1/residents/{id}/special-groups", tag = "registry", params(("id" = i64, Path)), request_body = registry::SpecialGroupInput,
    responses((status = 201, body = registry::SpecialGroupRecord), (status = 422, body = ApiError)))]
pub async fn add_special_group(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<registry::SpecialGroupInput>,
) -> AppResult<(StatusCode, Json<registry::SpecialGroupRecord>)> {
    caller.require(Permission::ResidentWrite)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::add_special_group(&st.db, &caller.actor(), id, i).await?),
    ))
}
