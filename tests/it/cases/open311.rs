//! Open311 GeoReport v2.
use crate::common::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;
use zongguan_db::sea_orm::ConnectionTrait;

use super::*;

async fn raw(app: &TestApp, method: &str, path: &str, form: Option<&str>) -> (StatusCode, String, String) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "zongguan.test");
    let body = match form {
        Some(f) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f.to_string())
        }
        None => Body::empty(),
    };
    let resp = app
        .router
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, ct, String::from_utf8_lossy(&bytes).into_owned())
}

fn js(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("json {e}: {s}"))
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

on_both!(open311_georeport_v2, |app: TestApp| async move {
    geography(&app).await;
    // Discovery in both formats.
    let (s, ct, body) = raw(&app, "GET", "/open311/v2/discovery.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("application/json"));
    let d = js(&body);
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    // From the configured address (default: the listen address), never from the Host header.
    assert_eq!(d["endpoints"][0]["url"], "http://127.0.0.1:8080/open311/v2");
    assert_eq!(d["endpoints"][0]["formats"], json!(["text/xml", "application/json"]));
    let (s, ct, body) = raw(&app, "GET", "/open311/v2/discovery.xml", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(ct.starts_with("text/xml"));
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><discovery>")
            && body.contains("<endpoints><endpoint><specification>"),
        "{body}"
    );

    // Services: the case items, with the spec's field names.
    let (_, _, body) = raw(&app, "GET", "/open311/v2/services.json", None).await;
    let services = js(&body);
    let list = services.as_array().expect("services");
    assert_eq!(list.len(), 163);
    let s0 = &list[0];
    for f in [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ] {
        assert!(s0.get(f).is_some(), "{f} in {s0}");
    }
    assert_eq!(
        (
            s0["service_code"].as_str(),
            s0["metadata"].as_bool(),
            s0["type"].as_str(),
            s0["group"].as_str()
        ),
        (Some("0101"), Some(false), Some("realtime"), Some("治安隐患"))
    );
    let (_, _, xml) = raw(&app, "GET", "/open311/v2/services.xml", None).await;
    assert!(
        xml.contains("<services><service><service_code>0101</service_code>")
            && xml.contains("<metadata>false</metadata>"),
        "{}",
        &xml[..300.min(xml.len())]
    );
    let (s, _, body) = raw(&app, "GET", "/open311/v2/services/0101.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(js(&body), json!({"service_code":"0101","attributes":[]}));
    let (s, _, xml) = raw(&app, "GET", "/open311/v2/services/0101.xml", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        xml.contains("<service_definition><service_code>0101</service_code>"),
        "{xml}"
    );
    let (s, _, body) = raw(&app, "GET", "/open311/v2/services/9999.json", None).await;
    assert_eq!((s, js(&body)[0]["code"].as_u64()), (StatusCode::NOT_FOUND, Some(404)));

    // POST without and with a bad key: 403 with the spec's error list.
    let (lon, lat) = point_in(&app, GRID, 10).await;
    let form = format!(
        "service_code=0301&lat={lat}&long={lon}&description={}&address_string={}&email=a%40b.cn&first_name={}",
        enc("路灯不亮"),
        enc("平湖街道良安田"),
        enc("小明")
    );
    let (s, _, body) = raw(&app, "POST", "/open311/v2/requests.json", Some(&form)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let e = js(&body);
    assert_eq!(e[0]["code"], 403);
    assert!(e[0]["description"].as_str().is_some_and(|d| d.contains("api_key")));
    let (s, _, xml) = raw(
        &app,
        "POST",
        "/open311/v2/requests.xml",
        Some(&format!("api_key=nope&{form}")),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(xml.contains("<errors><error><code>403</code><description>"), "{xml}");

    // A good key, issued by the administrator.
    let admin = app.login("admin").await;
    let (s, k) = admin.post("/api/v1/api-keys", json!({"name":"i深圳"})).await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let key = k["api_key"].as_str().expect("key").to_string();
    let (_, keys) = admin.get("/api/v1/api-keys").await;
    assert_eq!(keys["total"], 1, "{keys}");
    assert_eq!(keys["items"][0]["name"], "i深圳");
    let (s, _) = app
        .login("community_003002")
        .await
        .post("/api/v1/api-keys", json!({"name":"x"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, body) = raw(
        &app,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("api_key={key}&lat={lat}&long={lon}")),
    )
    .await;
    assert_eq!(
        (s, js(&body)[0]["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(400)),
        "missing service_code"
    );
    let (s, _, body) = raw(
        &app,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("api_key={key}&service_code=0301&lat=23.5&long=113.0")),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "outside every grid: {body}");
    let (s, _, body) = raw(
        &app,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("api_key={key}&{form}")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let created = js(&body);
    let r = &created[0];
    let id = r["service_request_id"].as_str().expect("id").to_string();
    assert!(id.starts_with("SJ"));
    assert!(r["service_notice"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(r.get("account_id").is_some_and(Value::is_null));
    // The case is made at once: the answer is its id, with no token to poll.
    assert!(r.get("token").is_none(), "{r}");

    // GET the request: open, with an expected time and the spec's field names.
    let (s, _, body) = raw(&app, "GET", &format!("/open311/v2/requests/{id}.json"), None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let got = js(&body);
    let r = &got[0];
    for f in [
        "service_request_id",
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
    ] {
        assert!(r.get(f).is_some(), "{f} in {r}");
    }
    assert_eq!(
        (
            r["status"].as_str(),
            r["service_code"].as_str(),
            r["description"].as_str()
        ),
        (Some("open"), Some("0301"), Some("路灯不亮"))
    );
    assert!(
        r["expected_datetime"].as_str().is_some_and(|t| t.ends_with("+08:00")),
        "{r}"
    );
    assert!(t(&r["expected_datetime"]) > t(&r["requested_datetime"]));
    assert_eq!(r["agency_responsible"], "区住房和建设局");
    let (s, _, xml) = raw(&app, "GET", &format!("/open311/v2/requests/{id}.xml"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        xml.contains(&format!(
            "<service_requests><request><service_request_id>{id}</service_request_id><status>open</status>"
        )),
        "{xml}"
    );
    let (_, _, body) = raw(
        &app,
        "GET",
        &format!("/open311/v2/requests.json?service_request_id={id}"),
        None,
    )
    .await;
    assert_eq!(js(&body).as_array().map(Vec::len), Some(1));
    let (_, _, body) = raw(&app, "GET", "/open311/v2/requests.json?status=closed", None).await;
    assert_eq!(js(&body), json!([]));
    let (s, _, _) = raw(&app, "GET", "/open311/v2/requests.json?start_date=yesterday", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = raw(&app, "GET", "/open311/v2/requests/SJ00000000000000.json", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Tokens answered by earlier versions still resolve.
    let token = "t0123456789abcdef01234567";
    app.db
        .conn
        .execute_unprepared(&format!(
            "UPDATE case_record SET open311_token = '{token}' WHERE code = '{id}'"
        ))
        .await
        .expect("token");
    let (s, _, body) = raw(&app, "GET", &format!("/open311/v2/tokens/{token}.json"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(js(&body), json!([{"service_request_id": id, "token": token}]));
    let (s, _, _) = raw(&app, "GET", "/open311/v2/tokens/nope.json", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The case is an ordinary case with source open311, in the community center's inbox.
    let center = app.login("community_003002").await;
    let (_, list) = center.get("/api/v1/cases?source=open311").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["code"], id.as_str());
    // Internal cases (grid workers) are not public.
    report(&app.login("grid_00300201").await, "0101", (lon, lat)).await;
    let (_, _, body) = raw(&app, "GET", "/open311/v2/requests.json", None).await;
    assert_eq!(js(&body).as_array().map(Vec::len), Some(1));
});
