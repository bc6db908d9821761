//! Org units: the tree of district, subdistricts, communities and grids, their codes and shapes.
use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::field::named;
use zongguan_core::org::{NewOrgUnitFields, OrgLevel, OrgUnitChange, UnitCode, UnitShape};
use zongguan_core::rbac::Scope;

use crate::audit::{self, Event};
use crate::entity::{grid_assignment, org_unit};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, page_of, scope};

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
    /// Its sub-units that the caller can see (0: a leaf of the caller's tree), so a tree picker
    /// knows which nodes open without loading them.
    pub child_count: u64,
    /// Its ancestors that the caller can see, top first (empty at a root of the caller's tree):
    /// a search hit is shown with its path, e.g. 平湖街道 / 良安田社区.
    pub ancestors: Vec<OrgUnitRef>,
}

/// An org unit named in another answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgUnitRef {
    pub id: i64,
    pub level: String,
    pub name: String,
}

impl From<org_unit::Model> for OrgUnit {
    /// The row alone: [`described`] adds what the caller can see around it.
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
            child_count: 0,
            ancestors: Vec::new(),
        }
    }
}

/// The ids in a materialised path (`/1/4/37/`), top first, the unit itself last.
fn path_ids(path: &str) -> impl Iterator<Item = i64> + '_ {
    path.split('/').filter_map(|s| s.parse().ok())
}

/// Units as answered: each with its visible child count and visible ancestors (two queries for
/// the lot, whatever their number).
async fn described<C: ConnectionTrait>(c: &C, scope: &Scope, rows: Vec<org_unit::Model>) -> DbResult<Vec<OrgUnit>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let counts: HashMap<i64, i64> = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::ParentId)
        .column_as(org_unit::Column::Id.count(), "n")
        .filter(org_unit::Column::ParentId.is_in(ids))
        .filter(scope::org_units(scope))
        .group_by(org_unit::Column::ParentId)
        .into_tuple::<(i64, i64)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let above: std::collections::BTreeSet<i64> = rows
        .iter()
        .flat_map(|m| path_ids(&m.path).filter(move |&a| a != m.id))
        .collect();
    let named: HashMap<i64, OrgUnitRef> = if above.is_empty() {
        HashMap::new()
    } else {
        org_unit::Entity::find()
            .select_only()
            .columns([org_unit::Column::Id, org_unit::Column::Level, org_unit::Column::Name])
            .filter(org_unit::Column::Id.is_in(above))
            .filter(scope::org_units(scope))
            .into_tuple::<(i64, String, String)>()
            .all(c)
            .await?
            .into_iter()
            .map(|(id, level, name)| (id, OrgUnitRef { id, level, name }))
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|m| {
            let ancestors = path_ids(&m.path)
                .filter(|&a| a != m.id)
                .filter_map(|a| named.get(&a).cloned())
                .collect();
            let child_count = counts.get(&m.id).map_or(0, |&n| u64::try_from(n).unwrap_or(0));
            OrgUnit {
                child_count,
                ancestors,
                ..m.into()
            }
        })
        .collect())
}

async fn described_one<C: ConnectionTrait>(c: &C, scope: &Scope, m: org_unit::Model) -> DbResult<OrgUnit> {
    described(c, scope, vec![m]).await?.pop().ok_or(DbError::NotFound)
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

#[derive(Debug, Default, Clone)]
pub struct OrgUnitFilter {
    pub parent_id: Option<i64>,
    /// One level, or several separated by commas.
    pub level: Option<String>,
    pub q: Option<String>,
    /// Only the roots of the caller's tree: visible units whose parent is not visible.
    pub roots: bool,
    /// Answer units without their geometry (a picker draws none; a district's outline is 25 kB).
    pub no_geometry: bool,
}

/// The UI's word for a stored level.
fn level_label(level: &str) -> &'static str {
    OrgLevel::parse(level).map_or("网格", OrgLevel::label)
}

