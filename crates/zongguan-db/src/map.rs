//! The map office's layers, held in memory and kept current: org unit shapes (reloaded when the
//! trigger-bumped `org_version` moves), buildings per grid (reloaded for the grids whose
//! `stat_version` moved), key places and enterprises (reloaded when their row signature changes)
//! and open cases (read incrementally by `updated_at`). Tiles, features and spatial queries read
//! a snapshot, so the database sees no spatial SQL and both backends answer the same.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use geo::{BoundingRect, Contains, Coord, MultiPolygon, Point};
use rstar::{AABB, RTree, RTreeObject};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::coords::{lonlat_to_tile, metres_per_degree, tile_bbox};
use zongguan_core::geometry;
use zongguan_core::mvt::{self, Geom, Layer, Value};
use zongguan_core::rbac::Scope;

use crate::entity::{building, case_record, key_enterprise, key_place, org_unit, org_version, stat_version};
use crate::{Backend, Db, DbResult};

pub const LAYERS: [&str; 6] = [
    "divisions",
    "grids",
    "buildings",
    "key_places",
    "key_enterprises",
    "cases",
];

/// Point layers are aggregated below these zooms (and whenever a tile would hold too many points).
const BUILDING_CLUSTER_BELOW: u8 = 16;
/// Below this zoom buildings are summed per grid before they are clustered.
const GRID_TOTALS_BELOW: u8 = 14;
const POINT_CLUSTER_BELOW: u8 = 14;
const MAX_POINTS_PER_TILE: usize = 4000;
/// Cells per tile side when aggregating points.
const CLUSTER_CELLS: i32 = 32;
/// Tile-space buffer around a tile, so polygons and labels continue across tile edges.
const BUFFER: f64 = 64.0;

/// An org unit with its shape.
pub struct UnitShape {
    pub id: i64,
    pub level: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub path: String,
    pub created_by: Option<i64>,
    pub shape: MultiPolygon<f64>,
}

struct Slot {
    bbox: AABB<[f64; 2]>,
    slot: usize,
}

impl RTreeObject for Slot {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.bbox
    }
}

#[derive(Default)]
pub struct Units {
    pub list: Vec<UnitShape>,
    pub by_id: HashMap<i64, usize>,
    tree: RTree<Slot>,
}

impl Units {
    fn new(list: Vec<UnitShape>) -> Self {
        let by_id = list.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let slots = list
            .iter()
            .enumerate()
            .filter_map(|(slot, u)| {
                let r = u.shape.bounding_rect()?;
                Some(Slot {
                    bbox: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    slot,
                })
            })
            .collect();
        Self {
            list,
            by_id,
            tree: RTree::bulk_load(slots),
        }
    }
    /// Units whose bounding box meets the box.
    pub fn in_box(&self, b: Bbox) -> impl Iterator<Item = &UnitShape> {
        self.tree
            .locate_in_envelope_intersecting(&AABB::from_corners([b.0, b.1], [b.2, b.3]))
            .map(|s| &self.list[s.slot])
    }
    pub fn get(&self, id: i64) -> Option<&UnitShape> {
        self.by_id.get(&id).map(|i| &self.list[*i])
    }
}

#[derive(Debug, Clone)]
pub struct BuildingPt {
    pub id: i64,
    pub grid_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub code: Box<str>,
    pub name: Box<str>,
    pub use_type: Box<str>,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct PlacePt {
    pub id: i64,
    /// `key_places` or `key_enterprises`.
    pub layer: &'static str,
    pub unit_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub name: String,
    /// Place type, or the enterprise's industry.
    pub kind: String,
    pub hazard_class: String,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CasePt {
    pub id: i64,
    pub code: String,
    pub lon: f64,
    pub lat: f64,
    pub state: String,
    pub item_code: String,
    pub grid_id: i64,
    pub department_id: Option<i64>,
    pub reporter_user_id: Option<i64>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub paused: bool,
}

impl CasePt {
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        !self.paused && self.deadline_at.is_some_and(|d| d < now)
    }
}

/// One consistent picture of every layer; cheap to clone.
#[derive(Clone, Default)]
pub struct Layers {
    pub units: Arc<Units>,
    /// Buildings by grid.
    pub buildings: Arc<HashMap<i64, Arc<Vec<BuildingPt>>>>,
    pub places: Arc<Vec<PlacePt>>,
    /// Open cases with a location.
    pub cases: Arc<HashMap<i64, CasePt>>,
}

/// Residents, houses and rental houses of one building (from current residences), compact: a
/// district holds 400,000 of them.
#[derive(Debug, Clone, Default)]
pub struct BuildingCounts {
    pub residents: u32,
    /// By registration type, in the order of `dict::REGISTRATION_TYPES`.
    by_type: [u32; 4],
    /// Residents with at least one special-group tag.
    pub special_residents: u32,
    /// (index in `dict::SPECIAL_GROUPS`, residents).
    special: Vec<(u8, u32)>,
    pub houses: u32,
    pub rental_houses: u32,
}

impl BuildingCounts {
    fn add_people(&mut self, registration_type: &str, groups: &str, n: u32) {
        use zongguan_core::dict::{REGISTRATION_TYPES, SPECIAL_GROUPS};
        self.residents += n;
        if let Some(i) = REGISTRATION_TYPES.iter().position(|(c, _)| *c == registration_type) {
            self.by_type[i] += n;
        }
        if !groups.is_empty() {
            self.special_residents += n;
            for g in groups.split(',') {
                let Some(k) = SPECIAL_GROUPS.iter().position(|(c, _)| *c == g) else {
                    continue;
                };
                match self.special.iter_mut().find(|(i, _)| usize::from(*i) == k) {
                    Some(e) => e.1 += n,
                    None => self.special.push((k as u8, n)),
                }
            }
        }
    }
    /// (registration type code, residents), non-zero only.
    pub fn by_type(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        zongguan_core::dict::REGISTRATION_TYPES
            .iter()
            .zip(self.by_type)
            .filter(|(_, n)| *n > 0)
            .map(|((c, _), n)| (*c, u64::from(n)))
    }
    pub fn migrants(&self) -> u64 {
        self.by_type().find(|(c, _)| *c == "migrant").map_or(0, |(_, n)| n)
    }
    /// (special group code, residents).
    pub fn special_by_kind(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.special.iter().filter_map(|(i, n)| {
            zongguan_core::dict::SPECIAL_GROUPS
                .get(usize::from(*i))
                .map(|(c, _)| (*c, u64::from(*n)))
        })
    }
}

type GridCounts = Arc<HashMap<i64, BuildingCounts>>;

#[derive(Default)]
struct State {
    layers: Layers,
    org_version: Option<i64>,
    grid_versions: HashMap<i64, i64>,
    places_sig: Option<String>,
    cases_since: Option<DateTime<Utc>>,
    /// Per-building counts of a grid, at the grid's version; filled when first needed.
    counts: HashMap<i64, (i64, GridCounts)>,
}

/// Shared by all clones of [`Db`].
#[derive(Default)]
pub struct MapIndex {
    state: tokio::sync::Mutex<State>,
    /// One re-assignment of buildings to grids at a time.
    pub(crate) regrid_lock: tokio::sync::Mutex<()>,
}

/// (min lon, min lat, max lon, max lat).
pub type Bbox = (f64, f64, f64, f64);

impl MapIndex {
    /// Brings the layers up to date and answers a snapshot.
    pub async fn layers(&self, db: &Db) -> DbResult<Layers> {
        let mut st = self.state.lock().await;
        refresh(db, &mut st).await?;
        Ok(st.layers.clone())
    }

