//! Base registries (人-房-地): buildings, houses, residents and where they live.
//! Entered once, shared by every department; every query takes the caller's data scope.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zongguan_core::dict;
use zongguan_core::rbac::Scope;
use zongguan_core::registry::{self as rules, FieldError, ResidentInput, ResidentRecord};

use crate::audit::{self, Event};
use crate::entity::{building, house, org_unit, residence, resident};
use crate::{Actor, Db, DbError, DbResult, Page, PageReq, org, page_of, scope};

impl From<FieldError> for DbError {
    fn from(e: FieldError) -> Self {
        DbError::invalid(e.field, e.message)
    }
}

fn first(errors: Vec<FieldError>) -> DbError {
    errors
        .into_iter()
        .next()
        .map(DbError::from)
        .unwrap_or(DbError::NotFound)
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

/// Rows under an org unit (the unit and everything below it), for list filters.
async fn under_unit<C: ConnectionTrait, Col: ColumnTrait>(c: &C, unit: i64, col: Col) -> DbResult<Condition> {
    let u = org_unit::Entity::find_by_id(unit)
        .one(c)
        .await?
        .ok_or_else(|| DbError::invalid("org_unit_id", "机构不存在"))?;
    Ok(scope::unit_column(&Scope::Subtree { path: u.path }, col, None))
}

// ---------- buildings ----------

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

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildingInput {
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub grid_id: i64,
    pub lon: f64,
    pub lat: f64,
    pub floors: Option<i32>,
    pub structure: Option<String>,
    pub use_type: String,
    pub property_company_id: Option<i64>,
    pub manager: Option<String>,
}

pub struct CheckedBuilding {
    pub code: String,
    pub name: String,
    pub address: String,
    pub lon: f64,
    pub lat: f64,
    pub floors: i32,
    pub use_type: &'static str,
}

/// Field checks that need no database (shared with the import).
pub fn check_building(
    code: &str,
    name: &str,
    address: &str,
    lon: f64,
    lat: f64,
    floors: i32,
    use_type: &str,
) -> Result<CheckedBuilding, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = rules::required("code", "楼栋编码", code, 32)
        .map_err(|e| errors.push(e))
        .ok();
    let name = rules::required("name", "楼栋名称", name, 100)
        .map_err(|e| errors.push(e))
        .ok();
    let address = rules::optional_text("address", "地址", address, 200)
        .map_err(|e| errors.push(e))
        .ok();
    // Mainland China's extent; a swapped pair or a 0,0 is caught here.
    if !(73.0..=136.0).contains(&lon) {
        errors.push(FieldError {
            field: "lon",
            message: format!("经度 {lon} 不在中国境内（73–136）"),
        });
    }
    if !(3.0..=54.0).contains(&lat) {
        errors.push(FieldError {
            field: "lat",
            message: format!("纬度 {lat} 不在中国境内（3–54）"),
        });
    }
    if !(1..=200).contains(&floors) {
        errors.push(FieldError {
            field: "floors",
            message: "层数须在 1–200 之间".into(),
        });
    }
    let use_type = rules::coded("use_type", "用途", dict::USE_TYPES, use_type)
        .map_err(|e| errors.push(e))
        .ok();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CheckedBuilding {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        address: address.unwrap_or_default(),
        lon,
        lat,
        floors,
        use_type: use_type.unwrap_or("residential"),
    })
}

fn building_scope(scope: &Scope) -> Condition {
    scope::unit_column(scope, building::Column::GridId, Some(building::Column::CreatedBy))
}

async fn building_views(db: &Db, rows: Vec<building::Model>) -> DbResult<Vec<Building>> {
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

pub async fn list_buildings(db: &Db, scope: &Scope, f: &BuildingFilter, p: PageReq) -> DbResult<Page<Building>> {
    let mut q = building::Entity::find().filter(building_scope(scope));
    if let Some(u) = f.org_unit_id {
        q = q.filter(under_unit(&db.conn, u, building::Column::GridId).await?);
    }
    if let Some(t) = f.use_type.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(building::Column::UseType.eq(t));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(building::Column::Id.in_subquery(buildings_matching(db, t)));
    }
    let (rows, total) = page_of(db, q, |q| q.order_by_asc(building::Column::Code), p).await?;
    Ok(Page {
        items: building_views(db, rows).await?,
        total,
    })
}

