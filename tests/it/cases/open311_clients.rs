//! Open311 as a real client uses it: strict XML, multipart with a photo, address strings, the
//! spec's limits and answers, keys revoked and rate-limited, service request updates, and the
//! reporter's contact sealed and masked. Answers are read back with a real XML parser.
use std::collections::HashMap;

use crate::common::{Client, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use zongguan_db::sea_orm::{ConnectionTrait, Statement};

use super::*;

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("json {e}: {}", self.body))
    }
}

async fn send(router: &axum::Router, method: &str, path: &str, ct: Option<&str>, body: Vec<u8>) -> Answer {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "evil.example");
    if let Some(ct) = ct {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    let resp = router
        .clone()
        .oneshot(req.body(Body::from(body)).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).expect("answers are UTF-8"),
    }
}

async fn get(app: &TestApp, path: &str) -> Answer {
    send(&app.router, "GET", path, None, vec![]).await
}

async fn post_form(app: &TestApp, path: &str, form: &str) -> Answer {
    send(
        &app.router,
        "POST",
        path,
        Some("application/x-www-form-urlencoded"),
        form.as_bytes().to_vec(),
    )
    .await
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(8, 6, |x, y| image::Rgb([(x * 30) as u8, (y * 40) as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// XML 1.0 §2.2: the characters a document may hold.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// A small GeoReport client: the root's name and, for each element under it, its children's
/// texts by name. Panics on anything a strict parser refuses.
fn xml_list(xml: &str) -> (String, Vec<HashMap<String, String>>) {
    use quick_xml::events::Event;
    assert!(xml.chars().all(xml_char), "a character XML 1.0 forbids: {xml:?}");
    let mut r = quick_xml::Reader::from_str(xml);
    r.config_mut().check_end_names = true;
    let (mut root, mut items, mut depth) = (String::new(), Vec::new(), 0);
    let mut field = String::new();
    loop {
        match r.read_event().unwrap_or_else(|e| panic!("not well-formed: {e}: {xml}")) {
            Event::Start(e) => {
                depth += 1;
                let name = e.name().0.to_string();
                match depth {
                    1 => root = name,
                    2 => items.push(HashMap::new()),
                    3 => {
                        field = name;
                        if let Some(m) = items.last_mut() {
                            m.insert(field.clone(), String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) if depth == 2 => {
                let name = e.name().0.to_string();
                if let Some(m) = items.last_mut() {
                    m.insert(name, String::new());
                }
            }
            Event::End(_) => depth -= 1,
            Event::Text(t) if depth == 3 => {
                let s = t.into_inner().into_owned();
                if let Some(v) = items.last_mut().and_then(|m| m.get_mut(&field)) {
                    v.push_str(&s);
                }
            }
            Event::GeneralRef(g) if depth == 3 => {
                let s = match g.resolve_char_ref().expect("char ref") {
                    Some(c) => c.to_string(),
                    None => match g.into_inner().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity {other}"),
                    },
                };
                if let Some(v) = items.last_mut().and_then(|m| m.get_mut(&field)) {
                    v.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unclosed elements: {xml}");
    (root, items)
}

async fn new_key(app: &TestApp) -> (String, i64) {
    let (s, k) = app
        .login("admin")
        .await
        .post("/api/v1/api-keys", json!({"name":"客户端"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    (
        k["api_key"].as_str().expect("key").to_string(),
        k["id"].as_i64().expect("id"),
    )
}

/// POSTs a located request and answers its id.
async fn post_request(app: &TestApp, key: &str, extra: &str) -> String {
    let (lon, lat) = point_in(app, GRID, 11).await;
    let a = post_form(
        app,
        "/open311/v2/requests.json",
        &format!("api_key={key}&service_code=0301&lat={lat}&long={lon}&{extra}"),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.json()[0]["service_request_id"].as_str().expect("id").to_string()
}

async fn case_id(app: &TestApp, code: &str) -> i64 {
    let row = app
        .db
        .conn
        .query_one_raw(Statement::from_string(
            app.db.conn.get_database_backend(),
            format!("SELECT id FROM case_record WHERE code = '{code}'"),
        ))
        .await
        .expect("query")
        .expect("row");
    row.try_get::<i64>("", "id").expect("id")
}

async fn one_string(app: &TestApp, sql: String, col: &str) -> Option<String> {
    let row = app
        .db
        .conn
        .query_one_raw(Statement::from_string(app.db.conn.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("row");
    row.try_get::<Option<String>>("", col).expect("column")
}

on_both!(
    open311_refuses_and_never_emits_control_characters,
    |app: TestApp| async move {
        geography(&app).await;
        let (key, _) = new_key(&app).await;
        let (lon, lat) = point_in(&app, GRID, 3).await;
        for (ch, hex) in [("\u{b}", "U+000B"), ("\u{1b}", "U+001B")] {
            let a = post_form(
                &app,
                "/open311/v2/requests.xml",
                &format!(
                    "api_key={key}&service_code=0301&lat={lat}&long={lon}&description={}",
                    enc(&format!("路灯{ch}不亮"))
                ),
            )
            .await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
            let (root, errors) = xml_list(&a.body);
            assert_eq!(root, "errors");
            let d = &errors[0]["description"];
            assert!(d.contains("description") && d.contains(hex), "{d}");
        }
        // A row stored before the check (or by another channel): stripped on the way out.
        let id = post_request(&app, &key, &format!("description={}", enc("路灯不亮 & <灭>"))).await;
        app.db
            .conn
            .execute_unprepared(&format!(
                "UPDATE case_record SET description = 'a' || char(11) || 'b' || char(27) || 'c' WHERE code = '{id}'"
            ))
            .await
            .ok();
        if app.db.conn.get_database_backend() == zongguan_db::sea_orm::DbBackend::Postgres {
            app.db
                .conn
                .execute_unprepared(&format!(
                    "UPDATE case_record SET description = 'a' || chr(11) || 'b' || chr(27) || 'c' WHERE code = '{id}'"
                ))
                .await
                .expect("update");
        }
        let a = get(&app, "/open311/v2/requests.xml").await;
        assert_eq!(a.status, StatusCode::OK);
        let (root, list) = xml_list(&a.body);
        assert_eq!(root, "service_requests");
        assert_eq!(list[0]["description"], "abc");
        let a = get(&app, &format!("/open311/v2/requests/{id}.json")).await;
        assert_eq!(a.json()[0]["description"], "abc");
    }
);

on_both!(open311_multipart_with_a_photo, |app: TestApp| async move {
    geography(&app).await;
    let (key, _) = new_key(&app).await;
    let (lon, lat) = point_in(&app, GRID, 4).await;
    let boundary = "zgBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (k, v) in [
        ("api_key", key.as_str()),
        ("service_code", "0301"),
        ("lat", &lat.to_string()),
        ("long", &lon.to_string()),
        ("description", "井盖缺失"),
    ] {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    body.extend(png());
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let a = send(
        &app.router,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let code = a.json()[0]["service_request_id"].as_str().expect("id").to_string();
    let id = case_id(&app, &code).await;
    let center = app.login("community_003002").await;
    let (_, d) = center.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["description"], "井盖缺失");
    assert_eq!(d["photos"].as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(d["photos"][0]["stage"], "report");
    assert_eq!(d["photos"][0]["content_type"], "image/png");
    assert!(d["thumb_url"].is_string(), "{d}");
    // A file that is no image refuses the request, and makes no case.
    let bad = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\n{key}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"service_code\"\r\n\r\n0301\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"address_string\"\r\n\r\nx\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.txt\"\r\n\r\nhello\r\n--{boundary}--\r\n"
    );
    let a = send(
        &app.router,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("multipart/form-data; boundary={boundary}")),
        bad.into_bytes(),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let (_, list) = center.get("/api/v1/cases?source=open311").await;
    assert_eq!(list["total"], 1);
});

on_both!(open311_address_string_alone, |app: TestApp| async move {
    geography(&app).await;
    let (key, _) = new_key(&app).await;
    let officer = app.login("district_officer").await;
    let grid = app.unit_id(GRID).await;
    let (s, v) = officer
        .post(
            "/api/v1/buildings",
            json!({"code":"OPN-1","name":"良安田新村3栋","address":"平湖街道良安田新村3栋","grid_id":grid,"lon":114.12,"lat":22.68,"use_type":"住宅"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // A building's address: located at the building, in its grid.
    let a = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!(
            "api_key={key}&service_code=0301&address_string={}",
            enc("平湖街道良安田新村3栋")
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let code = a.json()[0]["service_request_id"].as_str().expect("id").to_string();
    let (_, d) = officer
        .get(&format!("/api/v1/cases/{}", case_id(&app, &code).await))
        .await;
    assert_eq!(
        (
            d["building_code"].as_str(),
            d["grid_code"].as_str(),
            d["unlocated"].as_bool()
        ),
        (Some("OPN-1"), Some(GRID), Some(false)),
        "{d}"
    );
    // An address nothing matches: accepted, unlocated, held by the district center.
    let a = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!(
            "api_key={key}&service_code=0301&address_string={}",
            enc("某某路口东北角")
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let r = a.json();
    let code = r[0]["service_request_id"].as_str().expect("id").to_string();
    assert!(
        r[0]["service_notice"].as_str().is_some_and(|n| n.contains("定位")),
        "{r}"
    );
    let id = case_id(&app, &code).await;
    let (s, d) = officer.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (
            d["unlocated"].as_bool(),
            d["level"].as_str(),
            d["address"].as_str(),
            d["location"].is_null()
        ),
        (Some(true), Some("district"), Some("某某路口东北角"), true),
        "{d}"
    );
    assert!(
        d["allowed_actions"]
            .as_array()
            .expect("actions")
            .contains(&json!("accept")),
        "{d}"
    );
    let (_, inbox) = officer.get("/api/v1/cases/inbox").await;
    assert!(ids(&inbox).contains(&id), "in the district center's inbox: {inbox}");
    let (s, _) = app
        .login("community_003002")
        .await
        .get(&format!("/api/v1/cases/{id}"))
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "a community does not see it until it is placed"
    );
    let a = get(&app, &format!("/open311/v2/requests/{code}.json")).await;
    let r = a.json();
    assert_eq!(
        (r[0]["lat"].is_null(), r[0]["address"].as_str()),
        (true, Some("某某路口东北角"))
    );
    // Nothing at all still answers 400.
    let a = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!("api_key={key}&service_code=0301"),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
});

on_both!(open311_spec_limits_and_answers, |app: TestApp| async move {
    geography(&app).await;
    let (key, _) = new_key(&app).await;
    // 4,000 characters are the spec's limit.
    let long = "灯".repeat(4000);
    let id = post_request(&app, &key, &format!("description={}", enc(&long))).await;
    let a = get(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(
        a.json()[0]["description"].as_str().map(|d| d.chars().count()),
        Some(4000)
    );
    let (lon, lat) = point_in(&app, GRID, 12).await;
    let a = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!(
            "api_key={key}&service_code=0301&lat={lat}&long={lon}&description={}",
            enc(&"灯".repeat(4001))
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    // media_url is kept, returned, and in the case detail; only http(s).
    let id = post_request(
        &app,
        &key,
        "media_url=https%3A%2F%2Fimg.example.cn%2Fa.jpg&first_name=John&last_name=Smith",
    )
    .await;
    let a = get(&app, &format!("/open311/v2/requests/{id}.xml")).await;
    let (_, list) = xml_list(&a.body);
    assert_eq!(list[0]["media_url"], "https://img.example.cn/a.jpg");
    assert!(!list[0]["service_notice"].is_empty(), "{:?}", list[0]);
    let center = app.login("community_003002").await;
    let (_, d) = center.get(&format!("/api/v1/cases/{}", case_id(&app, &id).await)).await;
    assert_eq!(
        (d["media_url"].as_str(), d["reporter_name"].as_str()),
        (Some("https://img.example.cn/a.jpg"), Some("John Smith"))
    );
    let a = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!("api_key={key}&service_code=0301&lat={lat}&long={lon}&media_url=javascript%3Aalert(1)"),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // A Chinese name: family name first, no space.
    let id2 = post_request(&app, &key, &format!("first_name={}&last_name={}", enc("三"), enc("张"))).await;
    let (_, d) = center
        .get(&format!("/api/v1/cases/{}", case_id(&app, &id2).await))
        .await;
    assert_eq!(d["reporter_name"], "张三");
    // Unknown service: 404. The answer names the request, not a token.
    let a = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!("api_key={key}&service_code=9999&lat={lat}&long={lon}"),
    )
    .await;
    assert_eq!(
        (a.status, a.json()[0]["code"].as_u64()),
        (StatusCode::NOT_FOUND, Some(404))
    );
    // A body that is not UTF-8 (here a GBK escape and raw bytes): 400, nothing stored.
    let a = post_form(
        &app,
        "/open311/v2/requests.json",
        &format!("api_key={key}&service_code=0301&lat={lat}&long={lon}&description=%C2%B7%B5%C6"),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let mut raw = format!("api_key={key}&service_code=0301&lat={lat}&long={lon}&description=").into_bytes();
    raw.extend([0xC2, 0xB7, 0xB5, 0xC6]);
    let a = send(
        &app.router,
        "POST",
        "/open311/v2/requests.json",
        Some("application/x-www-form-urlencoded"),
        raw,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    // service_request_id overrides every other filter; service_code is a comma list.
    let a = get(
        &app,
        &format!("/open311/v2/requests.json?service_request_id={id},{id2}&status=closed&service_code=0101&start_date=2000-01-01T00:00:00Z&end_date=2000-01-02T00:00:00Z"),
    )
    .await;
    assert_eq!(a.json().as_array().map(Vec::len), Some(2), "{}", a.body);
    report(
        &app.login("grid_00300201").await,
        "0101",
        point_in(&app, GRID, 13).await,
    )
    .await;
    let a = get(&app, "/open311/v2/requests.json?service_code=0301,0101").await;
    assert_eq!(a.json().as_array().map(Vec::len), Some(3), "internal cases stay out");
    let a = get(&app, "/open311/v2/requests.json?service_code=0101").await;
    assert_eq!(a.json(), json!([]));
    // Discovery names the configured address, never the Host header.
    let mut config = crate::common::test_config();
    config.public_url = Some("https://zg.longgang.example/".into());
    let router = app.with_config(config);
    let a = send(&router, "GET", "/open311/v2/discovery.xml", None, vec![]).await;
    let (root, endpoints) = xml_list(&a.body);
    assert_eq!(root, "discovery");
    assert!(
        a.body.contains("<url>https://zg.longgang.example/open311/v2</url>"),
        "{}",
        a.body
    );
    assert!(!a.body.contains("evil.example"));
    assert!(!endpoints.is_empty());
});

on_both!(
    open311_keys_revoked_kept_out_of_urls_and_rate_limited,
    |app: TestApp| async move {
        geography(&app).await;
        let (key, key_id) = new_key(&app).await;
        let (lon, lat) = point_in(&app, GRID, 5).await;
        // Not in the query string of a POST (URLs end up in logs).
        let a = post_form(
            &app,
            &format!("/open311/v2/requests.json?api_key={key}"),
            &format!("service_code=0301&lat={lat}&long={lon}"),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
        assert!(
            a.json()[0]["description"]
                .as_str()
                .is_some_and(|d| d.contains("api_key"))
        );
        // 60 POSTs a minute per key, then 429 with Retry-After.
        for _ in 0..60 {
            let a = post_form(&app, "/open311/v2/requests.json", &format!("api_key={key}")).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
        }
        let a = post_form(
            &app,
            "/open311/v2/requests.json",
            &format!("api_key={key}&service_code=0301&lat={lat}&long={lon}"),
        )
        .await;
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
        let wait: u64 = a.headers[header::RETRY_AFTER]
            .to_str()
            .expect("header")
            .parse()
            .expect("seconds");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(a.json()[0]["code"], 429);
        // Another key has its own minute; a revoked key is refused.
        let (other, other_id) = new_key(&app).await;
        post_request(&app, &other, "").await;
        let admin = app.login("admin").await;
        let (s, _) = app
            .login("community_003002")
            .await
            .delete(&format!("/api/v1/api-keys/{other_id}"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, v) = admin.delete(&format!("/api/v1/api-keys/{other_id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["revoked_at"].is_string(), "{v}");
        let a = post_form(
            &app,
            "/open311/v2/requests.json",
            &format!("api_key={other}&service_code=0301&lat={lat}&long={lon}"),
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        let (s, _) = admin.delete("/api/v1/api-keys/999999").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, keys) = admin.get("/api/v1/api-keys").await;
        let listed: Vec<(i64, bool)> = keys["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|k| (k["id"].as_i64().unwrap_or(0), k["revoked_at"].is_string()))
            .collect();
        assert_eq!(listed, vec![(key_id, false), (other_id, true)]);
    }
);

/// Updates of one request, as a client reads them: (status, description).
fn updates_of(list: &[HashMap<String, String>], code: &str) -> Vec<(String, String)> {
    list.iter()
        .filter(|u| u["service_request_id"] == code)
        .map(|u| (u["status"].clone(), u["description"].clone()))
        .collect()
}

async fn step(c: &Client, id: i64, action: Value) -> Value {
    let (_, cur) = c.get(&format!("/api/v1/cases/{id}")).await;
    ok(c, id, action, &cur["version"]).await
}

on_both!(open311_service_request_updates, |app: TestApp| async move {
    geography(&app).await;
    let (key, _) = new_key(&app).await;
    let center = app.login("community_003002").await;
    // One case all the way to closure.
    let fixed = post_request(
        &app,
        &key,
        "description=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE&media_url=https%3A%2F%2Fimg.example.cn%2F1.jpg",
    )
    .await;
    let id = case_id(&app, &fixed).await;
    // The department the case was routed to acts through its handler account.
    step(&center, id, json!({"action":"accept"})).await;
    step(&center, id, json!({"action":"dispatch"})).await;
    let (_, d) = center.get(&format!("/api/v1/cases/{id}")).await;
    let dept = d["department_code"].as_str().expect("department").to_string();
    let handler = app.login(&format!("dept_{}", dept.replace('-', "_"))).await;
    step(&handler, id, json!({"action":"start"})).await;
    step(&handler, id, json!({"action":"feedback","note":"已更换灯泡"})).await;
    step(&center, id, json!({"action":"verify","passed":true})).await;
    step(&center, id, json!({"action":"close"})).await;
    // One rejected, one returned by the department, one merged into the first open one.
    let rejected = post_request(&app, &key, "").await;
    step(
        &center,
        case_id(&app, &rejected).await,
        json!({"action":"reject","reason":"不属于受理范围"}),
    )
    .await;
    let returned = post_request(&app, &key, "").await;
    let rid = case_id(&app, &returned).await;
    step(&center, rid, json!({"action":"accept"})).await;
    step(&center, rid, json!({"action":"return","reason":"请补充位置"})).await;
    let merged = post_request(&app, &key, "").await;
    let (s, v) = center
        .post(
            &format!("/api/v1/cases/{}/merge", case_id(&app, &merged).await),
            json!({"into": rid, "version": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let start = "2000-01-01T00:00:00Z";
    let end = "2100-01-01T00:00:00+08:00".to_string();
    let a = get(
        &app,
        &format!(
            "/open311/v2/servicerequestupdates.xml?start_date={}&end_date={}",
            enc(start),
            enc(&end)
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let (root, list) = xml_list(&a.body);
    assert_eq!(root, "service_requests_updates");
    for u in &list {
        for f in [
            "update_id",
            "service_request_id",
            "status",
            "description",
            "updated_datetime",
            "media_url",
        ] {
            assert!(u.contains_key(f), "{f} in {u:?}");
        }
    }
    let statuses = |code: &str| updates_of(&list, code).into_iter().map(|(s, _)| s).collect::<Vec<_>>();
    assert_eq!(
        statuses(&fixed),
        [
            "open",
            "investigating",
            "action_scheduled",
            "in_progress",
            "in_progress",
            "in_progress",
            "fixed"
        ]
    );
    let texts: Vec<String> = updates_of(&list, &fixed).into_iter().map(|(_, d)| d).collect();
    for (i, word) in [(1, "受理"), (2, "派遣"), (3, "处置"), (6, "结案")] {
        assert!(texts[i].contains(word), "{i}: {texts:?}");
    }
    assert!(texts[4].contains("已更换灯泡"), "{texts:?}");
    let report_row = list
        .iter()
        .find(|u| u["service_request_id"] == fixed)
        .expect("report row");
    assert_eq!(report_row["media_url"], "https://img.example.cn/1.jpg");
    assert_eq!(statuses(&rejected), ["open", "no_further_action"]);
    assert_eq!(statuses(&returned), ["open", "investigating", "investigating"]);
    assert_eq!(statuses(&merged), ["open", "duplicate"]);
    for code in [&rejected, &returned, &merged] {
        assert!(
            !statuses(code).contains(&"fixed".to_string()),
            "{code} must not look fixed"
        );
    }
    // JSON, and the window: the default is the last day, a window in the past is empty.
    let a = get(&app, "/open311/v2/servicerequestupdates.json").await;
    let j = a.json();
    assert_eq!(j.as_array().map(Vec::len), Some(list.len()), "{j}");
    assert!(j[0]["updated_datetime"].as_str().is_some_and(|t| t.ends_with("+08:00")));
    let a = get(
        &app,
        "/open311/v2/servicerequestupdates.json?start_date=2000-01-01T00:00:00Z&end_date=2000-01-02T00:00:00Z",
    )
    .await;
    assert_eq!(a.json(), json!([]));
    let a = get(&app, "/open311/v2/servicerequestupdates.json?start_date=yesterday").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
});

on_both!(open311_reporter_contact_sealed_and_masked, |app: TestApp| async move {
    geography(&app).await;
    let (key, _) = new_key(&app).await;
    let code = post_request(&app, &key, "email=zhang.san%40qq.com&phone=13812345678").await;
    let id = case_id(&app, &code).await;
    // At rest: the masked form and a ciphertext, never the contact.
    let plain = one_string(
        &app,
        format!("SELECT reporter_contact FROM case_record WHERE id = {id}"),
        "reporter_contact",
    )
    .await;
    assert_eq!(plain.as_deref(), Some("z***@qq.com 138****5678"));
    let sealed = one_string(
        &app,
        format!("SELECT reporter_contact_enc FROM case_record WHERE id = {id}"),
        "reporter_contact_enc",
    )
    .await
    .expect("sealed");
    assert!(
        !sealed.contains("13812345678") && !sealed.contains("qq.com"),
        "{sealed}"
    );
    // A grid worker without resident:read_full: masked in the detail and the list, refused in full.
    let g = app.login("grid_00300201").await;
    let (_, d) = g.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["reporter_contact"], "z***@qq.com 138****5678");
    let (_, l) = g.get("/api/v1/cases?source=open311").await;
    assert_eq!(l["items"][0]["reporter_contact"], "z***@qq.com 138****5678", "{l}");
    let (s, _) = g.get(&format!("/api/v1/cases/{id}?unmasked=true")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // With the permission: in full, audited.
    let officer = app.login("district_officer").await;
    let (s, d) = officer.get(&format!("/api/v1/cases/{id}?unmasked=true")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["reporter_contact"], "zhang.san@qq.com 13812345678");
    let audited = |result: &'static str| {
        let app = &app;
        async move {
            app.db
                .conn
                .query_one_raw(Statement::from_string(
                    app.db.conn.get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read_unmasked' AND object_type = 'case' AND object_id = '{id}' AND result = '{result}'"),
                ))
                .await
                .expect("query")
                .expect("row")
                .try_get::<i64>("", "n")
                .expect("n")
        }
    };
    assert_eq!(
        (audited("success").await, audited("denied").await),
        (1, 1),
        "one read in full, one refused"
    );
    // A contact stored in plain text before migration 13 is sealed at the next start.
    app.db
        .conn
        .execute_unprepared(&format!(
            "UPDATE case_record SET reporter_contact = '13900001111', reporter_contact_enc = NULL WHERE id = {id}"
        ))
        .await
        .expect("old row");
    assert_eq!(
        zongguan_db::cases::seal_reporter_contacts(&app.db).await.expect("seal"),
        1
    );
    assert_eq!(
        zongguan_db::cases::seal_reporter_contacts(&app.db)
            .await
            .expect("again"),
        0
    );
    let (_, d) = officer.get(&format!("/api/v1/cases/{id}?unmasked=true")).await;
    assert_eq!(d["reporter_contact"], "13900001111");
    let (_, d) = g.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(d["reporter_contact"], "139****1111");
});
