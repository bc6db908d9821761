//! Service requests: the list, one by id, a token, and a new one POSTed by a client with its key.
use std::collections::HashMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};
use zongguan_core::case_flow::CaseState;
use zongguan_db::Actor;
use zongguan_db::cases::{self, Case, Location, NewCase, PublicFilter};

use super::form::{Form, full_name};
use super::format::{Format, error, internal, not_found, parse_time, respond, w3c};
use crate::app::AppState;
use crate::caller::sha256_hex;
use crate::http::cases::PhotoFile;

fn status_of(c: &Case) -> &'static str {
    if CaseState::parse(&c.state).is_some_and(|s| cases::OPEN_STATES.contains(&s)) {
        "open"
    } else {
        "closed"
    }
}

/// What the client tells the reporter: where the case went and by when it is taken on.
fn notice_of(c: &Case) -> String {
    let to = if c.unlocated {
        format!("{}（地址待中心定位）", c.community_name)
    } else {
        c.community_name.clone()
    };
    match (CaseState::parse(&c.state), c.deadline_at) {
        (Some(CaseState::Reported), Some(d)) => {
            format!("已登记，事件编号 {}，承办：{to}，预计 {} 前受理", c.code, w3c(d))
        }
        _ => format!("事件编号 {}，承办：{to}，{}", c.code, c.state_name),
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
        "service_notice": notice_of(c),
        "requested_datetime": w3c(c.reported_at),
        "updated_datetime": w3c(c.updated_at),
        "expected_datetime": c.deadline_at.map(w3c),
        "address": c.address,
        "address_id": c.building_code,
        "zipcode": "",
        "lat": c.location.map(|l| l.lat),
        "long": c.location.map(|l| l.lon),
        "media_url": c.media_url,
    })
}

fn list(q: &HashMap<String, String>, key: &str) -> Vec<String> {
    q.get(key)
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Service requests from the public channels (Open311 and the portal), newest first: by id list
/// (which overrides every other parameter), or by services (a comma list), dates (default the
/// last 90 days) and status; at most 1,000.
#[utoipa::path(get, path = "/open311/v2/requests.{format}", tag = "open311",
    params(("format" = String, Path), ("service_request_id" = Option<String>, Query, description = "comma list; overrides every other parameter"), ("service_code" = Option<String>, Query, description = "comma list"), ("start_date" = Option<String>, Query), ("end_date" = Option<String>, Query), ("status" = Option<String>, Query, description = "open | closed")),
    responses((status = 200, description = "service requests"), (status = 400, description = "invalid parameter")))]
pub async fn list_requests(st: &AppState, q: &HashMap<String, String>, f: Format) -> Response {
    let mut filter = PublicFilter {
        limit: 1000,
        codes: list(q, "service_request_id"),
        ..Default::default()
    };
    if filter.codes.is_empty() {
        filter.item_codes = list(q, "service_code");
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
        if filter.from.is_none() {
            filter.from = Some(filter.to.unwrap_or_else(Utc::now) - chrono::TimeDelta::days(90));
        }
        filter.open = match q.get("status").map(|s| s.as_str()) {
            None | Some("") | Some("open,closed") | Some("closed,open") => None,
            Some("open") => Some(true),
            Some("closed") => Some(false),
            Some(_) => return error(f, StatusCode::BAD_REQUEST, "status must be open or closed"),
        };
    }
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

/// The service request id behind a token (tokens were answered by earlier versions; a POST now
/// answers the id itself, since the case is made at once).
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

fn bad(f: Format, message: &str) -> Response {
    error(f, StatusCode::BAD_REQUEST, message)
}

/// Create a service request with `api_key` in the body (never the URL), form-encoded or
/// multipart with a photo (`media`). It becomes a case with source `open311`, located by
/// `lat`/`long`, `address_id` (a building code) or `address_string` (a building's code, name or
/// address; one no building matches is held, unlocated, by the district center). 60 POSTs a
/// minute per key.
#[utoipa::path(post, path = "/open311/v2/requests.{format}", tag = "open311", params(("format" = String, Path)),
    request_body(content_type = "application/x-www-form-urlencoded", content = String, description = "api_key, service_code, lat, long | address_string | address_id, description (≤ 4,000), media_url, email, phone, first_name, last_name; multipart/form-data also takes a photo as `media`"),
    responses((status = 201, description = "[{service_request_id, service_notice, account_id}]"), (status = 400, description = "missing or invalid field, or api_key in the URL"), (status = 403, description = "missing, bad or revoked api_key"), (status = 404, description = "unknown service_code"), (status = 429, description = "more than 60 POSTs in a minute (Retry-After)")))]
