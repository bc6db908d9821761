//! The map office on SQLite and PostgreSQL: tiles decode and hold the right features, spatial
//! query counts equal the registry's, grid drawing refuses overlaps and re-assigns buildings,
//! thematic maps, heatmap, search, popups and the data-scope refusals.

use crate::common;
use crate::common::{TestApp, assert_error};
use axum::http::StatusCode;
use geo::{BooleanOps, BoundingRect, Contains, Coord, MapCoords, MultiPolygon, Point, Rect};
use serde_json::{Value, json};
use zongguan_core::coords::{Crs, lonlat_to_tile};
use zongguan_core::geometry;
use zongguan_core::mvt::{self, Value as MvtValue};
use zongguan_db::demo_data::{self, Volume};
use zongguan_db::entity::{building, org_unit};
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const COMMUNITY: &str = "440307003002";
const GRID1: &str = "44030700300201";
const GRID2: &str = "44030700300202";

/// The demo district's geography with buildings, houses and people in 平湖 (4 buildings a grid).
async fn load(app: &TestApp) {
    let outline: Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    demo_data::geography(&app.db, &outline).await.expect("geography");
    demo_data::registries(
        &app.db,
        11,
        Volume {
            subdistricts: Some(1),
            buildings_per_grid: 4,
        },
        &|_, _| {},
    )
    .await
    .expect("registries");
}

async fn unit(app: &TestApp, code: &str) -> (org_unit::Model, MultiPolygon<f64>) {
    let u = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code))
        .one(&app.db.conn)
        .await
        .expect("query")
        .expect("unit");
    let shape = geometry::from_geojson(&serde_json::from_str(u.geometry.as_deref().expect("geometry")).expect("json"))
        .expect("polygon");
    (u, shape)
}

async fn buildings_of(app: &TestApp, grid_id: i64) -> Vec<building::Model> {
    building::Entity::find()
        .filter(building::Column::GridId.eq(grid_id))
        .all(&app.db.conn)
        .await
        .expect("buildings")
}

async fn tile(c: &common::Client, layer: &str, z: u8, lon: f64, lat: f64) -> Vec<mvt::DecodedLayer> {
    let (x, y) = lonlat_to_tile(lon, lat, z);
    let (s, bytes) = c
        .download(&format!("/api/v1/map/tiles/{layer}/{z}/{}/{}.mvt", x as u32, y as u32))
        .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    mvt::decode(&bytes).expect("a valid vector tile")
}

fn ids_in(layers: &[mvt::DecodedLayer], name: &str) -> Vec<u64> {
    layers
        .iter()
        .filter(|l| l.name == name)
        .flat_map(|l| l.features.iter().filter_map(|f| f.id))
        .collect()
}

