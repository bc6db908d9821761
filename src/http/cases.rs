//! Cases: taxonomy, calendar, reporting with routing, the workflow's actions, inboxes, counts,
//! photos, and the API keys of the Open311 endpoint.
use axum::Json;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use object_store::ObjectStoreExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zongguan_db::api_keys::{self, ApiKey};
use zongguan_db::cases::{
    self, ActionInput, CalendarInput, CalendarYear, Case, CaseCategory, CaseDetail, CaseFilter, CaseItem,
    CaseItemInput, CaseStats, CreatedCase, MergeInput, NewCase, NewPhoto, Photo, StatsFilter,
};

use super::{Paging, list_type};
use crate::app::AppState;
use crate::caller::{Caller, sha256_hex};
use crate::error::{ApiError, ApiJson, ApiMultipart, ApiPath, ApiQuery, AppError, AppResult};
use zongguan_core::permission::Permission;

list_type!(CaseList, Case);
list_type!(CaseCategoryList, CaseCategory);
list_type!(ApiKeyList, ApiKey);

/// Largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The upload route's body limit: the photo plus the form around it.
pub const PHOTO_BODY_LIMIT: usize = MAX_PHOTO_BYTES + 256 * 1024;

/// Reading cases needs some part in the workflow (or the reports).
fn require_case_reader(c: &Caller) -> AppResult<()> {
    c.require_any(&zongguan_core::permission::CASE_READERS)
}

/// Categories with their items, limits and default departments.
#[utoipa::path(get, path = "/api/v1/case-categories", tag = "cases", responses((status = 200, body = CaseCategoryList)))]
pub async fn list_case_categories(State(st): State<AppState>, _caller: Caller) -> AppResult<Json<CaseCategoryList>> {
    Ok(Json(cases::categories(&st.db).await?.into()))
}

