//! Open311 GeoReport v2 at `/open311/v2/`: discovery, services (the case items), service
//! requests (cases from the public channel) and tokens, in JSON and XML, with the spec's errors.
//! The resource name carries the format (`services.xml`), so each route takes one `{file}` segment.
use std::collections::HashMap;
use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use utoipa::OpenApi;
use zongguan_core::case_flow::CaseState;
use zongguan_db::Actor;
use zongguan_db::cases::{self, Case, Location, NewCase, PublicFilter};

use crate::app::AppState;
use crate::caller::sha256_hex;

pub const SPEC: &str = "http://wiki.open311.org/GeoReport_v2";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `services.json` → ("services", Json).
fn split(file: &str) -> Option<(&str, Format)> {
    let (stem, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((stem, Format::Json)),
        "xml" => Some((stem, Format::Xml)),
        _ => None,
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JSON as it is; XML with `root` around a list of `item` elements (or one object as `root`).
fn xml_of(v: &Value, name: &str, out: &mut String) {
    match v {
        Value::Null => {
            let _ = write!(out, "<{name}/>");
        }
        Value::Array(a) => {
            let _ = write!(out, "<{name}>");
            let child = match name {
                "services" => "service",
                "service_requests" => "request",
                "errors" => "error",
                "endpoints" => "endpoint",
                "formats" => "format",
                "attributes" => "attribute",
                _ => "item",
            };
            for x in a {
                xml_of(x, child, out);
            }
            let _ = write!(out, "</{name}>");
        }
        Value::Object(m) => {
            let _ = write!(out, "<{name}>");
            // The spec's element order; anything else after it.
            let first = spec_order(name);
            let rest = m.keys().filter(|k| !first.contains(&k.as_str())).map(String::as_str);
            for k in first.iter().copied().filter(|k| m.contains_key(*k)).chain(rest) {
                if let Some(x) = m.get(k) {
                    xml_of(x, k, out);
                }
            }
            let _ = write!(out, "</{name}>");
        }
        Value::String(s) => {
            let _ = write!(out, "<{name}>{}</{name}>", esc(s));
        }
        other => {
            let _ = write!(out, "<{name}>{other}</{name}>");
        }
    }
}

fn spec_order(element: &str) -> &'static [&'static str] {
    match element {
        "discovery" => &["changeset", "contact", "key_service", "endpoints"],
        "endpoint" => &["specification", "url", "changeset", "type", "formats"],
        "service" => &[
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ],
        "service_definition" => &["service_code", "attributes"],
        "error" => &["code", "description"],
        "request" => &[
            "service_request_id",
            "token",
            "status",
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "address",
            "address_id",
            "zipcode",
            "lat",
            "long",
            "media_url",
            "account_id",
        ],
        _ => &[],
    }
}

fn respond(status: StatusCode, f: Format, root: &str, v: Value) -> Response {
    match f {
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            v.to_string(),
        )
            .into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            xml_of(&v, root, &mut out);
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], out).into_response()
        }
    }
}

/// The spec's error list: `[{"code":400,"description":"…"}]`, `<errors><error><code>…`.
fn error(f: Format, status: StatusCode, description: &str) -> Response {
    respond(
        status,
        f,
        "errors",
        json!([{"code": status.as_u16(), "description": description}]),
    )
}

fn not_found(f: Format) -> Response {
    error(f, StatusCode::NOT_FOUND, "not found")
}

/// W3C date-time in China Standard Time, e.g. `2026-11-26T09:30:00+08:00`.
fn w3c(t: DateTime<Utc>) -> String {
    t.with_timezone(&zongguan_core::time::cst())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn params(q: &[u8]) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(q)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}/open311/v2")
}

// ---------- documented operations ----------

