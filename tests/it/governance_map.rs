//! Rental houses, overdue inspections and cameras on the map (issue 16) on SQLite and PostgreSQL:
//! layers, popups, spatial query counts and thematic metrics exact and scoped; inspection tasks
//! assigned from the map with their refusals, done by an inspection, the assignee notified; the
//! camera register's CRUD and refusals.
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use geo::InteriorPoint;
use serde_json::{Value, json};
use zongguan_core::coords::lonlat_to_tile;
use zongguan_core::geometry;
use zongguan_core::mvt;
use zongguan_db::entity::{app_user, audit_log, house, notification, org_unit};
use zongguan_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::common::{Client, TestApp, assert_error};

const GRID1: &str = "44030700300201";
const OTHER_GRID: &str = "44030700300401";

fn day(offset: i64) -> String {
    (zongguan_core::time::cst_date(Utc::now()) + Duration::days(offset)).to_string()
}

fn field(v: &Value) -> &str {
    v["error"]["field"].as_str().unwrap_or("")
}

/// A point inside the grid with this code (the demo geography loaded).
async fn inside(app: &TestApp, code: &str) -> (i64, f64, f64) {
    let u = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code))
        .one(&app.db.conn)
        .await
        .expect("query")
        .expect("unit");
    let shape = geometry::from_geojson(&serde_json::from_str(u.geometry.as_deref().expect("geometry")).expect("json"))
        .expect("polygon");
    let p = shape.interior_point().expect("interior point");
    (u.id, p.x(), p.y())
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app_user::Entity::find()
        .filter(app_user::Column::Username.eq(username))
        .one(&app.db.conn)
        .await
        .expect("query")
        .expect("user")
        .id
}

/// Four rental houses of one new building in grid 1: orange and overdue, red, green, and one
/// unclassified never scheduled (overdue). Answers (grid id, lon, lat, [ids]).
struct Setup {
    grid: i64,
    lon: f64,
    lat: f64,
    houses: [i64; 4],
}