async fn visible_building<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<building::Model> {
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

pub async fn create_building(db: &Db, actor: &Actor, b: BuildingInput) -> DbResult<Building> {
    let c = check_building(
        &b.code,
        &b.name,
        b.address.as_deref().unwrap_or(""),
        b.lon,
        b.lat,
        b.floors.unwrap_or(1),
        &b.use_type,
    )
    .map_err(first)?;
    let txn = db.begin_write().await?;
    visible_grid(&*txn, &actor.scope, b.grid_id, "grid_id").await?;
    let now = Utc::now();
    let m = building::ActiveModel {
        code: Set(c.code.clone()),
        name: Set(c.name),
        address: Set(c.address),
        grid_id: Set(b.grid_id),
        lon: Set(c.lon),
        lat: Set(c.lat),
        footprint: Set(None),
        floors: Set(c.floors),
        structure: Set(b.structure.unwrap_or_default()),
        use_type: Set(c.use_type.into()),
        property_company_id: Set(b.property_company_id),
        manager: Set(b.manager.unwrap_or_default()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique_on("code", &format!("楼栋编码 {} 已存在", c.code)))?;
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

pub async fn update_building(db: &Db, actor: &Actor, id: i64, b: BuildingInput) -> DbResult<Building> {
    let c = check_building(
        &b.code,
        &b.name,
        b.address.as_deref().unwrap_or(""),
        b.lon,
        b.lat,
        b.floors.unwrap_or(1),
        &b.use_type,
    )
    .map_err(first)?;
    let txn = db.begin_write().await?;
    let cur = visible_building(&*txn, &actor.scope, id).await?;
    visible_grid(&*txn, &actor.scope, b.grid_id, "grid_id").await?;
    let moved = cur.grid_id != b.grid_id;
    let mut am: building::ActiveModel = cur.into();
    am.code = Set(c.code);
    am.name = Set(c.name);
    am.address = Set(c.address);
    am.grid_id = Set(b.grid_id);
    am.lon = Set(c.lon);
    am.lat = Set(c.lat);
    am.floors = Set(c.floors);
    am.structure = Set(b.structure.unwrap_or_default());
    am.use_type = Set(c.use_type.into());
    am.property_company_id = Set(b.property_company_id);
    am.manager = Set(b.manager.unwrap_or_default());
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

// ---------- houses ----------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct House {
    pub id: i64,
    pub building_id: i64,
    pub building_code: String,
    pub building_name: String,
    pub address: String,
    pub grid_id: i64,
    pub room: String,
    pub area: Option<f64>,
    pub use_type: String,
    pub owner_resident_id: Option<i64>,
    pub owner_org: String,
    pub is_rental: bool,
    pub rental_use: String,
    pub rental_risk_class: Option<String>,
    /// People living there now.
    pub occupants: u64,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseInput {
    pub building_id: i64,
    pub room: String,
    pub area: Option<f64>,
    pub use_type: String,
    pub owner_resident_id: Option<i64>,
    pub owner_org: Option<String>,
    pub is_rental: Option<bool>,
    pub rental_use: Option<String>,
}

/// Three characters or more go through the trigram index (FTS5 on SQLite, pg_trgm serves LIKE
/// on PostgreSQL); shorter text has no trigram and is matched with LIKE.
fn trigram_phrase(db: &Db, t: &str) -> Option<String> {
    (db.backend == crate::Backend::Sqlite && t.chars().count() >= 3).then(|| format!("\"{}\"", t.replace('"', "\"\"")))
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
            .cond_where(
                Condition::any()
                    .add(building::Column::Code.contains(t))
                    .add(building::Column::Name.contains(t))
                    .add(building::Column::Address.contains(t)),
            )
            .to_owned(),
    }
}

fn resident_name_matching(db: &Db, t: &str) -> Condition {
    use sea_orm::sea_query::{Alias, Expr, Query};
    match trigram_phrase(db, t) {
        Some(phrase) => Condition::all().add(
            resident::Column::Id.in_subquery(
                Query::select()
                    .expr(Expr::col(Alias::new("rowid")))
                    .from(Alias::new("resident_fts"))
                    .and_where(Expr::cust_with_values("resident_fts MATCH ?", [phrase]))
                    .to_owned(),
            ),
        ),
        None => Condition::all().add(resident::Column::Name.contains(t)),
    }
}

fn house_scope(scope: &Scope) -> Condition {
    scope::unit_column(scope, house::Column::GridId, Some(house::Column::CreatedBy))
}

pub fn check_house(room: &str, area: Option<f64>, use_type: &str) -> Result<(String, &'static str), Vec<FieldError>> {
    let mut errors = Vec::new();
    let room = rules::required("room", "房号", room, 20)
        .map_err(|e| errors.push(e))
        .ok();
    if let Some(a) = area
        && !(a > 0.0 && a < 100_000.0)
    {
        errors.push(FieldError {
            field: "area",
            message: format!("面积 {a} 须大于 0 且小于 100000 平方米"),
        });
    }
    let use_type = rules::coded("use_type", "用途", dict::USE_TYPES, use_type)
        .map_err(|e| errors.push(e))
        .ok();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((room.unwrap_or_default(), use_type.unwrap_or("residential")))
}

async fn house_views(db: &Db, rows: Vec<house::Model>) -> DbResult<Vec<House>> {
    let bids: Vec<i64> = rows.iter().map(|r| r.building_id).collect();
    let buildings: HashMap<i64, building::Model> = building::Entity::find()
        .filter(building::Column::Id.is_in(bids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let hids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let counts: HashMap<i64, i64> = residence::Entity::find()
        .select_only()
        .column(residence::Column::HouseId)
        .column_as(residence::Column::Id.count(), "n")
        .filter(residence::Column::HouseId.is_in(hids))
        .filter(residence::Column::Until.is_null())
        .group_by(residence::Column::HouseId)
        .into_tuple::<(i64, i64)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let b = buildings.get(&r.building_id);
            House {
                building_code: b.map(|b| b.code.clone()).unwrap_or_default(),
                building_name: b.map(|b| b.name.clone()).unwrap_or_default(),
                address: b.map(|b| format!("{}{}", b.address, r.room)).unwrap_or_default(),
                occupants: counts.get(&r.id).copied().unwrap_or(0) as u64,
                id: r.id,
                building_id: r.building_id,
                grid_id: r.grid_id,
                room: r.room,
                area: r.area,
                use_type: r.use_type,
                owner_resident_id: r.owner_resident_id,
                owner_org: r.owner_org,
                is_rental: r.is_rental,
                rental_use: r.rental_use,
                rental_risk_class: r.rental_risk_class,
            }
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct HouseFilter {
    pub org_unit_id: Option<i64>,
    pub building_id: Option<i64>,
    pub use_type: Option<String>,
    pub is_rental: Option<bool>,
    pub q: Option<String>,
}

pub async fn list_houses(db: &Db, scope: &Scope, f: &HouseFilter, p: PageReq) -> DbResult<Page<House>> {
    let mut q = house::Entity::find().filter(house_scope(scope));
    if let Some(u) = f.org_unit_id {
        q = q.filter(under_unit(&db.conn, u, house::Column::GridId).await?);
    }
    if let Some(b) = f.building_id {
        q = q.filter(house::Column::BuildingId.eq(b));
    }
    if let Some(t) = f.use_type.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(house::Column::UseType.eq(t));
    }
    if let Some(r) = f.is_rental {
        q = q.filter(house::Column::IsRental.eq(r));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(house::Column::Room.contains(t))
                .add(house::Column::BuildingId.in_subquery(buildings_matching(db, t))),
        );
    }
    let (rows, total) = page_of(
        db,
        q,
        |q| {
            q.order_by_asc(house::Column::BuildingId)
                .order_by_asc(house::Column::Room)
        },
        p,
    )
    .await?;
    Ok(Page {
        items: house_views(db, rows).await?,
        total,
    })
}

async fn visible_house<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<house::Model> {
    house::Entity::find_by_id(id)
        .filter(house_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

/// A house with its building and its occupants, past and present.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HouseDetail {
    pub house: House,
    pub building: Building,
    pub residences: Vec<Residence>,
}

pub async fn get_house(db: &Db, actor: &Actor, id: i64) -> DbResult<HouseDetail> {
    let m = visible_house(&db.conn, &actor.scope, id).await?;
    let b = building::Entity::find_by_id(m.building_id)
        .one(&db.conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let rows = residence::Entity::find()
        .filter(residence::Column::HouseId.eq(id))
        .order_by_desc(residence::Column::Since)
        .all(&db.conn)
        .await?;
    Ok(HouseDetail {
        house: house_views(db, vec![m]).await?.remove(0),
        building: building_views(db, vec![b]).await?.remove(0),
        residences: residence_views(db, rows).await?,
    })
}

pub async fn create_house(db: &Db, actor: &Actor, h: HouseInput) -> DbResult<House> {
    let (room, use_type) = check_house(&h.room, h.area, &h.use_type).map_err(first)?;
    let txn = db.begin_write().await?;
    let b = visible_building(&*txn, &actor.scope, h.building_id)
        .await
        .map_err(|_| DbError::invalid("building_id", "楼栋不存在"))?;
    let now = Utc::now();
    let m = house::ActiveModel {
        building_id: Set(b.id),
        grid_id: Set(b.grid_id),
        room: Set(room.clone()),
        area: Set(h.area),
        use_type: Set(use_type.into()),
        owner_resident_id: Set(h.owner_resident_id),
        owner_org: Set(h.owner_org.unwrap_or_default()),
        is_rental: Set(h.is_rental.unwrap_or(false)),
        rental_use: Set(h.rental_use.unwrap_or_default()),
        rental_risk_class: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await
    .map_err(|e| DbError::from(e).unique_on("room", &format!("{} 已有房号 {room}", b.code)))?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "house", m.id).detail(format!("{} {}", b.code, m.room)),
    )
    .await?;
    txn.commit().await?;
    Ok(house_views(db, vec![m]).await?.remove(0))
}

pub async fn update_house(db: &Db, actor: &Actor, id: i64, h: HouseInput) -> DbResult<House> {
    let (room, use_type) = check_house(&h.room, h.area, &h.use_type).map_err(first)?;
    let txn = db.begin_write().await?;
    let cur = visible_house(&*txn, &actor.scope, id).await?;
    let mut am: house::ActiveModel = cur.into();
    am.room = Set(room);
    am.area = Set(h.area);
    am.use_type = Set(use_type.into());
    am.owner_resident_id = Set(h.owner_resident_id);
    am.owner_org = Set(h.owner_org.unwrap_or_default());
    am.is_rental = Set(h.is_rental.unwrap_or(false));
    am.rental_use = Set(h.rental_use.unwrap_or_default());
    am.updated_at = Set(Utc::now());
    let m = am
        .update(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique_on("room", "该楼栋已有此房号"))?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "house", id)).await?;
    txn.commit().await?;
    Ok(house_views(db, vec![m]).await?.remove(0))
}

// ---------- residents ----------

/// A resident in a list: identity number and phone masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Resident {
    pub id: i64,
    pub name: String,
    /// id_card | passport | foreign_permanent | hk_macao | taiwan
    pub id_type: String,
    /// Masked (`440307********123X`) unless the caller asked for and may see the full value.
    pub id_number: String,
    pub gender: String,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<i32>,
    /// GB/T 3304 code.
    pub ethnicity: String,
    /// registered | migrant | foreign | left_behind
    pub registration_type: String,
    pub phone: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub special_groups: Vec<String>,
}

/// The full record of a person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResidentDetail {
    #[serde(flatten)]
    pub resident: Resident,
    pub former_name: String,
    pub native_place_code: String,
    pub registered_address_code: String,
    pub registered_address: String,
    pub current_address: String,
    pub education: String,
    pub marital_status: String,
    pub political_status: String,
    pub occupation: String,
    pub employer: String,
    pub nationality: String,
    /// Whether identity number and phone are masked in this answer.
    pub masked: bool,
    pub residences: Vec<Residence>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Residence {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub house_id: i64,
    pub building_code: String,
    pub room: String,
    pub address: String,
    /// GB/T 4761 code.
    pub relation: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentForm {
    pub name: String,
    /// Code or Chinese word; default 居民身份证.
    pub id_type: Option<String>,
    pub id_number: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub ethnicity: Option<String>,
    pub registration_type: String,
    pub phone: Option<String>,
    pub nationality: Option<String>,
    pub former_name: Option<String>,
    pub native_place_code: Option<String>,
    pub registered_address_code: Option<String>,
    pub registered_address: Option<String>,
    pub current_address: Option<String>,
    pub education: Option<String>,
    pub marital_status: Option<String>,
    pub political_status: Option<String>,
    pub occupation: Option<String>,
    pub employer: Option<String>,
    /// Special-group kinds (released_prisoner, community_correction, …).
    pub special_groups: Option<Vec<String>>,
    /// Where the person is registered when no house is given (a grid or community in scope).
    pub org_unit_id: Option<i64>,
    /// Moves the person into this house.
    pub house_id: Option<i64>,
    pub relation: Option<String>,
    pub since: Option<String>,
}

impl ResidentForm {
    fn input(&self) -> ResidentInput {
        ResidentInput {
            name: self.name.clone(),
            id_type: self.id_type.clone().unwrap_or_default(),
            id_number: self.id_number.clone(),
            gender: self.gender.clone().unwrap_or_default(),
            birth_date: self.birth_date.clone().unwrap_or_default(),
            ethnicity: self.ethnicity.clone().unwrap_or_default(),
            registration_type: self.registration_type.clone(),
            phone: self.phone.clone().unwrap_or_default(),
            nationality: self.nationality.clone().unwrap_or_default(),
        }
    }
}

fn age_at(birth: Option<NaiveDate>, today: NaiveDate) -> Option<i32> {
    birth.map(|b| {
        let mut a = today.year() - b.year();
        if (today.month(), today.day()) < (b.month(), b.day()) {
            a -= 1;
        }
        a
    })
}

fn resident_scope(scope: &Scope) -> Condition {
    scope::unit_column(scope, resident::Column::OrgUnitId, Some(resident::Column::CreatedBy))
}

fn resident_view(r: &resident::Model, unit_name: String, today: NaiveDate) -> Resident {
    Resident {
        id: r.id,
        name: r.name.clone(),
        id_type: r.id_type.clone(),
        id_number: r.id_number_masked.clone(),
        gender: r.gender.clone(),
        birth_date: r.birth_date,
        age: age_at(r.birth_date, today),
        ethnicity: r.ethnicity.clone(),
        registration_type: r.registration_type.clone(),
        phone: r.phone_masked.clone(),
        org_unit_id: r.org_unit_id,
        org_unit_name: unit_name,
        special_groups: r
            .special_groups
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    }
}

#[derive(Debug, Default, Clone)]
pub struct ResidentFilter {
    pub org_unit_id: Option<i64>,
    pub registration_type: Option<String>,
    pub special_group: Option<String>,
    pub gender: Option<String>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub q: Option<String>,
    /// Exact identity number (looked up by its keyed hash).
    pub id_number: Option<String>,
    /// name | birth_date | id, with `-` for descending.
    pub sort: Option<String>,
    /// Keyset paging for exports: only ids above this one.
    pub after_id: Option<i64>,
}

pub async fn list_residents(db: &Db, scope: &Scope, f: &ResidentFilter, p: PageReq) -> DbResult<Page<Resident>> {
    let today = chrono::Local::now().date_naive();
    let mut q = resident::Entity::find().filter(resident_scope(scope));
    if let Some(n) = f.id_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::IdNumberHash.eq(db.cipher.keyed_hash_bytes(&n.to_ascii_uppercase())));
    }
    if let Some(u) = f.org_unit_id {
        q = q.filter(under_unit(&db.conn, u, resident::Column::OrgUnitId).await?);
    }
    if let Some(t) = f.registration_type.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::RegistrationType.eq(t));
    }
    if let Some(g) = f.special_group.as_deref().filter(|s| !s.is_empty()) {
        if dict::code_of(dict::SPECIAL_GROUPS, g).is_none() {
            return Err(DbError::invalid("special_group", "未知的特殊人群类别"));
        }
        q = q.filter(resident::Column::SpecialGroups.contains(g));
    }
    if let Some(g) = f.gender.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(resident::Column::Gender.eq(g));
    }
    if let Some(a) = f.after_id {
        q = q.filter(resident::Column::Id.gt(a));
    }
    // Age a..=b means born after today-(b+1) years and on or before today-a years.
    if let Some(a) = f.age_min {
        let latest = today.with_year(today.year() - a).unwrap_or(today);
        q = q.filter(resident::Column::BirthDate.lte(latest));
    }
    if let Some(b) = f.age_max {
        let earliest = today.with_year(today.year() - b - 1).unwrap_or(today);
        q = q.filter(resident::Column::BirthDate.gt(earliest));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // By name, or by the building they live in now (its code, name or address).
        use sea_orm::sea_query::ExprTrait;
        let living_in = sea_orm::sea_query::Query::select()
            .column((residence::Entity, residence::Column::ResidentId))
            .from(residence::Entity)
            .inner_join(
                house::Entity,
                sea_orm::sea_query::Expr::col((house::Entity, house::Column::Id))
                    .equals((residence::Entity, residence::Column::HouseId)),
            )
            .and_where(residence::Column::Until.is_null())
            .and_where(
                sea_orm::sea_query::Expr::col((house::Entity, house::Column::BuildingId))
                    .in_subquery(buildings_matching(db, t)),
            )
            .to_owned();
        q = q.filter(
            Condition::any()
                .add(resident_name_matching(db, t))
                .add(resident::Column::Id.in_subquery(living_in)),
        );
    }
    let total = q.clone().count(&db.conn).await?;
    let (col, desc) = match f.sort.as_deref().unwrap_or("id") {
        "name" => (resident::Column::Name, false),
        "-name" => (resident::Column::Name, true),
        "birth_date" => (resident::Column::BirthDate, false),
        "-birth_date" => (resident::Column::BirthDate, true),
        "-id" => (resident::Column::Id, true),
        "id" => (resident::Column::Id, false),
        _ => {
            return Err(DbError::invalid(
                "sort",
                "排序字段须为 name、birth_date 或 id（前加 - 为降序）",
            ));
        }
    };
    let q = if desc {
        q.order_by_desc(col)
    } else {
        q.order_by_asc(col)
    };
    let rows = q
        .order_by_asc(resident::Column::Id)
        .offset(p.offset())
        .limit(p.page_size)
        .all(&db.conn)
        .await?;
    let names = org::unit_names(&db.conn, rows.iter().map(|r| r.org_unit_id)).await?;
    let items = rows
        .iter()
        .map(|r| resident_view(r, names.get(&r.org_unit_id).cloned().unwrap_or_default(), today))
        .collect();
    Ok(Page { items, total })
}

