//! `zongguan bench map`: tiles, spatial queries over a community and the whole district, and the
//! re-assignment of every building to grids, on the demo district.
use std::time::Instant;

use geo::BoundingRect;
use zongguan_core::geometry::Rng;
use zongguan_core::permission::Permission;
use zongguan_db::entity::org_unit;
use zongguan_db::map::{self, Layers};
use zongguan_db::regrid;
use zongguan_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use zongguan_db::{Actor, Db, demo, demo_data};

use super::{Figures, db_err as e, peak_rss_mib, percentile};

pub async fn map(db: &Db, scale: demo::Scale, divisions: &str, outline: &serde_json::Value) -> anyhow::Result<Figures> {
    let mut f = Figures(Vec::new());
    eprintln!("bench map on {} …", db.backend.name());
    let t = Instant::now();
    let hash = zongguan_core::password::hash("Bench@2026x");
    demo::load(db, divisions, None, scale, &hash).await.map_err(e)?;
    demo_data::geography(db, outline).await.map_err(e)?;
    demo_data::registries(db, 2026, scale.volume(), &|_, _| {})
        .await
        .map_err(e)?;
    db.checkpoint().await.map_err(e)?;
    f.add("load_district_seconds", t.elapsed().as_secs_f64(), "s");

    let t = Instant::now();
    let layers = db.map.layers(db).await.map_err(e)?;
    f.add("layers_cold_seconds", t.elapsed().as_secs_f64(), "s");
    let t = Instant::now();
    db.map.warm_counts(db).await.map_err(e)?;
    f.add("building_counts_warm_seconds", t.elapsed().as_secs_f64(), "s");
    let buildings: Vec<(f64, f64)> = layers
        .buildings
        .values()
        .flat_map(|l| l.iter().map(|b| (b.lon, b.lat)))
        .collect();
    let grids = layers.units.list.iter().filter(|u| u.level == "grid").count();
    f.add("buildings", buildings.len() as f64, "rows");
    f.add("grids", grids as f64, "units");
    anyhow::ensure!(!buildings.is_empty(), "no buildings to draw");
    // The whole district, cases included (`stats:read` makes a case reader).
    let viewer = Actor {
        permissions: vec![Permission::StatsRead.code().into()],
        ..Actor::system("bench")
    };
    tiles(db, &mut f, &buildings, &viewer).await?;
    queries(db, &mut f, &layers, &buildings, &viewer, outline).await?;
    regrid(db, &mut f, &layers).await?;

    if db.backend == zongguan_db::Backend::Postgres {
        use zongguan_db::sea_orm::{ConnectionTrait, Statement};
        let has = db
            .conn
            .query_one_raw(Statement::from_string(
                db.conn.get_database_backend(),
                "SELECT 1 AS x FROM pg_available_extensions WHERE name = 'postgis'",
            ))
            .await?
            .is_some();
        f.add("postgis_available", if has { 1.0 } else { 0.0 }, "bool");
    }
    f.add("peak_rss", peak_rss_mib(), "MiB");
    Ok(f)
}

/// Tiles where people look: around random buildings, zoom 10 to 18, each layer in turn; and the
/// densest tile, the whole district's buildings at zoom 10.
async fn tiles(db: &Db, f: &mut Figures, buildings: &[(f64, f64)], viewer: &Actor) -> anyhow::Result<()> {
    let mut rng = Rng::new(7);
    let (mut times, mut bytes) = (Vec::new(), 0usize);
    let layers_drawn = ["grids", "buildings", "divisions", "buildings", "cases"];
    for i in 0..300 {
        let (lon, lat) = *rng.pick(buildings);
        let z = 10 + (i % 9) as u8;
        let (x, y) = zongguan_core::coords::lonlat_to_tile(lon, lat, z);
        let layer = layers_drawn[i % layers_drawn.len()];
        let t = Instant::now();
        let snapshot = db.map.layers(db).await.map_err(e)?;
        let tile = map::tile(&snapshot, viewer, layer, z, x as u32, y as u32).unwrap_or_default();
        times.push(t.elapsed());
        bytes += tile.len();
    }
    f.add("tile_p50", percentile(times.clone(), 0.50), "ms");
    f.add("tile_p95", percentile(times.clone(), 0.95), "ms");
    f.add("tile_max", percentile(times, 1.0), "ms");
    f.add("tile_mean_bytes", bytes as f64 / 300.0, "bytes");
    let (lon, lat) = buildings[0];
    let (x, y) = zongguan_core::coords::lonlat_to_tile(lon, lat, 10);
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let snapshot = db.map.layers(db).await.map_err(e)?;
        map::tile(&snapshot, viewer, "buildings", 10, x as u32, y as u32);
        times.push(t.elapsed());
    }
    f.add("tile_buildings_z10_p95", percentile(times, 0.95), "ms");

    Ok(())
}

