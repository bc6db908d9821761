//! The demo district: geography nests exactly, buildings lie in their grids, people are valid,
//! and the same seed gives the same district; on both databases.
mod common;

use common::TestApp;
use geo::{Area, BooleanOps, Contains, Point};
use zongguan_core::geometry;
use zongguan_db::demo_data::{self, Volume};
use zongguan_db::sea_orm::{EntityTrait, QueryOrder};
use zongguan_db::entity::{building, org_unit, resident};

async fn load(app: &TestApp, seed: u64) -> demo_data::Counts {
    let outline: serde_json::Value = serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    demo_data::geography(&app.db, &outline).await.expect("geography");
    demo_data::registries(&app.db, seed, Volume { subdistricts: Some(1), buildings_per_grid: 4 }, &|_, _| {}).await.expect("registries")
}

on_both!(geography_nests_and_buildings_lie_in_their_grids, |app: TestApp| async move {
    let counts = load(&app, 7).await;
    assert_eq!(counts.buildings, 60 * 4, "平湖: 12 committees × 5 grids × 4 buildings");
    let units = org_unit::Entity::find().all(&app.db.conn).await.expect("units");
    let shape = |u: &org_unit::Model| geometry::from_geojson(&serde_json::from_str(u.geometry.as_deref().expect("every unit has a geometry")).expect("json")).expect("polygon");
    let district = units.iter().find(|u| u.level == "district").expect("district");
    let district_area = shape(district).unsigned_area();
    for level in ["subdistrict", "community", "grid"] {
        let sum: f64 = units.iter().filter(|u| u.level == level).map(|u| shape(u).unsigned_area()).sum();
        assert!((sum - district_area).abs() / district_area < 1e-6, "{level}s tile the district");
    }
    for u in units.iter().filter(|u| u.level != "district") {
        let parent = units.iter().find(|p| Some(p.id) == u.parent_id).expect("parent");
        let outside = shape(u).difference(&shape(parent)).unsigned_area();
        assert!(outside / shape(u).unsigned_area() < 1e-6, "{} lies inside {}", u.name, parent.name);
    }
    let buildings = building::Entity::find().all(&app.db.conn).await.expect("buildings");
    for b in &buildings {
        let grid = units.iter().find(|u| u.id == b.grid_id).expect("grid");
        assert!(shape(grid).contains(&Point::new(b.lon, b.lat)), "building {} in grid {}", b.code, grid.code);
    }
    // People: every identity number valid, stored encrypted, one record each.
    let people = resident::Entity::find().all(&app.db.conn).await.expect("residents");
    assert_eq!(people.len() as u64, counts.residents);
    let migrants = people.iter().filter(|p| p.registration_type == "migrant").count() as f64 / people.len() as f64;
    assert!((0.55..0.85).contains(&migrants), "about 70 % migrants: {migrants}");
    let today = chrono::Local::now().date_naive();
    for p in people.iter().filter(|p| p.id_type == "id_card") {
        let n = app.db.cipher.decrypt(&p.id_number_enc).expect("decrypts");
        let id = zongguan_core::id_number::IdNumber::parse_at(&n, today).expect("valid number");
        assert_eq!(Some(id.birth_date()), p.birth_date);
        assert_eq!(id.gender().as_str(), p.gender);
    }
    // The bulk load set its indexes, search indexes and per-unit counts aside and rebuilt them.
    let someone = &people[people.len() / 2];
    let page = zongguan_db::PageReq::new(Some(1), Some(500)).expect("page");
    // Eight characters of the address after 深圳市龙岗区: the subdistrict, community and village.
    let address: Vec<char> = someone.current_address.chars().collect();
    let three: String = address[6..14].iter().collect();
    let found = zongguan_db::registry::list_residents(&app.db, &zongguan_db::Scope::All, &zongguan_db::registry::ResidentFilter { q: Some(three.clone()), ..Default::default() }, page).await.expect("search");
    assert!(found.total > 0, "residents found by their building's address {three}");
    let found = zongguan_db::registry::list_buildings(&app.db, &zongguan_db::Scope::All, &zongguan_db::registry::BuildingFilter { q: Some(buildings[3].code.clone()), ..Default::default() }, page).await.expect("search");
    assert_eq!(found.total, 1);
    let summary = zongguan_db::registry::summary(&app.db, &zongguan_db::Scope::All, None).await.expect("summary");
    assert_eq!(summary.iter().map(|s| s.residents).sum::<u64>(), counts.residents);
    assert_eq!(summary.iter().map(|s| s.buildings).sum::<u64>(), counts.buildings);
    // Running the demo again adds nothing.
    let again = load(&app, 7).await;
    assert_eq!(again.buildings, 0);
    assert_eq!(building::Entity::find().all(&app.db.conn).await.expect("b").len(), buildings.len());
});

#[tokio::test]
async fn same_seed_same_district() {
    let a = TestApp::sqlite().await;
    let b = TestApp::sqlite().await;
    load(&a, 42).await;
    load(&b, 42).await;
    let first = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            building::Entity::find().order_by_asc(building::Column::Id).all(&db.conn).await.expect("b").into_iter().take(20).map(|b| (b.code, b.lon, b.lat, b.floors)).collect::<Vec<_>>()
        }
    };
    assert_eq!(first(&a).await, first(&b).await);
}
