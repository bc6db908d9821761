//! Organisation: org units (district → subdistrict → community → grid), grid workers,
//! member departments and staff. Every query takes the caller's data scope.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::mask;
use zongguan_core::rbac::Scope;

use crate::audit::{self, Event};
use crate::entity::{app_user, department, grid_assignment, org_unit, staff};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, page_of, scope};

pub const LEVELS: [&str; 4] = ["district", "subdistrict", "community", "grid"];

/// An org unit: a governance center's area or a grid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgUnit {
    pub id: i64,
    /// district | subdistrict | community | grid
    pub level: String,
    /// 12-digit statistical division code; grids append a 2-digit sequence to their community's code.
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    /// For residents' committees: the 社区 they belong to (statistics group by it).
    pub community_name: Option<String>,
    pub sort: i32,
    /// GeoJSON Polygon or MultiPolygon (WGS-84).
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
    /// After a grid's shape was saved: the run that re-assigns buildings to grids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regrid_run_id: Option<i64>,
}

impl From<org_unit::Model> for OrgUnit {
    fn from(m: org_unit::Model) -> Self {
        Self {
            id: m.id,
            level: m.level,
            code: m.code,
            name: m.name,
            parent_id: m.parent_id,
            community_name: m.community_name,
            sort: m.sort,
            geometry: m.geometry.and_then(|g| serde_json::from_str(&g).ok()),
            regrid_run_id: None,
        }
    }
}

/// A node of the org tree, for the UI.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgUnitNode {
    pub id: i64,
    pub level: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    #[schema(no_recursion)]
    pub children: Vec<OrgUnitNode>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrgUnit {
    pub level: String,
    pub code: String,
    pub name: String,
    pub parent_id: Option<i64>,
    pub community_name: Option<String>,
    pub sort: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgUnitUpdate {
    pub name: Option<String>,
    pub code: Option<String>,
    pub community_name: Option<String>,
    pub sort: Option<i32>,
    #[schema(value_type = Option<Object>)]
    pub geometry: Option<serde_json::Value>,
}

#[derive(Debug, Default, Clone)]
pub struct OrgUnitFilter {
    pub parent_id: Option<i64>,
    pub level: Option<String>,
    pub q: Option<String>,
}

fn text_field(field: &str, label: &str, v: &str, max: usize) -> DbResult<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(DbError::invalid(field, format!("{label}不能为空")));
    }
    if v.chars().count() > max {
        return Err(DbError::invalid(field, format!("{label}不能超过 {max} 个字符")));
    }
    Ok(v.to_string())
}

fn check_geometry(g: &serde_json::Value) -> DbResult<String> {
    let t = g.get("type").and_then(|t| t.as_str()).unwrap_or("");
    let ok = matches!(t, "Polygon" | "MultiPolygon") && g.get("coordinates").is_some_and(|c| c.is_array());
    if !ok {
        return Err(DbError::invalid(
            "geometry",
            "范围须为 GeoJSON 的 Polygon 或 MultiPolygon",
        ));
    }
    Ok(g.to_string())
}

fn level_label(level: &str) -> &'static str {
    match level {
        "district" => "区",
        "subdistrict" => "街道",
        "community" => "社区",
        _ => "网格",
    }
}