/// Spatial query over a community, a hand-drawn box and the whole district.
async fn queries(
    db: &Db,
    f: &mut Figures,
    layers: &Layers,
    buildings: &[(f64, f64)],
    viewer: &Actor,
    outline: &serde_json::Value,
) -> anyhow::Result<()> {
    let shape_of = |u: &org_unit::Model| {
        u.geometry
            .as_deref()
            .and_then(|g| serde_json::from_str::<serde_json::Value>(g).ok())
            .and_then(|v| zongguan_core::geometry::from_geojson(&v))
    };
    let communities: Vec<org_unit::Model> = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("community"))
        .all(&db.conn)
        .await?;
    let with_people: Vec<&org_unit::Model> = communities
        .iter()
        .filter(|c| {
            layers
                .units
                .list
                .iter()
                .any(|g| g.parent_id == Some(c.id) && layers.buildings.contains_key(&g.id))
        })
        .collect();
    let t = Instant::now();
    map::query(
        db,
        viewer,
        shape_of(with_people[0]).ok_or_else(|| anyhow::anyhow!("community shape"))?,
        200,
    )
    .await
    .map_err(e)?;
    f.add("query_first_seconds", t.elapsed().as_secs_f64(), "s");
    let mut times = Vec::new();
    let mut residents = 0;
    for i in 0..40 {
        let c = with_people[(i * 7) % with_people.len()];
        let shape = shape_of(c).ok_or_else(|| anyhow::anyhow!("community shape"))?;
        let t = Instant::now();
        let r = map::query(db, viewer, shape, 200).await.map_err(e)?;
        times.push(t.elapsed());
        residents = residents.max(r.counts.residents);
    }
    f.add("query_community_p95", percentile(times, 0.95), "ms");
    f.add("query_community_max_residents", residents as f64, "people");
    // A hand-drawn box across grid edges (counted building by building where it cuts).
    let mut times = Vec::new();
    for i in 0..20 {
        let (lon, lat) = buildings[(i * 7919) % buildings.len()];
        let shape = geo::MultiPolygon::new(vec![
            geo::Rect::new(
                geo::Coord {
                    x: lon - 0.006,
                    y: lat - 0.004,
                },
                geo::Coord {
                    x: lon + 0.006,
                    y: lat + 0.004,
                },
            )
            .to_polygon(),
        ]);
        let t = Instant::now();
        map::query(db, viewer, shape, 200).await.map_err(e)?;
        times.push(t.elapsed());
    }
    f.add("query_drawn_box_p95", percentile(times, 0.95), "ms");
    let district = zongguan_core::geometry::from_geojson(outline).ok_or_else(|| anyhow::anyhow!("district outline"))?;
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let r = map::query(db, viewer, district.clone(), 200).await.map_err(e)?;
        times.push(t.elapsed());
        total = r.counts.residents;
    }
    f.add("query_district_p95", percentile(times, 0.95), "ms");
    f.add("query_district_residents", total as f64, "people");

    Ok(())
}

/// Re-assign every building to its grid: once as is, once after moving a strip between grids.
async fn regrid(db: &Db, f: &mut Figures, layers: &Layers) -> anyhow::Result<()> {
    let actor = Actor::system("bench");
    let id = regrid::create(db, &actor, None).await.map_err(e)?;
    let t = Instant::now();
    let run = regrid::run(db, &actor, id).await.map_err(e)?;
    f.add("regrid_all_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("regrid_checked", run.checked as f64, "buildings");
    let grid = layers
        .units
        .list
        .iter()
        .find(|g| g.level == "grid" && layers.buildings.get(&g.id).is_some_and(|b| b.len() > 4))
        .ok_or_else(|| anyhow::anyhow!("a grid with buildings"))?;
    let r = grid.shape.bounding_rect().ok_or_else(|| anyhow::anyhow!("grid box"))?;
    // Shift the grid's west half to a neighbour: rewrite both shapes directly (no validation).
    let half = geo::MultiPolygon::new(vec![
        geo::Rect::new(
            r.min(),
            geo::Coord {
                x: (r.min().x + r.max().x) / 2.0,
                y: r.max().y,
            },
        )
        .to_polygon(),
    ]);
    let neighbour = layers
        .units
        .list
        .iter()
        .find(|g| g.level == "grid" && g.parent_id == grid.parent_id && g.id != grid.id)
        .ok_or_else(|| anyhow::anyhow!("a neighbour grid"))?;
    let (old_a, old_b) = (grid.shape.clone(), neighbour.shape.clone());
    use geo::BooleanOps;
    let set_shape = |id: i64, m: &geo::MultiPolygon<f64>| {
        let g = zongguan_core::geometry::to_geojson(m).to_string();
        async move {
            org_unit::Entity::update_many()
                .col_expr(
                    org_unit::Column::Geometry,
                    zongguan_db::sea_orm::sea_query::Expr::value(g),
                )
                .filter(org_unit::Column::Id.eq(id))
                .exec(&db.conn)
                .await
        }
    };
    set_shape(grid.id, &old_a.difference(&half)).await?;
    set_shape(neighbour.id, &old_b.union(&old_a.intersection(&half))).await?;
    let id = regrid::create(db, &actor, None).await.map_err(e)?;
    let t = Instant::now();
    let run = regrid::run(db, &actor, id).await.map_err(e)?;
    f.add("regrid_with_moves_seconds", t.elapsed().as_secs_f64(), "s");
    f.add("regrid_moved", run.moved as f64, "buildings");
    set_shape(grid.id, &old_a).await?;
    set_shape(neighbour.id, &old_b).await?;
    let id = regrid::create(db, &actor, None).await.map_err(e)?;
    regrid::run(db, &actor, id).await.map_err(e)?;
    Ok(())
}