async fn visible_resident<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> DbResult<resident::Model> {
    resident::Entity::find_by_id(id)
        .filter(resident_scope(scope))
        .one(c)
        .await?
        .ok_or(DbError::NotFound)
}

async fn residence_views(db: &Db, rows: Vec<residence::Model>) -> DbResult<Vec<Residence>> {
    let hids: Vec<i64> = rows.iter().map(|r| r.house_id).collect();
    let houses: HashMap<i64, house::Model> = house::Entity::find()
        .filter(house::Column::Id.is_in(hids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let bids: Vec<i64> = houses.values().map(|h| h.building_id).collect();
    let buildings: HashMap<i64, building::Model> = building::Entity::find()
        .filter(building::Column::Id.is_in(bids))
        .all(&db.conn)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let rids: Vec<i64> = rows.iter().map(|r| r.resident_id).collect();
    let names: HashMap<i64, String> = resident::Entity::find()
        .select_only()
        .columns([resident::Column::Id, resident::Column::Name])
        .filter(resident::Column::Id.is_in(rids))
        .into_tuple::<(i64, String)>()
        .all(&db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let h = houses.get(&r.house_id);
            let b = h.and_then(|h| buildings.get(&h.building_id));
            Residence {
                id: r.id,
                resident_id: r.resident_id,
                resident_name: names
                    .get(&r.resident_id)
                    .map(|n| zongguan_core::mask::name(n))
                    .unwrap_or_default(),
                house_id: r.house_id,
                building_code: b.map(|b| b.code.clone()).unwrap_or_default(),
                room: h.map(|h| h.room.clone()).unwrap_or_default(),
                address: match (b, h) {
                    (Some(b), Some(h)) => format!("{}{}", b.address, h.room),
                    _ => String::new(),
                },
                relation: r.relation,
                since: r.since,
                until: r.until,
            }
        })
        .collect())
}