/// A unit's shape must lie within its parent's and overlap no sibling by more than a sliver
/// (422 naming the parent or the sibling; nothing is saved).
async fn check_fit<C: ConnectionTrait>(
    c: &C,
    id: Option<i64>,
    level: &str,
    parent: Option<&org_unit::Model>,
    geometry: &serde_json::Value,
) -> DbResult<()> {
    use zongguan_core::geometry::{self, Misfit};
    let shape = geometry::from_geojson(geometry)
        .ok_or_else(|| DbError::invalid("geometry", "范围须为 GeoJSON 的 Polygon 或 MultiPolygon"))?;
    let Some(parent) = parent else {
        return geometry::check_fit(&shape, None, &[]).map_err(|m| match m {
            Misfit::Invalid(msg) => DbError::invalid("geometry", msg),
            _ => DbError::invalid("geometry", "范围无效"),
        });
    };
    let parent_shape = parent
        .geometry
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok())
        .and_then(|v: serde_json::Value| geometry::from_geojson(&v));
    let mut q = org_unit::Entity::find()
        .filter(org_unit::Column::ParentId.eq(parent.id))
        .filter(org_unit::Column::Geometry.is_not_null());
    if let Some(id) = id {
        q = q.filter(org_unit::Column::Id.ne(id));
    }
    let siblings: Vec<(org_unit::Model, geo::MultiPolygon<f64>)> = q
        .all(c)
        .await?
        .into_iter()
        .filter_map(|m| {
            let v: serde_json::Value = serde_json::from_str(m.geometry.as_deref()?).ok()?;
            let g = geometry::from_geojson(&v)?;
            Some((m, g))
        })
        .collect();
    let refs: Vec<&geo::MultiPolygon<f64>> = siblings.iter().map(|s| &s.1).collect();
    let label = level_label(level);
    geometry::check_fit(&shape, parent_shape.as_ref(), &refs).map_err(|m| match m {
        Misfit::Invalid(msg) => DbError::invalid("geometry", msg),
        Misfit::LeavesParent { area_m2 } => DbError::invalid(
            "geometry",
            format!(
                "{label}范围超出所属{}「{}」约 {area_m2:.0} 平方米，请调整边界",
                level_label(&parent.level),
                parent.name
            ),
        ),
        Misfit::Overlaps { sibling, area_m2 } => {
            let s = &siblings[sibling].0;
            DbError::invalid(
                "geometry",
                format!(
                    "{label}范围与{label}「{}」（{}）重叠约 {area_m2:.0} 平方米，请调整边界",
                    s.name, s.code
                ),
            )
        }
    })
}

/// The code a child must have under its parent: the level's digit count and the parent's prefix.
fn check_code(level: &str, code: &str, parent: Option<&org_unit::Model>) -> DbResult<()> {
    let digits = code.chars().all(|c| c.is_ascii_digit());
    let (len, prefix) = match level {
        "district" => (12, 6),
        "subdistrict" => (12, 6),
        "community" => (12, 9),
        _ => (14, 12),
    };
    if !digits || code.len() != len {
        return Err(DbError::invalid("code", format!("编码须为 {len} 位数字")));
    }
    if let Some(p) = parent
        && !code.starts_with(&p.code[..prefix])
    {
        return Err(DbError::invalid(
            "code",
            format!("编码须以上级编码的前 {prefix} 位 {} 开头", &p.code[..prefix]),
        ));
    }
    Ok(())
}

