//! Notices: issue one for a case, dispute or petition, list and download them (the archived
//! document, as issued), void one, record its return slip; the templates and unit prefixes.
use std::collections::BTreeMap;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use object_store::ObjectStoreExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use zongguan_core::governance::notice_serial::NoticeKind;
use zongguan_core::governance::notice_template::Field;
use zongguan_core::permission::Permission;
use zongguan_db::governance::{
    self, IssueInput, Notice, NoticeFilter, NoticePrefix, NoticeTemplate, ReturnSlip, SubjectKind,
};

use crate::app::AppState;
use crate::caller::Caller;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::http::{Paging, list_type};

list_type!(NoticeList, Notice);

fn kind_of(field: &str, s: &str) -> Result<NoticeKind, AppError> {
    NoticeKind::parse(s.trim()).ok_or_else(|| {
        AppError::invalid(
            field,
            format!(
                "文书种类无效：{s}（可选 {}）",
                NoticeKind::ALL.map(NoticeKind::as_str).join("、")
            ),
        )
    })
}

fn subject_of(field: &str, s: &str) -> Result<SubjectKind, AppError> {
    SubjectKind::parse(s.trim())
        .ok_or_else(|| AppError::invalid(field, format!("事项类别无效：{s}（可选 case、dispute、petition）")))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Notices about matters of this unit and every unit below it.
    pub org_unit_id: Option<i64>,
    /// `assignment` | `supervision` | `closure` | `petition_acceptance` | …
    pub kind: Option<String>,
    /// `case` | `dispute` | `petition`, with `subject_id`: the notices of one matter.
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    pub year: Option<i32>,
}