/// The full record. Every read is audited; `unmasked` (needs `resident:read_full`) shows the
/// identity number and phone in full and is audited as such.
pub async fn get_resident(db: &Db, actor: &Actor, id: i64, unmasked: bool) -> DbResult<ResidentDetail> {
    let r = visible_resident(&db.conn, &actor.scope, id).await?;
    let today = chrono::Local::now().date_naive();
    let unit = org::unit_names(&db.conn, [r.org_unit_id])
        .await?
        .remove(&r.org_unit_id)
        .unwrap_or_default();
    let mut view = resident_view(&r, unit, today);
    if unmasked {
        view.id_number = db
            .cipher
            .decrypt(&r.id_number_enc)
            .map_err(|_| DbError::Conflict("密文无法解密，请检查数据密钥".into()))?;
        view.phone = r
            .phone_enc
            .as_deref()
            .and_then(|p| db.cipher.decrypt(p).ok())
            .unwrap_or_default();
    }
    let rows = residence::Entity::find()
        .filter(residence::Column::ResidentId.eq(id))
        .order_by_desc(residence::Column::Since)
        .all(&db.conn)
        .await?;
    let residences = residence_views(db, rows).await?;
    audit::record(
        db,
        actor,
        Event::ok(if unmasked { "read_unmasked" } else { "read" }, "resident", id),
    )
    .await?;
    Ok(ResidentDetail {
        resident: view,
        former_name: r.former_name,
        native_place_code: r.native_place_code,
        registered_address_code: r.registered_address_code,
        registered_address: r.registered_address,
        current_address: r.current_address,
        education: r.education,
        marital_status: r.marital_status,
        political_status: r.political_status,
        occupation: r.occupation,
        employer: r.employer,
        nationality: r.nationality,
        masked: !unmasked,
        residences,
    })
}