async fn visible_unit<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<org_unit::Model> {
    org_unit::Entity::find_by_id(id)
        .filter(scope::org_units(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn list_units(db: &Db, scope: &Scope, f: &OrgUnitFilter, p: PageReq) -> DbResult<Page<OrgUnit>> {
    let mut q = org_unit::Entity::find().filter(scope::org_units(scope));
    if let Some(pid) = f.parent_id {
        q = q.filter(org_unit::Column::ParentId.eq(pid));
    }
    if let Some(l) = f.level.as_deref() {
        if !LEVELS.contains(&l) {
            return Err(DbError::invalid(
                "level",
                "层级须为 district、subdistrict、community 或 grid",
            ));
        }
        q = q.filter(org_unit::Column::Level.eq(l));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(org_unit::Column::Name.contains(t))
                .add(org_unit::Column::Code.starts_with(t)),
        );
    }
    let (items, total) = page_of(
        db,
        q,
        |q| {
            q.order_by_asc(org_unit::Column::Sort)
                .order_by_asc(org_unit::Column::Code)
        },
        p,
    )
    .await?;
    Ok(Page {
        items: items.into_iter().map(OrgUnit::from).collect(),
        total,
    })
}

pub async fn get_unit(db: &Db, scope: &Scope, id: i64) -> DbResult<OrgUnit> {
    Ok(visible_unit(&db.conn, scope, id).await?.into())
}

/// The visible part of the tree; a unit whose parent is out of scope becomes a root.
pub async fn tree(db: &Db, scope: &Scope) -> DbResult<Vec<OrgUnitNode>> {
    let rows: Vec<(i64, String, String, String, Option<i64>)> = org_unit::Entity::find()
        .select_only()
        .columns([
            org_unit::Column::Id,
            org_unit::Column::Level,
            org_unit::Column::Code,
            org_unit::Column::Name,
            org_unit::Column::ParentId,
        ])
        .filter(scope::org_units(scope))
        .order_by_asc(org_unit::Column::Sort)
        .order_by_asc(org_unit::Column::Code)
        .into_tuple()
        .all(&db.conn)
        .await?;
    let ids: std::collections::HashSet<i64> = rows.iter().map(|r| r.0).collect();
    let mut children: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let parent = r.4.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(i);
    }
    fn build(
        i: usize,
        rows: &[(i64, String, String, String, Option<i64>)],
        ch: &HashMap<Option<i64>, Vec<usize>>,
    ) -> OrgUnitNode {
        let r = &rows[i];
        OrgUnitNode {
            id: r.0,
            level: r.1.clone(),
            code: r.2.clone(),
            name: r.3.clone(),
            parent_id: r.4,
            children: ch
                .get(&Some(r.0))
                .map(|v| v.iter().map(|&j| build(j, rows, ch)).collect())
                .unwrap_or_default(),
        }
    }
    Ok(children
        .get(&None)
        .map(|v| v.iter().map(|&i| build(i, &rows, &children)).collect())
        .unwrap_or_default())
}

pub async fn create_unit(db: &Db, actor: &Actor, n: NewOrgUnit) -> DbResult<OrgUnit> {
    let level_idx = LEVELS
        .iter()
        .position(|l| *l == n.level)
        .ok_or_else(|| DbError::invalid("level", "层级须为 district、subdistrict、community 或 grid"))?;
    let name = text_field("name", "名称", &n.name, 100)?;
    let code = n.code.trim().to_string();
    let geometry = n.geometry.as_ref().map(check_geometry).transpose()?;
    let txn = db.begin_write().await?;
    let parent = match n.parent_id {
        Some(pid) => Some(
            visible_unit(&*txn, &actor.scope, pid)
                .await
                .map_err(|_| DbError::invalid("parent_id", "上级单位不存在"))?,
        ),
        None => None,
    };
    match (&parent, level_idx) {
        (None, 0) if actor.scope == Scope::All => {}
        (None, _) => return Err(DbError::invalid("parent_id", "须选择上级单位")),
        (Some(p), i) => {
            let pi = LEVELS.iter().position(|l| *l == p.level).unwrap_or(0);
            if pi + 1 != i {
                return Err(DbError::invalid(
                    "level",
                    format!("{} 的下级只能是 {}", p.name, LEVELS.get(pi + 1).unwrap_or(&"无")),
                ));
            }
        }
    }
    check_code(&n.level, &code, parent.as_ref())?;
    if let Some(g) = &n.geometry {
        check_fit(&*txn, None, &n.level, parent.as_ref(), g).await?;
    }
    let now = Utc::now();
    let m = org_unit::ActiveModel {
        level: Set(n.level.clone()),
        code: Set(code.clone()),
        name: Set(name),
        parent_id: Set(n.parent_id),
        path: Set(String::new()),
        community_name: Set(n.community_name.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())),
        sort: Set(n.sort.unwrap_or(0)),
        geometry: Set(geometry),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique(&format!("编码 {code} 已存在")))?;
    let path = format!("{}{}/", parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/"), m.id);
    let mut am: org_unit::ActiveModel = m.into();
    am.path = Set(path);
    let m = am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "org_unit", m.id).detail(format!("{} {}", m.code, m.name)),
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

pub async fn update_unit(db: &Db, actor: &Actor, id: i64, u: OrgUnitUpdate) -> DbResult<OrgUnit> {
    let txn = db.begin_write().await?;
    let cur = visible_unit(&*txn, &actor.scope, id).await?;
    let mut am: org_unit::ActiveModel = cur.clone().into();
    if let Some(n) = u.name {
        am.name = Set(text_field("name", "名称", &n, 100)?);
    }
    if let Some(c) = u.code {
        let c = c.trim().to_string();
        let parent = match cur.parent_id {
            Some(p) => org_unit::Entity::find_by_id(p).one(&*txn).await?,
            None => None,
        };
        check_code(&cur.level, &c, parent.as_ref())?;
        am.code = Set(c);
    }
    if let Some(c) = u.community_name {
        am.community_name = Set(Some(c.trim().to_string()).filter(|s| !s.is_empty()));
    }
    if let Some(s) = u.sort {
        am.sort = Set(s);
    }
    if let Some(g) = u.geometry {
        am.geometry = Set(if g.is_null() {
            None
        } else {
            let parent = match cur.parent_id {
                Some(p) => org_unit::Entity::find_by_id(p).one(&*txn).await?,
                None => None,
            };
            let checked = check_geometry(&g)?;
            check_fit(&*txn, Some(id), &cur.level, parent.as_ref(), &g).await?;
            Some(checked)
        });
    }
    am.updated_at = Set(Utc::now());
    let m = am
        .update(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique("编码已存在"))?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("update", "org_unit", id).detail(format!("{} {}", m.code, m.name)),
    )
    .await?;
    txn.commit().await?;
    Ok(m.into())
}