/// Service discovery: where the GeoReport v2 endpoint is and which formats it speaks.
#[utoipa::path(get, path = "/open311/v2/discovery.{format}", tag = "open311", params(("format" = String, Path, description = "json | xml")), responses((status = 200, description = "discovery document")))]
pub async fn discovery(headers: &HeaderMap, f: Format) -> Response {
    let changeset = "2026-01-01T00:00:00+08:00";
    respond(
        StatusCode::OK,
        f,
        "discovery",
        json!({
            "changeset": changeset,
            "contact": "龙岗区大综管中心",
            "key_service": "API keys are issued by the district center's system administrator",
            "endpoints": [{"specification": SPEC, "url": base_url(headers), "changeset": changeset, "type": "production", "formats": ["text/xml", "application/json"]}],
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

fn internal(f: Format, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "open311");
    error(f, StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

fn status_of(c: &Case) -> &'static str {
    if CaseState::parse(&c.state).is_some_and(|s| cases::OPEN_STATES.contains(&s)) {
        "open"
    } else {
        "closed"
    }
}

fn request_json(c: &Case) -> Value {
    let notes = match (c.state.as_str(), c.merged_into_id) {
        ("closed", Some(_)) => "已合并至同一问题的其他案件".to_string(),
        _ => c.state_name.clone(),
    };
    json!({
        "service_request_id": c.code,
        "status": status_of(c),
        "status_notes": notes,
        "service_name": c.item_name,
        "service_code": c.item_code,
        "description": c.description,
        "agency_responsible": c.department_name.clone().unwrap_or_default(),
        "service_notice": "",
        "requested_datetime": w3c(c.reported_at),
        "updated_datetime": w3c(c.updated_at),
        "expected_datetime": c.deadline_at.map(w3c),
        "address": c.address,
        "address_id": c.building_code,
        "zipcode": "",
        "lat": c.location.map(|l| l.lat),
        "long": c.location.map(|l| l.lon),
        "media_url": "",
    })
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// Service requests from the public channels (Open311 and the portal), newest first: by id list,
/// or by service, dates (default the last 90 days) and status; at most 1,000.
#[utoipa::path(get, path = "/open311/v2/requests.{format}", tag = "open311",
    params(("format" = String, Path), ("service_request_id" = Option<String>, Query), ("service_code" = Option<String>, Query), ("start_date" = Option<String>, Query), ("end_date" = Option<String>, Query), ("status" = Option<String>, Query, description = "open | closed")),
    responses((status = 200, description = "service requests"), (status = 400, description = "invalid parameter")))]
pub async fn list_requests(st: &AppState, q: &HashMap<String, String>, f: Format) -> Response {
    let mut filter = PublicFilter {
        limit: 1000,
        ..Default::default()
    };
    if let Some(ids) = q.get("service_request_id").filter(|s| !s.is_empty()) {
        filter.codes = ids.split(',').map(|s| s.trim().to_string()).collect();
    }
    filter.item_code = q.get("service_code").filter(|s| !s.is_empty()).cloned();
    for (key, slot) in [("start_date", &mut filter.from), ("end_date", &mut filter.to)] {
        if let Some(v) = q.get(key).filter(|s| !s.is_empty()) {
            match parse_time(v) {
                Some(t) => *slot = Some(t),
                None => {
                    return error(
                        f,
                        StatusCode::BAD_REQUEST,
                        &format!("{key} must be a w3c date-time with a time zone"),
                    );
                }
            }
        }
    }
    if filter.codes.is_empty() && filter.from.is_none() {
        filter.from = Some(filter.to.unwrap_or_else(Utc::now) - chrono::TimeDelta::days(90));
    }
    filter.open = match q.get("status").map(|s| s.as_str()) {
        None | Some("") | Some("open,closed") | Some("closed,open") => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(_) => return error(f, StatusCode::BAD_REQUEST, "status must be open or closed"),
    };
    match cases::public_cases(&st.db, &filter).await {
        Ok(list) => respond(
            StatusCode::OK,
            f,
            "service_requests",
            Value::Array(list.iter().map(request_json).collect()),
        ),
        Err(e) => internal(f, e),
    }
}

/// One service request by its id (the case code).
#[utoipa::path(get, path = "/open311/v2/requests/{service_request_id}.{format}", tag = "open311", params(("service_request_id" = String, Path), ("format" = String, Path)),
    responses((status = 200, description = "a list of one service request"), (status = 404, description = "unknown id")))]
pub async fn get_request(st: &AppState, id: &str, f: Format) -> Response {
    let filter = PublicFilter {
        codes: vec![id.to_string()],
        limit: 1,
        ..Default::default()
    };
    match cases::public_cases(&st.db, &filter).await {
        Ok(list) if !list.is_empty() => respond(
            StatusCode::OK,
            f,
            "service_requests",
            Value::Array(list.iter().map(request_json).collect()),
        ),
        Ok(_) => not_found(f),
        Err(e) => internal(f, e),
    }
}

/// The service request id behind a token.
#[utoipa::path(get, path = "/open311/v2/tokens/{token}.{format}", tag = "open311", params(("token" = String, Path), ("format" = String, Path)),
    responses((status = 200, description = "service_request_id and token"), (status = 404, description = "unknown token")))]
pub async fn get_token(st: &AppState, token: &str, f: Format) -> Response {
    match cases::code_for_token(&st.db, token).await {
        Ok(Some(code)) => respond(
            StatusCode::OK,
            f,
            "service_requests",
            json!([{"service_request_id": code, "token": token}]),
        ),
        Ok(None) => not_found(f),
        Err(e) => internal(f, e),
    }
}

/// Create a service request (form-encoded, with `api_key`): it becomes a case with source
/// `open311`, routed by `lat`/`long` or by `address_id` (a building code).
#[utoipa::path(post, path = "/open311/v2/requests.{format}", tag = "open311", params(("format" = String, Path)),
    request_body(content_type = "application/x-www-form-urlencoded", content = String, description = "api_key, service_code, lat, long | address_id, address_string, description, email, first_name, last_name, phone"),
    responses((status = 201, description = "[{service_request_id, service_notice, account_id, token}]"), (status = 400, description = "missing or invalid field"), (status = 403, description = "missing or bad api_key")))]
