//! The one error type of the HTTP layer: `{"error":{"code","message","field"?}}` with a true status.
use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_db::DbError;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub details: Option<serde_json::Value>,
}

pub type AppResult<T> = Result<T, AppError>;

#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Extra facts, e.g. `{"existing_id": 7}` for a duplicate.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
}

/// The error envelope every failing `/api` call answers.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            details: None,
        }
    }
    pub fn field(mut self, f: &str) -> Self {
        self.field = Some(f.into());
        self
    }
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "未登录或会话已过期，请重新登录",
        )
    }
    pub fn forbidden(perm: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", format!("没有权限（需要 {perm}）"))
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "记录不存在")
    }
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", message).field(field)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let body = ApiError {
            error: ApiErrorBody {
                code: self.code.into(),
                message: self.message,
                field: self.field,
                details: self.details,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Self::not_found(),
            DbError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            DbError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            DbError::Validation { field, message } => Self::invalid(&field, message),
            DbError::Taken { field, message } => Self::new(StatusCode::CONFLICT, "conflict", message).field(&field),
            DbError::Duplicate {
                field,
                message,
                existing_id,
            } => {
                let mut e = Self::new(StatusCode::CONFLICT, "duplicate", message).field(&field);
                e.details = Some(serde_json::json!({ "existing_id": existing_id }));
                e
            }
            DbError::Db(e) => constraint(&e).unwrap_or_else(|| {
                tracing::error!(error = %e, "database error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后再试",
                )
            }),
        }
    }
}

/// A constraint the database enforced that no check before it caught: a 4xx saying which kind,
/// never a 500. The checks in the db layer name the field; this is the net beneath them.
fn constraint(e: &zongguan_db::sea_orm::DbErr) -> Option<AppError> {
    let s = e.to_string().to_lowercase();
    let (status, code, message) = if s.contains("foreign key") {
        (
            StatusCode::CONFLICT,
            "conflict",
            "该记录仍被其他记录引用，或所引用的记录不存在",
        )
    } else if s.contains("unique") || s.contains("duplicate key") {
        (StatusCode::CONFLICT, "conflict", "记录已存在")
    } else if s.contains("not null") || s.contains("check constraint") || s.contains("out of range") {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "提交的数据不完整或超出范围",
        )
    } else {
        return None;
    };
    tracing::warn!(error = %e, "constraint refused a write");
    Some(AppError::new(status, code, message))
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let (code, message) = match &r {
            JsonRejection::JsonDataError(e) => ("validation", format!("请求数据不符合要求: {}", e.body_text())),
            JsonRejection::JsonSyntaxError(_) => ("malformed_json", "请求体不是合法的 JSON".to_string()),
            JsonRejection::MissingJsonContentType(_) => {
                ("unsupported_media_type", "请求须为 application/json".to_string())
            }
            _ if status == StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "请求体过大".to_string()),
            _ => ("bad_request", r.body_text()),
        };
        let status = if code == "validation" {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            status
        };
        let mut e = Self::new(status, code, message);
        if let JsonRejection::JsonDataError(d) = &r {
            // serde's message names the path, e.g. "name: invalid type"; keep the first segment as the field.
            let text = d.body_text();
            if let Some(f) = text
                .split(": ")
                .nth(1)
                .and_then(|s| s.split(':').next())
                .filter(|f| !f.contains(' '))
            {
                e.field = Some(f.to_string());
            }
        }
        e
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_path",
            format!("路径参数不正确: {}", r.body_text()),
        )
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("查询参数不正确: {}", r.body_text()),
        )
    }
}

/// `Json` whose rejections answer in the error envelope. Every string in the body is checked
/// first: control characters (other than tab and line breaks) are refused with the field named,
/// so no name or description can carry a NUL that PostgreSQL refuses or a character that makes
/// an XML feed (Open311) ill-formed.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(v) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        if let Some((field, c)) = control_char(&v, "") {
            return Err(AppError::invalid(
                &field,
                format!("“{field}”含有不可见的控制字符（U+{:04X}），请删除后再提交", c as u32),
            ));
        }
        serde_path_to_error::deserialize(v).map(ApiJson).map_err(|e| {
            let path = e.path().to_string();
            let mut err = AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                format!("请求数据不符合要求: {path}: {}", e.inner()),
            );
            if let Some(f) = path.split(['.', '[']).next().filter(|f| !f.is_empty() && *f != "?") {
                err.field = Some(f.to_string());
            }
            err
        })
    }
}

/// A character no text field may hold: C0 controls but tab, line feed and carriage return; DEL
/// and the C1 controls; the XML non-characters U+FFFE and U+FFFF.
pub fn is_forbidden_char(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// The first string (or key) in `v` holding a forbidden character: its top-level field and the character.
fn control_char(v: &serde_json::Value, field: &str) -> Option<(String, char)> {
    use serde_json::Value;
    match v {
        Value::String(s) => s
            .chars()
            .find(|c| is_forbidden_char(*c))
            .map(|c| (field.to_string(), c)),
        Value::Array(a) => a.iter().find_map(|x| control_char(x, field)),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            let f = if field.is_empty() { k.as_str() } else { field };
            k.chars()
                .find(|c| is_forbidden_char(*c))
                .map(|c| (f.to_string(), c))
                .or_else(|| control_char(x, f))
        }),
        _ => None,
    }
}

#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// `Multipart` whose rejection (no boundary, not multipart at all) answers in the error envelope.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> axum::extract::FromRequest<S> for ApiMultipart {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(axum::extract::Multipart::from_request(req, state).await?))
    }
}

impl From<axum::extract::multipart::MultipartRejection> for AppError {
    fn from(r: axum::extract::multipart::MultipartRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("请求须为 multipart/form-data：{}", r.body_text()),
        )
    }
}

/// `Query` answering in the error envelope, and refusing a parameter that holds a control
/// character (422 naming it) before any handler or query sees it.
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, AppError> {
        let raw = parts.uri.query().unwrap_or("");
        if let Ok(pairs) = serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
            && let Some((k, _)) = pairs
                .iter()
                .find(|(k, v)| k.chars().chain(v.chars()).any(is_forbidden_char))
        {
            return Err(AppError::invalid(k.as_str(), "不能含有控制字符"));
        }
        let axum::extract::Query(t) = axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(t))
    }
}

impl From<zongguan_core::field::FieldError> for AppError {
    fn from(e: zongguan_core::field::FieldError) -> Self {
        Self::invalid(e.field, e.message)
    }
}

/// Several refused fields answer with the first, in the form's order.
impl From<zongguan_core::field::FieldErrors> for AppError {
    fn from(e: zongguan_core::field::FieldErrors) -> Self {
        e.into_first().into()
    }
}