/// Edit an item's name, default department duty, severity, step limits and keywords (permission
/// `org:write`). The item suggestion retrains soon after.
#[utoipa::path(put, path = "/api/v1/case-items/{code}", tag = "cases", params(("code" = String, Path)), request_body = CaseItemInput,
    responses((status = 200, body = CaseItem), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update_case_item(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(code): ApiPath<String>,
    ApiJson(f): ApiJson<CaseItemInput>,
) -> AppResult<Json<CaseItem>> {
    caller.require(Permission::OrgWrite)?;
    let item = cases::update_item(&st.db, &caller.actor(), &code, f).await?;
    st.suggest.items_changed();
    Ok(Json(item))
}

/// A year's public holidays and make-up working days.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "cases", params(("year" = i32, Path)), responses((status = 200, body = CalendarYear), (status = 422, body = ApiError)))]
pub async fn get_calendar(
    State(st): State<AppState>,
    _caller: Caller,
    ApiPath(year): ApiPath<i32>,
) -> AppResult<Json<CalendarYear>> {
    Ok(Json(cases::calendar_year(&st.db, year).await?))
}

/// Replace a year's holidays and make-up working days (permission `org:write`). New deadlines use it at once.
#[utoipa::path(put, path = "/api/v1/calendar/{year}", tag = "cases", params(("year" = i32, Path)), request_body = CalendarInput,
    responses((status = 200, body = CalendarYear), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn set_calendar(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(year): ApiPath<i32>,
    ApiJson(f): ApiJson<CalendarInput>,
) -> AppResult<Json<CalendarYear>> {
    caller.require(Permission::OrgWrite)?;
    Ok(Json(cases::set_calendar_year(&st.db, &caller.actor(), year, f).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// One state or several separated by commas.
    pub state: Option<String>,
    pub item_code: Option<String>,
    /// An org unit: cases located in it or below it.
    pub org_unit_id: Option<i64>,
    /// The lead department's code, e.g. `440307-03`.
    pub department_code: Option<String>,
    /// Only open cases past their deadline.
    pub overdue: Option<bool>,
    pub source: Option<String>,
    /// Report date from (China time, inclusive), `YYYY-MM-DD`.
    pub date_from: Option<NaiveDate>,
    /// Report date to (inclusive).
    pub date_to: Option<NaiveDate>,
}

/// Cases in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery, Paging), responses((status = 200, body = CaseList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_cases(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CaseQuery>,
    paging: Paging,
) -> AppResult<Json<CaseList>> {
    require_case_reader(&caller)?;
    let p = paging.req();
    let f = CaseFilter {
        state: q.state,
        item_code: q.item_code,
        org_unit_id: q.org_unit_id,
        department_code: q.department_code,
        overdue: q.overdue,
        source: q.source,
        date_from: q.date_from,
        date_to: q.date_to,
    };
    Ok(Json(cases::list(&st.db, &caller.actor(), &f, p).await?.into()))
}

/// The caller's to-do list, most urgent deadline first: a center's cases waiting for acceptance,
/// dispatch, verification or closure; a department's dispatched and handling cases; a grid worker's
/// reported cases waiting for their check.
#[utoipa::path(get, path = "/api/v1/cases/inbox", tag = "cases", params(Paging), responses((status = 200, body = CaseList)))]
pub async fn case_inbox(State(st): State<AppState>, caller: Caller, paging: Paging) -> AppResult<Json<CaseList>> {
    require_case_reader(&caller)?;
    Ok(Json(cases::inbox(&st.db, &caller.actor(), paging.req()).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    pub org_unit_id: Option<i64>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

/// Counts by state, item and department, with the evaluation figures: closure rate = closed / due
/// for closure, on-time closure rate = closed on time / due for closure, rework rate = reworked /
/// due for closure (due for closure = closed + open past the deadline).
#[utoipa::path(get, path = "/api/v1/cases/stats", tag = "cases", params(StatsQuery), responses((status = 200, body = CaseStats), (status = 403, body = ApiError)))]
pub async fn case_stats(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> AppResult<Json<CaseStats>> {
    require_case_reader(&caller)?;
    let f = StatsFilter {
        org_unit_id: q.org_unit_id,
        date_from: q.date_from,
        date_to: q.date_to,
    };
    Ok(Json(cases::stats(&st.db, &caller.actor(), &f).await?))
}

/// Report a case. Its location (or building) fixes grid, community center and department; the
/// answer lists possible duplicates (same item, open, within 100 m and 7 days).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCase,
    responses((status = 201, body = CreatedCase), (status = 403, body = ApiError), (status = 422, body = ApiError, description = "bad item, or a location outside every grid (field `location`)")))]
pub async fn create_case(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(mut n): ApiJson<NewCase>,
) -> AppResult<(StatusCode, Json<CreatedCase>)> {
    caller.require(Permission::CaseReport)?;
    if n.source.is_none() {
        n.source = Some(
            if caller.roles.iter().any(|r| r == "grid_worker") {
                "grid_worker"
            } else {
                "visit"
            }
            .into(),
        );
    }
    Ok((
        StatusCode::CREATED,
        Json(cases::create(&st.db, &caller.actor(), n).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseDetailQuery {
    /// Show the reporter's contact in full (permission `resident:read_full`; audited).
    pub unmasked: Option<bool>,
}

/// A case with its timeline, photos, notices, alerts and the actions the caller may take. The
/// reporter's contact is masked unless `unmasked` is asked for (and allowed).
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path), CaseDetailQuery), responses((status = 200, body = CaseDetail), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn get_case(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<CaseDetailQuery>,
) -> AppResult<Json<CaseDetail>> {
    require_case_reader(&caller)?;
    let actor = caller.actor();
    let mut detail = cases::get_case(&st.db, &actor, id).await?;
    if q.unmasked == Some(true) {
        if !caller.can(Permission::ResidentReadFull) {
            zongguan_db::audit::record(
                &st.db,
                &actor,
                zongguan_db::audit::Event::ok("read_unmasked", "case", id).result("denied"),
            )
            .await?;
            caller.require(Permission::ResidentReadFull)?;
        }
        detail.case.reporter_contact = cases::reporter_contact(&st.db, &actor, id).await?;
    }
    Ok(Json(detail))
}

/// Take an action on a case. Send the `version` you saw: a stale one answers 409. A case in the
/// wrong state answers 409; an action that is not the caller's (role or permission) 403.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", tag = "cases", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 200, body = CaseDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn case_action(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(a): ApiJson<ActionInput>,
) -> AppResult<Json<CaseDetail>> {
    require_case_reader(&caller)?;
    Ok(Json(cases::act(&st.db, &caller.actor(), id, a).await?))
}

/// Close this case as a duplicate of `into` (the owning center); both timelines record it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/merge", tag = "cases", params(("id" = i64, Path)), request_body = MergeInput,
    responses((status = 200, body = CaseDetail), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn merge_case(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(m): ApiJson<MergeInput>,
) -> AppResult<Json<CaseDetail>> {
    caller.require(Permission::CaseDispatch)?;
    Ok(Json(cases::merge(&st.db, &caller.actor(), id, m).await?))
}

/// The image type by its first bytes, never by the name or the declared type.
pub fn sniff_image(b: &[u8]) -> Option<(&'static str, &'static str)> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("image/png", "png"))
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
}

/// A JPEG no larger than 320 px a side. Every upload is decoded whole, so a file that only starts
/// like an image (a WebP header before HTML) is refused.
fn thumbnail(bytes: &[u8], content_type: &str) -> Result<Option<Vec<u8>>, String> {
    let format = match content_type {
        "image/jpeg" => image::ImageFormat::Jpeg,
        "image/png" => image::ImageFormat::Png,
        "image/webp" => image::ImageFormat::WebP,
        _ => return Ok(None),
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| e.to_string())?;
    let thumb = image::DynamicImage::ImageRgb8(img.thumbnail(320, 320).to_rgb8());
    let mut out = std::io::Cursor::new(Vec::new());
    thumb
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .map_err(|e| e.to_string())?;
    Ok(Some(out.into_inner()))
}

fn random_hex(n: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn storage_error(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "photo storage");
    AppError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "照片存储失败，请稍后再试",
    )
}

/// Attach a photo. Multipart fields: `stage` (report | feedback) and `file` (JPEG, PNG or WebP by
/// content, at most 10 MiB). A thumbnail is made for JPEG and PNG.
#[utoipa::path(post, path = "/api/v1/cases/{id}/photos", tag = "cases", params(("id" = i64, Path)), request_body(content_type = "multipart/form-data", content = String),
    responses((status = 201, body = Photo), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn upload_case_photo(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiMultipart(mut form): ApiMultipart,
) -> AppResult<(StatusCode, Json<Photo>)> {
    require_case_reader(&caller)?;
    let too_large = || AppError::invalid("file", format!("照片不能超过 {} MiB", MAX_PHOTO_BYTES / 1024 / 1024));
    let (mut stage, mut file) = (None, None);
    while let Some(field) = form.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::invalid("file", format!("表单无法读取：{e}"))
        }
    })? {
        match field.name().unwrap_or("") {
            "stage" => {
                stage = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| AppError::invalid("stage", e.to_string()))?,
                )
            }
            "file" => {
                file = Some(field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large()
                    } else {
                        AppError::invalid("file", format!("文件无法读取：{e}"))
                    }
                })?)
            }
            _ => {}
        }
    }
    let stage = stage
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "report".into());
    let file = file.ok_or_else(|| AppError::invalid("file", "请选择照片文件"))?;
    let photo = PhotoFile::sniff(file)?;
    let user = caller.actor();
    cases::photo_target(&st.db, &user, id, &stage).await?;
    let photo = photo.thumbnailed().await?;
    let new = photo.put(&st, id, stage).await?;
    let photo = cases::add_photo(&st.db, &user, id, new).await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// An uploaded image: checked by its first bytes, then given a thumbnail, then written to the
