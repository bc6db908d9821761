//! The spatial query: what lies inside a polygon or circle, counted and listed.
use std::collections::{BTreeMap, HashSet};

use geo::{BoundingRect, Contains, MultiPolygon, Point};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::geometry::{Relation, ShapeEdges};

use super::{BuildingPt, Layers, Visible, in_bbox};
use crate::{Actor, Db, DbResult};

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct QueryCounts {
    pub residents: u64,
    pub migrants: u64,
    /// Residents in at least one special group.
    pub special_groups: u64,
    pub buildings: u64,
    pub houses: u64,
    pub rental_houses: u64,
    pub key_places: u64,
    pub open_cases: u64,
    /// Rental houses past their next inspection day (0 without `rental:read`).
    pub overdue_inspections: u64,
    /// Cameras (0 without `camera:read`).
    pub cameras: u64,
}

/// A rental house the shape holds (listed for `rental:read` holders, to assign inspections).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryRentalHouse {
    pub id: i64,
    pub building_id: i64,
    pub grid_id: i64,
    pub room: String,
    /// `green` | `yellow` | `orange` | `red` | `unclassified`.
    pub class: String,
    #[schema(required = true)]
    pub next_due_on: Option<chrono::NaiveDate>,
    pub overdue: bool,
    pub lon: f64,
    pub lat: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryBuilding {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub grid_id: i64,
    pub residents: Option<u64>,
    pub houses: Option<u64>,
    pub rental_houses: Option<u64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryPoint {
    pub id: i64,
    /// Place name, or the case's code.
    pub label: String,
    /// Place type, or the case's state.
    pub kind: String,
    pub lon: f64,
    pub lat: f64,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct QueryResult {
    pub counts: QueryCounts,
    pub residents_by_type: BTreeMap<String, u64>,
    pub special_groups_by_kind: BTreeMap<String, u64>,
    /// The first buildings inside (see `buildings_total`).
    pub buildings: Vec<QueryBuilding>,
    pub buildings_total: u64,
    pub key_places: Vec<QueryPoint>,
    pub open_cases: Vec<QueryPoint>,
    /// The first rental houses inside (see `counts.rental_houses`), by id.
    pub rental_houses: Vec<QueryRentalHouse>,
    /// Rental houses inside by class code (`unclassified` for none confirmed).
    pub rental_by_class: BTreeMap<String, u64>,
    /// Grids wholly inside the shape (counted from the registry's per-grid figures) and grids cut
    /// by it (counted building by building).
    pub grids_inside: u64,
    pub grids_cut: u64,
}

/// How the grids relate to the shape: wholly inside, or cut by it. Under the own-records scope
/// the grids themselves are not visible: every grid the shape meets is counted building by building.
pub fn split_grids(layers: &Layers, visible: &Visible<'_>, shape: &MultiPolygon<f64>) -> (Vec<i64>, Vec<i64>) {
    let Some(r) = shape.bounding_rect() else {
        return (vec![], vec![]);
    };
    let edges = ShapeEdges::new(shape);
    let own = visible.own_records();
    let (mut inside, mut cut) = (Vec::new(), Vec::new());
    for g in layers
        .units
        .in_box((r.min().x, r.min().y, r.max().x, r.max().y))
        .filter(|u| u.level == "grid" && (own || visible.unit(u.id)))
    {
        match edges.relate(&g.shape) {
            Relation::Inside if !own => inside.push(g.id),
            Relation::Inside | Relation::Cut => cut.push(g.id),
            Relation::Outside => {}
        }
    }
    (inside, cut)
}

/// A building the shape holds: (id, grid, code, name, lon, lat); code and name only for the listed ones.
type Picked = (i64, i64, String, String, f64, f64);

/// What the shape holds in the snapshot, before the registry's counts are added.
struct Found {
    inside: Vec<i64>,
    cut: Vec<i64>,
    res: QueryResult,
    picked: Vec<Picked>,
}

/// Everything inside the shape, within the actor's scope.
pub async fn query(db: &Db, actor: &Actor, shape: MultiPolygon<f64>, list_limit: usize) -> DbResult<QueryResult> {
    let layers = db.map.layers(db).await?;
    let actor = actor.clone();
    let Found {
        inside,
        cut,
        mut res,
        picked,
    } = tokio::task::spawn_blocking(move || pick(&layers, &actor, &shape, list_limit))
        .await
        .map_err(|e| crate::DbError::Db(sea_orm::DbErr::Custom(format!("spatial query: {e}"))))?;
    res.grids_inside = inside.len() as u64;
    res.grids_cut = cut.len() as u64;
    add_whole_grids(db, &inside, &mut res).await?;
    add_cut_buildings(db, &inside, &cut, &picked, &mut res).await?;
    res.counts.migrants = res.residents_by_type.get("migrant").copied().unwrap_or(0);
    res.buildings = listed(db, picked, list_limit).await?;
    res.key_places.truncate(list_limit);
    res.open_cases.truncate(list_limit);
    res.rental_houses
        .truncate(super::super::governance::MAX_TASK_HOUSES.max(list_limit));
    Ok(res)
}

/// The grids, buildings, key places and open cases inside the shape (CPU work, off the runtime).
fn pick(layers: &Layers, actor: &Actor, shape: &MultiPolygon<f64>, list_limit: usize) -> Found {
    let visible = Visible::new(actor, &layers.units);
    let (inside, cut) = split_grids(layers, &visible, shape);
    let mut res = QueryResult::default();
    let mut picked: Vec<&BuildingPt> = Vec::new();
    for g in &inside {
        picked.extend(layers.buildings.get(g).iter().flat_map(|l| l.iter()));
    }
    for g in &cut {
        picked.extend(
            layers
                .buildings
                .get(g)
                .iter()
                .flat_map(|l| l.iter())
                .filter(|b| visible.row(b.grid_id, b.created_by) && shape.contains(&Point::new(b.lon, b.lat))),
        );
    }
    res.buildings_total = picked.len() as u64;
    res.counts.buildings = picked.len() as u64;
    // Every building's (id, grid) for the counts; names only for the listed ones.
    let picked: Vec<Picked> = picked
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if i < list_limit {
                (b.id, b.grid_id, b.code.to_string(), b.name.to_string(), b.lon, b.lat)
            } else {
                (b.id, b.grid_id, String::new(), String::new(), b.lon, b.lat)
            }
        })
        .collect();
    let bb = shape
        .bounding_rect()
        .map(|r| (r.min().x, r.min().y, r.max().x, r.max().y))
        .unwrap_or_default();
    for p in layers.places.iter().filter(|p| {
        p.layer == "key_places"
            && in_bbox(bb, p.lon, p.lat)
            && visible.row(p.unit_id, p.created_by)
            && shape.contains(&Point::new(p.lon, p.lat))
    }) {
        res.counts.key_places += 1;
        res.key_places.push(QueryPoint {
            id: p.id,
            label: p.name.clone(),
            kind: p.kind.clone(),
            lon: p.lon,
            lat: p.lat,
        });
    }
    for c in layers
        .cases
        .values()
        .filter(|c| in_bbox(bb, c.lon, c.lat) && visible.case(c) && shape.contains(&Point::new(c.lon, c.lat)))
    {
        res.counts.open_cases += 1;
        res.open_cases.push(QueryPoint {
            id: c.id,
            label: c.code.clone(),
            kind: c.state.clone(),
            lon: c.lon,
            lat: c.lat,
        });
    }
    res.open_cases.sort_by_key(|p| std::cmp::Reverse(p.id));
    let today = zongguan_core::time::cst_date(chrono::Utc::now());
    for h in layers
        .rental
        .values()
        .filter(|h| in_bbox(bb, h.lon, h.lat) && visible.rental_house(h) && shape.contains(&Point::new(h.lon, h.lat)))
    {
        *res.rental_by_class.entry(h.class_code().to_string()).or_default() += 1;
        if h.overdue(today) {
            res.counts.overdue_inspections += 1;
        }
        res.rental_houses.push(QueryRentalHouse {
            id: h.id,
            building_id: h.building_id,
            grid_id: h.grid_id,
            room: h.room.clone(),
            class: h.class_code().into(),
            next_due_on: h.next_due_on,
            overdue: h.overdue(today),
            lon: h.lon,
            lat: h.lat,
        });
    }
    res.rental_houses.sort_by_key(|h| h.id);
    res.counts.cameras = layers
        .cameras
        .iter()
        .filter(|c| in_bbox(bb, c.lon, c.lat) && visible.camera(c) && shape.contains(&Point::new(c.lon, c.lat)))
        .count() as u64;
    Found {
        inside,
        cut,
        res,
        picked,
    }
}

