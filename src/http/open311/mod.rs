//! Open311 GeoReport v2 at `/open311/v2/`: discovery, services (the case items), service
//! requests (cases from the public channel), tokens and mySociety's service request updates, in
//! JSON and XML, with the spec's errors. The resource name carries the format (`services.xml`),
//! so each route takes one `{file}` segment.
//!
//! `format`: writing answers · `form`: reading a POST · `requests`: service requests ·
//! `updates`: service request updates · `limits`: POSTs per key.
mod form;
mod format;
mod limits;
mod requests;
mod updates;

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use utoipa::OpenApi;
use zongguan_db::cases;

use crate::app::AppState;
use format::{Format, error, internal, not_found, respond, split};
pub use limits::KeyLimits;
pub use requests::{__path_create_request, __path_get_request, __path_get_token, __path_list_requests};
pub use updates::__path_list_updates;

pub const SPEC: &str = "http://wiki.open311.org/GeoReport_v2";

/// Service discovery: where the GeoReport v2 endpoint is (by the configured `public_url`, never
/// the request's Host header) and which formats it speaks.
#[utoipa::path(get, path = "/open311/v2/discovery.{format}", tag = "open311", params(("format" = String, Path, description = "json | xml")), responses((status = 200, description = "discovery document")))]
pub async fn discovery(st: &AppState, f: Format) -> Response {
    let changeset = "2026-01-01T00:00:00+08:00";
    let url = format!("{}/open311/v2", st.config.public_url());
    respond(
        StatusCode::OK,
        f,
        "discovery",
        json!({
            "changeset": changeset,
            "contact": "龙岗区大综管中心",
            "key_service": "API keys are issued by the district center's system administrator",
            "endpoints": [{"specification": SPEC, "url": url, "changeset": changeset, "type": "production", "formats": ["text/xml", "application/json"]}],
        }),
    )
}

async fn service_list(st: &AppState) -> Result<Vec<Value>, zongguan_db::DbError> {
    let cats = cases::categories(&st.db).await?;
    Ok(cats
        .into_iter()
        .flat_map(|c| {
            let group = c.name.clone();
            c.items.into_iter().filter(|i| i.enabled).map(move |i| {
                json!({
                    "service_code": i.code,
                    "service_name": i.name,
                    "description": format!("{}：{}（默认承办：{}）", group, i.name, i.department_name),
                    "metadata": false,
                    "type": "realtime",
                    "keywords": format!("{},{}", group, i.severity),
                    "group": group,
                })
            })
        })
        .collect())
}

/// The service list: one service per case item, grouped by category.
#[utoipa::path(get, path = "/open311/v2/services.{format}", tag = "open311", params(("format" = String, Path, description = "json | xml")), responses((status = 200, description = "services")))]
pub async fn services(st: &AppState, f: Format) -> Response {
    match service_list(st).await {
        Ok(list) => respond(StatusCode::OK, f, "services", Value::Array(list)),
        Err(e) => internal(f, e),
    }
}

/// A service definition. Items carry no extra attributes (`metadata` is false), so the list is empty.
#[utoipa::path(get, path = "/open311/v2/services/{service_code}.{format}", tag = "open311", params(("service_code" = String, Path), ("format" = String, Path)),
    responses((status = 200, description = "service definition"), (status = 404, description = "unknown service_code")))]
pub async fn service_definition(st: &AppState, code: &str, f: Format) -> Response {
    match service_list(st).await {
        Ok(list) if list.iter().any(|s| s["service_code"] == code) => respond(
            StatusCode::OK,
            f,
            "service_definition",
            json!({"service_code": code, "attributes": []}),
        ),
        Ok(_) => not_found(f),
        Err(e) => internal(f, e),
    }
}

// ---------- routing ----------

/// A query string, decoded strictly (see [`form::decode`]).
fn query(q: Option<String>) -> Result<HashMap<String, String>, String> {
    form::decode(q.unwrap_or_default().as_bytes(), "query string").map_err(|e| e.message)
}

fn bad_query(f: Format, message: &str) -> Response {
    error(f, StatusCode::BAD_REQUEST, message)
}

pub async fn root_get(State(st): State<AppState>, Path(file): Path<String>, RawQuery(q): RawQuery) -> Response {
    let Some((stem, f)) = split(&file) else {
        return not_found(Format::Json);
    };
    match stem {
        "discovery" => discovery(&st, f).await,
        "services" => services(&st, f).await,
        "requests" => match query(q) {
            Ok(q) => requests::list_requests(&st, &q, f).await,
            Err(m) => bad_query(f, &m),
        },
        "servicerequestupdates" => match query(q) {
            Ok(q) => updates::list_updates(&st, &q, f).await,
            Err(m) => bad_query(f, &m),
        },
        _ => not_found(f),
    }
}

pub async fn root_post(
    State(st): State<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Response {
    let Some((stem, f)) = split(&file) else {
        return not_found(Format::Json);
    };
    if stem != "requests" {
        return error(f, StatusCode::METHOD_NOT_ALLOWED, "only requests accept POST");
    }
    let q = match query(q) {
        Ok(q) => q,
        Err(m) => return bad_query(f, &m),
    };
    match form::Form::read(req, &st).await {
        Ok(form) => requests::create_request(&st, &q, form, f).await,
        Err(e) if e.too_large => error(f, StatusCode::PAYLOAD_TOO_LARGE, &e.message),
        Err(e) => error(f, StatusCode::BAD_REQUEST, &e.message),
    }
}

pub async fn service_get(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match split(&file) {
        Some((code, f)) => service_definition(&st, code, f).await,
        None => not_found(Format::Json),
    }
}

pub async fn request_get(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match split(&file) {
        Some((id, f)) => requests::get_request(&st, id, f).await,
        None => not_found(Format::Json),
    }
}

pub async fn token_get(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match split(&file) {
        Some((token, f)) => requests::get_token(&st, token, f).await,
        None => not_found(Format::Json),
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(discovery, services, service_definition, list_requests, get_request, get_token, create_request, list_updates),
    tags((name = "open311", description = "Open311 GeoReport v2（http://wiki.open311.org/GeoReport_v2）：服务即事件小类，请求即公众渠道的事件；JSON 与 XML；另有 mySociety 的 servicerequestupdates 扩展"))
)]
pub struct Open311Doc;