    /// Loads every grid's per-building counts in one pass (at start, in the background).
    pub async fn warm_counts(&self, db: &Db) -> DbResult<()> {
        self.layers(db).await?;
        let versions = self.state.lock().await.grid_versions.clone();
        let mut fresh = load_counts(db, None).await?;
        let mut st = self.state.lock().await;
        for (g, v) in versions {
            // A grid changed meanwhile is left to load on demand.
            if st.grid_versions.get(&g) == Some(&v) {
                st.counts.insert(g, (v, Arc::new(fresh.remove(&g).unwrap_or_default())));
            }
        }
        Ok(())
    }

    /// Per-building counts for these grids (loaded for the grids not cached at their version).
    pub async fn building_counts(&self, db: &Db, grids: &[i64]) -> DbResult<HashMap<i64, GridCounts>> {
        let mut st = self.state.lock().await;
        let missing: Vec<i64> = grids
            .iter()
            .copied()
            .filter(|g| {
                st.counts
                    .get(g)
                    .map(|(v, _)| Some(v) != st.grid_versions.get(g))
                    .unwrap_or(true)
            })
            .collect();
        for part in missing.chunks(200) {
            let fresh = load_counts(db, Some(part)).await?;
            for g in part {
                let v = st.grid_versions.get(g).copied().unwrap_or(0);
                st.counts
                    .insert(*g, (v, Arc::new(fresh.get(g).cloned().unwrap_or_default())));
            }
        }
        Ok(grids
            .iter()
            .filter_map(|g| st.counts.get(g).map(|(_, c)| (*g, c.clone())))
            .collect())
    }
}

fn parse_shape(g: Option<&str>) -> Option<MultiPolygon<f64>> {
    let v: serde_json::Value = serde_json::from_str(g?).ok()?;
    geometry::from_geojson(&v)
}

async fn refresh(db: &Db, st: &mut State) -> DbResult<()> {
    let c = &db.conn;
    let ov = org_version::Entity::find_by_id(1)
        .one(c)
        .await?
        .map(|v| v.version)
        .unwrap_or(0);
    if st.org_version != Some(ov) {
        let rows = org_unit::Entity::find().all(c).await?;
        let list = rows
            .into_iter()
            .filter_map(|u| {
                let shape = parse_shape(u.geometry.as_deref())?;
                Some(UnitShape {
                    id: u.id,
                    level: u.level,
                    code: u.code,
                    name: u.name,
                    parent_id: u.parent_id,
                    path: u.path,
                    created_by: u.created_by,
                    shape,
                })
            })
            .collect();
        st.layers.units = Arc::new(Units::new(list));
        st.org_version = Some(ov);
    }

    let versions: Vec<(i64, i64)> = stat_version::Entity::find()
        .select_only()
        .columns([stat_version::Column::OrgUnitId, stat_version::Column::Version])
        .into_tuple()
        .all(c)
        .await?;
    let changed: Vec<i64> = versions
        .iter()
        .filter(|(u, v)| st.grid_versions.get(u) != Some(v))
        .map(|(u, _)| *u)
        .collect();
    if !changed.is_empty() {
        let full = changed.len() > 400;
        let mut q = building::Entity::find().select_only().columns([
            building::Column::Id,
            building::Column::GridId,
            building::Column::Lon,
            building::Column::Lat,
            building::Column::Code,
            building::Column::Name,
            building::Column::UseType,
            building::Column::CreatedBy,
        ]);
        if !full {
            q = q.filter(building::Column::GridId.is_in(changed.clone()));
        }
        type Row = (i64, i64, f64, f64, String, String, String, Option<i64>);
        let rows: Vec<Row> = q.into_tuple().all(c).await?;
        let mut fresh: HashMap<i64, Vec<BuildingPt>> = changed.iter().map(|g| (*g, Vec::new())).collect();
        for (id, grid_id, lon, lat, code, name, use_type, created_by) in rows {
            fresh.entry(grid_id).or_default().push(BuildingPt {
                id,
                grid_id,
                lon,
                lat,
                code: code.into(),
                name: name.into(),
                use_type: use_type.into(),
                created_by,
            });
        }
        let map = Arc::make_mut(&mut st.layers.buildings);
        if full {
            map.clear();
        }
        for (g, v) in fresh {
            if v.is_empty() {
                map.remove(&g);
            } else {
                map.insert(g, Arc::new(v));
            }
        }
        st.grid_versions = versions.into_iter().collect();
    }

    // Key places and enterprises are few: reload both when either's row signature moves.
    let sig_sql = "SELECT (SELECT COUNT(*) FROM key_place) AS a, (SELECT MAX(updated_at) FROM key_place) AS b, (SELECT COUNT(*) FROM key_enterprise) AS c, (SELECT MAX(updated_at) FROM key_enterprise) AS d";
    let sig = match c
        .query_one_raw(Statement::from_string(c.get_database_backend(), sig_sql))
        .await?
    {
        Some(r) => format!(
            "{:?}/{:?}/{:?}/{:?}",
            r.try_get::<i64>("", "a").ok(),
            r.try_get::<Option<DateTime<Utc>>>("", "b").ok().flatten(),
            r.try_get::<i64>("", "c").ok(),
            r.try_get::<Option<DateTime<Utc>>>("", "d").ok().flatten()
        ),
        None => String::new(),
    };
    if st.places_sig.as_deref() != Some(sig.as_str()) {
        let mut places = Vec::new();
        for p in key_place::Entity::find()
            .filter(key_place::Column::Lon.is_not_null())
            .all(c)
            .await?
        {
            let (Some(lon), Some(lat)) = (p.lon, p.lat) else {
                continue;
            };
            places.push(PlacePt {
                id: p.id,
                layer: "key_places",
                unit_id: p.org_unit_id,
                lon,
                lat,
                name: p.name,
                kind: p.place_type,
                hazard_class: String::new(),
                created_by: p.created_by,
            });
        }
        for p in key_enterprise::Entity::find()
            .filter(key_enterprise::Column::Lon.is_not_null())
            .all(c)
            .await?
        {
            let (Some(lon), Some(lat)) = (p.lon, p.lat) else {
                continue;
            };
            places.push(PlacePt {
                id: p.id,
                layer: "key_enterprises",
                unit_id: p.org_unit_id,
                lon,
                lat,
                name: p.name,
                kind: p.industry,
                hazard_class: p.hazard_class,
                created_by: p.created_by,
            });
        }
        st.layers.places = Arc::new(places);
        st.places_sig = Some(sig);
    }

    // Cases: everything open on the first read, then what changed since (with an overlap, as a
    // transaction may commit a little after the time it stamped).
    let mut q = case_record::Entity::find().filter(case_record::Column::Lon.is_not_null());
    let first = st.cases_since.is_none();
    match st.cases_since {
        None => q = q.filter(case_record::Column::State.is_not_in(["closed", "rejected"])),
        Some(t) => q = q.filter(case_record::Column::UpdatedAt.gte(t - Duration::seconds(5))),
    }
    let rows = q
        .select_only()
        .columns([
            case_record::Column::Id,
            case_record::Column::Code,
            case_record::Column::Lon,
            case_record::Column::Lat,
            case_record::Column::State,
            case_record::Column::ItemCode,
            case_record::Column::GridId,
            case_record::Column::DepartmentId,
            case_record::Column::ReporterUserId,
            case_record::Column::DeadlineAt,
            case_record::Column::Paused,
            case_record::Column::UpdatedAt,
        ])
        .into_tuple::<(
            i64,
            String,
            Option<f64>,
            Option<f64>,
            String,
            String,
            i64,
            Option<i64>,
            Option<i64>,
            Option<DateTime<Utc>>,
            bool,
            DateTime<Utc>,
        )>()
        .all(c)
        .await?;
    if first || !rows.is_empty() {
        let mut newest = st.cases_since;
        if first {
            let max: Option<Option<DateTime<Utc>>> = case_record::Entity::find()
                .select_only()
                .column_as(case_record::Column::UpdatedAt.max(), "m")
                .into_tuple()
                .one(c)
                .await?;
            newest = Some(max.flatten().unwrap_or_else(Utc::now));
        }
        let cases = Arc::make_mut(&mut st.layers.cases);
        for (
            id,
            code,
            lon,
            lat,
            state,
            item_code,
            grid_id,
            department_id,
            reporter_user_id,
            deadline_at,
            paused,
            updated_at,
        ) in rows
        {
            newest = newest.max(Some(updated_at));
            let (Some(lon), Some(lat)) = (lon, lat) else { continue };
            if matches!(state.as_str(), "closed" | "rejected") {
                cases.remove(&id);
            } else {
                cases.insert(
                    id,
                    CasePt {
                        id,
                        code,
                        lon,
                        lat,
                        state,
                        item_code,
                        grid_id,
                        department_id,
                        reporter_user_id,
                        deadline_at,
                        paused,
                    },
                );
            }
        }
        st.cases_since = newest;
    }
    Ok(())
}

/// Current residents per building, by type and special group, and houses, for these grids.
/// For these grids, or for every grid when `grids` is None (one pass, to warm the cache).
async fn load_counts(db: &Db, grids: Option<&[i64]>) -> DbResult<HashMap<i64, HashMap<i64, BuildingCounts>>> {
    let c = &db.conn;
    let mut out: HashMap<i64, HashMap<i64, BuildingCounts>> = HashMap::new();
    let (where_house, only) = match grids {
        Some([]) => return Ok(out),
        Some(g) => {
            let list = g.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            (
                format!("WHERE grid_id IN ({list})"),
                format!("AND h.grid_id IN ({list})"),
            )
        }
        None => (String::new(), String::new()),
    };
    let rental = match db.backend {
        Backend::Sqlite => "SUM(is_rental)",
        Backend::Postgres => "SUM(CASE WHEN is_rental THEN 1 ELSE 0 END)",
    };
    let sql = format!(
        "SELECT grid_id AS g, building_id AS b, COUNT(*) AS n, {rental} AS r FROM house {where_house} GROUP BY grid_id, building_id"
    );
    for row in c
        .query_all_raw(Statement::from_string(c.get_database_backend(), sql))
        .await?
    {
        let e = out
            .entry(row.try_get("", "g")?)
            .or_default()
            .entry(row.try_get("", "b")?)
            .or_default();
        e.houses = row.try_get::<i64>("", "n")? as u32;
        e.rental_houses = row.try_get::<Option<i64>>("", "r")?.unwrap_or(0) as u32;
    }
    let sql = format!(
        "SELECT h.grid_id AS g, h.building_id AS b, r.registration_type AS t, r.special_groups AS s, COUNT(*) AS n
         FROM residence rs JOIN house h ON h.id = rs.house_id JOIN resident r ON r.id = rs.resident_id
         WHERE rs.until IS NULL {only} GROUP BY h.grid_id, h.building_id, r.registration_type, r.special_groups"
    );
    for row in c
        .query_all_raw(Statement::from_string(c.get_database_backend(), sql))
        .await?
    {
        let e = out
            .entry(row.try_get("", "g")?)
            .or_default()
            .entry(row.try_get("", "b")?)
            .or_default();
        let t: String = row.try_get("", "t")?;
        let groups: String = row.try_get("", "s")?;
        e.add_people(&t, &groups, row.try_get::<i64>("", "n")? as u32);
    }
    Ok(out)
}

// ---------- who sees what ----------

/// The caller as the map sees them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub scope: Scope,
    pub user_id: Option<i64>,
    pub department_id: Option<i64>,
    /// May read cases (some part in the workflow, or the reports).
    pub cases: bool,
}