/// Wholly covered grids: the registry's own per-grid figures.
async fn add_whole_grids(db: &Db, inside: &[i64], res: &mut QueryResult) -> DbResult<()> {
    db.stats
        .with(db, |units| {
            for g in inside {
                let Some(u) = units.get(g) else { continue };
                for ((t, _), (dates, unknown)) in &u.people {
                    let n = dates.len() as u64 + unknown;
                    *res.residents_by_type.entry(t.clone()).or_default() += n;
                    res.counts.residents += n;
                }
                res.counts.special_groups += u.special_residents;
                for (k, n) in &u.special_groups {
                    *res.special_groups_by_kind.entry(k.clone()).or_default() += n;
                }
                for ((_, rental), n) in &u.houses {
                    res.counts.houses += n;
                    if *rental {
                        res.counts.rental_houses += n;
                    }
                }
            }
        })
        .await
}

/// Cut grids: building by building, from current residences.
async fn add_cut_buildings(
    db: &Db,
    inside: &[i64],
    cut: &[i64],
    picked: &[Picked],
    res: &mut QueryResult,
) -> DbResult<()> {
    let full: HashSet<i64> = inside.iter().copied().collect();
    let counts = db.map.building_counts(db, cut).await?;
    let per_building = |grid: i64, id: i64| counts.get(&grid).and_then(|m| m.get(&id));
    for (id, grid, ..) in picked {
        if full.contains(grid) {
            continue;
        }
        let Some(b) = per_building(*grid, *id) else { continue };
        res.counts.residents += u64::from(b.residents);
        res.counts.special_groups += u64::from(b.special_residents);
        res.counts.houses += u64::from(b.houses);
        res.counts.rental_houses += u64::from(b.rental_houses);
        for (t, n) in b.by_type() {
            *res.residents_by_type.entry(t.to_string()).or_default() += n;
        }
        for (k, n) in b.special_by_kind() {
            *res.special_groups_by_kind.entry(k.to_string()).or_default() += n;
        }
    }
    Ok(())
}

/// The first `list_limit` buildings with their per-building figures (cached per grid).
async fn listed(db: &Db, picked: Vec<Picked>, list_limit: usize) -> DbResult<Vec<QueryBuilding>> {
    let listed: Vec<_> = picked.into_iter().take(list_limit).collect();
    let grids: Vec<i64> = listed.iter().map(|b| b.1).collect::<HashSet<_>>().into_iter().collect();
    let counts = db.map.building_counts(db, &grids).await?;
    Ok(listed
        .into_iter()
        .map(|(id, grid_id, code, name, lon, lat)| {
            let c = counts.get(&grid_id).and_then(|m| m.get(&id));
            QueryBuilding {
                id,
                code,
                name,
                lon,
                lat,
                grid_id,
                residents: Some(c.map_or(0, |c| u64::from(c.residents))),
                houses: Some(c.map_or(0, |c| u64::from(c.houses))),
                rental_houses: Some(c.map_or(0, |c| u64::from(c.rental_houses))),
            }
        })
        .collect())
}