fn check_division_code(field: &'static str, v: &Option<String>) -> DbResult<String> {
    let v = v.as_deref().unwrap_or("").trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    let ok = (v.len() == 6 || v.len() == 12)
        && v.chars().all(|c| c.is_ascii_digit())
        && zongguan_core::id_number::PROVINCES.contains(&&v[..2]);
    if !ok {
        return Err(DbError::invalid(
            field,
            "行政区划代码须为 6 位或 12 位数字，且省级代码存在",
        ));
    }
    Ok(v.to_string())
}

fn check_special_groups(v: &Option<Vec<String>>) -> DbResult<String> {
    let mut out = Vec::new();
    for g in v.iter().flatten() {
        let c = dict::code_of(dict::SPECIAL_GROUPS, g)
            .ok_or_else(|| DbError::invalid("special_groups", format!("未知的特殊人群类别 {g}")))?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out.join(","))
}

/// A checked resident row ready to insert (used by the API and the import).
pub struct NewResidentRow {
    pub record: ResidentRecord,
    pub org_unit_id: i64,
}

pub(crate) fn resident_model(db: &Db, actor: &Actor, r: &ResidentRecord, org_unit_id: i64) -> resident::ActiveModel {
    let now = Utc::now();
    resident::ActiveModel {
        name: Set(r.name.clone()),
        id_type: Set(r.id_type.into()),
        id_number_enc: Set(db.cipher.encrypt(&r.id_number)),
        id_number_hash: Set(db.cipher.keyed_hash_bytes(&r.id_number)),
        id_number_masked: Set(r.id_masked.clone()),
        gender: Set(r.gender.into()),
        birth_date: Set(r.birth_date),
        ethnicity: Set(r.ethnicity.into()),
        registration_type: Set(r.registration_type.into()),
        phone_enc: Set(r.phone.as_deref().map(|p| db.cipher.encrypt(p))),
        phone_hash: Set(r.phone.as_deref().map(|p| db.cipher.keyed_hash(p))),
        phone_masked: Set(r.phone.as_deref().map(zongguan_core::mask::phone).unwrap_or_default()),
        nationality: Set(r.nationality.clone()),
        former_name: Set(String::new()),
        native_place_code: Set(String::new()),
        registered_address_code: Set(String::new()),
        registered_address: Set(String::new()),
        current_address: Set(String::new()),
        education: Set(String::new()),
        marital_status: Set(String::new()),
        political_status: Set(String::new()),
        occupation: Set(String::new()),
        employer: Set(String::new()),
        special_groups: Set(String::new()),
        org_unit_id: Set(org_unit_id),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The id of the resident with this identity number, if any (whatever the caller's scope:
/// one person, one record).
pub async fn id_for_number<C: ConnectionTrait>(c: &C, db: &Db, id_number: &str) -> DbResult<Option<i64>> {
    Ok(resident::Entity::find()
        .select_only()
        .column(resident::Column::Id)
        .filter(resident::Column::IdNumberHash.eq(db.cipher.keyed_hash_bytes(id_number)))
        .into_tuple::<i64>()
        .one(c)
        .await?)
}

fn apply_extra(am: &mut resident::ActiveModel, f: &ResidentForm) -> DbResult<()> {
    let text = |field: &'static str, label: &str, v: &Option<String>, max: usize| -> DbResult<String> {
        Ok(rules::optional_text(field, label, v.as_deref().unwrap_or(""), max)?)
    };
    am.former_name = Set(text("former_name", "曾用名", &f.former_name, 50)?);
    am.native_place_code = Set(check_division_code("native_place_code", &f.native_place_code)?);
    am.registered_address_code = Set(check_division_code(
        "registered_address_code",
        &f.registered_address_code,
    )?);
    am.registered_address = Set(text("registered_address", "户籍地址", &f.registered_address, 200)?);
    am.current_address = Set(text("current_address", "现住址", &f.current_address, 200)?);
    am.education = Set(text("education", "文化程度", &f.education, 20)?);
    am.marital_status = Set(text("marital_status", "婚姻状况", &f.marital_status, 20)?);
    am.political_status = Set(text("political_status", "政治面貌", &f.political_status, 20)?);
    am.occupation = Set(text("occupation", "职业", &f.occupation, 50)?);
    am.employer = Set(text("employer", "服务处所", &f.employer, 100)?);
    am.special_groups = Set(check_special_groups(&f.special_groups)?);
    Ok(())
}

pub async fn create_resident(db: &Db, actor: &Actor, f: ResidentForm) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let rec = rules::check_resident(&f.input(), today).map_err(first)?;
    let since = f
        .since
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| rules::date("since", "入住日期", s))
        .transpose()?;
    let relation = match f.relation.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(r) => Some(rules::coded("relation", "与户主关系", dict::RELATIONS, r)?),
        None => None,
    };
    let txn = db.begin_write().await?;
    if let Some(existing) = id_for_number(&*txn, db, &rec.id_number).await? {
        return Err(DbError::Duplicate {
            field: "id_number".into(),
            message: format!("证件号码 {} 已登记，请打开已有记录", rec.id_masked),
            existing_id: existing,
        });
    }
    let (unit, house) = match (f.house_id, f.org_unit_id) {
        (Some(h), _) => {
            let h = visible_house(&*txn, &actor.scope, h)
                .await
                .map_err(|_| DbError::invalid("house_id", "房屋不存在"))?;
            (h.grid_id, Some(h))
        }
        (None, Some(u)) => {
            org_unit::Entity::find_by_id(u)
                .filter(scope::org_units(&actor.scope))
                .one(&*txn)
                .await?
                .ok_or_else(|| DbError::invalid("org_unit_id", "所属网格或社区不存在"))?;
            (u, None)
        }
        (None, None) => return Err(DbError::invalid("house_id", "请选择居住房屋或所属网格")),
    };
    let mut am = resident_model(db, actor, &rec, unit);
    apply_extra(&mut am, &f)?;
    let m = am
        .insert(&*txn)
        .await
        .map_err(|e| DbError::from(e).unique("证件号码已登记"))?;
    if let Some(h) = house {
        residence::ActiveModel {
            resident_id: Set(m.id),
            house_id: Set(h.id),
            relation: Set(relation.unwrap_or("").into()),
            since: Set(since.unwrap_or(today)),
            until: Set(None),
            created_by: Set(actor.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("create", "resident", m.id).detail(rec.id_masked.clone()),
    )
    .await?;
    txn.commit().await?;
    get_resident(db, actor, m.id, false).await
}

/// Updates a record. An identity number or phone left out or sent back masked keeps the stored
/// value, so that staff who may not see them in full can still edit the rest.
pub async fn update_resident(db: &Db, actor: &Actor, id: i64, mut f: ResidentForm) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let txn = db.begin_write().await?;
    let cur = visible_resident(&*txn, &actor.scope, id).await?;
    if f.id_number.trim().is_empty() || f.id_number.contains('*') {
        f.id_number = db
            .cipher
            .decrypt(&cur.id_number_enc)
            .map_err(|_| DbError::Conflict("密文无法解密，请检查数据密钥".into()))?;
    }
    match f.phone.as_deref() {
        None => f.phone = cur.phone_enc.as_deref().and_then(|p| db.cipher.decrypt(p).ok()),
        Some(p) if p.contains('*') => f.phone = cur.phone_enc.as_deref().and_then(|p| db.cipher.decrypt(p).ok()),
        _ => {}
    }
    let rec = rules::check_resident(&f.input(), today).map_err(first)?;
    if let Some(other) = id_for_number(&*txn, db, &rec.id_number).await?
        && other != id
    {
        return Err(DbError::Duplicate {
            field: "id_number".into(),
            message: "该证件号码属于另一条记录".into(),
            existing_id: other,
        });
    }
    let fresh = resident_model(db, actor, &rec, cur.org_unit_id);
    let mut am: resident::ActiveModel = cur.into();
    am.name = fresh.name;
    am.id_type = fresh.id_type;
    am.id_number_enc = fresh.id_number_enc;
    am.id_number_hash = fresh.id_number_hash;
    am.id_number_masked = fresh.id_number_masked;
    am.gender = fresh.gender;
    am.birth_date = fresh.birth_date;
    am.ethnicity = fresh.ethnicity;
    am.registration_type = fresh.registration_type;
    am.phone_enc = fresh.phone_enc;
    am.phone_hash = fresh.phone_hash;
    am.phone_masked = fresh.phone_masked;
    am.nationality = fresh.nationality;
    am.updated_at = Set(Utc::now());
    apply_extra(&mut am, &f)?;
    am.update(&*txn).await?;
    audit::append(&*txn, db.backend, actor, Event::ok("update", "resident", id)).await?;
    txn.commit().await?;
    get_resident(db, actor, id, false).await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveIn {
    pub house_id: i64,
    /// GB/T 4761 code or word (本人, 配偶, …).
    pub relation: Option<String>,
    /// `YYYY-MM-DD`; default today.
    pub since: Option<String>,
}

/// Moves a resident into a house; a current residence elsewhere ends the day before.
pub async fn move_in(db: &Db, actor: &Actor, resident_id: i64, m: MoveIn) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let since = match m.since.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => rules::date("since", "入住日期", s)?,
        None => today,
    };
    let relation = match m.relation.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(r) => rules::coded("relation", "与户主关系", dict::RELATIONS, r)?,
        None => "",
    };
    let txn = db.begin_write().await?;
    let r = visible_resident(&*txn, &actor.scope, resident_id).await?;
    let h = visible_house(&*txn, &actor.scope, m.house_id)
        .await
        .map_err(|_| DbError::invalid("house_id", "房屋不存在"))?;
    let current = residence::Entity::find()
        .filter(residence::Column::ResidentId.eq(resident_id))
        .filter(residence::Column::Until.is_null())
        .all(&*txn)
        .await?;
    for c in current {
        if c.house_id == h.id {
            return Err(DbError::Conflict("已居住在该房屋".into()));
        }
        if since <= c.since {
            return Err(DbError::invalid(
                "since",
                format!("入住日期须晚于当前居住登记的入住日期 {}", c.since),
            ));
        }
        let end = since.pred_opt().unwrap_or(since);
        let mut am: residence::ActiveModel = c.into();
        am.until = Set(Some(end));
        am.update(&*txn).await?;
    }
    residence::ActiveModel {
        resident_id: Set(resident_id),
        house_id: Set(h.id),
        relation: Set(relation.into()),
        since: Set(since),
        until: Set(None),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let mut am: resident::ActiveModel = r.into();
    am.org_unit_id = Set(h.grid_id);
    am.updated_at = Set(Utc::now());
    am.update(&*txn).await?;
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("move_in", "resident", resident_id).detail(format!("house {}", h.id)),
    )
    .await?;
    txn.commit().await?;
    get_resident(db, actor, resident_id, false).await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOut {
    /// `YYYY-MM-DD`; default today.
    pub until: Option<String>,
}

