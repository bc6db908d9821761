//! The demo district: geography nests exactly, buildings lie in their grids, people are valid,
//! and the same seed gives the same district; on both databases.

use crate::common::TestApp;
use geo::{Area, BooleanOps, Contains, Point};
use zongguan_core::geometry;
use zongguan_db::demo_data::{self, Volume};
use zongguan_db::entity::{building, org_unit, resident};
use zongguan_db::sea_orm::{EntityTrait, QueryOrder};

async fn load(app: &TestApp, seed: u64) -> demo_data::Counts {
    let outline: serde_json::Value =
        serde_json::from_str(&zongguan::longgang_outline_geometry().expect("outline")).expect("json");
    demo_data::geography(&app.db, &outline).await.expect("geography");
    demo_data::registries(
        &app.db,
        seed,
        Volume {
            subdistricts: Some(1),
            buildings_per_grid: 4,
        },
        &|_, _| {},
    )
    .await
    .expect("registries")
}

on_both!(
    geography_nests_and_buildings_lie_in_their_grids,
    |app: TestApp| async move {
        let counts = load(&app, 7).await;
        assert_eq!(counts.buildings, 60 * 4, "平湖: 12 committees × 5 grids × 4 buildings");
        let units = org_unit::Entity::find().all(&app.db.conn).await.expect("units");
        let shape = |u: &org_unit::Model| {
            geometry::from_geojson(
                &serde_json::from_str(u.geometry.as_deref().expect("every unit has a geometry")).expect("json"),
            )
            .expect("polygon")
        };
        let district = units.iter().find(|u| u.level == "district").expect("district");
        let district_area = shape(district).unsigned_area();
        for level in ["subdistrict", "community", "grid"] {
            let sum: f64 = units
                .iter()
                .filter(|u| u.level == level)
                .map(|u| shape(u).unsigned_area())
                .sum();
            assert!(
                (sum - district_area).abs() / district_area < 1e-6,
                "{level}s tile the district"
            );
        }
        for u in units.iter().filter(|u| u.level != "district") {
            let parent = units.iter().find(|p| Some(p.id) == u.parent_id).expect("parent");
            let outside = shape(u).difference(&shape(parent)).unsigned_area();
            assert!(
                outside / shape(u).unsigned_area() < 1e-6,
                "{} lies inside {}",
                u.name,
                parent.name
            );
        }
        let buildings = building::Entity::find().all(&app.db.conn).await.expect("buildings");
        for b in &buildings {
            let grid = units.iter().find(|u| u.id == b.grid_id).expect("grid");
            assert!(
                shape(grid).contains(&Point::new(b.lon, b.lat)),
                "building {} in grid {}",
                b.code,
                grid.code
            );
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
        let found = zongguan_db::registry::list_residents(
            &app.db,
            &zongguan_db::Scope::All,
            &zongguan_db::registry::ResidentFilter {
                q: Some(three.clone()),
                ..Default::default()
            },
            page.clone(),
        )
        .await
        .expect("search");
        assert!(found.total > 0, "residents found by their building's address {three}");
        let found = zongguan_db::registry::list_buildings(
            &app.db,
            &zongguan_db::Scope::All,
            &zongguan_db::registry::BuildingFilter {
                q: Some(buildings[3].code.clone()),
                ..Default::default()
            },
            page,
        )
        .await
        .expect("search");
        assert_eq!(found.total, 1);
        let summary = zongguan_db::registry::summary(&app.db, &zongguan_db::Scope::All, None)
            .await
            .expect("summary");
        assert_eq!(summary.iter().map(|s| s.residents).sum::<u64>(), counts.residents);
        assert_eq!(summary.iter().map(|s| s.buildings).sum::<u64>(), counts.buildings);
        // Running the demo again adds nothing.
        let again = load(&app, 7).await;
        assert_eq!(again.buildings, 0);
        assert_eq!(
            building::Entity::find().all(&app.db.conn).await.expect("b").len(),
            buildings.len()
        );
    }
);

#[tokio::test]
async fn same_seed_same_district() {
    let a = TestApp::sqlite().await;
    let b = TestApp::sqlite().await;
    load(&a, 42).await;
    load(&b, 42).await;
    let first = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            building::Entity::find()
                .order_by_asc(building::Column::Id)
                .all(&db.conn)
                .await
                .expect("b")
                .into_iter()
                .take(20)
                .map(|b| (b.code, b.lon, b.lat, b.floors))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(first(&a).await, first(&b).await);
}

on_both!(demo_cases_walk_the_workflow, |app: TestApp| async move {
    use zongguan_db::Actor;
    use zongguan_db::cases;
    use zongguan_db::entity::case_record;
    use zongguan_db::sea_orm::{ColumnTrait, QueryFilter};
    load(&app, 7).await;
    let volume = demo_data::CaseVolume {
        subdistricts: Some(1),
        history_per_grid: 5,
        communities: Some(2),
    };
    let tally = demo_data::cases(&app.db, 7, volume).await.expect("demo cases");
    assert_eq!(tally.history, 60 * 5, "five a grid in 平湖's 60 grids");
    assert_eq!(
        tally.live as usize,
        2 * demo_data::LIVE_STAGES.len(),
        "one per stage in two communities"
    );

    // Today's cases stand where the workflow left them, reported by grid workers.
    let live = case_record::Entity::find()
        .filter(case_record::Column::ReporterUserId.is_not_null())
        .all(&app.db.conn)
        .await
        .expect("cases");
    assert_eq!(live.len() as u64, tally.live);
    let count = |state: &str| live.iter().filter(|c| c.state == state).count();
    let expected = [
        ("reported", 1),
        ("accepted", 2),
        ("dispatched", 1),
        ("handling", 3),
        ("feedback", 1),
        ("verified", 1),
        ("closed", 1),
        ("rejected", 1),
    ];
    for (state, per_community) in expected {
        assert_eq!(count(state), 2 * per_community, "{state}");
    }
    assert_eq!(
        live.iter().filter(|c| c.paused).count(),
        2,
        "one paused case a community"
    );
    assert_eq!(
        live.iter().filter(|c| c.supervision_level > 0).count(),
        2,
        "one supervised case a community"
    );
    assert!(
        live.iter().all(|c| c.building_code.is_some()
            && c.address.starts_with("深圳市龙岗区")
            && c.description.contains("附近")),
        "at a building, with its address, described"
    );

    // The closed case's timeline names every step and who took it.
    let closed = live.iter().find(|c| c.state == "closed").expect("closed");
    let center = Actor::load(&app.db, "district_officer", "test")
        .await
        .expect("district officer");
    let detail = cases::get_case(&app.db, &center, closed.id).await.expect("detail");
    let steps: Vec<&str> = detail.timeline.iter().map(|t| t.action.as_str()).collect();
    assert_eq!(
        steps,
        ["report", "accept", "dispatch", "start", "feedback", "verify", "close"]
    );
    assert!(
        detail.timeline.iter().all(|t| !t.actor_name.is_empty()),
        "names on every row"
    );

    // The community center's to-do holds its reported case; the history counts in the figures.
    let mine = live.iter().find(|c| c.state == "reported").expect("reported");
    let community = zongguan_db::entity::org_unit::Entity::find_by_id(mine.community_id)
        .one(&app.db.conn)
        .await
        .expect("unit")
        .expect("community");
    let officer = Actor::load(&app.db, &format!("community_{}", &community.code[6..]), "test")
        .await
        .expect("community officer");
    let inbox = cases::inbox(
        &app.db,
        &officer,
        zongguan_db::PageReq::new(Some(1), Some(100)).expect("page"),
    )
    .await
    .expect("inbox");
    assert!(
        inbox.items.iter().any(|c| c.id == mine.id),
        "the reported case waits in {}'s to-do",
        community.name
    );
    let stats = cases::stats(&app.db, &center, &Default::default())
        .await
        .expect("stats");
    assert_eq!(stats.total, tally.history + tally.live);
    let now = cases::now();
    assert!(
        case_record::Entity::find()
            .all(&app.db.conn)
            .await
            .expect("all")
            .iter()
            .all(|c| c.reported_at <= now && c.updated_at <= now),
        "nothing in the future"
    );

    // Running the demo again adds nothing.
    let again = demo_data::cases(&app.db, 7, volume).await.expect("again");
    assert_eq!(again.history + again.live, 0);
});