impl Viewer {
    pub fn system() -> Self {
        Self {
            scope: Scope::All,
            user_id: None,
            department_id: None,
            cases: true,
        }
    }
    fn own(&self) -> Option<i64> {
        match self.scope {
            Scope::OwnRecords { user_id } => Some(user_id),
            _ => None,
        }
    }
    /// Visible unit ids.
    pub fn units(&self, units: &Units) -> HashSet<i64> {
        units
            .list
            .iter()
            .filter(|u| match self.own() {
                Some(uid) => u.created_by == Some(uid),
                None => self.scope.sees_unit(u.id, &u.path),
            })
            .map(|u| u.id)
            .collect()
    }
    fn sees_row(&self, seen: &HashSet<i64>, unit: i64, created_by: Option<i64>) -> bool {
        match self.own() {
            Some(uid) => created_by == Some(uid),
            None => matches!(self.scope, Scope::All) || seen.contains(&unit),
        }
    }
    fn sees_case(&self, seen: &HashSet<i64>, c: &CasePt) -> bool {
        self.cases
            && (matches!(self.scope, Scope::All)
                || seen.contains(&c.grid_id)
                || (self.user_id.is_some() && c.reporter_user_id == self.user_id)
                || (self.department_id.is_some() && c.department_id == self.department_id))
    }
}

// ---------- tiles ----------

/// Projects lon/lat into the tile's coordinates (0..4096 inside).
struct TileProj {
    z: u8,
    x: f64,
    y: f64,
}

impl TileProj {
    fn new(z: u8, x: u32, y: u32) -> Self {
        Self {
            z,
            x: f64::from(x),
            y: f64::from(y),
        }
    }
    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (tx, ty) = lonlat_to_tile(lon, lat, self.z);
        (
            (tx - self.x) * f64::from(mvt::EXTENT),
            (ty - self.y) * f64::from(mvt::EXTENT),
        )
    }
    fn polygons(&self, m: &MultiPolygon<f64>) -> Geom {
        let (lo, hi) = (-BUFFER, f64::from(mvt::EXTENT) + BUFFER);
        let ring = |r: &geo::LineString<f64>| -> Vec<(i32, i32)> {
            let pts: Vec<(f64, f64)> = r.coords().map(|c| self.project(c.x, c.y)).collect();
            mvt::clip_ring(&pts, lo, hi)
                .into_iter()
                .map(|(x, y)| (x.round() as i32, y.round() as i32))
                .collect()
        };
        Geom::Polygons(
            m.0.iter()
                .map(|p| {
                    let mut rings = vec![ring(p.exterior())];
                    rings.extend(p.interiors().iter().map(ring));
                    rings
                })
                .collect(),
        )
    }
}