/// Ends the current residence. The row stays: a house keeps its history of occupants.
pub async fn move_out(db: &Db, actor: &Actor, resident_id: i64, m: MoveOut) -> DbResult<ResidentDetail> {
    let today = chrono::Local::now().date_naive();
    let until = match m.until.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => rules::date("until", "迁出日期", s)?,
        None => today,
    };
    let txn = db.begin_write().await?;
    visible_resident(&*txn, &actor.scope, resident_id).await?;
    let current = residence::Entity::find()
        .filter(residence::Column::ResidentId.eq(resident_id))
        .filter(residence::Column::Until.is_null())
        .all(&*txn)
        .await?;
    if current.is_empty() {
        return Err(DbError::Conflict("该人员当前没有居住登记".into()));
    }
    for c in current {
        if until < c.since {
            return Err(DbError::invalid(
                "until",
                format!("迁出日期不能早于入住日期 {}", c.since),
            ));
        }
        let mut am: residence::ActiveModel = c.into();
        am.until = Set(Some(until));
        am.update(&*txn).await?;
    }
    // Touching the resident bumps its unit's counts version, so the map's per-building figures follow.
    resident::Entity::update_many()
        .col_expr(resident::Column::UpdatedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(resident::Column::Id.eq(resident_id))
        .exec(&*txn)
        .await?;
    audit::append(&*txn, db.backend, actor, Event::ok("move_out", "resident", resident_id)).await?;
    txn.commit().await?;
    get_resident(db, actor, resident_id, false).await
}