pub async fn create_request(st: &AppState, form: &HashMap<String, String>, f: Format) -> Response {
    let field = |k: &str| form.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let Some(key) = field("api_key") else {
        return error(f, StatusCode::FORBIDDEN, "api_key was not provided");
    };
    let key = match zongguan_db::api_keys::find(&st.db, &sha256_hex(key)).await {
        Ok(Some(k)) => k,
        Ok(None) => return error(f, StatusCode::FORBIDDEN, "api_key is invalid"),
        Err(e) => return internal(f, e),
    };
    let Some(service_code) = field("service_code") else {
        return error(f, StatusCode::BAD_REQUEST, "service_code was not provided");
    };
    let location = match (field("lat"), field("long")) {
        (Some(lat), Some(lon)) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) => Some(Location { lon, lat }),
            _ => return error(f, StatusCode::BAD_REQUEST, "lat and long must be numbers"),
        },
        (None, None) => None,
        _ => return error(f, StatusCode::BAD_REQUEST, "lat and long go together"),
    };
    let building = field("address_id").map(String::from);
    if location.is_none() && building.is_none() {
        return error(
            f,
            StatusCode::BAD_REQUEST,
            "a location is required: lat and long, or address_id (a building code)",
        );
    }
    let name: String = [field("last_name"), field("first_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("");
    let contact: String = [field("email"), field("phone")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mut n = NewCase::new(service_code, field("description").unwrap_or(""));
    if n.description.trim().is_empty() {
        n.description = format!("Open311 service request {service_code}");
    }
    n.location = location;
    n.building_code = building;
    n.address = field("address_string").map(|s| s.chars().take(200).collect());
    n.source = Some("open311".into());
    n.reporter_name = Some(if name.is_empty() { key.name.clone() } else { name });
    n.reporter_contact = Some(contact.chars().take(200).collect());
    let token = crate::http::cases::random_token();
    n.open311_token = Some(token.clone());
    let user = Actor::system(&format!("open311:{}", key.name));
    let created = match cases::create(&st.db, &user, n).await {
        Ok(c) => c,
        Err(zongguan_db::DbError::Validation { field, message }) => {
            let field = match field.as_str() {
                "item_code" => "service_code",
                "location" => "lat/long",
                "building_code" => "address_id",
                other => other,
            }
            .to_string();
            return error(f, StatusCode::BAD_REQUEST, &format!("{field}: {message}"));
        }
        Err(e) => return internal(f, e),
    };
    let notice = format!(
        "已受理登记，事件编号 {}，承办：{}，预计 {} 前受理",
        created.case.code,
        created.case.community_name,
        created.case.deadline_at.map(w3c).unwrap_or_default()
    );
    respond(
        StatusCode::CREATED,
        f,
        "service_requests",
        json!([{"service_request_id": created.case.code, "service_notice": notice, "account_id": null, "token": token}]),
    )
}

// ---------- routing ----------

pub async fn root_get(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some((stem, f)) = split(&file) else {
        return not_found(Format::Json);
    };
    match stem {
        "discovery" => discovery(&headers, f).await,
        "services" => services(&st, f).await,
        "requests" => list_requests(&st, &params(q.unwrap_or_default().as_bytes()), f).await,
        _ => not_found(f),
    }
}

pub async fn root_post(
    State(st): State<AppState>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let Some((stem, f)) = split(&file) else {
        return not_found(Format::Json);
    };
    if stem != "requests" {
        return error(f, StatusCode::METHOD_NOT_ALLOWED, "only requests accept POST");
    }
    // Form body per the spec; parameters on the query string are read too (some clients send them there).
    let mut form = params(q.unwrap_or_default().as_bytes());
    form.extend(params(&body));
    create_request(&st, &form, f).await
}

pub async fn service_get(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match split(&file) {
        Some((code, f)) => service_definition(&st, code, f).await,
        None => not_found(Format::Json),
    }
}

pub async fn request_get(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match split(&file) {
        Some((id, f)) => get_request(&st, id, f).await,
        None => not_found(Format::Json),
    }
}

pub async fn token_get(State(st): State<AppState>, Path(file): Path<String>) -> Response {
    match split(&file) {
        Some((token, f)) => get_token(&st, token, f).await,
        None => not_found(Format::Json),
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(discovery, services, service_definition, list_requests, get_request, get_token, create_request),
    tags((name = "open311", description = "Open311 GeoReport v2（http://wiki.open311.org/GeoReport_v2）：服务即事件小类，请求即公众渠道的事件；JSON 与 XML"))
)]
pub struct Open311Doc;