on_both!(tiles_decode_and_hold_the_right_features, |app: TestApp| async move {
    load(&app).await;
    let (g1, _) = unit(&app, GRID1).await;
    let b = buildings_of(&app, g1.id).await.into_iter().next().expect("a building");
    let admin = app.login("admin").await;

    // At street level the building is a point with its id, code and name, inside the tile.
    let layers = tile(&admin, "buildings", 17, b.lon, b.lat).await;
    assert_eq!(layers.len(), 1);
    assert_eq!((layers[0].name.as_str(), layers[0].extent), ("buildings", 4096));
    let f = layers[0]
        .features
        .iter()
        .find(|f| f.id == Some(b.id as u64))
        .expect("the building is in its tile");
    assert_eq!(
        (f.kind, f.props["code"].clone(), f.props["name"].clone()),
        (1, MvtValue::Str(b.code.clone()), MvtValue::Str(b.name.clone()))
    );
    let (x, y) = f.rings[0][0];
    assert!(
        (0..=4096).contains(&x) && (0..=4096).contains(&y),
        "({x},{y}) inside the tile"
    );

    // At district level points are aggregated: clusters carry counts that add up to what lies there.
    let layers = tile(&admin, "buildings", 10, b.lon, b.lat).await;
    let total: i64 = layers[0]
        .features
        .iter()
        .map(|f| match f.props.get("count") {
            Some(MvtValue::Int(n)) => *n,
            _ => 1,
        })
        .sum();
    let all = building::Entity::find()
        .all(&app.db.conn)
        .await
        .expect("buildings")
        .len() as i64;
    assert_eq!(
        total, all,
        "every demo building is in the z10 tile of 平湖, counted once"
    );
    assert!(
        layers[0]
            .features
            .iter()
            .any(|f| f.props.get("cluster") == Some(&MvtValue::Bool(true)))
    );

    // Grids are polygons with their code; divisions carry their level.
    let layers = tile(&admin, "grids", 14, b.lon, b.lat).await;
    let g = layers[0]
        .features
        .iter()
        .find(|f| f.id == Some(g1.id as u64))
        .expect("the grid");
    assert_eq!((g.kind, g.props["code"].clone()), (3, MvtValue::Str(GRID1.into())));
    assert!(g.rings[0].len() >= 4);
    let layers = tile(&admin, "divisions", 12, b.lon, b.lat).await;
    assert!(
        layers[0]
            .features
            .iter()
            .any(|f| f.props.get("level") == Some(&MvtValue::Str("community".into()))
                && f.props["code"] == MvtValue::Str(COMMUNITY.into()))
    );

    // Data scope: the neighbouring community's officer sees none of this community's grids or buildings.
    let other = app.login("community_003004").await;
    let (g4, _) = unit(&app, "44030700300401").await;
    let layers = tile(&other, "grids", 10, b.lon, b.lat).await;
    let seen = ids_in(&layers, "grids");
    assert!(
        seen.contains(&(g4.id as u64)) && !seen.contains(&(g1.id as u64)),
        "{seen:?}"
    );
    let layers = tile(&other, "buildings", 17, b.lon, b.lat).await;
    assert!(!ids_in(&layers, "buildings").contains(&(b.id as u64)));

    // A building saved through the API is on the map at once.
    let (s, nb) = app.login("district_officer").await.post("/api/v1/buildings", json!({"code":"MAP-NEW-1","name":"新建楼栋","grid_id":g1.id,"lon":b.lon + 0.0001,"lat":b.lat,"use_type":"residential"})).await;
    assert_eq!(s, StatusCode::CREATED, "{nb}");
    let layers = tile(&admin, "buildings", 18, b.lon + 0.0001, b.lat).await;
    assert!(ids_in(&layers, "buildings").contains(&(nb["id"].as_i64().expect("id") as u64)));

    // Bad requests.
    let (s, v) = admin.get("/api/v1/map/tiles/people/10/836/445.mvt").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&v, "validation");
    let (s, _) = admin.get("/api/v1/map/tiles/grids/3/9/1.mvt").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "x beyond the zoom's 8 columns");
    let (s, _) = app.anonymous().get("/api/v1/map/tiles/grids/10/836/445.mvt").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let auditor = app.login("auditor").await;
    let (s, v) = auditor.get("/api/v1/map/tiles/grids/10/836/445.mvt").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the auditor has no map:read: {v}");
});