// ---------- summary counts ----------

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct UnitSummary {
    pub org_unit_id: i64,
    pub code: String,
    pub name: String,
    pub residents: u64,
    /// By registration type code.
    pub by_registration_type: HashMap<String, u64>,
    pub by_gender: HashMap<String, u64>,
    /// `0-17`, `18-59`, `60+`, `unknown`.
    pub by_age_band: HashMap<String, u64>,
    pub houses: u64,
    pub houses_by_use: HashMap<String, u64>,
    pub rental_houses: u64,
    pub buildings: u64,
}

/// Counts for each child of `org_unit_id` (or the top units of the caller's scope), rolled up from grids.
pub async fn summary(db: &Db, scope: &Scope, org_unit_id: Option<i64>) -> DbResult<Vec<UnitSummary>> {
    let today = chrono::Local::now().date_naive();
    let adult = today.with_year(today.year() - 18).unwrap_or(today);
    let senior = today.with_year(today.year() - 60).unwrap_or(today);
    // The units to report on.
    let units: Vec<org_unit::Model> = match org_unit_id {
        Some(id) => {
            let parent = org_unit::Entity::find_by_id(id)
                .filter(scope::org_units(scope))
                .one(&db.conn)
                .await?
                .ok_or(DbError::NotFound)?;
            let kids = org_unit::Entity::find()
                .filter(org_unit::Column::ParentId.eq(id))
                .filter(scope::org_units(scope))
                .order_by_asc(org_unit::Column::Sort)
                .order_by_asc(org_unit::Column::Code)
                .all(&db.conn)
                .await?;
            if kids.is_empty() { vec![parent] } else { kids }
        }
        None => {
            let tree = org::tree(db, scope).await?;
            let ids: Vec<i64> = tree.iter().map(|n| n.id).collect();
            org_unit::Entity::find()
                .filter(org_unit::Column::Id.is_in(ids))
                .all(&db.conn)
                .await?
        }
    };
    // Map every visible unit id to the reported unit whose subtree holds it.
    let all: Vec<(i64, String)> = org_unit::Entity::find()
        .select_only()
        .columns([org_unit::Column::Id, org_unit::Column::Path])
        .filter(scope::org_units(scope))
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut owner: HashMap<i64, usize> = HashMap::new();
    for (id, path) in &all {
        if let Some(i) = units.iter().position(|u| path.starts_with(&u.path)) {
            owner.insert(*id, i);
        }
    }
    let mut out: Vec<UnitSummary> = units
        .iter()
        .map(|u| UnitSummary {
            org_unit_id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            ..Default::default()
        })
        .collect();
    if let Scope::OwnRecords { .. } = scope {
        // Rows the user created: few, and not what the per-unit counts hold.
        summary_sql(db, scope, &owner, &mut out, adult, senior).await?;
        return Ok(out);
    }
    let (adult, senior) = (crate::stats::day_number(adult), crate::stats::day_number(senior));
    db.stats
        .with(db, |counts| {
            for (unit, i) in &owner {
                let (Some(c), Some(s)) = (counts.get(unit), out.get_mut(*i)) else {
                    continue;
                };
                for ((reg, gender), (births, unknown)) in &c.people {
                    let n = births.len() as u64 + unknown;
                    s.residents += n;
                    *s.by_registration_type.entry(reg.clone()).or_default() += n;
                    *s.by_gender.entry(gender.clone()).or_default() += n;
                    let young = crate::stats::UnitCounts::born_between(births, adult, i32::MAX);
                    let working = crate::stats::UnitCounts::born_between(births, senior, adult);
                    for (band, k) in [
                        ("0-17", young),
                        ("18-59", working),
                        ("60+", births.len() as u64 - young - working),
                        ("unknown", *unknown),
                    ] {
                        if k > 0 {
                            *s.by_age_band.entry(band.into()).or_default() += k;
                        }
                    }
                }
                for ((use_type, rental), n) in &c.houses {
                    s.houses += n;
                    *s.houses_by_use.entry(use_type.clone()).or_default() += n;
                    if *rental {
                        s.rental_houses += n;
                    }
                }
                s.buildings += c.buildings;
            }
        })
        .await?;
    Ok(out)
}