/// photo store. The Open311 endpoint takes the same steps for a photo sent with a report.
pub struct PhotoFile {
    bytes: axum::body::Bytes,
    content_type: &'static str,
    ext: &'static str,
    thumb: Option<Vec<u8>>,
}

impl PhotoFile {
    /// At most 10 MiB, not empty, and JPEG, PNG or WebP by content.
    pub fn sniff(bytes: axum::body::Bytes) -> AppResult<Self> {
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(AppError::invalid(
                "file",
                format!("照片不能超过 {} MiB", MAX_PHOTO_BYTES / 1024 / 1024),
            ));
        }
        if bytes.is_empty() {
            return Err(AppError::invalid("file", "文件为空"));
        }
        let (content_type, ext) =
            sniff_image(&bytes).ok_or_else(|| AppError::invalid("file", "只接受 JPEG、PNG 或 WebP 图片"))?;
        Ok(Self {
            bytes,
            content_type,
            ext,
            thumb: None,
        })
    }

    /// Decodes the image (JPEG and PNG) for its thumbnail: one that does not decode is refused.
    pub async fn thumbnailed(mut self) -> AppResult<Self> {
        let (bytes, content_type) = (self.bytes.clone(), self.content_type);
        self.thumb = tokio::task::spawn_blocking(move || thumbnail(&bytes, content_type))
            .await
            .map_err(storage_error)?
            .map_err(|e| AppError::invalid("file", format!("图片无法解码：{e}")))?;
        Ok(self)
    }

    /// Writes the photo and its thumbnail under the case; the record is the caller's to add.
    pub async fn put(self, st: &AppState, case_id: i64, stage: String) -> AppResult<NewPhoto> {
        let store = st.files()?;
        let name = random_hex(12);
        let key = format!("cases/{case_id}/{name}.{}", self.ext);
        let size = self.bytes.len() as i64;
        store
            .put(&object_store::path::Path::from(key.as_str()), self.bytes.into())
            .await
            .map_err(storage_error)?;
        let thumb_key = match self.thumb {
            Some(t) => {
                let k = format!("cases/{case_id}/{name}-thumb.jpg");
                store
                    .put(&object_store::path::Path::from(k.as_str()), t.into())
                    .await
                    .map_err(storage_error)?;
                Some(k)
            }
            None => None,
        };
        Ok(NewPhoto {
            stage,
            content_type: self.content_type.into(),
            size,
            object_key: key,
            thumb_key,
        })
    }
}

