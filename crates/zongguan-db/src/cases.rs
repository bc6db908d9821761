//! Cases (事件): the taxonomy and calendar as data, routing by point or building, duplicates, the
//! workflow with its clock and timeline, inboxes, counts, photos' records and the overdue job.
//! Every read and write takes the actor: data scope, permissions and department.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::calendar::{self, Limit, Urgency, WorkCalendar};
use zongguan_core::case_flow::{self, CaseAction, CaseFacts, CaseRole, CaseState, Clock, Level, Refusal, Step};
use zongguan_core::case_taxonomy::{DEPARTMENTS, SEVERITIES};
use zongguan_core::rbac::Scope;
use zongguan_core::spatial::{PolygonIndex, distance_m};
use zongguan_core::time::{cst, cst_date, cst_midnight};

use crate::audit::{self, Event};
use crate::case_counts::{Area, CaseCounts, Counted, DISPATCHED_STATES, Visible};
use crate::entity::{
    calendar_day, case_alert, case_assist, case_category, case_event, case_item, case_notice, case_photo, case_record,
    department, org_unit, org_version,
};
use crate::{Actor, Backend, Db, DbError, DbResult, Page, PageReq, scope};
use zongguan_core::permission::Permission;

/// Where a case may come from.
pub const SOURCES: &[&str] = &["grid_worker", "phone", "visit", "portal", "open311", "system"];
pub use zongguan_core::case_flow::OPEN_STATES;
/// Time allowed to close a verified case: the taxonomy has no column for it.
const CLOSE_LIMIT: Limit = Limit::WorkingDays(1);
/// Duplicates: the same item, open, this close and this recent.
const DUPLICATE_METRES: f64 = 100.0;
const DUPLICATE_DAYS: i64 = 7;
/// Extension and supervision may add at most this many working days at once.
const MAX_DAYS: u32 = 60;

/// The current time at the precision both databases store (microseconds), so a deadline computed
/// from it is the one read back.
pub fn now() -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(Utc::now(), 6)
}

// ---------- caches ----------

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
    unit_names: HashMap<i64, String>,
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
    pub counts: CaseCounts,
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

fn forget_calendar(db: &Db) {
    if let Ok(mut slot) = db.cases.calendar.lock() {
        *slot = None;
    }
}

/// A case item by code, from the cache (reporting and every transition read one).
async fn item_by_code(db: &Db, code: &str) -> DbResult<Option<case_item::Model>> {
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

fn forget_items(db: &Db) {
    if let Ok(mut slot) = db.cases.items.lock() {
        *slot = None;
    }
}

// ---------- taxonomy ----------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseItem {
    pub code: String,
    pub category_code: String,
    pub name: String,
    /// Duty seq "01".."15" of the member department that handles it by default.
    pub department_seq: String,
    /// The district department of that duty.
    pub department_name: String,
    /// general | major | urgent
    pub severity: String,
    /// Step limits: natural hours ("4h") or working days ("5wd").
    pub accept_limit: String,
    pub dispatch_limit: String,
    pub handle_limit: String,
    pub verify_limit: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseCategory {
    pub code: String,
    pub name: String,
    pub items: Vec<CaseItem>,
}

fn duty_name(seq: &str) -> String {
    DEPARTMENTS
        .iter()
        .find(|d| d.0 == seq)
        .map(|d| d.1.to_string())
        .unwrap_or_default()
}

fn item_view(m: case_item::Model) -> CaseItem {
    CaseItem {
        department_name: duty_name(&m.department_seq),
        code: m.code,
        category_code: m.category_code,
        name: m.name,
        department_seq: m.department_seq,
        severity: m.severity,
        accept_limit: m.accept_limit,
        dispatch_limit: m.dispatch_limit,
        handle_limit: m.handle_limit,
        verify_limit: m.verify_limit,
        enabled: m.enabled,
    }
}

pub async fn categories(db: &Db) -> DbResult<Vec<CaseCategory>> {
    let cats = case_category::Entity::find()
        .order_by_asc(case_category::Column::Sort)
        .order_by_asc(case_category::Column::Code)
        .all(&db.conn)
        .await?;
    let items = case_item::Entity::find()
        .order_by_asc(case_item::Column::Code)
        .all(&db.conn)
        .await?;
    let mut by_cat: HashMap<String, Vec<CaseItem>> = HashMap::new();
    for i in items {
        by_cat.entry(i.category_code.clone()).or_default().push(item_view(i));
    }
    Ok(cats
        .into_iter()
        .map(|c| CaseCategory {
            items: by_cat.remove(&c.code).unwrap_or_default(),
            code: c.code,
            name: c.name,
        })
        .collect())
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseItemInput {
    pub name: String,
    pub department_seq: String,
    pub severity: String,
    pub accept_limit: String,
    pub dispatch_limit: String,
    pub handle_limit: String,
    pub verify_limit: String,
    pub enabled: Option<bool>,
}

pub async fn update_item(db: &Db, actor: &Actor, code: &str, f: CaseItemInput) -> DbResult<CaseItem> {
    let name = f.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(DbError::invalid("name", "名称不能为空，且不超过 100 字"));
    }
    if !DEPARTMENTS.iter().any(|d| d.0 == f.department_seq) {
        return Err(DbError::invalid("department_seq", "职责序号须为 01–15"));
    }
    if !SEVERITIES.contains(&f.severity.as_str()) {
        return Err(DbError::invalid("severity", "严重程度须为 general、major 或 urgent"));
    }
    for (field, v) in [
        ("accept_limit", &f.accept_limit),
        ("dispatch_limit", &f.dispatch_limit),
        ("handle_limit", &f.handle_limit),
        ("verify_limit", &f.verify_limit),
    ] {
        v.parse::<Limit>().map_err(|e| DbError::invalid(field, e.to_string()))?;
    }
    let txn = db.begin_write().await?;
    let cur = case_item::Entity::find_by_id(code.to_string())
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    let mut am: case_item::ActiveModel = cur.into();
    am.name = Set(name.to_string());
    am.department_seq = Set(f.department_seq);
    am.severity = Set(f.severity);
    am.accept_limit = Set(f.accept_limit);
    am.dispatch_limit = Set(f.dispatch_limit);
    am.handle_limit = Set(f.handle_limit);
    am.verify_limit = Set(f.verify_limit);
    if let Some(e) = f.enabled {
        am.enabled = Set(e);
    }
    am.updated_at = Set(now());
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "case_item", code).detail(format!(
            "{} 时限 {}/{}/{}/{}",
            m.name, m.accept_limit, m.dispatch_limit, m.handle_limit, m.verify_limit
        )),
    )
    .await?;
    txn.commit().await?;
    forget_items(db);
    Ok(item_view(m))
}

// ---------- calendar ----------

/// A year's public holidays and make-up working days; other days follow Monday–Friday.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    pub holidays: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
}

fn year_range(year: i32) -> DbResult<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1)
        .filter(|_| (2000..=2100).contains(&year))
        .ok_or_else(|| DbError::invalid("year", "年份须在 2000–2100 之间"))?;
    let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| DbError::invalid("year", "年份不正确"))?;
    Ok((first, last))
}

pub async fn calendar_year(db: &Db, year: i32) -> DbResult<CalendarYear> {
    let (first, last) = year_range(year)?;
    let rows = calendar_day::Entity::find()
        .filter(calendar_day::Column::Day.between(first, last))
        .order_by_asc(calendar_day::Column::Day)
        .all(&db.conn)
        .await?;
    Ok(CalendarYear {
        year,
        holidays: rows.iter().filter(|r| r.kind == "holiday").map(|r| r.day).collect(),
        workdays: rows.iter().filter(|r| r.kind == "workday").map(|r| r.day).collect(),
    })
}

/// Replaces the year's holidays and make-up days. Deadlines already set keep their value.
pub async fn set_calendar_year(db: &Db, actor: &Actor, year: i32, f: CalendarInput) -> DbResult<CalendarYear> {
    let (first, last) = year_range(year)?;
    let holidays: std::collections::BTreeSet<NaiveDate> = f.holidays.into_iter().collect();
    let workdays: std::collections::BTreeSet<NaiveDate> = f.workdays.into_iter().collect();
    for (field, days) in [("holidays", &holidays), ("workdays", &workdays)] {
        if let Some(d) = days.iter().find(|d| **d < first || **d > last) {
            return Err(DbError::invalid(field, format!("{d} 不在 {year} 年内")));
        }
    }
    if let Some(d) = holidays.intersection(&workdays).next() {
        return Err(DbError::invalid(
            "workdays",
            format!("{d} 不能既是节假日又是调休工作日"),
        ));
    }
    let txn = db.begin_write().await?;
    calendar_day::Entity::delete_many()
        .filter(calendar_day::Column::Day.between(first, last))
        .exec(&*txn)
        .await?;
    let rows: Vec<calendar_day::ActiveModel> = holidays
        .iter()
        .map(|d| (d, "holiday"))
        .chain(workdays.iter().map(|d| (d, "workday")))
        .map(|(d, k)| calendar_day::ActiveModel {
            day: Set(*d),
            kind: Set(k.into()),
            note: Set(String::new()),
        })
        .collect();
    if !rows.is_empty() {
        calendar_day::Entity::insert_many(rows)
            .exec_without_returning(&*txn)
            .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "calendar", year).detail(format!(
            "节假日 {} 天，调休工作日 {} 天",
            holidays.len(),
            workdays.len()
        )),
    )
    .await?;
    txn.commit().await?;
    forget_calendar(db);
    calendar_year(db, year).await
}

// ---------- who sees what ----------

/// A subtree that starts at the only root is everything: answer with no condition, so the
/// district's counts use the covering index instead of a subquery per row.
async fn effective_scope<C: ConnectionTrait>(c: &C, scope: &Scope) -> DbResult<Scope> {
    if let Scope::Subtree { path } = scope
        && path.matches('/').count() == 2
    {
        let roots = org_unit::Entity::find()
            .filter(org_unit::Column::ParentId.is_null())
            .count(c)
            .await?;
        if roots == 1 {
            return Ok(Scope::All);
        }
    }
    Ok(scope.clone())
}

/// Who may see which cases, when their scope is not everything.
struct Visibility {
    located: Located,
    reporter: Option<i64>,
    department: Option<i64>,
}

