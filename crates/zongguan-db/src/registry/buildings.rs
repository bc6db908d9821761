//! Buildings: where they stand, in which grid; moving one to another grid takes its houses and occupants along.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::NewBuilding;

use super::trigram_phrase;
use crate::audit::{self, Event};
use crate::entity::{building, house, org_unit, residence, resident};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, org, scope};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Building {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub address: String,
    pub grid_id: i64,
    pub grid_name: String,
    pub lon: f64,
    pub lat: f64,
    pub floors: i32,
    pub structure: String,
    /// residential | commercial | mixed | industrial | office | public
    pub use_type: String,
    pub property_company_id: Option<i64>,
    pub manager: String,
}

pub(super) fn building_scope(scope: &Scope) -> Condition {
    scope::unit_column(scope, building::Column::GridId, Some(building::Column::CreatedBy))
}

pub(super) async fn building_views(db: &Db, rows: Vec<building::Model>) -> DbResult<Vec<Building>> {
    let names = org::unit_names(&db.conn, rows.iter().map(|r| r.grid_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| Building {
            grid_name: names.get(&r.grid_id).cloned().unwrap_or_default(),
            id: r.id,
            code: r.code,
            name: r.name,
            address: r.address,
            grid_id: r.grid_id,
            lon: r.lon,
            lat: r.lat,
            floors: r.floors,
            structure: r.structure,
            use_type: r.use_type,
            property_company_id: r.property_company_id,
            manager: r.manager,
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct BuildingFilter {
    pub org_unit_id: Option<i64>,
    pub use_type: Option<String>,
    pub q: Option<String>,
}

/// The building columns that place a row in the org tree.
pub(super) const PLACED: scope::Placed<building::Column> = scope::Placed {
    unit: building::Column::GridId,
    subdistrict: building::Column::SubdistrictId,
    community: building::Column::CommunityId,
    owner: Some(building::Column::CreatedBy),
};

pub async fn list_buildings(db: &Db, scope: &Scope, f: &BuildingFilter, p: PageReq) -> DbResult<Page<Building>> {
    let mut q = building::Entity::find().filter(scope::placed_under(&db.conn, scope, f.org_unit_id, &PLACED).await?);
    let use_type = f.use_type.as_deref().filter(|s| !s.is_empty());
    if let Some(t) = use_type {
        q = q.filter(building::Column::UseType.eq(t));
    }
    let text = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(t) = text {
        // Short text is matched within the scope's rows, not over every building first.
        q = match trigram_phrase(db, t) {
            Some(_) => q.filter(building::Column::Id.in_subquery(buildings_matching(db, t))),
            None => q.filter(text_condition(t)),
        };
    }
    let counted = match (text, use_type, scope) {
        (None, None, s) if !matches!(s, Scope::OwnRecords { .. }) => {
            let units = units_under(db, scope, f.org_unit_id).await?;
            db.stats
                .with_warm(db, |c| units.iter().filter_map(|u| c.get(u)).map(|c| c.buildings).sum())
                .await?
        }
        _ => None,
    };
    let (total, total_exact) = match counted {
        Some(n) => (n, true),
        None => crate::listing::capped_count(&db.conn, q.clone(), crate::listing::COUNT_CAP).await?,
    };
    let sort = crate::listing::SortKey {
        key: Some(building::Column::Code),
        id: building::Column::Id,
        desc: false,
    };
    let page = crate::listing::page_ids(&db.conn, q, &sort, &p, total_exact.then_some(total)).await?;
    let rows = building::Entity::find()
        .filter(building::Column::Id.is_in(page.ids.clone()))
        .all(&db.conn)
        .await?;
    let rows = crate::listing::in_order(&page.ids, rows, |r| r.id);
    Ok(Page {
        items: building_views(db, rows).await?,
        total,
        total_exact,
        next: page.next,
        prev: page.prev,
    })
}

/// The org units of the scope under `filter`, for totals from the per-unit counters.
pub(super) async fn units_under(db: &Db, scope: &Scope, filter: Option<i64>) -> DbResult<Vec<i64>> {
    use sea_orm::QuerySelect;
    let mut units = org_unit::Entity::find()
        .select_only()
        .column(org_unit::Column::Id)
        .filter(scope::org_units(scope));
    if let Some(u) = filter {
        let path = org_unit::Entity::find_by_id(u)
            .one(&db.conn)
            .await?
            .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?
            .path;
        units = units.filter(org_unit::Column::Path.starts_with(path));
    }
    Ok(units.into_tuple().all(&db.conn).await?)
}

fn text_condition(t: &str) -> Condition {
    Condition::any()
        .add(crate::like::contains(building::Column::Code, t))
        .add(crate::like::contains(building::Column::Name, t))
        .add(crate::like::contains(building::Column::Address, t))
}

pub(super) async fn visible_building<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<building::Model> {
    building::Entity::find_by_id(id)
        .filter(building_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn get_building(db: &Db, scope: &Scope, id: i64) -> DbResult<Building> {
    let m = visible_building(&db.conn, scope, id).await?;
    Ok(building_views(db, vec![m]).await?.remove(0))
}

pub async fn building_by_code<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    code: &str,
) -> DbResult<Option<building::Model>> {
    Ok(building::Entity::find()
        .filter(building::Column::Code.eq(code.trim()))
        .filter(building_scope(scope))
        .one(c)
        .await?)
}

pub async fn create_building(db: &Db, actor: &Actor, b: NewBuilding) -> DbResult<Building> {
    let c = &b.fields;
    let txn = db.begin_write().await?;
    visible_grid(&*txn, &actor.scope, b.grid_id, "grid_id").await?;
    let now = Utc::now();
    let m = building::ActiveModel {
        code: Set(c.code().into()),
        name: Set(c.name().into()),
        address: Set(c.address().into()),
        grid_id: Set(b.grid_id),
        lon: Set(c.lon().degrees()),
        lat: Set(c.lat().degrees()),
        footprint: Set(None),
        floors: Set(c.floors().get()),
        structure: Set(b.structure.clone()),
        use_type: Set(c.use_type().into()),
        property_company_id: Set(b.property_company_id),
        manager: Set(b.manager.clone()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique_on("code", &format!("楼栋编码 {} 已存在", c.code())))?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "building", m.id).detail(m.code.clone()),
    )
    .await?;
    txn.commit().await?;
    Ok(building_views(db, vec![m]).await?.remove(0))
}

pub async fn update_building(db: &Db, actor: &Actor, id: i64, b: NewBuilding) -> DbResult<Building> {
    let c = &b.fields;
    let txn = db.begin_write().await?;
    let cur = visible_building(&*txn, &actor.scope, id).await?;
    visible_grid(&*txn, &actor.scope, b.grid_id, "grid_id").await?;
    let moved = cur.grid_id != b.grid_id;
    let mut am: building::ActiveModel = cur.into();
    am.code = Set(c.code().into());
    am.name = Set(c.name().into());
    am.address = Set(c.address().into());
    am.grid_id = Set(b.grid_id);
    am.lon = Set(c.lon().degrees());
    am.lat = Set(c.lat().degrees());
    am.floors = Set(c.floors().get());
    am.structure = Set(b.structure);
    am.use_type = Set(c.use_type().into());
    am.property_company_id = Set(b.property_company_id);
    am.manager = Set(b.manager);
    am.updated_at = Set(Utc::now());
    let m = am
        .update(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique_on("code", "楼栋编码已存在"))?;
    if moved {
        // Houses follow their building into the new grid.
        house::Entity::update_many()
            .col_expr(house::Column::GridId, sea_orm::sea_query::Expr::val(b.grid_id))
            .filter(house::Column::BuildingId.eq(id))
            .exec(&*txn)
            .await?;
        // So do the people who live there now.
        resident::Entity::update_many()
            .col_expr(resident::Column::OrgUnitId, sea_orm::sea_query::Expr::val(b.grid_id))
            .filter(
                resident::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(residence::Column::ResidentId)
                        .from(residence::Entity)
                        .and_where(residence::Column::Until.is_null())
                        .and_where(
                            residence::Column::HouseId.in_subquery(
                                sea_orm::sea_query::Query::select()
                                    .column(house::Column::Id)
                                    .from(house::Entity)
                                    .and_where(house::Column::BuildingId.eq(id))
                                    .to_owned(),
                            ),
                        )
                        .to_owned(),
                ),
            )
            .exec(&*txn)
            .await?;
    }
    audit::append(&*txn, db.backend, actor, Event::ok("update", "building", id)).await?;
    txn.commit().await?;
    Ok(building_views(db, vec![m]).await?.remove(0))
}

/// A grid in the caller's scope (buildings sit in grids).
async fn visible_grid<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64, field: &str) -> DbResult<org_unit::Model> {
    let g = org_unit::Entity::find_by_id(id)
        .filter(scope::org_units(scope))
        .one(c)
        .await?
        .ok_or_else(|| DbError::invalid(field, "网格不存在或不在您的数据范围内"))?;
    if g.level != "grid" {
        return Err(DbError::invalid(field, format!("{} 不是网格", g.name)));
    }
    Ok(g)
}

/// Ids of the buildings whose code, name or address contains `t`.
pub(crate) fn buildings_matching(db: &Db, t: &str) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Expr, Query};
    match trigram_phrase(db, t) {
        Some(phrase) => Query::select()
            .expr(Expr::col(Alias::new("rowid")))
            .from(Alias::new("building_fts"))
            .and_where(Expr::cust_with_values("building_fts MATCH ?", [phrase]))
            .to_owned(),
        None => Query::select()
            .column(building::Column::Id)
            .from(building::Entity)
            .cond_where(text_condition(t))
            .to_owned(),
    }
}