/// The summary straight from the tables, for scopes the per-unit counts cannot answer.
async fn summary_sql(
    db: &Db,
    scope: &Scope,
    owner: &HashMap<i64, usize>,
    out: &mut [UnitSummary],
    adult: NaiveDate,
    senior: NaiveDate,
) -> DbResult<()> {
    // The age band is computed in SQL so that the database returns a few rows per grid.
    // The two dates are computed here, never user input, so they are written as literals (bound
    // parameters are spelt differently on the two backends inside custom SQL).
    let band = sea_orm::sea_query::Expr::cust(format!(
        "CASE WHEN birth_date IS NULL THEN 'unknown' WHEN birth_date > '{}' THEN '0-17' WHEN birth_date > '{}' THEN '18-59' ELSE '60+' END",
        adult.format("%Y-%m-%d"),
        senior.format("%Y-%m-%d")
    ));
    let rows: Vec<(i64, String, String, String, i64)> = resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::OrgUnitId,
            resident::Column::RegistrationType,
            resident::Column::Gender,
        ])
        .column_as(band, "band")
        .column_as(resident::Column::Id.count(), "n")
        .filter(resident_scope(scope))
        .group_by(resident::Column::OrgUnitId)
        .group_by(resident::Column::RegistrationType)
        .group_by(resident::Column::Gender)
        .group_by(sea_orm::sea_query::Expr::cust("band"))
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (unit, reg, gender, band, n) in rows {
        if let Some(&i) = owner.get(&unit) {
            let s = &mut out[i];
            let n = n as u64;
            s.residents += n;
            *s.by_registration_type.entry(reg).or_default() += n;
            *s.by_gender.entry(gender).or_default() += n;
            *s.by_age_band.entry(band).or_default() += n;
        }
    }
    let rows: Vec<(i64, String, bool, i64)> = house::Entity::find()
        .select_only()
        .columns([house::Column::GridId, house::Column::UseType, house::Column::IsRental])
        .column_as(house::Column::Id.count(), "n")
        .filter(house_scope(scope))
        .group_by(house::Column::GridId)
        .group_by(house::Column::UseType)
        .group_by(house::Column::IsRental)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (grid, use_type, rental, n) in rows {
        if let Some(&i) = owner.get(&grid) {
            let s = &mut out[i];
            s.houses += n as u64;
            *s.houses_by_use.entry(use_type).or_default() += n as u64;
            if rental {
                s.rental_houses += n as u64;
            }
        }
    }
    let rows: Vec<(i64, i64)> = building::Entity::find()
        .select_only()
        .column(building::Column::GridId)
        .column_as(building::Column::Id.count(), "n")
        .filter(building_scope(scope))
        .group_by(building::Column::GridId)
        .into_tuple()
        .all(&db.conn)
        .await?;
    for (grid, n) in rows {
        if let Some(&i) = owner.get(&grid) {
            out[i].buildings += n as u64;
        }
    }
    Ok(())
}

/// Identity numbers and phones in full, for an export by someone allowed to see them.
pub async fn unmasked_values(db: &Db, ids: &[i64]) -> DbResult<HashMap<i64, (String, String)>> {
    let rows: Vec<(i64, String, Option<String>)> = resident::Entity::find()
        .select_only()
        .columns([
            resident::Column::Id,
            resident::Column::IdNumberEnc,
            resident::Column::PhoneEnc,
        ])
        .filter(resident::Column::Id.is_in(ids.to_vec()))
        .into_tuple()
        .all(&db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n, p)| {
            let n = db.cipher.decrypt(&n).unwrap_or_default();
            let p = p.and_then(|p| db.cipher.decrypt(&p).ok()).unwrap_or_default();
            (id, (n, p))
        })
        .collect())
}

// ---------- special-group detail records ----------

/// A special-group record of a resident (sensitive: every read is audited with the person's record).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpecialGroupRecord {
    pub id: i64,
    pub resident_id: i64,
    /// released_prisoner | community_correction | mental_disorder | drug_user | aids_risk | at_risk_youth
    pub kind: String,
    /// general | medium | serious
    pub attention_level: String,
    /// For at-risk youth: idle | bad_behaviour | vagrant | prisoner_child | left_behind_child | other
    pub youth_type: String,
    pub detail: String,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialGroupInput {
    pub kind: String,
    pub attention_level: Option<String>,
    pub youth_type: Option<String>,
    pub detail: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

fn sg_view(m: crate::entity::special_group_record::Model) -> SpecialGroupRecord {
    SpecialGroupRecord {
        id: m.id,
        resident_id: m.resident_id,
        kind: m.kind,
        attention_level: m.attention_level,
        youth_type: m.youth_type,
        detail: m.detail,
        since: m.since,
        until: m.until,
    }
}

pub async fn special_groups(db: &Db, actor: &Actor, resident_id: i64) -> DbResult<Vec<SpecialGroupRecord>> {
    use crate::entity::special_group_record as sg;
    visible_resident(&db.conn, &actor.scope, resident_id).await?;
    let rows = sg::Entity::find()
        .filter(sg::Column::ResidentId.eq(resident_id))
        .order_by_asc(sg::Column::Id)
        .all(&db.conn)
        .await?;
    audit::record(db, actor, Event::ok("read_special_groups", "resident", resident_id)).await?;
    Ok(rows.into_iter().map(sg_view).collect())
}

/// Adds a record and the tag on the resident, in one transaction.
pub async fn add_special_group(
    db: &Db,
    actor: &Actor,
    resident_id: i64,
    i: SpecialGroupInput,
) -> DbResult<SpecialGroupRecord> {
    use crate::entity::special_group_record as sg;
    let kind = rules::coded("kind", "特殊人群类别", dict::SPECIAL_GROUPS, &i.kind)?;
    let level = match i.attention_level.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(l) => rules::coded("attention_level", "关注程度", dict::ATTENTION_LEVELS, l)?,
        None => "general",
    };
    let youth = match (kind, i.youth_type.as_deref().filter(|s| !s.trim().is_empty())) {
        ("at_risk_youth", Some(y)) => rules::coded("youth_type", "重点青少年类型", dict::YOUTH_TYPES, y)?,
        ("at_risk_youth", None) => return Err(DbError::invalid("youth_type", "重点青少年须填写类型")),
        _ => "",
    };
    let date = |f: &'static str, l: &str, v: &Option<String>| -> DbResult<Option<NaiveDate>> {
        Ok(v.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| rules::date(f, l, s))
            .transpose()?)
    };
    let since = date("since", "起始日期", &i.since)?;
    let until = date("until", "结束日期", &i.until)?;
    if let (Some(a), Some(b)) = (since, until)
        && b < a
    {
        return Err(DbError::invalid("until", "结束日期不能早于起始日期"));
    }
    let txn = db.begin_write().await?;
    let r = visible_resident(&*txn, &actor.scope, resident_id).await?;
    let now = Utc::now();
    let m = sg::ActiveModel {
        resident_id: Set(resident_id),
        kind: Set(kind.into()),
        attention_level: Set(level.into()),
        youth_type: Set(youth.into()),
        detail: Set(rules::optional_text(
            "detail",
            "情况说明",
            i.detail.as_deref().unwrap_or(""),
            2000,
        )?),
        since: Set(since),
        until: Set(until),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let mut tags: Vec<String> = r
        .special_groups
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if !tags.iter().any(|t| t == kind) {
        tags.push(kind.into());
        let mut am: resident::ActiveModel = r.into();
        am.special_groups = Set(tags.join(","));
        am.updated_at = Set(now);
        am.update(&*txn).await?;
    }
    audit::append(
        &*txn,
        db.backend,
        actor,
        Event::ok("add_special_group", "resident", resident_id).detail(kind),
    )
    .await?;
    txn.commit().await?;
    Ok(sg_view(m))
}