pub async fn delete_unit(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = visible_unit(&*txn, &actor.scope, id).await?;
    let c = &*txn;
    let used = org_unit::Entity::find()
        .filter(org_unit::Column::ParentId.eq(id))
        .count(c)
        .await?
        + department::Entity::find()
            .filter(department::Column::OrgUnitId.eq(id))
            .count(c)
            .await?
        + staff::Entity::find()
            .filter(staff::Column::OrgUnitId.eq(id))
            .count(c)
            .await?
        + app_user::Entity::find()
            .filter(app_user::Column::OrgUnitId.eq(id))
            .count(c)
            .await?;
    if used > 0 {
        return Err(DbError::Conflict(format!(
            "{} 下还有下级单位、成员单位、人员或用户，不能删除",
            cur.name
        )));
    }
    grid_assignment::Entity::delete_many()
        .filter(grid_assignment::Column::GridId.eq(id))
        .exec(c)
        .await?;
    org_unit::Entity::delete_by_id(id).exec(c).await?;
    audit::append(
        c,
        db.backend,
        actor,
        Event::ok("delete", "org_unit", id).detail(format!("{} {}", cur.code, cur.name)),
    )
    .await?;
    txn.commit().await
}

pub async fn unit_names<C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = i64>,
) -> DbResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Id, org_unit::Column::Name])
        .filter(org_unit::Column::Id.is_in(ids))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}

pub async fn department_names<C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = i64>,
) -> DbResult<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = department::Entity::find()
        .select_only()
        .columns([department::Column::Id, department::Column::Name])
        .filter(department::Column::Id.is_in(ids))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}

// ---------- grid workers ----------

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridWorkers {
    pub staff_ids: Vec<i64>,
}

pub async fn grid_workers(db: &Db, scope: &Scope, grid_id: i64) -> DbResult<Vec<Staff>> {
    let g = visible_unit(&db.conn, scope, grid_id).await?;
    if g.level != "grid" {
        return Err(DbError::invalid("id", "只有网格可以指派网格员"));
    }
    let ids: Vec<i64> = grid_assignment::Entity::find()
        .select_only()
        .column(grid_assignment::Column::StaffId)
        .filter(grid_assignment::Column::GridId.eq(grid_id))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let rows = staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .order_by_asc(staff::Column::Id)
        .all(&db.conn)
        .await?;
    staff_views(db, rows).await
}

/// Replaces the grid's workers; each must be staff of the grid's community (or its grids).
pub async fn set_grid_workers(db: &Db, actor: &Actor, grid_id: i64, w: GridWorkers) -> DbResult<Vec<Staff>> {
    let txn = db.begin_write().await?;
    let g = visible_unit(&*txn, &actor.scope, grid_id).await?;
    if g.level != "grid" {
        return Err(DbError::invalid("id", "只有网格可以指派网格员"));
    }
    let community = org_unit::Entity::find_by_id(g.parent_id.unwrap_or(0))
        .one(&*txn)
        .await?
        .ok_or(DbError::NotFound)?;
    for sid in &w.staff_ids {
        let s = staff::Entity::find_by_id(*sid).one(&*txn).await?;
        let ok = match &s {
            Some(s) => s.org_unit_id == community.id || s.org_unit_id == g.id,
            None => false,
        };
        if !ok {
            return Err(DbError::invalid(
                "staff_ids",
                format!("人员 {sid} 不属于 {}", community.name),
            ));
        }
    }
    grid_assignment::Entity::delete_many()
        .filter(grid_assignment::Column::GridId.eq(grid_id))
        .exec(&*txn)
        .await?;
    let mut ids = w.staff_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        grid_assignment::Entity::insert_many(ids.iter().map(|s| grid_assignment::ActiveModel {
            grid_id: Set(grid_id),
            staff_id: Set(*s),
        }))
        .exec_without_returning(&*txn)
        .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("assign_grid_workers", "org_unit", grid_id).detail(format!("{ids:?}")),
    )
    .await?;
    txn.commit().await?;
    grid_workers(db, &Scope::All, grid_id).await
}

