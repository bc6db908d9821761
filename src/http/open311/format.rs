//! Writing Open311 answers: JSON as it is, XML with the spec's element names and order, the spec's
//! error list, W3C times, and no character an XML parser refuses.
use std::fmt::Write as _;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::error::is_forbidden_char;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `services.json` → ("services", Json).
pub fn split(file: &str) -> Option<(&str, Format)> {
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

/// Strips the characters input refuses from every string: rows stored before the check (or by
/// another channel) must not break a poller's XML parser.
fn clean(v: &mut Value) {
    match v {
        Value::String(s) if s.chars().any(is_forbidden_char) => s.retain(|c| !is_forbidden_char(c)),
        Value::Array(a) => a.iter_mut().for_each(clean),
        Value::Object(m) => m.values_mut().for_each(clean),
        _ => {}
    }
}

/// JSON as it is; XML with `root` around a list of child elements (or one object as `root`).
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
                "service_requests_updates" => "request_update",
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
        "request_update" => &[
            "update_id",
            "service_request_id",
            "status",
            "updated_datetime",
            "description",
            "media_url",
        ],
        _ => &[],
    }
}

pub fn respond(status: StatusCode, f: Format, root: &str, mut v: Value) -> Response {
    clean(&mut v);
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
pub fn error(f: Format, status: StatusCode, description: &str) -> Response {
    respond(
        status,
        f,
        "errors",
        json!([{"code": status.as_u16(), "description": description}]),
    )
}

pub fn not_found(f: Format) -> Response {
    error(f, StatusCode::NOT_FOUND, "not found")
}

pub fn internal(f: Format, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "open311");
    error(f, StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

/// W3C date-time in China Standard Time, e.g. `2026-11-26T09:30:00+08:00`.
pub fn w3c(t: DateTime<Utc>) -> String {
    t.with_timezone(&zongguan_core::time::cst())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_never_carries_a_control_character() {
        let mut out = String::new();
        let mut v = json!([{"description": "a\u{b}b\u{1b}c&<"}]);
        clean(&mut v);
        xml_of(&v, "service_requests", &mut out);
        assert_eq!(
            out,
            "<service_requests><request><description>abc&amp;&lt;</description></request></service_requests>"
        );
    }
}