/// The cases a user may see: those located in their data scope, those dispatched to (or assisted
/// by) their department, and those they reported. `None`: every case.
async fn visibility<C: ConnectionTrait>(c: &C, u: &Actor) -> DbResult<Option<Visibility>> {
    let scope = effective_scope(c, &u.scope).await?;
    if scope == Scope::All {
        return Ok(None);
    }
    Ok(Some(Visibility {
        located: located(c, &scope).await?,
        reporter: u.user_id,
        department: u.department_id,
    }))
}

async fn visible<C: ConnectionTrait>(c: &C, u: &Actor) -> DbResult<Condition> {
    let Some(v) = visibility(c, u).await? else {
        return Ok(Condition::all());
    };
    let mut any = Condition::any().add(v.located.condition());
    if let Some(uid) = v.reporter {
        any = any.add(case_record::Column::ReporterUserId.eq(uid));
    }
    if let Some(d) = v.department {
        any = any.add(case_record::Column::DepartmentId.eq(d)).add(
            case_record::Column::Id.in_subquery(
                Query::select()
                    .column(case_assist::Column::CaseId)
                    .from(case_assist::Entity)
                    .and_where(case_assist::Column::DepartmentId.eq(d))
                    .to_owned(),
            ),
        );
    }
    Ok(any)
}

/// Where a scope's cases lie: one equality on the case's own grid, community or subdistrict column
/// (each indexed with the state) for a subtree that is one unit's, else the scope on the grid.
enum Located {
    Grid(i64),
    Community(i64),
    Subdistrict(i64),
    Scope(Scope),
}

impl Located {
    fn condition(&self) -> Condition {
        match self {
            Self::Grid(id) => Condition::all().add(case_record::Column::GridId.eq(*id)),
            Self::Community(id) => Condition::all().add(case_record::Column::CommunityId.eq(*id)),
            Self::Subdistrict(id) => Condition::all().add(case_record::Column::SubdistrictId.eq(*id)),
            Self::Scope(s) => scope::unit_column(s, case_record::Column::GridId, Some(case_record::Column::CreatedBy)),
        }
    }

    /// The same test for the in-memory counts.
    async fn area<C: ConnectionTrait>(&self, c: &C) -> DbResult<Area> {
        Ok(match self {
            Self::Grid(id) => Area::Grid(*id),
            Self::Community(id) => Area::Community(*id),
            Self::Subdistrict(id) => Area::Subdistrict(*id),
            Self::Scope(Scope::All) => Area::Everywhere,
            Self::Scope(Scope::Subtree { path }) => Area::Grids(
                org_unit::Entity::find()
                    .select_only()
                    .column(org_unit::Column::Id)
                    .filter(org_unit::Column::Path.starts_with(path.as_str()))
                    .into_tuple()
                    .all(c)
                    .await?
                    .into_iter()
                    .collect(),
            ),
            Self::Scope(Scope::Units { ids }) => Area::Grids(ids.iter().copied().collect()),
            Self::Scope(Scope::OwnRecords { user_id }) => Area::CreatedBy(*user_id),
        })
    }
}

async fn located<C: ConnectionTrait>(c: &C, scope: &Scope) -> DbResult<Located> {
    if let Scope::Subtree { path } = scope
        && let Some(id) = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .and_then(|s| s.parse::<i64>().ok())
        && let Some(unit) = org_unit::Entity::find_by_id(id).one(c).await?
        && unit.path == *path
    {
        match unit.level.as_str() {
            "grid" => return Ok(Located::Grid(unit.id)),
            "community" => return Ok(Located::Community(unit.id)),
            "subdistrict" => return Ok(Located::Subdistrict(unit.id)),
            _ => {}
        }
    }
    Ok(Located::Scope(scope.clone()))
}

/// Cases located in a scope.
async fn located_in<C: ConnectionTrait>(c: &C, scope: &Scope) -> DbResult<Condition> {
    Ok(located(c, scope).await?.condition())
}

async fn visible_case<C: ConnectionTrait>(c: &C, u: &Actor, id: i64) -> DbResult<case_record::Model> {
    case_record::Entity::find_by_id(id)
        .filter(visible(c, u).await?)
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// Whether the user stands as the center for this case: their unit is the owning center's unit or
/// above it, and their data scope reaches it.
async fn is_center<C: ConnectionTrait>(c: &C, u: &Actor, case: &case_record::Model) -> DbResult<bool> {
    let Some(unit) = u.org_unit_id else {
        return Ok(u.scope == Scope::All);
    };
    let rows = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in([unit, case.owner_unit_id]))
        .all(c)
        .await?;
    let (Some(mine), Some(owner)) = (
        rows.iter().find(|r| r.id == unit),
        rows.iter().find(|r| r.id == case.owner_unit_id),
    ) else {
        return Ok(false);
    };
    Ok(owner.path.starts_with(&mine.path) && u.scope.sees_unit(owner.id, &owner.path))
}

/// The roles the user holds for this case and action, each with the permission it needs.
async fn roles_for<C: ConnectionTrait>(
    c: &C,
    u: &Actor,
    case: &case_record::Model,
    action: Option<CaseAction>,
) -> DbResult<Vec<CaseRole>> {
    let mut roles = Vec::new();
    let center_perm = match action {
        Some(CaseAction::Supervise) => u.can(Permission::CaseSupervise),
        Some(_) => u.can(Permission::CaseDispatch),
        None => u.can(Permission::CaseDispatch) || u.can(Permission::CaseSupervise),
    };
    if center_perm && is_center(c, u, case).await? {
        roles.push(CaseRole::Center);
    }
    if u.can(Permission::CaseHandle) && u.department_id.is_some() && u.department_id == case.department_id {
        roles.push(CaseRole::Department);
    }
    if u.can(Permission::CaseReport) && u.user_id.is_some() && u.user_id == case.reporter_user_id {
        roles.push(CaseRole::Reporter);
    }
    Ok(roles)
}

/// The stored state as the workflow's value; a state the code does not know counts as closed.
fn state_of(m: &case_record::Model) -> CaseState {
    CaseState::parse(&m.state).unwrap_or(CaseState::Closed)
}

fn facts(m: &case_record::Model) -> CaseFacts {
    CaseFacts {
        state: state_of(m),
        paused: m.paused,
        level: Level::parse(&m.level).unwrap_or(Level::Community),
    }
}

fn refusal(r: Refusal) -> DbError {
    match r {
        Refusal::NotForRole => DbError::Forbidden(r.to_string()),
        Refusal::NotInState | Refusal::Paused | Refusal::TopLevel => DbError::Conflict(r.to_string()),
    }
}

// ---------- views ----------

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct Location {
    pub lon: f64,
    pub lat: f64,
}

/// A case as lists and the detail show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Case {
    pub id: i64,
    /// `SJ` + report date + daily sequence, e.g. `SJ20261126000123`.
    pub code: String,
    pub item_code: String,
    pub item_name: String,
    pub category_code: String,
    pub description: String,
    pub address: String,
    pub building_code: Option<String>,
    pub location: Option<Location>,
    pub grid_id: i64,
    pub grid_code: String,
    pub grid_name: String,
    pub community_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub subdistrict_id: i64,
    pub subdistrict_code: String,
    pub subdistrict_name: String,
    /// The center that owns the case now (community, or higher after escalation).
    pub owner_unit_id: i64,
    /// community | subdistrict | district
    pub level: String,
    /// The lead department.
    pub department_id: Option<i64>,
    pub department_code: Option<String>,
    pub department_name: Option<String>,
    /// grid_worker | phone | visit | portal | open311 | system
    pub source: String,
    /// reported | accepted | rejected | dispatched | handling | feedback | verified | closed
    pub state: String,
    pub state_name: String,
    pub paused: bool,
    /// Send it back with every action; a stale value answers 409.
    pub version: i64,
    /// The step whose deadline runs: accept | dispatch | handle | verify | close.
    pub step: Option<String>,
    pub step_started_at: Option<DateTime<Utc>>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// normal | yellow (80 % of the time used) | red (overdue)
    pub urgency: String,
    pub supervision_level: i32,
    pub rework_count: i32,
    pub merged_into_id: Option<i64>,
    pub reporter_name: String,
    pub reported_at: DateTime<Utc>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The thumbnail lists show: of the first photo taken on report, else of the first after-photo.
    pub thumb_url: Option<String>,
}

