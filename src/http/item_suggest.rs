//! The case-item suggestion (★ 推荐) of the report forms: ranked items for a description and a place.
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use zongguan_core::permission::Permission;
use zongguan_db::cases::{self, ItemSuggestion, SuggestInput};

use super::list_type;
use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiQuery, AppError, AppResult};

list_type!(ItemSuggestionList, ItemSuggestion);

/// Longest description read (the report form's limit).
const MAX_TEXT_CHARS: usize = 2_000;
const MAX_LIMIT: usize = 10;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// What the reporter has typed so far.
    pub text: Option<String>,
    /// The place (WGS-84), both or neither: longitude (`lon` is accepted too) …
    #[serde(alias = "lon")]
    #[param(value_type = Option<f64>)]
    pub lng: Option<String>,
    /// … and latitude.
    #[param(value_type = Option<f64>)]
    pub lat: Option<String>,
    /// How many items, 1–10 (default 5).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}

fn coordinate(field: &str, v: Option<&str>, range: f64) -> AppResult<Option<f64>> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= range => Ok(Some(x)),
        _ => Err(AppError::invalid(
            field,
            format!("{} 须为 -{range} 到 {range} 之间的数", field),
        )),
    }
}

impl TryFrom<SuggestQuery> for SuggestInput {
    type Error = AppError;

    fn try_from(q: SuggestQuery) -> AppResult<Self> {
        let text = q.text.unwrap_or_default();
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(AppError::invalid("text", format!("描述不超过 {MAX_TEXT_CHARS} 字")));
        }
        let lng = coordinate("lng", q.lng.as_deref(), 180.0)?;
        let lat = coordinate("lat", q.lat.as_deref(), 90.0)?;
        let point = match (lng, lat) {
            (Some(x), Some(y)) => Some((x, y)),
            (None, None) => None,
            (None, Some(_)) => return Err(AppError::invalid("lng", "有纬度时须同时给出经度")),
            (Some(_), None) => return Err(AppError::invalid("lat", "有经度时须同时给出纬度")),
        };
        let limit = match q.limit.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => 5,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| AppError::invalid("limit", format!("limit 须为 1 到 {MAX_LIMIT} 之间的整数")))?,
        };
        Ok(Self { text, point, limit })
    }
}

/// The items a report most likely belongs to, best first (permission `case:report`): those the description
/// reads like (`reason` = `text`, trained from the items' names and keywords and past cases'
/// descriptions), then the caller's own recently reported items (`recent`), then the items
/// reported often within 300 m of the place or in its grid in the last 90 days (`nearby`).
#[utoipa::path(get, path = "/api/v1/case-items/suggest", tag = "cases", params(SuggestQuery),
    responses((status = 200, body = ItemSuggestionList), (status = 403, body = crate::error::ApiError), (status = 422, body = crate::error::ApiError, description = "bad `text`, `lng`, `lat` or `limit` (named in `field`)")))]
pub async fn suggest_case_items(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SuggestQuery>,
) -> AppResult<Json<ItemSuggestionList>> {
    caller.require(Permission::CaseReport)?;
    let input = SuggestInput::try_from(q)?;
    let trained = st.suggest.get(&st.db).await?;
    Ok(Json(
        cases::suggest(&st.db, &caller.actor(), &trained, &input).await?.into(),
    ))
}
