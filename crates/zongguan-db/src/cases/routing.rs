//! Where a case goes: the grid index, departments, working-day calendar and case items, cached for the hot path.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use zongguan_core::calendar::WorkCalendar;
use zongguan_core::spatial::PolygonIndex;

use super::counts::CaseCounts;
use crate::entity::{calendar_day, case_item, department, org_unit, org_version};
use crate::{Db, DbResult};

/// A grid and the centers above it, as the router needs them.
#[derive(Debug, Clone)]
pub struct GridInfo {
    pub grid_code: String,
    pub grid_name: String,
    pub community_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub subdistrict_id: i64,
    pub subdistrict_code: String,
    pub subdistrict_name: String,
}

/// The grid polygons in an R-tree plus each grid's community and subdistrict.
pub struct GridRouting {
    version: i64,
    index: PolygonIndex<i64>,
    grids: HashMap<i64, GridInfo>,
    /// Every org unit's name, and the departments by code and by id: the hot path reads no table.
    pub(super) unit_names: HashMap<i64, String>,
    departments: HashMap<String, department::Model>,
    department_codes: HashMap<i64, String>,
}

impl GridRouting {
    pub fn grid(&self, id: i64) -> Option<&GridInfo> {
        self.grids.get(&id)
    }
    pub fn locate(&self, lon: f64, lat: f64) -> Option<i64> {
        self.index.locate(lon, lat)
    }
    pub fn indexed(&self) -> usize {
        self.index.len()
    }
    pub fn department(&self, code: &str) -> Option<&department::Model> {
        self.departments.get(code)
    }
    pub fn department_by_id(&self, id: i64) -> Option<&department::Model> {
        self.department_codes.get(&id).and_then(|c| self.departments.get(c))
    }
    /// The department that handles an item's duty in a subdistrict (see [`department_code_for`]).
    pub fn routed_department(&self, duty: &str, subdistrict_code: &str) -> Option<&department::Model> {
        let (local, district) = department_code_for(duty, subdistrict_code);
        local
            .and_then(|l| self.department(&l))
            .or_else(|| self.department(&district))
    }
}

/// Shared by all clones of [`Db`]: the grid index (rebuilt when the trigger-bumped `org_version`
/// moves), the calendar and the case items (reloaded after a change here, or after a minute for
/// other processes) and the in-memory copy the counts scan.
#[derive(Default)]
pub struct CaseCaches {
    grids: tokio::sync::Mutex<Option<Arc<GridRouting>>>,
    calendar: std::sync::Mutex<Option<(Instant, Arc<WorkCalendar>)>>,
    /// The case items by code, like the calendar.
    items: std::sync::Mutex<Option<(Instant, Arc<Items>)>>,
    /// Every case's counted fields, for the counts.
    pub(super) counts: CaseCounts,
}

type Items = HashMap<String, case_item::Model>;

const CALENDAR_TTL: StdDuration = StdDuration::from_secs(60);

pub async fn routing(db: &Db) -> DbResult<Arc<GridRouting>> {
    let version = org_version::Entity::find_by_id(1)
        .one(&db.conn)
        .await?
        .map(|v| v.version)
        .unwrap_or(0);
    let mut slot = db.cases.grids.lock().await;
    if let Some(r) = slot.as_ref().filter(|r| r.version == version) {
        return Ok(r.clone());
    }
    let units = org_unit::Entity::find().all(&db.conn).await?;
    let by_id: HashMap<i64, &org_unit::Model> = units.iter().map(|u| (u.id, u)).collect();
    let mut grids = HashMap::new();
    let mut shapes = Vec::new();
    for g in units.iter().filter(|u| u.level == "grid") {
        let Some(c) = g.parent_id.and_then(|p| by_id.get(&p)) else {
            continue;
        };
        let Some(s) = c.parent_id.and_then(|p| by_id.get(&p)) else {
            continue;
        };
        grids.insert(
            g.id,
            GridInfo {
                grid_code: g.code.clone(),
                grid_name: g.name.clone(),
                community_id: c.id,
                community_code: c.code.clone(),
                community_name: c.name.clone(),
                subdistrict_id: s.id,
                subdistrict_code: s.code.clone(),
                subdistrict_name: s.name.clone(),
            },
        );
        if let Some(shape) = g
            .geometry
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .and_then(|v: serde_json::Value| zongguan_core::geometry::from_geojson(&v))
        {
            shapes.push((g.id, shape));
        }
    }
    let depts = department::Entity::find().all(&db.conn).await?;
    let r = Arc::new(GridRouting {
        version,
        index: PolygonIndex::new(shapes),
        grids,
        unit_names: units.iter().map(|u| (u.id, u.name.clone())).collect(),
        department_codes: depts.iter().map(|d| (d.id, d.code.clone())).collect(),
        departments: depts.into_iter().map(|d| (d.code.clone(), d)).collect(),
    });
    *slot = Some(r.clone());
    Ok(r)
}

pub async fn work_calendar(db: &Db) -> DbResult<Arc<WorkCalendar>> {
    if let Ok(slot) = db.cases.calendar.lock()
        && let Some((at, cal)) = slot.as_ref()
        && at.elapsed() < CALENDAR_TTL
    {
        return Ok(cal.clone());
    }
    let rows = calendar_day::Entity::find().all(&db.conn).await?;
    let cal = Arc::new(WorkCalendar::new(
        rows.iter().filter(|r| r.kind == "holiday").map(|r| r.day),
        rows.iter().filter(|r| r.kind == "workday").map(|r| r.day),
    ));
    if let Ok(mut slot) = db.cases.calendar.lock() {
        *slot = Some((Instant::now(), cal.clone()));
    }
    Ok(cal)
}

pub(super) fn forget_calendar(db: &Db) {
    if let Ok(mut slot) = db.cases.calendar.lock() {
        *slot = None;
    }
}

/// A case item by code, from the cache (reporting and every transition read one).
pub(super) async fn item_by_code(db: &Db, code: &str) -> DbResult<Option<case_item::Model>> {
    if let Ok(slot) = db.cases.items.lock()
        && let Some((at, items)) = slot.as_ref()
        && at.elapsed() < CALENDAR_TTL
    {
        return Ok(items.get(code).cloned());
    }
    let items: Arc<Items> = Arc::new(
        case_item::Entity::find()
            .all(&db.conn)
            .await?
            .into_iter()
            .map(|i| (i.code.clone(), i))
            .collect(),
    );
    if let Ok(mut slot) = db.cases.items.lock() {
        *slot = Some((Instant::now(), items.clone()));
    }
    Ok(items.get(code).cloned())
}

pub(super) fn forget_items(db: &Db) {
    if let Ok(mut slot) = db.cases.items.lock() {
        *slot = None;
    }
}

/// The department that handles an item in a subdistrict: the subdistrict's own office for police,
/// enforcement, work safety and justice, else the district member department of the duty.
pub fn department_code_for(duty: &str, subdistrict_code: &str) -> (Option<String>, String) {
    let local = match duty {
        "01" => Some("01"),
        "03" => Some("02"),
        "06" => Some("03"),
        "14" => Some("04"),
        _ => None,
    };
    let district = format!("{}-{duty}", subdistrict_code.get(..6).unwrap_or("440307"));
    (
        local.and_then(|l| subdistrict_code.get(..9).map(|s| format!("{s}-{l}"))),
        district,
    )
}

pub(super) async fn department_by_code<C: ConnectionTrait>(c: &C, code: &str) -> DbResult<Option<department::Model>> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(c)
        .await?)
}
