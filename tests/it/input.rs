//! Bad input answers a 4xx naming what is wrong, never a 5xx; on both databases.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestApp, assert_error};

on_both!(page_numbers_are_bounded, |app: TestApp| async move {
    let admin = app.login("admin").await;
    for page in ["9223372036854775808", "1000001", "0"] {
        let (s, v) = admin.get(&format!("/api/v1/org-units?page={page}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "page={page}: {v}");
        assert_eq!(v["error"]["field"], "page", "page={page}: {v}");
    }
    let (s, v) = admin.get("/api/v1/org-units?page=99999999999999999999999").await;
    assert!(s.is_client_error(), "a page past u64: {s} {v}");
    let (s, v) = admin.get("/api/v1/org-units?page_size=501").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "page_size");
    let (s, _) = admin.get("/api/v1/org-units?page=1000000").await;
    assert_eq!(s, StatusCode::OK, "the last page allowed is an empty page");
});

on_both!(a_unit_still_in_use_is_not_deleted, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let officer = app.login("district_officer").await;
    let grid = app.unit_id("44030700300201").await;
    // A building in the grid: the deletion answers 409 naming it, not a foreign-key 500.
    let (s, v) = officer
        .post(
            "/api/v1/buildings",
            json!({"code": "DEL-T1", "name": "测试楼", "grid_id": grid, "lon": 114.12, "lat": 22.68, "use_type": "住宅"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = admin.delete(&format!("/api/v1/org-units/{grid}")).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_error(&v, "conflict");
    let m = v["error"]["message"].as_str().unwrap_or_default();
    assert!(m.contains("楼栋 1 栋"), "names what depends on it: {m}");
});

on_both!(
    control_characters_are_refused_with_the_field,
    |app: TestApp| async move {
        let admin = app.login("district_officer").await;
        let grid = app.unit_id("44030700300201").await;
        for bad in ["测试\u{0}楼", "测试\u{b}楼", "测试\u{1b}[31m楼", "测试\u{85}楼"] {
            let (s, v) = admin
            .post(
                "/api/v1/buildings",
                json!({"code": "CTL-1", "name": bad, "grid_id": grid, "lon": 114.12, "lat": 22.68, "use_type": "住宅"}),
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {v}");
            assert_eq!(v["error"]["field"], "name", "{v}");
            assert!(
                v["error"]["message"].as_str().is_some_and(|m| m.contains("控制字符")),
                "{v}"
            );
        }
        // Line breaks and tabs are text.
        let (s, v) = admin
        .post(
            "/api/v1/buildings",
            json!({"code": "CTL-2", "name": "测试楼", "address": "平湖\t良安田\r\n1栋", "grid_id": grid, "lon": 114.12, "lat": 22.68, "use_type": "住宅"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
);

on_both!(search_wildcards_match_themselves, |app: TestApp| async move {
    let admin = app.login("admin").await;
    for q in ["%", "_", "%25"] {
        let (s, v) = admin.get(&format!("/api/v1/org-units?q={q}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 0, "q={q} matches no unit's name: {v}");
    }
    let (_, v) = admin.get("/api/v1/org-units?q=%E5%B9%B3%E6%B9%96").await;
    assert!(v["total"].as_u64().is_some_and(|n| n > 0), "平湖 still found: {v}");
});

on_both!(shapes_out_of_range_or_too_big_are_refused, |app: TestApp| async move {
    let admin = app.login("admin").await;
    let grid = app.unit_id("44030700300201").await;
    let square =
        |x: f64, y: f64, d: f64| json!({"type":"Polygon","coordinates":[[[x,y],[x+d,y],[x+d,y+d],[x,y+d],[x,y]]]});
    let mut many: Vec<Value> = (0..25_000)
        .map(|i| {
            let a = f64::from(i) / 25_000.0 * std::f64::consts::TAU;
            json!([114.12 + 0.001 * a.cos(), 22.68 + 0.001 * a.sin()])
        })
        .collect();
    many.push(many[0].clone());
    let bowtie =
        json!({"type":"Polygon","coordinates":[[[114.1,22.6],[114.2,22.7],[114.2,22.6],[114.1,22.7],[114.1,22.6]]]});
    for (what, shape, says) in [
        ("huge coordinates", square(1e308, -1e308, 1e300), "不在中国境内"),
        ("outside China", square(0.0, 0.0, 1.0), "不在中国境内"),
        (
            "25,000 vertices",
            json!({"type":"Polygon","coordinates":[many]}),
            "顶点超过",
        ),
        ("self-intersecting", bowtie.clone(), "自相交"),
    ] {
        let (s, v) = admin
            .put(&format!("/api/v1/org-units/{grid}"), json!({"geometry": shape}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {v}");
        assert_eq!(v["error"]["field"], "geometry", "{what}");
        assert!(
            v["error"]["message"].as_str().is_some_and(|m| m.contains(says)),
            "{what}: {v}"
        );
        if what != "self-intersecting" {
            let (s, v) = admin.post("/api/v1/map/query", json!({"geometry": shape})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "query, {what}: {v}");
        }
    }
    let (s, v) = admin.post("/api/v1/map/query", json!({"geometry": bowtie})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "query, self-intersecting: {v}");
    let (s, v) = admin
        .post(
            "/api/v1/map/query",
            json!({"circle": {"lon": 1e308, "lat": 22.6, "radius_m": 100.0}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a circle far away: {v}");
});