on_both!(spatial_query_counts_equal_the_registry, |app: TestApp| async move {
    load(&app).await;
    let (community, shape) = unit(&app, COMMUNITY).await;
    let officer = app.login("district_officer").await;
    let (s, q) = officer
        .post("/api/v1/map/query", json!({"geometry": geometry::to_geojson(&shape)}))
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    let (_, summary) = officer
        .get(&format!(
            "/api/v1/registry/summary?org_unit_id={}",
            community.parent_id.expect("parent")
        ))
        .await;
    let row = summary
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == COMMUNITY)
        .expect("the community's row")
        .clone();
    let c = &q["counts"];
    assert!(row["residents"].as_u64().expect("n") > 0, "the community has people");
    for (k, want) in [
        ("residents", &row["residents"]),
        ("buildings", &row["buildings"]),
        ("houses", &row["houses"]),
        ("rental_houses", &row["rental_houses"]),
    ] {
        assert_eq!(&c[k], want, "{k}: map {} vs registry {}", c[k], want);
    }
    assert_eq!(
        c["migrants"],
        row["by_registration_type"]["migrant"].as_u64().unwrap_or(0)
    );
    assert_eq!(q["buildings_total"], row["buildings"]);
    assert_eq!(
        q["grids_inside"], 5,
        "the community's five grids lie wholly inside its own shape"
    );

    // A shape that cuts grids: counted building by building, against the records themselves.
    let (g1, g1_shape) = unit(&app, GRID1).await;
    let r = g1_shape.bounding_rect().expect("box");
    let half = MultiPolygon::new(vec![
        Rect::new(
            r.min(),
            Coord {
                x: (r.min().x + r.max().x) / 2.0,
                y: r.max().y,
            },
        )
        .to_polygon(),
    ]);
    let cut = half.intersection(&g1_shape);
    let inside: Vec<building::Model> = buildings_of(&app, g1.id)
        .await
        .into_iter()
        .filter(|b| cut.contains(&Point::new(b.lon, b.lat)))
        .collect();
    let (s, q) = officer
        .post("/api/v1/map/query", json!({"geometry": geometry::to_geojson(&cut)}))
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    assert_eq!(q["counts"]["buildings"], inside.len(), "{q}");
    let mut listed: Vec<i64> = q["buildings"]
        .as_array()
        .expect("list")
        .iter()
        .map(|b| b["id"].as_i64().expect("id"))
        .collect();
    listed.sort_unstable();
    let mut want: Vec<i64> = inside.iter().map(|b| b.id).collect();
    want.sort_unstable();
    assert_eq!(listed, want);
    let listed_residents: u64 = q["buildings"]
        .as_array()
        .expect("list")
        .iter()
        .map(|b| b["residents"].as_u64().expect("n"))
        .sum();
    assert_eq!(
        q["counts"]["residents"], listed_residents,
        "the total is the sum over the buildings inside"
    );
    // The same from the counts warmed for every grid in one pass (as `serve` does at start).
    app.db.map.warm_counts(&app.db).await.expect("warm");
    let (_, warm) = officer
        .post("/api/v1/map/query", json!({"geometry": geometry::to_geojson(&cut)}))
        .await;
    assert_eq!(
        (&warm["counts"], &warm["residents_by_type"]),
        (&q["counts"], &q["residents_by_type"])
    );

    // The same shape in GCJ-02 (as a Gaode-based phone sends it) finds the same.
    let gcj = cut.map_coords(|c| {
        let (x, y) = Crs::Gcj02.from_wgs84(c.x, c.y);
        Coord { x, y }
    });
    let (_, q2) = officer
        .post(
            "/api/v1/map/query",
            json!({"geometry": geometry::to_geojson(&gcj), "crs": "gcj02"}),
        )
        .await;
    assert_eq!(q2["counts"], q["counts"]);

    // A circle around one building holds it.
    let b = &inside
        .first()
        .cloned()
        .unwrap_or(buildings_of(&app, g1.id).await.remove(0));
    let (_, q) = officer
        .post(
            "/api/v1/map/query",
            json!({"circle": {"lon": b.lon, "lat": b.lat, "radius_m": 5.0}}),
        )
        .await;
    assert!(
        q["buildings"].as_array().expect("list").iter().any(|x| x["id"] == b.id),
        "{q}"
    );

    // Key places inside are counted.
    let (s, kp) = officer
        .post("/api/v1/key-places", json!({"name":"良安田网吧","place_type":"internet_cafe","lon":b.lon,"lat":b.lat,"org_unit_id":g1.id,"person_in_charge":"王五","phone":"13812345678"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{kp}");
    let (_, q) = officer
        .post(
            "/api/v1/map/query",
            json!({"circle": {"lon": b.lon, "lat": b.lat, "radius_m": 5.0}}),
        )
        .await;
    assert_eq!(q["counts"]["key_places"], 1, "{q}");

    // The list downloads as XLSX.
    let (s, bytes) = officer
        .post_bytes(
            "/api/v1/map/query.xlsx",
            json!({"geometry": geometry::to_geojson(&shape)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes.starts_with(b"PK"), "an XLSX (zip) file");

    // Data scope: another community's officer counts nothing here.
    let other = app.login("community_003004").await;
    let (_, q) = other
        .post("/api/v1/map/query", json!({"geometry": geometry::to_geojson(&shape)}))
        .await;
    assert_eq!(
        (
            q["counts"]["residents"].as_u64(),
            q["counts"]["buildings"].as_u64(),
            q["counts"]["key_places"].as_u64()
        ),
        (Some(0), Some(0), Some(0)),
        "{q}"
    );

    // Bad shapes name the field.
    let (s, v) = officer
        .post(
            "/api/v1/map/query",
            json!({"geometry": {"type":"Point","coordinates":[114.2,22.7]}}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("geometry"))
    );
    let (s, v) = officer
        .post(
            "/api/v1/map/query",
            json!({"circle": {"lon": 114.2, "lat": 22.7, "radius_m": -1}}),
        )
        .await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("circle.radius_m"))
    );
});

on_both!(
    grid_drawing_refuses_overlaps_and_reassigns_buildings,
    |app: TestApp| async move {
        load(&app).await;
        let admin = app.login("admin").await;
        let (community, c_shape) = unit(&app, COMMUNITY).await;
        let (g1, g1_shape) = unit(&app, GRID1).await;
        let (g2, g2_shape) = unit(&app, GRID2).await;
        let grids_before = org_unit::Entity::find()
            .filter(org_unit::Column::ParentId.eq(community.id))
            .all(&app.db.conn)
            .await
            .expect("grids")
            .len();

        // A new grid over half of grid 1: refused, naming grid 1; nothing saved.
        let r = g1_shape.bounding_rect().expect("box");
        let over = MultiPolygon::new(vec![
            Rect::new(
                r.min(),
                Coord {
                    x: (r.min().x + r.max().x) / 2.0,
                    y: r.max().y,
                },
            )
            .to_polygon(),
        ])
        .intersection(&g1_shape);
        let (s, v) = admin.post("/api/v1/org-units", json!({"level":"grid","parent_id":community.id,"code":"44030700300299","name":"新网格","geometry":geometry::to_geojson(&over)})).await;
        assert_eq!(
            (s, v["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("geometry")),
            "{v}"
        );
        let msg = v["error"]["message"].as_str().expect("message");
        assert!(
            msg.contains(&g1.name) && msg.contains(GRID1) && msg.contains("重叠"),
            "{msg}"
        );
        let grids_after = org_unit::Entity::find()
            .filter(org_unit::Column::ParentId.eq(community.id))
            .all(&app.db.conn)
            .await
            .expect("grids")
            .len();
        assert_eq!(grids_after, grids_before, "nothing saved");

        // Leaving the community: refused, naming the community.
        let cr = c_shape.bounding_rect().expect("box");
        let spill = MultiPolygon::new(vec![
            Rect::new(
                Coord {
                    x: cr.max().x - 0.001,
                    y: cr.min().y,
                },
                Coord {
                    x: cr.max().x + 0.01,
                    y: cr.min().y + 0.005,
                },
            )
            .to_polygon(),
        ]);
        let (s, v) = admin
            .put(
                &format!("/api/v1/org-units/{}", g2.id),
                json!({"geometry": geometry::to_geojson(&spill)}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .expect("message")
                .contains(&community.name),
            "{v}"
        );

        // Move the strip of grid 2 nearest grid 1 over to grid 1: shrink grid 2, then grow grid 1.
        let b2 = buildings_of(&app, g2.id).await;
        let target = b2.first().expect("a building in grid 2").clone();
        let strip = MultiPolygon::new(vec![
            Rect::new(
                Coord {
                    x: target.lon - 0.0003,
                    y: target.lat - 0.0003,
                },
                Coord {
                    x: target.lon + 0.0003,
                    y: target.lat + 0.0003,
                },
            )
            .to_polygon(),
        ])
        .intersection(&g2_shape);
        let movers: Vec<i64> = b2
            .iter()
            .filter(|b| strip.contains(&Point::new(b.lon, b.lat)))
            .map(|b| b.id)
            .collect();
        assert!(movers.contains(&target.id));
        // Growing grid 1 first overlaps grid 2: refused.
        let grown = g1_shape.union(&strip);
        let (s, v) = admin
            .put(
                &format!("/api/v1/org-units/{}", g1.id),
                json!({"geometry": geometry::to_geojson(&grown)}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["message"].as_str().expect("message").contains(GRID2));
        let (s, v) = admin
            .put(
                &format!("/api/v1/org-units/{}", g2.id),
                json!({"geometry": geometry::to_geojson(&g2_shape.difference(&strip))}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let run = wait_run(&admin, v["regrid_run_id"].as_i64().expect("a regrid run")).await;
        assert_eq!(run["moved"], 0, "{run}");
        assert_eq!(
            run["outside"],
            movers.len(),
            "the strip's buildings lie in no grid for now: {run}"
        );
        let (s, v) = admin
            .put(
                &format!("/api/v1/org-units/{}", g1.id),
                json!({"geometry": geometry::to_geojson(&grown)}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let run = wait_run(&admin, v["regrid_run_id"].as_i64().expect("a regrid run")).await;
        assert_eq!(
            (run["status"].as_str(), run["moved"].as_u64(), run["outside"].as_u64()),
            (Some("done"), Some(movers.len() as u64), Some(0)),
            "{run}"
        );
        let moved = run["moves"].as_array().expect("moves");
        let m = moved
            .iter()
            .find(|m| m["building_id"] == target.id)
            .expect("the target moved");
        assert!(
            m["from_grid"].as_str().expect("from").starts_with(GRID2)
                && m["to_grid"].as_str().expect("to").starts_with(GRID1),
            "{m}"
        );
        assert!(
            run["houses_moved"].as_u64().expect("houses") > 0
                && run["residents_moved"].as_u64().expect("residents") > 0,
            "{run}"
        );
        let now = building::Entity::find_by_id(target.id)
            .one(&app.db.conn)
            .await
            .expect("query")
            .expect("building");
        assert_eq!(now.grid_id, g1.id);
        // The grid worker of grid 1 now sees the building; the map shows it in grid 1's tile counts.
        let worker = app.login("grid_00300201").await;
        let (s, v) = worker.get(&format!("/api/v1/buildings/{}", target.id)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, runs) = admin.get("/api/v1/map/regrid-runs").await;
        assert!(runs["items"].as_array().expect("runs").len() >= 2);
        assert_eq!(runs["total"].as_u64(), runs["items"].as_array().map(|a| a.len() as u64));
        // Only administrators draw grids.
        let (s, _) = app
            .login("community_003002")
            .await
            .put(
                &format!("/api/v1/org-units/{}", g1.id),
                json!({"geometry": geometry::to_geojson(&g1_shape)}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
);

async fn wait_run(c: &common::Client, id: i64) -> Value {
    for _ in 0..400 {
        let (s, v) = c.get(&format!("/api/v1/map/regrid-runs/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if v["status"] != "running" {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("regrid run {id} did not finish");
}

on_both!(thematic_heat_search_and_popups, |app: TestApp| async move {
    load(&app).await;
    let officer = app.login("district_officer").await;
    let (community, _) = unit(&app, COMMUNITY).await;

    // Thematic: residents per community equal the registry summary; breaks bound every value.
    let (s, t) = officer
        .get("/api/v1/map/thematic?level=community&metric=residents&classes=5")
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(
        (t["title"].as_str(), t["unit"].as_str()),
        (Some("实有人口"), Some("人"))
    );
    let (_, summary) = officer
        .get(&format!(
            "/api/v1/registry/summary?org_unit_id={}",
            community.parent_id.expect("parent")
        ))
        .await;
    let row = summary
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == COMMUNITY)
        .expect("row")
        .clone();
    let v = t["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["code"] == COMMUNITY)
        .expect("value")
        .clone();
    assert_eq!(v["value"].as_f64(), row["residents"].as_f64());
    let breaks: Vec<f64> = t["breaks"]
        .as_array()
        .expect("breaks")
        .iter()
        .map(|b| b.as_f64().expect("n"))
        .collect();
    assert!(breaks.windows(2).all(|w| w[0] <= w[1]) && breaks.len() >= 2);
    let max = t["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v["value"].as_f64().expect("n"))
        .fold(0.0, f64::max);
    assert_eq!(breaks.last().copied(), Some((max * 10.0).round() / 10.0));
    let (_, t) = officer
        .get("/api/v1/map/thematic?level=grid&metric=migrant_share")
        .await;
    assert!(
        t["values"]
            .as_array()
            .expect("values")
            .iter()
            .all(|v| (0.0..=100.0).contains(&v["value"].as_f64().expect("n")))
    );
    let (s, v) = officer.get("/api/v1/map/thematic?metric=happiness").await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("metric"))
    );

    // A case reported on the map shows in the cases layer, the open-cases thematic and the heatmap.
    let (g1, g1_shape) = unit(&app, GRID1).await;
    let p = geometry::random_point_in(&g1_shape, &mut geometry::Rng::new(5)).expect("point");
    let worker = app.login("grid_00300201").await;
    let (s, case) = worker
        .post(
            "/api/v1/cases",
            json!({"item_code":"0101","description":"楼道堆放杂物","location":{"lon":p.x(),"lat":p.y()}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{case}");
    let (_, t) = officer.get("/api/v1/map/thematic?level=grid&metric=open_cases").await;
    assert_eq!(
        t["values"]
            .as_array()
            .expect("values")
            .iter()
            .find(|v| v["id"] == g1.id)
            .expect("grid 1")["value"],
        1.0
    );
    let (_, h) = officer.get("/api/v1/map/heat").await;
    assert_eq!((h["total"].as_u64(), h["max"].as_u64()), (Some(1), Some(1)), "{h}");
    let (s, v) = officer.get("/api/v1/map/heat?from=2026-13-01").await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("from"))
    );
    let bbox = format!(
        "{},{},{},{}",
        p.x() - 0.001,
        p.y() - 0.001,
        p.x() + 0.001,
        p.y() + 0.001
    );
    let (_, fc) = officer
        .get(&format!("/api/v1/map/features?layer=cases&bbox={bbox}"))
        .await;
    assert_eq!(fc["features"][0]["properties"]["code"], case["code"], "{fc}");
    let (_, pop) = officer.get(&format!("/api/v1/map/features/cases/{}", case["id"])).await;
    assert_eq!(
        (
            pop["properties"]["state_label"].as_str(),
            pop["properties"]["link"].as_str()
        ),
        (Some("待受理"), Some(format!("/cases/{}", case["id"]).as_str()))
    );

    // Features in a box and a building's popup with its counts.
    let b = buildings_of(&app, g1.id).await.remove(0);
    let bbox = format!(
        "{},{},{},{}",
        b.lon - 0.0005,
        b.lat - 0.0005,
        b.lon + 0.0005,
        b.lat + 0.0005
    );
    let (s, fc) = officer
        .get(&format!("/api/v1/map/features?layer=buildings&bbox={bbox}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{fc}");
    assert_eq!(fc["type"], "FeatureCollection");
    assert!(
        fc["features"]
            .as_array()
            .expect("features")
            .iter()
            .any(|f| f["id"] == b.id && (f["geometry"]["coordinates"][0].as_f64().expect("lon") - b.lon).abs() < 1e-9),
        "{fc}"
    );
    let (_, pop) = officer.get(&format!("/api/v1/map/features/buildings/{}", b.id)).await;
    assert_eq!(pop["properties"]["code"], b.code);
    assert!(pop["properties"]["residents"].as_u64().expect("n") > 0, "{pop}");
    let (s, v) = officer.get("/api/v1/map/features?layer=buildings&bbox=1,2,3").await;
    assert_eq!(
        (s, v["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bbox"))
    );

    // A key place's popup masks the phone.
    let (s, kp) = officer.post("/api/v1/key-places", json!({"name":"平湖旅馆","place_type":"hotel","lon":b.lon,"lat":b.lat,"org_unit_id":g1.id,"person_in_charge":"赵六","phone":"13912345678"})).await;
    assert_eq!(s, StatusCode::CREATED, "{kp}");
    let (_, pop) = officer
        .get(&format!("/api/v1/map/features/key_places/{}", kp["id"]))
        .await;
    assert_eq!(pop["properties"]["phone"], "139****5678", "{pop}");

    // Search flies to a building by code and to a community by name.
    let (_, hits) = officer.get(&format!("/api/v1/map/search?q={}", b.code)).await;
    assert!(
        hits.as_array()
            .expect("hits")
            .iter()
            .any(|h| h["layer"] == "buildings" && h["id"] == b.id),
        "{hits}"
    );
    let (_, hits) = officer.get(&format!("/api/v1/map/search?q={}", community.name)).await;
    assert!(
        hits.as_array()
            .expect("hits")
            .iter()
            .any(|h| h["layer"] == "divisions" && h["bbox"].is_array()),
        "{hits}"
    );

    // Outside the data scope a popup is not found.
    let other = app.login("community_003004").await;
    let (s, _) = other.get(&format!("/api/v1/map/features/buildings/{}", b.id)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, cfg) = other.get("/api/v1/map/config").await;
    let (_, own) = unit(&app, "440307003004").await;
    let r = own.bounding_rect().expect("box");
    let e = cfg["extent"].as_array().expect("extent");
    assert!(
        (e[0].as_f64().expect("x") - r.min().x).abs() < 1e-9,
        "the map opens on the officer's own community: {cfg}"
    );
});