fn buffered_bbox(z: u8, x: u32, y: u32) -> Bbox {
    let (w, s, e, n) = tile_bbox(z, x, y);
    let (bx, by) = (
        (e - w) * BUFFER / f64::from(mvt::EXTENT),
        (n - s) * BUFFER / f64::from(mvt::EXTENT),
    );
    (w - bx, s - by, e + bx, n + by)
}

fn in_bbox(b: Bbox, lon: f64, lat: f64) -> bool {
    lon >= b.0 && lon <= b.2 && lat >= b.1 && lat <= b.3
}

/// A point feature's id and properties.
type PointFeature = (Option<u64>, Vec<(&'static str, Value)>);

/// Adds points, aggregated per cell when `cluster` or when there are too many.
fn add_points<T>(
    layer: &mut Layer,
    proj: &TileProj,
    cluster: bool,
    points: Vec<(f64, f64, T)>,
    feature: impl Fn(T) -> PointFeature,
) {
    let projected: Vec<((f64, f64), T)> = points
        .into_iter()
        .map(|(lon, lat, f)| (proj.project(lon, lat), f))
        .collect();
    if !cluster && projected.len() <= MAX_POINTS_PER_TILE {
        for ((x, y), f) in projected {
            let (id, props) = feature(f);
            layer.add(id, &Geom::Point(x.round() as i32, y.round() as i32), &props);
        }
        return;
    }
    let cell = mvt::EXTENT as i32 / CLUSTER_CELLS;
    // Per cell: summed x, summed y, points, and the point itself while it is alone.
    type Cell<T> = (f64, f64, i64, Option<T>);
    let mut cells: BTreeMap<(i32, i32), Cell<T>> = BTreeMap::new();
    for ((x, y), f) in projected {
        let k = ((x as i32).div_euclid(cell), (y as i32).div_euclid(cell));
        let e = cells.entry(k).or_insert((0.0, 0.0, 0, None));
        e.0 += x;
        e.1 += y;
        e.2 += 1;
        e.3 = if e.2 == 1 { Some(f) } else { None };
    }
    for (sx, sy, n, single) in cells.into_values() {
        let at = Geom::Point((sx / n as f64).round() as i32, (sy / n as f64).round() as i32);
        match single {
            Some(f) => {
                let (id, props) = feature(f);
                layer.add(id, &at, &props)
            }
            None => layer.add(None, &at, &[("cluster", Value::Bool(true)), ("count", Value::Int(n))]),
        };
    }
}

/// Adds weighted points (a grid's buildings) summed per cell as cluster features.
fn add_totals(layer: &mut Layer, proj: &TileProj, points: Vec<(f64, f64, u32)>) {
    let cell = mvt::EXTENT as i32 / CLUSTER_CELLS;
    let mut cells: BTreeMap<(i32, i32), (f64, f64, f64)> = BTreeMap::new();
    for (lon, lat, n) in points {
        let (x, y) = proj.project(lon, lat);
        let w = f64::from(n);
        let e = cells
            .entry(((x as i32).div_euclid(cell), (y as i32).div_euclid(cell)))
            .or_insert((0.0, 0.0, 0.0));
        e.0 += x * w;
        e.1 += y * w;
        e.2 += w;
    }
    for (sx, sy, n) in cells.into_values() {
        let at = Geom::Point((sx / n).round() as i32, (sy / n).round() as i32);
        layer.add(
            None,
            &at,
            &[("cluster", Value::Bool(true)), ("count", Value::Int(n as i64))],
        );
    }
}

/// One layer's vector tile.
pub fn tile(layers: &Layers, viewer: &Viewer, name: &str, z: u8, x: u32, y: u32) -> Option<Vec<u8>> {
    if !LAYERS.contains(&name) || z > 22 || x >= (1u32 << z) || y >= (1u32 << z) {
        return None;
    }
    let proj = TileProj::new(z, x, y);
    let bb = buffered_bbox(z, x, y);
    let seen = viewer.units(&layers.units);
    let mut layer = Layer::new(name);
    match name {
        "divisions" | "grids" => {
            let want_grid = name == "grids";
            for u in layers.units.in_box(bb) {
                if (u.level == "grid") != want_grid || !seen.contains(&u.id) {
                    continue;
                }
                let mut props = vec![
                    ("id", Value::Int(u.id)),
                    ("code", u.code.clone().into()),
                    ("name", u.name.clone().into()),
                ];
                if want_grid {
                    props.push(("parent_id", Value::Int(u.parent_id.unwrap_or(0))));
                } else {
                    props.push(("level", u.level.clone().into()));
                }
                layer.add(Some(u.id as u64), &proj.polygons(&u.shape), &props);
            }
        }
        "buildings" if z < GRID_TOTALS_BELOW && !matches!(viewer.scope, Scope::OwnRecords { .. }) => {
            // Far out, one weighted point per grid (its buildings' mean position in the tile), then
            // cells: no per-building work beyond a sum.
            let mut pts = Vec::new();
            for g in layers
                .units
                .in_box(bb)
                .filter(|u| u.level == "grid" && seen.contains(&u.id))
            {
                let Some(list) = layers.buildings.get(&g.id) else {
                    continue;
                };
                let (mut x, mut y, mut n) = (0.0, 0.0, 0u32);
                for b in list.iter().filter(|b| in_bbox(bb, b.lon, b.lat)) {
                    x += b.lon;
                    y += b.lat;
                    n += 1;
                }
                if n > 0 {
                    pts.push((x / f64::from(n), y / f64::from(n), n));
                }
            }
            add_totals(&mut layer, &proj, pts);
        }
        "buildings" => {
            let mut pts: Vec<(f64, f64, &BuildingPt)> = Vec::new();
            for g in layers.units.in_box(bb).filter(|u| u.level == "grid") {
                let Some(list) = layers.buildings.get(&g.id) else {
                    continue;
                };
                pts.extend(
                    list.iter()
                        .filter(|b| in_bbox(bb, b.lon, b.lat) && viewer.sees_row(&seen, b.grid_id, b.created_by))
                        .map(|b| (b.lon, b.lat, b)),
                );
            }
            add_points(&mut layer, &proj, z < BUILDING_CLUSTER_BELOW, pts, |b| {
                (
                    Some(b.id as u64),
                    vec![
                        ("id", Value::Int(b.id)),
                        ("code", Value::Str(b.code.to_string())),
                        ("name", Value::Str(b.name.to_string())),
                        ("use_type", Value::Str(b.use_type.to_string())),
                    ],
                )
            });
        }
        "key_places" | "key_enterprises" => {
            let pts = layers
                .places
                .iter()
                .filter(|p| {
                    p.layer == name && in_bbox(bb, p.lon, p.lat) && viewer.sees_row(&seen, p.unit_id, p.created_by)
                })
                .map(|p| {
                    let mut props = vec![("id", Value::Int(p.id)), ("name", p.name.clone().into())];
                    if name == "key_places" {
                        props.push(("place_type", p.kind.clone().into()));
                    } else {
                        props.push(("industry", p.kind.clone().into()));
                        props.push(("hazard_class", p.hazard_class.clone().into()));
                    }
                    (p.lon, p.lat, (Some(p.id as u64), props))
                })
                .collect();
            add_points(&mut layer, &proj, z < POINT_CLUSTER_BELOW, pts, |f| f);
        }
        _ => {
            let now = Utc::now();
            let pts = layers
                .cases
                .values()
                .filter(|c| in_bbox(bb, c.lon, c.lat) && viewer.sees_case(&seen, c))
                .map(|c| {
                    let props = vec![
                        ("id", Value::Int(c.id)),
                        ("code", c.code.clone().into()),
                        ("state", c.state.clone().into()),
                        ("item_code", c.item_code.clone().into()),
                        ("overdue", Value::Bool(c.overdue(now))),
                    ];
                    (c.lon, c.lat, (Some(c.id as u64), props))
                })
                .collect();
            add_points(&mut layer, &proj, z < POINT_CLUSTER_BELOW, pts, |f| f);
        }
    }
    Some(mvt::encode(&[layer]))
}

// ---------- GeoJSON features in a small box ----------

pub const MAX_FEATURES: usize = 5000;

/// A GeoJSON FeatureCollection of one layer inside the box (at most [`MAX_FEATURES`]).
pub fn features(layers: &Layers, viewer: &Viewer, name: &str, bb: Bbox) -> Option<serde_json::Value> {
    use serde_json::json;
    let seen = viewer.units(&layers.units);
    let point = |lon: f64, lat: f64| json!({"type": "Point", "coordinates": [lon, lat]});
    let mut out: Vec<serde_json::Value> = Vec::new();
    match name {
        "divisions" | "grids" => {
            for u in layers
                .units
                .in_box(bb)
                .filter(|u| (u.level == "grid") == (name == "grids") && seen.contains(&u.id))
            {
                out.push(json!({"type": "Feature", "id": u.id, "geometry": geometry::to_geojson(&u.shape),
                    "properties": {"id": u.id, "level": u.level, "code": u.code, "name": u.name, "parent_id": u.parent_id}}));
            }
        }
        "buildings" => {
            for g in layers.units.in_box(bb).filter(|u| u.level == "grid") {
                for b in layers
                    .buildings
                    .get(&g.id)
                    .iter()
                    .flat_map(|l| l.iter())
                    .filter(|b| in_bbox(bb, b.lon, b.lat) && viewer.sees_row(&seen, b.grid_id, b.created_by))
                {
                    out.push(json!({"type": "Feature", "id": b.id, "geometry": point(b.lon, b.lat),
                        "properties": {"id": b.id, "code": &*b.code, "name": &*b.name, "use_type": &*b.use_type, "grid_id": b.grid_id}}));
                }
            }
        }
        "key_places" | "key_enterprises" => {
            for p in layers.places.iter().filter(|p| {
                p.layer == name && in_bbox(bb, p.lon, p.lat) && viewer.sees_row(&seen, p.unit_id, p.created_by)
            }) {
                out.push(json!({"type": "Feature", "id": p.id, "geometry": point(p.lon, p.lat), "properties": {"id": p.id, "name": p.name, "kind": p.kind}}));
            }
        }
        "cases" => {
            let now = Utc::now();
            for c in layers
                .cases
                .values()
                .filter(|c| in_bbox(bb, c.lon, c.lat) && viewer.sees_case(&seen, c))
            {
                out.push(json!({"type": "Feature", "id": c.id, "geometry": point(c.lon, c.lat),
                    "properties": {"id": c.id, "code": c.code, "state": c.state, "item_code": c.item_code, "overdue": c.overdue(now)}}));
            }
        }
        _ => return None,
    }
    let truncated = out.len() > MAX_FEATURES;
    out.truncate(MAX_FEATURES);
    Some(json!({"type": "FeatureCollection", "features": out, "truncated": truncated}))
}

// ---------- spatial query ----------

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
    /// Grids wholly inside the shape (counted from the registry's per-grid figures) and grids cut
    /// by it (counted building by building).
    pub grids_inside: u64,
    pub grids_cut: u64,
}

/// A circle as a 64-sided polygon.
pub fn circle(lon: f64, lat: f64, radius_m: f64) -> MultiPolygon<f64> {
    let (mx, my) = metres_per_degree(lat);
    let ring: Vec<Coord<f64>> = (0..=64)
        .map(|i| {
            let a = f64::from(i % 64) / 64.0 * std::f64::consts::TAU;
            Coord {
                x: lon + radius_m * a.cos() / mx,
                y: lat + radius_m * a.sin() / my,
            }
        })
        .collect();
    MultiPolygon::new(vec![geo::Polygon::new(geo::LineString::new(ring), vec![])])
}

struct Edge(AABB<[f64; 2]>);

impl RTreeObject for Edge {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.0
    }
}

