//! Cases on SQLite and PostgreSQL: routing, the workflow as each post sees it, deadlines on the
//! working-day calendar, concurrency, refusals, photos, the overdue job and Open311.
use crate::common::{Client, TestApp};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use zongguan_core::geometry::{self, Rng};

const GRID: &str = "44030700300201";

/// Grid polygons for the demo district, and a point inside grid `code`.
async fn geography(app: &TestApp) {
    let outline: Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    zongguan_db::demo_data::geography(&app.db, &outline)
        .await
        .expect("geography");
}

async fn point_in(app: &TestApp, code: &str, seed: u64) -> (f64, f64) {
    use zongguan_db::entity::org_unit;
    use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let g = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code))
        .one(&app.db.conn)
        .await
        .expect("query")
        .expect("grid");
    let shape = geometry::from_geojson(&serde_json::from_str(g.geometry.as_deref().expect("geometry")).expect("json"))
        .expect("polygon");
    let p = geometry::random_point_in(&shape, &mut Rng::new(seed)).expect("point");
    (p.x(), p.y())
}

fn t(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("a time: {v}")))
        .expect("rfc3339")
        .with_timezone(&Utc)
}

async fn report(c: &Client, item: &str, (lon, lat): (f64, f64)) -> Value {
    let (s, v) = c.post("/api/v1/cases", json!({"item_code": item, "description": "楼道堆放杂物，堵塞通道", "location": {"lon": lon, "lat": lat}, "address": "良安田新村"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn act(c: &Client, id: i64, body: Value) -> (StatusCode, Value) {
    c.post(&format!("/api/v1/cases/{id}/actions"), body).await
}

/// Acts and expects success; returns the case after.
async fn ok(c: &Client, id: i64, mut body: Value, version: &Value) -> Value {
    body["version"] = version.clone();
    let (s, v) = act(c, id, body.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body} → {v}");
    v
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect()
}

mod counts;
mod deadlines;
mod flow;
mod live;
mod notices;
mod open311;
mod open311_clients;
mod records;
mod registers;
mod suggest;