pub async fn create_request(st: &AppState, query: &HashMap<String, String>, form: Form, f: Format) -> Response {
    if query.contains_key("api_key") {
        return bad(f, "api_key must be sent in the request body, not in the URL");
    }
    // Other parameters on the query string are read too (some clients send them there).
    let mut form = form;
    for (k, v) in query {
        form.fields.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let photo = form.photo.take();
    let Some(key) = form.get("api_key") else {
        return error(f, StatusCode::FORBIDDEN, "api_key was not provided");
    };
    let key = match zongguan_db::api_keys::find(&st.db, &sha256_hex(key)).await {
        Ok(Some(k)) => k,
        Ok(None) => return error(f, StatusCode::FORBIDDEN, "api_key is invalid or revoked"),
        Err(e) => return internal(f, e),
    };
    if let Err(wait) = st.open311_limits.take(key.id) {
        let mut r = error(
            f,
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "more than {} requests a minute with this api_key",
                super::limits::POSTS_PER_MINUTE
            ),
        );
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let Some(service_code) = form.get("service_code") else {
        return bad(f, "service_code was not provided");
    };
    let location = match (form.get("lat"), form.get("long")) {
        (Some(lat), Some(lon)) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) => Some(Location { lon, lat }),
            _ => return bad(f, "lat and long must be numbers"),
        },
        (None, None) => None,
        _ => return bad(f, "lat and long go together"),
    };
    let building = form.get("address_id").map(String::from);
    let address = form.get("address_string");
    if location.is_none() && building.is_none() && address.is_none() {
        return bad(
            f,
            "a location is required: lat and long, address_string, or address_id (a building code)",
        );
    }
    let media_url = form.get("media_url");
    if let Some(u) = media_url {
        let lower = u.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return bad(f, "media_url must be an http or https URL");
        }
    }
    let name = full_name(form.get("first_name"), form.get("last_name"));
    if name.chars().count() > 100 {
        return bad(f, "first_name and last_name together are limited to 100 characters");
    }
    let contact = [form.get("email"), form.get("phone")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if contact.chars().count() > 150 {
        return bad(f, "email and phone together are limited to 150 characters");
    }
    // Checked (and thumbnailed) before the case is made: a bad photo refuses the request.
    let photo = match photo.map(PhotoFile::sniff) {
        Some(Ok(p)) => match p.thumbnailed().await {
            Ok(p) => Some(p),
            Err(e) => return bad(f, &format!("media: {}", e.message)),
        },
        Some(Err(e)) => return bad(f, &format!("media: {}", e.message)),
        None => None,
    };
    let mut n = NewCase::new(service_code, form.get("description").unwrap_or(""));
    if n.description.trim().is_empty() {
        n.description = format!("Open311 service request {service_code}");
    }
    n.location = location;
    n.building_code = building;
    n.address = address.map(|s| s.chars().take(200).collect());
    n.place_later = true;
    n.media_url = media_url.map(String::from);
    n.source = Some("open311".into());
    n.reporter_name = Some(if name.is_empty() { key.name.clone() } else { name });
    n.reporter_contact = Some(contact);
    let user = Actor::system(&format!("open311:{}", key.name));
    let created = match cases::create(&st.db, &user, n).await {
        Ok(c) => c,
        Err(zongguan_db::DbError::Validation { field, message }) if field == "item_code" => {
            return error(f, StatusCode::NOT_FOUND, &format!("service_code: {message}"));
        }
        Err(zongguan_db::DbError::Validation { field, message }) => {
            let field = match field.as_str() {
                "location" => "lat/long",
                "building_code" => "address_id",
                "address" => "address_string",
                other => other,
            };
            return bad(f, &format!("{field}: {message}"));
        }
        Err(e) => return internal(f, e),
    };
    let case = created.case;
    if let Some(p) = photo {
        // The case exists: a photo that cannot be stored is logged, not answered as a failure
        // (the client would send the report again).
        let stored = match p.put(st, case.id, "report".into()).await {
            Ok(new) => cases::add_photo(&st.db, &user, case.id, new)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.message),
        };
        if let Err(e) = stored {
            tracing::error!(case = %case.code, error = %e, "open311: the report's photo was not stored");
        }
    }
    respond(
        StatusCode::CREATED,
        f,
        "service_requests",
        json!([{"service_request_id": case.code, "service_notice": notice_of(&case), "account_id": null}]),
    )
}