/// Share of a grid's area that may lie outside a shape drawn along the same edges (float noise in
/// the overlay, a few square metres) for the grid to count as wholly inside.
const COVER_TOLERANCE: f64 = 1e-5;

/// How the grids relate to the shape: wholly inside, or cut by it.
pub fn split_grids(layers: &Layers, viewer: &Viewer, shape: &MultiPolygon<f64>) -> (Vec<i64>, Vec<i64>) {
    let Some(r) = shape.bounding_rect() else {
        return (vec![], vec![]);
    };
    let seen = viewer.units(&layers.units);
    // The shape's edges in an R-tree: a grid whose box meets none of them is wholly inside or
    // wholly outside, and one point decides which; only grids on the shape's edge need an overlay.
    let edges: RTree<Edge> = RTree::bulk_load(
        shape
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .flat_map(|r| {
                r.lines()
                    .map(|l| Edge(AABB::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y])))
            })
            .collect(),
    );
    let (mut inside, mut cut) = (Vec::new(), Vec::new());
    // Under the own-records scope the grids themselves are not visible: count building by building.
    let own = matches!(viewer.scope, Scope::OwnRecords { .. });
    for g in layers
        .units
        .in_box((r.min().x, r.min().y, r.max().x, r.max().y))
        .filter(|u| u.level == "grid")
    {
        if !own && !seen.contains(&g.id) {
            continue;
        }
        let Some(gr) = g.shape.bounding_rect() else { continue };
        let near_edge = edges
            .locate_in_envelope_intersecting(&AABB::from_corners([gr.min().x, gr.min().y], [gr.max().x, gr.max().y]))
            .next()
            .is_some();
        if !near_edge {
            let Some(v) = g.shape.0.first().and_then(|p| p.exterior().0.first()) else {
                continue;
            };
            if shape.contains(&Point::from(*v)) {
                if own { cut.push(g.id) } else { inside.push(g.id) }
            }
            continue;
        }
        // On the shape's edge: overlay the grid with the part of the shape near it. A grid drawn
        // along the shape's own edges may poke out, or a neighbour poke in, by float noise.
        use geo::{Area, BooleanOps};
        let own_area = g.shape.unsigned_area();
        let margin = (gr.width().max(gr.height())) * 0.01;
        let near = geometry::clip_to_box(
            shape,
            geo::Rect::new(
                Coord {
                    x: gr.min().x - margin,
                    y: gr.min().y - margin,
                },
                Coord {
                    x: gr.max().x + margin,
                    y: gr.max().y + margin,
                },
            ),
        );
        let shared = near.intersection(&g.shape).unsigned_area();
        if shared <= own_area * COVER_TOLERANCE {
            continue;
        }
        let covered = shared >= own_area * (1.0 - COVER_TOLERANCE);
        if covered && !own {
            inside.push(g.id);
        } else {
            cut.push(g.id);
        }
    }
    (inside, cut)
}

