//! Property companies, key places and key enterprises.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use zongguan_core::registry::{NewKeyEnterprise, NewKeyPlace, NewPropertyCompany};
use zongguan_db::registry::{self, KeyEnterprise, KeyPlace, PlaceFilter, PropertyCompany};

use super::registry::{Edit, KeyEnterpriseInput, KeyPlaceInput, PropertyCompanyInput};

use super::{Paging, list_type};
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppResult};
use zongguan_core::permission::Permission;

list_type!(PropertyCompanyList, PropertyCompany);
list_type!(KeyPlaceList, KeyPlace);
list_type!(KeyEnterpriseList, KeyEnterprise);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaceQuery {
    /// An org unit: its records and those of every unit below it.
    pub org_unit_id: Option<i64>,
    /// Key places: place_type; key enterprises: industry.
    #[serde(alias = "place_type", alias = "industry")]
    pub kind: Option<String>,
    /// Part of the name or address.
    pub q: Option<String>,
}

impl PlaceQuery {
    fn split(self, paging: Paging) -> (PlaceFilter, zongguan_db::PageReq) {
        (
            PlaceFilter {
                org_unit_id: self.org_unit_id,
                kind: self.kind,
                q: self.q,
            },
            paging.req(),
        )
    }
}

#[utoipa::path(get, path = "/api/v1/property-companies", tag = "registry", params(PlaceQuery, Paging), responses((status = 200, body = PropertyCompanyList)))]
pub async fn list_property_companies(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PlaceQuery>,
    paging: Paging,
) -> AppResult<Json<PropertyCompanyList>> {
    caller.require(Permission::RegistryRead)?;
    let (f, p) = q.split(paging);
    Ok(Json(
        registry::list_property_companies(&st.db, &caller.scope, &f, p)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/property-companies/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = PropertyCompany), (status = 404, body = ApiError)))]
pub async fn get_property_company(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PropertyCompany>> {
    caller.require(Permission::RegistryRead)?;
    Ok(Json(registry::get_property_company(&st.db, &caller.scope, id).await?))
}

#[utoipa::path(post, path = "/api/v1/property-companies", tag = "registry", request_body = PropertyCompanyInput, responses((status = 201, body = PropertyCompany), (status = 422, body = ApiError)))]
pub async fn create_property_company(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(i): ApiJson<PropertyCompanyInput>,
) -> AppResult<(StatusCode, Json<PropertyCompany>)> {
    caller.require(Permission::RegistryWrite)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::save_property_company(&st.db, &caller.actor(), None, NewPropertyCompany::try_from(i)?).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/property-companies/{id}", tag = "registry", params(("id" = i64, Path)), request_body = PropertyCompanyInput, responses((status = 200, body = PropertyCompany), (status = 404, body = ApiError)))]
pub async fn update_property_company(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<PropertyCompanyInput>,
) -> AppResult<Json<PropertyCompany>> {
    caller.require(Permission::RegistryWrite)?;
    Ok(Json(
        registry::save_property_company(
            &st.db,
            &caller.actor(),
            Some(id),
            NewPropertyCompany::try_from(Edit(i))?,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/key-places", tag = "registry", params(PlaceQuery, Paging), responses((status = 200, body = KeyPlaceList)))]
pub async fn list_key_places(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PlaceQuery>,
    paging: Paging,
) -> AppResult<Json<KeyPlaceList>> {
    caller.require(Permission::RegistryRead)?;
    let (f, p) = q.split(paging);
    Ok(Json(
        registry::list_key_places(&st.db, &caller.scope, &f, p).await?.into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/key-places/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = KeyPlace), (status = 404, body = ApiError)))]
pub async fn get_key_place(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<KeyPlace>> {
    caller.require(Permission::RegistryRead)?;
    Ok(Json(registry::get_key_place(&st.db, &caller.scope, id).await?))
}

#[utoipa::path(post, path = "/api/v1/key-places", tag = "registry", request_body = KeyPlaceInput, responses((status = 201, body = KeyPlace), (status = 422, body = ApiError)))]
pub async fn create_key_place(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(i): ApiJson<KeyPlaceInput>,
) -> AppResult<(StatusCode, Json<KeyPlace>)> {
    caller.require(Permission::RegistryWrite)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::save_key_place(&st.db, &caller.actor(), None, NewKeyPlace::try_from(i)?).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/key-places/{id}", tag = "registry", params(("id" = i64, Path)), request_body = KeyPlaceInput, responses((status = 200, body = KeyPlace), (status = 404, body = ApiError)))]
pub async fn update_key_place(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<KeyPlaceInput>,
) -> AppResult<Json<KeyPlace>> {
    caller.require(Permission::RegistryWrite)?;
    Ok(Json(
        registry::save_key_place(&st.db, &caller.actor(), Some(id), NewKeyPlace::try_from(Edit(i))?).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/key-enterprises", tag = "registry", params(PlaceQuery, Paging), responses((status = 200, body = KeyEnterpriseList)))]
pub async fn list_key_enterprises(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PlaceQuery>,
    paging: Paging,
) -> AppResult<Json<KeyEnterpriseList>> {
    caller.require(Permission::RegistryRead)?;
    let (f, p) = q.split(paging);
    Ok(Json(
        registry::list_key_enterprises(&st.db, &caller.scope, &f, p)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/key-enterprises/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = KeyEnterprise), (status = 404, body = ApiError)))]
pub async fn get_key_enterprise(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<KeyEnterprise>> {
    caller.require(Permission::RegistryRead)?;
    Ok(Json(registry::get_key_enterprise(&st.db, &caller.scope, id).await?))
}

#[utoipa::path(post, path = "/api/v1/key-enterprises", tag = "registry", request_body = KeyEnterpriseInput, responses((status = 201, body = KeyEnterprise), (status = 422, body = ApiError)))]
pub async fn create_key_enterprise(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(i): ApiJson<KeyEnterpriseInput>,
) -> AppResult<(StatusCode, Json<KeyEnterprise>)> {
    caller.require(Permission::RegistryWrite)?;
    Ok((
        StatusCode::CREATED,
        Json(registry::save_key_enterprise(&st.db, &caller.actor(), None, NewKeyEnterprise::try_from(i)?).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/key-enterprises/{id}", tag = "registry", params(("id" = i64, Path)), request_body = KeyEnterpriseInput, responses((status = 200, body = KeyEnterprise), (status = 404, body = ApiError)))]
pub async fn update_key_enterprise(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(i): ApiJson<KeyEnterpriseInput>,
) -> AppResult<Json<KeyEnterprise>> {
    caller.require(Permission::RegistryWrite)?;
    Ok(Json(
        registry::save_key_enterprise(&st.db, &caller.actor(), Some(id), NewKeyEnterprise::try_from(Edit(i))?).await?,
    ))
}