/// An open case of the same item nearby, reported in the last 7 days.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DuplicateCase {
    pub id: i64,
    pub code: String,
    pub state: String,
    pub distance_m: f64,
    pub reported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedCase {
    #[serde(flatten)]
    pub case: Case,
    /// Possible duplicates: open cases of the same item within 100 m and 7 days.
    pub duplicates: Vec<DuplicateCase>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineRow {
    pub id: i64,
    pub action: String,
    pub action_name: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_name: String,
    /// The actor's center (org unit) name.
    pub unit_name: String,
    /// The actor's department, when a department acted.
    pub department_name: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Photo {
    pub id: i64,
    /// report | feedback
    pub stage: String,
    pub content_type: String,
    pub size: i64,
    pub has_thumbnail: bool,
    pub url: String,
    pub thumb_url: String,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    pub id: i64,
    /// supervision
    pub kind: String,
    /// e.g. `平湖街道督〔2026〕3号`
    pub serial: String,
    pub issuing_unit_name: String,
    pub department_name: String,
    pub original_deadline: Option<DateTime<Utc>>,
    pub new_deadline: Option<DateTime<Utc>>,
    /// How late the case was when supervised.
    pub overdue_seconds: i64,
    pub note: String,
    pub issued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Alert {
    pub step: String,
    pub deadline_at: DateTime<Utc>,
    pub raised_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub reporter_contact: String,
    pub assisting_departments: Vec<DepartmentRef>,
    pub timeline: Vec<TimelineRow>,
    pub photos: Vec<Photo>,
    pub notices: Vec<Notice>,
    /// Overdue alerts raised by the background job.
    pub alerts: Vec<Alert>,
    /// What the caller may do now (the UI's buttons); `merge` for the owning center.
    pub allowed_actions: Vec<String>,
}

fn is_overdue(m: &case_record::Model, now: DateTime<Utc>) -> bool {
    !m.paused && OPEN_STATES.contains(&state_of(m)) && m.deadline_at.is_some_and(|d| d < now)
}

fn urgency_of(m: &case_record::Model, now: DateTime<Utc>) -> Urgency {
    match (m.step_started_at, m.deadline_at) {
        (Some(s), Some(d)) if OPEN_STATES.contains(&state_of(m)) => {
            calendar::urgency(s, d, if m.paused { m.paused_at.unwrap_or(now) } else { now })
        }
        _ => Urgency::Normal,
    }
}

async fn views(db: &Db, rows: Vec<case_record::Model>) -> DbResult<Vec<Case>> {
    let now = now();
    let routing = routing(db).await?;
    let depts: HashMap<i64, (String, String)> = rows
        .iter()
        .filter_map(|r| r.department_id)
        .filter_map(|i| {
            routing
                .department_by_id(i)
                .map(|d| (i, (d.code.clone(), d.name.clone())))
        })
        .collect();
    let codes: HashSet<String> = rows.iter().map(|r| r.item_code.clone()).collect();
    let items: HashMap<String, String> = case_item::Entity::find()
        .select_only()
        .columns([case_item::Column::Code, case_item::Column::Name])
        .filter(case_item::Column::Code.is_in(codes))
        .into_tuple::<(String, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    // One thumbnail per case: the report stage sorts before feedback, then the first taken.
    let mut thumbs: HashMap<i64, String> = HashMap::new();
    let photos: Vec<(i64, i64, String)> = case_photo::Entity::find()
        .select_only()
        .columns([
            case_photo::Column::CaseId,
            case_photo::Column::Id,
            case_photo::Column::Stage,
        ])
        .filter(case_photo::Column::CaseId.is_in(rows.iter().map(|r| r.id)))
        .filter(case_photo::Column::ThumbKey.is_not_null())
        .order_by_desc(case_photo::Column::Stage)
        .order_by_asc(case_photo::Column::Id)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (case_id, photo_id, _) in photos {
        thumbs
            .entry(case_id)
            .or_insert_with(|| format!("/api/v1/cases/{case_id}/photos/{photo_id}/thumb"));
    }
    Ok(rows
        .into_iter()
        .map(|m| {
            let thumb = thumbs.remove(&m.id);
            Case {
                thumb_url: thumb,
                ..view_one(m, &routing, &depts, &items, now)
            }
        })
        .collect())
}

fn view_one(
    m: case_record::Model,
    routing: &GridRouting,
    depts: &HashMap<i64, (String, String)>,
    items: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Case {
    let g = routing.grid(m.grid_id).cloned();
    let d = m.department_id.and_then(|i| depts.get(&i)).cloned();
    let state = state_of(&m);
    Case {
        overdue: is_overdue(&m, now),
        urgency: urgency_of(&m, now).as_str().into(),
        item_name: items.get(&m.item_code).cloned().unwrap_or_default(),
        location: m.lon.zip(m.lat).map(|(lon, lat)| Location { lon, lat }),
        grid_code: g.as_ref().map(|g| g.grid_code.clone()).unwrap_or_default(),
        grid_name: g.as_ref().map(|g| g.grid_name.clone()).unwrap_or_default(),
        community_code: g.as_ref().map(|g| g.community_code.clone()).unwrap_or_default(),
        community_name: g.as_ref().map(|g| g.community_name.clone()).unwrap_or_default(),
        subdistrict_code: g.as_ref().map(|g| g.subdistrict_code.clone()).unwrap_or_default(),
        subdistrict_name: g.as_ref().map(|g| g.subdistrict_name.clone()).unwrap_or_default(),
        department_code: d.as_ref().map(|d| d.0.clone()),
        department_name: d.map(|d| d.1),
        state_name: state.zh().into(),
        id: m.id,
        code: m.code,
        item_code: m.item_code,
        category_code: m.category_code,
        description: m.description,
        address: m.address,
        building_code: m.building_code,
        grid_id: m.grid_id,
        community_id: m.community_id,
        subdistrict_id: m.subdistrict_id,
        owner_unit_id: m.owner_unit_id,
        level: m.level,
        department_id: m.department_id,
        source: m.source,
        state: m.state,
        paused: m.paused,
        version: m.version,
        step: m.step,
        step_started_at: m.step_started_at,
        deadline_at: m.deadline_at,
        supervision_level: m.supervision_level,
        rework_count: m.rework_count,
        merged_into_id: m.merged_into_id,
        reporter_name: m.reporter_name,
        reported_at: m.reported_at,
        dispatched_at: m.dispatched_at,
        closed_at: m.closed_at,
        updated_at: m.updated_at,
        thumb_url: None,
    }
}

pub async fn get_case(db: &Db, u: &Actor, id: i64) -> DbResult<CaseDetail> {
    let m = visible_case(&db.conn, u, id).await?;
    detail(db, u, m).await
}

async fn detail(db: &Db, u: &Actor, m: case_record::Model) -> DbResult<CaseDetail> {
    let c = &db.conn;
    let f = facts(&m);
    let roles = roles_for(c, u, &m, None).await?;
    let mut allowed: Vec<String> = Vec::new();
    for a in CaseAction::ALL {
        let ok = roles.iter().any(|r| {
            let needs = match (r, a) {
                (CaseRole::Center, CaseAction::Supervise) => u.can(Permission::CaseSupervise),
                (CaseRole::Center, _) => u.can(Permission::CaseDispatch),
                _ => true,
            };
            needs && case_flow::transition(&f, &a, *r).is_ok()
        });
        if ok {
            allowed.push(a.as_str().into());
        }
    }
    if roles.contains(&CaseRole::Center) && u.can(Permission::CaseDispatch) && !f.state.is_terminal() && !f.paused {
        allowed.push("merge".into());
    }
    let timeline = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(m.id))
        .order_by_asc(case_event::Column::Id)
        .all(c)
        .await?;
    let photos = case_photo::Entity::find()
        .filter(case_photo::Column::CaseId.eq(m.id))
        .order_by_asc(case_photo::Column::Id)
        .all(c)
        .await?;
    let notices = case_notice::Entity::find()
        .filter(case_notice::Column::CaseId.eq(m.id))
        .order_by_asc(case_notice::Column::Id)
        .all(c)
        .await?;
    let alerts = case_alert::Entity::find()
        .filter(case_alert::Column::CaseId.eq(m.id))
        .order_by_asc(case_alert::Column::Id)
        .all(c)
        .await?;
    let assist_ids: Vec<i64> = case_assist::Entity::find()
        .select_only()
        .column(case_assist::Column::DepartmentId)
        .filter(case_assist::Column::CaseId.eq(m.id))
        .into_tuple()
        .all(c)
        .await?;
    let assisting = if assist_ids.is_empty() {
        vec![]
    } else {
        department::Entity::find()
            .filter(department::Column::Id.is_in(assist_ids))
            .order_by_asc(department::Column::Code)
            .all(c)
            .await?
    };
    let reporter_contact = m.reporter_contact.clone();
    let case = views(db, vec![m]).await?.remove(0);
    let id = case.id;
    Ok(CaseDetail {
        reporter_contact,
        assisting_departments: assisting
            .into_iter()
            .map(|d| DepartmentRef {
                id: d.id,
                code: d.code,
                name: d.name,
            })
            .collect(),
        timeline: timeline
            .into_iter()
            .map(|e| TimelineRow {
                action_name: action_zh(&e.action).into(),
                id: e.id,
                action: e.action,
                from_state: e.from_state,
                to_state: e.to_state,
                actor_name: e.actor_name,
                unit_name: e.unit_name,
                department_name: e.department_name,
                note: e.note,
                at: e.at,
            })
            .collect(),
        photos: photos.into_iter().map(|p| photo_view(id, p)).collect(),
        notices: notices
            .into_iter()
            .map(|n| Notice {
                id: n.id,
                kind: n.kind,
                serial: n.serial,
                issuing_unit_name: n.issuing_unit_name,
                department_name: n.department_name,
                original_deadline: n.original_deadline,
                new_deadline: n.new_deadline,
                overdue_seconds: n.overdue_seconds,
                note: n.note,
                issued_at: n.issued_at,
            })
            .collect(),
        alerts: alerts
            .into_iter()
            .map(|a| Alert {
                step: a.step,
                deadline_at: a.deadline_at,
                raised_at: a.raised_at,
            })
            .collect(),
        allowed_actions: allowed,
        case,
    })
}

fn action_zh(a: &str) -> &'static str {
    match a {
        "report" => "上报",
        "merge" => "合并",
        "merged_from" => "并入案件",
        "photo" => "上传照片",
        _ => CaseAction::parse(a, Some(true)).map(|a| a.zh()).unwrap_or("操作"),
    }
}

fn photo_view(case_id: i64, p: case_photo::Model) -> Photo {
    Photo {
        url: format!("/api/v1/cases/{case_id}/photos/{}", p.id),
        thumb_url: format!("/api/v1/cases/{case_id}/photos/{}/thumb", p.id),
        has_thumbnail: p.thumb_key.is_some(),
        id: p.id,
        stage: p.stage,
        content_type: p.content_type,
        size: p.size,
        uploaded_at: p.uploaded_at,
    }
}

// ---------- create ----------

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub item_code: String,
    pub description: String,
    /// WGS-84; either this or `building_code` locates the case.
    pub location: Option<Location>,
    pub building_code: Option<String>,
    pub address: Option<String>,
    /// grid_worker | phone | visit | portal | open311 | system
    pub source: Option<String>,
    /// Who reported it, when not the caller (hotline, Open311).
    #[serde(skip)]
    pub reporter_name: Option<String>,
    #[serde(skip)]
    pub reporter_contact: Option<String>,
    /// Open311: the token the client can poll, stored with the case.
    #[serde(skip)]
    pub open311_token: Option<String>,
}

impl NewCase {
    pub fn new(item_code: &str, description: &str) -> Self {
        Self {
            item_code: item_code.into(),
            description: description.into(),
            location: None,
            building_code: None,
            address: None,
            source: None,
            reporter_name: None,
            reporter_contact: None,
            open311_token: None,
        }
    }
}

fn limit_of(item: &case_item::Model, step: Step) -> Limit {
    let text = match step {
        Step::Accept => &item.accept_limit,
        Step::Dispatch => &item.dispatch_limit,
        Step::Handle => &item.handle_limit,
        Step::Verify => &item.verify_limit,
        Step::Close => return CLOSE_LIMIT,
    };
    text.parse().unwrap_or(Limit::WorkingDays(5))
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

/// Where a case is: grid, community, subdistrict, coordinates.
struct Place {
    grid_id: i64,
    info: GridInfo,
    lon: Option<f64>,
    lat: Option<f64>,
    building_code: Option<String>,
    /// The building's address, for a report that gives none.
    building_address: Option<String>,
}

async fn place_of<C: ConnectionTrait>(c: &C, routing: &GridRouting, n: &NewCase) -> DbResult<Place> {
    if let Some(l) = n.location
        && (!(73.0..=136.0).contains(&l.lon) || !(3.0..=54.0).contains(&l.lat))
    {
        return Err(DbError::invalid(
            "location",
            format!("经纬度 ({}, {}) 不在中国境内", l.lon, l.lat),
        ));
    }
    let building_code = n.building_code.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(code) = building_code {
        let b = crate::registry::building_by_code(c, &Scope::All, code)
            .await?
            .ok_or_else(|| DbError::invalid("building_code", format!("楼栋编码 {code} 不存在")))?;
        let info = routing
            .grid(b.grid_id)
            .cloned()
            .ok_or_else(|| DbError::invalid("building_code", "楼栋所在网格不存在"))?;
        let (lon, lat) = n.location.map(|l| (l.lon, l.lat)).unwrap_or((b.lon, b.lat));
        return Ok(Place {
            grid_id: b.grid_id,
            info,
            lon: Some(lon),
            lat: Some(lat),
            building_code: Some(b.code),
            building_address: Some(b.address),
        });
    }
    let Some(l) = n.location else {
        return Err(DbError::invalid("location", "请提供事件位置（经纬度）或楼栋编码"));
    };
    let grid_id = routing
        .locate(l.lon, l.lat)
        .ok_or_else(|| DbError::invalid("location", format!("位置 ({}, {}) 不在任何网格内", l.lon, l.lat)))?;
    let info = routing
        .grid(grid_id)
        .cloned()
        .ok_or_else(|| DbError::invalid("location", "网格不存在"))?;
    Ok(Place {
        grid_id,
        info,
        lon: Some(l.lon),
        lat: Some(l.lat),
        building_code: None,
        building_address: None,
    })
}

async fn duplicates<C: ConnectionTrait>(
    c: &C,
    item: &str,
    lon: f64,
    lat: f64,
    now: DateTime<Utc>,
) -> DbResult<Vec<DuplicateCase>> {
    let dlat = DUPLICATE_METRES / 111_000.0;
    let dlon = dlat / lat.to_radians().cos().max(0.1);
    let rows: Vec<(i64, String, String, f64, f64, DateTime<Utc>)> = case_record::Entity::find()
        .select_only()
        .columns([
            case_record::Column::Id,
            case_record::Column::Code,
            case_record::Column::State,
            case_record::Column::Lon,
            case_record::Column::Lat,
            case_record::Column::ReportedAt,
        ])
        .filter(case_record::Column::ItemCode.eq(item))
        .filter(case_record::Column::ReportedAt.gte(now - TimeDelta::days(DUPLICATE_DAYS)))
        .filter(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
        .filter(case_record::Column::Lat.between(lat - dlat, lat + dlat))
        .filter(case_record::Column::Lon.between(lon - dlon, lon + dlon))
        .order_by_desc(case_record::Column::ReportedAt)
        .limit(20)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, state, olon, olat, at)| DuplicateCase {
            id,
            code,
            state,
            distance_m: (distance_m(lon, lat, olon, olat) * 10.0).round() / 10.0,
            reported_at: at,
        })
        .filter(|d| d.distance_m <= DUPLICATE_METRES)
        .collect())
}

/// Takes the turn of a report and reads, in it, the next case code of the day (`SJ` + China date +
/// sequence) and the audit chain's last row. SQLite: the writer lock is the turn, one read.
/// PostgreSQL: one call of `zg_case_turn` (migration m0007) takes the chain's lock and reads.
async fn case_turn<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> DbResult<(String, audit::Tail)> {
    let prefix = format!("SJ{}", cst_date(now).format("%Y%m%d"));
    let backend = c.get_database_backend();
    let sql = if backend == sea_orm::DbBackend::Postgres {
        "SELECT code, audit_id, audit_hash FROM zg_case_turn($1, $2)"
    } else {
        // A range on the unique index, not LIKE: it seeks.
        "SELECT (SELECT code FROM case_record WHERE code >= ? AND code < ? ORDER BY code DESC LIMIT 1) AS code, \
         (SELECT id FROM audit_log ORDER BY id DESC LIMIT 1) AS audit_id, (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS audit_hash"
    };
    let row = c
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [prefix.clone().into(), format!("{prefix}A").into()],
        ))
        .await?;
    let (last, id, hash) = match row {
        Some(r) => (
            r.try_get::<Option<String>>("", "code")?,
            r.try_get::<Option<i64>>("", "audit_id")?,
            r.try_get::<Option<String>>("", "audit_hash")?,
        ),
        None => (None, None, None),
    };
    let seq = last
        .and_then(|l| l.get(prefix.len()..).and_then(|s| s.parse::<u64>().ok()))
        .unwrap_or(0)
        + 1;
    Ok((format!("{prefix}{seq:06}"), id.zip(hash)))
}