#[utoipa::path(get, path = "/api/v1/notices", tag = "governance", params(NoticeQuery, Paging), responses((status = 200, body = NoticeList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn list_notices(
    State(st): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<NoticeQuery>,
    paging: Paging,
) -> AppResult<Json<NoticeList>> {
    caller.require(Permission::NoticeRead)?;
    let kind = q.kind.as_deref().map(|k| kind_of("kind", k)).transpose()?;
    let subject = match (q.subject_kind.as_deref(), q.subject_id) {
        (Some(k), Some(id)) => Some((subject_of("subject_kind", k)?, id)),
        (None, None) => None,
        (Some(_), None) => return Err(AppError::invalid("subject_id", "请同时指定事项编号 subject_id")),
        (None, Some(_)) => return Err(AppError::invalid("subject_kind", "请同时指定事项类别 subject_kind")),
    };
    let f = NoticeFilter {
        org_unit_id: q.org_unit_id,
        kind,
        subject,
        year: q.year,
    };
    Ok(Json(
        governance::list_notices(&st.db, &caller.scope, &f, paging.req())
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueForm {
    /// `assignment` | `supervision` | `closure` (cases, disputes); `petition_acceptance` |
    /// `petition_non_acceptance` | `petition_answer` | `petition_review_answer` |
    /// `petition_re_review_answer` (petitions).
    pub kind: String,
    /// `case` | `dispute` | `petition`
    pub subject_kind: String,
    pub subject_id: i64,
    /// The unit addressed, when it is not the one handling the matter.
    pub addressee: Option<String>,
    /// The deadline the notice states (YYYY-MM-DD), when not the matter's own.
    pub deadline: Option<NaiveDate>,
    /// Fields of the template the issuer fills or corrects, by their names in the template
    /// (`交办依据`, `处理意见` …).
    #[serde(default)]
    pub values: BTreeMap<String, String>,
}

/// Issues a notice: the template filled from the matter, the next serial of the caller's unit,
/// the document archived as issued. 201 with the notice; its document is at `…/document`.
#[utoipa::path(post, path = "/api/v1/notices", tag = "governance", request_body = IssueForm, responses((status = 201, body = Notice), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn issue_notice(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(f): ApiJson<IssueForm>,
) -> AppResult<(StatusCode, Json<Notice>)> {
    caller.require(Permission::NoticeIssue)?;
    let mut values = BTreeMap::new();
    for (k, v) in f.values {
        let field =
            Field::from_zh(k.trim()).ok_or_else(|| AppError::invalid("values", format!("“{k}”不是模板字段")))?;
        values.insert(field, v);
    }
    let input = IssueInput {
        kind: kind_of("kind", &f.kind)?,
        subject: subject_of("subject_kind", &f.subject_kind)?,
        subject_id: f.subject_id,
        addressee: f.addressee,
        deadline: f.deadline,
        values,
    };
    let store = st.files()?;
    let put = async move |key: String, bytes: Vec<u8>| {
        store
            .put(&object_store::path::Path::from(key.as_str()), bytes.into())
            .await
            .map_err(|e| zongguan_db::DbError::Db(zongguan_db::sea_orm::DbErr::Custom(format!("notice store: {e}"))))?;
        Ok(())
    };
    let n = governance::issue(&st.db, &caller.actor(), input, crate::notice_docx::render, put).await?;
    Ok((StatusCode::CREATED, Json(n)))
}

#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "governance", params(("id" = i64, Path)), responses((status = 200, body = Notice), (status = 404, body = ApiError)))]
pub async fn get_notice(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Notice>> {
    caller.require(Permission::NoticeRead)?;
    Ok(Json(governance::get_notice(&st.db, &caller.scope, id).await?))
}

/// The document as issued (.docx); each download is audited.
#[utoipa::path(get, path = "/api/v1/notices/{id}/document", tag = "governance", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (status = 404, body = ApiError)))]
pub async fn notice_document(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    caller.require(Permission::NoticeRead)?;
    let (n, key) = governance::notice_file(&st.db, &caller.actor(), id).await?;
    let store = st.files()?;
    let got = store
        .get(&object_store::path::Path::from(key.as_str()))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, notice = id, "notice archive");
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "通知书存档文件缺失，请联系管理员",
            )
        })?;
    let sealed = got.bytes().await.map_err(|e| {
        tracing::error!(error = %e, notice = id, "notice archive");
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "通知书存档文件无法读取")
    })?;
    let doc = governance::open_file(&st.db, &n, &sealed)?;
    let name = format!("{}{}.docx", n.title, n.serial);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::http::imports::attachment(&format!("notice-{id}.docx"), &name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        Body::from(doc),
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidForm {
    pub reason: String,
}

/// Voids a notice; its serial stays taken and is never issued again.
#[utoipa::path(post, path = "/api/v1/notices/{id}/void", tag = "governance", params(("id" = i64, Path)), request_body = VoidForm, responses((status = 200, body = Notice), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn void_notice(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<VoidForm>,
) -> AppResult<Json<Notice>> {
    caller.require(Permission::NoticeIssue)?;
    Ok(Json(
        governance::void_notice(&st.db, &caller.actor(), id, &f.reason).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnForm {
    /// Who received the notice at the unit addressed.
    pub receiver: String,
    /// What was done, as the slip says.
    #[serde(default)]
    pub result: String,
    /// When the slip says it was received (default: now).
    pub returned_at: Option<DateTime<Utc>>,
}

/// Records the return slip (回执) of a notice to a unit.
#[utoipa::path(post, path = "/api/v1/notices/{id}/return-slip", tag = "governance", params(("id" = i64, Path)), request_body = ReturnForm, responses((status = 200, body = Notice), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn record_return_slip(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(f): ApiJson<ReturnForm>,
) -> AppResult<Json<Notice>> {
    caller.require(Permission::NoticeIssue)?;
    let slip = ReturnSlip {
        receiver: f.receiver,
        result: f.result,
        returned_at: f.returned_at,
    };
    Ok(Json(
        governance::record_return(&st.db, &caller.actor(), id, &slip).await?,
    ))
}

/// Every kind's template, with the placeholders a body may use.
#[utoipa::path(get, path = "/api/v1/notice-templates", tag = "governance", responses((status = 200, body = Vec<NoticeTemplate>), (status = 403, body = ApiError)))]
pub async fn list_notice_templates(State(st): State<AppState>, caller: Caller) -> AppResult<Json<Vec<NoticeTemplate>>> {
    caller.require_any(&[Permission::NoticeRead, Permission::NoticeTemplate])?;
    Ok(Json(governance::notice_templates(&st.db.conn).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateForm {
    /// The body, one paragraph per line, placeholders as `{{主送单位}}`; null or empty resets
    /// the kind to the built-in body.
    pub body: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/notice-templates/{kind}", tag = "governance", params(("kind" = String, Path)), request_body = TemplateForm, responses((status = 200, body = NoticeTemplate), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn save_notice_template(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(kind): ApiPath<String>,
    ApiJson(f): ApiJson<TemplateForm>,
) -> AppResult<Json<NoticeTemplate>> {
    caller.require(Permission::NoticeTemplate)?;
    let kind = kind_of("kind", &kind)?;
    let body = f.body.as_deref().filter(|b| !b.trim().is_empty());
    Ok(Json(
        governance::save_template(&st.db, &caller.actor(), kind, body).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/notice-prefixes/{org_unit_id}", tag = "governance", params(("org_unit_id" = i64, Path)), responses((status = 200, body = NoticePrefix), (status = 404, body = ApiError)))]
pub async fn get_notice_prefix(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(unit): ApiPath<i64>,
) -> AppResult<Json<NoticePrefix>> {
    caller.require_any(&[Permission::NoticeRead, Permission::NoticeTemplate])?;
    Ok(Json(governance::notice_prefix(&st.db, unit).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefixForm {
    /// The unit's part of its serials, e.g. 龙岗综治 (the kind's word follows it).
    pub prefix: String,
}

#[utoipa::path(put, path = "/api/v1/notice-prefixes/{org_unit_id}", tag = "governance", params(("org_unit_id" = i64, Path)), request_body = PrefixForm, responses((status = 200, body = NoticePrefix), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn save_notice_prefix(
    State(st): State<AppState>,
    caller: Caller,
    ApiPath(unit): ApiPath<i64>,
    ApiJson(f): ApiJson<PrefixForm>,
) -> AppResult<Json<NoticePrefix>> {
    caller.require(Permission::NoticeTemplate)?;
    Ok(Json(
        governance::save_notice_prefix(&st.db, &caller.actor(), unit, &f.prefix).await?,
    ))
}