async fn setup(app: &TestApp, officer: &Client) -> Setup {
    let outline: Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    zongguan_db::demo_data::geography(&app.db, &outline)
        .await
        .expect("geography");
    let (grid, lon, lat) = inside(app, GRID1).await;
    let (s, b) = officer
        .post("/api/v1/buildings", json!({"code":"GM-R1","name":"良安田出租楼","address":"平湖街道良安田新村9栋","grid_id":grid,"lon":lon,"lat":lat,"floors":6,"use_type":"住宅"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let mut houses = [0; 4];
    for (i, room) in ["201", "202", "203", "204"].iter().enumerate() {
        let (s, h) = officer
            .post(
                "/api/v1/houses",
                json!({"building_id":b["id"],"room":room,"area":60.0,"use_type":"residential","is_rental":true}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{h}");
        houses[i] = h["id"].as_i64().expect("id");
    }
    for (id, class) in houses.iter().zip(["orange", "red", "green"]) {
        let (s, d) = officer
            .post(
                &format!("/api/v1/rental-houses/{id}/classify"),
                json!({"risk_class":class,"note":"测试"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{d}");
    }
    // Due days set here, so the figures do not hang on the schedule's intervals.
    let today = zongguan_core::time::cst_date(Utc::now());
    for (id, due) in houses.iter().zip([
        Some(today - Duration::days(1)),
        Some(today + Duration::days(30)),
        Some(today + Duration::days(30)),
        None,
    ]) {
        let h = house::Entity::find_by_id(*id)
            .one(&app.db.conn)
            .await
            .expect("query")
            .expect("house");
        let mut am: house::ActiveModel = h.into();
        am.next_due_on = Set(due);
        am.updated_at = Set(Utc::now());
        am.update(&app.db.conn).await.expect("update");
    }
    Setup { grid, lon, lat, houses }
}

fn bbox(s: &Setup) -> String {
    format!(
        "{},{},{},{}",
        s.lon - 0.0005,
        s.lat - 0.0005,
        s.lon + 0.0005,
        s.lat + 0.0005
    )
}

fn ids(v: &Value) -> Vec<i64> {
    let mut out: Vec<i64> = v["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_i64().expect("id"))
        .collect();
    out.sort_unstable();
    out
}

fn square(s: &Setup, d: f64) -> Value {
    json!({"geometry": {"type":"Polygon","coordinates":[[[s.lon-d,s.lat-d],[s.lon+d,s.lat-d],[s.lon+d,s.lat+d],[s.lon-d,s.lat+d],[s.lon-d,s.lat-d]]]}})
}

fn value_of(t: &Value, id: i64) -> f64 {
    t["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["id"] == id)
        .and_then(|v| v["value"].as_f64())
        .unwrap_or(f64::NAN)
}

on_both!(
    rental_layers_popups_query_and_metrics_are_exact_and_scoped,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let s = setup(&app, &officer).await;
        let [a, b, c, d] = s.houses;

        let (st, cfg) = officer.get("/api/v1/map/config").await;
        assert_eq!(st, StatusCode::OK, "{cfg}");
        let layers: Vec<&str> = cfg["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .filter_map(|l| l["name"].as_str())
            .collect();
        for l in ["rental_houses", "overdue_inspections", "cameras"] {
            assert!(layers.contains(&l), "{cfg}");
        }
        let metrics: Vec<&str> = cfg["thematic_metrics"]
            .as_array()
            .expect("metrics")
            .iter()
            .filter_map(|l| l["code"].as_str())
            .collect();
        assert!(
            metrics.contains(&"overdue_inspections") && metrics.contains(&"rental_by_class"),
            "{cfg}"
        );

        // Features: every rental house with its class colour; the overdue layer holds the two past due.
        let (st, f) = officer
            .get(&format!("/api/v1/map/features?layer=rental_houses&bbox={}", bbox(&s)))
            .await;
        assert_eq!(st, StatusCode::OK, "{f}");
        assert_eq!(ids(&f), vec![a, b, c, d]);
        let props = |id: i64| {
            f["features"]
                .as_array()
                .expect("f")
                .iter()
                .find(|x| x["id"] == id)
                .expect("feature")["properties"]
                .clone()
        };
        assert_eq!(props(a)["class"], "orange");
        assert_eq!(
            props(a)["color"],
            zongguan_core::governance::rental_class::RiskClass::Orange.hex()
        );
        assert_eq!(props(a)["overdue"], true);
        assert_eq!(props(b)["class"], "red");
        assert_eq!(props(b)["overdue"], false);
        assert_eq!(props(d)["class"], "unclassified");
        assert_eq!(props(d)["color"], "#9e9e9e");
        let (st, f) = officer
            .get(&format!(
                "/api/v1/map/features?layer=overdue_inspections&bbox={}",
                bbox(&s)
            ))
            .await;
        assert_eq!(st, StatusCode::OK, "{f}");
        assert_eq!(ids(&f), vec![a, d]);

        // The tile at street zoom holds the four points.
        let (x, y) = lonlat_to_tile(s.lon, s.lat, 17);
        let (st, bytes) = officer
            .download(&format!(
                "/api/v1/map/tiles/rental_houses/17/{}/{}.mvt",
                x as u32, y as u32
            ))
            .await;
        assert_eq!(st, StatusCode::OK);
        let tile = mvt::decode(&bytes).expect("tile");
        let mut in_tile: Vec<u64> = tile
            .iter()
            .filter(|l| l.name == "rental_houses")
            .flat_map(|l| l.features.iter().filter_map(|f| f.id))
            .collect();
        in_tile.sort_unstable();
        assert_eq!(in_tile, s.houses.iter().map(|h| *h as u64).collect::<Vec<_>>());

        // The popup: address, room, class, next due, occupants, the link to open the house.
        let (st, p) = officer.get(&format!("/api/v1/map/features/rental_houses/{a}")).await;
        assert_eq!(st, StatusCode::OK, "{p}");
        let pp = &p["properties"];
        assert_eq!(pp["address"], "平湖街道良安田新村9栋");
        assert_eq!(pp["room"], "201");
        assert_eq!(pp["class"], "orange");
        assert_eq!(pp["next_due_on"], day(-1));
        assert_eq!(pp["occupants"], 0);
        assert_eq!(pp["overdue"], true);
        assert_eq!(pp["link"], format!("/governance/rental?house={a}"));

        // The spatial query counts and lists them.
        let (st, q) = officer.post("/api/v1/map/query", square(&s, 0.0003)).await;
        assert_eq!(st, StatusCode::OK, "{q}");
        assert_eq!(q["counts"]["rental_houses"], 4, "{q}");
        assert_eq!(q["counts"]["overdue_inspections"], 2, "{q}");
        assert_eq!(
            q["rental_by_class"],
            json!({"green":1,"orange":1,"red":1,"unclassified":1})
        );
        let listed: Vec<i64> = q["rental_houses"]
            .as_array()
            .expect("list")
            .iter()
            .map(|h| h["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(listed, vec![a, b, c, d]);

        // Thematic: two overdue in grid 1 and in its community; orange and red are 2 of 4, 50 %.
        let (st, t) = officer
            .get("/api/v1/map/thematic?metric=overdue_inspections&level=grid")
            .await;
        assert_eq!(st, StatusCode::OK, "{t}");
        assert_eq!(value_of(&t, s.grid), 2.0, "{t}");
        let (st, t) = officer
            .get("/api/v1/map/thematic?metric=rental_by_class&level=grid")
            .await;
        assert_eq!(st, StatusCode::OK, "{t}");
        assert_eq!(value_of(&t, s.grid), 50.0, "{t}");
        assert!(t["title"].as_str().expect("title").contains("橙色"), "{t}");
        let community = app.unit_id("440307003002").await;
        let (_, t) = officer
            .get("/api/v1/map/thematic?metric=overdue_inspections&level=community")
            .await;
        assert_eq!(value_of(&t, community), 2.0, "{t}");

        // An inspection moves the house off the overdue layer at once.
        let (st, i) = officer
            .post(&format!("/api/v1/rental-houses/{d}/inspections"), json!({}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{i}");
        let (_, f) = officer
            .get(&format!(
                "/api/v1/map/features?layer=overdue_inspections&bbox={}",
                bbox(&s)
            ))
            .await;
        assert_eq!(ids(&f), vec![a]);
        let (_, t) = officer
            .get("/api/v1/map/thematic?metric=overdue_inspections&level=grid")
            .await;
        assert_eq!(value_of(&t, s.grid), 1.0, "{t}");

        // Another community's officer sees none of it.
        let other = app.login("community_003004").await;
        let (_, f) = other
            .get(&format!("/api/v1/map/features?layer=rental_houses&bbox={}", bbox(&s)))
            .await;
        assert_eq!(ids(&f), Vec::<i64>::new());
        let (st, _) = other.get(&format!("/api/v1/map/features/rental_houses/{a}")).await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        let (_, q) = other.post("/api/v1/map/query", square(&s, 0.0003)).await;
        assert_eq!(q["counts"]["overdue_inspections"], 0, "{q}");
        let (_, t) = other
            .get("/api/v1/map/thematic?metric=overdue_inspections&level=grid")
            .await;
        assert!(value_of(&t, s.grid).is_nan(), "grid 1 is not theirs: {t}");

        // The system administrator reads the map but not rental houses: no layer, a refusal.
        let admin = app.login("admin").await;
        let (_, cfg) = admin.get("/api/v1/map/config").await;
        assert!(
            !cfg["layers"]
                .as_array()
                .expect("layers")
                .iter()
                .any(|l| l["name"] == "rental_houses"),
            "{cfg}"
        );
        let (st, v) = admin
            .get(&format!("/api/v1/map/features?layer=rental_houses&bbox={}", bbox(&s)))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
        let (st, v) = admin.get("/api/v1/map/thematic?metric=rental_by_class").await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    }
);

on_both!(
    inspection_tasks_are_assigned_refused_and_done_by_inspection,
    |app: TestApp| async move {
        let officer = app.login("community_003002").await;
        let s = setup(&app, &officer).await;
        let [a, _, _, d] = s.houses;
        let worker_id = user_id(&app, "grid_00300201").await;
        let other_worker = user_id(&app, "grid_00300202").await;

        // Refusals, each naming its field.
        let (st, v) = officer
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[a],"assignee_id":worker_id,"due_on":day(-1)}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field(&v), "due_on");
        let (st, v) = officer
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[a],"assignee_id":worker_id,"due_on":"2026/1/1"}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field(&v), "due_on");
        let (st, v) = officer
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[a],"assignee_id":other_worker,"due_on":day(3)}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field(&v), "assignee_id");
        let (st, v) = officer
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[],"assignee_id":worker_id,"due_on":day(3)}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field(&v), "house_ids");
        let other = app.login("community_003004").await;
        let (st, v) = other
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[a],"assignee_id":worker_id,"due_on":day(3)}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field(&v), "house_ids");
        let worker = app.login("grid_00300201").await;
        let (st, v) = worker
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[a],"assignee_id":worker_id,"due_on":day(3)}),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
        assert_error(&v, "forbidden");

        // Assigned: two tasks, audited, the worker told.
        let (st, v) = officer
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[a, d],"assignee_id":worker_id,"due_on":day(3)}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        let tasks = v.as_array().expect("tasks");
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0]["state"], "open");
        assert_eq!(tasks[0]["due_on"], day(3));
        assert_eq!(tasks[0]["address"], "平湖街道良安田新村9栋");
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("assign"))
            .filter(audit_log::Column::ObjectType.eq("inspection_task"))
            .all(&app.db.conn)
            .await
            .expect("audit");
        assert_eq!(audited.len(), 2);
        let told = notification::Entity::find()
            .filter(notification::Column::UserId.eq(worker_id))
            .filter(notification::Column::Kind.eq("inspection_task"))
            .all(&app.db.conn)
            .await
            .expect("notifications");
        assert_eq!(told.len(), 1);
        assert!(told[0].title.contains("2 套"), "{}", told[0].title);
        // Given again: nothing new for the same worker.
        let (st, v) = officer
            .post(
                "/api/v1/inspection-tasks",
                json!({"house_ids":[a],"assignee_id":worker_id,"due_on":day(5)}),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
        assert_eq!(v, json!([]));

        // The worker's list; another community's officer sees none.
        let (st, v) = worker.get("/api/v1/inspection-tasks?assignee=me&state=open").await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 2, "{v}");
        let (_, v) = other.get("/api/v1/inspection-tasks").await;
        assert_eq!(v["total"], 0, "{v}");
        let (st, v) = worker.get("/api/v1/inspection-tasks?state=late").await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(field(&v), "state");

        // The worker inspects house A: its task is done by that inspection.
        let (st, i) = worker
            .post(&format!("/api/v1/rental-houses/{a}/inspections"), json!({}))
            .await;
        assert_eq!(st, StatusCode::CREATED, "{i}");
        let (_, v) = worker.get("/api/v1/inspection-tasks?assignee=me&state=done").await;
        assert_eq!(v["total"], 1, "{v}");
        assert_eq!(v["items"][0]["house_id"], a);
        assert_eq!(v["items"][0]["done_by_inspection_id"], i["id"]);
        let (_, v) = worker.get("/api/v1/inspection-tasks?assignee=me&state=open").await;
        assert_eq!(v["total"], 1, "{v}");
        assert_eq!(v["items"][0]["house_id"], d);
    }
);