/// `$n` placeholders moved up by `by`, to join built statements into one (values are bound, so
/// the text holds no other `$`).
fn shift_placeholders(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 32);
    let mut rest = sql;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

async fn department_by_code<C: ConnectionTrait>(c: &C, code: &str) -> DbResult<Option<department::Model>> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(c)
        .await?)
}

/// Center (org unit) and department names of the actor, for the timeline.
async fn actor_names<C: ConnectionTrait>(c: &C, u: &Actor) -> DbResult<(String, String)> {
    let unit = match u.org_unit_id {
        Some(id) => org_unit::Entity::find_by_id(id)
            .one(c)
            .await?
            .map(|m| m.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let dept = match u.department_id {
        Some(id) => department::Entity::find_by_id(id)
            .one(c)
            .await?
            .map(|m| m.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok((unit, dept))
}

#[expect(clippy::too_many_arguments, reason = "one timeline row names all of these")]
fn event(
    case_id: i64,
    action: &str,
    from: Option<CaseState>,
    to: CaseState,
    u: &Actor,
    names: &(String, String),
    note: String,
    at: DateTime<Utc>,
) -> case_event::ActiveModel {
    case_event::ActiveModel {
        case_id: Set(case_id),
        action: Set(action.into()),
        from_state: Set(from.map(|s| s.as_str().into())),
        to_state: Set(to.as_str().into()),
        actor_user_id: Set(u.user_id),
        actor_name: Set(u.name.clone()),
        unit_id: Set(u.org_unit_id),
        unit_name: Set(names.0.clone()),
        department_id: Set(u.department_id),
        department_name: Set(names.1.clone()),
        note: Set(note),
        at: Set(at),
        ..Default::default()
    }
}

/// Reports a case: routes it to its grid, community center and department, starts the accept
/// clock, looks for duplicates, writes the first timeline row and the audit row in one transaction.
pub async fn create(db: &Db, u: &Actor, n: NewCase) -> DbResult<CreatedCase> {
    let item_code = n.item_code.trim().to_string();
    let description = n.description.trim().to_string();
    if description.is_empty() || description.chars().count() > 2000 {
        return Err(DbError::invalid("description", "事件描述不能为空，且不超过 2000 字"));
    }
    let address = n.address.as_deref().map(str::trim).unwrap_or("").to_string();
    if address.chars().count() > 200 {
        return Err(DbError::invalid("address", "地址不超过 200 字"));
    }
    let source = n.source.clone().unwrap_or_else(|| "grid_worker".into());
    if !SOURCES.contains(&source.as_str()) {
        return Err(DbError::invalid("source", format!("来源须为 {}", SOURCES.join("、"))));
    }
    // Everything that only reads comes before the writer lock, so concurrent reports overlap it.
    let item = item_by_code(db, &item_code)
        .await?
        .filter(|i| i.enabled)
        .ok_or_else(|| DbError::invalid("item_code", format!("事件小类 {item_code} 不存在或已停用")))?;
    let routing = routing(db).await?;
    let cal = work_calendar(db).await?;
    let place = place_of(&db.conn, &routing, &n).await?;
    let dept = routing
        .routed_department(&item.department_seq, &place.info.subdistrict_code)
        .cloned();
    // Duplicates are suggestions for the center: a report committed while this one waits for the
    // lock is missed as if it came a moment later, and the center can still merge the two.
    // PostgreSQL looks before the turn, so concurrent reports overlap it; SQLite inside it, on the
    // writer's connection, whose pages are warm (a pool connection has dropped its cache since the
    // last report's commit, and re-reading cold pages cost more than the turn it saves).
    let place_point = place.lon.zip(place.lat);
    let mut dups = match (db.backend, place_point) {
        (Backend::Postgres, Some((lon, lat))) => duplicates(&db.conn, &item.code, lon, lat, now()).await?,
        _ => vec![],
    };

    // PostgreSQL: the id comes from the sequence before the turn, so the case, its timeline row
    // and its audit row (which names the id) go in as one statement while the turn is held.
    let id = match db.backend {
        Backend::Postgres => {
            let row = db
                .conn
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    "SELECT nextval(pg_get_serial_sequence('case_record', 'id')) AS id",
                ))
                .await?;
            Some(row.ok_or(DbError::NotFound)?.try_get::<i64>("", "id")?)
        }
        Backend::Sqlite => None,
    };
    let reporter_name = n.reporter_name.clone().unwrap_or_else(|| u.name.clone());
    let names = (
        u.org_unit_id
            .and_then(|i| routing.unit_names.get(&i))
            .cloned()
            .unwrap_or_default(),
        u.department_id
            .and_then(|i| routing.department_by_id(i))
            .map(|d| d.name.clone())
            .unwrap_or_default(),
    );
    let note = match &dept {
        Some(d) => format!("自动分拨：{}，承办部门 {}", place.info.community_name, d.name),
        None => format!("自动分拨：{}", place.info.community_name),
    };

    let txn = db.begin_write().await?;
    if let (Backend::Sqlite, Some((lon, lat))) = (db.backend, place_point) {
        dups = duplicates(&*txn, &item.code, lon, lat, now()).await?;
    }
    // Case codes are a daily sequence: creators take turns. On PostgreSQL the audit chain's lock,
    // which the audit row needs anyway, is that turn (SQLite's writer lock is, there).
    let day = now();
    let (code, tail) = case_turn(&*txn, day).await?;
    // Stamped inside the turn, so report times follow the codes (unless the wait crossed midnight:
    // then the code's day wins).
    let now = Some(now()).filter(|t| cst_date(*t) == cst_date(day)).unwrap_or(day);
    let am = case_record::ActiveModel {
        id: id.map(Set).unwrap_or_default(),
        code: Set(code.clone()),
        item_code: Set(item.code.clone()),
        category_code: Set(item.category_code.clone()),
        description: Set(description),
        address: Set(if address.is_empty() {
            place.building_address.unwrap_or_default()
        } else {
            address
        }),
        building_code: Set(place.building_code),
        lon: Set(place.lon),
        lat: Set(place.lat),
        grid_id: Set(place.grid_id),
        community_id: Set(place.info.community_id),
        subdistrict_id: Set(place.info.subdistrict_id),
        owner_unit_id: Set(place.info.community_id),
        level: Set(Level::Community.as_str().into()),
        department_id: Set(dept.as_ref().map(|d| d.id)),
        source: Set(source),
        state: Set(CaseState::Reported.as_str().into()),
        paused: Set(false),
        version: Set(1),
        step: Set(Some(Step::Accept.as_str().into())),
        step_started_at: Set(Some(now)),
        deadline_at: Set(Some(calendar::deadline(&cal, now, limit_of(&item, Step::Accept)))),
        paused_at: Set(None),
        supervision_level: Set(0),
        rework_count: Set(0),
        late: Set(false),
        merged_into_id: Set(None),
        reporter_user_id: Set(u.user_id),
        reporter_name: Set(reporter_name),
        reporter_contact: Set(n.reporter_contact.clone().unwrap_or_default()),
        open311_token: Set(n.open311_token.clone()),
        reported_at: Set(now),
        dispatched_at: Set(None),
        closed_at: Set(None),
        created_by: Set(u.user_id),
        updated_at: Set(now),
    };
    let taken = |e: sea_orm::DbErr| DbError::from(e).unique("事件编号冲突，请重试");
    let audited = |id: i64| {
        audit::row_after(
            tail.clone(),
            u,
            Event::ok("create", "case", id).detail(format!("{code} {}", item.name)),
        )
    };
    let m = match id {
        Some(id) => {
            use sea_orm::QueryTrait;
            let pg = sea_orm::DbBackend::Postgres;
            let parts = [
                case_record::Entity::insert(am).build(pg),
                case_event::Entity::insert(event(id, "report", None, CaseState::Reported, u, &names, note, now))
                    .build(pg),
                crate::entity::audit_log::Entity::insert(audited(id)).build(pg),
            ];
            let mut sqls = Vec::new();
            let mut values = Vec::new();
            for p in parts {
                sqls.push(shift_placeholders(&p.sql, values.len()));
                values.extend(p.values.map(|v| v.0).unwrap_or_default());
            }
            let sql = format!(
                "WITH c AS ({} RETURNING *), e AS ({}), a AS ({}) SELECT * FROM c",
                sqls[0], sqls[1], sqls[2]
            );
            case_record::Entity::find()
                .from_raw_sql(sea_orm::Statement::from_sql_and_values(pg, sql, values))
                .one(&*txn)
                .await
                .map_err(taken)?
                .ok_or(DbError::NotFound)?
        }
        None => {
            let m = am.insert(&*txn).await.map_err(taken)?;
            case_event::Entity::insert(event(m.id, "report", None, CaseState::Reported, u, &names, note, now))
                .exec_without_returning(&*txn)
                .await?;
            crate::entity::audit_log::Entity::insert(audited(m.id))
                .exec_without_returning(&*txn)
                .await?;
            m
        }
    };
    txn.commit().await?;
    let mut depts = HashMap::new();
    if let Some(d) = dept {
        depts.insert(d.id, (d.code, d.name));
    }
    let items = HashMap::from([(item.code.clone(), item.name.clone())]);
    Ok(CreatedCase {
        case: view_one(m, &routing, &depts, &items, now),
        duplicates: dups,
    })
}

// ---------- transitions ----------

/// An action on a case. Which fields matter depends on `action`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// accept | reject | dispatch | start | feedback | verify | close | return | supervise | escalate | pause | resume | extend
    pub action: String,
    /// The case's `version` as the caller saw it.
    pub version: i64,
    /// reject, return, pause, extend: why.
    pub reason: Option<String>,
    /// feedback: the result; supervise: the instruction; any action: a remark.
    pub note: Option<String>,
    /// verify: whether the result passed.
    pub passed: Option<bool>,
    /// dispatch: the lead department (default: the routed one).
    pub department_code: Option<String>,
    /// dispatch: assisting departments.
    pub assisting_department_codes: Option<Vec<String>>,
    /// extend: working days to add; supervise: a new deadline this many working days from now.
    pub days: Option<u32>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

fn required(v: &Option<String>, field: &str, what: &str) -> DbResult<String> {
    let t = text(v).ok_or_else(|| DbError::invalid(field, format!("请填写{what}")))?;
    if t.chars().count() > 1000 {
        return Err(DbError::invalid(field, format!("{what}不超过 1000 字")));
    }
    Ok(t)
}

fn days_of(v: Option<u32>, field: &str) -> DbResult<u32> {
    match v {
        Some(d) if (1..=MAX_DAYS).contains(&d) => Ok(d),
        _ => Err(DbError::invalid(field, format!("天数须为 1–{MAX_DAYS} 个工作日"))),
    }
}

async fn notice_serial<C: ConnectionTrait>(
    c: &C,
    unit_id: Option<i64>,
    unit_name: &str,
    now: DateTime<Utc>,
) -> DbResult<String> {
    let year = cst_date(now).year();
    let start = NaiveDate::from_ymd_opt(year, 1, 1).map(cst_midnight).unwrap_or(now);
    let mut q = case_notice::Entity::find().filter(case_notice::Column::IssuedAt.gte(start));
    q = match unit_id {
        Some(u) => q.filter(case_notice::Column::IssuingUnitId.eq(u)),
        None => q.filter(case_notice::Column::IssuingUnitId.is_null()),
    };
    let n = q.count(c).await? + 1;
    let short = unit_name
        .trim_end_matches("综管中心")
        .trim_end_matches("社区")
        .trim_end_matches("街道");
    Ok(format!("{short}督〔{year}〕{n}号"))
}

/// Takes an action: checks the version, the state and the caller's role on this case, moves the
/// clock, writes the timeline row, the notice (supervision) and the audit row in one transaction.
pub async fn act(db: &Db, u: &Actor, id: i64, input: ActionInput) -> DbResult<CaseDetail> {
    let action = CaseAction::parse(input.action.trim(), input.passed).ok_or_else(|| {
        if input.action.trim() == "verify" {
            DbError::invalid("passed", "核查须给出 passed（true 或 false）")
        } else {
            DbError::invalid("action", format!("未知操作 {}", input.action))
        }
    })?;
    let cal = work_calendar(db).await?;
    let txn = db.begin_write().await?;
    let c = &*txn;
    let cur = visible_case(c, u, id).await?;
    if cur.version != input.version {
        return Err(DbError::Conflict(format!(
            "事件已被他人处理（当前版本 {}，提交的版本 {}），请刷新后重试",
            cur.version, input.version
        )));
    }
    let roles = roles_for(c, u, &cur, Some(action)).await?;
    let f = facts(&cur);
    let (role, out) = case_flow::decide(&f, &action, &roles).map_err(refusal)?;
    let item = item_by_code(db, &cur.item_code).await?.ok_or(DbError::NotFound)?;
    let now = now();
    let from = f.state;
    let mut am: case_record::ActiveModel = Default::default();
    let mut note = text(&input.note).unwrap_or_default();
    let mut assist: Option<Vec<department::Model>> = None;
    let mut supervision: Option<(Option<DateTime<Utc>>, i64)> = None;

    // What each action needs and changes besides the state machine.
    match action {
        CaseAction::Reject | CaseAction::Return | CaseAction::Pause => {
            let r = required(&input.reason, "reason", "原因")?;
            note = if note.is_empty() { r } else { format!("{r}；{note}") };
        }
        CaseAction::Feedback => {
            note = required(&input.note, "note", "处置结果")?;
        }
        CaseAction::Dispatch => {
            let lead = match text(&input.department_code) {
                Some(code) => department_by_code(c, &code)
                    .await?
                    .ok_or_else(|| DbError::invalid("department_code", format!("成员单位 {code} 不存在")))?,
                None => match cur.department_id {
                    Some(d) => department::Entity::find_by_id(d)
                        .one(c)
                        .await?
                        .ok_or_else(|| DbError::invalid("department_code", "请选择承办部门"))?,
                    None => return Err(DbError::invalid("department_code", "请选择承办部门")),
                },
            };
            let mut helpers = Vec::new();
            for code in input
                .assisting_department_codes
                .iter()
                .flatten()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
            {
                let d = department_by_code(c, code)
                    .await?
                    .ok_or_else(|| DbError::invalid("assisting_department_codes", format!("成员单位 {code} 不存在")))?;
                if d.id != lead.id && !helpers.iter().any(|h: &department::Model| h.id == d.id) {
                    helpers.push(d);
                }
            }
            let mut n = format!("派遣至 {}", lead.name);
            if !helpers.is_empty() {
                n.push_str(&format!(
                    "，协办：{}",
                    helpers.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join("、")
                ));
            }
            if !note.is_empty() {
                n.push_str(&format!("；{note}"));
            }
            note = n;
            am.department_id = Set(Some(lead.id));
            am.dispatched_at = Set(Some(now));
            assist = Some(helpers);
        }
        CaseAction::Verify { passed } => {
            let v = if passed {
                "核查通过"
            } else {
                "核查不通过，退回重办"
            };
            note = if note.is_empty() {
                v.into()
            } else {
                format!("{v}；{note}")
            };
        }
        CaseAction::Extend => {
            let d = days_of(input.days, "days")?;
            let r = required(&input.reason, "reason", "延期原因")?;
            note = format!("延期 {d} 个工作日：{r}");
        }
        CaseAction::Supervise => {
            if let Some(d) = input.days {
                days_of(Some(d), "days")?;
            }
            let late = cur.deadline_at.map(|d| (now - d).num_seconds().max(0)).unwrap_or(0);
            supervision = Some((cur.deadline_at, late));
            am.supervision_level = Set(cur.supervision_level + 1);
        }
        CaseAction::Escalate => {
            let owner = org_unit::Entity::find_by_id(cur.owner_unit_id)
                .one(c)
                .await?
                .ok_or(DbError::NotFound)?;
            let parent = match owner.parent_id {
                Some(p) => org_unit::Entity::find_by_id(p).one(c).await?,
                None => None,
            }
            .ok_or_else(|| refusal(Refusal::TopLevel))?;
            am.owner_unit_id = Set(parent.id);
            let n = format!("上报至 {}", parent.name);
            note = if note.is_empty() { n } else { format!("{n}；{note}") };
        }
        CaseAction::Accept | CaseAction::Start | CaseAction::Close | CaseAction::Resume => {}
    }

    // The clock. A step that ends after its deadline marks the case late (for on-time figures).
    let ends_step = matches!(out.clock, Clock::Start(_) | Clock::Stop) && action != CaseAction::Supervise;
    if ends_step && cur.deadline_at.is_some_and(|d| d < now) && !cur.paused {
        am.late = Set(true);
    }
    let mut deadline = cur.deadline_at;
    match out.clock {
        Clock::Keep => {}
        Clock::Start(step) => {
            deadline = Some(match (action, input.days) {
                (CaseAction::Supervise, Some(d)) => cal.add_working_days(now, d),
                _ => calendar::deadline(&cal, now, limit_of(&item, step)),
            });
            am.step = Set(Some(step.as_str().into()));
            am.step_started_at = Set(Some(now));
        }
        Clock::Stop => {
            deadline = None;
            am.step = Set(None);
            am.step_started_at = Set(None);
        }
        Clock::Pause => {
            am.paused_at = Set(Some(now));
        }
        Clock::Resume => {
            let step = cur.step.as_deref().and_then(Step::parse).unwrap_or(Step::Handle);
            if let (Some(d), Some(p)) = (cur.deadline_at, cur.paused_at) {
                deadline = Some(calendar::resume_deadline(&cal, d, &limit_of(&item, step), p, now));
            }
            am.paused_at = Set(None);
        }
        Clock::Extend => {
            let days = days_of(input.days, "days")?;
            deadline = Some(cal.add_working_days(cur.deadline_at.unwrap_or(now), days));
        }
    }
    am.deadline_at = Set(deadline);
    if out.rework {
        am.rework_count = Set(cur.rework_count + 1);
    }
    if out.state == CaseState::Closed {
        am.closed_at = Set(Some(now));
    }
    am.state = Set(out.state.as_str().into());
    am.paused = Set(out.paused);
    am.level = Set(out.level.as_str().into());
    am.version = Set(cur.version + 1);
    am.updated_at = Set(now);
    // Optimistic: on PostgreSQL two transactions may both have read this version; the second
    // UPDATE waits for the first and then matches no row.
    let res = case_record::Entity::update_many()
        .set(am)
        .filter(case_record::Column::Id.eq(id))
        .filter(case_record::Column::Version.eq(cur.version))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Err(DbError::Conflict("事件已被他人处理，请刷新后重试".into()));
    }
    if let Some(helpers) = assist {
        case_assist::Entity::delete_many()
            .filter(case_assist::Column::CaseId.eq(id))
            .exec(c)
            .await?;
        if !helpers.is_empty() {
            case_assist::Entity::insert_many(helpers.iter().map(|h| case_assist::ActiveModel {
                case_id: Set(id),
                department_id: Set(h.id),
            }))
            .exec_without_returning(c)
            .await?;
        }
    }
    let names = actor_names(c, u).await?;
    if let Some((original, late)) = supervision {
        let serial = notice_serial(c, u.org_unit_id, &names.0, now).await?;
        let dept = match cur.department_id {
            Some(d) => department::Entity::find_by_id(d)
                .one(c)
                .await?
                .map(|d| d.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let n = format!(
            "督办 {serial}：请于 {} 前办结并书面反馈",
            deadline
                .map(|d| d.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        );
        case_notice::ActiveModel {
            case_id: Set(id),
            kind: Set("supervision".into()),
            serial: Set(serial),
            issuing_unit_id: Set(u.org_unit_id),
            issuing_unit_name: Set(names.0.clone()),
            department_id: Set(cur.department_id),
            department_name: Set(dept),
            original_deadline: Set(original),
            new_deadline: Set(deadline),
            overdue_seconds: Set(late),
            note: Set(note.clone()),
            issued_by: Set(u.user_id),
            issued_at: Set(now),
            ..Default::default()
        }
        .insert(c)
        .await?;
        note = if note.is_empty() { n } else { format!("{n}；{note}") };
    }
    // A department acting shows its department; a center or reporter its unit.
    let names = if role == CaseRole::Department {
        names
    } else {
        (names.0, String::new())
    };
    case_event::Entity::insert(event(id, action.as_str(), Some(from), out.state, u, &names, note, now))
        .exec_without_returning(c)
        .await?;
    audit::append(
        c,
        db.backend,
        u,
        Event::ok(action.as_str(), "case", id).detail(format!(
            "{} {} → {}",
            cur.code,
            from.as_str(),
            out.state.as_str()
        )),
    )
    .await?;
    txn.commit().await?;
    get_case_unchecked(db, u, id).await
}

async fn get_case_unchecked(db: &Db, u: &Actor, id: i64) -> DbResult<CaseDetail> {
    let m = case_record::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    detail(db, u, m).await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The case this one duplicates; it stays open.
    pub into: i64,
    /// This case's version, when the caller has it.
    pub version: Option<i64>,
    pub note: Option<String>,
}

/// Closes a duplicate as merged into another open case; both timelines record it.
pub async fn merge(db: &Db, u: &Actor, id: i64, input: MergeInput) -> DbResult<CaseDetail> {
    if input.into == id {
        return Err(DbError::invalid("into", "不能并入自身"));
    }
    let txn = db.begin_write().await?;
    let c = &*txn;
    let cur = visible_case(c, u, id).await?;
    let target = visible_case(c, u, input.into)
        .await
        .map_err(|_| DbError::invalid("into", "目标事件不存在或不在您的数据范围内"))?;
    if input.version.is_some_and(|v| v != cur.version) {
        return Err(DbError::Conflict("事件已被他人处理，请刷新后重试".into()));
    }
    let f = facts(&cur);
    if f.state.is_terminal() || f.paused {
        return Err(DbError::Conflict(Refusal::NotInState.to_string()));
    }
    let target_state = state_of(&target);
    if !OPEN_STATES.contains(&target_state) {
        return Err(DbError::invalid(
            "into",
            format!("目标事件 {} 已办结，不能并入", target.code),
        ));
    }
    if !(u.can(Permission::CaseDispatch) && is_center(c, u, &cur).await?) {
        return Err(DbError::Forbidden(Refusal::NotForRole.to_string()));
    }
    let now = now();
    let late = cur.deadline_at.is_some_and(|d| d < now);
    let res = case_record::Entity::update_many()
        .col_expr(case_record::Column::State, Expr::val(CaseState::Closed.as_str()))
        .col_expr(case_record::Column::MergedIntoId, Expr::val(target.id))
        .col_expr(case_record::Column::Step, Expr::val(Option::<String>::None))
        .col_expr(
            case_record::Column::StepStartedAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            case_record::Column::DeadlineAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .col_expr(case_record::Column::ClosedAt, Expr::val(now))
        .col_expr(case_record::Column::Late, Expr::val(cur.late || late))
        .col_expr(case_record::Column::Version, Expr::val(cur.version + 1))
        .col_expr(case_record::Column::UpdatedAt, Expr::val(now))
        .filter(case_record::Column::Id.eq(id))
        .filter(case_record::Column::Version.eq(cur.version))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Err(DbError::Conflict("事件已被他人处理，请刷新后重试".into()));
    }
    case_record::Entity::update_many()
        .col_expr(
            case_record::Column::Version,
            sea_orm::sea_query::ExprTrait::add(Expr::col(case_record::Column::Version), 1),
        )
        .filter(case_record::Column::Id.eq(target.id))
        .exec(c)
        .await?;
    let names = actor_names(c, u).await?;
    let names = (names.0, String::new());
    let extra = text(&input.note).map(|n| format!("；{n}")).unwrap_or_default();
    case_event::Entity::insert(event(
        id,
        "merge",
        Some(f.state),
        CaseState::Closed,
        u,
        &names,
        format!("并入 {}{extra}", target.code),
        now,
    ))
    .exec_without_returning(c)
    .await?;
    case_event::Entity::insert(event(
        target.id,
        "merged_from",
        Some(target_state),
        target_state,
        u,
        &names,
        format!("{} 并入本案{extra}", cur.code),
        now,
    ))
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        db.backend,
        u,
        Event::ok("merge", "case", id).detail(format!("{} → {}", cur.code, target.code)),
    )
    .await?;
    txn.commit().await?;
    get_case_unchecked(db, u, id).await
}

// ---------- lists ----------

#[derive(Debug, Default, Clone)]
pub struct CaseFilter {
    pub state: Option<String>,
    pub item_code: Option<String>,
    pub org_unit_id: Option<i64>,
    pub department_code: Option<String>,
    pub overdue: Option<bool>,
    pub source: Option<String>,
    /// Report dates, China time, inclusive.
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

async fn filter_condition<C: ConnectionTrait>(c: &C, f: &CaseFilter, now: DateTime<Utc>) -> DbResult<Condition> {
    let mut cond = Condition::all();
    if let Some(s) = f.state.as_deref().filter(|s| !s.is_empty()) {
        let mut states = Vec::new();
        for name in s.split(',').map(str::trim) {
            let state = CaseState::parse(name).ok_or_else(|| DbError::invalid("state", format!("未知状态 {name}")))?;
            states.push(state.as_str());
        }
        cond = cond.add(case_record::Column::State.is_in(states));
    }
    if let Some(i) = f.item_code.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(case_record::Column::ItemCode.eq(i));
    }
    if let Some(s) = f.source.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(case_record::Column::Source.eq(s));
    }
    if let Some(u) = f.org_unit_id {
        let unit = org_unit::Entity::find_by_id(u)
            .one(c)
            .await?
            .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
        if unit.parent_id.is_some() {
            cond = cond.add(located_in(c, &Scope::Subtree { path: unit.path }).await?);
        }
    }
    if let Some(code) = f.department_code.as_deref().filter(|s| !s.is_empty()) {
        let d = department_by_code(c, code)
            .await?
            .ok_or_else(|| DbError::invalid("department_code", format!("成员单位 {code} 不存在")))?;
        cond = cond.add(case_record::Column::DepartmentId.eq(d.id));
    }
    if f.overdue == Some(true) {
        cond = cond
            .add(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
            .add(case_record::Column::Paused.eq(false))
            .add(case_record::Column::DeadlineAt.lt(now));
    }
    if let Some(d) = f.date_from {
        cond = cond.add(case_record::Column::ReportedAt.gte(cst_midnight(d)));
    }
    if let Some(d) = f.date_to {
        cond = cond.add(case_record::Column::ReportedAt.lt(cst_midnight(d + TimeDelta::days(1))));
    }
    Ok(cond)
}

pub async fn list(db: &Db, u: &Actor, f: &CaseFilter, p: PageReq) -> DbResult<Page<Case>> {
    let now = now();
    let q = case_record::Entity::find()
        .filter(visible(&db.conn, u).await?)
        .filter(filter_condition(&db.conn, f, now).await?);
    let (rows, total) = crate::page_of(db, q, |q| q.order_by_desc(case_record::Column::Id), p).await?;
    Ok(Page {
        items: views(db, rows).await?,
        total,
    })
}

/// The caller's to-do list: a center's reported, accepted, feedback and verified cases of its
/// units; a department's dispatched and handling cases; a reporter's cases waiting for a check.
pub async fn inbox(db: &Db, u: &Actor, p: PageReq) -> DbResult<Page<Case>> {
    let c = &db.conn;
    let mut any = Condition::any();
    let mut some = false;
    if (u.can(Permission::CaseDispatch) || u.can(Permission::CaseSupervise))
        && let Some(unit) = u.org_unit_id
        && let Some(m) = org_unit::Entity::find_by_id(unit).one(c).await?
    {
        // Cases are owned by centers (never by grids): the centers at or below the caller's unit.
        let mut owned = Condition::all().add(
            case_record::Column::State.is_in(
                [
                    CaseState::Reported,
                    CaseState::Accepted,
                    CaseState::Feedback,
                    CaseState::Verified,
                ]
                .map(CaseState::as_str),
            ),
        );
        if effective_scope(c, &Scope::Subtree { path: m.path.clone() }).await? != Scope::All {
            let centers: Vec<i64> = org_unit::Entity::find()
                .select_only()
                .column(org_unit::Column::Id)
                .filter(org_unit::Column::Path.starts_with(m.path.as_str()))
                .filter(org_unit::Column::Level.ne("grid"))
                .into_tuple()
                .all(c)
                .await?;
            owned = owned.add(case_record::Column::OwnerUnitId.is_in(centers));
        }
        any = any.add(owned);
        some = true;
    }
    if u.can(Permission::CaseHandle)
        && let Some(d) = u.department_id
    {
        any = any.add(Condition::all().add(case_record::Column::DepartmentId.eq(d)).add(
            case_record::Column::State.is_in([CaseState::Dispatched, CaseState::Handling].map(CaseState::as_str)),
        ));
        some = true;
    }
    if u.can(Permission::CaseReport)
        && let Some(uid) = u.user_id
    {
        any = any.add(
            Condition::all()
                .add(case_record::Column::ReporterUserId.eq(uid))
                .add(case_record::Column::State.eq(CaseState::Feedback.as_str())),
        );
        some = true;
    }
    if !some {
        return Ok(Page {
            items: vec![],
            total: 0,
        });
    }
    let q = case_record::Entity::find().filter(any).filter(visible(c, u).await?);
    let (rows, total) = crate::page_of(
        db,
        q,
        |q| {
            q.order_by_asc(case_record::Column::DeadlineAt)
                .order_by_asc(case_record::Column::Id)
        },
        p,
    )
    .await?;
    Ok(Page {
        items: views(db, rows).await?,
        total,
    })
}

// ---------- counts ----------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StateCount {
    pub state: String,
    pub state_name: String,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemCount {
    pub item_code: String,
    pub item_name: String,
    pub count: u64,
}

/// The evaluation figures (DOMAIN.md) of one department, or of everything.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Figures {
    pub reported: u64,
    pub dispatched: u64,
    /// Open cases past their deadline now.
    pub overdue: u64,
    pub reworked: u64,
    /// Closed, plus open cases already past their deadline.
    pub due_for_closure: u64,
    pub closed: u64,
    /// Closed without any step finished after its deadline.
    pub closed_on_time: u64,
    /// closed / due_for_closure, in percent with two decimals.
    pub closure_rate: f64,
    /// closed_on_time / due_for_closure, in percent.
    pub on_time_closure_rate: f64,
    /// reworked / due_for_closure, in percent.
    pub rework_rate: f64,
}

impl Figures {
    fn rates(&mut self) {
        let pct = |n: u64| {
            if self.due_for_closure == 0 {
                0.0
            } else {
                (n as f64 * 10000.0 / self.due_for_closure as f64).round() / 100.0
            }
        };
        self.closure_rate = pct(self.closed);
        self.on_time_closure_rate = pct(self.closed_on_time);
        self.rework_rate = pct(self.reworked);
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentCount {
    pub department_id: Option<i64>,
    pub department_code: Option<String>,
    pub department_name: Option<String>,
    pub count: u64,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseStats {
    pub total: u64,
    pub by_state: Vec<StateCount>,
    pub by_item: Vec<ItemCount>,
    pub by_department: Vec<DepartmentCount>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Default, Clone)]
pub struct StatsFilter {
    pub org_unit_id: Option<i64>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

/// Counts before names are attached: what both the SQL and the in-memory path produce.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub by_state: BTreeMap<String, u64>,
    pub by_item: BTreeMap<String, u64>,
    /// Per lead department (none: not routed): cases and figures.
    pub by_dept: BTreeMap<Option<i64>, (u64, Figures)>,
    pub all: Figures,
}

/// Counts by state, item and department with the evaluation figures, for the cases the caller
/// sees (in a unit and a range of report dates when asked): a scan of the in-memory copy of every
/// case, brought up to date first, so the answer is what [`stats_sql`] would give.
pub async fn stats(db: &Db, u: &Actor, f: &StatsFilter) -> DbResult<CaseStats> {
    let c = &db.conn;
    let now = now();
    let visible = match visibility(c, u).await? {
        None => None,
        Some(v) => {
            let assisted = match v.department {
                Some(d) => case_assist::Entity::find()
                    .select_only()
                    .column(case_assist::Column::CaseId)
                    .filter(case_assist::Column::DepartmentId.eq(d))
                    .into_tuple()
                    .all(c)
                    .await?
                    .into_iter()
                    .collect(),
                None => HashSet::new(),
            };
            Some(Visible {
                area: v.located.area(c).await?,
                reporter: v.reporter,
                department: v.department,
                assisted,
            })
        }
    };
    let area = match f.org_unit_id {
        Some(id) => {
            let unit = org_unit::Entity::find_by_id(id)
                .one(c)
                .await?
                .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
            if unit.parent_id.is_some() {
                located(c, &Scope::Subtree { path: unit.path }).await?.area(c).await?
            } else {
                Area::Everywhere
            }
        }
        None => Area::Everywhere,
    };
    let day = |d: NaiveDate| crate::stats::day_number(d);
    let q = Counted {
        visible,
        area,
        day_from: f.date_from.map(day),
        day_to: f.date_to.map(day),
    };
    match db.cases.counts.tally(db, &q, now).await? {
        Some(t) => named(c, t).await,
        None => stats_sql(db, u, f).await,
    }
}

/// Keeps the in-memory copy of every case current (`serve` warms it at start).
pub async fn warm_counts(db: &Db) -> DbResult<()> {
    db.cases.counts.warm(db).await
}

/// The counts of [`stats`] grouped in SQL: the reference the in-memory path is tested against,
/// and what answers when that copy cannot hold the cases.
pub async fn stats_sql(db: &Db, u: &Actor, f: &StatsFilter) -> DbResult<CaseStats> {
    let c = &db.conn;
    let now = now();
    let filter = CaseFilter {
        org_unit_id: f.org_unit_id,
        date_from: f.date_from,
        date_to: f.date_to,
        ..Default::default()
    };
    let cond = Condition::all()
        .add(visible(c, u).await?)
        .add(filter_condition(c, &filter, now).await?);
    // One pass over the covering index (state, department, item, late, rework).
    let rows: Vec<(String, Option<i64>, String, bool, i32, i64)> = case_record::Entity::find()
        .select_only()
        .columns([
            case_record::Column::State,
            case_record::Column::DepartmentId,
            case_record::Column::ItemCode,
            case_record::Column::Late,
            case_record::Column::ReworkCount,
        ])
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(cond.clone())
        .group_by(case_record::Column::State)
        .group_by(case_record::Column::DepartmentId)
        .group_by(case_record::Column::ItemCode)
        .group_by(case_record::Column::Late)
        .group_by(case_record::Column::ReworkCount)
        .into_tuple()
        .all(c)
        .await?;
    // Counted here, not with GROUP BY: the plan then stays on the covering (state, deadline) index.
    let overdue_rows: Vec<Option<i64>> = case_record::Entity::find()
        .select_only()
        .column(case_record::Column::DepartmentId)
        .filter(cond)
        .filter(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
        .filter(case_record::Column::Paused.eq(false))
        .filter(case_record::Column::DeadlineAt.lt(now))
        .into_tuple()
        .all(c)
        .await?;
    let mut overdue: BTreeMap<Option<i64>, i64> = BTreeMap::new();
    for d in overdue_rows {
        *overdue.entry(d).or_default() += 1;
    }
    let mut t = Tally::default();
    for (state, dept, item, late, rework, n) in rows {
        let n = n as u64;
        let known = CaseState::parse(&state);
        *t.by_state.entry(state.clone()).or_default() += n;
        *t.by_item.entry(item).or_default() += n;
        let (count, fig) = t.by_dept.entry(dept).or_default();
        *count += n;
        for x in [&mut *fig, &mut t.all] {
            x.reported += n;
            if known.is_some_and(|s| DISPATCHED_STATES.contains(&s)) {
                x.dispatched += n;
            }
            if rework > 0 {
                x.reworked += n;
            }
            if known == Some(CaseState::Closed) {
                x.closed += n;
                x.due_for_closure += n;
                if !late {
                    x.closed_on_time += n;
                }
            }
        }
    }
    for (dept, n) in overdue {
        let (_, fig) = t.by_dept.entry(dept).or_default();
        for x in [&mut *fig, &mut t.all] {
            x.overdue += n as u64;
            x.due_for_closure += n as u64;
        }
    }
    named(c, t).await
}

/// Rates, names of items and departments, and the order the page shows.
async fn named<C: ConnectionTrait>(c: &C, t: Tally) -> DbResult<CaseStats> {
    let Tally {
        by_state,
        by_item,
        by_dept,
        mut all,
    } = t;
    all.rates();
    let ids: Vec<i64> = by_dept.keys().flatten().copied().collect();
    let depts: HashMap<i64, (String, String)> = if ids.is_empty() {
        HashMap::new()
    } else {
        department::Entity::find()
            .select_only()
            .columns([
                department::Column::Id,
                department::Column::Code,
                department::Column::Name,
            ])
            .filter(department::Column::Id.is_in(ids))
            .into_tuple::<(i64, String, String)>()
            .all(c)
            .await?
            .into_iter()
            .map(|(i, c, n)| (i, (c, n)))
            .collect()
    };
    let items: HashMap<String, String> = case_item::Entity::find()
        .select_only()
        .columns([case_item::Column::Code, case_item::Column::Name])
        .into_tuple::<(String, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let total = all.reported;
    let mut by_department: Vec<DepartmentCount> = by_dept
        .into_iter()
        .map(|(id, (count, mut figures))| {
            figures.rates();
            let d = id.and_then(|i| depts.get(&i));
            DepartmentCount {
                department_id: id,
                department_code: d.map(|d| d.0.clone()),
                department_name: d.map(|d| d.1.clone()),
                count,
                figures,
            }
        })
        .collect();
    by_department.sort_by(|a, b| b.count.cmp(&a.count).then(a.department_code.cmp(&b.department_code)));
    let mut by_item: Vec<ItemCount> = by_item
        .into_iter()
        .map(|(code, count)| ItemCount {
            item_name: items.get(&code).cloned().unwrap_or_default(),
            item_code: code,
            count,
        })
        .collect();
    by_item.sort_by(|a, b| b.count.cmp(&a.count).then(a.item_code.cmp(&b.item_code)));
    Ok(CaseStats {
        total,
        by_state: CaseState::ALL
            .iter()
            .map(|s| StateCount {
                state: s.as_str().into(),
                state_name: s.zh().into(),
                count: by_state.get(s.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        by_item,
        by_department,
        figures: all,
    })
}

// ---------- photos ----------

pub const PHOTO_STAGES: [&str; 2] = ["report", "feedback"];

/// The case, if the caller may add a photo to it at this stage.
pub async fn photo_target(db: &Db, u: &Actor, case_id: i64, stage: &str) -> DbResult<case_record::Model> {
    if !PHOTO_STAGES.contains(&stage) {
        return Err(DbError::invalid("stage", "stage 须为 report 或 feedback"));
    }
    let m = visible_case(&db.conn, u, case_id).await?;
    if state_of(&m).is_terminal() {
        return Err(DbError::Conflict("事件已办结，不能再上传照片".into()));
    }
    let roles = roles_for(&db.conn, u, &m, None).await?;
    let ok = match stage {
        "feedback" => roles.contains(&CaseRole::Department) || roles.contains(&CaseRole::Center),
        _ => roles.contains(&CaseRole::Reporter) || roles.contains(&CaseRole::Center),
    };
    if !ok {
        return Err(DbError::Forbidden("无权为此事件上传该阶段的照片".into()));
    }
    Ok(m)
}

pub struct NewPhoto {
    pub stage: String,
    pub content_type: String,
    pub size: i64,
    pub object_key: String,
    pub thumb_key: Option<String>,
}

pub async fn add_photo(db: &Db, u: &Actor, case_id: i64, p: NewPhoto) -> DbResult<Photo> {
    let txn = db.begin_write().await?;
    let c = &*txn;
    let cur = visible_case(c, u, case_id).await?;
    let now = now();
    let m = case_photo::ActiveModel {
        case_id: Set(case_id),
        stage: Set(p.stage.clone()),
        content_type: Set(p.content_type),
        size: Set(p.size),
        object_key: Set(p.object_key),
        thumb_key: Set(p.thumb_key),
        uploaded_by: Set(u.user_id),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?;
    let names = actor_names(c, u).await?;
    let stage = if p.stage == "feedback" {
        "处置照片"
    } else {
        "上报照片"
    };
    case_event::Entity::insert(event(
        case_id,
        "photo",
        Some(state_of(&cur)),
        state_of(&cur),
        u,
        &names,
        stage.into(),
        now,
    ))
    .exec_without_returning(c)
    .await?;
    audit::append(
        c,
        db.backend,
        u,
        Event::ok("upload_photo", "case", case_id).detail(format!("{} #{}", cur.code, m.id)),
    )
    .await?;
    txn.commit().await?;
    Ok(photo_view(case_id, m))
}

pub async fn get_photo(db: &Db, u: &Actor, case_id: i64, photo_id: i64) -> DbResult<case_photo::Model> {
    visible_case(&db.conn, u, case_id).await?;
    case_photo::Entity::find_by_id(photo_id)
        .filter(case_photo::Column::CaseId.eq(case_id))
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)
}

// ---------- public requests (Open311) ----------

/// Channels whose cases the public may read back; cases from grid workers and hotlines stay internal.
pub const PUBLIC_SOURCES: [&str; 2] = ["open311", "portal"];

#[derive(Debug, Default, Clone)]
pub struct PublicFilter {
    pub codes: Vec<String>,
    pub item_code: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Some(true): open only; Some(false): closed only.
    pub open: Option<bool>,
    pub limit: u64,
}

pub async fn public_cases(db: &Db, f: &PublicFilter) -> DbResult<Vec<Case>> {
    let mut q = case_record::Entity::find().filter(case_record::Column::Source.is_in(PUBLIC_SOURCES));
    if !f.codes.is_empty() {
        q = q.filter(case_record::Column::Code.is_in(f.codes.clone()));
    } else {
        if let Some(i) = &f.item_code {
            q = q.filter(case_record::Column::ItemCode.eq(i.as_str()));
        }
        if let Some(t) = f.from {
            q = q.filter(case_record::Column::ReportedAt.gte(t));
        }
        if let Some(t) = f.to {
            q = q.filter(case_record::Column::ReportedAt.lte(t));
        }
    }
    match f.open {
        Some(true) => q = q.filter(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str))),
        Some(false) => q = q.filter(case_record::Column::State.is_not_in(OPEN_STATES.map(CaseState::as_str))),
        None => {}
    }
    let rows = q
        .order_by_desc(case_record::Column::Id)
        .limit(f.limit.max(1))
        .all(&db.conn)
        .await?;
    views(db, rows).await
}

/// The case code behind an Open311 token.
pub async fn code_for_token(db: &Db, token: &str) -> DbResult<Option<String>> {
    Ok(case_record::Entity::find()
        .select_only()
        .column(case_record::Column::Code)
        .filter(case_record::Column::Open311Token.eq(token))
        .into_tuple()
        .one(&db.conn)
        .await?)
}

// ---------- overdue job ----------

/// Raises one alert per case and step whose deadline passed: safe to run any time, any number of
/// times (the unique key and NOT EXISTS skip what was raised before). Returns how many were raised.
pub async fn raise_overdue_alerts(db: &Db, now: DateTime<Utc>) -> DbResult<u64> {
    let txn = db.begin_write().await?;
    let raised = Query::select()
        .expr(Expr::val(1))
        .from(case_alert::Entity)
        .and_where(sea_orm::sea_query::ExprTrait::equals(
            Expr::col((case_alert::Entity, case_alert::Column::CaseId)),
            (case_record::Entity, case_record::Column::Id),
        ))
        .and_where(sea_orm::sea_query::ExprTrait::equals(
            Expr::col((case_alert::Entity, case_alert::Column::Step)),
            (case_record::Entity, case_record::Column::Step),
        ))
        .to_owned();
    let select = Query::select()
        .column((case_record::Entity, case_record::Column::Id))
        .column((case_record::Entity, case_record::Column::Step))
        .column((case_record::Entity, case_record::Column::DeadlineAt))
        .expr(Expr::val(now))
        .from(case_record::Entity)
        .and_where(case_record::Column::State.is_in(OPEN_STATES.map(CaseState::as_str)))
        .and_where(case_record::Column::Paused.eq(false))
        .and_where(case_record::Column::Step.is_not_null())
        .and_where(case_record::Column::DeadlineAt.lt(now))
        .and_where(Expr::not_exists(raised))
        .to_owned();
    let insert = Query::insert()
        .into_table(case_alert::Entity)
        .columns([
            case_alert::Column::CaseId,
            case_alert::Column::Step,
            case_alert::Column::DeadlineAt,
            case_alert::Column::RaisedAt,
        ])
        .select_from(select)
        .map_err(|e| DbError::Db(sea_orm::DbErr::Custom(e.to_string())))?
        .to_owned();
    let n = txn.execute(&insert).await?.rows_affected();
    if n > 0 {
        audit::append(
            &*txn,
            db.backend,
            &Actor::system("overdue-job"),
            Event::ok("raise_alerts", "case_alert", n).detail(format!("新增超期预警 {n} 条")),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(n)
}

/// Refreshes the query planner's statistics of the case table, so inbox and list filters keep
/// choosing their indexes as the table grows (a sampled ANALYZE misjudges the skewed state column,
/// so it is a full one: about 1.5 s for a million cases on SQLite).
/// On PostgreSQL a VACUUM also marks the pages all-visible, so the counts read the covering index
/// alone (after a bulk load, before autovacuum comes round, they would visit every row).
pub async fn refresh_planner_stats(db: &Db) -> DbResult<()> {
    match db.backend {
        // VACUUM may not run inside a transaction.
        Backend::Postgres => {
            db.conn.execute_unprepared("VACUUM (ANALYZE) case_record").await?;
            Ok(())
        }
        Backend::Sqlite => {
            let txn = db.begin_write().await?;
            txn.execute_unprepared("ANALYZE case_record").await?;
            txn.commit().await
        }
    }
}

/// Counts of alerts, for the job's log line and tests.
pub async fn alert_count(db: &Db) -> DbResult<u64> {
    Ok(case_alert::Entity::find().count(&db.conn).await?)
}
