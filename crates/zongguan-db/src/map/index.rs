//! The layers in memory: what each holds, and how a snapshot is brought up to date.
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use geo::{BoundingRect, MultiPolygon};
use rstar::{AABB, RTree, RTreeObject};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Statement};
use zongguan_core::geometry;

use super::Bbox;
use crate::entity::{building, case_record, key_enterprise, key_place, org_unit, org_version, stat_version};
use crate::{Backend, Db, DbResult};

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
        overdue(self.deadline_at, self.paused, now)
    }
}

/// A running step clock past its deadline.
pub(super) fn overdue(deadline_at: Option<DateTime<Utc>>, paused: bool, now: DateTime<Utc>) -> bool {
    !paused && deadline_at.is_some_and(|d| d < now)
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
    /// Rental houses by id, at their building's point.
    pub rental: Arc<HashMap<i64, super::RentalPt>>,
    pub cameras: Arc<Vec<super::CameraPt>>,
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
    gov: super::gov_layers::GovState,
}

/// The layers, held in memory and kept current: org unit shapes (reloaded when the trigger-bumped
/// `org_version` moves), buildings per grid (reloaded for the grids whose `stat_version` moved),
/// key places and enterprises (reloaded when their row signature changes) and open cases (read
/// incrementally by `updated_at`). Tiles, features and spatial queries read a snapshot, so the
/// database sees no spatial SQL and both backends answer the same. Shared by all clones of [`Db`].
#[derive(Default)]
pub struct MapIndex {
    state: tokio::sync::Mutex<State>,
    /// One re-assignment of buildings to grids at a time.
    pub(crate) regrid_lock: tokio::sync::Mutex<()>,
}

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

/// Brings every layer up to date with what was committed since the last look.
async fn refresh(db: &Db, st: &mut State) -> DbResult<()> {
    refresh_units(db, st).await?;
    refresh_buildings(db, st).await?;
    refresh_places(db, st).await?;
    refresh_cases(db, st).await?;
    super::gov_layers::refresh_rental(db, &mut st.gov, &mut st.layers.rental).await?;
    super::gov_layers::refresh_cameras(db, &mut st.gov, &mut st.layers.cameras).await
}

/// Org unit shapes, all of them whenever the trigger-bumped `org_version` moved.
async fn refresh_units(db: &Db, st: &mut State) -> DbResult<()> {
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
    Ok(())
}

/// The buildings of the grids whose `stat_version` moved (all of them when many did).
async fn refresh_buildings(db: &Db, st: &mut State) -> DbResult<()> {
    let c = &db.conn;
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
    Ok(())
}

/// Key places and enterprises are few: reload both when either's row signature moves.
async fn refresh_places(db: &Db, st: &mut State) -> DbResult<()> {
    let c = &db.conn;
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
    Ok(())
}

/// Cases: everything open on the first read, then what changed since (with an overlap, as a
/// transaction may commit a little after the time it stamped).
async fn refresh_cases(db: &Db, st: &mut State) -> DbResult<()> {
    let c = &db.conn;
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