on_both!(cameras_crud_layer_and_refusals, |app: TestApp| async move {
    let officer = app.login("community_003002").await;
    let outline: Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    zongguan_db::demo_data::geography(&app.db, &outline)
        .await
        .expect("geography");
    let (grid, lon, lat) = inside(&app, GRID1).await;
    let body = json!({"code":"440307003-SP-9001","name":"良安田新村9栋路口","kind":"hd","lon":lon,"lat":lat,"installed_on":"2025-06-01"});
    let (st, c) = officer.post("/api/v1/cameras", body.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    assert_eq!(c["grid_id"], grid);
    assert_eq!(c["status"], "online");
    let id = c["id"].as_i64().expect("id");
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::ObjectType.eq("camera"))
        .filter(audit_log::Column::Action.eq("create"))
        .all(&app.db.conn)
        .await
        .expect("audit");
    assert_eq!(audited.len(), 1);

    // Refusals.
    let (st, v) = officer.post("/api/v1/cameras", body.clone()).await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(field(&v), "code");
    let mut bad = body.clone();
    bad["code"] = json!("440307003-SP-9002");
    bad["kind"] = json!("thermal");
    let (st, v) = officer.post("/api/v1/cameras", bad.clone()).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field(&v), "kind");
    let (_, olon, olat) = inside(&app, OTHER_GRID).await;
    bad["kind"] = json!("face");
    bad["lon"] = json!(olon);
    bad["lat"] = json!(olat);
    let (st, v) = officer.post("/api/v1/cameras", bad).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(field(&v), "lon");
    let leader = app.login("leader").await;
    let (st, v) = leader.post("/api/v1/cameras", body.clone()).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");

    // Update: a fault shows on the layer.
    let mut upd = body.clone();
    upd["status"] = json!("fault");
    let (st, c) = officer.put(&format!("/api/v1/cameras/{id}"), upd.clone()).await;
    assert_eq!(st, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "fault");
    let bb = format!("{},{},{},{}", lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001);
    let (st, f) = officer
        .get(&format!("/api/v1/map/features?layer=cameras&bbox={bb}"))
        .await;
    assert_eq!(st, StatusCode::OK, "{f}");
    assert_eq!(f["features"][0]["id"], id);
    assert_eq!(f["features"][0]["properties"]["status"], "fault");
    let (st, p) = officer.get(&format!("/api/v1/map/features/cameras/{id}")).await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p["properties"]["status_label"], "故障");
    assert_eq!(p["properties"]["kind"], "高清监控");

    // Lists: filtered, scoped; the leader reads.
    let (_, v) = officer.get("/api/v1/cameras?status=fault").await;
    assert_eq!(v["total"], 1, "{v}");
    let (_, v) = officer.get("/api/v1/cameras?status=online").await;
    assert_eq!(v["total"], 0, "{v}");
    let (st, v) = leader.get("/api/v1/cameras?q=SP-9001").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["total"], 1, "{v}");
    let other = app.login("community_003004").await;
    let (_, v) = other.get("/api/v1/cameras").await;
    assert_eq!(v["total"], 0, "{v}");
    let (st, _) = other.put(&format!("/api/v1/cameras/{id}"), upd).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = other.delete(&format!("/api/v1/cameras/{id}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, f) = other
        .get(&format!("/api/v1/map/features?layer=cameras&bbox={bb}"))
        .await;
    assert_eq!(f["features"], json!([]));

    let (st, _) = officer.delete(&format!("/api/v1/cameras/{id}")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, v) = officer.get("/api/v1/cameras").await;
    assert_eq!(v["total"], 0, "{v}");
    let (_, f) = officer
        .get(&format!("/api/v1/map/features?layer=cameras&bbox={bb}"))
        .await;
    assert_eq!(f["features"], json!([]));
});