// ---------- departments ----------

/// A member department (成员单位) of a center.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Department {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub duties: String,
    pub phone: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
    pub org_unit_id: i64,
    pub duties: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentUpdate {
    pub code: Option<String>,
    pub name: Option<String>,
    pub duties: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct SimpleFilter {
    pub org_unit_id: Option<i64>,
    pub q: Option<String>,
}

async fn department_views(db: &Db, rows: Vec<department::Model>) -> DbResult<Vec<Department>> {
    let names = unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| Department {
            org_unit_name: names.get(&r.org_unit_id).cloned().unwrap_or_default(),
            id: r.id,
            code: r.code,
            name: r.name,
            org_unit_id: r.org_unit_id,
            duties: r.duties,
            phone: r.phone,
        })
        .collect())
}

fn dept_scope(scope: &Scope) -> sea_orm::Condition {
    scope::unit_column(
        scope,
        department::Column::OrgUnitId,
        Some(department::Column::CreatedBy),
    )
}

pub async fn list_departments(db: &Db, scope: &Scope, f: &SimpleFilter, p: PageReq) -> DbResult<Page<Department>> {
    let mut q = department::Entity::find().filter(dept_scope(scope));
    if let Some(u) = f.org_unit_id {
        q = q.filter(department::Column::OrgUnitId.eq(u));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(department::Column::Name.contains(t))
                .add(department::Column::Code.contains(t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(department::Column::Code), p).await?;
    Ok(Page {
        items: department_views(db, rows).await?,
        total,
    })
}

async fn visible_department<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<department::Model> {
    department::Entity::find_by_id(id)
        .filter(dept_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn get_department(db: &Db, scope: &Scope, id: i64) -> DbResult<Department> {
    let m = visible_department(&db.conn, scope, id).await?;
    Ok(department_views(db, vec![m]).await?.remove(0))
}

pub async fn create_department(db: &Db, actor: &Actor, n: NewDepartment) -> DbResult<Department> {
    let code = text_field("code", "编码", &n.code, 32)?;
    let name = text_field("name", "名称", &n.name, 100)?;
    let txn = db.begin_write().await?;
    let unit = visible_unit(&*txn, &actor.scope, n.org_unit_id)
        .await
        .map_err(|_| DbError::invalid("org_unit_id", "所属中心不存在"))?;
    if unit.level == "grid" {
        return Err(DbError::invalid("org_unit_id", "成员单位须隶属于区、街道或社区中心"));
    }
    let now = Utc::now();
    let m = department::ActiveModel {
        code: Set(code.clone()),
        name: Set(name),
        org_unit_id: Set(unit.id),
        duties: Set(n.duties.unwrap_or_default()),
        phone: Set(n.phone.unwrap_or_default()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique(&format!("编码 {code} 已存在")))?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "department", m.id).detail(m.name.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(department_views(db, vec![m]).await?.remove(0))
}

pub async fn update_department(db: &Db, actor: &Actor, id: i64, u: DepartmentUpdate) -> DbResult<Department> {
    let txn = db.begin_write().await?;
    let cur = visible_department(&*txn, &actor.scope, id).await?;
    let mut am: department::ActiveModel = cur.into();
    if let Some(c) = u.code {
        am.code = Set(text_field("code", "编码", &c, 32)?);
    }
    if let Some(n) = u.name {
        am.name = Set(text_field("name", "名称", &n, 100)?);
    }
    if let Some(d) = u.duties {
        am.duties = Set(d);
    }
    if let Some(p) = u.phone {
        am.phone = Set(p);
    }
    am.updated_at = Set(Utc::now());
    let m = am
        .update(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique("编码已存在"))?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "department", id)).await?;
    txn.commit().await?;
    Ok(department_views(db, vec![m]).await?.remove(0))
}

pub async fn delete_department(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = visible_department(&*txn, &actor.scope, id).await?;
    let used = staff::Entity::find()
        .filter(staff::Column::DepartmentId.eq(id))
        .count(&*txn)
        .await?
        + app_user::Entity::find()
            .filter(app_user::Column::DepartmentId.eq(id))
            .count(&*txn)
            .await?;
    if used > 0 {
        return Err(DbError::Conflict(format!("{} 还有人员或用户，不能删除", cur.name)));
    }
    department::Entity::delete_by_id(id).exec(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("delete", "department", id).detail(cur.name),
    )
    .await?;
    txn.commit().await
}

// ---------- staff ----------

/// A person working in a center or department. `phone` is masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    /// male | female
    pub gender: String,
    pub phone: Option<String>,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub post: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub grid_ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    pub name: String,
    pub gender: String,
    pub phone: Option<String>,
    pub org_unit_id: i64,
    pub department_id: Option<i64>,
    pub post: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffUpdate {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub phone: Option<String>,
    pub department_id: Option<i64>,
    pub post: Option<String>,
}

/// Mainland mobile (1[3-9] + 9 digits) or a landline of digits and dashes.
pub fn check_phone(p: &str) -> DbResult<String> {
    let p = p.trim().replace(' ', "");
    let mobile = p.len() == 11
        && p.starts_with('1')
        && p.as_bytes()[1].is_ascii_digit()
        && p.as_bytes()[1] >= b'3'
        && p.chars().all(|c| c.is_ascii_digit());
    let landline =
        (7..=20).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit() || c == '-') && !p.starts_with('1');
    if mobile || landline {
        Ok(p)
    } else {
        Err(DbError::invalid(
            "phone",
            "电话号码格式不正确（手机 11 位，或座机号码）",
        ))
    }
}

fn check_gender(g: &str) -> DbResult<String> {
    match g {
        "male" | "female" => Ok(g.into()),
        _ => Err(DbError::invalid("gender", "性别须为 male（男）或 female（女）")),
    }
}

fn staff_scope(scope: &Scope) -> sea_orm::Condition {
    scope::unit_column(scope, staff::Column::OrgUnitId, Some(staff::Column::CreatedBy))
}

pub(crate) async fn staff_views(db: &Db, rows: Vec<staff::Model>) -> DbResult<Vec<Staff>> {
    let units = unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    let depts = department_names(&db.conn, rows.iter().filter_map(|r| r.department_id)).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let users: Vec<(i64, String, Option<i64>)> = app_user::Entity::find()
        .select_only()
        .columns([
            app_user::Column::Id,
            app_user::Column::Username,
            app_user::Column::StaffId,
        ])
        .filter(app_user::Column::StaffId.is_in(ids.clone()))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let grids: Vec<(i64, i64)> = grid_assignment::Entity::find()
        .select_only()
        .columns([grid_assignment::Column::StaffId, grid_assignment::Column::GridId])
        .filter(grid_assignment::Column::StaffId.is_in(ids))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let user = users.iter().find(|u| u.2 == Some(r.id));
            Staff {
                phone: r
                    .phone_enc
                    .as_deref()
                    .and_then(|e| db.cipher.decrypt(e).ok())
                    .map(|p| mask::phone(&p)),
                org_unit_name: units.get(&r.org_unit_id).cloned().unwrap_or_default(),
                department_name: r.department_id.and_then(|d| depts.get(&d).cloned()),
                user_id: user.map(|u| u.0),
                username: user.map(|u| u.1.clone()),
                grid_ids: grids.iter().filter(|g| g.0 == r.id).map(|g| g.1).collect(),
                id: r.id,
                name: r.name,
                gender: r.gender,
                org_unit_id: r.org_unit_id,
                department_id: r.department_id,
                post: r.post,
            }
        })
        .collect())
}