/// A unit's shape must lie within its parent's and overlap no sibling by more than a sliver
/// (422 naming the parent or the sibling; nothing is saved).
async fn check_fit<C: ConnectionTrait>(
    c: &C,
    id: Option<i64>,
    level: &str,
    parent: Option<&org_unit::Model>,
    shape: &UnitShape,
) -> DbResult<()> {
    use zongguan_core::geometry::{self, Misfit};
    // A shape without a parent was checked whole when it was parsed.
    let Some(parent) = parent else {
        return Ok(());
    };
    let shape = shape.shape();
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
    geometry::check_fit(shape, parent_shape.as_ref(), &refs).map_err(|m| match m {
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

pub(super) async fn visible_unit<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<org_unit::Model> {
    org_unit::Entity::find_by_id(id)
        .filter(scope::org_units(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// The roots of the caller's tree: visible units whose parent is out of sight (or absent).
fn roots_of(scope: &Scope) -> sea_orm::Condition {
    use sea_orm::sea_query::Query;
    match scope {
        Scope::All => sea_orm::Condition::all().add(org_unit::Column::ParentId.is_null()),
        Scope::Subtree { path } => sea_orm::Condition::all().add(org_unit::Column::Path.eq(path.as_str())),
        // A set of units (own grids, a custom list, own records): those whose parent is not in it.
        Scope::Units { .. } | Scope::OwnRecords { .. } => {
            sea_orm::Condition::any().add(org_unit::Column::ParentId.is_null()).add(
                org_unit::Column::ParentId.not_in_subquery(
                    Query::select()
                        .column(org_unit::Column::Id)
                        .from(org_unit::Entity)
                        .cond_where(scope::org_units(scope))
                        .to_owned(),
                ),
            )
        }
    }
}

/// Shallow units first (a search for 平湖 answers the subdistrict before its communities' grids).
fn level_rank() -> sea_orm::sea_query::SimpleExpr {
    sea_orm::sea_query::Expr::cust(
        "CASE level WHEN 'district' THEN 0 WHEN 'subdistrict' THEN 1 WHEN 'community' THEN 2 ELSE 3 END",
    )
}

pub async fn list_units(db: &Db, scope: &Scope, f: &OrgUnitFilter, p: PageReq) -> DbResult<Page<OrgUnit>> {
    let mut q = org_unit::Entity::find().filter(scope::org_units(scope));
    if let Some(pid) = f.parent_id {
        q = q.filter(org_unit::Column::ParentId.eq(pid));
    }
    if f.roots {
        q = q.filter(roots_of(scope));
    }
    if let Some(l) = f.level.as_deref() {
        let levels = l
            .split(',')
            .map(|l| OrgLevel::parse(l.trim()).map(OrgLevel::as_str))
            .collect::<Result<Vec<_>, _>>()
            .map_err(named("level"))?;
        q = q.filter(org_unit::Column::Level.is_in(levels));
    }
    let search = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(t) = search {
        q = q.filter(
            sea_orm::Condition::any()
                .add(crate::like::contains(org_unit::Column::Name, t))
                .add(crate::like::starts_with(org_unit::Column::Code, t)),
        );
    }
    let (mut items, total) = page_of(
        db,
        q,
        |q| {
            let q = if search.is_some() {
                q.order_by(level_rank(), sea_orm::Order::Asc)
            } else {
                q
            };
            q.order_by_asc(org_unit::Column::Sort)
                .order_by_asc(org_unit::Column::Code)
        },
        p,
    )
    .await?;
    if f.no_geometry {
        for m in &mut items {
            m.geometry = None;
        }
    }
    Ok(Page::new(described(&db.conn, scope, items).await?, total))
}

pub async fn get_unit(db: &Db, scope: &Scope, id: i64) -> DbResult<OrgUnit> {
    let m = visible_unit(&db.conn, scope, id).await?;
    described_one(&db.conn, scope, m).await
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

pub async fn create_unit(db: &Db, actor: &Actor, n: NewOrgUnitFields) -> DbResult<OrgUnit> {
    let level = n.level();
    let code = n.code().as_str();
    let txn = db.begin_write().await?;
    let parent = match n.parent_id() {
        Some(pid) => Some(
            visible_unit(&*txn, &actor.scope, pid)
                .await
                .map_err(|_| DbError::invalid("parent_id", "上级单位不存在"))?,
        ),
        None => None,
    };
    match &parent {
        None if level == OrgLevel::District && actor.scope == Scope::All => {}
        None => return Err(DbError::invalid("parent_id", "须选择上级单位")),
        Some(p) => {
            let child = OrgLevel::parse(&p.level).unwrap_or(OrgLevel::District).child();
            if child != Some(level) {
                return Err(DbError::invalid(
                    "level",
                    format!("{} 的下级只能是 {}", p.name, child.map_or("无", OrgLevel::as_str)),
                ));
            }
        }
    }
    if let Some(p) = &parent {
        n.code().check_parent(level, &p.code).map_err(named("code"))?;
    }
    if let Some(g) = n.shape() {
        check_fit(&*txn, None, level.as_str(), parent.as_ref(), g).await?;
    }
    let now = Utc::now();
    let m = org_unit::ActiveModel {
        level: Set(level.as_str().into()),
        code: Set(code.into()),
        name: Set(n.name().into()),
        parent_id: Set(n.parent_id()),
        path: Set(String::new()),
        community_name: Set(n.community_name().map(String::from)),
        sort: Set(n.sort()),
        geometry: Set(n.shape().map(|g| g.geojson().to_string())),
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
    let unit = described_one(&*txn, &actor.scope, m).await?;
    txn.commit().await?;
    Ok(unit)
}

/// Its digits depend on the stored level, its prefix on the parent: both are read here.
fn unit_code(cur: &org_unit::Model, code: &str, parent: Option<&org_unit::Model>) -> DbResult<String> {
    let level = OrgLevel::parse(&cur.level).unwrap_or(OrgLevel::Grid);
    Ok(UnitCode::parse(level, code, parent.map(|p| p.code.as_str()))
        .map_err(named("code"))?
        .into_string())
}

pub async fn update_unit(db: &Db, actor: &Actor, id: i64, u: OrgUnitChange) -> DbResult<OrgUnit> {
    let txn = db.begin_write().await?;
    let cur = visible_unit(&*txn, &actor.scope, id).await?;
    let mut am: org_unit::ActiveModel = cur.clone().into();
    if let Some(n) = u.name() {
        am.name = Set(n.into());
    }
    if let Some(c) = u.code() {
        let parent = match cur.parent_id {
            Some(p) => org_unit::Entity::find_by_id(p).one(&*txn).await?,
            None => None,
        };
        am.code = Set(unit_code(&cur, c, parent.as_ref())?);
    }
    if let Some(c) = u.community_name() {
        am.community_name = Set(c.map(String::from));
    }
    if let Some(s) = u.sort() {
        am.sort = Set(s);
    }
    if let Some(g) = u.shape() {
        am.geometry = Set(match g {
            None => None,
            Some(g) => {
                let parent = match cur.parent_id {
                    Some(p) => org_unit::Entity::find_by_id(p).one(&*txn).await?,
                    None => None,
                };
                check_fit(&*txn, Some(id), &cur.level, parent.as_ref(), g).await?;
                Some(g.geojson().to_string())
            }
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
    let unit = described_one(&*txn, &actor.scope, m).await?;
    txn.commit().await?;
    Ok(unit)
}

pub async fn delete_unit(db: &Db, actor: &Actor, id: i64) -> DbResult<()> {
    let txn = db.begin_write().await?;
    let cur = visible_unit(&*txn, &actor.scope, id).await?;
    let c = &*txn;
    let held = dependents(c, id).await?;
    if !held.is_empty() {
        return Err(DbError::Conflict(format!(
            "{} 下还有{}，不能删除",
            cur.name,
            held.join("、")
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

/// What still refers to unit `id`, as "下级单位 3 个" phrases (empty: nothing). A grid's worker
/// assignments go with it; everything else must be moved or removed first.
async fn dependents<C: ConnectionTrait>(c: &C, id: i64) -> DbResult<Vec<String>> {
    const HOLDERS: &[(&str, &str, &str, &str)] = &[
        ("org_unit", "parent_id", "下级单位", "个"),
        ("department", "org_unit_id", "成员单位", "个"),
        ("staff", "org_unit_id", "工作人员", "名"),
        ("app_user", "org_unit_id", "用户账号", "个"),
        ("user_scope_unit", "org_unit_id", "自定义数据范围", "条"),
        ("building", "grid_id", "楼栋", "栋"),
        ("house", "grid_id", "房屋", "套"),
        ("resident", "org_unit_id", "实有人口", "人"),
        ("property_company", "org_unit_id", "物业公司", "家"),
        ("case_record", "grid_id", "事件", "件"),
    ];
    let backend = c.get_database_backend();
    let mut out = Vec::new();
    for (table, column, what, unit) in HOLDERS {
        let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE {column} = {id}");
        let n: i64 = match c.query_one_raw(sea_orm::Statement::from_string(backend, sql)).await? {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        if n > 0 {
            out.push(format!("{what} {n} {unit}"));
        }
    }
    Ok(out)
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