async fn serve_object(st: &AppState, key: &str, content_type: &str) -> AppResult<Response> {
    let store = st.files()?;
    let got = store
        .get(&object_store::path::Path::from(key))
        .await
        .map_err(|e| match e {
            object_store::Error::NotFound { .. } => AppError::not_found(),
            e => storage_error(e),
        })?;
    let bytes = got.bytes().await.map_err(storage_error)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// A photo as stored.
#[utoipa::path(get, path = "/api/v1/cases/{id}/photos/{photo_id}", tag = "cases", params(("id" = i64, Path), ("photo_id" = i64, Path)),
    responses((status = 200, content_type = "image/*"), (status = 404, body = ApiError)))]
pub async fn get_case_photo(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
) -> AppResult<Response> {
    require_case_reader(&caller)?;
    let p = cases::get_photo(&st.db, &caller.actor(), id, photo_id).await?;
    serve_object(&st, &p.object_key, &p.content_type).await
}

/// The photo's thumbnail (JPEG); a WebP photo, which has none, is served as it is.
#[utoipa::path(get, path = "/api/v1/cases/{id}/photos/{photo_id}/thumb", tag = "cases", params(("id" = i64, Path), ("photo_id" = i64, Path)),
    responses((status = 200, content_type = "image/*"), (status = 404, body = ApiError)))]
pub async fn get_case_photo_thumb(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath((id, photo_id)): ApiPath<(i64, i64)>,
) -> AppResult<Response> {
    require_case_reader(&caller)?;
    let p = cases::get_photo(&st.db, &caller.actor(), id, photo_id).await?;
    match &p.thumb_key {
        Some(k) => serve_object(&st, k, "image/jpeg").await,
        None => serve_object(&st, &p.object_key, &p.content_type).await,
    }
}

pub fn photo_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(PHOTO_BODY_LIMIT)
}

// ---------- API keys ----------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// Shown once; only its hash is stored.
    pub api_key: String,
    #[serde(flatten)]
    pub info: ApiKey,
}

/// A new random key: `o311_` + 48 hex digits.
pub fn new_api_key() -> (String, String, String) {
    let key = format!("o311_{}", random_hex(24));
    let hash = sha256_hex(&key);
    let prefix = key[..10].to_string();
    (key, hash, prefix)
}

/// Issue an Open311 API key (permission `org:write`).
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "cases", request_body = NewApiKey, responses((status = 201, body = CreatedApiKey), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create_api_key(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(n): ApiJson<NewApiKey>,
) -> AppResult<(StatusCode, Json<CreatedApiKey>)> {
    caller.require(Permission::OrgWrite)?;
    let (key, hash, prefix) = new_api_key();
    let info = api_keys::create(&st.db, &caller.actor(), &n.name, &hash, &prefix).await?;
    Ok((StatusCode::CREATED, Json(CreatedApiKey { api_key: key, info })))
}

/// Revoke an Open311 API key (permission `org:write`): the client using it is refused from now on.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "cases", params(("id" = i64, Path)), responses((status = 200, body = ApiKey), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn revoke_api_key(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ApiKey>> {
    caller.require(Permission::OrgWrite)?;
    Ok(Json(api_keys::revoke(&st.db, &caller.actor(), id).await?))
}

/// The issued Open311 API keys (without the keys).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "cases", responses((status = 200, body = ApiKeyList), (status = 403, body = ApiError)))]
pub async fn list_api_keys(State(st): State<AppState>, caller: Caller) -> AppResult<Json<ApiKeyList>> {
    caller.require(Permission::OrgWrite)?;
    Ok(Json(api_keys::list(&st.db).await?.into()))
}