pub async fn list_staff(db: &Db, scope: &Scope, f: &SimpleFilter, p: PageReq) -> DbResult<Page<Staff>> {
    let mut q = staff::Entity::find().filter(staff_scope(scope));
    if let Some(u) = f.org_unit_id {
        q = q.filter(staff::Column::OrgUnitId.eq(u));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            sea_orm::Condition::any()
                .add(staff::Column::Name.contains(t))
                .add(staff::Column::Post.contains(t)),
        );
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(staff::Column::Id), p).await?;
    Ok(Page {
        items: staff_views(db, rows).await?,
        total,
    })
}

async fn visible_staff<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<staff::Model> {
    staff::Entity::find_by_id(id)
        .filter(staff_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn get_staff(db: &Db, scope: &Scope, id: i64) -> DbResult<Staff> {
    let m = visible_staff(&db.conn, scope, id).await?;
    Ok(staff_views(db, vec![m]).await?.remove(0))
}

/// Checks that a department may be chosen for a person of this org unit.
async fn check_department<C: ConnectionTrait>(c: &C, scope: &Scope, dept: Option<i64>) -> DbResult<()> {
    if let Some(d) = dept {
        visible_department(c, scope, d)
            .await
            .map_err(|_| DbError::invalid("department_id", "成员单位不存在"))?;
    }
    Ok(())
}

pub(crate) async fn insert_staff<C: ConnectionTrait>(
    c: &C,
    db: &Db,
    actor: &Actor,
    n: NewStaff,
) -> DbResult<staff::Model> {
    let name = text_field("name", "姓名", &n.name, 50)?;
    let gender = check_gender(&n.gender)?;
    let phone = n
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(check_phone)
        .transpose()?;
    visible_unit(c, &actor.scope, n.org_unit_id)
        .await
        .map_err(|_| DbError::invalid("org_unit_id", "所属单位不存在"))?;
    check_department(c, &actor.scope, n.department_id).await?;
    let now = Utc::now();
    Ok(staff::ActiveModel {
        name: Set(name),
        gender: Set(gender),
        phone_hash: Set(phone.as_deref().map(|p| db.cipher.keyed_hash(p))),
        phone_enc: Set(phone.as_deref().map(|p| db.cipher.encrypt(p))),
        org_unit_id: Set(n.org_unit_id),
        department_id: Set(n.department_id),
        post: Set(n.post.unwrap_or_default().trim().to_string()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(c)
    .await?)
}

pub async fn create_staff(db: &Db, actor: &Actor, n: NewStaff) -> DbResult<Staff> {
    let txn = db.begin_write().await?;
    let m = insert_staff(&*txn, db, actor, n).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "staff", m.id).detail(m.name.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(staff_views(db, vec![m]).await?.remove(0))
}

pub async fn update_staff(db: &Db, actor: &Actor, id: i64, u: StaffUpdate) -> DbResult<Staff> {
    let txn = db.begin_write().await?;
    let cur = visible_staff(&*txn, &actor.scope, id).await?;
    let mut am: staff::ActiveModel = cur.into();
    if let Some(n) = u.name {
        am.name = Set(text_field("name", "姓名", &n, 50)?);
    }
    if let Some(g) = u.gender {
        am.gender = Set(check_gender(&g)?);
    }
    if let Some(p) = u.phone {
        let p = Some(p)
            .filter(|p| !p.trim().is_empty())
            .as_deref()
            .map(check_phone)
            .transpose()?;
        am.phone_hash = Set(p.as_deref().map(|p| db.cipher.keyed_hash(p)));
        am.phone_enc = Set(p.as_deref().map(|p| db.cipher.encrypt(p)));
    }
    if u.department_id.is_some() {
        check_department(&*txn, &actor.scope, u.department_id).await?;
        am.department_id = Set(u.department_id);
    }
    if let Some(p) = u.post {
        am.post = Set(p.trim().to_string());
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "staff", id)).await?;
    txn.commit().await?;
    Ok(staff_views(db, vec![m]).await?.remove(0))
}

pub async fn delete_staff(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = visible_staff(&*txn, &actor.scope, id).await?;
    if app_user::Entity::find()
        .filter(app_user::Column::StaffId.eq(id))
        .count(&*txn)
        .await?
        > 0
    {
        return Err(DbError::Conflict(format!("{} 有用户账号，请先处理账号", cur.name)));
    }
    staff::Entity::delete_by_id(id).exec(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("delete", "staff", id).detail(cur.name),
    )
    .await?;
    txn.commit().await
}

/// Counts for a quick health view of the tree: units per level.
pub async fn count_by_level(db: &Db, scope: &Scope) -> DbResult<Vec<(String, i64)>> {
    Ok(org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Level)
        .column_as(org_unit::Column::Id.count(), "n")
        .filter(scope::org_units(scope))
        .group_by(org_unit::Column::Level)
        .into_tuple()
        .all(&db.conn)
        .await?)
}
