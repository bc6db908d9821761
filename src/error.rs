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
            DbError::Db(e) => {
                tracing::error!(error = %e, "database error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "服务器内部错误，请稍后再试",
                )
            }
        }
    }
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

/// `Json` whose rejections answer in the error envelope.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

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