/// Everything inside the shape, within the viewer's scope.
pub async fn query(db: &Db, viewer: &Viewer, shape: MultiPolygon<f64>, list_limit: usize) -> DbResult<QueryResult> {
    let layers = db.map.layers(db).await?;
    let (inside, cut, mut res, picked) = {
        let (layers, viewer, shape) = (layers.clone(), viewer.clone(), shape.clone());
        tokio::task::spawn_blocking(move || {
            let (inside, cut) = split_grids(&layers, &viewer, &shape);
            let seen = viewer.units(&layers.units);
            let mut res = QueryResult::default();
            let mut picked: Vec<&BuildingPt> = Vec::new();
            for g in &inside {
                picked.extend(layers.buildings.get(g).iter().flat_map(|l| l.iter()));
            }
            for g in &cut {
                picked.extend(layers.buildings.get(g).iter().flat_map(|l| l.iter()).filter(|b| {
                    viewer.sees_row(&seen, b.grid_id, b.created_by) && shape.contains(&Point::new(b.lon, b.lat))
                }));
            }
            res.buildings_total = picked.len() as u64;
            res.counts.buildings = picked.len() as u64;
            // Every building's (id, grid) for the counts; names only for the listed ones.
            let picked_ids: Vec<(i64, i64, String, String, f64, f64)> = picked
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
                    && viewer.sees_row(&seen, p.unit_id, p.created_by)
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
            for c in layers.cases.values().filter(|c| {
                in_bbox(bb, c.lon, c.lat) && viewer.sees_case(&seen, c) && shape.contains(&Point::new(c.lon, c.lat))
            }) {
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
            (inside, cut, res, picked_ids)
        })
        .await
        .map_err(|e| crate::DbError::Db(sea_orm::DbErr::Custom(format!("spatial query: {e}"))))?
    };
    res.grids_inside = inside.len() as u64;
    res.grids_cut = cut.len() as u64;
    // Wholly covered grids: the registry's own per-grid figures.
    let full: HashSet<i64> = inside.iter().copied().collect();
    db.stats
        .with(db, |units| {
            for g in &inside {
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
        .await?;
    // Cut grids: building by building, from current residences.
    let counts = db.map.building_counts(db, &cut).await?;
    let per_building = |grid: i64, id: i64| counts.get(&grid).and_then(|m| m.get(&id));
    for (id, grid, ..) in &picked {
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
    res.counts.migrants = res.residents_by_type.get("migrant").copied().unwrap_or(0);
    // The list: per-building figures for what is listed (cached per grid).
    let listed: Vec<_> = picked.into_iter().take(list_limit).collect();
    let grids: Vec<i64> = listed.iter().map(|b| b.1).collect::<HashSet<_>>().into_iter().collect();
    let counts = db.map.building_counts(db, &grids).await?;
    res.buildings = listed
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
        .collect();
    res.key_places.truncate(list_limit);
    res.open_cases.truncate(list_limit);
    Ok(res)
}

// ---------- thematic maps ----------

pub const METRICS: [(&str, &str, &str); 5] = [
    ("residents", "实有人口", "人"),
    ("migrant_share", "流动人口占比", "%"),
    ("rental_per_100", "每百户出租屋", "套"),
    ("open_cases", "在办事件", "件"),
    ("overdue_cases", "超期事件", "件"),
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThematicValue {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Thematic {
    pub level: String,
    pub metric: String,
    pub title: String,
    pub unit: String,
    pub values: Vec<ThematicValue>,
    /// Class limits, lowest first: `classes + 1` numbers (fewer when values repeat).
    pub breaks: Vec<f64>,
}

/// Quantile class breaks over the distinct values (so a district where most grids read 0 still
/// gets several classes), rounded to one decimal.
pub fn quantile_breaks(values: &[f64], classes: usize) -> Vec<f64> {
    let mut v: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .map(|x| (x * 10.0).round() / 10.0)
        .collect();
    if v.is_empty() {
        return vec![];
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v.dedup();
    let k = classes.clamp(1, 9);
    let mut out: Vec<f64> = (0..=k)
        .map(|i| v[((v.len() - 1) * i) / k])
        .map(|x| (x * 10.0).round() / 10.0)
        .collect();
    out.dedup();
    if out.len() == 1 {
        out.push(out[0]);
    }
    out
}

/// Grids or communities coloured by a metric.
pub async fn thematic(db: &Db, viewer: &Viewer, level: &str, metric: &str, classes: usize) -> DbResult<Thematic> {
    let Some((_, title, unit)) = METRICS.iter().find(|m| m.0 == metric) else {
        return Err(crate::DbError::invalid(
            "metric",
            format!("专题指标须为 {}", METRICS.map(|m| m.0).join("、")),
        ));
    };
    if !matches!(level, "grid" | "community" | "subdistrict") {
        return Err(crate::DbError::invalid(
            "level",
            "层级须为 grid、community 或 subdistrict",
        ));
    }
    let layers = db.map.layers(db).await?;
    let seen = viewer.units(&layers.units);
    let targets: Vec<&UnitShape> = layers
        .units
        .list
        .iter()
        .filter(|u| u.level == level && seen.contains(&u.id))
        .collect();
    // Sum over each target's subtree by walking every counted unit's path upwards.
    let paths: HashMap<i64, &str> = layers.units.list.iter().map(|u| (u.id, u.path.as_str())).collect();
    let target_ids: HashSet<i64> = targets.iter().map(|u| u.id).collect();
    let ancestors = |unit: i64| -> Vec<i64> {
        paths
            .get(&unit)
            .map(|p| {
                p.split('/')
                    .filter_map(|s| s.parse::<i64>().ok())
                    .filter(|a| target_ids.contains(a))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut num: HashMap<i64, f64> = HashMap::new();
    let mut den: HashMap<i64, f64> = HashMap::new();
    match metric {
        "residents" | "migrant_share" | "rental_per_100" => {
            db.stats
                .with(db, |units| {
                    for (uid, c) in units {
                        let (n, d) = match metric {
                            "residents" => (c.residents() as f64, 1.0),
                            "migrant_share" => (
                                c.people
                                    .iter()
                                    .filter(|((t, _), _)| t == "migrant")
                                    .map(|(_, (d, u))| d.len() as f64 + *u as f64)
                                    .sum(),
                                c.residents() as f64,
                            ),
                            _ => (
                                c.houses.iter().filter(|((_, r), _)| *r).map(|(_, n)| *n as f64).sum(),
                                c.houses.values().sum::<u64>() as f64,
                            ),
                        };
                        for a in ancestors(*uid) {
                            *num.entry(a).or_default() += n;
                            *den.entry(a).or_default() += d;
                        }
                    }
                })
                .await?;
        }
        _ => {
            let now = Utc::now();
            for c in layers
                .cases
                .values()
                .filter(|c| viewer.sees_case(&seen, c) && (metric == "open_cases" || c.overdue(now)))
            {
                for a in ancestors(c.grid_id) {
                    *num.entry(a).or_default() += 1.0;
                }
            }
        }
    }
    let values: Vec<ThematicValue> = targets
        .iter()
        .map(|u| {
            let n = num.get(&u.id).copied().unwrap_or(0.0);
            let value = match metric {
                "migrant_share" | "rental_per_100" => {
                    let d = den.get(&u.id).copied().unwrap_or(0.0);
                    if d > 0.0 { (n / d * 1000.0).round() / 10.0 } else { 0.0 }
                }
                _ => n,
            };
            ThematicValue {
                id: u.id,
                code: u.code.clone(),
                name: u.name.clone(),
                value,
            }
        })
        .collect();
    let breaks = quantile_breaks(&values.iter().map(|v| v.value).collect::<Vec<_>>(), classes);
    Ok(Thematic {
        level: level.into(),
        metric: metric.into(),
        title: (*title).into(),
        unit: (*unit).into(),
        values,
        breaks,
    })
}

// ---------- heatmap ----------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Heat {
    /// `[lon, lat, weight]`, cases binned in cells of about 100 m.
    pub points: Vec<[f64; 3]>,
    pub max: u64,
    pub total: u64,
}

/// Cases reported in `[from, to)` (any state), binned for a heatmap.
pub async fn heat(
    db: &Db,
    viewer: &Viewer,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    item_code: Option<&str>,
) -> DbResult<Heat> {
    let layers = db.map.layers(db).await?;
    let seen = viewer.units(&layers.units);
    let mut q = case_record::Entity::find()
        .filter(case_record::Column::ReportedAt.gte(from))
        .filter(case_record::Column::ReportedAt.lt(to))
        .filter(case_record::Column::Lon.is_not_null());
    if let Some(i) = item_code.filter(|s| !s.is_empty()) {
        q = q.filter(case_record::Column::ItemCode.eq(i));
    }
    type Row = (Option<f64>, Option<f64>, i64, Option<i64>, Option<i64>);
    let rows: Vec<Row> = q
        .select_only()
        .columns([
            case_record::Column::Lon,
            case_record::Column::Lat,
            case_record::Column::GridId,
            case_record::Column::DepartmentId,
            case_record::Column::ReporterUserId,
        ])
        .into_tuple()
        .all(&db.conn)
        .await?;
    const CELL: f64 = 0.001;
    let mut bins: HashMap<(i64, i64), (f64, f64, u64)> = HashMap::new();
    let mut total = 0;
    for (lon, lat, grid_id, department_id, reporter_user_id) in rows {
        let (Some(lon), Some(lat)) = (lon, lat) else { continue };
        let probe = CasePt {
            id: 0,
            code: String::new(),
            lon,
            lat,
            state: String::new(),
            item_code: String::new(),
            grid_id,
            department_id,
            reporter_user_id,
            deadline_at: None,
            paused: false,
        };
        if !viewer.sees_case(&seen, &probe) {
            continue;
        }
        total += 1;
        let e = bins
            .entry(((lon / CELL).floor() as i64, (lat / CELL).floor() as i64))
            .or_insert((0.0, 0.0, 0));
        e.0 += lon;
        e.1 += lat;
        e.2 += 1;
    }
    let max = bins.values().map(|b| b.2).max().unwrap_or(0);
    let points = bins
        .into_values()
        .map(|(x, y, n)| [x / n as f64, y / n as f64, n as f64])
        .collect();
    Ok(Heat { points, max, total })
}

// ---------- one feature, for the popup ----------

/// One feature with the fields a popup shows (personal data masked), or NotFound when the record
/// is missing or outside the viewer's scope.
pub async fn feature_detail(db: &Db, viewer: &Viewer, name: &str, id: i64) -> DbResult<serde_json::Value> {
    use serde_json::json;
    use zongguan_core::dict;
    let layers = db.map.layers(db).await?;
    let seen = viewer.units(&layers.units);
    let c = &db.conn;
    let point = |lon: f64, lat: f64| json!({"type": "Point", "coordinates": [lon, lat]});
    let unit_name = |id: i64| layers.units.get(id).map(|u| u.name.clone()).unwrap_or_default();
    let (geometry, props) = match name {
        "divisions" | "grids" => {
            let u = layers
                .units
                .get(id)
                .filter(|u| seen.contains(&u.id))
                .ok_or(crate::DbError::NotFound)?;
            // The unit and everything below it.
            let below: HashSet<i64> = layers
                .units
                .list
                .iter()
                .filter(|x| x.path.starts_with(&u.path))
                .map(|x| x.id)
                .collect();
            let (residents, buildings, houses, rental) = db
                .stats
                .with(db, |units| {
                    let mut t = (0u64, 0u64, 0u64, 0u64);
                    for (_, c) in units.iter().filter(|(uid, _)| below.contains(uid)) {
                        t.0 += c.residents();
                        t.1 += c.buildings;
                        t.2 += c.houses.values().sum::<u64>();
                        t.3 += c.houses.iter().filter(|((_, r), _)| *r).map(|(_, n)| n).sum::<u64>();
                    }
                    t
                })
                .await?;
            let mut p = json!({"id": u.id, "code": u.code, "name": u.name, "level": u.level,
                "parent_name": u.parent_id.map(unit_name), "residents": residents, "buildings": buildings, "houses": houses, "rental_houses": rental,
                "link": format!("/org/units?id={}", u.id)});
            if u.level == "grid" {
                let workers = crate::org::grid_workers(db, &Scope::All, u.id)
                    .await
                    .map(|w| w.into_iter().map(|s| s.name).collect::<Vec<_>>())
                    .unwrap_or_default();
                p["grid_workers"] = json!(workers.join("、"));
            }
            (geometry::to_geojson(&u.shape), p)
        }
        "buildings" => {
            let b = building::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            if !viewer.sees_row(&seen, b.grid_id, b.created_by) {
                return Err(crate::DbError::NotFound);
            }
            let counts = db.map.building_counts(db, &[b.grid_id]).await?;
            let bc = counts
                .get(&b.grid_id)
                .and_then(|m| m.get(&b.id))
                .cloned()
                .unwrap_or_default();
            (
                point(b.lon, b.lat),
                json!({"id": b.id, "code": b.code, "name": b.name, "address": b.address, "floors": b.floors,
                    "use_type": dict::word_of(dict::USE_TYPES, &b.use_type), "grid_name": unit_name(b.grid_id),
                    "residents": bc.residents, "migrants": bc.migrants(),
                    "houses": bc.houses, "rental_houses": bc.rental_houses, "link": format!("/registry/buildings?id={}", b.id)}),
            )
        }
        "key_places" => {
            let p = key_place::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            if !viewer.sees_row(&seen, p.org_unit_id, p.created_by) {
                return Err(crate::DbError::NotFound);
            }
            (
                p.lon
                    .zip(p.lat)
                    .map(|(x, y)| point(x, y))
                    .unwrap_or(serde_json::Value::Null),
                json!({"id": p.id, "name": p.name, "place_type": dict::word_of(dict::PLACE_TYPES, &p.place_type), "address": p.address,
                    "owner": p.owner, "person_in_charge": p.person_in_charge, "phone": p.phone_masked, "unit_name": unit_name(p.org_unit_id),
                    "link": format!("/registry/key-places?id={}", p.id)}),
            )
        }
        "key_enterprises" => {
            let p = key_enterprise::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            if !viewer.sees_row(&seen, p.org_unit_id, p.created_by) {
                return Err(crate::DbError::NotFound);
            }
            (
                p.lon
                    .zip(p.lat)
                    .map(|(x, y)| point(x, y))
                    .unwrap_or(serde_json::Value::Null),
                json!({"id": p.id, "name": p.name, "industry": dict::word_of(dict::INDUSTRIES, &p.industry), "hazard_class": p.hazard_class,
                    "staff_count": p.staff_count, "address": p.address, "person_in_charge": p.person_in_charge, "phone": p.phone_masked,
                    "unit_name": unit_name(p.org_unit_id), "link": format!("/registry/key-enterprises?id={}", p.id)}),
            )
        }
        "cases" => {
            let k = case_record::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or(crate::DbError::NotFound)?;
            let probe = CasePt {
                id: k.id,
                code: String::new(),
                lon: 0.0,
                lat: 0.0,
                state: String::new(),
                item_code: String::new(),
                grid_id: k.grid_id,
                department_id: k.department_id,
                reporter_user_id: k.reporter_user_id,
                deadline_at: k.deadline_at,
                paused: k.paused,
            };
            if !viewer.sees_case(&seen, &probe) {
                return Err(crate::DbError::NotFound);
            }
            let item = crate::entity::case_item::Entity::find_by_id(k.item_code.clone())
                .one(c)
                .await?
                .map(|i| i.name)
                .unwrap_or_default();
            let state_label = zongguan_core::case_flow::CaseState::parse(&k.state)
                .map(|s| s.zh())
                .unwrap_or("");
            (
                k.lon
                    .zip(k.lat)
                    .map(|(x, y)| point(x, y))
                    .unwrap_or(serde_json::Value::Null),
                json!({"id": k.id, "code": k.code, "item_name": item, "state": k.state, "state_label": state_label,
                    "deadline_at": k.deadline_at.map(|d| d.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8")).format("%Y-%m-%d %H:%M").to_string()),
                    "overdue": !k.state.eq("closed") && probe.overdue(Utc::now()), "address": k.address, "grid_name": unit_name(k.grid_id),
                    "link": format!("/cases/{}", k.id)}),
            )
        }
        _ => {
            return Err(crate::DbError::invalid(
                "layer",
                format!("图层须为 {}", LAYERS.join("、")),
            ));
        }
    };
    Ok(json!({"type": "Feature", "id": id, "geometry": geometry, "properties": props}))
}

// ---------- search ----------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    pub layer: String,
    pub id: i64,
    pub label: String,
    pub lon: f64,
    pub lat: f64,
    /// The shape's box for areas; none for points.
    pub bbox: Option<[f64; 4]>,
}

/// Org units by name or code, buildings by code, name or address, key places and enterprises by name.
pub async fn search(db: &Db, viewer: &Viewer, q: &str, limit: usize) -> DbResult<Vec<SearchHit>> {
    use geo::Centroid;
    let q = q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let layers = db.map.layers(db).await?;
    let seen = viewer.units(&layers.units);
    let mut hits = Vec::new();
    for u in layers
        .units
        .list
        .iter()
        .filter(|u| seen.contains(&u.id) && (u.name.contains(q) || u.code.starts_with(q)))
        .take(limit)
    {
        let (Some(r), Some(c)) = (u.shape.bounding_rect(), u.shape.centroid()) else {
            continue;
        };
        let layer = if u.level == "grid" { "grids" } else { "divisions" };
        hits.push(SearchHit {
            layer: layer.into(),
            id: u.id,
            label: format!("{} {}", u.name, u.code),
            lon: c.x(),
            lat: c.y(),
            bbox: Some([r.min().x, r.min().y, r.max().x, r.max().y]),
        });
    }
    type Found = (i64, String, String, String, f64, f64, i64, Option<i64>);
    let found: Vec<Found> = building::Entity::find()
        .select_only()
        .columns([
            building::Column::Id,
            building::Column::Code,
            building::Column::Name,
            building::Column::Address,
            building::Column::Lon,
            building::Column::Lat,
            building::Column::GridId,
            building::Column::CreatedBy,
        ])
        .filter(building::Column::Id.in_subquery(crate::registry::buildings_matching(db, q)))
        .limit(limit as u64 * 4)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (id, code, name, address, lon, lat, ..) in found
        .into_iter()
        .filter(|b| viewer.sees_row(&seen, b.6, b.7))
        .take(limit)
    {
        hits.push(SearchHit {
            layer: "buildings".into(),
            id,
            label: format!("{name}（{code}）{address}"),
            lon,
            lat,
            bbox: None,
        });
    }
    for p in layers
        .places
        .iter()
        .filter(|p| p.name.contains(q) && viewer.sees_row(&seen, p.unit_id, p.created_by))
        .take(limit)
    {
        hits.push(SearchHit {
            layer: p.layer.into(),
            id: p.id,
            label: p.name.clone(),
            lon: p.lon,
            lat: p.lat,
            bbox: None,
        });
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_breaks_cover_the_range() {
        let v: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(quantile_breaks(&v, 5), vec![0.0, 19.0, 39.0, 59.0, 79.0, 99.0]);
        assert_eq!(quantile_breaks(&[3.0, 3.0, 3.0], 5), vec![3.0, 3.0]);
        // Mostly zeros: the classes spread over the values that occur.
        let mut v = vec![0.0; 500];
        v.extend([83.0, 166.0, 249.0, 332.0, 888.0]);
        assert_eq!(quantile_breaks(&v, 5), vec![0.0, 83.0, 166.0, 249.0, 332.0, 888.0]);
        assert!(quantile_breaks(&[], 5).is_empty());
    }

    #[test]
    fn circles_have_the_radius() {
        let c = circle(114.25, 22.72, 500.0);
        let area = geometry::area_m2(&c);
        let want = std::f64::consts::PI * 500.0 * 500.0;
        assert!((area - want).abs() / want < 0.01, "{area} vs {want}");
    }
}
