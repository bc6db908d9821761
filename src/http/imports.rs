//! Spreadsheet imports as jobs: templates, upload, progress, and the rejected rows to fix.
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_db::imports::{self, ImportJob, Kind, Mode};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiMultipart, ApiPath, AppError, AppResult};
use crate::sheets;
use zongguan_core::permission::Permission;

fn kind_of(s: &str) -> AppResult<Kind> {
    Kind::parse(s).ok_or_else(|| AppError::invalid("kind", "kind 须为 residents、buildings 或 houses"))
}

/// XLSX attachment with a Chinese file name (RFC 5987).
/// `attachment` with an ASCII fallback name and the real (Chinese) one, RFC 6266 style.
pub fn attachment(fallback: &str, file_name: &str) -> String {
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

pub fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, attachment("export.xlsx", file_name)),
        ],
        bytes,
    )
        .into_response()
}

/// The import template: Chinese headers in the first row, dropdowns on coded columns.
#[utoipa::path(get, path = "/api/v1/imports/templates/{file}", tag = "registry", params(("file" = String, Path, description = "residents.xlsx | buildings.xlsx | houses.xlsx")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ApiError)))]
pub async fn import_template(_caller: Caller, ApiPath(file): ApiPath<String>) -> AppResult<Response> {
    let kind = file
        .strip_suffix(".xlsx")
        .and_then(Kind::parse)
        .ok_or_else(AppError::not_found)?;
    let bytes = sheets::template(kind).map_err(|e| {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("模板生成失败：{e}"),
        )
    })?;
    Ok(xlsx_response(bytes, &format!("{}导入模板.xlsx", kind.zh())))
}

#[derive(Serialize, ToSchema)]
pub struct ImportStarted {
    pub id: i64,
}

/// Start an import. Multipart fields: `kind` (residents | buildings | houses), `mode`
/// (all_or_nothing | valid_rows, default all_or_nothing), `file` (XLSX or CSV in UTF-8 or GB18030).
#[utoipa::path(post, path = "/api/v1/imports", tag = "registry", request_body(content_type = "multipart/form-data", content = String),
    responses((status = 202, body = ImportStarted), (status = 422, body = ApiError)))]
pub async fn start_import(
    State(st): State<AppState>,
    caller: Caller,
    ApiMultipart(mut form): ApiMultipart,
) -> AppResult<(StatusCode, Json<ImportStarted>)> {
    caller.require(Permission::RegistryWrite)?;
    let (mut kind, mut mode, mut file) = (None, None, None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::new(StatusCode::BAD_REQUEST, "bad_request", format!("表单无法读取：{e}")))?
    {
        match field.name().unwrap_or("") {
            "kind" => kind = Some(field.text().await.unwrap_or_default()),
            "mode" => mode = Some(field.text().await.unwrap_or_default()),
            "file" => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    AppError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        format!("文件无法读取：{e}"),
                    )
                })?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let kind = kind_of(kind.as_deref().unwrap_or(""))?;
    let mode = match mode.as_deref().unwrap_or("all_or_nothing") {
        "" => Mode::AllOrNothing,
        m => Mode::parse(m).ok_or_else(|| AppError::invalid("mode", "mode 须为 all_or_nothing 或 valid_rows"))?,
    };
    let (name, bytes) = file.ok_or_else(|| AppError::invalid("file", "请选择要导入的文件"))?;
    let actor = caller.actor();
    let job = imports::create_job(&st.db, &actor, kind, mode, &name).await?;
    let id = job.id;
    crate::jobs::imports::spawn_upload(st, actor, id, kind, mode, bytes.to_vec());
    Ok((StatusCode::ACCEPTED, Json(ImportStarted { id })))
}

/// The job's status, progress and every rejected row with its column and reason.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = ImportJob), (status = 404, body = ApiError)))]
pub async fn get_import(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ImportJob>> {
    caller.require(Permission::RegistryWrite)?;
    let mut job = ImportJob::of(&st.db, imports::get_job(&st.db, &caller.actor(), id).await?);
    if job.status == "running"
        && let Some(n) = st.jobs.get(id)
    {
        job.processed = n;
    }
    Ok(Json(job))
}

/// The rejected rows as XLSX with a 错误原因 column, to fix and import again.
#[utoipa::path(get, path = "/api/v1/imports/{id}/rejected.xlsx", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ApiError)))]
pub async fn rejected_rows(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    caller.require(Permission::RegistryWrite)?;
    let job = imports::get_job(&st.db, &caller.actor(), id).await?;
    let header: Vec<String> = serde_json::from_str(&job.header).unwrap_or_default();
    let rows = imports::rejected_rows(&st.db, &job);
    let (reasons, _) = imports::rejections(&st.db, &job);
    let bytes = sheets::rejected_report(&header, &rows, &reasons)
        .map_err(|e| AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("生成失败：{e}")))?;
    Ok(xlsx_response(bytes, &format!("未导入的行-{id}.xlsx")))
}
